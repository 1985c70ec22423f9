/*
 * encoding.c
 *		Encodings (encoding.h): read from and written to jsonb, and applied
 *		to a row's columns.
 *
 * A stored encoding may have been edited by hand, like any column of a
 * model row: reading one checks everything that encoding a row relies on
 * (blocks that tile the features, terms that fit their block, finite
 * numbers), and a broken one is an error naming the model (XX001), never a
 * crash or a wrong score.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "lib/stringinfo.h"
#include "tsearch/ts_type.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"

#include "encoding.h"
#include "finite.h"
#include "kernels.h"
#include "source.h"
#include "sparse.h"
#include "validate.h"

static const char *const kind_names[] = {
	[HINGE_INPUT_NUMBER] = "number",
	[HINGE_INPUT_CATEGORY] = "category",
	[HINGE_INPUT_ARRAY] = "array",
	[HINGE_INPUT_SPARSE] = "sparse",
	[HINGE_INPUT_PAIRS] = "pairs",
	[HINGE_INPUT_TSVECTOR] = "tsvector",
	[HINGE_INPUT_JSONB] = "jsonb",
};

static const char *const weighting_names[] = {
	[HINGE_WEIGHT_TFIDF] = "tfidf",
	[HINGE_WEIGHT_COUNT] = "count",
	[HINGE_WEIGHT_BINARY] = "binary",
	[HINGE_WEIGHT_SUBLINEAR] = "sublinear",
};

static bool
is_text_kind(HingeInputKind kind)
{
	return kind == HINGE_INPUT_TSVECTOR || kind == HINGE_INPUT_JSONB;
}

/*
 * FNV-1a, 64 bits: the hash of hashed text features (documented: a term's
 * feature is this hash of its UTF-8 bytes modulo 2^hash_bits), and of the
 * terms' table.  The same on every platform.
 */
static uint64
fnv1a(const char *text, int length)
{
	uint64		hash = UINT64CONST(0xcbf29ce484222325);
	int			i;

	for (i = 0; i < length; i++)
	{
		hash ^= (unsigned char) text[i];
		hash *= UINT64CONST(0x100000001b3);
	}
	return hash;
}

/* Builds the lookup table of n distinct terms (taking the strings) */
void
hinge_terms_build(HingeTerms *terms, int n, char **text)
{
	int			i;

	terms->n = n;
	terms->text = text;
	terms->length = palloc(sizeof(int) * Max(n, 1));
	terms->n_slots = 16;
	while (terms->n_slots < 2 * n)
		terms->n_slots *= 2;
	terms->slots = palloc0(sizeof(int32) * terms->n_slots);
	for (i = 0; i < n; i++)
	{
		uint64		slot;

		terms->length[i] = strlen(text[i]);
		slot = fnv1a(text[i], terms->length[i]) & (terms->n_slots - 1);
		while (terms->slots[slot] != 0)
			slot = (slot + 1) & (terms->n_slots - 1);
		terms->slots[slot] = i + 1;
	}
}

/* The number of the term, or -1 */
int
hinge_terms_find(const HingeTerms *terms, const char *text, int length)
{
	uint64		slot;

	if (terms->n == 0)
		return -1;
	slot = fnv1a(text, length) & (terms->n_slots - 1);
	while (terms->slots[slot] != 0)
	{
		int			t = terms->slots[slot] - 1;

		if (terms->length[t] == length && memcmp(terms->text[t], text, length) == 0)
			return t;
		slot = (slot + 1) & (terms->n_slots - 1);
	}
	return -1;
}

/* Reading a stored encoding ---------------------------------------------- */

pg_noreturn static void
corrupt(const char *model, const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("model \"%s\" has an encoding that is not valid: %s", model, what),
			 errhint("The encoding column of hinge_model is written by hinge_train; train the model again.")));
}

static JsonbValue *
key(JsonbContainer *object, const char *name)
{
	return getKeyJsonValueFromContainer(object, name, strlen(name), NULL);
}

static char *
string_of(JsonbValue *v, const char *model, const char *what)
{
	if (v == NULL || v->type != jbvString)
		corrupt(model, psprintf("%s is not a string", what));
	return pnstrdup(v->val.string.val, v->val.string.len);
}

