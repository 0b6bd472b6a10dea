# TEMPORARY SHIM (issue 13 integration removes it)
"""Moved to :mod:`fbresearch.report.html`."""

from fbresearch.report.html import *  # noqa: F403
from fbresearch.report.html import (  # noqa: F401
    TEMPLATES,
    _redact,
    clean_notebook,
    kpi_view,
    notebook_page,
    period_page,
    render,
    reports_page,
    sanitize_html,
)
