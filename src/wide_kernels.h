/*
 * wide_kernels.h
 *		Kernels on four doubles at a time where the CPU has AVX2, chosen at
 *		run time (wide_kernels.c); x86-64 with GCC or clang.
 */
#ifndef HINGE_WIDE_KERNELS_H
#define HINGE_WIDE_KERNELS_H

extern void hinge_wide_kernels_define_setting(void);

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define HINGE_WIDE_KERNELS 1
extern bool hinge_wide_kernels_usable(void);
extern void hinge_wide_compensated_axpy_f8(float8 *sum, float8 *comp, float8 coef,
										   const float8 *x, int n);
extern void hinge_wide_compensated_axpy_f4(float8 *sum, float8 *comp, float8 coef,
										   const float4 *x, int n);
#endif

#endif							/* HINGE_WIDE_KERNELS_H */
