/*
 * line.c
 *		The line search grid (line.h).
 */
#include "postgres.h"

#include "line.h"

/* denser below 1, where the bundle method's step usually lands */
const float8 hinge_line_alphas[HINGE_LINE_POINTS] = {
	1.0 / 128, 1.0 / 64, 1.0 / 32,
	1.0 / 16, 2.0 / 16, 3.0 / 16, 4.0 / 16, 5.0 / 16, 6.0 / 16, 7.0 / 16, 8.0 / 16,
	9.0 / 16, 10.0 / 16, 11.0 / 16, 12.0 / 16, 13.0 / 16, 14.0 / 16, 15.0 / 16, 1.0,
	17.0 / 16, 18.0 / 16, 19.0 / 16, 20.0 / 16, 21.0 / 16, 22.0 / 16, 23.0 / 16, 24.0 / 16,
	2.0, 3.0, 4.0, 6.0, 8.0
};
