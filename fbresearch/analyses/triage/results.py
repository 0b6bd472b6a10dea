"""The frozen results of triage: categories, severity mix, response times, follow-up, screening.

Each result holds numbers only; ``summary()`` and ``findings()`` delegate to
:mod:`fbresearch.analyses.triage.narrative`, ``plot()`` to :mod:`fbresearch.present.plots.triage`
(imported inside the method: presentation sits above the analyses). Every result records the
``confidence`` of its intervals, so labels and captions name the level the run used.

Examples
--------
>>> import pandas as pd
>>> LoopResult(table=pd.DataFrame(), confidence=0.9).confidence
0.9
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from fbresearch.analyses.triage import narrative
from fbresearch.format import confidence_label
from fbresearch.results import Estimate, Finding, Result

__all__ = [
    "CategoryResult",
    "SeverityMix",
    "ResponseTimesResult",
    "LoopResult",
    "SuspiciousResult",
]


def _percent_columns(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with its share and CI columns in percent, as the plots take them."""
    return table.assign(**{c: 100 * table[c] for c in ("estimate", "ci_low", "ci_high")})


@dataclass(frozen=True, eq=False)
class CategoryResult(Result):
    """Categories of each text (``categorize``).

    Attributes
    ----------
    table : DataFrame
        One row per category (and ``uncategorized``): ``category``, ``label``, ``n`` (texts in
        it), ``estimate``, ``ci_low``, ``ci_high`` (its share of texts, Wilson CI),
        ``unit``.
    labels : DataFrame
        One row per text (input index), one boolean column per category; a text may be in
        several.
    primary : Series
        Each text's main category (most matched words; ties: the earliest), None when none.
    uncategorized : Estimate
        Share of texts (responses with a non-blank text) that fell in no category, texts
        left with no words once tokenized included.
    candidates : DataFrame
        Words that dominate the uncategorized texts (``term``, ``texts``, ``share``): candidate
        keywords for the taxonomy.
    model : DataFrame or None
        With ``labels=``: held-out ``precision``, ``recall``, ``f1`` and ``support`` per category
        of the supervised model (TF-IDF + logistic regression).
    has_text : Series of bool or None
        Whether each response has a text (not missing or blank); those without count as "No
        text", not "No category", in :func:`~fbresearch.analyses.triage.category_kpis`.
    predicted : Series or None
        The supervised model's category for every text (human labels kept where given).
    """

    labels: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    primary: pd.Series = field(default_factory=pd.Series, repr=False)
    uncategorized: Estimate | None = None
    candidates: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    names: dict[str, str] = field(default_factory=dict)
    model: pd.DataFrame | None = field(default=None, repr=False)
    predicted: pd.Series | None = field(default=None, repr=False)
    notes: tuple[str, ...] = ()
    confidence: float = 0.95
    has_text: pd.Series | None = field(default=None, repr=False)

    def display_table(self) -> pd.DataFrame:
        """The table as a reader sees it: the category's label, not its code."""
        table = self.table
        if {"category", "label"} <= set(table.columns):
            table = table.drop(columns=["category"]).rename(columns={"label": "category"})
        table = table.rename(columns={"n": "texts"})
        table.attrs["estimate_label"] = "Share of texts"  # the renderer's name for the estimate
        return table

    def caption(self, window: object = "") -> str:
        """Caption of the table of categories for ``window`` (e.g. "October 2026")."""
        return narrative.category_caption(self, window)

    def plot_caption(self, period: object = "") -> str:
        """Caption of :meth:`plot` for the month ``period``."""
        return narrative.category_plot_caption(self, period)

    def summary(self) -> str:
        return narrative.category_summary(self)

    def findings(self) -> list[Finding]:
        return narrative.category_findings(self)

    def plot(self, ax=None):  # noqa: ANN001, ANN201
        """Share of texts per category with CIs."""
        from fbresearch.present.plots import triage as plots

        return plots.category_shares(
            _percent_columns(self.table), ax=ax, confidence=self.confidence
        )


