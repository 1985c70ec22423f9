/*
 * evaluate.c
 *		hinge_evaluate: how a stored model does on the rows of a relation.
 *
 * One scan counts the confusion matrix (rows the true class, columns the
 * predicted one); the loss and the objective come from the training
 * aggregates.  A model's classes are text forms, so the evaluated label
 * column may be of another type than the training one's if it reads them.
 */
#include "postgres.h"

#include <limits.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "encoding.h"
#include "finite.h"
#include "model.h"
#include "passes.h"
#include "source.h"

static Datum
ratio_or_null(float8 numerator, float8 denominator, bool *isnull)
{
	*isnull = denominator == 0.0;
	return Float8GetDatum(*isnull ? 0.0 : numerator / denominator);
}

/* The fields of hinge_evaluation, in order */
enum
{
	EV_N, EV_ACCURACY, EV_PRECISION, EV_RECALL, EV_F1,
	EV_TP, EV_FP, EV_TN, EV_FN, EV_MEAN_LOSS, EV_OBJECTIVE, EV_SKIPPED,
	EV_CLASSES, EV_CLASS_PRECISION, EV_CLASS_RECALL, EV_CLASS_F1, EV_CONFUSION,
	EV_FIELDS
};

/* A float8[] of k values, NULL where not defined */
static Datum
float8_array(const float8 *values, const bool *nulls, int k)
{
	Datum	   *elems = palloc(sizeof(Datum) * k);
	int			dims[1] = {k};
	int			lbs[1] = {1};
	int			i;

	for (i = 0; i < k; i++)
		elems[i] = Float8GetDatum(values[i]);
	return PointerGetDatum(construct_md_array(elems, (bool *) nulls, 1, dims, lbs, FLOAT8OID,
											  sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

/*
 * The fields that come from the confusion matrix M (k x k, rows the true
 * class, columns the predicted one): accuracy, per-class precision, recall
 * and F1, their macro averages (the plain ones of a multiclass model), and
 * M itself.
 */
static void
confusion_fields(HingeModel *model, const int64 *M, Datum *result, bool *nulls)
{
	int			k = model->n_classes;
	float8	   *precision = palloc(sizeof(float8) * k);
	float8	   *recall = palloc(sizeof(float8) * k);
	float8	   *f1 = palloc(sizeof(float8) * k);
	bool	   *p_null = palloc(sizeof(bool) * k);
	bool	   *r_null = palloc(sizeof(bool) * k);
	bool	   *f_null = palloc(sizeof(bool) * k);
	Datum	   *classes = palloc(sizeof(Datum) * k);
	Datum	   *cells = palloc(sizeof(Datum) * k * k);
	int			dims[2] = {k, k};
	int			lbs[2] = {1, 1};
	int64		n = 0,
				correct = 0;
	int			t,
				c;

	for (c = 0; c < k; c++)
	{
		int64		predicted = 0,
					actual = 0;

		for (t = 0; t < k; t++)
		{
			predicted += M[t * k + c];
			actual += M[c * k + t];
			cells[t * k + c] = Int64GetDatum(M[t * k + c]);
		}
		n += actual;
		correct += M[c * k + c];
		p_null[c] = predicted == 0;
		precision[c] = p_null[c] ? 0.0 : (float8) M[c * k + c] / predicted;
		r_null[c] = actual == 0;
		recall[c] = r_null[c] ? 0.0 : (float8) M[c * k + c] / actual;
		f_null[c] = p_null[c] || r_null[c] || precision[c] + recall[c] == 0.0;
		f1[c] = f_null[c] ? 0.0 : 2.0 * precision[c] * recall[c] / (precision[c] + recall[c]);
		classes[c] = CStringGetTextDatum(model->classes[c]);
	}
	result[EV_N] = Int64GetDatum(n);
	result[EV_ACCURACY] = ratio_or_null(correct, n, &nulls[EV_ACCURACY]);
	result[EV_CLASSES] = PointerGetDatum(construct_array(classes, k, TEXTOID, -1, false, TYPALIGN_INT));
	result[EV_CLASS_PRECISION] = float8_array(precision, p_null, k);
	result[EV_CLASS_RECALL] = float8_array(recall, r_null, k);
	result[EV_CLASS_F1] = float8_array(f1, f_null, k);
	result[EV_CONFUSION] = PointerGetDatum(construct_md_array(cells, NULL, 2, dims, lbs, INT8OID,
															  sizeof(int64), FLOAT8PASSBYVAL,
															  TYPALIGN_DOUBLE));
	if (k == 2)
	{
		/* the positive class's (the second) */
		result[EV_PRECISION] = Float8GetDatum(precision[1]);
		nulls[EV_PRECISION] = p_null[1];
		result[EV_RECALL] = Float8GetDatum(recall[1]);
		nulls[EV_RECALL] = r_null[1];
		result[EV_F1] = Float8GetDatum(f1[1]);
		nulls[EV_F1] = f_null[1];
		result[EV_TP] = Int64GetDatum(M[3]);
		result[EV_FP] = Int64GetDatum(M[1]);
		result[EV_TN] = Int64GetDatum(M[0]);
		result[EV_FN] = Int64GetDatum(M[2]);
	}
	else
	{
		/* macro averages over the classes where each is defined */
		const float8 *series[3] = {precision, recall, f1};
		const bool *series_null[3] = {p_null, r_null, f_null};
		int			s;

		for (s = 0; s < 3; s++)
		{
			float8		sum = 0.0;
			int			defined = 0;

			for (c = 0; c < k; c++)
				if (!series_null[s][c])
				{
					sum += series[s][c];
					defined++;
				}
			result[EV_PRECISION + s] = ratio_or_null(sum, defined, &nulls[EV_PRECISION + s]);
		}
		nulls[EV_TP] = nulls[EV_FP] = nulls[EV_TN] = nulls[EV_FN] = true;
	}
}

/* 'a' and 'b', or 'a', 'b', 'c' (up to ten, then ...) */
static char *
class_list(HingeModel *model)
{
	StringInfoData list;
	int			k = model->n_classes;
	int			c;

	initStringInfo(&list);
	for (c = 0; c < Min(k, 10); c++)
		appendStringInfo(&list, "%s%s", c == 0 ? "" : (k == 2 ? " and " : ", "),
						 quote_literal_cstr(model->classes[c]));
	if (k > 10)
		appendStringInfoString(&list, ", ...");
	return list.data;
}

static void
unknown_labels_error(HingeModel *model, HingeRowSource *src, int64 unknown)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%lld rows of %s have a label that is not a class of model \"%s\"",
					(long long) unknown, src->relation_name, model->name),
			 errhint("The model's classes are %s; filter the other rows out in a view.",
					 class_list(model))));
}

