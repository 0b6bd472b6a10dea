"""Driver change over time: each driver's coefficient now against the previous periods.

Shares of the explained variation must sum to 100%, so when one driver's effect doubles every
other driver's share falls although nothing about it changed; they cannot answer "did this
driver become more important?". The comparison is therefore on the coefficients (outcome
points per rating point, the same 1-5 ratings in both windows), in one regression of the
outcome on the drivers, a current-period indicator and every driver x period interaction
(a Chow test, with HC3 standard errors). The interactions are the changes. First a joint F test
of all of them: only when it rejects may any driver be said to have changed; then each change's
t-test, the p-values adjusted by Benjamini-Hochberg across the drivers.

Numbers only; the sentences are written by :mod:`fbresearch.analyses.drivers.narrative`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from fbresearch.analyses.drivers.prepare import Prepared, labels_for, prepare, resolve_drivers
from fbresearch.analyses.drivers.results import DriverTrendResult
from fbresearch.errors import AnalysisError, FeedbackDataError
from fbresearch.evidence import fdr_adjust, fdr_survivors

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


def _chow(now: Prepared, before: Prepared, cov_type: str) -> tuple[object, int]:
    """The fully interacted OLS fit on both windows: const, drivers, current, drivers x current.

    ``use_t``: t and F reference distributions with the residual degrees of freedom, which
    matter when the current period is a single month of responses.
    """
    x = np.vstack([before.values[:, :-1], now.values[:, :-1]])
    y = np.concatenate([before.values[:, -1], now.values[:, -1]])
    current = np.r_[np.zeros(before.n), np.ones(now.n)]
    design = np.column_stack([np.ones(len(y)), x, current, x * current[:, None]])
    return sm.OLS(y, design).fit(cov_type=cov_type, use_t=True), x.shape[1]


def _coefficient_rows(fit, p: int, confidence: float) -> dict[str, np.ndarray]:  # noqa: ANN001
    """Coefficients before and now with CIs, and the change with its CI and p-value."""
    alpha = 1 - confidence
    params, cov = np.asarray(fit.params), np.asarray(fit.cov_params())
    t = stats.t.ppf(1 - alpha / 2, fit.df_resid)
    before = np.arange(1, p + 1)
    change = np.arange(p + 2, 2 * p + 2)
    out: dict[str, np.ndarray] = {}
    for name, value, var in (
        ("previous", params[before], np.diag(cov)[before]),
        (
            "current",
            params[before] + params[change],
            np.diag(cov)[before] + np.diag(cov)[change] + 2 * cov[before, change],
        ),
        ("change", params[change], np.diag(cov)[change]),
    ):
        se = np.sqrt(var)
        out[name], out[f"{name}_ci_low"], out[f"{name}_ci_high"] = (
            value,
            value - t * se,
            value + t * se,
        )
    out["change_se"] = np.sqrt(np.diag(cov)[change])
    out["p_value"] = np.asarray(fit.pvalues)[change]
    return out


def _r2(data: Prepared) -> float:
    """R squared of the window's own OLS fit (descriptive)."""
    fit = sm.OLS(data.values[:, -1], sm.add_constant(data.values[:, :-1])).fit()
    return float(fit.rsquared)


def driver_trend(
    frame: pd.DataFrame,
    outcome: str,
    drivers: str | Sequence[str],
    date: str = "submitted_at",
    period: str | pd.Period | None = None,
    *,
    window: int = 3,
    freq: str = "M",
    confidence: float = 0.95,
    missing: str = "listwise",
    labels: Mapping[str, str] | None = None,
    cov_type: str = "HC3",
) -> DriverTrendResult:
    """Did a driver's link with the outcome change? This period against the previous ones.

    One OLS regression on the responses of both windows, of the outcome on the drivers, an
    indicator of the current period and every driver x current interaction (equivalent to a
    separate fit per window; HC3 standard errors, t and F reference distributions). A driver's
    coefficient is the outcome points per rating point, holding the other ratings equal; its
    change is the interaction. The verdict is two-stage: the joint F test of all interactions
    (a Chow test of "no driver's effect changed") must reject at ``1 - confidence``, and then a
    driver's own change must pass Benjamini-Hochberg at the false discovery rate
    ``1 - confidence`` across the drivers. A change in the intercept (the whole score moving)
    is not a change in any driver and is not tested here.

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
    confidence, missing, labels
        As for :func:`key_drivers`.
    cov_type : str, default "HC3"
        statsmodels covariance of the coefficients.

    Returns
    -------
    DriverTrendResult

    Examples
    --------
    >>> rng = np.random.default_rng(3)
    >>> n = 1600
    >>> x = rng.integers(1, 6, size=(n, 2)).astype(float)
    >>> days = pd.to_timedelta(rng.integers(0, 120, n), unit="D")
    >>> when = pd.Series(pd.to_datetime("2026-07-01") + days)
    >>> late = (when >= "2026-10-01").to_numpy()
    >>> y = np.where(late, 1.0, 0.5) * x[:, 0] + 0.5 * x[:, 1] + rng.normal(size=n)
    >>> frame = pd.DataFrame({"submitted_at": when, "rating_a": x[:, 0], "rating_b": x[:, 1],
    ...                       "nps": y})
    >>> result = driver_trend(frame, "nps", "rating_*", period="2026-10")
    >>> result.table.set_index("driver")["direction"].to_dict()
    {'rating_a': 'more important', 'rating_b': 'no clear change'}
    """
    current, in_current, in_previous, previous_text = _windows(frame, date, period, window, freq)
    names = resolve_drivers(frame, drivers)
    try:
        data_now = prepare(frame[in_current], outcome, names, missing=missing)
        data_before = prepare(frame[in_previous], outcome, names, missing=missing)
    except AnalysisError as err:
        raise AnalysisError(f"Comparing {current} with {previous_text}: {err}") from err
    fit, p = _chow(data_now, data_before, cov_type)
    joint = fit.f_test(np.eye(2 * p + 2)[p + 2 :])
    joint_p = float(np.squeeze(joint.pvalue))
    labels_map = labels_for(names, labels)
    table = pd.DataFrame(
        {"driver": names, "label": [labels_map[d] for d in names]}
        | _coefficient_rows(fit, p, confidence)
    )
    table["q_value"] = fdr_adjust(table["p_value"])
    rejects = bool(joint_p <= 1 - confidence)
    changed = fdr_survivors(table["p_value"], confidence) & rejects
    stronger = table["current"].abs() > table["previous"].abs()
    table["direction"] = np.select(
        [changed & stronger, changed & ~stronger],
        ["more important", "less important"],
        default="no clear change",
    )
    return DriverTrendResult(
        table=table,
        outcome=outcome,
        current_period=str(current),
        previous_periods=previous_text,
        n_current=data_now.n,
        n_previous=data_before.n,
        r_squared_current=_r2(data_now),
        r_squared_previous=_r2(data_before),
        confidence=confidence,
        joint_statistic=float(np.squeeze(joint.fvalue)),
        joint_df=(int(joint.df_num), int(joint.df_denom)),
        joint_p_value=joint_p,
        joint_rejects=rejects,
        cov_type=cov_type,
    )
