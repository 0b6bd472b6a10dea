"""Language of bilingual (Chinese/English) feedback texts, by script share.

Examples
--------
>>> from fbresearch.text.language import detect_language
>>> detect_language(["送餐很快，味道不错", "The app keeps crashing", "👍 123"]).tolist()
['zh', 'en', 'other']
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from fbresearch.errors import FeedbackDataError

__all__ = ["detect_language"]

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RE_TAG = re.compile(r"<[^>]{0,500}>")
_RE_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'，。！？、）)]+", re.IGNORECASE)


def _as_series(texts: Any, name: str = "texts") -> pd.Series:
    """Texts as a string Series (missing -> ""), keeping a Series' index."""
    if isinstance(texts, str):
        raise FeedbackDataError(
            f"{name} must be a list or Series of texts, not one string",
            fix=f"wrap it in a list: [{texts[:20]!r}].",
        )
    series = texts if isinstance(texts, pd.Series) else pd.Series(list(texts), dtype="object")
    return series.astype("object").where(series.notna(), "").astype(str).astype("string")


def detect_language(texts: Iterable[str] | pd.Series) -> pd.Series:
    """Language of each text by script share: ``"zh"``, ``"en"`` or ``"other"``.

    A text is Chinese when its CJK characters are at least a third as many as its Latin letters
    (one Chinese character carries about as much as a short English word, so mixed texts such as
    "iPhone 屏幕太暗" count as Chinese), English when it has Latin letters and fewer CJK
    characters, and ``"other"`` when it has neither (empty, digits, emoji). HTML tags and URLs
    are ignored. Vectorized with pandas string methods: about a second per million short texts.

    Parameters
    ----------
    texts : list or Series of str
        Missing values count as empty texts.

    Returns
    -------
    Series of str
        Aligned to ``texts`` (a Series keeps its index).

    Examples
    --------
    >>> texts = ["iPhone 屏幕太暗", "Great 服务 and fast delivery", "<p>😀</p>", None]
    >>> detect_language(texts).tolist()
    ['zh', 'en', 'other', 'other']
    """
    s = _as_series(texts)
    s = s.str.replace(_RE_TAG.pattern, " ", regex=True)
    s = s.str.replace(_RE_URL.pattern, " ", regex=True)
    cjk = s.str.count(f"[{_CJK}]").fillna(0).to_numpy(dtype=float)
    latin = s.str.count("[A-Za-z]").fillna(0).to_numpy(dtype=float)
    out = np.where((cjk > 0) & (cjk * 3 >= latin), "zh", np.where(latin > 0, "en", "other"))
    return pd.Series(out, index=s.index, dtype="object", name="language")
