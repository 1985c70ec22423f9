#!/bin/sh
# scripts/make_text_data.py, the real text of the demo and the benchmarks:
#   - odd text, fed through --dumpavail and --apropos: tabs, backslashes,
#     quotes and braces in descriptions and tags, carriage returns, NUL,
#     bytes that are not UTF-8, continuation lines and " ." paragraphs, a
#     missing Section or Description, an area prefix, repeated and malformed
#     manual entries; loaded into PostgreSQL, each value as it must read;
#   - this machine's packages and manual: two runs write the same bytes, the
#     load succeeds, and the tables hold as many packages, libraries and
#     manual entries as counted from apt-cache and man with awk and sort.
# Needs a server (PGHOST etc.), as inside pg_virtualenv; scripts/test.sh
# runs it.
set -eu
cd "$(dirname "$0")/.."

db=hinge_text_data
work=$(mktemp -d)
cleanup() {
    rm -rf "$work"
    dropdb --if-exists "$db" >/dev/null 2>&1 || true
}
trap cleanup EXIT
cleanup
work=$(mktemp -d)
createdb "$db"
fail() { echo "text data: $*"; exit 1; }
q() { psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$db" "$@"; }

# 1. Odd text
/usr/bin/python3 - "$work" <<'PY'
import sys
work = sys.argv[1]
with open(f"{work}/dumpavail", "wb") as f:
    f.write(b"Package: odd-one\nVersion: 1:2.0~rc1-3\nSection: contrib/libs\nPriority: optional\n"
            b"Architecture: amd64\nInstalled-Size: 12\n"
            b"Tag: role::shared-lib, devel::lang:c,\n uitoolkit::\"quoted\", weird\\back{brace}\n"
            b"Description: tabs\tand \\backslash and \"quotes\" and a NUL\x00!\n"
            b" First line of the long description.\n .\n Second paragraph, trailing space \n"
            b"Description-md5: 0123\n\n"
            b"Package: no-section\nVersion: 1\nDescription: only a description\n\n"
            b"Package: no-description\nVersion: 1\nSection: utils\n\n"
            b"Package: bad-bytes\nVersion: 1\nSection: non-free/utils\nInstalled-Size: many\n"
            b"Description: invalid \xff\xfe bytes and a CR\r here\n\n"
            b"Package: odd-one\nVersion: 9\nSection: games\nDescription: a second stanza of the same name\n")
with open(f"{work}/apropos", "wb") as f:
    f.write(b"ls (1)               - list directory contents\n"
            b"odd name (3pm) - a page whose name has a space\tand a tab\n"
            b"malformed line without a section\n"
            b"dup (1) - first\n"
            b"dup (1) - second\n"
            b"weird (n) - a Tcl page \\ with a backslash\n"
            b"caf\xc3\xa9 (8) - UTF-8 in a name\n")
PY
scripts/make_text_data.py --dumpavail "$work/dumpavail" --apropos "$work/apropos" -o "$work/odd.sql" 2>"$work/odd.log"
grep -q '^make_text_data: 3 packages, 5 manual pages$' "$work/odd.log" ||
    fail "odd input: $(cat "$work/odd.log")"
q -f "$work/odd.sql" >/dev/null
got=$(q <<'SQL'
SELECT string_agg(ok::text, ',' ORDER BY k) FROM (VALUES
  (1, (SELECT (version, section, area, priority, architecture, installed_size, source, is_library)
              = ('1:2.0~rc1-3', 'libs', 'contrib', 'optional', 'amd64', 12::bigint, 'odd-one', true)
       FROM packages WHERE name = 'odd-one')),
  (2, (SELECT tags = ARRAY['devel::lang:c', 'role::shared-lib', 'uitoolkit::"quoted"', E'weird\\back{brace}']
       FROM packages WHERE name = 'odd-one')),
  (3, (SELECT description = E'tabs\tand \\backslash and "quotes" and a NUL!'
              AND long_description = E'First line of the long description.\n\nSecond paragraph, trailing space'
       FROM packages WHERE name = 'odd-one')),
  (4, (SELECT (section, area, is_library, long_description IS NULL, cardinality(tags))
              = ('unknown', 'main', false, true, 0) FROM packages WHERE name = 'no-section')),
  (5, (SELECT (section, area, installed_size IS NULL, description)
              = ('utils', 'non-free', true, E'invalid \uFFFD\uFFFD bytes and a CR\r here')
       FROM packages WHERE name = 'bad-bytes')),
  (6, NOT EXISTS (SELECT FROM packages WHERE name = 'no-description')),
  (7, (SELECT string_agg(page || '|' || section || '|' || coalesce(chapter::text, '-') || '|' || description, ';'
                         ORDER BY page, section) FROM manpages)
      = E'caf\u00e9|8|8|UTF-8 in a name;dup|1|1|first;ls|1|1|list directory contents;'
        || E'odd name|3pm|3|a page whose name has a space\tand a tab;weird|n|-|a Tcl page \\ with a backslash')
) AS t(k, ok)
SQL
)
[ "$got" = "true,true,true,true,true,true,true" ] || fail "odd input read back wrong (checks 1 to 7: $got)"

# 2. This machine's packages and manual pages
command -v apt-cache >/dev/null || fail "no apt-cache: not a Debian system"
scripts/make_text_data.py -o "$work/real.sql" --drop 2>"$work/real.log"
scripts/make_text_data.py --drop 2>/dev/null | cmp -s - "$work/real.sql" ||
    fail "two runs wrote different SQL"
q -f "$work/real.sql" >/dev/null
apt-cache dumpavail >"$work/dumpavail.real"
packages=$(awk '/^Package:/ { p = $2 } /^Description:/ { print p }' "$work/dumpavail.real" | sort -u | wc -l)
libraries=$(awk '/^Package:/ { p = $2 } /^Section:/ { s = $2; sub(/.*\//, "", s); if (s == "libs" || s == "libdevel") print p }' \
    "$work/dumpavail.real" | sort -u | wc -l)
if command -v man >/dev/null; then
    pages=$(man -k -l . 2>/dev/null | sed -n 's/^\(.*\) (\([^() ]*\)) *- .*$/\1 (\2)/p' | sort -u | wc -l)
else
    pages=0
fi
got=$(q -c "SELECT (SELECT count(*) FROM packages) || ' ' || (SELECT count(*) FILTER (WHERE is_library) FROM packages)
                   || ' ' || (SELECT count(*) FROM manpages)")
[ "$got" = "$packages $libraries $pages" ] ||
    fail "tables hold $got packages, libraries and manual pages; apt-cache and man count $packages $libraries $pages"
[ "$packages" -gt 1000 ] || fail "only $packages packages: is apt's package list empty (apt-get update)?"
got=$(q -c "SELECT string_agg(name || ':' || section || ':' || is_library, ' ' ORDER BY name) FROM packages WHERE name IN ('bash', 'libc6')")
[ "$got" = "bash:shells:false libc6:libs:true" ] || fail "bash and libc6 read as $got"
echo "test text_data                   ... ok (odd text read back exactly; $packages packages, $libraries libraries, $pages manual pages, as apt-cache and man count them; two runs identical)"
