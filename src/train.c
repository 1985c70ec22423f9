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
 * All passes read the data through the calling statement's snapshot, so a
 * table written to concurrently is seen the same by every pass.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"

#include "hinge.h"

/* OCAS's step past the best point towards the model's minimiser */
#define PLANE_STEP	0.1

/* The line search grid has this many points (accum.c) */
#define LINE_POINTS	32

static const char *const loss_names[] = {"hinge", "squared_hinge", "smooth_hinge"};

static void
check_loss_name(const char *loss)
{
	int			i;

	for (i = 0; i < lengthof(loss_names); i++)
		if (strcmp(loss, loss_names[i]) == 0)
			return;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown loss \"%s\"", loss),
			 errhint("Use 'hinge', 'squared_hinge' or 'smooth_hinge'.")));
}

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

	HingeRowSource source;		/* relation, features and label as SQL */
	int			n_weights;		/* features, plus 1 with an intercept */
	float8		cpos,
				cneg;
} TrainSpec;

/* Reads hinge_train's arguments */
static TrainSpec
train_args(FunctionCallInfo fcinfo)
{
	TrainSpec	spec;
	int			i;

	for (i = 0; i < 4; i++)
		if (PG_ARGISNULL(i))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s must not be NULL",
							i == 0 ? "model_name" : i == 1 ? "relation" :
							i == 2 ? "features" : "label")));
	for (i = 5; i <= 8; i++)
		if (i != 7 && PG_ARGISNULL(i))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s must not be NULL",
							i == 5 ? "loss" : i == 6 ? "intercept" : "tolerance")));
	if (PG_ARGISNULL(9) || PG_ARGISNULL(11))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not be NULL", PG_ARGISNULL(9) ? "max_passes" : "gamma")));

	spec.model_name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	if (spec.model_name[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("model_name must not be empty")));
	spec.lambda = PG_ARGISNULL(4) ? get_float8_nan() : PG_GETARG_FLOAT8(4);
	if (!PG_ARGISNULL(4))
		hinge_check_positive(spec.lambda, "lambda",
							 "lambda is the regularisation strength: liblinear's C is 1 / (lambda * n); NULL means 1 / n, liblinear's C = 1.");
	spec.loss = text_to_cstring(PG_GETARG_TEXT_PP(5));
	check_loss_name(spec.loss);
	spec.intercept = PG_GETARG_BOOL(6);
	spec.class_weight = PG_ARGISNULL(7) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(7));
	spec.tolerance = PG_GETARG_FLOAT8(8);
	hinge_check_positive(spec.tolerance, "tolerance",
						 "tolerance is the relative optimality gap to reach, such as 1e-3.");
	if (spec.tolerance >= 1.0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("tolerance must be below 1, not %g", spec.tolerance),
				 errhint("tolerance is the relative optimality gap to reach, such as 1e-3.")));
	spec.max_passes = PG_GETARG_INT32(9);
	if (spec.max_passes < 2 || spec.max_passes > 100000)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("max_passes must be between 2 and 100000, not %d", spec.max_passes)));
	spec.positive = PG_ARGISNULL(10) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(10));
	spec.gamma = PG_GETARG_FLOAT8(11);
	hinge_check_positive(spec.gamma, "gamma",
						 "gamma is the width of the quadratic part of the smoothed hinge: 1 is usual.");
	return spec;
}

