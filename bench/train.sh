#!/bin/bash
# bench/train.sh: hinge_train against exporting the rows and liblinear.
#
#   bench/train.sh [--rows N] [--features D] [--reps R]
#
# On the deterministic table bench_rows(id, x float8[], y) of bench/score.sh
# (N rows x D features, y = +-1), with lambda = 1e-4 and no intercept:
#   - untimed, the plans of the passes of a 2-pass training with the default
#     parallel settings (auto_explain, as a superuser): do they launch workers?
#   - hinge_train to a certified relative gap of 1e-3, serial
#     (max_parallel_workers_per_gather = 0) and with the default parallel
#     settings (up to 2 workers a pass), timed in the server;
#   - the alternative: COPY the rows out as libsvm text ("y 1:x1 2:x2 ...",
#     psql's \copy, client side) and `liblinear-train -s 3 -c C` on the file,
#     C = 1 / (lambda N) (0.01 at the default size; liblinear's objective is
#     then hinge's divided by lambda: the same minimiser), each timed on the
#     wall clock;
#   - with each timing, the CPU seconds of the processes involved (the
#     backend's from /proc through pg_read_file(), as a superuser; psql's
#     and liblinear's from bash's time);
#   - the objective of liblinear's weights, computed over the table with
#     hinge_objective, against hinge's objective and its certified lower
#     bound (and liblinear's dual objective, another lower bound).
# Each timing runs R times (default 1: "one run"), round robin; the medians
# are reported.  Last it prints
#
#   ratio hinge/(export + liblinear): serial X.XXX, parallel X.XXX (goal <= 0.10)
#
# Connects with the usual libpq variables; with none set, it runs itself
# again under pg_virtualenv (see bench/common.sh and bench/README.md).
# Needs liblinear-train (Debian package liblinear-tools), or
# HINGE_BENCH_LIBLINEAR=/path/to/train, and room for the libsvm file (about
# 2.3 GB at the default size) in TMPDIR.  HINGE_BENCH_KEEP=1 keeps the
# files (the libsvm text, liblinear's model and log, the NOTICEs of
# hinge_train).  Exits 0 whatever the ratio, non-zero on any error.
set -euo pipefail

BENCH_NAME=train.sh
ROWS=1000000
FEATURES=100
REPS=1
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_parse_args "$@"

LIBLINEAR=${HINGE_BENCH_LIBLINEAR:-liblinear-train}
command -v "$LIBLINEAR" >/dev/null ||
    bench_die "no $LIBLINEAR (Debian: apt-get install liblinear-tools)"

bench_reexec "${BASH_SOURCE[0]}"

LAMBDA=1e-4
TOLERANCE=1e-3
# liblinear minimises 1/2 ||w||^2 + C sum loss; hinge lambda/2 ||w||^2 +
# (1/n) sum loss: the same minimiser when C = 1 / (lambda n)
C=$(awk -v l="$LAMBDA" -v n="$ROWS" 'BEGIN { printf "%.6g", 1 / (l * n) }')
SERIAL="max_parallel_workers_per_gather=0"
PSQL+=(-v lambda="$LAMBDA" -v tolerance="$TOLERANCE")

bench_training_setup train

echo "hinge training benchmark: $ROWS rows x $FEATURES features, lambda $LAMBDA, no intercept, tolerance $TOLERANCE; liblinear -s 3 -c $C; $REPS run(s)"

# room for the libsvm text: about 23 bytes an element (17 significant digits)
need_kb=$(( ROWS * (FEATURES * 23 + 4) / 1024 ))
free_kb=$(df -Pk "$WORK" | awk 'NR == 2 { print $4 }')
[ "$free_kb" -gt "$need_kb" ] ||
    bench_die "$WORK has $free_kb kB free, the libsvm file needs about $need_kb kB (set TMPDIR)"

# 1. The table: built only when missing or of another size.
bench_build_tables