static float8
number_of(JsonbValue *v, const char *model, const char *what)
{
	float8		value;

	if (v == NULL || v->type != jbvNumeric)
		corrupt(model, psprintf("%s is not a number", what));
	value = DatumGetFloat8(DirectFunctionCall1(numeric_float8_no_overflow,
											   NumericGetDatum(v->val.numeric)));
	if (!isfinite(value))
		corrupt(model, psprintf("%s is not a finite number", what));
	return value;
}

static int
int_of(JsonbValue *v, int low, int high, const char *model, const char *what)
{
	float8		value = number_of(v, model, what);

	if (value != floor(value) || value < low || value > high)
		corrupt(model, psprintf("%s is not a whole number from %d to %d", what, low, high));
	return (int) value;
}

static bool
bool_of(JsonbValue *v, const char *model, const char *what)
{
	if (v == NULL || v->type != jbvBool)
		corrupt(model, psprintf("%s is not true or false", what));
	return v->val.boolean;
}

/* An array member: its container, checked to have n elements (n < 0: any) */
static JsonbContainer *
array_of(JsonbValue *v, int n, const char *model, const char *what)
{
	if (v == NULL || v->type != jbvBinary || !JsonContainerIsArray(v->val.binary.data))
		corrupt(model, psprintf("%s is not an array", what));
	if (n >= 0 && JsonContainerSize(v->val.binary.data) != (uint32) n)
		corrupt(model, psprintf("%s does not have %d elements", what, n));
	return v->val.binary.data;
}

static float8 *
numbers_of(JsonbValue *v, int n, const char *model, const char *what)
{
	JsonbContainer *array = array_of(v, n, model, what);
	float8	   *out = palloc(sizeof(float8) * Max(n, 1));
	int			i;

	for (i = 0; i < n; i++)
		out[i] = number_of(getIthJsonbValueFromContainer(array, i), model, what);
	return out;
}

static void
terms_of(JsonbValue *v, HingeTerms *terms, const char *model, const char *what)
{
	JsonbContainer *array = array_of(v, -1, model, what);
	int			n = JsonContainerSize(array);
	char	  **text = palloc(sizeof(char *) * Max(n, 1));
	int			i;

	for (i = 0; i < n; i++)
		text[i] = string_of(getIthJsonbValueFromContainer(array, i), model, what);
	hinge_terms_build(terms, n, text);
	for (i = 0; i < n; i++)
		if (hinge_terms_find(terms, text[i], terms->length[i]) != i)
			corrupt(model, psprintf("%s repeats \"%s\"", what, text[i]));
}

static int
name_index(const char *const *names, int n, const char *name, const char *model,
		   const char *what)
{
	int			i;

	for (i = 0; i < n; i++)
		if (names[i] != NULL && strcmp(names[i], name) == 0)
			return i;
	corrupt(model, psprintf("unknown %s \"%s\"", what, name));
}

static void
read_input(JsonbContainer *object, HingeInput *input, int offset, const char *model)
{
	char	   *kind = string_of(key(object, "kind"), model, "an input's kind");

	memset(input, 0, sizeof(*input));
	input->kind = name_index(kind_names, lengthof(kind_names), kind, model, "input kind");
	input->offset = offset;
	if (input->kind == HINGE_INPUT_PAIRS)
	{
		JsonbContainer *columns = array_of(key(object, "columns"), 2, model, "the columns of pairs");

		input->column = string_of(getIthJsonbValueFromContainer(columns, 0), model, "a column");
		input->column2 = string_of(getIthJsonbValueFromContainer(columns, 1), model, "a column");
	}
	else
		input->column = string_of(key(object, "column"), model, "an input's column");

	switch (input->kind)
	{
		case HINGE_INPUT_NUMBER:
			input->width = 1;
			if (key(object, "impute") != NULL)
			{
				input->has_impute = true;
				input->impute = number_of(key(object, "impute"), model, "impute");
			}
			break;
		case HINGE_INPUT_CATEGORY:
			terms_of(key(object, "categories"), &input->terms, model, "categories");
			input->width = input->terms.n;
			if (input->width < 1)
				corrupt(model, "a categorical column has no categories");
			break;
		case HINGE_INPUT_ARRAY:
		case HINGE_INPUT_SPARSE:
		case HINGE_INPUT_PAIRS:
			input->width = int_of(key(object, "dimension"), 1, HINGE_MAX_ELEMENTS, model, "dimension");
			if (input->kind == HINGE_INPUT_PAIRS && key(object, "l2_normalize") != NULL)
				input->l2_normalize = bool_of(key(object, "l2_normalize"), model, "l2_normalize");
			break;
		case HINGE_INPUT_TSVECTOR:
		case HINGE_INPUT_JSONB:
			input->weighting = name_index(weighting_names, lengthof(weighting_names),
										  string_of(key(object, "weighting"), model, "weighting"),
										  model, "weighting");
			input->l2_normalize = bool_of(key(object, "l2_normalize"), model, "l2_normalize");
			if (key(object, "hash_bits") != NULL)
			{
				input->hash_bits = int_of(key(object, "hash_bits"), 1, 22, model, "hash_bits");
				input->width = 1 << input->hash_bits;
			}
			else
			{
				terms_of(key(object, "terms"), &input->terms, model, "terms");
				input->width = input->terms.n;
			}
			if (input->width < 1)
				corrupt(model, "a text input has no terms");
			if (input->weighting == HINGE_WEIGHT_TFIDF)
			{
				int			j;

				input->idf = numbers_of(key(object, "idf"), input->width, model, "idf");
				for (j = 0; j < input->width; j++)
					if (input->idf[j] <= 0.0)
						corrupt(model, "an idf is not positive");
			}
			break;
	}
	if (key(object, "center") != NULL)
	{
		int			j;

		input->center = numbers_of(key(object, "center"), input->width, model, "center");
		input->scale = numbers_of(key(object, "scale"), input->width, model, "scale");
		for (j = 0; j < input->width; j++)
			if (input->scale[j] <= 0.0)
				corrupt(model, "a scale is not positive");
	}
}

