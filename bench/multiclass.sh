#!/bin/bash
# bench/multiclass.sh: multiclass passes against the scan floor, and
# hinge_train against exporting the rows and liblinear -s 4.
#
#   bench/multiclass.sh [--rows N] [--features D] [--reps R]
#
# Builds (or reuses) a deterministic table mc_rows(id int, x float8[], label
# int) of N rows (default 100,000) x D features (default 50) and 10 classes:
# x[j] = 2 frac(sin(12.9898 i + 78.233 j) 43758.5453) - 1 as in bench_rows,
# and label = the argmax over c = 1..10 of M[c] . x + 2 u(i, c), with M a
# fixed 10 x D matrix of the same hash (entries in [-1, 1)) and u(i, c) a
# hashed noise in [-1, 1): learnable, not separable (the noise-free argmax
# agrees with the label on about 64% of the rows).  Then, in one run:
#
# 1. one pass of each multiclass aggregate, serial, timed in the server
#    (median of R runs, round robin after a warm-up) against the floor
#    sum(cardinality(x)):
#      multiclass_hinge_cutting_plane(W, x, label, lambda, variant, cw)
#      multiclass_hinge_line_objective(line, x, label, lambda, variant, cw)
#    for crammer_singer and weston_watkins, and one_vs_rest_cutting_planes,
#    with W a 10 x D matrix of small constants, line = 0 stacked on W
#    (20 x D), cw = 10 ones;
# 2. hinge_train('mc', 'mc_rows', 'x', 'label', lambda => L,
#    intercept => false) (crammer_singer, tolerance 1e-3), serial and with
#    the default parallel settings, timed in the server: passes, objective,
#    certified lower bound;
# 3. the alternative: psql's \copy of the rows as libsvm text (labels
#    1..10), then liblinear-train -s 4 -c C, C = 1 / (L N), each on the wall
#    clock; the objective of liblinear's weights computed in SQL with
#    multiclass_hinge_objective(W, x, label, L, 'crammer_singer');
# 4. hinge_train with multiclass => 'one_vs_rest' and 'weston_watkins'
#    once each (serial), for their times and passes.
#
# L is 1e-3 (C = 0.01 at 100,000 rows); HINGE_BENCH_LAMBDA=1e-4 chooses
# another.  It prints
#
#   ratio hinge/(export + liblinear): serial X.XXX, parallel X.XXX
#
# Connects with the usual libpq variables; with none set, it runs itself
# again under pg_virtualenv (see bench/common.sh and bench/README.md).
# Needs liblinear-train (Debian package liblinear-tools), or
# HINGE_BENCH_LIBLINEAR=/path/to/train.  HINGE_BENCH_KEEP=1 keeps the files
# (libsvm text, liblinear's model and log).  Exits 0 whatever the ratios,
# non-zero on any error.
set -euo pipefail

BENCH_NAME=multiclass.sh
ROWS=100000
FEATURES=50
REPS=5
CLASSES=10
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_parse_args "$@"

LIBLINEAR=${HINGE_BENCH_LIBLINEAR:-liblinear-train}
command -v "$LIBLINEAR" >/dev/null ||
    bench_die "no $LIBLINEAR (Debian: apt-get install liblinear-tools)"

bench_reexec "${BASH_SOURCE[0]}"

LAMBDA=${HINGE_BENCH_LAMBDA:-1e-3}
TOLERANCE=1e-3
# liblinear -s 4 minimises 1/2 ||W||^2 + C sum loss; hinge lambda/2 ||W||^2
# + (1/n) sum loss: the same minimiser when C = 1 / (lambda n)
C=$(awk -v l="$LAMBDA" -v n="$ROWS" 'BEGIN { printf "%.6g", 1 / (l * n) }')
SERIAL="max_parallel_workers_per_gather=0"
PSQL+=(-v lambda="$LAMBDA" -v tolerance="$TOLERANCE" -v classes="$CLASSES")

bench_training_setup multiclass

