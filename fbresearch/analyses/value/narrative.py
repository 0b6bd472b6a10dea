"""Sentences, tables and findings of the value page; "clear" is decided by fbresearch.evidence.

Examples
--------
>>> money(1234.5)
'1,234'
>>> pct(0.781)
'78%'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from fbresearch.analyses.value.groups import GROUPS
from fbresearch.evidence import is_significant
from fbresearch.format import confidence_label
from fbresearch.results import Estimate, Finding, format_number
from fbresearch.schema import METRICS

if TYPE_CHECKING:
    from fbresearch.analyses.value.results import ValueResult

__all__ = [
    "money",
    "value_summary",
    "value_findings",
    "value_display_table",
    "stakes_table",
    "value_caption",
    "ASSUMPTIONS",
]

_SPEND_DIGITS = METRICS["spend"].digits
_RET_DIGITS = METRICS["retention"].digits

#: the assumptions behind each figure, written beside it on the page
ASSUMPTIONS = {
    "gap": "Compares customers alike in tenure and in what they bought the year before "
    "(and plan); differences they do not share with the data remain.",
    "risk": "Assumes this month's detractors will behave like last year's detractors, and that "
    "the gap is caused by the experience behind the answer, not only by customers who were "
    "leaving anyway; it counts the next 12 months only, net of returns.",
    "move": "Assumes a detractor who becomes a passive then buys like a passive of the same "
    "tenure and spend; the cost of the fix is not included.",
}


def money(value: float) -> str:
    """A currency amount in whole units (the orders file's own currency)."""
    return format_number(value, _SPEND_DIGITS)


def _ci(e: Estimate, share: bool = False) -> str:
    if share:
        return f"{pct(e.ci_low)} to {pct(e.ci_high)}"
    return f"{money(e.ci_low)} to {money(e.ci_high)}"


def pct(value: float) -> str:
    """A share as a whole percentage, e.g. ``'78%'``."""
    return format_number(value, _RET_DIGITS, percent=True)


def value_summary(result: ValueResult) -> str:
    level = confidence_label(result.confidence)
    gap, rgap = result.spend_gap, result.retention_gap
    d, p = result.spend["detractor"], result.spend["promoter"]
    first = (
        f"Over the 12 months after answering, detractors spent {money(d.estimate)} and promoters "
        f"{money(p.estimate)} on average, like for like ({result.n_customers:,} customers; "
        f"{level} intervals in the table). "
    )
    if is_significant(gap):
        first += (
            f"The gap of {money(gap.estimate)} ({level} CI {_ci(gap)}) is clear: satisfaction "
            "goes with money. "
        )
    else:
        first += f"The gap ({money(gap.estimate)}, {level} CI {_ci(gap)}) could be chance. "
    ret = (
        f"{pct(result.retention['detractor'].estimate)} of "
        f"detractors and "
        f"{pct(result.retention['promoter'].estimate)} of "
        "promoters bought again within 12 months"
    )
    ret += (
        f" (difference {_ci(rgap, share=True)} at {level})."
        if is_significant(rgap)
        else f"; the difference ({_ci(rgap, share=True)}) could be chance."
    )
    return first + ret


def value_findings(result: ValueResult) -> list[Finding]:
    out = []
    level = confidence_label(result.confidence)
    risk, gap = result.revenue_at_risk, result.spend_gap
    if is_significant(gap) and risk is not None and is_significant(risk):
        out.append(
            Finding(
                f"This month's {result.n_current:,} detractors put about {money(risk.estimate)} "
                f"of next year's spend at risk ({level} CI {_ci(risk)}), against answering as "
                "promoters.",
                estimate=risk,
                importance=0.75,
                analysis="value",
            )
        )
    elif gap is not None:
        out.append(
            Finding(
                "Detractors' and promoters' spend over the following 12 months do not clearly "
                f"differ (gap {money(gap.estimate)}, {level} CI {_ci(gap)}).",
                estimate=gap,
                importance=0.3,
                analysis="value",
            )
        )
    return out


def value_display_table(result: ValueResult) -> pd.DataFrame:
    level = confidence_label(result.confidence)
    rows = []
    for g in GROUPS:
        r, s = result.retention[g], result.spend[g]
        rows.append(
            {
                "Answer group": g.capitalize() + "s",
                "Customers": result.cohort_mix.get(g, 0),
                "12-month retention": pct(r.estimate),
                f"Retention {level} CI": _ci(r, share=True),
                "12-month spend": money(s.estimate),
                f"Spend {level} CI": _ci(s),
            }
        )
    return pd.DataFrame(rows)


def stakes_table(result: ValueResult) -> pd.DataFrame:
    level = confidence_label(result.confidence)
    rows = [
        ("Spend gap, promoters vs detractors (per customer, 12 months)", result.spend_gap, "gap"),
        (
            f"Revenue at risk from this month's {result.n_current:,} detractors (12 months)",
            result.revenue_at_risk,
            "risk",
        ),
        ("Value of moving one detractor to passive (12 months)", result.move_value, "move"),
    ]
    return pd.DataFrame(
        [
            {
                "Figure": name,
                "Estimate": money(e.estimate),
                f"{level} CI": _ci(e),
                "Assumptions": ASSUMPTIONS[key],
            }
            for name, e, key in rows
        ]
    )


def value_caption(result: ValueResult) -> str:
    """Caption of the value table and chart; the controls named in words (``plan``, not
    ``plan (plan)``).

    Examples
    --------
    >>> from fbresearch.analyses.value.results import ValueResult
    >>> text = value_caption(ValueResult(table=pd.DataFrame(), controls=("plan", "age_band")))
    >>> text[text.index("adjusted"):text.index(";")]
    "adjusted for tenure, the year's prior orders and spend, plan and age band"
    """
    level = confidence_label(result.confidence)
    names = [c.replace("_", " ") for c in result.controls]
    controls = ""
    if names:
        controls = ", " + (names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}")
    return (
        f"12-month retention and net spend after a customer's first answer, by answer group, "
        f"adjusted for tenure, the year's prior orders and spend{controls}; {level} intervals "
        f"from {result.n_boot} resamples of customers. Spend in the orders file's currency."
    )
