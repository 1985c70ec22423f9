/*
 * survey.c
 *		What a training learns about its features before the solver runs
 *		(hinge_survey): the categories of categorical columns, the
 *		vocabulary and document frequencies of text, the dimension of
 *		index/value rows, and the statistics that impute NULL numbers and
 *		scale features.  It fills in the row source's encoding.
 *
 * One scan gathers the categories and the statistics of every input; each
 * text input with a vocabulary (or hashed with tf-idf) takes one grouping
 * query of its own.  Plain array rows without scaling need none of it: the
 * count that every training makes gives their width.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"

#include "encoding.h"
#include "survey.h"
#include "vector.h"

/* The statistics of one feature: hinge_feature_stats's four numbers */
#define FS_PER		4

static bool
is_text(const HingeInput *input)
{
	return input->kind == HINGE_INPUT_TSVECTOR || input->kind == HINGE_INPUT_JSONB;
}

pg_noreturn static void
option_error(const char *option, const char *applies_to)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s applies to %s, which these features do not have", option, applies_to),
			 errhint("Leave %s out.", option)));
}

/* The options of text and index/value inputs, checked against the inputs */
static void
apply_options(HingeEncoding *encoding, const HingeFeatureOptions *options)
{
	bool		has_text = false,
				has_pairs = false;
	int			i;

	for (i = 0; i < encoding->n_inputs; i++)
	{
		HingeInput *input = &encoding->inputs[i];

		if (input->kind == HINGE_INPUT_NUMBER)
			input->width = 1;
		has_text |= is_text(input);
		has_pairs |= input->kind == HINGE_INPUT_PAIRS;
		if (is_text(input))
		{
			/* tf-idf for documents; jsonb bags hold their own values */
			input->weighting = options->weighting != NULL ?
				(strcmp(options->weighting, "count") == 0 ? HINGE_WEIGHT_COUNT :
				 strcmp(options->weighting, "binary") == 0 ? HINGE_WEIGHT_BINARY :
				 strcmp(options->weighting, "sublinear") == 0 ? HINGE_WEIGHT_SUBLINEAR :
				 HINGE_WEIGHT_TFIDF) :
				input->kind == HINGE_INPUT_TSVECTOR ? HINGE_WEIGHT_TFIDF : HINGE_WEIGHT_COUNT;
			input->l2_normalize = options->l2_normalize != 0;
			input->hash_bits = options->hash_bits;
		}
		else if (input->kind == HINGE_INPUT_PAIRS)
			input->l2_normalize = options->l2_normalize == 1;
	}
	if (!has_text && options->weighting != NULL)
		option_error("weighting", "text features (tsvector or jsonb columns)");
	if (!has_text && options->hash_bits > 0)
		option_error("hash_bits", "text features (tsvector or jsonb columns)");
	if (!has_text && !has_pairs && options->l2_normalize >= 0)
		option_error("l2_normalize", "text features or index/value rows");
	if (!has_pairs && options->dimension > 0)
		option_error("dimension", "index/value rows (a list of an integer[] and a float8[] or real[] column)");
	encoding->scale = options->scale;
}

/* The encoding of one index/value input alone, of dimension width */
static char *
pairs_alone(const HingeInput *input, int width)
{
	HingeEncoding alone = {0};
	HingeInput copy = *input;

	copy.offset = 0;
	copy.width = width;
	copy.l2_normalize = false;
	alone.n_inputs = 1;
	alone.inputs = &copy;
	alone.scale = "none";
	alone.dimension = width;
	return hinge_encoding_to_json(&alone);
}

/* Reads the summaries hinge_feature_stats returned, one input at a time */
typedef struct Summary
{
	bool		present;
	float8		rows;
	int			width;
	const float8 *features;		/* width x (count, mean, M2, maxabs) */
	bool		sparse;
} Summary;

static Summary
summary_at(HeapTuple tuple, TupleDesc desc, int column)
{
	Summary		s = {0};
	bool		isnull;
	Datum		value = SPI_getbinval(tuple, desc, column, &isnull);
	ArrayType  *array;
	const float8 *data;

	hinge_check_column_type(column, FLOAT8ARRAYOID);
	if (isnull)
		return s;
	array = DatumGetArrayTypeP(value);
	data = (const float8 *) ARR_DATA_PTR(array);
	s.present = true;
	s.sparse = data[0] != 0.0;
	s.rows = data[1];
	s.width = (int) data[2];
	s.features = data + 3;
	return s;
}

