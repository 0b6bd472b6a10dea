"""Sentences and headline findings of the triage results (categories, severity, response times,
follow-up of detractors, suspicious feedback).

Every function takes a finished result object and returns text or :class:`Finding` objects; the
numbers come from the result, their wording from :mod:`fbresearch.format`.

Examples
--------
>>> from fbresearch.analyses.triage import categorize
>>> category_summary(categorize(["The courier was late", "Nice"])).split(",")[0]
'Of 2 texts'
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import pandas as pd

from fbresearch.analyses.triage.config import SEVERITIES, UNCATEGORIZED, UNSORTED_MEANING
from fbresearch.format import confidence_label, format_number
from fbresearch.results import Estimate, Finding
from fbresearch.schema import METRICS, display_label

if TYPE_CHECKING:  # pragma: no cover - types only
    from fbresearch.analyses.triage.results import (
        CategoryResult,
        LoopResult,
        ResponseTimesResult,
        SeverityMix,
        SuspiciousResult,
    )

__all__ = [
    "severity_display_table",
    "category_summary",
    "category_findings",
    "severity_summary",
    "severity_findings",
    "response_times_summary",
    "response_times_findings",
    "loop_task",
    "loop_summary",
    "loop_findings",
    "suspicious_summary",
    "suspicious_findings",
    "category_caption",
    "category_plot_caption",
    "severity_caption",
    "response_times_plot_caption",
    "survival_caption",
    "loop_caption",
    "suspicious_caption",
]

ANALYSIS = "closed_loop"


def _percent(share: float, digits: int) -> str:
    """A share as a percentage with its sign: ``0.304`` -> ``"30%"``."""
    return f"{format_number(share, digits, percent=True)}%"


def _notes(notes: tuple[str, ...]) -> str:
    return "".join(f" {n}" for n in notes)


# --------------------------------------------------------------------------- categories


def category_summary(result: CategoryResult) -> str:
    """Largest categories, the uncategorized share and the candidate keywords, in a few sentences.

    Examples
    --------
    >>> from fbresearch.analyses.triage import categorize
    >>> category_summary(categorize([""]))
    'No texts to categorize.'
    """
    unc = result.uncategorized
    if unc is None or unc.n == 0:
        return "No texts to categorize."
    table = result.table
    rows = table[table["category"] != UNCATEGORIZED].sort_values("n", ascending=False)
    top = ", ".join(f"{r.label} {_percent(r.estimate, 0)}" for r in rows.head(3).itertuples())
    text = (
        f"Of {unc.n:,} texts, the largest categories were {top} "
        f"(a text can be in several). {unc.format(0)} fell in no category"
    )
    if len(result.candidates):
        text += (
            f"; the words most common among them are {', '.join(result.candidates['term'].head(6))}"
        )
    text += "."
    if result.model is not None and len(result.model):
        overall = result.model[result.model["category"] == "macro average"]
        if len(overall):
            r = overall.iloc[0]
            text += (
                f" The model trained on labelled texts reached a held-out precision of "
                f"{_percent(r['precision'], 0)} and recall of {_percent(r['recall'], 0)} "
                f"(macro average)."
            )
    return text + _notes(result.notes)


def category_findings(result: CategoryResult) -> list[Finding]:
    """The largest category and the uncategorized share.

    Examples
    --------
    >>> from fbresearch.analyses.triage import categorize
    >>> [f.importance for f in category_findings(categorize(["late courier", "ok"]))]
    [0.55, 0.3]
    """
    unc = result.uncategorized
    if unc is None or unc.n == 0:
        return []
    rows = result.table[result.table["category"] != UNCATEGORIZED]
    top = rows.loc[rows["n"].idxmax()]
    est = Estimate(
        top["estimate"],
        top["ci_low"],
        top["ci_high"],
        n=int(unc.n),
        confidence=result.confidence,
        name=f"share {top['label']}",
        unit="share",
    )
    return [
        Finding(
            f"The largest feedback category was {top['label'].lower()}: {est.format(0)} of texts.",
            est,
            importance=0.55,
            analysis=ANALYSIS,
            kind="level",
        ),
        Finding(
            f"{unc.format(0)} of texts fell in no category of the taxonomy.",
            unc,
            importance=0.3,
            analysis=ANALYSIS,
            kind="level",
        ),
    ]


# --------------------------------------------------------------------------- severity


def severity_summary(result: SeverityMix) -> str:
    """Counts and shares by grade.

    Examples
    --------
    >>> import pandas as pd
    >>> from fbresearch.analyses.triage import severity, severity_mix
    >>> mix = severity_mix(severity(pd.DataFrame({"nps": [2, 9], "text": ["", ""]})))
    >>> severity_summary(mix).split(".")[0]
    'Of 2 responses: urgent 0'
    """
    g = result.grades.set_index("severity")
    n = int(g["n"].sum())
    if n == 0:
        return "No responses to grade."
    parts = [
        f"{grade} {_percent(g.loc[grade, 'estimate'], 1)} ({int(g.loc[grade, 'n']):,})"
        for grade in SEVERITIES
        if grade in g.index
    ]
    return (
        f"Of {n:,} responses: " + ", ".join(parts) + ". Each response is graded by the "
        "first rule it meets; the table counts responses by rule." + _notes(result.notes)
    )


def severity_findings(result: SeverityMix) -> list[Finding]:
    """How many responses were graded urgent (empty when there were none to grade).

    Examples
    --------
    >>> import pandas as pd
    >>> from fbresearch.analyses.triage import severity, severity_mix
    >>> texts = ["food poisoning", "fine", "ok"]
    >>> mix = severity_mix(severity(pd.DataFrame({"nps": [2, 9, 8], "text": texts})))
    >>> severity_findings(mix)[0].sentence
    '1 of 3 responses was graded urgent: 33.3% (6.1% to 79.2%).'
    """
    g = result.grades.set_index("severity")
    if "urgent" not in g.index or g["n"].sum() == 0:
        return []
    r = g.loc["urgent"]
    est = Estimate(
        r["estimate"],
        r["ci_low"],
        r["ci_high"],
        n=int(g["n"].sum()),
        confidence=result.confidence,
        name="urgent share",
        unit="share",
    )
    return [
        Finding(
            f"{int(r['n']):,} of {int(g['n'].sum()):,} responses "
            f"{'was' if int(r['n']) == 1 else 'were'} graded urgent: {est.format(1)}.",
            est,
            importance=0.5,
            analysis=ANALYSIS,
            kind="level",
        )
    ]


# --------------------------------------------------------------------------- response times


def _resolution_text(result: ResponseTimesResult) -> str:
    r = result.resolution
    if r is None:
        return ""
    if math.isnan(r.estimate):
        return (
            f" Fewer than half of the {r.n:,} cases were resolved by the end of the period, "
            f"so the median time to resolution is not reached yet."
        )
    naive = (
        ""
        if math.isnan(result.naive_median_hours)
        else f"; counting only resolved cases would say {format_number(result.naive_median_hours, 0)} hours"
    )
    return (
        f" Half of the cases were resolved within {r.format(0)} hours (Kaplan-Meier median, "
        f"{r.n:,} cases, open ones counted until the end of the period{naive})."
    )


def response_times_summary(result: ResponseTimesResult) -> str:
    """Share answered in time, median time to resolution, the worst channel and category.

    Examples
    --------
    >>> from fbresearch.analyses.triage import ResponseTimesResult
    >>> import pandas as pd
    >>> response_times_summary(ResponseTimesResult(table=pd.DataFrame()))
    'No cases to measure response times on.'
    """
    if result.within is None and result.resolution is None:
        return "No cases to measure response times on."
    limits = ", ".join(f"{g} {h:g} h" for g, h in result.limits_hours.items())
    text = ""
    if result.within is not None and result.within.n:
        text = (
            f"{result.within.format(0)} of {result.within.n:,} cases were answered within their "
            f"grade's time limit ({limits})."
        )
    text += _resolution_text(result)
    if "channel" in result.worst:
        text += (
            f" The channel that breaks its limits most is {display_label(result.worst['channel'])}."
        )
    if "category" in result.worst:
        text += f" The category answered late most often is {result.worst['category']}."
    flagged = int(result.quality["rows"].sum()) if len(result.quality) else 0
    if flagged:
        text += f" {flagged:,} timestamp problems were found (see the quality table)."
    return text + _notes(result.notes)


def response_times_findings(result: ResponseTimesResult) -> list[Finding]:
    """Share in time, the channel that breaks its limits most, median resolution, open urgent.

    Examples
    --------
    >>> from fbresearch.analyses.triage import ResponseTimesResult
    >>> import pandas as pd
    >>> response_times_findings(ResponseTimesResult(table=pd.DataFrame({"dimension": []})))
    []
    """
    out = []
    if result.within is not None and result.within.n:
        out.append(
            Finding(
                f"{result.within.format(0)} of cases were answered within their grade's time limit.",
                result.within,
                importance=0.6,
                analysis=ANALYSIS,
                kind="level",
            )
        )
    rows = result.table[result.table["dimension"] == "channel"]
    if "channel" in result.worst and len(rows):
        r = rows[rows["group"] == result.worst["channel"]].iloc[0]
        est = Estimate(
            r["estimate"],
            r["ci_low"],
            r["ci_high"],
            n=int(r["limit_due"]),
            confidence=result.confidence,
            name=f"within limit ({display_label(r['group'])})",
            unit="share",
        )
        out.append(
            Finding(
                f"{display_label(r['group'])} breaks its response-time limits most: only "
                f"{est.format(0)} answered in time.",
                est,
                importance=0.7,
                analysis=ANALYSIS,
                kind="level",
            )
        )
    if result.resolution is not None and not math.isnan(result.resolution.estimate):
        out.append(
            Finding(
                f"Median time to resolution: {result.resolution.format(0)} hours.",
                result.resolution,
                importance=0.5,
                analysis=ANALYSIS,
                kind="level",
            )
        )
    if len(result.open_urgent):
        out.append(
            Finding(
                f"{len(result.open_urgent):,} urgent cases were still open at the end of the period.",
                importance=0.75,
                analysis=ANALYSIS,
                kind="level",
            )
        )
    return out


# --------------------------------------------------------------------------- closing the loop


#: outcome -> who was followed up, in words (the range that counted as unhappy)
_UNHAPPY_WORDS = {
    "nps": "detractors (NPS 0-6)",
    "csat": "unhappy customers (CSAT 1-2)",
    "satisfied": "dissatisfied customers (answered not satisfied)",
    "ces": "customers who found it hard (CES 1-3)",
}


def _later_label(result: LoopResult) -> str:
    """What the later answers are read as: the METRICS label (``"share satisfied"`` for 0/1)."""
    if result.outcome == "satisfied":
        return "share satisfied"
    return METRICS.get(result.outcome, METRICS["nps"]).label


def _who(result: LoopResult, ranged: bool = True) -> str:
    words = _UNHAPPY_WORDS.get(result.outcome, _UNHAPPY_WORDS["nps"])
    return words if ranged else words.split(" (")[0]


def loop_task(outcome: str = "nps") -> str:
    """The follow-up section's task in the words of the page's outcome, for
    :func:`fbresearch.results.attempt` (``what=``): whom it follows up.

    Examples
    --------
    >>> loop_task("nps"), loop_task("satisfied")
    ('Follow-up of detractors', 'Follow-up of dissatisfied customers')
    """
    words = _UNHAPPY_WORDS.get(outcome, "unhappy customers")
    return f"Follow-up of {words.split(' (')[0]}"


def _later_text(result: LoopResult) -> str:
    """The later-score difference in the outcome's change unit: ``12 points``, ``8 pp``."""
    diff = result.difference
    spec = METRICS.get(result.outcome, METRICS["nps"])
    if spec.unit == "percent":
        values = [100 * v for v in (diff.estimate, diff.ci_low, diff.ci_high)]
        digits, unit = 0, " percentage points"
    else:
        values = [diff.estimate, diff.ci_low, diff.ci_high]
        digits, unit = (0 if spec.unit == "points" else spec.digits), " points"
    a, lo, hi = (format_number(v, digits) for v in values)
    return f"{a} ({lo} to {hi}){unit}"


