/*
 * rows.h
 *		What one row adds to a risk and its subgradient, written once for
 *		the aggregates (accum.c, multiclass_accum.c) and for the in-memory
 *		oracle (memory_oracle.c), so that a pass over a relation and a
 *		sweep over rows held in memory compute the same sums.
 *
 * A row's subgradient in a row of weights is coef * (x, 1): each function
 * gives the coefficients and adds the weighted losses, compensated
 * (kernels.h).  Overflow is the caller's to report: a function returns
 * false, or a non-finite loss, when a loss is not finite.
 */
#ifndef HINGE_ROWS_H
#define HINGE_ROWS_H

#include "kernels.h"
#include "line.h"
#include "losses.h"
#include "multiclass.h"

/*
 * A binary row (label y = -1 or +1, class weight c) at score s: returns
 * c loss(1 - y s), and sets *coef to the coefficient of its subgradient,
 * -c loss'(1 - y s) y.  One-vs-rest's class r is the binary hinge with
 * y = +1 for the rows of class r, else -1.
 */
static inline float8
hinge_binary_row(HingeLoss loss, float8 gamma, float8 c, float8 y, float8 s,
				 float8 *coef)
{
	float8		dloss_dv;
	float8		value = hinge_loss_of_violation(loss, gamma, 1.0 - y * s, &dloss_dv);

	*coef = -c * dloss_dv * y;
	return c * value;
}

/*
 * Adds a row to the line search's difference arrays: a row whose
 * subgradient coefficients in k rows of cols weights change from prev to
 * cur at grid point a adds (cur - prev) (x, 1) there.  Along a line, a
 * hinge's coefficients are piecewise constant, so a row changes them at a
 * few points only; hinge_line_subgradients sums the differences up.
 */
static inline void
hinge_line_add_changes(float8 *diff_sum, float8 *diff_comp, int k, int cols,
					   const float8 *prev, const float8 *cur, HingeVector x)
{
	int			r;

	for (r = 0; r < k; r++)
		if (cur[r] != prev[r])
			hinge_compensated_add_row(diff_sum + (Size) r * cols, diff_comp + (Size) r * cols,
									  cols, cur[r] - prev[r], x);
}

/*
 * A binary row along the line search grid, from its scores at the two ends
 * of the line: adds c loss at every grid point to sum[]/comp[] and, when
 * diff_sum is not NULL (the hinge only: its subgradient is constant between
 * kinks), its subgradient changes to the LINE_POINTS x d difference arrays.
 * Returns false when a loss overflowed.
 */
static inline bool
hinge_binary_row_line(HingeLoss loss, float8 gamma, float8 c, float8 y,
					  float8 from, float8 to, HingeVector x, int d,
					  float8 *sum, float8 *comp,
					  float8 *diff_sum, float8 *diff_comp)
{
	float8		prev = 0.0;
	int			k;

	/*
	 * The margin is linear along the line, so a row that violates it at
	 * neither end of the grid violates it nowhere: it adds nothing (most
	 * rows, near an optimum).
	 */
	if (!(1.0 - y * (from + hinge_line_alphas[0] * (to - from)) > 0.0) &&
		!(1.0 - y * (from + hinge_line_alphas[HINGE_LINE_POINTS - 1] * (to - from)) > 0.0))
		return true;
	for (k = 0; k < HINGE_LINE_POINTS; k++)
	{
		float8		coef;
		float8		value = hinge_binary_row(loss, gamma, c, y,
											 from + hinge_line_alphas[k] * (to - from), &coef);

		if (unlikely(!isfinite(value)))
			return false;
		if (value != 0.0)
			hinge_compensated_add(&sum[k], &comp[k], value);
		if (diff_sum != NULL)
		{
			hinge_line_add_changes(diff_sum + (Size) k * d, diff_comp + (Size) k * d,
								   1, d, &prev, &coef, x);
			prev = coef;
		}
	}
	return true;
}

/*
 * A multiclass row (Crammer-Singer or Weston-Watkins, margin 1) at scores
 * s[0..k): returns c loss, non-finite on overflow, and when coef is not
 * NULL sets coef[0..k) to the coefficients of its subgradient in each row
 * of W.
 */
static inline float8
hinge_multiclass_row(HingeMulticlassVariant variant, float8 c, int label,
					 const float8 *s, int k, float8 *coef)
{
	float8		value = c * hinge_multiclass_loss(s, k, label, variant, 1.0, coef);
	int			r;

	if (coef != NULL)
		for (r = 0; r < k; r++)
			coef[r] *= c;
	return value;
}

/*
 * A multiclass row along the line grid, from its k scores at each end:
 * adds c loss at every grid point, and when diff_sum is not NULL its
 * subgradient changes (k x cols per grid point).  scratch holds 3k values.
 * Returns false on overflow.
 */
static inline bool
hinge_multiclass_row_line(HingeMulticlassVariant variant, float8 c, int label,
						  const float8 *from, const float8 *to, int k,
						  HingeVector x, int cols, float8 *sum, float8 *comp,
						  float8 *diff_sum, float8 *diff_comp, float8 *scratch)
{
	float8	   *scores = scratch;
	float8	   *prev = scratch + k;
	float8	   *cur = scratch + 2 * k;
	int			a,
				r;

	/*
	 * Both losses are convex along the line (maxima and sums of linear
	 * functions of alpha): a row without loss at both ends of the grid has
	 * none in between, and adds nothing.
	 */
	for (a = 0; a < HINGE_LINE_POINTS; a += HINGE_LINE_POINTS - 1)
	{
		for (r = 0; r < k; r++)
			scores[r] = from[r] + hinge_line_alphas[a] * (to[r] - from[r]);
		if (hinge_multiclass_row(variant, c, label, scores, k, NULL) != 0.0)
			break;
	}
	if (a >= HINGE_LINE_POINTS)
		return true;
	memset(prev, 0, sizeof(float8) * k);
	for (a = 0; a < HINGE_LINE_POINTS; a++)
	{
		float8		value;

		for (r = 0; r < k; r++)
			scores[r] = from[r] + hinge_line_alphas[a] * (to[r] - from[r]);
		value = hinge_multiclass_row(variant, c, label, scores, k,
									 diff_sum != NULL ? cur : NULL);
		if (unlikely(!isfinite(value)))
			return false;
		if (value != 0.0)
			hinge_compensated_add(&sum[a], &comp[a], value);
		if (diff_sum != NULL)
		{
			Size		at = (Size) a * k * cols;

			hinge_line_add_changes(diff_sum + at, diff_comp + at, k, cols, prev, cur, x);
			memcpy(prev, cur, sizeof(float8) * k);
		}
	}
	return true;
}

/*
 * The subgradients of the rows' risk at the grid points, from the
 * difference arrays (n x LINE_POINTS x size, with compensations): their
 * running sums, divided by the rows.  out gets LINE_POINTS rows of size,
 * out_stride apart.
 */
static inline void
hinge_line_subgradients(const float8 *diff_sum, const float8 *diff_comp, int size,
						float8 rows, float8 *running, float8 *out, Size out_stride)
{
	int			a,
				j;

	memset(running, 0, sizeof(float8) * size);
	for (a = 0; a < HINGE_LINE_POINTS; a++)
		for (j = 0; j < size; j++)
		{
			running[j] += diff_sum[(Size) a * size + j] + diff_comp[(Size) a * size + j];
			out[a * out_stride + j] = running[j] / rows;
		}
}

#endif							/* HINGE_ROWS_H */
