"""Pre/post: equal windows before and after a change (the weakest design; numbers only)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from fbresearch.analyses.impact.common import (
    _TOP_BOX,
    _check_change_inside,
    _dates,
    _numeric,
    _require,
    _tcrit,
    _timestamp,
    metric_label,
)
from fbresearch.analyses.impact.power import minimum_detectable_effect
from fbresearch.analyses.impact.results import ImpactResult
from fbresearch.analyses.kpis import scores as kpi
from fbresearch.errors import AnalysisError
from fbresearch.results import Estimate

__all__ = ["pre_post"]


def pre_post(
    frame: pd.DataFrame,
    metric: str,
    date: str,
    change_date: Any,
    *,
    window: int | str | None = None,
    top_box: Sequence[int] | None = None,
    confidence: float = 0.95,
) -> ImpactResult:
    """Compare equal windows before and after a change.

    The mean answer is compared with Welch's t test (no equal-variance assumption), the top-box
    share (CSAT 4-5 by default) with the two-proportion z test and Newcombe's interval, and, for
    ``metric="nps"``, the NPS of each window (:func:`fbresearch.analyses.kpis.nps`) with the variance
    of the difference taken as the sum of the two windows' variances (independent samples). The
    effect size is Hedges' g (Cohen's d with the small-sample correction).

    Pre/post alone cannot tell the change from season or an ongoing trend; the result says so.

    Parameters
    ----------
    frame : DataFrame
        One row per response.
    metric : str
        The score column.
    date : str
        The date column.
    change_date : date-like
        The launch date: the "after" window starts on it.
    window : int or str, optional
        Length of each window in days (or a pandas offset such as ``"90D"``). Default: the
        longest equal windows the data allows.
    top_box : sequence of int, optional
        Answers counted as top box (default ``(4, 5)`` for CSAT, ``(6, 7)`` for CES, none for
        other metrics).
    confidence : float, default 0.95

    Returns
    -------
    ImpactResult
        ``effect``: the NPS difference for ``"nps"``, else the difference of means (after minus
        before), in points.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> days = pd.date_range("2026-01-01", periods=120, freq="D").repeat(10)
    >>> df = pd.DataFrame({"day": days, "csat": rng.integers(1, 6, days.size)})
    >>> res = pre_post(df, "csat", "day", "2026-03-01")
    >>> res.design, res.effect.unit
    ('pre/post', 'points')
    """
    # Long (~100 lines) on purpose: one straight pass from the windows to the result; the
    # tests (Welch, top box, NPS) and the windows are helpers below.
    _require(frame, metric, date)
    change = _timestamp(change_date)
    dates = _dates(frame, date)
    values = _numeric(frame, metric)
    ok = ~np.isnan(values) & dates.notna().to_numpy()
    if not ok.any():
        raise AnalysisError(f"Column {metric!r} has no answers. Fix: choose a metric with data.")
    dates, values = dates[ok], values[ok]
    _check_change_inside(dates, change, date)
    pre, post, span = _windows(dates, values, change, window, metric)
    rows = []
    # Welch's t test: the windows need not have equal variances.
    welch = stats.ttest_ind(post, pre, equal_var=False)
    ci = welch.confidence_interval(confidence)
    diff = float(post.mean() - pre.mean())
    n1, n2 = pre.size, post.size
    pooled = math.sqrt(((n1 - 1) * pre.var(ddof=1) + (n2 - 1) * post.var(ddof=1)) / (n1 + n2 - 2))
    d = diff / pooled if pooled > 0 else math.nan
    g = d * (1 - 3 / (4 * (n1 + n2) - 9))
    se_mean = math.sqrt(pre.var(ddof=1) / n1 + post.var(ddof=1) / n2)  # Welch's SE
    mean_est = Estimate(
        diff,
        float(ci.low),
        float(ci.high),
        n=n1 + n2,
        se=se_mean,
        p_value=float(welch.pvalue),
        confidence=confidence,
        name=f"Change in mean {metric_label(metric)}",
        unit="points",
    )
    rows.append(_row("mean", mean_est, pre.mean(), post.mean(), "Welch t test", n1, n2, hedges_g=g))
    df_welch = float(welch.df)
    box = tuple(top_box) if top_box is not None else _TOP_BOX.get(metric)
    if box:
        rows.append(_top_box_row(pre, post, box, confidence))
    headline, df_head = mean_est, df_welch
    if metric == "nps":
        nps_est, a, b = _nps_change(pre, post, confidence)
        rows.append(
            _row("NPS", nps_est, a.estimate, b.estimate, "z test (independent windows)", n1, n2)
        )
        headline, df_head = nps_est, None
    table = pd.DataFrame(rows)
    pre_ci = kpi.mean(pre, confidence)
    post_ci = kpi.mean(post, confidence)
    series = pd.DataFrame(
        {
            "window": [
                f"before ({(change - span).date()} to {(change - pd.Timedelta(days=1)).date()})",
                f"after ({change.date()} to {(change + span - pd.Timedelta(days=1)).date()})",
            ],
            "value": [pre_ci.estimate, post_ci.estimate],
            "ci_low": [pre_ci.ci_low, post_ci.ci_low],
            "ci_high": [pre_ci.ci_high, post_ci.ci_high],
            "n": [n1, n2],
        }
    )
    if metric == "nps":
        series[["value", "ci_low", "ci_high"]] = [
            [a.estimate, a.ci_low, a.ci_high],
            [b.estimate, b.ci_low, b.ci_high],
        ]
    note = (
        "Caution: a before/after comparison alone cannot separate the change from season, an "
        "ongoing trend or anything else that happened at the same time."
    )
    checks = pd.DataFrame(
        [
            {
                "check": "effect size (Hedges' g)",
                "statistic": g,
                "p_value": math.nan,
                "conclusion": _size_word(g),
            }
        ]
    )
    return ImpactResult(
        table=table,
        effect=headline,
        design="pre/post",
        outcome=metric,
        checks=checks,
        notes=(note,),
        mde=minimum_detectable_effect(headline.se, df=df_head),
        series=series,
        change_date=change,
    )


def _windows(dates, values, change, window, metric):  # noqa: ANN001, ANN202
    """The answers of the equal windows before and after the change, and the window length."""
    if window is None:
        span = min(change - dates.min(), dates.max() - change + pd.Timedelta(days=1))
    else:
        span = (
            pd.Timedelta(days=window) if isinstance(window, int | float) else pd.Timedelta(window)
        )
    pre_mask = ((dates >= change - span) & (dates < change)).to_numpy()
    post_mask = ((dates >= change) & (dates < change + span)).to_numpy()
    pre, post = values[pre_mask], values[post_mask]
    if pre.size < 2 or post.size < 2:
        raise AnalysisError(
            f"Too few answers for pre/post on {metric!r}: {pre.size} before and {post.size} after "
            f"the change within {span.days}-day windows. Fix: widen `window` or wait for more data."
        )
    return values[pre_mask], values[post_mask], span


def _top_box_row(pre, post, box, confidence) -> dict[str, Any]:  # noqa: ANN001
    """The change in the top-box share: two-proportion z test, Newcombe interval."""
    n1, n2 = pre.size, post.size
    from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

    c1, c2 = int(np.isin(pre, box).sum()), int(np.isin(post, box).sum())
    _, p = proportions_ztest([c2, c1], [n2, n1])
    lo, hi = confint_proportions_2indep(c2, n2, c1, n1, method="newcomb", alpha=1 - confidence)
    p1, p2 = c1 / n1, c2 / n2
    share = Estimate(
        p2 - p1,
        float(lo),
        float(hi),
        n=n1 + n2,
        se=math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2),
        p_value=float(p),
        confidence=confidence,
        name="Change in top-box share",
        unit="share",
    )
    return _row("top-box share", share, p1, p2, "two-proportion z test", n1, n2)


def _nps_change(pre, post, confidence):  # noqa: ANN001, ANN202
    """The change in NPS between independent windows (variances add), and both windows' NPS."""
    n1, n2 = pre.size, post.size
    a, b = kpi.nps(pre, confidence), kpi.nps(post, confidence)
    nps_diff = b.estimate - a.estimate
    se = math.sqrt(a.se**2 + b.se**2)
    z = _tcrit(confidence, None)
    nps_est = Estimate(
        nps_diff,
        nps_diff - z * se,
        nps_diff + z * se,
        n=n1 + n2,
        se=se,
        p_value=float(2 * stats.norm.sf(abs(nps_diff) / se)) if se > 0 else math.nan,
        confidence=confidence,
        name="Change in NPS",
        unit="points",
    )
    return nps_est, a, b


def _size_word(g: float) -> str:
    if math.isnan(g):
        return "undefined (no variation)"
    size = abs(g)
    word = (
        "negligible"
        if size < 0.2
        else "small"
        if size < 0.5
        else "medium"
        if size < 0.8
        else "large"
    )
    return f"{word} (|g| {'<' if size < 0.8 else '>='} {0.2 if size < 0.2 else 0.5 if size < 0.5 else 0.8})"


def _row(
    statistic: str,
    est: Estimate,
    before: float,
    after: float,
    test: str,
    n1: int,
    n2: int,
    hedges_g: float = math.nan,
) -> dict[str, Any]:
    return {
        "statistic": statistic,
        "before": float(before),
        "after": float(after),
        "estimate": est.estimate,
        "ci_low": est.ci_low,
        "ci_high": est.ci_high,
        "se": est.se,
        "p_value": est.p_value,
        "test": test,
        "n_before": n1,
        "n_after": n2,
        "hedges_g": hedges_g,
    }
