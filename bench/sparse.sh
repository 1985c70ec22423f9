#!/bin/bash
# bench/sparse.sh: sparse rows (issue 14), against a bare C floor and
# against export + liblinear; and text, a tsvector model of the package
# descriptions of this Debian machine, end to end.
#
#   bench/sparse.sh [--rows N] [--features D] [--reps R]
#
# 1. The synthetic corpus of bench/sparse_data.py: N rows (default
#    1,000,000) of about 50 non-zeros each, positions drawn by Zipf's law
#    from D = 2^18 features (--features), values 1 + ln(count) scaled to
#    unit length, labels from a random linear rule with 10% noise; loaded
#    into bench_sparse(id int, y float8, x hinge_sparse) by a binary COPY.
# 2. One aggregate pass, serial, median of R runs (default 3), round robin,
#    each against the floor: bench_sparse_dot(w, x), a bare sparse
#    dot-product aggregate with no validation (bench/sparse_floor, built
#    here with PGXS and loaded by its path, never installed), and
#    sum(bench_sparse_nnz(x)), the scan alone; hinge_objective,
#    hinge_subgradient, and the solver's passes hinge_cutting_plane and
#    hinge_line_objective (hinge_line_planes takes at most 2^16 weights).
#    The weights are literals in the query text: the cost of parsing them
#    (one float8[] of D elements, two for the line) is timed apart.
# 3. hinge_train(features => 'x', lambda, no intercept, tolerance 1e-3),
#    serial, timed in the server, with the peak anonymous memory (RssAnon,
#    sampled from /proc every 0.1 s) of its backend; against the export of
#    the rows as libsvm text (psql's \copy) + liblinear-train -s 3 -c C,
#    C = 1 / (lambda N), on it; the objective of liblinear's weights
#    computed in SQL against hinge's and its certified lower bound.  The
#    three run R times in turn: each run's ratio is shown, and their median.
# 4. Text: scripts/make_text_data.py's packages table (apt-cache
#    dumpavail), its descriptions as tsvector (to_tsvector('english', ...)
#    of the one-line and the long description), hinge_train of is_library
#    on 13 rows in 16 (by a hash of the name) with the text defaults
#    (vocabulary, tf-idf, unit length), hinge_evaluate on the other 3, the
#    same training on the rows as the model encodes them (hinge_encode, as
#    hinge_sparse: what encoding costs a pass), and every row scored by
#    name; each step timed.  Skipped (with a note) where apt-cache lists nothing.
#
# HINGE_BENCH_LAMBDA (default 1e-5, C = 0.1 at the default size) sets
# lambda; HINGE_BENCH_TOKENS (default 60) the tokens drawn a row.  Connects
# with the usual libpq variables; with none set, it runs itself again under
# pg_virtualenv (bench/common.sh), with shared_buffers about 4.5 times the
# table.  Needs numpy, liblinear-train (liblinear-tools) and about 2 GB in
# TMPDIR at the default size.  Exits 0 whatever the ratios, non-zero on any
# error.
set -euo pipefail

BENCH_NAME=sparse.sh
ROWS=1000000
FEATURES=262144
REPS=3
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_parse_args "$@"

LIBLINEAR=${HINGE_BENCH_LIBLINEAR:-liblinear-train}
command -v "$LIBLINEAR" >/dev/null ||
    bench_die "no $LIBLINEAR (Debian: apt-get install liblinear-tools)"
/usr/bin/python3 -c 'import numpy' 2>/dev/null ||
    bench_die "no numpy for /usr/bin/python3 (Debian: apt-get install python3-numpy)"

# the table is about N x (12 x 50 + 80) bytes, not N x 8 D: size
# shared_buffers for that (bench_reexec would for D dense elements)
TOKENS=${HINGE_BENCH_TOKENS:-60}
bench_positive HINGE_BENCH_TOKENS "$TOKENS"
if [ -z "${HINGE_BENCH_SHARED_BUFFERS:-}" ]; then
    sb_mb=$(( ROWS * (12 * TOKENS + 120) * 9 / 2 / 1048576 + 1 ))
    [ "$sb_mb" -ge 128 ] || sb_mb=128
    export HINGE_BENCH_SHARED_BUFFERS=${sb_mb}MB
