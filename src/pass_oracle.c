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

/*
 * A pass of an aggregate over the rows, at the point given as its first
 * parameter: binary aggregates take the loss and its parameters,
 * multiclass ones the variant, and all the class weights.
 */
static void
init_pass(HingePassOracle *po, HingePass *pass, const char *ext, HingeCall call)
{
	const HingeTrainSpec *spec = po->spec;
	HingeRowSource *src = (HingeRowSource *) &spec->source;
	HingeParams *params = &pass->params;
	const char *args[8];
	const char *fold = "";
	int			n = 0;

	memset(pass, 0, sizeof(*pass));
	args[n++] = hinge_param(params, FLOAT8ARRAYOID, (Datum) 0);
	args[n++] = "x";
	args[n++] = "y";
	if (po->folds != NULL)
		args[n++] = "fold";
	args[n++] = hinge_param(params, FLOAT8OID, Float8GetDatum(0.0));
	if (hinge_spec_is_multiclass(spec) && !hinge_spec_is_one_vs_rest(spec))
		args[n++] = hinge_param(params, TEXTOID, CStringGetTextDatum(spec->multiclass));
	if (!hinge_spec_is_multiclass(spec))
	{
		args[n++] = hinge_param(params, TEXTOID, CStringGetTextDatum(spec->loss));
		args[n++] = hinge_param(params, FLOAT8OID, Float8GetDatum(spec->gamma));
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
		fold = psprintf(", %s AS fold", hinge_folds_sql(po->folds, src, ext, params));
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
		args[n++] = hinge_param(params, FLOAT8OID, Float8GetDatum(spec->cpos));
		args[n++] = hinge_param(params, FLOAT8OID, Float8GetDatum(spec->cneg));
	}
	pass->query = psprintf("SELECT %s, pg_catalog.count(y) FROM (SELECT %s AS x, %s AS y%s %s) AS r",
						   hinge_call_sql(call, ext, src->features_type, args),
						   hinge_row_source_x(src, params), hinge_row_source_y(src, params), fold,
						   hinge_row_source_sql(src));
}

/*
 * Runs a pass at point (its first parameter), its result copied to out:
 * the rows it reads must be those the first scan counted.
 */
static void
run_pass(HingePass *pass, const HingeTrainSpec *spec, ArrayType *point, float8 *out,
		 int n_out)
{
	pass->params.values[0] = PointerGetDatum(point);
	if (!hinge_pass_run(pass, out, n_out) || pass->rows != spec->source.rows_used)
		hinge_rows_changed_error((HingeRowSource *) &spec->source, pass->rows,
								 spec->source.rows_used);
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
		init_pass(po, &po->plane_pass, ext,
				  one_vs_rest ? HINGE_CALL_OVR_CUTTING_PLANES :
				  multiclass ? HINGE_CALL_MC_CUTTING_PLANE : HINGE_CALL_CUTTING_PLANE);
		init_pass(po, &po->line_pass, ext,
				  one_vs_rest ? HINGE_CALL_OVR_LINE_OBJECTIVE :
				  multiclass ? HINGE_CALL_MC_LINE_OBJECTIVE :
				  oracle->line_planes ? HINGE_CALL_LINE_PLANES : HINGE_CALL_LINE_OBJECTIVE);
	}
	else
	{
		init_pass(po, &po->plane_pass, ext,
				  one_vs_rest ? HINGE_CALL_OVR_CV_CUTTING_PLANES :
				  multiclass ? HINGE_CALL_MC_CV_CUTTING_PLANES : HINGE_CALL_CV_CUTTING_PLANES);
		init_pass(po, &po->line_pass, ext,
				  one_vs_rest ? HINGE_CALL_OVR_CV_LINE_OBJECTIVE :
				  multiclass ? HINGE_CALL_MC_CV_LINE_OBJECTIVE :
				  oracle->line_planes ? HINGE_CALL_CV_LINE_PLANES : HINGE_CALL_CV_LINE_OBJECTIVE);
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
	if (multiclass || folds != NULL)
	{
		po->point_array = hinge_new_float8_matrix(rows, spec->n_columns, &po->point);
		po->line_array = hinge_new_float8_matrix(2 * rows, spec->n_columns, &po->line);
	}
	else
	{
		po->point_array = hinge_new_float8_array(spec->n_weights, &po->point);
		po->line_array = hinge_new_float8_matrix(2, spec->n_weights, &po->line);
	}
	po->results = palloc(sizeof(float8) * LINE_POINTS *
						 (oracle->line_planes ? (Size) oracle->n_problems * (oracle->d + 2) :
						  oracle->n_problems + 1));
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
