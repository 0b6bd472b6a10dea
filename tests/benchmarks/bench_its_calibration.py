"""Interrupted time series calibration (issue 15): size and power on 36 monthly points.

Prints, for the default inference (GLS with AR(1) errors by REML) beside classical OLS and
Newey-West: the share of no-effect series called significant at 5% (white noise and AR(1)
rho = 0.5) and the share finding a level change of 3 noise SDs, with the 99% binomial band
around the nominal 5%.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
from scipy import stats

from fbresearch.analyses.impact import interrupted_time_series

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "analyses" / "impact"))
from test_its import N_MONTHS as N  # noqa: E402 - the calibration tests' own series
from test_its import _series  # noqa: E402


def main(replications: int = 1000) -> None:
    low, high = (x / replications for x in stats.binom.interval(0.99, replications, 0.05))
    print(f"ITS, {N} months, seasonality 12, R = {replications} (99% band at 5%: "
          f"{low:.1%} to {high:.1%})")  # fmt: skip
    for label, lags in (
        ("GLS AR(1) REML (default)", None),
        ("classical OLS", 0),
        ("Newey-West", "auto"),
    ):
        t0 = time.perf_counter()
        rates = []
        for seed, (rho, effect) in enumerate(((0.0, 0.0), (0.5, 0.0), (0.5, 3.0))):
            rng = np.random.default_rng(seed)
            reps = replications if effect == 0 else replications // 2
            hits = sum(
                interrupted_time_series(
                    _series(rng, rho, effect), "y", "t", "post", seasonality=12, hac_lags=lags
                ).effect.p_value
                < 0.05
                for _ in range(reps)
            )
            rates.append(hits / reps)
        print(f"  {label:<26} white noise {rates[0]:6.1%}   AR(1) 0.5 {rates[1]:6.1%}   "
              f"power at 3 SD {rates[2]:6.1%}   ({time.perf_counter() - t0:.0f} s)")  # fmt: skip


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
