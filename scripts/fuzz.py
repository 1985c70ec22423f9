#!/usr/bin/python3
"""Random calls to every SQL-callable function and aggregate of hinge.

    scripts/fuzz.py --calls N --seed S [--batch B]

Checks that the server never crashes: every call must end in a result or a
clean ERROR.  The functions come from the catalog (everything that belongs to
extension hinge), so new functions are fuzzed without changing this file.
Arguments are drawn by type and by parameter name: mostly plausible values
of matching shapes (so that calls get past the validator), with NaN,
infinities, huge and denormal numbers, NULLs, empty, multi-dimensional and
oddly bounded arrays, junk text and wrong relations mixed in.  Aggregates run
over small VALUES lists (grouped, windowed, ordered, filtered) and sometimes
over a 20,000-row table with parallel workers, so that their combine
functions run; their transition, combine and final functions are also called
directly with real, mutated and forged states.  Training and scoring by model
name use small fixture tables and forged rows of hinge_model.

Three kinds of cases (issue 11) are mixed into the stream, each a few
percent of the calls; those that change something run inside
hinge_fuzz.sandbox, a subtransaction that is always rolled back:
- look-alike overloads: a role with only CREATE on the extension's schema
  creates there functions and aggregates named as the entries of
  hinge_internal_calls() (the functions hinge's own queries call), with one
  argument of another type (numeric, integer, text, numeric[], a domain, a
  polymorphic type, ...), some returning other types, whose bodies raise
  'look-alike called', note their call, or return quietly (issue 11's
  crash: an aggregate of bigint state); then hinge_train, hinge_evaluate,
  hinge_calibrate, the scoring or the learning trigger runs.  A look-alike
  that runs is a failure.  Now and then one with an extra defaulted or a
  VARIADIC argument: the first makes hinge's calls ambiguous (42725), a
  clean error, and neither may run.
- hand-edited model columns: one column of a calibrated model row (binary
  or multiclass, models fuzz_e*) updated to something hinge_train never
  writes, then a scoring path: by name, hinge_evaluate, hinge_calibrate, the
  scoring trigger ('score', 'label', 'probability'), the learning trigger.
  After the rollback, the model must score exactly as before the case.  A
  renamed model must be "does not exist" (42704) on every path.
- expanded arrays as aggregate weights: the weights (or line) of an
  aggregate built per row with array_append, array_prepend, ||, or an
  element assigned in PL/pgSQL (expanded arrays), from the row's values.
  Different in some row: the error "weights must be the same in every row"
  (22023), never a result; the same in every row: exactly the result of the
  call with the weights as a constant; plain, ordered, grouped, filtered and
  as window aggregates.
A failed check is an error of SQLSTATE class HZ, a failure of the run.
--only-cases runs these cases alone.

The statements of a batch (--batch) run in one session through a PL/pgSQL
loop that EXECUTEs each inside BEGIN ... EXCEPTION, so an error costs a
rolled-back subtransaction, not a round trip.  Each statement returns a
verdict computed in SQL: a result, NULL, or a NaN/Infinity inside a float8
result (a transition or combine function's state is not a result: sums may
overflow on the way, and it is counted but not failed).  The loop sends a
NOTICE before each statement, so when the server crashes the last NOTICE
names the statement.  The fuzzer then waits for the server to recover, runs
the statement alone (and, if that does not crash, after the latest
statement that wrote the model it names), quotes the server log and, when a
core file appears in the data directory (pg_virtualenv enables them), a gdb
backtrace; then it goes on with the rest of the batch.  The SQL of each
crash, internal error and NaN result is printed, ready to paste into psql.

Fails (exit 1) on a crash, on an error of SQLSTATE class XX other than XX001
(data_corrupted, documented for forged aggregate states), on a NaN or
Infinity in a float8 result, on a failed check of the cases above (class
HZ), and on a batch that hangs past --timeout.  Stops early after
--max-crashes crashes.  --no-forged-models leaves out the forged
hinge_model rows; -v prints the outcomes per function; --dump-sql writes
every statement to a file.

Connection: libpq environment variables (PGHOST, PGPORT, PGDATABASE, ...).
When none is set, the script runs itself again under `pg_virtualenv -t -v 15`
(package postgresql-common), in a throwaway cluster.  In the database it
creates extension hinge if needed, drops and recreates schema hinge_fuzz,
adds and finally deletes rows of hinge_model named fuzz_*, and creates and
finally drops role hinge_fuzz_lookalike (with CREATE on the extension's
schema; without the right to create roles, the look-alikes are created by
the current role).

Standard library only; runs with Debian's /usr/bin/python3.
"""

import argparse
import glob
import os
import random
import re
import shutil
import subprocess
import sys
import time

PG_MAJOR = '15'
REEXEC_FLAG = 'HINGE_FUZZ_REEXEC'
CONNECTION_VARS = ('PGHOST', 'PGHOSTADDR', 'PGPORT', 'PGSERVICE', 'PGDATABASE')
MARKER = 'hinge-fuzz-stmt'
FORGE_LABEL = 'forged hinge_model row'

# Layout tags of the aggregate states (src/accum.c, src/multiclass_accum.c)
BINARY_TAGS = [7301, 7302, 7303, 7304, 7305]
MC_TAGS = [7311, 7312]
LINE_POINTS = 32

CRASH_PATTERNS = ('server closed the connection unexpectedly',
                  'terminating connection because of crash of another server process',
                  'connection to server was lost',
                  'no connection to the server')


# ---------------------------------------------------------------------------
# Connection and psql

def connection_given():
    return any(os.environ.get(v) for v in CONNECTION_VARS)


def reexec_under_virtualenv():
    if os.environ.get(REEXEC_FLAG):
        sys.exit('fuzz: still no connection variables (PGHOST...) under pg_virtualenv')
    if shutil.which('pg_virtualenv') is None:
        sys.exit('fuzz: no PGHOST/PGPORT/PGDATABASE set and no pg_virtualenv '
                 '(package postgresql-common)')
    env = dict(os.environ)
    env[REEXEC_FLAG] = '1'
    # a port of its own, away from the 5432... that concurrent
    # `pg_virtualenv make installcheck` runs race for (as bench/common.sh)
    env['PGPORT'] = os.environ.get('HINGE_FUZZ_PORT',
                                   str(20000 + random.SystemRandom().randrange(10000)))
    cmd = ['pg_virtualenv', '-t', '-v', PG_MAJOR,
           sys.executable, os.path.abspath(__file__)] + sys.argv[1:]
    print('fuzz: no connection given; running in a throwaway cluster: pg_virtualenv -t -v',
          PG_MAJOR, flush=True)
    os.execvpe(cmd[0], cmd, env)


class Psql:
    """Runs SQL scripts through psql, one session per call."""

    def __init__(self):
        self.base = ['psql', '-X', '-q', '-A', '-t', '-F', '\t', '-v', 'ON_ERROR_STOP=1']

    def run(self, script, timeout=None):
        """Returns (returncode, stdout, stderr); returncode None on a client timeout."""
        try:
            p = subprocess.run(self.base, input=script, capture_output=True, text=True,
                               timeout=timeout, errors='replace')
        except subprocess.TimeoutExpired as e:
            out = e.stdout.decode(errors='replace') if isinstance(e.stdout, bytes) else (e.stdout or '')
            err = e.stderr.decode(errors='replace') if isinstance(e.stderr, bytes) else (e.stderr or '')
            return None, out, err
        return p.returncode, p.stdout, p.stderr

    def query(self, sql):
        rc, out, err = self.run(sql)
        if rc != 0:
            raise RuntimeError('psql failed (%s):\n%s\n%s' % (rc, sql[:2000], err))
        return [line.split('\t') for line in out.splitlines() if line != '']

    def alive(self):
        rc, out, _ = self.run('SELECT 1;', timeout=30)
        return rc == 0 and out.strip() == '1'

    def wait_alive(self, seconds=180):
        deadline = time.time() + seconds
        while time.time() < deadline:
            if self.alive():
                return True
            time.sleep(0.5)
        return False


def is_crash(stderr):
    return any(p in stderr for p in CRASH_PATTERNS)


WRITERS = set()     # signatures of the extension's VOLATILE functions (they write models)


def writes_model(label):
    return label == FORGE_LABEL or label in WRITERS


def lit_value(lit):
    """The text inside a literal 'text'::type, or None."""
    m = re.match(r"^'([^']*)'::(float8|text|int)$", lit or '')
    return m.group(1) if m else None


def q(s):
    """A SQL string literal."""
    return "'" + s.replace("'", "''") + "'"


def qi(s):
    """A quoted SQL identifier."""
    return '"' + s.replace('"', '""') + '"'


# ---------------------------------------------------------------------------
# Values

F8_SPECIAL = ['0', '-0', '1', '-1', '2', '-2', '0.5', '1e308', '-1e308',
              '1.7976931348623157e308', '-1.7976931348623157e308', '5e-324', '-5e-324',
              '2.2250738585072014e-308', '1e-300', '1e200', '-1e200', '1e154', '-1e154',
              '1e-154', '1e15', '9007199254740993', '3.4028234663852886e38',
              'NaN', 'Infinity', '-Infinity']
F4_SPECIAL = ['0', '-0', '1', '-1', '0.5', '3.4e38', '-3.4e38', '1e-45', '-1e-45',
              '1.1754944e-38', '1e30', '-1e30', '65504', '16777217',
              'NaN', 'Infinity', '-Infinity']
NONFINITE = ['NaN', 'Infinity', '-Infinity']
INT_SPECIAL = ['0', '1', '-1', '2', '3', '-2', '2147483647', '-2147483648', '2147483646',
               '10000000', '65536']
JUNK_TEXT = ['', ' ', 'HINGE', ' hinge', 'hinge ', 'hinge\t', 'x', '"x"', 'X',
             "it's", 'a"b', 'back\\slash', '%s%s%s%n', '%d', ';', 'x; DROP TABLE hinge_fuzz.t_bin; --',
             "') OR true --", 'NULL', 'null', '{}', '[]', '{"a": 1}', 'é', '日本語',
             'ctid', 'xmin', 'tableoid', 'oid', '*', 'x, y', 'x)', '(', '1', '-1', 'NaN']
LOSSES = ['hinge', 'squared_hinge', 'smooth_hinge']
VARIANTS = ['crammer_singer', 'weston_watkins']
MULTICLASS = ['crammer_singer', 'weston_watkins', 'one_vs_rest', 'one_vs_one']


def long_text(r):
    return r.choice(['x' * 70, 'x' * 1000, 'y' * 10000, 'é' * 3000])


class Values:
    """Random SQL literals of the types hinge's functions take."""

    def __init__(self, r):
        self.r = r

    # numbers as text (without SQL quoting)
    def f8(self, special=0.12):
        r = self.r
        if r.random() < special:
            return r.choice(F8_SPECIAL)
        k = r.random()
        if k < 0.55:
            return repr(round(r.gauss(0, 1.5), r.choice([1, 2, 3, 6])))
        if k < 0.75:
            return str(r.randint(-5, 5))
        if k < 0.9:
            return repr(r.uniform(-1e3, 1e3))
        return repr(r.gauss(0, 1) * 10 ** r.randint(-30, 30))

    def f4(self, special=0.12):
        r = self.r
        if r.random() < special:
            return r.choice(F4_SPECIAL)
        if r.random() < 0.8:
            return repr(round(r.gauss(0, 1.5), r.choice([1, 2, 3])))
        return repr(r.gauss(0, 1) * 10 ** r.randint(-20, 20))

    def elem(self, real, special):
        return self.f4(special) if real else self.f8(special)

    def label(self):
        r = self.r
        if r.random() < 0.88:
            return r.choice(['1', '-1'])
        return r.choice(['0', '2', '-2', '0.5', '1.0000000000000002', '0.9999999999999999',
                         '-1.0000000000000002', '1e308', '5e-324', '-0'] + NONFINITE)

    def nonneg(self):
        r = self.r
        if r.random() < 0.85:
            return r.choice(['0', '1', '1', '0.5', '2', '0.001', '1e-6', '10',
                             repr(round(abs(r.gauss(0, 2)), 3))])
        return self.f8(0.6)

    def positive(self):
        r = self.r
        if r.random() < 0.85:
            return r.choice(['1', '1', '0.5', '2', '0.1', '5', '1e-3',
                             repr(round(abs(r.gauss(0, 2)) + 1e-3, 3))])
        return self.f8(0.6)

    # SQL literals
    def lit_f8(self, text):
        return "'%s'::float8" % text

    def lit_int(self, text):
        return "'%s'::int" % text

    def lit_text(self, s):
        return q(s) + '::text'

    def array_text(self, elems):
        return '{' + ','.join(elems) + '}'

    def lit_array(self, elems, real=False, lower=None):
        body = self.array_text(elems)
        if lower is not None:
            body = '[%d:%d]=%s' % (lower, lower + len(elems) - 1, body)
        return "%s::%s" % (q(body), 'real[]' if real else 'float8[]')

    def lit_matrix(self, rows, real=False):
        body = '{' + ','.join(self.array_text(row) for row in rows) + '}'
        return "%s::%s" % (q(body), 'real[]' if real else 'float8[]')

    def vector_elems(self, n, real=False, special=0.03, nulls=0.004):
        r = self.r
        out = []
        for _ in range(n):
            if r.random() < nulls:
                out.append('NULL')
            else:
                out.append(self.elem(real, special))
        return out

    def vector(self, n, real=False, special=0.03):
        """A plausible 1-D array of n elements (sometimes with other bounds)."""
        r = self.r
        if n > 2000:
            return self.big_array(n, real)
        elems = self.vector_elems(n, real, special)
        lower = None
        if r.random() < 0.04:
            lower = r.choice([0, -3, 2, 1000, 2147483647 - n + 1, -2147483648])
        return self.lit_array(elems, real, lower)

    def big_array(self, n, real=False):
        r = self.r
        t = 'real' if real else 'float8'
        k = r.random()
        if k < 0.4:
            return "array_fill(%s::%s, ARRAY[%d])" % (q(self.elem(real, 0.0)), t, n)
        if k < 0.7:
            return ("ARRAY(SELECT ((i %% 13) - 6)::%s / 7 FROM generate_series(1, %d) AS i)"
                    % (t, n))
        if k < 0.85:
            return ("ARRAY(SELECT CASE WHEN i = %d THEN %s::%s ELSE 0.25::%s END "
                    "FROM generate_series(1, %d) AS i)"
                    % (r.randint(1, n), q(r.choice(NONFINITE + ['1e308'])), t, t, n))
        return "array_fill(%s::%s, ARRAY[%d], ARRAY[%d])" % (
            q(self.elem(real, 0.0)), t, n, r.choice([0, -5, 7]))

    def wild_array(self, real=False):
        """Any float8[] or real[], mostly malformed."""
        r = self.r
        t = 'real[]' if real else 'float8[]'
        k = r.randrange(16)
        if k == 0:
            return 'NULL::' + t
        if k == 1:
            return "'{}'::" + t
        if k == 2:
            return self.vector(r.randint(1, 12), real, special=0.3)
        if k == 3:   # 2-D
            rows, cols = r.randint(1, 4), r.randint(1, 4)
            return self.lit_matrix([self.vector_elems(cols, real, 0.05) for _ in range(rows)], real)
        if k == 4:   # 3-D
            a, b, c = r.randint(1, 3), r.randint(1, 3), r.randint(1, 3)
            body = '{' + ','.join('{' + ','.join(self.array_text(self.vector_elems(c, real, 0.05))
                                               for _ in range(b)) + '}' for _ in range(a)) + '}'
            return q(body) + '::' + t
        if k == 5:   # NULL elements
            elems = self.vector_elems(r.randint(1, 6), real)
            elems[r.randrange(len(elems))] = 'NULL'
            return self.lit_array(elems, real)
        if k == 6:   # non-finite elements
            elems = self.vector_elems(r.randint(1, 6), real)
            elems[r.randrange(len(elems))] = r.choice(NONFINITE)
            return self.lit_array(elems, real)
        if k == 7:   # other lower bounds
            n = r.randint(1, 5)
            return self.lit_array(self.vector_elems(n, real), real,
                                  r.choice([0, -1, 5, -2147483648, 2147483647 - n + 1]))
        if k == 8:   # large
            return self.big_array(r.choice([2001, 65537, 100000, 100000, 1000000]), real)
        if k == 9:   # 2-D with other bounds
            return q('[0:1][-1:0]={{1,2},{3,4}}') + '::' + t
        if k == 10:  # over the element limit, rarely
            if r.random() < 0.05:
                return "array_fill(1::%s, ARRAY[10000001])" % t[:-2]
            return "array_fill(1::%s, ARRAY[1, 1, 1, 1, 1, 2])" % t[:-2]
        if k == 11:  # a slice or an empty slice
            return "(ARRAY[1, 2, 3, 4]::%s)[%d:%d]" % (t, r.randint(0, 3), r.randint(-1, 4))
        if k == 12:  # extremes only
            return self.lit_array([r.choice(F4_SPECIAL if real else F8_SPECIAL)
                                   for _ in range(r.randint(1, 6))], real)
        if k == 13:  # 2-D with one column or one row
            return self.lit_matrix([self.vector_elems(1, real) for _ in range(r.randint(1, 3))], real) \
                if r.random() < 0.5 else self.lit_matrix([self.vector_elems(r.randint(1, 3), real)], real)
        if k == 14:  # a 2-D array with a NULL element
            return q('{{1,NULL},{3,4}}') + '::' + t
        return "'{0}'::" + t

    def wild_f8(self):
        r = self.r
        if r.random() < 0.15:
            return 'NULL::float8'
        return self.lit_f8(self.f8(0.7))

    def wild_int(self):
        r = self.r
        if r.random() < 0.15:
            return 'NULL::int'
        if r.random() < 0.6:
            return self.lit_int(r.choice(INT_SPECIAL))
        return self.lit_int(str(r.randint(-5, 12)))

    def wild_text(self, good=()):
        r = self.r
        k = r.random()
        if k < 0.12:
            return 'NULL::text'
        if k < 0.45 and good:
            return self.lit_text(r.choice(list(good)))
        if k < 0.55:
            return self.lit_text(long_text(r))
        if k < 0.7:
            return self.lit_text(r.choice(LOSSES + VARIANTS + MULTICLASS + ['balanced']))
        return self.lit_text(r.choice(JUNK_TEXT))

    def wild_bool(self):
        return self.r.choice(['true', 'false', 'NULL::boolean'])


# ---------------------------------------------------------------------------
# Fixtures: relations for training and evaluation, helpers, the runner

