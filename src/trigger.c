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
 * an array literal ('{age,income}').  The arguments are checked against the
 * relation and the model once (plan_trigger), and the plan is kept across
 * statements, by trigger, while nothing it was worked out from changes: the
 * relation (any relcache invalidation of it: ALTER TABLE, a trigger
 * replaced), the trigger's arguments, the model's version, casts, types,
 * functions and enum labels (syscache invalidations).  Each statement
 * copies the kept plan and finds the model under its own snapshot
 * (model_cache.c); the work per row is then reading the features, a dot
 * product per class and setting one column.
 * The value is assigned as an INSERT would assign it: through the column
 * type's cast and type modifier (numeric(4,2) rounds or refuses, real
 * refuses what overflows it), and a label through the type's input, read
 * in the canonical settings of labels (labels.h).  A statement that starts
 * after the model changed uses the new one (model_cache.c).
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "parser/parse_coerce.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#include "labels.h"
#include "row_features.h"
#include "citus.h"
#include "model.h"
#include "source.h"
#include "sparse.h"
#include "validate.h"

typedef enum TriggerOutput
{
	OUTPUT_SCORE,
	OUTPUT_LABEL,
	OUTPUT_PROBABILITY
} TriggerOutput;

/* What the arguments, the relation and the model say, for every row */
typedef struct TriggerPlan
{
	Oid			relid;
	HingeModelRef model_ref;
	HingeModel *model;			/* the model when planned */
	uint64		model_version;	/* its version (model.h) */
	TriggerOutput output;
	HingeRowFeatures features;	/* the columns the model reads */
	AttrNumber	target;			/* the column to fill */
	Oid			target_type;
	int32		target_typmod;
	int16		target_len;
	bool		target_byval;
	FmgrInfo	cast;			/* float8 to the target's type, if needed */
	bool		has_cast;
	FmgrInfo	typmod_cast;	/* the target's type modifier, if any */
	bool		has_typmod_cast;
	int			n_classes;		/* the model's */
	Datum	   *labels;			/* each class as a value of the target */
	float8	   *scores;
} TriggerPlan;

/* Errors raised while planning name the trigger */
static void
trigger_context(void *arg)
{
	TriggerData *trigdata = (TriggerData *) arg;

	errcontext("trigger \"%s\" on %s", trigdata->tg_trigger->tgname,
			   RelationGetRelationName(trigdata->tg_relation));
}

/* The classes of the model as values of the target column, for 'label' */
static void
read_labels(TriggerPlan *plan, TupleDesc tupdesc, MemoryContext mcxt)
{
	HingeModel *model = plan->model;
	HingeLabelType lt;
	const char *column = NameStr(TupleDescAttr(tupdesc, plan->target - 1)->attname);
	MemoryContext old = MemoryContextSwitchTo(mcxt);
	int			c;

	hinge_label_type_io(&lt, plan->target_type);
	plan->labels = palloc(sizeof(Datum) * model->n_classes);
	for (c = 0; c < model->n_classes; c++)
	{
		if (!hinge_label_values(&lt, &model->classes[c], 1, &plan->labels[c]))
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("class %s of model \"%s\" is not a value of output column \"%s\", of type %s",
							quote_literal_cstr(model->classes[c]), model->name, column,
							format_type_be(plan->target_type)),
					 errhint("Fill a column of the type of the label the model was trained on, or text.")));
		/* a type modifier (varchar(3)) applies as in an assignment */
		if (plan->has_typmod_cast)
			plan->labels[c] = FunctionCall3(&plan->typmod_cast, plan->labels[c],
											Int32GetDatum(plan->target_typmod), BoolGetDatum(false));
	}
	MemoryContextSwitchTo(old);
}

/* How a float8 is assigned to the target: its cast and type modifier */
static void
plan_number_output(TriggerPlan *plan, MemoryContext mcxt, const char *column)
{
	Oid			cast;
	CoercionPathType path;

	if (!hinge_is_number_type(plan->target_type) || getBaseType(plan->target_type) == INT2OID ||
		getBaseType(plan->target_type) == INT4OID || getBaseType(plan->target_type) == INT8OID)
		hinge_argument_error(psprintf("output column \"%s\" is of type %s, not a real number", column,
								format_type_be(plan->target_type)),
					   "A score or a probability goes into a double precision, real or numeric column.");
	path = find_coercion_pathway(getBaseType(plan->target_type), FLOAT8OID,
								 COERCION_ASSIGNMENT, &cast);
	plan->has_cast = path == COERCION_PATH_FUNC;
	if (plan->has_cast)
		fmgr_info_cxt(cast, &plan->cast, mcxt);
}

