"""The in-process pandas engine: the default for data that fits in memory.

:class:`PandasEngine` scans a DataFrame (or a CSV or Parquet file, read with pandas) and counts
answers per group with one ``groupby`` and ``numpy.bincount``. The helpers that read a score
column (:func:`score_values`) and a date column as periods (:func:`to_period`) are the ones the
KPI tables have always used; they live here so that every engine checks answers the same way.
"""

from __future__ import annotations

import glob as globlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from fbresearch.engines.base import (
    TIME_KEYS,
    check_keys,
    cluster_columns,
    count_columns,
    hive_keys,
    parquet_files,
    period_bounds,
    sample_hash,
    source_label,
)
from fbresearch.errors import AnalysisError

__all__ = [
    "PandasEngine",
    "PandasScan",
    "score_values",
    "to_period",
    "rows_hint",
    "check_cluster",
]


def rows_hint(index: pd.Index, mask: np.ndarray) -> str:
    """The first rows of ``index`` where ``mask`` holds, for a message ("3, 7 and 2 more")."""
    rows = index[mask][:5].tolist()
    more = int(mask.sum()) - len(rows)
    return ", ".join(str(r) for r in rows) + (f" and {more} more" if more > 0 else "")


def score_values(frame: pd.DataFrame, column: str, low: float, high: float) -> np.ndarray:
    """A score column as floats (NaN = missing), checked for range and whole numbers.

    Examples
    --------
    >>> score_values(pd.DataFrame({"csat": [5, None, 1]}), "csat", 1, 5).tolist()
    [5.0, nan, 1.0]
    """
    series = frame[column]
    if pd.api.types.is_bool_dtype(series) or not pd.api.types.is_numeric_dtype(series):
        converted = pd.to_numeric(series.astype("object"), errors="coerce")
        bad = converted.isna().to_numpy() & series.notna().to_numpy()
        if bad.any():
            raise AnalysisError(
                f"column {column!r} holds values that are not numbers "
                f"(rows {rows_hint(frame.index, bad)}). "
                f"Fix: clean the column or map the right column to {column!r} in params columns:."
            )
        series = converted
    values = series.to_numpy(dtype=float, na_value=np.nan)
    with np.errstate(invalid="ignore"):
        bad = ~np.isnan(values) & ((values < low) | (values > high) | (values != np.round(values)))
    if bad.any():
        raise AnalysisError(
            f"column {column!r} must hold whole numbers from {low:g} to {high:g}; found "
            f"{np.unique(values[bad])[:5].tolist()} (rows {rows_hint(frame.index, bad)}). "
            f"Fix: check the scale of {column!r} (fb.load_feedback validates it on loading)."
        )
    return values


def to_period(series: pd.Series, column: str, freq: str = "M") -> pd.Series:
    """A date-like column as pandas Periods of ``freq``, with a clear error when it cannot be.

    Examples
    --------
    >>> to_period(pd.Series(["2026-10-31"]), "submitted_at").astype(str).tolist()
    ['2026-10']
    """
    if isinstance(series.dtype, pd.PeriodDtype):
        return series.dt.asfreq(freq)
    try:
        dates = (
            series
            if pd.api.types.is_datetime64_any_dtype(series)
            else pd.to_datetime(series.astype("object"), errors="raise", format="mixed")
        )
    except (ValueError, TypeError) as exc:
        raise AnalysisError(
            f"column {column!r} could not be read as dates ({exc}). "
            f"Fix: give dates such as 2026-10-31 (or months such as 2026-10)."
        ) from None
    if getattr(dates.dt, "tz", None) is not None:
        dates = dates.dt.tz_localize(None)
    return dates.dt.to_period(freq)


def _naive_dates(series: pd.Series) -> pd.Series:
    """A date column as naive UTC timestamps, NaT where a value is not a date (as DuckDB's
    ``TRY_CAST(... AS TIMESTAMP)``)."""
    dates = pd.to_datetime(series, errors="coerce", format="mixed")
    if getattr(dates.dt, "tz", None) is not None:
        dates = dates.dt.tz_convert("UTC").dt.tz_localize(None)
    return dates


def check_cluster(columns: Sequence[Any], cluster: str) -> None:
    """Refuse a customer column (``cluster=``) that is not among ``columns``.

    Examples
    --------
    >>> check_cluster(["customer_id", "nps"], "customer_id")
    >>> check_cluster(["nps"], "account")
    Traceback (most recent call last):
    ...
    fbresearch.errors.AnalysisError: cannot cluster by 'account': no such column. Fix: name the customer column, or cluster=None to treat every answer as independent.
    """
    if cluster not in columns:
        raise AnalysisError(
            f"cannot cluster by {cluster!r}: no such column. Fix: name the customer column, or "
            "cluster=None to treat every answer as independent."
        )


def customer_codes(frame: pd.DataFrame, cluster: str) -> tuple[np.ndarray, int]:
    """Integer codes of the customer column (a row with no customer: a customer of its own).

    Examples
    --------
    >>> customer_codes(pd.DataFrame({"customer_id": ["a", None, "a", None]}), "customer_id")
    (array([0, 2, 0, 4]), 5)
    """
    check_cluster(frame.columns, cluster)
    codes, uniques = pd.factorize(frame[cluster], use_na_sentinel=True)
    codes = codes.astype(np.int64)
    known = len(uniques)
    codes = np.where(codes < 0, known + np.arange(len(codes)), codes)
    return codes, known + len(codes)


