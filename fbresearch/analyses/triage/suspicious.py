"""Screening feedback that should not be counted: copied texts, bursts, gibberish, templates.

Feedback can be fake or invalid: a batch of near-identical reviews posted by many new accounts
within a day, one customer submitting the same survey again and again, keyboard mashing, or a
platform's placeholder ("系统默认好评"). :func:`suspicious_feedback` flags each such response with
its reason; by default a report shows the flags and keeps the rows (``exclude=False``).

Near-duplicates are found with MinHash and locality-sensitive hashing (LSH, in
:mod:`fbresearch.analyses.triage.minhash`), which scale to millions of texts: each text becomes a
set of shingles (runs of two units, a unit being a Chinese character or a Latin word, so it works
for both languages without a tokenizer), the set's MinHash signature estimates Jaccard
similarity, and LSH bands put similar signatures in the same bucket.

Examples
--------
>>> import pandas as pd
>>> from fbresearch.analyses.triage.suspicious import suspicious_feedback
>>> df = pd.DataFrame({
...     "customer_id": [f"c{i}" for i in range(7)],
...     "submitted_at": pd.to_datetime("2026-10-14 09:00") + pd.to_timedelta(range(7), unit="min"),
...     "text": ["超级好吃，食材很新鲜，五星好评，强烈推荐大家来买"] * 5 + ["asdfghjkl qwrtzpsdf", "送餐太慢了"]})
>>> suspicious_feedback(df).flags["reason"].tolist()
['copied_text_burst', 'copied_text_burst', 'copied_text_burst', 'copied_text_burst', 'copied_text_burst', 'gibberish', '']
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
from scipy import stats

from fbresearch.analyses.kpis.scores import proportion
from fbresearch.analyses.triage.minhash import (
    minhash_signatures,
    near_duplicate_groups,
    shingle_hashes,
)
from fbresearch.analyses.triage.results import SuspiciousResult
from fbresearch.errors import AnalysisError, FeedbackDataError

__all__ = [
    "suspicious_feedback",
    "SuspiciousResult",
    "minhash_signatures",
    "near_duplicate_groups",
    "shingle_hashes",
    "REASONS",
]

#: Reasons a response can be flagged, with the sentence a reader sees.
REASONS = {
    "copied_text_burst": "the same or nearly the same text from many different customers within a "
    "short window",
    "near_duplicate": "a long text nearly identical to another customer's",
    "customer_burst": "one customer (or source) sent many responses within a short window",
    "gibberish": "no real words (symbols only, one character repeated, or keyboard mashing)",
    "template_only": "only a placeholder or boilerplate phrase (e.g. 系统默认好评, five stars)",
}

#: Placeholder and boilerplate texts that carry no feedback (compared after normalizing).
TEMPLATES = (
    "好评",
    "五星好评",
    "默认好评",
    "系统默认好评",
    "此用户没有填写评价",
    "此用户未填写评价",
    "此用户未填写评价内容",
    "用户未填写评价",
    "满分好评",
    "好评好评",
    "五星",
    "默认评价",
    "five stars",
    "5 stars",
    "default review",
    "no comment",
    "n a",
    "na",
    "nil",
    "test",
)

_UNIT = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|[a-z0-9]+")
_LATIN_WORD = re.compile(r"[a-z]{6,}")
_VOWELS = re.compile(r"[aeiouy]")


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def _units(texts: pd.Series) -> pd.Series:
    """Lower-cased units of each text: CJK characters and Latin/digit words (pandas findall)."""
    return texts.str.lower().str.findall(_UNIT.pattern)


def _window_counts(
    group: np.ndarray, seconds: np.ndarray, who: np.ndarray | None, window: float
) -> np.ndarray:
    """For each row: rows of the same group within ``window`` seconds either side (itself
    included); with ``who``, distinct values of ``who`` among them."""
    order = np.lexsort((seconds, group))
    g, t = group[order], seconds[order]
    out = np.zeros(len(group), np.int64)
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    ends = np.r_[starts[1:], len(g)]
    for lo, hi in zip(starts, ends, strict=True):
        if hi - lo == 1:
            out[order[lo]] = 1
            continue
        tt = t[lo:hi]
        left = np.searchsorted(tt, tt - window, side="left")
        right = np.searchsorted(tt, tt + window, side="right")
        if who is None:
            out[order[lo:hi]] = right - left
        else:
            w = who[order[lo:hi]]
            out[order[lo:hi]] = [len(set(w[a:b])) for a, b in zip(left, right, strict=True)]
    return out


def _gibberish(texts: pd.Series, units: pd.Series) -> np.ndarray:
    visible = texts.str.replace(r"\s+", "", regex=True)
    length = visible.str.len().fillna(0).to_numpy()
    n_units = units.map(len).to_numpy()
    no_words = (length >= 3) & (n_units == 0)
    repeated = (length >= 6) & visible.str.fullmatch(r"(.)\1{5,}").fillna(False).to_numpy(
        dtype=bool
    )
    latin = texts.str.lower().str.findall(_LATIN_WORD.pattern)
    mash = latin.map(
        lambda ws: (
            len(ws) > 0
            and sum(
                not _VOWELS.search(w[1:-1] or w) or bool(re.search(r"[^aeiouy]{6,}", w)) for w in ws
            )
            / len(ws)
            >= 0.5
        )
    )
    only_latin = n_units == latin.map(len).to_numpy()
    return no_words | repeated | (mash.to_numpy(dtype=bool) & only_latin & (n_units > 0))


def _template(units: pd.Series, templates: tuple[str, ...]) -> np.ndarray:
    norm = {" ".join(_UNIT.findall(t.lower())) for t in templates}
    norm |= {"".join(_UNIT.findall(t.lower())) for t in templates}
    joined = units.map(lambda u: " ".join(u)).to_numpy(dtype=object)
    joined_cjk = units.map(lambda u: "".join(u)).to_numpy(dtype=object)
    return np.array(
        [(a in norm or b in norm) and a != "" for a, b in zip(joined, joined_cjk, strict=True)],
        dtype=bool,
    )


def suspicious_feedback(
    frame: pd.DataFrame,
    *,
    text: str = "text",
    customer: str | None = "customer_id",
    time: str | None = "submitted_at",
    source: str | None = None,
    threshold: float = 0.5,
    num_perm: int = 64,
    ngram: int = 2,
    min_customers: int = 5,
    window_hours: float = 24,
    burst_p: float = 1e-6,
    long_text_units: int = 60,
    burst_count: int = 4,
    burst_hours: float = 1,
    templates: tuple[str, ...] = TEMPLATES,
    exclude: bool = False,
    seed: int = 1,
    confidence: float = 0.95,
) -> SuspiciousResult:
    """Flag near-duplicate bursts, per-customer bursts, gibberish and template-only texts.

    Reasons (a response can have several):

    * ``copied_text_burst``: its text is a near-duplicate (MinHash + LSH, estimated Jaccard of
      ``ngram``-unit shingles at least ``threshold``) of texts from at least ``min_customers`` different
      customers within ``window_hours`` either side (texts are linked only to similar texts
      sent within that window, so common short texts spread over months do not chain into one
      group), **and** that many is far more than the text's usual rate would bring into such a
      window (Poisson tail probability below ``burst_p``, given how often the same text
      appears over the whole data, when the data spans ten windows or more): a coordinated
      batch. The rate check keeps stock phrases
      that many customers write every day ("送餐很快", "Delivery was late again.") from being
      called a batch in large data;
    * ``near_duplicate``: a long text (``long_text_units`` characters or words or more) nearly
      identical to another customer's at any time: long texts do not repeat by chance, while
      short ones ("Delivery was late again.") do;
    * ``customer_burst``: ``burst_count`` or more responses from one customer (or ``source``)
      within ``burst_hours`` either side;
    * ``gibberish``: no letters or Chinese characters, one character repeated, or mostly
      vowel-less Latin "words" (keyboard mashing);
    * ``template_only``: nothing but a placeholder or boilerplate phrase (``templates``).

    Parameters
    ----------
    frame : DataFrame
        Feedback with ``text``; ``customer`` and ``time`` enable the customer-aware and burst
        checks (without ``customer`` every row counts as a different customer).
    exclude : bool, default False
        Recorded on the result: :meth:`SuspiciousResult.kept` then drops the flagged rows.
    ngram : int, default 2
        Units per shingle. Two, not three: jieba-free character bigrams are the usual unit for
        short Chinese texts, and on the sample's planted batch (one template with five varied
        slots) three-unit shingles linked only 92-96% of the batch, two-unit ones all of it.
    seed : int
        Seed of the MinHash permutations (datasketch's default is 1).
    confidence : float, default 0.95
        Confidence level of the shares' Wilson intervals.

    Returns
    -------
    SuspiciousResult
    """
    if not isinstance(frame, pd.DataFrame):
        raise FeedbackDataError("suspicious_feedback needs a DataFrame of feedback")
    if text not in frame.columns:
        raise AnalysisError(
            f"column {text!r} (the verbatim) is not in the data, so texts cannot be "
            f"screened. Fix: map your text column to {text!r} in params columns:."
        )
    if not 0 < threshold <= 1:
        raise AnalysisError(f"threshold must be in (0, 1]; got {threshold!r}.")
    n = len(frame)
    notes: list[str] = []
    per_text = _per_text(frame[text], ngram, num_perm, seed, tuple(templates))
    sig, has_text = per_text["signatures"], per_text["has_text"]
    group = near_duplicate_groups(sig, threshold, has_text=has_text)
    size = np.bincount(group, minlength=n)[group]
    codes = _customer_codes(frame, customer, notes)
    # near-duplicate of another customer's text
    distinct = pd.Series(codes).groupby(group).transform("nunique").to_numpy()
    near_dup = has_text & (size > 1) & (distinct > 1)
    seconds = _seconds(frame, time, notes)
    reasons: dict[str, np.ndarray] = {}
    if seconds is not None:
        ok = ~np.isnan(seconds)
        sec = np.where(ok, seconds, -1e18)
        reasons["copied_text_burst"] = _copied_text_burst(
            sig,
            threshold,
            has_text,
            near_dup & ok,
            size,
            codes,
            sec,
            ok,
            window=window_hours * 3600,
            min_customers=min_customers,
            burst_p=burst_p,
        )
        keys = [codes] if customer and customer in frame.columns else []
        if source and source in frame.columns:
            keys.append(pd.factorize(frame[source].astype("object"))[0])
        reasons["customer_burst"] = _customer_burst(keys, sec, ok, burst_hours * 3600, burst_count)
    else:
        reasons["copied_text_burst"] = np.zeros(n, bool)
        reasons["customer_burst"] = np.zeros(n, bool)
    reasons["near_duplicate"] = near_dup & (per_text["n_units"] >= long_text_units)
    reasons["gibberish"] = per_text["gibberish"]
    reasons["template_only"] = per_text["template_only"]
    suspicious, flags = _flags(reasons, group, size, near_dup, frame.index)
    nd_share = float(near_dup.sum() / has_text.sum()) if has_text.any() else math.nan
    return SuspiciousResult(
        table=_reason_table(reasons, n, confidence),
        flags=flags,
        flagged=proportion(int(suspicious.sum()), n, confidence, name="flagged as suspicious"),
        near_duplicate_share=nd_share,
        exclude=bool(exclude),
        notes=tuple(notes),
        confidence=confidence,
    )


# --------------------------------------------------------------------------- steps


def _per_text(
    values: pd.Series, ngram: int, num_perm: int, seed: int, templates: tuple[str, ...]
) -> dict[str, np.ndarray]:
    """Units, gibberish, template and MinHash signature of each row's text.

    Every per-text step runs once per distinct text and is spread back to the rows: the same
    flags as per row, while a million responses repeating short texts need a fraction of the
    time and memory (a list of one-character units per row would take gigabytes). Missing
    texts count as "".
    """
    which, distinct_texts = pd.factorize(values, use_na_sentinel=False)
    texts_u = pd.Series(["" if _missing(v) else str(v) for v in distinct_texts], dtype="object")
    units_u = _units(texts_u)
    n_units = units_u.map(len).to_numpy(dtype=np.int64)[which]
    gibberish = _gibberish(texts_u, units_u)[which]
    template_only = _template(units_u, templates)[which]
    doc, hashes = shingle_hashes(units_u, ngram)
    del units_u  # the largest intermediate: not needed for the grouping below
    sig = minhash_signatures(doc, hashes, len(texts_u), num_perm=num_perm, seed=seed)
    del doc, hashes
    # values are below 2**32: 32 bits halve the row-level copy (256 MiB per million rows)
    return {
        "n_units": n_units,
        "has_text": n_units > 0,
        "gibberish": gibberish,
        "template_only": template_only,
        "signatures": sig.astype(np.uint32)[which],
    }


def _customer_codes(frame: pd.DataFrame, customer: str | None, notes: list[str]) -> np.ndarray:
    """An integer code per row for its customer (every row its own without the column)."""
    n = len(frame)
    who = (
        frame[customer].astype("object").fillna("(missing)").to_numpy()
        if customer and customer in frame.columns
        else np.arange(n).astype(object)
    )
    if customer and customer not in frame.columns:
        notes.append(
            "Without a customer identifier, every response is treated as a different customer."
        )
    return pd.factorize(who)[0]


def _seconds(frame: pd.DataFrame, time: str | None, notes: list[str]) -> np.ndarray | None:
    """Submission times in seconds since 1970 (UTC; NaN where unreadable); None without them."""
    if not (time and time in frame.columns):
        notes.append("Without submission times, bursts cannot be checked.")
        return None
    if "wave" in frame.columns:  # dated to their survey wave's month (params `wave`): no times
        notes.append(
            "The data carries survey waves, not submission times: bursts cannot be checked."
        )
        return None
    stamps = pd.to_datetime(frame[time], errors="coerce")
    if isinstance(stamps.dtype, pd.DatetimeTZDtype):
        stamps = stamps.dt.tz_convert("UTC").dt.tz_localize(None)
    return ((stamps - pd.Timestamp("1970-01-01")).dt.total_seconds()).to_numpy(
        dtype=float, na_value=np.nan
    )


def _copied_text_burst(
    sig: np.ndarray,
    threshold: float,
    has_text: np.ndarray,
    cand: np.ndarray,
    size: np.ndarray,
    codes: np.ndarray,
    sec: np.ndarray,
    ok: np.ndarray,
    *,
    window: float,
    min_customers: int,
    burst_p: float,
) -> np.ndarray:
    """Rows whose near-duplicates came from ``min_customers``+ customers within ``window``
    seconds either side, far more than the text's usual rate would bring (see
    :func:`suspicious_feedback`)."""
    n = len(sig)
    burst = np.zeros(n, bool)
    if not cand.any():
        return burst
    local = near_duplicate_groups(
        sig, threshold, has_text=has_text & ok, seconds=sec, window=window
    )
    idx = np.flatnonzero(cand & (np.bincount(local, minlength=n)[local] >= min_customers))
    if not len(idx):
        return burst
    counts = _window_counts(local[idx], sec[idx], codes[idx], window)
    # the text's usual number of customers in a window this long, from its frequency over the
    # whole data (``size``: its near-duplicate group over all time); data spanning fewer than
    # ten windows has no usual rate to compare with
    span = float(np.ptp(sec[ok]))
    unusual = True
    if span >= 10 * 2 * window:
        usual = size[idx] * (2 * window / span)
        unusual = stats.poisson.sf(counts - 1, usual) < burst_p
    burst[idx] = (counts >= min_customers) & unusual
    return burst


def _customer_burst(
    keys: list[np.ndarray], sec: np.ndarray, ok: np.ndarray, window: float, count: int
) -> np.ndarray:
    """Rows with ``count``+ rows of the same key (customer, source) within ``window`` seconds."""
    cb = np.zeros(len(sec), bool)
    for k in keys:
        counts = _window_counts(np.where(ok, k, -1), sec, None, window)
        cb |= ok & (counts >= count)
    return cb


def _flags(
    reasons: dict[str, np.ndarray],
    group: np.ndarray,
    size: np.ndarray,
    near_dup: np.ndarray,
    index: pd.Index,
) -> tuple[np.ndarray, pd.DataFrame]:
    """Whether each row is suspicious, and the per-row flags table."""
    order = list(REASONS)
    matrix = np.column_stack([reasons[r] for r in order])
    reason_text = np.array(
        [", ".join(r for r, f in zip(order, row, strict=True) if f) for row in matrix], dtype=object
    )
    suspicious = matrix.any(axis=1)
    flags = pd.DataFrame(
        {
            "suspicious": suspicious,
            "reason": reason_text,
            "group": group,
            "group_size": size,
            "near_duplicate": near_dup,
        },
        index=index,
    )
    return suspicious, flags


def _reason_table(reasons: dict[str, np.ndarray], n: int, confidence: float) -> pd.DataFrame:
    """One row per reason: responses flagged and their share of all responses (Wilson CI)."""
    rows = []
    for r in REASONS:
        k = int(reasons[r].sum())
        e = proportion(k, n, confidence)
        rows.append((r, REASONS[r], k, e.estimate, e.ci_low, e.ci_high))
    table = pd.DataFrame(
        rows, columns=["reason", "meaning", "responses", "estimate", "ci_low", "ci_high"]
    )
    table["unit"] = "share"
    table["confidence"] = confidence  # the display names the level of the intervals from it
    return table
