"""The customer journey: volume and satisfaction per touchpoint, the weak stage, and per-stage
topics and drivers."""

from fbresearch.analyses.journey.estimate import JOURNEY_COLUMN, journey_kpis
from fbresearch.analyses.journey.profile import stage_profiles
from fbresearch.analyses.journey.results import JourneyResult, StageProfiles
from fbresearch.analyses.journey.stages import KNOWN_ORDER, stage_order

__all__ = [
    "journey_kpis",
    "stage_profiles",
    "stage_order",
    "JourneyResult",
    "StageProfiles",
    "KNOWN_ORDER",
    "JOURNEY_COLUMN",
]
