/*
 * row_features.h
 *		The features of a trigger's row, read as its model reads them
 *		(row_features.c): the scoring and the learning triggers share it.
 */
#ifndef HINGE_ROW_FEATURES_H
#define HINGE_ROW_FEATURES_H

#include "access/htup.h"
#include "access/htup_details.h"
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
extern void hinge_row_features_copy(HingeRowFeatures *copy, const HingeRowFeatures *rf);
extern bool hinge_row_features_read(HingeRowFeatures *rf, HeapTuple tuple, TupleDesc tupdesc,
									HingeModel *model, MemoryContext mcxt, HingeVector *x);

/*
 * The columns a model reads, found by name in a row type (a row passed
 * whole to a scoring function): found once per row type and model reading
 */
typedef struct HingeRecordColumns
{
	uint64		model_version;	/* the model reading they were found for */
	Oid			type;
	int32		typmod;
	int			n_columns;
	AttrNumber *attnums;
	Oid		   *types;			/* base types */
	Datum	   *values;
	bool	   *isnull;
	int			row_natts;
	Datum	   *row_values;		/* every column of the row, deformed */
	bool	   *row_isnull;
	HingeEncodedRow row;
} HingeRecordColumns;

extern void hinge_record_columns_find(HingeRecordColumns *rc, HingeModel *model,
									  HeapTupleHeader header, Oid namespace);
extern bool hinge_record_columns_valid(const HingeRecordColumns *rc, const HingeModel *model,
									   HeapTupleHeader header);
extern bool hinge_record_features(HingeRecordColumns *rc, HingeModel *model,
								  HeapTupleHeader header, HingeVector *x);

#endif							/* HINGE_ROW_FEATURES_H */
