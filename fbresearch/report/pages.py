"""What each report page needs: a small declarative table, one row per notebook.

The runner writes every canonical file once and each notebook loads what it needs with
``fb.load_inputs(..., drop=[...])``; this table says, per page, which input files it reads, the
canonical columns its analyses use (a page without one of them says what is missing instead of
failing), the columns it drops when it loads (pages without verbatims never hold the texts), and
which page's parameters set the headline KPIs of the period's index page.

Each page is also a list of :class:`Section` s (the cells of a notebook tagged
``section:<key>``) with what each one needs, as simple tokens (:data:`NEEDS`), so that the
runner can plan a page before it runs (:mod:`fbresearch.report.plan`): complete, partial (some
sections left out) or skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = [
    "Section",
    "NEEDS",
    "Page",
    "PAGES",
    "HEADLINE_PAGE",
    "HEADLINE_KPIS",
    "page",
    "headline_confidence",
]


#: The tokens a section may need (``<n>`` a whole number).
NEEDS: dict[str, str] = {
    "file:<kind>": "the run has that input file (orders, invitations)",
    "column:<name>": "that canonical column has answers up to the period",
    "outcome": "any of nps, csat, satisfied, ces has answers",
    "outcome:<name>": "that outcome has answers",
    "text": "non-empty texts",
    "ratings:<n>": "at least n rating_* columns with answers",
    "months:<n>": "responses in at least n months up to the period",
    "attribute": "at least one segment attribute column",
    "improvements": "params declare at least one improvement",
}


@dataclass(frozen=True)
class Section:
    """One section of a page: the notebook cells tagged ``section:<key>``.

    Attributes
    ----------
    key : str
    title : str
        Its heading on the page.
    needs : tuple of str
        Tokens of :data:`NEEDS`; empty: always shown.

    Examples
    --------
    >>> Section("channel", "Responses by channel", ("column:channel",)).needs
    ('column:channel',)
    """

    key: str
    title: str
    needs: tuple[str, ...] = ()


def _sections(*rows: tuple[str, str, tuple[str, ...]]) -> tuple[Section, ...]:
    return tuple(Section(key, title, needs) for key, title, needs in rows)


@dataclass(frozen=True)
class Page:
    """One report page (notebook).

    Attributes
    ----------
    name : str
        The notebook's file name without ``.ipynb``.
    files : tuple of str
        Inputs it reads besides ``feedback``: ``orders``, ``invitations``, ``quality``.
    columns : tuple of str
        Canonical feedback columns its analyses use (``rating_*``: every attribute rating).
    drops : tuple of str
        Columns it leaves on disk when it loads (``text``: the page shows no verbatims).
    sections : tuple of Section
        Its sections in page order (none: the page has no plan and always runs whole).
    outcome_parameter : str or None
        The notebook parameter naming the outcome(s) it reports (a name or a list); the plan
        sets it to an outcome the data has when its default has no answers.
    """

    name: str
    files: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()
    drops: tuple[str, ...] = ()
    sections: tuple[Section, ...] = ()
    outcome_parameter: str | None = None


#: The pages of the default report, in run order (``params.NOTEBOOK_ORDER``).
PAGES: dict[str, Page] = {
    p.name: p
    for p in (
        Page(
            "overview",
            outcome_parameter="metrics",
            files=("invitations", "quality"),
            columns=("submitted_at", "channel", "nps", "csat", "ces"),
            drops=("text",),
            sections=_sections(
                ("kpis", "Headline KPIs for the month", ("outcome",)),
                ("trends", "Trends over the past year", ("outcome", "months:2")),
                ("channel", "Responses by channel", ("column:channel",)),
                ("response_rate", "Response rate", ("file:invitations", "column:channel")),
                ("acknowledged", "Acknowledged in time", ("column:responded_at",)),
                ("quality", "Data quality", ()),
            ),
        ),
        Page(
            "segmentation",
            outcome_parameter="metrics",
            files=("orders",),
            columns=("submitted_at", "customer_id", "channel", "region", "plan", "nps", "csat"),
            drops=("text",),
            sections=_sections(
                ("rfm", "RFM segments: size and revenue", ("file:orders",)),
                ("clusters", "Behavioural clusters", ("file:orders",)),
                ("rfm_satisfaction", "Satisfaction by RFM segment", ("file:orders", "outcome")),
                ("attributes", "Satisfaction by customer attribute", ("attribute", "outcome")),
                ("migration", "Movement between segments since last month", ("file:orders",)),
                ("churn", "Churn risk", ("file:orders", "column:customer_id", "outcome")),
            ),
        ),
        Page(
            "topics",
            outcome_parameter="pain_metric",
            columns=("submitted_at", "text", "language", "channel", "product", "nps", "csat"),
            sections=_sections(
                ("topics", "What customers talk about", ("text",)),
                ("prevalence", "How the topics moved over the months", ("text", "months:2")),
                ("emerging", "Rising and falling topics this month", ("text", "months:2")),
                (
                    "pain_points",
                    "Pain points: which topics go with low scores",
                    ("text", "outcome"),
                ),
                ("tone", "Tone of comments without a score", ("text",)),
                ("selection", "How the number of topics was chosen", ("text",)),
            ),
        ),
        Page(
            "drivers",
            outcome_parameter="outcome",
            columns=("submitted_at", "nps", "csat", "ces", "rating_*", "channel", "region"),
            drops=("text",),
            sections=_sections(
                (
                    "matrix",
                    "What to fix first: the importance-performance matrix",
                    ("outcome", "ratings:2"),
                ),
                ("regression", "How much each rating point is worth", ("outcome", "ratings:2")),
                ("trend", "Has anything changed?", ("outcome", "ratings:2", "months:2")),
            ),
        ),
        Page(
            "improvement",
            columns=("submitted_at", "region", "csat", "nps"),
            drops=("text",),
            sections=_sections(
                ("improvements", "The improvements, one by one", ("improvements",)),
            ),
        ),
        Page(
            "closed_loop",
            outcome_parameter="outcome",
            columns=("submitted_at", "text", "channel", "plan", "nps"),
            sections=_sections(
                ("suspicious", "Suspicious feedback", ("text",)),
                ("categories", "Feedback by category", ("text",)),
                ("severity", "Severity", ()),
                ("response_times", "Response times", ("column:responded_at",)),
                ("follow_up", "Following up unhappy customers", ("outcome",)),
            ),
        ),
        Page(
            "value",
            outcome_parameter="outlook_metrics",
            files=("orders",),
            columns=("submitted_at", "customer_id", "plan", "nps", "csat"),
            drops=("text",),
            sections=_sections(
                (
                    "value",
                    "What satisfaction is worth",
                    ("file:orders", "column:customer_id", "outcome:nps"),
                ),
                (
                    "outlook",
                    "Outlook: the next three months",
                    ("file:orders", "outcome", "months:7"),
                ),
            ),
        ),
        Page(
            "journey",
            outcome_parameter="metrics",
            columns=("submitted_at", "touchpoint", "text", "nps", "csat", "ces", "rating_*"),
            sections=_sections(
                ("stages", "Satisfaction along the journey", ("column:touchpoint",)),
                ("profiles", "What customers raise at each stage", ("column:touchpoint",)),
            ),
        ),
    )
}

#: The page whose ``confidence`` parameter sets the index page's headline KPI intervals, so the
#: index page and that page can never disagree.
HEADLINE_PAGE = "overview"
#: The headline KPIs of the index page: (column, label).
HEADLINE_KPIS: tuple[tuple[str, str], ...] = (
    ("nps", "NPS"),
    ("csat", "CSAT"),
    ("satisfied", "Satisfied"),
    ("ces", "CES"),
)


def page(name: str) -> Page:
    """The table row of a page; a notebook not in the table needs only the feedback file.

    Examples
    --------
    >>> page("overview").drops
    ('text',)
    >>> page("my_extra_page")
    Page(name='my_extra_page', files=(), columns=(), drops=(), sections=(), outcome_parameter=None)
    """
    return PAGES.get(name, Page(name))


def headline_confidence(parameters: dict[str, Any] | None, default: float = 0.95) -> float:
    """The confidence of the headline KPIs: the headline page's ``confidence`` parameter.

    Parameters
    ----------
    parameters : dict or None
        The parameters the headline page runs with (params' own plus its notebook's defaults);
        None when the report does not run that page.
    default : float
        Used when the page is not run or sets no ``confidence``.

    Examples
    --------
    >>> headline_confidence({"confidence": 0.9})
    0.9
    >>> headline_confidence(None)
    0.95
    """
    value = (parameters or {}).get("confidence")
    return default if value is None else float(value)
