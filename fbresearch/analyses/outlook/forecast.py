"""Outlook: each headline KPI forecast for the next months, its backtest, an early warning.

The model (:mod:`fbresearch.analyses.outlook.model`) is a local level whose measurement noise
is each month's own survey sampling error (known: the month's squared standard error), so the
only unknown is how fast the true level drifts; that drift is integrated out over its
likelihood rather than plugged in, which keeps the intervals honest on a short history. With
at least :data:`SEASONAL_MONTHS` months it adds a 12-month seasonal pattern. Accuracy comes
from a rolling-origin backtest: from :data:`MIN_MONTHS` months on, the model is refitted on the
months up to each origin and its 1- to ``horizon``-month forecasts are compared with what came.

The early warning asks, every month, whether the month fell outside the forecast made with
the months before it, in the bad direction, at the (wider) ``warn_level``. Whether it did is
decided by :func:`fbresearch.evidence.is_significant` on the surprise (observed minus forecast
with its interval).

Examples
--------
>>> mean, low, high = forecast_series(np.r_[10.0, 11, 9, 10, 10, 11, 10], np.full(7, 1.0), 2)
>>> bool(low[0] < 10 < high[0]) and bool(high[1] - low[1] >= high[0] - low[0])
True
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from fbresearch.analyses.outlook.model import SEASONAL_MONTHS, predictive
from fbresearch.analyses.outlook.results import OutlookResult
from fbresearch.errors import AnalysisError
from fbresearch.evidence import is_significant
from fbresearch.results import Estimate
from fbresearch.schema import metric_spec

__all__ = ["kpi_outlook", "forecast_series", "MIN_MONTHS", "SEASONAL_MONTHS"]

MIN_MONTHS = 6


def forecast_series(
    y: np.ndarray, se: np.ndarray, horizon: int = 3, level: float = 0.90
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Forecast mean and ``level`` prediction interval of the next ``horizon`` values of ``y``
    (monthly KPIs whose sampling standard errors are ``se``; NaN for a month without answers).

    Returns
    -------
    mean, low, high : ndarray (horizon,)
    """
    p = predictive(y, se, horizon)
    low, high = p.interval(level)
    return p.mean(), low, high


def _series(kpi: object, metric: str, through: pd.Period | None) -> pd.DataFrame:
    """The metric's months in order up to ``through``, every calendar month present (NaN where
    a month has no estimate)."""
    table = kpi.table
    if "month" not in table.columns:
        raise AnalysisError("the outlook needs KPIs by month: kpi_table(frame, by='month').")
    rows = table[table["metric"] == metric].copy()
    rows["month"] = pd.PeriodIndex(rows["month"], freq="M")
    if through is not None:
        rows = rows[rows["month"] <= pd.Period(through, "M")]
    rows = rows.dropna(subset=["estimate", "se"]).sort_values("month")
    if rows.empty:
        return rows[["month", "estimate", "se"]].reset_index(drop=True)
    # up to the report month: a last month too thin for an estimate is a gap, not the end
    end = pd.Period(through, "M") if through is not None else rows["month"].max()
    full = pd.period_range(rows["month"].min(), end, freq="M")
    rows = rows.set_index("month")[["estimate", "se"]].reindex(full).rename_axis("month")
    return rows.reset_index()


def _forecast_rows(metric: str, months: list, p, level: float) -> list[dict]:
    low, high = p.interval(level)
    return [
        {
            "metric": metric,
            "month": months[-1] + k + 1,
            "forecast": m,
            "pi_low": lo,
            "pi_high": hi,
        }
        for k, (m, lo, hi) in enumerate(zip(p.mean(), low, high, strict=True))
    ]


def _check_row(metric: str, month, obs: float, p, warn_level: float, origin: int) -> dict:
    low, high = (float(b[0]) for b in p.interval(warn_level, months=1))
    mean = float(p.mean()[0])
    surprise = obs - mean
    est = Estimate(
        surprise,
        obs - high,
        obs - low,
        n=origin,
        confidence=warn_level,
        name=f"{metric}_surprise",
    )
    falls = metric_spec(metric).direction * surprise < 0
    return {
        "metric": metric,
        "month": month,
        "observed": obs,
        "forecast": mean,
        "warn_low": low,
        "warn_high": high,
        "warning": bool(is_significant(est) and falls),
        "surprise": est,
    }


