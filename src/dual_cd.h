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

/*
 * A lower bound on the optimum of spec's objective (the hinge) over n_all
 * rows, of which those of rows are free and every other one's dual value
 * is c_i, summed in fixed_sum (sum c_i y_i (x_i, 1), cols) and fixed_mass
 * (sum c_i): see dual_cd.c.  share (rows->n) is where each free row starts,
 * as a share of its box, and is overwritten; the epochs run until one
 * raises the bound by less than stop_below (at most max_epochs, *epochs of
 * them); w gets the weights of the dual point they reach.
 */
extern float8 hinge_dual_cd_bound(const HingeRowSet *rows, const HingeTrainSpec *spec,
								  int64 n_all, const float8 *fixed_sum, float8 fixed_mass,
								  float8 *share, int max_epochs, float8 stop_below,
								  float8 *w, int *epochs);

#endif							/* HINGE_DUAL_CD_H */
