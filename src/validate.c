/*
 * validate.c
 *		The one input validator of the hinge extension.
 *
 * Every SQL-callable function checks its arguments here before any work, so
 * that the hot loops can run without checks and every error reads the same
 * way: the message names the argument and the values, the detail says where,
 * the hint says how to fix it.  See hinge.h for the NaN/Infinity policy.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "common/shortest_dec.h"
#include "fmgr.h"
#include "utils/float.h"

#include "hinge.h"

PG_MODULE_MAGIC;

/*
 * A value as the shortest text that reads back exactly, whatever
 * extra_float_digits says: "0.9999999999999999", never a misleading "1".
 */
static char *
exact_text(float8 value)
{
	return double_to_shortest_decimal(value);
}

static const char *
nonfinite_name(float8 value)
{
	if (isnan(value))
		return "NaN";
	return value > 0 ? "Infinity" : "-Infinity";
}

static pg_attribute_noreturn() void
report_nonfinite_element(const char *what, int index, float8 value)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s must not contain NaN or Infinity", what),
			 errdetail("Element %d is %s.", index + 1, nonfinite_name(value)),
			 errhint("hinge accepts finite numbers only: replace or filter out NaN and Infinity before calling.")));
}

/* Position (1-based) of the first NULL element of an array known to have one */
static int
first_null_position(ArrayType *array, int nitems)
{
	bits8	   *bitmap = ARR_NULLBITMAP(array);
	int			i;

	for (i = 0; i < nitems; i++)
		if (!(bitmap[i / 8] & (1 << (i % 8))))
			return i + 1;
	return 0;
}

/*
 * Checks what every array argument must satisfy whatever its shape: a known
 * element type, no NULL elements, not empty, not absurdly large.  Returns
 * the number of elements.
 */
static int
check_array_common(ArrayType *array, const char *what)
{
	Oid			elemtype = ARR_ELEMTYPE(array);
	int			nitems;

	if (elemtype != FLOAT8OID && elemtype != FLOAT4OID)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("%s must be an array of double precision or real", what)));

	nitems = ArrayGetNItems(ARR_NDIM(array), ARR_DIMS(array));
	if (nitems == 0)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("%s must not be empty", what),
				 errhint("Pass at least one element.")));
	if (nitems > HINGE_MAX_ELEMENTS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s array is too large", what),
				 errdetail("It has %d elements; the limit is %d.",
						   nitems, HINGE_MAX_ELEMENTS)));
	if (ARR_HASNULL(array) && array_contains_nulls(array))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not contain NULL elements", what),
				 errdetail("Element %d is NULL.",
						   first_null_position(array, nitems)),
				 errhint("Replace NULL elements (for example with array_replace or COALESCE) or filter those rows out.")));
	return nitems;
}

/*
 * Validates a one-dimensional float8[] or real[] argument and returns a view
 * of its data.  Finiteness is not checked here: see hinge.h.
 */
HingeVector
hinge_vector_arg(ArrayType *array, const char *what)
{
	HingeVector v;

	/* an empty array has zero dimensions: report it as empty, not 0-D */
	if (ARR_NDIM(array) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("%s must be a one-dimensional array, not %d-dimensional",
						what, ARR_NDIM(array)),
				 errhint("Pass a flat array such as ARRAY[1.5, -2, 0.25].")));

	v.n = check_array_common(array, what);
	v.is_float4 = ARR_ELEMTYPE(array) == FLOAT4OID;
	v.data = ARR_DATA_PTR(array);
	return v;
}

/*
 * Validates a two-dimensional float8[]: one row per class, or for a line
 * (what "line") the two ends of a segment of weights, stacked
 */
