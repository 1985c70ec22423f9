/*
 * solver.c
 *		The bundle method with a line search (solver.h), after OCAS (Franc
 *		and Sonnenburg, "Optimized cutting plane algorithm for large-scale
 *		risk minimization", JMLR 2009):
 *
 *	1. at a point w_t, the oracle gives R(w_t) and a subgradient: a cutting
 *	   plane of the risk;
 *	2. the planes' model is minimised exactly (bundle.c) at w_c, which also
 *	   gives a certified lower bound on the optimum;
 *	3. the oracle evaluates R on a grid along the segment from the best
 *	   point so far to w_c, which usually improves the best point (the upper
 *	   bound) far more than w_c itself would;
 *	4. the next plane is taken a little beyond the new best point, towards
 *	   w_c, and the loop repeats until (upper - lower) / upper <= tolerance.
 *
 * When the oracle's line search gives the subgradient at every grid point
 * too, steps 3 and 4 are one evaluation: the planes at the new best point
 * and at OCAS's next point come with it.  An oracle that keeps rows of its
 * own may also give a dual point after each evaluation (working_set.c):
 * its value is a lower bound as the model's is, and its weights replace the
 * model's minimiser as the next line's target while that bound is the
 * better one.
 *
 * Problems solved side by side (one-vs-rest's classes, cross-validation's
 * folds) each have their own bundle and points; every evaluation of the
 * oracle serves all of them, and the solver stops when each is within the
 * tolerance.  The solver adds the regulariser itself: the oracle knows only
 * the risk, so it may work in other coordinates than the solver's.
 */
#include "postgres.h"

#include <math.h>

#include "miscadmin.h"
#include "utils/float.h"
#include "utils/timestamp.h"

#include "bundle.h"
#include "kernels.h"
#include "solver.h"

/* OCAS's step past the best point towards the model's minimiser */
#define PLANE_STEP	0.1

#define LINE_POINTS	HINGE_LINE_POINTS

float8
hinge_relative_gap(const HingeProgress *p)
{
	return (p->upper - p->lower) / p->upper;
}

float8
hinge_seconds_since(TimestampTz start)
{
	return (float8) (GetCurrentTimestamp() - start) / USECS_PER_SEC;
}

/* One NOTICE per iteration, or per second when they are faster than that */
static void
report_progress(const HingeSolverOptions *options, HingeProgress *p, bool last)
{
	TimestampTz now = GetCurrentTimestamp();

	if (options->name == NULL)
		return;
	if (!last && p->passes > 1 &&
		!TimestampDifferenceExceeds(p->last_notice, now, 1000))
		return;
	p->last_notice = now;
	ereport(NOTICE,
			(errmsg("hinge_train \"%s\": pass %d, objective %.6g, gap %.2e, %.1f s",
					options->name, p->passes, p->upper, hinge_relative_gap(p),
					hinge_seconds_since(p->started))));
}

/*
 * How many planes each problem keeps: one per plane evaluation, but at most
 * 500 (the master problem grows as their square) and about 256 MB of planes
 * over all problems (at least 3).
 */
static int
bundle_capacity(const HingeOracle *oracle, const HingeSolverOptions *options)
{
	int			capacity = options->max_passes / 2 + 2;
	Size		weights = (Size) oracle->n_problems * oracle->d;
	int			by_memory = (int) Min((Size) 500, (Size) 256 * 1024 * 1024 / (sizeof(float8) * weights));

	return Max(3, Min(capacity, by_memory));
}

/* lambda/2 ||w||^2 */
static float8
regulariser(float8 lambda, const float8 *w, int d)
{
	return lambda / 2.0 * hinge_dot_f8(w, w, d);
}

/* Adds the plane R(v) >= R(w) + g.(v - w) */
static void
add_plane(HingeBundle *bundle, const float8 *w, float8 risk, const float8 *g)
{
	float8		gw = hinge_dot_f8(g, w, bundle->d);

	hinge_bundle_add(bundle, g, risk - gw, fabs(risk) + fabs(gw));
}

/* The grid point nearest to alpha */
static int
nearest_grid_point(float8 alpha)
{
	int			k,
				best = 0;

	for (k = 1; k < LINE_POINTS; k++)
		if (fabs(hinge_line_alphas[k] - alpha) < fabs(hinge_line_alphas[best] - alpha))
			best = k;
	return best;
}

/* Sums the problems' bounds into the progress; true if all are converged */
static bool
sum_bounds(HingeProgress *p, int n_problems, float8 tolerance)
{
	bool		converged = true;
	int			q;

	p->upper = p->lower = 0.0;
	for (q = 0; q < n_problems; q++)
	{
		p->upper += p->uppers[q];
		p->lower += p->lowers[q];
		converged &= (p->uppers[q] - p->lowers[q]) / p->uppers[q] <= tolerance;
	}
	return converged;
}

