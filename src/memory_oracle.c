/*
 * memory_oracle.c
 *		The risk of a training over rows held in memory (memory_oracle.h).
 *
 * A sweep over the rows does what a pass's aggregate does, with the same
 * per-row formulas (rows.h) and compensated sums, for every problem at
 * once: each row is read once and scored against every problem's weights.
 * The line search gives the subgradients at every grid point too (the
 * solver's one-pass mode) for every loss whose subgradient is constant
 * between kinks: the hinge, one-vs-rest's hinges, and both multiclass
 * hinges.
 */
#include "postgres.h"

#include "miscadmin.h"

#include "finite.h"
#include "held_out.h"
#include "memory_oracle.h"
#include "rows.h"

#define LINE_POINTS	HINGE_LINE_POINTS

/* The line search keeps LINE_POINTS x weights difference sums: at most 32 x 65536 */
#define LINE_PLANES_MAX_WEIGHTS	65536

/* Rows between checks for a cancel request */
#define INTERRUPT_ROWS	4096

/*
 * Lines that may start from interpolated scores before a line computes
 * them afresh: each interpolation rounds once, so their error stays a few
 * units in the last place of the scores
 */
#define MAX_REUSES	16

/* Whether row i counts in fold problem f */
static inline bool
counts(const HingeMemoryOracle *mo, int64 i, int f)
{
	return mo->left_out == NULL || mo->rows->fold[i] != mo->left_out[f];
}

/* Classes a fold problem's held-out rows are counted by: a binary model's 2 */
static inline int
held_classes(const HingeMemoryOracle *mo)
{
	return mo->task == HINGE_TASK_BINARY ? 2 : mo->k;
}

/* Problem p's class weights */
static inline const float8 *
weights_of(const HingeMemoryOracle *mo, int p)
{
	return mo->class_weights + (Size) (p / mo->per_fold) * mo->weights_stride;
}

/* A binary row's label and class weight in problem p; one-vs-rest's for class r */
static inline float8
target_of(const HingeMemoryOracle *mo, int64 i, int p, int r, float8 *c)
{
	const HingeRowSet *rs = mo->rows;

	if (mo->task == HINGE_TASK_BINARY)
	{
		*c = weights_of(mo, p)[rs->y[i] > 0 ? 1 : 0];
		return rs->y[i];
	}
	*c = weights_of(mo, p)[rs->label[i]];
	return rs->label[i] == r ? 1.0 : -1.0;
}

/* Makes the sweep's sums n_problems x stride zero */
static float8 *
zero_sums(HingeMemoryOracle *mo, Size stride)
{
	Size		length = (Size) mo->oracle.n_problems * stride;

	if (mo->sums_length < length)
	{
		if (mo->sums != NULL)
			pfree(mo->sums);
		mo->sums = MemoryContextAllocHuge(mo->context, sizeof(float8) * length);
		mo->sums_length = length;
	}
	memset(mo->sums, 0, sizeof(float8) * length);
	return mo->sums;
}

/* What a sweep evaluates: the points of a plane, or the two ends of a line */
typedef struct Sweep
{
	const float8 *at;			/* n_problems x d: the points, or the starts */
	const float8 *to;			/* the line's ends, or NULL */
	Size		stride;			/* sums per problem */
	Size		diffs;			/* line: difference sums of the subgradient */
	bool		runs;			/* line: the hinge by runs */
	bool		held_out;		/* planes with folds: score the rows left out */
	bool		keep_scores;	/* line: keep each row's scores at both ends */
	bool		reuse_scores;	/* line: the start's scores from the last line's */
	const int  *plane_at;		/* line: each problem's grid point to add the plane of, or NULL */
} Sweep;

/* One row's part in one problem's sums, s */
typedef void (*SweepStep) (HingeMemoryOracle *mo, const Sweep *sw, int64 i,
						   HingeVector x, int p, int r, float8 *s);

/*
 * What fold problem f's model at its point does on row i, which it leaves
 * out, added to the fold's held-out sums
 */
