/*
 * source.c
 *		The rows a model is trained, evaluated or calibrated on: a relation,
 *		a feature column (float8[] or real[]) or a list of numeric columns,
 *		and a label column, turned into SQL.
 *
 * The relation is locked when it is resolved, so every query of a training
 * reads that relation, even if another session tries to drop it and create
 * another of the same name.  Names are looked up in the catalog and quoted,
 * never pasted: a name that is not a column of the relation is an error
 * before any SQL is built.  Everything the SQL refers to is
 * schema-qualified, operators included, and class values are typed
 * parameters (labels.h), so neither the caller's search_path nor their
 * settings can change what it means.
 */
#include "postgres.h"

#include <limits.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "storage/lmgr.h"
#include "catalog/pg_type.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/datum.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

#include "encoding.h"
#include "source.h"
#include "sparse.h"

/*
 * The attribute number of a column, or an error that names the column and
 * the relation; role says what the column was named for.
 */
AttrNumber
hinge_column_attnum(Oid relid, const char *column, const char *role)
{
	AttrNumber	attnum = get_attnum(relid, column);

	if (attnum == InvalidAttrNumber || attnum < 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("column \"%s\" of relation %s does not exist",
						column, get_rel_name(relid)),
				 errhint("%s names a column of the relation, exactly as it is spelled (names are not case-folded).",
						 role)));
	return attnum;
}

bool
hinge_is_number_type(Oid type)
{
	type = getBaseType(type);
	return type == INT2OID || type == INT4OID || type == INT8OID ||
		type == FLOAT4OID || type == FLOAT8OID || type == NUMERICOID;
}

/* A column of a type that cannot serve as what it was named for */
void
hinge_column_type_error(const char *column, Oid type, const char *wanted,
						const char *hint)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATATYPE_MISMATCH),
			 errmsg("feature column \"%s\" is of type %s, not %s",
					column, format_type_be(type), wanted),
			 errhint("%s", hint)));
}

#define NUMBERS_HINT "A list of feature columns takes smallint, integer, bigint, real, double precision or numeric columns."

static Oid
column_type(HingeRowSource *src, const char *column, const char *role)
{
	return get_atttype(src->relid, hinge_column_attnum(src->relid, column, role));
}

/* Reads a text[] of column names, checked */
static char **
column_names(Datum names_datum, int *n)
{
	ArrayType  *names = DatumGetArrayTypeP(names_datum);
	Datum	   *elems;
	bool	   *nulls;
	char	  **columns;
	int			i;

	if (ARR_NDIM(names) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("features must be a one-dimensional array of column names"),
				 errhint("Name the columns in order, such as ARRAY['age', 'income'].")));
	deconstruct_array(names, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, n);
	if (*n == 0)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("features must name at least one column"),
				 errhint("Name the columns in order, such as ARRAY['age', 'income'], or pass one float8[] or real[] column.")));
	/* a table has at most 1600 columns: a longer list repeats them */
	if (*n > MaxHeapAttributeNumber)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("features lists %d columns, more than a table can have (%d)",
						*n, MaxHeapAttributeNumber),
				 errhint("For many features, store them in one float8[] or real[] column.")));
	columns = palloc(sizeof(char *) * *n);
	for (i = 0; i < *n; i++)
	{
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("features must not contain NULL column names"),
					 errhint("Name the columns in order, such as ARRAY['age', 'income'].")));
		columns[i] = TextDatumGetCString(elems[i]);
	}
	return columns;
}

/* Whether a column of type is categorical: strings, enums, booleans */
bool
hinge_is_category_type(Oid type)
{
	char		category;
	bool		preferred;

	get_type_category_preferred(getBaseType(type), &category, &preferred);
	return category == TYPCATEGORY_STRING || category == TYPCATEGORY_ENUM ||
		category == TYPCATEGORY_BOOLEAN;
}

#define LIST_HINT "A list of feature columns takes numbers, categories (text, varchar, char, enums, booleans), tsvector, jsonb, float8[], real[] and hinge_sparse columns, or exactly an integer[] column of positions and a float8[] or real[] column of values."

