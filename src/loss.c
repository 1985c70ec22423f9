/*
 * loss.c
 *		Binary margin losses of one row and their derivatives in the score.
 *
 * With a label y in {-1, +1}, a raw score s and z = y * s (the functional
 * margin), the loss of the violation m - z of margin m (losses.h has the
 * formulas):
 *		hinge			max(0, m - z)
 *		squared hinge	max(0, m - z)^2
 *		smooth hinge	the smoothed hinge of width gamma, margin 1
 * and its derivative in the score, y times the derivative in z.
 */
#include "postgres.h"

#include "fmgr.h"

#include "finite.h"
#include "losses.h"
#include "validate.h"

const char *const hinge_loss_names[HINGE_N_LOSSES] = {
	"hinge", "squared_hinge", "smooth_hinge"
};

/* The loss of a name, or an error */
HingeLoss
hinge_loss_by_name(const char *name)
{
	int			loss;

	for (loss = 0; loss < HINGE_N_LOSSES; loss++)
		if (strcmp(name, hinge_loss_names[loss]) == 0)
			return (HingeLoss) loss;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown loss \"%s\"", name),
			 errhint("Use 'hinge', 'squared_hinge' or 'smooth_hinge'.")));
}

/* hinge_loss_by_name as an int, for hinge_name_arg (state.h) */
int
hinge_loss_code(const char *name)
{
	return (int) hinge_loss_by_name(name);
}

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

/*
 * The loss of the row (y, score) with the third argument as its margin (or,
 * for the smoothed hinge, its width gamma), and its derivative in the score;
 * either may have overflowed to Infinity, so callers check what they return
 */
static float8
row_loss(FunctionCallInfo fcinfo, HingeLoss loss, float8 *dloss_dscore)
{
	float8		z = functional_margin_args(fcinfo);
	float8		margin = 1.0;
	float8		gamma = 1.0;
	float8		dloss_dv;
	float8		value;

	if (loss == HINGE_LOSS_SMOOTH)
	{
		gamma = PG_GETARG_FLOAT8(2);
		hinge_check_positive(gamma, "gamma",
							 "gamma is the width of the quadratic part below z = 1: 1 is usual, smaller is closer to the hinge.");
	}
	else
	{
		margin = PG_GETARG_FLOAT8(2);
		hinge_check_margin(margin);
	}
	value = hinge_loss_of_violation(loss, gamma, margin - z, &dloss_dv);
	/* dv/dscore = -y */
	*dloss_dscore = dloss_dv == 0.0 ? 0.0 : -PG_GETARG_FLOAT8(0) * dloss_dv;
	return value;
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
	float8		d;

	PG_RETURN_FLOAT8(hinge_check_result(row_loss(fcinfo, HINGE_LOSS_HINGE, &d)));
}

/* d hinge_loss / d score: -y where y * score < margin, else 0 */
PG_FUNCTION_INFO_V1(hinge_loss_grad);
Datum
hinge_loss_grad(PG_FUNCTION_ARGS)
{
	float8		d;

	(void) row_loss(fcinfo, HINGE_LOSS_HINGE, &d);
	PG_RETURN_FLOAT8(hinge_check_result(d));
}

/* max(0, margin - y * score)^2 */
PG_FUNCTION_INFO_V1(squared_hinge_loss);
Datum
squared_hinge_loss(PG_FUNCTION_ARGS)
{
	float8		d;

	PG_RETURN_FLOAT8(hinge_check_result(row_loss(fcinfo, HINGE_LOSS_SQUARED, &d)));
}

/* d squared_hinge_loss / d score: -2 y max(0, margin - y * score) */
PG_FUNCTION_INFO_V1(squared_hinge_loss_grad);
Datum
squared_hinge_loss_grad(PG_FUNCTION_ARGS)
{
	float8		d;

	(void) row_loss(fcinfo, HINGE_LOSS_SQUARED, &d);
	PG_RETURN_FLOAT8(hinge_check_result(d));
}

/* The quadratically smoothed hinge (losses.h) */
PG_FUNCTION_INFO_V1(smooth_hinge_loss);
Datum
smooth_hinge_loss(PG_FUNCTION_ARGS)
{
	float8		d;

	PG_RETURN_FLOAT8(hinge_check_result(row_loss(fcinfo, HINGE_LOSS_SMOOTH, &d)));
}

/* d smooth_hinge_loss / d score: 0, -y, or -y (1 - z) / gamma between */
PG_FUNCTION_INFO_V1(smooth_hinge_loss_grad);
Datum
smooth_hinge_loss_grad(PG_FUNCTION_ARGS)
{
	float8		d;

	(void) row_loss(fcinfo, HINGE_LOSS_SMOOTH, &d);
	PG_RETURN_FLOAT8(hinge_check_result(d));
}
