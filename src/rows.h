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
 * A line's sums of losses, 4 x LINE_POINTS: sums and compensations per
 * grid point, then a second such pair.  Summed per point (any loss:
 * hinge_binary_row_line_points), the second pair is unused.  Summed by runs
 * (the hinge: hinge_binary_row_line_runs), the first pair holds differences
 * of the rows' c (1 - y s_from) and the second of their c y (s_to - s_from),
 * and the risk at point k is A_k - alpha_k B_k of their running sums.
 */
#define HINGE_LINE_SUMS	(4 * HINGE_LINE_POINTS)

/*
 * A binary row along the line search grid, from its scores at the two ends
 * of the line, point by point: adds c loss at every grid point to sum[],
 * compensated in comp[] (HINGE_LINE_SUMS: sums and sums + LINE_POINTS).
 * Returns false when a loss overflowed.
 */
static inline bool
hinge_binary_row_line_points(HingeLoss loss, float8 gamma, float8 c, float8 y,
							 float8 from, float8 to, float8 *sum, float8 *comp)
{
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
	}
	return true;
}

/*
 * The hinge of a binary row along the grid, in closed form: its violation
 * a - alpha b (a = 1 - y s_from, b = y (s_to - s_from)) is linear in alpha,
 * so it is positive on one run of the grid, where the row adds c (a -
 * alpha b) to the risk and -c y (x, 1) to the subgradient.  The row adds c
 * a and c b to the difference sums where the run starts and takes them
 * back where it ends (HINGE_LINE_SUMS), and likewise its subgradient to
 * the difference arrays when diff_sum is not NULL: a few additions per
 * row, not one per grid point.  Returns false on overflow.
 */
static inline bool
hinge_binary_row_line_runs(float8 c, float8 y, float8 from, float8 to,
						   HingeVector x, int d, float8 *sums,
						   float8 *diff_sum, float8 *diff_comp)
{
	const int	n = HINGE_LINE_POINTS;
	float8		a = 1.0 - y * from;
	float8		b = y * (to - from);
	float8		ca = c * a,
				cb = c * b;
	int			start = 0,
				end;

	if (unlikely(!isfinite(ca) || !isfinite(hinge_line_alphas[n - 1] * cb)))
		return false;
	while (start < n && !(a - hinge_line_alphas[start] * b > 0.0))
		start++;
	if (start == n)
		return true;
	for (end = start + 1; end < n && a - hinge_line_alphas[end] * b > 0.0; end++)
		;
	hinge_compensated_add(&sums[start], &sums[n + start], ca);
	hinge_compensated_add(&sums[2 * n + start], &sums[3 * n + start], cb);
	if (diff_sum != NULL)
		hinge_compensated_add_row(diff_sum + (Size) start * d, diff_comp + (Size) start * d,
								  d, -c * y, x);
	if (end < n)
	{
		hinge_compensated_add(&sums[end], &sums[n + end], -ca);
		hinge_compensated_add(&sums[2 * n + end], &sums[3 * n + end], -cb);
		if (diff_sum != NULL)
			hinge_compensated_add_row(diff_sum + (Size) end * d, diff_comp + (Size) end * d,
									  d, c * y, x);
	}
	return true;
}

/*
 * The mean risk of rows at every grid point from a line's sums (see
 * HINGE_LINE_SUMS), summed by runs or per point.  A risk is never
 * negative: rounding in A_k - alpha_k B_k is clamped at 0.
 */
static inline void
hinge_line_risks(const float8 *sums, bool runs, float8 rows, float8 *risks)
{
	const int	n = HINGE_LINE_POINTS;
	float8		A = 0.0,
				B = 0.0;
	int			k;

	for (k = 0; k < n; k++)
	{
		if (!runs)
		{
			risks[k] = (sums[k] + sums[n + k]) / rows;
			continue;
		}
		A += sums[k] + sums[n + k];
		B += sums[2 * n + k] + sums[3 * n + k];
		risks[k] = A - hinge_line_alphas[k] * B;
		/* (a NaN of an overflow stays one: callers check results) */
		if (risks[k] < 0.0)
			risks[k] = 0.0;
		risks[k] /= rows;
	}
}

/* Merges the line sums b into a */
static inline void
hinge_line_sums_merge(float8 *a, const float8 *b)
{
	const int	n = HINGE_LINE_POINTS;

	hinge_compensated_merge(a, a + n, b, b + n, n);
	hinge_compensated_merge(a + 2 * n, a + 3 * n, b + 2 * n, b + 3 * n, n);
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
 * adds c loss at every grid point to sums (per point: HINGE_LINE_SUMS),
 * and when diff_sum is not NULL its
 * subgradient changes (k x cols per grid point).  scratch holds 3k values.
 * Returns false on overflow.
 */
static inline bool
hinge_multiclass_row_line(HingeMulticlassVariant variant, float8 c, int label,
						  const float8 *from, const float8 *to, int k,
						  HingeVector x, int cols, float8 *sums,
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
			hinge_compensated_add(&sums[a], &sums[HINGE_LINE_POINTS + a], value);
		if (diff_sum != NULL)
		{
			Size		at = (Size) a * k * cols;

			hinge_line_add_changes(diff_sum + at, diff_comp + at, k, cols, prev, cur, x);
			memcpy(prev, cur, sizeof(float8) * k);
		}
	}
	return true;
}

/* Adds coef (x, 1) to class r's row of the difference arrays at grid point a */
static inline void
hinge_line_add_class(float8 *diff_sum, float8 *diff_comp, int k, int cols, int a,
					 int r, float8 coef, HingeVector x)
{
	Size		at = ((Size) a * k + r) * cols;

	hinge_compensated_add_row(diff_sum + at, diff_comp + at, cols, coef, x);
}

