-- Who may do what with models, and what a caller's search_path cannot change.
-- Privileges on hinge_model say who may read and write models at all; its
-- owner column and a trigger (from 1.1) let a role change only its models.
SET client_min_messages = warning;
CREATE ROLE regress_hinge_alice;
CREATE ROLE regress_hinge_bob;
CREATE ROLE regress_hinge_team;
CREATE ROLE regress_hinge_nobody;
GRANT regress_hinge_team TO regress_hinge_bob;
GRANT SELECT, INSERT, UPDATE, DELETE ON hinge_model TO regress_hinge_alice, regress_hinge_bob;
CREATE TABLE shared_rows AS
SELECT i AS id, ARRAY[sin(i), cos(i * 1.3)]::float8[] AS x,
       sin(i) + 0.5 * cos(i * 1.3) > 0.2 AS label
FROM generate_series(1, 500) AS i;
CREATE TABLE alice_rows AS SELECT * FROM shared_rows;
GRANT SELECT ON shared_rows TO regress_hinge_alice, regress_hinge_bob, regress_hinge_nobody;
GRANT SELECT ON alice_rows TO regress_hinge_alice;

-- 1. A model belongs to the role that trained it
SET ROLE regress_hinge_alice;
SELECT name, owner FROM hinge_train('alice_model', 'alice_rows', 'x', 'label');
SELECT name, owner FROM hinge_calibrate('alice_model', 'alice_rows', 'x', 'label');
RESET ROLE;
CREATE TABLE alice_before AS SELECT * FROM hinge_model WHERE name = 'alice_model';

-- 2. Another role with rights on the table reads and scores it ...
SET ROLE regress_hinge_bob;
SELECT count(*) AS rows_scored,
       count(*) FILTER (WHERE hinge_predict('alice_model', x)::boolean = label) > 400 AS mostly_right
FROM shared_rows;
SELECT n FROM hinge_evaluate('alice_model', 'shared_rows', 'x', 'label');
-- ... but cannot replace, calibrate, update or delete it, nor forge one for her
SELECT hinge_train('alice_model', 'shared_rows', 'x', 'label');
SELECT hinge_calibrate('alice_model', 'shared_rows', 'x', 'label');
UPDATE hinge_model SET weights = '{0,0,0}' WHERE name = 'alice_model';
DELETE FROM hinge_model WHERE name = 'alice_model';
UPDATE hinge_model SET owner = 'regress_hinge_bob' WHERE name = 'alice_model';
INSERT INTO hinge_model (name, relation, features, feature_type, n_features, label, classes,
                         weights, intercept, lambda, loss, gamma, class_weights, passes,
                         objective, lower_bound, converged, rows_used, rows_skipped,
                         train_seconds, owner)
VALUES ('forged', 'r', '{x}', 'float8[]', 1, 'y', '{a,b}', '{1,0}', true, 1, 'hinge', 1,
        '{1,1}', 1, 0, 0, true, 1, 0, 0, 'regress_hinge_alice');
-- nor learn into it from rows he inserts
RESET ROLE;
CREATE TABLE bob_stream (x float8[], label boolean);
CREATE TRIGGER learn AFTER INSERT ON bob_stream
    FOR EACH ROW EXECUTE FUNCTION hinge_learn_trigger('alice_model', 'x', 'label');
GRANT INSERT ON bob_stream TO regress_hinge_bob;
SET ROLE regress_hinge_bob;
INSERT INTO bob_stream VALUES ('{1,1}', true);
-- and cannot train on, or evaluate on, a table he may not read
SELECT hinge_train('bob_model', 'alice_rows', 'x', 'label');
SELECT hinge_evaluate('alice_model', 'alice_rows', 'x', 'label');
RESET ROLE;
SELECT m IS NOT DISTINCT FROM b AS alice_model_unchanged
FROM hinge_model AS m, alice_before AS b WHERE m.name = 'alice_model';