def _customer_products(
    cells: np.ndarray,
    customers: np.ndarray,
    n_customers: int,
    answers: np.ndarray,
    width: int,
    groups: int,
) -> list[np.ndarray]:
    """Per group: customers with an answer, then the sums of products of their value counts."""
    pair = cells * n_customers + customers
    unique, inverse = np.unique(pair, return_inverse=True)
    per = np.bincount(inverse * width + answers, minlength=len(unique) * width)
    per = per.reshape(len(unique), width)
    cell = unique // n_customers
    out = [np.bincount(cell, minlength=groups).astype(np.int64)]
    for i in range(width):
        for j in range(i, width):
            products = np.bincount(cell, weights=per[:, i] * per[:, j], minlength=groups)
            out.append(np.rint(products).astype(np.int64))
    return out


def frame_counts(
    frame: pd.DataFrame,
    by: Sequence[str],
    scores: Mapping[str, tuple[int, int]],
    date: str = "submitted_at",
    cluster: str | None = None,
) -> pd.DataFrame:
    """Answer counts per group of ``frame`` (the layout of :meth:`PandasScan.kpi_counts`).

    Examples
    --------
    >>> df = pd.DataFrame({"channel": ["a", "b", "a", None], "csat": [5, 4, None, 5]})
    >>> frame_counts(df, ["channel"], {"csat": (4, 5)})
      channel  _rows  csat_c4  csat_c5
    0       a      2        0        1
    1       b      1        1        0
    """
    by = list(by)
    check_keys(by, list(frame.columns), date)
    keys = {
        k: frame[k] if k in frame.columns else to_period(frame[date], date, TIME_KEYS[k])
        for k in by
    }
    if keys:
        grouped = pd.DataFrame(keys, index=frame.index).groupby(
            by, observed=True, sort=True, dropna=True
        )
        codes = grouped.ngroup().to_numpy(dtype=float, na_value=np.nan)
        out = grouped.size().index.to_frame(index=False)
    else:
        codes = np.zeros(len(frame))
        out = pd.DataFrame(index=range(1))
    valid = ~np.isnan(codes)
    codes = np.where(valid, codes, 0).astype(np.int64)
    groups = len(out)
    data = {"_rows": np.bincount(codes[valid], minlength=groups).astype(np.int64)}
    names = iter(count_columns(scores))
    extra: dict[str, np.ndarray] = {}
    if cluster is not None:
        customers, n_customers = customer_codes(frame, cluster)
        cluster_names = iter(cluster_columns(scores))
    for column, (low, high) in scores.items():
        values = score_values(frame, column, low, high)
        ok = valid & ~np.isnan(values)
        width = high - low + 1
        answers = (values[ok] - low).astype(np.int64)
        flat = codes[ok] * width + answers
        counts = np.bincount(flat, minlength=groups * width).reshape(groups, width)
        data.update({next(names): counts[:, i].astype(np.int64) for i in range(width)})
        if cluster is not None:
            parts = _customer_products(
                codes[ok], customers[ok], n_customers, answers, width, groups
            )
            extra.update({next(cluster_names): part for part in parts})
    return pd.concat([out, pd.DataFrame({**data, **extra}, index=out.index)], axis=1)


def _read(source: Any, columns: Sequence[str] | None, since: Any, through: Any) -> pd.DataFrame:
    """A DataFrame, CSV, Parquet file, glob or folder (``month=`` folders outside the period
    skipped; partition keys are not read as columns) as one frame."""
    if isinstance(source, pd.DataFrame):
        return source
    text = str(source)
    use = list(columns) if columns else None
    if Path(text).is_dir() or globlib.has_magic(text):
        files = (
            parquet_files(text, since, through)
            if Path(text).is_dir()
            else sorted(globlib.glob(text))
        )
        if not files:
            raise AnalysisError(f"{text}: no Parquet files there. Fix: check the path.")
        parts = [pd.read_parquet(f, columns=use) for f in files]
        frame = pd.concat(parts, ignore_index=True)
        return frame.drop(columns=[k for k in hive_keys(files[0]) if k in frame.columns])
    if Path(text).suffix.lower() == ".csv":
        return pd.read_csv(text, usecols=use)
    if Path(text).suffix.lower() in (".parquet", ".pq"):
        return pd.read_parquet(text, columns=use)
    raise AnalysisError(
        f"the pandas engine cannot read {source_label(source)}. Fix: pass a DataFrame, a .csv "
        "or .parquet file, a glob or a folder of Parquet files."
    )


