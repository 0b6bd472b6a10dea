"""The unit-vs-rest chart: each unit's difference from the rest, with its interval."""

from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib.pyplot as plt  # noqa: F401 - the example closes its figure with it
import numpy as np

from fbresearch.analyses.kpis.units_narrative import unit_name
from fbresearch.format import confidence_label, unit_phrase
from fbresearch.present.plots.base import PALETTE, new_axes
from fbresearch.schema import metric_spec

if TYPE_CHECKING:
    from fbresearch.analyses.kpis.units import UnitComparison

__all__ = ["plot_unit_differences"]


def plot_unit_differences(result: UnitComparison, ax=None, metric: str | None = None):  # noqa: ANN001, ANN201
    """Horizontal whiskers: each shown unit's difference from the rest on one KPI.

    Significant differences (after the family's Benjamini-Hochberg check) are drawn in colour,
    the others in grey; hidden units are left out.

    Examples
    --------
    >>> import pandas as pd
    >>> from fbresearch.analyses.kpis.units import unit_vs_rest
    >>> frame = pd.DataFrame({"submitted_at": pd.Timestamp("2026-10-05"),
    ...     "region": ["N"] * 40 + ["S"] * 40, "nps": [10] * 30 + [2] * 50})
    >>> ax = plot_unit_differences(unit_vs_rest(frame, "region"))
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['N', 'S']
    >>> plt.close("all")
    """
    metric = metric or (result.metrics[0] if result.metrics else "nps")
    spec = metric_spec(metric)
    rows = result.table[(result.table["metric"] == metric) & result.table["shown"]]
    ax = new_axes(ax, figsize=(7, 0.5 + 0.45 * max(len(rows), 1)))
    scale = 100 if spec.unit == "percent" else 1
    est = scale * rows["difference"].to_numpy(float)
    low = scale * rows["difference_ci_low"].to_numpy(float)
    high = scale * rows["difference_ci_high"].to_numpy(float)
    y = np.arange(len(rows))[::-1]
    colours = [PALETTE[0] if s else "0.6" for s in rows["significant"]]
    for yi, e, lo, hi, c in zip(y, est, low, high, colours, strict=True):
        ax.plot([lo, hi], [yi, yi], color=c, lw=2)
        ax.plot([e], [yi], "o", color=c)
    ax.axvline(0, color="0.3", lw=1, ls="--")
    ax.set_yticks(y, [unit_name(u) for u in rows["unit"]])
    ax.set_xlabel(
        f"{spec.label}: unit minus rest ({unit_phrase(spec)}), "
        f"{confidence_label(result.confidence)} CI"
    )
    return ax