/* Reads and checks a stored encoding */
HingeEncoding *
hinge_encoding_from_jsonb(Jsonb *json, const char *model)
{
	HingeEncoding *encoding = palloc0(sizeof(HingeEncoding));
	JsonbContainer *root = &json->root;
	JsonbContainer *inputs;
	int			offset = 0,
				i;

	if (!JsonContainerIsObject(root))
		corrupt(model, "it is not a JSON object");
	inputs = array_of(key(root, "inputs"), -1, model, "inputs");
	encoding->n_inputs = JsonContainerSize(inputs);
	if (encoding->n_inputs < 1 || encoding->n_inputs > MaxHeapAttributeNumber)
		corrupt(model, "it has no inputs, or too many");
	encoding->inputs = palloc0(sizeof(HingeInput) * encoding->n_inputs);
	encoding->scale = string_of(key(root, "scale"), model, "scale");
	if (strcmp(encoding->scale, "none") != 0 && strcmp(encoding->scale, "standard") != 0 &&
		strcmp(encoding->scale, "maxabs") != 0)
		corrupt(model, "unknown scale");
	for (i = 0; i < encoding->n_inputs; i++)
	{
		JsonbValue *v = getIthJsonbValueFromContainer(inputs, i);
		HingeInput *input = &encoding->inputs[i];

		if (v == NULL || v->type != jbvBinary || !JsonContainerIsObject(v->val.binary.data))
			corrupt(model, "an input is not an object");
		read_input(v->val.binary.data, input, offset, model);
		if ((int64) offset + input->width > HINGE_MAX_ELEMENTS)
			corrupt(model, "it has too many features");
		offset += input->width;
		/* a row's non-zeros: a category gives one, others their width */
		encoding->max_entries += input->kind == HINGE_INPUT_CATEGORY ? 1 : input->width;
	}
	encoding->dimension = offset;
	return encoding;
}

/* Writing one ------------------------------------------------------------- */

static void
append_string(StringInfo out, const char *s)
{
	escape_json(out, s);
}

static void
append_numbers(StringInfo out, const char *name, const float8 *values, int n)
{
	int			i;

	appendStringInfo(out, ", \"%s\": [", name);
	for (i = 0; i < n; i++)
		appendStringInfo(out, "%s%s", i > 0 ? ", " : "", hinge_number_text(values[i]));
	appendStringInfoChar(out, ']');
}

static void
append_terms(StringInfo out, const char *name, const HingeTerms *terms)
{
	int			i;

	appendStringInfo(out, ", \"%s\": [", name);
	for (i = 0; i < terms->n; i++)
	{
		if (i > 0)
			appendStringInfoString(out, ", ");
		append_string(out, terms->text[i]);
	}
	appendStringInfoChar(out, ']');
}

