"""Figures of the topics page: topic shares, the K choice, shares over time, pain points,
topics as drivers and the topics' lineage across report periods.

Each function takes the tidy tables of :class:`fbresearch.analyses.topics.TopicModel`, accepts
``ax=`` and returns the Axes (or the Figure for multi-panel charts).

Examples
--------
>>> import pandas as pd
>>> table = pd.DataFrame({"topic": ["en-0", "en-1"], "label": ["late", "refund"],
...                       "language": ["en", "en"], "share": [0.6, 0.4]})
>>> plot_topic_shares(table).get_title()
'What customers talk about'
"""

from __future__ import annotations

import re

import matplotlib.pyplot as plt
import numpy as np

from fbresearch.format import confidence_label
from fbresearch.present.plots.base import PALETTE, new_axes, set_theme

__all__ = [
    "plot_topic_shares",
    "plot_topic_selection",
    "plot_topic_prevalence",
    "plot_pain_points",
    "plot_topic_drivers",
    "plot_topic_lineage",
]

#: a language panel's title
_PANEL_TITLES = {"zh": "Chinese topics", "en": "English topics"}
#: a language's name in legends
_LANGUAGE_NAMES = {"zh": "Chinese", "en": "English"}


def _confidence(table, confidence):  # noqa: ANN001, ANN202
    """The level to label: given, else the table's ``attrs["confidence"]``, else 0.95."""
    return confidence if confidence is not None else table.attrs.get("confidence", 0.95)


def _topic_names(table, width: int = 38):  # noqa: ANN001, ANN202
    """``"id: label"`` of each topic row, at most ``width`` characters (:func:`topic_name`)."""
    return [topic_name(t, lab, width) for t, lab in zip(table["topic"], table["label"], strict=True)]


_GLOSSED = re.compile(r"^(?P<words>.+?) \((?P<gloss>[^()]+)\)(?P<suffix> \(\d+\))?$")


def topic_name(topic: str, label: str, width: int = 38) -> str:
    """A topic's name on a chart: ``"id: label"``; when too long for ``width`` characters, a
    Chinese label gives way to its English gloss (the page's tables show both, by id), and
    what is still too long is cut with an ellipsis.

    Examples
    --------
    >>> topic_name("zh-1", "新鲜 / 味道 / 质量 (fresh / taste / quality)", 34)
    'zh-1: fresh / taste / quality'
    >>> topic_name("en-0", "delivery / courier / driver")
    'en-0: delivery / courier / driver'
    >>> topic_name("en-0", "delivery / courier / driver", 20)
    'en-0: delivery / co…'
    """
    full = f"{topic}: {label}"
    if len(full) <= width:
        return full
    glossed = _GLOSSED.match(label)
    if glossed:
        full = f"{topic}: {glossed['gloss']}{glossed['suffix'] or ''}"
        if len(full) <= width:
            return full
    return full[: width - 1] + "\u2026"


def plot_topic_shares(table, ax=None):  # noqa: ANN001, ANN201
    """Horizontal bars: each topic's share of its language's texts (``TopicModel.table``)."""
    data = table.sort_values(["language", "share"], ascending=[True, False])
    ax = new_axes(ax, figsize=(8, 0.35 * len(data) + 1.2))
    colors = [PALETTE[0] if lang == "zh" else PALETTE[1] for lang in data["language"]]
    ax.barh(range(len(data)), data["share"], color=colors)
    ax.set_yticks(range(len(data)), _topic_names(data))
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.set_xlabel("share of the language's texts whose main topic it is")
    ax.set_title("What customers talk about")
    return ax


def _interval_dots(ax, estimate, low, high, colors):  # noqa: ANN001, ANN202
    """One dot per topic row with its interval as a grey error bar, first row on top."""
    y = range(len(estimate))
    ax.errorbar(estimate, y, xerr=[estimate - low, high - estimate], fmt="none", ecolor="grey",
                capsize=3)  # fmt: skip
    ax.scatter(estimate, y, c=colors, zorder=3)
    return list(y)


