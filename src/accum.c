/*
 * accum.c
 *		Aggregates of binary (y = -1/+1) margin losses over table rows: the
 *		regularised objective, its subgradient, the mean loss and margin
 *		statistics, at a given weight vector w.
 *
 *	  P(w) = lambda/2 ||w||^2 + (1/n) sum_i c_{y_i} loss(y_i, w.x_i)
 *
 * with class weights c_+ and c_- (1 unless given) and loss the hinge, the
 * squared hinge or the smoothed hinge (losses.h).  When w carries an
 * intercept (one element more than x), it is the weight of a constant
 * feature 1 and is regularised like every other weight, as liblinear's -B 1
 * does.  One pass gives a cutting plane of the objective, which is what a
 * bundle-method solver (BMRM: Teo et al., JMLR 2010; OCAS: Franc and
 * Sonnenburg, JMLR 2009) needs per iteration.
 *
 * State layout (float8[]), see also state.c:
 *	[0]  layout tag: STATE_OBJECTIVE, STATE_SUBGRADIENT or STATE_STATS
 *	[1]  loss: LOSS_HINGE, LOSS_SQUARED or LOSS_SMOOTH
 *	[2]  d, the number of weights (features, plus 1 with an intercept)
 *	[3]  the number of features
 *	[4]  lambda		[5] gamma (read by the smoothed hinge only)
 *	[6]  c_+		[7] c_-
 *	[8]  n, rows so far
 *	[9]  sum of c_y * loss, [10] its compensation
 *	[11 .. 11+d)  w
 * then, for STATE_SUBGRADIENT, 2d more: sum_i c_y dloss/dscore * (x_i, 1)
 * and its compensations; for STATE_STATS, the STATS_* fields below; for
 * STATE_LINE, whose "w" is w_from, d more for w_to, then the sums of c_y *
 * loss along the line (HINGE_LINE_SUMS, rows.h: by runs for the hinge, per
 * point for the other losses);
 * STATE_LINE_PLANES, the same followed by LINE_POINTS x d difference sums
 * of the hinge subgradient along the line, and their compensations (see
 * hinge_line_planes_transfn); STATE_LINE_PLANE, STATE_LINE's followed by
 * PLANE_FIELDS (the 0-based grid point k of the plane, the sum of c_y *
 * loss there and its compensation) and 2d: the subgradient sums at point k
 * and their compensations (see hinge_line_plane_transfn).
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/float.h"

#include "accum.h"
#include "finite.h"
#include "kernels.h"
#include "line.h"
#include "losses.h"
#include "rows.h"
#include "state.h"
#include "validate.h"

#define STATE_OBJECTIVE		HINGE_STATE_OBJECTIVE
#define STATE_SUBGRADIENT	HINGE_STATE_SUBGRADIENT
#define STATE_STATS			HINGE_STATE_STATS
#define STATE_LINE			HINGE_STATE_LINE
#define STATE_LINE_PLANES	HINGE_STATE_LINE_PLANES
#define STATE_LINE_PLANE	HINGE_STATE_LINE_PLANE

/* STATE_LINE_PLANE fields, after the line sums */
#define PLANE_POINT			0
#define PLANE_LOSS_SUM		1
#define PLANE_LOSS_COMP		2
#define PLANE_FIELDS		3

#define LINE_POINTS		HINGE_LINE_POINTS

/*
 * The rows a state's means are over.  A fold's state inside a
 * cross-validation state may have none (a fold whose model has no training
 * rows, passed to the aggregate directly): its sums are then 0, and so are
 * its means.
 */
#define rows_of(st)		fmax((st)[ST_N], 1.0)

#define LINE_PLANES_MAX_WEIGHTS	HINGE_LINE_PLANES_MAX_WEIGHTS

#define LOSS_HINGE		HINGE_LOSS_HINGE
#define LOSS_SQUARED	HINGE_LOSS_SQUARED
#define LOSS_SMOOTH		HINGE_LOSS_SMOOTH

#define ST_TAG			0
#define ST_LOSS			1
#define ST_NWEIGHTS		2
#define ST_NFEATURES	3
#define ST_LAMBDA		4
#define ST_GAMMA		5
#define ST_CPOS			6
#define ST_CNEG			7
#define ST_N			8
#define ST_LOSS_SUM		9
#define ST_LOSS_COMP	10
#define ST_HEADER		11

/* STATE_STATS fields, after w */
#define STATS_MISCLASSIFIED		0	/* y * score <= 0 */
#define STATS_VIOLATORS			1	/* y * score < 1 */
#define STATS_SUPPORT_VECTORS	2	/* y * score <= 1 + SUPPORT_TOLERANCE */
#define STATS_MIN_MARGIN		3
#define STATS_MARGIN_SUM		4
#define STATS_MARGIN_COMP		5
#define STATS_FIELDS			6

/*
 * Rows within this of the margin count as support vectors: a solver stops
 * at a tolerance, so the rows it put on the margin sit at 1 +/- rounding.
 */
#define SUPPORT_TOLERANCE	1e-8

typedef HingeBinaryParams BinaryParams;

/* The line aggregates take two weight vectors, stacked in a 2-row array */
static inline bool
is_line_tag(float8 tag)
{
	return tag == STATE_LINE || tag == STATE_LINE_PLANES || tag == STATE_LINE_PLANE;
}

