/*
 * multiclass_accum.c
 *		Aggregates of the multiclass hinge losses over table rows: the
 *		regularised objective and its subgradient at a weight matrix W.
 *
 *	  P(W) = lambda/2 sum_r ||W_r||^2 + (1/n) sum_i loss(W x_i, y_i)
 *
 * W has one row per class (k >= 2), optionally with an intercept column
 * last; y_i is the 1-based class; loss is Crammer-Singer or Weston-Watkins
 * with margin 1 (multiclass.c).  The subgradient of row i's loss is
 * sum_r a_r e_r (x_i, 1)^T, where a is the loss's subgradient in the scores.
 *
 * State layout (float8[]), see also state.c:
 *	[0]  layout tag: STATE_MC_OBJECTIVE or STATE_MC_SUBGRADIENT
 *	[1]  variant (HingeMulticlassVariant)
 *	[2]  k, classes		[3] columns of W	[4] features
 *	[5]  lambda
 *	[6]  n, rows so far
 *	[7]  sum of losses, [8] its compensation
 *	[9 .. 9+k*cols)  W, row-major
 * then, for STATE_MC_SUBGRADIENT, the k*cols sums of the loss subgradient
 * and k*cols compensations; for STATE_MC_LINE, whose "W" is W_from, k*cols
 * more for W_to, then HINGE_LINE_POINTS sums of the loss at each point of
 * the line W_from + alpha (W_to - W_from) and their compensations.
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/float.h"

#include "hinge.h"

#define STATE_MC_OBJECTIVE		7311.0
#define STATE_MC_SUBGRADIENT	7312.0
#define STATE_MC_LINE			7313.0

#define MC_TAG			0
#define MC_VARIANT		1
#define MC_CLASSES		2
#define MC_COLUMNS		3
#define MC_FEATURES		4
#define MC_LAMBDA		5
#define MC_N			6
#define MC_LOSS_SUM		7
#define MC_LOSS_COMP	8
#define MC_HEADER		9

/* The state's length after the header, for k*cols = size weights */
static int
extra_length(float8 tag, int size)
{
	if (tag == STATE_MC_SUBGRADIENT)
		return 3 * size;
	if (tag == STATE_MC_LINE)
		return 2 * size + 2 * HINGE_LINE_POINTS;
	return size;
}

/*
 * The weights argument: a k x cols matrix W, or for the line search the
 * 2k x cols matrix of W_from stacked on W_to.  Sets *k to the classes.
 */
static HingeMatrix
weights_arg(FunctionCallInfo fcinfo, float8 tag, int *k)
{
	HingeMatrix W = hinge_matrix_arg(PG_GETARG_ARRAYTYPE_P(1),
									 tag == STATE_MC_LINE ? "line" : "weight matrix");

	*k = W.rows;
	if (tag == STATE_MC_LINE)
	{
		if (W.rows % 2 != 0 || W.rows < 4)
			ereport(ERROR,
					(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
					 errmsg("line must stack two weight matrices of at least 2 rows each, not %d rows",
							W.rows)));
		*k = W.rows / 2;
	}
	return W;
}

/* The length a state's header implies, or -1 for a header that is not sane */
static int
multiclass_state_length(const float8 *st)
{
	float8		k = st[MC_CLASSES];
	float8		cols = st[MC_COLUMNS];
	float8		nf = st[MC_FEATURES];
	float8		size = k * cols;

	if (st[MC_TAG] != STATE_MC_OBJECTIVE && st[MC_TAG] != STATE_MC_SUBGRADIENT &&
		st[MC_TAG] != STATE_MC_LINE)
		return -1;
	if (!(k >= 2 && cols >= 1 && size <= HINGE_MAX_ELEMENTS &&
		  k == floor(k) && cols == floor(cols)) ||
		!(nf == cols || nf == cols - 1) || nf < 1)
		return -1;
	if (!(st[MC_VARIANT] == HINGE_CRAMMER_SINGER ||
		  st[MC_VARIANT] == HINGE_WESTON_WATKINS))
		return -1;
	if (!(st[MC_N] >= 1 && st[MC_N] <= 9007199254740992.0) ||
		!(st[MC_LAMBDA] >= 0 && isfinite(st[MC_LAMBDA])))
		return -1;
	return MC_HEADER + extra_length(st[MC_TAG], (int) size);
}

