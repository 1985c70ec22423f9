/*
 * train.c
 *		hinge_train: a linear SVM trained on a relation's rows, by the bundle
 *		method (solver.c) over aggregate passes (pass_oracle.c), and stored
 *		in hinge_model.
 */
#include "postgres.h"

#include <float.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"

#include "dual_cd.h"
#include "finite.h"
#include "folds.h"
#include "losses.h"
#include "memory_oracle.h"
#include "model.h"
#include "encoding.h"
#include "rowset.h"
#include "scaled_oracle.h"
#include "survey.h"
#include "citus.h"
#include "train.h"
#include "validate.h"
#include "working_set.h"

/* Where hinge_train's arguments are: the training options follow the four required ones */
static const HingeOptionPositions train_positions = {
	.lambda = 4, .loss = 5, .intercept = 6, .class_weight = 7, .tolerance = 8,
	.max_passes = 9, .positive = 10, .gamma = 11, .multiclass = 12,
	.features = 13
};

/* Reads hinge_train's arguments */
static HingeTrainSpec
train_args(FunctionCallInfo fcinfo)
{
	static const char *const required[] = {"model_name", "relation", "features", "label"};
	HingeTrainSpec spec;
	int			i;

	for (i = 0; i < lengthof(required); i++)
		hinge_check_not_null(fcinfo, i, required[i],
							 "hinge_train needs a model name, a relation, its features column (or list of columns) and its label column.");
	hinge_train_options(fcinfo, &train_positions, &spec);
	spec.model_name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	hinge_check_model_name(spec.model_name);
	return spec;
}

/*
 * Checks, before any pass, that the solver's arrays fit: a line search holds
 * two copies of the weights in one array.
 */
static void
check_model_size(const HingeTrainSpec *spec)
{
	int64		weights = (int64) spec->n_rows * spec->n_columns;

	if (2 * weights > HINGE_MAX_ELEMENTS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("a model of %d features%s is too large to train",
						spec->source.n_features,
						spec->n_rows > 1 ? psprintf(" and %d classes", spec->n_rows) : ""),
				 errdetail("It has %lld weights; training holds two copies of them in one array, of at most %d elements.",
						   (long long) weights, HINGE_MAX_ELEMENTS),
				 errhint("Train on fewer features%s (at most %d weights).",
						 spec->n_rows > 1 ? " or fewer classes" : "", HINGE_MAX_ELEMENTS / 2)));
}

/* What a label with more than two values asks of the other arguments */
static void
check_multiclass_args(HingeTrainSpec *spec)
{
	const char *unsupported = spec->positive != NULL ? "positive" :
		strcmp(spec->loss, "hinge") != 0 ? "loss" : NULL;

	if (unsupported != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("%s is not available for a multiclass model", unsupported),
				 errdetail("Label column \"%s\" has %d values.",
						   spec->source.label_name, spec->source.n_classes),
				 errhint("A multiclass model uses the hinge loss, in the form that multiclass chooses; positive is for two classes.")));
}

/*
 * Class weights from the class_weight argument, one per class in class
 * order: all 1; 'balanced', n / (k n_class) as scikit-learn; or a JSON
 * object that names every class.  A binary model's are c_- and c_+.
 */
static void
class_weight_context(void *arg)
{
	errcontext("class_weight %s (NULL, 'balanced' or a JSON object of class: weight)",
			   quote_literal_cstr((const char *) arg));
}

/* 'balanced': n / (k n_class), as scikit-learn */
float8
hinge_balanced_class_weight(int64 rows, int n_classes, int64 class_rows)
{
	return (float8) rows / ((float8) n_classes * class_rows);
}

