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

CREATE FUNCTION hinge_cutting_plane_finalfn(float8[])
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_cutting_plane_finalfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_cutting_plane_finalfn(float8[]) IS
'final function of hinge_cutting_plane: [objective, subgradient...]';

CREATE FUNCTION hinge_line_objective_finalfn(float8[])
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_line_objective_finalfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_line_objective_finalfn(float8[]) IS
'final function of hinge_line_objective';

CREATE FUNCTION hinge_line_planes_finalfn(float8[])
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_line_planes_finalfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_line_planes_finalfn(float8[]) IS
'final function of hinge_line_planes';

-- @since 1.2
CREATE FUNCTION hinge_line_plane_finalfn(float8[])
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_line_plane_finalfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
-- @end since

COMMENT ON FUNCTION hinge_line_plane_finalfn(float8[]) IS
'final function of hinge_line_plane';

-- @each X float8[] | real[] | hinge_sparse@1.2
-- hinge: objective and subgradient, plain and class-weighted

CREATE FUNCTION hinge_objective_transfn(float8[], float8[], @X@, float8, float8)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_objective_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_objective_transfn(float8[], float8[], @X@, float8, float8) IS
'transition function of hinge_objective@X_NOTE@';

CREATE AGGREGATE hinge_objective(w float8[], x @X@, y float8, lambda float8) (
    SFUNC = @extschema@.hinge_objective_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.hinge_binary_combinefn,
    FINALFUNC = @extschema@.hinge_objective_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE hinge_objective(float8[], @X@, float8, float8) IS
'regularised hinge objective lambda/2 ||w||^2 + (1/n) sum loss(y, w.x) over the rows@X_NOTE@';

CREATE FUNCTION hinge_objective_transfn(float8[], float8[], @X@, float8, float8, float8, float8)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_objective_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_objective_transfn(float8[], float8[], @X@, float8, float8, float8, float8) IS
'transition function of hinge_objective@X_NOTE@';

CREATE AGGREGATE hinge_objective(w float8[], x @X@, y float8, lambda float8, positive_weight float8, negative_weight float8) (
    SFUNC = @extschema@.hinge_objective_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.hinge_binary_combinefn,
    FINALFUNC = @extschema@.hinge_objective_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE hinge_objective(float8[], @X@, float8, float8, float8, float8) IS
'class-weighted hinge objective lambda/2 ||w||^2 + (1/n) sum c_y loss(y, w.x), c_+ = positive_weight, c_- = negative_weight@X_NOTE@';

CREATE FUNCTION hinge_subgradient_transfn(float8[], float8[], @X@, float8, float8)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_subgradient_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_subgradient_transfn(float8[], float8[], @X@, float8, float8) IS
'transition function of hinge_subgradient@X_NOTE@';

CREATE AGGREGATE hinge_subgradient(w float8[], x @X@, y float8, lambda float8) (
    SFUNC = @extschema@.hinge_subgradient_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.hinge_binary_combinefn,
    FINALFUNC = @extschema@.hinge_subgradient_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE hinge_subgradient(float8[], @X@, float8, float8) IS
'subgradient of hinge_objective at w (intercept regularised like any weight)@X_NOTE@';

CREATE FUNCTION hinge_subgradient_transfn(float8[], float8[], @X@, float8, float8, float8, float8)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_subgradient_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_subgradient_transfn(float8[], float8[], @X@, float8, float8, float8, float8) IS
'transition function of hinge_subgradient@X_NOTE@';

CREATE AGGREGATE hinge_subgradient(w float8[], x @X@, y float8, lambda float8, positive_weight float8, negative_weight float8) (
    SFUNC = @extschema@.hinge_subgradient_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.hinge_binary_combinefn,
    FINALFUNC = @extschema@.hinge_subgradient_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE hinge_subgradient(float8[], @X@, float8, float8, float8, float8) IS
'subgradient of the class-weighted hinge_objective at w@X_NOTE@';

-- squared hinge

CREATE FUNCTION squared_hinge_objective_transfn(float8[], float8[], @X@, float8, float8)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'squared_hinge_objective_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION squared_hinge_objective_transfn(float8[], float8[], @X@, float8, float8) IS
'transition function of squared_hinge_objective@X_NOTE@';

CREATE AGGREGATE squared_hinge_objective(w float8[], x @X@, y float8, lambda float8) (
    SFUNC = @extschema@.squared_hinge_objective_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.hinge_binary_combinefn,
    FINALFUNC = @extschema@.hinge_objective_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE squared_hinge_objective(float8[], @X@, float8, float8) IS
'regularised squared hinge objective lambda/2 ||w||^2 + (1/n) sum loss(y, w.x) over the rows@X_NOTE@';

CREATE FUNCTION squared_hinge_objective_transfn(float8[], float8[], @X@, float8, float8, float8, float8)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'squared_hinge_objective_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION squared_hinge_objective_transfn(float8[], float8[], @X@, float8, float8, float8, float8) IS
'transition function of squared_hinge_objective@X_NOTE@';

CREATE AGGREGATE squared_hinge_objective(w float8[], x @X@, y float8, lambda float8, positive_weight float8, negative_weight float8) (
    SFUNC = @extschema@.squared_hinge_objective_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.hinge_binary_combinefn,
    FINALFUNC = @extschema@.hinge_objective_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE squared_hinge_objective(float8[], @X@, float8, float8, float8, float8) IS
'class-weighted squared hinge objective lambda/2 ||w||^2 + (1/n) sum c_y loss(y, w.x), c_+ = positive_weight, c_- = negative_weight@X_NOTE@';

CREATE FUNCTION squared_hinge_subgradient_transfn(float8[], float8[], @X@, float8, float8)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'squared_hinge_subgradient_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION squared_hinge_subgradient_transfn(float8[], float8[], @X@, float8, float8) IS
'transition function of squared_hinge_subgradient@X_NOTE@';

CREATE AGGREGATE squared_hinge_subgradient(w float8[], x @X@, y float8, lambda float8) (
    SFUNC = @extschema@.squared_hinge_subgradient_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.hinge_binary_combinefn,
    FINALFUNC = @extschema@.hinge_subgradient_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE squared_hinge_subgradient(float8[], @X@, float8, float8) IS
'gradient of squared_hinge_objective at w (intercept regularised like any weight)@X_NOTE@';

CREATE FUNCTION squared_hinge_subgradient_transfn(float8[], float8[], @X@, float8, float8, float8, float8)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'squared_hinge_subgradient_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION squared_hinge_subgradient_transfn(float8[], float8[], @X@, float8, float8, float8, float8) IS
'transition function of squared_hinge_subgradient@X_NOTE@';

CREATE AGGREGATE squared_hinge_subgradient(w float8[], x @X@, y float8, lambda float8, positive_weight float8, negative_weight float8) (
    SFUNC = @extschema@.squared_hinge_subgradient_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.hinge_binary_combinefn,
    FINALFUNC = @extschema@.hinge_subgradient_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE squared_hinge_subgradient(float8[], @X@, float8, float8, float8, float8) IS
'gradient of the class-weighted squared_hinge_objective at w@X_NOTE@';

-- smoothed hinge (width gamma)

CREATE FUNCTION smooth_hinge_objective_transfn(float8[], float8[], @X@, float8, float8, float8)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'smooth_hinge_objective_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION smooth_hinge_objective_transfn(float8[], float8[], @X@, float8, float8, float8) IS
'transition function of smooth_hinge_objective@X_NOTE@';

CREATE AGGREGATE smooth_hinge_objective(w float8[], x @X@, y float8, lambda float8, gamma float8) (
    SFUNC = @extschema@.smooth_hinge_objective_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.hinge_binary_combinefn,
    FINALFUNC = @extschema@.hinge_objective_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE smooth_hinge_objective(float8[], @X@, float8, float8, float8) IS
'regularised smoothed hinge objective lambda/2 ||w||^2 + (1/n) sum loss(y, w.x) over the rows@X_NOTE@';

CREATE FUNCTION smooth_hinge_objective_transfn(float8[], float8[], @X@, float8, float8, float8, float8, float8)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'smooth_hinge_objective_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION smooth_hinge_objective_transfn(float8[], float8[], @X@, float8, float8, float8, float8, float8) IS
'transition function of smooth_hinge_objective@X_NOTE@';

CREATE AGGREGATE smooth_hinge_objective(w float8[], x @X@, y float8, lambda float8, gamma float8, positive_weight float8, negative_weight float8) (
    SFUNC = @extschema@.smooth_hinge_objective_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.hinge_binary_combinefn,
    FINALFUNC = @extschema@.hinge_objective_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE smooth_hinge_objective(float8[], @X@, float8, float8, float8, float8, float8) IS
'class-weighted smoothed hinge objective lambda/2 ||w||^2 + (1/n) sum c_y loss(y, w.x), c_+ = positive_weight, c_- = negative_weight@X_NOTE@';

CREATE FUNCTION smooth_hinge_subgradient_transfn(float8[], float8[], @X@, float8, float8, float8)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'smooth_hinge_subgradient_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION smooth_hinge_subgradient_transfn(float8[], float8[], @X@, float8, float8, float8) IS
'transition function of smooth_hinge_subgradient@X_NOTE@';

CREATE AGGREGATE smooth_hinge_subgradient(w float8[], x @X@, y float8, lambda float8, gamma float8) (
    SFUNC = @extschema@.smooth_hinge_subgradient_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.hinge_binary_combinefn,
    FINALFUNC = @extschema@.hinge_subgradient_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE smooth_hinge_subgradient(float8[], @X@, float8, float8, float8) IS
'gradient of smooth_hinge_objective at w (intercept regularised like any weight)@X_NOTE@';

CREATE FUNCTION smooth_hinge_subgradient_transfn(float8[], float8[], @X@, float8, float8, float8, float8, float8)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'smooth_hinge_subgradient_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION smooth_hinge_subgradient_transfn(float8[], float8[], @X@, float8, float8, float8, float8, float8) IS
'transition function of smooth_hinge_subgradient@X_NOTE@';

CREATE AGGREGATE smooth_hinge_subgradient(w float8[], x @X@, y float8, lambda float8, gamma float8, positive_weight float8, negative_weight float8) (
    SFUNC = @extschema@.smooth_hinge_subgradient_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.hinge_binary_combinefn,
    FINALFUNC = @extschema@.hinge_subgradient_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE smooth_hinge_subgradient(float8[], @X@, float8, float8, float8, float8, float8) IS
'gradient of the class-weighted smooth_hinge_objective at w@X_NOTE@';

-- the mean loss and margin statistics

CREATE FUNCTION hinge_loss_avg_transfn(float8[], float8[], @X@, float8)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_loss_avg_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_loss_avg_transfn(float8[], float8[], @X@, float8) IS
'transition function of hinge_loss_avg@X_NOTE@';

CREATE AGGREGATE hinge_loss_avg(w float8[], x @X@, y float8) (
    SFUNC = @extschema@.hinge_loss_avg_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.hinge_binary_combinefn,
    FINALFUNC = @extschema@.hinge_loss_avg_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE hinge_loss_avg(float8[], @X@, float8) IS
'mean hinge loss (1/n) sum max(0, 1 - y w.x) over the rows@X_NOTE@';

CREATE FUNCTION hinge_margin_stats_transfn(float8[], float8[], @X@, float8)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_margin_stats_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_margin_stats_transfn(float8[], float8[], @X@, float8) IS
'transition function of hinge_margin_stats@X_NOTE@';

CREATE AGGREGATE hinge_margin_stats(w float8[], x @X@, y float8) (
    SFUNC = @extschema@.hinge_margin_stats_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.hinge_binary_combinefn,
    FINALFUNC = @extschema@.hinge_margin_stats_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE hinge_margin_stats(float8[], @X@, float8) IS
'margin statistics of w over the rows: see type hinge_margin_stats@X_NOTE@';

-- the solver's aggregates: every loss and parameter spelled out

CREATE FUNCTION hinge_cutting_plane_transfn(float8[], float8[], @X@, float8, float8, text, float8, float8, float8)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_cutting_plane_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_cutting_plane_transfn(float8[], float8[], @X@, float8, float8, text, float8, float8, float8) IS
'transition function of hinge_cutting_plane@X_NOTE@';

CREATE AGGREGATE hinge_cutting_plane(w float8[], x @X@, y float8, lambda float8, loss text,
                                     gamma float8, positive_weight float8, negative_weight float8) (
    SFUNC = @extschema@.hinge_cutting_plane_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.hinge_binary_combinefn,
    FINALFUNC = @extschema@.hinge_cutting_plane_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE hinge_cutting_plane(float8[], @X@, float8, float8, text, float8, float8, float8) IS
'objective and subgradient at w in one array [P(w), g...], for loss hinge, squared_hinge or smooth_hinge (gamma), with class weights: a cutting plane P(v) >= P(w) + g.(v - w)@X_NOTE@';

CREATE FUNCTION hinge_line_objective_transfn(float8[], float8[], @X@, float8, float8, text, float8, float8, float8)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_line_objective_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_line_objective_transfn(float8[], float8[], @X@, float8, float8, text, float8, float8, float8) IS
'transition function of hinge_line_objective@X_NOTE@';

CREATE AGGREGATE hinge_line_objective(line float8[], x @X@, y float8, lambda float8, loss text,
                                      gamma float8, positive_weight float8, negative_weight float8) (
    SFUNC = @extschema@.hinge_line_objective_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.hinge_binary_combinefn,
    FINALFUNC = @extschema@.hinge_line_objective_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE hinge_line_objective(float8[], @X@, float8, float8, text, float8, float8, float8) IS
'the objective at 32 points w_from + alpha (w_to - w_from) of a line given as ARRAY[w_from, w_to]: a 2 x 32 array of alphas and objectives, one scan@X_NOTE@';

CREATE FUNCTION hinge_line_planes_transfn(float8[], float8[], @X@, float8, float8, text, float8, float8, float8)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_line_planes_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_line_planes_transfn(float8[], float8[], @X@, float8, float8, text, float8, float8, float8) IS
'transition function of hinge_line_planes@X_NOTE@';

CREATE AGGREGATE hinge_line_planes(line float8[], x @X@, y float8, lambda float8, loss text,
                                   gamma float8, positive_weight float8, negative_weight float8) (
    SFUNC = @extschema@.hinge_line_planes_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.hinge_binary_combinefn,
    FINALFUNC = @extschema@.hinge_line_planes_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE hinge_line_planes(float8[], @X@, float8, float8, text, float8, float8, float8) IS
'hinge loss only: at 32 points of the line ARRAY[w_from, w_to], the objective and its subgradient, one scan: a 32 x (d + 2) array of rows [alpha, P, subgradient...]@X_NOTE@';

-- @end each

-- the line search with the plane of one point (1.2): what the solver's
-- passes use beyond hinge_line_planes' 65,536 weights and for other losses
-- @each X float8[]@1.2 | real[]@1.2 | hinge_sparse@1.2
CREATE FUNCTION hinge_line_plane_transfn(float8[], float8[], @X@, float8, float8, text, float8, float8, float8, int4)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_line_plane_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_line_plane_transfn(float8[], float8[], @X@, float8, float8, text, float8, float8, float8, int4) IS
'transition function of hinge_line_plane@X_NOTE@';

CREATE AGGREGATE hinge_line_plane(line float8[], x @X@, y float8, lambda float8, loss text,
                                  gamma float8, positive_weight float8, negative_weight float8, point int4) (
    SFUNC = @extschema@.hinge_line_plane_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.hinge_binary_combinefn,
    FINALFUNC = @extschema@.hinge_line_plane_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE hinge_line_plane(float8[], @X@, float8, float8, text, float8, float8, float8, int4) IS
'the objective at the 32 points of the line ARRAY[w_from, w_to] and the cutting plane at its point-th (1 to 32), one scan, one score a row less than hinge_line_objective and hinge_cutting_plane: [32 alphas, 32 objectives, P(w_point), subgradient...], for loss hinge, squared_hinge or smooth_hinge, any number of weights@X_NOTE@';
-- @end each
