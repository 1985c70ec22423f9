-- hinge demo: train a linear SVM on the Wisconsin diagnostic breast cancer
-- data, evaluate it on held-out tumours, and score tumours by model name.
--
-- Run from the repository root (the \copy path below is relative to it):
--     psql -X -v ON_ERROR_STOP=1 -f scripts/demo.sql
-- or let scripts/demo.sh set everything up and run it in a throwaway cluster.
-- Everything it makes lives in schema "demo", which it drops and recreates;
-- the trained models are rows of hinge_model (breast_cancer and
-- breast_cancer_balanced), which a rerun replaces.  data/README.md says where
-- the data comes from and how scripts/make_demo_data.py made the CSV.

\set QUIET on
SET client_min_messages = warning;     -- quiet DROP ... CASCADE and friends

CREATE EXTENSION IF NOT EXISTS hinge;
DROP SCHEMA IF EXISTS demo CASCADE;
CREATE SCHEMA demo;

\echo
\echo '== 1. Load data/breast_cancer.csv: 569 tumours, 30 measurements of the cell nuclei, a diagnosis'

-- diagnosis may be NULL: a tumour not yet diagnosed (section 7 adds one)
CREATE TABLE demo.breast_cancer (
    id                       int PRIMARY KEY,
    diagnosis                text CHECK (diagnosis IN ('malignant', 'benign')),
    mean_radius              float8 NOT NULL,
    mean_texture             float8 NOT NULL,
    mean_perimeter           float8 NOT NULL,
    mean_area                float8 NOT NULL,
    mean_smoothness          float8 NOT NULL,
    mean_compactness         float8 NOT NULL,
    mean_concavity           float8 NOT NULL,
    mean_concave_points      float8 NOT NULL,
    mean_symmetry            float8 NOT NULL,
    mean_fractal_dimension   float8 NOT NULL,
    radius_error             float8 NOT NULL,
    texture_error            float8 NOT NULL,
    perimeter_error          float8 NOT NULL,
    area_error               float8 NOT NULL,
    smoothness_error         float8 NOT NULL,
    compactness_error        float8 NOT NULL,
    concavity_error          float8 NOT NULL,
    concave_points_error     float8 NOT NULL,
    symmetry_error           float8 NOT NULL,
    fractal_dimension_error  float8 NOT NULL,
    worst_radius             float8 NOT NULL,
    worst_texture            float8 NOT NULL,
    worst_perimeter          float8 NOT NULL,
    worst_area               float8 NOT NULL,
    worst_smoothness         float8 NOT NULL,
    worst_compactness        float8 NOT NULL,
    worst_concavity          float8 NOT NULL,
    worst_concave_points     float8 NOT NULL,
    worst_symmetry           float8 NOT NULL,
    worst_fractal_dimension  float8 NOT NULL
);

\copy demo.breast_cancer FROM 'data/breast_cancer.csv' WITH (FORMAT csv, HEADER true)

SELECT diagnosis, count(*) AS tumours,
       round(avg(mean_radius)::numeric, 2) AS avg_mean_radius,
       round(avg(worst_concave_points)::numeric, 3) AS avg_worst_concave_points
FROM demo.breast_cancer
GROUP BY diagnosis
ORDER BY diagnosis DESC;

\echo '== 2. Standardise: the 30 measurements as z-scores in one float8[] per tumour'

-- Four tumours in five are for training, every fifth is held out for testing.
-- Each feature j becomes (v - mean_j) / stddev_j, the mean and standard
-- deviation taken over the training tumours only, so that nothing about the
-- test tumours leaks into the model.  Without this the areas (hundreds to
-- thousands) would swamp the smoothness (about 0.1) in ||w||.

-- the measurements of one tumour, in column order
CREATE FUNCTION demo.measurements(b demo.breast_cancer) RETURNS float8[]
LANGUAGE sql IMMUTABLE
RETURN ARRAY[b.mean_radius, b.mean_texture, b.mean_perimeter, b.mean_area,
             b.mean_smoothness, b.mean_compactness, b.mean_concavity,
             b.mean_concave_points, b.mean_symmetry, b.mean_fractal_dimension,
             b.radius_error, b.texture_error, b.perimeter_error, b.area_error,
             b.smoothness_error, b.compactness_error, b.concavity_error,
             b.concave_points_error, b.symmetry_error, b.fractal_dimension_error,
             b.worst_radius, b.worst_texture, b.worst_perimeter, b.worst_area,
             b.worst_smoothness, b.worst_compactness, b.worst_concavity,
             b.worst_concave_points, b.worst_symmetry, b.worst_fractal_dimension];

