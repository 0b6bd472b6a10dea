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


def test_numeric_attribute_in_bands_named_by_their_ages():
    # 80 ages 20..59 twice: quartile bands of 10 ages each, named by lowest and highest age
    frame = pd.DataFrame({"age": list(range(20, 60)) * 2, "csat": [5, 1] * 40})
    res = profile_attributes(frame, metrics=["csat"])
    assert res.table["segment"].tolist() == ["age: 20-29", "age: 30-39", "age: 40-49", "age: 50-59"]
    assert res.table["n"].tolist() == [20, 20, 20, 20]


def test_profile_attributes_takes_satisfied_and_holm_runs_over_every_group():
    frame = pd.DataFrame(
        {
            "region": ["N"] * 40 + ["S"] * 40,
            "plan": ["x", "y"] * 40,
            "satisfied": [1] * 30 + [0] * 10 + [1] * 10 + [0] * 30,
        }
    )
    res = profile_attributes(frame, metrics=["nps", "satisfied"])
    assert res.table["metric"].unique().tolist() == ["Satisfied"]
    # Holm over 4 groups: the smallest raw p is multiplied by 4
    t = res.table.sort_values("p_value")
    assert t["p_holm"].iloc[0] == pytest.approx(4 * t["p_value"].iloc[0])
    assert "NPS is left out: the data has no nps column." in res.summary()


def test_default_metric_falls_back_to_the_outcome_the_data_has():
    frame = pd.DataFrame({"region": ["N", "S"] * 20, "ces": [3, 5] * 20})
    assert profile_attributes(frame).table["metric"].unique().tolist() == ["CES"]


def test_wave_is_not_an_attribute():
    frame = pd.DataFrame({"nps": [9, 3], "wave": ["2026-09", "2026-10"], "plan": ["a", "b"]})
    assert segment_attributes(frame) == ["plan"]
