/* Training: a linear SVM on a relation's rows, stored in hinge_model */

-- 1.2 added the feature options (scale .. dimension): a new signature
-- @upgrade 1.2
DROP FUNCTION hinge_train(text, regclass, text, text, float8, text, boolean, text, float8, int, text, float8, text);
DROP FUNCTION hinge_train(text, regclass, text[], text, float8, text, boolean, text, float8, int, text, float8, text);
-- @end upgrade

-- @since 1.2

CREATE FUNCTION hinge_train(model_name text, relation regclass, features text, label text,
                            lambda float8 DEFAULT NULL, loss text DEFAULT 'hinge',
                            intercept boolean DEFAULT true, class_weight text DEFAULT NULL,
                            tolerance float8 DEFAULT 1e-3, max_passes int DEFAULT 300,
                            positive text DEFAULT NULL, gamma float8 DEFAULT 1,
                            multiclass text DEFAULT 'crammer_singer',
                            scale text DEFAULT 'none', impute text DEFAULT 'none',
                            max_categories int DEFAULT 1000, weighting text DEFAULT NULL,
                            l2_normalize boolean DEFAULT NULL, min_df int DEFAULT 1,
                            max_features int DEFAULT 100000, hash_bits int DEFAULT NULL,
                            dimension int DEFAULT NULL)
RETURNS @extschema@.hinge_model
AS 'MODULE_PATHNAME', 'hinge_train'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

COMMENT ON FUNCTION hinge_train(text, regclass, text, text, float8, text, boolean, text, float8, int, text, float8, text, text, text, int, text, boolean, int, int, int, int) IS
'trains a linear SVM on relation to a certified relative optimality gap, stores it in hinge_model as model_name and returns it. features: one column (float8[], real[], hinge_sparse, a number, a category, tsvector or jsonb text) or a list ''{a,b,c}'' of columns of any of those kinds; label: a column of two or more values; multiclass crammer_singer, weston_watkins or one_vs_rest; lambda NULL means 1/n (liblinear C = 1). Encoding, stored with the model and applied wherever it scores: scale none/standard/maxabs, impute none/mean/zero, max_categories per category column, weighting tfidf/count/binary/sublinear, l2_normalize, min_df, max_features or hash_bits for text, dimension for position/value column pairs';

CREATE FUNCTION hinge_train(model_name text, relation regclass, features text[], label text,
                            lambda float8 DEFAULT NULL, loss text DEFAULT 'hinge',
                            intercept boolean DEFAULT true, class_weight text DEFAULT NULL,
                            tolerance float8 DEFAULT 1e-3, max_passes int DEFAULT 300,
                            positive text DEFAULT NULL, gamma float8 DEFAULT 1,
                            multiclass text DEFAULT 'crammer_singer',
                            scale text DEFAULT 'none', impute text DEFAULT 'none',
                            max_categories int DEFAULT 1000, weighting text DEFAULT NULL,
                            l2_normalize boolean DEFAULT NULL, min_df int DEFAULT 1,
                            max_features int DEFAULT 100000, hash_bits int DEFAULT NULL,
                            dimension int DEFAULT NULL)
RETURNS @extschema@.hinge_model
AS 'MODULE_PATHNAME', 'hinge_train'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

COMMENT ON FUNCTION hinge_train(text, regclass, text[], text, float8, text, boolean, text, float8, int, text, float8, text, text, text, int, text, boolean, int, int, int, int) IS
'trains a linear SVM on relation with features from a list of columns (numbers, categories, arrays, hinge_sparse, tsvector or jsonb), in that order, encoded as the options say; see the text version';
-- @end since

-- @since 1.2
CREATE FUNCTION hinge_internal_calls(OUT name text, OUT kind text, OUT argtypes regtype[], OUT result regtype)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'hinge_internal_calls'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_internal_calls() IS
'the functions and aggregates that the queries of hinge_train, hinge_evaluate and hinge_calibrate call, with the argument types they pass (every one cast to the type the function declares)';
-- @end since
