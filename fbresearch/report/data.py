"""The data of a report run: loaded and validated once, the period picked, then slimmed.

The runner loads the feedback (or the built-in sample), orders and invitations once, records
the input files' checksums, picks the report month and, once the canonical files are written
for the notebooks, keeps only what the index page's headline KPIs read.
"""

from __future__ import annotations

import glob
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd

from fbresearch.engines import get_engine
from fbresearch.engines.base import parquet_files
from fbresearch.io.canonical import file_sha256
from fbresearch.io.inputs import MIN_PERIOD_RESPONSES, default_period, load_sample
from fbresearch.io.load import _drop_columns, load_feedback
from fbresearch.io.orders import load_invitations, load_orders
from fbresearch.report.large import (
    DEFAULT_MAX_ROWS,
    LargeData,
    can_count,
    period_not_in_data,
    read_large,
    sample_orders,
)
from fbresearch.report.pages import HEADLINE_KPIS
from fbresearch.report.params import Params, check_period, load_params  # noqa: F401 - doctests

__all__ = [
    "Inputs",
    "load_data",
    "scan_feedback",
    "with_overrides",
    "slim",
    "release_memory",
    "pick_period",
    "kpi_source",
    "MIN_PERIOD_RESPONSES",
]


@dataclass
class Inputs:
    """The data of one run: loaded once, written as canonical files for the notebooks."""

    feedback: Any
    orders: Any
    invitations: Any
    source: str
    files: dict[str, dict[str, Any]]
    #: above ``report.max_rows`` responses: the engine's counts of all of them (``feedback``
    #: then holds the pages' sample); None: every response is in ``feedback``
    large: LargeData | None = None


def loader_options(params: Params) -> dict[str, Any]:
    """The feedback loader's options from params (``columns``, ``ratings``, ``missing_codes``,
    ``value_maps``, ``wave``, ``encoding``, ``drop_columns``): one place, so that ``fbresearch
    validate`` reads a file exactly as ``report`` does.

    Examples
    --------
    >>> loader_options(load_params({"pages": [], "wave": "2026-10"}))["wave"]
    '2026-10'
    """
    raw = params.raw
    return {
        "columns": params.columns or None,
        "ratings": params.ratings or None,
        "missing_codes": raw.get("missing_codes") or None,
        "value_maps": raw.get("value_maps") or None,
        "wave": raw.get("wave"),
        "encoding": raw.get("encoding"),
        "drop_columns": params.drop_columns,
    }


def with_overrides(
    params: Params, data: Any = None, engine: str | None = None, scheduler: str | None = None
) -> Params:
    """``params`` with the command line's ``--data``, ``--engine`` and ``--scheduler`` in place
    of params'.

    Examples
    --------
    >>> with_overrides(load_params({"pages": []}), engine="pandas").engine
    'pandas'
    >>> with_overrides(load_params({"pages": []}), scheduler="tcp://10.0.0.5:8786").scheduler
    'tcp://10.0.0.5:8786'
    """
    if data is None and engine is None and scheduler is None:
        return params
    raw = dict(params.raw)
    if data is not None:
        raw["data"] = str(Path(data).resolve())
    if engine is not None:
        raw["report"] = {**raw["report"], "engine": engine}
    if scheduler is not None:
        raw["report"] = {**raw["report"], "scheduler": scheduler}
    return load_params(raw)


def _engine(params: Params) -> Any:
    """Params' engine (a Dask engine on params' ``report.scheduler``)."""
    if params.engine == "dask":
        return get_engine("dask", scheduler=params.scheduler)
    return get_engine(params.engine)


def _is_dataset(path: Path) -> bool:
    """A folder or glob of Parquet files (read by an engine, not as one file)."""
    return path.is_dir() or any(ch in str(path) for ch in "*?[")


def scan_feedback(params: Params, period: str | None = None) -> Any:
    """The feedback rows params' engine reads: every column but ``privacy.drop_columns`` (never
    read), and with a period, only responses up to its end (what the notebooks use).

    Examples
    --------
    >>> import tempfile
    >>> from fbresearch.io.sample import sample_data
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     sample_data(300).feedback.to_parquet(f"{tmp}/f.parquet")
    ...     frame = scan_feedback(load_params({"pages": [], "data": f"{tmp}/f.parquet"}), "2025-06")
    >>> str(frame["submitted_at"].max().to_period("M"))
    '2025-06'
    """
    return _read_scanned(params, period, large=False)[0]


