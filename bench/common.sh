# bench/common.sh: what the hinge benchmarks share.  Sourced, not run:
#
#   BENCH_NAME=score.sh; ROWS=1000000; FEATURES=100; REPS=5
#   . "$(dirname "${BASH_SOURCE[0]}")/common.sh"
#   bench_parse_args "$@"
#   bench_reexec "${BASH_SOURCE[0]}"     # under pg_virtualenv unless PGHOST...
#   bench_build_tables real              # bench_rows (+ bench_rows_real)
#   { bench_timing_sql; cat <<'SQL' ... SQL } | "${PSQL[@]}" -A -t
#
# See bench/README.md for what the tables hold and why the cluster gets a
# large shared_buffers.

PG_MAJOR=15

bench_usage() {
    echo "usage: bench/$BENCH_NAME [--rows N] [--features D] [--reps R]"
    echo "defaults: --rows $ROWS --features $FEATURES --reps $REPS"
}

bench_die() {
    echo "$BENCH_NAME: $*" >&2
    exit 2
}

bench_positive() {
    [[ "$2" =~ ^[1-9][0-9]*$ ]] || bench_die "$1 wants a positive integer, not '$2'"
}

# Sets ROWS, FEATURES and REPS from the command line (their defaults are the
# caller's), and PSQL, the psql command line with them as variables.
bench_parse_args() {
    while [ $# -gt 0 ]; do
        case "$1" in
            --rows) [ $# -ge 2 ] || bench_die "--rows needs a value"; ROWS=$2; shift 2 ;;
            --rows=*) ROWS=${1#*=}; shift ;;
            --features) [ $# -ge 2 ] || bench_die "--features needs a value"; FEATURES=$2; shift 2 ;;
            --features=*) FEATURES=${1#*=}; shift ;;
            --reps) [ $# -ge 2 ] || bench_die "--reps needs a value"; REPS=$2; shift 2 ;;
            --reps=*) REPS=${1#*=}; shift ;;
            -h|--help) bench_usage; exit 0 ;;
            *) bench_usage >&2; bench_die "unknown argument '$1'" ;;
        esac
    done
    bench_positive --rows "$ROWS"
    bench_positive --features "$FEATURES"
    bench_positive --reps "$REPS"
    # hinge rejects vectors over 10 million elements; PostgreSQL arrays over 1 GB
    [ "$FEATURES" -lt 10000000 ] || bench_die "--features must be below 10000000"
    PSQL=(psql -X -q -v ON_ERROR_STOP=1 -v rows="$ROWS" -v features="$FEATURES" -v reps="$REPS")
}

# No connection given: run the script ($1) again inside a throwaway cluster.
# -t keeps the cluster in a temporary directory even as root, so it never
# collides with the 15/regress cluster that `pg_virtualenv make installcheck`
# creates.  Returns when a connection is given.
bench_reexec() {
    [ -z "${PGHOST:-}${PGPORT:-}${PGSERVICE:-}" ] || return 0
    [ -z "${HINGE_BENCH_REEXEC:-}" ] ||
        bench_die "still no PGHOST/PGPORT after pg_virtualenv"
    command -v pg_virtualenv >/dev/null ||
        bench_die "no PGHOST/PGPORT set and no pg_virtualenv (package postgresql-common)"
    # shared_buffers of the throwaway cluster: over 4x the size of
    # bench_rows (about rows x (8 D + 72) bytes), since a sequential scan of
    # a table larger than shared_buffers/4 reads it through a 256 kB ring
    # from the kernel's page cache instead of from shared buffers; at least
    # 128MB, the default.  HINGE_BENCH_SHARED_BUFFERS=128MB (say) overrides.
    local sb_mb shared_buffers self
    sb_mb=$(( ROWS * (8 * FEATURES + 72) * 9 / 2 / 1048576 + 1 ))
    [ "$sb_mb" -ge 128 ] || sb_mb=128
    shared_buffers=${HINGE_BENCH_SHARED_BUFFERS:-${sb_mb}MB}
    self="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
    # A port of its own (pg_virtualenv passes PGPORT on to pg_createcluster),
    # away from the 5432, 5433... that pg_virtualenv picks by default and that
    # concurrent `pg_virtualenv make installcheck` runs race for.
    # HINGE_BENCH_PORT=N chooses it.
    local port=${HINGE_BENCH_PORT:-$(( 20000 + RANDOM % 10000 ))}
    export HINGE_BENCH_REEXEC=1
    # BENCH_EXTRA_ARGS: a script's own options, passed on as they came
    PGPORT=$port exec pg_virtualenv -t -v "$PG_MAJOR" -o "shared_buffers=$shared_buffers" \
        bash "$self" --rows "$ROWS" --features "$FEATURES" --reps "$REPS" \
        ${BENCH_EXTRA_ARGS[@]+"${BENCH_EXTRA_ARGS[@]}"}
}

