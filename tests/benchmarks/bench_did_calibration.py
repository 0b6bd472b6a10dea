"""Difference-in-differences with few clusters: size under persistent regional shocks, and power.

Responses from repeat customers in G regions (half treated) over 18 months, change at month 10,
a region x month AR(1) shock (rho 0.8, sd 0.15) and a per-customer effect: the setting where
cell-level HC2 rejected 15-17% with 4 regions. For G = 4, 8 and 20 it prints, over R null
replicates, the rejection rate at 5% of the chosen inference (randomization inference for 4 and
8 regions, the WCR wild cluster bootstrap for 20) and of the former cell-level HC2, each with the
central 99% binomial band around the attainable size; then the rejection rate with a planted
effect (power). Figures are printed, never asserted (the suite's test_did.py asserts the
cell-level versions). ``python tests/benchmarks/bench_did_calibration.py [R]``.
"""

from __future__ import annotations

import math
import sys
import warnings
from pathlib import Path

import numpy as np
from scipy import stats
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analyses.impact.test_did import pretrend_rejection_rate, responses  # noqa: E402
from benchmarks._measure import measure  # noqa: E402

from fbresearch.analyses.impact import diff_in_diff  # noqa: E402

SETTINGS = {4: 3000, 8: 6000, 20: 12000}  # regions -> responses
EFFECT = 0.3


def _band(reps: int, rate: float) -> str:
    lo, hi = (stats.binom.ppf(q, reps, rate) / reps for q in (0.005, 0.995))
    return f"99% band {100 * lo:.1f}-{100 * hi:.1f}%"


def _run(g: int, effect: float, reps: int) -> dict[str, float]:
    """Rejection rates at 5% by method over ``reps`` replicates (seeds fixed)."""
    hits = {"chosen": 0, "cells": 0, "p<=1/3": 0}
    for seed in range(reps):
        df = responses(np.random.default_rng(seed), n_regions=g, n=SETTINGS[g], effect=effect)
        res = diff_in_diff(
            df, "y", "treated", "post", cluster="region", time="month", event_study=False
        )
        t = res.table.set_index("method")
        hits["chosen"] += res.effect.p_value <= 0.05
        hits["cells"] += t.loc["cells", "p_value"] <= 0.05
        hits["p<=1/3"] += res.effect.p_value <= 1 / 3 + 1e-9
    return {k: v / reps for k, v in hits.items()}


def main(reps: int) -> None:
    warnings.simplefilter("ignore")
    with threadpool_limits(1):
        for g in SETTINGS:
            method = "randomization inference" if math.comb(g, g // 2) <= 1000 else "WCR bootstrap"
            attainable = 0.0 if g == 4 else (2 / 70 if g == 8 else 0.05)
            with measure(f"DiD {g} regions, {reps} null + {reps} planted replicates"):
                null = _run(g, 0.0, reps)
                planted = _run(g, EFFECT, reps)
            print(
                f"{g} regions ({g // 2} treated), persistent shocks, no effect: {method} rejects "
                f"{100 * null['chosen']:.1f}% at 5% (attainable size {100 * attainable:.1f}%, "
                f"{_band(reps, attainable)}); cell-level HC2 rejects {100 * null['cells']:.1f}% "
                f"({_band(reps, 0.05)} around 5%); R = {reps}",
                flush=True,
            )
            if g == 4:
                print(
                    f"  4 regions: share of null p-values <= 1/3 is {100 * null['p<=1/3']:.1f}% "
                    f"(exact: 33.3%, {_band(reps, 1 / 3)})",
                    flush=True,
                )
            print(
                f"  planted effect {EFFECT}: {method} rejects {100 * planted['chosen']:.1f}% "
                f"(power), cell-level HC2 {100 * planted['cells']:.1f}%",
                flush=True,
            )
    with measure("pre-trend test, persistent regional shocks"):
        size = pretrend_rejection_rate(reps, shock_sd=0.15)
    print(
        f"pre-trend test (joint Wald F on responses, SEs by customer) with persistent regional "
        f"shocks: rejects {100 * size:.1f}% at 5% ({_band(reps, 0.05)}); R = {reps}",
        flush=True,
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 400)