static float8 *
multiclass_state_data(ArrayType *state, float8 tag)
{
	return hinge_state_data(state, tag, MC_HEADER, multiclass_state_length);
}

static ArrayType *
new_multiclass_state(FunctionCallInfo fcinfo, float8 tag, float8 lambda,
					 HingeMulticlassVariant variant, int n_features)
{
	int			k;
	HingeMatrix W = weights_arg(fcinfo, tag, &k);
	HingeVector flat = {W.rows * W.cols, false, W.data};
	bool		intercept = hinge_has_intercept(W.cols, n_features,
												"weight matrix rows");
	int			size = k * W.cols;
	ArrayType  *state;
	float8	   *st;

	hinge_check_finite_vector(flat, tag == STATE_MC_LINE ? "line" : "weight matrix");
	hinge_check_nonnegative(lambda, "lambda",
							"lambda is the regularisation strength: liblinear's C is 1 / (lambda * n).");
	state = hinge_state_new(MC_HEADER + extra_length(tag, size), &st);
	st[MC_TAG] = tag;
	st[MC_VARIANT] = variant;
	st[MC_CLASSES] = k;
	st[MC_COLUMNS] = W.cols;
	st[MC_FEATURES] = intercept ? W.cols - 1 : W.cols;
	st[MC_LAMBDA] = lambda;
	memcpy(st + MC_HEADER, W.data, sizeof(float8) * flat.n);
	hinge_weights_validated(fcinfo, 1, state);
	return state;
}

/* The state for this row, its weights and parameters checked as in accum.c */
static ArrayType *
multiclass_state_for_row(FunctionCallInfo fcinfo, float8 tag, int n_features,
						 float8 **st_out)
{
	float8		lambda = PG_GETARG_FLOAT8(4);
	HingeMulticlassVariant variant = hinge_multiclass_variant(PG_GETARG_TEXT_PP(5));
	ArrayType  *state;
	float8	   *st;

	if (hinge_state_is_empty(PG_GETARG_ARRAYTYPE_P(0)))
		state = new_multiclass_state(fcinfo, tag, lambda, variant, n_features);
	else
	{
		state = hinge_state_for_update(fcinfo, 0);
		st = multiclass_state_data(state, tag);
		if (unlikely(st[MC_LAMBDA] != lambda || st[MC_VARIANT] != variant))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("lambda and variant must be the same in every row of a hinge aggregate")));
		if (!hinge_weights_unchanged(fcinfo, 1, state))
		{
			int			k;
			HingeMatrix W = weights_arg(fcinfo, tag, &k);

			if (k != (int) st[MC_CLASSES] || W.cols != (int) st[MC_COLUMNS] ||
				memcmp(W.data, st + MC_HEADER,
					   sizeof(float8) * W.rows * W.cols) != 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("weights must be the same in every row of a hinge aggregate"),
						 errhint("Pass the weights as a constant or a one-row subquery; to evaluate several weight matrices, GROUP BY the one they come from.")));
			hinge_weights_validated(fcinfo, 1, state);
		}
	}
	st = (float8 *) ARR_DATA_PTR(state);
	if (unlikely(n_features != (int) st[MC_FEATURES]))
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("a row has %d features but the weight matrix expects %d",
						n_features, (int) st[MC_FEATURES]),
				 errhint("Every row's feature array must have the same length; the weight matrix may add one column, last, for the intercept.")));
	*st_out = st;
	return state;
}