void
hinge_resolve_class_weights(HingeTrainSpec *spec)
{
	HingeRowSource *src = &spec->source;
	int			k = src->n_classes;
	int			r;

	spec->class_weights = palloc(sizeof(float8) * k);
	for (r = 0; r < k; r++)
		spec->class_weights[r] = 1.0;
	if (spec->class_weight != NULL && strcmp(spec->class_weight, "balanced") == 0)
		for (r = 0; r < k; r++)
			spec->class_weights[r] = hinge_balanced_class_weight(src->rows_used, k, src->class_rows[r]);
	else if (spec->class_weight != NULL)
	{
		ErrorContextCallback context;
		Oid			argtypes[2] = {TEXTOID, TEXTARRAYOID};
		Datum		values[2];
		Datum	   *names = palloc(sizeof(Datum) * k);
		Oid			json_input,
					json_ioparam;
		Datum		json;
		bool		isnull;

		getTypeInputInfo(JSONBOID, &json_input, &json_ioparam);
		if (!hinge_input_safe(json_input, spec->class_weight, json_ioparam, &json))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("class_weight %s is neither 'balanced' nor a JSON object",
							quote_literal_cstr(spec->class_weight)),
					 errhint("Pass NULL, 'balanced', or one weight per class as JSON, for example '{\"%s\": 1, \"%s\": 5}'.",
							 src->classes[0], src->classes[1])));

		for (r = 0; r < k; r++)
			names[r] = CStringGetTextDatum(src->classes[r]);
		values[0] = CStringGetTextDatum(spec->class_weight);
		values[1] = PointerGetDatum(construct_array(names, k, TEXTOID, -1, false, TYPALIGN_INT));
		/* JSON or number errors from reading it say which argument it was */
		context.callback = class_weight_context;
		context.arg = spec->class_weight;
		context.previous = error_context_stack;
		error_context_stack = &context;
		if (SPI_execute_with_args("SELECT pg_catalog.jsonb_typeof($1::pg_catalog.jsonb), "
								  "(SELECT pg_catalog.min(key) FROM pg_catalog.jsonb_object_keys("
								  "CASE WHEN pg_catalog.jsonb_typeof($1::pg_catalog.jsonb) OPERATOR(pg_catalog.=) 'object' "
								  "THEN $1::pg_catalog.jsonb END) AS key WHERE key OPERATOR(pg_catalog.<>) ALL ($2))",
								  2, argtypes, values, NULL, true, 1) != SPI_OK_SELECT)
			elog(ERROR, "could not read class_weight");
		if (strcmp(SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1), "object") != 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("class_weight must be NULL, 'balanced' or a JSON object"),
					 errhint("For example '{\"%s\": 1, \"%s\": 5}'.",
							 src->classes[0], src->classes[1])));
		(void) SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull);
		if (!isnull)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("class_weight names \"%s\", which is not a class of label column \"%s\"",
							SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2),
							src->label_name)));
		SPI_freetuptable(SPI_tuptable);
		if (SPI_execute_with_args("SELECT ($1::pg_catalog.jsonb OPERATOR(pg_catalog.->>) c)::pg_catalog.float8 "
								  "FROM pg_catalog.unnest($2) WITH ORDINALITY AS u(c, i) ORDER BY i",
								  2, argtypes, values, NULL, true, 0) != SPI_OK_SELECT ||
			SPI_processed != k)
			elog(ERROR, "could not read class_weight");
		for (r = 0; r < k; r++)
		{
			Datum		weight = SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 1, &isnull);

			if (isnull)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("class_weight has no weight for class \"%s\"", src->classes[r]),
						 errhint("Give a weight for every class of label column \"%s\".",
								 src->label_name)));
			spec->class_weights[r] = DatumGetFloat8(weight);
			hinge_check_positive(spec->class_weights[r], "class weight",
								 "Class weights must be greater than zero.");
		}
		SPI_freetuptable(SPI_tuptable);
		error_context_stack = context.previous;
	}
	spec->cneg = spec->class_weights[0];
	spec->cpos = spec->class_weights[k > 1 ? 1 : 0];
}

/*
 * Resolves the rows a training reads (the relation, features and label,
 * arguments 1 to 3), counts them and sizes the model: what every SQL
 * function that trains does first, inside its SPI connection; before any
 * of it, errors out if the caller may not replace the model.
 */
