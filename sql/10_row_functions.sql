/*
 * Row functions: pure maths over scalars and arrays.  Binary labels are -1 or
 * +1; every numeric input must be finite (docs/reference.md, "NaN and
 * infinity").
 */

\echo Use "CREATE EXTENSION hinge" to load this file. \quit

-- Binary losses and their derivatives in the score

CREATE FUNCTION hinge_loss(y float8, score float8, margin float8 DEFAULT 1)
RETURNS float8
AS 'MODULE_PATHNAME', 'hinge_loss'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_loss(float8, float8, float8) IS
'hinge loss max(0, margin - y*score) of label y (-1 or +1) and raw score';

CREATE FUNCTION hinge_loss_grad(y float8, score float8, margin float8 DEFAULT 1)
RETURNS float8
AS 'MODULE_PATHNAME', 'hinge_loss_grad'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_loss_grad(float8, float8, float8) IS
'subgradient of hinge_loss in the score: -y where y*score < margin, else 0 (0 at the kink)';

CREATE FUNCTION squared_hinge_loss(y float8, score float8, margin float8 DEFAULT 1)
RETURNS float8
AS 'MODULE_PATHNAME', 'squared_hinge_loss'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION squared_hinge_loss(float8, float8, float8) IS
'squared hinge loss max(0, margin - y*score)^2';

CREATE FUNCTION squared_hinge_loss_grad(y float8, score float8, margin float8 DEFAULT 1)
RETURNS float8
AS 'MODULE_PATHNAME', 'squared_hinge_loss_grad'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION squared_hinge_loss_grad(float8, float8, float8) IS
'derivative of squared_hinge_loss in the score: -2*y*max(0, margin - y*score)';

CREATE FUNCTION smooth_hinge_loss(y float8, score float8, gamma float8 DEFAULT 1)
RETURNS float8
AS 'MODULE_PATHNAME', 'smooth_hinge_loss'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION smooth_hinge_loss(float8, float8, float8) IS
'quadratically smoothed hinge of z = y*score: 0 if z >= 1, 1 - z - gamma/2 if z <= 1 - gamma, (1-z)^2/(2*gamma) between; gamma > 0';

CREATE FUNCTION smooth_hinge_loss_grad(y float8, score float8, gamma float8 DEFAULT 1)
RETURNS float8
AS 'MODULE_PATHNAME', 'smooth_hinge_loss_grad'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION smooth_hinge_loss_grad(float8, float8, float8) IS
'derivative of smooth_hinge_loss in the score: 0, -y, or -y*(1 - y*score)/gamma between';

