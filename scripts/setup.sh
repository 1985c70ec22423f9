#!/bin/sh
# Installs what hinge needs on Debian 12 (PostgreSQL 15 and its build files),
# then builds and installs the extension.  Runs as root or through sudo.
# Extra packages to install may be passed as arguments.
set -eu
cd "$(dirname "$0")/.."

if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi

wanted="postgresql-15 postgresql-server-dev-15 postgresql-common make gcc $*"
missing=
for pkg in $wanted; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' ||
        missing="$missing $pkg"
done
if [ -n "$missing" ]; then
    echo "setup: installing$missing"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
fi

make -s PG_CFLAGS="${PG_CFLAGS:-}"
$SUDO make -s install >/dev/null
echo "setup: hinge built and installed into $(pg_config --pkglibdir)"