# Builds bench_rows, and with the argument "real" bench_rows_real, unless
# they are there with the size asked for; then VACUUMs them.
bench_build_tables() {
    local with_real=false
    [ "${1:-}" != real ] || with_real=true
    "${PSQL[@]}" -v with_real="$with_real" <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS hinge;
SET max_parallel_workers_per_gather = 0;
SET jit = off;
SELECT set_config('hinge_bench.rows', :'rows', false),
       set_config('hinge_bench.features', :'features', false),
       set_config('hinge_bench.with_real', :'with_real', false) \gset
SET client_min_messages = notice;

DO $build$
DECLARE
    n int := current_setting('hinge_bench.rows')::int;
    d int := current_setting('hinge_bench.features')::int;
    with_real bool := current_setting('hinge_bench.with_real')::bool;
    -- the table comment records what was built (bump gen when the data changes)
    stamp text := format('hinge bench rows=%s features=%s gen=1', n, d);
    t0 timestamptz := clock_timestamp();
    tables text[] := CASE WHEN with_real THEN '{bench_rows,bench_rows_real}'
                          ELSE '{bench_rows}' END;
    t text;
    ok bool;
    reused text[] := '{}';
    build text[] := '{}';
BEGIN
    FOREACH t IN ARRAY tables LOOP
        ok := obj_description(to_regclass(t), 'pg_class') = stamp
              AND NOT 'bench_rows' = ANY (build);  -- the copy of a new table is new
        IF ok THEN
            EXECUTE format('SELECT count(*) = $1 FROM %I', t) INTO ok USING n;
        END IF;
        IF ok THEN
            reused := reused || t;
        ELSE
            build := build || t;
        END IF;
    END LOOP;
    IF cardinality(reused) > 0 THEN
        RAISE NOTICE 'reusing % (%)', array_to_string(reused, ' and '), stamp;
    END IF;
    IF cardinality(build) = 0 THEN
        RETURN;
    END IF;
    RAISE NOTICE 'building % (%)...', array_to_string(build, ' and '), stamp;
    IF 'bench_rows' = ANY (build) THEN
        PERFORM set_config('client_min_messages', 'warning', true);
        DROP TABLE IF EXISTS bench_rows;
        PERFORM set_config('client_min_messages', 'notice', true);
        -- x[j] = 2 * frac(sin(12.9898 i + 78.233 j) * 43758.5453) - 1, in [-1, 1):
        -- the classic shader hash, all in float8 (numeric constants would make
        -- it 4x slower).  One array(subquery) per row is the fastest plain-SQL
        -- way found (about 17 s per million rows of 100 features).
        -- y = +1 when x[1] + x[2]/2 > 0, else -1: a linearly separable rule.
        -- UNLOGGED: no WAL to write while building; scans are the same.
        EXECUTE format($q$
            CREATE UNLOGGED TABLE bench_rows AS
            SELECT id, x,
                   CASE WHEN x[1] + coalesce(x[2], 0) / 2 > 0 THEN 1 ELSE -1 END::float8 AS y
            FROM (SELECT i AS id,
                         array(SELECT 2 * (h - floor(h)) - 1
                               FROM (SELECT sin(i * 12.9898::float8 + j * 78.233::float8)
                                            * 43758.5453::float8 AS h
                                     FROM generate_series(1, %s) j) hashes) AS x
                  FROM generate_series(1, %s) i
                  OFFSET 0) r  -- evaluate x once per row, not once per use
            $q$, d, n);
        EXECUTE format('COMMENT ON TABLE bench_rows IS %L', stamp);
    END IF;
    IF 'bench_rows_real' = ANY (build) THEN
        PERFORM set_config('client_min_messages', 'warning', true);
        DROP TABLE IF EXISTS bench_rows_real;
        PERFORM set_config('client_min_messages', 'notice', true);
        CREATE UNLOGGED TABLE bench_rows_real AS
            SELECT id, x::real[] AS x, y FROM bench_rows;
        EXECUTE format('COMMENT ON TABLE bench_rows_real IS %L', stamp);
    END IF;
    RAISE NOTICE 'built in % s',
        round(extract(epoch FROM clock_timestamp() - t0)::numeric, 1);
END
$build$;
SQL
    # VACUUM cannot run inside a transaction: separate commands.  FREEZE sets
    # the hint bits and the visibility map now, not during the timed scans.
    if $with_real; then
        "${PSQL[@]}" -c 'VACUUM (FREEZE, ANALYZE) bench_rows' \
                     -c 'VACUUM (FREEZE, ANALYZE) bench_rows_real'
    else
        "${PSQL[@]}" -c 'VACUUM (FREEZE, ANALYZE) bench_rows'
    fi
}

