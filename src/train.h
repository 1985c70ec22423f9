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

/* train_options.c */
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

/*
 * The risk of a training, evaluated by aggregate passes over its rows: one
 * problem (binary or a multiclass matrix), or one-vs-rest's k problems.
 */
typedef struct HingePassOracle
{
	HingeOracle oracle;			/* first: the solver sees this */
	const HingeTrainSpec *spec;
	HingePass	plane_pass;
	HingePass	line_pass;
	ArrayType  *point_array;	/* the planes' parameter */
	float8	   *point;
	ArrayType  *line_array;		/* the line search's: from, then to */
	float8	   *line;
	float8	   *results;
} HingePassOracle;

extern void hinge_pass_oracle_init(HingePassOracle *po, const HingeTrainSpec *spec,
								   const char *ext);

#endif							/* HINGE_TRAIN_H */
