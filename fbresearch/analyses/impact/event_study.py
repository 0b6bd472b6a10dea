"""The event study of difference-in-differences: leads and lags on responses, pre-trend test.

Numbers only; :func:`~fbresearch.analyses.impact.did.diff_in_diff` calls it (see its docstring
for why the event study is fitted on responses and what the pre-trend test assumes).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import statsmodels.api as sm

from fbresearch.analyses.impact.common import _tcrit

__all__ = ["event_study", "robust_fit"]


def robust_fit(y: np.ndarray, X: np.ndarray, units: np.ndarray | None):  # noqa: ANN202
    """OLS on responses: SEs clustered by unit (CR1, t(G - 1)) when given, else HC1."""
    if units is None:
        fit = sm.OLS(y, X).fit(cov_type="HC1", use_t=True)
        return fit, fit.df_resid
    fit = sm.OLS(y, X).fit(
        cov_type="cluster",
        cov_kwds={"groups": units, "use_correction": True, "df_correction": True},
        use_t=True,
    )
    return fit, int(units.max())  # G - 1 degrees of freedom, G = max code + 1


def _event_design(
    tr: np.ndarray,
    t_code: np.ndarray,
    n_periods: int,
    ref: int | None,
    groups: np.ndarray | None,
    cov: np.ndarray,
) -> np.ndarray:
    """[treated x period for every period but ``ref``, 1, group (or treated) dummies, period
    dummies, covariates], filled in place: this dense design of ~40 columns is the only large
    array (300 MB at a million responses)."""
    n = tr.size
    if groups is not None:
        g_code = pd.factorize(groups, sort=True)[0]
        n_groups = int(g_code.max()) + 1
    else:
        g_code, n_groups = tr.astype(np.int64), 2
    k = n_periods - (ref is not None)
    ev_col = t_code if ref is None else np.where(t_code > ref, t_code - 1, t_code)
    X = np.zeros((n, k + n_groups + n_periods - 1 + cov.shape[1]))
    rows = np.arange(n)
    m = (tr == 1) & (t_code != (-1 if ref is None else ref))
    X[rows[m], ev_col[m]] = 1.0
    X[:, k] = 1.0
    m = g_code > 0
    X[rows[m], k + g_code[m]] = 1.0
    m = t_code > 0
    X[rows[m], k + n_groups - 1 + t_code[m]] = 1.0
    X[:, k + n_groups + n_periods - 1 :] = cov
    return X


def event_study(y, tr, cov, times, po, confidence, assign_clusters, groups, units, unit):  # noqa: ANN001, ANN202
    """Leads and lags of treated x period relative to the last period before the change.

    Fitted on responses (see :func:`diff_in_diff`): SEs clustered by the assignment clusters
    when there are enough of them (``assign_clusters``), else by ``units``, else HC1.
    """
    periods = np.sort(pd.unique(times))
    post_periods = pd.unique(times[po == 1])
    first_post = min(post_periods)
    position = {p: i for i, p in enumerate(periods)}
    origin = position[first_post]
    ref = periods[origin - 1] if origin > 0 else None
    event_periods = [p for p in periods if p != ref]
    t_code = np.searchsorted(periods, times)
    X = _event_design(tr, t_code, len(periods), None if ref is None else origin - 1, groups, cov)
    if assign_clusters is not None:
        codes = pd.factorize(assign_clusters)[0]
        fit, df = robust_fit(y, X, codes)
        how = "SEs clustered by the assignment groups"
    else:
        fit, df = robust_fit(y, X, units)
        how = f"SEs clustered by {unit}" if units is not None else "HC1 SEs"
    k = len(event_periods)
    params, bse = np.asarray(fit.params)[:k], np.asarray(fit.bse)[:k]
    t = _tcrit(confidence, df)
    rel = [position[p] - origin for p in event_periods]
    event = pd.DataFrame(
        {
            "period": event_periods,
            "relative_period": rel,
            "estimate": params,
            "ci_low": params - t * bse,
            "ci_high": params + t * bse,
            "se": bse,
        }
    )
    if ref is not None:
        event = pd.concat(
            [
                event,
                pd.DataFrame(
                    [
                        {
                            "period": ref,
                            "relative_period": -1,
                            "estimate": 0.0,
                            "ci_low": 0.0,
                            "ci_high": 0.0,
                            "se": 0.0,
                        }
                    ]
                ),
            ],
            ignore_index=True,
        ).sort_values("relative_period", ignore_index=True)
    leads = [i for i, r in enumerate(rel) if r < -1]
    if leads:
        R = np.zeros((len(leads), len(fit.params)))
        for row, i in enumerate(leads):
            R[row, i] = 1.0
        wald = fit.wald_test(R, use_f=True, scalar=True)
        stat, p = float(np.squeeze(wald.statistic)), float(wald.pvalue)
        conclusion = (
            "no sign of different trends before the change (parallel trends plausible)"
            if p >= 0.05
            else "the groups already moved differently before the change: treat the estimate with caution"
        )
        check = {
            "check": f"pre-trends: all {len(leads)} leads zero (joint Wald F on responses, {how})",
            "statistic": stat,
            "p_value": p,
            "conclusion": conclusion,
            "passed": p >= 0.05,
        }
    else:
        check = {
            "check": "pre-trends",
            "statistic": math.nan,
            "p_value": math.nan,
            "conclusion": "too few periods before the change to test",
            "passed": True,
        }
    return event, check