def fixture_sql(ext):
    e = qi(ext)
    return r"""
SET client_min_messages = warning;
DROP SCHEMA IF EXISTS hinge_fuzz CASCADE;
CREATE SCHEMA hinge_fuzz;
CREATE TABLE hinge_fuzz.stmts (id bigint PRIMARY KEY, sql text NOT NULL);

-- verdicts: 0 a result, 1 NULL, 2 NaN or Infinity in a float8 result
CREATE FUNCTION hinge_fuzz.nf(float8) RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT coalesce($1 IN ('NaN'::float8, 'Infinity'::float8, '-Infinity'::float8), false) $$;
CREATE FUNCTION hinge_fuzz.nf(float8[]) RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT coalesce('NaN'::float8 = ANY ($1) OR 'Infinity'::float8 = ANY ($1)
                      OR '-Infinity'::float8 = ANY ($1), false) $$;
CREATE FUNCTION hinge_fuzz.nf(real) RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT coalesce($1 IN ('NaN'::real, 'Infinity'::real, '-Infinity'::real), false) $$;
CREATE FUNCTION hinge_fuzz.nf(real[]) RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT coalesce('NaN'::real = ANY ($1) OR 'Infinity'::real = ANY ($1)
                      OR '-Infinity'::real = ANY ($1), false) $$;
CREATE FUNCTION hinge_fuzz.v_f8(float8) RETURNS int LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT CASE WHEN $1 IS NULL THEN 1 WHEN hinge_fuzz.nf($1) THEN 2 ELSE 0 END $$;
CREATE FUNCTION hinge_fuzz.v_f8a(float8[]) RETURNS int LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT CASE WHEN $1 IS NULL THEN 1 WHEN hinge_fuzz.nf($1) THEN 2 ELSE 0 END $$;
CREATE FUNCTION hinge_fuzz.v_any(anyelement) RETURNS int LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT CASE WHEN $1 IS NULL THEN 1 ELSE 0 END $$;

-- state mutations for the aggregates' support functions
CREATE FUNCTION hinge_fuzz.mutate(s float8[], op int, a int, b float8)
RETURNS float8[] LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    n int := coalesce(cardinality(s), 0);
BEGIN
    IF s IS NULL THEN
        RETURN NULL;
    END IF;
    CASE op
        WHEN 0 THEN  -- one element changed
            IF n > 0 THEN s[1 + abs(a %% n)] := b; END IF;
        WHEN 1 THEN  -- truncated
            RETURN s[1:abs(a %% (n + 1))];
        WHEN 2 THEN  -- extended
            RETURN s || array_fill(b, ARRAY[1 + abs(a %% 5)]);
        WHEN 3 THEN  -- layout tag changed
            IF n > 0 THEN s[1] := b; END IF;
        WHEN 4 THEN  -- row count changed
            IF n > 9 THEN s[CASE WHEN s[1] >= 7310 THEN 7 ELSE 9 END] := b; END IF;
        WHEN 5 THEN  -- two-dimensional
            RETURN ARRAY[s, s];
        WHEN 6 THEN  -- a NULL element
            IF n > 0 THEN s[1 + abs(a %% n)] := NULL; END IF;
        WHEN 7 THEN  -- other lower bound
            IF n > 0 THEN
                RETURN ('[0:' || (n - 1) || ']=' || s::text)::float8[];
            END IF;
        WHEN 8 THEN  -- a header element (parameters, sizes) changed
            IF n > 0 THEN s[1 + abs(a %% least(n, 11))] := b; END IF;
        WHEN 9 THEN  -- the last element changed
            IF n > 0 THEN s[n] := b; END IF;
        WHEN 10 THEN  -- an element past the header (parameters, sizes) changed
            IF n > 12 THEN s[12 + abs(a %% (n - 11))] := b; END IF;
        WHEN 11 THEN  -- every element past the header scaled
            FOR i IN 12 .. n LOOP
                s[i] := s[i] * b;
            END LOOP;
        ELSE
            NULL;
    END CASE;
    RETURN s;
END $$;

-- the runner: each statement in a subtransaction, a NOTICE before it
CREATE FUNCTION hinge_fuzz.run(lo bigint, hi bigint)
RETURNS TABLE (kind text, id bigint, code text, info text)
LANGUAGE plpgsql AS $$
DECLARE
    s record;
    v int;
    c text;
    m text;
    t0 timestamptz;
    ms float8;
    ids bigint[] := '{}';
    codes text[] := '{}';
    msgs text[] := '{}';
    times float8[] := '{}';
BEGIN
    FOR s IN SELECT t.id, t.sql FROM hinge_fuzz.stmts AS t
             WHERE t.id BETWEEN lo AND hi ORDER BY t.id LOOP
        RAISE NOTICE '__MARKER__ %', s.id;
        t0 := clock_timestamp();
        m := NULL;
        BEGIN
            EXECUTE s.sql INTO v;
            c := CASE v WHEN 0 THEN 'result' WHEN 1 THEN 'null' WHEN 2 THEN 'NONFINITE'
                        ELSE 'no rows' END;
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS c = RETURNED_SQLSTATE, m = MESSAGE_TEXT;
            -- a look-alike overload's body ran (hinge_fuzz.sandbox's cases)
            IF m LIKE '%%look-alike called%%' AND c <> 'HZ001' THEN
                c := 'HZ002';
            END IF;
        END;
        ms := extract(epoch FROM clock_timestamp() - t0) * 1000;
        ids := ids || s.id;
        codes := codes || c;
        msgs := msgs || m;
        times := times || ms;
    END LOOP;
    RETURN QUERY
        SELECT 'R', u.i, u.c, CASE WHEN u.c LIKE 'XX%%' OR u.c LIKE 'HZ%%' OR u.c = 'NONFINITE' OR u.t > 2000
                                   THEN round(u.t)::text || ' ' || translate(coalesce(u.m, ''), E'\t\n\r', '   ')
                                   ELSE round(u.t)::text END
        FROM unnest(ids, codes, msgs, times) AS u(i, c, m, t);
END $$;

-- trigger functions: a table to fire them on, and a helper that creates the
-- trigger, writes rows through it and drops it again
CREATE TABLE hinge_fuzz.trg (id int, x float8[], xr real[], f1 float8, f2 numeric, f3 int,
    lab text, out_f8 float8, out_real real, out_text text, out_int int, out_bool boolean,
    out_arr float8[], out_num numeric, out_json json);
CREATE TABLE hinge_fuzz.trg_part (LIKE hinge_fuzz.trg) PARTITION BY RANGE (id);
CREATE TABLE hinge_fuzz.trg_part_1 PARTITION OF hinge_fuzz.trg_part FOR VALUES FROM (MINVALUE) TO (MAXVALUE);
CREATE FUNCTION hinge_fuzz.fire(fn text, args text[], timing text, tbl text, level text,
                                writes text[])
RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    w text;
    v int;
BEGIN
    EXECUTE format('CREATE TRIGGER fuzz_trigger %s ON %s FOR EACH %s EXECUTE FUNCTION %s(%s)',
                   timing, tbl, level, fn,
                   (SELECT coalesce(string_agg(quote_literal(a), ', '), '') FROM unnest(args) AS a));
    FOREACH w IN ARRAY writes LOOP
        EXECUTE w;
    END LOOP;
    EXECUTE format('SELECT max(CASE WHEN hinge_fuzz.nf(out_f8) OR hinge_fuzz.nf(out_real)
                                     OR hinge_fuzz.nf(out_arr) THEN 2 ELSE 0 END) FROM %s', tbl) INTO v;
    EXECUTE format('DROP TRIGGER fuzz_trigger ON %s', tbl);
    EXECUTE format('DELETE FROM %s', tbl);
    RETURN coalesce(v, 0);
END $$;

-- relations to train and evaluate on
CREATE TYPE hinge_fuzz.mood AS ENUM ('sad', 'happy');
CREATE TYPE hinge_fuzz.ctype AS (a int);
CREATE SEQUENCE hinge_fuzz.seq;
CREATE TABLE hinge_fuzz.t_bin (id int PRIMARY KEY, x float8[], xr real[], y int, lab text,
    b boolean, f1 float8, f2 numeric, f3 int, "we""ird col" float8, g int, f4 real, f5 bigint);
INSERT INTO hinge_fuzz.t_bin
SELECT i, ARRAY[sin(i), cos(2 * i), (i %% 5) / 5.0], ARRAY[sin(i), cos(2 * i), (i %% 5) / 5.0]::real[],
       CASE WHEN sin(i) + cos(2 * i) > 0.1 THEN 1 ELSE -1 END,
       CASE WHEN sin(i) + cos(2 * i) > 0.1 THEN 'spam' ELSE 'ham' END,
       sin(i) > 0, sin(i), cos(i)::numeric, i %% 7, i * 0.1, i %% 3, cos(3 * i)::real, i * 1000
FROM generate_series(1, 40) AS i;
CREATE TABLE hinge_fuzz.t_one AS SELECT * FROM hinge_fuzz.t_bin WHERE y = 1;
CREATE TABLE hinge_fuzz.t_empty (LIKE hinge_fuzz.t_bin);
CREATE TABLE hinge_fuzz.t_three AS
SELECT id, x, xr, f1, f3, (ARRAY['a', 'b', 'c'])[1 + id %% 3] AS lab, 1 + id %% 3 AS y
FROM hinge_fuzz.t_bin;
CREATE TABLE hinge_fuzz.t_mixed AS
SELECT id, y, lab,
       CASE WHEN id = 7 THEN ARRAY[1, 'NaN', 2]::float8[] ELSE x END AS x_nan,
       CASE WHEN id = 9 THEN ARRAY[1, 2]::float8[] ELSE x END AS x_ragged,
       CASE WHEN id = 5 THEN ARRAY[1, NULL, 2]::float8[] ELSE x END AS x_nullel,
       CASE WHEN id = 3 THEN '{{1,2},{3,4}}'::float8[] ELSE x END AS x_2d,
       CASE WHEN id = 1 THEN '{}'::float8[] ELSE x END AS x_first_empty,
       CASE WHEN id %% 2 = 0 THEN NULL ELSE x END AS x_nullrow,
       CASE WHEN id = 11 THEN ARRAY[1e200, -1e200, 1e200] ELSE x END AS x_huge,
       CASE WHEN id = 13 THEN ARRAY[5e-324, 1e-310, 0] ELSE x END AS x_denormal,
       CASE WHEN id = 2 THEN '[0:2]={1,2,3}'::float8[] ELSE x END AS x_bounds,
       CASE WHEN id %% 3 = 0 THEN NULL ELSE y END AS y_nulls,
       CASE WHEN id = 4 THEN 'Infinity'::float8 ELSE f1 END AS f_inf,
       CASE WHEN id = 6 THEN NULL ELSE f1 END AS f_null,
       f1, f2, f3
FROM hinge_fuzz.t_bin;
CREATE TABLE hinge_fuzz.t_labels AS
SELECT id, x,
       CASE WHEN y > 0 THEN 'NaN'::float8 ELSE 1 END AS l_nan,
       CASE WHEN y > 0 THEN '-0'::float8 ELSE 0 END AS l_zeros,
       CASE WHEN y > 0 THEN 'Infinity'::float8 ELSE '-Infinity' END AS l_inf,
       ('{"a": ' || y || '}')::json AS l_json,
       point(y, 0) AS l_point,
       (y * 1.50)::numeric AS l_num,
       date '2020-01-01' + y AS l_date,
       (CASE WHEN y > 0 THEN 'happy' ELSE 'sad' END)::hinge_fuzz.mood AS l_mood,
       CASE WHEN y > 0 THEN 'it''s' ELSE 'back\slash"q' END AS l_text,
       CASE WHEN y > 0 THEN '' ELSE ' ' END AS l_blank,
       CASE WHEN y > 0 THEN repeat('long', 3000) ELSE 'short' END AS l_long,
       ARRAY[y] AS l_array,
       y > 0 AS l_bool, (y * 1000000000000)::bigint AS l_big, y::smallint AS l_small,
       CASE WHEN y > 0 THEN 1 END AS l_onenull,
       ROW(y)::hinge_fuzz.ctype AS l_row
FROM hinge_fuzz.t_bin;
CREATE VIEW hinge_fuzz.v_bin AS SELECT * FROM hinge_fuzz.t_bin;
CREATE MATERIALIZED VIEW hinge_fuzz.mv_bin AS SELECT * FROM hinge_fuzz.t_bin;
CREATE TABLE hinge_fuzz.p_bin (LIKE hinge_fuzz.t_bin) PARTITION BY RANGE (id);
CREATE TABLE hinge_fuzz.p_bin_1 PARTITION OF hinge_fuzz.p_bin FOR VALUES FROM (MINVALUE) TO (20);
CREATE TABLE hinge_fuzz.p_bin_2 PARTITION OF hinge_fuzz.p_bin FOR VALUES FROM (20) TO (MAXVALUE);
INSERT INTO hinge_fuzz.p_bin SELECT * FROM hinge_fuzz.t_bin;
CREATE TABLE hinge_fuzz.t_wide AS
SELECT i AS id, ARRAY(SELECT sin(i * j) FROM generate_series(1, 300) AS j) AS x,
       CASE WHEN i %% 2 = 0 THEN 1 ELSE -1 END AS y
FROM generate_series(1, 20) AS i;
CREATE TABLE hinge_fuzz.t_dup AS
SELECT id, ARRAY[1.0, 2.0]::float8[] AS x, CASE WHEN id %% 2 = 0 THEN 1 ELSE -1 END AS y
FROM generate_series(1, 10) AS id;
-- parallel scans: enough rows for parallel workers once their costs are 0
CREATE TABLE hinge_fuzz.par AS
SELECT i, i %% 4 AS g,
       ARRAY[sin(i), cos(i), sin(2 * i), (i %% 10) / 10.0] AS x,
       ARRAY[sin(i), cos(i), sin(2 * i), (i %% 10) / 10.0]::real[] AS xr,
       CASE WHEN sin(i) + 0.3 * cos(i) > 0 THEN 1 ELSE -1 END::float8 AS y,
       1 + i %% 3 AS lab
FROM generate_series(1, 20000) AS i;
ANALYZE hinge_fuzz.par;
ANALYZE hinge_fuzz.t_bin;

-- models to score by name
SET client_min_messages = error;
DO $$
DECLARE
    calls text[] := ARRAY[
        $c$__E__.hinge_train('fuzz_m1', 'hinge_fuzz.t_bin', 'x', 'y', max_passes => 5)$c$,
        $c$__E__.hinge_train('fuzz_m2', 'hinge_fuzz.t_bin', 'xr', 'lab', max_passes => 5,
                             intercept => false)$c$,
        $c$__E__.hinge_train('fuzz_m3', 'hinge_fuzz.t_bin', ARRAY['f1', 'f2', 'f3'], 'b',
                             max_passes => 5, loss => 'squared_hinge')$c$,
        $c$__E__.hinge_train('fuzz_m4', 'hinge_fuzz.t_three', 'x', 'lab', max_passes => 5)$c$,
        $c$__E__.hinge_calibrate('fuzz_m1', 'hinge_fuzz.t_bin', 'x', 'y')$c$,
        $c$__E__.hinge_calibrate('fuzz_m2', 'hinge_fuzz.t_bin', 'xr', 'lab')$c$,
        $c$__E__.hinge_calibrate('fuzz_m4', 'hinge_fuzz.t_three', 'x', 'lab')$c$];
    c text;
BEGIN
    FOREACH c IN ARRAY calls LOOP
        BEGIN
            EXECUTE 'SELECT ' || c;
        EXCEPTION WHEN OTHERS THEN
            RAISE WARNING 'fuzz: could not train a fixture model: %%', SQLERRM;
        END;
    END LOOP;
END $$;
""".replace('__MARKER__', MARKER).replace('__E__', e).replace('%%', '%')


# What the fixture relations hold, for drawing column names
RELATIONS = {
    'hinge_fuzz.t_bin': (['x', 'xr'], ['f1', 'f2', 'f3', 'f4', 'f5', 'we"ird col', 'g', 'id'],
                         ['y', 'lab', 'b', 'g', 'f3']),
    'hinge_fuzz.v_bin': (['x', 'xr'], ['f1', 'f2', 'f3'], ['y', 'lab', 'b']),
    'hinge_fuzz.mv_bin': (['x', 'xr'], ['f1', 'f2', 'f3'], ['y', 'lab', 'b']),
    'hinge_fuzz.p_bin': (['x', 'xr'], ['f1', 'f2', 'f3'], ['y', 'lab', 'b']),
    'hinge_fuzz.t_one': (['x', 'xr'], ['f1', 'f2'], ['y', 'lab']),
    'hinge_fuzz.t_empty': (['x', 'xr'], ['f1', 'f2'], ['y', 'lab']),
    'hinge_fuzz.t_three': (['x', 'xr'], ['f1', 'f3'], ['lab', 'y']),
    'hinge_fuzz.t_mixed': (['x_nan', 'x_ragged', 'x_nullel', 'x_2d', 'x_first_empty', 'x_nullrow',
                            'x_huge', 'x_denormal', 'x_bounds'],
                           ['f_inf', 'f_null', 'f1', 'f2', 'f3'], ['y', 'lab', 'y_nulls']),
    'hinge_fuzz.t_labels': (['x'], ['id'],
                            ['l_nan', 'l_zeros', 'l_inf', 'l_json', 'l_point', 'l_num', 'l_date',
                             'l_mood', 'l_text', 'l_blank', 'l_long', 'l_array', 'l_bool', 'l_big',
                             'l_small', 'l_onenull', 'l_row']),
    'hinge_fuzz.t_wide': (['x'], ['id'], ['y']),
    'hinge_fuzz.t_dup': (['x'], ['id'], ['y']),
    'hinge_fuzz.par': (['x', 'xr'], ['g', 'lab'], ['y', 'lab', 'g']),
}
OTHER_RELATIONS = ["'pg_class'::regclass", "'hinge_fuzz.t_bin_pkey'::regclass",
                   "'hinge_fuzz.seq'::regclass", "'hinge_fuzz.ctype'::regclass",
                   "0::oid::regclass", "4294967295::oid::regclass", "'hinge_fuzz.nope'::regclass",
                   "NULL::regclass", "'pg_catalog.pg_proc'::regclass"]
MODEL_NAMES = ['fuzz_m1', 'fuzz_m1', 'fuzz_m1', 'fuzz_m2', 'fuzz_m2', 'fuzz_m3', 'fuzz_m3',
               'fuzz_m4', 'fuzz_m4',
               'fuzz_t0', 'fuzz_t1', 'fuzz_t2',
               'fuzz_forged_0', 'fuzz_forged_1', 'fuzz_forged_2', 'fuzz_forged_3',
               'fuzz_nope']
CLASS_WEIGHTS = ['balanced', '{"spam": 5, "ham": 1}', '{"1": 2, "-1": 1}', '{"true": 3}',
                 '{"a": 1}', '{}', '[]', 'null', '{"spam": "NaN"}', '{"spam": -1, "ham": 1}',
                 '{"spam": 1e400, "ham": 1}', 'not json', '{"spam": 0, "ham": 1}',
                 '{"spam": 1, "spam": 2, "ham": 1}', '{"spam": null}', '{"spam": [1]}',
                 '{"spam": 1e-300, "ham": 1e300}', '"balanced"', '1', 'Balanced']


