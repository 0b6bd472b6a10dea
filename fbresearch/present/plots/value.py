"""The value chart: 12-month spend and retention by answer group, like for like, with CIs.

Examples
--------
>>> _labels()
['Detractors', 'Passives', 'Promoters']
"""

from __future__ import annotations

import numpy as np

from fbresearch.analyses.value.groups import GROUPS
from fbresearch.format import confidence_label
from fbresearch.present.plots.base import PALETTE, new_axes

__all__ = ["plot_value"]


def _labels() -> list[str]:
    return [g.capitalize() + "s" for g in GROUPS]


def plot_value(result, ax=None):  # noqa: ANN001, ANN201
    """Bars of adjusted 12-month spend per group with CI whiskers; retention in the labels."""
    ax = new_axes(ax)
    spend = [result.spend[g] for g in GROUPS]
    mid = np.array([e.estimate for e in spend])
    err = np.array(
        [[e.estimate - e.ci_low for e in spend], [e.ci_high - e.estimate for e in spend]]
    )
    colors = [PALETTE[3 % len(PALETTE)], PALETTE[7 % len(PALETTE)], PALETTE[2 % len(PALETTE)]]
    ax.bar(_labels(), mid, yerr=err, capsize=6, color=colors)
    for i, g in enumerate(GROUPS):
        r = result.retention[g]
        ax.annotate(
            f"{100 * r.estimate:.0f}% still buying",
            (i, 0),
            xytext=(0, 6),
            textcoords="offset points",
            ha="center",
            color="white",
            fontsize=9,
        )
    ax.set_ylabel(
        f"12-month spend per customer ({confidence_label(result.confidence)} CI), like for like"
    )
    ax.set_xlabel("")
    return ax
