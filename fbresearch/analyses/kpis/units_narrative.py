"""What a unit-vs-rest comparison says: sentences, the index verdict and the reader table.

Significance is decided by the comparison's Benjamini-Hochberg check across every unit and KPI
(:func:`fbresearch.analyses.kpis.units.unit_vs_rest`, which asks :mod:`fbresearch.evidence`);
numbers are written by :mod:`fbresearch.format`, labels and units come from
:data:`fbresearch.schema.METRICS`, the confidence level from the result.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from fbresearch import evidence
from fbresearch.analyses.kpis.narrative import _format_amount, _format_ci, p_text, period_label
from fbresearch.format import confidence_label, format_p
from fbresearch.privacy import anonymity_note, redact
from fbresearch.schema import metric_spec

if TYPE_CHECKING:
    from fbresearch.analyses.kpis.units import UnitComparison

__all__ = [
    "anonymity_note",
    "unit_name",
    "unit_note",
    "comparison_summary",
    "unit_verdict",
    "comparison_display_table",
    "family_note",
]


def unit_name(unit: object) -> str:
    """A unit's value as a reader sees it, redacted of personal data (HTML escaping is the
    page's).

    Examples
    --------
    >>> unit_name("Store 13912345678"), unit_name(3)
    ('Store [phone]', '3')
    """
    return redact(str(unit))


def unit_note(result: UnitComparison, unit: object) -> str:
    """What a suppressed unit says: below the threshold, or hidden so that another one cannot
    be worked out from the organisation's total (complementary suppression).

    Examples
    --------
    >>> import pandas as pd
    >>> from fbresearch.analyses.kpis.units import unit_vs_rest
    >>> frame = pd.DataFrame({"submitted_at": pd.Timestamp("2026-10-05"),
    ...     "region": ["N"] * 40 + ["S"] * 20 + ["X"] * 3, "csat": 5})
    >>> result = unit_vs_rest(frame, "region", metrics=["csat"])
    >>> unit_note(result, "X")
    'fewer than 10 responses: not shown to protect anonymity'
    >>> unit_note(result, "S")
    'not shown to protect anonymity: with it, a unit of fewer than 10 responses could be worked out from the organisation total'
    """
    if result.reason(unit) == "complementary":
        return (
            "not shown to protect anonymity: with it, a unit of fewer than "
            f"{result.min_responses} responses could be worked out from the organisation total"
        )
    return anonymity_note(result.min_responses)


def family_note(result: UnitComparison) -> str:
    """The one sentence on the family of tests behind "significant".

    Examples
    --------
    >>> import pandas as pd
    >>> from fbresearch.analyses.kpis.units import unit_vs_rest
    >>> frame = pd.DataFrame({"submitted_at": pd.Timestamp("2026-10-05"),
    ...                       "region": ["N", "S"] * 20, "nps": [9, 3] * 20})
    >>> family_note(unit_vs_rest(frame, "region", metrics=["nps"]))  # doctest: +ELLIPSIS
    'Every unit is compared with the rest of the organisation (all other responses) in ...'
    """
    n = result.n_tests
    head = (
        "Every unit is compared with the rest of the organisation (all other responses) in "
        f"{period_label(result.period)}; intervals are at the {confidence_label(result.confidence)}"
        " level."
    )
    if n <= 1:
        return head
    level = f"{100 * evidence.fdr_level(result.confidence):.2g}%"
    return (
        f"{head} With {n} unit comparisons, a difference is called significant only if it "
        f"survives a false-discovery-rate check across all of them ({evidence.FDR_METHOD}, "
        f"{level})."
    )


def _direction(row: pd.Series) -> str:
    spec = metric_spec(row["metric"])
    better = float(row["difference"]) * spec.direction > 0
    return "above" if better else "below"


def _row_sentence(result: UnitComparison, row: pd.Series, name: str) -> str:
    spec = metric_spec(row["metric"])
    if not bool(row["shown"]):
        return f"{spec.label}: {anonymity_note(result.min_responses, 'answers')}."
    percent = spec.unit == "percent"
    level = _format_ci(
        row["estimate"], row["ci_low"], row["ci_high"], percent=percent, digits=spec.digits
    )
    rest = _format_ci(
        row["rest"], row["rest_ci_low"], row["rest_ci_high"], percent=percent, digits=spec.digits
    )
    head = f"{spec.label} in {name} was {level}, against {rest} in the rest of the organisation"
    if pd.isna(row["p_value"]):
        return f"{head}: too few answers to test the difference."
    if float(row["difference"]) == 0:
        return f"{head}: no difference."
    amount = _format_amount(row["metric"], float(row["difference"]))
    verdict = (
        "a significant difference"
        if bool(row["significant"])
        else "not a significant difference once every unit is compared"
    )
    return f"{head}: {_direction(row)} by {amount} ({p_text(float(row['p_value']))}), {verdict}."


def comparison_summary(result: UnitComparison, unit: object = None) -> str:
    """Sentences on one unit against the rest (``unit`` None: which units stand out).

    Examples
    --------
    >>> import pandas as pd
    >>> from fbresearch.analyses.kpis.units import unit_vs_rest
    >>> frame = pd.DataFrame({"submitted_at": pd.Timestamp("2026-10-05"),
    ...     "region": ["N"] * 40 + ["S"] * 40 + ["W"] * 30 + ["X"] * 3,
    ...     "csat": [5] * 30 + [2] * 10 + [5] * 10 + [2] * 30 + [5, 2] * 15 + [5] * 3})
    >>> print(comparison_summary(unit_vs_rest(frame, "region", metrics=["csat"]), "X"))
    X: fewer than 10 responses: not shown to protect anonymity.
    >>> print(comparison_summary(unit_vs_rest(frame, "region", metrics=["csat"])))
    Above the rest of the organisation: N (CSAT). Below: S (CSAT). Not shown to protect anonymity: 2 units (fewer than 10 responses, or needed so that one cannot be worked out).
    """
    if unit is not None:
        name = unit_name(unit)
        if result.suppressed(unit):
            return f"{name}: {unit_note(result, unit)}."
        return " ".join(_row_sentence(result, r, name) for _, r in result.rows(unit).iterrows())
    parts = []
    for side in ("above", "below"):
        names = []
        for unit_value in result.units["unit"]:
            rows = result.rows(unit_value)
            hits = [
                metric_spec(r["metric"]).label
                for _, r in rows[rows["significant"]].iterrows()
                if _direction(r) == side
            ]
            if hits:
                names.append(f"{unit_name(unit_value)} ({', '.join(hits)})")
        if names:
            label = "Above the rest of the organisation" if side == "above" else "Below"
            parts.append(f"{label}: {', '.join(names)}.")
    if not parts:
        parts.append("No unit differs significantly from the rest of the organisation.")
    hidden = int(result.units["suppressed"].sum())
    if hidden:
        noun = "unit" if hidden == 1 else "units"
        parts.append(
            f"Not shown to protect anonymity: {hidden} {noun} (fewer than "
            f"{result.min_responses} responses, or needed so that one cannot be worked out)."
        )
    return " ".join(parts)


def unit_verdict(result: UnitComparison, unit: object) -> str:
    """A few words for the index: "above the rest on NPS; below on CES", "no clear difference".

    Examples
    --------
    >>> import pandas as pd
    >>> from fbresearch.analyses.kpis.units import unit_vs_rest
    >>> frame = pd.DataFrame({"submitted_at": pd.Timestamp("2026-10-05"),
    ...     "region": ["N"] * 40 + ["S"] * 40,
    ...     "csat": [5] * 30 + [2] * 10 + [5] * 10 + [2] * 30})
    >>> unit_verdict(unit_vs_rest(frame, "region", metrics=["csat"]), "N")
    'above the rest on CSAT'
    """
    if result.suppressed(unit):
        return unit_note(result, unit)
    rows = result.rows(unit)
    found = {"above": [], "below": []}
    for _, r in rows[rows["significant"]].iterrows():
        found[_direction(r)].append(metric_spec(r["metric"]).label)
    words = []
    if found["above"]:
        words.append(f"above the rest on {', '.join(found['above'])}")
    if found["below"]:
        words.append(f"{'below' if words else 'below the rest'} on {', '.join(found['below'])}")
    return "; ".join(words) or "no clear difference from the rest"


def comparison_display_table(result: UnitComparison, unit: object = None) -> pd.DataFrame:
    """The comparison as a reader sees it: one row per KPI (and unit), values with CIs.

    Hidden cells say why; shares are shown as percentages and their differences in
    percentage points.
    """
    ci = f"({confidence_label(result.confidence)} CI)"
    rows = result.table if unit is None else result.rows(unit)
    out = []
    for _, r in rows.iterrows():
        spec = metric_spec(r["metric"])
        line = {} if unit is not None else {"Unit": unit_name(r["unit"])}
        line["KPI"] = spec.label
        if not bool(r["shown"]):
            note = (
                unit_note(result, r["unit"])
                if result.suppressed(r["unit"])
                else anonymity_note(result.min_responses, "answers")
            )
            line.update(
                {
                    f"Unit {ci}": note,
                    f"Rest {ci}": "",
                    f"Difference {ci}": "",
                    "p": "",
                    "Adjusted p": "",
                    "Verdict": "",
                }
            )
            out.append(line)
            continue
        percent, digits, scale = (
            spec.unit == "percent",
            spec.digits,
            100 if spec.unit == "percent" else 1,
        )
        line[f"Unit {ci}"] = (
            _format_ci(r["estimate"], r["ci_low"], r["ci_high"], percent=percent, digits=digits)
            + f", n = {int(r['n']):,}"
        )
        line[f"Rest {ci}"] = (
            _format_ci(
                r["rest"], r["rest_ci_low"], r["rest_ci_high"], percent=percent, digits=digits
            )
            + f", n = {int(r['rest_n']):,}"
        )
        line[f"Difference {ci}"] = _format_ci(
            scale * r["difference"],
            scale * r["difference_ci_low"],
            scale * r["difference_ci_high"],
            digits=digits,
        )
        line["p"] = format_p(r["p_value"])
        line["Adjusted p"] = format_p(r["q_value"])  # after the false-discovery-rate check
        line["Verdict"] = (
            f"significantly {_direction(r)}" if bool(r["significant"]) else "no clear difference"
        )
        out.append(line)
    return pd.DataFrame(out)
