"""Tests of fbresearch.present.plots.impact."""

from __future__ import annotations

import matplotlib
import pandas as pd
import pytest

from fbresearch.analyses.impact import ImpactResult
from fbresearch.analyses.impact.narrative import chart_caption, event_study_caption
from fbresearch.errors import AnalysisError
from fbresearch.results import Estimate

matplotlib.use("Agg")


def _series():
    return pd.DataFrame(
        {
            "period": pd.date_range("2026-01-01", periods=4, freq="MS"),
            "observed": [1.0, 2, 3, 4],
            "comparison": [1.0, 1.5, 2, 2.5],
            "counterfactual": [None, 2, 2.5, 3],
            "cf_low": [None, 2, 2, 2.5],
            "cf_high": [None, 2, 3, 3.5],
        }
    )


@pytest.mark.parametrize("confidence, label", [(0.95, "95% band"), (0.8, "80% band")])
def test_counterfactual_band_names_the_results_confidence(confidence, label):
    res = ImpactResult(
        table=pd.DataFrame(),
        effect=Estimate(0.3, 0.1, 0.5, n=9, confidence=confidence),
        design="difference-in-differences",
        outcome="csat",
        series=_series(),
        change_date=pd.Timestamp("2026-02-01"),
    )
    ax = res.plot()
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert label in legend and ax.get_ylabel() == "Mean CSAT"


def test_event_study_chart_and_missing_one():
    event = pd.DataFrame(
        {
            "relative_period": [-2, -1, 0],
            "estimate": [0.0, 0.0, 0.3],
            "ci_low": [-0.1, 0.0, 0.1],
            "ci_high": [0.1, 0.0, 0.5],
        }
    )
    res = ImpactResult(table=pd.DataFrame(), outcome="nps", event_study=event)
    assert res.plot_event_study().get_ylabel() == "Effect on NPS"
    with pytest.raises(AnalysisError, match="No event study"):
        ImpactResult(table=pd.DataFrame()).plot_event_study()


def test_counterfactual_without_an_interval_draws_and_names_no_band():
    # truth: 4 regions, 2 treated: the effect has no interval (NaN bounds), so no band exists
    series = _series().assign(cf_low=float("nan"), cf_high=float("nan"))
    res = ImpactResult(
        table=pd.DataFrame(),
        effect=Estimate(0.3, float("nan"), float("nan"), n=9),
        design="difference-in-differences",
        outcome="csat",
        series=series,
        change_date=pd.Timestamp("2026-02-01"),
        name="X",
    )
    ax = res.plot()
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert not any("band" in t for t in legend) and not ax.collections
    assert "no band is drawn" in chart_caption(res)


def test_event_study_without_intervals_draws_points_only():
    # truth: randomization inference with 6 assignments supports no per-month interval
    nan = float("nan")
    event = pd.DataFrame(
        {
            "relative_period": [-2, -1, 0, 1],
            "estimate": [0.1, 0.0, 0.6, 0.5],
            "ci_low": [nan, 0.0, nan, nan],
            "ci_high": [nan, 0.0, nan, nan],
            "placebo_low": [-0.1, 0.0, -0.6, -0.5],
            "placebo_high": [0.2, 0.0, 0.3, 0.1],
        }
    )
    table = pd.DataFrame({"chosen": [True], "min_attainable_p": [1 / 3]})
    placebo = pd.DataFrame({"estimate": range(6), "observed": [True] + [False] * 5})
    res = ImpactResult(
        table=table,
        outcome="csat",
        event_study=event,
        placebo=placebo,
        name="X",
        effect=Estimate(0.3, nan, nan, n=9),
    )
    ax = res.plot_event_study()
    assert not ax.containers  # no error bars
    caption = event_study_caption(res)
    assert "points only" in caption and "only 6 ways" in caption and "other 5 ways" in caption
    assert "CI" not in caption
