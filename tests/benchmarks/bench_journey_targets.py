"""Journey and targets (issue 18): calibration and timing figures.

Prints (1) the journey page's false-alarm rate (a "significant" largest drop when no stage
differs; BH over the page's steps, 5%) and its power for a 0.6 SD drop, on the realistic process
of the tests (repeat customers, lopsided stage shares), with the 99% binomial band; (2) the
targets' wrong-verdict rate (on track or behind when the target is the true level at its month)
at 80% and 95% on trend + AR(1) shocks with lopsided months; (3) the journey analyses' run time
on the sample at 5,000 and 100,000 responses.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
from scipy import stats

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import fbresearch as fb  # noqa: E402
from fbresearch.analyses.journey import journey_kpis, stage_profiles  # noqa: E402
from fbresearch.analyses.targets import target_progress  # noqa: E402
from tests.analyses.journey.test_estimate import STAGES, _journey  # noqa: E402
from tests.analyses.targets.test_targets import _months  # noqa: E402


def _band(runs: int, p: float) -> str:
    low, high = (x / runs for x in stats.binom.interval(0.99, runs, p))
    return f"99% band at {p:.0%}: {low:.1%} to {high:.1%}"


def journey(runs: int) -> None:
    rng = np.random.default_rng(18)
    for label, shift in (
        ("no stage effect", [0, 0, 0, 0]),
        ("delivery -0.6 SD", [0.1, 0.1, -0.6, 0]),
    ):
        t0 = time.perf_counter()
        named = sum(
            journey_kpis(
                _journey(rng, 240 if shift[2] == 0 else 1200, shift), stages=STAGES
            ).weak_stage
            is not None
            for _ in range(runs)
        )
        print(f"  journey, {label:<17} significant drop {named / runs:6.1%}   "
              f"({_band(runs, 0.05)}; {time.perf_counter() - t0:.0f} s)")  # fmt: skip


def targets(runs: int) -> None:
    for level in (0.8, 0.95):
        rng = np.random.default_rng(18)
        wrong, t0 = 0, time.perf_counter()
        for _ in range(runs):
            shock = np.zeros(30)
            for k in range(1, 30):
                shock[k] = 0.5 * shock[k - 1] + rng.normal(0, 0.012)
            truth = np.clip(0.6 + 0.004 * np.arange(30) + shock, 0.05, 0.95)
            kpi = _months(rng, truth[:18], sizes=rng.integers(80, 400, 18))
            kpi = type(kpi)(kpi.table, kpi.by, kpi.time, kpi.metrics, level)
            goal = [{"metric": "csat", "value": float(truth[29]), "by": "2027-10"}]
            wrong += target_progress(kpi, goal).table.loc[0, "status"] in ("on track", "behind")
        print(f"  targets at {level:.0%}: wrong verdict {wrong / runs:6.1%}   "
              f"({_band(runs, 1 - level)}; {time.perf_counter() - t0:.0f} s)")  # fmt: skip


def timing() -> None:
    for n in (5_000, 100_000):
        frame = fb.load_feedback(fb.sample_data(n).feedback).frame
        window = frame[frame["submitted_at"] >= "2026-08-01"]
        t0 = time.perf_counter()
        journey_kpis(window, metrics=["nps", "csat", "ces"])
        t1 = time.perf_counter()
        stage_profiles(window)
        t2 = time.perf_counter()
        print(f"  {n:>7,} responses ({len(window):,} in 3 months): levels and steps "
              f"{t1 - t0:.2f} s, categories and drivers per stage {t2 - t1:.1f} s")  # fmt: skip


if __name__ == "__main__":
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    print(f"Journey and targets, R = {runs}")
    journey(runs)
    targets(max(runs // 2, 50))
    timing()
