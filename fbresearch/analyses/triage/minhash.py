"""Near-duplicate texts at scale: shingles, MinHash signatures and LSH banding, vectorized.

Each text becomes a set of shingles (runs of units, a unit being a Chinese character or a Latin
word), the set's MinHash signature estimates Jaccard similarity, and LSH bands put similar
signatures in the same bucket. Used by :func:`fbresearch.analyses.triage.suspicious.suspicious_feedback`.

Examples
--------
>>> doc, h = shingle_hashes(pd.Series([["a", "b", "c"], ["a", "b", "c"], ["x", "y", "z"]]))
>>> sig = minhash_signatures(doc, h, 3, num_perm=16)
>>> groups = near_duplicate_groups(sig)
>>> bool(groups[0] == groups[1]), bool(groups[0] == groups[2])
(True, False)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["shingle_hashes", "minhash_signatures", "near_duplicate_groups", "MAX_HASH"]

_MERSENNE = np.uint64((1 << 61) - 1)
#: Signature values are kept below 2**32; a text without shingles has this value everywhere.
MAX_HASH = np.uint64((1 << 32) - 1)
_MAX_HASH = MAX_HASH


def shingle_hashes(units: pd.Series, ngram: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """32-bit hashes of each text's shingles (``ngram`` consecutive units), vectorized.

    Units are hashed once with pandas' vectorized SipHash (``pd.util.hash_array``, fixed key:
    the same on every run and machine), then combined into shingle hashes with numpy over the
    flat array of all units. A text shorter than ``ngram`` units is one shingle; an empty one has
    none.

    Returns
    -------
    doc : ndarray of int64
        The text (row position) of each shingle, sorted.
    hashes : ndarray of uint64
        The shingle hashes (values below 2**32).

    Examples
    --------
    >>> doc, h = shingle_hashes(pd.Series([["a", "b", "c", "d"], ["x"], []]))
    >>> doc.tolist(), bool((h < 2**32).all())
    ([0, 0, 1], True)
    """
    lengths = units.map(len).to_numpy(dtype=np.int64)
    flat = np.array([u for row in units for u in row], dtype=object)
    if flat.size == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.uint64)
    h = pd.util.hash_array(flat)  # uint64
    doc = np.repeat(np.arange(len(lengths)), lengths)
    starts = np.r_[0, np.cumsum(lengths)[:-1]]
    combined = h.copy()
    with np.errstate(over="ignore"):
        for k in range(1, ngram):  # polynomial combination of the next k units (wraps mod 2**64)
            nxt = np.r_[h[k:], np.zeros(k, np.uint64)]
            combined = combined * np.uint64(1_000_003) + nxt
    pos = np.arange(flat.size) - starts[doc]
    n_sh = np.maximum(lengths - ngram + 1, np.minimum(lengths, 1))
    keep = pos < n_sh[doc]
    # a text shorter than ngram: one shingle of all its units
    short = lengths[doc] < ngram
    if short.any():
        with np.errstate(over="ignore"):
            acc = np.zeros(len(lengths), np.uint64)
            for k in range(ngram):
                idx = starts + k
                has = (lengths > k) & (lengths < ngram)
                acc[has] = acc[has] * np.uint64(1_000_003) + h[idx[has]]
        combined = combined.copy()
        first_short = keep & short
        combined[first_short] = acc[doc[first_short]]
    hashes = (combined[keep] ^ (combined[keep] >> np.uint64(32))) & _MAX_HASH
    return doc[keep], hashes


def _permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The (a, b) of datasketch's MinHash (``scheme="legacy"``) for ``seed``."""
    gen = np.random.RandomState(seed)
    perm = np.array(
        [
            (gen.randint(1, _MERSENNE, dtype=np.uint64), gen.randint(0, _MERSENNE, dtype=np.uint64))
            for _ in range(num_perm)
        ],
        dtype=np.uint64,
    ).T
    return perm[0], perm[1]


