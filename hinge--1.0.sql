/* hinge--1.0.sql */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION hinge" to load this file. \quit

/*
 * Row functions: pure maths over scalars and arrays.  Binary labels are -1 or
 * +1; every numeric input must be finite (README, "NaN and infinity").
 */

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

-- Ranking and metric-learning losses

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
 * serve pgvector's vector (vector::real[]) without a copy to float8[].
 */

CREATE FUNCTION hinge_score(w float8[], x float8[])
RETURNS float8
AS 'MODULE_PATHNAME', 'hinge_score'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_score(float8[], float8[]) IS
'raw score w.x; when w has one element more than x, its last element is the intercept';

CREATE FUNCTION hinge_score(w float8[], x real[])
RETURNS float8
AS 'MODULE_PATHNAME', 'hinge_score'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_score(float8[], real[]) IS
'raw score w.x of real[] features; when w has one element more than x, its last element is the intercept';

CREATE FUNCTION hinge_predict(w float8[], x float8[])
RETURNS int
AS 'MODULE_PATHNAME', 'hinge_predict'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_predict(float8[], float8[]) IS
'predicted label: +1 when hinge_score(w, x) > 0, else -1 (a score of exactly 0 predicts -1)';

CREATE FUNCTION hinge_predict(w float8[], x real[])
RETURNS int
AS 'MODULE_PATHNAME', 'hinge_predict'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_predict(float8[], real[]) IS
'predicted label of real[] features: +1 when hinge_score(w, x) > 0, else -1';

