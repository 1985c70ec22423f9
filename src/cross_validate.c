/*
 * cross_validate.c
 *		hinge_cross_validate: lambda chosen by k-fold cross-validation, the
 *		best refit on every row and stored as hinge_train would store it,
 *		with the search; hinge_cv_results: a stored model's search.
 *
 * Every fold's model advances together: the oracle (pass_oracle.c with
 * folds) evaluates all of them in each pass, a row training the models of
 * the other folds and scoring its own fold's.  When the rows fit
 * hinge.in_memory_limit, they are gathered once with their folds and every
 * sweep runs in memory instead (memory_oracle.c: the same per-row
 * formulas, the same held-out scores), as hinge_train does.  The lambdas are solved from
 * the strongest to the weakest, each fold's solve starting from its
 * solution at the lambda before (a warm start, as liblinear's -C does).  A
 * fold's model at lambda l is scored on its own rows by the first pass of
 * lambda l + 1, which starts at exactly that model (and, after the last
 * lambda, by one more pass): the search costs no scan of its own.  Each
 * fold keeps its cutting planes along the path: a plane bounds the fold's
 * risk whatever lambda, so a solve starts from all the planes before.
 *
 * Scaled features (scale => 'standard' or 'maxabs') are scaled per fold,
 * by the statistics of the fold's training rows alone (one more scan,
 * fold_scaling), so no held-out row informs the scaling of the model that
 * scores it; what else the encoding learns (imputed means, categories,
 * vocabularies) is learnt once from every row, as for the refit.
 */
#include "postgres.h"

#include <float.h>
#include <math.h>

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"

#include "bundle.h"
#include "cv.h"
#include "encoding.h"
#include "finite.h"
#include "folds.h"
#include "kernels.h"
#include "memory_oracle.h"
#include "model.h"
#include "rowset.h"
#include "scaled_oracle.h"
#include "survey.h"
#include "train.h"
#include "validate.h"

/* The default grid: this many lambdas over this many decades below the largest */
#define GRID_POINTS		8
#define GRID_DECADES	4.0

/* At most this many lambdas */
#define MAX_LAMBDAS		1000

/* Where hinge_cross_validate's arguments are */
#define ARG_LAMBDAS		4
#define ARG_FOLDS		5
#define ARG_FOLD_COLUMN	6
#define ARG_METRIC		7

static const HingeOptionPositions cv_positions = {
	.lambda = 0, .loss = 8, .intercept = 9, .class_weight = 10, .tolerance = 11,
	.max_passes = 12, .positive = 13, .gamma = 14, .multiclass = 15,
	.features = 16
};

typedef enum CvMetric
{
	METRIC_ACCURACY,
	METRIC_BALANCED_ACCURACY,
	METRIC_F1,
	METRIC_HINGE_LOSS
} CvMetric;

static const char *const metric_names[] = {"accuracy", "balanced_accuracy", "f1", "hinge_loss", NULL};

/* A search under way */
typedef struct Search
{
	HingeTrainSpec spec;
	CvMetric	metric;
	int			n_folds;
	char	   *fold_column;
	int			n_lambdas;
	float8	   *lambdas;		/* strongest first */
	float8	   *scores;			/* n_lambdas x n_folds */
	int		   *passes;
	float8	   *seconds;
	float8	   *averages;		/* n_lambdas x n_weights: the folds' mean model */
	int			scored;			/* lambdas scored so far */

	/*
	 * scale => 'standard' or 'maxabs': the features' centres and scales
	 * learnt from every row, as hinge_train learns them (survey.c), for the
	 * default grid and the refit; and each fold's, n_folds x n_features,
	 * from the fold's training rows alone, for the fold's solves
	 * (scaled_oracle.c).  NULL: none.
	 */
	float8	   *center;
	float8	   *scale;
	float8	   *fold_centers;
	float8	   *fold_scales;

	/* the rows with their folds, when they fit in memory */
	bool		in_memory;
	HingeRowSet rows;
} Search;

/*
 * The oracle the solver sees: the pass oracle with folds, which also keeps
 * the first planes pass of each solve, at the models of the lambda before:
 * their scores.
 */
typedef struct SearchOracle
{
	HingeOracle oracle;
	const float8 *held_out;		/* the inner oracle's held-out blocks */
	HingeOracle *via;			/* the inner oracle, or it seen through scaling */
	Search	   *search;
	bool		score_next;		/* the next planes pass scores a lambda */
} SearchOracle;