static Datum
multiclass_transfn(FunctionCallInfo fcinfo, float8 tag)
{
	HingeVector x = hinge_vector_arg(PG_GETARG_ARRAYTYPE_P(2), "features");
	int32		label = PG_GETARG_INT32(3);
	float8	   *st;
	ArrayType  *state = multiclass_state_for_row(fcinfo, tag, x.n, &st);
	int			k = (int) st[MC_CLASSES];
	int			cols = (int) st[MC_COLUMNS];
	bool		intercept = cols > x.n;
	const float8 *W = st + MC_HEADER;
	float8	   *scores = hinge_scratch(fcinfo, 2 * k);
	float8	   *grad = scores + k;
	bool		all_finite = true;
	float8		loss;
	int			r;

	hinge_check_class_label(label, k);
	for (r = 0; r < k; r++)
	{
		const float8 *row = W + (Size) r * cols;

		scores[r] = hinge_dot(row, x, x.n) + (intercept ? row[x.n] : 0.0);
		all_finite &= isfinite(scores[r]);
	}
	if (unlikely(!all_finite))
	{
		HingeVector flat = {k * cols, false, W};

		hinge_report_nonfinite(flat, "weight matrix", x, "features");
	}
	loss = hinge_multiclass_loss(scores, k, label - 1,
								 (HingeMulticlassVariant) st[MC_VARIANT], 1.0,
								 tag == STATE_MC_SUBGRADIENT ? grad : NULL);
	st[MC_N] += 1;
	hinge_compensated_add(&st[MC_LOSS_SUM], &st[MC_LOSS_COMP], loss);

	if (tag == STATE_MC_SUBGRADIENT && loss > 0.0)
	{
		float8	   *sum = st + MC_HEADER + (Size) k * cols;
		float8	   *comp = sum + (Size) k * cols;

		for (r = 0; r < k; r++)
		{
			float8	   *s = sum + (Size) r * cols;
			float8	   *c = comp + (Size) r * cols;

			if (grad[r] == 0.0)
				continue;
			hinge_compensated_axpy(s, c, grad[r], x);
			if (intercept)
				hinge_compensated_add(&s[x.n], &c[x.n], grad[r]);
		}
	}
	PG_RETURN_ARRAYTYPE_P(state);
}

/* The loss of this row at every point of the line, from its 2k scores */
PG_FUNCTION_INFO_V1(multiclass_hinge_line_objective_transfn);
Datum
multiclass_hinge_line_objective_transfn(PG_FUNCTION_ARGS)
{
	HingeVector x = hinge_vector_arg(PG_GETARG_ARRAYTYPE_P(2), "features");
	int32		label = PG_GETARG_INT32(3);
	float8	   *st;
	ArrayType  *state = multiclass_state_for_row(fcinfo, STATE_MC_LINE, x.n, &st);
	int			k = (int) st[MC_CLASSES];
	int			cols = (int) st[MC_COLUMNS];
	bool		intercept = cols > x.n;
	const float8 *W = st + MC_HEADER;
	float8	   *sum = st + MC_HEADER + 2 * (Size) k * cols;
	float8	   *comp = sum + HINGE_LINE_POINTS;
	float8	   *from = hinge_scratch(fcinfo, 3 * k);
	float8	   *to = from + k;
	float8	   *scores = to + k;
	bool		all_finite = true;
	int			a,
				r;

	hinge_check_class_label(label, k);
	for (r = 0; r < 2 * k; r++)
	{
		const float8 *row = W + (Size) r * cols;

		from[r] = hinge_dot(row, x, x.n) + (intercept ? row[x.n] : 0.0);
		all_finite &= isfinite(from[r]);
	}
	if (unlikely(!all_finite))
	{
		HingeVector flat = {2 * k * cols, false, W};

		hinge_report_nonfinite(flat, "line", x, "features");
	}
	for (a = 0; a < HINGE_LINE_POINTS; a++)
	{
		for (r = 0; r < k; r++)
			scores[r] = from[r] + hinge_line_alphas[a] * (to[r] - from[r]);
		hinge_compensated_add(&sum[a], &comp[a],
							  hinge_multiclass_loss(scores, k, label - 1,
													(HingeMulticlassVariant) st[MC_VARIANT],
													1.0, NULL));
	}
	st[MC_N] += 1;
	PG_RETURN_ARRAYTYPE_P(state);
}

