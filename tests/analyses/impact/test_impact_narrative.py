"""Tests of fbresearch.analyses.impact.narrative and results: wording, confidence labels, findings."""

from __future__ import annotations

import pandas as pd
import pytest

from fbresearch.analyses.impact import (
    ImpactResult,
    ImprovementFailure,
    minimum_detectable_effect,
    narrative,
)
from fbresearch.analyses.impact.common import metric_label
from fbresearch.results import Estimate


def _result(confidence=0.95, design="difference-in-differences", significant=True, **kw):
    est = Estimate(0.31, 0.21, 0.41, n=4104, se=0.05, p_value=1e-8, confidence=confidence)
    if not significant:
        est = Estimate(0.05, -0.05, 0.15, n=4104, se=0.05, p_value=0.3, confidence=confidence)
    return ImpactResult(
        table=pd.DataFrame(),
        effect=est,
        design=design,
        outcome="csat",
        mde=0.14,
        name="Faster delivery",
        **kw,
    )


def test_metric_label_comes_from_the_registry():
    assert metric_label("nps") == "NPS" and metric_label("ces") == "CES"
    assert metric_label("some_score") == "some score"


@pytest.mark.parametrize(
    "design", ["difference-in-differences", "interrupted time series", "pre/post"]
)
def test_captions_name_the_results_confidence(design):
    assert "95%" in narrative.chart_caption(_result(0.95, design))
    caption = narrative.chart_caption(_result(0.9, design))
    assert "90%" in caption and "95%" not in caption
    assert "(bars: 80% CI)" in narrative.event_study_caption(_result(0.8, design))


def test_verdicts_rise_and_no_clear_change():
    whom = narrative.whom_phrase("region", "Faster delivery", ["East", "South"], ["North", "West"])
    text = narrative.improvement_verdict(_result(), "Faster delivery", "CSAT", whom)
    assert text == (
        # truth: a CSAT effect here is on the mean 1-5 answer, not the headline "% satisfied"
        "The mean CSAT answer (1-5) rose 0.31 points on the 1-5 scale (CI 0.21 to 0.41) in the "
        "regions that got faster delivery "
        "(East, South), compared with the others (North, West)."
    )
    null = narrative.improvement_verdict(_result(significant=False), "X", "CSAT", "")
    assert null.startswith("No clear change in the mean CSAT answer (1-5) after X")
    assert "0.14 points on the 1-5 scale or more" in null


def test_summary_and_findings_delegate_to_narrative():
    res = _result(verdict="V.", reason="R.", notes=("N.",))
    assert res.summary() == "V. R. N." == narrative.summary(res)
    (finding,) = res.findings()
    assert finding.sentence == "V." and finding.importance == 0.8
    assert _result(significant=False).findings()[0].importance == 0.5
    assert ImpactResult(table=pd.DataFrame()).findings() == []


def test_result_confidence_and_no_checks_table():
    assert _result(0.9).confidence == 0.9
    assert ImpactResult(table=pd.DataFrame()).confidence == 0.95
    assert not hasattr(ImpactResult, "checks_table")  # removed: it was never used


def test_improvement_failure_reads_as_a_message():
    fail = ImprovementFailure("X", "no data")
    assert fail.summary() == "X: could not be evaluated. no data" and fail.findings() == []


def test_minimum_detectable_effect_of_a_result():
    assert minimum_detectable_effect(_result()) == pytest.approx(2.8016 * 0.05, rel=1e-3)


def test_design_reasons():
    assert "(3 before, 2 after; 8 each side needed)" in narrative.prepost_reason(3, 2, 8)
    assert "and season" in narrative.its_reason("CSAT", 12, 12, True, 12)
    assert narrative.no_controls_note("region").startswith(" Every region got the change")


def test_progress_without_an_interval_prints_no_empty_ci():
    import pandas as pd

    from fbresearch.analyses.impact.narrative import progress_against_target
    from fbresearch.analyses.impact.results import ImpactResult
    from fbresearch.results import Estimate

    nan = float("nan")
    res = ImpactResult(
        table=pd.DataFrame(), effect=Estimate(0.2, nan, nan, n=9), design="x", outcome="csat"
    )
    target = {"relative_change": 0.1, "within_months": 12}
    out = progress_against_target(
        res, target, 3.9, pd.Timestamp("2026-03-01"), pd.Timestamp("2026-10-31"), "CSAT"
    )
    assert out["sentence"] == (
        "Target: CSAT +10% within 12 months. After 8 months, the change is +5.1% of the "
        "pre-change level 3.90: not measurable (the design gives no interval)."
    )
