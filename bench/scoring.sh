#!/bin/bash
# bench/scoring.sh: scoring where the rows live, the trigger and the views.
#
#   bench/scoring.sh [--rows N] [--features D] [--reps R]
#
# On the deterministic table bench_rows(id, x float8[], y) of bench/score.sh
# (N rows x D features), after training a model 'bench' on it
# (hinge_train(..., lambda => 1e-4, intercept => false, max_passes => 20):
# whether it converges does not matter here, only its D weights):
#
# a. The trigger.  Three UNLOGGED tables (id int, x float8[], score float8)
#    receive INSERT INTO t SELECT id, x FROM bench_rows:
#      - inbox_none:  no trigger;
#      - inbox_plain: a PL/pgSQL BEFORE INSERT row trigger that sets
#                     NEW.score := 0 and returns NEW (no scoring);
#      - inbox_hinge: BEFORE INSERT FOR EACH ROW EXECUTE FUNCTION
#                     hinge_score_trigger('bench', 'x', 'score').
#    Every insert runs into an emptied table (TRUNCATE before it, untimed),
#    once to warm up and then R times round robin; each is timed in the
#    server.  Prints the medians and
#
#      hinge trigger / plain trigger: X.XX (goal <= 1.50)
#
# b. The views, serial (max_parallel_workers_per_gather = 0):
#      by_const: SELECT id, hinge_score('<the weights>'::float8[], x) AS score FROM bench_rows
#      by_array: SELECT id, hinge_score(m.weights, x) AS score FROM bench_rows
#                CROSS JOIN (SELECT weights FROM hinge_model WHERE name = 'bench') m
#      by_name:  SELECT id, hinge_score('bench', x) AS score FROM bench_rows
#    timed two ways, R times each round robin after a warm-up: the wall
#    clock of SELECT sum(score) FROM v in the server (next to the scan floor
#    sum(cardinality(x))), and the "Execution Time" of
#    EXPLAIN (ANALYZE, TIMING OFF) SELECT * FROM v.  Prints the medians and
#
#      named view / array form: X.XX (goal <= 1.30)
#
#    (from EXPLAIN ANALYZE, as the goal is worded; the sum() ratio is printed
#    next to it).
#
# Connects with the usual libpq variables (PGHOST, PGPORT, PGDATABASE...);
# with none set, it runs itself again under pg_virtualenv, in a throwaway
# cluster (see bench/common.sh and bench/README.md).  On a server of your
# own it creates (and replaces) the model 'bench', the tables inbox_none,
# inbox_plain, inbox_hinge and the views by_const, by_array, by_name.
# Exits 0 whatever the ratios, non-zero on any error.
set -euo pipefail

BENCH_NAME=scoring.sh
ROWS=1000000
FEATURES=100
REPS=5
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_parse_args "$@"
bench_reexec "${BASH_SOURCE[0]}"

echo "hinge scoring benchmark (trigger, views): $ROWS rows x $FEATURES features, median of $REPS runs"

# 1. The table: built only when missing or of another size.
bench_build_tables

# 2. The model, the target tables, their triggers and the views.
"${PSQL[@]}" -A -t <<'SQL'
SET client_min_messages = warning;
SET jit = off;
SELECT format('PostgreSQL %s, shared_buffers %s; bench_rows %s',
              current_setting('server_version'), current_setting('shared_buffers'),
              pg_size_pretty(pg_table_size('bench_rows')));
-- see NBuffers / 4 in GetAccessStrategy() (src/backend/storage/buffer/freelist.c)
SELECT 'note: bench_rows is over shared_buffers/4, so its scans read it through a '
       'small ring of buffers from the kernel''s page cache (slower, noisier floor)'
WHERE pg_relation_size('bench_rows') / 8192 >
      (SELECT setting::bigint FROM pg_settings WHERE name = 'shared_buffers') / 4;

-- (its warning that it did not converge goes: the line below says so)
SET client_min_messages = error;
SELECT format('model bench: hinge_train(lambda 1e-4, no intercept, max_passes 20): %s passes, '
              'converged %s, %s weights, %s s',
              passes, converged, cardinality(weights), round(train_seconds::numeric, 2))
FROM hinge_train('bench', 'bench_rows', 'x', 'y', lambda => 1e-4, intercept => false,
                 max_passes => 20);
SET client_min_messages = warning;

