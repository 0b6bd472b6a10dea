"""KPI targets: the projected trend against each target, with its uncertainty."""

from fbresearch.analyses.targets.estimate import (
    DEFAULT_TARGETS,
    MIN_MONTHS,
    TARGET_METRICS,
    resolve_targets,
    target_progress,
)
from fbresearch.analyses.targets.results import STATUSES, TargetResult

__all__ = [
    "target_progress",
    "resolve_targets",
    "TargetResult",
    "DEFAULT_TARGETS",
    "TARGET_METRICS",
    "MIN_MONTHS",
    "STATUSES",
]
