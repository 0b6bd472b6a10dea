"""The Dask engine against hand counts and the pandas engine: exactly equal counts, same tables.

Truths: hand-counted answers of a small frame, and the pandas engine (the path the KPI tables
have always taken) on the built-in sample, whole or written as hive-partitioned Parquet.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from fbresearch.analyses.kpis import kpi_table
from fbresearch.engines import DaskEngine, PandasEngine, get_engine
from fbresearch.engines.dask_engine import connect
from fbresearch.errors import AnalysisError, ParamsError

pytest.importorskip("distributed")

METRICS = ["nps", "csat", "ces", "csat_mean", "volume"]
SCORES = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}


def _engine(client, partitions: int = 7) -> DaskEngine:
    return DaskEngine(scheduler=client, partitions=partitions)


def test_counts_by_hand(dask_client):
    df = pd.DataFrame(
        {
            "submitted_at": pd.to_datetime(
                ["2026-09-30", "2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04"]
            ),
            "channel": ["web", "web", None, "app", "web"],
            "csat": [5, None, 4, 1, 5],
        }
    )
    # 3 partitions: the two October web rows fall in different ones and are added up
    counts = _engine(dask_client, 3).scan(df).kpi_counts(["month", "channel"], {"csat": (1, 5)})
    assert counts["month"].astype(str).tolist() == ["2026-09", "2026-10", "2026-10"]
    assert counts["channel"].astype(str).tolist() == ["web", "app", "web"]
    assert counts["_rows"].tolist() == [1, 1, 2]
    assert counts[["csat_c1", "csat_c5"]].to_numpy().tolist() == [[0, 1], [1, 0], [0, 1]]
    assert counts.dtypes.drop(["month", "channel"]).eq(np.int64).all()


@pytest.mark.parametrize("partitions", [1, 7])
@pytest.mark.parametrize("by", [[], ["month"], ["month", "channel"], ["region", "plan"], ["week"]])
def test_counts_exactly_equal_pandas(frame, dask_client, partitions, by):
    a = PandasEngine().scan(frame).kpi_counts(by, SCORES)
    scan = _engine(dask_client, partitions).scan(frame)
    assert scan.npartitions == partitions
    b = scan.kpi_counts(by, SCORES)
    assert len(a) > 0
    pd.testing.assert_frame_equal(a, b, check_exact=True)


def test_hive_folder_one_partition_per_month_same_counts(frame, hive, dask_client):
    scan = _engine(dask_client).scan(hive)
    assert scan.npartitions == frame["submitted_at"].dt.strftime("%Y-%m").nunique()
    assert "month" not in scan.columns  # the hive key is not read as a column
    ref = PandasEngine().scan(hive).kpi_counts(["month", "channel"], SCORES)
    got = scan.kpi_counts(["month", "channel"], SCORES)
    pd.testing.assert_frame_equal(ref, got, check_exact=True)
    assert int(got["_rows"].sum()) == len(frame)


# (by month: tests/engines/test_engines_agree.py; kpi_table's own work dominates the time)
@pytest.mark.parametrize("by", [None, ["quarter", "region"]])
def test_kpi_table_is_identical_to_pandas(frame, dask_client, by):
    a = kpi_table(frame, by=by, metrics=METRICS)
    b = kpi_table(_engine(dask_client).scan(frame), by=by, metrics=METRICS)
    pd.testing.assert_frame_equal(a.table, b.table, check_exact=True)


def test_period_filter_and_column_selection(frame, hive, dask_client):
    months = sorted(frame["submitted_at"].dt.strftime("%Y-%m").unique())
    since, through = months[2], months[4]
    scan = _engine(dask_client).scan(hive, ["nps", "channel"], since=since, through=through)
    got = scan.to_frame()
    inside = frame["submitted_at"].dt.strftime("%Y-%m").between(since, through)
    assert list(got.columns) == ["nps", "channel"]  # the date filtered, then not kept
    assert scan.npartitions == 3 and scan.count() == len(got) == int(inside.sum())
    ref = PandasEngine().scan(frame, since=since, through=through).to_frame()
    assert len(ref) == len(got)
    # a DataFrame source: the same rows as the pandas engine's filter, index kept
    df_scan = _engine(dask_client).scan(frame, ["submitted_at", "nps"], since=since)
    pd.testing.assert_frame_equal(
        df_scan.to_frame(), PandasEngine().scan(frame, ["submitted_at", "nps"], since=since).frame
    )


def test_a_folder_outside_the_period_is_never_read(frame, tmp_path, dask_client):
    folder = tmp_path / "feedback"
    (folder / "month=2026-10").mkdir(parents=True)
    (folder / "month=2019-01").mkdir()
    october = frame.iloc[:50].assign(submitted_at=pd.Timestamp("2026-10-05"))
    october.to_parquet(folder / "month=2026-10" / "part-0.parquet", index=False)
    (folder / "month=2019-01" / "part-0.parquet").write_bytes(b"not parquet at all")
    assert _engine(dask_client).scan(folder, since="2026-01").count() == 50


def test_errors_name_the_column_from_the_workers(frame, dask_client):
    df = pd.DataFrame({"submitted_at": pd.to_datetime(["2026-10-01"] * 3), "csat": [5, 6, 2]})
    with pytest.raises(AnalysisError, match=r"'csat' must hold whole numbers from 1 to 5"):
        _engine(dask_client, 2).scan(df).kpi_counts([], {"csat": (1, 5)})
    with pytest.raises(AnalysisError, match="has no column 'score'"):
        _engine(dask_client).scan(frame, ["score"])
    with pytest.raises(AnalysisError, match="cannot group by 'plan_x'"):
        _engine(dask_client).scan(frame).kpi_counts(["plan_x"], SCORES)


def test_scheduler_by_address_and_unreachable(frame, dask_client):
    address = dask_client.scheduler.address
    engine = get_engine("dask", scheduler=address, partitions=2)
    try:
        assert engine.scan(frame, ["nps"]).count() == len(frame)
    finally:
        engine.close()
    assert not dask_client.status == "closed"  # only the engine's own client was closed
    with pytest.raises(ParamsError, match="cannot reach the Dask scheduler"):
        connect("tcp://127.0.0.1:9", timeout="1s")


def test_csv_and_glob_sources(frame, tmp_path, dask_client):
    small = frame[["submitted_at", "channel", "nps"]].iloc[:400]
    small.iloc[:200].to_parquet(tmp_path / "a.parquet", index=False)
    small.iloc[200:].to_parquet(tmp_path / "b.parquet", index=False)
    small.to_csv(tmp_path / "f.csv", index=False)
    ref = PandasEngine().scan(small).kpi_counts(["month"], {"nps": (0, 10)})
    for name, parts in (("*.parquet", 2), ("f.csv", 1)):
        scan = _engine(dask_client).scan(str(tmp_path / name))
        assert scan.npartitions == parts
        pd.testing.assert_frame_equal(ref, scan.kpi_counts(["month"], {"nps": (0, 10)}))
    with pytest.raises(AnalysisError, match="no such file"):
        _engine(dask_client).scan(tmp_path / "absent.parquet")


def test_clustered_counts_by_hand(dask_client):
    # customer x answers 4 (partition 0) and 5 (partition 2), customer y answers 5 (partition 1),
    # all in October on the web: 2 customers with answers; x contributes 1 * 1 to each of
    # x4_4, x4_5 and x5_5, y contributes 1 to x5_5
    df = pd.DataFrame(
        {
            "submitted_at": pd.to_datetime(["2026-10-01", "2026-10-02", "2026-10-03"]),
            "channel": ["web", "web", "web"],
            "cid": ["x", "y", "x"],
            "csat": [4, 5, 5],
        }
    )
    scan = _engine(dask_client, 3).scan(df)
    columns = ["_rows", "csat_c4", "csat_c5", "csat_g", "csat_x4_4", "csat_x4_5", "csat_x5_5"]
    for buckets in (1, 2, 3):  # x's answers meet in one bucket however many there are
        counts = scan._customer_counts(["month", "channel"], {"csat": (4, 5)}, "submitted_at",
                                       "cid", buckets)  # fmt: skip
        assert counts["month"].astype(str).tolist() == ["2026-10"]
        assert counts[columns].to_numpy().tolist() == [[3, 1, 2, 2, 1, 1, 2]], buckets
        assert list(counts.columns) == ["month", "channel", *columns]
        assert counts.dtypes[columns].eq(np.int64).all()


@pytest.fixture(scope="module")
def repeat_customers(frame):
    """The sample with every 13th customer removed (those rows: customers of their own)."""
    anonymous = np.arange(len(frame)) % 13 == 0
    return frame.assign(customer_id=frame["customer_id"].mask(anonymous))


@pytest.mark.parametrize("by", [[], ["month", "channel"], ["month", "region"], ["week"]])
def test_clustered_counts_exactly_equal_pandas_and_duckdb(repeat_customers, dask_client, by):
    duckdb = pytest.importorskip("fbresearch.engines.duckdb_engine")
    frame = repeat_customers
    scan = _engine(dask_client, 7).scan(frame)
    # the truth's premises: customers answering in several of the 7 partitions, groups (months)
    # absent from most partitions, CES unanswered by some
    part = np.repeat(np.arange(7), np.diff(np.linspace(0, len(frame), 8).round().astype(int)))
    spans = pd.Series(part).groupby(frame["customer_id"].to_numpy()).nunique()
    assert (spans > 1).sum() > 500 and frame["ces"].isna().sum() > 300
    assert pd.crosstab(frame["submitted_at"].dt.to_period("M"), part).eq(0).any(axis=1).all()
    ref = PandasEngine().scan(frame).kpi_counts(by, SCORES, cluster="customer_id")
    got = scan.kpi_counts(by, SCORES, cluster="customer_id")
    pd.testing.assert_frame_equal(ref, got, check_exact=True)  # values, dtypes, order
    answers = ref[[f"nps_c{v}" for v in range(11)]].sum(axis=1)
    assert (ref["nps_g"] < answers).any()  # customers answer more than once in a group
    sql = duckdb.DuckDBEngine(threads=1).scan(frame).kpi_counts(by, SCORES, cluster="customer_id")
    assert list(sql.columns) == list(got.columns)
    for key in by:
        assert sql[key].astype(str).tolist() == got[key].astype(str).tolist()
    numbers = got.columns.drop(by)
    assert np.array_equal(sql[numbers].to_numpy(), got[numbers].to_numpy())


def test_clustered_counts_of_month_folders_equal_pandas(frame, hive, dask_client):
    scan = _engine(dask_client).scan(hive)  # one partition per month: customers span them
    ref = PandasEngine().scan(hive).kpi_counts(["month", "plan"], SCORES, cluster="customer_id")
    got = scan.kpi_counts(["month", "plan"], SCORES, cluster="customer_id")
    pd.testing.assert_frame_equal(ref, got, check_exact=True)


def test_clustered_counts_only_count_tables_reach_the_client(frame, dask_client, monkeypatch):
    received = []

    def gather(futures, *args, **kwargs):
        results = real(futures, *args, **kwargs)
        received.extend(results if isinstance(results, list) else [results])
        return results

    real = dask_client.gather
    monkeypatch.setattr(dask_client, "gather", gather)
    scan = _engine(dask_client, 7).scan(frame)
    counts = scan.kpi_counts(["month"], SCORES, cluster="customer_id")
    frames = [r for r in received if isinstance(r, pd.DataFrame)]
    assert frames and all("customer_id" not in r.columns for r in frames)
    # at most one row per month from each of the 7 buckets, never the 3,000 responses
    assert sum(map(len, frames)) <= 7 * len(counts) < len(frame)


def test_clustered_counts_when_files_give_the_ids_other_dtypes(tmp_path, dask_client):
    # the same 40 customers, ints in one file and floats (with a missing id) in the other:
    # pandas counts 5 and 5.0 as one customer, so the shuffle must send both to one bucket
    ids = np.arange(40)
    a = pd.DataFrame({"submitted_at": pd.Timestamp("2026-10-01"), "cid": ids, "nps": ids % 11})
    b = a.assign(cid=np.where(ids == 3, np.nan, ids.astype(float)), nps=(ids * 7) % 11)
    a.to_parquet(tmp_path / "a.parquet", index=False)
    b.to_parquet(tmp_path / "b.parquet", index=False)
    source = str(tmp_path / "*.parquet")
    ref = PandasEngine().scan(source).kpi_counts(["month"], {"nps": (0, 10)}, cluster="cid")
    assert ref["nps_g"].item() == 41  # 40 customers and the row without one
    scan = _engine(dask_client).scan(source)
    assert scan.npartitions == 2
    got = scan.kpi_counts(["month"], {"nps": (0, 10)}, cluster="cid")
    pd.testing.assert_frame_equal(ref, got, check_exact=True)


def test_clustering_by_a_missing_column_names_it(frame, dask_client):
    with pytest.raises(AnalysisError, match="cannot cluster by 'account'"):
        _engine(dask_client).scan(frame).kpi_counts(["month"], SCORES, cluster="account")