char *
hinge_encoding_to_json(const HingeEncoding *encoding)
{
	StringInfoData out;
	int			i;

	initStringInfo(&out);
	appendStringInfo(&out, "{\"scale\": \"%s\", \"inputs\": [", encoding->scale);
	for (i = 0; i < encoding->n_inputs; i++)
	{
		const HingeInput *input = &encoding->inputs[i];

		appendStringInfo(&out, "%s{\"kind\": \"%s\"", i > 0 ? ", " : "", kind_names[input->kind]);
		if (input->kind == HINGE_INPUT_PAIRS)
		{
			appendStringInfoString(&out, ", \"columns\": [");
			append_string(&out, input->column);
			appendStringInfoString(&out, ", ");
			append_string(&out, input->column2);
			appendStringInfoChar(&out, ']');
		}
		else
		{
			appendStringInfoString(&out, ", \"column\": ");
			append_string(&out, input->column);
		}
		switch (input->kind)
		{
			case HINGE_INPUT_NUMBER:
				if (input->has_impute)
					appendStringInfo(&out, ", \"impute\": %s", hinge_number_text(input->impute));
				break;
			case HINGE_INPUT_CATEGORY:
				append_terms(&out, "categories", &input->terms);
				break;
			case HINGE_INPUT_ARRAY:
			case HINGE_INPUT_SPARSE:
			case HINGE_INPUT_PAIRS:
				appendStringInfo(&out, ", \"dimension\": %d", input->width);
				if (input->kind == HINGE_INPUT_PAIRS)
					appendStringInfo(&out, ", \"l2_normalize\": %s",
									 input->l2_normalize ? "true" : "false");
				break;
			case HINGE_INPUT_TSVECTOR:
			case HINGE_INPUT_JSONB:
				appendStringInfo(&out, ", \"weighting\": \"%s\", \"l2_normalize\": %s",
								 weighting_names[input->weighting],
								 input->l2_normalize ? "true" : "false");
				if (input->hash_bits > 0)
					appendStringInfo(&out, ", \"hash_bits\": %d", input->hash_bits);
				else
					append_terms(&out, "terms", &input->terms);
				if (input->idf != NULL)
					append_numbers(&out, "idf", input->idf, input->width);
				break;
		}
		if (input->center != NULL)
		{
			append_numbers(&out, "center", input->center, input->width);
			append_numbers(&out, "scale", input->scale, input->width);
		}
		appendStringInfoChar(&out, '}');
	}
	appendStringInfoString(&out, "]}");
	return out.data;
}

/*
 * A category as the encoding writes it: the text of its type's output
 * function (a boolean is "t" or "f"), without bpchar's padding.  Training
 * and scoring go through here alike.
 */
char *
hinge_category_text(Datum value, Oid type)
{
	Oid			output;
	bool		varlena;

	if (type == BPCHAROID)
		return TextDatumGetCString(DirectFunctionCall1(rtrim1, value));
	getTypeOutputInfo(type, &output, &varlena);
	return OidOutputFunctionCall(output, value);
}

/*
 * Whether the features are a plain vector: one array or hinge_sparse
 * column, or numbers without imputation, one feature each
 */
bool
hinge_encoding_is_plain(const HingeEncoding *encoding)
{
	int			i;

	if (encoding->n_inputs == 1 && (encoding->inputs[0].kind == HINGE_INPUT_ARRAY ||
									encoding->inputs[0].kind == HINGE_INPUT_SPARSE))
		return true;
	for (i = 0; i < encoding->n_inputs; i++)
		if (encoding->inputs[i].kind != HINGE_INPUT_NUMBER || encoding->inputs[i].has_impute)
			return false;
	return true;
}

/* Whether the features need the encoder (else they are SQL expressions) */
bool
hinge_encoding_needs_encoder(const HingeEncoding *encoding)
{
	int			i;

	for (i = 0; i < encoding->n_inputs; i++)
		if (encoding->inputs[i].kind == HINGE_INPUT_CATEGORY ||
			encoding->inputs[i].kind == HINGE_INPUT_PAIRS ||
			is_text_kind(encoding->inputs[i].kind) ||
			encoding->inputs[i].has_impute)
			return true;
	return false;
}

/* How many columns the encoding reads */
int
hinge_encoding_n_columns(const HingeEncoding *encoding)
{
	int			n = 0,
				i;

	for (i = 0; i < encoding->n_inputs; i++)
		n += encoding->inputs[i].kind == HINGE_INPUT_PAIRS ? 2 : 1;
	return n;
}

