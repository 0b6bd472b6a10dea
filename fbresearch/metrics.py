# TEMPORARY SHIM (issue 13 integration removes it)
"""Moved to :mod:`fbresearch.analyses.kpis`; this module re-exports its names for old imports."""

from fbresearch.analyses.kpis import (
    AcknowledgedResult,
    KpiTable,
    ResponseRateResult,
    acknowledged_within,
    ces,
    csat,
    kpi_table,
    kpi_trend,
    mean,
    nps,
    proportion,
    response_rate,
)
from fbresearch.analyses.kpis.scores import _nps_interval, _wilson

__all__ = [
    "nps",
    "csat",
    "ces",
    "proportion",
    "mean",
    "kpi_table",
    "kpi_trend",
    "response_rate",
    "acknowledged_within",
    "KpiTable",
    "ResponseRateResult",
    "AcknowledgedResult",
    "_nps_interval",
    "_wilson",
]
