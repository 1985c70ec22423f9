/*
 * validate.c
 *		The one argument validator of the hinge extension (validate.h).
 *
 * Every SQL-callable function checks its arguments here before any work, so
 * that the hot loops can run without checks and every error reads the same
 * way: the message names the argument and the values, the detail says where,
 * the hint says how to fix it.  Numbers in messages are written exactly
 * (hinge_number_text).  finite.h states the NaN/Infinity policy.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "nodes/primnodes.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"

#include "finite.h"
#include "sparse.h"
#include "validate.h"


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
 * element type (double precision or real; or, as applications send
 * features, numeric, smallint, integer or bigint), no NULL elements, not
 * empty, not absurdly large.  Returns the number of elements.
 */
static int
check_array_common(ArrayType *array, const char *what)
{
	Oid			elemtype = ARR_ELEMTYPE(array);
	int			nitems;

	if (elemtype != FLOAT8OID && elemtype != FLOAT4OID && elemtype != NUMERICOID &&
		elemtype != INT2OID && elemtype != INT4OID && elemtype != INT8OID)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("%s must be an array of numbers, not of %s",
						what, format_type_be(elemtype))));

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
 * The n elements of an array of numeric, smallint, integer or bigint (no
 * NULLs), converted to a new float8 array.  A numeric beyond float8's range
 * is an error; NaN and infinity pass, for the finiteness checks of finite.h
 * to report.
 */
static const float8 *
converted_elements(ArrayType *array, int n, const char *what)
{
	float8	   *out = palloc(sizeof(float8) * n);
	const char *data = ARR_DATA_PTR(array);
	int			i;

	switch (ARR_ELEMTYPE(array))
	{
		case INT2OID:
			for (i = 0; i < n; i++)
				out[i] = (float8) ((const int16 *) data)[i];
			break;
		case INT4OID:
			for (i = 0; i < n; i++)
				out[i] = (float8) ((const int32 *) data)[i];
			break;
		case INT8OID:
			for (i = 0; i < n; i++)
				out[i] = (float8) ((const int64 *) data)[i];
			break;
		default:
			{
				Datum	   *elems;
				int			count;

				Assert(ARR_ELEMTYPE(array) == NUMERICOID);
				deconstruct_array(array, NUMERICOID, -1, false, TYPALIGN_INT,
								  &elems, NULL, &count);
				Assert(count == n);
				for (i = 0; i < n; i++)
				{
					out[i] = DatumGetFloat8(DirectFunctionCall1(numeric_float8_no_overflow,
																elems[i]));
					if (unlikely(isinf(out[i])))
					{
						char	   *digits = DatumGetCString(DirectFunctionCall1(numeric_out, elems[i]));

						/* a numeric Infinity (PostgreSQL 14+) is left to finite.h */
						if (strcmp(digits, "Infinity") != 0 && strcmp(digits, "-Infinity") != 0)
							ereport(ERROR,
									(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
									 errmsg("%s element %d is out of the range of double precision",
											what, i + 1),
									 errhint("hinge computes in double precision, whose largest magnitude is about 1.8e308.")));
					}
				}
				pfree(elems);
			}
			break;
	}
	return out;
}

/*
 * Validates a one-dimensional array argument and returns a view of its
 * data: float8[], real[] and hinge_sparse in place (no copy), numeric[], smallint[],
 * integer[] and bigint[] (what drivers send for lists of numbers) converted
 * to a new float8 array.  Finiteness is not checked here: see finite.h.
 */
HingeVector
hinge_vector_arg(ArrayType *array, const char *what)
{
	HingeVector v;
	Oid			elemtype;

	if (hinge_is_sparse(array))
		return hinge_sparse_vector(hinge_sparse_checked((HingeSparse *) array, what));

	/* an empty array has zero dimensions: report it as empty, not 0-D */
	if (ARR_NDIM(array) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("%s must be a one-dimensional array, not %d-dimensional",
						what, ARR_NDIM(array)),
				 errhint("Pass a flat array such as ARRAY[1.5, -2, 0.25].")));

	v.n = check_array_common(array, what);
	elemtype = ARR_ELEMTYPE(array);
	v.kind = elemtype == FLOAT4OID ? HINGE_DENSE_FLOAT4 : HINGE_DENSE_FLOAT8;
	v.nnz = 0;
	v.index = NULL;
	if (likely(elemtype == FLOAT8OID || elemtype == FLOAT4OID))
		v.data = ARR_DATA_PTR(array);
	else
		v.data = converted_elements(array, v.n, what);
	return v;
}

/*
 * Checks that weights given as an argument (argno, 0-based) are finite, for
 * a row function scoring a sparse row x.  The dot product of a sparse row
 * reads the weights at its non-zeros only, so a NaN or Infinity elsewhere
 * would pass unseen where the same row as float8[] reports it (finite.h).
 * Weights that are a constant of the query (a literal, in a view say) are
 * checked at the first call only; others at every call, an O(weights) scan,
 * as the dense row's dot product is anyway.
 */
void
hinge_check_weights_for_sparse(FunctionCallInfo fcinfo, int argno, HingeVector w,
							   HingeVector x, const char *what)
{
	FmgrInfo   *flinfo = fcinfo->flinfo;
	bool		constant = false;

	if (x.kind != HINGE_SPARSE)
		return;
	if (flinfo != NULL && flinfo->fn_expr != NULL && IsA(flinfo->fn_expr, FuncExpr))
	{
		List	   *args = ((FuncExpr *) flinfo->fn_expr)->args;

		constant = argno < list_length(args) && IsA(list_nth(args, argno), Const);
	}
	/* fn_extra of these row functions holds nothing else */
	if (constant && flinfo->fn_extra == (void *) flinfo)
		return;
	hinge_check_finite_vector(w, what);
	if (constant)
		flinfo->fn_extra = (void *) flinfo;
}