# ---------------------------------------------------------------------------
# Issue 11's cases.  Each is one statement that runs its work inside
# hinge_fuzz.sandbox, which rolls everything back when it ends: the
# look-alike functions and aggregates created, the model row edited, a
# model trained or calibrated.

LA_LABEL = 'look-alike overloads'
EDIT_LABEL = 'hand-edited hinge_model column'
EXP_SAME_LABEL = 'expanded-array weights, the same in every row'
EXP_DIFF_LABEL = 'expanded-array weights, different in some row'
# (share of the calls, labels, name in the summary)
CASE_KINDS = [
    (0.015, (LA_LABEL,), 'look-alike overloads'),
    (0.025, (EDIT_LABEL,), 'hand-edited model columns'),
    (0.03, (EXP_SAME_LABEL, EXP_DIFF_LABEL), 'expanded-array weights'),
]
# the role that creates look-alikes: CREATE on the extension's schema, nothing more
LA_ROLE = 'hinge_fuzz_lookalike'
# what the cases raise when a check fails (and the runner when a look-alike ran)
CASE_FAILURES = {
    'HZ001': 'a case could not be set up (a bug of the fuzzer)',
    'HZ002': 'a look-alike overload was called',
    'HZ003': 'a result where an error was expected',
    'HZ004': 'a result that differs from the same call with constant weights',
    'HZ005': 'a model that scores differently once its edit is rolled back',
    'HZ006': 'another error than the one expected',
}
WEIGHTS_DIFFER = 'weights must be the same in every row%'

# Models that only the sandboxed cases edit, always rolled back: binary and
# multiclass, every one calibrated, 3 features each.  learn: the column of
# hinge_fuzz.trg that holds their classes, for hinge_learn_trigger.
EDIT_MODELS = {
    'fuzz_e1': dict(rel='hinge_fuzz.t_bin', feats='x', label='y', k=2, icpt=True, real=False,
                    learn='f3', opts=''),
    'fuzz_e2': dict(rel='hinge_fuzz.t_bin', feats='xr', label='lab', k=2, icpt=False, real=True,
                    learn='lab', opts=', intercept => false'),
    'fuzz_e3': dict(rel='hinge_fuzz.t_three', feats='x', label='lab', k=3, icpt=True, real=False,
                    learn='lab', opts=''),
    'fuzz_e4': dict(rel='hinge_fuzz.t_three', feats='xr', label='lab', k=3, icpt=True, real=True,
                    learn='lab', opts=", multiclass => 'one_vs_rest'"),
    'fuzz_e5': dict(rel='hinge_fuzz.t_bin', feats=['f1', 'f2', 'f3'], label='b', k=2, icpt=True,
                    real=False, learn='out_bool', opts=", loss => 'squared_hinge'"),
}
EDIT_X = '{0.5,-0.25,0.75}'


def features_arg(feats):
    """The features argument of training, evaluation and calibration."""
    if isinstance(feats, list):
        return 'ARRAY[%s]::text[]' % ', '.join(q(c) for c in feats)
    return q(feats) + '::text'


def cases_fixture_sql(ext):
    e = qi(ext)
    train = []
    for name, m in sorted(EDIT_MODELS.items()):
        args = '%s, %s, %s, %s' % (q(name), q(m['rel']), features_arg(m['feats']), q(m['label']))
        train.append('SELECT %s.hinge_train(%s, max_passes => 20%s);' % (e, args, m['opts']))
        train.append('SELECT %s.hinge_calibrate(%s);' % (e, args))
    return r"""
SET client_min_messages = error;

-- runs setup, then test (its verdict is the result), then checks (NULL, or
-- the look-alikes that ran) in a subtransaction that is always rolled back;
-- then, on the state as it was, after (NULL, or what differs).  An error of
-- test is raised again once after has run.
CREATE FUNCTION hinge_fuzz.sandbox(setup text[], test text, checks text, after text)
RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    s text;
    v int;
    failed text;
    c text;
    m text;
    c2 text;
    m2 text;
BEGIN
    BEGIN
        FOREACH s IN ARRAY setup LOOP
            BEGIN
                EXECUTE s;
            EXCEPTION WHEN OTHERS THEN
                GET STACKED DIAGNOSTICS c = RETURNED_SQLSTATE, m = MESSAGE_TEXT;
                RAISE EXCEPTION 'fuzz case setup failed (% %): %', c, m, s USING ERRCODE = 'HZ001';
            END;
        END LOOP;
        EXECUTE test INTO v;
        IF checks IS NOT NULL THEN
            EXECUTE checks INTO failed;
            IF failed IS NOT NULL THEN
                RAISE EXCEPTION '%', failed USING ERRCODE = 'HZ002';
            END IF;
        END IF;
        RAISE EXCEPTION 'roll back' USING ERRCODE = 'HZ000';
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS c = RETURNED_SQLSTATE;
        IF after IS NOT NULL AND c <> 'HZ001' THEN
            BEGIN
                EXECUTE after INTO failed;
            EXCEPTION WHEN OTHERS THEN
                GET STACKED DIAGNOSTICS c2 = RETURNED_SQLSTATE, m2 = MESSAGE_TEXT;
                RAISE EXCEPTION 'after the rollback: % (%)', m2, c2 USING ERRCODE = 'HZ005';
            END;
            IF failed IS NOT NULL THEN
                RAISE EXCEPTION 'after the rollback: %', failed USING ERRCODE = 'HZ005';
            END IF;
        END IF;
        IF c <> 'HZ000' THEN
            RAISE;
        END IF;
    END;
    RETURN v;
END $$;

-- runs test, which must fail with SQLSTATE state and a message LIKE pattern:
-- that error is raised again; a result or another error is a failure
CREATE FUNCTION hinge_fuzz.expect_error(test text, state text, pattern text)
RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    v int;
    c text;
    m text;
BEGIN
    BEGIN
        EXECUTE test INTO v;
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS c = RETURNED_SQLSTATE, m = MESSAGE_TEXT;
        IF c = state AND m LIKE pattern THEN
            RAISE;
        END IF;
        RAISE EXCEPTION 'expected the error % "%", got % "%"', state, pattern, c, m USING ERRCODE = 'HZ006';
    END;
    RAISE EXCEPTION 'expected the error % "%", got a result', state, pattern USING ERRCODE = 'HZ003';
END $$;

-- a verdict, unless rows differ from the call with constant weights
CREATE FUNCTION hinge_fuzz.same_result(mismatches bigint, example text, verdict int)
RETURNS int LANGUAGE plpgsql AS $$
BEGIN
    IF mismatches > 0 THEN
        RAISE EXCEPTION '% result(s) differ from the call with constant weights, e.g. % (expanded) and % (constant)',
            mismatches, split_part(example, '|', 1), split_part(example, '|', 2) USING ERRCODE = 'HZ004';
    END IF;
    RETURN verdict;
END $$;

-- an element assigned in PL/pgSQL: the array comes back expanded
CREATE FUNCTION hinge_fuzz.aset(a float8[], i int, v float8) RETURNS float8[]
LANGUAGE plpgsql AS $$ BEGIN a[i] := v; RETURN a; END $$;
CREATE FUNCTION hinge_fuzz.aset2(a float8[], i int, j int, v float8) RETURNS float8[]
LANGUAGE plpgsql AS $$ BEGIN a[i][j] := v; RETURN a; END $$;

-- look-alikes that return quietly note their calls here
CREATE TABLE hinge_fuzz.la_calls (name text);
CREATE DOMAIN hinge_fuzz.f8 AS float8;
CREATE DOMAIN hinge_fuzz.f8a AS float8[];

__TRAIN__

-- what the edited models score before any case, to compare with after it
CREATE TABLE hinge_fuzz.e_expect AS
SELECT name, x, __E__.hinge_scores(name, x) AS scores, __E__.hinge_probabilities(name, x) AS probs
FROM unnest(ARRAY[__NAMES__]) AS name, (SELECT '__X__'::float8[] AS x) AS v;
""".replace('__TRAIN__', '\n'.join(train)).replace('__E__', e).replace(
        '__NAMES__', ', '.join(q(n) for n in sorted(EDIT_MODELS))).replace('__X__', EDIT_X)


def lookalike_role_sql(ext):
    return """
SET client_min_messages = warning;
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '%(role)s') THEN
        CREATE ROLE %(role)s NOLOGIN;
    END IF;
END $$;
GRANT USAGE, CREATE ON SCHEMA %(ext)s TO %(role)s;
GRANT USAGE ON SCHEMA hinge_fuzz TO %(role)s;
""" % {'role': LA_ROLE, 'ext': qi(ext)}


def drop_lookalike_role_sql():
    return """
SET client_min_messages = warning;
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = '%(role)s') THEN
        DROP OWNED BY %(role)s;
        DROP ROLE %(role)s;
    END IF;
END $$;
""" % {'role': LA_ROLE}


# ---------------------------------------------------------------------------
# The catalog

class Func:
    def __init__(self, row):
        (oid, kind, schema, name, nargs, ndefaults, argtypes, argnames, rettype,
         rettyptype, transfn, combinefn, finalfn, sig, volatile) = row
        self.volatile = volatile == 'v'
        self.oid = int(oid)
        self.kind = kind
        self.schema = schema
        self.name = name
        self.nargs = int(nargs)
        self.ndefaults = int(ndefaults)
        self.argtypes = argtypes.split('|') if argtypes else []
        names = argnames.split('|') if argnames else []
        self.argnames = (names + [''] * self.nargs)[:self.nargs]
        self.rettype = rettype
        self.rettyptype = rettyptype
        self.transfn = int(transfn) if transfn not in ('', '0', '-') else None
        self.combinefn = int(combinefn) if combinefn not in ('', '0', '-') else None
        self.finalfn = int(finalfn) if finalfn not in ('', '0', '-') else None
        self.sig = sig
        self.aggs = []          # for support functions: the aggregates using them
        self.role = None        # 'transfn', 'combinefn', 'finalfn' or None

    def qname(self):
        return qi(self.schema) + '.' + qi(self.name)


CATALOG_SQL = """
SELECT p.oid, p.prokind, n.nspname, p.proname, p.pronargs, p.pronargdefaults,
       coalesce((SELECT string_agg(format_type(t, NULL), '|' ORDER BY o)
                 FROM unnest(p.proargtypes) WITH ORDINALITY AS u(t, o)), ''),
       coalesce(array_to_string(p.proargnames, '|', ''), ''),
       format_type(p.prorettype, NULL), rt.typtype,
       coalesce(a.aggtransfn::oid, 0), coalesce(a.aggcombinefn::oid, 0), coalesce(a.aggfinalfn::oid, 0),
       p.oid::regprocedure, p.provolatile
FROM pg_proc p
JOIN pg_depend d ON d.objid = p.oid AND d.classid = 'pg_proc'::regclass AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'hinge'
JOIN pg_namespace n ON n.oid = p.pronamespace
JOIN pg_type rt ON rt.oid = p.prorettype
LEFT JOIN pg_aggregate a ON a.aggfnoid = p.oid
ORDER BY p.oid;
"""


def load_catalog(psql):
    funcs = {}
    for row in psql.query(CATALOG_SQL):
        f = Func(row)
        funcs[f.oid] = f
        if f.volatile:
            WRITERS.add(f.sig)
    for f in funcs.values():
        if f.kind != 'a':
            continue
        for oid, role in ((f.transfn, 'transfn'), (f.combinefn, 'combinefn'), (f.finalfn, 'finalfn')):
            if oid in funcs:
                funcs[oid].role = role
                funcs[oid].aggs.append(f)
    # support functions have no argument names: take the aggregate's
    for f in funcs.values():
        if f.role is not None and f.aggs and not any(f.argnames):
            if f.role == 'transfn':
                names = ['state'] + f.aggs[0].argnames
            else:
                names = ['state'] * f.nargs
            f.argnames = (names + [''] * f.nargs)[:f.nargs]
    return funcs


def composite_types(psql, funcs):
    """Attributes (name, type) of each composite return type."""
    types = {}
    for f in funcs.values():
        if f.rettyptype == 'c' and f.rettype not in types:
            rows = psql.query(
                "SELECT a.attname, format_type(a.atttypid, NULL) FROM pg_attribute a "
                "WHERE a.attrelid = (SELECT typrelid FROM pg_type WHERE oid = %s::regtype) "
                "AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum;" % q(f.rettype))
            types[f.rettype] = rows
    return types


def verdict_sql(types):
    """Verdict functions for composite results: 2 when a float field is not finite."""
    out = []
    names = {}
    for i, (tname, attrs) in enumerate(sorted(types.items())):
        fname = 'hinge_fuzz.v_c%d' % i
        names[tname] = fname
        checks = ['hinge_fuzz.nf(($1).%s)' % qi(a) for a, t in attrs
                  if t in ('double precision', 'double precision[]', 'real', 'real[]')]
        cond = ' OR '.join(checks) if checks else 'false'
        out.append("CREATE FUNCTION %s(%s) RETURNS int LANGUAGE sql IMMUTABLE PARALLEL SAFE AS "
                   "$v$ SELECT CASE WHEN $1 IS NULL THEN 1 WHEN %s THEN 2 ELSE 0 END $v$;"
                   % (fname, tname if '.' in tname else tname, cond))
    return '\n'.join(out), names


def model_columns(psql, ext):
    return psql.query(
        "SELECT a.attname, format_type(a.atttypid, NULL), a.attnotnull, a.atthasdef "
        "FROM pg_attribute a WHERE a.attrelid = '%s.hinge_model'::regclass "
        "AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum;" % qi(ext))


# ---------------------------------------------------------------------------
# Calls

def state_tag(name):
    """The layout tag and the loss of the states a support function's aggregate makes."""
    loss = 2 if name.startswith('smooth_') else 1 if name.startswith('squared_') else 0
    if 'multiclass' in name:
        return (7312 if 'subgradient' in name else 7311), None
    if 'line_planes' in name:
        return 7305, 0
    if 'line_objective' in name:
        return 7304, None
    if 'cutting_plane' in name or 'subgradient' in name:
        return 7302, loss if 'cutting' not in name else None
    if 'margin_stats' in name:
        return 7303, 0
    return 7301, loss


class Ctx:
    """The shared shape of one call: feature count, intercept, classes, fixed values."""

    def __init__(self, r, vals):
        self.r = r
        k = r.random()
        self.d = (r.choice([1, 2, 3, 4, 5]) if k < 0.8 else
                  r.choice([7, 8, 9, 16, 17, 33]) if k < 0.95 else
                  r.choice([100, 1000, 4096]) if k < 0.995 else r.choice([65537, 100000]))
        self.icpt = r.random() < 0.5
        self.k = r.choice([2, 2, 3, 3, 4, 5]) if r.random() < 0.95 else r.choice([1, 10, 50])
        self.real = None
        self.memo = {}
        self.vals = vals

    @property
    def nw(self):
        return self.d + (1 if self.icpt else 0)

    def once(self, key, make):
        """The same value for every use of key in this call (usually)."""
        if key not in self.memo or self.r.random() < 0.04:
            self.memo[key] = make()
        return self.memo[key]


