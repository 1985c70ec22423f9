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
#include "nodes/primnodes.h"
#include "utils/builtins.h"
#include "catalog/pg_type.h"
#include "access/htup_details.h"
#include "utils/lsyscache.h"
#include "utils/typcache.h"

#include "encoding.h"
#include "model.h"
#include "row_features.h"
#include "sparse.h"
#include "validate.h"

/*
 * What a scoring function keeps in fn_extra between calls: the model's
 * reference, and for rows passed whole, where the model's columns are in
 * the row type last seen (found by name once per model reading and row
 * type, not per row).
 */
typedef struct ScoringCache
{
	HingeModelRef ref;
	HingeRecordColumns record;	/* for rows passed whole */
	HingeEncodedRow row;		/* for text passed alone */
} ScoringCache;

/*
 * Is the model argument a constant, or a parameter of the statement, fixed
 * for its whole execution (what citus.c passes by value is a constant)?
 * Not a parameter of a subquery: that one takes the value of each outer
 * row, and two values may come at the same address.
 */
static bool
name_arg_fixed(FunctionCallInfo fcinfo)
{
	Node	   *expr = fcinfo->flinfo->fn_expr;
	Node	   *arg;

	if (expr == NULL || !IsA(expr, FuncExpr) || ((FuncExpr *) expr)->args == NIL)
		return false;
	arg = linitial(((FuncExpr *) expr)->args);
	return IsA(arg, Const) || (IsA(arg, Param) && ((Param *) arg)->paramkind == PARAM_EXTERN);
}

static ScoringCache *
scoring_cache(FunctionCallInfo fcinfo)
{
	ScoringCache *cache = (ScoringCache *) fcinfo->flinfo->fn_extra;

	if (cache == NULL)
	{
		cache = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(ScoringCache));
		cache->ref.namespace = get_func_namespace(fcinfo->flinfo->fn_oid);
		cache->ref.value_fixed = name_arg_fixed(fcinfo);
		fcinfo->flinfo->fn_extra = cache;
	}
	return cache;
}

/* The model named by argument 0 */
static HingeModel *
model_arg(FunctionCallInfo fcinfo)
{
	ScoringCache *cache = scoring_cache(fcinfo);
	text	   *name = PG_GETARG_TEXT_PP(0);

	return hinge_model_get(&cache->ref, cache->ref.namespace, VARDATA_ANY(name),
						   VARSIZE_ANY_EXHDR(name));
}

/*
 * The features of the row passed whole as argument 1, through the model's
 * encoding; false when a number the model cannot impute is NULL
 */
static bool
row_features(FunctionCallInfo fcinfo, HingeModel *model, HingeVector *x)
{
	ScoringCache *cache = scoring_cache(fcinfo);
	HeapTupleHeader header = PG_GETARG_HEAPTUPLEHEADER(1);

	if (!hinge_record_columns_valid(&cache->record, model, header))
	{
		MemoryContext old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);

		hinge_record_columns_find(&cache->record, model, header, cache->ref.namespace);
		MemoryContextSwitchTo(old);
	}
	return hinge_record_features(&cache->record, model, header, x);
}

/*
 * The features of a text value passed as argument 1 (a tsvector or a
 * jsonb), for a model whose one input is text of that kind
 */
static void
text_features(FunctionCallInfo fcinfo, HingeModel *model, HingeInputKind kind, HingeVector *x)
{
	ScoringCache *cache = scoring_cache(fcinfo);
	HingeEncoding *encoding = model->encoding;
	Datum		value = PG_GETARG_DATUM(1);
	bool		isnull = false;
	Oid			type = kind == HINGE_INPUT_TSVECTOR ? TSVECTOROID : JSONBOID;
	MemoryContext old;

	if (encoding->n_inputs != 1 || encoding->inputs[0].kind != kind)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("model \"%s\" does not read one %s column", model->name,
						format_type_be(type)),
				 errhint("Pass the row whole, such as hinge_predict('%s', t) FROM your_table AS t, or the features it was trained on.",
						 model->name)));
	old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	(void) hinge_encode_row(encoding, &value, &isnull, &type, &cache->row);
	MemoryContextSwitchTo(old);
	*x = hinge_encoded_vector(encoding, &cache->row);
}

/* How argument 1 holds the features: which overload this call is */
typedef enum FeaturesForm
{
	FORM_VECTOR,				/* float8[], real[], hinge_sparse, ... */
	FORM_ROW,					/* a row, read through the encoding */
	FORM_TSVECTOR,
	FORM_JSONB
} FeaturesForm;

