/*
 * online.c
 *		Online learning: a model that learns from each newly labelled row,
 *		one Pegasos step at a time (Shalev-Shwartz, Singer, Srebro and
 *		Cotter, "Pegasos: primal estimated sub-gradient solver for SVM",
 *		Math. Programming 2011), on the objective lambda/2 ||w||^2 + hinge:
 *		w <- (1 - 1/t) w + (1 / (lambda t)) y (x, 1)	if y w.x < 1
 *		w <- (1 - 1/t) w								otherwise
 *		the intercept, when w has one, regularised like the other weights.
 *
 * hinge_pegasos_step takes one step on weights given as an array;
 * hinge_learn_trigger takes one on a stored model for every row written,
 * under a row lock on the model so that concurrent learners serialise and
 * no update is lost.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

#include "finite.h"
#include "labels.h"
#include "losses.h"
#include "model.h"
#include "passes.h"
#include "score.h"
#include "source.h"
#include "sparse.h"
#include "validate.h"

/*
 * One step from the row (x, y), the t-th: out[0:w.n] from w, which has one
 * element more than x when it has an intercept.
 */
static void
pegasos_step(HingeVector w, HingeVector x, float8 y, float8 lambda, float8 t, float8 *out)
{
	float8		score = hinge_score_vectors(w, x);
	float8		shrink = 1.0 - 1.0 / t;
	float8		violated,
				step;
	int			j;

	/* the hinge's subgradient in the score is -y where it is violated */
	(void) hinge_loss_of_violation(HINGE_LOSS_HINGE, 1.0, 1.0 - y * score, &violated);
	step = violated * y / (lambda * t);
	for (j = 0; j < w.n; j++)
		out[j] = shrink * ((const float8 *) w.data)[j];
	if (step != 0.0)
	{
		int			k;

		for (k = 0; k < hinge_vector_stored(x); k++)
			out[hinge_vector_stored_position(x, k)] += step * hinge_vector_stored_value(x, k);
		if (w.n > x.n)
			out[x.n] += step;	/* the intercept */
	}
	for (j = 0; j < w.n; j++)
		(void) hinge_check_result(out[j]);
}

#define LAMBDA_HINT "lambda is the model's regularisation strength."
#define T_HINT "t counts the steps so far, this one included."

/* hinge_pegasos_step(w, x, y, lambda, t): the weights after one step */
PG_FUNCTION_INFO_V1(hinge_pegasos_step);
Datum
hinge_pegasos_step(PG_FUNCTION_ARGS)
{
	HingeVector w = hinge_vector_arg(PG_GETARG_ARRAYTYPE_P(0), "weights");
	HingeVector x = hinge_vector_arg(PG_GETARG_ARRAYTYPE_P(1), "features");
	float8		y = PG_GETARG_FLOAT8(2);
	float8		lambda = PG_GETARG_FLOAT8(3);
	float8		t = PG_GETARG_FLOAT8(4);
	float8	   *out;
	ArrayType  *result;

	(void) hinge_score_vectors(w, x);
	hinge_check_finite(y, "label");
	hinge_check_label(y);
	hinge_check_positive(lambda, "lambda", LAMBDA_HINT);
	hinge_check_at_least(t, 1.0, "t", T_HINT);
	result = hinge_new_float8_array(w.n, &out);
	pegasos_step(w, x, y, lambda, t, out);
	PG_RETURN_ARRAYTYPE_P(result);
}

/* The value of a column of the trigger's row, by name */
static Datum
row_value(TriggerData *trigdata, HeapTuple tuple, const char *column, const char *role,
		  Oid *type, bool *isnull)
{
	Relation	rel = trigdata->tg_relation;
	AttrNumber	attnum = hinge_column_attnum(RelationGetRelid(rel), column, role);

	*type = TupleDescAttr(RelationGetDescr(rel), attnum - 1)->atttypid;
	return heap_getattr(tuple, attnum, RelationGetDescr(rel), isnull);
}

/*
 * A count of a model row (rows_used, online_updates): never negative, or
 * the step it sets would be wrong (a row may have been edited by hand)
 */
static int64
model_count(HeapTuple tuple, TupleDesc desc, const char *column, const char *model)
{
	bool		isnull;
	Datum		value = heap_getattr(tuple, SPI_fnumber(desc, column), desc, &isnull);
	int64		count = isnull ? 0 : DatumGetInt64(value);

	if (count < 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("model \"%s\" has a negative %s", model, column),
				 errdetail("Column %s of its row in hinge_model is not as hinge_train writes it.", column),
				 errhint("Train the model again, or restore its row.")));
	return count;
}

