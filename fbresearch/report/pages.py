"""What each report page needs: a small declarative table, one row per notebook.

The runner writes every canonical file once and each notebook loads what it needs with
``fb.load_inputs(..., drop=[...])``; this table says, per page, which input files it reads, the
canonical columns its analyses use (a page without one of them says what is missing instead of
failing), the columns it drops when it loads (pages without verbatims never hold the texts), and
which page's parameters set the headline KPIs of the period's index page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Page", "PAGES", "HEADLINE_PAGE", "HEADLINE_KPIS", "page", "headline_confidence"]


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
    """

    name: str
    files: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()
    drops: tuple[str, ...] = ()


#: The pages of the default report, in run order (``params.NOTEBOOK_ORDER``).
PAGES: dict[str, Page] = {
    p.name: p
    for p in (
        Page(
            "overview",
            files=("invitations", "quality"),
            columns=("submitted_at", "channel", "nps", "csat", "ces"),
            drops=("text",),
        ),
        Page(
            "segmentation",
            files=("orders",),
            columns=("submitted_at", "customer_id", "channel", "region", "plan", "nps", "csat"),
            drops=("text",),
        ),
        Page(
            "topics",
            columns=("submitted_at", "text", "language", "channel", "product", "nps", "csat"),
        ),
        Page(
            "drivers",
            columns=("submitted_at", "nps", "csat", "ces", "rating_*", "channel", "region"),
            drops=("text",),
        ),
        Page("improvement", columns=("submitted_at", "region", "csat", "nps"), drops=("text",)),
        Page("closed_loop", columns=("submitted_at", "text", "channel", "plan", "nps")),
    )
}

#: The page whose ``confidence`` parameter sets the index page's headline KPI intervals, so the
#: index page and that page can never disagree.
HEADLINE_PAGE = "overview"
#: The headline KPIs of the index page: (column, label).
HEADLINE_KPIS: tuple[tuple[str, str], ...] = (("nps", "NPS"), ("csat", "CSAT"), ("ces", "CES"))


def page(name: str) -> Page:
    """The table row of a page; a notebook not in the table needs only the feedback file.

    Examples
    --------
    >>> page("overview").drops
    ('text',)
    >>> page("my_extra_page")
    Page(name='my_extra_page', files=(), columns=(), drops=())
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
