"""The Dask engine: the per-row work on the partitions of a Dask cluster, same numbers as pandas.

:class:`DaskEngine` scans a DataFrame (cut into ``partitions``), a CSV or Parquet file, a glob
or a folder of hive-partitioned Parquet (one partition per file; folders of months outside the
period are never opened) into a :class:`DaskScan`: a list of lazy pandas partitions, each read
with the column selection and the period filter applied by the pandas engine's own code. Work
on a scan runs one task per partition on the cluster, and only small results come back:
:meth:`DaskScan.kpi_counts` adds up integer answer counts per group, so
:func:`fbresearch.analyses.kpis.kpi_table` gives the same estimates, to the last bit, as with
pandas or DuckDB. The text work (tokens, tone, near-duplicates, topic mixtures) is in
:mod:`fbresearch.engines.dask_text`, :mod:`~fbresearch.engines.dask_minhash` and
:mod:`~fbresearch.engines.dask_topics`.

The cluster is named by ``scheduler``: ``"local"`` starts a :class:`distributed.LocalCluster`
on this machine (``workers`` processes of one thread; closed with the engine or at exit), an
address such as ``"tcp://10.0.0.5:8786"`` connects to a running scheduler (one started by
dask-kubernetes, dask-jobqueue or ``dask scheduler``), and a :class:`distributed.Client` is used
as it is. Dask is optional (``pip install "fbresearch[engines]"``): it is imported when an
engine is made.
"""

from __future__ import annotations

import glob as globlib
import logging
import os
import weakref
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from fbresearch.engines.base import check_keys, hive_keys, parquet_files, require, source_label
from fbresearch.engines.pandas_engine import (
    PandasEngine,
    PandasScan,
    check_cluster,
    frame_counts,
)
from fbresearch.errors import AnalysisError, ParamsError

__all__ = [
    "DaskEngine",
    "DaskScan",
    "connect",
    "per_partition",
    "joined",
    "text_column",
    "customer_buckets",
    "CUSTOMER_BUCKETS",
]

#: At most this many buckets in the customer shuffle of clustered counts
#: (:meth:`DaskScan.kpi_counts`); the counts do not depend on it.
CUSTOMER_BUCKETS = 16


