/*
 * wide_kernels.c
 *		The compensated accumulation of a dense row (kernels.h) on four
 *		doubles at a time, where the CPU has AVX2.
 *
 * The build targets the x86-64 baseline (SSE2: two doubles a register);
 * almost every x86-64 server since 2013 has AVX2.  The accumulation of a row
 * into a subgradient is the aggregates' heaviest work after the dot product
 * (a pass of hinge_line_planes does it up to twice a row), and its
 * elements are independent, so four lanes do exactly what two do: the
 * same operations on each element, in the same order, with no fused
 * multiply-add (AVX2 alone has none to contract into).  Results are the
 * same to the bit on every x86-64 CPU; only the speed differs.
 */
#include "postgres.h"

#include "utils/guc.h"

#include "kernels.h"

/*
 * hinge.wide_kernels: on, the wide kernels run where the CPU has them; off,
 * the baseline ones always do (the same results; for tests and for
 * measuring the difference).
 */
static bool wide_kernels_setting = true;

void
hinge_wide_kernels_define_setting(void)
{
	DefineCustomBoolVariable("hinge.wide_kernels",
							 "Accumulate rows four doubles at a time where the CPU has AVX2.",
							 "The results are the same to the bit either way; off runs the two-double kernels of the x86-64 baseline, more slowly.",
							 &wide_kernels_setting, true,
							 PGC_USERSET, GUC_NOT_IN_SAMPLE, NULL, NULL, NULL);
}

#ifdef HINGE_WIDE_KERNELS

typedef double hinge_v4df __attribute__((vector_size(32)));
typedef float hinge_v4sf __attribute__((vector_size(16)));

/* Is AVX2 there (asked once per process), and are the wide kernels on? */
bool
hinge_wide_kernels_usable(void)
{
	static int	cpu_has_avx2 = -1;

	if (cpu_has_avx2 < 0)
	{
		__builtin_cpu_init();
		cpu_has_avx2 = __builtin_cpu_supports("avx2") ? 1 : 0;
	}
	return cpu_has_avx2 == 1 && wide_kernels_setting;
}

/*
 * sum[j] + comp[j] += coef * x[j] for j < n (x float8, or float4 widened
 * exactly), compensated by Knuth's TwoSum as hinge_compensated_add is, so
 * the result is that of the scalar loop bit for bit.
 */
#define WIDE_AXPY_BODY(LOAD_X) \
	const hinge_v4df c = {coef, coef, coef, coef}; \
	int			j = 0; \
	for (; j + 4 <= n; j += 4) \
	{ \
		hinge_v4df	v = c * LOAD_X(x + j); \
		hinge_v4df	s; \
		hinge_v4df	cj; \
		hinge_v4df	t; \
		hinge_v4df	v_part; \
		memcpy(&s, sum + j, sizeof(s)); \
		memcpy(&cj, comp + j, sizeof(cj)); \
		t = s + v; \
		v_part = t - s; \
		cj += (s - (t - v_part)) + (v - v_part); \
		memcpy(sum + j, &t, sizeof(t)); \
		memcpy(comp + j, &cj, sizeof(cj)); \
	} \
	for (; j < n; j++) \
		hinge_compensated_add(&sum[j], &comp[j], coef * (float8) x[j])

static inline __attribute__((target("avx2"), always_inline)) hinge_v4df
load_v4_f8(const float8 *p)
{
	hinge_v4df	v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline __attribute__((target("avx2"), always_inline)) hinge_v4df
load_v4_f4(const float4 *p)
{
	hinge_v4sf	v;

	memcpy(&v, p, sizeof(v));
	return __builtin_convertvector(v, hinge_v4df);
}

__attribute__((target("avx2"))) void
hinge_wide_compensated_axpy_f8(float8 *sum, float8 *comp, float8 coef,
							   const float8 *x, int n)
{
	WIDE_AXPY_BODY(load_v4_f8);
}

__attribute__((target("avx2"))) void
hinge_wide_compensated_axpy_f4(float8 *sum, float8 *comp, float8 coef,
							   const float4 *x, int n)
{
	WIDE_AXPY_BODY(load_v4_f4);
}

#endif							/* HINGE_WIDE_KERNELS */