/* Class weights c_+ and c_- from the class_weight argument */
static void
resolve_class_weights(TrainSpec *spec)
{
	HingeRowSource *src = &spec->source;

	spec->cpos = spec->cneg = 1.0;
	if (spec->class_weight == NULL)
		return;
	if (strcmp(spec->class_weight, "balanced") == 0)
	{
		/* n / (2 n_class), as scikit-learn's class_weight='balanced' */
		spec->cpos = (float8) src->rows_used / (2.0 * src->class_rows[1]);
		spec->cneg = (float8) src->rows_used / (2.0 * src->class_rows[0]);
		return;
	}
	else
	{
		Oid			argtypes[3] = {TEXTOID, TEXTOID, TEXTOID};
		Datum		values[3];
		int			k;

		values[0] = CStringGetTextDatum(spec->class_weight);
		values[1] = CStringGetTextDatum(src->classes[0]);
		values[2] = CStringGetTextDatum(src->classes[1]);
		if (SPI_execute_with_args("SELECT ($1::pg_catalog.jsonb ->> $2)::pg_catalog.float8, "
								  "($1::pg_catalog.jsonb ->> $3)::pg_catalog.float8, "
								  "pg_catalog.jsonb_typeof($1::pg_catalog.jsonb)",
								  3, argtypes, values, NULL, true, 1) != SPI_OK_SELECT)
			elog(ERROR, "could not read class_weight");
		if (strcmp(SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 3), "object") != 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("class_weight must be NULL, 'balanced' or a JSON object"),
					 errhint("For example '{\"%s\": 1, \"%s\": 5}'.",
							 src->classes[0], src->classes[1])));
		for (k = 0; k < 2; k++)
		{
			bool		isnull;
			Datum		weight = SPI_getbinval(SPI_tuptable->vals[0],
											   SPI_tuptable->tupdesc, k + 1, &isnull);

			if (isnull)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("class_weight has no weight for class \"%s\"",
								src->classes[k]),
						 errhint("Give a weight for each of the classes \"%s\" and \"%s\".",
								 src->classes[0], src->classes[1])));
			if (k == 1)
				spec->cpos = DatumGetFloat8(weight);
			else
				spec->cneg = DatumGetFloat8(weight);
		}
		hinge_check_positive(spec->cpos, "class weight", "Class weights must be greater than zero.");
		hinge_check_positive(spec->cneg, "class weight", "Class weights must be greater than zero.");
		SPI_freetuptable(SPI_tuptable);
	}
}

/* One pass: a query of one row and one float8[] column, its data copied out */
typedef struct Pass
{
	const char *query;
	Oid			argtypes[6];
	Datum		values[6];
} Pass;

static void
run_pass(Pass *pass, ArrayType *point, float8 *out, int n_out)
{
	bool		isnull;
	Datum		value;
	ArrayType  *result;

	pass->values[0] = PointerGetDatum(point);
	if (SPI_execute_with_args(pass->query, 6, pass->argtypes, pass->values,
							  NULL, true, 1) != SPI_OK_SELECT ||
		SPI_processed != 1)
		elog(ERROR, "training pass returned no row");
	value = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	if (isnull)
		ereport(ERROR,
				(errcode(ERRCODE_NO_DATA_FOUND),
				 errmsg("no rows to train on"),
				 errdetail("The rows were deleted while training ran.")));
	result = DatumGetArrayTypeP(value);
	if (ArrayGetNItems(ARR_NDIM(result), ARR_DIMS(result)) != n_out)
		elog(ERROR, "training pass returned %d values, expected %d",
			 ArrayGetNItems(ARR_NDIM(result), ARR_DIMS(result)), n_out);
	memcpy(out, ARR_DATA_PTR(result), sizeof(float8) * n_out);
	SPI_freetuptable(SPI_tuptable);
}

