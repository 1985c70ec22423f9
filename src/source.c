/*
 * source.c
 *		The rows a model is trained or evaluated on: a relation, a feature
 *		column (float8[] or real[]) or a list of numeric columns, and a label
 *		column with two values, turned into SQL.
 *
 * Names are looked up in the catalog and quoted, never pasted: a name that
 * is not a column of the relation is an error before any SQL is built.
 * Everything the SQL refers to is schema-qualified, operators included, so
 * the caller's search_path cannot change what it means.
 */
#include "postgres.h"

#include <limits.h>

#include "access/htup_details.h"
#include "catalog/pg_operator.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
#include "utils/typcache.h"

#include "hinge.h"

/* The extension's schema, quoted: the schema of the function called */
char *
hinge_extension_schema(FunctionCallInfo fcinfo)
{
	Oid			schema = get_func_namespace(fcinfo->flinfo->fn_oid);

	return pstrdup(quote_identifier(get_namespace_name(schema)));
}

/* The type of a column, or an error that names the column and relation */
static Oid
column_type(HingeRowSource *src, const char *column, const char *role)
{
	AttrNumber	attnum = get_attnum(src->relid, column);

	if (attnum == InvalidAttrNumber || attnum < 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("column \"%s\" of relation %s does not exist",
						column, src->relation_name),
				 errhint("%s names a column of the relation, exactly as it is spelled (names are not case-folded).",
						 role)));
	return get_atttype(src->relid, attnum);
}

static bool
is_numeric_type(Oid type)
{
	return type == INT2OID || type == INT4OID || type == INT8OID ||
		type == FLOAT4OID || type == FLOAT8OID || type == NUMERICOID;
}

/*
 * Resolves the relation and columns.  features is a text (one array column)
 * or, with feature_list, a text[] of numeric columns.
 */
void
hinge_row_source_init(HingeRowSource *src, Oid relid, Datum features,
					  bool feature_list, const char *label)
{
	char	   *relname = get_rel_name(relid);
	StringInfoData sql,
				usable;
	Oid			type;
	int			i;

	memset(src, 0, sizeof(*src));
	if (relname == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", relid)));
	src->relid = relid;
	src->relation = pstrdup(quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
													   relname));
	/* as regclass prints it: qualified only when not on the search_path */
	src->relation_name = DatumGetCString(DirectFunctionCall1(regclassout,
															 ObjectIdGetDatum(relid)));
	src->feature_list = feature_list;

	initStringInfo(&sql);
	initStringInfo(&usable);
	if (feature_list)
	{
		ArrayType  *names = DatumGetArrayTypeP(features);
		Datum	   *elems;
		bool	   *nulls;

		if (ARR_NDIM(names) > 1)
			ereport(ERROR,
					(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
					 errmsg("features must be a one-dimensional array of column names"),
					 errhint("Name the columns in order, such as ARRAY['age', 'income'].")));
		deconstruct_array(names, TEXTOID, -1, false, TYPALIGN_INT,
						  &elems, &nulls, &src->n_feature_columns);
		if (src->n_feature_columns == 0)
			ereport(ERROR,
					(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
					 errmsg("features must name at least one column"),
					 errhint("Name the columns in order, such as ARRAY['age', 'income'], or pass one float8[] or real[] column.")));
		/* a table has at most 1600 columns: a longer list repeats them */
		if (src->n_feature_columns > MaxHeapAttributeNumber)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("features lists %d columns, more than a table can have (%d)",
							src->n_feature_columns, MaxHeapAttributeNumber),
					 errhint("For many features, store them in one float8[] or real[] column.")));
		src->feature_columns = palloc(sizeof(char *) * src->n_feature_columns);
		appendStringInfoString(&sql, "ARRAY[");
		for (i = 0; i < src->n_feature_columns; i++)
		{
			const char *column;

			if (nulls[i])
				ereport(ERROR,
						(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						 errmsg("features must not contain NULL column names"),
						 errhint("Name the columns in order, such as ARRAY['age', 'income'].")));
			column = TextDatumGetCString(elems[i]);
			type = column_type(src, column, "features");
			if (!is_numeric_type(type))
				ereport(ERROR,
						(errcode(ERRCODE_DATATYPE_MISMATCH),
						 errmsg("feature column \"%s\" is of type %s, not a number",
								column, format_type_be(type)),
						 errhint("A list of feature columns takes smallint, integer, bigint, real, double precision or numeric columns.")));
			src->feature_columns[i] = pstrdup(column);
			appendStringInfo(&sql, "%s%s::pg_catalog.float8", i > 0 ? ", " : "",
							 quote_identifier(column));
			appendStringInfo(&usable, "%s IS NOT NULL AND ", quote_identifier(column));
		}
		appendStringInfoChar(&sql, ']');
		src->feature_type = "columns";
		src->n_features = src->n_feature_columns;
	}
	else
	{
		char	   *column = TextDatumGetCString(features);

		type = column_type(src, column, "features");
		if (type != FLOAT8ARRAYOID && type != FLOAT4ARRAYOID)
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("feature column \"%s\" is of type %s, not double precision[] or real[]",
							column, format_type_be(type)),
					 errhint("Pass an array column, or several numeric columns as an array of names such as ARRAY['age', 'income'].")));
		src->n_feature_columns = 1;
		src->feature_columns = palloc(sizeof(char *));
		src->feature_columns[0] = column;
		appendStringInfoString(&sql, quote_identifier(column));
		appendStringInfo(&usable, "%s IS NOT NULL AND ", quote_identifier(column));
		src->feature_type = type == FLOAT8ARRAYOID ? "double precision[]" : "real[]";
	}
	src->features_sql = sql.data;

	src->label_name = pstrdup(label);
	src->label_type = column_type(src, label, "label");
	src->label_sql = pstrdup(quote_identifier(label));
	appendStringInfo(&usable, "%s IS NOT NULL", src->label_sql);
	src->usable_sql = usable.data;
}