# 2. The results, and what the passes look like.
"${PSQL[@]}" -A -t <<'SQL'
SET client_min_messages = warning;
DROP TABLE IF EXISTS bench_train_results;
-- step: hinge serial, hinge parallel, export, liblinear
CREATE UNLOGGED TABLE bench_train_results (
    step text NOT NULL, rep int NOT NULL, seconds float8 NOT NULL,
    passes int, objective float8, lower_bound float8, converged bool,
    train_seconds float8, cpu_seconds float8);
SELECT format('PostgreSQL %s, shared_buffers %s; bench_rows %s; max_parallel_workers_per_gather %s, jit off',
              current_setting('server_version'), current_setting('shared_buffers'),
              pg_size_pretty(pg_table_size('bench_rows')),
              current_setting('max_parallel_workers_per_gather'));
-- see NBuffers / 4 in GetAccessStrategy() (src/backend/storage/buffer/freelist.c)
SELECT 'note: bench_rows is over shared_buffers/4, so its scans read it through a '
       'small ring of buffers from the kernel''s page cache (slower, noisier floor)'
WHERE pg_relation_size('bench_rows') / 8192 >
      (SELECT setting::bigint FROM pg_settings WHERE name = 'shared_buffers') / 4;
SQL

# The plans of the passes with the default parallel settings: auto_explain
# (a superuser's LOAD) shows each query that hinge_train runs through SPI;
# one short training (max_passes 2) is enough to see them.  Not timed.
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
SELECT passes FROM hinge_train('bench_plans', 'bench_rows', 'x', 'y', lambda => :lambda,
                               intercept => false, tolerance => :tolerance, max_passes => 2);
SET client_min_messages = warning;
DELETE FROM hinge_model WHERE name = 'bench_plans';
SQL
    planned=$(grep -c 'Workers Planned: 2' "$WORK/plans.log" || true)
    launched=$(grep -c 'Workers Launched: 2' "$WORK/plans.log" || true)
    passes=$(grep -Ec 'Query Text: SELECT [a-z_.]*(hinge_cutting_plane|hinge_line_objective|hinge_line_planes)' "$WORK/plans.log" || true)
    echo "default parallel settings, plans of a 2-pass training (auto_explain): $passes pass queries, $planned planned with 2 workers, $launched launched 2"
    if [ "$planned" -eq 0 ]; then
        echo "note: no parallel plan for the passes (a small table): both modes run serially"
    elif [ "$launched" -eq 0 ]; then
        echo "note: the passes are planned with 2 workers but launch none, so the parallel mode runs serially too (see bench/README.md)"
    fi
else
    echo "(plans not shown: auto_explain needs a superuser)"
fi

# 3. The timings, round robin.
# hinge_train in a session warmed by one scan of the table (a fresh
# backend's first scan also maps the shared buffers: see bench/README.md),
# timed in the server; its NOTICEs (one per pass, at most one a second) go
# to a log.
hinge_run() {  # mode (serial | parallel), rep
    local settings=
    [ "$1" = parallel ] || settings=$SERIAL
    { echo "$CPU_SQL"; cat <<'SQL'; } >"$WORK/hinge.sql"
SET client_min_messages = warning;
SET jit = off;
-- the warm-up scan in this backend alone (a parallel one would leave it
-- 2/3 of the table to map during the training)
SET max_parallel_workers_per_gather = 0;
SELECT sum(cardinality(x)) FROM bench_rows \g /dev/null
RESET max_parallel_workers_per_gather;
SELECT set_config(split_part(p, '=', 1), split_part(p, '=', 2), false)
FROM unnest(string_to_array(:'settings', ',')) p \g /dev/null
SET client_min_messages = notice;
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
    FROM hinge_train('bench', 'bench_rows', 'x', 'y',
                     lambda => current_setting('hinge_bench.lambda')::float8,
                     intercept => false,
                     tolerance => current_setting('hinge_bench.tolerance')::float8) m;
    seconds := extract(epoch FROM clock_timestamp() - t0);
    -- this backend only: parallel workers, if any, are not counted
    cpu_seconds := pg_temp.cpu_seconds() - cpu0;
END
$f$;
SELECT set_config('hinge_bench.lambda', :'lambda', false),
       set_config('hinge_bench.tolerance', :'tolerance', false) \g /dev/null
INSERT INTO bench_train_results
SELECT 'hinge ' || :'mode', :rep, t.* FROM pg_temp.timed_train() t;
-- keep this mode's weights for the objective check below
SET client_min_messages = warning;
DELETE FROM hinge_model WHERE name = 'bench_' || :'mode';
UPDATE hinge_model SET name = 'bench_' || :'mode' WHERE name = 'bench';
SQL
    "${PSQL[@]}" -A -t -v mode="$1" -v rep="$2" -v settings="$settings" \
        -f "$WORK/hinge.sql" 2>"$WORK/hinge-$1-$2.log" ||
        { cat "$WORK/hinge-$1-$2.log" >&2; bench_die "hinge_train ($1) failed"; }
}

