"""The improvement page's blocks: verdict, effect table, charts, checks (see show_improvements)."""

from __future__ import annotations

import re
from collections.abc import Sequence

import pandas as pd

from fbresearch.analyses.impact.common import metric_label
from fbresearch.analyses.impact.narrative import chart_caption, default_verdict, event_study_caption
from fbresearch.analyses.impact.results import ImpactResult, ImprovementFailure
from fbresearch.format import confidence_label, format_interval, format_number, format_p
from fbresearch.present.display import show

__all__ = ["show_improvements", "effect_table", "checks_table", "check_words"]


def show_improvements(results: Sequence[ImpactResult | ImprovementFailure]) -> None:
    """Show each evaluation in a notebook: verdict, effect table, chart, checks, progress."""
    if not results:
        show(
            "No improvements are listed for this report, so there is nothing to evaluate this "
            "month. Fix: list them in params (notebooks: improvement: improvements:)."
        )
    for res in results:
        if isinstance(res, ImprovementFailure):
            show(res.summary())
            continue
        show(res.verdict or default_verdict(res))
        show(res.reason)
        if res.progress:
            show(res.progress["sentence"])
        show(
            effect_table(res),
            caption=f"{res.name}: estimated effect on {metric_label(res.outcome)}",
        )
        show(res.plot(), caption=chart_caption(res))
        if res.event_study is not None:
            show(res.plot_event_study(), caption=event_study_caption(res))
        if res.checks is not None and len(res.checks):
            show(checks_table(res), caption=f"{res.name}: checks behind the estimate")
        for note in res.notes:
            show(note)


def effect_table(res: ImpactResult) -> pd.DataFrame:
    """The headline effect as a reader-facing one-row table (interval named by its level).

    Examples
    --------
    >>> from fbresearch.results import Estimate
    >>> res = ImpactResult(table=pd.DataFrame(), design="pre/post", outcome="csat", mde=0.14,
    ...                    effect=Estimate(0.31, 0.21, 0.41, n=4104, p_value=1e-8, confidence=0.9))
    >>> effect_table(res).iloc[0].tolist()[:4]
    ['pre/post', '0.31', '0.21 to 0.41', '<0.001']
    >>> list(effect_table(res).columns)[2]
    '90% CI'
    """
    e = res.effect
    digits = 3 if e.unit == "ratio" else 2
    row = {
        "design": res.design,
        "effect": format_number(e.estimate, digits),
        f"{confidence_label(e.confidence)} CI": format_interval(e.ci_low, e.ci_high, digits),
        "p-value": format_p(e.p_value),
        "unit": "rate ratio"
        if e.unit == "ratio"
        else ("NPS points" if res.outcome == "nps" else "points on the answer scale"),
        "smallest detectable effect": format_number(res.mde, digits),
        "responses or periods": f"{e.n:,}",
    }
    return pd.DataFrame([row])


#: what each check of the estimators asks, in plain words (the statistics term follows in brackets)
_CHECK_WORDS = (
    (re.compile(r"^pre-trends: all (\d+) leads zero"), "No drift before the change: the {0} "
     "months before it show no gap between the groups (pre-trends)"),
    (re.compile(r"autocorrelation", re.IGNORECASE), "Good and bad months carry over to the "
     "next, beyond what the model allows for ({check})"),
)  # fmt: skip


def check_words(check: str) -> str:
    """A check's name as a reader reads it: the question it asks, then its technical name.

    Examples
    --------
    >>> check_words("pre-trends: all 9 leads zero")
    'No drift before the change: the 9 months before it show no gap between the groups (pre-trends)'
    >>> check_words("lag-1 autocorrelation of cluster-month residuals")[:45]
    'Good and bad months carry over to the next, b'
    >>> check_words("placebo dates")
    'placebo dates'
    """
    for pattern, words in _CHECK_WORDS:
        found = pattern.search(check)
        if found:
            rest = check[found.end() :] if pattern.pattern.startswith("^") else ""
            return words.format(*found.groups(), check=check) + rest
    return check


def checks_table(res: ImpactResult) -> pd.DataFrame:
    """The checks behind the estimate as a reader-facing table (statistic and p-value as text).

    Examples
    --------
    >>> checks = pd.DataFrame({"check": ["pre-trends"], "statistic": [1.17], "p_value": [0.312],
    ...                        "conclusion": ["fine"]})
    >>> checks_table(ImpactResult(table=pd.DataFrame(), checks=checks)).iloc[0].tolist()
    ['pre-trends', '1.17', '0.312', 'fine']
    """
    c = res.checks
    return pd.DataFrame(
        {
            "check": [check_words(str(v)) for v in c["check"]],
            "statistic": [format_number(v, 2) for v in c["statistic"]],
            "p-value": [format_p(v) for v in c["p_value"]],
            "conclusion": c["conclusion"],
        }
    )