/*
 * hinge_learn_trigger(model, features column, label column): an AFTER
 * INSERT OR UPDATE row trigger that updates a binary model with one Pegasos
 * step from each row whose features and label are not NULL.
 */
PG_FUNCTION_INFO_V1(hinge_learn_trigger);
Datum
hinge_learn_trigger(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	char	  **args;
	HeapTuple	tuple;
	Datum		features,
				label;
	Oid			features_type,
				label_type;
	bool		features_null,
				label_null;
	char	   *label_text;
	char	   *ext;
	HingeVector x;
	HingeModel *model;
	HeapTuple	model_tuple;
	TupleDesc	model_desc;
	Oid			argtypes[2] = {TEXTOID, FLOAT8ARRAYOID};
	Datum		values[2];
	float8	   *w;
	ArrayType  *weights;
	float8		y,
				t;

	tuple = hinge_trigger_row(fcinfo, "hinge_learn_trigger", false);
	if (trigdata->tg_trigger->tgnargs != 3)
		hinge_argument_error(psprintf("hinge_learn_trigger takes 3 arguments, not %d",
									  trigdata->tg_trigger->tgnargs),
							 "EXECUTE FUNCTION hinge_learn_trigger('model', 'features_column', 'label_column')");
	args = trigdata->tg_trigger->tgargs;

	/* the row's features and label; a row without them teaches nothing */
	features = row_value(trigdata, tuple, args[1], "features", &features_type, &features_null);
	label = row_value(trigdata, tuple, args[2], "label", &label_type, &label_null);
	if (!hinge_is_features_type(features_type, get_func_namespace(fcinfo->flinfo->fn_oid)))
		hinge_column_type_error(args[1], features_type, "double precision[], real[] or hinge_sparse",
								"Name the array column that holds the features the model was trained on.");
	if (features_null || label_null)
		return PointerGetDatum(NULL);
	x = hinge_vector_arg(DatumGetArrayTypeP(features), "features");
	/* the label as the model's classes are written, whatever the settings */
	label_text = hinge_label_text_of(label_type, label);

	ext = hinge_extension_schema(fcinfo);
	SPI_connect();
	model_tuple = hinge_model_row(ext, args[0], "m.*", true);
	if (model_tuple == NULL)
		hinge_model_missing_error(args[0]);
	model_desc = SPI_tuptable->tupdesc;
	model = hinge_model_from_tuple(model_tuple, model_desc, args[0]);
	if (model->n_rows > 1)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("model \"%s\" has %d classes, and online updates take a binary model",
						args[0], model->n_classes),
				 errhint("Retrain a multiclass model with hinge_train instead.")));
	/* one feature more would be taken for the intercept, one fewer for none */
	if (x.n != model->n_features)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("model \"%s\" takes %d features, but the row has %d",
						args[0], model->n_features, x.n),
				 errhint("The features column must hold the features the model was trained on, in the same order.")));
	if (strcmp(label_text, model->classes[0]) != 0 && strcmp(label_text, model->classes[1]) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("label %s is not a class of model \"%s\"",
						quote_literal_cstr(label_text), args[0]),
				 errhint("The model's classes are %s and %s.",
						 quote_literal_cstr(model->classes[0]),
						 quote_literal_cstr(model->classes[1]))));
	y = strcmp(label_text, model->classes[1]) == 0 ? 1.0 : -1.0;

	/* t counts the rows the model has seen, so the first steps are small */
	t = (float8) model_count(model_tuple, model_desc, "rows_used", args[0]) +
		(float8) model_count(model_tuple, model_desc, "online_updates", args[0]) + 1.0;
	weights = hinge_new_float8_array(model->n_weights, &w);
	pegasos_step(hinge_float8_vector(model->weights, model->n_weights), x, y,
				 model->lambda, t, w);

	values[0] = CStringGetTextDatum(args[0]);
	values[1] = PointerGetDatum(weights);
	if (SPI_execute_with_args(psprintf("UPDATE %s.hinge_model SET weights = $2, "
									   "online_updates = online_updates OPERATOR(pg_catalog.+) 1, "
									   "calibration_a = NULL, calibration_b = NULL "
									   "WHERE name OPERATOR(pg_catalog.=) $1", ext),
							  2, argtypes, values, NULL, false, 0) != SPI_OK_UPDATE)
		elog(ERROR, "could not update model \"%s\"", args[0]);
	SPI_finish();
	return PointerGetDatum(NULL);
}
