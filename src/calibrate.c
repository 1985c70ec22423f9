/*
 * calibrate.c
 *		Platt scaling: probabilities from hinge scores.
 *
 * Hinge scores are not probabilities.  Platt (1999) fits a sigmoid
 *		p(s) = 1 / (1 + exp(A s + B))
 * to held-out scores s, minimising the cross-entropy against smoothed
 * targets t = (N+ + 1) / (N+ + 2) for positive rows and 1 / (N- + 2) for
 * negative ones.  The fit is Newton's method with a backtracking line
 * search, as in Lin, Lin and Weng, "A note on Platt's probabilistic outputs
 * for support vector machines", Machine Learning 2007; every objective,
 * gradient and Hessian it needs is one pass of the hinge_platt aggregate
 * over the rows, so memory stays O(1) whatever their number.  A multiclass
 * model gets one sigmoid per class (its score against the rest), and its
 * probabilities are normalised to sum to 1.
 *
 * hinge_platt state (float8[]): [0] layout tag, [1] A, [2] B, [3] n,
 * [4] f and [5] its compensation, [6] dA f, [7] dB f, [8] dAA f, [9] dBB f,
 * [10] dAB f.
 */
#include "postgres.h"

#include <limits.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "encoding.h"
#include "finite.h"
#include "kernels.h"
#include "citus.h"
#include "model.h"
#include "passes.h"
#include "source.h"
#include "state.h"
#include "validate.h"

#define STATE_PLATT		7321.0
#define PLATT_LENGTH	11

static int
platt_state_length(const float8 *st)
{
	if (st[0] != STATE_PLATT || !isfinite(st[1]) || !isfinite(st[2]) ||
		!(st[3] >= 1 && st[3] <= 9007199254740992.0))
		return -1;
	return PLATT_LENGTH;
}

/* The cross-entropy of one row at (A, B), its gradient and Hessian */
PG_FUNCTION_INFO_V1(hinge_platt_transfn);
Datum
hinge_platt_transfn(PG_FUNCTION_ARGS)
{
	float8		s = PG_GETARG_FLOAT8(1);
	float8		t = PG_GETARG_FLOAT8(2);
	float8		A = PG_GETARG_FLOAT8(3);
	float8		B = PG_GETARG_FLOAT8(4);
	ArrayType  *state;
	float8	   *st;
	float8		fApB,
				p,
				q,
				d1,
				d2;

	hinge_check_finite(s, "score");
	hinge_check_finite(A, "A");
	hinge_check_finite(B, "B");
	hinge_check_between(t, 0.0, 1.0, "target",
						"target is the probability that the row is positive: 1 or 0, or Platt's smoothed targets.");
	if (hinge_state_is_empty(PG_GETARG_ARRAYTYPE_P(0)))
	{
		state = hinge_state_new(PLATT_LENGTH, &st);
		st[0] = STATE_PLATT;
		st[1] = A;
		st[2] = B;
	}
	else
	{
		state = hinge_state_for_update(fcinfo, 0);
		st = hinge_state_data(state, STATE_PLATT, PLATT_LENGTH, platt_state_length);
		if (st[1] != A || st[2] != B)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("A and B must be the same in every row of hinge_platt"),
					 errhint("Pass A and B as constants: each pass of a fit evaluates one sigmoid.")));
	}

	/* p = 1 / (1 + exp(fApB)) and its complement, without overflow */
	fApB = hinge_check_result(s * A + B);
	if (fApB >= 0.0)
	{
		p = exp(-fApB) / (1.0 + exp(-fApB));
		q = 1.0 / (1.0 + exp(-fApB));
		hinge_compensated_add(&st[4], &st[5], t * fApB + log1p(exp(-fApB)));
	}
	else
	{
		p = 1.0 / (1.0 + exp(fApB));
		q = exp(fApB) / (1.0 + exp(fApB));
		hinge_compensated_add(&st[4], &st[5], (t - 1.0) * fApB + log1p(exp(fApB)));
	}
	d1 = t - p;
	d2 = p * q;
	st[3] += 1;
	st[6] += hinge_check_result(s * d1);
	st[7] += d1;
	/* s (s d2), not (s s) d2: a huge score with d2 = 0 must add 0, not NaN */
	st[8] += hinge_check_result(s * (s * d2));
	st[9] += d2;
	st[10] += hinge_check_result(s * d2);
	PG_RETURN_ARRAYTYPE_P(state);
}

