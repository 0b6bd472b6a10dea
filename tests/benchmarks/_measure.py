"""Timing and peak-memory helpers for the benchmarks (`make bench`).

Figures are printed, never asserted: a benchmark reports, the reader judges against the target.
"""

from __future__ import annotations

import resource
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[2]
CACHE = REPO / ".bench-cache"
SHARED_DATA = REPO.parent / "shared" / "data"


class _PeakRSS:
    """Samples this process's resident set size every 20 ms while a block runs."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._proc = psutil.Process()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._proc.memory_info().rss)
            time.sleep(0.02)

    def __enter__(self) -> _PeakRSS:
        self.peak = self._proc.memory_info().rss
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._proc.memory_info().rss)


@contextmanager
def measure(label: str, target: str = "") -> Iterator[dict]:
    """Time a block and sample its peak RSS; print one line ``label: 1.23 s, peak 456 MiB``.

    Examples
    --------
    >>> with measure("sum of squares") as m:
    ...     _ = sum(i * i for i in range(1000))
    """
    figures: dict = {}
    start = time.perf_counter()
    with _PeakRSS() as rss:
        yield figures
    figures["seconds"] = time.perf_counter() - start
    figures["peak_mib"] = rss.peak / 2**20
    note = f" (target {target})" if target else ""
    extra = "".join(f", {k} {v}" for k, v in figures.items() if k not in ("seconds", "peak_mib"))
    print(
        f"{label}: {figures['seconds']:.2f} s, peak RSS {figures['peak_mib']:.0f} MiB{extra}{note}",
        flush=True,
    )


def children_peak_mib() -> float:
    """Peak RSS of finished child processes (e.g. papermill kernels), in MiB."""
    kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return kib / 1024 if sys.platform != "darwin" else kib / 2**20
