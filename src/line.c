/*
 * line.c
 *		The line search grid (line.h).
 */
#include "postgres.h"

#include "line.h"

/*
 * Denser below 1, where the bundle method's step usually lands, and down to
 * 1/1024: at small lambda the model's minimiser lies far beyond the
 * optimum's neighbourhood and the best step is often under 1/128 (a9a at
 * lambda 1e-5: the best point of 54 lines in 95 was 1/128 or none).  With
 * 1/1024 to 3/256 in place of 9/16, 11/16, 13/16, 15/16 (measured at
 * f433552, sweeps in memory, tolerance 1e-3): a9a 19, 42, 95 became 19, 34,
 * 60 at lambda 1e-3, 1e-4, 1e-5; digits 49, 100, 157 became 51, 85, 128;
 * breast cancer 34, 66, 67 became 34, 66, 63; Crammer-Singer 100,000 x 50 x
 * 10 at 1e-4: 27 became 12.
 */
const float8 hinge_line_alphas[HINGE_LINE_POINTS] = {
	1.0 / 1024, 1.0 / 512, 1.0 / 256, 1.0 / 128, 3.0 / 256, 1.0 / 64, 1.0 / 32,
	1.0 / 16, 2.0 / 16, 3.0 / 16, 4.0 / 16, 5.0 / 16, 6.0 / 16, 7.0 / 16, 8.0 / 16,
	10.0 / 16, 12.0 / 16, 14.0 / 16, 1.0,
	17.0 / 16, 18.0 / 16, 19.0 / 16, 20.0 / 16, 21.0 / 16, 22.0 / 16, 23.0 / 16, 24.0 / 16,
	2.0, 3.0, 4.0, 6.0, 8.0
};