CREATE FUNCTION hinge_geometric_margin(w float8[], x float8[], y float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'hinge_geometric_margin'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_geometric_margin(float8[], float8[], float8) IS
'geometric margin y*hinge_score(w, x) / ||w|| (norm without the intercept): signed distance to the hyperplane';

CREATE FUNCTION hinge_geometric_margin(w float8[], x real[], y float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'hinge_geometric_margin'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_geometric_margin(float8[], real[], float8) IS
'geometric margin of real[] features: y*hinge_score(w, x) / ||w|| (norm without the intercept)';

CREATE FUNCTION hinge_scores(w float8[], x float8[])
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_scores'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_scores(float8[], float8[]) IS
'per-class scores of a 2-D weight matrix w (one row per class, optional intercept column last) and features x';

CREATE FUNCTION hinge_scores(w float8[], x real[])
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_scores'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_scores(float8[], real[]) IS
'per-class scores of a 2-D weight matrix w (one row per class, optional intercept column last) and real[] features x';

CREATE FUNCTION hinge_predict_class(w float8[], x float8[])
RETURNS int
AS 'MODULE_PATHNAME', 'hinge_predict_class'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_predict_class(float8[], float8[]) IS
'1-based class (row of the weight matrix w) with the highest score; ties go to the lowest class';

CREATE FUNCTION hinge_predict_class(w float8[], x real[])
RETURNS int
AS 'MODULE_PATHNAME', 'hinge_predict_class'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_predict_class(float8[], real[]) IS
'1-based class (row of the weight matrix w) with the highest score for real[] features; ties go to the lowest class';

/*
 * Aggregates over table rows at a given weight vector w: one scan gives the
 * objective, its subgradient (a cutting plane for a bundle-method solver),
 * the mean loss or margin statistics.  States are float8[] with a combine
 * function, so parallel workers (and Citus workers) split the scan.  Rows
 * with a NULL argument are skipped; no rows give NULL.  The weights and the
 * parameters must be the same in every row of a group.
 */

CREATE TYPE hinge_margin_stats AS (
    n bigint,
    mean_loss float8,
    misclassified bigint,
    margin_violators bigint,
    support_vectors bigint,
    accuracy float8,
    min_margin float8,
    mean_margin float8,
    geometric_margin float8
);

COMMENT ON TYPE hinge_margin_stats IS
'result of hinge_margin_stats: rows, mean hinge loss, misclassified (y*score <= 0), margin violators (y*score < 1), support vectors (y*score <= 1), accuracy, minimum and mean functional margin, geometric margin 1/||w||';

CREATE FUNCTION hinge_binary_combinefn(float8[], float8[])
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_binary_combinefn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_binary_combinefn(float8[], float8[]) IS
'combine function of the binary hinge aggregates: merges two partial states';

CREATE FUNCTION hinge_objective_finalfn(float8[])
RETURNS float8
AS 'MODULE_PATHNAME', 'hinge_objective_finalfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_objective_finalfn(float8[]) IS
'final function of the *_objective aggregates: lambda/2 ||w||^2 + mean weighted loss';

CREATE FUNCTION hinge_subgradient_finalfn(float8[])
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_subgradient_finalfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_subgradient_finalfn(float8[]) IS
'final function of the *_subgradient aggregates: lambda w + mean loss subgradient';

CREATE FUNCTION hinge_loss_avg_finalfn(float8[])
RETURNS float8
AS 'MODULE_PATHNAME', 'hinge_loss_avg_finalfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_loss_avg_finalfn(float8[]) IS
'final function of hinge_loss_avg: the mean hinge loss';

CREATE FUNCTION hinge_margin_stats_finalfn(float8[])
RETURNS @extschema@.hinge_margin_stats
AS 'MODULE_PATHNAME', 'hinge_margin_stats_finalfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_margin_stats_finalfn(float8[]) IS
'final function of hinge_margin_stats';

-- hinge: objective and subgradient, plain and class-weighted

CREATE FUNCTION hinge_objective_transfn(float8[], float8[], float8[], float8, float8)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_objective_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_objective_transfn(float8[], float8[], float8[], float8, float8) IS
'transition function of hinge_objective';

CREATE AGGREGATE hinge_objective(w float8[], x float8[], y float8, lambda float8) (
    SFUNC = @extschema@.hinge_objective_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.hinge_binary_combinefn,
    FINALFUNC = @extschema@.hinge_objective_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE hinge_objective(float8[], float8[], float8, float8) IS
'regularised hinge objective lambda/2 ||w||^2 + (1/n) sum loss(y, w.x) over the rows';

CREATE FUNCTION hinge_objective_transfn(float8[], float8[], real[], float8, float8)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_objective_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_objective_transfn(float8[], float8[], real[], float8, float8) IS
'transition function of hinge_objective';

CREATE AGGREGATE hinge_objective(w float8[], x real[], y float8, lambda float8) (
    SFUNC = @extschema@.hinge_objective_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.hinge_binary_combinefn,
    FINALFUNC = @extschema@.hinge_objective_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE hinge_objective(float8[], real[], float8, float8) IS
'regularised hinge objective lambda/2 ||w||^2 + (1/n) sum loss(y, w.x) over the rows (real[] features)';

CREATE FUNCTION hinge_objective_transfn(float8[], float8[], float8[], float8, float8, float8, float8)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_objective_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_objective_transfn(float8[], float8[], float8[], float8, float8, float8, float8) IS
'transition function of hinge_objective';

CREATE AGGREGATE hinge_objective(w float8[], x float8[], y float8, lambda float8, positive_weight float8, negative_weight float8) (
    SFUNC = @extschema@.hinge_objective_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.hinge_binary_combinefn,
    FINALFUNC = @extschema@.hinge_objective_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE hinge_objective(float8[], float8[], float8, float8, float8, float8) IS
'class-weighted hinge objective lambda/2 ||w||^2 + (1/n) sum c_y loss(y, w.x), c_+ = positive_weight, c_- = negative_weight';

CREATE FUNCTION hinge_objective_transfn(float8[], float8[], real[], float8, float8, float8, float8)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_objective_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_objective_transfn(float8[], float8[], real[], float8, float8, float8, float8) IS
'transition function of hinge_objective';

CREATE AGGREGATE hinge_objective(w float8[], x real[], y float8, lambda float8, positive_weight float8, negative_weight float8) (
    SFUNC = @extschema@.hinge_objective_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.hinge_binary_combinefn,
    FINALFUNC = @extschema@.hinge_objective_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE hinge_objective(float8[], real[], float8, float8, float8, float8) IS
'class-weighted hinge objective lambda/2 ||w||^2 + (1/n) sum c_y loss(y, w.x), c_+ = positive_weight, c_- = negative_weight (real[] features)';

CREATE FUNCTION hinge_subgradient_transfn(float8[], float8[], float8[], float8, float8)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_subgradient_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_subgradient_transfn(float8[], float8[], float8[], float8, float8) IS
'transition function of hinge_subgradient';

CREATE AGGREGATE hinge_subgradient(w float8[], x float8[], y float8, lambda float8) (
    SFUNC = @extschema@.hinge_subgradient_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.hinge_binary_combinefn,
    FINALFUNC = @extschema@.hinge_subgradient_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE hinge_subgradient(float8[], float8[], float8, float8) IS
'subgradient of hinge_objective at w (intercept regularised like any weight)';

CREATE FUNCTION hinge_subgradient_transfn(float8[], float8[], real[], float8, float8)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_subgradient_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_subgradient_transfn(float8[], float8[], real[], float8, float8) IS
'transition function of hinge_subgradient';

CREATE AGGREGATE hinge_subgradient(w float8[], x real[], y float8, lambda float8) (
    SFUNC = @extschema@.hinge_subgradient_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.hinge_binary_combinefn,
    FINALFUNC = @extschema@.hinge_subgradient_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE hinge_subgradient(float8[], real[], float8, float8) IS
'subgradient of hinge_objective at w (intercept regularised like any weight) (real[] features)';

CREATE FUNCTION hinge_subgradient_transfn(float8[], float8[], float8[], float8, float8, float8, float8)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_subgradient_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_subgradient_transfn(float8[], float8[], float8[], float8, float8, float8, float8) IS
'transition function of hinge_subgradient';

CREATE AGGREGATE hinge_subgradient(w float8[], x float8[], y float8, lambda float8, positive_weight float8, negative_weight float8) (
    SFUNC = @extschema@.hinge_subgradient_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.hinge_binary_combinefn,
    FINALFUNC = @extschema@.hinge_subgradient_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE hinge_subgradient(float8[], float8[], float8, float8, float8, float8) IS
'subgradient of the class-weighted hinge_objective at w';

CREATE FUNCTION hinge_subgradient_transfn(float8[], float8[], real[], float8, float8, float8, float8)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_subgradient_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_subgradient_transfn(float8[], float8[], real[], float8, float8, float8, float8) IS
'transition function of hinge_subgradient';

CREATE AGGREGATE hinge_subgradient(w float8[], x real[], y float8, lambda float8, positive_weight float8, negative_weight float8) (
    SFUNC = @extschema@.hinge_subgradient_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.hinge_binary_combinefn,
    FINALFUNC = @extschema@.hinge_subgradient_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE hinge_subgradient(float8[], real[], float8, float8, float8, float8) IS
'subgradient of the class-weighted hinge_objective at w (real[] features)';

-- squared hinge: objective and subgradient, plain and class-weighted

CREATE FUNCTION squared_hinge_objective_transfn(float8[], float8[], float8[], float8, float8)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'squared_hinge_objective_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION squared_hinge_objective_transfn(float8[], float8[], float8[], float8, float8) IS
'transition function of squared_hinge_objective';

CREATE AGGREGATE squared_hinge_objective(w float8[], x float8[], y float8, lambda float8) (
    SFUNC = @extschema@.squared_hinge_objective_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.hinge_binary_combinefn,
    FINALFUNC = @extschema@.hinge_objective_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE squared_hinge_objective(float8[], float8[], float8, float8) IS
'regularised squared hinge objective lambda/2 ||w||^2 + (1/n) sum loss(y, w.x) over the rows';

CREATE FUNCTION squared_hinge_objective_transfn(float8[], float8[], real[], float8, float8)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'squared_hinge_objective_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION squared_hinge_objective_transfn(float8[], float8[], real[], float8, float8) IS
'transition function of squared_hinge_objective';

CREATE AGGREGATE squared_hinge_objective(w float8[], x real[], y float8, lambda float8) (
    SFUNC = @extschema@.squared_hinge_objective_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.hinge_binary_combinefn,
    FINALFUNC = @extschema@.hinge_objective_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE squared_hinge_objective(float8[], real[], float8, float8) IS
'regularised squared hinge objective lambda/2 ||w||^2 + (1/n) sum loss(y, w.x) over the rows (real[] features)';

CREATE FUNCTION squared_hinge_objective_transfn(float8[], float8[], float8[], float8, float8, float8, float8)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'squared_hinge_objective_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION squared_hinge_objective_transfn(float8[], float8[], float8[], float8, float8, float8, float8) IS
'transition function of squared_hinge_objective';

CREATE AGGREGATE squared_hinge_objective(w float8[], x float8[], y float8, lambda float8, positive_weight float8, negative_weight float8) (
    SFUNC = @extschema@.squared_hinge_objective_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.hinge_binary_combinefn,
    FINALFUNC = @extschema@.hinge_objective_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE squared_hinge_objective(float8[], float8[], float8, float8, float8, float8) IS
'class-weighted squared hinge objective lambda/2 ||w||^2 + (1/n) sum c_y loss(y, w.x), c_+ = positive_weight, c_- = negative_weight';

CREATE FUNCTION squared_hinge_objective_transfn(float8[], float8[], real[], float8, float8, float8, float8)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'squared_hinge_objective_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION squared_hinge_objective_transfn(float8[], float8[], real[], float8, float8, float8, float8) IS
'transition function of squared_hinge_objective';

CREATE AGGREGATE squared_hinge_objective(w float8[], x real[], y float8, lambda float8, positive_weight float8, negative_weight float8) (
    SFUNC = @extschema@.squared_hinge_objective_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.hinge_binary_combinefn,
    FINALFUNC = @extschema@.hinge_objective_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE squared_hinge_objective(float8[], real[], float8, float8, float8, float8) IS
'class-weighted squared hinge objective lambda/2 ||w||^2 + (1/n) sum c_y loss(y, w.x), c_+ = positive_weight, c_- = negative_weight (real[] features)';

CREATE FUNCTION squared_hinge_subgradient_transfn(float8[], float8[], float8[], float8, float8)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'squared_hinge_subgradient_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION squared_hinge_subgradient_transfn(float8[], float8[], float8[], float8, float8) IS
'transition function of squared_hinge_subgradient';

CREATE AGGREGATE squared_hinge_subgradient(w float8[], x float8[], y float8, lambda float8) (
    SFUNC = @extschema@.squared_hinge_subgradient_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.hinge_binary_combinefn,
    FINALFUNC = @extschema@.hinge_subgradient_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE squared_hinge_subgradient(float8[], float8[], float8, float8) IS
'gradient of squared_hinge_objective at w (intercept regularised like any weight)';

CREATE FUNCTION squared_hinge_subgradient_transfn(float8[], float8[], real[], float8, float8)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'squared_hinge_subgradient_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION squared_hinge_subgradient_transfn(float8[], float8[], real[], float8, float8) IS
'transition function of squared_hinge_subgradient';

CREATE AGGREGATE squared_hinge_subgradient(w float8[], x real[], y float8, lambda float8) (
    SFUNC = @extschema@.squared_hinge_subgradient_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.hinge_binary_combinefn,
    FINALFUNC = @extschema@.hinge_subgradient_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE squared_hinge_subgradient(float8[], real[], float8, float8) IS
'gradient of squared_hinge_objective at w (intercept regularised like any weight) (real[] features)';

CREATE FUNCTION squared_hinge_subgradient_transfn(float8[], float8[], float8[], float8, float8, float8, float8)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'squared_hinge_subgradient_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION squared_hinge_subgradient_transfn(float8[], float8[], float8[], float8, float8, float8, float8) IS
'transition function of squared_hinge_subgradient';

CREATE AGGREGATE squared_hinge_subgradient(w float8[], x float8[], y float8, lambda float8, positive_weight float8, negative_weight float8) (
    SFUNC = @extschema@.squared_hinge_subgradient_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.hinge_binary_combinefn,
    FINALFUNC = @extschema@.hinge_subgradient_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE squared_hinge_subgradient(float8[], float8[], float8, float8, float8, float8) IS
'gradient of the class-weighted squared_hinge_objective at w';

CREATE FUNCTION squared_hinge_subgradient_transfn(float8[], float8[], real[], float8, float8, float8, float8)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'squared_hinge_subgradient_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION squared_hinge_subgradient_transfn(float8[], float8[], real[], float8, float8, float8, float8) IS
'transition function of squared_hinge_subgradient';

CREATE AGGREGATE squared_hinge_subgradient(w float8[], x real[], y float8, lambda float8, positive_weight float8, negative_weight float8) (
    SFUNC = @extschema@.squared_hinge_subgradient_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.hinge_binary_combinefn,
    FINALFUNC = @extschema@.hinge_subgradient_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE squared_hinge_subgradient(float8[], real[], float8, float8, float8, float8) IS
'gradient of the class-weighted squared_hinge_objective at w (real[] features)';

-- smoothed hinge: objective and subgradient, plain and class-weighted

CREATE FUNCTION smooth_hinge_objective_transfn(float8[], float8[], float8[], float8, float8, float8)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'smooth_hinge_objective_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION smooth_hinge_objective_transfn(float8[], float8[], float8[], float8, float8, float8) IS
'transition function of smooth_hinge_objective';

CREATE AGGREGATE smooth_hinge_objective(w float8[], x float8[], y float8, lambda float8, gamma float8) (
    SFUNC = @extschema@.smooth_hinge_objective_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.hinge_binary_combinefn,
    FINALFUNC = @extschema@.hinge_objective_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE smooth_hinge_objective(float8[], float8[], float8, float8, float8) IS
'regularised smoothed hinge objective lambda/2 ||w||^2 + (1/n) sum loss(y, w.x) over the rows';

CREATE FUNCTION smooth_hinge_objective_transfn(float8[], float8[], real[], float8, float8, float8)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'smooth_hinge_objective_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION smooth_hinge_objective_transfn(float8[], float8[], real[], float8, float8, float8) IS
'transition function of smooth_hinge_objective';

CREATE AGGREGATE smooth_hinge_objective(w float8[], x real[], y float8, lambda float8, gamma float8) (
    SFUNC = @extschema@.smooth_hinge_objective_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.hinge_binary_combinefn,
    FINALFUNC = @extschema@.hinge_objective_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE smooth_hinge_objective(float8[], real[], float8, float8, float8) IS
'regularised smoothed hinge objective lambda/2 ||w||^2 + (1/n) sum loss(y, w.x) over the rows (real[] features)';

CREATE FUNCTION smooth_hinge_objective_transfn(float8[], float8[], float8[], float8, float8, float8, float8, float8)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'smooth_hinge_objective_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION smooth_hinge_objective_transfn(float8[], float8[], float8[], float8, float8, float8, float8, float8) IS
'transition function of smooth_hinge_objective';

CREATE AGGREGATE smooth_hinge_objective(w float8[], x float8[], y float8, lambda float8, gamma float8, positive_weight float8, negative_weight float8) (
    SFUNC = @extschema@.smooth_hinge_objective_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.hinge_binary_combinefn,
    FINALFUNC = @extschema@.hinge_objective_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE smooth_hinge_objective(float8[], float8[], float8, float8, float8, float8, float8) IS
'class-weighted smoothed hinge objective lambda/2 ||w||^2 + (1/n) sum c_y loss(y, w.x), c_+ = positive_weight, c_- = negative_weight';

CREATE FUNCTION smooth_hinge_objective_transfn(float8[], float8[], real[], float8, float8, float8, float8, float8)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'smooth_hinge_objective_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION smooth_hinge_objective_transfn(float8[], float8[], real[], float8, float8, float8, float8, float8) IS
'transition function of smooth_hinge_objective';

CREATE AGGREGATE smooth_hinge_objective(w float8[], x real[], y float8, lambda float8, gamma float8, positive_weight float8, negative_weight float8) (
    SFUNC = @extschema@.smooth_hinge_objective_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.hinge_binary_combinefn,
    FINALFUNC = @extschema@.hinge_objective_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE smooth_hinge_objective(float8[], real[], float8, float8, float8, float8, float8) IS
'class-weighted smoothed hinge objective lambda/2 ||w||^2 + (1/n) sum c_y loss(y, w.x), c_+ = positive_weight, c_- = negative_weight (real[] features)';

CREATE FUNCTION smooth_hinge_subgradient_transfn(float8[], float8[], float8[], float8, float8, float8)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'smooth_hinge_subgradient_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION smooth_hinge_subgradient_transfn(float8[], float8[], float8[], float8, float8, float8) IS
'transition function of smooth_hinge_subgradient';

CREATE AGGREGATE smooth_hinge_subgradient(w float8[], x float8[], y float8, lambda float8, gamma float8) (
    SFUNC = @extschema@.smooth_hinge_subgradient_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.hinge_binary_combinefn,
    FINALFUNC = @extschema@.hinge_subgradient_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE smooth_hinge_subgradient(float8[], float8[], float8, float8, float8) IS
'gradient of smooth_hinge_objective at w (intercept regularised like any weight)';

CREATE FUNCTION smooth_hinge_subgradient_transfn(float8[], float8[], real[], float8, float8, float8)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'smooth_hinge_subgradient_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION smooth_hinge_subgradient_transfn(float8[], float8[], real[], float8, float8, float8) IS
'transition function of smooth_hinge_subgradient';

CREATE AGGREGATE smooth_hinge_subgradient(w float8[], x real[], y float8, lambda float8, gamma float8) (
    SFUNC = @extschema@.smooth_hinge_subgradient_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.hinge_binary_combinefn,
    FINALFUNC = @extschema@.hinge_subgradient_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE smooth_hinge_subgradient(float8[], real[], float8, float8, float8) IS
'gradient of smooth_hinge_objective at w (intercept regularised like any weight) (real[] features)';

CREATE FUNCTION smooth_hinge_subgradient_transfn(float8[], float8[], float8[], float8, float8, float8, float8, float8)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'smooth_hinge_subgradient_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION smooth_hinge_subgradient_transfn(float8[], float8[], float8[], float8, float8, float8, float8, float8) IS
'transition function of smooth_hinge_subgradient';

CREATE AGGREGATE smooth_hinge_subgradient(w float8[], x float8[], y float8, lambda float8, gamma float8, positive_weight float8, negative_weight float8) (
    SFUNC = @extschema@.smooth_hinge_subgradient_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.hinge_binary_combinefn,
    FINALFUNC = @extschema@.hinge_subgradient_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE smooth_hinge_subgradient(float8[], float8[], float8, float8, float8, float8, float8) IS
'gradient of the class-weighted smooth_hinge_objective at w';

CREATE FUNCTION smooth_hinge_subgradient_transfn(float8[], float8[], real[], float8, float8, float8, float8, float8)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'smooth_hinge_subgradient_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION smooth_hinge_subgradient_transfn(float8[], float8[], real[], float8, float8, float8, float8, float8) IS
'transition function of smooth_hinge_subgradient';

CREATE AGGREGATE smooth_hinge_subgradient(w float8[], x real[], y float8, lambda float8, gamma float8, positive_weight float8, negative_weight float8) (
    SFUNC = @extschema@.smooth_hinge_subgradient_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.hinge_binary_combinefn,
    FINALFUNC = @extschema@.hinge_subgradient_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE smooth_hinge_subgradient(float8[], real[], float8, float8, float8, float8, float8) IS
'gradient of the class-weighted smooth_hinge_objective at w (real[] features)';

-- mean loss and margin statistics

CREATE FUNCTION hinge_loss_avg_transfn(float8[], float8[], float8[], float8)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_loss_avg_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_loss_avg_transfn(float8[], float8[], float8[], float8) IS
'transition function of hinge_loss_avg';

CREATE AGGREGATE hinge_loss_avg(w float8[], x float8[], y float8) (
    SFUNC = @extschema@.hinge_loss_avg_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.hinge_binary_combinefn,
    FINALFUNC = @extschema@.hinge_loss_avg_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE hinge_loss_avg(float8[], float8[], float8) IS
'mean hinge loss (1/n) sum max(0, 1 - y w.x) over the rows';

CREATE FUNCTION hinge_loss_avg_transfn(float8[], float8[], real[], float8)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_loss_avg_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_loss_avg_transfn(float8[], float8[], real[], float8) IS
'transition function of hinge_loss_avg';

CREATE AGGREGATE hinge_loss_avg(w float8[], x real[], y float8) (
    SFUNC = @extschema@.hinge_loss_avg_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.hinge_binary_combinefn,
    FINALFUNC = @extschema@.hinge_loss_avg_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE hinge_loss_avg(float8[], real[], float8) IS
'mean hinge loss (1/n) sum max(0, 1 - y w.x) over the rows (real[] features)';

CREATE FUNCTION hinge_margin_stats_transfn(float8[], float8[], float8[], float8)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_margin_stats_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_margin_stats_transfn(float8[], float8[], float8[], float8) IS
'transition function of hinge_margin_stats';

CREATE AGGREGATE hinge_margin_stats(w float8[], x float8[], y float8) (
    SFUNC = @extschema@.hinge_margin_stats_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.hinge_binary_combinefn,
    FINALFUNC = @extschema@.hinge_margin_stats_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE hinge_margin_stats(float8[], float8[], float8) IS
'margin statistics of w over the rows: see type hinge_margin_stats';

CREATE FUNCTION hinge_margin_stats_transfn(float8[], float8[], real[], float8)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_margin_stats_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_margin_stats_transfn(float8[], float8[], real[], float8) IS
'transition function of hinge_margin_stats';

CREATE AGGREGATE hinge_margin_stats(w float8[], x real[], y float8) (
    SFUNC = @extschema@.hinge_margin_stats_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.hinge_binary_combinefn,
    FINALFUNC = @extschema@.hinge_margin_stats_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE hinge_margin_stats(float8[], real[], float8) IS
'margin statistics of w over the rows: see type hinge_margin_stats (real[] features)';

-- multiclass: weight matrix W, one row per class; label is the 1-based class

CREATE FUNCTION multiclass_hinge_combinefn(float8[], float8[])
RETURNS float8[]
AS 'MODULE_PATHNAME', 'multiclass_hinge_combinefn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION multiclass_hinge_combinefn(float8[], float8[]) IS
'combine function of the multiclass hinge aggregates: merges two partial states';

CREATE FUNCTION multiclass_hinge_objective_finalfn(float8[])
RETURNS float8
AS 'MODULE_PATHNAME', 'multiclass_hinge_objective_finalfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION multiclass_hinge_objective_finalfn(float8[]) IS
'final function of multiclass_hinge_objective';

CREATE FUNCTION multiclass_hinge_subgradient_finalfn(float8[])
RETURNS float8[]
AS 'MODULE_PATHNAME', 'multiclass_hinge_subgradient_finalfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION multiclass_hinge_subgradient_finalfn(float8[]) IS
'final function of multiclass_hinge_subgradient';

CREATE FUNCTION multiclass_hinge_objective_transfn(float8[], float8[], float8[], int, float8, text)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'multiclass_hinge_objective_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION multiclass_hinge_objective_transfn(float8[], float8[], float8[], int, float8, text) IS
'transition function of multiclass_hinge_objective';

CREATE AGGREGATE multiclass_hinge_objective(w float8[], x float8[], label int, lambda float8, variant text) (
    SFUNC = @extschema@.multiclass_hinge_objective_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.multiclass_hinge_combinefn,
    FINALFUNC = @extschema@.multiclass_hinge_objective_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE multiclass_hinge_objective(float8[], float8[], int, float8, text) IS
'regularised multiclass hinge objective lambda/2 sum ||W_r||^2 + (1/n) sum loss over the rows; variant crammer_singer or weston_watkins';

CREATE FUNCTION multiclass_hinge_objective_transfn(float8[], float8[], real[], int, float8, text)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'multiclass_hinge_objective_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION multiclass_hinge_objective_transfn(float8[], float8[], real[], int, float8, text) IS
'transition function of multiclass_hinge_objective';

CREATE AGGREGATE multiclass_hinge_objective(w float8[], x real[], label int, lambda float8, variant text) (
    SFUNC = @extschema@.multiclass_hinge_objective_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.multiclass_hinge_combinefn,
    FINALFUNC = @extschema@.multiclass_hinge_objective_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE multiclass_hinge_objective(float8[], real[], int, float8, text) IS
'regularised multiclass hinge objective lambda/2 sum ||W_r||^2 + (1/n) sum loss over the rows; variant crammer_singer or weston_watkins (real[] features)';

CREATE FUNCTION multiclass_hinge_subgradient_transfn(float8[], float8[], float8[], int, float8, text)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'multiclass_hinge_subgradient_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION multiclass_hinge_subgradient_transfn(float8[], float8[], float8[], int, float8, text) IS
'transition function of multiclass_hinge_subgradient';

CREATE AGGREGATE multiclass_hinge_subgradient(w float8[], x float8[], label int, lambda float8, variant text) (
    SFUNC = @extschema@.multiclass_hinge_subgradient_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.multiclass_hinge_combinefn,
    FINALFUNC = @extschema@.multiclass_hinge_subgradient_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE multiclass_hinge_subgradient(float8[], float8[], int, float8, text) IS
'subgradient of multiclass_hinge_objective at W, a matrix shaped like W';

CREATE FUNCTION multiclass_hinge_subgradient_transfn(float8[], float8[], real[], int, float8, text)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'multiclass_hinge_subgradient_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION multiclass_hinge_subgradient_transfn(float8[], float8[], real[], int, float8, text) IS
'transition function of multiclass_hinge_subgradient';

CREATE AGGREGATE multiclass_hinge_subgradient(w float8[], x real[], label int, lambda float8, variant text) (
    SFUNC = @extschema@.multiclass_hinge_subgradient_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.multiclass_hinge_combinefn,
    FINALFUNC = @extschema@.multiclass_hinge_subgradient_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE multiclass_hinge_subgradient(float8[], real[], int, float8, text) IS
'subgradient of multiclass_hinge_objective at W, a matrix shaped like W (real[] features)';

/*
 * The solver's aggregates: every loss and parameter spelled out, for
 * hinge_train and for anyone writing a solver of their own.
 */

CREATE FUNCTION hinge_cutting_plane_finalfn(float8[])
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_cutting_plane_finalfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_cutting_plane_finalfn(float8[]) IS
'final function of hinge_cutting_plane: [objective, subgradient...]';

CREATE FUNCTION hinge_cutting_plane_transfn(float8[], float8[], float8[], float8, float8, text, float8, float8, float8)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_cutting_plane_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_cutting_plane_transfn(float8[], float8[], float8[], float8, float8, text, float8, float8, float8) IS
'transition function of hinge_cutting_plane';

CREATE AGGREGATE hinge_cutting_plane(w float8[], x float8[], y float8, lambda float8, loss text,
                                     gamma float8, positive_weight float8, negative_weight float8) (
    SFUNC = @extschema@.hinge_cutting_plane_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.hinge_binary_combinefn,
    FINALFUNC = @extschema@.hinge_cutting_plane_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE hinge_cutting_plane(float8[], float8[], float8, float8, text, float8, float8, float8) IS
'objective and subgradient at w in one array [P(w), g...], for loss hinge, squared_hinge or smooth_hinge (gamma), with class weights: a cutting plane P(v) >= P(w) + g.(v - w)';

CREATE FUNCTION hinge_cutting_plane_transfn(float8[], float8[], real[], float8, float8, text, float8, float8, float8)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_cutting_plane_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_cutting_plane_transfn(float8[], float8[], real[], float8, float8, text, float8, float8, float8) IS
'transition function of hinge_cutting_plane';

CREATE AGGREGATE hinge_cutting_plane(w float8[], x real[], y float8, lambda float8, loss text,
                                     gamma float8, positive_weight float8, negative_weight float8) (
    SFUNC = @extschema@.hinge_cutting_plane_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.hinge_binary_combinefn,
    FINALFUNC = @extschema@.hinge_cutting_plane_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE hinge_cutting_plane(float8[], real[], float8, float8, text, float8, float8, float8) IS
'objective and subgradient at w in one array [P(w), g...] (real[] features)';

CREATE FUNCTION hinge_line_objective_finalfn(float8[])
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_line_objective_finalfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_line_objective_finalfn(float8[]) IS
'final function of hinge_line_objective';

CREATE FUNCTION hinge_line_objective_transfn(float8[], float8[], float8[], float8, float8, text, float8, float8, float8)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_line_objective_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_line_objective_transfn(float8[], float8[], float8[], float8, float8, text, float8, float8, float8) IS
'transition function of hinge_line_objective';

CREATE AGGREGATE hinge_line_objective(line float8[], x float8[], y float8, lambda float8, loss text,
                                      gamma float8, positive_weight float8, negative_weight float8) (
    SFUNC = @extschema@.hinge_line_objective_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.hinge_binary_combinefn,
    FINALFUNC = @extschema@.hinge_line_objective_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE hinge_line_objective(float8[], float8[], float8, float8, text, float8, float8, float8) IS
'the objective at 32 points w_from + alpha (w_to - w_from) of a line given as ARRAY[w_from, w_to]: a 2 x 32 array of alphas and objectives, one scan';

CREATE FUNCTION hinge_line_objective_transfn(float8[], float8[], real[], float8, float8, text, float8, float8, float8)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_line_objective_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_line_objective_transfn(float8[], float8[], real[], float8, float8, text, float8, float8, float8) IS
'transition function of hinge_line_objective';

CREATE AGGREGATE hinge_line_objective(line float8[], x real[], y float8, lambda float8, loss text,
                                      gamma float8, positive_weight float8, negative_weight float8) (
    SFUNC = @extschema@.hinge_line_objective_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.hinge_binary_combinefn,
    FINALFUNC = @extschema@.hinge_line_objective_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE hinge_line_objective(float8[], real[], float8, float8, text, float8, float8, float8) IS
'the objective at 32 points of a line ARRAY[w_from, w_to] (real[] features)';

/*
 * Models: rows of hinge_model, trained by hinge_train from a relation, used
 * by name.  pg_dump keeps the rows (pg_extension_config_dump).
 */

CREATE TABLE hinge_model (
    name text PRIMARY KEY,
    relation text NOT NULL,
    features text[] NOT NULL,
    feature_type text NOT NULL,
    n_features int NOT NULL CHECK (n_features > 0),
    label text NOT NULL,
    classes text[] NOT NULL,
    positive_class text,
    weights float8[] NOT NULL,
    intercept boolean NOT NULL,
    lambda float8 NOT NULL,
    loss text NOT NULL,
    gamma float8 NOT NULL,
    class_weights float8[] NOT NULL,
    passes int NOT NULL,
    objective float8 NOT NULL,
    lower_bound float8 NOT NULL,
    converged boolean NOT NULL,
    rows_used bigint NOT NULL,
    rows_skipped bigint NOT NULL,
    train_seconds float8 NOT NULL,
    multiclass text,
    trained_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
    calibration_a float8[],
    calibration_b float8[],
    online_updates bigint NOT NULL DEFAULT 0
);

SELECT pg_catalog.pg_extension_config_dump('@extschema@.hinge_model', '');

-- A trusted extension's script runs as the bootstrap superuser, who then
-- owns the table: the role that created the extension gets to use it.
GRANT SELECT, INSERT, UPDATE, DELETE ON @extschema@.hinge_model TO @extowner@;

COMMENT ON TABLE hinge_model IS
'trained hinge models: weights (intercept last; one row per class for multiclass), classes (negative, positive; or every class), training parameters and statistics';

CREATE FUNCTION hinge_train(model_name text, relation regclass, features text, label text,
                            lambda float8 DEFAULT NULL, loss text DEFAULT 'hinge',
                            intercept boolean DEFAULT true, class_weight text DEFAULT NULL,
                            tolerance float8 DEFAULT 1e-3, max_passes int DEFAULT 300,
                            positive text DEFAULT NULL, gamma float8 DEFAULT 1,
                            multiclass text DEFAULT 'crammer_singer')
RETURNS @extschema@.hinge_model
AS 'MODULE_PATHNAME', 'hinge_train'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

COMMENT ON FUNCTION hinge_train(text, regclass, text, text, float8, text, boolean, text, float8, int, text, float8, text) IS
'trains a linear SVM on relation (features: a float8[] or real[] column; label: a column of two or more values; multiclass crammer_singer, weston_watkins or one_vs_rest) to a certified relative optimality gap, stores it in hinge_model as model_name and returns it; lambda NULL means 1/n (liblinear C = 1)';

CREATE FUNCTION hinge_train(model_name text, relation regclass, features text[], label text,
                            lambda float8 DEFAULT NULL, loss text DEFAULT 'hinge',
                            intercept boolean DEFAULT true, class_weight text DEFAULT NULL,
                            tolerance float8 DEFAULT 1e-3, max_passes int DEFAULT 300,
                            positive text DEFAULT NULL, gamma float8 DEFAULT 1,
                            multiclass text DEFAULT 'crammer_singer')
RETURNS @extschema@.hinge_model
AS 'MODULE_PATHNAME', 'hinge_train'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

COMMENT ON FUNCTION hinge_train(text, regclass, text[], text, float8, text, boolean, text, float8, int, text, float8, text) IS
'trains a linear SVM on relation with features from a list of numeric columns, in that order; see the text version';

CREATE FUNCTION hinge_score(model_name text, x float8[])
RETURNS float8
AS 'MODULE_PATHNAME', 'hinge_model_score'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_score(text, float8[]) IS
'raw score of features x under the stored model model_name (looked up once per statement)';

CREATE FUNCTION hinge_score(model_name text, x real[])
RETURNS float8
AS 'MODULE_PATHNAME', 'hinge_model_score'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_score(text, real[]) IS
'raw score of real[] features x under the stored model model_name';

CREATE FUNCTION hinge_predict(model_name text, x float8[])
RETURNS text
AS 'MODULE_PATHNAME', 'hinge_model_predict'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_predict(text, float8[]) IS
'predicted class label of features x under the stored model: the positive class when the score is > 0';

CREATE FUNCTION hinge_predict(model_name text, x real[])
RETURNS text
AS 'MODULE_PATHNAME', 'hinge_model_predict'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_predict(text, real[]) IS
'predicted class label of real[] features x under the stored model';

CREATE TYPE hinge_evaluation AS (
    n bigint,
    accuracy float8,
    "precision" float8,
    recall float8,
    f1 float8,
    true_positives bigint,
    false_positives bigint,
    true_negatives bigint,
    false_negatives bigint,
    mean_loss float8,
    objective float8,
    rows_skipped bigint,
    classes text[],
    class_precision float8[],
    class_recall float8[],
    class_f1 float8[],
    confusion bigint[]
);

COMMENT ON TYPE hinge_evaluation IS
'result of hinge_evaluate: rows, accuracy, precision, recall and F1 (of the positive class; macro averages for multiclass), binary confusion counts, mean loss, objective, rows skipped for NULLs, and per class: precision, recall, F1 and the confusion matrix (rows the true class, columns the predicted one)';

CREATE FUNCTION hinge_evaluate(model_name text, relation regclass, features text, label text)
RETURNS @extschema@.hinge_evaluation
AS 'MODULE_PATHNAME', 'hinge_evaluate'
LANGUAGE C STABLE STRICT PARALLEL UNSAFE;

COMMENT ON FUNCTION hinge_evaluate(text, regclass, text, text) IS
'evaluates a stored model (binary or multiclass) on the rows of relation: accuracy, precision, recall, F1, per-class figures, confusion matrix, mean loss, objective';

CREATE FUNCTION hinge_evaluate(model_name text, relation regclass, features text[], label text)
RETURNS @extschema@.hinge_evaluation
AS 'MODULE_PATHNAME', 'hinge_evaluate'
LANGUAGE C STABLE STRICT PARALLEL UNSAFE;

COMMENT ON FUNCTION hinge_evaluate(text, regclass, text[], text) IS
'evaluates a stored model on relation with features from a list of numeric columns';

CREATE FUNCTION hinge_line_planes_finalfn(float8[])
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_line_planes_finalfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_line_planes_finalfn(float8[]) IS
'final function of hinge_line_planes';

CREATE FUNCTION hinge_line_planes_transfn(float8[], float8[], float8[], float8, float8, text, float8, float8, float8)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_line_planes_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_line_planes_transfn(float8[], float8[], float8[], float8, float8, text, float8, float8, float8) IS
'transition function of hinge_line_planes';

CREATE AGGREGATE hinge_line_planes(line float8[], x float8[], y float8, lambda float8, loss text,
                                   gamma float8, positive_weight float8, negative_weight float8) (
    SFUNC = @extschema@.hinge_line_planes_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.hinge_binary_combinefn,
    FINALFUNC = @extschema@.hinge_line_planes_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE hinge_line_planes(float8[], float8[], float8, float8, text, float8, float8, float8) IS
'hinge loss only: at 32 points of the line ARRAY[w_from, w_to], the objective and its subgradient, one scan: a 32 x (d + 2) array of rows [alpha, P, subgradient...]';

CREATE FUNCTION hinge_line_planes_transfn(float8[], float8[], real[], float8, float8, text, float8, float8, float8)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_line_planes_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_line_planes_transfn(float8[], float8[], real[], float8, float8, text, float8, float8, float8) IS
'transition function of hinge_line_planes';

CREATE AGGREGATE hinge_line_planes(line float8[], x real[], y float8, lambda float8, loss text,
                                   gamma float8, positive_weight float8, negative_weight float8) (
    SFUNC = @extschema@.hinge_line_planes_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.hinge_binary_combinefn,
    FINALFUNC = @extschema@.hinge_line_planes_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE hinge_line_planes(float8[], real[], float8, float8, text, float8, float8, float8) IS
'hinge loss only: objectives and subgradients at 32 points of a line (real[] features)';

/*
 * Multiclass solver aggregates: every parameter spelled out, class weights
 * (one per class, in the order of W's rows) included.
 */

CREATE FUNCTION multiclass_hinge_cutting_plane_finalfn(float8[])
RETURNS float8[]
AS 'MODULE_PATHNAME', 'multiclass_hinge_cutting_plane_finalfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION multiclass_hinge_cutting_plane_finalfn(float8[]) IS
'final function of multiclass_hinge_cutting_plane';

CREATE FUNCTION multiclass_hinge_line_objective_finalfn(float8[])
RETURNS float8[]
AS 'MODULE_PATHNAME', 'multiclass_hinge_line_objective_finalfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION multiclass_hinge_line_objective_finalfn(float8[]) IS
'final function of multiclass_hinge_line_objective';

CREATE FUNCTION one_vs_rest_cutting_planes_finalfn(float8[])
RETURNS float8[]
AS 'MODULE_PATHNAME', 'one_vs_rest_cutting_planes_finalfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION one_vs_rest_cutting_planes_finalfn(float8[]) IS
'final function of one_vs_rest_cutting_planes';

CREATE FUNCTION one_vs_rest_line_objective_finalfn(float8[])
RETURNS float8[]
AS 'MODULE_PATHNAME', 'one_vs_rest_line_objective_finalfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION one_vs_rest_line_objective_finalfn(float8[]) IS
'final function of one_vs_rest_line_objective';

CREATE FUNCTION multiclass_hinge_objective_transfn(float8[], float8[], float8[], int, float8, text, float8[])
RETURNS float8[]
AS 'MODULE_PATHNAME', 'multiclass_hinge_objective_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION multiclass_hinge_objective_transfn(float8[], float8[], float8[], int, float8, text, float8[]) IS
'transition function of multiclass_hinge_objective';

CREATE AGGREGATE multiclass_hinge_objective(w float8[], x float8[], label int, lambda float8, variant text, class_weights float8[]) (
    SFUNC = @extschema@.multiclass_hinge_objective_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.multiclass_hinge_combinefn,
    FINALFUNC = @extschema@.multiclass_hinge_objective_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE multiclass_hinge_objective(float8[], float8[], int, float8, text, float8[]) IS
'class-weighted multiclass hinge objective: the loss of each row scaled by the weight of its class (class_weights: one per row of W, in order)';

CREATE FUNCTION multiclass_hinge_objective_transfn(float8[], float8[], real[], int, float8, text, float8[])
RETURNS float8[]
AS 'MODULE_PATHNAME', 'multiclass_hinge_objective_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION multiclass_hinge_objective_transfn(float8[], float8[], real[], int, float8, text, float8[]) IS
'transition function of multiclass_hinge_objective';

CREATE AGGREGATE multiclass_hinge_objective(w float8[], x real[], label int, lambda float8, variant text, class_weights float8[]) (
    SFUNC = @extschema@.multiclass_hinge_objective_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.multiclass_hinge_combinefn,
    FINALFUNC = @extschema@.multiclass_hinge_objective_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE multiclass_hinge_objective(float8[], real[], int, float8, text, float8[]) IS
'class-weighted multiclass hinge objective: the loss of each row scaled by the weight of its class (class_weights: one per row of W, in order) (real[] features)';

CREATE FUNCTION multiclass_hinge_subgradient_transfn(float8[], float8[], float8[], int, float8, text, float8[])
RETURNS float8[]
AS 'MODULE_PATHNAME', 'multiclass_hinge_subgradient_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION multiclass_hinge_subgradient_transfn(float8[], float8[], float8[], int, float8, text, float8[]) IS
'transition function of multiclass_hinge_subgradient';

CREATE AGGREGATE multiclass_hinge_subgradient(w float8[], x float8[], label int, lambda float8, variant text, class_weights float8[]) (
    SFUNC = @extschema@.multiclass_hinge_subgradient_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.multiclass_hinge_combinefn,
    FINALFUNC = @extschema@.multiclass_hinge_subgradient_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE multiclass_hinge_subgradient(float8[], float8[], int, float8, text, float8[]) IS
'subgradient of the class-weighted multiclass hinge objective at W';

CREATE FUNCTION multiclass_hinge_subgradient_transfn(float8[], float8[], real[], int, float8, text, float8[])
RETURNS float8[]
AS 'MODULE_PATHNAME', 'multiclass_hinge_subgradient_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION multiclass_hinge_subgradient_transfn(float8[], float8[], real[], int, float8, text, float8[]) IS
'transition function of multiclass_hinge_subgradient';

CREATE AGGREGATE multiclass_hinge_subgradient(w float8[], x real[], label int, lambda float8, variant text, class_weights float8[]) (
    SFUNC = @extschema@.multiclass_hinge_subgradient_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.multiclass_hinge_combinefn,
    FINALFUNC = @extschema@.multiclass_hinge_subgradient_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE multiclass_hinge_subgradient(float8[], real[], int, float8, text, float8[]) IS
'subgradient of the class-weighted multiclass hinge objective at W (real[] features)';

CREATE AGGREGATE multiclass_hinge_cutting_plane(w float8[], x float8[], label int, lambda float8,
                                               variant text, class_weights float8[]) (
    SFUNC = @extschema@.multiclass_hinge_subgradient_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.multiclass_hinge_combinefn,
    FINALFUNC = @extschema@.multiclass_hinge_cutting_plane_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE multiclass_hinge_cutting_plane(float8[], float8[], int, float8, text, float8[]) IS
'multiclass objective and subgradient at W in one flat array [P(W), subgradient (row-major)...]: a cutting plane';

CREATE AGGREGATE multiclass_hinge_cutting_plane(w float8[], x real[], label int, lambda float8,
                                               variant text, class_weights float8[]) (
    SFUNC = @extschema@.multiclass_hinge_subgradient_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.multiclass_hinge_combinefn,
    FINALFUNC = @extschema@.multiclass_hinge_cutting_plane_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE multiclass_hinge_cutting_plane(float8[], real[], int, float8, text, float8[]) IS
'multiclass objective and subgradient at W in one flat array [P(W), subgradient (row-major)...]: a cutting plane (real[] features)';

CREATE FUNCTION multiclass_hinge_line_objective_transfn(float8[], float8[], float8[], int, float8, text, float8[])
RETURNS float8[]
AS 'MODULE_PATHNAME', 'multiclass_hinge_line_objective_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION multiclass_hinge_line_objective_transfn(float8[], float8[], float8[], int, float8, text, float8[]) IS
'transition function of multiclass_hinge_line_objective';

CREATE AGGREGATE multiclass_hinge_line_objective(line float8[], x float8[], label int, lambda float8, variant text, class_weights float8[]) (
    SFUNC = @extschema@.multiclass_hinge_line_objective_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.multiclass_hinge_combinefn,
    FINALFUNC = @extschema@.multiclass_hinge_line_objective_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE multiclass_hinge_line_objective(float8[], float8[], int, float8, text, float8[]) IS
'the multiclass objective at 32 points W_from + alpha (W_to - W_from) of a line given as W_from stacked on W_to (2k rows): a 2 x 32 array of alphas and objectives';

CREATE FUNCTION multiclass_hinge_line_objective_transfn(float8[], float8[], real[], int, float8, text, float8[])
RETURNS float8[]
AS 'MODULE_PATHNAME', 'multiclass_hinge_line_objective_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION multiclass_hinge_line_objective_transfn(float8[], float8[], real[], int, float8, text, float8[]) IS
'transition function of multiclass_hinge_line_objective';

CREATE AGGREGATE multiclass_hinge_line_objective(line float8[], x real[], label int, lambda float8, variant text, class_weights float8[]) (
    SFUNC = @extschema@.multiclass_hinge_line_objective_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.multiclass_hinge_combinefn,
    FINALFUNC = @extschema@.multiclass_hinge_line_objective_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE multiclass_hinge_line_objective(float8[], real[], int, float8, text, float8[]) IS
'the multiclass objective at 32 points W_from + alpha (W_to - W_from) of a line given as W_from stacked on W_to (2k rows): a 2 x 32 array of alphas and objectives (real[] features)';

CREATE FUNCTION one_vs_rest_cutting_planes_transfn(float8[], float8[], float8[], int, float8, float8[])
RETURNS float8[]
AS 'MODULE_PATHNAME', 'one_vs_rest_cutting_planes_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION one_vs_rest_cutting_planes_transfn(float8[], float8[], float8[], int, float8, float8[]) IS
'transition function of one_vs_rest_cutting_planes';

CREATE AGGREGATE one_vs_rest_cutting_planes(w float8[], x float8[], label int, lambda float8, class_weights float8[]) (
    SFUNC = @extschema@.one_vs_rest_cutting_planes_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.multiclass_hinge_combinefn,
    FINALFUNC = @extschema@.one_vs_rest_cutting_planes_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE one_vs_rest_cutting_planes(float8[], float8[], int, float8, float8[]) IS
'the k one-vs-rest hinge problems (class r against the rest) at once: a k x (1 + cols) array of rows [objective, subgradient...], one scan';

CREATE FUNCTION one_vs_rest_cutting_planes_transfn(float8[], float8[], real[], int, float8, float8[])
RETURNS float8[]
AS 'MODULE_PATHNAME', 'one_vs_rest_cutting_planes_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION one_vs_rest_cutting_planes_transfn(float8[], float8[], real[], int, float8, float8[]) IS
'transition function of one_vs_rest_cutting_planes';

CREATE AGGREGATE one_vs_rest_cutting_planes(w float8[], x real[], label int, lambda float8, class_weights float8[]) (
    SFUNC = @extschema@.one_vs_rest_cutting_planes_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.multiclass_hinge_combinefn,
    FINALFUNC = @extschema@.one_vs_rest_cutting_planes_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE one_vs_rest_cutting_planes(float8[], real[], int, float8, float8[]) IS
'the k one-vs-rest hinge problems (class r against the rest) at once: a k x (1 + cols) array of rows [objective, subgradient...], one scan (real[] features)';

CREATE FUNCTION one_vs_rest_line_objective_transfn(float8[], float8[], float8[], int, float8, float8[])
RETURNS float8[]
AS 'MODULE_PATHNAME', 'one_vs_rest_line_objective_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION one_vs_rest_line_objective_transfn(float8[], float8[], float8[], int, float8, float8[]) IS
'transition function of one_vs_rest_line_objective';

CREATE AGGREGATE one_vs_rest_line_objective(line float8[], x float8[], label int, lambda float8, class_weights float8[]) (
    SFUNC = @extschema@.one_vs_rest_line_objective_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.multiclass_hinge_combinefn,
    FINALFUNC = @extschema@.one_vs_rest_line_objective_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE one_vs_rest_line_objective(float8[], float8[], int, float8, float8[]) IS
'the k one-vs-rest objectives at 32 points of their lines (W_from stacked on W_to): a (k + 1) x 32 array, alphas first';

CREATE FUNCTION one_vs_rest_line_objective_transfn(float8[], float8[], real[], int, float8, float8[])
RETURNS float8[]
AS 'MODULE_PATHNAME', 'one_vs_rest_line_objective_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION one_vs_rest_line_objective_transfn(float8[], float8[], real[], int, float8, float8[]) IS
'transition function of one_vs_rest_line_objective';

CREATE AGGREGATE one_vs_rest_line_objective(line float8[], x real[], label int, lambda float8, class_weights float8[]) (
    SFUNC = @extschema@.one_vs_rest_line_objective_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.multiclass_hinge_combinefn,
    FINALFUNC = @extschema@.one_vs_rest_line_objective_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE one_vs_rest_line_objective(float8[], real[], int, float8, float8[]) IS
'the k one-vs-rest objectives at 32 points of their lines (W_from stacked on W_to): a (k + 1) x 32 array, alphas first (real[] features)';

CREATE FUNCTION hinge_scores(model_name text, x float8[])
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_model_scores'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_scores(text, float8[]) IS
'per-class scores of features x under the stored model model_name, in the order of its classes (one score for a binary model)';

CREATE FUNCTION hinge_scores(model_name text, x real[])
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_model_scores'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_scores(text, real[]) IS
'per-class scores of real[] features x under the stored model model_name';

/*
 * Calibrated probabilities: Platt scaling of a model's scores on held-out
 * rows, stored with the model (retraining clears it).
 */

CREATE FUNCTION hinge_platt_transfn(float8[], float8, float8, float8, float8)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_platt_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_platt_transfn(float8[], float8, float8, float8, float8) IS
'transition function of hinge_platt';

CREATE FUNCTION hinge_platt_combinefn(float8[], float8[])
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_platt_combinefn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_platt_combinefn(float8[], float8[]) IS
'combine function of hinge_platt';

CREATE FUNCTION hinge_platt_finalfn(float8[])
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_platt_finalfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_platt_finalfn(float8[]) IS
'final function of hinge_platt';

CREATE AGGREGATE hinge_platt(score float8, target float8, a float8, b float8) (
    SFUNC = @extschema@.hinge_platt_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.hinge_platt_combinefn,
    FINALFUNC = @extschema@.hinge_platt_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE hinge_platt(float8, float8, float8, float8) IS
'Platt scaling over the rows at (A, B): [n, cross-entropy of 1/(1+exp(A*score+B)) against target, its gradient in A and B, its Hessian (AA, BB, AB)]';

CREATE FUNCTION hinge_calibrate(model_name text, relation regclass, features text, label text)
RETURNS @extschema@.hinge_model
AS 'MODULE_PATHNAME', 'hinge_calibrate'
LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;

COMMENT ON FUNCTION hinge_calibrate(text, regclass, text, text) IS
'fits Platt''s sigmoid p = 1/(1 + exp(A*score + B)) to the stored model''s scores of the (held-out) rows of relation, with Platt''s smoothed targets; stores A and B with the model (one pair per class for multiclass) and returns the model row';

CREATE FUNCTION hinge_calibrate(model_name text, relation regclass, features text[], label text)
RETURNS @extschema@.hinge_model
AS 'MODULE_PATHNAME', 'hinge_calibrate'
LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;

COMMENT ON FUNCTION hinge_calibrate(text, regclass, text[], text) IS
'hinge_calibrate with features from a list of numeric columns';

CREATE FUNCTION hinge_probability(model_name text, x float8[])
RETURNS float8
AS 'MODULE_PATHNAME', 'hinge_model_probability'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_probability(text, float8[]) IS
'calibrated probability of the positive class of a binary model (see hinge_calibrate)';

CREATE FUNCTION hinge_probability(model_name text, x real[])
RETURNS float8
AS 'MODULE_PATHNAME', 'hinge_model_probability'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_probability(text, real[]) IS
'calibrated probability of the positive class of a binary model, real[] features';

CREATE FUNCTION hinge_probabilities(model_name text, x float8[])
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_model_probabilities'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_probabilities(text, float8[]) IS
'calibrated probabilities of every class in class order, summing to 1 (per-class sigmoids, normalised, for multiclass models)';

CREATE FUNCTION hinge_probabilities(model_name text, x real[])
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_model_probabilities'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_probabilities(text, real[]) IS
'calibrated probabilities of every class in class order, real[] features';

/* Scoring rows as they are written */

CREATE FUNCTION hinge_score_trigger()
RETURNS trigger
AS 'MODULE_PATHNAME', 'hinge_score_trigger'
LANGUAGE C;

COMMENT ON FUNCTION hinge_score_trigger() IS
'BEFORE INSERT OR UPDATE row trigger: hinge_score_trigger(model, features column or ''{col1,col2}'', output column [, ''score'' | ''label'' | ''probability'']) fills the output column with the stored model''s score, predicted label or calibrated probability (of the predicted class)';

/*
 * Online updates: a model that learns from each newly labelled row, one
 * Pegasos step at a time.
 */

CREATE FUNCTION hinge_pegasos_step(w float8[], x float8[], y float8, lambda float8, t float8)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_pegasos_step'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_pegasos_step(float8[], float8[], float8, float8, float8) IS
'one Pegasos step from row (x, y): (1 - 1/t) w, plus y (x, 1) / (lambda t) when y w.x < 1';

CREATE FUNCTION hinge_learn_trigger()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    row_x float8[];
    row_label text;
    m @extschema@.hinge_model;
BEGIN
    IF TG_NARGS <> 3 THEN
        RAISE EXCEPTION 'hinge_learn_trigger takes 3 arguments, not %', TG_NARGS
            USING HINT = 'EXECUTE FUNCTION hinge_learn_trigger(''model'', ''features_column'', ''label_column'')';
    END IF;
    -- the row's features and label, by column name (quoted, never pasted)
    -- (format() gives the label's text as its type prints it: 't' for true)
    EXECUTE format('SELECT ($1).%I::float8[], CASE WHEN ($1).%I IS NOT NULL THEN format(''%%s'', ($1).%I) END',
                   TG_ARGV[1], TG_ARGV[2], TG_ARGV[2])
        INTO row_x, row_label USING NEW;
    IF row_x IS NULL OR row_label IS NULL THEN
        RETURN NULL;
    END IF;
    -- the row lock serialises concurrent learners: no update is lost
    SELECT * INTO m FROM @extschema@.hinge_model WHERE name = TG_ARGV[0] FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'model "%" does not exist', TG_ARGV[0]
            USING ERRCODE = 'undefined_object', HINT = 'Train it with hinge_train first.';
    END IF;
    IF cardinality(m.classes) <> 2 THEN
        RAISE EXCEPTION 'model "%" has % classes, and online updates take a binary model',
            TG_ARGV[0], cardinality(m.classes) USING ERRCODE = 'wrong_object_type';
    END IF;
    IF row_label <> ALL (m.classes) THEN
        RAISE EXCEPTION 'label % is not a class of model "%"', quote_literal(row_label), TG_ARGV[0]
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = format('The model''s classes are %s.', array_to_string(m.classes, ', '));
    END IF;
    -- t counts the rows the model has seen, so the first steps are small
    UPDATE @extschema@.hinge_model
    SET weights = @extschema@.hinge_pegasos_step(m.weights, row_x,
                      CASE WHEN row_label = m.positive_class THEN 1 ELSE -1 END,
                      m.lambda, m.rows_used + m.online_updates + 1),
        online_updates = m.online_updates + 1,
        calibration_a = NULL, calibration_b = NULL
    WHERE name = TG_ARGV[0];
    RETURN NULL;
END
$$;

COMMENT ON FUNCTION hinge_learn_trigger() IS
'AFTER INSERT OR UPDATE row trigger: hinge_learn_trigger(model, features column, label column) updates a binary model with one Pegasos step from each labelled row (row lock on the model: concurrent inserts serialise, no update is lost)';
