#!/bin/bash
# bench/score.sh: how much hinge_score(w, x) costs on top of a bare scan.
#
#   bench/score.sh [--rows N] [--features D] [--reps R]
#
# Builds (or reuses) a deterministic table bench_rows(id, x float8[], y) of
# N rows x D features and its real[] copy bench_rows_real, then times, in
# one single-process session, the scan floor sum(cardinality(x)) and
# sum(hinge_score(w, x)) with w of D and of D+1 (intercept) elements on each
# table.  Prints the median of R runs of each query, its ratio to the floor
# of its table, and last the worst score/floor ratio.  See bench/README.md.
#
# Connects with the usual libpq variables (PGHOST, PGPORT, PGDATABASE...).
# When none is set, it runs itself again under pg_virtualenv, in a throwaway
# PostgreSQL cluster.  Exits 0 whatever the ratio, non-zero on any error.
set -euo pipefail

ROWS=1000000
FEATURES=100
REPS=5
PG_MAJOR=15

usage() {
    echo "usage: bench/score.sh [--rows N] [--features D] [--reps R]"
    echo "defaults: --rows $ROWS --features $FEATURES --reps $REPS"
}

die() {
    echo "score.sh: $*" >&2
    exit 2
}

positive() {
    [[ "$2" =~ ^[1-9][0-9]*$ ]] || die "$1 wants a positive integer, not '$2'"
}

while [ $# -gt 0 ]; do
    case "$1" in
        --rows) [ $# -ge 2 ] || die "--rows needs a value"; ROWS=$2; shift 2 ;;
        --rows=*) ROWS=${1#*=}; shift ;;
        --features) [ $# -ge 2 ] || die "--features needs a value"; FEATURES=$2; shift 2 ;;
        --features=*) FEATURES=${1#*=}; shift ;;
        --reps) [ $# -ge 2 ] || die "--reps needs a value"; REPS=$2; shift 2 ;;
        --reps=*) REPS=${1#*=}; shift ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; die "unknown argument '$1'" ;;
    esac
done
positive --rows "$ROWS"
positive --features "$FEATURES"
positive --reps "$REPS"
# hinge rejects vectors over 10 million elements; PostgreSQL arrays over 1 GB
[ "$FEATURES" -lt 10000000 ] || die "--features must be below 10000000"

# No connection given: run again inside a throwaway cluster.  -t keeps the
# cluster in a temporary directory even as root, so it never collides with
# the 15/regress cluster that `pg_virtualenv make installcheck` creates.
if [ -z "${PGHOST:-}${PGPORT:-}${PGSERVICE:-}" ]; then
    [ -z "${HINGE_BENCH_REEXEC:-}" ] ||
        die "still no PGHOST/PGPORT after pg_virtualenv"
    command -v pg_virtualenv >/dev/null ||
        die "no PGHOST/PGPORT set and no pg_virtualenv (package postgresql-common)"
    # shared_buffers of the throwaway cluster: over 4x the size of
    # bench_rows (about rows x (8 D + 72) bytes), since a sequential scan of
    # a table larger than shared_buffers/4 reads it through a 256 kB ring
    # from the kernel's page cache instead of from shared buffers; at least
    # 128MB, the default.  HINGE_BENCH_SHARED_BUFFERS=128MB (say) overrides.
    sb_mb=$(( ROWS * (8 * FEATURES + 72) * 9 / 2 / 1048576 + 1 ))
    [ "$sb_mb" -ge 128 ] || sb_mb=128
    shared_buffers=${HINGE_BENCH_SHARED_BUFFERS:-${sb_mb}MB}
    self="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")"
    export HINGE_BENCH_REEXEC=1
    exec pg_virtualenv -t -v "$PG_MAJOR" -o "shared_buffers=$shared_buffers" \
        bash "$self" --rows "$ROWS" --features "$FEATURES" --reps "$REPS"
fi

