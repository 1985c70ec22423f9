#!/bin/bash
# The two other ways to install hinge, tested for real on Debian's
# PostgreSQL 15, each into a PostgreSQL without any other hinge:
#
#  test package: builds the Debian package postgresql-15-hinge
#    (dpkg-buildpackage -us -uc -b, which also runs the regression suite
#    at build time through pg_buildext) in a copy of the tree, installs it
#    with apt-get, checks that it owns every hinge file in the library and
#    extension directories and ships every install and upgrade script of the
#    tree, runs the regression suite against it (make installcheck in a
#    clean copy of the tree, which must build nothing), and purges it.
#  test pgxn: checks META.json (scripts/check_meta.py), makes the release
#    archive (make dist), installs it with the PGXN client
#    (pgxn install ./hinge-<version>.zip), creates the extension in a
#    throwaway cluster and checks a value (hinge_loss(1, 0.3) = 0.7) and the
#    version, then uninstalls it (pgxn uninstall).
#
# The package is built first, while hinge is still installed.  Then the
# hinge files that are installed now (by make install: as .ci/run leaves
# them after scripts/test.sh) are saved and removed, `make uninstall` first,
# so that each test runs in a PostgreSQL without any other hinge; at the
# end, pass or fail, they are put back as they were.  Runs as root (apt-get,
# and writing into PostgreSQL's directories); installs what it needs with
# apt-get (debhelper, postgresql-all, pgxnclient).  The checkout is left as
# it was, except that `make dist`'s archive is moved out of it.  About a
# minute; KEEP=1 keeps the work directory (/tmp/hinge-pkg.*: the .deb, the
# archive, the logs).
#
# Exit status: 0 both passed; 1 one failed; 2 cannot run here.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

if [ "$(id -u)" != 0 ]; then
    echo "test_package: needs root (apt-get install, and PostgreSQL's directories)" >&2
    exit 2
fi
if dpkg-query -W -f='${Status}' postgresql-15-hinge 2>/dev/null | grep -q 'ok installed'; then
    echo "test_package: postgresql-15-hinge is installed; remove it first (apt-get purge postgresql-15-hinge)" >&2
    exit 2
fi

wanted="postgresql-15 postgresql-server-dev-15 postgresql-all debhelper dpkg-dev make gcc git pgxnclient python3"
missing=
for pkg in $wanted; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' ||
        missing="$missing $pkg"
done
if [ -n "$missing" ]; then
    echo "test_package: installing$missing"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o Dpkg::Options::=--force-confdef \
        -o Dpkg::Options::=--force-confold $missing >/dev/null
fi

t0=$(date +%s)
pg_config=/usr/lib/postgresql/15/bin/pg_config
pkglib=$("$pg_config" --pkglibdir)
extdir=$("$pg_config" --sharedir)/extension
work=$(mktemp -d /tmp/hinge-pkg.XXXXXX)
# the server (user postgres) loads the package's files from the build tree
# at build time
chmod 755 "$work"
package=postgresql-15-hinge

# every hinge file in PostgreSQL's library and extension directories
hinge_files() {
    find "$pkglib" "$extdir" \( -path "$pkglib/hinge*" -o -path "$pkglib/bitcode/hinge*" \
        -o -path "$extdir/hinge.control" -o -path "$extdir/hinge--*.sql" \) -not -type d | sort
}
# the tree as it is now (tracked and new files), without build products
copy_tree() {
    mkdir -p "$1"
    git -C "$repo" ls-files -z -c -o --exclude-standard |
        (cd "$repo" && xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh) |
        tar -C "$repo" --null -T - -cf - | tar -C "$1" -xf -
}

# at the end, pass or fail: no package, and the hinge files that were
# installed at the start (once saved) back in place
restore() {
    status=$?
    set +e
    if [ -f "$work/saved.list" ]; then
        if dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'ok installed'; then
            DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq "$package" >/dev/null 2>&1
        fi
        hinge_files | while read -r f; do rm -f "$f"; done
        rmdir "$pkglib/bitcode/hinge/src" "$pkglib/bitcode/hinge" 2>/dev/null
        if [ -s "$work/saved.list" ]; then
            tar -xf "$work/saved.tar" -P
        fi
        if [ "$(hinge_files)" != "$(cat "$work/saved.list")" ]; then
            echo "test_package: could not put the installed hinge back (saved in $work)"
            status=1
        fi
    fi
    if [ "${KEEP:-0}" = 1 ] || [ "$status" -ne 0 ]; then
        echo "test_package: kept $work"
    else
        rm -rf "$work"
    fi
    exit "$status"
}
trap restore EXIT

