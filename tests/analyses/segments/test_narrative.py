"""Tests of fbresearch.analyses.segments.narrative: units, percentages, the evidence policy."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from fbresearch.analyses.segments import ChurnResult, profile_segments
from fbresearch.analyses.segments.narrative import (
    _diff_text,
    _pct,
    churn_findings,
    profile_display_table,
)
from fbresearch.analyses.segments.results import ProfileResult
from fbresearch.evidence import holm_adjust
from fbresearch.results import Estimate


def test_units_follow_the_metrics_registry():
    assert _diff_text(0.031, "CSAT") == "3.1 pp"
    assert _diff_text(-4.26, "NPS") == "-4.3 points"
    assert _diff_text(0.123, "Mean CSAT") == "0.12"
    assert _pct(0.5) == "50%" and _pct(math.nan) == "-"


def test_profile_sentences_name_the_difference_in_points():
    frame = pd.DataFrame(
        {"seg": ["a"] * 40 + ["b"] * 40, "nps": [10] * 30 + [3] * 10 + [10] * 10 + [3] * 30}
    )
    res = profile_segments(frame, "seg", metrics=("nps",))
    assert "A higher by 100.0 points" in res.summary()
    assert res.findings()[0].sentence.startswith("NPS in the A segment is 100.0 points higher")


def test_churn_importance_asks_evidence():
    def result(low: float) -> ChurnResult:
        e = Estimate(2.0, low, 3.0, n=100, unit="ratio", name="odds ratio: detractor")
        return ChurnResult(table=pd.DataFrame(), odds_ratios={"detractor": e})

    assert churn_findings(result(1.2))[0].importance == 0.7
    assert churn_findings(result(0.8))[0].importance == 0.3


def test_differs_no_says_why_where_the_interval_is_clear_of_zero():
    """Hand-worked Holm over 3 segments of one metric: p = 0.02, 0.03, 0.4 -> adjusted 0.06,
    0.06, 0.4: none below 5%. The first two look significant alone (intervals clear of zero,
    p < 0.05), so their "no" says why; the third does not need a reason."""
    p = [0.02, 0.03, 0.4]
    assert list(holm_adjust(p)) == pytest.approx([0.06, 0.06, 0.4])
    table = pd.DataFrame(
        {
            "segment": ["region: North", "region: South", "region: West"],
            "metric": ["NPS"] * 3,
            "n": [200, 180, 150],
            "diff_low": [2.1, -14.0, -6.0],
            "diff_high": [18.0, -0.8, 9.0],
            "p_value": p,
            "significant": [False] * 3,
            "small_sample": [False] * 3,
            "attribute": ["region"] * 3,
        }
    )
    shown = profile_display_table(ProfileResult(table=table))
    assert shown["differs_from_rest"].tolist() == [
        "no (not after correcting for 3 comparisons)",
        "no (not after correcting for 3 comparisons)",
        "no",
    ]


def test_attribute_segments_read_as_words_in_findings():
    import pandas as pd

    from fbresearch.analyses.segments.attributes import profile_attributes

    # planted: the West region are all detractors (NPS -100), the rest all promoters (+100)
    df = pd.DataFrame({"region": ["West"] * 40 + ["East"] * 40, "nps": [0] * 40 + [10] * 40})
    res = profile_attributes(df, attributes=["region"], metrics=["nps"])
    sentences = [f.sentence for f in res.findings()]
    assert any(s.startswith("NPS in the West region is 200.0 points lower") for s in sentences)
    assert not any("region:" in s for s in sentences)
