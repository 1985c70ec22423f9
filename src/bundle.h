/*
 * bundle.h
 *		The bundle method's master problem (bundle.c): the minimum of the
 *		regularised cutting-plane model of the risk, and the certified lower
 *		bound it gives on the optimum.
 */
#ifndef HINGE_BUNDLE_H
#define HINGE_BUNDLE_H

#include "compat.h"

typedef struct HingeBundle
{
	int			d;				/* weights per plane */
	int			m;				/* planes */
	int			capacity;
	int			allocated;		/* planes a has room for (up to capacity) */
	float8		lambda;
	float8	   *a;				/* allocated x d: plane slopes */
	float8	   *b;				/* plane offsets */
	float8	   *magnitude;		/* of the numbers each offset came from */
	float8	   *alpha;			/* dual weights, on the simplex */
	float8	   *gram;			/* capacity x capacity: a_s . a_t */
	int		   *idle;			/* solves since alpha_t was last > 0 */
} HingeBundle;

extern void hinge_bundle_init(HingeBundle *bundle, int d, float8 lambda,
							  int capacity);
extern void hinge_bundle_add(HingeBundle *bundle, const float8 *a, float8 b,
							 float8 magnitude);
extern float8 hinge_bundle_solve(HingeBundle *bundle, float8 *w,
								 float8 precision);

#endif							/* HINGE_BUNDLE_H */