static void
score_held_out(HingeMemoryOracle *mo, const Sweep *sw, int64 i, HingeVector x, int f)
{
	const HingeRowSet *rs = mo->rows;
	const float8 *at = sw->at + (Size) f * mo->per_fold * mo->oracle.d;
	float8	   *held = mo->held_sums + (Size) f * HINGE_HELD_SUMS(held_classes(mo));

	if (mo->task == HINGE_TASK_BINARY)
		hinge_held_out_binary(held, mo->loss, mo->gamma, rs->y[i],
							  hinge_check_result(hinge_row_score(at, mo->oracle.d, x)));
	else
	{
		if (!hinge_row_scores(at, mo->k, mo->cols, x, mo->scratch))
			hinge_overflow_error();
		hinge_held_out_multiclass(held, mo->task == HINGE_TASK_ONE_VS_REST, mo->variant,
								  rs->label[i], mo->scratch, mo->k);
	}
}

/*
 * A sweep over the rows: each row is read once, for every problem it
 * counts in (and, scoring folds, for the one that leaves it out); the sums
 * start from zero.
 */
static float8 *
sweep(HingeMemoryOracle *mo, const Sweep *sw, SweepStep step)
{
	const HingeRowSet *rs = mo->rows;
	float8	   *sums = zero_sums(mo, sw->stride);
	int64		i;
	int			f,
				r;

	if (sw->held_out)
		memset(mo->held_sums, 0, sizeof(float8) * mo->n_folds * HINGE_HELD_SUMS(held_classes(mo)));
	for (i = 0; i < rs->n; i++)
	{
		HingeVector x = hinge_row_set_row(rs, i);

		if (i % INTERRUPT_ROWS == 0)
			CHECK_FOR_INTERRUPTS();
		for (f = 0; f < mo->n_folds; f++)
			if (counts(mo, i, f))
				for (r = 0; r < mo->per_fold; r++)
				{
					int			p = f * mo->per_fold + r;

					step(mo, sw, i, x, p, r, sums + p * sw->stride);
				}
			else if (sw->held_out)
				score_held_out(mo, sw, i, x, f);
	}
	if (sw->held_out)
		for (f = 0; f < mo->n_folds; f++)
			hinge_held_out_block(mo->held_sums + (Size) f * HINGE_HELD_SUMS(held_classes(mo)),
								 held_classes(mo), mo->rows_of[f],
								 mo->held_out + (Size) f * HINGE_CV_HELD(held_classes(mo)));
	return sums;
}

/*
 * Adds row i's loss and subgradient in problem p at a point where its
 * scores are scores (score_width of them) to s: [loss sum, comp, d sums,
 * d comps].  coef: room for score_width coefficients.
 */
static void
add_row_plane(HingeMemoryOracle *mo, int64 i, HingeVector x, int p, int r,
			  const float8 *scores, float8 *coef, float8 *s)
{
	const HingeRowSet *rs = mo->rows;
	int			d = mo->oracle.d;
	float8		value,
				c,
				y;
	int			j;

	if (mo->task == HINGE_TASK_MULTICLASS)
	{
		c = weights_of(mo, p)[rs->label[i]];
		value = hinge_check_result(hinge_multiclass_row(mo->variant, c, rs->label[i],
														scores, mo->k, coef));
		if (value == 0.0)
			return;
		hinge_compensated_add(&s[0], &s[1], value);
		for (j = 0; j < mo->k; j++)
			if (coef[j] != 0.0)
				hinge_compensated_add_row(s + 2 + (Size) j * mo->cols,
										  s + 2 + d + (Size) j * mo->cols,
										  mo->cols, coef[j], x);
		return;
	}
	y = target_of(mo, i, p, r, &c);
	value = hinge_check_result(hinge_binary_row(mo->loss, mo->gamma, c, y,
												hinge_check_result(scores[0]), &coef[0]));
	if (value == 0.0)
		return;
	hinge_compensated_add(&s[0], &s[1], value);
	if (coef[0] != 0.0)
		hinge_compensated_add_row(s + 2, s + 2 + d, d, coef[0], x);
}

