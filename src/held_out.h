/*
 * held_out.h
 *		What a fold's model does on the rows of its own fold, the scores of
 *		a cross-validation: one formula for the folds' aggregates
 *		(cv_accum.c) and for rows held in memory (memory_oracle.c).
 *
 * A fold's held-out sums: [0] rows, [1] the sum of their losses, [2] its
 * compensation, then k rows of each class, k of them predicted right, k
 * predicted as each class (HINGE_HELD_SUMS(k) in all).  hinge_held_out_block
 * turns them into cv.h's block.  The loss is the model's own, as
 * hinge_evaluate's mean_loss: a binary model's loss, the multiclass loss of
 * its variant, or for one-vs-rest the sum of the k binary hinges; no class
 * weights.
 */
#ifndef HINGE_HELD_OUT_H
#define HINGE_HELD_OUT_H

#include "cv.h"
#include "finite.h"
#include "kernels.h"
#include "losses.h"
#include "multiclass.h"

#define HINGE_HELD_ROWS		0
#define HINGE_HELD_LOSS		1
#define HINGE_HELD_COMP		2
#define HINGE_HELD_CLASSES	3
#define HINGE_HELD_SUMS(k)	HINGE_CV_HELD(k)

/* Adds a held-out row of class truth, predicted as predicted, of this loss */
static inline void
hinge_held_out_add(float8 *held, int k, int truth, int predicted, float8 loss)
{
	held[HINGE_HELD_ROWS] += 1;
	hinge_compensated_add(&held[HINGE_HELD_LOSS], &held[HINGE_HELD_COMP], hinge_check_result(loss));
	held[HINGE_HELD_CLASSES + truth] += 1;
	held[HINGE_HELD_CLASSES + k + truth] += (predicted == truth);
	held[HINGE_HELD_CLASSES + 2 * k + predicted] += 1;
}

/* A binary model's row of label y (-1 or +1) and score s */
static inline void
hinge_held_out_binary(float8 *held, HingeLoss loss, float8 gamma, float8 y, float8 s)
{
	float8		unused;

	hinge_held_out_add(held, 2, y > 0 ? 1 : 0, s > 0.0 ? 1 : 0,
					   hinge_loss_of_violation(loss, gamma, 1.0 - y * s, &unused));
}

/*
 * A multiclass model's row of class truth (0-based) and the k scores of
 * its classes; one-vs-rest, or the multiclass loss of variant.
 */
static inline void
hinge_held_out_multiclass(float8 *held, bool one_vs_rest, HingeMulticlassVariant variant,
						  int truth, const float8 *scores, int k)
{
	int			predicted = 0,
				r;
	float8		loss = 0.0;

	/* the first class of the highest score, as hinge_predict */
	for (r = 1; r < k; r++)
		if (scores[r] > scores[predicted])
			predicted = r;
	if (one_vs_rest)
		for (r = 0; r < k; r++)
			loss += hinge_of_violation(1.0 - (r == truth ? 1.0 : -1.0) * scores[r]);
	else
		loss = hinge_multiclass_loss(scores, k, truth, variant, 1.0, NULL);
	hinge_held_out_add(held, k, truth, predicted, loss);
}

/* cv.h's block of a fold, from its held-out sums and its training rows */
static inline void
hinge_held_out_block(const float8 *held, int k, float8 train_rows, float8 *block)
{
	int			i;

	block[HINGE_CV_TRAIN_ROWS] = train_rows;
	block[HINGE_CV_HELD_ROWS] = held[HINGE_HELD_ROWS];
	block[HINGE_CV_HELD_LOSS] = hinge_check_result(held[HINGE_HELD_LOSS] + held[HINGE_HELD_COMP]);
	for (i = 0; i < 3 * k; i++)
		block[HINGE_CV_CLASS_ROWS + i] = held[HINGE_HELD_CLASSES + i];
}

#endif							/* HINGE_HELD_OUT_H */
