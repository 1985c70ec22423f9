/*
 * compat.c
 *		Functions that differ between PostgreSQL versions (compat.h).
 */
#include "postgres.h"

#include "funcapi.h"
#include "miscadmin.h"
#if PG_VERSION_NUM >= 160000
#include "nodes/miscnodes.h"
#endif
#include "utils/tuplestore.h"

#include "compat.h"

/* Makes fcinfo return its rows in a tuplestore of its declared row type */
void
hinge_init_materialized_srf(FunctionCallInfo fcinfo)
{
#if PG_VERSION_NUM >= 160000
	InitMaterializedSRF(fcinfo, 0);
#elif PG_VERSION_NUM >= 150000
	SetSingleFuncCall(fcinfo, 0);
#else
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	TupleDesc	tupdesc;
	MemoryContext old;

	if (rsinfo == NULL || !IsA(rsinfo, ReturnSetInfo) ||
		!(rsinfo->allowedModes & SFRM_Materialize))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("set-valued function called in context that cannot accept a set")));
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	old = MemoryContextSwitchTo(rsinfo->econtext->ecxt_per_query_memory);
	rsinfo->returnMode = SFRM_Materialize;
	rsinfo->setResult = tuplestore_begin_heap(true, false, work_mem);
	rsinfo->setDesc = CreateTupleDescCopy(tupdesc);
	MemoryContextSwitchTo(old);
#endif
}

/*
 * Reads text with a type's input function: false, and no error, when the
 * text is not a value of the type.
 */
bool
hinge_input_safe(Oid input, char *text, Oid ioparam, Datum *value)
{
#if PG_VERSION_NUM >= 160000
	ErrorSaveContext escontext = {T_ErrorSaveContext};
	FmgrInfo	flinfo;

	fmgr_info(input, &flinfo);
	return InputFunctionCallSafe(&flinfo, text, ioparam, -1,
								 (Node *) &escontext, value);
#else
	MemoryContext context = CurrentMemoryContext;
	volatile bool ok = true;

	/* the input functions of the types hinge reads leave nothing behind */
	PG_TRY();
	{
		*value = OidInputFunctionCall(input, text, ioparam, -1);
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(context);
		FlushErrorState();
		ok = false;
	}
	PG_END_TRY();
	return ok;
#endif
}

void
hinge_snapshot_mark_init(HingeSnapshotMark *mark)
{
	memset(mark, 0, sizeof(*mark));
}

/* Keeps what snapshot sees in mark; before 14, with a copy in context */
void
hinge_snapshot_mark(HingeSnapshotMark *mark, Snapshot snapshot, MemoryContext context)
{
	mark->xmin = snapshot->xmin;
	mark->xmax = snapshot->xmax;
	mark->curcid = snapshot->curcid;
#if PG_VERSION_NUM >= 140000
	mark->completions = snapshot->snapXactCompletionCount;
#else
	hinge_snapshot_mark_free(mark);
	mark->xcnt = snapshot->xcnt;
	mark->xip = MemoryContextAlloc(context, sizeof(TransactionId) * (snapshot->xcnt + 1));
	memcpy(mark->xip, snapshot->xip, sizeof(TransactionId) * snapshot->xcnt);
#endif
}

/* Does snapshot see what the snapshot kept in mark saw? */
bool
hinge_snapshot_same(const HingeSnapshotMark *mark, Snapshot snapshot)
{
	if (mark->xmin != snapshot->xmin || mark->xmax != snapshot->xmax ||
		mark->curcid != snapshot->curcid)
		return false;
#if PG_VERSION_NUM >= 140000
	return snapshot->snapXactCompletionCount != 0 &&
		mark->completions == snapshot->snapXactCompletionCount;
#else
	return !snapshot->suboverflowed && snapshot->subxcnt == 0 &&
		mark->xip != NULL && mark->xcnt == snapshot->xcnt &&
		memcmp(mark->xip, snapshot->xip, sizeof(TransactionId) * snapshot->xcnt) == 0;
#endif
}

void
hinge_snapshot_mark_free(HingeSnapshotMark *mark)
{
#if PG_VERSION_NUM < 140000
	if (mark->xip != NULL)
		pfree(mark->xip);
	mark->xip = NULL;
#endif
}