-- 3. A role's own models are its to change; given to a group role, they
-- are its members' to change, and cannot be given to a role one is not in
SET ROLE regress_hinge_bob;
SELECT name, owner FROM hinge_train('bob_model', 'shared_rows', 'x', 'label');
UPDATE hinge_model SET owner = 'regress_hinge_team' WHERE name = 'bob_model';
SELECT name, owner, passes > 0 AS trained FROM hinge_train('bob_model', 'shared_rows', 'x', 'label', lambda => 0.01);
UPDATE hinge_model SET owner = 'regress_hinge_alice' WHERE name = 'bob_model';
DELETE FROM hinge_model WHERE name = 'bob_model';
SELECT count(*) AS bob_models FROM hinge_model WHERE name = 'bob_model';
RESET ROLE;

-- 4. A role without rights on hinge_model reads no model through hinge
SET ROLE regress_hinge_nobody;
SELECT hinge_score('alice_model', '{1,2}'::float8[]);
SELECT hinge_evaluate('alice_model', 'shared_rows', 'x', 'label');
SELECT hinge_train('nobody_model', 'shared_rows', 'x', 'label');
SELECT count(*) FROM hinge_model;
RESET ROLE;

-- 5. The extension's owner (here the superuser) administers every model;
-- a model whose owner was dropped is left to it, and blocks nobody
SET ROLE regress_hinge_alice;
SELECT name FROM hinge_train('orphan', 'shared_rows', 'x', 'label');
RESET ROLE;
REASSIGN OWNED BY regress_hinge_alice TO CURRENT_USER;
DROP OWNED BY regress_hinge_alice;
DROP ROLE regress_hinge_alice;
SET ROLE regress_hinge_bob;
SELECT hinge_train('orphan', 'shared_rows', 'x', 'label');
UPDATE hinge_model SET weights = weights WHERE name = 'orphan';
RESET ROLE;
SELECT name, owner, passes > 0 AS trained
FROM hinge_train('orphan', 'shared_rows', 'x', 'label', lambda => 0.1);
DELETE FROM hinge_model WHERE name IN ('alice_model', 'orphan');

-- 6. search_path: functions and operators in a schema the caller puts first
-- are never called by hinge (its queries name pg_catalog and its own schema)
CREATE SCHEMA trap;
CREATE FUNCTION trap.sprung(text) RETURNS boolean LANGUAGE plpgsql AS
$$ BEGIN RAISE EXCEPTION 'search_path trap sprung: %', $1; END $$;
CREATE FUNCTION trap.eq_int(int, int) RETURNS boolean LANGUAGE sql AS $$ SELECT trap.sprung('int =') $$;
CREATE FUNCTION trap.eq_text(text, text) RETURNS boolean LANGUAGE sql AS $$ SELECT trap.sprung('text =') $$;
CREATE FUNCTION trap.eq_bool(boolean, boolean) RETURNS boolean LANGUAGE sql AS $$ SELECT trap.sprung('boolean =') $$;
CREATE FUNCTION trap.ne_text(text, text) RETURNS boolean LANGUAGE sql AS $$ SELECT trap.sprung('text <>') $$;
CREATE FUNCTION trap.cmp_float8_int(float8, int) RETURNS boolean LANGUAGE sql AS $$ SELECT trap.sprung('float8 comparison') $$;
CREATE FUNCTION trap.get_text(jsonb, text) RETURNS text LANGUAGE sql AS $$ SELECT NULL::text WHERE trap.sprung('jsonb ->>') $$;
CREATE OPERATOR trap.> (LEFTARG = float8, RIGHTARG = int, FUNCTION = trap.cmp_float8_int);
CREATE OPERATOR trap.< (LEFTARG = float8, RIGHTARG = int, FUNCTION = trap.cmp_float8_int);
CREATE OPERATOR trap.<= (LEFTARG = float8, RIGHTARG = int, FUNCTION = trap.cmp_float8_int);
CREATE OPERATOR trap.->> (LEFTARG = jsonb, RIGHTARG = text, FUNCTION = trap.get_text);
CREATE OPERATOR trap.= (LEFTARG = int, RIGHTARG = int, FUNCTION = trap.eq_int);
CREATE OPERATOR trap.= (LEFTARG = text, RIGHTARG = text, FUNCTION = trap.eq_text);
CREATE OPERATOR trap.= (LEFTARG = boolean, RIGHTARG = boolean, FUNCTION = trap.eq_bool);
CREATE OPERATOR trap.<> (LEFTARG = text, RIGHTARG = text, FUNCTION = trap.ne_text);
CREATE FUNCTION trap.now() RETURNS timestamptz LANGUAGE sql AS $$ SELECT NULL::timestamptz WHERE trap.sprung('now()') $$;
CREATE FUNCTION trap.count(anyelement) RETURNS bigint LANGUAGE sql AS $$ SELECT 0::bigint WHERE trap.sprung('count()') $$;
CREATE FUNCTION trap.cardinality(anyarray) RETURNS int LANGUAGE sql AS $$ SELECT 0 WHERE trap.sprung('cardinality()') $$;
CREATE FUNCTION trap.to_jsonb(anyelement) RETURNS jsonb LANGUAGE sql AS $$ SELECT NULL::jsonb WHERE trap.sprung('to_jsonb()') $$;
CREATE FUNCTION trap.hinge_score(float8[], float8[]) RETURNS float8 LANGUAGE sql AS $$ SELECT 0::float8 WHERE trap.sprung('hinge_score()') $$;
CREATE FUNCTION trap.hinge_platt(float8, float8, float8, float8) RETURNS float8[] LANGUAGE sql AS $$ SELECT NULL::float8[] WHERE trap.sprung('hinge_platt()') $$;
CREATE TABLE trap.hinge_model (name text);
CREATE TABLE trapped_rows AS
SELECT id, x, label, (id % 3) + 1 AS kind, x[1]::float8 AS a, x[2]::real AS b FROM shared_rows;
SET search_path = trap, public, pg_catalog;
SELECT name, rows_used FROM public.hinge_train('trapped', 'public.trapped_rows', 'x', 'label');
SELECT name, rows_used FROM public.hinge_train('trapped_cols', 'public.trapped_rows', ARRAY['a', 'b'], 'kind');
SELECT name, rows_used FROM public.hinge_train('trapped_weighted', 'public.trapped_rows', 'x', 'label',
                                               class_weight => '{"t": 2, "f": 1}');