def loop_summary(result: LoopResult) -> str:
    """Share of unhappy customers contacted and, where possible, the later-score comparison.

    Examples
    --------
    >>> from fbresearch.analyses.triage import LoopResult
    >>> import pandas as pd
    >>> loop_summary(LoopResult(table=pd.DataFrame()))
    'There were no detractors to follow up.'
    >>> loop_summary(LoopResult(table=pd.DataFrame(), outcome="csat"))
    'There were no unhappy customers to follow up.'
    """
    if result.contacted is None or result.contacted.n == 0:
        return f"There were no {_who(result, False)} to follow up."
    text = (
        f"{result.contacted.format(0)} of {result.contacted.n:,} {_who(result)} were "
        f"contacted or had their case resolved."
    )
    if result.difference is not None:
        label = _later_label(result)
        text += (
            f" Among {_who(result, False)} who answered again later, the later {label} of those "
            f"contacted was {_later_text(result)} different from those not contacted. "
            f"This is an observational comparison: contacted and not-contacted customers "
            f"may differ in other ways, so it is not proof that contacting works."
        )
    return text + _notes(result.notes)


def loop_findings(result: LoopResult) -> list[Finding]:
    """The share of unhappy customers (detractors by NPS) contacted.

    Examples
    --------
    >>> from fbresearch.analyses.triage import LoopResult
    >>> import pandas as pd
    >>> loop_findings(LoopResult(table=pd.DataFrame()))
    []
    """
    if result.contacted is None or result.contacted.n == 0:
        return []
    return [
        Finding(
            f"{result.contacted.format(0)} of {_who(result, False)} were contacted or had their "
            "case resolved.",
            result.contacted,
            importance=0.55,
            analysis=ANALYSIS,
            kind="level",
        )
    ]


