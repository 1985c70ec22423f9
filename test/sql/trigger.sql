-- Scoring where the rows live: the trigger, views and generated columns
SET extra_float_digits = 0;
SET client_min_messages = warning;

CREATE TABLE mail AS
SELECT i, ARRAY[sin(i), cos(i * 1.3), ((i % 7) - 3) / 3.0] AS x,
       CASE WHEN sin(i) + 0.5 * cos(i * 1.3) + 0.3 * sin(i * 5.1) > 0.2 THEN 'spam' ELSE 'ham' END AS label
FROM generate_series(1, 2000) AS i;
SELECT converged FROM hinge_train('mail', 'mail', 'x', 'label');

-- 1. The trigger fills a score, a label and a probability as rows arrive
CREATE TABLE inbox (id int, x float8[], score float8, verdict text, p_spam numeric, flagged boolean);
CREATE TRIGGER score BEFORE INSERT OR UPDATE ON inbox
    FOR EACH ROW EXECUTE FUNCTION hinge_score_trigger('mail', 'x', 'score');
CREATE TRIGGER verdict BEFORE INSERT OR UPDATE ON inbox
    FOR EACH ROW EXECUTE FUNCTION hinge_score_trigger('mail', 'x', 'verdict', 'label');
INSERT INTO inbox (id, x) SELECT i, x FROM mail WHERE i <= 200;
SELECT count(*) AS rows,
       count(*) FILTER (WHERE score = hinge_score('mail', x)) AS same_score,
       count(*) FILTER (WHERE verdict = hinge_predict('mail', x)) AS same_label
FROM inbox;
-- a row without features gets no score
INSERT INTO inbox (id, x) VALUES (1000, NULL);
SELECT score IS NULL AND verdict IS NULL AS unscored FROM inbox WHERE id = 1000;
-- an update scores again
UPDATE inbox SET x = ARRAY[1, 1, 1]::float8[] WHERE id = 1000;
SELECT score = hinge_score('mail', '{1,1,1}'::float8[]) AS rescored FROM inbox WHERE id = 1000;
-- probabilities once the model is calibrated
SELECT array_length(calibration_a, 1) AS sigmoids FROM hinge_calibrate('mail', 'mail', 'x', 'label');
CREATE TRIGGER p_spam BEFORE INSERT ON inbox
    FOR EACH ROW EXECUTE FUNCTION hinge_score_trigger('mail', 'x', 'p_spam', 'probability');
INSERT INTO inbox (id, x) SELECT i, x FROM mail WHERE i BETWEEN 201 AND 300;
SELECT count(*) FILTER (WHERE abs(p_spam - (hinge_probabilities('mail', x))[CASE verdict WHEN 'spam' THEN 2 ELSE 1 END]::numeric) < 1e-12) AS same_probability,
       bool_and(p_spam >= 0.5) AS probability_of_the_predicted_class
FROM inbox WHERE id BETWEEN 201 AND 300;

-- 2. Retraining: rows inserted afterwards use the new model, in this session
-- too (a statement reads the model once, when it starts)
SELECT converged FROM hinge_train('mail', 'mail', 'x', 'label', positive => 'ham',
                                  class_weight => '{"ham": 50, "spam": 1}');
DROP TRIGGER p_spam ON inbox;
INSERT INTO inbox (id, x) SELECT i, x FROM mail WHERE i BETWEEN 301 AND 400;
SELECT count(*) FILTER (WHERE score = hinge_score('mail', x)) AS scored_by_new_model,
       count(*) FILTER (WHERE verdict = 'ham') >
           (SELECT count(*) FILTER (WHERE label = 'ham') FROM mail WHERE i BETWEEN 301 AND 400) AS more_ham_than_there_is
FROM inbox WHERE id BETWEEN 301 AND 400;

-- 3. Features as real[] and as a list of numeric columns; a multiclass model
CREATE TABLE inbox_real (x real[], score real);
CREATE TRIGGER score BEFORE INSERT ON inbox_real
    FOR EACH ROW EXECUTE FUNCTION hinge_score_trigger('mail', 'x', 'score');