/* The columns the encoding reads, in the order hinge_encode_row takes them */
int
hinge_encoding_columns(const HingeEncoding *encoding, const char ***columns)
{
	const char **out = palloc(sizeof(char *) * (2 * encoding->n_inputs));
	int			n = 0,
				i;

	for (i = 0; i < encoding->n_inputs; i++)
	{
		out[n++] = encoding->inputs[i].column;
		if (encoding->inputs[i].kind == HINGE_INPUT_PAIRS)
			out[n++] = encoding->inputs[i].column2;
	}
	*columns = out;
	return n;
}

/* Names ------------------------------------------------------------------- */

/*
 * A feature's readable name: the column of a number, column=category,
 * column[i] of arrays and index/value rows (1-based), the term of text
 * (column:term when the model has more than one text input), and
 * column#h for hashed text.
 */
char *
hinge_feature_name(const HingeEncoding *encoding, int feature, bool one_text_input)
{
	int			i;

	for (i = 0; i < encoding->n_inputs; i++)
	{
		const HingeInput *input = &encoding->inputs[i];
		int			j = feature - input->offset;

		if (j < 0 || j >= input->width)
			continue;
		switch (input->kind)
		{
			case HINGE_INPUT_NUMBER:
				return pstrdup(input->column);
			case HINGE_INPUT_CATEGORY:
				return psprintf("%s=%s", input->column, input->terms.text[j]);
			case HINGE_INPUT_ARRAY:
			case HINGE_INPUT_SPARSE:
				return psprintf("%s[%d]", input->column, j + 1);
			case HINGE_INPUT_PAIRS:
				return psprintf("%s[%d]", input->column2, j + 1);
			case HINGE_INPUT_TSVECTOR:
			case HINGE_INPUT_JSONB:
				if (input->hash_bits > 0)
					return psprintf("%s#%d", input->column, j);
				if (one_text_input)
					return pstrdup(input->terms.text[j]);
				return psprintf("%s:%s", input->column, input->terms.text[j]);
		}
	}
	return psprintf("[%d]", feature + 1);
}

/* Encoding a row ----------------------------------------------------------- */

static void
row_reserve(HingeEncodedRow *row, int more)
{
	if (row->n + more <= row->capacity)
		return;
	row->capacity = Max(2 * row->capacity, row->n + more);
	row->capacity = Max(row->capacity, 16);
	if (row->index == NULL)
	{
		row->index = palloc(sizeof(int32) * row->capacity);
		row->values = palloc(sizeof(float8) * row->capacity);
	}
	else
	{
		row->index = repalloc(row->index, sizeof(int32) * row->capacity);
		row->values = repalloc(row->values, sizeof(float8) * row->capacity);
	}
}

static void
row_add(HingeEncodedRow *row, int32 index, float8 value)
{
	row_reserve(row, 1);
	row->index[row->n] = index;
	row->values[row->n++] = value;
}

pg_noreturn static void
input_error(const HingeInput *input, const char *message, const char *hint)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("column \"%s\": %s", input->column, message),
			 errhint("%s", hint)));
}

static void
check_finite_value(const HingeInput *input, float8 value)
{
	if (unlikely(!isfinite(value)))
		input_error(input, psprintf("%s is not a finite number", hinge_number_text(value)),
					"hinge accepts finite numbers only: replace or filter out NaN and Infinity.");
}

/* A number column's value (of base type type) as float8, as ::float8 gives it */
float8
hinge_number_value(Datum value, Oid type)
{
	switch (type)
	{
		case INT2OID:
			return (float8) DatumGetInt16(value);
		case INT4OID:
			return (float8) DatumGetInt32(value);
		case INT8OID:
			return (float8) DatumGetInt64(value);
		case FLOAT4OID:
			return (float8) DatumGetFloat4(value);
		case FLOAT8OID:
			return DatumGetFloat8(value);
		default:
			return DatumGetFloat8(DirectFunctionCall1(numeric_float8, value));
	}
}

/* The column types an input accepts, for errors */
static const char *
wanted_type(const HingeInput *input, int which)
{
	switch (input->kind)
	{
		case HINGE_INPUT_NUMBER:
			return "a number";
		case HINGE_INPUT_CATEGORY:
			return "text, varchar, char, an enum or boolean";
		case HINGE_INPUT_ARRAY:
		case HINGE_INPUT_SPARSE:
			return "double precision[], real[] or hinge_sparse";
		case HINGE_INPUT_PAIRS:
			return which == 0 ? "integer[]" : "double precision[] or real[]";
		case HINGE_INPUT_TSVECTOR:
			return "tsvector";
		case HINGE_INPUT_JSONB:
			return "jsonb";
	}
	return "?";
}

