/*
 * model.c
 *		Stored models: a row of hinge_model read into a HingeModel and
 *		checked, and what scoring with it takes (model.h).
 *
 * A model row may have been edited by hand by its owner, so reading one
 * checks every column that any path scores, evaluates or calibrates with,
 * as for any argument: a row that breaks what scoring relies on is an
 * error (XX001 data_corrupted) naming the model and the column, never a
 * crash or a wrong score.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "cv.h"
#include "encoding.h"
#include "finite.h"
#include "kernels.h"
#include "citus.h"
#include "model.h"
#include "score.h"
#include "validate.h"

/*
 * A name that starts with '{' (after blanks) looks like an array literal:
 * weights an application sent untyped, which PostgreSQL then reads as the
 * model name of hinge_score(model_name text, x) and its siblings
 */
static bool
looks_like_array(const char *name)
{
	while (*name == ' ' || *name == '\t' || *name == '\n' || *name == '\r')
		name++;
	return *name == '{';
}

/*
 * A model name must be non-empty, fit an index entry and not look like an
 * array of weights (so that such a value is never found as a model)
 */
void
hinge_check_model_name(const char *name)
{
	if (name[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("model_name must not be empty"),
				 errhint("Name the model: hinge_score, hinge_predict and hinge_evaluate find it by its name.")));
	if (strlen(name) > HINGE_MAX_MODEL_NAME)
		ereport(ERROR,
				(errcode(ERRCODE_NAME_TOO_LONG),
				 errmsg("model_name is %zu bytes long, more than %d",
						strlen(name), HINGE_MAX_MODEL_NAME),
				 errhint("Give the model a shorter name; hinge_model keeps the details of a model in its other columns.")));
	if (looks_like_array(name))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("model_name must not start with \"{\": \"%s\"", name),
				 errdetail("Such a name looks like an array of weights: hinge_score('{...}', x) reads an untyped array as a model name, and must never find one."),
				 errhint("Give the model a name that does not start with \"{\".")));
}

void
hinge_model_missing_error(const char *name)
{
	if (hinge_in_citus_task())
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("model \"%s\" does not exist on this Citus worker", name),
				 errdetail("Models live in the coordinator's hinge_model; a query on a distributed table scores its rows on the workers."),
				 errhint("Load hinge on the coordinator when it starts (shared_preload_libraries = 'citus,hinge'): it then sends the models named in queries on distributed tables to the workers. Or pass the weights: hinge_score((SELECT weights FROM hinge_model WHERE name = %s), x).",
						 quote_literal_cstr(name))));
	if (looks_like_array(name))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("model \"%s\" does not exist", name),
				 errdetail("An untyped value in the place of the model name (a literal, or a parameter that the client sent without a type) is taken for a model name."),
				 errhint("It looks like an array of weights: give it a type, $1::float8[] or '{...}'::float8[].")));
	ereport(ERROR,
			(errcode(ERRCODE_UNDEFINED_OBJECT),
			 errmsg("model \"%s\" does not exist", name),
			 errhint("Train it with hinge_train, or list the models with SELECT name FROM hinge_model. To score with a weight array instead, give it a type: '{...}'::float8[].")));
}

/* A model row that scoring cannot rely on */
static pg_noreturn void
corrupt(const char *name, const char *column, const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("model \"%s\" has %s", name, what),
			 errdetail("Column %s of its row in hinge_model is not as hinge_train writes it.", column),
			 errhint("Train the model again, or restore its row.")));
}

/* The columns read, found by name: an upgraded table may order them otherwise */
typedef struct ModelColumns
{
	int			weights,
				classes,
				positive_class,
				n_features,
				lambda,
				loss,
				gamma,
				class_weights,
				multiclass,
				calibration_a,
				calibration_b,
				features,
				feature_type,
				encoding,		/* 0 before 1.2 */
				cv_metric,		/* the search: 0 before 1.2 */
				cv_folds,
				cv_fold_column,
				cv_lambdas,
				cv_scores,
				cv_passes,
				cv_seconds;
} ModelColumns;

static int
column_or_0(TupleDesc desc, const char *name)
{
	int			i;

	for (i = 0; i < desc->natts; i++)
		if (!TupleDescAttr(desc, i)->attisdropped &&
			strcmp(NameStr(TupleDescAttr(desc, i)->attname), name) == 0)
			return i + 1;
	return 0;
}

