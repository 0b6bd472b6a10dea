"""Seaborn figures for every report, in one theme.

Result objects' ``.plot()`` methods call the functions here; this module imports no analysis.
Each function takes tidy data and column names, accepts ``ax=`` and returns the Axes.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import matplotlib.pyplot as plt
import seaborn as sns
from matplotlib import font_manager
from matplotlib.ticker import MaxNLocator

__all__ = ["set_theme", "new_axes", "PALETTE", "QUADRANT_COLORS"]

#: Colour-blind-safe palette used across reports (seaborn's "colorblind").
PALETTE = sns.color_palette("colorblind")
#: One colour per importance-performance quadrant, shared by tables and charts.
QUADRANT_COLORS = {
    "fix first": PALETTE[3],
    "keep up": PALETTE[2],
    "low priority": PALETTE[7],
    "possible overkill": PALETTE[0],
}


@cache
def _cjk_font_name() -> str | None:
    """Register the Noto Sans CJK font shipped by ``mplfonts`` and return its family name.

    Registering by path (``font_manager.addfont``) needs no system font and no change to the
    user's matplotlibrc, so Chinese renders as characters on a fresh machine.
    """
    try:
        import mplfonts
    except ImportError:  # pragma: no cover - mplfonts is a runtime dependency
        return None
    path = Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"
    if not path.exists():  # pragma: no cover
        return None
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def set_theme(context: str = "notebook") -> None:
    """Apply the report theme: seaborn whitegrid, colour-blind palette, CJK-capable fonts.

    Examples
    --------
    >>> set_theme()
    >>> import matplotlib
    >>> "Noto Sans CJK SC" in matplotlib.rcParams["font.family"]
    True
    """
    sns.set_theme(context=context, style="whitegrid", palette=PALETTE)
    cjk = _cjk_font_name()
    # An explicit family list (not the generic "sans-serif") makes matplotlib fall back glyph by
    # glyph: Latin from DejaVu Sans, Chinese from Noto Sans CJK.
    plt.rcParams["font.family"] = ["DejaVu Sans"] + ([cjk] if cjk else [])
    plt.rcParams["axes.unicode_minus"] = False
    plt.rcParams["figure.dpi"] = 100
    plt.rcParams["savefig.dpi"] = 100
    plt.rcParams["figure.figsize"] = (8, 4.5)
    # The CJK font has one weight; a bold title would make matplotlib log a fallback warning.
    plt.rcParams["axes.titleweight"] = "normal"
    plt.rcParams["axes.titlesize"] = "large"


def new_axes(ax=None, figsize: tuple[float, float] | None = None):  # noqa: ANN001, ANN201
    """Return ``ax``, or the Axes of a new themed figure when ``ax`` is None."""
    if ax is not None:
        return ax
    set_theme()
    _, ax = plt.subplots(figsize=figsize)
    return ax


# --- drivers ---------------------------------------------------------------------------------


def _errorbar_columns(data, column: str):  # noqa: ANN001, ANN202
    """Lower and upper error lengths from ``<column>_ci_low`` / ``_ci_high`` (0 where missing)."""
    import numpy as np

    low = (data[column] - data[f"{column}_ci_low"]).to_numpy(dtype=float)
    high = (data[f"{column}_ci_high"] - data[column]).to_numpy(dtype=float)
    return np.nan_to_num(np.vstack([low, high]), nan=0.0)


def importance_performance_matrix(
    data,  # noqa: ANN001 - DataFrame
    thresholds: dict,
    performance_label: str = "Mean rating",
    title: str | None = None,
    ax=None,  # noqa: ANN001
):  # noqa: ANN201
    """Importance (share of explained variation) against performance, one labelled point per driver.

    ``data`` has ``label``, ``quadrant``, ``importance``, ``performance`` and their ``_ci_low``
    / ``_ci_high`` columns; dashed lines mark ``thresholds`` and each quadrant is named in its
    corner. Error bars are the CIs.
    """
    ax = new_axes(ax, figsize=(8, 6))
    sns.scatterplot(
        data=data,
        x="performance",
        y="importance",
        hue="quadrant",
        palette=QUADRANT_COLORS,
        hue_order=[q for q in QUADRANT_COLORS if q in set(data["quadrant"])],
        s=90,
        ax=ax,
        zorder=3,
    )
    ax.errorbar(
        data["performance"],
        data["importance"],
        xerr=_errorbar_columns(data, "performance"),
        yerr=_errorbar_columns(data, "importance"),
        fmt="none",
        ecolor="0.55",
        elinewidth=1,
        capsize=3,
        zorder=2,
    )
    for row in data.itertuples():
        ax.annotate(
            row.label,
            (row.performance, row.importance),
            xytext=(6, 6),
            textcoords="offset points",
            fontsize=10,
        )
    ax.axvline(thresholds["performance"], color="0.5", linestyle="--", linewidth=1)
    ax.axhline(thresholds["importance"], color="0.5", linestyle="--", linewidth=1)
    ax.yaxis.set_major_formatter(lambda v, _: f"{100 * v:.0f}%")
    if performance_label != "Mean rating":
        ax.xaxis.set_major_formatter(lambda v, _: f"{100 * v:.0f}%")
    ax.margins(0.15)
    corners = {
        "fix first": (0.02, 0.97, "left", "top"),
        "keep up": (0.98, 0.97, "right", "top"),
        "low priority": (0.02, 0.03, "left", "bottom"),
        "possible overkill": (0.98, 0.03, "right", "bottom"),
    }
    for name, (x, y, ha, va) in corners.items():
        ax.text(
            x,
            y,
            name,
            transform=ax.transAxes,
            ha=ha,
            va=va,
            fontsize=10,
            color=QUADRANT_COLORS[name],
            alpha=0.9,
        )
    ax.set_xlabel(f"Performance: {performance_label.lower()} (with CI)")
    ax.set_ylabel("Importance: share of explained variation (with CI)")
    ax.legend(title=None, loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    if title:
        ax.set_title(title)
    return ax


def driver_coefficients(
    data,
    title: str | None = None,
    ax=None,  # noqa: ANN001
    xlabel: str = "Standardized effect per SD of the rating (with CI)",
):  # noqa: ANN201
    """Standardized coefficients with CIs, one row per driver (``label``, ``std_coef``, CIs)."""
    ordered = data.sort_values("std_coef")
    ax = new_axes(ax, figsize=(8, 0.5 * len(ordered) + 1.5))
    y = range(len(ordered))
    ax.errorbar(
        ordered["std_coef"],
        list(y),
        xerr=_errorbar_columns(
            ordered.rename(
                columns={"std_ci_low": "std_coef_ci_low", "std_ci_high": "std_coef_ci_high"}
            ),
            "std_coef",
        ),
        fmt="o",
        color=PALETTE[0],
        ecolor=PALETTE[0],
        capsize=3,
    )
    ax.axvline(0, color="0.4", linewidth=1)
    ax.set_yticks(list(y), ordered["label"])
    ax.set_xlabel(xlabel)
    ax.set_ylabel("")
    if title:
        ax.set_title(title)
    return ax


def driver_importance(data, title: str | None = None, ax=None):  # noqa: ANN001, ANN201
    """Horizontal bars of each driver's share of explained variation with CI error bars."""
    ordered = data.sort_values("importance", ascending=False)
    ax = new_axes(ax, figsize=(8, 0.5 * len(ordered) + 1.5))
    ax.barh(
        ordered["label"],
        ordered["importance"],
        xerr=_errorbar_columns(ordered, "importance"),
        color=PALETTE[0],
        ecolor="0.3",
        capsize=3,
    )
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(lambda v, _: f"{100 * v:.0f}%")
    ax.set_xlabel("Share of the explained variation (with CI)")
    if title:
        ax.set_title(title)
    return ax


