#!/bin/bash
# Builds hinge with AddressSanitizer and UndefinedBehaviorSanitizer, runs the
# whole regression suite (make installcheck, every test in REGRESS) and a short
# fuzz run (scripts/fuzz.py --calls 2000 --seed 1) against a throwaway
# PostgreSQL 15 cluster that loads the sanitized build, then lists every
# sanitizer report and which of them have a hinge frame (src/*.c or hinge.so)
# in one of their stacks.
#
#   scripts/sanitize.sh                      # as root; about 1.5 minutes
#   FUZZ_CALLS=0 scripts/sanitize.sh         # the regression suite only
#   KEEP=1 scripts/sanitize.sh               # keep the work directory
#
# Exit status: 0 clean; 1 a sanitizer report with a hinge frame; 3 no such
# report, but a regression test or the fuzzer failed; 2 cannot run.
# Reports from PostgreSQL alone are listed but do not change the status.
#
# It leaves the checkout and the installed hinge alone (others use them):
# the working tree (tracked and new, unignored files, as they are now) is
# copied to /tmp/hinge-san.XXXXXX, built there with
# -fsanitize=address,undefined,float-cast-overflow -fno-sanitize-recover=all,
# and installed with DESTDIR into that directory.  The server sees that build
# only inside a private mount namespace (unshare --mount): copies of the
# library and extension directories, holding this build's hinge.so,
# hinge.control and hinge--*.sql, are bind-mounted over the installed ones.
# The mounts go away with the namespace.  Hence root.
#
# Only the server runs with LD_PRELOAD=libasan.so: PostgreSQL is not built
# with ASan, and the ASan runtime must be the first library in the process
# to intercept malloc and free; psql, pg_regress and initdb run without it.
# A chain of small libraries, preloaded after it, makes ASan initialise
# before any other library's constructor (see below why).  The script
# checks, before and after the tests, that a backend maps libasan and this
# build's hinge.so.
# The postmaster is started here with initdb + postgres as user postgres
# (not pg_virtualenv/pg_ctlcluster), so that its environment is exactly ours.
# ASan writes each process's report to san/asan.<pid>; UBSan (a runtime of
# its own, which ignores log_path) writes to stderr, the server log.  The
# first report ends the process (abort_on_error, -fno-sanitize-recover), so a
# backend with a report shows up as a crash in the server log, in its test
# and in the fuzzer.  The sanitizers read their options from
# /proc/self/environ, which the postmaster overwrites with its process title:
# ASan starts in the postmaster and reads ASAN_OPTIONS, but UBSan starts in a
# backend, with hinge.so, and gets its options from __ubsan_default_options()
# in a preloaded library instead of UBSAN_OPTIONS.  Leak checking is off:
# PostgreSQL frees by memory context, and at exit not at all.
#
# Limits: only hinge's code is instrumented.  palloc hands out pieces of
# large malloc'd blocks, so ASan sees overruns of a palloc'd chunk only when
# they leave the block, and no use after pfree; it does see hinge's stack and
# global buffers, malloc'd memory, and frees of bad pointers.  UBSan's own
# checks (object-size, bounds) often catch an overrun first.  UBSan reports
# give file:line but no stack (its runtime, started in a backend, prints
# none).  PostgreSQL's CFLAGS include
# -fwrapv, so signed integer overflow is defined and UBSan does not report
# it; it does report shifts, misaligned or null accesses, out-of-bounds
# indexes of fixed-size arrays, unreachable code, and float-to-integer
# conversions of NaN or out-of-range values.  Output is the usual (parallel
# workers run), so tests should pass as without sanitizers.
set -eu

pgbin=/usr/lib/postgresql/15/bin
pg_config=$pgbin/pg_config
[ -x "$pg_config" ] || pg_config=pg_config

if [ "${1:-}" = __inner ]; then
    # ---- inside the private mount namespace --------------------------------
    dir=$2
    pkglib=$("$pg_config" --pkglibdir)
    extdir=$("$pg_config" --sharedir)/extension

    # unshare made every mount private: nothing outside sees these
    mount --bind "$dir/lib" "$pkglib"
    mount --bind "$dir/ext" "$extdir"

    as_pg() { runuser -u postgres -- "$@"; }
    as_pg "$pgbin/initdb" -D "$dir/data" -U postgres --auth=trust --no-sync \
        -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1
    # the socket lives in the work directory, so the port cannot collide
    cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$dir'
