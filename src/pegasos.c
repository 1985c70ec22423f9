/*
 * pegasos.c
 *		Online learning: one stochastic subgradient step on a model's
 *		weights from one newly labelled row (hinge_learn_trigger calls it).
 */
#include "postgres.h"

#include "fmgr.h"

#include "finite.h"
#include "losses.h"
#include "score.h"
#include "validate.h"

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
				violated,
				step;
	int			j;

	hinge_check_finite(y, "label");
	hinge_check_label(y);
	hinge_check_positive(lambda, "lambda", "lambda is the model's regularisation strength.");
	hinge_check_at_least(t, 1.0, "t", "t counts the steps so far, this one included.");
	shrink = 1.0 - 1.0 / t;
	/* the hinge's subgradient in the score is -y where it is violated */
	(void) hinge_loss_of_violation(HINGE_LOSS_HINGE, 1.0, 1.0 - y * score, &violated);
	step = violated * y / (lambda * t);
	for (j = 0; j < w.n; j++)
		out[j] = hinge_check_result(shrink * ((const float8 *) w.data)[j] +
									step * (j < x.n ? hinge_vector_get(x, j) : 1.0));
	PG_RETURN_ARRAYTYPE_P(result);
}
