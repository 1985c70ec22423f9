/*
 * working_set.c
 *		Training on passes (binary, the hinge) with the rows near the margin
 *		kept in memory: each pass reads the rows once for the line search
 *		and the plane at a point of it, as the aggregates' passes do, and
 *		keeps the rows whose margin comes within delta of 1 on the line's
 *		first stretch (alpha in [0, 1]); every other row is summed up with
 *		the dual value the hinge's subgradient gives it at the plane's point
 *		(c where it violates the margin, else 0), the same all along that
 *		stretch.  Dual coordinate descent over the kept rows, the others
 *		fixed (hinge_dual_cd_bound), then gives a lower bound on the optimum
 *		(weak duality: any dual point in the box gives one) and the weights
 *		of that dual point, which the next line searches towards.
 *
 * Why: the bundle method's bound is a mix of its planes, each of whose dual
 * points is 0 or c for every row, where the optimum's is fractional for
 * the rows on the margin; that bound lagged, and needed the planes of many
 * passes.  Near the optimum only the rows near the margin have dual values
 * other than a plane's, and there are few of them: on 10^6 sparse rows
 * (bench/sparse.sh, lambda 1e-4) the 8 % within 0.1 of the margin gave a
 * bound 1e-4 below the optimum after the 7th pass of the bundle method,
 * whose own bound was 2e-3 below it (numpy on the same rows).  In the
 * solver, those rows train in 2 passes instead of 11 (lambda 1e-5: 27
 * instead of 41; within a quarter or an eighth of the default
 * hinge.in_memory_limit, 11 and 13 instead of 14).
 *
 * The kept rows take at most WORKING_SET_SHARE of hinge.in_memory_limit:
 * O(the limit), not O(rows); rows near the margin that do not fit are
 * summed with the others (the bound stays one, only weaker), delta halves,
 * and the next pass keeps only the rows near the margin at the plane's
 * point (on a long line, many rows cross the margin somewhere); when they
 * take little room, delta doubles and the whole stretch counts again.  A pass is one scan by this backend, read
 * through a receiver as the rows gathered into memory are (rowset.c), not
 * an aggregate: parallel workers do not take part.  The bundle of the
 * planes stays (solver.c): its bound counts too, and its minimiser is the
 * target when a dual point's line found nothing better.
 */
#include "postgres.h"

#include <math.h>

#include "executor/spi.h"
#include "miscadmin.h"
#include "tcop/dest.h"
#include "utils/memutils.h"

#include "accum.h"
#include "compat.h"
#include "dual_cd.h"
#include "finite.h"
#include "kernels.h"
#include "rows.h"
#include "working_set.h"

#define LINE_POINTS	HINGE_LINE_POINTS

/* of hinge.in_memory_limit: as much as a training's sample may take */
#define WORKING_SET_SHARE	0.5
/* the band of the first pass, in margins (1 is the margin) */
#define FIRST_DELTA			0.1
/* delta doubles after a pass whose rows took less than this of the room */
#define GROW_BELOW			0.125
#define MAX_DELTA			1.0
/*
 * Epochs over the kept rows after each pass: until one raises the bound by
 * less than STALL times the tolerance of the objective (at most
 * MAX_EPOCHS).  On 10^6 sparse rows (numpy, delta 0.1, after 9 passes of
 * the bundle method) the 2nd epoch left the bound 2.5e-5 below the
 * optimum, the 3rd 4e-6; on 3,000 rows of mostly 3 features
 * (test/sql/in_memory.sql), 3 epochs a pass took 34 passes, 10 took 17.
 */
#define STALL				0.01
#define MAX_EPOCHS			50

/* a kept row: its offset, label, two scores and dual value; an element: position and value */
#define ROW_BYTES			(sizeof(int64) + 4 * sizeof(float8))
#define ELEMENT_BYTES		(sizeof(int32) + sizeof(float8))

/*
 * Where the passes would give one plane each: over the weights whose
 * line's planes (hinge_line_planes: 32 a pass) are kept, those already
 * give the bound, and on a table of 20,000 rows of 3 features at lambda
 * 1e-4 the working set took 10 passes where they took 7.
 */
