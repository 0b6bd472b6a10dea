"""Triage benchmarks: categorization and near-duplicate screening of 1,000,000 texts (targets:
under 2 minutes each on 2 cores), and the default taxonomy and screen on the real reviews in
../shared/data (share categorized, share near-duplicate).

Tokenizing (jieba, the text step) is timed on its own line, on two worker processes;
categorizing then reuses those tokens. Near-duplicate screening (MinHash, 64 permutations,
2-unit shingles, LSH with 16 bands) needs no tokenizer. ``FB_BENCH_N`` sets the number of texts.

Run: ``.venv/bin/python tests/benchmarks/bench_triage.py`` (``make bench`` runs it too).
"""

from __future__ import annotations

import os
import sys
from multiprocessing import get_context
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _measure import SHARED_DATA, measure  # noqa: E402

from fbresearch.analyses.triage.categorize import categorize, load_taxonomy  # noqa: E402
from fbresearch.analyses.triage.config import _is_latin  # noqa: E402
from fbresearch.analyses.triage.suspicious import suspicious_feedback  # noqa: E402
from fbresearch.text.tokenize import tokenize  # noqa: E402

N = int(os.environ.get("FB_BENCH_N", 1_000_000))


def _user_words() -> tuple[str, ...]:
    tax = load_taxonomy()
    return tuple(sorted({w for ws in tax.words.values() for w in ws if not _is_latin(w)}))


def _tokenize_chunk(texts: list[str]) -> list[list[str]]:
    return tokenize(texts, user_dict=_user_words())


def tokenize_parallel(texts: pd.Series, workers: int = 2) -> list[list[str]]:
    chunks = np.array_split(np.arange(len(texts)), workers * 8)
    parts = [texts.iloc[c].tolist() for c in chunks]
    with get_context("fork").Pool(workers) as pool:
        out = pool.map(_tokenize_chunk, parts)
    return [t for part in out for t in part]


def real_reviews() -> None:
    for name in ("waimai_10k.csv", "ChnSentiCorp_htl_all.csv"):
        path = SHARED_DATA / name
        if not path.exists():
            print(f"{name}: not found at {SHARED_DATA}, skipped")
            continue
        reviews = pd.read_csv(path)["review"]
        with measure(f"{name}: categorize {len(reviews):,} real reviews") as m:
            r = categorize(reviews)
            m["categorized"] = f"{1 - r.uncategorized.estimate:.1%}"
        with measure(f"{name}: near-duplicate screening of {len(reviews):,} real reviews") as m:
            s = suspicious_feedback(pd.DataFrame({"text": reviews}))
            m["near-duplicate"] = f"{s.near_duplicate_share:.1%}"
            m["flagged"] = f"{s.flagged.estimate:.1%}"


def million() -> None:
    from fbresearch.io.sample import sample_data

    with measure(f"generate {N:,} sample responses"):
        feedback = sample_data(N, seed=0).feedback
    texts = feedback["text"]
    with measure(f"tokenize {N:,} texts (jieba, 2 processes)"):
        tokens = tokenize_parallel(texts)
    with measure(f"categorize {N:,} texts reusing the tokens", target="120 s") as m:
        r = categorize(texts, tokens=tokens)
        m["categorized"] = f"{1 - r.uncategorized.estimate:.1%}"
    del tokens
    with measure(f"near-duplicate and burst screening of {N:,} texts", target="120 s") as m:
        s = suspicious_feedback(feedback)
        m["flagged"] = f"{s.flagged.estimate:.2%}"


if __name__ == "__main__":
    real_reviews()
    million()
