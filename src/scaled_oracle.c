/*
 * scaled_oracle.c
 *		Scaling as a change of variables (scaled_oracle.h): the solver works
 *		on scaled features z_j = (x_j - c_j) / s_j, while the oracle reads
 *		the raw rows.
 *
 * A row of weights (v, v_0) on the scaled features scores
 *		v.z + v_0 = sum_j (v_j / s_j) x_j + (v_0 - sum_j v_j c_j / s_j),
 * that is raw weights w = A (v, v_0): w_j = v_j / s_j and the intercept
 * w_0 = v_0 - sum_j v_j c_j / s_j.  So the risk at v is the raw oracle's
 * risk at A v, its subgradient A^T g, and a segment maps onto a segment
 * with the same grid.  The rows are never rewritten, scaled or densified:
 * sparse rows stay sparse, and the model stores A v, which scores raw rows
 * at the cost of unscaled weights.  The regulariser, which the solver adds,
 * is on v: the objective minimised is that of the scaled problem.
 *
 * Cross-validation scales each fold's problems by the statistics of the
 * fold's own training rows (hinge_scaled_oracle_per_fold): problem q uses
 * the centres and scales of fold q / (problems per fold).
 */
#include "postgres.h"

#include "scaled_oracle.h"

/*
 * The scaling of the rows of weights at row r of a block in which each
 * problem has per_problem rows
 */
static Size
scaling_at(const HingeScaledOracle *so, int r, int per_problem)
{
	return (Size) (r / per_problem / so->problems_per_scaling) * so->stride;
}

/*
 * raw = A theta, row by row of cols (features, then an intercept if any),
 * per_problem rows a problem
 */
static void
to_raw(const HingeScaledOracle *so, const float8 *theta, float8 *raw, int n_rows,
	   int per_problem)
{
	int			f = so->n_features;
	int			r,
				j;

	for (r = 0; r < n_rows; r++)
	{
		const float8 *v = theta + (Size) r * so->cols;
		float8	   *w = raw + (Size) r * so->cols;
		const float8 *center = so->center + scaling_at(so, r, per_problem);
		const float8 *scale = so->scale + scaling_at(so, r, per_problem);
		float8		shift = 0.0;

		for (j = 0; j < f; j++)
		{
			w[j] = v[j] / scale[j];
			shift += w[j] * center[j];
		}
		if (so->cols > f)
			w[f] = v[f] - shift;
	}
}

/* g_theta = A^T g_raw, in place, row by row, per_problem rows a problem */
static void
to_scaled_gradient(const HingeScaledOracle *so, float8 *g, int n_rows, int per_problem)
{
	int			f = so->n_features;
	int			r,
				j;

	for (r = 0; r < n_rows; r++)
	{
		float8	   *row = g + (Size) r * so->cols;
		const float8 *center = so->center + scaling_at(so, r, per_problem);
		const float8 *scale = so->scale + scaling_at(so, r, per_problem);
		float8		g0 = so->cols > f ? row[f] : 0.0;

		for (j = 0; j < f; j++)
			row[j] = (row[j] - g0 * center[j]) / scale[j];
	}
}

/* Each problem's plane [R, g] of raw weights in out, its g mapped in place to theta's */
static void
planes_to_scaled(const HingeScaledOracle *so, float8 *out)
{
	int			d = so->oracle.d;
	int			q;

	for (q = 0; q < so->oracle.n_problems; q++)
	{
		/* one problem's subgradient: its rows are problem q's */
		float8	   *g = out + (Size) q * (d + 1) + 1;
		Size		at = (Size) (q / so->problems_per_scaling) * so->stride;
		HingeScaledOracle one = *so;

		one.center = so->center + at;
		one.scale = so->scale + at;
		one.stride = 0;
		to_scaled_gradient(&one, g, so->rows_per_problem, so->rows_per_problem);
	}
}