/* Errors out unless every feature array had the same length, min = max */
static void
check_feature_lengths(HingeRowSource *src, int min, int max)
{
	if (min != max)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("feature arrays in column \"%s\" of %s have different lengths, from %d to %d",
						src->feature_columns[0], src->relation_name, min, max),
				 errhint("Every row's feature array must have the same length; find the others with WHERE cardinality(%s) <> %d.",
						 quote_identifier(src->feature_columns[0]), max)));
	if (min < 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("feature column \"%s\" holds empty arrays",
						src->feature_columns[0]),
				 errhint("Every row needs at least one feature; skip the others with a view WHERE cardinality(%s) > 0.",
						 quote_identifier(src->feature_columns[0]))));
	src->n_features = min;
}

/*
 * Counts the rows, usable and skipped (a NULL label or NULL features), and
 * finds the label's values, in the label type's order; and, for an array
 * column, the number of features, which must be the same in every row (the
 * aggregates alone cannot tell a row one longer from a model's intercept).
 * One scan.
 */
void
hinge_row_source_count(HingeRowSource *src)
{
	char	   *query;
	uint64		row;
	int			min_length = INT_MAX;
	int			max_length = 0;

	query = psprintf("SELECT l, pg_catalog.count(*), pg_catalog.min(n), pg_catalog.max(n) FROM "
					 "(SELECT CASE WHEN %s THEN %s END AS l, %s AS n FROM %s) AS s "
					 "GROUP BY l ORDER BY l NULLS FIRST",
					 src->usable_sql, src->label_sql,
					 src->feature_list ? "NULL::pg_catalog.int4" :
					 psprintf("pg_catalog.cardinality(%s)", src->features_sql),
					 src->relation);
	/* the NULL group and one value past the limit, to tell it was passed */
	if (SPI_execute(query, true, HINGE_MAX_CLASSES + 2) != SPI_OK_SELECT)
		elog(ERROR, "could not read the labels of %s", src->relation);
	src->classes = palloc(sizeof(char *) * (HINGE_MAX_CLASSES + 2));
	src->class_rows = palloc(sizeof(int64) * (HINGE_MAX_CLASSES + 2));
	src->n_classes = 0;
	for (row = 0; row < SPI_processed; row++)
	{
		HeapTuple	tuple = SPI_tuptable->vals[row];
		bool		isnull;
		int64		count = DatumGetInt64(SPI_getbinval(tuple, SPI_tuptable->tupdesc, 2, &isnull));

		(void) SPI_getbinval(tuple, SPI_tuptable->tupdesc, 1, &isnull);
		if (isnull)
		{
			src->rows_skipped = count;
			continue;
		}
		src->classes[src->n_classes] = SPI_getvalue(tuple, SPI_tuptable->tupdesc, 1);
		src->class_rows[src->n_classes] = count;
		src->rows_used += count;
		src->n_classes++;
		if (!src->feature_list)
		{
			min_length = Min(min_length, DatumGetInt32(SPI_getbinval(tuple, SPI_tuptable->tupdesc, 3, &isnull)));
			max_length = Max(max_length, DatumGetInt32(SPI_getbinval(tuple, SPI_tuptable->tupdesc, 4, &isnull)));
		}
	}
	SPI_freetuptable(SPI_tuptable);

	if (src->n_classes == 0)
		ereport(ERROR,
				(errcode(ERRCODE_NO_DATA_FOUND),
				 errmsg("no rows to train on in %s", src->relation_name),
				 src->rows_skipped == 0 ? errdetail("The relation has no rows.") :
				 errdetail("All %lld rows have a NULL label or NULL features.",
						   (long long) src->rows_skipped)));
	if (src->n_classes == 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("label column \"%s\" has only one value, %s",
						src->label_name, quote_literal_cstr(src->classes[0])),
				 errhint("A model needs rows of at least two classes.")));
	if (src->n_classes > HINGE_MAX_CLASSES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("label column \"%s\" has more than %d distinct values",
						src->label_name, HINGE_MAX_CLASSES),
				 errhint("A label names classes; is \"%s\" a measurement rather than a class?",
						 src->label_name)));
	if (!src->feature_list)
		check_feature_lengths(src, min_length, max_length);
}

