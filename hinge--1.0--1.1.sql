/* hinge--1.0--1.1.sql: models have owners */

\echo Use "ALTER EXTENSION hinge UPDATE TO '1.1'" to load this file. \quit

/*
 * In 1.0 any role that could write hinge_model could replace anyone's model.
 * From 1.1 each model row has an owner, and only its owner, roles that are
 * members of the owner, and members of the extension's owner may change or
 * delete it.  Everyone granted SELECT reads every model, since scoring a
 * shared model is the point.
 *
 * A trigger enforces this, not row-level security: pg_dump reads tables with
 * row security off and refuses a table whose rows a policy would filter, so
 * under RLS a database owner who installed this trusted extension (the
 * table then belongs to the bootstrap superuser) could not dump their own
 * database.  The trigger also says why a change is refused, where a policy
 * would silently skip the row.
 *
 * Models that exist when the extension is updated belong to the extension's
 * owner (not to CURRENT_USER here, which for a trusted extension is the
 * bootstrap superuser).
 */
ALTER TABLE @extschema@.hinge_model
    ADD COLUMN owner name NOT NULL DEFAULT CURRENT_USER;
UPDATE @extschema@.hinge_model
SET owner = (SELECT r.rolname FROM pg_catalog.pg_extension AS e
             JOIN pg_catalog.pg_roles AS r ON r.oid OPERATOR(pg_catalog.=) e.extowner
             WHERE e.extname OPERATOR(pg_catalog.=) 'hinge');

COMMENT ON COLUMN @extschema@.hinge_model.owner IS
'the role that trained the model: only it, roles that are members of it, and the extension''s owner may replace, calibrate, update or delete the model';

/*
 * The owner is matched by name through pg_roles, so a model whose owner role
 * was dropped (or renamed) is left to the extension's owner instead of
 * making every change fail.
 */
CREATE FUNCTION hinge_model_writable(owner name)
RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT EXISTS (SELECT FROM pg_catalog.pg_roles AS r
                   WHERE r.rolname = owner
                     AND pg_catalog.pg_has_role(r.oid, 'MEMBER'))
        OR pg_catalog.pg_has_role((SELECT e.extowner FROM pg_catalog.pg_extension AS e
                                   WHERE e.extname = 'hinge'), 'MEMBER')
$$;

COMMENT ON FUNCTION hinge_model_writable(name) IS
'true when the current role may change a model owned by owner: it is that role, a member of it, or a member of the extension''s owner';

CREATE FUNCTION hinge_model_guard()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    -- (a role's own model, the common case, skips the catalog lookups)
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.owner <> current_user
       AND NOT @extschema@.hinge_model_writable(OLD.owner) THEN
        RAISE EXCEPTION 'model "%" belongs to role %, so % may not change it',
            OLD.name, quote_ident(OLD.owner), quote_ident(current_user)
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Only the model''s owner, members of that role and the extension''s owner may replace, calibrate, update or delete a model; train one of your own under another name.';
    END IF;
    IF (TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.owner IS DISTINCT FROM OLD.owner))
       AND NEW.owner <> current_user AND NOT @extschema@.hinge_model_writable(NEW.owner) THEN
        RAISE EXCEPTION 'role % may not make role % the owner of model "%"',
            quote_ident(current_user), quote_ident(NEW.owner), NEW.name
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'A model may be given only to a role one is a member of.';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;

COMMENT ON FUNCTION hinge_model_guard() IS
'BEFORE INSERT, UPDATE or DELETE trigger of hinge_model: only a model''s owner, its members and the extension''s owner may change or delete it, or give it to another role';

CREATE TRIGGER hinge_model_guard
    BEFORE INSERT OR UPDATE OR DELETE ON @extschema@.hinge_model
    FOR EACH ROW EXECUTE FUNCTION @extschema@.hinge_model_guard();

COMMENT ON TABLE @extschema@.hinge_model IS
'trained hinge models: weights (intercept last; one row per class for multiclass), classes (negative, positive; or every class), training parameters and statistics, and the owner who may change them';

/*
 * The online-learning trigger: its wrong-argument-count error gets an
 * SQLSTATE of its own (1.0 raised P0001); the guard above refuses updates
 * of another role's model.
 */
CREATE OR REPLACE FUNCTION @extschema@.hinge_learn_trigger()
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
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'EXECUTE FUNCTION hinge_learn_trigger(''model'', ''features_column'', ''label_column'')';
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
