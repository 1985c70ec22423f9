-- Training with the rows held in memory (hinge.in_memory_limit) against
-- training on aggregate passes: the same optimum within the tolerance and a
-- lower bound below both objectives, for every loss, class weights, an
-- intercept, real[] and hinge_sparse features, Crammer-Singer,
-- Weston-Watkins and one-vs-rest; the budget switch; the sample that
-- starts training on passes; bad rows.  (train.sql and multiclass_train.sql
-- check the in-memory path against liblinear's optimum: it is the default.)
SET extra_float_digits = 0;
SET client_min_messages = warning;

-- (the setting is hinge's: defined once the library is loaded)
SELECT hinge_loss(1, 0);
SHOW hinge.in_memory_limit;
-- (the message's range reads "0 .. 2147483647" before 18, "0 kB .. " from 18)
DO $$
BEGIN
    SET hinge.in_memory_limit = -1;
EXCEPTION WHEN invalid_parameter_value THEN
    RAISE WARNING 'hinge.in_memory_limit = -1 refused: %', SQLSTATE;
END $$;

-- 600 rows of 5 features, noisy labels; the same rows as real[], as
-- hinge_sparse with zeros left out, and with 3 classes
CREATE TABLE im_rows AS
SELECT i AS id,
       ARRAY[sin(i), cos(3 * i), (i % 10) / 10.0 - 0.45, sin(i * 0.7) * cos(i * 0.3),
             CASE WHEN i % 4 = 0 THEN 1.0 ELSE 0.0 END] AS x,
       CASE WHEN sin(i) + 0.5 * cos(3 * i) + 0.3 * sin(7 * i) > 0.1 THEN 'spam' ELSE 'ham' END AS t,
       CASE WHEN sin(i) > 0.3 THEN 'a' WHEN cos(3 * i) > 0 THEN 'b' ELSE 'c' END AS class
FROM generate_series(1, 600) AS i;
CREATE TABLE im_real AS SELECT id, x::real[] AS x, t, class FROM im_rows;
CREATE TABLE im_sparse AS SELECT id, x::hinge_sparse AS x, t, class FROM im_rows;

-- Each configuration trained both ways
CREATE TABLE im_configs (name text, relation text, label text, loss text, intercept bool,
                         class_weight text, multiclass text);
INSERT INTO im_configs VALUES
    ('hinge', 'im_rows', 't', 'hinge', false, NULL, NULL),
    ('hinge_intercept', 'im_rows', 't', 'hinge', true, NULL, NULL),
    ('squared', 'im_rows', 't', 'squared_hinge', true, NULL, NULL),
    ('smooth', 'im_rows', 't', 'smooth_hinge', true, NULL, NULL),
    ('weighted', 'im_rows', 't', 'hinge', true, '{"spam": 3, "ham": 1}', NULL),
    ('balanced_squared', 'im_rows', 't', 'squared_hinge', false, 'balanced', NULL),
    ('real', 'im_real', 't', 'hinge', true, NULL, NULL),
    ('sparse', 'im_sparse', 't', 'hinge', true, NULL, NULL),
    ('crammer_singer', 'im_rows', 'class', 'hinge', true, NULL, 'crammer_singer'),
    ('weston_watkins', 'im_rows', 'class', 'hinge', true, 'balanced', 'weston_watkins'),
    ('one_vs_rest', 'im_rows', 'class', 'hinge', true, NULL, 'one_vs_rest'),
    ('sparse_one_vs_rest', 'im_sparse', 'class', 'hinge', false, NULL, 'one_vs_rest');

CREATE FUNCTION pg_temp.train_with(limit_setting text, c im_configs) RETURNS hinge_model
LANGUAGE plpgsql AS $$
DECLARE
    m hinge_model;
BEGIN
    PERFORM set_config('hinge.in_memory_limit', limit_setting, true);
    SELECT * INTO m FROM hinge_train(c.name || '_' || limit_setting, c.relation, 'x', c.label,
                                     lambda => 1e-3, loss => c.loss, intercept => c.intercept,
                                     class_weight => c.class_weight,
                                     multiclass => coalesce(c.multiclass, 'crammer_singer'),
                                     tolerance => 1e-4);
    RETURN m;
END
$$;

CREATE TABLE im_trained AS
SELECT c.name, mem.objective AS mem_objective, mem.lower_bound AS mem_lower, mem.converged AS mem_converged,
       pass.objective AS pass_objective, pass.lower_bound AS pass_lower, pass.converged AS pass_converged,
       mem.rows_used AS mem_rows, pass.rows_used AS pass_rows, mem.passes AS mem_passes
FROM im_configs AS c,
     LATERAL pg_temp.train_with('256MB', c) AS mem,
     LATERAL pg_temp.train_with('0', c) AS pass;
SELECT name, mem_converged AND pass_converged AS converged,
       mem_rows = pass_rows AS same_rows,
       abs(mem_objective - pass_objective) <= 1e-4 * greatest(mem_objective, pass_objective) AS same_optimum,
       mem_lower <= least(mem_objective, pass_objective) AND
       pass_lower <= least(mem_objective, pass_objective) AS bounds_hold,
       (mem_objective - mem_lower) / mem_objective <= 1e-4 AS certified,
       mem_passes > 0 AS counts_passes
FROM im_trained ORDER BY name;

-- the stored objective is the objective of the stored weights, on both paths
SELECT m.name, abs(m.objective - (SELECT hinge_objective(m.weights, x,
                                  CASE t WHEN 'spam' THEN 1 ELSE -1 END, m.lambda) FROM im_rows)) < 1e-12
           AS objective_of_weights
FROM hinge_model AS m WHERE m.name IN ('hinge_256MB', 'hinge_0') ORDER BY 1;

-- The budget decides: a view whose rows thin out from its third scan on
-- (the count, then the gathering or the first pass, then this) fails a
-- training on passes but not one that reads the rows once into memory
CREATE SEQUENCE im_scans;
CREATE VIEW im_thinning AS
SELECT x, t FROM im_rows
WHERE id <= 600 - CASE WHEN (SELECT nextval('im_scans')) > 2 THEN 1 ELSE 0 END;
SELECT rows_used, converged FROM hinge_train('thin_memory', 'im_thinning', 'x', 't', lambda => 1e-3);
-- too small a budget: passes
SELECT setval('im_scans', 1, false);
SET hinge.in_memory_limit = '8kB';
SELECT rows_used FROM hinge_train('thin_small', 'im_thinning', 'x', 't', lambda => 1e-3);
SELECT setval('im_scans', 1, false);
SET hinge.in_memory_limit = 0;
SELECT rows_used FROM hinge_train('thin_off', 'im_thinning', 'x', 't', lambda => 1e-3);
RESET hinge.in_memory_limit;
-- sparse rows tell whether they fit only as they are read: past the budget
-- the gathering stops and passes follow
SET hinge.in_memory_limit = '8kB';
SELECT objective > 0 AS trained, converged
FROM hinge_train('sparse_small', 'im_sparse', 'x', 't', lambda => 1e-3);
RESET hinge.in_memory_limit;

-- A table that does not fit starts its passes from the solution on a
-- sample: the same optimum, certified
CREATE TABLE im_big AS
SELECT i AS id, ARRAY[sin(i), cos(3 * i), sin(i * 0.7)] AS x,
       sin(i) + 0.5 * cos(3 * i) + 0.2 * sin(5 * i) > 0 AS t
FROM generate_series(1, 20000) AS i;
SET hinge.in_memory_limit = '300kB';
CREATE TABLE im_sampled AS SELECT * FROM hinge_train('sampled', 'im_big', 'x', 't', lambda => 1e-4);
SET hinge.in_memory_limit = 0;
CREATE TABLE im_zero AS SELECT * FROM hinge_train('from_zero', 'im_big', 'x', 't', lambda => 1e-4);
RESET hinge.in_memory_limit;
CREATE TABLE im_whole AS SELECT * FROM hinge_train('in_memory', 'im_big', 'x', 't', lambda => 1e-4);
SELECT s.converged AND z.converged AND w.converged AS converged,
       abs(s.objective - w.objective) <= 1e-3 * w.objective AS same_optimum,
       s.lower_bound <= least(w.objective, z.objective) AS bound_holds,
       s.passes <= z.passes AS no_more_passes
FROM im_sampled AS s, im_zero AS z, im_whole AS w;
-- The sample's solve begins with dual coordinate descent (dual_cd.c),
-- whose box and diagonal differ by loss: each loss, with and without an
-- intercept and class weights, from a start no worse than zero
CREATE FUNCTION pg_temp.train_under(limit_setting text, relation text, lambda float8, loss text,
                                     intercept bool, class_weight text)
RETURNS hinge_model LANGUAGE plpgsql AS $$
DECLARE
    m hinge_model;
BEGIN
    PERFORM set_config('hinge.in_memory_limit', limit_setting, true);
    SELECT * INTO m FROM hinge_train(relation || '_' || limit_setting, relation, 'x', 't',
                                     lambda => lambda, loss => loss, intercept => intercept,
                                     class_weight => class_weight, gamma => 0.5);
    RETURN m;
END
$$;
SELECT v.loss, v.intercept, v.class_weight,
       s.converged AND z.converged AND w.converged AS converged,
       abs(s.objective - w.objective) <= 1e-3 * w.objective AS same_optimum,
       s.lower_bound <= least(w.objective, z.objective) AS bound_holds,
       s.passes <= z.passes AS no_more_passes
FROM (VALUES ('hinge', false, NULL), ('hinge', true, 'balanced'),
             ('squared_hinge', true, NULL), ('squared_hinge', false, 'balanced'),
             ('smooth_hinge', true, NULL), ('smooth_hinge', false, 'balanced'))
         AS v(loss, intercept, class_weight),
     LATERAL pg_temp.train_under('300kB', 'im_big', 1e-4, v.loss, v.intercept, v.class_weight) AS s,
     LATERAL pg_temp.train_under('0', 'im_big', 1e-4, v.loss, v.intercept, v.class_weight) AS z,
     LATERAL pg_temp.train_under('256MB', 'im_big', 1e-4, v.loss, v.intercept, v.class_weight) AS w
ORDER BY v.loss, v.intercept;

-- Sparse rows that do not fit give their sample in the scan that finds them
-- too many: the count, that scan, then the passes (a view counts its scans).
-- im_long_rows: rows of about 30 non-zeros, far over the budget, which the
-- first rows foretell; im_growing_rows: short rows, then long ones, which
-- outgrow the budget midway and then the sample's budget, so that the
-- sample thins out again.  Both: the optimum of the rows in memory,
-- certified.
CREATE TABLE im_long_rows AS
SELECT i AS id,
       array(SELECT CASE WHEN (i + j) % 4 <> 0 THEN sin(i * j) ELSE 0 END
             FROM generate_series(1, 40) AS j)::hinge_sparse AS x,
       sin(i) + 0.5 * sin(2 * i) + 0.2 * sin(5 * i) > 0 AS t
FROM generate_series(1, 30000) AS i;
CREATE TABLE im_growing_rows AS
SELECT i AS id,
       array(SELECT CASE WHEN (i + j) % 8 < CASE WHEN i <= 15000 THEN 1 ELSE 6 END
                         THEN sin(i * j) ELSE 0 END
             FROM generate_series(1, 40) AS j)::hinge_sparse AS x,
       sin(i) + 0.5 * sin(2 * i) + 0.2 * sin(5 * i) > 0 AS t
FROM generate_series(1, 30000) AS i;
CREATE SEQUENCE im_sparse_scans;
CREATE VIEW im_long_view AS
SELECT x, t FROM im_long_rows WHERE (SELECT nextval('im_sparse_scans')) > 0;
CREATE VIEW im_growing_view AS
SELECT x, t FROM im_growing_rows WHERE (SELECT nextval('im_sparse_scans')) > 0;
CREATE FUNCTION pg_temp.train_sparse(relation text, limit_setting text, OUT m hinge_model, OUT scans bigint)
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM setval('im_sparse_scans', 1, false);
    PERFORM set_config('hinge.in_memory_limit', limit_setting, true);
    SELECT * INTO m FROM hinge_train(relation || '_' || limit_setting, relation, 'x', 't', lambda => 1e-4);
    scans := currval('im_sparse_scans');
END
$$;
SELECT v.relation, (s.m).converged AND (z.m).converged AND (w.m).converged AS converged,
       abs((s.m).objective - (w.m).objective) <= 1e-3 * (w.m).objective AS same_optimum,
       (s.m).lower_bound <= least((w.m).objective, (z.m).objective) AS bound_holds,
       s.scans = (s.m).passes + 2 AS sample_in_the_gathering_scan,
       z.scans = (z.m).passes + 1 AS passes_alone
FROM (VALUES ('im_long_view', '4MB'), ('im_growing_view', '1200kB')) AS v(relation, budget),
     LATERAL pg_temp.train_sparse(v.relation, v.budget) AS s,
     LATERAL pg_temp.train_sparse(v.relation, '0') AS z,
     LATERAL pg_temp.train_sparse(v.relation, '256MB') AS w
ORDER BY v.relation;
DROP FUNCTION pg_temp.train_sparse(text, text);
DROP VIEW im_long_view, im_growing_view;
DROP SEQUENCE im_sparse_scans;
DROP TABLE im_long_rows, im_growing_rows;

-- 100,000 rows or more in memory start from the solution of every tenth:
-- the same optimum as from zero on passes, the bound a bound; scaled
-- features (the sample solved in the scaled coordinates) and 3 classes;
-- and scaled Crammer-Singer on passes, whose line passes bring the planes
-- of two of their points, mapped to the scaled coordinates
CREATE TABLE im_many AS
SELECT i AS id, sin(i) AS a, cos(3 * i) AS b, 40 * sin(i * 0.7) AS c,
       sin(i) + 0.5 * cos(3 * i) + 0.2 * sin(5 * i) > 0 AS t,
       CASE WHEN sin(i) > 0.3 THEN 'a' WHEN cos(3 * i) > 0 THEN 'b' ELSE 'c' END AS class
FROM generate_series(1, 100000) AS i;
CREATE TABLE im_many_configs (name text, label text, scale text, multiclass text);
INSERT INTO im_many_configs VALUES ('many_binary', 't', 'none', NULL),
    ('many_scaled', 't', 'standard', NULL), ('many_cs', 'class', 'none', 'crammer_singer'),
    ('many_scaled_cs', 'class', 'standard', 'crammer_singer');
CREATE FUNCTION pg_temp.train_many(limit_setting text, c im_many_configs) RETURNS hinge_model
LANGUAGE plpgsql AS $$
DECLARE
    m hinge_model;
BEGIN
    PERFORM set_config('hinge.in_memory_limit', limit_setting, true);
    SELECT * INTO m FROM hinge_train(c.name || '_' || limit_setting, 'im_many', ARRAY['a', 'b', 'c'], c.label,
                                     lambda => 1e-4, scale => c.scale,
                                     multiclass => coalesce(c.multiclass, 'crammer_singer'));
    RETURN m;
END
$$;
SELECT c.name, mem.converged AND pass.converged AS converged,
       abs(mem.objective - pass.objective) <= 1e-3 * greatest(mem.objective, pass.objective) AS same_optimum,
       mem.lower_bound <= least(mem.objective, pass.objective) AND
       pass.lower_bound <= least(mem.objective, pass.objective) AS bounds_hold
FROM im_many_configs AS c,
     LATERAL pg_temp.train_many('256MB', c) AS mem,
     LATERAL pg_temp.train_many('0', c) AS pass
ORDER BY c.name;
DROP FUNCTION pg_temp.train_many(text, im_many_configs);
DROP TABLE im_many, im_many_configs;

-- Over 65,536 weights, a binary hinge training on passes keeps the rows
-- near the margin in memory (src/working_set.c) and takes a bound from
-- their dual: the same optimum as in memory, each bound below both
-- objectives, with and without an intercept and class weights
CREATE TABLE im_wide AS
SELECT hinge_sparse(ARRAY[1 + i % 13, 14 + (i * 31) % 17, 31 + (i * 7) % 11, 100 + (i * 7919) % 69000],
                    ARRAY[1.0, sin(i), cos(i * 0.3), 0.5], 70000) AS x,
       (i % 13) * 0.3 + sin(i) - 1.5 + 0.5 * cos(i * 0.3) + 0.3 * sin(i * 7919) > 0 AS t
FROM generate_series(1, 3000) AS i;
SELECT v.intercept, v.class_weight, pass.converged AND mem.converged AS converged,
       abs(pass.objective - mem.objective) <= 1e-3 * mem.objective AS same_optimum,
       pass.lower_bound <= least(pass.objective, mem.objective) AS bound_holds,
       pass.rows_used = 3000 AS every_row
FROM (VALUES (false, NULL), (true, 'balanced')) AS v(intercept, class_weight),
     LATERAL pg_temp.train_under('160kB', 'im_wide', 1e-3, 'hinge', v.intercept, v.class_weight) AS pass,
     LATERAL pg_temp.train_under('256MB', 'im_wide', 1e-3, 'hinge', v.intercept, v.class_weight) AS mem
ORDER BY v.intercept;
DROP FUNCTION pg_temp.train_under(text, text, float8, text, bool, text);
DROP TABLE im_wide;

-- Bad rows are reported as on passes
CREATE TABLE im_bad (x float8[], y int);
INSERT INTO im_bad VALUES ('{1, 2}', 1), ('{-1, 0}', -1), ('{NaN, 1}', 1);
SELECT hinge_train('bad', 'im_bad', 'x', 'y');
UPDATE im_bad SET x = '{1, 2, 3}' WHERE x[1] = 'NaN';
SELECT hinge_train('bad', 'im_bad', 'x', 'y');
UPDATE im_bad SET x = '{1, NULL}' WHERE cardinality(x) = 3;
SELECT hinge_train('bad', 'im_bad', 'x', 'y');

DROP VIEW im_thinning;
DROP SEQUENCE im_scans;
DROP FUNCTION pg_temp.train_with(text, im_configs);
DROP TABLE im_rows, im_real, im_sparse, im_configs, im_trained, im_big, im_sampled, im_zero,
    im_whole, im_bad;
DELETE FROM hinge_model;
