"""Choosing the design: the strongest one the data allows, and why (see evaluate_improvement).

This module composes the estimators (did, its, prepost) with the wording of
:mod:`fbresearch.analyses.impact.narrative` (the verdict and the progress sentence), so it sits
on top of both; the estimators themselves never import narrative.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from fbresearch.analyses.impact import narrative
from fbresearch.analyses.impact.common import (
    MIN_ITS_POINTS,
    _check_change_inside,
    _dates,
    _metric_values,
    _require,
    _timestamp,
    metric_label,
)
from fbresearch.analyses.impact.did import diff_in_diff
from fbresearch.analyses.impact.its import interrupted_time_series
from fbresearch.analyses.impact.prepost import pre_post
from fbresearch.analyses.impact.results import ImpactResult, ImprovementFailure
from fbresearch.analyses.impact.series import monthly_series
from fbresearch.errors import AnalysisError

__all__ = ["evaluate_improvement", "evaluate_improvements"]


def evaluate_improvement(
    frame: pd.DataFrame,
    name: str,
    change_date: Any,
    metric: str,
    treated_regions: Iterable[str] | None = None,
    control_regions: Iterable[str] | None = None,
    group_column: str = "region",
    target: dict[str, Any] | None = None,
    *,
    date: str = "submitted_at",
    unit: str | None = "customer_id",
    seasonality: int = 12,
    min_points: int = MIN_ITS_POINTS,
    confidence: float = 0.95,
) -> ImpactResult:
    """Evaluate one improvement with the strongest design the data allows, and say why.

    1. **Difference-in-differences** when some groups got the change and others did not
       (``treated_regions``; the controls are ``control_regions`` or every other group):
       responses by group and month, cluster-aware inference (see :func:`diff_in_diff`), event
       study and pre-trend test on responses with SEs clustered by respondent (``unit``).
    2. Otherwise an **interrupted time series** of the (treated) monthly metric when there are at
       least ``min_points`` months on each side, with Fourier seasonality when the series covers
       at least one and a half periods.
    3. Otherwise **pre/post** with its caveat.

    Parameters
    ----------
    frame : DataFrame
        One row per response.
    name : str
        The improvement's name (e.g. ``"Faster delivery"``).
    change_date : date-like
        Launch date.
    metric : str
        Score column (``"csat"``: effect on the mean answer in points; ``"nps"``: in NPS points).
    treated_regions, control_regions : iterable of str, optional
        Values of ``group_column`` that did and did not get the change.
    group_column : str, default "region"
    target : dict, optional
        ``{"relative_change": 0.10, "within_months": 12}`` (+10% of the pre-change level) or
        ``{"change": 0.2, "within_months": 12}`` (in the metric's points). Progress compares the
        estimate and its CI with the target.
    date : str, default "submitted_at"
    unit : str or None, default "customer_id"
        The respondent column: one customer's answers are correlated, so the event study's SEs
        are clustered by it. The default is used only when the column exists; None: responses
        are treated as independent.
    seasonality : int, default 12
    min_points : int, default 8
    confidence : float, default 0.95

    Returns
    -------
    ImpactResult
        With ``name``, ``reason``, ``verdict`` and ``progress`` filled in.

    Examples
    --------
    >>> rng = np.random.default_rng(3)
    >>> n = 6000
    >>> df = pd.DataFrame({
    ...     "submitted_at": pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 540, n), "D"),
    ...     "region": rng.choice(["East", "North", "South", "West"], n)})
    >>> lift = (df.region.isin(["East", "South"]) & (df.submitted_at >= "2026-01-01")) * 0.3
    >>> df["csat"] = np.clip(np.round(3.5 + lift + rng.normal(0, 1, n)), 1, 5).astype(int)
    >>> res = evaluate_improvement(df, "Faster delivery", "2026-01-01", "csat", ["East", "South"])
    >>> res.design
    'difference-in-differences'
    """
    _require(frame, metric, date)
    if unit == "customer_id" and unit not in frame.columns:
        unit = None  # the default respondent column is optional; a named one must exist
    _require(frame, unit)
    change = _timestamp(change_date)
    dates = _dates(frame, date)
    answered = pd.to_numeric(frame[metric], errors="coerce").notna() & dates.notna()
    if not answered.any():
        raise AnalysisError(f"Column {metric!r} has no answers. Fix: choose a metric with data.")
    _check_change_inside(dates[answered], change, date)
    label = metric_label(metric)
    data = frame.loc[answered]
    treated, controls, reason_extra = _groups(
        data, treated_regions, control_regions, group_column, label
    )
    if treated and controls:
        res, design_reason, baseline = _evaluate_did(
            data, metric, date, change, treated, controls, group_column, unit, confidence
        )
        whom = narrative.whom_phrase(group_column, name, treated, controls)
    else:
        rows = data.loc[data[group_column].astype(str).isin(treated)] if treated else data
        res, design_reason = _evaluate_series(
            rows, metric, date, change, seasonality, min_points, confidence
        )
        baseline = _baseline(rows, metric, date, change)
        whom = narrative.whom_phrase(group_column, name, treated) if treated else ""
        if not treated:
            design_reason += " No treated and control groups were given."
        design_reason += reason_extra
    res = replace(
        res, outcome=metric, effect=replace(res.effect, name=f"Effect of {name} on {label}")
    )
    verdict = (
        narrative.did_verdict(res, name, whom, group_column)
        if res.design == "difference-in-differences"
        else narrative.improvement_verdict(res, name, label, whom)
    )
    progress = (
        narrative.progress_against_target(res, target, baseline, change, dates.max(), label)
        if target
        else None
    )
    return replace(
        res, name=name, reason=design_reason, verdict=verdict, progress=progress, change_date=change
    )


def _groups(
    data: pd.DataFrame,
    treated_regions: Iterable[str] | None,
    control_regions: Iterable[str] | None,
    group_column: str,
    label: str,
) -> tuple[list[str], list[str], str]:
    """Treated and control groups (checked against the data) and a note when there are no controls."""
    treated = [str(g) for g in treated_regions] if treated_regions else []
    if not treated:
        return [], [], ""
    _require(data, group_column)
    present = set(data[group_column].astype(str))
    missing = [g for g in treated if g not in present]
    if missing:
        raise AnalysisError(
            f"Treated group(s) {missing} have no {label} answers in column {group_column!r} "
            f"(groups present: {sorted(present)}). Fix: check the names in params `improvement:`."
        )
    if not control_regions:
        controls = sorted(present - set(treated))
        return treated, controls, "" if controls else narrative.no_controls_note(group_column)
    controls = [str(g) for g in control_regions]
    missing = [g for g in controls if g not in present]
    if missing:
        raise AnalysisError(
            f"Control group(s) {missing} have no {label} answers in column {group_column!r} "
            f"(groups present: {sorted(present)}). Fix: check the names in params `improvement:`."
        )
    overlap = set(controls) & set(treated)
    if overlap:
        raise AnalysisError(f"Groups {sorted(overlap)} are listed as both treated and control.")
    return treated, controls, ""


def _evaluate_did(
    data: pd.DataFrame,
    metric: str,
    date: str,
    change: pd.Timestamp,
    treated: list[str],
    controls: list[str],
    group_column: str,
    unit: str | None,
    confidence: float,
) -> tuple[ImpactResult, str, float]:
    """Difference-in-differences on responses by group and month; the reason and the baseline."""
    groups = data[group_column].astype(str)
    sub = data.loc[groups.isin(treated + controls)]
    sub_dates = _dates(sub, date)
    work = pd.DataFrame(
        {
            "y": _metric_values(sub, metric),
            "treated": sub[group_column].astype(str).isin(treated).astype(int).to_numpy(),
            "post": (sub_dates >= change).astype(int).to_numpy(),
            group_column: sub[group_column].astype(str).to_numpy(),
            "month": sub_dates.dt.to_period("M").dt.to_timestamp().to_numpy(),
        }
    )
    if unit is not None and unit not in work.columns:
        work[unit] = sub[unit].to_numpy()
    if not work.loc[work.post == 1, "y"].notna().any():
        raise AnalysisError(
            f"No {metric_label(metric)} answers after {change.date()}. "
            f"Fix: wait for data from after the launch."
        )
    # a month the change splits gives a before and an after cell (see diff_in_diff)
    res = diff_in_diff(
        work,
        "y",
        "treated",
        "post",
        cluster=group_column,
        time="month",
        unit=unit,
        confidence=confidence,
    )
    reason = narrative.did_reason(group_column, treated, controls, change)
    baseline = _baseline(sub.loc[sub[group_column].astype(str).isin(treated)], metric, date, change)
    return res, reason, baseline


def _evaluate_series(
    rows: pd.DataFrame,
    metric: str,
    date: str,
    change: pd.Timestamp,
    seasonality: int,
    min_points: int,
    confidence: float,
) -> tuple[ImpactResult, str]:
    """An interrupted time series of the monthly metric when long enough, else pre/post."""
    series = monthly_series(rows, metric, date, change_date=change)
    n_pre, n_post = int((series.post == 0).sum()), int((series.post == 1).sum())
    if n_post == 0:
        raise AnalysisError(
            f"No {metric_label(metric)} answers after {change.date()}. "
            f"Fix: wait for data from after the launch."
        )
    if n_pre >= min_points and n_post >= min_points:
        use_season = len(series) >= 1.5 * seasonality
        res = interrupted_time_series(
            series,
            "value",
            "period",
            "post",
            seasonality=seasonality if use_season else None,
            confidence=confidence,
            min_points=min_points,
        )
        reason = narrative.its_reason(metric_label(metric), n_pre, n_post, use_season, seasonality)
        return res, reason
    res = pre_post(rows, metric, date, change, confidence=confidence)
    return res, narrative.prepost_reason(n_pre, n_post, min_points)


def _baseline(rows: pd.DataFrame, metric: str, date: str, change: pd.Timestamp) -> float:
    """The pre-change level of the metric in the rows that got the change."""
    values = _metric_values(rows, metric)
    before = (_dates(rows, date) < change).to_numpy() & ~np.isnan(values)
    return float(values[before].mean()) if before.any() else math.nan


def evaluate_improvements(
    frame: pd.DataFrame, improvements: Sequence[dict[str, Any]], **options: Any
) -> list[ImpactResult | ImprovementFailure]:
    """Evaluate each improvement listed in params; a bad one becomes a message, never a crash.

    Each dict takes :func:`evaluate_improvement`'s arguments (``name``, ``change_date``,
    ``metric`` or ``metrics`` (a list: one evaluation per metric), ``treated_regions``,
    ``control_regions``, ``group_column``, ``target``).

    Examples
    --------
    >>> out = evaluate_improvements(pd.DataFrame({"submitted_at": [], "csat": []}),
    ...                             [{"name": "X", "change_date": "2026-01-01", "metric": "nps"}])
    >>> type(out[0]).__name__
    'ImprovementFailure'
    """
    results: list[ImpactResult | ImprovementFailure] = []
    for item in improvements:
        spec = dict(item)
        name = str(spec.pop("name", "Improvement"))
        metric_list = spec.pop("metrics", None) or [spec.pop("metric", "csat")]
        spec.pop("metric", None)
        for metric in [metric_list] if isinstance(metric_list, str) else metric_list:
            try:
                results.append(evaluate_improvement(frame, name, metric=metric, **spec, **options))
            except (AnalysisError, TypeError, KeyError) as err:
                results.append(ImprovementFailure(name, str(err)))
    return results