/* The arguments after (state, w, x, y): [lambda] [gamma] [c_+, c_-] */
static BinaryParams
binary_params(FunctionCallInfo fcinfo, HingeLoss loss, bool has_lambda)
{
	/* gamma 1 where the loss has none: only the smoothed hinge reads it */
	BinaryParams p = {loss, 0.0, 1.0, 1.0, 1.0, 0};
	int			argno = 4;

	if (has_lambda)
		p.lambda = PG_GETARG_FLOAT8(argno++);
	if (loss == LOSS_SMOOTH)
		p.gamma = PG_GETARG_FLOAT8(argno++);
	if (PG_NARGS() >= argno + 2)
	{
		p.cpos = PG_GETARG_FLOAT8(argno);
		p.cneg = PG_GETARG_FLOAT8(argno + 1);
	}
	return p;
}

/*
 * The solver's form, all parameters spelled out:
 * (state, w, x, y, lambda, loss text, gamma, c_+, c_-); gamma counts only
 * for the smoothed hinge, but is checked (once, with the other parameters)
 * and must be the same in every row whatever the loss.
 */
static BinaryParams
explicit_params(FunctionCallInfo fcinfo)
{
	BinaryParams p;

	p.lambda = PG_GETARG_FLOAT8(4);
	p.loss = (HingeLoss) hinge_name_arg(fcinfo, 5, hinge_loss_code);
	p.gamma = PG_GETARG_FLOAT8(6);
	p.cpos = PG_GETARG_FLOAT8(7);
	p.cneg = PG_GETARG_FLOAT8(8);
	p.point = 0;
	return p;
}

/*
 * Checks the parameters of a new state of layout tag and d weights (the
 * cross-validation aggregates check each fold's the same way)
 */
void
hinge_binary_check_params(BinaryParams p, float8 tag, int d)
{
	hinge_check_nonnegative(p.lambda, "lambda",
							"lambda is the regularisation strength: liblinear's C is 1 / (lambda * n).");
	hinge_check_positive(p.gamma, "gamma",
						 "gamma is the width of the smoothed hinge's quadratic part below z = 1: 1 is usual, smaller is closer to the hinge; other losses ignore it.");
	hinge_check_positive(p.cpos, "positive_weight",
						 "Class weights scale each class's losses; 1 for both leaves them as they are.");
	hinge_check_positive(p.cneg, "negative_weight",
						 "Class weights scale each class's losses; 1 for both leaves them as they are.");
	if (tag == STATE_LINE_PLANES && p.loss != LOSS_HINGE)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("hinge_line_planes takes the hinge loss only"),
				 errhint("For other losses, use hinge_line_objective and then hinge_cutting_plane.")));
	if (tag == STATE_LINE_PLANES && d > LINE_PLANES_MAX_WEIGHTS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("hinge_line_planes takes at most %d weights, not %d",
						LINE_PLANES_MAX_WEIGHTS, d),
				 errhint("For more features, use hinge_line_objective and then hinge_cutting_plane.")));
}

static int
extra_length(float8 tag, int d)
{
	if (tag == STATE_SUBGRADIENT)
		return 2 * d;
	if (tag == STATE_STATS)
		return STATS_FIELDS;
	if (tag == STATE_LINE)
		return d + HINGE_LINE_SUMS;
	if (tag == STATE_LINE_PLANES)
		return d + HINGE_LINE_SUMS + 2 * LINE_POINTS * d;
	if (tag == STATE_LINE_PLANE)
		return d + HINGE_LINE_SUMS + PLANE_FIELDS + 2 * d;
	return 0;
}

/* The length of a state of layout tag and d weights */
int
hinge_binary_state_size(float8 tag, int d)
{
	return ST_HEADER + d + extra_length(tag, d);
}

/* The PLANE_FIELDS of a STATE_LINE_PLANE state, then its subgradient sums */
static inline float8 *
plane_fields(const float8 *st)
{
	return (float8 *) st + ST_HEADER + 2 * (int) st[ST_NWEIGHTS] + HINGE_LINE_SUMS;
}

/*
 * The length a state's header implies, or -1 for a header that is not
 * sane.  An aggregate's state has seen at least one row (min_rows 1); a
 * fold's state inside a cross-validation state may have seen none.
 */
int
hinge_binary_state_length(const float8 *st, float8 min_rows)
{
	float8		d = st[ST_NWEIGHTS];
	float8		nf = st[ST_NFEATURES];

	if (st[ST_TAG] != STATE_OBJECTIVE && st[ST_TAG] != STATE_SUBGRADIENT &&
		st[ST_TAG] != STATE_STATS && st[ST_TAG] != STATE_LINE &&
		st[ST_TAG] != STATE_LINE_PLANES && st[ST_TAG] != STATE_LINE_PLANE)
		return -1;
	if (!(d >= 1 && d <= HINGE_MAX_ELEMENTS + 1 && d == floor(d)) ||
		(st[ST_TAG] == STATE_LINE_PLANES && d > LINE_PLANES_MAX_WEIGHTS) ||
		!(nf == d || nf == d - 1) || nf < 1)
		return -1;
	if (!(st[ST_LOSS] == LOSS_HINGE || st[ST_LOSS] == LOSS_SQUARED ||
		  st[ST_LOSS] == LOSS_SMOOTH))
		return -1;
	if (!(st[ST_N] >= min_rows && st[ST_N] <= 9007199254740992.0 && st[ST_N] == floor(st[ST_N])) ||
		!(st[ST_LAMBDA] >= 0 && isfinite(st[ST_LAMBDA])))
		return -1;
	return hinge_binary_state_size(st[ST_TAG], (int) d);
}

static int
binary_state_length(const float8 *st)
{
	return hinge_binary_state_length(st, 1);
}

/* A non-empty state's data, checked against the tag expected */
static float8 *
binary_state_data(ArrayType *state, float8 tag)
{
	float8	   *st = hinge_state_data(state, tag, ST_HEADER, binary_state_length);

	if (tag == STATE_LINE_PLANE)
	{
		float8		k = plane_fields(st)[PLANE_POINT];

		if (!(k >= 0 && k < LINE_POINTS && k == floor(k)))
			hinge_state_corrupt();
	}
	return st;
}

