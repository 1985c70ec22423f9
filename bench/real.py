#!/usr/bin/python3
"""bench/real.py: hinge_train against export + liblinear on real data sets.

Run by bench/real.sh (inside a throwaway cluster).  For each data set and
lambda, R rounds, in turn: hinge_train with its rows held in memory (the
default hinge.in_memory_limit), hinge_train on aggregate passes
(hinge.in_memory_limit = 0), the export (COPY of libsvm text, zeros left
out, to a client file) and liblinear-train -s 3 -c 1/(lambda n) on it.
Medians; every ratio is of timings of the same run.  Beside the wall-clock
ratios, the ratio of CPU seconds (the backend's, from
/proc/<pid>/schedstat through pg_read_file, for training and export; the
client's for the export's writing; liblinear's as a child process), which
a busy machine disturbs less.  Data sets:
  a9a            /work/shared/data/a9a_train.svm (or $HINGE_BENCH_A9A), when
                 present; 0/1 features as float8[], as they are
  breast_cancer  data/breast_cancer.csv, standardised (the demo's set)
  digits         scikit-learn's digits, 0-4 against 5-9, standardised
Certified tolerance 1e-3, no intercept.
"""
import io
import os
import pathlib
import resource
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import psycopg2

ROOT = pathlib.Path(__file__).resolve().parent.parent
REPS = int(os.environ.get("HINGE_BENCH_REPS", "3"))
LIBLINEAR = os.environ.get("HINGE_BENCH_LIBLINEAR", "liblinear-train")
A9A = os.environ.get("HINGE_BENCH_A9A", "/work/shared/data/a9a_train.svm")
ONLY = os.environ.get("HINGE_BENCH_ONLY", "")


def standardise(X):
    sd = X.std(axis=0, ddof=1)
    sd[sd == 0] = 1.0
    return (X - X.mean(axis=0)) / sd


def read_svm(path, d):
    rows, ys = [], []
    for line in open(path):
        parts = line.split()
        if not parts:
            continue
        x = np.zeros(d)
        for item in parts[1:]:
            j, v = item.split(":")
            x[int(j) - 1] = float(v)
        rows.append(x)
        ys.append(1 if float(parts[0]) > 0 else -1)
    return np.array(rows), np.array(ys)


def datasets():
    out = []
    if os.path.exists(A9A) and (not ONLY or "a9a" in ONLY):
        X, y = read_svm(A9A, 123)
        out.append(("a9a", X, y, [1e-3, 1e-4, 1e-5]))
    if not ONLY or "breast_cancer" in ONLY:
        raw = np.genfromtxt(ROOT / "data/breast_cancer.csv", delimiter=",", names=True, dtype=None,
                            encoding="utf-8")
        names = raw.dtype.names
        X = np.column_stack([raw[n] for n in names[2:]]).astype(float)
        y = np.where(raw[names[1]] == "malignant", 1, -1)
        out.append(("breast_cancer", standardise(X), y, [1e-3, 1e-4, 1e-5]))
    if not ONLY or "digits" in ONLY:
        from sklearn.datasets import load_digits
        digits = load_digits()
        out.append(("digits", standardise(digits.data.astype(float)),
                    np.where(digits.target >= 5, 1, -1), [1e-3, 1e-4, 1e-5]))
    return out


def load(cur, name, X, y):
    cur.execute(f"DROP TABLE IF EXISTS {name}")
    cur.execute(f"CREATE TABLE {name} (id int, x float8[], y int)")
    buf = io.StringIO()
    for i, (row, label) in enumerate(zip(X, y)):
        buf.write(f"{i}\t{{{','.join(repr(float(v)) for v in row)}}}\t{label}\n")
    buf.seek(0)
    cur.copy_expert(f"COPY {name} FROM STDIN", buf)
    cur.execute(f"VACUUM (FREEZE, ANALYZE) {name}")


HAS_LIMIT = True


def backend_cpu(cur):
    """This backend's CPU seconds so far, from /proc/<pid>/schedstat (in
    nanoseconds: /proc/<pid>/stat's clock ticks are too coarse for the
    small sets), or 0 if unreadable."""
    try:
        cur.execute("SELECT pg_read_file('/proc/' || pg_backend_pid() || '/schedstat')")
        return int(cur.fetchone()[0].split()[0]) / 1e9
    except psycopg2.Error:
        return 0.0


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed_train(cur, table, lam, limit):
    if HAS_LIMIT:
        cur.execute("SET hinge.in_memory_limit = %s", (limit,))
    c0 = backend_cpu(cur)
    t0 = time.perf_counter()
    cur.execute("SELECT passes, objective, lower_bound, converged FROM hinge_train("
                "'bench', %s, 'x', 'y', lambda => %s, intercept => false, tolerance => 1e-3)",
                (table, lam))
    row = cur.fetchone()
    seconds = time.perf_counter() - t0
    cpu = backend_cpu(cur) - c0
    if HAS_LIMIT:
        cur.execute("RESET hinge.in_memory_limit")
    return seconds, cpu, row