/*
 * The center and scale of a feature from its summary: counts of values
 * (the rest are zeros for sparse rows, imputed for numbers), and the
 * scaling asked for.  A constant feature, or one of all zeros, gets scale 1.
 */
static void
feature_scaling(const char *scale, const float8 *f, float8 rows, bool missing_are_zeros,
				bool impute_mean, float8 *center, float8 *scale_by)
{
	float8		count = f[0],
				mean = f[1],
				m2 = f[2],
				maxabs = f[3];

	if (missing_are_zeros && count < rows)
	{
		/* Chan's merge with rows - count zeros */
		float8		zeros = rows - count;

		m2 += mean * mean * count * zeros / rows;
		mean = mean * count / rows;
	}
	/* imputed means add rows at the mean: M2 unchanged */
	(void) impute_mean;
	if (strcmp(scale, "standard") == 0)
	{
		float8		sd = rows > 0 ? sqrt(m2 / rows) : 0.0;

		*center = mean;
		*scale_by = sd > 0.0 ? sd : 1.0;
	}
	else
	{
		*center = 0.0;
		*scale_by = maxabs > 0.0 ? maxabs : 1.0;
	}
}

static void
set_scaling(HingeInput *input, const char *scale, const Summary *s, int first,
			bool missing_are_zeros, bool impute_mean)
{
	int			j;

	input->center = palloc(sizeof(float8) * input->width);
	input->scale = palloc(sizeof(float8) * input->width);
	for (j = 0; j < input->width; j++)
	{
		static const float8 none[FS_PER] = {0};
		const float8 *f = first + j < s->width ? s->features + FS_PER * (first + j) : none;

		feature_scaling(scale, f, s->rows, missing_are_zeros, impute_mean,
						&input->center[j], &input->scale[j]);
	}
}

/* A category column's values, from its array_agg, checked against the limit */
static void
read_categories(HingeInput *input, HeapTuple tuple, TupleDesc desc, int column,
				const HingeFeatureOptions *options)
{
	bool		isnull;
	Datum		value = SPI_getbinval(tuple, desc, column, &isnull);
	ArrayType  *array;
	int16		typlen;
	bool		typbyval;
	char		typalign;
	Datum	   *elems;
	int			n,
				i;
	char	  **words;

	if (isnull)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("categorical column \"%s\" is NULL in every training row", input->column),
				 errhint("Leave the column out of features: it cannot tell rows apart.")));
	array = DatumGetArrayTypeP(value);
	get_typlenbyvalalign(ARR_ELEMTYPE(array), &typlen, &typbyval, &typalign);
	deconstruct_array(array, ARR_ELEMTYPE(array), typlen, typbyval, typalign, &elems, NULL, &n);
	if (n > options->max_categories)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("categorical column \"%s\" has %d distinct values, more than max_categories (%d)",
						input->column, n, options->max_categories),
				 errhint("Each value becomes a feature: raise max_categories, group rare values first, or leave out a column that identifies rows.")));
	words = palloc(sizeof(char *) * n);
	for (i = 0; i < n; i++)
		words[i] = hinge_category_text(elems[i], getBaseType(ARR_ELEMTYPE(array)));
	hinge_terms_build(&input->terms, n, words);
	/* two values of the type with one text (as bpchar's padding) are one */
	for (i = 0; i < n; i++)
		if (hinge_terms_find(&input->terms, words[i], strlen(words[i])) != i)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("categorical column \"%s\" has two values written \"%s\"",
							input->column, words[i]),
					 errhint("Cast the column to text in a view, so that equal texts are one category.")));
	input->width = n;
}

static int
compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

