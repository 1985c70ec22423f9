-- hinge demo: train a linear SVM on the Wisconsin diagnostic breast cancer
-- data, evaluate it on held-out tumours, and score tumours by model name;
-- then a text classifier of this machine's Debian package descriptions.
--
-- Run from the repository root (the \copy path and scripts/make_text_data.py
-- below are relative to it):
--     psql -X -v ON_ERROR_STOP=1 -f scripts/demo.sql
-- or let scripts/demo.sh set everything up and run it in a throwaway cluster.
-- Everything it makes lives in schema "demo", which it drops and recreates;
-- the trained models are rows of hinge_model (breast_cancer,
-- breast_cancer_balanced and packages), which a rerun replaces.  data/README.md says where
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

\echo '== 2. Split: four tumours in five to train, every fifth held out to test'

-- The model reads the 30 measurement columns as they are: hinge_train scales
-- them itself (scale => 'standard': z-scores with the training rows' means
-- and standard deviations) and folds the scaling into the weights it stores,
-- so the rows it scores need no preparation.
CREATE VIEW demo.train AS SELECT * FROM demo.breast_cancer WHERE id % 5 <> 0 AND diagnosis IS NOT NULL;
CREATE VIEW demo.test  AS SELECT * FROM demo.breast_cancer WHERE id % 5 = 0 AND diagnosis IS NOT NULL;

-- the measurement columns, in table order: the features, named once here
SELECT array_agg(attname::text ORDER BY attnum) AS measurements
FROM pg_attribute
WHERE attrelid = 'demo.breast_cancer'::regclass AND attnum > 2 AND NOT attisdropped
\gset

SELECT split, count(*) AS tumours,
       count(*) FILTER (WHERE diagnosis = 'malignant') AS malignant,
       count(*) FILTER (WHERE diagnosis = 'benign') AS benign
FROM (SELECT 'train' AS split, diagnosis FROM demo.train
      UNION ALL
      SELECT 'test', diagnosis FROM demo.test) s
GROUP BY split
ORDER BY split DESC;

\echo '== 3. Train a linear SVM on the raw measurements of the training split'
\echo '   hinge_train minimises lambda/2 ||w||^2 + mean hinge loss over the standardised'
\echo '   measurements, one scan of demo.train per pass, reporting its progress as'
\echo '   NOTICEs (shown this once; the seconds vary):'
\echo

-- 'malignant' is the greater label, so it would be the positive class anyway;
-- positive => says so explicitly.
SET client_min_messages = notice;
SELECT name, classes, positive_class, n_features, passes,
       round(objective::numeric, 6) AS objective,
       round(lower_bound::numeric, 6) AS lower_bound,
       converged, rows_used, rows_skipped,
       round(train_seconds::numeric, 2) AS train_seconds
FROM hinge_train('breast_cancer', 'demo.train', :'measurements'::text[], 'diagnosis',
                 lambda => 1e-3, positive => 'malignant', scale => 'standard');
SET client_min_messages = warning;

\echo '   objective is the objective of the weights returned (of the standardised'
\echo '   problem); lower_bound is a certified lower bound on the best objective any'
\echo '   weights could reach.  The true optimum lies between them, so these weights are'
\echo '   within the relative gap of optimal:'

SELECT round(((objective - lower_bound) / objective)::numeric, 6) AS relative_gap,
       0.001 AS tolerance,              -- hinge_train's default
       cardinality(weights) AS n_weights
FROM hinge_model
WHERE name = 'breast_cancer';

\echo '   the five most important measurements (scaled_weight: per standard deviation;'
\echo '   weight: per unit of the raw measurement; positive pushes towards malignant):'

SELECT feature, round(scaled_weight::numeric, 4) AS scaled_weight, round(weight::numeric, 6) AS weight
FROM hinge_weights('breast_cancer')
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
     LATERAL hinge_evaluate('breast_cancer', s.rel, :'measurements'::text[], 'diagnosis') AS e
ORDER BY split DESC;

\echo '== 5. Score rows by model name: view demo.scored over the test split'

