/*
 * floor.c
 *		The benchmarks' floor (bench/passes.sh), not part of hinge: a bare
 *		dot-product aggregate over float8[] rows, with no validation at all,
 *		so that a pass of one of hinge's aggregates can be compared with the
 *		least a pass that reads every element of every row must cost.  It
 *		uses hinge's own dot product (kernels.h), so the floor is the same
 *		arithmetic as hinge_score's.
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/array.h"

#include "kernels.h"

PG_MODULE_MAGIC;

/* bench_dot_step(sum, w, x): sum + w.x, w and x float8[] of x's length */
PG_FUNCTION_INFO_V1(bench_dot_step);
Datum
bench_dot_step(PG_FUNCTION_ARGS)
{
	float8		sum = PG_GETARG_FLOAT8(0);
	ArrayType  *w = PG_GETARG_ARRAYTYPE_P(1);
	ArrayType  *x;

	hinge_prefetch_next_row(DatumGetPointer(PG_GETARG_DATUM(2)));
	x = PG_GETARG_ARRAYTYPE_P(2);
	PG_RETURN_FLOAT8(sum + hinge_dot_f8((const float8 *) ARR_DATA_PTR(w),
										(const float8 *) ARR_DATA_PTR(x),
										ARR_DIMS(x)[0]));
}

/* bench_dot_plain_step: the same without asking for the next row */
PG_FUNCTION_INFO_V1(bench_dot_plain_step);
Datum
bench_dot_plain_step(PG_FUNCTION_ARGS)
{
	float8		sum = PG_GETARG_FLOAT8(0);
	ArrayType  *w = PG_GETARG_ARRAYTYPE_P(1);
	ArrayType  *x = PG_GETARG_ARRAYTYPE_P(2);

	PG_RETURN_FLOAT8(sum + hinge_dot_f8((const float8 *) ARR_DATA_PTR(w),
										(const float8 *) ARR_DATA_PTR(x),
										ARR_DIMS(x)[0]));
}
