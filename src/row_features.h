/*
 * row_features.h
 *		The features of a trigger's row, read as its model reads them
 *		(row_features.c): the scoring and the learning triggers share it.
 */
#ifndef HINGE_ROW_FEATURES_H
#define HINGE_ROW_FEATURES_H

#include "access/htup.h"
#include "utils/relcache.h"

#include "encoding.h"
#include "model.h"

typedef struct HingeRowFeatures
{
	int			n_columns;
	AttrNumber *columns;
	Oid		   *types;			/* base types */
	bool		encoded;		/* read through the model's encoding */
	float8	   *numbers;		/* a plain list of numbers, per row */
	Datum	   *values;
	bool	   *isnull;
	HingeEncodedRow row;
} HingeRowFeatures;

extern void hinge_row_features_plan(HingeRowFeatures *rf, Relation rel, const char *arg,
									HingeModel *model, Oid namespace);
extern bool hinge_row_features_read(HingeRowFeatures *rf, HeapTuple tuple, TupleDesc tupdesc,
									HingeModel *model, MemoryContext mcxt, HingeVector *x);

#endif							/* HINGE_ROW_FEATURES_H */