class Gen:
    def __init__(self, r, funcs, ext, composite_verdicts, model_cols):
        self.r = r
        self.v = Values(r)
        self.funcs = funcs
        self.ext = ext
        self.cverdict = composite_verdicts
        self.model_cols = model_cols
        self.plain = [f for f in funcs.values() if f.kind == 'f' and f.role is None]
        self.aggs = [f for f in funcs.values() if f.kind == 'a']
        self.support = [f for f in funcs.values() if f.kind == 'f' and f.role is not None]
        self.transfns = [f for f in self.support if f.role == 'transfn']
        self.weights = []
        for f in funcs.values():
            w = 1.0
            if f.rettype == 'trigger':    # many ways to set one up
                w = 4.0
            elif f.volatile:        # training and the like: slower
                w = 0.5
            elif 'model_name' in f.argnames:
                w = 1.5
            self.weights.append((f, w))
        self.forge_weight = 5.0
        self.total_weight = sum(w for _, w in self.weights) + self.forge_weight
        self.cases = None
        self.case_weights = []

    def add_cases(self, cases, only=None):
        """Mixes issue 11's kinds of cases into the stream, each with its
        share of the calls (CASE_KINDS); only: nothing else, or only one kind."""
        self.cases = cases
        share = sum(s for s, _, _ in CASE_KINDS)
        base = self.total_weight
        if only:
            self.weights = []
            self.forge_weight = 0.0
            self.total_weight = 0.0
        for (s, labels, _), key in zip(CASE_KINDS, ('look-alike', 'edit', 'expanded')):
            if labels[0] == LA_LABEL and not cases.calls:
                continue
            if only and only not in ('all', key):
                continue
            w = s * base / (1 - share)
            self.case_weights.append((labels[0], w))
            self.total_weight += w

    def pick(self):
        x = self.r.random() * self.total_weight
        for f, w in self.weights:
            x -= w
            if x < 0:
                return f
        for kind, w in self.case_weights:
            x -= w
            if x < 0:
                return kind
        if not self.forge_weight:
            return self.case_weights[-1][0]
        return None      # forge a model row


    # --- verdicts --------------------------------------------------------

    def verdict_fn(self, f):
        t = f.rettype
        if t == 'double precision':
            return 'hinge_fuzz.v_f8'
        if t == 'double precision[]':
            return 'hinge_fuzz.v_f8a'
        if t in self.cverdict:
            return self.cverdict[t]
        return 'hinge_fuzz.v_any'

    def wrap(self, f, expr):
        return 'SELECT %s(r) FROM (SELECT %s AS r OFFSET 0) AS s' % (self.verdict_fn(f), expr)

    # --- arguments by name and type ------------------------------------

    def is_matrix_fn(self, fname):
        return any(s in fname for s in ('hinge_scores', 'predict_class', 'multiclass',
                                         'one_vs_rest', 'ovr'))

    def arg(self, f, i, ctx, fname=None, row=False, wild_p=0.08):
        """A literal for argument i of f (fname: the name whose semantics
        count; row: a per-row value of an aggregate, mostly valid)."""
        r, v = self.r, self.v
        t = f.argtypes[i]
        name = f.argnames[i]
        fname = fname or f.name
        wild = r.random() < (0.012 if row else wild_p)
        if name == 'x' and t in ('numeric[]', 'integer[]', 'smallint[]', 'bigint[]', 'text'):
            # features as drivers send them: a float8[] cast to the type
            # (to text: a float8[] literal), out-of-range casts and all
            expr = v.wild_array(False) if wild else self.features(ctx, False, row)
            return '(%s)::%s' % (expr, t)
        if t in ('double precision[]', 'real[]'):
            real = t == 'real[]'
            if wild:
                return v.wild_array(real)
            if name == 'x' or (name == '' and i == 1 and not real and f.role is None):
                return self.features(ctx, real, row)
            if name in ('w', 'weights') or name == '':
                if self.is_matrix_fn(fname):
                    return ctx.once('W', lambda: self.matrix(ctx))
                return ctx.once('w', lambda: self.weights_vec(ctx))
            if name == 'line':
                if self.is_matrix_fn(fname):
                    return ctx.once('line', lambda: self.matrix(ctx, stacked=2))
                return ctx.once('line', lambda: self.line(ctx))
            if 'weight' in name:     # class weights: one per class, or (c_-, c_+)
                n = ctx.k if r.random() < 0.85 else r.choice([2, 1, ctx.k + 1])
                return ctx.once(name, lambda: v.lit_array([v.positive() for _ in range(n)], real))
            if name == 'scores':
                return v.vector(ctx.k, real)
            return v.vector(ctx.d, real)
        if t == 'double precision':
            if wild:
                return v.wild_f8()
            if name == 'y':
                if row and r.random() < 0.97:
                    return v.lit_f8(r.choice(['1', '-1']))
                return v.lit_f8(v.label())
            if name in ('margin', 'distance', 'dist_positive', 'dist_negative'):
                return v.lit_f8(v.nonneg())
            if name == 'lambda':
                if f.name == 'hinge_train' and r.random() < 0.3:
                    return 'NULL::float8'
                return ctx.once('lambda', lambda: v.lit_f8(v.nonneg()))
            if name == 'target':
                if r.random() < 0.9:
                    return v.lit_f8(r.choice(['0', '1', '0.5', '0.9', '0.1',
                                              repr(round(r.random(), 4))]))
                return v.lit_f8(v.f8(0.5))
            if name in ('a', 'b'):
                return ctx.once(name, lambda: v.lit_f8(r.choice(['0', '-1', '1', '-2.5', '0.3',
                                                                 v.f8(0.1)])))
            if name in ('gamma', 'positive_weight', 'negative_weight'):
                return ctx.once(name, lambda: v.lit_f8(v.positive()))
            if name == 'tolerance':
                if r.random() < 0.85:
                    return v.lit_f8(r.choice(['1e-3', '1e-2', '0.1', '1e-6', '0.5']))
                return v.lit_f8(r.choice(['0', '-1', '1', '1e-300', 'NaN', 'Infinity', '2']))
            return v.lit_f8(v.f8())
        if t == 'integer':
            if wild:
                return v.wild_int()
            if name == 'label':
                if r.random() < (0.985 if row else 0.9):
                    return v.lit_int(str(r.randint(1, max(1, ctx.k))))
                return v.lit_int(r.choice(['0', '-1', str(ctx.k + 1), '2147483647', '-2147483648']))
            if name == 'max_passes':
                return v.lit_int(r.choice(['2', '3', '5', '5', '5', '1', '0', '-1', '-2147483648']))
            return v.wild_int()
        if t == 'text':
            if name == 'loss':
                if wild or r.random() < 0.05:
                    return v.wild_text(LOSSES)
                if 'line_planes' in fname and r.random() < 0.8:
                    return ctx.once('loss', lambda: v.lit_text('hinge'))
                return ctx.once('loss', lambda: v.lit_text(r.choice(LOSSES)))
            if name == 'variant':
                if wild or r.random() < 0.05:
                    return v.wild_text(VARIANTS)
                return ctx.once('variant', lambda: v.lit_text(r.choice(VARIANTS)))
            if name == 'multiclass':
                return v.wild_text(MULTICLASS) if wild else v.lit_text(r.choice(MULTICLASS))
            if name == 'model_name':
                if wild:
                    return v.wild_text(MODEL_NAMES)
                return v.lit_text(r.choice(MODEL_NAMES))
            if name == 'features':
                return self.feature_column(ctx, wild)
            if name == 'label':
                return self.label_column(ctx, wild)
            if name == 'class_weight':
                if r.random() < 0.6:
                    return 'NULL::text'
                return v.wild_text(CLASS_WEIGHTS) if wild else v.lit_text(r.choice(CLASS_WEIGHTS))
            if name == 'positive':
                if r.random() < 0.7:
                    return 'NULL::text'
                return v.wild_text(['spam', 'ham', '1', '-1', 'true', 'false', 'a', 'b'])
            return v.wild_text(LOSSES + VARIANTS)
        if t == 'text[]':
            return self.feature_list(ctx, wild)
        if t == 'boolean':
            return v.wild_bool() if wild else r.choice(['true', 'false'])
        if t == 'regclass':
            return self.relation(ctx, wild)
        if t == 'bigint':
            return "'%s'::bigint" % r.choice(['0', '1', '-1', '9223372036854775807'])
        if t == 'real':
            return "'%s'::real" % v.f4(0.2)
        if t == 'jsonb' or t == 'json':
            return q(r.choice(CLASS_WEIGHTS[1:4] + ['{}', '[]', 'null'])) + '::' + t
        return 'NULL::' + t

    def features(self, ctx, real, row=False):
        r, v = self.r, self.v
        n = ctx.d if r.random() < (0.985 if row else 0.93) else \
            r.choice([max(1, ctx.d - 1), ctx.d + 1, ctx.d + 2, 1])
        if row and n <= 2000:
            return v.lit_array(v.vector_elems(n, real, special=0.005, nulls=0.001), real)
        return v.vector(n, real)

    def weights_vec(self, ctx):
        v = self.v
        vals = v.vector_elems(ctx.nw, False, special=0.01, nulls=0.001) if ctx.nw <= 2000 else None
        if vals is None:
            return v.big_array(ctx.nw)
        ctx.memo['w_vals'] = vals
        return v.lit_array(vals)

    def matrix(self, ctx, stacked=1):
        r, v = self.r, self.v
        if stacked > 1 and r.random() < 0.05:
            stacked = r.choice([1, 3])
        nrows = ctx.k * stacked
        if ctx.nw > 200:
            return 'array_fill(%s::float8, ARRAY[%d, %d])' % (q(v.f8(0)), nrows, ctx.nw)
        cols = ctx.nw
        rows = [v.vector_elems(cols, False, special=0.01, nulls=0.001) for _ in range(nrows)]
        if r.random() < 0.05 and ctx.k > 1:
            rows[-1] = rows[-1][:-1] or ['1']
            return q('{' + ','.join(v.array_text(x) for x in rows) + '}') + '::float8[]'
        ctx.memo['W_vals'] = rows
        return v.lit_matrix(rows)

    def line(self, ctx):
        r, v = self.r, self.v
        nrows = 2 if r.random() < 0.93 else r.choice([1, 3])
        if ctx.nw > 500:
            return 'array_fill(%s::float8, ARRAY[%d, %d])' % (q(v.f8(0)), nrows, ctx.nw)
        cols = ctx.nw
        rows = [v.vector_elems(cols, False, special=0.01, nulls=0.001) for _ in range(nrows)]
        ctx.memo['line_vals'] = rows
        return v.lit_matrix(rows)

    # --- relations and their columns -----------------------------------

    def relation(self, ctx, wild):
        r = self.r
        if wild or r.random() < 0.08:
            rel = None
            lit = r.choice(OTHER_RELATIONS + ["'%s.hinge_model'::regclass" % qi(self.ext)])
        else:
            rel = r.choice(list(RELATIONS))
            lit = q(rel) + '::regclass'
        ctx.memo['relation'] = rel
        return lit

    def feature_column(self, ctx, wild):
        r, v = self.r, self.v
        rel = ctx.memo.get('relation')
        if wild or rel is None or r.random() < 0.08:
            return v.wild_text(['x', 'xr', 'weights', 'relacl', 'y', 'f1'])
        arrays, numeric, _ = RELATIONS[rel]
        return v.lit_text(r.choice(arrays + (numeric[:1] if r.random() < 0.1 else [])))

    def feature_list(self, ctx, wild):
        r = self.r
        rel = ctx.memo.get('relation')
        if wild or rel is None or r.random() < 0.1:
            k = r.randrange(9)
            if k == 0:
                return 'NULL::text[]'
            if k == 1:
                return "'{}'::text[]"
            if k == 2:
                return "ARRAY['f1', NULL]::text[]"
            if k == 3:
                return "'{{f1,f2},{f2,f3}}'::text[]"
            if k == 4:
                return "ARRAY['x', 'y']::text[]"
            if k == 5:
                return "array_fill('f1'::text, ARRAY[%d])" % r.choice([100, 2000, 100000])
            if k == 6:
                return "'[0:1]={f1,f2}'::text[]"
            return 'ARRAY[%s]::text[]' % ', '.join(q(r.choice(JUNK_TEXT + ['f1', 'weights']))
                                                  for _ in range(r.randint(1, 3)))
        _, numeric, _ = RELATIONS[rel]
        cols = [r.choice(numeric) for _ in range(r.randint(1, 4))]
        return 'ARRAY[%s]::text[]' % ', '.join(q(c) for c in cols)

    def label_column(self, ctx, wild):
        r, v = self.r, self.v
        rel = ctx.memo.get('relation')
        if wild or rel is None or r.random() < 0.08:
            return v.wild_text(['y', 'lab', 'b', 'intercept', 'name', 'x'])
        return v.lit_text(r.choice(RELATIONS[rel][2]))

    # --- states ----------------------------------------------------------

    def family(self, f):
        """Transition functions whose states f takes."""
        out = []
        for agg in f.aggs:
            t = self.funcs.get(agg.transfn)
            if t is not None:
                out.append(t)
        return out or self.transfns

    def state(self, ctx, family, depth=0):
        r, v = self.r, self.v
        k = r.random()
        if k < 0.15 or depth > 2:
            return "'{}'::float8[]"
        if k < 0.5:
            return self.transfn_call(ctx, r.choice(family), depth + 1)
        if k < 0.56:
            return self.transfn_call(ctx, r.choice(self.transfns), depth + 1)
        if k < 0.68:
            return self.forged_state(ctx, r.choice(family))
        if k < 0.95:
            inner = self.transfn_call(ctx, r.choice(family), depth + 1) if r.random() < 0.8 \
                else self.state(ctx, family, depth + 1)
            op = r.choice([10, 10, 10, 11, 11, 4, 4] + list(range(10)))
            b = r.choice(['NaN', 'Infinity', '-Infinity', '0', '-1', '1e300', '9007199254740993',
                          '0.5', '2', '7301', '7302', '7303', '7304', '7305', '7311', '7312',
                          '1e9', '65537', '10000001', '-0', '5e-324'])
            return 'hinge_fuzz.mutate(%s, %d, %d, %s)' % (inner, op, r.randint(-50, 50),
                                                          v.lit_f8(b))
        return v.wild_array()

    def transfn_call(self, ctx, t, depth):
        args = [self.state(ctx, [t], depth)]
        for i in range(1, t.nargs):
            args.append(self.arg(t, i, ctx, fname=t.aggs[0].name if t.aggs else t.name,
                                 wild_p=0.015))
        return '%s(%s)' % (t.qname(), ', '.join(args))

    def forged_state(self, ctx, t):
        """A state with a consistent header (so it passes the layout check)
        and random contents, often matching the call's other arguments."""
        r, v = self.r, self.v
        tag, loss = state_tag(t.aggs[0].name if t.aggs else t.name)
        if r.random() < 0.1:
            tag = r.choice(BINARY_TAGS + MC_TAGS)

        def num(special=0.15):
            return v.f8(special)

        def memo(key, default):
            val = lit_value(ctx.memo.get(key))
            return val if val is not None and r.random() < 0.85 else default

        if tag in MC_TAGS:
            k = ctx.k if ctx.k >= 2 else 2
            cols = ctx.nw
            if cols > 300:
                cols = 3
            nf = cols - 1 if ctx.icpt and cols > 1 else cols
            header = [str(tag), r.choice(['0', '1', '0', '1', '2', '0.5']), str(k), str(cols), str(nf),
                      memo('lambda', r.choice(['0', '0.1', '1', num()])),
                      r.choice(['1', '2', '3', '1e15', '9007199254740992', num()]), num(), num()]
            W = ctx.memo.get('W_vals')
            body = [e for row in W for e in row] if (W and len(W) == k and len(W[0]) == cols
                                                     and r.random() < 0.7) else \
                [num(0.05) for _ in range(k * cols)]
            extra = [num(0.05) for _ in range(2 * k * cols)] if tag == 7312 else []
            elems = header + body + extra
        else:
            d = ctx.nw
            if tag == 7305 and d > 300:
                d = 3
            if d > 2000:
                d = 3
            nf = d - 1 if ctx.icpt and d > 1 else d
            lossname = lit_value(ctx.memo.get('loss'))
            lossv = loss if loss is not None else \
                LOSSES.index(lossname) if lossname in LOSSES else r.choice([0, 1, 2])
            if r.random() < 0.05:
                lossv = r.choice(['3', '0.5', '-1', 'NaN'])
            gamma = '0' if lossv != 2 else memo('gamma', r.choice(['1', '0.5', '0', '-1', num()]))
            header = [str(tag), str(lossv), str(d), str(nf),
                      memo('lambda', r.choice(['0', '0.1', '1', '1e-3', num()])), gamma,
                      memo('positive_weight', r.choice(['1', '1', '2', num()])),
                      memo('negative_weight', r.choice(['1', '1', '0.5', num()])),
                      r.choice(['1', '2', '3', '1e15', '9007199254740992', num()]), num(), num()]
            w = ctx.memo.get('w_vals')
            line = ctx.memo.get('line_vals')
            if tag in (7304, 7305):
                if line and len(line) == 2 and len(line[0]) == d and r.random() < 0.7:
                    body = line[0] + line[1]
                else:
                    body = [num(0.05) for _ in range(2 * d)]
            else:
                body = w if (w and len(w) == d and r.random() < 0.7) else [num(0.05) for _ in range(d)]
            if tag == 7302:
                extra = [num(0.05) for _ in range(2 * d)]
            elif tag == 7303:
                extra = [r.choice(['0', '1', '5', '-1', '1e300', 'NaN']) for _ in range(3)] + \
                        [r.choice(['Infinity', '-1', '0.5', num()]), num(), num()]
            elif tag == 7304:
                extra = [num(0.05) for _ in range(2 * LINE_POINTS)]
            elif tag == 7305:
                extra = [num(0.05) for _ in range(2 * LINE_POINTS + 2 * LINE_POINTS * d)]
            else:
                extra = []
            elems = header + [e for e in body] + extra
        elems = [e if e != 'NULL' else '0' for e in elems]
        if r.random() < 0.08:   # a length that does not match the header
            if r.random() < 0.5 and len(elems) > 1:
                elems = elems[:-1]
            else:
                elems = elems + ['0']
        return v.lit_array(elems)

    # --- statements ----------------------------------------------------

    def call_args(self, f, ctx, args):
        """f(args), positional or named, sometimes leaving out defaulted arguments."""
        r = self.r
        n = f.nargs
        omit = 0
        if f.ndefaults and r.random() < 0.4:
            omit = r.randint(0, f.ndefaults)
        names = f.argnames
        if f.ndefaults and all(names) and r.random() < 0.35:
            # named notation: the required ones in order, some optional ones shuffled
            req = n - f.ndefaults
            parts = ['%s => %s' % (qi(names[i]), args[i]) for i in range(req)]
            opt = [i for i in range(req, n) if r.random() < 0.6]
            r.shuffle(opt)
            parts += ['%s => %s' % (qi(names[i]), args[i]) for i in opt]
            return '%s(%s)' % (f.qname(), ', '.join(parts))
        return '%s(%s)' % (f.qname(), ', '.join(args[:n - omit]))

    def plain_call(self, f):
        ctx = Ctx(self.r, self.v)
        if 'model_name' in f.argnames and self.r.random() < 0.8:
            ctx.d = 3
        args = []
        if f.role is not None:
            return self.support_call(f, ctx)
        if 'relation' in f.argnames:
            for i in range(f.nargs):
                args.append(self.arg(f, i, ctx, wild_p=0.03))
            if 'model_name' in f.argnames and f.name != 'hinge_train' and self.r.random() < 0.4:
                # the relation the fixture models were trained on, so that
                # the call gets as far as the model allows
                names = f.argnames
                args[names.index('relation')] = "'hinge_fuzz.t_bin'::regclass"
                if 'features' in names:
                    i = names.index('features')
                    args[i] = ("ARRAY['f1', 'f2', 'f3']::text[]" if f.argtypes[i] == 'text[]'
                               else self.v.lit_text('x'))
                if 'label' in names:
                    args[names.index('label')] = self.v.lit_text(self.r.choice(['y', 'lab', 'b']))
            if f.name == 'hinge_train':
                name = 'fuzz_t%d' % self.r.randrange(3) if self.r.random() < 0.9 else \
                    self.r.choice(['fuzz_m1', 'fuzz_forged_1', 'fuzz_' + 'z' * 100, 'fuzz_"q\'', 'fuzz_'])
                args[0] = self.v.lit_text(name) if self.r.random() < 0.97 else 'NULL::text'
                if 'max_passes' in f.argnames and self.r.random() < 0.97:
                    i = f.argnames.index('max_passes')
                    args[i] = self.v.lit_int(str(self.r.randint(2, 5)))
                    return self.wrap(f, self.named_train(f, args, ctx, force=[i]))
            return self.wrap(f, self.call_args(f, ctx, args))
        for i in range(f.nargs):
            args.append(self.arg(f, i, ctx))
        if self.r.random() < 0.03:   # the same call twice in one statement: caches
            expr = self.call_args(f, ctx, args)
            return self.wrap(f, expr) + ' UNION ALL ' + self.wrap(f, expr)
        return self.wrap(f, self.call_args(f, ctx, args))

    def named_train(self, f, args, ctx, force):
        r = self.r
        req = f.nargs - f.ndefaults
        parts = ['%s => %s' % (qi(f.argnames[i]), args[i]) for i in range(req)]
        opt = [i for i in range(req, f.nargs) if i in force or r.random() < 0.5]
        r.shuffle(opt)
        parts += ['%s => %s' % (qi(f.argnames[i]), args[i]) for i in opt]
        return '%s(%s)' % (f.qname(), ', '.join(parts))

    def support_call(self, f, ctx):
        r = self.r
        family = self.family(f)
        if f.role == 'transfn':
            fname = f.aggs[0].name if f.aggs else f.name
            args = [self.state(ctx, [f] if r.random() < 0.8 else family)]
            for i in range(1, f.nargs):
                args.append(self.arg(f, i, ctx, fname=fname))
            return self.wrap(f, '%s(%s)' % (f.qname(), ', '.join(args)))
        args = [self.state(ctx, family) for _ in range(f.nargs)]
        return self.wrap(f, '%s(%s)' % (f.qname(), ', '.join(args)))

    def aggregate_call(self, f):
        r, v = self.r, self.v
        ctx = Ctx(r, v)
        if r.random() < 0.04 and 'x' in f.argnames:
            return self.parallel_aggregate(f, ctx)
        nrows = r.choice([0, 1, 1, 2, 3, 4, 5, 6]) if r.random() < 0.95 else r.choice([20, 50])
        if ctx.d > 2000 and nrows > 3:
            nrows = 3
        names = f.argnames
        cols = []        # (column name, [per-row literal]) for VALUES
        call = []        # argument expressions of the aggregate
        per_row = {'x', 'y', 'label', 'score', 'target', ''}
        for i in range(f.nargs):
            name = names[i]
            if name in per_row:
                vals = [self.arg(f, i, ctx, row=True) for _ in range(max(nrows, 1))]
                if r.random() < 0.1 and nrows > 1:
                    vals[r.randrange(nrows)] = 'NULL::' + self.cast_type(f.argtypes[i])
                cols.append(('c%d' % i, vals))
                call.append('c%d' % i)
            else:
                lit = self.arg(f, i, ctx)
                k = r.random()
                huge = len(lit) > 20000 or 'array_fill' in lit or 'generate_series' in lit
                if k < 0.65 or nrows == 0 or (huge and nrows > 2):
                    call.append(lit)                     # a constant of the query
                elif k < 0.9:
                    cols.append(('c%d' % i, [lit] * max(nrows, 1)))   # a column, same every row
                    call.append('c%d' % i)
                else:
                    vals = [lit] + [self.arg(f, i, ctx, wild_p=0.02) for _ in range(max(nrows, 1) - 1)]
                    cols.append(('c%d' % i, vals))       # a column that may change
                    call.append('c%d' % i)
        rows = []
        for j in range(max(nrows, 1)):
            g = r.randint(1, 3)
            rows.append('(%d, %d%s)' % (g, j, ''.join(', ' + vals[j] for _, vals in cols)))
        colnames = ', '.join(['g', 'i'] + [c for c, _ in cols])
        src = '(VALUES %s) AS t(%s)' % (', '.join(rows), colnames)
        if nrows == 0:
            src += ' WHERE false'
        args = ', '.join(call)
        k = r.random()
        if k < 0.08:
            agg = '%s(%s ORDER BY i DESC)' % (f.qname(), args)
        elif k < 0.12:
            agg = '%s(DISTINCT %s)' % (f.qname(), args)
        elif k < 0.18:
            agg = '%s(%s) FILTER (WHERE i > 0)' % (f.qname(), args)
        else:
            agg = '%s(%s)' % (f.qname(), args)
        k = r.random()
        if k < 0.2:
            inner = 'SELECT %s AS r FROM %s GROUP BY g' % (agg, src)
        elif k < 0.27 and 'FILTER' not in agg and 'DISTINCT' not in agg and 'ORDER' not in agg:
            frame = r.choice(['', ' ROWS BETWEEN 1 PRECEDING AND CURRENT ROW',
                              ' ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING'])
            inner = 'SELECT %s OVER (ORDER BY i%s) AS r FROM %s' % (agg, frame, src)
        else:
            inner = 'SELECT %s AS r FROM %s' % (agg, src)
        return 'SELECT max(%s(r)) FROM (%s OFFSET 0) AS s' % (self.verdict_fn(f), inner)

    def cast_type(self, t):
        return {'double precision[]': 'float8[]', 'double precision': 'float8',
                'integer': 'int'}.get(t, t)

    def parallel_aggregate(self, f, ctx):
        """Over hinge_fuzz.par, 20,000 rows, so that parallel workers combine states."""
        r = self.r
        ctx.d = 4
        ctx.k = 3 if r.random() < 0.9 else r.choice([2, 4])
        call = []
        for i in range(f.nargs):
            name, t = f.argnames[i], f.argtypes[i]
            if name == 'x':
                call.append('xr' if t == 'real[]' else 'x')
            elif name == 'y':
                call.append('y')
            elif name == 'label':
                call.append('lab')
            else:
                call.append(self.arg(f, i, ctx))
        where = r.choice(['', '', ' WHERE i <= 3', ' WHERE i %% 1000 = 0', ' WHERE g = 1']).replace('%%', '%')
        group = ' GROUP BY g' if r.random() < 0.3 else ''
        inner = 'SELECT %s(%s) AS r FROM hinge_fuzz.par%s%s' % (f.qname(), ', '.join(call), where, group)
        return 'SELECT max(%s(r)) FROM (%s OFFSET 0) AS s' % (self.verdict_fn(f), inner)

    def trigger_call(self, f):
        """Fires a trigger function on a fixture table with random arguments."""
        r, v = self.r, self.v
        ctx = Ctx(r, v)
        ctx.d = 3
        tbl = 'hinge_fuzz.trg' if r.random() < 0.85 else 'hinge_fuzz.trg_part'
        timing = r.choice(['BEFORE INSERT OR UPDATE'] * 6 + ['BEFORE INSERT'] * 2 + [
            'AFTER INSERT', 'BEFORE DELETE', 'BEFORE UPDATE OF x', 'AFTER UPDATE'])
        level = 'ROW' if r.random() < 0.93 else 'STATEMENT'
        k = r.random()
        args = [r.choice(['fuzz_m1', 'fuzz_m2', 'fuzz_m3', 'fuzz_m4']) if k < 0.6 else
                r.choice(MODEL_NAMES) if k < 0.93 else r.choice(JUNK_TEXT + [long_text(r)])]
        args.append(r.choice(['x', 'x', 'xr', '{f1,f2,f3}', '{f1,f2,f3}', '{f1,f2}', '{}', '{f1,NULL}',
                              '{{f1,f2},{f2,f3}}', 'lab', 'out_f8', 'id', 'nope', 'xmin', '{f1,f1,f1}',
                              '{"f1",f2,f3}', 'X']))
        args.append(r.choice(['out_f8', 'out_f8', 'out_text', 'out_real', 'out_int', 'out_bool',
                              'out_arr', 'out_num', 'out_json', 'x', 'id', 'lab', 'nope', 'xmin',
                              'tableoid', '']))
        if r.random() < 0.85:
            args.append(r.choice(['score', 'label', 'probability', 'Score', '', 'scores', 'x']))
        if r.random() < 0.05:
            args = args[:r.randint(0, len(args))]
        elif r.random() < 0.04:
            args.append('extra')
        writes = []
        for _ in range(r.randint(1, 3)):
            k = r.random()
            nrows = r.randint(1, 3)
            rows = []
            for j in range(nrows):
                x = self.features(ctx, False, row=True) if r.random() < 0.9 else v.wild_array()
                xr = self.features(ctx, True, row=True) if r.random() < 0.9 else 'NULL::real[]'
                rows.append('(%d, %s, %s, %s, %s, %s, %s)' % (
                    r.randint(1, 5), x, xr, v.lit_f8(v.f8(0.05)),
                    r.choice(['1.5', '-2', 'NULL', '1e30']), r.choice(['1', '0', 'NULL', '-7']),
                    q(r.choice(['spam', 'ham', 'a', ''])) + '::text'))
            if k < 0.75:
                writes.append('INSERT INTO %s (id, x, xr, f1, f2, f3, lab) VALUES %s' % (tbl, ', '.join(rows)))
            elif k < 0.9:
                writes.append('UPDATE %s SET x = %s, f1 = f1 + 1' % (tbl, self.features(ctx, False, row=True)))
            else:
                writes.append('UPDATE %s SET lab = lab' % tbl)
        return 'SELECT hinge_fuzz.fire(%s, ARRAY[%s]::text[], %s, %s, %s, ARRAY[%s]::text[])' % (
            q(f.qname()), ', '.join(q(a) for a in args), q(timing), q(tbl), q(level),
            ', '.join(q(w) for w in writes))

    def forge_model(self):
        """A row of hinge_model with forged contents, to score and evaluate by name."""
        r, v = self.r, self.v
        name = 'fuzz_forged_%d' % r.randrange(4)
        nf = r.choice([1, 2, 3, 3, 3, 4, 300])
        cols, vals = [], []
        for col, typ, notnull, hasdef in self.model_cols:
            val = None
            if col == 'name':
                val = q(name)
            elif col == 'weights':
                k = r.randrange(14)
                n = nf + r.choice([0, 1])
                if k >= 12:     # multiclass: one row per class
                    rows = r.choice([2, 3, 3, 4])
                    body = [v.vector_elems(n, special=0.02, nulls=0) for _ in range(rows)]
                    if k == 13 and rows > 2:
                        body[0] = ['NaN'] + body[0][1:]
                    val = v.lit_matrix(body)
                elif k == 0:
                    val = "'{}'::float8[]"
                elif k == 1:
                    val = "'{1,NULL,2,3}'::float8[]"
                elif k == 2:
                    val = "'{{1,2},{3,4}}'::float8[]"
                elif k == 3:
                    val = v.lit_array(['NaN'] + ['1'] * (n - 1))
                elif k == 4:
                    val = v.lit_array(['1'] * r.choice([n + 5, max(0, n - 2), 10000]))
                elif k == 5:
                    val = "'[5:7]={1,2,3}'::float8[]"
                elif k == 6:
                    val = v.lit_array(['1e308'] * n)
                else:
                    val = v.lit_array(v.vector_elems(n, special=0.02, nulls=0))
            elif col == 'classes':
                val = r.choice(["'{ham,spam}'::text[]", "'{ham,spam}'::text[]", "'{a}'::text[]",
                                "'{}'::text[]", "'{a,b,c}'::text[]", "'{a,b,c}'::text[]",
                                "'{a,b,c,d}'::text[]", "ARRAY['a', NULL, 'c']::text[]", "ARRAY[NULL, 'spam']::text[]",
                                "ARRAY['ham', NULL]::text[]", "'{{a,b},{c,d}}'::text[]",
                                "ARRAY[NULL, NULL]::text[]", "'[0:1]={x,y}'::text[]",
                                "ARRAY['', repeat('z', 5000)]"])
            elif col == 'n_features':
                val = str(r.choice([nf, nf, nf, nf + 1, 1, 2147483647, 100000]))
            elif col == 'class_weights':
                val = r.choice(["'{1,1}'::float8[]", "'{}'::float8[]", "'{1}'::float8[]",
                                "'{NULL,1}'::float8[]", "'{NaN,1}'::float8[]", "'{-1,0}'::float8[]",
                                "'{1,2,3}'::float8[]", "'{{1,1},{1,1}}'::float8[]"])
            elif col == 'positive_class':
                val = q(r.choice(['spam', 'ham', 'nope', '']))
            elif col == 'loss':
                val = q(r.choice(LOSSES + ['nope', '']))
            elif col in ('lambda', 'gamma'):
                val = v.lit_f8(r.choice(['0', '1', '0.01', '-1', 'NaN', 'Infinity', '1e308']))
            elif col == 'intercept':
                val = r.choice(['true', 'false'])
            elif col == 'features':
                val = "'{x}'::text[]"
            elif col == 'multiclass':
                val = q(r.choice(MULTICLASS[:2] + ['none', '']))
            elif 'calibration' in col or col.startswith('platt'):
                if r.random() < 0.3:
                    continue
                if typ.endswith('[]'):
                    val = v.lit_array([v.f8(0.3) for _ in range(r.choice([1, 2, 3, 3, 4]))])
                else:
                    val = v.lit_f8(v.f8(0.3))
            elif notnull != 't' or hasdef == 't':
                continue
            elif typ == 'text':
                val = q('x')
            elif typ == 'text[]':
                val = "'{x}'::text[]"
            elif typ in ('integer', 'bigint', 'smallint'):
                val = '1'
            elif typ in ('double precision', 'real', 'numeric'):
                val = '0'
            elif typ == 'boolean':
                val = 'false'
            elif typ.endswith('[]'):
                val = "'{}'"
            else:
                val = 'DEFAULT'
            cols.append(qi(col))
            vals.append(val)
        m = '%s.hinge_model' % qi(self.ext)
        if r.random() < 0.7:
            return self.copied_model(name, dict(zip(cols, vals)))
        return ('INSERT INTO %s AS m (%s) VALUES (%s) ON CONFLICT (name) DO UPDATE SET (%s) = '
                'ROW(%s) RETURNING 0'
                % (m, ', '.join(cols), ', '.join(vals), ', '.join(cols),
                   ', '.join('EXCLUDED.' + c for c in cols)))

    COPY_EDITS = {
        'positive_class': ['m.classes[1]', 'm.classes[2]', 'm.classes[3]', "''", 'upper(m.positive_class)'],
        'classes': ['m.classes[2:2] || m.classes[1:1]', 'm.classes[1:1]', 'm.classes || m.classes',
                    "m.classes || 'extra'::text", 'ARRAY[m.classes[1], m.classes[1]]',
                    "ARRAY[m.classes[1], NULL]"],
        'weights': ['m.weights || 1::float8', 'm.weights[1:1]', 'm.weights[2:]',
                    "array_fill(1::float8, ARRAY[3])", 'ARRAY[m.weights, m.weights]',
                    "array_fill(0::float8, ARRAY[2, 4])", "m.weights || 'NaN'::float8"],
        'n_features': ['m.n_features + 1', 'm.n_features - 1', '1', '2147483647'],
        'intercept': ['NOT m.intercept'],
        'class_weights': ['m.class_weights[1:1]', "'{}'::float8[]", 'm.class_weights || 1::float8',
                          "'{0,0}'::float8[]", "'{-1,1}'::float8[]"],
        'features': ["'{}'::text[]", 'm.features || m.features', "'{nope}'::text[]"],
        'feature_type': ["'real[]'", "'double precision[]'", "'columns'", "'int[]'", "''"],
        'loss': ["'nope'", "'squared_hinge'", "'smooth_hinge'"],
        'gamma': ["'0'::float8", "'-1'::float8", "'NaN'::float8"],
        'multiclass': ["'one_vs_rest'", "'weston_watkins'", "'crammer_singer'", "''"],
    }

    def copied_model(self, name, forged):
        """A copy of a trained model with one or two columns edited, as a
        user might edit a row by hand: mostly valid, wrong in one place."""
        r = self.r
        base = r.choice(['fuzz_m1', 'fuzz_m1', 'fuzz_m2', 'fuzz_m3', 'fuzz_m4', 'fuzz_m4'])
        allcols = [qi(c) for c, _, _, _ in self.model_cols]
        editable = [c for c in allcols if c != '"name"']
        known = [c for c in editable if c.strip('"') in self.COPY_EDITS]
        edits = {}
        for _ in range(r.choice([1, 1, 1, 2])):
            c = r.choice(known if known and r.random() < 0.75 else editable)
            raw = c.strip('"')
            if raw in self.COPY_EDITS and r.random() < 0.7:
                edits[c] = r.choice(self.COPY_EDITS[raw])
            elif c in forged:
                edits[c] = forged[c]
        select = [q(name) if c == '"name"' else edits.get(c, 'm.' + c) for c in allcols]
        t = '%s.hinge_model' % qi(self.ext)
        return ('INSERT INTO %s AS t (%s) SELECT %s FROM %s AS m WHERE m.name = %s '
                'ON CONFLICT (name) DO UPDATE SET (%s) = ROW(%s) RETURNING 0'
                % (t, ', '.join(allcols), ', '.join(select), t, q(base), ', '.join(allcols),
                   ', '.join('EXCLUDED.' + c for c in allcols)))

    def statement(self):
        """(label, SQL) of one random call."""
        f = self.pick()
        if f is None:
            return FORGE_LABEL, self.forge_model()
        if isinstance(f, str):
            return self.cases.statement(f)
        if f.kind == 'a':
            return f.sig, self.aggregate_call(f)
        if f.rettype == 'trigger':
            return f.sig, self.trigger_call(f)
        return f.sig, self.plain_call(f)


