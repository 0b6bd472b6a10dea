"""The fitted topic model: a frozen result whose methods delegate to the estimators and narrative.

Examples
--------
>>> from fbresearch.analyses.topics import fit_topics
>>> texts = ["delivery courier late slow driver"] * 30 + ["refund charge invoice billing"] * 30
>>> model = fit_topics(texts, num_topics=2, language="en")
>>> type(model).__name__, model.doc_topics.shape
('TopicModel', (60, 2))
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from fbresearch.analyses.topics import prevalence as _prevalence
from fbresearch.errors import AnalysisError
from fbresearch.privacy import redact
from fbresearch.results import Finding, Result

__all__ = ["TopicModel"]


@dataclass(frozen=True, eq=False)
class TopicModel(Result):
    """Fitted topics of a set of texts (one LDA model per language).

    Attributes
    ----------
    table : DataFrame
        One row per topic: ``topic``, ``language``, ``label``, ``top_terms``, ``share`` (of the
        language's usable texts whose main topic it is), ``n_texts``, ``coherence`` (c_v).
    topics : DataFrame
        Tidy top terms: ``topic``, ``rank`` (1 = most probable), ``term``, ``weight``
        (probability of the term in the topic).
    doc_topics : DataFrame
        One row per input text, in input order (same index as the input), one column per topic;
        rows sum to 1. A text with a model's language gets that model's topic mixture. A text
        left empty after cleaning (empty, only stopwords, emoji or markup) gets its language's
        corpus-level topic prevalence (the mean mixture of that language's usable texts), and a
        text of another language ("other", or one with too few texts to model) gets the
        prevalence over all topics; ``usable`` says which rows are real mixtures.
    coherence : float
        Mean c_v coherence of all topics (0 to 1; on real reviews 0.5 is fair, above 0.6 good).
    labels : dict
        Topic id -> short label from its top terms (phrases first).
    selection : DataFrame
        The K choice, one row per K tried: ``language``, ``k``, ``coherence`` (mean c_v of the
        topics of all resampled fits) and ``coherence_se`` (its standard error),
        ``diversity`` (share of distinct words among the topics' top terms), ``stability``
        (mean best-match top-term overlap between fits on different resamples, 0 to 1),
        ``reproduced`` (mean number of topics that come back, most of their top words shared,
        in the fit on another resample), ``heldout`` and ``heldout_se`` (held-out
        log-likelihood per word by document completion, and its standard error across
        resamples), ``chosen``. K is the largest that reproduces all its topics but one
        without a held-out fit two standard errors under the best (see
        :func:`~fbresearch.analyses.topics.selection.choose_k`).
    languages : Series
        Language of each text.
    usable : Series of bool
        Whether a text kept at least one modelled term.
    notes : tuple of str
        Plain sentences about what was skipped and why (a language with too few texts), and
        how many texts the topics were fitted on when ``fit_sample`` drew a sample.
    models, documents : dict
        Per language: the gensim ``LdaModel`` (its ``id2word`` is the dictionary) and the
        modelled tokens of the texts it was fitted on (all usable texts, or the ``fit_sample``
        drawn), in input order (for coherence or other models on the same tokens).
    """

    topics: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    doc_topics: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    coherence: float = math.nan
    labels: dict[str, str] = field(default_factory=dict)
    selection: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    languages: pd.Series = field(default_factory=pd.Series, repr=False)
    usable: pd.Series = field(default_factory=pd.Series, repr=False)
    notes: tuple[str, ...] = ()
    seed: int = 0
    texts: pd.Series = field(default_factory=pd.Series, repr=False)
    models: dict[str, Any] = field(default_factory=dict, repr=False)
    documents: dict[str, list[list[str]]] = field(default_factory=dict, repr=False)

    # ---------------------------------------------------------------- per text

    @property
    def dominant(self) -> pd.Series:
        """The main topic of each text (None where the text is not usable)."""
        main = self.doc_topics.to_numpy().argmax(axis=1)
        out = pd.Series(
            np.asarray(self.doc_topics.columns)[main],
            index=self.doc_topics.index,
            dtype="object",
            name="topic",
        )
        return out.where(self.usable.to_numpy(), None)

    def representative(self, topic: str, k: int = 3, max_chars: int = 300) -> pd.DataFrame:
        """The ``k`` texts most about ``topic``, redacted of personal data.

        Texts are ranked by their weight on the topic; duplicates, texts of under 5 characters
        and texts over 2,000 characters (pasted logs or pages) are skipped, and the rest are
        cut to ``max_chars``.

        Returns
        -------
        DataFrame
            ``topic``, ``rank``, ``weight`` and ``text`` (redacted).
        """
        self._check_topic(topic)
        weights = self.doc_topics[topic].where(self.usable.to_numpy())
        order = weights.dropna().sort_values(ascending=False, kind="stable")
        rows, seen = [], set()
        for idx, w in order.items():
            raw = str(self.texts.loc[idx]).strip()
            key = raw[:80]
            if not 5 <= len(raw) <= 2000 or key in seen:
                continue
            seen.add(key)
            text = redact(raw)
            if len(text) > max_chars:
                text = text[: max_chars - 1].rstrip() + "…"
            rows.append({"topic": topic, "rank": len(rows) + 1, "weight": float(w), "text": text})
            if len(rows) == k:
                break
        return pd.DataFrame(rows, columns=["topic", "rank", "weight", "text"])

    # ---------------------------------------------------------------- over time and scores

    # ---------------------------------------------------------------- over time and scores

    def _groups(self, by: Any) -> pd.Series:
        return _prevalence.group_values(self, by)

    def prevalence(self, by: Any, confidence: float = 0.95) -> pd.DataFrame:
        """Each topic's share per group (e.g. month), with a Wilson confidence interval.

        See :func:`fbresearch.analyses.topics.prevalence.prevalence`.
        """
        return _prevalence.prevalence(self, by, confidence)

    def emerging(
        self, by: Any, period: Any = None, window: int = 3, confidence: float = 0.95
    ) -> pd.DataFrame:
        """Topics whose share this period is significantly above the trailing ``window`` periods.

        See :func:`fbresearch.analyses.topics.prevalence.emerging`.
        """
        return _prevalence.emerging(self, by, period, window, confidence)

    def pain_points(
        self, scores: Any, metric: str = "nps", confidence: float = 0.95
    ) -> pd.DataFrame:
        """Mean NPS/CSAT/CES of each topic's responses with CIs, worst first, with volume.

        See :func:`fbresearch.analyses.topics.prevalence.pain_points`.
        """
        return _prevalence.pain_points(self, scores, metric, confidence)

    # ---------------------------------------------------------------- reporting

    def overview(self, language: str | None = None, k: int = 3) -> pd.DataFrame:
        """Display table: each topic's label, top words, share and ``k`` redacted verbatims.

        See :func:`fbresearch.analyses.topics.narrative.overview`.
        """
        from fbresearch.analyses.topics import narrative

        return narrative.overview(self, language, k)

    def summary(self) -> str:
        from fbresearch.analyses.topics import narrative

        return narrative.summary(self)

    def findings(self) -> list[Finding]:
        from fbresearch.analyses.topics import narrative

        return narrative.model_findings(self)

    def plot(self, ax=None):  # noqa: ANN001, ANN201 - matplotlib Axes
        """Horizontal bars: each topic's share of its language's texts."""
        from fbresearch.present.plots.topics import plot_topic_shares

        return plot_topic_shares(self.table, ax=ax)

    def plot_selection(self, axes=None):  # noqa: ANN001, ANN201
        """The K choice: topics reproduced and coherence against K, the chosen K marked (a
        Figure)."""
        from fbresearch.present.plots.topics import plot_topic_selection

        return plot_topic_selection(self.selection, axes=axes)

    def plot_prevalence(self, by: Any, ax=None, confidence: float = 0.95):  # noqa: ANN001, ANN201
        """Each topic's share per period with its confidence band (a Figure, one panel per
        language, when ``ax`` is None)."""
        from fbresearch.present.plots.topics import plot_topic_prevalence

        return plot_topic_prevalence(self.prevalence(by, confidence), ax=ax)

    def plot_pain_points(self, pain: pd.DataFrame, ax=None):  # noqa: ANN001, ANN201
        """Each topic's score with its CI (from :meth:`pain_points`), worst first."""
        from fbresearch.analyses.topics.narrative import score_label
        from fbresearch.present.plots.topics import plot_pain_points

        metric = pain.attrs.get("metric", "nps")
        return plot_pain_points(pain, ax=ax, unit=score_label(metric, axis=True))

    def renamed(self, ids: dict[str, str], labels: dict[str, str] | None = None) -> TopicModel:
        """The same model with topic ids (and labels) changed, e.g. to last period's ids.

        ``ids`` maps each current id to its new id (same language prefix); ``labels`` gives
        new labels by current id (the others keep theirs). Column order is unchanged, so a
        language's topics stay in the order of its fitted model.

        Examples
        --------
        >>> from fbresearch.analyses.topics import fit_topics
        >>> m = fit_topics(["late courier slow"] * 30 + ["refund charge invoice"] * 30, 2,
        ...                language="en")
        >>> list(m.renamed({"en-0": "en-5", "en-1": "en-0"}).doc_topics.columns)
        ['en-5', 'en-0']
        """
        ids = {t: ids.get(t, t) for t in self.doc_topics.columns}
        if len(set(ids.values())) != len(ids):
            raise AnalysisError(f"renamed topic ids must be distinct, got {ids}.")
        new_labels = {ids[t]: (labels or {}).get(t, lab) for t, lab in self.labels.items()}
        table = self.table.assign(topic=self.table["topic"].map(ids))
        table["label"] = table["topic"].map(new_labels)
        return replace(
            self,
            table=table,
            topics=self.topics.assign(topic=self.topics["topic"].map(ids)),
            doc_topics=self.doc_topics.rename(columns=ids),
            labels=new_labels,
        )

    def plot_drivers(self, drivers: pd.DataFrame, ax=None):  # noqa: ANN001, ANN201
        """Each topic's difference in the score, others held fixed (from
        :func:`~fbresearch.analyses.topics.tone.topic_drivers`), with its CI."""
        from fbresearch.analyses.topics.narrative import score_label
        from fbresearch.present.plots.topics import plot_topic_drivers

        metric = drivers.attrs.get("metric", "nps")
        unit = f"{score_label(metric)} points" if metric != "csat" else "CSAT (points of share)"
        return plot_topic_drivers(drivers, ax=ax, unit=unit)

    # ---------------------------------------------------------------- helpers

    def _topics_of(self, language: str) -> list[str]:
        return [t for t in self.doc_topics.columns if t.startswith(f"{language}-")]

    def _check_topic(self, topic: str) -> None:
        if topic not in self.doc_topics.columns:
            raise AnalysisError(
                f"no topic {topic!r}; the model's topics are {list(self.doc_topics.columns)}."
            )
