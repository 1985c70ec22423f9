-- Scoring by name sees the model the statement's snapshot sees: each
-- backend keeps the models it scores with, and checks them against the row
-- version of hinge_model whenever the snapshot is new (model_cache.c).
-- Here in one session: statements, prepared statements, PL/pgSQL loops in
-- one transaction, rollbacks and subtransactions.  (Other sessions: the
-- isolation tests in test/specs.)
SET extra_float_digits = 0;
SET client_min_messages = warning;

CREATE TABLE cached_rows AS
SELECT i, ARRAY[sin(i), cos(i * 1.3)]::float8[] AS x, sin(i) + 0.5 * cos(i * 1.3) > 0.2 AS label
FROM generate_series(1, 200) AS i;
CREATE FUNCTION pg_temp.w(m text) RETURNS float8[] LANGUAGE sql AS
$$ SELECT weights FROM hinge_model WHERE name = m $$;

SELECT name FROM hinge_train('m', 'cached_rows', 'x', 'label', lambda => 0.1);
SELECT hinge_score('m', '{1,1}'::float8[]) = hinge_score(pg_temp.w('m'), '{1,1}'::float8[]) AS scores_the_stored_model;

-- the next statement sees a retrained model
SELECT name FROM hinge_train('m', 'cached_rows', 'x', 'label', lambda => 0.001);
SELECT hinge_score('m', '{1,1}'::float8[]) = hinge_score(pg_temp.w('m'), '{1,1}'::float8[]) AS sees_the_retrained_model;

-- a prepared statement too, planned once, executed after each change
PREPARE by_name(float8[]) AS SELECT hinge_score('m', $1) = hinge_score(pg_temp.w('m'), $1) AS the_stored_model;
EXECUTE by_name('{1,1}');
PREPARE by_name_value(float8[]) AS SELECT hinge_score('m', $1);
UPDATE hinge_model SET weights = '{1,2,3}' WHERE name = 'm';
EXECUTE by_name_value('{1,1}');
UPDATE hinge_model SET weights = '{1,2,0}' WHERE name = 'm';
EXECUTE by_name_value('{1,1}');

-- PL/pgSQL: a loop in one transaction, retraining and deleting between
-- evaluations of the same simple expression
CREATE FUNCTION pg_temp.loop() RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
    s float8;
    lambda float8;
BEGIN
    FOREACH lambda IN ARRAY ARRAY[0.1, 0.01, 0.001] LOOP
        PERFORM hinge_train('m', 'cached_rows', 'x', 'label', lambda => lambda);
        s := hinge_score('m', '{1,1}'::float8[]);
        RETURN NEXT format('lambda %s: %s', lambda,
                           CASE WHEN s = hinge_score(pg_temp.w('m'), '{1,1}'::float8[]) THEN 'the new model' ELSE 'a stale model' END);
    END LOOP;
    UPDATE hinge_model SET weights = '{0,0,7}' WHERE name = 'm';
    s := hinge_score('m', '{1,1}'::float8[]);
    RETURN NEXT format('after an update: %s', s);
    DELETE FROM hinge_model WHERE name = 'm';
    BEGIN
        s := hinge_score('m', '{1,1}'::float8[]);
        RETURN NEXT format('after the delete: %s', s);
    EXCEPTION WHEN undefined_object THEN
        RETURN NEXT 'after the delete: no such model';
    END;
END
$$;
SELECT * FROM pg_temp.loop();
SELECT count(*) AS models_named_m FROM hinge_model WHERE name = 'm';

-- a retraining rolled back is not seen; nor is one in a rolled-back
-- subtransaction, even under the same snapshot
SELECT name FROM hinge_train('m', 'cached_rows', 'x', 'label', lambda => 0.1);
CREATE TABLE kept AS SELECT hinge_score('m', '{1,1}'::float8[]) AS s;
BEGIN;
UPDATE hinge_model SET weights = '{5,5,5}' WHERE name = 'm';
SELECT hinge_score('m', '{1,1}'::float8[]) AS inside;
ROLLBACK;
SELECT hinge_score('m', '{1,1}'::float8[]) = s AS rolled_back FROM kept;
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT hinge_score('m', '{1,1}'::float8[]) = s AS before_savepoint FROM kept;
SAVEPOINT a;
UPDATE hinge_model SET weights = '{5,5,5}' WHERE name = 'm';
SELECT hinge_score('m', '{1,1}'::float8[]) AS inside_savepoint;
ROLLBACK TO a;
SELECT hinge_score('m', '{1,1}'::float8[]) = s AS after_rollback_to_savepoint FROM kept;
COMMIT;

-- one statement scoring every row reads the model once, and scores each
-- row as the stored weights do
SELECT count(*) AS rows, count(*) FILTER (WHERE hinge_score('m', x) = hinge_score(pg_temp.w('m'), x)) AS same
FROM cached_rows;