static int
column_of(TupleDesc desc, const char *name)
{
	int			column = column_or_0(desc, name);

	if (column == 0)
		elog(ERROR, "hinge_model has no column %s", name);
	return column;
}

/* Is column (1-based) of desc the live column name? */
static bool
column_is(TupleDesc desc, int column, const char *name)
{
	return column >= 1 && column <= desc->natts &&
		!TupleDescAttr(desc, column - 1)->attisdropped &&
		strcmp(NameStr(TupleDescAttr(desc, column - 1)->attname), name) == 0;
}

/*
 * The columns read, in desc: those found for the last row descriptor when
 * each is still there (a model row is read again and again from the same
 * kind of descriptor), else looked up
 */
static void
find_columns(TupleDesc desc, ModelColumns *c)
{
	static ModelColumns last = {0};
	static const char *const names[] = {"weights", "classes", "positive_class", "n_features",
		"lambda", "loss", "gamma", "class_weights", "multiclass", "calibration_a", "calibration_b",
		"features", "feature_type", "encoding", "cv_metric", "cv_folds", "cv_fold_column",
	"cv_lambdas", "cv_scores", "cv_passes", "cv_seconds"};
	int		   *columns = (int *) &last;
	int			optional = 13;	/* encoding and the search's: none before 1.2 */
	int			i;

	StaticAssertStmt(sizeof(ModelColumns) == sizeof(names) / sizeof(names[0]) * sizeof(int),
					 "one name per column of ModelColumns");
	for (i = 0; i < lengthof(names); i++)
		if (!column_is(desc, columns[i], names[i]) &&
			!(i >= optional && columns[i] == 0 && column_or_0(desc, names[i]) == 0))
			break;
	if (i < lengthof(names))
		for (i = 0; i < lengthof(names); i++)
			columns[i] = i >= optional ? column_or_0(desc, names[i]) : column_of(desc, names[i]);
	*c = last;
}

/* The row's values, deformed once */
typedef struct ModelRow
{
	Datum	   *values;
	bool	   *nulls;
} ModelRow;

static ModelRow *model_row;		/* the row being read */

static Datum
value_of(HeapTuple tuple, TupleDesc desc, int column, bool *isnull)
{
	*isnull = model_row->nulls[column - 1];
	return model_row->values[column - 1];
}

/* A non-NULL column's value */
static Datum
required(HeapTuple tuple, TupleDesc desc, int column, const char *name)
{
	bool		isnull;
	Datum		value = value_of(tuple, desc, column, &isnull);

	if (isnull)
		corrupt(name, NameStr(TupleDescAttr(desc, column - 1)->attname), "a NULL column");
	return value;
}

/*
 * n float8 from a one-dimensional float8[] column, copied: each finite,
 * and above zero when positive
 */
static float8 *
float8_column(HeapTuple tuple, TupleDesc desc, int column, const char *name,
			  int n, bool positive)
{
	const char *colname = NameStr(TupleDescAttr(desc, column - 1)->attname);
	ArrayType  *array = DatumGetArrayTypeP(required(tuple, desc, column, name));
	float8	   *out;
	int			i;

	if (ARR_NDIM(array) != 1 || ARR_HASNULL(array) || ARR_ELEMTYPE(array) != FLOAT8OID ||
		ARR_DIMS(array)[0] != n)
		corrupt(name, colname, psprintf("%s of the wrong shape: %d numbers are needed", colname, n));
	out = palloc(sizeof(float8) * n);
	memcpy(out, ARR_DATA_PTR(array), sizeof(float8) * n);
	for (i = 0; i < n; i++)
		if (!isfinite(out[i]) || (positive && !(out[i] > 0.0)))
			corrupt(name, colname, psprintf("a value of %s that is not %s", colname,
											positive ? "a positive number" : "finite"));
	return out;
}

static char *
text_column(HeapTuple tuple, TupleDesc desc, int column, bool *isnull)
{
	Datum		value = value_of(tuple, desc, column, isnull);

	return *isnull ? NULL : TextDatumGetCString(value);
}

/*
 * The encoding of a model: its stored one, or for a model trained before
 * 1.2 (NULL, or no such column before the extension is updated) what its
 * features were: one array column, or a list of numeric columns.
 */
