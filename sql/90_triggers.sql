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

-- @since 1.2
CREATE FUNCTION hinge_pegasos_step(w float8[], x hinge_sparse, y float8, lambda float8, t float8)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'hinge_pegasos_step'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_pegasos_step(float8[], hinge_sparse, float8, float8, float8) IS
'one Pegasos step from row (x, y): (1 - 1/t) w, plus y (x, 1) / (lambda t) when y w.x < 1 (hinge_sparse features: only the non-zeros are added)';

CREATE FUNCTION hinge_class_text(label anyelement)
RETURNS text
AS 'MODULE_PATHNAME', 'hinge_class_text'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION hinge_class_text(anyelement) IS
'a label value as a model stores its classes: its text in canonical settings (ISO dates, UTC, shortest exact numbers), whatever the session''s DateStyle, TimeZone or extra_float_digits';

/* from 1.2 in C: it calls no function that resolves by name at run time */
CREATE OR REPLACE FUNCTION hinge_learn_trigger()
RETURNS trigger
AS 'MODULE_PATHNAME', 'hinge_learn_trigger'
LANGUAGE C;
-- @end since

COMMENT ON FUNCTION hinge_learn_trigger() IS
'AFTER INSERT OR UPDATE row trigger: hinge_learn_trigger(model, features column, label column) updates a binary model with one Pegasos step from each labelled row (row lock on the model: concurrent inserts serialise, no update is lost)';