# SQL (for psql) that sets up the timing of a session: the settings every
# run starts from, the table of queries to time, and the functions to time
# them.  Prints nothing.  After it, a script fills bench_queries and runs
#
#   SELECT pg_temp.bench_run(reps, floor_result);
#
# then reads the view bench_summary (median and minimum of each query, and
# the median of its floor).
bench_timing_sql() {
    cat <<'SQL'
SET client_min_messages = warning;
SET max_parallel_workers_per_gather = 0;
SET jit = off;
SELECT set_config('hinge_bench.rows', :'rows', false),
       set_config('hinge_bench.features', :'features', false),
       set_config('hinge_bench.reps', :'reps', false) \gset

-- k: the order of the runs; floor_k: the query this one is compared with;
-- settings: name=value pairs in force for this query only (a query without
-- one of the names that another query sets runs with the session's value)
CREATE TEMP TABLE bench_queries (
    k int PRIMARY KEY, floor_k int NOT NULL, label text NOT NULL,
    mode text NOT NULL DEFAULT '', settings text[] NOT NULL DEFAULT '{}',
    sql text NOT NULL);
CREATE TEMP TABLE bench_times (k int, rep int, ms float8, result text);

-- A plpgsql function runs each query with EXECUTE and measures it with
-- clock_timestamp(), inside the server: no client round trip and no per-row
-- instrumentation (as EXPLAIN ANALYZE would add) count.  EXECUTE plans the
-- query anew each time, with the settings then in force, and may run it in
-- parallel.
CREATE FUNCTION pg_temp.time_query(q text, OUT ms float8, OUT result text)
LANGUAGE plpgsql AS $f$
DECLARE
    t0 timestamptz;
BEGIN
    t0 := clock_timestamp();
    EXECUTE q INTO result;
    ms := 1000 * extract(epoch FROM clock_timestamp() - t0);
END
$f$;

-- The session's values of the names in any query's settings, as jsonb.
CREATE FUNCTION pg_temp.bench_base_settings() RETURNS jsonb
LANGUAGE sql AS $f$
    SELECT coalesce(jsonb_object_agg(name, current_setting(name)), '{}')
    FROM (SELECT DISTINCT split_part(p, '=', 1) AS name
          FROM bench_queries, unnest(settings) p) names
$f$;

-- Puts the settings of query k in force until the end of the transaction,
-- and the value in base (the session's) of every other name in base.
CREATE FUNCTION pg_temp.bench_settings(this_k int, base jsonb) RETURNS void
LANGUAGE plpgsql AS $f$
DECLARE
    s record;
BEGIN
    FOR s IN
        SELECT b.key AS name, coalesce(mine.value, b.value) AS value
        FROM jsonb_each_text(base) b
        LEFT JOIN (SELECT split_part(p, '=', 1) AS name,
                          substr(p, strpos(p, '=') + 1) AS value
                   FROM bench_queries q, unnest(q.settings) p
                   WHERE q.k = this_k) mine ON mine.name = b.key
    LOOP
        PERFORM set_config(s.name, s.value, true);
    END LOOP;
END
$f$;

-- Runs every query once to warm the caches, untimed (this reads every
-- table in full, loads hinge.so...), then all of them reps times, round
-- robin, so that any drift of the machine hits every query alike.  A floor
-- (k = floor_k) must return floor_result, unless that is NULL.
CREATE FUNCTION pg_temp.bench_run(reps int, floor_result bigint) RETURNS void
LANGUAGE plpgsql AS $f$
DECLARE
    base jsonb := pg_temp.bench_base_settings();
    q record;
    t record;
BEGIN
    FOR q IN SELECT * FROM bench_queries ORDER BY k LOOP
        PERFORM pg_temp.bench_settings(q.k, base);
        SELECT * INTO t FROM pg_temp.time_query(q.sql);
        IF q.k = q.floor_k AND t.result::bigint <> floor_result THEN
            RAISE EXCEPTION 'warm-up of "%" returned %, expected %', q.label, t.result, floor_result;
        END IF;
        IF t.result IS NULL THEN
            RAISE EXCEPTION 'warm-up of "%" returned NULL', q.label;
        END IF;
    END LOOP;
    FOR rep IN 1 .. reps LOOP
        FOR q IN SELECT * FROM bench_queries ORDER BY k LOOP
            PERFORM pg_temp.bench_settings(q.k, base);
            SELECT * INTO t FROM pg_temp.time_query(q.sql);
            INSERT INTO bench_times VALUES (q.k, rep, t.ms, t.result);
        END LOOP;
    END LOOP;
    PERFORM pg_temp.bench_settings(NULL, base);
END
$f$;

CREATE TEMP VIEW bench_summary AS
WITH s AS (
    SELECT q.k, q.floor_k, q.label, q.mode,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY t.ms) AS median_ms,
           min(t.ms) AS min_ms
    FROM bench_queries q JOIN bench_times t USING (k)
    GROUP BY q.k, q.floor_k, q.label, q.mode)
SELECT s.*, f.median_ms AS floor_median_ms, s.median_ms / f.median_ms AS ratio
FROM s JOIN s f ON f.k = s.floor_k;
SQL
}

# For the training benchmarks (train.sh, multiclass.sh): a work directory
# named after the script (kept with HINGE_BENCH_KEEP=1), timing helpers for
# bash's `time` (TIMEFORMAT below), and CPU_SQL, which defines
# pg_temp.cpu_seconds(): this backend's CPU time (user + system) so far, from
# /proc/<pid>/stat, NULL when it cannot be read (pg_read_file() takes a
# superuser or pg_read_server_files, as in the throwaway cluster).  On a
# shared machine the CPU seconds of each step are steadier than its wall clock.
bench_training_setup() {
    WORK=$(mktemp -d "${TMPDIR:-/tmp}/hinge-$1.XXXXXX")
    if [ -n "${HINGE_BENCH_KEEP:-}" ]; then
        trap 'echo "files kept in $WORK"' EXIT
    else
        trap 'rm -rf "$WORK"' EXIT
    fi
    SVM=$WORK/rows.svm
    TIMEFORMAT='%R %U %S'
    CLK_TCK=$(getconf CLK_TCK 2>/dev/null || echo 100)
    CPU_SQL="
CREATE FUNCTION pg_temp.cpu_seconds() RETURNS float8 LANGUAGE plpgsql AS \$f\$
DECLARE
    f text[];
BEGIN
    -- the fields after the command name, from the third (state) on
    f := string_to_array(split_part(pg_read_file('/proc/' || pg_backend_pid() || '/stat'), ') ', 2), ' ');
    RETURN (f[12]::bigint + f[13]::bigint) / $CLK_TCK::float8;
EXCEPTION WHEN OTHERS THEN
    RETURN NULL;
END
\$f\$;"
}

elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
# user + system seconds, and wall seconds, from bash's `time` output
cpu_of() { awk '{ printf "%.3f", $2 + $3 }' "$1"; }
wall_of() { awk '{ printf "%.3f", $1 }' "$1"; }
