# TEMPORARY SHIM (issue 13 integration removes it)
"""Old home of the segmentation analyses: now :mod:`fbresearch.analyses.segments`.

Re-exports every name notebooks, tests and the package import from here; ``attempt`` and
``Unavailable`` are the one stand-in of :mod:`fbresearch.results`.
"""

from fbresearch.analyses.segments import *  # noqa: F403
from fbresearch.analyses.segments import __all__ as _segments_all
from fbresearch.results import Unavailable, attempt

__all__ = [*_segments_all, "attempt", "Unavailable"]
