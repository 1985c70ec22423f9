/*
 * sparse_floor.c
 *		The floor of bench/sparse.sh, not part of hinge: a bare sparse
 *		dot-product aggregate over hinge_sparse rows with no validation at
 *		all (no type, dimension or finiteness checks, no compensated sums),
 *		so that a pass of one of hinge's aggregates over the same rows can
 *		be compared with the least a pass that reads every stored element
 *		of every row, and one weight for each, must cost.  It uses hinge's
 *		own sparse dot product (kernels.h) and reads the row as hinge
 *		stores it (sparse.h): the same arithmetic as hinge_score's, and
 *		asks for the next row's bytes as hinge's aggregates do (vector.h).
 *
 * Built with PGXS in this directory and loaded by absolute path
 * (sparse_floor.sql), never installed.
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/array.h"

#include "kernels.h"
#include "sparse.h"

PG_MODULE_MAGIC;

/*
 * bench_sparse_dot_step(sum, w, x): sum + w.x, w a float8[] of x's
 * dimension (at least), x a hinge_sparse
 */
PG_FUNCTION_INFO_V1(bench_sparse_dot_step);
Datum
bench_sparse_dot_step(PG_FUNCTION_ARGS)
{
	float8		sum = PG_GETARG_FLOAT8(0);
	ArrayType  *w = PG_GETARG_ARRAYTYPE_P(1);
	HingeSparse *x;

	hinge_prefetch_next_row(DatumGetPointer(PG_GETARG_DATUM(2)));
	x = (HingeSparse *) PG_DETOAST_DATUM(PG_GETARG_DATUM(2));
	PG_RETURN_FLOAT8(sum + hinge_dot_sparse((const float8 *) ARR_DATA_PTR(w), x->index,
											hinge_sparse_values(x), x->nnz, x->dim));
}

/* bench_sparse_nnz(x): the number of stored elements, reading no element */
PG_FUNCTION_INFO_V1(bench_sparse_nnz);
Datum
bench_sparse_nnz(PG_FUNCTION_ARGS)
{
	HingeSparse *x = (HingeSparse *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));

	PG_RETURN_INT32(x->nnz);
}
