"""KPI charts: trends with CI bands, volume by period, estimates with CI whiskers.

The generic functions (:func:`kpi_trend_plot`, :func:`volume_plot`, :func:`estimate_plot`) take
tidy data and column names, accept ``ax=`` and return the Axes; ``plot_kpi_table``,
``plot_response_rate`` and ``plot_acknowledged`` draw the KPI results' standard charts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib.pyplot as plt  # noqa: F401 - the examples close their figures with it
import numpy as np
import pandas as pd

from fbresearch.analyses.kpis.narrative import benchmark_text, period_label
from fbresearch.analyses.targets.narrative import projected
from fbresearch.errors import AnalysisError
from fbresearch.present.plots.base import PALETTE, new_axes
from fbresearch.schema import display_label, metric_spec

if TYPE_CHECKING:
    from fbresearch.analyses.kpis.results import AcknowledgedResult, KpiTable, ResponseRateResult

__all__ = [
    "kpi_trend_plot",
    "volume_plot",
    "estimate_plot",
    "axis_label",
    "plot_kpi_table",
    "plot_response_rate",
    "plot_acknowledged",
    "draw_targets",
]


def _kpi_dates(values):  # noqa: ANN001, ANN202
    """Periods become timestamps (start of period), so matplotlib's date axis can label them."""
    series = pd.Series(values)
    if isinstance(series.dtype, pd.PeriodDtype):
        return series.dt.to_timestamp()
    return series


def _kpi_tick(value, first: bool) -> str:  # noqa: ANN001
    """ "Oct" within a year, "Jan\\n2026" at the first bar and at each new year; a group by its
    display label ("Call center")."""
    if isinstance(value, pd.Period) and value.freqstr.startswith("M"):
        return value.strftime("%b\n%Y") if first or value.month == 1 else value.strftime("%b")
    if isinstance(value, pd.Timestamp):
        return value.strftime("%b\n%Y") if first or value.month == 1 else value.strftime("%b")
    return str(display_label(value))


def _kpi_finish(ax, xlabel, ylabel, title, created=False):  # noqa: ANN001, ANN202
    ax.set_xlabel(xlabel or "")
    ax.set_ylabel(ylabel or "")
    if title:
        ax.set_title(title)
    if created:  # our own figure: make room for a legend outside the axes
        ax.figure.tight_layout()
    return ax


def kpi_trend_plot(
    data,
    x: str,
    y: str,
    ci_low: str,
    ci_high: str,
    hue: str | None = None,
    ax=None,
    xlabel: str | None = None,
    ylabel: str | None = None,  # noqa: ANN001
    title: str | None = None,
):  # noqa: ANN201
    """A KPI over time: a line per ``hue`` level with its confidence band.

    Parameters
    ----------
    data : DataFrame
        Tidy data, one row per period (and ``hue`` level).
    x : str
        Period or date column (pandas Periods are drawn at the start of each period).
    y, ci_low, ci_high : str
        Columns of the estimate and its interval bounds.
    hue : str, optional
        Column splitting the data into one line per level.
    ax : matplotlib Axes, optional
        Where to draw; a new themed figure when None.
    xlabel, ylabel, title : str, optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"month": pd.period_range("2026-01", periods=3, freq="M"),
    ...                   "nps": [30.0, 32.0, 35.0], "lo": [25.0, 27.0, 30.0],
    ...                   "hi": [35.0, 37.0, 40.0]})
    >>> ax = kpi_trend_plot(d, "month", "nps", "lo", "hi", ylabel="NPS")
    >>> len(ax.lines)
    1
    >>> plt.close("all")
    """
    import matplotlib.dates as mdates

    created = ax is None
    ax = new_axes(ax)
    groups = [(None, data)] if hue is None else list(data.groupby(hue, observed=True, sort=True))
    for i, (level, part) in enumerate(groups):
        part = part.sort_values(x)
        xs = _kpi_dates(part[x]).to_numpy()
        color = PALETTE[i % len(PALETTE)]
        label = None if level is None else str(display_label(level))
        ax.plot(xs, part[y].to_numpy(float), marker="o", color=color, label=label)
        ax.fill_between(
            xs,
            part[ci_low].to_numpy(float),
            part[ci_high].to_numpy(float),
            color=color,
            alpha=0.18 if hue is None else 0.10,
            linewidth=0,
        )
    if len(data) and hasattr(_kpi_dates(data[x]), "dt"):
        locator = mdates.AutoDateLocator(minticks=3, maxticks=12)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    if hue is not None:
        ax.legend(
            title=display_label(hue), frameon=False, loc="center left", bbox_to_anchor=(1.0, 0.5)
        )
    return _kpi_finish(ax, xlabel, ylabel, title, created)


