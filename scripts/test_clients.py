#!/usr/bin/python3
"""hinge called from Python applications, with psycopg2 and psycopg 3.

    test_clients.py --extract README.md DIR
        writes README.md's client snippets to DIR (psycopg2.py, psycopg.py,
        node-postgres.js) and the Quick start's `messages` table to
        DIR/messages.sql, as README.md has them
    test_clients.py --check psycopg2|psycopg DIR
        runs that driver's README snippet as it is written (it trains the
        binary model spam_filter on `messages`), checks what it computed,
        then makes every call of issue 19's table through the driver and
        checks the values

Every value is checked twice, to 1e-12: against the same SQL function
called with float8[] features (a cast in SQL, not the driver's array), and
against the same formula computed here from the model's weights and Platt
parameters read as text (score = w.x + b, a sigmoid for probabilities).
Needs a database with hinge, `messages` and `kinds` (scripts/test_clients.sh
makes them), reached through libpq's environment (PGHOST, PGDATABASE...).
Prints '<driver> <version>: N checks ok' and exits 0, or the first failure
and exits 1.  Debian's python3 (python3-psycopg2, python3-psycopg).
"""
import contextlib
import io
import math
import pathlib
import re
import sys

SNIPPETS = {"psycopg2": "psycopg2.py", "psycopg": "psycopg.py", "node-postgres": "node-postgres.js"}
TOLERANCE = 1e-12

# feature rows as applications hold them: floats, ints, and mixed
ROWS = [[0.84, -0.99, 0.1], [0.91, -0.96, 0.2], [-1.5, 0.25, 0.7], [2, -1, 0], [-1, 0, 3]]
# weights (intercept last) and a weight matrix, for the functions that take them
WEIGHTS = [0.5, -1.25, 2.0, 0.125]
INT_WEIGHTS = [1, -2, 3]
MATRIX = [[1.0, -0.5, 0.25, 0.0], [-1.0, 2.0, 0.0, 0.5], [0.5, 0.5, -0.5, -1.0]]


def extract(readme, outdir):
    text = pathlib.Path(readme).read_text()
    found = re.findall(r"^<!-- client snippet: (\S+) [^\n]*-->\n```\w+\n(.*?)^```", text,
                       flags=re.S | re.M)
    names = [name for name, _ in found]
    if sorted(names) != sorted(SNIPPETS):
        sys.exit("test_clients: README.md has client snippets %s, not one each of %s"
                 % (names, sorted(SNIPPETS)))
    out = pathlib.Path(outdir)
    for name, code in found:
        (out / SNIPPETS[name]).write_text(code)
    # the Quick start's table, as README.md makes it
    table = re.search(r"^CREATE TABLE messages .*?;\n^INSERT INTO messages\n.*?;$", text,
                      flags=re.S | re.M)
    if table is None:
        sys.exit("test_clients: README.md's Quick start no longer makes the messages table")
    (out / "messages.sql").write_text(table.group(0) + "\n")


class Failure(Exception):
    pass


class Checker:
    """Counts checks; the first failing one raises Failure."""

    def __init__(self, driver):
        self.driver = driver
        self.count = 0

    def true(self, ok, what):
        self.count += 1
        if not ok:
            raise Failure("%s: %s" % (self.driver, what))

    def close(self, got, want, what, scale=1.0):
        """Numbers, or lists of them (any nesting), equal to TOLERANCE * max(1, scale)."""
        if isinstance(want, (list, tuple)):
            self.true(isinstance(got, (list, tuple)) and len(got) == len(want),
                      "%s: got %r, want %r" % (what, got, want))
            for g, w in zip(got, want):
                self.close(g, w, what, scale)
            return
        self.true(isinstance(got, (int, float)) and not isinstance(got, bool)
                  and math.isfinite(got) and abs(got - want) <= TOLERANCE * max(1.0, abs(scale)),
                  "%s: got %r, want %r" % (what, got, want))


# --- the formulas, computed here ------------------------------------------

def py_score(w, x):
    d = len(x)
    return math.fsum(w[j] * x[j] for j in range(d)) + (w[d] if len(w) == d + 1 else 0.0)


def py_scale(w, x):
    """The size of the terms of w.x: the tolerance is relative to it."""
    return math.fsum(abs(w[j] * x[j]) for j in range(len(x))) + (abs(w[-1]) if len(w) > len(x) else 0)