# --------------------------------------------------------------------------- suspicious feedback


def suspicious_summary(result: SuspiciousResult) -> str:
    """How many responses were flagged, for which reasons, and whether they are still counted.

    Examples
    --------
    >>> from fbresearch.analyses.triage import SuspiciousResult
    >>> import pandas as pd
    >>> suspicious_summary(SuspiciousResult(table=pd.DataFrame()))
    'No responses to screen.'
    """
    if result.flagged is None or result.flagged.n == 0:
        return "No responses to screen."
    k = int(result.flags["suspicious"].sum())
    if k == 0:
        text = f"None of the {result.flagged.n:,} responses was flagged as suspicious."
    else:
        parts = [
            f"{int(r.responses):,} for {r.reason.replace('_', ' ')}"
            for r in result.table.itertuples()
            if r.responses > 0
        ]
        text = (
            f"{k:,} of {result.flagged.n:,} responses were flagged as suspicious, "
            f"{result.flagged.format(1)} of all: {'; '.join(parts)}. "
            + (
                "They are left out of the KPIs on this page."
                if result.exclude
                else "They are shown here and still counted in the KPIs (the report's settings "
                "can leave them out)."
            )
        )
    return text + _notes(result.notes)


def suspicious_findings(result: SuspiciousResult) -> list[Finding]:
    """How many responses were flagged (empty when none was).

    Examples
    --------
    >>> from fbresearch.analyses.triage import SuspiciousResult
    >>> import pandas as pd
    >>> suspicious_findings(SuspiciousResult(table=pd.DataFrame()))
    []
    """
    if result.flagged is None or not result.flags["suspicious"].any():
        return []
    return [
        Finding(
            f"{int(result.flags['suspicious'].sum()):,} responses were flagged as suspicious "
            f"feedback, {result.flagged.format(1)} of all.",
            result.flagged,
            importance=0.5,
            analysis=ANALYSIS,
            kind="level",
        )
    ]