/* The input a column of type feeds */
static HingeInputKind
input_kind(HingeRowSource *src, const char *column, Oid type)
{
	if (hinge_is_number_type(type))
		return HINGE_INPUT_NUMBER;
	if (hinge_is_category_type(type))
		return HINGE_INPUT_CATEGORY;
	if (type == FLOAT8ARRAYOID || type == FLOAT4ARRAYOID)
		return HINGE_INPUT_ARRAY;
	if (type == src->sparse_type && !src->feature_list)
		return HINGE_INPUT_SPARSE;
	if (type == src->sparse_type)
		hinge_column_type_error(column, type, "a number, a category, text features or an array",
								"A hinge_sparse column holds all of a row's features: pass it alone, features => 'column'.");
	if (type == TSVECTOROID)
		return HINGE_INPUT_TSVECTOR;
	if (type == JSONBOID)
		return HINGE_INPUT_JSONB;
	if (!src->feature_list)
		hinge_column_type_error(column, type,
								"double precision[], real[], hinge_sparse, tsvector, jsonb, a number or a category",
								"Pass an array column, or several columns as an array of names such as ARRAY['age', 'income'].");
	hinge_column_type_error(column, type, "a number, a category, text features or an array", LIST_HINT);
}

/* Sets the usable rows' condition from the inputs (training's, or a model's) */
static void
set_usable(HingeRowSource *src)
{
	StringInfoData usable;
	int			c = 0,
				i;

	initStringInfo(&usable);
	for (i = 0; i < src->encoding->n_inputs; i++)
	{
		HingeInput *input = &src->encoding->inputs[i];
		const char *column = quote_identifier(src->feature_columns[c]);

		/*
		 * A NULL number is imputed or skips the row; a NULL category or text
		 * in a list has no features; NULL rows of other kinds skip the row.
		 */
		if ((input->kind == HINGE_INPUT_NUMBER && !input->has_impute) ||
			input->kind == HINGE_INPUT_ARRAY || input->kind == HINGE_INPUT_SPARSE ||
			input->kind == HINGE_INPUT_PAIRS ||
			((input->kind == HINGE_INPUT_TSVECTOR || input->kind == HINGE_INPUT_JSONB) &&
			 !src->feature_list))
			appendStringInfo(&usable, "%s IS NOT NULL AND ", column);
		if (input->kind == HINGE_INPUT_PAIRS)
			appendStringInfo(&usable, "%s IS NOT NULL AND ",
							 quote_identifier(src->feature_columns[c + 1]));
		c += input->kind == HINGE_INPUT_PAIRS ? 2 : 1;
	}
	appendStringInfo(&usable, "%s IS NOT NULL", src->label_sql);
	src->usable_sql = usable.data;
}

/*
 * Whether the features are one SQL expression without the encoder: one
 * array or hinge_sparse column, or numbers without NULLs to impute
 */
static bool
plain_features(HingeRowSource *src)
{
	int			i;

	if (!src->feature_list)
		return src->encoding->inputs[0].kind == HINGE_INPUT_ARRAY ||
			src->encoding->inputs[0].kind == HINGE_INPUT_SPARSE;
	for (i = 0; i < src->encoding->n_inputs; i++)
		if (src->encoding->inputs[i].kind != HINGE_INPUT_NUMBER ||
			src->encoding->inputs[i].has_impute)
			return false;
	return true;
}

/* The features' type and form, from the inputs */
static void
set_features_form(HingeRowSource *src)
{
	HingeInput *first = &src->encoding->inputs[0];

	src->encoded = !plain_features(src);
	if (src->encoded)
	{
		src->features_type = src->sparse_type;
		src->feature_type = src->feature_list ? "columns" :
			first->kind == HINGE_INPUT_TSVECTOR ? "tsvector" : "jsonb";
	}
	else if (src->feature_list)
	{
		src->features_type = FLOAT8ARRAYOID;
		src->feature_type = "columns";
		src->n_features = src->n_feature_columns;
	}
	else
	{
		src->features_type = src->column_types[0];
		src->feature_type = hinge_features_type_name(src->column_types[0]);
	}
	src->width_function = src->features_type == FLOAT8ARRAYOID ||
		src->features_type == FLOAT4ARRAYOID ? "pg_catalog.cardinality" :
		psprintf("%s.hinge_sparse_dimension", src->ext);
}

