"""Tests of fbresearch.present.plots.triage: the figures name the run's confidence level."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from fbresearch.analyses.triage import categorize, response_times  # noqa: E402


def test_category_plot_names_the_level():
    r = categorize(["late courier", "cold food", "ok"], confidence=0.9)
    ax = r.plot()
    assert ax.get_xlabel().startswith("% of texts (90% CI)")
    plt.close("all")


def test_within_limit_plot_names_the_level():
    sub = pd.to_datetime(["2026-10-01"] * 4)
    df = pd.DataFrame(
        {
            "submitted_at": sub,
            "responded_at": sub + pd.to_timedelta([1, 2, 100, 3], unit="h"),
            "channel": ["app", "app", "email", "email"],
        }
    )
    r = response_times(df, asof="2026-10-10", window_days=None, confidence=0.8)
    assert "(80% CI)" in r.plot().get_xlabel()
    plt.close("all")