/* Where the solver stands, for NOTICEs and the model row */
typedef struct Progress
{
	int			passes;
	float8		upper;			/* best objective found: P(w_best) */
	float8		lower;			/* certified lower bound on the optimum */
	TimestampTz started;
	TimestampTz last_notice;
} Progress;

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
static Progress
solve(TrainSpec *spec, const char *ext, float8 *w_best)
{
	HingeRowSource *src = &spec->source;
	int			d = spec->n_weights;
	char	   *rows = hinge_row_source_sql(src);
	Pass		plane_pass,
				line_pass;
	ArrayType  *point_array,
			   *line_array;
	float8	   *point,
			   *line,
			   *w_c,
			   *plane,
			   *a,
			   *objectives;
	HingeBundle bundle;
	Progress	p = {0, get_float8_infinity(), 0.0, GetCurrentTimestamp(), 0};
	int			j;

	plane_pass.query = psprintf("SELECT %s.hinge_cutting_plane($1, %s, $2, $3, $4, $5, $6) %s",
								ext, hinge_row_source_columns(src), rows);
	line_pass.query = psprintf("SELECT %s.hinge_line_objective($1, %s, $2, $3, $4, $5, $6) %s",
							   ext, hinge_row_source_columns(src), rows);
	for (j = 0; j < 2; j++)
	{
		Pass	   *pass = j == 0 ? &plane_pass : &line_pass;

		pass->argtypes[0] = FLOAT8ARRAYOID;
		pass->argtypes[1] = FLOAT8OID;
		pass->argtypes[2] = TEXTOID;
		pass->argtypes[3] = FLOAT8OID;
		pass->argtypes[4] = FLOAT8OID;
		pass->argtypes[5] = FLOAT8OID;
		pass->values[1] = Float8GetDatum(spec->lambda);
		pass->values[2] = CStringGetTextDatum(spec->loss);
		pass->values[3] = Float8GetDatum(spec->gamma);
		pass->values[4] = Float8GetDatum(spec->cpos);
		pass->values[5] = Float8GetDatum(spec->cneg);
	}

	point_array = hinge_new_float8_array(d, &point);
	line_array = hinge_new_float8_matrix(2, d, &line);
	w_c = palloc0(sizeof(float8) * d);
	plane = palloc(sizeof(float8) * (d + 1));
	a = palloc(sizeof(float8) * d);
	objectives = palloc(sizeof(float8) * 2 * LINE_POINTS);
	memset(w_best, 0, sizeof(float8) * d);

	/* the risk is never negative: the plane R(w) >= 0 holds from the start */
	hinge_bundle_init(&bundle, d, spec->lambda, bundle_capacity(spec, d));
	memset(a, 0, sizeof(float8) * d);
	hinge_bundle_add(&bundle, a, 0.0);

	for (;;)
	{
		float8		risk_at_point,
					offset;
		int			best;

		CHECK_FOR_INTERRUPTS();

		/* 1. a cutting plane at the point */
		run_pass(&plane_pass, point_array, plane, d + 1);
		p.passes++;
		if (plane[0] < p.upper)
		{
			p.upper = plane[0];
			memcpy(w_best, point, sizeof(float8) * d);
		}
		/* R(w) >= R(point) + a.(w - point), a = g - lambda point */
		risk_at_point = plane[0] - spec->lambda / 2.0 * hinge_dot_f8(point, point, d);
		for (j = 0; j < d; j++)
			a[j] = plane[j + 1] - spec->lambda * point[j];
		offset = risk_at_point - hinge_dot_f8(a, point, d);
		hinge_bundle_add(&bundle, a, offset);

		/* 2. the model's minimiser, and the lower bound */
		p.lower = fmax(p.lower,
					   hinge_bundle_solve(&bundle, w_c,
										  fmax(1e-3 * spec->tolerance * p.upper, 1e-15)));
		if (relative_gap(&p) <= spec->tolerance || p.passes >= spec->max_passes)
			break;
		report_progress(spec, &p, false);

		/* 3. the line search from the best point towards w_c */
		memcpy(line, w_best, sizeof(float8) * d);
		memcpy(line + d, w_c, sizeof(float8) * d);
		run_pass(&line_pass, line_array, objectives, 2 * LINE_POINTS);
		p.passes++;
		best = 0;
		for (j = 1; j < LINE_POINTS; j++)
			if (objectives[LINE_POINTS + j] < objectives[LINE_POINTS + best])
				best = j;
		if (objectives[LINE_POINTS + best] < p.upper)
		{
			float8		alpha = objectives[best];

			p.upper = objectives[LINE_POINTS + best];
			for (j = 0; j < d; j++)
				w_best[j] += alpha * (w_c[j] - w_best[j]);
		}
		if (relative_gap(&p) <= spec->tolerance || p.passes >= spec->max_passes)
			break;
		report_progress(spec, &p, false);

		/* 4. the next plane just past the best point, towards w_c */
		for (j = 0; j < d; j++)
			point[j] = w_best[j] + PLANE_STEP * (w_c[j] - w_best[j]);
	}
	report_progress(spec, &p, true);
	return p;
}