void
hinge_train_source(FunctionCallInfo fcinfo, HingeTrainSpec *spec, const char *ext)
{
	HingeRowSource *src = &spec->source;

	hinge_model_check_writable(ext, get_func_namespace(fcinfo->flinfo->fn_oid), spec->model_name);
	hinge_row_source_init_from_call(src, fcinfo);
	if (strcmp(spec->features.impute, "none") != 0)
		hinge_row_source_set_impute(src);
	if (strcmp(spec->features.scale, "standard") == 0 && !spec->intercept)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("scale 'standard' centres the features, which needs an intercept"),
				 errhint("Train with intercept => true, or scale => 'maxabs', which scales without centring.")));
	spec->distributed = hinge_check_one_snapshot(psprintf("SELECT 1 FROM %s", src->relation),
							 src->relation_name, get_func_name(fcinfo->flinfo->fn_oid));
	hinge_row_source_count(src);
	hinge_survey(src, &spec->features);
	spec->n_columns = src->n_features + (spec->intercept ? 1 : 0);
	if (src->n_classes == 2)
	{
		hinge_row_source_choose_positive(src, spec->positive);
		spec->n_rows = 1;
	}
	else
	{
		check_multiclass_args(spec);
		spec->n_rows = src->n_classes;
	}
	check_model_size(spec);
	spec->n_weights = spec->n_rows * spec->n_columns;
}

/*
 * The lower bound comes from planes of the rows of every pass: above the
 * objective, it is no bound, and neither is the gap.  Within rounding of
 * it, it is the objective: the optimum is never above an objective found.
 */
void
hinge_check_bounds(HingeTrainSpec *spec, HingeProgress *p)
{
	float8		allowance = 1e-12 * fmax(fabs(p->lower), fabs(p->upper));

	if (p->lower > p->upper + allowance)
		hinge_bound_above_objective_error(&spec->source, p->lower, p->upper);
	/* the optimum is at most the objective found: so is any lower bound */
	p->lower = fmin(p->lower, p->upper);
}

/*
 * Features far from unit scale make the solver crawl: at w = 0 the
 * subgradient is a mean of c y x, of about their size.
 */
static bool
badly_scaled(const HingeProgress *p)
{
	return p->first_subgradient_norm > 1e6 || p->first_subgradient_norm < 1e-6;
}

/* The WARNING of a training (what it was, for the message) that did not converge */
void
hinge_warn_unconverged(HingeTrainSpec *spec, const HingeProgress *p, const char *what)
{
	if (!p->converged)
		ereport(WARNING,
				(errmsg("%s did not converge in %d passes", what, p->passes),
				 errdetail("The relative gap is %.3g, above the tolerance %.3g.",
						   hinge_relative_gap(p), spec->tolerance),
				 badly_scaled(p) ?
				 errhint("The features are badly scaled (the first subgradient's norm is %.3g): train with scale => 'standard' (or 'maxabs' for sparse rows).",
						 p->first_subgradient_norm) :
				 errhint("Raise max_passes, or accept the model: its objective is within %.3g%% of the optimum.",
						 100.0 * hinge_relative_gap(p))));
}

/* A float8[] of rows x cols values (one-dimensional when rows is 0) */
static ArrayType *
float8_array_of(const float8 *values, int rows, int cols)
{
	float8	   *data;
	ArrayType  *array = rows == 0 ? hinge_new_float8_array(cols, &data) :
		hinge_new_float8_matrix(rows, cols, &data);

	memcpy(data, values, sizeof(float8) * Max(rows, 1) * cols);
	return array;
}

/* The columns of a search, in the order of search_args */
#define SEARCH_COLUMNS "cv_metric, cv_folds, cv_fold_column, cv_lambdas, cv_scores, cv_passes, cv_seconds"

