"""KPIs with confidence intervals: NPS, CSAT, CES, proportions, means, KPI tables and rates.

``scores`` holds the single-sample estimators, ``table`` the KPI tables, ``rates`` the response
and acknowledgement rates, ``results`` their frozen results and ``narrative`` what they say.
"""

from fbresearch.analyses.kpis.rates import acknowledged_within, response_rate
from fbresearch.analyses.kpis.results import AcknowledgedResult, KpiTable, ResponseRateResult
from fbresearch.analyses.kpis.scores import ces, csat, mean, nps, proportion, satisfied
from fbresearch.analyses.kpis.table import SOURCE_COLUMNS, kpi_table, kpi_trend

__all__ = [
    "nps",
    "csat",
    "ces",
    "satisfied",
    "proportion",
    "mean",
    "kpi_table",
    "kpi_trend",
    "response_rate",
    "acknowledged_within",
    "KpiTable",
    "ResponseRateResult",
    "AcknowledgedResult",
    "SOURCE_COLUMNS",
]