/* A metric of a fold's block of held-out counts (cv.h), k classes */
static float8
metric_of(CvMetric metric, const float8 *block, int k)
{
	const float8 *rows = block + HINGE_CV_CLASS_ROWS;
	const float8 *correct = rows + k;
	const float8 *predicted = correct + k;
	float8		n = block[HINGE_CV_HELD_ROWS];
	float8		sum = 0.0;
	int			c;

	switch (metric)
	{
		case METRIC_ACCURACY:
			for (c = 0; c < k; c++)
				sum += correct[c];
			return sum / n;
		case METRIC_BALANCED_ACCURACY:
			/* the mean recall of the classes (each fold has rows of each) */
			for (c = 0; c < k; c++)
				sum += correct[c] / rows[c];
			return sum / k;
		case METRIC_F1:
			/* F1 = 2 TP / (2 TP + FP + FN) = 2 right / (rows + predicted) */
			if (k == 2)
				return 2.0 * correct[1] / (rows[1] + predicted[1]);
			for (c = 0; c < k; c++)
				sum += 2.0 * correct[c] / (rows[c] + predicted[c]);
			return sum / k;
		case METRIC_HINGE_LOSS:
			return block[HINGE_CV_HELD_LOSS] / n;
	}
	pg_unreachable();
}

static float8
mean_of(const float8 *v, int n)
{
	float8		sum = 0.0;
	int			i;

	for (i = 0; i < n; i++)
		sum += v[i];
	return sum / n;
}

/* The population standard deviation, as scikit-learn's std_test_score */
static float8
std_of(const float8 *v, int n)
{
	float8		mean = mean_of(v, n);
	float8		sum = 0.0;
	int			i;

	for (i = 0; i < n; i++)
		sum += (v[i] - mean) * (v[i] - mean);
	return sqrt(sum / n);
}

/* Whether lambda a ranks before b: a better mean score, or a tie and larger */
static bool
ranks_before(CvMetric metric, float8 mean_a, float8 lambda_a, float8 mean_b, float8 lambda_b)
{
	if (mean_a != mean_b)
		return metric == METRIC_HINGE_LOSS ? mean_a < mean_b : mean_a > mean_b;
	return lambda_a > lambda_b;
}

/* The ranks (1 the best) of n lambdas by their mean scores */
static void
rank_lambdas(CvMetric metric, const float8 *lambdas, const float8 *scores, int n,
			 int n_folds, int *ranks)
{
	int			a,
				b;

	for (a = 0; a < n; a++)
	{
		float8		mean_a = mean_of(scores + (Size) a * n_folds, n_folds);

		ranks[a] = 1;
		for (b = 0; b < n; b++)
			if (b != a && ranks_before(metric, mean_of(scores + (Size) b * n_folds, n_folds),
									   lambdas[b], mean_a, lambdas[a]))
				ranks[a]++;
	}
}

/* Records the scores of the next lambda from a planes pass's blocks */
static void
score_lambda(Search *s, const float8 *held_out)
{
	int			k = s->spec.source.n_classes;
	int			l = s->scored++;
	float8	   *scores = s->scores + (Size) l * s->n_folds;
	int			f;

	for (f = 0; f < s->n_folds; f++)
		scores[f] = metric_of(s->metric, held_out + (Size) f * HINGE_CV_HELD(k), k);
	ereport(NOTICE,
			(errmsg("hinge_cross_validate \"%s\": lambda %.6g (%d of %d), %s %.6g (+/- %.2g), %d passes, %.1f s",
					s->spec.model_name, s->lambdas[l], l + 1, s->n_lambdas,
					metric_names[s->metric], mean_of(scores, s->n_folds),
					std_of(scores, s->n_folds), s->passes[l], s->seconds[l])));
}

static void
search_planes(HingeOracle *oracle, const float8 *points, float8 *out)
{
	SearchOracle *so = (SearchOracle *) oracle;

	so->via->planes(so->via, points, out);
	if (so->score_next)
	{
		so->score_next = false;
		score_lambda(so->search, so->held_out);
	}
}

static void
search_line(HingeOracle *oracle, const float8 *from, const float8 *to,
			float8 *risks, float8 *subgradients)
{
	SearchOracle *so = (SearchOracle *) oracle;

	so->via->line(so->via, from, to, risks, subgradients);
}

static void
search_line_moved(HingeOracle *oracle, const float8 *alphas)
{
	SearchOracle *so = (SearchOracle *) oracle;

	so->via->line_moved(so->via, alphas);
}

