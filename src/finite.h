/*
 * finite.h
 *		hinge's one policy for NaN, infinity and overflow.
 *
 * Every numeric input must be finite.  NaN or +/-Infinity in a scalar, a
 * weight, a feature or a score is an ERROR (22023), never a NaN result.
 * Finite inputs whose result overflows float8 raise 22003, as float8
 * arithmetic does.  Dot products check their result instead of every
 * element: a non-finite element always makes the sum non-finite (NaN * w is
 * NaN, Inf * 0 is NaN, Inf * w is +/-Inf), so only the rare failing call
 * pays for a second scan that names the culprit.
 */
#ifndef HINGE_FINITE_H
#define HINGE_FINITE_H

#include <math.h>

#include "vector.h"

pg_noreturn extern void hinge_overflow_error(void);
pg_noreturn extern void hinge_report_nonfinite(HingeVector a, const char *a_what,
											   HingeVector b, const char *b_what);
extern void hinge_check_finite(float8 value, const char *what);
extern void hinge_check_finite_vector(HingeVector v, const char *what);
extern char *hinge_number_text(float8 value);

/* Results of finite inputs: a non-finite one is an overflow (inline: hot) */
static inline float8
hinge_check_result(float8 result)
{
	if (unlikely(!isfinite(result)))
		hinge_overflow_error();
	return result;
}

#endif							/* HINGE_FINITE_H */
