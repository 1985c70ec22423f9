/*
 * array.c
 *		Building float8[] results.
 *
 * construct_array() wants one Datum per element; results here are computed
 * straight into the array's storage instead, which saves a copy and a
 * temporary the size of the result.
 */
#include "postgres.h"

#include "catalog/pg_type.h"

#include "hinge.h"

/* A new zero-filled 1-D float8[] of n elements; *data points at them */
ArrayType *
hinge_new_float8_array(int n, float8 **data)
{
	Size		nbytes = ARR_OVERHEAD_NONULLS(1) + sizeof(float8) * (Size) n;
	ArrayType  *result;

	Assert(n > 0 && n <= HINGE_MAX_ELEMENTS);
	result = (ArrayType *) palloc0(nbytes);
	SET_VARSIZE(result, nbytes);
	result->ndim = 1;
	result->dataoffset = 0;		/* no NULL bitmap */
	result->elemtype = FLOAT8OID;
	ARR_DIMS(result)[0] = n;
	ARR_LBOUND(result)[0] = 1;
	*data = (float8 *) ARR_DATA_PTR(result);
	return result;
}