bool
hinge_working_set_applies(const HingeTrainSpec *spec, bool scaled)
{
	return !hinge_spec_is_multiclass(spec) && strcmp(spec->loss, "hinge") == 0 &&
		!scaled && !spec->distributed && spec->n_weights > HINGE_LINE_PLANES_MAX_WEIGHTS &&
		(Size) (WORKING_SET_SHARE * hinge_row_set_budget()) >= 1024 * ROW_BYTES;
}

typedef struct PassReceiver
{
	DestReceiver pub;			/* first: the executor sees this */
	HingeWorkingSetOracle *ws;
} PassReceiver;

/* Keeps row x (label y, scores from and to); false when it does not fit */
static bool
keep_row(HingeWorkingSetOracle *ws, HingeVector x, float8 y, float8 from, float8 to)
{
	HingeRowSet *kept = &ws->kept;
	int64		n = kept->n;
	int64		at = kept->row_start[n];
	int			nnz = x.kind == HINGE_SPARSE ? x.nnz : x.n;
	int			k;

	if (n == ws->max_rows || at + nnz > ws->max_elements ||
		kept->bytes + ROW_BYTES + ELEMENT_BYTES * (Size) nnz > ws->budget)
	{
		ws->full = true;
		return false;
	}
	if (x.kind == HINGE_SPARSE)
	{
		memcpy(kept->index + at, x.index, sizeof(int32) * nnz);
		memcpy(kept->values + at, x.data, sizeof(float8) * nnz);
	}
	else
	{
		/* dense rows kept as sparse ones: every kept row reads the same way */
		for (k = 0, nnz = 0; k < x.n; k++)
		{
			float8		v = hinge_vector_get(x, k);

			if (v != 0.0)
			{
				kept->index[at + nnz] = k;
				kept->values[at + nnz++] = v;
			}
		}
	}
	kept->row_start[n + 1] = at + nnz;
	kept->y[n] = y;
	ws->from_scores[n] = from;
	ws->to_scores[n] = to;
	kept->bytes += ROW_BYTES + ELEMENT_BYTES * (Size) nnz;
	kept->n++;
	return true;
}

/*
 * A row of the pass: its hinge along the line (rows.h, as the line
 * aggregates sum it), then kept, or summed with its dual value at the
 * plane's point.  The margin is linear along the line, so a row is near
 * somewhere on [0, 1] when its margins at the two ends straddle the band or
 * one of them is in it.
 */
static void
read_row(HingeWorkingSetOracle *ws, HingeVector x, float8 y)
{
	float8		c = hinge_spec_class_weight(ws->spec, y);
	float8		from,
				to,
				at_plane,
				coef;
	bool		near;

	hinge_row_score_pair(ws->from, ws->to, ws->cols, x, &from, &to);
	if (unlikely(!isfinite(from) || !isfinite(to)))
		hinge_overflow_error();
	if (unlikely(!hinge_binary_row_line_runs(c, y, from, to, x, ws->cols, ws->sums, NULL, NULL)))
		hinge_overflow_error();
	at_plane = from + ws->plane_alpha * (to - from);
	near = ws->at_plane_only ?
		fabs(y * at_plane - 1.0) < ws->delta :
		Min(y * from, y * to) < 1.0 + ws->delta && Max(y * from, y * to) > 1.0 - ws->delta;

	if (c > 0.0 && near && keep_row(ws, x, y, from, to))
		return;
	(void) hinge_binary_row(HINGE_LOSS_HINGE, 0.0, c, y, at_plane, &coef);
	if (coef != 0.0)
	{
		hinge_compensated_add_row(ws->fixed, ws->fixed + ws->cols, ws->cols, coef, x);
		hinge_compensated_add(&ws->fixed_mass[0], &ws->fixed_mass[1], c);
	}
}

static bool
receive_row(TupleTableSlot *slot, DestReceiver *self)
{
	HingeWorkingSetOracle *ws = ((PassReceiver *) self)->ws;
	MemoryContext old;
	HingeVector x;

	slot_getsomeattrs(slot, 2);
	if (slot->tts_isnull[0] || slot->tts_isnull[1])
		return true;
	if ((++ws->seen & 1023) == 0)
		CHECK_FOR_INTERRUPTS();
	old = MemoryContextSwitchTo(ws->row_context);
	x = hinge_slot_features(slot, ws->spec->source.n_features);
	read_row(ws, x, DatumGetFloat8(slot->tts_values[1]));
	MemoryContextSwitchTo(old);
	MemoryContextReset(ws->row_context);
	return true;
}

