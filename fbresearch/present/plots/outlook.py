"""The outlook chart: a KPI's monthly history, its forecast and prediction band, warnings.

Examples
--------
>>> _scale("csat"), _scale("nps")
(100.0, 1.0)
"""

from __future__ import annotations

from fbresearch.format import confidence_label
from fbresearch.present.plots.base import PALETTE, new_axes
from fbresearch.schema import metric_spec

__all__ = ["plot_outlook"]


def _scale(metric: str) -> float:
    return 100.0 if metric_spec(metric).unit == "percent" else 1.0


def plot_outlook(result, metric, ax=None):  # noqa: ANN001, ANN201
    """History (the checks' observed values), forecast line and band, warning months marked."""
    ax = new_axes(ax)
    k = _scale(metric)
    c = result.checks[result.checks["metric"] == metric]
    f = result.table[result.table["metric"] == metric]
    hist = result.backtest[(result.backtest["metric"] == metric)]
    obs = (
        hist.drop_duplicates("month")[["month", "observed"]]
        .set_index("month")["observed"]
        .sort_index()
    )
    x = [m.to_timestamp() for m in obs.index]
    ax.plot(x, obs.to_numpy() * k, marker="o", color=PALETTE[0], label="observed")
    fx = [m.to_timestamp() for m in f["month"]]
    ax.plot(fx, f["forecast"] * k, ls="--", marker="o", color=PALETTE[1], label="forecast")
    ax.fill_between(
        fx,
        f["pi_low"] * k,
        f["pi_high"] * k,
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
    spec = metric_spec(metric)
    ax.set_ylabel(f"{spec.label}" + (" (%)" if k == 100 else " (points)"))
    ax.legend(loc="best", fontsize=8)
    return ax
