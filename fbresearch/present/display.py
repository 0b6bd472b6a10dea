"""Showing results in notebooks and reports: escaped, formatted tables and numbered figures.

Tables are rendered by :mod:`fbresearch.present.tables` (the one table renderer); this module
numbers and captions them and the figures, and displays them.

Everything a notebook displays goes through :func:`show`, so every string that reaches HTML is
escaped in one place, verbatims are redacted of personal data, and tables and figures are
numbered and captioned the same way. The report's stylesheet (``templates/report.css``) styles
the classes used here: ``fb-table``, ``fb-figure``, ``fb-caption``, ``fb-summary``, ``fb-note``.
"""

from __future__ import annotations

import base64
import io
from typing import Any

import pandas as pd

from fbresearch.present.exports import record_table
from fbresearch.present.tables import (
    MAX_ROWS,
    anonymize,
    escape,
    format_ci,
    format_value,
    table_html,
)
from fbresearch.privacy import redact as _redact

__all__ = [
    "show",
    "table_html",
    "result_html",
    "figure_html",
    "escape",
    "format_value",
    "format_ci",
    "reset_numbering",
    "analysts_html",
    "unavailable_html",
    "MAX_ROWS",
]

_counters = {"table": 0, "figure": 0}


def reset_numbering() -> None:
    """Restart figure and table numbers at 1 (each report page numbers its own).

    Examples
    --------
    >>> _ = _next("table"); reset_numbering(); _next("table")
    1
    """
    _counters["table"] = 0
    _counters["figure"] = 0


def _next(kind: str) -> int:
    _counters[kind] += 1
    return _counters[kind]


def result_html(result: Any, caption: str | None = None) -> str:
    """A result's summary paragraph followed by its table, both escaped.

    Examples
    --------
    >>> from fbresearch.results import Result
    >>> class R:
    ...     table = pd.DataFrame({"n": [5]})
    ...     def summary(self):
    ...         return "Five <responses>."
    >>> result_html(R())  # doctest: +ELLIPSIS
    '<p class="fb-summary">Five &lt;responses&gt;.</p><div class="fb-table-wrap"><table ...'
    """
    summary = result.summary() if hasattr(result, "summary") else ""
    paragraph = f'<p class="fb-summary">{escape(_redact(summary))}</p>' if summary else ""
    table = _shown_table(result)
    return paragraph + (table_html(table, caption) if table is not None else "")


def redact_figure(figure: Any) -> None:
    """Redact personal data in every text of a figure: tick labels, titles, legends, notes.

    Category values (a channel or region holding a phone number, a topic label) reach charts as
    tick labels, which matplotlib makes only when the figure is drawn: each axis's tick
    formatter is wrapped in one that redacts what it writes (no extra draw), and every other
    text artist is redacted in place.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> _ = ax.bar(["call 13912345678", "web"], [3, 4])
    >>> redact_figure(fig)
    >>> fig.canvas.draw()
    >>> [t.get_text() for t in ax.get_xticklabels()]
    ['call [phone]', 'web']
    >>> plt.close(fig)
    """
    from matplotlib.text import Text

    from fbresearch.present.plots.base import RedactingFormatter

    for ax in figure.axes:
        for axis in (ax.xaxis, ax.yaxis):
            base = axis.get_major_formatter()
            if not isinstance(base, RedactingFormatter):
                axis.set_major_formatter(RedactingFormatter(base, _redact))
    for text in figure.findobj(Text):
        value = text.get_text()
        if value and _redact(value) != value:
            text.set_text(_redact(value))


def figure_html(figure: Any, caption: str | None = None) -> str:
    """A matplotlib figure as an embedded PNG (a data URI: nothing is fetched) with its caption.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> figure_html(fig, "Figure 1. Volume")[:75]
    '<figure class="fb-figure"><img alt="Figure 1. Volume" src="data:image/png;b'
    >>> plt.close(fig)
    """
    redact_figure(figure)
    buffer = io.BytesIO()
    # No "Software"/date metadata: the same figure gives the same bytes on every run.
    figure.savefig(buffer, format="png", dpi=100, bbox_inches="tight", metadata={"Software": None})
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    alt = escape(caption or "Figure")
    cap = f'<figcaption class="fb-caption">{escape(caption)}</figcaption>' if caption else ""
    img = f'<img alt="{alt}" src="data:image/png;base64,{data}">'
    return f'<figure class="fb-figure">{img}{cap}</figure>'


#: where a message's plain words end and its setup detail (columns, files, params) begins
FIX_MARK = " Fix: "


def analysts_html(detail: str) -> str:
    """The page's line of setup detail for analysts: "For analysts: ...", small, escaped.

    Examples
    --------
    >>> analysts_html("map it in params: columns: {touchpoint: <yours>}")
    '<p class="fb-analysts">For analysts: map it in params: columns: {touchpoint: &lt;yours&gt;}</p>'
    """
    return f'<p class="fb-analysts">For analysts: {escape(_redact(detail.strip()))}</p>'