/* The terms of one text input with their document frequencies */
static void
learn_vocabulary(HingeRowSource *src, HingeInput *input, int column,
				 const HingeFeatureOptions *options)
{
	HingeParams params = {0};
	const char *column_sql = quote_identifier(src->feature_columns[column]);
	char	   *documents;
	char	   *terms_sql;
	char	   *query;
	uint64		i;
	float8		n = (float8) src->rows_used;

	/* the rows' documents; non-objects have no keys (the encoder says so) */
	if (input->kind == HINGE_INPUT_TSVECTOR)
	{
		documents = psprintf("(SELECT %s AS d %s) AS r", column_sql, hinge_row_source_sql(src));
		terms_sql = "pg_catalog.unnest(r.d) AS t";
	}
	else
	{
		documents = psprintf("(SELECT CASE WHEN pg_catalog.jsonb_typeof(%s) OPERATOR(pg_catalog.=) 'object' "
							 "THEN %s END AS d %s) AS r", column_sql, column_sql,
							 hinge_row_source_sql(src));
		terms_sql = "pg_catalog.jsonb_object_keys(r.d) AS t(lexeme)";
	}

	if (input->hash_bits > 0)
	{
		/* hashed: the document frequency of every feature, for tf-idf */
		input->width = 1 << input->hash_bits;
		if (input->weighting != HINGE_WEIGHT_TFIDF)
			return;
		query = psprintf("SELECT h.b, pg_catalog.count(*)::pg_catalog.float8 FROM %s, "
						 "LATERAL (SELECT DISTINCT %s.hinge_term_hash(t.lexeme, %s) AS b FROM %s) AS h "
						 "GROUP BY h.b",
						 documents, src->ext,
						 hinge_param(&params, INT4OID, Int32GetDatum(input->hash_bits)),
						 terms_sql);
		if (SPI_execute_with_args(query, params.n, params.types, params.values, NULL, true, 0) != SPI_OK_SELECT)
			elog(ERROR, "could not read the terms of column \"%s\"", input->column);
		hinge_check_column_type(1, INT4OID);
		hinge_check_column_type(2, FLOAT8OID);
		input->idf = palloc(sizeof(float8) * input->width);
		for (i = 0; i < (uint64) input->width; i++)
			input->idf[i] = log((1.0 + n) / 1.0) + 1.0;
		for (i = 0; i < SPI_processed; i++)
		{
			bool		isnull;
			int32		b = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &isnull));
			float8		df = DatumGetFloat8(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2, &isnull));

			if (b >= 0 && b < input->width)
				input->idf[b] = log((1.0 + n) / (1.0 + df)) + 1.0;
		}
		SPI_freetuptable(SPI_tuptable);
		return;
	}

	/*
	 * The max_features most frequent terms in at least min_df rows: by their
	 * count over all rows (a lexeme counts its positions; a key, its rows),
	 * as scikit-learn's vectorisers choose them
	 */
	query = psprintf("SELECT t.lexeme::pg_catalog.text, pg_catalog.count(*)::pg_catalog.float8 "
					 "FROM %s, %s GROUP BY t.lexeme "
					 "HAVING pg_catalog.count(*) OPERATOR(pg_catalog.>=) %s "
					 "ORDER BY pg_catalog.sum(%s) DESC, t.lexeme::pg_catalog.text COLLATE pg_catalog.\"C\" LIMIT %s",
					 documents, terms_sql,
					 hinge_param(&params, INT8OID, Int64GetDatum(options->min_df)),
					 input->kind == HINGE_INPUT_TSVECTOR ?
					 "COALESCE(pg_catalog.cardinality(t.positions), 1)" : "1",
					 hinge_param(&params, INT8OID, Int64GetDatum(options->max_features)));
	if (SPI_execute_with_args(query, params.n, params.types, params.values, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read the terms of column \"%s\"", input->column);
	hinge_check_column_type(1, TEXTOID);
	hinge_check_column_type(2, FLOAT8OID);
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_NO_DATA_FOUND),
				 errmsg("no term of column \"%s\" appears in %d or more training rows",
						input->column, options->min_df),
				 errhint("Lower min_df, or check that the column holds text features.")));
	{
		int			n_terms = (int) SPI_processed;
		char	  **words = palloc(sizeof(char *) * n_terms);
		float8	   *df = palloc(sizeof(float8) * n_terms);
		char	  **sorted = palloc(sizeof(char *) * n_terms);

		for (i = 0; i < SPI_processed; i++)
		{
			bool		isnull;

			words[i] = TextDatumGetCString(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &isnull));
			df[i] = DatumGetFloat8(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2, &isnull));
			sorted[i] = words[i];
		}
		SPI_freetuptable(SPI_tuptable);
		/* features in the terms' byte order, as scikit-learn sorts them */
		qsort(sorted, n_terms, sizeof(char *), compare_strings);
		hinge_terms_build(&input->terms, n_terms, sorted);
		input->width = n_terms;
		if (input->weighting == HINGE_WEIGHT_TFIDF)
		{
			input->idf = palloc(sizeof(float8) * n_terms);
			for (i = 0; i < (uint64) n_terms; i++)
				input->idf[hinge_terms_find(&input->terms, words[i], strlen(words[i]))] =
					log((1.0 + n) / (1.0 + df[i])) + 1.0;
		}
	}
}

