#!/bin/bash
# scripts/test_citus.sh: hinge on a Citus cluster of one coordinator and two
# workers on local ports (README, "Scale-out on Citus").
#
#   scripts/test_citus.sh [--rows N]        (default 100000 rows of 50 features)
#
# Needs a PostgreSQL with Citus and hinge installed (make install), found by
# $PG_CONFIG (default pg_config); without Citus it says so and exits 0, so
# that CI, which has no Citus, stays green.  The servers run as the user
# postgres when started by root (as the current user otherwise), in a
# temporary directory, on ports $CITUS_TEST_PORT to +2 (by default the
# first free ones of 9760-9762, 9770-9772, ...), and are stopped and removed
# at the end.
#
# It distributes a table and checks, against a local table of the same rows:
# training (the same model, to the bit, at REPEATABLE READ; refused at READ
# COMMITTED), the pushdown of a pass (EXPLAIN), scoring by model name
# (queries, a view, a prepared statement after a retrain, INSERT ... SELECT),
# evaluation, calibration, encoded and sparse training, the scoring trigger's
# error, and training while another session writes; then it times a pass
# and a training on both, and a pass inside worker_partial_agg.
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS=100000
while [ $# -gt 0 ]; do
    case "$1" in
    --rows) ROWS=$2; shift 2 ;;
    *) echo "usage: $0 [--rows N]" >&2; exit 2 ;;
    esac
done

PG_CONFIG=${PG_CONFIG:-pg_config}
if ! command -v "$PG_CONFIG" >/dev/null 2>&1; then
    echo "test citus                        ... skipped (no pg_config: PostgreSQL's development files are not installed)"
    exit 0
fi
BIN=$("$PG_CONFIG" --bindir)
LIB=$("$PG_CONFIG" --pkglibdir)
SHARE=$("$PG_CONFIG" --sharedir)
if [ ! -f "$LIB/citus.so" ] || [ ! -f "$SHARE/extension/citus.control" ]; then
    echo "test citus                        ... skipped (Citus is not installed in $LIB: see README, \"Scale-out on Citus\")"
    exit 0
fi
if [ ! -f "$LIB/hinge.so" ] || [ ! -f "$SHARE/extension/hinge.control" ]; then
    echo "hinge is not installed in $LIB: run make install first" >&2
    exit 1
fi