def unavailable_html(message: str) -> str:
    """A "not shown" block: the plain words of ``message``, then its ``Fix:`` (the columns,
    files and params keys that would enable it) on a "For analysts:" line.

    Examples
    --------
    >>> print(unavailable_html("Churn is not shown: it needs the orders. Fix: set orders: x.csv"))
    <p class="fb-unavailable">Churn is not shown: it needs the orders.</p><p class="fb-analysts">For analysts: set orders: x.csv</p>
    """
    plain, mark, fix = message.partition(FIX_MARK)
    block = f'<p class="fb-unavailable">{escape(_redact(plain.strip()))}</p>'
    return block + (analysts_html(fix) if mark and fix.strip() else "")


def _html(markup: str) -> None:
    from IPython.display import HTML, display

    display(HTML(markup))


#: the stand-ins already shown on this page (see ``show``), held so that none is shown twice
_SHOWN_UNAVAILABLE: list[Any] = []


def show(obj: Any, caption: str | None = None, *, full: pd.DataFrame | None = None) -> None:
    """Display a result, table, figure or Axes in a notebook, numbered and captioned.

    Parameters
    ----------
    obj : Result, DataFrame, Estimate, matplotlib Figure or Axes, or str
        What to show. A string is shown as an escaped paragraph (redacted of personal data);
        what follows ``" Fix: "`` in it (or in an ``Unavailable``'s message: the column, file
        or params key that would supply what is missing) goes on a "For analysts:" line.
    caption : str, optional
        Caption. Figures become "Figure N. caption" and tables (of DataFrames and results)
        "Table N. caption", numbered in the order they are shown. Without one, a result with a
        ``caption()`` method is captioned by it (an ``Unavailable`` shows its message only).
    full : DataFrame, optional
        For a table that shows the first rows of a longer one (a top 10): the whole table, which
        the report's workbook and CSVs hold instead of the rows shown.

    Notes
    -----
    Figures are embedded as PNG data URIs and closed, so no ``<Figure size ...>`` text appears
    and the page works offline. In a report run every table shown is also recorded for the
    period's ``tables.xlsx`` and CSVs (:mod:`fbresearch.present.exports`).

    Examples
    --------
    Outside a notebook the HTML goes to IPython's display (a text repr in a terminal):

    >>> reset_numbering()
    >>> show(pd.DataFrame({"n": [1]}), caption="Counts")  # doctest: +SKIP
    """
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    if getattr(obj, "is_unavailable", False) is True:  # a results.Unavailable stand-in
        # once per stand-in (its plot() returns itself), and never under a caption that
        # would promise a table or chart the page does not have
        if not any(seen is obj for seen in _SHOWN_UNAVAILABLE):
            _SHOWN_UNAVAILABLE.append(obj)
            _html(unavailable_html(obj.message))
        return
    if isinstance(obj, Axes):
        obj = obj.figure
    if isinstance(obj, Figure):
        import matplotlib.pyplot as plt

        label = f"Figure {_next('figure')}. {caption}" if caption else f"Figure {_next('figure')}."
        _html(figure_html(obj, label))
        plt.close(obj)
        return
    if caption is None and not isinstance(obj, pd.DataFrame | pd.Series | str):
        # a result names its own table: its caption() (with the run's confidence level)
        own = getattr(obj, "caption", None)
        caption = own() if callable(own) else None
    number = _next("table") if caption else None
    label = f"Table {number}. {caption}" if caption else None
    if isinstance(obj, pd.Series):
        obj = obj.to_frame()
    if isinstance(obj, pd.DataFrame):
        _html(table_html(obj, label))
        record_table(anonymize(obj if full is None else full), number, caption)
        return
    if isinstance(obj, str):
        plain, mark, fix = obj.partition(FIX_MARK)  # setup detail goes on the analysts' line
        if plain.strip():  # nothing to say (e.g. no targets set): no empty paragraph
            _html(f'<p class="fb-text">{escape(_redact(plain))}</p>')
        if mark and fix.strip():
            _html(analysts_html(fix))
        return
    if hasattr(obj, "format") and hasattr(obj, "ci_low"):  # an Estimate
        name = f"{obj.name}: " if getattr(obj, "name", "") else ""
        percent = getattr(obj, "unit", "") == "share"
        _html(
            f'<p class="fb-estimate">{escape(name)}<strong>'
            f"{escape(format_ci(obj.estimate, obj.ci_low, obj.ci_high, percent=percent))}"
            "</strong></p>"
        )
        return
    _html(result_html(obj, label))
    table = _shown_table(obj)
    if table is not None:
        record_table(anonymize(table if full is None else full), number, caption)


def _shown_table(result: Any) -> pd.DataFrame | None:
    """The table :func:`result_html` shows of a result (its ``display_table()`` or ``.table``)."""
    shown = getattr(result, "display_table", None)
    table = shown() if callable(shown) else getattr(result, "table", None)
    return table if isinstance(table, pd.DataFrame) else None
