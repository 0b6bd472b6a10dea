"""Tests of fbresearch.analyses.drivers.narrative: findings, reader tables, captions."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from fbresearch.analyses.drivers import (
    driver_label,
    driver_trend,
    importance_performance,
    key_drivers,
    narrative,
)
from fbresearch.analyses.drivers.narrative_trend import trend_table
from fbresearch.analyses.drivers.results import ImportancePerformanceResult
from fbresearch.evidence import fdr_adjust
from fbresearch.format import format_p
from fbresearch.schema import METRICS

from .planted import ip_frame


def test_findings_and_reader_tables():
    # With no "fix first" driver the headline is the most important driver (planted: a and b
    # carry 1.5 each; forcing the performance threshold to 0 puts every driver in "keep up").
    frame = ip_frame(800, seed=20)
    result = importance_performance(
        frame, "nps", "rating_*", thresholds={"performance": 0.0}, bootstrap=20
    )
    findings = result.findings()
    assert len(findings) == 1 and findings[0].estimate.unit == "share"
    assert findings[0].sentence.split()[0] in ("A", "B")
    shown = result.display_table()
    assert list(shown.columns[:3]) == ["Priority", "Attribute", "Quadrant"]
    assert shown["Share of explained variation"].str.match(r"\d+% \(\d+% to \d+%\)").all()
    assert "the threshold" in result.sentences()[0]
    regression = key_drivers(frame, "nps", "rating_*", importance="lmg")
    column = "Per rating point (points on the 0-10 answer)"
    assert regression.display_table()[column].str.contains(" to ").all()


def test_captions_and_summaries_name_the_results_own_confidence():
    # Deliberate fix: labels come from confidence_label(result.confidence), so a 90% run says 90%.
    frame = ip_frame(600, seed=21)
    matrix = importance_performance(frame, "nps", "rating_*", bootstrap=20, confidence=0.9)
    assert "90% confidence" in matrix.caption("July 2026")
    assert "July 2026" in matrix.caption("July 2026")
    assert "90% confidence" in matrix.table_caption()
    regression = key_drivers(frame, "nps", "rating_*", confidence=0.975)
    assert "97.5% confidence" in regression.table_caption("a window")
    assert "95%" not in regression.table_caption() + matrix.caption()


def test_trend_summary_without_change_names_the_joint_test_and_the_confidence():
    # Truth: nothing is planted to change (dates at random), and on this seed the joint test
    # does not reject, so the summary must say so with its p-value, and no verdict is given.
    rng = np.random.default_rng(6)
    frame = ip_frame(900, seed=6)
    frame["submitted_at"] = pd.Timestamp("2026-07-01") + pd.to_timedelta(
        rng.integers(0, 123, len(frame)), unit="D"
    )
    trend = driver_trend(frame, "nps", "rating_*", period="2026-10", confidence=0.8)
    assert "80%" in trend.table_caption()
    assert not trend.joint_rejects and trend.joint_p_value > 0.2
    assert trend.sentences() == [] and trend.findings() == []
    assert "No driver's link with NPS clearly changed: the joint test of all 4" in trend.summary()
    assert f"p {format_p(trend.joint_p_value)}" in trend.summary()
    assert "false discovery rate 20%" in trend.table_caption()
    assert set(trend.display_table()["Verdict"]) == {"no clear change"}


def test_p_values_use_the_one_formatter_and_labels_the_registry():
    frame = ip_frame(400, seed=6)
    regression = key_drivers(frame, "nps", "rating_*")
    shown = regression.display_table()["p-value"]
    assert list(shown) == [format_p(p) for p in regression.table["p_value"]]
    assert narrative.outcome_name("csat") == METRICS["csat"].label
    assert driver_label("ces") == METRICS["ces"].label
    assert narrative.missing_text({}) == "none"


def _trend(p_values, lows, highs, joint_rejects=True):
    """A hand-built driver trend: three drivers, each change's interval and raw p given."""
    k = len(p_values)
    table = pd.DataFrame(
        {
            "label": [f"Driver {i}" for i in range(k)],
            "previous": [0.5] * k, "previous_ci_low": [0.4] * k, "previous_ci_high": [0.6] * k,
            "current": [0.3] * k, "current_ci_low": [0.2] * k, "current_ci_high": [0.4] * k,
            "change": [(lo + hi) / 2 for lo, hi in zip(lows, highs, strict=True)],
            "change_ci_low": lows, "change_ci_high": highs,
            "p_value": p_values, "q_value": fdr_adjust(p_values),
            "direction": ["no clear change"] * k,
        }
    )  # fmt: skip
    return SimpleNamespace(
        table=table, confidence=0.95, joint_rejects=joint_rejects,
        previous_periods="2026-07 to 2026-09", current_period="2026-10",
    )  # fmt: skip


def test_no_clear_change_says_why_where_the_interval_is_clear_of_zero():
    """Hand-worked BH over 3 drivers: p = 0.04, 0.3, 0.6 -> q = 0.12, 0.45, 0.6, none kept. The
    first change (-0.32 to -0.01) is clear of zero and p < 0.05 alone: its verdict says why."""
    t = _trend([0.04, 0.3, 0.6], [-0.32, -0.2, -0.1], [-0.01, 0.1, 0.2])
    assert list(t.table["q_value"]) == pytest.approx([0.12, 0.45, 0.6])
    assert trend_table(t)["Verdict"].tolist() == [
        "no clear change (after correcting for 3 comparisons)",
        "no clear change",
        "no clear change",
    ]
    t = _trend([0.04, 0.3, 0.6], [-0.32, -0.2, -0.1], [-0.01, 0.1, 0.2], joint_rejects=False)
    assert trend_table(t)["Verdict"].tolist()[0] == (
        "no clear change (the joint test of all 3 drivers does not reject)"
    )


def test_a_driver_at_the_median_is_worded_like_its_quadrant():
    """Three drivers rated 3.5, 4.1, 4.6: the median 4.1 is the threshold, and the quadrants
    count it as high performance (>=), so App (low importance) is "possible overkill"; its
    sentence must not call it "about average" (which reads as neither half)."""
    table = pd.DataFrame(
        {
            "label": ["Price", "App", "Delivery"], "quadrant": ["fix first", "possible overkill",
                                                                 "keep up"],
            "matters": [True] * 3, "direction": [1] * 3, "importance": [0.5, 0.1, 0.4],
            "importance_ci_low": [0.4, 0.05, 0.3], "importance_ci_high": [0.6, 0.2, 0.5],
            "performance": [3.5, 4.1, 4.6], "performance_ci_low": [3.4, 4.0, 4.5],
            "performance_ci_high": [3.6, 4.2, 4.7],
        }
    )  # fmt: skip
    result = ImportancePerformanceResult(
        table=table, outcome="nps", thresholds={"importance": 0.4, "performance": 4.1}
    )
    app = narrative.matrix_sentences(result)[1]
    assert "about average" not in app
    assert app.endswith(
        "is rated at the median of the attributes (mean rating 4.10, CI 4.00 to 4.20), counted "
        "with the better-rated half: possibly more effort than it needs."
    )