void
hinge_survey(HingeRowSource *src, const HingeFeatureOptions *options)
{
	HingeEncoding *encoding = src->encoding;
	bool		scaled = strcmp(options->scale, "none") != 0;
	bool		impute_mean = strcmp(options->impute, "mean") == 0;
	HingeParams params = {0};
	StringInfoData sql;
	int		   *at = palloc0(sizeof(int) * encoding->n_inputs);
	int			numbers = 0,
				n_items = 0,
				column = 0,
				offset = 0,
				i;
	bool		any_number_stats;

	apply_options(encoding, options);
	/* one array or hinge_sparse column: the count gave the width */
	if (!src->feature_list && (encoding->inputs[0].kind == HINGE_INPUT_ARRAY ||
							   encoding->inputs[0].kind == HINGE_INPUT_SPARSE))
		encoding->inputs[0].width = src->n_features;

	/* one scan: categories, the numbers' statistics, widths and dimensions */
	initStringInfo(&sql);
	for (i = 0; i < encoding->n_inputs; i++)
		numbers += encoding->inputs[i].kind == HINGE_INPUT_NUMBER;
	any_number_stats = numbers > 0 && (scaled || impute_mean);
	if (any_number_stats)
	{
		int			c = 0;

		appendStringInfo(&sql, "%s.hinge_feature_stats(ARRAY[", src->ext);
		for (i = 0; i < encoding->n_inputs; i++)
			if (encoding->inputs[i].kind == HINGE_INPUT_NUMBER)
				appendStringInfo(&sql, "%s%s::pg_catalog.float8", c++ > 0 ? ", " : "",
								 quote_identifier(encoding->inputs[i].column));
		appendStringInfoString(&sql, "])");
		n_items++;
	}
	for (i = 0; i < encoding->n_inputs; i++)
	{
		HingeInput *input = &encoding->inputs[i];
		const char *col = quote_identifier(input->column);

		switch (input->kind)
		{
			case HINGE_INPUT_CATEGORY:
				appendStringInfo(&sql, "%spg_catalog.array_agg(DISTINCT %s ORDER BY %s) FILTER (WHERE %s IS NOT NULL)",
								 n_items > 0 ? ", " : "", col, col, col);
				at[i] = ++n_items;
				break;
			case HINGE_INPUT_ARRAY:
			case HINGE_INPUT_SPARSE:
				if (!src->feature_list && !scaled)
					break;		/* the count gave the width */
				appendStringInfo(&sql, "%s%s.hinge_feature_stats(%s)", n_items > 0 ? ", " : "",
								 src->ext, col);
				at[i] = ++n_items;
				break;
			case HINGE_INPUT_PAIRS:
				/* the stats' width is the largest position seen */
				appendStringInfo(&sql, "%s%s.hinge_feature_stats(%s.hinge_encode(%s::pg_catalog.jsonb, ROW(%s, %s)))",
								 n_items > 0 ? ", " : "", src->ext, src->ext,
								 hinge_param(&params, JSONBOID,
											 DirectFunctionCall1(jsonb_in, CStringGetDatum(
																   pairs_alone(input, options->dimension > 0 ?
																			   options->dimension :
																			   HINGE_MAX_ELEMENTS / 2)))),
								 col, quote_identifier(input->column2));
				at[i] = ++n_items;
				break;
			default:
				break;
		}
	}
	if (n_items > 0)
	{
		HeapTuple	tuple;
		TupleDesc	desc;
		Summary		number_stats = {0};
		int			number = 0;

		if (SPI_execute_with_args(psprintf("SELECT %s %s", sql.data, hinge_row_source_sql(src)),
								  params.n, params.types, params.values, NULL, true, 0) != SPI_OK_SELECT ||
			SPI_processed != 1)
			elog(ERROR, "could not survey the features of %s", src->relation);
		tuple = SPI_tuptable->vals[0];
		desc = SPI_tuptable->tupdesc;
		if (any_number_stats)
			number_stats = summary_at(tuple, desc, 1);
		for (i = 0; i < encoding->n_inputs; i++)
		{
			HingeInput *input = &encoding->inputs[i];
			Summary		s;

			switch (input->kind)
			{
				case HINGE_INPUT_NUMBER:
					input->width = 1;
					if (number_stats.present)
					{
						const float8 *f = number_stats.features + FS_PER * number;

						if (impute_mean)
							input->impute = f[0] > 0 ? f[1] : 0.0;
						if (scaled)
						{
							Summary		one = number_stats;

							one.features = f;
							one.width = 1;
							set_scaling(input, options->scale, &one, 0,
										strcmp(options->impute, "zero") == 0, impute_mean);
						}
					}
					number++;
					break;
				case HINGE_INPUT_CATEGORY:
					read_categories(input, tuple, desc, at[i], options);
					break;
				case HINGE_INPUT_ARRAY:
				case HINGE_INPUT_SPARSE:
				case HINGE_INPUT_PAIRS:
					if (at[i] == 0)
						break;
					s = summary_at(tuple, desc, at[i]);
					if (input->kind == HINGE_INPUT_PAIRS)
						input->width = options->dimension > 0 ? options->dimension : Max(s.width, 1);
					else if (src->feature_list)
						input->width = s.width; /* an array in a list */
					if (scaled)
						set_scaling(input, options->scale, &s, 0, s.sparse, false);
					break;
				default:
					break;
			}
		}
		SPI_freetuptable(SPI_tuptable);
	}

	/* the text inputs' vocabularies, and the rest of the widths */
	for (i = 0; i < encoding->n_inputs; i++)
	{
		HingeInput *input = &encoding->inputs[i];

		if (is_text(input))
			learn_vocabulary(src, input, column, options);
		if (input->width < 1)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("feature column \"%s\" gives no features", input->column),
					 errhint("Leave the column out of features.")));
		input->offset = offset;
		if ((int64) offset + input->width > HINGE_MAX_ELEMENTS / 2)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("the features have more than %d dimensions", HINGE_MAX_ELEMENTS / 2),
					 errhint("Lower max_features or hash_bits, or max_categories.")));
		offset += input->width;
		encoding->max_entries += input->kind == HINGE_INPUT_CATEGORY ? 1 : input->width;
		column += input->kind == HINGE_INPUT_PAIRS ? 2 : 1;
	}
	encoding->dimension = offset;
	src->n_features = offset;
}

