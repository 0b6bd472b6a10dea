"""Showing results in notebooks and reports: escaped, formatted tables and numbered figures.

Everything a notebook displays goes through :func:`show`, so every string that reaches HTML is
escaped in one place and tables and figures are numbered and captioned the same way.
"""

from __future__ import annotations

import html
import itertools
from typing import Any

import pandas as pd

__all__ = ["show", "table_html", "result_html", "escape"]

_counters = {"table": itertools.count(1), "figure": itertools.count(1)}


def escape(text: Any) -> str:
    """HTML-escape any value (quotes included).

    Examples
    --------
    >>> escape("<script>alert(1)</script>")
    '&lt;script&gt;alert(1)&lt;/script&gt;'
    """
    return html.escape("" if text is None else str(text), quote=True)


def _format_cell(value: Any) -> str:
    if isinstance(value, float):
        if pd.isna(value):
            return "-"
        return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:,.3g}" if abs(value) < 1 else f"{value:,.1f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def table_html(frame: pd.DataFrame, caption: str | None = None, index: bool = False) -> str:
    """Render a DataFrame as an escaped HTML table with readable numbers.

    Examples
    --------
    >>> print(table_html(pd.DataFrame({"text": ["<b>hi</b>"], "n": [12345]})))  # doctest: +ELLIPSIS
    <table class="fb-table">...&lt;b&gt;hi&lt;/b&gt;...12,345...
    """
    data = frame.reset_index() if index else frame
    head = "".join(f"<th>{escape(c)}</th>" for c in data.columns)
    rows = "".join(
        "<tr>" + "".join(f"<td>{escape(_format_cell(v))}</td>" for v in row) + "</tr>"
        for row in data.itertuples(index=False, name=None)
    )
    cap = f"<caption>{escape(caption)}</caption>" if caption else ""
    return f'<table class="fb-table">{cap}<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'


def result_html(result: Any) -> str:
    """A result's summary paragraph followed by its table, both escaped."""
    summary = result.summary()
    paragraph = f'<p class="fb-summary">{escape(summary)}</p>' if summary else ""
    return paragraph + table_html(result.table)


def show(obj: Any, caption: str | None = None) -> None:
    """Display a result, table, figure or Axes in a notebook, numbered and captioned.

    Parameters
    ----------
    obj : Result, DataFrame, matplotlib Figure or Axes, or str
        What to show. A string is shown as an escaped paragraph.
    caption : str, optional
        Caption; tables and figures are numbered in the order they are shown.
    """
    from IPython.display import HTML, display
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    if isinstance(obj, Axes):
        obj = obj.figure
    if isinstance(obj, Figure):
        import matplotlib.pyplot as plt

        display(obj)
        plt.close(obj)
        if caption:
            number = next(_counters["figure"])
            display(HTML(f'<p class="fb-caption">Figure {number}. {escape(caption)}</p>'))
        return
    if isinstance(obj, pd.DataFrame):
        label = f"Table {next(_counters['table'])}. {caption}" if caption else None
        display(HTML(table_html(obj, label)))
        return
    if isinstance(obj, str):
        display(HTML(f"<p>{escape(obj)}</p>"))
        return
    display(HTML(result_html(obj)))