PG_FUNCTION_INFO_V1(multiclass_hinge_objective_transfn);
Datum
multiclass_hinge_objective_transfn(PG_FUNCTION_ARGS)
{
	return multiclass_transfn(fcinfo, STATE_MC_OBJECTIVE);
}

PG_FUNCTION_INFO_V1(multiclass_hinge_subgradient_transfn);
Datum
multiclass_hinge_subgradient_transfn(PG_FUNCTION_ARGS)
{
	return multiclass_transfn(fcinfo, STATE_MC_SUBGRADIENT);
}

/* Merges two partial states; an empty state is a worker that saw no rows */
PG_FUNCTION_INFO_V1(multiclass_hinge_combinefn);
Datum
multiclass_hinge_combinefn(PG_FUNCTION_ARGS)
{
	ArrayType  *state1;
	ArrayType  *state2 = PG_GETARG_ARRAYTYPE_P(1);
	float8	   *a,
			   *b;
	float8		tag;
	int			size;

	if (hinge_state_is_empty(state2))
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	if (hinge_state_is_empty(PG_GETARG_ARRAYTYPE_P(0)))
	{
		(void) multiclass_state_data(state2, ARR_NDIM(state2) == 1 ?
									 ((float8 *) ARR_DATA_PTR(state2))[0] : 0);
		PG_RETURN_ARRAYTYPE_P(state2);
	}
	state1 = hinge_state_for_update(fcinfo, 0);
	tag = ((float8 *) ARR_DATA_PTR(state1))[MC_TAG];
	a = multiclass_state_data(state1, tag);
	b = multiclass_state_data(state2, tag);
	size = (int) a[MC_CLASSES] * (int) a[MC_COLUMNS];
	if (memcmp(a + MC_VARIANT, b + MC_VARIANT, sizeof(float8) * (MC_N - MC_VARIANT)) != 0 ||
		memcmp(a + MC_HEADER, b + MC_HEADER,
			   sizeof(float8) * size * (tag == STATE_MC_LINE ? 2 : 1)) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot combine hinge aggregate states made with different weights or parameters")));
	a[MC_N] += b[MC_N];
	hinge_compensated_merge(&a[MC_LOSS_SUM], &a[MC_LOSS_COMP],
							&b[MC_LOSS_SUM], &b[MC_LOSS_COMP], 1);
	if (tag == STATE_MC_SUBGRADIENT)
		hinge_compensated_merge(a + MC_HEADER + size, a + MC_HEADER + 2 * size,
								b + MC_HEADER + size, b + MC_HEADER + 2 * size,
								size);
	else if (tag == STATE_MC_LINE)
		hinge_compensated_merge(a + MC_HEADER + 2 * size,
								a + MC_HEADER + 2 * size + HINGE_LINE_POINTS,
								b + MC_HEADER + 2 * size,
								b + MC_HEADER + 2 * size + HINGE_LINE_POINTS,
								HINGE_LINE_POINTS);
	PG_RETURN_ARRAYTYPE_P(state1);
}

/* lambda/2 ||W||^2 + mean loss, or NULL for no rows */
PG_FUNCTION_INFO_V1(multiclass_hinge_objective_finalfn);
Datum
multiclass_hinge_objective_finalfn(PG_FUNCTION_ARGS)
{
	ArrayType  *state = PG_GETARG_ARRAYTYPE_P(0);
	const float8 *st;
	int			size;

	if (hinge_state_is_empty(state))
		PG_RETURN_NULL();
	st = multiclass_state_data(state, STATE_MC_OBJECTIVE);
	size = (int) st[MC_CLASSES] * (int) st[MC_COLUMNS];
	PG_RETURN_FLOAT8(hinge_check_result(
		st[MC_LAMBDA] / 2.0 * hinge_dot_f8(st + MC_HEADER, st + MC_HEADER, size) +
		(st[MC_LOSS_SUM] + st[MC_LOSS_COMP]) / st[MC_N]));
}

/* lambda W + (1/n) sum of loss subgradients, k x cols, or NULL for no rows */
PG_FUNCTION_INFO_V1(multiclass_hinge_subgradient_finalfn);
Datum
multiclass_hinge_subgradient_finalfn(PG_FUNCTION_ARGS)
{
	ArrayType  *state = PG_GETARG_ARRAYTYPE_P(0);
	const float8 *st;
	const float8 *W,
			   *sum,
			   *comp;
	float8	   *grad;
	ArrayType  *result;
	int			size,
				i;

	if (hinge_state_is_empty(state))
		PG_RETURN_NULL();
	st = multiclass_state_data(state, STATE_MC_SUBGRADIENT);
	size = (int) st[MC_CLASSES] * (int) st[MC_COLUMNS];
	W = st + MC_HEADER;
	sum = W + size;
	comp = sum + size;
	result = hinge_new_float8_matrix((int) st[MC_CLASSES], (int) st[MC_COLUMNS],
									 &grad);
	for (i = 0; i < size; i++)
		grad[i] = hinge_check_result(st[MC_LAMBDA] * W[i] +
									 (sum[i] + comp[i]) / st[MC_N]);
	PG_RETURN_ARRAYTYPE_P(result);
}

/* [P(W), subgradient...]: the objective and its subgradient, flattened */
PG_FUNCTION_INFO_V1(multiclass_hinge_cutting_plane_finalfn);
Datum
multiclass_hinge_cutting_plane_finalfn(PG_FUNCTION_ARGS)
{
	ArrayType  *state = PG_GETARG_ARRAYTYPE_P(0);
	const float8 *st;
	const float8 *W,
			   *sum,
			   *comp;
	float8	   *out;
	ArrayType  *result;
	int			size,
				i;

	if (hinge_state_is_empty(state))
		PG_RETURN_NULL();
	st = multiclass_state_data(state, STATE_MC_SUBGRADIENT);
	size = (int) st[MC_CLASSES] * (int) st[MC_COLUMNS];
	W = st + MC_HEADER;
	sum = W + size;
	comp = sum + size;
	result = hinge_new_float8_array(size + 1, &out);
	out[0] = hinge_check_result(st[MC_LAMBDA] / 2.0 * hinge_dot_f8(W, W, size) +
								(st[MC_LOSS_SUM] + st[MC_LOSS_COMP]) / st[MC_N]);
	for (i = 0; i < size; i++)
		out[i + 1] = hinge_check_result(st[MC_LAMBDA] * W[i] +
										(sum[i] + comp[i]) / st[MC_N]);
	PG_RETURN_ARRAYTYPE_P(result);
}

/* The objective along the line: 2 x HINGE_LINE_POINTS, alphas then P */
PG_FUNCTION_INFO_V1(multiclass_hinge_line_objective_finalfn);
Datum
multiclass_hinge_line_objective_finalfn(PG_FUNCTION_ARGS)
{
	ArrayType  *state = PG_GETARG_ARRAYTYPE_P(0);
	const float8 *st;
	const float8 *from,
			   *to,
			   *sum,
			   *comp;
	float8	   *out;
	ArrayType  *result;
	int			size,
				a,
				i;

	if (hinge_state_is_empty(state))
		PG_RETURN_NULL();
	st = multiclass_state_data(state, STATE_MC_LINE);
	size = (int) st[MC_CLASSES] * (int) st[MC_COLUMNS];
	from = st + MC_HEADER;
	to = from + size;
	sum = to + size;
	comp = sum + HINGE_LINE_POINTS;
	result = hinge_new_float8_matrix(2, HINGE_LINE_POINTS, &out);
	for (a = 0; a < HINGE_LINE_POINTS; a++)
	{
		float8		norm2 = 0.0;

		for (i = 0; i < size; i++)
		{
			float8		w = from[i] + hinge_line_alphas[a] * (to[i] - from[i]);

			norm2 += w * w;
		}
		out[a] = hinge_line_alphas[a];
		out[HINGE_LINE_POINTS + a] = hinge_check_result(st[MC_LAMBDA] / 2.0 * norm2 +
														(sum[a] + comp[a]) / st[MC_N]);
	}
	PG_RETURN_ARRAYTYPE_P(result);
}