def driver_change(
    data,
    current: str,
    previous: str,
    title: str | None = None,
    ax=None,  # noqa: ANN001
):  # noqa: ANN201
    """Each driver's importance before and now, with CIs; a line joins the two points."""
    import numpy as np

    ordered = data.sort_values("current")
    ax = new_axes(ax, figsize=(8, 0.55 * len(ordered) + 1.8))
    y = np.arange(len(ordered))
    for row, pos in zip(ordered.itertuples(), y, strict=True):
        ax.plot([row.previous, row.current], [pos, pos], color="0.7", zorder=1)
    for column, offset, colour, name in (
        ("previous", -0.12, PALETTE[7], previous),
        ("current", 0.12, PALETTE[0], current),
    ):
        ax.errorbar(
            ordered[column],
            y + offset,
            xerr=_errorbar_columns(ordered, column),
            fmt="o",
            color=colour,
            ecolor=colour,
            capsize=3,
            label=name,
            zorder=2,
        )
    arrows = {"more important": "  ▲", "less important": "  ▼"}
    labels = [f"{row.label}{arrows.get(row.direction, '')}" for row in ordered.itertuples()]
    ax.set_yticks(y, labels)
    ax.xaxis.set_major_formatter(lambda v, _: f"{100 * v:.0f}%")
    ax.set_xlabel("Share of the explained variation (with CI); ▲▼ = clear change")
    ax.legend(frameon=False, loc="lower right")
    if title:
        ax.set_title(title)
    return ax


