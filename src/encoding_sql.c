/*
 * encoding_sql.c
 *		The SQL functions of encodings: hinge_encode(encoding, row), which
 *		training, evaluation and calibration queries call on every row, and
 *		hinge_term_hash(term, hash_bits).
 *
 * hinge_encode reads its encoding once per query: the parsed encoding is
 * kept in fn_extra with the bytes it was read from, and a row whose
 * encoding argument is the same datum (a query parameter or constant) or
 * has the same bytes uses it again.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/typcache.h"

#include "encoding.h"
#include "sparse.h"

typedef struct EncodeCache
{
	Pointer		raw;			/* the encoding argument last read */
	Size		raw_size;
	char	   *bytes;			/* a copy of its bytes, detoasted */
	Size		size;
	HingeEncoding *encoding;
	Oid			row_type;		/* the row type whose columns were checked */
	int32		row_typmod;
	int			n_columns;
	Oid		   *types;			/* base types of the columns */
	Datum	   *values;
	bool	   *isnull;
	HingeEncodedRow row;
} EncodeCache;

/* The parsed encoding of argument 0, from the cache when it is the same */
static EncodeCache *
encode_cache(FunctionCallInfo fcinfo)
{
	EncodeCache *cache = fcinfo->flinfo->fn_extra;
	Pointer		raw = DatumGetPointer(PG_GETARG_DATUM(0));
	Jsonb	   *json;
	MemoryContext old;

	if (cache != NULL && cache->raw == raw && cache->raw_size == VARSIZE_ANY(raw))
		return cache;
	json = PG_GETARG_JSONB_P(0);
	if (cache != NULL && cache->size == VARSIZE(json) &&
		memcmp(cache->bytes, json, cache->size) == 0)
	{
		cache->raw = raw;
		cache->raw_size = VARSIZE_ANY(raw);
		return cache;
	}

	old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	cache = palloc0(sizeof(EncodeCache));
	cache->encoding = hinge_encoding_from_jsonb(json, "(given to hinge_encode)");
	cache->size = VARSIZE(json);
	cache->bytes = palloc(cache->size);
	memcpy(cache->bytes, json, cache->size);
	cache->raw = raw;
	cache->raw_size = VARSIZE_ANY(raw);
	cache->n_columns = hinge_encoding_n_columns(cache->encoding);
	cache->types = palloc(sizeof(Oid) * cache->n_columns);
	cache->values = palloc(sizeof(Datum) * cache->n_columns);
	cache->isnull = palloc(sizeof(bool) * cache->n_columns);
	MemoryContextSwitchTo(old);
	fcinfo->flinfo->fn_extra = cache;
	return cache;
}

/* Checks, once per row type, that its columns are what the encoding reads */
static void
check_row_type(FunctionCallInfo fcinfo, EncodeCache *cache, Oid type, int32 typmod)
{
	TupleDesc	desc = lookup_rowtype_tupdesc(type, typmod);
	Oid			sparse_type = hinge_sparse_type(get_func_namespace(fcinfo->flinfo->fn_oid));
	int			c = 0,
				i;

	if (desc->natts != cache->n_columns)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("the row has %d columns, but the encoding reads %d", desc->natts,
						cache->n_columns),
				 errhint("Pass ROW(...) of the columns the encoding names, in its order.")));
	for (i = 0; i < cache->encoding->n_inputs; i++)
	{
		const HingeInput *input = &cache->encoding->inputs[i];
		int			which;

		for (which = 0; which < (input->kind == HINGE_INPUT_PAIRS ? 2 : 1); which++)
		{
			Oid			column_type = getBaseType(TupleDescAttr(desc, c)->atttypid);

			hinge_check_input_type(input, which, column_type, sparse_type);
			cache->types[c++] = column_type;
		}
	}
	ReleaseTupleDesc(desc);
	cache->row_type = type;
	cache->row_typmod = typmod;
}

/*
 * hinge_encode(encoding jsonb, row record): the row's features as a
 * hinge_sparse of the encoding's dimension
 */
PG_FUNCTION_INFO_V1(hinge_encode);
Datum
hinge_encode(PG_FUNCTION_ARGS)
{
	EncodeCache *cache = encode_cache(fcinfo);
	HeapTupleHeader header = PG_GETARG_HEAPTUPLEHEADER(1);
	Oid			type = HeapTupleHeaderGetTypeId(header);
	int32		typmod = HeapTupleHeaderGetTypMod(header);
	HeapTupleData tuple;
	TupleDesc	desc;
	HingeSparse *result;
	MemoryContext old;
	bool		encoded;

	if (cache->row_type != type || cache->row_typmod != typmod)
		check_row_type(fcinfo, cache, type, typmod);
	desc = lookup_rowtype_tupdesc(type, typmod);
	tuple.t_len = HeapTupleHeaderGetDatumLength(header);
	ItemPointerSetInvalid(&tuple.t_self);
	tuple.t_tableOid = InvalidOid;
	tuple.t_data = header;
	heap_deform_tuple(&tuple, desc, cache->values, cache->isnull);
	ReleaseTupleDesc(desc);

	/* the row buffer lives as long as the cache; it grows rarely */
	old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	encoded = hinge_encode_row(cache->encoding, cache->values, cache->isnull, cache->types,
							   &cache->row);
	MemoryContextSwitchTo(old);
	if (!encoded)
		PG_RETURN_NULL();
	result = hinge_sparse_new(cache->encoding->dimension, cache->row.n);
	memcpy(result->index, cache->row.index, sizeof(int32) * cache->row.n);
	memcpy(hinge_sparse_values(result), cache->row.values, sizeof(float8) * cache->row.n);
	PG_RETURN_POINTER(result);
}

/* hinge_term_hash(term, hash_bits): the 0-based feature of a hashed term */
PG_FUNCTION_INFO_V1(hinge_term_hash);
Datum
hinge_term_hash(PG_FUNCTION_ARGS)
{
	text	   *term = PG_GETARG_TEXT_PP(0);
	int32		bits = PG_GETARG_INT32(1);

	if (bits < 1 || bits > 22)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("hash_bits must be between 1 and 22, not %d", bits),
				 errhint("Terms are hashed into 2^hash_bits features.")));
	PG_RETURN_INT32(hinge_term_hash_of(VARDATA_ANY(term), VARSIZE_ANY_EXHDR(term), bits));
}
