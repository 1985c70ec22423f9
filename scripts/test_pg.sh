#!/bin/bash
# Builds hinge for one PostgreSQL installation, installs it there and runs
# the regression suite against it in a throwaway cluster of that version:
#
#   scripts/test_pg.sh                                    # pg_config on PATH
#   scripts/test_pg.sh /usr/lib/postgresql/15/bin/pg_config
#   scripts/test_pg.sh /opt/pg/17/bin/pg_config           # built from source
#
# Steps: the tree as it is now (tracked and new files, no build products) is
# copied to a temporary directory and built there with
# `make PG_CONFIG=<pg_config>` (PG_CFLAGS from the environment, as in CI),
# so the checkout stays clean; `make install` puts it into that
# installation (replacing any hinge there; through sudo when its directories
# are not writable); that installation's initdb makes a cluster in the
# temporary directory, which its postgres starts (as user postgres when run
# as root) on a free port, listening on a socket in that directory only;
# `make installcheck` (that installation's pg_regress and psql) runs the
# suite with PGHOST, PGPORT and PGUSER pointing at it.  Prints pg_regress's
# summary, and regression.diffs when a test fails; then stops the server and
# removes the directory (KEEP=1 keeps it).
#
# Exit status: 0 the suite passed; 1 the build, the install or a test
# failed; 2 cannot run (no such pg_config, no initdb).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

pg_config=${1:-$(command -v pg_config || true)}
if [ -z "$pg_config" ] || [ ! -x "$pg_config" ]; then
    echo "test_pg: no pg_config ${1:-on PATH}" >&2
    exit 2
fi
pg_config=$(cd "$(dirname "$pg_config")" && pwd)/$(basename "$pg_config")
version=$("$pg_config" --version)
bindir=$("$pg_config" --bindir)
for prog in initdb pg_ctl postgres pg_isready psql; do
    if [ ! -x "$bindir/$prog" ]; then
        echo "test_pg: $version at $bindir has no $prog" >&2
        exit 2
    fi
done
echo "test_pg: $version ($pg_config)"

# the server refuses to run as root: as root, it runs as postgres
if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || { echo "test_pg: running as root, and there is no user postgres to run the server" >&2; exit 2; }
    as_server() { runuser -u postgres -- "$@"; }
    server_user=postgres
else
    as_server() { "$@"; }
    server_user=$(id -un)
fi

dir=$(mktemp -d /tmp/hinge-pg.XXXXXX)
chmod 755 "$dir"
mkdir "$dir/cluster"
chown "$server_user" "$dir/cluster"
cleanup() {
    status=$?
    if [ -f "$dir/cluster/data/postmaster.pid" ]; then
        as_server "$bindir/pg_ctl" -D "$dir/cluster/data" -m fast -w -t 60 stop >/dev/null 2>&1 || true
    fi
    if [ "${KEEP:-0}" = 1 ]; then
        echo "test_pg: kept $dir"
    else
        rm -rf "$dir"
    fi
    exit "$status"
}
trap cleanup EXIT

# -- build and install, from a copy of the tree ---------------------------------
mkdir "$dir/src"
git -C "$repo" ls-files -z -c -o --exclude-standard |
    (cd "$repo" && xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh) |
    tar -C "$repo" --null -T - -cf - | tar -C "$dir/src" -xf -
if ! make -C "$dir/src" -s -j"$(nproc)" PG_CONFIG="$pg_config" >"$dir/build.log" 2>&1; then
    cat "$dir/build.log"
    echo "test_pg: the build failed against $version"
    exit 1
fi
grep -E 'warning|error' "$dir/build.log" | sed 's/^/  /' || true
SUDO=
if [ ! -w "$("$pg_config" --pkglibdir)" ] || [ ! -w "$("$pg_config" --sharedir)" ]; then
    SUDO=sudo
fi
if ! $SUDO make -C "$dir/src" -s install PG_CONFIG="$pg_config" >"$dir/install.log" 2>&1; then
    cat "$dir/install.log"
    echo "test_pg: make install failed"
    exit 1
fi
echo "test_pg: built and installed into $("$pg_config" --pkglibdir)"

# -- a throwaway cluster --------------------------------------------------------
# a port that nothing listens on (the server listens on the socket in $dir
# only, so the port matters for the socket's name alone)
port=$(( 55000 + RANDOM % 5000 ))
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || [ -e "/tmp/.s.PGSQL.$port" ] ||
      [ -e "/var/run/postgresql/.s.PGSQL.$port" ]; do
    port=$((port + 1))
done
sock="$dir/cluster"
if ! as_server "$bindir/initdb" -D "$dir/cluster/data" -U postgres --auth=trust --no-sync \
        -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1; then
    cat "$dir/initdb.log"
    echo "test_pg: initdb failed"
    exit 1
fi
cat >>"$dir/cluster/data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$sock'
port = $port
fsync = off
CONF
if ! as_server "$bindir/pg_ctl" -D "$dir/cluster/data" -l "$dir/cluster/server.log" -w -t 60 start >/dev/null; then
    tail -n 30 "$dir/cluster/server.log"
    echo "test_pg: the server did not start"
    exit 1
fi
echo "test_pg: cluster on port $port (socket in $sock)"

# -- the regression suite ---------------------------------------------------------
status=0
PGHOST=$sock PGPORT=$port PGUSER=postgres \
    make -C "$dir/src" -s installcheck PG_CONFIG="$pg_config" >"$dir/installcheck.log" 2>&1 || status=1
# pg_regress's lines: "test x ... ok" and "All N tests passed" up to 15,
# "ok 1 - x" and "# All N tests passed." (TAP) from 16 on; and the
# Makefile's notes ("hinge: isolation tests left out ...", on 13)
grep -E '^(test |ok |not ok |# |hinge: )|tests (passed|failed)' "$dir/installcheck.log" || cat "$dir/installcheck.log"
if [ "$status" -ne 0 ]; then
    if [ -f "$dir/src/regression.diffs" ]; then
        echo "== regression.diffs"
        cat "$dir/src/regression.diffs"
    fi
    echo "test_pg: FAILED against $version"
    exit 1
fi
echo "test_pg: passed against $version"