class Cases:
    """Issue 11's three kinds of cases (see CASE_KINDS), one statement each."""

    # argument types a look-alike takes in place of one of the real ones
    LA_SCALARS = ['numeric', 'integer', 'bigint', 'smallint', 'real', 'double precision', 'text',
                  'boolean', 'jsonb', 'hinge_fuzz.f8', 'anyelement', 'anycompatible']
    LA_ARRAYS = ['numeric[]', 'integer[]', 'bigint[]', 'text[]', 'real[]', 'double precision[]',
                 'hinge_fuzz.f8a', 'anyarray', 'anycompatiblearray']
    # and what it returns, when not what the real one returns
    LA_RESULTS = {'bigint': '12345::bigint', 'double precision': '0::float8',
                  'double precision[]': "'{0,0,0}'::float8[]", 'integer': '1', 'text': "'x'::text",
                  'numeric': '1::numeric', 'real[]': "'{1}'::real[]", 'boolean': 'true'}
    F8_EDITS = ["'NaN'", "'Infinity'", "'-Infinity'", "'1e308'", "'-1e308'", "'5e-324'", "'-5e-324'",
                '0', '-1', "'-0'", "'1e-300'", "'1e200'"]
    # columns that a scoring path reads (src/model.c), edited more often
    READ_COLUMNS = {'weights', 'classes', 'positive_class', 'n_features', 'lambda', 'loss', 'gamma',
                    'class_weights', 'multiclass', 'calibration_a', 'calibration_b', 'name',
                    'rows_used', 'online_updates'}
    TRAIN_SOURCES = [
        (3, 'hinge_fuzz.t_bin', ['x', 'xr', ['f1', 'f2', 'f3'], ['f4', 'f5', 'g']],
         ['y', 'lab', 'b', 'g', 'f3']),
        (3, 'hinge_fuzz.t_three', ['x', 'xr', ['f1', 'f3']], ['lab', 'y']),
        (1, 'hinge_fuzz.p_bin', ['x', 'xr'], ['y', 'lab']),
        (1, 'hinge_fuzz.v_bin', ['x', 'xr', ['f1', 'f2']], ['y', 'b']),
        (1, 'hinge_fuzz.mv_bin', ['xr'], ['lab']),
        (1, 'hinge_fuzz.t_mixed', ['x_nullrow', 'x_huge', 'x_denormal', 'x_bounds'], ['y', 'y_nulls']),
        (1, 'hinge_fuzz.t_labels', ['x'], ['l_text', 'l_date', 'l_bool', 'l_num', 'l_mood', 'l_big']),
        (1, 'hinge_fuzz.t_wide', ['x'], ['y']),
    ]

    def __init__(self, gen, calls, la_role):
        self.gen = gen
        self.r = gen.r
        self.e = qi(gen.ext)
        self.calls = calls              # hinge_internal_calls(): (name, kind, [argtypes], result)
        self.la_role = la_role          # None: look-alikes are created by the current role
        self.taken = set((f.name, tuple(f.argtypes)) for f in gen.funcs.values())
        self.byname = {}
        for f in gen.funcs.values():
            self.byname.setdefault(f.name, f)
        self.wfuncs = [f for f in gen.aggs
                       if f.nargs > 2 and f.argnames[0] in ('w', 'line') and f.argnames[1] == 'x']
        self.serial = 0

    def statement(self, kind):
        if kind == LA_LABEL:
            return LA_LABEL, self.lookalike_case()
        if kind == EDIT_LABEL:
            return EDIT_LABEL, self.edit_case()
        return self.expanded_case()

    # --- helpers ---------------------------------------------------------

    def fn(self, name):
        return '%s.%s' % (self.e, qi(name))

    def verdict(self, name, expr):
        return 'SELECT %s(r) FROM (SELECT %s AS r OFFSET 0) AS s' % (
            self.gen.verdict_fn(self.byname[name]), expr)

    def sandbox(self, setup, test, checks=None, after=None):
        if self.r.random() < 0.8:
            # a parallel worker's start costs more than the rest of a case
            # on these small tables: most cases run without
            setup = ['SET LOCAL max_parallel_workers_per_gather = 0'] + setup
        arr = ('ARRAY[%s]::text[]' % ', '.join(q(s) for s in setup)) if setup else "'{}'::text[]"
        return 'SELECT hinge_fuzz.sandbox(%s, %s, %s, %s)' % (
            arr, q(test), q(checks) if checks else 'NULL', q(after) if after else 'NULL')

    def num(self):
        x = round(self.r.gauss(0, 1), self.r.choice([1, 2, 3]))
        return repr(x) if x != 0 else '0.5'

    def after_check(self, model):
        """NULL while model scores as it did before any case ran, else what differs."""
        return ("SELECT CASE WHEN c.s IS NOT DISTINCT FROM e.scores AND c.p IS NOT DISTINCT FROM e.probs "
                "THEN NULL ELSE format('model %%s scores %%s, probabilities %%s; before the case %%s, %%s', "
                "e.name, c.s, c.p, e.scores, e.probs) END "
                "FROM hinge_fuzz.e_expect AS e, LATERAL (SELECT %s(e.name, e.x) AS s, %s(e.name, e.x) AS p) AS c "
                "WHERE e.name = %s" % (self.fn('hinge_scores'), self.fn('hinge_probabilities'), q(model)))

    # --- look-alike overloads -------------------------------------------

    def lookalike_case(self):
        r = self.r
        setup = []
        if self.la_role:
            setup.append('SET LOCAL ROLE %s' % qi(self.la_role))
        made = set()
        if r.random() < 0.06:
            setup += self.resolution_lookalike(made)
        setup += self.lookalikes(made)
        if self.la_role:
            setup.append('RESET ROLE')
        if r.random() < 0.35:
            test, model = self.train_call()
        else:
            model = r.choice(sorted(EDIT_MODELS))
            test = self.model_path(model, weights=(1, 3, 3, 3, 2))
        checks = "SELECT 'look-alike called: ' || string_agg(DISTINCT name, ', ') FROM hinge_fuzz.la_calls"
        after = self.after_check(model) if model in EDIT_MODELS else None
        return self.sandbox(setup, test, checks, after)

    def lookalikes(self, made):
        """CREATE statements of look-alikes of entries of hinge_internal_calls()
        (made: the signatures created so far)."""
        r = self.r
        k = r.random()
        if k < 0.5:
            picks = [(r.choice(self.calls), None) for _ in range(r.randint(1, 4))]
        elif k < 0.8:
            picks = [(c, None) for c in self.calls]          # one of every entry
        else:
            c = r.choice(self.calls)
            picks = [(c, i) for i in range(len(c[2]))]       # one per argument of one entry
        out = []
        for (name, kind, types, result), pos in picks:
            for _ in range(10):
                i = pos if pos is not None else r.randrange(len(types))
                t = types[i]
                same, other = (self.LA_ARRAYS, self.LA_SCALARS) if t.endswith('[]') else \
                    (self.LA_SCALARS, self.LA_ARRAYS)
                sig = list(types)
                sig[i] = r.choice(same if r.random() < 0.75 else other)
                key = (name, tuple(sig))
                if sig[i] != t and key not in self.taken and key not in made:
                    break
            else:
                continue
            made.add(key)
            out += self.lookalike(name, kind, sig, result)
        return out

    def lookalike(self, name, kind, sig, result):
        """A function, or an aggregate with a transition function, of the
        name and signature sig, whose body raises 'look-alike called', notes
        the call in hinge_fuzz.la_calls, or just returns (as in issue 11's
        crash: an aggregate of another state and result type)."""
        r = self.r
        self.serial += 1
        args = ', '.join(sig)
        what = '%s(%s)' % (name, args)
        ret = result if r.random() < 0.6 else r.choice(sorted(self.LA_RESULTS))
        flavour = r.choice(['raise', 'raise', 'note', 'quiet'])
        value = self.LA_RESULTS.get(ret, 'NULL::%s' % ret)
        if flavour == 'raise':
            body = "LANGUAGE plpgsql AS $la$ BEGIN RAISE EXCEPTION 'look-alike called: %s'; END $la$" % what
        elif flavour == 'note':
            body = ("LANGUAGE sql AS $la$ INSERT INTO hinge_fuzz.la_calls VALUES ('%s'); SELECT %s $la$"
                    % (what, value))
        else:
            body = 'LANGUAGE sql AS $la$ SELECT %s $la$' % value
        aggregate = (kind == 'aggregate') == (r.random() < 0.85)
        if not aggregate:
            return ['CREATE FUNCTION %s(%s) RETURNS %s %s' % (self.fn(name), args, ret, body)]
        sfunc = self.fn('fuzz_lookalike_sfunc_%d' % self.serial)
        return ['CREATE FUNCTION %s(%s, %s) RETURNS %s %s' % (sfunc, ret, args, ret, body),
                'CREATE AGGREGATE %s(%s) (SFUNC = %s, STYPE = %s)' % (self.fn(name), args, sfunc, ret)]

    def resolution_lookalike(self, made):
        """A function that matches a call of an entry as well as the entry
        does, through PostgreSQL's rules rather than its types: an extra
        argument with a default (the call is then ambiguous, 42725: a
        denial of service by whoever may create functions in the schema,
        never a call of theirs), or a VARIADIC tail (the entry wins)."""
        r = self.r
        name, kind, types, result = r.choice(self.calls)
        p = r.randrange(1, len(types)) if len(types) > 1 else 0
        array = (types[p] + '[]') if len(set(types[p:])) == 1 and not types[p].endswith('[]') \
            else 'anycompatiblearray'
        sig = types[:p] + [array]
        args = ', '.join(types[:p] + ['VARIADIC ' + array])
        if r.random() < 0.5 or (name, tuple(sig)) in self.taken:
            args = ', '.join(types) + ', integer DEFAULT 0'
            sig = types + ['integer']
        made.add((name, tuple(sig)))
        return ["CREATE FUNCTION %s(%s) RETURNS %s LANGUAGE plpgsql AS "
                "$la$ BEGIN RAISE EXCEPTION 'look-alike called: %s(%s)'; END $la$"
                % (self.fn(name), args, result, name, args)]

    def train_call(self):
        r = self.r
        total = sum(w for w, _, _, _ in self.TRAIN_SOURCES)
        x = r.random() * total
        for w, rel, feats, labels in self.TRAIN_SOURCES:
            x -= w
            if x < 0:
                break
        name = 'fuzz_la' if r.random() < 0.7 else r.choice(sorted(EDIT_MODELS))
        opts = ['max_passes => %d' % r.randint(2, 5)]
        if r.random() < 0.4:
            opts.append('loss => %s' % q(r.choice(LOSSES)))
        if r.random() < 0.4:
            opts.append('multiclass => %s' % q(r.choice(MULTICLASS[:3])))
        if r.random() < 0.3:
            opts.append('intercept => %s' % r.choice(['true', 'false']))
        if r.random() < 0.3:
            opts.append('lambda => %s::float8' % r.choice(['0.1', '0.01', '1', 'NULL']))
        if r.random() < 0.2:
            opts.append('class_weight => %s' % q(r.choice(['balanced', '{"spam": 2, "ham": 1}',
                                                           '{"1": 2, "-1": 1}'])))
        if r.random() < 0.15:
            opts.append('gamma => 0.5::float8')
        if r.random() < 0.1:
            opts.append('positive => %s' % q(r.choice(['spam', '1', 'true'])))
        r.shuffle(opts)
        call = '%s(%s::text, %s::regclass, %s, %s::text, %s)' % (
            self.fn('hinge_train'), q(name), q(rel), features_arg(r.choice(feats)),
            q(r.choice(labels)), ', '.join(opts))
        return self.verdict('hinge_train', call), name

    # --- scoring paths of a model -----------------------------------------

    def model_path(self, model, weights=(3, 1, 1, 3, 1), clean=False):
        """A statement that scores with model by one of hinge's paths: by
        name, hinge_evaluate, hinge_calibrate, hinge_score_trigger,
        hinge_learn_trigger (weights: how often each).  clean: valid inputs
        only, so that any error comes from the model."""
        r = self.r
        m = EDIT_MODELS[model]
        x = r.random() * sum(weights)
        path = 0
        while path < len(weights) - 1 and x >= weights[path]:
            x -= weights[path]
            path += 1
        if path == 4 and clean and isinstance(m['feats'], list):
            path = 3    # hinge_learn_trigger takes an array column only
        if path == 0:
            return self.by_name(model, m, clean)
        if path in (1, 2):
            fname = 'hinge_evaluate' if path == 1 else 'hinge_calibrate'
            rel = m['rel']
            if rel == 'hinge_fuzz.t_bin' and r.random() < 0.3:
                rel = r.choice(['hinge_fuzz.p_bin', 'hinge_fuzz.v_bin', 'hinge_fuzz.mv_bin'])
            call = '%s(%s::text, %s::regclass, %s, %s::text)' % (
                self.fn(fname), q(model), q(rel), features_arg(m['feats']), q(m['label']))
            if path == 2:
                # what calibration computed: the rest is the row as it is
                # stored, an edited objective or lower_bound included
                return ('SELECT CASE WHEN r IS NULL THEN 1 WHEN hinge_fuzz.nf((r).calibration_a) '
                        'OR hinge_fuzz.nf((r).calibration_b) THEN 2 ELSE 0 END '
                        'FROM (SELECT %s AS r OFFSET 0) AS s' % call)
            return self.verdict(fname, call)
        return self.trigger(model, m, learn=path == 4, clean=clean)

    def x_literal(self, m, clean):
        r = self.r
        n = 3 if clean or r.random() < 0.95 else r.choice([2, 4])
        real = m['real'] if r.random() < 0.8 else not m['real']
        return self.gen.v.lit_array([self.num() for _ in range(n)], real)

    def x_column(self, m):
        if isinstance(m['feats'], list):
            return 'ARRAY[%s]::float8[]' % ', '.join(m['feats'])
        return m['feats']

    def by_name(self, model, m, clean):
        r = self.r
        fname = r.choice(['hinge_score', 'hinge_scores', 'hinge_predict', 'hinge_probability',
                          'hinge_probabilities'])
        verdict = {'hinge_score': 'hinge_fuzz.v_f8', 'hinge_probability': 'hinge_fuzz.v_f8',
                   'hinge_scores': 'hinge_fuzz.v_f8a', 'hinge_probabilities': 'hinge_fuzz.v_f8a',
                   'hinge_predict': 'hinge_fuzz.v_any'}[fname]
        if r.random() < 0.5:
            return 'SELECT %s(%s(%s::text, %s))' % (verdict, self.fn(fname), q(model),
                                                   self.x_literal(m, clean))
        return 'SELECT max(%s(%s(%s::text, %s))) FROM %s' % (
            verdict, self.fn(fname), q(model), self.x_column(m), m['rel'])

    def trigger(self, model, m, learn, clean):
        """Rows inserted (and updated) through hinge_score_trigger or hinge_learn_trigger."""
        r = self.r
        feats = m['feats'] if not isinstance(m['feats'], list) else \
            '{%s}' % ','.join(m['feats'])
        if learn:
            fn = self.fn('hinge_learn_trigger')
            args = [model, feats, m['learn']]
            timing = r.choice(['AFTER INSERT', 'AFTER INSERT OR UPDATE'])
        else:
            fn = self.fn('hinge_score_trigger')
            what = r.choice(['score', 'label', 'probability', None])
            out = {'score': ['out_f8', 'out_f8', 'out_real', 'out_num'],
                   'label': ['out_text', 'out_text', 'out_int', 'out_bool'],
                   'probability': ['out_f8', 'out_f8', 'out_real'], None: ['out_f8']}[what]
            args = [model, feats, r.choice(out)] + ([what] if what else [])
            timing = r.choice(['BEFORE INSERT OR UPDATE', 'BEFORE INSERT'])
        classes = ['spam', 'ham'] if m['k'] == 2 else ['a', 'b', 'c']
        writes = []
        for _ in range(r.randint(1, 2)):
            rows = []
            for j in range(r.randint(1, 3)):
                x = [self.num() for _ in range(3)]
                xs = "'{%s}'" % ','.join(x)
                if not clean and r.random() < 0.05:
                    xs = 'NULL'
                elif not clean and r.random() < 0.03:
                    xs = "'{%s,1}'" % ','.join(x)
                f3 = r.choice(['1', '-1']) if clean or r.random() < 0.95 else r.choice(['0', 'NULL'])
                rows.append('(%d, %s::float8[], %s::real[], %s, %s, %s, %s, %s)' % (
                    j, xs, xs, self.num(), self.num(), f3, q(r.choice(classes)),
                    r.choice(['true', 'false'])))
            writes.append('INSERT INTO hinge_fuzz.trg (id, x, xr, f1, f2, f3, lab, out_bool) VALUES %s'
                          % ', '.join(rows))
        if r.random() < 0.2:
            writes.append("UPDATE hinge_fuzz.trg SET x = '{%s}', xr = '{%s}', f1 = f1 + 1" % (
                ','.join(self.num() for _ in range(3)), ','.join(self.num() for _ in range(3))))
        return ("SELECT hinge_fuzz.fire(%s, ARRAY[%s]::text[], %s, 'hinge_fuzz.trg', 'ROW', "
                "ARRAY[%s]::text[])" % (q(fn), ', '.join(q(a) for a in args), q(timing),
                                        ', '.join(q(w) for w in writes)))

    # --- hand-edited model columns ---------------------------------------

    def edit_case(self):
        r = self.r
        model = r.choice(sorted(EDIT_MODELS))
        m = EDIT_MODELS[model]
        col, expr = self.edit(m)
        setup = []
        if r.random() < 0.5:
            # the model in the backend's cache before the edit
            setup.append('SELECT %s(%s, %s::float8[])' % (self.fn('hinge_scores'), q(model), q(EDIT_X)))
        setup.append('UPDATE %s.hinge_model SET %s = %s WHERE name = %s'
                     % (self.e, qi(col), expr, q(model)))
        if col == 'name':
            # the model has another name now: every path must say it does not exist
            test = self.model_path(model, clean=True)
            test = 'SELECT hinge_fuzz.expect_error(%s, %s, %s)' % (q(test), q('42704'),
                                                                   q('%does not exist%'))
        else:
            test = self.model_path(model)
        return self.sandbox(setup, test, None, self.after_check(model))

    def edit(self, m):
        """(column, expression) of one edit hinge_train never writes."""
        r = self.r
        cols = [(c, t, n != 't') for c, t, n, _ in self.gen.model_cols]
        for _ in range(50):
            col, typ, nullable = r.choice(cols)
            if col not in self.READ_COLUMNS and r.random() < 0.6:
                continue
            vals = self.edit_values(col, typ, nullable, m)
            if vals:
                return col, r.choice(vals)
        return 'lambda', "'NaN'::float8"

    def special(self):
        return self.r.choice(self.F8_EDITS + ['NULL'])

    def edit_values(self, col, typ, nullable, m):
        r = self.r
        k = m['k']
        nw = 4 if m['icpt'] else 3
        mc = k > 2
        c = qi(col)
        out = ['NULL'] if nullable else []
        if col == 'weights':
            if mc:
                out += ['weights[1:%d][1:%d]' % (k - 1, nw), 'weights[2:%d][1:%d]' % (k, nw),
                        'weights[1:%d][1:%d]' % (k, nw - 1), 'weights[1:%d][2:%d]' % (k, nw),
                        'weights || weights[1:1][1:%d]' % nw, 'weights || weights',
                        'ARRAY(SELECT unnest(weights))', 'weights[1:1][1:%d]' % nw,
                        'hinge_fuzz.aset2(weights, %d, %d, %s)' % (r.randint(1, k), r.randint(1, nw),
                                                                   self.special()),
                        "('[0:%d][1:%d]=' || weights::text)::float8[]" % (k - 1, nw),
                        "('[1:%d][-1:%d]=' || weights::text)::float8[]" % (k, nw - 2),
                        'ARRAY[weights]', 'array_fill(0::float8, ARRAY[%d, %d])' % (k, nw),
                        'array_fill(1::float8, ARRAY[2, %d])' % nw, "'{}'::float8[]",
                        'array_fill(1e308::float8, ARRAY[%d, %d])' % (k, nw),
                        'array_fill(0.5::float8, ARRAY[%d, 1])' % k,
                        'array_fill(0.5::float8, ARRAY[%d, 100000])' % k]
            else:
                out += ['weights || 1::float8', 'weights[1:%d]' % (nw - 1), 'weights[2:%d]' % nw,
                        "'{}'::float8[]", 'ARRAY[weights]', 'ARRAY[weights, weights]',
                        'ARRAY[weights, weights, weights]', 'ARRAY[ARRAY[weights]]', 'weights || weights',
                        "('[0:%d]=' || weights::text)::float8[]" % (nw - 1),
                        "('[5:%d]=' || weights::text)::float8[]" % (nw + 4),
                        'array_fill(0.5::float8, ARRAY[100000])', 'array_fill(0::float8, ARRAY[%d])' % nw,
                        'array_fill(1e308::float8, ARRAY[%d])' % nw,
                        'hinge_fuzz.aset(weights, %d, %s)' % (r.randint(1, nw), self.special()),
                        'hinge_fuzz.aset(weights, %d, %s)' % (r.randint(1, nw), self.special()),
                        'hinge_fuzz.aset(weights, %d, 1)' % (nw + 2), 'hinge_fuzz.aset(weights, 0, 1)']
        elif col == 'classes':
            if mc:
                out += ['classes[1:2]', "classes || 'd'::text", 'ARRAY[classes[1], NULL, classes[3]]',
                        'ARRAY[classes[1], classes[1], classes[3]]', 'ARRAY[classes[3], classes[2], classes[1]]',
                        "'{}'::text[]", 'ARRAY[classes]', "('[0:2]=' || classes::text)::text[]",
                        "ARRAY['', '', '']", 'classes[2:3]', "ARRAY[repeat('z', 10000), classes[2], classes[3]]"]
            else:
                out += ['ARRAY[classes[2], classes[1]]', 'classes[1:1]', "classes || 'extra'::text",
                        'ARRAY[classes[1], NULL]', 'ARRAY[NULL, classes[2]]', 'ARRAY[classes[2], classes[2]]',
                        "'{}'::text[]", 'ARRAY[classes]', 'ARRAY[classes, classes]',
                        "('[0:1]=' || classes::text)::text[]", 'ARRAY[upper(classes[1]), classes[2]]',
                        "ARRAY['', classes[2]]", "ARRAY[repeat('z', 10000), classes[2]]",
                        "ARRAY[classes[1], classes[2] || ' ']", 'ARRAY[NULL, NULL]::text[]']
        elif col == 'positive_class':
            out += ['classes[1]', "'nope'", "''"] + ([] if mc else [
                'upper(positive_class)', "positive_class || ' '"])
        elif col == 'n_features':
            out += ['n_features + 1', 'n_features - 1', '1', '2147483647', 'n_features + 2',
                    'n_features * 2']
        elif col == 'class_weights':
            out += ['class_weights[1:1]', 'class_weights || 1::float8', "'{}'::float8[]",
                    'hinge_fuzz.aset(class_weights, %d, %s)' % (r.randint(1, k), self.special()),
                    'ARRAY[class_weights]', "('[0:%d]=' || class_weights::text)::float8[]" % (k - 1),
                    'array_fill(1::float8, ARRAY[%d])' % (k + 1), 'class_weights[2:]']
        elif col in ('calibration_a', 'calibration_b'):
            n = k if mc else 1
            out += ['%s || 1::float8' % c, "'{}'::float8[]",
                    'hinge_fuzz.aset(%s, %d, %s)' % (c, r.randint(1, n), self.special()),
                    'ARRAY[%s]' % c, "('[0:%d]=' || %s::text)::float8[]" % (n - 1, c),
                    'array_fill(0::float8, ARRAY[%d])' % n, 'array_fill(1e308::float8, ARRAY[%d])' % n,
                    'array_fill(-1e308::float8, ARRAY[%d])' % n, 'array_fill(1::float8, ARRAY[%d])' % (n + 1)]
            if mc:
                out.append('%s[1:1]' % c)
        elif col == 'multiclass':
            out += ["'one_vs_one'", "'nope'", "''", "'crammer_singer'", "'weston_watkins'",
                    "'one_vs_rest'", "'CRAMMER_SINGER'"]
        elif col == 'loss':
            out += ["'nope'", "''", "'HINGE'", "' hinge'", "'squared_hinge'", "'smooth_hinge'",
                    "repeat('x', 10000)"]
        elif col == 'features':
            out += ["'{}'::text[]", 'features || features', "'{nope}'::text[]", 'ARRAY[NULL]::text[]',
                    'ARRAY[features]', 'features[1:1]']
        elif col == 'feature_type':
            out += ["'real[]'", "'double precision[]'", "'columns'", "'nope'", "''"]
        elif col in ('relation', 'label'):
            out += ["'nope'", "''", "'hinge_fuzz.t_three'"]
        elif col == 'name':
            out += ["name || '_renamed'"]
        elif col == 'owner':
            out += ["'nobody_at_all'", "''"]
        elif typ == 'double precision':
            out += [v + '::float8' for v in self.F8_EDITS]
        elif typ == 'integer':
            out += ['-1', '0', '2147483647', '-2147483648']
        elif typ == 'bigint':
            out += ['-1', '0', '-2', '9223372036854775807', '-9223372036854775808',
                    '-9223372036854775807']
        elif typ == 'boolean':
            out += ['NOT %s' % c]
        elif typ.startswith('timestamp'):
            out += ["'infinity'", "'-infinity'", "'epoch'"]
        elif typ == 'text':
            out += ["'nope'", "''"]
        elif typ == 'text[]':
            out += ["'{}'::text[]", "'{nope}'::text[]"]
        return out

    # --- expanded arrays as aggregate weights -----------------------------

    def vector_expr(self, cells):
        """A float8[] of the columns cells, built per row, mostly expanded."""
        r = self.r
        n = len(cells)
        k = r.random()
        if k < 0.2:     # array_append
            expr = 'ARRAY[%s]' % cells[0] if n > 1 else "'{}'::float8[]"
            for c in cells[1:] if n > 1 else cells:
                expr = 'array_append(%s, %s)' % (expr, c)
            return expr
        if k < 0.35:    # array_prepend
            expr = 'ARRAY[%s]' % cells[-1] if n > 1 else "'{}'::float8[]"
            for c in reversed(cells[:-1] if n > 1 else cells):
                expr = 'array_prepend(%s, %s)' % (c, expr)
            return expr
        if k < 0.47:    # array || element (array_append)
            if n == 1:
                return "('{}'::float8[] || %s)" % cells[0]
            return '(ARRAY[%s] || %s)' % (cells[0], ' || '.join(cells[1:]))
        if k < 0.55:    # element || array (array_prepend)
            if n == 1:
                return "(%s || '{}'::float8[])" % cells[0]
            expr = 'ARRAY[%s]' % cells[-1]
            for c in reversed(cells[:-1]):
                expr = '(%s || %s)' % (c, expr)
            return expr
        if k < 0.72:    # one element assigned in PL/pgSQL
            i = r.randrange(n)
            body = ['0::float8' if j == i else c for j, c in enumerate(cells)]
            return 'hinge_fuzz.aset(ARRAY[%s], %d, %s)' % (', '.join(body), i + 1, cells[i])
        if k < 0.82:    # every element assigned, onto zeros
            expr = 'array_fill(0::float8, ARRAY[%d])' % n
            for i, c in enumerate(cells):
                expr = 'hinge_fuzz.aset(%s, %d, %s)' % (expr, i + 1, c)
            return expr
        if k < 0.92 or n == 1:   # flat: an array constructor
            return 'ARRAY[%s]' % ', '.join(cells)
        cut = r.randint(1, n - 1)    # flat: array || array (array_cat)
        return '(ARRAY[%s] || ARRAY[%s])' % (', '.join(cells[:cut]), ', '.join(cells[cut:]))

    def matrix_expr(self, cells):
        """A two-dimensional float8[] of the columns cells, built per row."""
        r = self.r
        rows, cols = len(cells), len(cells[0])
        k = r.random()
        if k < 0.3 or (k < 0.5 and rows * cols > 16):    # one element assigned in PL/pgSQL
            a, b = r.randrange(rows), r.randrange(cols)
            body = [['0::float8' if (i, j) == (a, b) else c for j, c in enumerate(row)]
                    for i, row in enumerate(cells)]
            return 'hinge_fuzz.aset2(ARRAY[%s], %d, %d, %s)' % (
                ', '.join('ARRAY[%s]' % ', '.join(row) for row in body), a + 1, b + 1, cells[a][b])
        if k < 0.5:     # every element assigned, onto zeros
            expr = 'array_fill(0::float8, ARRAY[%d, %d])' % (rows, cols)
            for i, row in enumerate(cells):
                for j, c in enumerate(row):
                    expr = 'hinge_fuzz.aset2(%s, %d, %d, %s)' % (expr, i + 1, j + 1, c)
            return expr
        if k < 0.8:     # rows built as vectors, stacked
            return 'ARRAY[%s]' % ', '.join(self.vector_expr(row) for row in cells)
        return '(%s)' % ' || '.join('ARRAY[ARRAY[%s]]' % ', '.join(row) for row in cells)

    def expanded_case(self):
        """An aggregate whose weights (or line) are built per row from the
        row's values: an error when they differ between rows, else exactly
        the result of the same call with the weights as a constant."""
        r = self.r
        f = r.choice(self.wfuncs)
        names = f.argnames
        mc = 'label' in names
        line = names[0] == 'line'
        # the cross-validation aggregates: every fold's weights rows of a
        # matrix, class weights folds x classes (here two folds; every row
        # in fold 1)
        cv = 'fold' in names
        real = f.argtypes[1] == 'real[]'
        d = r.randint(1, 4)
        nw = d + (1 if r.random() < 0.5 else 0)
        k = r.randint(2, 4)
        nmat = (2 * k if line else k) if mc else (2 if line else 1)
        if cv:      # two folds: every fold's rows of weights (or ends)
            nmat *= 2
        nrows = r.choice([2, 2, 3, 3, 4, 5, 6]) if r.random() < 0.95 else r.choice([20, 50])
        differ = r.random() < 0.5
        base = [[self.num() for _ in range(nw)] for _ in range(nmat)]
        per_row = [base] * nrows
        if differ:
            if r.random() < 0.7:    # one element of one row
                j, a, b = r.randrange(nrows), r.randrange(nmat), r.randrange(nw)
                changed = [row[:] for row in base]
                changed[a][b] = repr(float(base[a][b]) + r.choice([1.0, -1.0, 0.5, 1e-3]))
                per_row = [changed if i == j else base for i in range(nrows)]
            else:                   # each row its own
                per_row = [base] + [[[self.num() for _ in range(nw)] for _ in range(nmat)]
                                    for _ in range(nrows - 1)]
                if all(w == base for w in per_row):
                    per_row[-1] = [[repr(float(v) + 1.0) for v in row] for row in base]
        cells = [['w%d' % (a * nw + b + 1) for b in range(nw)] for a in range(nmat)]
        wexpr = self.matrix_expr(cells) if mc or line or cv else self.vector_expr(cells[0])
        const = self.gen.v.lit_matrix(base) if mc or line or cv else self.gen.v.lit_array(base[0])
        # the VALUES rows: i, g, the weights' elements, x, y or label
        t = 'real[]' if real else 'float8[]'
        values = []
        for i in range(nrows):
            elems = ["'%s'::float8" % v for row in per_row[i] for v in row]
            x = "'{%s}'::%s" % (','.join(self.num() for _ in range(d)), t)
            y = str(r.randint(1, k)) if mc else "'%s'::float8" % r.choice(['1', '-1'])
            values.append('(%d, %d, %s, %s, %s)' % (i + 1, r.randint(1, 2), ', '.join(elems), x, y))
        src = '(VALUES %s) AS t(i, g, %s, x, y)' % (
            ', '.join(values), ', '.join('w%d' % (i + 1) for i in range(nmat * nw)))
        rest = []
        for name, typ in zip(names[3:], f.argtypes[3:]):
            if name == 'lambda':
                rest.append("'%s'::float8" % r.choice(['0.1', '0.01', '1', '0']))
            elif name == 'loss':
                rest.append(q('hinge' if 'line_planes' in f.name else r.choice(LOSSES)) + '::text')
            elif name == 'gamma':
                rest.append("'%s'::float8" % r.choice(['1', '0.5']))
            elif name in ('positive_weight', 'negative_weight'):
                rest.append("'%s'::float8" % r.choice(['1', '2', '0.5']))
            elif name == 'variant':
                rest.append(q(r.choice(VARIANTS)) + '::text')
            elif name == 'class_weights' and cv:
                rest.append("'{%s}'::float8[]" % ','.join(
                    '{%s}' % ','.join(r.choice(['1', '2', '0.5']) for _ in range(k if mc else 2))
                    for _ in range(2)))
            elif name == 'class_weights':
                rest.append("'{%s}'::float8[]" % ','.join(r.choice(['1', '2', '0.5']) for _ in range(k)))
            elif typ == 'text':
                rest.append("'hinge'::text")
            else:
                rest.append("'1'::%s" % self.gen.cast_type(typ))
        form = r.random()
        window = None
        if form < 0.3:     # a window aggregate (frames of two rows and more)
            window = r.choice(['', ' ROWS BETWEEN 1 PRECEDING AND CURRENT ROW',
                               ' ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING',
                               ' ROWS BETWEEN CURRENT ROW AND 1 FOLLOWING',
                               ' RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW'])
            if not differ and r.random() < 0.3:
                window = 'PARTITION BY g ORDER BY i' + window
            else:
                window = 'ORDER BY i' + window
        order = ' ORDER BY i DESC' if window is None and r.random() < 0.12 else ''
        expanded = '%s(%s%s)' % (f.qname(), ', '.join([wexpr, 'x', 'y'] + rest), order)
        constant = '%s(%s%s)' % (f.qname(), ', '.join([const, 'x', 'y'] + rest), order)
        verdict = self.gen.verdict_fn(f)
        if differ:
            if window is not None:
                inner = 'SELECT %s OVER (%s) AS a FROM %s' % (expanded, window, src)
            else:
                inner = 'SELECT %s AS a FROM %s' % (expanded, src)
            test = 'SELECT max(%s(a)) FROM (%s OFFSET 0) AS s' % (verdict, inner)
            return EXP_DIFF_LABEL, 'SELECT hinge_fuzz.expect_error(%s, %s, %s)' % (
                q(test), q('22023'), q(WEIGHTS_DIFFER))
        if window is not None:
            inner = 'SELECT %s OVER w AS a, %s OVER w AS b FROM %s WINDOW w AS (%s)' % (
                expanded, constant, src, window)
        elif form < 0.45:
            inner = 'SELECT %s AS a, %s AS b FROM %s GROUP BY g' % (expanded, constant, src)
        elif form < 0.55:
            inner = 'SELECT %s FILTER (WHERE i > 1) AS a, %s FILTER (WHERE i > 1) AS b FROM %s' % (
                expanded, constant, src)
        else:
            inner = 'SELECT %s AS a, %s AS b FROM %s' % (expanded, constant, src)
        test = ("SELECT hinge_fuzz.same_result(count(*) FILTER (WHERE a IS DISTINCT FROM b), "
                "min(a::text || '|' || b::text) FILTER (WHERE a IS DISTINCT FROM b), max(%s(a))) "
                "FROM (%s OFFSET 0) AS s" % (verdict, inner))
        return EXP_SAME_LABEL, test


