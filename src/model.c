/*
 * model.c
 *		Stored models: scoring and predicting by model name, and evaluating
 *		a model on a relation.
 *
 * A model is a row of hinge_model.  Scoring functions read it once per
 * statement (the first call loads it into fn_extra, which lives as long as
 * the statement's expression), so a view that scores every row by name
 * costs one catalog-sized lookup, not one per row; and a statement that
 * starts after a model was retrained sees the new one.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "utils/builtins.h"

#include "hinge.h"

/* A model as the scoring functions need it */
typedef struct ModelCache
{
	char	   *name;
	int			n_rows;			/* 1 for a binary model, else the classes */
	int			n_weights;		/* per row */
	int			n_features;
	float8	   *weights;
	int			n_classes;
	char	  **classes;		/* binary: negative, positive */
	char	   *positive;
	float8		lambda;
	char	   *loss;
	float8		gamma;
	float8		class_weights[2];
} ModelCache;

/* Reads model name from hinge_model into memory of context mcxt */
static ModelCache *
load_model(const char *ext, const char *name, MemoryContext mcxt)
{
	ModelCache *model;
	Oid			argtypes[1] = {TEXTOID};
	Datum		values[1];
	HeapTuple	tuple;
	TupleDesc	tupdesc;
	MemoryContext old;
	ArrayType  *weights;
	ArrayType  *classes;
	ArrayType  *class_weights;
	Datum	   *elems;
	bool	   *nulls;
	int			n,
				i;
	bool		isnull;

	SPI_connect();
	values[0] = CStringGetTextDatum(name);
	if (SPI_execute_with_args(psprintf("SELECT weights, classes, positive_class, n_features, "
									   "lambda, loss, gamma, class_weights "
									   "FROM %s.hinge_model WHERE name = $1", ext),
							  1, argtypes, values, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read model \"%s\"", name);
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("model \"%s\" does not exist", name),
				 errhint("Train it with hinge_train, or list the models with SELECT name FROM hinge_model. To score with a weight array instead, give it a type: '{...}'::float8[].")));
	tuple = SPI_tuptable->vals[0];
	tupdesc = SPI_tuptable->tupdesc;

	old = MemoryContextSwitchTo(mcxt);
	model = palloc0(sizeof(ModelCache));
	model->name = pstrdup(name);
	weights = DatumGetArrayTypePCopy(SPI_getbinval(tuple, tupdesc, 1, &isnull));
	model->n_rows = ARR_NDIM(weights) == 2 ? ARR_DIMS(weights)[0] : 1;
	model->n_weights = ArrayGetNItems(ARR_NDIM(weights), ARR_DIMS(weights)) / model->n_rows;
	model->weights = (float8 *) ARR_DATA_PTR(weights);
	classes = DatumGetArrayTypeP(SPI_getbinval(tuple, tupdesc, 2, &isnull));
	deconstruct_array(classes, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
	model->n_classes = n;
	model->classes = palloc(sizeof(char *) * n);
	for (i = 0; i < n; i++)
		model->classes[i] = TextDatumGetCString(elems[i]);
	if (n != (model->n_rows == 1 ? 2 : model->n_rows))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("model \"%s\" has %d classes but %d rows of weights",
						name, n, model->n_rows)));
	model->positive = SPI_getvalue(tuple, tupdesc, 3);
	model->n_features = DatumGetInt32(SPI_getbinval(tuple, tupdesc, 4, &isnull));
	model->lambda = DatumGetFloat8(SPI_getbinval(tuple, tupdesc, 5, &isnull));
	model->loss = pstrdup(SPI_getvalue(tuple, tupdesc, 6));
	model->gamma = DatumGetFloat8(SPI_getbinval(tuple, tupdesc, 7, &isnull));
	class_weights = DatumGetArrayTypeP(SPI_getbinval(tuple, tupdesc, 8, &isnull));
	if (n == 2)
		memcpy(model->class_weights, ARR_DATA_PTR(class_weights), sizeof(float8) * 2);
	MemoryContextSwitchTo(old);
	SPI_finish();

	if (model->n_weights != model->n_features && model->n_weights != model->n_features + 1)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("model \"%s\" has %d weights for %d features",
						name, model->n_weights, model->n_features)));
	return model;
}