PSQL=(psql -X -q -v ON_ERROR_STOP=1 -v rows="$ROWS" -v features="$FEATURES" -v reps="$REPS")

echo "hinge score benchmark: $ROWS rows x $FEATURES features, median of $REPS runs"

# 1. The tables: built only when missing or of another size.
"${PSQL[@]}" <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS hinge;
SET max_parallel_workers_per_gather = 0;
SET jit = off;
SELECT set_config('hinge_bench.rows', :'rows', false),
       set_config('hinge_bench.features', :'features', false) \gset
SET client_min_messages = notice;

DO $build$
DECLARE
    n int := current_setting('hinge_bench.rows')::int;
    d int := current_setting('hinge_bench.features')::int;
    -- the table comment records what was built (bump gen when the data changes)
    stamp text := format('hinge bench rows=%s features=%s gen=1', n, d);
    t0 timestamptz := clock_timestamp();
    reuse bool;
BEGIN
    IF obj_description(to_regclass('bench_rows'), 'pg_class') = stamp
       AND obj_description(to_regclass('bench_rows_real'), 'pg_class') = stamp THEN
        EXECUTE 'SELECT (SELECT count(*) FROM bench_rows) = $1
                    AND (SELECT count(*) FROM bench_rows_real) = $1'
            INTO reuse USING n;
        IF reuse THEN
            RAISE NOTICE 'reusing bench_rows and bench_rows_real (%)', stamp;
            RETURN;
        END IF;
    END IF;
    RAISE NOTICE 'building bench_rows and bench_rows_real (%)...', stamp;
    PERFORM set_config('client_min_messages', 'warning', true);
    DROP TABLE IF EXISTS bench_rows, bench_rows_real;
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
    CREATE UNLOGGED TABLE bench_rows_real AS
        SELECT id, x::real[] AS x, y FROM bench_rows;
    EXECUTE format('COMMENT ON TABLE bench_rows IS %L', stamp);
    EXECUTE format('COMMENT ON TABLE bench_rows_real IS %L', stamp);
    RAISE NOTICE 'built in % s',
        round(extract(epoch FROM clock_timestamp() - t0)::numeric, 1);
END
$build$;
SQL

# VACUUM cannot run inside a transaction: separate commands.  FREEZE sets
# the hint bits and the visibility map now, not during the timed scans.
"${PSQL[@]}" -c 'VACUUM (FREEZE, ANALYZE) bench_rows' \
             -c 'VACUUM (FREEZE, ANALYZE) bench_rows_real'

# 2. The timings, all in one session: a plpgsql function runs each query
# with EXECUTE and measures it with clock_timestamp(), so no client round
# trip and no per-row instrumentation (as EXPLAIN ANALYZE would add) count.
"${PSQL[@]}" -A -t <<'SQL'
SET client_min_messages = warning;
SET max_parallel_workers_per_gather = 0;
SET jit = off;
SELECT set_config('hinge_bench.rows', :'rows', false),
       set_config('hinge_bench.features', :'features', false),
       set_config('hinge_bench.reps', :'reps', false) \gset

SELECT format('PostgreSQL %s, shared_buffers %s; bench_rows %s, bench_rows_real %s',
              current_setting('server_version'), current_setting('shared_buffers'),
              pg_size_pretty(pg_table_size('bench_rows')),
              pg_size_pretty(pg_table_size('bench_rows_real')));
-- see NBuffers / 4 in GetAccessStrategy() (src/backend/storage/buffer/freelist.c)
SELECT 'note: bench_rows is over shared_buffers/4, so its scans read it through a '
       'small ring of buffers from the kernel''s page cache (slower, noisier floor)'
WHERE pg_relation_size('bench_rows') / 8192 >
      (SELECT setting::bigint FROM pg_settings WHERE name = 'shared_buffers') / 4;

CREATE TEMP TABLE bench_queries (k int PRIMARY KEY, floor_k int, label text, sql text);
CREATE TEMP TABLE bench_times (k int, rep int, ms float8, result text);