PG_FUNCTION_INFO_V1(hinge_platt_combinefn);
Datum
hinge_platt_combinefn(PG_FUNCTION_ARGS)
{
	ArrayType  *state1;
	ArrayType  *state2 = PG_GETARG_ARRAYTYPE_P(1);
	float8	   *a,
			   *b;
	int			i;

	if (hinge_state_is_empty(state2))
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	b = hinge_state_data(state2, STATE_PLATT, PLATT_LENGTH, platt_state_length);
	if (hinge_state_is_empty(PG_GETARG_ARRAYTYPE_P(0)))
		PG_RETURN_ARRAYTYPE_P(state2);
	state1 = hinge_state_for_update(fcinfo, 0);
	a = hinge_state_data(state1, STATE_PLATT, PLATT_LENGTH, platt_state_length);
	if (a[1] != b[1] || a[2] != b[2])
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot combine hinge_platt states of different A and B")));
	a[3] += b[3];
	hinge_compensated_merge(&a[4], &a[5], &b[4], &b[5], 1);
	for (i = 6; i < PLATT_LENGTH; i++)
		a[i] += b[i];
	PG_RETURN_ARRAYTYPE_P(state1);
}

/* [n, f, dA, dB, dAA, dBB, dAB] at the (A, B) of the rows, or NULL */
PG_FUNCTION_INFO_V1(hinge_platt_finalfn);
Datum
hinge_platt_finalfn(PG_FUNCTION_ARGS)
{
	ArrayType  *state = PG_GETARG_ARRAYTYPE_P(0);
	float8	   *st;
	float8	   *out;
	ArrayType  *result;
	int			i;

	if (hinge_state_is_empty(state))
		PG_RETURN_NULL();
	st = hinge_state_data(state, STATE_PLATT, PLATT_LENGTH, platt_state_length);
	result = hinge_new_float8_array(7, &out);
	out[0] = st[3];
	out[1] = hinge_check_result(st[4] + st[5]);
	for (i = 0; i < 5; i++)
		out[2 + i] = hinge_check_result(st[6 + i]);
	PG_RETURN_ARRAYTYPE_P(result);
}

/* One pass of hinge_platt at (A, B): [n, f, dA, dB, dAA, dBB, dAB] */
static void
platt_pass(HingePass *pass, float8 A, float8 B, float8 *out)
{
	pass->params.values[0] = Float8GetDatum(A);
	pass->params.values[1] = Float8GetDatum(B);
	if (!hinge_pass_run(pass, out, 7))
		ereport(ERROR,
				(errcode(ERRCODE_NO_DATA_FOUND),
				 errmsg("no rows to calibrate on")));
}

/*
 * Fits (A, B) by Newton's method from Platt's starting point; the pass runs
 * hinge_platt over the rows.  n_pos and n_neg count the rows.
 */
