#!/usr/bin/python3
"""Keeps README.md's examples true: they are a pg_regress test.

Every ```psql block in README.md is a piece of a psql session exactly as
pg_regress records it: statements, each followed by what PostgreSQL answers.
This script turns the blocks, in order, into sql/readme.sql (the statements)
and expected/readme.out (statements and answers), so `make installcheck` fails
when an example in the README no longer prints what the README says.

    /usr/bin/python3 scripts/readme.py           rewrite the two files
    /usr/bin/python3 scripts/readme.py --check   fail if they are stale
"""
import argparse
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
HEADER = ["-- Generated from README.md by scripts/readme.py; edit README.md instead.",
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


def render():
    sql, out = list(HEADER), list(HEADER)
    for block in blocks((ROOT / "README.md").read_text()):
        statements, answer = split(block)
        sql += statements
        out += answer
    return "\n".join(sql) + "\n", "\n".join(out) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if sql/readme.sql or expected/readme.out is stale")
    args = parser.parse_args()
    sql, out = render()
    stale = []
    for path, content in ((ROOT / "sql" / "readme.sql", sql),
                          (ROOT / "expected" / "readme.out", out)):
        if not path.exists() or path.read_text() != content:
            if args.check:
                stale.append(str(path.relative_to(ROOT)))
            else:
                path.write_text(content)
                print(f"rewrote {path.relative_to(ROOT)}")
    if stale:
        sys.exit("README examples changed: run scripts/readme.py (" + ", ".join(stale) + ")")
    if args.check:
        print("README examples match sql/readme.sql and expected/readme.out")


if __name__ == "__main__":
    main()