def plot_topic_selection(selection, axes=None):  # noqa: ANN001, ANN201
    """Topics reproduced and coherence against the number of topics K; chosen K circled.

    Left: how many of a K's topics came back in fits on other resamples of the texts, with
    the line ``K - 1`` that a K must reach to hold (the rule of
    :func:`~fbresearch.analyses.topics.selection.choose_k`); right: c_v coherence. One line
    per language. Draws on two Axes (``axes``, or a new figure's) and returns their Figure.
    """
    if axes is None:
        set_theme()
        _, axes = plt.subplots(1, 2, figsize=(9, 3.6))
    column_of = ("reproduced" if "reproduced" in selection else "stability", "coherence")
    for i, (lang, part) in enumerate(selection.groupby("language", sort=True)):
        color = PALETTE[i]
        for ax, column in zip(axes, column_of, strict=True):
            name = _LANGUAGE_NAMES.get(lang, lang)
            ax.plot(part["k"], part[column], marker="o", color=color, label=name)
            chosen = part[part["chosen"]]
            ax.scatter(chosen["k"], chosen[column], s=160, facecolors="none", edgecolors=color,
                       linewidths=2)  # fmt: skip
    if column_of[0] == "reproduced":
        ks = np.arange(selection["k"].min(), selection["k"].max() + 1)
        axes[0].plot(ks, ks - 1, color="grey", linestyle="--", linewidth=1,
                     label="needed: all topics but one")  # fmt: skip
        axes[0].set_title("Topics that come back in other samples")
    else:
        axes[0].set_title("Stability across resamples")
        axes[0].set_ylim(0, 1.05)
    axes[1].set_title("Coherence (c_v): higher = clearer")
    for ax in axes:
        ax.set_xlabel("number of topics K (circled: chosen)")
    axes[0].legend(loc="upper left", fontsize="small")  # the lines rise to the right
    axes[1].legend(loc="lower right", fontsize="small")
    axes[0].figure.tight_layout()
    return axes[0].figure


