#!/usr/bin/python3
"""bench/fixed_cost.py: what a pass of hinge_train costs beyond reading its rows,
on a table of a few hundred rows (the demo's breast-cancer set, 569 x 30,
standardised).

Run by bench/fixed_cost.sh (inside a throwaway cluster).  Serial.  Times, in
this backend's CPU seconds (/proc/<pid>/schedstat through pg_read_file) and
on the wall clock, the mean of R runs (HINGE_BENCH_REPS, default 200) of a
bare scan (sum(cardinality(x))) and of one pass of hinge_cutting_plane and
of hinge_line_planes sent as queries, then the median of 5 trainings on
passes (hinge.in_memory_limit = 0) at lambda 1e-3, 1e-4 and 1e-5
(tolerance 1e-3, no intercept), divided by their passes: what a pass costs
inside a training, planning, master problem and line search included.
"""
import os
import sys
import time

import psycopg2

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ["HINGE_BENCH_ONLY"] = "breast_cancer"
import real  # noqa: E402  (its data sets, loader and CPU clock)

REPS = int(os.environ.get("HINGE_BENCH_REPS", "200"))


def main():
    conn = psycopg2.connect("")
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute("SET client_min_messages = warning")
    cur.execute("CREATE EXTENSION IF NOT EXISTS hinge")
    cur.execute("SET max_parallel_workers_per_gather = 0")
    cur.execute("SET jit = off")
    name, X, y, _ = real.datasets()[0]
    real.load(cur, name, X, y)
    n, d = X.shape
    w = [0.01] * d

    def cost(sql, args=()):
        cur.execute(sql, args)
        cur.fetchall()
        c0 = real.backend_cpu(cur)
        t0 = time.perf_counter()
        for _ in range(REPS):
            cur.execute(sql, args)
            cur.fetchall()
        return ((real.backend_cpu(cur) - c0) / REPS * 1e3,
                (time.perf_counter() - t0) / REPS * 1e3)

    print(f"{name}: {n} rows x {d} features; ms, mean of {REPS} queries (CPU, wall)")
    print("scan sum(cardinality(x)):   %.3f %.3f" % cost(f"SELECT sum(cardinality(x)) FROM {name}"))
    print("hinge_cutting_plane pass:   %.3f %.3f" % cost(
        f"SELECT hinge_cutting_plane(%s::float8[], x, y::float8, 0, 'hinge', 1, 1, 1) FROM {name}", (w,)))
    print("hinge_line_planes pass:     %.3f %.3f" % cost(
        f"SELECT hinge_line_planes(%s::float8[], x, y::float8, 0, 'hinge', 1, 1, 1) FROM {name}",
        ([w, [v / 2 for v in w]],)))
    cur.execute("SET hinge.in_memory_limit = 0")
    print("hinge_train on passes, median of 5: passes, ms (CPU, wall), ms a pass (CPU, wall)")
    for lam in (1e-3, 1e-4, 1e-5):
        runs = []
        for _ in range(5):
            c0 = real.backend_cpu(cur)
            t0 = time.perf_counter()
            cur.execute("SELECT passes FROM hinge_train('fixed_cost', %s, 'x', 'y', lambda => %s, "
                        "intercept => false, tolerance => 1e-3)", (name, lam))
            passes = cur.fetchone()[0]
            runs.append(((real.backend_cpu(cur) - c0) * 1e3, (time.perf_counter() - t0) * 1e3, passes))
        runs.sort()
        c, wall, passes = runs[2]
        print(f"lambda {lam:.0e}: {passes} passes, {c:.1f} {wall:.1f} ms, "
              f"{c / passes:.3f} {wall / passes:.3f} ms a pass", flush=True)


if __name__ == "__main__":
    main()
