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
 * Sums are compensated (each addition's exact rounding error, from Knuth's
 * TwoSum, kept beside the sum: kernels.h), so that a million rows agree
 * with an exactly rounded sum to about 1e-15 relative, whatever the order
 * in which workers visit and combine them.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_aggregate.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "nodes/primnodes.h"
#include "utils/builtins.h"
#include "utils/syscache.h"

#include "state.h"

/*
 * The per-query cache of an aggregate call, kept in fn_extra: what the
 * weights argument held when it was last validated against the state.
 */
typedef struct HingeArgCache
{
	bool		valid;			/* validated at least once */
	bool		constant;		/* the weights are a constant of the query */
	ArrayType  *state;			/* state they were last checked against */
	Size		raw_size;		/* raw (possibly TOASTed) bytes last seen, */
	Size		raw_capacity;	/* or 0 when they cannot be compared */
	char	   *raw;
	float8	   *scratch;		/* per-row working space, reused */
	int			scratch_length;
	int			name_argno;		/* the name argument last parsed, or 0 */
	int			name_code;		/* what it named */
	int			name_length;	/* its bytes, without the varlena header */
	char		name[NAMEDATALEN];
	ArrayType  *seen_state;		/* the state last validated, or NULL */
	int			seen_length;	/* its number of elements */
	int			seen_identity_length;
	float8		seen_identity[HINGE_STATE_IDENTITY_MAX];
} HingeArgCache;

/*
 * Is the argument at argno (counting the state as argument 0) a constant of
 * the query, or a parameter the query was given (PARAM_EXTERN: $1 of a
 * prepared statement, of SPI_execute_plan as hinge_train's passes send
 * the weights, or a PL/pgSQL variable)?  Then its value cannot change from
 * row to row of a group: rows of one group are all read before a caller
 * (a PL/pgSQL loop that might change the variable) sees any result, and
 * each group's first row makes a new state, validated afresh.  (Window
 * aggregates, whose results come out row by row, have no Aggref here.)
 * Without this, a parameter's raw bytes would be compared at every row: the
 * whole weight vector, O(features) a row even for sparse rows.  The Aggref
 * must be that of an aggregate whose transition function this is: another
 * aggregate may call it (Citus's worker_partial_agg does), and then the
 * Aggref's arguments are not this function's.
 */
static bool
aggregate_arg_is_constant(FunctionCallInfo fcinfo, int argno)
{
	Aggref	   *aggref = AggGetAggref(fcinfo);
	HeapTuple	tuple;
	bool		ours;
	TargetEntry *tle;

	if (aggref == NULL || argno < 1 || argno > list_length(aggref->args))
		return false;
	tuple = SearchSysCache1(AGGFNOID, ObjectIdGetDatum(aggref->aggfnoid));
	if (!HeapTupleIsValid(tuple))
		return false;
	ours = ((Form_pg_aggregate) GETSTRUCT(tuple))->aggtransfn == fcinfo->flinfo->fn_oid;
	ReleaseSysCache(tuple);
	if (!ours)
		return false;
	tle = list_nth_node(TargetEntry, aggref->args, argno - 1);
	return IsA(tle->expr, Const) ||
		(IsA(tle->expr, Param) && ((Param *) tle->expr)->paramkind == PARAM_EXTERN);
}

/*
 * Raw bytes say what a value is unless they only point at it: an expanded
 * object lives in memory that another row's value may reuse.
 */
