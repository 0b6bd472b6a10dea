"""Benchmark of the built-in sample: time and peak memory of ``sample_data`` at 10^5 and 10^6 rows.

Run with ``make bench`` (or ``python tests/benchmarks/bench_sample.py``). Targets: 1,000,000
responses in under about 60 s and a few GiB at most.
"""

from __future__ import annotations

import gc
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _measure import measure  # noqa: E402

from fbresearch.io.sample import sample_data  # noqa: E402


def main() -> None:
    sample_data(1000)  # warm up: imports and the phrase banks
    for n, target in ((100_000, "a few seconds"), (1_000_000, "under 60 s, a few GiB")):
        with measure(f"sample_data({n:,})", target=target) as figures:
            data = sample_data(n)
            figures["orders"] = f"{len(data.orders):,}"
            figures["customers"] = f"{len(data.customers):,}"
        del data
        gc.collect()


if __name__ == "__main__":
    main()
