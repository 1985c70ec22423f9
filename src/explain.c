/*
 * explain.c
 *		Reading a model by its features: hinge_weights (each feature's weight,
 *		in raw units and in the scaled units the solver saw, the most
 *		important first) and hinge_explain (each feature's contribution to
 *		one row's score, which add up to the score).
 *
 * Feature names come from the model's encoding (encoding.c): the column of
 * a number, column=category, column[i] of arrays, the terms of text.  The
 * intercept is the row "(intercept)", always last.
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/tuplestore.h"

#include "encoding.h"
#include "model.h"
#include "passes.h"
#include "row_features.h"
#include "validate.h"

#define INTERCEPT_NAME "(intercept)"

typedef struct FeatureRow
{
	int			feature;		/* -1 for the intercept */
	float8		key;			/* ordered by it, descending */
	float8		a;
	float8		b;
} FeatureRow;

static int
compare_rows(const void *x, const void *y)
{
	const FeatureRow *a = x;
	const FeatureRow *b = y;

	/* the intercept last; then by key, descending; ties by feature */
	if ((a->feature < 0) != (b->feature < 0))
		return a->feature < 0 ? 1 : -1;
	if (a->key != b->key)
		return a->key > b->key ? -1 : 1;
	return (a->feature > b->feature) - (a->feature < b->feature);
}

/* Whether the model has exactly one text input (its terms are then names) */
static bool
one_text_input(const HingeEncoding *encoding)
{
	int			n = 0,
				i;

	for (i = 0; i < encoding->n_inputs; i++)
		n += encoding->inputs[i].kind == HINGE_INPUT_TSVECTOR ||
			encoding->inputs[i].kind == HINGE_INPUT_JSONB;
	return n == 1;
}

/* Emits sorted rows (class, feature name, a, b) */
static void
emit_rows(FunctionCallInfo fcinfo, HingeModel *model, const char *class, FeatureRow *rows, int n)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	bool		one_text = one_text_input(model->encoding);
	int			k;

	qsort(rows, n, sizeof(FeatureRow), compare_rows);
	for (k = 0; k < n; k++)
	{
		Datum		values[4];
		bool		nulls[4] = {false};

		CHECK_FOR_INTERRUPTS();
		values[0] = CStringGetTextDatum(class);
		values[1] = CStringGetTextDatum(rows[k].feature < 0 ? INTERCEPT_NAME :
										hinge_feature_name(model->encoding, rows[k].feature, one_text));
		values[2] = Float8GetDatum(rows[k].a);
		values[3] = Float8GetDatum(rows[k].b);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
}

static HingeModel *
named_model(FunctionCallInfo fcinfo)
{
	char	   *name = text_to_cstring(PG_GETARG_TEXT_PP(0));

	return hinge_model_read(hinge_extension_schema(fcinfo), name, false);
}

/* The class a row of weights is for: a binary model's positive class */
static const char *
class_of_row(HingeModel *model, int r)
{
	return model->n_rows == 1 ? model->classes[1] : model->classes[r];
}

/*
 * hinge_weights(model_name): (class, feature, weight, scaled_weight) for
 * every feature and class, the largest scaled weights first
 */
PG_FUNCTION_INFO_V1(hinge_weights);
Datum
hinge_weights(PG_FUNCTION_ARGS)
{
	HingeModel *model = named_model(fcinfo);
	int			d = model->n_features;
	bool		intercept = model->n_weights > d;
	float8	   *center = NULL,
			   *scale = NULL;
	bool		scaled = hinge_encoding_scaling(model->encoding, &center, &scale);
	FeatureRow *rows = palloc(sizeof(FeatureRow) * (d + 1));
	int			r,
				j;

	hinge_init_materialized_srf(fcinfo);
	for (r = 0; r < model->n_rows; r++)
	{
		const float8 *w = model->weights + (Size) r * model->n_weights;
		float8		shift = 0.0;
		int			n = 0;

		for (j = 0; j < d; j++)
		{
			/* a raw weight w_j is the scaled one over the scale: v_j = w_j s_j */
			float8		v = scaled ? w[j] * scale[j] : w[j];

			shift += scaled ? w[j] * center[j] : 0.0;
			rows[n].feature = j;
			rows[n].a = w[j];
			rows[n].b = v;
			rows[n++].key = fabs(v);
		}
		if (intercept)
		{
			rows[n].feature = -1;
			rows[n].a = w[d];
			rows[n].b = w[d] + shift;
			rows[n++].key = 0.0;
		}
		emit_rows(fcinfo, model, class_of_row(model, r), rows, n);
	}
	return (Datum) 0;
}

