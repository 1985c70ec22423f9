/*
 * feature_stats.c
 *		hinge_feature_stats(x): per feature, how many values there are, their
 *		mean, sum of squared deviations and largest magnitude, for scaling
 *		and for the means that impute NULLs (survey.c).
 *
 * x is a float8[] whose NULL elements are missing values (a list of
 * columns), or a real[]/float8[] row without NULLs, or a hinge_sparse row
 * whose absent elements are zeros: its state grows to the largest position
 * seen, so that index/value rows need not know their dimension yet.  The
 * mean and the squared deviations are Welford's running ones, and states
 * combine by Chan's formula, so that large means do not swamp small
 * variances, whatever order workers take the rows in.
 *
 * State: [tag, sparse, rows, width, capacity, then (count, mean, M2,
 * maxabs) per feature for capacity features, width of them used]; the
 * final value is [sparse, rows, width, then the used features' four].
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "utils/array.h"

#include "finite.h"
#include "sparse.h"
#include "state.h"
#include "validate.h"

#define STATE_FEATURE_STATS	7320.0
#define FS_TAG		0
#define FS_SPARSE	1
#define FS_ROWS		2
#define FS_WIDTH	3
#define FS_CAPACITY	4
#define FS_HEADER	5
#define FS_PER		4			/* count, mean, M2, maxabs */

static int
stats_length(const float8 *header)
{
	if (!(header[FS_CAPACITY] >= 0 && header[FS_CAPACITY] <= HINGE_MAX_ELEMENTS) ||
		header[FS_CAPACITY] != floor(header[FS_CAPACITY]) ||
		!(header[FS_WIDTH] >= 0 && header[FS_WIDTH] <= header[FS_CAPACITY]) ||
		header[FS_WIDTH] != floor(header[FS_WIDTH]))
		return -1;
	return FS_HEADER + FS_PER * (int) header[FS_CAPACITY];
}

static float8 *
stats_data(ArrayType *state)
{
	return hinge_state_data(state, STATE_FEATURE_STATS, FS_HEADER, stats_length);
}

/*
 * A state with room for capacity features, the old one's copied in, and
 * width of them used
 */
static ArrayType *
grown_state(float8 *old, int width, int capacity, bool sparse, float8 **data)
{
	ArrayType  *state = hinge_state_new(FS_HEADER + (int64) FS_PER * capacity, data);

	if (old != NULL)
		memcpy(*data, old, sizeof(float8) * (FS_HEADER + FS_PER * (int) old[FS_WIDTH]));
	(*data)[FS_TAG] = STATE_FEATURE_STATS;
	(*data)[FS_SPARSE] = sparse;
	(*data)[FS_WIDTH] = width;
	(*data)[FS_CAPACITY] = capacity;
	return state;
}

static void
add_value(float8 *f, float8 x)
{
	float8		delta = x - f[1];

	f[0] += 1.0;
	f[1] += delta / f[0];
	f[2] += delta * (x - f[1]);
	f[3] = fmax(f[3], fabs(x));
}

PG_FUNCTION_INFO_V1(hinge_feature_stats_transfn);
Datum
hinge_feature_stats_transfn(PG_FUNCTION_ARGS)
{
	ArrayType  *state = hinge_state_for_update(fcinfo, 0);
	ArrayType  *x_array = PG_GETARG_ARRAYTYPE_P(1);
	bool		sparse = hinge_is_sparse(x_array);
	float8	   *st = hinge_state_is_empty(state) ? NULL : stats_data(state);
	int			width;
	int			k;

	if (!sparse && ARR_ELEMTYPE(x_array) == FLOAT8OID && ARR_NDIM(x_array) == 1 &&
		ARR_HASNULL(x_array))
	{
		/* a list of columns: NULL elements are missing values */
		int			n = ARR_DIMS(x_array)[0];
		bits8	   *nulls = ARR_NULLBITMAP(x_array);
		const float8 *values = (const float8 *) ARR_DATA_PTR(x_array);
		int			v = 0;

		if (st == NULL)
			state = grown_state(NULL, n, n, false, &st);
		if (st[FS_SPARSE] != 0.0 || (int) st[FS_WIDTH] != n)
			hinge_row_width_error(n, (int) st[FS_WIDTH], "earlier rows");
		for (k = 0; k < n; k++)
			if (nulls[k / 8] & (1 << (k % 8)))
			{
				hinge_check_finite(values[v], "features");
				add_value(st + FS_HEADER + FS_PER * k, values[v++]);
			}
		st[FS_ROWS] += 1.0;
		PG_RETURN_ARRAYTYPE_P(state);
	}
	{
		HingeVector x = hinge_vector_arg(x_array, "features");

		hinge_check_finite_vector(x, "features");
		width = sparse ? (x.nnz > 0 ? x.index[x.nnz - 1] + 1 : 0) : x.n;
		if (st == NULL)
			state = grown_state(NULL, width, width, sparse, &st);
		if ((st[FS_SPARSE] != 0.0) != sparse || (!sparse && (int) st[FS_WIDTH] != width))
			hinge_row_width_error(x.n, (int) st[FS_WIDTH], "earlier rows");
		if (width > (int) st[FS_CAPACITY])
		{
			/* grows by half again at least, so that it grows rarely */
			int			capacity = (int) Min((int64) HINGE_MAX_ELEMENTS,
											 Max((int64) width, (int64) st[FS_CAPACITY] * 3 / 2));

			state = grown_state(st, width, capacity, true, &st);
		}
		else if (width > (int) st[FS_WIDTH])
			st[FS_WIDTH] = width;	/* the capacity's features are zero-filled */
		for (k = 0; k < hinge_vector_stored(x); k++)
			add_value(st + FS_HEADER + FS_PER * hinge_vector_stored_position(x, k),
					  hinge_vector_stored_value(x, k));
		st[FS_ROWS] += 1.0;
	}
	PG_RETURN_ARRAYTYPE_P(state);
}

