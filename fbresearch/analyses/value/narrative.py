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
from fbresearch.format import confidence_label, format_number
from fbresearch.results import Estimate, Finding
from fbresearch.schema import METRICS

if TYPE_CHECKING:
    from fbresearch.analyses.value.results import ValueResult

__all__ = [
    "money",
    "risk_explained",
    "value_summary",
    "value_findings",
    "value_display_table",
    "stakes_table",
    "stakes_summary",
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


def money(value: float, currency: str = "") -> str:
    """A currency amount in whole units, followed by its currency when named.

    Examples
    --------
    >>> money(9045.2, "EUR")
    '9,045 EUR'
    """
    text = format_number(value, _SPEND_DIGITS, grouped=True)
    return f"{text} {currency}" if currency else text


def _ci(e: Estimate, share: bool = False, currency: str = "") -> str:
    if share:
        return f"{pct(e.ci_low)} to {pct(e.ci_high)}"
    return f"{money(e.ci_low)} to {money(e.ci_high, currency)}"


def _currency_name(result: ValueResult) -> str:
    return result.currency or "the orders file's currency units"


def _units(result: ValueResult) -> str:
    """Where amounts carry no currency code: the clause that says what they are in."""
    return "" if result.currency else " (amounts in the orders file's currency units)"


def risk_explained(result: ValueResult) -> str:
    """Why the revenue at risk is not this month's detractors times the cohort's gap.

    The gap is the cohort's average, promoters against detractors; the risk sums, over this
    month's detractors, what the model predicts each would spend as a promoter rather than a
    detractor given their own tenure, prior orders and spend, so it is their number times the
    gap only when they are average customers. ``""`` without this month's detractors.
    """
    risk, gap, n = result.revenue_at_risk, result.spend_gap, result.n_current
    if risk is None or gap is None or n <= 0:
        return ""
    per, cur = risk.estimate / n, result.currency
    if abs(per - gap.estimate) <= 0.05 * abs(gap.estimate):
        return (
            f"That is about {money(per, cur)} per detractor, close to the cohort's gap of "
            f"{money(gap.estimate, cur)} per customer: this month's detractors are much like "
            "the cohort's average customer."
        )
    lower = per < gap.estimate
    return (
        f"That is about {money(per, cur)} per detractor, {'less' if lower else 'more'} than "
        f"the cohort's gap of {money(gap.estimate, cur)} per customer: the model predicts each "
        "detractor's gap from their own tenure, prior orders and spend, and for this month's "
        f"detractors these predict {'less' if lower else 'more'} spending than for the "
        f"cohort's average customer, so the total is not {n:,} times the gap."
    )


def _each(total: float, n: int) -> str:
    """``total / n`` written with the fewest decimals (0 to 2) whose ``n`` times gives back the
    total as :func:`money` writes it, so that the reader's multiplication checks out.

    Examples
    --------
    >>> _each(9045.0, 56), _each(22568.0, 56)  # 56 × 161.52 = 9,045.12; 56 × 403 = 22,568
    ('161.52', '403')
    """
    for digits in (0, 1, 2):
        shown = format_number(total / n, digits, grouped=True)
        if money(n * float(shown.replace(",", ""))) == money(total):
            return shown
    return format_number(total / n, 2, grouped=True)


def stakes_summary(result: ValueResult) -> str:
    """How the revenue at risk and the value of one move follow from the spend by answer group
    (the first table), one sentence each; ``""`` without this month's detractors.

    Both come from the model behind that table, applied to this month's detractors with their
    own tenure, prior orders and spend: the sentence starts from the table's average customer
    and says what the detractors' own figures make of it, with the multiplication spelled out.

    Examples
    --------
    >>> from fbresearch.analyses.value.results import ValueResult
    >>> e = lambda v, lo, hi, n=903: Estimate(v, lo, hi, n=n)
    >>> result = ValueResult(table=pd.DataFrame(), n_current=56,
    ...     spend={"detractor": e(1300.2, 1059, 1512), "passive": e(1372.4, 1216, 1546),
    ...            "promoter": e(1703.1, 1443, 1955)},
    ...     spend_gap=e(402.9, 143, 687), revenue_at_risk=e(9045.0, 3230, 16710, 56),
    ...     move_value=e(29.0, -52, 139, 56))
    >>> print(stakes_summary(result))  # doctest: +NORMALIZE_WHITESPACE
    From the spend by answer group above: promoters spent 1,703 and detractors 1,300 in the 12
    months, a gap of 403 for the average customer; for this month's 56 detractors, each with
    their own tenure, past orders and spend, the same model predicts a gap of 161.52 each, and
    56 × 161.52 = 9,045 is the revenue at risk. Likewise passives spent 1,372, 72 more than
    detractors for the average customer; for this month's detractors the model predicts 29
    more each as passives (95% CI -52 to 139), the value of moving one detractor to passive.
    """
    risk, move, n = result.revenue_at_risk, result.move_value, result.n_current
    if risk is None or move is None or n <= 0 or not result.spend:
        return ""
    cur, level = result.currency, confidence_label(result.confidence)
    d, pa, pr = (result.spend[g].estimate for g in ("detractor", "passive", "promoter"))
    each = _each(risk.estimate, n)
    return (
        f"From the spend by answer group above: promoters spent {money(pr, cur)} and "
        f"detractors {money(d, cur)} in the 12 months, a gap of {money(pr - d, cur)} for the "
        f"average customer; for this month's {n:,} detractors, each with their own tenure, past "
        f"orders and spend, the same model predicts a gap of {each} each, and {n:,} × {each} = "
        f"{money(risk.estimate, cur)} is the revenue at risk. Likewise passives spent "
        f"{money(pa, cur)}, {money(pa - d, cur)} more than detractors for the average customer; "
        f"for this month's detractors the model predicts {money(move.estimate, cur)} more each "
        f"as passives ({level} CI {_ci(move, currency=cur)}), the value of moving one detractor "
        "to passive."
    )


def pct(value: float) -> str:
    """A share as a whole percentage, e.g. ``'78%'``."""
    return f"{format_number(value, _RET_DIGITS, percent=True)}%"


def value_summary(result: ValueResult) -> str:
    level = confidence_label(result.confidence)
    cur = result.currency
    gap, rgap = result.spend_gap, result.retention_gap
    d, p = result.spend["detractor"], result.spend["promoter"]
    first = (
        f"Over the 12 months after answering, detractors spent {money(d.estimate, cur)} and "
        f"promoters {money(p.estimate, cur)} on average{_units(result)}, like for like "
        f"({result.n_customers:,} customers; {level} intervals in the table). "
    )
    if is_significant(gap):
        first += (
            f"The gap of {money(gap.estimate, cur)} ({level} CI {_ci(gap, currency=cur)}) is "
            "clear: satisfaction goes with money. "
        )
    else:
        first += (
            f"The gap ({money(gap.estimate, cur)}, {level} CI {_ci(gap, currency=cur)}) could "
            "be chance. "
        )
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
    cur = result.currency
    risk, gap = result.revenue_at_risk, result.spend_gap
    if is_significant(gap) and risk is not None and is_significant(risk):
        out.append(
            Finding(
                f"This month's {result.n_current:,} detractors put about "
                f"{money(risk.estimate, cur)} of next year's spend at risk ({level} CI "
                f"{_ci(risk, currency=cur)}), against answering as promoters{_units(result)}. "
                + risk_explained(result),
                estimate=risk,
                importance=0.75,
                analysis="value",
            )
        )
    elif gap is not None:
        out.append(
            Finding(
                "Detractors' and promoters' spend over the following 12 months do not clearly "
                f"differ (gap {money(gap.estimate, cur)}, {level} CI {_ci(gap, currency=cur)})"
                f"{_units(result)}.",
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
                "Estimate": money(e.estimate, result.currency),
                f"{level} CI": _ci(e, currency=result.currency),
                # the evidence policy says whether the interval clears zero
                "Clearly not zero?": "yes" if is_significant(e) else "no: the interval includes 0",
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
        controls = ", " + (
            names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
        )
    return (
        f"12-month retention and net spend after a customer's first answer, by answer group, "
        f"adjusted for tenure, the year's prior orders and spend{controls}; {level} intervals "
        f"from {result.n_boot} resamples of customers. Spend in {_currency_name(result)}."
    )
