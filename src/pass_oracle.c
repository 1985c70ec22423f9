/*
 * pass_oracle.c
 *		The risk of a training evaluated by aggregate passes over its rows
 *		(train.h), each pass one query run through SPI.
 *
 * The executor does every scan, so parallel workers, partitions, views and
 * Citus distributed tables work unchanged, and memory stays O(features x
 * passes).  The aggregates run with lambda = 0: they give the risk, and the
 * solver adds the regulariser.  Every pass also counts the rows whose label
 * is a class, which must be those the first scan counted: all passes read
 * the data through the calling statement's snapshot, so a table written to
 * concurrently is seen the same by every pass.
 *
 * A cross-validation's oracle solves every fold's problems side by side:
 * its aggregates (cv_accum.c) take each row's fold, and each pass serves
 * every fold.  Its planes passes also say how each fold's model at its
 * point does on the fold's own rows (held_out), which scores a search.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "utils/builtins.h"

#include "accum.h"
#include "cv.h"
#include "folds.h"
#include "train.h"
#include "vector.h"

/* hinge_line_planes keeps LINE_POINTS x d sums per problem: at most 32 x 65536 */
#define LINE_PLANES_MAX_WEIGHTS	HINGE_LINE_PLANES_MAX_WEIGHTS

#define LINE_POINTS	HINGE_LINE_POINTS

/* the point, the rows and the fold, then at most six parameters */
#define MAX_PASS_ARGS	9

/*
 * The arguments of a pass's aggregate after its point (args[0], which the
 * caller adds first, as $1): binary aggregates take the loss and its
 * parameters, multiclass ones the variant, and all the class weights.
 * *fold is the SQL of the rows' fold column, or "".  Returns the number of
 * arguments, args[0] included.
 */
static int
pass_arguments(HingePassOracle *po, HingeParams *params, const char *ext, const char **args,
			   const char **fold)
{
	const HingeTrainSpec *spec = po->spec;
	HingeRowSource *src = (HingeRowSource *) &spec->source;
	int			n = 1;

	*fold = "";
	args[n++] = "x";
	args[n++] = "y";
	if (po->folds != NULL)
		args[n++] = "fold";
	/* lambda 0: the solver adds the regulariser itself */
	args[n++] = hinge_float8_literal(0.0);
	if (hinge_spec_is_multiclass(spec) && !hinge_spec_is_one_vs_rest(spec))
		args[n++] = hinge_text_literal(spec->multiclass);
	if (!hinge_spec_is_multiclass(spec))
	{
		args[n++] = hinge_text_literal(spec->loss);
		args[n++] = hinge_float8_literal(spec->gamma);
	}
	if (po->folds != NULL)
	{
		/* each fold's weight of each class: a folds x classes matrix */
		int			k = spec->source.n_classes;
		int			cells = po->folds->n_folds * k;
		Datum	   *weights = palloc(sizeof(Datum) * cells);
		int			dims[2] = {po->folds->n_folds, k};
		int			lbs[2] = {1, 1};
		int			i;

		for (i = 0; i < cells; i++)
			weights[i] = Float8GetDatum(po->fold_class_weights[i]);
		args[n++] = hinge_param(params, FLOAT8ARRAYOID,
								PointerGetDatum(construct_md_array(weights, NULL, 2, dims, lbs,
																   FLOAT8OID, sizeof(float8),
																   FLOAT8PASSBYVAL,
																   TYPALIGN_DOUBLE)));
		*fold = psprintf(", %s AS fold", hinge_folds_sql(po->folds, src, ext, params));
	}
	else if (hinge_spec_is_multiclass(spec))
	{
		Datum	   *weights = palloc(sizeof(Datum) * spec->n_rows);
		int			r;

		for (r = 0; r < spec->n_rows; r++)
			weights[r] = Float8GetDatum(spec->class_weights[r]);
		args[n++] = hinge_param(params, FLOAT8ARRAYOID,
								PointerGetDatum(construct_array(weights, spec->n_rows, FLOAT8OID,
																sizeof(float8), FLOAT8PASSBYVAL,
																TYPALIGN_DOUBLE)));
	}
	else
	{
		args[n++] = hinge_float8_literal(spec->cpos);
		args[n++] = hinge_float8_literal(spec->cneg);
	}
	return n;
}

/* The query of a pass: its aggregates' calls, then the count of the rows */
static char *
pass_query(HingePassOracle *po, HingeParams *params, const char *calls, const char *fold)
{
	HingeRowSource *src = (HingeRowSource *) &po->spec->source;

	return psprintf("SELECT %s, pg_catalog.count(y) FROM (SELECT %s AS x, %s AS y%s %s) AS r",
					calls, hinge_row_source_x(src, params), hinge_row_source_y(src, params),
					fold, hinge_row_source_sql(src));
}

