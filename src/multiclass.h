/*
 * multiclass.h
 *		The multiclass hinge losses of one row (multiclass.c), shared by the
 *		row functions and the aggregates (multiclass_accum.c).
 */
#ifndef HINGE_MULTICLASS_H
#define HINGE_MULTICLASS_H

#include "compat.h"

typedef enum HingeMulticlassVariant
{
	HINGE_CRAMMER_SINGER,		/* max over wrong classes */
	HINGE_WESTON_WATKINS		/* sum over wrong classes */
} HingeMulticlassVariant;

extern HingeMulticlassVariant hinge_multiclass_variant(const char *name);
extern int	hinge_multiclass_variant_code(const char *name);
extern float8 hinge_multiclass_loss(const float8 *scores, int k, int label,
									HingeMulticlassVariant variant,
									float8 margin, float8 *grad);

#endif							/* HINGE_MULTICLASS_H */