echo "hinge multiclass benchmark: $ROWS rows x $FEATURES features x $CLASSES classes, lambda $LAMBDA, no intercept, tolerance $TOLERANCE; liblinear -s 4 -c $C; passes: median of $REPS runs"

# 1. The table: built only when missing or of another size (the table
# comment records what was built).
"${PSQL[@]}" <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS hinge;
SET max_parallel_workers_per_gather = 0;
SET jit = off;
SELECT set_config('hinge_bench.rows', :'rows', false),
       set_config('hinge_bench.features', :'features', false),
       set_config('hinge_bench.classes', :'classes', false) \gset
SET client_min_messages = notice;
DO $build$
DECLARE
    n int := current_setting('hinge_bench.rows')::int;
    d int := current_setting('hinge_bench.features')::int;
    k int := current_setting('hinge_bench.classes')::int;
    stamp text := format('hinge bench mc_rows rows=%s features=%s classes=%s gen=1', n, d, k);
    t0 timestamptz := clock_timestamp();
    ok bool;
BEGIN
    ok := obj_description(to_regclass('mc_rows'), 'pg_class') = stamp;
    IF ok THEN
        SELECT count(*) = n INTO ok FROM mc_rows;
    END IF;
    IF ok THEN
        RAISE NOTICE 'reusing mc_rows (%)', stamp;
        RETURN;
    END IF;
    RAISE NOTICE 'building mc_rows (%)...', stamp;
    PERFORM set_config('client_min_messages', 'warning', true);
    DROP TABLE IF EXISTS mc_rows;
    PERFORM set_config('client_min_messages', 'notice', true);
    -- x: the hash of bench_rows (see bench/common.sh); M[c][j]: the same
    -- hash with other constants; the noise u(i, c) too.  All float8.
    EXECUTE format($q$
        CREATE UNLOGGED TABLE mc_rows AS
        SELECT id, x,
               (SELECT c
                FROM (SELECT c, (SELECT sum(m.m[c][j] * x[j]) FROM generate_series(1, %1$s) j)
                                + 2 * (2 * (e - floor(e)) - 1) AS s
                      FROM generate_series(1, %3$s) c,
                           LATERAL (SELECT sin(id * 3.7719::float8 + c * 17.31::float8)
                                           * 43758.5453::float8 AS e) u) scores
                ORDER BY s DESC, c LIMIT 1) AS label
        FROM (SELECT i AS id,
                     array(SELECT 2 * (h - floor(h)) - 1
                           FROM (SELECT sin(i * 12.9898::float8 + j * 78.233::float8)
                                        * 43758.5453::float8 AS h
                                 FROM generate_series(1, %1$s) j) hashes) AS x
              FROM generate_series(1, %2$s) i
              OFFSET 0) r,
             (SELECT array(SELECT array(SELECT 2 * (h - floor(h)) - 1
                                        FROM (SELECT sin(c * 4.1414::float8 + j * 91.7::float8)
                                                     * 43758.5453::float8 AS h
                                              FROM generate_series(1, %1$s) j) hashes)
                           FROM generate_series(1, %3$s) c) AS m) m
        $q$, d, n, k);
    EXECUTE format('COMMENT ON TABLE mc_rows IS %L', stamp);
    RAISE NOTICE 'built in % s',
        round(extract(epoch FROM clock_timestamp() - t0)::numeric, 1);
END
$build$;
SQL
"${PSQL[@]}" -c 'VACUUM (FREEZE, ANALYZE) mc_rows'

"${PSQL[@]}" -A -t <<'SQL'
SET client_min_messages = warning;
DROP TABLE IF EXISTS bench_mc_results;
-- step: hinge serial, hinge parallel, export, liblinear, one_vs_rest, weston_watkins
CREATE UNLOGGED TABLE bench_mc_results (
    step text NOT NULL, seconds float8 NOT NULL,
    passes int, objective float8, lower_bound float8, converged bool,
    train_seconds float8, cpu_seconds float8);
