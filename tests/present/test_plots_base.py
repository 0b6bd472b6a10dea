"""fbresearch.present.plots.base: the shared theme."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from fbresearch.present.plots import base  # noqa: E402


def test_theme_sets_cjk_fallback_and_palette():
    base.set_theme()
    assert plt.rcParams["font.family"][0] == "DejaVu Sans"
    assert len(base.PALETTE) == 10


def test_new_axes_reuses_or_creates():
    ax = base.new_axes(figsize=(3, 2))
    assert base.new_axes(ax) is ax and tuple(ax.figure.get_size_inches()) == (3.0, 2.0)
    plt.close(ax.figure)


def test_errorbar_lengths_hand_worked():
    data = pd.DataFrame({"x": [1.0, 2.0], "x_ci_low": [0.5, None], "x_ci_high": [2.0, 2.5]})
    assert base._errorbar_columns(data, "x").tolist() == [[0.5, 0.0], [1.0, 0.5]]
