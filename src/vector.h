/*
 * vector.h
 *		Validated views of array arguments, and new float8[] results.
 *
 * A HingeVector is a row of features (or of weights) as the kernels read
 * it, whatever type it came in: float8[], real[] (the type that pgvector's
 * vector casts to) or hinge_sparse, read in place without conversion.
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

/*
 * A vector of n elements: dense float8 or float4, or sparse (hinge_sparse,
 * sparse.h): nnz stored elements, at ascending 0-based positions index[],
 * every other element 0.
 */
typedef enum HingeVectorKind
{
	HINGE_DENSE_FLOAT8,
	HINGE_DENSE_FLOAT4,
	HINGE_SPARSE
} HingeVectorKind;

typedef struct HingeVector
{
	int			n;				/* number of elements (the dimension), >= 1 */
	HingeVectorKind kind;
	const void *data;			/* n float8 or n float4; sparse: nnz float8 */
	int			nnz;			/* sparse: elements stored */
	const int32 *index;			/* sparse: their positions */
} HingeVector;

/* Element i of a dense vector */
static inline float8
hinge_vector_get(HingeVector v, int i)
{
	Assert(v.kind != HINGE_SPARSE);
	return v.kind == HINGE_DENSE_FLOAT4 ? (float8) ((const float4 *) v.data)[i]
		: ((const float8 *) v.data)[i];
}

/* The number of elements stored: n, or a sparse vector's nnz */
static inline int
hinge_vector_stored(HingeVector v)
{
	return v.kind == HINGE_SPARSE ? v.nnz : v.n;
}

/* Stored element k (element i = index[k] of a sparse vector, else k) */
static inline float8
hinge_vector_stored_value(HingeVector v, int k)
{
	return v.kind == HINGE_SPARSE ? ((const float8 *) v.data)[k] : hinge_vector_get(v, k);
}

static inline int
hinge_vector_stored_position(HingeVector v, int k)
{
	return v.kind == HINGE_SPARSE ? v.index[k] : k;
}

/*
 * The most bytes below a row hinge_prefetch_next_row asks for: a row
 * stored in its page is at most about 2 kB (longer values are TOASTed).
 */
#define HINGE_PREFETCH_MAX_BYTES 2048

/*
 * Asks the CPU to start reading the row a scan will give next, while this
 * one is computed.  A heap page holds its tuples one below the other in
 * the order a sequential scan returns them (PostgreSQL fills a page from
 * its end), so the next row's bytes lie just below this one's: raw is the
 * datum as the scan passed it (a pointer into the page; not detoasted),
 * and as many bytes below it as it has are asked for.  Without this, every
 * row of a pass waits for memory and only then computes; with it, the two
 * overlap.  Anywhere else (a row detoasted into memory of its own, a page's
 * last row, a table whose rows were moved about) it asks for bytes no one
 * reads: a prefetch never faults, and changes nothing but timing.  (Always
 * inlined: as a function of its own GCC finds it has no effect, since a
 * prefetch has none, and drops the call.)
 */
static pg_attribute_always_inline void
hinge_prefetch_next_row(const void *raw)
{
#if defined(__GNUC__) || defined(__clang__)
	const char *p = (const char *) raw;
	Size		bytes = Min(VARSIZE_ANY(raw), HINGE_PREFETCH_MAX_BYTES);
	Size		offset;

	for (offset = 64; offset <= bytes + 63; offset += 64)
		__builtin_prefetch(p - offset);
#endif
}

/* A float8 vector viewing n elements at data */
static inline HingeVector
hinge_float8_vector(const float8 *data, int n)
{
	HingeVector v = {n, HINGE_DENSE_FLOAT8, data, 0, NULL};

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