DROP VIEW IF EXISTS by_const, by_array, by_name;
DROP TABLE IF EXISTS inbox_none, inbox_plain, inbox_hinge;
DROP FUNCTION IF EXISTS bench_plain_trigger();

-- UNLOGGED: no WAL for the inserted rows in any of the three, so the
-- comparison is of the triggers, not of WAL writing
CREATE UNLOGGED TABLE inbox_none (id int, x float8[], score float8);
CREATE UNLOGGED TABLE inbox_plain (id int, x float8[], score float8);
CREATE UNLOGGED TABLE inbox_hinge (id int, x float8[], score float8);

CREATE FUNCTION bench_plain_trigger() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
    NEW.score := 0;
    RETURN NEW;
END
$f$;
CREATE TRIGGER s BEFORE INSERT ON inbox_plain
    FOR EACH ROW EXECUTE FUNCTION bench_plain_trigger();
CREATE TRIGGER s BEFORE INSERT ON inbox_hinge
    FOR EACH ROW EXECUTE FUNCTION hinge_score_trigger('bench', 'x', 'score');

SELECT weights::text AS w FROM hinge_model WHERE name = 'bench' \gset
SELECT format('CREATE VIEW by_const AS SELECT id, hinge_score(%L::float8[], x) AS score FROM bench_rows',
              :'w') \gexec
CREATE VIEW by_array AS
SELECT id, hinge_score(m.weights, x) AS score
FROM bench_rows CROSS JOIN (SELECT weights FROM hinge_model WHERE name = 'bench') m;
CREATE VIEW by_name AS
SELECT id, hinge_score('bench', x) AS score FROM bench_rows;
ANALYZE hinge_model;
SQL

# 3a. The trigger: one session; every insert goes into a table emptied
# just before (TRUNCATE, its own transaction, untimed) and is timed in the
# server by pg_temp.time_insert.
TARGETS=(inbox_none inbox_plain inbox_hinge)  # the order of a round
{
    cat <<'SQL'
SET client_min_messages = warning;
SET max_parallel_workers_per_gather = 0;
SET jit = off;
CREATE TEMP TABLE trigger_times (target text, rep int, ms float8, row_count bigint);
CREATE FUNCTION pg_temp.time_insert(target text, rep int) RETURNS void
LANGUAGE plpgsql AS $f$
DECLARE
    t0 timestamptz;
    ms float8;
    n bigint;
BEGIN
    t0 := clock_timestamp();
    EXECUTE format('INSERT INTO %I SELECT id, x FROM bench_rows', target);
    GET DIAGNOSTICS n = ROW_COUNT;
    ms := 1000 * extract(epoch FROM clock_timestamp() - t0);
    IF n <> current_setting('hinge_bench.rows')::bigint THEN
        RAISE EXCEPTION 'inserted % rows into %, expected %', n, target,
              current_setting('hinge_bench.rows');
    END IF;
    INSERT INTO trigger_times VALUES (target, rep, ms, n);
END
$f$;
SELECT set_config('hinge_bench.rows', :'rows', false) \g /dev/null
-- the scan that every insert reads, once: loads the pages of bench_rows
SELECT sum(cardinality(x)) FROM bench_rows \g /dev/null
SQL
    for rep in $(seq 0 "$REPS"); do  # rep 0: the warm-up, not counted
        for t in "${TARGETS[@]}"; do
            echo "TRUNCATE inbox_none, inbox_plain, inbox_hinge;"
            echo "SELECT pg_temp.time_insert('$t', $rep) \\g /dev/null"
        done
    done
    cat <<'SQL'
-- the rows of the last insert into inbox_hinge are scored as hinge_score('bench', x) would
SELECT format('check: inbox_hinge %s rows, %s scored as hinge_score(''bench'', x)',
              count(*), count(*) FILTER (WHERE score = hinge_score('bench', x)))
FROM inbox_hinge;
TRUNCATE inbox_none, inbox_plain, inbox_hinge;

CREATE TEMP VIEW trigger_summary AS
SELECT target, count(*) AS runs,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS median_ms,
       min(ms) AS min_ms, max(ms) AS max_ms
FROM trigger_times WHERE rep > 0 GROUP BY target;
SELECT '';
SELECT 'a. INSERT INTO t SELECT id, x FROM bench_rows (' || :'rows' || ' rows; UNLOGGED targets, emptied before each run)';
SELECT format('%-46s %10s %10s %10s %9s', 'target', 'median ms', 'min ms', 'max ms', 'us a row');
SELECT format('%-46s %10s %10s %10s %9s',
              CASE target WHEN 'inbox_none' THEN 'inbox_none (no trigger)'
                          WHEN 'inbox_plain' THEN 'inbox_plain (plpgsql NEW.score := 0)'
                          ELSE 'inbox_hinge (hinge_score_trigger)' END,
              to_char(median_ms, 'FM999999990.0'), to_char(min_ms, 'FM999999990.0'),
              to_char(max_ms, 'FM999999990.0'),
              to_char(1000 * median_ms / :rows, 'FM99990.000'))
FROM trigger_summary
ORDER BY CASE target WHEN 'inbox_none' THEN 1 WHEN 'inbox_plain' THEN 2 ELSE 3 END;
-- each rep's ratio too: the three inserts of a rep ran back to back
SELECT format('per-run hinge/plain: %s', string_agg(to_char(h.ms / p.ms, 'FM990.00'), ' ' ORDER BY h.rep))
FROM trigger_times h JOIN trigger_times p USING (rep)
WHERE h.target = 'inbox_hinge' AND p.target = 'inbox_plain' AND rep > 0;
SELECT format('trigger cost over no trigger: plain %s us a row, hinge %s us a row',
              to_char(1000 * (p.median_ms - n.median_ms) / :rows, 'FM99990.000'),
              to_char(1000 * (h.median_ms - n.median_ms) / :rows, 'FM99990.000'))
FROM trigger_summary h, trigger_summary p, trigger_summary n
WHERE h.target = 'inbox_hinge' AND p.target = 'inbox_plain' AND n.target = 'inbox_none';
SELECT format('hinge trigger / no trigger: %s; plain trigger / no trigger: %s',
              to_char(h.median_ms / n.median_ms, 'FM990.00'),
              to_char(p.median_ms / n.median_ms, 'FM990.00'))
FROM trigger_summary h, trigger_summary p, trigger_summary n
WHERE h.target = 'inbox_hinge' AND p.target = 'inbox_plain' AND n.target = 'inbox_none';
SELECT format('hinge trigger / plain trigger: %s (goal <= 1.50)',
              to_char(h.median_ms / p.median_ms, 'FM990.00'))
FROM trigger_summary h, trigger_summary p
WHERE h.target = 'inbox_hinge' AND p.target = 'inbox_plain';
SQL
} | "${PSQL[@]}" -A -t

