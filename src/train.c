/*
 * train.c
 *		hinge_train: a linear SVM trained on a relation's rows, every pass
 *		over the data one aggregate query run through SPI.
 *
 * The executor does every scan, so parallel workers, partitions, views and
 * Citus distributed tables work unchanged, and memory stays O(features x
 * passes).  The solver is a bundle method with a line search, after OCAS
 * (Franc and Sonnenburg, "Optimized cutting plane algorithm for large-scale
 * risk minimization", JMLR 2009):
 *
 *	1. at a point w_t, one pass gives P(w_t) and a subgradient: a cutting
 *	   plane of the risk (hinge_cutting_plane);
 *	2. the planes' model is minimised exactly (bundle.c) at w_c, which also
 *	   gives a certified lower bound on the optimum;
 *	3. one pass evaluates P on a grid along the segment from the best point
 *	   so far to w_c (hinge_line_objective), which usually improves the best
 *	   point (the upper bound) far more than w_c itself would;
 *	4. the next plane is taken a little beyond the new best point, towards
 *	   w_c, and the loop repeats until (upper - lower) / upper <= tolerance.
 *
 * For the hinge loss, steps 3 and 4 are one pass (hinge_line_planes gives
 * the subgradient at every grid point too).  Multiclass models use the same
 * loop on the flattened weight matrix (multiclass_accum.c); one-vs-rest runs
 * k of these loops side by side, fed by shared passes.
 *
 * All passes read the data through the calling statement's snapshot, so a
 * table written to concurrently is seen the same by every pass.
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

#include "bundle.h"
#include "finite.h"
#include "kernels.h"
#include "line.h"
#include "losses.h"
#include "model.h"
#include "passes.h"
#include "source.h"
#include "validate.h"

/* OCAS's step past the best point towards the model's minimiser */
#define PLANE_STEP	0.1

#define LINE_POINTS	HINGE_LINE_POINTS

/* hinge_line_planes keeps LINE_POINTS x d sums: at most 32 x 65536 */
#define LINE_PLANES_MAX_WEIGHTS	65536

/* What the arguments of hinge_train ask for, checked and resolved */
typedef struct TrainSpec
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

	HingeRowSource source;		/* relation, features and label as SQL */
	int			n_rows;			/* rows of the weights: 1, or k classes */
	int			n_columns;		/* features, plus 1 with an intercept */
	int			n_weights;		/* n_rows x n_columns */
	float8	   *class_weights;	/* one per class; binary: c_-, c_+ */
	float8		cpos,
				cneg;
} TrainSpec;

static bool
is_multiclass(const TrainSpec *spec)
{
	return spec->n_rows > 1;
}

static bool
is_one_vs_rest(const TrainSpec *spec)
{
	return is_multiclass(spec) && strcmp(spec->multiclass, "one_vs_rest") == 0;
}