/* The largest margin of a row under G, by one scan of the relation */
static float8
largest_margin_on_pass(Search *s, ArrayType *G, const char *ext)
{
	HingeTrainSpec *spec = &s->spec;
	HingeRowSource *src = &spec->source;
	HingeParams params = {0};
	const char *args[2];
	char	   *rows,
			   *query;
	float8		largest;
	bool		isnull;
	Datum		value;

	args[0] = hinge_param(&params, FLOAT8ARRAYOID, PointerGetDatum(G));
	args[1] = "x";
	rows = psprintf("(SELECT %s AS x, %s AS y %s) AS r0",
					hinge_row_source_x(src, &params), hinge_row_source_y(src, &params),
					hinge_row_source_sql(src));
	if (!hinge_spec_is_multiclass(spec))
		query = psprintf("SELECT pg_catalog.max(y OPERATOR(pg_catalog.*) %s) FROM %s",
						 hinge_call_sql(HINGE_CALL_SCORE, ext, src->features_type, args), rows);
	else if (hinge_spec_is_one_vs_rest(spec))
		query = psprintf("SELECT pg_catalog.max(CASE WHEN i OPERATOR(pg_catalog.=) y THEN v "
						 "ELSE OPERATOR(pg_catalog.-) v END) "
						 "FROM (SELECT %s AS s, y FROM %s) AS r, "
						 "pg_catalog.unnest(r.s) WITH ORDINALITY AS u(v, i)",
						 hinge_call_sql(HINGE_CALL_SCORES, ext, src->features_type, args), rows);
	else
		query = psprintf("SELECT pg_catalog.max(s[y] OPERATOR(pg_catalog.-) "
						 "(SELECT pg_catalog.max(v) FROM pg_catalog.unnest(s) WITH ORDINALITY AS u(v, i) "
						 "WHERE i OPERATOR(pg_catalog.<>) y)) "
						 "FROM (SELECT %s AS s, y FROM %s) AS r",
						 hinge_call_sql(HINGE_CALL_SCORES, ext, src->features_type, args), rows);
	if (SPI_execute_with_args(query, params.n, params.types, params.values, NULL, true, 0) !=
		SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "could not find the largest lambda of %s", src->relation_name);
	hinge_check_column_type(1, FLOAT8OID);
	value = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	largest = isnull ? 0.0 : DatumGetFloat8(value);
	SPI_freetuptable(SPI_tuptable);
	return largest;
}

/*
 * The same margins of the rows held in memory, g in the layout of the
 * model's weights: the binary y g.x; one-vs-rest's +-g_r.x of every class;
 * Crammer-Singer's and Weston-Watkins' g_y.x - max_{r != y} g_r.x
 */
static float8
largest_margin_in_memory(Search *s, const float8 *g)
{
	HingeTrainSpec *spec = &s->spec;
	const HingeRowSet *rs = &s->rows;
	int			k = spec->n_rows;
	float8	   *scores = palloc(sizeof(float8) * k);
	float8		largest = -get_float8_infinity();
	int64		i;
	int			r;

	for (i = 0; i < rs->n; i++)
	{
		HingeVector x = hinge_row_set_row(rs, i);

		if ((i & 4095) == 0)
			CHECK_FOR_INTERRUPTS();
		if (!hinge_row_scores(g, k, spec->n_columns, x, scores))
			hinge_overflow_error();
		if (!hinge_spec_is_multiclass(spec))
			largest = fmax(largest, rs->y[i] * scores[0]);
		else if (hinge_spec_is_one_vs_rest(spec))
			for (r = 0; r < k; r++)
				largest = fmax(largest, r == rs->label[i] ? scores[r] : -scores[r]);
		else
		{
			float8		other = -get_float8_infinity();

			for (r = 0; r < k; r++)
				if (r != rs->label[i])
					other = fmax(other, scores[r]);
			largest = fmax(largest, scores[rs->label[i]] - other);
		}
	}
	return largest;
}

/*
 * The oracle of every row, for the default grid's first plane and the
 * refit: over the rows held in memory, or on passes
 */
static HingeOracle *
whole_rows_oracle(Search *s, HingeMemoryOracle *memory, HingePassOracle *passes,
				  const char *ext)
{
	if (s->in_memory)
	{
		hinge_memory_oracle_init(memory, &s->rows, &s->spec, 1, NULL, NULL);
		return &memory->oracle;
	}
	hinge_pass_oracle_init(passes, &s->spec, ext);
	return &passes->oracle;
}