fi
bench_reexec "${BASH_SOURCE[0]}"

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
make -s -C "$here/sparse_floor" PG_CONFIG="$(command -v pg_config)" >/dev/null

LAMBDA=${HINGE_BENCH_LAMBDA:-1e-5}
TOLERANCE=1e-3
C=$(awk -v l="$LAMBDA" -v n="$ROWS" 'BEGIN { printf "%.6g", 1 / (l * n) }')
PSQL+=(-v lambda="$LAMBDA" -v tolerance="$TOLERANCE" -v tokens="$TOKENS")

bench_training_setup sparse
DATA=$WORK/rows.copy

echo "hinge sparse benchmark: $ROWS rows, dimension $FEATURES, $TOKENS Zipf tokens a row; lambda $LAMBDA, no intercept, tolerance $TOLERANCE; liblinear -s 3 -c $C; $REPS run(s)"

# 1. The table, unless there with the same stamp.
stamp="hinge bench sparse rows=$ROWS dimension=$FEATURES tokens=$TOKENS gen=1"
have=$("${PSQL[@]}" -A -t -c "CREATE EXTENSION IF NOT EXISTS hinge" \
    -c "SELECT coalesce(obj_description(to_regclass('bench_sparse'), 'pg_class'), '')")
if [ "$have" != "$stamp" ]; then
    echo "building bench_sparse ($stamp)..."
    t0=$(date +%s.%N)
    /usr/bin/python3 "$here/sparse_data.py" --rows "$ROWS" --dimension "$FEATURES" \
        --tokens "$TOKENS" "$DATA"
    t1=$(date +%s.%N)
    "${PSQL[@]}" <<SQL
SET client_min_messages = warning;
DROP TABLE IF EXISTS bench_sparse;
CREATE UNLOGGED TABLE bench_sparse (id int, y float8, x hinge_sparse);
\\copy bench_sparse FROM '$DATA' (FORMAT binary)
COMMENT ON TABLE bench_sparse IS '$stamp';
SQL
    rm -f "$DATA"
    echo "generated in $(elapsed "$t0" "$t1") s, loaded in $(elapsed "$t1" "$(date +%s.%N)") s"
    "${PSQL[@]}" -c 'VACUUM (FREEZE, ANALYZE) bench_sparse'
fi
"${PSQL[@]}" -A -t <<'SQL'
SELECT format('PostgreSQL %s, shared_buffers %s; bench_sparse %s: %s rows, %s non-zeros a row on average (%s to %s), %s rows labelled +1',
              current_setting('server_version'), current_setting('shared_buffers'),
              pg_size_pretty(pg_table_size('bench_sparse')), count(*),
              round(avg(hinge_sparse_nnz(x)), 1), min(hinge_sparse_nnz(x)), max(hinge_sparse_nnz(x)),
              count(*) FILTER (WHERE y > 0))
FROM bench_sparse;
SQL