def plot_topic_prevalence(prevalence, ax=None, top: int = 6, confidence=None):  # noqa: ANN001, ANN201
    """Share of each topic per period with its CI band (``TopicModel.prevalence``).

    Only the ``top`` largest topics of each language are drawn, one panel per language when
    ``ax`` is None (then the Figure is returned; with ``ax``, the Axes). The band's level is
    ``confidence``, else the table's ``attrs["confidence"]`` (0.95 when absent).
    """
    level = confidence_label(_confidence(prevalence, confidence))
    data = prevalence.copy()
    data["when"] = data["period"].astype(str)
    langs = sorted(data["language"].unique())
    if ax is None:
        set_theme()
        _, axes = plt.subplots(1, len(langs), figsize=(6 * len(langs), 5), squeeze=False)
        axes = list(axes[0])
    else:
        axes = [ax] * len(langs)
    for ax_, lang in zip(axes, langs, strict=True):
        part = data[data["language"] == lang]
        keep = part.groupby("topic")["count"].sum().nlargest(top).index
        periods = sorted(part["when"].unique())
        pos = {p: i for i, p in enumerate(periods)}
        for j, (topic, rows) in enumerate(part[part["topic"].isin(keep)].groupby("topic")):
            x = rows["when"].map(pos)
            color = PALETTE[j % len(PALETTE)]
            ax_.plot(
                x,
                rows["share"],
                color=color,
                marker=".",
                label=topic_name(topic, rows["label"].iloc[0], 34),
            )
            ax_.fill_between(x, rows["ci_low"], rows["ci_high"], color=color, alpha=0.15)
        step = max(1, len(periods) // 6)
        ax_.set_xticks(range(0, len(periods), step), periods[::step])
        ax_.yaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
        ax_.set_ylabel(f"share of texts ({level} CI band)")
        ax_.set_title(_PANEL_TITLES.get(lang, lang))
        # below the panel: over it, the legend hid the lines and bands it names
        ax_.legend(fontsize="x-small", loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2,
                   frameon=False)  # fmt: skip
    if ax is not None:
        return ax
    axes[0].figure.tight_layout()
    return axes[0].figure


def plot_pain_points(table, ax=None, unit: str = "NPS", confidence=None, percent=None):  # noqa: ANN001, ANN201
    """Each topic's score with its CI, worst first; the dashed line is the overall score.

    The interval's level is ``confidence``, else the table's ``attrs["confidence"]`` (0.95).
    A share-valued score (``percent``; by default when the table's ``attrs["metric"]`` is
    ``csat`` or ``satisfied``) is drawn on a percent axis, as its table shows it.
    """
    if percent is None:
        percent = table.attrs.get("metric") in ("csat", "satisfied")
    level = confidence_label(_confidence(table, confidence))
    data = table.dropna(subset=["estimate"])
    ax = new_axes(ax, figsize=(8, 0.35 * len(data) + 1.2))
    colors = [PALETTE[3] if b else PALETTE[7] for b in data["below_overall"]]
    y = _interval_dots(ax, data["estimate"], data["ci_low"], data["ci_high"], colors)
    ax.axvline(data["overall"].iloc[0], color="black", linestyle="--", linewidth=1)
    ax.set_yticks(list(y), _topic_names(data))
    ax.invert_yaxis()
    if percent:
        ax.xaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.set_xlabel(f"{unit} of the topic's responses ({level} CI); dashed: all responses")
    ax.set_title("Pain points: topics that go with low scores (red: clearly below)")
    return ax


def plot_topic_drivers(table, ax=None, unit: str = "NPS points", confidence=None):  # noqa: ANN001, ANN201
    """Each topic's difference in the score, others held fixed, with its CI (lowest first);
    red: clearly lower, green: clearly higher (``clear``, from the BH check)."""
    level = confidence_label(_confidence(table, confidence))
    ax = new_axes(ax, figsize=(8, 0.35 * len(table) + 1.2))
    colors = [
        (PALETTE[3] if c < 0 else PALETTE[2]) if clear else PALETTE[7]
        for c, clear in zip(table["coefficient"], table["clear"], strict=True)
    ]
    y = _interval_dots(ax, table["coefficient"], table["ci_low"], table["ci_high"], colors)
    ax.axvline(0, color="black", linewidth=1)
    if table.attrs.get("metric") in ("csat", "satisfied"):
        ax.xaxis.set_major_formatter(lambda v, _: f"{100 * v:+.0f}")
    ax.set_yticks(list(y), _topic_names(table))
    ax.invert_yaxis()
    ax.set_xlabel(f"difference in {unit} when the topic is mentioned, other topics held fixed "
                  f"({level} CI)")  # fmt: skip
    ax.set_title("Topics as drivers (red: clearly lower scores, green: clearly higher)")
    return ax


def plot_topic_lineage(lineage, ax=None):  # noqa: ANN001, ANN201
    """Each topic's share in each report period, followed by its stable id (one panel per
    language when ``ax`` is None; then the Figure is returned). A star marks a topic's first
    period (new), a cross its last one before it vanished."""
    langs = sorted(lineage["language"].unique())
    if ax is None:
        set_theme()
        _, axes = plt.subplots(1, len(langs), figsize=(6 * len(langs), 4), squeeze=False)
        axes = list(axes[0])
    else:
        axes = [ax] * len(langs)
    periods = sorted(lineage["period"].unique())
    pos = {p: i for i, p in enumerate(periods)}
    for ax_, lang in zip(axes, langs, strict=True):
        part = lineage[lineage["language"] == lang]
        for j, (topic, rows) in enumerate(part.groupby("topic", sort=True)):
            x = rows["period"].map(pos).to_numpy()
            color = PALETTE[j % len(PALETTE)]
            name = topic_name(topic, rows["label"].iloc[-1], 34)
            ax_.plot(x, rows["share"], color=color, marker="o", label=name)
            new = (rows["status"] == "new").to_numpy() & (x > 0)
            ax_.scatter(x[new], rows["share"].to_numpy()[new], marker="*", s=220, color=color)
            if x[-1] < len(periods) - 1:  # not in the latest period: vanished
                ax_.scatter(x[-1:], rows["share"].to_numpy()[-1:], marker="X", s=120, color=color)
        ax_.set_xticks(range(len(periods)), periods)
        ax_.yaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
        ax_.set_ylabel("share of the language's texts")
        ax_.set_xlabel("report period (star: new topic, cross: vanished after)")
        ax_.set_title(_PANEL_TITLES.get(lang, lang))
        # below the panel: over it, the legend hid the lines and bands it names
        ax_.legend(fontsize="x-small", loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2,
                   frameon=False)  # fmt: skip
    if ax is not None:
        return ax
    axes[0].figure.tight_layout()
    return axes[0].figure
