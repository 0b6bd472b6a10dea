"""Tests of fbresearch.analyses.drivers.results: the frozen results and their delegations."""

from __future__ import annotations

import dataclasses

import pytest

from fbresearch.analyses.drivers import (
    DriverResult,
    ImportancePerformanceResult,
    importance_performance,
    key_drivers,
    narrative,
)

from .planted import PLANTED, ip_frame, planted_frame


def test_results_are_frozen_and_delegate_to_narrative():
    result = key_drivers(planted_frame(600, seed=4), "nps", list(PLANTED))
    assert isinstance(result, DriverResult)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.n = 1  # type: ignore[misc]
    assert result.summary() == narrative.driver_summary(result)
    assert result.warnings == narrative.driver_warnings(result)
    assert result.display_table().equals(narrative.coefficient_table(result))
    estimate = result.coefficient("rating_delivery")
    assert estimate.confidence == result.confidence and estimate.p_value is not None


def test_matrix_result_keeps_its_confidence():
    result = importance_performance(
        ip_frame(500, seed=2), "nps", "rating_*", bootstrap=20, confidence=0.9
    )
    assert isinstance(result, ImportancePerformanceResult)
    assert result.confidence == 0.9
    assert all(f.estimate.confidence == 0.9 for f in result.findings())