CREATE TABLE demo.feature_stats (
    j   int PRIMARY KEY,
    mu  float8 NOT NULL,
    sd  float8 NOT NULL CHECK (sd > 0)
);

INSERT INTO demo.feature_stats (j, mu, sd)
SELECT f.j, avg(f.v), stddev_pop(f.v)
FROM demo.breast_cancer b, unnest(demo.measurements(b)) WITH ORDINALITY AS f(v, j)
WHERE b.id % 5 <> 0
GROUP BY f.j;

-- the features of one tumour as the model sees them; new tumours go
-- through the same function (section 7)
CREATE FUNCTION demo.features(b demo.breast_cancer) RETURNS float8[]
LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT array_agg((f.v - s.mu) / s.sd ORDER BY f.j)
    FROM unnest(demo.measurements(b)) WITH ORDINALITY AS f(v, j)
    JOIN demo.feature_stats s USING (j);
END;

-- What hinge_train reads: the features, and the diagnosis as it is, a text
-- label.  y is the same label as -1/+1, for the lower-level functions
-- (hinge_margin, hinge_geometric_margin, hinge_margin_stats) that take it so.
CREATE TABLE demo.cells (
    id         int PRIMARY KEY REFERENCES demo.breast_cancer,
    diagnosis  text NOT NULL,
    x          float8[] NOT NULL CHECK (cardinality(x) = 30),
    y          float8 GENERATED ALWAYS AS
                   (CASE diagnosis WHEN 'malignant' THEN 1 ELSE -1 END) STORED
);

INSERT INTO demo.cells (id, diagnosis, x)
SELECT b.id, b.diagnosis, demo.features(b)
FROM demo.breast_cancer b;

CREATE VIEW demo.train AS SELECT * FROM demo.cells WHERE id % 5 <> 0;
CREATE VIEW demo.test  AS SELECT * FROM demo.cells WHERE id % 5 = 0;

SELECT split, count(*) AS tumours,
       count(*) FILTER (WHERE diagnosis = 'malignant') AS malignant,
       count(*) FILTER (WHERE diagnosis = 'benign') AS benign
FROM (SELECT 'train' AS split, diagnosis FROM demo.train
      UNION ALL
      SELECT 'test', diagnosis FROM demo.test) s
GROUP BY split
ORDER BY split DESC;

\echo '== 3. Train a linear SVM on the training split'
\echo '   hinge_train minimises lambda/2 ||w||^2 + mean hinge loss, one scan of demo.train'
\echo '   per pass, reporting its progress as NOTICEs (shown this once; the seconds vary):'
\echo

-- 'malignant' is the greater label, so it would be the positive class anyway;
-- positive => says so explicitly.
SET client_min_messages = notice;
SELECT name, classes, positive_class, passes,
       round(objective::numeric, 6) AS objective,
       round(lower_bound::numeric, 6) AS lower_bound,
       converged, rows_used, rows_skipped,
       round(train_seconds::numeric, 2) AS train_seconds
FROM hinge_train('breast_cancer', 'demo.train', 'x', 'diagnosis',
                 lambda => 1e-3, positive => 'malignant');
SET client_min_messages = warning;

\echo '   objective is the objective of the weights returned; lower_bound is a certified'
\echo '   lower bound on the best objective any weights could reach.  The true optimum'
\echo '   lies between them, so these weights are within the relative gap of optimal:'

SELECT round(((objective - lower_bound) / objective)::numeric, 6) AS relative_gap,
       0.001 AS tolerance,              -- hinge_train's default
       cardinality(weights) AS n_weights,
       round(weights[cardinality(weights)]::numeric, 4) AS intercept
FROM hinge_model
WHERE name = 'breast_cancer';

\echo '   the five heaviest weights (z-score units; positive pushes towards malignant):'

