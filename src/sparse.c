/*
 * sparse.c
 *		The hinge_sparse type (sparse.h): input and output, binary I/O,
 *		construction from index and value arrays, and conversion to and from
 *		dense arrays.
 *
 * Every way of making a hinge_sparse checks what the kernels rely on:
 * positions ascending and within the dimension, values finite and not zero
 * (zeros are dropped, so two equal vectors store the same pairs).
 */
#include "postgres.h"

#include <math.h>

#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "libpq/pqformat.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

#include "finite.h"
#include "sparse.h"
#include "validate.h"
#include "vector.h"

#define FORM_HINT "A hinge_sparse reads as {position:value,...}/dimension with 1-based positions in ascending order, such as '{1:0.5,7:2}/10'."

/* A new hinge_sparse of nnz stored elements, to be filled in */
HingeSparse *
hinge_sparse_new(int dim, int nnz)
{
	Size		size = HINGE_SPARSE_SIZE(nnz);
	HingeSparse *s = (HingeSparse *) palloc0(size);

	SET_VARSIZE(s, size);
	s->magic = HINGE_SPARSE_MAGIC;
	s->dim = dim;
	s->nnz = nnz;
	return s;
}

static void
check_dimension(int64 dim)
{
	if (dim < 1 || dim > HINGE_MAX_ELEMENTS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("hinge_sparse dimension must be between 1 and %d, not %lld",
						HINGE_MAX_ELEMENTS, (long long) dim),
				 errhint("The dimension is the number of features, at least the largest position.")));
}

/* Checks the position (1-based) of the k-th pair, after previous */
static void
check_position(int64 position, int64 previous, int dim, int k)
{
	if (position < 1 || position > dim)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("hinge_sparse position %lld is out of range 1 .. %d",
						(long long) position, dim),
				 errdetail("Pair %d has it.", k + 1),
				 errhint("Positions are 1-based and at most the dimension.")));
	if (position <= previous)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("hinge_sparse positions must be ascending and distinct: %lld follows %lld",
						(long long) position, (long long) previous),
				 errdetail("Pair %d has it.", k + 1),
				 errhint("Sort the pairs by position and add up repeated positions first.")));
}

static void
check_value(float8 value, int64 position)
{
	if (!isfinite(value))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("hinge_sparse value at position %lld must be a finite number, not %s",
						(long long) position, hinge_number_text(value)),
				 errhint("hinge accepts finite numbers only: replace or filter out NaN and Infinity before calling.")));
}

/*
 * Pair k of s: its 1-based position (after pair k - 1's, within the
 * dimension) and its finite value, checked and set
 */
static void
set_pair(HingeSparse *s, int k, int64 position, float8 value)
{
	check_position(position, k > 0 ? s->index[k - 1] + 1 : 0, s->dim, k);
	check_value(value, position);
	s->index[k] = (int32) position - 1;
	hinge_sparse_values(s)[k] = value;
}

/* Drops the zero values of s, in place */
static HingeSparse *
drop_zeros(HingeSparse *s)
{
	float8	   *values = hinge_sparse_values(s);
	HingeSparse *out;
	float8	   *out_values;
	int			nnz = 0,
				k;

	for (k = 0; k < s->nnz; k++)
		nnz += values[k] != 0.0;
	if (nnz == s->nnz)
		return s;
	out = hinge_sparse_new(s->dim, nnz);
	out_values = hinge_sparse_values(out);
	nnz = 0;
	for (k = 0; k < s->nnz; k++)
		if (values[k] != 0.0)
		{
			out->index[nnz] = s->index[k];
			out_values[nnz++] = values[k];
		}
	return out;
}

/*
 * A hinge_sparse whose header has been checked, for the functions that read
 * one: its pairs were checked when it was made, and the header says how
 * many there are.
 */
