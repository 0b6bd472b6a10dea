"""Example comments that represent a topic: typical, distinct, genuine, short and redacted.

A topic's examples are the texts most about it (highest topic weight among the texts whose
main topic it is) that

* were not screened as suspicious (:func:`fbresearch.analyses.triage.suspicious_feedback`:
  copied batches, near-duplicate long texts, gibberish, template-only answers),
* are not a near-duplicate of an example already chosen for any topic on the page (Jaccard
  similarity of their two-unit shingles, the triage screen's shingles, below ``similarity``)
  and repeat none of its sentences (of five units or more: a stock sentence customers paste
  into different comments would otherwise open every example of a topic),
* are cut to ``max_chars`` at a sentence end (a single over-long sentence at a word), after
  personal data is redacted (:func:`fbresearch.privacy.redact`).

Examples
--------
>>> short_text("Late again. The driver called twice. Food was cold.", max_chars=40)
'Late again. The driver called twice.'
>>> short_text("一个很长的句子" * 10, max_chars=12)
'一个很长的句子一个很长…'
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from fbresearch.analyses.triage.minhash import shingle_hashes
from fbresearch.analyses.triage.suspicious import suspicious_feedback
from fbresearch.errors import FbResearchError
from fbresearch.privacy import redact

if TYPE_CHECKING:
    from fbresearch.analyses.topics.results import TopicModel

__all__ = [
    "topic_examples", "short_text", "suspicious_rows", "shingle_sets", "sentences", "MAX_CHARS",
]

#: longest example shown, in characters
MAX_CHARS = 200
#: two examples this similar (Jaccard of two-unit shingles) or more are near-duplicates
SIMILARITY = 0.5
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;…])|(?<=\.)\s+|\n+")
_UNIT = re.compile(r"[\u3400-\u9fff]|[a-z0-9']+")
_COLUMNS = ["topic", "rank", "weight", "text", "row"]


def short_text(text: str, max_chars: int = MAX_CHARS) -> str:
    """``text`` cut to at most ``max_chars``: whole sentences, else one sentence cut with "…".

    Examples
    --------
    >>> short_text("送餐很快。味道很好！包装也不错。", max_chars=10)
    '送餐很快。味道很好！'
    """
    text = " ".join(str(text).split())
    if len(text) <= max_chars:
        return text
    kept = ""
    for sentence in (s.strip() for s in _SENTENCE_END.split(text)):
        if not sentence:
            continue
        joined = f"{kept} {sentence}" if kept and not _is_cjk(kept[-1]) else kept + sentence
        if len(joined) > max_chars:
            break
        kept = joined
    if kept:
        return kept
    cut = text[: max_chars - 1]
    if " " in cut and not _is_cjk(cut[-1]):
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,，、") + "…"


def sentences(text: str, min_units: int = 5) -> set[str]:
    """The sentences of ``text`` with at least ``min_units`` units (Chinese characters or Latin
    words), lower-cased and stripped of punctuation: what two examples must not share.

    Examples
    --------
    >>> sorted(sentences("Late AGAIN!! The driver went in circles. Ok."))
    ['the driver went in circles']
    >>> sentences("外卖提前十分钟送到，太惊喜了。好。")
    {'外卖提前十分钟送到太惊喜了'}
    """
    out = set()
    for sentence in _SENTENCE_END.split(str(text)):
        units = _UNIT.findall(sentence.lower())
        if len(units) >= min_units:
            out.add("".join(u if len(u) == 1 and _is_cjk(u) else f" {u}" for u in units).strip())
    return out


def _is_cjk(char: str) -> bool:
    return "\u3000" <= char <= "\u9fff" or "\uff00" <= char <= "\uffef"


def shingle_sets(texts: pd.Series) -> list[set[int]]:
    """Each text's set of two-unit shingle hashes (units: Chinese characters, Latin words)."""
    units = texts.astype(str).str.lower().str.findall(_UNIT.pattern)
    doc, hashes = shingle_hashes(units.reset_index(drop=True), ngram=2)
    sets: list[set[int]] = [set() for _ in range(len(texts))]
    for d, h in zip(doc.tolist(), hashes.tolist(), strict=True):
        sets[d].add(h)
    return sets