port = 5432
fsync = off
jit = off
log_connections = on
log_line_prefix = '%m [%p] %a '
CONF

    asan=$(gcc -print-file-name=libasan.so)
    # $dir/first/libfirst1.so heads a chain of empty libraries (see the
    # outer part) whose last one calls malloc from its constructor
    symb=$(command -v llvm-symbolizer || true)
    # detect_leaks=0: see above.  allocator_may_return_null: a huge request
    # fails as plain malloc would (PostgreSQL reports out of memory) instead
    # of aborting.  abort_on_error: a report kills the backend with SIGABRT.
    as_pg env LD_PRELOAD="$asan $dir/first/libfirst1.so" \
        ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:disable_coredump=1:allocator_may_return_null=1:detect_odr_violation=0:log_path=$dir/san/asan" \
        ${symb:+ASAN_SYMBOLIZER_PATH=$symb} \
        "$pgbin/postgres" -D "$dir/data" >"$dir/server.log" 2>&1 &
    pmpid=$!
    stop() {
        as_pg "$pgbin/pg_ctl" -D "$dir/data" -m fast -w -t 120 stop >/dev/null 2>&1 ||
            kill -9 "$pmpid" 2>/dev/null || true
        wait "$pmpid" 2>/dev/null || true
    }
    trap stop EXIT

    # (also after a crash, while the server recovers)
    wait_ready() {
        i=0
        until "$pgbin/pg_isready" -q -h "$dir" -p 5432 -U postgres; do
            i=$((i + 1))
            if [ "$i" -gt 60 ] || ! kill -0 "$pmpid" 2>/dev/null; then
                echo "sanitize: server not running"; tail -n 20 "$dir/server.log"; exit 2
            fi
            sleep 1
        done
    }
    wait_ready
    export PGHOST=$dir PGPORT=5432 PGUSER=postgres PGDATABASE=postgres

    # a backend that has loaded hinge: its maps must show the ASan runtime
    # and the hinge.so built here (same inode), not the installed one
    check_loaded() {
        maps=$("$pgbin/psql" -X -Atq -c "LOAD 'hinge'" -c "SELECT pg_read_file('/proc/self/maps')")
        ino=$(stat -L -c %i "$dir/lib/hinge.so")
        if echo "$maps" | grep -q 'libasan' &&
            echo "$maps" | awk -v i="$ino" '$5 == i && /hinge\.so$/' | grep -q .; then
            echo "sanitize: $1: the server runs with $(echo "$maps" | grep -o '[^ ]*libasan[^ ]*' | head -1) and the sanitized hinge.so (inode $ino, $(nm -D "$dir/lib/hinge.so" | grep -c ' U __asan_') __asan_ imports)"
        else
            echo "sanitize: $1: the server did not load the sanitized hinge.so with libasan:"
            echo "$maps" | grep -E 'asan|hinge'
            exit 2
        fi
    }
    check_loaded before

    cd "$dir/src"
    start=$(date +%s)
    # pg_regress and psql run without LD_PRELOAD
    make -s PG_CONFIG="$pg_config" installcheck >"$dir/installcheck.log" 2>&1 && echo 0 >"$dir/regress.rc" || echo $? >"$dir/regress.rc"
    grep -E '^(ok|not ok|test| +[a-z_]+ +\.\.\.)' "$dir/installcheck.log" | sed 's/^/  /' || true
    grep -E 'tests (passed|failed)|All [0-9]+ tests' "$dir/installcheck.log" | sed 's/^ *=* */sanitize: regression: /; s/ *=*$//' || true
    [ -f regression.diffs ] && cp regression.diffs "$dir/regression.diffs"
    echo "sanitize: regression suite took $(( $(date +%s) - start ))s"

    if [ "${FUZZ_CALLS:-2000}" -gt 0 ]; then
        start=$(date +%s)
        /usr/bin/python3 scripts/fuzz.py --calls "${FUZZ_CALLS:-2000}" --seed "${FUZZ_SEED:-1}" \
            --server-log "$dir/server.log" >"$dir/fuzz.log" 2>&1 && echo 0 >"$dir/fuzz.rc" || echo $? >"$dir/fuzz.rc"
        tail -n 5 "$dir/fuzz.log" | sed 's/^/  /'
        echo "sanitize: fuzz.py --calls ${FUZZ_CALLS:-2000} --seed ${FUZZ_SEED:-1}: exit $(cat "$dir/fuzz.rc") ($(( $(date +%s) - start ))s)"
    fi
    wait_ready
    check_loaded after
    stop
    trap - EXIT
    exit 0