/*
 * The row source of a call (relation regclass, features text or text[],
 * label text) whose relation is argument 1, as hinge_train, hinge_evaluate
 * and hinge_calibrate take them
 */
void
hinge_row_source_init_from_call(HingeRowSource *src, FunctionCallInfo fcinfo)
{
	hinge_row_source_init(src, get_func_namespace(fcinfo->flinfo->fn_oid), PG_GETARG_OID(1),
						  PG_GETARG_DATUM(2),
						  get_fn_expr_argtype(fcinfo->flinfo, 2) == TEXTARRAYOID,
						  text_to_cstring(PG_GETARG_TEXT_PP(3)));
}

/*
 * Resolves and locks the relation and resolves its columns.  features is a
 * text (one column) or, with feature_list, a text[] of columns; each
 * becomes an input of the encoding, whose learnt parts (categories, terms,
 * widths) the survey fills in for a training, or a model's encoding for
 * an evaluation (hinge_row_source_use_encoding).
 */
void
hinge_row_source_init(HingeRowSource *src, Oid namespace, Oid relid, Datum features,
					  bool feature_list, const char *label)
{
	char	   *relname;
	HingeEncoding *encoding;
	int			i;

	memset(src, 0, sizeof(*src));
	/*
	 * Held to the end of the transaction: the relation cannot be dropped,
	 * renamed or replaced while the queries built from its name run.
	 */
	LockRelationOid(relid, AccessShareLock);
	relname = get_rel_name(relid);
	if (relname == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", relid),
				 errhint("It was dropped after the call was planned; call again.")));
	src->relid = relid;
	src->namespace = namespace;
	src->ext = pstrdup(quote_identifier(get_namespace_name(namespace)));
	src->sparse_type = hinge_sparse_type(namespace);
	src->relation = pstrdup(quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
													   relname));
	/* as regclass prints it: qualified only when not on the search_path */
	src->relation_name = DatumGetCString(DirectFunctionCall1(regclassout,
															 ObjectIdGetDatum(relid)));
	src->feature_list = feature_list;
	if (feature_list)
		src->feature_columns = column_names(features, &src->n_feature_columns);
	else
	{
		src->n_feature_columns = 1;
		src->feature_columns = palloc(sizeof(char *));
		src->feature_columns[0] = TextDatumGetCString(features);
	}
	src->column_types = palloc(sizeof(Oid) * src->n_feature_columns);
	for (i = 0; i < src->n_feature_columns; i++)
		src->column_types[i] = getBaseType(column_type(src, src->feature_columns[i], "features"));

	/* the inputs: one per column, or the two columns of index/value pairs */
	encoding = palloc0(sizeof(HingeEncoding));
	encoding->scale = "none";
	encoding->inputs = palloc0(sizeof(HingeInput) * src->n_feature_columns);
	if (feature_list && src->n_feature_columns == 2 && src->column_types[0] == INT4ARRAYOID &&
		(src->column_types[1] == FLOAT8ARRAYOID || src->column_types[1] == FLOAT4ARRAYOID))
	{
		encoding->n_inputs = 1;
		encoding->inputs[0].kind = HINGE_INPUT_PAIRS;
		encoding->inputs[0].column = src->feature_columns[0];
		encoding->inputs[0].column2 = src->feature_columns[1];
	}
	else
	{
		encoding->n_inputs = src->n_feature_columns;
		for (i = 0; i < src->n_feature_columns; i++)
		{
			encoding->inputs[i].kind = input_kind(src, src->feature_columns[i], src->column_types[i]);
			encoding->inputs[i].column = src->feature_columns[i];
		}
		/* one number or category column is a list of one */
		if (!feature_list && (encoding->inputs[0].kind == HINGE_INPUT_NUMBER ||
							  encoding->inputs[0].kind == HINGE_INPUT_CATEGORY))
			src->feature_list = true;
	}
	src->encoding = encoding;

	src->label_name = pstrdup(label);
	for (i = 0; i < src->n_feature_columns; i++)
		if (strcmp(src->feature_columns[i], label) == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("column \"%s\" is both a feature and the label", label),
					 errhint("A model that reads its label among its features learns nothing it can use: leave the label out of features.")));
	hinge_label_type_init(&src->label, column_type(src, label, "label"), label);
	src->label_sql = pstrdup(quote_identifier(label));
	set_usable(src);
	set_features_form(src);
}

