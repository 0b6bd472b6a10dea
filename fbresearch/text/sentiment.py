"""Tone of bilingual (Chinese/English) feedback: a shipped lexicon or a trained model.

Examples
--------
>>> from fbresearch.text.sentiment import sentiment
>>> sentiment(["送餐很快，味道很好", "太慢了"]).table["sentiment"].tolist()
['positive', 'negative']
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd

from fbresearch.errors import AnalysisError, FeedbackDataError
from fbresearch.format import confidence_label
from fbresearch.results import Estimate, Result
from fbresearch.text.language import _as_series, detect_language
from fbresearch.text.tokenize import tokenize

__all__ = ["sentiment", "promoter_labels", "tone_labels", "SentimentResult"]

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
        Share of labelled texts classified correctly, with its Wilson interval (5-fold
        cross-validated for the trained model); None without labels. Only an explicit call
        counts: a "neutral" call of a positive or negative text is wrong, and a "neutral" label
        (three-class labels) is right only when the call is neutral too (three-class accuracy).
    coverage : Estimate or None
        Share of the labelled texts that got an explicit (positive or negative) call.
    source : str
        What the labels came from ("NPS promoters and detractors", "CSAT", ...), for the summary.
    """

    method: str = "lexicon"
    accuracy: Estimate | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
    coverage: Estimate | None = None
    source: str = ""

    def by_group(self, groups: Any, confidence: float = 0.95) -> pd.DataFrame:
        """Share of negative texts per group (e.g. channel) with Wilson intervals.

        Examples
        --------
        >>> r = sentiment(["太慢了", "很好", "rude staff", "great"])
        >>> r.by_group(["app", "app", "web", "web"])["Negative (95% CI)"].tolist()
        ['50% (9% to 91%)', '50% (9% to 91%)']
        """
        from fbresearch.analyses.kpis.scores import proportion

        values = groups if isinstance(groups, pd.Series) else pd.Series(list(groups))
        frame = pd.DataFrame(
            {
                "group": values.to_numpy(),
                "negative": (self.table["sentiment"] == "negative").to_numpy(),
            }
        )
        rows = []
        header = f"Negative ({confidence_label(confidence)} CI)"
        for group, part in frame.dropna().groupby("group", sort=True):
            est = proportion(int(part["negative"].sum()), len(part), confidence)
            rows.append({"Group": group, "Texts": len(part), header: est.format(digits=0)})
        return pd.DataFrame(rows)

    def summary(self) -> str:
        counts = self.table["sentiment"].value_counts(normalize=True)
        text = (
            f"{counts.get('positive', 0):.0%} of {len(self.table):,} texts read positive and "
            f"{counts.get('negative', 0):.0%} negative ({self.method} method)."
        )
        if self.accuracy is not None:
            labelled = f"texts labelled by {self.source}" if self.source else "labelled texts"
            text += (
                f" Accuracy against the {self.accuracy.n:,} {labelled}: "
                f"{self.accuracy.format(digits=0)} read right"
            )
            if self.coverage is not None and self.coverage.estimate < 1:
                text += (
                    f"; {self.coverage.format(digits=0)} got a clear positive or negative "
                    "reading, and a neutral reading of a scored text counts as wrong"
                )
            text += "."
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


#: score columns the tone model can learn from, in order of preference: (column, cut, source)
#: where values >= cut[1] are positive, <= cut[0] negative and the rest unlabelled
_TONE_SCORES = (
    ("nps", (6, 9), "NPS promoters (9-10) and detractors (0-6)"),
    ("csat", (2, 4), "CSAT (4-5 satisfied, 1-2 dissatisfied)"),
    ("satisfied", (0, 1), "the satisfied answer (1 or 0)"),
    ("stars", (2, 4), "star ratings (4-5 positive, 1-2 negative)"),
    ("rating", (2, 4), "ratings (4-5 positive, 1-2 negative)"),
)
#: label columns (already positive/negative) the tone model can learn from
_TONE_LABELS = ("label", "sentiment")


def tone_labels(frame: pd.DataFrame) -> tuple[pd.Series | None, str]:
    """Training labels for the tone model from whatever score ``frame`` has, and their source.

    The first column present with at least one answer wins: ``nps`` (promoters 9-10 positive,
    detractors 0-6 negative), ``csat`` (4-5 / 1-2), ``satisfied`` (1 / 0), ``stars`` or
    ``rating`` (4-5 / 1-2 of five), then a ``label`` or ``sentiment`` column already saying
    positive/negative (1/0). Middle answers (NPS 7-8, CSAT 3) are unlabelled.

    Returns
    -------
    (Series or None, str)
        One label per row (1.0, 0.0 or NaN) and what it came from; ``(None, "")`` when the
        frame has none of these columns answered.

    Examples
    --------
    >>> labels, source = tone_labels(pd.DataFrame({"csat": [5, 3, 1, None]}))
    >>> labels.tolist(), source
    ([1.0, nan, 0.0, nan], 'CSAT (4-5 satisfied, 1-2 dissatisfied)')
    >>> tone_labels(pd.DataFrame({"nps": [None]}))
    (None, '')
    """
    for column, (low, high), source in _TONE_SCORES:
        if column in frame:
            values = pd.to_numeric(frame[column].astype("object"), errors="coerce").astype(float)
            if values.notna().any():
                labels = np.select([values >= high, values <= low], [1.0, 0.0], np.nan)
                return pd.Series(labels, index=frame.index, name="label"), source
    for column in _TONE_LABELS:
        if column in frame and frame[column].notna().any():
            y = _sentiment_labels(frame[column], len(frame), neutral=False)
            return pd.Series(y, index=frame.index, name="label"), f"the {column!r} column"
    return None, ""


