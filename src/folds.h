/*
 * folds.h
 *		Which rows each fold of a cross-validation holds (folds.c): read
 *		from a column of fold numbers, or assigned from a hash of each
 *		row's features, stratified by class; counted per fold and class.
 */
#ifndef HINGE_FOLDS_H
#define HINGE_FOLDS_H

#include "passes.h"
#include "source.h"

typedef struct HingeFolds
{
	int			n_folds;
	char	   *fold_column;	/* raw column name, or NULL: by hashing */
	int			n_classes;
	int64	   *rows;			/* n_folds x n_classes: rows of each class */
	int64	   *train_rows;		/* n_folds: the rows of the other folds */
	ArrayType  *cuts;			/* by hashing: n_classes x (n_folds - 1) */
} HingeFolds;

extern void hinge_folds_init(HingeFolds *folds, HingeRowSource *src, const char *ext,
							 int n_folds, const char *fold_column);
extern char *hinge_folds_sql(const HingeFolds *folds, HingeRowSource *src,
							 const char *ext, HingeParams *params);

#endif							/* HINGE_FOLDS_H */
