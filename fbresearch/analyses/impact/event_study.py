"""The event study of difference-in-differences: leads and lags on responses, pre-trend test.

Numbers only; :func:`~fbresearch.analyses.impact.did.diff_in_diff` calls it (see its docstring
for why the event study is fitted on responses and what the pre-trend test assumes).
"""

from __future__ import annotations

import math
from itertools import combinations

import numpy as np
import pandas as pd
import statsmodels.api as sm

from fbresearch.analyses.impact.cluster_inference import MAX_ASSIGNMENTS, wild_cluster_bootstrap
from fbresearch.analyses.impact.common import _tcrit

__all__ = ["event_study", "robust_fit"]

#: Random assignments drawn for the region-level pre-trend test when there are too many to list.
SAMPLED_ASSIGNMENTS = 1999


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


def event_study(  # noqa: ANN201
    y,
    tr,
    cov,
    times,
    po,
    confidence,
    assign_clusters,
    groups,
    units,
    unit,
    few=None,
    label="group",  # noqa: ANN001
):
    """Leads and lags of treated x period relative to the last period before the change.

    Fitted on responses (see :func:`diff_in_diff`): SEs clustered by the assignment clusters
    when there are enough of them (``assign_clusters``), else by ``units``, else HC1.

    ``few`` (``"randomization"`` or ``"wild"``, the main estimate's inference when the change
    went to too few ``groups`` for cluster-robust SEs) makes the event study follow the same
    design: it is fitted on ``group x period`` cells (see :func:`cluster_event_study`).
    """
    if few is not None:
        return cluster_event_study(y, tr, cov, times, po, confidence, groups, few, label)
    periods, origin, ref, event_periods, rel = _periods(times, po)
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
    event = _event_frame(event_periods, rel, ref, params, params - t * bse, params + t * bse, bse)
    leads = [i for i, r in enumerate(rel) if r < -1]
    if not leads:
        return event, _NO_LEADS
    R = np.zeros((len(leads), len(fit.params)))
    for row, i in enumerate(leads):
        R[row, i] = 1.0
    wald = fit.wald_test(R, use_f=True, scalar=True)
    stat, p = float(np.squeeze(wald.statistic)), float(wald.pvalue)
    return event, _pretrend_check(
        f"pre-trends: all {len(leads)} leads zero (joint Wald F on responses, {how})", stat, p
    )


_NO_LEADS = {
    "check": "pre-trends",
    "statistic": math.nan,
    "p_value": math.nan,
    "conclusion": "too few periods before the change to test",
    "passed": True,
}


def _pretrend_check(name: str, stat: float, p: float) -> dict:
    conclusion = (
        "no sign of different trends before the change (parallel trends plausible)"
        if p >= 0.05
        else "the groups already moved differently before the change: treat the estimate with caution"
    )
    return {
        "check": name,
        "statistic": stat,
        "p_value": p,
        "conclusion": conclusion,
        "passed": p >= 0.05,
    }


def _periods(times: np.ndarray, po: np.ndarray):  # noqa: ANN202
    """Sorted periods, the index of the first period after the change, the reference period
    (the one before it, None when there is none), the other periods and their relative index."""
    periods = np.sort(pd.unique(times))
    position = {p: i for i, p in enumerate(periods)}
    origin = position[min(pd.unique(times[po == 1]))]
    ref = periods[origin - 1] if origin > 0 else None
    event_periods = [p for p in periods if p != ref]
    return periods, origin, ref, event_periods, [position[p] - origin for p in event_periods]


def _event_frame(event_periods, rel, ref, est, low, high, se, **extra) -> pd.DataFrame:  # noqa: ANN001
    """The event-study table, with the reference period (0 by construction) when there is one."""
    columns = {
        "period": event_periods,
        "relative_period": rel,
        "estimate": est,
        "ci_low": low,
        "ci_high": high,
        "se": se,
        **extra,
    }
    event = pd.DataFrame(columns)
    if ref is None:
        return event
    zero = {name: 0.0 for name in columns} | {"period": ref, "relative_period": -1}
    return pd.concat([event, pd.DataFrame([zero])], ignore_index=True).sort_values(
        "relative_period", ignore_index=True
    )


#: Bootstrap draws per month of the wild cluster bootstrap in the event study.
WILD_REPS = 1999