/*
 * Errors out unless a column of type can feed the input (which: 1 for the
 * values column of pairs); sparse_type is the extension's hinge_sparse.
 */
void
hinge_check_input_type(const HingeInput *input, int which, Oid type, Oid sparse_type)
{
	bool		ok;

	switch (input->kind)
	{
		case HINGE_INPUT_NUMBER:
			ok = hinge_is_number_type(type);
			break;
		case HINGE_INPUT_CATEGORY:
			ok = hinge_is_category_type(type);
			break;
		case HINGE_INPUT_ARRAY:
		case HINGE_INPUT_SPARSE:
			/* a row of features, dense or sparse alike */
			ok = type == FLOAT8ARRAYOID || type == FLOAT4ARRAYOID || type == sparse_type;
			break;
		case HINGE_INPUT_PAIRS:
			ok = which == 0 ? type == INT4ARRAYOID :
				(type == FLOAT8ARRAYOID || type == FLOAT4ARRAYOID);
			break;
		case HINGE_INPUT_TSVECTOR:
			ok = type == TSVECTOROID;
			break;
		case HINGE_INPUT_JSONB:
			ok = type == JSONBOID;
			break;
		default:
			ok = false;
	}
	if (!ok)
		hinge_column_type_error(which == 0 ? input->column : input->column2, type,
								wanted_type(input, which),
								"The model reads its columns by name: pass a row with columns of the types it was trained on.");
}

/* The row's entries from start on, sorted by position, repeats summed */
static int
compare_entries(const void *a, const void *b)
{
	const int32 *x = a;
	const int32 *y = b;

	return (*x > *y) - (*x < *y);
}

static void
sort_block(HingeEncodedRow *row, int start)
{
	int			n = row->n - start;
	int32	   *pairs;
	int			k,
				out;

	if (n < 2)
		return;
	/* sort (position, value slot) pairs, then gather */
	pairs = palloc(sizeof(int32) * 2 * n);
	for (k = 0; k < n; k++)
	{
		pairs[2 * k] = row->index[start + k];
		pairs[2 * k + 1] = k;
	}
	qsort(pairs, n, sizeof(int32) * 2, compare_entries);
	{
		float8	   *values = palloc(sizeof(float8) * n);

		memcpy(values, row->values + start, sizeof(float8) * n);
		out = start;
		for (k = 0; k < n; k++)
		{
			if (out > start && row->index[out - 1] == pairs[2 * k])
				row->values[out - 1] += values[pairs[2 * k + 1]];
			else
			{
				row->index[out] = pairs[2 * k];
				row->values[out++] = values[pairs[2 * k + 1]];
			}
		}
		pfree(values);
	}
	pfree(pairs);
	row->n = out;
}

/* Scales the block from start to unit Euclidean length (a zero block stays) */
static void
normalise_block(HingeEncodedRow *row, int start)
{
	HingeVector v = hinge_float8_vector(row->values + start, row->n - start);
	float8		norm;
	int			k;

	if (v.n == 0)
		return;
	norm = hinge_norm(row->values + start, v.n);
	if (norm > 0.0)
		for (k = start; k < row->n; k++)
			row->values[k] /= norm;
}

/* A term's weight from its count (tsvector) or value (jsonb) */
static float8
term_weight(const HingeInput *input, int j, float8 value)
{
	switch (input->weighting)
	{
		case HINGE_WEIGHT_COUNT:
			return value;
		case HINGE_WEIGHT_BINARY:
			return value != 0.0 ? 1.0 : 0.0;
		case HINGE_WEIGHT_SUBLINEAR:
			if (value <= 0.0)
				input_error(input, psprintf("a term's value %s is not positive, as sublinear weighting (1 + log) needs",
											hinge_number_text(value)),
							"Use weighting 'count' or 'binary' for values that may be zero or negative.");
			return 1.0 + log(value);
		case HINGE_WEIGHT_TFIDF:
			return value * (input->hash_bits > 0 ? 1.0 : input->idf[j]);
	}
	return value;
}

/* The feature (0-based) of a term hashed into 2^bits features */
int
hinge_term_hash_of(const char *text, int length, int bits)
{
	return (int) (fnv1a(text, length) & ((UINT64CONST(1) << bits) - 1));
}

