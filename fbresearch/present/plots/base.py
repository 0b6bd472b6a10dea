"""The shared figure theme: palette, CJK-capable fonts, themed Axes and error-bar lengths.

Every figure module under :mod:`fbresearch.present.plots` builds on these; this module imports
no analysis.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import seaborn as sns
from matplotlib import font_manager
from matplotlib.ticker import Formatter

__all__ = ["PALETTE", "set_theme", "new_axes", "RedactingFormatter"]

#: Colour-blind-safe palette used across reports (seaborn's "colorblind").
PALETTE = sns.color_palette("colorblind")


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
    """Return ``ax``, or the Axes of a new themed figure when ``ax`` is None.

    Examples
    --------
    >>> ax = new_axes(figsize=(4, 3))
    >>> new_axes(ax) is ax, ax.figure.get_size_inches().tolist()
    (True, [4.0, 3.0])
    >>> plt.close(ax.figure)
    """
    if ax is not None:
        return ax
    set_theme()
    _, ax = plt.subplots(figsize=figsize)
    return ax


def _errorbar_columns(data, column: str):  # noqa: ANN001, ANN202
    """Lower and upper error lengths from ``<column>_ci_low`` / ``_ci_high`` (0 where missing).

    A percentile-bootstrap interval need not contain its point estimate (a skewed bootstrap of
    a small importance): the side beyond the point is drawn as 0, never as a negative length.

    Examples
    --------
    >>> import pandas as pd
    >>> data = pd.DataFrame({"x": [1.0, 2.0], "x_ci_low": [0.5, None], "x_ci_high": [2.0, 2.5]})
    >>> _errorbar_columns(data, "x").tolist()
    [[0.5, 0.0], [1.0, 0.5]]
    >>> _errorbar_columns(pd.DataFrame({"x": [1.0], "x_ci_low": [1.2], "x_ci_high": [2.0]}), "x")
    array([[0.],
           [1.]])
    """

    low = (data[column] - data[f"{column}_ci_low"]).to_numpy(dtype=float)
    high = (data[f"{column}_ci_high"] - data[column]).to_numpy(dtype=float)
    return np.clip(np.nan_to_num(np.vstack([low, high]), nan=0.0), 0.0, None)


class RedactingFormatter(Formatter):
    """The tick labels of ``base`` (its locations and offset kept), passed through ``clean``.

    Used by :func:`fbresearch.present.display.redact_figure`, so category values that hold
    personal data never reach a chart's axis.

    Examples
    --------
    >>> from matplotlib.ticker import FixedFormatter
    >>> RedactingFormatter(FixedFormatter(["a b"]), str.upper).format_ticks([0])
    ['A B']
    """

    def __init__(self, base: Formatter, clean) -> None:  # noqa: ANN001 - str -> str
        self.base = base
        self.clean = clean

    def set_axis(self, axis) -> None:  # noqa: ANN001 - matplotlib Axis
        super().set_axis(axis)
        self.base.set_axis(axis)

    def set_locs(self, locs) -> None:  # noqa: ANN001 - array of tick locations
        self.base.set_locs(locs)

    def get_offset(self) -> str:
        return self.base.get_offset()

    def format_ticks(self, values) -> list[str]:  # noqa: ANN001 - array of tick locations
        return [self.clean(label) for label in self.base.format_ticks(values)]

    def __call__(self, x, pos=None) -> str:  # noqa: ANN001 - a tick location and index
        return self.clean(self.base(x, pos))