/* Checks the parameters of this row against those the state was made with */
void
hinge_binary_check_same_params(const float8 *st, const BinaryParams *p)
{
	if (unlikely(st[ST_LOSS] != p->loss))
		hinge_params_differ_error("loss");
	if (unlikely(st[ST_LAMBDA] != p->lambda))
		hinge_params_differ_error("lambda");
	if (unlikely(st[ST_GAMMA] != p->gamma))
		hinge_params_differ_error("gamma");
	if (unlikely(st[ST_CPOS] != p->cpos || st[ST_CNEG] != p->cneg))
		hinge_params_differ_error("class weights");
	/* (and, with the point checked, a state's point is one to index the grid with) */
	if (unlikely(st[ST_TAG] == STATE_LINE_PLANE && plane_fields(st)[PLANE_POINT] != p->point))
		hinge_params_differ_error("point");
}

/*
 * The weights argument, flattened: a vector of d weights, or for the line
 * search the 2 x d matrix (w_from, w_to).  *d is the length of one vector.
 */
static HingeVector
weights_arg(FunctionCallInfo fcinfo, float8 tag, int *d)
{
	HingeVector w;

	if (is_line_tag(tag))
	{
		HingeMatrix line = hinge_matrix_arg(PG_GETARG_ARRAYTYPE_P(1), "line");

		if (line.rows != 2)
			ereport(ERROR,
					(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
					 errmsg("line must have 2 rows, the start and the end weights, not %d",
							line.rows),
					 errhint("Pass ARRAY[w_from, w_to], two weight vectors of the same length.")));
		w = hinge_float8_vector(line.data, 2 * line.cols);
		*d = line.cols;
		return w;
	}
	w = hinge_vector_arg(PG_GETARG_ARRAYTYPE_P(1), "weights");
	Assert(w.kind == HINGE_DENSE_FLOAT8);
	*d = w.n;
	return w;
}

/*
 * Writes the header of a state of layout tag with no rows yet, and its
 * weights w (for the line tags, w_from then w_to: 2d), into st, of
 * hinge_binary_state_size(tag, d) zeroed elements.  Checked by the caller.
 */
void
hinge_binary_state_init(float8 *st, float8 tag, BinaryParams p, int d,
						int n_features, const float8 *w)
{
	st[ST_TAG] = tag;
	st[ST_LOSS] = p.loss;
	st[ST_NWEIGHTS] = d;
	st[ST_NFEATURES] = n_features;
	st[ST_LAMBDA] = p.lambda;
	st[ST_GAMMA] = p.gamma;
	st[ST_CPOS] = p.cpos;
	st[ST_CNEG] = p.cneg;
	memcpy(st + ST_HEADER, w,
		   sizeof(float8) * d * (is_line_tag(tag) ? 2 : 1));
	if (tag == STATE_STATS)
		st[ST_HEADER + d + STATS_MIN_MARGIN] = get_float8_infinity();
	if (tag == STATE_LINE_PLANE)
		plane_fields(st)[PLANE_POINT] = p.point;
}

/* A new state for the first row, made from its weights and parameters */
static ArrayType *
new_binary_state(FunctionCallInfo fcinfo, float8 tag, BinaryParams p,
				 int n_features)
{
	int			d;
	HingeVector w = weights_arg(fcinfo, tag, &d);
	bool		intercept = hinge_has_intercept(d, n_features, "weights");
	ArrayType  *state;
	float8	   *st;

	hinge_check_finite_vector(w, "weights");
	hinge_binary_check_params(p, tag, d);
	state = hinge_state_new(hinge_binary_state_size(tag, d), &st);
	hinge_binary_state_init(st, tag, p, d, intercept ? d - 1 : d, w.data);
	hinge_weights_validated(fcinfo, 1, state);
	return state;
}

/*
 * The state to accumulate this row into: a new one for the first row, else
 * the current one, after making sure the weights and parameters are still
 * those it was made with (cheaply, see hinge_weights_unchanged).
 */
static ArrayType *
binary_state_for_row(FunctionCallInfo fcinfo, float8 tag, const BinaryParams *p,
					 int n_features, float8 **st_out)
{
	ArrayType  *state = PG_GETARG_ARRAYTYPE_P(0);
	float8	   *st;

	if (hinge_state_is_empty(state))
		state = new_binary_state(fcinfo, tag, *p, n_features);
	else
	{
		/* the header checked once per aggregate, not per row */
		if ((st = hinge_state_seen(fcinfo, state)) == NULL)
		{
			state = hinge_state_for_update(fcinfo, 0);
			st = binary_state_data(state, tag);
			hinge_state_validated(fcinfo, state, ST_N);
		}
		hinge_binary_check_same_params(st, p);
		if (!hinge_weights_unchanged(fcinfo, 1, state, st + ST_HEADER,
									 is_line_tag(tag) ? 2 : 1,
									 is_line_tag(tag) ?
									 (int[]) {2, (int) st[ST_NWEIGHTS]} :
									 (int[]) {(int) st[ST_NWEIGHTS]}))
		{
			int			d;
			HingeVector w = weights_arg(fcinfo, tag, &d);

			if (d != (int) st[ST_NWEIGHTS] ||
				memcmp(w.data, st + ST_HEADER, sizeof(float8) * w.n) != 0)
				hinge_weights_differ_error();
			hinge_weights_validated(fcinfo, 1, state);
		}
	}
	st = (float8 *) ARR_DATA_PTR(state);
	hinge_binary_check_width(st, n_features);
	*st_out = st;
	return state;
}

