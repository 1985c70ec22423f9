/*
 * multiclass_accum.c
 *		Aggregates of the multiclass hinge losses over table rows, at a
 *		weight matrix W with one row per class (k >= 2), optionally with an
 *		intercept column last; the label is the 1-based class.
 *
 * Crammer-Singer and Weston-Watkins (multiclass.c, margin 1):
 *	  P(W) = lambda/2 sum_r ||W_r||^2 + (1/n) sum_i c_{y_i} loss(W x_i, y_i)
 * whose subgradient for row i is sum_r a_r e_r (x_i, 1)^T, a the loss's
 * subgradient in the scores.  One-vs-rest: k binary hinge problems at once,
 * class r against the others,
 *	  P_r(W_r) = lambda/2 ||W_r||^2 + (1/n) sum_i c_{y_i} max(0, 1 - t_ir W_r.x_i)
 * with t_ir = +1 when y_i = r, else -1.  c are class weights (1 unless given).
 * The *_line_* aggregates evaluate the objective at the points
 * W_from + alpha (W_to - W_from) of the line search grid (line.h).
 *
 * State layout (float8[]), see also state.c:
 *	[0]  layout tag (the STATE_MC_* below)
 *	[1]  variant (HingeMulticlassVariant; MC_ONE_VS_REST for one-vs-rest)
 *	[2]  k, classes		[3] columns of W	[4] features
 *	[5]  lambda
 *	[6]  n, rows so far
 *	[7]  sum of c * loss, [8] its compensation
 *	[9 ..)  W, row-major (k*cols); for the line tags W_to follows (k*cols);
 *	then the k class weights; then by tag:
 *		MC_OBJECTIVE	nothing
 *		MC_SUBGRADIENT	k*cols sums of the loss subgradient, k*cols compensations
 *		MC_LINE			HINGE_LINE_POINTS sums of the loss along the line, and
 *						their compensations
 *		OVR_PLANES		k sums of each problem's loss, k compensations, then
 *						k*cols subgradient sums and k*cols compensations
 *		OVR_LINE		k*HINGE_LINE_POINTS sums of each problem's loss along
 *						its line, and their compensations
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/float.h"

#include "finite.h"
#include "kernels.h"
#include "line.h"
#include "losses.h"
#include "multiclass.h"
#include "multiclass_accum.h"
#include "rows.h"
#include "state.h"
#include "validate.h"

#define STATE_MC_OBJECTIVE		HINGE_STATE_MC_OBJECTIVE
#define STATE_MC_SUBGRADIENT	HINGE_STATE_MC_SUBGRADIENT
#define STATE_MC_LINE			HINGE_STATE_MC_LINE
#define STATE_OVR_PLANES		HINGE_STATE_OVR_PLANES
#define STATE_OVR_LINE			HINGE_STATE_OVR_LINE

#define MC_ONE_VS_REST	HINGE_MC_ONE_VS_REST

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

#define LINE_POINTS		HINGE_LINE_POINTS

/*
 * The rows a state's means are over.  A fold's state inside a
 * cross-validation state may have none (a fold whose model has no training
 * rows, passed to the aggregate directly): its sums are then 0, and so are
 * its means.
 */
#define rows_of(st)		fmax((st)[MC_N], 1.0)

static bool
is_line(float8 tag)
{
	return tag == STATE_MC_LINE || tag == STATE_OVR_LINE;
}

static bool
is_one_vs_rest(float8 tag)
{
	return tag == STATE_OVR_PLANES || tag == STATE_OVR_LINE;
}

/* Where everything is in a state (see the layout above) */
typedef struct McView
{
	int			k;
	int			cols;
	int			size;			/* k * cols */
	float8	   *W;
	float8	   *W_to;			/* line tags */
	float8	   *class_weights;
	float8	   *sum;			/* MC_LINE, OVR_*: the sums of losses */
	float8	   *comp;
	int			n_sums;
	float8	   *grad_sum;		/* MC_SUBGRADIENT, OVR_PLANES */
	float8	   *grad_comp;
} McView;