static HingeEncoding *
model_encoding(HeapTuple tuple, TupleDesc desc, const ModelColumns *c, HingeModel *model)
{
	HingeEncoding *encoding;
	bool		isnull = true;
	Datum		value = c->encoding > 0 ? value_of(tuple, desc, c->encoding, &isnull) : (Datum) 0;
	ArrayType  *features;
	Datum	   *names;
	bool	   *nulls;
	char	   *feature_type;
	int			n,
				i;

	if (!isnull)
	{
		encoding = hinge_encoding_from_jsonb(DatumGetJsonbP(value), model->name);
		if (encoding->dimension != model->n_features)
			corrupt(model->name, "encoding",
					psprintf("an encoding of %d features for %d features",
							 encoding->dimension, model->n_features));
		return encoding;
	}
	features = DatumGetArrayTypeP(required(tuple, desc, c->features, model->name));
	if (ARR_NDIM(features) != 1 || ARR_ELEMTYPE(features) != TEXTOID)
		corrupt(model->name, "features", "features that are not a list of column names");
	deconstruct_array(features, TEXTOID, -1, false, TYPALIGN_INT, &names, &nulls, &n);
	for (i = 0; i < n; i++)
		if (nulls[i])
			corrupt(model->name, "features", "a NULL feature column");
	feature_type = TextDatumGetCString(required(tuple, desc, c->feature_type, model->name));
	encoding = palloc0(sizeof(HingeEncoding));
	encoding->scale = "none";
	if (strcmp(feature_type, "columns") == 0)
	{
		if (n != model->n_features)
			corrupt(model->name, "features", "a list of columns that is not one per feature");
		encoding->n_inputs = n;
		encoding->inputs = palloc0(sizeof(HingeInput) * n);
		for (i = 0; i < n; i++)
		{
			encoding->inputs[i].kind = HINGE_INPUT_NUMBER;
			encoding->inputs[i].column = TextDatumGetCString(names[i]);
			encoding->inputs[i].offset = i;
			encoding->inputs[i].width = 1;
		}
	}
	else
	{
		if (n != 1)
			corrupt(model->name, "features", "an array of features in more than one column");
		encoding->n_inputs = 1;
		encoding->inputs = palloc0(sizeof(HingeInput));
		encoding->inputs[0].kind = HINGE_INPUT_ARRAY;
		encoding->inputs[0].column = TextDatumGetCString(names[0]);
		encoding->inputs[0].width = model->n_features;
	}
	encoding->dimension = model->n_features;
	encoding->max_entries = model->n_features;
	return encoding;
}

/*
 * The array of a search column: one-dimensional of n elements of type
 * elemtype (n < 0: any number from 1 to 1000), or two-dimensional n x cols
 */
static ArrayType *
search_array(HeapTuple tuple, TupleDesc desc, int column, const char *name, Oid elemtype,
			 int n, int cols)
{
	const char *colname = NameStr(TupleDescAttr(desc, column - 1)->attname);
	ArrayType  *array = DatumGetArrayTypeP(required(tuple, desc, column, name));
	bool		shape_ok = ARR_ELEMTYPE(array) == elemtype && !ARR_HASNULL(array) &&
		(cols == 0 ? ARR_NDIM(array) == 1 &&
		 (n < 0 ? ARR_DIMS(array)[0] <= 1000 : ARR_DIMS(array)[0] == n) :
		 ARR_NDIM(array) == 2 && ARR_DIMS(array)[0] == n && ARR_DIMS(array)[1] == cols);

	if (!shape_ok)
		corrupt(name, colname, psprintf("%s of the wrong shape", colname));
	return array;
}

/*
 * The cross-validation of a model row: all its columns NULL (none), or a
 * known metric, folds, and per lambda one positive lambda, a row of finite
 * scores, passes and seconds.
 */