def sigmoid(a, b, s):
    f = a * s + b
    return math.exp(-f) / (1.0 + math.exp(-f)) if f >= 0 else 1.0 / (1.0 + math.exp(f))


class Model:
    """A model as hinge_model stores it, read as text (not through the driver's arrays)."""

    def __init__(self, q, name):
        row = q("SELECT array_to_json(weights)::text, array_to_json(classes)::text,"
                " array_to_json(calibration_a)::text, array_to_json(calibration_b)::text"
                " FROM hinge_model WHERE name = %s", (name,))[0]
        import json
        weights, self.classes, self.a, self.b = (json.loads(v) if v else None for v in row)
        self.rows = weights if isinstance(weights[0], list) else [weights]

    def scores(self, x):
        return [py_score(w, x) for w in self.rows]

    def scale(self, x):
        return max(py_scale(w, x) for w in self.rows)

    def predict(self, x):
        s = self.scores(x)
        if len(self.rows) == 1:
            return self.classes[1] if s[0] > 0 else self.classes[0]
        return self.classes[s.index(max(s))]

    def probabilities(self, x):
        s = self.scores(x)
        if len(self.rows) == 1:
            p = sigmoid(self.a[0], self.b[0], s[0])
            return [1.0 - p, p]
        p = [sigmoid(a, b, v) for a, b, v in zip(self.a, self.b, s)]
        total = math.fsum(p)
        return [v / total for v in p]


# --- the drivers -----------------------------------------------------------

def connect(driver):
    """A query function q(sql, params) -> rows, the error class, and the driver's version."""
    if driver == "psycopg2":
        import psycopg2
        conn = psycopg2.connect("")
        conn.autocommit = True

        def q(sql, params=None):
            with conn.cursor() as cur:
                cur.execute(sql, params)
                return cur.fetchall() if cur.description is not None else []
        return q, psycopg2.Error, psycopg2.__version__.split()[0], conn
    import psycopg
    conn = psycopg.connect("", autocommit=True)

    def q(sql, params=None, binary=False):
        with conn.cursor(binary=binary) as cur:
            cur.execute(sql, params)
            return cur.fetchall() if cur.description is not None else []
    return q, psycopg.Error, psycopg.__version__, conn


def sqlstate(err):
    return getattr(err, "pgcode", None) or getattr(err, "sqlstate", None)


def check_snippet(c, q, code):
    """Runs the README snippet as written; checks what it computed."""
    scope = {"__name__": "__readme__"}
    with contextlib.redirect_stdout(io.StringIO()) as out:
        exec(compile(code, "README.md snippet (%s)" % c.driver, "exec"), scope)
    c.true(out.getvalue().strip() != "", "the README snippet printed nothing")
    model = Model(q, "spam_filter")
    row, batch = scope["row"], scope["batch"]
    c.close(scope["weights"], model.rows[0], "README snippet: weights read")
    c.close(scope["score"], model.scores(row)[0], "README snippet: score", model.scale(row))
    c.close(scope["score"], q("SELECT hinge_score('spam_filter', %s::float8[])", (row,))[0][0],
            "README snippet: score against the float8[] call", model.scale(row))
    c.true(scope["label"] == model.predict(row), "README snippet: label %r" % scope["label"])
    c.true([r[0] for r in scope["scored"]] == list(range(len(batch))), "README snippet: batch rows")
    for (i, label, score), x in zip(scope["scored"], batch):
        c.close(score, model.scores(x)[0], "README snippet: batch score %d" % i, model.scale(x))
        c.true(label == model.predict(x), "README snippet: batch label %d" % i)


