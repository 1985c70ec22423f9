/*
 * vector.c
 *		Building float8[] results.
 *
 * construct_array() wants one Datum per element; results here are computed
 * straight into the array's storage instead, which saves a copy and a
 * temporary the size of the result.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "utils/memutils.h"

#include "vector.h"

/* A new zero-filled float8[] of ndim (1 or 2) dimensions */
static ArrayType *
new_float8_array(int ndim, const int *dims, float8 **data)
{
	Size		n = ndim == 1 ? (Size) dims[0] : (Size) dims[0] * dims[1];
	Size		nbytes = ARR_OVERHEAD_NONULLS(ndim) + sizeof(float8) * n;
	ArrayType  *result;
	int			i;

	Assert(n > 0 && n <= MaxAllocSize / sizeof(float8));
	result = (ArrayType *) palloc0(nbytes);
	SET_VARSIZE(result, nbytes);
	result->ndim = ndim;
	result->dataoffset = 0;		/* no NULL bitmap */
	result->elemtype = FLOAT8OID;
	for (i = 0; i < ndim; i++)
	{
		ARR_DIMS(result)[i] = dims[i];
		ARR_LBOUND(result)[i] = 1;
	}
	*data = (float8 *) ARR_DATA_PTR(result);
	return result;
}

/* A new zero-filled 1-D float8[] of n elements; *data points at them */
ArrayType *
hinge_new_float8_array(int n, float8 **data)
{
	return new_float8_array(1, &n, data);
}

/* A new zero-filled rows x cols float8[][], row-major */
ArrayType *
hinge_new_float8_matrix(int rows, int cols, float8 **data)
{
	int			dims[2] = {rows, cols};

	return new_float8_array(2, dims, data);
}