/*
 * A multiclass row along the grid in closed form, summed by runs (see
 * HINGE_LINE_SUMS), as hinge_binary_row_line_runs for a binary row: each
 * violation 1 + s_r - s_label is linear in alpha, u_r + alpha v_r.
 * Weston-Watkins sums the hinges of the k - 1 violations, each positive on
 * one run of the grid.  Crammer-Singer's loss is the upper envelope of the
 * k lines (the label's: 0), a convex chain of at most k pieces: from each
 * grid point where the chain changes, the next change is where a steeper
 * line first overtakes the current one.  A row adds its loss's A and B and
 * its subgradient's coefficients (+c for the rival class, -c for the
 * label) where a piece starts: O(k) per piece, not O(k) per grid point.
 * Returns false on overflow.
 */
static inline bool
hinge_multiclass_row_line_runs(HingeMulticlassVariant variant, float8 c, int label,
							   const float8 *from, const float8 *to, int k,
							   HingeVector x, int cols, float8 *sums,
							   float8 *diff_sum, float8 *diff_comp)
{
	const int	n = HINGE_LINE_POINTS;
	const float8 *alphas = hinge_line_alphas;
	float8		from_label = from[label],
				step_label = to[label] - from[label];
	float8		A = 0.0,
				B = 0.0;
	int			a,
				r,
				rival = label;

	if (variant == HINGE_WESTON_WATKINS)
	{
		for (r = 0; r < k; r++)
		{
			float8		u,
						b;
			int			start = 0,
						end;

			if (r == label)
				continue;
			/* the violation u - alpha b, as a binary row's */
			u = 1.0 + from[r] - from_label;
			b = -((to[r] - from[r]) - step_label);
			if (unlikely(!isfinite(c * u) || !isfinite(alphas[n - 1] * c * b)))
				return false;
			while (start < n && !(u - alphas[start] * b > 0.0))
				start++;
			if (start == n)
				continue;
			for (end = start + 1; end < n && u - alphas[end] * b > 0.0; end++)
				;
			hinge_compensated_add(&sums[start], &sums[n + start], c * u);
			hinge_compensated_add(&sums[2 * n + start], &sums[3 * n + start], c * b);
			if (diff_sum != NULL)
			{
				hinge_line_add_class(diff_sum, diff_comp, k, cols, start, r, c, x);
				hinge_line_add_class(diff_sum, diff_comp, k, cols, start, label, -c, x);
			}
			if (end < n)
			{
				hinge_compensated_add(&sums[end], &sums[n + end], -c * u);
				hinge_compensated_add(&sums[2 * n + end], &sums[3 * n + end], -c * b);
				if (diff_sum != NULL)
				{
					hinge_line_add_class(diff_sum, diff_comp, k, cols, end, r, -c, x);
					hinge_line_add_class(diff_sum, diff_comp, k, cols, end, label, c, x);
				}
			}
		}
		return true;
	}

	/* no violation at either end of the grid: none between (convexity) */
	for (r = 0; r < k; r++)
	{
		float8		u = 1.0 + from[r] - from_label,
					v = (to[r] - from[r]) - step_label;

		if (r != label && (u + alphas[0] * v > 0.0 || u + alphas[n - 1] * v > 0.0))
			break;
	}
	if (r == k)
		return true;

	for (a = 0; a < n;)
	{
		float8		best = 0.0,
					u_best = 0.0,
					v_best = 0.0,
					next = INFINITY;
		int			top = label,
					end;

		/* the top line at this grid point (ties: the steeper, which stays on top) */
		for (r = 0; r < k; r++)
		{
			float8		u,
						v,
						value;

			if (r == label)
				continue;
			u = 1.0 + from[r] - from_label;
			v = (to[r] - from[r]) - step_label;
			value = u + alphas[a] * v;
			if (value > best || (value == best && v > v_best))
				top = r, best = value, u_best = u, v_best = v;
		}
		/* where a steeper line (the label's among them) first overtakes it */
		for (r = 0; r < k; r++)
		{
			float8		u = 0.0,
						v = 0.0;

			if (r == top)
				continue;
			if (r != label)
			{
				u = 1.0 + from[r] - from_label;
				v = (to[r] - from[r]) - step_label;
			}
			if (v > v_best && (u_best - u) / (v - v_best) < next)
				next = (u_best - u) / (v - v_best);
		}
		for (end = a + 1; end < n && alphas[end] <= next; end++)
			;
		if (top != rival)
		{
			/* the loss c (u + alpha v) = A - alpha B from here on */
			float8		A_top = top == label ? 0.0 : c * u_best;
			float8		B_top = top == label ? 0.0 : -c * v_best;

			if (unlikely(!isfinite(A_top) || !isfinite(alphas[n - 1] * B_top)))
				return false;
			hinge_compensated_add(&sums[a], &sums[n + a], A_top - A);
			hinge_compensated_add(&sums[2 * n + a], &sums[3 * n + a], B_top - B);
			A = A_top;
			B = B_top;
			if (diff_sum != NULL)
			{
				/* the label's -c stays while one rival follows another */
				if (rival != label)
					hinge_line_add_class(diff_sum, diff_comp, k, cols, a, rival, -c, x);
				if (top != label)
					hinge_line_add_class(diff_sum, diff_comp, k, cols, a, top, c, x);
				if ((rival == label) != (top == label))
					hinge_line_add_class(diff_sum, diff_comp, k, cols, a, label,
										 top == label ? c : -c, x);
			}
			rival = top;
		}
		a = end;
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