/* Training with NULL numbers imputed: they no longer skip their rows */
void
hinge_row_source_set_impute(HingeRowSource *src)
{
	int			i;

	for (i = 0; i < src->encoding->n_inputs; i++)
		if (src->encoding->inputs[i].kind == HINGE_INPUT_NUMBER)
			src->encoding->inputs[i].has_impute = true;
	set_usable(src);
	set_features_form(src);
}

/*
 * Evaluating, calibrating or scoring rows with a model: its encoding, read
 * from the caller's columns, which must feed the same inputs in the same
 * order (their names may differ).
 */
void
hinge_row_source_use_encoding(HingeRowSource *src, const HingeEncoding *model_encoding,
							  const char *model)
{
	HingeEncoding *encoding = palloc(sizeof(HingeEncoding));
	HingeRowSource model_form = *src;
	int			c = 0,
				i;

	/*
	 * A plain vector (an array column, or numbers without imputation) is
	 * read as any other plain vector of its width, as before encodings: a
	 * model of an array column scores a list of numeric columns.
	 */
	model_form.encoding = (HingeEncoding *) model_encoding;
	model_form.feature_list = model_encoding->inputs[0].kind != HINGE_INPUT_ARRAY &&
		model_encoding->inputs[0].kind != HINGE_INPUT_SPARSE;
	if (plain_features(src) && plain_features(&model_form))
		return;

	if (hinge_encoding_n_columns(model_encoding) != src->n_feature_columns)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("model \"%s\" reads %d feature columns, but %d are given",
						model, hinge_encoding_n_columns(model_encoding), src->n_feature_columns),
				 errhint("Pass the features the model was trained on, in the same order: SELECT features FROM hinge_model WHERE name = %s.",
						 quote_literal_cstr(model))));
	*encoding = *model_encoding;
	encoding->inputs = palloc(sizeof(HingeInput) * model_encoding->n_inputs);
	for (i = 0; i < model_encoding->n_inputs; i++)
	{
		HingeInput *input = &encoding->inputs[i];
		int			which;

		*input = model_encoding->inputs[i];
		for (which = 0; which < (input->kind == HINGE_INPUT_PAIRS ? 2 : 1); which++)
		{
			hinge_check_input_type(input, which, src->column_types[c], src->sparse_type);
			if (which == 0)
				input->column = src->feature_columns[c];
			else
				input->column2 = src->feature_columns[c];
			c++;
		}
	}
	src->encoding = encoding;
	src->feature_list = src->n_feature_columns > 1 || encoding->inputs[0].kind == HINGE_INPUT_NUMBER ||
		encoding->inputs[0].kind == HINGE_INPUT_CATEGORY;
	set_usable(src);
	set_features_form(src);
	src->n_features = encoding->dimension;
}

/*
 * The features of a row as an SQL expression: a column, an array of
 * numbers, or the encoder's call on the columns (the encoding a parameter)
 */
