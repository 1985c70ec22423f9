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
    online_updates bigint NOT NULL DEFAULT 0,
    owner name NOT NULL DEFAULT CURRENT_USER,
    encoding jsonb
);

-- @upgrade 1.2
ALTER TABLE @extschema@.hinge_model ADD COLUMN encoding jsonb;
-- @end upgrade

SELECT pg_catalog.pg_extension_config_dump('@extschema@.hinge_model', '');

COMMENT ON TABLE hinge_model IS
'trained hinge models: weights (intercept last; one row per class for multiclass), classes (negative, positive; or every class), training parameters and statistics, and the owner who may change them';

COMMENT ON COLUMN hinge_model.encoding IS
'how the model turns the columns of a row into its features: its inputs (numbers and the values imputed for NULLs, categories, arrays, index/value pairs, text terms with their weighting and document frequencies) and the scaling folded into its weights; NULL for models trained before 1.2, whose features are the array or the list of numeric columns they name';

COMMENT ON COLUMN hinge_model.owner IS
'the role that trained the model: only it, roles that are members of it, and the extension''s owner may replace, calibrate, update or delete the model';

-- @since 1.2
/*
 * A trusted extension's script runs as the bootstrap superuser, who then
 * owns the table.  The role that created the extension, and the database's
 * owner, may use it and grant it on: without the grant option the README's
 * GRANTs would work for superusers only, and a dump restored by the
 * database owner would lose the grants to other roles.  Restored by a
 * superuser, the extension is theirs, and the database owner keeps access.
 */
GRANT SELECT, INSERT, UPDATE, DELETE ON @extschema@.hinge_model TO @extowner@ WITH GRANT OPTION;

DO $$
BEGIN
    EXECUTE pg_catalog.format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO %I WITH GRANT OPTION',
                              '@extschema@.hinge_model'::pg_catalog.regclass,
                              (SELECT r.rolname FROM pg_catalog.pg_database AS d
                               JOIN pg_catalog.pg_roles AS r ON r.oid OPERATOR(pg_catalog.=) d.datdba
                               WHERE d.datname OPERATOR(pg_catalog.=) pg_catalog.current_database()));
END
$$;
-- @end since

/*
 * Each model row has an owner: only its owner, roles that are members of
 * the owner, and members of the extension's owner may change or delete it.
 * Everyone granted SELECT reads every model, since scoring a shared model is
 * the point.  A trigger enforces this, not row-level security: pg_dump reads
 * tables with row security off and refuses a table whose rows a policy
 * would filter.  The owner is matched by name through pg_roles, so a model
 * whose owner role was dropped is left to the extension's owner.
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

-- @since 1.2
/*
 * Backends keep the models they score with (src/model_cache.c) and check
 * the row versions themselves under each snapshot: this trigger, which once
 * told them to look again, does nothing.
 */
CREATE FUNCTION hinge_model_changed()
RETURNS trigger
AS 'MODULE_PATHNAME', 'hinge_model_changed'
LANGUAGE C;

COMMENT ON FUNCTION hinge_model_changed() IS
'AFTER statement trigger of hinge_model: does nothing (backends that cache models check the row versions themselves)';

CREATE TRIGGER hinge_model_changed
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON @extschema@.hinge_model
    FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.hinge_model_changed();
-- @end since
