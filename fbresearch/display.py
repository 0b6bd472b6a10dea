"""Showing results in notebooks and reports: escaped, formatted tables and numbered figures.

Everything a notebook displays goes through :func:`show`, so every string that reaches HTML is
escaped in one place, verbatims are redacted of personal data, and tables and figures are
numbered and captioned the same way. The report's stylesheet (``templates/report.css``) styles
the classes used here: ``fb-table``, ``fb-figure``, ``fb-caption``, ``fb-summary``, ``fb-note``.
"""

from __future__ import annotations

import base64
import html
import io
import math
import re
from typing import Any

import pandas as pd

__all__ = [
    "show",
    "table_html",
    "result_html",
    "figure_html",
    "escape",
    "format_value",
    "format_ci",
    "reset_numbering",
]

_counters = {"table": 0, "figure": 0}
_SHARE_WORDS = re.compile(r"(share|rate|pct|percent|proportion|prevalence)", re.IGNORECASE)
_MISSING = "–"
MAX_ROWS = 60


def reset_numbering() -> None:
    """Restart figure and table numbers at 1 (each report page numbers its own)."""
    _counters["table"] = 0
    _counters["figure"] = 0


def _next(kind: str) -> int:
    _counters[kind] += 1
    return _counters[kind]


def escape(text: Any) -> str:
    """HTML-escape any value (quotes included).

    Examples
    --------
    >>> escape("<script>alert(1)</script>")
    '&lt;script&gt;alert(1)&lt;/script&gt;'
    >>> escape('<img src=x onerror="alert(1)">')
    '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'
    """
    return html.escape("" if text is None else str(text), quote=True)


def _redact(text: str) -> str:
    try:
        from fbresearch.text.tokenize import redact
    except ImportError:
        return text
    return redact(text)


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    try:
        return bool(isinstance(value, float) and math.isnan(value))
    except TypeError:  # pragma: no cover
        return False


def format_value(value: Any, percent: bool = False, digits: int | None = None) -> str:
    """Format one value for a reader.

    Thousands separators; one decimal for ordinary numbers, three significant digits below 1;
    percentages for shares; dates without a midnight time; ``–`` for missing values.

    Examples
    --------
    >>> format_value(12345.678), format_value(42.04), format_value(0.01234), format_value(5000)
    ('12,346', '42.0', '0.0123', '5,000')
    >>> format_value(0.4213, percent=True)
    '42.1%'
    >>> format_value(pd.Timestamp("2026-10-31")), format_value(None)
    ('2026-10-31', '–')
    """
    if _is_missing(value):
        return _MISSING
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, pd.Timestamp):
        return (
            value.strftime("%Y-%m-%d")
            if value == value.normalize()
            else value.strftime("%Y-%m-%d %H:%M")
        )
    if isinstance(value, int) or (
        hasattr(value, "dtype") and getattr(value.dtype, "kind", "") in "iu"
    ):
        return f"{int(value):,}"
    if isinstance(value, float) or (
        hasattr(value, "dtype") and getattr(value.dtype, "kind", "") == "f"
    ):
        value = float(value)
        if math.isinf(value):
            return "∞" if value > 0 else "−∞"
        if percent:
            return f"{100 * value:,.{1 if digits is None else digits}f}%"
        if digits is not None:
            return f"{value:,.{digits}f}"
        if value == 0:
            return "0"
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        if abs(value) >= 1:
            return f"{value:,.1f}"
        return f"{value:.3g}"
    return str(value)


def format_ci(estimate: Any, low: Any, high: Any, percent: bool = False, digits: int = 1) -> str:
    """An estimate and its interval as ``42.0 (38.1–45.9)``; ``to`` when a bound is negative.

    Examples
    --------
    >>> format_ci(42.04, 38.1, 45.92)
    '42.0 (38.1–45.9)'
    >>> format_ci(-3.0, -5.1, -0.9)
    '-3.0 (-5.1 to -0.9)'
    >>> format_ci(0.42, 0.38, 0.46, percent=True, digits=0)
    '42% (38%–46%)'
    """
    if _is_missing(estimate):
        return _MISSING
    parts = [format_value(v, percent=percent, digits=digits) for v in (estimate, low, high)]
    if _is_missing(low) or _is_missing(high):
        return parts[0]
    negative = any(not _is_missing(v) and float(v) < 0 for v in (low, high))
    sep = " to " if negative else "–"
    return f"{parts[0]} ({parts[1]}{sep}{parts[2]})"


