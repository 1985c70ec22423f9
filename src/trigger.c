/*
 * trigger.c
 *		hinge_score_trigger: fills a column of every inserted or updated row
 *		with a stored model's score, label or probability.
 *
 *	CREATE TRIGGER t BEFORE INSERT OR UPDATE ON messages FOR EACH ROW
 *		EXECUTE FUNCTION hinge_score_trigger('model', 'features', 'output'
 *												[, 'score' | 'label' | 'probability']);
 *
 * features names a float8[] or real[] column, or lists numeric columns as
 * an array literal ('{age,income}').  The arguments are checked, and the
 * model read, at the first row of each statement; the work per row is then
 * reading the features, a dot product per class and setting one column.
 * A statement that starts after the model was retrained uses the new one.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

#include "hinge.h"

typedef enum TriggerOutput
{
	OUTPUT_SCORE,
	OUTPUT_LABEL,
	OUTPUT_PROBABILITY
} TriggerOutput;

/* What the first row of a statement worked out, for the rest */
typedef struct TriggerPlan
{
	Oid			relid;
	HingeModel *model;
	TriggerOutput output;
	int			n_columns;		/* feature columns: 1 array, or a list */
	AttrNumber *columns;
	Oid		   *column_types;
	AttrNumber	target;			/* the column to fill */
	Oid			target_type;
	int32		target_typmod;
	FmgrInfo	target_input;	/* for a target that is not float8 */
	Oid			target_ioparam;
	float8	   *x;				/* a list's features, per row */
	float8	   *scores;
} TriggerPlan;

static pg_attribute_noreturn() void
trigger_error(Trigger *trigger, Relation rel, const char *message, const char *hint)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("trigger \"%s\" on %s: %s", trigger->tgname,
					RelationGetRelationName(rel), message),
			 errhint("%s", hint)));
}

static AttrNumber
column_number(Trigger *trigger, Relation rel, const char *column, const char *role)
{
	int			attnum = SPI_fnumber(RelationGetDescr(rel), column);

	if (attnum <= 0)
		trigger_error(trigger, rel,
					  psprintf("%s column \"%s\" does not exist", role, column),
					  "The arguments are the model, the feature column (or '{col1,col2}'), the column to fill, and optionally 'score', 'label' or 'probability'.");
	return (AttrNumber) attnum;
}

static bool
is_number(Oid type)
{
	return type == INT2OID || type == INT4OID || type == INT8OID ||
		type == FLOAT4OID || type == FLOAT8OID || type == NUMERICOID;
}

