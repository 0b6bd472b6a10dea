"""The one formatter for values, intervals, p-values and confidence labels.

A base module: imports only the standard library (no other fbresearch modules), so any
module (plots, impact, display, report) can use it.
"""

from __future__ import annotations

import math

__all__ = [
    "format_signed",
    "confidence_label",
    "format_interval",
    "format_number",
    "format_p",
    "format_amount",
    "unit_phrase",
]

INTERVAL_SEPARATOR = " to "


def confidence_label(confidence: float | None = 0.95) -> str:
    """Label a confidence level as a percentage, e.g. ``"90%"``.

    Parameters
    ----------
    confidence : float or None, default 0.95
        Level as a fraction in (0, 1); ``None`` means the default 0.95.

    Returns
    -------
    str
        The level with no trailing zeros.

    Examples
    --------
    >>> confidence_label(0.9)
    '90%'
    >>> confidence_label(0.975)
    '97.5%'
    >>> confidence_label(None)
    '95%'
    """
    c = 0.95 if confidence is None else float(confidence)
    if not 0 < c < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence!r}")
    return f"{round(c * 100, 4):g}%"


def _missing(x: object) -> bool:
    try:
        return x is None or math.isnan(float(x))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return True


def format_number(
    x: float | None, digits: int = 1, *, percent: bool = False, grouped: bool = False
) -> str:
    """Format one value with fixed decimals, never showing ``-0``.

    Parameters
    ----------
    x : float or None
        The value; ``None``/NaN gives ``"–"``.
    digits : int, default 1
        Decimals.
    percent : bool, default False
        Multiply by 100 (a share shown as a percentage; no ``%`` sign is added).
    grouped : bool, default False
        Thousands separators (``9,045``), as amounts are written in sentences.

    Returns
    -------
    str

    Examples
    --------
    >>> format_number(42.04)
    '42.0'
    >>> format_number(-0.04)
    '0.0'
    >>> format_number(0.381, percent=True)
    '38.1'
    >>> format_number(9045.2, 0, grouped=True), format_number(-0.3, 0, grouped=True)
    ('9,045', '0')
    """
    if _missing(x):
        return "–"
    v = float(x) * (100 if percent else 1)  # type: ignore[arg-type]
    s = f"{v:{',' if grouped else ''}.{digits}f}"
    if s.startswith("-") and float(s.replace(",", "")) == 0:
        s = s[1:]
    return s


def format_signed(x: float | None, digits: int = 1, *, percent: bool = False) -> str:
    """A change with its sign (``+13``, ``-7``), never ``-0`` or ``+0``: zero has no sign.

    Examples
    --------
    >>> format_signed(13.2, 0), format_signed(-7.4, 0), format_signed(-0.2, 0)
    ('+13', '-7', '0')
    >>> format_signed(0.031, 1, percent=True)
    '+3.1'
    """
    text = format_number(x, digits, percent=percent)
    if text == "–" or text.startswith("-") or float(text.replace(",", "")) == 0:
        return text
    return f"+{text}"


def format_interval(
    low: float | None, high: float | None, digits: int = 1, *, percent: bool = False
) -> str:
    """Format an interval in the one style, ``"38.1 to 45.9"``.

    Parameters
    ----------
    low, high : float or None
        Bounds; a missing bound gives ``"–"``.
    digits : int, default 1
        Decimals of both bounds.
    percent : bool, default False
        Bounds are shares to show as percentages.

    Returns
    -------
    str

    Examples
    --------
    >>> format_interval(38.14, 45.87)
    '38.1 to 45.9'
    >>> format_interval(-0.001, 0.25, digits=2)
    '0.00 to 0.25'
    >>> format_interval(None, 1.0)
    '–'
    """
    if _missing(low) or _missing(high):
        return "–"
    return (
        f"{format_number(low, digits, percent=percent)}{INTERVAL_SEPARATOR}"
        f"{format_number(high, digits, percent=percent)}"
    )


def format_p(p: float | None) -> str:
    """Format a p-value in the one style: three decimals, ``"<0.001"`` below 0.001.

    Parameters
    ----------
    p : float or None
        The p-value; ``None``/NaN gives ``"–"``.

    Returns
    -------
    str

    Examples
    --------
    >>> format_p(0.04321)
    '0.043'
    >>> format_p(0.0004)
    '<0.001'
    >>> format_p(1.0)
    '1.000'
    """
    if _missing(p):
        return "–"
    v = float(p)  # type: ignore[arg-type]
    return "<0.001" if v < 0.001 else f"{v:.3f}"


def unit_phrase(spec: object) -> str:
    """The unit of a change of a metric, from its ``METRICS`` entry (:class:`fbresearch.schema.MetricSpec`).

    NPS: ``"points"`` (of -100 to 100); a share: ``"percentage points"``; a mean answer:
    ``"points on the 1-5 scale"`` (the scale from the entry); a count: its noun. Any object with
    the attributes ``unit``, ``scale`` and ``change_unit`` will do (this module imports no other
    fbresearch module).

    Examples
    --------
    >>> from fbresearch.schema import metric_spec
    >>> unit_phrase(metric_spec("csat")), unit_phrase(metric_spec("csat_mean"))
    ('percentage points', 'points on the 1-5 scale')
    >>> unit_phrase(metric_spec("nps")), unit_phrase(metric_spec("nps_answer"))
    ('points', 'points on the 0-10 scale')
    """
    unit = getattr(spec, "unit", "")
    change_unit = getattr(spec, "change_unit", "") or ""
    if unit == "score":
        low, high = getattr(spec, "scale", (None, None))
        return f"{change_unit or 'points'} on the {low:g}-{high:g} scale"
    return change_unit


def format_amount(value: float | None, spec: object, *, signed: bool = False) -> str:
    """The size of a change with its unit: ``"3.1 percentage points"``, ``"0.19 points on the 1-7 scale"``.

    Parameters
    ----------
    value : float or None
        The change, in the metric's own units (a share change as a fraction: 0.031).
    spec : MetricSpec
        The metric's entry of :data:`fbresearch.schema.METRICS` (``unit``, ``digits``,
        ``scale``, ``change_unit``).
    signed : bool, default False
        Show the sign (``+3.1``); otherwise the absolute size (the sentence says up or down).

    Examples
    --------
    >>> from fbresearch.schema import metric_spec
    >>> format_amount(0.031, metric_spec("csat"))
    '3.1 percentage points'
    >>> format_amount(-2.94, metric_spec("nps")), format_amount(0.19, metric_spec("ces"))
    ('2.9 points', '0.19 points on the 1-7 scale')
    >>> format_amount(-50, metric_spec("volume"), signed=True)
    '-50 responses'
    """
    if _missing(value):
        return "–"
    unit = getattr(spec, "unit", "")
    v = float(value) if signed else abs(float(value))  # type: ignore[arg-type]
    if unit == "count":
        text = f"{v:+,.0f}" if signed and round(v) != 0 else f"{v:,.0f}"
    else:
        digits, percent = int(getattr(spec, "digits", 1)), unit == "percent"
        fmt = format_signed if signed else format_number
        text = fmt(v, digits, percent=percent)
    phrase = unit_phrase(spec)
    return f"{text} {phrase}" if phrase else text
