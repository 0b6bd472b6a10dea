"""Tests of fbresearch.analyses.drivers.matrix: the importance-performance matrix."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest

from fbresearch.analyses.drivers import (
    NEGATIVE_LINK,
    QUADRANTS,
    importance_performance,
    key_drivers,
    relative_importance,
)
from fbresearch.analyses.kpis import scores as kpi_scores
from fbresearch.errors import AnalysisError

from .planted import SURVEY, ip_frame, survey_frame


def test_importance_performance_quadrants_match_the_planted_ones():
    # Truth: the quadrant planted for each driver in ip_frame.
    result = importance_performance(ip_frame(), "nps", "rating_*", bootstrap=200)
    quadrant = result.table.set_index("driver")["quadrant"].to_dict()
    assert quadrant == {
        "rating_a": "fix first",
        "rating_b": "keep up",
        "rating_c": "low priority",
        "rating_d": "possible overkill",
    }
    assert list(result.table["quadrant"]) == list(QUADRANTS)
    # Truth: the population shares. With independent drivers each LMG share is b² var(x) over
    # var(y): var 1.64 for the "low" ratings (a, c), 1.2475 for the "high" ones (b, d),
    # worked from their answer distributions; noise variance 1.
    b = {"rating_a": 1.5, "rating_b": 1.5, "rating_c": 0.1, "rating_d": 0.1}
    var = {"rating_a": 1.64, "rating_b": 1.2475, "rating_c": 1.64, "rating_d": 1.2475}
    explained = {d: b[d] ** 2 * var[d] for d in b}
    total = sum(explained.values())
    rows = result.table.set_index("driver")
    for d in b:
        assert rows.loc[d, "importance_ci_low"] <= explained[d] / total, d
        assert explained[d] / total <= rows.loc[d, "importance_ci_high"], d
        assert rows.loc[d, "r2_share"] == pytest.approx(explained[d] / (total + 1), abs=0.02), d
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
    assert row["coef_ci_low"] <= -1.5 <= row["coef_ci_high"]
    assert row["signed_importance"] == pytest.approx(-row["importance"])
    assert result.table["quadrant"].iloc[-1] == "negative link"  # listed after the quadrants
    sentence = next(s for s in result.sentences() if s.startswith("B "))
    assert "keep it up" not in sentence and "not a strength" in sentence
    assert sentence.startswith("B has a negative link with NPS")
    assert result.table.set_index("driver").loc["rating_a", "quadrant"] == "fix first"


def test_a_negative_rating_on_a_real_like_survey_is_a_negative_link_everywhere():
    # Truth: the real-like survey's Wait rating (5 = a long wait) is planted at -0.35 points
    # per rating point; its correlation with the answer is about -0.3. It must show as a
    # negative link in every output: matrix, tables, charts, sentences, relative importance.
    frame = survey_frame(1500, seed=11)
    assert frame["rating_wait"].corr(frame["nps"]) < -0.2
    matrix = importance_performance(frame, "nps", list(SURVEY), bootstrap=100)
    row = matrix.table.set_index("driver").loc["rating_wait"]
    assert row["quadrant"] == NEGATIVE_LINK and row["matters"]
    assert row["coef_ci_low"] <= -0.35 <= row["coef_ci_high"]
    shown = matrix.display_table().set_index("Attribute").loc["Wait"]
    assert shown["Link with NPS"] == "negative: higher rating, lower NPS"
    assert shown["Quadrant"] == "negative link"
    assert "Wait has a negative link with NPS" in matrix.summary()
    assert all("Wait" not in f.sentence for f in matrix.findings())
    shares = relative_importance(frame, "nps", list(SURVEY))
    assert shares.attrs["direction"]["rating_wait"] == -1 and shares["rating_wait"] > 0
    regression = key_drivers(frame, "nps", list(SURVEY))
    coef = regression.coefficient("rating_wait")
    assert coef.contains(-0.35) and coef.estimate < 0
    assert "(a negative link)" in regression.summary()
    ax = matrix.plot_importance()  # the bar goes left of zero
    bars = {
        t.get_text(): p.get_width() for t, p in zip(ax.get_yticklabels(), ax.patches, strict=True)
    }
    assert bars["Wait (negative link)"] == pytest.approx(-row["importance"])
    assert all(w > 0 for k, w in bars.items() if "negative" not in k and "no evidence" not in k)
    ax = matrix.plot()
    assert "Wait (negative link)" in {t.get_text() for t in ax.texts}
    plt.close("all")


def test_no_driver_with_a_negative_coefficient_is_ever_keep_up_or_fix_first():
    # Acceptance (issue 15): over 100 small real-like surveys (120 responses: some negative
    # coefficients are clear, some not), a driver whose coefficient is below zero is never
    # "keep up" or "fix first", and a clearly negative one is always "negative link".
    negatives = clear = 0
    for seed in range(100):
        table = importance_performance(
            survey_frame(120, seed=seed), "nps", list(SURVEY), bootstrap=0
        ).table
        below = table[table["coef"] < 0]
        negatives += len(below)
        assert not below["quadrant"].isin(["keep up", "fix first"]).any(), seed
        clear += int(below["matters"].sum())
        assert (below.loc[below["matters"], "quadrant"] == NEGATIVE_LINK).all(), seed
    assert negatives >= 100 and clear >= 50  # the check met both kinds many times


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