/* The values of the search's columns (all NULL without one), from *i on */
static void
search_args(const HingeSearch *search, Oid *argtypes, Datum *values, char *nulls, int *i)
{
	int			first = *i;
	int			c;

	argtypes[*i] = TEXTOID;
	values[(*i)++] = search ? CStringGetTextDatum(search->metric) : (Datum) 0;
	argtypes[*i] = INT4OID;
	values[(*i)++] = search ? Int32GetDatum(search->n_folds) : (Datum) 0;
	argtypes[*i] = TEXTOID;
	values[(*i)++] = search && search->fold_column ? CStringGetTextDatum(search->fold_column) : (Datum) 0;
	if (search != NULL && search->fold_column == NULL)
		nulls[*i - 1] = 'n';
	argtypes[*i] = FLOAT8ARRAYOID;
	values[(*i)++] = search ? PointerGetDatum(float8_array_of(search->lambdas, 0, search->n_lambdas)) : (Datum) 0;
	argtypes[*i] = FLOAT8ARRAYOID;
	values[(*i)++] = search ? PointerGetDatum(float8_array_of(search->scores, search->n_lambdas, search->n_folds)) : (Datum) 0;
	argtypes[*i] = INT4ARRAYOID;
	if (search != NULL)
	{
		Datum	   *passes = palloc(sizeof(Datum) * search->n_lambdas);

		for (c = 0; c < search->n_lambdas; c++)
			passes[c] = Int32GetDatum(search->passes[c]);
		values[*i] = PointerGetDatum(construct_array(passes, search->n_lambdas, INT4OID,
													 sizeof(int32), true, TYPALIGN_INT));
	}
	(*i)++;
	argtypes[*i] = FLOAT8ARRAYOID;
	values[(*i)++] = search ? PointerGetDatum(float8_array_of(search->seconds, 0, search->n_lambdas)) : (Datum) 0;
	if (search == NULL)
		for (c = first; c < *i; c++)
			nulls[c] = 'n';
}

/*
 * A start for training on passes: the solution on a sample of the rows,
 * solved in memory.  Near the optimum, the first pass's plane already
 * gives a lower bound close to it, and the line searches start where they
 * would otherwise arrive after many passes.  The sample is every stride-th
 * usable row, read through the same snapshot as the passes, of about a
 * tenth of the rows but at most SAMPLE_BUDGET_SHARE of the budget (so 0
 * turns it off too).  The scan that tries to gather the rows gathers it
 * (hinge_row_set_gather_or_sample): from the first row for dense rows,
 * known from their count to be too many, and for others from when they
 * tell.
 */
#define SAMPLE_SHARE		10
#define SAMPLE_BUDGET_SHARE	0.5
#define SAMPLE_MIN_ROWS		1000
#define SAMPLE_DUAL_EPOCHS	2

static bool
dense_features(const HingeRowSource *src)
{
	return src->features_type == FLOAT8ARRAYOID || src->features_type == FLOAT4ARRAYOID;
}

/*
 * Gathers the rows into memory when they fit hinge.in_memory_limit: dense
 * rows are known to fit or not from their count; sparse ones tell as they
 * are read.  With folds (a cross-validation), each row's fold too.  With
 * sample not NULL (a training), rows that do not fit leave there the
 * sample a training on passes starts from (n 0: none).
 */
