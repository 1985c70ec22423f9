#!/usr/bin/python3
"""The synthetic text corpus of bench/sparse.sh, as a binary COPY file.

    bench/sparse_data.py --rows N [--dimension D] [--tokens T] [--seed S] FILE

Row i (1..N) is a bag of words: T tokens drawn from a vocabulary of D terms
with Zipf's law (term k, 1-based, has probability proportional to 1/k: a
few very common terms, a long tail), counted, weighted 1 + ln(count) and
scaled to unit Euclidean length, as text classifiers weight words.  With
the defaults (D = 2^18, T = 60) a row has about 50 distinct terms.  Its
label is the sign of w.x plus noise, for a vector w of random term weights
(about 10 % of the labels disagree with w): a problem a linear SVM learns
well but not perfectly.

The file is what COPY bench_sparse (id, y, x) FROM ... (FORMAT binary) reads:
id int4, y float8 (+1 or -1), x hinge_sparse in its binary form (dimension,
pair count, then 1-based position int4 and value float8 for each pair).
numpy's PCG64 with a fixed seed: the same file every time.
"""
import argparse
import struct
import sys

try:
    import numpy as np
except ImportError:
    sys.exit("sparse_data.py needs numpy (Debian: apt-get install python3-numpy)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, required=True)
    parser.add_argument("--dimension", type=int, default=2 ** 18)
    parser.add_argument("--tokens", type=int, default=60)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("file")
    args = parser.parse_args()
    n, d, t = args.rows, args.dimension, args.tokens
    if n < 1 or d < 2 or t < 1:
        parser.error("--rows, --tokens must be positive and --dimension at least 2")

    rng = np.random.Generator(np.random.PCG64(args.seed))
    cdf = np.cumsum(1.0 / np.arange(1, d + 1))
    cdf /= cdf[-1]
    w = rng.normal(0.0, 1.0, d)
    chunk = 50000
    with open(args.file, "wb") as out:
        out.write(b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0))
        pair = np.dtype([("p", ">i4"), ("v", ">f8")])
        for start in range(0, n, chunk):
            m = min(chunk, n - start)
            # T token draws a row, sorted: equal terms are neighbours
            terms = np.searchsorted(cdf, rng.random((m, t)), side="right")
            terms = np.minimum(terms, d - 1)
            terms.sort(axis=1)
            rows = np.repeat(np.arange(m), t)
            flat = terms.ravel()
            first = np.ones(flat.size, dtype=bool)
            first[1:] = (flat[1:] != flat[:-1]) | (rows[1:] != rows[:-1])
            starts = np.flatnonzero(first)
            counts = np.diff(np.append(starts, flat.size))
            row_of = rows[starts]
            position = flat[starts]
            value = 1.0 + np.log(counts)
            norm = np.sqrt(np.bincount(row_of, weights=value * value, minlength=m))
            value = value / norm[row_of]
            score = np.bincount(row_of, weights=value * w[position], minlength=m)
            y = np.where(score + rng.normal(0.0, 0.25, m) > 0, 1.0, -1.0)
            pairs = np.empty(position.size, dtype=pair)
            pairs["p"] = position + 1
            pairs["v"] = value
            raw = pairs.tobytes()
            nnz = np.bincount(row_of, minlength=m)
            offset = np.concatenate([[0], np.cumsum(nnz)]) * pair.itemsize
            parts = []
            for r in range(m):
                k = int(nnz[r])
                parts.append(struct.pack(">hiiidiii", 3, 4, start + r + 1, 8, y[r],
                                         8 + 12 * k, d, k))
                parts.append(raw[offset[r]:offset[r + 1]])
            out.write(b"".join(parts))
        out.write(struct.pack(">h", -1))


if __name__ == "__main__":
    main()
