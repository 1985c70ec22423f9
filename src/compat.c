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
	return SPI_execute_with_receiver(query, params, true, 0, dest);
#endif
}
