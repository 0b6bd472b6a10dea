"""Sentences, tables and findings of the outlook; a warning is decided by fbresearch.evidence.

Examples
--------
>>> show_value("csat", 0.712)
'71.2%'
>>> show_value("nps", 12.34)
'12.3'
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from fbresearch.format import confidence_label, format_amount
from fbresearch.privacy import redact
from fbresearch.results import Finding, Unavailable, format_number
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
    "outlook_headline",
    "write_outlook",
]

OUTLOOK_VERSION = 1


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
            # an error is a difference: percentage points for a share, NPS points for NPS
            "Mean absolute error": [
                format_amount(e, metric_spec(m)) for m, e in zip(a["metric"], a["mae"], strict=False)
            ],
        }
    )


def outlook_caption(result: OutlookResult) -> str:
    return (
        f"Forecasts for the next {result.horizon} months with {confidence_label(result.level)} "
        "prediction intervals (the KPI's true level drifts from month to month at a pace "
        "learnt from the past months, and each month adds the survey's own sampling error; a "
        "12-month season once 24 months are known). Accuracy: each past month forecast from "
        "the months before it (rolling origin)."
    )


def outlook_headline(result: OutlookResult) -> dict[str, Any]:
    """What the period index shows of the outlook: each KPI's next month and any warning.

    Returns
    -------
    dict
        ``level``, ``warn_level``, ``coverage`` and ``checked`` (the backtest), and ``kpis``:
        one dict per KPI with ``metric``, ``name``, ``month`` ("YYYY-MM"), ``month_label``,
        ``forecast``, ``pi_low``, ``pi_high`` (numbers), their ``forecast_text`` and
        ``interval_text``, ``warning`` (bool) and ``warning_text`` (the sentence, or "").
    """
    warned = {r["metric"]: r for _, r in result.warnings_now().iterrows()}
    warn_level = confidence_label(result.warn_level)
    kpis = []
    for metric in result.metrics:
        row = result.table[result.table["metric"] == metric].iloc[0]
        warning = metric in warned
        kpis.append(
            {
                "metric": metric,
                "name": metric_spec(metric).label,
                "month": str(row["month"]),
                "month_label": f"{row['month']:%B %Y}",
                "forecast": float(row["forecast"]),
                "pi_low": float(row["pi_low"]),
                "pi_high": float(row["pi_high"]),
                "forecast_text": show_value(metric, row["forecast"]),
                "interval_text": (
                    f"{show_value(metric, row['pi_low'])} to {show_value(metric, row['pi_high'])}"
                ),
                "warning": warning,
                "warning_text": _warning_sentence(warned[metric], warn_level) if warning else "",
            }
        )
    return {
        "version": OUTLOOK_VERSION,
        "level": result.level,
        "warn_level": result.warn_level,
        "coverage": result.coverage(),
        "checked": len(result.backtest),
        "kpis": kpis,
    }


def write_outlook(path: str | os.PathLike[str] | None, result: Any) -> dict[str, Any] | None:
    """Write :func:`outlook_headline` as JSON for the period index (the runner passes ``path``).

    Nothing is written when ``path`` is None (a notebook run by hand) or when the outlook did
    not run (an :class:`~fbresearch.results.Unavailable` or None): the index then shows no
    outlook block. Texts pass :func:`fbresearch.privacy.redact`.

    Examples
    --------
    >>> write_outlook(None, None) is None
    True
    """
    if result is None or isinstance(result, Unavailable):
        return None
    payload = outlook_headline(result)
    for kpi in payload["kpis"]:
        for key in ("name", "month_label", "warning_text"):
            kpi[key] = redact(kpi[key])
    if path is not None:
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
        tmp.replace(target)
    return payload
