#!/usr/bin/python3
"""Keeps the documentation's examples true: they are a pg_regress test.

Every ```psql block in README.md and docs/*.md is a piece of a psql session
exactly as pg_regress records it: statements, each followed by what
PostgreSQL answers.  This script turns the blocks into test/sql/readme.sql (the
statements) and test/expected/readme.out (statements and answers), so
`make installcheck` fails when an example no longer prints what the
documentation says.

The blocks run as one session, in this order: README.md first, then the
files listed in DOCS below in that order, then any other docs/*.md in name
order; within a file, from top to bottom.  Examples use tables made by
earlier ones (docs/reference.md's aggregates read the `points` table of
README.md's quick start), so a file must come after the files whose tables
it uses.  Each file's examples start with a comment naming the file.

    /usr/bin/python3 scripts/readme.py           rewrite the two files
    /usr/bin/python3 scripts/readme.py --check   fail if they are stale

Both also fail when docs/reference.md does not name a function, aggregate or
type of sql/*.sql (other than support functions), so each is documented.
"""
import argparse
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
# the files whose examples run after README.md's, in this order (then any
# other docs/*.md, in name order)
DOCS = ["docs/reference.md", "docs/reliability.md", "docs/performance.md",
        "docs/testing.md"]
HEADER = ["-- Generated from README.md and docs/*.md by scripts/readme.py; edit those instead.",
          "SET extra_float_digits = 0;"]
# lines of PostgreSQL's answer, as opposed to the statements that produce it
ANSWER = re.compile(r"^( |-{2,}[-+]|\(\d+ rows?\)|ERROR: |DETAIL: |HINT: |"
                    r"NOTICE: |WARNING: |CONTEXT: |LINE \d+:|$)")


def blocks(text):
    return re.findall(r"^```psql\n(.*?)^```", text, flags=re.S | re.M)


def split(block):
    """The statements of one block, and the block as pg_regress prints it."""
    statements, out = [], []
    in_statement = False
    for line in block.rstrip("\n").split("\n"):
        if in_statement or not ANSWER.match(line):
            statements.append(line)
            in_statement = not line.rstrip().endswith(";") and not line.startswith("--")
        out.append(line)
    # pg_regress leaves a blank line after a result set
    if re.match(r"^\(\d+ rows?\)$", out[-1]):
        out.append("")
    return statements, out


def sources():
    """The documentation files, in the order their examples run."""
    names = ["README.md"] + [name for name in DOCS if (ROOT / name).exists()]
    names += sorted(name for name in (str(path.relative_to(ROOT))
                                      for path in (ROOT / "docs").glob("*.md"))
                    if name not in names)
    return names


def render():
    sql, out = list(HEADER), list(HEADER)
    for name in sources():
        found = blocks((ROOT / name).read_text())
        if found:
            sql.append(f"-- examples from {name}")
            out.append(f"-- examples from {name}")
        for block in found:
            statements, answer = split(block)
            sql += statements
            out += answer
    return "\n".join(sql) + "\n", "\n".join(out) + "\n"


# what PostgreSQL calls, not users: an aggregate's or a type's support
# functions, documented with the aggregate or type
SUPPORT = re.compile(r"_(transfn|finalfn|combinefn|sfunc|in|out|recv|send)$")


def undocumented():
    """The functions, aggregates and types of sql/*.sql that docs/reference.md never names."""
    reference = (ROOT / "docs" / "reference.md").read_text()
    names = set()
    for path in sorted((ROOT / "sql").glob("*.sql")):
        names.update(re.findall(r"^CREATE (?:OR REPLACE )?(?:FUNCTION|AGGREGATE|TYPE) (\w+)",
                                path.read_text(), flags=re.M))
    return sorted(name for name in names
                  if not SUPPORT.search(name) and not re.search(rf"\b{name}\b", reference))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if test/sql/readme.sql or test/expected/readme.out is stale")
    args = parser.parse_args()
    sql, out = render()
    stale = []
    for path, content in ((ROOT / "test" / "sql" / "readme.sql", sql),
                          (ROOT / "test" / "expected" / "readme.out", out)):
        if not path.exists() or path.read_text() != content:
            if args.check:
                stale.append(str(path.relative_to(ROOT)))
            else:
                path.write_text(content)
                print(f"rewrote {path.relative_to(ROOT)}")
    missing = undocumented()
    if missing:
        sys.exit("docs/reference.md does not name " + ", ".join(missing))
    if stale:
        sys.exit("documentation examples changed: run scripts/readme.py (" + ", ".join(stale) + ")")
    if args.check:
        print("examples of " + ", ".join(sources()) + " match test/sql/readme.sql and test/expected/readme.out")


if __name__ == "__main__":
    main()
