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
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "executor/tuptable.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/rls.h"
#include "utils/snapmgr.h"
#include "utils/typcache.h"

#include "finite.h"
#include "kernels.h"
#include "labels.h"
#include "losses.h"
#include "model.h"
#include "passes.h"
#include "row_features.h"
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
		hinge_add_row(out, w.n, step, x);
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
	/* (every weight is written anyway) */
	if (x.kind == HINGE_SPARSE)
		hinge_check_finite_vector(w, "weights");
	hinge_check_finite(y, "label");
	hinge_check_label(y);
	hinge_check_positive(lambda, "lambda", LAMBDA_HINT);
	hinge_check_at_least(t, 1.0, "t", T_HINT);
	result = hinge_new_float8_array(w.n, &out);
	pegasos_step(w, x, y, lambda, t, out);
	PG_RETURN_ARRAYTYPE_P(result);
}

/*
 * The two queries of hinge_learn_trigger, prepared once per backend for
 * the extension's schema and kept (SPI_keepplan: PostgreSQL replans them
 * when hinge_model's definition changes).  Every name in them is
 * qualified, so the search_path in force when they are replanned does not
 * matter.
 */
static struct
{
	Oid			namespace;
	SPIPlanPtr	lock;			/* the model's row, locked: ctid, xmin, the
								 * counts, and the row unless it is $2, $3 */
	SPIPlanPtr	update;			/* the step, written to that very version */
} learn_plans;

static void
prepare_learn_plans(Oid namespace)
{
	const char *ext;
	Oid			lock_types[3] = {TEXTOID, TIDOID, XIDOID};
	Oid			update_types[3] = {TEXTOID, FLOAT8ARRAYOID, TIDOID};
	SPIPlanPtr	lock,
				update;

	if (learn_plans.namespace == namespace)
		return;
	ext = quote_identifier(get_namespace_name(namespace));
	/* the whole row only when it is not the version the cache holds */
	lock = SPI_prepare(psprintf("SELECT m.ctid, m.xmin, m.rows_used, m.online_updates, "
								"CASE WHEN m.ctid OPERATOR(pg_catalog.=) $2 "
								"AND m.xmin OPERATOR(pg_catalog.=) $3 THEN NULL ELSE m END "
								"FROM %s.hinge_model AS m "
								"WHERE m.name OPERATOR(pg_catalog.=) $1 FOR UPDATE", ext),
					   3, lock_types);
	/* the row is locked: its ctid names the version read, found without the index */
	update = SPI_prepare(psprintf("UPDATE %s.hinge_model AS m SET weights = $2, "
								  "online_updates = m.online_updates OPERATOR(pg_catalog.+) 1, "
								  "calibration_a = NULL, calibration_b = NULL "
								  "WHERE m.ctid OPERATOR(pg_catalog.=) $3 "
								  "AND m.name OPERATOR(pg_catalog.=) $1", ext),
						 3, update_types);
	if (lock == NULL || update == NULL)
		elog(ERROR, "could not prepare the queries of hinge_learn_trigger: %s",
			 SPI_result_code_string(SPI_result));
	if (learn_plans.lock != NULL)
		SPI_freeplan(learn_plans.lock);
	if (learn_plans.update != NULL)
		SPI_freeplan(learn_plans.update);
	learn_plans.namespace = InvalidOid;
	if (SPI_keepplan(lock) != 0 || SPI_keepplan(update) != 0)
		elog(ERROR, "could not keep the queries of hinge_learn_trigger");
	learn_plans.lock = lock;
	learn_plans.update = update;
	learn_plans.namespace = namespace;
}

/* What a statement's rows share: the columns, found at its first row */
typedef struct LearnColumns
{
	Oid			relid;
	AttrNumber	label;
	Oid			label_type;
	Oid			namespace;		/* the extension's */
	Oid			model_table;	/* its hinge_model */
	AttrNumber	rows_used;		/* and the columns of t there */
	AttrNumber	online_updates;
	HingeRowFeatures features;	/* the feature columns, as the model reads them */
	uint64		features_model;	/* the model version they were planned for */
} LearnColumns;