/* A row's loss and subgradient at the problem's point (add_row_plane) */
static void
plane_step(HingeMemoryOracle *mo, const Sweep *sw, int64 i, HingeVector x,
		   int p, int r, float8 *s)
{
	int			d = mo->oracle.d;
	float8	   *scores = mo->scratch;

	if (mo->task == HINGE_TASK_MULTICLASS)
	{
		if (!hinge_row_scores(sw->at + (Size) p * d, mo->k, mo->cols, x, scores))
			hinge_overflow_error();
	}
	else
		scores[0] = hinge_row_score(sw->at + (Size) p * d, d, x);
	add_row_plane(mo, i, x, p, r, scores, scores + mo->k, s);
}

/* The plane sums of one problem, s, as the row [R, g] of n rows */
static void
plane_row(const float8 *s, int d, float8 n, float8 *row)
{
	int			j;

	row[0] = (s[0] + s[1]) / n;
	for (j = 0; j < d; j++)
		row[1 + j] = (s[2 + j] + s[2 + d + j]) / n;
}

/*
 * Each problem's risk and subgradient at its point: out gets a row
 * [R, g] per problem, as the cutting-plane aggregates give it.
 */
static void
memory_planes(HingeOracle *oracle, const float8 *points, float8 *out)
{
	HingeMemoryOracle *mo = (HingeMemoryOracle *) oracle;
	int			d = oracle->d;
	Sweep		sw = {points, NULL, 2 + 2 * (Size) d, 0, false, mo->held_out != NULL};
	float8	   *sums = sweep(mo, &sw, plane_step);
	int			p;

	for (p = 0; p < oracle->n_problems; p++)
		plane_row(sums + p * sw.stride, d, mo->rows_of[p / mo->per_fold],
				  out + (Size) p * (d + 1));
}

/*
 * Row i's scores in problem p at the line's start and end (score_width
 * each).  The start's are the last line's at the point this line starts
 * from, when it is one of its points: from + alpha (to - from) scores
 * s_from + alpha (s_to - s_from), a linear function of the weights, so
 * only the end's need a dot product.  False when one is not finite.
 */
static bool
line_scores(HingeMemoryOracle *mo, const Sweep *sw, int64 i, HingeVector x, int p,
			float8 *from, float8 *to)
{
	int			w = mo->score_width;
	int			d = mo->oracle.d;
	Size		at = ((Size) i * mo->oracle.n_problems + p) * w;
	bool		finite = true;
	int			j;

	if (sw->reuse_scores)
	{
		const float8 *last_from = mo->from_scores + at;
		const float8 *last_to = mo->to_scores + at;
		float8		alpha = mo->moved[p];

		for (j = 0; j < w; j++)
		{
			from[j] = alpha == 0.0 ? last_from[j] : last_from[j] + alpha * (last_to[j] - last_from[j]);
			finite &= isfinite(from[j]);
		}
	}
	else
		finite = hinge_row_scores(sw->at + (Size) p * d, w, d / w, x, from);
	finite &= hinge_row_scores(sw->to + (Size) p * d, w, d / w, x, to);
	if (sw->keep_scores)
	{
		memcpy(mo->from_scores + at, from, sizeof(float8) * w);
		memcpy(mo->to_scores + at, to, sizeof(float8) * w);
	}
	return finite;
}

/*
 * A row along the line: s is the line's sums (HINGE_LINE_SUMS), then with
 * line_planes the subgradient's difference sums and their compensations
 */