def _read_scanned(
    params: Params, period: str | None, large: bool = True
) -> tuple[pd.DataFrame, LargeData | None]:
    """The scanned rows; with ``large`` and more than ``report.max_rows`` of them (an engine
    that can sample, params that do not transform answers), the pages' sample and the counts
    of every response (:func:`fbresearch.report.large.read_large`)."""
    date = params.columns.get("submitted_at", "submitted_at")
    engine = _engine(params)
    try:
        scan = engine.scan(params.data, through=period, date=date)
        label = params.data.name
        keep = list(_drop_columns(pd.DataFrame(columns=scan.columns), params.drop_columns, label))
        scan = engine.scan(params.data, keep, through=period, date=date)
        max_rows = int(params.report.get("max_rows") or DEFAULT_MAX_ROWS)
        if not (large and hasattr(scan, "sample") and can_count(params.raw)):
            return scan.to_frame(), None
        if scan.count() <= max_rows:
            return scan.to_frame(), None
        return read_large(
            scan,
            max_rows=max_rows,
            period=period,
            seed=params.seed,
            columns=params.columns,
            rescan=lambda through: engine.scan(params.data, keep, through=through, date=date),
        )
    finally:
        if hasattr(engine, "close"):  # a Dask engine's local cluster
            engine.close()


def _read_orders(params: Params, large: LargeData | None) -> pd.DataFrame:
    """Params' orders: all of them, or with large data the sampled customers' orders
    (:func:`fbresearch.report.large.sample_orders`), read by the engine and never whole.

    A year of orders is many times the responses (ten to one in the built-in sample): at 10
    million responses, 100 million orders would not fit in memory, while the sampled
    customers' are a few million. Excel files are read whole (no engine reads them).
    """
    path = params.orders
    if large is None or large.key != "customer_id" or path.suffix.lower() not in (
        ".csv", ".parquet", ".pq",
    ):  # fmt: skip
        return load_orders(path)
    # DuckDB when installed, whatever the engine: an orders file is one file, which the Dask
    # engine reads as one partition (100 million orders at 10 million responses: more than
    # a worker's memory); DuckDB filters it out of core
    engine = get_engine("duckdb") if _installed("duckdb") else _engine(params)
    try:
        return load_orders(sample_orders(engine.scan(path), large))
    finally:
        if hasattr(engine, "close"):
            engine.close()