/* The model named by argument 0, from fn_extra when this statement has it */
static ModelCache *
model_arg(FunctionCallInfo fcinfo)
{
	ModelCache *model = (ModelCache *) fcinfo->flinfo->fn_extra;
	text	   *name = PG_GETARG_TEXT_PP(0);

	if (model == NULL || strlen(model->name) != VARSIZE_ANY_EXHDR(name) ||
		memcmp(model->name, VARDATA_ANY(name), VARSIZE_ANY_EXHDR(name)) != 0)
	{
		model = load_model(hinge_extension_schema(fcinfo), text_to_cstring(name),
						   fcinfo->flinfo->fn_mcxt);
		fcinfo->flinfo->fn_extra = model;
	}
	return model;
}

/* Fills scores[n_rows] with the model's score(s) of the features argument */
static void
model_scores(FunctionCallInfo fcinfo, ModelCache *model, float8 *scores)
{
	HingeVector x = hinge_vector_arg(PG_GETARG_ARRAYTYPE_P(1), "features");
	int			r;

	if (x.n != model->n_features)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("model \"%s\" takes %d features, not %d",
						model->name, model->n_features, x.n)));
	for (r = 0; r < model->n_rows; r++)
	{
		HingeVector w = {model->n_weights, false, model->weights + (Size) r * model->n_weights};

		scores[r] = hinge_score_vectors(w, x);
	}
}

/* The raw score of features x under the named binary model */
PG_FUNCTION_INFO_V1(hinge_model_score);
Datum
hinge_model_score(PG_FUNCTION_ARGS)
{
	ModelCache *model = model_arg(fcinfo);
	float8		score;

	if (model->n_rows > 1)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("model \"%s\" has %d classes, and hinge_score takes a binary model",
						model->name, model->n_classes),
				 errhint("Use hinge_scores(model_name, x) for one score per class, or hinge_predict for the class.")));
	model_scores(fcinfo, model, &score);
	PG_RETURN_FLOAT8(score);
}

/* One score per class (one for a binary model), in the model's class order */
PG_FUNCTION_INFO_V1(hinge_model_scores);
Datum
hinge_model_scores(PG_FUNCTION_ARGS)
{
	ModelCache *model = model_arg(fcinfo);
	float8	   *scores;
	ArrayType  *result = hinge_new_float8_array(model->n_rows, &scores);

	model_scores(fcinfo, model, scores);
	PG_RETURN_ARRAYTYPE_P(result);
}

/*
 * The predicted class label: for a binary model the positive class when the
 * score is > 0; for a multiclass one the class of the highest score (the
 * first in class order on ties).
 */
PG_FUNCTION_INFO_V1(hinge_model_predict);
Datum
hinge_model_predict(PG_FUNCTION_ARGS)
{
	ModelCache *model = model_arg(fcinfo);
	float8	   *scores = palloc(sizeof(float8) * model->n_rows);
	int			best = 0,
				r;

	model_scores(fcinfo, model, scores);
	if (model->n_rows == 1)
		PG_RETURN_TEXT_P(cstring_to_text(model->classes[scores[0] > 0.0 ? 1 : 0]));
	for (r = 1; r < model->n_rows; r++)
		if (scores[r] > scores[best])
			best = r;
	PG_RETURN_TEXT_P(cstring_to_text(model->classes[best]));
}

static Datum
ratio_or_null(float8 numerator, float8 denominator, bool *isnull)
{
	*isnull = denominator == 0.0;
	return Float8GetDatum(*isnull ? 0.0 : numerator / denominator);
}

/*
 * hinge_evaluate(model_name, relation, features, label): the confusion
 * counts and their ratios, the mean loss and the objective of the model on
 * the rows of a relation, in one scan.
 */
