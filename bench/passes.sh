#!/bin/bash
# bench/passes.sh: what one pass of each of hinge's training aggregates
# costs against the floor, a bare dot-product aggregate over the same rows.
#
#   bench/passes.sh [--rows N] [--features D] [--reps R]
#
# The floor is bench_dot(w, x), an aggregate of w.x over float8[] rows with
# no validation at all, from the module in bench/floor (built here with
# PGXS and loaded by its path: it is never installed with hinge).  It asks
# for the next row's bytes while it computes, as hinge's aggregates do
# (hinge_prefetch_next_row in src/vector.h); bench_dot_plain, which does
# not, is shown beside it.  On the
# table bench_rows of bench/common.sh (N rows x D features), serial and
# with 2 workers (parallel costs set to 0 so that the plan has them), each
# pass against the floor of the same mode, medians of R runs, round robin:
#   - sum(cardinality(x)): the scan alone, which never reads the elements;
#   - hinge_cutting_plane: the first pass of a training (a plane at w);
#   - hinge_line_planes: every later pass of a hinge training (the line
#     search with the planes at its 32 points);
#   - hinge_line_objective: the line search of the other losses;
#   - hinge_subgradient and hinge_objective, the user-facing aggregates;
#   - hinge_cutting_plane and hinge_line_planes again with
#     hinge.wide_kernels off (two doubles at a time where AVX2 does four).
# Exits 0 whatever the ratios, non-zero on any error.
set -euo pipefail

BENCH_NAME=passes.sh
ROWS=1000000
FEATURES=100
REPS=5
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_parse_args "$@"
bench_reexec "${BASH_SOURCE[0]}"

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
make -s -C "$here/floor" PG_CONFIG="$(command -v pg_config)" >/dev/null
W_EXPR="array(SELECT CASE j WHEN 1 THEN 2 WHEN 2 THEN 1 ELSE ((j % 7) - 3) / 40.0 END
              FROM generate_series(1, $FEATURES) j)::float8[]"
SERIAL="max_parallel_workers_per_gather=0"
PARALLEL="max_parallel_workers_per_gather=2,parallel_setup_cost=0,parallel_tuple_cost=0,min_parallel_table_scan_size=0"
PSQL+=(-v w_expr="$W_EXPR" -v serial="$SERIAL" -v parallel="$PARALLEL" -v floor_so="$here/floor/floor.so" -v floor_sql="$here/floor/floor.sql")

echo "hinge passes benchmark: $ROWS rows x $FEATURES features, median of $REPS runs"
bench_build_tables

{ bench_timing_sql; cat <<'SQL'; } | "${PSQL[@]}" -A -t
DROP AGGREGATE IF EXISTS bench_dot(float8[], float8[]);
DROP FUNCTION IF EXISTS bench_dot_step(float8, float8[], float8[]);
DROP AGGREGATE IF EXISTS bench_dot_plain(float8[], float8[]);
DROP FUNCTION IF EXISTS bench_dot_plain_step(float8, float8[], float8[]);
\i :floor_sql
SELECT (:w_expr)::text AS w \gset
SELECT array[(:w_expr), array(SELECT v / 2 FROM unnest(:w_expr) v)]::text AS line \gset
SELECT format('PostgreSQL %s, shared_buffers %s; bench_rows %s',
              current_setting('server_version'), current_setting('shared_buffers'),
              pg_size_pretty(pg_table_size('bench_rows')));
INSERT INTO bench_queries (k, floor_k, label, mode, settings, sql)
SELECT m.base + q.i, m.base + 1, q.label, m.mode, string_to_array(m.settings, ',') || qs.settings, q.sql
FROM (VALUES (0, 'serial', :'serial'), (20, '2 workers', :'parallel')) AS m(base, mode, settings),
     (VALUES -- (an integer result: bench_run reads a floor's result as one)
             (1, 'floor: bench_dot(w, x)', format('SELECT (bench_dot(%L, x) > 0)::int FROM bench_rows', :'w')),
             (2, 'sum(cardinality(x))', 'SELECT sum(cardinality(x)) FROM bench_rows'),
             (3, 'hinge_cutting_plane', format('SELECT hinge_cutting_plane(%L, x, y, 0, ''hinge'', 1, 1, 1) FROM bench_rows', :'w')),
             (4, 'hinge_line_planes', format('SELECT hinge_line_planes(%L, x, y, 0, ''hinge'', 1, 1, 1) FROM bench_rows', :'line')),
             (5, 'hinge_line_objective', format('SELECT hinge_line_objective(%L, x, y, 0, ''hinge'', 1, 1, 1) FROM bench_rows', :'line')),
             (6, 'hinge_subgradient', format('SELECT hinge_subgradient(%L, x, y, 1e-4) FROM bench_rows', :'w')),
             (7, 'hinge_objective', format('SELECT hinge_objective(%L, x, y, 1e-4) FROM bench_rows', :'w')),
             (8, 'floor without prefetch', format('SELECT (bench_dot_plain(%L, x) > 0)::int FROM bench_rows', :'w')),
             (9, 'cutting_plane, narrow', format('SELECT hinge_cutting_plane(%L, x, y, 0, ''hinge'', 1, 1, 1) FROM bench_rows', :'w')),
             (10, 'line_planes, narrow', format('SELECT hinge_line_planes(%L, x, y, 0, ''hinge'', 1, 1, 1) FROM bench_rows', :'line'))
     ) AS q(i, label, sql),
     LATERAL (SELECT CASE WHEN q.i >= 9 THEN ARRAY['hinge.wide_kernels=off'] ELSE '{}'::text[] END) AS qs(settings);
-- (hinge's library loaded first, so that its setting hinge.wide_kernels is known)
SELECT hinge_score('{1}'::float8[], '{1}'::float8[]) \g /dev/null
SELECT pg_temp.bench_run(:reps, NULL) \g /dev/null
SELECT format('%-24s %-10s %10s %10s %7s', 'pass', 'mode', 'median ms', 'min ms', 'ratio');
SELECT format('%-24s %-10s %10s %10s %7s', label, mode, to_char(median_ms, 'FM999999990.00'),
              to_char(min_ms, 'FM999999990.00'), to_char(ratio, 'FM990.00'))
FROM bench_summary ORDER BY k;
SELECT format('2 workers: the floor %s serial (%s ms against %s ms)',
              CASE WHEN p.median_ms <= s.median_ms
                   THEN to_char(s.median_ms / p.median_ms, 'FM990.00') || 'x faster than'
                   ELSE to_char(p.median_ms / s.median_ms, 'FM990.00') || 'x slower than' END,
              to_char(p.median_ms, 'FM999999990.00'), to_char(s.median_ms, 'FM999999990.00'))
FROM bench_summary s, bench_summary p WHERE s.k = 1 AND p.k = 21;
SQL