static LearnColumns *
learn_columns(FunctionCallInfo fcinfo, TriggerData *trigdata)
{
	LearnColumns *columns = (LearnColumns *) fcinfo->flinfo->fn_extra;
	Relation	rel = trigdata->tg_relation;
	char	  **args = trigdata->tg_trigger->tgargs;

	if (columns != NULL && columns->relid == RelationGetRelid(rel))
		return columns;
	columns = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(LearnColumns));
	columns->relid = RelationGetRelid(rel);
	columns->label = hinge_column_attnum(columns->relid, args[2], "label");
	columns->label_type = TupleDescAttr(RelationGetDescr(rel), columns->label - 1)->atttypid;
	columns->namespace = get_func_namespace(fcinfo->flinfo->fn_oid);
	columns->model_table = get_relname_relid("hinge_model", columns->namespace);
	if (OidIsValid(columns->model_table))
	{
		columns->rows_used = get_attnum(columns->model_table, "rows_used");
		columns->online_updates = get_attnum(columns->model_table, "online_updates");
	}
	fcinfo->flinfo->fn_extra = columns;
	return columns;
}

/* A bigint column of the lock query's row */
static int64
model_count(HeapTuple tuple, TupleDesc desc, int column)
{
	bool		isnull;
	Datum		value = heap_getattr(tuple, column, desc, &isnull);

	return isnull ? 0 : DatumGetInt64(value);
}

/*
 * A count of a model row (rows_used, online_updates): never negative, or
 * the step it sets would be wrong (a row may have been edited by hand)
 */
static void
check_count(int64 count, const char *column, const char *model)
{
	if (count < 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("model \"%s\" has a negative %s", model, column),
				 errdetail("Column %s of its row in hinge_model is not as hinge_train writes it.", column),
				 errhint("Train the model again, or restore its row.")));
}

/*
 * Locks model name's row FOR UPDATE without a query, and returns its model,
 * *ctid the version locked and counts its rows_used and online_updates;
 * NULL when this cannot be done here (the role may read or update
 * hinge_model only through column privileges, row-level policies apply, or
 * the row is read through SQL): then the query does it, applying them.
 *
 * As SPI would for the query, it takes a snapshot after the transaction's
 * earlier changes; the cache finds the version that snapshot sees (without
 * a probe of the index when it holds it) and table_tuple_lock locks it as
 * SELECT ... FOR UPDATE does at each isolation level: under READ
 * COMMITTED it follows the row's updates and locks the latest version,
 * whose name must still be the model's; under REPEATABLE READ and
 * SERIALIZABLE a version changed since the snapshot is a serialization
 * failure; a row deleted meanwhile is no row.  A version locked that the
 * cache does not hold is read and checked.
 */
static HingeModel *
lock_model_direct(LearnColumns *columns, const char *name, ItemPointer ctid, int64 counts[2])
{
	Oid			relid = columns->model_table;
	HingeModelRef ref = {0};
	Relation	rel;
	HingeModel *model;
	TupleTableSlot *slot;
	TM_FailureData tmfd;
	TM_Result	result;
	ItemPointerData seen_tid,
				tid;
	TransactionId seen_xmin;
	HeapTuple	tuple;
	Datum		value;
	bool		isnull;

	if (!OidIsValid(relid) || strlen(name) > HINGE_MAX_MODEL_NAME ||
		columns->rows_used <= 0 || columns->online_updates <= 0)
		return NULL;
	rel = table_open(relid, RowShareLock);
	if (pg_class_aclcheck(relid, GetUserId(), ACL_SELECT) != ACLCHECK_OK ||
		pg_class_aclcheck(relid, GetUserId(), ACL_UPDATE) != ACLCHECK_OK ||
		check_enable_rls(relid, InvalidOid, true) == RLS_ENABLED)
	{
		table_close(rel, NoLock);
		return NULL;
	}

	PushActiveSnapshot(GetTransactionSnapshot());
	CommandCounterIncrement();
	UpdateActiveSnapshotCommandId();
	model = hinge_model_get(&ref, columns->namespace, name, strlen(name));
	if (!hinge_model_cached_version(name, relid, &seen_tid, &seen_xmin))
	{
		PopActiveSnapshot();
		table_close(rel, NoLock);
		return NULL;
	}

	slot = table_slot_create(rel, NULL);
	tid = seen_tid;
	result = table_tuple_lock(rel, &tid, GetActiveSnapshot(), slot, GetCurrentCommandId(true),
							  LockTupleExclusive, LockWaitBlock,
							  TUPLE_LOCK_FLAG_LOCK_UPDATE_IN_PROGRESS |
							  (IsolationUsesXactSnapshot() ? 0 : TUPLE_LOCK_FLAG_FIND_LAST_VERSION),
							  &tmfd);
	switch (result)
	{
		case TM_Ok:
			break;
		case TM_Updated:
		case TM_Deleted:
			if (IsolationUsesXactSnapshot())
				ereport(ERROR,
						(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
						 errmsg("could not serialize access due to concurrent update")));
			if (result == TM_Updated)
				elog(ERROR, "unexpected table_tuple_lock status: %u", result);
			/* deleted: no row, as for SELECT ... FOR UPDATE */
			hinge_model_missing_error(name);
			break;
		case TM_SelfModified:
			/* changed by this very command: no row, as for SELECT ... FOR UPDATE */
			hinge_model_missing_error(name);
			break;
		default:
			elog(ERROR, "could not lock model \"%s\": table_tuple_lock status %u", name, result);
	}
	tuple = ExecFetchSlotHeapTuple(slot, false, NULL);
	if (tmfd.traversed)
	{
		/* a later version: still the model's row?  (the name may have changed) */
		text	   *row_name;

		value = heap_getattr(tuple, get_attnum(relid, "name"), RelationGetDescr(rel), &isnull);
		row_name = isnull ? NULL : DatumGetTextPP(value);
		if (row_name == NULL || VARSIZE_ANY_EXHDR(row_name) != strlen(name) ||
			memcmp(VARDATA_ANY(row_name), name, strlen(name)) != 0)
			hinge_model_missing_error(name);
	}
	if (!(ItemPointerEquals(&tuple->t_self, &seen_tid) &&
		  HeapTupleHeaderGetRawXmin(tuple->t_data) == seen_xmin))
		model = hinge_model_of_version(&ref, columns->namespace, name, tuple, RelationGetDescr(rel),
									   relid, &tuple->t_self,
									   HeapTupleHeaderGetRawXmin(tuple->t_data));
	*ctid = tuple->t_self;
	value = heap_getattr(tuple, columns->rows_used, RelationGetDescr(rel), &isnull);
	counts[0] = isnull ? 0 : DatumGetInt64(value);
	value = heap_getattr(tuple, columns->online_updates, RelationGetDescr(rel), &isnull);
	counts[1] = isnull ? 0 : DatumGetInt64(value);
	ExecDropSingleTupleTableSlot(slot);
	PopActiveSnapshot();
	table_close(rel, NoLock);
	return model;
}