static HingeModelSearch *
model_search(HeapTuple tuple, TupleDesc desc, const ModelColumns *c, const char *name)
{
	const int	columns[] = {c->cv_metric, c->cv_folds, c->cv_lambdas, c->cv_scores,
	c->cv_passes, c->cv_seconds};
	HingeModelSearch *search;
	ArrayType  *array;
	bool		isnull;
	int			nulls = 0,
				i;

	if (c->cv_metric == 0)
		return NULL;			/* a table before 1.2 */
	for (i = 0; i < lengthof(columns); i++)
	{
		(void) value_of(tuple, desc, columns[i], &isnull);
		nulls += isnull;
	}
	if (nulls == lengthof(columns))
		return NULL;
	search = palloc0(sizeof(HingeModelSearch));
	search->metric = TextDatumGetCString(required(tuple, desc, c->cv_metric, name));
	if (strcmp(search->metric, "accuracy") != 0 && strcmp(search->metric, "balanced_accuracy") != 0 &&
		strcmp(search->metric, "f1") != 0 && strcmp(search->metric, "hinge_loss") != 0)
		corrupt(name, "cv_metric", "no known metric of a search");
	search->n_folds = DatumGetInt32(required(tuple, desc, c->cv_folds, name));
	if (search->n_folds < 2 || search->n_folds > HINGE_MAX_FOLDS)
		corrupt(name, "cv_folds", psprintf("a search of %d folds", search->n_folds));
	array = search_array(tuple, desc, c->cv_lambdas, name, FLOAT8OID, -1, 0);
	search->n_lambdas = ARR_DIMS(array)[0];
	search->lambdas = float8_column(tuple, desc, c->cv_lambdas, name, search->n_lambdas, true);
	array = search_array(tuple, desc, c->cv_scores, name, FLOAT8OID, search->n_lambdas,
						 search->n_folds);
	search->scores = palloc(sizeof(float8) * search->n_lambdas * search->n_folds);
	memcpy(search->scores, ARR_DATA_PTR(array), sizeof(float8) * search->n_lambdas * search->n_folds);
	for (i = 0; i < search->n_lambdas * search->n_folds; i++)
		if (!isfinite(search->scores[i]))
			corrupt(name, "cv_scores", "a score of a search that is not finite");
	array = search_array(tuple, desc, c->cv_passes, name, INT4OID, search->n_lambdas, 0);
	search->passes = palloc(sizeof(int) * search->n_lambdas);
	memcpy(search->passes, ARR_DATA_PTR(array), sizeof(int) * search->n_lambdas);
	for (i = 0; i < search->n_lambdas; i++)
		if (search->passes[i] < 0)
			corrupt(name, "cv_passes", "a negative number of passes");
	search->seconds = float8_column(tuple, desc, c->cv_seconds, name, search->n_lambdas, false);
	for (i = 0; i < search->n_lambdas; i++)
		if (search->seconds[i] < 0)
			corrupt(name, "cv_seconds", "a negative time");
	return search;
}

/* Errors while reading a model row name the model */
static void
model_row_context(void *arg)
{
	errcontext("model \"%s\" in hinge_model", (const char *) arg);
}

/*
 * Reads a model from a row of hinge_model, into the current memory
 * context, checking every column scoring, evaluation and calibration read.
 */