bool
hinge_rows_in_memory(HingeTrainSpec *spec, HingeRowSet *rows, const HingeFolds *folds,
					 const char *ext, HingeRowSet *sample)
{
	HingeRowSource *src = &spec->source;
	Size		budget = hinge_row_set_budget();
	Size		fold_bytes = folds != NULL ? sizeof(int32) * (Size) src->rows_used : 0;
	bool		multiclass = hinge_spec_is_multiclass(spec);

	if (sample != NULL)
		memset(sample, 0, sizeof(*sample));

	/*
	 * A distributed table's passes run on its workers, where its rows are:
	 * gathered, they would all travel to the coordinator
	 */
	if (budget == 0 || spec->distributed)
		return false;
	if (dense_features(src) &&
		hinge_row_set_dense_bytes(src->rows_used, src->n_features, src->features_type) +
		fold_bytes > budget)
	{
		Size		row_bytes = hinge_row_set_dense_bytes(1, src->n_features, src->features_type);

		/* too many: for a training, a sample, if one worth solving fits */
		if (sample == NULL || folds != NULL ||
			Min(src->rows_used / SAMPLE_SHARE,
				(int64) (SAMPLE_BUDGET_SHARE * budget / row_bytes)) < SAMPLE_MIN_ROWS)
			return false;
		budget = 0;				/* the sample from the first row */
	}
	if (folds != NULL)
		return hinge_row_set_gather_folds(rows, src, multiclass, budget, folds, ext);
	if (sample == NULL)
		return hinge_row_set_gather(rows, src, multiclass, 1, budget);
	if (hinge_row_set_gather_or_sample(rows, src, multiclass, budget, SAMPLE_SHARE,
									   (Size) (SAMPLE_BUDGET_SHARE * hinge_row_set_budget())))
		return true;
	*sample = *rows;
	memset(rows, 0, sizeof(*rows));
	return false;
}

/*
 * The solution on the rows of sample, solved in memory; NULL for too few
 * rows.  With center, the features are scaled (encoding.h) and the
 * solution is in the scaled coordinates the solver works in.
 */
static float8 *
solve_sample(HingeTrainSpec *spec, HingeRowSet *sample, float8 tolerance,
			 const float8 *center, const float8 *scale)
{
	HingeRowSource *src = &spec->source;
	HingeMemoryOracle memory;
	HingeSolverOptions options = {0};
	float8	   *w;

	if (sample->n < SAMPLE_MIN_ROWS)
		return NULL;
	/*
	 * Two epochs of dual coordinate descent first, then the bundle
	 * method from where they left the weights.  On 10^6 sparse rows
	 * (bench/sparse.sh, a sample of 10^5) the sample took 0.16 s of epochs
	 * and 8 sweeps (0.46 s), where from zero it took 26 sweeps (1.4 s).
	 * The epochs alone, to the tolerance, took 0.26 s, but from their
	 * solution the training needed 12 passes (11 to 13 over six orders of
	 * the rows), from the bundle's 11.
	 */
	if (center == NULL && hinge_dual_cd_applies(spec))
	{
		HingeDualProgress progress;

		options.start = hinge_dual_cd_solve(sample, spec, tolerance,
											SAMPLE_DUAL_EPOCHS, &progress);
		/* (scripts/test_dual_cd.py checks these figures against independent solvers) */
		ereport(DEBUG1,
				(errmsg_internal("hinge_train \"%s\": the start, on a sample of " INT64_FORMAT " rows: %d epochs of dual coordinate descent, objective %.17g, dual %.17g, duality gap %.1e, %s",
								 spec->model_name, sample->n, SAMPLE_DUAL_EPOCHS,
								 progress.objective, progress.dual, progress.gap,
								 options.start == NULL ? "overflowed" :
								 progress.gap <= tolerance ? "within the tolerance" :
								 "then the bundle method")));
		if (options.start != NULL && progress.gap <= tolerance)
			return (float8 *) options.start;
	}
	hinge_memory_oracle_init(&memory, sample, spec, 1, NULL, NULL);
	options.lambda = spec->lambda;
	options.tolerance = tolerance;
	options.max_passes = spec->max_passes;
	w = palloc(sizeof(float8) * spec->n_weights);
	if (center != NULL)
	{
		/* in the solver's coordinates: those of the scaled features */
		HingeScaledOracle scaled;

		hinge_scaled_oracle_init(&scaled, &memory.oracle, src->n_features, spec->n_columns,
								 center, scale);
		(void) hinge_solve(&scaled.oracle, &options, w);
	}
	else
		(void) hinge_solve(&memory.oracle, &options, w);
	return w;
}