@dataclass(frozen=True, eq=False)
class SeverityMix(Result):
    """Counts and shares by grade and rule (``severity_mix``).

    Attributes
    ----------
    table : DataFrame
        One row per rule: ``rule``, ``severity``, ``responses``, ``share``.
    grades : DataFrame
        One row per grade: ``severity``, ``n``, ``estimate``, ``ci_low``, ``ci_high`` (share of
        responses, Wilson CI), ``unit``.
    """

    grades: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    notes: tuple[str, ...] = ()
    confidence: float = 0.95

    def display_table(self) -> pd.DataFrame:
        """The rules named in words (``safety_or_health`` -> ``Safety or health``)."""
        return narrative.severity_display_table(self)

    def caption(self) -> str:
        return narrative.severity_caption(self)

    def summary(self) -> str:
        return narrative.severity_summary(self)

    def findings(self) -> list[Finding]:
        return narrative.severity_findings(self)

    def plot(self, ax=None):  # noqa: ANN001, ANN201
        from fbresearch.present.plots import triage as plots

        return plots.severity_rules(self.table, ax=ax)


@dataclass(frozen=True, eq=False)
class ResponseTimesResult(Result):
    """The response loop (``response_times``).

    Attributes
    ----------
    table : DataFrame
        One row per ``dimension`` (``all``, ``severity``, ``channel``, ``category``) and
        ``group``: ``cases``, ``limit_due`` (cases whose limit had passed), ``within``
        (answered within their grade's limit), ``estimate``, ``ci_low``, ``ci_high`` (share
        within, Wilson CI), ``median_response_hours`` (among answered), ``open`` (not resolved
        at ``asof``), ``km_cases`` (cases in the time to resolution), ``resolution_left_out``
        (cases whose resolution is stamped before the feedback or its first answer: neither
        resolved nor open, so left out of it and counted), ``km_median_hours``, ``km_ci_low``,
        ``km_ci_high`` (Kaplan-Meier median time to resolution, open cases censored),
        ``naive_median_hours`` (median over resolved cases only: what ignoring the open cases
        would say).
    within : Estimate
        Share of all due cases answered within their limit.
    resolution : Estimate
        Kaplan-Meier median hours to resolution (cases of the window, less those left out), with
        its CI; ``n`` is the number of cases in the fit.
    naive_median_hours : float
        Median over resolved cases only, for comparison.
    worst : dict
        Dimension -> the group with the lowest share within limits (among groups of 30+ cases).
    quality : DataFrame
        ``check``, ``rows``, ``meaning``: timestamp problems counted (and how they were treated).
    open_urgent : DataFrame
        Urgent cases still open at ``asof``: ``submitted_at``, ``channel``, ``hours_open``,
        ``excerpt`` (redacted, cut to 80 characters).
    survival : DataFrame
        Kaplan-Meier curve per grade: ``severity``, ``hours``, ``resolved_share``.
    """

    within: Estimate | None = None
    resolution: Estimate | None = None
    naive_median_hours: float = math.nan
    worst: dict[str, str] = field(default_factory=dict)
    quality: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    open_urgent: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    survival: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    limits_hours: dict[str, float] = field(default_factory=dict)
    asof: pd.Timestamp | None = None
    notes: tuple[str, ...] = ()
    confidence: float = 0.95

    def plot_caption(self) -> str:
        """Caption of :meth:`plot`."""
        return narrative.response_times_plot_caption(self)

    def survival_caption(self) -> str:
        """Caption of :meth:`plot_survival`."""
        return narrative.survival_caption(self)

    def summary(self) -> str:
        return narrative.response_times_summary(self)

    def findings(self) -> list[Finding]:
        return narrative.response_times_findings(self)

    def display_table(self) -> pd.DataFrame:
        """A readable table: shares within limits and medians with CIs; each row's dimension
        by its display label, as other tables head that column ("Severity", "Channel")."""
        from fbresearch.present.tables import column_label, format_ci

        t = self.table
        level = confidence_label(self.confidence)
        return pd.DataFrame(
            {
                "By": [column_label(d) for d in t["dimension"]],
                "Group": t["group"],
                "Cases": t["cases"],
                f"Answered within limit ({level} CI)": [
                    format_ci(e, lo, hi, percent=True, digits=0)
                    for e, lo, hi in zip(t["estimate"], t["ci_low"], t["ci_high"], strict=True)
                ],
                "Median hours to first answer": t["median_response_hours"].round(1),
                "Open at end": t["open"],
                f"Median hours to resolution ({level} CI)": [
                    ("not reached" if math.isnan(e) and c > 0 else format_ci(e, lo, hi, digits=0))
                    for e, lo, hi, c in zip(
                        t["km_median_hours"],
                        t["km_ci_low"],
                        t["km_ci_high"],
                        t["cases"],
                        strict=True,
                    )
                ],
                "Resolved cases only (biased)": t["naive_median_hours"].round(0),
            }
        )

    def plot(self, ax=None, dimension: str = "channel"):  # noqa: ANN001, ANN201
        """Share answered within limits by ``dimension``, with CIs."""
        from fbresearch.present.plots import triage as plots

        data = _percent_columns(self.table[self.table["dimension"] == dimension])
        overall = None if self.within is None else 100 * self.within.estimate
        return plots.within_limit(data, overall=overall, ax=ax, confidence=self.confidence)

    def plot_survival(self, ax=None):  # noqa: ANN001, ANN201
        """Kaplan-Meier share of cases resolved over time, per grade."""
        from fbresearch.present.plots import triage as plots

        return plots.resolution_curves(self.survival, ax=ax)


