"""The one table renderer: a DataFrame as an escaped HTML table with readable numbers.

Numbers, intervals and p-values are written with :mod:`fbresearch.format` conventions
(p-values by :func:`fbresearch.format.format_p`); thousands get separators; shares in share
columns become percentages; an ``estimate`` with ``ci_low``/``ci_high`` becomes one
``estimate (95% CI)`` column whose level is read from the table's ``confidence`` column;
missing values are ``–``; text cells are redacted of personal data and everything is escaped.

Anonymity (:func:`anonymize`): on a page with a threshold (a unit's page,
:func:`fbresearch.privacy.min_responses`), a row whose count (``n``, ``responses``, ``count``,
``cases``) is below it shows the notice instead of its numbers, and a verbatim of a group below
it is not shown.
"""

from __future__ import annotations

import html
import math
import re
from typing import Any

import numpy as np
import pandas as pd

from fbresearch.format import INTERVAL_SEPARATOR, confidence_label, format_number, format_p
from fbresearch.privacy import anonymity_note, hidden_group, min_responses, verbatims_hidden
from fbresearch.privacy import redact as _redact
from fbresearch.schema import CATEGORY_COLUMNS, METRICS, MetricSpec, display_label

__all__ = [
    "table_html",
    "anonymize",
    "readable",
    "escape",
    "format_value",
    "format_ci",
    "column_label",
    "code_column",
    "column_digits",
    "MISSING",
    "MAX_ROWS",
]

_SHARE_WORDS = re.compile(r"(share|rate|pct|percent|proportion|prevalence)", re.IGNORECASE)
#: The one missing-value mark of every table.
MISSING = "–"
#: Longer tables show their first MAX_ROWS rows.
MAX_ROWS = 60
#: Text cells longer than this many characters keep a readable width in a wide table.
LONG_TEXT = 40


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
        return MISSING
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
            return _grouped(value, 1 if digits is None else digits, percent=True) + "%"
        if digits is not None:
            return _grouped(value, digits)
        if value == 0:
            return "0"
        if abs(value) >= 1000:
            return _grouped(value, 0)
        if abs(value) >= 1:
            return _grouped(value, 1)
        return f"{value:.3g}"
    return str(value)


def _grouped(value: float, digits: int, *, percent: bool = False) -> str:
    """:func:`fbresearch.format.format_number` with thousands separators (``12,345.7``)."""
    text = format_number(value, digits, percent=percent)
    sign = "-" if text.startswith("-") else ""
    whole, dot, fraction = text.lstrip("-").partition(".")
    return f"{sign}{int(whole):,}{dot}{fraction}"


def format_ci(estimate: Any, low: Any, high: Any, percent: bool = False, digits: int = 1) -> str:
    """An estimate and its interval as ``42.0 (38.1 to 45.9)``: one interval style everywhere.

    Examples
    --------
    >>> format_ci(42.04, 38.1, 45.92)
    '42.0 (38.1 to 45.9)'
    >>> format_ci(-3.0, -5.1, -0.9)
    '-3.0 (-5.1 to -0.9)'
    >>> format_ci(0.42, 0.38, 0.46, percent=True, digits=0)
    '42% (38% to 46%)'
    """
    if _is_missing(estimate):
        return MISSING
    parts = [format_value(v, percent=percent, digits=digits) for v in (estimate, low, high)]
    if _is_missing(low) or _is_missing(high):
        return parts[0]
    return f"{parts[0]} ({parts[1]}{INTERVAL_SEPARATOR}{parts[2]})"


#: Column names as a reader sees them; other names get spaces for underscores and a capital.
COLUMN_LABELS = {
    "n": "n",
    "p": "p-value",
    "p_value": "p-value",
    "p-value": "p-value",
    "p_holm": "p (Holm-adjusted)",
    "small_sample": "Small sample",
    "odds_ratio": "Odds ratio",
    "revenue_share": "Share of revenue",
    "recency_days": "Recency (days)",
    "tenure_days": "Tenure (days)",
    "avg_order_value": "Average order value",
    "nps_mean": "NPS (mean)",
    "csat_mean": "CSAT (mean)",
    "ces_mean": "CES (mean)",
    "r_min": "R score from",
    "r_max": "R score to",
    "fm_min": "FM score from",
    "fm_max": "FM score to",
    "submitted_at": "Submitted",
    "hours_open": "Hours open",
    "later_nps": "Later NPS",
    "later_csat": "Later CSAT",
    "later_satisfied": "Later share satisfied",
    "later_ces": "Later CES",
    "top_topics": "Top topics",
}
# an estimate column and the names of its interval bounds
_INTERVALS = (("difference", "diff_low", "diff_high"),)
# estimates that own the plain ci_low/ci_high bounds in a table without an ``estimate`` column
_OWN_CI = ("odds_ratio", "rate_ratio", "effect")