def _jaccard(a: set[int], b: set[int]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def suspicious_rows(frame: pd.DataFrame | None, seed: int = 1) -> pd.Series | None:
    """Which rows of ``frame`` the triage screen flags as suspicious (None without texts)."""
    if frame is None or "text" not in frame or not frame["text"].notna().any():
        return None
    columns = {
        "customer": "customer_id" if "customer_id" in frame else None,
        "time": "submitted_at" if "submitted_at" in frame else None,
    }
    try:
        return suspicious_feedback(frame, seed=seed, **columns).flags["suspicious"]
    except FbResearchError:
        return None


def _candidates(model: TopicModel, topic: str, excluded: np.ndarray, pool: int) -> pd.Series:
    """The ``pool`` texts whose main topic is ``topic``, highest weight first (raw texts)."""
    mine = (model.dominant == topic).to_numpy() & ~excluded
    weights = model.doc_topics.loc[mine, topic].sort_values(ascending=False, kind="stable")
    texts = model.texts.loc[weights.index].astype(str).str.strip()
    ok = texts.str.len().between(5, 2000)  # pasted logs or pages are not examples
    return weights[ok.to_numpy()].head(pool)


def topic_examples(
    model: TopicModel,
    k: int = 3,
    *,
    suspicious: Any = None,
    max_chars: int = MAX_CHARS,
    similarity: float = SIMILARITY,
    pool: int = 40,
    topics: list[str] | None = None,
) -> pd.DataFrame:
    """Up to ``k`` representative, distinct, genuine, short and redacted examples per topic.

    Parameters
    ----------
    model : TopicModel
    k : int, default 3
    suspicious : Series of bool, optional
        Aligned to the model's texts: rows never shown (see :func:`suspicious_rows`).
    max_chars : int, default 200
    similarity : float, default 0.5
        An example at least this similar to one already chosen (on any topic) is skipped.
    pool : int, default 40
        Highest-weight candidates looked at per topic.
    topics : list of str, optional
        The topics, in the order they are served (default: largest share first, so the big
        topics get their most typical texts).

    Returns
    -------
    DataFrame
        ``topic``, ``rank``, ``weight``, ``text`` (redacted, short) and ``row`` (position of
        the text in the model's input).

    Examples
    --------
    >>> from fbresearch.analyses.topics import fit_topics
    >>> texts = ["late courier slow driver"] * 30 + ["refund charge invoice billing"] * 30
    >>> model = fit_topics(texts, num_topics=2, language="en")
    >>> topic_examples(model, k=3).groupby("topic").size().tolist()  # copies shown once
    [1, 1]
    """
    n = len(model.doc_topics)
    flagged = np.zeros(n, dtype=bool)
    if suspicious is not None:
        flagged = pd.Series(suspicious).fillna(False).to_numpy(dtype=bool)
    order = topics or model.table.sort_values("share", ascending=False)["topic"].tolist()
    position = pd.Series(np.arange(n), index=model.doc_topics.index)
    chosen: list[set[int]] = []
    shown: set[str] = set()  # the sentences of the examples chosen so far
    rows = []
    for topic in order:
        weights = _candidates(model, topic, flagged, pool)
        sets = shingle_sets(model.texts.loc[weights.index])
        rank = 0
        for (idx, weight), shingles in zip(weights.items(), sets, strict=True):
            if any(_jaccard(shingles, other) >= similarity for other in chosen):
                continue
            text = short_text(redact(str(model.texts.loc[idx]).strip()), max_chars)
            said = sentences(text)
            if said & shown:
                continue
            chosen.append(shingles)
            shown |= said
            rank += 1
            rows.append([topic, rank, float(weight), text, int(position[idx])])
            if rank == k:
                break
    return pd.DataFrame(rows, columns=_COLUMNS)