# ---------------------------------------------------------------------------
# The run

def copy_escape(s):
    return (s.replace('\\', '\\\\').replace('\t', '\\t').replace('\n', '\\n')
            .replace('\r', '\\r'))


SESSION_SETTINGS = """
SET client_min_messages = notice;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET statement_timeout = '%ds';
"""


class Fuzzer:
    def __init__(self, opts):
        self.opts = opts
        self.psql = Psql()
        self.r = random.Random(opts.seed)
        self.counts = {}
        self.by_func = {}
        self.findings = []          # (kind, id, label, sql, detail)
        self.finding_ids = set()
        self.slow = []
        self.crashes = 0
        self.crash_sigs = {}
        self.state_nonfinite = 0
        self.state_nonfinite_examples = []
        self.log_path = None
        self.log_offset = 0
        self.data_dir = None
        self.cores_seen = set()
        self.made_role = False
        self.ms_by_label = {}

    # -- server log and cores --------------------------------------------

    def find_log(self):
        if self.opts.server_log:
            return self.opts.server_log
        root = os.environ.get('PG_CLUSTER_CONF_ROOT')
        if root:
            logs = glob.glob(os.path.join(os.path.dirname(root), 'log', '*.log'))
            if logs:
                return logs[0]
        try:
            rows = self.psql.query("SELECT current_setting('data_directory'), "
                                   "coalesce(pg_current_logfile(), '');")
            data, rel = rows[0]
            self.data_dir = data
            if rel:
                path = rel if rel.startswith('/') else os.path.join(data, rel)
                if os.access(path, os.R_OK):
                    return path
        except (RuntimeError, IndexError, ValueError):
            pass
        return None

    def new_log_text(self):
        if not self.log_path:
            return ''
        try:
            with open(self.log_path, 'rb') as fh:
                fh.seek(self.log_offset)
                data = fh.read()
                self.log_offset += len(data)
            return data.decode(errors='replace')
        except OSError:
            return ''

    def new_cores(self):
        """Core files written since the last look (core_pattern 'core': the data directory)."""
        if not self.data_dir or not os.access(self.data_dir, os.R_OK):
            return []
        cores = []
        for p in glob.glob(os.path.join(self.data_dir, 'core*')):
            try:
                key = (p, os.path.getmtime(p))
            except OSError:
                continue
            if key not in self.cores_seen:
                self.cores_seen.add(key)
                cores.append(p)
        return cores

    def backtrace(self, core):
        gdb = shutil.which('gdb')
        postgres = '/usr/lib/postgresql/%s/bin/postgres' % PG_MAJOR
        if not gdb or not os.path.exists(postgres):
            return ''
        try:
            p = subprocess.run([gdb, '-batch', '-nx', '-ex', 'bt 25', postgres, core],
                               capture_output=True, text=True, timeout=120, errors='replace')
            lines = []
            for l in p.stdout.splitlines():
                l = re.sub(r'^(#\d+ +)0x[0-9a-f]+ in ', r'\1', l)
                if l.startswith('#') and l not in lines:
                    lines.append(l)
            return '\n'.join(lines[:10])
        except (subprocess.TimeoutExpired, OSError):
            return ''

    # -- setup ----------------------------------------------------------

    def setup(self):
        psql = self.psql
        if not psql.alive():
            sys.exit('fuzz: cannot connect to the server (psql SELECT 1 failed)')
        psql.query("SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS hinge;")
        ext = psql.query("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n "
                         "ON n.oid = e.extnamespace WHERE e.extname = 'hinge';")[0][0]
        self.ext = ext
        rc, out, err = psql.run(fixture_sql(ext))
        if rc != 0:
            sys.exit('fuzz: could not create the fixtures:\n' + err)
        rc, out, err = psql.run(cases_fixture_sql(ext))
        if rc != 0:
            sys.exit('fuzz: could not create the fixtures of the sandboxed cases:\n' + err)
        for line in err.splitlines():
            if 'WARNING' in line and 'fuzz:' in line:
                print('fuzz: ' + line.strip())
        funcs = load_catalog(psql)
        if not funcs:
            sys.exit('fuzz: extension hinge has no functions?')
        types = composite_types(psql, funcs)
        sql, names = verdict_sql(types)
        if sql:
            psql.query(sql)
        self.funcs = funcs
        self.funcs_by_sig = {f.sig: f.role for f in funcs.values()}
        self.gen = Gen(self.r, funcs, ext, names, model_columns(psql, ext))
        if self.opts.no_forged_models:
            self.gen.total_weight -= self.gen.forge_weight
        self.gen.add_cases(Cases(self.gen, self.internal_calls(ext), self.lookalike_role(ext)),
                           self.opts.only_cases)
        self.log_path = self.find_log()
        if self.log_path:
            try:
                self.log_offset = os.path.getsize(self.log_path)
            except OSError:
                self.log_path = None
        if self.data_dir is None:
            try:
                self.data_dir = psql.query("SELECT current_setting('data_directory');")[0][0]
            except (RuntimeError, IndexError):
                pass
        self.new_cores()
        n_agg = sum(1 for f in funcs.values() if f.kind == 'a')
        n_sup = sum(1 for f in funcs.values() if f.role is not None)
        print('fuzz: %d functions of extension hinge (schema %s): %d aggregates, %d of their '
              'support functions, %d others; server log: %s'
              % (len(funcs), ext, n_agg, n_sup, len(funcs) - n_agg - n_sup,
                 self.log_path or 'not readable'), flush=True)

    def internal_calls(self, ext):
        """The functions and aggregates hinge's own queries call, whose
        look-alikes the look-alike cases create."""
        try:
            rows = self.psql.query("SELECT name, kind, array_to_string(argtypes::text[], '|'), result "
                                   "FROM %s.hinge_internal_calls() ORDER BY 1, 3;" % qi(ext))
        except RuntimeError:
            print('fuzz: no hinge_internal_calls(): no look-alike cases', flush=True)
            return []
        return [(name, kind, types.split('|'), result) for name, kind, types, result in rows]

    def lookalike_role(self, ext):
        """A role with CREATE on the extension's schema, to create look-alikes
        as (None: the current role creates them)."""
        rc, _, err = self.psql.run(lookalike_role_sql(ext))
        if rc != 0:
            print('fuzz: could not create role %s (%s); the current role creates the look-alikes'
                  % (LA_ROLE, err.strip().splitlines()[-1] if err.strip() else rc), flush=True)
            return None
        self.made_role = True
        return LA_ROLE

    def cleanup(self):
        self.psql.run("SET client_min_messages = warning; DROP SCHEMA IF EXISTS hinge_fuzz CASCADE;"
                      "DELETE FROM %s.hinge_model WHERE name LIKE 'fuzz\\_%%';" % qi(self.ext))
        if self.made_role:
            self.psql.run(drop_lookalike_role_sql())

    # -- batches --------------------------------------------------------

    def run_ids(self, ids, stmts):
        """Runs the statements ids (ascending) in one session.  Returns (rows,
        crashed_at or None, timed_out_at or None, stderr)."""
        for attempt in range(3):
            parts = [SESSION_SETTINGS % self.opts.timeout,
                     'TRUNCATE hinge_fuzz.stmts;\nCOPY hinge_fuzz.stmts (id, sql) FROM STDIN;\n',
                     ''.join('%d\t%s\n' % (i, copy_escape(stmts[i][1])) for i in ids),
                     '\\.\n',
                     'SELECT kind, id, code, info FROM hinge_fuzz.run(%d, %d);\n' % (ids[0], ids[-1])]
            rc, out, err = self.psql.run(''.join(parts), timeout=self.opts.timeout + 120)
            rows = [line.split('\t', 3) for line in out.splitlines() if line.startswith('R\t')]
            started = [int(m) for m in re.findall(r'%s (\d+)' % MARKER, err)]
            last = started[-1] if started else None
            if rc == 0:
                return rows, None, None, err
            if rc is None or 'canceling statement due to statement timeout' in err:
                return rows, None, last if last is not None else ids[0], err
            if last is not None and is_crash(err):
                return rows, last, None, err
            if ('the database system is' in err or 'Connection refused' in err
                    or 'could not connect' in err or is_crash(err)):
                # not yet running a statement: the server is restarting
                time.sleep(1)
                self.psql.wait_alive()
                continue
            break
        raise RuntimeError('fuzz: the batch %d..%d failed (psql exit %s):\n%s'
                           % (ids[0], ids[-1], rc, err[-3000:]))

    def add_finding(self, kind, sid, label, sql, detail):
        self.findings.append((kind, sid, label, sql, detail))
        self.finding_ids.add(sid)

    def record(self, rows, stmts):
        for _, sid, code, info in rows:
            sid = int(sid)
            label = stmts[sid][0]
            self.counts[code] = self.counts.get(code, 0) + 1
            fc = self.by_func.setdefault(label, {})
            fc[code] = fc.get(code, 0) + 1
            ms, _, msg = info.partition(' ')
            try:
                ms = float(ms)
            except ValueError:
                ms = 0.0
            self.ms_by_label[label] = self.ms_by_label.get(label, 0.0) + ms
            if ms > 2000:
                self.slow.append((ms, sid, label, stmts[sid][1]))
            if code == 'NONFINITE':
                if self.funcs_by_sig.get(label) in ('transfn', 'combinefn'):
                    # a transition state is not a result: sums may overflow
                    # on the way, and the final function must catch that
                    self.state_nonfinite += 1
                    if self.state_nonfinite <= 3:
                        self.state_nonfinite_examples.append(stmts[sid][1])
                elif self.funcs_by_sig.get(label) == 'finalfn':
                    self.add_finding('NaN or Infinity from a final function given a forged, '
                                     'mutated or hand-built state', sid, label, stmts[sid][1], '')
                elif 'fuzz_forged_' in stmts[sid][1]:
                    self.add_finding('NaN or Infinity in a result computed from a forged '
                                     'hinge_model row', sid, label, stmts[sid][1], '')
                else:
                    self.add_finding('NaN or Infinity in a float8 result', sid, label, stmts[sid][1], '')
            elif code.startswith('XX') and code != 'XX001':
                self.add_finding('internal error %s' % code, sid, label, stmts[sid][1], msg)
            elif code.startswith('HZ'):
                self.add_finding(CASE_FAILURES.get(code, 'a failed check (%s)' % code),
                                 sid, label, stmts[sid][1], msg)

    def crashes_with(self, ids, stmts):
        """Runs statements by themselves: do they crash the server?"""
        time.sleep(1)
        if not self.psql.wait_alive():
            return None
        _, crashed, _, _ = self.run_ids(ids, stmts)
        if crashed is not None:
            time.sleep(1)
            self.psql.wait_alive()
            return True
        return False

    def context_for(self, sid, stmts):
        """The latest statements before sid that wrote a model the statement names."""
        ids = []
        for name in sorted(set(re.findall(r"fuzz_(?:forged_\d|t\d|m\d)\b", stmts[sid][1]))):
            for j in range(sid - 1, 0, -1):
                label, sql = stmts[j]
                if writes_model(label) and "'%s'" % name in sql:
                    ids.append(j)
                    break
        return sorted(ids)

    def handle_crash(self, sid, stmts, err):
        self.crashes += 1
        label, sql = stmts[sid]
        print('fuzz: SERVER CRASH at statement %d (%s)' % (sid, label), flush=True)
        time.sleep(1)
        if not self.psql.wait_alive():
            sys.exit('fuzz: the server did not come back after a crash')
        self.counts['CRASH'] = self.counts.get('CRASH', 0) + 1
        fc = self.by_func.setdefault(label, {})
        fc['CRASH'] = fc.get('CRASH', 0) + 1
        log = self.new_log_text()
        cores = self.new_cores()
        bt = self.backtrace(cores[-1]) if cores else ''
        where = re.search(r'^#\d+ +(\w+) \(.*\) at (src/\S+)', bt, re.M)
        signature = '%s (%s)' % (where.group(1), where.group(2)) if where else label
        self.crash_sigs[signature] = self.crash_sigs.get(signature, 0) + 1
        if self.crash_sigs[signature] > 3:
            # a crash already analysed three times: just count it
            self.new_log_text()
            self.add_finding('SERVER CRASH', sid, label, sql, 'in ' + signature)
            return
        context = self.context_for(sid, stmts)
        repro = None
        if self.crashes_with([sid], stmts):
            repro = 'alone'
        elif context and self.crashes_with(context + [sid], stmts):
            repro = 'context'
        log += self.new_log_text()
        detail = ['in ' + signature]
        sig = [l.strip() for l in log.splitlines() if 'terminated by signal' in l
               or 'terminated by exception' in l or 'PANIC' in l]
        if sig:
            detail.append('server log: ' + sig[0])
        detail.append({'alone': 'reproduces: yes, by itself (with the rows it reads as they are now)',
                       'context': 'reproduces: yes, after the statement(s) that wrote the model it reads',
                       None: 'reproduces: no, not by itself (depends on earlier statements)'}[repro])
        if context:
            detail.append('to reproduce in a fresh database, run first:\n'
                          + '\n'.join('  ' + stmts[j][1] + ';' for j in context))
        if bt:
            detail.append('backtrace:\n' + '\n'.join('  ' + l for l in bt.splitlines()))
        self.add_finding('SERVER CRASH', sid, label, sql, '\n'.join(detail))

    def handle_timeout(self, sid, stmts):
        label, sql = stmts[sid]
        print('fuzz: statement %d (%s) still running after the batch timeout' % (sid, label), flush=True)
        self.add_finding('HANG: batch timeout (%ds)' % self.opts.timeout, sid, label, sql, '')
        self.counts['TIMEOUT'] = self.counts.get('TIMEOUT', 0) + 1
        self.psql.wait_alive()

    def check_log(self):
        """A crash seen only in the log (a backend of another session)."""
        text = self.new_log_text()
        hits = [l.strip() for l in text.splitlines() if 'terminated by signal' in l]
        for h in hits:
            self.add_finding('SERVER CRASH (log only)', -1, '?', '', h)
            self.crashes += 1

    def run(self):
        opts = self.opts
        t0 = time.time()
        self.setup()
        stmts = {}
        dump = open(opts.dump_sql, 'w') if opts.dump_sql else None
        next_id = 1
        done = 0
        last_report = time.time()
        while done < opts.calls:
            n = min(opts.batch, opts.calls - done)
            lo = next_id
            for i in range(n):
                stmts[next_id] = self.gen.statement()
                if dump:
                    dump.write('-- %d: %s\n%s;\n' % (next_id, stmts[next_id][0], stmts[next_id][1]))
                next_id += 1
            hi = next_id - 1
            queue = [(lo, hi)]
            while queue:
                a, b = queue.pop(0)
                rows, crashed, timed_out, err = self.run_ids(list(range(a, b + 1)), stmts)
                self.record(rows, stmts)
                if crashed is not None:
                    self.handle_crash(crashed, stmts, err)
                elif timed_out is not None:
                    self.handle_timeout(timed_out, stmts)
                else:
                    continue
                # the results of the statements before it were lost with the
                # session: run them again, then the rest of the batch
                stop = crashed if crashed is not None else timed_out
                if stop > a:
                    queue.insert(0, (a, stop - 1))
                if stop < b:
                    queue.append((stop + 1, b))
            self.check_log()
            done += n
            for i in range(lo, hi + 1):
                if i not in self.finding_ids and not writes_model(stmts[i][0]):
                    stmts[i] = (stmts[i][0], '')   # keep memory flat on long runs
            if self.crashes >= opts.max_crashes:
                print('fuzz: stopping after %d crashes (--max-crashes)' % self.crashes, flush=True)
                break
            if time.time() - last_report > 30 or done == opts.calls:
                last_report = time.time()
                errs = sum(c for k, c in self.counts.items() if k not in ('result', 'null', 'no rows'))
                print('fuzz: %d/%d calls, %d errors, %d crashes, %.0f s'
                      % (done, opts.calls, errs, self.crashes, time.time() - t0), flush=True)
        if dump:
            dump.close()
        if not opts.keep:
            self.cleanup()
        return self.summary(time.time() - t0)

    def summary(self, seconds):
        c = self.counts
        total = sum(c.values())
        results = c.get('result', 0) + c.get('null', 0) + c.get('no rows', 0)
        print()
        kinds = []
        for _, labels, name in CASE_KINDS:
            kinds.append('%s %d' % (name, sum(sum(self.by_func.get(l, {}).values()) for l in labels)))
        print('hinge fuzz: seed %d, %d calls in %.1f s; issue 11 cases: %s'
              % (self.opts.seed, total, seconds, ', '.join(kinds)))
        print('  results: %d (%d values, %d NULL%s)' % (
            results, c.get('result', 0), c.get('null', 0),
            ', %d no rows' % c['no rows'] if c.get('no rows') else ''))
        errors = sorted((k, n) for k, n in c.items()
                        if k not in ('result', 'null', 'no rows', 'CRASH', 'TIMEOUT', 'NONFINITE')
                        and not k.startswith('HZ'))
        print('  errors: %d' % sum(n for _, n in errors))
        for k, n in sorted(errors, key=lambda kv: -kv[1]):
            print('    %-6s %7d  %s' % (k, n, SQLSTATE_NAMES.get(k, '')))
        print('  NaN/Infinity results: %d' % (c.get('NONFINITE', 0) - self.state_nonfinite))
        if self.state_nonfinite:
            print('  (and %d transition or combine states holding NaN/Infinity, from forged or '
                  'overflowing input states: not results, not failures)' % self.state_nonfinite)
        print('  internal errors (XX, not XX001): %d'
              % sum(n for k, n in c.items() if k.startswith('XX') and k != 'XX001'))
        print('  hangs (batch timeout): %d' % c.get('TIMEOUT', 0))
        print('  crashes: %d' % self.crashes)
        print('  failed checks of the issue 11 cases (HZ): %d'
              % sum(n for k, n in c.items() if k.startswith('HZ')))
        print('  issue 11 cases, by outcome:')
        for _, labels, _ in CASE_KINDS:
            for label in labels:
                fc = self.by_func.get(label, {})
                outcomes = sorted(fc.items(), key=lambda kv: (-kv[1], kv[0]))
                print('    %-48s %6d  (%.1f s) %s' % (label + ':', sum(fc.values()),
                                                   self.ms_by_label.get(label, 0.0) / 1000,
                                                   ', '.join('%s %d' % kv for kv in outcomes)))
        for sig, n in sorted(self.crash_sigs.items(), key=lambda kv: -kv[1]):
            print('    %5d  in %s' % (n, sig))
        never = sorted(set(f.sig for f in self.funcs.values()) - set(
            label for label, fc in self.by_func.items() if fc.get('result') or fc.get('null')))
        if self.opts.verbose:
            print('\nper function (calls: codes):')
            for label in sorted(self.by_func):
                fc = self.by_func[label]
                print('  %s: %s' % (label, ', '.join('%s %d' % kv for kv in sorted(fc.items()))))
        if never:
            print('  functions that never returned a result: %d' % len(never))
            for sig in never:
                print('    ' + sig)
        if self.slow:
            print('  slowest calls (over 2 s):')
            for ms, sid, label, sql in sorted(self.slow, reverse=True)[:5]:
                print('    %.1f s  #%d %s: %s' % (ms / 1000, sid, label, sql[:300]))
        failing = [f for f in self.findings]
        if failing:
            groups = {}
            for kind, sid, label, sql, detail in failing:
                key = (kind, detail.split('\n')[0] if kind == 'SERVER CRASH' else label)
                groups[key] = groups.get(key, 0) + 1
            print('\nFINDINGS (%d), by kind and function or crash site:' % len(failing))
            for (kind, what), n in sorted(groups.items(), key=lambda kv: (kv[0][0], -kv[1])):
                print('  %6d  %s: %s' % (n, kind, what))
            seen = {}
            for kind, sid, label, sql, detail in failing:
                key = (kind, detail.split('\n')[0] if kind == 'SERVER CRASH' else label)
                seen[key] = seen.get(key, 0) + 1
                if seen[key] > 3:
                    continue
                print('\n* %s: statement %d, %s' % (kind, sid, label))
                if sql:
                    print('  ' + sql + ';')
                if detail:
                    print('  ' + detail.replace('\n', '\n  '))
            hidden = sum(n - 3 for n in seen.values() if n > 3)
            if hidden:
                print('\n(%d more findings of the same kinds and functions not shown)' % hidden)
        ok = not failing and self.crashes == 0
        print('\nhinge fuzz: %s' % ('PASS' if ok else 'FAIL'))
        return 0 if ok else 1