-- w[j] = ((j mod 7) - 3) / 4 (exact in binary); intercept 0.5
SELECT array(SELECT ((j % 7) - 3) / 4.0 FROM generate_series(1, :features) j)::float8[]::text AS w,
       array(SELECT ((j % 7) - 3) / 4.0 FROM generate_series(1, :features) j)::float8[]
           || 0.5::float8 AS wb \gset
INSERT INTO bench_queries VALUES
 (1, 1, 'float8[] floor: sum(cardinality(x))',
  'SELECT sum(cardinality(x)) FROM bench_rows'),
 (2, 1, 'float8[] sum(hinge_score(w[D], x))',
  format('SELECT sum(hinge_score(%L::float8[], x)) FROM bench_rows', :'w')),
 (3, 1, 'float8[] sum(hinge_score(w[D+1], x))',
  format('SELECT sum(hinge_score(%L::float8[], x)) FROM bench_rows', :'wb')),
 (4, 4, 'real[] floor: sum(cardinality(x))',
  'SELECT sum(cardinality(x)) FROM bench_rows_real'),
 (5, 4, 'real[] sum(hinge_score(w[D], x))',
  format('SELECT sum(hinge_score(%L::float8[], x)) FROM bench_rows_real', :'w')),
 (6, 4, 'real[] sum(hinge_score(w[D+1], x))',
  format('SELECT sum(hinge_score(%L::float8[], x)) FROM bench_rows_real', :'wb'));

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

DO $run$
DECLARE
    reps int := current_setting('hinge_bench.reps')::int;
    n bigint := current_setting('hinge_bench.rows')::bigint;
    d int := current_setting('hinge_bench.features')::int;
    q record;
    t record;
BEGIN
    -- warm up: every query once, untimed (reads both tables in full, loads
    -- hinge.so, fills the caches)
    FOR q IN SELECT * FROM bench_queries ORDER BY k LOOP
        SELECT * INTO t FROM pg_temp.time_query(q.sql);
        IF q.sql LIKE '%cardinality%' AND t.result::bigint <> n * d THEN
            RAISE EXCEPTION 'warm-up of "%" returned %, expected %', q.label, t.result, n * d;
        END IF;
        IF t.result IS NULL THEN
            RAISE EXCEPTION 'warm-up of "%" returned NULL', q.label;
        END IF;
    END LOOP;
    -- round robin, so that any drift of the machine hits every query alike
    FOR rep IN 1 .. reps LOOP
        FOR q IN SELECT * FROM bench_queries ORDER BY k LOOP
            SELECT * INTO t FROM pg_temp.time_query(q.sql);
            INSERT INTO bench_times VALUES (q.k, rep, t.ms, t.result);
        END LOOP;
    END LOOP;
END
$run$;

CREATE TEMP TABLE bench_summary AS
SELECT q.k, q.floor_k, q.label,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY t.ms) AS median_ms,
       min(t.ms) AS min_ms
FROM bench_queries q JOIN bench_times t USING (k)
GROUP BY q.k, q.floor_k, q.label;

SELECT format('%-40s %10s %10s %7s', 'query', 'median ms', 'min ms', 'ratio');
SELECT format('%-40s %10s %10s %7s', s.label, to_char(s.median_ms, 'FM999999990.00'),
              to_char(s.min_ms, 'FM999999990.00'),
              to_char(s.median_ms / f.median_ms, 'FM990.00'))
FROM bench_summary s JOIN bench_summary f ON f.k = s.floor_k
ORDER BY s.k;
-- the headline: the worst score/floor ratio of the four score queries
SELECT format('score/floor ratio: %s (goal <= 1.20)',
              to_char(max(s.median_ms / f.median_ms), 'FM990.00'))
FROM bench_summary s JOIN bench_summary f ON f.k = s.floor_k
WHERE s.k <> s.floor_k;
SQL