/*
 * The largest lambda of the default grid, from the data: with -g the
 * subgradient of the risk at 0 (every row violates the margin there), the
 * model g / lambda puts every row inside its margin exactly when lambda
 * exceeds max_i margin_i(g), each row's margin under g (binary y g.x; for
 * Crammer-Singer and Weston-Watkins g_y.x - max_{r != y} g_r.x; for
 * one-vs-rest every class's +-g_r.x).  For the binary hinge that model is
 * then the optimum, so every larger lambda predicts alike: the grid starts
 * where the models begin to differ, as liblinear's -C starts at the C
 * below which they do not.  Of scaled features, g is the
 * scaled problem's and the margins those of the scaled rows: g's raw
 * weights score raw rows as g scores scaled ones.  Two passes, or two
 * sweeps of the rows in memory.
 */
static float8
largest_lambda(Search *s, const char *ext)
{
	HingeTrainSpec *spec = &s->spec;
	HingeRowSource *src = &spec->source;
	HingePassOracle po;
	int			n,
				d,
				q,
				j;
	float8	   *zero,
			   *planes,
			   *g;
	ArrayType  *G;
	float8		largest;
	HingeMemoryOracle memory;
	HingeScaledOracle scaled;
	HingeOracle *oracle;
	float8	   *minus_g;

	oracle = whole_rows_oracle(s, &memory, &po, ext);
	if (s->center != NULL)
	{
		hinge_scaled_oracle_init(&scaled, oracle, src->n_features, spec->n_columns,
								 s->center, s->scale);
		oracle = &scaled.oracle;
	}
	n = oracle->n_problems;
	d = oracle->d;
	zero = palloc0(sizeof(float8) * n * d);
	planes = palloc(sizeof(float8) * n * (d + 1));
	oracle->planes(oracle, zero, planes);
	G = hinge_spec_is_multiclass(spec) ?
		hinge_new_float8_matrix(spec->n_rows, spec->n_columns, &g) :
		hinge_new_float8_array(spec->n_weights, &g);
	minus_g = s->center != NULL ? palloc(sizeof(float8) * n * d) : g;
	for (q = 0; q < n; q++)
		for (j = 0; j < d; j++)
			minus_g[(Size) q * d + j] = -planes[(Size) q * (d + 1) + 1 + j];
	if (s->center != NULL)
		hinge_scaled_to_raw(&scaled, minus_g, g, spec->n_rows);

	if (s->in_memory)
		largest = largest_margin_in_memory(s, g);
	else
		largest = largest_margin_on_pass(s, G, ext);
	/* no margin at all: a subgradient of 0 at 0 (rows that cancel out) */
	if (!(largest > DBL_MIN) || !isfinite(largest))
		largest = 1.0;
	return largest;
}

/* The lambdas argument: positive, distinct, sorted from the largest */
static void
read_lambdas(FunctionCallInfo fcinfo, Search *s)
{
	ArrayType  *array;
	HingeVector v;
	int			i,
				j;

	if (PG_ARGISNULL(ARG_LAMBDAS))
		return;
	array = PG_GETARG_ARRAYTYPE_P(ARG_LAMBDAS);
	if (ARR_NDIM(array) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("lambdas must be a one-dimensional array"),
				 errhint("Pass a list such as ARRAY[1e-2, 1e-3, 1e-4], or NULL for the default grid.")));
	if (ARR_NDIM(array) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("lambdas must not be empty"),
				 errhint("Pass a list such as ARRAY[1e-2, 1e-3, 1e-4], or NULL for the default grid.")));
	v = hinge_vector_arg(array, "lambdas");
	if (v.n > MAX_LAMBDAS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("lambdas lists %d values, more than %d", v.n, MAX_LAMBDAS),
				 errhint("A search of a few lambdas an order of magnitude apart, then a finer one around the best, costs far less.")));
	s->n_lambdas = v.n;
	s->lambdas = palloc(sizeof(float8) * v.n);
	for (i = 0; i < v.n; i++)
	{
		s->lambdas[i] = hinge_vector_get(v, i);
		hinge_check_lambda(s->lambdas[i], "a lambda",
						   "Every lambda is a regularisation strength above zero: liblinear's C is 1 / (lambda * n).");
	}
	/* from the strongest: each solve starts from the one before (few lambdas) */
	for (i = 1; i < v.n; i++)
		for (j = i; j > 0 && s->lambdas[j] > s->lambdas[j - 1]; j--)
		{
			float8		t = s->lambdas[j];

			s->lambdas[j] = s->lambdas[j - 1];
			s->lambdas[j - 1] = t;
		}
	for (i = 1; i < v.n; i++)
		if (s->lambdas[i] == s->lambdas[i - 1])
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("lambdas lists %s twice", hinge_number_text(s->lambdas[i])),
					 errhint("List each lambda once.")));
}

