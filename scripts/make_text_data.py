#!/usr/bin/python3
"""Real, labelled text from the Debian machine this runs on, as SQL.

    scripts/make_text_data.py [--output FILE] [--tables packages,manpages]
                              [--schema NAME] [--drop]
                              [--dumpavail FILE] [--apropos FILE]
    psql -f FILE          (or: scripts/make_text_data.py | psql)

Builds two tables from what every Debian machine has, at run time: nothing
it reads is committed to this repository.

  packages(name, version, section, area, priority, architecture,
           installed_size, source, tags, description, long_description,
           is_library)
      one row per package that `apt-cache dumpavail` lists (about 60,000 on
      Debian 12 with the main archive): its Section (the area, "contrib" or
      "non-free", split off into area), its debtags (Tag), its one-line
      Description and, where the package index or a Translation-en file
      holds it, the long description (paragraphs joined by newlines).
      is_library is true for the sections libs and libdevel: the label of
      the question "is this package a library?".
  manpages(page, section, chapter, description)
      one row per entry of `man -k -l .` (apropos, about 20,000 with the
      manual pages of a typical install): the page's name, its manual
      section ("1", "3pm", "8"...), the section's leading digit as chapter
      (NULL for sections without one, such as "n"), and its one-line
      description.

The output is a psql script: CREATE TABLE and COPY ... FROM stdin, in one
transaction; rows in name order, so that two runs on the same machine write
the same bytes.  Text is read as UTF-8 (an invalid byte becomes U+FFFD), NUL
characters are dropped, and everything COPY's text format treats specially
is escaped.  Without man-db (minimal containers) the manpages table is made
empty, with a warning.  --dumpavail and --apropos read those commands'
output from files instead (scripts/test_text_data.sh feeds odd text so).

Licence: the package descriptions are part of each Debian package and under
that package's licence; the manual's descriptions likewise belong to the
manual pages' packages.  hinge neither ships nor commits them: this script
reads the local copies at run time, for demonstrations and tests on the
machine that has them.
"""
import argparse
import glob
import os
import re
import subprocess
import sys

# lists of English text, whatever the caller's locale
ENV = dict(os.environ, LC_ALL="C.UTF-8", LANG="C.UTF-8", LANGUAGE="")

LIBRARY_SECTIONS = ("libs", "libdevel")

PACKAGES_DDL = """CREATE TABLE {schema}packages (
    name text PRIMARY KEY,
    version text NOT NULL,
    section text NOT NULL,
    area text NOT NULL,
    priority text,
    architecture text,
    installed_size bigint,
    source text NOT NULL,
    tags text[] NOT NULL,
    description text NOT NULL,
    long_description text,
    is_library boolean NOT NULL
);"""

MANPAGES_DDL = """CREATE TABLE {schema}manpages (
    page text NOT NULL,
    section text NOT NULL,
    chapter smallint,
    description text NOT NULL,
    PRIMARY KEY (page, section)
);"""


def run(command, required=True):
    """The standard output of command as text, or None when it cannot run."""
    try:
        result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                env=ENV, check=False)
    except FileNotFoundError:
        if required:
            sys.exit(f"make_text_data: {command[0]} is missing: this script reads a Debian system's package lists")
        return None
    if result.returncode != 0 and not result.stdout:
        if required:
            sys.exit(f"make_text_data: {' '.join(command)} failed (exit {result.returncode})")
        return None
    return result.stdout.decode("utf-8", errors="replace")


def stanzas(text):
    """The fields of each RFC 822 stanza of a Debian control file: a dict of
    field name to value, continuation lines joined with newlines."""
    fields = {}
    name = None
    for line in text.split("\n"):
        if not line.strip():
            if fields:
                yield fields
            fields, name = {}, None
        elif line[0] in " \t":
            if name is not None:
                fields[name] += "\n" + line
        else:
            name, _, value = line.partition(":")
            name = name.strip()
            fields[name] = value.strip()
    if fields:
        yield fields


def long_description(value):
    """The extended description of a Description field (its lines after the
    first): one leading space dropped, " ." an empty line; None if none."""
    lines = value.split("\n")[1:]
    if not lines:
        return None
    out = []
    for line in lines:
        line = line[1:] if line[:1] in " \t" else line
        out.append("" if line.strip() == "." else line.rstrip())
    text = "\n".join(out).strip("\n")
    return text or None


def translations():
    """Long descriptions from the Translation-en files apt keeps (there are
    none unless apt was told to fetch them): (package, md5) -> text."""
    found = {}
    helper = "/usr/lib/apt/apt-helper"
    for path in sorted(glob.glob("/var/lib/apt/lists/*_i18n_Translation-en*")):
        text = run([helper, "cat-file", path], required=False) if os.path.exists(helper) else None
        if text is None:
            continue
        for f in stanzas(text):
            description = f.get("Description-en")
            if f.get("Package") and description:
                found[(f["Package"], f.get("Description-md5", ""))] = long_description(description)
    return found


def read_file(path):
    with open(path, "rb") as f:
        return f.read().decode("utf-8", errors="replace")


