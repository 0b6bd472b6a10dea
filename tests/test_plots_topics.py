"""Tests of fbresearch.present.plots.topics: the topic figures and their confidence labels."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from fbresearch.present.plots.topics import (
    plot_pain_points,
    plot_topic_drivers,
    plot_topic_lineage,
    plot_topic_prevalence,
    plot_topic_selection,
    plot_topic_shares,
)


def _prevalence(confidence):
    rows = [
        {
            "period": pd.Period(f"2026-0{m}", "M"),
            "topic": t,
            "label": t,
            "language": "en",
            "count": 5,
            "n": 10,
            "share": 0.5,
            "ci_low": 0.3,
            "ci_high": 0.7,
        }
        for m in (1, 2, 3)
        for t in ("en-0", "en-1")
    ]
    table = pd.DataFrame(rows)
    table.attrs["confidence"] = confidence
    return table


def test_prevalence_band_label_reads_the_table_confidence():
    fig = plot_topic_prevalence(_prevalence(0.9))
    assert fig.axes[0].get_ylabel() == "share of texts (90% CI band)"
    plt.close(fig)
    fig = plot_topic_prevalence(_prevalence(0.9), confidence=0.8)
    assert fig.axes[0].get_ylabel() == "share of texts (80% CI band)"
    plt.close(fig)


def test_pain_points_axis_label_default_and_given_confidence():
    table = pd.DataFrame(
        {
            "topic": ["en-0", "en-1"],
            "label": ["late", "refund"],
            "estimate": [-20.0, 10.0],
            "ci_low": [-30.0, 0.0],
            "ci_high": [-10.0, 20.0],
            "overall": [5.0, 5.0],
            "below_overall": [True, False],
        }
    )
    ax = plot_pain_points(table)
    assert "(95% CI)" in ax.get_xlabel() and ax.get_xlabel().startswith("NPS")
    table.attrs["confidence"] = 0.99
    assert "(99% CI)" in plot_pain_points(table, unit="CES").get_xlabel()
    plt.close("all")


def test_shares_and_selection_draw():
    table = pd.DataFrame(
        {"topic": ["zh-0", "en-0"], "label": ["退款", "late"], "language": ["zh", "en"]}
    ).assign(share=[0.5, 0.5])
    assert len(plot_topic_shares(table).get_yticklabels()) == 2
    selection = pd.DataFrame(
        {
            "language": "en",
            "k": [4, 5],
            "coherence": [0.5, 0.6],
            "stability": [0.7, 0.8],
            "chosen": [False, True],
        }
    )
    fig = plot_topic_selection(selection)  # an older table without "reproduced"
    assert [a.get_title()[:9] for a in fig.axes] == ["Stability", "Coherence"]
    fig = plot_topic_selection(selection.assign(reproduced=[4.0, 4.0]))
    assert [a.get_title()[:10] for a in fig.axes] == ["Topics tha", "Coherence "]
    # the dashed "needed" line is K - 1 at every K tried: 3 at K=4, 4 at K=5
    needed = [line for line in fig.axes[0].lines if line.get_linestyle() == "--"][0]
    assert list(needed.get_ydata()) == [3, 4]
    plt.close("all")


def test_share_pain_points_axis_is_in_percent_like_its_table():
    table = pd.DataFrame(
        {"topic": ["en-0"], "label": ["late"], "estimate": [0.4], "ci_low": [0.2],
         "ci_high": [0.6], "overall": [0.7], "below_overall": [True]}
    )  # fmt: skip
    table.attrs["metric"] = "csat"
    ax = plot_pain_points(table)
    ax.figure.canvas.draw()
    labels = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert labels and all(t.endswith("%") for t in labels)
    plt.close("all")


def test_drivers_and_lineage_draw():
    drivers = pd.DataFrame(
        {"topic": ["en-0", "en-1"], "label": ["late", "app"], "coefficient": [-20.0, 5.0],
         "ci_low": [-30.0, -5.0], "ci_high": [-10.0, 15.0], "clear": [True, False]}
    )  # fmt: skip
    assert plot_topic_drivers(drivers).get_xlabel().startswith("difference in NPS points")
    lineage = pd.DataFrame(
        {"period": ["2026-09", "2026-09", "2026-10", "2026-10"],
         "topic": ["en-0", "en-1", "en-0", "en-2"], "label": ["late", "app", "late", "new"],
         "language": "en", "share": [0.5, 0.5, 0.6, 0.4],
         "status": ["new", "new", "kept", "new"]}
    )  # fmt: skip
    fig = plot_topic_lineage(lineage)
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["2026-09", "2026-10"]
    assert len(fig.axes[0].get_lines()) == 3  # one line per topic id
    plt.close("all")