PG_FUNCTION_INFO_V1(hinge_evaluate);
Datum
hinge_evaluate(PG_FUNCTION_ARGS)
{
	char	   *name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	char	   *ext = hinge_extension_schema(fcinfo);
	ModelCache *model = load_model(ext, name, CurrentMemoryContext);
	HingeRowSource src;
	TupleDesc	tupdesc;
	char	   *query;
	Oid			argtypes[6] = {FLOAT8ARRAYOID, FLOAT8OID, TEXTOID, FLOAT8OID, FLOAT8OID, FLOAT8OID};
	Datum		values[6];
	float8	   *w;
	ArrayType  *weights = hinge_new_float8_array(model->n_weights, &w);
	Datum		result[12];
	bool		nulls[12] = {false};
	int64		counts[6];
	float8		precision,
				recall;
	int			i;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type of hinge_evaluate must be a row type");
	if (model->n_rows > 1)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("hinge_evaluate takes binary models; model \"%s\" has %d classes",
						name, model->n_classes),
				 errhint("Compare hinge_predict(model_name, x) with the label in SQL for now.")));
	tupdesc = BlessTupleDesc(tupdesc);
	memcpy(w, model->weights, sizeof(float8) * model->n_weights);
	values[0] = PointerGetDatum(weights);
	values[1] = Float8GetDatum(model->lambda);
	values[2] = CStringGetTextDatum(model->loss);
	values[3] = Float8GetDatum(model->gamma);
	values[4] = Float8GetDatum(model->class_weights[1]);
	values[5] = Float8GetDatum(model->class_weights[0]);

	SPI_connect();
	hinge_row_source_init(&src, PG_GETARG_OID(1), PG_GETARG_DATUM(2),
						  get_fn_expr_argtype(fcinfo->flinfo, 2) == TEXTARRAYOID,
						  text_to_cstring(PG_GETARG_TEXT_PP(3)));
	/* the relation's label may be of another type than the training one's */
	src.label_as_text = true;
	src.n_classes = 2;
	src.classes = model->classes;
	hinge_row_source_classes(&src, model->positive);

	query = psprintf("SELECT pg_catalog.count(*) FILTER (WHERE ok AND known AND y > 0 AND s > 0), "
					 "pg_catalog.count(*) FILTER (WHERE ok AND known AND y < 0 AND s > 0), "
					 "pg_catalog.count(*) FILTER (WHERE ok AND known AND y < 0 AND s <= 0), "
					 "pg_catalog.count(*) FILTER (WHERE ok AND known AND y > 0 AND s <= 0), "
					 "pg_catalog.count(*) FILTER (WHERE ok AND NOT known), "
					 "pg_catalog.count(*) FILTER (WHERE NOT ok), "
					 "(%s.hinge_cutting_plane($1, x, y, 0, $3, $4, 1, 1) FILTER (WHERE ok AND known))[1], "
					 "(%s.hinge_cutting_plane($1, x, y, $2, $3, $4, $5, $6) FILTER (WHERE ok AND known))[1] "
					 "FROM (SELECT %s AS ok, %s AS x, %s AS y, %s OR %s AS known, "
					 "CASE WHEN %s THEN %s.hinge_score($1, %s) END AS s FROM %s) AS r",
					 ext, ext, src.usable_sql, src.features_sql, src.y_sql,
					 hinge_row_source_label_is(&src, 0), hinge_row_source_label_is(&src, 1),
					 src.usable_sql, ext, src.features_sql, src.relation);
	if (SPI_execute_with_args(query, 6, argtypes, values, NULL, true, 1) != SPI_OK_SELECT ||
		SPI_processed != 1)
		elog(ERROR, "could not evaluate model \"%s\"", name);
	for (i = 0; i < 6; i++)
	{
		bool		isnull;

		counts[i] = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
												SPI_tuptable->tupdesc, i + 1, &isnull));
	}
	if (counts[4] > 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%lld rows of %s have a label that is not a class of model \"%s\"",
						(long long) counts[4], src.relation_name, name),
				 errhint("The model's classes are %s and %s; filter the other rows out in a view.",
						 quote_literal_cstr(model->classes[0]),
						 quote_literal_cstr(model->classes[1]))));
	result[0] = Int64GetDatum(counts[0] + counts[1] + counts[2] + counts[3]);
	result[1] = ratio_or_null(counts[0] + counts[2], DatumGetInt64(result[0]), &nulls[1]);
	precision = (float8) counts[0] / (counts[0] + counts[1]);
	recall = (float8) counts[0] / (counts[0] + counts[3]);
	result[2] = ratio_or_null(counts[0], counts[0] + counts[1], &nulls[2]);
	result[3] = ratio_or_null(counts[0], counts[0] + counts[3], &nulls[3]);
	result[4] = ratio_or_null(2.0 * precision * recall, precision + recall, &nulls[4]);
	nulls[4] |= nulls[2] || nulls[3];
	for (i = 0; i < 4; i++)
		result[5 + i] = Int64GetDatum(counts[i]);
	result[9] = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 7, &nulls[9]);
	result[10] = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 8, &nulls[10]);
	result[11] = Int64GetDatum(counts[5]);
	SPI_finish();
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, result, nulls)));
}
