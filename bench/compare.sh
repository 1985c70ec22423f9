#!/bin/bash
# bench/compare.sh: one benchmark, the same run, two builds of hinge.
#
#   bench/compare.sh [--base REV] [--rounds R] -- bench/score.sh [its arguments]
#
# Builds git revision REV (default main) and the working tree, each in a
# temporary copy, then runs the benchmark R times (default 2) for each build
# in turn (base, head, base, head...), so that the two builds are measured
# one after the other in the same state of the machine, each run against its
# own floor (the benchmarks' ratios are to a scan measured in the same run).  Each build is installed in turn
# inside a private mount namespace over copies of PostgreSQL's library and
# extension directories: the installed hinge is untouched.  Needs root
# (unshare, mount), like scripts/sanitize.sh.  Prints each run's output,
# labelled with its build.
set -euo pipefail

base=main
rounds=2
while [ $# -gt 0 ]; do
    case "$1" in
        --base) base=$2; shift 2 ;;
        --rounds) rounds=$2; shift 2 ;;
        --) shift; break ;;
        *) break ;;
    esac
done
[ $# -ge 1 ] || { echo "usage: bench/compare.sh [--base REV] [--rounds R] -- bench/NAME.sh [args]" >&2; exit 2; }
top=$(cd "$(dirname "$0")/.." && pwd)
pgbin=$(pg_config --bindir)
pkglib=$(pg_config --pkglibdir)
extdir=$(pg_config --sharedir)/extension

if [ "${1:-}" = __inner ]; then
    shift
    dir=$1; shift
    mount --bind "$dir/lib" "$pkglib"
    mount --bind "$dir/ext" "$extdir"
    cat > "$dir/rounds.sh" <<INNER
set -eu
for r in \$(seq 1 $rounds); do
    for build in base head; do
        make -s -C "$dir/\$build" install >/dev/null
        echo "=== \$build (\$(cat "$dir/\$build.rev")), round \$r"
        "$top/$1" ${*:2}
    done
done
INNER
    exec bash "$dir/rounds.sh"
fi

[ "$(id -u)" = 0 ] || { echo "bench/compare.sh: needs root (unshare --mount)" >&2; exit 2; }
dir=$(mktemp -d /tmp/hinge-compare.XXXXXX)
trap 'rm -rf "$dir"' EXIT
chmod 755 "$dir"
git -C "$top" worktree add -f --detach "$dir/base" "$base" >/dev/null 2>&1
git -C "$top" rev-parse --short "$base" > "$dir/base.rev"
cp -a "$top" "$dir/head"
rm -rf "$dir/head/.git"
echo "working tree at $(git -C "$top" rev-parse --short HEAD)$(git -C "$top" diff --quiet || echo '+changes')" > "$dir/head.rev"
for build in base head; do
    make -s -C "$dir/$build" clean >/dev/null 2>&1 || true
    make -s -C "$dir/$build" >/dev/null
done
cp -a "$pkglib" "$dir/lib"
cp -a "$extdir" "$dir/ext"
unshare --mount --propagation private -- "$0" __inner "$dir" "$@"
git -C "$top" worktree remove --force "$dir/base" >/dev/null 2>&1 || true
