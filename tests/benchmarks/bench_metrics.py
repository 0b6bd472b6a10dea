"""Benchmark: kpi_table by month x channel on 1,000,000 responses (target: a second or two).

Run with ``make bench`` or ``.venv/bin/python tests/benchmarks/bench_metrics.py``. Prints seconds
and peak RSS; asserts nothing (timings depend on the machine and its load).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import measure  # noqa: E402

N_ROWS = 1_000_000
CHANNELS = ["survey", "email", "web", "app", "call_center", "social", "review"]


def synthetic_feedback(n: int = N_ROWS, seed: int = 0) -> pd.DataFrame:
    """Canonical-looking feedback: 18 months, 7 channels, nps/csat/ces with ~5% missing."""
    rng = np.random.default_rng(seed)
    start = np.datetime64("2025-05-01T00:00:00", "s")
    seconds = rng.integers(0, 549 * 86_400, n)

    def scores(low: int, high: int) -> pd.arrays.IntegerArray:
        values = rng.integers(low, high + 1, n)
        return pd.arrays.IntegerArray(values, rng.random(n) < 0.05)

    return pd.DataFrame(
        {
            "submitted_at": start + seconds.astype("timedelta64[s]"),
            "channel": pd.Categorical.from_codes(rng.integers(0, len(CHANNELS), n), CHANNELS),
            "nps": scores(0, 10),
            "csat": scores(1, 5),
            "ces": scores(1, 7),
        }
    )


def main() -> None:
    from fbresearch.analyses.kpis import kpi_table

    frame = synthetic_feedback()
    kpi_table(frame.head(1000), by=["month", "channel"])  # warm-up: imports, first calls
    with measure(
        f"kpi_table by month x channel, nps+csat+ces+volume, {N_ROWS:,} rows", target="1-2 s"
    ) as m:
        table = kpi_table(frame, by=["month", "channel"], metrics=["nps", "csat", "ces", "volume"])
        m["rows_out"] = len(table.table)
    with measure(f"kpi_table by month, nps+csat, {N_ROWS:,} rows", target="< 1 s"):
        kpi_table(frame, by="month")


if __name__ == "__main__":
    main()
