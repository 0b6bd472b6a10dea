"""Tests of fbresearch.analyses.segments.results: delegation, assign, the one stand-in."""

from __future__ import annotations

import pandas as pd
import pytest

from fbresearch.analyses.segments import ClusterResult, RFMResult, profile_segments, rfm_segments
from fbresearch.errors import AnalysisError
from fbresearch.results import Unavailable, attempt

ORDERS = pd.DataFrame(
    {
        "customer_id": list("abcdeab"),
        "order_date": pd.to_datetime(
            ["2026-01-03", "2026-01-10", "2026-01-20", "2026-01-28", "2026-02-10", "2026-02-20"]
            + ["2026-02-25"]
        ),
        "amount": [10.0, 20, 30, 40, 50, 60, 70],
    }
)


def test_summary_and_findings_delegate_to_narrative():
    from fbresearch.analyses.segments import narrative

    res = rfm_segments(ORDERS)
    assert isinstance(res, RFMResult)
    assert res.summary() == narrative.rfm_summary(res)
    assert [f.sentence for f in res.findings()] == [f.sentence for f in narrative.rfm_findings(res)]


def test_assign_without_labels_is_an_error():
    with pytest.raises(AnalysisError, match="no per-customer segments"):
        ClusterResult(table=pd.DataFrame(), labels=None).assign(pd.DataFrame({"customer_id": []}))


def test_a_failed_rfm_propagates_through_assign_and_profile():
    rfm = attempt(rfm_segments, ORDERS.head(1), what="RFM segmentation")
    assert isinstance(rfm, Unavailable)
    later = attempt(profile_segments, rfm.assign(pd.DataFrame()), "segment", what="Profile")
    assert isinstance(later, Unavailable)
    assert later.summary().startswith("Profile is not shown: RFM segmentation could not run")
    assert later.plot() is later and later.findings() == []
