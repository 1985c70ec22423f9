/*
 * cv_accum.c
 *		Aggregates for cross-validation: every fold's model advanced by one
 *		scan.  Each row carries its fold f (1..F): it is a training row of
 *		the F - 1 other folds' problems and a held-out row of fold f's.
 *
 * The state holds one state per fold of the layout of the matching
 * training aggregate (accum.c for binary models, multiclass_accum.c for
 * Crammer-Singer, Weston-Watkins and one-vs-rest), made, fed and merged by
 * those files' own functions, so the loss of a row is written in one place
 * whatever aggregate sums it.  Problem f's risk is the mean over its own
 * training rows (the rows of the other folds), with its own class weights.
 * Memory is O(F x features) (x classes), never O(rows).
 *
 * State layout (float8[]), see also state.c:
 *	[0]  layout tag (the CV_* below)
 *	[1]  F, folds
 *	[2]  k, classes (2 for a binary model)
 *	[3]  L, the length of one fold's state
 *	[4]  n, rows so far
 *	[5 .. 5 + F L)  the folds' states, in fold order
 *	then, for the planes tags, per fold HINGE_HELD_SUMS(k) held-out sums
 *	(held_out.h), what the fold's model at its point does on the fold's
 *	own rows (the metrics of a search).
 *
 * The weights argument stacks the folds' weights: F rows of d weights
 * (binary), or F k rows of the k x cols matrices (multiclass); a line stacks
 * every fold's start, then every fold's end.  class_weights is an F x k
 * matrix: each fold's weight of each class, in class order (a binary
 * model's: negative, positive).
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/builtins.h"

#include "accum.h"
#include "cv.h"
#include "held_out.h"
#include "finite.h"
#include "kernels.h"
#include "line.h"
#include "losses.h"
#include "multiclass.h"
#include "multiclass_accum.h"
#include "state.h"
#include "validate.h"

#define CV_BINARY_PLANES		7331.0
#define CV_BINARY_LINE			7332.0
#define CV_BINARY_LINE_PLANES	7333.0
#define CV_MC_PLANES			7334.0
#define CV_MC_LINE				7335.0
#define CV_OVR_PLANES			7336.0
#define CV_OVR_LINE				7337.0

#define CV_TAG		0
#define CV_FOLDS	1
#define CV_CLASSES	2
#define CV_LENGTH	3
#define CV_N		4
#define CV_HEADER	5

#define LINE_POINTS	HINGE_LINE_POINTS

/* The layout of each fold's state */
static float8
fold_tag(float8 tag)
{
	if (tag == CV_BINARY_PLANES)
		return HINGE_STATE_SUBGRADIENT;
	if (tag == CV_BINARY_LINE)
		return HINGE_STATE_LINE;
	if (tag == CV_BINARY_LINE_PLANES)
		return HINGE_STATE_LINE_PLANES;
	if (tag == CV_MC_PLANES)
		return HINGE_STATE_MC_SUBGRADIENT;
	if (tag == CV_MC_LINE)
		return HINGE_STATE_MC_LINE;
	if (tag == CV_OVR_PLANES)
		return HINGE_STATE_OVR_PLANES;
	if (tag == CV_OVR_LINE)
		return HINGE_STATE_OVR_LINE;
	return 0.0;
}

static bool
is_binary(float8 tag)
{
	return tag == CV_BINARY_PLANES || tag == CV_BINARY_LINE || tag == CV_BINARY_LINE_PLANES;
}

static bool
is_planes(float8 tag)
{
	return tag == CV_BINARY_PLANES || tag == CV_MC_PLANES || tag == CV_OVR_PLANES;
}

static bool
is_one_vs_rest(float8 tag)
{
	return tag == CV_OVR_PLANES || tag == CV_OVR_LINE;
}

static float8 *
fold_state(float8 *st, int f)
{
	return st + CV_HEADER + (Size) f * (Size) st[CV_LENGTH];
}

static float8 *
held_out(float8 *st, int f)
{
	int			folds = (int) st[CV_FOLDS];
	int			k = (int) st[CV_CLASSES];

	return st + CV_HEADER + (Size) folds * (Size) st[CV_LENGTH] + (Size) f * HINGE_HELD_SUMS(k);
}