def _one_metric(
    rows: pd.DataFrame, metric: str, horizon: int, level: float, warn_level: float
) -> tuple[list[dict], list[dict], list[dict]]:
    y, se = rows["estimate"].to_numpy(float), rows["se"].to_numpy(float)
    months = list(rows["month"])
    seen = np.cumsum(np.isfinite(y))
    backtest, checks = [], []
    for origin in range(1, len(y)):
        if seen[origin - 1] < MIN_MONTHS or not np.isfinite(y[origin - 1]):
            continue
        h = min(horizon, len(y) - origin)
        p = predictive(y[:origin], se[:origin], h)
        low, high = p.interval(level)
        mean = p.mean()
        for k in range(h):
            obs = y[origin + k]
            if not np.isfinite(obs):
                continue
            backtest.append(
                {
                    "metric": metric,
                    "origin": months[origin - 1],
                    "month": months[origin + k],
                    "horizon": k + 1,
                    "observed": obs,
                    "forecast": mean[k],
                    "covered": bool(low[k] <= obs <= high[k]),
                    "abs_error": abs(obs - mean[k]),
                }
            )
        if np.isfinite(y[origin]):
            checks.append(_check_row(metric, months[origin], y[origin], p, warn_level, origin))
    final = predictive(y, se, horizon)
    return _forecast_rows(metric, months, final, level), backtest, checks


def kpi_outlook(
    kpi: object,
    metrics: Sequence[str] = ("nps", "csat"),
    *,
    through: object = None,
    horizon: int = 3,
    level: float = 0.90,
    warn_level: float = 0.99,
) -> OutlookResult:
    """Forecast each KPI ``horizon`` months ahead, backtest the forecasts, flag surprises.

    Parameters
    ----------
    kpi : KpiTable
        KPIs by month (``kpi_table(frame, by="month", metrics=...)``).
    metrics : sequence of str, default ("nps", "csat")
    through : str or Period, optional
        The report month (the last month used); None: the latest in the table.
    horizon : int, default 3
    level : float, default 0.90
        Level of the prediction intervals and of the backtest's coverage.
    warn_level : float, default 0.99
        Level of the interval behind the early warning (wider, so a quiet series is flagged in
        about 1 month in 200, half the 1% outside it: only falls count).

    Returns
    -------
    OutlookResult

    Examples
    --------
    >>> import fbresearch as fb
    >>> s = fb.sample_data(3000)
    >>> kpi = fb.kpi_table(s.feedback, by="month", metrics=["nps"])
    >>> out = kpi_outlook(kpi, ["nps"], through="2026-10")
    >>> out.forecasts["month"].astype(str).tolist()
    ['2026-11', '2026-12', '2027-01']
    """
    forecasts, backtest, checks, skipped, history = [], [], [], [], []
    for metric in metrics:
        rows = _series(kpi, metric, through)
        if rows["estimate"].notna().sum() <= MIN_MONTHS:
            skipped.append(metric)
            continue
        history.append(rows.dropna(subset=["estimate"]).assign(metric=metric))
        f, b, c = _one_metric(rows, metric, horizon, level, warn_level)
        forecasts += f
        backtest += b
        checks += c
    if not forecasts:
        raise AnalysisError(
            f"the outlook needs more than {MIN_MONTHS} months of KPIs; this data has fewer."
        )
    return OutlookResult(
        table=pd.DataFrame(forecasts),
        backtest=pd.DataFrame(backtest),
        checks=pd.DataFrame(checks),
        history=pd.concat(history, ignore_index=True)[["metric", "month", "estimate", "se"]],
        metrics=tuple(m for m in metrics if m not in skipped),
        level=level,
        warn_level=warn_level,
        horizon=horizon,
        confidence=level,
    )