/* Reads hinge_train's arguments */
static TrainSpec
train_args(FunctionCallInfo fcinfo)
{
	static const char *const required[] = {"model_name", "relation", "features", "label"};
	static const char *const defaulted[] = {NULL, NULL, NULL, NULL, NULL, "loss", "intercept",
	NULL, "tolerance", "max_passes", NULL, "gamma", "multiclass"};
	TrainSpec	spec;
	int			i;

	for (i = 0; i < lengthof(required); i++)
		hinge_check_not_null(fcinfo, i, required[i],
							 "hinge_train needs a model name, a relation, its features column (or list of columns) and its label column.");
	for (i = 0; i < lengthof(defaulted); i++)
		if (defaulted[i] != NULL)
			hinge_check_not_null(fcinfo, i, defaulted[i],
								 "Leave an argument out to take its default.");

	spec.model_name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	hinge_check_model_name(spec.model_name);
	spec.lambda = PG_ARGISNULL(4) ? get_float8_nan() : PG_GETARG_FLOAT8(4);
	if (!PG_ARGISNULL(4))
		hinge_check_positive(spec.lambda, "lambda",
							 "lambda is the regularisation strength: liblinear's C is 1 / (lambda * n); NULL means 1 / n, liblinear's C = 1.");
	/* the solver divides by lambda: a denormal one overflows to infinity */
	if (!PG_ARGISNULL(4) && spec.lambda < DBL_MIN)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("lambda %g is too small to train with", spec.lambda),
				 errhint("lambda must be at least %g, the smallest normal double precision; in practice 1e-12 is already next to no regularisation.",
						 DBL_MIN)));
	spec.loss = text_to_cstring(PG_GETARG_TEXT_PP(5));
	(void) hinge_loss_by_name(spec.loss);
	spec.intercept = PG_GETARG_BOOL(6);
	spec.class_weight = PG_ARGISNULL(7) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(7));
	if (spec.class_weight != NULL && pg_strcasecmp(spec.class_weight, "balanced") == 0)
		spec.class_weight = "balanced";
	spec.tolerance = PG_GETARG_FLOAT8(8);
	hinge_check_positive(spec.tolerance, "tolerance",
						 "tolerance is the relative optimality gap to reach, such as 1e-3.");
	if (spec.tolerance >= 1.0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("tolerance must be below 1, not %s", hinge_number_text(spec.tolerance)),
				 errhint("tolerance is the relative optimality gap to reach, such as 1e-3.")));
	spec.max_passes = PG_GETARG_INT32(9);
	hinge_check_int_between(spec.max_passes, 2, 100000, "max_passes",
							"A pass reads the relation once; training usually converges in 10 to 100.");
	spec.positive = PG_ARGISNULL(10) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(10));
	spec.gamma = PG_GETARG_FLOAT8(11);
	hinge_check_positive(spec.gamma, "gamma",
						 "gamma is the width of the quadratic part of the smoothed hinge: 1 is usual.");
	spec.multiclass = text_to_cstring(PG_GETARG_TEXT_PP(12));
	if (strcmp(spec.multiclass, "crammer_singer") != 0 &&
		strcmp(spec.multiclass, "weston_watkins") != 0 &&
		strcmp(spec.multiclass, "one_vs_rest") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown multiclass strategy \"%s\"", spec.multiclass),
				 errhint("Use 'crammer_singer', 'weston_watkins' or 'one_vs_rest'.")));
	return spec;
}

/*
 * Checks, before any pass, that the solver's arrays fit: a line search holds
 * two copies of the weights in one array.
 */
static void
check_model_size(const TrainSpec *spec)
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
check_multiclass_args(TrainSpec *spec)
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