@dataclass(frozen=True, eq=False)
class LoopResult(Result):
    """Follow-up of detractors, or of unhappy customers by another outcome (``close_the_loop``).

    Attributes
    ----------
    table : DataFrame
        ``group`` (contacted / not contacted), ``detractors``, ``answered_again``, ``later_nps``
        with ``ci_low``/``ci_high`` (NPS of their next answer, points). For another ``outcome``:
        ``unhappy`` and ``later_<outcome>`` (a share for csat and satisfied, a mean for ces).
    contacted : Estimate
        Share of detractors who were answered or whose case was resolved.
    difference : Estimate or None
        Later NPS of contacted minus not-contacted detractors (points); None when either group
        has fewer than ``min_n`` later answers.
    """

    contacted: Estimate | None = None
    difference: Estimate | None = None
    notes: tuple[str, ...] = ()
    confidence: float = 0.95
    #: which answers counted as unhappy: nps (detractors), csat, satisfied or ces
    outcome: str = "nps"

    def caption(self) -> str:
        return narrative.loop_caption(self)

    def summary(self) -> str:
        return narrative.loop_summary(self)

    def findings(self) -> list[Finding]:
        return narrative.loop_findings(self)


@dataclass(frozen=True, eq=False)
class SuspiciousResult(Result):
    """Suspicious-feedback flags (``suspicious_feedback``).

    Attributes
    ----------
    table : DataFrame
        One row per reason: ``reason``, ``meaning``, ``responses``, ``estimate``, ``ci_low``,
        ``ci_high`` (share of all responses, Wilson CI), ``unit``.
    flags : DataFrame
        One row per response (input index): ``suspicious`` (bool), ``reason`` (reasons joined
        by ", "; "" when none), ``group`` (near-duplicate group id), ``group_size``,
        ``near_duplicate`` (the text nearly repeats another text).
    flagged : Estimate
        Share of responses flagged for any reason.
    near_duplicate_share : float
        Share of texts with words that nearly repeat another text (of anyone, any time):
        informative, not itself a reason to distrust short texts.
    exclude : bool
        Whether analyses should leave the flagged rows out (see :meth:`kept`).
    """

    flags: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    flagged: Estimate | None = None
    near_duplicate_share: float = math.nan
    exclude: bool = False
    notes: tuple[str, ...] = ()
    confidence: float = 0.95

    def display_table(self) -> pd.DataFrame:
        """The table as a reader sees it: reasons in words ("Copied text burst")."""
        if "reason" not in self.table.columns:
            return self.table
        words = self.table["reason"].astype(str).str.replace("_", " ").str.capitalize()
        table = self.table.assign(reason=words)
        table.attrs["estimate_label"] = "Share of responses"
        return table

    def kept(self, frame: pd.DataFrame) -> pd.DataFrame:
        """``frame`` without the flagged rows when ``exclude`` is True, else ``frame`` as is."""
        if not self.exclude:
            return frame
        return frame.loc[~self.flags["suspicious"].reindex(frame.index, fill_value=False)]

    def caption(self) -> str:
        return narrative.suspicious_caption(self)

    def summary(self) -> str:
        return narrative.suspicious_summary(self)

    def findings(self) -> list[Finding]:
        return narrative.suspicious_findings(self)

    def plot(self, ax=None):  # noqa: ANN001, ANN201
        from fbresearch.present.plots import triage as plots

        return plots.suspicious_reasons(self.table, ax=ax)
