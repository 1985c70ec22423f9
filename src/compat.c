/*
 * compat.c
 *		Functions that differ between PostgreSQL versions (compat.h).
 */
#include "postgres.h"

#include "executor/spi.h"
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

#if PG_VERSION_NUM < 140000
static void
statement_context(void *arg)
{
	errcontext("SQL statement \"%s\"", (const char *) arg);
}
#endif

int
hinge_spi_execute_with_receiver(const char *query, struct ParamListInfoData *params,
								struct _DestReceiver *dest)
{
#if PG_VERSION_NUM >= 140000
	SPIExecuteOptions options;

	memset(&options, 0, sizeof(options));
	options.params = params;
	options.read_only = true;
	options.dest = dest;
	return SPI_execute_extended(query, &options);
#else
	/*
	 * 13 has no SPI call that sends rows to a receiver: a cursor, fetched
	 * in batches, each row handed to dest as the executor would
	 */
	int			n = params != NULL ? params->numParams : 0;
	Oid		   *types = palloc(sizeof(Oid) * Max(n, 1));
	Datum	   *values = palloc(sizeof(Datum) * Max(n, 1));
	char	   *nulls = palloc(sizeof(char) * Max(n, 1));
	Portal		portal;
	ErrorContextCallback context;
	TupleTableSlot *slot = NULL;
	bool		more = true;
	uint64		rows = 0;
	int			i;

	for (i = 0; i < n; i++)
	{
		types[i] = params->params[i].ptype;
		values[i] = params->params[i].value;
		nulls[i] = params->params[i].isnull ? 'n' : ' ';
	}
	portal = SPI_cursor_open_with_args(NULL, query, n, types, values, nulls, true, 0);
	/* errors name the statement, as SPI's own calls do */
	context.callback = statement_context;
	context.arg = (void *) query;
	context.previous = error_context_stack;
	error_context_stack = &context;
	while (more)
	{
		uint64		k;

		CHECK_FOR_INTERRUPTS();
		SPI_cursor_fetch(portal, true, 1000);
		if (slot == NULL)
		{
			slot = MakeSingleTupleTableSlot(SPI_tuptable->tupdesc, &TTSOpsHeapTuple);
			dest->rStartup(dest, CMD_SELECT, SPI_tuptable->tupdesc);
		}
		if (SPI_processed == 0)
			break;
		for (k = 0; k < SPI_processed && more; k++)
		{
			ExecStoreHeapTuple(SPI_tuptable->vals[k], slot, false);
			more = dest->receiveSlot(slot, dest);
			ExecClearTuple(slot);
			rows++;
		}
		SPI_freetuptable(SPI_tuptable);
	}
	error_context_stack = context.previous;
	if (slot != NULL)
	{
		dest->rShutdown(dest);
		ExecDropSingleTupleTableSlot(slot);
	}
	SPI_cursor_close(portal);
	SPI_processed = rows;
	return SPI_OK_SELECT;
#endif
}
