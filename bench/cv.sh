#!/bin/bash
# bench/cv.sh: hinge_cross_validate against the ways round it.
#
#   bench/cv.sh [--rows N] [--features D] [--reps R]
#
# On bench_cv_rows: the deterministic rows of bench_rows (bench/common.sh,
# N x D features, default 200,000 x 100) with one label in ten flipped (so
# that lambda matters) and a fold column, 1 + id % 5.  Timed, each on the
# same 5 folds and the same 8 lambdas (hinge_cross_validate's default grid,
# from the data), with the default tolerance 1e-3 and an intercept:
#   - hinge_cross_validate: the whole search (every fold's model at every
#     lambda, their scores) and the refit of the best on every row;
#   - one hinge_train at the lambda it chose, on every row: the unit of the
#     goal (the search in at most 5 of them);
#   - (a) the naive way in the database: 40 hinge_train calls, one per
#     lambda and fold on a view of the fold's training rows, each scored by
#     hinge_evaluate on the fold's own rows, and a 41st at the best lambda;
#   - (b) out of the database: the rows exported as libsvm text (psql's
#     \copy, client side), split per fold (awk), and a liblinear loop:
#     liblinear-train -s 3 -B 1 -c C (C = 1 / (lambda n_train), the same
#     problem) and liblinear-predict per lambda and fold, then the best
#     refit on every row.  liblinear's default stopping rule (-e 0.1) is not
#     a certified gap: it is usually less exact than hinge's, and faster.
# Prints each lambda's passes, seconds and score, and last
#
#   ratios: search / one hinge_train X.XX (goal <= 5); 41 hinge_train / search X.XX;
#           (export + liblinear) / search X.XX
#
# HINGE_BENCH_SEARCH_ONLY=1 times the search and one hinge_train only.
# The search trains in memory when the rows fit hinge.in_memory_limit (as
# hinge_train does); PGOPTIONS='-c hinge.in_memory_limit=0' times both on
# aggregate passes.
#
# Connects with the usual libpq variables; with none set, it runs itself
# again under pg_virtualenv (bench/common.sh).  Needs liblinear-tools.
# Exits 0 whatever the ratios, non-zero on any error.
set -euo pipefail

BENCH_NAME=cv.sh
ROWS=200000
FEATURES=100
REPS=1
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_parse_args "$@"

LIBLINEAR=${HINGE_BENCH_LIBLINEAR:-liblinear-train}
PREDICT=${HINGE_BENCH_LIBLINEAR_PREDICT:-liblinear-predict}
command -v "$LIBLINEAR" >/dev/null ||
    bench_die "no $LIBLINEAR (Debian: apt-get install liblinear-tools)"

bench_reexec "${BASH_SOURCE[0]}"

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

echo "hinge cross-validation benchmark: $ROWS rows x $FEATURES features, 5 folds, 8 lambdas, tolerance 1e-3, intercept; $REPS run(s)"
bench_build_tables

"${PSQL[@]}" <<'SQL'
SET client_min_messages = warning;
DROP TABLE IF EXISTS bench_cv_rows CASCADE;
-- one label in ten flipped (by a hash of id that the folds, id % 5, do not
-- follow): without noise the rows are separable and the weakest lambda
-- always wins
CREATE UNLOGGED TABLE bench_cv_rows AS
SELECT id, x, CASE WHEN h - floor(h) < 0.1 THEN -y ELSE y END AS y, 1 + id % 5 AS fold
FROM (SELECT *, sin(id * 91.3458::float8) * 47453.5453::float8 AS h FROM bench_rows) AS r;
DO $$
BEGIN
    FOR f IN 1 .. 5 LOOP
        EXECUTE format('CREATE VIEW bench_cv_train_%s AS SELECT x, y FROM bench_cv_rows WHERE fold <> %s', f, f);
        EXECUTE format('CREATE VIEW bench_cv_test_%s AS SELECT x, y FROM bench_cv_rows WHERE fold = %s', f, f);
    END LOOP;
END $$;
CREATE UNLOGGED TABLE IF NOT EXISTS bench_cv_results (step text, rep int, seconds float8);
TRUNCATE bench_cv_results;
SQL
"${PSQL[@]}" -c 'VACUUM (FREEZE, ANALYZE) bench_cv_rows'

elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

for rep in $(seq 1 "$REPS"); do
    # 1. The search, and one training at the lambda it chose
    "${PSQL[@]}" -v rep="$rep" <<'SQL'
SET client_min_messages = warning;
SET jit = off;
SELECT sum(cardinality(x)) FROM bench_cv_rows \g /dev/null
DROP TABLE IF EXISTS bench_cv_search;
SELECT clock_timestamp() AS t0 \gset
CREATE UNLOGGED TABLE bench_cv_search AS
SELECT * FROM hinge_cross_validate('bench_cv', 'bench_cv_rows', 'x', 'y', fold_column => 'fold');
INSERT INTO bench_cv_results VALUES ('search', :rep, extract(epoch FROM clock_timestamp() - :'t0'::timestamptz));
SELECT lambda AS best FROM bench_cv_search WHERE rank = 1 \gset
SELECT clock_timestamp() AS t0 \gset
SELECT passes AS one_passes FROM hinge_train('bench_cv_one', 'bench_cv_rows', 'x', 'y', lambda => :best) \gset
INSERT INTO bench_cv_results VALUES ('one hinge_train', :rep, extract(epoch FROM clock_timestamp() - :'t0'::timestamptz));
SQL

    [ -z "${HINGE_BENCH_SEARCH_ONLY:-}" ] || continue

    # 2. (a) 41 hinge_train calls: per lambda and fold, train and evaluate
    "${PSQL[@]}" -v rep="$rep" <<'SQL'
