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
