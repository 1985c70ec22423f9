/*
 * source.h
 *		The rows a model is trained, evaluated or calibrated on: a relation,
 *		its feature columns (the inputs of an encoding, encoding.h) and its
 *		label column, turned into SQL (source.c).
 */
#ifndef HINGE_SOURCE_H
#define HINGE_SOURCE_H

#include "utils/array.h"

#include "labels.h"
#include "passes.h"

/* A multiclass model has at most this many classes */
#define HINGE_MAX_CLASSES	1000

typedef struct HingeRowSource
{
	Oid			relid;			/* locked for the rest of the transaction */
	char	   *relation;		/* qualified and quoted, for SQL */
	char	   *relation_name;	/* as regclass prints it, for messages */
	Oid			namespace;		/* the extension's schema */
	char	   *ext;			/* the same, quoted, for SQL */
	Oid			sparse_type;	/* the extension's hinge_sparse */
	bool		feature_list;	/* features from a list of columns */
	int			n_feature_columns;
	char	  **feature_columns;	/* raw column names */
	Oid		   *column_types;	/* their base types */
	struct HingeEncoding *encoding;	/* the inputs the columns feed */
	bool		encoded;		/* x is the encoder's (hinge_sparse) */
	const char *feature_type;	/* "double precision[]", "real[]",
								 * "hinge_sparse", "columns", "tsvector",
								 * "jsonb" */
	Oid			features_type;	/* float8[], real[] or hinge_sparse: of x */
	const char *width_function; /* of x: its number of features */
	char	   *usable_sql;		/* condition: features and label usable */
	int			n_features;
	char	   *label_name;		/* raw column name */
	char	   *label_sql;		/* quoted column */
	HingeLabelType label;
	int			n_classes;
	char	  **classes;		/* canonical texts: binary (negative,
								 * positive), or multiclass in the type's
								 * order */
	Datum	   *class_values;	/* the same as values of the label's type */
	int64	   *class_rows;		/* counted by hinge_row_source_count */
	int64		rows_used;
	int64		rows_skipped;
} HingeRowSource;

extern void hinge_row_source_init_from_call(HingeRowSource *src, FunctionCallInfo fcinfo);
extern void hinge_row_source_init(HingeRowSource *src, Oid namespace,
								  Oid relid, Datum features,
								  bool feature_list, const char *label);
extern void hinge_row_source_count(HingeRowSource *src);
extern void hinge_row_source_set_classes(HingeRowSource *src, int n_classes,
										 char **classes);
extern void hinge_row_source_choose_positive(HingeRowSource *src,
											 const char *positive);
extern char *hinge_row_source_y(HingeRowSource *src, HingeParams *params);
extern char *hinge_row_source_class(HingeRowSource *src, HingeParams *params);
extern char *hinge_row_source_label_is(HingeRowSource *src, int k,
									   HingeParams *params);
extern char *hinge_row_source_label_known(HingeRowSource *src,
										  HingeParams *params);
extern char *hinge_row_source_sql(HingeRowSource *src);
extern char *hinge_row_source_x(HingeRowSource *src, HingeParams *params);
extern void hinge_row_source_set_impute(HingeRowSource *src);
extern void hinge_row_source_use_encoding(HingeRowSource *src,
										  const struct HingeEncoding *model_encoding,
										  const char *model);
extern char *hinge_row_source_width_sql(HingeRowSource *src, const char *x,
										const char *filter);
extern void hinge_row_source_add_width(HeapTuple tuple, TupleDesc desc,
									   int min_column, int max_column, int *min, int *max);
extern void hinge_row_source_check_width(HingeRowSource *src, int min, int max,
										 int n_features, const char *name);
extern ArrayType *hinge_row_source_feature_names(HingeRowSource *src);
pg_noreturn extern void hinge_rows_changed_error(HingeRowSource *src,
												  int64 rows, int64 expected);
pg_noreturn extern void hinge_bound_above_objective_error(HingeRowSource *src,
															 float8 lower, float8 objective);

/* Columns, for the row source and the triggers alike */
extern AttrNumber hinge_column_attnum(Oid relid, const char *column,
									  const char *role);
extern bool hinge_is_number_type(Oid type);
extern bool hinge_is_category_type(Oid type);
pg_noreturn extern void hinge_column_type_error(const char *column, Oid type,
												const char *wanted,
												const char *hint);

#endif							/* HINGE_SOURCE_H */