def _share_column(name: Any, values: pd.Series) -> bool:
    if not _SHARE_WORDS.search(str(name)):
        return False
    numeric = pd.to_numeric(values, errors="coerce").dropna()
    return bool(len(numeric)) and bool(numeric.between(0, 1).all()) and values.dtype.kind == "f"


def _readable(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` as strings ready for a reader (CIs joined, shares as percentages)."""
    data = frame.copy()
    if not isinstance(data.index, pd.RangeIndex):
        data = data.reset_index()
    data.columns = [str(c) for c in data.columns]
    out = pd.DataFrame(index=data.index)
    row_share = (
        data["unit"].astype("string").fillna("").eq("share")
        if "unit" in data.columns
        else pd.Series(False, index=data.index)
    )
    has_ci = {"estimate", "ci_low", "ci_high"} <= set(data.columns)
    level = ""
    if "confidence" in data.columns:
        conf = pd.to_numeric(data["confidence"], errors="coerce").dropna().unique()
        level = f"{100 * conf[0]:g}% " if len(conf) == 1 else ""
    skip = {"ci_low", "ci_high"} | ({"confidence", "unit"} if has_ci else set())
    for col in data.columns:
        if col in skip:
            continue
        values = data[col]
        if has_ci and col == "estimate":
            out[f"estimate ({level or '95% '}CI)"] = [
                format_ci(e, lo, hi, percent=bool(s))
                for e, lo, hi, s in zip(
                    values, data["ci_low"], data["ci_high"], row_share, strict=True
                )
            ]
            continue
        if col == "p_value":
            out[col] = [
                _MISSING
                if _is_missing(p)
                else ("<0.001" if float(p) < 0.001 else f"{float(p):.3f}")
                for p in values
            ]
            continue
        percent = _share_column(col, values)
        if col == "se":
            out[col] = [
                format_value(v, percent=bool(s)) for v, s in zip(values, row_share, strict=True)
            ]
            continue
        if values.dtype.kind in "OUT" or isinstance(values.dtype, pd.StringDtype):
            out[col] = [_MISSING if _is_missing(v) else _redact(format_value(v)) for v in values]
        else:
            out[col] = [format_value(v, percent=percent) for v in values]
    return out


def _numeric_columns(frame: pd.DataFrame) -> set[str]:
    data = frame if isinstance(frame.index, pd.RangeIndex) else frame.reset_index()
    return {
        str(c) for c in data.columns if data[c].dtype.kind in "iuf" or c in ("estimate", "p_value")
    }


def table_html(
    frame: pd.DataFrame,
    caption: str | None = None,
    index: bool | None = None,
    max_rows: int = MAX_ROWS,
) -> str:
    """Render a DataFrame as an escaped HTML table with readable numbers.

    Parameters
    ----------
    frame : DataFrame
    caption : str, optional
        Shown above the table (already numbered by :func:`show`).
    index : bool, optional
        Show the index; by default only a meaningful one (not a plain 0, 1, 2, ... RangeIndex).
    max_rows : int
        Longer tables show their first ``max_rows`` rows and say how many were left out.

    Examples
    --------
    >>> print(table_html(pd.DataFrame({"text": ["<b>hi</b>"], "n": [12345]})))  # doctest: +ELLIPSIS
    <table class="fb-table">...&lt;b&gt;hi&lt;/b&gt;...12,345...
    """
    data = frame
    if index is True and isinstance(data.index, pd.RangeIndex):
        data = data.reset_index()
    elif index is False and not isinstance(data.index, pd.RangeIndex):
        data = data.reset_index(drop=True)
    total = len(data)
    shown = data.iloc[:max_rows]
    readable = _readable(shown)
    numeric = _numeric_columns(shown)
    numeric |= {c for c in readable.columns if c.startswith("estimate (")}

    def cls(col: str) -> str:
        return ' class="num"' if col in numeric else ""

    head = "".join(f"<th{cls(c)}>{escape(c)}</th>" for c in readable.columns)
    rows = "".join(
        "<tr>"
        + "".join(
            f"<td{cls(c)}>{escape(v)}</td>" for c, v in zip(readable.columns, row, strict=True)
        )
        + "</tr>"
        for row in readable.itertuples(index=False, name=None)
    )
    cap = f"<caption>{escape(caption)}</caption>" if caption else ""
    more = (
        f'<tfoot><tr><td colspan="{len(readable.columns)}" class="fb-note">'
        f"First {max_rows:,} of {total:,} rows.</td></tr></tfoot>"
        if total > max_rows
        else ""
    )
    return (
        f'<table class="fb-table">{cap}<thead><tr>{head}</tr></thead>'
        f"<tbody>{rows}</tbody>{more}</table>"
    )


def result_html(result: Any, caption: str | None = None) -> str:
    """A result's summary paragraph followed by its table, both escaped."""
    summary = result.summary() if hasattr(result, "summary") else ""
    paragraph = f'<p class="fb-summary">{escape(_redact(summary))}</p>' if summary else ""
    shown = getattr(result, "display_table", None)
    table = shown() if callable(shown) else getattr(result, "table", None)
    return paragraph + (table_html(table, caption) if isinstance(table, pd.DataFrame) else "")


def figure_html(figure: Any, caption: str | None = None) -> str:
    """A matplotlib figure as an embedded PNG (a data URI: nothing is fetched) with its caption."""
    buffer = io.BytesIO()
    # No "Software"/date metadata: the same figure gives the same bytes on every run.
    figure.savefig(buffer, format="png", dpi=100, bbox_inches="tight", metadata={"Software": None})
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    alt = escape(caption or "Figure")
    cap = f'<figcaption class="fb-caption">{escape(caption)}</figcaption>' if caption else ""
    img = f'<img alt="{alt}" src="data:image/png;base64,{data}">'
    return f'<figure class="fb-figure">{img}{cap}</figure>'


def _html(markup: str) -> None:
    from IPython.display import HTML, display

    display(HTML(markup))


#: the stand-ins already shown on this page (see ``show``), held so that none is shown twice
_SHOWN_UNAVAILABLE: list[Any] = []


def show(obj: Any, caption: str | None = None) -> None:
    """Display a result, table, figure or Axes in a notebook, numbered and captioned.

    Parameters
    ----------
    obj : Result, DataFrame, Estimate, matplotlib Figure or Axes, or str
        What to show. A string is shown as an escaped paragraph (redacted of personal data).
    caption : str, optional
        Caption. Figures become "Figure N. caption" and tables (of DataFrames and results)
        "Table N. caption", numbered in the order they are shown.

    Notes
    -----
    Figures are embedded as PNG data URIs and closed, so no ``<Figure size ...>`` text appears
    and the page works offline.
    """
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from fbresearch.results import Unavailable

    if isinstance(obj, Unavailable):
        # once per stand-in (its plot() returns itself), and never under a caption that
        # would promise a table or chart the page does not have
        if not any(seen is obj for seen in _SHOWN_UNAVAILABLE):
            _SHOWN_UNAVAILABLE.append(obj)
            _html(f'<p class="fb-unavailable">{escape(_redact(obj.message))}</p>')
        return
    if isinstance(obj, Axes):
        obj = obj.figure
    if isinstance(obj, Figure):
        import matplotlib.pyplot as plt

        label = f"Figure {_next('figure')}. {caption}" if caption else f"Figure {_next('figure')}."
        _html(figure_html(obj, label))
        plt.close(obj)
        return
    label = f"Table {_next('table')}. {caption}" if caption else None
    if isinstance(obj, pd.Series):
        obj = obj.to_frame()
    if isinstance(obj, pd.DataFrame):
        _html(table_html(obj, label))
        return
    if isinstance(obj, str):
        _html(f'<p class="fb-text">{escape(_redact(obj))}</p>')
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