/*
 * A pass of an aggregate over the rows, at the point given as $1; with
 * plane_point, the aggregate takes one argument more, the place of its
 * plane's point on the line's grid (hinge_line_plane: the binary losses'
 * line search with the plane of one of its points, from each row's score
 * interpolated between the line's ends, as hinge_line_planes takes its
 * planes, so a row costs the line's two scores and no third).
 */
static void
init_pass(HingePassOracle *po, HingePass *pass, const char *ext, HingeCall call,
		  bool plane_point)
{
	const char *args[MAX_PASS_ARGS];
	const char *fold;
	int			n;

	memset(pass, 0, sizeof(*pass));
	args[0] = hinge_param(&pass->params, FLOAT8ARRAYOID, (Datum) 0);
	n = pass_arguments(po, &pass->params, ext, args, &fold);
	if (plane_point)
	{
		args[n] = hinge_param(&pass->params, INT4OID, Int32GetDatum(1));
		po->plane_point_param = pass->params.n - 1;
	}
	pass->query = pass_query(po, &pass->params,
							 hinge_call_sql(call, ext, po->spec->source.features_type, args),
							 fold);
}

/*
 * The line search with the planes at a point of the line, one scan: the
 * line's aggregate at the line ($1), then the planes' aggregate at the
 * point (plane_point_param), sharing the other arguments.
 */
static void
init_line_plane_pass(HingePassOracle *po, const char *ext, HingeCall line_call,
					 HingeCall plane_call)
{
	HingePass  *pass = &po->line_plane_pass;
	Oid			features_type = po->spec->source.features_type;
	const char *args[MAX_PASS_ARGS];
	const char *fold;
	char	   *line_sql;

	memset(pass, 0, sizeof(*pass));
	args[0] = hinge_param(&pass->params, FLOAT8ARRAYOID, (Datum) 0);
	pass_arguments(po, &pass->params, ext, args, &fold);
	line_sql = hinge_call_sql(line_call, ext, features_type, args);
	args[0] = hinge_param(&pass->params, FLOAT8ARRAYOID, (Datum) 0);
	po->plane_point_param = pass->params.n - 1;
	pass->query = pass_query(po, &pass->params,
							 psprintf("%s, %s", line_sql,
									  hinge_call_sql(plane_call, ext, features_type, args)),
							 fold);
}

/*
 * Runs a pass at point (its first parameter), its result copied to out:
 * the rows it reads must be those the first scan counted.
 */
static void
run_pass_columns(HingePass *pass, const HingeTrainSpec *spec, ArrayType *point,
				 float8 *const *outs, const int *n_outs, int n_columns)
{
	pass->params.values[0] = PointerGetDatum(point);
	if (!hinge_pass_run_columns(pass, outs, n_outs, n_columns) ||
		pass->rows != spec->source.rows_used)
		hinge_rows_changed_error((HingeRowSource *) &spec->source, pass->rows,
								 spec->source.rows_used);
}

static void
run_pass(HingePass *pass, const HingeTrainSpec *spec, ArrayType *point, float8 *out,
		 int n_out)
{
	run_pass_columns(pass, spec, point, &out, &n_out, 1);
}

/*
 * Every pass's result is [R, g] per problem: the planes' layout already.  A
 * cross-validation's then has a block per fold of what its model does on
 * its own rows (cv.h), kept in held_out; the training rows it counts must
 * be those the folds were found with.
 */
static void
pass_planes(HingeOracle *oracle, const float8 *points, float8 *out)
{
	HingePassOracle *po = (HingePassOracle *) oracle;
	int			n = oracle->n_problems;
	Size		planes = (Size) n * (oracle->d + 1);
	int			held,
				f;

	memcpy(po->point, points, sizeof(float8) * n * oracle->d);
	if (po->folds == NULL)
	{
		run_pass(&po->plane_pass, po->spec, po->point_array, out, planes);
		return;
	}
	held = HINGE_CV_HELD(po->spec->source.n_classes);
	run_pass(&po->plane_pass, po->spec, po->point_array, po->plane_results,
			 planes + po->folds->n_folds * held);
	memcpy(out, po->plane_results, sizeof(float8) * planes);
	memcpy(po->held_out, po->plane_results + planes, sizeof(float8) * po->folds->n_folds * held);
	for (f = 0; f < po->folds->n_folds; f++)
	{
		int64		rows = (int64) po->held_out[f * held + HINGE_CV_TRAIN_ROWS];

		if (rows != po->folds->train_rows[f])
			hinge_rows_changed_error((HingeRowSource *) &po->spec->source, rows,
									 po->folds->train_rows[f]);
	}
}

