/*
 * citus.c
 *		hinge on Citus distributed tables, without depending on Citus: it is
 *		recognised by what it leaves in plans (its custom scan nodes), in the
 *		catalog (pg_dist_partition) and in the application_name of the
 *		connections it opens to its workers.
 *
 * What differs on a distributed table (README, "Scale-out on Citus"): at
 * READ COMMITTED every remote query of a training takes a new snapshot on
 * the workers, so the passes may read different rows (training refuses to
 * start there); and a function that reads a model by name runs on the
 * workers, which have no model rows.
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_language.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "nodes/extensible.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "nodes/plannodes.h"
#include "optimizer/planner.h"
#include "parser/parse_func.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/plancache.h"
#include "utils/syscache.h"

#include "citus.h"
#include "compat.h"
#include "model.h"

/* Does the plan tree under plan hold a custom scan of Citus? */
static bool
plan_is_distributed(Plan *plan)
{
	ListCell   *lc;
	List	   *children = NIL;

	if (plan == NULL)
		return false;
	check_stack_depth();
	switch (nodeTag(plan))
	{
		case T_CustomScan:
			{
				CustomScan *scan = (CustomScan *) plan;

				if (scan->methods != NULL && scan->methods->CustomName != NULL &&
					strncmp(scan->methods->CustomName, "Citus", 5) == 0)
					return true;
				children = scan->custom_plans;
				break;
			}
		case T_Append:
			children = ((Append *) plan)->appendplans;
			break;
		case T_MergeAppend:
			children = ((MergeAppend *) plan)->mergeplans;
			break;
		case T_BitmapAnd:
			children = ((BitmapAnd *) plan)->bitmapplans;
			break;
		case T_BitmapOr:
			children = ((BitmapOr *) plan)->bitmapplans;
			break;
		case T_SubqueryScan:
			if (plan_is_distributed(((SubqueryScan *) plan)->subplan))
				return true;
			break;
		default:
			break;
	}
	foreach(lc, children)
	{
		if (plan_is_distributed((Plan *) lfirst(lc)))
			return true;
	}
	return plan_is_distributed(plan->lefttree) ||
		plan_is_distributed(plan->righttree);
}

/*
 * Does query (SQL, run through SPI, which the caller has connected) read a
 * Citus distributed table, directly or through a view?  It is planned, not
 * run: Citus plans a query on distributed tables as a custom scan named
 * "Citus ..." (Citus Adaptive, Citus Router, ...).
 */
bool
hinge_query_is_distributed(const char *query)
{
	SPIPlanPtr	plan = SPI_prepare(query, 0, NULL);
	CachedPlan *cplan;
	ListCell   *lc;
	bool		distributed = false;

	if (plan == NULL)
		elog(ERROR, "could not plan \"%s\": %s", query,
			 SPI_result_code_string(SPI_result));
	cplan = SPI_plan_get_cached_plan(plan);
	if (cplan != NULL)
	{
		foreach(lc, cplan->stmt_list)
		{
			PlannedStmt *stmt = lfirst_node(PlannedStmt, lc);
			ListCell   *sub;

			if (plan_is_distributed(stmt->planTree))
				distributed = true;
			foreach(sub, stmt->subplans)
			{
				if (plan_is_distributed((Plan *) lfirst(sub)))
					distributed = true;
			}
		}
		hinge_release_cached_plan(cplan);
	}
	SPI_freeplan(plan);
	return distributed;
}

/*
 * Refuses to run what (e.g. "hinge_train") over the rows of query at READ
 * COMMITTED when they come from a Citus distributed table: there, each
 * query a worker runs takes its own snapshot, so rows written by others
 * between two passes reach the next one, and the passes' bound certifies
 * nothing.  At REPEATABLE READ (or SERIALIZABLE), Citus keeps one snapshot
 * per worker for the whole transaction.  A local relation reads every pass
 * in the snapshot of the statement that trains, at any level.  Returns
 * whether the rows are distributed.
 */
bool
hinge_check_one_snapshot(const char *query, const char *relation_name,
						 const char *what)
{
	bool		distributed = hinge_query_is_distributed(query);

	if (distributed && !IsolationUsesXactSnapshot())
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("%s cannot read %s at READ COMMITTED: its rows are in a Citus distributed table",
						what, relation_name),
				 errdetail("At READ COMMITTED each pass over a distributed table reads the rows committed when it starts, so the passes could read different rows and certify nothing."),
				 errhint("Run it at REPEATABLE READ, where every pass reads one snapshot: BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT %s(...); COMMIT;",
						 what)));
	return distributed;
}

