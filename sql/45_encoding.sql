/*
 * Encodings: how a model turns the columns of a row into its features
 * (src/encoding.h).  hinge_train learns one from the training rows and
 * stores it with the model; these are the pieces its queries call, and
 * hinge_term_hash is the documented hash of hashed text features.
 */

-- @since 1.2
CREATE FUNCTION hinge_encode(encoding jsonb, "row" record)
RETURNS hinge_sparse
AS 'MODULE_PATHNAME', 'hinge_encode'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_encode(jsonb, record) IS
'the features of a row under an encoding (the encoding column of hinge_model): the row holds the columns the encoding reads, in its order; NULL when a number without a value to impute is NULL';

CREATE FUNCTION hinge_term_hash(term text, hash_bits int)
RETURNS int
AS 'MODULE_PATHNAME', 'hinge_term_hash'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_term_hash(text, int) IS
'the 0-based feature of a hashed text term: FNV-1a (64-bit) of its UTF-8 bytes modulo 2^hash_bits, as hinge_train''s hash_bits option uses it';

CREATE FUNCTION hinge_feature_stats_combinefn(float8[], float8[])
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_feature_stats_combinefn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_feature_stats_combinefn(float8[], float8[]) IS
'combine function of hinge_feature_stats: Chan''s merge of two partial summaries';

CREATE FUNCTION hinge_feature_stats_finalfn(float8[])
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_feature_stats_finalfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_feature_stats_finalfn(float8[]) IS
'final function of hinge_feature_stats: [sparse, rows, width, then count, mean, M2, maxabs per feature]';

-- @each X float8[] | real[] | hinge_sparse
CREATE FUNCTION hinge_feature_stats_transfn(float8[], @X@)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_feature_stats_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_feature_stats_transfn(float8[], @X@) IS
'transition function of hinge_feature_stats@X_NOTE@';

CREATE AGGREGATE hinge_feature_stats(x @X@) (
    SFUNC = hinge_feature_stats_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = hinge_feature_stats_combinefn,
    FINALFUNC = hinge_feature_stats_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE hinge_feature_stats(@X@) IS
'per feature over the rows: count of values, mean, sum of squared deviations (Welford, merged by Chan''s formula) and largest magnitude, as [sparse, rows, width, then count, mean, M2, maxabs per feature]; NULL elements of a float8[] are missing values, absent elements of a hinge_sparse are zeros@X_NOTE@';

-- @end each
-- @end since
