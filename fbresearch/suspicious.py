# TEMPORARY SHIM (issue 13 integration removes it)
"""Moved to :mod:`fbresearch.analyses.triage.suspicious`; this module re-exports its names."""

from fbresearch.analyses.triage.results import SuspiciousResult  # noqa: F401
from fbresearch.analyses.triage.suspicious import *  # noqa: F403
from fbresearch.analyses.triage.suspicious import (  # noqa: F401
    TEMPLATES,
    __all__,
    _gibberish,
    _template,
    _units,
    _window_counts,
)
