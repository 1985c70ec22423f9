#!/bin/sh
# Upgrades keep models and end where a fresh install does: a database owner
# who is not a superuser (hinge is trusted) installs the first version of
# hinge, trains binary, multiclass and calibrated models, then runs ALTER
# EXTENSION hinge UPDATE through every upgrade script in turn (as installed:
# hinge--A--B.sql) to the default version, and checks that
#  - the models are the same rows, and score and predict the same, and
#    belong to the extension's owner;
#  - the updated extension's objects, table, triggers and function
#    definitions are exactly those of a fresh CREATE EXTENSION hinge.
# Needs a server (PGHOST etc.), as inside pg_virtualenv; scripts/test.sh runs it.
set -eu

old=hinge_upgrade_old
new=hinge_upgrade_new
role=hinge_upgrade_owner
cleanup() {
    dropdb --if-exists "$old" >/dev/null 2>&1 || true
    dropdb --if-exists "$new" >/dev/null 2>&1 || true
    psql -X -q -c "DROP ROLE IF EXISTS $role" >/dev/null 2>&1 || true
}
trap cleanup EXIT
cleanup
psql -X -q -v ON_ERROR_STOP=1 -c "CREATE ROLE $role"
createdb -O "$role" "$old"
createdb -O "$role" "$new"

# every statement as the database owner
sql() { PGOPTIONS="-c role=$role" psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$@"; }

extdir=$(pg_config --sharedir)/extension
first=
# the first version is the one with a full install script and no predecessor
for f in "$extdir"/hinge--*.sql; do
    v=$(basename "$f" .sql | sed 's/^hinge--//')
    case "$v" in *--*) ;; *) ls "$extdir"/hinge--*--"$v".sql >/dev/null 2>&1 || first=$v ;; esac
done
[ -n "$first" ] || { echo "upgrade: no first version in $extdir"; exit 1; }
target=$(sed -n "s/^default_version = '\(.*\)'/\1/p" "$extdir/hinge.control")

sql "$old" <<SQL
SET client_min_messages = warning;
CREATE EXTENSION hinge VERSION '$first';
CREATE TABLE points AS
SELECT i AS id, ARRAY[sin(i), cos(i * 1.3), (i % 7) / 3.0]::float8[] AS x,
       sin(i) + 0.5 * cos(i * 1.3) > 0.2 AS label, 1 + (i % 3) AS kind
FROM generate_series(1, 1000) AS i;
SELECT count(*) FROM hinge_train('binary', 'points', 'x', 'label');
SELECT count(*) FROM hinge_calibrate('binary', 'points', 'x', 'label');
SELECT count(*) FROM hinge_train('multi', 'points', 'x', 'kind', lambda => 0.01);
SQL

