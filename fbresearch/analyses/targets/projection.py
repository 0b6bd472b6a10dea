"""The projection a target is judged on: a local linear trend to the target month.

A target asks whether the KPI's *trend* will carry it to a value by a date, so it needs a model
with a slope, unlike the month-ahead outlook (:mod:`fbresearch.analyses.outlook.model`, a
drifting level). The model is statsmodels' ``UnobservedComponents`` local linear trend whose
measurement noise is fixed at the months' mean sampling variance, with a 12-month season from
:data:`SEASONAL_MONTHS` months on; the interval uses a t quantile with (months - 1) degrees of
freedom, since the drift is estimated from a short history (calibration:
``tests/benchmarks/bench_journey_targets.py``).

Examples
--------
>>> mean, low, high = trend_projection(np.r_[10.0, 11, 9, 10, 10, 11, 10], np.full(7, 1.0), 2)
>>> bool(low[1] < mean[1] < high[1]) and bool(high[1] - low[1] >= high[0] - low[0])
True
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy import stats
from statsmodels.tsa.statespace.structural import UnobservedComponents

__all__ = ["trend_projection", "SEASONAL_MONTHS"]

#: months of history from which the projection adds a 12-month season
SEASONAL_MONTHS = 24


def trend_projection(
    y: np.ndarray, se: np.ndarray, horizon: int, level: float = 0.95
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean and ``level`` prediction interval of the next ``horizon`` values of ``y`` (monthly
    KPIs whose sampling standard errors are ``se``), from a local linear trend."""
    y, se = np.asarray(y, float), np.asarray(se, float)
    seasonal = 12 if len(y) >= SEASONAL_MONTHS else None
    model = UnobservedComponents(y, level="lltrend", seasonal=seasonal)
    noise = float(np.nanmean(se**2))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = model.fit_constrained({"sigma2.irregular": max(noise, 1e-12)}, disp=False)
    f = fit.get_forecast(horizon)
    mean, sd = np.asarray(f.predicted_mean), np.sqrt(np.asarray(f.var_pred_mean))
    q = float(stats.t.ppf(0.5 + level / 2, max(len(y) - 1, 1)))
    return mean, mean - q * sd, mean + q * sd