def volume_plot(
    data,
    x: str,
    y: str,
    hue: str | None = None,
    ax=None,  # noqa: ANN001
    stacked: bool = True,
    xlabel: str | None = None,
    ylabel: str | None = None,
    title: str | None = None,
):  # noqa: ANN201
    """Counts by period as bars, stacked (or side by side) by ``hue`` (e.g. channel).

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"month": pd.period_range("2026-01", periods=2, freq="M").repeat(2),
    ...                   "channel": ["app", "web"] * 2, "n": [10, 5, 12, 6]})
    >>> ax = volume_plot(d, "month", "n", hue="channel")
    >>> len(ax.patches)
    4
    >>> plt.close("all")
    """
    created = ax is None
    ax = new_axes(ax)
    if hue is None:
        wide = data.groupby(x, observed=True, sort=True)[y].sum().to_frame(y)
    else:
        wide = data.pivot_table(
            index=x, columns=hue, values=y, aggfunc="sum", fill_value=0, observed=True
        ).sort_index()
    positions = np.arange(len(wide))
    k = wide.shape[1]
    width = 0.8 if stacked or k == 1 else 0.8 / k
    bottom = np.zeros(len(wide))
    for i, column in enumerate(wide.columns):
        values = wide[column].to_numpy(float)
        offset = 0 if stacked or k == 1 else (i - (k - 1) / 2) * width
        ax.bar(
            positions + offset,
            values,
            width=width,
            bottom=bottom if stacked else None,
            color=PALETTE[i % len(PALETTE)],
            label=None if hue is None else str(display_label(column)),
        )
        if stacked:
            bottom = bottom + values
    ax.set_xticks(positions, [_kpi_tick(v, i == 0) for i, v in enumerate(wide.index)])
    ax.grid(axis="x", visible=False)
    if hue is not None:
        ax.legend(
            title=display_label(hue), frameon=False, loc="center left", bbox_to_anchor=(1.0, 0.5)
        )
    return _kpi_finish(ax, xlabel, ylabel, title, created)


def estimate_plot(
    data,
    x: str,
    y: str,
    ci_low: str,
    ci_high: str,
    ax=None,  # noqa: ANN001
    band: tuple[float, float] | None = None,
    band_label: str = "benchmark",
    xlabel: str | None = None,
    ylabel: str | None = None,
    title: str | None = None,
):  # noqa: ANN201
    """Estimates per category as points with CI whiskers, optionally over a shaded target band.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"channel": ["app", "web"], "rate": [12.0, 20.0],
    ...                   "lo": [9.0, 17.0], "hi": [15.0, 23.0]})
    >>> ax = estimate_plot(d, "channel", "rate", "lo", "hi", band=(15, 25))
    >>> len(ax.lines) >= 1
    True
    >>> plt.close("all")
    """
    created = ax is None
    ax = new_axes(ax)
    labels = [_kpi_tick(v, i == 0) for i, v in enumerate(data[x])]
    positions = np.arange(len(data))
    est = data[y].to_numpy(float)
    err = np.vstack([est - data[ci_low].to_numpy(float), data[ci_high].to_numpy(float) - est])
    err = np.clip(err, 0, None)  # rounding can put a bound a hair past the estimate
    if band is not None:
        ax.axhspan(band[0], band[1], color=PALETTE[2], alpha=0.15, label=band_label)
    ax.errorbar(
        positions, est, yerr=err, fmt="o", color=PALETTE[0], capsize=4, label="estimate (CI)"
    )
    ax.set_xticks(positions, labels)
    ax.set_xlim(-0.5, len(data) - 0.5)
    ax.grid(axis="x", visible=False)
    if band is not None:
        ax.legend(frameon=False)
    return _kpi_finish(ax, xlabel, ylabel, title, created)


# --- the KPI results' standard charts ------------------------------------------------------


def axis_label(metric: str) -> str:
    """The axis label of a KPI, from its registry entry: label and unit (or answer scale).

    Examples
    --------
    >>> axis_label("nps"), axis_label("csat"), axis_label("ces"), axis_label("volume")
    ('NPS (points)', 'CSAT (% satisfied)', 'CES (mean, 1-7)', 'Responses')
    """
    spec = metric_spec(metric)
    if spec.unit == "points":
        return f"{spec.label} (points)"
    if spec.unit == "percent":
        return f"{spec.label} (% satisfied)"
    if spec.unit == "score":
        low, high = spec.scale
        mean = "" if spec.label.lower().startswith("mean") else "mean, "
        return f"{spec.label} ({mean}{low:g}-{high:g})"
    return spec.label


def _as_percent(data: pd.DataFrame) -> pd.DataFrame:
    return data.assign(**{c: 100 * data[c] for c in ("estimate", "ci_low", "ci_high")})


