"""Calibration of the improvement designs at full size (500 replicates each), and their speed.

Prints, per method, the rejection rate with no effect (target 3-7%) and the coverage of 95% CIs
with a planted effect (target 92-98%), each with its Monte Carlo standard error; the rejection
rate of the event study's pre-trend test with no pre-trend (repeated respondents); then the time
of one evaluation on the default sample. Figures are printed, never asserted.
"""

from __future__ import annotations

import math
import sys
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analyses.impact.test_did import pretrend_rejection_rate as _pretrend_rejection_rate  # noqa: E402
from benchmarks._measure import measure  # noqa: E402
from test_impact import _calibrate_with  # noqa: E402

REPS = 500


def _line(method: str, size: float, cover: float) -> None:
    se_size = math.sqrt(size * (1 - size) / REPS)
    se_cover = math.sqrt(cover * (1 - cover) / REPS)
    print(
        f"{method}: rejection with no effect {100 * size:.1f}% (MC SE {100 * se_size:.1f}; "
        f"target 3-7%), 95% CI coverage {100 * cover:.1f}% (MC SE {100 * se_cover:.1f}; "
        f"target 92-98%), {REPS} replicates",
        flush=True,
    )


def main() -> None:
    warnings.simplefilter("ignore")
    for method in ("its_gaussian", "its_poisson", "pre_post"):
        with measure(f"calibration {method}"):
            size, cover = _calibrate_with(method, REPS)
        _line(method, size, cover)
    with measure("calibration pre-trend test"):
        size = _pretrend_rejection_rate(REPS)
    se_size = math.sqrt(size * (1 - size) / REPS)
    print(
        f"diff_in_diff pre-trend test (joint Wald F of the leads, SEs clustered by customer): "
        f"rejection with no pre-trend {100 * size:.1f}% (MC SE {100 * se_size:.1f}; target 3-7%), "
        f"{REPS} replicates",
        flush=True,
    )
    from fbresearch.analyses.impact import evaluate_improvement
    from fbresearch.io.sample import sample_data

    sample = sample_data()
    imp = sample.truth["improvement"]
    with measure("evaluate_improvement on the default sample (DiD, event study)"):
        res = evaluate_improvement(
            sample.feedback,
            imp["name"],
            imp["change_date"],
            imp["metric"],
            imp["treated_regions"],
            imp["control_regions"],
        )
    print(f"sample: estimate {res.effect.format(3)}, planted {imp['effect']:.3f}", flush=True)


if __name__ == "__main__":
    main()
