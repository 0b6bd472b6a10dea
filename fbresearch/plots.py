"""Seaborn figures for every report, in one theme.

Result objects' ``.plot()`` methods call the functions here; this module imports no analysis.
Each function takes tidy data and column names, accepts ``ax=`` and returns the Axes.
"""

from __future__ import annotations

from fbresearch.present.plots.base import (  # noqa: F401 - re-exported
    PALETTE,
    _cjk_font_name,
    _errorbar_columns,
    new_axes,
    set_theme,
)

__all__ = ["set_theme", "new_axes", "PALETTE"]


# TEMPORARY SHIM (issue 13 integration removes it): charts that moved to fbresearch.present.plots
# are read from their new module on first use (those modules import new_axes/PALETTE here, so a
# top-level import would cycle).
_MOVED = {
    **dict.fromkeys(
        (
            "_topic_names",
            "plot_topic_shares",
            "plot_topic_selection",
            "plot_topic_prevalence",
            "plot_pain_points",
        ),
        "topics",
    ),
    **dict.fromkeys(
        (
            "QUADRANT_COLORS",
            "importance_performance_matrix",
            "driver_coefficients",
            "driver_importance",
            "driver_change",
        ),
        "drivers",
    ),
    **dict.fromkeys(
        (
            "kpi_trend_plot",
            "volume_plot",
            "estimate_plot",
            "_kpi_dates",
            "_kpi_tick",
            "_kpi_finish",
        ),
        "kpis",
    ),
    **dict.fromkeys(
        (
            "plot_rfm_segments",
            "plot_cluster_profiles",
            "plot_segment_scores",
            "plot_segment_migration",
            "plot_odds_ratios",
        ),
        "segments",
    ),
    **dict.fromkeys(
        (
            "_hbar_ci",
            "category_shares",
            "severity_rules",
            "within_limit",
            "resolution_curves",
            "suspicious_reasons",
        ),
        "triage",
    ),
    **dict.fromkeys(
        ("plot_counterfactual", "plot_event_study", "plot_pre_post", "_mark_change"), "impact"
    ),
}


def __getattr__(name: str):  # noqa: ANN202
    if name in _MOVED:
        import importlib

        return getattr(importlib.import_module(f"fbresearch.present.plots.{_MOVED[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