static void
line_step(HingeMemoryOracle *mo, const Sweep *sw, int64 i, HingeVector x,
		  int p, int r, float8 *s)
{
	const HingeRowSet *rs = mo->rows;
	int			d = mo->oracle.d;
	float8	   *diff = sw->diffs > 0 ? s + HINGE_LINE_SUMS : NULL;
	float8	   *diff_comp = sw->diffs > 0 ? diff + sw->diffs : NULL;
	bool		finite;
	float8		c,
				y;
	float8	   *from_scores = mo->scratch;
	float8	   *to_scores = from_scores + mo->k;

	if (!line_scores(mo, sw, i, x, p, from_scores, to_scores))
		hinge_overflow_error();
	if (mo->task == HINGE_TASK_MULTICLASS)
	{
		c = weights_of(mo, p)[rs->label[i]];
		finite = hinge_multiclass_row_line_runs(mo->variant, c, rs->label[i], from_scores,
												to_scores, mo->k, x, mo->cols, s, diff,
												diff_comp);
	}
	else
	{
		y = target_of(mo, i, p, r, &c);
		finite = sw->runs ?
			hinge_binary_row_line_runs(c, y, from_scores[0], to_scores[0], x, d, s, diff,
									   diff_comp) :
			hinge_binary_row_line_points(mo->loss, mo->gamma, c, y, from_scores[0],
										 to_scores[0], s, s + LINE_POINTS);
	}
	if (!finite)
		hinge_overflow_error();
	if (sw->plane_at != NULL)
	{
		/* the plane's point: the row's scores there, interpolated as the line's are */
		float8	   *scores = mo->plane_scratch;

		hinge_line_point(from_scores, to_scores, mo->score_width, sw->plane_at[p], scores);
		add_row_plane(mo, i, x, p, r, scores, scores + mo->k, s + HINGE_LINE_SUMS);
	}
}

/*
 * Each problem's risk at the line's grid points, and with line_planes its
 * subgradients there; with plane_at (line_plane), each problem's plane at
 * grid point plane_at[p] too, from the same scores in the same sweep (a
 * row's loss and subgradient at the score the line gives it there),
 * in planes.
 */
static void
line_sweep(HingeMemoryOracle *mo, const float8 *from, const float8 *to, float8 *risks,
		   float8 *subgradients, const int *plane_at, float8 *planes)
{
	HingeOracle *oracle = &mo->oracle;
	int			d = oracle->d;
	Size		diffs = oracle->line_planes ? (Size) LINE_POINTS * d : 0;
	Size		plane = plane_at != NULL ? 2 + 2 * (Size) d : 0;
	Sweep		sw = {from, to, HINGE_LINE_SUMS + 2 * diffs + plane, diffs,
		mo->task == HINGE_TASK_MULTICLASS || mo->loss == HINGE_LOSS_HINGE, false,
		mo->from_scores != NULL,
		mo->from_scores != NULL && mo->scores_valid && mo->reuses < MAX_REUSES,
	plane_at};
	float8	   *sums;
	int			p;

	Assert(plane_at == NULL || diffs == 0);	/* the plane's sums follow the line's */
	mo->reuses = sw.reuse_scores ? mo->reuses + 1 : 0;
	/* until the solver says where the next line starts */
	mo->scores_valid = false;
	sums = sweep(mo, &sw, line_step);

	for (p = 0; p < oracle->n_problems; p++)
	{
		const float8 *s = sums + p * sw.stride;
		float8		n = mo->rows_of[p / mo->per_fold];

		hinge_line_risks(s, sw.runs, n, risks + (Size) p * LINE_POINTS);
		if (diffs > 0)
			hinge_line_subgradients(s + HINGE_LINE_SUMS, s + HINGE_LINE_SUMS + diffs, d, n,
									mo->scratch, subgradients + (Size) p * LINE_POINTS * d, d);
		if (plane_at != NULL)
			plane_row(s + HINGE_LINE_SUMS, d, n, planes + (Size) p * (d + 1));
	}
}

static void
memory_line(HingeOracle *oracle, const float8 *from, const float8 *to,
			float8 *risks, float8 *subgradients)
{
	line_sweep((HingeMemoryOracle *) oracle, from, to, risks, subgradients, NULL, NULL);
}

static void
memory_line_plane(HingeOracle *oracle, const float8 *from, const float8 *to,
				  float8 *risks, const int *at, float8 *planes)
{
	line_sweep((HingeMemoryOracle *) oracle, from, to, risks, NULL, at, planes);
}

/* Where the next line starts (solver.h) */
static void
memory_line_moved(HingeOracle *oracle, const float8 *alphas)
{
	HingeMemoryOracle *mo = (HingeMemoryOracle *) oracle;

	mo->scores_valid = alphas != NULL;
	if (alphas != NULL)
		memcpy(mo->moved, alphas, sizeof(float8) * oracle->n_problems);
}

/*
 * The rows' scores at the ends of a line are kept when they fit the
 * budget beside the rows: 2 x rows x problems x scores a problem.
 */
