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

#include "hinge.h"

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
	if (!(t >= 0.0 && t <= 1.0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("target must be between 0 and 1, not %g", t),
				 errhint("target is the probability that the row is positive: 1 or 0, or Platt's smoothed targets.")));
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

/*
 * One pass of hinge_platt at (A, B) = ($1, $2), the weights $3:
 * [n, f, dA, dB, dAA, dBB, dAB]
 */
static void
platt_pass(const char *query, Datum weights, float8 A, float8 B, float8 *out)
{
	Oid			argtypes[3] = {FLOAT8OID, FLOAT8OID, FLOAT8ARRAYOID};
	Datum		values[3] = {Float8GetDatum(A), Float8GetDatum(B), weights};
	bool		isnull;
	Datum		result;

	CHECK_FOR_INTERRUPTS();
	/* no row limit: a limit would keep the executor from parallel workers */
	if (SPI_execute_with_args(query, 3, argtypes, values, NULL, true, 0) != SPI_OK_SELECT ||
		SPI_processed != 1)
		elog(ERROR, "calibration pass returned no row");
	result = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	if (isnull)
		ereport(ERROR,
				(errcode(ERRCODE_NO_DATA_FOUND),
				 errmsg("no rows to calibrate on")));
	memcpy(out, ARR_DATA_PTR(DatumGetArrayTypeP(result)), sizeof(float8) * 7);
	SPI_freetuptable(SPI_tuptable);
}

/*
 * Fits (A, B) by Newton's method from Platt's starting point; query runs
 * hinge_platt over the rows at ($1, $2).  n_pos and n_neg count the rows.
 */
static void
fit_sigmoid(const char *query, Datum weights, int64 n_pos, int64 n_neg,
			float8 *A_out, float8 *B_out)
{
	float8		A = 0.0,
				B = log((n_neg + 1.0) / (n_pos + 1.0));
	float8		at[7],
				trial[7];
	int			iteration;

	platt_pass(query, weights, A, B, at);
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
			platt_pass(query, weights, A + step * dA, B + step * dB, trial);
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
	Datum		result;
	int			r;

	model = hinge_model_load(ext, name, CurrentMemoryContext);
	hinge_model_check_writable(ext, name);
	k = model->n_rows;
	a = palloc(sizeof(Datum) * k);
	b = palloc(sizeof(Datum) * k);
	weights = model->n_rows == 1 ?
		hinge_new_float8_array(model->n_weights, &w) :
		hinge_new_float8_matrix(model->n_rows, model->n_weights, &w);
	memcpy(w, model->weights, sizeof(float8) * model->n_rows * model->n_weights);
	SPI_connect();
	hinge_row_source_init(&src, PG_GETARG_OID(1), PG_GETARG_DATUM(2),
						  get_fn_expr_argtype(fcinfo->flinfo, 2) == TEXTARRAYOID,
						  text_to_cstring(PG_GETARG_TEXT_PP(3)));
	src.n_classes = model->n_classes;
	src.classes = model->classes;

	/* every row's label must be a class of the model, every row its width */
	if (SPI_execute(psprintf("SELECT pg_catalog.count(*) FILTER (WHERE NOT %s), %s %s",
							 hinge_row_source_label_known(&src),
							 hinge_row_source_width_sql(src.features_sql, "true"),
							 hinge_row_source_sql(&src)),
					true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read the labels of %s", src.relation);
	{
		bool		isnull;
		int64		unknown = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
														  SPI_tuptable->tupdesc, 1, &isnull));
		int			min_width = INT_MAX,
					max_width = 0;

		hinge_row_source_add_width(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2,
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
		char	   *is_positive = hinge_row_source_label_is(&src, positive);
		char	   *score = model->n_rows == 1 ?
			psprintf("%s.hinge_score($3, %s)", ext, src.features_sql) :
			psprintf("(%s.hinge_scores($3, %s))[%d]", ext, src.features_sql, r + 1);
		int64		n_pos,
					n_neg;
		bool		isnull;
		float8		A,
					B;

		if (SPI_execute(psprintf("SELECT pg_catalog.count(*) FILTER (WHERE %s), "
								 "pg_catalog.count(*) FILTER (WHERE NOT (%s)) %s",
								 is_positive, is_positive, hinge_row_source_sql(&src)),
						true, 0) != SPI_OK_SELECT)
			elog(ERROR, "could not count the rows of %s", src.relation);
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
		/* Platt's smoothed targets */
		fit_sigmoid(psprintf("SELECT %s.hinge_platt(%s, CASE WHEN %s THEN %.17g ELSE %.17g END, $1, $2) %s",
							 ext, score, is_positive, (n_pos + 1.0) / (n_pos + 2.0),
							 1.0 / (n_neg + 2.0), hinge_row_source_sql(&src)),
					PointerGetDatum(weights), n_pos, n_neg, &A, &B);
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
	PG_RETURN_DATUM(result);
}
