"""A throwaway database for the Python tests of scripts/ (test_dual_cd.py,
test_working_set.py): created with the extension, dropped afterwards, through
libpq's environment (as inside pg_virtualenv); and their report, as
scripts/test.sh reads it."""
import contextlib
import sys

import psycopg2


@contextlib.contextmanager
def scratch_database(name):
    """A connection (autocommit, every message kept in conn.notices) to a new
    database name with the extension created; the database is dropped after"""
    admin = psycopg2.connect("")
    admin.autocommit = True
    admin.cursor().execute(f"DROP DATABASE IF EXISTS {name}")
    admin.cursor().execute(f"CREATE DATABASE {name}")
    conn = None
    try:
        conn = psycopg2.connect(dbname=name)
        conn.autocommit = True
        conn.notices = []           # every message, not the last 50
        conn.cursor().execute("CREATE EXTENSION hinge")
        yield conn
    finally:
        if conn is not None:
            conn.close()
        admin.cursor().execute(f"DROP DATABASE IF EXISTS {name}")
        admin.close()


def report(test, failures, summary):
    """The failures, then "test <test> ... ok (summary)" or "... FAILED" (and
    exit status 1), the line scripts/test.sh looks for"""
    label = f"test {test}".ljust(33)
    if failures:
        print("\n".join(failures))
        print(f"{label}... FAILED")
        sys.exit(1)
    print(f"{label}... ok ({summary})")
