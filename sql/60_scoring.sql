/*
 * Scoring by model name: the model is read once per statement from the
 * backend's cache, and a statement that starts after it changed sees the
 * change.
 */

-- @each X float8[] | real[] | hinge_sparse@1.2 | numeric[]@1.2 | integer[]@1.2 | smallint[]@1.2 | bigint[]@1.2
CREATE FUNCTION hinge_score(model_name text, x @X@)
RETURNS float8
AS 'MODULE_PATHNAME', 'hinge_model_score'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_score(text, @X@) IS
'raw score of features x under the stored model model_name (looked up once per statement)@X_NOTE@';

CREATE FUNCTION hinge_scores(model_name text, x @X@)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_model_scores'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_scores(text, @X@) IS
'per-class scores of features x under the stored model model_name, in the order of its classes (one score for a binary model)@X_NOTE@';

CREATE FUNCTION hinge_predict(model_name text, x @X@)
RETURNS text
AS 'MODULE_PATHNAME', 'hinge_model_predict'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_predict(text, @X@) IS
'predicted class label of features x under the stored model: the positive class when the score is > 0@X_NOTE@';

CREATE FUNCTION hinge_probability(model_name text, x @X@)
RETURNS float8
AS 'MODULE_PATHNAME', 'hinge_model_probability'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_probability(text, @X@) IS
'calibrated probability of the positive class of a binary model (see hinge_calibrate)@X_NOTE@';

CREATE FUNCTION hinge_probabilities(model_name text, x @X@)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_model_probabilities'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_probabilities(text, @X@) IS
'calibrated probabilities of every class in class order, summing to 1 (per-class sigmoids, normalised, for multiclass models)@X_NOTE@';

-- @end each

/*
 * Rows passed whole, and text: a model reads the columns of its encoding
 * from any row that has them (by name, types checked once per statement),
 * so SELECT hinge_predict('m', t) FROM t scores each row of t as it is.
 * A model of one tsvector or jsonb column also scores that value alone.
 */

-- @since 1.2
CREATE FUNCTION hinge_score(model_name text, "row" record)
RETURNS float8
AS 'MODULE_PATHNAME', 'hinge_model_score_row'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_score(text, record) IS
'raw score of a row under the stored model model_name: the row''s columns that the model reads (by name), encoded as in training; NULL when a number the model cannot impute is NULL';

CREATE FUNCTION hinge_scores(model_name text, "row" record)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_model_scores_row'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_scores(text, record) IS
'per-class scores of a row under the stored model, in the order of its classes (the row''s columns read by name, encoded as in training)';

CREATE FUNCTION hinge_predict(model_name text, "row" record)
RETURNS text
AS 'MODULE_PATHNAME', 'hinge_model_predict_row'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_predict(text, record) IS
'predicted class label of a row under the stored model (the row''s columns read by name, encoded as in training): SELECT hinge_predict(''m'', t) FROM t';

CREATE FUNCTION hinge_probability(model_name text, "row" record)
RETURNS float8
AS 'MODULE_PATHNAME', 'hinge_model_probability_row'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_probability(text, record) IS
'calibrated probability of the positive class of a binary model for a row (its columns read by name, encoded as in training)';

CREATE FUNCTION hinge_probabilities(model_name text, "row" record)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_model_probabilities_row'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_probabilities(text, record) IS
'calibrated probabilities of every class for a row (its columns read by name, encoded as in training), summing to 1';

-- @each X tsvector | jsonb
CREATE FUNCTION hinge_score(model_name text, x @X@)
RETURNS float8
AS 'MODULE_PATHNAME', 'hinge_model_score_@X@'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_score(text, @X@) IS
'raw score of a document under the stored model of one @X@ column (terms weighted and normalised as in training)';

CREATE FUNCTION hinge_scores(model_name text, x @X@)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_model_scores_@X@'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_scores(text, @X@) IS
'per-class scores of a document under the stored model of one @X@ column';

CREATE FUNCTION hinge_predict(model_name text, x @X@)
RETURNS text
AS 'MODULE_PATHNAME', 'hinge_model_predict_@X@'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_predict(text, @X@) IS
'predicted class label of a document under the stored model of one @X@ column';

CREATE FUNCTION hinge_probability(model_name text, x @X@)
RETURNS float8
AS 'MODULE_PATHNAME', 'hinge_model_probability_@X@'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_probability(text, @X@) IS
'calibrated probability of the positive class of a binary model of one @X@ column, for a document';

CREATE FUNCTION hinge_probabilities(model_name text, x @X@)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_model_probabilities_@X@'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_probabilities(text, @X@) IS
'calibrated probabilities of every class for a document, under the stored model of one @X@ column';

-- @end each
-- @end since

/*
 * Features as applications send them (see the row functions): numeric[],
 * smallint[], integer[], bigint[], and text read as a float8[] literal.
 */

-- @since 1.2
CREATE FUNCTION hinge_score(model_name text, x text)
RETURNS float8
AS 'MODULE_PATHNAME', 'hinge_model_score_text'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_score(text, text) IS
'raw score of features x under the stored model model_name (looked up once per statement) (x: a float8[] literal as text)';

CREATE FUNCTION hinge_scores(model_name text, x text)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_model_scores_text'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_scores(text, text) IS
'per-class scores of features x under the stored model model_name, in the order of its classes (one score for a binary model) (x: a float8[] literal as text)';

CREATE FUNCTION hinge_predict(model_name text, x text)
RETURNS text
AS 'MODULE_PATHNAME', 'hinge_model_predict_text'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_predict(text, text) IS
'predicted class label of features x under the stored model: the positive class when the score is > 0 (x: a float8[] literal as text)';

CREATE FUNCTION hinge_probability(model_name text, x text)
RETURNS float8
AS 'MODULE_PATHNAME', 'hinge_model_probability_text'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_probability(text, text) IS
'calibrated probability of the positive class of a binary model (see hinge_calibrate) (x: a float8[] literal as text)';

CREATE FUNCTION hinge_probabilities(model_name text, x text)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_model_probabilities_text'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_probabilities(text, text) IS
'calibrated probabilities of every class in class order, summing to 1 (per-class sigmoids, normalised, for multiclass models) (x: a float8[] literal as text)';

-- @end since

/*
 * A model by value, for the nodes that have no row of it (the workers of a
 * Citus cluster): every function above takes it in the place of the name.
 * On a distributed table, hinge puts it there itself (README, "Scale-out
 * on Citus").
 */

-- @since 1.2
CREATE FUNCTION hinge_model_value(model_name text)
RETURNS text
AS 'MODULE_PATHNAME', 'hinge_model_value'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_model_value(text) IS
'model model_name passed by value: text that every scoring function (hinge_score, hinge_predict, hinge_probability, ..., hinge_explain) takes in the place of the model name, and reads the model from exactly as from its row; for nodes that have no row of the model, such as the workers of a Citus cluster';
-- @end since
