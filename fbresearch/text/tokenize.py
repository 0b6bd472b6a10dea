"""Text preparation for bilingual (Chinese/English) feedback: language, tokens, phrases, redaction,
sentiment.

``import fbresearch.text.tokenize`` is light: jieba, gensim and scikit-learn are imported inside the
functions that need them, so a notebook that only redacts never pays for them.

Examples
--------
>>> from fbresearch.text.tokenize import detect_language, redact
>>> detect_language(["送餐很快，味道不错", "The app keeps crashing", "👍 123"]).tolist()
['zh', 'en', 'other']
>>> redact("Mail me at li.wei@example.com or call 138 0013 8000.")
'Mail me at [email] or call [phone].'
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd

from fbresearch.errors import AnalysisError, FeedbackDataError
from fbresearch.results import Estimate, Result

__all__ = [
    "detect_language",
    "tokenize",
    "phrases",
    "stopwords",
    "redact",
    "sentiment",
    "promoter_labels",
    "SentimentResult",
    "clean_text",
]

#: Longest text tokenized, in characters; longer texts are cut (a 50,000-character paste is
#: usually a log or a copied page, and jieba's time grows with length).
MAX_CHARS = 5000

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RE_TAG = re.compile(r"<[^>]{0,500}>")
_RE_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'，。！？、）)]+", re.IGNORECASE)
_RE_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Latin words (with inner apostrophes) or runs of CJK characters; everything else (digits,
# punctuation, emoji, symbols) is a separator.
_RE_EN_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)*")
_RE_ZH_KEEP = re.compile(rf"[{_CJK}]+|[A-Za-z]+(?:'[A-Za-z]+)*")

_NEGATORS = {
    "en": {
        "not",
        "no",
        "never",
        "without",
        "hardly",
        "barely",
        "nothing",
        "nobody",
        "neither",
        "nor",
        "dont",
        "didnt",
        "doesnt",
        "isnt",
        "wasnt",
        "cant",
        "wont",
        "arent",
        "werent",
        "havent",
        "hasnt",
        "couldnt",
        "wouldnt",
        "shouldnt",
        "don't",
        "didn't",
        "doesn't",
        "isn't",
        "wasn't",
        "can't",
        "won't",
        "aren't",
        "weren't",
        "haven't",
        "hasn't",
        "couldn't",
        "wouldn't",
        "shouldn't",
    },
    "zh": {
        "不",
        "没",
        "没有",
        "别",
        "未",
        "无",
        "非",
        "不是",
        "不太",
        "不算",
        "不够",
        "并不",
        "从不",
        "毫不",
        "绝不",
        "不怎么",
    },
}
_INTENSIFIERS = {
    "en": {
        "very",
        "really",
        "so",
        "extremely",
        "super",
        "too",
        "absolutely",
        "totally",
        "incredibly",
    },
    "zh": {
        "很",
        "非常",
        "太",
        "特别",
        "超",
        "超级",
        "十分",
        "极",
        "极其",
        "真",
        "真的",
        "好",
        "挺",
        "相当",
        "最",
        "巨",
    },
}


# --------------------------------------------------------------------------- languages


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


# --------------------------------------------------------------------------- stopwords


@cache
def _stopword_file(language: str) -> frozenset[str]:
    path = resources.files("fbresearch") / "resources" / f"stopwords_{language}.txt"
    words = path.read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip() for w in words if w.strip() and not w.startswith("#"))


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
    """Remove HTML markup, URLs and e-mail addresses; unescape entities; cut to ``max_chars``.

    Examples
    --------
    >>> clean_text("<b>Slow</b> &amp; cold, see https://x.io/a?b=1")
    ' Slow  & cold, see  '
    """
    text = html.unescape(_RE_TAG.sub(" ", text[: max_chars * 2]))
    text = _RE_EMAIL.sub(" ", _RE_URL.sub(" ", text))
    return text[:max_chars]


@cache
def _jieba(user_words: tuple[str, ...] = (), user_dict_path: str | None = None) -> Any:
    """One initialised jieba tokenizer per user dictionary, built quietly.

    A private ``jieba.Tokenizer`` keeps user words out of jieba's global default tokenizer.
    """
    import jieba

    jieba.setLogLevel(logging.WARNING)  # silence "Building prefix dict ..." on stderr
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    if user_dict_path:
        tokenizer.load_userdict(user_dict_path)
    for word in user_words:
        tokenizer.add_word(word)
    return tokenizer


def _user_dict_key(user_dict: str | Iterable[str] | None) -> tuple[tuple[str, ...], str | None]:
    if user_dict is None:
        return (), None
    if isinstance(user_dict, str):
        return (), user_dict
    return tuple(sorted({str(w).strip() for w in user_dict if str(w).strip()})), None


def _tokens_en(text: str, stop: frozenset[str], min_length: int) -> list[str]:
    return [
        t
        for t in _RE_EN_TOKEN.findall(text.lower())
        if len(t) >= min_length and t not in stop and "'" not in t
    ]


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
        if chunk[0].isascii():
            word = chunk.lower()
            if len(word) >= max(min_length, 2) and word not in stop_en and "'" not in word:
                out.append(word)
            continue
        if pos is None:
            words = tokenizer.lcut(chunk)
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


# --------------------------------------------------------------------------- redaction

_PLACEHOLDERS = ("[email]", "[phone]", "[id]", "[card]", "[url]")
_RE_PII_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'，。！？、）)\]]+", re.IGNORECASE)
_RE_ID18 = re.compile(r"(?<![0-9A-Za-z])\d{6}[\s-]?\d{8}[\s-]?\d{3}[0-9Xx](?![0-9A-Za-z])")
_RE_ID15 = re.compile(r"(?<![0-9A-Za-z+])\d{15}(?![0-9A-Za-z])")
_RE_CARD = re.compile(r"(?<![0-9A-Za-z+])\d(?:[ -]?\d){12,18}(?![0-9A-Za-z])")
_RE_CN_MOBILE = re.compile(
    r"(?<![0-9A-Za-z])(?:(?:\+|00)?86[\s-]?)?1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?![0-9A-Za-z])"
)
_RE_PHONE = re.compile(
    r"(?<![0-9A-Za-z+])(?:"
    r"\+\d{1,3}(?:[\s.-]?\(?\d{1,4}\)?){2,5}"  # international: +44 20 7946 0958
    r"|\(\d{2,4}\)[\s.-]?\d{3,4}[\s.-]?\d{3,4}"  # (415) 555-0100
    r"|0\d{2,3}[\s-]\d{7,8}"  # Chinese landline 010-12345678
    r"|\d{3}[\s.-]\d{3,4}[\s.-]\d{4}"  # 415-555-0100
    r")(?![0-9A-Za-z])"
)
_ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _id18_valid(match: str) -> bool:
    """ISO 7064 MOD 11-2 checksum of a Chinese resident identity number (GB 11643)."""
    raw = re.sub(r"[\s-]", "", match).upper()
    body = np.frombuffer(raw[:17].encode(), dtype=np.uint8) - 48
    check = "10X98765432"[int(body @ _ID_WEIGHTS) % 11]
    return raw[17] == check


def _id15_valid(match: str) -> bool:
    """Legacy 15-digit ID: region code, then a plausible YYMMDD birth date."""
    month, day = int(match[8:10]), int(match[10:12])
    return 1 <= month <= 12 and 1 <= day <= 31


def _luhn_valid(match: str) -> bool:
    digits = [int(c) for c in _digits(match)]
    if not 13 <= len(digits) <= 19 or len(set(digits)) == 1:
        return False
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _phone_plausible(match: str) -> bool:
    return 7 <= len(_digits(match)) <= 15


def _sub_if(pattern: re.Pattern[str], label: str, check: Any, text: str) -> str:
    return pattern.sub(lambda m: label if check(m.group(0)) else m.group(0), text)


def _redact_one(text: str) -> str:
    if not text:
        return text
    # a URL's trailing sentence punctuation stays in the text
    text = _RE_PII_URL.sub(lambda m: "[url]" + m.group(0)[len(m.group(0).rstrip(".,;:!?")) :], text)
    text = _RE_EMAIL.sub("[email]", text)
    if not any(c.isdigit() for c in text):
        return text
    text = _sub_if(_RE_ID18, "[id]", _id18_valid, text)
    text = _RE_CN_MOBILE.sub("[phone]", text)
    text = _sub_if(_RE_CARD, "[card]", _luhn_valid, text)
    text = _sub_if(_RE_ID15, "[id]", _id15_valid, text)
    return _sub_if(_RE_PHONE, "[phone]", _phone_plausible, text)


def redact(text: Any) -> Any:
    """Replace personal data in a text (or every text of a Series/list) by labelled placeholders.

    Removed: URLs (``[url]``, their query strings often carry tokens or e-mails), e-mail
    addresses (``[email]``), Chinese resident ID numbers, 18 digits with a valid GB 11643
    checksum or 15-digit legacy numbers with a plausible birth date (``[id]``), card numbers of
    13-19 digits, spaces or dashes allowed, that pass the Luhn check (``[card]``), Chinese
    mobiles (1[3-9] and nine digits, optionally +86 and separators), landlines and
    international numbers (``[phone]``). Order numbers and dates that fail these checks stay.

    Parameters
    ----------
    text : str, Series, list or None
        A Series comes back as a Series with the same index; a list as a list.

    Examples
    --------
    >>> redact("ID 11010519491231002X, card 4111 1111 1111 1111, order 20261031")
    'ID [id], card [card], order 20261031'
    >>> redact(pd.Series(["call +86 139-1234-5678", "see https://shop.cn/o?id=7&tel=1"])).tolist()
    ['call [phone]', 'see [url]']
    """
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return text
    if isinstance(text, str):
        return _redact_one(text)
    if isinstance(text, pd.Series):
        return text.map(lambda t: _redact_one(t) if isinstance(t, str) else t)
    return [_redact_one(t) if isinstance(t, str) else t for t in text]


# --------------------------------------------------------------------------- sentiment


@cache
def _lexicon(language: str) -> dict[str, float]:
    path = resources.files("fbresearch") / "resources" / f"sentiment_{language}.txt"
    out: dict[str, float] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            word, value = line.split("\t")
            out[word.strip()] = float(value)
    return out


def _lexicon_score(tokens: list[str], language: str) -> float:
    """Sum of word polarities, flipped after a negator and boosted after an intensifier.

    A negator or intensifier acts on the next sentiment word within three tokens. Chinese
    negations that jieba keeps whole (不好, 不新鲜) are lexicon entries of their own.
    """
    lexicon, negators, boosts = _lexicon(language), _NEGATORS[language], _INTENSIFIERS[language]
    score, flip, boost, since = 0.0, False, 1.0, 99
    for token in tokens:
        if token in negators:
            flip, since = not flip, 0
            continue
        if token in boosts:
            boost, since = 1.5, 0
            continue
        since += 1
        if since > 3:
            flip, boost = False, 1.0
        value = lexicon.get(token)
        if value is not None:
            score += (-value if flip else value) * boost
            flip, boost, since = False, 1.0, 99
    return score


@dataclass(frozen=True, eq=False)
class SentimentResult(Result):
    """Sentiment of each text: ``.table`` has ``score`` (-1 to 1) and ``sentiment``.

    Attributes
    ----------
    table : DataFrame
        One row per text, in input order: ``language``, ``score`` (-1 very negative to 1 very
        positive; for the trained model ``2 * P(positive) - 1``) and ``sentiment``
        (``"negative"``, ``"neutral"`` or ``"positive"``).
    method : str
        ``"lexicon"`` or ``"trained"``.
    accuracy : Estimate or None
        Share of labelled texts classified correctly (5-fold cross-validated for the trained
        model), with its Wilson interval; None without labels.
    """

    method: str = "lexicon"
    accuracy: Estimate | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    def by_group(self, groups: Any, confidence: float = 0.95) -> pd.DataFrame:
        """Share of negative texts per group (e.g. channel) with Wilson intervals.

        Examples
        --------
        >>> r = sentiment(["太慢了", "很好", "rude staff", "great"])
        >>> r.by_group(["app", "app", "web", "web"])["Negative (CI)"].tolist()
        ['50% (9% to 91%)', '50% (9% to 91%)']
        """
        from fbresearch.metrics import proportion

        values = groups if isinstance(groups, pd.Series) else pd.Series(list(groups))
        frame = pd.DataFrame(
            {
                "group": values.to_numpy(),
                "negative": (self.table["sentiment"] == "negative").to_numpy(),
            }
        )
        rows = []
        for group, part in frame.dropna().groupby("group", sort=True):
            est = proportion(int(part["negative"].sum()), len(part), confidence)
            rows.append({"Group": group, "Texts": len(part), "Negative (CI)": est.format(digits=0)})
        return pd.DataFrame(rows)

    def summary(self) -> str:
        counts = self.table["sentiment"].value_counts(normalize=True)
        text = (
            f"{counts.get('positive', 0):.0%} of {len(self.table):,} texts read positive and "
            f"{counts.get('negative', 0):.0%} negative ({self.method} method)."
        )
        if self.accuracy is not None:
            text += (
                f" Accuracy against the {self.accuracy.n:,} labelled texts: "
                f"{self.accuracy.format(digits=0)}."
            )
        return text


def promoter_labels(nps: Iterable[Any] | pd.Series) -> pd.Series:
    """Sentiment training labels from NPS answers: 1 promoter (9-10), 0 detractor (0-6).

    Passives (7-8) and missing answers are missing: they teach the model nothing clear.

    Examples
    --------
    >>> promoter_labels([10, 7, 3, None]).tolist()
    [1.0, nan, 0.0, nan]
    """
    values = pd.to_numeric(pd.Series(nps).astype("object"), errors="coerce").astype(float)
    return pd.Series(
        np.select([values >= 9, values <= 6], [1.0, 0.0], np.nan), index=values.index, name="label"
    )


def sentiment(
    texts: Iterable[str] | pd.Series,
    labels: Iterable[Any] | pd.Series | None = None,
    language: str = "auto",
    *,
    method: str = "auto",
    neutral_band: float = 0.0,
    seed: int = 0,
) -> SentimentResult:
    """Sentiment of each verbatim, without training data (a lexicon) or trained on scored texts.

    Two methods:

    * ``"lexicon"`` (works on any text, both languages): sums the polarities of the shipped
      lexicons (``fbresearch/resources/sentiment_{zh,en}.txt``) over the text's tokens, flipping a
      word after a negator (不, 没有, not, never) and boosting it after an intensifier (很, 太,
      very); the score is ``tanh(sum / 2)``.
    * ``"trained"``: TF-IDF on the tokens (words and word pairs, negations kept) and a
      scikit-learn logistic regression fitted on the texts that have a label, e.g. detractor
      versus promoter from NPS. Every text gets a prediction; ``accuracy`` is 5-fold
      cross-validated on the labelled ones.

    Parameters
    ----------
    texts : list or Series of str
    labels : list or Series, optional
        Aligned to ``texts``: 1/True/"positive" for positive, 0/False/"negative" for negative,
        missing for unlabelled. With labels and ``method="auto"`` the trained method is used
        when there are at least 20 labelled texts of each class; otherwise the lexicon, with its
        accuracy measured on the labels.
    language : {"auto", "zh", "en"}
    method : {"auto", "lexicon", "trained"}
    neutral_band : float, default 0.0
        Scores with absolute value at most this are "neutral".
    seed : int
        Seed of the cross-validation split.

    Examples
    --------
    >>> r = sentiment(["送餐很快，味道很好", "饭菜不新鲜，太难吃了", "Not good, the app is slow",
    ...                "Friendly staff and fast delivery"])
    >>> r.table["sentiment"].tolist()
    ['positive', 'negative', 'negative', 'positive']
    """
    series = _as_series(texts)
    if len(series) == 0:
        raise FeedbackDataError(
            "no texts to read the tone of", column="text", fix="pass at least one verbatim."
        )
    if method not in ("auto", "lexicon", "trained"):
        raise AnalysisError(f"method must be 'auto', 'lexicon' or 'trained', not {method!r}.")
    if language == "auto":
        langs = detect_language(series)
    else:
        langs = pd.Series(language, index=series.index)
    tokens = tokenize(series, langs.tolist(), remove_stopwords=False, min_length=1)
    y = _sentiment_labels(labels, len(series)) if labels is not None else None
    labelled = ~np.isnan(y) if y is not None else None
    enough = y is not None and min((y[labelled] == 1).sum(), (y[labelled] == 0).sum()) >= 20
    if method == "trained" and not enough:
        raise AnalysisError(
            "the trained sentiment method needs labels with at least 20 positive and 20 "
            "negative texts; pass labels= or use method='lexicon'."
        )
    use_trained = method == "trained" or (method == "auto" and enough)
    accuracy = None
    if use_trained:
        score, correct = _trained_scores(tokens, y, labelled, seed)
        accuracy = _accuracy(correct)
    else:
        raw = np.array(
            [
                _lexicon_score(t, lang) if lang in ("zh", "en") else 0.0
                for t, lang in zip(tokens, langs, strict=True)
            ]
        )
        score = np.tanh(raw / 2)
        if y is not None and labelled.any():
            correct = (score[labelled] > 0) == (y[labelled] == 1)
            accuracy = _accuracy(correct)
    label = np.where(
        score > neutral_band, "positive", np.where(score < -neutral_band, "negative", "neutral")
    )
    table = pd.DataFrame(
        {"language": langs.to_numpy(), "score": score, "sentiment": label}, index=series.index
    )
    return SentimentResult(
        table=table, method="trained" if use_trained else "lexicon", accuracy=accuracy
    )


def _sentiment_labels(labels: Any, n: int) -> np.ndarray:
    values = pd.Series(list(labels) if not isinstance(labels, pd.Series) else labels.tolist())
    if len(values) != n:
        raise FeedbackDataError(
            f"labels has {len(values)} values for {n} texts",
            column="labels",
            fix="give one label per text (missing for unlabelled texts).",
        )
    # True == 1 and False == 0 as dict keys, so 1/0 and booleans share entries
    mapping = {
        "positive": 1.0,
        "negative": 0.0,
        "pos": 1.0,
        "neg": 0.0,
        1: 1.0,
        0: 0.0,
        "1": 1.0,
        "0": 0.0,
    }
    out = np.array([np.nan if pd.isna(v) else mapping.get(v, -1.0) for v in values])
    if (out == -1.0).any():
        bad = values[out == -1.0].unique()[:3].tolist()
        raise FeedbackDataError(
            f"sentiment labels must be 1/0, True/False or 'positive'/'negative'; found {bad}",
            column="labels",
            fix="map your labels to positive/negative first.",
        )
    return out


def _words_and_pairs(tokens: list[str]) -> list[str]:
    """Features of the trained sentiment model: words and adjacent word pairs ("not good")."""
    return tokens + [f"{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False)]


def _trained_scores(
    tokens: list[list[str]], y: np.ndarray, labelled: np.ndarray, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.pipeline import make_pipeline

    model = make_pipeline(
        TfidfVectorizer(analyzer=_words_and_pairs, min_df=2, sublinear_tf=True),
        LogisticRegression(C=4.0, max_iter=1000),
    )
    docs = np.array(tokens, dtype=object)
    x_lab, y_lab = docs[labelled], y[labelled].astype(int)
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=seed)
    predicted = cross_val_predict(model, list(x_lab), y_lab, cv=folds)
    model.fit(list(x_lab), y_lab)
    prob = model.predict_proba(list(docs))[:, 1]
    return 2 * prob - 1, predicted == y_lab


def _accuracy(correct: np.ndarray) -> Estimate:
    from fbresearch.metrics import proportion

    est = proportion(int(np.sum(correct)), int(np.size(correct)), name="accuracy")
    return est