/* Errors out unless a row of n_features fits the state's weights */
void
hinge_binary_check_width(const float8 *st, int n_features)
{
	if (unlikely(n_features != (int) st[ST_NFEATURES]))
		hinge_row_width_error(n_features, (int) st[ST_NFEATURES], "weights");
}

/*
 * The plane of a STATE_LINE_PLANE state at its grid point k: the row's
 * loss and subgradient there, from its score interpolated between the
 * line's ends (as hinge_line_planes does for every point), so that the
 * plane costs no dot product more than the line.  Returns false on
 * overflow.
 */
static bool
accumulate_plane(float8 *st, HingeVector x, float8 y, float8 c, float8 from, float8 to)
{
	float8	   *fields = plane_fields(st);
	int			d = (int) st[ST_NWEIGHTS];
	float8		score = from + hinge_line_alphas[(int) fields[PLANE_POINT]] * (to - from);
	float8		coef;
	float8		value = hinge_binary_row((HingeLoss) st[ST_LOSS], st[ST_GAMMA], c, y,
										 score, &coef);

	if (!isfinite(value))
		return false;
	hinge_compensated_add(&fields[PLANE_LOSS_SUM], &fields[PLANE_LOSS_COMP], value);
	if (coef != 0.0)
		hinge_compensated_add_row(fields + PLANE_FIELDS, fields + PLANE_FIELDS + d, d, coef, x);
	return true;
}

/*
 * The line search: the loss of this row at every point of the grid along
 * w_from + alpha (w_to - w_from), from the two scores.  With tag
 * STATE_LINE_PLANES, also the hinge subgradient at every point: the row
 * adds -c y (x, 1) at the points where it violates the margin.  Its margin
 * is linear in alpha, so those points are a run of the grid; the row adds
 * to a difference array only where the run starts and ends (two axpys, not
 * 32), and the final function sums the differences up.
 */
static void
accumulate_line(float8 *st, HingeVector x, float8 y)
{
	float8		tag = st[ST_TAG];
	int			d = (int) st[ST_NWEIGHTS];
	HingeLoss	loss = (HingeLoss) st[ST_LOSS];
	const float8 *w_from = st + ST_HEADER;
	const float8 *w_to = w_from + d;
	float8	   *sums = st + ST_HEADER + 2 * d;
	float8	   *diff_sum = sums + HINGE_LINE_SUMS;
	float8	   *diff_comp = diff_sum + (Size) LINE_POINTS * d;
	float8		c = y > 0 ? st[ST_CPOS] : st[ST_CNEG];
	bool		finite;
	float8		from,
				to;

	hinge_row_score_pair(w_from, w_to, d, x, &from, &to);
	if (unlikely(!isfinite(from) || !isfinite(to)))
		hinge_report_nonfinite(hinge_float8_vector(w_from, 2 * d), "line", x, "features");
	if (loss == LOSS_HINGE)
		finite = hinge_binary_row_line_runs(c, y, from, to, x, d, sums,
											tag == STATE_LINE_PLANES ? diff_sum : NULL, diff_comp);
	else
		finite = hinge_binary_row_line_points(loss, st[ST_GAMMA], c, y, from, to,
											  sums, sums + LINE_POINTS);
	if (tag == STATE_LINE_PLANE)
		finite &= accumulate_plane(st, x, y, c, from, to);
	if (unlikely(!finite))
		hinge_overflow_error();
	st[ST_N] += 1;
}

/*
 * Adds the row (x, y) to a state of any layout; y is -1 or +1 and x has the
 * state's number of features (checked by the caller).
 */
void
hinge_binary_accumulate(float8 *st, HingeVector x, float8 y)
{
	float8		tag = st[ST_TAG];
	int			d = (int) st[ST_NWEIGHTS];
	const float8 *w = st + ST_HEADER;
	float8		score,
				z,
				coef,
				weighted_loss;

	if (is_line_tag(tag))
	{
		accumulate_line(st, x, y);
		return;
	}
	score = hinge_row_score(w, d, x);
	if (unlikely(!isfinite(score)))
		hinge_report_nonfinite(hinge_float8_vector(w, d), "weights", x, "features");
	z = y * score;
	weighted_loss = hinge_binary_row((HingeLoss) st[ST_LOSS], st[ST_GAMMA],
									 y > 0 ? st[ST_CPOS] : st[ST_CNEG], y, score, &coef);
	if (unlikely(!isfinite(weighted_loss)))
		hinge_overflow_error();

	st[ST_N] += 1;
	hinge_compensated_add(&st[ST_LOSS_SUM], &st[ST_LOSS_COMP], weighted_loss);

	if (tag == STATE_SUBGRADIENT && coef != 0.0)
	{
		float8	   *sum = st + ST_HEADER + d;

		hinge_compensated_add_row(sum, sum + d, d, coef, x);
	}
	else if (tag == STATE_STATS)
	{
		float8	   *stats = st + ST_HEADER + d;

		stats[STATS_MISCLASSIFIED] += (z <= 0.0);
		stats[STATS_VIOLATORS] += (z < 1.0);
		stats[STATS_SUPPORT_VECTORS] += (z <= 1.0 + SUPPORT_TOLERANCE);
		stats[STATS_MIN_MARGIN] = fmin(stats[STATS_MIN_MARGIN], z);
		hinge_compensated_add(&stats[STATS_MARGIN_SUM],
							  &stats[STATS_MARGIN_COMP], z);
	}
}

/* The transition shared by every binary aggregate */
static Datum
binary_transfn(FunctionCallInfo fcinfo, float8 tag, const BinaryParams *p)
{
	HingeVector x = hinge_features_arg(fcinfo, 2);
	float8		y = PG_GETARG_FLOAT8(3);
	float8	   *st;
	ArrayType  *state = binary_state_for_row(fcinfo, tag, p, x.n, &st);

	hinge_check_finite(y, "label");
	hinge_check_label(y);
	hinge_binary_accumulate(st, x, y);
	PG_RETURN_ARRAYTYPE_P(state);
}

