# TEMPORARY SHIM (issue 13 integration removes it)
"""Moved to :mod:`fbresearch.analyses.topics`; these names are re-exported for old imports."""

from fbresearch.analyses.topics.fit import (  # noqa: F401
    DOCS_PER_TOPIC,
    LANGUAGES,
    MIN_DOCS,
    _doc_topics,
    _label,
    fit_topics,
)
from fbresearch.analyses.topics.lda import (  # noqa: F401
    _bow,
    _coherence_per_topic,
    _lda,
    _nmf_start,
    _quiet_gensim,
    _top_terms,
)
from fbresearch.analyses.topics.narrative import (  # noqa: F401
    format_emerging,
    format_pain_points,
    topic_findings,
)
from fbresearch.analyses.topics.prevalence import _match_period  # noqa: F401
from fbresearch.analyses.topics.results import TopicModel  # noqa: F401
from fbresearch.analyses.topics.selection import (  # noqa: F401
    _choose_k,
    _fit_candidate,
    _select_k,
    topic_diversity,
    topic_stability,
)

__all__ = [
    "fit_topics",
    "TopicModel",
    "topic_stability",
    "topic_diversity",
    "format_emerging",
    "format_pain_points",
    "topic_findings",
]