/* A fold's state's length from its header, -1 if not sane (it may have no rows) */
static int
fold_state_length(const float8 *sub, float8 tag)
{
	if (sub[0] != fold_tag(tag))
		return -1;
	return is_binary(tag) ? hinge_binary_state_length(sub, 0) :
		hinge_multiclass_state_length(sub, 0);
}

/*
 * The length a state's header implies, or -1 for a state that is not sane:
 * every fold's state of the right layout and length, of the same weights'
 * shape, with at most as many rows as the whole.
 */
static int
cv_state_length(const float8 *st)
{
	float8		tag = st[CV_TAG];
	float8		folds = st[CV_FOLDS];
	float8		k = st[CV_CLASSES];
	float8		length = st[CV_LENGTH];
	int64		total;
	int			f;

	if (fold_tag(tag) == 0.0)
		return -1;
	if (!(folds >= 2 && folds <= HINGE_MAX_FOLDS && folds == floor(folds)) ||
		!(k >= 2 && k <= HINGE_MAX_ELEMENTS && k == floor(k)) ||
		(is_binary(tag) && k != 2) ||
		!(length >= 1 && length <= HINGE_MAX_STATE && length == floor(length)) ||
		!(st[CV_N] >= 1 && st[CV_N] <= 9007199254740992.0 && st[CV_N] == floor(st[CV_N])))
		return -1;
	total = CV_HEADER + (int64) folds * (int64) length +
		(is_planes(tag) ? (int64) folds * HINGE_HELD_SUMS((int64) k) : 0);
	if (total > HINGE_MAX_STATE)
		return -1;
	for (f = 0; f < (int) folds; f++)
	{
		const float8 *sub = st + CV_HEADER + (Size) f * (Size) length;

		/* fold 0's length was checked against the header: only then read it */
		if (fold_state_length(sub, tag) != (int) length ||
			memcmp(sub, st + CV_HEADER, sizeof(float8) * 4) != 0 ||
			sub[is_binary(tag) ? 8 : 6] > st[CV_N])
			return -1;
		if (!is_binary(tag) && sub[2] != k)
			return -1;
	}
	return (int) total;
}

static float8 *
cv_state_data(ArrayType *state, float8 tag)
{
	return hinge_state_data(state, tag, CV_HEADER, cv_state_length);
}

/*
 * The matrix arguments (weights or line, class weights): two-dimensional,
 * of rows rows when rows > 0, finite.
 */
static HingeMatrix
matrix_arg(ArrayType *array, const char *what, int rows, int folds, const char *hint)
{
	HingeMatrix m;

	if (ARR_NDIM(array) == 2 && rows > 0 && ARR_DIMS(array)[0] != rows)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("%s has %d rows, but %d folds need %d",
						what, ARR_DIMS(array)[0], folds, rows),
				 errhint("%s", hint)));
	if (ARR_NDIM(array) != 2 && ARR_NDIM(array) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("%s must be a two-dimensional array, not %d-dimensional",
						what, ARR_NDIM(array)),
				 errhint("%s", hint)));
	m = hinge_matrix_arg(array, what);
	hinge_check_finite_vector(hinge_float8_vector(m.data, m.rows * m.cols), what);
	return m;
}

/* The arguments of a row that must be the same in every row */
typedef struct CvArgs
{
	float8		lambda;
	HingeLoss	loss;			/* binary */
	float8		gamma;			/* binary */
	float8		variant;		/* multiclass */
	ArrayType  *class_weights;
} CvArgs;

/*
 * (state, weights, x, y or label, fold, lambda, then: binary, loss and
 * gamma; Crammer-Singer and Weston-Watkins, the variant; one-vs-rest,
 * nothing; then class_weights)
 */
static CvArgs
cv_args(FunctionCallInfo fcinfo, float8 tag)
{
	CvArgs		a;
	int			argno = 6;

	memset(&a, 0, sizeof(a));
	a.lambda = PG_GETARG_FLOAT8(5);
	a.gamma = 1.0;
	if (is_binary(tag))
	{
		a.loss = (HingeLoss) hinge_name_arg(fcinfo, argno++, hinge_loss_code);
		a.gamma = PG_GETARG_FLOAT8(argno++);
	}
	else if (!is_one_vs_rest(tag))
		a.variant = hinge_name_arg(fcinfo, argno++, hinge_multiclass_variant_code);
	else
		a.variant = HINGE_MC_ONE_VS_REST;
	a.class_weights = PG_GETARG_ARRAYTYPE_P(argno);
	return a;
}

