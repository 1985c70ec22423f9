/*
 * finite.c
 *		NaN, infinity and overflow: the errors of the policy in finite.h.
 */
#include "postgres.h"

#include "common/shortest_dec.h"

#include "finite.h"

/*
 * A value as the shortest text that reads back exactly, whatever
 * extra_float_digits says: "0.9999999999999999", never a misleading "1".
 */
char *
hinge_number_text(float8 value)
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

#define FINITE_HINT "hinge accepts finite numbers only: replace or filter out NaN and Infinity before calling."

void
hinge_check_finite(float8 value, const char *what)
{
	if (unlikely(!isfinite(value)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a finite number, not %s",
						what, nonfinite_name(value)),
				 errhint(FINITE_HINT)));
}

/* Errors on the first NaN or Infinity element of v */
void
hinge_check_finite_vector(HingeVector v, const char *what)
{
	int			k;

	for (k = 0; k < hinge_vector_stored(v); k++)
	{
		float8		value = hinge_vector_stored_value(v, k);

		if (unlikely(!isfinite(value)))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s must not contain NaN or Infinity", what),
					 errdetail("Element %d is %s.", hinge_vector_stored_position(v, k) + 1,
							   nonfinite_name(value)),
					 errhint(FINITE_HINT)));
	}
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
