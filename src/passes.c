/*
 * passes.c
 *		The queries hinge runs over SPI (passes.h): parameters, the table of
 *		the functions and aggregates they call, and running a pass.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "nodes/params.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/plancache.h"
#include "utils/timestamp.h"

#include "citus.h"
#include "passes.h"
#include "sparse.h"

/* The extension's schema, quoted: the schema of the function called */
char *
hinge_extension_schema(FunctionCallInfo fcinfo)
{
	Oid			schema = get_func_namespace(fcinfo->flinfo->fn_oid);

	return pstrdup(quote_identifier(get_namespace_name(schema)));
}

/* Adds a parameter and returns its placeholder, "$3" (typed by SPI) */
char *
hinge_param(HingeParams *params, Oid type, Datum value)
{
	if (params->n >= HINGE_MAX_PARAMS)
		elog(ERROR, "too many query parameters");
	params->types[params->n] = type;
	params->values[params->n] = value;
	params->n++;
	return psprintf("$%d", params->n);
}

/* The parameters as a ParamListInfo, for a query run with a receiver */
ParamListInfo
hinge_param_list(const HingeParams *params)
{
	ParamListInfo list = makeParamList(params->n);
	int			i;

	for (i = 0; i < params->n; i++)
	{
		list->params[i].value = params->values[i];
		list->params[i].isnull = false;
		list->params[i].pflags = PARAM_FLAG_CONST;
		list->params[i].ptype = params->types[i];
	}
	return list;
}

/*
 * A float8 or text constant of a pass query, for a value fixed for the
 * whole training: the executor evaluates a Const once, where it fetches a
 * parameter at every row.  Floats are written with 17 significant digits,
 * which read back to the same double.
 */
char *
hinge_float8_literal(float8 value)
{
	return psprintf("'%.17g'::pg_catalog.float8", value);
}

char *
hinge_text_literal(const char *value)
{
	return psprintf("%s::pg_catalog.text", quote_literal_cstr(value));
}

/* The features argument: float8[] or real[], as the rows hold them */
#define FEATURES	InvalidOid
#define MAX_CALL_ARGS	9

typedef struct HingeCallSpec
{
	const char *name;
	bool		aggregate;
	int			nargs;
	Oid			argtypes[MAX_CALL_ARGS];
	Oid			result;
} HingeCallSpec;

/*
 * The contract: every function and aggregate a query built by hinge calls,
 * with the argument types it declares (sql/internal_calls tests each entry
 * against the catalog through hinge_internal_calls()).
 */