/* A binary model: one scan for the confusion counts, loss and objective */
static void
evaluate_binary(HingeModel *model, HingeRowSource *src, const char *ext,
				Datum *result, bool *nulls)
{
	HingeParams params = {0};
	float8	   *w;
	ArrayType  *weights = hinge_new_float8_array(model->n_weights, &w);
	const char *args[8];
	char	   *weights_param,
			   *zero,
			   *one,
			   *loss,
			   *gamma,
			   *mean_loss,
			   *objective,
			   *query;
	int64		counts[6];
	int			min_width = INT_MAX,
				max_width = 0;
	int64		M[4];
	int			i;

	memcpy(w, model->weights, sizeof(float8) * model->n_weights);
	weights_param = hinge_param(&params, FLOAT8ARRAYOID, PointerGetDatum(weights));
	zero = hinge_param(&params, FLOAT8OID, Float8GetDatum(0.0));
	one = hinge_param(&params, FLOAT8OID, Float8GetDatum(1.0));
	loss = hinge_param(&params, TEXTOID, CStringGetTextDatum(model->loss));
	gamma = hinge_param(&params, FLOAT8OID, Float8GetDatum(model->gamma));

	/* the mean loss: no regulariser, no class weights */
	args[0] = weights_param;
	args[1] = "x";
	args[2] = "y";
	args[3] = zero;
	args[4] = loss;
	args[5] = gamma;
	args[6] = one;
	args[7] = one;
	mean_loss = hinge_call_sql(HINGE_CALL_CUTTING_PLANE, ext, src->features_type, args);
	/*
	 * the objective: the model's class weights, and its regulariser added
	 * below (of the weights the solver saw, scaled or not)
	 */
	args[3] = zero;
	args[6] = hinge_param(&params, FLOAT8OID, Float8GetDatum(model->class_weights[1]));
	args[7] = hinge_param(&params, FLOAT8OID, Float8GetDatum(model->class_weights[0]));
	objective = hinge_call_sql(HINGE_CALL_CUTTING_PLANE, ext, src->features_type, args);

	query = psprintf("SELECT pg_catalog.count(*) FILTER (WHERE ok AND known AND y OPERATOR(pg_catalog.>) 0 AND s OPERATOR(pg_catalog.>) 0), "
					 "pg_catalog.count(*) FILTER (WHERE ok AND known AND y OPERATOR(pg_catalog.<) 0 AND s OPERATOR(pg_catalog.>) 0), "
					 "pg_catalog.count(*) FILTER (WHERE ok AND known AND y OPERATOR(pg_catalog.<) 0 AND s OPERATOR(pg_catalog.<=) 0), "
					 "pg_catalog.count(*) FILTER (WHERE ok AND known AND y OPERATOR(pg_catalog.>) 0 AND s OPERATOR(pg_catalog.<=) 0), "
					 "pg_catalog.count(*) FILTER (WHERE ok AND NOT known), "
					 "pg_catalog.count(*) FILTER (WHERE NOT ok), "
					 "(%s FILTER (WHERE ok AND known))[1], "
					 "(%s FILTER (WHERE ok AND known))[1], %s "
					 "FROM (SELECT ok, x, y, y IS NOT NULL AS known, CASE WHEN ok THEN %s END AS s "
					 "FROM (SELECT %s AS ok, %s AS x, %s AS y FROM %s) AS r0) AS r",
					 mean_loss, objective, hinge_row_source_width_sql(src, "x", "ok"),
					 hinge_call_sql(HINGE_CALL_SCORE, ext, src->features_type, args),
					 src->usable_sql, hinge_row_source_x(src, &params), hinge_row_source_y(src, &params),
					 src->relation);
	/* no row limit: a limit would keep the executor from parallel workers */
	if (SPI_execute_with_args(query, params.n, params.types, params.values, NULL, true, 0) != SPI_OK_SELECT ||
		SPI_processed != 1)
		elog(ERROR, "could not evaluate model \"%s\"", model->name);
	for (i = 1; i <= 6; i++)
		hinge_check_column_type(i, INT8OID);
	hinge_check_column_type(7, FLOAT8OID);
	hinge_check_column_type(8, FLOAT8OID);
	hinge_row_source_add_width(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 9, 10,
							   &min_width, &max_width);
	hinge_row_source_check_width(src, min_width, max_width, model->n_features, model->name);
	for (i = 0; i < 6; i++)
	{
		bool		isnull;

		counts[i] = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
												SPI_tuptable->tupdesc, i + 1, &isnull));
	}
	if (counts[4] > 0)
		unknown_labels_error(model, src, counts[4]);
	/* rows the true class (negative, positive), columns the predicted one */
	M[0] = counts[2];
	M[1] = counts[1];
	M[2] = counts[3];
	M[3] = counts[0];
	confusion_fields(model, M, result, nulls);
	result[EV_MEAN_LOSS] = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 7, &nulls[EV_MEAN_LOSS]);
	result[EV_OBJECTIVE] = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 8, &nulls[EV_OBJECTIVE]);
	if (!nulls[EV_OBJECTIVE])
		result[EV_OBJECTIVE] = Float8GetDatum(hinge_check_result(DatumGetFloat8(result[EV_OBJECTIVE]) +
																 hinge_model_regulariser(model)));
	result[EV_SKIPPED] = Int64GetDatum(counts[5]);
}