# --- KPIs: trends with CI bands, volume by channel, estimates with CIs ---------------------

__all__ += ["kpi_trend_plot", "volume_plot", "estimate_plot"]


def _kpi_dates(values):  # noqa: ANN001, ANN202
    """Periods become timestamps (start of period), so matplotlib's date axis can label them."""
    import pandas as pd

    series = pd.Series(values)
    if isinstance(series.dtype, pd.PeriodDtype):
        return series.dt.to_timestamp()
    return series


def _kpi_tick(value, first: bool) -> str:  # noqa: ANN001
    """ "Oct" within a year, "Jan\\n2026" at the first bar and at each new year."""
    import pandas as pd

    if isinstance(value, pd.Period) and value.freqstr.startswith("M"):
        return value.strftime("%b\n%Y") if first or value.month == 1 else value.strftime("%b")
    if isinstance(value, pd.Timestamp):
        return value.strftime("%b\n%Y") if first or value.month == 1 else value.strftime("%b")
    return str(value)


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
        label = None if level is None else str(level)
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
        ax.legend(title=hue, frameon=False, loc="center left", bbox_to_anchor=(1.0, 0.5))
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
    import numpy as np

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
            label=None if hue is None else str(column),
        )
        if stacked:
            bottom = bottom + values
    ax.set_xticks(positions, [_kpi_tick(v, i == 0) for i, v in enumerate(wide.index)])
    ax.grid(axis="x", visible=False)
    if hue is not None:
        ax.legend(title=hue, frameon=False, loc="center left", bbox_to_anchor=(1.0, 0.5))
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
    import numpy as np

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