SET client_min_messages = warning;
SET jit = off;
CREATE OR REPLACE FUNCTION pg_temp.naive() RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE
    t0 timestamptz := clock_timestamp();
    l float8;
    best float8;
    best_score float8 := -1;
    score float8;
BEGIN
    FOR l IN SELECT lambda FROM bench_cv_search ORDER BY lambda DESC LOOP
        score := 0;
        FOR f IN 1 .. 5 LOOP
            PERFORM hinge_train('bench_cv_fold', 'bench_cv_train_' || f, 'x', 'y', lambda => l);
            score := score + (SELECT accuracy FROM hinge_evaluate('bench_cv_fold', 'bench_cv_test_' || f, 'x', 'y'));
        END LOOP;
        IF score > best_score THEN
            best_score := score;
            best := l;
        END IF;
    END LOOP;
    PERFORM hinge_train('bench_cv_naive', 'bench_cv_rows', 'x', 'y', lambda => best);
    RETURN extract(epoch FROM clock_timestamp() - t0);
END $$;
INSERT INTO bench_cv_results SELECT '41 hinge_train', :rep, pg_temp.naive();
SQL

    # 3. (b) export, split per fold, liblinear per lambda and fold, refit
    fmt="%s %s$(seq -f ' %.0f:%%s' 1 "$FEATURES" | tr -d '\n')"
    t0=$(date +%s.%N)
    "${PSQL[@]}" -c "\\copy (SELECT format('$fmt', VARIADIC array_prepend(fold::float8, array_prepend(y, x))::text[]) FROM bench_cv_rows) TO '$WORK/all.txt'"
    awk -v dir="$WORK" '{ f = $1; $1 = ""; line = substr($0, 2);
                          print line > (dir "/all.svm");
                          for (g = 1; g <= 5; g++) print line > (dir "/" (g == f ? "test" : "train") g ".svm") }' "$WORK/all.txt"
    t1=$(date +%s.%N)
    best=""
    best_acc=-1
    while read -r lambda; do
        acc=0
        for f in 1 2 3 4 5; do
            n=$(wc -l < "$WORK/train$f.svm")
            C=$(awk -v l="$lambda" -v n="$n" 'BEGIN { printf "%.10g", 1 / (l * n) }')
            "$LIBLINEAR" -q -s 3 -B 1 -c "$C" "$WORK/train$f.svm" "$WORK/model$f" >/dev/null
            a=$("$PREDICT" "$WORK/test$f.svm" "$WORK/model$f" "$WORK/pred$f" | sed -n 's/^Accuracy = \([0-9.]*\)%.*/\1/p')
            acc=$(awk -v s="$acc" -v a="$a" 'BEGIN { printf "%.10g", s + a }')
        done
        if awk -v a="$acc" -v b="$best_acc" 'BEGIN { exit !(a > b) }'; then
            best_acc=$acc
            best=$lambda
        fi
    done < <("${PSQL[@]}" -A -t -c 'SELECT lambda FROM bench_cv_search ORDER BY lambda DESC')
    C=$(awk -v l="$best" -v n="$ROWS" 'BEGIN { printf "%.10g", 1 / (l * n) }')
    "$LIBLINEAR" -q -s 3 -B 1 -c "$C" "$WORK/all.svm" "$WORK/model" >/dev/null
    t2=$(date +%s.%N)
    "${PSQL[@]}" -c "INSERT INTO bench_cv_results VALUES ('export', $rep, $(elapsed "$t0" "$t1")),
                                                         ('liblinear loop', $rep, $(elapsed "$t1" "$t2")),
                                                         ('export + liblinear', $rep, $(elapsed "$t0" "$t2"))"
    echo "run $rep: liblinear's best lambda $best (summed fold accuracy $best_acc%)"
done

"${PSQL[@]}" -A -F ' | ' <<'SQL'
SELECT 'the search (last run), from the largest lambda:';
SELECT format('lambda %s: accuracy %s (+/- %s), rank %s, %s passes, %s s',
              to_char(lambda, '9.99EEEE'), round(mean_score::numeric, 4), round(std_score::numeric, 4),
              rank, passes, round(seconds::numeric, 2))
FROM bench_cv_search ORDER BY lambda DESC;
SELECT format('passes: %s over %s lambdas (%s a lambda), refit %s; one hinge_train at the best lambda %s',
              sum(passes), count(*), round(avg(passes), 1),
              (SELECT passes FROM hinge_model WHERE name = 'bench_cv'),
              (SELECT passes FROM hinge_model WHERE name = 'bench_cv_one'))
FROM bench_cv_search;
SELECT format('%-20s median %8s s  (min %s s)', step,
              round(percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds)::numeric, 2),
              round(min(seconds)::numeric, 2))
FROM bench_cv_results GROUP BY step ORDER BY min(seconds);
WITH m AS (SELECT step, percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds) AS s
           FROM bench_cv_results GROUP BY step)
SELECT format('ratios: search / one hinge_train %s (goal <= 5); 41 hinge_train / search %s; (export + liblinear) / search %s',
              round(((SELECT s FROM m WHERE step = 'search') / (SELECT s FROM m WHERE step = 'one hinge_train'))::numeric, 2),
              round(((SELECT s FROM m WHERE step = '41 hinge_train') / (SELECT s FROM m WHERE step = 'search'))::numeric, 2),
              round(((SELECT s FROM m WHERE step = 'export + liblinear') / (SELECT s FROM m WHERE step = 'search'))::numeric, 2));
SQL