/*
 * Without the planes of a whole line, an oracle may give the plane of one
 * of its points with its search (line_plane), so that an iteration is one
 * pass, not a planes pass and a line pass.  Step 4 takes its plane just
 * past the line's best point, towards the minimiser; the grid point where
 * that lies on this line is the guess for the next line (best points move
 * little from one line to the next near the optimum: on 10^6 sparse rows,
 * 4, 5, 5, 5, 6, 7, 8, 9), and after a line that found nothing better (best
 * -1), just past its start.  Wherever it falls, a plane at any point is a
 * valid cut: the bound stays a bound.  The planes of two points (the best
 * one and the next) measured worse: on 200,000 x 5 on passes, 4-23 % fewer
 * passes, but each scan computed one score more a row, and multiclass
 * training took 1.4-1.8 times as long.
 */
static int
next_plane_point(int best)
{
	float8		alpha = best >= 0 ? hinge_line_alphas[best] : 0.0;

	return nearest_grid_point(alpha + PLANE_STEP * (1.0 - alpha));
}

/*
 * The oracle's dual point after an evaluation: its bound raises the lower
 * bound (any dual point's value is a bound: the bundle's is one too), and
 * its weights are the next line's target when that bound is the best so
 * far, a sign that they are nearer the optimum than the bundle's
 * minimiser.  True when they are.
 */
static bool
take_dual_point(HingeOracle *oracle, int best, HingeProgress *p, float8 *target)
{
	float8		lower;
	bool		better;
	bool		usable = oracle->dual_point(oracle, best, &lower, target);

	better = lower >= p->lowers[0];
	p->lowers[0] = fmax(p->lowers[0], lower);
	return usable && better;
}

