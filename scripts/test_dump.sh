#!/bin/sh
# Models, their owners and the privileges on hinge_model survive pg_dump and
# pg_restore, whoever restores: a database owner who is not a superuser
# installs hinge (it is trusted), trains two models, lets an analyst score
# and train (who trains a third, which is the analyst's), and dumps the
# database.  The dump is restored twice: by a superuser into a database of
# the same owner, and by the owner itself.  In both, the models are the
# same rows and score the same, the owner and the analyst keep their
# rights, and the analyst's model keeps its owner.  Needs a server (PGHOST
# etc.), as inside pg_virtualenv; scripts/test.sh runs it.
set -eu

src=hinge_dump_src
by_super=hinge_dump_by_superuser
by_owner=hinge_dump_by_owner
owner=hinge_dump_owner
analyst=hinge_dump_analyst
dump=$(mktemp)
cleanup() {
    rm -f "$dump"
    for db in "$src" "$by_super" "$by_owner"; do dropdb --if-exists "$db" >/dev/null 2>&1 || true; done
    psql -X -q -c "DROP ROLE IF EXISTS $analyst" -c "DROP ROLE IF EXISTS $owner" >/dev/null 2>&1 || true
}
trap cleanup EXIT
cleanup
psql -X -q -v ON_ERROR_STOP=1 -c "CREATE ROLE $owner LOGIN" -c "CREATE ROLE $analyst LOGIN" >/dev/null
for db in "$src" "$by_super" "$by_owner"; do createdb -O "$owner" "$db"; done

as() { role=$1; shift; PGOPTIONS="-c role=$role" psql -X -q -A -t -v ON_ERROR_STOP=1 "$@"; }

as "$owner" -d "$src" <<SQL >/dev/null
SET client_min_messages = warning;
CREATE EXTENSION hinge;
CREATE TABLE points AS
SELECT i AS id, ARRAY[sin(i), cos(i * 1.3), (i % 7) / 3.0]::float8[] AS x,
       sin(i) + 0.5 * cos(i * 1.3) > 0.2 AS label
FROM generate_series(1, 2000) AS i;
SELECT passes FROM hinge_train('first', 'points', 'x', 'label');
SELECT passes FROM hinge_train('second', 'points', 'x', 'label', lambda => 0.01, loss => 'squared_hinge');
-- a model with an encoding: numbers scaled and imputed, a category, text
CREATE TABLE shops AS
SELECT i AS id, CASE WHEN i % 9 <> 0 THEN i % 37 END AS n, (ARRAY['a', 'b', 'c'])[1 + i % 3] AS k,
       to_tsvector('simple', (ARRAY['red fox', 'blue fox', 'red hen'])[1 + i % 3] || ' ' || (i % 5)) AS t,
       (i % 3 = 0) <> (i % 37 > 20) AS label
FROM generate_series(1, 600) AS i;
SELECT passes FROM hinge_train('encoded', 'shops', ARRAY['n', 'k', 't'], 'label',
                               scale => 'standard', impute => 'mean');
-- the database owner shares: a grant of a role that is not a superuser
GRANT SELECT ON points TO $analyst;
GRANT SELECT, INSERT, UPDATE, DELETE ON hinge_model TO $analyst;
SET ROLE $analyst;
SELECT passes FROM hinge_train('third', 'points', 'x', 'label', lambda => 0.1);
SQL
pg_dump -Fc -d "$src" -f "$dump"

# a superuser restores into a database of the same owner; the owner restores
# into its own (pg_restore --role: connected as a superuser, restoring as the
# owner)
pg_restore -d "$by_super" "$dump"
pg_restore --role="$owner" -d "$by_owner" "$dump"

# each side prints the models and the scores of a few rows by name
show='SELECT name, weights, classes, objective, lower_bound, passes, owner, encoding FROM hinge_model ORDER BY name;
      SELECT id, hinge_score($$first$$, x), hinge_predict($$second$$, x) FROM points WHERE id <= 5 ORDER BY id;
      SELECT id, hinge_score($$encoded$$, s) FROM shops AS s WHERE id <= 10 ORDER BY id;'
before=$(as "$owner" -d "$src" -c "$show")
for db in "$by_super" "$by_owner"; do
    after=$(as "$owner" -d "$db" -c "$show") ||
        { echo "dump: the database owner cannot read the models restored into $db"; exit 1; }
    if [ "$before" != "$after" ] || [ -z "$after" ]; then
        echo "dump: models differ after pg_dump/pg_restore into $db"
        echo "before:"; echo "$before"
        echo "after:"; echo "$after"
        exit 1
    fi
    # the analyst still scores, and still owns and may retrain its model
    as "$analyst" -d "$db" -c "SELECT hinge_score('first', '{1,1,1}'::float8[])" >/dev/null ||
        { echo "dump: the analyst lost SELECT on hinge_model in $db"; exit 1; }
    owned=$(as "$owner" -d "$db" -c "SELECT count(*) FROM hinge_model WHERE owner = '$analyst'")
    [ "$owned" = 1 ] || { echo "dump: the analyst's model lost its owner in $db"; exit 1; }
    as "$analyst" -d "$db" -c "SET client_min_messages = warning" \
        -c "SELECT passes > 0 FROM hinge_train('third', 'points', 'x', 'label', lambda => 0.5)" >/dev/null ||
        { echo "dump: the analyst cannot retrain its own model in $db"; exit 1; }
    # the owner still trains, and may grant on
    as "$owner" -d "$db" -c "SET client_min_messages = warning" \
        -c "SELECT passes > 0 FROM hinge_train('fourth', 'points', 'x', 'label')" \
        -c "GRANT SELECT ON hinge_model TO PUBLIC" >/dev/null 2>&1 ||
        { echo "dump: the database owner lost its rights on hinge_model in $db"; exit 1; }
done
echo "test dump                        ... ok (4 models (one encoded: scaled, imputed, categorical and text), their owners and the grants on hinge_model survive pg_dump/pg_restore by a superuser and by the database owner)"
