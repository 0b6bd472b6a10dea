"""Tests of fbresearch.present.plots.segments: every chart draws, labels read the confidence."""

from __future__ import annotations

import pandas as pd
import pytest

from fbresearch.analyses.segments import profile_segments, rfm_segments, segment_migration

ORDERS = pd.DataFrame(
    {
        "customer_id": list("abcdeabfgh"),
        "order_date": pd.to_datetime(
            ["2026-01-03", "2026-01-10", "2026-01-20", "2026-01-28", "2026-02-10"]
            + ["2026-02-20", "2026-02-25", "2026-02-26", "2026-01-02", "2026-02-01"]
        ),
        "amount": [10.0, 20, 30, 40, 50, 60, 70, 5, 15, 25],
    }
)


@pytest.fixture
def profile_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "seg": ["a"] * 40 + ["b"] * 40,
            "nps": [10] * 30 + [3] * 10 + [10] * 10 + [3] * 30,
            "csat": [5] * 50 + [2] * 30,
        }
    )


def test_rfm_and_migration_charts_draw():
    assert rfm_segments(ORDERS).plot().get_title() == "RFM segments: size and revenue"
    mig = segment_migration(ORDERS, "2026-01", "2026-02")
    assert mig.plot().get_xlabel() == "Segment now"


@pytest.mark.parametrize(("confidence", "label"), [(0.95, "95%"), (0.9, "90%")])
def test_score_chart_label_reads_the_result_confidence(profile_frame, confidence, label):
    res = profile_segments(profile_frame, "seg", confidence=confidence)
    assert res.plot().get_xlabel() == f"NPS with {label} CI"
    assert res.plot(metric="CSAT").get_xlabel() == f"CSAT (% top box) with {label} CI"