/*
 * A start for training in memory, as for training on passes: the solution
 * on every SAMPLE_SHARE-th row already gathered (a copy, freed once
 * solved): each of its sweeps costs a tenth of a sweep over all the rows,
 * and it saves whole sweeps.  Its sweeps are not free there, so
 * it is solved to a looser gap, and only for many rows: on a9a (32,561
 * rows) at lambda 1e-5 it cost more CPU than it saved (0.47x of export +
 * liblinear instead of 0.42x), on 200,000 x 100 it saved a quarter (30
 * sweeps became 14).  NULL for fewer rows than MEMORY_SAMPLE_MIN_ROWS in
 * the sample.
 */
#define MEMORY_SAMPLE_LOOSENESS	10.0
#define MEMORY_SAMPLE_MIN_ROWS	10000

static float8 *
memory_sample_solution(HingeTrainSpec *spec, const HingeRowSet *rows,
					   const float8 *center, const float8 *scale)
{
	HingeRowSet sample;
	float8	   *w;

	if (rows->n / SAMPLE_SHARE < MEMORY_SAMPLE_MIN_ROWS)
		return NULL;
	hinge_row_set_subsample(rows, SAMPLE_SHARE, &sample);
	w = solve_sample(spec, &sample, Min(MEMORY_SAMPLE_LOOSENESS * spec->tolerance, 0.5),
					 center, scale);
	hinge_row_set_free(&sample);
	return w;
}

/*
 * Writes the model row, replacing one of the same name, and returns it.
 * search is the cross-validation that chose its lambda, or NULL: a model
 * retrained without one has no search (a table older than 1.2 has no
 * columns for it).
 */