def export(cur, table, path):
    c0 = backend_cpu(cur) + time.process_time()
    t0 = time.perf_counter()
    with open(path, "w") as f:
        cur.copy_expert(
            f"COPY (SELECT concat_ws(' ', y, (SELECT string_agg(j || ':' || v, ' ') "
            f"FROM unnest(x) WITH ORDINALITY AS u(v, j) WHERE v <> 0)) FROM {table}) TO STDOUT", f)
    seconds = time.perf_counter() - t0
    return seconds, backend_cpu(cur) + time.process_time() - c0


def liblinear(path, c, model):
    c0 = children_cpu()
    t0 = time.perf_counter()
    subprocess.run([LIBLINEAR, "-q", "-s", "3", "-c", repr(c), path, model], check=True,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0, children_cpu() - c0


def liblinear_objective(cur, table, model, lam, d):
    lines = open(model).read().split("\n")
    labels = next(l for l in lines if l.startswith("label")).split()[1:]
    w = [float(l) for l in lines[lines.index("w") + 1:] if l.strip()]
    w += [0.0] * (d - len(w))
    if labels[0] == "-1":
        w = [-v for v in w]
    cur.execute(f"SELECT hinge_objective(%s::float8[], x, y, %s) FROM {table}", (w, lam))
    return cur.fetchone()[0]


def main():
    conn = psycopg2.connect("")
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute("SET client_min_messages = warning")
    cur.execute("CREATE EXTENSION IF NOT EXISTS hinge")
    cur.execute("SET max_parallel_workers_per_gather = 0")
    cur.execute("SELECT hinge_loss(1, 0)")  # loads the library, and its settings
    cur.execute("SELECT count(*) FROM pg_settings WHERE name = 'hinge.in_memory_limit'")
    global HAS_LIMIT
    HAS_LIMIT = cur.fetchone()[0] == 1
    if not HAS_LIMIT:
        print("(a build without hinge.in_memory_limit: both modes train on passes)")
    cur.execute("SET jit = off")
    work = tempfile.mkdtemp()
    print(f"PostgreSQL {conn.server_version}; {REPS} rounds; medians in seconds; serial; "
          f"tolerance 1e-3, no intercept")
    print("wall seconds: memory = hinge_train in memory, passes = on passes; ratios to export + "
          "liblinear, and the same ratios of CPU seconds")
    print(f"{'data':14} {'rows x d':>12} {'lambda':>7} {'memory':>8} {'passes':>6} {'passes':>8} "
          f"{'passes':>6} {'export':>7} {'liblin':>7} {'ratio mem':>9} {'ratio pass':>10} "
          f"{'cpu mem':>8} {'cpu pass':>8} {'objective check':>16}")
    for name, X, y, lambdas in datasets():
        load(cur, name, X, y)
        n, d = X.shape
        for lam in lambdas:
            c = 1.0 / (lam * n)
            times = {"memory": [], "passes": [], "export": [], "liblinear": []}
            cpus = {k: [] for k in times}
            info = {}
            for r in range(REPS):
                s, cpu, info["memory"] = timed_train(cur, name, lam, "256MB")
                times["memory"].append(s)
                cpus["memory"].append(cpu)
                s, cpu, info["passes"] = timed_train(cur, name, lam, "0")
                times["passes"].append(s)
                cpus["passes"].append(cpu)
                path = os.path.join(work, f"{name}.svm")
                s, cpu = export(cur, name, path)
                times["export"].append(s)
                cpus["export"].append(cpu)
                s, cpu = liblinear(path, c, os.path.join(work, "model"))
                times["liblinear"].append(s)
                cpus["liblinear"].append(cpu)
            med = {k: statistics.median(v) for k, v in times.items()}
            cmed = {k: statistics.median(v) for k, v in cpus.items()}
            calt = max(cmed["export"] + cmed["liblinear"], 1e-9)
            ll = liblinear_objective(cur, name, os.path.join(work, "model"), lam, d)
            alt = med["export"] + med["liblinear"]
            checks = []
            for mode in ("memory", "passes"):
                passes, obj, lower, conv = info[mode]
                ok = conv and lower <= ll and obj <= ll * (1 + 1e-3)
                checks.append("ok" if ok else f"{mode}:{obj:.6g}/{lower:.6g}/{ll:.6g}")
            print(f"{name:14} {f'{n}x{d}':>12} {lam:7.0e} {med['memory']:8.3f} {info['memory'][0]:6d} "
                  f"{med['passes']:8.3f} {info['passes'][0]:6d} {med['export']:7.3f} "
                  f"{med['liblinear']:7.3f} {med['memory'] / alt:9.3f} {med['passes'] / alt:10.3f} "
                  f"{cmed['memory'] / calt:8.3f} {cmed['passes'] / calt:8.3f} "
                  f"{','.join(checks):>16}", flush=True)


if __name__ == "__main__":
    main()