SELECT f.feature, round(u.w::numeric, 4) AS weight
FROM hinge_model m,
     unnest(m.weights[1:30]) WITH ORDINALITY AS u(w, j)
JOIN (SELECT attname AS feature, attnum - 2 AS j   -- columns 3..32 are features 1..30
      FROM pg_attribute
      WHERE attrelid = 'demo.breast_cancer'::regclass AND attnum > 2) f
  ON f.j = u.j
WHERE m.name = 'breast_cancer'
ORDER BY abs(u.w) DESC
LIMIT 5;

\echo '== 4. Evaluate on the held-out test split (train shown for comparison)'
\echo '   precision, recall and f1 are of the positive class, malignant'

SELECT split, e.n,
       round(e.accuracy::numeric, 4)    AS accuracy,
       round(e.precision::numeric, 4)   AS precision,
       round(e.recall::numeric, 4)      AS recall,
       round(e.f1::numeric, 4)          AS f1,
       e.true_positives AS tp, e.false_positives AS fp,
       e.true_negatives AS tn, e.false_negatives AS fn,
       round(e.mean_loss::numeric, 4)   AS mean_loss,
       round(e.objective::numeric, 4)   AS objective
FROM (VALUES ('test', 'demo.test'::regclass), ('train', 'demo.train')) AS s(split, rel),
     LATERAL hinge_evaluate('breast_cancer', s.rel, 'x', 'diagnosis') AS e
ORDER BY split DESC;

\echo '== 5. Score rows by model name: view demo.scored over the test split'

-- hinge_score / hinge_predict look the model up by name once per statement;
-- hinge_predict returns the class label itself.  The functional margin
-- y*score is >= 1 for a tumour beyond the margin, in (0, 1) inside it, <= 0
-- when misclassified; the geometric margin is the same divided by ||w||: the
-- signed distance to the hyperplane, in z-score units.
CREATE VIEW demo.scored AS
SELECT t.id, t.diagnosis,
       hinge_predict('breast_cancer', t.x) AS predicted,
       s.score,
       hinge_margin(t.y, s.score) AS margin,
       hinge_geometric_margin(m.weights, t.x, t.y) AS geometric_margin
FROM demo.test t
CROSS JOIN LATERAL (SELECT hinge_score('breast_cancer', t.x) AS score) s
CROSS JOIN (SELECT weights FROM hinge_model WHERE name = 'breast_cancer') m;

SELECT id, diagnosis, predicted,
       round(score::numeric, 4)            AS score,
       round(margin::numeric, 4)           AS margin,
       round(geometric_margin::numeric, 4) AS geometric_margin
FROM demo.scored
ORDER BY id
LIMIT 10;

\echo '   the misclassified test tumours:'

SELECT id, diagnosis, predicted,
       round(score::numeric, 4)            AS score,
       round(margin::numeric, 4)           AS margin,
       round(geometric_margin::numeric, 4) AS geometric_margin
FROM demo.scored
WHERE predicted <> diagnosis
ORDER BY margin;

\echo '== 6. Margin statistics with the aggregate hinge_margin_stats(w, x, y)'
\echo '   (violators: margin < 1; support vectors: margin <= 1; geometric_margin: 1/||w||,'
\echo '    the half-width of the margin band in z-score units)'

SELECT split, (st).n,
       round((st).mean_loss::numeric, 4)        AS mean_loss,
       (st).misclassified,
       (st).margin_violators,
       (st).support_vectors,
       round((st).accuracy::numeric, 4)         AS accuracy,
       round((st).min_margin::numeric, 4)       AS min_margin,
       round((st).mean_margin::numeric, 4)      AS mean_margin,
       round((st).geometric_margin::numeric, 4) AS geometric_margin
FROM (SELECT 'test' AS split, hinge_margin_stats(m.weights, t.x, t.y) AS st
      FROM demo.test t, hinge_model m WHERE m.name = 'breast_cancer'
      UNION ALL
      SELECT 'train', hinge_margin_stats(m.weights, t.x, t.y)
      FROM demo.train t, hinge_model m WHERE m.name = 'breast_cancer') s
ORDER BY split DESC;

