"""The one formatter for values, intervals, p-values and confidence labels.

A base module: imports only the standard library (no other fbresearch modules), so any
module (plots, impact, display, report) can use it.
"""

from __future__ import annotations

import math

__all__ = ["format_signed", "confidence_label", "format_interval", "format_number", "format_p"]

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


def format_number(x: float | None, digits: int = 1, *, percent: bool = False) -> str:
    """Format one value with fixed decimals, never showing ``-0``.

    Parameters
    ----------
    x : float or None
        The value; ``None``/NaN gives ``"–"``.
    digits : int, default 1
        Decimals.
    percent : bool, default False
        Multiply by 100 (a share shown as a percentage; no ``%`` sign is added).

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
    """
    if _missing(x):
        return "–"
    v = float(x) * (100 if percent else 1)  # type: ignore[arg-type]
    s = f"{v:.{digits}f}"
    if s.startswith("-") and float(s) == 0:
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