/* The state's length after the header */
static int64
extra_length(float8 tag, int64 k, int64 size)
{
	int64		length = size * (is_line(tag) ? 2 : 1) + k;

	if (tag == STATE_MC_SUBGRADIENT)
		length += 2 * size;
	else if (tag == STATE_MC_LINE)
		length += 2 * LINE_POINTS;
	else if (tag == STATE_OVR_PLANES)
		length += 2 * k + 2 * size;
	else if (tag == STATE_OVR_LINE)
		length += 2 * k * LINE_POINTS;
	return length;
}

static McView
view(float8 *st)
{
	McView		v;
	float8		tag = st[MC_TAG];
	float8	   *next;

	memset(&v, 0, sizeof(v));
	v.k = (int) st[MC_CLASSES];
	v.cols = (int) st[MC_COLUMNS];
	v.size = v.k * v.cols;
	v.W = st + MC_HEADER;
	next = v.W + v.size;
	if (is_line(tag))
	{
		v.W_to = next;
		next += v.size;
	}
	v.class_weights = next;
	next += v.k;
	if (tag == STATE_MC_LINE || tag == STATE_OVR_PLANES || tag == STATE_OVR_LINE)
	{
		v.n_sums = tag == STATE_MC_LINE ? LINE_POINTS :
			tag == STATE_OVR_PLANES ? v.k : v.k * LINE_POINTS;
		v.sum = next;
		v.comp = next + v.n_sums;
		next += 2 * v.n_sums;
	}
	if (tag == STATE_MC_SUBGRADIENT || tag == STATE_OVR_PLANES)
	{
		v.grad_sum = next;
		v.grad_comp = next + v.size;
	}
	return v;
}

/* The length of a state of layout tag, k classes and cols columns */
int64
hinge_multiclass_state_size(float8 tag, int k, int cols)
{
	return MC_HEADER + extra_length(tag, k, (int64) k * cols);
}

/*
 * The length a state's header implies, or -1 for a header that is not
 * sane.  An aggregate's state has seen at least one row (min_rows 1); a
 * fold's state inside a cross-validation state may have seen none.
 */
int
hinge_multiclass_state_length(const float8 *st, float8 min_rows)
{
	float8		tag = st[MC_TAG];
	float8		k = st[MC_CLASSES];
	float8		cols = st[MC_COLUMNS];
	float8		nf = st[MC_FEATURES];
	float8		variant = st[MC_VARIANT];

	if (tag != STATE_MC_OBJECTIVE && tag != STATE_MC_SUBGRADIENT &&
		tag != STATE_MC_LINE && !is_one_vs_rest(tag))
		return -1;
	if (!(k >= 2 && k <= HINGE_MAX_ELEMENTS && cols >= 1 &&
		  k * cols <= HINGE_MAX_ELEMENTS && k == floor(k) && cols == floor(cols)) ||
		!(nf == cols || nf == cols - 1) || nf < 1)
		return -1;
	if (is_one_vs_rest(tag) ? variant != MC_ONE_VS_REST :
		!(variant == HINGE_CRAMMER_SINGER || variant == HINGE_WESTON_WATKINS))
		return -1;
	if (!(st[MC_N] >= min_rows && st[MC_N] <= 9007199254740992.0 && st[MC_N] == floor(st[MC_N])) ||
		!(st[MC_LAMBDA] >= 0 && isfinite(st[MC_LAMBDA])))
		return -1;
	if (MC_HEADER + extra_length(tag, (int64) k, (int64) (k * cols)) > PG_INT32_MAX)
		return -1;
	return MC_HEADER + (int) extra_length(tag, (int64) k, (int64) (k * cols));
}

static int
multiclass_state_length(const float8 *st)
{
	return hinge_multiclass_state_length(st, 1);
}

