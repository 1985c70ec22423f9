/*
 * score.c
 *		Scoring one row with a linear model: scores, predictions, margins.
 *
 * A weight vector w scores features x (float8[] or real[], the type that
 * pgvector's vector casts to) as w.x.  When w has one element more than x,
 * that last element is the intercept b and the score is w[1:d].x + b, as
 * with liblinear's -B 1.  A weight matrix W has one such row per class.
 */
#include "postgres.h"

#include "fmgr.h"

#include "hinge.h"

/* w[1:d].x (+ w[d+1]) for validated arrays; see hinge.h for the checks */
float8
hinge_score_vectors(HingeVector w, HingeVector x)
{
	bool		intercept = hinge_has_intercept(w.n, x.n, "weights");
	const float8 *weights = (const float8 *) w.data;
	float8		score;

	Assert(!w.is_float4);
	score = hinge_dot(weights, x, x.n);
	if (intercept)
		score += weights[x.n];
	if (unlikely(!isfinite(score)))
		hinge_report_nonfinite(w, "weights", x, "features");
	return score;
}

static float8
score_args(FunctionCallInfo fcinfo)
{
	return hinge_score_vectors(hinge_vector_arg(PG_GETARG_ARRAYTYPE_P(0), "weights"),
							   hinge_vector_arg(PG_GETARG_ARRAYTYPE_P(1), "features"));
}

/* The raw score w.x (+ intercept); serves the float8[] and real[] overloads */
PG_FUNCTION_INFO_V1(hinge_score);
Datum
hinge_score(PG_FUNCTION_ARGS)
{
	PG_RETURN_FLOAT8(score_args(fcinfo));
}

/* +1 when the score is positive, -1 otherwise (a score of exactly 0 is -1) */
PG_FUNCTION_INFO_V1(hinge_predict);
Datum
hinge_predict(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(score_args(fcinfo) > 0.0 ? 1 : -1);
}

/*
 * Euclidean norm of v[0:n], scaled by the largest magnitude first so that
 * weights near the float8 limits neither overflow nor underflow.
 */
float8
hinge_norm(const float8 *v, int n)
{
	float8		scale = 0.0;
	float8		sum = 0.0;
	int			i;

	for (i = 0; i < n; i++)
		scale = fmax(scale, fabs(v[i]));
	if (scale == 0.0)
		return 0.0;
	for (i = 0; i < n; i++)
	{
		float8		t = v[i] / scale;

		sum += t * t;
	}
	return scale * sqrt(sum);
}

/* y * score / ||w||, the signed distance to the hyperplane (intercept excluded) */
PG_FUNCTION_INFO_V1(hinge_geometric_margin);
Datum
hinge_geometric_margin(PG_FUNCTION_ARGS)
{
	float8		score = score_args(fcinfo);
	HingeVector w = hinge_vector_arg(PG_GETARG_ARRAYTYPE_P(0), "weights");
	HingeVector x = hinge_vector_arg(PG_GETARG_ARRAYTYPE_P(1), "features");
	float8		y = PG_GETARG_FLOAT8(2);
	float8		norm;

	hinge_check_finite(y, "label");
	hinge_check_label(y);
	norm = hinge_norm((const float8 *) w.data, x.n);
	if (norm == 0.0)
		ereport(ERROR,
				(errcode(ERRCODE_DIVISION_BY_ZERO),
				 errmsg("geometric margin is undefined for weights that are all zero"),
				 errhint("The margin divides by the norm of the weights (without the intercept).")));
	PG_RETURN_FLOAT8(hinge_check_result(y * score / norm));
}

/*
 * Validates (W, x) and returns a new float8[] of one score per row of W;
 * *scores points at its k elements.
 */
static ArrayType *
class_scores(FunctionCallInfo fcinfo, float8 **scores)
{
	HingeMatrix W = hinge_matrix_arg(PG_GETARG_ARRAYTYPE_P(0), "weight matrix");
	HingeVector x = hinge_vector_arg(PG_GETARG_ARRAYTYPE_P(1), "features");
	bool		intercept = hinge_has_intercept(W.cols, x.n, "weight matrix rows");
	ArrayType  *result = hinge_new_float8_array(W.rows, scores);
	bool		all_finite = true;
	int			k;

	for (k = 0; k < W.rows; k++)
	{
		const float8 *row = W.data + (Size) k * W.cols;
		float8		score = hinge_dot(row, x, x.n) + (intercept ? row[x.n] : 0.0);

		(*scores)[k] = score;
		all_finite &= isfinite(score);
	}
	if (unlikely(!all_finite))
	{
		HingeVector flat = {W.rows * W.cols, false, W.data};

		hinge_report_nonfinite(flat, "weight matrix", x, "features");
	}
	return result;
}

/* One score per class: W[k][1:d].x (+ W[k][d+1]) */
PG_FUNCTION_INFO_V1(hinge_scores);
Datum
hinge_scores(PG_FUNCTION_ARGS)
{
	float8	   *scores;

	PG_RETURN_ARRAYTYPE_P(class_scores(fcinfo, &scores));
}

/* The 1-based class with the highest score (the lowest such class on ties) */
PG_FUNCTION_INFO_V1(hinge_predict_class);
Datum
hinge_predict_class(PG_FUNCTION_ARGS)
{
	float8	   *scores;
	ArrayType  *result = class_scores(fcinfo, &scores);
	int			n_classes = ARR_DIMS(result)[0];
	int			best = 0;
	int			k;

	for (k = 1; k < n_classes; k++)
		if (scores[k] > scores[best])
			best = k;
	PG_RETURN_INT32(best + 1);
}

/*
 * One Pegasos step (Shalev-Shwartz, Singer, Srebro and Cotter, Math.
 * Programming 2011) on the objective lambda/2 ||w||^2 + hinge, from one row:
 *		w <- (1 - 1/t) w + (1 / (lambda t)) y (x, 1)	if y w.x < 1
 *		w <- (1 - 1/t) w								otherwise
 * the intercept, when w has one, regularised like the other weights.
 */
PG_FUNCTION_INFO_V1(hinge_pegasos_step);
Datum
hinge_pegasos_step(PG_FUNCTION_ARGS)
{
	HingeVector w = hinge_vector_arg(PG_GETARG_ARRAYTYPE_P(0), "weights");
	HingeVector x = hinge_vector_arg(PG_GETARG_ARRAYTYPE_P(1), "features");
	float8		y = PG_GETARG_FLOAT8(2);
	float8		lambda = PG_GETARG_FLOAT8(3);
	float8		t = PG_GETARG_FLOAT8(4);
	float8		score = hinge_score_vectors(w, x);
	float8	   *out;
	ArrayType  *result = hinge_new_float8_array(w.n, &out);
	float8		shrink,
				step;
	int			j;

	hinge_check_finite(y, "label");
	hinge_check_label(y);
	hinge_check_positive(lambda, "lambda", "lambda is the model's regularisation strength.");
	hinge_check_finite(t, "t");
	if (t < 1.0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("t must be 1 or more, not %g", t),
				 errhint("t counts the steps so far, this one included.")));
	shrink = 1.0 - 1.0 / t;
	step = y * score < 1.0 ? y / (lambda * t) : 0.0;
	for (j = 0; j < w.n; j++)
		out[j] = hinge_check_result(shrink * ((const float8 *) w.data)[j] +
									step * (j < x.n ? hinge_vector_get(x, j) : 1.0));
	PG_RETURN_ARRAYTYPE_P(result);
}
