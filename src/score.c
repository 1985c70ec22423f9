/*
 * score.c
 *		Scoring one row with a linear model: scores, predictions, margins.
 *
 * A weight vector w scores features x (float8[] or real[], the type that
 * pgvector's vector casts to; or numeric[], smallint[], integer[], bigint[]
 * or text, as applications send them: see validate.c) as w.x.  When w has one element more than x,
 * that last element is the intercept b and the score is w[1:d].x + b, as
 * with liblinear's -B 1.  A weight matrix W has one such row per class.
 */
#include "postgres.h"

#include "fmgr.h"

#include "finite.h"
#include "kernels.h"
#include "score.h"
#include "validate.h"

/*
 * w[1:d].x (+ w[d+1]) for validated arrays, checked finite (finite.h).  An
 * intercept is there when w has one element more than x.
 */
float8
hinge_score_vectors(HingeVector w, HingeVector x)
{
	float8		score;

	Assert(w.kind == HINGE_DENSE_FLOAT8);
	(void) hinge_has_intercept(w.n, x.n, "weights");
	score = hinge_row_score((const float8 *) w.data, w.n, x);
	if (unlikely(!isfinite(score)))
		hinge_report_nonfinite(w, "weights", x, "features");
	return score;
}

static float8
score_args(FunctionCallInfo fcinfo)
{
	/* features first: an error names them before the weights, as it did */
	HingeVector x = hinge_features_arg(fcinfo, 1);
	HingeVector w = hinge_vector_arg(PG_GETARG_ARRAYTYPE_P(0), "weights");
	float8		score = hinge_score_vectors(w, x);

	hinge_check_weights_for_sparse(fcinfo, 0, w, x, "weights");
	return score;
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
 * y * score / ||w||, the signed distance to the hyperplane (intercept
 * excluded).  Score and norm are both computed from w scaled by a power of
 * two that brings its largest weight to [1, 2): exact, so the same result
 * for ordinary weights, and no precision lost to denormals for tiny ones
 * (weights of 1e-320 have a few significant bits only).  Should the scaled
 * score overflow (features near the float8 limit), the unscaled one is
 * used.
 */
PG_FUNCTION_INFO_V1(hinge_geometric_margin);
Datum
hinge_geometric_margin(PG_FUNCTION_ARGS)
{
	float8		score = score_args(fcinfo);
	HingeVector w = hinge_vector_arg(PG_GETARG_ARRAYTYPE_P(0), "weights");
	HingeVector x = hinge_vector_arg(PG_GETARG_ARRAYTYPE_P(1), "features");
	float8		y = PG_GETARG_FLOAT8(2);
	const float8 *weights = (const float8 *) w.data;
	float8		largest = 0.0,
				norm;
	int			j;

	hinge_check_finite(y, "label");
	hinge_check_label(y);
	for (j = 0; j < x.n; j++)
		largest = fmax(largest, fabs(weights[j]));
	if (largest == 0.0)
		ereport(ERROR,
				(errcode(ERRCODE_DIVISION_BY_ZERO),
				 errmsg("geometric margin is undefined for weights that are all zero"),
				 errhint("The margin divides by the norm of the weights (without the intercept).")));
	{
		int			k = -ilogb(largest);
		float8	   *scaled = palloc(sizeof(float8) * w.n);
		float8		scaled_score;

		for (j = 0; j < w.n; j++)
			scaled[j] = ldexp(weights[j], k);
		scaled_score = hinge_row_score(scaled, w.n, x);
		if (isfinite(scaled_score))
			PG_RETURN_FLOAT8(hinge_check_result(y * scaled_score / hinge_norm(scaled, x.n)));
	}
	norm = hinge_norm(weights, x.n);
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
	HingeVector x = hinge_features_arg(fcinfo, 1);
	ArrayType  *result = hinge_new_float8_array(W.rows, scores);

	(void) hinge_has_intercept(W.cols, x.n, "weight matrix rows");
	if (unlikely(!hinge_row_scores(W.data, W.rows, W.cols, x, *scores)))
		hinge_report_nonfinite(hinge_float8_vector(W.data, W.rows * W.cols),
							   "weight matrix", x, "features");
	hinge_check_weights_for_sparse(fcinfo, 0, hinge_float8_vector(W.data, W.rows * W.cols), x,
								   "weight matrix");
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
 * The same functions with features x given as text, a float8[] literal (an
 * untyped parameter, as node-postgres sends lists, resolves to text)
 */
PG_FUNCTION_INFO_V1(hinge_score_text);
Datum
hinge_score_text(PG_FUNCTION_ARGS)
{
	return hinge_call_with_text_features(fcinfo, hinge_score);
}

PG_FUNCTION_INFO_V1(hinge_predict_text);
Datum
hinge_predict_text(PG_FUNCTION_ARGS)
{
	return hinge_call_with_text_features(fcinfo, hinge_predict);
}

PG_FUNCTION_INFO_V1(hinge_geometric_margin_text);
Datum
hinge_geometric_margin_text(PG_FUNCTION_ARGS)
{
	return hinge_call_with_text_features(fcinfo, hinge_geometric_margin);
}

PG_FUNCTION_INFO_V1(hinge_scores_text);
Datum
hinge_scores_text(PG_FUNCTION_ARGS)
{
	return hinge_call_with_text_features(fcinfo, hinge_scores);
}

PG_FUNCTION_INFO_V1(hinge_predict_class_text);
Datum
hinge_predict_class_text(PG_FUNCTION_ARGS)
{
	return hinge_call_with_text_features(fcinfo, hinge_predict_class);
}