# 2. One pass of each aggregate against the floor.
# w[j] = ((7 j) % 13 - 6) / 100: short literals, every weight non-zero
W_EXPR="array(SELECT ((7 * j) % 13 - 6) / 100.0 FROM generate_series(1, $FEATURES) j)::float8[]"
{ bench_timing_sql; cat <<SQL; } | "${PSQL[@]}" -A -t -v floor_so="$here/sparse_floor/sparse_floor.so" -v w_expr="$W_EXPR"
DROP AGGREGATE IF EXISTS bench_sparse_dot(float8[], hinge_sparse);
DROP FUNCTION IF EXISTS bench_sparse_dot_step(float8, float8[], hinge_sparse);
DROP FUNCTION IF EXISTS bench_sparse_nnz(hinge_sparse);
\\i $here/sparse_floor/sparse_floor.sql
SELECT (:w_expr)::text AS w \\gset
SELECT array[(:w_expr), array(SELECT v / 2 FROM unnest(:w_expr) v)]::text AS line \\gset
INSERT INTO bench_queries (k, floor_k, label, sql) VALUES
    (1, 1, 'floor: bench_sparse_dot(w, x)', format('SELECT (bench_sparse_dot(%L, x) > 0)::int FROM bench_sparse', :'w')),
    (2, 1, 'scan: sum(bench_sparse_nnz(x))', 'SELECT sum(bench_sparse_nnz(x)) FROM bench_sparse'),
    (3, 1, 'parse w alone', format('SELECT cardinality(%L::float8[])', :'w')),
    (4, 1, 'parse the line alone', format('SELECT cardinality(%L::float8[])', :'line')),
    (5, 1, 'hinge_objective', format('SELECT hinge_objective(%L, x, y, 1e-4) FROM bench_sparse', :'w')),
    (6, 1, 'hinge_subgradient', format('SELECT cardinality(hinge_subgradient(%L, x, y, 1e-4)) FROM bench_sparse', :'w')),
    (7, 1, 'hinge_cutting_plane', format('SELECT cardinality(hinge_cutting_plane(%L, x, y, 0, ''hinge'', 1, 1, 1)) FROM bench_sparse', :'w')),
    (8, 1, 'hinge_line_objective', format('SELECT cardinality(hinge_line_objective(%L, x, y, 0, ''hinge'', 1, 1, 1)) FROM bench_sparse', :'line'));
SELECT pg_temp.bench_run(:reps, NULL) \\g /dev/null
SELECT format('%-32s %10s %10s %7s', 'pass (serial)', 'median ms', 'min ms', 'ratio');
SELECT format('%-32s %10s %10s %7s', label, to_char(median_ms, 'FM999999990.0'),
              to_char(min_ms, 'FM999999990.0'), to_char(ratio, 'FM990.00'))
FROM bench_summary ORDER BY k;
SELECT format('per row: floor %s us, hinge_objective %s us, hinge_line_objective %s us (less the parse of its line)',
              to_char(f.median_ms * 1000 / :rows, 'FM990.000'),
              to_char(o.median_ms * 1000 / :rows, 'FM990.000'),
              to_char((l.median_ms - p.median_ms) * 1000 / :rows, 'FM990.000'))
FROM bench_summary f, bench_summary o, bench_summary l, bench_summary p
WHERE f.k = 1 AND o.k = 5 AND l.k = 8 AND p.k = 4;
SQL

# 3. hinge_train against export + liblinear.
"${PSQL[@]}" -q -c "SET client_min_messages = warning" -c "DROP TABLE IF EXISTS bench_sparse_results" \
    -c "CREATE UNLOGGED TABLE bench_sparse_results (run int, step text, seconds float8, passes int,
          objective float8, lower_bound float8, converged bool, cpu_seconds float8, peak_anon_kb bigint)"

# the peak RssAnon of a process, sampled until the file $2 exists
# with bash's builtins alone: a process forked ten times a second (awk,
# sleep) took CPU from the 2-core machine it measured
sample_memory() {  # pid, stop file, out file
    local peak=0 key kb rest tick
    rm -f "$3.tick"
    mkfifo "$3.tick"
    exec {tick}<>"$3.tick"
    while [ ! -e "$2" ] && [ -e "/proc/$1" ]; do
        while read -r key kb rest; do
            [ "$key" != RssAnon: ] || [ "$kb" -le "$peak" ] || peak=$kb
        done <"/proc/$1/status" 2>/dev/null || true
        read -r -t 0.1 -u "$tick" rest || true
    done
    exec {tick}>&-
    rm -f "$3.tick"
    echo "$peak" >"$3"
}

