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

__all__ = ["fit_lda", "bow", "top_terms", "coherence_per_topic", "nmf", "LDA_DEFAULTS"]

#: ``fit_topics``' default gensim options (see its docstring).
LDA_DEFAULTS = {
    "passes": 1,
    "nmf_iter": 50,
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


def nmf(counts: Any, k: int, seed: int, max_iter: int = 100) -> tuple[np.ndarray, np.ndarray]:
    """Text x topic weights and topic x term loadings of a KL-NMF (pLSA) of a count matrix.

    scikit-learn's multiplicative updates for the Kullback-Leibler loss (``NMF(solver="mu",
    beta_loss="kullback-leibler")``) from its deterministic NNDSVDa start, with its stopping
    rule (relative fall of the divergence under 1e-4, checked every 10 iterations): a start
    for LDA or a quick look at the themes, not a converged model. The updates are the same
    operations in the same order as scikit-learn's, so the factors agree with its to rounding
    (``tests/analyses/topics/test_lda.py`` checks 1e-10); the model at ``W @ H`` is evaluated
    at the nonzero counts only, from column gathers, which on review texts (a few dozen words
    a text) is 1.7 to 3 times faster than scikit-learn's batched row products.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> counts = sp.csr_matrix([[3, 1, 0, 0], [2, 2, 0, 0], [0, 0, 4, 1], [0, 1, 3, 2]])
    >>> weights, terms = nmf(counts, 2, seed=0)
    >>> weights.shape, terms.shape, bool((weights @ terms).round(1).sum().round() == 19)
    ((4, 2), (2, 4), True)
    """
    import scipy.sparse as sp
    from sklearn.decomposition._nmf import _initialize_nmf

    x = sp.csr_matrix(counts, dtype=np.float64)
    x.sum_duplicates()
    x.eliminate_zeros()
    w, h = _initialize_nmf(x, k, init="nndsvda", random_state=seed)
    fit = _KLFit(x)
    initial = previous = fit.divergence(w, h)
    for done in range(1, max_iter + 1):
        ratio, _ = fit.ratio(w, h)  # counts / model, at the counts
        w *= (ratio @ h.T) / _nonzero(h.sum(axis=1)[None, :])
        _, ratio_t = fit.ratio(w, h)
        h *= (ratio_t @ w).T / _nonzero(w.sum(axis=0)[:, None])
        h[h < np.finfo(np.float64).eps] = 0.0
        if done % 10 == 0:
            error = fit.divergence(w, h)
            if (previous - error) / initial < 1e-4:
                break
            previous = error
    return w, h


_EPS32 = float(np.finfo(np.float32).eps)  # scikit-learn's floor of the model (EPSILON)


def _nonzero(denominator: np.ndarray) -> np.ndarray:
    """The update's denominator with zeros raised to scikit-learn's floor."""
    return np.where(denominator == 0, _EPS32, denominator)


class _KLFit:
    """A count matrix's nonzero cells and the KL-NMF quantities evaluated there.

    The ratio matrix is built once and its values overwritten at each update (its transpose
    shares them), so no sparse matrix is constructed or checked inside the loop.
    """

    def __init__(self, x: Any) -> None:
        self.x = x
        self.rows = np.repeat(np.arange(x.shape[0]), np.diff(x.indptr))
        self._ratio = x.copy()
        self._ratio_t = self._ratio.T  # CSC view on the same values

    def model(self, w: np.ndarray, h: np.ndarray) -> np.ndarray:
        """``(w @ h)`` at the nonzero counts (gathers of contiguous columns: the fast way)."""
        left = np.take(np.ascontiguousarray(w.T), self.rows, axis=1)
        return (left * np.take(h, self.x.indices, axis=1)).sum(axis=0)

    def ratio(self, w: np.ndarray, h: np.ndarray) -> tuple[Any, Any]:
        """Counts over the model at the counts (model floored at scikit-learn's epsilon), and
        its transpose."""
        np.divide(self.x.data, np.maximum(self.model(w, h), _EPS32), out=self._ratio.data)
        return self._ratio, self._ratio_t

    def divergence(self, w: np.ndarray, h: np.ndarray) -> float:
        """``sqrt(2 KL(x || w @ h))``, scikit-learn's ``_beta_divergence(..., square_root=True)``."""
        data = self.x.data
        at = np.maximum(self.model(w, h), _EPS32)
        total = (data * np.log(data / at)).sum() - data.sum() + w.sum(axis=0) @ h.sum(axis=1)
        return float(np.sqrt(2 * max(total, 0.0)))


def _nmf_start(corpus: list, n_terms: int, k: int, seed: int, max_iter: int = 100) -> np.ndarray:
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
    from gensim.matutils import corpus2csc

    counts = corpus2csc(corpus, num_terms=n_terms).T.tocsr().astype(float)
    weights, components = nmf(counts, k, seed, max_iter)
    terms = components + 1e-9
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
        model.state.sstats = _nmf_start(
            corpus, len(dictionary), k, seed, opts.get("nmf_iter", 50)
        ).astype(model.dtype)
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
    """c_v (or other) coherence of every topic of every model, with one co-occurrence pass.

    For ``"c_v"`` the sliding-window counts come from gensim once for all the models' words and
    every word pair's NPMI is computed once (:func:`_c_v`); gensim's own c_v pipeline would
    recompute the pairs, one sparse vector at a time, for every model. Other measures go through
    gensim's ``CoherenceModel``. Topics whose coherence is not finite (a word with no window in
    ``texts``) score 0.
    """
    from gensim.models import CoherenceModel

    if measure == "c_v":
        return _c_v(topic_lists, texts, dictionary)
    cm = CoherenceModel.for_topics(
        topic_lists, texts=texts, dictionary=dictionary, coherence=measure, processes=1
    )
    out = []
    for topics in topic_lists:
        cm.topics = topics
        out.append([float(c) if np.isfinite(c) else 0.0 for c in cm.get_coherence_per_topic()])
    return out


_EPSILON = 1e-12  # gensim's (topic_coherence.direct_confirmation_measure.EPSILON)


def _c_v(topic_lists: list[list[list[str]]], texts: list[list[str]], dictionary: Any) -> list:
    """gensim's c_v (Roeder, Both and Hinneburg 2015) of every topic, each word pair once.

    The same steps as gensim's pipeline (``s_one_set`` segmentation, boolean sliding window of
    110 tokens, NPMI with gensim's epsilon, indirect cosine, mean): word ``i`` of a topic has
    the context vector ``M[i]`` of its NPMI with each of the topic's words, the topic the sum
    ``M.sum(axis=0)``, and the topic's c_v is the mean cosine between the two. Equal to
    gensim's values up to rounding in the last digits (``tests/test_topics.py`` checks it).
    """
    from gensim.models import CoherenceModel

    ids = [[[dictionary.token2id[w] for w in topic] for topic in topics] for topics in topic_lists]
    vocab = list(dict.fromkeys(i for topics in ids for topic in topics for i in topic))
    if not vocab:
        return [[] for _ in topic_lists]
    words = [dictionary[i] for i in vocab]
    # gensim's accumulator over the texts for every word of every model (one pass, as for_topics)
    cm = CoherenceModel(
        topics=[words], topn=len(words), texts=texts, dictionary=dictionary, coherence="c_v",
        processes=1,
    )  # fmt: skip
    counts = cm.estimate_probabilities()
    windows = float(counts.num_docs)
    pos = {w: n for n, w in enumerate(vocab)}
    pairs = sorted({(min(a, b), max(a, b)) for ts in ids for t in ts for a in t for b in t})
    first = np.array([pos[a] for a, _ in pairs])
    second = np.array([pos[b] for _, b in pairs])
    occurs = np.array([counts[w] for w in vocab], dtype=float)
    together = np.array([counts[a, b] for a, b in pairs], dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = (together / windows + _EPSILON) / (
            (occurs[first] / windows) * (occurs[second] / windows)
        )
        values = np.log(ratio) / -np.log(together / windows + _EPSILON)
    npmi = np.full((len(vocab), len(vocab)), np.nan)
    npmi[first, second] = values
    npmi[second, first] = values
    out = []
    for topics in ids:
        scores = []
        for topic in topics:
            at = np.array([pos[i] for i in topic])
            block = npmi[np.ix_(at, at)]
            whole = block.sum(axis=0)
            with np.errstate(divide="ignore", invalid="ignore"):
                cosines = (block @ whole) / (
                    np.sqrt((block**2).sum(axis=1)) * np.sqrt((whole**2).sum())
                )
            value = float(cosines.mean())
            scores.append(value if np.isfinite(value) else 0.0)
        out.append(scores)
    return out


# the old private names (tests/benchmarks/bench_topics.py and the topics.py shim use them)
_bow, _top_terms, _coherence_per_topic, _lda = bow, top_terms, coherence_per_topic, fit_lda
