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
#include "miscadmin.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"

#include "hinge.h"


/*
 * Errors out, before a long training or calibration rather than after it,
 * when model name exists but the current role may not change it (from 1.1
 * a trigger on hinge_model refuses it then).  A 1.0 table has no owner
 * column, and every row is writable.
 */
void
hinge_model_check_writable(const char *ext, const char *name)
{
	Oid			argtypes[1] = {TEXTOID};
	Datum		values[1];
	char	   *owner;
	bool		isnull;

	SPI_connect();
	values[0] = CStringGetTextDatum(name);
	if (SPI_execute_with_args(psprintf("SELECT pg_catalog.to_jsonb(m) OPERATOR(pg_catalog.->>) 'owner' "
									   "FROM %s.hinge_model AS m WHERE name OPERATOR(pg_catalog.=) $1", ext),
							  1, argtypes, values, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read model \"%s\"", name);
	owner = SPI_processed == 0 ? NULL :
		SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
	if (owner != NULL)
	{
		values[0] = CStringGetTextDatum(owner);
		if (SPI_execute_with_args(psprintf("SELECT %s.hinge_model_writable($1::pg_catalog.name)", ext),
								  1, argtypes, values, NULL, true, 1) != SPI_OK_SELECT ||
			SPI_processed != 1)
			elog(ERROR, "could not check the owner of model \"%s\"", name);
		if (!DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull)))
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("model \"%s\" belongs to role %s, so %s may not change it",
							name, quote_identifier(owner),
							quote_identifier(GetUserNameFromId(GetUserId(), false))),
					 errhint("Only the model's owner, members of that role and the extension's owner may replace, calibrate, update or delete a model; train one of your own under another name.")));
	}
	SPI_finish();
}

