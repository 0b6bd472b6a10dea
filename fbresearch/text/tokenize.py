"""Tokens of bilingual (Chinese/English) feedback: cleaning, stopwords, jieba, phrases.

``import fbresearch.text.tokenize`` is light: jieba and gensim are imported inside the functions
that need them, so a notebook that only counts never pays for them.

Examples
--------
>>> from fbresearch.text.tokenize import tokenize
>>> tokenize(["The courier was LATE", "送餐速度太慢了"])
[['courier', 'late'], ['送餐', '速度', '太慢']]
"""

from __future__ import annotations

import html
import logging
import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd

from fbresearch.errors import AnalysisError
from fbresearch.privacy import _RE_EMAIL
from fbresearch.text.language import _CJK, _RE_TAG, _RE_URL, _as_series, detect_language

__all__ = ["tokenize", "phrases", "stopwords", "clean_text", "MAX_CHARS"]

#: Longest text tokenized, in characters; longer texts are cut (a 50,000-character paste is
#: usually a log or a copied page, and jieba's time grows with length).
MAX_CHARS = 5000

# Words of letters in any alphabet but CJK ("café", "naïve"), with inner apostrophes ("wasn't"),
# or runs of CJK characters; everything else (digits, punctuation, emoji, symbols) separates.
_LETTER = rf"[^\W\d_{_CJK}]"
_RE_EN_TOKEN = re.compile(rf"{_LETTER}+(?:'{_LETTER}+)*")
_RE_ZH_KEEP = re.compile(rf"[{_CJK}]+|{_LETTER}+(?:'{_LETTER}+)*")
_RE_CJK = re.compile(rf"[{_CJK}]")
#: typographic apostrophes folded to "'" so "wasn’t" is "wasn't"
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\uff07": "'"})


@cache
def _stopword_file(language: str) -> frozenset[str]:
    path = resources.files("fbresearch") / "resources" / f"stopwords_{language}.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    words = (line.split("#", 1)[0].strip() for line in lines)  # "#" starts a comment
    return frozenset(w for w in words if w)


def stopwords(language: str, extra: Iterable[str] | None = None) -> frozenset[str]:
    """The shipped stopword list for ``"zh"`` or ``"en"``, plus ``extra`` words.

    The lists hold function words and review filler ("really", "thing"; 东西, 感觉, 下次), which
    would otherwise fill every topic's top words.

    Examples
    --------
    >>> "the" in stopwords("en"), "东西" in stopwords("zh"), "wifi" in stopwords("en", ["wifi"])
    (True, True, True)
    """
    if language not in ("zh", "en"):
        raise AnalysisError(f"no stopword list for language {language!r}; use 'zh' or 'en'.")
    base = _stopword_file(language)
    return base | frozenset(w.strip().lower() for w in extra) if extra else base


# --------------------------------------------------------------------------- tokenizing


def clean_text(text: str, max_chars: int = MAX_CHARS) -> str:
    """Remove HTML markup, URLs and e-mail addresses; unescape entities; compose accents (NFC,
    so "cafe" + a combining accent is "café"); fold typographic apostrophes to "'"; cut to
    ``max_chars``.

    Examples
    --------
    >>> clean_text("<b>Slow</b> &amp; cold, see https://x.io/a?b=1")
    ' Slow  & cold, see  '
    >>> clean_text("cafe\u0301 wasn\u2019t")
    "café wasn't"
    """
    text = html.unescape(_RE_TAG.sub(" ", text[: max_chars * 2]))
    text = _RE_EMAIL.sub(" ", _RE_URL.sub(" ", text))
    return unicodedata.normalize("NFC", text[:max_chars]).translate(_APOSTROPHES)


@cache
def _jieba(user_words: tuple[str, ...] = (), user_dict_path: str | None = None) -> Any:
    """One initialised jieba tokenizer per user dictionary, built quietly.

    A private ``jieba.Tokenizer`` keeps user words out of jieba's global default tokenizer. A
    tokenizer with user words starts from a copy of the plain one's prefix dictionary, which is
    what ``initialize()`` would load again from jieba's cache (0.6 s each time).
    """
    import jieba

    jieba.setLogLevel(logging.WARNING)  # silence "Building prefix dict ..." on stderr
    tokenizer = jieba.Tokenizer()
    if user_words or user_dict_path:
        plain = _jieba((), None)
        tokenizer.FREQ, tokenizer.total = dict(plain.FREQ), plain.total
        tokenizer.initialized = True
    else:
        tokenizer.initialize()
    if user_dict_path:
        tokenizer.load_userdict(user_dict_path)
    for word in user_words:
        tokenizer.add_word(word)
    return tokenizer