/*
 * A multiclass model: the confusion matrix from one scan, the loss and the
 * objective (of the strategy it was trained with) from another.
 */
static void
evaluate_multiclass(HingeModel *model, HingeRowSource *src, const char *ext,
					Datum *result, bool *nulls)
{
	int			k = model->n_classes;
	int			cols = model->n_weights;
	bool		one_vs_rest = strcmp(model->multiclass, "one_vs_rest") == 0;
	HingeParams params = {0};
	float8	   *w;
	ArrayType  *W = hinge_new_float8_matrix(k, cols, &w);
	Datum	   *ones = palloc(sizeof(Datum) * k);
	Datum	   *weights = palloc(sizeof(Datum) * k);
	int64	   *M = palloc0(sizeof(int64) * k * k);
	int64		unknown = 0,
				skipped = 0;
	int			min_width = INT_MAX,
				max_width = 0;
	const char *args[6];
	char	   *rows;
	uint64		i;
	int			pass,
				r;

	memcpy(w, model->weights, sizeof(float8) * k * cols);
	for (r = 0; r < k; r++)
	{
		ones[r] = Float8GetDatum(1.0);
		weights[r] = Float8GetDatum(model->class_weights[r]);
	}
	args[0] = hinge_param(&params, FLOAT8ARRAYOID, PointerGetDatum(W));
	args[1] = "x";
	args[2] = "t";
	/* the label as its class, 1 to k (NULL for a label that is no class) */
	rows = psprintf("(SELECT %s AS ok, %s AS x, %s AS t FROM %s) AS r",
					src->usable_sql, hinge_row_source_x(src, &params), hinge_row_source_y(src, &params),
					src->relation);

	/*
	 * The width is a key of its own (one value, unless rows differ), not
	 * min and max aggregates: the planner sorts these groups, and an
	 * aggregate of x would carry every row's features through the sort
	 */
	if (SPI_execute_with_args(psprintf("SELECT t, %s, pg_catalog.count(*), ok, %s(x) "
									   "FROM %s GROUP BY 1, 2, 4, 5",
									   hinge_call_sql(HINGE_CALL_PREDICT_CLASS, ext,
													  src->features_type, args),
									   src->width_function, rows),
							  params.n, params.types, params.values, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not evaluate model \"%s\"", model->name);
	hinge_check_column_type(1, INT4OID);
	hinge_check_column_type(2, INT4OID);
	hinge_check_column_type(3, INT8OID);
	hinge_check_column_type(4, BOOLOID);
	for (i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tuple = SPI_tuptable->vals[i];
		bool		t_null,
					p_null,
					isnull;
		int32		t = DatumGetInt32(SPI_getbinval(tuple, SPI_tuptable->tupdesc, 1, &t_null));
		int32		p = DatumGetInt32(SPI_getbinval(tuple, SPI_tuptable->tupdesc, 2, &p_null));
		int64		count = DatumGetInt64(SPI_getbinval(tuple, SPI_tuptable->tupdesc, 3, &isnull));
		bool		ok = DatumGetBool(SPI_getbinval(tuple, SPI_tuptable->tupdesc, 4, &isnull));

		if (ok)
			hinge_row_source_add_width(tuple, SPI_tuptable->tupdesc, 5, 5, &min_width, &max_width);
		if (!ok)
			skipped += count;
		else if (t_null)
			unknown += count;
		else if (!p_null && t >= 1 && t <= k && p >= 1 && p <= k)
			M[(t - 1) * k + (p - 1)] += count;
	}
	SPI_freetuptable(SPI_tuptable);
	hinge_row_source_check_width(src, min_width, max_width, model->n_features, model->name);
	if (unknown > 0)
		unknown_labels_error(model, src, unknown);
	confusion_fields(model, M, result, nulls);
	result[EV_SKIPPED] = Int64GetDatum(skipped);

	/* the mean loss (no regulariser, no class weights) and the objective */
	for (pass = 0; pass < 2; pass++)
	{
		HingeParams pass_params = params;
		bool		isnull;
		Datum		value;
		float8		total = 0.0;
		int			n = 3;
		char	   *call;

		/* the regulariser of the objective is added below */
		args[n++] = hinge_param(&pass_params, FLOAT8OID, Float8GetDatum(0.0));
		if (!one_vs_rest)
			args[n++] = hinge_param(&pass_params, TEXTOID, CStringGetTextDatum(model->multiclass));
		args[n++] = hinge_param(&pass_params, FLOAT8ARRAYOID,
								PointerGetDatum(construct_array(pass == 0 ? ones : weights, k,
																FLOAT8OID, sizeof(float8),
																FLOAT8PASSBYVAL, TYPALIGN_DOUBLE)));
		call = hinge_call_sql(one_vs_rest ? HINGE_CALL_OVR_CUTTING_PLANES :
							  HINGE_CALL_MC_CUTTING_PLANE, ext, src->features_type, args);
		if (SPI_execute_with_args(psprintf("SELECT %s FILTER (WHERE ok AND t IS NOT NULL) FROM %s",
										   call, rows),
								  pass_params.n, pass_params.types, pass_params.values,
								  NULL, true, 0) != SPI_OK_SELECT)
			elog(ERROR, "could not evaluate model \"%s\"", model->name);
		hinge_check_column_type(1, FLOAT8ARRAYOID);
		value = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
		nulls[pass == 0 ? EV_MEAN_LOSS : EV_OBJECTIVE] = isnull;
		if (!isnull)
		{
			ArrayType  *planes = DatumGetArrayTypeP(value);
			const float8 *data = (const float8 *) ARR_DATA_PTR(planes);

			if (ARR_HASNULL(planes) || ArrayGetNItems(ARR_NDIM(planes), ARR_DIMS(planes)) !=
				(one_vs_rest ? k * (cols + 1) : k * cols + 1))
				elog(ERROR, "hinge evaluation pass returned an array of the wrong size");
			/* [P, ...]; one-vs-rest: k rows [P_r, ...], summed */
			for (r = 0; r < (one_vs_rest ? k : 1); r++)
				total += data[r * (cols + 1)];
			if (pass == 1)
				total += hinge_model_regulariser(model);
			/* finite parts can add up to more than float8 holds */
			(void) hinge_check_result(total);
		}
		result[pass == 0 ? EV_MEAN_LOSS : EV_OBJECTIVE] = Float8GetDatum(total);
		SPI_freetuptable(SPI_tuptable);
	}
}

/*
 * hinge_evaluate(model_name, relation, features, label): how the model does
 * on the rows of a relation: counts and ratios, per class too, the
 * confusion matrix, the mean loss and the objective.
 */
PG_FUNCTION_INFO_V1(hinge_evaluate);
Datum
hinge_evaluate(PG_FUNCTION_ARGS)
{
	char	   *name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	char	   *ext = hinge_extension_schema(fcinfo);
	HingeModel *model = hinge_model_read(ext, name, false);
	HingeRowSource src;
	TupleDesc	tupdesc;
	Datum		result[EV_FIELDS];
	bool		nulls[EV_FIELDS] = {false};
	HeapTupleHeader tuple;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE ||
		tupdesc->natts != EV_FIELDS)
		elog(ERROR, "return type of hinge_evaluate must be hinge_evaluation");
	tupdesc = BlessTupleDesc(tupdesc);

	SPI_connect();
	hinge_row_source_init_from_call(&src, fcinfo);
	/* the classes in the model's order: binary, (negative, positive) */
	hinge_row_source_use_encoding(&src, model->encoding, name);
	hinge_row_source_set_classes(&src, model->n_classes, model->classes);
	if (model->n_rows == 1)
		evaluate_binary(model, &src, ext, result, nulls);
	else
		evaluate_multiclass(model, &src, ext, result, nulls);
	/* the arrays live in SPI's memory: copy the row out before leaving it */
	tuple = SPI_returntuple(heap_form_tuple(tupdesc, result, nulls), tupdesc);
	SPI_finish();
	PG_RETURN_DATUM(PointerGetDatum(tuple));
}