/* The target's type modifier, applied as in an assignment (numeric(4,2)) */
static void
plan_typmod(TriggerPlan *plan, MemoryContext mcxt)
{
	Oid			cast;

	if (plan->target_typmod >= 0 &&
		find_typmod_coercion_function(getBaseType(plan->target_type), &cast) == COERCION_PATH_FUNC)
	{
		plan->has_typmod_cast = true;
		fmgr_info_cxt(cast, &plan->typmod_cast, mcxt);
	}
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
	ErrorContextCallback context;
	int			i;

	context.callback = trigger_context;
	context.arg = trigdata;
	context.previous = error_context_stack;
	error_context_stack = &context;

	if (trigger->tgnargs < 3 || trigger->tgnargs > 4)
		hinge_argument_error(psprintf("hinge_score_trigger takes 3 or 4 arguments, not %d", trigger->tgnargs),
					   "EXECUTE FUNCTION hinge_score_trigger('model', 'features', 'output_column' [, 'score' | 'label' | 'probability'])");
	plan->relid = RelationGetRelid(rel);
	if (strcmp(output, "score") == 0)
		plan->output = OUTPUT_SCORE;
	else if (strcmp(output, "label") == 0)
		plan->output = OUTPUT_LABEL;
	else if (strcmp(output, "probability") == 0)
		plan->output = OUTPUT_PROBABILITY;
	else
		hinge_argument_error(psprintf("unknown output \"%s\"", output),
					   "The fourth argument is 'score' (the default), 'label' or 'probability'.");

	plan->model_ref.namespace = get_func_namespace(fcinfo->flinfo->fn_oid);
	plan->model = hinge_model_get(&plan->model_ref, plan->model_ref.namespace,
								  args[0], strlen(args[0]));
	plan->model_version = plan->model->version;
	if (plan->output == OUTPUT_SCORE && plan->model->n_rows > 1)
		hinge_argument_error(psprintf("model \"%s\" has %d classes, and a score is for binary models",
								args[0], plan->model->n_classes),
					   "Fill the column with 'label' or 'probability' (of the predicted class).");
	if (plan->output == OUTPUT_PROBABILITY)
		hinge_model_require_calibration(plan->model);

	/* features: one column, or a list '{col1,col2,...}' */
	hinge_row_features_plan(&plan->features, rel, args[1], plan->model, plan->model_ref.namespace);

	plan->target = hinge_column_attnum(plan->relid, args[2], "the output");
	for (i = 0; i < plan->features.n_columns; i++)
		if (plan->features.columns[i] == plan->target)
			hinge_argument_error(psprintf("column \"%s\" is both a feature and the output", args[2]),
						   "Fill a column of its own.");
	plan->target_type = TupleDescAttr(tupdesc, plan->target - 1)->atttypid;
	plan->target_typmod = TupleDescAttr(tupdesc, plan->target - 1)->atttypmod;
	plan->target_len = TupleDescAttr(tupdesc, plan->target - 1)->attlen;
	plan->target_byval = TupleDescAttr(tupdesc, plan->target - 1)->attbyval;
	plan_typmod(plan, fcinfo->flinfo->fn_mcxt);
	if (plan->output == OUTPUT_LABEL)
		read_labels(plan, tupdesc, fcinfo->flinfo->fn_mcxt);
	else
		plan_number_output(plan, fcinfo->flinfo->fn_mcxt, args[2]);
	plan->n_classes = plan->model->n_classes;
	plan->scores = palloc(sizeof(float8) * plan->n_classes);
	error_context_stack = context.previous;
	MemoryContextSwitchTo(old);
	return plan;
}

/*
 * Plans kept across statements, by trigger (its pg_trigger OID): at most
 * MAX_KEPT_PLANS, the least recently used dropped beyond.  The callbacks
 * only mark plans stale (they may run while a plan is being copied or
 * made); a plan made while one ran is not kept, as it may have been made
 * from what changed.
 */
#define MAX_KEPT_PLANS	256

typedef struct KeptPlan
{
	Oid			trigger;		/* hash key */
	bool		valid;
	MemoryContext context;
	TriggerPlan *plan;
	int			nargs;
	char	  **args;
	uint64		last_used;
} KeptPlan;

static HTAB *kept_plans = NULL;
static MemoryContext kept_context = NULL;
static uint64 kept_invalidations = 0;
static uint64 kept_clock = 0;

static void
forget_plans(Oid relid)
{
	HASH_SEQ_STATUS status;
	KeptPlan   *kept;

	kept_invalidations++;
	if (kept_plans == NULL)
		return;
	hash_seq_init(&status, kept_plans);
	while ((kept = hash_seq_search(&status)) != NULL)
		if (relid == InvalidOid || kept->plan->relid == relid)
			kept->valid = false;
}

static void
plans_relcache_callback(Datum arg, Oid relid)
{
	forget_plans(relid);
}