/* Reads model name from hinge_model into memory of context mcxt */
HingeModel *
hinge_model_load(const char *ext, const char *name, MemoryContext mcxt)
{
	HingeModel *model;
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
									   "lambda, loss, gamma, class_weights, multiclass, "
									   "calibration_a, calibration_b "
									   "FROM %s.hinge_model WHERE name OPERATOR(pg_catalog.=) $1", ext),
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
	model = palloc0(sizeof(HingeModel));
	model->name = pstrdup(name);
	/*
	 * The row may have been edited by hand: check what scoring relies on
	 * (shapes, no NULL elements, finite weights) as for any argument.
	 */
	weights = DatumGetArrayTypePCopy(SPI_getbinval(tuple, tupdesc, 1, &isnull));
	if (ARR_NDIM(weights) == 2)
	{
		HingeMatrix W = hinge_matrix_arg(weights, "model weights");
		HingeVector flat = {W.rows * W.cols, false, W.data};

		hinge_check_finite_vector(flat, "model weights");
		model->n_rows = W.rows;
		model->n_weights = W.cols;
	}
	else
	{
		HingeVector w = hinge_vector_arg(weights, "model weights");

		hinge_check_finite_vector(w, "model weights");
		model->n_rows = 1;
		model->n_weights = w.n;
	}
	model->weights = (float8 *) ARR_DATA_PTR(weights);
	classes = DatumGetArrayTypeP(SPI_getbinval(tuple, tupdesc, 2, &isnull));
	deconstruct_array(classes, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
	model->n_classes = n;
	model->classes = palloc(sizeof(char *) * n);
	for (i = 0; i < n; i++)
	{
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("model \"%s\" has a NULL class", name)));
		model->classes[i] = TextDatumGetCString(elems[i]);
	}
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
	if (ArrayGetNItems(ARR_NDIM(class_weights), ARR_DIMS(class_weights)) != n ||
		ARR_HASNULL(class_weights))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("model \"%s\" has %d classes but %d class weights", name, n,
						ArrayGetNItems(ARR_NDIM(class_weights), ARR_DIMS(class_weights)))));
	/* scratch for per-row scores and probabilities, so rows allocate nothing */
	model->scores = palloc(sizeof(float8) * model->n_rows);
	model->probabilities = palloc(sizeof(float8) * n);
	model->class_weights = palloc(sizeof(float8) * n);
	memcpy(model->class_weights, ARR_DATA_PTR(class_weights), sizeof(float8) * n);
	for (i = 0; i < n; i++)
		if (!(model->class_weights[i] > 0.0 && isfinite(model->class_weights[i])))
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("model \"%s\" has a class weight that is not a positive number", name)));
	model->multiclass = SPI_getvalue(tuple, tupdesc, 9);
	if (model->n_rows > 1 &&
		(model->multiclass == NULL ||
		 (strcmp(model->multiclass, "crammer_singer") != 0 &&
		  strcmp(model->multiclass, "weston_watkins") != 0 &&
		  strcmp(model->multiclass, "one_vs_rest") != 0)))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("multiclass model \"%s\" has no known multiclass strategy", name)));
	for (i = 0; i < 2; i++)
	{
		Datum		value = SPI_getbinval(tuple, tupdesc, 10 + i, &isnull);
		ArrayType  *calibration;
		int			r;
		float8	  **out = i == 0 ? &model->calibration_a : &model->calibration_b;

		*out = NULL;
		if (isnull)
			continue;
		calibration = DatumGetArrayTypeP(value);
		if (ArrayGetNItems(ARR_NDIM(calibration), ARR_DIMS(calibration)) != model->n_rows ||
			ARR_HASNULL(calibration))
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("model \"%s\" has a calibration of the wrong size", name)));
		*out = palloc(sizeof(float8) * model->n_rows);
		memcpy(*out, ARR_DATA_PTR(calibration), sizeof(float8) * model->n_rows);
		for (r = 0; r < model->n_rows; r++)
			if (!isfinite((*out)[r]))
				ereport(ERROR,
						(errcode(ERRCODE_DATA_CORRUPTED),
						 errmsg("model \"%s\" has a calibration that is not finite", name)));
	}
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
static HingeModel *
model_arg(FunctionCallInfo fcinfo)
{
	HingeModel *model = (HingeModel *) fcinfo->flinfo->fn_extra;
	text	   *name = PG_GETARG_TEXT_PP(0);

	if (model == NULL || strlen(model->name) != VARSIZE_ANY_EXHDR(name) ||
		memcmp(model->name, VARDATA_ANY(name), VARSIZE_ANY_EXHDR(name)) != 0)
	{
		model = hinge_model_load(hinge_extension_schema(fcinfo), text_to_cstring(name),
						   fcinfo->flinfo->fn_mcxt);
		fcinfo->flinfo->fn_extra = model;
	}
	return model;
}

/* Fills scores[n_rows] with the model's score(s) of features x */
void
hinge_model_class_scores(HingeModel *model, HingeVector x, float8 *scores)
{
	int			r;

	if (x.n != model->n_features)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("model \"%s\" takes %d features, not %d",
						model->name, model->n_features, x.n),
				 errhint("Pass the features the model was trained on, in the same order: SELECT features FROM hinge_model WHERE name = %s.",
						 quote_literal_cstr(model->name))));
	for (r = 0; r < model->n_rows; r++)
	{
		HingeVector w = {model->n_weights, false, model->weights + (Size) r * model->n_weights};

		scores[r] = hinge_score_vectors(w, x);
	}
}

/* The predicted class (an index into classes) from the model's scores */
int
hinge_model_predict_class(HingeModel *model, const float8 *scores)
{
	int			best = 0,
				r;

	if (model->n_rows == 1)
		return scores[0] > 0.0 ? 1 : 0;
	for (r = 1; r < model->n_rows; r++)
		if (scores[r] > scores[best])
			best = r;
	return best;
}