/*
 * The line passes take the starts, then the ends, stacked in one matrix.
 * They return: one-vs-rest, a row of alphas then a row of risks per class;
 * the one-pass search, a row [alpha, R, g] per grid point; the others,
 * the alphas then the risks.
 */
static void
pass_line(HingeOracle *oracle, const float8 *from, const float8 *to,
		  float8 *risks, float8 *subgradients)
{
	HingePassOracle *po = (HingePassOracle *) oracle;
	int			n = oracle->n_problems;
	int			d = oracle->d;
	Size		nd = (Size) n * d;
	int			k;

	memcpy(po->line, from, sizeof(float8) * nd);
	memcpy(po->line + nd, to, sizeof(float8) * nd);
	if (oracle->line_planes)
	{
		run_pass(&po->line_pass, po->spec, po->line_array, po->results,
				 n * LINE_POINTS * (d + 2));
		for (k = 0; k < n * LINE_POINTS; k++)
		{
			const float8 *row = po->results + (Size) k * (d + 2);

			risks[k] = row[1];
			memcpy(subgradients + (Size) k * d, row + 2, sizeof(float8) * d);
		}
		return;
	}
	run_pass(&po->line_pass, po->spec, po->line_array, po->results,
			 (n + 1) * LINE_POINTS);
	memcpy(risks, po->results + LINE_POINTS, sizeof(float8) * n * LINE_POINTS);
}

/*
 * The line search and the planes at a point of each problem's line in one
 * pass.  Binary: hinge_line_plane's [alphas, objectives, the plane [P, g]]
 * at the point's place.  Multiclass: the line's result as pass_line reads
 * it without planes, then the planes at the point.
 */
static void
pass_line_plane(HingeOracle *oracle, const float8 *from, const float8 *to,
				float8 *risks, const int *at, float8 *planes)
{
	HingePassOracle *po = (HingePassOracle *) oracle;
	HingePass  *pass = &po->line_plane_pass;
	int			n = oracle->n_problems;
	int			d = oracle->d;
	Size		nd = (Size) n * d;
	int			q;

	memcpy(po->line, from, sizeof(float8) * nd);
	memcpy(po->line + nd, to, sizeof(float8) * nd);
	if (!hinge_spec_is_multiclass(po->spec))
	{
		pass->params.values[po->plane_point_param] = Int32GetDatum(at[0] + 1);
		run_pass(pass, po->spec, po->line_array, po->results, 2 * LINE_POINTS + 1 + d);
		memcpy(risks, po->results + LINE_POINTS, sizeof(float8) * LINE_POINTS);
		memcpy(planes, po->results + 2 * LINE_POINTS, sizeof(float8) * (d + 1));
	}
	else
	{
		float8	   *outs[2] = {po->results, planes};
		int			n_outs[2] = {(n + 1) * LINE_POINTS, n * (d + 1)};

		/* a problem's rows of weights are consecutive, d of them in all */
		for (q = 0; q < n; q++)
			hinge_line_point(from + (Size) q * d, to + (Size) q * d, d, at[q],
							 po->plane_point + (Size) q * d);
		pass->params.values[po->plane_point_param] = PointerGetDatum(po->plane_point_array);
		run_pass_columns(pass, po->spec, po->line_array, outs, n_outs, 2);
		memcpy(risks, po->results + LINE_POINTS, sizeof(float8) * n * LINE_POINTS);
	}
}

/* A planes pass's point: a weight vector, or a matrix of rows rows */
static ArrayType *
new_point_array(const HingeTrainSpec *spec, int rows, bool matrix, float8 **data)
{
	return matrix ? hinge_new_float8_matrix(rows, spec->n_columns, data) :
		hinge_new_float8_array(spec->n_weights, data);
}

/*
 * The oracle of a training: its problems over all the rows; or, with folds,
 * every fold's over the rows of the other folds, each fold with its own
 * class weights (folds x classes).
 */