static void
plans_syscache_callback(Datum arg, int cacheid, uint32 hashvalue)
{
	forget_plans(InvalidOid);
}

/* A copy of plan in mcxt, as TriggerPlan's fields need */
static TriggerPlan *
copy_plan(TriggerPlan *plan, MemoryContext mcxt)
{
	MemoryContext old = MemoryContextSwitchTo(mcxt);
	TriggerPlan *copy = palloc(sizeof(TriggerPlan));
	int			c;

	memcpy(copy, plan, sizeof(TriggerPlan));
	hinge_row_features_copy(&copy->features, &plan->features);
	if (plan->has_cast)
		fmgr_info_copy(&copy->cast, &plan->cast, mcxt);
	if (plan->has_typmod_cast)
		fmgr_info_copy(&copy->typmod_cast, &plan->typmod_cast, mcxt);
	if (plan->labels != NULL)
	{
		copy->labels = palloc(sizeof(Datum) * plan->n_classes);
		for (c = 0; c < plan->n_classes; c++)
			copy->labels[c] = datumCopy(plan->labels[c], plan->target_byval, plan->target_len);
	}
	copy->scores = palloc(sizeof(float8) * plan->n_classes);
	/* the model is found again by each statement */
	copy->model = NULL;
	MemoryContextSwitchTo(old);
	return copy;
}

static bool
same_arguments(KeptPlan *kept, Trigger *trigger)
{
	int			i;

	if (kept->nargs != trigger->tgnargs)
		return false;
	for (i = 0; i < kept->nargs; i++)
		if (strcmp(kept->args[i], trigger->tgargs[i]) != 0)
			return false;
	return true;
}