static float8 *
multiclass_state_data(ArrayType *state, float8 tag)
{
	return hinge_state_data(state, tag, MC_HEADER, multiclass_state_length);
}

/*
 * The weights argument: a k x cols matrix W, or for the line tags the
 * 2k x cols matrix of W_from stacked on W_to.  Sets *k to the classes.
 */
static HingeMatrix
weights_arg(FunctionCallInfo fcinfo, float8 tag, int *k)
{
	HingeMatrix W = hinge_matrix_arg(PG_GETARG_ARRAYTYPE_P(1),
									 is_line(tag) ? "line" : "weight matrix");

	*k = W.rows;
	if (is_line(tag))
	{
		if (W.rows % 2 != 0 || W.rows < 4)
			ereport(ERROR,
					(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
					 errmsg("line must stack two weight matrices of at least 2 rows each, not %d rows",
							W.rows),
					 errhint("Pass W_from with W_to below it, 2k rows for k classes: array_cat(W_from, W_to).")));
		*k = W.rows / 2;
	}
	return W;
}

/*
 * The per-row arguments after (state, W, x, label, lambda): the variant
 * (Crammer-Singer and Weston-Watkins only) and optional class weights.
 */
typedef struct McArgs
{
	float8		lambda;
	float8		variant;
	ArrayType  *class_weights;	/* NULL: all 1 */
} McArgs;

static McArgs
mc_args(FunctionCallInfo fcinfo, float8 tag)
{
	McArgs		a;
	int			argno = 5;

	a.lambda = PG_GETARG_FLOAT8(4);
	a.variant = MC_ONE_VS_REST;
	if (!is_one_vs_rest(tag))
		a.variant = hinge_name_arg(fcinfo, argno++, hinge_multiclass_variant_code);
	a.class_weights = PG_NARGS() > argno ? PG_GETARG_ARRAYTYPE_P(argno) : NULL;
	return a;
}

/* Checks class weights against k and writes them (or ones) to out */
static void
read_class_weights(ArrayType *array, int k, float8 *out)
{
	HingeVector cw;
	int			r;

	if (array == NULL)
	{
		for (r = 0; r < k; r++)
			out[r] = 1.0;
		return;
	}
	cw = hinge_vector_arg(array, "class_weights");
	if (cw.n != k)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("class_weights have %d elements but the weight matrix has %d classes",
						cw.n, k),
				 errhint("Give one weight per class, in the order of the weight matrix's rows.")));
	for (r = 0; r < k; r++)
	{
		out[r] = hinge_vector_get(cw, r);
		hinge_check_positive(out[r], "class weight", "Class weights must be greater than zero.");
	}
}

/*
 * Are the class weights argument (NULL: all 1) those the state holds?  A
 * cheap test, for every row: anything but a plain float8[] of exactly
 * those numbers answers false, and the caller checks in full.
 */
static bool
class_weights_held(ArrayType *array, const McView *v)
{
	int			r;

	if (array == NULL)
	{
		for (r = 0; r < v->k; r++)
		{
			if (v->class_weights[r] != 1.0)
				return false;
		}
		return true;
	}
	return ARR_NDIM(array) == 1 && !ARR_HASNULL(array) && ARR_ELEMTYPE(array) == FLOAT8OID &&
		ARR_DIMS(array)[0] == v->k &&
		memcmp(ARR_DATA_PTR(array), v->class_weights, sizeof(float8) * v->k) == 0;
}