def check_calls(c, q, error, driver):
    """Issue 19's table of calls, through the driver, each against the float8[] call and Python."""
    bin_name, mc_name = "spam_filter", "kinds_" + driver
    q("SET client_min_messages = warning")
    q("SELECT name FROM hinge_train(%s, 'kinds', 'features', 'kind', lambda => 0.001)", (mc_name,))
    q("SELECT name FROM hinge_calibrate(%s, 'messages', 'features', 'label')", (bin_name,))
    q("SELECT name FROM hinge_calibrate(%s, 'kinds', 'features', 'kind')", (mc_name,))
    binary, multi = Model(q, bin_name), Model(q, mc_name)

    variants = [("", q)]
    if driver == "psycopg":
        variants.append((" (binary)", lambda sql, p=None: q(sql, p, binary=True)))
    for how, run in variants:
        # by model name: hinge_score, hinge_predict, hinge_scores, hinge_probability(ies)
        for x in ROWS:
            sent = run("SELECT pg_typeof(%s)::text", (x,))[0][0]
            what = "%s%s %r (sent as %s)" % (driver, how, x, sent)
            got = run("SELECT hinge_score(%s, %s), hinge_predict(%s, %s), hinge_scores(%s, %s),"
                      " hinge_probability(%s, %s), hinge_probabilities(%s, %s)",
                      (bin_name, x) * 5)[0]
            want = q("SELECT hinge_score(%s, %s::float8[]), hinge_predict(%s, %s::float8[]),"
                     " hinge_scores(%s, %s::float8[]), hinge_probability(%s, %s::float8[]),"
                     " hinge_probabilities(%s, %s::float8[])", (bin_name, x) * 5)[0]
            scale = binary.scale(x)
            c.close(got[0], want[0], what + ": hinge_score", scale)
            c.close(got[0], binary.scores(x)[0], what + ": hinge_score vs w.x + b", scale)
            c.true(got[1] == want[1] == binary.predict(x), what + ": hinge_predict %r" % got[1])
            c.close(got[2], want[2], what + ": hinge_scores", scale)
            c.close(got[3], want[3], what + ": hinge_probability", scale)
            c.close(got[3], binary.probabilities(x)[1], what + ": hinge_probability vs Platt", scale)
            c.close(got[4], want[4], what + ": hinge_probabilities", scale)
            c.close(got[4], binary.probabilities(x), what + ": hinge_probabilities vs Platt", scale)

            got = run("SELECT hinge_scores(%s, %s), hinge_predict(%s, %s), hinge_probabilities(%s, %s)",
                      (mc_name, x) * 3)[0]
            want = q("SELECT hinge_scores(%s, %s::float8[]), hinge_predict(%s, %s::float8[]),"
                     " hinge_probabilities(%s, %s::float8[])", (mc_name, x) * 3)[0]
            scale = multi.scale(x)
            c.close(got[0], want[0], what + ": multiclass hinge_scores", scale)
            c.close(got[0], multi.scores(x), what + ": multiclass hinge_scores vs W.x + b", scale)
            c.true(got[1] == want[1] == multi.predict(x), what + ": multiclass hinge_predict %r" % got[1])
            c.close(got[2], want[2], what + ": multiclass hinge_probabilities", scale)
            c.close(got[2], multi.probabilities(x), what + ": multiclass probabilities vs Platt", scale)

            # with weights: hinge_predict(%s, %s) and its siblings, weights and features lists
            for w in (WEIGHTS, INT_WEIGHTS + [0]):
                got = run("SELECT hinge_score(%s, %s), hinge_predict(%s, %s), hinge_geometric_margin(%s, %s, %s)",
                          (w, x, w, x, w, x, -1))[0]
                want = q("SELECT hinge_score(%s::float8[], %s::float8[]), hinge_predict(%s::float8[], %s::float8[]),"
                         " hinge_geometric_margin(%s::float8[], %s::float8[], %s)", (w, x, w, x, w, x, -1))[0]
                s, scale = py_score(w, x), py_scale(w, x)
                norm = math.sqrt(math.fsum(v * v for v in w[:len(x)]))
                c.close(got[0], want[0], what + ": hinge_score(w %r, x)" % w, scale)
                c.close(got[0], s, what + ": hinge_score(w, x) vs w.x + b", scale)
                c.true(got[1] == want[1] == (1 if s > 0 else -1), what + ": hinge_predict(w, x)")
                c.close(got[2], want[2], what + ": hinge_geometric_margin", scale / norm)
                c.close(got[2], -s / norm, what + ": hinge_geometric_margin vs -(w.x + b)/||w||", scale / norm)
            got = run("SELECT hinge_scores(%s, %s), hinge_predict_class(%s, %s)", (MATRIX, x, MATRIX, x))[0]
            want = q("SELECT hinge_scores(%s::float8[], %s::float8[]), hinge_predict_class(%s::float8[], %s::float8[])",
                     (MATRIX, x, MATRIX, x))[0]
            py = [py_score(w, x) for w in MATRIX]
            scale = max(py_scale(w, x) for w in MATRIX)
            c.close(got[0], want[0], what + ": hinge_scores(W, x)", scale)
            c.close(got[0], py, what + ": hinge_scores(W, x) vs W.x + b", scale)
            c.true(got[1] == want[1] == py.index(max(py)) + 1, what + ": hinge_predict_class")

    # psycopg 3 sends ints by size: smallint[], integer[], bigint[]
    if driver == "psycopg":
        for x, typ in (([3, -2, 1], "smallint[]"), ([70000, -2, 1], "integer[]"), ([2 ** 40, -2, 1], "bigint[]")):
            c.true(q("SELECT pg_typeof(%s)::text", (x,))[0][0] == typ, "psycopg sends %r as %s" % (x, typ))
            c.close(q("SELECT hinge_score(%s, %s)", (bin_name, x))[0][0], binary.scores(x)[0],
                    "psycopg %s: hinge_score" % typ, binary.scale(x))
    else:
        c.true(q("SELECT pg_typeof(%s)::text", ([0.5, 1.5],))[0][0] == "numeric[]", "psycopg2 floats")
        c.true(q("SELECT pg_typeof(%s)::text", ([1, 2],))[0][0] == "integer[]", "psycopg2 ints")
        c.true(q("SELECT pg_typeof(%s)::text", ([1, 2 ** 40],))[0][0] == "bigint[]", "psycopg2 big ints")

    # a batch: one row of VALUES per list
    values = ", ".join(["(%s, %s)"] * len(ROWS))
    params = [v for i, x in enumerate(ROWS) for v in (i, x)]
    got = q("SELECT i, hinge_score(%%s, x), hinge_predict(%%s, x) FROM (VALUES %s) AS b(i, x) ORDER BY i"
            % values, [bin_name, bin_name] + params)
    c.true([r[0] for r in got] == list(range(len(ROWS))), "batch: rows")
    for (i, score, label), x in zip(got, ROWS):
        c.close(score, binary.scores(x)[0], "batch: score of row %d" % i, binary.scale(x))
        c.true(label == binary.predict(x), "batch: label of row %d" % i)

    # reading the weights: the driver's float8[] equals the text form
    weights = q("SELECT weights FROM hinge_model WHERE name = %s", (mc_name,))[0][0]
    c.true(weights == multi.rows, "multiclass weights read: %r" % (weights,))

    # a list of strings: a clear error.  psycopg2 sends ARRAY['a', 'b'], a
    # text[] that no overload takes; psycopg 3 sends '{a,b}' untyped, read
    # as text that is no float8[] literal
    sent = q("SELECT pg_typeof(%s)::text", (["a", "b"],))[0][0] if driver == "psycopg2" else "text"
    try:
        q("SELECT hinge_score(%s, %s)", (bin_name, ["a", "b"]))
    except error as err:
        if driver == "psycopg2":
            c.true(sent == "text[]" and sqlstate(err) == "42883"
                   and "hinge_score(unknown, text[]) does not exist" in str(err),
                   "a list of strings (%s): %s %s" % (sent, sqlstate(err), err))
        else:
            c.true(sent == "text" and sqlstate(err) == "22P02"
                   and "double precision[] literal" in (err.diag.message_hint or ""),
                   "a list of strings (%s): %s %s" % (sent, sqlstate(err), err))
    else:
        c.true(False, "a list of strings was accepted")
    # weights given as a model name (a str): the hint names the cast
    try:
        q("SELECT hinge_score(%s, %s)", ("{0.5,-1.25,2,0.125}", ROWS[0]))
    except error as err:
        c.true(sqlstate(err) == "42704" and "$1::float8[]" in (err.diag.message_hint or ""),
               "weights as a name: %s %s" % (sqlstate(err), err))
    else:
        c.true(False, "weights given as a name were accepted")


def check(driver, snippets):
    c = Checker(driver)
    q, error, version, conn = connect(driver)
    try:
        check_snippet(c, q, (pathlib.Path(snippets) / SNIPPETS[driver]).read_text())
        check_calls(c, q, error, driver)
    except Failure as failure:
        print("FAILED: %s" % failure)
        return 1
    finally:
        conn.close()
    print("%s %s: %d checks ok" % ("psycopg 3" if driver == "psycopg" else driver, version, c.count))
    return 0


def main():
    args = sys.argv[1:]
    if len(args) == 3 and args[0] == "--extract":
        extract(args[1], args[2])
        return 0
    if len(args) == 3 and args[0] == "--check" and args[1] in ("psycopg2", "psycopg"):
        return check(args[1], args[2])
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main())
