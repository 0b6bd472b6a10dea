"""The large-data path (fbresearch.report.large): counts of every response, a seeded sample.

Truth: the same rows loaded whole (the in-memory path) and the period's NPS worked by hand
from the rows; the sample's rule is recomputed row by row from the MD5 of the customer id.
"""

from __future__ import annotations

import hashlib
import json

import pandas as pd
import pytest

from fbresearch.engines import get_engine
from fbresearch.io.sample import sample_data
from fbresearch.report.data import kpi_source, load_data, pick_period
from fbresearch.report.index import headline_kpis
from fbresearch.report.large import read_large
from fbresearch.report.params import load_params

pytest.importorskip("duckdb")

N = 3000
MAX_ROWS = 800


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    """The sample as hive-partitioned Parquet (month=YYYY-MM/part-0.parquet)."""
    folder = tmp_path_factory.mktemp("large") / "feedback"
    frame = sample_data(N, seed=0).feedback
    month = frame["submitted_at"].dt.strftime("%Y-%m")
    for value, part in frame.groupby(month):
        (folder / f"month={value}").mkdir(parents=True)
        part.to_parquet(folder / f"month={value}" / "part-0.parquet", index=False)
    return folder, frame


def _params(folder, **report):
    return load_params({"pages": [], "data": str(folder), "report": {"engine": "duckdb", **report}})


def test_small_data_takes_the_in_memory_path(export):
    folder, frame = export
    inputs = load_data(_params(folder))  # default max_rows is far above 3,000
    assert inputs.large is None
    assert inputs.feedback.n_read == N  # every row read into memory


def test_headline_kpis_from_counts_equal_the_in_memory_ones(export):
    folder, frame = export
    whole = load_data(_params(folder, max_rows=10 * N))
    large = load_data(_params(folder, max_rows=MAX_ROWS))
    assert whole.large is None and large.large is not None
    period = pick_period(_params(folder), None, whole.feedback.frame)
    assert large.large.period == period == "2026-10"  # the engine's default month
    exact = headline_kpis(whole.feedback.frame, period)
    counted = headline_kpis(kpi_source(large), period)
    assert counted == exact  # every estimate, interval, change and verdict
    # truth by hand: the period's NPS from the rows
    rows = frame[frame["submitted_at"].dt.to_period("M") == pd.Period(period, freq="M")]
    nps = rows["nps"].dropna().astype(int)
    by_hand = 100 * ((nps >= 9).mean() - (nps <= 6).mean())
    headline = next(k for k in counted if k["name"] == "NPS")
    assert headline["n"] == len(nps)
    assert headline["estimate"] == pytest.approx(by_hand, abs=1e-9)
    # ... while the sample alone would not give it
    sampled = headline_kpis(large.feedback.frame, period)
    assert next(k for k in sampled if k["name"] == "NPS")["n"] < len(nps)


def test_sample_is_the_hash_rule_and_the_same_from_every_engine(export, dask_client):
    from fbresearch.engines import DaskEngine

    folder, frame = export
    got = {}
    scans = {
        "duckdb": get_engine("duckdb").scan(str(folder)),
        "pandas": get_engine("pandas").scan(frame),
        # 7 partitions of the frame, and the hive folder's month files
        "dask": DaskEngine(scheduler=dask_client, partitions=7).scan(frame),
        "dask folder": DaskEngine(scheduler=dask_client).scan(str(folder)),
    }
    counts = {}
    for engine, scan in scans.items():
        rows, large = read_large(scan, max_rows=MAX_ROWS, seed=3)
        got[engine] = sorted(rows["response_id"])
        counts[engine] = large.counts
        assert large.read == N and large.sampled == len(rows) and large.key == "customer_id"
    # by hand: the rows loading keeps (some answer), each kept when its customer's hash is
    # below 2**32 * MAX_ROWS / (rows kept): a customer's responses stay together
    text = frame["text"].fillna("").str.strip() != ""
    kept = frame[frame[["nps", "csat", "ces"]].notna().any(axis=1) | text]
    assert large.total == len(kept) == N - 25  # the 25 that loading drops (no answer at all)
    threshold = int(2**32 * MAX_ROWS / len(kept))
    chosen = {
        c for c in kept["customer_id"].unique()
        if int(hashlib.md5(f"3:{c}".encode()).hexdigest()[:8], 16) < threshold
    }  # fmt: skip
    truth = sorted(kept.loc[kept["customer_id"].isin(chosen), "response_id"])
    assert got["duckdb"] == got["pandas"] == got["dask"] == got["dask folder"] == truth
    for engine in ("pandas", "dask", "dask folder"):  # every response counted alike
        pd.testing.assert_frame_equal(counts[engine], counts["duckdb"], check_dtype=False)
    # about max_rows: customers are kept with probability f, so the sample's size has the
    # variance f (1 - f) sum(m_i^2) over the customers' response counts m_i; within 4 sd
    f = MAX_ROWS / len(kept)
    sd = (f * (1 - f) * (kept["customer_id"].value_counts() ** 2).sum()) ** 0.5
    assert abs(len(truth) - MAX_ROWS) < 4 * sd
    assert kept["customer_id"].value_counts().max() > 1  # repeat customers: the rule matters


