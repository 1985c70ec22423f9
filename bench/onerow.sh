#!/bin/bash
# bench/onerow.sh: scoring one row at a time, the request path of an
# application (issue 17): many short statements from many clients, each
# touching one row, against the same statement without hinge.
#
#   bench/onerow.sh [--rows N] [--features D] [--reps R] [--seconds T]
#                   [--clients C] [--jobs J] [--modes 'prepared simple']
#
# On onerow_rows(id int PRIMARY KEY, x float8[], y float8, class int), a
# copy of the deterministic bench_rows of bench/score.sh (default 100,000
# rows x 30 features) with a 10-class label (the largest of x[1..10]), it
# trains a binary model (y) and a 10-class one (class), then runs every
# statement of STATEMENTS below with
#
#   pgbench -n -c C -j J -T T -M MODE -f <the statement>      (:id random in 1..N)
#
# for each MODE of --modes (prepared, simple), round robin, R rounds (every
# statement once per mode in a round, so that the machine's drift hits all
# alike), after a short untimed warm-up of each.  Before every run the
# insert targets are emptied and the models that learn are reset (untimed).
# It prints the median tps of each statement in each mode, its baseline's
# median tps in the same mode and run, their ratio, the ratio of each
# round, and the goal.  The sessions run with synchronous_commit = off
# (PGOPTIONS): a commit does not wait for its WAL flush, so the statements'
# own work is what is compared, not the disk's flush time, which would hide
# it.  The insert targets are UNLOGGED, as in bench/scoring.sh; hinge_model
# is logged.
#
# Connects with the usual libpq variables (PGHOST, PGPORT, PGDATABASE...);
# with none set, it runs itself again under pg_virtualenv, in a throwaway
# cluster (bench/common.sh).  On a server of your own it creates (and
# replaces) the table onerow_rows, the models onerow_*, and the tables
# onerow_plain, onerow_scored, onerow_base_rows and onerow_learned.  Exits 0
# whatever the ratios, non-zero on any error.  See bench/README.md.
set -euo pipefail

BENCH_NAME=onerow.sh
ROWS=100000
FEATURES=30
REPS=5
SECS=10
CLIENTS=8
JOBS=2
MODES="prepared simple"

# The statements: one line each, "name|baseline|goal|SQL".  The baseline is
# the name of another statement (itself for a baseline); the goal is the
# least ratio of tps to the baseline's that is wanted ('-': none).  :id is a
# row, uniformly at random.  A new variant (an encoding of the features, a
# sparse input, when hinge has them) is one more line here.
STATEMENTS=(
"fetch|fetch|-|SELECT x FROM onerow_rows WHERE id = :id"
"binary by name|fetch|0.80|SELECT hinge_predict('onerow_binary', x), hinge_score('onerow_binary', x) FROM onerow_rows WHERE id = :id"
"10-class by name|fetch|0.80|SELECT hinge_predict('onerow_10class', x), hinge_scores('onerow_10class', x) FROM onerow_rows WHERE id = :id"
"binary scaled by name|fetch|0.80|SELECT hinge_predict('onerow_scaled', x), hinge_score('onerow_scaled', x) FROM onerow_rows WHERE id = :id"
"fetch sparse|fetch sparse|-|SELECT xs FROM onerow_rows WHERE id = :id"
"binary sparse by name|fetch sparse|0.80|SELECT hinge_predict('onerow_binary', xs), hinge_score('onerow_binary', xs) FROM onerow_rows WHERE id = :id"
"binary, weights joined|fetch|-|SELECT hinge_predict(m.weights, x), hinge_score(m.weights, x) FROM onerow_rows, hinge_model AS m WHERE id = :id AND m.name = 'onerow_binary'"
"insert|insert|-|INSERT INTO onerow_plain (id, x) SELECT id, x FROM onerow_rows WHERE id = :id"
"insert, score trigger|insert|0.90|INSERT INTO onerow_scored (id, x) SELECT id, x FROM onerow_rows WHERE id = :id"
"insert + model update|insert + model update|-|WITH i AS (INSERT INTO onerow_base_rows (x, y) SELECT x, y FROM onerow_rows WHERE id = :id RETURNING 1) UPDATE hinge_model SET weights = weights, online_updates = online_updates + 1, calibration_a = NULL, calibration_b = NULL FROM i WHERE name = 'onerow_base'"
"insert, learn trigger|insert + model update|0.90|INSERT INTO onerow_learned (x, y) SELECT x, y FROM onerow_rows WHERE id = :id"
)