# The export: psql's \copy of one libsvm line a row to a file on the client,
# timed from psql itself (\! date) in a session warmed like hinge's.  format()
# with the row's values as a text[] is as fast as printing x::text alone.
# CPU: the backend's during the \copy, plus the whole psql process's (bash's
# time: the warm-up costs the client next to nothing).
export_run() {  # rep
    local fmt
    fmt="%s$(seq -f ' %.0f:%%s' 1 "$FEATURES" | tr -d '\n')"
    { echo "$CPU_SQL"; cat <<SQL; } >"$WORK/export.sql"
SET client_min_messages = warning;
SET jit = off;
SET max_parallel_workers_per_gather = 0;
SELECT sum(cardinality(x)) FROM bench_rows \\g /dev/null
SELECT coalesce(pg_temp.cpu_seconds()::text, 'NULL') AS cpu0 \\gset
\\! date +%s.%N > '$WORK/export.t0'
\\copy (SELECT format('$fmt', VARIADIC array_prepend(y, x)::text[]) FROM bench_rows) TO '$SVM'
\\! date +%s.%N > '$WORK/export.t1'
SELECT pg_temp.cpu_seconds() - :cpu0 \\g '$WORK/export.cpu'
SQL
    { time "${PSQL[@]}" -A -t -f "$WORK/export.sql" 2>"$WORK/export.err" ; } 2>"$WORK/export.time" ||
        { cat "$WORK/export.err" >&2; bench_die "the export failed"; }
    "${PSQL[@]}" -c "INSERT INTO bench_train_results (step, rep, seconds, cpu_seconds)
                     VALUES ('export', $1, $(elapsed "$(cat "$WORK/export.t0")" "$(cat "$WORK/export.t1")"),
                             nullif('$(cat "$WORK/export.cpu")', '')::float8 + $(cpu_of "$WORK/export.time"))"
}

# liblinear on the file, default -e (0.1 for -s 3).  Not -q: its log says
# how many iterations it took (Debian's liblinear stops at 1000 whatever -e).
liblinear_run() {  # rep
    { time "$LIBLINEAR" -s 3 -c "$C" "$SVM" "$WORK/model" >"$WORK/liblinear-$1.log" 2>&1 ; } \
        2>"$WORK/liblinear.time" ||
        { cat "$WORK/liblinear-$1.log" >&2; bench_die "$LIBLINEAR failed"; }
    "${PSQL[@]}" -c "INSERT INTO bench_train_results (step, rep, seconds, cpu_seconds)
                     VALUES ('liblinear', $1, $(wall_of "$WORK/liblinear.time"), $(cpu_of "$WORK/liblinear.time"))"
}

for rep in $(seq 1 "$REPS"); do
    echo "run $rep: hinge_train serial..."
    hinge_run serial "$rep"
    echo "run $rep: hinge_train with the default parallel settings..."
    hinge_run parallel "$rep"
    echo "run $rep: export to libsvm text..."
    export_run "$rep"
    echo "run $rep: liblinear-train..."
    liblinear_run "$rep"
