"""Topic mixtures on Dask: a model fitted on a seeded sample, sent to the workers, scores them all.

1. :func:`seeded_sample` draws the texts the model is fitted on from a hash of each text (SipHash
   with a key made from ``seed``): the ``size`` texts of smallest hash, in hash order. Each
   partition offers its own smallest, so the sample is the same whatever the partitioning.
2. :func:`fbresearch.analyses.topics.fit_topics` fits the model on that sample, on one machine
   (:func:`fit_sample_topics`).
3. :class:`TopicScorer` holds what scoring needs (the gensim models, the settings the texts were
   tokenized with, the prevalence given to texts without a modelled word); it is scattered to
   every worker once, and :func:`topic_mixtures` scores each partition there, with one call of
   gensim's variational inference per language. Every text starts from the same draw from
   ``seed`` (not from the next draws of a shared random state), so its mixture depends on the
   text alone: equal mixtures from every engine and every partitioning.

Analyses sit above engines, so the topic code is imported where it is used.

Examples
--------
>>> texts = (["delivery courier late slow driver"] * 30
...          + ["refund charge invoice billing payment"] * 30)
>>> df = pd.DataFrame({"text": texts})
>>> model = fit_sample_topics(df, size=50, num_topics=2, language="en")
>>> mix = topic_mixtures(df, TopicScorer.from_model(model))
>>> mix.shape, bool(mix.iloc[0].idxmax() != mix.iloc[-1].idxmax())
((60, 2), True)
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from fbresearch.engines.dask_engine import DaskScan, joined, per_partition, text_column
from fbresearch.text.language import detect_language
from fbresearch.text.tokenize import tokenize

__all__ = ["seeded_sample", "fit_sample_topics", "TopicScorer", "topic_mixtures"]


def _hash_key(seed: int) -> str:
    """The 16-character SipHash key of ``seed`` (pandas' ``hash_array``)."""
    return f"fbresearch{int(seed) % 10**6:06d}"


def _smallest(
    frame: pd.DataFrame, column: str, size: int, seed: int, id_column: str | None = None
) -> pd.DataFrame:
    """The ``size`` non-empty texts of a partition with the smallest (hash, text, id)."""
    keep = frame[column].notna().to_numpy() & (frame[column].astype(str).str.strip() != "")
    texts = frame[column][keep].astype(str).to_numpy(dtype=object)
    ids = frame[id_column][keep].astype(str).to_numpy(dtype=object) if id_column else texts[:0]
    hashed = texts if not id_column else texts + "\x1f" + ids
    hashes = pd.util.hash_array(hashed, hash_key=_hash_key(seed), categorize=False)
    found = pd.DataFrame({"hash": hashes, "text": texts, "id": ids if id_column else ""})
    return found.sort_values(["hash", "text", "id"], kind="mergesort").head(size)


def seeded_sample(
    data: Any,
    column: str = "text",
    size: int = 30_000,
    seed: int = 0,
    id_column: str | None = None,
) -> pd.Series:
    """At most ``size`` non-empty texts chosen by a seeded hash of their text, in hash order.

    The hash is of the text alone, so the sample holds the same texts, in the same order,
    whatever the partitioning or the order of the rows. Equal texts share a hash, so the
    copies of a text come together (all of them, or all but those past ``size``): where
    stock texts repeat thousands of times, name ``id_column`` (e.g. ``"response_id"``) to
    hash each text with its row's id, which draws copies one by one and is as independent
    of the partitioning.

    Examples
    --------
    >>> df = pd.DataFrame({"text": ["a", "b", "c", "", None, "d"]})
    >>> a = seeded_sample(df, size=3, seed=7).tolist()
    >>> b = seeded_sample(df.iloc[::-1], size=3, seed=7).tolist()
    >>> a == b, len(a)
    (True, 3)
    """
    text_column(data, column)
    if id_column is not None:
        text_column(data, id_column)
    pieces = per_partition(data, _smallest, column, int(size), int(seed), id_column)
    found = _smallest(pd.concat(pieces, ignore_index=True), "text", int(size), int(seed),
                      "id" if id_column else None)  # fmt: skip
    return found["text"].reset_index(drop=True).rename(column)


def fit_sample_topics(
    data: Any,
    column: str = "text",
    size: int = 30_000,
    seed: int = 0,
    id_column: str | None = None,
    **options: Any,
) -> Any:
    """:func:`fbresearch.analyses.topics.fit_topics` on :func:`seeded_sample` (``options``
    are passed on); returns its ``TopicModel``."""
    from fbresearch.analyses.topics import fit_topics

    sample = seeded_sample(data, column, size, seed, id_column)
    return fit_topics(sample, seed=seed, **options)


@dataclass(frozen=True)
class TopicScorer:
    """What scoring texts with a fitted topic model needs; small enough to send to workers.

    Build it with :meth:`from_model`; ``score(texts)`` gives one mixture per text.
    """

    models: dict[str, Any]
    columns: tuple[str, ...]
    spans: dict[str, tuple[int, int]]
    fallback: dict[str, np.ndarray] = field(repr=False)
    other: np.ndarray = field(repr=False)
    seed: int = 0
    min_length: int = 2
    max_tokens: int = 200
    user_dict: str | tuple[str, ...] | None = None
    extra_stopwords: tuple[str, ...] = ()

    @classmethod
    def from_model(
        cls,
        model: Any,
        *,
        min_length: int = 2,
        max_tokens: int = 200,
        user_dict: str | Iterable[str] | None = None,
        extra_stopwords: Iterable[str] | None = None,
    ) -> TopicScorer:
        """The scorer of a ``TopicModel`` (pass the tokenizing options it was fitted with).

        A text without a modelled word gets its language's mean mixture over the model's
        texts, a text of another language the mean over all topics, as ``fit_topics`` does.
        """
        columns = tuple(str(c) for c in model.doc_topics.columns)
        mixtures = model.doc_topics.to_numpy(dtype=float)
        usable = model.usable.to_numpy(dtype=bool)
        langs = model.languages.to_numpy(dtype=object)
        spans, fallback = {}, {}
        for lang in model.models:
            cols = [i for i, c in enumerate(columns) if c.startswith(f"{lang}-")]
            spans[lang] = (cols[0], cols[-1] + 1)
            fallback[lang] = mixtures[usable & (langs == lang)].mean(axis=0)
        other = mixtures[usable].mean(axis=0) if usable.any() else np.zeros(len(columns))
        words = user_dict if user_dict is None or isinstance(user_dict, str) else tuple(user_dict)
        return cls(dict(model.models), columns, spans, fallback, other, int(model.seed),
                   min_length, max_tokens, words, tuple(extra_stopwords or ()))  # fmt: skip

    def score(self, texts: pd.Series) -> pd.DataFrame:
        """Each text's topic mixture (rows sum to 1), indexed as ``texts``."""
        from fbresearch.analyses.topics.lda import bow

        texts = texts.astype("object").where(texts.notna(), "").astype(str)
        langs = detect_language(texts).to_numpy(dtype=object)
        tokens = tokenize(texts, langs.tolist(), self.user_dict, self.extra_stopwords,
                          min_length=self.min_length)  # fmt: skip
        models = {lang: _fixed_start(m, self.seed) for lang, m in self.models.items()}
        out = np.empty((len(texts), len(self.columns)))
        rows: dict[str, list[int]] = {lang: [] for lang in models}
        bags: dict[str, list[list]] = {lang: [] for lang in models}
        seen: dict[tuple[str, str], int] = {}
        for row, (text, lang, words) in enumerate(zip(texts, langs, tokens, strict=True)):
            first = seen.setdefault((text, lang), row)
            if first != row:
                continue  # a repeat: copied from its first row below
            out[row] = self.other
            if lang in models:
                m = models[lang]
                kept = [w for w in words if w in m.id2word.token2id]
                out[row] = self.fallback[lang]
                if kept:
                    rows[lang].append(row)
                    bags[lang].append(bow(m.id2word, kept, self.max_tokens))
        for lang, m in models.items():
            if rows[lang]:
                gamma, _ = m.inference(bags[lang])
                lo, hi = self.spans[lang]
                out[rows[lang]] = 0.0
                out[rows[lang], lo:hi] = gamma / gamma.sum(axis=1, keepdims=True)
        firsts = np.array([seen[(t, g)] for t, g in zip(texts, langs, strict=True)], dtype=int)
        return pd.DataFrame(out[firsts], index=texts.index, columns=list(self.columns))


class _FixedStart:
    """A stand-in for an LdaModel's random state: every text's variational start is the same
    draw from ``seed``, so a text's mixture does not depend on the texts scored with it."""

    def __init__(self, seed: int, k: int) -> None:
        self._row = np.random.RandomState(seed).gamma(100.0, 1.0 / 100.0, (1, k))

    def gamma(self, shape: float, scale: float, size: tuple[int, int]) -> np.ndarray:
        return np.repeat(self._row, size[0], axis=0)


def _fixed_start(model: Any, seed: int) -> Any:
    """A shallow copy of ``model`` (its arrays shared) whose inference starts from a fixed draw."""
    own = copy.copy(model)
    own.random_state = _FixedStart(seed, model.num_topics)
    return own


def _score(frame: pd.DataFrame, scorer: TopicScorer, column: str) -> pd.DataFrame:
    return scorer.score(frame[column])


def topic_mixtures(data: Any, scorer: TopicScorer, column: str = "text") -> pd.DataFrame:
    """Each row's topic mixture by ``scorer``, on the workers of a Dask scan (the scorer sent
    to each once) or on the whole frame of another engine's scan or a DataFrame."""
    text_column(data, column)
    if isinstance(data, DaskScan):
        sent = data.client.scatter(scorer, broadcast=True, hash=False)
        return joined(data, data.map(_score, sent, column))
    return joined(data, per_partition(data, _score, scorer, column))