def cluster_event_study(y, tr, cov, times, po, confidence, groups, method, label="group"):  # noqa: ANN001, ANN201
    """The event study with the main estimate's few-cluster inference, on group x period cells.

    The leads and lags are the treated x period coefficients of the cell regression weighted by
    responses per cell (the same numbers as on responses without covariates). Inference works
    on whole groups, as for the main estimate:

    * per-month intervals: ``method="wild"``: the restricted wild cluster bootstrap of each
      coefficient (:func:`wild_cluster_bootstrap`, ``WILD_REPS`` draws); ``"randomization"``:
      none (NaN); ``placebo_low``/``placebo_high`` give the range of the coefficient over the
      other assignments of the treated groups instead;
    * pre-trend test: randomization test of the sum of squared leads over every assignment of
      the treated groups (``SAMPLED_ASSIGNMENTS`` random ones when there are more than
      ``MAX_ASSIGNMENTS``). When even the most extreme leads could not reach p < 0.05 (4 groups,
      2 treated: 6 assignments, smallest p 1/3), the check says it cannot be run reliably.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> g, t = np.repeat(np.arange(4), 300), np.tile(np.arange(6), 200)
    >>> event, check = cluster_event_study(rng.normal(size=1200), (g < 2) * 1.0,
    ...     np.empty((1200, 0)), t, (t >= 3) * 1.0, 0.95, g, "randomization", "region")
    >>> months = event[event["relative_period"] != -1]
    >>> bool(months["ci_low"].isna().all()), check["conclusion"][:30]
    (True, 'cannot be run reliably: the ch')
    """
    periods, origin, ref, event_periods, rel = _periods(times, po)
    ref_code = None if ref is None else origin - 1
    data = pd.DataFrame(
        {"c": pd.factorize(groups, sort=True)[0], "t": np.searchsorted(periods, times)}
    )
    data["y"], data["tr"] = y, tr
    for j in range(cov.shape[1]):
        data[f"x{j}"] = cov[:, j]
    grouped = data.groupby(["c", "t"], sort=True)
    cells = grouped.mean().reset_index()
    w = grouped.size().to_numpy(dtype=float)
    c, tc, yc = cells["c"].to_numpy(), cells["t"].to_numpy(), cells["y"].to_numpy()
    X = _event_design(
        cells["tr"].to_numpy(),
        tc,
        len(periods),
        ref_code,
        c,
        cells[[f"x{j}" for j in range(cov.shape[1])]].to_numpy(dtype=float),
    )
    k = len(event_periods)
    treated = cells.groupby("c")["tr"].first().to_numpy() == 1
    assign, observed, min_p = _assignments(treated)
    b = _assignment_coefficients(yc, X, w, c, tc, ref_code, k, assign)
    est = b[observed]
    nan = np.full(k, np.nan)
    if method == "wild":
        boot = [
            wild_cluster_bootstrap(
                yc, np.delete(X, j, axis=1), X[:, j], w, c, confidence, reps=WILD_REPS, seed=j
            )
            for j in range(k)
        ]
        event = _event_frame(
            event_periods,
            rel,
            ref,
            est,
            [o["ci_low"] for o in boot],
            [o["ci_high"] for o in boot],
            [o["se"] for o in boot],
        )
    else:
        others = np.delete(b, observed, axis=0)
        event = _event_frame(
            event_periods,
            rel,
            ref,
            est,
            nan,
            nan,
            others.std(axis=0, ddof=1),
            placebo_low=others.min(axis=0),
            placebo_high=others.max(axis=0),
        )
    leads = [i for i, r in enumerate(rel) if r < -1]
    if not leads:
        return event, _NO_LEADS
    G, g1, n = treated.size, int(treated.sum()), len(assign)
    if min_p > 0.05:
        return event, {
            "check": f"pre-trends: all {len(leads)} leads zero",
            "statistic": math.nan,
            "p_value": math.nan,
            "conclusion": (
                f"cannot be run reliably: the change went to {g1} of {G} {label} groups, which can "
                f"be chosen in only {n} ways, so even groups that drifted apart before the change "
                f"could not be told from chance at the 5% level"
            ),
            "passed": True,
        }
    stat = np.sum(b[:, leads] ** 2, axis=1)
    p = float(np.mean(stat >= stat[observed] * (1 - 1e-12)))
    listed = "all " if n == math.comb(G, g1) else "random "
    return event, _pretrend_check(
        f"pre-trends: all {len(leads)} leads zero (randomization test over {listed}{n:,} "
        f"assignments of the {g1} treated of {G} {label} groups)",
        float(stat[observed]),
        p,
    )


def _assignments(treated: np.ndarray, seed: int = 0) -> tuple[np.ndarray, int, float]:
    """Assignments of the treated groups (rows), the observed one's row and the smallest p.

    Every assignment when there are at most ``MAX_ASSIGNMENTS``, else the observed one and
    ``SAMPLED_ASSIGNMENTS`` random ones (a Monte Carlo randomization test, p >= 1 / (B + 1)).
    """
    G, g1 = treated.size, int(treated.sum())
    if math.comb(G, g1) <= MAX_ASSIGNMENTS:
        assign = np.zeros((math.comb(G, g1), G), dtype=bool)
        for row, members in enumerate(combinations(range(G), g1)):
            assign[row, list(members)] = True
        observed = int(np.flatnonzero((assign == treated).all(axis=1))[0])
        # with half the groups treated each assignment's complement gives the opposite leads
        return assign, observed, (2 if 2 * g1 == G else 1) / len(assign)
    ranks = np.argsort(np.random.default_rng(seed).random((SAMPLED_ASSIGNMENTS, G)), axis=1)
    return np.vstack([treated, ranks < g1]), 0, 1 / (SAMPLED_ASSIGNMENTS + 1)


def _assignment_coefficients(yc, X, w, c, tc, ref_code, k, assign) -> np.ndarray:  # noqa: ANN001
    """The k treated x period coefficients of the weighted cell regression for each assignment
    (Frisch-Waugh: the fixed effects and covariates, ``X[:, k:]``, are the same for all)."""
    s = np.sqrt(w)
    F = X[:, k:] * s[:, None]
    pinv = np.linalg.pinv(F)
    ry = yc * s - F @ (pinv @ (yc * s))
    n_periods = int(tc.max()) + 1
    out = np.empty((len(assign), k))
    for a, row in enumerate(assign):
        D = _event_design(row[c].astype(float), tc, n_periods, ref_code, c, np.empty((len(c), 0)))
        Ds = D[:, :k] * s[:, None]
        R = Ds - F @ (pinv @ Ds)
        out[a] = np.linalg.lstsq(R, ry, rcond=None)[0]
    return out
