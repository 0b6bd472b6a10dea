"""The one seam for heavy per-row work: an engine scans a source into a :class:`Scan`.

An engine (:class:`Engine`) turns a *source* (a DataFrame, a file, a glob, or a folder of
hive-partitioned Parquet such as ``exports/feedback/month=2026-10/``) into a :class:`Scan`: the
source with a column selection and a period filter applied where the data is read. A scan
gives the frame itself for the small-data path (:meth:`Scan.to_frame`) and, for large data,
*sufficient statistics*: :meth:`Scan.kpi_counts` counts every integer answer value of each
score column per group. Those counts are integers, so every engine gives exactly the same ones,
and the estimators of :mod:`fbresearch.analyses.kpis` turn them into estimates and intervals in
one numpy code path: the same tables, to the last bit, from every engine.

The count table (:meth:`Scan.kpi_counts`) has one row per group (group columns first; time
keys such as ``month`` as pandas Periods, sorted), ``_rows`` (responses in the group) and, for
each score column ``c`` with answers ``low..high``, ``c_c<v>`` (answers of value ``v``), all
int64. Rows with a missing group value are left out; a non-whole or out-of-range answer raises
:class:`~fbresearch.errors.AnalysisError` naming the column.

With ``cluster=`` a customer column (repeat customers), the table also holds, per score column
``c``, the sufficient statistics of variances clustered by customer (:func:`cluster_columns`):
``c_g`` (customers with at least one answer in the group) and ``c_x<v>_<w>`` for ``v <= w``,
the sum over customers of (their answers of value ``v``) times (their answers of value ``w``).
A row with no customer counts as a customer of its own. Integers again, so every engine gives
the same ones.

For data too large for memory, the pandas and DuckDB scans also give :meth:`count` (rows
selected), ``month_counts(date)`` (dated rows per month and the latest date: what the default
report month needs) and ``sample(key, threshold, seed)``: the rows whose :func:`sample_hash`
of the ``key`` column is below ``threshold``. The hash is the first 32 bits of the MD5 of
``"<seed>:<key>"``, so a seeded sample is the same rows whichever engine draws it, whatever
the order or partitioning of the files, and a larger threshold only adds rows.
"""

from __future__ import annotations

import glob as globlib
import hashlib
import importlib.util
import math
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import pandas as pd

from fbresearch.errors import AnalysisError, ParamsError

__all__ = [
    "Engine",
    "Scan",
    "ENGINE_NAMES",
    "TIME_KEYS",
    "EXTRA",
    "period_bounds",
    "count_columns",
    "cluster_columns",
    "require",
    "parquet_files",
    "hive_keys",
    "sample_hash",
    "sample_threshold",
    "HASH_RANGE",
]

#: :func:`sample_hash` values lie in ``[0, HASH_RANGE)``.
HASH_RANGE = 2**32

#: The engines ``--engine`` / ``report.engine`` may name, the default first.
ENGINE_NAMES = ("pandas", "duckdb", "dask")
#: The pip extra that installs the optional engines: ``pip install "fbresearch[engines]"``.
EXTRA = "engines"
#: Group keys derived from the date column: name -> pandas frequency.
TIME_KEYS = {"month": "M", "week": "W", "quarter": "Q", "year": "Y", "day": "D"}

_MONTH_DIR = re.compile(r"^month=(\d{4}-\d{2})$")

#: The module each engine needs, and the pip package that provides it.
_NEEDS = {"duckdb": ("duckdb", "duckdb"), "dask": ("distributed", "dask[distributed]")}


def require(engine: str) -> None:
    """Raise a clear error when ``engine``'s library is not installed.

    Examples
    --------
    >>> require("pandas")
    >>> require("abacus")
    Traceback (most recent call last):
    ...
    fbresearch.errors.ParamsError: unknown engine 'abacus'; choose one of pandas, duckdb, dask.
    """
    if engine not in ENGINE_NAMES:
        raise ParamsError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINE_NAMES)}.")
    if engine in _NEEDS and importlib.util.find_spec(_NEEDS[engine][0]) is None:
        raise ParamsError(
            f"the {engine} engine needs {_NEEDS[engine][1]}, which is not installed. Fix: "
            f'pip install "fbresearch[{EXTRA}]" (or use --engine pandas, the default).'
        )


def period_bounds(
    since: str | pd.Period | None, through: str | pd.Period | None
) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """The half-open time range ``[start, end)`` of months ``since`` to ``through`` (inclusive).

    Examples
    --------
    >>> period_bounds("2026-09", "2026-10")
    (Timestamp('2026-09-01 00:00:00'), Timestamp('2026-11-01 00:00:00'))
    >>> period_bounds(None, "2026-12")[1]
    Timestamp('2027-01-01 00:00:00')
    """
    start = None if since is None else pd.Period(since, freq="M").start_time
    end = None if through is None else (pd.Period(through, freq="M") + 1).start_time
    return start, end


def count_columns(scores: Mapping[str, tuple[int, int]]) -> list[str]:
    """The count columns of :meth:`Scan.kpi_counts` for ``scores`` (column -> (low, high)).

    Examples
    --------
    >>> count_columns({"csat": (1, 5)})
    ['csat_c1', 'csat_c2', 'csat_c3', 'csat_c4', 'csat_c5']
    """
    return [f"{c}_c{v}" for c, (low, high) in scores.items() for v in range(low, high + 1)]