# 3b. The views: one session, serial (bench_timing_sql sets
# max_parallel_workers_per_gather = 0), timed by bench_run of common.sh.
{ bench_timing_sql; cat <<'SQL'; } | "${PSQL[@]}" -A -t
-- The "Execution Time" of EXPLAIN (ANALYZE, TIMING OFF) q, in ms, as text
CREATE FUNCTION pg_temp.explain_ms(q text) RETURNS text
LANGUAGE plpgsql AS $f$
DECLARE
    line text;
BEGIN
    FOR line IN EXECUTE 'EXPLAIN (ANALYZE, TIMING OFF) ' || q LOOP
        IF line LIKE 'Execution Time:%' THEN
            RETURN substring(line FROM '([0-9.]+) ms');
        END IF;
    END LOOP;
    RETURN NULL;
END
$f$;

SELECT '';
SELECT 'b. views over bench_rows, serial; the plans:';
SELECT '-- by_const';
EXPLAIN (COSTS OFF) SELECT * FROM by_const;
SELECT '-- by_array';
EXPLAIN (COSTS OFF) SELECT * FROM by_array;
SELECT '-- by_name';
EXPLAIN (COSTS OFF) SELECT * FROM by_name;

-- sum(score): timed by the clock around EXECUTE; EXPLAIN ANALYZE: the
-- result is its Execution Time (the clock then includes planning and
-- EXPLAIN's own work)
INSERT INTO bench_queries (k, floor_k, label, mode, sql) VALUES
 (1, 1, 'floor: sum(cardinality(x)) FROM bench_rows', 'sum',
  'SELECT sum(cardinality(x)) FROM bench_rows'),
 (2, 1, 'sum(score) FROM by_const', 'sum', 'SELECT sum(score) FROM by_const'),
 (3, 1, 'sum(score) FROM by_array', 'sum', 'SELECT sum(score) FROM by_array'),
 (4, 1, 'sum(score) FROM by_name', 'sum', 'SELECT sum(score) FROM by_name'),
 (5, 1, 'EXPLAIN ANALYZE SELECT id, cardinality(x) FROM bench_rows', 'explain',
  'SELECT pg_temp.explain_ms(''SELECT id, cardinality(x) FROM bench_rows'')'),
 (6, 1, 'EXPLAIN ANALYZE SELECT * FROM by_const', 'explain',
  'SELECT pg_temp.explain_ms(''SELECT * FROM by_const'')'),
 (7, 1, 'EXPLAIN ANALYZE SELECT * FROM by_array', 'explain',
  'SELECT pg_temp.explain_ms(''SELECT * FROM by_array'')'),
 (8, 1, 'EXPLAIN ANALYZE SELECT * FROM by_name', 'explain',
  'SELECT pg_temp.explain_ms(''SELECT * FROM by_name'')');

SELECT pg_temp.bench_run(:reps, :rows::bigint * :features) \g /dev/null

-- the three views sum to the same scores (every run)
SELECT format('check: sum(score) by_const %s, by_array %s, by_name %s (%s distinct over all runs)',
              (SELECT min(result) FROM bench_times WHERE k = 2),
              (SELECT min(result) FROM bench_times WHERE k = 3),
              (SELECT min(result) FROM bench_times WHERE k = 4),
              (SELECT count(DISTINCT result) FROM bench_times WHERE k IN (2, 3, 4)));

CREATE TEMP VIEW explain_summary AS
SELECT k, percentile_cont(0.5) WITHIN GROUP (ORDER BY result::float8) AS exec_ms,
       min(result::float8) AS min_exec_ms
FROM bench_times WHERE k BETWEEN 5 AND 8 GROUP BY k;

SELECT format('%-72s %10s %10s %7s', 'query (serial)', 'median ms', 'min ms', 'ratio');
SELECT format('%-72s %10s %10s %7s', label, to_char(median_ms, 'FM999999990.00'),
              to_char(min_ms, 'FM999999990.00'), to_char(ratio, 'FM990.00'))
FROM bench_summary WHERE mode = 'sum' ORDER BY k;
SELECT format('%-72s %10s %10s %7s', label || ' (Execution Time)', to_char(e.exec_ms, 'FM999999990.00'),
              to_char(e.min_exec_ms, 'FM999999990.00'),
              to_char(e.exec_ms / f.exec_ms, 'FM990.00'))
FROM bench_summary s JOIN explain_summary e USING (k), explain_summary f
WHERE f.k = 5 ORDER BY s.k;
SELECT '(ratios: to the floor sum(cardinality(x)) for sum(score), to EXPLAIN ANALYZE of '
       'SELECT id, cardinality(x) FROM bench_rows for the EXPLAIN lines)';
SELECT format('sum(score): named view / array form: %s; named view / constant array: %s; '
              'array form / constant array: %s',
              to_char(n.median_ms / a.median_ms, 'FM990.00'),
              to_char(n.median_ms / c.median_ms, 'FM990.00'),
              to_char(a.median_ms / c.median_ms, 'FM990.00'))
FROM bench_summary n, bench_summary a, bench_summary c
WHERE n.k = 4 AND a.k = 3 AND c.k = 2;
SELECT format('EXPLAIN ANALYZE: named view / constant array: %s; array form / constant array: %s',
              to_char(n.exec_ms / c.exec_ms, 'FM990.00'),
              to_char(a.exec_ms / c.exec_ms, 'FM990.00'))
FROM explain_summary n, explain_summary a, explain_summary c
WHERE n.k = 8 AND a.k = 7 AND c.k = 6;
SELECT format('named view / array form: %s (goal <= 1.30) [EXPLAIN (ANALYZE, TIMING OFF) '
              'Execution Time; by sum(score): %s]',
              to_char(n.exec_ms / a.exec_ms, 'FM990.00'),
              to_char(ns.median_ms / nas.median_ms, 'FM990.00'))
FROM explain_summary n, explain_summary a, bench_summary ns, bench_summary nas
WHERE n.k = 8 AND a.k = 7 AND ns.k = 4 AND nas.k = 3;
SQL
