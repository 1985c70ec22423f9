/*
 * hinge.h
 *		Shared declarations for the hinge extension: the input validator that
 *		every SQL-callable function runs first, and the small inline kernels
 *		(dot products, norms) that the hot loops share.
 *
 * Policy, stated once for the whole extension (README, "NaN and infinity"):
 * every numeric input must be finite.  NaN or +/-Infinity in a scalar, a
 * weight, a feature or a score is an ERROR (22023), never a NaN result.
 * Finite inputs whose result overflows float8 raise 22003, as float8
 * arithmetic does.  Dot products check their result instead of every
 * element: a non-finite element always makes the sum non-finite (NaN * w is
 * NaN, Inf * 0 is NaN, Inf * w is +/-Inf), so only the rare failing call
 * pays for a second scan that names the culprit.
 */
#ifndef HINGE_H
#define HINGE_H

#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "utils/array.h"

/*
 * Largest vector (or matrix) hinge accepts: 10 million elements, 80 MB of
 * float8.  PostgreSQL's own 1 GB limit already bounds arrays; this keeps any
 * buffer hinge allocates in proportion to its input well below it.
 */
#define HINGE_MAX_ELEMENTS	10000000

/* A validated one-dimensional array: its length and typed data pointer. */
typedef struct HingeVector
{
	int			n;				/* number of elements, >= 1 */
	bool		is_float4;		/* real[] rather than float8[] */
	const void *data;			/* n float8 or n float4 */
} HingeVector;

/* A validated two-dimensional float8 array: rows x cols, row-major. */
typedef struct HingeMatrix
{
	int			rows;
	int			cols;
	const float8 *data;
} HingeMatrix;

/* Multiclass hinge variants (multiclass.c) */
typedef enum HingeMulticlassVariant
{
	HINGE_CRAMMER_SINGER,		/* max over wrong classes */
	HINGE_WESTON_WATKINS		/* sum over wrong classes */
} HingeMulticlassVariant;

extern HingeMulticlassVariant hinge_multiclass_variant(text *name);
extern float8 hinge_multiclass_loss(const float8 *scores, int k, int label,
									HingeMulticlassVariant variant,
									float8 margin, float8 *grad);

/* validate.c: the one validator, used by every entry point */
extern HingeVector hinge_vector_arg(ArrayType *array, const char *what);
extern HingeMatrix hinge_matrix_arg(ArrayType *array, const char *what);
extern void hinge_check_finite_vector(HingeVector v, const char *what);
extern void hinge_check_finite(float8 value, const char *what);
extern void hinge_check_label(float8 y);
extern void hinge_check_class_label(int32 label, int n_classes);
extern void hinge_check_margin(float8 margin);
extern void hinge_check_positive(float8 value, const char *what,
								 const char *hint);
extern void hinge_check_nonnegative(float8 value, const char *what,
									const char *hint);
extern bool hinge_has_intercept(int n_weights, int n_features,
								const char *weights_what);
extern void hinge_report_nonfinite(HingeVector a, const char *a_what,
								   HingeVector b, const char *b_what)
			pg_attribute_noreturn();
extern float8 hinge_check_result(float8 result);

/* array.c: a new zero-filled one-dimensional float8[] and its data */
extern ArrayType *hinge_new_float8_array(int n, float8 **data);
extern ArrayType *hinge_new_float8_matrix(int rows, int cols, float8 **data);

/*
 * state.c: aggregate states (float8[] with a layout tag first) and the
 * per-query cache that lets a transition function skip re-reading weights
 * that have not changed since the previous row.
 */
typedef struct HingeArgCache
{
	bool		valid;			/* validated at least once */
	bool		constant;		/* the weights are a constant of the query */
	ArrayType  *state;			/* state they were last checked against */
	Size		raw_size;		/* raw (possibly TOASTed) bytes last seen */
	Size		raw_capacity;
	char	   *raw;
	float8	   *scratch;		/* per-row working space, reused */
	int			scratch_length;
} HingeArgCache;

extern bool hinge_weights_unchanged(FunctionCallInfo fcinfo, int argno,
									ArrayType *state);
extern void hinge_weights_validated(FunctionCallInfo fcinfo, int argno,
									ArrayType *state);
extern float8 *hinge_scratch(FunctionCallInfo fcinfo, int n);
extern float8 *hinge_state_data(ArrayType *state, float8 tag, int header_length,
								int (*expected_length) (const float8 *header));
extern void hinge_state_corrupt(void) pg_attribute_noreturn();
extern bool hinge_state_is_empty(ArrayType *state);
extern ArrayType *hinge_state_new(int n, float8 **data);
extern ArrayType *hinge_state_for_update(FunctionCallInfo fcinfo, int argno);
extern void hinge_compensated_merge(float8 *sum, float8 *comp,
									const float8 *sum2, const float8 *comp2,
									int n);

/*
 * Neumaier's compensated summation: *sum + *comp carries the sum of all
 * values added with about one rounding in total, whatever their order.
 */
static inline void
hinge_compensated_add(float8 *sum, float8 *comp, float8 value)
{
	float8		s = *sum;
	float8		t = s + value;

	*comp += fabs(s) >= fabs(value) ? (s - t) + value : (value - t) + s;
	*sum = t;
}

/* score.c: the score w[1:d].x (+ w[d+1]) used by scoring and aggregates */
extern float8 hinge_score_vectors(HingeVector w, HingeVector x);
extern float8 hinge_norm(const float8 *v, int n);

static inline float8
hinge_vector_get(HingeVector v, int i)
{
	return v.is_float4 ? (float8) ((const float4 *) v.data)[i]
		: ((const float8 *) v.data)[i];
}

/*
 * Dot products with four independent partial sums: that breaks the serial
 * dependency on one accumulator (about 3x faster at -O2 without
 * -ffast-math) while the order of summation stays fixed, so results are
 * the same on every build.
 */
static inline float8
hinge_dot_f8(const float8 *a, const float8 *b, int n)
{
	float8		s0 = 0.0,
				s1 = 0.0,
				s2 = 0.0,
				s3 = 0.0;
	int			i = 0;

	for (; i + 4 <= n; i += 4)
	{
		s0 += a[i] * b[i];
		s1 += a[i + 1] * b[i + 1];
		s2 += a[i + 2] * b[i + 2];
		s3 += a[i + 3] * b[i + 3];
	}
	for (; i < n; i++)
		s0 += a[i] * b[i];
	return (s0 + s1) + (s2 + s3);
}

static inline float8
hinge_dot_f8_f4(const float8 *a, const float4 *b, int n)
{
	float8		s0 = 0.0,
				s1 = 0.0,
				s2 = 0.0,
				s3 = 0.0;
	int			i = 0;

	for (; i + 4 <= n; i += 4)
	{
		s0 += a[i] * (float8) b[i];
		s1 += a[i + 1] * (float8) b[i + 1];
		s2 += a[i + 2] * (float8) b[i + 2];
		s3 += a[i + 3] * (float8) b[i + 3];
	}
	for (; i < n; i++)
		s0 += a[i] * (float8) b[i];
	return (s0 + s1) + (s2 + s3);
}

/* w[0:n] . x, with x float8 or float4 */
static inline float8
hinge_dot(const float8 *w, HingeVector x, int n)
{
	return x.is_float4 ? hinge_dot_f8_f4(w, (const float4 *) x.data, n)
		: hinge_dot_f8(w, (const float8 *) x.data, n);
}

#endif							/* HINGE_H */
