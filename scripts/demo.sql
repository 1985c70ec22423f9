-- hinge demo: score the Wisconsin diagnostic breast cancer data with a linear
-- classifier and look at it through hinge's losses and margins.
--
-- Run from the repository root (the \copy path below is relative to it):
--     psql -X -v ON_ERROR_STOP=1 -f scripts/demo.sql
-- or let scripts/demo.sh set everything up and run it in a throwaway cluster.
-- Everything it makes lives in schema "demo", which it drops and recreates.
--
-- The classifier is nearest centroid, computed in plain SQL: a stand-in until
-- hinge can train a linear SVM itself.  data/README.md says where the data
-- comes from and how scripts/make_demo_data.py made the CSV.

\set QUIET on
SET client_min_messages = warning;

CREATE EXTENSION IF NOT EXISTS hinge;
DROP SCHEMA IF EXISTS demo CASCADE;
CREATE SCHEMA demo;

\echo
\echo '== 1. Load data/breast_cancer.csv: 569 tumours, 30 features of the cell nuclei, a diagnosis'

CREATE TABLE demo.breast_cancer (
    id                       int PRIMARY KEY,
    diagnosis                text NOT NULL CHECK (diagnosis IN ('malignant', 'benign')),
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

\echo '== 2. Features as z-scores in one float8[] per tumour; label y = +1 malignant, -1 benign'

-- Each feature j is standardised as (v - mean_j) / stddev_j, with the mean and
-- (population) standard deviation taken over the whole table.  Without this
-- the areas (hundreds to thousands) would swamp the smoothness (about 0.1).
CREATE TABLE demo.cells (
    id  int PRIMARY KEY REFERENCES demo.breast_cancer,
    x   float8[] NOT NULL CHECK (cardinality(x) = 30),
    y   float8 NOT NULL CHECK (y IN (-1, 1))
);

INSERT INTO demo.cells (id, x, y)
WITH raw AS (
    SELECT id, diagnosis,
           ARRAY[mean_radius, mean_texture, mean_perimeter, mean_area,
                 mean_smoothness, mean_compactness, mean_concavity,
                 mean_concave_points, mean_symmetry, mean_fractal_dimension,
                 radius_error, texture_error, perimeter_error, area_error,
                 smoothness_error, compactness_error, concavity_error,
                 concave_points_error, symmetry_error, fractal_dimension_error,
                 worst_radius, worst_texture, worst_perimeter, worst_area,
                 worst_smoothness, worst_compactness, worst_concavity,
                 worst_concave_points, worst_symmetry, worst_fractal_dimension]
               AS features
    FROM demo.breast_cancer
), long AS (                    -- one row per (tumour, feature j)
    SELECT raw.id, raw.diagnosis, f.j, f.v
    FROM raw, unnest(raw.features) WITH ORDINALITY AS f(v, j)
), stats AS (
    SELECT j, avg(v) AS mu, stddev_pop(v) AS sd
    FROM long
    GROUP BY j
)
SELECT long.id,
       array_agg((long.v - stats.mu) / stats.sd ORDER BY long.j),
       CASE min(long.diagnosis) WHEN 'malignant' THEN 1 ELSE -1 END
FROM long JOIN stats USING (j)
GROUP BY long.id;

-- four tumours in five to learn from, every fifth to test on
CREATE VIEW demo.train AS SELECT * FROM demo.cells WHERE id % 5 <> 0;
CREATE VIEW demo.test  AS SELECT * FROM demo.cells WHERE id % 5 = 0;

SELECT split, count(*) AS tumours,
       count(*) FILTER (WHERE y = 1) AS malignant,
       count(*) FILTER (WHERE y = -1) AS benign
FROM (SELECT 'train' AS split, y FROM demo.train
      UNION ALL
      SELECT 'test', y FROM demo.test) s
GROUP BY split
ORDER BY split DESC;

\echo '== 3. A linear classifier from the training split: nearest centroid'

-- w = mean(x | y = +1) - mean(x | y = -1), element by element, and intercept
-- b = -w.(mu_plus + mu_minus)/2, so the hyperplane w.x + b = 0 is the
-- perpendicular bisector of the two class centroids.  Stored as w || b
-- (31 elements, intercept last), the layout hinge_score expects.
CREATE TABLE demo.model (
    name  text PRIMARY KEY,
    w     float8[] NOT NULL
);

INSERT INTO demo.model (name, w)
WITH centroid AS (              -- mean of feature j within each class
    SELECT t.y, f.j, avg(f.v) AS mu
    FROM demo.train t, unnest(t.x) WITH ORDINALITY AS f(v, j)
    GROUP BY t.y, f.j
), direction AS (
    SELECT plus.j,
           plus.mu - minus.mu AS w,
           plus.mu + minus.mu AS mu_sum
    FROM centroid plus
    JOIN centroid minus ON minus.j = plus.j AND minus.y = -1
    WHERE plus.y = 1
)
SELECT 'nearest_centroid_raw',
       array_agg(w ORDER BY j) || -sum(w * mu_sum) / 2
FROM direction;

-- Scaling w (intercept included) by a positive constant moves no prediction,
-- but the hinge loss is not scale-free: it charges every point whose
-- functional margin y*score is below 1.  The raw centroid difference has an
-- arbitrary length, so its margins are in arbitrary units.  Dividing by the
-- median functional margin on train puts the "margin = 1" line in the middle
-- of the training data: half the training points sit beyond it (loss 0), half
-- inside it or misclassified (loss > 0), roughly where an SVM's margin falls
-- on data that is not perfectly separable.
INSERT INTO demo.model (name, w)
SELECT 'nearest_centroid',
       array(SELECT e / med FROM unnest(m.w) WITH ORDINALITY AS u(e, k) ORDER BY k)
FROM demo.model m,
     LATERAL (SELECT percentile_cont(0.5) WITHIN GROUP
                     (ORDER BY hinge_margin(t.y, hinge_score(m.w, t.x))) AS med
              FROM demo.train t) s
WHERE m.name = 'nearest_centroid_raw';

SELECT m.name,
       cardinality(m.w) AS n_weights,
       round(m.w[31]::numeric, 4) AS intercept,
       round(sqrt((SELECT sum(e * e) FROM unnest(m.w[1:30]) e))::numeric, 4) AS norm_w,
       round(percentile_cont(0.5) WITHIN GROUP
             (ORDER BY hinge_margin(t.y, hinge_score(m.w, t.x)))::numeric, 4)
           AS median_train_margin
FROM demo.model m, demo.train t
GROUP BY m.name, m.w
ORDER BY m.name DESC;

\echo '   the five heaviest weights of the scaled model (features in z-score units):'

SELECT f.name AS feature, round(u.w::numeric, 4) AS weight
FROM demo.model m,
     unnest(m.w[1:30]) WITH ORDINALITY AS u(w, j)
JOIN (SELECT attname AS name, attnum - 2 AS j   -- columns 3..32 are features 1..30
      FROM pg_attribute
      WHERE attrelid = 'demo.breast_cancer'::regclass AND attnum > 2) f
  ON f.j = u.j
WHERE m.name = 'nearest_centroid'
ORDER BY abs(u.w) DESC
LIMIT 5;

\echo '== 4. Accuracy: the test split is what counts, train shown for comparison'

SELECT split, count(*) AS tumours,
       count(*) FILTER (WHERE hinge_predict(m.w, s.x) = s.y) AS correct,
       round(avg((hinge_predict(m.w, s.x) = s.y)::int)::numeric, 4) AS accuracy
FROM (SELECT 'train' AS split, x, y FROM demo.train
      UNION ALL
      SELECT 'test', x, y FROM demo.test) s,
     demo.model m
WHERE m.name = 'nearest_centroid'
GROUP BY split
ORDER BY split DESC;

\echo '== confusion counts on test (rows: true diagnosis, columns: predicted)'

SELECT CASE t.y WHEN 1 THEN 'malignant' ELSE 'benign' END AS diagnosis,
       count(*) FILTER (WHERE hinge_predict(m.w, t.x) = 1)  AS predicted_malignant,
       count(*) FILTER (WHERE hinge_predict(m.w, t.x) = -1) AS predicted_benign
FROM demo.test t, demo.model m
WHERE m.name = 'nearest_centroid'
GROUP BY t.y
ORDER BY t.y DESC;

\echo '== losses and margins on test'

SELECT round(avg(hinge_loss(t.y, s.score))::numeric, 4)         AS mean_hinge_loss,
       round(avg(squared_hinge_loss(t.y, s.score))::numeric, 4) AS mean_squared_hinge_loss,
       count(*) FILTER (WHERE hinge_margin(t.y, s.score) < 1)   AS margin_violators,
       round(avg(hinge_geometric_margin(m.w, t.x, t.y))::numeric, 4) AS mean_geometric_margin,
       round(min(hinge_geometric_margin(m.w, t.x, t.y))::numeric, 4) AS min_geometric_margin
FROM demo.test t, demo.model m,
     LATERAL (SELECT hinge_score(m.w, t.x) AS score) s
WHERE m.name = 'nearest_centroid';

\echo '   (margin violators: functional margin y*score below 1, i.e. hinge_loss > 0;'
\echo '    geometric margin: signed distance to the hyperplane in z-score units,'
\echo '    negative when misclassified)'
\echo

\echo '== the same test split under the unscaled model: same predictions and'
\echo '   geometric margins, different hinge loss'

SELECT m.name,
       round(avg((hinge_predict(m.w, t.x) = t.y)::int)::numeric, 4) AS accuracy,
       round(avg(hinge_loss(t.y, hinge_score(m.w, t.x)))::numeric, 4) AS mean_hinge_loss,
       count(*) FILTER (WHERE hinge_margin(t.y, hinge_score(m.w, t.x)) < 1) AS margin_violators,
       round(avg(hinge_geometric_margin(m.w, t.x, t.y))::numeric, 4) AS mean_geometric_margin
FROM demo.test t, demo.model m
GROUP BY m.name
ORDER BY m.name DESC;

\echo '== ten scored test tumours'

SELECT b.id, b.diagnosis,
       round(hinge_score(m.w, t.x)::numeric, 4)                AS hinge_score,
       hinge_predict(m.w, t.x)                                 AS hinge_predict,
       round(hinge_loss(t.y, hinge_score(m.w, t.x))::numeric, 4)   AS hinge_loss,
       round(hinge_margin(t.y, hinge_score(m.w, t.x))::numeric, 4) AS hinge_margin
FROM demo.test t
JOIN demo.breast_cancer b USING (id)
CROSS JOIN demo.model m
WHERE m.name = 'nearest_centroid'
ORDER BY b.id
LIMIT 10;

\echo 'Everything above is in schema demo: tables breast_cancer, cells, model; views train, test.'
