/* hinge--1.0--1.1.sql: models have owners */

\echo Use "ALTER EXTENSION hinge UPDATE TO '1.1'" to load this file. \quit

/*
 * In 1.0 any role that could write hinge_model could replace anyone's model.
 * From 1.1 each model row has an owner, and row-level security lets a role
 * change or delete only the models it owns (or owned by a role it is a member
 * of); the extension's owner administers all of them.  Everyone granted
 * SELECT reads every model, since scoring a shared model is the point.
 *
 * Models that exist when the extension is updated belong to the role that
 * runs ALTER EXTENSION ... UPDATE.
 */
ALTER TABLE @extschema@.hinge_model
    ADD COLUMN owner name NOT NULL DEFAULT CURRENT_USER;

COMMENT ON COLUMN @extschema@.hinge_model.owner IS
'the role that trained the model: only it, roles that are members of it, and the extension''s owner may replace, calibrate, update or delete the model';

/*
 * The check behind the write policies.  The owner is matched by name through
 * pg_roles, so a model whose owner role was dropped (or renamed) is left to
 * the extension's owner instead of making every write fail.
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
'true when the current role may change a model owned by owner: it is that role, a member of it, or a member of the extension''s owner (the policies of hinge_model use it)';

ALTER TABLE @extschema@.hinge_model ENABLE ROW LEVEL SECURITY;

CREATE POLICY hinge_model_read ON @extschema@.hinge_model
    FOR SELECT USING (true);
CREATE POLICY hinge_model_insert ON @extschema@.hinge_model
    FOR INSERT WITH CHECK (@extschema@.hinge_model_writable(owner));
CREATE POLICY hinge_model_update ON @extschema@.hinge_model
    FOR UPDATE USING (@extschema@.hinge_model_writable(owner))
    WITH CHECK (@extschema@.hinge_model_writable(owner));
CREATE POLICY hinge_model_delete ON @extschema@.hinge_model
    FOR DELETE USING (@extschema@.hinge_model_writable(owner));

COMMENT ON TABLE @extschema@.hinge_model IS
'trained hinge models: weights (intercept last; one row per class for multiclass), classes (negative, positive; or every class), training parameters and statistics, and the owner who may change them (row-level security)';

/*
 * The online-learning trigger locks the model row FOR NO KEY UPDATE (training
 * holds a KEY SHARE lock on the row it will replace, which this does not wait
 * for), and says so when the model exists but belongs to another role.
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
    SELECT * INTO m FROM @extschema@.hinge_model WHERE name = TG_ARGV[0] FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        SELECT * INTO m FROM @extschema@.hinge_model WHERE name = TG_ARGV[0];
        IF FOUND THEN
            RAISE EXCEPTION 'model "%" belongs to role %, so % may not update it', TG_ARGV[0],
                quote_ident(m.owner), quote_ident(current_user::text)
                USING ERRCODE = 'insufficient_privilege',
                      HINT = 'Only the model''s owner, members of that role and the extension''s owner may change a model; train one of your own under another name.';
        END IF;
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