/*
 * Two aggregates, for a scan the caller makes anyway: the least and the
 * greatest number of features x (an expression) has in the rows where
 * filter holds.  hinge_row_source_add_width reads them back.
 */
char *
hinge_row_source_width_sql(const char *x, const char *filter)
{
	return psprintf("pg_catalog.min(pg_catalog.cardinality(%s)) FILTER (WHERE %s), "
					"pg_catalog.max(pg_catalog.cardinality(%s)) FILTER (WHERE %s)",
					x, filter, x, filter);
}

/* Widens [*min, *max] by the two width columns at column (1-based) of a row */
void
hinge_row_source_add_width(HeapTuple tuple, TupleDesc desc, int column, int *min, int *max)
{
	bool		min_null,
				max_null;
	int			lo = DatumGetInt32(SPI_getbinval(tuple, desc, column, &min_null));
	int			hi = DatumGetInt32(SPI_getbinval(tuple, desc, column + 1, &max_null));

	if (!min_null && !max_null)
	{
		*min = Min(*min, lo);
		*max = Max(*max, hi);
	}
}

/*
 * Errors out unless rows of min to max features (min > max: no rows) have
 * exactly the n_features of model name: evaluating or calibrating on rows
 * one wider would silently take the model's intercept for a feature weight.
 */
void
hinge_row_source_check_width(HingeRowSource *src, int min, int max,
							 int n_features, const char *name)
{
	if (min > max)
		return;					/* no usable rows: the caller says so */
	check_feature_lengths(src, min, max);
	if (src->n_features != n_features)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("model \"%s\" takes %d features, but the rows of %s have %d",
						name, n_features, src->relation_name, src->n_features),
				 errhint("Pass the features the model was trained on, in the same order: SELECT features FROM hinge_model WHERE name = %s.",
						 quote_literal_cstr(name))));
}

/*
 * label OPERATOR(schema.=) 'value'::schema.type, safe from search_path.  A
 * model's classes are text forms: they compare with a label column of any
 * type whose input function reads them (1 with integer or double precision).
 */
/*
 * A class must read as a value of the label column's type: else say so,
 * rather than let the SQL built from it fail with a parse error.
 */
static void
check_class_reads(HingeRowSource *src, const char *value)
{
	MemoryContext context = CurrentMemoryContext;
	Oid			input,
				ioparam;

	getTypeInputInfo(src->label_type, &input, &ioparam);
	PG_TRY();
	{
		(void) OidInputFunctionCall(input, (char *) value, ioparam, -1);
	}
	PG_CATCH();
	{
		/* not carrying on: a clearer error replaces the input function's */
		MemoryContextSwitchTo(context);
		FlushErrorState();
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("class %s is not a value of label column \"%s\", of type %s",
						quote_literal_cstr(value), src->label_name,
						format_type_be(src->label_type)),
				 errhint("Use a label column of the type the model was trained with.")));
	}
	PG_END_TRY();
}

