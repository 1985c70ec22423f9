/*
 * rowset.h
 *		The rows of a training held in memory (rowset.c): gathered by one
 *		scan of the row source, within the memory budget
 *		hinge.in_memory_limit, for the in-memory oracle (memory_oracle.h).
 *
 * Rows keep the form the relation gives them: dense float8 or float4 rows
 * as one row-major matrix, sparse rows as CSR (row_start into index and
 * values).  A binary label is y = -1 or +1; a multiclass one, its 0-based
 * class.  fold, when not NULL, gives each row's fold, for problems that
 * leave a fold out (cross-validation).
 */
#ifndef HINGE_ROWSET_H
#define HINGE_ROWSET_H

#include "source.h"
#include "vector.h"

typedef struct HingeRowSet
{
	int64		n;				/* rows */
	int			n_features;
	HingeVectorKind kind;
	void	   *dense;			/* n x n_features float8 or float4 */
	int64	   *row_start;		/* sparse: n + 1 offsets */
	int32	   *index;
	float8	   *values;
	float8	   *y;				/* binary labels, or NULL */
	int32	   *label;			/* multiclass classes, or NULL */
	int32	   *fold;			/* NULL: no folds */
	Size		bytes;			/* what the rows take */
} HingeRowSet;

/* Row i as the kernels read it */
static inline HingeVector
hinge_row_set_row(const HingeRowSet *rs, int64 i)
{
	HingeVector v = {rs->n_features, rs->kind, NULL, 0, NULL};

	if (rs->kind == HINGE_SPARSE)
	{
		v.nnz = (int) (rs->row_start[i + 1] - rs->row_start[i]);
		v.index = rs->index + rs->row_start[i];
		v.data = rs->values + rs->row_start[i];
	}
	else if (rs->kind == HINGE_DENSE_FLOAT4)
		v.data = (const float4 *) rs->dense + i * rs->n_features;
	else
		v.data = (const float8 *) rs->dense + i * rs->n_features;
	return v;
}

/* hinge.in_memory_limit, in kB: 0 keeps every training on passes */
extern int	hinge_in_memory_limit;

extern void hinge_row_set_define_setting(void);
extern Size hinge_row_set_budget(void);
extern Size hinge_row_set_dense_bytes(int64 rows, int n_features, Oid features_type);
extern bool hinge_row_set_gather(HingeRowSet *rs, HingeRowSource *src,
								 bool multiclass, int64 stride, Size budget);
extern bool hinge_row_set_gather_or_sample(HingeRowSet *rs, HingeRowSource *src,
										   bool multiclass, Size budget,
										   int64 sample_share, Size sample_budget);
struct HingeFolds;
extern bool hinge_row_set_gather_folds(HingeRowSet *rs, HingeRowSource *src, bool multiclass,
									   Size budget, const struct HingeFolds *folds,
									   const char *ext);
extern void hinge_row_set_subsample(const HingeRowSet *rs, int64 stride,
									HingeRowSet *out);
extern void hinge_row_set_free(HingeRowSet *rs);

/* Scans read row by row, through a receiver (rowset.c, working_set.c) */
struct TupleTableSlot;
struct _DestReceiver;
extern HingeVector hinge_slot_features(struct TupleTableSlot *slot, int n_features);
extern void hinge_row_receiver_init(struct _DestReceiver *receiver,
									bool (*receive_slot) (struct TupleTableSlot *slot,
														  struct _DestReceiver *self));

#endif							/* HINGE_ROWSET_H */