/* Reads hinge_cross_validate's arguments */
static void
search_args(FunctionCallInfo fcinfo, Search *s)
{
	static const char *const required[] = {"model_name", "relation", "features", "label"};
	char	   *metric;
	int			i;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < lengthof(required); i++)
		hinge_check_not_null(fcinfo, i, required[i],
							 "hinge_cross_validate needs a model name, a relation, its features and its label column.");
	hinge_train_options(fcinfo, &cv_positions, &s->spec);
	s->spec.model_name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	hinge_check_model_name(s->spec.model_name);
	read_lambdas(fcinfo, s);
	hinge_check_not_null(fcinfo, ARG_FOLDS, "folds", "Leave folds out for 5.");
	s->n_folds = PG_GETARG_INT32(ARG_FOLDS);
	hinge_check_int_between(s->n_folds, 2, HINGE_MAX_FOLDS, "folds",
							"Each fold's model trains on the rows of the others and is scored on its own: 5 or 10 is usual.");
	s->fold_column = PG_ARGISNULL(ARG_FOLD_COLUMN) ? NULL :
		text_to_cstring(PG_GETARG_TEXT_PP(ARG_FOLD_COLUMN));
	hinge_check_not_null(fcinfo, ARG_METRIC, "metric", "Leave metric out for 'accuracy'.");
	metric = text_to_cstring(PG_GETARG_TEXT_PP(ARG_METRIC));
	for (i = 0; metric_names[i] != NULL; i++)
		if (strcmp(metric, metric_names[i]) == 0)
			break;
	if (metric_names[i] == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown metric \"%s\"", metric),
				 errhint("Use 'accuracy', 'balanced_accuracy', 'f1' or 'hinge_loss' (the mean held-out loss, lower is better).")));
	s->metric = (CvMetric) i;
}

/*
 * Each fold's class weights, folds x classes: those of class_weight, but
 * 'balanced' is n / (k n_class) over the fold's own training rows, as a
 * hinge_train on them would weigh them.
 */
static float8 *
fold_class_weights(const HingeTrainSpec *spec, const HingeFolds *folds)
{
	int			k = folds->n_classes;
	float8	   *weights = palloc(sizeof(float8) * folds->n_folds * k);
	int			f,
				c;

	for (f = 0; f < folds->n_folds; f++)
		for (c = 0; c < k; c++)
		{
			int64		class_rows = spec->source.class_rows[c] - folds->rows[f * k + c];

			weights[f * k + c] = spec->class_weight != NULL &&
				strcmp(spec->class_weight, "balanced") == 0 ?
				hinge_balanced_class_weight(folds->train_rows[f], k, class_rows) :
				spec->class_weights[c];
		}
	return weights;
}

/*
 * The folds' mean model, in the layout of a model trained on every row:
 * the start of the refit.
 */
static void
average_folds(const HingeTrainSpec *spec, int n_folds, const float8 *w, float8 *mean)
{
	int			n = spec->n_weights;
	int			f,
				j;

	for (j = 0; j < n; j++)
	{
		float8		sum = 0.0;

		for (f = 0; f < n_folds; f++)
			sum += w[(Size) f * n + j];
		mean[j] = sum / n_folds;
	}
}

/* Adds a summary of hinge_feature_stats (its final layout) into acc, by Chan's merge */
static void
merge_feature_stats(float8 *acc, const float8 *other, int width)
{
	int			other_width = (int) other[2];
	int			j;

	acc[1] += other[1];
	for (j = 0; j < Min(width, other_width); j++)
	{
		float8	   *a = acc + 3 + 4 * j;
		const float8 *b = other + 3 + 4 * j;
		float8		n = a[0] + b[0];
		float8		delta = b[1] - a[1];

		if (b[0] == 0.0)
			continue;
		a[2] += b[2] + delta * delta * a[0] * b[0] / n;
		a[1] += delta * b[0] / n;
		a[0] = n;
		a[3] = fmax(a[3], b[3]);
	}
}

/*
 * Each fold's centres and scales, from the statistics of its training rows
 * (every fold's but its own), as hinge_train on those rows alone would
 * learn them: one scan, the rows' encoded features summarised per fold by
 * hinge_feature_stats and merged for each fold over the others.  Only the
 * centres and scales are per fold; imputed means, categories and
 * vocabularies are learnt once from every row (docs/reference.md).
 */
