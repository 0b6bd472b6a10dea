"""The LDA primitives of the topic models: NMF-started gensim LDA, bags of words, coherence.

gensim and scikit-learn are imported inside the functions, so importing this module is light.

Examples
--------
>>> from gensim.corpora import Dictionary
>>> docs = [["late", "driver"], ["refund", "charge"]] * 20
>>> d = Dictionary(docs)
>>> model = fit_lda([bow(d, t, 200) for t in docs], d, 2, 0, LDA_DEFAULTS)
>>> sorted(sorted(t) for t in top_terms(model, 2))
[['charge', 'refund'], ['driver', 'late']]
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

__all__ = ["fit_lda", "bow", "top_terms", "coherence_per_topic", "LDA_DEFAULTS"]

#: ``fit_topics``' default gensim options (see its docstring).
LDA_DEFAULTS = {
    "passes": 5,
    "iterations": 100,
    "alpha": "auto",
    "eta": "auto",
    "chunksize": 2000,
    "offset": 64.0,
}


@contextmanager
def _quiet_gensim() -> Iterator[None]:
    """gensim logs convergence hints as warnings; a report page must not show them."""
    logger = logging.getLogger("gensim")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _nmf_start(corpus: list, n_terms: int, k: int, seed: int) -> np.ndarray:
    """Starting topic-word counts for LDA from a Kullback-Leibler NMF of the count matrix.

    gensim's variational LDA starts from random topics and, on short reviews, often stops in a
    poor local optimum that changes with the seed (a planted "refund" topic is found with one
    seed and lost with the next). NMF with the KL loss on raw counts is probabilistic latent
    semantic analysis, LDA without priors (Gaussier and Goutte 2005); from scikit-learn's
    deterministic NNDSVDa start it finds the main word groups in seconds, and LDA refines them.
    On real reviews this start lifts c_v to tomotopy's Gibbs sampler's level (see
    ``tests/benchmarks/bench_topics.py``). Each topic's counts are scaled to its share of the
    corpus's tokens, which is what gensim's ``sstats`` hold.
    """
    import warnings

    from gensim.matutils import corpus2csc
    from sklearn.decomposition import NMF
    from sklearn.exceptions import ConvergenceWarning

    counts = corpus2csc(corpus, num_terms=n_terms).T.tocsr().astype(float)
    nmf = NMF(
        k,
        init="nndsvda",
        beta_loss="kullback-leibler",
        solver="mu",
        max_iter=100,
        random_state=seed,
    )
    with warnings.catch_warnings():
        # 100 multiplicative updates are a start for LDA, not a converged model
        warnings.simplefilter("ignore", ConvergenceWarning)
        weights = nmf.fit_transform(counts)
    terms = nmf.components_ + 1e-9
    share = (weights.sum(axis=0) + 1e-9) / (weights.sum() + k * 1e-9)
    return terms / terms.sum(axis=1, keepdims=True) * (share * counts.sum())[:, None]


def fit_lda(corpus: list, dictionary: Any, k: int, seed: int, opts: dict[str, Any]) -> Any:
    """gensim ``LdaModel`` (single process, exact for a seed) started from NMF topics."""
    from gensim.models import LdaModel

    with _quiet_gensim():
        model = LdaModel(
            id2word=dictionary,
            num_topics=k,
            random_state=seed,
            passes=opts["passes"],
            iterations=opts["iterations"],
            chunksize=opts["chunksize"],
            alpha=opts["alpha"],
            eta=opts["eta"],
            offset=opts["offset"],
            eval_every=None,
            minimum_probability=0.0,
        )
        model.state.sstats = _nmf_start(corpus, len(dictionary), k, seed).astype(model.dtype)
        model.sync_state()
        if opts["passes"] > 0:
            model.update(
                corpus,
                passes=opts["passes"],
                chunksize=opts["chunksize"],
                iterations=opts["iterations"],
                offset=opts["offset"],
            )
    return model


def bow(dictionary: Any, tokens: list[str], max_tokens: int) -> list[tuple[int, int]]:
    """Bag of words of a text's first ``max_tokens`` tokens, each count capped at 5.

    One pasted 50,000-character text would otherwise outweigh hundreds of reviews and pull
    every topic towards its few words.
    """
    return [(i, min(c, 5)) for i, c in dictionary.doc2bow(tokens[:max_tokens])]


def top_terms(model: Any, topn: int) -> list[list[str]]:
    return [
        [model.id2word[i] for i, _ in model.get_topic_terms(t, topn)]
        for t in range(model.num_topics)
    ]


def coherence_per_topic(
    topic_lists: list[list[list[str]]], texts: list[list[str]], dictionary: Any, measure: str
) -> list[list[float]]:
    """c_v (or other) coherence of every topic of every model, with one co-occurrence pass."""
    from gensim.models import CoherenceModel

    cm = CoherenceModel.for_topics(
        topic_lists, texts=texts, dictionary=dictionary, coherence=measure, processes=1
    )
    out = []
    for topics in topic_lists:
        cm.topics = topics
        out.append([float(c) if np.isfinite(c) else 0.0 for c in cm.get_coherence_per_topic()])
    return out


# the old private names (tests/benchmarks/bench_topics.py and the topics.py shim use them)
_bow, _top_terms, _coherence_per_topic, _lda = bow, top_terms, coherence_per_topic, fit_lda
