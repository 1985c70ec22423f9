#!/bin/bash
# bench/aggregates.sh: what one pass of hinge_subgradient or hinge_objective
# over a table costs on top of a bare scan, serial and with 2 workers, and
# whether the backend's memory depends on the number of rows.
#
#   bench/aggregates.sh [--rows N] [--features D] [--reps R]
#
# Builds (or reuses) the deterministic table bench_rows(id, x float8[], y)
# of bench/score.sh (N rows x D features), then:
#   - prints the fraction of rows inside the margin (y w.x < 1) at the w used,
#     and the parallel plan (EXPLAIN ANALYZE: Partial Aggregate under a
#     Gather with 2 workers launched; an error if it is not that);
#   - memory: in a fresh connection for each, the backend's peak resident
#     size (VmHWM) before and after one pass over N/10 and over N rows (and
#     of array_agg(id), which does grow with the rows, as a control);
#   - times, in one session, the scan floor sum(cardinality(x)) and one pass
#     of each aggregate, serial (max_parallel_workers_per_gather = 0) and
#     with 2 workers (parallel plan forced), R times round robin; prints
#     medians, each pass's ratio to the floor of its mode, and last
#
#       serial subgradient/floor: X.XX, objective/floor: X.XX (goal <= 1.30)
#       parallel subgradient/floor: X.XX, objective/floor: X.XX (goal <= 1.30)
#
# Connects with the usual libpq variables; with none set, it runs itself
# again under pg_virtualenv (see bench/common.sh and bench/README.md).
# Exits 0 whatever the ratios, non-zero on any error.
set -euo pipefail

BENCH_NAME=aggregates.sh
ROWS=1000000
FEATURES=100
REPS=7
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_parse_args "$@"
bench_reexec "${BASH_SOURCE[0]}"

# The weights: w[1] = 2 and w[2] = 1 follow the labelling rule
# (y = sign(x[1] + x[2]/2)), so y w.x = 2 |x[1] + x[2]/2| plus the small
# w[j] = ((j mod 7) - 3) / 40 of the other features: about half of the rows
# fall inside the margin (y w.x < 1) and add their x to the subgradient,
# the others only their loss of 0.  lambda is immaterial to the cost.
W_EXPR="array(SELECT CASE j WHEN 1 THEN 2 WHEN 2 THEN 1 ELSE ((j % 7) - 3) / 40.0 END
              FROM generate_series(1, $FEATURES) j)::float8[]"
LAMBDA=1e-4
# the settings of the two modes; the parallel ones force a parallel plan
SERIAL="max_parallel_workers_per_gather=0"
PARALLEL="max_parallel_workers_per_gather=2,parallel_setup_cost=0,parallel_tuple_cost=0,min_parallel_table_scan_size=0"
PSQL+=(-v w_expr="$W_EXPR" -v lambda="$LAMBDA" -v serial="$SERIAL" -v parallel="$PARALLEL")

echo "hinge aggregates benchmark: $ROWS rows x $FEATURES features, median of $REPS runs"

# 1. The table: built only when missing or of another size.
bench_build_tables

# 2. What the passes see: the margin violators, the parallel plan.
"${PSQL[@]}" -A -t <<'SQL'
SET client_min_messages = warning;
SET jit = off;
SET max_parallel_workers_per_gather = 0;
SELECT (:w_expr)::text AS w \gset
SELECT format('PostgreSQL %s, shared_buffers %s; bench_rows %s',
              current_setting('server_version'), current_setting('shared_buffers'),
              pg_size_pretty(pg_table_size('bench_rows')));
-- see NBuffers / 4 in GetAccessStrategy() (src/backend/storage/buffer/freelist.c)
SELECT 'note: bench_rows is over shared_buffers/4, so its scans read it through a '
       'small ring of buffers from the kernel''s page cache (slower, noisier floor)'
WHERE pg_relation_size('bench_rows') / 8192 >
      (SELECT setting::bigint FROM pg_settings WHERE name = 'shared_buffers') / 4;