-- hinge_score / hinge_predict look the model up by name once per statement
-- and read the columns they need from the row passed whole (t): nothing to
-- standardise, nothing to list.  hinge_predict returns the class label
-- itself.  The functional margin y*score is >= 1 for a tumour beyond the
-- margin, in (0, 1) inside it, <= 0 when misclassified.
CREATE VIEW demo.scored AS
SELECT t.id, t.diagnosis,
       hinge_predict('breast_cancer', t) AS predicted,
       s.score,
       hinge_margin(CASE t.diagnosis WHEN 'malignant' THEN 1 ELSE -1 END, s.score) AS margin
FROM demo.test t
CROSS JOIN LATERAL (SELECT hinge_score('breast_cancer', t) AS score) s;

SELECT id, diagnosis, predicted,
       round(score::numeric, 4)  AS score,
       round(margin::numeric, 4) AS margin
FROM demo.scored
ORDER BY id
LIMIT 10;

\echo '   the misclassified test tumours:'

SELECT id, diagnosis, predicted,
       round(score::numeric, 4)  AS score,
       round(margin::numeric, 4) AS margin
FROM demo.scored
WHERE predicted <> diagnosis
ORDER BY margin;

\echo '== 6. Margin statistics with the aggregate hinge_margin_stats(w, x, y)'
\echo '   The stored weights score raw measurements (the scaling is folded into them),'
\echo '   so the aggregates take the raw rows and the weights as they are.'
\echo '   (violators: margin < 1; support vectors: margin <= 1)'

-- the measurements of one tumour, in column order, as the weights take them
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

SELECT split, (st).n,
       round((st).mean_loss::numeric, 4)        AS mean_loss,
       (st).misclassified,
       (st).margin_violators,
       (st).support_vectors,
       round((st).accuracy::numeric, 4)         AS accuracy,
       round((st).min_margin::numeric, 4)       AS min_margin,
       round((st).mean_margin::numeric, 4)      AS mean_margin
FROM (SELECT 'test' AS split,
             hinge_margin_stats(m.weights, demo.measurements(t),
                                CASE t.diagnosis WHEN 'malignant' THEN 1 ELSE -1 END) AS st
      FROM demo.breast_cancer t, hinge_model m
      WHERE m.name = 'breast_cancer' AND t.id % 5 = 0 AND t.diagnosis IS NOT NULL
      UNION ALL
      SELECT 'train', hinge_margin_stats(m.weights, demo.measurements(t),
                                         CASE t.diagnosis WHEN 'malignant' THEN 1 ELSE -1 END)
      FROM demo.breast_cancer t, hinge_model m
      WHERE m.name = 'breast_cancer' AND t.id % 5 <> 0 AND t.diagnosis IS NOT NULL) s
ORDER BY split DESC;

\echo '== 7. Class weights: retrain with class_weight => ''balanced'''
\echo '   Malignant tumours are the minority (about 37%); balanced weights each class'
\echo '   n / (2 n_class), so a missed malignant tumour costs more than a false alarm.'

SELECT name, class_weights, passes, converged
FROM hinge_train('breast_cancer_balanced', 'demo.train', :'measurements'::text[], 'diagnosis',
                 lambda => 1e-3, positive => 'malignant', class_weight => 'balanced',
                 scale => 'standard');

\echo '   the two models on the test split:'

SELECT model, e.n,
       round(e.accuracy::numeric, 4)  AS accuracy,
       round(e.precision::numeric, 4) AS precision,
       round(e.recall::numeric, 4)    AS recall,
       round(e.f1::numeric, 4)        AS f1,
       e.false_positives AS fp, e.false_negatives AS fn
FROM unnest(ARRAY['breast_cancer', 'breast_cancer_balanced']) AS model,
     LATERAL hinge_evaluate(model, 'demo.test', :'measurements'::text[], 'diagnosis') AS e
ORDER BY model;

\echo '== 8. A new tumour, not yet diagnosed: insert its raw measurements, score it by name'

