"""Clustering may answer "no clear groups" (issue 15): how often k = 1 on noise, k right on groups.

Prints, over R seeds each, the share of data sets of 300 customers where
:func:`cluster_segments` (k chosen: the no-groups test, then silhouette) answers k = 1 for a
correlated Gaussian blob and a uniform box, and k = 3 for three groups each 6 SD (and 4 SD) out on a feature of its own,
with the 99% binomial band around 5% for the noise rates. The data come from the tests'
generators.

Run: ``.venv/bin/python tests/benchmarks/bench_cluster_null.py [R]`` (R = 200 by default).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
from scipy import stats

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "analyses" / "segments"))
from test_clusters import chosen_k, noise_customers, planted_groups  # noqa: E402


def main(replications: int = 200) -> None:
    low, high = (x / replications for x in stats.binom.interval(0.99, replications, 0.05))
    print(f"cluster_segments, 300 customers, R = {replications} "
          f"(99% band of a 5% rate: {low:.1%} to {high:.1%})")  # fmt: skip
    cases = {
        "Gaussian blob: k = 1": (lambda r: noise_customers(r, "gaussian"), 1),
        "uniform box:   k = 1": (lambda r: noise_customers(r, "uniform"), 1),
        "3 groups 6 SD: k = 3": (lambda r: planted_groups(r, sep=6.0), 3),
        "3 groups 4 SD: k = 3": (lambda r: planted_groups(r, sep=4.0), 3),
    }
    for label, (make, truth) in cases.items():
        t0 = time.perf_counter()
        ks = [chosen_k(make(np.random.default_rng(1000 + s)), s) for s in range(replications)]
        share = np.mean([k == truth for k in ks])
        print(f"  {label}  {share:6.1%}   k chosen {np.bincount(ks).tolist()}   "
              f"({time.perf_counter() - t0:.0f} s)")  # fmt: skip


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