/*
 * Scoring by model name on distributed tables.  A function that reads a
 * model by name (hinge_score('m', x), ...) runs where the rows are: on the
 * workers, which have no model rows.  So before Citus plans a query that
 * reads a distributed table, every such call whose name is a constant gets,
 * in the place of the name, the model by value: hinge_model_value('m'),
 * read on the coordinator when the statement is planned, a constant that
 * Citus sends to the workers with the query, and from which they read the
 * model as they would from its row (model_value.c).  A plan kept for later
 * executions is planned again when any model changes (see hinge_planner),
 * so a model retrained is seen by the next statement, as on one node.
 *
 * (A subquery (SELECT hinge_model_value('m')), which Citus runs on the
 * coordinator at each execution, would do too, but Citus refuses it in the
 * select list of a subquery under an aggregate, as in SELECT sum(s) FROM a
 * view of scores.)
 *
 * The hook sees a query only if hinge is loaded when it is planned: on the
 * coordinator, shared_preload_libraries = 'citus,hinge' (or
 * session_preload_libraries = 'hinge').  Otherwise the workers say that
 * the model does not exist, and how to fix it (hinge_in_citus_task).
 */
static planner_hook_type previous_planner_hook = NULL;

/* What the walk over a query found */
typedef struct ByNameSearch
{
	bool		calls;			/* a call by a constant model name */
	List	   *relids;			/* the relations read */
} ByNameSearch;

/*
 * Is funcid one of hinge's functions that read a model by its name, given
 * first: a C function of hinge's library whose first argument is text named
 * model_name, not volatile (training and calibration, which run on the
 * coordinator, are volatile)?  Then the namespace of its extension.
 */
static bool
reads_model_by_name(Oid funcid, Oid *namespace)
{
	HeapTuple	tuple = SearchSysCache1(PROCOID, ObjectIdGetDatum(funcid));
	Form_pg_proc proc;
	bool		result = false;

	if (!HeapTupleIsValid(tuple))
		return false;
	proc = (Form_pg_proc) GETSTRUCT(tuple);
	if (proc->prolang == ClanguageId && proc->pronargs >= 1 &&
		proc->proargtypes.values[0] == TEXTOID && proc->provolatile != PROVOLATILE_VOLATILE)
	{
		bool		isnull;
		Datum		bin = SysCacheGetAttr(PROCOID, tuple, Anum_pg_proc_probin, &isnull);
		Datum		names;

		if (!isnull && strcmp(TextDatumGetCString(bin), "$libdir/hinge") == 0)
		{
			names = SysCacheGetAttr(PROCOID, tuple, Anum_pg_proc_proargnames, &isnull);
			if (!isnull)
			{
				Datum	   *elems;
				int			n;

				deconstruct_array(DatumGetArrayTypeP(names), TEXTOID, -1, false,
								  TYPALIGN_INT, &elems, NULL, &n);
				result = n >= 1 && strcmp(TextDatumGetCString(elems[0]), "model_name") == 0;
			}
		}
		*namespace = proc->pronamespace;
	}
	ReleaseSysCache(tuple);
	return result;
}

/* A call by a constant model name: the name, not NULL */
static bool
is_call_by_constant_name(Node *node, Oid *namespace)
{
	FuncExpr   *call;
	Const	   *name;

	if (!IsA(node, FuncExpr))
		return false;
	call = (FuncExpr *) node;
	if (call->args == NIL || !IsA(linitial(call->args), Const))
		return false;
	name = (Const *) linitial(call->args);
	if (name->consttype != TEXTOID || name->constisnull)
		return false;
	/* a model by value already (a query planned again, as Citus does) */
	if (hinge_is_model_value(VARDATA_ANY(DatumGetPointer(name->constvalue)),
							 VARSIZE_ANY_EXHDR(DatumGetPointer(name->constvalue))))
		return false;
	return reads_model_by_name(call->funcid, namespace);
}

static bool
search_walker(Node *node, ByNameSearch *search)
{
	Oid			namespace;

	if (node == NULL)
		return false;
	if (IsA(node, Query))
		return query_tree_walker((Query *) node, search_walker, search,
								 QTW_EXAMINE_RTES_BEFORE);
	if (IsA(node, RangeTblEntry))
	{
		RangeTblEntry *rte = (RangeTblEntry *) node;

		if (rte->rtekind == RTE_RELATION)
			search->relids = list_append_unique_oid(search->relids, rte->relid);
		return false;
	}
	if (is_call_by_constant_name(node, &namespace))
		search->calls = true;
	return expression_tree_walker(node, search_walker, search);
}

/* Does pg_dist_partition (Citus's list of distributed tables) hold any of relids? */
static bool
any_distributed(List *relids)
{
	Oid			catalog = get_relname_relid("pg_dist_partition", PG_CATALOG_NAMESPACE);
	Relation	rel;
	ListCell   *lc;
	bool		found = false;

	if (!OidIsValid(catalog) || relids == NIL)
		return false;
	rel = table_open(catalog, AccessShareLock);
	foreach(lc, relids)
	{
		ScanKeyData key;
		SysScanDesc scan;

		/* logicalrelid, its first column */
		ScanKeyInit(&key, 1, BTEqualStrategyNumber, F_OIDEQ,
					ObjectIdGetDatum(lfirst_oid(lc)));
		scan = systable_beginscan(rel, InvalidOid, false, NULL, 1, &key);
		found = HeapTupleIsValid(systable_getnext(scan));
		systable_endscan(scan);
		if (found)
			break;
	}
	table_close(rel, AccessShareLock);
	return found;
}

