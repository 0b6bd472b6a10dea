"""Near-duplicate texts on Dask: MinHash signatures per partition, then the LSH band shuffle.

The steps of :func:`fbresearch.analyses.triage.minhash.near_duplicate_groups`, spread over the
cluster so that no machine holds every signature:

1. each partition's signatures, by the per-row code of
   :func:`fbresearch.analyses.triage.suspicious.suspicious_feedback` (units, shingles, MinHash),
   stay on their worker;
2. every text's band keys (one per LSH band) are shuffled by key into ``shards`` buckets, so
   the texts of an LSH bucket meet on one worker, which pairs each with the bucket's first
   text (by row), as the numpy banding does;
3. each candidate pair is checked where the two signatures lie (the share of equal values must
   reach ``threshold``), and only the pairs that pass come back, to be joined into groups.

The groups are those of the one-machine code on the whole data, whatever the partitioning: the
same pairs are found and checked, and connected components number the groups by their first
row. Analyses sit above engines, so their per-row code is imported where it is used.

Examples
--------
>>> df = pd.DataFrame({"text": ["the parcel arrived broken and late"] * 2 + ["great app"]})
>>> groups = near_duplicates(df)
>>> bool(groups[0] == groups[1]), bool(groups[0] == groups[2])
(True, False)
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np
import pandas as pd

from fbresearch.engines.dask_engine import DaskScan, text_column
from fbresearch.errors import AnalysisError

__all__ = ["near_duplicates", "band_keys", "bucket_pairs"]

_PRIME = np.uint64(0x100000001B3)


def _signatures(frame: pd.DataFrame, column: str, ngram: int, num_perm: int, seed: int):
    """(signatures as uint32, has text) of each row: suspicious_feedback's own code."""
    from fbresearch.analyses.triage.suspicious import _per_text

    per_text = _per_text(frame[column], ngram, num_perm, seed, ())
    return per_text["signatures"], per_text["has_text"]


def band_keys(signatures: np.ndarray, bands: int) -> np.ndarray:
    """One 64-bit key per text and LSH band (bands x texts), as ``near_duplicate_groups``
    makes them.

    Examples
    --------
    >>> band_keys(np.array([[1, 2, 3, 4], [1, 2, 9, 9]], np.uint32), 2)[0].tolist()
    [1099511628213, 1099511628213]
    """
    rows_per = signatures.shape[1] // bands
    keys = np.zeros((bands, len(signatures)), np.uint64)
    with np.errstate(over="ignore"):
        for band in range(bands):
            part = signatures[:, band * rows_per : (band + 1) * rows_per]
            for r in range(rows_per):
                keys[band] = keys[band] * _PRIME + part[:, r]
    return keys


def _shard_keys(sig: tuple[np.ndarray, np.ndarray], offset: int, bands: int, shards: int):
    """The (band, key, row) records of a partition's texts, split into ``shards`` by key."""
    signatures, has_text = sig
    rows = np.flatnonzero(has_text)
    keys = band_keys(signatures[rows], bands)
    band = np.repeat(np.arange(bands, dtype=np.int64), len(rows))
    key, row = keys.ravel(), np.tile(rows + offset, bands).astype(np.int64)
    shard = (key % np.uint64(shards)).astype(np.int64)
    return tuple((band[shard == s], key[shard == s], row[shard == s]) for s in range(shards))


def bucket_pairs(*pieces: tuple[np.ndarray, np.ndarray, np.ndarray]) -> np.ndarray:
    """Candidate pairs of one shard: in each (band, key) bucket, its first row with each other.

    Examples
    --------
    >>> piece = (np.array([0, 0, 0, 1]), np.array([7, 7, 7, 7], np.uint64), np.array([5, 2, 9, 5]))
    >>> bucket_pairs(piece).tolist()
    [[2, 5], [2, 9]]
    """
    band = np.concatenate([p[0] for p in pieces])
    key = np.concatenate([p[1] for p in pieces])
    row = np.concatenate([p[2] for p in pieces])
    if len(row) == 0:
        return np.zeros((0, 2), np.int64)
    order = np.lexsort((row, key, band))
    band, key, row = band[order], key[order], row[order]
    first = np.r_[True, (band[1:] != band[:-1]) | (key[1:] != key[:-1])]
    head = np.maximum.accumulate(np.where(first, np.arange(len(row)), 0))
    pairs = np.stack([row[head[~first]], row[~first]], axis=1)
    return np.unique(pairs, axis=0) if len(pairs) else np.zeros((0, 2), np.int64)


