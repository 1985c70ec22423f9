#!/usr/bin/python3
"""Writes data/breast_cancer.csv (the demo's data set), data/iris.csv and
data/wine.csv (multiclass tests) from the copies Debian's python3-sklearn
ships.

It converts the Wisconsin diagnostic breast cancer data shipped by Debian's
python3-sklearn package into a plain CSV file with a header row:

    id,diagnosis,mean_radius,mean_texture,...,worst_fractal_dimension

The sklearn file has a first line "569,30,malignant,benign" (number of rows,
number of features, then the class names), then one line per sample: the
30 feature values and a target, 0 or 1, that indexes the class names
(0 = malignant, 1 = benign).  Here the target becomes the class name, the
rows are numbered 1..569 in file order, and the feature values are copied
as they are written in the source (no rounding).

Uses only the standard library, so Debian's /usr/bin/python3 runs it:

    /usr/bin/python3 scripts/make_demo_data.py [SOURCE [OUTPUT]]

iris.csv and wine.csv are converted the same way: a header row, an id, the
class name as the label (species; cultivar), then the features.
"""

import csv
import os
import sys

SOURCE = "/usr/lib/python3/dist-packages/sklearn/datasets/data/breast_cancer.csv"
OUTPUT = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                      "..", "data", "breast_cancer.csv")

# sklearn.datasets.load_breast_cancer().feature_names, in snake_case
FEATURES = [
    f"{stat}_{name}" if stat != "error" else f"{name}_error"
    for stat in ("mean", "error", "worst")
    for name in ("radius", "texture", "perimeter", "area", "smoothness",
                 "compactness", "concavity", "concave_points", "symmetry",
                 "fractal_dimension")
]


def main(source=SOURCE, output=OUTPUT):
    with open(source, newline="") as f:
        rows = list(csv.reader(f))

    header, body = rows[0], rows[1:]
    n_samples, n_features = int(header[0]), int(header[1])
    classes = header[2:]
    if n_features != len(FEATURES) or classes != ["malignant", "benign"]:
        sys.exit(f"{source}: unexpected header {header}")
    if len(body) != n_samples:
        sys.exit(f"{source}: {len(body)} rows, header says {n_samples}")

    out = [["id", "diagnosis"] + FEATURES]
    for i, row in enumerate(body, start=1):
        if len(row) != n_features + 1:
            sys.exit(f"{source}: row {i} has {len(row)} fields")
        values, target = row[:-1], int(row[-1])
        for v in values:
            float(v)                    # fails loudly on anything odd
        out.append([i, classes[target]] + values)

    with open(output, "w", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(out)

    counts = {c: sum(r[1] == c for r in out[1:]) for c in classes}
    print(f"wrote {os.path.normpath(output)}: {n_samples} rows "
          + ", ".join(f"{n} {c}" for c, n in counts.items()))


# The multiclass sets: source file, label column, class names, features
DATA = os.path.dirname(SOURCE)
MULTICLASS = {
    "iris": (os.path.join(DATA, "iris.csv"), "species",
             ["setosa", "versicolor", "virginica"],
             ["sepal_length", "sepal_width", "petal_length", "petal_width"]),
    "wine": (os.path.join(DATA, "wine_data.csv"), "cultivar",
             ["class_0", "class_1", "class_2"],
             ["alcohol", "malic_acid", "ash", "alcalinity_of_ash", "magnesium",
              "total_phenols", "flavanoids", "nonflavanoid_phenols",
              "proanthocyanins", "color_intensity", "hue",
              "od280_od315_of_diluted_wines", "proline"]),
}


def multiclass(name):
    source, label, classes, features = MULTICLASS[name]
    output = os.path.join(os.path.dirname(OUTPUT), f"{name}.csv")
    with open(source, newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    if int(header[1]) != len(features) or header[2:] != classes or \
            len(body) != int(header[0]):
        sys.exit(f"{source}: unexpected header {header}")
    out = [["id", label] + features]
    for i, row in enumerate(body, start=1):
        for v in row[:-1]:
            float(v)
        out.append([i, classes[int(row[-1])]] + row[:-1])
    with open(output, "w", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(out)
    print(f"wrote {os.path.normpath(output)}: {len(body)} rows")


if __name__ == "__main__":
    main(*sys.argv[1:3])
    if len(sys.argv) == 1:
        for name in MULTICLASS:
            multiclass(name)
