/*
 * predict.c
 *		Scoring with a stored model by its name: scores, predicted classes
 *		and calibrated probabilities, in queries, views and triggers.
 *
 * The model comes from the backend's cache (model_cache.c): a scan that
 * scores every row by name reads the model once, and a statement that
 * starts after the model changed sees the change.
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "model.h"
#include "validate.h"

/* The model named by argument 0, kept in fn_extra between calls */
static HingeModel *
model_arg(FunctionCallInfo fcinfo)
{
	HingeModelRef *ref = (HingeModelRef *) fcinfo->flinfo->fn_extra;
	text	   *name = PG_GETARG_TEXT_PP(0);

	if (ref == NULL)
	{
		ref = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(HingeModelRef));
		ref->namespace = get_func_namespace(fcinfo->flinfo->fn_oid);
		fcinfo->flinfo->fn_extra = ref;
	}
	return hinge_model_get(ref, ref->namespace, VARDATA_ANY(name), VARSIZE_ANY_EXHDR(name));
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

static void
model_probabilities(FunctionCallInfo fcinfo, HingeModel *model, float8 *p)
{
	/* before the features: an uncalibrated model is the first thing to fix */
	hinge_model_require_calibration(model);
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

/*
 * The same functions with features x given as text, a float8[] literal (an
 * untyped parameter, as node-postgres sends lists, resolves to text)
 */
PG_FUNCTION_INFO_V1(hinge_model_score_text);
Datum
hinge_model_score_text(PG_FUNCTION_ARGS)
{
	return hinge_call_with_text_features(fcinfo, hinge_model_score);
}

PG_FUNCTION_INFO_V1(hinge_model_scores_text);
Datum
hinge_model_scores_text(PG_FUNCTION_ARGS)
{
	return hinge_call_with_text_features(fcinfo, hinge_model_scores);
}

PG_FUNCTION_INFO_V1(hinge_model_predict_text);
Datum
hinge_model_predict_text(PG_FUNCTION_ARGS)
{
	return hinge_call_with_text_features(fcinfo, hinge_model_predict);
}

PG_FUNCTION_INFO_V1(hinge_model_probability_text);
Datum
hinge_model_probability_text(PG_FUNCTION_ARGS)
{
	return hinge_call_with_text_features(fcinfo, hinge_model_probability);
}

PG_FUNCTION_INFO_V1(hinge_model_probabilities_text);
Datum
hinge_model_probabilities_text(PG_FUNCTION_ARGS)
{
	return hinge_call_with_text_features(fcinfo, hinge_model_probabilities);
}
