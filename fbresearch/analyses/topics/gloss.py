"""English glosses of Chinese topic words, so that a reader without Chinese can follow a topic.

The glosses are a hand-written list of words common in customer feedback
(``resources/gloss_zh_en.txt``): a machine dictionary gives the wrong sense too often for a
label (CC-CEDICT's first sense of 骑手, a delivery rider, is "horse rider"). A word not in
the list is left untranslated, never guessed.

Examples
--------
>>> english_gloss(["配送", "太慢", "小时"])
'delivery / too slow / hours'
>>> english_gloss(["退款", "某某"])  # a word not in the list stays as written
'refund / 某某'
>>> english_gloss(["某某"]) is None  # nothing known: no gloss
True
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from importlib import resources

__all__ = ["english_gloss", "glossary"]


@cache
def glossary() -> dict[str, str]:
    """The Chinese word -> English gloss list (``resources/gloss_zh_en.txt``)."""
    path = resources.files("fbresearch") / "resources" / "gloss_zh_en.txt"
    out: dict[str, str] = {}
    for line in path.read_text("utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        word, gloss = line.split("\t", 1)
        out[word.strip()] = gloss.strip()
    return out


def english_gloss(words: Sequence[str]) -> str | None:
    """The words' glosses joined by " / " (an unknown word as written); None if none is known.

    A phrase of joined words (``价格_公道``) is looked up whole, then word by word.
    """
    known = glossary()
    out, found = [], False
    for word in words:
        whole = word.replace("_", "")
        if whole in known:
            out.append(known[whole])
            found = True
            continue
        parts = [known.get(p) for p in word.split("_")]
        if len(parts) > 1 and all(parts):
            out.append(" ".join(p for p in parts if p))
            found = True
        else:
            out.append(whole)
    return " / ".join(out) if found else None
