"""A report run's data read by an engine: Parquet folders, period and column pushdown, params.

Truth: the same export read whole by pandas and validated as before, cut to the period.
"""

from __future__ import annotations

import numpy as np
import pytest

from fbresearch.analyses.kpis import kpi_table
from fbresearch.errors import FeedbackDataError, ParamsError
from fbresearch.io.sample import sample_data
from fbresearch.report.cli import build_parser
from fbresearch.report.data import load_data, with_overrides
from fbresearch.report.params import load_params
from fbresearch.report.runner import run_report

pytest.importorskip("duckdb")


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    """800 raw sample responses with a personal column, as one file and as month folders."""
    raw = sample_data(800, seed=1).feedback.assign(customer_name="张伟")
    folder = tmp_path_factory.mktemp("exports")
    raw.to_parquet(folder / "all.parquet", index=False)
    raw.assign(month=raw["submitted_at"].dt.strftime("%Y-%m")).to_parquet(
        folder / "feedback", partition_cols=["month"], index=False
    )
    return raw, folder


def test_a_month_folder_read_by_duckdb_equals_the_file_read_whole(export):
    raw, folder = export
    months = sorted(raw["submitted_at"].dt.strftime("%Y-%m").unique())
    period = months[-3]
    privacy = {"drop_columns": ["Customer_Name"]}
    whole = load_data(load_params({"pages": [], "data": str(folder / "all.parquet")}))
    params = {"pages": [], "data": str(folder / "feedback"), "privacy": privacy}
    scanned = load_data(load_params({**params, "report": {"engine": "duckdb"}}), period)
    got = scanned.feedback.frame
    assert "customer_name" not in got.columns and "month" not in got.columns
    assert got["submitted_at"].max().strftime("%Y-%m") == period  # nothing after the period
    ref = whole.feedback.frame
    ref = ref[ref["submitted_at"].dt.strftime("%Y-%m") <= period]
    assert len(got) == len(ref) > 0
    a = kpi_table(ref, by="month", metrics=["nps", "csat", "ces"]).table
    b = kpi_table(got, by="month", metrics=["nps", "csat", "ces"]).table
    numbers = a.select_dtypes("number").columns
    assert np.array_equal(a[numbers].to_numpy(float), b[numbers].to_numpy(float), equal_nan=True)
    info = scanned.files["feedback"]
    assert info["files"] == len(months) and len(info["sha256"]) == 64


def test_pandas_reads_a_month_folder_too(export):
    raw, folder = export
    got = load_data(load_params({"pages": [], "data": str(folder / "feedback")})).feedback.frame
    assert len(got) == len(
        load_data(load_params({"pages": [], "data": str(folder / "all.parquet")})).feedback.frame
    )
    assert "month" not in got.columns


def test_a_drop_column_the_export_lacks_is_still_refused(export):
    _, folder = export
    params = {"pages": [], "data": str(folder / "feedback"), "report": {"engine": "duckdb"}}
    with pytest.raises(FeedbackDataError, match="drop_columns names 'surname'"):
        load_data(load_params({**params, "privacy": {"drop_columns": ["surname"]}}))


def test_engine_from_params_and_command_line():
    assert load_params({"pages": []}).engine == "pandas"
    assert with_overrides(load_params({"pages": []}), engine="duckdb").engine == "duckdb"
    with pytest.raises(ParamsError, match="report.engine: unknown engine 'spark'"):
        load_params({"pages": [], "report": {"engine": "spark"}})
    args = build_parser().parse_args(["report", "--engine", "duckdb"])
    assert args.engine == "duckdb"


def test_dry_run_with_duckdb_on_a_month_folder(export):
    raw, folder = export
    run = run_report(
        {"pages": [], "data": str(folder / "feedback")},
        dry_run=True,
        progress=None,
        engine="duckdb",
    )
    assert run.status == "dry-run"
    assert run.period in set(raw["submitted_at"].dt.strftime("%Y-%m"))
