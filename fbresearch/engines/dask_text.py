"""Tokens and tone of the verbatims, one partition at a time on the Dask workers.

Each partition runs the per-row code as it is (:func:`fbresearch.text.tokenize.tokenize`,
:func:`fbresearch.text.sentiment.sentiment` with the lexicon): every text's tokens and score
depend on that text alone, so the results are the same whatever the partitioning, and the same
as the pandas path. The functions take a Dask scan, any other engine's scan or a DataFrame
(read whole, the pandas path), so one call serves every engine.

Examples
--------
>>> df = pd.DataFrame({"text": ["The courier was LATE", "送餐速度太慢了"]})
>>> text_tokens(df).tolist()
[['courier', 'late'], ['送餐', '速度', '太慢']]
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from fbresearch.engines.dask_engine import joined, per_partition, text_column
from fbresearch.errors import AnalysisError
from fbresearch.text.sentiment import sentiment
from fbresearch.text.tokenize import tokenize

__all__ = ["text_tokens", "text_sentiment"]


def _tokens(frame: pd.DataFrame, column: str, options: dict[str, Any]) -> pd.Series:
    tokens = tokenize(frame[column], **options)
    return pd.Series(tokens, index=frame.index, dtype="object", name="tokens")


def _tone(frame: pd.DataFrame, column: str, language: str, band: float) -> pd.DataFrame:
    if len(frame) == 0:  # sentiment() refuses no texts: its table's columns with no rows
        empty = sentiment(["x"], language=language, method="lexicon").table.iloc[:0]
        return empty.set_axis(frame.index)
    texts = frame[column].reset_index(drop=True)
    table = sentiment(texts, language=language, method="lexicon", neutral_band=band).table
    return table.set_axis(frame.index)


def text_tokens(
    data: Any,
    column: str = "text",
    *,
    language: str = "auto",
    user_dict: str | Iterable[str] | None = None,
    extra_stopwords: Iterable[str] | None = None,
    min_length: int = 2,
    remove_stopwords: bool = True,
) -> pd.Series:
    """Each row's tokens (:func:`fbresearch.text.tokenize.tokenize`), computed per partition.

    Returns
    -------
    Series of lists
        One token list per row, indexed as the scan's ``to_frame()``.
    """
    text_column(data, column)
    if language not in ("auto", "zh", "en"):
        raise AnalysisError(f"language must be 'auto', 'zh' or 'en', not {language!r}.")
    options = {
        "language": language,
        "user_dict": user_dict
        if user_dict is None or isinstance(user_dict, str)
        else list(user_dict),
        "extra_stopwords": None if extra_stopwords is None else list(extra_stopwords),
        "min_length": min_length,
        "remove_stopwords": remove_stopwords,
    }
    return joined(data, per_partition(data, _tokens, column, options))


def text_sentiment(
    data: Any, column: str = "text", *, language: str = "auto", neutral_band: float = 0.0
) -> pd.DataFrame:
    """Each row's lexicon tone (``language``, ``score``, ``sentiment``), computed per partition.

    The lexicon method scores each text alone; the trained method fits one model on every
    labelled text, so it runs on one machine: call :func:`fbresearch.text.sentiment.sentiment`
    on the frame.

    Examples
    --------
    >>> text_sentiment(pd.DataFrame({"text": ["送餐很快，味道很好", "太慢了"]}))["sentiment"].tolist()
    ['positive', 'negative']
    """
    text_column(data, column)
    return joined(data, per_partition(data, _tone, column, language, float(neutral_band)))