def plot_kpi_table(result: KpiTable, ax=None, metric: str | None = None, hue: str | None = None):  # noqa: ANN001, ANN201
    """Trend with CI band (by period), bars of volume by period, or estimates by group.

    Examples
    --------
    >>> from fbresearch.analyses.kpis import kpi_table
    >>> df = pd.DataFrame({"channel": ["app", "web"] * 3, "nps": [10, 3, 9, 8, 10, 0]})
    >>> ax = plot_kpi_table(kpi_table(df, by="channel", metrics="nps"))
    >>> ax.get_ylabel()
    'NPS (points)'
    >>> plt.close("all")
    """
    metric = metric or result.metrics[0]
    if metric not in result.metrics:
        raise AnalysisError(f"{metric!r} is not in this table ({', '.join(result.metrics)}).")
    spec = metric_spec(metric)
    data = result.table[result.table["metric"] == metric].copy()
    hue = hue or (result._others[0] if result._others else None)
    ylabel = axis_label(metric)
    if spec.unit == "percent":
        data = _as_percent(data)
    if result.time is None:
        x = result.by[0] if result.by else "metric"
        return estimate_plot(
            data,
            x=x,
            y="estimate",
            ci_low="ci_low",
            ci_high="ci_high",
            ax=ax,
            ylabel=ylabel,
            title=spec.label,
        )
    if metric == "volume":
        return volume_plot(
            data,
            x=result.time,
            y="n",
            hue=hue,
            ax=ax,
            ylabel=ylabel,
            title="Responses by month" + (f" and {str(display_label(hue)).lower()}" if hue else ""),
        )
    return kpi_trend_plot(
        data,
        x=result.time,
        y="estimate",
        ci_low="ci_low",
        ci_high="ci_high",
        hue=hue,
        ax=ax,
        ylabel=ylabel,
        title=f"{spec.label} by {result.time}",
    )


def plot_response_rate(result: ResponseRateResult, ax=None, month: str | pd.Period | None = None):  # noqa: ANN001, ANN201
    """Rates of one month (default: the latest) per group, with CIs and the benchmark band."""
    data = result.table
    if result.by:
        period = pd.Period(month, freq="M") if month is not None else data["month"].max()
        data = data[data["month"] == period]
        x, title = result.by[0], f"Response rate, {period_label(period)}"
    else:
        x, title = "month", "Response rate by month"
    return estimate_plot(
        _as_percent(data),
        x=x,
        y="estimate",
        ci_low="ci_low",
        ci_high="ci_high",
        band=tuple(100 * b for b in result.benchmark),
        band_label=f"benchmark {benchmark_text(result.benchmark)}",
        ax=ax,
        ylabel="Response rate (%)",
        title=title,
    )


def plot_acknowledged(result: AcknowledgedResult, ax=None):  # noqa: ANN001, ANN201
    """Shares acknowledged within the limit per group with CIs (or the overall share)."""
    data = _as_percent(result.table)
    x = result.by[0] if result.by else None
    if x is None:
        data = data.assign(group="all responses")
        x = "group"
    return estimate_plot(
        data,
        x=x,
        y="estimate",
        ci_low="ci_low",
        ci_high="ci_high",
        ax=ax,
        ylabel=f"Acknowledged within {result.hours:g} h (%)",
        title=f"Acknowledged within {result.hours:g} hours",
    )


def draw_targets(ax, targets, metric: str):  # noqa: ANN001, ANN201
    """Draw ``metric``'s targets on its trend chart: a dashed line at the target from the first
    month shown to the target month (a star there), and the trend's projection to that month
    (dotted, with its interval as a whisker). Returns the Axes.

    Examples
    --------
    >>> from fbresearch.analyses.targets import TargetResult
    >>> ax = new_axes()
    >>> t = pd.DataFrame({"metric": ["nps"], "target": [30.0], "by": ["2027-06"],
    ...                   "estimate": [25.0], "ci_low": [20.0], "ci_high": [31.0],
    ...                   "status": ["too early to say"]})
    >>> ax = draw_targets(ax, TargetResult(table=t, period="2026-10"), "nps")
    >>> [line.get_linestyle() for line in ax.lines][:3]  # target, its star, the projection
    ['--', 'None', ':']
    >>> plt.close("all")
    """
    rows = targets.for_metric(metric)
    if rows.empty:
        return ax
    scale = 100.0 if metric_spec(metric).unit == "percent" else 1.0
    color = PALETTE[3 % len(PALETTE)]
    lines = [line for line in ax.lines if len(line.get_xdata())]
    start = min((line.get_xdata()[0] for line in lines), default=None)
    now = pd.Period(targets.period, freq="M").to_timestamp() if targets.period else None
    for _, r in rows.iterrows():
        due = pd.Period(r["by"], freq="M").to_timestamp()
        left = start if start is not None else (now or due)
        ax.plot(
            [left, due],
            [r["target"] * scale] * 2,
            linestyle="--",
            color=color,
            label=f"target ({r['status']})",
        )
        ax.plot(
            [due], [r["target"] * scale], marker="*", markersize=12, color=color, linestyle="none"
        )
        if now is not None and projected(r) and due > now:  # no whisker over the whole scale
            last = next((line for line in lines), None)
            y0 = float(last.get_ydata()[-1]) if last is not None else r["estimate"] * scale
            ax.plot([now, due], [y0, r["estimate"] * scale], linestyle=":", color="0.35")
            ax.errorbar(
                [due],
                [r["estimate"] * scale],
                yerr=[
                    [(r["estimate"] - r["ci_low"]) * scale],
                    [(r["ci_high"] - r["estimate"]) * scale],
                ],
                fmt="o",
                color="0.35",
                capsize=5,
            )
    ax.legend(frameon=False, loc="best")
    return ax
