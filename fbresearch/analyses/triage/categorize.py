"""Sort verbatims into a taxonomy of categories by words matched on tokens.

:func:`categorize` matches each taxonomy word or phrase against runs of a text's tokens (with an
optional supervised model when some rows carry a human label); :func:`category_frame` and
:func:`category_kpis` turn the categories into the long form and the KPIs per category;
:func:`add_triage_columns` puts categories, grades and screening flags on the feedback.

Examples
--------
>>> r = categorize(["The courier was late again", "退款申请两个星期了还没到账", "Nice"])
>>> r.primary.tolist()
['delivery_logistics', 'refund_return', None]
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from fbresearch.analyses.kpis.scores import proportion
from fbresearch.analyses.kpis.table import kpi_table
from fbresearch.analyses.triage.config import (
    NO_TEXT,
    UNCATEGORIZED,
    UNSORTED_LABELS,
    _is_latin,
    _package_yaml,
    _read_yaml,
    _suggest,
)
from fbresearch.analyses.triage.results import CategoryResult
from fbresearch.errors import AnalysisError, FeedbackDataError, ParamsError
from fbresearch.results import Result
from fbresearch.text.tokenize import _as_series, tokenize

__all__ = [
    "Taxonomy",
    "load_taxonomy",
    "categorize",
    "category_frame",
    "category_kpis",
    "add_triage_columns",
]

_TAXONOMY_KEYS = ("categories", "description", "version")
_CATEGORY_KEYS = ("label", "description", "en", "zh")


@dataclass(frozen=True)
class Taxonomy:
    """A validated taxonomy: category -> label and words (from :func:`load_taxonomy`)."""

    labels: dict[str, str]
    words: dict[str, tuple[str, ...]]
    source: str = "default taxonomy"

    @property
    def categories(self) -> list[str]:
        return list(self.labels)


def load_taxonomy(taxonomy: str | Path | Mapping[str, Any] | Taxonomy | None = None) -> Taxonomy:
    """Read and check a taxonomy: the shipped default, a YAML file or a dict.

    The format is that of ``fbresearch/resources/taxonomy.yaml``: ``categories:`` mapping each
    category to ``label``, ``description`` and its words per language (``en``, ``zh``). A plain
    dict ``{category: [words]}`` is accepted too.

    Raises
    ------
    ParamsError
        An unknown key (with the closest allowed key), a category without words, or a word listed
        in two categories (naming both).

    Examples
    --------
    >>> t = load_taxonomy({"delivery": ["late", "courier"], "price": {"en": ["expensive"]}})
    >>> t.categories, t.words["price"]
    (['delivery', 'price'], ('expensive',))
    >>> load_taxonomy({"delivery": ["late"], "speed": ["late"]})
    Traceback (most recent call last):
    ...
    fbresearch.errors.ParamsError: taxonomy: the word 'late' is listed in two categories, 'delivery' and 'speed'. Fix: keep it in one category only.
    """
    if isinstance(taxonomy, Taxonomy):
        return taxonomy
    source = "default taxonomy"
    if taxonomy is None:
        raw = _package_yaml("taxonomy.yaml")
    elif isinstance(taxonomy, (str, Path)):
        raw, source = _read_yaml(taxonomy, "taxonomy"), Path(taxonomy).name
    elif isinstance(taxonomy, Mapping):
        raw, source = dict(taxonomy), "taxonomy"
    else:
        raise ParamsError(
            f"taxonomy must be a path, a dict or None, not {type(taxonomy).__name__}."
        )
    if not isinstance(raw, Mapping) or not raw:
        raise ParamsError(f"{source}: the taxonomy is empty. Fix: list categories and their words.")
    if "categories" in raw:
        for key in raw:
            if key not in _TAXONOMY_KEYS:
                raise ParamsError(
                    f"{source}: unknown key {key!r} at the top of the taxonomy; allowed keys are "
                    f"{', '.join(_TAXONOMY_KEYS)}.{_suggest(key, _TAXONOMY_KEYS)}"
                )
        raw = raw["categories"]
        if not isinstance(raw, Mapping) or not raw:
            raise ParamsError(
                f"{source}: 'categories' is empty. Fix: list categories and their words."
            )
    labels: dict[str, str] = {}
    words: dict[str, tuple[str, ...]] = {}
    owner: dict[str, str] = {}
    for name, spec in raw.items():
        name = str(name)
        if isinstance(spec, Mapping):
            for key in spec:
                if key not in _CATEGORY_KEYS:
                    raise ParamsError(
                        f"{source}: category {name!r} has an unknown key {key!r}; allowed keys are "
                        f"{', '.join(_CATEGORY_KEYS)}.{_suggest(key, _CATEGORY_KEYS)}"
                    )
            listed = [*(spec.get("en") or []), *(spec.get("zh") or [])]
            label = str(spec.get("label") or name.replace("_", " ").capitalize())
        elif isinstance(spec, (list, tuple)):
            listed, label = list(spec), name.replace("_", " ").capitalize()
        elif spec is None:
            listed, label = [], name
        else:
            raise ParamsError(
                f"{source}: category {name!r} must be a list of words or a mapping with en/zh "
                f"lists, not {type(spec).__name__}."
            )
        cleaned = tuple(dict.fromkeys(str(w).strip().lower() for w in listed if str(w).strip()))
        if not cleaned:
            raise ParamsError(
                f"{source}: category {name!r} has no words, so nothing could ever fall in it. "
                f"Fix: add words under its en: or zh: list, or remove the category."
            )
        for word in cleaned:
            if word in owner and owner[word] != name:
                raise ParamsError(
                    f"{source}: the word {word!r} is listed in two categories, {owner[word]!r} and "
                    f"{name!r}. Fix: keep it in one category only."
                )
            owner[word] = name
        labels[name], words[name] = label, cleaned
    return Taxonomy(labels=labels, words=words, source=source)


def _entry_keys(
    taxonomy: Taxonomy, user_words: tuple[str, ...]
) -> tuple[dict[str, str], int, list[str]]:
    """Map each taxonomy entry, tokenized like the texts and joined without spaces, to its
    category; return the map, the longest entry in tokens, and entries that can never match."""
    entries = [(w, c) for c, ws in taxonomy.words.items() for w in ws]
    tokens = tokenize([w for w, _ in entries], user_dict=user_words or None)
    index: dict[str, str] = {}
    unmatchable: list[str] = []
    longest = 1
    for (word, cat), toks in zip(entries, tokens, strict=True):
        if not toks:
            unmatchable.append(word)
            continue
        key = "".join(toks)
        if index.get(key, cat) != cat:
            raise ParamsError(
                f"{taxonomy.source}: {word!r} ({cat!r}) reads the same as a word of "
                f"{index[key]!r} once tokenized ({key!r}). Fix: keep it in one category only."
            )
        index[key] = cat
        # a Chinese word may reach the texts cut in parts (配送费 = 配送 + 费): look further
        longest = max(longest, len(toks), min(len(key), 3) if not _is_latin(key) else 1)
    return index, longest, unmatchable


def _match(
    tokens: list[list[str]], index: dict[str, str], longest: int, categories: list[str]
) -> tuple[np.ndarray, list[str | None]]:
    """Boolean matrix (texts x categories) and each text's main category.

    The main category has the most matched entries; ties go to the earliest match. A plain
    Python loop over token n-grams (dictionary look-ups): about 10 s per million short texts,
    far below tokenizing, and simpler than a vectorized sparse match.
    """
    col = {c: j for j, c in enumerate(categories)}
    hits = np.zeros((len(tokens), len(categories)), dtype=bool)
    primary: list[str | None] = []
    get = index.get
    seen: dict[int, dict[str, int]] = {}  # tokenize shares one list between equal texts
    for i, toks in enumerate(tokens):
        counts = seen.get(id(toks))
        if counts is None:
            counts = {}
            n = len(toks)
            for start in range(n):
                key = ""
                for stop in range(start, min(n, start + longest)):
                    key += toks[stop]
                    cat = get(key)
                    if cat is not None:
                        counts[cat] = counts.get(cat, 0) + 1
            seen[id(toks)] = counts
        if counts:
            for cat in counts:
                hits[i, col[cat]] = True
            primary.append(max(counts, key=counts.__getitem__))  # first max: earliest in dict order
        else:
            primary.append(None)
    return hits, primary


def categorize(
    texts: Iterable[str] | pd.Series,
    taxonomy: str | Path | Mapping[str, Any] | Taxonomy | None = None,
    *,
    tokens: Sequence[list[str]] | None = None,
    labels: Iterable[Any] | pd.Series | None = None,
    confidence: float = 0.95,
    seed: int = 0,
) -> CategoryResult:
    """Sort texts into the categories of a taxonomy by words matched on tokens (multi-label).

    Each taxonomy word or phrase is tokenized like the texts and matched against runs of a
    text's tokens, so "app" matches "the app crashed" but not "happy", and 配送费 matches
    whether jieba keeps it whole or not. A text is in every category one of whose words it
    contains; its main category (``primary``) is the one with most matches.

    Parameters
    ----------
    texts : list or Series of str
    taxonomy : path, dict or None
        None: the shipped default for service businesses (``fbresearch/resources/taxonomy.yaml``);
        see :func:`load_taxonomy`.
    tokens : list of list of str, optional
        Tokens of the texts already made by :func:`fbresearch.text.tokenize.tokenize` (reused, not
        recomputed). Without them the texts are tokenized with the taxonomy's Chinese words as
        a jieba user dictionary.
    labels : list or Series, optional
        A human category per text (missing where unlabelled). With at least 40 labelled texts
        and two categories, a TF-IDF + logistic-regression model (scikit-learn) is trained on
        three quarters of them; ``model`` holds its precision and recall on the held-out
        quarter and ``predicted`` its category for every text.
    confidence : float
        Confidence level of the shares' Wilson intervals.
    seed : int
        Seed of the held-out split.

    Returns
    -------
    CategoryResult

    Examples
    --------
    >>> r = categorize(["Refund still not here and the app crashes", "配送费太贵了", ""])
    >>> r.labels[["app_website", "refund_return", "price"]].values.tolist()
    [[True, True, False], [False, False, True], [False, False, False]]
    >>> round(r.uncategorized.estimate, 2)   # 0 of the 2 texts (the blank one is no text)
    0.0
    """
    series = _as_series(texts)
    tax = load_taxonomy(taxonomy)
    user_words = tuple(sorted({w for ws in tax.words.values() for w in ws if not _is_latin(w)}))
    if tokens is None:
        tokens = tokenize(series, user_dict=user_words or None)
    elif len(tokens) != len(series):
        raise AnalysisError(
            f"tokens has {len(tokens)} lists for {len(series)} texts; give one per text."
        )
    index, longest, unmatchable = _entry_keys(tax, user_words)
    cats = tax.categories
    hits, primary = _match(tokens, index, longest, cats)
    # one definition for every table: a text is any response with a non-blank text, and "No
    # category" is a text in none of the categories, even one left with no words once tokenized
    # (single characters, stopwords or symbols: "送的好慢啊"); a response without one is "No text"
    has_text = series.fillna("").astype(str).str.strip().ne("").rename("has_text")
    texts = has_text.to_numpy()
    label_frame = pd.DataFrame(hits, index=series.index, columns=cats)
    primary_s = pd.Series(primary, index=series.index, name="category", dtype=object)

    n_texts = int(texts.sum())
    rows = []
    for j, c in enumerate(cats):
        k = int(hits[texts, j].sum())
        e = proportion(k, n_texts, confidence)
        rows.append((c, tax.labels[c], k, e.estimate, e.ci_low, e.ci_high))
    none = texts & ~hits.any(axis=1)
    unc = proportion(int(none.sum()), n_texts, confidence, name="uncategorized")
    rows.append(
        (UNCATEGORIZED, "No category", int(none.sum()), unc.estimate, unc.ci_low, unc.ci_high)
    )
    table = pd.DataFrame(rows, columns=["category", "label", "n", "estimate", "ci_low", "ci_high"])
    table["unit"] = "share"
    table["confidence"] = confidence  # the display names the level of the intervals from it

    candidates = _candidates(tokens, none, hits.any(axis=1))
    notes = []
    if unmatchable:
        notes.append(
            f"Taxonomy words that can never match (stopwords or single characters): "
            f"{', '.join(unmatchable[:8])}."
        )
    model = predicted = None
    if labels is not None:
        model, predicted = _supervised(tokens, labels, series.index, seed)
    return CategoryResult(
        table=table,
        labels=label_frame,
        primary=primary_s,
        uncategorized=unc,
        candidates=candidates,
        names=dict(tax.labels),
        model=model,
        predicted=predicted,
        notes=tuple(notes),
        confidence=confidence,
        has_text=has_text,
    )


def _candidates(
    tokens: Sequence[list[str]], none: np.ndarray, categorized: np.ndarray, k: int = 12
) -> pd.DataFrame:
    """Words frequent in uncategorized texts and over-represented there (lift above 1.5)."""
    if not none.any():
        return pd.DataFrame(columns=["term", "texts", "share"])
    inside = Counter(w for i in np.flatnonzero(none) for w in set(tokens[i]))
    outside = Counter(w for i in np.flatnonzero(categorized) for w in set(tokens[i]))
    n_in, n_out = int(none.sum()), max(int(categorized.sum()), 1)
    rows = [
        (w, c, c / n_in)
        for w, c in inside.most_common()
        if c >= 2 and (c / n_in) > 1.5 * (outside.get(w, 0) / n_out)
    ]
    return pd.DataFrame(rows[:k], columns=["term", "texts", "share"])


def _supervised(
    tokens: Sequence[list[str]], labels: Any, index: pd.Index, seed: int
) -> tuple[pd.DataFrame, pd.Series]:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import precision_recall_fscore_support
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import make_pipeline

    y = pd.Series(
        list(labels) if not isinstance(labels, pd.Series) else labels.tolist(), dtype=object
    )
    if len(y) != len(tokens):
        raise FeedbackDataError(
            f"labels has {len(y)} values for {len(tokens)} texts",
            column="labels",
            fix="give one label per text (missing where unlabelled).",
        )
    known = y.notna().to_numpy() & np.fromiter((len(t) > 0 for t in tokens), bool, len(tokens))
    counts = y[known].value_counts()
    if known.sum() < 40 or len(counts) < 2 or counts.min() < 4:
        raise AnalysisError(
            f"the supervised category model needs at least 40 labelled texts in two or more "
            f"categories with 4 or more each; found {int(known.sum())} in {len(counts)}. Fix: label "
            f"more texts, or leave labels out to use the taxonomy alone."
        )
    docs = np.array(list(tokens), dtype=object)
    idx = np.flatnonzero(known)
    train, test = train_test_split(
        idx, test_size=0.25, random_state=seed, stratify=y.iloc[idx].astype(str)
    )
    model = make_pipeline(
        TfidfVectorizer(analyzer=lambda d: d, min_df=1, sublinear_tf=True),
        LogisticRegression(C=4.0, max_iter=2000),
    )
    model.fit(list(docs[train]), y.iloc[train].astype(str))
    pred_test = model.predict(list(docs[test]))
    classes = sorted(counts.index.astype(str))
    p, r, f, s = precision_recall_fscore_support(
        y.iloc[test].astype(str), pred_test, labels=classes, zero_division=0
    )
    scores = pd.DataFrame({"category": classes, "precision": p, "recall": r, "f1": f, "support": s})
    macro = pd.DataFrame(
        [
            {
                "category": "macro average",
                "precision": p.mean(),
                "recall": r.mean(),
                "f1": f.mean(),
                "support": int(s.sum()),
            }
        ]
    )
    predicted = pd.Series(model.predict(list(docs)), index=index, dtype=object, name="predicted")
    predicted = predicted.where(~y.notna().to_numpy(), y.astype(object).to_numpy())
    return pd.concat([scores, macro], ignore_index=True), predicted


def category_frame(frame: pd.DataFrame, result: CategoryResult) -> pd.DataFrame:
    """One row per response and category it is in (``uncategorized`` for a text in none,
    ``no_text`` for a response without a text): the long form that
    :func:`fbresearch.analyses.kpis.kpi_table` takes with ``by="category"``.

    Rows of ``frame`` must align with the texts given to :func:`categorize` (same index).

    Examples
    --------
    >>> df = pd.DataFrame({"text": ["late courier and cold food", "ok", None],
    ...                    "nps": [3, 9, 0]})
    >>> long = category_frame(df, categorize(df["text"]))
    >>> long[["category", "nps"]].values.tolist()
    [['delivery_logistics', 3], ['product_quality', 3], ['uncategorized', 9], ['no_text', 0]]
    """
    if not result.labels.index.equals(frame.index):
        raise AnalysisError(
            "the categories do not line up with the data (different row index). Fix: categorize "
            "frame['text'] of the same frame."
        )
    none = ~result.labels.any(axis=1)
    has_text = result.has_text if result.has_text is not None else pd.Series(True, none.index)
    lab = result.labels.assign(
        **{UNCATEGORIZED: none & has_text, NO_TEXT: none & ~has_text.astype(bool)}
    )
    long = lab.stack()
    long = long[long]
    pos = frame.index.get_indexer(long.index.get_level_values(0))
    out = frame.iloc[pos].copy()
    out["category"] = pd.Categorical(long.index.get_level_values(1), categories=list(lab.columns))
    return out.reset_index(drop=True)


def category_kpis(
    frame: pd.DataFrame,
    result: CategoryResult,
    *,
    period: str | pd.Period | None = None,
    months: int = 1,
    metrics: Sequence[str] | None = None,
    trend: bool = False,
    confidence: float = 0.95,
) -> Result:
    """Volume and satisfaction by category (a response counts in each of its categories).

    ``trend=False``: one row per category and metric over the ``months`` months ending with
    ``period``; ``trend=True``: by month and category, with each month's change (see
    :func:`fbresearch.analyses.kpis.kpi_table`). Metrics whose column is missing or has no
    answers are left out. Default ``metrics``: volume with NPS and CSAT, or when the data has
    neither, with the first of satisfied and CES that it has.

    Examples
    --------
    >>> df = pd.DataFrame({"submitted_at": pd.to_datetime(["2026-10-02", "2026-10-03"]),
    ...                    "text": ["late courier", "cold food"], "nps": [2, 9]})
    >>> t = category_kpis(df, categorize(df["text"]), period="2026-10", metrics=["nps"])
    >>> t.table[["category", "n", "estimate"]].values.tolist()
    [['delivery_logistics', 1, -100.0], ['product_quality', 1, 100.0]]
    """
    answered = [m for m in ("nps", "csat", "satisfied", "ces") if _has_answers(frame, m)]
    if metrics is None:
        metrics = ["volume", *([m for m in answered if m in ("nps", "csat")] or answered[:1])]
    present = [m for m in metrics if m == "volume" or _has_answers(frame, m.split("_")[0])]
    if not present:
        raise AnalysisError(f"none of the metrics {list(metrics)} has a column in the data.")
    long = category_frame(frame, result)
    month = long["submitted_at"].dt.to_period("M")
    if period is not None:
        end = pd.Period(period, "M")
        long = long[(month > end - months) & (month <= end)]
    if not len(long):
        raise AnalysisError("no responses in the months asked for.")
    long = long.assign(category=long["category"].cat.remove_unused_categories())
    by = ["month", "category"] if trend else "category"
    return kpi_table(long, by=by, metrics=list(present), confidence=confidence)


def _has_answers(frame: pd.DataFrame, column: str) -> bool:
    """Whether ``frame`` has ``column`` with at least one answer."""
    return column in frame.columns and bool(frame[column].notna().any())


def add_triage_columns(
    frame: pd.DataFrame,
    categories: Any = None,
    graded: Any = None,
    screen: Any = None,
) -> pd.DataFrame:
    """``frame`` with the triage columns other analyses use: ``category`` (main category),
    ``severity``, ``severity_rule``, ``suspicious`` and ``suspicious_reason``.

    Each input is the output of :func:`categorize`, :func:`severity` and
    :func:`fbresearch.analyses.triage.suspicious.suspicious_feedback` for ``frame``; one that is None or not
    available (a notebook's ``attempt`` placeholder) adds no column. Rows the screen says to
    exclude (``exclude=True``) are dropped.

    Examples
    --------
    >>> from fbresearch.analyses.triage.severity import severity
    >>> df = pd.DataFrame({"text": ["late courier", "ok"], "nps": [2, 9]})
    >>> add_triage_columns(df, categorize(df["text"]), severity(df))[["category", "severity"]].values.tolist()
    [['delivery_logistics', 'important'], [None, 'general']]
    """
    out = frame.copy()
    primary = getattr(categories, "primary", None)
    if isinstance(primary, pd.Series) and primary.index.equals(frame.index):
        out["category"] = primary
        # the reader's names of the codes, for the analyses that show categories
        out.attrs["category_labels"] = {**UNSORTED_LABELS, **dict(categories.names)}
    if isinstance(graded, pd.DataFrame) and {"severity", "rule"} <= set(graded.columns):
        out["severity"] = graded["severity"].reindex(frame.index)
        out["severity_rule"] = graded["rule"].reindex(frame.index)
    flags = getattr(screen, "flags", None)
    if isinstance(flags, pd.DataFrame) and flags.index.equals(frame.index):
        out["suspicious"] = flags["suspicious"]
        out["suspicious_reason"] = flags["reason"]
        out = screen.kept(out)
    return out