static void
fold_scaling(Search *s, HingeFolds *folds, const char *ext)
{
	HingeRowSource *src = &s->spec.source;
	HingeParams params = {0};
	int			n_folds = s->n_folds;
	int			d = src->n_features;
	Size		size = 3 + 4 * (Size) d;
	float8	   *per_fold = palloc0(sizeof(float8) * n_folds * size);
	float8	   *merged = palloc(sizeof(float8) * size);
	char	   *x = hinge_row_source_x(src, &params);
	char	   *fold = hinge_folds_sql(folds, src, ext, &params);
	char	   *query;
	uint64		i;
	int			f,
				g;

	query = psprintf("SELECT fold, %s.hinge_feature_stats(x) FROM (SELECT %s AS x, %s AS fold %s) AS r "
					 "GROUP BY fold", ext, x, fold, hinge_row_source_sql(src));
	if (SPI_execute_with_args(query, params.n, params.types, params.values, NULL, true, 0) !=
		SPI_OK_SELECT)
		elog(ERROR, "could not summarise the folds' features of %s", src->relation_name);
	hinge_check_column_type(1, INT4OID);
	hinge_check_column_type(2, FLOAT8ARRAYOID);
	for (i = 0; i < SPI_processed; i++)
	{
		bool		fold_null,
					stats_null;
		Datum		fd = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &fold_null);
		Datum		sd = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2, &stats_null);
		ArrayType  *stats;
		int			n;

		if (fold_null || stats_null)
			continue;			/* counted and refused by hinge_folds_init */
		f = DatumGetInt32(fd);
		stats = DatumGetArrayTypeP(sd);
		n = ArrayGetNItems(ARR_NDIM(stats), ARR_DIMS(stats));
		if (f < 1 || f > n_folds || ARR_HASNULL(stats) || n < 3 ||
			n != 3 + 4 * (int) ((const float8 *) ARR_DATA_PTR(stats))[2])
			elog(ERROR, "unexpected feature statistics of fold %d of %s", f, src->relation_name);
		/* never wider than the features: kept to them all the same */
		n = Min(n, size);
		memcpy(per_fold + (Size) (f - 1) * size, ARR_DATA_PTR(stats), sizeof(float8) * n);
		per_fold[(Size) (f - 1) * size + 2] = (n - 3) / 4;
	}
	SPI_freetuptable(SPI_tuptable);

	s->fold_centers = palloc(sizeof(float8) * n_folds * d);
	s->fold_scales = palloc(sizeof(float8) * n_folds * d);
	for (f = 0; f < n_folds; f++)
	{
		memset(merged, 0, sizeof(float8) * size);
		merged[2] = d;
		for (g = 0; g < n_folds; g++)
			if (g != f)
			{
				merged[0] = per_fold[(Size) g * size];	/* sparse rows or not */
				merge_feature_stats(merged, per_fold + (Size) g * size, d);
			}
		hinge_encoding_scaling_of(src->encoding, merged, s->fold_centers + (Size) f * d,
								  s->fold_scales + (Size) f * d);
	}
}

