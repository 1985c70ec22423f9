#!/bin/sh
# Sets up hinge (scripts/setup.sh) and runs every test: the checks that the
# reference values in the tests are still what numpy and liblinear compute
# and that the examples of README.md and docs/*.md are in sync, then, in a
# throwaway PostgreSQL cluster, the pg_regress suite, the pg_dump/pg_restore,
# trusted install and upgrade tests, the client drivers' test (README.md's
# snippets and every call through psycopg2, psycopg 3 and node-postgres,
# scripts/test_clients.sh), the text data's (scripts/test_text_data.sh), the
# sample's dual coordinate descent against liblinear (scripts/test_dual_cd.py), the
# working set of a training on passes against liblinear
# (scripts/test_working_set.py), a short stress run (scripts/stress.sh), a short fuzzing run, and, where
# Citus is installed, the Citus cluster test (scripts/test_citus.sh).
# docs/testing.md describes each test.
set -eu
cd "$(dirname "$0")/.."

# the drivers of scripts/test_clients.sh; Node.js from Debian unless there is one
clients="python3-psycopg2 python3-psycopg"
command -v node >/dev/null && command -v npm >/dev/null || clients="$clients nodejs npm"
scripts/setup.sh python3-numpy python3-scipy python3-sklearn liblinear-tools $clients

# Debian's python3: the first python3 on PATH may lack numpy
/usr/bin/python3 scripts/reference.py --check
/usr/bin/python3 scripts/readme.py --check

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
# -t: the cluster lives in a temporary directory, even when run as root
pg_virtualenv -t -v 15 sh -c 'make -s installcheck && scripts/test_dump.sh && scripts/test_trusted.sh && scripts/test_upgrade.sh && scripts/test_clients.sh && scripts/test_text_data.sh && /usr/bin/python3 scripts/test_dual_cd.py && /usr/bin/python3 scripts/test_working_set.py && scripts/stress.sh --seconds 10' \
    >"$log" 2>&1 || status=$?
cat "$log"
[ "$status" -eq 0 ] || status=1
grep -q 'tests passed' "$log" || status=1
grep -q '^test dump .* ok' "$log" || status=1
grep -q '^test trusted .* ok' "$log" || status=1
grep -q '^test upgrade .* ok' "$log" || status=1
grep -q '^test clients .* ok' "$log" || status=1
grep -q '^test text_data .* ok' "$log" || status=1
grep -q '^test dual_cd .* ok' "$log" || status=1
grep -q '^test working_set .* ok' "$log" || status=1
for stress in concurrency concurrent_writes cancel; do
    grep -q "^test stress_$stress .* ok" "$log" || status=1
done
if [ "$status" -ne 0 ] && [ -f regression.diffs ]; then
    cat regression.diffs
fi

# the fuzzer, with a fixed seed and a small count: no input may crash the
# server, raise an internal error or return NaN (scripts/fuzz.py)
if /usr/bin/python3 scripts/fuzz.py --calls 2000 --seed 1 >"$log.fuzz" 2>&1; then
    echo "test fuzz                        ... ok ($(grep -m1 '^hinge fuzz: seed' "$log.fuzz"))" | tee -a "$log"
else
    status=1
    cat "$log.fuzz"
    echo "test fuzz                        ... FAILED" | tee -a "$log"
fi
rm -f "$log.fuzz"

# hinge on a Citus cluster (scripts/test_citus.sh): skipped, with a line
# that says so, where Citus is not installed (CI)
if scripts/test_citus.sh >"$log.citus" 2>&1; then
    cat "$log.citus"
    grep '^test citus ' "$log.citus" >>"$log" || true
else
    status=1
    cat "$log.citus"
    echo "test citus                        ... FAILED" | tee -a "$log"
fi
rm -f "$log.citus"

passed=$(grep -c '^\(test\| \) *[a-z_]* *\.\.\. ok' "$log" || true)
failed=$(grep -c '\.\.\. FAILED' "$log" || true)
echo "hinge: $passed passed, $failed failed"
exit "$status"
