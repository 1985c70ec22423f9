#!/bin/sh
# Models survive pg_dump and pg_restore: trains three models (one of another
# owner) in one database,
# dumps it, restores it into another, and checks that the models, and
# scoring by name, are the same there.  Needs a server (PGHOST etc.), as
# inside pg_virtualenv; scripts/test.sh runs it after the regression suite.
set -eu

src=hinge_dump_src
dst=hinge_dump_dst
dump=$(mktemp)
role=hinge_dump_analyst
trap 'rm -f "$dump"; dropdb --if-exists "$src"; dropdb --if-exists "$dst"; psql -X -q -c "DROP ROLE IF EXISTS $role" >/dev/null 2>&1' EXIT

dropdb --if-exists "$src" >/dev/null 2>&1
dropdb --if-exists "$dst" >/dev/null 2>&1
createdb "$src"
createdb "$dst"
psql -X -q -c "DROP ROLE IF EXISTS $role" -c "CREATE ROLE $role" >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -d "$src" <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION hinge;
CREATE TABLE points AS
SELECT i AS id, ARRAY[sin(i), cos(i * 1.3), (i % 7) / 3.0]::float8[] AS x,
       sin(i) + 0.5 * cos(i * 1.3) > 0.2 AS label
FROM generate_series(1, 2000) AS i;
SELECT passes FROM hinge_train('first', 'points', 'x', 'label');
SELECT passes FROM hinge_train('second', 'points', 'x', 'label', lambda => 0.01, loss => 'squared_hinge');
-- a model of another owner keeps its owner
GRANT SELECT ON points TO hinge_dump_analyst;
GRANT SELECT, INSERT, UPDATE, DELETE ON hinge_model TO hinge_dump_analyst;
SET ROLE hinge_dump_analyst;
SELECT passes FROM hinge_train('third', 'points', 'x', 'label', lambda => 0.1);
RESET ROLE;
SQL
pg_dump -Fc -d "$src" -f "$dump"
pg_restore -d "$dst" "$dump"

# each side prints the models and the scores of a few rows by name
show='SELECT name, weights, classes, objective, lower_bound, passes, owner FROM hinge_model ORDER BY name;
      SELECT id, hinge_score($$first$$, x), hinge_predict($$second$$, x) FROM points WHERE id <= 5 ORDER BY id;'
before=$(psql -X -A -t -v ON_ERROR_STOP=1 -d "$src" -c "$show")
after=$(psql -X -A -t -v ON_ERROR_STOP=1 -d "$dst" -c "$show")
if [ "$before" != "$after" ] || [ -z "$after" ]; then
    echo "dump: models differ after pg_dump/pg_restore"
    echo "before:"; echo "$before"
    echo "after:"; echo "$after"
    exit 1
fi
models=$(psql -X -A -t -d "$dst" -c 'SELECT count(*) FROM hinge_model')
[ "$models" = 3 ] || { echo "dump: expected 3 models after restore, found $models"; exit 1; }
owned=$(psql -X -A -t -d "$dst" -c "SELECT count(*) FROM hinge_model WHERE owner = '$role'")
[ "$owned" = 1 ] || { echo "dump: the model of $role lost its owner"; exit 1; }
echo "test dump                        ... ok (3 models, and their owners, survive pg_dump/pg_restore)"