fi

# ---- outside: build, run the namespace, read the reports ----------------------
if [ "$(id -u)" -ne 0 ]; then
    echo "sanitize: needs root (unshare --mount, mount --bind, runuser postgres)" >&2
    exit 2
fi
for c in unshare runuser gcc make git; do
    command -v "$c" >/dev/null || { echo "sanitize: $c not found" >&2; exit 2; }
done
self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
cd "$(dirname "$0")/.."
repo=$(pwd)
t0=$(date +%s)
pkglib=$("$pg_config" --pkglibdir)
extdir=$("$pg_config" --sharedir)/extension

dir=$(mktemp -d /tmp/hinge-san.XXXXXX)
cleanup() { if [ "${KEEP:-0}" = 1 ]; then echo "sanitize: kept $dir"; else rm -rf "$dir"; fi; }
trap cleanup EXIT
mkdir "$dir/src" "$dir/san"

# the working tree as it is now, without build products (ignored files)
git -C "$repo" ls-files -z -c -o --exclude-standard |
    (cd "$repo" && xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh) |
    tar -C "$repo" --null -T - -cf - | tar -C "$dir/src" -xf -

# HINGE_ASSERT_CHECKING: hinge's Assert()s checked too (compat.h)
san="-fsanitize=address,undefined,float-cast-overflow -fno-sanitize-recover=all -fno-omit-frame-pointer -g -O1 -DHINGE_ASSERT_CHECKING"
# with_llvm=no: no bitcode for JIT (jit is off)
if ! make -C "$dir/src" -s -j"$(nproc)" with_llvm=no PG_CONFIG="$pg_config" PG_CFLAGS="$san" >"$dir/build.log" 2>&1 ||
   ! make -C "$dir/src" -s with_llvm=no PG_CONFIG="$pg_config" DESTDIR="$dir/inst" install >>"$dir/build.log" 2>&1; then
    echo "sanitize: build failed:"; cat "$dir/build.log"; exit 2
fi
grep -E 'warning|error' "$dir/build.log" | sed 's/^/  /' || true
nm -D "$dir/inst$pkglib/hinge.so" | grep -q ' U __asan_report' ||
    { echo "sanitize: $dir/inst$pkglib/hinge.so is not instrumented"; exit 2; }
echo "sanitize: built $(ls "$dir"/src/src/*.c | wc -l) files with $san ($(( $(date +%s) - t0 ))s)"

# The library and extension directories as installed, with this build's hinge
# files instead, to mount over the installed ones.  Whole directories, not
# hinge.so alone: a make install elsewhere replaces the installed file, and
# unlinking a mount point detaches its mounts in every namespace.
cp -a "$pkglib" "$dir/lib"
cp "$dir/inst$pkglib/hinge.so" "$dir/lib/hinge.so"
cp -a "$extdir" "$dir/ext"
rm -f "$dir/ext"/hinge.control "$dir/ext"/hinge--*.sql
cp "$dir/inst$extdir"/hinge* "$dir/ext/"
chown -R postgres:postgres "$dir"
chmod 755 "$dir"

# The ASan runtime initialises itself on its first intercepted call.  With
# LD_PRELOAD, that call comes from the constructor of one of postgres's
# libraries (libgpg-error's bindtextdomain, p11-kit's newlocale) while it holds
# a glibc lock (_nl_state_lock, __libc_setlocale_lock); ASan's initialisation
# releases that lock (seen in gdb), the caller's unlock then corrupts it, and
# postgres (and psql) hang on their next gettext or setlocale call.  Libraries
# are initialised deepest dependency first, so the last of a chain of empty
# libraries, preloaded after libasan, runs its constructor right after libc's
# and initialises ASan there, with no lock held.
mkdir "$dir/first"
symb=$(command -v llvm-symbolizer || true)
# The last one also gives UBSan its options (see the top).
echo 'extern void *malloc(unsigned long); extern void free(void *);
__attribute__((constructor)) static void first(void) { free(malloc(1)); }
const char *__ubsan_default_options(void)
{ return "print_stacktrace=1:halt_on_error=1:abort_on_error=1:external_symbolizer_path='"${symb:-}"'"; }' >"$dir/first/ctor.c"
: >"$dir/first/empty.c"
n=12
gcc -shared -fPIC -nostdlib -o "$dir/first/libfirst$n.so" "$dir/first/ctor.c"
while [ "$n" -gt 1 ]; do
    n=$((n - 1))
    gcc -shared -fPIC -nostdlib -o "$dir/first/libfirst$n.so" "$dir/first/empty.c" \
        -L"$dir/first" -Wl,--no-as-needed -lfirst$((n + 1)) -Wl,-rpath,"$dir/first"