static void
fit_sigmoid(HingePass *pass, int64 n_pos, int64 n_neg, float8 *A_out, float8 *B_out)
{
	float8		A = 0.0,
				B = log((n_neg + 1.0) / (n_pos + 1.0));
	float8		at[7],
				trial[7];
	int			iteration;

	platt_pass(pass, A, B, at);
	for (iteration = 0; iteration < 100; iteration++)
	{
		/* a tiny ridge keeps the Hessian positive definite */
		float8		h11 = at[4] + 1e-12,
					h22 = at[5] + 1e-12,
					h21 = at[6],
					g1 = at[2],
					g2 = at[3],
					det,
					dA,
					dB,
					slope,
					step;

		if (fabs(g1) < 1e-5 && fabs(g2) < 1e-5)
			break;
		det = h11 * h22 - h21 * h21;
		dA = -(h22 * g1 - h21 * g2) / det;
		dB = -(-h21 * g1 + h11 * g2) / det;
		slope = g1 * dA + g2 * dB;
		for (step = 1.0; step >= 1e-10; step /= 2.0)
		{
			platt_pass(pass, A + step * dA, B + step * dB, trial);
			if (trial[1] < at[1] + 1e-4 * step * slope)
				break;
		}
		if (step < 1e-10)
			break;				/* no progress: as good as it gets */
		A += step * dA;
		B += step * dB;
		memcpy(at, trial, sizeof(at));
	}
	*A_out = A;
	*B_out = B;
}

/*
 * hinge_calibrate(model_name, relation, features, label): fits Platt's
 * sigmoid on the model's scores of the rows (held out from training, as a
 * rule), stores A and B with the model, and returns the model row.
 */