#define CLASS_WEIGHTS_HINT "Pass one row per fold and one column per class (negative, then positive for a binary model), each weight above zero."

/* The first row: a state for every fold, from the weights and parameters */
static ArrayType *
new_cv_state(FunctionCallInfo fcinfo, float8 tag, CvArgs *args, int n_features)
{
	bool		line = !is_planes(tag);
	HingeMatrix cw = matrix_arg(args->class_weights, "class_weights", 0, 0, CLASS_WEIGHTS_HINT);
	int			folds = cw.rows;
	int			k = cw.cols;
	int			per_fold = is_binary(tag) ? 1 : k;
	int			rows = (line ? 2 : 1) * folds * per_fold;
	HingeMatrix W;
	bool		intercept;
	int64		length,
				total;
	ArrayType  *state;
	float8	   *st,
			   *ends;
	int			f,
				i;

	if (folds > HINGE_MAX_FOLDS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("class_weights has %d rows, one per fold, but there may be at most %d folds",
						folds, HINGE_MAX_FOLDS),
				 errhint("%s", CLASS_WEIGHTS_HINT)));
	if (is_binary(tag) && k != 2)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("class_weights has %d columns, but a binary model has 2 classes", k),
				 errhint("%s", CLASS_WEIGHTS_HINT)));
	for (i = 0; i < folds * k; i++)
		hinge_check_positive(cw.data[i], "class weight", "Class weights must be greater than zero.");
	hinge_check_nonnegative(args->lambda, "lambda",
							"lambda is the regularisation strength: liblinear's C is 1 / (lambda * n).");
	W = matrix_arg(PG_GETARG_ARRAYTYPE_P(1), line ? "line" : "weights", rows, folds,
				   line ? "Pass every fold's start weights, then every fold's end weights, one row each (k rows each for a multiclass model)." :
				   "Pass one row of weights per fold (k rows per fold for a multiclass model, a fold's k x columns matrix after another's).");
	intercept = hinge_has_intercept(W.cols, n_features, line ? "line rows" : "weights rows");

	length = is_binary(tag) ? hinge_binary_state_size(fold_tag(tag), W.cols) :
		hinge_multiclass_state_size(fold_tag(tag), k, W.cols);
	total = CV_HEADER + (int64) folds * length +
		(is_planes(tag) ? (int64) folds * HINGE_HELD_SUMS((int64) k) : 0);
	state = hinge_state_new(total, &st);
	st[CV_TAG] = tag;
	st[CV_FOLDS] = folds;
	st[CV_CLASSES] = k;
	st[CV_LENGTH] = length;

	/* a fold's weights, and a line's two ends side by side, as one state has them */
	ends = palloc(sizeof(float8) * 2 * per_fold * W.cols);
	for (f = 0; f < folds; f++)
	{
		Size		size = sizeof(float8) * per_fold * W.cols;

		memcpy(ends, W.data + (Size) f * per_fold * W.cols, size);
		if (line)
			memcpy(ends + (Size) per_fold * W.cols,
				   W.data + (Size) (folds + f) * per_fold * W.cols, size);
		if (is_binary(tag))
		{
			HingeBinaryParams p = {args->loss, args->lambda, args->gamma,
			cw.data[2 * f + 1], cw.data[2 * f]};

			hinge_binary_check_params(p, fold_tag(tag), W.cols);
			hinge_binary_state_init(fold_state(st, f), fold_tag(tag), p, W.cols,
									intercept ? W.cols - 1 : W.cols, ends);
		}
		else
			hinge_multiclass_state_init(fold_state(st, f), fold_tag(tag), args->variant, k,
										W.cols, intercept ? W.cols - 1 : W.cols, args->lambda,
										ends, cw.data + (Size) f * k);
	}
	pfree(ends);
	hinge_weights_validated(fcinfo, 1, state);
	return state;
}