# --- improvement (impact): counterfactual, event study, pre/post ---------------------------


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
):
    """The metric over time with the no-change counterfactual and its band.

    ``data`` has ``period``, ``observed``, ``counterfactual``, ``cf_low``, ``cf_high`` and
    optionally ``fitted`` (the model's line) and ``comparison`` (the control group's series).
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
    ax.fill_between(
        x,
        data["cf_low"],
        data["cf_high"],
        color=PALETTE[3],
        alpha=0.15,
        linewidth=0,
        label="95% band",
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
    """Event-study estimates (``relative_period``, ``estimate``, ``ci_low``, ``ci_high``)."""
    ax = new_axes(ax)
    rel = data["relative_period"].to_numpy()
    est = data["estimate"].to_numpy()
    low, high = data["ci_low"].to_numpy(), data["ci_high"].to_numpy()
    for part, color, label in (
        (rel < 0, PALETTE[7], "before the change"),
        (rel >= 0, PALETTE[0], "after the change"),
    ):
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


# --- segmentation: RFM sizes and revenue, cluster profiles, scores by segment, migration, churn --


def plot_rfm_segments(table, ax=None):  # noqa: ANN001, ANN201
    """Share of customers and share of revenue per RFM segment (``segment``, ``share``,
    ``revenue_share``), as paired horizontal bars."""
    import pandas as pd

    ax = new_axes(ax, figsize=(8, 5))
    data = table[table["customers"] > 0]
    long = pd.concat(
        [
            pd.DataFrame(
                {"segment": data["segment"], "measure": "customers", "share": 100 * data["share"]}
            ),
            pd.DataFrame(
                {
                    "segment": data["segment"],
                    "measure": "revenue",
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
    z.columns = list(features)
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


def plot_segment_scores(table, ax=None):  # noqa: ANN001, ANN201
    """Score per segment with its CI (``segment``, ``estimate``, ``ci_low``, ``ci_high``,
    ``rest``, ``significant``, ``small_sample``); small segments drawn hollow."""
    ax = new_axes(ax, figsize=(8, 0.45 * len(table) + 1.5))
    metric = table["metric"].iloc[0] if len(table) else ""
    scale = 100 if metric == "CSAT" else 1
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
            f"{s}{' (n<30)' if small else ''}"
            for s, small in zip(table["segment"], table["small_sample"], strict=True)
        ],
    )
    ax.invert_yaxis()
    ax.set_xlabel(f"{metric}{' (% top box)' if metric == 'CSAT' else ''} with 95% CI")
    ax.set_title(f"{metric} by segment (red: differs from the rest after Holm correction)")
    return ax


def plot_segment_migration(matrix, ax=None):  # noqa: ANN001, ANN201
    """Heatmap of row shares: where each previous segment's customers are now."""
    ax = new_axes(ax, figsize=(9, 6))
    rows = matrix[matrix.sum(axis=1) > 0]
    shares = rows.div(rows.sum(axis=1), axis=0) * 100
    sns.heatmap(
        shares,
        annot=True,
        fmt=".0f",
        cmap="Blues",
        cbar_kws={"label": "% of previous segment"},
        ax=ax,
    )
    ax.set_xlabel("segment now")
    ax.set_ylabel("segment last period")
    ax.set_title("Where last period's customers are now (% of each row)")
    return ax


def plot_odds_ratios(table, ax=None):  # noqa: ANN001, ANN201
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
    ax.set_yticks(range(len(table)), table["meaning"])
    ax.invert_yaxis()
    ax.set_xlabel("odds ratio of lapsing (95% CI; right of 1 = more likely to lapse)")
    ax.set_title("What goes with customers lapsing")
    return ax


# --- topics: moved to fbresearch/present/plots/topics.py --------------------------------------
# TEMPORARY SHIM (issue 13 integration removes it): the topic plots are importable from here
# through __getattr__ (lazy, because present.plots.topics imports this module's theme).
_MOVED_TO_PRESENT_TOPICS = (
    "_topic_names",
    "plot_topic_shares",
    "plot_topic_selection",
    "plot_topic_prevalence",
    "plot_pain_points",
)