SQLSTATE_NAMES = {
    '22023': 'invalid_parameter_value', '2202E': 'array_subscript_error',
    '22004': 'null_value_not_allowed', '22003': 'numeric_value_out_of_range',
    '22012': 'division_by_zero', '54000': 'program_limit_exceeded',
    'XX001': 'data_corrupted', 'XX000': 'internal_error', '42883': 'undefined_function',
    '42P01': 'undefined_table', '42703': 'undefined_column', '42804': 'datatype_mismatch',
    '22P02': 'invalid_text_representation', '2202E ': '', '0A000': 'feature_not_supported',
    '42725': 'ambiguous_function', '02000': 'no_data', '22P05': 'untranslatable_character',
    '42P13': 'invalid_function_definition', '42809': 'wrong_object_type',
    '23505': 'unique_violation', '23502': 'not_null_violation', '23514': 'check_violation',
    '42501': 'insufficient_privilege', '22000': 'data_exception', '0LP01': '',
    '2201E': 'invalid_argument_for_logarithm', '53200': 'out_of_memory',
    '22001': 'string_data_right_truncation', '42P18': 'indeterminate_datatype',
    '42846': 'cannot_coerce', '22008': 'datetime_field_overflow', '21000': 'cardinality_violation',
    '42803': 'grouping_error', '42P10': 'invalid_column_reference', '57014': 'query_canceled',
    '22P04': 'bad_copy_file_format', '2F005': 'function_executed_no_return_statement',
    '22030': 'duplicate_json_object_key_value', '22032': 'invalid_json_text',
    '42601': 'syntax_error', '42704': 'undefined_object', 'P0002': 'no_data_found', '42804 ': '', '22007': 'invalid_datetime_format',
    '0A001': '', '55000': 'object_not_in_prerequisite_state', '22026': 'string_data_length_mismatch',
}


