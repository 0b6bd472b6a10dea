"""Charts of the driver analyses: the importance-performance matrix, coefficients, importance
bars and the before-and-now change, in the report theme.

Each function takes tidy data (a result's ``table``) and column names, accepts ``ax=`` and
returns the Axes. Shared helpers (theme, palette, new axes) come from :mod:`fbresearch.present.plots.base`.
"""

from __future__ import annotations

import numpy as np
import seaborn as sns

from fbresearch.present.plots.base import PALETTE, _errorbar_columns, new_axes

__all__ = [
    "QUADRANT_COLORS",
    "driver_change",
    "driver_coefficients",
    "driver_importance",
    "importance_performance_matrix",
]

#: One colour per importance-performance quadrant, shared by tables and charts.
QUADRANT_COLORS = {
    "fix first": PALETTE[3],
    "keep up": PALETTE[2],
    "low priority": PALETTE[7],
    "possible overkill": PALETTE[0],
    "negative link": PALETTE[1],
    "no evidence it matters": "0.6",
}

_CORNERS = {
    "fix first": (0.02, 0.97, "left", "top"),
    "keep up": (0.98, 0.97, "right", "top"),
    "low priority": (0.02, 0.03, "left", "bottom"),
    "possible overkill": (0.98, 0.03, "right", "bottom"),
}


def _percent_axis(axis) -> None:  # noqa: ANN001
    axis.set_major_formatter(lambda v, _: f"{100 * v:.0f}%")


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
    corner. Error bars are the CIs. With ``direction`` and ``matters`` columns, a driver with
    a negative link or without evidence is labelled so, and the latter has no importance
    whisker (its share is descriptive).
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
        yerr=_errorbar_columns(data, "importance") * _matters(data),
        fmt="none",
        ecolor="0.55",
        elinewidth=1,
        capsize=3,
        zorder=2,
    )
    for row in data.itertuples():
        ax.annotate(
            _signed_label(row),
            (row.performance, row.importance),
            xytext=(6, 6),
            textcoords="offset points",
            fontsize=10,
        )
    ax.axvline(thresholds["performance"], color="0.5", linestyle="--", linewidth=1)
    ax.axhline(thresholds["importance"], color="0.5", linestyle="--", linewidth=1)
    _percent_axis(ax.yaxis)
    if performance_label != "Mean rating":
        _percent_axis(ax.xaxis)
    ax.margins(0.15)
    _name_quadrants(ax)
    ax.set_xlabel(f"Performance: {performance_label.lower()} (with CI)")
    ax.set_ylabel("Importance: share of explained variation (with CI)")
    ax.legend(title=None, loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    if title:
        ax.set_title(title)
    return ax


def _matters(data) -> np.ndarray:  # noqa: ANN001
    """Whether each driver has evidence that it matters (all True without the column)."""
    return data["matters"].to_numpy(bool) if "matters" in data else np.ones(len(data), bool)


def _signed_label(row) -> str:  # noqa: ANN001
    """The point's label, with "(negative link)" or "(no evidence)" where that applies."""
    if "matters" in row._fields and not row.matters:
        return f"{row.label} (no evidence)"
    if "direction" in row._fields and row.direction < 0:
        return f"{row.label} (negative link)"
    return row.label


def _name_quadrants(ax) -> None:  # noqa: ANN001
    """Write each quadrant's name in its corner, in its colour."""
    for name, (x, y, ha, va) in _CORNERS.items():
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
    """Horizontal bars of each driver's signed share of explained variation with CI error bars.

    A driver with a negative coefficient (``direction`` -1) is drawn to the left of zero; one
    without evidence that it matters (``matters`` False) in grey without an interval.
    """
    ordered = data.sort_values("importance", ascending=False)
    sign = ordered["direction"].to_numpy() if "direction" in ordered else np.ones(len(ordered))
    sign = np.where(sign < 0, -1.0, 1.0)
    matters = _matters(ordered)
    errors = _errorbar_columns(ordered, "importance")
    errors = np.where(sign < 0, errors[::-1], errors) * matters
    ax = new_axes(ax, figsize=(8, 0.5 * len(ordered) + 1.5))
    ax.barh(
        [_signed_label(r) for r in ordered.itertuples()],
        sign * ordered["importance"].to_numpy(dtype=float),
        xerr=errors,
        color=[
            QUADRANT_COLORS["no evidence it matters"]
            if not m
            else (QUADRANT_COLORS["negative link"] if s < 0 else PALETTE[0])
            for s, m in zip(sign, matters, strict=True)
        ],
        ecolor="0.3",
        capsize=3,
    )
    ax.axvline(0, color="0.4", linewidth=1)
    ax.invert_yaxis()
    _percent_axis(ax.xaxis)
    ax.set_xlabel("Share of the explained variation (with CI); left of 0: negative link")
    if title:
        ax.set_title(title)
    return ax


def driver_change(
    data,
    current: str,
    previous: str,
    title: str | None = None,
    ax=None,  # noqa: ANN001
    xlabel: str = "Points per rating point (with CI)",
):  # noqa: ANN201
    """Each driver's coefficient before and now, with CIs; a line joins the two points."""

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
    ax.axvline(0, color="0.4", linewidth=1)
    ax.set_xlabel(f"{xlabel}; ▲▼ = clear change")
    ax.legend(frameon=False, loc="lower right")
    if title:
        ax.set_title(title)
    return ax
