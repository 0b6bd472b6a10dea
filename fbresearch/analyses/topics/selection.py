"""Choosing the number of topics K: resampled fits, coherence, diversity and stability.

Examples
--------
>>> a = [["late", "slow"], ["refund", "charge"]]
>>> topic_stability([a, a]), topic_diversity(a)
(1.0, 1.0)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from fbresearch.analyses.topics.lda import bow, coherence_per_topic, fit_lda, top_terms

__all__ = ["topic_stability", "topic_diversity", "choose_k", "select_k"]


def _fit_candidate(args: tuple) -> tuple[int, int, list[list[str]]]:
    """Top terms of one selection fit, with BLAS on one thread.

    A selection fit's linear algebra is on small matrices (a few thousand texts by K + 10),
    where OpenBLAS threads only wait for each other: on a busy 2-core machine one thread halves
    the NMF start's time, and a pool of ``workers`` processes does not oversubscribe the cores.
    Only the top terms leave this function, and they do not depend on the thread count (the
    sums differ in the last bits at most; ``tests/test_topics.py`` checks the K choice).
    """
    from threadpoolctl import threadpool_limits

    corpus, dictionary, k, seed, opts, topn = args
    with threadpool_limits(1):
        return k, seed, top_terms(fit_lda(corpus, dictionary, k, seed, opts), topn)


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


def choose_k(selection: pd.DataFrame, min_stability: float = 0.5) -> int:
    """The smallest K whose topic quality is within one standard error of the best.

    Topic quality is coherence times diversity (Dieng, Ruiz and Blei 2020): coherence alone
    keeps creeping up as K grows because big subjects split by tone into near-duplicate topics
    ("fast delivery", "late delivery"), which diversity penalises. As in the one-standard-error
    rule of cross-validation, the smallest K not clearly worse than the best is taken. Only Ks
    whose topics are reproducible across resamples (stability at least ``min_stability``)
    compete; when none is, all do.
    """
    table = selection
    if table["stability"].notna().any() and (table["stability"] >= min_stability).any():
        table = table[table["stability"] >= min_stability]
    quality = table["coherence"] * table["diversity"]
    se = table["coherence_se"] * table["diversity"]
    best = quality.idxmax()
    return int(table.loc[quality >= quality[best] - se[best], "k"].min())


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
    """Fit every K on ``seeds`` random subsamples, score coherence and stability, choose K.

    Run ``s`` fits 80% of the texts (at most ``sample``) drawn with seed ``seed + s``: stability
    is then the agreement of topics across resamples of the data (Greene, O'Callaghan and
    Cunningham 2014, "How many topics? Stability analysis for topic models"), which is what a
    reader needs to trust: would next month's texts give the same topics?
    """
    size = int(0.8 * len(docs)) if sample is None else min(sample, int(0.8 * len(docs)))
    runs_docs = []
    for s in range(seeds):
        pick = np.sort(np.random.default_rng(seed + s).choice(len(docs), size, replace=False))
        runs_docs.append([docs[i] for i in pick])
    corpora = [[bow(dictionary, d, max_tokens) for d in part] for part in runs_docs]
    jobs = [(corpora[s], dictionary, k, seed + s, opts, topn) for k in ks for s in range(seeds)]
    if workers > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as ex:
            results = list(ex.map(_fit_candidate, jobs))
    else:
        results = [_fit_candidate(job) for job in jobs]
    terms = {(k, s): t for k, s, t in results}
    runs = [terms[(k, seed + s)] for k in ks for s in range(seeds)]
    per_topic = coherence_per_topic(runs, runs_docs[0], dictionary, measure)
    rows = []
    for i, k in enumerate(ks):
        block = per_topic[i * seeds : (i + 1) * seeds]
        values = np.concatenate(block)
        rows.append(
            {
                "k": k,
                "coherence": float(values.mean()),
                "coherence_se": float(values.std(ddof=1) / np.sqrt(values.size)),
                "diversity": float(
                    np.mean([topic_diversity(terms[(k, seed + s)]) for s in range(seeds)])
                ),
                "stability": topic_stability([terms[(k, seed + s)] for s in range(seeds)]),
            }
        )
    table = pd.DataFrame(rows)
    if seeds < 2:
        table["stability"] = math.nan
    chosen = choose_k(table)
    table["chosen"] = table["k"] == chosen
    return chosen, table


_choose_k, _select_k = choose_k, select_k  # the old private names