def __getattr__(name: str):  # noqa: ANN202
    if name in _MOVED_TO_PRESENT_TOPICS:
        from fbresearch.present.plots import topics as _topics

        return getattr(_topics, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# --- triage and the closed loop: categories, severity, response times, suspicious feedback ---


def _hbar_ci(ax, labels, est, low, high, color, xlabel: str, title: str):  # noqa: ANN001, ANN202
    import numpy as np

    est = np.asarray(est, float)
    err = np.clip(np.vstack([est - np.asarray(low, float), np.asarray(high, float) - est]), 0, None)
    y = np.arange(len(est))
    ax.barh(y, est, color=color, alpha=0.85)
    ax.errorbar(est, y, xerr=np.nan_to_num(err), fmt="none", ecolor="black", capsize=3, lw=1)
    ax.set_yticks(list(y), list(labels))
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    ax.grid(axis="y", visible=False)
    return ax


def category_shares(data, ax=None):  # noqa: ANN001, ANN201
    """Share of texts per category (percent, with CI whiskers); ``data`` has ``label``,
    ``category``, ``estimate``, ``ci_low``, ``ci_high`` in percent.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"category": ["a", "uncategorized"], "label": ["A", "None"],
    ...                   "estimate": [40.0, 10.0], "ci_low": [35.0, 8.0], "ci_high": [45.0, 12.0]})
    >>> ax = category_shares(d); plt.close("all")
    """
    ax = new_axes(ax, figsize=(8, 0.45 * len(data) + 1.2))
    data = data.sort_values("estimate", ascending=False)
    colors = [PALETTE[7] if c == "uncategorized" else PALETTE[0] for c in data["category"]]
    return _hbar_ci(
        ax,
        data["label"],
        data["estimate"],
        data["ci_low"],
        data["ci_high"],
        colors,
        "% of texts (95% CI); a text can be in several categories",
        "Feedback by category",
    )


def severity_rules(table, ax=None):  # noqa: ANN001, ANN201
    """Responses graded by each severity rule, coloured by grade."""
    colors = {"urgent": PALETTE[3], "important": PALETTE[1], "general": PALETTE[7]}
    ax = new_axes(ax, figsize=(8, 0.45 * len(table) + 1.2))
    y = range(len(table))
    ax.barh(
        list(y), table["responses"], color=[colors.get(s, PALETTE[0]) for s in table["severity"]]
    )
    ax.set_yticks(
        list(y), [f"{r} ({s})" for r, s in zip(table["rule"], table["severity"], strict=True)]
    )
    ax.invert_yaxis()
    ax.set_xlabel("responses graded by the rule")
    ax.set_title("Severity: which rule graded each response")
    ax.grid(axis="y", visible=False)
    return ax


def within_limit(data, overall: float | None = None, ax=None):  # noqa: ANN001, ANN201
    """Share answered within the grade's limit per group (percent, CI whiskers), worst first;
    a dashed line marks the overall share."""
    ax = new_axes(ax, figsize=(8, 0.45 * len(data) + 1.2))
    data = data.sort_values("estimate")
    colors = [
        PALETTE[3] if overall is not None and hi < overall else PALETTE[0] for hi in data["ci_high"]
    ]
    _hbar_ci(
        ax,
        data["group"],
        data["estimate"],
        data["ci_low"],
        data["ci_high"],
        colors,
        "% answered within the time limit of their grade (95% CI)",
        "Answered in time (red: clearly below the overall share)",
    )
    if overall is not None:
        ax.axvline(overall, color="black", ls="--", lw=1)
    ax.set_xlim(0, 100)
    return ax


def resolution_curves(survival, ax=None):  # noqa: ANN001, ANN201
    """Kaplan-Meier share of cases resolved against hours since submission, one line per grade."""
    ax = new_axes(ax, figsize=(8, 4))
    colors = {"urgent": PALETTE[3], "important": PALETTE[1], "general": PALETTE[0]}
    for grade, part in survival.groupby("severity", sort=False):
        ax.step(
            part["hours"],
            100 * part["resolved_share"],
            where="post",
            label=grade,
            color=colors.get(grade),
        )
    ax.axhline(50, color="grey", ls=":", lw=1)
    ax.set_xlabel("hours since the feedback was submitted")
    ax.set_ylabel("% of cases resolved (Kaplan-Meier)")
    ax.set_title("Time to resolution (open cases counted until the end of the period)")
    ax.set_ylim(0, 100)
    if len(survival):
        ax.legend(frameon=False, title="grade")
    return ax


def suspicious_reasons(table, ax=None):  # noqa: ANN001, ANN201
    """Responses flagged per reason."""
    ax = new_axes(ax, figsize=(8, 0.45 * len(table) + 1.2))
    y = range(len(table))
    ax.barh(list(y), table["responses"], color=PALETTE[3])
    ax.set_yticks(list(y), [r.replace("_", " ") for r in table["reason"]])
    ax.invert_yaxis()
    ax.set_xlabel("responses flagged")
    ax.set_title("Suspicious feedback by reason")
    ax.grid(axis="y", visible=False)
    return ax