def test_orders_are_the_sampled_customers_whole_and_a_uniform_share(export, tmp_path):
    """With large data the orders are read by the engine for the customers whose hash is below
    the sample's threshold: every sampled respondent's orders, and the same share of all
    customers (with or without a response), worked out here from the MD5 rule by hand."""
    from fbresearch.io.orders import load_orders

    folder, frame = export
    orders = sample_data(N, seed=0).orders
    path = tmp_path / "orders.parquet"
    orders.to_parquet(path, index=False)
    raw = {"pages": [], "data": str(folder), "orders": str(path),
           "report": {"engine": "duckdb", "max_rows": MAX_ROWS}, "seed": 3}  # fmt: skip
    inputs = load_data(load_params(raw))
    large = inputs.large
    whole = load_orders(orders)
    chosen = {
        c for c in whole["customer_id"].unique()
        if int(hashlib.md5(f"3:{c}".encode()).hexdigest()[:8], 16) < large.threshold
    }  # fmt: skip
    got = inputs.orders
    assert set(got["customer_id"]) == chosen
    assert len(got) == whole["customer_id"].isin(chosen).sum()  # each kept customer whole
    respondents = set(inputs.feedback.frame["customer_id"])
    with_orders = respondents & set(whole["customer_id"])
    assert with_orders <= set(got["customer_id"])  # every sampled respondent's orders
    share = len(chosen) / whole["customer_id"].nunique()
    f = large.threshold / 2**32
    n = whole["customer_id"].nunique()
    assert abs(share - f) < 4 * (f * (1 - f) / n) ** 0.5


def test_explicit_period_and_params_that_transform_answers(export):
    folder, _ = export
    inputs = load_data(_params(folder, max_rows=MAX_ROWS), period="2026-06")
    assert inputs.large.period == "2026-06"
    assert inputs.feedback.frame["submitted_at"].max() < pd.Timestamp("2026-07-01")
    raw = {"pages": [], "data": str(folder), "missing_codes": {"nps": [99]}}
    raw["report"] = {"engine": "duckdb", "max_rows": MAX_ROWS}
    assert load_data(load_params(raw)).large is None  # counts of raw answers would differ


def test_report_pages_say_they_are_sampled(export, tmp_path):
    from fbresearch.report.runner import run_report

    folder, frame = export
    params = {"pages": ["overview"], "data": str(folder)}
    params["report"] = {"engine": "duckdb", "max_rows": MAX_ROWS, "workers": 1}
    run = run_report(params, out=tmp_path, progress=None)
    sampled = run.manifest["data"]["rows"]["sampled"]
    assert 600 < sampled < 1000 and run.manifest["data"]["rows"]["feedback_read"] == N
    page = (run.folder / "overview.html").read_text(encoding="utf-8")
    assert f"based on a random sample of {sampled:,} of {N - 25:,} responses" in page
    whole = load_data(_params(folder, max_rows=10 * N)).feedback.frame
    exact = json.loads(json.dumps(headline_kpis(whole, run.period)))
    assert json.loads(json.dumps(run.manifest["headline"])) == exact