/* Checks the trigger's arguments against the relation and the model */
static TriggerPlan *
plan_trigger(FunctionCallInfo fcinfo, TriggerData *trigdata)
{
	Trigger    *trigger = trigdata->tg_trigger;
	Relation	rel = trigdata->tg_relation;
	TupleDesc	tupdesc = RelationGetDescr(rel);
	char	  **args = trigger->tgargs;
	MemoryContext old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	TriggerPlan *plan = palloc0(sizeof(TriggerPlan));
	const char *output = trigger->tgnargs >= 4 ? args[3] : "score";
	Oid			input;
	int			i;

	if (trigger->tgnargs < 3 || trigger->tgnargs > 4)
		trigger_error(trigger, rel, psprintf("hinge_score_trigger takes 3 or 4 arguments, not %d",
											 trigger->tgnargs),
					  "EXECUTE FUNCTION hinge_score_trigger('model', 'features', 'output_column' [, 'score' | 'label' | 'probability'])");
	plan->relid = RelationGetRelid(rel);
	if (strcmp(output, "score") == 0)
		plan->output = OUTPUT_SCORE;
	else if (strcmp(output, "label") == 0)
		plan->output = OUTPUT_LABEL;
	else if (strcmp(output, "probability") == 0)
		plan->output = OUTPUT_PROBABILITY;
	else
		trigger_error(trigger, rel, psprintf("unknown output \"%s\"", output),
					  "The fourth argument is 'score' (the default), 'label' or 'probability'.");

	plan->model = hinge_model_load(hinge_extension_schema(fcinfo), args[0], fcinfo->flinfo->fn_mcxt);
	if (plan->output == OUTPUT_SCORE && plan->model->n_rows > 1)
		trigger_error(trigger, rel,
					  psprintf("model \"%s\" has %d classes, and a score is for binary models",
							   args[0], plan->model->n_classes),
					  "Fill the column with 'label' or 'probability' (of the predicted class).");
	if (plan->output == OUTPUT_PROBABILITY && plan->model->calibration_a == NULL)
		trigger_error(trigger, rel, psprintf("model \"%s\" is not calibrated", args[0]),
					  "Calibrate it with hinge_calibrate first.");

	/* features: one array column, or '{col1,col2,...}' numeric columns */
	if (args[1][0] == '{')
	{
		Oid			array_input,
					array_ioparam;
		ArrayType  *names;
		Datum	   *elems;
		bool	   *nulls;

		/* array_in needs a real FmgrInfo: call it through its input function */
		getTypeInputInfo(TEXTARRAYOID, &array_input, &array_ioparam);
		names = DatumGetArrayTypeP(OidInputFunctionCall(array_input, args[1], array_ioparam, -1));
		if (ARR_NDIM(names) != 1)
			trigger_error(trigger, rel, "the list of feature columns must be one-dimensional",
						  "List the columns as '{col1,col2}'.");

		deconstruct_array(names, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &plan->n_columns);
		if (plan->n_columns > MaxHeapAttributeNumber)
			trigger_error(trigger, rel, "the list of feature columns is longer than a table can be",
						  "For many features, store them in one float8[] or real[] column.");
		if (plan->n_columns != plan->model->n_features)
			trigger_error(trigger, rel,
						  psprintf("model \"%s\" takes %d features, but %d columns are listed",
								   args[0], plan->model->n_features, plan->n_columns),
						  "List one numeric column per feature, in the model's order.");
		plan->columns = palloc(sizeof(AttrNumber) * plan->n_columns);
		plan->column_types = palloc(sizeof(Oid) * plan->n_columns);
		for (i = 0; i < plan->n_columns; i++)
		{
			char	   *name = nulls[i] ? "" : TextDatumGetCString(elems[i]);

			plan->columns[i] = column_number(trigger, rel, name, "feature");
			plan->column_types[i] = TupleDescAttr(tupdesc, plan->columns[i] - 1)->atttypid;
			if (!is_number(plan->column_types[i]))
				trigger_error(trigger, rel,
							  psprintf("feature column \"%s\" is of type %s, not a number", name,
									   format_type_be(plan->column_types[i])),
							  "A list of feature columns takes smallint, integer, bigint, real, double precision or numeric columns.");
		}
		plan->x = palloc(sizeof(float8) * plan->n_columns);
	}
	else
	{
		plan->n_columns = 1;
		plan->columns = palloc(sizeof(AttrNumber));
		plan->column_types = palloc(sizeof(Oid));
		plan->columns[0] = column_number(trigger, rel, args[1], "feature");
		plan->column_types[0] = TupleDescAttr(tupdesc, plan->columns[0] - 1)->atttypid;
		if (plan->column_types[0] != FLOAT8ARRAYOID && plan->column_types[0] != FLOAT4ARRAYOID)
			trigger_error(trigger, rel,
						  psprintf("feature column \"%s\" is of type %s, not double precision[] or real[]",
								   args[1], format_type_be(plan->column_types[0])),
						  "Name an array column, or list numeric columns as '{col1,col2}'.");
	}

	plan->target = column_number(trigger, rel, args[2], "output");
	for (i = 0; i < plan->n_columns; i++)
		if (plan->columns[i] == plan->target)
			trigger_error(trigger, rel, psprintf("column \"%s\" is both a feature and the output", args[2]),
						  "Fill a column of its own.");
	plan->target_type = TupleDescAttr(tupdesc, plan->target - 1)->atttypid;
	plan->target_typmod = TupleDescAttr(tupdesc, plan->target - 1)->atttypmod;
	getTypeInputInfo(plan->target_type, &input, &plan->target_ioparam);
	fmgr_info_cxt(input, &plan->target_input, fcinfo->flinfo->fn_mcxt);
	if (plan->output != OUTPUT_LABEL && plan->target_type != FLOAT8OID &&
		plan->target_type != FLOAT4OID && plan->target_type != NUMERICOID)
		trigger_error(trigger, rel,
					  psprintf("output column \"%s\" is of type %s, not a number", args[2],
							   format_type_be(plan->target_type)),
					  "A score or a probability goes into a double precision, real or numeric column.");
	plan->scores = palloc(sizeof(float8) * plan->model->n_classes);
	MemoryContextSwitchTo(old);
	return plan;
}

