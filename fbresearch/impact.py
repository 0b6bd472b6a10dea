# TEMPORARY SHIM (issue 13 integration removes it)
"""Moved to :mod:`fbresearch.analyses.impact` (and :mod:`fbresearch.present.impact`)."""

from fbresearch.analyses.impact import (
    MIN_CLUSTERS,
    MIN_ITS_POINTS,
    ImpactResult,
    ImprovementFailure,
    diff_in_diff,
    evaluate_improvement,
    evaluate_improvements,
    interrupted_time_series,
    minimum_detectable_effect,
    monthly_series,
    pre_post,
)
from fbresearch.present.impact import show_improvements

__all__ = [
    "ImpactResult",
    "ImprovementFailure",
    "MIN_CLUSTERS",
    "MIN_ITS_POINTS",
    "pre_post",
    "diff_in_diff",
    "interrupted_time_series",
    "evaluate_improvement",
    "evaluate_improvements",
    "minimum_detectable_effect",
    "monthly_series",
    "show_improvements",
]
