#!/bin/bash
# bench/fixed_cost.sh: what a pass of hinge_train costs beyond reading its
# rows, on the breast-cancer set (569 x 30); see bench/fixed_cost.py.
# HINGE_BENCH_REPS=R queries per figure (default 200).  With no
# PGHOST/PGPORT, runs itself in a throwaway cluster (pg_virtualenv).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ -z "${PGHOST:-}${PGPORT:-}${PGSERVICE:-}" ]; then
    PGPORT=${HINGE_BENCH_PORT:-$(( 20000 + RANDOM % 10000 ))} \
        exec pg_virtualenv -t -v 15 /usr/bin/python3 "$here/fixed_cost.py"
fi
exec /usr/bin/python3 "$here/fixed_cost.py"
