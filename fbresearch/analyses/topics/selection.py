"""Choosing the number of topics K: resampled fits, coherence, diversity and stability.

Examples
--------
>>> a = [["late", "slow"], ["refund", "charge"]]
>>> topic_stability([a, a]), topic_diversity(a)
(1.0, 1.0)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from fbresearch.analyses.topics.lda import bow, coherence_per_topic, fit_lda, top_terms

__all__ = ["mixtures", "topic_stability", "topic_diversity", "reproduced_topics", "choose_k", "k_holds", "scan_k", "select_k"]


def _fit_candidate(args: tuple) -> tuple[int, int, list[list[str]], float]:
    """Top terms and held-out per-word bound of one selection fit, with BLAS on one thread.

    A selection fit's linear algebra is on small matrices (a few thousand texts by K + 10),
    where OpenBLAS threads only wait for each other: on a busy 2-core machine one thread halves
    the NMF start's time, and a pool of ``workers`` processes does not oversubscribe the cores.
    Only the top terms and the bound leave this function; the top terms do not depend on the
    thread count (the sums differ in the last bits at most; ``tests/test_topics.py`` checks
    the K choice).
    """
    from threadpoolctl import threadpool_limits

    corpus, heldout, dictionary, k, seed, opts, topn = args
    with threadpool_limits(1):
        model = fit_lda(corpus, dictionary, k, seed, opts)
        return k, seed, top_terms(model, topn), _completion(model, *heldout)


def completion_likelihood(model: Any, heldout: list[list[str]]) -> float:
    """Held-out log-likelihood per word by document completion (Wallach et al. 2009).

    Each held-out text's tokens are dealt alternately into an observed and a held half; the
    topic mixture is inferred from the observed half and the held half is scored by
    ``log(theta @ beta)``. Unlike gensim's variational bound (``log_perplexity``, which falls
    with K on short texts whatever the data), this measures how well the topics predict words
    the model has not seen. NaN when no held-out text has two tokens.

    Examples
    --------
    >>> from gensim.corpora import Dictionary
    >>> from fbresearch.analyses.topics.lda import LDA_DEFAULTS
    >>> docs = [["late", "driver", "slow", "late"], ["refund", "charge", "bank", "money"]] * 30
    >>> d = Dictionary(docs)
    >>> m = fit_lda([d.doc2bow(t) for t in docs], d, 2, 0, LDA_DEFAULTS)
    >>> # by hand: the true topics give (log .25 + log .5) / 2 and log .25 to the two held
    >>> # halves, -1.21 a word; seven equally likely words give log(1/7) = -1.95
    >>> round(completion_likelihood(m, docs[:2]), 2)
    -1.4
    """
    return _completion(model, *completion_halves(model.id2word, heldout))


def completion_halves(dictionary: Any, heldout: list[list[str]]) -> tuple[Any, Any] | tuple[()]:
    """The observed and held halves of the held-out texts as texts x terms count matrices.

    What :func:`completion_likelihood` scores; the same for every K fitted on one resample, so
    the K search builds them once per resample. Empty when no text has two tokens.
    """
    from gensim.matutils import corpus2csc

    halves = [(d[0::2], d[1::2]) for d in heldout if len(d) >= 2]
    if not halves:
        return ()
    n = len(dictionary)
    seen = corpus2csc([dictionary.doc2bow(a) for a, _ in halves], num_terms=n).T.tocsr()
    held = corpus2csc([dictionary.doc2bow(b) for _, b in halves], num_terms=n).T.tocsr()
    return seen, held


def _completion(model: Any, seen: Any = None, held: Any = None) -> float:
    """:func:`completion_likelihood` from the halves' count matrices (NaN without them)."""
    if seen is None:
        return math.nan
    gamma = mixtures(model, seen)
    theta = gamma / gamma.sum(axis=1, keepdims=True)
    rows, cols = held.nonzero()
    topics = model.get_topics()  # K x terms, rows sum to 1
    p = np.einsum("ik,ki->i", theta[rows], topics[:, cols])
    counts = np.asarray(held[rows, cols]).ravel()
    return float((counts * np.log(p)).sum() / counts.sum()) if counts.sum() else math.nan