/*
 * Reads features given as text as a float8[] literal.  PostgreSQL's own
 * errors of array and float8 input (a data exception: malformed literal,
 * not a number, out of range) get a hint saying how the text was read.
 */
static Datum
text_features_array(text *features)
{
	char	   *literal = text_to_cstring(features);
	MemoryContext caller = CurrentMemoryContext;
	Datum		array = (Datum) 0;

	PG_TRY();
	{
		array = OidInputFunctionCall(F_ARRAY_IN, literal, FLOAT8OID, -1);
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(caller);
		edata = CopyErrorData();
		if (ERRCODE_TO_CATEGORY(edata->sqlerrcode) != ERRCODE_DATA_EXCEPTION ||
			edata->hint != NULL)
			PG_RE_THROW();
		FlushErrorState();
		edata->hint = pstrdup("Features given as text are read as a double precision[] literal, such as '{1.5,-2,0.25}'; or pass an array of numbers.");
		ReThrowError(edata);
	}
	PG_END_TRY();
	return array;
}

/*
 * Calls fn, an entry point whose argument 1 is features as an array, with
 * that argument given as text (an untyped parameter resolves to text, as
 * node-postgres sends them): the text is read as a float8[] literal (array
 * input, so '{1.5, -2}' and quoted elements alike), then fn validates it as
 * any float8[].  The other arguments, and fn_extra, are the caller's.
 */
Datum
hinge_call_with_text_features(FunctionCallInfo fcinfo, PGFunction fn)
{
	LOCAL_FCINFO(inner, 3);
	Datum		result;
	int			i;

	Assert(fcinfo->nargs >= 2 && fcinfo->nargs <= 3);
	InitFunctionCallInfoData(*inner, fcinfo->flinfo, fcinfo->nargs, fcinfo->fncollation,
							 fcinfo->context, fcinfo->resultinfo);
	for (i = 0; i < fcinfo->nargs; i++)
		inner->args[i] = fcinfo->args[i];
	inner->args[1].value = text_features_array(PG_GETARG_TEXT_PP(1));

	result = fn(inner);
	fcinfo->isnull = inner->isnull;
	return result;
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

/* A binary label must be exactly -1 or +1 */
void
hinge_check_label(float8 y)
{
	if (unlikely(y != 1.0 && y != -1.0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("label must be -1 or +1, not %s", hinge_number_text(y)),
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
						what, hinge_number_text(value)),
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
						what, hinge_number_text(value)),
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
 * A row of an aggregate whose width is not the one its state was made for
 * (every row's features must have the same length).
 */
void
hinge_row_width_error(int n_features, int expected, const char *weights_what)
{
	ereport(ERROR,
			(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
			 errmsg("a row has %d features but the %s expect %d",
					n_features, weights_what, expected),
			 errhint("Every row's feature array must have the same length; the weights may add one element, last, for the intercept.")));
}

/*
 * Checks that a trigger function was called as a row trigger of INSERT or
 * UPDATE, fired BEFORE or AFTER as it must be, and returns the row.
 */
HeapTuple
hinge_trigger_row(FunctionCallInfo fcinfo, const char *name, bool before)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("%s must be called as a trigger", name)));
	if ((before ? !TRIGGER_FIRED_BEFORE(trigdata->tg_event) : !TRIGGER_FIRED_AFTER(trigdata->tg_event)) ||
		!TRIGGER_FIRED_FOR_ROW(trigdata->tg_event) ||
		!(TRIGGER_FIRED_BY_INSERT(trigdata->tg_event) || TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event)))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("%s must fire %s INSERT OR UPDATE, FOR EACH ROW",
						name, before ? "BEFORE" : "AFTER")));
	return TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event) ? trigdata->tg_newtuple : trigdata->tg_trigtuple;
}

/* An argument (a trigger's, say) that is not what it must be */
void
hinge_argument_error(const char *message, const char *hint)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s", message),
			 errhint("%s", hint)));
}

/* A required argument (of a function that is not STRICT) must not be NULL */
void
hinge_check_not_null(FunctionCallInfo fcinfo, int argno, const char *what,
					 const char *hint)
{
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not be NULL", what),
				 errhint("%s", hint)));
}

/* low <= value <= high */
void
hinge_check_between(float8 value, float8 low, float8 high, const char *what,
					const char *hint)
{
	hinge_check_finite(value, what);
	if (unlikely(value < low || value > high))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be between %s and %s, not %s", what,
						hinge_number_text(low), hinge_number_text(high), hinge_number_text(value)),
				 errhint("%s", hint)));
}

/* value >= low */
void
hinge_check_at_least(float8 value, float8 low, const char *what,
					 const char *hint)
{
	hinge_check_finite(value, what);
	if (unlikely(value < low))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be %s or more, not %s", what,
						hinge_number_text(low), hinge_number_text(value)),
				 errhint("%s", hint)));
}

void
hinge_check_int_between(int value, int low, int high, const char *what,
						const char *hint)
{
	if (unlikely(value < low || value > high))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be between %d and %d, not %d", what, low, high, value),
				 errhint("%s", hint)));
}