/* A number column's value as float8 */
static float8
number_value(Datum value, Oid type)
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

/* The features of the row, or false when one is NULL */
static bool
row_features(TriggerPlan *plan, HeapTuple tuple, TupleDesc tupdesc, HingeVector *x)
{
	bool		isnull;
	int			i;

	if (plan->x == NULL)
	{
		Datum		value = heap_getattr(tuple, plan->columns[0], tupdesc, &isnull);

		if (isnull)
			return false;
		*x = hinge_vector_arg(DatumGetArrayTypeP(value), "features");
		return true;
	}
	for (i = 0; i < plan->n_columns; i++)
	{
		Datum		value = heap_getattr(tuple, plan->columns[i], tupdesc, &isnull);

		if (isnull)
			return false;
		plan->x[i] = number_value(value, plan->column_types[i]);
	}
	x->n = plan->n_columns;
	x->is_float4 = false;
	x->data = plan->x;
	return true;
}

/* A number for the target column, straight for float8 */
static Datum
number_datum(TriggerPlan *plan, float8 value)
{
	if (plan->target_type == FLOAT8OID)
		return Float8GetDatum(value);
	if (plan->target_type == FLOAT4OID)
		return Float4GetDatum((float4) value);
	return DirectFunctionCall1(float8_numeric, Float8GetDatum(value));
}

PG_FUNCTION_INFO_V1(hinge_score_trigger);
Datum
hinge_score_trigger(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	TriggerPlan *plan;
	HeapTuple	tuple;
	TupleDesc	tupdesc;
	HingeVector x;
	Datum		value = (Datum) 0;
	bool		isnull = true;
	int			target;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("hinge_score_trigger must be called as a trigger")));
	if (!TRIGGER_FIRED_BEFORE(trigdata->tg_event) || !TRIGGER_FIRED_FOR_ROW(trigdata->tg_event) ||
		!(TRIGGER_FIRED_BY_INSERT(trigdata->tg_event) || TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event)))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("hinge_score_trigger must fire BEFORE INSERT OR UPDATE, FOR EACH ROW")));

	tuple = TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event) ? trigdata->tg_newtuple : trigdata->tg_trigtuple;
	tupdesc = RelationGetDescr(trigdata->tg_relation);
	plan = (TriggerPlan *) fcinfo->flinfo->fn_extra;
	if (plan == NULL || plan->relid != RelationGetRelid(trigdata->tg_relation))
	{
		plan = plan_trigger(fcinfo, trigdata);
		fcinfo->flinfo->fn_extra = plan;
	}

	if (row_features(plan, tuple, tupdesc, &x))
	{
		HingeModel *model = plan->model;
		int			best;

		hinge_model_class_scores(model, x, plan->scores);
		best = hinge_model_predict_class(model, plan->scores);
		isnull = false;
		if (plan->output == OUTPUT_SCORE)
			value = number_datum(plan, plan->scores[0]);
		else if (plan->output == OUTPUT_LABEL)
			value = InputFunctionCall(&plan->target_input, model->classes[best],
									  plan->target_ioparam, plan->target_typmod);
		else
			value = number_datum(plan, hinge_model_probability_of(model, plan->scores, best));
	}
	target = plan->target;
	PG_RETURN_POINTER(heap_modify_tuple_by_cols(tuple, tupdesc, 1, &target, &value, &isnull));
}