package_ok=1
fail() { echo "test_package: $*"; package_ok=0; }

# -- the Debian package ---------------------------------------------------
# built first, while hinge is still installed, so that hinge is missing
# only briefly for anyone else using this PostgreSQL (the build-time tests
# load the files being packaged: pg_virtualenv -p sets extension_destdir)
t1=$(date +%s)
debversion=$(dpkg-parsechangelog -l "$repo/debian/changelog" -S Version)
src="$work/hinge-${debversion%-*}"
copy_tree "$src"
if ! (cd "$src" && dpkg-buildpackage -us -uc -b) >"$work/build.log" 2>&1; then
    tail -n 60 "$work/build.log"
    fail "dpkg-buildpackage failed (log: $work/build.log)"
fi
build_time=$(( $(date +%s) - t1 ))
deb="$work/${package}_${debversion}_$(dpkg --print-architecture).deb"
if [ "$package_ok" = 1 ] && [ ! -f "$deb" ]; then
    ls "$work"
    fail "dpkg-buildpackage made no $(basename "$deb")"
fi

# save what make install put there (put back by restore)
if [ -n "$(hinge_files)" ]; then
    hinge_files >"$work/saved.list.new"
    tar -cf "$work/saved.tar" -P -T "$work/saved.list.new"
    mv "$work/saved.list.new" "$work/saved.list"
else
    : >"$work/saved.list"
fi

# a PostgreSQL without hinge: make uninstall, then whatever else is left
# (files of an earlier build that this tree does not install)
make -s uninstall PG_CONFIG="$pg_config" >/dev/null 2>&1 || true
left=$(hinge_files)
if [ -n "$left" ]; then
    echo "test_package: removing hinge files that make uninstall left (saved, put back at the end):"
    echo "$left" | sed 's/^/  /'
    echo "$left" | while read -r f; do rm -f "$f"; done
fi
rmdir "$pkglib/bitcode/hinge/src" "$pkglib/bitcode/hinge" 2>/dev/null || true

if [ "$package_ok" = 1 ]; then
    grep -q 'All [0-9]* tests passed' "$work/build.log" ||
        fail "the build-time regression run (pg_buildext installcheck) did not pass"
    if ! (cd "$work" && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "./$(basename "$deb")") >"$work/apt.log" 2>&1; then
        cat "$work/apt.log"
        fail "apt-get install ./$(basename "$deb") failed"
    fi
fi
if [ "$package_ok" = 1 ]; then
    # the package owns every hinge file there is ...
    for f in $(hinge_files); do
        owner=$(dpkg -S "$f" 2>/dev/null | cut -d: -f1) || true
        [ "$owner" = "$package" ] || fail "$f is not the package's (owner: ${owner:-none})"
    done
    # ... and ships the library, the control file and every script of the tree
    for f in "$pkglib/hinge.so" "$extdir/hinge.control" $(cd "$repo" && ls hinge--*.sql | sed "s|^|$extdir/|"); do
        [ -f "$f" ] || fail "the package does not install $f"
    done
    nfiles=$(hinge_files | wc -l)
    # the regression suite against the installed package, from a clean copy
    # of the tree: installcheck must use the installed files, not build
    copy_tree "$work/check"
    if ! (cd "$work/check" && pg_virtualenv -t -v 15 make -s installcheck PG_CONFIG="$pg_config") >"$work/check.log" 2>&1; then
        cat "$work/check.log"
        [ -f "$work/check/regression.diffs" ] && cat "$work/check/regression.diffs"
        fail "make installcheck against the package failed"
    fi
    built=$(cd "$work/check" && find . -name '*.o' -o -name '*.so' -o -name '*.bc' | head -3)
    [ -z "$built" ] && grep -q 'All [0-9]* tests passed' "$work/check.log" ||
        fail "installcheck did not run against the installed files (built: ${built:-nothing})"
    ntests=$(grep -c '^\(test\| \) *[a-z_]* *\.\.\. ok' "$work/check.log" || true)
    if ! DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq "$package" >"$work/purge.log" 2>&1; then
        cat "$work/purge.log"
        fail "apt-get purge $package failed"
    fi
    left=$(hinge_files)
    [ -z "$left" ] || fail "files left after purging the package: $left"