static const HingeCallSpec calls[HINGE_N_CALLS] = {
	[HINGE_CALL_CUTTING_PLANE] = {"hinge_cutting_plane", true, 8,
		{FLOAT8ARRAYOID, FEATURES, FLOAT8OID, FLOAT8OID, TEXTOID, FLOAT8OID, FLOAT8OID, FLOAT8OID},
	FLOAT8ARRAYOID},
	[HINGE_CALL_LINE_OBJECTIVE] = {"hinge_line_objective", true, 8,
		{FLOAT8ARRAYOID, FEATURES, FLOAT8OID, FLOAT8OID, TEXTOID, FLOAT8OID, FLOAT8OID, FLOAT8OID},
	FLOAT8ARRAYOID},
	[HINGE_CALL_LINE_PLANES] = {"hinge_line_planes", true, 8,
		{FLOAT8ARRAYOID, FEATURES, FLOAT8OID, FLOAT8OID, TEXTOID, FLOAT8OID, FLOAT8OID, FLOAT8OID},
	FLOAT8ARRAYOID},
	[HINGE_CALL_LINE_PLANE] = {"hinge_line_plane", true, 9,
		{FLOAT8ARRAYOID, FEATURES, FLOAT8OID, FLOAT8OID, TEXTOID, FLOAT8OID, FLOAT8OID, FLOAT8OID, INT4OID},
	FLOAT8ARRAYOID},
	[HINGE_CALL_MC_CUTTING_PLANE] = {"multiclass_hinge_cutting_plane", true, 6,
		{FLOAT8ARRAYOID, FEATURES, INT4OID, FLOAT8OID, TEXTOID, FLOAT8ARRAYOID},
	FLOAT8ARRAYOID},
	[HINGE_CALL_MC_LINE_OBJECTIVE] = {"multiclass_hinge_line_objective", true, 6,
		{FLOAT8ARRAYOID, FEATURES, INT4OID, FLOAT8OID, TEXTOID, FLOAT8ARRAYOID},
	FLOAT8ARRAYOID},
	[HINGE_CALL_OVR_CUTTING_PLANES] = {"one_vs_rest_cutting_planes", true, 5,
		{FLOAT8ARRAYOID, FEATURES, INT4OID, FLOAT8OID, FLOAT8ARRAYOID},
	FLOAT8ARRAYOID},
	[HINGE_CALL_OVR_LINE_OBJECTIVE] = {"one_vs_rest_line_objective", true, 5,
		{FLOAT8ARRAYOID, FEATURES, INT4OID, FLOAT8OID, FLOAT8ARRAYOID},
	FLOAT8ARRAYOID},
	[HINGE_CALL_PLATT] = {"hinge_platt", true, 4,
		{FLOAT8OID, FLOAT8OID, FLOAT8OID, FLOAT8OID},
	FLOAT8ARRAYOID},
	[HINGE_CALL_SCORE] = {"hinge_score", false, 2,
		{FLOAT8ARRAYOID, FEATURES},
	FLOAT8OID},
	[HINGE_CALL_SCORES] = {"hinge_scores", false, 2,
		{FLOAT8ARRAYOID, FEATURES},
	FLOAT8ARRAYOID},
	[HINGE_CALL_PREDICT_CLASS] = {"hinge_predict_class", false, 2,
		{FLOAT8ARRAYOID, FEATURES},
	INT4OID},
	[HINGE_CALL_CV_CUTTING_PLANES] = {"hinge_cv_cutting_planes", true, 8,
		{FLOAT8ARRAYOID, FEATURES, FLOAT8OID, INT4OID, FLOAT8OID, TEXTOID, FLOAT8OID, FLOAT8ARRAYOID},
	FLOAT8ARRAYOID},
	[HINGE_CALL_CV_LINE_OBJECTIVE] = {"hinge_cv_line_objective", true, 8,
		{FLOAT8ARRAYOID, FEATURES, FLOAT8OID, INT4OID, FLOAT8OID, TEXTOID, FLOAT8OID, FLOAT8ARRAYOID},
	FLOAT8ARRAYOID},
	[HINGE_CALL_CV_LINE_PLANES] = {"hinge_cv_line_planes", true, 8,
		{FLOAT8ARRAYOID, FEATURES, FLOAT8OID, INT4OID, FLOAT8OID, TEXTOID, FLOAT8OID, FLOAT8ARRAYOID},
	FLOAT8ARRAYOID},
	[HINGE_CALL_MC_CV_CUTTING_PLANES] = {"multiclass_cv_cutting_planes", true, 7,
		{FLOAT8ARRAYOID, FEATURES, INT4OID, INT4OID, FLOAT8OID, TEXTOID, FLOAT8ARRAYOID},
	FLOAT8ARRAYOID},
	[HINGE_CALL_MC_CV_LINE_OBJECTIVE] = {"multiclass_cv_line_objective", true, 7,
		{FLOAT8ARRAYOID, FEATURES, INT4OID, INT4OID, FLOAT8OID, TEXTOID, FLOAT8ARRAYOID},
	FLOAT8ARRAYOID},
	[HINGE_CALL_OVR_CV_CUTTING_PLANES] = {"one_vs_rest_cv_cutting_planes", true, 6,
		{FLOAT8ARRAYOID, FEATURES, INT4OID, INT4OID, FLOAT8OID, FLOAT8ARRAYOID},
	FLOAT8ARRAYOID},
	[HINGE_CALL_OVR_CV_LINE_OBJECTIVE] = {"one_vs_rest_cv_line_objective", true, 6,
		{FLOAT8ARRAYOID, FEATURES, INT4OID, INT4OID, FLOAT8OID, FLOAT8ARRAYOID},
	FLOAT8ARRAYOID},
	[HINGE_CALL_ROW_HASH] = {"hinge_row_hash", false, 1,
		{FEATURES},
	INT8OID},
	[HINGE_CALL_FOLD] = {"hinge_fold", false, 3,
		{INT8OID, INT4OID, INT8ARRAYOID},
	INT4OID},
};

/* The types features come in: float8[], real[] and hinge_sparse */
#define N_FEATURE_TYPES	3

