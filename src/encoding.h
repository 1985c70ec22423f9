/*
 * encoding.h
 *		How a model turns the columns of a row into its features (encoding.c):
 *		numbers (with a value for NULLs), categories (one feature each, the
 *		values seen in training), arrays, sparse rows, libsvm-style
 *		position/value column pairs, and text (tsvector lexemes or jsonb keys,
 *		through a vocabulary or hashing, weighted and normalised).
 *
 * An encoding is learnt from the training rows (survey.c), stored with the
 * model as jsonb (readable, and kept by pg_dump), and applied by the same
 * code to every row that is trained on, evaluated, calibrated or scored.
 * Each input fills a block of the features, in the order of the inputs.
 * Scaling is not part of the encoding: it is folded into the weights
 * (scaled_oracle.c), so scoring a row costs what it costs unscaled.
 */
#ifndef HINGE_ENCODING_H
#define HINGE_ENCODING_H

#include "fmgr.h"
#include "utils/jsonb.h"

#include "vector.h"

typedef enum HingeInputKind
{
	HINGE_INPUT_NUMBER,			/* a numeric column: one feature */
	HINGE_INPUT_CATEGORY,		/* text, varchar, char, enum, boolean: one
								 * feature per category */
	HINGE_INPUT_ARRAY,			/* float8[] or real[]: its elements */
	HINGE_INPUT_SPARSE,			/* hinge_sparse: its elements */
	HINGE_INPUT_PAIRS,			/* int4[] positions, float8[]/real[] values */
	HINGE_INPUT_TSVECTOR,		/* lexemes, valued by their positions */
	HINGE_INPUT_JSONB			/* keys of an object, valued by its numbers */
} HingeInputKind;

typedef enum HingeWeighting
{
	HINGE_WEIGHT_TFIDF,
	HINGE_WEIGHT_COUNT,
	HINGE_WEIGHT_BINARY,
	HINGE_WEIGHT_SUBLINEAR
} HingeWeighting;

/* Terms (categories or a vocabulary), found by their text */
typedef struct HingeTerms
{
	int			n;
	char	  **text;			/* n strings, NUL-terminated */
	int		   *length;
	int32	   *slots;			/* open addressing: term number + 1, 0 empty */
	int			n_slots;		/* a power of 2, at least 2n */
} HingeTerms;

typedef struct HingeInput
{
	HingeInputKind kind;
	char	   *column;			/* pairs: the positions column */
	char	   *column2;		/* pairs: the values column */
	int			offset;			/* its first feature */
	int			width;			/* its features */
	bool		has_impute;		/* number: a NULL is impute */
	float8		impute;
	HingeTerms	terms;			/* category or text (unless hashed) */
	int			hash_bits;		/* text: 0 for terms, else hashed */
	HingeWeighting weighting;	/* text */
	float8	   *idf;			/* text weighted tfidf: width values */
	bool		l2_normalize;	/* text and pairs: the block to unit length */
	float8	   *center;			/* scaled inputs: width values, else NULL */
	float8	   *scale;
} HingeInput;

typedef struct HingeEncoding
{
	int			n_inputs;
	HingeInput *inputs;
	int			dimension;		/* features in all */
	const char *scale;			/* "none", "standard" or "maxabs" */
	int			max_entries;	/* bound on one row's non-zeros, or 0 */
} HingeEncoding;

/* A row's features as the encoder builds them: sorted positions, values */
typedef struct HingeEncodedRow
{
	int			n;
	int			capacity;
	int32	   *index;
	float8	   *values;
} HingeEncodedRow;

extern HingeEncoding *hinge_encoding_from_jsonb(Jsonb *json, const char *model);
extern char *hinge_encoding_to_json(const HingeEncoding *encoding);
extern int	hinge_terms_find(const HingeTerms *terms, const char *text, int length);
extern void hinge_terms_build(HingeTerms *terms, int n, char **text);
extern char *hinge_feature_name(const HingeEncoding *encoding, int feature,
								bool one_text_input);
extern bool hinge_encoding_needs_encoder(const HingeEncoding *encoding);
extern bool hinge_encoding_is_plain(const HingeEncoding *encoding);
extern float8 hinge_number_value(Datum value, Oid type);
extern bool hinge_encoding_scaling(const HingeEncoding *encoding, float8 **center,
								   float8 **scale);

/*
 * Encodes one row: values[i] (of type types[i], NULL if isnull[i]) is the
 * i-th column the encoding reads, in the order of hinge_encoding_columns.
 * Returns false when the row cannot be encoded (a NULL number without a
 * value to impute), and leaves out then nothing else.
 */
extern bool hinge_encode_row(const HingeEncoding *encoding, const Datum *values,
							 const bool *isnull, const Oid *types,
							 HingeEncodedRow *row);
extern int	hinge_encoding_columns(const HingeEncoding *encoding, const char ***columns);
extern int	hinge_encoding_n_columns(const HingeEncoding *encoding);
extern int	hinge_term_hash_of(const char *text, int length, int bits);
extern void hinge_check_input_type(const HingeInput *input, int which, Oid type,
								   Oid sparse_type);
extern char *hinge_category_text(Datum value, Oid type);
extern HingeVector hinge_encoded_vector(const HingeEncoding *encoding,
										const HingeEncodedRow *row);

#endif							/* HINGE_ENCODING_H */
