"""The engine tests' data (the sample, whole and as month folders) and a Dask cluster (two
workers, threads of the test process: quick to start)."""

from __future__ import annotations

import pandas as pd
import pytest

from fbresearch.io.load import load_feedback
from fbresearch.io.sample import sample_data


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    """3,000 validated sample responses (with missing answers: CES is asked of some only)."""
    return load_feedback(sample_data(3000, seed=3).feedback).frame


@pytest.fixture(scope="module")
def hive(frame, tmp_path_factory) -> str:
    """The sample as hive-partitioned Parquet: one ``month=YYYY-MM`` folder per month."""
    folder = tmp_path_factory.mktemp("exports") / "feedback"
    frame.assign(month=frame["submitted_at"].dt.strftime("%Y-%m")).to_parquet(
        folder, partition_cols=["month"], index=False
    )
    return str(folder)


@pytest.fixture(scope="session")
def dask_client():
    """A ``distributed.Client`` on a LocalCluster of 2 single-threaded workers (in-process)."""
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0"
    )
    client = distributed.Client(cluster, set_as_default=False)
    yield client
    client.close()
    cluster.close()
