#!/bin/sh
# hinge is a trusted extension: a database owner who is not a superuser can
# create it, train, score, calibrate and pg_dump the models, and another role
# without rights on hinge_model can do none of it.  Needs a server (PGHOST etc.), as inside
# pg_virtualenv; scripts/test.sh runs it.
set -eu

db=hinge_trusted
cleanup() {
    dropdb --if-exists "$db" >/dev/null 2>&1 || true
    psql -X -q -c 'DROP ROLE IF EXISTS hinge_owner' -c 'DROP ROLE IF EXISTS hinge_other' >/dev/null 2>&1 || true
}
trap cleanup EXIT
cleanup
psql -X -q -v ON_ERROR_STOP=1 \
    -c "CREATE ROLE hinge_owner LOGIN" -c "CREATE ROLE hinge_other LOGIN" \
    -c "CREATE DATABASE $db OWNER hinge_owner"

out=$(psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$db" <<'SQL'
SET client_min_messages = warning;
SET ROLE hinge_owner;
CREATE EXTENSION hinge;
CREATE TABLE points AS
SELECT i, ARRAY[sin(i), cos(i * 1.3)] AS x, sin(i) + 0.5 * cos(i * 1.3) > 0.2 AS label
FROM generate_series(1, 500) AS i;
SELECT name FROM hinge_train('m', 'points', 'x', 'label');
SELECT count(*) FILTER (WHERE hinge_predict('m', x) = label::text OR hinge_predict('m', x) = (CASE WHEN label THEN 't' ELSE 'f' END)) > 400 FROM points;
SELECT array_length(calibration_a, 1) FROM hinge_calibrate('m', 'points', 'x', 'label');
GRANT SELECT ON points TO hinge_other;
SET ROLE hinge_other;
DO $$
BEGIN
    PERFORM hinge_score('m', '{1,1}'::float8[]);
    RAISE EXCEPTION 'hinge_other read a model without rights on hinge_model';
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'ok';
END $$;
DO $$
BEGIN
    PERFORM hinge_train('m', 'points', 'x', 'label');
    RAISE EXCEPTION 'hinge_other replaced a model without rights on hinge_model';
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'ok';
END $$;
-- the database owner (not a superuser) grants the models on: scoring works
RESET ROLE;
SET ROLE hinge_owner;
GRANT SELECT ON hinge_model TO hinge_other;
SET ROLE hinge_other;
SELECT hinge_score('m', '{1,1}'::float8[]) IS NOT NULL;
SELECT 'done';
SQL
)
expected=$(printf 'm\nt\n1\nt\ndone')
if [ "$out" != "$expected" ]; then
    echo "trusted: unexpected output:"; echo "$out"
    exit 1
fi
# the database owner can back up their database, models included: pg_dump
# reads with row security off, so hinge_model must not depend on policies
dump=$(pg_dump --role=hinge_owner -d "$db" --data-only --table=hinge_model) ||
    { echo "trusted: the database owner cannot pg_dump hinge_model"; exit 1; }
echo "$dump" | grep -q '^m	' ||
    { echo "trusted: the database owner's dump lacks model m"; exit 1; }
echo "test trusted                     ... ok (a database owner installs, trains, calibrates, grants and dumps; another role cannot touch the models until granted)"