BENCH_EXTRA_ARGS=()
args=()
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds|--clients|--jobs|--modes)
            [ $# -ge 2 ] || { echo "$BENCH_NAME: $1 needs a value" >&2; exit 2; }
            set -- "$1=$2" "${@:3}" ;;
        --seconds=*) SECS=${1#*=}; BENCH_EXTRA_ARGS+=("$1"); shift ;;
        --clients=*) CLIENTS=${1#*=}; BENCH_EXTRA_ARGS+=("$1"); shift ;;
        --jobs=*) JOBS=${1#*=}; BENCH_EXTRA_ARGS+=("$1"); shift ;;
        --modes=*) MODES=${1#*=}; BENCH_EXTRA_ARGS+=("$1"); shift ;;
        *) args+=("$1"); shift ;;
    esac
done

. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_usage() {
    echo "usage: bench/$BENCH_NAME [--rows N] [--features D] [--reps R] [--seconds T] [--clients C] [--jobs J] [--modes 'prepared simple']"
    echo "defaults: --rows $ROWS --features $FEATURES --reps $REPS --seconds $SECS --clients $CLIENTS --jobs $JOBS --modes '$MODES'"
}
bench_parse_args ${args[@]+"${args[@]}"}
bench_positive --seconds "$SECS"
bench_positive --clients "$CLIENTS"
bench_positive --jobs "$JOBS"
for mode in $MODES; do
    case "$mode" in
        simple|extended|prepared) ;;
        *) bench_die "--modes takes simple, extended and prepared, not '$mode'" ;;
    esac
done
command -v pgbench >/dev/null || bench_die "no pgbench (package postgresql-client-$PG_MAJOR)"
bench_reexec "${BASH_SOURCE[0]}"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/hinge-onerow.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
chmod 755 "$WORK"

echo "hinge one-row benchmark: $ROWS rows x $FEATURES features; pgbench -c $CLIENTS -j $JOBS -T $SECS, modes: $MODES; median of $REPS rounds"

# 1. The rows, the models and the targets (rebuilt every time: a few seconds).
bench_build_tables
"${PSQL[@]}" -A -t <<'SQL'
SET client_min_messages = warning;
SELECT format('PostgreSQL %s, shared_buffers %s, max_connections %s',
              current_setting('server_version'), current_setting('shared_buffers'),
              current_setting('max_connections'));
DROP TABLE IF EXISTS onerow_rows, onerow_plain, onerow_scored, onerow_base_rows, onerow_learned;
DELETE FROM hinge_model WHERE name LIKE 'onerow\_%';

-- class: the largest of the first (up to) 10 features, 1-based
CREATE TABLE onerow_rows (id int PRIMARY KEY, x float8[] NOT NULL, y float8 NOT NULL,
                          class int NOT NULL, xs hinge_sparse NOT NULL);
INSERT INTO onerow_rows
SELECT id, x, y, (SELECT j FROM generate_series(1, least(10, cardinality(x))) AS j
                  ORDER BY x[j] DESC, j LIMIT 1),
       hinge_sparse(x)
FROM bench_rows;