/*
 * "ext.name((a1)::type1, ...)": a call of the contract's entry with every
 * argument cast to the type the function declares.  features_type stands
 * for the features argument.
 */
char *
hinge_call_sql(HingeCall call, const char *ext, Oid features_type,
			   const char *const *args)
{
	const HingeCallSpec *spec = &calls[call];
	StringInfoData sql;
	int			i;

	initStringInfo(&sql);
	appendStringInfo(&sql, "%s.%s(", ext, quote_identifier(spec->name));
	for (i = 0; i < spec->nargs; i++)
		appendStringInfo(&sql, "%s(%s)::%s", i > 0 ? ", " : "", args[i],
						 format_type_be_qualified(spec->argtypes[i] == FEATURES ?
												  features_type : spec->argtypes[i]));
	appendStringInfoChar(&sql, ')');
	return sql.data;
}

/* Errors out unless column (1-based) of the last SPI result is of type expected */
void
hinge_check_column_type(int column, Oid expected)
{
	Oid			type = SPI_gettypeid(SPI_tuptable->tupdesc, column);

	if (type != expected)
		elog(ERROR, "hinge query returned %s in column %d, expected %s",
			 format_type_be(type), column, format_type_be(expected));
}

/* Does the prepared plan have parallel workers? */
static bool
plan_is_parallel(SPIPlanPtr plan)
{
	CachedPlan *cplan = SPI_plan_get_cached_plan(plan);
	ListCell   *lc;
	bool		parallel = false;

	if (cplan == NULL)
		return false;
	foreach(lc, cplan->stmt_list)
	{
		PlannedStmt *stmt = lfirst_node(PlannedStmt, lc);

		parallel |= stmt->parallelModeNeeded;
	}
	hinge_release_cached_plan(cplan);
	return parallel;
}

/*
 * The query prepared with options; CURSOR_OPT_GENERIC_PLAN where it can be
 * (not with Citus): its parameters are weight vectors of up to millions of
 * numbers, and a custom plan (the plan cache's choice for the first five
 * runs) copies them into the plan and plans again at every run: 100 ms a
 * pass for 2^18 sparse features.
 */
static SPIPlanPtr
prepare_pass(HingePass *pass, int options)
{
	SPIPlanPtr	plan = SPI_prepare_cursor(pass->query, pass->params.n, pass->params.types,
										  options);

	if (plan == NULL)
		elog(ERROR, "could not prepare a hinge pass: %s",
			 SPI_result_code_string(SPI_result));
	return plan;
}

/* Runs plan with the pass's parameters; returns the seconds it took */
static float8
execute_pass(HingePass *pass, SPIPlanPtr plan)
{
	TimestampTz started = GetCurrentTimestamp();

	/* no row limit: a limit would keep the executor from parallel workers */
	if (SPI_execute_plan(plan, pass->params.values, NULL, true, 0) != SPI_OK_SELECT ||
		SPI_processed != 1)
		elog(ERROR, "hinge pass returned no row");
	return (float8) (GetCurrentTimestamp() - started) / USECS_PER_SEC;
}

/*
 * Runs the pass the faster way.  A plan with parallel workers runs with them
 * once, timed, then once without them, and the rest the way that took less
 * time (workers are new processes at every run, so their first run is as
 * any other; the leader has read the rows before, in the training's
 * count).  Workers start anew at every pass; where shared memory is in 4 kB
 * pages (no huge pages: the default of most Linux systems) each pays a page
 * fault for every shared buffer it reads, which on a few cores costs more
 * than it saves: 10^6 sparse rows of 2^18 features took 25 s to train with
 * 2 workers and 14 s without, on 2 cores.  With huge pages, or many cores,
 * the workers win and keep running.  The sums are compensated, so the two
 * ways agree to about one rounding.
 */
