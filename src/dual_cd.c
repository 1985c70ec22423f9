/*
 * dual_cd.c
 *		Dual coordinate descent for a binary linear SVM whose rows are in
 *		memory (Hsieh, Chang, Lin, Keerthi and Sundararajan, "A dual
 *		coordinate descent method for large-scale linear SVM", ICML 2008:
 *		liblinear's solver for -s 1, 2 and 3).  It gives a training on
 *		passes its start, the solution on a sample of the rows: each of its
 *		epochs moves the weights after every row, where a bundle sweep
 *		gives one plane, so the sample is solved in a few epochs instead of
 *		tens of sweeps.  What it returns is only a start.  The working set
 *		of a training on passes (working_set.c) also takes its certified
 *		lower bound from here: hinge_dual_cd_bound, the dual of all the
 *		rows, with those kept in memory free and the others fixed.
 *
 * The objective, lambda/2 ||w||^2 + (1/n) sum_i c_i loss(1 - y_i w.x_i)
 * (x_i with a 1 appended for an intercept, regularised as every weight
 * is), divided by lambda, is 1/2 ||w||^2 + sum_i C_i loss(...) with
 * C_i = c_i / (lambda n).  Each loss is a maximum over a dual variable:
 * C loss(v) = max over 0 <= a <= U of (a v - D/2 a^2), with
 *		hinge			U = C, D = 0
 *		squared hinge	U = infinity, D = 1 / (2 C)
 *		smooth hinge	U = C, D = gamma / C
 * so the dual is: maximise sum_i a_i - 1/2 ||w(a)||^2 - sum_i D_i/2 a_i^2
 * over 0 <= a_i <= U_i, with w(a) = sum_i a_i y_i x_i.  A coordinate step
 * maximises it in a_i alone: a_i - G / (x_i.x_i + D_i), clipped to the box,
 * G = y_i w.x_i - 1 + D_i a_i its gradient; w follows it.
 */
#include "postgres.h"

#include <math.h>

#include "miscadmin.h"
#include "utils/float.h"

#include "dual_cd.h"
#include "kernels.h"
#include "losses.h"
#include "mix64.h"

/* How often the duality gap is checked: its primal costs half an epoch */
#define DUAL_CD_GAP_EVERY	2
#define DUAL_CD_SEED		UINT64CONST(20081208)

typedef struct DualRow
{
	float8		weight;			/* C_i */
	float8		upper;			/* U_i */
	float8		diag;			/* D_i */
	float8		q;				/* x_i.x_i + D_i */
} DualRow;

bool
hinge_dual_cd_applies(const HingeTrainSpec *spec)
{
	return !hinge_spec_is_multiclass(spec);
}

/* U_i and D_i of a row whose loss weighs C (C > 0) */
static void
dual_box(HingeLoss loss, float8 gamma, float8 C, DualRow *r)
{
	switch (loss)
	{
		case HINGE_LOSS_HINGE:
			r->upper = C;
			r->diag = 0.0;
			break;
		case HINGE_LOSS_SQUARED:
			r->upper = get_float8_infinity();
			r->diag = 1.0 / (2.0 * C);
			break;
		default:
			r->upper = C;
			r->diag = gamma / C;
			break;
	}
}

/*
 * The objective and the dual at alpha and w as the epochs left them, and
 * their gap relative to the objective; both are computed divided by
 * lambda, as the epochs work, and reported as spec's objective is
 */
static void
measure_progress(const HingeRowSet *rows, const DualRow *dual, const float8 *alpha,
				 const float8 *w, int cols, HingeLoss loss, float8 gamma, float8 lambda,
				 HingeDualProgress *progress)
{
	float8		half_ww = 0.5 * hinge_dot_f8(w, w, cols);
	float8		primal = half_ww;
	float8		dual_value = -half_ww;
	int64		i;

	for (i = 0; i < rows->n; i++)
	{
		float8		dloss,
					v;

		if (dual[i].weight == 0.0)
			continue;
		v = 1.0 - rows->y[i] * hinge_row_score(w, cols, hinge_row_set_row(rows, i));
		primal += dual[i].weight * hinge_loss_of_violation(loss, gamma, v, &dloss);
		dual_value += alpha[i] - 0.5 * dual[i].diag * alpha[i] * alpha[i];
	}
	progress->objective = lambda * primal;
	progress->dual = lambda * dual_value;
	if (!isfinite(primal) || primal <= 0.0)
		progress->gap = primal == 0.0 ? 0.0 : get_float8_infinity();
	else
		progress->gap = (primal - dual_value) / primal;
}