declare -f sample_memory >"$WORK/sampler.sh"

# hinge_train, then export + liblinear, REPS times: the machine's speed moves
# by a third within minutes, so each run's ratio is shown, and their median
for run in $(seq 1 "$REPS"); do
echo "hinge_train (run $run of $REPS)..."
{ echo "$CPU_SQL"; cat <<SQL; } >"$WORK/hinge.sql"
SET client_min_messages = warning;
SET jit = off;
SET max_parallel_workers_per_gather = 0;
SELECT sum(bench_sparse_nnz(x)) FROM bench_sparse \\g /dev/null
SELECT pg_backend_pid() \\g '$WORK/hinge.pid'
\\! bash -c '. $WORK/sampler.sh; sample_memory \$(cat $WORK/hinge.pid) $WORK/hinge.done $WORK/hinge.peak' &
SET client_min_messages = notice;
CREATE TEMP TABLE t AS
SELECT clock_timestamp() AS t0, pg_temp.cpu_seconds() AS cpu0;
CREATE TEMP TABLE m AS
SELECT passes, objective, lower_bound, converged
FROM hinge_train('bench_sparse', 'bench_sparse', 'x', 'y', lambda => :lambda,
                 intercept => false, tolerance => :tolerance);
SET client_min_messages = warning;
INSERT INTO bench_sparse_results (run, step, seconds, passes, objective, lower_bound, converged, cpu_seconds)
SELECT $run, 'hinge_train', extract(epoch FROM clock_timestamp() - t0), passes, objective, lower_bound,
       converged, pg_temp.cpu_seconds() - cpu0
FROM t, m;
\\! touch $WORK/hinge.done
SQL
rm -f "$WORK/hinge.done" "$WORK/hinge.peak" "$WORK/hinge.pid"
"${PSQL[@]}" -A -t -f "$WORK/hinge.sql" 2>"$WORK/hinge.log" ||
    { cat "$WORK/hinge.log" >&2; bench_die "hinge_train failed"; }
for _ in $(seq 1 50); do [ -s "$WORK/hinge.peak" ] && break; sleep 0.1; done
"${PSQL[@]}" -c "UPDATE bench_sparse_results SET peak_anon_kb = nullif('$(cat "$WORK/hinge.peak" 2>/dev/null)', '')::bigint WHERE step = 'hinge_train' AND run = $run"
echo "last NOTICE of hinge_train: $(grep -h 'NOTICE' "$WORK/hinge.log" | tail -1 | sed 's/^.*NOTICE: *//')"

# The export: one libsvm line a row, "y i:v i:v ...", from the text form
# {i:v,...}/D of a hinge_sparse (positions 1-based, values shortest-exact).
echo "export to libsvm text..."
{ echo "$CPU_SQL"; cat <<SQL; } >"$WORK/export.sql"
SET client_min_messages = warning;
SET jit = off;
SET max_parallel_workers_per_gather = 0;
SELECT sum(bench_sparse_nnz(x)) FROM bench_sparse \\g /dev/null
SELECT coalesce(pg_temp.cpu_seconds()::text, 'NULL') AS cpu0 \\gset
\\! date +%s.%N > '$WORK/export.t0'
\\copy (SELECT y::int || translate(split_part(x::text, '}', 1), '{,', '  ') FROM bench_sparse) TO '$SVM'
\\! date +%s.%N > '$WORK/export.t1'
SELECT pg_temp.cpu_seconds() - :cpu0 \\g '$WORK/export.cpu'
SQL
{ time "${PSQL[@]}" -A -t -f "$WORK/export.sql" 2>"$WORK/export.err" ; } 2>"$WORK/export.time" ||
    { cat "$WORK/export.err" >&2; bench_die "the export failed"; }
