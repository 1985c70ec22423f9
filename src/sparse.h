/*
 * sparse.h
 *		hinge_sparse: a vector of dim elements of which only the non-zero
 *		ones are stored, as (position, value) pairs in ascending position,
 *		for rows of many features and few non-zeros (text, one-hot codes,
 *		libsvm files).  Text form {i:v,...}/dim, 1-based, as pgvector's
 *		sparsevec writes it.
 *
 * A hinge_sparse keeps a magic number where an array keeps its number of
 * dimensions (at most 6), so the one entry point of a function declared for
 * float8[], real[] and hinge_sparse tells them apart (hinge_vector_arg).
 */
#ifndef HINGE_SPARSE_H
#define HINGE_SPARSE_H

#include "vector.h"

#define HINGE_SPARSE_MAGIC	((int32) 0x48535053)	/* "HSPS" */

typedef struct HingeSparse
{
	int32		vl_len_;		/* varlena header (do not touch directly) */
	int32		magic;			/* HINGE_SPARSE_MAGIC, where ArrayType has ndim */
	int32		dim;			/* elements, 1 .. HINGE_MAX_ELEMENTS */
	int32		nnz;			/* stored elements, 0 .. dim */
	int32		index[FLEXIBLE_ARRAY_MEMBER];	/* 0-based, ascending; then the
												 * values, 8-byte aligned */
} HingeSparse;

#define HINGE_SPARSE_VALUES_OFFSET(nnz) \
	MAXALIGN(offsetof(HingeSparse, index) + sizeof(int32) * (Size) (nnz))
#define HINGE_SPARSE_SIZE(nnz) \
	(HINGE_SPARSE_VALUES_OFFSET(nnz) + sizeof(float8) * (Size) (nnz))

static inline float8 *
hinge_sparse_values(HingeSparse *s)
{
	return (float8 *) ((char *) s + HINGE_SPARSE_VALUES_OFFSET(s->nnz));
}

/* Whether a detoasted argument declared as an array is a hinge_sparse */
static inline bool
hinge_is_sparse(const void *datum)
{
	return ((const HingeSparse *) datum)->magic == HINGE_SPARSE_MAGIC;
}

/* A HingeVector viewing s in place */
static inline HingeVector
hinge_sparse_vector(HingeSparse *s)
{
	HingeVector v = {s->dim, HINGE_SPARSE, hinge_sparse_values(s), s->nnz, s->index};

	return v;
}

/* sparse.c */
extern HingeSparse *hinge_sparse_new(int dim, int nnz);
extern HingeSparse *hinge_sparse_checked(HingeSparse *s, const char *what);
extern Oid	hinge_sparse_type(Oid namespace);
extern bool hinge_is_features_type(Oid type, Oid namespace);
extern const char *hinge_features_type_name(Oid type);

#endif							/* HINGE_SPARSE_H */