\echo '== 7. Class weights: retrain with class_weight => ''balanced'''
\echo '   Malignant tumours are the minority (about 37%); balanced weights each class'
\echo '   n / (2 n_class), so a missed malignant tumour costs more than a false alarm.'

SELECT name, class_weights, passes, converged
FROM hinge_train('breast_cancer_balanced', 'demo.train', 'x', 'diagnosis',
                 lambda => 1e-3, positive => 'malignant', class_weight => 'balanced');

\echo '   the two models on the test split:'

SELECT model, e.n,
       round(e.accuracy::numeric, 4)  AS accuracy,
       round(e.precision::numeric, 4) AS precision,
       round(e.recall::numeric, 4)    AS recall,
       round(e.f1::numeric, 4)        AS f1,
       e.false_positives AS fp, e.false_negatives AS fn
FROM unnest(ARRAY['breast_cancer', 'breast_cancer_balanced']) AS model,
     LATERAL hinge_evaluate(model, 'demo.test', 'x', 'diagnosis') AS e
ORDER BY model;

\echo '== 8. A new tumour, not yet diagnosed: insert its measurements, score it by name'

-- Measurements as they would come from the lab (these are made up), with no
-- diagnosis yet.  demo.features standardises them with the training split's
-- statistics, as for every tumour the model was trained on.
INSERT INTO demo.breast_cancer VALUES
    (1001, NULL,
     16.5, 21.0, 108.0, 850.0, 0.100, 0.120, 0.110, 0.060, 0.190, 0.062,
     0.50, 1.20, 3.50, 55.0, 0.0065, 0.028, 0.035, 0.012, 0.020, 0.0037,
     19.5, 28.5, 130.0, 1180.0, 0.140, 0.300, 0.340, 0.140, 0.310, 0.086);

SELECT b.id, b.diagnosis,
       round(hinge_score('breast_cancer', demo.features(b))::numeric, 4) AS score,
       hinge_predict('breast_cancer', demo.features(b)) AS predicted,
       hinge_predict('breast_cancer_balanced', demo.features(b)) AS predicted_balanced
FROM demo.breast_cancer b
WHERE b.id = 1001;

\echo '== 9. Calibrated probabilities: Platt scaling on held-out rows'
\echo '   Scores are not probabilities; a sigmoid fitted to the test split''s scores'
\echo '   turns them into ones (a real project would keep a third split for this).'

SELECT round(calibration_a[1]::numeric, 4) AS a, round(calibration_b[1]::numeric, 4) AS b
FROM hinge_calibrate('breast_cancer', 'demo.test', 'x', 'diagnosis');

SELECT id, diagnosis,
       round(hinge_score('breast_cancer', x)::numeric, 3) AS score,
       round(hinge_probability('breast_cancer', x)::numeric, 3) AS p_malignant
FROM demo.test ORDER BY id LIMIT 6;

SELECT round(avg((hinge_probability('breast_cancer', x)
                  - (diagnosis = 'malignant')::int) ^ 2)::numeric, 4) AS brier_score
FROM demo.test;

\echo '== 10. A trigger scores new tumours as they arrive'

CREATE TABLE demo.arrivals (
    id int PRIMARY KEY,
    x float8[] NOT NULL,
    predicted text,
    p_predicted numeric
);
CREATE TRIGGER predicted BEFORE INSERT OR UPDATE ON demo.arrivals
    FOR EACH ROW EXECUTE FUNCTION hinge_score_trigger('breast_cancer', 'x', 'predicted', 'label');
CREATE TRIGGER p_predicted BEFORE INSERT OR UPDATE ON demo.arrivals
    FOR EACH ROW EXECUTE FUNCTION hinge_score_trigger('breast_cancer', 'x', 'p_predicted', 'probability');

INSERT INTO demo.arrivals (id, x)
SELECT b.id, demo.features(b) FROM demo.breast_cancer b WHERE b.id = 1001
UNION ALL
SELECT id, x FROM demo.test WHERE id IN (185, 200, 515);

SELECT id, predicted, round(p_predicted, 3) AS p_predicted FROM demo.arrivals ORDER BY id;

\echo
\echo 'Everything above is in schema demo (tables breast_cancer, feature_stats, cells,'
\echo 'arrivals; views train, test, scored); the models are rows of hinge_model.'
