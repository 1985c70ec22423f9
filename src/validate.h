/*
 * validate.h
 *		The one argument validator: every SQL-callable function checks its
 *		arguments here before any work, so that hot loops run without
 *		checks and every error reads the same way (the message names the
 *		argument and the values, the hint says how to fix it).
 */
#ifndef HINGE_VALIDATE_H
#define HINGE_VALIDATE_H

#include "access/htup.h"
#include "fmgr.h"

#include "vector.h"

extern HingeVector hinge_vector_arg(ArrayType *array, const char *what);

/*
 * The features argument argno of a function called for each row of a
 * scan, after asking for the next row's bytes (hinge_prefetch_next_row)
 */
static pg_attribute_always_inline HingeVector
hinge_features_arg(FunctionCallInfo fcinfo, int argno)
{
	hinge_prefetch_next_row(DatumGetPointer(PG_GETARG_DATUM(argno)));
	return hinge_vector_arg(PG_GETARG_ARRAYTYPE_P(argno), "features");
}
extern void hinge_check_weights_for_sparse(FunctionCallInfo fcinfo, int argno,
										   HingeVector w, HingeVector x,
										   const char *what);
extern HingeMatrix hinge_matrix_arg(ArrayType *array, const char *what);
extern Datum hinge_call_with_text_features(FunctionCallInfo fcinfo, PGFunction fn);
extern void hinge_check_not_null(FunctionCallInfo fcinfo, int argno,
								 const char *what, const char *hint);
extern void hinge_check_label(float8 y);
extern void hinge_check_class_label(int32 label, int n_classes);
extern void hinge_check_margin(float8 margin);
extern void hinge_check_positive(float8 value, const char *what,
								 const char *hint);
extern void hinge_check_nonnegative(float8 value, const char *what,
									const char *hint);
extern void hinge_check_between(float8 value, float8 low, float8 high,
								const char *what, const char *hint);
extern void hinge_check_at_least(float8 value, float8 low, const char *what,
								 const char *hint);
extern void hinge_check_int_between(int value, int low, int high,
									const char *what, const char *hint);
extern bool hinge_has_intercept(int n_weights, int n_features,
								const char *weights_what);
extern HeapTuple hinge_trigger_row(FunctionCallInfo fcinfo, const char *name,
								   bool before);
pg_noreturn extern void hinge_argument_error(const char *message, const char *hint);
pg_noreturn extern void hinge_row_width_error(int n_features, int expected,
											  const char *weights_what);

#endif							/* HINGE_VALIDATE_H */
