# TEMPORARY SHIM (issue 13 integration removes it)
"""Moved to :mod:`fbresearch.present.findings`."""

from fbresearch.present.findings import *  # noqa: F403
from fbresearch.present.findings import (  # noqa: F401
    FindingList,
    _expand,
    _redact,
    read_findings,
    top_findings,
    write_findings,
)
