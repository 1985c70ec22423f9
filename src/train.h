/*
 * train.h
 *		What a training asks for, checked and resolved (train.c), and the
 *		oracle that evaluates its risk by aggregate passes over the rows
 *		(pass_oracle.c).
 */
#ifndef HINGE_TRAIN_H
#define HINGE_TRAIN_H

#include "passes.h"
#include "solver.h"
#include "source.h"

/* How features are encoded: scaling, categories, missing values, text */
typedef struct HingeFeatureOptions
{
	const char *scale;			/* "none", "standard" or "maxabs" */
	const char *impute;			/* "none", "mean" or "zero" */
	int			max_categories; /* per categorical column */
	const char *weighting;		/* text terms: NULL (tfidf), "count", "binary",
								 * "sublinear" or "tfidf" */
	int			l2_normalize;	/* text rows to unit length: -1 default, 0, 1 */
	int			min_df;			/* rows a term must appear in */
	int			max_features;	/* terms kept, the most frequent */
	int			hash_bits;		/* 0: a vocabulary; else 2^hash_bits features */
	int			dimension;		/* libsvm rows: 0, the largest index seen */
} HingeFeatureOptions;

typedef struct HingeTrainSpec
{
	char	   *model_name;
	float8		lambda;			/* NaN: 1 / rows used */
	char	   *loss;
	float8		gamma;
	bool		intercept;
	bool		distributed;	/* the rows are in a Citus distributed table */
	char	   *class_weight;	/* NULL, "balanced" or a JSON object */
	float8		tolerance;
	int			max_passes;
	char	   *positive;		/* NULL: the greater label */
	char	   *multiclass;		/* the strategy for more than two classes */
	HingeFeatureOptions features;

	HingeRowSource source;		/* relation, features and label as SQL */
	int			n_rows;			/* rows of the weights: 1, or k classes */
	int			n_columns;		/* features, plus 1 with an intercept */
	int			n_weights;		/* n_rows x n_columns */
	float8	   *class_weights;	/* one per class; binary: c_-, c_+ */
	float8		cpos,
				cneg;
} HingeTrainSpec;

/*
 * Where a SQL function that trains (hinge_train, hinge_cross_validate) has
 * each training option: an argument number, or 0 for none.  features is
 * the first of the block of feature options, in HingeFeatureOptions' order.
 */
typedef struct HingeOptionPositions
{
	int			lambda,
				loss,
				intercept,
				class_weight,
				tolerance,
				max_passes,
				positive,
				gamma,
				multiclass,
				features;
} HingeOptionPositions;

#define HINGE_FEATURE_OPTIONS	9

/* A cross-validation's search, stored with the model it chose */
typedef struct HingeSearch
{
	const char *metric;
	int			n_folds;
	const char *fold_column;	/* NULL: folds assigned by hashing */
	int			n_lambdas;
	const float8 *lambdas;		/* in the order searched */
	const float8 *scores;		/* n_lambdas x n_folds */
	const int  *passes;			/* per lambda */
	const float8 *seconds;		/* per lambda */
} HingeSearch;

/* train.c: what every SQL function that trains shares */
extern void hinge_train_source(FunctionCallInfo fcinfo, HingeTrainSpec *spec,
							   const char *ext);
extern float8 hinge_balanced_class_weight(int64 rows, int n_classes,
										  int64 class_rows);
extern void hinge_resolve_class_weights(HingeTrainSpec *spec);
extern void hinge_check_bounds(HingeTrainSpec *spec, HingeProgress *p);
struct HingeRowSet;
struct HingeFolds;
extern bool hinge_rows_in_memory(HingeTrainSpec *spec, struct HingeRowSet *rows,
								 const struct HingeFolds *folds, const char *ext,
								 struct HingeRowSet *sample);
extern void hinge_warn_unconverged(HingeTrainSpec *spec, const HingeProgress *p,
								   const char *what);
extern Datum hinge_store_model(HingeTrainSpec *spec, const char *ext,
							   const float8 *w, HingeProgress *p,
							   const HingeSearch *search);

/* train_options.c */
extern void hinge_check_lambda(float8 lambda, const char *what, const char *hint);
extern void hinge_train_options(FunctionCallInfo fcinfo,
								const HingeOptionPositions *positions,
								HingeTrainSpec *spec);

static inline bool
hinge_spec_is_multiclass(const HingeTrainSpec *spec)
{
	return spec->n_rows > 1;
}

static inline bool
hinge_spec_is_one_vs_rest(const HingeTrainSpec *spec)
{
	return hinge_spec_is_multiclass(spec) &&
		strcmp(spec->multiclass, "one_vs_rest") == 0;
}

/* A binary problem's weight c of a row's loss, by its label y (-1 or +1) */
static inline float8
hinge_spec_class_weight(const HingeTrainSpec *spec, float8 y)
{
	return y > 0 ? spec->cpos : spec->cneg;
}

struct HingeFolds;

/*
 * The risk of a training, evaluated by aggregate passes over its rows: one
 * problem (binary or a multiclass matrix), or one-vs-rest's k problems; for
 * a cross-validation, those of every fold side by side, each over the rows
 * of the other folds (fold by fold: F problems, or F k for one-vs-rest).
 */
typedef struct HingePassOracle
{
	HingeOracle oracle;			/* first: the solver sees this */
	const HingeTrainSpec *spec;
	const struct HingeFolds *folds; /* NULL: no cross-validation */
	const float8 *fold_class_weights;	/* folds x classes */
	float8	   *plane_results;	/* folds: the planes, then the held-out blocks */
	float8	   *held_out;		/* folds: the blocks of the last planes pass */
	HingePass	plane_pass;
	HingePass	line_pass;
	HingePass	line_plane_pass;	/* the line, and the planes at a point of it */
	int			plane_point_param;	/* that pass's parameter of the point */
	ArrayType  *plane_point_array;
	float8	   *plane_point;
	ArrayType  *point_array;	/* the planes' parameter */
	float8	   *point;
	ArrayType  *line_array;		/* the line search's: from, then to */
	float8	   *line;
	float8	   *results;
} HingePassOracle;

extern void hinge_pass_oracle_init(HingePassOracle *po, const HingeTrainSpec *spec,
								   const char *ext);
extern void hinge_pass_oracle_init_folds(HingePassOracle *po, const HingeTrainSpec *spec,
										 const struct HingeFolds *folds,
										 const float8 *fold_class_weights,
										 const char *ext);

#endif							/* HINGE_TRAIN_H */
