"""The engine seam: choosing an engine, the missing-extra message, the pandas engine's counts."""

from __future__ import annotations

import importlib.util

import numpy as np
import pandas as pd
import pytest

from fbresearch.engines import base, get_engine
from fbresearch.engines.pandas_engine import frame_counts
from fbresearch.errors import AnalysisError, ParamsError


def test_missing_extra_names_the_pip_extra(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(
        base.importlib.util, "find_spec", lambda name: None if name == "duckdb" else real(name)
    )
    with pytest.raises(ParamsError, match=r'pip install "fbresearch\[engines\]"'):
        get_engine("duckdb")
    assert get_engine("pandas").name == "pandas"  # the default needs nothing more


def test_unknown_engine_is_refused():
    with pytest.raises(ParamsError, match="choose one of pandas, duckdb, dask"):
        get_engine("spark")


def test_pandas_counts_by_hand():
    # week of Monday 2026-10-05 to Sunday 2026-10-11: two answers (9 and 0); the next week one (9)
    df = pd.DataFrame(
        {
            "submitted_at": pd.to_datetime(["2026-10-05", "2026-10-11", "2026-10-12"]),
            "nps": [9, 0, 9],
        }
    )
    counts = frame_counts(df, ["week"], {"nps": (0, 10)})
    assert counts["week"].astype(str).tolist() == ["2026-10-05/2026-10-11", "2026-10-12/2026-10-18"]
    assert counts[["nps_c0", "nps_c9"]].to_numpy().tolist() == [[1, 1], [0, 1]]
    assert counts.filter(like="nps_c").to_numpy().sum() == 3
    assert (counts.drop(columns="week").dtypes == np.int64).all()


def test_pandas_scan_keeps_unreadable_dates_for_loading_to_report():
    df = pd.DataFrame(
        {"submitted_at": ["2026-09-30", "not a date", "2026-11-01"], "nps": [1, 2, 3]}
    )
    kept = get_engine("pandas").scan(df, through="2026-10").to_frame()
    assert kept["nps"].tolist() == [1, 2]


def test_grouping_by_an_absent_column_names_it():
    with pytest.raises(AnalysisError, match="cannot group by 'plan'"):
        frame_counts(pd.DataFrame({"nps": [1]}), ["plan"], {"nps": (0, 10)})