/*
 * hinge_encoding_scaling's centres and scales, but from statistics of
 * encoded rows (hinge_feature_stats of the features the encoding gives:
 * [sparse, rows, width, then count, mean, M2, maxabs per feature]) of some
 * rows only, such as a fold's training rows: center and scale have the
 * encoding's dimension.  A feature the encoding does not scale keeps
 * centre 0 and scale 1.  In encoded rows missing numbers are already
 * imputed and the zeros of sparse rows are values, as feature_scaling
 * counts them.
 */
void
hinge_encoding_scaling_of(const HingeEncoding *encoding, const float8 *stats,
						  float8 *center, float8 *scale)
{
	static const float8 none[FS_PER] = {0};
	bool		sparse = stats[0] != 0.0;
	float8		rows = stats[1];
	int			width = (int) stats[2];
	int			i,
				j;

	for (j = 0; j < encoding->dimension; j++)
	{
		center[j] = 0.0;
		scale[j] = 1.0;
	}
	for (i = 0; i < encoding->n_inputs; i++)
	{
		const HingeInput *input = &encoding->inputs[i];

		if (input->center == NULL)
			continue;		/* not scaled */
		for (j = input->offset; j < input->offset + input->width; j++)
			feature_scaling(encoding->scale, j < width ? stats + 3 + FS_PER * j : none,
							rows, sparse, false, &center[j], &scale[j]);
	}
}