static char *
label_equals_sql(HingeRowSource *src, const char *value)
{
	TypeCacheEntry *typentry;
	HeapTuple	tuple;
	Form_pg_operator operator;
	char	   *sql;

	typentry = lookup_type_cache(src->label_type, TYPECACHE_EQ_OPR);
	if (!OidIsValid(typentry->eq_opr))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_FUNCTION),
				 errmsg("label column \"%s\" is of type %s, which has no equality operator",
						src->label_name, format_type_be(src->label_type))));
	check_class_reads(src, value);
	tuple = SearchSysCache1(OPEROID, ObjectIdGetDatum(typentry->eq_opr));
	if (!HeapTupleIsValid(tuple))
		elog(ERROR, "cache lookup failed for operator %u", typentry->eq_opr);
	operator = (Form_pg_operator) GETSTRUCT(tuple);
	sql = psprintf("%s OPERATOR(%s.%s) %s::%s", src->label_sql,
				   quote_identifier(get_namespace_name(operator->oprnamespace)),
				   NameStr(operator->oprname), quote_literal_cstr(value),
				   format_type_be_qualified(src->label_type));
	ReleaseSysCache(tuple);
	return sql;
}

/*
 * Chooses the positive class: the one named, or else the greater of the two
 * in the label type's order (so +1, 1 and true are positive).  Builds the
 * expression of the label as +1 / -1.
 */
void
hinge_row_source_classes(HingeRowSource *src, const char *positive)
{
	Assert(src->n_classes == 2);
	if (positive != NULL)
	{
		if (strcmp(positive, src->classes[0]) == 0)
		{
			char	   *swap = src->classes[0];

			src->classes[0] = src->classes[1];
			src->classes[1] = swap;
			/* counted only when training */
			if (src->class_rows != NULL)
			{
				int64		rows = src->class_rows[0];

				src->class_rows[0] = src->class_rows[1];
				src->class_rows[1] = rows;
			}
		}
		else if (strcmp(positive, src->classes[1]) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("positive class %s is not a value of label column \"%s\"",
							quote_literal_cstr(positive), src->label_name),
					 errhint("The label's values are %s and %s.",
							 quote_literal_cstr(src->classes[0]),
							 quote_literal_cstr(src->classes[1]))));
	}
	src->y_sql = psprintf("CASE WHEN %s THEN 1::pg_catalog.float8 ELSE -1::pg_catalog.float8 END",
						  label_equals_sql(src, src->classes[1]));
}

/*
 * Builds the expression of the label as its 1-based class, for a multiclass
 * model: array_position over the classes, compared by the type's equality.
 */
void
hinge_row_source_class_index(HingeRowSource *src)
{
	StringInfoData sql;
	int			k;

	initStringInfo(&sql);
	appendStringInfoString(&sql, "pg_catalog.array_position(ARRAY[");
	for (k = 0; k < src->n_classes; k++)
		check_class_reads(src, src->classes[k]);
	for (k = 0; k < src->n_classes; k++)
		appendStringInfo(&sql, "%s%s::%s", k > 0 ? ", " : "",
						 quote_literal_cstr(src->classes[k]),
						 format_type_be_qualified(src->label_type));
	appendStringInfo(&sql, "], %s)", src->label_sql);
	src->y_sql = sql.data;
}

/* The condition "the label is class k" (0 negative, 1 positive) */
char *
hinge_row_source_label_is(HingeRowSource *src, int k)
{
	return label_equals_sql(src, src->classes[k]);
}

/* The condition "the label is one of the classes" */
char *
hinge_row_source_label_known(HingeRowSource *src)
{
	StringInfoData sql;
	int			k;

	initStringInfo(&sql);
	appendStringInfoChar(&sql, '(');
	for (k = 0; k < src->n_classes; k++)
		appendStringInfo(&sql, "%s(%s)", k > 0 ? " OR " : "", label_equals_sql(src, src->classes[k]));
	appendStringInfoChar(&sql, ')');
	return sql.data;
}

/* FROM ... WHERE ...: the usable rows */
char *
hinge_row_source_sql(HingeRowSource *src)
{
	return psprintf("FROM %s WHERE %s", src->relation, src->usable_sql);
}

/* The feature vector and the +1/-1 label, as two select-list items */
char *
hinge_row_source_columns(HingeRowSource *src)
{
	return psprintf("%s, %s", src->features_sql, src->y_sql);
}

/* The feature column names as a text[] */
ArrayType *
hinge_row_source_feature_names(HingeRowSource *src)
{
	Datum	   *names = palloc(sizeof(Datum) * src->n_feature_columns);
	int			i;

	for (i = 0; i < src->n_feature_columns; i++)
		names[i] = CStringGetTextDatum(src->feature_columns[i]);
	return construct_array(names, src->n_feature_columns, TEXTOID, -1, false,
						   TYPALIGN_INT);
}