def sentiment(
    texts: Iterable[str] | pd.Series,
    labels: Iterable[Any] | pd.Series | None = None,
    language: str = "auto",
    *,
    method: str = "auto",
    neutral_band: float = 0.0,
    seed: int = 0,
    source: str = "",
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
        "neutral" for neither (three-class labels: measured, never trained on), missing for
        unlabelled (:func:`tone_labels` makes them from NPS, CSAT, stars or a label column).
        With labels and ``method="auto"`` the trained method is used when there are at least
        20 labelled texts of each class; otherwise the lexicon, with its
        accuracy measured on the labels.
    language : {"auto", "zh", "en"}
    method : {"auto", "lexicon", "trained"}
    neutral_band : float, default 0.0
        Scores with absolute value at most this are "neutral".
    seed : int
        Seed of the cross-validation split.
    source : str
        What the labels are (named in the summary's accuracy sentence).

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
    binary = (y == 0) | (y == 1) if y is not None else None
    enough = y is not None and min((y == 1).sum(), (y == 0).sum()) >= 20
    if method == "trained" and not enough:
        raise AnalysisError(
            "the trained sentiment method needs labels with at least 20 positive and 20 "
            "negative texts; pass labels= or use method='lexicon'."
        )
    use_trained = method == "trained" or (method == "auto" and enough)
    if use_trained:
        score, correct = _trained_scores(tokens, y, binary, seed)
        accuracy, coverage = _accuracy(correct), _accuracy(np.ones(correct.size, bool))
    else:
        raw = np.array(
            [
                _lexicon_score(t, lang) if lang in ("zh", "en") else 0.0
                for t, lang in zip(tokens, langs, strict=True)
            ]
        )
        score = np.tanh(raw / 2)
        accuracy = coverage = None
    label = np.where(
        score > neutral_band, "positive", np.where(score < -neutral_band, "negative", "neutral")
    )
    if not use_trained and y is not None and (~np.isnan(y)).any():
        accuracy, coverage = _explicit_accuracy(label, y)
    table = pd.DataFrame(
        {"language": langs.to_numpy(), "score": score, "sentiment": label}, index=series.index
    )
    return SentimentResult(
        table=table,
        method="trained" if use_trained else "lexicon",
        accuracy=accuracy,
        coverage=coverage,
        source=source,
    )


def _explicit_accuracy(label: np.ndarray, y: np.ndarray) -> tuple[Estimate, Estimate]:
    """Accuracy where only an explicit right call counts (three-class with neutral labels),
    and the share of labelled texts called positive or negative."""
    known = ~np.isnan(y)
    truth = np.select([y == 1, y == 0], ["positive", "negative"], "neutral")[known]
    called = label[known]
    return _accuracy(called == truth), _accuracy(called != "neutral")


def _sentiment_labels(labels: Any, n: int, neutral: bool = True) -> np.ndarray:
    """1.0 positive, 0.0 negative, 0.5 neutral (when ``neutral``; else missing), NaN unlabelled."""
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
        "neutral": 0.5 if neutral else np.nan,
    }
    out = np.array([np.nan if pd.isna(v) else mapping.get(v, -1.0) for v in values])
    if (out == -1.0).any():
        bad = values[out == -1.0].unique()[:3].tolist()
        raise FeedbackDataError(
            f"sentiment labels must be 1/0, True/False or 'positive'/'negative'/'neutral'; "
            f"found {bad}",
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
    """Scores of every text from a model fitted on the ``labelled`` (positive/negative) ones,
    and whether each labelled text's 5-fold cross-validated call was right."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.pipeline import make_pipeline

    model = make_pipeline(
        TfidfVectorizer(analyzer=_words_and_pairs, min_df=2, sublinear_tf=True),
        LogisticRegression(C=4.0, max_iter=1000),
    )
    docs = np.empty(len(tokens), dtype=object)  # 1-D even when every text has as many tokens
    docs[:] = tokens
    x_lab, y_lab = docs[labelled], y[labelled].astype(int)
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=seed)
    predicted = cross_val_predict(model, list(x_lab), y_lab, cv=folds)
    model.fit(list(x_lab), y_lab)
    prob = model.predict_proba(list(docs))[:, 1]
    return 2 * prob - 1, predicted == y_lab


def _accuracy(correct: np.ndarray) -> Estimate:
    from fbresearch.analyses.kpis.scores import proportion

    est = proportion(int(np.sum(correct)), int(np.size(correct)), name="accuracy")
    return est