@dataclass(frozen=True)
class PandasScan:
    """A DataFrame with the selected columns and months (see :class:`fbresearch.engines.Scan`)."""

    frame: pd.DataFrame
    engine: str = "pandas"

    @property
    def columns(self) -> list[str]:
        """The selected columns."""
        return [str(c) for c in self.frame.columns]

    def to_frame(self) -> pd.DataFrame:
        """The selected rows and columns."""
        return self.frame

    def kpi_counts(
        self,
        by: Sequence[str],
        scores: Mapping[str, tuple[int, int]],
        *,
        date: str = "submitted_at",
        cluster: str | None = None,
    ) -> pd.DataFrame:
        """Integer answer counts per group (see :func:`frame_counts`)."""
        return frame_counts(self.frame, by, scores, date, cluster)

    def count(self) -> int:
        """The number of rows selected."""
        return len(self.frame)

    def month_counts(
        self, date: str = "submitted_at", before: Any = None
    ) -> tuple[pd.Series, pd.Timestamp]:
        """Dated rows per month (indexed by Periods, sorted) and the latest date, counting
        only rows dated before ``before`` (None: all), as the DuckDB scan's.

        Examples
        --------
        >>> days = pd.to_datetime(["2026-09-30", "2026-10-01", "2026-10-09"])
        >>> counts, last = PandasScan(pd.DataFrame({"submitted_at": days})).month_counts()
        >>> counts.to_dict(), str(last.date())
        ({Period('2026-09', 'M'): 1, Period('2026-10', 'M'): 2}, '2026-10-09')
        """
        dates = _naive_dates(self.frame[date])
        dates = dates[dates.notna()]
        if before is not None:
            dates = dates[dates < pd.Timestamp(before)]
        counts = dates.dt.to_period("M").value_counts().sort_index().astype(np.int64)
        counts.name = "n"
        counts.index.name = None
        return counts, (dates.max() if len(dates) else pd.NaT)

    def kept(
        self, date: str, answers: Sequence[str], text: str | None = None, before: Any = None
    ) -> PandasScan:
        """The rows loading keeps: dated (before ``before``), with an answer in one of
        ``answers`` or a non-blank ``text`` (as the DuckDB scan's).

        Examples
        --------
        >>> df = pd.DataFrame({"submitted_at": pd.to_datetime(["2026-10-01", None, "2026-10-02"]),
        ...                    "nps": [None, 3, None], "text": [" ", "ok", "fine"]})
        >>> len(PandasScan(df).kept("submitted_at", ["nps"], "text").frame)
        1
        """
        frame = self.frame
        dates = _naive_dates(frame[date])
        keep = dates.notna()
        if before is not None:
            keep &= dates < pd.Timestamp(before)
        answered = pd.Series(False, index=frame.index)
        for column in answers:
            if column in frame.columns:
                answered |= frame[column].notna()
        if text is not None and text in frame.columns:
            answered |= frame[text].astype("string").str.strip().str.len().fillna(0) > 0
        return PandasScan(frame[(keep & answered).to_numpy()])

    def sample(self, key: str, threshold: int, seed: int = 0) -> PandasScan:
        """The rows whose :func:`fbresearch.engines.base.sample_hash` of ``key`` is below
        ``threshold`` (the same rows as every engine's; a missing key hashes as "").

        Examples
        --------
        >>> scan = PandasScan(pd.DataFrame({"response_id": ["R1", "R2", "R3"]}))
        >>> scan.sample("response_id", 2**31).frame["response_id"].tolist()
        ['R1', 'R3']
        """
        if key not in self.frame.columns:
            raise AnalysisError(f"cannot sample by {key!r}: no such column.")
        keys = self.frame[key].astype("object").where(self.frame[key].notna(), "")
        hashes = np.fromiter((sample_hash(k, seed) for k in keys), dtype=np.int64, count=len(keys))
        return PandasScan(self.frame[hashes < int(threshold)])


class PandasEngine:
    """In-process pandas: scans a DataFrame, or reads a CSV or Parquet file whole.

    Examples
    --------
    >>> df = pd.DataFrame({"submitted_at": pd.to_datetime(["2026-09-30", "2026-10-01"]),
    ...                    "nps": [10, 0], "text": ["ok", "no"]})
    >>> scan = PandasEngine().scan(df, ["submitted_at", "nps"], through="2026-09")
    >>> scan.columns, len(scan.to_frame())
    (['submitted_at', 'nps'], 1)
    """

    name = "pandas"

    def scan(
        self,
        source: Any,
        columns: Sequence[str] | None = None,
        *,
        since: str | None = None,
        through: str | None = None,
        date: str = "submitted_at",
    ) -> PandasScan:
        """The source with ``columns`` and the months ``since`` to ``through`` (inclusive).

        Rows whose date cannot be read are kept (loading reports them).
        """
        frame = _read(source, columns, since, through)
        if columns is not None:
            frame = frame[list(columns)]
        start, end = period_bounds(since, through)
        if start is not None or end is not None:
            dates = pd.to_datetime(frame[date], errors="coerce", format="mixed")
            if getattr(dates.dt, "tz", None) is not None:
                dates = dates.dt.tz_localize(None)
            keep = dates.isna()
            inside = pd.Series(True, index=frame.index)
            if start is not None:
                inside &= dates >= start
            if end is not None:
                inside &= dates < end
            frame = frame[(keep | inside).to_numpy()]
        return PandasScan(frame)
