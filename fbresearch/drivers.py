# TEMPORARY SHIM (issue 13 integration removes it)
"""Moved to :mod:`fbresearch.analyses.drivers`; this module re-exports its names."""

from fbresearch.analyses.drivers import (
    MAX_LMG_DRIVERS,
    QUADRANTS,
    VIF_MODERATE,
    VIF_SEVERE,
    DriverResult,
    DriverTrendResult,
    ImportancePerformanceResult,
    driver_label,
    driver_trend,
    importance_performance,
    key_drivers,
    relative_importance,
    resolve_drivers,
)
from fbresearch.analyses.drivers.importance import _correlation, _subset_r2

__all__ = [
    "key_drivers",
    "relative_importance",
    "importance_performance",
    "driver_trend",
    "driver_label",
    "resolve_drivers",
    "DriverResult",
    "ImportancePerformanceResult",
    "DriverTrendResult",
    "QUADRANTS",
    "VIF_MODERATE",
    "VIF_SEVERE",
    "MAX_LMG_DRIVERS",
    "_correlation",
    "_subset_r2",
]