char *
hinge_row_source_x(HingeRowSource *src, HingeParams *params)
{
	StringInfoData sql;
	int			i;

	initStringInfo(&sql);
	if (src->encoded)
	{
		Datum		json = DirectFunctionCall1(jsonb_in,
											   CStringGetDatum(hinge_encoding_to_json(src->encoding)));

		appendStringInfo(&sql, "%s.hinge_encode(%s::pg_catalog.jsonb, ROW(", src->ext,
						 hinge_param(params, JSONBOID, json));
		for (i = 0; i < src->n_feature_columns; i++)
			appendStringInfo(&sql, "%s%s", i > 0 ? ", " : "",
							 quote_identifier(src->feature_columns[i]));
		appendStringInfoString(&sql, "))");
	}
	else if (src->feature_list)
	{
		appendStringInfoString(&sql, "ARRAY[");
		for (i = 0; i < src->n_feature_columns; i++)
			appendStringInfo(&sql, "%s%s::pg_catalog.float8", i > 0 ? ", " : "",
							 quote_identifier(src->feature_columns[i]));
		appendStringInfoChar(&sql, ']');
	}
	else
		appendStringInfoString(&sql, quote_identifier(src->feature_columns[0]));
	return sql.data;
}

/* Errors out unless every feature array had the same length, min = max */
static void
check_feature_lengths(HingeRowSource *src, int min, int max)
{
	if (min != max && src->features_type != FLOAT8ARRAYOID && src->features_type != FLOAT4ARRAYOID)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("hinge_sparse rows in column \"%s\" of %s have different dimensions, from %d to %d",
						src->feature_columns[0], src->relation_name, min, max),
				 errhint("Every row must have the same dimension; find the others with WHERE hinge_sparse_dimension(%s) <> %d.",
						 quote_identifier(src->feature_columns[0]), max)));
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

	/*
	 * Grouped by the label and the usable test, a boolean (two values to the
	 * planner), not by CASE WHEN usable THEN label END: the planner counts
	 * as many values of that as of the features it reads, and sorted every
	 * row, features and all, instead of hashing a handful of groups (over
	 * ten times the scan).  A label has a group of usable rows, and maybe
	 * one of rows skipped.
	 */
	query = psprintf("SELECT l, pg_catalog.count(*), pg_catalog.min(n), pg_catalog.max(n), u FROM "
					 "(SELECT %s AS u, %s AS l, %s AS n FROM %s) AS s "
					 "GROUP BY l, u ORDER BY l NULLS FIRST, u",
					 src->usable_sql, src->label_sql,
					 src->feature_list || src->encoded ? "NULL::pg_catalog.int4" :
					 psprintf("%s(%s)", src->width_function,
							  quote_identifier(src->feature_columns[0])),
					 src->relation);
	/* two groups a label and one value past the limit, to tell it was passed */
	if (SPI_execute(query, true, 2 * (HINGE_MAX_CLASSES + 2)) != SPI_OK_SELECT)
		elog(ERROR, "could not read the labels of %s", src->relation);
	hinge_check_column_type(1, src->label.type);
	hinge_check_column_type(5, BOOLOID);
	src->class_values = palloc(sizeof(Datum) * (HINGE_MAX_CLASSES + 2));
	src->class_rows = palloc(sizeof(int64) * (HINGE_MAX_CLASSES + 2));
	src->n_classes = 0;
	for (row = 0; row < SPI_processed && src->n_classes < HINGE_MAX_CLASSES + 1; row++)
	{
		HeapTuple	tuple = SPI_tuptable->vals[row];
		bool		isnull;
		int64		count = DatumGetInt64(SPI_getbinval(tuple, SPI_tuptable->tupdesc, 2, &isnull));
		Datum		value = SPI_getbinval(tuple, SPI_tuptable->tupdesc, 1, &isnull);

		if (isnull || !DatumGetBool(SPI_getbinval(tuple, SPI_tuptable->tupdesc, 5, &isnull)))
		{
			src->rows_skipped += count;
			continue;
		}
		src->class_values[src->n_classes] =
			datumCopy(value, TupleDescAttr(SPI_tuptable->tupdesc, 0)->attbyval,
					  TupleDescAttr(SPI_tuptable->tupdesc, 0)->attlen);
		src->class_rows[src->n_classes] = count;
		src->rows_used += count;
		src->n_classes++;
		if (!src->feature_list && !src->encoded)
		{
			min_length = Min(min_length, DatumGetInt32(SPI_getbinval(tuple, SPI_tuptable->tupdesc, 3, &isnull)));
			max_length = Max(max_length, DatumGetInt32(SPI_getbinval(tuple, SPI_tuptable->tupdesc, 4, &isnull)));
		}
	}
	SPI_freetuptable(SPI_tuptable);
	src->classes = palloc(sizeof(char *) * Max(src->n_classes, 1));
	hinge_label_texts(&src->label, src->class_values, src->n_classes, src->classes);

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
	if (!src->feature_list && !src->encoded)
		check_feature_lengths(src, min_length, max_length);
}