/* Writes the model row, replacing one of the same name, and returns it */
static Datum
store_model(TrainSpec *spec, const char *ext, const float8 *w, Progress *p)
{
	HingeRowSource *src = &spec->source;
	Oid			argtypes[21];
	Datum		values[21];
	char		nulls[21];
	float8	   *data;
	ArrayType  *weights = hinge_new_float8_array(spec->n_weights, &data);
	Datum		classes[2];
	Datum		class_weights[2];
	char	   *query;
	int			i = 0;

	memcpy(data, w, sizeof(float8) * spec->n_weights);
	memset(nulls, ' ', sizeof(nulls));
	classes[0] = CStringGetTextDatum(src->classes[0]);
	classes[1] = CStringGetTextDatum(src->classes[1]);
	class_weights[0] = Float8GetDatum(spec->cneg);
	class_weights[1] = Float8GetDatum(spec->cpos);

#define ARG(type, value) (argtypes[i] = (type), values[i++] = (value))
	ARG(TEXTOID, CStringGetTextDatum(spec->model_name));
	ARG(TEXTOID, CStringGetTextDatum(src->relation_name));
	ARG(TEXTARRAYOID, PointerGetDatum(hinge_row_source_feature_names(src)));
	ARG(TEXTOID, CStringGetTextDatum(src->feature_type));
	ARG(INT4OID, Int32GetDatum(src->n_features));
	ARG(TEXTOID, CStringGetTextDatum(src->label_name));
	ARG(TEXTARRAYOID, PointerGetDatum(construct_array(classes, 2, TEXTOID, -1, false, TYPALIGN_INT)));
	ARG(TEXTOID, CStringGetTextDatum(src->classes[1]));
	ARG(FLOAT8ARRAYOID, PointerGetDatum(weights));
	ARG(BOOLOID, BoolGetDatum(spec->intercept));
	ARG(FLOAT8OID, Float8GetDatum(spec->lambda));
	ARG(TEXTOID, CStringGetTextDatum(spec->loss));
	ARG(FLOAT8OID, Float8GetDatum(spec->gamma));
	ARG(FLOAT8ARRAYOID, PointerGetDatum(construct_array(class_weights, 2, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE)));
	ARG(INT4OID, Int32GetDatum(p->passes));
	ARG(FLOAT8OID, Float8GetDatum(p->upper));
	ARG(FLOAT8OID, Float8GetDatum(p->lower));
	ARG(BOOLOID, BoolGetDatum(relative_gap(p) <= spec->tolerance));
	ARG(INT8OID, Int64GetDatum(src->rows_used));
	ARG(INT8OID, Int64GetDatum(src->rows_skipped));
	ARG(FLOAT8OID, Float8GetDatum(seconds_since(p->started)));
#undef ARG

	query = psprintf("INSERT INTO %s.hinge_model AS m (name, relation, features, feature_type, "
					 "n_features, label, classes, positive_class, weights, intercept, lambda, "
					 "loss, gamma, class_weights, passes, objective, lower_bound, converged, "
					 "rows_used, rows_skipped, train_seconds, trained_at) "
					 "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, "
					 "$15, $16, $17, $18, $19, $20, $21, pg_catalog.now()) "
					 "ON CONFLICT (name) DO UPDATE SET (relation, features, feature_type, "
					 "n_features, label, classes, positive_class, weights, intercept, lambda, "
					 "loss, gamma, class_weights, passes, objective, lower_bound, converged, "
					 "rows_used, rows_skipped, train_seconds, trained_at) = "
					 "(EXCLUDED.relation, EXCLUDED.features, EXCLUDED.feature_type, "
					 "EXCLUDED.n_features, EXCLUDED.label, EXCLUDED.classes, "
					 "EXCLUDED.positive_class, EXCLUDED.weights, EXCLUDED.intercept, "
					 "EXCLUDED.lambda, EXCLUDED.loss, EXCLUDED.gamma, EXCLUDED.class_weights, "
					 "EXCLUDED.passes, EXCLUDED.objective, EXCLUDED.lower_bound, "
					 "EXCLUDED.converged, EXCLUDED.rows_used, EXCLUDED.rows_skipped, "
					 "EXCLUDED.train_seconds, EXCLUDED.trained_at) RETURNING m.*", ext);
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
	hinge_row_source_init(src, PG_GETARG_OID(1), PG_GETARG_DATUM(2),
						  get_fn_expr_argtype(fcinfo->flinfo, 2) == TEXTARRAYOID,
						  text_to_cstring(PG_GETARG_TEXT_PP(3)));
	hinge_row_source_count(src);
	hinge_row_source_classes(src, spec.positive);
	if (isnan(spec.lambda))
		spec.lambda = 1.0 / src->rows_used;
	resolve_class_weights(&spec);
	spec.n_weights = src->n_features + (spec.intercept ? 1 : 0);

	w = palloc(sizeof(float8) * spec.n_weights);
	progress = solve(&spec, ext, w);
	if (relative_gap(&progress) > spec.tolerance)
		ereport(WARNING,
				(errmsg("hinge_train \"%s\" did not converge in %d passes",
						spec.model_name, progress.passes),
				 errdetail("The relative gap is %.3g, above the tolerance %.3g.",
						   relative_gap(&progress), spec.tolerance),
				 errhint("Raise max_passes, or accept the model: its objective is within %.3g%% of the optimum.",
						 100.0 * relative_gap(&progress))));
	model = store_model(&spec, ext, w, &progress);
	SPI_finish();
	PG_RETURN_DATUM(model);
}