/* The model's scores of argument 1; false when the row has none (NULL) */
static bool
form_scores(FunctionCallInfo fcinfo, HingeModel *model, FeaturesForm form, float8 *scores)
{
	HingeVector x;

	switch (form)
	{
		case FORM_ROW:
			if (!row_features(fcinfo, model, &x))
				return false;
			break;
		case FORM_TSVECTOR:
			text_features(fcinfo, model, HINGE_INPUT_TSVECTOR, &x);
			break;
		case FORM_JSONB:
			text_features(fcinfo, model, HINGE_INPUT_JSONB, &x);
			break;
		default:
			x = hinge_features_arg(fcinfo, 1);
			break;
	}
	hinge_model_class_scores(model, x, scores);
	return true;
}

/* The raw score of the features under the named binary model */
static Datum
score_form(FunctionCallInfo fcinfo, FeaturesForm form)
{
	HingeModel *model = model_arg(fcinfo);
	float8		score;

	if (model->n_rows > 1)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("model \"%s\" has %d classes, and hinge_score takes a binary model",
						model->name, model->n_classes),
				 errhint("Use hinge_scores(model_name, x) for one score per class, or hinge_predict for the class.")));
	if (!form_scores(fcinfo, model, form, &score))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(score);
}

/* One score per class (one for a binary model), in the model's class order */
static Datum
scores_form(FunctionCallInfo fcinfo, FeaturesForm form)
{
	HingeModel *model = model_arg(fcinfo);
	float8	   *scores;
	ArrayType  *result = hinge_new_float8_array(model->n_rows, &scores);

	if (!form_scores(fcinfo, model, form, scores))
		PG_RETURN_NULL();
	PG_RETURN_ARRAYTYPE_P(result);
}

/*
 * The predicted class label: for a binary model the positive class when the
 * score is > 0; for a multiclass one the class of the highest score (the
 * first in class order on ties).
 */
static Datum
predict_form(FunctionCallInfo fcinfo, FeaturesForm form)
{
	HingeModel *model = model_arg(fcinfo);

	if (!form_scores(fcinfo, model, form, model->scores))
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(model->classes[hinge_model_predict_class(model, model->scores)]));
}

static bool
form_probabilities(FunctionCallInfo fcinfo, HingeModel *model, FeaturesForm form, float8 *p)
{
	/* before the features: an uncalibrated model is the first thing to fix */
	hinge_model_require_calibration(model);
	if (!form_scores(fcinfo, model, form, model->scores))
		return false;
	hinge_model_class_probabilities(model, model->scores, p);
	return true;
}

/* The calibrated probability of a binary model's positive class */
static Datum
probability_form(FunctionCallInfo fcinfo, FeaturesForm form)
{
	HingeModel *model = model_arg(fcinfo);
	float8		p[2];

	if (model->n_rows > 1)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("model \"%s\" has %d classes, and hinge_probability takes a binary model",
						model->name, model->n_classes),
				 errhint("Use hinge_probabilities(model_name, x) for one probability per class.")));
	if (!form_probabilities(fcinfo, model, form, p))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(p[1]);
}

/* Calibrated probabilities of every class, in class order, summing to 1 */
static Datum
probabilities_form(FunctionCallInfo fcinfo, FeaturesForm form)
{
	HingeModel *model = model_arg(fcinfo);
	float8	   *p;
	ArrayType  *result = hinge_new_float8_array(model->n_classes, &p);

	if (!form_probabilities(fcinfo, model, form, p))
		PG_RETURN_NULL();
	PG_RETURN_ARRAYTYPE_P(result);
}

/*
 * The entry points, one set per form of the features: an array or
 * hinge_sparse (as the model sees its features), a row passed whole, a
 * tsvector, a jsonb
 */
#define SCORING_ENTRY(name, body, form) \
PG_FUNCTION_INFO_V1(name); \
Datum \
name(PG_FUNCTION_ARGS) \
{ \
	return body(fcinfo, form); \
}
#define SCORING_ENTRIES(suffix, form) \
	SCORING_ENTRY(hinge_model_score##suffix, score_form, form) \
	SCORING_ENTRY(hinge_model_scores##suffix, scores_form, form) \
	SCORING_ENTRY(hinge_model_predict##suffix, predict_form, form) \
	SCORING_ENTRY(hinge_model_probability##suffix, probability_form, form) \
	SCORING_ENTRY(hinge_model_probabilities##suffix, probabilities_form, form)

SCORING_ENTRIES(, FORM_VECTOR)
SCORING_ENTRIES(_row, FORM_ROW)
SCORING_ENTRIES(_tsvector, FORM_TSVECTOR)
SCORING_ENTRIES(_jsonb, FORM_JSONB)

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
