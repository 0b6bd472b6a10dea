"""Tests of fbresearch.present.impact: the improvement page's tables and blocks."""

from __future__ import annotations

import math

import matplotlib
import pandas as pd

from fbresearch.analyses.impact import ImpactResult, ImprovementFailure
from fbresearch.present import impact
from fbresearch.results import Estimate

matplotlib.use("Agg")


def _result(confidence=0.95):
    checks = pd.DataFrame(
        {
            "check": ["pre-trends", "lag-1"],
            "statistic": [1.17, 0.28],
            "p_value": [0.312, math.nan],
            "conclusion": ["fine", "small"],
        }
    )
    return ImpactResult(
        table=pd.DataFrame(),
        effect=Estimate(0.31, 0.21, 0.41, n=4104, p_value=1e-8, confidence=confidence),
        design="difference-in-differences",
        outcome="csat",
        mde=0.14,
        checks=checks,
        name="Faster delivery",
    )


def test_effect_table_text_and_confidence_column():
    table = impact.effect_table(_result())
    assert list(table.columns)[2] == "95% CI"
    assert table.iloc[0].tolist() == [
        "difference-in-differences",
        "0.31",
        "0.21 to 0.41",
        "<0.001",
        "points on the answer scale",
        "0.14",
        "4,104",
    ]
    assert list(impact.effect_table(_result(0.9)).columns)[2] == "90% CI"


def test_checks_table_formats_p_values_in_the_one_style():
    table = impact.checks_table(_result())
    assert table["p-value"].tolist() == ["0.312", "–"]
    assert table["statistic"].tolist() == ["1.17", "0.28"]


def test_show_improvements_messages(monkeypatch):
    shown = []
    monkeypatch.setattr(impact, "show", lambda obj, caption=None: shown.append((obj, caption)))
    impact.show_improvements([])
    assert "No improvements are listed" in shown[0][0]
    impact.show_improvements([ImprovementFailure("X", "bad date")])
    assert shown[-1][0] == "X: could not be evaluated. bad date"
