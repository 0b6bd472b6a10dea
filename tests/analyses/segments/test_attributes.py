"""Tests of fbresearch.analyses.segments.attributes: attribute columns and their profiles."""

from __future__ import annotations

import pandas as pd
import pytest

from fbresearch.analyses.segments import profile_attributes, segment_attributes
from fbresearch.errors import AnalysisError


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "region": ["N"] * 40 + ["S"] * 40,
            "nps": [10] * 30 + [3] * 10 + [10] * 10 + [3] * 30,
            "rating_delivery": [4] * 80,
        }
    )


def test_ratings_and_scores_are_not_attributes():
    assert segment_attributes(_frame()) == ["region"]


def test_profile_attributes_carries_confidence():
    res = profile_attributes(_frame(), confidence=0.9)
    assert res.confidence == 0.9
    assert res.table["segment"].tolist() == ["region: N", "region: S"]
    est = res.estimates[("region: N", "NPS", "diff")]
    assert est.confidence == 0.9 and est.estimate == pytest.approx(100.0)


def test_no_attribute_is_a_clear_error():
    with pytest.raises(AnalysisError, match="no segment attribute"):
        profile_attributes(_frame().drop(columns="region"))