# --------------------------------------------------------------------------------------------
# captions: what each table or chart shows, with the run's confidence level where it has one
# --------------------------------------------------------------------------------------------


def category_caption(result: CategoryResult, window: object = "") -> str:
    """Caption of the table of categories: what it counts, and what "No category" means.

    Examples
    --------
    >>> import pandas as pd
    >>> from fbresearch.analyses.triage.results import CategoryResult
    >>> category_caption(CategoryResult(table=pd.DataFrame()), "October 2026")
    "Texts by category, October 2026 (No category: texts with none of the taxonomy's words, however short)"
    """
    when = f", {window}" if str(window) else ""
    return f"Texts by category{when} ({UNSORTED_MEANING[UNCATEGORIZED]})"


def category_plot_caption(result: CategoryResult, period: object) -> str:
    """Caption of the category chart for the month ``period``.

    Examples
    --------
    >>> import pandas as pd
    >>> from fbresearch.analyses.triage.results import CategoryResult
    >>> category_plot_caption(CategoryResult(table=pd.DataFrame(), confidence=0.9), "2026-10")
    'Share of texts in each category, 2026-10 (90% CI)'
    """
    return f"Share of texts in each category, {period} ({confidence_label(result.confidence)} CI)"


def severity_display_table(result: SeverityMix) -> pd.DataFrame:
    """The rule table with each rule's name in words; ``default`` says what it means.

    Examples
    --------
    >>> from fbresearch.analyses.triage.results import SeverityMix
    >>> t = pd.DataFrame({"rule": ["safety_or_health", "default"], "severity": ["urgent", "general"]})
    >>> severity_display_table(SeverityMix(table=t))["rule"].tolist()
    ['Safety or health', 'Default (no rule met)']
    """
    table = result.table
    if "rule" not in table.columns:
        return table

    def words(name: object) -> str:
        if name == "default":
            return "Default (no rule met)"
        text = str(name).replace("_", " ").strip()
        return text[:1].upper() + text[1:]

    return table.assign(rule=[words(r) for r in table["rule"]])