def minhash_signatures(
    doc: np.ndarray,
    hashes: np.ndarray,
    n_docs: int,
    num_perm: int = 64,
    seed: int = 1,
    chunk: int = 250_000,
) -> np.ndarray:
    """MinHash signatures (n_docs x num_perm, uint64) from shingle hashes, vectorized.

    The same universal hashing as ``datasketch.MinHash(scheme="legacy")`` (``(a * h + b) mod
    (2**61 - 1)``, kept to 32 bits, the same ``a``, ``b`` for the same seed), computed for all shingles at once in
    chunks and reduced per text with ``numpy.minimum.reduceat``: datasketch updates one text at
    a time in Python, which costs minutes per million texts. Texts without shingles get the
    maximum value everywhere (they match nothing).

    Examples
    --------
    >>> sig = minhash_signatures(np.array([0, 0, 1]), np.array([5, 9, 5], dtype=np.uint64), 3, num_perm=4)
    >>> sig.shape, bool((sig[2] == 2**32 - 1).all())
    ((3, 4), True)
    """
    a, b = _permutations(num_perm, seed)
    sig = np.full((n_docs, num_perm), _MAX_HASH, dtype=np.uint64)
    if len(doc) == 0:
        return sig
    for lo in range(0, len(doc), chunk):
        d = doc[lo : lo + chunk]
        h = hashes[lo : lo + chunk]
        with np.errstate(over="ignore"):
            ph = np.bitwise_and((h[:, None] * a[None, :] + b[None, :]) % _MERSENNE, _MAX_HASH)
        starts = np.flatnonzero(np.r_[True, d[1:] != d[:-1]])
        mins = np.minimum.reduceat(ph, starts, axis=0)
        rows = d[starts]
        sig[rows] = np.minimum(sig[rows], mins)
    return sig


def near_duplicate_groups(
    signatures: np.ndarray,
    threshold: float = 0.5,
    bands: int | None = None,
    has_text: np.ndarray | None = None,
    seconds: np.ndarray | None = None,
    window: float | None = None,
) -> np.ndarray:
    """Group texts whose MinHash signatures collide in an LSH band and agree on at least
    ``threshold`` of their values (estimated Jaccard); connected groups share one id.

    With ``seconds`` and ``window``, texts are linked only to the previous text of their
    bucket in time and only when it came at most ``window`` seconds earlier: groups are then
    local in time, so common short texts spread over months do not chain into one giant group
    that swallows a burst.

    Banding is done with numpy (a sort per band) rather than ``datasketch.MinHashLSH``, whose
    per-text Python inserts and queries take minutes per million texts. With 64 permutations the
    default is 16 bands of 4 rows: the collision probability passes one half near a Jaccard
    similarity of (1/16)^(1/4) = 0.5. Candidate pairs are then checked against ``threshold``.

    Returns
    -------
    ndarray of int64
        A group id per text; texts in no group have their own id (their row position).
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n, num_perm = signatures.shape
    if bands is None:
        bands = num_perm // 4
    rows_per = num_perm // bands
    valid = np.ones(n, bool) if has_text is None else has_text
    idx_valid = np.flatnonzero(valid)
    src, dst = [], []
    for band in range(bands):
        part = signatures[idx_valid, band * rows_per : (band + 1) * rows_per]
        key = np.zeros(len(idx_valid), np.uint64)
        with np.errstate(over="ignore"):
            for r in range(rows_per):  # one 64-bit key per band (collisions are re-checked below)
                key = key * np.uint64(0x100000001B3) + part[:, r]
        if seconds is None:
            order = np.argsort(key, kind="stable")
            ks = key[order]
            first = np.r_[True, ks[1:] != ks[:-1]]
            head = np.maximum.accumulate(np.where(first, np.arange(len(ks)), 0))
            pair = ~first
            src.append(idx_valid[order[head[pair]]])
        else:
            sec = seconds[idx_valid]
            order = np.lexsort((sec, key))
            ks = key[order]
            pair = np.r_[False, (ks[1:] == ks[:-1]) & (np.diff(sec[order]) <= window)]
            src.append(idx_valid[order[np.flatnonzero(pair) - 1]])
        dst.append(idx_valid[order[pair]])
    s = np.concatenate(src) if src else np.zeros(0, np.int64)
    d = np.concatenate(dst) if dst else np.zeros(0, np.int64)
    if len(s):
        pairs = np.unique(np.stack([s, d], axis=1), axis=0)
        s, d = pairs[:, 0], pairs[:, 1]
        agree = np.empty(len(s))
        step = 100_000  # two 100,000 x num_perm blocks at a time: bounded memory
        for lo in range(0, len(s), step):
            agree[lo : lo + step] = (
                signatures[s[lo : lo + step]] == signatures[d[lo : lo + step]]
            ).mean(axis=1)
        ok = agree >= threshold
        s, d = s[ok], d[ok]
    graph = coo_matrix((np.ones(len(s), np.int8), (s, d)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    return labels.astype(np.int64)