CREATE FUNCTION hinge_margin(y float8, score float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'hinge_margin'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_margin(float8, float8) IS
'functional margin y*score: positive when the prediction is right, >= 1 outside the margin';

-- Multiclass losses over a vector of per-class scores

CREATE FUNCTION multiclass_hinge_loss(scores float8[], label int,
                                      variant text DEFAULT 'crammer_singer',
                                      margin float8 DEFAULT 1)
RETURNS float8
AS 'MODULE_PATHNAME', 'multiclass_hinge_loss'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION multiclass_hinge_loss(float8[], int, text, float8) IS
'multiclass hinge loss of per-class scores and the 1-based true class: crammer_singer max(0, margin + max wrong score - true score), or weston_watkins (sum over wrong classes)';

CREATE FUNCTION multiclass_hinge_loss_grad(scores float8[], label int,
                                           variant text DEFAULT 'crammer_singer',
                                           margin float8 DEFAULT 1)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'multiclass_hinge_loss_grad'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION multiclass_hinge_loss_grad(float8[], int, text, float8) IS
'subgradient of multiclass_hinge_loss with respect to the scores (one element per class)';

-- Ranking and metric learning

CREATE FUNCTION ranking_hinge_loss(score_preferred float8, score_other float8,
                                   margin float8 DEFAULT 1)
RETURNS float8
AS 'MODULE_PATHNAME', 'ranking_hinge_loss'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION ranking_hinge_loss(float8, float8, float8) IS
'pairwise ranking hinge max(0, margin - (score_preferred - score_other))';

CREATE FUNCTION triplet_hinge_loss(dist_positive float8, dist_negative float8,
                                   margin float8 DEFAULT 1)
RETURNS float8
AS 'MODULE_PATHNAME', 'triplet_hinge_loss'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION triplet_hinge_loss(float8, float8, float8) IS
'triplet loss max(0, margin + dist_positive - dist_negative) of an anchor''s distances to a positive and a negative example';

CREATE FUNCTION contrastive_hinge_loss(distance float8, similar boolean,
                                       margin float8 DEFAULT 1)
RETURNS float8
AS 'MODULE_PATHNAME', 'contrastive_hinge_loss'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION contrastive_hinge_loss(float8, boolean, float8) IS
'contrastive (hinge embedding) loss of a pair: distance if similar, max(0, margin - distance) if not';

/*
 * Scoring with a weight vector w (intercept last when w has one element more
 * than x) or a weight matrix W (one row per class).  The real[] overloads
 * serve pgvector's vector (vector::real[]) without a copy to float8[], the
 * hinge_sparse ones rows of few non-zeros at the cost of those, and the
 * others what applications send (below).
 */

-- @each X float8[] | real[] | hinge_sparse@1.2 | numeric[]@1.2 | integer[]@1.2 | smallint[]@1.2 | bigint[]@1.2
CREATE FUNCTION hinge_score(w float8[], x @X@)
RETURNS float8
AS 'MODULE_PATHNAME', 'hinge_score'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_score(float8[], @X@) IS
'raw score w.x; when w has one element more than x, its last element is the intercept@X_NOTE@';

CREATE FUNCTION hinge_predict(w float8[], x @X@)
RETURNS int
AS 'MODULE_PATHNAME', 'hinge_predict'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_predict(float8[], @X@) IS
'predicted label: +1 when hinge_score(w, x) > 0, else -1 (a score of exactly 0 predicts -1)@X_NOTE@';

CREATE FUNCTION hinge_geometric_margin(w float8[], x @X@, y float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'hinge_geometric_margin'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_geometric_margin(float8[], @X@, float8) IS
'geometric margin y*hinge_score(w, x) / ||w|| (norm without the intercept): signed distance to the hyperplane@X_NOTE@';

CREATE FUNCTION hinge_scores(w float8[], x @X@)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_scores'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_scores(float8[], @X@) IS
'per-class scores of a 2-D weight matrix w (one row per class, optional intercept column last) and features x@X_NOTE@';

CREATE FUNCTION hinge_predict_class(w float8[], x @X@)
RETURNS int
AS 'MODULE_PATHNAME', 'hinge_predict_class'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_predict_class(float8[], @X@) IS
'1-based class (row of the weight matrix w) with the highest score; ties go to the lowest class@X_NOTE@';

-- @end each

/*
 * What applications send: drivers pass a list of numbers as numeric[]
 * (psycopg2's ARRAY[...]), smallint[], integer[] or bigint[] (lists of
 * integers), or as an untyped parameter (node-postgres), which resolves to
 * text.  Each has an overload of its own, since PostgreSQL cannot choose
 * between the float8[] and real[] ones for them: the arrays are converted
 * to float8 (src/validate.c), the text is read as a float8[] literal.
 */

-- @since 1.2
CREATE FUNCTION hinge_score(w float8[], x text)
RETURNS float8
AS 'MODULE_PATHNAME', 'hinge_score_text'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_score(float8[], text) IS
'raw score w.x; when w has one element more than x, its last element is the intercept (x: a float8[] literal as text)';

CREATE FUNCTION hinge_predict(w float8[], x text)
RETURNS int
AS 'MODULE_PATHNAME', 'hinge_predict_text'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_predict(float8[], text) IS
'predicted label: +1 when hinge_score(w, x) > 0, else -1 (a score of exactly 0 predicts -1) (x: a float8[] literal as text)';

CREATE FUNCTION hinge_geometric_margin(w float8[], x text, y float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'hinge_geometric_margin_text'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_geometric_margin(float8[], text, float8) IS
'geometric margin y*hinge_score(w, x) / ||w|| (norm without the intercept): signed distance to the hyperplane (x: a float8[] literal as text)';

CREATE FUNCTION hinge_scores(w float8[], x text)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_scores_text'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_scores(float8[], text) IS
'per-class scores of a 2-D weight matrix w (one row per class, optional intercept column last) and features x (x: a float8[] literal as text)';

CREATE FUNCTION hinge_predict_class(w float8[], x text)
RETURNS int
AS 'MODULE_PATHNAME', 'hinge_predict_class_text'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_predict_class(float8[], text) IS
'1-based class (row of the weight matrix w) with the highest score; ties go to the lowest class (x: a float8[] literal as text)';

-- @end since