#: jieba's cut of each distinct run of Chinese characters, per tokenizer: a page tokenizes the
#: same texts several times with different settings (topics, then tone; categories, then
#: severity), and jieba's cut is the cost of each. Cleared when it reaches _MAX_CUTS runs.
_CUTS: dict[int, tuple[Any, dict[str, list[str]]]] = {}
_MAX_CUTS = 500_000


def _cut(tokenizer: Any, chunk: str) -> list[str]:
    """``tokenizer.lcut(chunk)``, once per distinct chunk and tokenizer (do not change the list)."""
    held = _CUTS.get(id(tokenizer))
    if held is None or held[0] is not tokenizer:  # the entry holds its tokenizer: ids stay unique
        held = _CUTS[id(tokenizer)] = (tokenizer, {})
    cuts = held[1]
    words = cuts.get(chunk)
    if words is None:
        if len(cuts) >= _MAX_CUTS:
            cuts.clear()
        words = cuts[chunk] = tokenizer.lcut(chunk)
    return words


def _user_dict_key(user_dict: str | Iterable[str] | None) -> tuple[tuple[str, ...], str | None]:
    if user_dict is None:
        return (), None
    if isinstance(user_dict, str):
        return (), user_dict
    return tuple(sorted({str(w).strip() for w in user_dict if str(w).strip()})), None


def _word(token: str, stop: frozenset[str], min_length: int) -> str | None:
    """A Latin token as kept: None for a stopword or a short token; a possessive loses its
    "'s" ("driver's" -> "driver"); contractions stay whole ("wasn't": a negation for
    sentiment, a stopword for topics).

    Examples
    --------
    >>> _word("driver's", frozenset(), 2), _word("wasn't", frozenset(), 2), _word("it's", {"it's"}, 2)
    ('driver', "wasn't", None)
    """
    if token in stop:
        return None
    if token.endswith("'s"):
        token = token[:-2]
    return token if len(token) >= min_length and token not in stop else None


def _tokens_en(text: str, stop: frozenset[str], min_length: int) -> list[str]:
    words = (_word(t, stop, min_length) for t in _RE_EN_TOKEN.findall(text.lower()))
    return [w for w in words if w is not None]


def _tokens_zh(
    text: str,
    tokenizer: Any,
    stop: frozenset[str],
    stop_en: frozenset[str],
    min_length: int,
    pos: frozenset[str] | None,
) -> list[str]:
    out: list[str] = []
    # Tokenize only runs of CJK characters or Latin words: punctuation, digits and emoji never
    # reach jieba, which also keeps mixed Chinese-English texts clean.
    for chunk in _RE_ZH_KEEP.findall(text):
        if not _RE_CJK.match(chunk):
            word = _word(chunk.lower(), stop_en, max(min_length, 2))
            if word is not None:
                out.append(word)
            continue
        if pos is None:
            words = _cut(tokenizer, chunk)
        else:
            import jieba.posseg

            words = [
                w
                for w, flag in jieba.posseg.POSTokenizer(tokenizer).lcut(chunk)
                if flag[:1] in pos or flag[:2] in pos
            ]
        out.extend(w for w in words if len(w) >= min_length and w not in stop)
    return out


