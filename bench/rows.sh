#!/bin/bash
# bench/rows.sh: what scoring rows as tables hold them costs (issue 13).
#
#   bench/rows.sh [--rows N] [--reps R]
#
# Builds (or reuses) bench_customers(id, n1 .. n10 float8, c1 .. c5 text,
# label): ten numeric columns of different scales and five categorical
# columns of 4 to 20 values each, deterministic; and bench_numbers(x
# float8[]), the ten numbers of each row as an array.  Trains on them, then
# times in one single-process session:
#   - the floor: reading the fifteen columns of every row;
#   - hinge_predict('m', t) of every row passed whole, through a model of
#     standardised numbers and one-hot categories;
#   - hinge_score of the numbers as an array, by a model trained with
#     scale => 'standard' and by one trained without: scaling is folded
#     into the weights, so both cost the same.
# Prints the median of R runs of each query, its ratio to its floor, and
# last the two headline ratios.  See bench/README.md.
set -euo pipefail

BENCH_NAME=rows.sh
ROWS=1000000
FEATURES=10
REPS=5
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_parse_args "$@"
bench_reexec "${BASH_SOURCE[0]}"

echo "hinge whole-row scoring benchmark: $ROWS rows x (10 numbers + 5 categories), median of $REPS runs"

"${PSQL[@]}" <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS hinge;
DROP TABLE IF EXISTS bench_customers, bench_numbers;
CREATE TABLE bench_customers AS
SELECT i AS id,
       sin(i) * 1000 AS n1, cos(i) * 0.01 AS n2, (i % 97)::float8 AS n3, sin(i * 0.7) AS n4,
       cos(i * 1.3) * 50 AS n5, ((i * 37) % 1000)::float8 AS n6, sin(i * 2.1) * 5 AS n7,
       cos(i * 0.3) AS n8, ((i * 7) % 13)::float8 AS n9, sin(i * 0.11) * 1e5 AS n10,
       'a' || (i % 4) AS c1, 'b' || (i % 7) AS c2, 'c' || ((i * 3) % 11) AS c3,
       'd' || ((i * 5) % 17) AS c4, 'e' || ((i * 11) % 20) AS c5,
       CASE WHEN sin(i) + cos(i * 1.3) + (i % 4) * 0.3 > 0.6 THEN 'yes' ELSE 'no' END AS label
FROM generate_series(1, :rows) AS i;
CREATE TABLE bench_numbers AS
SELECT ARRAY[n1, n2, n3, n4, n5, n6, n7, n8, n9, n10] AS x, label FROM bench_customers;
VACUUM (FREEZE, ANALYZE) bench_customers;
VACUUM (FREEZE, ANALYZE) bench_numbers;
-- the models: trained on a sample of the rows, as what is timed is scoring
CREATE TEMP VIEW sample AS SELECT * FROM bench_customers WHERE id % 100 = 0;
CREATE TEMP VIEW sample_numbers AS SELECT x, label FROM bench_numbers LIMIT 10000;
SELECT count(*) FROM hinge_train('bench_whole', 'sample',
    ARRAY['n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'n7', 'n8', 'n9', 'n10', 'c1', 'c2', 'c3', 'c4', 'c5'],
    'label', scale => 'standard', max_passes => 50) \g /dev/null
SELECT count(*) FROM hinge_train('bench_scaled', 'sample_numbers', 'x', 'label', scale => 'standard', max_passes => 50) \g /dev/null
SELECT count(*) FROM hinge_train('bench_plain', 'sample_numbers', 'x', 'label', max_passes => 50) \g /dev/null
SQL

{ bench_timing_sql; cat <<'SQL'; } | "${PSQL[@]}" -A -t
SELECT format('PostgreSQL %s, shared_buffers %s; bench_customers %s, bench_numbers %s',
              current_setting('server_version'), current_setting('shared_buffers'),
              pg_size_pretty(pg_table_size('bench_customers')),
              pg_size_pretty(pg_table_size('bench_numbers')));
INSERT INTO bench_queries (k, floor_k, label, sql) VALUES
 (1, 1, 'floor: read the 15 columns',
  'SELECT count(*) FILTER (WHERE n1 + n2 + n3 + n4 + n5 + n6 + n7 + n8 + n9 + n10 IS NOT NULL '
  'AND length(c1) + length(c2) + length(c3) + length(c4) + length(c5) > 0) FROM bench_customers'),
 (2, 1, 'hinge_predict(''m'', t), t whole',
  'SELECT count(hinge_predict(''bench_whole'', t)) FROM bench_customers AS t'),
 (3, 3, 'floor: sum(cardinality(x))',
  'SELECT sum(cardinality(x)) FROM bench_numbers'),
 (4, 3, 'hinge_score(unscaled model, x)',
  'SELECT count(hinge_score(''bench_plain'', x)) FROM bench_numbers'),
 (5, 4, 'hinge_score(scaled model, x)',
  'SELECT count(hinge_score(''bench_scaled'', x)) FROM bench_numbers');

SELECT pg_temp.bench_run(:reps, NULL) \g /dev/null

SELECT format('%-40s %10s %10s %7s', 'query', 'median ms', 'min ms', 'ratio');
SELECT format('%-40s %10s %10s %7s', label, to_char(median_ms, 'FM999999990.00'),
              to_char(min_ms, 'FM999999990.00'), to_char(ratio, 'FM990.00'))
FROM bench_summary ORDER BY k;
SELECT format('whole-row scoring / reading the columns: %s', to_char(ratio, 'FM990.00'))
FROM bench_summary WHERE k = 2;
SELECT format('scaled / unscaled model scoring raw rows: %s (goal: 1.00 within noise)', to_char(ratio, 'FM990.00'))
FROM bench_summary WHERE k = 5;
SQL
