"""The improvement page's charts: counterfactual, event study, pre/post windows.

Each chart function takes tidy data and column names, accepts ``ax=`` and returns the Axes;
:func:`plot_impact` and :func:`plot_impact_event_study` draw an ``ImpactResult``'s standard charts
(its ``.plot()`` and ``.plot_event_study()`` delegate here).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from matplotlib.ticker import MaxNLocator

from fbresearch.analyses.impact.common import metric_label
from fbresearch.analyses.impact.narrative import axis_label
from fbresearch.errors import AnalysisError
from fbresearch.format import confidence_label
from fbresearch.present.plots.base import PALETTE, new_axes

if TYPE_CHECKING:
    from fbresearch.analyses.impact.results import ImpactResult

__all__ = [
    "plot_counterfactual",
    "plot_event_study",
    "plot_pre_post",
    "plot_impact",
    "plot_impact_event_study",
]


def _mark_change(ax, change) -> None:  # noqa: ANN001
    if change is not None:
        ax.axvline(change, color=PALETTE[7], linestyle=":", linewidth=1)
        ax.annotate(
            "change",
            (change, 1),
            xycoords=("data", "axes fraction"),
            xytext=(3, -12),
            textcoords="offset points",
            fontsize="small",
            color=PALETTE[7],
        )


def plot_counterfactual(
    data,
    ax=None,
    change=None,
    title: str | None = None,  # noqa: ANN001, ANN201
    ylabel: str = "",
    confidence: float = 0.95,
):
    """The metric over time with the no-change counterfactual and its band.

    ``data`` has ``period``, ``observed``, ``counterfactual``, ``cf_low``, ``cf_high`` and
    optionally ``fitted`` (the model's line) and ``comparison`` (the control group's series);
    ``confidence`` is the level of the band, named in the legend.

    Examples
    --------
    >>> import pandas as pd
    >>> data = pd.DataFrame({"period": range(4), "observed": [1.0, 2, 3, 4],
    ...     "counterfactual": [None, 2, 2.5, 3], "cf_low": [None, 2, 2, 2.5],
    ...     "cf_high": [None, 2, 3, 3.5]})
    >>> ax = plot_counterfactual(data, change=1.5, confidence=0.9)
    >>> "90% band" in [t.get_text() for t in ax.get_legend().get_texts()]
    True
    """
    ax = new_axes(ax)
    x = data["period"]
    if "comparison" in data and data["comparison"].notna().any():
        ax.plot(
            x,
            data["comparison"],
            color=PALETTE[7],
            marker="o",
            markersize=3,
            linewidth=1,
            label="comparison groups",
        )
        ax.plot(
            x,
            data["observed"],
            color=PALETTE[0],
            marker="o",
            markersize=4,
            label="groups that got the change",
        )
    else:
        ax.scatter(x, data["observed"], color=PALETTE[0], s=18, label="observed", zorder=3)
    if "fitted" in data and data["fitted"].notna().any():
        ax.plot(x, data["fitted"], color=PALETTE[0], linewidth=1.5, label="fitted")
    ax.plot(
        x,
        data["counterfactual"],
        color=PALETTE[3],
        linestyle="--",
        linewidth=1.5,
        label="without the change (counterfactual)",
    )
    if (data["cf_low"].notna() & data["cf_high"].notna()).any():  # no band, no legend entry
        ax.fill_between(
            x,
            data["cf_low"],
            data["cf_high"],
            color=PALETTE[3],
            alpha=0.15,
            linewidth=0,
            label=f"{confidence_label(confidence)} band",
        )
    _mark_change(ax, change)
    ax.set_xlabel("")
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend(loc="best", fontsize="small", frameon=False)
    ax.figure.autofmt_xdate()
    return ax


def plot_event_study(data, ax=None, ylabel: str = "Effect", title: str | None = None):  # noqa: ANN001, ANN201
    """Event-study estimates (``relative_period``, ``estimate``, ``ci_low``, ``ci_high``).

    Months without an interval (NaN bounds: the design supports none) are drawn as points only;
    ``placebo_low``/``placebo_high``, when present, are drawn as grey bars: the range of the
    month's estimate over the other assignments of the change.

    Examples
    --------
    >>> import pandas as pd
    >>> data = pd.DataFrame({"relative_period": [-2, -1, 0], "estimate": [0.1, 0.0, 0.6],
    ...     "ci_low": [float("nan"), 0, float("nan")], "ci_high": [float("nan"), 0, float("nan")],
    ...     "placebo_low": [-0.1, 0, -0.6], "placebo_high": [0.2, 0, 0.3]})
    >>> ax = plot_event_study(data)
    >>> len(ax.containers), [t.get_text() for t in ax.get_legend().get_texts()][-1]
    (0, 'range over the other assignments')
    """
    ax = new_axes(ax)
    rel = data["relative_period"].to_numpy()
    est = data["estimate"].to_numpy()
    low, high = data["ci_low"].to_numpy(), data["ci_high"].to_numpy()
    has_ci = ~(np.isnan(low) | np.isnan(high))
    for part, color, label in (
        (rel < 0, PALETTE[7], "before the change"),
        (rel >= 0, PALETTE[0], "after the change"),
    ):
        if has_ci[part & (rel != -1)].any():
            ax.errorbar(
                rel[part],
                est[part],
                yerr=[est[part] - low[part], high[part] - est[part]],
                fmt="o",
                color=color,
                elinewidth=1.5,
                capsize=2,
                markersize=5,
                label=label,
            )
        else:
            ax.plot(rel[part], est[part], "o", color=color, markersize=5, label=label)
    if "placebo_low" in data:
        ax.vlines(
            rel,
            data["placebo_low"],
            data["placebo_high"],
            color=PALETTE[7],
            alpha=0.35,
            linewidth=6,
            label="range over the other assignments",
        )
    ax.legend(loc="best", fontsize="small", frameon=False)
    ax.axhline(0, color="black", linewidth=0.8)
    ax.axvline(-0.5, color=PALETTE[7], linestyle=":", linewidth=1)
    ax.set_xlabel("months relative to the change (0 = first month after; -1 = reference)")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel(ylabel)
    ax.set_title(title or "Before the change: check (should be near 0); after: effect")
    return ax


def plot_pre_post(data, ax=None, title: str | None = None, ylabel: str = ""):  # noqa: ANN001, ANN201
    """Before and after window means (``window``, ``value``, ``ci_low``, ``ci_high``)."""
    ax = new_axes(ax)
    values = data["value"].to_numpy()
    ax.errorbar(
        range(len(data)),
        values,
        yerr=[values - data["ci_low"].to_numpy(), data["ci_high"].to_numpy() - values],
        fmt="o",
        color=PALETTE[0],
        capsize=4,
        markersize=7,
    )
    ax.set_xticks(range(len(data)), data["window"])
    ax.set_xlim(-0.5, len(data) - 0.5)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    return ax


def plot_impact(result: ImpactResult, ax=None):  # noqa: ANN001, ANN201 - matplotlib Axes
    """The result's metric over time with the counterfactual (or the pre/post windows).

    Examples
    --------
    >>> import pandas as pd
    >>> from fbresearch.results import Estimate
    >>> series = pd.DataFrame({"window": ["before", "after"], "value": [3.9, 4.2],
    ...                        "ci_low": [3.8, 4.1], "ci_high": [4.0, 4.3]})
    >>> from fbresearch.analyses.impact.results import ImpactResult
    >>> res = ImpactResult(table=pd.DataFrame(), effect=Estimate(0.3, 0.1, 0.5, n=9),
    ...                    design="pre/post", outcome="csat", series=series)
    >>> plot_impact(res).get_ylabel()
    'CSAT'
    """
    title = result.name or metric_label(result.outcome)
    if result.series is None:
        raise AnalysisError("This result has no series to chart.")
    if result.design == "pre/post":
        return plot_pre_post(result.series, ax=ax, title=title, ylabel=metric_label(result.outcome))
    return plot_counterfactual(
        result.series,
        ax=ax,
        change=result.change_date,
        title=title,
        ylabel=axis_label(result),
        confidence=result.confidence,
    )


def plot_impact_event_study(result: ImpactResult, ax=None):  # noqa: ANN001, ANN201
    """The result's difference-in-differences leads and lags with their intervals.

    Examples
    --------
    >>> import pandas as pd
    >>> from fbresearch.analyses.impact.results import ImpactResult
    >>> res = ImpactResult(table=pd.DataFrame(), outcome="csat")
    >>> plot_impact_event_study(res)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    fbresearch.errors.AnalysisError: No event study: pass `time=` ...
    """
    if result.event_study is None:
        raise AnalysisError(
            "No event study: pass `time=` (a period column) to diff_in_diff to get one."
        )
    return plot_event_study(
        result.event_study, ax=ax, ylabel=f"Effect on {metric_label(result.outcome)}"
    )