def severity_caption(result: SeverityMix) -> str:
    """Caption of the severity-rule table."""
    return "Responses graded by each rule (all responses up to the report month)"


def response_times_plot_caption(result: ResponseTimesResult) -> str:
    """Caption of the chart of the share answered in time, by channel."""
    label = confidence_label(result.confidence)
    return f"Share answered within the time limit, by channel ({label} CI)"


def survival_caption(result: ResponseTimesResult) -> str:
    """Caption of the Kaplan-Meier chart of time to resolution."""
    return "Share of cases resolved against hours since submission, by grade (Kaplan-Meier)"


def loop_caption(result: LoopResult) -> str:
    """Caption of the follow-up table.

    Examples
    --------
    >>> from fbresearch.analyses.triage import LoopResult
    >>> import pandas as pd
    >>> loop_caption(LoopResult(table=pd.DataFrame(), outcome="satisfied"))
    'Later share satisfied of dissatisfied customers who answered again, by whether they were contacted'
    """
    label = _later_label(result)
    return (
        f"Later {label} of {_who(result, False)} who answered again, by whether they were contacted"
    )


def suspicious_caption(result: SuspiciousResult) -> str:
    """Caption of the table of flagged responses."""
    return (
        "Responses flagged as suspicious, by reason (share of all responses up to the report month)"
    )
