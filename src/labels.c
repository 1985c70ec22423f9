/*
 * labels.c
 *		Class labels: their canonical text, read back into values of a label
 *		column's type, and the type's equality operator (labels.h).
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_operator.h"
#include "catalog/pg_type.h"
#include "common/shortest_dec.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
#include "utils/typcache.h"

#include "compat.h"
#include "labels.h"

/* Types whose text is the same whatever the session's settings */
static bool
text_is_canonical(Oid type)
{
	Oid			base = getBaseType(type);

	switch (base)
	{
		case TEXTOID:
		case VARCHAROID:
		case BPCHAROID:
		case NAMEOID:
		case CHAROID:
		case INT2OID:
		case INT4OID:
		case INT8OID:
		case BOOLOID:
		case NUMERICOID:
		case OIDOID:
		case UUIDOID:
			return true;
		default:
			return type_is_enum(base);
	}
}

/*
 * Switches to the settings labels are written and read in, until
 * canonical_end; an error in between restores them with the transaction.
 */
static int
canonical_begin(void)
{
	static const char *const settings[][2] = {
		{"datestyle", "ISO, YMD"},
		{"intervalstyle", "postgres"},
		{"timezone", "UTC"},
		{"extra_float_digits", "1"},
		{"bytea_output", "hex"},
		{"lc_monetary", "C"},
	};
	int			nest = NewGUCNestLevel();
	int			i;

	for (i = 0; i < lengthof(settings); i++)
		(void) set_config_option(settings[i][0], settings[i][1], PGC_USERSET,
								 PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
	return nest;
}

static void
canonical_end(int nest)
{
	AtEOXact_GUC(true, nest);
}

/* Resolves how values of the type are read and written, as labels */
void
hinge_label_type_io(HingeLabelType *lt, Oid type)
{
	bool		isvarlena;

	lt->type = type;
	getTypeOutputInfo(type, &lt->output, &isvarlena);
	getTypeInputInfo(type, &lt->input, &lt->ioparam);
	lt->canonical = text_is_canonical(type);
}

/*
 * Resolves what a label column of this type needs: an equality operator
 * and an ordering (the classes are numbered in the type's order).
 */
void
hinge_label_type_init(HingeLabelType *lt, Oid type, const char *column)
{
	TypeCacheEntry *typentry = lookup_type_cache(type, TYPECACHE_EQ_OPR | TYPECACHE_LT_OPR);
	HeapTuple	tuple;
	Form_pg_operator operator;

	if (!OidIsValid(typentry->eq_opr) || !OidIsValid(typentry->lt_opr))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_FUNCTION),
				 errmsg("label column \"%s\" is of type %s, which has no default ordering",
						column, format_type_be(type)),
				 errdetail("The classes of a model are the label's distinct values, in the type's order."),
				 errhint("Use a label of a type with a default b-tree operator class (text, varchar, integers, numeric, boolean, dates and times, enums, uuid), or cast it in a view, for example label::text.")));
	tuple = SearchSysCache1(OPEROID, ObjectIdGetDatum(typentry->eq_opr));
	if (!HeapTupleIsValid(tuple))
		elog(ERROR, "cache lookup failed for operator %u", typentry->eq_opr);
	operator = (Form_pg_operator) GETSTRUCT(tuple);
	lt->equals = psprintf("OPERATOR(%s.%s)",
						  quote_identifier(get_namespace_name(operator->oprnamespace)),
						  NameStr(operator->oprname));
	ReleaseSysCache(tuple);

	hinge_label_type_io(lt, type);
	lt->array_type = get_array_type(type);
	if (!OidIsValid(lt->array_type))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("label column \"%s\" is of type %s, which has no array type",
						column, format_type_be(type)),
				 errhint("Cast the label to a built-in type in a view, for example label::text.")));
}

/* The canonical texts of n values of the label type */
void
hinge_label_texts(HingeLabelType *lt, const Datum *values, int n, char **texts)
{
	int			nest = lt->canonical ? -1 : canonical_begin();
	int			i;

	for (i = 0; i < n; i++)
		texts[i] = OidOutputFunctionCall(lt->output, values[i]);
	if (nest >= 0)
		canonical_end(nest);
}

/*
 * The values of n canonical texts; false when one of them is not a value
 * of the type (values[i] of the others are set).
 */
bool
hinge_label_values(HingeLabelType *lt, char *const *texts, int n, Datum *values)
{
	int			nest = lt->canonical ? -1 : canonical_begin();
	bool		ok = true;
	int			i;

	for (i = 0; i < n && ok; i++)
		ok = hinge_input_safe(lt->input, texts[i], lt->ioparam, &values[i]);
	if (nest >= 0)
		canonical_end(nest);
	return ok;
}

/* The canonical text of one value of any type */
char *
hinge_label_text_of(Oid type, Datum value)
{
	Oid			output;
	bool		isvarlena;
	Oid			base = getBaseType(type);
	int			nest;
	char	   *text;

	/*
	 * float4 and float8 print, with extra_float_digits 1, the shortest text
	 * that reads back exactly (float4out, float8out): that text, without
	 * switching the settings, which a trigger would do for every row
	 */
	if (base == FLOAT8OID || base == FLOAT4OID)
	{
		text = palloc(32);
		if (base == FLOAT8OID)
			double_to_shortest_decimal_buf(DatumGetFloat8(value), text);
		else
			float_to_shortest_decimal_buf(DatumGetFloat4(value), text);
		return text;
	}
	nest = text_is_canonical(type) ? -1 : canonical_begin();

	getTypeOutputInfo(type, &output, &isvarlena);
	text = OidOutputFunctionCall(output, value);
	if (nest >= 0)
		canonical_end(nest);
	return text;
}

/* hinge_class_text(label anyelement): a label's canonical text */
PG_FUNCTION_INFO_V1(hinge_class_text);
Datum
hinge_class_text(PG_FUNCTION_ARGS)
{
	Oid			type = get_fn_expr_argtype(fcinfo->flinfo, 0);

	PG_RETURN_TEXT_P(cstring_to_text(hinge_label_text_of(type, PG_GETARG_DATUM(0))));
}
