"""The outlook chart: a KPI's monthly history, its forecast and prediction band, warnings.

Examples
--------
>>> _scale("csat"), _scale("nps")
(100.0, 1.0)
"""

from __future__ import annotations

import matplotlib.dates as mdates

from fbresearch.format import confidence_label
from fbresearch.present.plots.base import PALETTE, new_axes
from fbresearch.schema import metric_spec

__all__ = ["plot_outlook"]


def _scale(metric: str) -> float:
    return 100.0 if metric_spec(metric).unit == "percent" else 1.0


def plot_outlook(result, metric, ax=None):  # noqa: ANN001, ANN201
    """The whole monthly history, the forecast line and band joined to the last month, warnings."""
    ax = new_axes(ax)
    k = _scale(metric)
    c = result.checks[result.checks["metric"] == metric]
    f = result.table[result.table["metric"] == metric]
    hist = result.history[result.history["metric"] == metric].sort_values("month")
    x = [m.to_timestamp() for m in hist["month"]]
    y = hist["estimate"].to_numpy(float) * k
    ax.plot(x, y, marker="o", color=PALETTE[0], label="observed")
    # the forecast starts from the last observed month, so line and band join the history
    fx = [x[-1]] + [m.to_timestamp() for m in f["month"]]
    ax.plot(
        fx,
        [y[-1], *(f["forecast"] * k)],
        ls="--",
        marker="o",
        color=PALETTE[1],
        label="forecast",
        markevery=list(range(1, len(fx))),
    )
    ax.fill_between(
        fx,
        [y[-1], *(f["pi_low"] * k)],
        [y[-1], *(f["pi_high"] * k)],
        color=PALETTE[1],
        alpha=0.2,
        label=f"{confidence_label(result.level)} prediction interval",
    )
    warn = c[c["warning"]]
    if len(warn):
        ax.scatter(
            [m.to_timestamp() for m in warn["month"]],
            warn["observed"] * k,
            s=120,
            facecolors="none",
            edgecolors="red",
            linewidths=2,
            label="early warning",
        )
    locator = mdates.AutoDateLocator(maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    spec = metric_spec(metric)
    ax.set_ylabel(f"{spec.label}" + (" (%)" if k == 100 else " (points)"))
    ax.legend(loc="best", fontsize=8)
    return ax
