"""Seaborn figures for every report, in one theme.

Result objects' ``.plot()`` methods call the functions here; this module imports no analysis.
Each function takes tidy data and column names, accepts ``ax=`` and returns the Axes.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import matplotlib.pyplot as plt
import seaborn as sns
from matplotlib import font_manager

__all__ = ["set_theme", "new_axes", "PALETTE", "QUADRANT_COLORS"]

#: Colour-blind-safe palette used across reports (seaborn's "colorblind").
PALETTE = sns.color_palette("colorblind")
#: One colour per importance-performance quadrant, shared by tables and charts.
QUADRANT_COLORS = {
    "fix first": PALETTE[3],
    "keep up": PALETTE[2],
    "low priority": PALETTE[7],
    "possible overkill": PALETTE[0],
}


@cache
def _cjk_font_name() -> str | None:
    """Register the Noto Sans CJK font shipped by ``mplfonts`` and return its family name.

    Registering by path (``font_manager.addfont``) needs no system font and no change to the
    user's matplotlibrc, so Chinese renders as characters on a fresh machine.
    """
    try:
        import mplfonts
    except ImportError:  # pragma: no cover - mplfonts is a runtime dependency
        return None
    path = Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"
    if not path.exists():  # pragma: no cover
        return None
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def set_theme(context: str = "notebook") -> None:
    """Apply the report theme: seaborn whitegrid, colour-blind palette, CJK-capable fonts.

    Examples
    --------
    >>> set_theme()
    >>> import matplotlib
    >>> "Noto Sans CJK SC" in matplotlib.rcParams["font.family"]
    True
    """
    sns.set_theme(context=context, style="whitegrid", palette=PALETTE)
    cjk = _cjk_font_name()
    # An explicit family list (not the generic "sans-serif") makes matplotlib fall back glyph by
    # glyph: Latin from DejaVu Sans, Chinese from Noto Sans CJK.
    plt.rcParams["font.family"] = ["DejaVu Sans"] + ([cjk] if cjk else [])
    plt.rcParams["axes.unicode_minus"] = False
    plt.rcParams["figure.dpi"] = 100
    plt.rcParams["savefig.dpi"] = 100
    plt.rcParams["figure.figsize"] = (8, 4.5)
    # The CJK font has one weight; a bold title would make matplotlib log a fallback warning.
    plt.rcParams["axes.titleweight"] = "normal"
    plt.rcParams["axes.titlesize"] = "large"


def new_axes(ax=None, figsize: tuple[float, float] | None = None):  # noqa: ANN001, ANN201
    """Return ``ax``, or the Axes of a new themed figure when ``ax`` is None."""
    if ax is not None:
        return ax
    set_theme()
    _, ax = plt.subplots(figsize=figsize)
    return ax