INSERT INTO inbox_real (x) SELECT x::real[] FROM mail WHERE i <= 10;
SELECT count(*) FILTER (WHERE score = hinge_score('mail', x)::real) AS same_score FROM inbox_real;
CREATE TABLE inbox_columns (a float8, b real, c numeric, verdict text);
CREATE TRIGGER verdict BEFORE INSERT ON inbox_columns
    FOR EACH ROW EXECUTE FUNCTION hinge_score_trigger('mail', '{a,b,c}', 'verdict', 'label');
INSERT INTO inbox_columns (a, b, c) SELECT x[1], x[2], x[3] FROM mail WHERE i <= 50;
SELECT count(*) FILTER (WHERE verdict = hinge_predict('mail', ARRAY[a, b, c]::float8[])) AS same_label
FROM inbox_columns;
CREATE TABLE flowers AS
SELECT i, ARRAY[2 * (i % 3) + sin(i * 1.7), (i % 3) + cos(i * 1.3)] AS x,
       (ARRAY['iris', 'rose', 'tulip'])[1 + i % 3] AS kind
FROM generate_series(1, 300) AS i;
SELECT converged FROM hinge_train('flowers', 'flowers', 'x', 'kind');
CREATE TABLE garden (x float8[], kind text);
CREATE TRIGGER kind BEFORE INSERT ON garden
    FOR EACH ROW EXECUTE FUNCTION hinge_score_trigger('flowers', 'x', 'kind', 'label');
INSERT INTO garden (x) SELECT x FROM flowers;
SELECT count(*) FILTER (WHERE g.kind = hinge_predict('flowers', g.x)) AS same_label FROM garden AS g;

-- 4. Views: by model name, and joining the model row once
CREATE VIEW mail_scored AS
SELECT i, label, hinge_predict('mail', x) AS predicted, hinge_score('mail', x) AS score FROM mail;
CREATE VIEW mail_scored_join AS
SELECT i, label, hinge_score(m.weights, x) AS score
FROM mail CROSS JOIN (SELECT weights FROM hinge_model WHERE name = 'mail') AS m;
SELECT count(*) AS rows, count(*) FILTER (WHERE v.score = j.score) AS same_score
FROM mail_scored AS v JOIN mail_scored_join AS j USING (i);

-- 5. A stored generated column: the array form with constant weights
CREATE TABLE scored_at_rest (
    x float8[],
    score float8 GENERATED ALWAYS AS (hinge_score('{0.5,-1,0.25,0.1}'::float8[], x)) STORED
);
INSERT INTO scored_at_rest (x) VALUES ('{1,1,1}'), ('{2,0,-4}');
SELECT x, score FROM scored_at_rest;

-- 6. Errors, at the first row, naming what is wrong
CREATE TABLE broken (x float8[], y text, z float8, n int);
CREATE TRIGGER t1 BEFORE INSERT ON broken FOR EACH ROW EXECUTE FUNCTION hinge_score_trigger('nope', 'x', 'z');
INSERT INTO broken (x) VALUES ('{1,2,3}');
DROP TRIGGER t1 ON broken;
CREATE TRIGGER t2 BEFORE INSERT ON broken FOR EACH ROW EXECUTE FUNCTION hinge_score_trigger('mail', 'nope', 'z');
INSERT INTO broken (x) VALUES ('{1,2,3}');
DROP TRIGGER t2 ON broken;
CREATE TRIGGER t3 BEFORE INSERT ON broken FOR EACH ROW EXECUTE FUNCTION hinge_score_trigger('mail', 'x', 'y');
INSERT INTO broken (x) VALUES ('{1,2,3}');
DROP TRIGGER t3 ON broken;
CREATE TRIGGER t4 BEFORE INSERT ON broken FOR EACH ROW EXECUTE FUNCTION hinge_score_trigger('mail', 'y', 'z');
INSERT INTO broken (x) VALUES ('{1,2,3}');
DROP TRIGGER t4 ON broken;
CREATE TRIGGER t5 BEFORE INSERT ON broken FOR EACH ROW EXECUTE FUNCTION hinge_score_trigger('mail', 'x', 'z', 'odds');
INSERT INTO broken (x) VALUES ('{1,2,3}');
DROP TRIGGER t5 ON broken;
CREATE TRIGGER t6 BEFORE INSERT ON broken FOR EACH ROW EXECUTE FUNCTION hinge_score_trigger('flowers', 'x', 'z');
INSERT INTO broken (x) VALUES ('{1,2}');
DROP TRIGGER t6 ON broken;
CREATE TRIGGER t7 BEFORE INSERT ON broken FOR EACH ROW EXECUTE FUNCTION hinge_score_trigger('mail', '{x,y}', 'z');
INSERT INTO broken (x) VALUES ('{1,2,3}');
DROP TRIGGER t7 ON broken;
CREATE TRIGGER t8 BEFORE INSERT ON broken FOR EACH ROW EXECUTE FUNCTION hinge_score_trigger('mail', 'x');
INSERT INTO broken (x) VALUES ('{1,2,3}');
DROP TRIGGER t8 ON broken;
CREATE TRIGGER t9 BEFORE INSERT ON broken FOR EACH ROW EXECUTE FUNCTION hinge_score_trigger('mail', 'x', 'z');
INSERT INTO broken (x) VALUES ('{1,2}');
DROP TRIGGER t9 ON broken;
CREATE TRIGGER t10 AFTER INSERT ON broken FOR EACH ROW EXECUTE FUNCTION hinge_score_trigger('mail', 'x', 'z');
INSERT INTO broken (x) VALUES ('{1,2,3}');
DROP TRIGGER t10 ON broken;
SELECT hinge_score_trigger();