SELECT name, rows_used FROM public.hinge_train('trapped_ovr', 'public.trapped_rows', 'x', 'kind', multiclass => 'one_vs_rest');
SELECT n FROM public.hinge_evaluate('trapped', 'public.trapped_rows', 'x', 'label');
SELECT n FROM public.hinge_evaluate('trapped_cols', 'public.trapped_rows', ARRAY['a', 'b'], 'kind');
SELECT name FROM public.hinge_calibrate('trapped', 'public.trapped_rows', 'x', 'label');
SELECT pg_catalog.count(*) AS scored FROM public.trapped_rows
WHERE public.hinge_score('trapped', x) OPERATOR(pg_catalog.<>) 0
  AND public.hinge_probability('trapped', x) OPERATOR(pg_catalog.>) 0;
CREATE TABLE public.trapped_stream (x float8[], label boolean, score float8);
CREATE TRIGGER score BEFORE INSERT ON public.trapped_stream
    FOR EACH ROW EXECUTE FUNCTION public.hinge_score_trigger('trapped', 'x', 'score');
CREATE TRIGGER learn AFTER INSERT ON public.trapped_stream
    FOR EACH ROW EXECUTE FUNCTION public.hinge_learn_trigger('trapped', 'x', 'label');
INSERT INTO public.trapped_stream (x, label) VALUES ('{0.5,0.5}', true);
SELECT score IS NOT NULL AS scored FROM public.trapped_stream;
RESET search_path;
SELECT online_updates FROM hinge_model WHERE name = 'trapped';

DELETE FROM hinge_model WHERE name LIKE 'trapped%';
DROP SCHEMA trap CASCADE;
DROP TABLE shared_rows, alice_before, trapped_rows, trapped_stream, bob_stream;
REVOKE ALL ON hinge_model FROM regress_hinge_bob;
DROP ROLE regress_hinge_bob, regress_hinge_team, regress_hinge_nobody;
