"""What the impact analysis says: verdicts, the power sentence, progress, captions, findings.

Significance comes from the effect's ``Estimate`` (:mod:`fbresearch.evidence`); confidence labels,
numbers and intervals from :mod:`fbresearch.format`; metric labels from
:data:`fbresearch.schema.METRICS` (via :func:`~fbresearch.analyses.impact.common.metric_label`).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import pandas as pd

from fbresearch.analyses.impact.common import metric_label
from fbresearch.errors import AnalysisError
from fbresearch.format import (
    confidence_label,
    format_interval,
    format_number,
    format_p,
    format_signed,
)
from fbresearch.results import Finding
from fbresearch.schema import METRICS, metric_spec

if TYPE_CHECKING:
    from fbresearch.analyses.impact.results import ImpactResult

__all__ = [
    "improvement_tests",
    "axis_label",
    "default_verdict",
    "mde_sentence",
    "improvement_verdict",
    "progress_against_target",
    "chart_caption",
    "event_study_caption",
    "summary",
    "findings",
    "did_reason",
    "its_reason",
    "prepost_reason",
    "no_controls_note",
    "whom_phrase",
    "did_scale",
    "did_verdict",
    "failed_checks",
]


def axis_label(result: ImpactResult) -> str:
    """The y-axis label of the main chart: the metric (or its rate, for a Poisson series)."""
    if result.effect is not None and result.effect.unit == "ratio":
        return f"{metric_label(result.outcome)} (rate per unit of offset)"
    return f"Mean {metric_label(result.outcome)}" if result.outcome != "nps" else "NPS"


def default_verdict(result: ImpactResult) -> str:
    """The effect with its CI and design, when no verdict was set (with the MDE when null).

    Examples
    --------
    >>> from fbresearch.results import Estimate
    >>> from fbresearch.analyses.impact.results import ImpactResult
    >>> res = ImpactResult(table=pd.DataFrame(), effect=Estimate(0.3, 0.1, 0.5, n=9),
    ...                    design="pre/post", outcome="csat")
    >>> default_verdict(res)
    'The mean CSAT answer (1-5) changed by 0.30 (0.10 to 0.50) points on the 1-5 scale (pre/post).'
    """
    e = result.effect
    if e is None:
        return ""
    label, unit = _effect_scale(result.outcome, metric_label(result.outcome))
    digits = 1 if result.outcome == "nps" else 2
    if e.unit == "ratio":
        pct = 100 * (e.estimate - 1)
        text = (
            f"{label} changed by {format_signed(pct, 1)}% at the change (rate ratio {e.format(3)}, "
            f"{result.design})."
        )
    else:
        text = f"{label} changed by {e.format(digits)} {unit} ({result.design})."
    if not e.significant and not math.isnan(result.mde):
        text += " " + mde_sentence(result, digits)
    return text


def mde_sentence(result: ImpactResult, digits: int) -> str:
    """How large a change the data could have detected (beside every null result)."""
    e = result.effect
    if e is not None and e.unit == "ratio":
        pct = 100 * (result.mde - 1)
        return (
            f"The data could only have detected a change of about {pct:.0f}% or more "
            f"(80% power, 5% significance)."
        )
    _, unit = _effect_scale(result.outcome, "")
    return (
        f"The data could only have detected a change of {format_number(result.mde, digits)} "
        f"{unit} or more (80% power, 5% significance)."
    )


def _mid_sentence(label: str) -> str:
    """``"The mean CSAT answer"`` inside a sentence: ``"the mean CSAT answer"``."""
    return "the" + label[3:] if label.startswith("The ") else label


def _effect_scale(metric: str, label: str) -> tuple[str, str]:
    """The sentence's subject and unit for a (non-ratio) effect on ``metric``: a score's effect
    is on its mean answer ("The mean CSAT answer (1-5)", "points on the 1-5 scale"), NPS's in
    NPS points; ``label`` is kept when it is not the metric's own label (a caller's wording)."""
    what, unit = did_scale(metric)
    if label and label != metric_label(metric):
        return label, unit
    return (f"The {what}" if what != "NPS" else what), unit


def improvement_verdict(res: ImpactResult, name: str, label: str, whom: str) -> str:
    """The plain verdict on an improvement: rose / fell by how much, or no clear change.

    Examples
    --------
    >>> from fbresearch.results import Estimate
    >>> from fbresearch.analyses.impact.results import ImpactResult
    >>> res = ImpactResult(table=pd.DataFrame(), effect=Estimate(0.3, 0.1, 0.5, n=9),
    ...                    design="interrupted time series", outcome="csat")
    >>> improvement_verdict(res, "Faster delivery", "CSAT", "")
    'The mean CSAT answer (1-5) rose 0.30 points on the 1-5 scale (CI 0.10 to 0.50) after Faster delivery.'
    """
    e = res.effect
    label, unit = _effect_scale(res.outcome, label)
    digits = 1 if res.outcome == "nps" else 2
    if e.unit == "ratio":
        change_text = f"by {100 * abs(e.estimate - 1):.1f}% (rate ratio {e.format(3)})"
        up = e.estimate > 1
    else:
        change_text = (
            f"{format_number(abs(e.estimate), digits)} {unit} "
            f"(CI {format_interval(e.ci_low, e.ci_high, digits)})"
        )
        up = e.estimate > 0
    if e.significant:
        caveat = (
            " This is a before/after comparison only; it cannot rule out season or trend."
            if res.design == "pre/post"
            else ""
        )
        after = whom or f" after {name}"
        failed = failed_checks(res)
        if len(failed):
            check = failed.iloc[0]
            return (
                f"{label} {'rose' if up else 'fell'} {change_text}{after}, but a check of the "
                f"model failed ({check['check']}: {check['conclusion']}), so this cannot be "
                "confirmed as the effect of the change."
            )
        return f"{label} {'rose' if up else 'fell'} {change_text}{after}.{caveat}"
    return (
        f"No clear change in {_mid_sentence(label)}{whom or ' after ' + name}: the estimate is "
        f"{e.format(digits) if e.unit != 'ratio' else e.format(3)}"
        f"{' ' + unit if e.unit != 'ratio' else ''}, and the interval includes no change. "
        + mde_sentence(res, digits)
    )


def progress_against_target(
    res: ImpactResult,
    target: dict[str, Any],
    baseline: float,
    change: pd.Timestamp,
    last: pd.Timestamp,
    label: str,
) -> dict[str, Any]:
    """Progress against a target: the estimate and its CI as a share of the targeted change."""
    known = {"relative_change", "change", "within_months"}
    unknown = set(target) - known
    if unknown or not ({"relative_change", "change"} & set(target)):
        raise AnalysisError(
            f"Target {target!r} not understood. Fix: use {{'relative_change': 0.10, "
            f"'within_months': 12}} (+10%) or {{'change': 0.2, 'within_months': 12}} (points)."
        )
    e = res.effect
    months = int(target.get("within_months", 12))
    elapsed = (last.to_period("M") - change.to_period("M")).n + 1
    if e.unit == "ratio":
        rel = (e.estimate - 1, e.ci_low - 1, e.ci_high - 1)
    elif "relative_change" in target:
        rel = (
            tuple(v / baseline for v in (e.estimate, e.ci_low, e.ci_high))
            if baseline
            else (math.nan,) * 3
        )
    else:
        rel = (e.estimate, e.ci_low, e.ci_high)
    goal = float(target.get("relative_change", target.get("change")))
    relative = "relative_change" in target or e.unit == "ratio"
    share = tuple(v / goal for v in rel)
    if math.isnan(rel[1]) or math.isnan(rel[2]):
        status = "not measurable (the design gives no interval)"
    elif rel[1] >= goal:
        status = "met"
    elif rel[0] >= goal:
        status = "on track (estimate at target, but the interval also allows less)"
    elif rel[2] < goal:
        status = "not met" if elapsed >= months else "behind"
    else:
        status = "not yet shown"
    goal_text = (
        f"{format_signed(100 * goal, 0)}%" if relative else f"{format_signed(goal, 2)} points"
    )
    scale, unit, ci_unit, digits = (100, "%", "%", 1) if relative else (1, " points", "", 2)
    got_text = f"{format_signed(scale * rel[0], digits)}{unit}"
    if not (math.isnan(rel[1]) or math.isnan(rel[2])):  # a design without an interval says so
        got_text += (
            f" (CI {format_signed(scale * rel[1], digits)}{ci_unit} to "
            f"{format_signed(scale * rel[2], digits)}{ci_unit})"
        )
    base_text = f" of the pre-change level {baseline:.2f}" if relative and e.unit != "ratio" else ""
    sentence = (
        f"Target: {label} {goal_text} within {months} months. After {min(elapsed, 999)} month"
        f"{'s' if elapsed != 1 else ''}, the change is {got_text}{base_text}: {status}."
    )
    return {
        "target": goal,
        "relative": relative,
        "within_months": months,
        "months_elapsed": elapsed,
        "achieved": rel[0],
        "achieved_low": rel[1],
        "achieved_high": rel[2],
        "share_of_target": share[0],
        "baseline": baseline,
        "status": status,
        "sentence": sentence,
    }


def chart_caption(res: ImpactResult) -> str:
    """The caption of the result's main chart, naming the interval's confidence level.

    Examples
    --------
    >>> from fbresearch.results import Estimate
    >>> from fbresearch.analyses.impact.results import ImpactResult
    >>> res = ImpactResult(table=pd.DataFrame(), effect=Estimate(0.3, 0.1, 0.5, n=9, confidence=0.9),
    ...                    design="pre/post", outcome="csat", name="Faster delivery")
    >>> chart_caption(res)
    'Faster delivery: mean CSAT in equal windows before and after the change, with 90% intervals.'
    """
    level = confidence_label(res.confidence)
    if res.design == "difference-in-differences":
        e = res.effect
        band = (
            f"the band is the {level} interval of the effect around it."
            if e is not None and math.isfinite(e.ci_low) and math.isfinite(e.ci_high)
            else "no band is drawn: the design gives the effect no interval (see the table)."
        )
        return (
            f"{res.name}: monthly mean {metric_label(res.outcome)} in the groups that got the change "
            f"(solid) and the others (grey). The dashed line is what the first would have been "
            f"without the change (the others' path shifted by the gap before the change); {band}"
        )
    if res.design == "interrupted time series":
        return (
            f"{res.name}: monthly {metric_label(res.outcome)} (dots), the fitted trend (line) and the "
            f"projection had nothing changed (dashed, with its {level} band). The gap between line "
            f"and dashed line after the change is the estimated effect."
        )
    return (
        f"{res.name}: mean {metric_label(res.outcome)} in equal windows before and after the change, "
        f"with {level} intervals."
    )


def event_study_caption(res: ImpactResult) -> str:
    """The caption of the month-by-month (event-study) chart, naming the bars' confidence level.

    Examples
    --------
    >>> from fbresearch.results import Estimate
    >>> from fbresearch.analyses.impact.results import ImpactResult
    >>> res = ImpactResult(table=pd.DataFrame(), effect=Estimate(0.3, 0.1, 0.5, n=9), name="X")
    >>> event_study_caption(res)[:80]
    'X: difference between the groups by month, relative to the month before the chan'
    """
    ev = res.event_study
    months = ev[ev["relative_period"] != -1] if ev is not None else None
    if months is None or months[["ci_low", "ci_high"]].notna().all(axis=None):
        return (
            f"{res.name}: difference between the groups by month, relative to the month "
            f"before the change (bars: {confidence_label(res.confidence)} CI). Before the change "
            f"the points should hover around zero; after it they show the effect month by month."
        )
    n = len(res.placebo) if res.placebo is not None else 0
    chosen = res.table.loc[res.table["chosen"]] if "chosen" in res.table else res.table.iloc[:0]
    min_p = chosen["min_attainable_p"].iloc[0] if len(chosen) else math.nan
    why = (
        f"with only {n} ways to choose which got it, no month can be told from chance (the "
        f"same limit as the table's)"
        if min_p > 1 - res.confidence
        else "the evidence is the comparison with the other ways to choose which got it, "
        "made once for the whole period in the table"
    )
    grey = (
        f" The grey bars are the range of each month's difference over the other {n - 1} ways."
        if "placebo_low" in months and n
        else ""
    )
    return (
        f"{res.name}: difference between the groups by month, relative to the month before the "
        f"change (points only). No interval is drawn for single months: the change went to whole "
        f"groups, and {why}.{grey} Before the change the points should hover around zero; "
        f"after it they show the estimated effect month by month."
    )


def summary(result: ImpactResult) -> str:
    """The verdict (or the effect with its CI), the design's reason, progress and the caveats.

    Examples
    --------
    >>> from fbresearch.results import Estimate
    >>> from fbresearch.analyses.impact.results import ImpactResult
    >>> res = ImpactResult(table=pd.DataFrame(), effect=Estimate(0.3, 0.1, 0.5, n=9),
    ...                    design="pre/post", outcome="csat", notes=("Caution.",))
    >>> summary(res)
    'The mean CSAT answer (1-5) changed by 0.30 (0.10 to 0.50) points on the 1-5 scale (pre/post). Caution.'
    """
    parts = [result.verdict or default_verdict(result)]
    if result.reason:
        parts.append(result.reason)
    if result.progress:
        parts.append(result.progress["sentence"])
    parts.extend(result.notes)
    return " ".join(p for p in parts if p)


def findings(result: ImpactResult) -> list[Finding]:
    """One headline finding: the verdict with the effect and its CI (none without an effect).

    Examples
    --------
    >>> from fbresearch.results import Estimate
    >>> from fbresearch.analyses.impact.results import ImpactResult
    >>> res = ImpactResult(table=pd.DataFrame(), effect=Estimate(0.3, 0.1, 0.5, n=9),
    ...                    design="pre/post", outcome="csat")
    >>> findings(res)[0].importance
    0.8
    """
    if result.effect is None:
        return []
    claimed = bool(result.effect.significant and not len(failed_checks(result)))
    p = result.effect.p_value
    return [
        Finding(
            result.verdict or default_verdict(result),
            result.effect,
            importance=0.8 if claimed else 0.5,
            analysis="improvement",
            kind="change",
            p_value=None if p is None or math.isnan(float(p)) else float(p),
            survives_fdr=claimed,
        )
    ]


def improvement_tests(results: Any) -> list[float]:
    """The page's family: one test per improvement evaluated (its effect's p-value).

    Examples
    --------
    >>> from fbresearch.results import Estimate
    >>> from fbresearch.analyses.impact.results import ImpactResult
    >>> res = ImpactResult(table=pd.DataFrame(), effect=Estimate(0.3, 0.1, 0.5, n=9, p_value=0.01),
    ...                    design="pre/post", outcome="csat")
    >>> improvement_tests([res, res])
    [0.01, 0.01]
    """
    items = results if isinstance(results, list | tuple) else [results]
    out = []
    for r in items:
        effect = getattr(r, "effect", None)
        p = getattr(effect, "p_value", None)
        if p is not None and not math.isnan(float(p)):
            out.append(float(p))
    return out


# --------------------------------------------------------------------------------------------
# Why this design (set by evaluate_improvement)
# --------------------------------------------------------------------------------------------
def _plural(word: str) -> str:
    return word if word.endswith("s") else word + "s"


def _lower(name: str) -> str:
    return name[:1].lower() + name[1:] if name[1:2].islower() or len(name) < 2 else name


def did_reason(
    group_column: str, treated: list[str], controls: list[str], change: pd.Timestamp
) -> str:
    """Why difference-in-differences: the groups compared, before and after the change.

    Examples
    --------
    >>> did_reason("region", ["East"], ["West"], pd.Timestamp("2026-01-01"))[:60]
    'Design: difference-in-differences, comparing the regions tha'
    """
    return (
        f"Design: difference-in-differences, comparing the {_plural(group_column)} that got "
        f"the change ({', '.join(treated)}) with those that did not ({', '.join(controls)}), "
        f"before and after {change.date()}; season and company-wide trends shared by both "
        f"cancel out."
    )


def its_reason(label: str, n_pre: int, n_post: int, use_season: bool, seasonality: float) -> str:
    """Why an interrupted time series, and whether season could be separated from the change.

    Examples
    --------
    >>> its_reason("CSAT", 9, 9, False, 12)[-60:]
    ' short (under 18 months) to separate season from the change.'
    """
    text = (
        f"Design: interrupted time series of the monthly {label} ({n_pre} months before, "
        f"{n_post} after), projecting the pre-change trend"
        + (" and season" if use_season else "")
        + " forward as the no-change counterfactual."
    )
    if not use_season:
        text += (
            f" The series is too short (under {1.5 * seasonality:g} months) "
            f"to separate season from the change."
        )
    return text


def prepost_reason(n_pre: int, n_post: int, min_points: int) -> str:
    """Why pre/post: no comparison group and too few months for a time series.

    Examples
    --------
    >>> prepost_reason(3, 2, 8)[-40:]
    '(3 before, 2 after; 8 each side needed).'
    """
    return (
        f"Design: before/after comparison of equal windows. No comparison group, and too "
        f"few months for a time series ({n_pre} before, {n_post} after; {min_points} each "
        f"side needed)."
    )


def no_controls_note(group_column: str) -> str:
    """The note added when every group got the change.

    Examples
    --------
    >>> no_controls_note("region")
    ' Every region got the change, so there is no comparison group for a difference-in-differences.'
    """
    return (
        f" Every {group_column} got the change, so there is no comparison group for a "
        f"difference-in-differences."
    )


def whom_phrase(
    group_column: str, name: str, treated: list[str], controls: list[str] | None = None
) -> str:
    """Who the verdict is about: the groups that got the change (and the others compared).

    Examples
    --------
    >>> whom_phrase("region", "Faster delivery", ["East", "South"], ["North", "West"])
    ' in the regions that got faster delivery (East, South), compared with the others (North, West)'
    """
    text = f" in the {_plural(group_column)} that got {_lower(name)} ({', '.join(treated)})"
    if controls:
        text += f", compared with the others ({', '.join(controls)})"
    return text


# --------------------------------------------------------------------------------------------
# Difference-in-differences: units, the verdict after the checks and the few-groups limit
# --------------------------------------------------------------------------------------------
def did_scale(metric: str) -> tuple[str, str]:
    """What a difference-in-differences effect on ``metric`` measures, and its unit.

    The effect is on the mean of the per-response values: the mean answer for a score (so not
    the headline "% satisfied" of CSAT), NPS points for NPS. Labels and scales come from
    :data:`fbresearch.schema.METRICS`.

    Examples
    --------
    >>> did_scale("csat"), did_scale("nps")
    (('mean CSAT answer (1-5)', 'points on the 1-5 scale'), ('NPS', 'NPS points'))
    """
    if metric == "nps":
        return "NPS", "NPS points"
    try:
        spec = metric_spec(metric)
    except KeyError:
        return metric_label(metric), "points"
    mean_spec = METRICS.get(f"{metric}_mean", spec)
    if mean_spec.unit != "score":
        return spec.label, "points"
    lo, hi = mean_spec.scale
    what = "rating" if spec.label.endswith("rating") else f"{spec.label} answer"
    if what == "rating":
        return f"mean {spec.label[: -len(' rating')]} rating ({lo:g}-{hi:g})", (
            f"{mean_spec.change_unit} on the {lo:g}-{hi:g} scale"
        )
    return f"mean {what} ({lo:g}-{hi:g})", f"{mean_spec.change_unit} on the {lo:g}-{hi:g} scale"


def failed_checks(result: ImpactResult) -> pd.DataFrame:
    """The checks behind the estimate that did not pass (column ``passed`` set by the estimator)."""
    c = result.checks
    if c is None or not len(c) or "passed" not in c:
        return pd.DataFrame(columns=["check", "statistic", "p_value", "conclusion"])
    return c.loc[~c["passed"].fillna(True).astype(bool)]


def _placebo_sentence(res: ImpactResult, group_column: str, unit: str, digits: int) -> str:
    """The few-assignments limit of randomization inference, with the placebo range."""
    pl = res.placebo
    chosen = res.table.loc[res.table["chosen"]].iloc[0]
    observed = pl.loc[pl["observed"], "treated_groups"].iloc[0]
    groups = {g for names in pl["treated_groups"] for g in names.split(", ")}
    others = pl.loc[~pl["observed"], "estimate"]
    level = f"{100 * (1 - res.confidence):g}%"
    mirror = (
        " (the lower end is the mirror image: the two sets of groups swapped)"
        if 2 * len(observed.split(", ")) == len(groups)
        else ""
    )
    return (
        f"With {len(groups)} {_plural(group_column)}, {len(observed.split(', '))} of which got "
        f"the change, there are only {len(pl)} ways to choose which got it, so the smallest "
        f"attainable p-value is {format_p(chosen['min_attainable_p'])}: this design cannot "
        f"show a significant effect at the {level} level, whatever the data. Giving the change "
        f"to the other combinations of {_plural(group_column)} (placebo assignments) yields "
        f"{format_signed(others.min(), digits)} to {format_signed(others.max(), digits)} {unit}"
        f"{mirror}; randomization p = {format_p(res.effect.p_value)}."
    )


def did_verdict(res: ImpactResult, name: str, whom: str, group_column: str = "region") -> str:
    """The difference-in-differences verdict: the effect in its unit, limited by the design and
    by failed checks (a failed pre-trend test means the estimate is not read as the effect).

    Examples
    --------
    >>> from fbresearch.results import Estimate
    >>> from fbresearch.analyses.impact.results import ImpactResult
    >>> res = ImpactResult(table=pd.DataFrame({"chosen": [True]}), outcome="csat",
    ...                    effect=Estimate(0.3, 0.1, 0.5, n=9), design="difference-in-differences")
    >>> did_verdict(res, "Faster delivery", "")
    'The mean CSAT answer (1-5) rose 0.30 points on the 1-5 scale (CI 0.10 to 0.50) after Faster delivery.'
    """
    e = res.effect
    label, unit = did_scale(res.outcome)
    digits = 1 if res.outcome == "nps" else 2
    after = whom or f" after {name}"
    failed = failed_checks(res)
    interval = (
        f" (CI {format_interval(e.ci_low, e.ci_high, digits)})" if not math.isnan(e.ci_low) else ""
    )
    size = f"{format_number(abs(e.estimate), digits)} {unit}{interval}"
    caveat = "".join(
        f" Check failed: {row.conclusion} ({row.check}, p = {format_p(row.p_value)})."
        for row in failed.itertuples()
    )
    chosen = res.table.loc[res.table["chosen"]] if "min_attainable_p" in res.table else None
    few = (
        res.placebo is not None
        and chosen is not None
        and float(chosen["min_attainable_p"].iloc[0]) > 1 - res.confidence
    )
    if few:
        text = (
            f"The {label} moved {format_signed(e.estimate, digits)} {unit}{after} "
            f"(difference-in-differences estimate, not a significant result). "
            + _placebo_sentence(res, group_column, unit, digits)
        )
        return text + caveat
    if len(failed):
        return (
            f"The difference-in-differences estimate for the {label}{after} is "
            f"{format_signed(e.estimate, digits)} {unit}{interval}, but it cannot be read as the "
            f"effect of {name}:{caveat}"
        )
    if e.significant:
        return f"The {label} {'rose' if e.estimate > 0 else 'fell'} {size}{after}."
    return (
        f"No clear change in the {label}{after}: the estimate is "
        f"{format_signed(e.estimate, digits)} {unit}{interval}, and the interval includes no "
        f"change. The data could only have detected a change of "
        f"{format_number(res.mde, digits)} {unit} or more (80% power, 5% significance)."
    )