def _installed(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def _record_dataset(path: Path) -> dict[str, Any]:
    """The manifest entry of a Parquet folder or glob: one checksum over its files' checksums."""
    files = parquet_files(path) if path.is_dir() else sorted(glob.glob(str(path)))
    digest = hashlib.sha256("".join(file_sha256(f) for f in files).encode()).hexdigest()
    size = sum(Path(f).stat().st_size for f in files)
    return {"path": str(path), "sha256": digest, "bytes": size, "files": len(files)}


def load_data(params: Params, period: str | None = None) -> Inputs:
    """Load the feedback (or the built-in sample), orders and invitations named by params.

    Input files are recorded with their checksum and size for the manifest. A Parquet folder
    or glob, or any Parquet with ``report.engine: duckdb``, is read by the engine
    (:func:`scan_feedback`; with ``period``, only responses up to its end); the rows are then
    validated as any DataFrame.

    Examples
    --------
    >>> inputs = load_data(load_params({"pages": [], "sample_size": 300}))
    >>> inputs.feedback.n_read, inputs.files
    (300, {})
    """
    files: dict[str, dict[str, Any]] = {}

    def record(kind: str, path: Path | None) -> None:
        if path is not None and path.exists():
            files[kind] = {
                "path": str(path),
                "sha256": file_sha256(path),
                "bytes": path.stat().st_size,
            }

    if params.data is None:
        sample = load_sample(params.sample_size, params.seed)
        feedback, orders, invitations = sample.feedback, sample.orders, sample.invitations
        source = feedback.source
        large = None
    else:
        scanned = _is_dataset(params.data) or (
            params.engine != "pandas" and params.data.suffix.lower() in (".parquet", ".pq")
        )
        rows, large = (
            _read_scanned(params, check_period(period, "--period") or params.period)
            if scanned
            else (params.data, None)
        )
        feedback = load_feedback(
            rows,
            # names, e-mails: never written anywhere (a scan never reads them)
            **{**loader_options(params), **({"drop_columns": ()} if scanned else {})},
        )
        if _is_dataset(params.data):
            files["feedback"] = _record_dataset(params.data)
        else:
            record("feedback", params.data)
        orders = _read_orders(params, large) if params.orders is not None else None
        record("orders", params.orders)
        invitations = (
            load_invitations(params.invitations) if params.invitations is not None else None
        )
        record("invitations", params.invitations)
        source = params.data.name
    return Inputs(feedback, orders, invitations, source, files, large)


def slim(inputs: Inputs) -> Inputs:
    """``inputs`` with only the columns :func:`headline_kpis` reads, and no orders.

    Examples
    --------
    >>> inputs = slim(load_data(load_params({"pages": [], "sample_size": 300})))
    >>> list(inputs.feedback.frame.columns), inputs.orders
    (['submitted_at', 'nps', 'csat', 'ces'], None)
    """
    frame = inputs.feedback.frame
    keep = [c for c in ("submitted_at", *(k for k, _ in HEADLINE_KPIS)) if c in frame.columns]
    feedback = replace(inputs.feedback, frame=frame[keep].copy())
    return Inputs(feedback, None, None, inputs.source, inputs.files, inputs.large)


def kpi_source(inputs: Inputs) -> Any:
    """What the index page's headline KPIs are computed from: the counts of every response
    (large data), else the feedback frame.

    Examples
    --------
    >>> type(kpi_source(load_data(load_params({"pages": [], "sample_size": 300})))).__name__
    'DataFrame'
    """
    return inputs.large.scan() if inputs.large is not None else inputs.feedback.frame


def release_memory() -> None:
    """Hand freed data back to the system (pyarrow's pool keeps it otherwise).

    Examples
    --------
    >>> release_memory()
    """
    import gc

    gc.collect()
    try:
        import pyarrow as pa

        pa.default_memory_pool().release_unused()
    except (ImportError, AttributeError):  # pragma: no cover - old pyarrow
        pass


def pick_period(
    params: Params,
    period: str | None,
    frame: Any,
    say: Callable[[str], None] | None = None,
    large: LargeData | None = None,
) -> str:
    """The report month: ``period``, else params', else the default month of the data
    (with ``large``, the month the engine chose over every response).

    The default is :func:`fbresearch.io.inputs.default_period`: the latest complete month with
    at least :data:`MIN_PERIOD_RESPONSES` responses (a single day or one wave: that month;
    future rows never pick it). When no complete month has enough, the latest one with any is
    taken and ``say`` (default: a line on standard error) tells the user.

    Raises
    ------
    FeedbackDataError
        An explicit period outside the data, naming the months the data covers.

    Examples
    --------
    >>> import pandas as pd
    >>> days = pd.to_datetime(["2026-09-03"] * 30 + ["2026-10-02"] * 30 + ["2026-11-02"] * 40)
    >>> pick_period(load_params({"pages": []}), None, pd.DataFrame({"submitted_at": days}))
    '2026-10'
    >>> one_day = pd.DataFrame({"submitted_at": pd.to_datetime(["2026-10-15"] * 40)})
    >>> pick_period(load_params({"pages": []}), None, one_day)
    '2026-10'
    """
    import sys

    if large is not None:
        if large.period_note:
            (say or (lambda text: print(text, file=sys.stderr, flush=True)))(large.period_note)
        return large.period
    chosen = check_period(period, "--period") or params.period
    dates = frame["submitted_at"]
    if chosen is not None:
        months = dates.dt.to_period("M")
        if not (months == pd.Period(chosen, freq="M")).any():
            covered = f"{dates.min():%Y-%m} to {dates.max():%Y-%m}" if len(dates) else "no months"
            raise period_not_in_data(chosen, covered)
        return chosen
    month, note = default_period(frame)
    if note:
        (say or (lambda text: print(text, file=sys.stderr, flush=True)))(note)
    return str(month)