HingeSparse *
hinge_sparse_checked(HingeSparse *s, const char *what)
{
	if (s->dim < 1 || s->dim > HINGE_MAX_ELEMENTS || s->nnz < 0 || s->nnz > s->dim ||
		VARSIZE(s) != HINGE_SPARSE_SIZE(s->nnz))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("%s is not a valid hinge_sparse", what)));
	return s;
}

static void
skip_spaces(char **p)
{
	while (isspace((unsigned char) **p))
		(*p)++;
}

pg_noreturn static void
syntax_error(const char *input)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type hinge_sparse: \"%s\"", input),
			 errhint(FORM_HINT)));
}

static int64
read_integer(char **p, const char *input)
{
	char	   *end;
	long long	value;

	errno = 0;
	value = strtoll(*p, &end, 10);
	if (end == *p)
		syntax_error(input);
	if (errno == ERANGE || value > PG_INT32_MAX || value < PG_INT32_MIN)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("hinge_sparse position or dimension \"%.*s\" is out of range",
						(int) (end - *p), *p),
				 errhint(FORM_HINT)));
	*p = end;
	return value;
}

static float8
read_number(char **p, const char *input)
{
	char	   *end;
	float8		value;

	errno = 0;
	value = strtod(*p, &end);
	if (end == *p)
		syntax_error(input);
	/* an underflow gives a denormal or 0, kept as strtod gives it */
	if (errno == ERANGE && isinf(value))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("hinge_sparse value \"%.*s\" is out of range for double precision",
						(int) (end - *p), *p),
				 errhint(FORM_HINT)));
	*p = end;
	return value;
}

/* {1:0.5,7:2}/10 */
PG_FUNCTION_INFO_V1(hinge_sparse_in);
Datum
hinge_sparse_in(PG_FUNCTION_ARGS)
{
	char	   *input = PG_GETARG_CSTRING(0);
	char	   *p = input;
	int			capacity = 16;
	int			nnz = 0;
	int32	   *positions = palloc(sizeof(int32) * capacity);
	float8	   *values = palloc(sizeof(float8) * capacity);
	int64		dim;
	HingeSparse *s;
	int			k;

	skip_spaces(&p);
	if (*p++ != '{')
		syntax_error(input);
	skip_spaces(&p);
	if (*p == '}')
		p++;
	else
		for (;;)
		{
			int64		position;

			skip_spaces(&p);
			position = read_integer(&p, input);
			skip_spaces(&p);
			if (*p++ != ':')
				syntax_error(input);
			skip_spaces(&p);
			if (nnz == HINGE_MAX_ELEMENTS)
				ereport(ERROR,
						(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
						 errmsg("hinge_sparse has more than %d pairs", HINGE_MAX_ELEMENTS),
						 errhint("A hinge_sparse has at most one pair per position, and at most %d positions.",
								 HINGE_MAX_ELEMENTS)));
			if (nnz == capacity)
			{
				capacity = Min(2 * capacity, HINGE_MAX_ELEMENTS);
				positions = repalloc(positions, sizeof(int32) * capacity);
				values = repalloc(values, sizeof(float8) * capacity);
			}
			positions[nnz] = (int32) position;
			values[nnz] = read_number(&p, input);
			/* the position is checked once the dimension is known */
			check_value(values[nnz], position);
			nnz++;
			skip_spaces(&p);
			if (*p == ',')
			{
				p++;
				continue;
			}
			if (*p++ != '}')
				syntax_error(input);
			break;
		}
	skip_spaces(&p);
	if (*p++ != '/')
		syntax_error(input);
	skip_spaces(&p);
	dim = read_integer(&p, input);
	skip_spaces(&p);
	if (*p != '\0')
		syntax_error(input);
	check_dimension(dim);

	s = hinge_sparse_new((int) dim, nnz);
	for (k = 0; k < nnz; k++)
		set_pair(s, k, positions[k], values[k]);
	PG_RETURN_POINTER(drop_zeros(s));
}

