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

#include "access/xact.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "nodes/extensible.h"
#include "nodes/plannodes.h"
#include "utils/guc.h"
#include "utils/plancache.h"

#include "citus.h"
#include "compat.h"

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
 * in the snapshot of the statement that trains, at any level.
 */
void
hinge_check_one_snapshot(const char *query, const char *relation_name,
						 const char *what)
{
	if (IsolationUsesXactSnapshot())
		return;
	if (hinge_query_is_distributed(query))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("%s cannot read %s at READ COMMITTED: its rows are in a Citus distributed table",
						what, relation_name),
				 errdetail("At READ COMMITTED each pass over a distributed table reads the rows committed when it starts, so the passes could read different rows and certify nothing."),
				 errhint("Run it at REPEATABLE READ, where every pass reads one snapshot: BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT %s(...); COMMIT;",
						 what)));
}