/* Errors out unless the weights argument holds every fold's weights in st */
static void
check_same_weights(FunctionCallInfo fcinfo, ArrayType *state, float8 *st)
{
	float8		tag = st[CV_TAG];
	bool		line = !is_planes(tag);
	int			folds = (int) st[CV_FOLDS];
	int			per_fold = is_binary(tag) ? 1 : (int) st[CV_CLASSES];
	ArrayType  *array = PG_GETARG_ARRAYTYPE_P(1);
	HingeMatrix W;
	int			cols,
				k,
				f;

	if (ARR_NDIM(array) != 2 || ARR_HASNULL(array) || ARR_ELEMTYPE(array) != FLOAT8OID ||
		ARR_DIMS(array)[0] != (line ? 2 : 1) * folds * per_fold)
		hinge_weights_differ_error();
	W.rows = ARR_DIMS(array)[0];
	W.cols = ARR_DIMS(array)[1];
	W.data = (const float8 *) ARR_DATA_PTR(array);
	if (is_binary(tag))
		(void) hinge_binary_weights(fold_state(st, 0), &cols);
	else
		(void) hinge_multiclass_weights(fold_state(st, 0), &k, &cols);
	if (W.cols != cols)
		hinge_weights_differ_error();
	for (f = 0; f < folds; f++)
	{
		const float8 *w = is_binary(tag) ? hinge_binary_weights(fold_state(st, f), &cols) :
			hinge_multiclass_weights(fold_state(st, f), &k, &cols);
		Size		size = sizeof(float8) * per_fold * cols;

		if (memcmp(w, W.data + (Size) f * per_fold * cols, size) != 0 ||
			(line && memcmp(w + (Size) per_fold * cols,
							W.data + (Size) (folds + f) * per_fold * cols, size) != 0))
			hinge_weights_differ_error();
	}
	hinge_weights_validated(fcinfo, 1, state);
}

/* Errors out unless this row's parameters are those the state was made with */
static void
check_same_params(float8 *st, const CvArgs *args)
{
	float8		tag = st[CV_TAG];
	int			folds = (int) st[CV_FOLDS];
	int			k = (int) st[CV_CLASSES];
	ArrayType  *cw = args->class_weights;
	const float8 *weights;
	int			f;

	if (ARR_NDIM(cw) != 2 || ARR_HASNULL(cw) || ARR_ELEMTYPE(cw) != FLOAT8OID ||
		ARR_DIMS(cw)[0] != folds || ARR_DIMS(cw)[1] != k)
		hinge_params_differ_error("class_weights");
	weights = (const float8 *) ARR_DATA_PTR(cw);
	for (f = 0; f < folds; f++)
	{
		const float8 *sub = fold_state(st, f);

		if (is_binary(tag))
		{
			HingeBinaryParams p = {args->loss, args->lambda, args->gamma,
			weights[2 * f + 1], weights[2 * f]};

			hinge_binary_check_same_params(sub, &p);
		}
		else
		{
			if (hinge_multiclass_lambda(sub) != args->lambda ||
				hinge_multiclass_variant_of(sub) != args->variant)
				hinge_params_differ_error("lambda and variant");
			if (memcmp(hinge_multiclass_class_weights(sub), weights + (Size) f * k,
					   sizeof(float8) * k) != 0)
				hinge_params_differ_error("class_weights");
		}
	}
}

/*
 * What fold f's model (the fold's state's weights) does on a row of its
 * own fold, added to the fold's held-out sums (held_out.h).
 */
static void
score_held_out(float8 *st, int f, HingeVector x, int truth, float8 y, float8 *scratch)
{
	float8	   *sub = fold_state(st, f);
	float8	   *held = held_out(st, f);

	if (is_binary(st[CV_TAG]))
	{
		int			d;
		const float8 *w = hinge_binary_weights(sub, &d);
		float8		gamma;
		HingeLoss	kind = hinge_binary_loss(sub, &gamma);
		float8		score = hinge_row_score(w, d, x);

		if (unlikely(!isfinite(score)))
			hinge_report_nonfinite(hinge_float8_vector(w, d), "weights", x, "features");
		hinge_held_out_binary(held, kind, gamma, y, score);
	}
	else
	{
		int			k,
					cols;
		const float8 *W = hinge_multiclass_weights(sub, &k, &cols);

		if (unlikely(!hinge_row_scores(W, k, cols, x, scratch)))
			hinge_report_nonfinite(hinge_float8_vector(W, k * cols), "weights", x, "features");
		hinge_held_out_multiclass(held, is_one_vs_rest(st[CV_TAG]),
								  (HingeMulticlassVariant) hinge_multiclass_variant_of(sub),
								  truth, scratch, k);
	}
}