static void
oracle_init(HingePassOracle *po, const HingeTrainSpec *spec, const HingeFolds *folds,
			const float8 *fold_class_weights, const char *ext)
{
	HingeOracle *oracle = &po->oracle;
	bool		multiclass = hinge_spec_is_multiclass(spec);
	bool		one_vs_rest = hinge_spec_is_one_vs_rest(spec);
	int			copies = folds == NULL ? 1 : folds->n_folds;
	int			rows = copies * spec->n_rows;
	bool		matrix = multiclass || folds != NULL;

	memset(po, 0, sizeof(*po));
	po->spec = spec;
	po->folds = folds;
	po->fold_class_weights = fold_class_weights;
	oracle->n_problems = copies * (one_vs_rest ? spec->n_rows : 1);
	oracle->d = one_vs_rest ? spec->n_columns : spec->n_weights;
	oracle->line_planes = !multiclass && strcmp(spec->loss, "hinge") == 0 &&
		(int64) copies * spec->n_weights <= LINE_PLANES_MAX_WEIGHTS;
	oracle->planes = pass_planes;
	oracle->line = pass_line;

	if (folds == NULL)
	{
		HingeCall	plane_call = one_vs_rest ? HINGE_CALL_OVR_CUTTING_PLANES :
			multiclass ? HINGE_CALL_MC_CUTTING_PLANE : HINGE_CALL_CUTTING_PLANE;
		HingeCall	line_call = one_vs_rest ? HINGE_CALL_OVR_LINE_OBJECTIVE :
			multiclass ? HINGE_CALL_MC_LINE_OBJECTIVE :
			oracle->line_planes ? HINGE_CALL_LINE_PLANES : HINGE_CALL_LINE_OBJECTIVE;

		init_pass(po, &po->plane_pass, ext, plane_call, false);
		init_pass(po, &po->line_pass, ext, line_call, false);
		/*
		 * Without the planes of the whole line, those of a point of it
		 * (solver.c, next_plane_point): the line's aggregate and a planes
		 * aggregate at the point in one scan, which halves the passes for a
		 * pass that computes a score more a row.  On passes, 10^6 sparse
		 * rows of 2^18 features (hinge): 23 passes, 19.5-28.0 s became 11,
		 * 15.6-17.5 s; 200,000 x 5: squared and smoothed hinge 43-47 passes,
		 * 3.9-4.3 s became 28-31, 2.5-2.7 s; Crammer-Singer and
		 * Weston-Watkins 93-101 passes, 13.0-14.2 s became 52-58, 7.3-8.3
		 * s; one-vs-rest 7.3 s became 4.4 s.  The binary losses have both in
		 * one aggregate (hinge_line_plane), whose plane takes no score more:
		 * the sparse rows' 11 passes 13.4 s became 9.2 s.
		 */
		if (!oracle->line_planes)
		{
			if (multiclass)
				init_line_plane_pass(po, ext, line_call, plane_call);
			else
				init_pass(po, &po->line_plane_pass, ext, HINGE_CALL_LINE_PLANE, true);
			oracle->line_plane = pass_line_plane;
		}
	}
	else
	{
		init_pass(po, &po->plane_pass, ext,
				  one_vs_rest ? HINGE_CALL_OVR_CV_CUTTING_PLANES :
				  multiclass ? HINGE_CALL_MC_CV_CUTTING_PLANES : HINGE_CALL_CV_CUTTING_PLANES, false);
		init_pass(po, &po->line_pass, ext,
				  one_vs_rest ? HINGE_CALL_OVR_CV_LINE_OBJECTIVE :
				  multiclass ? HINGE_CALL_MC_CV_LINE_OBJECTIVE :
				  oracle->line_planes ? HINGE_CALL_CV_LINE_PLANES : HINGE_CALL_CV_LINE_OBJECTIVE, false);
		po->held_out = palloc0(sizeof(float8) * copies * HINGE_CV_HELD(spec->source.n_classes));
		po->plane_results = palloc(sizeof(float8) *
								   ((Size) oracle->n_problems * (oracle->d + 1) +
									(Size) copies * HINGE_CV_HELD(spec->source.n_classes)));
	}

	/*
	 * A weight vector, or a matrix of one row per class; a line stacks two.
	 * With folds, every fold's weights stacked (a line: the starts, then
	 * the ends).
	 */
	po->point_array = new_point_array(spec, rows, matrix, &po->point);
	if (oracle->line_plane != NULL && multiclass)
		po->plane_point_array = new_point_array(spec, rows, matrix, &po->plane_point);
	po->line_array = matrix ?
		hinge_new_float8_matrix(2 * rows, spec->n_columns, &po->line) :
		hinge_new_float8_matrix(2, spec->n_weights, &po->line);
	po->results = palloc(sizeof(float8) *
						 (oracle->line_planes ?
						  (Size) LINE_POINTS * oracle->n_problems * (oracle->d + 2) :
						  oracle->line_plane != NULL && !multiclass ?
						  2 * LINE_POINTS + 1 + (Size) oracle->d :
						  (Size) LINE_POINTS * (oracle->n_problems + 1)));
}

void
hinge_pass_oracle_init(HingePassOracle *po, const HingeTrainSpec *spec, const char *ext)
{
	oracle_init(po, spec, NULL, NULL, ext);
}

void
hinge_pass_oracle_init_folds(HingePassOracle *po, const HingeTrainSpec *spec,
							 const HingeFolds *folds, const float8 *fold_class_weights,
							 const char *ext)
{
	oracle_init(po, spec, folds, fold_class_weights, ext);
}