/* Chan's combination of two summaries of one feature */
static void
merge_feature(float8 *a, const float8 *b)
{
	float8		n = a[0] + b[0];
	float8		delta;

	if (b[0] == 0.0)
		return;
	if (a[0] == 0.0)
	{
		memcpy(a, b, sizeof(float8) * FS_PER);
		return;
	}
	delta = b[1] - a[1];
	a[1] += delta * b[0] / n;
	a[2] += b[2] + delta * delta * a[0] * b[0] / n;
	a[0] = n;
	a[3] = fmax(a[3], b[3]);
}

PG_FUNCTION_INFO_V1(hinge_feature_stats_combinefn);
Datum
hinge_feature_stats_combinefn(PG_FUNCTION_ARGS)
{
	ArrayType  *a = PG_GETARG_ARRAYTYPE_P(0);
	ArrayType  *b = PG_GETARG_ARRAYTYPE_P(1);
	float8	   *sa,
			   *sb;
	int			k;

	if (hinge_state_is_empty(b))
		PG_RETURN_ARRAYTYPE_P(a);
	if (hinge_state_is_empty(a))
		PG_RETURN_ARRAYTYPE_P(b);
	sa = stats_data(a);
	sb = stats_data(b);
	if (sa[FS_SPARSE] != sb[FS_SPARSE] ||
		(sa[FS_SPARSE] == 0.0 && sa[FS_WIDTH] != sb[FS_WIDTH]))
		hinge_states_differ_error();
	if (sb[FS_WIDTH] > sa[FS_CAPACITY])
		a = grown_state(sa, (int) sb[FS_WIDTH], (int) sb[FS_WIDTH], sa[FS_SPARSE] != 0.0, &sa);
	else if (!AggCheckCallContext(fcinfo, NULL))
		/* called from SQL: the caller's value is never changed */
		a = grown_state(sa, (int) sa[FS_WIDTH], (int) sa[FS_CAPACITY], sa[FS_SPARSE] != 0.0, &sa);
	sa[FS_WIDTH] = Max(sa[FS_WIDTH], sb[FS_WIDTH]);
	for (k = 0; k < (int) sb[FS_WIDTH]; k++)
		merge_feature(sa + FS_HEADER + FS_PER * k, sb + FS_HEADER + FS_PER * k);
	sa[FS_ROWS] += sb[FS_ROWS];
	PG_RETURN_ARRAYTYPE_P(a);
}

/*
 * Checks every number of a state that is about to be read out: a state
 * forged by hand (the support functions can be called from SQL) must give
 * an error, never NaN
 */
static void
check_numbers(const float8 *st)
{
	int			width = (int) st[FS_WIDTH];
	float8		rows = st[FS_ROWS];
	int			k;

	if (!(rows >= 0.0 && rows <= 1e18 && rows == floor(rows)) ||
		(st[FS_SPARSE] != 0.0 && st[FS_SPARSE] != 1.0))
		hinge_state_corrupt();
	for (k = 0; k < width; k++)
	{
		const float8 *f = st + FS_HEADER + FS_PER * k;

		if (!(f[0] >= 0.0 && f[0] <= rows && f[0] == floor(f[0])) ||
			!isfinite(f[1]) || !(f[2] >= 0.0 && isfinite(f[2])) ||
			!(f[3] >= 0.0 && isfinite(f[3])))
			hinge_state_corrupt();
	}
}

/*
 * [sparse, rows, width, then (count, mean, M2, maxabs) per feature], or
 * NULL for no rows
 */
PG_FUNCTION_INFO_V1(hinge_feature_stats_finalfn);
Datum
hinge_feature_stats_finalfn(PG_FUNCTION_ARGS)
{
	ArrayType  *state = PG_GETARG_ARRAYTYPE_P(0);
	float8	   *st,
			   *out;
	ArrayType  *result;
	int			n;

	if (hinge_state_is_empty(state))
		PG_RETURN_NULL();
	st = stats_data(state);
	check_numbers(st);
	n = 3 + FS_PER * (int) st[FS_WIDTH];
	result = hinge_new_float8_array(n, &out);
	out[0] = st[FS_SPARSE];
	out[1] = st[FS_ROWS];
	out[2] = st[FS_WIDTH];
	memcpy(out + 3, st + FS_HEADER, sizeof(float8) * FS_PER * (int) st[FS_WIDTH]);
	PG_RETURN_ARRAYTYPE_P(result);
}