/* binary_transfn with the parameters of the user-facing aggregates' forms */
static Datum
params_transfn(FunctionCallInfo fcinfo, float8 tag, HingeLoss loss, bool has_lambda)
{
	BinaryParams p = binary_params(fcinfo, loss, has_lambda);

	return binary_transfn(fcinfo, tag, &p);
}

/* binary_transfn with the solver's form of the parameters (explicit_params) */
static Datum
solver_transfn(FunctionCallInfo fcinfo, float8 tag)
{
	BinaryParams p = explicit_params(fcinfo);

	return binary_transfn(fcinfo, tag, &p);
}

PG_FUNCTION_INFO_V1(hinge_line_objective_transfn);
Datum
hinge_line_objective_transfn(PG_FUNCTION_ARGS)
{
	return solver_transfn(fcinfo, STATE_LINE);
}

/*
 * The line search, and the plane at one of its points (1 to LINE_POINTS,
 * the extra argument): any loss, any number of weights.
 */
PG_FUNCTION_INFO_V1(hinge_line_plane_transfn);
Datum
hinge_line_plane_transfn(PG_FUNCTION_ARGS)
{
	BinaryParams p = explicit_params(fcinfo);
	int32		point = PG_GETARG_INT32(9);

	if (point < 1 || point > LINE_POINTS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("point must be between 1 and %d, not %d", LINE_POINTS, point),
				 errhint("The point is the place on the line's grid of %d alphas (the first row of hinge_line_objective's result) where the plane is taken.",
						 LINE_POINTS)));
	p.point = point - 1;
	return binary_transfn(fcinfo, STATE_LINE_PLANE, &p);
}

PG_FUNCTION_INFO_V1(hinge_line_planes_transfn);
Datum
hinge_line_planes_transfn(PG_FUNCTION_ARGS)
{
	return solver_transfn(fcinfo, STATE_LINE_PLANES);
}

/* Transition functions, one per (aggregate, loss) */
PG_FUNCTION_INFO_V1(hinge_objective_transfn);
Datum
hinge_objective_transfn(PG_FUNCTION_ARGS)
{
	return params_transfn(fcinfo, STATE_OBJECTIVE, LOSS_HINGE, true);
}

PG_FUNCTION_INFO_V1(squared_hinge_objective_transfn);
Datum
squared_hinge_objective_transfn(PG_FUNCTION_ARGS)
{
	return params_transfn(fcinfo, STATE_OBJECTIVE, LOSS_SQUARED, true);
}

PG_FUNCTION_INFO_V1(smooth_hinge_objective_transfn);
Datum
smooth_hinge_objective_transfn(PG_FUNCTION_ARGS)
{
	return params_transfn(fcinfo, STATE_OBJECTIVE, LOSS_SMOOTH, true);
}

PG_FUNCTION_INFO_V1(hinge_subgradient_transfn);
Datum
hinge_subgradient_transfn(PG_FUNCTION_ARGS)
{
	return params_transfn(fcinfo, STATE_SUBGRADIENT, LOSS_HINGE, true);
}

PG_FUNCTION_INFO_V1(squared_hinge_subgradient_transfn);
Datum
squared_hinge_subgradient_transfn(PG_FUNCTION_ARGS)
{
	return params_transfn(fcinfo, STATE_SUBGRADIENT, LOSS_SQUARED, true);
}

PG_FUNCTION_INFO_V1(smooth_hinge_subgradient_transfn);
Datum
smooth_hinge_subgradient_transfn(PG_FUNCTION_ARGS)
{
	return params_transfn(fcinfo, STATE_SUBGRADIENT, LOSS_SMOOTH, true);
}

PG_FUNCTION_INFO_V1(hinge_loss_avg_transfn);
Datum
hinge_loss_avg_transfn(PG_FUNCTION_ARGS)
{
	return params_transfn(fcinfo, STATE_OBJECTIVE, LOSS_HINGE, false);
}

PG_FUNCTION_INFO_V1(hinge_margin_stats_transfn);
Datum
hinge_margin_stats_transfn(PG_FUNCTION_ARGS)
{
	return params_transfn(fcinfo, STATE_STATS, LOSS_HINGE, false);
}

/* The cutting plane of any loss, for solvers: see hinge_cutting_plane_finalfn */
PG_FUNCTION_INFO_V1(hinge_cutting_plane_transfn);
Datum
hinge_cutting_plane_transfn(PG_FUNCTION_ARGS)
{
	return solver_transfn(fcinfo, STATE_SUBGRADIENT);
}

/*
 * Merges two partial states of the same aggregate (parallel workers, Citus
 * shards).  An empty state is a worker that saw no rows.
 */
PG_FUNCTION_INFO_V1(hinge_binary_combinefn);
Datum
hinge_binary_combinefn(PG_FUNCTION_ARGS)
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
		(void) binary_state_data(state2, ARR_NDIM(state2) == 1 ?
								 ((float8 *) ARR_DATA_PTR(state2))[0] : 0);
		PG_RETURN_ARRAYTYPE_P(state2);
	}

	state1 = hinge_state_for_update(fcinfo, 0);
	tag = ((float8 *) ARR_DATA_PTR(state1))[ST_TAG];
	a = binary_state_data(state1, tag);
	b = binary_state_data(state2, tag);
	hinge_binary_merge(a, b);
	PG_RETURN_ARRAYTYPE_P(state1);
}

/*
 * Adds state b into state a, both of one layout (checked by the caller),
 * after checking that they were made with the same weights and parameters.
 */