static void
scaled_planes(HingeOracle *oracle, const float8 *points, float8 *out)
{
	HingeScaledOracle *so = (HingeScaledOracle *) oracle;

	to_raw(so, points, so->raw, oracle->n_problems * so->rows_per_problem, so->rows_per_problem);
	so->inner->planes(so->inner, so->raw, out);
	planes_to_scaled(so, out);
}

/* A line's ends in raw weights: so->raw, then so->raw + n_problems x d */
static void
line_to_raw(HingeScaledOracle *so, const float8 *from, const float8 *to)
{
	int			rows = so->oracle.n_problems * so->rows_per_problem;

	to_raw(so, from, so->raw, rows, so->rows_per_problem);
	to_raw(so, to, so->raw + (Size) so->oracle.n_problems * so->oracle.d, rows,
		   so->rows_per_problem);
}

static void
scaled_line(HingeOracle *oracle, const float8 *from, const float8 *to, float8 *risks,
			float8 *subgradients)
{
	HingeScaledOracle *so = (HingeScaledOracle *) oracle;
	int			n = oracle->n_problems;

	line_to_raw(so, from, to);
	so->inner->line(so->inner, so->raw, so->raw + (Size) n * oracle->d, risks, subgradients);
	if (subgradients != NULL && oracle->line_planes)
		to_scaled_gradient(so, subgradients, n * HINGE_LINE_POINTS * so->rows_per_problem,
						   HINGE_LINE_POINTS * so->rows_per_problem);
}

/* The line and the planes at its grid points at: those of the mapped line are the mapped points */
static void
scaled_line_plane(HingeOracle *oracle, const float8 *from, const float8 *to, float8 *risks,
				  const int *at, float8 *planes)
{
	HingeScaledOracle *so = (HingeScaledOracle *) oracle;

	line_to_raw(so, from, to);
	so->inner->line_plane(so->inner, so->raw, so->raw + (Size) oracle->n_problems * oracle->d,
						  risks, at, planes);
	planes_to_scaled(so, planes);
}

/* Scaling is affine: a point along the line in theta is the same point in raw weights */
static void
scaled_line_moved(HingeOracle *oracle, const float8 *alphas)
{
	HingeScaledOracle *so = (HingeScaledOracle *) oracle;

	so->inner->line_moved(so->inner, alphas);
}

void
hinge_scaled_oracle_init(HingeScaledOracle *so, HingeOracle *inner, int n_features,
						 int cols, const float8 *center, const float8 *scale)
{
	memset(so, 0, sizeof(*so));
	so->oracle = *inner;
	so->oracle.planes = scaled_planes;
	so->oracle.line = scaled_line;
	so->oracle.line_moved = inner->line_moved != NULL ? scaled_line_moved : NULL;
	so->oracle.line_plane = inner->line_plane != NULL ? scaled_line_plane : NULL;
	so->inner = inner;
	so->n_features = n_features;
	so->cols = cols;
	so->rows_per_problem = inner->d / cols;
	so->center = center;
	so->scale = scale;
	so->stride = 0;
	so->problems_per_scaling = inner->n_problems;
	so->raw = palloc(sizeof(float8) * 2 * (Size) inner->n_problems * inner->d);
}

/*
 * Each fold's problems scaled by their own statistics: centers and scales
 * are n_folds x n_features, fold-major as the inner oracle's problems
 */
void
hinge_scaled_oracle_per_fold(HingeScaledOracle *so, int n_folds, const float8 *centers,
							 const float8 *scales)
{
	Assert(so->inner->n_problems % n_folds == 0);
	so->center = centers;
	so->scale = scales;
	so->stride = so->n_features;
	so->problems_per_scaling = so->inner->n_problems / n_folds;
}

/*
 * The raw weights of solver weights theta: n_rows rows of cols, the rows
 * of the problems in order
 */
void
hinge_scaled_to_raw(const HingeScaledOracle *so, const float8 *theta, float8 *raw, int n_rows)
{
	to_raw(so, theta, raw, n_rows, so->rows_per_problem);
}
