/*
 * labels.h
 *		Class labels: the values of a label column as a model stores them.
 *
 * A model keeps its classes as text, so that one model serves label
 * columns of other types that read the same values (1 in an integer or a
 * numeric column).  That text must not depend on the session: a date class
 * written under DateStyle 'SQL, DMY' and read under 'ISO, MDY' would be
 * another day.  So labels are written and read in canonical settings
 * (ISO dates, UTC, the shortest exact floats, hex bytea), and queries
 * compare label columns with class values passed as typed parameters,
 * never as text pasted into SQL.
 */
#ifndef HINGE_LABELS_H
#define HINGE_LABELS_H

#include "fmgr.h"

/* A label column's type, with what comparing and printing its values needs */
typedef struct HingeLabelType
{
	Oid			type;
	Oid			array_type;		/* type[], for a list of classes */
	char	   *equals;			/* OPERATOR(schema.=), safe from search_path */
	Oid			output;
	Oid			input;
	Oid			ioparam;
	bool		canonical;		/* its text does not depend on settings */
} HingeLabelType;

extern void hinge_label_type_io(HingeLabelType *lt, Oid type);
extern void hinge_label_type_init(HingeLabelType *lt, Oid type,
								  const char *column);
extern void hinge_label_texts(HingeLabelType *lt, const Datum *values, int n,
							  char **texts);
extern bool hinge_label_values(HingeLabelType *lt, char *const *texts, int n,
							   Datum *values);
extern char *hinge_label_text_of(Oid type, Datum value);

#endif							/* HINGE_LABELS_H */
