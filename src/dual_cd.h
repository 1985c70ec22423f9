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
 * Weights (spec->n_columns) near the minimum over rows (binary labels) of
 * spec's objective: once *gap, the duality gap relative to the objective
 * (about; not a certificate), is at most tolerance, or after
 * max_epochs epochs.  NULL if they overflowed.
 */
extern float8 *hinge_dual_cd_solve(const HingeRowSet *rows, const HingeTrainSpec *spec,
								   float8 tolerance, int max_epochs, float8 *gap);

#endif							/* HINGE_DUAL_CD_H */
