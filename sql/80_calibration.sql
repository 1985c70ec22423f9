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
