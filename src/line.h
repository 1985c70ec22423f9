/*
 * line.h
 *		The line search grid: the points w_from + alpha (w_to - w_from) at
 *		which the *_line_* aggregates evaluate the objective in one scan,
 *		and at which the solver looks for its next best point.
 */
#ifndef HINGE_LINE_H
#define HINGE_LINE_H

#include "compat.h"

#define HINGE_LINE_POINTS	32

extern const float8 hinge_line_alphas[HINGE_LINE_POINTS];

/* point = from + alpha_k (to - from), n weights */
static inline void
hinge_line_point(const float8 *from, const float8 *to, int n, int k, float8 *point)
{
	float8		alpha = hinge_line_alphas[k];
	int			j;

	for (j = 0; j < n; j++)
		point[j] = from[j] + alpha * (to[j] - from[j]);
}

#endif							/* HINGE_LINE_H */