void
hinge_binary_merge(float8 *a, const float8 *b)
{
	float8		tag = a[ST_TAG];
	int			d = (int) a[ST_NWEIGHTS];

	if (memcmp(a + ST_LOSS, b + ST_LOSS, sizeof(float8) * (ST_N - ST_LOSS)) != 0 ||
		memcmp(a + ST_HEADER, b + ST_HEADER,
			   sizeof(float8) * (is_line_tag(tag) ? 2 * d : d)) != 0 ||
		(tag == STATE_LINE_PLANE &&
		 plane_fields(a)[PLANE_POINT] != plane_fields(b)[PLANE_POINT]))
		hinge_states_differ_error();

	a[ST_N] += b[ST_N];
	hinge_compensated_merge(&a[ST_LOSS_SUM], &a[ST_LOSS_COMP],
							&b[ST_LOSS_SUM], &b[ST_LOSS_COMP], 1);
	if (tag == STATE_SUBGRADIENT)
		hinge_compensated_merge(a + ST_HEADER + d, a + ST_HEADER + 2 * d,
								b + ST_HEADER + d, b + ST_HEADER + 2 * d, d);
	else if (is_line_tag(tag))
	{
		float8	   *sa = a + ST_HEADER + 2 * d;
		const float8 *sb = b + ST_HEADER + 2 * d;

		hinge_line_sums_merge(sa, sb);
		if (tag == STATE_LINE_PLANE)
		{
			float8	   *pa = plane_fields(a);
			const float8 *pb = plane_fields(b);

			hinge_compensated_merge(&pa[PLANE_LOSS_SUM], &pa[PLANE_LOSS_COMP],
									&pb[PLANE_LOSS_SUM], &pb[PLANE_LOSS_COMP], 1);
			hinge_compensated_merge(pa + PLANE_FIELDS, pa + PLANE_FIELDS + d,
									pb + PLANE_FIELDS, pb + PLANE_FIELDS + d, d);
		}
		if (tag == STATE_LINE_PLANES)
			hinge_compensated_merge(sa + HINGE_LINE_SUMS,
									sa + HINGE_LINE_SUMS + (Size) LINE_POINTS * d,
									sb + HINGE_LINE_SUMS,
									sb + HINGE_LINE_SUMS + (Size) LINE_POINTS * d,
									LINE_POINTS * d);
	}
	else if (tag == STATE_STATS)
	{
		float8	   *sa = a + ST_HEADER + d;
		const float8 *sb = b + ST_HEADER + d;

		sa[STATS_MISCLASSIFIED] += sb[STATS_MISCLASSIFIED];
		sa[STATS_VIOLATORS] += sb[STATS_VIOLATORS];
		sa[STATS_SUPPORT_VECTORS] += sb[STATS_SUPPORT_VECTORS];
		sa[STATS_MIN_MARGIN] = fmin(sa[STATS_MIN_MARGIN], sb[STATS_MIN_MARGIN]);
		hinge_compensated_merge(&sa[STATS_MARGIN_SUM], &sa[STATS_MARGIN_COMP],
								&sb[STATS_MARGIN_SUM], &sb[STATS_MARGIN_COMP], 1);
	}
}

/* A state's weights (w_from for the line tags) and their number */
const float8 *
hinge_binary_weights(const float8 *st, int *d)
{
	*d = (int) st[ST_NWEIGHTS];
	return st + ST_HEADER;
}

/* The rows a state has seen */
float8
hinge_binary_rows(const float8 *st)
{
	return st[ST_N];
}

/* A state's loss and its gamma */
HingeLoss
hinge_binary_loss(const float8 *st, float8 *gamma)
{
	*gamma = st[ST_GAMMA];
	return (HingeLoss) st[ST_LOSS];
}

/* The mean weighted loss (1/n) sum c_y loss of a state */
static float8
mean_loss(const float8 *st)
{
	return (st[ST_LOSS_SUM] + st[ST_LOSS_COMP]) / rows_of(st);
}

/* ||w||^2 over all weights, the intercept included (see the top) */
static float8
squared_norm(const float8 *st)
{
	const float8 *w = st + ST_HEADER;

	return hinge_dot_f8(w, w, (int) st[ST_NWEIGHTS]);
}

/* lambda/2 ||w||^2 + (1/n) sum c_y loss(y, w.x), or NULL for no rows */
PG_FUNCTION_INFO_V1(hinge_objective_finalfn);
Datum
hinge_objective_finalfn(PG_FUNCTION_ARGS)
{
	ArrayType  *state = PG_GETARG_ARRAYTYPE_P(0);
	float8	   *st;

	if (hinge_state_is_empty(state))
		PG_RETURN_NULL();
	st = binary_state_data(state, STATE_OBJECTIVE);
	PG_RETURN_FLOAT8(hinge_check_result(st[ST_LAMBDA] / 2.0 * squared_norm(st) +
										mean_loss(st)));
}

/* (1/n) sum loss(y, w.x), or NULL for no rows */
PG_FUNCTION_INFO_V1(hinge_loss_avg_finalfn);
Datum
hinge_loss_avg_finalfn(PG_FUNCTION_ARGS)
{
	ArrayType  *state = PG_GETARG_ARRAYTYPE_P(0);

	if (hinge_state_is_empty(state))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(hinge_check_result(mean_loss(binary_state_data(state, STATE_OBJECTIVE))));
}

/*
 * lambda w + (1/n) sum c_y dloss/dscore (x, 1) at w[0:d] into grad[0:d]
 * (which may be w), from the rows' sums (sum[0:d]) and their compensations
 * (sum[d:2d]), and the state's lambda and rows
 */
