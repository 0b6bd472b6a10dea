"""fbresearch: customer-feedback (Voice of the Customer) research with honest uncertainty.

The public API is re-exported here. Submodules are imported lazily on first use (PEP 562), so
``import fbresearch`` is fast and a notebook that never fits topics never imports gensim.

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
    "ParamsError": "errors",
    "AnalysisError": "errors",
    "ReportError": "errors",
    "ReportLockedError": "errors",
    "Estimate": "results",
    "Finding": "results",
    "Result": "results",
    "Unavailable": "results",
    "attempt": "results",
    "confidence_label": "format",
    # data
    "load_feedback": "io.load",
    "load_orders": "io.load",
    "load_invitations": "io.load",
    "load_inputs": "io.load",
    "latest_complete_month": "io.load",
    "Feedback": "io.load",
    "ReportInputs": "io.load",
    "write_canonical": "io.load",
    "file_sha256": "io.load",
    "sample_data": "io.sample",
    "SampleData": "io.sample",
    # text
    "detect_language": "text.tokenize",
    "tokenize": "text.tokenize",
    "redact": "text.tokenize",
    "sentiment": "text.tokenize",
    "promoter_labels": "text.tokenize",
    # metrics
    "nps": "metrics",
    "csat": "metrics",
    "ces": "metrics",
    "proportion": "metrics",
    "kpi_table": "metrics",
    "kpi_trend": "metrics",
    "response_rate": "metrics",
    "acknowledged_within": "metrics",
    # segments
    "rfm_segments": "segments",
    "cluster_segments": "segments",
    "profile_segments": "segments",
    "profile_attributes": "segments",
    "segment_attributes": "segments",
    "segment_migration": "segments",
    "churn_risk": "segments",
    "customer_features": "segments",
    "RFM_RULES": "segments",
    # topics
    "fit_topics": "topics",
    "TopicModel": "topics",
    "format_emerging": "topics",
    "format_pain_points": "topics",
    "topic_findings": "topics",
    # drivers
    "key_drivers": "drivers",
    "relative_importance": "drivers",
    "importance_performance": "drivers",
    "driver_trend": "drivers",
    "driver_label": "drivers",
    "DriverResult": "drivers",
    # impact
    "pre_post": "impact",
    "diff_in_diff": "impact",
    "interrupted_time_series": "impact",
    "evaluate_improvement": "impact",
    "minimum_detectable_effect": "impact",
    "ImpactResult": "impact",
    "evaluate_improvements": "impact",
    # triage
    "categorize": "triage",
    "severity": "triage",
    "response_times": "triage",
    "close_the_loop": "triage",
    "suspicious_feedback": "suspicious",
    "severity_mix": "triage",
    "category_frame": "triage",
    "category_kpis": "triage",
    "add_triage_columns": "triage",
    # presentation and running
    "set_theme": "plots",
    "show": "display",
    "write_findings": "findings",
    "run_report": "report",
    "load_params": "report",
    "ReportRun": "report",
    "read_findings": "findings",
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
