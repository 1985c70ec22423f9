/*
 * rowset.c
 *		Gathering the rows of a training into memory (rowset.h).
 *
 * One query reads the usable rows with a known label, the same rows every
 * pass reads (the row source's SQL, through the calling statement's
 * snapshot), and a DestReceiver copies each row's features and label
 * straight from the executor's slot into the row set: no tuple is copied,
 * and nothing per row outlives the row.  The rows are checked as the
 * aggregates check them (one dimension, no NULL element, every element
 * finite, the features' width), so a training reports bad rows the same
 * way on either path.  When the rows grow past the budget, gathering stops
 * and the caller goes on with passes, or, for a training, the same scan
 * goes on to gather the sample the passes start from.
 */
#include "postgres.h"

#include <math.h>

#ifdef __GLIBC__
#include <malloc.h>
#endif
#ifdef __linux__
#include <sys/mman.h>
#endif

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "tcop/dest.h"
#include "utils/guc.h"
#include "utils/memutils.h"

#include "finite.h"
#include "folds.h"
#include "rowset.h"
#include "validate.h"

/* hinge.in_memory_limit, in kB */
int			hinge_in_memory_limit = 262144;

void
hinge_row_set_define_setting(void)
{
	DefineCustomIntVariable("hinge.in_memory_limit",
							"Memory a training may hold its rows in, to solve without a pass per iteration.",
							"hinge_train reads the rows once into memory when they fit, and then iterates there; on passes, a sample of the rows and the rows near the margin take at most half of it; 0 keeps every training on aggregate passes over the relation.",
							&hinge_in_memory_limit, 262144, 0, MAX_KILOBYTES,
							PGC_USERSET, GUC_UNIT_KB, NULL, NULL, NULL);
}

/*
 * Giving the memory of the rows back to the system.  A row set is tens or
 * hundreds of megabytes in pieces of every size, and once glibc's malloc
 * has seen a large piece freed it serves later ones from its heap, whose
 * freed middle it keeps: a session that trains (or has trainings
 * cancelled) again and again would keep tens of megabytes it no longer
 * uses.  When the transaction's memory goes, after the statement's (a
 * callback on TopTransactionContext, which is deleted after the portals'
 * memory at commit and at abort alike), malloc_trim gives the free pages
 * back: once per transaction that gathered rows.
 */
#ifdef __GLIBC__
static bool trim_pending = false;

static void
trim_memory(void *arg)
{
	trim_pending = false;
	malloc_trim(0);
}
#endif

static void
trim_at_transaction_end(void)
{
#ifdef __GLIBC__
	MemoryContextCallback *cb;

	if (trim_pending || TopTransactionContext == NULL)
		return;
	cb = MemoryContextAllocZero(TopTransactionContext, sizeof(MemoryContextCallback));
	cb->func = trim_memory;
	MemoryContextRegisterResetCallback(TopTransactionContext, cb);
	trim_pending = true;
#endif
}

/* The budget in bytes */
Size
hinge_row_set_budget(void)
{
	return (Size) hinge_in_memory_limit * 1024;
}

/* What rows of dense features take: their elements and a label each */
Size
hinge_row_set_dense_bytes(int64 rows, int n_features, Oid features_type)
{
	Size		element = features_type == FLOAT4ARRAYOID ? sizeof(float4) : sizeof(float8);

	return (Size) rows * ((Size) n_features * element + sizeof(float8));
}

/*
 * The features of a scan's row (its first column) as the kernels read
 * them, detoasted in the current memory context (the caller's per-row
 * one), and checked as the aggregates check a row's: n_features wide,
 * every value finite.
 */
HingeVector
hinge_slot_features(TupleTableSlot *slot, int n_features)
{
	HingeVector x;

	hinge_prefetch_next_row(DatumGetPointer(slot->tts_values[0]));
	x = hinge_vector_arg((ArrayType *) PG_DETOAST_DATUM(slot->tts_values[0]), "features");
	if (x.n != n_features)
		hinge_row_width_error(x.n, n_features, "weights");
	hinge_check_finite_vector(x, "features");
	return x;
}

