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

BENCH_NAME=score.sh
ROWS=1000000
FEATURES=100
REPS=5
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_parse_args "$@"
bench_reexec "${BASH_SOURCE[0]}"

echo "hinge score benchmark: $ROWS rows x $FEATURES features, median of $REPS runs"

# 1. The tables: built only when missing or of another size.
bench_build_tables real

# 2. The timings, all in one session (see bench_timing_sql in common.sh).
{ bench_timing_sql; cat <<'SQL'; } | "${PSQL[@]}" -A -t
SELECT format('PostgreSQL %s, shared_buffers %s; bench_rows %s, bench_rows_real %s',
              current_setting('server_version'), current_setting('shared_buffers'),
              pg_size_pretty(pg_table_size('bench_rows')),
              pg_size_pretty(pg_table_size('bench_rows_real')));
-- see NBuffers / 4 in GetAccessStrategy() (src/backend/storage/buffer/freelist.c)
SELECT 'note: bench_rows is over shared_buffers/4, so its scans read it through a '
       'small ring of buffers from the kernel''s page cache (slower, noisier floor)'
WHERE pg_relation_size('bench_rows') / 8192 >
      (SELECT setting::bigint FROM pg_settings WHERE name = 'shared_buffers') / 4;

-- w[j] = ((j mod 7) - 3) / 4 (exact in binary); intercept 0.5
SELECT array(SELECT ((j % 7) - 3) / 4.0 FROM generate_series(1, :features) j)::float8[]::text AS w,
       array(SELECT ((j % 7) - 3) / 4.0 FROM generate_series(1, :features) j)::float8[]
           || 0.5::float8 AS wb \gset
INSERT INTO bench_queries (k, floor_k, label, sql) VALUES
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

SELECT pg_temp.bench_run(:reps, :rows::bigint * :features) \g /dev/null

SELECT format('%-40s %10s %10s %7s', 'query', 'median ms', 'min ms', 'ratio');
SELECT format('%-40s %10s %10s %7s', label, to_char(median_ms, 'FM999999990.00'),
              to_char(min_ms, 'FM999999990.00'), to_char(ratio, 'FM990.00'))
FROM bench_summary ORDER BY k;
-- the headline: the worst score/floor ratio of the four score queries
SELECT format('score/floor ratio: %s (goal <= 1.20)', to_char(max(ratio), 'FM990.00'))
FROM bench_summary WHERE k <> floor_k;
SQL