HingeMatrix
hinge_matrix_arg(ArrayType *array, const char *what)
{
	HingeMatrix m;
	bool		is_line = strcmp(what, "line") == 0;
	int			nitems PG_USED_FOR_ASSERTS_ONLY;

	if (ARR_NDIM(array) != 2 && ARR_NDIM(array) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("%s must be a two-dimensional array, not %d-dimensional",
						what, ARR_NDIM(array)),
				 is_line ?
				 errhint("Pass the segment's two ends: ARRAY[w_from, w_to] for a weight vector, array_cat(W_from, W_to) for weight matrices.") :
				 errhint("Pass one row per class, such as ARRAY[[1, 0], [0, 1], [-1, -1]]; for a single weight vector use hinge_score.")));
	nitems = check_array_common(array, what);
	if (ARR_ELEMTYPE(array) != FLOAT8OID)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("%s must be an array of double precision", what)));

	m.rows = ARR_DIMS(array)[0];
	m.cols = ARR_DIMS(array)[1];
	Assert((int64) m.rows * m.cols == nitems);
	if (m.rows < 2)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 is_line ?
				 errmsg("line has %d row, but a segment needs its two ends", m.rows) :
				 errmsg("%s has %d row, but a multiclass model needs at least 2",
						what, m.rows),
				 is_line ?
				 errhint("Pass the segment's two ends: ARRAY[w_from, w_to] for a weight vector, array_cat(W_from, W_to) for weight matrices.") :
				 errhint("Use one row per class; for two classes with one weight vector use hinge_score.")));
	m.data = (const float8 *) ARR_DATA_PTR(array);
	return m;
}

/* Errors on the first NaN or Infinity element of v */
void
hinge_check_finite_vector(HingeVector v, const char *what)
{
	int			i;

	for (i = 0; i < v.n; i++)
	{
		float8		value = hinge_vector_get(v, i);

		if (unlikely(!isfinite(value)))
			report_nonfinite_element(what, i, value);
	}
}

void
hinge_check_finite(float8 value, const char *what)
{
	if (unlikely(!isfinite(value)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a finite number, not %s",
						what, nonfinite_name(value)),
				 errhint("hinge accepts finite numbers only: replace or filter out NaN and Infinity before calling.")));
}

/* A binary label must be exactly -1 or +1 */
void
hinge_check_label(float8 y)
{
	if (unlikely(y != 1.0 && y != -1.0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("label must be -1 or +1, not %s", exact_text(y)),
				 errhint("Map 0/1 labels with 2 * y - 1 and boolean labels with CASE WHEN b THEN 1 ELSE -1 END.")));
}

/* A multiclass label is a 1-based class (row) index */
void
hinge_check_class_label(int32 label, int n_classes)
{
	if (unlikely(label < 1 || label > n_classes))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("class label %d is out of range for %d classes",
						label, n_classes),
				 errhint("A class label is the 1-based position of the true class's score, from 1 to %d.",
						 n_classes)));
}

/* A margin is finite and >= 0 (0 gives the perceptron criterion) */
void
hinge_check_margin(float8 margin)
{
	hinge_check_nonnegative(margin, "margin",
							"The margin is the score beyond which a row costs nothing: 1 is usual, 0 gives the perceptron loss.");
}

void
hinge_check_positive(float8 value, const char *what, const char *hint)
{
	hinge_check_finite(value, what);
	if (unlikely(value <= 0.0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be greater than zero, not %s",
						what, exact_text(value)),
				 errhint("%s", hint)));
}

void
hinge_check_nonnegative(float8 value, const char *what, const char *hint)
{
	hinge_check_finite(value, what);
	if (unlikely(value < 0.0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be zero or greater, not %s",
						what, exact_text(value)),
				 errhint("%s", hint)));
}

/*
 * Weights match features when they have the same length, or one more: the
 * intercept, stored last (as liblinear's -B 1).  Returns whether there is
 * one.
 */
bool
hinge_has_intercept(int n_weights, int n_features, const char *weights_what)
{
	if (n_weights == n_features)
		return false;
	if (n_weights == n_features + 1)
		return true;
	ereport(ERROR,
			(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
			 errmsg_plural("%s have %d element but features have %d",
						   "%s have %d elements but features have %d",
						   n_weights, weights_what, n_weights, n_features),
			 errhint("The weights need one element per feature, plus optionally one more (last) for the intercept.")));
}

/*
 * Called when a computation over a and b gave a non-finite result: names the
 * first non-finite element, or else reports an overflow of finite inputs.
 */
void
hinge_report_nonfinite(HingeVector a, const char *a_what,
					   HingeVector b, const char *b_what)
{
	hinge_check_finite_vector(a, a_what);
	if (b_what != NULL)
		hinge_check_finite_vector(b, b_what);
	hinge_overflow_error();
}

/*
 * float8 arithmetic's overflow error (same message and SQLSTATE), with a
 * hint: in hinge, finite inputs overflow only when they are huge.
 */
void
hinge_overflow_error(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("value out of range: overflow"),
			 errhint("The result does not fit in double precision: scale the features (for example to z-scores) or the weights down.")));
}

