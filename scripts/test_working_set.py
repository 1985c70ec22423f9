#!/usr/bin/python3
"""The working set of a training on passes (src/working_set.c), checked against
liblinear.

A binary hinge training over more weights than the line's planes are kept for
(65,536), on rows that do not fit hinge.in_memory_limit, keeps the rows near the
margin in memory at each pass and takes its lower bound, and the point its next
line searches towards, from their dual.  On 20,000 sparse rows of 131,072
features this trains with and without an intercept and balanced class weights,
and once with too little room for the rows near the margin (the bound must stay
one), and compares each model with the optimum that liblinear-train -s 3 (to
1e-6) reaches on the same rows, without hinge: the reported lower bound must lie
below the optimum, the objective above it and within the tolerance, the
objective must be the model's (numpy at its weights), and the DEBUG1 lines must
say that the rows were kept (or did not all fit).  A bound that forgets the
fixed rows' dual values, or that counts the kept rows twice, fails it.

    scripts/test_working_set.py  (a server through libpq's environment, as
                                  inside pg_virtualenv; scripts/test.sh runs it)
"""
import io
import pathlib
import re
import sys

import numpy as np
import scipy.sparse as sp

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import reference  # noqa: E402  (its liblinear runner)
from scratch_db import report, scratch_database  # noqa: E402

ROWS, DIM, NNZ, LAMBDA, TOLERANCE = 20000, 131072, 20, 1e-3, 1e-3
ROOMY, CRAMPED = "2MB", "160kB"     # the rows take 5 MB: passes either way
DB = "hinge_working_set"
KEPT = re.compile(r"(\d+) rows kept within (\S+) of the margin( \(more did not fit\))?, "
                  r"\d+ epochs, dual bound (\S+)")


def rows():
    """Zipf-distributed positions, values 1 + ln(count) scaled to unit length,
    labels from a noisy linear rule"""
    rng = np.random.default_rng(20260102)
    indptr, indices, data = [0], [], []
    for _ in range(ROWS):
        positions, counts = np.unique(rng.zipf(1.3, size=NNZ) % DIM, return_counts=True)
        values = 1.0 + np.log(counts)
        indices.extend(positions)
        data.extend(values / np.linalg.norm(values))
        indptr.append(len(indices))
    X = sp.csr_matrix((data, indices, indptr), shape=(ROWS, DIM))
    w = rng.normal(size=DIM) * 3.0
    t = X @ w + rng.normal(scale=0.5, size=ROWS) > 0.2
    return X, t


def objective(X, y, w, b, cneg, cpos):
    """lambda/2 (||w||^2 + b^2) + mean c_i max(0, 1 - y_i (w.x_i + b))"""
    c = np.where(y > 0, cpos, cneg)
    return LAMBDA / 2 * (w @ w + b * b) + np.mean(c * np.maximum(0.0, 1.0 - y * (X @ w + b)))


def elements(X, i):
    """Row i's non-zeros as "position:value", positions 1-based"""
    return [f"{j + 1}:{v!r}" for j, v in zip(X.indices[X.indptr[i]:X.indptr[i + 1]],
                                              X.data[X.indptr[i]:X.indptr[i + 1]])]


def optimum(X, y, cneg, cpos, intercept):
    """The optimal objective, by liblinear -s 3 (the intercept as its -B 1)"""
    lines = [f"{2 if yi > 0 else 1} " + " ".join(elements(X, i)) for i, yi in enumerate(y)]
    model = reference.run_liblinear_lines(lines, 3, LAMBDA, class_weights=[cneg, cpos],
                                          bias=intercept)
    w = reference.liblinear_model_weights(model, 2, DIM, intercept)
    return objective(X, y, w[:DIM], w[DIM] if intercept else 0.0, cneg, cpos)


def main():
    X, t = rows()
    y = np.where(t, 1.0, -1.0)
    failures = []
    with scratch_database(DB) as conn:
        q = conn.cursor()
        q.execute("CREATE TABLE ws_rows (x hinge_sparse, t boolean)")
        data = io.StringIO("".join("{%s}/%d\t%s\n" % (",".join(elements(X, i)), DIM, "t" if t[i] else "f")
                                   for i in range(ROWS)))
        q.copy_expert("COPY ws_rows FROM STDIN", data)
        q.execute("SET client_min_messages = debug1")
        positives = t.sum()
        balanced = (ROWS / (2.0 * (ROWS - positives)), ROWS / (2.0 * positives))
        for limit, intercept, class_weight in [(ROOMY, False, None), (ROOMY, True, "balanced"),
                                               (CRAMPED, True, None)]:
            case = f"in_memory_limit {limit}, intercept {intercept}, class weights {class_weight}"
            del conn.notices[:]
            q.execute(f"SET hinge.in_memory_limit = '{limit}'")
            q.execute("SELECT passes, objective, lower_bound, converged, weights "
                      "FROM hinge_train('ws', 'ws_rows', 'x', 't', lambda => %s, "
                      "intercept => %s, class_weight => %s, tolerance => %s)",
                      (LAMBDA, intercept, class_weight, TOLERANCE))
            passes, p, lower, converged, weights = q.fetchone()
            kept = [m for m in (KEPT.search(n) for n in conn.notices) if m]
            cneg, cpos = balanced if class_weight else (1.0, 1.0)
            best = optimum(X, y, cneg, cpos, intercept)
            w = np.array(weights)
            mine = objective(X, y, w[:DIM], w[DIM] if intercept else 0.0, cneg, cpos)
            checks = {
                "the working set was used": len(kept) >= 1,
                "the rows near the margin " + ("did not all fit" if limit == CRAMPED else
                                               "fitted in the end"):
                    bool(kept) and (any(m.group(3) for m in kept) if limit == CRAMPED else
                                    not kept[-1].group(3)),
                "converged": converged,
                "the lower bound is below the optimum": lower <= best + 1e-12 * best,
                "every dual bound is below the optimum":
                    all(float(m.group(4)) <= best + 1e-12 * best for m in kept),
                "the objective is above the optimum": p >= best - 1e-9 * best,
                "the gap is within the tolerance": (p - lower) / p <= TOLERANCE,
                "the objective is the model's": abs(mine - p) <= 1e-9 * p,
                # the bundle method's planes alone take 12 passes here
                "the working set pays": passes <= 8 or limit == CRAMPED or intercept,
            }
            for what, ok in checks.items():
                if not ok:
                    failures.append(f"{case}: {what} (objective {p!r}, bound {lower!r}, "
                                    f"optimum {best!r}, model's objective {mine!r}, "
                                    f"{passes} passes, kept {[m.group(0) for m in kept]})")
            print(f"  {case}: {passes} passes, objective {(p - best) / best:.1e} above the "
                  f"optimum, bound {(best - lower) / best:.1e} below, rows kept "
                  f"{', '.join(m.group(1) for m in kept)}")
    report("working_set", failures, "3 trainings against liblinear")


if __name__ == "__main__":
    main()