/* Runs the lambda path over the folds, scoring every lambda */
static void
run_search(Search *s, HingeFolds *folds, const char *ext)
{
	HingeTrainSpec *spec = &s->spec;
	HingePassOracle passes;
	HingeMemoryOracle memory;
	HingeOracle *inner;
	HingeScaledOracle scaled;
	SearchOracle so;
	HingeSolverOptions options;
	float8	   *w,
			   *start;
	float8	   *class_weights = fold_class_weights(spec, folds);
	Size		size;
	int			l;

	memset(&so, 0, sizeof(so));
	if (s->in_memory)
	{
		int32	   *left_out = palloc(sizeof(int32) * s->n_folds);

		for (l = 0; l < s->n_folds; l++)
			left_out[l] = l + 1;
		hinge_memory_oracle_init(&memory, &s->rows, spec, s->n_folds, left_out, class_weights);
		inner = &memory.oracle;
		so.held_out = memory.held_out;
	}
	else
	{
		hinge_pass_oracle_init_folds(&passes, spec, folds, class_weights, ext);
		inner = &passes.oracle;
		so.held_out = passes.held_out;
	}
	so.oracle = *inner;
	so.oracle.planes = search_planes;
	so.oracle.line = search_line;
	so.oracle.line_plane = NULL;	/* a search's passes score its planes' points */
	so.via = inner;
	if (s->center != NULL)
	{
		hinge_scaled_oracle_init(&scaled, inner, spec->source.n_features,
								 spec->n_columns, s->center, s->scale);
		hinge_scaled_oracle_per_fold(&scaled, s->n_folds, s->fold_centers, s->fold_scales);
		so.via = &scaled.oracle;
	}
	so.oracle.line_moved = so.via->line_moved != NULL ? search_line_moved : NULL;
	so.search = s;
	size = (Size) so.oracle.n_problems * so.oracle.d;
	w = palloc(sizeof(float8) * size);
	start = palloc(sizeof(float8) * size);
	options.tolerance = spec->tolerance;
	options.max_passes = spec->max_passes;
	options.name = NULL;
	/* every fold's planes, kept along the path: they bound its risk at any lambda */
	options.bundles = palloc0(sizeof(HingeBundle) * so.oracle.n_problems);
	for (l = 0; l < s->n_lambdas; l++)
	{
		HingeProgress p;

		options.lambda = s->lambdas[l];
		options.start = l == 0 ? NULL : start;
		/* the first pass is at the models of the lambda before: their scores */
		so.score_next = l > 0;
		p = hinge_solve(&so.oracle, &options, w);
		hinge_check_bounds(spec, &p);
		s->passes[l] = p.passes;
		s->seconds[l] = hinge_seconds_since(p.started);
		hinge_warn_unconverged(spec, &p, psprintf("hinge_cross_validate \"%s\" at lambda %g",
												  spec->model_name, s->lambdas[l]));
		average_folds(spec, s->n_folds, w, s->averages + (Size) l * spec->n_weights);
		memcpy(start, w, sizeof(float8) * size);
	}
	/* the last lambda's models, scored by one more pass */
	{
		TimestampTz started = GetCurrentTimestamp();
		float8	   *planes = palloc(sizeof(float8) * so.oracle.n_problems * (so.oracle.d + 1));

		so.via->planes(so.via, w, planes);
		s->passes[s->n_lambdas - 1]++;
		s->seconds[s->n_lambdas - 1] += hinge_seconds_since(started);
		score_lambda(s, so.held_out);
	}
}

/*
 * Trains the chosen lambda on every row, from the folds' mean model, and
 * stores it with the search.
 */
static void
refit(Search *s, int best, const char *ext)
{
	HingeTrainSpec *spec = &s->spec;
	HingePassOracle passes;
	HingeMemoryOracle memory;
	HingeOracle *oracle;
	HingeScaledOracle scaled;
	HingeSolverOptions options;
	HingeSearch search;
	HingeProgress p;
	float8	   *w = palloc(sizeof(float8) * spec->n_weights);

	spec->lambda = s->lambdas[best];
	ereport(NOTICE,
			(errmsg("hinge_cross_validate \"%s\": lambda %.6g is the best, training it on all %lld rows",
					spec->model_name, spec->lambda, (long long) spec->source.rows_used)));
	oracle = whole_rows_oracle(s, &memory, &passes, ext);
	options.lambda = spec->lambda;
	options.tolerance = spec->tolerance;
	options.max_passes = spec->max_passes;
	options.start = s->averages + (Size) best * spec->n_weights;
	options.name = NULL;
	options.bundles = NULL;
	if (s->center != NULL)
	{
		/* solved on scaled features, stored as weights of the raw ones */
		float8	   *theta = palloc(sizeof(float8) * spec->n_weights);

		hinge_scaled_oracle_init(&scaled, oracle, spec->source.n_features,
								 spec->n_columns, s->center, s->scale);
		p = hinge_solve(&scaled.oracle, &options, theta);
		hinge_scaled_to_raw(&scaled, theta, w, spec->n_rows);
	}
	else
		p = hinge_solve(oracle, &options, w);
	hinge_check_bounds(spec, &p);
	hinge_warn_unconverged(spec, &p, psprintf("hinge_cross_validate \"%s\"", spec->model_name));

	search.metric = metric_names[s->metric];
	search.n_folds = s->n_folds;
	search.fold_column = s->fold_column;
	search.n_lambdas = s->n_lambdas;
	search.lambdas = s->lambdas;
	search.scores = s->scores;
	search.passes = s->passes;
	search.seconds = s->seconds;
	(void) hinge_store_model(spec, ext, w, &p, &search);
}

