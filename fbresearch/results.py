"""Estimate, Finding and the small frozen base every analysis result builds on.

Every number a report shows lives in one of these objects, so a notebook never recomputes what
an analysis already knows (the statsmodels results-object idea). The same names mean the same
quantities everywhere: ``estimate``, ``ci_low``, ``ci_high``, ``n``, ``se``, ``p_value``.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar

import pandas as pd

from fbresearch import evidence

__all__ = [
    "Estimate",
    "Finding",
    "FINDING_KINDS",
    "Result",
    "Unavailable",
    "attempt",
    "format_number",
]


def format_number(value: float | None, digits: int = 1, percent: bool = False) -> str:
    """Format a number for a reader: thousands separators, fixed digits, ``–`` for missing.

    Examples
    --------
    >>> format_number(12345.678)
    '12,345.7'
    >>> format_number(0.4213, percent=True)
    '42.1%'
    >>> format_number(float("nan"))
    '–'
    >>> format_number(-0.3, 0), format_number(-0.0004, 1, percent=True)
    ('0', '0.0%')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"  # the one missing mark of every table (fbresearch.present.tables.MISSING)
    text = f"{100 * value if percent else value:,.{digits}f}"
    if text.startswith("-") and not text.strip("-0.,"):
        text = text[1:]  # never "-0": a value that rounds to zero has no sign
    return f"{text}%" if percent else text


