"""Seaborn figures for every report, in one theme.

Result objects' ``.plot()`` methods call the functions here; this module imports no analysis.
Each function takes tidy data and column names, accepts ``ax=`` and returns the Axes.
"""

from __future__ import annotations

import matplotlib.pyplot as plt

from fbresearch.present.plots.base import (  # noqa: F401 - re-exported
    PALETTE,
    _cjk_font_name,
    _errorbar_columns,
    new_axes,
    set_theme,
)

__all__ = ["set_theme", "new_axes", "PALETTE"]


# --- topics: topic shares, the K choice, shares over time, pain points ---------------------


def _topic_names(table, width: int = 38):  # noqa: ANN001, ANN202
    return [f"{t}: {lab}"[:width] for t, lab in zip(table["topic"], table["label"], strict=True)]


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


def plot_topic_selection(selection, axes=None):  # noqa: ANN001, ANN201
    """Coherence and stability against the number of topics K, per language; chosen K marked.

    Draws on two Axes (``axes``, or a new figure's) and returns their Figure.
    """
    if axes is None:
        set_theme()
        _, axes = plt.subplots(1, 2, figsize=(9, 3.6))
    for i, (lang, part) in enumerate(selection.groupby("language", sort=True)):
        color = PALETTE[i]
        for ax, column in zip(axes, ("coherence", "stability"), strict=True):
            ax.plot(part["k"], part[column], marker="o", color=color, label=lang)
            chosen = part[part["chosen"]]
            ax.scatter(
                chosen["k"],
                chosen[column],
                s=160,
                facecolors="none",
                edgecolors=color,
                linewidths=2,
            )
    axes[0].set_title("Coherence (c_v): higher = clearer")
    axes[1].set_title("Stability across resamples")
    for ax in axes:
        ax.set_xlabel("number of topics K (circled: chosen)")
        ax.legend(title="language")
    axes[1].set_ylim(0, 1.05)
    axes[0].figure.tight_layout()
    return axes[0].figure


def plot_topic_prevalence(prevalence, ax=None, top: int = 6):  # noqa: ANN001, ANN201
    """Share of each topic per period with its CI band (``TopicModel.prevalence``).

    Only the ``top`` largest topics of each language are drawn, one panel per language when
    ``ax`` is None (then the Figure is returned; with ``ax``, the Axes).
    """
    data = prevalence.copy()
    data["when"] = data["period"].astype(str)
    langs = sorted(data["language"].unique())
    if ax is None:
        set_theme()
        _, axes = plt.subplots(1, len(langs), figsize=(6 * len(langs), 4), squeeze=False)
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
                label=f"{topic}: {rows['label'].iloc[0]}"[:34],
            )
            ax_.fill_between(x, rows["ci_low"], rows["ci_high"], color=color, alpha=0.15)
        step = max(1, len(periods) // 6)
        ax_.set_xticks(range(0, len(periods), step), periods[::step])
        ax_.yaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
        ax_.set_ylabel("share of texts (95% CI band)")
        ax_.set_title({"zh": "Chinese topics", "en": "English topics"}.get(lang, lang))
        ax_.legend(fontsize="x-small", loc="upper left")
    if ax is not None:
        return ax
    axes[0].figure.tight_layout()
    return axes[0].figure


def plot_pain_points(table, ax=None, unit: str = "NPS"):  # noqa: ANN001, ANN201
    """Each topic's score with its CI, worst first; the dashed line is the overall score."""
    data = table.dropna(subset=["estimate"])
    ax = new_axes(ax, figsize=(8, 0.35 * len(data) + 1.2))
    y = range(len(data))
    colors = [PALETTE[3] if b else PALETTE[7] for b in data["below_overall"]]
    ax.errorbar(
        data["estimate"],
        y,
        xerr=[data["estimate"] - data["ci_low"], data["ci_high"] - data["estimate"]],
        fmt="none",
        ecolor="grey",
        capsize=3,
    )
    ax.scatter(data["estimate"], y, c=colors, zorder=3)
    ax.axvline(data["overall"].iloc[0], color="black", linestyle="--", linewidth=1)
    ax.set_yticks(list(y), _topic_names(data))
    ax.invert_yaxis()
    ax.set_xlabel(f"{unit} of the topic's responses (95% CI); dashed: all responses")
    ax.set_title("Pain points: topics that go with low scores (red: clearly below)")
    return ax


# TEMPORARY SHIM (issue 13 integration removes it): charts that moved to fbresearch.present.plots
# are read from their new module on first use (those modules import new_axes/PALETTE here, so a
# top-level import would cycle).
_MOVED = {
    **dict.fromkeys(
        (
            "QUADRANT_COLORS",
            "importance_performance_matrix",
            "driver_coefficients",
            "driver_importance",
            "driver_change",
        ),
        "drivers",
    ),
    **dict.fromkeys(
        (
            "kpi_trend_plot",
            "volume_plot",
            "estimate_plot",
            "_kpi_dates",
            "_kpi_tick",
            "_kpi_finish",
        ),
        "kpis",
    ),
    **dict.fromkeys(
        (
            "plot_rfm_segments",
            "plot_cluster_profiles",
            "plot_segment_scores",
            "plot_segment_migration",
            "plot_odds_ratios",
        ),
        "segments",
    ),
    **dict.fromkeys(
        (
            "_hbar_ci",
            "category_shares",
            "severity_rules",
            "within_limit",
            "resolution_curves",
            "suspicious_reasons",
        ),
        "triage",
    ),
    **dict.fromkeys(
        ("plot_counterfactual", "plot_event_study", "plot_pre_post", "_mark_change"), "impact"
    ),
}


def __getattr__(name: str):  # noqa: ANN202
    if name in _MOVED:
        import importlib

        return getattr(importlib.import_module(f"fbresearch.present.plots.{_MOVED[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
