/*
 * train_options.c
 *		The options of a training, read and checked once for every SQL
 *		function that trains (train.h): the model's (lambda, loss, class
 *		weights, ...) and the features' (scaling, categories, text).
 */
#include "postgres.h"

#include <float.h>

#include "utils/builtins.h"
#include "utils/float.h"

#include "finite.h"
#include "losses.h"
#include "train.h"
#include "validate.h"
#include "vector.h"

#define DEFAULT_HINT "Leave an argument out to take its default."

/* A text option that must be one of a list; NULL in the list ends it */
static const char *
one_of(FunctionCallInfo fcinfo, int argno, const char *what,
	   const char *const *allowed, const char *hint)
{
	char	   *value;
	int			i;

	hinge_check_not_null(fcinfo, argno, what, DEFAULT_HINT);
	value = text_to_cstring(PG_GETARG_TEXT_PP(argno));
	for (i = 0; allowed[i] != NULL; i++)
		if (strcmp(value, allowed[i]) == 0)
			return allowed[i];
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown %s \"%s\"", what, value),
			 errhint("%s", hint)));
	pg_unreachable();
}

/* A lambda to train with (what names it, and the hint for a bad one) */
void
hinge_check_lambda(float8 lambda, const char *what, const char *hint)
{
	hinge_check_positive(lambda, what, hint);
	/* the solver divides by lambda: a denormal one overflows to infinity */
	if (lambda < DBL_MIN)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s %g is too small to train with", what, lambda),
				 errhint("lambda must be at least %g, the smallest normal double precision; in practice 1e-12 is already next to no regularisation.",
						 DBL_MIN)));
}

static void
model_options(FunctionCallInfo fcinfo, const HingeOptionPositions *at, HingeTrainSpec *spec)
{
	static const char *const strategies[] = {"crammer_singer", "weston_watkins", "one_vs_rest", NULL};

	spec->lambda = get_float8_nan();
	if (at->lambda > 0 && !PG_ARGISNULL(at->lambda))
	{
		spec->lambda = PG_GETARG_FLOAT8(at->lambda);
		hinge_check_lambda(spec->lambda, "lambda",
						   "lambda is the regularisation strength: liblinear's C is 1 / (lambda * n); NULL means 1 / n, liblinear's C = 1.");
	}
	hinge_check_not_null(fcinfo, at->loss, "loss", DEFAULT_HINT);
	spec->loss = text_to_cstring(PG_GETARG_TEXT_PP(at->loss));
	(void) hinge_loss_by_name(spec->loss);
	hinge_check_not_null(fcinfo, at->intercept, "intercept", DEFAULT_HINT);
	spec->intercept = PG_GETARG_BOOL(at->intercept);
	spec->class_weight = PG_ARGISNULL(at->class_weight) ? NULL :
		text_to_cstring(PG_GETARG_TEXT_PP(at->class_weight));
	if (spec->class_weight != NULL && pg_strcasecmp(spec->class_weight, "balanced") == 0)
		spec->class_weight = "balanced";
	hinge_check_not_null(fcinfo, at->tolerance, "tolerance", DEFAULT_HINT);
	spec->tolerance = PG_GETARG_FLOAT8(at->tolerance);
	hinge_check_positive(spec->tolerance, "tolerance",
						 "tolerance is the relative optimality gap to reach, such as 1e-3.");
	if (spec->tolerance >= 1.0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("tolerance must be below 1, not %s", hinge_number_text(spec->tolerance)),
				 errhint("tolerance is the relative optimality gap to reach, such as 1e-3.")));
	hinge_check_not_null(fcinfo, at->max_passes, "max_passes", DEFAULT_HINT);
	spec->max_passes = PG_GETARG_INT32(at->max_passes);
	hinge_check_int_between(spec->max_passes, 2, 100000, "max_passes",
							"A pass reads the relation once; training usually converges in 10 to 100.");
	spec->positive = PG_ARGISNULL(at->positive) ? NULL :
		text_to_cstring(PG_GETARG_TEXT_PP(at->positive));
	hinge_check_not_null(fcinfo, at->gamma, "gamma", DEFAULT_HINT);
	spec->gamma = PG_GETARG_FLOAT8(at->gamma);
	hinge_check_positive(spec->gamma, "gamma",
						 "gamma is the width of the quadratic part of the smoothed hinge: 1 is usual.");
	spec->multiclass = (char *) one_of(fcinfo, at->multiclass, "multiclass strategy", strategies,
									   "Use 'crammer_singer', 'weston_watkins' or 'one_vs_rest'.");
}

