"""Tests of fbresearch.analyses.drivers.trend: driver change over time."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from fbresearch.analyses.drivers import driver_trend
from fbresearch.errors import AnalysisError


def test_driver_trend_detects_a_planted_shift_in_importance():
    # Truth: before 2026-10 only a drives the outcome; in 2026-10 only b does.
    rng = np.random.default_rng(19)
    n = 2400
    when = pd.Timestamp("2026-04-01") + pd.to_timedelta(rng.integers(0, 214, n), unit="D")
    x = rng.integers(1, 6, size=(n, 3)).astype(float)
    late = when >= pd.Timestamp("2026-10-01")
    y = np.where(late, x[:, 1], x[:, 0]) * 1.5 + 0.5 * x[:, 2] + rng.normal(0, 1, n)
    frame = pd.DataFrame(
        {
            "submitted_at": when,
            "rating_a": x[:, 0],
            "rating_b": x[:, 1],
            "rating_c": x[:, 2],
            "nps": y,
        }
    )
    result = driver_trend(frame, "nps", "rating_*", period="2026-10", window=3, bootstrap=100)
    direction = result.table.set_index("driver")["direction"]
    assert direction["rating_a"] == "less important"
    assert direction["rating_b"] == "more important"
    assert result.previous_periods == "2026-07 to 2026-09"
    assert result.n_current == int(late.sum())
    assert "B became more important" in result.summary()
    with pytest.raises(AnalysisError, match="2027-03"):
        driver_trend(frame, "nps", "rating_*", period="2027-03", bootstrap=0)


def test_driver_trend_on_a_satisfied_outcome():
    # Truth: before 2026-10 only a moves satisfaction; in 2026-10 only b does.
    rng = np.random.default_rng(23)
    n = 3000
    when = pd.Timestamp("2026-04-01") + pd.to_timedelta(rng.integers(0, 214, n), unit="D")
    x = rng.integers(1, 6, size=(n, 2)).astype(float)
    late = when >= pd.Timestamp("2026-10-01")
    score = np.where(late, x[:, 1], x[:, 0]) * 1.5 + rng.normal(0, 1, n)
    frame = pd.DataFrame(
        {
            "submitted_at": when,
            "rating_a": x[:, 0],
            "rating_b": x[:, 1],
            "satisfied": pd.array((score > 4.5).astype(int), dtype="Int64"),
        }
    )
    result = driver_trend(frame, "satisfied", "rating_*", period="2026-10", bootstrap=100)
    direction = result.table.set_index("driver")["direction"]
    assert direction["rating_b"] == "more important"
    assert "for Satisfied" in result.summary()
