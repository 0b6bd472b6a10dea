"""Redaction: recall on planted personal strings, non-personal numbers kept, and speed.

Prints the figures of issue 16's acceptance (recall >= 0.99, kept >= 0.98) on the planted
corpus of tests/privacy_corpus.py and the time to redact the built-in sample's 5,000 texts.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from privacy_corpus import measure  # noqa: E402

import fbresearch as fb  # noqa: E402
from fbresearch.privacy import redact  # noqa: E402


def main() -> None:
    figures = measure(redact)
    print(
        f"redaction recall {figures['recall']:.4f} on {figures['personal']} personal strings "
        f"({figures['kinds']} kinds); non-personal numbers kept {figures['kept']:.4f} of "
        f"{figures['non_personal']}"
    )
    if figures["missed"]:
        print("  missed by kind:", dict(Counter(k for k, _ in figures["missed"])))
    if figures["broken"]:
        print("  broken by kind:", dict(Counter(k for k, _, _ in figures["broken"])))
    texts = fb.sample_data(5000).feedback["text"].dropna()
    t0 = time.perf_counter()
    redact(texts)
    seconds = time.perf_counter() - t0
    print(
        f"redact {len(texts):,} sample texts: {seconds:.2f} s ({len(texts) / seconds:,.0f} texts/s)"
    )


if __name__ == "__main__":
    main()