# numeric columns on the scale of the row's estimate (a percentage where the row is a share)
_ROW_UNIT = {"se", "rest"}


def column_label(name: Any) -> str:
    """The reader's header for a column name (never a raw ``snake_case`` name).

    Examples
    --------
    >>> column_label("p_holm"), column_label("answered_again"), column_label("spend_z")
    ('p (Holm-adjusted)', 'Answered again', 'Spend (z)')
    >>> column_label("recency_days_z")
    'Recency (z)'
    >>> column_label("Change vs previous"), column_label("rating_delivery")
    ('Change vs previous', 'Delivery rating')
    """
    name = str(name)
    if name in COLUMN_LABELS:
        return COLUMN_LABELS[name]
    if name.endswith("_z") and len(name) > 2:
        base = column_label(name[:-2])
        return f"{base.split(' (')[0]} (z)"
    label = display_label(name)  # a code: "nps" -> "NPS", "rating_delivery" -> "Delivery rating"
    if label != name:
        return label
    text = name.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


#: columns (by name, any case; canonical or as a table heads them) whose cells are codes the page
#: shows by their display labels (:func:`fbresearch.schema.display_label`): "call_center" is
#: read as "Call center"; the data and the exported tables keep the codes
CODE_COLUMNS = frozenset(
    {
        *CATEGORY_COLUMNS,
        "stage",
        "segment",
        "severity",
        "grade",
        "group",
        "by",
        "dimension",
        "metric",
        "answer group",
    }
)


def code_column(name: Any) -> bool:
    """Whether a column's cells are codes shown by their display labels.

    Examples
    --------
    >>> code_column("channel"), code_column("Stage"), code_column("Excerpt")
    (True, True, False)
    """
    return str(name).casefold() in CODE_COLUMNS


def _is_p_column(name: str) -> bool:
    return name in ("p", "p_value", "p_holm") or name.startswith("p_adj")


def _share_column(name: Any, values: pd.Series) -> bool:
    if not _SHARE_WORDS.search(str(name)):
        return False
    numeric = pd.to_numeric(values, errors="coerce").dropna()
    return bool(len(numeric)) and bool(numeric.between(0, 1).all()) and values.dtype.kind == "f"


def _metric_of(name: Any) -> MetricSpec | None:
    """The METRICS entry a column or a row's ``metric`` value names (key or label), if any."""
    text = str(name).removeprefix("later_")
    for spec in METRICS.values():
        if text in (spec.key, spec.label):
            return spec
    return None


def column_digits(values: pd.Series) -> int:
    """Decimals of a numeric column: one style for every value in it.

    Whole numbers get none; otherwise the column's largest value gets three significant digits
    (0 to 3 decimals), so ``-0.179`` never stands beside ``4.7`` nor ``0.00948`` beside ``-0.2``.

    Examples
    --------
    >>> column_digits(pd.Series([3.0, 69.0])), column_digits(pd.Series([4.4, 0.857, 1.1]))
    (0, 2)
    >>> column_digits(pd.Series([74.4, 277.7])), column_digits(pd.Series([-8.7, -0.917, 12.0]))
    (0, 1)
    >>> column_digits(pd.Series([0.00948, -0.179]))
    3
    """
    numeric = pd.to_numeric(values, errors="coerce").astype(float)
    finite = numeric[np.isfinite(numeric)]
    if not len(finite) or bool((finite == finite.round()).all()):
        return 0
    largest = float(finite.abs().max())
    return int(min(3, max(0, 2 - math.floor(math.log10(largest)))))


