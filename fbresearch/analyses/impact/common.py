"""Input checks, shared constants and the metric label of the impact estimators (numbers only)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from fbresearch.errors import AnalysisError
from fbresearch.schema import METRICS

__all__ = ["MIN_CLUSTERS", "MIN_ITS_POINTS", "metric_label"]

#: Fewer clusters than this and cluster-robust standard errors are not trusted (see diff_in_diff).
MIN_CLUSTERS = 30


#: Points needed on each side of the change for an interrupted time series.
MIN_ITS_POINTS = 8


_TOP_BOX = {"csat": (4, 5), "ces": (6, 7)}


def metric_label(metric: str) -> str:
    """The short label of ``metric`` from :data:`fbresearch.schema.METRICS`.

    A column not in the registry is named by itself, underscores read as spaces.

    Examples
    --------
    >>> metric_label("csat"), metric_label("my_score")
    ('CSAT', 'my score')
    """
    spec = METRICS.get(metric)
    return spec.label if spec is not None else metric.replace("_", " ")


def _require(frame: pd.DataFrame, *columns: str | None) -> None:
    missing = [c for c in columns if c is not None and c not in frame.columns]
    if missing:
        raise AnalysisError(
            f"Column {missing[0]!r} is not in the data (columns: {', '.join(map(str, frame.columns))}). "
            f"Fix: pass the name of an existing column, or map yours to it in params `columns:`."
        )


def _numeric(frame: pd.DataFrame, column: str) -> np.ndarray:
    values = pd.to_numeric(frame[column], errors="coerce")
    return values.to_numpy(dtype=float, na_value=np.nan)


def _binary(frame: pd.DataFrame, column: str, role: str) -> np.ndarray:
    """A 0/1 or boolean column as a float array of 0s and 1s, or a clear error."""
    raw = frame[column]
    if raw.isna().any():
        raise AnalysisError(
            f"Column {column!r} ({role}) has {int(raw.isna().sum())} missing values. "
            f"Fix: code every row 0/1 (or False/True)."
        )
    values = pd.to_numeric(
        raw.astype("object").map(lambda v: int(v) if isinstance(v, bool | np.bool_) else v),
        errors="coerce",
    ).to_numpy(dtype=float, na_value=np.nan)
    if np.isnan(values).any() or not np.isin(values, (0.0, 1.0)).all():
        raise AnalysisError(
            f"Column {column!r} ({role}) must be 0/1 or boolean; found {pd.unique(raw)[:5].tolist()}."
        )
    return values


def _timestamp(value: Any, what: str = "change_date") -> pd.Timestamp:
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError) as err:
        raise AnalysisError(f"{what} {value!r} is not a date. Fix: use 'YYYY-MM-DD'.") from err
    if pd.isna(ts):
        raise AnalysisError(f"{what} is missing. Fix: give the launch date as 'YYYY-MM-DD'.")
    return ts.tz_localize(None) if ts.tzinfo is not None else ts


def _dates(frame: pd.DataFrame, column: str) -> pd.Series:
    dates = pd.to_datetime(frame[column], errors="coerce")
    if getattr(dates.dt, "tz", None) is not None:
        dates = dates.dt.tz_localize(None)
    if dates.isna().all():
        raise AnalysisError(
            f"Column {column!r} holds no dates. Fix: pass the submission-date column."
        )
    return dates


def _check_change_inside(dates: pd.Series, change: pd.Timestamp, column: str) -> None:
    first, last = dates.min(), dates.max()
    if change <= first:
        raise AnalysisError(
            f"The change date {change.date()} is on or before the first date in {column!r} "
            f"({first.date()}): there is no data from before the change. Fix: check the date, or "
            f"add older data."
        )
    if change > last:
        raise AnalysisError(
            f"The change date {change.date()} is after the last date in {column!r} "
            f"({last.date()}): there is no data after the change yet. Fix: check the date, or "
            f"wait for data from after the launch."
        )


def _tcrit(confidence: float, df: float | None) -> float:
    q = 0.5 + confidence / 2
    return float(stats.norm.ppf(q) if df is None or not np.isfinite(df) else stats.t.ppf(q, df))


def _metric_values(frame: pd.DataFrame, metric: str) -> np.ndarray:
    """Per-response values whose mean is the metric: NPS answers recoded to +100 / 0 / -100."""
    values = _numeric(frame, metric)
    if metric == "nps":
        return np.where(
            np.isnan(values),
            np.nan,
            np.where(values >= 9, 100.0, np.where(values <= 6, -100.0, 0.0)),
        )
    return values


def _is_datelike(value: Any) -> bool:
    return isinstance(value, pd.Timestamp | np.datetime64 | pd.Period) or hasattr(value, "year")