-- Measurements as they would come from the lab (these are made up), with no
-- diagnosis yet: scored as they are.
INSERT INTO demo.breast_cancer VALUES
    (1001, NULL,
     16.5, 21.0, 108.0, 850.0, 0.100, 0.120, 0.110, 0.060, 0.190, 0.062,
     0.50, 1.20, 3.50, 55.0, 0.0065, 0.028, 0.035, 0.012, 0.020, 0.0037,
     19.5, 28.5, 130.0, 1180.0, 0.140, 0.300, 0.340, 0.140, 0.310, 0.086);

SELECT b.id, b.diagnosis,
       round(hinge_score('breast_cancer', b)::numeric, 4) AS score,
       hinge_predict('breast_cancer', b) AS predicted,
       hinge_predict('breast_cancer_balanced', b) AS predicted_balanced
FROM demo.breast_cancer b
WHERE b.id = 1001;

\echo '   why: the measurements that contribute most to its score (they add up to it,'
\echo '   with the intercept):'

SELECT e.feature, round(e.value::numeric, 4) AS value, round(e.contribution::numeric, 4) AS contribution
FROM demo.breast_cancer b, hinge_explain('breast_cancer', b) e
WHERE b.id = 1001
LIMIT 5;

\echo '== 9. Calibrated probabilities: Platt scaling on held-out rows'
\echo '   Scores are not probabilities; a sigmoid fitted to the test split''s scores'
\echo '   turns them into ones (a real project would keep a third split for this).'

SELECT round(calibration_a[1]::numeric, 4) AS a, round(calibration_b[1]::numeric, 4) AS b
FROM hinge_calibrate('breast_cancer', 'demo.test', :'measurements'::text[], 'diagnosis');

SELECT id, diagnosis,
       round(hinge_score('breast_cancer', t)::numeric, 3) AS score,
       round(hinge_probability('breast_cancer', t)::numeric, 3) AS p_malignant
FROM demo.test t ORDER BY id LIMIT 6;

SELECT round(avg((hinge_probability('breast_cancer', t)
                  - (diagnosis = 'malignant')::int) ^ 2)::numeric, 4) AS brier_score
FROM demo.test t;

\echo '== 10. A trigger scores new tumours as they arrive'

CREATE TABLE demo.arrivals (LIKE demo.breast_cancer, predicted text, p_predicted numeric);
CREATE TRIGGER predicted BEFORE INSERT OR UPDATE ON demo.arrivals
    FOR EACH ROW EXECUTE FUNCTION hinge_score_trigger('breast_cancer', :'measurements', 'predicted', 'label');
CREATE TRIGGER p_predicted BEFORE INSERT OR UPDATE ON demo.arrivals
    FOR EACH ROW EXECUTE FUNCTION hinge_score_trigger('breast_cancer', :'measurements', 'p_predicted', 'probability');

INSERT INTO demo.arrivals
SELECT b.* FROM demo.breast_cancer b WHERE b.id IN (185, 200, 515, 1001);

SELECT id, diagnosis, predicted, round(p_predicted, 3) AS p_predicted FROM demo.arrivals ORDER BY id;

\echo '== 11. Text: is this Debian package a library? Its description as a tsvector'
\echo '   scripts/make_text_data.py builds demo.packages from this machine''s own'
\echo '   `apt-cache dumpavail` (nothing of it is in the repository; data/README.md):'
\echo '   one row per package, its Section, its descriptions and is_library, true for'
\echo '   the sections libs and libdevel.  The figures below depend on the machine''s'
\echo '   package lists.'

-- the script writes the table as a psql script to a temporary file, read here
\set packages_sql `mktemp`
\set made `/usr/bin/python3 scripts/make_text_data.py --tables packages --schema demo --output :'packages_sql' 2>&1 && echo ok`
SELECT :'made' NOT LIKE '%ok' AS make_failed \gset
\if :make_failed
\echo 'scripts/make_text_data.py failed:' :made
\endif
\i :packages_sql
\set removed `rm -f :'packages_sql'`

-- The words: to_tsvector stems them and drops stop words ("libraries" and
-- "library" are both librari).  A split by a hash of the name, stable from
-- run to run: about 3 packages in 16 to train, 2 in 16 held out, so that
-- training takes seconds.
CREATE TABLE demo.package_words AS
SELECT name, section, is_library,
       CASE WHEN md5(name) < '3' THEN 'train' WHEN md5(name) >= 'e' THEN 'test' END AS split,
       to_tsvector('english', description || ' ' || coalesce(long_description, '')) AS words