static ArrayType *
new_multiclass_state(FunctionCallInfo fcinfo, float8 tag, McArgs args,
					 int n_features)
{
	int			k;
	HingeMatrix W = weights_arg(fcinfo, tag, &k);
	HingeVector flat = hinge_float8_vector(W.data, W.rows * W.cols);
	bool		intercept = hinge_has_intercept(W.cols, n_features,
												"weight matrix rows");
	ArrayType  *state;
	float8	   *st;

	hinge_check_finite_vector(flat, is_line(tag) ? "line" : "weight matrix");
	hinge_check_nonnegative(args.lambda, "lambda",
							"lambda is the regularisation strength: liblinear's C is 1 / (lambda * n).");
	state = hinge_state_new(hinge_multiclass_state_size(tag, k, W.cols), &st);
	hinge_multiclass_state_init(st, tag, args.variant, k, W.cols,
								intercept ? W.cols - 1 : W.cols, args.lambda, W.data, NULL);
	read_class_weights(args.class_weights, k, view(st).class_weights);
	hinge_weights_validated(fcinfo, 1, state);
	return state;
}

/*
 * Writes the header of a state of layout tag with no rows yet, its weights
 * W (k x cols; for the line tags W_from then W_to) and its class weights
 * (NULL: left for the caller) into st, of hinge_multiclass_state_size
 * zeroed elements.  Checked by the caller.
 */
void
hinge_multiclass_state_init(float8 *st, float8 tag, float8 variant, int k, int cols,
							int n_features, float8 lambda, const float8 *W,
							const float8 *class_weights)
{
	st[MC_TAG] = tag;
	st[MC_VARIANT] = variant;
	st[MC_CLASSES] = k;
	st[MC_COLUMNS] = cols;
	st[MC_FEATURES] = n_features;
	st[MC_LAMBDA] = lambda;
	memcpy(st + MC_HEADER, W, sizeof(float8) * k * cols * (is_line(tag) ? 2 : 1));
	if (class_weights != NULL)
		memcpy(view(st).class_weights, class_weights, sizeof(float8) * k);
}

/* Errors out unless a row of n_features fits the state's weights */
void
hinge_multiclass_check_width(const float8 *st, int n_features)
{
	if (unlikely(n_features != (int) st[MC_FEATURES]))
		hinge_row_width_error(n_features, (int) st[MC_FEATURES], "weight matrix rows");
}

/* A state's weights (W_from for the line tags), its classes and columns */
const float8 *
hinge_multiclass_weights(const float8 *st, int *k, int *cols)
{
	*k = (int) st[MC_CLASSES];
	*cols = (int) st[MC_COLUMNS];
	return st + MC_HEADER;
}

const float8 *
hinge_multiclass_class_weights(const float8 *st)
{
	return view((float8 *) st).class_weights;
}

float8
hinge_multiclass_rows(const float8 *st)
{
	return st[MC_N];
}

float8
hinge_multiclass_variant_of(const float8 *st)
{
	return st[MC_VARIANT];
}

float8
hinge_multiclass_lambda(const float8 *st)
{
	return st[MC_LAMBDA];
}

/* The state for this row, its weights and parameters checked as in accum.c */
static ArrayType *
multiclass_state_for_row(FunctionCallInfo fcinfo, float8 tag, int n_features,
						 McView *v_out)
{
	McArgs		args = mc_args(fcinfo, tag);
	ArrayType  *state;
	float8	   *st;
	McView		v;

	if (hinge_state_is_empty(PG_GETARG_ARRAYTYPE_P(0)))
		state = new_multiclass_state(fcinfo, tag, args, n_features);
	else
	{
		state = PG_GETARG_ARRAYTYPE_P(0);
		/* the header checked once per aggregate, not per row */
		if ((st = hinge_state_seen(fcinfo, state)) == NULL)
		{
			state = hinge_state_for_update(fcinfo, 0);
			st = multiclass_state_data(state, tag);
			hinge_state_validated(fcinfo, state, MC_N);
		}
		if (unlikely(st[MC_LAMBDA] != args.lambda || st[MC_VARIANT] != args.variant))
			hinge_params_differ_error("lambda and variant");
		v = view(st);
		if (!hinge_weights_unchanged(fcinfo, 1, state, v.W, 2,
									 (int[]) {is_line(tag) ? 2 * v.k : v.k, v.cols}) ||
			!class_weights_held(args.class_weights, &v))
		{
			int			k;
			HingeMatrix W = weights_arg(fcinfo, tag, &k);
			float8	   *cw = palloc(sizeof(float8) * k);

			v = view(st);
			if (k != v.k || W.cols != v.cols ||
				memcmp(W.data, v.W, sizeof(float8) * W.rows * W.cols) != 0)
				hinge_weights_differ_error();
			read_class_weights(args.class_weights, k, cw);
			if (memcmp(cw, v.class_weights, sizeof(float8) * k) != 0)
				hinge_params_differ_error("class weights");
			hinge_weights_validated(fcinfo, 1, state);
		}
	}
	st = (float8 *) ARR_DATA_PTR(state);
	hinge_multiclass_check_width(st, n_features);
	*v_out = view(st);
	return state;
}