-- 7. Online updates: one Pegasos step from each newly labelled row
SELECT hinge_pegasos_step('{1,0}'::float8[], '{0.5,1}'::float8[], 1, 0.5, 2) AS violated, -- 0.5 w + (x) / (0.5 * 2)
       hinge_pegasos_step('{4,0}'::float8[], '{0.5,1}'::float8[], 1, 0.5, 2) AS satisfied, -- 0.5 w
       hinge_pegasos_step('{1,0,0}'::float8[], '{0.5,1}'::float8[], -1, 0.5, 4) AS intercept; -- 0.75 w - (x, 1) / 2
SELECT cardinality(weights) AS n_weights, online_updates FROM hinge_train('learner', 'mail', 'x', 'label', lambda => 1e-2);
CREATE TABLE labelled (x float8[], label text);
CREATE TRIGGER learn AFTER INSERT ON labelled
    FOR EACH ROW EXECUTE FUNCTION hinge_learn_trigger('learner', 'x', 'label');
-- rows with the opposite label pull the model their way; NULLs are skipped
INSERT INTO labelled SELECT x, CASE label WHEN 'spam' THEN 'ham' ELSE 'spam' END FROM mail WHERE i <= 300;
INSERT INTO labelled VALUES (NULL, 'spam'), ('{1,1,1}', NULL);
SELECT m.online_updates,
       (SELECT count(*) FROM mail WHERE i <= 300 AND hinge_predict('learner', x) <> label) >
       (SELECT count(*) FROM mail WHERE i <= 300 AND hinge_predict('mail', x) <> label) AS moved_towards_new_labels,
       calibration_a IS NULL AS calibration_cleared
FROM hinge_model AS m WHERE name = 'learner';
-- the same step as the function, from the stored weights
CREATE TABLE one_step AS SELECT weights, lambda, rows_used + online_updates + 1 AS t FROM hinge_model WHERE name = 'learner';
INSERT INTO labelled VALUES ('{0.1,0.2,0.3}', 'spam');
SELECT m.weights = hinge_pegasos_step(o.weights, '{0.1,0.2,0.3}'::float8[], 1, o.lambda, o.t) AS one_pegasos_step
FROM hinge_model AS m, one_step AS o WHERE m.name = 'learner';
INSERT INTO labelled VALUES ('{1,1,1}', 'eggs');
INSERT INTO labelled VALUES ('{1,1}', 'spam');
CREATE TRIGGER learn AFTER INSERT ON garden
    FOR EACH ROW EXECUTE FUNCTION hinge_learn_trigger('flowers', 'x', 'kind');
INSERT INTO garden VALUES ('{1,1}', 'rose');
SELECT hinge_pegasos_step('{1,0}'::float8[], '{0.5,1}'::float8[], 1, 0.5, 0.5);
-- a row one feature wider or narrower than the model is refused, with or
-- without an intercept (it would move the intercept as a feature weight, or
-- a feature weight as the intercept), and the model is left as it was
CREATE TABLE flat_before AS
SELECT weights FROM hinge_train('learner_flat', 'mail', 'x', 'label', lambda => 1e-2, intercept => false);
CREATE TABLE labelled_flat (x float8[], label text);
CREATE TRIGGER learn AFTER INSERT ON labelled_flat
    FOR EACH ROW EXECUTE FUNCTION hinge_learn_trigger('learner_flat', 'x', 'label');
