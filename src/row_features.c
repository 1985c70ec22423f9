/*
 * row_features.c
 *		The features of a trigger's row (row_features.h): the columns the
 *		trigger names, read as the model reads them.
 *
 * A model whose features are a plain vector takes one array or
 * hinge_sparse column, or a list of numeric columns, one per feature, as
 * before encodings.  A model with an encoding (categories, imputed numbers,
 * text, index/value pairs) takes the columns it was trained on, listed in
 * the same order (names may differ), and reads them through the encoding.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/typcache.h"

#include "encoding.h"
#include "row_features.h"
#include "source.h"
#include "sparse.h"
#include "validate.h"

/* The column names of a trigger argument: one name, or '{col1,col2}' */
static char **
column_names(const char *arg, int *n)
{
	char	  **names;
	int			i;

	if (arg[0] != '{')
	{
		*n = 1;
		names = palloc(sizeof(char *));
		names[0] = pstrdup(arg);
		return names;
	}
	{
		Oid			array_input,
					array_ioparam;
		ArrayType  *array;
		Datum	   *elems;
		bool	   *nulls;

		getTypeInputInfo(TEXTARRAYOID, &array_input, &array_ioparam);
		array = DatumGetArrayTypeP(OidInputFunctionCall(array_input, (char *) arg, array_ioparam, -1));
		if (ARR_NDIM(array) != 1)
			hinge_argument_error("the list of feature columns must be one-dimensional",
								 "List the columns as '{col1,col2}'.");
		deconstruct_array(array, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, n);
		if (*n > MaxHeapAttributeNumber)
			hinge_argument_error("the list of feature columns is longer than a table can be",
								 "For many features, store them in one float8[] or real[] column.");
		names = palloc(sizeof(char *) * *n);
		for (i = 0; i < *n; i++)
			names[i] = nulls[i] ? "" : TextDatumGetCString(elems[i]);
	}
	return names;
}

void
hinge_row_features_plan(HingeRowFeatures *rf, Relation rel, const char *arg, HingeModel *model,
						Oid namespace)
{
	TupleDesc	tupdesc = RelationGetDescr(rel);
	Oid			relid = RelationGetRelid(rel);
	HingeEncoding *encoding = model->encoding;
	Oid			sparse_type = hinge_sparse_type(namespace);
	char	  **names;
	int			i;

	memset(rf, 0, sizeof(*rf));
	names = column_names(arg, &rf->n_columns);
	rf->columns = palloc(sizeof(AttrNumber) * rf->n_columns);
	rf->types = palloc(sizeof(Oid) * rf->n_columns);
	rf->values = palloc(sizeof(Datum) * rf->n_columns);
	rf->isnull = palloc(sizeof(bool) * rf->n_columns);
	for (i = 0; i < rf->n_columns; i++)
	{
		rf->columns[i] = hinge_column_attnum(relid, names[i], "features");
		rf->types[i] = getBaseType(TupleDescAttr(tupdesc, rf->columns[i] - 1)->atttypid);
	}

	rf->encoded = !hinge_encoding_is_plain(encoding);
	if (rf->encoded)
	{
		int			c = 0;

		if (rf->n_columns != hinge_encoding_n_columns(encoding))
			hinge_argument_error(psprintf("model \"%s\" reads %d feature columns, but %d are named",
										  model->name, hinge_encoding_n_columns(encoding),
										  rf->n_columns),
								 "Name the columns the model was trained on, in the same order: SELECT features FROM hinge_model WHERE name = '...'.");
		for (i = 0; i < encoding->n_inputs; i++)
		{
			const HingeInput *input = &encoding->inputs[i];
			int			which;

			for (which = 0; which < (input->kind == HINGE_INPUT_PAIRS ? 2 : 1); which++)
			{
				/* the error names this row's column, not the model's */
				HingeInput named = *input;

				named.column = names[c];
				named.column2 = names[c];
				hinge_check_input_type(&named, which, rf->types[c], sparse_type);
				c++;
			}
		}
	}
	else if (arg[0] == '{')
	{
		if (rf->n_columns != model->n_features)
			hinge_argument_error(psprintf("model \"%s\" takes %d features, but %d columns are listed",
										  model->name, model->n_features, rf->n_columns),
								 "List one numeric column per feature, in the model's order.");
		for (i = 0; i < rf->n_columns; i++)
			if (!hinge_is_number_type(rf->types[i]))
				hinge_column_type_error(names[i], rf->types[i], "a number",
										"A list of feature columns takes smallint, integer, bigint, real, double precision or numeric columns.");
		rf->numbers = palloc(sizeof(float8) * rf->n_columns);
	}
	else if (!hinge_is_features_type(rf->types[0], namespace))
		hinge_column_type_error(names[0], rf->types[0], "double precision[], real[] or hinge_sparse",
								"Name an array column, or list numeric columns as '{col1,col2}'.");
}

