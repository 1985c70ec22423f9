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
SET hinge.model_cache_size = -1;

DROP TABLE cached_rows, kept;
DELETE FROM hinge_model;
