#!/bin/sh
# Runs the pg_regress suite (the Makefile's REGRESS, or the tests named on the
# command line) against a throwaway PostgreSQL 15 cluster whose postmaster and
# backends run under valgrind memcheck, then reports memcheck's errors and
# which of them have a hinge frame (hinge.so or one of src/*.c) in their stack
# or in the origin of an uninitialised value.
#
#   scripts/valgrind.sh                      # every test in REGRESS
#   scripts/valgrind.sh loss multiclass      # just these, in this order
#   SKIP=aggregates scripts/valgrind.sh      # REGRESS minus some tests
#
# Needs valgrind and hinge installed (make && make install).  Run it as root
# (the server then runs as user postgres, via runuser) or as a user who may
# run initdb.  Everything goes to a new directory /tmp/hinge-vg.XXXXXX:
#   vg/<pid>.log     one memcheck log per process (postmaster, each backend)
#   server.log       the server log: log_connections shows which backend pid
#                    ran which test (application_name pg_regress/<test>), and
#                    log_statement = all, with %m timestamps, the statements
#   out/             pg_regress's results/ and regression.diffs
#   hinge-errors.txt every memcheck error block that mentions hinge
# Test output may differ under valgrind (timings, plans without parallel
# workers); what matters are the valgrind logs.  The exit status is 1 if any
# error is attributed to hinge, else 0.
#
# Debian's PostgreSQL is not built with USE_VALGRIND, so memcheck sees palloc
# chunks only as parts of malloc'd blocks: it finds reads and writes outside
# malloc'd blocks, uses of uninitialised values and bad frees, but not
# overruns within a memory context's block or use after pfree.  The server is
# kept to as few processes as possible (no parallel workers, no autovacuum,
# no JIT) and uses mmap'd dynamic shared memory.  With max_parallel_workers
# = 0 a parallel plan (the aggregates test asks for one) runs in the leader
# alone, so partial aggregation and combining stay in one process, where
# memcheck follows definedness; the aggregates test's EXPLAIN then shows
# "Workers Launched: 0" and fails on that alone.  The whole suite takes about
# 8 minutes (the million-row part of aggregates about 4 of them).
#
# PostgreSQL itself, without USE_VALGRIND, gives some "Syscall param
# pwrite64(buf)/write(buf) points to uninitialised byte(s)" errors: struct
# padding in WAL records (XLogFlush; origins heap_multi_insert,
# LogStandbySnapshot, CacheInvalidate*) and in the relcache init file
# (RelationCacheInitializePhase3).  They are not suppressed, since memcheck
# reports each error stack once, with the origin of its first occurrence, and
# counts the repeats without showing their origins: uninitialised bytes from
# hinge reaching the WAL after PostgreSQL's own would only show in the counts.
set -eu
cd "$(dirname "$0")/.."
repo=$(pwd)

bindir=$(pg_config --bindir 2>/dev/null || echo /usr/lib/postgresql/15/bin)
case "$bindir" in */15/*) ;; *) bindir=/usr/lib/postgresql/15/bin ;; esac
pg_regress=$(dirname "$(dirname "$(pg_config --pgxs 2>/dev/null || echo /usr/lib/postgresql/15/lib/pgxs/src/makefiles/pgxs.mk)")")/test/regress/pg_regress
[ -x "$pg_regress" ] || pg_regress=/usr/lib/postgresql/15/lib/pgxs/src/test/regress/pg_regress
port=${PGVG_PORT:-55432}

if [ $# -gt 0 ]; then
    tests="$*"
else
    tests=$(sed -n 's/^REGRESS *= *//p' Makefile)
fi
for s in ${SKIP:-}; do
    tests=$(echo " $tests " | sed "s/ $s / /g")
done

dir=$(mktemp -d /tmp/hinge-vg.XXXXXX)
mkdir -p "$dir/vg" "$dir/out"
if [ "$(id -u)" -eq 0 ]; then
    chown -R postgres:postgres "$dir"
    as_pg() { runuser -u postgres -- "$@"; }
    user=postgres
else
    as_pg() { "$@"; }
    user=$(id -un)
fi

# Suppressions: none are needed so far (the file is there to add some to).
# An uninitialised value that hinge builds and PostgreSQL writes out would
# show up with its origin (--track-origins) in hinge.
: >"$dir/hinge.supp"
chown postgres:postgres "$dir/hinge.supp" 2>/dev/null || true