/* An optional integer option: 0 when NULL */
static int
optional_int(FunctionCallInfo fcinfo, int argno, int low, int high, const char *what,
			 const char *hint)
{
	int			value;

	if (PG_ARGISNULL(argno))
		return 0;
	value = PG_GETARG_INT32(argno);
	hinge_check_int_between(value, low, high, what, hint);
	return value;
}

/*
 * The block of feature options, in HingeFeatureOptions' order from first.
 * A function declared before 1.2 (an extension not yet updated, calling
 * this library) has none of them: they take their defaults.
 */
static void
feature_options(FunctionCallInfo fcinfo, int first, HingeFeatureOptions *f)
{
	static const char *const scales[] = {"none", "standard", "maxabs", NULL};
	static const char *const imputes[] = {"none", "mean", "zero", NULL};
	static const char *const weightings[] = {"tfidf", "count", "binary", "sublinear", NULL};
	int			a = first;

	if (PG_NARGS() < first + HINGE_FEATURE_OPTIONS)
	{
		f->scale = "none";
		f->impute = "none";
		f->max_categories = 1000;
		f->weighting = NULL;
		f->l2_normalize = -1;
		f->min_df = 1;
		f->max_features = 100000;
		f->hash_bits = 0;
		f->dimension = 0;
		return;
	}

	f->scale = one_of(fcinfo, a++, "scale", scales,
					  "Use 'none', 'standard' (z-scores) or 'maxabs' (divided by the largest magnitude).");
	f->impute = one_of(fcinfo, a++, "impute", imputes,
					   "Use 'none' (rows with a NULL feature are skipped), 'mean' or 'zero'.");
	hinge_check_not_null(fcinfo, a, "max_categories", DEFAULT_HINT);
	f->max_categories = PG_GETARG_INT32(a);
	hinge_check_int_between(f->max_categories, 1, 100000, "max_categories",
							"max_categories bounds the distinct values of a categorical column, each a feature.");
	a++;
	f->weighting = PG_ARGISNULL(a) ? NULL :
		one_of(fcinfo, a, "weighting", weightings,
			   "Use 'tfidf', 'count', 'binary' or 'sublinear' (1 + log of the count).");
	a++;
	f->l2_normalize = PG_ARGISNULL(a) ? -1 : PG_GETARG_BOOL(a);
	a++;
	hinge_check_not_null(fcinfo, a, "min_df", DEFAULT_HINT);
	f->min_df = PG_GETARG_INT32(a);
	hinge_check_int_between(f->min_df, 1, PG_INT32_MAX, "min_df",
							"min_df is the number of training rows a term must appear in to be kept.");
	a++;
	hinge_check_not_null(fcinfo, a, "max_features", DEFAULT_HINT);
	f->max_features = PG_GETARG_INT32(a);
	hinge_check_int_between(f->max_features, 1, HINGE_MAX_ELEMENTS / 2, "max_features",
							"max_features keeps that many of the most frequent terms.");
	a++;
	f->hash_bits = optional_int(fcinfo, a++, 1, 22, "hash_bits",
								"Terms are hashed into 2^hash_bits features: 18 (262,144) suits most texts; NULL learns a vocabulary instead.");
	f->dimension = optional_int(fcinfo, a++, 1, HINGE_MAX_ELEMENTS / 2, "dimension",
								"dimension fixes the number of features of index/value rows; NULL takes the largest index seen.");
	Assert(a == first + HINGE_FEATURE_OPTIONS);
}

/* Reads and checks the training options of a SQL function that trains */
void
hinge_train_options(FunctionCallInfo fcinfo, const HingeOptionPositions *positions,
					HingeTrainSpec *spec)
{
	memset(spec, 0, sizeof(*spec));
	model_options(fcinfo, positions, spec);
	feature_options(fcinfo, positions->features, &spec->features);
}
