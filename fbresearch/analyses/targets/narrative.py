"""What the target check says: one sentence per target, its table and captions.

Examples
--------
>>> month_label("2027-06")
'June 2027'
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import pandas as pd

from fbresearch.format import confidence_label, format_interval, format_number
from fbresearch.schema import metric_spec

if TYPE_CHECKING:
    from fbresearch.analyses.targets.results import TargetResult

__all__ = [
    "projected",
    "month_label",
    "level_text",
    "target_sentence",
    "targets_summary",
    "targets_display_table",
    "targets_caption",
]

#: why each verdict, in a few words
_WHY = {
    "on track": "the whole projected interval reaches the target",
    "behind": "the whole projected interval falls short of the target",
    "too early to say": "the projected interval includes the target",
    "met": "the whole interval of that month reaches the target",
    "missed": "the whole interval of that month falls short of the target",
    "too close to call": "the interval of that month includes the target",
}


def projected(row: Any) -> bool:
    """Whether a target's row has a projection worth drawing: an estimate whose interval does
    not cover the KPI's whole scale (the months vary too much to say anything).

    Examples
    --------
    >>> projected({"metric": "csat", "estimate": 0.4, "ci_low": 0.0, "ci_high": 1.0})
    False
    >>> projected({"metric": "nps", "estimate": 25.0, "ci_low": 10.0, "ci_high": 40.0})
    True
    """
    estimate = row.get("estimate", math.nan)
    if estimate is None or (isinstance(estimate, float) and math.isnan(estimate)):
        return False
    spec = metric_spec(row["metric"])
    unit = 0.01 if spec.unit == "percent" else 1.0
    low, high = (v * unit for v in spec.scale)
    return not (row["ci_low"] <= low and row["ci_high"] >= high)


def month_label(month: str) -> str:
    return pd.Period(month, freq="M").strftime("%B %Y")


def level_text(metric: str, value: float) -> str:
    """A level of ``metric`` as a reader reads it (CSAT as a percentage).

    Examples
    --------
    >>> level_text("csat", 0.861), level_text("nps", 31.25)
    ('86.1%', '31.2')
    """
    spec = metric_spec(metric)
    percent = spec.unit == "percent"
    text = format_number(value, spec.digits, percent=percent)
    return f"{text}%" if percent and text != "–" else text


def _in_sentence(label: str) -> str:
    """A KPI label inside a sentence: acronyms kept ("NPS", "CSAT"), words in lower case
    ("response rate", "mean CSAT").

    Examples
    --------
    >>> _in_sentence("CSAT"), _in_sentence("Response rate"), _in_sentence("Mean CSAT")
    ('CSAT', 'response rate', 'mean CSAT')
    """
    return label if label[:2].isupper() else label[:1].lower() + label[1:]


def _needs(row: Any) -> str:
    """What the run lacks to judge a target (``needs``), or ``""``."""
    needs = row.get("needs") if hasattr(row, "get") else None
    return needs if isinstance(needs, str) else ""


def _goal(row: Any) -> str:
    label = metric_spec(row["metric"]).label
    head = f"{label} target: {level_text(row['metric'], row['target'])} by {month_label(row['by'])}"
    if not math.isnan(row["baseline"]):
        head += (
            f" (from {level_text(row['metric'], row['baseline'])} in {month_label(row['start'])})"
        )
    return head


def target_sentence(row: Any, confidence: float) -> str:
    """One target: its level, the projection (or the due month) with its CI, and the verdict;
    a target whose figures the run lacks (``needs``) says what would enable it.

    Examples
    --------
    >>> row = {"metric": "response_rate", "target": 0.15, "by": "2027-10", "baseline": math.nan,
    ...        "status": "no data", "needs": "an invitations file"}
    >>> target_sentence(row, 0.95)
    'Response rate target: 15.0% by October 2027. Not judged: it needs an invitations file.'
    """
    metric, status = row["metric"], row["status"]
    label, spec = metric_spec(metric).label, metric_spec(metric)
    inner = _in_sentence(label)
    needs = _needs(row)
    if needs:
        unset = isinstance(row["target"], float) and math.isnan(row["target"])
        return f"{f'{label} target' if unset else _goal(row)}. Not judged: it needs {needs}."
    if status == "no data" or (isinstance(row["target"], float) and math.isnan(row["target"])):
        return f"{label} target: no {inner} figure to judge it by."
    goal = _goal(row)
    level = confidence_label(confidence)
    percent = spec.unit == "percent"
    if math.isnan(row.get("estimate", math.nan)):
        months = int(row["months"]) if not math.isnan(row.get("months", math.nan)) else 0
        return f"{goal}: too early to say (only {months} months of {inner} to project)."
    interval = format_interval(row["ci_low"], row["ci_high"], spec.digits, percent=percent)
    interval = f"{interval}%" if percent else interval
    if status in ("met", "missed", "too close to call"):
        return (
            f"{goal}: {inner} was {level_text(metric, row['estimate'])} ({level} CI {interval}) "
            f"in {month_label(row['by'])}: {status}, as {_WHY[status]}."
        )
    if not projected(row):
        return (
            f"{goal}: too early to say. The {int(row['months'])} months so far vary too much to "
            f"project {inner} to {month_label(row['by'])} (the {level} prediction interval "
            "covers the whole scale)."
        )
    return (
        f"{goal}. Projected from the last {int(row['months'])} months, {inner} would be "
        f"{level_text(metric, row['estimate'])} in {month_label(row['by'])} ({level} prediction "
        f"interval {interval}): {status}, as {_WHY[status]}."
    )


def targets_summary(result: TargetResult) -> str:
    if result.table.empty:
        return ""
    return " ".join(target_sentence(r, result.confidence) for _, r in result.table.iterrows())


def targets_display_table(result: TargetResult) -> pd.DataFrame:
    level = confidence_label(result.confidence)
    rows = []
    for _, r in result.table.iterrows():
        spec = metric_spec(r["metric"])
        percent = spec.unit == "percent"
        interval = format_interval(r["ci_low"], r["ci_high"], spec.digits, percent=percent)
        rows.append(
            {
                "KPI": spec.label,
                "Target": level_text(r["metric"], r["target"]),
                "By": month_label(r["by"]),
                f"Projected ({level} CI)": f"{level_text(r['metric'], r['estimate'])} "
                f"({interval}{'%' if percent and interval != '–' else ''})",
                "Status": f"needs {_needs(r).split(' (')[0]}" if _needs(r) else r["status"],
            }
        )
    return pd.DataFrame(rows)


def targets_caption(result: TargetResult, metric: str | None = None) -> str:
    """The caption a trend chart adds for its targets (empty when ``metric`` has none)."""
    rows = result.table if metric is None else result.for_metric(metric)
    if rows.empty:
        return ""
    level = confidence_label(result.confidence)
    head = " The dashed line is the target up to its month (star)"
    if not any(projected(r) for _, r in rows.iterrows()):
        return f"{head}; the months so far vary too much to project to it."
    return (
        f"{head}; the dotted line and whisker project the months so far to that month, with a "
        f"{level} prediction interval."
    )
