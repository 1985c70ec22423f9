/*
 * memory_oracle.h
 *		The risk of a training evaluated over rows held in memory
 *		(memory_oracle.c): the same per-row formulas as the aggregates
 *		(rows.h), without a query per pass.
 *
 * Problems side by side: one (binary, or a multiclass matrix) or k
 * (one-vs-rest's classes) per fold problem; fold problem f leaves out the
 * rows whose fold is left_out[f] (cross-validation), or none.  Problem p is
 * fold problem p / per_fold, class p % per_fold.  With folds, every sweep
 * for planes also scores each fold problem's model at its point on the
 * rows it leaves out: held_out gets cv.h's block per fold problem.
 */
#ifndef HINGE_MEMORY_ORACLE_H
#define HINGE_MEMORY_ORACLE_H

#include "losses.h"
#include "multiclass.h"
#include "rowset.h"
#include "train.h"

typedef enum HingeTask
{
	HINGE_TASK_BINARY,
	HINGE_TASK_MULTICLASS,		/* Crammer-Singer or Weston-Watkins */
	HINGE_TASK_ONE_VS_REST
} HingeTask;

typedef struct HingeMemoryOracle
{
	HingeOracle oracle;			/* first: the solver sees this */
	const HingeRowSet *rows;
	HingeTask	task;
	HingeLoss	loss;			/* binary */
	float8		gamma;
	HingeMulticlassVariant variant; /* multiclass */
	int			k;				/* classes; binary 1 */
	int			cols;			/* weights per class */
	const float8 *class_weights;	/* binary c_-, c_+; else per class */
	int			weights_stride; /* from one fold problem's to the next's: 0, shared */
	int			n_folds;		/* fold problems */
	const int32 *left_out;		/* n_folds folds left out, or NULL */
	int			per_fold;		/* problems per fold problem */
	float8	   *rows_of;		/* per fold problem: rows it counts */
	float8	   *held_out;		/* folds: the blocks of the last planes sweep */
	float8	   *held_sums;		/* folds: their sums (held_out.h) */
	/*
	 * Each row's scores in each problem at the last line's two ends
	 * (n_rows x n_problems x score_width each), or NULL: the next line's
	 * start is a point of the last line (moved), its scores interpolated
	 * there rather than computed again, when scores_valid
	 */
	int			score_width;	/* scores per row and problem: k, or 1 */
	float8	   *from_scores;
	float8	   *to_scores;
	float8	   *moved;			/* per problem: the alpha the next line starts at */
	bool		scores_valid;
	int			reuses;			/* lines since the scores were computed afresh */
	float8	   *sums;			/* working memory of a sweep */
	float8	   *scratch;
	float8	   *plane_scratch;	/* line_plane: k scores and k coefficients */
	Size		sums_length;
	MemoryContext context;		/* where they live */
} HingeMemoryOracle;

extern void hinge_memory_oracle_init(HingeMemoryOracle *mo, const HingeRowSet *rows,
									 const HingeTrainSpec *spec, int n_folds,
									 const int32 *left_out, const float8 *fold_class_weights);

#endif							/* HINGE_MEMORY_ORACLE_H */