Datum
hinge_store_model(HingeTrainSpec *spec, const char *ext, const float8 *w, HingeProgress *p,
				  const HingeSearch *search)
{
	HingeRowSource *src = &spec->source;
	Oid			argtypes[30];
	Datum		values[30];
	char		nulls[30];
	bool		with_search;
	Oid			model_table;
	char	   *search_values = "";
	float8	   *data;
	ArrayType  *weights = hinge_spec_is_multiclass(spec) ?
		hinge_new_float8_matrix(spec->n_rows, spec->n_columns, &data) :
		hinge_new_float8_array(spec->n_weights, &data);
	int			n_classes = src->n_classes;
	Datum	   *classes = palloc(sizeof(Datum) * n_classes);
	Datum	   *class_weights = palloc(sizeof(Datum) * n_classes);
	char	   *query;
	bool		has_encoding;
	int			i = 0,
				k;

	memcpy(data, w, sizeof(float8) * spec->n_weights);
	memset(nulls, ' ', sizeof(nulls));
	for (k = 0; k < n_classes; k++)
	{
		classes[k] = CStringGetTextDatum(src->classes[k]);
		class_weights[k] = Float8GetDatum(spec->class_weights[k]);
	}

#define ARG(type, value) (argtypes[i] = (type), values[i++] = (value))
	ARG(TEXTOID, CStringGetTextDatum(spec->model_name));
	ARG(TEXTOID, CStringGetTextDatum(src->relation_name));
	ARG(TEXTARRAYOID, PointerGetDatum(hinge_row_source_feature_names(src)));
	ARG(TEXTOID, CStringGetTextDatum(src->feature_type));
	ARG(INT4OID, Int32GetDatum(src->n_features));
	ARG(TEXTOID, CStringGetTextDatum(src->label_name));
	ARG(TEXTARRAYOID, PointerGetDatum(construct_array(classes, n_classes, TEXTOID, -1, false, TYPALIGN_INT)));
	if (hinge_spec_is_multiclass(spec))
		nulls[i] = 'n';
	ARG(TEXTOID, hinge_spec_is_multiclass(spec) ? (Datum) 0 : CStringGetTextDatum(src->classes[1]));
	ARG(FLOAT8ARRAYOID, PointerGetDatum(weights));
	ARG(BOOLOID, BoolGetDatum(spec->intercept));
	ARG(FLOAT8OID, Float8GetDatum(spec->lambda));
	ARG(TEXTOID, CStringGetTextDatum(spec->loss));
	ARG(FLOAT8OID, Float8GetDatum(spec->gamma));
	ARG(FLOAT8ARRAYOID, PointerGetDatum(construct_array(class_weights, n_classes, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE)));
	ARG(INT4OID, Int32GetDatum(p->passes));
	ARG(FLOAT8OID, Float8GetDatum(p->upper));
	ARG(FLOAT8OID, Float8GetDatum(p->lower));
	ARG(BOOLOID, BoolGetDatum(p->converged));
	ARG(INT8OID, Int64GetDatum(src->rows_used));
	ARG(INT8OID, Int64GetDatum(src->rows_skipped));
	ARG(FLOAT8OID, Float8GetDatum(hinge_seconds_since(p->started)));
	if (!hinge_spec_is_multiclass(spec))
		nulls[i] = 'n';
	ARG(TEXTOID, hinge_spec_is_multiclass(spec) ? CStringGetTextDatum(spec->multiclass) : (Datum) 0);
#undef ARG
	/* an extension not yet updated to 1.2 has no encoding column, nor a search's */
	model_table = get_relname_relid("hinge_model", src->namespace);
	has_encoding = get_attnum(model_table, "encoding") > 0;
	with_search = get_attnum(model_table, "cv_metric") > 0;
	argtypes[i] = TEXTOID;
	values[i++] = CStringGetTextDatum(hinge_encoding_to_json(src->encoding));
	if (!has_encoding)
		i--;
	if (search != NULL && !with_search)
		elog(ERROR, "hinge_model has no columns for a search");
	if (with_search)
	{
		StringInfoData placeholders;
		int			first = i;

		search_args(search, argtypes, values, nulls, &i);
		initStringInfo(&placeholders);
		for (k = first; k < i; k++)
			appendStringInfo(&placeholders, "$%d, ", k + 1);
		search_values = placeholders.data;
	}

	query = psprintf("INSERT INTO %s.hinge_model AS m (name, relation, features, feature_type, "
					 "n_features, label, classes, positive_class, weights, intercept, lambda, "
					 "loss, gamma, class_weights, passes, objective, lower_bound, converged, "
					 "rows_used, rows_skipped, train_seconds, multiclass, %s%s trained_at) "
					 "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, "
					 "$15, $16, $17, $18, $19, $20, $21, $22, %s%s pg_catalog.now()) "
					 "ON CONFLICT (name) DO UPDATE SET (relation, features, feature_type, "
					 "n_features, label, classes, positive_class, weights, intercept, lambda, "
					 "loss, gamma, class_weights, passes, objective, lower_bound, converged, "
					 "rows_used, rows_skipped, train_seconds, multiclass, %s%s trained_at) = "
					 "(EXCLUDED.relation, EXCLUDED.features, EXCLUDED.feature_type, "
					 "EXCLUDED.n_features, EXCLUDED.label, EXCLUDED.classes, "
					 "EXCLUDED.positive_class, EXCLUDED.weights, EXCLUDED.intercept, "
					 "EXCLUDED.lambda, EXCLUDED.loss, EXCLUDED.gamma, EXCLUDED.class_weights, "
					 "EXCLUDED.passes, EXCLUDED.objective, EXCLUDED.lower_bound, "
					 "EXCLUDED.converged, EXCLUDED.rows_used, EXCLUDED.rows_skipped, "
					 "EXCLUDED.train_seconds, EXCLUDED.multiclass, %s%s EXCLUDED.trained_at) "
					 /* a new model's scores need a calibration of their own */
					 ", calibration_a = NULL, calibration_b = NULL, online_updates = 0 "
					 "RETURNING m.*", ext,
					 has_encoding ? "encoding," : "", with_search ? SEARCH_COLUMNS ", " : "",
					 has_encoding ? "$23::pg_catalog.jsonb," : "", search_values,
					 has_encoding ? "encoding," : "", with_search ? SEARCH_COLUMNS ", " : "",
					 has_encoding ? "EXCLUDED.encoding," : "",
					 with_search ? "EXCLUDED.cv_metric, EXCLUDED.cv_folds, EXCLUDED.cv_fold_column, "
					 "EXCLUDED.cv_lambdas, EXCLUDED.cv_scores, EXCLUDED.cv_passes, "
					 "EXCLUDED.cv_seconds, " : "");
	if (SPI_execute_with_args(query, i, argtypes, values, nulls, false, 1) != SPI_OK_INSERT_RETURNING ||
		SPI_processed != 1)
		elog(ERROR, "could not store model \"%s\"", spec->model_name);
	/* plans that carry models by value to Citus workers read them again */
	hinge_models_changed(spec->source.namespace);
	return PointerGetDatum(SPI_returntuple(SPI_tuptable->vals[0], SPI_tuptable->tupdesc));
}