/* A term's feature within its block, or -1 when unknown */
static int
term_feature(const HingeInput *input, const char *text, int length)
{
	if (input->hash_bits > 0)
		return hinge_term_hash_of(text, length, input->hash_bits);
	return hinge_terms_find(&input->terms, text, length);
}

static void
encode_tsvector(const HingeInput *input, TSVector tsv, HingeEncodedRow *row)
{
	WordEntry  *entries = ARRPTR(tsv);
	char	   *strings = STRPTR(tsv);
	int			i;

	row_reserve(row, tsv->size);
	for (i = 0; i < tsv->size; i++)
	{
		int			j = term_feature(input, strings + entries[i].pos, entries[i].len);
		float8		count = entries[i].haspos ? POSDATALEN(tsv, &entries[i]) : 1;

		if (j >= 0)
			row_add(row, input->offset + j, term_weight(input, j, count));
	}
}

static void
encode_jsonb(const HingeInput *input, Jsonb *json, HingeEncodedRow *row)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken token;
	int			j = -1;
	char	   *term = NULL;

	if (!JsonContainerIsObject(&json->root))
		input_error(input, "a value is not a JSON object",
					"A jsonb feature column holds objects of feature name: number, such as '{\"word:free\": 2}'.");
	it = JsonbIteratorInit(&json->root);
	while ((token = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (token == WJB_KEY)
		{
			j = term_feature(input, v.val.string.val, v.val.string.len);
			term = pnstrdup(v.val.string.val, v.val.string.len);
		}
		else if (token == WJB_VALUE)
		{
			float8		value;

			if (v.type != jbvNumeric)
				input_error(input, psprintf("feature \"%s\" has a value that is not a number", term),
							"A jsonb feature column holds objects of feature name: number, such as '{\"word:free\": 2}'.");
			value = DatumGetFloat8(DirectFunctionCall1(numeric_float8, NumericGetDatum(v.val.numeric)));
			check_finite_value(input, value);
			if (j >= 0 && value != 0.0)
				row_add(row, input->offset + j, term_weight(input, j, value));
		}
	}
}

static void
encode_pairs(const HingeInput *input, ArrayType *positions, ArrayType *values_array,
			 HingeEncodedRow *row)
{
	int			n = ARR_NDIM(positions) == 0 ? 0 : ArrayGetNItems(ARR_NDIM(positions), ARR_DIMS(positions));
	int			n_values = ARR_NDIM(values_array) == 0 ? 0 :
		ArrayGetNItems(ARR_NDIM(values_array), ARR_DIMS(values_array));
	const int32 *p = (const int32 *) ARR_DATA_PTR(positions);
	HingeVector values;
	int			k;

	if (n != n_values || ARR_NDIM(positions) > 1 || ARR_NDIM(values_array) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("columns \"%s\" and \"%s\" have %d positions and %d values",
						input->column, input->column2, n, n_values),
				 errhint("Each position needs its value: the two columns hold one-dimensional arrays side by side.")));
	if ((ARR_HASNULL(positions) && array_contains_nulls(positions)) ||
		(ARR_HASNULL(values_array) && array_contains_nulls(values_array)))
		input_error(input, "positions and values must not contain NULL elements",
					"Filter out the pairs whose position or value is NULL.");
	if (n == 0)
		return;
	values = hinge_vector_arg(values_array, input->column2);
	row_reserve(row, n);
	for (k = 0; k < n; k++)
	{
		float8		value = hinge_vector_get(values, k);

		if (p[k] < 1 || p[k] > input->width)
			ereport(ERROR,
					(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
					 errmsg("column \"%s\": position %d is out of range 1 .. %d",
							input->column, p[k], input->width),
					 errhint("Positions are 1-based and at most the model's dimension, %d.",
							 input->width)));
		if (k > 0 && p[k] <= p[k - 1])
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("column \"%s\": positions must be ascending and distinct: %d follows %d",
							input->column, p[k], p[k - 1]),
					 errhint("Sort the pairs by position and add up repeated positions first.")));
		check_finite_value(input, value);
		if (value != 0.0)
			row_add(row, input->offset + p[k] - 1, value);
	}
}