def _agree(sig_a: tuple, sig_b: tuple, pairs: np.ndarray, offsets: tuple[int, int],
           threshold: float) -> np.ndarray:  # fmt: skip
    """Which of ``pairs`` (rows of partitions a and b) agree on ``threshold`` of their values."""
    left = sig_a[0][pairs[:, 0] - offsets[0]]
    right = sig_b[0][pairs[:, 1] - offsets[1]]
    return (left == right).mean(axis=1) >= threshold


def _groups(pairs: np.ndarray, n: int) -> np.ndarray:
    """Connected groups of ``n`` rows linked by ``pairs``; ids as ``near_duplicate_groups``'."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    s, d = pairs[:, 0], pairs[:, 1]
    graph = coo_matrix((np.ones(len(s), np.int8), (s, d)), shape=(n, n))
    return connected_components(graph, directed=False)[1].astype(np.int64)


def near_duplicates(
    data: Any,
    column: str = "text",
    *,
    threshold: float = 0.5,
    num_perm: int = 64,
    ngram: int = 2,
    seed: int = 1,
    bands: int | None = None,
) -> np.ndarray:
    """A near-duplicate group id per row (rows in no group have their own id, their position).

    The defaults are those of ``suspicious_feedback``. ``data`` is a Dask scan (the band
    shuffle on its workers), another engine's scan or a DataFrame (the numpy code on the whole).

    Returns
    -------
    ndarray of int64
        One id per row, in the order of the scan's ``to_frame()``.
    """
    from fbresearch.analyses.triage.minhash import near_duplicate_groups

    text_column(data, column)
    if not 0 < threshold <= 1:
        raise AnalysisError(f"threshold must be in (0, 1]; got {threshold!r}.")
    bands = bands or num_perm // 4
    if not isinstance(data, DaskScan):
        frame = data if isinstance(data, pd.DataFrame) else data.to_frame()
        sig, has_text = _signatures(frame, column, ngram, num_perm, seed)
        return near_duplicate_groups(sig, threshold, bands=bands, has_text=has_text)
    return _shuffled_groups(data, column, threshold, num_perm, ngram, seed, bands)


def _shuffled_groups(scan: DaskScan, column: str, threshold: float, num_perm: int,
                     ngram: int, seed: int, bands: int) -> np.ndarray:  # fmt: skip
    """The three steps of the module docstring on the scan's cluster."""
    import dask

    client = scan.client
    make = dask.delayed(_signatures, pure=True)
    sigs = client.compute([make(p, column, ngram, num_perm, seed) for p in scan.parts])
    lengths = client.gather([client.submit(_length, s) for s in sigs])
    offsets = np.r_[0, np.cumsum(lengths)].astype(np.int64)
    shards = max(1, len(sigs))
    keyed = [
        client.submit(_shard_keys, s, int(o), bands, shards)
        for s, o in zip(sigs, offsets[:-1], strict=True)
    ]
    pieces = [[client.submit(operator.getitem, k, j) for k in keyed] for j in range(shards)]
    found = client.gather([client.submit(bucket_pairs, *p) for p in pieces])
    pairs = np.unique(np.concatenate(found), axis=0) if found else np.zeros((0, 2), np.int64)
    part_of = np.searchsorted(offsets, pairs, side="right") - 1
    checks, subsets = [], []
    for a, b in sorted(set(map(tuple, part_of.tolist()))):
        subset = pairs[(part_of[:, 0] == a) & (part_of[:, 1] == b)]
        offs = (int(offsets[a]), int(offsets[b]))
        checks.append(client.submit(_agree, sigs[a], sigs[b], subset, offs, threshold))
        subsets.append(subset)
    kept = [s[ok] for s, ok in zip(subsets, client.gather(checks), strict=True)]
    linked = np.concatenate(kept) if kept else np.zeros((0, 2), np.int64)
    return _groups(linked, int(offsets[-1]))


def _length(sig: tuple[np.ndarray, np.ndarray]) -> int:
    return len(sig[1])
