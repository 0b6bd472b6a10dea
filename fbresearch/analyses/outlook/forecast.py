"""Outlook: each headline KPI forecast for the next months, its backtest, an early warning.

The model is a local linear trend (statsmodels ``UnobservedComponents``) whose measurement
noise is fixed at the KPI's own sampling variance (the mean squared standard error of the
months fitted): what the survey's sample size alone makes a month wobble, so the model
estimates only how fast the true level and its slope drift. With at least
:data:`SEASONAL_MONTHS` months it adds a 12-month seasonal term. Prediction intervals use a
t quantile with (months fitted - 1) degrees of freedom, since the drift is estimated from a
short history. Accuracy comes from a rolling-origin backtest: from :data:`MIN_MONTHS` months
on, the model is refitted on the months up to each origin and its 1- to ``horizon``-month
forecasts are compared with what came.

The early warning asks, every month, whether the month fell outside the forecast made with
the months before it, in the bad direction, at the (wider) ``warn_level``. Whether it did is
decided by :func:`fbresearch.evidence.is_significant` on the surprise (observed minus forecast
with its interval).

Examples
--------
>>> _student(0.9, 10) > _student(0.9, 1000)
True
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.tsa.statespace.structural import UnobservedComponents

from fbresearch.analyses.outlook.results import OutlookResult
from fbresearch.errors import AnalysisError
from fbresearch.evidence import is_significant
from fbresearch.results import Estimate
from fbresearch.schema import metric_spec

__all__ = ["kpi_outlook", "forecast_series", "MIN_MONTHS", "SEASONAL_MONTHS"]

MIN_MONTHS = 6
SEASONAL_MONTHS = 24


def _student(level: float, df: int) -> float:
    return float(stats.t.ppf(0.5 + level / 2, max(df, 1)))


def forecast_series(
    y: np.ndarray, se: np.ndarray, horizon: int = 3
) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation of the next ``horizon`` values of ``y`` (whose sampling
    standard errors are ``se``).

    Examples
    --------
    >>> mean, sd = forecast_series(np.r_[10.0, 11, 9, 10, 10, 11, 10], np.full(7, 1.0), 2)
    >>> bool(9 < mean[0] < 11) and bool(sd[1] >= sd[0])
    True
    """
    y, se = np.asarray(y, float), np.asarray(se, float)
    seasonal = 12 if len(y) >= SEASONAL_MONTHS else None
    model = UnobservedComponents(y, level="lltrend", seasonal=seasonal)
    noise = float(np.nanmean(se**2))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = model.fit_constrained({"sigma2.irregular": max(noise, 1e-12)}, disp=False)
    f = fit.get_forecast(horizon)
    return np.asarray(f.predicted_mean), np.sqrt(np.asarray(f.var_pred_mean))


def _series(kpi: object, metric: str, through: pd.Period | None) -> pd.DataFrame:
    table = kpi.table
    if "month" not in table.columns:
        raise AnalysisError("the outlook needs KPIs by month: kpi_table(frame, by='month').")
    rows = table[table["metric"] == metric].copy()
    rows["month"] = pd.PeriodIndex(rows["month"], freq="M")
    if through is not None:
        rows = rows[rows["month"] <= pd.Period(through, "M")]
    rows = rows.dropna(subset=["estimate", "se"]).sort_values("month")
    full = pd.period_range(rows["month"].min(), rows["month"].max(), freq="M") if len(rows) else []
    if len(rows) != len(full):
        rows = rows.set_index("month").reindex(full).rename_axis("month").reset_index()
        rows = rows.dropna(subset=["estimate"])  # gaps: months without answers are skipped
    return rows.reset_index(drop=True)


def _one_metric(
    rows: pd.DataFrame, metric: str, horizon: int, level: float, warn_level: float
) -> tuple[list[dict], list[dict], list[dict]]:
    y, se = rows["estimate"].to_numpy(float), rows["se"].to_numpy(float)
    months = list(rows["month"])
    direction = metric_spec(metric).direction
    forecasts, backtest, checks = [], [], []
    for origin in range(MIN_MONTHS, len(y) + 1):
        h = horizon if origin == len(y) else min(horizon, len(y) - origin)
        mean, sd = forecast_series(y[:origin], se[:origin], h)
        q, qw = _student(level, origin - 1), _student(warn_level, origin - 1)
        if origin == len(y):
            for k in range(h):
                forecasts.append(
                    {
                        "metric": metric,
                        "month": months[-1] + k + 1,
                        "forecast": mean[k],
                        "pi_low": mean[k] - q * sd[k],
                        "pi_high": mean[k] + q * sd[k],
                    }
                )
            continue
        for k in range(h):
            obs = y[origin + k]
            backtest.append(
                {
                    "metric": metric,
                    "origin": months[origin - 1],
                    "month": months[origin + k],
                    "horizon": k + 1,
                    "observed": obs,
                    "forecast": mean[k],
                    "covered": abs(obs - mean[k]) <= q * sd[k],
                    "abs_error": abs(obs - mean[k]),
                }
            )
        surprise = y[origin] - mean[0]
        est = Estimate(
            surprise,
            surprise - qw * sd[0],
            surprise + qw * sd[0],
            n=origin,
            confidence=warn_level,
            name=f"{metric}_surprise",
        )
        checks.append(
            {
                "metric": metric,
                "month": months[origin],
                "observed": y[origin],
                "forecast": mean[0],
                "warn_low": mean[0] - qw * sd[0],
                "warn_high": mean[0] + qw * sd[0],
                "warning": bool(is_significant(est) and direction * surprise < 0),
                "surprise": est,
            }
        )
    return forecasts, backtest, checks


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
    forecasts, backtest, checks, skipped = [], [], [], []
    for metric in metrics:
        rows = _series(kpi, metric, through)
        if len(rows) <= MIN_MONTHS:
            skipped.append(metric)
            continue
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
        metrics=tuple(m for m in metrics if m not in skipped),
        level=level,
        warn_level=warn_level,
        horizon=horizon,
        confidence=level,
    )
