/*
 * model.h
 *		Stored models: a row of hinge_model as scoring, evaluation and
 *		calibration need it, read and checked (model.c), and the backend's
 *		cache of the models it scores with (model_cache.c).
 */
#ifndef HINGE_MODEL_H
#define HINGE_MODEL_H

#include "access/htup.h"
#include "access/tupdesc.h"
#include "fmgr.h"

#include "vector.h"

/* Longest model name, in bytes (an index entry must hold it) */
#define HINGE_MAX_MODEL_NAME	1000

typedef struct HingeModel
{
	char	   *name;
	int			n_rows;			/* 1 for a binary model, else the classes */
	int			n_weights;		/* per row */
	int			n_features;
	float8	   *weights;
	int			n_classes;
	char	  **classes;		/* binary: negative, positive */
	float8		lambda;
	char	   *loss;
	float8		gamma;
	float8	   *class_weights;	/* one per class */
	char	   *multiclass;		/* NULL for a binary model */
	float8	   *calibration_a;	/* Platt's A and B, one per sigmoid (1, or */
	float8	   *calibration_b;	/* one per class); NULL when uncalibrated */
	struct HingeEncoding *encoding; /* how rows become its features */
	struct HingeModelSearch *search;	/* the cross-validation that chose its
										 * lambda, or NULL */
	float8	   *scores;			/* scratch: n_rows */
	float8	   *probabilities;	/* scratch: n_classes */
	Size		bytes;			/* memory it takes, roughly */
	uint64		version;		/* set by the cache: each model it reads has
								 * a number of its own */
} HingeModel;

/* A stored cross-validation (the cv_ columns of a model row), checked */
typedef struct HingeModelSearch
{
	char	   *metric;
	int			n_folds;
	int			n_lambdas;
	float8	   *lambdas;
	float8	   *scores;			/* n_lambdas x n_folds */
	int		   *passes;
	float8	   *seconds;
} HingeModelSearch;

/* model.c */
extern void hinge_check_model_name(const char *name);
extern HingeModel *hinge_model_from_tuple(HeapTuple tuple, TupleDesc desc,
										  const char *name);
extern HeapTuple hinge_model_row(const char *ext, const char *name,
								 const char *columns, bool for_update);
extern HingeModel *hinge_model_read(const char *ext, const char *name,
									bool for_update);
extern void hinge_model_check_writable(const char *ext, Oid namespace, const char *name);
pg_noreturn extern void hinge_model_missing_error(const char *name);
extern void hinge_model_class_scores(HingeModel *model, HingeVector x,
									 float8 *scores);
extern int	hinge_model_predict_class(HingeModel *model, const float8 *scores);
extern float8 hinge_model_regulariser(HingeModel *model);
extern void hinge_model_require_calibration(HingeModel *model);
extern void hinge_model_class_probabilities(HingeModel *model,
											const float8 *scores, float8 *p);
extern float8 hinge_model_probability_of(HingeModel *model,
										 const float8 *scores, int c);

/*
 * model_cache.c: a model by name, from the backend's cache when the row
 * the current snapshot sees is the one it was read from.  A caller keeps a
 * HingeModelRef (zeroed at first) for as long as it scores, such as in
 * fn_extra; the model it returns is valid until the next call.
 */
typedef struct HingeModelRef
{
	Oid			namespace;		/* the extension's schema */
	uint64		epoch;			/* of the cache when entry was found */
	void	   *entry;
	char	   *name;
	/* a model passed by value (model_value.c): its text and the model read */
	MemoryContext value_context;
	const char *value_pointer;	/* where the text last seen was */
	bool		value_fixed;	/* set by the caller: the text is a constant
								 * or a parameter of the statement, so that
								 * at the same address it is the same text */
	char	   *value;			/* a copy of it */
	int			value_length;
	HingeModel *value_model;
} HingeModelRef;

/* model_value.c: a model passed by value in the place of its name */
extern bool hinge_is_model_value(const char *name, int length);
extern HingeModel *hinge_model_from_value(const char *token, int length);

extern void hinge_model_cache_init(void);
extern HingeModel *hinge_model_get(HingeModelRef *ref, Oid namespace,
								   const char *name, int name_length);
extern bool hinge_model_cached_version(const char *name, Oid relid,
									   ItemPointer tid, TransactionId *xmin);
extern HingeModel *hinge_model_of_version(HingeModelRef *ref, Oid namespace,
										  const char *name, HeapTuple tuple,
										  TupleDesc desc, Oid relid,
										  ItemPointer tid, TransactionId xmin);

#endif							/* HINGE_MODEL_H */