@dataclass(frozen=True)
class Estimate:
    """A point estimate with its confidence interval.

    Attributes
    ----------
    estimate, ci_low, ci_high : float
        The estimate and the bounds of its ``confidence`` interval.
    n : int
        Number of observations behind it.
    se : float, optional
        Standard error, where defined.
    p_value : float, optional
        p-value of the test that goes with the estimate (for differences: against zero).
    confidence : float
        Confidence level of the interval.
    name : str
        What it measures, e.g. ``"NPS"``.
    unit : str
        ``"points"``, ``"share"`` (a proportion shown as a percentage), ``"ratio"`` or ``""``.

    Examples
    --------
    >>> e = Estimate(42.0, 38.1, 45.9, n=500, name="NPS", unit="points")
    >>> e.format()
    '42.0 (38.1 to 45.9)'
    >>> Estimate(0.42, 0.38, 0.46, n=500, unit="share").format(digits=0)
    '42% (38% to 46%)'
    >>> e.contains(40)
    True
    """

    estimate: float
    ci_low: float
    ci_high: float
    n: int
    se: float | None = None
    p_value: float | None = None
    confidence: float = 0.95
    name: str = ""
    unit: str = ""

    def contains(self, value: float) -> bool:
        """Whether ``value`` lies inside the confidence interval (bounds included)."""
        return self.ci_low <= value <= self.ci_high

    @property
    def significant(self) -> bool:
        """Whether the interval excludes zero (or one, for a ratio): asks :mod:`fbresearch.evidence`."""
        return evidence.is_significant(self)

    def format(self, digits: int = 1) -> str:
        """The estimate and its interval as a reader sees them, e.g. ``'42.0 (38.1 to 45.9)'``.

        "to" instead of a dash keeps negative bounds readable: ``-3.0 (-5.1 to -0.9)``. Without
        an interval the words say why: too few answers (:data:`fbresearch.evidence.MIN_ANSWERS`)
        or none could be computed.

        Examples
        --------
        >>> Estimate(100.0, float("nan"), float("nan"), n=1).format()
        '100.0 (only 1 answer: too few answers for an interval)'
        >>> Estimate(1737.0, 1200.0, float("inf"), n=40).format(0)   # an open-ended interval
        '1,737 (1,200 or more)'
        """
        percent = self.unit == "share"
        parts = [
            format_number(v, digits, percent) for v in (self.estimate, self.ci_low, self.ci_high)
        ]
        low, high = (
            v if isinstance(v, int | float) else math.nan for v in (self.ci_low, self.ci_high)
        )
        if math.isfinite(low) and high == math.inf:
            return f"{parts[0]} ({parts[1]} or more)"
        if low == -math.inf and math.isfinite(high):
            return f"{parts[0]} ({parts[2]} or less)"
        if not evidence.interval_known(self):
            why = (
                "no interval" if evidence.enough_answers(self.n) else evidence.too_few_text(self.n)
            )
            return f"{parts[0]} ({why})"
        return f"{parts[0]} ({parts[1]} to {parts[2]})"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: NaN becomes None, an infinite bound ``"inf"`` or ``"-inf"`` (JSON
        has no infinity; a median time whose interval never closes has an upper bound of inf).

        Examples
        --------
        >>> Estimate(30.0, 20.0, float("inf"), n=40).to_dict()["ci_high"]
        'inf'
        """
        return {k: _json_bound(v) for k, v in asdict(self).items()}

    def to_frame(self) -> pd.DataFrame:
        """A one-row tidy DataFrame with the standard column names."""
        return pd.DataFrame([asdict(self)])


#: what a finding states, for the executive summary (:func:`fbresearch.present.findings.top_findings`)
FINDING_KINDS = ("level", "change", "difference")


@dataclass(frozen=True)
class Finding:
    """One headline finding for the executive summary: a plain sentence and its number.

    Attributes
    ----------
    sentence : str
        One plain-language sentence with the number and its CI in it.
    estimate : Estimate, optional
        The number the sentence is about.
    importance : float
        0 to 1; the runner shows the most important findings of all analyses first.
    analysis : str
        The notebook or analysis it comes from (``"overview"``, ``"topics"``, ...).
    kind : str
        ``"level"`` (how things stand: "NPS was 42 (38 to 46)", a count, a share), ``"change"``
        (over time: a KPI's change from last month, a rising topic, an improvement's effect),
        ``"difference"`` (between groups: a segment against the rest) or ``""`` (not said: the
        executive summary does not promote it).
    p_value : float, optional
        For a change or difference: the raw p-value of its test.
    q_value : float, optional
        That test's Benjamini-Hochberg adjusted p-value within its page's family of tests.
    survives_fdr : bool, optional
        Whether the page called it significant after its multiplicity check.

    Examples
    --------
    >>> f = Finding("NPS was 42 (38 to 46) in October.", importance=0.9, analysis="overview",
    ...             kind="level")
    >>> f.to_dict()["importance"], f.to_dict()["kind"]
    (0.9, 'level')
    >>> Finding.from_dict({"sentence": "Old file.", "importance": 0.5}).kind  # older files
    ''
    """

    sentence: str
    estimate: Estimate | None = None
    importance: float = 0.5
    analysis: str = ""
    kind: str = ""
    p_value: float | None = None
    q_value: float | None = None
    survives_fdr: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "sentence": self.sentence,
            "estimate": self.estimate.to_dict() if self.estimate is not None else None,
            "importance": float(self.importance),
            "analysis": self.analysis,
            "kind": self.kind,
            "p_value": _json_number(self.p_value),
            "q_value": _json_number(self.q_value),
            "survives_fdr": None if self.survives_fdr is None else bool(self.survives_fdr),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        est = data.get("estimate")
        survives = data.get("survives_fdr")
        return cls(
            sentence=data["sentence"],
            estimate=Estimate(**{k: _from_json_bound(k, v) for k, v in est.items()})
            if est
            else None,
            importance=float(data.get("importance", 0.5)),
            analysis=data.get("analysis", ""),
            kind=data.get("kind") or "",
            p_value=data.get("p_value"),
            q_value=data.get("q_value"),
            survives_fdr=None if survives is None else bool(survives),
        )


def _json_bound(value: Any) -> Any:
    """``value`` for JSON: None for NaN, ``"inf"``/``"-inf"`` for an infinite float."""
    if isinstance(value, float) and not math.isfinite(value):
        return None if math.isnan(value) else ("inf" if value > 0 else "-inf")
    return value


def _from_json_bound(key: str, value: Any) -> Any:
    if value is None and key in ("estimate", "ci_low", "ci_high"):
        return math.nan
    return float(value) if value in ("inf", "-inf") else value


def _json_number(value: float | None) -> float | None:
    """A float for JSON: None for missing or NaN."""
    if value is None or not math.isfinite(float(value)):
        return None
    return float(value)


@dataclass(frozen=True, eq=False)
class Result:
    """Base of every analysis result: a tidy ``table``, plain ``summary()``, ``plot()``.

    Subclasses are frozen dataclasses that add their own fields and override ``summary``,
    ``plot`` and ``findings``. Displaying a result in JupyterLab shows its summary and table.
    """

    table: pd.DataFrame = field(repr=False)

    def summary(self) -> str:
        """A few plain sentences for stakeholders."""
        return ""

    def findings(self) -> list[Finding]:
        """Headline findings for the executive summary (may be empty)."""
        return []

    def display_table(self) -> pd.DataFrame:
        """The table as a reader sees it (labels, CIs as text); ``table`` unless overridden."""
        return self.table

    def plot(self, ax=None):  # noqa: ANN001 - matplotlib Axes
        """Draw the result's standard chart on ``ax`` (a new figure when None); return the Axes."""
        raise NotImplementedError(f"{type(self).__name__} has no standard chart")

    def _repr_html_(self) -> str:
        from fbresearch.present.display import result_html

        return result_html(self)