def connect(
    scheduler: Any = "local",
    workers: int | None = None,
    processes: bool = True,
    timeout: str = "20s",
) -> Any:
    """A :class:`distributed.Client` for ``scheduler``: ``"local"``, an address, or a client.

    ``"local"`` starts a LocalCluster of ``workers`` single-threaded workers (default: the
    number of cores), in processes unless ``processes=False`` (threads of this process). An
    address that does not answer within ``timeout`` raises :class:`ParamsError`.

    Examples
    --------
    >>> client = connect("local", workers=1, processes=False)
    >>> len(client.scheduler_info()["workers"])
    1
    >>> client.close(); client.cluster.close()
    """
    require("dask")
    import distributed  # optional dependency: imported when used

    if isinstance(scheduler, distributed.Client):
        return scheduler
    if scheduler in (None, "", "local"):
        cluster = distributed.LocalCluster(
            n_workers=workers or os.cpu_count() or 1,
            threads_per_worker=1,
            processes=processes,
            dashboard_address=":0",
        )
        return distributed.Client(cluster, set_as_default=False)
    if not isinstance(scheduler, str):
        raise ParamsError(f"scheduler must be 'local' or an address, not {scheduler!r}.")
    try:
        return distributed.Client(scheduler, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise ParamsError(
            f"cannot reach the Dask scheduler at {scheduler}, the address in report.scheduler "
            f"or --scheduler ({exc}). Fix: start the cluster first (see the README's 'Running "
            "on a Dask cluster'), correct the address, or use --scheduler local."
        ) from None


def _select(
    frame: pd.DataFrame,
    columns: list[str] | None,
    since: Any,
    through: Any,
    date: str,
    drop: Sequence[str] = (),
) -> pd.DataFrame:
    """One partition with the pandas engine's column selection and period filter."""
    frame = frame.drop(columns=[c for c in drop if c in frame.columns])
    use = columns
    if columns is not None and (since or through) and date in frame.columns:
        use = list(dict.fromkeys([*columns, date]))
    picked = PandasEngine().scan(frame, use, since=since, through=through, date=date).to_frame()
    return picked if columns is None else picked[list(columns)]


def _read_file(path: str, columns: list[str] | None, since: Any, through: Any, date: str):
    """One Parquet or CSV file as a selected partition (hive keys are not read as columns)."""
    use = None if columns is None else list(dict.fromkeys([*columns, date]))
    if Path(path).suffix.lower() == ".csv":
        frame = pd.read_csv(path)
        frame = frame if use is None else frame[[c for c in use if c in frame.columns]]
    else:
        names = _file_columns(path)
        frame = pd.read_parquet(
            path, columns=None if use is None else [c for c in use if c in names]
        )
    return _select(frame, columns, since, through, date, sorted(hive_keys(path)))


def _file_columns(path: str) -> list[str]:
    """The column names of a Parquet or CSV file, from its schema or header."""
    if Path(path).suffix.lower() == ".csv":
        return [str(c) for c in pd.read_csv(path, nrows=0).columns]
    import pyarrow.parquet as pq  # pandas' Parquet reader: installed with the package

    return [n for n in pq.read_schema(path).names if n not in hive_keys(path)]


def customer_buckets(customers: pd.Series, buckets: int) -> np.ndarray:
    """The bucket (``0 .. buckets - 1``) of each row's customer, the same in every partition.

    The bucket is pandas' SipHash of the id as text (a fixed key: the same in every process),
    numbers written as floats, so that ids pandas counts as one customer share a bucket
    whatever each partition's dtype (``5`` of an int column, ``5.0`` of a float one). Two
    customers may share a bucket; one customer is never split. A row without a customer
    (a customer of its own) goes to the bucket of its position.

    Examples
    --------
    >>> customer_buckets(pd.Series(["x", "y", "x", None]), 4).tolist()
    [1, 2, 1, 3]
    >>> customer_buckets(pd.Series([5, 7]), 4).tolist() == customer_buckets(
    ...     pd.Series([5.0, 7.0]), 4).tolist()
    True
    """
    missing = customers.isna().to_numpy()
    known = customers[~missing]
    if pd.api.types.is_numeric_dtype(known.dtype):
        text = known.astype("float64").astype(str).to_numpy(dtype=object)
    elif pd.api.types.infer_dtype(known, skipna=True) == "string":
        text = known.to_numpy(dtype=object)
    else:
        text = np.array([_id_text(v) for v in known], dtype=object)
    out = np.arange(len(customers), dtype=np.int64) % buckets
    hashes = pd.util.hash_array(text, categorize=False)  # ids are mostly distinct
    out[~missing] = (hashes % np.uint64(buckets)).astype(np.int64)
    return out


def _id_text(value: Any) -> str:
    """An id as the text :func:`customer_buckets` hashes: a real number as its float."""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float, np.integer, np.floating)):
        return str(float(value))
    return str(value)


def _cut_by_customer(
    frame: pd.DataFrame, columns: list[str], cluster: str, buckets: int
) -> tuple[pd.DataFrame, ...]:
    """One partition's ``columns`` cut into ``buckets`` pieces by :func:`customer_buckets`."""
    bucket = customer_buckets(frame[cluster], buckets)
    order = np.argsort(bucket, kind="stable")
    edges = np.searchsorted(bucket[order], np.arange(buckets + 1))
    frame = frame[columns]
    return tuple(frame.iloc[order[lo:hi]] for lo, hi in zip(edges[:-1], edges[1:], strict=True))


def _bucket_counts(pieces: list[pd.DataFrame], by: list[str], scores: dict, date: str,
                   cluster: str, keep_index: bool) -> pd.DataFrame:  # fmt: skip
    """One bucket's pieces from every partition counted together (its customers are whole)."""
    frame = pd.concat(pieces, ignore_index=not keep_index)
    return frame_counts(frame, by, scores, date, cluster)


