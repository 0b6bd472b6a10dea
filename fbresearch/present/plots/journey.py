"""The journey chart: one outcome stage by stage with CI whiskers, the largest drop marked.

Examples
--------
>>> _tick("post_purchase", 1234)
'Post purchase\\nn = 1,234'
"""

from __future__ import annotations

import numpy as np

from fbresearch.format import confidence_label
from fbresearch.present.plots.base import PALETTE, new_axes
from fbresearch.schema import display_label, metric_spec

__all__ = ["plot_journey"]


def _tick(stage: str, n: int) -> str:
    return f"{display_label(stage)}\nn = {n:,}"


def plot_journey(result, ax=None, metric: str | None = None):  # noqa: ANN001, ANN201
    """Points with CI whiskers joined in journey order; the step of the largest drop in red.

    Without an outcome (``metric`` None) the chart shows the responses per stage as bars.
    """
    created = ax is None
    ax = new_axes(ax)
    stages = list(result.stages)
    x = np.arange(len(stages))
    volume = result.table[result.table["metric"] == "volume"].set_index("stage")["n"]
    ticks = [_tick(s, int(volume.get(s, 0))) for s in stages]
    if metric is None:
        ax.bar(x, [int(volume.get(s, 0)) for s in stages], color=PALETTE[0])
        ax.set_ylabel("Responses")
    else:
        spec = metric_spec(metric)
        scale = 100.0 if spec.unit == "percent" else 1.0
        rows = result.table[result.table["metric"] == metric].set_index("stage")
        have = [i for i, s in enumerate(stages) if s in rows.index]
        mid = np.array([rows.loc[stages[i], "estimate"] for i in have]) * scale
        low = np.array([rows.loc[stages[i], "ci_low"] for i in have]) * scale
        high = np.array([rows.loc[stages[i], "ci_high"] for i in have]) * scale
        ax.errorbar(
            x[have],
            mid,
            yerr=[mid - low, high - mid],
            fmt="o-",
            capsize=6,
            color=PALETTE[0],
            linewidth=2,
            markersize=8,
        )
        weak = result.weakest.get(metric)
        if weak is not None and weak in stages and stages.index(weak) - 1 in have:
            j = stages.index(weak)
            pair = [have.index(j - 1), have.index(j)]
            significant = result.drop_is_significant(metric)
            color = PALETTE[3] if significant else PALETTE[7]
            ax.plot(
                x[[j - 1, j]],
                mid[pair],
                color=color,
                linewidth=4,
                zorder=3,
                label="largest drop" + ("" if significant else " (not significant)"),
            )
            ax.legend(frameon=False, loc="best")
        unit = "%" if spec.unit == "percent" else spec.unit if spec.unit == "points" else ""
        ax.set_ylabel(
            f"{spec.label}{f' ({unit})' if unit else ''}, {confidence_label(result.confidence)} CI"
        )
    ax.set_xticks(x)
    ax.set_xticklabels(ticks)
    ax.set_xlabel("Journey stage")
    if created:
        ax.figure.tight_layout()
    return ax