/*
 * Locks model name's row and returns its model: the version the cache
 * holds when it is the one locked (the one this backend wrote last, say),
 * else the row, read and checked.  The lock query's row stays in
 * SPI_tuptable.
 */
static HingeModel *
lock_model(LearnColumns *columns, const char *name, ItemPointer ctid, TransactionId *xmin)
{
	Datum		values[3];
	char		nulls[3] = {' ', 'n', 'n'};
	ItemPointerData cached_tid;
	TransactionId cached_xmin;
	bool		cacheable = OidIsValid(columns->model_table) && strlen(name) <= HINGE_MAX_MODEL_NAME;
	HingeModelRef ref = {0};
	HeapTuple	row;
	TupleDesc	desc;
	Datum		whole;
	bool		isnull;
	int			ret;

	values[0] = CStringGetTextDatum(name);
	if (cacheable && hinge_model_cached_version(name, columns->model_table, &cached_tid, &cached_xmin))
	{
		values[1] = PointerGetDatum(&cached_tid);
		values[2] = TransactionIdGetDatum(cached_xmin);
		nulls[1] = nulls[2] = ' ';
	}
	for (;;)
	{
		ret = SPI_execute_plan(learn_plans.lock, values, nulls, false, 1);
		if (ret != SPI_OK_SELECT)
			elog(ERROR, "could not read model \"%s\": %s", name, SPI_result_code_string(ret));
		if (SPI_processed == 0)
			hinge_model_missing_error(name);
		row = SPI_tuptable->vals[0];
		desc = SPI_tuptable->tupdesc;
		*ctid = *(ItemPointer) DatumGetPointer(heap_getattr(row, 1, desc, &isnull));
		*xmin = DatumGetTransactionId(heap_getattr(row, 2, desc, &isnull));
		whole = heap_getattr(row, 5, desc, &isnull);
		if (isnull)
		{
			HingeModel *model = hinge_model_of_version(&ref, columns->namespace, name, NULL, NULL,
													   columns->model_table, ctid, *xmin);

			if (model != NULL)
				return model;
			/* dropped from the cache meanwhile: the whole row, locked already */
			nulls[1] = nulls[2] = 'n';
			continue;
		}
		else
		{
			HeapTupleHeader header = DatumGetHeapTupleHeader(whole);
			TupleDesc	row_desc = lookup_rowtype_tupdesc(HeapTupleHeaderGetTypeId(header),
														  HeapTupleHeaderGetTypMod(header));
			HeapTupleData tuple;
			HingeModel *model;

			tuple.t_len = HeapTupleHeaderGetDatumLength(header);
			ItemPointerSetInvalid(&tuple.t_self);
			tuple.t_tableOid = InvalidOid;
			tuple.t_data = header;
			if (cacheable)
				model = hinge_model_of_version(&ref, columns->namespace, name, &tuple, row_desc,
											   columns->model_table, ctid, *xmin);
			else
				model = hinge_model_from_tuple(&tuple, row_desc, name);
			ReleaseTupleDesc(row_desc);
			return model;
		}
	}
}