/*
 * One scan over the rows along the line from -> to (the same point twice:
 * at a point): the risks at every grid point into risks, the kept rows and
 * the others' sums (at plane_alpha) into ws, for plane_at and
 * ws_dual_point.
 */
static void
run_pass(HingeWorkingSetOracle *ws, const float8 *from, const float8 *to, float8 plane_alpha,
		 float8 *risks)
{
	const HingeTrainSpec *spec = ws->spec;
	PassReceiver receiver;
	int			ret;

	hinge_row_receiver_init(&receiver.pub, receive_row);
	receiver.ws = ws;

	ws->from = from;
	ws->to = to;
	ws->plane_alpha = plane_alpha;
	ws->seen = 0;
	ws->full = false;
	ws->kept.n = 0;
	ws->kept.bytes = 0;
	memset(ws->sums, 0, sizeof(ws->sums));
	memset(ws->fixed, 0, sizeof(float8) * 2 * ws->cols);
	ws->fixed_mass[0] = ws->fixed_mass[1] = 0.0;

	ret = hinge_spi_execute_with_receiver(ws->query, hinge_param_list(&ws->params),
										  (DestReceiver *) &receiver);
	if (ret < 0)
		elog(ERROR, "could not read the rows of %s: %s", spec->source.relation_name,
			 SPI_result_code_string(ret));
	if (ws->seen != spec->source.rows_used)
		hinge_rows_changed_error((HingeRowSource *) &spec->source, ws->seen,
								 spec->source.rows_used);
	hinge_line_risks(ws->sums, true, (float8) ws->seen, risks);
	/* about the objective where the line starts: the scale of the bound's precision */
	ws->start_objective = risks[0] + spec->lambda / 2.0 * hinge_dot_f8(from, from, ws->cols);

	/*
	 * The band for the next pass: after rows overflowed, narrower, and
	 * around the plane's point only (on a long line, many rows cross the
	 * margin somewhere); wider, and along the line again, when they took
	 * little room
	 */
	if (ws->full)
	{
		ws->delta /= 2.0;
		ws->at_plane_only = true;
	}
	else if (ws->kept.bytes < GROW_BELOW * ws->budget)
	{
		ws->delta = Min(2.0 * ws->delta, MAX_DELTA);
		ws->at_plane_only = false;
	}
}

/* Kept row i's score at alpha on the pass's line */
static inline float8
kept_score(const HingeWorkingSetOracle *ws, int64 i, float8 alpha)
{
	return ws->from_scores[i] + alpha * (ws->to_scores[i] - ws->from_scores[i]);
}

/*
 * The plane at the pass's plane point: R there, and the subgradient, the
 * fixed rows' sums and the kept rows' coefficients there
 */
static void
plane_at(HingeWorkingSetOracle *ws, float8 risk, float8 *plane)
{
	int			cols = ws->cols;
	float8	   *g = palloc(sizeof(float8) * 2 * cols);
	int64		i;
	int			j;

	memcpy(g, ws->fixed, sizeof(float8) * 2 * cols);
	for (i = 0; i < ws->kept.n; i++)
	{
		float8		y = ws->kept.y[i];
		float8		coef;

		(void) hinge_binary_row(HINGE_LOSS_HINGE, 0.0, hinge_spec_class_weight(ws->spec, y), y,
								kept_score(ws, i, ws->plane_alpha), &coef);
		if (coef != 0.0)
			hinge_compensated_add_row(g, g + cols, cols, coef, hinge_row_set_row(&ws->kept, i));
	}
	plane[0] = risk;
	for (j = 0; j < cols; j++)
		plane[1 + j] = hinge_check_result((g[j] + g[cols + j]) / (float8) ws->seen);
	pfree(g);
}

static void
ws_planes(HingeOracle *oracle, const float8 *points, float8 *out)
{
	HingeWorkingSetOracle *ws = (HingeWorkingSetOracle *) oracle;
	float8		risks[LINE_POINTS];

	run_pass(ws, points, points, 1.0, risks);
	plane_at(ws, risks[0], out);
}

static void
ws_line_plane(HingeOracle *oracle, const float8 *from, const float8 *to, float8 *risks,
			  const int *at, float8 *planes)
{
	HingeWorkingSetOracle *ws = (HingeWorkingSetOracle *) oracle;

	run_pass(ws, from, to, hinge_line_alphas[at[0]], risks);
	plane_at(ws, risks[at[0]], planes);
}