/* sum_r (grad_sum_r, grad_comp_r) += coef_r (x, 1) for the classes with coef_r != 0 */
static void
accumulate_rows(McView *v, const float8 *coef, HingeVector x)
{
	int			r;

	for (r = 0; r < v->k; r++)
		if (coef[r] != 0.0)
			hinge_compensated_add_row(v->grad_sum + (Size) r * v->cols,
									  v->grad_comp + (Size) r * v->cols,
									  v->cols, coef[r], x);
}

/* The transition of every multiclass and one-vs-rest aggregate */
static Datum
multiclass_transfn(FunctionCallInfo fcinfo, float8 tag)
{
	HingeVector x = hinge_features_arg(fcinfo, 2);
	int32		label = PG_GETARG_INT32(3);
	McView		v;
	ArrayType  *state = multiclass_state_for_row(fcinfo, tag, x.n, &v);
	float8	   *st = (float8 *) ARR_DATA_PTR(state);

	hinge_check_class_label(label, v.k);
	hinge_multiclass_accumulate(st, x, label, hinge_scratch(fcinfo, 6 * v.k));
	PG_RETURN_ARRAYTYPE_P(state);
}

/*
 * Adds the row (x, label) to a state of any layout; label is a class
 * (1..k) and x has the state's number of features (checked by the caller).
 * scratch holds 6k numbers.
 */