def _empty(values: pd.Series) -> bool:
    """A column with nothing to read: every value missing or blank."""
    return all(_is_missing(v) or (isinstance(v, str) and not v.strip()) for v in values)


def readable(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` as strings ready for a reader (CIs joined, shares as percentages).

    The estimate's header is ``frame.attrs["estimate_label"]`` where the table names it.
    One number style per column: a column named by a metric (or a table whose rows each name
    their ``metric``) takes the METRICS registry's decimals, other numeric columns one style
    for all their values (:func:`column_digits`). Columns with nothing in them are left out.

    Examples
    --------
    >>> frame = pd.DataFrame({"estimate": [0.42], "ci_low": [0.38], "ci_high": [0.46],
    ...                       "unit": ["share"], "confidence": [0.9], "p_value": [0.0004]})
    >>> readable(frame).iloc[0].to_dict()
    {'Estimate (90% CI)': '42.0% (38.0% to 46.0%)', 'p-value': '<0.001'}
    >>> readable(pd.DataFrame({"rest": [4.7, -0.179], "metric": ["NPS", "NPS"]}))["Rest"].tolist()
    ['4.7', '-0.2']
    """
    data = frame.copy()
    if not isinstance(data.index, pd.RangeIndex):
        data = data.reset_index()
    data.columns = [str(c) for c in data.columns]
    if len(data):
        data = data[[c for c in data.columns if not _empty(data[c])]]
    out = pd.DataFrame(index=data.index)
    row_share = (
        data["unit"].astype("string").fillna("").eq("share")
        if "unit" in data.columns
        else pd.Series(False, index=data.index)
    )
    # each row's metric (its registry entry), where the table names one per row
    row_spec = [_metric_of(m) for m in data["metric"]] if "metric" in data.columns else None
    has_ci = {"estimate", "ci_low", "ci_high"} <= set(data.columns)
    # the level the table's own confidence column states (the default when it has none; no
    # level when its rows mix levels)
    level = f"{confidence_label(None)} "
    if "confidence" in data.columns:
        conf = pd.to_numeric(data["confidence"], errors="coerce").dropna().unique()
        level = f"{confidence_label(conf[0])} " if len(conf) == 1 else ""
    skip = {"ci_low", "ci_high"} | ({"confidence", "unit"} if has_ci else set())
    intervals = _INTERVALS
    if not has_ci:
        own = [c for c in _OWN_CI if c in data.columns]
        intervals += ((own[0], "ci_low", "ci_high"),) if own else ()
    bounds = {
        est: (low, high) for est, low, high in intervals if {est, low, high} <= set(data.columns)
    }
    skip |= {b for pair in bounds.values() for b in pair}
    if bounds:  # the level and the unit are stated in the joined interval's header and cells
        skip |= {"confidence", "unit"}
    for col in data.columns:
        if col in skip:
            continue
        values = data[col]
        label = column_label(col)
        if col == "estimate":  # a table may name what its estimate is ("Share of texts")
            label = str(frame.attrs.get("estimate_label", label))
        if (has_ci and col == "estimate") or col in bounds:
            low, high = bounds.get(col, ("ci_low", "ci_high"))
            digits = _row_digits(row_spec, data[[col, low, high]], row_share)
            out[f"{label} ({level}CI)"] = [
                _points(e, lo, hi, d)
                if s and col == "difference"
                else format_ci(e, lo, hi, percent=bool(s), digits=d)
                for e, lo, hi, s, d in zip(
                    values, data[low], data[high], row_share, digits, strict=True
                )
            ]
        elif _is_p_column(col):
            out[label] = [_p_text(p) for p in values]
        elif col in _ROW_UNIT and values.dtype.kind in "iuf":
            digits = _row_digits(row_spec, data[[col]], row_share)
            out[label] = [
                format_value(v, percent=bool(s), digits=d)
                for v, s, d in zip(values, row_share, digits, strict=True)
            ]
        elif values.dtype.kind == "b":
            out[label] = ["yes" if v else "no" for v in values]
        elif code_column(col) and values.dtype.kind not in "iufbM":
            out[label] = [
                MISSING if _is_missing(v) else _redact(format_value(display_label(v)))
                for v in values
            ]
        elif values.dtype.kind in "OUT" or isinstance(values.dtype, pd.StringDtype):
            out[label] = [MISSING if _is_missing(v) else _redact(format_value(v)) for v in values]
        else:
            out[label] = _numbers(col, values)
    return out


def _points(estimate: Any, low: Any, high: Any, digits: int) -> str:
    """A difference of two shares in percentage points: ``8.8 pp (2.0 to 14.9)``.

    Examples
    --------
    >>> _points(0.088, 0.02, 0.149, 1)
    '8.8 pp (2.0 to 14.9)'
    """
    if _is_missing(estimate):
        return MISSING
    scaled = [100 * float(v) if not _is_missing(v) else v for v in (estimate, low, high)]
    text = format_ci(*scaled, digits=digits)
    value, gap, interval = text.partition(" (")
    return f"{value} pp{gap}{interval}"


def _p_text(p: Any) -> str:
    """A p-value in the one style; text a narrative already wrote (``"<0.001"``) stays."""
    if _is_missing(p):
        return MISSING
    if isinstance(p, str):
        return _redact(p)
    return format_p(p)


def _numbers(col: str, values: pd.Series) -> list[str]:
    """A numeric column in one style: the registry's decimals for a metric column, else
    :func:`column_digits`; a share column as percentages."""
    spec = _metric_of(col)
    numeric = pd.to_numeric(values, errors="coerce").dropna()
    percent = _share_column(col, values) or (
        spec is not None
        and spec.unit == "percent"
        and values.dtype.kind == "f"
        and bool(numeric.between(0, 1).all())
    )
    if values.dtype.kind not in "f":
        return [format_value(v, percent=percent) for v in values]
    if spec is not None and spec.unit != "count":
        digits = spec.digits
    elif percent:
        digits = 1
    else:
        digits = column_digits(values)
    return [format_value(v, percent=percent, digits=digits) for v in values]


def _row_digits(
    row_spec: list[MetricSpec | None] | None, columns: pd.DataFrame, row_share: pd.Series
) -> list[int]:
    """Decimals of each row of an estimate (or row-unit) column: the row's metric's, else one
    style for the column (one decimal for shares)."""
    share = row_share.to_numpy()
    plain = column_digits(columns.stack()) if not share.all() else 1
    specs = row_spec or [None] * len(columns)
    return [
        spec.digits if spec is not None else (1 if s else plain)
        for spec, s in zip(specs, share, strict=True)
    ]


#: count columns whose rows the anonymity threshold applies to, and verbatim columns
_COUNTS = ("n", "responses", "count", "cases")
_VERBATIMS = ("excerpt", "text", "verbatim", "comment", "example")


def _counts(values: pd.Series) -> pd.Series:
    """A count column as numbers (``"1,234"`` too; anything else NaN)."""
    if values.dtype.kind in "iuf":
        return values.astype(float)
    text = values.astype("string").str.replace(",", "", regex=False)
    return pd.to_numeric(text, errors="coerce").astype(float)


def anonymize(frame: pd.DataFrame, minimum: int | None = None) -> pd.DataFrame:
    """The table without the rows and verbatims below the anonymity threshold.

    A row whose count (the first column named ``n``, ``responses``, ``count`` or ``cases``) is
    below ``minimum`` keeps its label columns (text columns before the count) and says
    :func:`~fbresearch.privacy.anonymity_note` in the count's place; its numbers become missing
    and its other texts blank. A verbatim (``excerpt``, ``text``, ...) is not shown when the
    page has fewer texts than the threshold or its row names a group (a channel) with fewer
    responses in the month (:func:`fbresearch.privacy.hidden_group`).

    Parameters
    ----------
    frame : DataFrame
    minimum : int, optional
        The threshold; ``None``: the page's (none outside a unit page: ``frame`` as it is).

    Examples
    --------
    >>> table = pd.DataFrame({"Category": ["Price", "Delivery"], "Responses": [40, 3],
    ...                       "NPS (95% CI)": ["12.0 (1.0 to 23.0)", "33.3 (-50.0 to 90.0)"]})
    >>> anonymize(table, 10).iloc[1].tolist()
    ['Delivery', 'fewer than 10 responses: not shown to protect anonymity', '']
    """
    minimum = min_responses() if minimum is None else minimum
    if minimum is None or frame.empty:
        return frame
    out = frame.copy()
    names = [str(c).casefold() for c in frame.columns]
    if any(name in _COUNTS for name in names):
        where = next(i for i, name in enumerate(names) if name in _COUNTS)
        small = (_counts(frame.iloc[:, where]) < minimum).to_numpy()
        for i, col in enumerate(frame.columns):
            values = frame[col]
            if small.any() and (i >= where or values.dtype.kind in "iufb"):
                masked = values.astype("object").copy()
                if i == where:
                    masked[small] = anonymity_note(minimum)
                else:
                    masked[small] = np.nan if values.dtype.kind in "iufbM" else ""
                out[col] = masked
    for col, name in zip(frame.columns, names, strict=True):
        if name in _VERBATIMS:
            hide = np.full(len(frame), verbatims_hidden())
            for group in frame.columns.drop(col):
                hide |= frame[group].map(lambda v, g=group: hidden_group(g, v)).to_numpy(bool)
            texts = out[col].astype("object").copy()
            texts[hide] = anonymity_note(minimum, "responses in its group")
            out[col] = texts if hide.any() else out[col]
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
    <div class="fb-table-wrap"><table class="fb-table">...&lt;b&gt;hi&lt;/b&gt;...12,345...
    """
    data = anonymize(frame)
    if index is True and isinstance(data.index, pd.RangeIndex):
        data = data.reset_index()
    elif index is False and not isinstance(data.index, pd.RangeIndex):
        data = data.reset_index(drop=True)
    total = len(data)
    shown = data.iloc[:max_rows]
    shown_text = readable(shown)
    numeric = {column_label(c) for c in _numeric_columns(shown)}
    numeric |= {c for c in shown_text.columns if c.endswith(" CI)")}

    def cls(col: str) -> str:
        return ' class="num"' if col in numeric else ""

    head = "".join(f"<th{cls(c)}>{escape(c)}</th>" for c in shown_text.columns)
    rows = "".join(
        "<tr>"
        + "".join(_cell(c, v, c in numeric) for c, v in zip(shown_text.columns, row, strict=True))
        + "</tr>"
        for row in shown_text.itertuples(index=False, name=None)
    )
    cap = f"<caption>{escape(caption)}</caption>" if caption else ""
    more = (
        f'<tfoot><tr><td colspan="{len(shown_text.columns)}" class="fb-note">'
        f"First {max_rows:,} of {total:,} rows.</td></tr></tfoot>"
        if total > max_rows
        else ""
    )
    if not total:  # a table with nothing in it says so instead of showing a bare header
        rows = (
            f'<tr><td colspan="{max(1, len(shown_text.columns))}" class="fb-note">None.</td></tr>'
        )

    # a wide table scrolls inside its own box instead of running off the page
    return (
        f'<div class="fb-table-wrap"><table class="fb-table">{cap}<thead><tr>{head}</tr></thead>'
        f"<tbody>{rows}</tbody>{more}</table></div>"
    )


def _cell(column: str, text: str, numeric: bool) -> str:
    """One cell; an estimate with its interval may break before the interval in a narrow table.

    Examples
    --------
    >>> _cell("Estimate (95% CI)", "42.0 (38.1 to 45.9)", True)
    '<td class="num fb-ci"><span>42.0</span> <span>(38.1 to 45.9)</span></td>'
    >>> _cell("n", "5", True), _cell("Name", "a (b)", False)
    ('<td class="num">5</td>', '<td>a (b)</td>')
    >>> _cell("Excerpt", "x" * 41, False)[:20]
    '<td class="fb-long">'

    """
    if not numeric:  # a long text keeps a readable width (the stylesheet's fb-long)
        return (
            f'<td class="fb-long">{escape(text)}</td>'
            if len(text) > LONG_TEXT
            else (f"<td>{escape(text)}</td>")
        )
    value, gap, interval = text.partition(" (")
    if not gap or not interval.endswith(")"):
        return f'<td class="num">{escape(text)}</td>'
    return (
        f'<td class="num fb-ci"><span>{escape(value)}</span> <span>({escape(interval)}</span></td>'
    )