static void
model_scores(FunctionCallInfo fcinfo, HingeModel *model, float8 *scores)
{
	hinge_model_class_scores(model, hinge_vector_arg(PG_GETARG_ARRAYTYPE_P(1), "features"),
							 scores);
}

/* The raw score of features x under the named binary model */
PG_FUNCTION_INFO_V1(hinge_model_score);
Datum
hinge_model_score(PG_FUNCTION_ARGS)
{
	HingeModel *model = model_arg(fcinfo);
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
	HingeModel *model = model_arg(fcinfo);
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
	HingeModel *model = model_arg(fcinfo);

	model_scores(fcinfo, model, model->scores);
	PG_RETURN_TEXT_P(cstring_to_text(model->classes[hinge_model_predict_class(model, model->scores)]));
}

/* Platt's sigmoid 1 / (1 + exp(A s + B)), without overflow */
static float8
sigmoid(float8 A, float8 B, float8 score)
{
	float8		fApB = A * score + B;

	if (fApB >= 0.0)
		return exp(-fApB) / (1.0 + exp(-fApB));
	return 1.0 / (1.0 + exp(fApB));
}

static void
require_calibration(HingeModel *model)
{
	if (model->calibration_a == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("model \"%s\" is not calibrated", model->name),
				 errhint("Fit probabilities to its scores on held-out rows first: SELECT hinge_calibrate('%s', relation, features, label).",
						 model->name)));
}

/*
 * Calibrated probabilities from the model's scores, one per class in class
 * order: for a binary model (1 - p, p); for a multiclass one each class's
 * sigmoid, normalised.
 */
void
hinge_model_class_probabilities(HingeModel *model, const float8 *scores, float8 *p)
{
	float8		total = 0.0;
	int			r;

	require_calibration(model);
	if (model->n_rows == 1)
	{
		p[1] = sigmoid(model->calibration_a[0], model->calibration_b[0], scores[0]);
		p[0] = 1.0 - p[1];
		return;
	}
	for (r = 0; r < model->n_rows; r++)
	{
		p[r] = sigmoid(model->calibration_a[r], model->calibration_b[r], scores[r]);
		total += p[r];
	}
	for (r = 0; r < model->n_rows; r++)
		p[r] = total > 0.0 ? p[r] / total : 1.0 / model->n_rows;
}

/* The calibrated probability of class c (an index into classes) */
float8
hinge_model_probability_of(HingeModel *model, const float8 *scores, int c)
{
	hinge_model_class_probabilities(model, scores, model->probabilities);
	return model->probabilities[c];
}

static void
model_probabilities(FunctionCallInfo fcinfo, HingeModel *model, float8 *p)
{
	/* before the features: an uncalibrated model is the first thing to fix */
	require_calibration(model);
	model_scores(fcinfo, model, model->scores);
	hinge_model_class_probabilities(model, model->scores, p);
}

/* The calibrated probability of a binary model's positive class */
PG_FUNCTION_INFO_V1(hinge_model_probability);
Datum
hinge_model_probability(PG_FUNCTION_ARGS)
{
	HingeModel *model = model_arg(fcinfo);
	float8		p[2];

	if (model->n_rows > 1)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("model \"%s\" has %d classes, and hinge_probability takes a binary model",
						model->name, model->n_classes),
				 errhint("Use hinge_probabilities(model_name, x) for one probability per class.")));
	model_probabilities(fcinfo, model, p);
	PG_RETURN_FLOAT8(p[1]);
}

/* Calibrated probabilities of every class, in class order, summing to 1 */
PG_FUNCTION_INFO_V1(hinge_model_probabilities);
Datum
hinge_model_probabilities(PG_FUNCTION_ARGS)
{
	HingeModel *model = model_arg(fcinfo);
	float8	   *p;
	ArrayType  *result = hinge_new_float8_array(model->n_classes, &p);

	model_probabilities(fcinfo, model, p);
	PG_RETURN_ARRAYTYPE_P(result);
}