SELECT format('w: w[1] = 2, w[2] = 1, w[j] = ((j mod 7) - 3) / 40 for j >= 3 (%s elements, ||w|| = %s), lambda %s',
              cardinality(:'w'::float8[]),
              to_char(sqrt((SELECT sum(v * v) FROM unnest(:'w'::float8[]) v)), 'FM990.000'),
              :'lambda');
SELECT format('margin violators (y w.x < 1): %s of %s rows (%s %%)',
              margin_violators, n, to_char(100.0 * margin_violators / n, 'FM990.0'))
FROM (SELECT (hinge_margin_stats(:'w'::float8[], x, y)).* FROM bench_rows) s;

-- The plan of the parallel passes, checked: a Partial Aggregate under a
-- Gather that launched 2 workers.
SELECT set_config(split_part(p, '=', 1), split_part(p, '=', 2), false)
FROM unnest(string_to_array(:'parallel', ',')) p \g /dev/null
CREATE FUNCTION pg_temp.checked_plan(q text) RETURNS SETOF text
LANGUAGE plpgsql AS $f$
DECLARE
    plan text[] := '{}';
    line text;
    whole text;
BEGIN
    FOR line IN EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ' || q LOOP
        plan := plan || line;
    END LOOP;
    whole := array_to_string(plan, E'\n');
    IF whole !~ 'Gather' OR whole !~ 'Partial Aggregate'
       OR whole !~ 'Workers Planned: 2' OR whole !~ 'Workers Launched: 2' THEN
        RAISE EXCEPTION E'not a parallel aggregate with 2 workers launched:\n%', whole;
    END IF;
    RETURN QUERY SELECT '  ' || l FROM unnest(plan) l;
END
$f$;
SELECT 'parallel plan of the subgradient pass (EXPLAIN ANALYZE, COSTS OFF):';
SELECT pg_temp.checked_plan(format('SELECT hinge_subgradient(%L::float8[], x, y, %s) FROM bench_rows',
                                   :'w', :'lambda'));
SQL

# 3. Memory.  The state of either aggregate is one float8[] of O(D)
# elements, so a pass should need as much memory over 10 times more rows.
# Each measurement is a fresh connection: it scans the whole table once
# (sum(cardinality(x)): that maps the table's shared buffers into the
# backend, which count in its resident size) and loads hinge.so, reads the
# backend's peak resident size VmHWM from /proc/<pid>/status, runs one
# serial pass over the first n rows (WHERE id <= n: a full scan either way)
# and reads VmHWM again.  The difference is the memory that the pass needed
# beyond the bare scan.  array_agg(id), whose state grows with the rows, is
# the control: it shows that the method sees such growth.  Reading /proc
# through pg_read_file() takes a superuser (or pg_read_server_files), as in
# the throwaway cluster.
echo "memory: peak resident size (VmHWM) of a fresh backend before and after one serial pass"
if "${PSQL[@]}" -A -t -c "SELECT pg_read_file('/proc/' || pg_backend_pid() || '/status') ~ 'VmHWM'" \
        2>/dev/null | grep -qx t; then
    printf '%-28s %10s %12s %12s %10s\n' pass rows 'before kB' 'after kB' 'delta kB'
    small=$(( ROWS / 10 )); [ "$small" -ge 1 ] || small=1
    for pass in hinge_subgradient hinge_objective 'array_agg(id) (control)'; do
        for n in "$small" "$ROWS"; do
            "${PSQL[@]}" -A -t -v pass="$pass" -v n="$n" <<'SQL'
SET client_min_messages = warning;
SET jit = off;
SET max_parallel_workers_per_gather = 0;
SELECT (:w_expr)::text AS w \gset
SELECT sum(cardinality(x)) FROM bench_rows \g /dev/null
SELECT hinge_score('{1}'::float8[], '{1}'::float8[]) \g /dev/null
CREATE FUNCTION pg_temp.hwm() RETURNS bigint LANGUAGE sql AS $$
    SELECT (regexp_match(pg_read_file('/proc/' || pg_backend_pid() || '/status'),
                         'VmHWM:\s*(\d+) kB'))[1]::bigint $$;