@dataclass(frozen=True, eq=False)
class Unavailable(Result):
    """Stands in for a result an analysis could not produce; its summary says why.

    ``findings()`` is empty, ``plot()`` and every other optional method return the stand-in
    itself, and :func:`fbresearch.present.display.show` prints its message once, as a "not shown" block
    without the caption of the table or chart it replaces, so a page reads well whatever the
    data. Made by :func:`attempt`.
    """

    #: marks the stand-in for code that must not import this module (``present.display.show``)
    is_unavailable: ClassVar[bool] = True
    message: str = ""
    #: why, in a form a later step that needed this result can repeat ("it needs ...")
    reason: str = ""

    def summary(self) -> str:
        return self.message

    def __getattr__(self, name: str) -> Any:
        # Any other optional method of the result it stands in for (``trend()``,
        # ``representative()``, ...) answers with this same stand-in, so a page needs no guards.
        if name.startswith("_"):
            raise AttributeError(name)
        return lambda *args, **kwargs: self

    def plot(self, ax=None, **options):  # noqa: ANN001, ANN201
        # No empty chart: ``show`` prints the message once and skips the caption.
        return self


#: what :func:`attempt` calls each analysis (function ``__name__`` -> task) when ``what`` is not given
TASK_NAMES: dict[str, str] = {
    "suspicious_feedback": "Screening for suspicious feedback",
    "categorize": "Categorizing feedback",
    "category_kpis": "KPIs by category",
    "severity": "Severity grading",
    "severity_mix": "Severity mix",
    "response_times": "Response times",
    "close_the_loop": "Follow-up of detractors",
    "importance_performance": "The matrix",
    "key_drivers": "The driver regression",
    "driver_trend": "The change over time",
    "response_rate": "The response rate",
    "acknowledged_within": "The share acknowledged in time",
    "rfm_segments": "RFM segmentation",
    "customer_features": "Customer features",
    "cluster_segments": "Clustering",
    "profile_segments": "Satisfaction by RFM segment",
    "profile_attributes": "Satisfaction by customer attribute",
    "segment_migration": "Segment migration",
    "churn_risk": "Churn risk",
    "customer_value": "The value of satisfaction",
    "kpi_outlook": "The outlook",
}

_ORDERS = (
    "an orders file (who bought, when and for how much). Fix: name the orders export "
    '(customer_id, order_date, amount) in params: orders: "orders.csv"'
)
#: what an analysis needs, for :func:`attempt` when ``needs`` is not given (``__name__`` -> text)
TASK_NEEDS: dict[str, str] = {
    "rfm_segments": _ORDERS,
    "customer_features": _ORDERS,
    "profile_segments": _ORDERS,
    "segment_migration": _ORDERS,
    "churn_risk": _ORDERS,
    "customer_value": _ORDERS,
    "profile_attributes": "a customer attribute such as region, plan or age",
}


def attempt(
    analysis: Any,
    *args: Any,
    what: str | None = None,
    unavailable: type[Unavailable] = Unavailable,
    needs: str | None = None,
    **kwargs: Any,
) -> Result:
    """Run ``analysis(*args, **kwargs)``; on a data or analysis problem return an ``Unavailable``.

    Notebooks use it so that a page shows a clear message instead of a traceback. Only
    fbresearch's own errors (which carry a reader-ready message) are caught: a bug still raises.
    A first argument that is None (data the run was not given) is reported as missing data; with
    ``needs`` (what the input is and how to supply it, for the reader), so is any None argument.
    ``what`` names the task in the message; by default :data:`TASK_NAMES` names it from the
    function (else "This analysis"), and :data:`TASK_NEEDS` gives ``needs``.

    Examples
    --------
    >>> from fbresearch.analyses.kpis import ces
    >>> attempt(ces, [9], what="Customer effort").summary()  # doctest: +ELLIPSIS
    'Customer effort could not run: CES scores must be whole numbers from 1 to 7...'
    >>> attempt(ces, None, what="Customer effort").summary()
    'Customer effort is not shown: it needs data that this run was not given.'
    >>> attempt(ces, None, what="Customer effort", needs="a ces column (1-7)").summary()
    'Customer effort is not shown: it needs a ces column (1-7).'
    >>> from fbresearch.analyses.triage import severity_mix
    >>> attempt(severity_mix, None).summary()
    'Severity mix is not shown: it needs data that this run was not given.'
    """
    from fbresearch.errors import FbResearchError

    name = getattr(analysis, "__name__", "")
    what = TASK_NAMES.get(name, "This analysis") if what is None else what
    needs = TASK_NEEDS.get(name) if needs is None else needs
    # a missing first input, or (when the caller names what is needed) any missing input
    if (args and args[0] is None) or (needs and any(a is None for a in args)):
        reason = f"it needs {needs or 'data that this run was not given'}."
        return unavailable(
            table=pd.DataFrame(), message=f"{what} is not shown: {reason}", reason=reason
        )
    missing = next((a for a in args if isinstance(a, Unavailable)), None)
    if missing is not None:
        # an earlier step could not run: repeat its reason instead of failing on its stand-in
        reason = missing.reason or missing.message
        return unavailable(
            table=pd.DataFrame(), message=f"{what} is not shown: {reason}", reason=reason
        )
    try:
        return analysis(*args, **kwargs)
    except FbResearchError as err:
        reason = f"{what} could not run: {err}"
        return unavailable(table=pd.DataFrame(), message=reason, reason=reason)
