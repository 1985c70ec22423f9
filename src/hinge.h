/*
 * hinge.h
 *		Shared declarations for the hinge extension: the input validator that
 *		every SQL-callable function runs first, and the small inline kernels
 *		(dot products, norms) that the hot loops share.
 *
 * Policy, stated once for the whole extension (docs/reference.md, "Errors,
 * NaN and infinity"):
 * every numeric input must be finite.  NaN or +/-Infinity in a scalar, a
 * weight, a feature or a score is an ERROR (22023), never a NaN result.
 * Finite inputs whose result overflows float8 raise 22003, as float8
 * arithmetic does.  Dot products check their result instead of every
 * element: a non-finite element always makes the sum non-finite (NaN * w is
 * NaN, Inf * 0 is NaN, Inf * w is +/-Inf), so only the rare failing call
 * pays for a second scan that names the culprit.
 */
#ifndef HINGE_H
#define HINGE_H

#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "utils/array.h"
#include "access/htup.h"
#include "access/tupdesc.h"
#include "utils/float.h"

/*
 * Largest vector (or matrix) hinge accepts: 10 million elements, 80 MB of
 * float8.  PostgreSQL's own 1 GB limit already bounds arrays; this keeps any
 * buffer hinge allocates in proportion to its input well below it.
 */
#define HINGE_MAX_ELEMENTS	10000000

/* A validated one-dimensional array: its length and typed data pointer. */
typedef struct HingeVector
{
	int			n;				/* number of elements, >= 1 */
	bool		is_float4;		/* real[] rather than float8[] */
	const void *data;			/* n float8 or n float4 */
} HingeVector;

static inline float8
hinge_vector_get(HingeVector v, int i)
{
	return v.is_float4 ? (float8) ((const float4 *) v.data)[i]
		: ((const float8 *) v.data)[i];
}

/*
 * Kernels.  Dot products keep eight partial sums, element i going to sum
 * i % 8, added up pairwise at the end.  Eight independent sums break the
 * serial dependency on one accumulator and map onto SIMD registers, while
 * the order of every addition stays fixed: the same result whatever the
 * vector width, on every build for a given architecture.  GCC's and
 * clang's vector extensions make the SIMD explicit (-O2 does not vectorise
 * a strict floating-point reduction); other compilers get the same
 * arithmetic in scalar code.
 */
#if defined(__GNUC__) || defined(__clang__)
#define HINGE_VECTOR_EXTENSIONS 1
typedef double hinge_v2df __attribute__((vector_size(16)));
typedef float hinge_v2sf __attribute__((vector_size(8)));
typedef long long hinge_v2di __attribute__((vector_size(16)));