SELECT CASE WHEN :'pass' LIKE 'hinge_%'
            THEN format('SELECT %I(%L::float8[], x, y, %s) IS NOT NULL FROM bench_rows WHERE id <= %s',
                        :'pass', :'w', :'lambda', :n)
            ELSE format('SELECT array_agg(id) IS NOT NULL FROM bench_rows WHERE id <= %s', :n)
       END AS query \gset
SELECT pg_temp.hwm() AS hwm0 \gset
\o /dev/null
SELECT :'query' \gexec
\o
SELECT pg_temp.hwm() AS hwm1 \gset
SELECT format('%-28s %10s %12s %12s %10s', :'pass', :n, :hwm0, :hwm1, :hwm1 - :hwm0);
SQL
        done
    done
else
    echo "  (skipped: this role cannot read /proc/<pid>/status with pg_read_file())"
fi

# 4. The timings, all in one session (see bench_timing_sql in common.sh).
{ bench_timing_sql; cat <<'SQL'; } | "${PSQL[@]}" -A -t
SELECT (:w_expr)::text AS w \gset
INSERT INTO bench_queries (k, floor_k, label, mode, settings, sql) VALUES
 (1, 1, 'floor: sum(cardinality(x))', 'serial', string_to_array(:'serial', ','),
  'SELECT sum(cardinality(x)) FROM bench_rows'),
 (2, 1, 'hinge_subgradient(w, x, y, lambda)', 'serial', string_to_array(:'serial', ','),
  format('SELECT hinge_subgradient(%L::float8[], x, y, %s) FROM bench_rows', :'w', :'lambda')),
 (3, 1, 'hinge_objective(w, x, y, lambda)', 'serial', string_to_array(:'serial', ','),
  format('SELECT hinge_objective(%L::float8[], x, y, %s) FROM bench_rows', :'w', :'lambda')),
 (4, 4, 'floor: sum(cardinality(x))', '2 workers', string_to_array(:'parallel', ','),
  'SELECT sum(cardinality(x)) FROM bench_rows'),
 (5, 4, 'hinge_subgradient(w, x, y, lambda)', '2 workers', string_to_array(:'parallel', ','),
  format('SELECT hinge_subgradient(%L::float8[], x, y, %s) FROM bench_rows', :'w', :'lambda')),
 (6, 4, 'hinge_objective(w, x, y, lambda)', '2 workers', string_to_array(:'parallel', ','),
  format('SELECT hinge_objective(%L::float8[], x, y, %s) FROM bench_rows', :'w', :'lambda'));

SELECT pg_temp.bench_run(:reps, :rows::bigint * :features) \g /dev/null

SELECT format('%-36s %-10s %10s %10s %7s', 'query', 'mode', 'median ms', 'min ms', 'ratio');
SELECT format('%-36s %-10s %10s %10s %7s', label, mode, to_char(median_ms, 'FM999999990.00'),
              to_char(min_ms, 'FM999999990.00'), to_char(ratio, 'FM990.00'))
FROM bench_summary ORDER BY k;
SELECT format('speed-up of 2 workers (serial / parallel median): floor %s, subgradient %s, objective %s',
              to_char(s1.median_ms / p1.median_ms, 'FM990.00'),
              to_char(s2.median_ms / p2.median_ms, 'FM990.00'),
              to_char(s3.median_ms / p3.median_ms, 'FM990.00'))
FROM bench_summary s1, bench_summary s2, bench_summary s3,
     bench_summary p1, bench_summary p2, bench_summary p3
WHERE (s1.k, s2.k, s3.k, p1.k, p2.k, p3.k) = (1, 2, 3, 4, 5, 6);
-- the headlines
SELECT format('%s subgradient/floor: %s, objective/floor: %s (goal <= 1.30)',
              CASE WHEN g.floor_k = 1 THEN 'serial' ELSE 'parallel' END,
              to_char(g.ratio, 'FM990.00'), to_char(o.ratio, 'FM990.00'))
FROM bench_summary g JOIN bench_summary o ON o.floor_k = g.floor_k
WHERE g.k = g.floor_k + 1 AND o.k = o.floor_k + 2
ORDER BY g.floor_k;
SQL
