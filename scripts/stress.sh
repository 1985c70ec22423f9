#!/bin/bash
# Training under stress: hinge_train, scoring by name and hinge_evaluate while
# other sessions train, retrain, score and write, and trainings that are
# cancelled or time out.  A crash, an error, a deadlock, a half-written model,
# a training that sees rows committed after it started, or memory that grows
# with every aborted training is a failure.  Checks:
#
#   stress_concurrency      8 pgbench clients for N seconds: each trains its own
#                           models, retrains a shared model that others score
#                           through a view, writes the training tables, and
#                           evaluates.  0 failed transactions, 0 deadlocks, no
#                           server restart, and every model row complete and
#                           scoring by name = scoring with its stored weights.
#   stress_concurrent_writes  a training on 200k rows while another session
#                           inserts (also rows a training must not see: another
#                           length, a third label), deletes and updates rows;
#                           all passes read one snapshot, so rows_used and the
#                           objective are those of the rows before the writes.
#   stress_cancel           in ONE session, 20 trainings aborted by
#                           statement_timeout and 5 by pg_cancel_backend from
#                           another session: no partial model (an existing one
#                           keeps its row byte for byte, a new name does not
#                           appear), the backend stays usable, and its memory
#                           (memory contexts, RssAnon) does not grow from the
#                           5th to the last abort.
#
# Needs a server (PGHOST etc.), as inside pg_virtualenv, on this machine for
# the RSS figures (read from /proc):
#   pg_virtualenv -t -v 15 scripts/stress.sh --seconds 10   # CI: about 40 s
#   pg_virtualenv -t -v 15 scripts/stress.sh                # 60 s of pgbench: about 90 s
# --verbose also prints pgbench's report and the memory after every abort.
set -euo pipefail

seconds=60
verbose=0
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) seconds="${2:-}"; shift $(($# > 1 ? 2 : 1)) ;;
        --seconds=*) seconds="${1#*=}"; shift ;;
        --verbose) verbose=1; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
        *) echo "stress: unknown argument $1 (use --seconds N)" >&2; exit 2 ;;
    esac
done
case "$seconds" in ''|*[!0-9]*) echo "stress: --seconds needs a whole number" >&2; exit 2 ;; esac

script_start=$(date +%s)
work=$(mktemp -d)
created_extension=0
bg_pids=()
failures=0

q() { psql -X -q -A -t -v ON_ERROR_STOP=1 "$@"; }

cleanup() {
    local pid
    for pid in "${bg_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    psql -X -q -v ON_ERROR_STOP=0 >/dev/null 2>&1 <<SQL || true
SET client_min_messages = warning;
DROP VIEW IF EXISTS stress_scored;
DROP TABLE IF EXISTS stress_t1, stress_t2, stress_t3, stress_t4, stress_cw, stress_cw_orig,
    stress_cancel_rows, stress_small;
DROP FUNCTION IF EXISTS stress_assert(boolean, text);
DELETE FROM hinge_model WHERE name ~ '^stress_([0-9]+_[0-9]+|model|cw|cancel_old|cancel_new)$';
$( [ "$created_extension" = 1 ] && echo 'DROP EXTENSION IF EXISTS hinge;' )
SQL
    rm -rf "$work"
}
trap cleanup EXIT

fail() {
    echo "test $1 ... FAILED: $2"
    shift 2
    for f in "$@"; do [ -s "$f" ] && { echo "--- $f"; tail -n 30 "$f"; }; done
    failures=$((failures + 1))
}

# ---------------------------------------------------------------- setup
if [ "$(q -c "SELECT count(*) FROM pg_extension WHERE extname = 'hinge'")" = 0 ]; then
    q -c 'CREATE EXTENSION hinge'
    created_extension=1
fi
start_time=$(q -c 'SELECT pg_postmaster_start_time()')