static void
resolve_class_weights(TrainSpec *spec)
{
	HingeRowSource *src = &spec->source;
	int			k = src->n_classes;
	int			r;

	spec->class_weights = palloc(sizeof(float8) * k);
	for (r = 0; r < k; r++)
		spec->class_weights[r] = 1.0;
	if (spec->class_weight != NULL && strcmp(spec->class_weight, "balanced") == 0)
		for (r = 0; r < k; r++)
			spec->class_weights[r] = (float8) src->rows_used / ((float8) k * src->class_rows[r]);
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
 * Runs a pass of the solver at point (the first parameter), its result
 * copied to out: the rows it reads must be those the first scan counted.
 */
static void
run_pass(HingePass *pass, const TrainSpec *spec, ArrayType *point, float8 *out,
		 int n_out)
{
	pass->params.values[0] = PointerGetDatum(point);
	if (!hinge_pass_run(pass, out, n_out) || pass->rows != spec->source.rows_used)
		hinge_rows_changed_error((HingeRowSource *) &spec->source, pass->rows);
}

/* Where the solver stands, for NOTICEs and the model row */
typedef struct Progress
{
	bool		converged;		/* within the tolerance (every problem's) */
	int			passes;
	float8		upper;			/* best objective found: P(w_best) */
	float8		lower;			/* certified lower bound on the optimum */
	TimestampTz started;
	TimestampTz last_notice;
	float8		first_subgradient_norm; /* at w = 0: the features' scale */
} Progress;

/*
 * Features far from unit scale make the solver crawl: at w = 0 the
 * subgradient is a mean of c y x, of about their size.
 */
static bool
badly_scaled(const Progress *p)
{
	return p->first_subgradient_norm > 1e6 || p->first_subgradient_norm < 1e-6;
}

static float8
relative_gap(const Progress *p)
{
	return (p->upper - p->lower) / p->upper;
}

static float8
seconds_since(TimestampTz start)
{
	return (float8) (GetCurrentTimestamp() - start) / USECS_PER_SEC;
}

/* One NOTICE per pass, or per second when passes are faster than that */
static void
report_progress(const TrainSpec *spec, Progress *p, bool last)
{
	TimestampTz now = GetCurrentTimestamp();

	if (!last && p->passes > 1 &&
		!TimestampDifferenceExceeds(p->last_notice, now, 1000))
		return;
	p->last_notice = now;
	ereport(NOTICE,
			(errmsg("hinge_train \"%s\": pass %d, objective %.6g, gap %.2e, %.1f s",
					spec->model_name, p->passes, p->upper, relative_gap(p),
					seconds_since(p->started))));
}

/*
 * How many planes to keep: one per plane pass, but at most 500 (the master
 * problem grows as their square) and about 256 MB of planes (at least 3).
 */
static int
bundle_capacity(const TrainSpec *spec, int d)
{
	int			capacity = spec->max_passes / 2 + 2;
	int			by_memory = (int) Min((Size) 500, (Size) 256 * 1024 * 1024 / (sizeof(float8) * d));

	return Max(3, Min(capacity, by_memory));
}

/*
 * The solver (see the top of this file).  Writes the best weights found to
 * w_best and returns the final progress.
 */
/* Adds the plane R(v) >= R(w) + a.(v - w) of the pass result P(w), g at w */
static void
add_plane(HingeBundle *bundle, const float8 *w, float8 objective,
		  const float8 *subgradient, float8 lambda, float8 *a)
{
	int			d = bundle->d;
	float8		risk = objective - lambda / 2.0 * hinge_dot_f8(w, w, d);
	int			j;

	/* the risk's subgradient is the objective's less lambda w */
	for (j = 0; j < d; j++)
		a[j] = subgradient[j] - lambda * w[j];
	hinge_bundle_add(bundle, a, risk - hinge_dot_f8(a, w, d));
}

/*
 * A pass of an aggregate over the rows, at the point given as its first
 * parameter: binary aggregates take the loss and its parameters,
 * multiclass ones the variant, and all the class weights.  The pass also
 * counts the rows whose label is a class, to check against the first scan.
 */
static void
init_pass(HingePass *pass, const TrainSpec *spec, const char *ext, HingeCall call)
{
	HingeRowSource *src = (HingeRowSource *) &spec->source;
	HingeParams *params = &pass->params;
	const char *args[8];
	int			n = 0;

	memset(pass, 0, sizeof(*pass));
	args[n++] = hinge_param(params, FLOAT8ARRAYOID, (Datum) 0);
	args[n++] = "x";
	args[n++] = "y";
	args[n++] = hinge_param(params, FLOAT8OID, Float8GetDatum(spec->lambda));
	if (is_multiclass(spec))
	{
		Datum	   *weights = palloc(sizeof(Datum) * spec->n_rows);
		int			r;

		for (r = 0; r < spec->n_rows; r++)
			weights[r] = Float8GetDatum(spec->class_weights[r]);
		if (!is_one_vs_rest(spec))
			args[n++] = hinge_param(params, TEXTOID, CStringGetTextDatum(spec->multiclass));
		args[n++] = hinge_param(params, FLOAT8ARRAYOID,
								PointerGetDatum(construct_array(weights, spec->n_rows, FLOAT8OID,
																sizeof(float8), FLOAT8PASSBYVAL,
																TYPALIGN_DOUBLE)));
	}
	else
	{
		args[n++] = hinge_param(params, TEXTOID, CStringGetTextDatum(spec->loss));
		args[n++] = hinge_param(params, FLOAT8OID, Float8GetDatum(spec->gamma));
		args[n++] = hinge_param(params, FLOAT8OID, Float8GetDatum(spec->cpos));
		args[n++] = hinge_param(params, FLOAT8OID, Float8GetDatum(spec->cneg));
	}
	pass->query = psprintf("SELECT %s, pg_catalog.count(y) FROM (SELECT %s AS x, %s AS y %s) AS r",
						   hinge_call_sql(call, ext, src->features_type, args),
						   src->features_sql, hinge_row_source_y(src, params),
						   hinge_row_source_sql(src));
}

/* The grid point nearest to alpha */
static int
nearest_grid_point(const float8 *rows, int stride, float8 alpha)
{
	int			k,
				best = 0;

	for (k = 1; k < LINE_POINTS; k++)
		if (fabs(rows[k * stride] - alpha) < fabs(rows[best * stride] - alpha))
			best = k;
	return best;
}

/*
 * The solver (see the top of this file).  Writes the best weights found to
 * w_best and returns the final progress.
 *
 * For the hinge loss, one hinge_line_planes pass gives the objective and a
 * subgradient at every point of the line search grid, so an iteration costs
 * one pass: the planes at the new best point and at OCAS's next point come
 * with it.  For the other losses, an iteration is a hinge_line_objective
 * pass and a hinge_cutting_plane pass.
 */
static Progress
solve(TrainSpec *spec, const char *ext, float8 *w_best)
{
	int			d = spec->n_weights;
	bool		one_pass = !is_multiclass(spec) && strcmp(spec->loss, "hinge") == 0 &&
		d <= LINE_PLANES_MAX_WEIGHTS;
	HingePass	plane_pass,
				line_pass;
	ArrayType  *point_array,
			   *line_array;
	float8	   *point,
			   *line,
			   *w_c,
			   *w_k,
			   *plane,
			   *a,
			   *results;
	int			stride = one_pass ? d + 2 : 1;
	HingeBundle bundle;
	Progress	p = {false, 0, get_float8_infinity(), 0.0, GetCurrentTimestamp(), 0, 0.0};
	int			j;

	init_pass(&plane_pass, spec, ext, is_multiclass(spec) ? HINGE_CALL_MC_CUTTING_PLANE :
			  HINGE_CALL_CUTTING_PLANE);
	init_pass(&line_pass, spec, ext, is_multiclass(spec) ? HINGE_CALL_MC_LINE_OBJECTIVE :
			  one_pass ? HINGE_CALL_LINE_PLANES : HINGE_CALL_LINE_OBJECTIVE);

	/* a weight vector, or a matrix of one row per class; a line stacks two */
	if (is_multiclass(spec))
	{
		point_array = hinge_new_float8_matrix(spec->n_rows, spec->n_columns, &point);
		line_array = hinge_new_float8_matrix(2 * spec->n_rows, spec->n_columns, &line);
	}
	else
	{
		point_array = hinge_new_float8_array(d, &point);
		line_array = hinge_new_float8_matrix(2, d, &line);
	}
	w_c = palloc0(sizeof(float8) * d);
	w_k = palloc0(sizeof(float8) * d);
	plane = palloc(sizeof(float8) * (d + 1));
	a = palloc0(sizeof(float8) * d);
	results = palloc(sizeof(float8) * LINE_POINTS * (one_pass ? d + 2 : 2));
	memset(w_best, 0, sizeof(float8) * d);

	/* the risk is never negative: the plane R(w) >= 0 holds from the start */
	hinge_bundle_init(&bundle, d, spec->lambda, bundle_capacity(spec, d));
	hinge_bundle_add(&bundle, a, 0.0);

	for (;;)
	{
		float8		alpha_best = 0.0;
		int			best = 0,
					k;

		CHECK_FOR_INTERRUPTS();

		/* 1. a cutting plane at the point (in one-pass mode, only at 0) */
		if (!one_pass || p.passes == 0)
		{
			run_pass(&plane_pass, spec, point_array, plane, d + 1);
			p.passes++;
			if (plane[0] < p.upper)
			{
				p.upper = plane[0];
				memcpy(w_best, point, sizeof(float8) * d);
			}
			add_plane(&bundle, point, plane[0], plane + 1, spec->lambda, a);
			if (p.passes == 1)
				p.first_subgradient_norm = hinge_norm(a, d);
		}

		/* 2. the model's minimiser, and the lower bound */
		p.lower = fmax(p.lower,
					   hinge_bundle_solve(&bundle, w_c,
										  fmax(0.05 * spec->tolerance * p.upper, 1e-15)));
		if (relative_gap(&p) <= spec->tolerance || p.passes >= spec->max_passes)
			break;
		report_progress(spec, &p, false);

		/* 3. the line search from the best point towards w_c */
		memcpy(line, w_best, sizeof(float8) * d);
		memcpy(line + d, w_c, sizeof(float8) * d);
		run_pass(&line_pass, spec, line_array, results, LINE_POINTS * (one_pass ? d + 2 : 2));
		p.passes++;

		/* rows [alpha, P, g...] in one-pass mode; else alphas, then Ps */
		for (k = 1; k < LINE_POINTS; k++)
			if (results[k * stride + (one_pass ? 1 : LINE_POINTS)] <
				results[best * stride + (one_pass ? 1 : LINE_POINTS)])
				best = k;
		if (results[best * stride + (one_pass ? 1 : LINE_POINTS)] < p.upper)
		{
			alpha_best = results[best * stride];
			p.upper = results[best * stride + (one_pass ? 1 : LINE_POINTS)];
		}
		else
			best = -1;

		/* 4. planes: at the new best point and just past it, towards w_c */
		if (one_pass)
		{
			int			next = nearest_grid_point(results, stride,
												  alpha_best + PLANE_STEP * (1.0 - alpha_best));

			for (k = 0; k < LINE_POINTS; k++)
			{
				const float8 *row = results + (Size) k * stride;

				if (k != best && k != next)
					continue;
				for (j = 0; j < d; j++)
					w_k[j] = line[j] + row[0] * (w_c[j] - line[j]);
				add_plane(&bundle, w_k, row[1], row + 2, spec->lambda, a);
				if (k == best)
					memcpy(w_best, w_k, sizeof(float8) * d);
			}
		}
		else
		{
			for (j = 0; j < d; j++)
			{
				w_best[j] += alpha_best * (w_c[j] - w_best[j]);
				point[j] = w_best[j] + PLANE_STEP * (w_c[j] - w_best[j]);
			}
		}
		if (relative_gap(&p) <= spec->tolerance || p.passes >= spec->max_passes)
			break;
	}
	p.converged = relative_gap(&p) <= spec->tolerance;
	report_progress(spec, &p, true);
	return p;
}

/*
 * One-vs-rest: k binary problems, class r against the rest, solved side by
 * side, each with its own bundle, every pass serving all of them.  The
 * progress is that of their sum, whose relative gap is at most the largest
 * of theirs; training stops when every problem's gap is within tolerance.
 */
static Progress
solve_one_vs_rest(TrainSpec *spec, const char *ext, float8 *w_best)
{
	int			k = spec->n_rows;
	int			cols = spec->n_columns;
	HingePass	plane_pass,
				line_pass;
	ArrayType  *point_array,
			   *line_array;
	float8	   *point,
			   *line,
			   *w_c,
			   *planes,
			   *objectives,
			   *a,
			   *upper,
			   *lower;
	HingeBundle *bundles = palloc(sizeof(HingeBundle) * k);
	Progress	p = {false, 0, 0.0, 0.0, GetCurrentTimestamp(), 0, 0.0};
	int			r,
				j;

	init_pass(&plane_pass, spec, ext, HINGE_CALL_OVR_CUTTING_PLANES);
	init_pass(&line_pass, spec, ext, HINGE_CALL_OVR_LINE_OBJECTIVE);
	point_array = hinge_new_float8_matrix(k, cols, &point);
	line_array = hinge_new_float8_matrix(2 * k, cols, &line);
	w_c = palloc0(sizeof(float8) * k * cols);
	planes = palloc(sizeof(float8) * k * (cols + 1));
	objectives = palloc(sizeof(float8) * (k + 1) * LINE_POINTS);
	a = palloc0(sizeof(float8) * cols);
	upper = palloc(sizeof(float8) * k);
	lower = palloc0(sizeof(float8) * k);
	memset(w_best, 0, sizeof(float8) * k * cols);
	for (r = 0; r < k; r++)
	{
		hinge_bundle_init(&bundles[r], cols, spec->lambda,
						  bundle_capacity(spec, k * cols));
		hinge_bundle_add(&bundles[r], a, 0.0);
		upper[r] = get_float8_infinity();
	}

	for (;;)
	{
		bool		converged = true;

		CHECK_FOR_INTERRUPTS();

		/* 1. the k cutting planes at the points */
		run_pass(&plane_pass, spec, point_array, planes, k * (cols + 1));
		p.passes++;
		for (r = 0; r < k; r++)
		{
			const float8 *row = planes + (Size) r * (cols + 1);
			float8	   *w_r = point + (Size) r * cols;

			if (row[0] < upper[r])
			{
				upper[r] = row[0];
				memcpy(w_best + (Size) r * cols, w_r, sizeof(float8) * cols);
			}
			add_plane(&bundles[r], w_r, row[0], row + 1, spec->lambda, a);
			if (p.passes == 1)
				p.first_subgradient_norm = fmax(p.first_subgradient_norm, hinge_norm(a, cols));
		}

		/* 2. each model's minimiser and lower bound */
		p.upper = p.lower = 0.0;
		for (r = 0; r < k; r++)
		{
			lower[r] = fmax(lower[r],
							hinge_bundle_solve(&bundles[r], w_c + (Size) r * cols,
											   fmax(0.05 * spec->tolerance * upper[r], 1e-15)));
			p.upper += upper[r];
			p.lower += lower[r];
			converged &= (upper[r] - lower[r]) / upper[r] <= spec->tolerance;
		}
		p.converged = converged;
		if (converged || p.passes >= spec->max_passes)
			break;
		report_progress(spec, &p, false);

		/* 3. each problem's line search, in one pass */
		for (r = 0; r < k; r++)
		{
			memcpy(line + (Size) r * cols, w_best + (Size) r * cols, sizeof(float8) * cols);
			memcpy(line + (Size) (k + r) * cols, w_c + (Size) r * cols, sizeof(float8) * cols);
		}
		run_pass(&line_pass, spec, line_array, objectives, (k + 1) * LINE_POINTS);
		p.passes++;
		for (r = 0; r < k; r++)
		{
			const float8 *row = objectives + (Size) (r + 1) * LINE_POINTS;
			float8	   *best_r = w_best + (Size) r * cols;
			const float8 *c_r = w_c + (Size) r * cols;
			float8		alpha = 0.0;
			int			best = 0;

			for (j = 1; j < LINE_POINTS; j++)
				if (row[j] < row[best])
					best = j;
			if (row[best] < upper[r])
			{
				upper[r] = row[best];
				alpha = objectives[best];
			}
			/* 4. the next point just past the best, towards the minimiser */
			for (j = 0; j < cols; j++)
			{
				best_r[j] += alpha * (c_r[j] - best_r[j]);
				point[(Size) r * cols + j] = best_r[j] + PLANE_STEP * (c_r[j] - best_r[j]);
			}
		}
		if (p.passes >= spec->max_passes)
			break;
	}
	p.upper = p.lower = 0.0;
	for (r = 0; r < k; r++)
	{
		p.upper += upper[r];
		p.lower += lower[r];
	}
	report_progress(spec, &p, true);
	return p;
}

/* Writes the model row, replacing one of the same name, and returns it */
static Datum
store_model(TrainSpec *spec, const char *ext, const float8 *w, Progress *p)
{
	HingeRowSource *src = &spec->source;
	Oid			argtypes[22];
	Datum		values[22];
	char		nulls[22];
	float8	   *data;
	ArrayType  *weights = is_multiclass(spec) ?
		hinge_new_float8_matrix(spec->n_rows, spec->n_columns, &data) :
		hinge_new_float8_array(spec->n_weights, &data);
	int			n_classes = src->n_classes;
	Datum	   *classes = palloc(sizeof(Datum) * n_classes);
	Datum	   *class_weights = palloc(sizeof(Datum) * n_classes);
	char	   *query;
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
	if (is_multiclass(spec))
		nulls[i] = 'n';
	ARG(TEXTOID, is_multiclass(spec) ? (Datum) 0 : CStringGetTextDatum(src->classes[1]));
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
	ARG(FLOAT8OID, Float8GetDatum(seconds_since(p->started)));
	if (!is_multiclass(spec))
		nulls[i] = 'n';
	ARG(TEXTOID, is_multiclass(spec) ? CStringGetTextDatum(spec->multiclass) : (Datum) 0);
#undef ARG

	query = psprintf("INSERT INTO %s.hinge_model AS m (name, relation, features, feature_type, "
					 "n_features, label, classes, positive_class, weights, intercept, lambda, "
					 "loss, gamma, class_weights, passes, objective, lower_bound, converged, "
					 "rows_used, rows_skipped, train_seconds, multiclass, trained_at) "
					 "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, "
					 "$15, $16, $17, $18, $19, $20, $21, $22, pg_catalog.now()) "
					 "ON CONFLICT (name) DO UPDATE SET (relation, features, feature_type, "
					 "n_features, label, classes, positive_class, weights, intercept, lambda, "
					 "loss, gamma, class_weights, passes, objective, lower_bound, converged, "
					 "rows_used, rows_skipped, train_seconds, multiclass, trained_at) = "
					 "(EXCLUDED.relation, EXCLUDED.features, EXCLUDED.feature_type, "
					 "EXCLUDED.n_features, EXCLUDED.label, EXCLUDED.classes, "
					 "EXCLUDED.positive_class, EXCLUDED.weights, EXCLUDED.intercept, "
					 "EXCLUDED.lambda, EXCLUDED.loss, EXCLUDED.gamma, EXCLUDED.class_weights, "
					 "EXCLUDED.passes, EXCLUDED.objective, EXCLUDED.lower_bound, "
					 "EXCLUDED.converged, EXCLUDED.rows_used, EXCLUDED.rows_skipped, "
					 "EXCLUDED.train_seconds, EXCLUDED.multiclass, EXCLUDED.trained_at) "
					 /* a new model's scores need a calibration of their own */
					 ", calibration_a = NULL, calibration_b = NULL, online_updates = 0 "
					 "RETURNING m.*", ext);
	if (SPI_execute_with_args(query, i, argtypes, values, nulls, false, 1) != SPI_OK_INSERT_RETURNING ||
		SPI_processed != 1)
		elog(ERROR, "could not store model \"%s\"", spec->model_name);
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
	TrainSpec	spec = train_args(fcinfo);
	HingeRowSource *src = &spec.source;
	char	   *ext = hinge_extension_schema(fcinfo);
	float8	   *w;
	Progress	progress;
	Datum		model;

	SPI_connect();
	hinge_model_check_writable(ext, spec.model_name);
	hinge_row_source_init(src, PG_GETARG_OID(1), PG_GETARG_DATUM(2),
						  get_fn_expr_argtype(fcinfo->flinfo, 2) == TEXTARRAYOID,
						  text_to_cstring(PG_GETARG_TEXT_PP(3)));
	hinge_row_source_count(src);
	spec.n_columns = src->n_features + (spec.intercept ? 1 : 0);
	if (src->n_classes == 2)
	{
		hinge_row_source_choose_positive(src, spec.positive);
		spec.n_rows = 1;
	}
	else
	{
		check_multiclass_args(&spec);
		spec.n_rows = src->n_classes;
	}
	check_model_size(&spec);
	spec.n_weights = spec.n_rows * spec.n_columns;
	if (isnan(spec.lambda))
		spec.lambda = 1.0 / src->rows_used;
	resolve_class_weights(&spec);

	w = palloc(sizeof(float8) * spec.n_weights);
	progress = is_one_vs_rest(&spec) ? solve_one_vs_rest(&spec, ext, w) :
		solve(&spec, ext, w);
	/*
	 * The lower bound comes from planes of the rows of every pass: above the
	 * objective, it is no bound, and neither is the gap.
	 */
	if (progress.lower > progress.upper + 1e-9 * fabs(progress.upper))
		hinge_rows_changed_error(src, -1);
	if (!progress.converged)
		ereport(WARNING,
				(errmsg("hinge_train \"%s\" did not converge in %d passes",
						spec.model_name, progress.passes),
				 errdetail("The relative gap is %.3g, above the tolerance %.3g.",
						   relative_gap(&progress), spec.tolerance),
				 badly_scaled(&progress) ?
				 errhint("The features are badly scaled (the first subgradient's norm is %.3g): standardise them to comparable, moderate ranges, such as z-scores.",
						 progress.first_subgradient_norm) :
				 errhint("Raise max_passes, or accept the model: its objective is within %.3g%% of the optimum.",
						 100.0 * relative_gap(&progress))));
	model = store_model(&spec, ext, w, &progress);
	SPI_finish();
	PG_RETURN_DATUM(model);
}