/*
 * The dual point of the last pass: the kept rows start from the dual
 * values the hinge's subgradient gives them at the best point (on [0, 1]
 * the others' are the same there as at the plane's point), then epochs of
 * coordinate descent; the rows that did not fit are fixed with the others.
 */
static bool
ws_dual_point(HingeOracle *oracle, int best, float8 *lower, float8 *target)
{
	HingeWorkingSetOracle *ws = (HingeWorkingSetOracle *) oracle;
	const HingeTrainSpec *spec = ws->spec;
	float8		alpha_best = best >= 0 ? hinge_line_alphas[best] : 0.0;
	float8	   *fixed_sum = palloc(sizeof(float8) * ws->cols);
	float8		bound;
	int			epochs;
	int64		i;
	int			j;

	/* sum c_i y_i (x_i, 1): the subgradient's sum, -c_i y_i (x_i, 1) a row */
	for (j = 0; j < ws->cols; j++)
		fixed_sum[j] = -(ws->fixed[j] + ws->fixed[ws->cols + j]);
	for (i = 0; i < ws->kept.n; i++)
		ws->share[i] = ws->kept.y[i] * kept_score(ws, i, alpha_best) < 1.0;
	bound = hinge_dual_cd_bound(&ws->kept, spec, ws->seen, fixed_sum,
								ws->fixed_mass[0] + ws->fixed_mass[1], ws->share, MAX_EPOCHS,
								STALL * spec->tolerance * ws->start_objective, target, &epochs);
	pfree(fixed_sum);
	ereport(DEBUG1,
			(errmsg_internal("hinge_train \"%s\": " INT64_FORMAT " rows kept within %g of the margin%s, %d epochs, dual bound %.17g",
							 spec->model_name, ws->kept.n, ws->delta,
							 ws->full ? " (more did not fit)" : "", epochs, bound)));
	*lower = isfinite(bound) ? bound : 0.0;
	for (j = 0; j < ws->cols; j++)
		if (!isfinite(target[j]))
			return false;
	/* with rows near the margin fixed at guesses, the weights are no target */
	return !ws->full;
}

void
hinge_working_set_oracle_init(HingeWorkingSetOracle *ws, const HingeTrainSpec *spec,
							  const char *ext)
{
	HingeRowSource *src = (HingeRowSource *) &spec->source;

	memset(ws, 0, sizeof(*ws));
	ws->spec = spec;
	ws->cols = spec->n_columns;
	ws->oracle.n_problems = 1;
	ws->oracle.d = spec->n_weights;
	ws->oracle.planes = ws_planes;
	ws->oracle.line_plane = ws_line_plane;
	ws->oracle.dual_point = ws_dual_point;
	ws->query = psprintf("SELECT x, y FROM (SELECT %s AS x, %s AS y %s) AS r",
						 hinge_row_source_x(src, &ws->params),
						 hinge_row_source_y(src, &ws->params),
						 hinge_row_source_sql(src));
	ws->budget = (Size) (WORKING_SET_SHARE * hinge_row_set_budget());
	ws->delta = FIRST_DELTA;

	/*
	 * Room for the budget's worth of rows and of elements, in address space
	 * only: pages are touched as rows arrive, and kept from pass to pass
	 */
	ws->max_rows = ws->budget / ROW_BYTES;
	ws->max_elements = ws->budget / ELEMENT_BYTES;
	ws->kept.n_features = src->n_features;
	ws->kept.kind = HINGE_SPARSE;
	ws->kept.row_start = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(int64) * (ws->max_rows + 1));
	ws->kept.row_start[0] = 0;
	ws->kept.y = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(float8) * ws->max_rows);
	ws->from_scores = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(float8) * ws->max_rows);
	ws->to_scores = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(float8) * ws->max_rows);
	ws->share = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(float8) * ws->max_rows);
	ws->kept.index = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(int32) * ws->max_elements);
	ws->kept.values = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(float8) * ws->max_elements);
	ws->fixed = palloc(sizeof(float8) * 2 * ws->cols);
	ws->row_context = AllocSetContextCreate(CurrentMemoryContext, "hinge row",
											ALLOCSET_DEFAULT_SIZES);
}
