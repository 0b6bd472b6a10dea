"""Tests for fbresearch.present.plots.kpis: each KPI chart returns an Axes and draws what it
should, and Chinese labels render with the theme's CJK font (no "missing glyph" warning)."""

from __future__ import annotations

import io
import warnings

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection

from fbresearch.analyses import kpis
from fbresearch.present.plots import base as plots
from fbresearch.present.plots import kpis as kpi_plots


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _trend(hue: bool) -> pd.DataFrame:
    months = pd.period_range("2025-11", periods=12, freq="M")
    frames = []
    for i, channel in enumerate(["app", "web"] if hue else ["all"]):
        est = pd.Series(range(12), dtype=float) + 10 * i
        frames.append(
            pd.DataFrame(
                {"month": months, "channel": channel, "est": est, "lo": est - 3, "hi": est + 3}
            )
        )
    return pd.concat(frames, ignore_index=True)


def _bands(ax: Axes) -> int:
    return sum(isinstance(c, PolyCollection) for c in ax.collections)


def test_kpi_trend_plot_draws_a_line_and_band_per_level():
    ax = kpi_plots.kpi_trend_plot(_trend(False), "month", "est", "lo", "hi", ylabel="NPS")
    assert isinstance(ax, Axes)
    assert len(ax.lines) == 1 and _bands(ax) == 1
    assert len(ax.lines[0].get_xdata()) == 12
    ax = kpi_plots.kpi_trend_plot(_trend(True), "month", "est", "lo", "hi", hue="channel")
    assert len(ax.lines) == 2 and _bands(ax) == 2
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["App", "Web"]  # display labels


def test_kpi_trend_plot_uses_the_given_axes_and_month_labels():
    fig, ax = plt.subplots()
    out = kpi_plots.kpi_trend_plot(_trend(False), "month", "est", "lo", "hi", ax=ax)
    assert out is ax
    fig.canvas.draw()
    labels = " ".join(t.get_text() for t in ax.get_xticklabels())
    assert "2026" in labels and any(m in labels for m in ("Jan", "Mar", "May"))


def test_volume_plot_stacks_bars_by_channel():
    d = pd.DataFrame(
        {
            "month": pd.period_range("2026-08", periods=3, freq="M").repeat(2),
            "channel": ["app", "web"] * 3,
            "n": [10, 5, 12, 6, 9, 7],
        }
    )
    ax = kpi_plots.volume_plot(d, "month", "n", hue="channel")
    assert isinstance(ax, Axes)
    assert len(ax.patches) == 6
    heights = sorted(p.get_y() + p.get_height() for p in ax.patches)
    assert heights[-1] == 18  # stacked: 12 + 6 in September
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Aug\n2026", "Sep", "Oct"]
    grouped = kpi_plots.volume_plot(
        d, "month", "n", hue="channel", stacked=False, ax=plt.subplots()[1]
    )
    assert max(p.get_height() for p in grouped.patches) == 12


def test_estimate_plot_draws_points_and_band():
    d = pd.DataFrame(
        {
            "channel": ["app", "web", "email"],
            "r": [12.0, 20.0, 30.0],
            "lo": [9.0, 17.0, 26.0],
            "hi": [15.0, 23.0, 34.0],
        }
    )
    ax = kpi_plots.estimate_plot(d, "channel", "r", "lo", "hi", band=(15, 25))
    assert isinstance(ax, Axes)
    assert len(ax.patches) == 1  # the benchmark band
    assert [t.get_text() for t in ax.get_xticklabels()] == ["App", "Web", "Email"]


def test_result_plot_methods_return_axes():
    df = pd.DataFrame(
        {
            "submitted_at": pd.to_datetime(["2026-08-03", "2026-09-04", "2026-10-05"] * 4),
            "channel": ["app"] * 6 + ["web"] * 6,
            "nps": [10, 3, 9, 8, 7, 10, 0, 9, 10, 6, 9, 9],
            "csat": [5, 4, 3, 2, 5, 5, 4, 4, 1, 5, 4, 5],
        }
    )
    t = kpis.kpi_table(df, by="month", metrics=["nps", "csat", "volume"])
    ax = t.plot(metric="csat")
    assert len(ax.lines) == 1 and max(ax.lines[0].get_ydata()) > 1  # shares drawn as percent
    assert len(kpis.kpi_table(df, by=["month", "channel"], metrics="volume").plot().patches) == 6
    assert isinstance(kpis.kpi_table(df, by="channel").plot(), Axes)


def _chinese_figure():
    plots.set_theme()
    ax = kpi_plots.kpi_trend_plot(
        _trend(False), "month", "est", "lo", "hi", ylabel="净推荐值", title="净推荐值趋势 (NPS)"
    )
    return ax.figure


def test_chinese_labels_render_without_missing_glyphs():
    fig = _chinese_figure()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font(s)" would raise here
        fig.savefig(io.BytesIO(), format="png")


def test_missing_glyph_check_can_fail_without_the_cjk_font():
    # control for the test above: with only DejaVu Sans, the same figure warns
    fig = _chinese_figure()
    for text in fig.findobj(matplotlib.text.Text):
        text.set_fontfamily(["DejaVu Sans"])
    with pytest.warns(UserWarning, match="missing from font"):
        fig.savefig(io.BytesIO(), format="png")


def test_axis_labels_come_from_the_metrics_registry():
    assert [kpi_plots.axis_label(m) for m in ("nps", "csat", "ces", "csat_mean", "volume")] == [
        "NPS (points)",
        "CSAT (% satisfied)",
        "CES (mean, 1-7)",
        "Mean CSAT (1-5)",
        "Responses",
    ]
