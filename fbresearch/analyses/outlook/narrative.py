"""Sentences, tables and findings of the outlook; a warning is decided by fbresearch.evidence.

Examples
--------
>>> show_value("csat", 0.712)
'71.2%'
>>> show_value("nps", 12.34)
'12.3'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from fbresearch.format import confidence_label
from fbresearch.results import Finding, format_number
from fbresearch.schema import metric_spec

if TYPE_CHECKING:
    from fbresearch.analyses.outlook.results import OutlookResult

__all__ = [
    "show_value",
    "outlook_summary",
    "outlook_findings",
    "forecast_display_table",
    "accuracy_display_table",
    "outlook_caption",
]


def show_value(metric: str, value: float) -> str:
    spec = metric_spec(metric)
    return format_number(value, spec.digits, percent=spec.unit == "percent")


def _warning_sentence(row: pd.Series, level: str) -> str:
    spec = metric_spec(row["metric"])
    return (
        f"Early warning: {spec.label} in {row['month']:%B %Y} was "
        f"{show_value(row['metric'], row['observed'])}, below what the months before forecast "
        f"({show_value(row['metric'], row['forecast'])}, {level} interval "
        f"{show_value(row['metric'], row['warn_low'])} to "
        f"{show_value(row['metric'], row['warn_high'])})."
    )


def outlook_summary(result: OutlookResult) -> str:
    level = confidence_label(result.level)
    parts = []
    for metric in result.metrics:
        f = result.table[result.table["metric"] == metric]
        last = f.iloc[-1]
        parts.append(
            f"{metric_spec(metric).label} is forecast at "
            f"{show_value(metric, f.iloc[0]['forecast'])} next month and "
            f"{show_value(metric, last['forecast'])} in {last['month']:%B %Y} ({level} "
            f"prediction interval {show_value(metric, last['pi_low'])} to "
            f"{show_value(metric, last['pi_high'])})."
        )
    cov = result.coverage()
    parts.append(
        f"In the past, {format_number(cov, 0, percent=True)} of the months fell inside their "
        f"{level} interval ({len(result.backtest)} forecasts checked)."
    )
    now = result.warnings_now()
    if now.empty:
        parts.append("No KPI fell outside last month's forecast this month.")
    else:
        parts += [
            _warning_sentence(r, confidence_label(result.warn_level)) for _, r in now.iterrows()
        ]
    return " ".join(parts)


def outlook_findings(result: OutlookResult) -> list[Finding]:
    level = confidence_label(result.warn_level)
    return [
        Finding(
            _warning_sentence(r, level), estimate=r["surprise"], importance=0.85, analysis="value"
        )
        for _, r in result.warnings_now().iterrows()
    ]


def forecast_display_table(result: OutlookResult) -> pd.DataFrame:
    level = confidence_label(result.level)
    t = result.table
    return pd.DataFrame(
        {
            "KPI": [metric_spec(m).label for m in t["metric"]],
            "Month": [f"{m:%B %Y}" for m in t["month"]],
            "Forecast": [
                show_value(m, v) for m, v in zip(t["metric"], t["forecast"], strict=False)
            ],
            f"{level} prediction interval": [
                f"{show_value(m, lo)} to {show_value(m, hi)}"
                for m, lo, hi in zip(t["metric"], t["pi_low"], t["pi_high"], strict=False)
            ],
        }
    )


def accuracy_display_table(result: OutlookResult) -> pd.DataFrame:
    level = confidence_label(result.level)
    a = result.accuracy()
    return pd.DataFrame(
        {
            "KPI": [metric_spec(m).label for m in a["metric"]],
            "Forecasts checked": a["checks"].astype(int),
            f"Inside the {level} interval": [
                format_number(c, 0, percent=True) for c in a["coverage"]
            ],
            "Mean absolute error": [
                show_value(m, e) for m, e in zip(a["metric"], a["mae"], strict=False)
            ],
        }
    )


def outlook_caption(result: OutlookResult) -> str:
    return (
        f"Forecasts for the next {result.horizon} months with {confidence_label(result.level)} "
        "prediction intervals (a local trend model whose month-to-month noise is the survey's "
        "own sampling error; a 12-month season once 24 months are known). Accuracy: each past "
        "month forecast from the months before it (rolling origin)."
    )
