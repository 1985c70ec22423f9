/*
 * losses.h
 *		The margin losses, each written once: the row functions (loss.c,
 *		multiclass.c, ranking.c) and the aggregates (accum.c,
 *		multiclass_accum.c) all compute them here.
 *
 * Every loss is a function of the violation v = m - z of a margin m by a
 * functional margin z (z = y * score for a binary row; the gap between the
 * true class's score and another's for multiclass; the score difference of
 * a pair for ranking):
 *		hinge			max(0, v)
 *		squared hinge	max(0, v)^2
 *		smooth hinge	0 if v <= 0; v - gamma/2 if v >= gamma;
 *						v^2 / (2 gamma) between (margin 1)
 *						(the quadratically smoothed hinge of Shalev-Shwartz
 *						and Zhang, "Stochastic Dual Coordinate Ascent", 2013)
 * The hinge is not differentiable at v = 0: its derivative there is taken
 * as 0, so that only strict margin violators (z < m) move the weights, the
 * convention of Pegasos and of liblinear's active set.
 */
#ifndef HINGE_LOSSES_H
#define HINGE_LOSSES_H

#include "compat.h"

typedef enum HingeLoss
{
	HINGE_LOSS_HINGE = 0,
	HINGE_LOSS_SQUARED = 1,
	HINGE_LOSS_SMOOTH = 2
} HingeLoss;

#define HINGE_N_LOSSES	3

/* loss.c: 'hinge', 'squared_hinge', 'smooth_hinge' */
extern const char *const hinge_loss_names[HINGE_N_LOSSES];
extern HingeLoss hinge_loss_by_name(const char *name);
extern int	hinge_loss_code(const char *name);

/*
 * The loss of a violation v, and its derivative in v.  gamma is read by the
 * smoothed hinge only.  Overflow (v near the float8 limits) comes out as
 * Infinity: callers check results.
 */
static inline float8
hinge_loss_of_violation(HingeLoss loss, float8 gamma, float8 v,
						float8 *dloss_dv)
{
	if (!(v > 0.0))
	{
		*dloss_dv = 0.0;
		return 0.0;
	}
	switch (loss)
	{
		case HINGE_LOSS_HINGE:
			*dloss_dv = 1.0;
			return v;
		case HINGE_LOSS_SQUARED:
			*dloss_dv = 2.0 * v;
			return v * v;
		default:
			if (v >= gamma)
			{
				*dloss_dv = 1.0;
				return v - gamma / 2.0;
			}
			/* v / gamma < 1 here, so this cannot overflow */
			*dloss_dv = v / gamma;
			return 0.5 * v * (v / gamma);
	}
}

/* The hinge alone: max(0, v) */
static inline float8
hinge_of_violation(float8 v)
{
	return v > 0.0 ? v : 0.0;
}

#endif							/* HINGE_LOSSES_H */
