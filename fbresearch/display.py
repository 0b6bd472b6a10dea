# TEMPORARY SHIM (issue 13 integration removes it)
"""Moved to :mod:`fbresearch.present.display` (tables: :mod:`fbresearch.present.tables`)."""

from fbresearch.present.display import *  # noqa: F403
from fbresearch.present.display import (  # noqa: F401
    _SHOWN_UNAVAILABLE,
    MAX_ROWS,
    _counters,
    _html,
    _next,
    _redact,
    escape,
    figure_html,
    format_ci,
    format_value,
    reset_numbering,
    result_html,
    show,
    table_html,
)
from fbresearch.present.tables import _is_missing, _readable, _share_column  # noqa: F401