/*
 * A copy of rf in the current memory context, for a plan kept across
 * statements: the columns and types, fresh scratch (the encoded row starts
 * empty and grows where it is read)
 */
void
hinge_row_features_copy(HingeRowFeatures *copy, const HingeRowFeatures *rf)
{
	int			n = rf->n_columns;

	*copy = *rf;
	copy->columns = palloc(sizeof(AttrNumber) * n);
	memcpy(copy->columns, rf->columns, sizeof(AttrNumber) * n);
	copy->types = palloc(sizeof(Oid) * n);
	memcpy(copy->types, rf->types, sizeof(Oid) * n);
	copy->values = palloc(sizeof(Datum) * n);
	copy->isnull = palloc(sizeof(bool) * n);
	copy->numbers = rf->numbers != NULL ? palloc(sizeof(float8) * n) : NULL;
	memset(&copy->row, 0, sizeof(copy->row));
}

/* The features of the row: false when the model cannot read them (NULLs) */
bool
hinge_row_features_read(HingeRowFeatures *rf, HeapTuple tuple, TupleDesc tupdesc,
						HingeModel *model, MemoryContext mcxt, HingeVector *x)
{
	int			i;

	for (i = 0; i < rf->n_columns; i++)
		rf->values[i] = heap_getattr(tuple, rf->columns[i], tupdesc, &rf->isnull[i]);
	if (rf->encoded)
	{
		MemoryContext old = MemoryContextSwitchTo(mcxt);
		bool		encoded = hinge_encode_row(model->encoding, rf->values, rf->isnull,
											   rf->types, &rf->row);

		MemoryContextSwitchTo(old);
		*x = hinge_encoded_vector(model->encoding, &rf->row);
		return encoded;
	}
	for (i = 0; i < rf->n_columns; i++)
		if (rf->isnull[i])
			return false;
	if (rf->numbers == NULL)
	{
		*x = hinge_vector_arg(DatumGetArrayTypeP(rf->values[0]), "features");
		return true;
	}
	for (i = 0; i < rf->n_columns; i++)
		rf->numbers[i] = hinge_number_value(rf->values[i], rf->types[i]);
	*x = hinge_float8_vector(rf->numbers, rf->n_columns);
	return true;
}

/*
 * Finds the model's columns in the row type of header, by name, and checks
 * their types; the arrays live in the current memory context
 */
