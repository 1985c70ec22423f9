#!/bin/bash
# bench/real.sh: hinge_train against export + liblinear-train -s 3 on real
# data sets (a9a when /work/shared/data has it, the demo's breast-cancer
# set, scikit-learn's digits as a binary task), with rows in memory and on
# passes; see bench/real.py.  HINGE_BENCH_REPS=R rounds (default 3),
# HINGE_BENCH_ONLY=name,... a subset.  With no PGHOST/PGPORT, runs itself
# in a throwaway cluster (pg_virtualenv).  Exits 0 whatever the ratios.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ -z "${PGHOST:-}${PGPORT:-}${PGSERVICE:-}" ]; then
    PGPORT=${HINGE_BENCH_PORT:-$(( 20000 + RANDOM % 10000 ))} \
        exec pg_virtualenv -t -v 15 /usr/bin/python3 "$here/real.py"
fi
exec /usr/bin/python3 "$here/real.py"
