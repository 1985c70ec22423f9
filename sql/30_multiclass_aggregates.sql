/*
 * Multiclass aggregates at a weight matrix W (one row per class, the
 * intercept as the last column); labels are 1-based classes.  Crammer-Singer
 * and Weston-Watkins, and the k one-vs-rest problems at once.
 */

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

-- @each X float8[] | real[] | hinge_sparse@1.2
CREATE FUNCTION multiclass_hinge_objective_transfn(float8[], float8[], @X@, int, float8, text)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'multiclass_hinge_objective_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION multiclass_hinge_objective_transfn(float8[], float8[], @X@, int, float8, text) IS
'transition function of multiclass_hinge_objective@X_NOTE@';

CREATE AGGREGATE multiclass_hinge_objective(w float8[], x @X@, label int, lambda float8, variant text) (
    SFUNC = @extschema@.multiclass_hinge_objective_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.multiclass_hinge_combinefn,
    FINALFUNC = @extschema@.multiclass_hinge_objective_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE multiclass_hinge_objective(float8[], @X@, int, float8, text) IS
'regularised multiclass hinge objective lambda/2 sum ||W_r||^2 + (1/n) sum loss over the rows; variant crammer_singer or weston_watkins@X_NOTE@';

CREATE FUNCTION multiclass_hinge_objective_transfn(float8[], float8[], @X@, int, float8, text, float8[])
RETURNS float8[]
AS 'MODULE_PATHNAME', 'multiclass_hinge_objective_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION multiclass_hinge_objective_transfn(float8[], float8[], @X@, int, float8, text, float8[]) IS
'transition function of multiclass_hinge_objective@X_NOTE@';

CREATE AGGREGATE multiclass_hinge_objective(w float8[], x @X@, label int, lambda float8, variant text, class_weights float8[]) (
    SFUNC = @extschema@.multiclass_hinge_objective_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.multiclass_hinge_combinefn,
    FINALFUNC = @extschema@.multiclass_hinge_objective_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE multiclass_hinge_objective(float8[], @X@, int, float8, text, float8[]) IS
'class-weighted multiclass hinge objective: the loss of each row scaled by the weight of its class (class_weights: one per row of W, in order)@X_NOTE@';

CREATE FUNCTION multiclass_hinge_subgradient_transfn(float8[], float8[], @X@, int, float8, text)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'multiclass_hinge_subgradient_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION multiclass_hinge_subgradient_transfn(float8[], float8[], @X@, int, float8, text) IS
'transition function of multiclass_hinge_subgradient@X_NOTE@';

CREATE AGGREGATE multiclass_hinge_subgradient(w float8[], x @X@, label int, lambda float8, variant text) (
    SFUNC = @extschema@.multiclass_hinge_subgradient_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.multiclass_hinge_combinefn,
    FINALFUNC = @extschema@.multiclass_hinge_subgradient_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE multiclass_hinge_subgradient(float8[], @X@, int, float8, text) IS
'subgradient of multiclass_hinge_objective at W, a matrix shaped like W@X_NOTE@';

CREATE FUNCTION multiclass_hinge_subgradient_transfn(float8[], float8[], @X@, int, float8, text, float8[])
RETURNS float8[]
AS 'MODULE_PATHNAME', 'multiclass_hinge_subgradient_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION multiclass_hinge_subgradient_transfn(float8[], float8[], @X@, int, float8, text, float8[]) IS
'transition function of multiclass_hinge_subgradient@X_NOTE@';

CREATE AGGREGATE multiclass_hinge_subgradient(w float8[], x @X@, label int, lambda float8, variant text, class_weights float8[]) (
    SFUNC = @extschema@.multiclass_hinge_subgradient_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.multiclass_hinge_combinefn,
    FINALFUNC = @extschema@.multiclass_hinge_subgradient_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE multiclass_hinge_subgradient(float8[], @X@, int, float8, text, float8[]) IS
'subgradient of the class-weighted multiclass hinge objective at W@X_NOTE@';

CREATE AGGREGATE multiclass_hinge_cutting_plane(w float8[], x @X@, label int, lambda float8,
                                               variant text, class_weights float8[]) (
    SFUNC = @extschema@.multiclass_hinge_subgradient_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.multiclass_hinge_combinefn,
    FINALFUNC = @extschema@.multiclass_hinge_cutting_plane_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE multiclass_hinge_cutting_plane(float8[], @X@, int, float8, text, float8[]) IS
'multiclass objective and subgradient at W in one flat array [P(W), subgradient (row-major)...]: a cutting plane@X_NOTE@';

CREATE FUNCTION multiclass_hinge_line_objective_transfn(float8[], float8[], @X@, int, float8, text, float8[])
RETURNS float8[]
AS 'MODULE_PATHNAME', 'multiclass_hinge_line_objective_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION multiclass_hinge_line_objective_transfn(float8[], float8[], @X@, int, float8, text, float8[]) IS
'transition function of multiclass_hinge_line_objective@X_NOTE@';

CREATE AGGREGATE multiclass_hinge_line_objective(line float8[], x @X@, label int, lambda float8, variant text, class_weights float8[]) (
    SFUNC = @extschema@.multiclass_hinge_line_objective_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.multiclass_hinge_combinefn,
    FINALFUNC = @extschema@.multiclass_hinge_line_objective_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE multiclass_hinge_line_objective(float8[], @X@, int, float8, text, float8[]) IS
'the multiclass objective at 32 points W_from + alpha (W_to - W_from) of a line given as W_from stacked on W_to (2k rows): a 2 x 32 array of alphas and objectives@X_NOTE@';

CREATE FUNCTION one_vs_rest_cutting_planes_transfn(float8[], float8[], @X@, int, float8, float8[])
RETURNS float8[]
AS 'MODULE_PATHNAME', 'one_vs_rest_cutting_planes_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION one_vs_rest_cutting_planes_transfn(float8[], float8[], @X@, int, float8, float8[]) IS
'transition function of one_vs_rest_cutting_planes@X_NOTE@';

CREATE AGGREGATE one_vs_rest_cutting_planes(w float8[], x @X@, label int, lambda float8, class_weights float8[]) (
    SFUNC = @extschema@.one_vs_rest_cutting_planes_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.multiclass_hinge_combinefn,
    FINALFUNC = @extschema@.one_vs_rest_cutting_planes_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE one_vs_rest_cutting_planes(float8[], @X@, int, float8, float8[]) IS
'the k one-vs-rest hinge problems (class r against the rest) at once: a k x (1 + cols) array of rows [objective, subgradient...], one scan@X_NOTE@';

CREATE FUNCTION one_vs_rest_line_objective_transfn(float8[], float8[], @X@, int, float8, float8[])
RETURNS float8[]
AS 'MODULE_PATHNAME', 'one_vs_rest_line_objective_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION one_vs_rest_line_objective_transfn(float8[], float8[], @X@, int, float8, float8[]) IS
'transition function of one_vs_rest_line_objective@X_NOTE@';

CREATE AGGREGATE one_vs_rest_line_objective(line float8[], x @X@, label int, lambda float8, class_weights float8[]) (
    SFUNC = @extschema@.one_vs_rest_line_objective_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.multiclass_hinge_combinefn,
    FINALFUNC = @extschema@.one_vs_rest_line_objective_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE one_vs_rest_line_objective(float8[], @X@, int, float8, float8[]) IS
'the k one-vs-rest objectives at 32 points of their lines (W_from stacked on W_to): a (k + 1) x 32 array, alphas first@X_NOTE@';

-- @end each