def tokenize(
    texts: Iterable[str] | pd.Series,
    language: str | Sequence[str] | pd.Series = "auto",
    user_dict: str | Iterable[str] | None = None,
    extra_stopwords: Iterable[str] | None = None,
    *,
    min_length: int = 2,
    pos: Iterable[str] | None = None,
    remove_stopwords: bool = True,
    max_chars: int = MAX_CHARS,
) -> list[list[str]]:
    """Split texts into cleaned tokens: jieba words for Chinese, lower-cased words for English.

    HTML markup, URLs, e-mail addresses, digits, punctuation and emoji are removed; stopwords
    (the shipped lists plus ``extra_stopwords``) and tokens shorter than ``min_length`` are
    dropped. Latin words inside Chinese texts are kept as English tokens.

    Parameters
    ----------
    texts : list or Series of str
        The verbatims; missing values give an empty token list.
    language : {"auto", "zh", "en"} or sequence of those, default "auto"
        ``"auto"`` detects each text's language (:func:`detect_language`); a sequence gives one
        language per text. Texts of language ``"other"`` give empty lists.
    user_dict : str or list of str, optional
        A jieba user dictionary file, or words jieba must keep whole (brand and product names).
    extra_stopwords : list of str, optional
        Words to drop in addition to the shipped lists (both languages).
    min_length : int, default 2
        Shortest token kept, in characters. 2 drops single Chinese characters, which are mostly
        particles and fragments in reviews.
    pos : list of str, optional
        jieba part-of-speech tags (or tag prefixes, e.g. ``["n", "v", "a"]``) to keep in Chinese
        texts; ``None`` keeps all. POS tagging is about ten times slower than plain cutting.
    remove_stopwords : bool, default True
        False keeps stopwords (sentiment needs negations such as "not", 没有).
    max_chars : int, default 5000
        Texts are cut to this many characters before tokenizing.

    Returns
    -------
    list of list of str
        One token list per text, in input order. Equal texts share one list object: copy a
        list before changing it in place.

    Examples
    --------
    >>> tokenize(["<p>The courier was LATE again!!! 😡</p>", "送餐速度太慢了，饭菜都凉了", ""])
    [['courier', 'late'], ['送餐', '速度', '太慢', '饭菜'], []]
    """
    series = _as_series(texts)
    if isinstance(language, str):
        if language == "auto":
            langs = detect_language(series).to_numpy()
        elif language in ("zh", "en"):
            langs = np.full(len(series), language, dtype=object)
        else:
            raise AnalysisError(f"language must be 'auto', 'zh' or 'en', not {language!r}.")
    else:
        langs = np.asarray(list(language), dtype=object)
        if langs.size != len(series):
            raise AnalysisError(
                f"language has {langs.size} entries for {len(series)} texts; give one per text."
            )
    extra = list(extra_stopwords or [])
    stop_en = stopwords("en", extra) if remove_stopwords else frozenset()
    stop_zh = stopwords("zh", extra) if remove_stopwords else frozenset()
    pos_set = frozenset(pos) if pos is not None else None
    tokenizer = _jieba(*_user_dict_key(user_dict)) if (langs == "zh").any() else None
    out: list[list[str]] = []
    # Feedback repeats itself ("good", "好评", stock phrases): each distinct text is tokenized
    # once and its repeats share that token list. Same tokens as one call per text, and on a
    # million responses a fraction of the time and memory.
    seen: dict[tuple[Any, Any], list[str]] = {}
    for raw, lang in zip(series.tolist(), langs, strict=True):
        key = (raw, lang)
        tokens = seen.get(key)
        if tokens is None:
            text = clean_text(raw, max_chars) if raw else ""
            if not text or lang == "other":
                tokens = []
            elif lang == "zh":
                tokens = _tokens_zh(text, tokenizer, stop_zh, stop_en, min_length, pos_set)
            else:
                tokens = _tokens_en(text, stop_en, min_length)
            seen[key] = tokens
        out.append(tokens)
    return out


def phrases(
    token_lists: Sequence[list[str]],
    min_count: int = 5,
    threshold: float = 0.5,
    delimiter: str = "_",
) -> list[list[str]]:
    """Join frequent word pairs into one token with gensim ``Phrases`` (``customer_service``).

    Uses the NPMI scorer (``threshold`` between -1 and 1), which does not depend on corpus size.

    Examples
    --------
    >>> docs = [["customer", "service", "slow"], ["customer", "service", "rude"]] * 10
    >>> phrases(docs, min_count=3)[0]
    ['customer_service', 'slow']
    """
    from gensim.models.phrases import ENGLISH_CONNECTOR_WORDS, Phrases

    if not any(token_lists):
        return [list(t) for t in token_lists]
    model = Phrases(
        token_lists,
        min_count=min_count,
        threshold=threshold,
        scoring="npmi",
        delimiter=delimiter,
        connector_words=ENGLISH_CONNECTOR_WORDS,
    ).freeze()
    return [model[list(tokens)] for tokens in token_lists]
