#!/usr/bin/python3
"""The dual coordinate descent that starts a training on passes (src/dual_cd.c),
checked against independent solvers.

A training whose rows do not fit hinge.in_memory_limit solves a sample of them
in memory first (every tenth row, from the first: rows 0, 10, 20, ... of a
table read in the order it was written), with two epochs of dual coordinate
descent; with client_min_messages at debug1 it reports the sample's objective
at the weights the epochs reached, the dual's value at their alphas, and the
gap between them.  For each loss, with and without an intercept and class
weights, this compares those figures with the sample's optimum computed
without hinge: liblinear-train (-s 3, -s 1, to 1e-6) for the hinge and the
squared hinge, scipy's L-BFGS on the primal for the smooth hinge.  Every
check can fail: the dual must lie below the optimum (it is a lower bound),
the objective above it, the gap must be theirs, and two epochs must have
come close (within 2 % of the optimum, where correct epochs reach 0.07 %
to 0.5 % here).  A wrong sign of the step, a label missing from the update,
a wrong diagonal, gradient, class weight or intercept update each fail it.

    scripts/test_dual_cd.py      (a server through libpq's environment, as
                                  inside pg_virtualenv; scripts/test.sh runs it)
"""
import io
import pathlib
import re
import sys

import numpy as np
from scipy.optimize import minimize

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import reference  # noqa: E402  (its losses and its liblinear runner)
from scratch_db import report, scratch_database  # noqa: E402

ROWS, FEATURES, SHARE, LAMBDA, GAMMA = 20000, 5, 10, 0.1, 0.5
LIMIT = "400kB"                 # 20,000 rows of 48 bytes do not fit: a sample of 2,000
CLOSE = 0.02                    # two epochs within 2 % of the optimum
DB = "hinge_dual_cd"

MESSAGE = re.compile(r"on a sample of (\d+) rows: 2 epochs of dual coordinate descent, "
                     r"objective (\S+), dual (\S+), duality gap (\S+),")


def rows():
    rng = np.random.default_rng(20081208)
    X = rng.normal(size=(ROWS, FEATURES)) * np.array([1.0, 2.0, 0.5, 1.0, 3.0]) + 0.3
    w = rng.normal(size=FEATURES)
    t = X @ w + rng.normal(scale=1.5, size=ROWS) > 0.8      # 41 % positive
    return X, t


def objective(w, X, y, loss, cneg, cpos):
    """lambda/2 ||w||^2 + mean c_i loss(y_i w.x_i), with its gradient (numpy's
    reference.binary_aggregates: an intercept when w is one longer than x)"""
    value, gradient, _, _ = reference.binary_aggregates(X, y, w, LAMBDA, loss, GAMMA, cpos, cneg)
    return value, np.array(gradient)


def optimum(X, y, loss, cneg, cpos, intercept):
    """The sample's optimal objective, without hinge's code"""
    if loss in ("hinge", "squared_hinge"):
        labels = np.where(y > 0, 2, 1)                     # 1 the negative class
        lines = reference.run_liblinear(X, labels, 3 if loss == "hinge" else 1, LAMBDA,
                                        class_weights=[cneg, cpos], bias=intercept)
        return objective(reference.liblinear_model_weights(lines, 2, X.shape[1], intercept),
                         X, y, loss, cneg, cpos)[0]
    # the smooth hinge is differentiable: L-BFGS on the primal
    result = minimize(objective, np.zeros(X.shape[1] + intercept), args=(X, y, loss, cneg, cpos),
                      jac=True, method="L-BFGS-B",
                      options={"maxiter": 100000, "ftol": 1e-15, "gtol": 1e-12})
    return result.fun


def main():
    X, t = rows()
    failures = []
    with scratch_database(DB) as conn:
        q = conn.cursor()
        q.execute("CREATE TABLE dcd_rows (x float8[], t boolean)")
        data = io.StringIO("".join("{%s}\t%s\n" % (",".join(repr(float(v)) for v in x), "t" if ti else "f")
                                   for x, ti in zip(X, t)))
        q.copy_expert("COPY dcd_rows FROM STDIN", data)
        q.execute(f"SET hinge.in_memory_limit = '{LIMIT}'")
        q.execute("SET client_min_messages = debug1")

        sample = slice(0, None, SHARE)
        Xs, ys = X[sample], np.where(t[sample], 1.0, -1.0)
        positives = t.sum()
        balanced = (ROWS / (2.0 * (ROWS - positives)), ROWS / (2.0 * positives))
        for loss, intercept, class_weight in [("hinge", False, None), ("hinge", True, "balanced"),
                                              ("squared_hinge", True, None),
                                              ("squared_hinge", False, "balanced"),
                                              ("smooth_hinge", True, None),
                                              ("smooth_hinge", False, "balanced")]:
            case = f"{loss}, intercept {intercept}, class weights {class_weight}"
            del conn.notices[:]
            q.execute("SELECT 1 FROM hinge_train('dcd', 'dcd_rows', 'x', 't', lambda => %s, "
                      "loss => %s, intercept => %s, class_weight => %s, gamma => %s)",
                      (LAMBDA, loss, intercept, class_weight, GAMMA))
            found = [MESSAGE.search(n) for n in conn.notices]
            found = [m for m in found if m]
            if len(found) != 1:
                failures.append(f"{case}: no report of the epochs in {conn.notices!r}")
                continue
            n, p, d, gap = (int(found[0].group(1)), float(found[0].group(2)),
                            float(found[0].group(3)), float(found[0].group(4)))
            cneg, cpos = balanced if class_weight else (1.0, 1.0)
            best = optimum(Xs, ys, loss, cneg, cpos, intercept)
            checks = {
                "the sample is every tenth row": n == len(ys),
                "the dual is below the optimum": d <= best + 1e-9 * best,
                "the objective is above the optimum": p >= best - 1e-6 * best,
                "the gap is theirs": abs(gap - (p - d) / p) <= 0.05 * gap + 1e-12,
                "the objective is near the optimum": p - best <= CLOSE * best,
                "the dual is near the optimum": best - d <= CLOSE * best,
            }
            for what, ok in checks.items():
                if not ok:
                    failures.append(f"{case}: {what} (objective {p!r}, dual {d!r}, gap {gap!r}, "
                                    f"optimum {best!r}, {n} rows)")
            print(f"  {case}: objective {(p - best) / best:.1e} above the optimum, "
                  f"dual {(best - d) / best:.1e} below")
    report("dual_cd", failures, "6 losses and options against liblinear and L-BFGS")


if __name__ == "__main__":
    main()
