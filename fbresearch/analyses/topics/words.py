"""The named error for texts that leave no words to model, and the check that raises it.

Examples
--------
>>> check_words([["late", "courier"], []])
>>> check_words([[], []])  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
fbresearch.analyses.topics.words.NoWordsError: no words left in the 2 texts after cleaning ...
"""

from __future__ import annotations

from collections.abc import Sequence

from fbresearch.errors import AnalysisError

__all__ = ["NoWordsError", "check_words", "TEXT_FIX"]

#: how to give the topics page comment texts (shared by every "no words" message)
TEXT_FIX = (
    'map your comment column in params: columns: {text: "<your comment column>"}, '
    "or leave the topics page out (pages: without topics)."
)


class NoWordsError(AnalysisError):
    """Every text is empty after cleaning (blank, or only stopwords, punctuation or emoji).

    Raised by :func:`fbresearch.analyses.topics.fit_topics` before any model is fitted, so a
    page says what is missing instead of a library's "empty vocabulary".
    """

    def __init__(self, n_texts: int) -> None:
        self.n_texts = int(n_texts)
        super().__init__(
            f"no words left in the {self.n_texts:,} texts after cleaning (all empty, or only "
            "stopwords/punctuation): the topics page needs comment texts; " + TEXT_FIX
        )


def check_words(tokens: Sequence[Sequence[str]]) -> None:
    """Raise :class:`NoWordsError` when no text has a single token left after cleaning."""
    if not any(len(t) for t in tokens):
        raise NoWordsError(len(tokens))