/*
 * hinge_explain(model_name, row) and hinge_explain(model_name, x): (class,
 * feature, value, contribution) for the features that contribute, and the
 * intercept, under the predicted class's weights: the contributions add up
 * to its score.  For scaled features a contribution is the scaled weight
 * times the scaled value, w_j (x_j - c_j): a feature at its training mean
 * contributes nothing, and the centring goes to the intercept, which is
 * then the score of a row of means.
 */
static Datum
explain(FunctionCallInfo fcinfo, HingeModel *model, HingeVector x)
{
	int			d = model->n_features;
	float8	   *center = NULL,
			   *scale = NULL;
	bool		scaled = hinge_encoding_scaling(model->encoding, &center, &scale);
	float8	   *value;
	bool	   *stored;
	FeatureRow *rows;
	const float8 *w;
	float8		intercept;
	int			best,
				n = 0,
				j,
				k;

	hinge_model_class_scores(model, x, model->scores);
	best = hinge_model_predict_class(model, model->scores);
	w = model->weights + (Size) (model->n_rows == 1 ? 0 : best) * model->n_weights;
	intercept = model->n_weights > d ? w[d] : 0.0;

	/* the row's values, and which features take part */
	value = palloc0(sizeof(float8) * d);
	stored = palloc0(sizeof(bool) * d);
	for (k = 0; k < hinge_vector_stored(x); k++)
	{
		j = hinge_vector_stored_position(x, k);
		value[j] = hinge_vector_stored_value(x, k);
		stored[j] = value[j] != 0.0;
	}
	rows = palloc(sizeof(FeatureRow) * (d + 1));
	for (j = 0; j < d; j++)
	{
		float8		c = scaled ? center[j] : 0.0;

		if (c != 0.0)
			intercept += w[j] * c;
		if (!stored[j] && c == 0.0)
			continue;
		rows[n].feature = j;
		rows[n].a = value[j];
		rows[n].b = w[j] * (value[j] - c);
		rows[n].key = fabs(rows[n].b);
		n++;
	}
	if (model->n_weights > d || scaled)
	{
		rows[n].feature = -1;
		rows[n].a = 1.0;
		rows[n].b = intercept;
		rows[n].key = 0.0;
		n++;
	}
	hinge_init_materialized_srf(fcinfo);
	emit_rows(fcinfo, model, model->classes[model->n_rows == 1 ? 1 : best], rows, n);
	return (Datum) 0;
}

PG_FUNCTION_INFO_V1(hinge_explain_row);
Datum
hinge_explain_row(PG_FUNCTION_ARGS)
{
	HingeModel *model = named_model(fcinfo);
	HingeRecordColumns columns;
	HingeVector x;

	hinge_record_columns_find(&columns, model, PG_GETARG_HEAPTUPLEHEADER(1),
							  get_func_namespace(fcinfo->flinfo->fn_oid));
	if (!hinge_record_features(&columns, model, PG_GETARG_HEAPTUPLEHEADER(1), &x))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("the row has a NULL number that model \"%s\" cannot impute", model->name),
				 errhint("Train the model with impute => 'mean' or 'zero' to score rows with missing numbers.")));
	return explain(fcinfo, model, x);
}

PG_FUNCTION_INFO_V1(hinge_explain_vector);
Datum
hinge_explain_vector(PG_FUNCTION_ARGS)
{
	HingeModel *model = named_model(fcinfo);

	return explain(fcinfo, model, hinge_vector_arg(PG_GETARG_ARRAYTYPE_P(1), "features"));
}
