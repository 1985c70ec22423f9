#!/bin/sh
# Sets up hinge (scripts/setup.sh) and runs every test: the pg_regress suite
# in a throwaway PostgreSQL cluster, and the check that the reference values
# in the tests are still what numpy computes.
set -eu
cd "$(dirname "$0")/.."

scripts/setup.sh python3-numpy

# Debian's python3 (the first one on PATH may lack numpy)
/usr/bin/python3 scripts/reference.py --check

status=0
pg_virtualenv -v 15 make -s installcheck || status=$?
if [ "$status" -ne 0 ] && [ -f regression.diffs ]; then
    cat regression.diffs
fi
exit "$status"