static bool
raw_bytes_comparable(Pointer raw)
{
	return !VARATT_IS_EXTERNAL_EXPANDED(raw);
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
 * Does the weights argument hold, byte for byte, the weights the state was
 * made with: held, an array of ndim dimensions dims?  Those were validated
 * when the state was made, so equal bytes need no check.  Only a plain
 * array in memory is compared (no TOAST pointer, compressed or short value,
 * no expanded object): anything else answers false, and the caller checks
 * the value in full.  It costs a comparison of the weights, allocates
 * nothing and needs nothing kept from an earlier row: under Citus's
 * worker_partial_agg, which calls the transition function through a fresh
 * FmgrInfo per row, fn_extra never survives from one row to the next, and
 * the weights arrive in a row value built per row, at a new address.
 */
static bool
weights_held_by_state(Pointer raw, const float8 *held, int ndim, const int *dims)
{
	ArrayType  *a = (ArrayType *) raw;
	int			n = 1;
	int			i;

	if (VARATT_IS_EXTENDED(raw) || ARR_NDIM(a) != ndim || ARR_HASNULL(a) ||
		ARR_ELEMTYPE(a) != FLOAT8OID)
		return false;
	for (i = 0; i < ndim; i++)
	{
		if (ARR_DIMS(a)[i] != dims[i])
			return false;
		n *= dims[i];
	}
	return VARSIZE(a) == ARR_OVERHEAD_NONULLS(ndim) + sizeof(float8) * (Size) n &&
		memcmp(ARR_DATA_PTR(a), held, sizeof(float8) * (Size) n) == 0;
}

/*
 * True when the weights argument is known to hold the weights of state
 * (held: ndim dimensions dims), so that neither needs checking again: the
 * argument is a query constant, or its raw bytes (a TOAST pointer,
 * compressed or plain data) are those of the row that last validated it
 * against this same state (both kept in fn_extra), or it is a plain array
 * of the very weights the state holds (in an aggregate; held NULL: not
 * compared).  Nothing is
 * decompressed, and when fn_extra holds nothing (a first row, or a caller
 * that does not keep it) nothing is allocated.
 */
bool
hinge_weights_unchanged(FunctionCallInfo fcinfo, int argno, ArrayType *state,
						const float8 *held, int ndim, const int *dims)
{
	HingeArgCache *cache = (HingeArgCache *) fcinfo->flinfo->fn_extra;
	Pointer		raw = DatumGetPointer(PG_GETARG_DATUM(argno));

	if (cache != NULL && cache->valid && cache->state == state)
	{
		if (cache->constant)
			return true;
		if (cache->raw_size > 0 && raw_bytes_comparable(raw) &&
			VARSIZE_ANY(raw) == cache->raw_size &&
			memcmp(raw, cache->raw, cache->raw_size) == 0)
			return true;
	}
	/*
	 * Only inside an aggregate: its state was made from a first row whose
	 * weights were validated.  A state passed by hand to a transition
	 * function called from SQL may hold anything.
	 */
	if (held != NULL && AggCheckCallContext(fcinfo, NULL) &&
		weights_held_by_state(raw, held, ndim, dims))
	{
		/*
		 * Recorded against this state where the call keeps its cache: the
		 * aggregate copies the first row's new state into its own memory,
		 * so the state validated then is not this one, and without this
		 * every later row compared all the weights (2 MB a row for 2^18
		 * features).  A caller with a fresh fn_extra per row (Citus's
		 * worker_partial_agg) gets nothing allocated.
		 */
		if (cache != NULL && cache->valid)
			hinge_weights_validated(fcinfo, argno, state);
		return true;
	}
	return false;
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
	cache->raw_size = 0;
	if (!cache->constant && raw_bytes_comparable(raw))
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
 * The code of a name passed as text (a loss, a multiclass variant), parsed
 * by by_name, which errors out on an unknown name.  The solver's aggregates
 * take it in every row; the last name's bytes and code are kept where the
 * call keeps fn_extra, so that a row naming the same one is not parsed
 * again (text_to_cstring's copy and the string comparisons cost as much as
 * a short row's dot product).
 */
int
hinge_name_arg(FunctionCallInfo fcinfo, int argno, int (*by_name) (const char *name))
{
	HingeArgCache *cache = (HingeArgCache *) fcinfo->flinfo->fn_extra;
	text	   *t = PG_GETARG_TEXT_PP(argno);
	int			length = VARSIZE_ANY_EXHDR(t);
	int			code;

	if (cache != NULL && cache->name_argno == argno && cache->name_length == length &&
		memcmp(cache->name, VARDATA_ANY(t), length) == 0)
		return cache->name_code;
	code = by_name(text_to_cstring(t));
	if (cache != NULL && length <= NAMEDATALEN)
	{
		memcpy(cache->name, VARDATA_ANY(t), length);
		cache->name_length = length;
		cache->name_code = code;
		cache->name_argno = argno;
	}
	return code;
}

/*
 * The data of a state that this call validated at an earlier row and finds
 * again, or NULL.  Inside an aggregate, a state's next row gets the very
 * array its last row returned; when the argument is at that address, as
 * long as it was then, with the same identity (its first identity_length
 * elements: the layout tag, the sizes and the parameters that fix its
 * layout), it is that state, and its header needs no check again.  The
 * identity is compared too because another array could come to lie at the
 * same address: a user's aggregate over this transition function may
 * start each group from an initial state of its own.
 */
float8 *
hinge_state_seen(FunctionCallInfo fcinfo, ArrayType *state)
{
	HingeArgCache *cache = (HingeArgCache *) fcinfo->flinfo->fn_extra;
	float8	   *data;

	if (cache == NULL || cache->seen_state != state || !AggCheckCallContext(fcinfo, NULL) ||
		ARR_NDIM(state) != 1 || ARR_HASNULL(state) || ARR_ELEMTYPE(state) != FLOAT8OID ||
		ARR_DIMS(state)[0] != cache->seen_length)
		return NULL;
	data = (float8 *) ARR_DATA_PTR(state);
	if (memcmp(data, cache->seen_identity, sizeof(float8) * cache->seen_identity_length) != 0)
		return NULL;
	return data;
}

/*
 * Records a state whose data has been validated (see hinge_state_seen),
 * where the call keeps fn_extra; identity_length is at most
 * HINGE_STATE_IDENTITY_MAX.
 */
void
hinge_state_validated(FunctionCallInfo fcinfo, ArrayType *state, int identity_length)
{
	HingeArgCache *cache = (HingeArgCache *) fcinfo->flinfo->fn_extra;

	Assert(identity_length <= HINGE_STATE_IDENTITY_MAX);
	if (cache == NULL || !AggCheckCallContext(fcinfo, NULL))
		return;
	cache->seen_state = state;
	cache->seen_length = ARR_DIMS(state)[0];
	cache->seen_identity_length = identity_length;
	memcpy(cache->seen_identity, ARR_DATA_PTR(state), sizeof(float8) * identity_length);
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
 * pointer changed into its own context once.  A state must fit one
 * allocation (1 GB); what makes it larger is the caller's weights and
 * classes, so the error names them.
 */
ArrayType *
hinge_state_new(int64 n, float8 **data)
{
	if (n > HINGE_MAX_STATE)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("a hinge aggregate state of %lld numbers is too large", (long long) n),
				 errdetail("The state holds the weights and sums for every class (and, for a line search, every point of the line); it may hold at most %lld numbers.",
						   (long long) HINGE_MAX_STATE),
				 errhint("Use fewer classes or fewer features.")));
	return hinge_new_float8_array((int) n, data);
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

void
hinge_weights_differ_error(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("weights must be the same in every row of a hinge aggregate"),
			 errhint("Pass the weights as a constant or a one-row subquery; to evaluate several weight vectors, GROUP BY the one they come from.")));
}

void
hinge_params_differ_error(const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s must be the same in every row of a hinge aggregate", what),
			 errhint("Pass the parameters as constants; for several settings, GROUP BY them or call the aggregate once per setting.")));
}

/* A combine function given the states of two different calls */
void
hinge_states_differ_error(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("cannot combine hinge aggregate states made with different weights or parameters"),
			 errhint("Combine only states of one aggregate call, made with the same weights and parameters.")));
}