def cluster_columns(scores: Mapping[str, tuple[int, int]]) -> list[str]:
    """The per-customer columns of :meth:`Scan.kpi_counts` with ``cluster=`` (see the module).

    Examples
    --------
    >>> cluster_columns({"satisfied": (0, 1)})
    ['satisfied_g', 'satisfied_x0_0', 'satisfied_x0_1', 'satisfied_x1_1']
    """
    names = []
    for c, (low, high) in scores.items():
        names.append(f"{c}_g")
        names += [f"{c}_x{v}_{w}" for v in range(low, high + 1) for w in range(v, high + 1)]
    return names


def parquet_files(
    folder: str | os.PathLike[str], since: Any = None, through: Any = None
) -> list[str]:
    """The Parquet files of ``folder``; of ``month=YYYY-MM`` folders, only those in the period.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     for m in ("2026-09", "2026-10"):
    ...         os.makedirs(f"{tmp}/month={m}")
    ...         open(f"{tmp}/month={m}/part-0.parquet", "w").close()
    ...     [Path(f).parent.name for f in parquet_files(tmp, through="2026-09")]
    ['month=2026-09']
    """
    pattern = os.path.join(os.fspath(folder), "**", "*.parquet")
    found = sorted(globlib.glob(pattern, recursive=True))
    low = None if since is None else str(pd.Period(since, freq="M"))
    high = None if through is None else str(pd.Period(through, freq="M"))
    keep = []
    for path in found:
        months = [m.group(1) for part in Path(path).parts if (m := _MONTH_DIR.match(part))]
        if months and ((low and months[0] < low) or (high and months[0] > high)):
            continue
        keep.append(path)
    return keep


def sample_hash(key: Any, seed: int = 0) -> int:
    """The sampling hash of one key: the first 32 bits of MD5(``"<seed>:<key>"``), in
    ``[0, HASH_RANGE)``; every engine computes the same (DuckDB: ``md5`` in SQL).

    Examples
    --------
    >>> sample_hash("R1", seed=0)
    83040147
    """
    return int(hashlib.md5(f"{int(seed)}:{key}".encode()).hexdigest()[:8], 16)


def sample_threshold(size: int, total: int) -> int:
    """The hash threshold that keeps about ``size`` of ``total`` rows (all: ``HASH_RANGE``).

    Examples
    --------
    >>> sample_threshold(1, 4) == HASH_RANGE // 4, sample_threshold(10, 4) == HASH_RANGE
    (True, True)
    """
    if total <= 0 or size >= total:
        return HASH_RANGE
    return max(1, math.floor(HASH_RANGE * size / total))


def hive_keys(path: str | os.PathLike[str]) -> set[str]:
    """The hive partition keys in a file's path (``.../month=2026-10/part-0.parquet``: month).

    Examples
    --------
    >>> sorted(hive_keys("exports/feedback/month=2026-10/region=East/part-0.parquet"))
    ['month', 'region']
    """
    return {part.split("=")[0] for part in Path(path).parts[:-1] if "=" in part}


def check_keys(by: Sequence[str], columns: Sequence[str], date: str) -> None:
    """Refuse a group key that is neither a column nor a time key of an existing date column."""
    for key in by:
        if key in columns:
            continue
        if key in TIME_KEYS:
            if date not in columns:
                raise AnalysisError(
                    f"by={key!r} needs the date column {date!r}, which is not in the data. "
                    f"Fix: pass date=<your date column> or map it to {date!r}."
                )
            continue
        raise AnalysisError(
            f"cannot group by {key!r}: no such column (columns: {', '.join(map(str, columns))}). "
            f"Fix: name an existing column, or 'month' for the month of {date!r}."
        )


def source_label(source: Any) -> str:
    """A short name of a source for messages: the path, or "a DataFrame"."""
    if isinstance(source, pd.DataFrame):
        return "a DataFrame"
    return os.fspath(source) if isinstance(source, str | os.PathLike) else repr(source)


@runtime_checkable
class Scan(Protocol):
    """A source with its column selection and period filter, ready to be counted or read."""

    engine: str
    columns: list[str]

    def to_frame(self) -> pd.DataFrame:
        """The selected rows and columns as a pandas DataFrame (the small-data path)."""
        ...

    def kpi_counts(
        self,
        by: Sequence[str],
        scores: Mapping[str, tuple[int, int]],
        *,
        date: str = ...,
        cluster: str | None = ...,
    ) -> pd.DataFrame:
        """Integer answer counts per group (see the module docstring for the layout)."""
        ...


@runtime_checkable
class Engine(Protocol):
    """Where the per-row work runs: ``scan`` a source into a :class:`Scan`."""

    name: str

    def scan(
        self,
        source: Any,
        columns: Sequence[str] | None = None,
        *,
        since: str | None = None,
        through: str | None = None,
        date: str = "submitted_at",
    ) -> Scan:
        """The source, reading only ``columns`` and the months ``since`` to ``through``."""
        ...