static void
receiver_startup(DestReceiver *self, int operation, TupleDesc typeinfo)
{
}

static void
receiver_nothing(DestReceiver *self)
{
}

/* A receiver of a scan's rows that does nothing but receive_slot for each */
void
hinge_row_receiver_init(DestReceiver *receiver,
						bool (*receive_slot) (TupleTableSlot *slot, DestReceiver *self))
{
	memset(receiver, 0, sizeof(*receiver));
	receiver->receiveSlot = receive_slot;
	receiver->rStartup = receiver_startup;
	receiver->rShutdown = receiver_nothing;
	receiver->rDestroy = receiver_nothing;
	receiver->mydest = DestNone;
}

typedef struct Gatherer
{
	DestReceiver pub;			/* first: the executor sees this */
	HingeRowSet *rs;
	bool		multiclass;
	int			n_folds;		/* the rows' folds are read: 1 to n_folds; 0: none */
	int64		stride;			/* keep rows 0, stride, 2 stride, ... */
	int64		expected;		/* rows the scan will give, or 0: not known */
	Size		budget;
	int64		seen;			/* rows read */
	int64		capacity;		/* rows the arrays hold */
	int64		value_capacity; /* sparse: elements index/values hold */
	bool		over_budget;
	int64		sample_share;	/* past the budget, keep every sample_share-th row or fewer */
	Size		sample_budget;	/* ... within this; 0: stop instead */
	bool		sampled;		/* rs holds a sample */
	bool		predicted;		/* the rows' bytes were predicted (PREDICT_SHARE) */
	MemoryContext row_context;	/* reset per row */
	MemoryContext context;		/* the row set's */
} Gatherer;

/*
 * Large arrays of rows are asked to be backed by huge pages where the
 * kernel offers them on request (Linux's transparent huge pages in
 * "madvise" mode): the rows are written once, in order, into fresh memory,
 * and a page fault per 4 kB cost about as much as the copy itself (under a
 * hypervisor, more).  Only whole 2 MB pages inside the array are advised.
 */
#define HUGE_PAGE_SIZE	((Size) 2 * 1024 * 1024)

static void
advise_huge_pages(void *p, Size size)
{
#if defined(__linux__) && defined(MADV_HUGEPAGE)
	uintptr_t	start = TYPEALIGN(HUGE_PAGE_SIZE, (uintptr_t) p);
	uintptr_t	end = TYPEALIGN_DOWN(HUGE_PAGE_SIZE, (uintptr_t) p + size);

	/* advice only: where it is refused, the pages are small */
	if (end > start)
		(void) madvise((void *) start, end - start, MADV_HUGEPAGE);
#endif
}

/* repalloc_huge, or a first allocation */
static void *
grow(MemoryContext context, void *p, Size size)
{
	void	   *q = p == NULL ? MemoryContextAllocHuge(context, size) : repalloc_huge(p, size);

	if (size >= 2 * HUGE_PAGE_SIZE)
		advise_huge_pages(q, size);
	return q;
}