PG_FUNCTION_INFO_V1(hinge_sparse_out);
Datum
hinge_sparse_out(PG_FUNCTION_ARGS)
{
	HingeSparse *s = hinge_sparse_checked((HingeSparse *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0)),
										  "hinge_sparse");
	float8	   *values = hinge_sparse_values(s);
	StringInfoData out;
	int			k;

	initStringInfo(&out);
	appendStringInfoChar(&out, '{');
	for (k = 0; k < s->nnz; k++)
		appendStringInfo(&out, "%s%d:%s", k > 0 ? "," : "", s->index[k] + 1,
						 float8out_internal(values[k]));
	appendStringInfo(&out, "}/%d", s->dim);
	PG_RETURN_CSTRING(out.data);
}

/* Binary: dim, nnz, then nnz (1-based position, value) pairs */
PG_FUNCTION_INFO_V1(hinge_sparse_recv);
Datum
hinge_sparse_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int32		dim = pq_getmsgint(buf, 4);
	int32		nnz = pq_getmsgint(buf, 4);
	HingeSparse *s;
	int			k;

	check_dimension(dim);
	if (nnz < 0 || nnz > dim)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("hinge_sparse has %d pairs for dimension %d", nnz, dim),
				 errhint("The binary form is the dimension, the number of pairs (0 to the dimension), then the pairs.")));
	/* each pair takes 12 bytes: a short message allocates nothing large */
	if ((int64) nnz * 12 > buf->len - buf->cursor)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg_plural("hinge_sparse of %d pair needs %lld more bytes of binary data, not %d",
							   "hinge_sparse of %d pairs needs %lld more bytes of binary data, not %d",
							   nnz, nnz, (long long) nnz * 12, buf->len - buf->cursor),
				 errhint("Each pair takes 12 bytes: its position (int4) and its value (float8).")));
	s = hinge_sparse_new(dim, nnz);
	for (k = 0; k < nnz; k++)
	{
		int32		position = pq_getmsgint(buf, 4);
		float8		value = pq_getmsgfloat8(buf);

		set_pair(s, k, position, value);
	}
	PG_RETURN_POINTER(drop_zeros(s));
}

PG_FUNCTION_INFO_V1(hinge_sparse_send);
Datum
hinge_sparse_send(PG_FUNCTION_ARGS)
{
	HingeSparse *s = hinge_sparse_checked((HingeSparse *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0)),
										  "hinge_sparse");
	float8	   *values = hinge_sparse_values(s);
	StringInfoData buf;
	int			k;

	pq_begintypsend(&buf);
	pq_sendint32(&buf, s->dim);
	pq_sendint32(&buf, s->nnz);
	for (k = 0; k < s->nnz; k++)
	{
		pq_sendint32(&buf, s->index[k] + 1);
		pq_sendfloat8(&buf, values[k]);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/*
 * hinge_sparse(positions int4[], values float8[] or real[], dim int4): the
 * libsvm form, a row's 1-based positions and their values side by side.
 */
PG_FUNCTION_INFO_V1(hinge_sparse_from_pairs);
Datum
hinge_sparse_from_pairs(PG_FUNCTION_ARGS)
{
	ArrayType  *positions = PG_GETARG_ARRAYTYPE_P(0);
	ArrayType  *values_array = PG_GETARG_ARRAYTYPE_P(1);
	int32		dim = PG_GETARG_INT32(2);
	int			n = ARR_NDIM(positions) == 0 ? 0 : ArrayGetNItems(ARR_NDIM(positions), ARR_DIMS(positions));
	int			n_values = ARR_NDIM(values_array) == 0 ? 0 :
		ArrayGetNItems(ARR_NDIM(values_array), ARR_DIMS(values_array));
	HingeVector values;
	HingeSparse *s;
	int			k;

	check_dimension(dim);
	if (ARR_NDIM(positions) > 1 || ARR_NDIM(values_array) > 1)
		hinge_argument_error("positions and values must be one-dimensional arrays",
							 "Pass one row's positions and values, such as hinge_sparse(ARRAY[1, 7], ARRAY[0.5, 2], 10).");
	if (n != n_values)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("positions has %d elements but values has %d", n, n_values),
				 errhint("Each position needs its value: the two arrays go side by side.")));
	if (ARR_HASNULL(positions) && array_contains_nulls(positions))
		hinge_argument_error("positions must not contain NULL elements",
							 "Filter out the pairs whose position is NULL.");
	s = hinge_sparse_new(dim, n);
	if (n == 0)
		PG_RETURN_POINTER(s);
	values = hinge_vector_arg(values_array, "values");
	for (k = 0; k < n; k++)
		set_pair(s, k, ((int32 *) ARR_DATA_PTR(positions))[k], hinge_vector_get(values, k));
	PG_RETURN_POINTER(drop_zeros(s));
}

