/*
 * solver.h
 *		The bundle method (solver.c): minimises, for each of one or more
 *		problems side by side,
 *			P(w) = lambda/2 ||w||^2 + R(w)
 *		where an oracle gives the risk R and its subgradients, to a certified
 *		relative gap.  The oracle owns the data: passes over a relation, rows
 *		held in memory, or either seen through a change of variables.
 */
#ifndef HINGE_SOLVER_H
#define HINGE_SOLVER_H

#include "datatype/timestamp.h"

#include "line.h"

typedef struct HingeOracle HingeOracle;

struct HingeOracle
{
	int			n_problems;		/* problems solved side by side */
	int			d;				/* weights of each problem */
	bool		line_planes;	/* line() gives subgradients too */

	/*
	 * Each problem's risk and a subgradient at its point: points is
	 * n_problems x d; out gets n_problems rows [R, g_1 .. g_d].
	 */
	void		(*planes) (HingeOracle *oracle, const float8 *points, float8 *out);

	/*
	 * Each problem's risk at from + alpha (to - from), for every alpha of
	 * hinge_line_alphas: risks gets n_problems x HINGE_LINE_POINTS values,
	 * and when line_planes, subgradients n_problems x HINGE_LINE_POINTS x d.
	 */
	void		(*line) (HingeOracle *oracle, const float8 *from, const float8 *to,
						 float8 *risks, float8 *subgradients);
	/*
	 * Optional (NULL: none), for an oracle without line_planes: line()'s
	 * risks, and in the same evaluation what planes() gives at one grid
	 * point of each problem's line, at[q] the grid index of problem q's.
	 */
	void		(*line_plane) (HingeOracle *oracle, const float8 *from, const float8 *to,
							   float8 *risks, const int *at, float8 *planes);

	/*
	 * Optional (NULL: none): where the next line starts.  After a line,
	 * alphas[q] says that problem q's next line starts at from + alphas[q]
	 * (to - from) of this one (0: where it started), so an oracle that kept
	 * each row's scores at both ends knows them at the next start without
	 * a dot product; alphas NULL says the next line starts elsewhere.
	 */
	void		(*line_moved) (HingeOracle *oracle, const float8 *alphas);

	/*
	 * Optional (NULL: none), for one problem: after each evaluation, a
	 * certified lower bound on the objective's minimum into *lower (0 when
	 * it has none), and in target a point to search towards next, from the
	 * oracle's own dual (working_set.c); returns false when target holds
	 * none.  best is the grid point of the last line where the best point
	 * now is (-1: that line's start, or there was no line).
	 */
	bool		(*dual_point) (HingeOracle *oracle, int best, float8 *lower, float8 *target);
};

typedef struct HingeSolverOptions
{
	float8		lambda;
	float8		tolerance;		/* relative gap of every problem */
	int			max_passes;
	const float8 *start;		/* n_problems x d, or NULL for 0 */
	const char *name;			/* for progress NOTICEs, or NULL for none */

	/*
	 * n_problems bundles to keep the planes in, or NULL for the solve's own.
	 * A path of solves over the same oracle at other lambdas may pass the
	 * same ones to each (zeroed before the first): a plane bounds the risk
	 * whatever lambda, so each solve starts from every plane the ones
	 * before made.
	 */
	struct HingeBundle *bundles;
} HingeSolverOptions;

/* Where the solver stands: of the sum of the problems, and of each */
typedef struct HingeProgress
{
	bool		converged;		/* every problem within the tolerance */
	int			passes;
	float8		upper;			/* best objective found, summed */
	float8		lower;			/* certified lower bound on the optimum */
	float8	   *uppers;			/* per problem */
	float8	   *lowers;
	TimestampTz started;
	TimestampTz last_notice;
	float8		first_subgradient_norm; /* at the start: the features' scale */
} HingeProgress;

extern HingeProgress hinge_solve(HingeOracle *oracle,
								 const HingeSolverOptions *options,
								 float8 *w_best);
extern float8 hinge_relative_gap(const HingeProgress *p);
extern float8 hinge_seconds_since(TimestampTz start);

#endif							/* HINGE_SOLVER_H */
