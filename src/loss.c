/*
 * loss.c
 *		Binary margin losses of one row and their derivatives in the score.
 *
 * With a label y in {-1, +1}, a raw score s and z = y * s (the functional
 * margin):
 *		hinge			max(0, m - z)
 *		squared hinge	max(0, m - z)^2
 *		smooth hinge	0 if z >= 1; 1 - z - gamma/2 if z <= 1 - gamma;
 *						(1 - z)^2 / (2 gamma) otherwise
 *						(the quadratically smoothed hinge of Shalev-Shwartz
 *						and Zhang, "Stochastic Dual Coordinate Ascent", 2013)
 * The hinge is not differentiable at z = m: its subgradient there is taken
 * as 0, so that only strict margin violators (z < m) move the weights, the
 * convention of Pegasos and of liblinear's active set.
 */
#include "postgres.h"

#include "fmgr.h"

#include "hinge.h"

/* Reads and checks (y, score) and returns the functional margin y * score */
static float8
functional_margin_args(FunctionCallInfo fcinfo)
{
	float8		y = PG_GETARG_FLOAT8(0);
	float8		score = PG_GETARG_FLOAT8(1);

	hinge_check_finite(y, "label");
	hinge_check_label(y);
	hinge_check_finite(score, "score");
	return y * score;
}

static float8
margin_arg(FunctionCallInfo fcinfo)
{
	float8		margin = PG_GETARG_FLOAT8(2);

	hinge_check_margin(margin);
	return margin;
}

static float8
gamma_arg(FunctionCallInfo fcinfo)
{
	float8		gamma = PG_GETARG_FLOAT8(2);

	hinge_check_positive(gamma, "gamma",
						 "gamma is the width of the quadratic part below z = 1: 1 is usual, smaller is closer to the hinge.");
	return gamma;
}

/* The functional margin y * score */
PG_FUNCTION_INFO_V1(hinge_margin);
Datum
hinge_margin(PG_FUNCTION_ARGS)
{
	PG_RETURN_FLOAT8(functional_margin_args(fcinfo));
}

/* max(0, margin - y * score) */
PG_FUNCTION_INFO_V1(hinge_loss);
Datum
hinge_loss(PG_FUNCTION_ARGS)
{
	float8		z = functional_margin_args(fcinfo);
	float8		margin = margin_arg(fcinfo);

	PG_RETURN_FLOAT8(z < margin ? hinge_check_result(margin - z) : 0.0);
}

/* d hinge_loss / d score: -y where y * score < margin, else 0 */
PG_FUNCTION_INFO_V1(hinge_loss_grad);
Datum
hinge_loss_grad(PG_FUNCTION_ARGS)
{
	float8		z = functional_margin_args(fcinfo);
	float8		margin = margin_arg(fcinfo);
	float8		y = PG_GETARG_FLOAT8(0);

	PG_RETURN_FLOAT8(z < margin ? -y : 0.0);
}

/* max(0, margin - y * score)^2 */
PG_FUNCTION_INFO_V1(squared_hinge_loss);
Datum
squared_hinge_loss(PG_FUNCTION_ARGS)
{
	float8		z = functional_margin_args(fcinfo);
	float8		margin = margin_arg(fcinfo);
	float8		violation;

	if (z >= margin)
		PG_RETURN_FLOAT8(0.0);
	violation = hinge_check_result(margin - z);
	PG_RETURN_FLOAT8(hinge_check_result(violation * violation));
}

/* d squared_hinge_loss / d score: -2 y max(0, margin - y * score) */
PG_FUNCTION_INFO_V1(squared_hinge_loss_grad);
Datum
squared_hinge_loss_grad(PG_FUNCTION_ARGS)
{
	float8		z = functional_margin_args(fcinfo);
	float8		margin = margin_arg(fcinfo);
	float8		y = PG_GETARG_FLOAT8(0);

	if (z >= margin)
		PG_RETURN_FLOAT8(0.0);
	PG_RETURN_FLOAT8(hinge_check_result(-2.0 * y * (margin - z)));
}

/* The quadratically smoothed hinge (see the top of this file) */
PG_FUNCTION_INFO_V1(smooth_hinge_loss);
Datum
smooth_hinge_loss(PG_FUNCTION_ARGS)
{
	float8		z = functional_margin_args(fcinfo);
	float8		gamma = gamma_arg(fcinfo);
	float8		shortfall;

	if (z >= 1.0)
		PG_RETURN_FLOAT8(0.0);
	shortfall = hinge_check_result(1.0 - z);
	if (shortfall >= gamma)
		PG_RETURN_FLOAT8(hinge_check_result(shortfall - gamma / 2.0));
	/* shortfall / gamma < 1 here, so this cannot overflow */
	PG_RETURN_FLOAT8(0.5 * shortfall * (shortfall / gamma));
}

/* d smooth_hinge_loss / d score: 0, -y, or -y (1 - z) / gamma between */
PG_FUNCTION_INFO_V1(smooth_hinge_loss_grad);
Datum
smooth_hinge_loss_grad(PG_FUNCTION_ARGS)
{
	float8		z = functional_margin_args(fcinfo);
	float8		gamma = gamma_arg(fcinfo);
	float8		y = PG_GETARG_FLOAT8(0);
	float8		shortfall;

	if (z >= 1.0)
		PG_RETURN_FLOAT8(0.0);
	shortfall = 1.0 - z;
	if (shortfall >= gamma)
		PG_RETURN_FLOAT8(-y);
	PG_RETURN_FLOAT8(-y * shortfall / gamma);
}
