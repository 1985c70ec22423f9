/*
 * multiclass_accum.h
 *		The states of the multiclass and one-vs-rest aggregates
 *		(multiclass_accum.c) as building blocks: made, fed rows, merged and
 *		read by those aggregates, and held one per fold by the
 *		cross-validation aggregates (cv_accum.c), so that the per-row loss
 *		formulas live in multiclass_accum.c alone.
 *
 * A state is a float8 array of the layout documented at the top of
 * multiclass_accum.c.  These functions trust it: callers validate a state
 * (hinge_multiclass_state_length) before handing it over.
 */
#ifndef HINGE_MULTICLASS_ACCUM_H
#define HINGE_MULTICLASS_ACCUM_H

#include "vector.h"

/* Layout tags */
#define HINGE_STATE_MC_OBJECTIVE	7311.0
#define HINGE_STATE_MC_SUBGRADIENT	7312.0
#define HINGE_STATE_MC_LINE			7313.0
#define HINGE_STATE_OVR_PLANES		7314.0
#define HINGE_STATE_OVR_LINE		7315.0

/* The variant of one-vs-rest states (the others: HingeMulticlassVariant) */
#define HINGE_MC_ONE_VS_REST	2

extern int64 hinge_multiclass_state_size(float8 tag, int k, int cols);
extern int	hinge_multiclass_state_length(const float8 *st, float8 min_rows);
extern void hinge_multiclass_state_init(float8 *st, float8 tag, float8 variant,
										int k, int cols, int n_features,
										float8 lambda, const float8 *W,
										const float8 *class_weights);
extern void hinge_multiclass_check_width(const float8 *st, int n_features);
extern const float8 *hinge_multiclass_weights(const float8 *st, int *k, int *cols);
extern const float8 *hinge_multiclass_class_weights(const float8 *st);
extern float8 hinge_multiclass_rows(const float8 *st);
extern float8 hinge_multiclass_variant_of(const float8 *st);
extern float8 hinge_multiclass_lambda(const float8 *st);
extern void hinge_multiclass_accumulate(float8 *st, HingeVector x, int32 label,
										float8 *scratch);
extern void hinge_multiclass_merge(float8 *a, const float8 *b);
extern void hinge_multiclass_plane(const float8 *st, float8 *out);
extern void hinge_one_vs_rest_planes(const float8 *st, float8 *out);
extern void hinge_multiclass_line_objectives(const float8 *st, float8 *out);

#endif							/* HINGE_MULTICLASS_ACCUM_H */
