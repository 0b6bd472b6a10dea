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


def test_a_negative_driver_is_never_told_to_keep_up():
    # Truth: rating_b is important and well rated but planted with a NEGATIVE effect
    # (-1.5 per point): without the sign check it lands in "keep up".
    frame = ip_frame(2000, seed=21)
    frame["nps"] = frame["nps"] - 3.0 * frame["rating_b"]  # +1.5 -> -1.5
    result = importance_performance(frame, "nps", "rating_*", bootstrap=0)
    row = result.table.set_index("driver").loc["rating_b"]
    assert row["direction"] == -1 and row["quadrant"] == "negative link"
    assert result.table["quadrant"].iloc[-1] == "negative link"  # listed after the quadrants
    sentence = next(s for s in result.sentences() if s.startswith("B explains"))
    assert "keep it up" not in sentence and "not a strength" in sentence
    assert "higher ratings go with lower NPS" in sentence
    assert result.table.set_index("driver").loc["rating_a", "quadrant"] == "fix first"
    result.plot()  # the chart has a colour for it


def test_matrix_with_a_satisfied_outcome_names_it_from_metrics():
    # Truth: satisfied = 1 when the planted linear score is above its median; rating_a and
    # rating_b carry the effect, so they explain most of the variation.
    frame = ip_frame(2000, seed=22)
    frame["satisfied"] = (frame["nps"] > frame["nps"].median()).astype("Int64")
    result = importance_performance(frame, "satisfied", "rating_*", bootstrap=0)
    top = set(result.table.nlargest(2, "importance")["driver"])
    assert top == {"rating_a", "rating_b"}
    assert "variation in Satisfied" in result.summary()
    assert (result.table["direction"] == 1).all()