HingeModel *
hinge_model_from_tuple(HeapTuple tuple, TupleDesc desc, const char *name)
{
	ErrorContextCallback context;
	ModelColumns c;
	ModelRow	row;
	HingeModel *model = palloc0(sizeof(HingeModel));
	ArrayType  *weights;
	ArrayType  *classes;
	Datum	   *elems;
	bool	   *nulls;
	bool		isnull,
				null_a,
				null_b;
	char	   *positive;
	int			i;

	find_columns(desc, &c);
	row.values = palloc(sizeof(Datum) * desc->natts);
	row.nulls = palloc(sizeof(bool) * desc->natts);
	heap_deform_tuple(tuple, desc, row.values, row.nulls);
	model_row = &row;

	model->name = pstrdup(name);
	context.callback = model_row_context;
	context.arg = model->name;
	context.previous = error_context_stack;
	error_context_stack = &context;

	/* the weights: a vector, or a matrix of one row per class; finite */
	weights = DatumGetArrayTypePCopy(required(tuple, desc, c.weights, name));
	if (ARR_NDIM(weights) == 2)
	{
		HingeMatrix W = hinge_matrix_arg(weights, "model weights");

		hinge_check_finite_vector(hinge_float8_vector(W.data, W.rows * W.cols), "model weights");
		model->n_rows = W.rows;
		model->n_weights = W.cols;
	}
	else
	{
		HingeVector w = hinge_vector_arg(weights, "model weights");

		if (w.kind != HINGE_DENSE_FLOAT8)
			corrupt(name, "weights", "weights that are not double precision");
		hinge_check_finite_vector(w, "model weights");
		model->n_rows = 1;
		model->n_weights = w.n;
	}
	model->weights = (float8 *) ARR_DATA_PTR(weights);

	model->n_features = DatumGetInt32(required(tuple, desc, c.n_features, name));
	if (model->n_features < 1 ||
		(model->n_weights != model->n_features && model->n_weights != model->n_features + 1))
		corrupt(name, "n_features", psprintf("%d weights for %d features",
											 model->n_weights, model->n_features));

	/* the classes: two, or one per row of weights; none NULL */
	classes = DatumGetArrayTypeP(required(tuple, desc, c.classes, name));
	if (ARR_NDIM(classes) > 1 || ARR_ELEMTYPE(classes) != TEXTOID)
		corrupt(name, "classes", "classes that are not a list of text");
	deconstruct_array(classes, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls,
					  &model->n_classes);
	if (model->n_classes != (model->n_rows == 1 ? 2 : model->n_rows))
		corrupt(name, "classes", psprintf("classes that do not match its weights (%d classes, %d %s of weights)",
										  model->n_classes, model->n_rows,
										  model->n_rows == 1 ? "row" : "rows"));
	model->classes = palloc(sizeof(char *) * model->n_classes);
	for (i = 0; i < model->n_classes; i++)
	{
		if (nulls[i])
			corrupt(name, "classes", "a NULL class");
		model->classes[i] = TextDatumGetCString(elems[i]);
	}

	/* a binary model's positive class is its second */
	positive = text_column(tuple, desc, c.positive_class, &isnull);
	if (model->n_rows == 1 && (positive == NULL || strcmp(positive, model->classes[1]) != 0))
		corrupt(name, "positive_class", "a positive class that is not its second class");

	model->multiclass = text_column(tuple, desc, c.multiclass, &isnull);
	if (model->n_rows > 1 &&
		(model->multiclass == NULL ||
		 (strcmp(model->multiclass, "crammer_singer") != 0 &&
		  strcmp(model->multiclass, "weston_watkins") != 0 &&
		  strcmp(model->multiclass, "one_vs_rest") != 0)))
		corrupt(name, "multiclass", "no known multiclass strategy");
	if (model->n_rows == 1)
		model->multiclass = NULL;

	/* what evaluating the objective reads */
	model->lambda = DatumGetFloat8(required(tuple, desc, c.lambda, name));
	if (!(model->lambda > 0.0) || !isfinite(model->lambda))
		corrupt(name, "lambda", "a lambda that is not a positive number");
	model->loss = TextDatumGetCString(required(tuple, desc, c.loss, name));
	if (strcmp(model->loss, "hinge") != 0 && strcmp(model->loss, "squared_hinge") != 0 &&
		strcmp(model->loss, "smooth_hinge") != 0)
		corrupt(name, "loss", "no known loss");
	if (model->n_rows > 1 && strcmp(model->loss, "hinge") != 0)
		corrupt(name, "loss", "a multiclass loss other than the hinge");
	model->gamma = DatumGetFloat8(required(tuple, desc, c.gamma, name));
	if (!(model->gamma > 0.0) || !isfinite(model->gamma))
		corrupt(name, "gamma", "a gamma that is not a positive number");
	model->class_weights = float8_column(tuple, desc, c.class_weights, name,
										 model->n_classes, true);

	/* Platt's A and B: both or neither, one per sigmoid */
	(void) value_of(tuple, desc, c.calibration_a, &null_a);
	(void) value_of(tuple, desc, c.calibration_b, &null_b);
	if (null_a != null_b)
		corrupt(name, null_a ? "calibration_a" : "calibration_b",
				"a calibration with one of its two parameters NULL");
	if (!null_a)
	{
		model->calibration_a = float8_column(tuple, desc, c.calibration_a, name,
											 model->n_rows, false);
		model->calibration_b = float8_column(tuple, desc, c.calibration_b, name,
											 model->n_rows, false);
	}

	model->encoding = model_encoding(tuple, desc, &c, model);

	/* scratch for per-row scores and probabilities, so rows allocate nothing */
	model->scores = palloc(sizeof(float8) * model->n_rows);
	model->probabilities = palloc(sizeof(float8) * model->n_classes);
	model->search = model_search(tuple, desc, &c, name);
	model->bytes = sizeof(HingeModel) + VARSIZE(weights) + VARSIZE(classes) +
		sizeof(float8) * (3 * model->n_classes + 3 * model->n_rows);
	error_context_stack = context.previous;
	pfree(row.values);
	pfree(row.nulls);
	model_row = NULL;
	return model;
}

/*
 * The row of model name in ext's hinge_model (AS m), columns a select list,
 * read through the caller's SPI connection, and locked FOR UPDATE when
 * for_update: then no other session can change it until the caller's
 * transaction ends, and the row read is the latest one.  NULL when there is
 * none; SPI_tuptable->tupdesc describes it.
 */