HingeProgress
hinge_solve(HingeOracle *oracle, const HingeSolverOptions *options, float8 *w_best)
{
	int			n = oracle->n_problems;
	int			d = oracle->d;
	Size		nd = (Size) n * d;
	float8		lambda = options->lambda;
	bool		one_pass = oracle->line_planes;
	bool		with_plane = !one_pass && oracle->line_plane != NULL;
	float8	   *point = palloc(sizeof(float8) * nd);
	float8	   *w_c = palloc0(sizeof(float8) * nd);
	float8	   *w_k = palloc(sizeof(float8) * d);
	float8	   *planes = palloc(sizeof(float8) * (Size) n * (d + 1));
	float8	   *risks = palloc(sizeof(float8) * (Size) n * LINE_POINTS);
	float8	   *subgradients = one_pass ?
		palloc(sizeof(float8) * (Size) n * LINE_POINTS * d) : NULL;
	int		   *plane_at = palloc(sizeof(int) * n);
	float8	   *zero = palloc0(sizeof(float8) * d);
	float8	   *moved = palloc0(sizeof(float8) * n);
	HingeBundle *bundles = options->bundles != NULL ? options->bundles :
		palloc0(sizeof(HingeBundle) * n);
	/* the oracle's dual point: the next line's target while its lines pay */
	bool		dual_points = oracle->dual_point != NULL && n == 1;
	float8	   *target = dual_points ? palloc(sizeof(float8) * d) : NULL;
	bool		have_target = false;
	int			last_best = -1;
	HingeProgress p = {0};
	int			q,
				j;

	p.started = GetCurrentTimestamp();
	p.uppers = palloc(sizeof(float8) * n);
	p.lowers = palloc0(sizeof(float8) * n);
	if (options->start != NULL)
		memcpy(point, options->start, sizeof(float8) * nd);
	else
		memset(point, 0, sizeof(float8) * nd);
	memcpy(w_best, point, sizeof(float8) * nd);
	if (oracle->line_moved != NULL)
		oracle->line_moved(oracle, NULL);	/* no line of this solve yet */
	for (q = 0; q < n; q++)
	{
		if (bundles[q].capacity == 0)
		{
			hinge_bundle_init(&bundles[q], d, lambda, bundle_capacity(oracle, options));
			/* the risk is never negative: the plane R(w) >= 0 holds from the start */
			hinge_bundle_add(&bundles[q], zero, 0.0, 0.0);
		}
		else
			bundles[q].lambda = lambda;	/* the planes of solves before */
		p.uppers[q] = get_float8_infinity();
		plane_at[q] = next_plane_point(-1);
	}

	for (;;)
	{
		bool		converged;

		CHECK_FOR_INTERRUPTS();

		/* 1. a cutting plane at each point (when lines give planes, only the first) */
		if ((!one_pass && !with_plane) || p.passes == 0)
		{
			oracle->planes(oracle, point, planes);
			for (q = 0; q < n; q++)
			{
				const float8 *row = planes + (Size) q * (d + 1);
				const float8 *w_q = point + (Size) q * d;
				float8		objective = row[0] + regulariser(lambda, w_q, d);

				if (objective < p.uppers[q])
				{
					p.uppers[q] = objective;
					memcpy(w_best + (Size) q * d, w_q, sizeof(float8) * d);
					/* the next line starts at this point, off the last line */
					if (oracle->line_moved != NULL)
						oracle->line_moved(oracle, NULL);
				}
				add_plane(&bundles[q], w_q, row[0], row + 1);
				if (p.passes == 0)
					p.first_subgradient_norm = fmax(p.first_subgradient_norm,
													hinge_norm(row + 1, d));
			}
			p.passes++;
			if (dual_points)
				have_target = take_dual_point(oracle, -1, &p, target);
		}

		/* 2. each model's minimiser, and the lower bounds */
		for (q = 0; q < n; q++)
			p.lowers[q] = fmax(p.lowers[q],
							   hinge_bundle_solve(&bundles[q], w_c + (Size) q * d,
												  fmax(0.05 * options->tolerance * p.uppers[q], 1e-15)));
		/* a dual point's target instead, unless its last line found nothing better */
		if (have_target)
			memcpy(w_c, target, sizeof(float8) * d);
		converged = sum_bounds(&p, n, options->tolerance);
		if (converged || p.passes >= options->max_passes)
			break;
		report_progress(options, &p, false);

		/* 3. the line searches from the best points towards the minimisers */
		if (with_plane)
			oracle->line_plane(oracle, w_best, w_c, risks, plane_at, planes);
		else
			oracle->line(oracle, w_best, w_c, risks, subgradients);
		p.passes++;
		for (q = 0; q < n; q++)
		{
			float8	   *best_q = w_best + (Size) q * d;
			const float8 *c_q = w_c + (Size) q * d;
			float8	   *point_q = point + (Size) q * d;
			float8		objectives[LINE_POINTS];
			float8		alpha_best = 0.0;
			int			best = 0,
						next,
						k;

			for (k = 0; k < LINE_POINTS; k++)
			{
				hinge_line_point(best_q, c_q, d, k, w_k);
				objectives[k] = risks[(Size) q * LINE_POINTS + k] + regulariser(lambda, w_k, d);
				if (objectives[k] < objectives[best])
					best = k;
			}
			if (objectives[best] < p.uppers[q])
			{
				alpha_best = hinge_line_alphas[best];
				p.uppers[q] = objectives[best];
			}
			else
				best = -1;
			moved[q] = alpha_best;
			last_best = best;

			/* 4. planes: at the new best point and just past it, towards w_c */
			if (with_plane)
			{
				const float8 *plane = planes + (Size) q * (d + 1);

				hinge_line_point(best_q, c_q, d, plane_at[q], w_k);
				add_plane(&bundles[q], w_k, plane[0], plane + 1);
				plane_at[q] = next_plane_point(best);
			}
			if (!one_pass)
			{
				for (j = 0; j < d; j++)
				{
					best_q[j] += alpha_best * (c_q[j] - best_q[j]);
					point_q[j] = best_q[j] + PLANE_STEP * (c_q[j] - best_q[j]);
				}
				continue;
			}
			next = nearest_grid_point(alpha_best + PLANE_STEP * (1.0 - alpha_best));
			memcpy(point_q, best_q, sizeof(float8) * d);	/* the line's start */
			for (k = 0; k < LINE_POINTS; k++)
			{
				if (k != best && k != next)
					continue;
				hinge_line_point(point_q, c_q, d, k, w_k);
				add_plane(&bundles[q], w_k, risks[(Size) q * LINE_POINTS + k],
						  subgradients + ((Size) q * LINE_POINTS + k) * d);
				if (k == best)
					memcpy(best_q, w_k, sizeof(float8) * d);
			}
		}
		/* the next line starts at each problem's best point */
		if (oracle->line_moved != NULL)
			oracle->line_moved(oracle, moved);
		if (dual_points)
			have_target = take_dual_point(oracle, last_best, &p, target) &&
				!(have_target && last_best < 0);
		converged = sum_bounds(&p, n, options->tolerance);
		if (converged || p.passes >= options->max_passes)
			break;
	}
	p.converged = sum_bounds(&p, n, options->tolerance);
	report_progress(options, &p, true);
	return p;
}