static void
encode_dense(const HingeInput *input, HingeVector x, HingeEncodedRow *row)
{
	int			k;

	if (x.n != input->width)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("column \"%s\" has %d features, but the model was trained on %d",
						input->column, x.n, input->width),
				 errhint("Pass rows of the length the model was trained on.")));
	row_reserve(row, hinge_vector_stored(x));
	for (k = 0; k < hinge_vector_stored(x); k++)
	{
		float8		value = hinge_vector_stored_value(x, k);

		check_finite_value(input, value);
		if (value != 0.0)
			row_add(row, input->offset + hinge_vector_stored_position(x, k), value);
	}
}

bool
hinge_encode_row(const HingeEncoding *encoding, const Datum *values, const bool *isnull,
				 const Oid *types, HingeEncodedRow *row)
{
	int			c = 0,
				i;

	row->n = 0;
	for (i = 0; i < encoding->n_inputs; i++)
	{
		const HingeInput *input = &encoding->inputs[i];
		int			start = row->n;
		Datum		value = values[c];
		bool		null = isnull[c];
		Oid			type = types[c];

		c += input->kind == HINGE_INPUT_PAIRS ? 2 : 1;
		if (null || (input->kind == HINGE_INPUT_PAIRS && isnull[c - 1]))
		{
			if (input->kind == HINGE_INPUT_NUMBER && !input->has_impute)
				return false;
			if (input->kind == HINGE_INPUT_NUMBER && input->impute != 0.0)
				row_add(row, input->offset, input->impute);
			/* a NULL category, text or row: no features of that block */
			continue;
		}
		switch (input->kind)
		{
			case HINGE_INPUT_NUMBER:
				{
					float8		x = hinge_number_value(value, type);

					check_finite_value(input, x);
					if (x != 0.0)
						row_add(row, input->offset, x);
				}
				break;
			case HINGE_INPUT_CATEGORY:
				{
					int			j;

					/* text and booleans found without a copy; others by their text */
					if (type == TEXTOID || type == VARCHAROID)
					{
						text	   *t = DatumGetTextPP(value);

						j = hinge_terms_find(&input->terms, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
					}
					else if (type == BOOLOID)
						j = hinge_terms_find(&input->terms, DatumGetBool(value) ? "t" : "f", 1);
					else
					{
						char	   *text = hinge_category_text(value, type);

						j = hinge_terms_find(&input->terms, text, strlen(text));
					}
					if (j >= 0)
						row_add(row, input->offset + j, 1.0);
				}
				break;
			case HINGE_INPUT_ARRAY:
			case HINGE_INPUT_SPARSE:
				encode_dense(input, hinge_vector_arg(DatumGetArrayTypeP(value), input->column), row);
				break;
			case HINGE_INPUT_PAIRS:
				encode_pairs(input, DatumGetArrayTypeP(value), DatumGetArrayTypeP(values[c - 1]), row);
				if (input->l2_normalize)
					normalise_block(row, start);
				break;
			case HINGE_INPUT_TSVECTOR:
				encode_tsvector(input, DatumGetTSVector(value), row);
				sort_block(row, start);
				if (input->l2_normalize)
					normalise_block(row, start);
				break;
			case HINGE_INPUT_JSONB:
				encode_jsonb(input, DatumGetJsonbP(value), row);
				sort_block(row, start);
				if (input->l2_normalize)
					normalise_block(row, start);
				break;
		}
	}
	return true;
}

/* A view of an encoded row as a sparse vector of the encoding's dimension */
HingeVector
hinge_encoded_vector(const HingeEncoding *encoding, const HingeEncodedRow *row)
{
	HingeVector v = {encoding->dimension, HINGE_SPARSE, row->values, row->n, row->index};

	return v;
}

/*
 * The scaling of every feature, for the change of variables (NULL when
 * unscaled): center[j] and scale[j], 0 and 1 for features not scaled.
 */
bool
hinge_encoding_scaling(const HingeEncoding *encoding, float8 **center, float8 **scale)
{
	int			i,
				j;

	if (strcmp(encoding->scale, "none") == 0)
		return false;
	*center = palloc0(sizeof(float8) * encoding->dimension);
	*scale = palloc(sizeof(float8) * encoding->dimension);
	for (j = 0; j < encoding->dimension; j++)
		(*scale)[j] = 1.0;
	for (i = 0; i < encoding->n_inputs; i++)
	{
		const HingeInput *input = &encoding->inputs[i];

		if (input->center == NULL)
			continue;
		memcpy(*center + input->offset, input->center, sizeof(float8) * input->width);
		memcpy(*scale + input->offset, input->scale, sizeof(float8) * input->width);
	}
	return true;
}