/* Room for one more row, and for nnz more stored elements */
static void
reserve(Gatherer *g, int nnz)
{
	HingeRowSet *rs = g->rs;

	if (rs->n == g->capacity)
	{
		int64		rows = Max(1024, 2 * g->capacity);
		Size		row_bytes = sizeof(float8) + sizeof(int32) +
			(rs->kind == HINGE_SPARSE ? sizeof(int64) :
			 (Size) rs->n_features * (rs->kind == HINGE_DENSE_FLOAT4 ? sizeof(float4) : sizeof(float8)));

		/* the rows counted, at once when they fit: no copies as the arrays grow */
		if (g->capacity < g->expected && (Size) g->expected * row_bytes <= g->budget)
			rows = g->expected;

		if (rs->kind == HINGE_SPARSE)
		{
			rs->row_start = grow(g->context, rs->row_start, sizeof(int64) * (rows + 1));
			if (g->capacity == 0)
				rs->row_start[0] = 0;
		}
		else
			rs->dense = grow(g->context, rs->dense, (Size) rows * rs->n_features *
							 (rs->kind == HINGE_DENSE_FLOAT4 ? sizeof(float4) : sizeof(float8)));
		if (g->multiclass)
			rs->label = grow(g->context, rs->label, sizeof(int32) * rows);
		else
			rs->y = grow(g->context, rs->y, sizeof(float8) * rows);
		if (g->n_folds > 0)
			rs->fold = grow(g->context, rs->fold, sizeof(int32) * rows);
		g->capacity = rows;
	}
	if (rs->kind == HINGE_SPARSE && rs->row_start[rs->n] + nnz > g->value_capacity)
	{
		int64		elements = Max(Max(4096, 2 * g->value_capacity), rs->row_start[rs->n] + nnz);

		rs->index = grow(g->context, rs->index, sizeof(int32) * elements);
		rs->values = grow(g->context, rs->values, sizeof(float8) * elements);
		g->value_capacity = elements;
	}
}

/* Appends the features x, label and fold of one row */
static void
append_row(Gatherer *g, HingeVector x, Datum label, int32 fold)
{
	HingeRowSet *rs = g->rs;
	int64		i = rs->n;

	if (g->capacity == 0)
		rs->kind = x.kind;		/* every row has the kind of the features' type */
	Assert(x.kind == rs->kind);
	reserve(g, x.kind == HINGE_SPARSE ? x.nnz : 0);
	if (x.kind == HINGE_SPARSE)
	{
		int64		at = rs->row_start[i];

		/* a row of no non-zeros may have no arrays at all (memcpy of NULL) */
		if (x.nnz > 0)
		{
			memcpy(rs->index + at, x.index, sizeof(int32) * x.nnz);
			memcpy(rs->values + at, x.data, sizeof(float8) * x.nnz);
		}
		rs->row_start[i + 1] = at + x.nnz;
		rs->bytes += sizeof(int64) + (sizeof(int32) + sizeof(float8)) * (Size) x.nnz;
	}
	else
	{
		Size		element = x.kind == HINGE_DENSE_FLOAT4 ? sizeof(float4) : sizeof(float8);

		memcpy((char *) rs->dense + (Size) i * rs->n_features * element, x.data,
			   element * rs->n_features);
		rs->bytes += element * rs->n_features;
	}
	if (g->multiclass)
		rs->label[i] = DatumGetInt32(label) - 1;
	else
		rs->y[i] = DatumGetFloat8(label);
	rs->bytes += sizeof(float8);
	if (g->n_folds > 0)
	{
		rs->fold[i] = fold;
		rs->bytes += sizeof(int32);
	}
	rs->n++;
}

/*
 * The rows gathered so far outgrew the budget: keep every k-th of them and
 * go on reading every k-th row (the rows a gather of stride k would keep),
 * so that the scan that found the rows too many still gives the sample a
 * training on passes starts from.  The first time, k is sample_share, or
 * more if the rows read so far say that a sample of every
 * sample_share-th row would take more than SAMPLE_FILL of sample_budget
 * (the rest is room for rows larger than those); each time the sample
 * outgrows sample_budget, k doubles.
 */
#define SAMPLE_FILL		0.8

/*
 * Gathering rows only to drop nine in ten of them when they outgrow the
 * budget costs their copies and page faults (on 10^6 sparse rows of 679 MB
 * under a 256 MB budget, more than the scan).  So once the rows gathered
 * take 1/PREDICT_SHARE of the budget, those of a training (with a sample
 * to fall back on) predict what all the rows counted would take, and when
 * that is over PREDICT_MARGIN times the budget, the sample starts there.
 * Rows far smaller further on would have fitted after all: the training
 * then runs on passes, which gives the same model, only slower.
 */
#define PREDICT_SHARE	16
#define PREDICT_MARGIN	2.0

