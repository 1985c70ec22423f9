/*
 * Aggregates for cross-validation: every fold's model advanced by one scan.
 * A row with fold f (1..F) is a training row of the other folds' models
 * and a held-out row of fold f's.  The weights stack the folds' (F rows of
 * weights, or F k rows of k x cols matrices; a line stacks every fold's
 * start, then every fold's end); class_weights is an F x k matrix, each
 * fold's weight of each class in class order (binary: negative, positive).
 * States are float8[] holding one training aggregate's state per fold, with
 * a combine function.
 */

-- @since 1.2
CREATE FUNCTION hinge_cv_combinefn(float8[], float8[])
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_cv_combinefn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_cv_combinefn(float8[], float8[]) IS
'combine function of the cross-validation aggregates: merges two partial states';

CREATE FUNCTION hinge_cv_cutting_planes_finalfn(float8[])
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_cv_cutting_planes_finalfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_cv_cutting_planes_finalfn(float8[]) IS
'final function of the *_cv_cutting_planes aggregates: every problem''s [objective, subgradient...], then per fold its training rows, held-out rows, held-out loss and per class held-out rows, right predictions and predictions';

CREATE FUNCTION hinge_cv_line_objective_finalfn(float8[])
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_cv_line_objective_finalfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_cv_line_objective_finalfn(float8[]) IS
'final function of the *_cv_line_objective aggregates: the alphas, then every problem''s objective at each';

CREATE FUNCTION hinge_cv_line_planes_finalfn(float8[])
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_cv_line_planes_finalfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_cv_line_planes_finalfn(float8[]) IS
'final function of hinge_cv_line_planes: per fold, 32 rows [alpha, objective, subgradient...]';
-- @end since

-- @each X float8[]@1.2 | real[]@1.2 | hinge_sparse@1.2

CREATE FUNCTION hinge_cv_cutting_planes_transfn(float8[], float8[], @X@, float8, int, float8, text, float8, float8[])
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_cv_cutting_planes_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_cv_cutting_planes_transfn(float8[], float8[], @X@, float8, int, float8, text, float8, float8[]) IS
'transition function of hinge_cv_cutting_planes@X_NOTE@';