/*
 * A stored model's classes, for rows to evaluate or calibrate on: each must
 * read as a value of the label column's type.
 */
void
hinge_row_source_set_classes(HingeRowSource *src, int n_classes, char **classes)
{
	int			k;

	src->n_classes = n_classes;
	src->classes = palloc(sizeof(char *) * n_classes);
	memcpy(src->classes, classes, sizeof(char *) * n_classes);
	src->class_values = palloc(sizeof(Datum) * n_classes);
	src->class_rows = NULL;
	for (k = 0; k < n_classes; k++)
		if (!hinge_label_values(&src->label, &src->classes[k], 1, &src->class_values[k]))
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("class %s is not a value of label column \"%s\", of type %s",
							quote_literal_cstr(src->classes[k]), src->label_name,
							format_type_be(src->label.type)),
					 errhint("Use a label column of the type the model was trained with.")));
}

/*
 * Of two classes, makes the positive one second: the one named (a value of
 * the label's type, as the caller writes it), or else the greater of the two
 * in the label type's order (so +1, 1 and true are positive).
 */
void
hinge_row_source_choose_positive(HingeRowSource *src, const char *positive)
{
	Datum		value;
	char	   *text = NULL;
	bool		readable;

	Assert(src->n_classes == 2);
	if (positive == NULL)
		return;
	/* in the caller's settings, as they wrote it; compared canonically */
	readable = hinge_input_safe(src->label.input, (char *) positive, src->label.ioparam, &value);
	if (readable)
		hinge_label_texts(&src->label, &value, 1, &text);
	if (readable && strcmp(text, src->classes[0]) == 0)
	{
		char	   *swap = src->classes[0];
		Datum		swap_value = src->class_values[0];

		src->classes[0] = src->classes[1];
		src->classes[1] = swap;
		src->class_values[0] = src->class_values[1];
		src->class_values[1] = swap_value;
		/* counted only when training */
		if (src->class_rows != NULL)
		{
			int64		rows = src->class_rows[0];

			src->class_rows[0] = src->class_rows[1];
			src->class_rows[1] = rows;
		}
	}
	else if (!readable || strcmp(text, src->classes[1]) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("positive class %s is not a value of label column \"%s\"",
						quote_literal_cstr(positive), src->label_name),
				 errhint("The label's values are %s and %s.",
						 quote_literal_cstr(src->classes[0]),
						 quote_literal_cstr(src->classes[1]))));
}

/* "label = $k" for class k (binary: 0 negative, 1 positive) */
char *
hinge_row_source_label_is(HingeRowSource *src, int k, HingeParams *params)
{
	return psprintf("%s %s %s", src->label_sql, src->label.equals,
					hinge_param(params, src->label.type, src->class_values[k]));
}

/* The classes as a parameter of the label's array type */
static char *
classes_param(HingeRowSource *src, HingeParams *params)
{
	int16		typlen;
	bool		typbyval;
	char		typalign;

	get_typlenbyvalalign(src->label.type, &typlen, &typbyval, &typalign);
	return hinge_param(params, src->label.array_type,
					   PointerGetDatum(construct_array(src->class_values, src->n_classes,
													   src->label.type, typlen, typbyval,
													   typalign)));
}

/*
 * The label as a model's solver sees it: for two classes -1 (the first) or
 * +1 (the second), for more the 1-based class; NULL for a label that is no
 * class.
 */
