"""KPI targets in params (``targets:``): validation, and the verdicts the period index shows.

``targets:`` is ``null`` (the default: no targets), ``default`` (the background's benchmarks,
:data:`fbresearch.analyses.targets.DEFAULT_TARGETS`: CSAT 10% above the report month within 12
months, and, where the run has invitation counts, a response rate of at least 15% within 12
months) or a list of ``{metric, value | relative_change | change, by | within_months, from}``.
A ``response_rate`` target needs an invitations file (params ``invitations:``); without one the
overview says so instead of a verdict. A share (CSAT, satisfied, response rate) is written as
a share: ``value: 0.15`` for 15%.
Defaults apply only when asked for (``targets: default``; params/monthly.yaml, the default run,
asks for them): a target is a decision of the business, never invented for it. The overview
page gets them as its ``targets`` parameter; the index page shows each headline KPI's verdict,
computed by the same function from the same monthly table, so the two never disagree.

Examples
--------
>>> check_targets([{"metric": "nps", "value": 30, "by": "2027-06"}], "<dict>")
[{'metric': 'nps', 'value': 30, 'by': '2027-06'}]
>>> check_targets("default", "<dict>")
'default'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fbresearch.errors import ParamsError
from fbresearch.schema import metric_spec

__all__ = ["check_targets", "target_arguments", "TARGET_KEYS"]

#: the keys a target may hold
TARGET_KEYS = ("metric", "value", "relative_change", "change", "by", "within_months", "from")
_EXAMPLE = "e.g. targets: [{metric: nps, value: 30, by: 2027-06}] or targets: default"


def _month(value: Any) -> bool:
    text = str(value)
    return (
        len(text) >= 7
        and text[:4].isdigit()
        and text[4] == "-"
        and text[5:7].isdigit()
        and (1 <= int(text[5:7]) <= 12)
    )


def _check_one(i: int, t: Any, source: str) -> None:
    # imported here: the params (and so each report worker, through report.html and
    # report.plan) would otherwise import the estimators, statsmodels and scipy.stats with it
    from fbresearch.analyses.targets import TARGET_METRICS

    where = f"{source}: targets[{i}]"
    if not isinstance(t, Mapping):
        raise ParamsError(f"{where} must be a mapping ({_EXAMPLE}), not {t!r}.")
    unknown = [k for k in t if k not in TARGET_KEYS]
    if unknown:
        raise ParamsError(
            f"{where}: unknown key {unknown[0]!r}; allowed: {', '.join(TARGET_KEYS)}."
        )
    if t.get("metric") not in TARGET_METRICS:
        raise ParamsError(
            f"{where}.metric must be one of {', '.join(TARGET_METRICS)}, not {t.get('metric')!r}."
        )
    levels = [k for k in ("value", "relative_change", "change") if k in t]
    if (
        len(levels) != 1
        or isinstance(t[levels[0]], bool)
        or not isinstance(t[levels[0]], int | float)
    ):
        raise ParamsError(
            f"{where} needs one number: value (the level to reach), relative_change (0.10: 10% "
            "up) or change (in the KPI's units)."
        )
    share = metric_spec(t["metric"]).unit == "percent"
    if share and "value" in t and not 0 <= t["value"] <= 1:
        raise ParamsError(
            f"{where}.value of {t['metric']} is a share between 0 and 1 (0.15 for 15%), not "
            f"{t['value']!r}."
        )
    for key in ("by", "from"):
        if key in t and not _month(t[key]):
            raise ParamsError(f"{where}.{key} must be a month such as 2027-06, not {t[key]!r}.")
    if "by" not in t and "value" in t and "within_months" not in t:
        raise ParamsError(f"{where} needs a date: by (e.g. 2027-06) or within_months.")
    months = t.get("within_months", 1)
    if isinstance(months, bool) or not isinstance(months, int) or months < 1:
        raise ParamsError(f"{where}.within_months must be a whole number >= 1, not {months!r}.")


def check_targets(value: Any, source: str) -> Any:
    """Validate ``targets:`` (None, ``"default"`` or a list of targets); returns it."""
    if value is None or value == "default":
        return value
    if isinstance(value, Mapping):
        value = [value]
    if not isinstance(value, list):
        raise ParamsError(f"{source}: 'targets' must be a list of targets or default ({_EXAMPLE}).")
    for i, t in enumerate(value):
        _check_one(i, t, source)
    return [dict(t) for t in value]


def target_arguments(params: Any) -> dict[str, Any]:
    """What ``headline_kpis`` needs to show the targets: the overview's targets and the months
    behind their projections (the overview's default).

    Examples
    --------
    >>> from fbresearch.report.params import load_params
    >>> target_arguments(load_params({"pages": [], "targets": "default"}))["targets"]
    'default'
    """
    own = params.notebooks.get("overview") or {}
    return {
        "targets": own.get("targets", params.raw.get("targets")),
        "target_months": 24,
    }
