"""Topics customers talk about: bilingual LDA with K chosen by topics that come back across resamples.

Modules: :mod:`~.fit` (``fit_topics``), :mod:`~.selection` (the K choice), :mod:`~.lda` (the
gensim primitives), :mod:`~.prevalence` (shares over time, rising topics, pain points),
:mod:`~.results` (``TopicModel``), :mod:`~.narrative` (sentences, findings, display tables) and
:mod:`~.page` (the topics notebook's sections).

Examples
--------
>>> from fbresearch.analyses.topics import fit_topics
>>> fit_topics(["late courier slow"] * 30 + ["refund charge invoice"] * 30, 2,
...            language="en").doc_topics.shape
(60, 2)
"""

from fbresearch.analyses.topics.fit import fit_topics
from fbresearch.analyses.topics.narrative import (
    format_emerging,
    format_pain_points,
    topic_findings,
)
from fbresearch.analyses.topics.page import TopicsPage
from fbresearch.analyses.topics.results import TopicModel
from fbresearch.analyses.topics.selection import topic_diversity, topic_stability
from fbresearch.analyses.topics.words import NoWordsError

__all__ = [
    "fit_topics",
    "NoWordsError",
    "TopicModel",
    "TopicsPage",
    "topic_stability",
    "topic_diversity",
    "format_emerging",
    "format_pain_points",
    "topic_findings",
]