/*
 * Each row's C_i = c_i / (lambda n), its box and diagonal (dual[]), its
 * place in order[], and for a row of zeros under the hinge, alpha_i = C_i:
 * its best dual value, which moves no weight.
 */
static void
set_up_rows(const HingeRowSet *rows, const HingeTrainSpec *spec, HingeLoss loss, float8 n,
			DualRow *dual, float8 *alpha, int64 *order)
{
	bool		intercept = spec->n_columns > rows->n_features;
	int64		i;

	for (i = 0; i < rows->n; i++)
	{
		float8		C = hinge_spec_class_weight(spec, rows->y[i]) / (spec->lambda * n);

		order[i] = i;
		if (!(C > 0.0))
		{
			dual[i].weight = dual[i].upper = dual[i].diag = dual[i].q = 0.0;
			continue;
		}
		dual[i].weight = C;
		dual_box(loss, spec->gamma, C, &dual[i]);
		dual[i].q = dual[i].diag + hinge_squared_length(hinge_row_set_row(rows, i)) +
			(intercept ? 1.0 : 0.0);
		if (dual[i].q == 0.0)
			alpha[i] = dual[i].upper;
	}
}

/*
 * One epoch: every row's coordinate step, in a new order (Fisher-Yates,
 * the same on every run); w = (offset +) sum_i alpha_i y_i x_i follows.
 * Returns how much the dual rose: a step t on alpha_i raises it by
 * -G t - q t^2 / 2.
 */
static float8
run_epoch(const HingeRowSet *rows, const DualRow *dual, float8 *alpha, float8 *w, int cols,
		  int64 *order, uint64 *random_state)
{
	float8		rise = 0.0;
	int64		i;

	CHECK_FOR_INTERRUPTS();
	for (i = rows->n - 1; i > 0; i--)
	{
		int64		j = (int64) (hinge_splitmix64(random_state) % (uint64) (i + 1));
		int64		t = order[i];

		order[i] = order[j];
		order[j] = t;
	}
	for (i = 0; i < rows->n; i++)
	{
		int64		r = order[i];
		HingeVector x;
		float8		y = rows->y[r],
					g,
					a;

		if (dual[r].q == 0.0)
			continue;
		x = hinge_row_set_row(rows, r);
		g = y * hinge_row_score(w, cols, x) - 1.0 + dual[r].diag * alpha[r];
		/* the projected gradient is 0 at a bound it points out of */
		if ((alpha[r] == 0.0 && g >= 0.0) || (alpha[r] == dual[r].upper && g <= 0.0))
			continue;
		a = Min(Max(alpha[r] - g / dual[r].q, 0.0), dual[r].upper);
		if (a == alpha[r])
			continue;
		hinge_add_row(w, cols, (a - alpha[r]) * y, x);
		rise -= (a - alpha[r]) * (g + 0.5 * dual[r].q * (a - alpha[r]));
		alpha[r] = a;
	}
	return rise;
}

float8 *
hinge_dual_cd_solve(const HingeRowSet *rows, const HingeTrainSpec *spec, float8 tolerance,
					int max_epochs, HingeDualProgress *progress)
{
	int			cols = spec->n_columns;
	HingeLoss	loss = hinge_loss_by_name(spec->loss);
	float8	   *w = palloc0(sizeof(float8) * cols);
	/* 48 bytes a row: past 1 GB for a sample of 22 million rows */
	float8	   *alpha = MemoryContextAllocExtended(CurrentMemoryContext, sizeof(float8) * rows->n,
												   MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	DualRow    *dual = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(DualRow) * rows->n);
	int64	   *order = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(int64) * rows->n);
	uint64		random_state = DUAL_CD_SEED;
	int64		i;
	int			epoch;

	Assert(hinge_dual_cd_applies(spec) && rows->y != NULL);
	set_up_rows(rows, spec, loss, (float8) rows->n, dual, alpha, order);

	progress->objective = progress->dual = get_float8_nan();
	progress->gap = get_float8_infinity();
	for (epoch = 1; epoch <= max_epochs && progress->gap > tolerance; epoch++)
	{
		(void) run_epoch(rows, dual, alpha, w, cols, order, &random_state);
		if (epoch % DUAL_CD_GAP_EVERY == 0)
			measure_progress(rows, dual, alpha, w, cols, loss, spec->gamma, spec->lambda,
							 progress);
	}
	pfree(order);
	pfree(dual);
	pfree(alpha);
	for (i = 0; i < cols; i++)
		if (!isfinite(w[i]))
		{
			pfree(w);
			return NULL;
		}
	return w;
}

