#!/bin/sh
# hinge called from applications, through the drivers people use: psycopg2
# and psycopg 3 (Debian's python3-psycopg2 and python3-psycopg, which
# scripts/test.sh installs) and node-postgres 8 (installed here from the npm
# registry into a temporary directory; scripts/test.sh installs Debian's
# nodejs and npm when there is no node).  In a database of its own, with README.md's `messages` table
# and a multiclass one, it runs README.md's three client snippets as they
# are written there, then every call of issue 19's table through each
# driver, checking values (scripts/test_clients.py and
# scripts/test_clients.js say how).  Prints one line, 'test clients ... ok'.
# Needs a server (PGHOST etc.), as inside pg_virtualenv; scripts/test.sh
# runs it.
set -eu
cd "$(dirname "$0")/.."

db=hinge_clients
tmp=$(mktemp -d)
done=
cleanup() {
    dropdb --if-exists "$db" >/dev/null 2>&1 || true
    rm -rf "$tmp"
    [ -n "$done" ] || echo "test clients                     ... FAILED"
}
trap cleanup EXIT

for tool in node npm; do
    command -v "$tool" >/dev/null ||
        { echo "clients: no $tool (scripts/test.sh installs Debian's nodejs and npm)"; exit 1; }
done

# README.md's snippets and its messages table, as written there
/usr/bin/python3 scripts/test_clients.py --extract README.md "$tmp"

# node-postgres 8, beside the snippet that requires it
if ! (cd "$tmp" && npm install --no-audit --no-fund --loglevel=error pg@8) >"$tmp/npm.log" 2>&1; then
    cat "$tmp/npm.log"
    echo "clients: npm install pg@8 failed"
    exit 1
fi

dropdb --if-exists "$db" >/dev/null 2>&1
createdb "$db"
{
    echo "SET client_min_messages = warning;"
    echo "CREATE EXTENSION hinge;"
    cat "$tmp/messages.sql"
    cat <<'SQL'
CREATE TABLE kinds AS
SELECT i AS id, ARRAY[sin(i), cos(3 * i), (i % 10) / 10.0] AS features,
       CASE WHEN sin(i) > 0.3 THEN 'a' WHEN cos(3 * i) > 0 THEN 'b' ELSE 'c' END AS kind
FROM generate_series(1, 300) AS i;
SQL
} | psql -X -q -v ON_ERROR_STOP=1 -d "$db" >/dev/null

export PGDATABASE="$db"
p2=$(/usr/bin/python3 scripts/test_clients.py --check psycopg2 "$tmp") || { echo "$p2"; exit 1; }
p3=$(/usr/bin/python3 scripts/test_clients.py --check psycopg "$tmp") || { echo "$p3"; exit 1; }
node=$(NODE_PATH="$tmp/node_modules" node scripts/test_clients.js "$tmp/node-postgres.js") || { echo "$node"; exit 1; }
done=1
echo "test clients                     ... ok ($(echo "$p2" | tail -n 1); $(echo "$p3" | tail -n 1); $(echo "$node" | tail -n 1); README.md's 3 snippets run as written)"