char *
hinge_row_source_y(HingeRowSource *src, HingeParams *params)
{
	if (src->n_classes == 2)
	{
		/* parameters numbered in order: negative, then positive */
		char	   *negative = hinge_row_source_label_is(src, 0, params);
		char	   *positive = hinge_row_source_label_is(src, 1, params);

		return psprintf("CASE WHEN %s THEN 1::pg_catalog.float8 WHEN %s THEN -1::pg_catalog.float8 END",
						positive, negative);
	}
	return hinge_row_source_class(src, params);
}

/*
 * The label as its class, 1 to k in class order (binary: 1 the negative,
 * 2 the positive); NULL for a label that is no class.
 */
char *
hinge_row_source_class(HingeRowSource *src, HingeParams *params)
{
	return psprintf("pg_catalog.array_position(%s, %s)", classes_param(src, params),
					src->label_sql);
}

/* The condition "the label is one of the classes" */
char *
hinge_row_source_label_known(HingeRowSource *src, HingeParams *params)
{
	return psprintf("%s %s ANY (%s)", src->label_sql, src->label.equals,
					classes_param(src, params));
}

/* FROM ... WHERE ...: the usable rows */
char *
hinge_row_source_sql(HingeRowSource *src)
{
	return psprintf("FROM %s WHERE %s", src->relation, src->usable_sql);
}

/*
 * Two aggregates, for a scan the caller makes anyway: the least and the
 * greatest number of features x (an expression) has in the rows where
 * filter holds.  hinge_row_source_add_width reads them back.
 */
char *
hinge_row_source_width_sql(HingeRowSource *src, const char *x, const char *filter)
{
	return psprintf("pg_catalog.min(%s(%s)) FILTER (WHERE %s), "
					"pg_catalog.max(%s(%s)) FILTER (WHERE %s)",
					src->width_function, x, filter, src->width_function, x, filter);
}

/*
 * Widens [*min, *max] by a row's least and greatest width, at columns
 * min_column and max_column (1-based; one column when a row holds one
 * width)
 */
void
hinge_row_source_add_width(HeapTuple tuple, TupleDesc desc, int min_column, int max_column,
						   int *min, int *max)
{
	bool		min_null,
				max_null;
	int			lo,
				hi;

	hinge_check_column_type(min_column, INT4OID);
	hinge_check_column_type(max_column, INT4OID);
	lo = DatumGetInt32(SPI_getbinval(tuple, desc, min_column, &min_null));
	hi = DatumGetInt32(SPI_getbinval(tuple, desc, max_column, &max_null));
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

/* What to do when the rows changed while training ran */
#define ROWS_CHANGED_HINT \
	"Train on rows that stay the same for the whole training, in one snapshot: " \
	"at REPEATABLE READ (BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT hinge_train(...); COMMIT;), " \
	"or from a table that is not written meanwhile (a copy, a materialized view)."

/*
 * A pass saw another number of rows than the first scan counted (of the
 * relation, or of a fold's training rows): the
 * relation is not one set of rows for the whole training (a foreign table
 * rewritten, a view of volatile functions, a distributed table read in
 * several snapshots), and no bound computed from its passes holds.
 */
void
hinge_rows_changed_error(HingeRowSource *src, int64 rows, int64 expected)
{
	ereport(ERROR,
			(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
			 errmsg("the rows of %s changed while training ran", src->relation_name),
			 errdetail("A pass read %lld usable rows with a known label; the first read %lld.",
					   (long long) rows, (long long) expected),
			 errhint("%s", ROWS_CHANGED_HINT)));
}

/*
 * The passes gave a lower bound above the objective: they read different
 * rows, though as many (rows updated between passes), and nothing holds.
 * Retrying in one snapshot can succeed, hence serialization_failure.
 */
void
hinge_bound_above_objective_error(HingeRowSource *src, float8 lower, float8 objective)
{
	ereport(ERROR,
			(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
			 errmsg("the rows of %s changed while training ran", src->relation_name),
			 errdetail("The passes certify a lower bound of %.17g on the optimum, above the objective %.17g of the best model found: they did not all read the same rows.",
					   lower, objective),
			 errhint("%s", ROWS_CHANGED_HINT)));
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
