"""Triage and the closed loop: categories, severity, response times, follow-up, screening.

Topics (LDA) find what nobody planned for; this analysis applies the company's own rules:

* :func:`categorize` sorts verbatims into a taxonomy of categories (product quality, delivery,
  price, ...) by matching words and phrases on tokens (:mod:`.categorize`);
* :func:`severity` grades every response urgent, important or general by named rules and records
  the rule that graded it (:mod:`.severity`);
* :func:`response_times` measures the response loop: the share answered within each grade's time
  limit, and the median time to resolution by Kaplan-Meier (:mod:`.response_times`);
* :func:`close_the_loop` follows detractors (:mod:`.follow_up`);
* :func:`suspicious_feedback` screens out fake or invalid feedback (:mod:`.suspicious`, with
  the MinHash near-duplicate search in :mod:`.minhash`).

Results live in :mod:`.results`, their sentences and findings in :mod:`.narrative`.

Examples
--------
>>> from fbresearch.analyses.triage import categorize
>>> categorize(["The courier was late again", "Nice"]).primary.tolist()
['delivery_logistics', None]
"""

from fbresearch.analyses.triage.categorize import (
    Taxonomy,
    add_triage_columns,
    categorize,
    category_frame,
    category_kpis,
    load_taxonomy,
)
from fbresearch.analyses.triage.config import DEFAULT_LIMITS_HOURS, SEVERITIES, UNCATEGORIZED
from fbresearch.analyses.triage.follow_up import close_the_loop
from fbresearch.analyses.triage.minhash import (
    minhash_signatures,
    near_duplicate_groups,
    shingle_hashes,
)
from fbresearch.analyses.triage.narrative import loop_task
from fbresearch.analyses.triage.response_times import response_times
from fbresearch.analyses.triage.results import (
    CategoryResult,
    LoopResult,
    ResponseTimesResult,
    SeverityMix,
    SuspiciousResult,
)
from fbresearch.analyses.triage.severity import (
    SeverityRules,
    load_severity_rules,
    severity,
    severity_mix,
)
from fbresearch.analyses.triage.suspicious import REASONS, TEMPLATES, suspicious_feedback

__all__ = [
    "categorize",
    "CategoryResult",
    "Taxonomy",
    "load_taxonomy",
    "category_frame",
    "category_kpis",
    "add_triage_columns",
    "severity",
    "severity_mix",
    "SeverityMix",
    "SeverityRules",
    "load_severity_rules",
    "response_times",
    "ResponseTimesResult",
    "close_the_loop",
    "LoopResult",
    "loop_task",
    "suspicious_feedback",
    "SuspiciousResult",
    "minhash_signatures",
    "near_duplicate_groups",
    "shingle_hashes",
    "REASONS",
    "TEMPLATES",
    "SEVERITIES",
    "DEFAULT_LIMITS_HOURS",
    "UNCATEGORIZED",
]
