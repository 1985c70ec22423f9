/*
 * state.c
 *		What every hinge aggregate shares: its float8[] state, compensated
 *		sums, and reading the weights once per aggregate rather than per row.
 *
 * States are plain float8[] (not internal), so that PostgreSQL's parallel
 * workers and Citus's workers can ship partial states without serial
 * functions.  The first element is a layout tag, so that a state built by
 * one aggregate, or forged by hand, is refused by another's functions
 * instead of being misread.  An empty float8[] is the initial state: the
 * first row replaces it with a state of the right size, and a combine
 * function treats it as the identity (a parallel worker that saw no rows).
 *
 * Sums are compensated (Neumaier's variant of Kahan summation), so that a
 * million rows agree with an exactly rounded sum to about 1e-15 relative,
 * whatever the order in which workers visit and combine them.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "nodes/primnodes.h"

#include "hinge.h"

/*
 * Is the argument at argno (counting the state as argument 0) a constant of
 * the query?  Then its value cannot change from row to row.
 */
static bool
aggregate_arg_is_constant(FunctionCallInfo fcinfo, int argno)
{
	Aggref	   *aggref = AggGetAggref(fcinfo);
	TargetEntry *tle;

	if (aggref == NULL || argno < 1 || argno > list_length(aggref->args))
		return false;
	tle = list_nth_node(TargetEntry, aggref->args, argno - 1);
	return IsA(tle->expr, Const);
}

/* The cache of the aggregate call, kept in fn_extra for the whole query */
static HingeArgCache *
arg_cache(FunctionCallInfo fcinfo)
{
	HingeArgCache *cache = (HingeArgCache *) fcinfo->flinfo->fn_extra;

	if (cache == NULL)
	{
		cache = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt,
									   sizeof(HingeArgCache));
		fcinfo->flinfo->fn_extra = cache;
	}
	return cache;
}

/*
 * True when the weights argument is known to hold what it held in the row
 * that last validated it against this same state, so that neither needs
 * checking again: the argument is a query constant, or its raw bytes (a
 * TOAST pointer, compressed or plain data) are the same.  Comparing the raw
 * bytes never decompresses anything.
 */
bool
hinge_weights_unchanged(FunctionCallInfo fcinfo, int argno, ArrayType *state)
{
	HingeArgCache *cache = arg_cache(fcinfo);
	Pointer		raw;

	if (!cache->valid || cache->state != state)
		return false;
	if (cache->constant)
		return true;
	raw = DatumGetPointer(PG_GETARG_DATUM(argno));
	return VARSIZE_ANY(raw) == cache->raw_size &&
		memcmp(raw, cache->raw, cache->raw_size) == 0;
}

/* Records that the weights argument was validated against state */
void
hinge_weights_validated(FunctionCallInfo fcinfo, int argno, ArrayType *state)
{
	HingeArgCache *cache = arg_cache(fcinfo);
	Pointer		raw = DatumGetPointer(PG_GETARG_DATUM(argno));
	Size		size = VARSIZE_ANY(raw);

	if (!cache->valid)
		cache->constant = aggregate_arg_is_constant(fcinfo, argno);
	if (!cache->constant)
	{
		if (cache->raw == NULL || cache->raw_capacity < size)
		{
			if (cache->raw != NULL)
				pfree(cache->raw);
			cache->raw = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, size);
			cache->raw_capacity = size;
		}
		memcpy(cache->raw, raw, size);
		cache->raw_size = size;
	}
	cache->state = state;
	cache->valid = true;
}

/* n float8 of working space that lives as long as the query, reused per row */
float8 *
hinge_scratch(FunctionCallInfo fcinfo, int n)
{
	HingeArgCache *cache = arg_cache(fcinfo);

	if (cache->scratch_length < n)
	{
		if (cache->scratch != NULL)
			pfree(cache->scratch);
		cache->scratch = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt,
											sizeof(float8) * (Size) n);
		cache->scratch_length = n;
	}
	return cache->scratch;
}

/*
 * Reads a non-empty state argument, checking that it is a state of this
 * layout (tag) and as long as its header says.  Returns its data, which the
 * caller may update in place only when inside an aggregate.
 */
float8 *
hinge_state_data(ArrayType *state, float8 tag, int header_length,
				 int (*expected_length) (const float8 *header))
{
	float8	   *data;
	int			n = ARR_DIMS(state)[0];

	if (ARR_NDIM(state) != 1 || ARR_HASNULL(state) ||
		ARR_ELEMTYPE(state) != FLOAT8OID || n < header_length)
		hinge_state_corrupt();
	data = (float8 *) ARR_DATA_PTR(state);
	if (data[0] != tag || expected_length(data) != n)
		hinge_state_corrupt();
	return data;
}

void
hinge_state_corrupt(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("invalid hinge aggregate state"),
			 errdetail("The state array does not have the layout of this aggregate."),
			 errhint("Transition, combine and final functions take only states made by the same hinge aggregate.")));
}

/* True for the initial (empty) state */
bool
hinge_state_is_empty(ArrayType *state)
{
	return ARR_NDIM(state) == 0;
}

/*
 * A new state of n float8 elements, zero-filled.  It is allocated in the
 * current (per-row) context: the aggregate machinery copies a state whose
 * pointer changed into its own context once.
 */
ArrayType *
hinge_state_new(int n, float8 **data)
{
	return hinge_new_float8_array(n, data);
}

/*
 * The state to update: in place inside an aggregate (as float8_accum does),
 * a copy when a transition function is called directly from SQL, so that
 * the caller's value is never changed under it.
 */
ArrayType *
hinge_state_for_update(FunctionCallInfo fcinfo, int argno)
{
	if (AggCheckCallContext(fcinfo, NULL))
		return PG_GETARG_ARRAYTYPE_P(argno);
	return PG_GETARG_ARRAYTYPE_P_COPY(argno);
}

/* Adds a compensated sum (sum2, comp2) into (sum, comp) */
void
hinge_compensated_merge(float8 *sum, float8 *comp, const float8 *sum2,
						const float8 *comp2, int n)
{
	int			i;

	for (i = 0; i < n; i++)
	{
		hinge_compensated_add(&sum[i], &comp[i], sum2[i]);
		comp[i] += comp2[i];
	}
}