def mixtures(model: Any, counts: Any) -> np.ndarray:
    """gensim's variational topic weights (``LdaModel.inference``) of many texts at once.

    The same updates as gensim's per-text loop (start drawn from the model's random state,
    ``iterations`` at most, a text stops once its mean change is under ``gamma_threshold``),
    run on all texts together as sparse-matrix products: on 1,000 held-out reviews this is
    about 10 times faster than the loop, whose Python steps per text dominate. The weights
    agree with gensim's to float32 rounding (``tests/analyses/topics/test_selection.py``).

    Parameters
    ----------
    model : gensim LdaModel
    counts : scipy.sparse matrix
        Texts x terms counts (CSR) in the model's dictionary.

    Returns
    -------
    ndarray
        Texts x topics Dirichlet parameters (gensim's ``gamma``; normalise rows for mixtures).
    """
    import scipy.sparse as sp
    from gensim.matutils import dirichlet_expectation

    dtype = model.dtype
    x = sp.csr_matrix(counts, dtype=dtype)
    rows, cols = np.repeat(np.arange(x.shape[0]), np.diff(x.indptr)), x.indices
    beta = model.expElogbeta  # K x terms
    beta_t = np.ascontiguousarray(beta.T)
    gamma = model.random_state.gamma(100.0, 1.0 / 100.0, (x.shape[0], model.num_topics))
    gamma = gamma.astype(dtype, copy=False)
    theta = np.exp(dirichlet_expectation(gamma))
    eps = np.finfo(dtype).eps
    active = np.ones(x.shape[0], dtype=bool)
    for _ in range(model.iterations):
        phinorm = (theta[rows] * beta_t[cols]).sum(axis=1) + eps
        ratio = sp.csr_matrix((x.data / phinorm, x.indices, x.indptr), shape=x.shape)
        new = (model.alpha + theta * (ratio @ beta_t)).astype(dtype, copy=False)
        change = np.abs(new - gamma).mean(axis=1)
        gamma[active] = new[active]
        theta[active] = np.exp(dirichlet_expectation(new[active]))
        active &= change >= model.gamma_threshold
        if not active.any():
            break
    return gamma


def topic_stability(runs: Sequence[list[list[str]]]) -> float:
    """Mean best-match overlap of top terms between runs (0 = different topics, 1 = identical).

    For each pair of runs, topics are matched one to one by the Hungarian algorithm on the
    Jaccard overlap of their top-term sets (scipy ``linear_sum_assignment``); the pair's score is
    the mean overlap of the matched topics, and the result the mean over pairs.

    Examples
    --------
    >>> a = [["late", "slow"], ["refund", "charge"]]
    >>> topic_stability([a, a[::-1]])
    1.0
    >>> topic_stability([a, [["late", "cold"], ["refund", "charge"]]])
    0.6666666666666666
    """
    from scipy.optimize import linear_sum_assignment

    scores = []
    for i in range(len(runs)):
        for j in range(i + 1, len(runs)):
            a = [set(t) for t in runs[i]]
            b = [set(t) for t in runs[j]]
            overlap = np.array([[len(x & y) / len(x | y) for y in b] for x in a])
            rows, cols = linear_sum_assignment(-overlap)
            scores.append(float(overlap[rows, cols].mean()))
    return float(np.mean(scores)) if scores else math.nan


def topic_diversity(topics: Sequence[Sequence[str]]) -> float:
    """Share of distinct words among all topics' top terms (1 = no topic repeats another's words).

    Dieng, Ruiz and Blei (2020, "Topic modeling in embedding spaces") define topic quality as
    coherence times this diversity: a model that splits one subject into near-duplicate topics
    ("fast delivery", "late delivery", "delivery") repeats words and scores lower.

    Examples
    --------
    >>> topic_diversity([["late", "slow"], ["refund", "charge"]])
    1.0
    >>> topic_diversity([["late", "driver"], ["fast", "driver"]])
    0.75
    """
    words = [w for topic in topics for w in topic]
    return len(set(words)) / len(words) if words else math.nan