SELECT format('PostgreSQL %s, shared_buffers %s; mc_rows %s, %s classes: %s',
              current_setting('server_version'), current_setting('shared_buffers'),
              pg_size_pretty(pg_table_size('mc_rows')),
              (SELECT count(DISTINCT label) FROM mc_rows),
              (SELECT string_agg(label || ':' || n, ' ' ORDER BY label)
               FROM (SELECT label, count(*) AS n FROM mc_rows GROUP BY label) l));
SELECT 'note: mc_rows is over shared_buffers/4, so its scans read it through a '
       'small ring of buffers from the kernel''s page cache (slower, noisier floor)'
WHERE pg_relation_size('mc_rows') / 8192 >
      (SELECT setting::bigint FROM pg_settings WHERE name = 'shared_buffers') / 4;
SQL

# 2. One pass of each aggregate against the floor (bench_run of common.sh).
{ bench_timing_sql; cat <<'SQL'; } | "${PSQL[@]}" -A -t
-- W[c][j] = ((7 c + j) mod 5 - 2) / 100; the line: zeros stacked on W
SELECT array(SELECT array(SELECT ((7 * c + j) % 5 - 2) / 100.0
                          FROM generate_series(1, :features) j)
             FROM generate_series(1, :classes) c)::float8[]::text AS w,
       array(SELECT array(SELECT CASE WHEN c <= :classes THEN 0
                                      ELSE ((7 * (c - :classes) + j) % 5 - 2) / 100.0 END
                          FROM generate_series(1, :features) j)
             FROM generate_series(1, 2 * :classes) c)::float8[]::text AS line,
       array_fill(1::float8, ARRAY[:classes])::text AS cw \gset
INSERT INTO bench_queries (k, floor_k, label, sql) VALUES
 (1, 1, 'floor: sum(cardinality(x))', 'SELECT sum(cardinality(x)) FROM mc_rows'),
 (2, 1, 'crammer_singer cutting plane',
  format('SELECT cardinality(multiclass_hinge_cutting_plane(%L::float8[], x, label, %s, ''crammer_singer'', %L::float8[])) FROM mc_rows',
         :'w', :'lambda', :'cw')),
 (3, 1, 'crammer_singer line objective (32 points)',
  format('SELECT cardinality(multiclass_hinge_line_objective(%L::float8[], x, label, %s, ''crammer_singer'', %L::float8[])) FROM mc_rows',
         :'line', :'lambda', :'cw')),
 (4, 1, 'weston_watkins cutting plane',
  format('SELECT cardinality(multiclass_hinge_cutting_plane(%L::float8[], x, label, %s, ''weston_watkins'', %L::float8[])) FROM mc_rows',
         :'w', :'lambda', :'cw')),
 (5, 1, 'weston_watkins line objective (32 points)',
  format('SELECT cardinality(multiclass_hinge_line_objective(%L::float8[], x, label, %s, ''weston_watkins'', %L::float8[])) FROM mc_rows',
         :'line', :'lambda', :'cw')),
 (6, 1, 'one_vs_rest cutting planes',
  format('SELECT cardinality(one_vs_rest_cutting_planes(%L::float8[], x, label, %s, %L::float8[])) FROM mc_rows',
         :'w', :'lambda', :'cw'));

SELECT pg_temp.bench_run(:reps, :rows::bigint * :features) \g /dev/null

SELECT '';
SELECT format('one pass, serial, %s rows x %s features x %s classes:', :rows, :features, :classes);
SELECT format('%-44s %10s %10s %7s %9s', 'query', 'median ms', 'min ms', 'ratio', 'ns a row');
SELECT format('%-44s %10s %10s %7s %9s', label, to_char(median_ms, 'FM999999990.00'),
              to_char(min_ms, 'FM999999990.00'), to_char(ratio, 'FM990.00'),
              to_char(1e6 * median_ms / :rows, 'FM9999990'))
