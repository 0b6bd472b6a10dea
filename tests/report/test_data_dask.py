"""A report run's data read by the Dask engine: the same rows as pandas; --scheduler / params.

Truth: the same export read whole by pandas and validated as before, cut to the period.
"""

from __future__ import annotations

import pytest

from fbresearch.errors import ParamsError
from fbresearch.io.sample import sample_data
from fbresearch.report.cli import build_parser
from fbresearch.report.data import load_data, with_overrides
from fbresearch.report.params import load_params

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0"
    ) as running:
        yield running


def test_a_month_folder_read_on_a_dask_cluster_equals_pandas(cluster, tmp_path):
    raw = sample_data(600, seed=2).feedback.assign(customer_name="张伟")
    raw.assign(month=raw["submitted_at"].dt.strftime("%Y-%m")).to_parquet(
        tmp_path / "feedback", partition_cols=["month"], index=False
    )
    period = sorted(raw["submitted_at"].dt.strftime("%Y-%m").unique())[-2]
    params = {"pages": [], "data": str(tmp_path / "feedback"),
              "privacy": {"drop_columns": ["customer_name"]}}  # fmt: skip
    ref = load_data(load_params(params), period).feedback.frame
    report = {"engine": "dask", "scheduler": cluster.scheduler_address}
    got = load_data(load_params({**params, "report": report}), period).feedback.frame
    assert "customer_name" not in got.columns and len(got) == len(ref) > 0
    assert got["submitted_at"].max().strftime("%Y-%m") == period
    assert got.astype(str).equals(ref.astype(str))


def test_scheduler_from_params_and_command_line():
    assert load_params({"pages": []}).scheduler == "local"
    address = "tcp://10.0.0.5:8786"
    assert with_overrides(load_params({"pages": []}), scheduler=address).scheduler == address
    with pytest.raises(ParamsError, match="report.scheduler must be 'local' or a Dask"):
        load_params({"pages": [], "report": {"scheduler": "my-laptop"}})
    args = build_parser().parse_args(["report", "--engine", "dask", "--scheduler", address])
    assert (args.engine, args.scheduler) == ("dask", address)