# CPU: the backend's during the \copy and the whole psql process's
"${PSQL[@]}" -c "INSERT INTO bench_sparse_results (run, step, seconds, cpu_seconds) VALUES
                 ($run, 'export', $(elapsed "$(cat "$WORK/export.t0")" "$(cat "$WORK/export.t1")"),
                  nullif('$(cat "$WORK/export.cpu")', '')::float8 + $(cpu_of "$WORK/export.time"))"

echo "liblinear-train..."
{ time "$LIBLINEAR" -s 3 -c "$C" "$SVM" "$WORK/model" >"$WORK/liblinear.log" 2>&1 ; } \
    2>"$WORK/liblinear.time" ||
    { cat "$WORK/liblinear.log" >&2; bench_die "$LIBLINEAR failed"; }
"${PSQL[@]}" -c "INSERT INTO bench_sparse_results (run, step, seconds, cpu_seconds)
                 VALUES ($run, 'liblinear', $(wall_of "$WORK/liblinear.time"), $(cpu_of "$WORK/liblinear.time"))"
echo "libsvm file: $(wc -c <"$SVM") bytes; first line starts: $(head -c 60 "$SVM")..."
echo "liblinear-train log: $(grep -E 'iter|Objective|nSV|WARNING' "$WORK/liblinear.log" | tail -4 | tr '\n' ' ' | tr -s ' ')"

done

# liblinear's weights for y = +1 (its first label scores positive), padded
# with zeros to D (nr_feature is the largest position it saw), from the last
# run's model: every run trains the same
first_label=$(awk '$1 == "label" { print $2; exit }' "$WORK/model")
case "$first_label" in
    1|+1) sign=1 ;;
    -1) sign=-1 ;;
    *) bench_die "unexpected label line in liblinear's model: $(grep '^label' "$WORK/model")" ;;
esac
awk -v s="$sign" 'found { print NR - start "\t" s * $1 } $1 == "w" { found = 1; start = NR }' \
    "$WORK/model" >"$WORK/w.tsv"
ll_dual=$(awk '/Objective value/ { v = $NF } END { print (v == "" ? "NaN" : v) }' "$WORK/liblinear.log")

"${PSQL[@]}" -A -t -v c="$C" -v ll_dual="$ll_dual" <<SQL
SET client_min_messages = warning;
SET jit = off;
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE ll_w (j int, v float8);
\\copy ll_w FROM '$WORK/w.tsv'
SELECT array(SELECT coalesce(w.v, 0) FROM generate_series(1, :features) j
             LEFT JOIN ll_w w USING (j) ORDER BY j)::text AS w_ll \\gset
SELECT hinge_objective(:'w_ll'::float8[], x, y, :lambda) AS ll_objective FROM bench_sparse \\gset
SELECT hinge_objective((SELECT weights FROM hinge_model WHERE name = 'bench_sparse'), x, y, :lambda)
       AS hs_objective FROM bench_sparse \\gset
CREATE TEMP VIEW s AS SELECT * FROM bench_sparse_results;
CREATE TEMP VIEW last_run AS SELECT * FROM bench_sparse_results
WHERE run = (SELECT max(run) FROM bench_sparse_results);
SELECT format('%3s %-12s %9s %9s %6s %13s %13s %9s %5s %12s', 'run', 'step', 'seconds', 'cpu s', 'passes',
              'objective', 'lower bound', 'gap', 'conv', 'peak anon');
SELECT format('%3s %-12s %9s %9s %6s %13s %13s %9s %5s %12s', run, step, to_char(seconds, 'FM99990.000'),
              coalesce(to_char(cpu_seconds, 'FM99990.000'), ''), coalesce(passes::text, ''),
              coalesce(to_char(objective, 'FM999990.000000000'), ''),
              coalesce(to_char(lower_bound, 'FM999990.000000000'), ''),
              coalesce(to_char((objective - lower_bound) / objective, '9.99EEEE'), ''),
              coalesce(converged::text, ''),
              coalesce(pg_size_pretty(peak_anon_kb * 1024), ''))
