"""The topic vocabulary: themes only, without all-purpose tone words and corpus-wide filler.

"What customers talk about" must read as subjects (delivery, rooms, refunds), not as "praise"
and "complaints". Frequent words that go with every subject pull LDA's topics towards tone or
blur them: praise and blame (不错, 喜欢, 满意, 好吃 on a food platform) and filler ("order",
很多, the platform's own name). Both are found the same way, from the data:

1. the texts are cut into passages of 10 tokens (one passage is about one subject, even in a
   long hotel review that covers five) and a quick KL-NMF (pLSA) of their theme words, without
   the sentiment lexicon's words (``fbresearch/resources/sentiment_{zh,en}.txt``), gives each
   passage a topic mixture;
2. a frequent word's topic profile ``p(topic | word)`` is the mean mixture of the passages that
   contain it, and its *lift* the Kullback-Leibler divergence ``KL(p(topic | word) || p(topic))``
   from the corpus's topic shares, in nats: 0 when the word is used alike for every subject,
   about 1 for a word of one subject;
3. a lexicon word with lift under :data:`TONE_LIFT` is a tone word, any other frequent word
   with lift under :data:`FILLER_LIFT` is filler; both leave the topic vocabulary. A lexicon
   word of one subject stays (退款 "refund", 准时 "on time" on a page about delivery), and tone
   is reported per topic by the tone section instead of forming topics of its own.

Examples
--------
>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> themes = [["late", "driver", "courier", "slow"], ["refund", "charge", "money", "bank"],
...           ["app", "crash", "login", "update"]]
>>> docs = [list(rng.choice(t, 3, replace=False)) + [str(rng.choice(["order", "great"]))]
...         for t in themes for _ in range(40)]
>>> lift = word_lift(docs, "en", k=3, seed=0)
>>> sorted(w for w, v in lift.items() if v < FILLER_LIFT), round(lift["refund"], 1)
(['great', 'order'], 1.1)
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

from fbresearch.analyses.topics.lda import nmf
from fbresearch.text.sentiment import _lexicon

__all__ = ["platform_words", "tone_words", "word_lift", "topic_vocabulary", "TONE_LIFT", "FILLER_LIFT"]

#: A sentiment-lexicon word whose lift is under this is used for any subject: left out.
TONE_LIFT = 0.25
#: Any other frequent word whose lift is under this is filler: left out.
FILLER_LIFT = 0.05
#: Words in at least this share of the passages are tested.
FREQUENT = 0.01
_PASSAGE = 10
_MAX_PASSAGES = 8000


def tone_words(language: str) -> frozenset[str]:
    """The sentiment lexicon's words of ``language`` (both polarities, negated forms too).

    Examples
    --------
    >>> {"great", "terrible"} <= tone_words("en"), "不错" in tone_words("zh")
    (True, True)
    """
    return frozenset(_lexicon(language)) if language in ("zh", "en") else frozenset()


@cache
def platform_words(language: str) -> frozenset[str]:
    """Platform, marketplace and review-site names of ``language`` (``resources/platforms_*.txt``).

    Customers name the platform they ordered or booked through whatever they talk about, so a
    topic built on 携程 or 美团 says where they bought, not what about; these names are left
    out of the topic vocabulary (and said so), like tone words and filler.

    Examples
    --------
    >>> "携程" in platform_words("zh"), "amazon" in platform_words("en"), platform_words("fr")
    (True, True, frozenset())
    """
    if language not in ("zh", "en"):
        return frozenset()
    path = resources.files("fbresearch") / "resources" / f"platforms_{language}.txt"
    words = (line.split("#", 1)[0].strip() for line in path.read_text("utf-8").splitlines())
    return frozenset(w.lower() for w in words if w)


def word_lift(docs: Sequence[Sequence[str]], language: str, k: int, seed: int) -> dict[str, float]:
    """Lift ``KL(p(topic | word) || p(topic))`` of every frequent word at ``k`` quick topics.

    See the module's description; at most 8,000 passages (drawn with ``seed``) are used.
    """
    from gensim.corpora import Dictionary
    from gensim.matutils import corpus2csc

    passages = [d[i : i + _PASSAGE] for d in docs for i in range(0, len(d), _PASSAGE)]
    if len(passages) > _MAX_PASSAGES:
        pick = np.random.default_rng(seed).choice(len(passages), _MAX_PASSAGES, replace=False)
        passages = [passages[i] for i in np.sort(pick)]
    tone = tone_words(language)
    themes = Dictionary([w for w in p if w not in tone] for p in passages)
    words = Dictionary(passages)
    if k < 2 or len(themes) < k or len(passages) < 2 * k:
        return {}
    counts = corpus2csc(
        [themes.doc2bow([w for w in p if w not in tone]) for p in passages], len(themes)
    ).T.tocsr()
    weights = nmf(counts.astype(float), k, seed)[0] + 1e-12
    theta = weights / weights.sum(axis=1, keepdims=True)
    shares = theta.mean(axis=0)
    present = corpus2csc(
        [[(i, 1) for i, _ in words.doc2bow(p)] for p in passages], len(words)
    ).T.tocsc()
    df = np.asarray(present.sum(axis=0)).ravel()
    frequent = np.flatnonzero(df >= max(3.0, FREQUENT * len(passages)))
    profile = (present[:, frequent].T @ theta) / df[frequent, None]
    lift = (profile * np.log(profile / shares)).sum(axis=1)
    return {words[int(i)]: float(v) for i, v in zip(frequent, lift, strict=True)}


def topic_vocabulary(
    docs: list[list[str]],
    language: str,
    k: int,
    seed: int,
    no_below: int,
    no_above: float,
    keep_n: int,
) -> tuple[Any, list[list[str]], dict[str, list[str]]]:
    """The gensim dictionary of a language's topic words and the texts cut to it.

    gensim's ``filter_extremes(no_below, no_above, keep_n)`` first, then the tone and filler
    words found by :func:`word_lift` at ``k`` topics are dropped. Returns the dictionary, the
    texts cut to its terms and the words dropped, ``{"tone": [...], "filler": [...],
    "platform": [...]}`` (most frequent first; platform names: :func:`platform_words`).
    """
    from gensim.corpora import Dictionary

    dictionary = Dictionary(docs)
    dictionary.filter_extremes(no_below=no_below, no_above=no_above, keep_n=keep_n)
    platforms = [w for w in dictionary.token2id if w in platform_words(language)]
    platforms.sort(key=lambda w: -dictionary.dfs[dictionary.token2id[w]])
    dictionary.filter_tokens(bad_ids=[dictionary.token2id[w] for w in platforms])
    dictionary.compactify()
    kept = [[w for w in d if w in dictionary.token2id] for d in docs]
    lift = word_lift([d for d in kept if d], language, k, seed)
    tone = tone_words(language)
    dropped: dict[str, list[str]] = {"tone": [], "filler": []}
    for word, value in lift.items():
        if value < (TONE_LIFT if word in tone else FILLER_LIFT):
            dropped["tone" if word in tone else "filler"].append(word)
    for words in dropped.values():
        words.sort(key=lambda w: -dictionary.dfs[dictionary.token2id[w]])
    dictionary.filter_tokens(bad_ids=[dictionary.token2id[w] for w in sum(dropped.values(), [])])
    dictionary.compactify()
    dropped["platform"] = platforms
    return dictionary, [[w for w in d if w in dictionary.token2id] for d in kept], dropped