done

sum_before=$(md5sum <"$pkglib/hinge.so")
unshare --mount --propagation private -- "$BASH" "$self" __inner "$dir" || { echo "sanitize: run failed (exit $?)"; exit 2; }
[ "$(md5sum <"$pkglib/hinge.so")" = "$sum_before" ] || echo "sanitize: note: the installed hinge.so changed meanwhile (not used here)"

# UBSan's reports, from the server log, one file each like ASan's: a
# "file:line:col: runtime error:" line and its stack; the backend's pid comes
# from the postmaster's "server process (PID n)" line that follows
awk -v out="$dir/san/ubsan" '
    function flush() { if (blk != "") { pend[++np] = blk; blk = "" } }
    /^[^ ]+:[0-9]+:[0-9]+: runtime error: / { flush(); blk = $0; next }
    blk != "" && /^ +#[0-9]+ / { blk = blk "\n" $0; next }
    { flush() }
    match($0, /server process \(PID [0-9]+\)/) {
        pid = substr($0, RSTART + 20, RLENGTH - 21)
        for (k = 1; k <= np; k++) print pend[k] > (out "." pid (k > 1 ? "-" k : ""))
        np = 0
    }
    END { flush(); for (k = 1; k <= np; k++) print pend[k] > (out ".x" k) }' "$dir/server.log"

# hinge frames: one of this build's source files (the debug info names them
# src/x.c, relative to the build), or hinge.so without symbols.  PostgreSQL's
# frames have no line numbers (no debug symbols) or other directories.
files=$(cd "$dir/src" && ls src/*.[ch] | sed 's/\./\\./' | paste -sd'|')
pat="(^| |$dir/src/)($files):[0-9]+|/hinge\\.so[+(]"
nrep=0 nhinge=0
: >"$dir/hinge-reports.txt"
for f in "$dir"/san/asan.* "$dir"/san/ubsan.*; do
    [ -e "$f" ] || continue
    nrep=$((nrep + 1))
    pid=${f##*.}
    pid=${pid%%-*}
    app=$(grep -o "\[$pid\] [^ ]* *LOG:  connection authorized.*application_name=[^ ]*" "$dir/server.log" | sed 's/.*application_name=//' | head -1)
    kind=$(grep -m1 -oE '(ERROR: AddressSanitizer: [a-z-]+|runtime error: .*)' "$f" || echo '?')
    if grep -qE "$pat" "$f"; then
        nhinge=$((nhinge + 1))
        where="hinge: $(grep -oE "$pat" "$f" | head -1 | sed "s|$dir/src/||; s/^ //")"
        { echo "== $(basename "$f") (pid $pid${app:+, $app})"; sed "s|$dir/src/||g" "$f"; echo; } >>"$dir/hinge-reports.txt"
    else
        where="PostgreSQL (no hinge frame)"
    fi
    echo "sanitize: report, pid $pid${app:+ ($app)}: $kind [$where]"
done

echo "sanitize: $nrep sanitizer reports, $nhinge with a hinge frame; $(grep -c 'connection authorized' "$dir/server.log" || true) connections; $(( $(date +%s) - t0 ))s in all"
[ -s "$dir/hinge-reports.txt" ] && cat "$dir/hinge-reports.txt"
rrc=$(cat "$dir/regress.rc" 2>/dev/null || echo 1)
frc=$(cat "$dir/fuzz.rc" 2>/dev/null || echo 0)
if [ "$rrc" != 0 ] && [ -f "$dir/regression.diffs" ]; then
    echo "sanitize: regression.diffs (first 40 lines):"; head -n 40 "$dir/regression.diffs"
fi
if grep -q 'terminated by signal' "$dir/server.log"; then
    echo "sanitize: server log:"; grep 'terminated by signal' "$dir/server.log" | sed 's/^/  /'
fi
[ "$nhinge" -eq 0 ] || exit 1
[ "$rrc" = 0 ] && [ "$frc" = 0 ] || exit 3
exit 0