static void
subgradient_at(const float8 *st, const float8 *w, int d, const float8 *sum, float8 *grad)
{
	int			j;

	for (j = 0; j < d; j++)
		grad[j] = hinge_check_result(st[ST_LAMBDA] * w[j] + (sum[j] + sum[d + j]) / rows_of(st));
}

/* The subgradient of a subgradient state, written to grad[0:d] */
static void
subgradient_of(const float8 *st, float8 *grad)
{
	int			d = (int) st[ST_NWEIGHTS];
	const float8 *w = st + ST_HEADER;

	subgradient_at(st, w, d, w + d, grad);
}

/* lambda w + (1/n) sum c_y dloss/dscore (x, 1), or NULL for no rows */
PG_FUNCTION_INFO_V1(hinge_subgradient_finalfn);
Datum
hinge_subgradient_finalfn(PG_FUNCTION_ARGS)
{
	ArrayType  *state = PG_GETARG_ARRAYTYPE_P(0);
	const float8 *st;
	float8	   *grad;
	ArrayType  *result;

	if (hinge_state_is_empty(state))
		PG_RETURN_NULL();
	st = binary_state_data(state, STATE_SUBGRADIENT);
	result = hinge_new_float8_array((int) st[ST_NWEIGHTS], &grad);
	subgradient_of(st, grad);
	PG_RETURN_ARRAYTYPE_P(result);
}

/*
 * The objective and its subgradient in one array, [P(w), g_1, ..., g_d]: a
 * cutting plane P(v) >= P(w) + g.(v - w).  NULL for no rows.
 */
PG_FUNCTION_INFO_V1(hinge_cutting_plane_finalfn);
Datum
hinge_cutting_plane_finalfn(PG_FUNCTION_ARGS)
{
	ArrayType  *state = PG_GETARG_ARRAYTYPE_P(0);
	const float8 *st;
	float8	   *plane;
	ArrayType  *result;

	if (hinge_state_is_empty(state))
		PG_RETURN_NULL();
	st = binary_state_data(state, STATE_SUBGRADIENT);
	result = hinge_new_float8_array((int) st[ST_NWEIGHTS] + 1, &plane);
	hinge_binary_plane(st, plane);
	PG_RETURN_ARRAYTYPE_P(result);
}

/* [P(w), subgradient] of a subgradient state that has rows, into out[0:d+1] */
void
hinge_binary_plane(const float8 *st, float8 *out)
{
	out[0] = hinge_check_result(st[ST_LAMBDA] / 2.0 * squared_norm(st) + mean_loss(st));
	subgradient_of(st, out + 1);
}

/*
 * The objective at every point of the line of a line state that has rows:
 * P(w_from + alpha_k (w_to - w_from)) into out[k], k < LINE_POINTS
 */
void
hinge_binary_line_objectives(const float8 *st, float8 *out)
{
	int			d = (int) st[ST_NWEIGHTS];
	const float8 *w_from = st + ST_HEADER;
	const float8 *w_to = w_from + d;
	const float8 *sums = w_to + d;
	float8		risks[LINE_POINTS];
	int			j,
				k;

	hinge_line_risks(sums, st[ST_LOSS] == LOSS_HINGE, rows_of(st), risks);
	for (k = 0; k < LINE_POINTS; k++)
	{
		float8		norm2 = 0.0;

		for (j = 0; j < d; j++)
		{
			float8		w = w_from[j] + hinge_line_alphas[k] * (w_to[j] - w_from[j]);

			norm2 += w * w;
		}
		out[k] = hinge_check_result(st[ST_LAMBDA] / 2.0 * norm2 + risks[k]);
	}
}

/*
 * The objective along the line, a 2 x LINE_POINTS array: alphas in the first
 * row, P(w_from + alpha (w_to - w_from)) in the second.  NULL for no rows.
 */
PG_FUNCTION_INFO_V1(hinge_line_objective_finalfn);
Datum
hinge_line_objective_finalfn(PG_FUNCTION_ARGS)
{
	ArrayType  *state = PG_GETARG_ARRAYTYPE_P(0);
	const float8 *st;
	float8	   *out;
	ArrayType  *result;

	if (hinge_state_is_empty(state))
		PG_RETURN_NULL();
	st = binary_state_data(state, STATE_LINE);
	result = hinge_new_float8_matrix(2, LINE_POINTS, &out);
	memcpy(out, hinge_line_alphas, sizeof(float8) * LINE_POINTS);
	hinge_binary_line_objectives(st, out + LINE_POINTS);
	PG_RETURN_ARRAYTYPE_P(result);
}

/*
 * The line search and the plane at its point k, one array: the
 * LINE_POINTS alphas, the objective at each, then [P(w_k), subgradient of
 * P at w_k], w_k = w_from + alpha_k (w_to - w_from).  NULL for no rows.
 */
PG_FUNCTION_INFO_V1(hinge_line_plane_finalfn);
Datum
hinge_line_plane_finalfn(PG_FUNCTION_ARGS)
{
	ArrayType  *state = PG_GETARG_ARRAYTYPE_P(0);
	const float8 *st;
	const float8 *fields;
	float8	   *out;
	float8	   *plane;
	ArrayType  *result;
	int			d;

	if (hinge_state_is_empty(state))
		PG_RETURN_NULL();
	st = binary_state_data(state, STATE_LINE_PLANE);
	d = (int) st[ST_NWEIGHTS];
	fields = plane_fields(st);
	result = hinge_new_float8_array(2 * LINE_POINTS + 1 + d, &out);
	memcpy(out, hinge_line_alphas, sizeof(float8) * LINE_POINTS);
	hinge_binary_line_objectives(st, out + LINE_POINTS);
	plane = out + 2 * LINE_POINTS;
	/* the point, as hinge_line_point makes it for the solver */
	hinge_line_point(st + ST_HEADER, st + ST_HEADER + d, d, (int) fields[PLANE_POINT], plane + 1);
	plane[0] = hinge_check_result(st[ST_LAMBDA] / 2.0 * hinge_dot_f8(plane + 1, plane + 1, d) +
								  (fields[PLANE_LOSS_SUM] + fields[PLANE_LOSS_COMP]) / rows_of(st));
	subgradient_at(st, plane + 1, d, fields + PLANE_FIELDS, plane + 1);
	PG_RETURN_ARRAYTYPE_P(result);
}

