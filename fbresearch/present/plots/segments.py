"""Segmentation charts: RFM sizes and revenue, cluster profiles, scores by segment, migration, churn.

Each function takes a result's tidy table, accepts ``ax=`` and returns the Axes; the results'
``.plot()`` methods call them. Confidence labels come from the result's own ``confidence``.

Examples
--------
>>> import pandas as pd
>>> table = pd.DataFrame({"term": ["detractor"], "odds_ratio": [2.0], "ci_low": [1.5],
...                       "ci_high": [2.7], "meaning": ["NPS 0-6 vs promoters"]})
>>> plot_odds_ratios(table, confidence=0.9).get_xlabel()
'Odds ratio of lapsing (90% CI; right of 1 = more likely to lapse)'
"""

from __future__ import annotations

import seaborn as sns
from matplotlib.ticker import FuncFormatter

from fbresearch.analyses.segments.common import MIN_RESPONSES
from fbresearch.format import confidence_label
from fbresearch.present.plots.base import PALETTE, new_axes
from fbresearch.present.tables import column_label
from fbresearch.schema import METRICS, display_label

__all__ = [
    "plot_rfm_segments",
    "plot_cluster_profiles",
    "plot_segment_scores",
    "plot_segment_migration",
    "plot_odds_ratios",
]

#: table label ("NPS", "CSAT", ...) -> METRICS key
_KEY_BY_LABEL = {spec.label: key for key, spec in METRICS.items()}


def plot_rfm_segments(table, ax=None):  # noqa: ANN001, ANN201
    """Share of customers and share of revenue per RFM segment (``segment``, ``share``,
    ``revenue_share``), as paired horizontal bars."""
    import pandas as pd

    ax = new_axes(ax, figsize=(8, 5))
    data = table[table["customers"] > 0]
    data = data.assign(segment=[display_label(s) for s in data["segment"]])  # "At risk"
    long = pd.concat(
        [
            pd.DataFrame(
                {"segment": data["segment"], "measure": "Customers", "share": 100 * data["share"]}
            ),
            pd.DataFrame(
                {
                    "segment": data["segment"],
                    "measure": "Revenue",
                    "share": 100 * data["revenue_share"],
                }
            ),
        ]
    )
    sns.barplot(
        long, y="segment", x="share", hue="measure", ax=ax, palette=[PALETTE[0], PALETTE[2]]
    )
    ax.set_xlabel("% of customers / % of revenue")
    ax.set_ylabel("")
    ax.legend(title="")
    ax.set_title("RFM segments: size and revenue")
    return ax


def plot_cluster_profiles(table, features, ax=None):  # noqa: ANN001, ANN201
    """Heatmap of each cluster's mean feature in standard deviations from the overall mean."""
    ax = new_axes(ax, figsize=(8, 0.6 * len(table) + 2))
    z = table.set_index("cluster")[[f"{f}_z" for f in features]]
    z.columns = [column_label(f) for f in features]  # "Recency (days)", not recency_days
    sns.heatmap(
        z,
        annot=True,
        fmt=".1f",
        center=0,
        cmap="vlag",
        cbar_kws={"label": "SD from average"},
        ax=ax,
    )
    ax.set_ylabel("")
    ax.set_title("What sets each cluster apart")
    return ax


def plot_segment_scores(table, ax=None, confidence: float = 0.95):  # noqa: ANN001, ANN201
    """Score per segment with its CI (``segment``, ``estimate``, ``ci_low``, ``ci_high``,
    ``rest``, ``significant``, ``small_sample``); small segments drawn hollow."""
    ax = new_axes(ax, figsize=(8, 0.45 * len(table) + 1.5))
    metric = table["metric"].iloc[0] if len(table) else ""
    key = _KEY_BY_LABEL.get(metric, "")
    scale = 100 if key in METRICS and METRICS[key].unit == "percent" else 1
    y = range(len(table))
    for i, row in enumerate(table.itertuples()):
        colour = PALETTE[3] if row.significant else PALETTE[0]
        ax.errorbar(
            scale * row.estimate,
            i,
            xerr=[[scale * (row.estimate - row.ci_low)], [scale * (row.ci_high - row.estimate)]],
            fmt="o",
            color=colour,
            mfc="white" if row.small_sample else colour,
            capsize=3,
        )
    ax.set_yticks(
        list(y),
        [
            f"{display_label(s)}{f' (n<{MIN_RESPONSES})' if small else ''}"
            for s, small in zip(table["segment"], table["small_sample"], strict=True)
        ],
    )
    ax.invert_yaxis()
    top_box = " (% top box)" if key == "csat" else ""
    ax.set_xlabel(f"{metric}{top_box} with {confidence_label(confidence)} CI")
    ax.set_title(f"{metric} by segment (red: differs from the rest after Holm correction)")
    return ax


def plot_segment_migration(matrix, ax=None):  # noqa: ANN001, ANN201
    """Heatmap of row shares: where each previous segment's customers are now."""
    ax = new_axes(ax, figsize=(9, 6))
    rows = matrix[matrix.sum(axis=1) > 0]
    shares = rows.div(rows.sum(axis=1), axis=0) * 100
    shares.index = [display_label(s) for s in shares.index]  # "Potential loyalists"
    shares.columns = [display_label(s) for s in shares.columns]
    sns.heatmap(
        shares,
        annot=True,
        fmt=".0f",
        cmap="Blues",
        cbar_kws={"label": "% of previous segment"},
        ax=ax,
    )
    ax.set_xlabel("Segment now")
    ax.set_ylabel("Segment last month")
    ax.set_title("Where last month's customers are now (% of each row)")
    return ax


def plot_odds_ratios(table, ax=None, confidence: float = 0.95):  # noqa: ANN001, ANN201
    """Forest plot of odds ratios (``term``, ``odds_ratio``, ``ci_low``, ``ci_high``) on a log axis."""
    ax = new_axes(ax, figsize=(8, 0.5 * len(table) + 1.5))
    for i, row in enumerate(table.itertuples()):
        ax.errorbar(
            row.odds_ratio,
            i,
            xerr=[[row.odds_ratio - row.ci_low], [row.ci_high - row.odds_ratio]],
            fmt="o",
            color=PALETTE[3] if row.ci_low > 1 or row.ci_high < 1 else PALETTE[0],
            capsize=3,
        )
    ax.axvline(1, color="grey", lw=1, ls="--")
    ax.set_xscale("log")
    # plain numbers on the log axis ("2", "0.5"), never matplotlib's "2 x 10^0"
    plain = FuncFormatter(lambda value, _: f"{value:g}")
    ax.xaxis.set_major_formatter(plain)
    ax.xaxis.set_minor_formatter(plain)
    ax.set_yticks(range(len(table)), table["meaning"])
    ax.invert_yaxis()
    ax.set_xlabel(
        f"Odds ratio of lapsing ({confidence_label(confidence)} CI; right of 1 = more likely to lapse)"
    )
    ax.set_title("What goes with customers lapsing")
    return ax