def reproduced_topics(runs: Sequence[list[list[str]]]) -> float:
    """Mean number of topics that come back in another resample's fit (majority of top words).

    For each pair of runs (fits on different resamples of the texts), topics are matched one to
    one by the Hungarian algorithm on the number of top words they share; a matched topic is
    *reproduced* when it shares more than half of its top words (6 of 10). The result is the
    mean count over pairs: how many themes the data give again and again, the quantity a reader
    trusts. Unlike the mean overlap (:func:`topic_stability`), one extra topic that does not
    come back costs nothing, so the count rises with K while the data hold more themes and
    falls once more topics only split or shuffle them (Greene, O'Callaghan and Cunningham
    2014 on stability; Mäntylä, Claes and Farooq 2018 on replicated LDA runs).

    Examples
    --------
    >>> a = [list("abcdefghij"), list("klmnopqrst")]
    >>> b = [list("abcdefxyzw"), list("klmnuvwxyz")]  # 6 and 4 of 10 words shared
    >>> reproduced_topics([a, a]), reproduced_topics([a, b])
    (2.0, 1.0)
    """
    from scipy.optimize import linear_sum_assignment

    counts = []
    for i in range(len(runs)):
        for j in range(i + 1, len(runs)):
            a = [set(t) for t in runs[i]]
            b = [set(t) for t in runs[j]]
            shared = np.array([[len(x & y) for y in b] for x in a], dtype=float)
            need = np.array([[len(x) / 2 for _ in b] for x in a])
            rows, cols = linear_sum_assignment(-shared)
            counts.append(int((shared[rows, cols] > need[rows, cols]).sum()))
    return float(np.mean(counts)) if counts else math.nan


def choose_k(selection: pd.DataFrame) -> int:
    """The largest K at which all topics but at most one come back in fits on other resamples.

    A K *holds* when (1) its fits on resamples of the texts reproduce at least K - 1 of its
    topics (:func:`reproduced_topics`: matched topics sharing most of their top words): the
    reader can trust every theme shown, save perhaps one leftover mixture; and (2) its held-out
    fit (:func:`completion_likelihood`) is within two standard errors of the best of the Ks up
    to it (:func:`k_holds`), so more topics do not just predict unseen words worse. The largest K that holds is taken: too many
    topics split or shuffle the themes, and the pieces stop coming back. When no K holds (or
    with one seed), the K with the most reproduced topics, ties (and no resamples) going to the
    higher quality, c_v coherence times topic diversity (Dieng, Ruiz and Blei 2020).

    On the built-in sample (7 planted topics a language) this gives 7 (7 of 7 reproduced; 8
    topics reproduce 6); on the real hotel reviews in ``../shared/data`` 5 (4 of 5; K=6 and
    7 reproduce 4 and 3.3) and on the real food-delivery reviews 3 (2.7 of 3; K=4 reproduces 2:
    one-sentence texts about delivery, food and couriers hold few themes).

    Examples
    --------
    >>> table = pd.DataFrame({"k": [4, 5, 6, 7], "coherence": [0.5, 0.6, 0.55, 0.5],
    ...                       "diversity": [1.0] * 4, "reproduced": [4.0, 4.0, 4.0, 6.0],
    ...                       "heldout": [-7.0, -6.9, -6.9, -6.9], "heldout_se": [0.01] * 4})
    >>> choose_k(table)  # 7 keeps 6 of its 7 topics; 6 only 4 of 6
    7
    >>> # 7 predicts unseen words clearly worse: 5 is the largest K that holds
    >>> choose_k(table.assign(heldout=[-7.0, -6.9, -6.9, -7.1]))
    5
    """
    table = selection.sort_values("k").reset_index(drop=True)
    quality = table["coherence"] * table["diversity"]
    holds = k_holds(table)
    if holds.any():
        return int(table.loc[holds, "k"].max())
    reproduced = table["reproduced"] if "reproduced" in table else quality * math.nan
    if reproduced.notna().any():
        quality = quality.where(reproduced >= reproduced.max() - 1e-9)
    return int(table.loc[quality.idxmax(), "k"])


