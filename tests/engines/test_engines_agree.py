"""Issue 20's acceptance on a small sample: pandas, DuckDB and Dask (7 partitions) agree exactly.

The sample is written as hive-partitioned Parquet and read by each engine: pandas and DuckDB
read the folder; Dask cuts the same rows into 7 partitions and also reads the folder (one
partition per month). Counts must be exactly equal, KPI estimates bit-identical, and the text
work (tokens, tone, near-duplicate groups, the seeded topic sample and every topic mixture)
equal, as the one-machine code on the whole frame gives them.
"""

from __future__ import annotations

import numpy as np
import pytest

from fbresearch.analyses.kpis import kpi_table
from fbresearch.engines import DaskEngine, DuckDBEngine, PandasEngine
from fbresearch.engines.dask_minhash import near_duplicates
from fbresearch.engines.dask_text import text_sentiment, text_tokens
from fbresearch.engines.dask_topics import TopicScorer, fit_sample_topics, topic_mixtures
from fbresearch.io.load import load_feedback
from fbresearch.io.sample import sample_data

pytest.importorskip("duckdb")
pytest.importorskip("distributed")

SCORES = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}
METRICS = ["nps", "csat", "ces", "volume"]


@pytest.fixture(scope="module")
def scans(tmp_path_factory, dask_client):
    """The sample as a folder, scanned by each engine (same rows, same order)."""
    frame = load_feedback(sample_data(1500, seed=11).feedback).frame
    folder = tmp_path_factory.mktemp("agree") / "feedback"
    frame.assign(month=frame["submitted_at"].dt.strftime("%Y-%m")).to_parquet(
        folder, partition_cols=["month"], index=False
    )
    rows = PandasEngine().scan(folder)
    dask = DaskEngine(scheduler=dask_client, partitions=7)
    return {
        "pandas": rows,
        "duckdb": DuckDBEngine(threads=1).scan(folder),
        "dask": dask.scan(rows.frame),
        "dask-folder": dask.scan(folder),
    }


def test_counts_and_estimates_are_exactly_equal(scans):
    assert scans["dask"].npartitions == 7
    ref = scans["pandas"].kpi_counts(["month", "channel"], SCORES)
    table = kpi_table(scans["pandas"], by="month", metrics=METRICS).table
    assert table["change_p_value"].notna().sum() > 10  # the change columns are filled in
    for name in ("duckdb", "dask", "dask-folder"):
        got = scans[name].kpi_counts(["month", "channel"], SCORES)
        assert got["channel"].astype(str).tolist() == ref["channel"].astype(str).tolist(), name
        numbers = ref.columns.drop(["month", "channel"])
        assert np.array_equal(got[numbers].to_numpy(), ref[numbers].to_numpy()), name
        other = kpi_table(scans[name], by="month", metrics=METRICS).table
        numeric = table.select_dtypes("number").columns
        assert other["month"].astype(str).tolist() == table["month"].astype(str).tolist()
        x, y = table[numeric].to_numpy(float), other[numeric].to_numpy(float)
        assert np.array_equal(x, y, equal_nan=True), name  # bit for bit


def test_text_work_is_equal_on_every_engine(scans):
    frames = {name: scans[name] for name in ("pandas", "duckdb", "dask", "dask-folder")}
    tokens = {n: text_tokens(s).tolist() for n, s in frames.items()}
    tone = {n: text_sentiment(s)["score"].to_numpy() for n, s in frames.items()}
    groups = {n: near_duplicates(s) for n, s in frames.items()}
    assert np.bincount(groups["pandas"]).max() >= 5  # the sample repeats stock sentences
    models = {n: fit_sample_topics(s, size=600, num_topics=3, seed=4) for n, s in frames.items()}
    mixtures = {
        n: topic_mixtures(s, TopicScorer.from_model(models[n])).to_numpy()
        for n, s in frames.items()
    }
    for name in ("duckdb", "dask", "dask-folder"):
        assert tokens[name] == tokens["pandas"], name
        assert np.array_equal(tone[name], tone["pandas"]), name
        assert np.array_equal(groups[name], groups["pandas"]), name
        assert models[name].topics.equals(models["pandas"].topics), name
        assert np.array_equal(mixtures[name], mixtures["pandas"]), name