/* What the rewrite of one query needs and did */
typedef struct ByValueRewrite
{
	List	   *model_tables;	/* the hinge_model tables read */
} ByValueRewrite;

/*
 * hinge_model_value(name) of the extension in namespace, now: a constant,
 * or NULL for an extension older than 1.2 (left alone)
 */
static Const *
model_value_constant(Const *name, Oid namespace, ByValueRewrite *rewrite)
{
	Oid			argtypes[1] = {TEXTOID};
	Oid			function = LookupFuncName(list_make2(makeString(get_namespace_name(namespace)),
													 makeString("hinge_model_value")),
										  1, argtypes, true);
	Datum		value;

	if (!OidIsValid(function))
		return NULL;
	value = OidFunctionCall1Coll(function, DEFAULT_COLLATION_OID, name->constvalue);
	rewrite->model_tables = list_append_unique_oid(rewrite->model_tables,
												   get_relname_relid("hinge_model", namespace));
	return makeConst(TEXTOID, -1, DEFAULT_COLLATION_OID, -1, value, false, false);
}

static Node *
by_value_mutator(Node *node, ByValueRewrite *rewrite)
{
	Oid			namespace;

	if (node == NULL)
		return NULL;
	if (IsA(node, Query))
		return (Node *) query_tree_mutator((Query *) node, by_value_mutator, rewrite, 0);
	if (is_call_by_constant_name(node, &namespace))
	{
		FuncExpr   *call = (FuncExpr *) copyObject(node);
		Const	   *value = model_value_constant((Const *) linitial(call->args), namespace,
												 rewrite);

		if (value != NULL)
		{
			linitial(call->args) = value;
			return (Node *) call;
		}
	}
	return expression_tree_mutator(node, by_value_mutator, rewrite);
}

/* The planner hook: see above */
static PlannedStmt *
hinge_planner(Query *parse, const char *query_string, int cursor_options,
			  ParamListInfo bound_params)
{
	ByNameSearch search = {false, NIL};
	ByValueRewrite rewrite = {NIL};
	PlannedStmt *result;
	ListCell   *lc;

	(void) search_walker((Node *) parse, &search);
	if (search.calls && any_distributed(search.relids))
		parse = (Query *) by_value_mutator((Node *) parse, &rewrite);
	if (previous_planner_hook != NULL)
		result = previous_planner_hook(parse, query_string, cursor_options, bound_params);
	else
		result = standard_planner(parse, query_string, cursor_options, bound_params);
	/*
	 * A plan kept (a prepared statement, PL/pgSQL) holds the models as they
	 * were when it was made: it is made again in every new transaction
	 * (transientPlan), and after a relcache invalidation of hinge_model
	 * (sent by hinge_train and hinge_calibrate, hinge_models_changed, and
	 * by ALTER TABLE), so that the models are read afresh.  Within one
	 * transaction, a model row changed by plain SQL after a plan was made
	 * is not seen by that plan (README, "Scale-out on Citus").
	 */
	if (rewrite.model_tables != NIL)
		result->transientPlan = true;
	foreach(lc, rewrite.model_tables)
		result->relationOids = list_append_unique_oid(result->relationOids, lfirst_oid(lc));
	return result;
}

/* Installs the planner hook, once per backend (from _PG_init) */
void
hinge_citus_init(void)
{
	previous_planner_hook = planner_hook;
	planner_hook = hinge_planner;
}

/*
 * Is Citus installed in this database?  A query on a distributed table
 * cannot be planned with its parameters unbound (Citus needs their
 * values), so hinge's passes keep custom plans where it is.
 */
bool
hinge_citus_present(void)
{
	return OidIsValid(get_extension_oid("citus", true));
}

/*
 * Does this backend run a task of Citus, sent by a coordinator?  Citus
 * names the connections it opens to its workers "citus_internal gpid=..."
 * (its own test of an internal backend reads application_name too).
 */
bool
hinge_in_citus_task(void)
{
	return application_name != NULL &&
		strncmp(application_name, "citus_internal", 14) == 0;
}

/*
 * A model of the extension in namespace was stored (trained, calibrated):
 * plans kept in this transaction that carry models by value (see
 * hinge_planner) depend on hinge_model, so a relcache invalidation of it
 * makes them planned again, and they read the models again.  (Other
 * transactions plan them again anyway.)  Only training and calibration
 * send it: they are rare, and each costs every backend one rebuild of
 * hinge_model's relcache entry.
 */
void
hinge_models_changed(Oid namespace)
{
	Oid			relid = get_relname_relid("hinge_model", namespace);

	if (OidIsValid(relid))
		CacheInvalidateRelcacheByRelid(relid);
}