/*
 * hinge_learn_trigger(model, features column, label column): an AFTER
 * INSERT OR UPDATE row trigger that updates a binary model with one Pegasos
 * step from each row whose features and label are not NULL.
 *
 * Per row: the model's row is locked and read (the latest version, so that
 * concurrent learners take turns and no step is lost), the step is taken
 * from it, and that very version is replaced, found by its ctid.  The model
 * comes from the backend's cache when it holds that version (the one this
 * backend wrote last, say), else it is read and checked: a version is
 * checked whenever its content is new to the backend.
 */
PG_FUNCTION_INFO_V1(hinge_learn_trigger);
Datum
hinge_learn_trigger(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	char	  **args;
	LearnColumns *columns;
	HeapTuple	tuple;
	Datum		label;
	bool		label_null;
	char	   *label_text;
	HingeVector x;
	HingeModel *model;
	Datum		values[3];
	ItemPointerData ctid;
	TransactionId xmin;
	int64		counts[2];
	float8	   *w;
	ArrayType  *weights;
	float8		y,
				t;
	int			ret;

	tuple = hinge_trigger_row(fcinfo, "hinge_learn_trigger", false);
	if (trigdata->tg_trigger->tgnargs != 3)
		hinge_argument_error(psprintf("hinge_learn_trigger takes 3 arguments, not %d",
									  trigdata->tg_trigger->tgnargs),
							 "EXECUTE FUNCTION hinge_learn_trigger('model', 'features_column', 'label_column')");
	args = trigdata->tg_trigger->tgargs;
	columns = learn_columns(fcinfo, trigdata);

	/* the row's label; a row without one teaches nothing */
	label = heap_getattr(tuple, columns->label, RelationGetDescr(trigdata->tg_relation),
						 &label_null);
	if (label_null)
		return PointerGetDatum(NULL);
	/* the label as the model's classes are written, whatever the settings */
	label_text = hinge_label_text_of(columns->label_type, label);

	model = lock_model_direct(columns, args[0], &ctid, counts);
	SPI_connect();
	prepare_learn_plans(columns->namespace);
	if (model == NULL)
	{
		model = lock_model(columns, args[0], &ctid, &xmin);
		counts[0] = model_count(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 3);
		counts[1] = model_count(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 4);
	}
	if (model->n_rows > 1)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("model \"%s\" has %d classes, and online updates take a binary model",
						args[0], model->n_classes),
				 errhint("Retrain a multiclass model with hinge_train instead.")));
	check_count(counts[0], "rows_used", args[0]);
	check_count(counts[1], "online_updates", args[0]);
	/* the row's features, as the model reads them (planned once a version) */
	if (columns->features_model != model->version)
	{
		MemoryContext old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);

		columns->features_model = 0;
		hinge_row_features_plan(&columns->features, trigdata->tg_relation, args[1], model,
								columns->namespace);
		columns->features_model = model->version;
		MemoryContextSwitchTo(old);
	}
	/* without them, nothing */
	if (!hinge_row_features_read(&columns->features, tuple,
								 RelationGetDescr(trigdata->tg_relation), model,
								 fcinfo->flinfo->fn_mcxt, &x))
	{
		SPI_finish();
		return PointerGetDatum(NULL);
	}
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
	t = (float8) counts[0] + (float8) counts[1] + 1.0;
	weights = hinge_new_float8_array(model->n_weights, &w);
	pegasos_step(hinge_float8_vector(model->weights, model->n_weights), x, y,
				 model->lambda, t, w);
	/* the model is not used past here: the update may run other triggers */
	model = NULL;

	values[0] = CStringGetTextDatum(args[0]);
	values[1] = PointerGetDatum(weights);
	values[2] = PointerGetDatum(&ctid);
	ret = SPI_execute_plan(learn_plans.update, values, NULL, false, 0);
	if (ret != SPI_OK_UPDATE || SPI_processed != 1)
		elog(ERROR, "could not update model \"%s\"", args[0]);
	SPI_finish();
	return PointerGetDatum(NULL);
}