PG_FUNCTION_INFO_V1(hinge_calibrate);
Datum
hinge_calibrate(PG_FUNCTION_ARGS)
{
	char	   *name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	char	   *ext = hinge_extension_schema(fcinfo);
	HingeModel *model;
	int			k;				/* sigmoids: 1, or one per class */
	HingeRowSource src;
	Datum	   *a;
	Datum	   *b;
	float8	   *w;
	ArrayType  *weights;
	Oid			argtypes[3] = {TEXTOID, FLOAT8ARRAYOID, FLOAT8ARRAYOID};
	Datum		values[3];
	HingeParams params;
	char	   *query;
	Datum		result;
	int			r;

	/*
	 * Locked until the transaction ends: a retraining racing this one waits,
	 * so the parameters stored are those of the weights they were fitted to.
	 */
	hinge_model_check_writable(ext, get_func_namespace(fcinfo->flinfo->fn_oid), name);
	model = hinge_model_read(ext, name, true);
	k = model->n_rows;
	a = palloc(sizeof(Datum) * k);
	b = palloc(sizeof(Datum) * k);
	weights = model->n_rows == 1 ?
		hinge_new_float8_array(model->n_weights, &w) :
		hinge_new_float8_matrix(model->n_rows, model->n_weights, &w);
	memcpy(w, model->weights, sizeof(float8) * model->n_rows * model->n_weights);
	SPI_connect();
	hinge_row_source_init_from_call(&src, fcinfo);
	hinge_row_source_use_encoding(&src, model->encoding, name);
	hinge_row_source_set_classes(&src, model->n_classes, model->classes);

	/* every row's label must be a class of the model, every row its width */
	params.n = 0;
	query = psprintf("SELECT pg_catalog.count(*) FILTER (WHERE NOT %s), %s %s",
					 hinge_row_source_label_known(&src, &params),
					 hinge_row_source_width_sql(&src, hinge_row_source_x(&src, &params), "true"),
					 hinge_row_source_sql(&src));
	if (SPI_execute_with_args(query, params.n, params.types, params.values, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read the labels of %s", src.relation);
	hinge_check_column_type(1, INT8OID);
	{
		bool		isnull;
		int64		unknown = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
														  SPI_tuptable->tupdesc, 1, &isnull));
		int			min_width = INT_MAX,
					max_width = 0;

		hinge_row_source_add_width(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, 3,
								   &min_width, &max_width);
		hinge_row_source_check_width(&src, min_width, max_width, model->n_features, name);
		if (unknown > 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%lld rows of %s have a label that is not a class of model \"%s\"",
							(long long) unknown, src.relation_name, name),
					 errhint("Calibrate on rows labelled with the model's classes only.")));
		SPI_freetuptable(SPI_tuptable);
	}

	for (r = 0; r < k; r++)
	{
		/* the class scored: the positive one, or class r against the rest */
		int			positive = model->n_rows == 1 ? 1 : r;
		HingePass	pass = {0};
		const char *args[4];
		const char *score_args[2];
		char	   *is_positive,
				   *target_positive,
				   *target_negative;
		char	   *score;
		int64		n_pos,
					n_neg;
		bool		isnull;
		float8		A,
					B;

		params.n = 0;
		is_positive = hinge_row_source_label_is(&src, positive, &params);
		if (SPI_execute_with_args(psprintf("SELECT pg_catalog.count(*) FILTER (WHERE %s), "
										   "pg_catalog.count(*) FILTER (WHERE NOT (%s)) %s",
										   is_positive, is_positive, hinge_row_source_sql(&src)),
								  params.n, params.types, params.values, NULL, true, 0) != SPI_OK_SELECT)
			elog(ERROR, "could not count the rows of %s", src.relation);
		hinge_check_column_type(1, INT8OID);
		hinge_check_column_type(2, INT8OID);
		n_pos = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
		n_neg = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
		SPI_freetuptable(SPI_tuptable);
		if (n_pos == 0 || n_neg == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("calibrating model \"%s\" needs rows of class %s and of the other classes",
							name, quote_literal_cstr(model->classes[positive])),
					 errdetail("%s has %lld rows of it and %lld others.", src.relation_name,
							   (long long) n_pos, (long long) n_neg)));
		/* (A, B) first, set by each pass; then the weights and the targets */
		args[2] = hinge_param(&pass.params, FLOAT8OID, (Datum) 0);
		args[3] = hinge_param(&pass.params, FLOAT8OID, (Datum) 0);
		score_args[0] = hinge_param(&pass.params, FLOAT8ARRAYOID, PointerGetDatum(weights));
		score_args[1] = hinge_row_source_x(&src, &pass.params);
		score = hinge_call_sql(model->n_rows == 1 ? HINGE_CALL_SCORE : HINGE_CALL_SCORES, ext,
							   src.features_type, score_args);
		args[0] = model->n_rows == 1 ? score : psprintf("(%s)[%d]", score, r + 1);
		/* Platt's smoothed targets */
		is_positive = hinge_row_source_label_is(&src, positive, &pass.params);
		target_positive = hinge_param(&pass.params, FLOAT8OID,
									  Float8GetDatum((n_pos + 1.0) / (n_pos + 2.0)));
		target_negative = hinge_param(&pass.params, FLOAT8OID, Float8GetDatum(1.0 / (n_neg + 2.0)));
		args[1] = psprintf("CASE WHEN %s THEN %s ELSE %s END", is_positive, target_positive,
						   target_negative);
		pass.query = psprintf("SELECT %s %s",
							  hinge_call_sql(HINGE_CALL_PLATT, ext, src.features_type, args),
							  hinge_row_source_sql(&src));
		fit_sigmoid(&pass, n_pos, n_neg, &A, &B);
		a[r] = Float8GetDatum(A);
		b[r] = Float8GetDatum(B);
	}

	values[0] = CStringGetTextDatum(name);
	values[1] = PointerGetDatum(construct_array(a, k, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	values[2] = PointerGetDatum(construct_array(b, k, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	if (SPI_execute_with_args(psprintf("UPDATE %s.hinge_model AS m SET calibration_a = $2, "
									   "calibration_b = $3 WHERE name OPERATOR(pg_catalog.=) $1 RETURNING m.*", ext),
							  3, argtypes, values, NULL, false, 1) != SPI_OK_UPDATE_RETURNING ||
		SPI_processed != 1)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("model \"%s\" does not exist any more", name)));
	result = PointerGetDatum(SPI_returntuple(SPI_tuptable->vals[0], SPI_tuptable->tupdesc));
	SPI_finish();
	hinge_models_changed(get_func_namespace(fcinfo->flinfo->fn_oid));
	PG_RETURN_DATUM(result);
}