/*
 * Cutting planes along the line of a line-planes state that has rows: into
 * out, LINE_POINTS rows of d + 2, row k [alpha_k, P(w_k), subgradient of P
 * at w_k], w_k = w_from + alpha_k (w_to - w_from)
 */
void
hinge_binary_line_planes(const float8 *st, float8 *out)
{
	int			d = (int) st[ST_NWEIGHTS];
	const float8 *w_from = st + ST_HEADER;
	const float8 *w_to = w_from + d;
	const float8 *sums = w_to + d;
	const float8 *diff_sum = sums + HINGE_LINE_SUMS;
	const float8 *diff_comp = diff_sum + (Size) LINE_POINTS * d;
	float8		risks[LINE_POINTS];
	float8	   *running = palloc(sizeof(float8) * d);
	int			j,
				k;

	hinge_line_risks(sums, true, rows_of(st), risks);
	hinge_line_subgradients(diff_sum, diff_comp, d, rows_of(st), running, out + 2, d + 2);
	for (k = 0; k < LINE_POINTS; k++)
	{
		float8	   *row = out + (Size) k * (d + 2);
		float8		norm2 = 0.0;

		for (j = 0; j < d; j++)
		{
			float8		w = w_from[j] + hinge_line_alphas[k] * (w_to[j] - w_from[j]);

			norm2 += w * w;
			row[2 + j] = hinge_check_result(st[ST_LAMBDA] * w + row[2 + j]);
		}
		row[0] = hinge_line_alphas[k];
		row[1] = hinge_check_result(st[ST_LAMBDA] / 2.0 * norm2 + risks[k]);
	}
	pfree(running);
}

/*
 * Cutting planes along the line: a LINE_POINTS x (d + 2) array whose row k
 * is [alpha_k, P(w_k), subgradient of P at w_k], w_k = w_from + alpha_k
 * (w_to - w_from).  NULL for no rows.
 */
PG_FUNCTION_INFO_V1(hinge_line_planes_finalfn);
Datum
hinge_line_planes_finalfn(PG_FUNCTION_ARGS)
{
	ArrayType  *state = PG_GETARG_ARRAYTYPE_P(0);
	const float8 *st;
	float8	   *out;
	ArrayType  *result;

	if (hinge_state_is_empty(state))
		PG_RETURN_NULL();
	st = binary_state_data(state, STATE_LINE_PLANES);
	result = hinge_new_float8_matrix(LINE_POINTS, (int) st[ST_NWEIGHTS] + 2, &out);
	hinge_binary_line_planes(st, out);
	PG_RETURN_ARRAYTYPE_P(result);
}

/* The hinge_margin_stats composite, or NULL for no rows */
PG_FUNCTION_INFO_V1(hinge_margin_stats_finalfn);
Datum
hinge_margin_stats_finalfn(PG_FUNCTION_ARGS)
{
	ArrayType  *state = PG_GETARG_ARRAYTYPE_P(0);
	const float8 *st;
	const float8 *stats;
	TupleDesc	tupdesc;
	Datum		values[9];
	bool		nulls[9] = {false};
	float8		n,
				w_norm;
	int			n_features,
				i;

	if (hinge_state_is_empty(state))
		PG_RETURN_NULL();
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type of hinge_margin_stats must be a row type");
	tupdesc = BlessTupleDesc(tupdesc);
	if (tupdesc->natts != lengthof(values))
		elog(ERROR, "hinge_margin_stats has %d fields, expected %d",
			 tupdesc->natts, (int) lengthof(values));

	st = binary_state_data(state, STATE_STATS);
	n = st[ST_N];
	n_features = (int) st[ST_NFEATURES];
	stats = st + ST_HEADER + (int) st[ST_NWEIGHTS];
	/* counts are whole numbers of rows: anything else is a forged state */
	for (i = STATS_MISCLASSIFIED; i <= STATS_SUPPORT_VECTORS; i++)
		if (!(stats[i] >= 0 && stats[i] <= n && stats[i] == floor(stats[i])))
			hinge_state_corrupt();
	w_norm = hinge_norm(st + ST_HEADER, n_features);

	/* sums that overflowed (or a forged state) must not come out as NaN */
	values[0] = Int64GetDatum((int64) n);
	values[1] = Float8GetDatum(hinge_check_result(mean_loss(st)));
	values[2] = Int64GetDatum((int64) stats[STATS_MISCLASSIFIED]);
	values[3] = Int64GetDatum((int64) stats[STATS_VIOLATORS]);
	values[4] = Int64GetDatum((int64) stats[STATS_SUPPORT_VECTORS]);
	values[5] = Float8GetDatum((n - stats[STATS_MISCLASSIFIED]) / n);
	values[6] = Float8GetDatum(hinge_check_result(stats[STATS_MIN_MARGIN]));
	values[7] = Float8GetDatum(hinge_check_result((stats[STATS_MARGIN_SUM] +
												   stats[STATS_MARGIN_COMP]) / n));
	/* 1/||w||: the half-width of the margin; NULL for w = 0 */
	values[8] = Float8GetDatum(1.0 / w_norm);
	nulls[8] = !isfinite(1.0 / w_norm);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}