FROM s ORDER BY run, CASE step WHEN 'hinge_train' THEN 1 WHEN 'export' THEN 2 ELSE 3 END;
SELECT format('hinge_train, run %s: %s s, %s passes, %s s a pass; peak anonymous memory of its backend %s (the weights are %s)',
              run, to_char(seconds, 'FM99990.000'), passes, to_char(seconds / passes, 'FM990.000'),
              pg_size_pretty(peak_anon_kb * 1024), pg_size_pretty(8 * :features::bigint))
FROM s WHERE step = 'hinge_train' ORDER BY run;
SELECT format('run %s: export %s s + liblinear-train -s 3 -c %s %s s = %s s',
              e.run, to_char(e.seconds, 'FM99990.000'), :'c', to_char(l.seconds, 'FM99990.000'),
              to_char(e.seconds + l.seconds, 'FM99990.000'))
FROM s e JOIN s l USING (run) WHERE e.step = 'export' AND l.step = 'liblinear' ORDER BY run;
SELECT format('objective (lambda/2 ||w||^2 + mean hinge loss): hinge %s (recomputed %s), certified lower bound %s; liblinear %s, its dual bound %s',
              to_char(h.objective, 'FM999990.000000000'), to_char(:hs_objective, 'FM999990.000000000'),
              to_char(h.lower_bound, 'FM999990.000000000'), to_char(:ll_objective, 'FM999990.000000000'),
              to_char(-(:'ll_dual')::float8 * :lambda, 'FM999990.000000000'))
FROM last_run h WHERE h.step = 'hinge_train';
SELECT format('liblinear''s objective relative to hinge''s lower bound: %s (hinge''s certified gap %s)',
              to_char((:ll_objective - h.lower_bound) / :ll_objective, '9.99EEEE'),
              to_char((h.objective - h.lower_bound) / h.objective, '9.99EEEE'))
FROM last_run h WHERE h.step = 'hinge_train';
CREATE TEMP VIEW ratios AS
SELECT h.run, h.seconds / (e.seconds + l.seconds) AS wall,
       h.cpu_seconds / (e.cpu_seconds + l.cpu_seconds) AS cpu
FROM s h JOIN s e USING (run) JOIN s l USING (run)
WHERE h.step = 'hinge_train' AND e.step = 'export' AND l.step = 'liblinear';
SELECT format('ratio hinge_train/(export + liblinear), run %s: %s wall clock (goal <= 0.20), %s CPU seconds',
              run, to_char(wall, 'FM990.000'), coalesce(to_char(cpu, 'FM990.000'), '?'))
FROM ratios ORDER BY run;
SELECT format('ratio hinge_train/(export + liblinear), the median of %s runs: %s wall clock (goal <= 0.20), %s CPU seconds',
              count(*), to_char(percentile_cont(0.5) WITHIN GROUP (ORDER BY wall), 'FM990.000'),
              coalesce(to_char(percentile_cont(0.5) WITHIN GROUP (ORDER BY cpu), 'FM990.000'), '?'))
FROM ratios HAVING count(*) > 1;
SQL
rm -f "$SVM"

# 4. Text: the package descriptions, end to end.
# (grep -c reads it all: grep -q would end apt-cache by SIGPIPE, a failure
# under pipefail)
if ! command -v apt-cache >/dev/null ||
        [ "$(apt-cache dumpavail 2>/dev/null | grep -c '^Package:' || true)" -eq 0 ]; then
    echo "note: apt-cache lists no packages here: the text benchmark is skipped"
    exit 0
fi
if ! /usr/bin/python3 "$here/../scripts/make_text_data.py" --tables packages --schema bench_text \
        --drop --output "$WORK/packages.sql" 2>"$WORK/text.err"; then
    cat "$WORK/text.err" >&2
    bench_die "scripts/make_text_data.py failed"
