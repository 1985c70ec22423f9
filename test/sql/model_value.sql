-- A model by value (hinge_model_value): what hinge sends to the workers of
-- a Citus cluster in the place of a model's name.  Every scoring function
-- reads the model from it exactly as from its row.
SET extra_float_digits = 0;
SET client_min_messages = warning;
CREATE TABLE mv_rows AS
SELECT i AS id, ARRAY[sin(i), cos(1.3 * i), sin(0.7 * i)]::float8[] AS x,
       CASE WHEN sin(i) + 0.5 * cos(1.3 * i) > 0.1 THEN 1 ELSE -1 END AS y,
       (ARRAY['red', 'green', 'blue'])[1 + i % 3] AS colour,
       sin(2.1 * i) AS amount
FROM generate_series(1, 300) AS i;
SELECT passes > 0 AS trained FROM hinge_train('mv_binary', 'mv_rows', 'x', 'y', lambda => 1e-2);
SELECT passes > 0 AS trained FROM hinge_train('mv_binary2', 'mv_rows', 'x', 'y', lambda => 1e-1);
SELECT calibration_a IS NOT NULL AS calibrated FROM hinge_calibrate('mv_binary', 'mv_rows', 'x', 'y');
SELECT passes > 0 AS trained
FROM hinge_train('mv_multi', 'mv_rows', 'x', 'colour', lambda => 1e-2);
SELECT passes > 0 AS trained
FROM hinge_train('mv_encoded', 'mv_rows', ARRAY['colour', 'amount'], 'y', lambda => 1e-2,
                 scale => 'standard');

-- the value starts with "{", as no model name may, and holds the row in binary
SELECT left(hinge_model_value('mv_binary'), 19) AS marker;

-- every function, every model: the same results, to the bit
SELECT count(*) AS rows,
       count(*) FILTER (WHERE hinge_score('mv_binary', x) = hinge_score(hinge_model_value('mv_binary'), x)) AS same_score,
       count(*) FILTER (WHERE hinge_predict('mv_binary', x) = hinge_predict(hinge_model_value('mv_binary'), x)) AS same_class,
       count(*) FILTER (WHERE hinge_probability('mv_binary', x) = hinge_probability(hinge_model_value('mv_binary'), x)) AS same_probability,
       count(*) FILTER (WHERE hinge_scores('mv_multi', x) = hinge_scores(hinge_model_value('mv_multi'), x)) AS same_multiclass,
       count(*) FILTER (WHERE hinge_predict('mv_multi', x) = hinge_predict(hinge_model_value('mv_multi'), x)) AS same_multiclass_class,
       count(*) FILTER (WHERE hinge_score('mv_encoded', r) = hinge_score(hinge_model_value('mv_encoded'), r)) AS same_encoded
FROM mv_rows AS r;
SELECT (SELECT array_agg(e) FROM hinge_explain('mv_binary', x) AS e) =
       (SELECT array_agg(e) FROM hinge_explain(hinge_model_value('mv_binary'), x) AS e) AS same_explanation
FROM mv_rows WHERE id = 7;

-- values that change from row to row (here, from an outer row to a
-- subquery) are each read: every model scores as by its name
SELECT o.name, (SELECT hinge_score(o.v, x) FROM mv_rows WHERE id = 7) =
               (SELECT hinge_score(o.name, x) FROM mv_rows WHERE id = 7) AS same_score
FROM (SELECT n AS name, hinge_model_value(n) AS v
      FROM unnest(ARRAY['mv_binary', 'mv_binary2', 'mv_binary']) AS n) AS o;

-- read in the statement's snapshot: a retrained model is a new value
SELECT hinge_model_value('mv_binary') AS before \gset
SELECT passes > 0 AS retrained FROM hinge_train('mv_binary', 'mv_rows', 'x', 'y', lambda => 1e-1);
SELECT hinge_model_value('mv_binary') <> :'before' AS changed;

-- what is not a value of hinge_model_value
SELECT hinge_score(hinge_model_value('no such model'), '{1,2,3}'::float8[]);
SELECT hinge_score('{hinge model value}0g', '{1,2,3}'::float8[]);
SELECT hinge_score('{hinge model value}abc', '{1,2,3}'::float8[]);
-- a model's name never starts with "{": training refuses it
SELECT hinge_train('{hinge model value}', 'mv_rows', 'x', 'y');

-- on tables that are not distributed, queries keep the name (the planner
-- hook rewrites queries on Citus distributed tables only)
EXPLAIN (VERBOSE, COSTS OFF) SELECT hinge_score('mv_binary', x) FROM mv_rows;

DROP TABLE mv_rows;
DELETE FROM hinge_model WHERE name LIKE 'mv\_%';
