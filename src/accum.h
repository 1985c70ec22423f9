/*
 * accum.h
 *		The states of the binary aggregates (accum.c) as building blocks:
 *		made, fed rows, merged and read by accum.c's own aggregates, and
 *		held one per fold by the cross-validation aggregates (cv_accum.c),
 *		so that the per-row loss formulas live in accum.c alone.
 *
 * A state is a float8 array of the layout documented at the top of
 * accum.c.  These functions trust it: callers validate a state
 * (hinge_binary_state_length) before handing it over.
 */
#ifndef HINGE_ACCUM_H
#define HINGE_ACCUM_H

#include "losses.h"
#include "vector.h"

/* Layout tags */
#define HINGE_STATE_OBJECTIVE		7301.0
#define HINGE_STATE_SUBGRADIENT		7302.0
#define HINGE_STATE_STATS			7303.0
#define HINGE_STATE_LINE			7304.0
#define HINGE_STATE_LINE_PLANES		7305.0
#define HINGE_STATE_LINE_PLANE		7306.0

/* hinge_line_planes keeps HINGE_LINE_POINTS x d sums: at most 32 x 65536 */
#define HINGE_LINE_PLANES_MAX_WEIGHTS	65536

/* The parameters that must be the same for every row of an aggregate */
typedef struct HingeBinaryParams
{
	HingeLoss	loss;
	float8		lambda;
	float8		gamma;
	float8		cpos;
	float8		cneg;
	int			point;			/* STATE_LINE_PLANE: the plane's grid point, 0-based */
} HingeBinaryParams;

extern void hinge_binary_check_params(HingeBinaryParams p, float8 tag, int d);
extern int	hinge_binary_state_size(float8 tag, int d);
extern int	hinge_binary_state_length(const float8 *st, float8 min_rows);
extern void hinge_binary_state_init(float8 *st, float8 tag, HingeBinaryParams p,
									int d, int n_features, const float8 *w);
extern void hinge_binary_check_same_params(const float8 *st, const HingeBinaryParams *p);
extern void hinge_binary_check_width(const float8 *st, int n_features);
extern const float8 *hinge_binary_weights(const float8 *st, int *d);
extern float8 hinge_binary_rows(const float8 *st);
extern HingeLoss hinge_binary_loss(const float8 *st, float8 *gamma);
extern void hinge_binary_accumulate(float8 *st, HingeVector x, float8 y);
extern void hinge_binary_merge(float8 *a, const float8 *b);
extern void hinge_binary_plane(const float8 *st, float8 *out);
extern void hinge_binary_line_objectives(const float8 *st, float8 *out);
extern void hinge_binary_line_planes(const float8 *st, float8 *out);

#endif							/* HINGE_ACCUM_H */