HeapTuple
hinge_model_row(const char *ext, const char *name, const char *columns, bool for_update)
{
	Oid			argtypes[1] = {TEXTOID};
	Datum		values[1] = {CStringGetTextDatum(name)};

	if (SPI_execute_with_args(psprintf("SELECT %s FROM %s.hinge_model AS m "
									   "WHERE m.name OPERATOR(pg_catalog.=) $1%s",
									   columns, ext, for_update ? " FOR UPDATE" : ""),
							  1, argtypes, values, NULL, !for_update, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read model \"%s\"", name);
	return SPI_processed == 0 ? NULL : SPI_tuptable->vals[0];
}

/*
 * Reads model name through SPI into the caller's memory context (the
 * connection's own is left behind), locked when for_update (see above).
 */
HingeModel *
hinge_model_read(const char *ext, const char *name, bool for_update)
{
	MemoryContext caller = CurrentMemoryContext;
	HingeModel *model;
	HeapTuple	row;
	MemoryContext old;

	/* a model passed by value (model_value.c), to read, not to change */
	if (!for_update && hinge_is_model_value(name, strlen(name)))
		return hinge_model_from_value(name, strlen(name));
	SPI_connect();
	row = hinge_model_row(ext, name, "m.*", for_update);
	if (row == NULL)
		hinge_model_missing_error(name);
	old = MemoryContextSwitchTo(caller);
	model = hinge_model_from_tuple(row, SPI_tuptable->tupdesc, name);
	MemoryContextSwitchTo(old);
	SPI_finish();
	return model;
}

/*
 * Errors out, before a long training or calibration rather than after it,
 * when model name exists but the current role may not change it (from 1.1
 * a trigger on hinge_model refuses it then).  A 1.0 table has no owner
 * column, and every row is writable.
 */
void
hinge_model_check_writable(const char *ext, Oid namespace, const char *name)
{
	/*
	 * Asked of the catalog, as the learning trigger asks for its columns:
	 * reading the row as jsonb to find an owner column or none converted
	 * every weight (0.1-0.2 s for a model of 2^18 weights).
	 */
	Oid			model_table = get_relname_relid("hinge_model", namespace);
	bool		has_owners = OidIsValid(model_table) &&
		get_attnum(model_table, "owner") != InvalidAttrNumber;
	Oid			argtypes[1] = {TEXTOID};
	Datum		values[1];
	HeapTuple	row;
	char	   *owner;
	bool		isnull;

	SPI_connect();
	row = has_owners ? hinge_model_row(ext, name, "m.owner", false) : NULL;
	owner = row == NULL ? NULL : SPI_getvalue(row, SPI_tuptable->tupdesc, 1);
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
		scores[r] = hinge_score_vectors(hinge_float8_vector(model->weights + (Size) r * model->n_weights,
														   model->n_weights), x);
}

/*
 * The regulariser of the model's objective, lambda/2 ||w||^2, of the
 * weights the solver saw: for scaled features, those of the scaled ones
 * (w_j s_j, and the intercept w_0 + sum_j w_j c_j), whose objective the
 * model reports
 */
float8
hinge_model_regulariser(HingeModel *model)
{
	float8	   *center,
			   *scale;
	bool		scaled = hinge_encoding_scaling(model->encoding, &center, &scale);
	int			d = model->n_features;
	float8		sum = 0.0;
	int			r,
				j;

	for (r = 0; r < model->n_rows; r++)
	{
		const float8 *w = model->weights + (Size) r * model->n_weights;
		float8		intercept = model->n_weights > d ? w[d] : 0.0;

		for (j = 0; j < d; j++)
		{
			float8		v = scaled ? w[j] * scale[j] : w[j];

			sum += v * v;
			if (scaled)
				intercept += w[j] * center[j];
		}
		if (model->n_weights > d)
			sum += intercept * intercept;
	}
	return hinge_check_result(model->lambda / 2.0 * sum);
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

/* Platt's sigmoid 1 / (1 + exp(A s + B)), without overflow */
static float8
sigmoid(float8 A, float8 B, float8 score)
{
	float8		fApB = A * score + B;

	if (fApB >= 0.0)
		return exp(-fApB) / (1.0 + exp(-fApB));
	return 1.0 / (1.0 + exp(fApB));
}

void
hinge_model_require_calibration(HingeModel *model)
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

	hinge_model_require_calibration(model);
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