fi
if [ "$package_ok" = 1 ]; then
    echo "test package                     ... ok ($package $debversion: built and tested in ${build_time}s, owns all $nfiles hinge files, $ntests regression tests passed against it)"
else
    echo "test package                     ... FAILED"
fi

# -- PGXN ---------------------------------------------------------------------
pgxn_ok=1
fail() { echo "test_package: $*"; pgxn_ok=0; }
t1=$(date +%s)
if ! /usr/bin/python3 scripts/check_meta.py >"$work/meta.log" 2>&1; then
    cat "$work/meta.log"
    fail "META.json is not valid"
fi
dist=
if [ -n "$(git -C "$repo" status --porcelain --untracked-files=no)" ]; then
    echo "test_package: note: make dist archives the last commit, without the uncommitted changes"
fi
if [ "$pgxn_ok" = 1 ]; then
    if make -s dist PG_CONFIG="$pg_config" >"$work/dist.log" 2>&1; then
        dist=$(ls -t "$repo"/hinge-*.zip | head -1)
        mv "$dist" "$work/"
        dist="$work/$(basename "$dist")"
    else
        cat "$work/dist.log"
        fail "make dist failed"
    fi
fi
if [ -n "$dist" ]; then
    # the archive: one top directory hinge-<version>/, META.json, no build products
    top=$(basename "$dist" .zip)
    /usr/bin/python3 - "$dist" "$top" <<'EOF' || fail "$(basename "$dist") is not a clean release archive"
import sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
top = sys.argv[2] + "/"
bad = [n for n in names if not n.startswith(top)
       or n.endswith((".o", ".so", ".bc", ".zip", ".deb"))]
for must in ("META.json", "Makefile", "hinge.control", "README.md"):
    if top + must not in names:
        bad.append("missing " + must)
if bad:
    print("\n".join(bad))
    sys.exit(1)
EOF
    if ! (cd "$work" && pgxn install --yes --pg_config "$pg_config" "./$(basename "$dist")") >"$work/pgxn.log" 2>&1; then
        cat "$work/pgxn.log"
        fail "pgxn install ./$(basename "$dist") failed"
    fi
fi
if [ "$pgxn_ok" = 1 ]; then
    [ -f "$pkglib/hinge.so" ] && [ -f "$extdir/hinge.control" ] ||
        fail "pgxn install put no hinge.so or hinge.control in place"
    want=$(git -C "$repo" show HEAD:hinge.control | sed -n "s/^default_version *= *'\(.*\)'.*/\1/p")
    pg_virtualenv -t -v 15 psql -X -A -t -q -v ON_ERROR_STOP=1 -o "$work/smoke.out" \
        -c 'CREATE EXTENSION hinge' \
        -c "SELECT hinge_loss(1, 0.3) = 0.7 AND hinge_loss(-1, 0.3) = 1.3, extversion FROM pg_extension WHERE extname = 'hinge'" \
        >"$work/smoke.log" 2>&1 || true
    got=$(cat "$work/smoke.out" 2>/dev/null || true)
    [ "$got" = "t|$want" ] || { cat "$work/smoke.log"; fail "CREATE EXTENSION hinge and the smoke query gave '$got', not 't|$want'"; }
    if ! (cd "$work" && pgxn uninstall --yes --pg_config "$pg_config" "./$(basename "$dist")") >>"$work/pgxn.log" 2>&1; then
        tail -n 20 "$work/pgxn.log"
        fail "pgxn uninstall failed"
    fi
    left=$(hinge_files)
    [ -z "$left" ] || fail "files left after pgxn uninstall: $left"
fi
if [ "$pgxn_ok" = 1 ]; then
    echo "test pgxn                        ... ok ($(basename "$dist"): META.json valid, pgxn install, CREATE EXTENSION hinge $want, hinge_loss(1, 0.3) = 0.7, pgxn uninstall; $(( $(date +%s) - t1 ))s)"
else
    echo "test pgxn                        ... FAILED"
fi

echo "test_package: $(( $(date +%s) - t0 ))s in all"
echo "packages: $((package_ok + pgxn_ok)) passed, $((2 - package_ok - pgxn_ok)) failed"
[ "$package_ok" = 1 ] && [ "$pgxn_ok" = 1 ]
