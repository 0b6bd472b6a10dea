"""Tests of fbresearch.analyses.drivers.prepare: bad input names the column and the fix."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from fbresearch.analyses.drivers import key_drivers, relative_importance, resolve_drivers
from fbresearch.errors import AnalysisError, FeedbackDataError

from .planted import planted_frame


@pytest.mark.parametrize(
    ("change", "error", "column"),
    [
        (lambda f: f.assign(rating_price=3), AnalysisError, "rating_price"),
        (lambda f: f.assign(rating_copy=f["rating_quality"]), AnalysisError, "rating_copy"),
        (lambda f: f.assign(nps=7.0), AnalysisError, "nps"),
        (
            lambda f: f.assign(rating_price=pd.array([pd.NA] * len(f), dtype="Int64")),
            FeedbackDataError,
            "rating_price",
        ),
        (lambda f: f.assign(rating_price=["good"] * len(f)), FeedbackDataError, "rating_price"),
        (lambda f: f.head(4), AnalysisError, "5 model terms"),
    ],
    ids=[
        "constant",
        "identical",
        "outcome-one-value",
        "all-missing",
        "non-numeric",
        "more-drivers-than-responses",
    ],
)
def test_bad_input_names_the_column_and_the_fix(change, error, column):
    frame = change(planted_frame(200, seed=14))
    frame = frame.assign(rating_extra=np.arange(len(frame)) % 5) if len(frame) < 10 else frame
    with pytest.raises(error, match=column) as info:
        key_drivers(frame, "nps", "rating_*")
    assert "Fix" in str(info.value)
    with pytest.raises(error, match=column):
        relative_importance(frame, "nps", "rating_*")


def test_unknown_columns_and_patterns_are_clear_errors():
    frame = planted_frame(100)
    with pytest.raises(FeedbackDataError, match="rating_speed"):
        key_drivers(frame, "nps", ["rating_speed"])
    with pytest.raises(FeedbackDataError, match="score_"):
        resolve_drivers(frame, "score_*")
    with pytest.raises(FeedbackDataError, match="region"):
        key_drivers(frame, "nps", "rating_*", controls=["region"])
    with pytest.raises(AnalysisError, match="model"):
        key_drivers(frame, "nps", "rating_*", model="probit")


def test_exact_linear_combination_is_reported_as_collinear():
    frame = planted_frame(300, seed=15)
    frame["rating_sum"] = frame["rating_delivery"] + frame["rating_quality"]
    with pytest.raises(AnalysisError, match="collinear"):
        relative_importance(frame, "nps", "rating_*")