-- (the warnings that they did not converge go: they are not the point here)
SET client_min_messages = error;
SELECT format('model onerow_binary: %s classes, %s weights, %s passes; onerow_10class: %s classes, %s x %s weights, %s passes',
              b.n_classes, cardinality(b.weights), b.passes,
              m.n_classes, array_length(m.weights, 1), array_length(m.weights, 2), m.passes)
FROM (SELECT cardinality(classes) AS n_classes, weights, passes
      FROM hinge_train('onerow_binary', 'onerow_rows', 'x', 'y', lambda => 1e-4,
                       max_passes => 20)) AS b,
     (SELECT cardinality(classes) AS n_classes, weights, passes
      FROM hinge_train('onerow_10class', 'onerow_rows', 'x', 'class', lambda => 1e-3,
                       max_passes => 10)) AS m;
-- an encoded model: the same rows, standardised (the scaling folded into
-- what it scores through the model's encoding)
SELECT format('model onerow_scaled: %s passes', passes)
FROM hinge_train('onerow_scaled', 'onerow_rows', 'x', 'y', lambda => 1e-4, max_passes => 20,
                 scale => 'standard');
SET client_min_messages = warning;
-- the models that learn: copies of the binary one
INSERT INTO hinge_model
SELECT (jsonb_populate_record(NULL::hinge_model, to_jsonb(m) || jsonb_build_object('name', n))).*
FROM hinge_model AS m, unnest('{onerow_learn,onerow_base}'::text[]) AS n
WHERE m.name = 'onerow_binary';

-- the insert targets: UNLOGGED, so no WAL for their rows in any of them
CREATE UNLOGGED TABLE onerow_plain (id int, x float8[], label text);
CREATE UNLOGGED TABLE onerow_scored (id int, x float8[], label text);
CREATE TRIGGER score BEFORE INSERT ON onerow_scored
    FOR EACH ROW EXECUTE FUNCTION hinge_score_trigger('onerow_binary', 'x', 'label', 'label');
CREATE UNLOGGED TABLE onerow_base_rows (x float8[], y float8);
CREATE UNLOGGED TABLE onerow_learned (x float8[], y float8);
CREATE TRIGGER learn AFTER INSERT ON onerow_learned
    FOR EACH ROW EXECUTE FUNCTION hinge_learn_trigger('onerow_learn', 'x', 'y');

DROP TABLE IF EXISTS onerow_results;
CREATE UNLOGGED TABLE onerow_results (k int, name text, baseline text, goal text,
                                      mode text, rep int, tps float8);
SQL
"${PSQL[@]}" -c 'VACUUM (FREEZE, ANALYZE) onerow_rows' -c 'VACUUM ANALYZE hinge_model'

# Before every run: empty targets, the learning models back to the start
reset_targets() {
    "${PSQL[@]}" -c "TRUNCATE onerow_plain, onerow_scored, onerow_base_rows, onerow_learned" \
        -c "UPDATE hinge_model AS m SET weights = b.weights, online_updates = 0, calibration_a = NULL, calibration_b = NULL
            FROM hinge_model AS b WHERE b.name = 'onerow_binary' AND m.name IN ('onerow_learn', 'onerow_base')" \
        -c "VACUUM hinge_model" >/dev/null
}

# 2. One pgbench script per statement
n=${#STATEMENTS[@]}
for k in $(seq 0 $((n - 1))); do
    IFS='|' read -r name baseline goal sql <<<"${STATEMENTS[$k]}"
    printf '\\set id random(1, %s)\n%s;\n' "$ROWS" "$sql" > "$WORK/$k.sql"
done

# pgbench's tps ("without initial connection time"); its output on failure
run_pgbench() {
    local out
    if ! out=$(PGOPTIONS="${PGOPTIONS:-} -c synchronous_commit=off" \
               pgbench -n -c "$CLIENTS" -j "$JOBS" "$@" 2>&1); then
        echo "$out" >&2
        bench_die "pgbench $* failed"
    fi
    echo "$out" | sed -n 's/^tps = \([0-9.]*\) (without initial connection time)$/\1/p'
}

# 3. Warm-up (untimed): each statement, each mode, a few hundred times
for mode in $MODES; do
    for k in $(seq 0 $((n - 1))); do
        reset_targets
        run_pgbench -t 50 -M "$mode" -f "$WORK/$k.sql" >/dev/null
    done
done

# 4. The rounds
for rep in $(seq 1 "$REPS"); do
    for mode in $MODES; do
        for k in $(seq 0 $((n - 1))); do
            IFS='|' read -r name baseline goal sql <<<"${STATEMENTS[$k]}"
            reset_targets
            tps=$(run_pgbench -T "$SECS" -M "$mode" -f "$WORK/$k.sql")
            [ -n "$tps" ] || bench_die "no tps from pgbench for '$name' ($mode)"
            printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$k" "$name" "$baseline" "$goal" "$mode" "$rep" "$tps" \
                >> "$WORK/results.tsv"
        done
    done
done

# 5. Checks (after one more short run of every statement, untimed), and the table
reset_targets
for k in $(seq 0 $((n - 1))); do
    run_pgbench -T 1 -M prepared -f "$WORK/$k.sql" >/dev/null
done
"${PSQL[@]}" -c "\\copy onerow_results FROM '$WORK/results.tsv'"
"${PSQL[@]}" -A -t <<'SQL'
SET client_min_messages = warning;
SELECT '';
-- the trigger filled every row with what hinge_predict says; no update was lost
SELECT format('check: onerow_scored %s rows, %s labelled as hinge_predict(''onerow_binary'', x) does',
              count(*), count(*) FILTER (WHERE label = hinge_predict('onerow_binary', x)))
FROM onerow_scored;
SELECT format('check: onerow_learned %s rows, model onerow_learn %s online updates; onerow_base_rows %s rows, model onerow_base %s',
              (SELECT count(*) FROM onerow_learned),
              (SELECT online_updates FROM hinge_model WHERE name = 'onerow_learn'),
              (SELECT count(*) FROM onerow_base_rows),
              (SELECT online_updates FROM hinge_model WHERE name = 'onerow_base'));

CREATE TEMP VIEW summary AS
WITH s AS (
    SELECT min(k) AS k, name, baseline, goal, mode,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY tps) AS tps
    FROM onerow_results GROUP BY name, baseline, goal, mode),
rounds AS (
    SELECT r.name, r.mode, string_agg(to_char(r.tps / b.tps, 'FM90.00'), ' ' ORDER BY r.rep) AS ratios
    FROM onerow_results AS r JOIN onerow_results AS b
      ON b.name = r.baseline AND b.mode = r.mode AND b.rep = r.rep
    GROUP BY r.name, r.mode)
SELECT s.*, b.tps AS baseline_tps, s.tps / b.tps AS ratio, rounds.ratios
FROM s JOIN s AS b ON b.name = s.baseline AND b.mode = s.mode
JOIN rounds ON rounds.name = s.name AND rounds.mode = s.mode;

SELECT format('%-24s %-9s %9s %-22s %9s %6s %5s  %s', 'statement', 'mode', 'tps',
              'baseline', 'tps', 'ratio', 'goal', 'ratio of each round');
SELECT format('%-24s %-9s %9s %-22s %9s %6s %5s  %s', name, mode, to_char(tps, 'FM9999990'),
              baseline, to_char(baseline_tps, 'FM9999990'), to_char(ratio, 'FM90.00'),
              goal, ratios)
FROM summary ORDER BY mode DESC, k;
SELECT format('%s (%s): %s of %s (goal >= %s)%s', name, mode, to_char(ratio, 'FM90.00'), baseline,
              goal, CASE WHEN ratio >= goal::float8 THEN '' ELSE ': MISSED' END)
FROM summary WHERE goal <> '-' ORDER BY mode DESC, k;
SQL