# Deterministic data: one session, setseed, serial plans.  Labels are a noisy
# linear rule, so the problems are not separable and trainings take passes.
q >/dev/null <<'SQL'
SET client_min_messages = warning;
SET max_parallel_workers_per_gather = 0;
CREATE FUNCTION stress_assert(ok boolean, msg text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    IF ok IS NOT TRUE THEN RAISE EXCEPTION 'stress check failed: %', msg; END IF;
    RETURN true;
END $$;
SELECT setseed(0.17);
-- four small training tables (3,000 rows x 10): a training takes well under a second
CREATE TABLE stress_t1 (id bigserial, x float8[], y boolean);
CREATE TABLE stress_t2 (LIKE stress_t1 INCLUDING ALL);
CREATE TABLE stress_t3 (LIKE stress_t1 INCLUDING ALL);
CREATE TABLE stress_t4 (LIKE stress_t1 INCLUDING ALL);
INSERT INTO stress_t1 (x, y) SELECT x, x[1] + 0.5 * x[2] - 0.3 * x[3] + 0.4 * (random() - 0.5) > 0
FROM (SELECT ARRAY(SELECT random() * 2 - 1 FROM generate_series(1, 10) WHERE i > 0) AS x
      FROM generate_series(1, 3000) AS i) AS s;
INSERT INTO stress_t2 (x, y) SELECT x, y FROM stress_t1 ORDER BY id;
INSERT INTO stress_t3 (x, y) SELECT x, y FROM stress_t1 ORDER BY id;
INSERT INTO stress_t4 (x, y) SELECT x, y FROM stress_t1 ORDER BY id;
-- the shared model, and a view that scores rows by its name
SELECT FROM hinge_train('stress_model', 'stress_t1', 'x', 'y', lambda => 1e-3);
CREATE VIEW stress_scored AS
SELECT id, x, hinge_score('stress_model', x) AS score, hinge_predict('stress_model', x) AS predicted
FROM stress_t1;
-- 200,000 x 20 for the training under concurrent writes; 1% NULL labels and
-- 0.5% NULL features are skipped rows
SELECT setseed(0.23);
CREATE TABLE stress_cw AS
SELECT i AS id, CASE WHEN i % 200 = 7 THEN NULL ELSE x END AS x,
       CASE WHEN i % 100 = 3 THEN NULL WHEN x[1] - x[2] + 0.5 * x[3] + 0.5 * (random() - 0.5) > 0 THEN 1 ELSE -1 END AS y
FROM (SELECT i, ARRAY(SELECT random() * 2 - 1 FROM generate_series(1, 20) WHERE i > 0) AS x
      FROM generate_series(1, 200000) AS i) AS s;
ALTER TABLE stress_cw ADD PRIMARY KEY (id);  -- the writer's deletes and updates by id stay quick
CREATE TABLE stress_cw_orig AS SELECT * FROM stress_cw;
-- 300,000 x 50 for the aborted trainings: one takes about 10 s
SELECT setseed(0.31);
CREATE TABLE stress_cancel_rows AS
SELECT i AS id, x, x[1] + 0.5 * x[2] - 0.3 * x[3] + 0.3 * x[4] * x[5] > 0 AS y
FROM (SELECT i, ARRAY(SELECT random() * 2 - 1 FROM generate_series(1, 50) WHERE i > 0) AS x
      FROM generate_series(1, 300000) AS i) AS s;
CREATE TABLE stress_small AS SELECT * FROM stress_cancel_rows WHERE id <= 2000;
VACUUM ANALYZE stress_t1, stress_t2, stress_t3, stress_t4, stress_cw, stress_cancel_rows, stress_small;
SQL

setup_done=$(date +%s)
# ------------------------------------------------------ stress_concurrency
# Five pgbench scripts; each client draws one per transaction by weight.
# A failed check raises (stress_assert), which pgbench counts or aborts on.
cat > "$work/train_own.sql" <<'SQL'
\set k random(1, 3)
\set t random(1, 4)
SELECT stress_assert(rows_used > 0 AND name = 'stress_' || :client_id || '_' || :k, 'own training')
FROM hinge_train('stress_' || :client_id || '_' || :k, ('stress_t' || :t)::regclass, 'x', 'y',
                 lambda => 1e-3, loss => (ARRAY['hinge', 'squared_hinge', 'smooth_hinge'])[:k]);
SQL
cat > "$work/retrain_shared.sql" <<'SQL'
\set l random(2, 4)
SELECT stress_assert(rows_used > 0, 'shared retraining')
FROM hinge_train('stress_model', 'stress_t1', 'x', 'y', lambda => power(10, -:l));
SQL
# scoring by name in a view while stress_model is retrained: within one
# statement the view must agree with the weights that statement sees
cat > "$work/score_view.sql" <<'SQL'
SELECT stress_assert(count(*) > 0 AND count(*) FILTER (
           WHERE s.score IS DISTINCT FROM hinge_score(m.weights, s.x)
              OR s.predicted IS DISTINCT FROM m.classes[CASE WHEN hinge_score(m.weights, s.x) > 0 THEN 2 ELSE 1 END]) = 0,
       'view scores by name differ from the stored weights')
FROM stress_scored AS s CROSS JOIN hinge_model AS m
WHERE m.name = 'stress_model';
SQL
# training under concurrent writes: rows come and go in the training tables
cat > "$work/write.sql" <<'SQL'
\set t random(1, 4)
\set lo random(1, 30000)
INSERT INTO stress_t:t (x, y)
SELECT x, x[1] + 0.5 * x[2] - 0.3 * x[3] + 0.4 * (random() - 0.5) > 0
FROM (SELECT ARRAY(SELECT random() * 2 - 1 FROM generate_series(1, 10) WHERE i > 0) AS x
      FROM generate_series(1, 40) AS i) AS s;
DELETE FROM stress_t:t WHERE id BETWEEN :lo AND :lo + 29;
SQL
cat > "$work/evaluate.sql" <<'SQL'
\set t random(1, 4)
SELECT stress_assert(e.n > 0 AND e.accuracy BETWEEN 0 AND 1 AND e.objective > 0, 'evaluation')
FROM hinge_evaluate('stress_model', ('stress_t' || :t)::regclass, 'x', 'y') AS e;
SELECT stress_assert(coalesce(bool_and(e.n > 0 AND e.accuracy BETWEEN 0 AND 1), true), 'evaluation of own models')
FROM hinge_model AS m, hinge_evaluate(m.name, ('stress_t' || :t)::regclass, 'x', 'y') AS e
WHERE m.name LIKE 'stress\_' || :client_id || '\_%';
SQL

deadlocks_before=$(q -c 'SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()')
t0=$(date +%s)
set +e
# progress NOTICEs off, so that the errors stand out in pgbench's stderr
PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning" pgbench -n -c 8 -j 2 -T "$seconds" \
    -f "$work/train_own.sql@4" -f "$work/retrain_shared.sql@2" -f "$work/score_view.sql@3" \
    -f "$work/write.sql@3" -f "$work/evaluate.sql@2" >"$work/pgbench.out" 2>"$work/pgbench.err"
pgbench_rc=$?
set -e
t1=$(date +%s)
sleep 1  # backends flush their statistics as they exit
deadlocks_after=$(q -c 'SELECT pg_stat_clear_snapshot(); SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()' | tail -n 1)
deadlocks=$((deadlocks_after - deadlocks_before))
processed=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$work/pgbench.out")
failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$work/pgbench.out")
aborted=$(grep -c 'aborted' "$work/pgbench.err" || true)

# models afterwards: every row complete and sane, and scoring by name (one
# statement, many names) equal to scoring with the stored weights
problems=$(q <<'SQL'
SELECT name || ': ' || p FROM (
    SELECT name, concat_ws(', ',
        CASE WHEN n_features <> 10 OR features <> '{x}' THEN 'n_features/features' END,
        CASE WHEN array_ndims(weights) <> 1 OR array_length(weights, 1) <> n_features + intercept::int
             THEN 'weights length ' || array_length(weights, 1) END,
        CASE WHEN EXISTS (SELECT FROM unnest(weights) AS w WHERE NOT w BETWEEN -1e300 AND 1e300) THEN 'non-finite weight' END,
        CASE WHEN cardinality(classes) <> 2 OR positive_class IS DISTINCT FROM classes[2] THEN 'classes' END,
        CASE WHEN NOT (objective BETWEEN 0 AND 1e300 AND lower_bound BETWEEN -1e300 AND 1e300) THEN 'non-finite objective' END,
        CASE WHEN objective < lower_bound THEN 'objective < lower_bound' END,
        CASE WHEN converged AND objective - lower_bound > 1e-3 * objective THEN 'converged without the certified gap' END,
        CASE WHEN passes < 1 OR rows_used < 1 OR rows_skipped <> 0 OR NOT train_seconds >= 0
             OR trained_at IS NULL OR online_updates <> 0 OR multiclass IS NOT NULL THEN 'counters' END,
        CASE WHEN relation NOT IN ('stress_t1', 'stress_t2', 'stress_t3', 'stress_t4') THEN 'relation ' || relation END) AS p
    FROM hinge_model WHERE name ~ '^stress_([0-9]+_[0-9]+|model)$') AS s
WHERE p <> ''
UNION ALL
SELECT 'scoring by name differs from the stored weights: ' || count(*) || ' rows'
FROM hinge_model AS m CROSS JOIN (SELECT x FROM stress_t1 ORDER BY id LIMIT 200) AS t
WHERE m.name ~ '^stress_([0-9]+_[0-9]+|model)$'
  AND (hinge_score(m.name, t.x) IS DISTINCT FROM hinge_score(m.weights, t.x)
       OR hinge_predict(m.name, t.x) IS DISTINCT FROM m.classes[CASE WHEN hinge_score(m.weights, t.x) > 0 THEN 2 ELSE 1 END])
HAVING count(*) > 0;
SQL
)
models=$(q -c "SELECT count(*) FROM hinge_model WHERE name ~ '^stress_([0-9]+_[0-9]+|model)$'")
restarted=$([ "$(q -c 'SELECT pg_postmaster_start_time()')" = "$start_time" ] && echo 0 || echo 1)
if [ "$pgbench_rc" != 0 ] || [ "$aborted" != 0 ] || [ -z "$processed" ] || [ "$processed" = 0 ] \
   || [ "${failed:-x}" != 0 ] || [ "$deadlocks" != 0 ] || [ "$restarted" != 0 ] || [ -n "$problems" ] || [ "$models" -lt 2 ]; then
    printf "%s" "$problems" > "$work/problems.txt"
    fail stress_concurrency "pgbench exit $pgbench_rc, ${processed:-?} transactions, ${failed:-?} failed, $aborted clients aborted, $deadlocks deadlocks, server restarted: $restarted, $models models" \
        "$work/pgbench.err" "$work/pgbench.out" "$work/problems.txt"
else
    echo "test stress_concurrency ... ok (8 sessions, $((t1 - t0)) s, $processed transactions, 0 failed, 0 deadlocks, $models models consistent)"
fi

# ------------------------------------------------ stress_concurrent_writes
# The training starts first (300 passes, whatever its gap: in memory a
# training to a gap of 1e-5 can end before the second round of writes);
# once it holds its snapshot, a writer commits
# rounds of inserts, deletes and updates, checking after each commit that the
# training is still running.  The training must use exactly the rows of its
# snapshot: the counts, and the objective of the same rows (a copy taken
# before) as hinge_evaluate computes it.
read -r usable0 skipped0 <<<"$(q -F ' ' -c 'SELECT count(*) FILTER (WHERE x IS NOT NULL AND y IS NOT NULL), count(*) FILTER (WHERE x IS NULL OR y IS NULL) FROM stress_cw')"
PGAPPNAME=stress_cw_train q -F ' ' -c "SET client_min_messages = warning" \
    -c "SELECT rows_used, rows_skipped, objective, classes, multiclass IS NULL, passes, round(train_seconds::numeric, 1)
        FROM hinge_train('stress_cw', 'stress_cw', 'x', 'y', lambda => 1e-4, tolerance => 1e-12, max_passes => 300)" \
    >"$work/cw_train.out" 2>"$work/cw_train.err" &
train_pid=$!
bg_pids+=("$train_pid")
trainer=""
for _ in $(seq 1 200); do   # its backend, once active with a snapshot
    trainer=$(q -c "SELECT pid FROM pg_stat_activity WHERE application_name = 'stress_cw_train'
                    AND state = 'active' AND query LIKE '%hinge_train%' AND backend_xmin IS NOT NULL")
    [ -n "$trainer" ] && break
    sleep 0.05
done
sleep 0.3
rounds=0
during=0
if [ -n "$trainer" ]; then
    for r in $(seq 1 12); do
        # valid rows, rows of another length and a third label (an error or a
        # multiclass model if the training saw them), deletions, label flips
        q <<SQL
BEGIN;
INSERT INTO stress_cw SELECT 1000000 + $r * 10000 + i, ARRAY(SELECT random() * 2 - 1 FROM generate_series(1, 20) WHERE i > 0), 1
FROM generate_series(1, 2000) AS i;
INSERT INTO stress_cw SELECT 2000000 + $r * 10000 + i, ARRAY(SELECT random() FROM generate_series(1, 21) WHERE i > 0), 1
FROM generate_series(1, 5) AS i;
INSERT INTO stress_cw SELECT 3000000 + $r * 10000 + i, ARRAY(SELECT random() FROM generate_series(1, 20) WHERE i > 0), 0
FROM generate_series(1, 5) AS i;
DELETE FROM stress_cw WHERE id BETWEEN $r * 10000 AND $r * 10000 + 1999;
UPDATE stress_cw SET y = -y WHERE id BETWEEN 150000 + $r * 2000 AND 150000 + $r * 2000 + 999;
COMMIT;
SQL
        rounds=$((rounds + 1))
        [ "$(q -c "SELECT count(*) FROM pg_stat_activity WHERE pid = $trainer AND state = 'active'")" = 1 ] || break
        during=$((during + 1))
        sleep 0.2
    done
fi
set +e; wait "$train_pid"; train_rc=$?; set -e
read -r used skipped objective classes binary passes train_s <"$work/cw_train.out" || true
read -r eval_n eval_objective <<<"$(q -F ' ' -c "SELECT n, objective FROM hinge_evaluate('stress_cw', 'stress_cw_orig', 'x', 'y')" 2>>"$work/cw_train.err" || true)"
usable1=$(q -c 'SELECT count(*) FILTER (WHERE x IS NOT NULL AND y IS NOT NULL) FROM stress_cw')
same_objective=$(q -c "SELECT abs(${objective:-0} - ${eval_objective:-1}) <= 1e-9 * ${objective:-0}")
if [ -z "$trainer" ] || [ "$train_rc" != 0 ] || [ "$during" -lt 2 ] || [ "${used:-x}" != "$usable0" ] \
   || [ "${skipped:-x}" != "$skipped0" ] || [ "${classes:-x}" != '{-1,1}' ] || [ "${binary:-x}" != t ] \
   || [ "${eval_n:-x}" != "$usable0" ] || [ "$same_objective" != t ]; then
    fail stress_concurrent_writes "trainer ${trainer:-not seen}, exit $train_rc, $during of $rounds write rounds committed during the training, rows_used ${used:-?} (snapshot $usable0), rows_skipped ${skipped:-?} (snapshot $skipped0), classes ${classes:-?}, objective ${objective:-?} vs ${eval_objective:-?} on the snapshot's rows" \
        "$work/cw_train.err" "$work/cw_train.out"
else
    echo "test stress_concurrent_writes ... ok ($usable0 rows x 20, $during write rounds committed during the ${train_s} s training ($passes passes): rows_used $used = rows before the writes (now $usable1), rows_skipped $skipped, objective = the snapshot's to 1e-9)"
fi

# --------------------------------------------------------- stress_cancel
# One psql session runs every attempt; after each it records the abort's
# SQLSTATE and message, the two models' state, and its memory: the sum of
# its memory contexts and, via \! (the client shares the machine), VmRSS and
# RssAnon of its backend.  Odd attempts retrain an existing model, even ones
# train a new name.  The last five are cancelled by another session, which
# waits until the training runs and then calls pg_cancel_backend.
cat > "$work/canceller.sh" <<'SH'
pid=$1; delay=$2
for _ in $(seq 1 200); do
    [ "$(psql -X -A -t -c "SELECT count(*) FROM pg_stat_activity WHERE pid = $pid AND state = 'active' AND query LIKE '%hinge_train%'")" = 1 ] && break
    sleep 0.05
done
sleep "$delay"
psql -X -A -t -F ' ' -c "SELECT 'CANCEL', pg_cancel_backend($pid)"
SH
# from before the first pass to deep in the solver (a whole training takes
# 2-5 s here, in memory or on passes; at lambda 1e-4 an in-memory one once
# ended within the 700 ms timeout)
timeouts="5 20 50 80 110 140 170 200 230 260 300 340 380 420 460 500 550 600 650 700"
delays="0.1 0.3 0.6 1.0 1.5"
{
    echo "SET client_min_messages = error;"
    echo "SELECT pg_backend_pid() AS pid \\gset"
    echo "\\setenv STRESS_PID :pid"
    echo "SELECT FROM hinge_train('stress_cancel_old', 'stress_small', 'x', 'y', max_passes => 3);"
    echo "SELECT 'OLD', md5(m::text) FROM hinge_model AS m WHERE name = 'stress_cancel_old';"
    i=0
    for ms in $timeouts $delays; do
        i=$((i + 1))
        if [ "$i" -le 20 ]; then
            echo "SET statement_timeout = $ms;"
        else
            # on passes (about 10 s): in memory the training may end before
            # the canceller's delay; the timeouts above abort it in memory
            echo "SET hinge.in_memory_limit = 0;"
            echo "\\! sh $work/canceller.sh \$STRESS_PID $ms >> $work/canceller.out 2>&1 &"
        fi
        name=$([ $((i % 2)) = 1 ] && echo stress_cancel_old || echo stress_cancel_new)
        echo "SELECT FROM hinge_train('$name', 'stress_cancel_rows', 'x', 'y', lambda => 1e-5, tolerance => 1e-5);"
        echo "\\echo ABORT $i :SQLSTATE :LAST_ERROR_MESSAGE"
        echo "RESET statement_timeout;"
        echo "RESET hinge.in_memory_limit;"
        echo "SELECT 'STATE', $i, pg_backend_pid(), (SELECT md5(m::text) FROM hinge_model AS m WHERE name = 'stress_cancel_old'),
                     (SELECT count(*) FROM hinge_model WHERE name = 'stress_cancel_new');"
        echo "SELECT 'MEM', $i, sum(total_bytes) FROM pg_backend_memory_contexts;"
        echo "\\setenv STRESS_I $i"
        echo "\\! awk -v i=\$STRESS_I '/^VmRSS:/ {r = \$2} /^RssAnon:/ {a = \$2} END {print \"RSS\", i, r, a}' /proc/\$STRESS_PID/status >> $work/rss.out 2>/dev/null"
    done
    # the session still trains: a complete one under the new name
    echo "SELECT 'DONE', pg_backend_pid(), rows_used FROM hinge_train('stress_cancel_new', 'stress_small', 'x', 'y', max_passes => 3);"
} > "$work/cancel.sql"
: > "$work/rss.out"
c0=$(date +%s)
# no ON_ERROR_STOP: the aborts are expected, and checked one by one below
psql -X -q -A -t -F ' ' -f "$work/cancel.sql" >"$work/cancel.out" 2>"$work/cancel.err" || true
c1=$(date +%s)
# the cancellers run in the background: the last may still be writing its
# line when the session is done (a loaded machine), so wait for the five
for _ in $(seq 1 100); do
    [ "$(grep -c '^CANCEL' "$work/canceller.out" 2>/dev/null || true)" -ge 5 ] && break
    sleep 0.1
done
old=$(awk '$1 == "OLD" {print $2}' "$work/cancel.out")
pid0=$(awk '$1 == "DONE" {print $2}' "$work/cancel.out")
# every attempt aborted with 57014, the right message, and left the models alone
bad=$(awk -v old="$old" -v pid="$pid0" '
    $1 == "ABORT" { want = ($2 <= 20) ? "timeout" : "user request";
                    if ($3 != "57014" || index($0, want) == 0) print "attempt " $2 " was not aborted by " want ": " $0 }
    $1 == "STATE" { if ($3 != pid) print "attempt " $2 ": another backend " $3;
                    if ($4 != old) print "attempt " $2 ": stress_cancel_old changed";
                    if ($5 != 0) print "attempt " $2 ": stress_cancel_new appeared" }' "$work/cancel.out")
n_abort=$(grep -c '^ABORT' "$work/cancel.out" || true)
n_cancel=$(grep -c '^CANCEL t' "$work/canceller.out" 2>/dev/null || true)
mem() { awk -v i="$2" -v c="$3" '$1 == "'"$1"'" && $2 == i {print $c}' "$4"; }
ctx5=$(mem MEM 5 3 "$work/cancel.out"); ctx25=$(mem MEM 25 3 "$work/cancel.out")
rss5=$(mem RSS 5 3 "$work/rss.out"); rss25=$(mem RSS 25 3 "$work/rss.out")
anon5=$(mem RSS 5 4 "$work/rss.out"); anon25=$(mem RSS 25 4 "$work/rss.out")
mb() { awk -v b="$1" 'BEGIN {printf "%.2f MB", b / 1048576}'; }
figures="memory contexts $(mb "${ctx5:-0}") -> $(mb "${ctx25:-0}")"
ctx_ok=$([ -n "$ctx5" ] && [ -n "$ctx25" ] && [ $((ctx25 - ctx5)) -lt 1048576 ] && echo 1 || echo 0)
rss_ok=1
if [ -n "$anon5" ] && [ -n "$anon25" ]; then
    figures="$figures, RssAnon $(mb $((anon5 * 1024))) -> $(mb $((anon25 * 1024))), VmRSS $(mb $((rss5 * 1024))) -> $(mb $((rss25 * 1024))) (with the shared buffers it touched)"
    [ $(((anon25 - anon5) * 1024)) -lt 1048576 ] || rss_ok=0
else
    figures="$figures, RSS not readable (server on another machine?)"
fi
if [ "$n_abort" != 25 ] || [ -n "$bad" ] || [ -z "$old" ] || [ -z "$pid0" ] || [ "$n_cancel" != 5 ] \
   || [ "$ctx_ok" != 1 ] || [ "$rss_ok" != 1 ]; then
    echo "$bad" > "$work/bad.txt"
    printf '%s\n' "$(grep -E '^(MEM|STATE)' "$work/cancel.out")" "$(cat "$work/rss.out")" > "$work/figures.txt"
    fail stress_cancel "$n_abort aborts, $n_cancel cancels delivered, session usable afterwards: ${pid0:+yes}, $figures (growth from the 5th to the 25th abort must stay under 1 MB)" \
        "$work/bad.txt" "$work/cancel.err" "$work/figures.txt"
else
    echo "test stress_cancel ... ok (20 timeouts + 5 cancels in one session, $((c1 - c0)) s, no partial model, $figures, 5th -> 25th abort)"
fi

if [ "$verbose" = 1 ]; then
    echo "setup $((setup_done - script_start)) s, total $(( $(date +%s) - script_start)) s"
    cat "$work/pgbench.out"
    join <(awk '$1 == "MEM" {print $2, $3}' "$work/cancel.out" | sort) <(awk '{print $2, $3, $4}' "$work/rss.out" | sort) \
        | sort -n | awk 'BEGIN {print "abort contexts_bytes VmRSS_kB RssAnon_kB"} {print}'
fi
[ "$failures" = 0 ] || { echo "stress: $failures check(s) failed"; exit 1; }