/*
 * w = offset + sum_i alpha_i y_i (x_i, 1) over rows; returns sum_i alpha_i
 */
static float8
weights_of(const HingeRowSet *rows, const float8 *alpha, const float8 *offset, int cols,
		   float8 *w)
{
	float8		mass = 0.0;
	int64		i;

	memcpy(w, offset, sizeof(float8) * cols);
	for (i = 0; i < rows->n; i++)
	{
		if (alpha[i] == 0.0)
			continue;
		mass += alpha[i];
		hinge_add_row(w, cols, alpha[i] * rows->y[i], hinge_row_set_row(rows, i));
	}
	return mass;
}

/*
 * The dual of all the rows with only some of them free: every other row
 * keeps its dual value at the top of its box, c_i (scaled as the epochs
 * work, C_i = c_i / (lambda n_all)), summed up in fixed_sum (sum c_i y_i
 * (x_i, 1)) and fixed_mass (sum c_i).  By weak duality, any alpha in the
 * box gives a lower bound on the optimum of all the rows, however far from
 * their best the fixed ones are: lambda (sum_i alpha_i - 1/2
 * ||w(alpha)||^2), hinge loss.  The free rows start at share[i] of their
 * box (0 or 1: the subgradient's); the epochs move them, at most
 * max_epochs of them, until one raises the bound by less than stop_below
 * (*epochs: how many); then w(alpha) is summed anew, so that the bound is
 * the dual's value at the alphas returned, not at weights the steps
 * drifted to (only the rounding of that one sum remains, about 1e-16 of
 * the norm).  w gets w(alpha): when the fixed rows hold their optimal dual
 * values, a point near the optimum.  share is overwritten.
 */
float8
hinge_dual_cd_bound(const HingeRowSet *rows, const HingeTrainSpec *spec, int64 n_all,
					const float8 *fixed_sum, float8 fixed_mass, float8 *share, int max_epochs,
					float8 stop_below, float8 *w, int *epochs)
{
	int			cols = spec->n_columns;
	float8		scale = 1.0 / (spec->lambda * (float8) n_all);
	float8	   *alpha = share;
	float8	   *offset = palloc(sizeof(float8) * cols);
	DualRow    *dual = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(DualRow) * Max(rows->n, 1));
	int64	   *order = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(int64) * Max(rows->n, 1));
	uint64		random_state = DUAL_CD_SEED;
	float8		value;
	int64		i;
	int			j,
				epoch;

	Assert(strcmp(spec->loss, "hinge") == 0 && !hinge_spec_is_multiclass(spec));
	for (j = 0; j < cols; j++)
		offset[j] = fixed_sum[j] * scale;
	for (i = 0; i < rows->n; i++)
		alpha[i] = share[i] * hinge_spec_class_weight(spec, rows->y[i]) * scale;
	set_up_rows(rows, spec, HINGE_LOSS_HINGE, (float8) n_all, dual, alpha, order);
	(void) weights_of(rows, alpha, offset, cols, w);
	for (epoch = 1; epoch <= max_epochs; epoch++)
		if (spec->lambda * run_epoch(rows, dual, alpha, w, cols, order, &random_state) < stop_below)
			break;
	*epochs = Min(epoch, max_epochs);

	value = fixed_mass * scale + weights_of(rows, alpha, offset, cols, w);
	pfree(offset);
	pfree(order);
	pfree(dual);
	return spec->lambda * (value - 0.5 * hinge_dot_f8(w, w, cols));
}
