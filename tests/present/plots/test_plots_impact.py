"""Tests of fbresearch.present.plots.impact."""

from __future__ import annotations

import matplotlib
import pandas as pd
import pytest

from fbresearch.analyses.impact import ImpactResult
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