done

for mode in serial parallel; do
    echo "last NOTICE of hinge_train ($mode, run $REPS): $(grep -h 'NOTICE' "$WORK/hinge-$mode-$REPS.log" | tail -1 | sed 's/^.*NOTICE: *//')"
done
echo "libsvm file: $(wc -c <"$SVM") bytes; first line starts: $(head -c 60 "$SVM")..."
echo "liblinear-train log (run $REPS): $(grep -E 'iter|Objective|nSV|WARNING' "$WORK/liblinear-$REPS.log" | tr '\n' ' ' | tr -s ' ')"

# 4. liblinear's weights: the lines after "w" of its model file, for the
# first label of its "label" line (the first label met in the file): when
# that is -1, the weights for y = +1 are their negation.
first_label=$(awk '$1 == "label" { print $2; exit }' "$WORK/model")
w_text="{$(awk 'found { printf "%s%s", sep, $1; sep = "," } $1 == "w" { found = 1 }' "$WORK/model")}"
case "$first_label" in
    1|+1) sign=1 ;;
    -1) sign=-1 ;;
    *) bench_die "unexpected label line in liblinear's model: $(grep '^label' "$WORK/model")" ;;
esac

# liblinear's log: "Objective value = V", for -s 3 the dual objective
# 1/2 a'Qa - e'a at its end: -V lambda is a lower bound on hinge's optimum
ll_dual=$(awk '/Objective value/ { v = $NF } END { print (v == "" ? "NaN" : v) }' "$WORK/liblinear-$REPS.log")

# 5. The objectives and the summary.
"${PSQL[@]}" -A -t -v w_text="$w_text" -v sign="$sign" -v c="$C" -v ll_dual="$ll_dual" <<'SQL'
SET client_min_messages = warning;
SET jit = off;
SET max_parallel_workers_per_gather = 0;
-- liblinear's weights for y = +1, padded with zeros to the features
-- (nr_feature is the largest index it saw)
SELECT array(SELECT coalesce(:sign * w.v, 0)
             FROM generate_series(1, :features) j
             LEFT JOIN unnest(:'w_text'::float8[]) WITH ORDINALITY w(v, i) ON w.i = j
             ORDER BY j)::text AS w_ll \gset
SELECT CASE WHEN cardinality(:'w_text'::float8[]) <> :features
            THEN format('note: liblinear''s model has %s weights for %s features',
                        cardinality(:'w_text'::float8[]), :features) END;
SELECT hinge_objective(:'w_ll'::float8[], x, y, :lambda) AS ll_objective FROM bench_rows \gset
-- hinge's objective recomputed from the stored weights, as a check
SELECT hinge_objective((SELECT weights FROM hinge_model WHERE name = 'bench_serial'),
                       x, y, :lambda) AS hs_objective FROM bench_rows \gset

CREATE TEMP VIEW s AS
SELECT step, count(*) AS runs,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds) AS seconds,
       min(seconds) AS min_seconds, max(seconds) AS max_seconds,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY cpu_seconds) AS cpu_seconds,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY train_seconds) AS train_seconds,
       min(passes) AS min_passes, max(passes) AS max_passes,
       min(objective) AS objective, max(lower_bound) AS lower_bound,
       bool_and(converged) AS converged
FROM bench_train_results GROUP BY step;

SELECT format('%-16s %4s %9s %9s %9s %9s %6s %13s %13s %9s %5s', 'step', 'runs', 'median s',
              'min s', 'max s', 'cpu s', 'passes', 'objective', 'lower bound', 'gap', 'conv');