static inline hinge_v2df
hinge_load_f8(const float8 *p)
{
	hinge_v2df	v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline hinge_v2df
hinge_load_f4(const float4 *p)
{
	hinge_v2sf	v;

	memcpy(&v, p, sizeof(v));
	return __builtin_convertvector(v, hinge_v2df);
}
#endif

/* The eight partial sums added pairwise, then the tail */
#define HINGE_DOT_BODY(LOAD_B) \
	int			i = 0; \
	float8		tail = 0.0; \
	HINGE_DOT_VECTOR(LOAD_B) \
	for (; i < n; i++) \
		tail += a[i] * (float8) b[i]; \
	return HINGE_DOT_SUM + tail

#ifdef HINGE_VECTOR_EXTENSIONS
#define HINGE_DOT_VECTOR(LOAD_B) \
	hinge_v2df	s0 = {0, 0}, s1 = {0, 0}, s2 = {0, 0}, s3 = {0, 0}; \
	for (; i + 8 <= n; i += 8) \
	{ \
		s0 += hinge_load_f8(a + i) * LOAD_B(b + i); \
		s1 += hinge_load_f8(a + i + 2) * LOAD_B(b + i + 2); \
		s2 += hinge_load_f8(a + i + 4) * LOAD_B(b + i + 4); \
		s3 += hinge_load_f8(a + i + 6) * LOAD_B(b + i + 6); \
	}
#define HINGE_DOT_SUM \
	(((s0[0] + s2[0]) + (s1[0] + s3[0])) + ((s0[1] + s2[1]) + (s1[1] + s3[1])))
#else
#define HINGE_DOT_VECTOR(LOAD_B) \
	float8		s[8] = {0}; \
	for (; i + 8 <= n; i += 8) \
		for (int l = 0; l < 8; l++) \
			s[l] += a[i + l] * (float8) b[i + l];
#define HINGE_DOT_SUM \
	(((s[0] + s[4]) + (s[2] + s[6])) + ((s[1] + s[5]) + (s[3] + s[7])))
#endif

/* a[0:n] . b[0:n] */
static inline float8
hinge_dot_f8(const float8 *a, const float8 *b, int n)
{
	HINGE_DOT_BODY(hinge_load_f8);
}

/* a[0:n] . b[0:n] with single-precision b, each element widened exactly */
static inline float8
hinge_dot_f8_f4(const float8 *a, const float4 *b, int n)
{
	HINGE_DOT_BODY(hinge_load_f4);
}

/* w[0:n] . x, with x float8 or float4 */
static inline float8
hinge_dot(const float8 *w, HingeVector x, int n)
{
	return x.is_float4 ? hinge_dot_f8_f4(w, (const float4 *) x.data, n)
		: hinge_dot_f8(w, (const float8 *) x.data, n);
}

/* A validated two-dimensional float8 array: rows x cols, row-major. */
typedef struct HingeMatrix
{
	int			rows;
	int			cols;
	const float8 *data;
} HingeMatrix;

/* Multiclass hinge variants (multiclass.c) */
typedef enum HingeMulticlassVariant
{
	HINGE_CRAMMER_SINGER,		/* max over wrong classes */
	HINGE_WESTON_WATKINS		/* sum over wrong classes */
} HingeMulticlassVariant;

extern HingeMulticlassVariant hinge_multiclass_variant(text *name);
extern float8 hinge_multiclass_loss(const float8 *scores, int k, int label,
									HingeMulticlassVariant variant,
									float8 margin, float8 *grad);

/* validate.c: the one validator, used by every entry point */
extern HingeVector hinge_vector_arg(ArrayType *array, const char *what);
extern HingeMatrix hinge_matrix_arg(ArrayType *array, const char *what);
extern void hinge_check_finite_vector(HingeVector v, const char *what);
extern void hinge_check_finite(float8 value, const char *what);
extern void hinge_check_label(float8 y);
extern void hinge_check_class_label(int32 label, int n_classes);
extern void hinge_check_margin(float8 margin);
extern void hinge_check_positive(float8 value, const char *what,
								 const char *hint);
extern void hinge_check_nonnegative(float8 value, const char *what,
									const char *hint);
extern bool hinge_has_intercept(int n_weights, int n_features,
								const char *weights_what);
extern void hinge_overflow_error(void) pg_attribute_noreturn();
extern void hinge_report_nonfinite(HingeVector a, const char *a_what,
								   HingeVector b, const char *b_what)
			pg_attribute_noreturn();

/* Results of finite inputs: a non-finite one is an overflow (inline: hot) */
static inline float8
hinge_check_result(float8 result)
{
	if (unlikely(!isfinite(result)))
		hinge_overflow_error();
	return result;
}

/* array.c: a new zero-filled one-dimensional float8[] and its data */
extern ArrayType *hinge_new_float8_array(int n, float8 **data);
extern ArrayType *hinge_new_float8_matrix(int rows, int cols, float8 **data);

/*
 * state.c: aggregate states (float8[] with a layout tag first) and the
 * per-query cache that lets a transition function skip re-reading weights
 * that have not changed since the previous row.
 */
typedef struct HingeArgCache
{
	bool		valid;			/* validated at least once */
	bool		constant;		/* the weights are a constant of the query */
	ArrayType  *state;			/* state they were last checked against */
	Size		raw_size;		/* raw (possibly TOASTed) bytes last seen */
	Size		raw_capacity;
	char	   *raw;
	float8	   *scratch;		/* per-row working space, reused */
	int			scratch_length;
} HingeArgCache;

extern bool hinge_weights_unchanged(FunctionCallInfo fcinfo, int argno,
									ArrayType *state);
extern void hinge_weights_validated(FunctionCallInfo fcinfo, int argno,
									ArrayType *state);
extern float8 *hinge_scratch(FunctionCallInfo fcinfo, int n);
extern float8 *hinge_state_data(ArrayType *state, float8 tag, int header_length,
								int (*expected_length) (const float8 *header));
extern void hinge_state_corrupt(void) pg_attribute_noreturn();
extern bool hinge_state_is_empty(ArrayType *state);
extern ArrayType *hinge_state_new(int n, float8 **data);
extern ArrayType *hinge_state_for_update(FunctionCallInfo fcinfo, int argno);
extern void hinge_compensated_merge(float8 *sum, float8 *comp,
									const float8 *sum2, const float8 *comp2,
									int n);

/*
 * Neumaier's compensated summation: *sum + *comp carries the sum of all
 * values added with about one rounding in total, whatever their order.
 */
static inline void
hinge_compensated_add(float8 *sum, float8 *comp, float8 value)
{
	float8		s = *sum;
	float8		t = s + value;

	*comp += fabs(s) >= fabs(value) ? (s - t) + value : (value - t) + s;
	*sum = t;
}

/*
 * sum[j] + comp[j] += coef * x[j] for j < n, compensated as above: the
 * accumulation of a row into a subgradient.  Elements are independent, so
 * the SIMD version does exactly what the scalar loop does.
 */
static inline void
hinge_compensated_axpy(float8 *sum, float8 *comp, float8 coef, HingeVector x)
{
	int			j = 0;

#ifdef HINGE_VECTOR_EXTENSIONS
	const hinge_v2df c = {coef, coef};
	const hinge_v2di no_sign = {0x7fffffffffffffffLL, 0x7fffffffffffffffLL};

	for (; j + 2 <= x.n; j += 2)
	{
		hinge_v2df	v = c * (x.is_float4 ? hinge_load_f4((const float4 *) x.data + j)
							 : hinge_load_f8((const float8 *) x.data + j));
		hinge_v2df	s = hinge_load_f8(sum + j);
		hinge_v2df	t = s + v;
		hinge_v2di	s_larger = (hinge_v2di) ((hinge_v2df) ((hinge_v2di) s & no_sign) >=
											 (hinge_v2df) ((hinge_v2di) v & no_sign));
		hinge_v2di	if_s = (hinge_v2di) ((s - t) + v);
		hinge_v2di	if_v = (hinge_v2di) ((v - t) + s);
		hinge_v2df	cj = hinge_load_f8(comp + j) +
			(hinge_v2df) ((if_s & s_larger) | (if_v & ~s_larger));

		memcpy(sum + j, &t, sizeof(t));
		memcpy(comp + j, &cj, sizeof(cj));
	}
#endif
	for (; j < x.n; j++)
		hinge_compensated_add(&sum[j], &comp[j], coef * hinge_vector_get(x, j));
}

/* accum.c: the line search grid of the *_line_* aggregates */
#define HINGE_LINE_POINTS	32
extern const float8 hinge_line_alphas[HINGE_LINE_POINTS];

/* bundle.c: the bundle method's master problem (cutting-plane model) */
typedef struct HingeBundle
{
	int			d;				/* weights per plane */
	int			m;				/* planes */
	int			capacity;
	float8		lambda;
	float8	   *a;				/* capacity x d: plane slopes */
	float8	   *b;				/* plane offsets */
	float8	   *alpha;			/* dual weights, on the simplex */
	float8	   *gram;			/* capacity x capacity: a_s . a_t */
	int		   *idle;			/* solves since alpha_t was last > 0 */
} HingeBundle;

extern void hinge_bundle_init(HingeBundle *bundle, int d, float8 lambda,
							  int capacity);
extern void hinge_bundle_add(HingeBundle *bundle, const float8 *a, float8 b);
extern float8 hinge_bundle_solve(HingeBundle *bundle, float8 *w,
								 float8 precision);

/*
 * source.c: the rows a model is trained or evaluated on, as SQL built from
 * a relation and column names (quoted, never pasted).
 */
typedef struct HingeRowSource
{
	Oid			relid;
	char	   *relation;		/* qualified and quoted, for SQL */
	char	   *relation_name;	/* as regclass prints it, for the model row */
	bool		feature_list;	/* features from a list of numeric columns */
	int			n_feature_columns;
	char	  **feature_columns;	/* raw column names */
	const char *feature_type;	/* "double precision[]", "real[]", "columns" */
	char	   *features_sql;	/* the feature vector as an expression */
	char	   *usable_sql;		/* condition: features and label not NULL */
	int			n_features;
	char	   *label_name;		/* raw column name */
	char	   *label_sql;		/* quoted column */
	Oid			label_type;
	int			n_classes;
	char	  **classes;		/* text forms: binary (negative, positive), or
								 * multiclass in the label type's order */
	int64	   *class_rows;
	char	   *y_sql;			/* the label as -1 or +1, or as the 1-based
								 * class of a multiclass model */
	int64		rows_used;
	int64		rows_skipped;
} HingeRowSource;

extern void hinge_row_source_init(HingeRowSource *src, Oid relid,
								  Datum features, bool feature_list,
								  const char *label);
extern void hinge_row_source_count(HingeRowSource *src);
extern char *hinge_row_source_width_sql(const char *x, const char *filter);
extern void hinge_row_source_add_width(HeapTuple tuple, TupleDesc desc, int column,
									   int *min, int *max);
extern void hinge_row_source_check_width(HingeRowSource *src, int min, int max,
										 int n_features, const char *name);
extern void hinge_row_source_classes(HingeRowSource *src, const char *positive);
extern void hinge_row_source_class_index(HingeRowSource *src);

/* A multiclass model has at most this many classes */
#define HINGE_MAX_CLASSES	1000
extern char *hinge_row_source_label_is(HingeRowSource *src, int k);
extern char *hinge_row_source_label_known(HingeRowSource *src);
extern char *hinge_row_source_sql(HingeRowSource *src);
extern char *hinge_row_source_columns(HingeRowSource *src);
extern ArrayType *hinge_row_source_feature_names(HingeRowSource *src);
extern char *hinge_extension_schema(FunctionCallInfo fcinfo);

/* model.c: a stored model (a row of hinge_model) as scoring needs it */
typedef struct HingeModel
{
	char	   *name;
	int			n_rows;			/* 1 for a binary model, else the classes */
	int			n_weights;		/* per row */
	int			n_features;
	float8	   *weights;
	int			n_classes;
	char	  **classes;		/* binary: negative, positive */
	char	   *positive;
	float8		lambda;
	char	   *loss;
	float8		gamma;
	float8	   *class_weights;	/* one per class */
	char	   *multiclass;		/* NULL for a binary model */
	float8	   *calibration_a;	/* Platt's A and B, one per sigmoid (1, or */
	float8	   *calibration_b;	/* one per class); NULL when uncalibrated */
	float8	   *scores;			/* scratch: n_rows */
	float8	   *probabilities;	/* scratch: n_classes */
} HingeModel;

extern void hinge_model_check_writable(const char *ext, const char *name);
extern HingeModel *hinge_model_load(const char *ext, const char *name,
									MemoryContext mcxt);
extern void hinge_model_class_scores(HingeModel *model, HingeVector x,
									 float8 *scores);
extern int	hinge_model_predict_class(HingeModel *model, const float8 *scores);
extern void hinge_model_class_probabilities(HingeModel *model, const float8 *scores,
											float8 *p);
extern float8 hinge_model_probability_of(HingeModel *model, const float8 *scores,
										 int c);

/* score.c: the score w[1:d].x (+ w[d+1]) used by scoring and aggregates */
extern float8 hinge_score_vectors(HingeVector w, HingeVector x);
extern float8 hinge_norm(const float8 *v, int n);

#endif							/* HINGE_H */
