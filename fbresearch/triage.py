# TEMPORARY SHIM (issue 13 integration removes it)
"""Moved to :mod:`fbresearch.analyses.triage`; this module re-exports the names still imported
from ``fbresearch.triage`` (the package's lazy exports, tests, benchmarks)."""

from fbresearch.analyses.triage import *  # noqa: F403
from fbresearch.analyses.triage import __all__  # noqa: F401
from fbresearch.analyses.triage.categorize import _candidates, _entry_keys, _match  # noqa: F401
from fbresearch.analyses.triage.config import _is_latin, _package_yaml, _read_yaml  # noqa: F401
from fbresearch.analyses.triage.response_times import _km, _parse_times  # noqa: F401