as_pg "$bindir/initdb" -D "$dir/data" -U "$user" --auth=trust --no-sync -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1
cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$dir'
port = $port
shared_buffers = 128MB
dynamic_shared_memory_type = mmap
max_parallel_workers_per_gather = 0
max_parallel_maintenance_workers = 0
max_parallel_workers = 0
autovacuum = off
jit = off
fsync = off
log_connections = on
log_statement = all
log_line_prefix = '%m [%p] %a '
log_min_messages = warning
CONF

date -u '+valgrind start %Y-%m-%d %H:%M:%S' >"$dir/start-time"
# hinge must not be reinstalled under the running server
lib=$(pg_config --pkglibdir 2>/dev/null || echo /usr/lib/postgresql/15/lib)/hinge.so
sum_before=$(md5sum <"$lib")
as_pg valgrind --tool=memcheck --trace-children=yes --track-origins=yes \
    --error-exitcode=0 --leak-check=no --num-callers=30 --time-stamp=yes \
    --suppressions="$dir/hinge.supp" --log-file="$dir/vg/%p.log" \
    "$bindir/postgres" -D "$dir/data" >"$dir/server.log" 2>&1 &
vgpid=$!

stop() {
    as_pg "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 600 stop >/dev/null 2>&1 || true
    wait "$vgpid" 2>/dev/null || true
}
trap stop EXIT

i=0
until "$bindir/pg_isready" -q -h "$dir" -p "$port"; do
    i=$((i + 1))
    if [ "$i" -gt 300 ]; then echo "valgrind: server did not start"; cat "$dir/server.log"; exit 1; fi
    sleep 1
done

export PGHOST="$dir" PGPORT="$port" PGUSER="$user"
# one pg_regress run per test, in the suite's order, in one database (the
# first run creates it): so a slow test can be followed, and each test's
# backend has its own valgrind log
first=1
for t in $tests; do
    start=$(date +%s)
    opts=""
    [ "$first" -eq 1 ] || opts="--use-existing"
    first=0
    "$pg_regress" --inputdir="$repo" --outputdir="$dir/out" --bindir="$bindir" \
        --dbname=contrib_regression --load-extension=hinge $opts "$t" \
        >"$dir/out/$t.log" 2>&1 || true
    [ -f "$dir/out/regression.diffs" ] && mv "$dir/out/regression.diffs" "$dir/out/$t.diffs"
    printf '%-18s %s (%ss)\n' "$t" "$(grep -o '\.\.\. .*' "$dir/out/$t.log" | head -1)" $(( $(date +%s) - start ))
done

stop
trap - EXIT
if [ "$(md5sum <"$lib")" != "$sum_before" ]; then
    echo "valgrind: WARNING: $lib changed during the run (make install?); rerun"
fi

# hinge frames: hinge.so, or a file name from src/ with a line number
pat='hinge\.so'
for f in src/*.c; do pat="$pat|\\(($(basename "$f" .c))\\.c:[0-9]"; done
awk -v pat="$pat" '
    # a log line is "==<time stamp> <pid>== text"; an error is the lines
    # between two empty ones
    function flush() { if (blk != "" && blk ~ pat) print blk "\n"; blk = "" }
    { line = $0; sub(/^==[0-9:. ]*== ?/, "", line) }
    line ~ /^ *$/ { flush(); next }
    line ~ /^(Memcheck, |Copyright |Using Valgrind|Command: |Parent PID|HEAP SUMMARY|ERROR SUMMARY|For lists of|For counts of|For a detailed|Use --|  *in use at exit|  *total heap usage)/ { flush(); next }
    { blk = (blk == "" ? FILENAME ":\n" : blk "\n") $0 }
    END { flush() }' "$dir"/vg/*.log >"$dir/hinge-errors.txt"

total=$(sed -n 's/.*ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' "$dir"/vg/*.log | awk '{s += $1} END {print s + 0}')
hinge=$(grep -c '^/.*\.log:$' "$dir/hinge-errors.txt" || true)
echo "valgrind: $(ls "$dir/vg" | wc -l) processes, $total errors in all, $hinge error blocks with a hinge frame"
echo "valgrind: logs with errors:"
grep -l 'ERROR SUMMARY: [1-9]' "$dir"/vg/*.log | while read -r f; do
    pid=$(basename "$f" .log)
    app=$(grep -o "\[$pid\] [^ ]* *LOG:  connection authorized.*application_name=[^ ]*" "$dir/server.log" | sed 's/.*application_name=//' | head -1)
    echo "  $f ($(sed -n 's/.*ERROR SUMMARY: //p' "$f")) ${app:-}"
done
[ -s "$dir/hinge-errors.txt" ] && cat "$dir/hinge-errors.txt"
echo "valgrind: everything is in $dir"
[ "$hinge" -eq 0 ]