def packages(dumpavail=None):
    """One row per package of apt-cache dumpavail (or of the file that holds
    its output), in name order."""
    extended = translations() if dumpavail is None else {}
    rows = {}
    text = run(["apt-cache", "dumpavail"]) if dumpavail is None else read_file(dumpavail)
    for f in stanzas(text):
        name = f.get("Package")
        description = f.get("Description")
        if not name or description is None:
            continue
        short = description.split("\n")[0].strip()
        long_text = long_description(description) or extended.get((name, f.get("Description-md5", "")))
        area, _, section = f.get("Section", "unknown").rpartition("/")
        size = f.get("Installed-Size", "")
        tags = sorted({t.strip() for t in f.get("Tag", "").replace("\n", " ").split(",") if t.strip()})
        source = f.get("Source", name).split(" ")[0] or name
        row = (name, f.get("Version", ""), section or "unknown", area or "main",
               f.get("Priority") or None, f.get("Architecture") or None,
               int(size) if size.isdigit() else None, source, tags, short, long_text,
               section in LIBRARY_SECTIONS)
        # dumpavail lists each package once; should a name come twice, keep
        # the first (apt's candidate)
        rows.setdefault(name, row)
    return [rows[name] for name in sorted(rows)]


MAN_LINE = re.compile(r"^(.+?) \(([^()\s]+)\)\s+-\s?(.*)$")


def manpages(apropos=None):
    """One row per (page, section) of man -k -l . (or of the file that holds
    its output), in that order; None when man-db is missing."""
    text = run(["man", "-k", "-l", "."], required=False) if apropos is None else read_file(apropos)
    if text is None:
        return None
    rows = {}
    for line in text.split("\n"):
        m = MAN_LINE.match(line)
        if not m:
            continue
        page, section, description = m.group(1).strip(), m.group(2), m.group(3).strip()
        digit = re.match(r"\d", section)
        rows.setdefault((page, section), (page, section, int(digit.group()) if digit else None,
                                          description))
    return [rows[key] for key in sorted(rows)]


def copy_text(value):
    """A value in COPY's text format."""
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        value = "{" + ",".join('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
                               for v in value) + "}"
    value = value.replace("\x00", "")
    return (value.replace("\\", "\\\\").replace("\t", "\\t")
            .replace("\n", "\\n").replace("\r", "\\r"))


def write_table(out, name, ddl, columns, rows, schema, drop):
    if drop:
        out.write(f"DROP TABLE IF EXISTS {schema}{name};\n")
    out.write(ddl.format(schema=schema) + "\n")
    out.write(f"COPY {schema}{name} ({', '.join(columns)}) FROM stdin;\n")
    for row in rows:
        out.write("\t".join(copy_text(v) for v in row) + "\n")
    out.write("\\.\n")
    out.write(f"ANALYZE {schema}{name};\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", "-o", help="write the SQL here instead of to standard output")
    parser.add_argument("--tables", default="packages,manpages",
                        help="which tables: packages, manpages or both (the default)")
    parser.add_argument("--schema", help="create the tables in this (existing) schema")
    parser.add_argument("--drop", action="store_true", help="drop the tables first if they exist")
    parser.add_argument("--dumpavail", metavar="FILE", help="read the output of apt-cache dumpavail from FILE")
    parser.add_argument("--apropos", metavar="FILE", help="read the output of man -k -l . from FILE")
    args = parser.parse_args()
    tables = [t.strip() for t in args.tables.split(",") if t.strip()]
    unknown = set(tables) - {"packages", "manpages"}
    if unknown or not tables:
        parser.error(f"--tables takes packages and/or manpages, not {','.join(sorted(unknown)) or 'nothing'}")
    schema = ""
    if args.schema:
        schema = '"' + args.schema.replace('"', '""') + '".'

    out = open(args.output, "w", encoding="utf-8", newline="\n") if args.output else sys.stdout
    out.write("-- generated by scripts/make_text_data.py from this machine's apt and man-db data; not for committing\n")
    out.write("SET client_encoding = 'UTF8';\nBEGIN;\n")
    counts = []
    if "packages" in tables:
        rows = packages(args.dumpavail)
        write_table(out, "packages", PACKAGES_DDL,
                    ["name", "version", "section", "area", "priority", "architecture", "installed_size",
                     "source", "tags", "description", "long_description", "is_library"],
                    rows, schema, args.drop)
        counts.append(f"{len(rows)} packages")
    if "manpages" in tables:
        rows = manpages(args.apropos)
        if rows is None:
            print("make_text_data: man is missing (package man-db): the manpages table is empty",
                  file=sys.stderr)
            rows = []
        write_table(out, "manpages", MANPAGES_DDL, ["page", "section", "chapter", "description"],
                    rows, schema, args.drop)
        counts.append(f"{len(rows)} manual pages")
    out.write("COMMIT;\n")
    if args.output:
        out.close()
    print("make_text_data: " + ", ".join(counts), file=sys.stderr)


if __name__ == "__main__":
    main()