CREATE AGGREGATE hinge_cv_cutting_planes(w float8[], x @X@, y float8, fold int, lambda float8,
                                        loss text, gamma float8, class_weights float8[]) (
    SFUNC = @extschema@.hinge_cv_cutting_planes_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.hinge_cv_combinefn,
    FINALFUNC = @extschema@.hinge_cv_cutting_planes_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE hinge_cv_cutting_planes(float8[], @X@, float8, int, float8, text, float8, float8[]) IS
'cross-validation, binary: each fold''s cutting plane [P, g...] at its row of w over the rows of the other folds, in one scan, then what each fold''s model does on its own rows@X_NOTE@';

CREATE FUNCTION hinge_cv_line_objective_transfn(float8[], float8[], @X@, float8, int, float8, text, float8, float8[])
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_cv_line_objective_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_cv_line_objective_transfn(float8[], float8[], @X@, float8, int, float8, text, float8, float8[]) IS
'transition function of hinge_cv_line_objective@X_NOTE@';

CREATE AGGREGATE hinge_cv_line_objective(line float8[], x @X@, y float8, fold int, lambda float8,
                                        loss text, gamma float8, class_weights float8[]) (
    SFUNC = @extschema@.hinge_cv_line_objective_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.hinge_cv_combinefn,
    FINALFUNC = @extschema@.hinge_cv_line_objective_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE hinge_cv_line_objective(float8[], @X@, float8, int, float8, text, float8, float8[]) IS
'cross-validation, binary: each fold''s objective over the rows of the other folds at 32 points of its line (every fold''s start, then every fold''s end): an (F + 1) x 32 array, alphas first@X_NOTE@';

CREATE FUNCTION hinge_cv_line_planes_transfn(float8[], float8[], @X@, float8, int, float8, text, float8, float8[])
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_cv_line_planes_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_cv_line_planes_transfn(float8[], float8[], @X@, float8, int, float8, text, float8, float8[]) IS
'transition function of hinge_cv_line_planes@X_NOTE@';

CREATE AGGREGATE hinge_cv_line_planes(line float8[], x @X@, y float8, fold int, lambda float8,
                                     loss text, gamma float8, class_weights float8[]) (
    SFUNC = @extschema@.hinge_cv_line_planes_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.hinge_cv_combinefn,
    FINALFUNC = @extschema@.hinge_cv_line_planes_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE hinge_cv_line_planes(float8[], @X@, float8, int, float8, text, float8, float8[]) IS
'cross-validation, hinge loss only: each fold''s objective and subgradient over the rows of the other folds at 32 points of its line: (F x 32) rows [alpha, P, g...]@X_NOTE@';

CREATE FUNCTION multiclass_cv_cutting_planes_transfn(float8[], float8[], @X@, int, int, float8, text, float8[])
RETURNS float8[]
AS 'MODULE_PATHNAME', 'multiclass_cv_cutting_planes_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION multiclass_cv_cutting_planes_transfn(float8[], float8[], @X@, int, int, float8, text, float8[]) IS
'transition function of multiclass_cv_cutting_planes@X_NOTE@';

CREATE AGGREGATE multiclass_cv_cutting_planes(w float8[], x @X@, label int, fold int, lambda float8,
                                             variant text, class_weights float8[]) (
    SFUNC = @extschema@.multiclass_cv_cutting_planes_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.hinge_cv_combinefn,
    FINALFUNC = @extschema@.hinge_cv_cutting_planes_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE multiclass_cv_cutting_planes(float8[], @X@, int, int, float8, text, float8[]) IS
'cross-validation, Crammer-Singer or Weston-Watkins: each fold''s cutting plane [P, g (row-major)...] at its k rows of w over the rows of the other folds, then what each fold''s model does on its own rows@X_NOTE@';

CREATE FUNCTION multiclass_cv_line_objective_transfn(float8[], float8[], @X@, int, int, float8, text, float8[])
RETURNS float8[]
AS 'MODULE_PATHNAME', 'multiclass_cv_line_objective_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION multiclass_cv_line_objective_transfn(float8[], float8[], @X@, int, int, float8, text, float8[]) IS
'transition function of multiclass_cv_line_objective@X_NOTE@';

CREATE AGGREGATE multiclass_cv_line_objective(line float8[], x @X@, label int, fold int, lambda float8,
                                             variant text, class_weights float8[]) (
    SFUNC = @extschema@.multiclass_cv_line_objective_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.hinge_cv_combinefn,
    FINALFUNC = @extschema@.hinge_cv_line_objective_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE multiclass_cv_line_objective(float8[], @X@, int, int, float8, text, float8[]) IS
'cross-validation, Crammer-Singer or Weston-Watkins: each fold''s objective over the rows of the other folds at 32 points of its line: an (F + 1) x 32 array, alphas first@X_NOTE@';

CREATE FUNCTION one_vs_rest_cv_cutting_planes_transfn(float8[], float8[], @X@, int, int, float8, float8[])
RETURNS float8[]
AS 'MODULE_PATHNAME', 'one_vs_rest_cv_cutting_planes_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION one_vs_rest_cv_cutting_planes_transfn(float8[], float8[], @X@, int, int, float8, float8[]) IS
'transition function of one_vs_rest_cv_cutting_planes@X_NOTE@';

CREATE AGGREGATE one_vs_rest_cv_cutting_planes(w float8[], x @X@, label int, fold int, lambda float8,
                                              class_weights float8[]) (
    SFUNC = @extschema@.one_vs_rest_cv_cutting_planes_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.hinge_cv_combinefn,
    FINALFUNC = @extschema@.hinge_cv_cutting_planes_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE one_vs_rest_cv_cutting_planes(float8[], @X@, int, int, float8, float8[]) IS
'cross-validation, one-vs-rest: the F k problems'' cutting planes [P, g...] (fold by fold, class by class) over the rows of the other folds, then what each fold''s models do on its own rows@X_NOTE@';

CREATE FUNCTION one_vs_rest_cv_line_objective_transfn(float8[], float8[], @X@, int, int, float8, float8[])
RETURNS float8[]
AS 'MODULE_PATHNAME', 'one_vs_rest_cv_line_objective_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION one_vs_rest_cv_line_objective_transfn(float8[], float8[], @X@, int, int, float8, float8[]) IS
'transition function of one_vs_rest_cv_line_objective@X_NOTE@';

CREATE AGGREGATE one_vs_rest_cv_line_objective(line float8[], x @X@, label int, fold int, lambda float8,
                                              class_weights float8[]) (
    SFUNC = @extschema@.one_vs_rest_cv_line_objective_transfn,
    STYPE = float8[],
    INITCOND = '{}',
    COMBINEFUNC = @extschema@.hinge_cv_combinefn,
    FINALFUNC = @extschema@.hinge_cv_line_objective_finalfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE one_vs_rest_cv_line_objective(float8[], @X@, int, int, float8, float8[]) IS
'cross-validation, one-vs-rest: the F k problems'' objectives over the rows of the other folds at 32 points of their lines: an (F k + 1) x 32 array, alphas first@X_NOTE@';

-- @end each