static void
init_score_cache(HingeMemoryOracle *mo)
{
	HingeOracle *oracle = &mo->oracle;
	Size		bytes;

	mo->score_width = mo->task == HINGE_TASK_MULTICLASS ? mo->k : 1;
	bytes = 2 * sizeof(float8) * (Size) mo->rows->n * oracle->n_problems * mo->score_width;
	if (mo->rows->n == 0 || mo->rows->bytes + bytes > hinge_row_set_budget())
		return;
	mo->from_scores = MemoryContextAllocHuge(mo->context, bytes / 2);
	mo->to_scores = MemoryContextAllocHuge(mo->context, bytes / 2);
	mo->moved = palloc0(sizeof(float8) * oracle->n_problems);
	oracle->line_moved = memory_line_moved;
}

/*
 * fold_class_weights: each fold problem's class weights, n_folds x (2, or
 * k classes); NULL, the spec's for every fold problem.
 */
void
hinge_memory_oracle_init(HingeMemoryOracle *mo, const HingeRowSet *rows,
						 const HingeTrainSpec *spec, int n_folds, const int32 *left_out,
						 const float8 *fold_class_weights)
{
	HingeOracle *oracle = &mo->oracle;
	bool		multiclass = hinge_spec_is_multiclass(spec);
	bool		one_vs_rest = hinge_spec_is_one_vs_rest(spec);
	int64		i;
	int			f;

	memset(mo, 0, sizeof(*mo));
	mo->context = CurrentMemoryContext;
	mo->rows = rows;
	mo->task = one_vs_rest ? HINGE_TASK_ONE_VS_REST :
		multiclass ? HINGE_TASK_MULTICLASS : HINGE_TASK_BINARY;
	mo->loss = multiclass ? HINGE_LOSS_HINGE : hinge_loss_by_name(spec->loss);
	mo->gamma = spec->gamma;
	if (mo->task == HINGE_TASK_MULTICLASS)
		mo->variant = hinge_multiclass_variant(spec->multiclass);
	mo->k = spec->n_rows;
	mo->cols = spec->n_columns;
	mo->n_folds = Max(n_folds, 1);
	mo->left_out = left_out;
	mo->per_fold = one_vs_rest ? spec->n_rows : 1;
	mo->class_weights = fold_class_weights != NULL ? fold_class_weights : spec->class_weights;
	mo->weights_stride = fold_class_weights != NULL ? (multiclass ? mo->k : 2) : 0;

	oracle->n_problems = mo->n_folds * mo->per_fold;
	oracle->d = one_vs_rest ? spec->n_columns : spec->n_weights;
	/* the hinge's subgradients are constant between kinks: see rows.h */
	oracle->line_planes = mo->loss == HINGE_LOSS_HINGE &&
		(Size) oracle->n_problems * oracle->d <= LINE_PLANES_MAX_WEIGHTS;
	oracle->planes = memory_planes;
	oracle->line = memory_line;
	if (!oracle->line_planes)
	{
		oracle->line_plane = memory_line_plane;
		mo->plane_scratch = palloc(sizeof(float8) * 2 * mo->k);
	}
	init_score_cache(mo);

	/* 2k scores and 3k of a line's scratch, or the running sums of d */
	mo->scratch = palloc(sizeof(float8) * Max(5 * mo->k, oracle->d));
	mo->rows_of = palloc0(sizeof(float8) * mo->n_folds);
	if (left_out != NULL)
	{
		mo->held_sums = palloc0(sizeof(float8) * mo->n_folds * HINGE_HELD_SUMS(held_classes(mo)));
		mo->held_out = palloc0(sizeof(float8) * mo->n_folds * HINGE_CV_HELD(held_classes(mo)));
	}
	for (f = 0; f < mo->n_folds; f++)
		for (i = 0; i < rows->n; i++)
			mo->rows_of[f] += counts(mo, i, f);
	for (f = 0; f < mo->n_folds; f++)
		if (mo->rows_of[f] == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("a problem of the training has no rows"),
					 errhint("Every fold must leave rows to train on.")));
}