-- a model dropped and recreated with another shape
DELETE FROM hinge_model WHERE name = 'm';
SELECT name FROM hinge_train('m', 'cached_rows', ARRAY['i'], 'label', lambda => 0.1);
SELECT hinge_score('m', '{1,1}'::float8[]);
SELECT hinge_score('m', '{7}'::float8[]) = hinge_score(pg_temp.w('m'), '{7}'::float8[]) AS the_new_shape;

-- many models and a small cache: the least recently used are dropped and
-- read again when needed, with the same scores
SET hinge.model_cache_size = '1kB';
SELECT count(*) FROM (SELECT hinge_train('m' || k, 'cached_rows', 'x', 'label', lambda => 10.0 ^ -k)
                      FROM generate_series(1, 4) AS k) AS t;
SELECT k, count(*) FILTER (WHERE hinge_score('m' || k, x) = hinge_score(pg_temp.w('m' || k), x)) AS same
FROM cached_rows, generate_series(1, 4) AS k GROUP BY k ORDER BY k;
RESET hinge.model_cache_size;
SHOW hinge.model_cache_size;
-- refused; PostgreSQL 18 writes the range's bounds with their unit
-- ("(0 kB .. 2147483647 kB)"), earlier versions without it
CREATE FUNCTION pg_temp.set_refused(setting text, value text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config(setting, value, false);
    RETURN 'accepted';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ': ' || regexp_replace(SQLERRM, '\(([0-9]+)( kB)? \.\. ([0-9]+)( kB)?\)$', '(\1 .. \3)');
END
$$;
SELECT pg_temp.set_refused('hinge.model_cache_size', '-1');

-- A scan scoring by name checks the model once per statement, not once
-- per row: at most one probe of hinge_model's primary key for 200 rows
-- and two functions (index scans counted in the transaction, not yet
-- reported)
SELECT count(*) FROM hinge_train('m', 'cached_rows', 'x', 'label', lambda => 0.1);
BEGIN;
CREATE TEMP TABLE probes AS SELECT pg_stat_get_xact_numscans('hinge_model_pkey'::regclass) AS before;
SELECT count(*) AS rows, count(*) FILTER (WHERE hinge_predict('m', x) IS NOT NULL AND hinge_score('m', x) IS NOT NULL) AS scored
FROM cached_rows;
SELECT pg_stat_get_xact_numscans('hinge_model_pkey'::regclass) - before <= 1 AS at_most_one_probe FROM probes;
COMMIT;
DROP TABLE probes;

-- The version held is looked at by its ctid: a line pointer that VACUUM
-- freed and another model's row took is not taken for it, nor a block that
-- VACUUM truncated away
SELECT hinge_score('m', '{1,1}'::float8[]) = hinge_score(pg_temp.w('m'), '{1,1}'::float8[]) AS cached;
DELETE FROM hinge_model WHERE name = 'm';
VACUUM hinge_model;
SELECT count(*) FROM (SELECT hinge_train('other' || k, 'cached_rows', 'x', 'label', lambda => 0.1)
                      FROM generate_series(1, 3) AS k) AS t;
SELECT hinge_score('m', '{1,1}'::float8[]);
SELECT k, hinge_score('other' || k, '{1,1}'::float8[]) = hinge_score(pg_temp.w('other' || k), '{1,1}'::float8[]) AS right_model
FROM generate_series(1, 3) AS k ORDER BY k;
DELETE FROM hinge_model;
VACUUM hinge_model;
SELECT pg_relation_size('hinge_model') AS truncated_to;
SELECT hinge_score('other1', '{1,1}'::float8[]);

-- The scoring trigger keeps its plan across statements while nothing it
-- was made from changes: a retraining with other classes, a new type for
-- the output column (varchar(3): every class must fit, and 'spam' does
-- not), a trigger replaced and a model deleted are each seen by the next
-- insert
SELECT count(*) FROM hinge_train('m', 'cached_rows', 'x', 'label', lambda => 0.1);
CREATE TABLE scored_inbox (x float8[], verdict text);
CREATE TRIGGER verdict BEFORE INSERT ON scored_inbox
    FOR EACH ROW EXECUTE FUNCTION hinge_score_trigger('m', 'x', 'verdict', 'label');
INSERT INTO scored_inbox (x) VALUES ('{1,1}');
INSERT INTO scored_inbox (x) VALUES ('{-1,-1}');
CREATE TABLE other_labels AS
SELECT x, CASE WHEN label THEN 'spam' ELSE 'ham' END AS kind FROM cached_rows;
SELECT count(*) FROM hinge_train('m', 'other_labels', 'x', 'kind', lambda => 0.1);
INSERT INTO scored_inbox (x) VALUES ('{1,1}'), ('{-1,-1}');
SELECT x, verdict FROM scored_inbox ORDER BY ctid;
TRUNCATE scored_inbox;
ALTER TABLE scored_inbox ALTER COLUMN verdict TYPE varchar(3);
INSERT INTO scored_inbox (x) VALUES ('{-1,-1}');
INSERT INTO scored_inbox (x) VALUES ('{1,1}');
-- (the same trigger, its arguments replaced: CREATE OR REPLACE TRIGGER from 14)
DO $$
BEGIN
    IF current_setting('server_version_num')::int >= 140000 THEN
        EXECUTE $t$CREATE OR REPLACE TRIGGER verdict BEFORE INSERT ON scored_inbox
            FOR EACH ROW EXECUTE FUNCTION hinge_score_trigger('m', 'x', 'verdict', 'score')$t$;
    ELSE
        DROP TRIGGER verdict ON scored_inbox;
        CREATE TRIGGER verdict BEFORE INSERT ON scored_inbox
            FOR EACH ROW EXECUTE FUNCTION hinge_score_trigger('m', 'x', 'verdict', 'score');
    END IF;
END
$$;
INSERT INTO scored_inbox (x) VALUES ('{1,1}');
TRUNCATE scored_inbox;
ALTER TABLE scored_inbox ALTER COLUMN verdict TYPE float8 USING NULL;
SELECT count(*) FROM hinge_train('m', 'cached_rows', 'x', 'label', lambda => 0.1);
INSERT INTO scored_inbox (x) VALUES ('{1,1}');
SELECT verdict = hinge_score('m', '{1,1}'::float8[]) AS the_score FROM scored_inbox;
DELETE FROM hinge_model WHERE name = 'm';
INSERT INTO scored_inbox (x) VALUES ('{1,1}');
DROP TABLE scored_inbox, other_labels;

-- The learning trigger checks a version of the model's row whenever it is
-- new to the backend: one edited by hand is read at the next row, or
-- refused; two rows of one statement take two steps; a step rolled back is
-- gone
SELECT count(*) FROM hinge_train('m', 'cached_rows', 'x', 'label', lambda => 0.1);
CREATE TABLE learned (x float8[], label boolean);
CREATE TRIGGER learn AFTER INSERT ON learned
    FOR EACH ROW EXECUTE FUNCTION hinge_learn_trigger('m', 'x', 'label');
INSERT INTO learned VALUES ('{1,1}', true);
INSERT INTO learned VALUES ('{1,-1}', false), ('{-1,1}', true);
SELECT online_updates FROM hinge_model WHERE name = 'm';
BEGIN;
SAVEPOINT s;
INSERT INTO learned VALUES ('{2,2}', true);
ROLLBACK TO s;
INSERT INTO learned VALUES ('{3,3}', true);
COMMIT;
SELECT online_updates FROM hinge_model WHERE name = 'm';
UPDATE hinge_model SET weights = '{1,2}' WHERE name = 'm';
INSERT INTO learned VALUES ('{1,1}', true);
UPDATE hinge_model SET weights = '{1,2,3}', class_weights = '{1,0}' WHERE name = 'm';
INSERT INTO learned VALUES ('{1,1}', true);
UPDATE hinge_model SET class_weights = '{1,1}' WHERE name = 'm';
INSERT INTO learned VALUES ('{1,1}', true);
SELECT weights <> '{1,2,3}' AS stepped, online_updates FROM hinge_model WHERE name = 'm';

-- A model checked as one role is checked again as another, even under the
-- same snapshot (SET ROLE takes no new one)
CREATE ROLE regress_hinge_no_models;
SELECT hinge_score('m', '{1,1}'::float8[]) = hinge_score(pg_temp.w('m'), '{1,1}'::float8[]) AS as_superuser;
SET ROLE regress_hinge_no_models;
SELECT hinge_score('m', '{1,1}'::float8[]);
RESET ROLE;
DROP ROLE regress_hinge_no_models;

-- Where hinge_model's rows are read through row-level security, scoring
-- and learning go through SQL, which applies the policies
CREATE ROLE regress_hinge_cache_reader;
GRANT SELECT, UPDATE ON hinge_model TO regress_hinge_cache_reader;
GRANT SELECT, INSERT ON learned, cached_rows TO regress_hinge_cache_reader;
ALTER TABLE hinge_model ENABLE ROW LEVEL SECURITY;
CREATE POLICY cache_reader_sees_m ON hinge_model TO regress_hinge_cache_reader USING (name = 'm');
SELECT count(*) FROM hinge_train('hidden', 'cached_rows', 'x', 'label', lambda => 0.1);
UPDATE hinge_model SET owner = 'regress_hinge_cache_reader' WHERE name = 'm';
SET ROLE regress_hinge_cache_reader;
SELECT hinge_score('m', '{1,1}'::float8[]) = hinge_score(pg_temp.w('m'), '{1,1}'::float8[]) AS through_sql;
SELECT hinge_score('hidden', '{1,1}'::float8[]);
INSERT INTO learned VALUES ('{1,1}', true);
RESET ROLE;
SELECT online_updates FROM hinge_model WHERE name = 'm';
DROP POLICY cache_reader_sees_m ON hinge_model;
ALTER TABLE hinge_model DISABLE ROW LEVEL SECURITY;
REVOKE ALL ON hinge_model FROM regress_hinge_cache_reader;
REVOKE ALL ON learned, cached_rows FROM regress_hinge_cache_reader;
DROP ROLE regress_hinge_cache_reader;
DROP TABLE learned;

DROP TABLE cached_rows, kept;
DELETE FROM hinge_model;
