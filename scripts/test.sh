#!/bin/sh
# Sets up hinge (scripts/setup.sh) and runs every test: the check that the
# reference values in the tests are still what numpy computes, then the
# pg_regress suite in a throwaway PostgreSQL cluster (pg_virtualenv).
set -eu
cd "$(dirname "$0")/.."

scripts/setup.sh python3-numpy liblinear-tools

# Debian's python3: the first python3 on PATH may lack numpy
/usr/bin/python3 scripts/reference.py --check
/usr/bin/python3 scripts/readme.py --check

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
# -t: the cluster lives in a temporary directory, even when run as root
pg_virtualenv -t -v 15 make -s installcheck 2>&1 | tee "$log" || status=$?
[ "$status" -eq 0 ] || status=1
grep -q 'tests passed' "$log" || status=1
if [ "$status" -ne 0 ] && [ -f regression.diffs ]; then
    cat regression.diffs
fi

passed=$(grep -c '^\(test\| \) *[a-z_]* *\.\.\. ok' "$log" || true)
failed=$(grep -c '\.\.\. FAILED' "$log" || true)
echo "hinge: $passed passed, $failed failed"
exit "$status"