FROM bench_summary ORDER BY k;
SELECT format('crammer_singer pass/floor: cutting plane %s, line objective %s',
              to_char(cp.ratio, 'FM990.00'), to_char(lo.ratio, 'FM990.00'))
FROM bench_summary cp, bench_summary lo WHERE cp.k = 2 AND lo.k = 3;
SQL

# 3. hinge_train, timed in the server in a session warmed by one scan of
# the table; its NOTICEs go to a log.
hinge_run() {  # step, settings, multiclass strategy
    { echo "$CPU_SQL"; cat <<'SQL'; } >"$WORK/hinge.sql"
SET client_min_messages = warning;
SET jit = off;
SET max_parallel_workers_per_gather = 0;
SELECT sum(cardinality(x)) FROM mc_rows \g /dev/null
RESET max_parallel_workers_per_gather;
SELECT set_config(split_part(p, '=', 1), split_part(p, '=', 2), false)
FROM unnest(string_to_array(:'settings', ',')) p \g /dev/null
SELECT set_config('hinge_bench.lambda', :'lambda', false),
       set_config('hinge_bench.tolerance', :'tolerance', false),
       set_config('hinge_bench.strategy', :'strategy', false) \g /dev/null
CREATE FUNCTION pg_temp.timed_train(
    OUT seconds float8, OUT passes int, OUT objective float8, OUT lower_bound float8,
    OUT converged bool, OUT train_seconds float8, OUT cpu_seconds float8)
LANGUAGE plpgsql AS $f$
DECLARE
    t0 timestamptz := clock_timestamp();
    cpu0 float8 := pg_temp.cpu_seconds();
BEGIN
    SELECT m.passes, m.objective, m.lower_bound, m.converged, m.train_seconds
    INTO passes, objective, lower_bound, converged, train_seconds
    FROM hinge_train('mc', 'mc_rows', 'x', 'label',
                     lambda => current_setting('hinge_bench.lambda')::float8,
                     intercept => false,
                     tolerance => current_setting('hinge_bench.tolerance')::float8,
                     multiclass => current_setting('hinge_bench.strategy')) m;
    seconds := extract(epoch FROM clock_timestamp() - t0);
    cpu_seconds := pg_temp.cpu_seconds() - cpu0;  -- this backend only
END
$f$;
SET client_min_messages = notice;
INSERT INTO bench_mc_results SELECT :'step', t.* FROM pg_temp.timed_train() t;
SET client_min_messages = warning;
-- keep the weights under the step's name
DELETE FROM hinge_model WHERE name = 'mc_' || replace(:'step', ' ', '_');
UPDATE hinge_model SET name = 'mc_' || replace(:'step', ' ', '_') WHERE name = 'mc';
SQL
    local log="$WORK/hinge-${1// /_}.log"
    "${PSQL[@]}" -A -t -v step="$1" -v settings="$2" -v strategy="$3" \
        -f "$WORK/hinge.sql" 2>"$log" ||
        { cat "$log" >&2; bench_die "hinge_train ($1) failed"; }
}

# The export: one libsvm line a row ("label 1:x1 2:x2 ..."), psql's \copy to
# a file on the client, timed from psql (\! date) in a session warmed alike.
export_run() {
    local fmt
    fmt="%s$(seq -f ' %.0f:%%s' 1 "$FEATURES" | tr -d '\n')"
    { echo "$CPU_SQL"; cat <<SQL; } >"$WORK/export.sql"
SET client_min_messages = warning;
SET jit = off;
SET max_parallel_workers_per_gather = 0;
SELECT sum(cardinality(x)) FROM mc_rows \\g /dev/null
SELECT coalesce(pg_temp.cpu_seconds()::text, 'NULL') AS cpu0 \\gset
\\! date +%s.%N > '$WORK/export.t0'
\\copy (SELECT format('$fmt', VARIADIC array_prepend(label::float8, x)::text[]) FROM mc_rows) TO '$SVM'
\\! date +%s.%N > '$WORK/export.t1'
SELECT pg_temp.cpu_seconds() - :cpu0 \\g '$WORK/export.cpu'
SQL
    { time "${PSQL[@]}" -A -t -f "$WORK/export.sql" 2>"$WORK/export.err" ; } 2>"$WORK/export.time" ||
        { cat "$WORK/export.err" >&2; bench_die "the export failed"; }
    "${PSQL[@]}" -c "INSERT INTO bench_mc_results (step, seconds, cpu_seconds)
                     VALUES ('export', $(elapsed "$(cat "$WORK/export.t0")" "$(cat "$WORK/export.t1")"),
                             nullif('$(cat "$WORK/export.cpu")', '')::float8 + $(cpu_of "$WORK/export.time"))"
}