void
hinge_multiclass_accumulate(float8 *st, HingeVector x, int32 label, float8 *scratch)
{
	McView		v = view(st);
	float8		tag = st[MC_TAG];
	int			k = v.k;
	float8	   *from = scratch;
	float8	   *to = from + k;
	float8	   *grad = to + k;
	float8	   *scores = grad + k;	/* 3k: a line's scratch */
	HingeMulticlassVariant variant = (HingeMulticlassVariant) st[MC_VARIANT];
	float8		c,
				loss;
	int			r;

	c = v.class_weights[label - 1];
	/* from[] and to[] are adjacent: a line's 2k rows score in one go */
	if (unlikely(!hinge_row_scores(v.W, is_line(tag) ? 2 * k : k, v.cols, x, from)))
		hinge_report_nonfinite(hinge_float8_vector(v.W, (is_line(tag) ? 2 : 1) * v.size),
							   "weight matrix", x, "features");

	if (tag == STATE_MC_OBJECTIVE || tag == STATE_MC_SUBGRADIENT)
	{
		loss = hinge_check_result(hinge_multiclass_row(variant, c, label - 1, from, k,
													   tag == STATE_MC_SUBGRADIENT ? grad : NULL));
		hinge_compensated_add(&st[MC_LOSS_SUM], &st[MC_LOSS_COMP], loss);
		if (tag == STATE_MC_SUBGRADIENT && loss > 0.0)
			accumulate_rows(&v, grad, x);
	}
	else if (tag == STATE_MC_LINE)
	{
		if (!hinge_multiclass_row_line(variant, c, label - 1, from, to, k, x, v.cols,
									   v.sum, NULL, NULL, scores))
			hinge_overflow_error();
	}
	else if (tag == STATE_OVR_PLANES)
	{
		/* class r against the rest: target +1 for the row's class, else -1 */
		for (r = 0; r < k; r++)
		{
			loss = hinge_check_result(hinge_binary_row(HINGE_LOSS_HINGE, 1.0, c,
													   r == label - 1 ? 1.0 : -1.0,
													   from[r], &grad[r]));
			if (loss > 0.0)
				hinge_compensated_add(&v.sum[r], &v.comp[r], loss);
		}
		accumulate_rows(&v, grad, x);
	}
	else
		for (r = 0; r < k; r++)
			if (!hinge_binary_row_line_points(HINGE_LOSS_HINGE, 1.0, c, r == label - 1 ? 1.0 : -1.0,
											  from[r], to[r],
											  v.sum + r * LINE_POINTS, v.comp + r * LINE_POINTS))
				hinge_overflow_error();
	st[MC_N] += 1;
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

PG_FUNCTION_INFO_V1(multiclass_hinge_line_objective_transfn);
Datum
multiclass_hinge_line_objective_transfn(PG_FUNCTION_ARGS)
{
	return multiclass_transfn(fcinfo, STATE_MC_LINE);
}

PG_FUNCTION_INFO_V1(one_vs_rest_cutting_planes_transfn);
Datum
one_vs_rest_cutting_planes_transfn(PG_FUNCTION_ARGS)
{
	return multiclass_transfn(fcinfo, STATE_OVR_PLANES);
}

PG_FUNCTION_INFO_V1(one_vs_rest_line_objective_transfn);
Datum
one_vs_rest_line_objective_transfn(PG_FUNCTION_ARGS)
{
	return multiclass_transfn(fcinfo, STATE_OVR_LINE);
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
	hinge_multiclass_merge(a, b);
	PG_RETURN_ARRAYTYPE_P(state1);
}

/*
 * Adds state b into state a, both of one layout (checked by the caller),
 * after checking that they were made with the same weights and parameters.
 */
void
hinge_multiclass_merge(float8 *a, const float8 *b)
{
	McView		va = view(a);
	McView		vb = view((float8 *) b);

	/* parameters, weights (both ends of a line) and class weights agree */
	if (memcmp(a + MC_VARIANT, b + MC_VARIANT, sizeof(float8) * (MC_N - MC_VARIANT)) != 0 ||
		memcmp(va.W, vb.W, sizeof(float8) * (va.class_weights - va.W + va.k)) != 0)
		hinge_states_differ_error();
	a[MC_N] += b[MC_N];
	hinge_compensated_merge(&a[MC_LOSS_SUM], &a[MC_LOSS_COMP],
							&b[MC_LOSS_SUM], &b[MC_LOSS_COMP], 1);
	if (va.n_sums > 0)
		hinge_compensated_merge(va.sum, va.comp, vb.sum, vb.comp, va.n_sums);
	if (va.grad_sum != NULL)
		hinge_compensated_merge(va.grad_sum, va.grad_comp, vb.grad_sum, vb.grad_comp,
								va.size);
}

static float8
mean_loss(const float8 *st)
{
	return (st[MC_LOSS_SUM] + st[MC_LOSS_COMP]) / rows_of(st);
}

/* lambda/2 ||W||^2 + the mean loss */
static float8
objective_of(const float8 *st, const McView *v)
{
	return hinge_check_result(st[MC_LAMBDA] / 2.0 * hinge_dot_f8(v->W, v->W, v->size) +
							  mean_loss(st));
}

/* lambda W + (1/n) sums, one element */
static float8
gradient_element(const float8 *st, const McView *v, int i)
{
	return hinge_check_result(st[MC_LAMBDA] * v->W[i] +
							  (v->grad_sum[i] + v->grad_comp[i]) / rows_of(st));
}

/* lambda/2 ||W||^2 + mean loss, or NULL for no rows */
PG_FUNCTION_INFO_V1(multiclass_hinge_objective_finalfn);
Datum
multiclass_hinge_objective_finalfn(PG_FUNCTION_ARGS)
{
	ArrayType  *state = PG_GETARG_ARRAYTYPE_P(0);
	float8	   *st;
	McView		v;

	if (hinge_state_is_empty(state))
		PG_RETURN_NULL();
	st = multiclass_state_data(state, STATE_MC_OBJECTIVE);
	v = view(st);
	PG_RETURN_FLOAT8(objective_of(st, &v));
}

/* lambda W + (1/n) sum of loss subgradients, k x cols, or NULL for no rows */
PG_FUNCTION_INFO_V1(multiclass_hinge_subgradient_finalfn);
Datum
multiclass_hinge_subgradient_finalfn(PG_FUNCTION_ARGS)
{
	ArrayType  *state = PG_GETARG_ARRAYTYPE_P(0);
	float8	   *st;
	McView		v;
	float8	   *grad;
	ArrayType  *result;
	int			i;

	if (hinge_state_is_empty(state))
		PG_RETURN_NULL();
	st = multiclass_state_data(state, STATE_MC_SUBGRADIENT);
	v = view(st);
	result = hinge_new_float8_matrix(v.k, v.cols, &grad);
	for (i = 0; i < v.size; i++)
		grad[i] = gradient_element(st, &v, i);
	PG_RETURN_ARRAYTYPE_P(result);
}

/* [P(W), subgradient...]: the objective and its subgradient, flattened */
PG_FUNCTION_INFO_V1(multiclass_hinge_cutting_plane_finalfn);
Datum
multiclass_hinge_cutting_plane_finalfn(PG_FUNCTION_ARGS)
{
	ArrayType  *state = PG_GETARG_ARRAYTYPE_P(0);
	float8	   *st;
	McView		v;
	float8	   *out;
	ArrayType  *result;

	if (hinge_state_is_empty(state))
		PG_RETURN_NULL();
	st = multiclass_state_data(state, STATE_MC_SUBGRADIENT);
	v = view(st);
	result = hinge_new_float8_array(v.size + 1, &out);
	hinge_multiclass_plane(st, out);
	PG_RETURN_ARRAYTYPE_P(result);
}

/* [P(W), subgradient (row-major)] of a subgradient state with rows, into out */
void
hinge_multiclass_plane(const float8 *st, float8 *out)
{
	McView		v = view((float8 *) st);
	int			i;

	out[0] = objective_of(st, &v);
	for (i = 0; i < v.size; i++)
		out[i + 1] = gradient_element(st, &v, i);
}

/* lambda/2 ||W_r(alpha)||^2 for rows [first, first + rows) of the line's W */
static float8
line_norm2(const McView *v, int first, int rows, float8 alpha)
{
	float8		norm2 = 0.0;
	int			i;

	for (i = first * v->cols; i < (first + rows) * v->cols; i++)
	{
		float8		w = v->W[i] + alpha * (v->W_to[i] - v->W[i]);

		norm2 += w * w;
	}
	return norm2;
}

/* The objective along the line: 2 x HINGE_LINE_POINTS, alphas then P */
PG_FUNCTION_INFO_V1(multiclass_hinge_line_objective_finalfn);
Datum
multiclass_hinge_line_objective_finalfn(PG_FUNCTION_ARGS)
{
	ArrayType  *state = PG_GETARG_ARRAYTYPE_P(0);
	float8	   *st;
	float8	   *out;
	ArrayType  *result;

	if (hinge_state_is_empty(state))
		PG_RETURN_NULL();
	st = multiclass_state_data(state, STATE_MC_LINE);
	result = hinge_new_float8_matrix(2, LINE_POINTS, &out);
	memcpy(out, hinge_line_alphas, sizeof(float8) * LINE_POINTS);
	hinge_multiclass_line_objectives(st, out + LINE_POINTS);
	PG_RETURN_ARRAYTYPE_P(result);
}

/*
 * The objectives along the line of a line state with rows, into out: of a
 * multiclass state, LINE_POINTS values; of a one-vs-rest state, k rows of
 * LINE_POINTS, one per class.
 */
void
hinge_multiclass_line_objectives(const float8 *st, float8 *out)
{
	McView		v = view((float8 *) st);
	int			a,
				r;

	if (st[MC_TAG] == STATE_MC_LINE)
	{
		for (a = 0; a < LINE_POINTS; a++)
			out[a] = hinge_check_result(
				st[MC_LAMBDA] / 2.0 * line_norm2(&v, 0, v.k, hinge_line_alphas[a]) +
				(v.sum[a] + v.comp[a]) / rows_of(st));
		return;
	}
	for (r = 0; r < v.k; r++)
		for (a = 0; a < LINE_POINTS; a++)
			out[r * LINE_POINTS + a] = hinge_check_result(
				st[MC_LAMBDA] / 2.0 * line_norm2(&v, r, 1, hinge_line_alphas[a]) +
				(v.sum[r * LINE_POINTS + a] + v.comp[r * LINE_POINTS + a]) / rows_of(st));
}

/*
 * The k one-vs-rest cutting planes: a k x (1 + cols) array whose row r is
 * [P_r(W_r), subgradient of P_r].  NULL for no rows.
 */
PG_FUNCTION_INFO_V1(one_vs_rest_cutting_planes_finalfn);
Datum
one_vs_rest_cutting_planes_finalfn(PG_FUNCTION_ARGS)
{
	ArrayType  *state = PG_GETARG_ARRAYTYPE_P(0);
	float8	   *st;
	McView		v;
	float8	   *out;
	ArrayType  *result;

	if (hinge_state_is_empty(state))
		PG_RETURN_NULL();
	st = multiclass_state_data(state, STATE_OVR_PLANES);
	v = view(st);
	result = hinge_new_float8_matrix(v.k, v.cols + 1, &out);
	hinge_one_vs_rest_planes(st, out);
	PG_RETURN_ARRAYTYPE_P(result);
}

/* The k planes of a one-vs-rest state with rows: k rows [P_r, g_r] into out */
void
hinge_one_vs_rest_planes(const float8 *st, float8 *out)
{
	McView		v = view((float8 *) st);
	int			r,
				j;

	for (r = 0; r < v.k; r++)
	{
		const float8 *w = v.W + (Size) r * v.cols;
		float8	   *row = out + (Size) r * (v.cols + 1);

		row[0] = hinge_check_result(st[MC_LAMBDA] / 2.0 * hinge_dot_f8(w, w, v.cols) +
									(v.sum[r] + v.comp[r]) / rows_of(st));
		for (j = 0; j < v.cols; j++)
			row[j + 1] = gradient_element(st, &v, r * v.cols + j);
	}
}

/*
 * The k one-vs-rest objectives along their lines: a (k + 1) x
 * HINGE_LINE_POINTS array, the alphas first, then one row per class.
 */
PG_FUNCTION_INFO_V1(one_vs_rest_line_objective_finalfn);
Datum
one_vs_rest_line_objective_finalfn(PG_FUNCTION_ARGS)
{
	ArrayType  *state = PG_GETARG_ARRAYTYPE_P(0);
	float8	   *st;
	float8	   *out;
	ArrayType  *result;

	if (hinge_state_is_empty(state))
		PG_RETURN_NULL();
	st = multiclass_state_data(state, STATE_OVR_LINE);
	result = hinge_new_float8_matrix((int) st[MC_CLASSES] + 1, LINE_POINTS, &out);
	memcpy(out, hinge_line_alphas, sizeof(float8) * LINE_POINTS);
	hinge_multiclass_line_objectives(st, out + LINE_POINTS);
	PG_RETURN_ARRAYTYPE_P(result);
}