static void
thin_to_sample(Gatherer *g)
{
	HingeRowSet *rs = g->rs;
	HingeRowSet sample;
	int64		factor = 2;
	MemoryContext old = MemoryContextSwitchTo(g->context);

	if (!g->sampled)
	{
		float8		rows_to_fit = SAMPLE_FILL * g->sample_budget / ((float8) rs->bytes / rs->n);

		factor = Max(g->sample_share, (int64) ceil((float8) Max(g->expected, g->seen) / rows_to_fit));
		g->budget = g->sample_budget;
		g->sampled = true;
	}
	hinge_row_set_subsample(rs, factor, &sample);
	hinge_row_set_free(rs);
	*rs = sample;
	g->stride *= factor;
	g->capacity = rs->n;
	g->value_capacity = rs->kind == HINGE_SPARSE ? Max(rs->row_start[rs->n], 1) : 0;
	g->expected = 0;
	MemoryContextSwitchTo(old);
}

static bool
gather_slot(TupleTableSlot *slot, DestReceiver *self)
{
	Gatherer   *g = (Gatherer *) self;
	MemoryContext old;
	HingeVector x;
	int32		fold = 0;

	slot_getsomeattrs(slot, g->n_folds > 0 ? 3 : 2);
	if (slot->tts_isnull[0] || slot->tts_isnull[1])
		return true;
	if (g->n_folds > 0)
	{
		/* as the folds' aggregates check a row's fold (cv_accum.c) */
		fold = slot->tts_isnull[2] ? 0 : DatumGetInt32(slot->tts_values[2]);
		if (fold < 1 || fold > g->n_folds)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("fold %d is not between 1 and %d", fold, g->n_folds),
					 errhint("A row's fold is a number from 1 to the number of folds.")));
	}
	if (g->seen++ % g->stride != 0)
		return true;
	if ((g->seen & 1023) == 0)
		CHECK_FOR_INTERRUPTS();
	old = MemoryContextSwitchTo(g->row_context);
	x = hinge_slot_features(slot, g->rs->n_features);
	MemoryContextSwitchTo(g->context);
	append_row(g, x, slot->tts_values[1], fold);
	MemoryContextSwitchTo(old);
	MemoryContextReset(g->row_context);
	if (g->sample_budget > 0 && !g->sampled && !g->predicted &&
		g->rs->bytes > g->budget / PREDICT_SHARE)
	{
		/* the rows read so far tell what all of them would take */
		g->predicted = true;
		if ((float8) g->rs->bytes / g->rs->n * g->expected > PREDICT_MARGIN * g->budget)
			thin_to_sample(g);
	}
	if (g->rs->bytes > g->budget)
	{
		/* past the budget: a sample of the rows, or stop the scan */
		if (g->sample_budget > 0)
			thin_to_sample(g);
		else
		{
			g->over_budget = true;
			return false;
		}
	}
	return true;
}

/*
 * Dense rows of mostly zeros (one-hot codes, counts, a9a's 0/1 features)
 * are kept as sparse rows when at most a quarter of their elements are
 * not zero: a sweep then costs O(non-zeros), as it would with hinge_sparse
 * rows, and the rows take less memory.
 */
#define SPARSE_DENSITY	0.25

