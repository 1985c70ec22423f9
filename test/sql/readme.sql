-- Generated from README.md and docs/*.md by scripts/readme.py; edit those instead.
SET extra_float_digits = 0;
-- examples from README.md
SELECT hinge_loss(1, 0.3) AS inside_margin,
       hinge_loss(-1, 0.3) AS wrong_side,
       hinge_loss(1, 2.5) AS confident,
       squared_hinge_loss(-1, 0.5) AS squared,
       smooth_hinge_loss(1, 0.5) AS smooth;
CREATE TABLE points (id int, x float8[], y float8);
INSERT INTO points VALUES (1, '{2, 1}', 1), (2, '{0.5, 0.5}', 1), (3, '{-1, 0}', -1), (4, '{1, -2}', -1);
SELECT id, y,
       hinge_score('{1, 0.5, -1}'::float8[], x) AS score,
       hinge_predict('{1, 0.5, -1}'::float8[], x) AS predicted,
       hinge_loss(y, hinge_score('{1, 0.5, -1}'::float8[], x)) AS loss,
       round(hinge_geometric_margin('{1, 0.5, -1}', x, y)::numeric, 4) AS distance
FROM points ORDER BY id;
CREATE TABLE messages (id int, features float8[], label text);
INSERT INTO messages
SELECT i, ARRAY[sin(i), cos(3 * i), (i % 10) / 10.0],
       CASE WHEN sin(i) + 0.5 * cos(3 * i) > 0.1 THEN 'spam' ELSE 'ham' END
FROM generate_series(1, 1000) AS i;
SET client_min_messages = warning;
SELECT name, classes, positive_class, converged, rows_used,
       round(objective::numeric, 4) AS objective,
       (objective - lower_bound) / objective <= 1e-6 AS certified
FROM hinge_train('spam_filter', 'messages', 'features', 'label', lambda => 1e-3,
                 tolerance => 1e-6);
SELECT n, accuracy, true_positives, false_positives, true_negatives, false_negatives
FROM hinge_evaluate('spam_filter', 'messages', 'features', 'label');
CREATE VIEW scored_messages AS
SELECT id, label, hinge_predict('spam_filter', features) AS predicted,
       round(hinge_score('spam_filter', features)::numeric, 2) AS score
FROM messages;
SELECT * FROM scored_messages WHERE id <= 4 ORDER BY id;
CREATE TABLE customers (id int, age int, income numeric, plan text, churned boolean);
INSERT INTO customers
SELECT i, 20 + (i * 7) % 50, 20000 + (i * 7919) % 80000,
       (ARRAY['basic', 'plus', 'pro'])[1 + i % 3],
       (i % 3 = 0 AND (i * 7) % 50 < 25) OR (20000 + (i * 7919) % 80000) < 30000
FROM generate_series(1, 600) AS i;
UPDATE customers SET income = NULL WHERE id % 50 = 0;
SELECT name, n_features, rows_used, converged
FROM hinge_train('churn', 'customers', ARRAY['age', 'income', 'plan'], 'churned',
                 scale => 'standard', impute => 'mean');
SELECT id, age, income, plan, churned, hinge_predict('churn', c) AS predicted
FROM customers AS c WHERE id IN (1, 3, 50) ORDER BY id;
SELECT feature, round(scaled_weight::numeric, 2) AS scaled_weight
FROM hinge_weights('churn');
SELECT feature, value, round(contribution::numeric, 3) AS contribution
FROM customers AS c, hinge_explain('churn', c) WHERE c.id = 3;
CREATE TABLE tickets (id int, body text, team text,
                      words tsvector GENERATED ALWAYS AS (to_tsvector('english', body)) STORED);
INSERT INTO tickets (id, body, team) VALUES
    (1, 'The printer jammed again on floor two', 'facilities'),
    (2, 'Cannot log in: my password expired', 'it'),
    (3, 'The printer is out of toner', 'facilities'),
    (4, 'VPN drops every hour and I cannot log in', 'it'),
    (5, 'Heating broken on floor three', 'facilities'),
    (6, 'Password reset email never arrives', 'it');
SELECT name, feature_type, n_features
FROM hinge_train('router', 'tickets', 'words', 'team', lambda => 0.1);
SELECT hinge_predict('router', to_tsvector('english', 'The printer on floor four is broken')) AS team,
       hinge_predict('router', to_tsvector('english', 'I forgot my password')) AS team2;
-- examples from docs/reference.md
SELECT hinge_scores('{{1, 0}, {0, 1}, {-1, -1}}'::float8[], '{0.5, 2}'::float8[]) AS scores,
       hinge_predict_class('{{1, 0}, {0, 1}, {-1, -1}}', '{0.5, 2}'::float8[]) AS class,
       multiclass_hinge_loss('{0.5, 2, -2.5}', 1) AS crammer_singer,
       multiclass_hinge_loss('{0.5, 2, -2.5}', 1, 'weston_watkins') AS weston_watkins,
       multiclass_hinge_loss_grad('{0.5, 2, -2.5}', 1) AS subgradient;
SELECT hinge_sparse(ARRAY[1, 7], ARRAY[0.5, 2], 10) AS x,
       hinge_sparse_nnz('{1:0.5,7:2}/10'), hinge_sparse_dimension('{1:0.5,7:2}/10');
SELECT hinge_objective('{1, 0.5, -1}', x, y, 0.1) AS objective,
       hinge_subgradient('{1, 0.5, -1}', x, y, 0.1) AS subgradient,
       hinge_loss_avg('{1, 0.5, -1}', x, y) AS mean_loss
FROM points;
SELECT n, mean_loss, misclassified, margin_violators, support_vectors, accuracy
FROM (SELECT (hinge_margin_stats('{1, 0.5, -1}', x, y)).* FROM points) AS s;
CREATE TABLE flowers (id int, x float8[], kind text);
INSERT INTO flowers
SELECT i, ARRAY[2 * (i % 3) + sin(i * 1.7), (i % 3) + cos(i * 1.3)],
       (ARRAY['iris', 'rose', 'tulip'])[1 + i % 3]
FROM generate_series(1, 300) AS i;
SELECT classes, array_dims(weights) AS shape, multiclass, converged
FROM hinge_train('flowers', 'flowers', 'x', 'kind', lambda => 1e-2);
SELECT hinge_predict('flowers', ARRAY[4.0, 2.0]::float8[]) AS kind,
       hinge_scores('flowers', ARRAY[4.0, 2.0]::float8[]) IS NOT NULL AS has_scores;
SELECT n, round(accuracy::numeric, 3) AS accuracy, confusion
FROM hinge_evaluate('flowers', 'flowers', 'x', 'kind');
SELECT hinge_loss(0, 0.3);
SELECT hinge_score('{1, 2, 3, 4}'::float8[], '{1, 2}'::float8[]);