/* Keeps a copy of plan, just made, for the statements to come */
static void
keep_plan(Trigger *trigger, TriggerPlan *plan)
{
	KeptPlan   *kept;
	bool		found;
	MemoryContext old;
	int			i;

	if (kept_plans == NULL)
	{
		HASHCTL		ctl;

		kept_context = AllocSetContextCreate(TopMemoryContext, "hinge trigger plans",
											 ALLOCSET_SMALL_SIZES);
		memset(&ctl, 0, sizeof(ctl));
		ctl.keysize = sizeof(Oid);
		ctl.entrysize = sizeof(KeptPlan);
		ctl.hcxt = kept_context;
		kept_plans = hash_create("hinge trigger plans", 16, &ctl,
								 HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
		CacheRegisterRelcacheCallback(plans_relcache_callback, (Datum) 0);
		CacheRegisterSyscacheCallback(CASTSOURCETARGET, plans_syscache_callback, (Datum) 0);
		CacheRegisterSyscacheCallback(TYPEOID, plans_syscache_callback, (Datum) 0);
		CacheRegisterSyscacheCallback(PROCOID, plans_syscache_callback, (Datum) 0);
		CacheRegisterSyscacheCallback(ENUMTYPOIDNAME, plans_syscache_callback, (Datum) 0);
	}
	kept = hash_search(kept_plans, &trigger->tgoid, HASH_FIND, NULL);
	if (kept == NULL && hash_get_num_entries(kept_plans) >= MAX_KEPT_PLANS)
	{
		HASH_SEQ_STATUS status;
		KeptPlan   *each,
				   *oldest = NULL;

		hash_seq_init(&status, kept_plans);
		while ((each = hash_seq_search(&status)) != NULL)
			if (oldest == NULL || each->last_used < oldest->last_used)
				oldest = each;
		MemoryContextDelete(oldest->context);
		(void) hash_search(kept_plans, &oldest->trigger, HASH_REMOVE, NULL);
	}
	kept = hash_search(kept_plans, &trigger->tgoid, HASH_ENTER, &found);
	if (found)
		MemoryContextDelete(kept->context);
	kept->valid = false;
	kept->context = AllocSetContextCreate(kept_context, "hinge trigger plan",
										  ALLOCSET_SMALL_SIZES);
	kept->plan = copy_plan(plan, kept->context);
	old = MemoryContextSwitchTo(kept->context);
	kept->nargs = trigger->tgnargs;
	kept->args = palloc(sizeof(char *) * Max(kept->nargs, 1));
	for (i = 0; i < kept->nargs; i++)
		kept->args[i] = pstrdup(trigger->tgargs[i]);
	MemoryContextSwitchTo(old);
	kept->last_used = ++kept_clock;
	kept->valid = true;
}

/*
 * The plan of this statement: a copy of the kept one when it still holds
 * (the same relation, arguments and model version), else made anew.
 */
static TriggerPlan *
statement_plan(FunctionCallInfo fcinfo, TriggerData *trigdata)
{
	Trigger    *trigger = trigdata->tg_trigger;
	KeptPlan   *kept = kept_plans == NULL ? NULL :
		hash_search(kept_plans, &trigger->tgoid, HASH_FIND, NULL);
	uint64		invalidations;
	TriggerPlan *plan;

	if (kept != NULL && kept->valid && kept->plan->relid == RelationGetRelid(trigdata->tg_relation) &&
		same_arguments(kept, trigger))
	{
		HingeModelRef ref = {0};
		HingeModel *model;
		ErrorContextCallback context;

		/* errors name the trigger, as when planning */
		context.callback = trigger_context;
		context.arg = trigdata;
		context.previous = error_context_stack;
		error_context_stack = &context;
		ref.namespace = kept->plan->model_ref.namespace;
		model = hinge_model_get(&ref, ref.namespace, trigger->tgargs[0], strlen(trigger->tgargs[0]));
		error_context_stack = context.previous;
		/* no invalidation ran meanwhile, and the model is the one planned with */
		kept = hash_search(kept_plans, &trigger->tgoid, HASH_FIND, NULL);
		if (kept != NULL && kept->valid && model->version == kept->plan->model_version)
		{
			kept->last_used = ++kept_clock;
			plan = copy_plan(kept->plan, fcinfo->flinfo->fn_mcxt);
			plan->model_ref = ref;
			plan->model = model;
			return plan;
		}
	}
	invalidations = kept_invalidations;
	plan = plan_trigger(fcinfo, trigdata);
	if (invalidations == kept_invalidations)
		keep_plan(trigger, plan);
	return plan;
}

/* A number for the target column, assigned as an INSERT would */
static Datum
number_datum(TriggerPlan *plan, float8 value)
{
	Datum		result = Float8GetDatum(value);

	if (plan->has_cast)
		result = FunctionCall1(&plan->cast, result);
	if (plan->has_typmod_cast)
		result = FunctionCall3(&plan->typmod_cast, result, Int32GetDatum(plan->target_typmod),
							   BoolGetDatum(false));
	if (plan->target_type != getBaseType(plan->target_type))
		domain_check(result, false, plan->target_type, NULL, NULL);
	return result;
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
	HingeModel *current;
	bool		has_features;
	Datum		value = (Datum) 0;
	bool		isnull = true;
	int			target;

	tuple = hinge_trigger_row(fcinfo, "hinge_score_trigger", true);
	tupdesc = RelationGetDescr(trigdata->tg_relation);
	/*
	 * On a shard of a Citus distributed table, the trigger fires on the
	 * worker that holds it, which has no models (copies there would not
	 * follow the coordinator's); a row value cannot carry the model there.
	 */
	if (hinge_in_citus_task())
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("hinge_score_trigger cannot score the rows of a Citus distributed table (here a shard, %s)",
						RelationGetRelationName(trigdata->tg_relation)),
				 errdetail("The trigger fires on the worker that holds the shard, and the models live in the coordinator's hinge_model."),
				 errhint("Score in the statement that writes the rows, such as INSERT INTO t SELECT ..., hinge_score('%s', x) FROM ... (with hinge loaded on the coordinator), or keep the trigger on a local table of the coordinator.",
						 trigdata->tg_trigger->tgnargs > 0 ? trigdata->tg_trigger->tgargs[0] : "m")));
	plan = (TriggerPlan *) fcinfo->flinfo->fn_extra;
	if (plan == NULL || plan->relid != RelationGetRelid(trigdata->tg_relation))
	{
		plan = statement_plan(fcinfo, trigdata);
		fcinfo->flinfo->fn_extra = plan;
	}

	{
		char	   *name = trigdata->tg_trigger->tgargs[0];
		HingeModel *model = hinge_model_get(&plan->model_ref, plan->model_ref.namespace,
											name, strlen(name));

		/* another version of the model since the plan: plan again */
		if (model->version != plan->model_version)
		{
			plan = statement_plan(fcinfo, trigdata);
			fcinfo->flinfo->fn_extra = plan;
			model = plan->model;
		}
		has_features = hinge_row_features_read(&plan->features, tuple, tupdesc, model,
											   fcinfo->flinfo->fn_mcxt, &x);
		current = model;
	}
	if (has_features)
	{
		HingeModel *model = current;
		int			best;

		hinge_model_class_scores(model, x, plan->scores);
		best = hinge_model_predict_class(model, plan->scores);
		isnull = false;
		if (plan->output == OUTPUT_SCORE)
			value = number_datum(plan, plan->scores[0]);
		else if (plan->output == OUTPUT_LABEL)
			value = plan->labels[best];
		else
			value = number_datum(plan, hinge_model_probability_of(model, plan->scores, best));
	}
	target = plan->target;
	PG_RETURN_POINTER(heap_modify_tuple_by_cols(tuple, tupdesc, 1, &target, &value, &isnull));
}