/* The transition of every cross-validation aggregate */
static Datum
cv_transfn(FunctionCallInfo fcinfo, float8 tag)
{
	CvArgs		args = cv_args(fcinfo, tag);
	HingeVector x = hinge_features_arg(fcinfo, 2);
	int32		fold = PG_GETARG_INT32(4);
	ArrayType  *state;
	float8	   *st;
	float8		y = 0.0;
	int32		label = 0;
	int			truth,
				folds,
				k,
				f;
	float8	   *scratch;

	if (hinge_state_is_empty(PG_GETARG_ARRAYTYPE_P(0)))
		state = new_cv_state(fcinfo, tag, &args, x.n);
	else
	{
		state = hinge_state_for_update(fcinfo, 0);
		st = cv_state_data(state, tag);
		check_same_params(st, &args);
		if (!hinge_weights_unchanged(fcinfo, 1, state, NULL, 0, NULL))
			check_same_weights(fcinfo, state, st);
	}
	st = (float8 *) ARR_DATA_PTR(state);
	folds = (int) st[CV_FOLDS];
	k = (int) st[CV_CLASSES];
	if (is_binary(tag))
	{
		hinge_binary_check_width(fold_state(st, 0), x.n);
		y = PG_GETARG_FLOAT8(3);
		hinge_check_finite(y, "label");
		hinge_check_label(y);
		truth = y > 0 ? 1 : 0;
	}
	else
	{
		hinge_multiclass_check_width(fold_state(st, 0), x.n);
		label = PG_GETARG_INT32(3);
		hinge_check_class_label(label, k);
		truth = label - 1;
	}
	if (fold < 1 || fold > folds)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("fold %d is not between 1 and %d", fold, folds),
				 errhint("A row's fold is a number from 1 to the number of folds (the rows of class_weights).")));

	scratch = hinge_scratch(fcinfo, 6 * k);
	for (f = 0; f < folds; f++)
	{
		if (f == fold - 1)
			continue;
		if (is_binary(tag))
			hinge_binary_accumulate(fold_state(st, f), x, y);
		else
			hinge_multiclass_accumulate(fold_state(st, f), x, label, scratch);
	}
	if (is_planes(tag))
		score_held_out(st, fold - 1, x, truth, y, scratch);
	st[CV_N] += 1;
	PG_RETURN_ARRAYTYPE_P(state);
}

PG_FUNCTION_INFO_V1(hinge_cv_cutting_planes_transfn);
Datum
hinge_cv_cutting_planes_transfn(PG_FUNCTION_ARGS)
{
	return cv_transfn(fcinfo, CV_BINARY_PLANES);
}

PG_FUNCTION_INFO_V1(hinge_cv_line_objective_transfn);
Datum
hinge_cv_line_objective_transfn(PG_FUNCTION_ARGS)
{
	return cv_transfn(fcinfo, CV_BINARY_LINE);
}

PG_FUNCTION_INFO_V1(hinge_cv_line_planes_transfn);
Datum
hinge_cv_line_planes_transfn(PG_FUNCTION_ARGS)
{
	return cv_transfn(fcinfo, CV_BINARY_LINE_PLANES);
}

PG_FUNCTION_INFO_V1(multiclass_cv_cutting_planes_transfn);
Datum
multiclass_cv_cutting_planes_transfn(PG_FUNCTION_ARGS)
{
	return cv_transfn(fcinfo, CV_MC_PLANES);
}

PG_FUNCTION_INFO_V1(multiclass_cv_line_objective_transfn);
Datum
multiclass_cv_line_objective_transfn(PG_FUNCTION_ARGS)
{
	return cv_transfn(fcinfo, CV_MC_LINE);
}

PG_FUNCTION_INFO_V1(one_vs_rest_cv_cutting_planes_transfn);
Datum
one_vs_rest_cv_cutting_planes_transfn(PG_FUNCTION_ARGS)
{
	return cv_transfn(fcinfo, CV_OVR_PLANES);
}

PG_FUNCTION_INFO_V1(one_vs_rest_cv_line_objective_transfn);
Datum
one_vs_rest_cv_line_objective_transfn(PG_FUNCTION_ARGS)
{
	return cv_transfn(fcinfo, CV_OVR_LINE);
}

