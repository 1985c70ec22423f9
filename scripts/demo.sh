#!/bin/sh
# Sets up hinge (scripts/setup.sh) and runs the demo, scripts/demo.sql, in a
# throwaway PostgreSQL 15 cluster made by pg_virtualenv.  If PGHOST or
# PGDATABASE is set, it runs the demo in that database instead.
set -eu
cd "$(dirname "$0")/.."

if [ ! -f data/breast_cancer.csv ]; then
    echo "demo: data/breast_cancer.csv is missing; make it with" \
         "/usr/bin/python3 scripts/make_demo_data.py (needs python3-sklearn)" >&2
    exit 1
fi

scripts/setup.sh

if [ -n "${PGHOST:-}${PGDATABASE:-}" ]; then
    echo "demo: PGHOST/PGDATABASE is set, so running in your database" \
         "(host ${PGHOST:-default}, database ${PGDATABASE:-default});" \
         "it creates extension hinge and drops and recreates schema demo"
    exec psql -X -v ON_ERROR_STOP=1 -f scripts/demo.sql
fi

echo "demo: running scripts/demo.sql in a throwaway PostgreSQL 15 cluster"
# -t: the cluster lives in a temporary directory, even when run as root
exec pg_virtualenv -t -v 15 psql -X -v ON_ERROR_STOP=1 -f scripts/demo.sql