static void
run_faster_way(HingePass *pass)
{
	if (pass->plan == NULL)
	{
		/*
		 * With Citus, custom plans as planned: a distributed table's query
		 * cannot be planned without its parameters' values, and its passes
		 * run on the Citus workers, not on parallel workers
		 */
		bool		citus = hinge_citus_present();

		pass->plan = prepare_pass(pass, CURSOR_OPT_PARALLEL_OK |
								  (citus ? 0 : CURSOR_OPT_GENERIC_PLAN));
		pass->parallel = !citus && plan_is_parallel(pass->plan);
	}
	if (!pass->parallel || pass->mode == HINGE_PASS_PARALLEL || pass->runs == 0)
	{
		float8		seconds = execute_pass(pass, pass->plan);

		if (pass->parallel && pass->runs == 0)
			pass->parallel_seconds = seconds;
	}
	else if (pass->mode == HINGE_PASS_SERIAL)
		execute_pass(pass, pass->serial_plan);
	else
	{
		pass->serial_plan = prepare_pass(pass, CURSOR_OPT_GENERIC_PLAN);
		pass->mode = execute_pass(pass, pass->serial_plan) <= pass->parallel_seconds ?
			HINGE_PASS_SERIAL : HINGE_PASS_PARALLEL;
	}
	pass->runs++;
}

/*
 * Runs a pass: its query returns one row whose first n_columns columns are
 * float8[]s of n_outs[c] elements each, copied to outs[c], and whose next
 * column, if any, is a count of rows (pass->rows).  Returns false when a
 * float8[] is NULL (no rows).  The plan is made once and reused by every
 * run.
 */
bool
hinge_pass_run_columns(HingePass *pass, float8 *const *outs, const int *n_outs, int n_columns)
{
	bool		isnull;
	int			c;

	CHECK_FOR_INTERRUPTS();
	run_faster_way(pass);
	if (SPI_tuptable->tupdesc->natts > n_columns)
	{
		hinge_check_column_type(n_columns + 1, INT8OID);
		pass->rows = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc,
												 n_columns + 1, &isnull));
	}
	for (c = 0; c < n_columns; c++)
	{
		Datum		value;
		ArrayType  *result;

		hinge_check_column_type(c + 1, FLOAT8ARRAYOID);
		value = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, c + 1, &isnull);
		if (isnull)
		{
			SPI_freetuptable(SPI_tuptable);
			return false;
		}
		result = DatumGetArrayTypeP(value);
		if (ARR_HASNULL(result) || ArrayGetNItems(ARR_NDIM(result), ARR_DIMS(result)) != n_outs[c])
			elog(ERROR, "hinge pass returned %d values, expected %d",
				 ArrayGetNItems(ARR_NDIM(result), ARR_DIMS(result)), n_outs[c]);
		memcpy(outs[c], ARR_DATA_PTR(result), sizeof(float8) * n_outs[c]);
	}
	SPI_freetuptable(SPI_tuptable);
	return true;
}

/* A pass of one float8[] column (and maybe the count) */
bool
hinge_pass_run(HingePass *pass, float8 *out, int n_out)
{
	return hinge_pass_run_columns(pass, &out, &n_out, 1);
}

/*
 * hinge_internal_calls(): the contract as a table, one row per features
 * type, so that a test can resolve every entry in the catalog.
 */
PG_FUNCTION_INFO_V1(hinge_internal_calls);
Datum
hinge_internal_calls(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Oid			feature_types[N_FEATURE_TYPES] = {FLOAT8ARRAYOID, FLOAT4ARRAYOID,
		hinge_sparse_type(get_func_namespace(fcinfo->flinfo->fn_oid))};
	int			c,
				f;

	hinge_init_materialized_srf(fcinfo);
	for (c = 0; c < HINGE_N_CALLS; c++)
		for (f = 0; f < N_FEATURE_TYPES; f++)
		{
			const HingeCallSpec *spec = &calls[c];
			Datum		types[MAX_CALL_ARGS];
			Datum		values[4];
			bool		nulls[4] = {false};
			bool		has_features = false;
			int			i;

			for (i = 0; i < spec->nargs; i++)
			{
				has_features |= spec->argtypes[i] == FEATURES;
				types[i] = ObjectIdGetDatum(spec->argtypes[i] == FEATURES ?
											feature_types[f] : spec->argtypes[i]);
			}
			if (f > 0 && !has_features)
				continue;
			values[0] = CStringGetTextDatum(spec->name);
			values[1] = CStringGetTextDatum(spec->aggregate ? "aggregate" : "function");
			values[2] = PointerGetDatum(construct_array(types, spec->nargs, REGTYPEOID,
														sizeof(Oid), true, TYPALIGN_INT));
			values[3] = ObjectIdGetDatum(spec->result);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
	return (Datum) 0;
}