port_free() { ! (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if [ -n "${CITUS_TEST_PORT:-}" ]; then
    BASEPORT=$CITUS_TEST_PORT
else
    # the first of 9760, 9770, ... whose three ports are free
    for BASEPORT in $(seq 9760 10 9960); do
        port_free "$BASEPORT" && port_free $((BASEPORT + 1)) && port_free $((BASEPORT + 2)) && break
    done
fi
PORTS=("$BASEPORT" $((BASEPORT + 1)) $((BASEPORT + 2)))
NODES=(coord w1 w2)
if [ "$(id -u)" = 0 ]; then
    as_pg() { runuser -u postgres -- "$@"; }
    DBUSER=postgres
else
    as_pg() { "$@"; }
    DBUSER=$(id -un)
fi
BASE=$(mktemp -d /tmp/hinge-citus.XXXXXX)
chmod 755 "$BASE"
[ "$(id -u)" = 0 ] && chown postgres "$BASE"

stop_all() {
    local n
    for n in "${NODES[@]}"; do
        if [ -f "$BASE/$n/postmaster.pid" ]; then
            as_pg "$BIN/pg_ctl" -D "$BASE/$n" -m immediate -w stop >/dev/null 2>&1 || true
        fi
    done
    rm -rf "$BASE"
}
WRITER_PID=
cleanup() {
    [ -n "$WRITER_PID" ] && kill "$WRITER_PID" 2>/dev/null && wait "$WRITER_PID" 2>/dev/null
    stop_all
}
trap cleanup EXIT

# psql on node i (0 = the coordinator): unaligned, tuples only, stop at errors
sql() {
    local i=$1; shift
    as_pg "$BIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 -h localhost -p "${PORTS[$i]}" -U "$DBUSER" -d postgres "$@"
}

passed=0
failed=0
# check NAME COMMAND...: commands run one by one (each in its own
# transaction unless one says BEGIN) in one session; the last must return t
check() {
    local name=$1 out c
    local args=(-c "SET client_min_messages = warning")
    shift
    for c in "$@"; do args+=(-c "$c"); done
    out=$(sql 0 "${args[@]}" 2>&1) || true
    if [ "$(echo "$out" | tail -n 1)" = t ]; then
        printf 'test citus_%-26s ... ok\n' "$name"
        passed=$((passed + 1))
    else
        printf 'test citus_%-26s ... FAILED\n' "$name"
        echo "$out" | sed 's/^/    /' | head -20
        failed=$((failed + 1))
    fi
}
# check_error NAME SQLSTATE-AND-TEXT QUERY...: the query must fail with that
# (on the coordinator, or on node $ON)
check_error() {
    local name=$1 expect=$2 out
    shift 2
    out=$(sql "${ON:-0}" -c "SET client_min_messages = warning" -c "\\set VERBOSITY verbose" "$@" 2>&1) || true
    if echo "$out" | grep -q -- "$expect"; then
        printf 'test citus_%-26s ... ok\n' "$name"
        passed=$((passed + 1))
    else
        printf 'test citus_%-26s ... FAILED\n' "$name"
        echo "$out" | sed 's/^/    /' | head -20
        failed=$((failed + 1))
    fi
}

# ---- the cluster
for i in 0 1 2; do
    if as_pg "$BIN/pg_isready" -q -h localhost -p "${PORTS[$i]}" 2>/dev/null; then
        echo "port ${PORTS[$i]} is in use: set CITUS_TEST_PORT" >&2
        exit 1
    fi
done
for i in 0 1 2; do
    n=${NODES[$i]}
    as_pg "$BIN/initdb" -D "$BASE/$n" -U "$DBUSER" --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$BASE/$n.initdb.log" 2>&1
    # hinge on the coordinator from the start: its planner hook sends the
    # models named in queries on distributed tables to the workers
    if [ "$i" = 0 ]; then preload="citus,hinge"; else preload="citus"; fi
    as_pg tee -a "$BASE/$n/postgresql.conf" >/dev/null <<EOF
port = ${PORTS[$i]}
listen_addresses = 'localhost'
unix_socket_directories = '$BASE'
shared_preload_libraries = '$preload'
max_connections = 200
max_prepared_transactions = 200
shared_buffers = 256MB
wal_level = logical
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
    as_pg "$BIN/pg_ctl" -D "$BASE/$n" -l "$BASE/$n.log" -w -t 120 start >/dev/null
done
for i in 1 2 0; do sql "$i" -c 'CREATE EXTENSION citus'; done
sql 0 -c "SELECT citus_set_coordinator_host('localhost', ${PORTS[0]})" \
      -c "SELECT citus_add_node('localhost', ${PORTS[1]})" \
      -c "SELECT citus_add_node('localhost', ${PORTS[2]})" >/dev/null
# CREATE EXTENSION on the coordinator creates it on every worker too
sql 0 -c 'CREATE EXTENSION hinge'
echo "citus cluster: coordinator localhost:${PORTS[0]}, workers ${PORTS[1]}, ${PORTS[2]}; $(sql 0 -c 'SELECT citus_version()' | cut -d' ' -f1-2), $(sql 0 -c 'SHOW server_version' | cut -d' ' -f1)"
for i in 0 1 2; do
    echo "  node localhost:${PORTS[$i]}: hinge $(sql "$i" -c "SELECT extversion FROM pg_extension WHERE extname = 'hinge'")"
done

# ---- the rows: t_local on the coordinator, t distributed in 32 shards
sql 0 <<EOF
SET client_min_messages = warning;
SELECT setseed(0.42);
CREATE TABLE t_local (id int PRIMARY KEY, x float8[] NOT NULL, y float8 NOT NULL,
                      amount float8, colour text, sx hinge_sparse);
INSERT INTO t_local (id, x, y)
SELECT i, x, CASE WHEN x[1] - 0.5 * x[2] + 0.3 * x[3] + 0.2 * x[4] + 0.1 + 0.4 * (random() - 0.5) > 0 THEN 1 ELSE -1 END
FROM (SELECT i, ARRAY(SELECT random() * 2 - 1 FROM generate_series(1, 50) WHERE i > 0) AS x
      FROM generate_series(1, $ROWS) AS i) AS g;
UPDATE t_local SET amount = CASE WHEN id % 10 = 0 THEN NULL ELSE x[1] + 0.07 END,
                   colour = (ARRAY['red', 'green', 'blue'])[1 + (x[2] > 0)::int + (x[3] > 0.5)::int],
                   sx = hinge_sparse(ARRAY[1, 2, 3, 10], ARRAY[x[1], x[2], x[3], x[4]], 1000);
SET citus.shard_count = 32;
CREATE TABLE t (LIKE t_local INCLUDING ALL);
SELECT create_distributed_table('t', 'id');
INSERT INTO t SELECT * FROM t_local;
VACUUM ANALYZE t_local;
VACUUM ANALYZE t;
CREATE VIEW t_view AS SELECT id, x, y FROM t WHERE id > 0;
EOF
echo "rows: $(sql 0 -c 'SELECT count(*) FROM t') distributed in $(sql 0 -c "SELECT count(*) FROM pg_dist_shard WHERE logicalrelid = 't'::regclass") shards, $(sql 0 -c 'SELECT count(*) FROM t_local') local"

# ---- training
check_error read_committed_refused "0A000: hinge_train cannot read t at READ COMMITTED" \
    -c "SELECT hinge_train('m', 't', 'x', 'y', lambda => 1e-3)"
check_error read_committed_view "0A000: hinge_train cannot read t_view at READ COMMITTED" \
    -c "SELECT hinge_train('m', 't_view', 'x', 'y', lambda => 1e-3)"
# on passes (hinge.in_memory_limit = 0): every pass is an aggregate that
# Citus pushes down, and the model is the local table's, to the bit
sql 0 -c "SET client_min_messages = warning" -c "SET hinge.in_memory_limit = 0" \
      -c "BEGIN ISOLATION LEVEL REPEATABLE READ" \
      -c "SELECT 1 FROM hinge_train('m', 't', 'x', 'y', lambda => 1e-3)" \
      -c "COMMIT" \
      -c "SELECT 1 FROM hinge_train('m_local', 't_local', 'x', 'y', lambda => 1e-3)" >/dev/null
sql 0 -c "SELECT name, passes, converged, objective, lower_bound, weights[1:3] FROM hinge_model WHERE name IN ('m', 'm_local') ORDER BY name"
check train_identical "SELECT d.weights = l.weights AND d.objective = l.objective AND d.lower_bound = l.lower_bound
                              AND d.passes = l.passes AND d.rows_used = l.rows_used
                       FROM hinge_model d, hinge_model l WHERE d.name = 'm' AND l.name = 'm_local'"
# other losses: each line pass also runs the planes aggregate at a point,
# two aggregates in one query, both pushed down; the local table's model
check train_line_plane_identical "SET hinge.in_memory_limit = 0" "BEGIN ISOLATION LEVEL REPEATABLE READ" \
    "SELECT d.weights = l.weights AND d.objective = l.objective AND d.lower_bound = l.lower_bound
            AND d.passes = l.passes AND d.converged
     FROM hinge_train('sq', 't', 'x', 'y', lambda => 1e-3, loss => 'squared_hinge') AS d,
          hinge_train('sq_local', 't_local', 'x', 'y', lambda => 1e-3, loss => 'squared_hinge') AS l"
# with the default setting: the distributed table trains on passes (its
# rows stay on the workers), the local one in memory, where the sweeps
# take another path: another model, certified as well, so each one's lower
# bound is below the other's objective
check train_in_memory "BEGIN ISOLATION LEVEL REPEATABLE READ" \
    "SELECT d.converged AND l.converged AND d.rows_used = l.rows_used
            AND d.lower_bound <= l.objective AND l.lower_bound <= d.objective
            AND abs(d.objective - l.objective) <= 1e-3 * l.objective
     FROM hinge_train('m_mem', 't', 'x', 'y', lambda => 1e-3) AS d,
          hinge_train('m_mem_local', 't_local', 'x', 'y', lambda => 1e-3) AS l"
# cross-validation: folds from the rows' values (the same on both), every
# fold's passes pushed down; the same search as on the local table
check cross_validate "BEGIN ISOLATION LEVEL REPEATABLE READ" \
    "SELECT bool_and(d.lambda = l.lambda AND abs(d.mean_score - l.mean_score) <= 1e-9)
     FROM hinge_cross_validate('cv_d', 't', 'x', 'y', lambdas => '{1e-3,1e-1}', folds => 3) AS d
     JOIN hinge_cross_validate('cv_l', 't_local', 'x', 'y', lambdas => '{1e-3,1e-1}', folds => 3) AS l
       ON d.lambda = l.lambda"
check train_view "SET hinge.in_memory_limit = 0" "BEGIN ISOLATION LEVEL REPEATABLE READ" \
    "SELECT v.weights = l.weights FROM hinge_train('m_view', 't_view', 'x', 'y', lambda => 1e-3) AS v,
            hinge_model AS l WHERE l.name = 'm_local'"

# ---- the pushdown of a pass: worker_partial_agg on the shards, combined on the coordinator
W=$(sql 0 -c "SELECT weights FROM hinge_model WHERE name = 'm'")
plan=$(sql 0 -c "EXPLAIN (VERBOSE, COSTS OFF) SELECT hinge_objective('$W'::float8[], x, y, 0.001) FROM t")
echo "$plan" | grep -E 'coord_combine_agg|Task Count|worker_partial_agg' | sed -E 's/\{[^}]*\}/{...}/g; s/^/    /' | cut -c1-160
if echo "$plan" | grep -q 'coord_combine_agg' && echo "$plan" | grep -q 'worker_partial_agg'; then
    printf 'test citus_%-26s ... ok\n' pushdown; passed=$((passed + 1))
else
    printf 'test citus_%-26s ... FAILED\n' pushdown; failed=$((failed + 1))
fi
check pass_identical "SELECT (SELECT hinge_objective('$W'::float8[], x, y, 0.001) FROM t) = (SELECT hinge_objective('$W'::float8[], x, y, 0.001) FROM t_local)
                         AND (SELECT hinge_subgradient('$W'::float8[], x, y, 0.001) FROM t) = (SELECT hinge_subgradient('$W'::float8[], x, y, 0.001) FROM t_local)"
check_error weights_differ "22023: weights must be the same in every row of a hinge aggregate" \
    -c "SELECT hinge_objective(CASE WHEN id % 2 = 0 THEN '{1,2}' ELSE '{1,3}' END::float8[], x[1:2], y, 0.001) FROM t"

# ---- scoring by model name: every row scores as on the local table, to the bit
digest() {  # a scoring expression, a table: one digest of every row's result
    echo "SELECT md5(string_agg(id || ':' || ($1)::text, ',' ORDER BY id)) FROM $2"
}
check score_by_name "SELECT ($(digest "hinge_score('m', x)" t)) = ($(digest "hinge_score('m', x)" t_local))"
check predict_by_name "SELECT ($(digest "hinge_predict('m', x)" t)) = ($(digest "hinge_predict('m', x)" t_local))"
check count_by_name "SELECT (SELECT count(*) FROM t WHERE hinge_score('m', x) > 0) = (SELECT count(*) FROM t_local WHERE hinge_score('m', x) > 0)"
sql 0 -c "CREATE VIEW t_scored AS SELECT id, hinge_score('m', x) AS score FROM t"
check view_by_name "SELECT (SELECT count(*) FROM t_scored WHERE score > 0) = (SELECT count(*) FROM t_local WHERE hinge_score('m', x) > 0)
                       AND (SELECT max(score) FROM t_scored) = (SELECT max(hinge_score('m', x)) FROM t_local)"
echo "    EXPLAIN of a count by name, on a shard: $(sql 0 -c "EXPLAIN (COSTS OFF) SELECT count(*) FROM t WHERE hinge_score('m', x) > 0" | grep Filter | sed -E "s/'\{hinge model value\}[0-9a-f]*'/'{hinge model value}...'/; s/^ *//")"
# a prepared statement, and a PL/pgSQL function, see a model retrained
# since they were planned, from the next statement on
check retrained_prepared \
    "PREPARE positives AS SELECT count(*) FROM t WHERE hinge_score('m2', x) > 0" \
    "SELECT 1 FROM hinge_train('m2', 't_local', 'x', 'y', lambda => 1e-1)" \
    "EXECUTE positives" "EXECUTE positives" "EXECUTE positives" "EXECUTE positives" "EXECUTE positives" \
    "CREATE TEMP TABLE before AS EXECUTE positives" \
    "SELECT 1 FROM hinge_train('m2', 't_local', 'x', 'y', lambda => 1e-3)" \
    "CREATE TEMP TABLE after AS EXECUTE positives" \
    "SELECT a.count = (SELECT count(*) FROM t_local WHERE hinge_score('m2', x) > 0) AND a.count <> b.count
     FROM after AS a, before AS b"
check retrained_plpgsql \
    "CREATE FUNCTION positives() RETURNS bigint LANGUAGE plpgsql AS
     \$\$ BEGIN RETURN (SELECT count(*) FROM t WHERE hinge_score('m3', x) > 0); END \$\$" \
    "SELECT 1 FROM hinge_train('m3', 't_local', 'x', 'y', lambda => 1e-1)" \
    "SELECT positives()" "SELECT positives()" "SELECT positives()" "SELECT positives()" "SELECT positives()" \
    "CREATE TEMP TABLE before AS SELECT positives() AS count" \
    "SELECT 1 FROM hinge_train('m3', 't_local', 'x', 'y', lambda => 1e-3)" \
    "SELECT positives() = (SELECT count(*) FROM t_local WHERE hinge_score('m3', x) > 0)
            AND positives() <> (SELECT count FROM before)"
check retrained_same_transaction "BEGIN" \
    "PREPARE positives AS SELECT count(*) FROM t WHERE hinge_score('m4', x) > 0" \
    "SELECT 1 FROM hinge_train('m4', 't_local', 'x', 'y', lambda => 1e-1)" \
    "EXECUTE positives" "EXECUTE positives" "EXECUTE positives" "EXECUTE positives" "EXECUTE positives" \
    "CREATE TEMP TABLE before AS EXECUTE positives" \
    "SELECT 1 FROM hinge_train('m4', 't_local', 'x', 'y', lambda => 1e-3)" \
    "CREATE TEMP TABLE after AS EXECUTE positives" \
    "SELECT a.count = (SELECT count(*) FROM t_local WHERE hinge_score('m4', x) > 0) AND a.count <> b.count
     FROM after AS a, before AS b" \
    "COMMIT"
check insert_select_by_name \
    "CREATE TABLE t_out (id int, score float8)" \
    "SELECT create_distributed_table('t_out', 'id', colocate_with => 't')" \
    "INSERT INTO t_out SELECT id, hinge_score('m', x) FROM t" \
    "SELECT ($(digest score t_out)) = ($(digest "hinge_score('m', x)" t_local))"
# what a worker says when the coordinator did not send the model (hinge
# not loaded there): here a session that names itself as Citus does
ON=1 check_error worker_without_model "42704: model \"m\" does not exist on this Citus worker" \
    -c "SET application_name = 'citus_internal gpid=10000000001'" \
    -c "SELECT hinge_score('m', array_fill(0.1::float8, ARRAY[50]))"
check_error trigger_refused "0A000: hinge_score_trigger cannot score the rows of a Citus distributed table" \
    -c "CREATE TABLE inbox (id int, x float8[], score float8)" \
    -c "SELECT create_distributed_table('inbox', 'id')" \
    -c "SET citus.enable_unsafe_triggers = on" \
    -c "CREATE TRIGGER score BEFORE INSERT ON inbox FOR EACH ROW EXECUTE FUNCTION hinge_score_trigger('m', 'x', 'score')" \
    -c "INSERT INTO inbox VALUES (1, array_fill(0.1::float8, ARRAY[50]))"

# ---- evaluation and calibration
check evaluate "SELECT d = l FROM hinge_evaluate('m', 't', 'x', 'y') AS d, hinge_evaluate('m', 't_local', 'x', 'y') AS l"
sql 0 -c "SET client_min_messages = warning" -c "SELECT 1 FROM hinge_calibrate('m', 't', 'x', 'y')" \
      -c "SELECT 1 FROM hinge_calibrate('m_local', 't_local', 'x', 'y')" >/dev/null
sql 0 -c "SELECT name, calibration_a, calibration_b FROM hinge_model WHERE name IN ('m', 'm_local') ORDER BY name"
# the sums of calibration's Newton steps are combined in arrival order:
# the same to about 1e-12
check calibrate "SELECT abs(d.calibration_a[1] - l.calibration_a[1]) <= 1e-12 * abs(l.calibration_a[1])
                        AND abs(d.calibration_b[1] - l.calibration_b[1]) <= 1e-9 * greatest(abs(l.calibration_b[1]), 1e-3)
                 FROM hinge_model d, hinge_model l WHERE d.name = 'm' AND l.name = 'm_local'"
check probability_by_name "SELECT ($(digest "hinge_probability('m', x)" t)) = ($(digest "hinge_probability('m', x)" t_local))"

# ---- encoded and sparse training, and scoring rows whole
check train_encoded "SET hinge.in_memory_limit = 0" "BEGIN ISOLATION LEVEL REPEATABLE READ" \
    "SELECT d.weights = l.weights AND d.objective = l.objective AND d.encoding = l.encoding
     FROM hinge_train('e', 't', ARRAY['amount', 'colour'], 'y', lambda => 1e-3, impute => 'zero') AS d,
          hinge_train('e_local', 't_local', ARRAY['amount', 'colour'], 'y', lambda => 1e-3, impute => 'zero') AS l" \
    "COMMIT"
# scaling and imputing by the mean learn means and deviations, whose sums
# are combined in another order (32 shards, not one scan): the same to
# about 1e-15, and then two certified models of almost the same problem
check train_encoded_scaled "SET hinge.in_memory_limit = 0" "BEGIN ISOLATION LEVEL REPEATABLE READ" \
    "CREATE TEMP TABLE scaled AS SELECT d.encoding AS de, l.encoding AS le, d.objective AS dobj, l.objective AS lobj,
            d.converged AND l.converged AS converged
     FROM hinge_train('es', 't', ARRAY['amount', 'colour'], 'y', lambda => 1e-3, impute => 'mean', scale => 'standard') AS d,
          hinge_train('es_local', 't_local', ARRAY['amount', 'colour'], 'y', lambda => 1e-3, impute => 'mean', scale => 'standard') AS l" \
    "SELECT converged AND abs(dobj - lobj) <= 1e-3 * lobj
            AND de->'inputs'->1 = le->'inputs'->1
            AND abs((de->'inputs'->0->'center'->>0)::float8 - (le->'inputs'->0->'center'->>0)::float8) <= 1e-12
            AND abs((de->'inputs'->0->'scale'->>0)::float8 / (le->'inputs'->0->'scale'->>0)::float8 - 1) <= 1e-12
     FROM scaled" \
    "COMMIT"
check score_rows_whole "SELECT ($(digest "hinge_score('e', r)" 't AS r')) = ($(digest "hinge_score('e', r)" 't_local AS r'))"
check train_sparse "SET hinge.in_memory_limit = 0" "BEGIN ISOLATION LEVEL REPEATABLE READ" \
    "SELECT d.weights = l.weights AND d.objective = l.objective
     FROM hinge_train('s', 't', 'sx', 'y', lambda => 1e-3) AS d,
          hinge_train('s_local', 't_local', 'sx', 'y', lambda => 1e-3) AS l"
check evaluate_encoded "SELECT d = l FROM hinge_evaluate('e', 't', ARRAY['amount', 'colour'], 'y') AS d,
                                          hinge_evaluate('e', 't_local', ARRAY['amount', 'colour'], 'y') AS l"

# ---- training while another session writes: REPEATABLE READ reads one snapshot
(
    i=0
    while true; do
        i=$((i + 1))
        sql 0 -c "UPDATE t SET y = -y WHERE id % 97 = $((i % 97))" \
              -c "INSERT INTO t (id, x, y) SELECT $((ROWS + i)), x, y FROM t_local WHERE id = $((i % 1000 + 1))" >/dev/null 2>&1 || true
    done
) &
WRITER_PID=$!
sleep 1
# on passes, each of which reads the table again while it is written
check concurrent_writes "SET hinge.in_memory_limit = 0" "BEGIN ISOLATION LEVEL REPEATABLE READ" \
    "CREATE TEMP TABLE trained AS SELECT * FROM hinge_train('m_rr', 't', 'x', 'y', lambda => 1e-4, tolerance => 1e-5)" \
    "SELECT tr.converged AND tr.lower_bound <= tr.objective
            AND tr.rows_used = ev.n AND ev.n = (SELECT count(*) FROM t)
            AND abs(tr.objective - ev.objective) <= 1e-12 * tr.objective
     FROM trained AS tr, hinge_evaluate('m_rr', 't', 'x', 'y') AS ev" \
    "COMMIT"
kill "$WRITER_PID"; wait "$WRITER_PID" 2>/dev/null || true; WRITER_PID=
echo "    rows written meanwhile: $(sql 0 -c "SELECT count(*) FROM t WHERE id > $ROWS"), the training read $(sql 0 -c "SELECT rows_used FROM hinge_model WHERE name = 'm_rr'")"

# ---- timings: medians of 5 runs, in ms, after one to warm up
median_ms() {  # a query, on the coordinator
    local q=$1
    sql 0 -c "SET client_min_messages = warning" -c "SET max_parallel_workers_per_gather = ${PARALLEL:-2}" \
          -c '\timing on' -c "$q" -c "$q" -c "$q" -c "$q" -c "$q" -c "$q" 2>&1 |
        sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -n 5 | sort -n | sed -n 3p
}
echo "timings (ms, median of 5; $ROWS rows x 50 features; every node on this one machine, $(nproc) CPUs):"
printf '  %-58s %10s %10s %10s\n' "" distributed local "local serial"
row() {
    printf '  %-58s %10s %10s %10s\n' "$1" "$(median_ms "${2//@T@/t}")" "$(median_ms "${2//@T@/t_local}")" \
        "$(PARALLEL=0 median_ms "${2//@T@/t_local}")"
}
row "scan: SELECT sum(cardinality(x))" "SELECT sum(cardinality(x)) FROM @T@"
row "pass: SELECT hinge_objective(w, x, y, 0.001)" "SELECT hinge_objective('$W'::float8[], x, y, 0.001) FROM @T@"
row "pass: SELECT hinge_cutting_plane(w, x, y, ...)" "SELECT hinge_cutting_plane('$W'::float8[], x, y, 0.001, 'hinge', 1, 1, 1) FROM @T@"
row "score: SELECT count(*) WHERE hinge_score('m', x) > 0" "SELECT count(*) FROM @T@ WHERE hinge_score('m', x) > 0"
row "score: the same with the weights" "SELECT count(*) FROM @T@ WHERE hinge_score('$W'::float8[], x) > 0"
train_ms() {  # relation, hinge.in_memory_limit
    sql 0 -c "SET client_min_messages = warning" -c "SET hinge.in_memory_limit = '$2'" -c '\timing on' \
          -c "BEGIN ISOLATION LEVEL REPEATABLE READ" \
          -c "SELECT passes FROM hinge_train('timed', '$1', 'x', 'y', lambda => 1e-3)" -c "COMMIT" 2>&1 |
        sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | sort -n | tail -n 1
}
printf '  %-58s %10s %10s\n' "training on passes, lambda 1e-3 ($(sql 0 -c "SELECT passes FROM hinge_model WHERE name = 'm'") passes)" "$(train_ms t 0)" "$(train_ms t_local 0)"
printf '  %-58s %10s %10s\n' "training with the default setting (local: in memory), lambda 1e-3" "$(train_ms t 256MB)" "$(train_ms t_local 256MB)"
# a pass's per-row cost inside worker_partial_agg (what each shard task
# runs), on the coordinator's local table, serial
echo "  inside worker_partial_agg, t_local serial (ms):"
PARALLEL=0
for q in "hinge_objective('$W'::float8[], x, y, 0.001)" \
         "worker_partial_agg('hinge_objective(float8[],float8[],float8,float8)'::regprocedure, ROW('$W'::float8[], x, y, 0.001::float8))" \
         "avg(y)" \
         "worker_partial_agg('avg(float8)'::regprocedure, ROW(y))"; do
    printf '    %-56s %10s\n' "$(echo "$q" | sed -E "s/'\{[^}]*\}'/w/g" | cut -c1-56)" "$(median_ms "SELECT $q FROM t_local")"
done

echo "hinge citus: $passed passed, $failed failed"
if [ "$failed" -eq 0 ]; then
    echo "test citus                        ... ok ($passed checks)"
else
    echo "test citus                        ... FAILED ($failed of $((passed + failed)) checks)"
    exit 1
fi
