/*
 * Cross-validation: lambda chosen by k-fold cross-validation in one call,
 * every fold's model advanced by the same scans; the best refit on every
 * row and stored in hinge_model with the search.
 */

-- @since 1.2
-- @each X float8[] | real[] | hinge_sparse

CREATE FUNCTION hinge_row_hash(x @X@)
RETURNS bigint
AS 'MODULE_PATHNAME', 'hinge_row_hash'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_row_hash(@X@) IS
'a 64-bit hash of a row of features, the same on every machine (and for a dense row and its hinge_sparse form): hinge_cross_validate orders each class''s rows by it to assign folds@X_NOTE@';

-- @end each

CREATE FUNCTION hinge_fold(hash bigint, class int, cuts bigint[])
RETURNS int
AS 'MODULE_PATHNAME', 'hinge_fold'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_fold(bigint, int, bigint[]) IS
'the fold (1..F) of a row of that hinge_row_hash and class (1..k), given cuts, a k x (F - 1) matrix holding per class the greatest hash of each fold but the last';

-- @each F text | text[]

CREATE FUNCTION hinge_cross_validate(model_name text, relation regclass, features @F@, label text,
                                     lambdas float8[] DEFAULT NULL, folds int DEFAULT 5,
                                     fold_column text DEFAULT NULL, metric text DEFAULT 'accuracy',
                                     loss text DEFAULT 'hinge', intercept boolean DEFAULT true,
                                     class_weight text DEFAULT NULL, tolerance float8 DEFAULT 1e-3,
                                     max_passes int DEFAULT 300, positive text DEFAULT NULL,
                                     gamma float8 DEFAULT 1, multiclass text DEFAULT 'crammer_singer',
                                     scale text DEFAULT 'none', impute text DEFAULT 'none',
                                     max_categories int DEFAULT 1000, weighting text DEFAULT NULL,
                                     l2_normalize boolean DEFAULT NULL, min_df int DEFAULT 1,
                                     max_features int DEFAULT 100000, hash_bits int DEFAULT NULL,
                                     dimension int DEFAULT NULL)
RETURNS TABLE (lambda float8, mean_score float8, std_score float8, fold_scores float8[],
               rank int, passes int, seconds float8)
AS 'MODULE_PATHNAME', 'hinge_cross_validate'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

COMMENT ON FUNCTION hinge_cross_validate(text, regclass, @F@, text, float8[], int, text, text, text, boolean, text, float8, int, text, float8, text, text, text, int, text, boolean, int, int, int, int) IS
'chooses lambda by k-fold cross-validation (every fold''s model trained from the same scans, warm-started along the lambdas from the largest; lambdas NULL: 8 from a largest derived from the data, over 4 decades), returns one row per lambda with each fold''s held-out score (metric accuracy, balanced_accuracy, f1 or hinge_loss) and its rank, and stores the best lambda (ties: the larger) trained on every row as model_name, as hinge_train would, with the search';

-- @end each

CREATE FUNCTION hinge_cv_results(model_name text)
RETURNS TABLE (lambda float8, mean_score float8, std_score float8, fold_scores float8[],
               rank int, passes int, seconds float8)
AS 'MODULE_PATHNAME', 'hinge_cv_results'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_cv_results(text) IS
'the cross-validation stored with a model (hinge_cross_validate''s result table, read from its row of hinge_model); no rows for a model trained without one';
-- @end since
