/*
 * kernels.h
 *		The arithmetic of the hot loops, shared by the row functions, the
 *		aggregates and the solver: dot products, scores of weight rows,
 *		norms and compensated sums.  Pure computation: no checks, no errors;
 *		callers check results (finite.h).
 *
 * Dot products keep eight partial sums, element i going to sum i % 8,
 * added up pairwise at the end.  Eight independent sums break the serial
 * dependency on one accumulator and map onto SIMD registers, while the
 * order of every addition stays fixed: the same result whatever the vector
 * width, on every build for a given architecture.  GCC's and clang's vector
 * extensions make the SIMD explicit (-O2 does not vectorise a strict
 * floating-point reduction); other compilers get the same arithmetic in
 * scalar code.
 */
#ifndef HINGE_KERNELS_H
#define HINGE_KERNELS_H

#include <math.h>

#include "vector.h"
#include "wide_kernels.h"

#if defined(__GNUC__) || defined(__clang__)
#define HINGE_VECTOR_EXTENSIONS 1
typedef double hinge_v2df __attribute__((vector_size(16)));
typedef float hinge_v2sf __attribute__((vector_size(8)));

static inline hinge_v2df
hinge_load_f8(const float8 *p)
{
	hinge_v2df	v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline hinge_v2df
hinge_load_f4(const float4 *p)
{
	hinge_v2sf	v;

	memcpy(&v, p, sizeof(v));
	return __builtin_convertvector(v, hinge_v2df);
}
#endif

/* Eight partial sums s[0:8] added pairwise, in the order every kernel uses */
static inline float8
hinge_sum_lanes(const float8 *s)
{
	return ((s[0] + s[4]) + (s[2] + s[6])) + ((s[1] + s[5]) + (s[3] + s[7]));
}

/* The eight partial sums added pairwise, then the tail */
#define HINGE_DOT_BODY(LOAD_B) \
	int			i = 0; \
	float8		tail = 0.0; \
	HINGE_DOT_VECTOR(LOAD_B) \
	for (; i < n; i++) \
		tail += a[i] * (float8) b[i]; \
	return HINGE_DOT_SUM + tail

#ifdef HINGE_VECTOR_EXTENSIONS
#define HINGE_DOT_VECTOR(LOAD_B) \
	hinge_v2df	s0 = {0, 0}, s1 = {0, 0}, s2 = {0, 0}, s3 = {0, 0}; \
	for (; i + 8 <= n; i += 8) \
	{ \
		s0 += hinge_load_f8(a + i) * LOAD_B(b + i); \
		s1 += hinge_load_f8(a + i + 2) * LOAD_B(b + i + 2); \
		s2 += hinge_load_f8(a + i + 4) * LOAD_B(b + i + 4); \
		s3 += hinge_load_f8(a + i + 6) * LOAD_B(b + i + 6); \
	}
#define HINGE_DOT_SUM \
	(((s0[0] + s2[0]) + (s1[0] + s3[0])) + ((s0[1] + s2[1]) + (s1[1] + s3[1])))
#else
#define HINGE_DOT_VECTOR(LOAD_B) \
	float8		s[8] = {0}; \
	for (; i + 8 <= n; i += 8) \
		for (int l = 0; l < 8; l++) \
			s[l] += a[i + l] * (float8) b[i + l];
#define HINGE_DOT_SUM hinge_sum_lanes(s)
#endif

/* a[0:n] . b[0:n] */
static inline float8
hinge_dot_f8(const float8 *a, const float8 *b, int n)
{
	HINGE_DOT_BODY(hinge_load_f8);
}

/* a[0:n] . b[0:n] with single-precision b, each element widened exactly */
static inline float8
hinge_dot_f8_f4(const float8 *a, const float4 *b, int n)
{
	HINGE_DOT_BODY(hinge_load_f4);
}

/*
 * w . x for a sparse x of dimension n: its nnz stored elements, at their
 * positions in w.  Each product goes to the partial sum the dense kernels
 * above give its position (i % 8 below the last multiple of 8, the tail
 * after it), added up in their order: the zeros the dense form adds change
 * no sum, so the result is bit for bit that of the same row as float8[] (or
 * real[], whose elements a hinge_sparse holds widened exactly), and sparse
 * and dense rows train the same model.
 */
static inline float8
hinge_dot_sparse(const float8 *w, const int32 *index, const float8 *values, int nnz,
				 int n)
{
	float8		s[8] = {0};
	float8		tail = 0.0;
	int32		vector_end = n & ~7;
	int			k = 0;

	for (; k < nnz && index[k] < vector_end; k++)
		s[index[k] & 7] += w[index[k]] * values[k];
	for (; k < nnz; k++)
		tail += w[index[k]] * values[k];
	return hinge_sum_lanes(s) + tail;
}

/* w[0:n] . x, with x dense float8 or float4 (n of its elements), or sparse */
static inline float8
hinge_dot(const float8 *w, HingeVector x, int n)
{
	switch (x.kind)
	{
		case HINGE_DENSE_FLOAT4:
			return hinge_dot_f8_f4(w, (const float4 *) x.data, n);
		case HINGE_SPARSE:
			Assert(n == x.n);
			return hinge_dot_sparse(w, x.index, (const float8 *) x.data, x.nnz, n);
		default:
			return hinge_dot_f8(w, (const float8 *) x.data, n);
	}
}

/* The intercept w[d] when the row of weights has one element more than x */
static inline float8
hinge_row_intercept(const float8 *w, int cols, HingeVector x)
{
	return cols > x.n ? w[x.n] : 0.0;
}

/* The score of x under one row of weights w[0:cols]: w[0:d].x, plus the intercept */
static inline float8
hinge_row_score(const float8 *w, int cols, HingeVector x)
{
	return hinge_dot(w, x, x.n) + hinge_row_intercept(w, cols, x);
}

/*
 * The scores of x under two rows of weights, *score_a under w_a and
 * *score_b under w_b, each bit for bit hinge_row_score's.  A sparse row is
 * read once for both: its positions and values are loaded once, and the two
 * weight vectors' loads, at random positions, overlap.
 */
static inline void
hinge_row_score_pair(const float8 *w_a, const float8 *w_b, int cols, HingeVector x,
					 float8 *score_a, float8 *score_b)
{
	if (x.kind == HINGE_SPARSE)
	{
		const float8 *values = (const float8 *) x.data;
		float8		a[8] = {0},
					b[8] = {0};
		float8		tail_a = 0.0,
					tail_b = 0.0;
		int32		vector_end = x.n & ~7;
		int			k = 0;

		for (; k < x.nnz && x.index[k] < vector_end; k++)
		{
			int32		j = x.index[k];

			a[j & 7] += w_a[j] * values[k];
			b[j & 7] += w_b[j] * values[k];
		}
		for (; k < x.nnz; k++)
		{
			tail_a += w_a[x.index[k]] * values[k];
			tail_b += w_b[x.index[k]] * values[k];
		}
		*score_a = hinge_sum_lanes(a) + tail_a + hinge_row_intercept(w_a, cols, x);
		*score_b = hinge_sum_lanes(b) + tail_b + hinge_row_intercept(w_b, cols, x);
		return;
	}
	*score_a = hinge_row_score(w_a, cols, x);
	*score_b = hinge_row_score(w_b, cols, x);
}

/*
 * scores[r] = the score of x under row r of the rows x cols matrix W, for
 * every row.  Returns false when a score is not finite.
 */
static inline bool
hinge_row_scores(const float8 *W, int rows, int cols, HingeVector x,
				 float8 *scores)
{
	bool		all_finite = true;
	int			r;

	for (r = 0; r < rows; r++)
	{
		scores[r] = hinge_row_score(W + (Size) r * cols, cols, x);
		all_finite &= isfinite(scores[r]);
	}
	return all_finite;
}

/*
 * w[0:cols] += a (x, 1): a row of weights moved along a row of features,
 * and its intercept w[x.n] by a when the row has one element more than x.
 * Plain sums, for the steps of solvers whose iterates need no certificate
 * (Pegasos, dual coordinate descent).
 */
static inline void
hinge_add_row(float8 *w, int cols, float8 a, HingeVector x)
{
	int			k;

	if (x.kind == HINGE_SPARSE)
	{
		const float8 *values = (const float8 *) x.data;

		for (k = 0; k < x.nnz; k++)
			w[x.index[k]] += a * values[k];
	}
	else
		for (k = 0; k < x.n; k++)
			w[k] += a * hinge_vector_get(x, k);
	if (cols > x.n)
		w[x.n] += a;
}

/* x . x, the sum of the squares of x's stored elements */
static inline float8
hinge_squared_length(HingeVector x)
{
	float8		sum = 0.0;
	int			k;

	for (k = 0; k < hinge_vector_stored(x); k++)
	{
		float8		v = hinge_vector_stored_value(x, k);

		sum += v * v;
	}
	return sum;
}

/*
 * Euclidean norm of v[0:n], scaled by the largest magnitude first so that
 * weights near the float8 limits neither overflow nor underflow.
 */
static inline float8
hinge_norm(const float8 *v, int n)
{
	float8		scale = 0.0;
	float8		sum = 0.0;
	int			i;

	for (i = 0; i < n; i++)
		scale = fmax(scale, fabs(v[i]));
	if (scale == 0.0)
		return 0.0;
	for (i = 0; i < n; i++)
	{
		float8		t = v[i] / scale;

		sum += t * t;
	}
	return scale * sqrt(sum);
}

/*
 * Compensated summation: *sum + *comp carries the sum of all values added
 * with about one rounding in total, whatever their order.  Each addition's
 * exact rounding error goes to *comp, computed by Knuth's TwoSum, which
 * needs no comparison: Neumaier's form (the same error, from whichever of
 * the two is larger) branched on the magnitudes, and scattering a sparse
 * row into a subgradient mispredicted that branch.
 */
static inline void
hinge_compensated_add(float8 *sum, float8 *comp, float8 value)
{
	float8		s = *sum;
	float8		t = s + value;
	float8		value_part = t - s;

	*comp += (s - (t - value_part)) + (value - value_part);
	*sum = t;
}

/*
 * sum[j] + comp[j] += coef * x[j] for j < n, compensated as above: the
 * accumulation of a row into a subgradient.  Elements are independent, so
 * the SIMD version does exactly what the scalar loop does (the same TwoSum).
 */
static inline void
hinge_compensated_axpy(float8 *sum, float8 *comp, float8 coef, HingeVector x)
{
	int			j = 0;

#ifdef HINGE_VECTOR_EXTENSIONS
	const hinge_v2df c = {coef, coef};
#endif

	if (x.kind == HINGE_SPARSE)
	{
		const float8 *values = (const float8 *) x.data;
		int			k;

		for (k = 0; k < x.nnz; k++)
			hinge_compensated_add(&sum[x.index[k]], &comp[x.index[k]], coef * values[k]);
		return;
	}

#ifdef HINGE_WIDE_KERNELS
	if (hinge_wide_kernels_usable())
	{
		if (x.kind == HINGE_DENSE_FLOAT4)
			hinge_wide_compensated_axpy_f4(sum, comp, coef, (const float4 *) x.data, x.n);
		else
			hinge_wide_compensated_axpy_f8(sum, comp, coef, (const float8 *) x.data, x.n);
		return;
	}
#endif

#ifdef HINGE_VECTOR_EXTENSIONS
	for (; j + 2 <= x.n; j += 2)
	{
		hinge_v2df	v = c * (x.kind == HINGE_DENSE_FLOAT4 ? hinge_load_f4((const float4 *) x.data + j)
							 : hinge_load_f8((const float8 *) x.data + j));
		hinge_v2df	s = hinge_load_f8(sum + j);
		hinge_v2df	t = s + v;
		hinge_v2df	v_part = t - s;
		hinge_v2df	cj = hinge_load_f8(comp + j) + ((s - (t - v_part)) + (v - v_part));

		memcpy(sum + j, &t, sizeof(t));
		memcpy(comp + j, &cj, sizeof(cj));
	}
#endif
	for (; j < x.n; j++)
		hinge_compensated_add(&sum[j], &comp[j], coef * hinge_vector_get(x, j));
}

/*
 * The accumulation of a row into the subgradient of a row of weights of
 * cols columns: coef * x, and coef for the intercept when there is one.
 */
static inline void
hinge_compensated_add_row(float8 *sum, float8 *comp, int cols, float8 coef,
						  HingeVector x)
{
	hinge_compensated_axpy(sum, comp, coef, x);
	if (cols > x.n)
		hinge_compensated_add(&sum[x.n], &comp[x.n], coef);
}

/* Adds compensated sums (sum2, comp2)[0:n] into (sum, comp)[0:n] */
static inline void
hinge_compensated_merge(float8 *sum, float8 *comp, const float8 *sum2,
						const float8 *comp2, int n)
{
	int			i;

	for (i = 0; i < n; i++)
	{
		hinge_compensated_add(&sum[i], &comp[i], sum2[i]);
		comp[i] += comp2[i];
	}
}

#endif							/* HINGE_KERNELS_H */