SELECT format('%-16s %4s %9s %9s %9s %9s %6s %13s %13s %9s %5s', step, runs,
              to_char(seconds, 'FM99990.000'), to_char(min_seconds, 'FM99990.000'),
              to_char(max_seconds, 'FM99990.000'),
              coalesce(to_char(cpu_seconds, 'FM99990.000'), '?'),
              CASE WHEN min_passes = max_passes THEN min_passes::text
                   ELSE min_passes || '-' || max_passes END,
              coalesce(to_char(objective, 'FM999990.000000000'), ''),
              coalesce(to_char(lower_bound, 'FM999990.000000000'), ''),
              coalesce(to_char((objective - lower_bound) / objective, '9.99EEEE'), ''),
              coalesce(converged::text, ''))
FROM s ORDER BY CASE step WHEN 'hinge serial' THEN 1 WHEN 'hinge parallel' THEN 2
                          WHEN 'export' THEN 3 ELSE 4 END;
SELECT format('hinge_train serial: %s s (its train_seconds %s), %s passes, %s s a pass',
              to_char(seconds, 'FM99990.000'), to_char(train_seconds, 'FM99990.000'),
              max_passes, to_char(seconds / max_passes, 'FM990.000'))
FROM s WHERE step = 'hinge serial';
SELECT format('hinge_train parallel: %s s (its train_seconds %s), %s passes, %s s a pass',
              to_char(seconds, 'FM99990.000'), to_char(train_seconds, 'FM99990.000'),
              max_passes, to_char(seconds / max_passes, 'FM990.000'))
FROM s WHERE step = 'hinge parallel';
SELECT format('export %s s + liblinear-train -s 3 -c %s %s s = %s s',
              to_char(e.seconds, 'FM99990.000'), :'c', to_char(l.seconds, 'FM99990.000'),
              to_char(e.seconds + l.seconds, 'FM99990.000'))
FROM s e, s l WHERE e.step = 'export' AND l.step = 'liblinear';
SELECT format('objective (lambda/2 ||w||^2 + mean hinge loss): hinge %s (recomputed from its weights %s), '
              'certified lower bound %s; liblinear %s',
              to_char(h.objective, 'FM999990.000000000'), to_char(:hs_objective, 'FM999990.000000000'),
              to_char(h.lower_bound, 'FM999990.000000000'), to_char(:ll_objective, 'FM999990.000000000'))
FROM s h WHERE h.step = 'hinge serial';
SELECT format('liblinear/hinge objective: %s; liblinear''s relative gap to hinge''s lower bound: %s',
              to_char(:ll_objective / h.objective, 'FM990.0000'),
              to_char((:ll_objective - h.lower_bound) / :ll_objective, '9.99EEEE'))
FROM s h WHERE h.step = 'hinge serial';
SELECT format('liblinear''s own dual objective, as a lower bound (-V x lambda): %s',
              to_char(-(:'ll_dual')::float8 * :lambda, 'FM999990.000000000'));
SELECT format('CPU seconds (user + system): hinge serial %s (its backend), export %s (backend + psql), '
              'liblinear %s; CPU ratio hinge serial/(export + liblinear): %s',
              to_char(hs.cpu_seconds, 'FM99990.000'), to_char(e.cpu_seconds, 'FM99990.000'),
              to_char(l.cpu_seconds, 'FM99990.000'),
              to_char(hs.cpu_seconds / (e.cpu_seconds + l.cpu_seconds), 'FM990.000'))
FROM s hs, s e, s l
WHERE hs.step = 'hinge serial' AND e.step = 'export' AND l.step = 'liblinear'
  AND hs.cpu_seconds IS NOT NULL AND e.cpu_seconds IS NOT NULL;
SELECT format('ratio hinge/(export + liblinear): serial %s, parallel %s (goal <= 0.10)',
              to_char(hs.seconds / (e.seconds + l.seconds), 'FM990.000'),
              to_char(hp.seconds / (e.seconds + l.seconds), 'FM990.000'))
FROM s hs, s hp, s e, s l
WHERE hs.step = 'hinge serial' AND hp.step = 'hinge parallel'
  AND e.step = 'export' AND l.step = 'liblinear';
SQL