/* Merges two partial states; an empty state is a worker that saw no rows */
PG_FUNCTION_INFO_V1(hinge_cv_combinefn);
Datum
hinge_cv_combinefn(PG_FUNCTION_ARGS)
{
	ArrayType  *state1;
	ArrayType  *state2 = PG_GETARG_ARRAYTYPE_P(1);
	float8	   *a,
			   *b;
	float8		tag;
	int			folds,
				k,
				f,
				i;

	if (hinge_state_is_empty(state2))
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	if (hinge_state_is_empty(PG_GETARG_ARRAYTYPE_P(0)))
	{
		(void) cv_state_data(state2, ARR_NDIM(state2) == 1 ?
							 ((float8 *) ARR_DATA_PTR(state2))[0] : 0);
		PG_RETURN_ARRAYTYPE_P(state2);
	}
	state1 = hinge_state_for_update(fcinfo, 0);
	tag = ((float8 *) ARR_DATA_PTR(state1))[CV_TAG];
	a = cv_state_data(state1, tag);
	b = cv_state_data(state2, tag);
	if (memcmp(a + CV_FOLDS, b + CV_FOLDS, sizeof(float8) * (CV_N - CV_FOLDS)) != 0)
		hinge_states_differ_error();
	folds = (int) a[CV_FOLDS];
	k = (int) a[CV_CLASSES];
	for (f = 0; f < folds; f++)
	{
		if (is_binary(tag))
			hinge_binary_merge(fold_state(a, f), fold_state(b, f));
		else
			hinge_multiclass_merge(fold_state(a, f), fold_state(b, f));
		if (is_planes(tag))
		{
			float8	   *ha = held_out(a, f);
			const float8 *hb = held_out(b, f);

			for (i = 0; i < HINGE_HELD_SUMS(k); i++)
				if (i != HINGE_HELD_LOSS && i != HINGE_HELD_COMP)
					ha[i] += hb[i];
			hinge_compensated_merge(&ha[HINGE_HELD_LOSS], &ha[HINGE_HELD_COMP],
									&hb[HINGE_HELD_LOSS], &hb[HINGE_HELD_COMP], 1);
		}
	}
	a[CV_N] += b[CV_N];
	PG_RETURN_ARRAYTYPE_P(state1);
}

/*
 * A final function's state, of one of the layouts it takes (checked).  A
 * fold whose model has no training rows (every row in that fold) has a
 * risk of 0: its block's training rows say so.
 */
static float8 *
final_state(ArrayType *state, float8 tag1, float8 tag2, float8 tag3)
{
	float8		tag = ARR_NDIM(state) == 1 && ARR_DIMS(state)[0] >= 1 && !ARR_HASNULL(state) &&
		ARR_ELEMTYPE(state) == FLOAT8OID ? ((float8 *) ARR_DATA_PTR(state))[0] : 0.0;

	if (tag == 0.0 || (tag != tag1 && tag != tag2 && tag != tag3))
		hinge_state_corrupt();
	return cv_state_data(state, tag);
}

/*
 * Every fold's cutting planes, then what its model did on its own rows:
 * one array of the n problems' planes, n x (1 + d) (n = F folds of d
 * weights, or for one-vs-rest F k problems of one class's weights each, in
 * fold order), then per fold the block of cv.h.  NULL for no rows.
 */
