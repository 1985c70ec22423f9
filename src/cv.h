/*
 * cv.h
 *		Cross-validation: what its parts share.  The aggregates of the
 *		folds (cv_accum.c) train every fold's model from one scan: a row
 *		with fold f is a training row of every other fold's model and a
 *		held-out row of fold f's.  Folds (folds.c) say which rows each fold
 *		holds; the search (cross_validate.c) runs the lambda path.
 */
#ifndef HINGE_CV_H
#define HINGE_CV_H

#include "compat.h"

/* At most this many folds */
#define HINGE_MAX_FOLDS		1000

/*
 * After the planes of its problems, the final result of a cross-validation
 * planes aggregate holds a block of HINGE_CV_HELD(k) numbers per fold, what
 * fold f's model did on fold f's rows:
 */
#define HINGE_CV_TRAIN_ROWS		0	/* rows the model was trained on */
#define HINGE_CV_HELD_ROWS		1	/* held-out rows */
#define HINGE_CV_HELD_LOSS		2	/* the sum of their losses (unweighted) */
#define HINGE_CV_CLASS_ROWS		3	/* then k: held-out rows of each class */
/* then k: of them, predicted right; then k: rows predicted as each class */
#define HINGE_CV_HELD(k)		(3 + 3 * (k))

#endif							/* HINGE_CV_H */
