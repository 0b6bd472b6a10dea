"""Driver change over time: each driver's importance now against the previous periods.

Numbers only; the sentences are written by :mod:`fbresearch.analyses.drivers.narrative`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from fbresearch.analyses.drivers.importance import Importance, compute_importance, percentile_ci
from fbresearch.analyses.drivers.prepare import labels_for, prepare, resolve_drivers
from fbresearch.analyses.drivers.results import DriverTrendResult
from fbresearch.errors import AnalysisError, FeedbackDataError

__all__ = ["driver_trend"]


def _windows(
    frame: pd.DataFrame, date: str, period: str | pd.Period | None, window: int, freq: str
) -> tuple[pd.Period, np.ndarray, np.ndarray, str]:
    """The current period, masks of its rows and of the previous window's, and their name."""
    if window < 1:
        raise AnalysisError("window must be at least 1 previous period.")
    if date not in frame.columns:
        raise FeedbackDataError(
            "date column not found",
            source="DataFrame",
            column=date,
            fix="pass date= the column holding the response date.",
        )
    when = pd.to_datetime(frame[date], errors="coerce")
    periods = when.dt.to_period(freq)
    current = pd.Period(period, freq=freq) if period is not None else periods.max()
    if pd.isna(current):
        raise FeedbackDataError(
            "no valid dates", source="DataFrame", column=date, fix="check the date column."
        )
    first_previous = current - window
    in_current = (periods == current).to_numpy()
    in_previous = ((periods >= first_previous) & (periods < current)).to_numpy()
    previous_text = str(first_previous) if window == 1 else f"{first_previous} to {current - 1}"
    for mask, label in ((in_current, str(current)), (in_previous, previous_text)):
        if not mask.any():
            raise AnalysisError(
                f"No responses in {label} (column {date!r}). Fix: choose another period or a "
                "longer comparison window."
            )
    return current, in_current, in_previous, previous_text


def _trend_table(
    names: Sequence[str],
    labels: Mapping[str, str],
    now: Importance,
    before: Importance,
    confidence: float,
) -> pd.DataFrame:
    """Shares before and now with CIs, the change with its paired-draw CI, and the verdict."""
    share_now, draws_now = now.normalized()
    share_before, draws_before = before.normalized()
    now_low, now_high = percentile_ci(draws_now, confidence)
    before_low, before_high = percentile_ci(draws_before, confidence)
    change_low, change_high = percentile_ci(draws_now - draws_before, confidence)
    table = pd.DataFrame(
        {
            "driver": list(names),
            "label": [labels[d] for d in names],
            "previous": share_before,
            "previous_ci_low": before_low,
            "previous_ci_high": before_high,
            "current": share_now,
            "current_ci_low": now_low,
            "current_ci_high": now_high,
            "change": share_now - share_before,
            "change_ci_low": change_low,
            "change_ci_high": change_high,
        }
    )
    table["direction"] = np.select(
        [table["change_ci_low"] > 0, table["change_ci_high"] < 0],
        ["more important", "less important"],
        default="no clear change",
    )
    return table


def driver_trend(
    frame: pd.DataFrame,
    outcome: str,
    drivers: str | Sequence[str],
    date: str = "submitted_at",
    period: str | pd.Period | None = None,
    *,
    window: int = 3,
    freq: str = "M",
    method: str = "lmg",
    bootstrap: int = 200,
    seed: int = 0,
    confidence: float = 0.95,
    missing: str = "listwise",
    labels: Mapping[str, str] | None = None,
    workers: int | None = None,
) -> DriverTrendResult:
    """Did a driver become more or less important? This period against the previous ones.

    Each driver's share of the explained variation (as in :func:`importance_performance`) is
    computed for the current period and for the ``window`` periods before it; the two windows are
    bootstrapped independently and the CI of the change is the percentile interval of the
    paired differences of the draws.

    Parameters
    ----------
    frame, outcome, drivers
        As for :func:`key_drivers`.
    date : str, default "submitted_at"
        The date column.
    period : str or pandas.Period, optional
        The current period (``"2026-10"``); default: the latest period in the data.
    window : int, default 3
        Number of preceding periods to compare with (e.g. 3 or 6 months).
    freq : str, default "M"
        Period frequency (pandas period alias).
    method, bootstrap, seed, confidence, missing, labels, workers
        As for :func:`importance_performance`.

    Returns
    -------
    DriverTrendResult

    Examples
    --------
    >>> rng = np.random.default_rng(3)
    >>> n = 800
    >>> x = rng.normal(size=(n, 2))
    >>> days = pd.to_timedelta(rng.integers(0, 120, n), unit="D")
    >>> when = pd.Series(pd.to_datetime("2026-07-01") + days)
    >>> late = (when >= "2026-10-01").to_numpy()
    >>> y = np.where(late, x[:, 1], x[:, 0]) * 2 + rng.normal(size=n)
    >>> frame = pd.DataFrame({"submitted_at": when, "rating_a": x[:, 0], "rating_b": x[:, 1],
    ...                       "nps": y})
    >>> result = driver_trend(frame, "nps", "rating_*", period="2026-10", bootstrap=50)
    >>> result.table.set_index("driver")["direction"].to_dict()
    {'rating_a': 'less important', 'rating_b': 'more important'}
    """
    current, in_current, in_previous, previous_text = _windows(frame, date, period, window, freq)
    names = resolve_drivers(frame, drivers)
    try:
        data_now = prepare(frame[in_current], outcome, names, missing=missing)
        data_before = prepare(frame[in_previous], outcome, names, missing=missing)
    except AnalysisError as err:
        raise AnalysisError(f"Comparing {current} with {previous_text}: {err}") from err
    seeds = np.random.SeedSequence(seed).generate_state(2)
    now = compute_importance(data_now, method, bootstrap, int(seeds[0]), workers)
    before = compute_importance(data_before, method, bootstrap, int(seeds[1]), workers)
    return DriverTrendResult(
        table=_trend_table(names, labels_for(names, labels), now, before, confidence),
        outcome=outcome,
        current_period=str(current),
        previous_periods=previous_text,
        n_current=data_now.n,
        n_previous=data_before.n,
        r_squared_current=now.r2,
        r_squared_previous=before.r2,
        bootstrap=int(bootstrap),
        confidence=confidence,
    )
