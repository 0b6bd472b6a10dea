"""KPI targets: is the trend on course to reach each target by its date?

A target names a KPI (or the response rate), a value (``value: 30``) or a rise from a baseline month (``relative_change:
0.10`` or ``change: 5``, from ``from``, default the report month) and a due month (``by``, or
``within_months`` of the baseline). The monthly figures up to the report month (the last
``months`` of them) are projected to the due month by a trend model
(:func:`fbresearch.analyses.targets.projection.trend_projection`: a local linear trend whose
measurement noise is each month's sampling variance, a 12-month season from 24 months on), with
a prediction interval for that month's figure (t quantile, months - 1 degrees of freedom). Its
trend and drift are estimated from the data, so a short or noisy history gives a wide interval.

The verdict follows the interval: **on track** when the whole projected interval clears the
target (in the KPI's better direction), **behind** when the whole interval falls short, else
**too early to say**. A target whose month has come is judged on that month's estimate and its
interval instead: met, missed, or too close to call.

:data:`DEFAULT_TARGETS` are the background's benchmarks (``targets: default`` in params): CSAT
10% above the report month within 12 months, and a survey response rate of at least 15% (the low
end of the usual 15-25%) within 12 months where the run has invitation counts.

A ``response_rate`` target is judged on the monthly response rate of the invited channels
(:func:`fbresearch.analyses.targets.rates.rate_months`), so it needs the invitations
(``invitations=`` with ``feedback=``); without them its row says so (``needs``: an invitations
file) instead of a verdict, and the default one is left out.

Examples
--------
>>> import pandas as pd
>>> from fbresearch.analyses.kpis import kpi_table
>>> months = pd.period_range("2026-01", periods=10, freq="M")
>>> frame = pd.DataFrame({"submitted_at": [m.start_time for m in months for _ in range(200)],
...                       "csat": [5 if i % 100 < 60 + 3 * k else 2 for k in range(10)
...                                for i in range(200)]})
>>> kpi = kpi_table(frame, by="month", metrics="csat")
>>> goals = target_progress(kpi, [{"metric": "csat", "value": 0.9, "by": "2027-06"}])
>>> goals.table.loc[0, "status"]
'on track'
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from fbresearch.analyses.outlook.forecast import MIN_MONTHS
from fbresearch.analyses.targets.projection import trend_projection
from fbresearch.analyses.targets.rates import NEEDS_INVITATIONS, NEEDS_MONTHS, RATE, rate_months
from fbresearch.analyses.targets.results import TargetResult
from fbresearch.errors import AnalysisError
from fbresearch.schema import metric_spec

__all__ = ["DEFAULT_TARGETS", "TARGET_METRICS", "MIN_MONTHS", "target_progress", "resolve_targets"]

#: ``targets: default``: the background's benchmarks, a 10-15% satisfaction rise in 12 months
#: and a 15-25% survey response rate (its low end; only where the run has invitation counts)
DEFAULT_TARGETS: tuple[dict[str, Any], ...] = (
    {"metric": "csat", "relative_change": 0.10, "within_months": 12},
    {"metric": RATE, "value": 0.15, "within_months": 12},
)
#: KPIs a target may name (the monthly KPI table's, and the response rate)
TARGET_METRICS = ("nps", "csat", "csat_mean", "ces", "satisfied", RATE)


def resolve_targets(targets: Any, *, invitations: bool = True) -> list[dict[str, Any]]:
    """The targets of params as a list of dicts (``"default"``: :data:`DEFAULT_TARGETS`, less
    the response-rate one when the run has no invitation counts: ``invitations=False``).

    Examples
    --------
    >>> resolve_targets(None), [t["metric"] for t in resolve_targets("default")]
    ([], ['csat', 'response_rate'])
    >>> [t["metric"] for t in resolve_targets("default", invitations=False)]
    ['csat']
    """
    if targets is None:
        return []
    if targets == "default":
        return [dict(t) for t in DEFAULT_TARGETS if invitations or t["metric"] != RATE]
    if isinstance(targets, Mapping):
        targets = [targets]
    return [dict(t) for t in targets]


def _month(value: Any, what: str) -> pd.Period:
    try:
        return pd.Period(str(value)[:7], freq="M")
    except (ValueError, TypeError):
        raise AnalysisError(f"{what} must be a month such as 2027-06, not {value!r}.") from None


def _target_value(spec: Mapping[str, Any], baseline: float | None) -> float:
    if "value" in spec:
        return float(spec["value"])
    if baseline is None or math.isnan(baseline):
        return math.nan
    if "relative_change" in spec:
        return baseline + abs(baseline) * float(spec["relative_change"])
    return baseline + float(spec["change"])


def _projection(
    rows: pd.DataFrame, latest: pd.Period, due: pd.Period, confidence: float
) -> tuple[float, float, float]:
    """The forecast of the KPI's figure for ``due`` with its prediction interval."""
    y, se = rows["estimate"].to_numpy(float), rows["se"].to_numpy(float)
    mean, low, high = trend_projection(y, se, (due - latest).n, level=confidence)
    return float(mean[-1]), float(low[-1]), float(high[-1])


def _verdict(low: float, high: float, target: float, direction: int, due: bool) -> str:
    ahead = low >= target if direction > 0 else high <= target
    short = high < target if direction > 0 else low > target
    if due:
        return "met" if ahead else "missed" if short else "too close to call"
    return "on track" if ahead else "behind" if short else "too early to say"