def k_holds(table: pd.DataFrame) -> pd.Series:
    """Whether each K reproduces all its topics but one and predicts unseen words as well.

    The held-out fit is compared with the best of the Ks up to this one: more topics must not
    predict unseen words worse than fewer did (overfitting), while a K is not faulted because
    a larger K predicts better (on texts built from stock phrases the held-out fit can rise
    with every K tried). Adding a larger K therefore never changes a smaller K's answer.

    Examples
    --------
    >>> table = pd.DataFrame({"k": [2, 3, 4], "reproduced": [2.0, 3.0, 3.0],
    ...                       "heldout": [-7.0, -6.9, -6.95], "heldout_se": [0.01] * 3})
    >>> k_holds(table).tolist()  # 4 keeps 3 of its 4 topics but predicts worse than 3
    [True, True, False]
    """
    if "reproduced" not in table or table["reproduced"].isna().all():
        return pd.Series(False, index=table.index)
    holds = table["reproduced"] >= table["k"] - 1 - 1e-9
    if "heldout" in table and table["heldout"].notna().any():
        ordered = table.sort_values("k")
        held = ordered["heldout"]
        best = held.fillna(-np.inf).cummax()  # best held-out fit of the Ks up to each K
        se = ordered["heldout_se"].where(held.fillna(-np.inf) >= best).ffill().fillna(0.0)
        fits = (held >= best - 2 * se) | held.isna()
        holds &= fits.reindex(table.index)
    return holds


def scan_k(low: int, high: int, holds: Callable[[list[int]], dict[int, bool]], step: int = 2) -> None:
    """Try Ks upwards from ``low``, ``step`` at a time, until two Ks in a row fail or ``high``.

    ``holds`` gets the new Ks of each round and returns, for every K tried so far, whether it
    holds (a rule may compare Ks, so it answers for every K tried). Two
    failures in a row end the scan: topics that stop coming back at K and K + 1 do not come
    back at K + 5 either, and each round costs a fit per seed.

    Examples
    --------
    >>> tried = []
    >>> def holds(ks):
    ...     tried.extend(ks)
    ...     return {k: k in (2, 3, 5) for k in tried}
    >>> scan_k(2, 16, holds), tried
    (None, [2, 3, 4, 5, 6, 7])
    """
    k = low
    while k <= high:
        new = list(range(k, min(high, k + step - 1) + 1))
        answers = holds(new)
        fails = 0
        for tried in sorted(answers):
            fails = 0 if answers[tried] else fails + 1
        if fails >= 2:
            return
        k = new[-1] + 1


def _resamples(
    docs: list[list[str]], seed: int, seeds: int, sample: int | None
) -> list[tuple[list[list[str]], list[list[str]]]]:
    """``seeds`` random 80% subsamples (at most ``sample`` texts) and their held-out texts."""
    size = int(0.8 * len(docs)) if sample is None else min(sample, int(0.8 * len(docs)))
    out = []
    for s in range(seeds):
        rng = np.random.default_rng(seed + s)
        order = rng.permutation(len(docs))
        pick, rest = np.sort(order[:size]), np.sort(order[size : size + _HELDOUT])
        out.append(([docs[i] for i in pick], [docs[i] for i in rest]))
    return out


_HELDOUT = 1000  # held-out texts per resample