# liblinear on the file, its default -e (0.1 for -s 4)
liblinear_run() {
    { time "$LIBLINEAR" -s 4 -c "$C" "$SVM" "$WORK/model" >"$WORK/liblinear.log" 2>&1 ; } \
        2>"$WORK/liblinear.time" ||
        { cat "$WORK/liblinear.log" >&2; bench_die "$LIBLINEAR failed"; }
    "${PSQL[@]}" -c "INSERT INTO bench_mc_results (step, seconds, cpu_seconds)
                     VALUES ('liblinear', $(wall_of "$WORK/liblinear.time"), $(cpu_of "$WORK/liblinear.time"))"
}

# Whether the passes of the "parallel" mode get workers: auto_explain (a
# superuser's LOAD) shows the queries hinge_train runs through SPI; one
# short training (max_passes 2) is enough.  Not timed.
if "${PSQL[@]}" -A -t -c "SELECT rolsuper FROM pg_roles WHERE rolname = current_user" | grep -qx t; then
    "${PSQL[@]}" -A -t >"$WORK/plans.log" 2>&1 <<'SQL' || true
SET jit = off;
LOAD 'auto_explain';
SET auto_explain.log_min_duration = 0;
SET auto_explain.log_nested_statements = on;
SET auto_explain.log_analyze = on;
SET auto_explain.log_timing = off;
SET auto_explain.log_level = notice;
SET client_min_messages = notice;
SELECT passes FROM hinge_train('mc_plans', 'mc_rows', 'x', 'label', lambda => :lambda,
                               intercept => false, max_passes => 2);
SET client_min_messages = warning;
DELETE FROM hinge_model WHERE name = 'mc_plans';
SQL
    passes=$(grep -Ec 'Query Text: SELECT [a-z_.]*multiclass_hinge_(cutting_plane|line_objective)' "$WORK/plans.log" || true)
    launched=$(grep -Ec 'Workers Launched: [1-9]' "$WORK/plans.log" || true)
    echo "default parallel settings, plans of a 2-pass training (auto_explain): $passes pass queries, $launched with workers launched"
    [ "$launched" -gt 0 ] ||
        echo "note: no parallel workers for the passes, so the parallel mode runs serially too"
else
    echo "(plans not shown: auto_explain needs a superuser)"
fi

echo "hinge_train crammer_singer, serial..."
hinge_run "hinge serial" "$SERIAL" crammer_singer
echo "hinge_train crammer_singer, default parallel settings..."
hinge_run "hinge parallel" "" crammer_singer
echo "export to libsvm text..."
export_run
echo "liblinear-train -s 4 -c $C..."
liblinear_run
echo "hinge_train one_vs_rest, serial..."
hinge_run "one_vs_rest" "$SERIAL" one_vs_rest
echo "hinge_train weston_watkins, serial..."
hinge_run "weston_watkins" "$SERIAL" weston_watkins

