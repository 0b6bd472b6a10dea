"""Driver evidence calibration (issue 15): no-effect drivers, negative links, change over time.

Prints, on the driver tests' real-like surveys (1-5 ratings correlated by a halo, a 0-10 answer
rounded and cut at 10, one negatively coded rating, one rating with no effect):

- how often the no-effect rating is called "matters" (nominal 5%, with the 99% binomial band)
  and how often each planted rating is found;
- how often a rating with a negative coefficient lands in "keep up" or "fix first" (must be 0);
- with random dates (nothing changes): how often the joint test rejects and how often any
  driver "became more/less important";
- when only Delivery's coefficient doubles: how often it is found, how often another rating gets
  a verdict, and how far the unchanged ratings' shares of the explained variation fall (what
  the old share comparison read as "less important").
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
from scipy import stats

from fbresearch.analyses.drivers import driver_trend, importance_performance, relative_importance

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "analyses" / "drivers"))
from planted import SURVEY, survey_frame, survey_over_months  # noqa: E402 - the tests' data


def _band(reps: int) -> str:
    low, high = (x / reps for x in stats.binom.interval(0.99, reps, 0.05))
    return f"99% band at 5%: {low:.1%} to {high:.1%}"


def no_effect(reps: int, n: int = 600) -> None:
    t0 = time.perf_counter()
    planted = [d for d, b in SURVEY.items() if b]
    flagged, found, negative_keep = 0, np.zeros(len(planted)), 0
    for seed in range(reps):
        table = importance_performance(
            survey_frame(n, seed=1000 + seed), "nps", list(SURVEY), bootstrap=0
        ).table.set_index("driver")
        flagged += bool(table.loc["rating_app", "matters"])
        found += table.loc[planted, "matters"].to_numpy(dtype=float)
        below = table[table["coef"] < 0]
        negative_keep += int(below["quadrant"].isin(["keep up", "fix first"]).sum())
    print(f"no-effect rating called 'matters': {flagged / reps:.1%} of {reps} surveys of {n} "
          f"({_band(reps)}); reported as no effect: {1 - flagged / reps:.1%} (target >= 90%)")  # fmt: skip
    for name, rate in zip(planted, found / reps, strict=True):
        print(f"  planted {name} ({SURVEY[name]:+.2f}) found: {rate:.1%}")
    print(f"negative coefficients in 'keep up' or 'fix first': {negative_keep} (target 0); "
          f"{time.perf_counter() - t0:.1f} s")  # fmt: skip


def random_dates(reps: int, n: int = 480) -> None:
    t0 = time.perf_counter()
    verdicts = joint = 0
    for seed in range(reps):
        result = driver_trend(survey_over_months(n, seed=5000 + seed), "nps", list(SURVEY),
                              period="2026-10")  # fmt: skip
        verdicts += bool((result.table["direction"] != "no clear change").any())
        joint += result.joint_rejects
    print(f"random dates, {n} responses (a quarter in the report month), R = {reps} "
          f"({_band(reps)}): joint test rejects {joint / reps:.1%}; any verdict "
          f"{verdicts / reps:.1%}; no verdict {1 - verdicts / reps:.1%} (target >= 95%); "
          f"{time.perf_counter() - t0:.1f} s")  # fmt: skip


def one_doubles(reps: int, n: int = 1200) -> None:
    t0 = time.perf_counter()
    doubled = dict(SURVEY, rating_delivery=2 * SURVEY["rating_delivery"])
    hits = false = 0
    share_fall = []
    for seed in range(reps):
        frame = survey_over_months(n, seed=300 + seed, current=doubled)
        verdict = driver_trend(frame, "nps", list(SURVEY), period="2026-10").table
        verdict = verdict.set_index("driver")["direction"]
        hits += verdict["rating_delivery"] == "more important"
        false += int((verdict.drop("rating_delivery") != "no clear change").sum())
        late = (frame["submitted_at"] >= "2026-10-01").to_numpy()
        now, before = (relative_importance(part, "nps", list(SURVEY)) for part in
                       (frame[late], frame[~late]))  # fmt: skip
        share_fall.append((now / now.sum() - before / before.sum()).drop("rating_delivery"))
    mean_fall = np.mean([s.to_numpy() for s in share_fall], axis=0)
    print(f"only Delivery doubles, {n} responses, R = {reps}: found {hits / reps:.1%}; verdicts "
          f"on the 4 unchanged ratings {false / (4 * reps):.1%}; their mean change in share of "
          f"the explained variation {', '.join(f'{100 * v:+.1f}' for v in mean_fall)} points "
          f"(shares must sum to 100%); {time.perf_counter() - t0:.1f} s")  # fmt: skip


def main(replications: int = 1000) -> None:
    no_effect(replications)
    random_dates(replications)
    one_doubles(replications // 5)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
