"""Tests for fbresearch.analyses.kpis.results: the frozen KPI results and their numeric methods."""

from __future__ import annotations

import pandas as pd
import pytest

from fbresearch.analyses import kpis
from fbresearch.analyses.kpis.scores import estimate_unit
from fbresearch.errors import AnalysisError

from .kpi_data import _two_months


def test_estimate_unit_follows_the_metrics_registry():
    # schema.METRICS units: points, percent (a share 0-1 as estimated), score (no unit), count
    assert [estimate_unit(m) for m in ("nps", "csat", "ces", "csat_mean", "volume")] == [
        "points",
        "share",
        "",
        "",
        "count",
    ]


def test_estimate_and_change_carry_the_tables_confidence_and_labels():
    t = kpis.kpi_table(_two_months(), by="month", metrics=["nps", "csat"], confidence=0.9)
    level = t.estimate("csat", month="2026-10")
    assert (level.name, level.unit, level.confidence) == ("CSAT", "share", 0.9)
    assert level.estimate == pytest.approx(20 / 25)
    change = t.change("nps", month="2026-10")
    assert change.name == "change in NPS" and change.confidence == 0.9
    assert change.estimate == pytest.approx(44.0 - 5.0)  # October 44, September 5 (hand counts)
    with pytest.raises(AnalysisError, match="not grouped by period"):
        kpis.kpi_table(_two_months(), metrics="nps").change("nps")
    with pytest.raises(AnalysisError, match="rows of 'nps' match"):
        t.estimate("nps")


def test_last_keeps_the_latest_periods_and_the_settings():
    t = kpis.kpi_table(_two_months(), by="month", metrics="nps", confidence=0.8)
    last = t.last(1)
    assert last.table["month"].unique().tolist() == [pd.Period("2026-10", "M")]
    assert (last.by, last.time, last.metrics, last.confidence) == (t.by, t.time, t.metrics, 0.8)
    assert t.latest_period == pd.Period("2026-10", "M")
    with pytest.raises(AnalysisError, match="at least 1"):
        t.last(0)