for step in "hinge serial" "hinge parallel" one_vs_rest weston_watkins; do
    echo "last NOTICE of hinge_train ($step): $(grep -h 'NOTICE' "$WORK/hinge-${step// /_}.log" | tail -1 | sed 's/^.*NOTICE: *//')"
done
echo "libsvm file: $(wc -c <"$SVM") bytes; first line starts: $(head -c 60 "$SVM")..."
echo "liblinear-train log: $(grep -Ev '^\.*$' "$WORK/liblinear.log" | tr '\n' ' ' | tr -s ' ' | cut -c 1-300)"

# 4. liblinear's weights: after the "w" line of its model, one line per
# feature, one column per class in the order of its "label" line.  As a
# k x D SQL array, rows in class order 1..k (zeros for a class or feature
# it did not see).
w_ll=$(awk -v k="$CLASSES" -v d="$FEATURES" '
    $1 == "label" { for (i = 2; i <= NF; i++) col[$i] = i - 1; next }
    $1 == "w" { inw = 1; next }
    inw { j++; for (i = 1; i <= NF; i++) w[j, i] = $i }
    END {
        printf "{"
        for (c = 1; c <= k; c++) {
            printf "%s{", (c > 1 ? "," : "")
            for (f = 1; f <= d; f++) {
                v = ((c in col) && ((f, col[c]) in w)) ? w[f, col[c]] : 0
                printf "%s%s", (f > 1 ? "," : ""), v
            }
            printf "}"
        }
        printf "}"
    }' "$WORK/model")
# liblinear's log: "Objective value = V", its dual objective at the end:
# -V lambda is a lower bound on hinge's optimum (as in bench/train.sh)
ll_dual=$(awk '/Objective value/ { v = $NF } END { print (v == "" ? "NaN" : v) }' "$WORK/liblinear.log")
ll_header=$(grep -E '^(solver_type|nr_class|label|nr_feature|bias)' "$WORK/model" | tr '\n' ' ')

# 5. The objectives and the summary.
"${PSQL[@]}" -A -t -v w_ll="$w_ll" -v c="$C" -v ll_header="$ll_header" \
    -v ll_dual="$ll_dual" <<'SQL'
SET client_min_messages = warning;
SET jit = off;
SET max_parallel_workers_per_gather = 0;
SELECT 'liblinear model: ' || :'ll_header';
SELECT multiclass_hinge_objective(:'w_ll'::float8[], x, label, :lambda, 'crammer_singer') AS ll_objective
FROM mc_rows \gset
-- hinge's weights in class order 1..k (its rows follow the model's classes)
SELECT array_agg(array(SELECT unnest(m.weights[p:p][:])) ORDER BY c)::text AS w_hinge
FROM hinge_model m, generate_series(1, :classes) c,
     LATERAL array_position(m.classes, c::text) p
WHERE m.name = 'mc_hinge_serial' \gset
SELECT multiclass_hinge_objective(:'w_hinge'::float8[], x, label, :lambda, 'crammer_singer') AS hs_objective
FROM mc_rows \gset
-- training accuracy of both
SELECT avg((hinge_predict_class(:'w_hinge'::float8[], x) = label)::int) AS hinge_acc,
       avg((hinge_predict_class(:'w_ll'::float8[], x) = label)::int) AS ll_acc
FROM mc_rows \gset

SELECT '';
SELECT format('%-15s %9s %9s %6s %13s %13s %9s %5s', 'step', 'seconds', 'cpu s', 'passes',
              'objective', 'lower bound', 'gap', 'conv');
SELECT format('%-15s %9s %9s %6s %13s %13s %9s %5s', step,
              to_char(seconds, 'FM99990.000'), coalesce(to_char(cpu_seconds, 'FM99990.000'), '?'),
              coalesce(passes::text, ''),
              coalesce(to_char(objective, 'FM999990.000000000'), ''),
              coalesce(to_char(lower_bound, 'FM999990.000000000'), ''),
              coalesce(to_char((objective - lower_bound) / objective, '9.99EEEE'), ''),
              coalesce(converged::text, ''))
FROM bench_mc_results
ORDER BY CASE step WHEN 'hinge serial' THEN 1 WHEN 'hinge parallel' THEN 2 WHEN 'export' THEN 3
                   WHEN 'liblinear' THEN 4 WHEN 'one_vs_rest' THEN 5 ELSE 6 END;
SELECT format('hinge_train crammer_singer serial: %s s (its train_seconds %s), %s passes, %s s a pass',
              to_char(seconds, 'FM99990.000'), to_char(train_seconds, 'FM99990.000'),
              passes, to_char(seconds / passes, 'FM990.000'))
FROM bench_mc_results WHERE step = 'hinge serial';
SELECT format('hinge_train crammer_singer parallel: %s s (its train_seconds %s), %s passes, %s s a pass',
              to_char(seconds, 'FM99990.000'), to_char(train_seconds, 'FM99990.000'),
              passes, to_char(seconds / passes, 'FM990.000'))
FROM bench_mc_results WHERE step = 'hinge parallel';
SELECT format('export %s s + liblinear-train -s 4 -c %s %s s = %s s',
              to_char(e.seconds, 'FM99990.000'), :'c', to_char(l.seconds, 'FM99990.000'),
              to_char(e.seconds + l.seconds, 'FM99990.000'))
FROM bench_mc_results e, bench_mc_results l WHERE e.step = 'export' AND l.step = 'liblinear';
SELECT format('crammer_singer objective (lambda/2 ||W||^2 + mean loss), lambda %s: hinge %s '
              '(recomputed from its weights %s), certified lower bound %s; liblinear %s',
              :'lambda', to_char(h.objective, 'FM999990.000000000'),
              to_char(:hs_objective, 'FM999990.000000000'),
              to_char(h.lower_bound, 'FM999990.000000000'), to_char(:ll_objective, 'FM999990.000000000'))
FROM bench_mc_results h WHERE h.step = 'hinge serial';
SELECT format('liblinear/hinge objective: %s; liblinear''s relative gap to hinge''s lower bound: %s',
              to_char(:ll_objective / h.objective, 'FM990.0000'),
              to_char((:ll_objective - h.lower_bound) / :ll_objective, '9.99EEEE'))
FROM bench_mc_results h WHERE h.step = 'hinge serial';
SELECT format('liblinear''s own dual objective, as a lower bound (-V x lambda): %s',
              to_char(-(:'ll_dual')::float8 * :lambda, 'FM999990.000000000'));
SELECT format('training accuracy: hinge %s, liblinear %s',
              to_char(:hinge_acc, 'FM0.0000'), to_char(:ll_acc, 'FM0.0000'));
SELECT format('CPU seconds: hinge serial %s (its backend), export %s (backend + psql), liblinear %s; '
              'CPU ratio hinge serial/(export + liblinear): %s',
              to_char(hs.cpu_seconds, 'FM99990.000'), to_char(e.cpu_seconds, 'FM99990.000'),
              to_char(l.cpu_seconds, 'FM99990.000'),
              to_char(hs.cpu_seconds / (e.cpu_seconds + l.cpu_seconds), 'FM990.000'))
FROM bench_mc_results hs, bench_mc_results e, bench_mc_results l
WHERE hs.step = 'hinge serial' AND e.step = 'export' AND l.step = 'liblinear'
  AND hs.cpu_seconds IS NOT NULL AND e.cpu_seconds IS NOT NULL;
SELECT format('one_vs_rest: %s s, %s passes; weston_watkins: %s s, %s passes (serial)',
              to_char(o.seconds, 'FM99990.000'), o.passes, to_char(w.seconds, 'FM99990.000'), w.passes)
FROM bench_mc_results o, bench_mc_results w WHERE o.step = 'one_vs_rest' AND w.step = 'weston_watkins';
SELECT format('ratio hinge/(export + liblinear): serial %s, parallel %s',
              to_char(hs.seconds / (e.seconds + l.seconds), 'FM990.000'),
              to_char(hp.seconds / (e.seconds + l.seconds), 'FM990.000'))
FROM bench_mc_results hs, bench_mc_results hp, bench_mc_results e, bench_mc_results l
WHERE hs.step = 'hinge serial' AND hp.step = 'hinge parallel'
  AND e.step = 'export' AND l.step = 'liblinear';
SQL