INSERT INTO labelled VALUES ('{1,1,1,1}', 'spam');
INSERT INTO labelled_flat VALUES ('{1,1,1,1}', 'spam');
INSERT INTO labelled_flat VALUES ('{1,1}', 'spam');
SELECT m.weights = b.weights AS unchanged, online_updates FROM hinge_model AS m, flat_before AS b WHERE name = 'learner_flat';
INSERT INTO labelled_flat VALUES ('{1,1,1}', 'spam');
SELECT m.weights <> b.weights AS moved, online_updates FROM hinge_model AS m, flat_before AS b WHERE name = 'learner_flat';
-- it learns AFTER the row is written: as a BEFORE trigger it would drop rows
CREATE TRIGGER early BEFORE INSERT ON labelled_flat
    FOR EACH ROW EXECUTE FUNCTION hinge_learn_trigger('learner_flat', 'x', 'label');
INSERT INTO labelled_flat VALUES ('{1,1,1}', 'spam');
DROP TRIGGER early ON labelled_flat;

-- 8. The trigger assigns as an INSERT would: through the column's type
-- modifier and cast, so what does not fit is refused (numeric(4,2), a real
-- overflowing) or rounded as a cast rounds, never stored out of range
CREATE TABLE fitted (x float8[], s numeric(4, 2), r real, v varchar(3), v4 varchar(4), n numeric(10, 1));
CREATE TRIGGER s BEFORE INSERT ON fitted FOR EACH ROW EXECUTE FUNCTION hinge_score_trigger('mail', 'x', 's');
INSERT INTO fitted (x) VALUES ('{1,1,1}');
SELECT s = round(hinge_score('mail', x)::numeric, 2) AS rounded_as_a_cast FROM fitted;
INSERT INTO fitted (x) VALUES ('{1000,1000,1000}');
DROP TRIGGER s ON fitted;
CREATE TRIGGER r BEFORE INSERT ON fitted FOR EACH ROW EXECUTE FUNCTION hinge_score_trigger('mail', 'x', 'r');
INSERT INTO fitted (x) VALUES ('{1e300,1e300,1e300}');
INSERT INTO fitted (x) VALUES ('{1,1,1}');
DROP TRIGGER r ON fitted;
CREATE TRIGGER v BEFORE INSERT ON fitted FOR EACH ROW EXECUTE FUNCTION hinge_score_trigger('mail', 'x', 'v', 'label');
INSERT INTO fitted (x) VALUES ('{1,1,1}');
DROP TRIGGER v ON fitted;
CREATE TRIGGER v4 BEFORE INSERT ON fitted FOR EACH ROW EXECUTE FUNCTION hinge_score_trigger('mail', 'x', 'v4', 'label');
INSERT INTO fitted (x) VALUES ('{1,1,1}');
SELECT v4, hinge_predict('mail', x) AS predicted FROM fitted WHERE v4 IS NOT NULL;
DROP TRIGGER v4 ON fitted;
SELECT cardinality(calibration_a) AS calibrated FROM hinge_calibrate('mail', 'mail', 'x', 'label');
CREATE TRIGGER n BEFORE INSERT ON fitted FOR EACH ROW EXECUTE FUNCTION hinge_score_trigger('mail', 'x', 'n', 'probability');
INSERT INTO fitted (x) VALUES ('{2,2,2}');
SELECT f.n = round((hinge_probabilities('mail', f.x))[array_position(m.classes, hinge_predict('mail', f.x))]::numeric, 1) AS rounded_probability
FROM fitted AS f, hinge_model AS m WHERE f.n IS NOT NULL AND m.name = 'mail';

DROP VIEW mail_scored, mail_scored_join;
DROP TABLE mail, inbox, inbox_real, inbox_columns, flowers, garden, scored_at_rest, broken,
    labelled, one_step, labelled_flat, flat_before, fitted;
DELETE FROM hinge_model;