fi
"${PSQL[@]}" -A -t -f - <<SQL
SET client_min_messages = warning;
SET jit = off;
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE steps (k serial, step text, seconds float8, result text);
CREATE FUNCTION pg_temp.lap(step text, result text) RETURNS void LANGUAGE plpgsql AS \$f\$
BEGIN
    INSERT INTO steps (step, seconds, result)
    VALUES (step, extract(epoch FROM clock_timestamp() - current_setting('bench.t0')::timestamptz), result);
    PERFORM set_config('bench.t0', clock_timestamp()::text, false);
END
\$f\$;
SELECT set_config('bench.t0', clock_timestamp()::text, false) \\g /dev/null
CREATE SCHEMA IF NOT EXISTS bench_text;
\\i $WORK/packages.sql
SELECT pg_temp.lap('load packages (make_text_data.py output)', count(*)::text) FROM bench_text.packages \\g /dev/null
DROP TABLE IF EXISTS bench_text.docs CASCADE;
CREATE TABLE bench_text.docs AS
SELECT name, is_library, md5(name) >= 'd' AS held_out,
       to_tsvector('english', description || ' ' || coalesce(long_description, '')) AS words
FROM bench_text.packages;
SELECT pg_temp.lap('to_tsvector of every description', count(*)::text) FROM bench_text.docs \\g /dev/null
CREATE VIEW bench_text.train AS SELECT * FROM bench_text.docs WHERE NOT held_out;
CREATE VIEW bench_text.test AS SELECT * FROM bench_text.docs WHERE held_out;
SELECT pg_temp.lap('hinge_train (tsvector, tf-idf)',
                   format('%s rows, %s features, %s passes, gap %s', rows_used, n_features, passes,
                          to_char((objective - lower_bound) / objective, '9.9EEEE')))
FROM hinge_train('bench_text', 'bench_text.train', 'words', 'is_library') \\g /dev/null
SELECT pg_temp.lap('hinge_evaluate (held out)',
                   format('%s rows, accuracy %s, precision %s, recall %s', n, round(accuracy::numeric, 4),
                          round("precision"::numeric, 4), round(recall::numeric, 4)))
FROM hinge_evaluate('bench_text', 'bench_text.test', 'words', 'is_library') \\g /dev/null
-- the same problem on the rows as the model sees them: what encoding costs
CREATE TABLE bench_text.encoded AS
SELECT is_library, hinge_encode((SELECT encoding FROM hinge_model WHERE name = 'bench_text'), ROW(words)) AS x
FROM bench_text.train;
SELECT pg_temp.lap('hinge_encode of the training rows', count(*)::text) FROM bench_text.encoded \\g /dev/null
SELECT pg_temp.lap('hinge_train (the encoded rows, hinge_sparse)',
                   format('%s passes, objective %s (the tsvector model''s %s)', e.passes,
                          to_char(e.objective, 'FM0.000000'),
                          (SELECT to_char(objective, 'FM0.000000') FROM hinge_model WHERE name = 'bench_text')))
FROM hinge_train('bench_text_encoded', 'bench_text.encoded', 'x', 'is_library',
                 lambda => (SELECT lambda FROM hinge_model WHERE name = 'bench_text')) e \\g /dev/null
SELECT pg_temp.lap('hinge_predict by name, every row',
                   format('%s rows, %s predicted libraries', count(*), count(*) FILTER (WHERE hinge_predict('bench_text', words)::boolean)))
FROM bench_text.docs \\g /dev/null
SELECT format('%-42s %9s  %s', 'text step', 'seconds', 'result');
SELECT format('%-42s %9s  %s', step, to_char(seconds, 'FM99990.000'), result) FROM steps ORDER BY k;
SELECT format('%s rows, %s distinct lexemes, %s lexemes a description on average',
              (SELECT count(*) FROM bench_text.docs),
              (SELECT count(*) FROM ts_stat('SELECT words FROM bench_text.docs')),
              (SELECT round(avg(length(words)), 1) FROM bench_text.docs));
SQL
