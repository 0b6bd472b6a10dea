"""Tests of fbresearch.analyses.drivers.matrix: the importance-performance matrix."""

from __future__ import annotations

import pytest

from fbresearch.analyses.drivers import QUADRANTS, importance_performance
from fbresearch.analyses.kpis import scores as kpi_scores
from fbresearch.errors import AnalysisError

from .planted import ip_frame


def test_importance_performance_quadrants_match_the_planted_ones():
    # Truth: the quadrant planted for each driver in ip_frame.
    result = importance_performance(ip_frame(), "nps", "rating_*", bootstrap=50)
    quadrant = result.table.set_index("driver")["quadrant"].to_dict()
    assert quadrant == {
        "rating_a": "fix first",
        "rating_b": "keep up",
        "rating_c": "low priority",
        "rating_d": "possible overkill",
    }
    assert list(result.table["quadrant"]) == list(QUADRANTS)
    assert result.table["importance"].sum() == pytest.approx(1.0, abs=1e-12)
    assert result.table["r2_share"].sum() == pytest.approx(result.r_squared, abs=1e-10)
    first = result.sentences()[0]
    assert first.startswith("A explains") and "below" in first and "first priority" in first
    assert "%" in first and "CI" in first
    assert result.findings()[0].sentence == first


def test_performance_comes_from_metrics_and_thresholds_override_medians():
    frame = ip_frame(500, seed=17)
    result = importance_performance(frame, "nps", "rating_*", performance="top_box", bootstrap=0)
    row = result.table.set_index("driver").loc["rating_a"]
    # Truth: kpi_scores.proportion (Wilson) on the top-box count.
    expected = kpi_scores.proportion(int(frame["rating_a"].isin([4, 5]).sum()), len(frame))
    assert row["performance"] == pytest.approx(expected.estimate)
    assert row["performance_ci_low"] == pytest.approx(expected.ci_low)
    forced = importance_performance(
        frame, "nps", "rating_*", thresholds={"importance": 0.0, "performance": 0.0}, bootstrap=0
    )
    assert set(forced.table["quadrant"]) == {"keep up"}
    with pytest.raises(AnalysisError, match="thresholds"):
        importance_performance(frame, "nps", "rating_*", thresholds={"x": 1}, bootstrap=0)