static void
make_sparse_if_worth_it(HingeRowSet *rs)
{
	int64		nnz = 0,
				i,
				at = 0;
	Size		elements = (Size) rs->n * rs->n_features;
	int			j;

	if (rs->kind == HINGE_SPARSE || rs->n == 0)
		return;
	for (i = 0; i < rs->n; i++)
	{
		HingeVector x = hinge_row_set_row(rs, i);

		for (j = 0; j < x.n; j++)
			nnz += hinge_vector_get(x, j) != 0.0;
		/* dense rows tell after a quarter of them: no need to read on */
		if ((float8) nnz > SPARSE_DENSITY * (float8) elements)
			return;
		if ((i & 4095) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	rs->row_start = MemoryContextAllocHuge(GetMemoryChunkContext(rs->dense), sizeof(int64) * (rs->n + 1));
	rs->index = MemoryContextAllocHuge(GetMemoryChunkContext(rs->dense), sizeof(int32) * Max(nnz, 1));
	rs->values = MemoryContextAllocHuge(GetMemoryChunkContext(rs->dense), sizeof(float8) * Max(nnz, 1));
	for (i = 0; i < rs->n; i++)
	{
		HingeVector x = hinge_row_set_row(rs, i);

		rs->row_start[i] = at;
		for (j = 0; j < x.n; j++)
		{
			float8		v = hinge_vector_get(x, j);

			if (v != 0.0)
			{
				rs->index[at] = j;
				rs->values[at++] = v;
			}
		}
	}
	rs->row_start[rs->n] = at;
	pfree(rs->dense);
	rs->dense = NULL;
	rs->kind = HINGE_SPARSE;
	rs->bytes = (Size) rs->n * (sizeof(int64) + sizeof(float8)) +
		(sizeof(int32) + sizeof(float8)) * (Size) nnz +
		(rs->fold != NULL ? sizeof(int32) * (Size) rs->n : 0);
}

/*
 * Gathers the usable rows of src with a known label into rs (allocated in
 * the current memory context): every stride-th one, in the order the scan
 * reads them, so stride 1 keeps them all; with folds, each row's fold too.
 * Returns false when they would take more than budget bytes: with rs
 * empty, or with sample_budget, holding a sample (thin_to_sample).  With
 * stride 1, the rows read must be those the first scan counted.
 */
static bool
gather(HingeRowSet *rs, HingeRowSource *src, bool multiclass, int64 stride, Size budget,
	   const HingeFolds *folds, const char *ext, int64 sample_share, Size sample_budget)
{
	HingeParams params = {0};
	char	   *query;
	Gatherer	g;
	int			ret;

	memset(rs, 0, sizeof(*rs));
	rs->n_features = src->n_features;
	trim_at_transaction_end();
	memset(&g, 0, sizeof(g));
	hinge_row_receiver_init(&g.pub, gather_slot);
	g.rs = rs;
	g.multiclass = multiclass;
	g.n_folds = folds != NULL ? folds->n_folds : 0;
	g.stride = Max(stride, 1);
	g.expected = g.stride == 1 ? src->rows_used : 0;
	g.budget = budget;
	g.sample_share = sample_share;
	g.sample_budget = sample_budget;
	g.context = CurrentMemoryContext;
	g.row_context = AllocSetContextCreate(CurrentMemoryContext, "hinge row",
										  ALLOCSET_DEFAULT_SIZES);

	query = psprintf("SELECT x, y%s FROM (SELECT %s AS x, %s AS y%s %s) AS r",
					 folds == NULL ? "" : ", fold",
					 hinge_row_source_x(src, &params), hinge_row_source_y(src, &params),
					 folds == NULL ? "" :
					 psprintf(", (%s)::pg_catalog.int4 AS fold",
							  hinge_folds_sql(folds, src, ext, &params)),
					 hinge_row_source_sql(src));
	ret = hinge_spi_execute_with_receiver(query, hinge_param_list(&params), (DestReceiver *) &g);
	if (ret < 0)
		elog(ERROR, "could not read the rows of %s: %s", src->relation_name,
			 SPI_result_code_string(ret));
	MemoryContextDelete(g.row_context);
	if (g.over_budget)
	{
		hinge_row_set_free(rs);
		return false;
	}
	if (stride == 1 && g.seen != src->rows_used)
		hinge_rows_changed_error(src, g.seen, src->rows_used);
	make_sparse_if_worth_it(rs);
	return !g.sampled;
}

bool
hinge_row_set_gather(HingeRowSet *rs, HingeRowSource *src, bool multiclass,
					 int64 stride, Size budget)
{
	return gather(rs, src, multiclass, stride, budget, NULL, NULL, 0, 0);
}

/*
 * All the usable rows of src, as hinge_row_set_gather with stride 1, when
 * they fit budget; when they do not, the same scan leaves in rs a sample of
 * every sample_share-th row or fewer, within sample_budget (thin_to_sample),
 * and the function returns false.  Budget 0 says that they are known not to
 * fit: the sample starts with the first row.
 */
bool
hinge_row_set_gather_or_sample(HingeRowSet *rs, HingeRowSource *src, bool multiclass,
							   Size budget, int64 sample_share, Size sample_budget)
{
	Assert(sample_share >= 2 && sample_budget > 0);
	return gather(rs, src, multiclass, 1, budget, NULL, NULL, sample_share, sample_budget);
}

/* Every row, with its fold: a cross-validation's rows */
bool
hinge_row_set_gather_folds(HingeRowSet *rs, HingeRowSource *src, bool multiclass,
						   Size budget, const HingeFolds *folds, const char *ext)
{
	return gather(rs, src, multiclass, 1, budget, folds, ext, 0, 0);
}

/* Frees the rows of rs, and empties it */
void
hinge_row_set_free(HingeRowSet *rs)
{
	if (rs->row_start != NULL)
		pfree(rs->row_start);
	if (rs->index != NULL)
		pfree(rs->index);
	if (rs->values != NULL)
		pfree(rs->values);
	if (rs->dense != NULL)
		pfree(rs->dense);
	if (rs->y != NULL)
		pfree(rs->y);
	if (rs->label != NULL)
		pfree(rs->label);
	if (rs->fold != NULL)
		pfree(rs->fold);
	memset(rs, 0, sizeof(*rs));
}

/*
 * Every stride-th row of rs, copied into out (allocated in the current
 * memory context): the sample a training in memory starts from.
 */
void
hinge_row_set_subsample(const HingeRowSet *rs, int64 stride, HingeRowSet *out)
{
	MemoryContext context = CurrentMemoryContext;
	int64		n = (rs->n + stride - 1) / stride,
				i,
				k;

	Assert(stride >= 1 && rs->fold == NULL);
	memset(out, 0, sizeof(*out));
	out->n = n;
	out->n_features = rs->n_features;
	out->kind = rs->kind;
	if (rs->kind == HINGE_SPARSE)
	{
		int64		nnz = 0;

		for (i = 0; i < rs->n; i += stride)
			nnz += rs->row_start[i + 1] - rs->row_start[i];
		out->row_start = MemoryContextAllocHuge(context, sizeof(int64) * (n + 1));
		out->index = MemoryContextAllocHuge(context, sizeof(int32) * Max(nnz, 1));
		out->values = MemoryContextAllocHuge(context, sizeof(float8) * Max(nnz, 1));
		out->row_start[0] = 0;
		for (i = 0, k = 0; i < rs->n; i += stride, k++)
		{
			int64		len = rs->row_start[i + 1] - rs->row_start[i];

			memcpy(out->index + out->row_start[k], rs->index + rs->row_start[i],
				   sizeof(int32) * len);
			memcpy(out->values + out->row_start[k], rs->values + rs->row_start[i],
				   sizeof(float8) * len);
			out->row_start[k + 1] = out->row_start[k] + len;
		}
		out->bytes = (Size) n * (sizeof(int64) + sizeof(float8)) +
			(sizeof(int32) + sizeof(float8)) * (Size) nnz;
	}
	else
	{
		Size		row = (Size) rs->n_features *
			(rs->kind == HINGE_DENSE_FLOAT4 ? sizeof(float4) : sizeof(float8));

		out->dense = MemoryContextAllocHuge(context, Max(row * n, 1));
		for (i = 0, k = 0; i < rs->n; i += stride, k++)
			memcpy((char *) out->dense + row * k, (const char *) rs->dense + row * i, row);
		out->bytes = (row + sizeof(float8)) * n;
	}
	if (rs->y != NULL)
	{
		out->y = MemoryContextAllocHuge(context, sizeof(float8) * Max(n, 1));
		for (i = 0, k = 0; i < rs->n; i += stride, k++)
			out->y[k] = rs->y[i];
	}
	if (rs->label != NULL)
	{
		out->label = MemoryContextAllocHuge(context, sizeof(int32) * Max(n, 1));
		for (i = 0, k = 0; i < rs->n; i += stride, k++)
			out->label[k] = rs->label[i];
	}
}