def select_k(
    docs: list[list[str]],
    dictionary: Any,
    ks: list[int],
    seed: int,
    seeds: int,
    opts: dict[str, Any],
    topn: int,
    measure: str,
    sample: int | None,
    workers: int,
    max_tokens: int,
) -> tuple[int, pd.DataFrame]:
    """Choose K in ``min(ks)..max(ks)`` by topics reproduced across resamples and held-out fit.

    Run ``s`` fits 80% of the texts (at most ``sample``) drawn with seed ``seed + s`` and is
    scored on up to 1,000 of the texts it did not see (:func:`completion_likelihood`):
    stability is then the agreement of topics across resamples of the data (Greene,
    O'Callaghan and Cunningham 2014), which is what a reader needs to trust: would next
    month's texts give the same topics? Ks are tried upwards from the smallest until two in
    a row no longer hold (:func:`scan_k`); the table has one row per K tried and
    :func:`choose_k` decides.
    """
    parts = _resamples(docs, seed, seeds, sample)
    corpora = [[bow(dictionary, d, max_tokens) for d in part] for part, _ in parts]
    held = [completion_halves(dictionary, [d[:max_tokens] for d in rest]) for _, rest in parts]
    fits: dict[int, list[tuple]] = {}  # K -> its seeds' (k, seed, top terms, held-out fit)

    def score(new: list[int]) -> dict[int, bool]:
        jobs = [
            (corpora[s], held[s], dictionary, k, seed + s, opts, topn)
            for k in new
            for s in range(seeds)
        ]
        results = _run(jobs, workers)
        for i, k in enumerate(new):
            fits[k] = results[i * seeds : (i + 1) * seeds]
        table = pd.DataFrame([_row(k, fits[k], None, seeds) for k in sorted(fits)])
        return dict(zip(table["k"].tolist(), k_holds(table).tolist(), strict=True))

    if seeds >= 2:
        scan_k(min(ks), max(ks), score, step=max(1, workers))
    else:  # nothing can hold without resamples: every K is scored on quality
        score(list(ks))
    # coherence does not decide whether a K holds: scored once, after the scan, for every fit
    # (one pass of gensim's sliding windows over the texts for all the fits' words)
    tried = sorted(fits)
    runs = [terms for k in tried for _, _, terms, _ in fits[k]]
    per_topic = coherence_per_topic(runs, parts[0][0], dictionary, measure)
    table = pd.DataFrame(
        [_row(k, fits[k], per_topic[i * seeds : (i + 1) * seeds], seeds) for i, k in enumerate(tried)]
    )
    chosen = choose_k(table)
    table["chosen"] = table["k"] == chosen
    return chosen, table


def _run(jobs: list[tuple], workers: int) -> list[tuple]:
    """The selection fits, in ``workers`` processes (results do not depend on it)."""
    if workers > 1 and len(jobs) > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as ex:
            return list(ex.map(_fit_candidate, jobs))
    return [_fit_candidate(job) for job in jobs]


def _row(k: int, fits: list[tuple], per_topic: list | None, seeds: int) -> dict[str, Any]:
    """One K's row of the selection table from its ``seeds`` resampled fits.

    ``per_topic`` (each fit's topics' coherence) None: the coherence columns are NaN (the
    scan's rounds decide on the topics that come back and the held-out fit alone).
    """
    terms = [f[2] for f in fits]
    bounds_ = np.array([f[3] for f in fits], dtype=float)
    values = np.concatenate(per_topic) if per_topic is not None else np.array([math.nan] * 2)
    return {
        "k": k,
        "coherence": float(values.mean()),
        "coherence_se": float(values.std(ddof=1) / np.sqrt(values.size)),
        "diversity": float(np.mean([topic_diversity(t) for t in terms])),
        "stability": topic_stability(terms) if seeds >= 2 else math.nan,
        "reproduced": reproduced_topics(terms) if seeds >= 2 else math.nan,
        "heldout": float(np.nanmean(bounds_)) if np.isfinite(bounds_).any() else math.nan,
        "heldout_se": (
            float(np.nanstd(bounds_, ddof=1) / np.sqrt(np.isfinite(bounds_).sum()))
            if np.isfinite(bounds_).sum() >= 2 else 0.0
        ),
    }  # fmt: skip


_choose_k, _select_k = choose_k, select_k  # the old private names
