"""Monthly series of a metric with its interval: the input of an interrupted time series."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from fbresearch.analyses.impact.common import _dates, _numeric, _require, _timestamp
from fbresearch.analyses.kpis import scores as kpi
from fbresearch.errors import AnalysisError

__all__ = ["monthly_series"]


def monthly_series(
    frame: pd.DataFrame,
    metric: str,
    date: str = "submitted_at",
    by: str | None = None,
    change_date: Any = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Aggregate responses to one row per calendar month (and group): the metric with its CI.

    The monthly value of ``"nps"`` comes from :func:`fbresearch.analyses.kpis.nps`; any other metric is
    the mean answer (:func:`fbresearch.analyses.kpis.mean`). Months without answers are left out.

    Parameters
    ----------
    frame : DataFrame
        One row per response.
    metric : str
        The score column (``"csat"``, ``"nps"``, ``"ces"``, a rating).
    date : str, default "submitted_at"
        The date column.
    by : str, optional
        A group column: one series per group.
    change_date : date-like, optional
        Adds ``post`` (1 from the change's month on; a change in mid-month counts that month as
        post).

    Returns
    -------
    DataFrame
        ``period`` (month start), ``time`` (0, 1, ... over the months of the data), [``by``],
        ``value``, ``ci_low``, ``ci_high``, ``n`` and [``post``].

    Examples
    --------
    >>> df = pd.DataFrame({"submitted_at": pd.to_datetime(["2026-01-03", "2026-01-20", "2026-02-02"]),
    ...                    "csat": [4, 5, 3]})
    >>> monthly_series(df, "csat")[["time", "value", "n"]].to_dict("list")
    {'time': [0, 1], 'value': [4.5, 3.0], 'n': [2, 1]}
    """
    _require(frame, metric, date, by)
    dates = _dates(frame, date)
    values = _numeric(frame, metric)
    keep = ~np.isnan(values) & dates.notna().to_numpy()
    if not keep.any():
        raise AnalysisError(f"Column {metric!r} has no answers. Fix: choose a metric with data.")
    data = pd.DataFrame(
        {"period": dates[keep].dt.to_period("M").dt.to_timestamp(), "v": values[keep]}
    )
    keys = ["period"]
    if by is not None:
        data[by] = frame.loc[keep, by].to_numpy()
        keys = [by, "period"]
    estimator = (
        (lambda v: kpi.nps(v, confidence))
        if metric == "nps"
        else (lambda v: kpi.mean(v, confidence))
    )
    rows = []
    for key, group in data.groupby(keys, sort=True):
        est = estimator(group["v"].to_numpy())
        key = key if isinstance(key, tuple) else (key,)
        rows.append(
            dict(zip(keys, key, strict=True))
            | {
                "value": est.estimate,
                "ci_low": est.ci_low,
                "ci_high": est.ci_high,
                "n": est.n,
            }
        )
    out = pd.DataFrame(rows)
    months = pd.PeriodIndex(out["period"], freq="M")
    start = months.min()
    out.insert(out.columns.get_loc("period") + 1, "time", [(m - start).n for m in months])
    out["n"] = out["n"].astype(int)
    if change_date is not None:
        change_month = _timestamp(change_date).to_period("M").to_timestamp()
        out["post"] = (out["period"] >= change_month).astype(int)
    return out
