"""Benchmarks of fbresearch.analyses.drivers: exact LMG for 15 and 20 drivers, and the bootstrap.

Targets (issue 4): exact LMG for 15 drivers on 100,000 responses under 1 s, for 20 drivers under
10 s, a 500-draw bootstrap with 15 drivers under 60 s on 2 cores. Johnson's relative weights
are timed for comparison with the Python peers (relativeImp, key-driver-analysis: Johnson's
weights only, without CIs, 0.06-0.1 s for 15 drivers on 100,000 rows).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import measure  # noqa: E402

from fbresearch.analyses.drivers import relative_importance  # noqa: E402

N_ROWS = 100_000


def ratings_frame(p: int, n: int = N_ROWS, seed: int = 0) -> pd.DataFrame:
    """n responses with p correlated 1-5 ratings and a 0-10 outcome driven by them."""
    rng = np.random.default_rng(seed)
    latent = 0.5 * rng.normal(size=(n, 1)) + rng.normal(size=(n, p))
    ratings = np.clip(np.round(3 + latent), 1, 5)
    weights = np.linspace(1.0, 0.05, p)
    signal = ratings @ weights / weights.sum() * 1.6
    outcome = np.clip(np.round(2 + signal + rng.normal(size=n)), 0, 10)
    frame = pd.DataFrame(ratings, columns=[f"rating_{j:02d}" for j in range(p)])
    frame["nps"] = outcome
    return frame


def main() -> None:
    frame15, frame20 = ratings_frame(15), ratings_frame(20)
    relative_importance(frame15.head(1000), "nps", "rating_*")  # warm-up (imports, caches)
    with measure("drivers: exact LMG, 15 drivers, 100,000 responses", "< 1 s"):
        shares = relative_importance(frame15, "nps", "rating_*")
    r2 = shares.attrs["r_squared"]
    print(f"drivers: LMG shares sum {shares.sum():.12f}, R² {r2:.12f}", flush=True)
    with measure("drivers: exact LMG, 20 drivers (1,048,576 subsets), 100,000 responses", "< 10 s"):
        relative_importance(frame20, "nps", "rating_*")
    with measure("drivers: Johnson's weights, 15 drivers, 100,000 responses", "peers 0.06-0.1 s"):
        relative_importance(frame15, "nps", "rating_*", method="johnson")
    with measure("drivers: exact LMG + 500-draw bootstrap, 15 drivers, 2 workers", "< 60 s"):
        relative_importance(frame15, "nps", "rating_*", bootstrap=500, seed=0, workers=2)


if __name__ == "__main__":
    main()
