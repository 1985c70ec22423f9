/*
 * dual_cd.h
 *		Dual coordinate descent (dual_cd.c) for a binary problem whose rows
 *		are in memory: the start of a training, not its certificate.
 */
#ifndef HINGE_DUAL_CD_H
#define HINGE_DUAL_CD_H

#include "rowset.h"
#include "train.h"

/* Whether hinge_dual_cd_solve can solve spec's problem */
extern bool hinge_dual_cd_applies(const HingeTrainSpec *spec);

/*
 * Where the epochs left the problem on the rows: spec's objective at their
 * weights, the dual's value at their alphas (a lower bound on the rows'
 * optimum, up to the rounding of the weights they move), and the gap
 * between them relative to the objective; until the first is computed
 * (every second epoch), NaN, NaN and infinity.
 */
typedef struct HingeDualProgress
{
	float8		objective;
	float8		dual;
	float8		gap;
} HingeDualProgress;

/*
 * Weights (spec->n_columns) near the minimum over rows (binary labels) of
 * spec's objective: once progress->gap is at most tolerance, or after
 * max_epochs epochs.  NULL if they overflowed.
 */
extern float8 *hinge_dual_cd_solve(const HingeRowSet *rows, const HingeTrainSpec *spec,
								   float8 tolerance, int max_epochs,
								   HingeDualProgress *progress);

#endif							/* HINGE_DUAL_CD_H */