# the model rows' columns of the first version, and what scoring gives
columns=$(sql "$old" -c "SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum)
                         FROM pg_attribute WHERE attrelid = 'hinge_model'::regclass
                          AND attnum > 0 AND NOT attisdropped")
show="SELECT $columns FROM hinge_model ORDER BY name;
      SELECT id, hinge_score('binary', x), hinge_probability('binary', x), hinge_predict('multi', x),
             hinge_scores('multi', x) FROM points WHERE id % 97 = 0 ORDER BY id;"
before=$(sql "$old" -c "$show")

# through every upgrade script, one step at a time
version=$first
steps=0
while [ "$version" != "$target" ]; do
    script=$(ls "$extdir"/hinge--"$version"--*.sql 2>/dev/null | head -n 1)
    [ -n "$script" ] || { echo "upgrade: no script from version $version to $target"; exit 1; }
    next=$(basename "$script" .sql | sed "s/^hinge--$version--//")
    sql "$old" -c "ALTER EXTENSION hinge UPDATE TO '$next'"
    version=$next
    steps=$((steps + 1))
done
[ "$(sql "$old" -c "SELECT extversion FROM pg_extension WHERE extname = 'hinge'")" = "$target" ] ||
    { echo "upgrade: not at version $target"; exit 1; }

after=$(sql "$old" -c "$show")
if [ "$before" != "$after" ] || [ -z "$after" ]; then
    echo "upgrade: models or their scores changed by ALTER EXTENSION UPDATE"
    echo "before:"; echo "$before"
    echo "after:"; echo "$after"
    exit 1
fi

# models trained before owners existed belong to the extension's owner
owned=$(sql "$old" -c "SELECT count(*) FROM hinge_model m, pg_extension e
                       WHERE e.extname = 'hinge' AND m.owner = e.extowner::regrole::name")
[ "$owned" = 2 ] || { echo "upgrade: expected 2 models owned by the extension's owner, found $owned"; exit 1; }

# the updated models can still be retrained, calibrated and scored
sql "$old" -c "SELECT count(*) FROM hinge_train('binary', 'points', 'x', 'label', lambda => 0.01)" \
    -c "SELECT count(*) FROM hinge_calibrate('binary', 'points', 'x', 'label')" \
    -c "SELECT count(*) FROM points WHERE hinge_probability('binary', x) > 0" >/dev/null

# an updated extension is a fresh one: same members, definitions, table.
# (While versions chain from hinge--1.0.sql, as contrib modules do, a fresh
# install runs the same scripts; this guards the day a full script for a
# later version is added.)
sql "$new" -c "SET client_min_messages = warning" -c "CREATE EXTENSION hinge"
catalog="
SELECT pg_describe_object(classid, objid, objsubid) FROM pg_depend
WHERE refobjid = (SELECT oid FROM pg_extension WHERE extname = 'hinge') AND deptype = 'e'
ORDER BY 1;
SELECT p.oid::regprocedure, p.prokind, p.provolatile, p.proparallel, p.proisstrict,
       p.prosecdef, p.proconfig, p.prosrc, p.probin, obj_description(p.oid, 'pg_proc')
FROM pg_proc p JOIN pg_depend d ON d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'hinge'
ORDER BY p.oid::regprocedure::text;
SELECT a.aggfnoid::regprocedure, a.aggtransfn, a.aggcombinefn, a.aggfinalfn, a.aggtranstype::regtype,
       a.agginitval FROM pg_aggregate a JOIN pg_depend d ON d.objid = a.aggfnoid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'hinge' ORDER BY a.aggfnoid::regprocedure::text;
SELECT attname, format_type(atttypid, atttypmod), attnotnull, pg_get_expr(adbin, adrelid),
       col_description(attrelid, attnum)
FROM pg_attribute LEFT JOIN pg_attrdef ON adrelid = attrelid AND adnum = attnum
WHERE attrelid = 'hinge_model'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attname;
SELECT relrowsecurity, relforcerowsecurity, relacl, obj_description(oid, 'pg_class')
FROM pg_class WHERE oid = 'hinge_model'::regclass;
SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
WHERE conrelid = 'hinge_model'::regclass ORDER BY 1;
SELECT policyname, permissive, roles, cmd, qual, with_check FROM pg_policies
WHERE tablename = 'hinge_model' ORDER BY 1;
SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger
WHERE tgrelid = 'hinge_model'::regclass ORDER BY 1;
SELECT extconfig::regclass[], extcondition FROM pg_extension WHERE extname = 'hinge';"
updated=$(sql "$old" -c "$catalog")
fresh=$(sql "$new" -c "$catalog")
if [ "$updated" != "$fresh" ]; then
    echo "upgrade: the updated extension differs from a fresh install of $target"
    diff -u -L fresh -L updated /dev/fd/3 /dev/fd/4 3<<EOF3 4<<EOF4 || true
$fresh
EOF3
$updated
EOF4
    exit 1
fi
members=$(sql "$new" -c "SELECT count(*) FROM pg_depend WHERE deptype = 'e'
                         AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'hinge')")
echo "test upgrade                     ... ok ($first to $target in $steps step(s): 2 models kept, $members objects as a fresh install)"