FROM demo.packages;
CREATE VIEW demo.package_train AS SELECT * FROM demo.package_words WHERE split = 'train';
CREATE VIEW demo.package_test AS SELECT * FROM demo.package_words WHERE split = 'test';

SELECT count(*) AS packages, count(*) FILTER (WHERE is_library) AS libraries,
       count(*) FILTER (WHERE split = 'train') AS train,
       count(*) FILTER (WHERE split = 'test') AS test
FROM demo.package_words;

\echo '   Train on the tsvector column: a vocabulary of the terms in at least 2 training'
\echo '   descriptions, each weighted by tf-idf, each description scaled to unit length'
\echo '   (these are the defaults for text but min_df, which is 1), stored with the model:'

SELECT name, feature_type, n_features, rows_used, converged
FROM hinge_train('packages', 'demo.package_train', 'words', 'is_library',
                 lambda => 1e-4, weighting => 'tfidf', l2_normalize => true, min_df => 2);

\echo '   on the held-out packages:'

SELECT n, round(accuracy::numeric, 3) AS accuracy, round(precision::numeric, 3) AS precision,
       round(recall::numeric, 3) AS recall, round(f1::numeric, 3) AS f1
FROM hinge_evaluate('packages', 'demo.package_test', 'words', 'is_library');

\echo '   the words that push most towards a library, and most away from one (the'
\echo '   libraries of Python, Perl, OCaml... have sections of their own, not libs):'

(SELECT 'library' AS towards, feature AS word, round(weight::numeric, 2) AS weight
 FROM hinge_weights('packages') WHERE feature <> '(intercept)' ORDER BY weight DESC LIMIT 6)
UNION ALL
(SELECT 'not a library', feature, round(weight::numeric, 2)
 FROM hinge_weights('packages') WHERE feature <> '(intercept)' ORDER BY weight ASC LIMIT 6);

\echo '   a new description, scored whole (words never seen in training count for nothing),'
\echo '   and why:'

SELECT hinge_predict('packages', to_tsvector('english', 'C library for parsing JSON')) AS json_library,
       hinge_predict('packages', to_tsvector('english', 'command-line tool to resize photos')) AS photo_tool;

SELECT e.feature AS word, round(e.value::numeric, 3) AS tf_idf, round(e.contribution::numeric, 3) AS contribution
FROM (SELECT to_tsvector('english', 'C library for parsing JSON') AS words) AS d,
     hinge_explain('packages', d) AS e;

\echo '   a trigger classifies packages as they are inserted: the built-in'
\echo '   tsvector_update_trigger fills words first (triggers fire in name order),'
\echo '   then hinge_score_trigger the predicted class:'

CREATE TABLE demo.new_packages (name text PRIMARY KEY, description text, words tsvector,
                                library_predicted text);
CREATE TRIGGER a_words BEFORE INSERT OR UPDATE ON demo.new_packages
    FOR EACH ROW EXECUTE FUNCTION tsvector_update_trigger(words, 'pg_catalog.english', description);
CREATE TRIGGER b_library BEFORE INSERT OR UPDATE ON demo.new_packages
    FOR EACH ROW EXECUTE FUNCTION hinge_score_trigger('packages', 'words', 'library_predicted', 'label');

INSERT INTO demo.new_packages (name, description) VALUES
    ('libfrobnicate3', 'runtime library for frobnicating widgets'),
    ('libfrobnicate-dev', 'development files (headers and static library) for libfrobnicate'),
    ('frobnicate-doc', 'documentation and examples for libfrobnicate'),
    ('frobnicate-gui', 'graphical editor for frobnicated widgets');

SELECT name, library_predicted, description FROM demo.new_packages ORDER BY name;

\echo
\echo 'Everything above is in schema demo (tables breast_cancer, arrivals, packages,'
\echo 'package_words, new_packages; views train, test, scored, package_train,'
\echo 'package_test); the models are rows of hinge_model.'
