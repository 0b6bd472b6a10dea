"""The DuckDB engine against the pandas engine and hand counts: exactly equal counts, identical tables.

Truths: hand-counted answers of a small frame, and the pandas engine (the path the KPI tables
have always taken) on the built-in sample written as hive-partitioned Parquet.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from fbresearch.analyses.kpis import kpi_table
from fbresearch.engines import DuckDBEngine, PandasEngine, get_engine
from fbresearch.engines.base import parquet_files
from fbresearch.errors import AnalysisError

pytest.importorskip("duckdb")

METRICS = ["nps", "csat", "ces", "csat_mean", "volume"]
SCORES = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}


def _same(a: pd.DataFrame, b: pd.DataFrame, keys: list[str]) -> None:
    """Exactly equal: key values (as text; categories come back from Parquet as text) and every
    number to the last bit (NaN where NaN)."""
    assert list(a.columns) == list(b.columns)
    assert len(a) == len(b)
    for k in keys:
        assert a[k].astype(str).tolist() == b[k].astype(str).tolist(), k
    numbers = [c for c in a.columns if c not in keys and c != "metric"]
    x, y = a[numbers].to_numpy(float), b[numbers].to_numpy(float)
    assert np.array_equal(x, y, equal_nan=True), (a[numbers] - b[numbers]).abs().max()


def test_counts_by_hand():
    df = pd.DataFrame(
        {
            "submitted_at": pd.to_datetime(
                ["2026-09-30", "2026-10-01", "2026-10-02", "2026-10-03"]
            ),
            "channel": ["web", "web", None, "app"],
            "csat": [5, None, 4, 1],
        }
    )
    counts = DuckDBEngine(threads=1).scan(df).kpi_counts(["month", "channel"], {"csat": (1, 5)})
    # 2026-09 web: one 5; 2026-10 app: one 1; 2026-10 web: one missing answer; the row
    # without a channel is left out
    assert counts["month"].astype(str).tolist() == ["2026-09", "2026-10", "2026-10"]
    assert counts["channel"].tolist() == ["web", "app", "web"]
    assert counts["_rows"].tolist() == [1, 1, 1]
    assert counts[["csat_c1", "csat_c5"]].to_numpy().tolist() == [[0, 1], [1, 0], [0, 0]]
    assert counts.filter(like="csat_c").to_numpy().sum() == 2
    assert counts.dtypes.drop(["month", "channel"]).eq(np.int64).all()


@pytest.mark.parametrize("by", [[], ["month"], ["month", "channel"], ["region", "plan"], ["week"]])
def test_duckdb_counts_equal_pandas_counts_on_hive_parquet(frame, hive, by):
    a = PandasEngine().scan(frame).kpi_counts(by, SCORES)
    b = DuckDBEngine(threads=1).scan(hive).kpi_counts(by, SCORES)
    assert len(a) > 0
    _same(a, b, by)
    assert int(b["_rows"].sum()) == len(frame) or by  # no key: every row counted


@pytest.mark.parametrize("by", [[], ["month"], ["month", "channel"], ["week"]])
def test_per_customer_counts_are_equal_in_both_engines(frame, hive, by):
    # the sample's repeat customers: the cross-products of clustered variances, to the integer
    a = PandasEngine().scan(frame).kpi_counts(by, SCORES, cluster="customer_id")
    b = DuckDBEngine(threads=1).scan(hive).kpi_counts(by, SCORES, cluster="customer_id")
    _same(a, b, by)
    answers = a[[f"nps_c{v}" for v in range(11)]].sum(axis=1)
    assert (a["nps_g"] < answers).any() and (a["nps_g"] <= answers).all()


def test_per_customer_counts_by_hand():
    df = pd.DataFrame(
        {"g": ["a", "a", "a", "b"], "cid": ["x", "x", None, "y"], "csat": [5, 4, 5, 5]}
    )
    counts = DuckDBEngine(threads=1).scan(df).kpi_counts(["g"], {"csat": (4, 5)}, cluster="cid")
    # a: customer x answered 4 and 5 (products 1, 1, 1); the row without a customer is one of
    # its own (5: adds 1 to x5_5); b: y answered 5
    assert counts[["csat_g", "csat_x4_4", "csat_x4_5", "csat_x5_5"]].to_numpy().tolist() == [
        [2, 1, 1, 2],
        [1, 0, 0, 1],
    ]
    ref = PandasEngine().scan(df).kpi_counts(["g"], {"csat": (4, 5)}, cluster="cid")
    _same(ref, counts, ["g"])


@pytest.mark.parametrize("by", [None, "month", ["month", "channel"], ["quarter", "region"]])
def test_duckdb_kpi_table_is_identical_to_pandas(frame, hive, by):
    a = kpi_table(frame, by=by, metrics=METRICS)
    b = kpi_table(get_engine("duckdb", threads=1).scan(hive), by=by, metrics=METRICS)
    keys = [] if by is None else [by] if isinstance(by, str) else by
    assert a.time == b.time and a.metrics == b.metrics
    _same(a.table, b.table, keys + ["metric"])
    if "month" in keys:  # the change columns are there and are not all empty
        assert b.table["change_p_value"].notna().sum() > 10
    # the sample has repeat customers: the tables above are clustered by customer
    assert not a.table.equals(kpi_table(frame, by=by, metrics=METRICS, cluster=None).table)


def test_period_filter_and_column_selection_are_pushed_down(frame, hive, tmp_path):
    months = sorted(frame["submitted_at"].dt.strftime("%Y-%m").unique())
    since, through = months[2], months[4]
    scan = DuckDBEngine(threads=1).scan(
        hive, ["submitted_at", "nps", "channel"], since=since, through=through
    )
    got = scan.to_frame()
    inside = frame["submitted_at"].dt.strftime("%Y-%m").between(since, through)
    assert list(got.columns) == ["submitted_at", "nps", "channel"]
    assert scan.count() == len(got) == int(inside.sum())
    assert got["submitted_at"].min() >= pd.Timestamp(since + "-01")
    # only the folders of the period are opened: 3 months of folders
    files = parquet_files(hive, since, through)
    assert {f.split("month=")[1][:7] for f in files} == {months[2], months[3], months[4]}
    # the same rows as the pandas engine's filter
    ref = PandasEngine().scan(frame, ["submitted_at", "nps"], since=since, through=through)
    assert len(ref.to_frame()) == len(got)


def test_a_folder_outside_the_period_is_never_read(frame, tmp_path):
    folder = tmp_path / "feedback"
    (folder / "month=2026-10").mkdir(parents=True)
    (folder / "month=2019-01").mkdir()
    october = frame.iloc[:50].assign(submitted_at=pd.Timestamp("2026-10-05"))
    october.to_parquet(folder / "month=2026-10" / "part-0.parquet", index=False)
    (folder / "month=2019-01" / "part-0.parquet").write_bytes(b"not parquet at all")
    scan = DuckDBEngine(threads=1).scan(folder, since="2026-01")
    assert scan.count() == 50 and "month" not in scan.columns


def test_answers_off_the_scale_are_refused_naming_column_and_value():
    df = pd.DataFrame({"submitted_at": pd.to_datetime(["2026-10-01"] * 3), "csat": [5, 6, 2.5]})
    with pytest.raises(AnalysisError, match=r"'csat' must hold whole numbers from 1 to 5; found 2"):
        DuckDBEngine(threads=1).scan(df).kpi_counts([], {"csat": (1, 5)})
    text = pd.DataFrame({"submitted_at": pd.to_datetime(["2026-10-01"]), "nps": ["ten"]})
    with pytest.raises(AnalysisError, match="ten"):
        DuckDBEngine(threads=1).scan(text).kpi_counts([], {"nps": (0, 10)})


def test_csv_and_single_parquet_file_sources(frame, tmp_path):
    small = frame[["submitted_at", "channel", "nps"]].iloc[:400]
    small.to_csv(tmp_path / "f.csv", index=False)
    small.to_parquet(tmp_path / "f.parquet", index=False)
    ref = PandasEngine().scan(small).kpi_counts(["month"], {"nps": (0, 10)})
    for name in ("f.csv", "f.parquet", "*.parquet"):
        got = (
            DuckDBEngine(threads=1)
            .scan(str(tmp_path / name))
            .kpi_counts(["month"], {"nps": (0, 10)})
        )
        _same(ref, got, ["month"])
    with pytest.raises(AnalysisError, match="no such file"):
        DuckDBEngine().scan(tmp_path / "absent.parquet")
