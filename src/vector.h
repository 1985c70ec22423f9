/*
 * vector.h
 *		Validated views of array arguments, and new float8[] results.
 *
 * A HingeVector is a row of features (or of weights) as the kernels read
 * it, whatever array type it came in: float8[], or real[] (the type that
 * pgvector's vector casts to), read in place without conversion.
 */
#ifndef HINGE_VECTOR_H
#define HINGE_VECTOR_H

#include "compat.h"

#include "utils/array.h"

/*
 * Largest vector (or matrix) hinge accepts: 10 million elements, 80 MB of
 * float8.  PostgreSQL's own 1 GB limit already bounds arrays; this keeps any
 * buffer hinge allocates in proportion to its input well below it.
 */
#define HINGE_MAX_ELEMENTS	10000000

/* A one-dimensional vector of n elements: float8, or float4 */
typedef struct HingeVector
{
	int			n;				/* number of elements, >= 1 */
	bool		is_float4;		/* real[] rather than float8[] */
	const void *data;			/* n float8 or n float4 */
} HingeVector;

static inline float8
hinge_vector_get(HingeVector v, int i)
{
	return v.is_float4 ? (float8) ((const float4 *) v.data)[i]
		: ((const float8 *) v.data)[i];
}

/* A float8 vector viewing n elements at data */
static inline HingeVector
hinge_float8_vector(const float8 *data, int n)
{
	HingeVector v = {n, false, data};

	return v;
}

/* A two-dimensional float8 array: rows x cols, row-major */
typedef struct HingeMatrix
{
	int			rows;
	int			cols;
	const float8 *data;
} HingeMatrix;

/* vector.c: new zero-filled float8 arrays, *data pointing at the elements */
extern ArrayType *hinge_new_float8_array(int n, float8 **data);
extern ArrayType *hinge_new_float8_matrix(int rows, int cols, float8 **data);

#endif							/* HINGE_VECTOR_H */