/* One row of a search's table per lambda, into the caller's tuplestore */
static void
emit_rows(FunctionCallInfo fcinfo, CvMetric metric, int n_lambdas, int n_folds,
		  const float8 *lambdas, const float8 *scores, const int *passes,
		  const float8 *seconds)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int		   *ranks = palloc(sizeof(int) * n_lambdas);
	Datum	   *folds = palloc(sizeof(Datum) * n_folds);
	int			l,
				f;

	rank_lambdas(metric, lambdas, scores, n_lambdas, n_folds, ranks);
	for (l = 0; l < n_lambdas; l++)
	{
		const float8 *row = scores + (Size) l * n_folds;
		Datum		values[7];
		bool		nulls[7] = {false};

		for (f = 0; f < n_folds; f++)
			folds[f] = Float8GetDatum(row[f]);
		values[0] = Float8GetDatum(lambdas[l]);
		values[1] = Float8GetDatum(mean_of(row, n_folds));
		values[2] = Float8GetDatum(std_of(row, n_folds));
		values[3] = PointerGetDatum(construct_array(folds, n_folds, FLOAT8OID, sizeof(float8),
													FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
		values[4] = Int32GetDatum(ranks[l]);
		values[5] = Int32GetDatum(passes[l]);
		values[6] = Float8GetDatum(seconds[l]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
}

/*
 * hinge_cross_validate(model_name, relation, features, label, lambdas,
 * folds, fold_column, metric, then hinge_train's options): the search, one
 * row per lambda (strongest first); the best lambda refit on every row is
 * stored as model_name with the search.
 */
PG_FUNCTION_INFO_V1(hinge_cross_validate);
Datum
hinge_cross_validate(PG_FUNCTION_ARGS)
{
	Search		s;
	HingeTrainSpec *spec = &s.spec;
	HingeRowSource *src = &spec->source;
	char	   *ext = hinge_extension_schema(fcinfo);
	HingeFolds	folds;
	int		   *ranks;
	int			best,
				l;

	search_args(fcinfo, &s);
	hinge_init_materialized_srf(fcinfo);
	SPI_connect();
	hinge_train_source(fcinfo, spec, ext);
	if (!hinge_encoding_scaling(src->encoding, &s.center, &s.scale))
		s.center = s.scale = NULL;
	hinge_resolve_class_weights(spec);
	hinge_folds_init(&folds, src, ext, s.n_folds, s.fold_column);
	if (s.center != NULL)
		fold_scaling(&s, &folds, ext);
	s.in_memory = hinge_rows_in_memory(spec, &s.rows, &folds, ext, NULL);
	if (s.lambdas == NULL)
	{
		float8		largest = largest_lambda(&s, ext);

		s.n_lambdas = GRID_POINTS;
		s.lambdas = palloc(sizeof(float8) * GRID_POINTS);
		for (l = 0; l < GRID_POINTS; l++)
			s.lambdas[l] = largest * pow(10.0, -GRID_DECADES * l / (GRID_POINTS - 1));
	}
	s.scores = palloc(sizeof(float8) * s.n_lambdas * s.n_folds);
	s.passes = palloc0(sizeof(int) * s.n_lambdas);
	s.seconds = palloc0(sizeof(float8) * s.n_lambdas);
	s.averages = palloc(sizeof(float8) * s.n_lambdas * spec->n_weights);

	run_search(&s, &folds, ext);

	ranks = palloc(sizeof(int) * s.n_lambdas);
	rank_lambdas(s.metric, s.lambdas, s.scores, s.n_lambdas, s.n_folds, ranks);
	for (best = 0; ranks[best] != 1; best++)
		;
	refit(&s, best, ext);
	emit_rows(fcinfo, s.metric, s.n_lambdas, s.n_folds, s.lambdas, s.scores, s.passes,
			  s.seconds);
	SPI_finish();
	return (Datum) 0;
}

/*
 * hinge_cv_results(model_name): the cross-validation stored with a model,
 * as hinge_cross_validate returned it; no rows for a model without one.
 */
PG_FUNCTION_INFO_V1(hinge_cv_results);
Datum
hinge_cv_results(PG_FUNCTION_ARGS)
{
	char	   *name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	HingeModel *model = hinge_model_read(hinge_extension_schema(fcinfo), name, false);
	HingeModelSearch *search = model->search;
	int			m;

	hinge_init_materialized_srf(fcinfo);
	if (search == NULL)
		return (Datum) 0;
	for (m = 0; strcmp(metric_names[m], search->metric) != 0; m++)
		;
	emit_rows(fcinfo, (CvMetric) m, search->n_lambdas, search->n_folds, search->lambdas,
			  search->scores, search->passes, search->seconds);
	return (Datum) 0;
}
