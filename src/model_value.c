/*
 * model_value.c
 *		A model passed by value in the place of its name, for the nodes that
 *		have no row of it: the workers of a Citus cluster, which score the
 *		rows of a distributed table while its models live in the
 *		coordinator's hinge_model.
 *
 * hinge_model_value('m') reads model m's row (the columns a model is read
 * from) and returns it as text: a marker, then the row in binary
 * (record_send), in hexadecimal.  Every scoring function that takes a model
 * name takes this text as well (model_cache.c): it reads the model from it,
 * exactly as from the row, since binary floats travel unrounded whatever
 * extra_float_digits says.  The marker starts with "{", which no model name
 * may (model.c): a name is never taken for a value, nor the reverse.
 * citus.c puts hinge_model_value('m') in the place of 'm' in queries on
 * distributed tables, as a subquery the coordinator runs once per statement.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/typcache.h"

#include "model.h"
#include "passes.h"

#define VALUE_MARKER		"{hinge model value}"
#define VALUE_MARKER_LENGTH	(sizeof(VALUE_MARKER) - 1)

/* The columns a model is read from (model.c), in this order, and their types */
static const struct
{
	const char *name;
	Oid			type;
}			value_columns[] =
{
	{"name", TEXTOID},
	{"weights", FLOAT8ARRAYOID},
	{"classes", TEXTARRAYOID},
	{"positive_class", TEXTOID},
	{"n_features", INT4OID},
	{"lambda", FLOAT8OID},
	{"loss", TEXTOID},
	{"gamma", FLOAT8OID},
	{"class_weights", FLOAT8ARRAYOID},
	{"multiclass", TEXTOID},
	{"calibration_a", FLOAT8ARRAYOID},
	{"calibration_b", FLOAT8ARRAYOID},
	{"features", TEXTARRAYOID},
	{"feature_type", TEXTOID},
	{"encoding", JSONBOID},
};

#define N_VALUE_COLUMNS lengthof(value_columns)

/* True when name (length bytes) is a model passed by value */
bool
hinge_is_model_value(const char *name, int length)
{
	return length > (int) VALUE_MARKER_LENGTH &&
		memcmp(name, VALUE_MARKER, VALUE_MARKER_LENGTH) == 0;
}

static const char hex_digits[] = "0123456789abcdef";

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* The error of a value that was not made by hinge_model_value */
static pg_noreturn void
bad_value(const char *why)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid model value: %s", why),
			 errhint("Pass a model name, or what hinge_model_value(name) returns.")));
}

/*
 * hinge_model_value(model_name): model model_name's row as a value that
 * scoring functions take in the place of its name.
 */
PG_FUNCTION_INFO_V1(hinge_model_value);
Datum
hinge_model_value(PG_FUNCTION_ARGS)
{
	char	   *name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	char	   *ext = hinge_extension_schema(fcinfo);
	StringInfoData columns;
	StringInfoData out;
	HeapTuple	row;
	bytea	   *binary;
	const unsigned char *p;
	int			n;
	int			i;
	MemoryContext caller = CurrentMemoryContext;

	initStringInfo(&columns);
	for (i = 0; i < (int) N_VALUE_COLUMNS; i++)
		appendStringInfo(&columns, "%sm.%s", i > 0 ? ", " : "", value_columns[i].name);
	SPI_connect();
	row = hinge_model_row(ext, name, columns.data, false);
	if (row == NULL)
		hinge_model_missing_error(name);
	/* a row type record_send can look up: the columns blessed */
	binary = OidSendFunctionCall(F_RECORD_SEND,
								 heap_copy_tuple_as_datum(row, BlessTupleDesc(CreateTupleDescCopy(SPI_tuptable->tupdesc))));
	p = (const unsigned char *) VARDATA(binary);
	n = VARSIZE(binary) - VARHDRSZ;
	MemoryContextSwitchTo(caller);
	initStringInfo(&out);
	enlargeStringInfo(&out, VALUE_MARKER_LENGTH + 2 * n);
	appendBinaryStringInfo(&out, VALUE_MARKER, VALUE_MARKER_LENGTH);
	for (i = 0; i < n; i++)
	{
		appendStringInfoChar(&out, hex_digits[p[i] >> 4]);
		appendStringInfoChar(&out, hex_digits[p[i] & 15]);
	}
	SPI_finish();
	PG_RETURN_TEXT_P(cstring_to_text_with_len(out.data, out.len));
}

/*
 * The model passed by value in token (length bytes, made by
 * hinge_model_value), read into the current memory context.
 */
HingeModel *
hinge_model_from_value(const char *token, int length)
{
	TupleDesc	desc = CreateTemplateTupleDesc(N_VALUE_COLUMNS);
	StringInfoData buf;
	HeapTupleHeader header;
	HeapTupleData tuple;
	const char *hex = token + VALUE_MARKER_LENGTH;
	int			n = length - VALUE_MARKER_LENGTH;
	int			i;
	bool		isnull;
	Datum		name;

	if (n % 2 != 0)
		bad_value("odd number of hexadecimal digits");
	for (i = 0; i < (int) N_VALUE_COLUMNS; i++)
		TupleDescInitEntry(desc, i + 1, value_columns[i].name, value_columns[i].type, -1, 0);
	desc = BlessTupleDesc(desc);
	initStringInfo(&buf);
	enlargeStringInfo(&buf, n / 2);
	for (i = 0; i < n; i += 2)
	{
		int			hi = hex_value(hex[i]);
		int			lo = hex_value(hex[i + 1]);

		if (hi < 0 || lo < 0)
			bad_value("not hexadecimal");
		buf.data[buf.len++] = (char) (hi << 4 | lo);
	}
	buf.data[buf.len] = '\0';
	/* record_recv checks the number and the types of the columns */
	header = DatumGetHeapTupleHeader(OidReceiveFunctionCall(F_RECORD_RECV, &buf, RECORDOID,
															desc->tdtypmod));
	tuple.t_len = HeapTupleHeaderGetDatumLength(header);
	ItemPointerSetInvalid(&tuple.t_self);
	tuple.t_tableOid = InvalidOid;
	tuple.t_data = header;
	name = heap_getattr(&tuple, 1, desc, &isnull);
	if (isnull)
		bad_value("no name");
	return hinge_model_from_tuple(&tuple, desc, TextDatumGetCString(name));
}