def _one(kpi: Any, spec: Mapping[str, Any], months: int) -> dict[str, Any]:
    metric = str(spec.get("metric", ""))
    if metric not in TARGET_METRICS:
        raise AnalysisError(
            f"a target names {metric!r}; targets may name {', '.join(TARGET_METRICS)}."
        )
    out: dict[str, Any] = {"metric": metric, "status": "no data", "baseline": math.nan}
    rows = kpi.table[kpi.table["metric"] == metric].rename(columns={kpi.time: "month"})
    latest = kpi.latest_period
    start = _month(spec["from"], "a target's from") if spec.get("from") else latest
    due = (
        _month(spec["by"], "a target's by")
        if spec.get("by")
        else start + int(spec.get("within_months", 12))
    )
    out.update(start=str(start), by=str(due))
    if "value" not in spec:
        base = rows[rows["month"] == start]
        out["baseline"] = float(base["estimate"].iloc[0]) if len(base) else math.nan
    out["target"] = _target_value(spec, out["baseline"])
    if rows.empty or math.isnan(out["target"]):
        return out
    direction = metric_spec(metric).direction
    if due <= latest:
        now = rows[rows["month"] == due]
        if len(now):
            r = now.iloc[0]
            out.update(estimate=r["estimate"], ci_low=r["ci_low"], ci_high=r["ci_high"])
            out["status"] = _verdict(r["ci_low"], r["ci_high"], out["target"], direction, True)
        return out
    recent = rows[rows["se"].gt(0)].sort_values("month")
    recent = recent[recent["month"] > latest - months] if months else recent
    out["months"] = len(recent)
    if len(recent) < MIN_MONTHS:
        out["status"] = "too early to say"
        return out
    mid, low, high = _projection(recent, latest, due, kpi.confidence)
    lo, hi = metric_spec(metric).scale
    scale = 0.01 if metric_spec(metric).unit == "percent" else 1.0
    mid, low, high = (min(max(v, lo * scale), hi * scale) for v in (mid, low, high))
    out.update(estimate=mid, ci_low=low, ci_high=high)
    out["status"] = _verdict(low, high, out["target"], direction, False)
    return out


def target_progress(
    kpi: Any,
    targets: Any,
    *,
    months: int | None = 24,
    through: Any = None,
    trend_months: int | None = None,
    invitations: Any = None,
    feedback: Any = None,
    inputs: Any = None,
) -> TargetResult:
    """Each target's projected level at its date with a CI, and whether the KPI is on track.

    Parameters
    ----------
    kpi : KpiTable
        Monthly KPIs (``kpi_table(frame, by="month", metrics=...)``) up to the report month.
    targets : list of dict, "default" or None
        Each ``{metric, value | relative_change | change, by | within_months, from}``.
    months : int or None, default 24
        Months of figures, ending with the report month, behind the projection (None: all;
        fewer than the outlook's ``MIN_MONTHS``: too early to say).
    through : str or Period, optional
        The report month (default: the table's last month).
    trend_months : int, optional
        Months of the trend charts the targets are drawn on (:meth:`TargetResult.plot`); None:
        every month of ``kpi``.
    invitations, feedback : DataFrame, optional
        Invitation counts (``channel``, ``month``, ``invited``) and the canonical feedback, for
        ``response_rate`` targets (:func:`~fbresearch.analyses.targets.rates.rate_months`).
        Without them a response-rate target is not judged: its ``needs`` says an invitations
        file would enable it.
    inputs : Inputs, optional
        A page's inputs (:func:`fbresearch.load_inputs`): short for ``through=inputs.period``,
        ``invitations=inputs.invitations`` and ``feedback=inputs.feedback``.

    Returns
    -------
    TargetResult
    """
    if inputs is not None:
        through, invitations, feedback = inputs.period, inputs.invitations, inputs.feedback
    have_rates = invitations is not None and feedback is not None
    specs = resolve_targets(targets, invitations=have_rates)
    if kpi.time is None:
        raise AnalysisError("targets need a KPI table by month: kpi_table(frame, by='month').")
    if through is not None and not kpi.table.empty:
        kept = kpi.table[kpi.table[kpi.time] <= pd.Period(str(through), freq="M")]
        kpi = type(kpi)(kept.reset_index(drop=True), kpi.by, kpi.time, kpi.metrics, kpi.confidence)
    rates = None
    if have_rates and any(spec.get("metric") == RATE for spec in specs):
        last = through if through is not None else kpi.latest_period
        rates = rate_months(invitations, feedback, through=last, confidence=kpi.confidence)
    rows = []
    for spec in specs:
        if spec.get("metric") != RATE:
            rows.append(_one(kpi, spec, months))
        elif rates is None or rates.table.empty:  # its level and date, no verdict, and why
            needs = NEEDS_INVITATIONS if rates is None else NEEDS_MONTHS
            rows.append({**_one(kpi, spec, months), "needs": needs})
        else:
            rows.append(_one(rates, spec, months))
    columns = [
        "metric",
        "target",
        "by",
        "start",
        "baseline",
        "estimate",
        "ci_low",
        "ci_high",
        "slope",
        "slope_se",
        "months",
        "status",
        "needs",
    ]
    table = pd.DataFrame(rows).reindex(columns=columns)
    latest = None if kpi.table.empty else str(kpi.latest_period)
    trend = kpi.last(trend_months) if trend_months else kpi
    return TargetResult(
        table=table, confidence=kpi.confidence, period=latest, months=months, trend=trend
    )