void
hinge_record_columns_find(HingeRecordColumns *rc, HingeModel *model, HeapTupleHeader header,
						  Oid namespace)
{
	HingeEncoding *encoding = model->encoding;
	Oid			type = HeapTupleHeaderGetTypeId(header);
	int32		typmod = HeapTupleHeaderGetTypMod(header);
	TupleDesc	desc = lookup_rowtype_tupdesc(type, typmod);
	Oid			sparse_type = hinge_sparse_type(namespace);
	int			c = 0,
				i,
				which;

	memset(rc, 0, sizeof(*rc));
	rc->n_columns = hinge_encoding_n_columns(encoding);
	rc->attnums = palloc(sizeof(AttrNumber) * rc->n_columns);
	rc->types = palloc(sizeof(Oid) * rc->n_columns);
	rc->values = palloc(sizeof(Datum) * rc->n_columns);
	rc->isnull = palloc(sizeof(bool) * rc->n_columns);
	for (i = 0; i < encoding->n_inputs; i++)
	{
		const HingeInput *input = &encoding->inputs[i];

		for (which = 0; which < (input->kind == HINGE_INPUT_PAIRS ? 2 : 1); which++)
		{
			const char *column = which == 0 ? input->column : input->column2;
			int			a;

			for (a = 0; a < desc->natts; a++)
				if (!TupleDescAttr(desc, a)->attisdropped &&
					strcmp(NameStr(TupleDescAttr(desc, a)->attname), column) == 0)
					break;
			if (a == desc->natts)
				ereport(ERROR,
						(errcode(ERRCODE_UNDEFINED_COLUMN),
						 errmsg("the row has no column \"%s\", which model \"%s\" reads", column,
								model->name),
						 errhint("Pass a row of a table or view that has the model's columns: SELECT features FROM hinge_model WHERE name = %s.",
								 quote_literal_cstr(model->name))));
			rc->attnums[c] = a + 1;
			rc->types[c] = getBaseType(TupleDescAttr(desc, a)->atttypid);
			hinge_check_input_type(input, which, rc->types[c], sparse_type);
			c++;
		}
	}
	rc->row_natts = desc->natts;
	rc->row_values = palloc(sizeof(Datum) * rc->row_natts);
	rc->row_isnull = palloc(sizeof(bool) * rc->row_natts);
	ReleaseTupleDesc(desc);
	rc->model_version = model->version;
	rc->type = type;
	rc->typmod = typmod;
}

/* Whether rc was found for this model reading and this row type */
bool
hinge_record_columns_valid(const HingeRecordColumns *rc, const HingeModel *model,
						   HeapTupleHeader header)
{
	return rc->attnums != NULL && rc->model_version == model->version &&
		rc->type == HeapTupleHeaderGetTypeId(header) &&
		rc->typmod == HeapTupleHeaderGetTypMod(header);
}

/*
 * The features of the row in header through the model's encoding; false
 * when a number it cannot impute is NULL.  The encoded row is kept in rc,
 * and grows in the memory context rc's arrays live in.
 */
bool
hinge_record_features(HingeRecordColumns *rc, HingeModel *model, HeapTupleHeader header,
					  HingeVector *x)
{
	TupleDesc	desc = lookup_rowtype_tupdesc(rc->type, rc->typmod);
	HeapTupleData tuple;
	MemoryContext old = MemoryContextSwitchTo(GetMemoryChunkContext(rc->attnums));
	bool		encoded;
	int			c;

	tuple.t_len = HeapTupleHeaderGetDatumLength(header);
	ItemPointerSetInvalid(&tuple.t_self);
	tuple.t_tableOid = InvalidOid;
	tuple.t_data = header;
	/* deformed once: heap_getattr would walk the row again for each column */
	if (desc->natts > rc->row_natts)
	{
		/* the row type gained columns (ALTER TABLE) since they were found */
		rc->row_values = repalloc(rc->row_values, sizeof(Datum) * desc->natts);
		rc->row_isnull = repalloc(rc->row_isnull, sizeof(bool) * desc->natts);
		rc->row_natts = desc->natts;
	}
	heap_deform_tuple(&tuple, desc, rc->row_values, rc->row_isnull);
	for (c = 0; c < rc->n_columns; c++)
	{
		rc->values[c] = rc->row_values[rc->attnums[c] - 1];
		rc->isnull[c] = rc->row_isnull[rc->attnums[c] - 1];
	}
	ReleaseTupleDesc(desc);
	encoded = hinge_encode_row(model->encoding, rc->values, rc->isnull, rc->types, &rc->row);
	MemoryContextSwitchTo(old);
	*x = hinge_encoded_vector(model->encoding, &rc->row);
	return encoded;
}