/*
 * hinge_train(model_name, relation, features, label, lambda, loss, intercept,
 * class_weight, tolerance, max_passes, positive, gamma): trains, stores and
 * returns the model row.  features is a column name (text) or a list of
 * numeric columns (text[]).
 */
PG_FUNCTION_INFO_V1(hinge_train);
Datum
hinge_train(PG_FUNCTION_ARGS)
{
	HingeTrainSpec	spec = train_args(fcinfo);
	HingeRowSource *src = &spec.source;
	char	   *ext = hinge_extension_schema(fcinfo);
	HingePassOracle passes;
	HingeWorkingSetOracle working_set;
	HingeMemoryOracle memory;
	HingeRowSet rows,
				sample;
	HingeOracle *oracle;
	HingeSolverOptions options;
	bool		scaled;
	float8	   *center,
			   *scale;
	float8	   *w;
	HingeProgress progress;
	Datum		model;

	SPI_connect();
	hinge_train_source(fcinfo, &spec, ext);
	if (isnan(spec.lambda))
		spec.lambda = 1.0 / src->rows_used;
	hinge_resolve_class_weights(&spec);

	options.lambda = spec.lambda;
	options.tolerance = spec.tolerance;
	options.max_passes = spec.max_passes;
	options.start = NULL;
	options.name = spec.model_name;
	options.bundles = NULL;
	scaled = hinge_encoding_scaling(src->encoding, &center, &scale);
	if (hinge_rows_in_memory(&spec, &rows, NULL, ext, &sample))
	{
		hinge_memory_oracle_init(&memory, &rows, &spec, 1, NULL, NULL);
		oracle = &memory.oracle;
		options.start = memory_sample_solution(&spec, &rows, scaled ? center : NULL, scale);
	}
	else
	{
		if (hinge_working_set_applies(&spec, scaled))
		{
			hinge_working_set_oracle_init(&working_set, &spec, ext);
			oracle = &working_set.oracle;
		}
		else
		{
			hinge_pass_oracle_init(&passes, &spec, ext);
			oracle = &passes.oracle;
		}
		if (sample.n > 0)
		{
			options.start = solve_sample(&spec, &sample, spec.tolerance,
										 scaled ? center : NULL, scale);
			hinge_row_set_free(&sample);
		}
	}
	w = palloc(sizeof(float8) * spec.n_weights);
	if (scaled)
	{
		/* solved on scaled features, stored as weights of the raw ones */
		HingeScaledOracle scaled_oracle;
		float8	   *theta = palloc(sizeof(float8) * spec.n_weights);

		hinge_scaled_oracle_init(&scaled_oracle, oracle, src->n_features, spec.n_columns,
								 center, scale);
		progress = hinge_solve(&scaled_oracle.oracle, &options, theta);
		hinge_scaled_to_raw(&scaled_oracle, theta, w, spec.n_rows);
	}
	else
		progress = hinge_solve(oracle, &options, w);
	hinge_check_bounds(&spec, &progress);
	hinge_warn_unconverged(&spec, &progress, psprintf("hinge_train \"%s\"", spec.model_name));
	model = hinge_store_model(&spec, ext, w, &progress, NULL);
	SPI_finish();
	PG_RETURN_DATUM(model);
}