/* The cast from float8[] or real[]: the non-zero elements */
PG_FUNCTION_INFO_V1(hinge_sparse_from_dense);
Datum
hinge_sparse_from_dense(PG_FUNCTION_ARGS)
{
	HingeVector x = hinge_vector_arg(PG_GETARG_ARRAYTYPE_P(0), "array");
	HingeSparse *s;
	float8	   *values;
	int			nnz = 0,
				i;

	if (x.kind == HINGE_SPARSE)
		PG_RETURN_POINTER(PG_GETARG_POINTER(0));
	for (i = 0; i < x.n; i++)
	{
		check_value(hinge_vector_get(x, i), i + 1);
		nnz += hinge_vector_get(x, i) != 0.0;
	}
	s = hinge_sparse_new(x.n, nnz);
	values = hinge_sparse_values(s);
	nnz = 0;
	for (i = 0; i < x.n; i++)
		if (hinge_vector_get(x, i) != 0.0)
		{
			s->index[nnz] = i;
			values[nnz++] = hinge_vector_get(x, i);
		}
	PG_RETURN_POINTER(s);
}

/* The cast to float8[]: every element, zeros included */
PG_FUNCTION_INFO_V1(hinge_sparse_to_dense);
Datum
hinge_sparse_to_dense(PG_FUNCTION_ARGS)
{
	HingeSparse *s = hinge_sparse_checked((HingeSparse *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0)),
										  "hinge_sparse");
	float8	   *values = hinge_sparse_values(s);
	float8	   *data;
	ArrayType  *result = hinge_new_float8_array(s->dim, &data);
	int			k;

	for (k = 0; k < s->nnz; k++)
		data[s->index[k]] = values[k];
	PG_RETURN_ARRAYTYPE_P(result);
}

PG_FUNCTION_INFO_V1(hinge_sparse_dimension);
Datum
hinge_sparse_dimension(PG_FUNCTION_ARGS)
{
	HingeSparse *s = hinge_sparse_checked((HingeSparse *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0)),
										  "hinge_sparse");

	PG_RETURN_INT32(s->dim);
}

PG_FUNCTION_INFO_V1(hinge_sparse_nnz);
Datum
hinge_sparse_nnz(PG_FUNCTION_ARGS)
{
	HingeSparse *s = hinge_sparse_checked((HingeSparse *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0)),
										  "hinge_sparse");

	PG_RETURN_INT32(s->nnz);
}

/* The OID of hinge_sparse in namespace, the extension's schema */
Oid
hinge_sparse_type(Oid namespace)
{
	return GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid, CStringGetDatum("hinge_sparse"),
						   ObjectIdGetDatum(namespace));
}

/*
 * Whether a column of type holds features: float8[], real[] or the
 * hinge_sparse of the extension in namespace
 */
bool
hinge_is_features_type(Oid type, Oid namespace)
{
	return type == FLOAT8ARRAYOID || type == FLOAT4ARRAYOID ||
		(OidIsValid(type) && type == hinge_sparse_type(namespace));
}

/* The name of a features type, as the model row records it */
const char *
hinge_features_type_name(Oid type)
{
	return type == FLOAT8ARRAYOID ? "double precision[]" :
		type == FLOAT4ARRAYOID ? "real[]" : "hinge_sparse";
}