def _combine_counts(parts: list[pd.DataFrame], by: list[str]) -> pd.DataFrame:
    """Per-partition count tables added up: the layout of :func:`frame_counts`.

    Tables without groups (a partition or bucket with no rows) are left out: their empty
    key columns would not have the keys' dtypes.
    """
    parts = [p for p in parts if len(p)] or parts[:1]
    stacked = pd.concat(parts, ignore_index=True)
    if not by:
        return stacked.sum().to_frame().T.astype(np.int64)
    if stacked.empty:
        return parts[0]
    total = stacked.groupby(by, observed=True, sort=True, dropna=True).sum()
    return total.reset_index().astype(dict.fromkeys(total.columns, np.int64))


class DaskScan:
    """A source as lazy pandas partitions with its column selection and period filter.

    ``parts`` are :func:`dask.delayed` pandas frames; :meth:`map` runs a function on each of
    them on the cluster and returns the results in partition order.
    """

    engine = "dask"

    def __init__(self, client: Any, parts: list[Any], columns: list[str], label: str,
                 keep_index: bool) -> None:  # fmt: skip
        self.client, self.parts, self.columns = client, parts, columns
        self._label, self._keep_index = label, keep_index

    @property
    def npartitions(self) -> int:
        """The number of partitions (tasks per pass over the data)."""
        return len(self.parts)

    def map(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> list[Any]:
        """``func(partition, *args, **kwargs)`` for every partition, computed on the cluster.

        Arguments that are large (a fitted model) should be scattered first
        (``client.scatter(model, broadcast=True)``) so they are sent to each worker once.
        """
        import dask  # optional dependency: imported when used

        tasks = [dask.delayed(func, pure=True)(part, *args, **kwargs) for part in self.parts]
        return self.client.gather(self.client.compute(tasks))

    def concat(self, pieces: Sequence[pd.DataFrame | pd.Series]) -> Any:
        """Per-partition results as one frame or series, indexed as :meth:`to_frame` is."""
        return pd.concat(list(pieces), ignore_index=not self._keep_index)

    def to_frame(self) -> pd.DataFrame:
        """The selected rows and columns as one pandas DataFrame (gathered from the workers)."""
        return self.concat(self.map(_identity))

    def count(self) -> int:
        """The number of rows the scan selects."""
        return int(sum(self.map(len)))

    def _each(self, func: Callable[..., Any], *args: Any) -> DaskScan:
        """The scan whose partitions are ``func(partition, *args)`` (lazy: nothing computed)."""
        import dask  # optional dependency: imported when used

        parts = [dask.delayed(func, pure=True)(part, *args) for part in self.parts]
        return DaskScan(self.client, parts, self.columns, self._label, self._keep_index)

    def month_counts(
        self, date: str = "submitted_at", before: Any = None
    ) -> tuple[pd.Series, pd.Timestamp]:
        """Dated rows per month and the latest date, as the pandas and DuckDB scans': each
        partition counted on its worker, the counts added up."""
        pieces = self.map(_month_counts, date, before)
        counts = pd.concat([c for c, _ in pieces]).groupby(level=0).sum().sort_index()
        counts = counts.astype(np.int64).rename("n")
        counts.index.name = None
        lasts = [last for _, last in pieces if not pd.isna(last)]
        return counts, (max(lasts) if lasts else pd.NaT)

    def kept(
        self, date: str, answers: Sequence[str], text: str | None = None, before: Any = None
    ) -> DaskScan:
        """The rows loading keeps (dated before ``before``, with an answer), per partition."""
        return self._each(_kept, date, list(answers), text, before)

    def sample(self, key: str, threshold: int, seed: int = 0) -> DaskScan:
        """The rows whose :func:`fbresearch.engines.base.sample_hash` of ``key`` is below
        ``threshold``, filtered on the workers: the same rows as the pandas and DuckDB scans'
        (a row's hash depends on its key alone, not on its partition)."""
        if key not in self.columns:
            raise AnalysisError(f"cannot sample by {key!r}: no such column in {self._label}.")
        return self._each(_sample, key, threshold, seed)

    def kpi_counts(
        self,
        by: Sequence[str],
        scores: Mapping[str, tuple[int, int]],
        *,
        date: str = "submitted_at",
        cluster: str | None = None,
    ) -> pd.DataFrame:
        """Integer answer counts per group: each partition counted by
        :func:`fbresearch.engines.pandas_engine.frame_counts` on its worker, then added up.

        With ``cluster`` (customer-clustered variances), a customer's answers may lie in several
        partitions, and the per-customer products do not add up across partitions; customers
        do. So the rows are shuffled by customer on the workers: each partition cuts its
        needed columns into ``min(partitions, CUSTOMER_BUCKETS)`` buckets by
        :func:`customer_buckets` (every row of a customer in the same bucket, whatever its
        partition), each bucket's pieces are counted together by ``frame_counts`` on a
        worker, and the buckets' count tables are added up on the client. Exact, and only
        the small count tables come back.
        """
        by = list(by)
        check_keys(by, self.columns, date)
        for column in scores:
            if column not in self.columns:
                raise AnalysisError(f"column {column!r} is not in {self._label}.")
        if cluster is None:
            return _combine_counts(self.map(frame_counts, by, dict(scores), date), by)
        check_cluster(self.columns, cluster)
        return self._customer_counts(by, dict(scores), date, cluster)

    def _customer_counts(
        self, by: list[str], scores: dict[str, tuple[int, int]], date: str, cluster: str,
        buckets: int | None = None,
    ) -> pd.DataFrame:  # fmt: skip
        """The clustered counts by the customer shuffle of :meth:`kpi_counts`."""
        import dask  # optional dependency: imported when used

        buckets = buckets or min(self.npartitions, CUSTOMER_BUCKETS)
        wanted = [c for c in dict.fromkeys([date, *by, *scores, cluster]) if c in self.columns]
        cut = dask.delayed(_cut_by_customer, pure=True, nout=buckets)
        pieces = [cut(part, wanted, cluster, buckets) for part in self.parts]
        count = dask.delayed(_bucket_counts, pure=True)
        tasks = [
            count([p[b] for p in pieces], by, scores, date, cluster, self._keep_index)
            for b in range(buckets)
        ]
        return _combine_counts(self.client.gather(self.client.compute(tasks)), by)


def _close(client: Any) -> None:
    """Close a client and the local cluster it runs on, if any.

    Scans still holding scattered partitions would make the scheduler log "lost scattered
    data" as the workers stop: nothing is lost that is still wanted, so that log is muted.
    """
    logger = logging.getLogger("distributed.scheduler")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        cluster = client.cluster
        client.close()
        if cluster is not None:
            cluster.close()
    finally:
        logger.setLevel(level)


def _month_counts(frame: pd.DataFrame, date: str, before: Any) -> tuple[pd.Series, Any]:
    return PandasScan(frame).month_counts(date, before)


def _kept(frame: pd.DataFrame, date: str, answers: list[str], text: str | None, before: Any):  # noqa: ANN202
    return PandasScan(frame).kept(date, answers, text, before).frame


def _sample(frame: pd.DataFrame, key: str, threshold: int, seed: int) -> pd.DataFrame:
    return PandasScan(frame).sample(key, threshold, seed).frame


def _identity(frame: pd.DataFrame) -> pd.DataFrame:
    return frame


def per_partition(data: Any, func: Callable[..., Any], *args: Any) -> list[Any]:
    """``func(partition, *args)`` per partition of a Dask scan (on its workers), or
    ``[func(frame, *args)]`` for a DataFrame or any other engine's scan (read whole).

    Examples
    --------
    >>> per_partition(pd.DataFrame({"a": [1, 2]}), len)
    [2]
    """
    if isinstance(data, DaskScan):
        return data.map(func, *args)
    frame = data if isinstance(data, pd.DataFrame) else data.to_frame()
    return [func(frame, *args)]


def joined(data: Any, pieces: Sequence[Any]) -> Any:
    """The per-partition frames or series of :func:`per_partition` as one, in row order."""
    return data.concat(pieces) if isinstance(data, DaskScan) else pieces[0]


def text_column(data: Any, column: str) -> None:
    """Refuse a text column that the data or scan does not have, naming it."""
    columns = [str(c) for c in data.columns]
    if column not in columns:
        raise AnalysisError(
            f"column {column!r} (the verbatim) is not in the data (columns: "
            f"{', '.join(columns)}). Fix: name the text column, or map it to 'text'."
        )


class DaskEngine:
    """Dask: partitions of a DataFrame, a CSV or Parquet file, a glob or a Parquet folder.

    Parameters
    ----------
    scheduler : str or distributed.Client, default "local"
        ``"local"`` (a LocalCluster on this machine), a scheduler address
        (``"tcp://host:8786"``), or a client.
    workers : int, optional
        Workers of a local cluster (default: the number of cores).
    partitions : int, optional
        Partitions of a DataFrame source (default: one per worker). A file source has one
        partition per file; results do not depend on either.
    processes : bool, default True
        Local workers in processes (False: threads of this process; for tests).

    Examples
    --------
    >>> df = pd.DataFrame({"submitted_at": pd.to_datetime(["2026-09-30", "2026-10-01"]),
    ...                    "nps": [10, 0], "text": ["ok", "no"]})
    >>> with DaskEngine(workers=1, partitions=2, processes=False) as engine:
    ...     scan = engine.scan(df, ["submitted_at", "nps"], through="2026-09")
    ...     scan.columns, scan.count(), scan.npartitions
    (['submitted_at', 'nps'], 1, 2)
    """

    name = "dask"

    def __init__(self, scheduler: Any = "local", workers: int | None = None,
                 partitions: int | None = None, processes: bool = True) -> None:  # fmt: skip
        require("dask")
        self.scheduler, self.workers = scheduler, workers
        self.partitions, self.processes = partitions, processes
        self._client: Any = None
        self._finalizer: weakref.finalize | None = None

    @property
    def client(self) -> Any:
        """The :class:`distributed.Client` (a local cluster is started on first use)."""
        if self._client is None:
            self._client = connect(self.scheduler, self.workers, self.processes)
            if self._client is not self.scheduler:  # ours: closed with the engine or at exit
                self._finalizer = weakref.finalize(self, _close, self._client)
        return self._client

    def close(self) -> None:
        """Close the client, and the local cluster this engine started (not a client given)."""
        if self._finalizer is not None:
            self._finalizer()
        self._client = self._finalizer = None

    def __enter__(self) -> DaskEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _files(self, text: str, since: Any, through: Any) -> list[str]:
        if Path(text).is_dir():
            files = parquet_files(text, since, through) or parquet_files(text)[:1]
            if not files:
                raise AnalysisError(f"{text}: no Parquet files in this folder.")
            return files
        files = sorted(globlib.glob(text)) if globlib.has_magic(text) else [text]
        if not files or not Path(files[0]).exists():
            raise AnalysisError(f"{text}: no such file. Fix: check the path.")
        if Path(files[0]).suffix.lower() not in (".csv", ".parquet", ".pq"):
            raise AnalysisError(
                f"the dask engine cannot read {text}. Fix: pass a .csv or .parquet file, a "
                "glob such as exports/*.parquet, or a folder of Parquet files."
            )
        return files

    def scan(
        self,
        source: Any,
        columns: Sequence[str] | None = None,
        *,
        since: str | None = None,
        through: str | None = None,
        date: str = "submitted_at",
    ) -> DaskScan:
        """The source with ``columns`` and the months ``since`` to ``through`` (inclusive).

        Rows whose date cannot be read are kept (loading reports them), as with pandas.
        """
        import dask  # optional dependency: imported when used

        chosen = None if columns is None else list(columns)
        label = source_label(source)
        if isinstance(source, pd.DataFrame):
            present = [str(c) for c in source.columns]
            n = max(1, self.partitions or self.workers or len(self.client.ncores()) or 1)
            edges = np.linspace(0, len(source), n + 1).round().astype(int)
            pieces = [source.iloc[lo:hi] for lo, hi in zip(edges[:-1], edges[1:], strict=True)]
            parts = [dask.delayed(_select, pure=True)(p, chosen, since, through, date)
                     for p in self.client.scatter(pieces)]  # fmt: skip
        else:
            files = self._files(os.fspath(source), since, through)
            present = _file_columns(files[0])
            read = dask.delayed(_read_file, pure=True)
            parts = [read(f, chosen, since, through, date) for f in files]
        missing = [c for c in chosen or [] if c not in present]
        if missing:
            raise AnalysisError(
                f"{label} has no column {missing[0]!r} (columns: {', '.join(present)})."
            )
        keep = isinstance(source, pd.DataFrame)
        return DaskScan(self.client, parts, chosen or present, label, keep)