def parse_args():
    p = argparse.ArgumentParser(
        description='Random calls to every SQL function and aggregate of hinge; '
                    'fails on a server crash, an internal error or a NaN/Infinity result.')
    p.add_argument('--calls', type=int, default=2000, help='statements to run (default 2000)')
    p.add_argument('--seed', type=int, default=1, help='random seed (default 1)')
    p.add_argument('--batch', type=int, default=250, help='statements per session (default 250)')
    p.add_argument('--timeout', type=int, default=300,
                   help='seconds a batch may take before it counts as a hang (default 300)')
    p.add_argument('--max-crashes', type=int, default=10,
                   help='stop after this many server crashes (default 10)')
    p.add_argument('--only-cases', choices=['all', 'look-alike', 'edit', 'expanded'],
                   help='run only the cases of issue 11 (look-alike overloads, hand-edited '
                   'model columns, expanded-array weights), or only one kind of them')
    p.add_argument('--no-forged-models', action='store_true',
                   help='do not write forged rows into hinge_model')
    p.add_argument('--server-log', help='the server log, to quote crash lines from '
                   '(found by itself under pg_virtualenv)')
    p.add_argument('--dump-sql', metavar='FILE', help='write every generated statement to FILE')
    p.add_argument('--keep', action='store_true', help='keep schema hinge_fuzz and the fuzz_* models')
    p.add_argument('-v', '--verbose', action='store_true', help='print the codes per function')
    opts = p.parse_args()
    if opts.calls < 1 or opts.batch < 1 or opts.timeout < 1:
        p.error('--calls, --batch and --timeout must be positive')
    return opts


def main():
    opts = parse_args()
    if not connection_given():
        reexec_under_virtualenv()
    if shutil.which('psql') is None:
        sys.exit('fuzz: psql not found')
    sys.exit(Fuzzer(opts).run())


if __name__ == '__main__':
    main()