PG_FUNCTION_INFO_V1(hinge_cv_cutting_planes_finalfn);
Datum
hinge_cv_cutting_planes_finalfn(PG_FUNCTION_ARGS)
{
	ArrayType  *state = PG_GETARG_ARRAYTYPE_P(0);
	float8	   *st;
	float8		tag;
	int			folds,
				k,
				plane_size,
				f,
				i;
	float8	   *out;
	ArrayType  *result;

	if (hinge_state_is_empty(state))
		PG_RETURN_NULL();
	st = final_state(state, CV_BINARY_PLANES, CV_MC_PLANES, CV_OVR_PLANES);
	tag = st[CV_TAG];
	folds = (int) st[CV_FOLDS];
	k = (int) st[CV_CLASSES];
	if (is_binary(tag))
	{
		int			d;

		(void) hinge_binary_weights(fold_state(st, 0), &d);
		plane_size = 1 + d;
	}
	else
	{
		int			cols;

		(void) hinge_multiclass_weights(fold_state(st, 0), &k, &cols);
		plane_size = is_one_vs_rest(tag) ? k * (1 + cols) : 1 + k * cols;
	}
	result = hinge_new_float8_array(folds * (plane_size + HINGE_CV_HELD(k)), &out);
	for (f = 0; f < folds; f++)
	{
		const float8 *sub = fold_state(st, f);
		const float8 *held = held_out(st, f);
		float8	   *block = out + (Size) folds * plane_size + (Size) f * HINGE_CV_HELD(k);

		if (is_binary(tag))
			hinge_binary_plane(sub, out + (Size) f * plane_size);
		else if (is_one_vs_rest(tag))
			hinge_one_vs_rest_planes(sub, out + (Size) f * plane_size);
		else
			hinge_multiclass_plane(sub, out + (Size) f * plane_size);
		/* counts are whole numbers of rows: anything else is a forged state */
		for (i = 0; i < HINGE_HELD_SUMS(k); i++)
			if (i != HINGE_HELD_LOSS && i != HINGE_HELD_COMP &&
				!(held[i] >= 0 && held[i] <= st[CV_N] && held[i] == floor(held[i])))
				hinge_state_corrupt();
		hinge_held_out_block(held, k, is_binary(tag) ? hinge_binary_rows(sub) :
							 hinge_multiclass_rows(sub), block);
	}
	PG_RETURN_ARRAYTYPE_P(result);
}

/*
 * Every problem's objective along its line: an (n + 1) x LINE_POINTS array,
 * the alphas first, then one row per problem (n = F folds, or F k
 * one-vs-rest problems, in fold order).  NULL for no rows.
 */
PG_FUNCTION_INFO_V1(hinge_cv_line_objective_finalfn);
Datum
hinge_cv_line_objective_finalfn(PG_FUNCTION_ARGS)
{
	ArrayType  *state = PG_GETARG_ARRAYTYPE_P(0);
	float8	   *st;
	int			folds,
				per_fold,
				f;
	float8	   *out;
	ArrayType  *result;

	if (hinge_state_is_empty(state))
		PG_RETURN_NULL();
	st = final_state(state, CV_BINARY_LINE, CV_MC_LINE, CV_OVR_LINE);
	folds = (int) st[CV_FOLDS];
	per_fold = is_one_vs_rest(st[CV_TAG]) ? (int) st[CV_CLASSES] : 1;
	result = hinge_new_float8_matrix(folds * per_fold + 1, LINE_POINTS, &out);
	memcpy(out, hinge_line_alphas, sizeof(float8) * LINE_POINTS);
	for (f = 0; f < folds; f++)
	{
		float8	   *rows = out + (Size) (1 + f * per_fold) * LINE_POINTS;

		if (is_binary(st[CV_TAG]))
			hinge_binary_line_objectives(fold_state(st, f), rows);
		else
			hinge_multiclass_line_objectives(fold_state(st, f), rows);
	}
	PG_RETURN_ARRAYTYPE_P(result);
}

/*
 * Every fold's cutting planes along its line: an (F LINE_POINTS) x (d + 2)
 * array, per fold the rows [alpha, P, subgradient] of hinge_line_planes.
 * NULL for no rows.
 */
PG_FUNCTION_INFO_V1(hinge_cv_line_planes_finalfn);
Datum
hinge_cv_line_planes_finalfn(PG_FUNCTION_ARGS)
{
	ArrayType  *state = PG_GETARG_ARRAYTYPE_P(0);
	float8	   *st;
	int			folds,
				d,
				f;
	float8	   *out;
	ArrayType  *result;

	if (hinge_state_is_empty(state))
		PG_RETURN_NULL();
	st = final_state(state, CV_BINARY_LINE_PLANES, CV_BINARY_LINE_PLANES, CV_BINARY_LINE_PLANES);
	folds = (int) st[CV_FOLDS];
	(void) hinge_binary_weights(fold_state(st, 0), &d);
	result = hinge_new_float8_matrix(folds * LINE_POINTS, d + 2, &out);
	for (f = 0; f < folds; f++)
		hinge_binary_line_planes(fold_state(st, f), out + (Size) f * LINE_POINTS * (d + 2));
	PG_RETURN_ARRAYTYPE_P(result);
}
