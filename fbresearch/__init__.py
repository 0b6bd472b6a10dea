"""fbresearch: customer-feedback (Voice of the Customer) research with honest uncertainty.

The public API is re-exported here: the contract of ``ARCHITECTURE.md`` ("Public API": the
loaders, KPIs, segments, topics, drivers, impact and triage functions with their result types,
``run_report``) and what the notebooks call (``load_inputs``, ``attempt``, ``show``,
``write_findings`` and the page analyses). Internals (formatters, the runner's ``write_inputs``,
helpers such as ``category_kpis``) stay importable from their own modules. Submodules are
imported lazily on first use (PEP 562), so ``import fbresearch`` is fast and a notebook that
never fits topics never imports gensim.

Examples
--------
>>> import fbresearch as fb
>>> fb.nps([10, 9, 8, 3]).estimate
25.0
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# public name -> module that defines it
_EXPORTS: dict[str, str] = {
    # errors and results
    "FbResearchError": "errors",
    "FeedbackDataError": "errors",
    "Estimate": "results",
    "Finding": "results",
    "Result": "results",
    "Unavailable": "results",
    "attempt": "results",
    # data
    "load_feedback": "io.load",
    "Feedback": "io.load",
    "load_orders": "io.orders",
    "load_inputs": "io.inputs",
    "sample_data": "io.sample",
    "SampleData": "io.sample",
    # KPIs
    "nps": "analyses.kpis",
    "csat": "analyses.kpis",
    "ces": "analyses.kpis",
    "kpi_table": "analyses.kpis",
    "response_rate": "analyses.kpis",
    "acknowledged_within": "analyses.kpis",
    # segments
    "rfm_segments": "analyses.segments",
    "cluster_segments": "analyses.segments",
    "profile_segments": "analyses.segments",
    "profile_attributes": "analyses.segments",
    "segment_migration": "analyses.segments",
    "churn_risk": "analyses.segments",
    "customer_features": "analyses.segments",
    "RFM_RULES": "analyses.segments",
    # topics
    "fit_topics": "analyses.topics",
    "TopicModel": "analyses.topics",
    # drivers
    "key_drivers": "analyses.drivers",
    "relative_importance": "analyses.drivers",
    "importance_performance": "analyses.drivers",
    "driver_trend": "analyses.drivers",
    "DriverResult": "analyses.drivers",
    # impact
    "pre_post": "analyses.impact",
    "diff_in_diff": "analyses.impact",
    "interrupted_time_series": "analyses.impact",
    "evaluate_improvements": "analyses.impact",
    "ImpactResult": "analyses.impact",
    # triage
    "categorize": "analyses.triage",
    "severity": "analyses.triage",
    "severity_mix": "analyses.triage",
    "add_triage_columns": "analyses.triage",
    "response_times": "analyses.triage",
    "close_the_loop": "analyses.triage",
    "suspicious_feedback": "analyses.triage",
    # value and outlook
    "customer_value": "analyses.value",
    "kpi_outlook": "analyses.outlook",
    "write_outlook": "analyses.outlook",
    # presentation and running
    "set_theme": "present.plots.base",
    "show": "present.display",
    "write_findings": "present.findings",
    "multiplicity_note": "present.findings",
    "run_report": "report",
    "ReportRun": "report",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'fbresearch' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"fbresearch.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
