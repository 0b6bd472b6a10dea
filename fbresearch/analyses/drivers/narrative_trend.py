"""The words of the driver trend: did a driver's link with the outcome change?

Every function takes a :class:`~fbresearch.analyses.drivers.results.DriverTrendResult` and
returns text (or a table of text); the shared formatters and unit words come from
:mod:`fbresearch.analyses.drivers.narrative`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from fbresearch import evidence
from fbresearch.analyses.drivers.narrative import _fmt, fdr_text, scale_text
from fbresearch.analyses.drivers.prepare import outcome_name
from fbresearch.format import confidence_label, format_p
from fbresearch.results import Estimate, Finding

if TYPE_CHECKING:
    from fbresearch.analyses.drivers.results import DriverTrendResult

__all__ = [
    "trend_caption",
    "trend_findings",
    "trend_sentences",
    "trend_summary",
    "trend_table",
    "trend_table_caption",
    "trend_title",
    "trend_xlabel",
]


def trend_table(result: DriverTrendResult) -> pd.DataFrame:
    """Each driver's coefficient before and now, and the change, as a reader sees them."""
    t = result.table
    per = "per rating point"
    return pd.DataFrame(
        {
            "Attribute": t["label"],
            f"{result.previous_periods} ({per})": [
                _fmt(r.previous, r.previous_ci_low, r.previous_ci_high) for r in t.itertuples()
            ],
            f"{result.current_period} ({per})": [
                _fmt(r.current, r.current_ci_low, r.current_ci_high) for r in t.itertuples()
            ],
            "Change": [_fmt(r.change, r.change_ci_low, r.change_ci_high) for r in t.itertuples()],
            "Adjusted p": [format_p(q) for q in t["q_value"]],
            "Verdict": [_verdict(result, r) for r in t.itertuples()],
        }
    )


def _verdict(result: DriverTrendResult, row: Any) -> str:
    """The row's verdict, with the reason where its change's interval is clear of zero or its
    raw p-value is below the level but it is not called a change."""
    direction = str(row.direction)
    if direction != "no clear change":
        return direction
    clear = bool(row.change_ci_low > 0 or row.change_ci_high < 0)
    raw = bool(row.p_value < 1 - result.confidence)
    if not (clear or raw):
        return direction
    if not result.joint_rejects:
        return f"{direction} (the joint test of all {len(result.table)} drivers does not reject)"
    why = evidence.correction_text(row.p_value, len(result.table), result.confidence, clear)
    return f"{direction} ({why})" if why else direction


def trend_sentences(result: DriverTrendResult) -> list[str]:
    """One sentence per driver whose link with the outcome clearly changed."""
    name = outcome_name(result.outcome)
    out = []
    for row in result.table.itertuples():
        if row.direction == "no clear change":
            continue
        out.append(
            f"{row.label} became {row.direction.split()[0]} important for {name}: one rating "
            f"point more goes with {_fmt(row.current, row.current_ci_low, row.current_ci_high)} "
            f"{scale_text(result)} in {result.current_period}, against "
            f"{_fmt(row.previous, row.previous_ci_low, row.previous_ci_high)} in "
            f"{result.previous_periods} (change "
            f"{_fmt(row.change, row.change_ci_low, row.change_ci_high)}, adjusted p "
            f"{format_p(row.q_value)})."
        )
    return out


def trend_summary(result: DriverTrendResult) -> str:
    """The windows compared, the joint test, then the clear changes (or that there is none)."""
    name = outcome_name(result.outcome)
    p = len(result.table)
    head = (
        f"Each rating's link with {name} in {result.current_period} "
        f"({result.n_current:,} complete responses) is compared with {result.previous_periods} "
        f"({result.n_previous:,}), other ratings held equal."
    )
    joint = (
        f"the joint test of all {p} drivers' changes (one test of whether any changed) gives "
        f"p {format_p(result.joint_p_value)}"
    )
    changed = trend_sentences(result)
    if not result.joint_rejects:
        changed = [f"No driver's link with {name} clearly changed: {joint}."]
    elif not changed:
        changed = [
            f"The drivers' links with {name} changed as a group ({joint}), but no single "
            f"driver's change is clear once {fdr_text(p, result.confidence)}."
        ]
    else:
        changed = [
            f"Some links changed: {joint}; each driver's change is then "
            f"{fdr_text(p, result.confidence)}."
        ]
        changed += trend_sentences(result)
    return " ".join([head] + changed)


def trend_tests(result: DriverTrendResult) -> list[float]:
    """The page's family of change tests: each driver's change in its coefficient (judged only
    after the joint test rejects; an unrejected joint test leaves no change to claim)."""
    if not result.joint_rejects:
        return [float(result.joint_p_value)]
    return [float(p) for p in result.table["p_value"]]


def trend_findings(result: DriverTrendResult) -> list[Finding]:
    """One finding per driver whose link clearly changed."""
    out = []
    rows = result.table[result.table["direction"] != "no clear change"]
    for (_, row), sentence in zip(rows.iterrows(), trend_sentences(result), strict=True):
        est = Estimate(
            float(row["change"]),
            float(row["change_ci_low"]),
            float(row["change_ci_high"]),
            n=result.n_current,
            se=float(row["change_se"]),
            p_value=float(row["p_value"]),
            confidence=result.confidence,
            name=f"{row['label']}: change in {scale_text(result)} per rating point",
        )
        out.append(
            Finding(
                sentence,
                est,
                importance=0.5,
                analysis="drivers",
                kind="change",
                p_value=float(row["p_value"]),
                q_value=float(row["q_value"]),
                survives_fdr=True,
            )
        )
    return out


def trend_title(result: DriverTrendResult) -> str:
    """Title of the before-and-now chart."""
    return f"What each rating point is worth for {outcome_name(result.outcome)}: now and before"


def trend_xlabel(result: DriverTrendResult) -> str:
    """The x-axis label of the before-and-now chart (the coefficient's unit)."""
    unit = scale_text(result)
    return f"{unit[:1].upper()}{unit[1:]} per rating point (with CI)"


def trend_table_caption(result: DriverTrendResult) -> str:
    """Caption of the before-and-now table."""
    return (
        f"Coefficients ({scale_text(result)} per rating point, other ratings held equal) in "
        f"{result.current_period} against {result.previous_periods}, with "
        f"{confidence_label(result.confidence)} confidence intervals; a verdict needs the joint "
        f"test and the driver's adjusted p ({fdr_text(len(result.table), result.confidence)})."
    )


def trend_caption(result: DriverTrendResult) -> str:  # noqa: ARG001
    """Caption of the before-and-now chart."""
    return "What one rating point is worth before and now; ▲▼ mark clear changes."
