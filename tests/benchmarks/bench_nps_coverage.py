"""NPS interval coverage (issue 15): the adjusted Wald (Rocks 2016) beside the plain Wald.

For n = 15, 20, 50 and 300 and balanced and lopsided true splits, prints the exact coverage of
each 95% interval (every multinomial outcome enumerated and weighted by its probability: no
Monte Carlo error) and a Monte Carlo coverage of ``fbresearch.nps`` itself on R samples with
its 99% binomial band. Target: at least 93% everywhere.
``python tests/benchmarks/bench_nps_coverage.py [R]``.
"""

from __future__ import annotations

import sys
import time

import numpy as np
from scipy import stats

from fbresearch.analyses.kpis import nps
from fbresearch.analyses.kpis.scores import _nps_level

SPLITS = {
    "balanced 40/30/30": (0.40, 0.30, 0.30),
    "balanced 34/33/33": (0.34, 0.33, 0.33),
    "lopsided 80/15/5": (0.80, 0.15, 0.05),
    "lopsided 10/10/80": (0.10, 0.10, 0.80),
    "lopsided 95/4/1": (0.95, 0.04, 0.01),
}
Z = float(stats.norm.ppf(0.975))


def _plain_wald(pro, det, n):  # noqa: ANN001, ANN202
    p, d = pro / n, det / n
    se = np.sqrt(np.maximum(p + d - (p - d) ** 2, 0) / n)
    return 100 * (p - d - Z * se), 100 * (p - d + Z * se)


def _adjusted(pro, det, n):  # noqa: ANN001, ANN202
    _, _, low, high, _ = _nps_level(pro, det, n, 0.95)
    return low, high


def exact_coverage(interval, n: int, shares: tuple) -> float:  # noqa: ANN001
    """Coverage summed over every (promoters, detractors) outcome of n answers."""
    pro, det = np.meshgrid(np.arange(n + 1), np.arange(n + 1), indexing="ij")
    keep = pro + det <= n
    pro, det = pro[keep], det[keep]
    pmf = stats.multinomial.pmf(
        np.stack([pro, det, n - pro - det], 1), n, [shares[0], shares[2], shares[1]]
    )
    truth = 100 * (shares[0] - shares[2])
    low, high = interval(pro, det, n)
    return float(np.sum(pmf * ((low <= truth + 1e-9) & (truth - 1e-9 <= high))))


def mc_coverage(n: int, shares: tuple, replications: int, seed: int) -> float:
    """Share of R samples whose ``fbresearch.nps`` interval holds the true NPS."""
    rng = np.random.default_rng(seed)
    truth = 100 * (shares[0] - shares[2])
    hits = 0
    for pro, pas, det in rng.multinomial(n, shares, size=replications):
        e = nps([10] * pro + [8] * pas + [3] * det)
        hits += e.ci_low <= truth <= e.ci_high
    return hits / replications


def main(replications: int = 2000) -> None:
    low, high = (x / replications for x in stats.binom.interval(0.99, replications, 0.95))
    print(f"NPS 95% intervals, target coverage >= 93%; Monte Carlo R = {replications} "
          f"(99% band around 95%: {low:.1%} to {high:.1%})")  # fmt: skip
    print(f"{'n':>4} {'split':<20} {'plain Wald':>11} {'adj. Wald':>10} {'nps() MC':>9}")
    t0 = time.perf_counter()
    worst = 1.0
    for n in (15, 20, 50, 300):
        for i, (name, shares) in enumerate(SPLITS.items()):
            wald = exact_coverage(_plain_wald, n, shares)
            adjusted = exact_coverage(_adjusted, n, shares)
            mc = mc_coverage(n, shares, replications, seed=100 * n + i)
            worst = min(worst, adjusted)
            print(f"{n:>4} {name:<20} {wald:>11.1%} {adjusted:>10.1%} {mc:>9.1%}")
    print(f"lowest exact coverage of the adjusted Wald: {worst:.1%} (target >= 93%); "
          f"{time.perf_counter() - t0:.1f} s")  # fmt: skip


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
