"""Outlook: KPI forecasts with prediction intervals, a rolling backtest and early warnings."""

from fbresearch.analyses.outlook.forecast import (
    MIN_MONTHS,
    SEASONAL_MONTHS,
    forecast_series,
    kpi_outlook,
)
from fbresearch.analyses.outlook.narrative import write_outlook
from fbresearch.analyses.outlook.results import OutlookResult

__all__ = [
    "kpi_outlook",
    "forecast_series",
    "write_outlook",
    "OutlookResult",
    "MIN_MONTHS",
    "SEASONAL_MONTHS",
]
