/*
 * scaled_oracle.h
 *		An oracle seen through scaling (scaled_oracle.c): the solver works on
 *		scaled features, the inner oracle reads raw rows, and the weights
 *		stored score raw rows.
 */
#ifndef HINGE_SCALED_ORACLE_H
#define HINGE_SCALED_ORACLE_H

#include "solver.h"

typedef struct HingeScaledOracle
{
	HingeOracle oracle;			/* first: the solver sees this */
	HingeOracle *inner;			/* on raw rows */
	int			n_features;
	int			cols;			/* a row of weights: features (+ intercept) */
	int			rows_per_problem;	/* rows of weights in a problem */
	const float8 *center;		/* n_features, or per fold (below) */
	const float8 *scale;
	int			stride;			/* 0, or n_features: a fold's scaling after another's */
	int			problems_per_scaling;	/* the problems that share one */
	float8	   *raw;			/* scratch: two problems' sets of raw weights */
} HingeScaledOracle;

extern void hinge_scaled_oracle_init(HingeScaledOracle *so, HingeOracle *inner,
									 int n_features, int cols, const float8 *center,
									 const float8 *scale);
extern void hinge_scaled_oracle_per_fold(HingeScaledOracle *so, int n_folds,
										 const float8 *centers, const float8 *scales);
extern void hinge_scaled_to_raw(const HingeScaledOracle *so, const float8 *theta,
								float8 *raw, int n_rows);

#endif							/* HINGE_SCALED_ORACLE_H */
