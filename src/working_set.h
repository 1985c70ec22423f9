/*
 * working_set.h
 *		Passes that keep the rows near the margin in memory, and the dual
 *		bound and point those rows give (working_set.c).
 */
#ifndef HINGE_WORKING_SET_H
#define HINGE_WORKING_SET_H

#include "passes.h"
#include "rows.h"
#include "rowset.h"
#include "solver.h"
#include "train.h"

typedef struct HingeWorkingSetOracle
{
	HingeOracle oracle;			/* first: the solver sees this */
	const HingeTrainSpec *spec;
	char	   *query;			/* the rows, as x and y */
	HingeParams params;
	int			cols;			/* weights: the features and an intercept */
	Size		budget;			/* bytes the kept rows may take */
	float8		delta;			/* rows kept: margin within delta of 1 */
	bool		at_plane_only;	/* ... at the plane's point, not anywhere on [0, 1] */

	/* the rows kept by the last pass, as sparse rows, and their scores */
	HingeRowSet kept;
	int64		max_rows;
	int64		max_elements;
	float8	   *from_scores;	/* at the line's start */
	float8	   *to_scores;		/* at its end */
	float8	   *share;			/* their dual values, as shares of their boxes */
	bool		full;			/* some rows near the margin did not fit */

	/* the other rows, at the plane's point */
	float8	   *fixed;			/* sum of c dloss/dscore (x, 1), then compensations */
	float8		fixed_mass[2];	/* sum of c over those that violate the margin */

	/* the pass being read */
	const float8 *from;
	const float8 *to;
	float8		plane_alpha;
	float8		sums[HINGE_LINE_SUMS];
	float8		start_objective;	/* about the objective at the line's start */
	int64		seen;
	MemoryContext row_context;
} HingeWorkingSetOracle;

extern bool hinge_working_set_applies(const HingeTrainSpec *spec, bool scaled);
extern void hinge_working_set_oracle_init(HingeWorkingSetOracle *ws,
										  const HingeTrainSpec *spec, const char *ext);

#endif							/* HINGE_WORKING_SET_H */
