"""Triage and the closed loop: categories, severity, response times and follow-up of detractors.

Topics (LDA) find what nobody planned for; this module applies the company's own rules:

* :func:`categorize` sorts verbatims into a taxonomy of categories (product quality, delivery,
  price, ...) by matching words and phrases on tokens, with an optional supervised model when some
  rows carry a human label;
* :func:`severity` grades every response urgent, important or general by named rules and records
  the rule that graded it;
* :func:`response_times` measures the response loop: the share answered within each grade's time
  limit, and the median time to resolution by Kaplan-Meier, so cases still open are censored
  rather than dropped;
* :func:`close_the_loop` follows detractors: were they contacted, and did those who answered again
  later score differently?

Screening out fake or invalid feedback lives in :mod:`fbresearch.suspicious`.

Examples
--------
>>> from fbresearch.triage import categorize
>>> r = categorize(["The courier was late again", "退款申请两个星期了还没到账", "Nice"])
>>> r.primary.tolist()
['delivery_logistics', 'refund_return', None]
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from fbresearch.errors import AnalysisError, FeedbackDataError, ParamsError
from fbresearch.metrics import nps as nps_estimate
from fbresearch.metrics import proportion
from fbresearch.results import Estimate, Finding, Result, format_number

__all__ = [
    "categorize",
    "CategoryResult",
    "load_taxonomy",
    "category_frame",
    "category_kpis",
    "add_triage_columns",
    "severity",
    "severity_mix",
    "SeverityMix",
    "load_severity_rules",
    "response_times",
    "ResponseTimesResult",
    "close_the_loop",
    "LoopResult",
    "SEVERITIES",
    "DEFAULT_LIMITS_HOURS",
]

#: Grades from most to least pressing.
SEVERITIES = ("urgent", "important", "general")
#: Response-time limit per grade, in hours (the default severity rules' ``limits_hours``).
DEFAULT_LIMITS_HOURS = {"urgent": 4.0, "important": 24.0, "general": 72.0}
UNCATEGORIZED = "uncategorized"

_TAXONOMY_KEYS = ("categories", "description", "version")
_CATEGORY_KEYS = ("label", "description", "en", "zh")
_RULE_KEYS = (
    "name",
    "severity",
    "words",
    "column",
    "at_most",
    "at_least",
    "equals",
    "in",
    "missing",
    "sentiment",
    "description",
)
_RULES_KEYS = ("rules", "limits_hours", "description")


def _suggest(key: str, allowed: Sequence[str]) -> str:
    close = difflib.get_close_matches(str(key), list(allowed), n=1)
    return f" Did you mean {close[0]!r}?" if close else ""


def _read_yaml(source: str | Path, what: str) -> Any:
    path = Path(source)
    if not path.is_file():
        raise ParamsError(
            f"{what} file {str(path)!r} not found. Fix: give the path of a YAML file."
        )
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        raise ParamsError(f"{what} file {path.name!r} is not valid YAML: {err}") from None


def _package_yaml(name: str) -> Any:
    return yaml.safe_load((resources.files("fbresearch") / "resources" / name).read_text("utf-8"))


def _is_latin(word: str) -> bool:
    return word.isascii()


# =========================================================================== categories


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
    from fbresearch.text.tokenize import tokenize

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


@dataclass(frozen=True, eq=False)
class CategoryResult(Result):
    """Categories of each text (``categorize``).

    Attributes
    ----------
    table : DataFrame
        One row per category (and ``uncategorized``): ``category``, ``label``, ``n`` (texts in
        it), ``estimate``, ``ci_low``, ``ci_high`` (its share of texts with words, Wilson CI),
        ``unit``.
    labels : DataFrame
        One row per text (input index), one boolean column per category; a text may be in
        several.
    primary : Series
        Each text's main category (most matched words; ties: the earliest), None when none.
    uncategorized : Estimate
        Share of texts with words that fell in no category.
    candidates : DataFrame
        Words that dominate the uncategorized texts (``term``, ``texts``, ``share``): candidate
        keywords for the taxonomy.
    model : DataFrame or None
        With ``labels=``: held-out ``precision``, ``recall``, ``f1`` and ``support`` per category
        of the supervised model (TF-IDF + logistic regression).
    predicted : Series or None
        The supervised model's category for every text (human labels kept where given).
    """

    labels: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    primary: pd.Series = field(default_factory=pd.Series, repr=False)
    uncategorized: Estimate | None = None
    candidates: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    names: dict[str, str] = field(default_factory=dict)
    model: pd.DataFrame | None = field(default=None, repr=False)
    predicted: pd.Series | None = field(default=None, repr=False)
    notes: tuple[str, ...] = ()

    def summary(self) -> str:
        if self.uncategorized is None or self.uncategorized.n == 0:
            return "No texts with words to categorize."
        rows = self.table[self.table["category"] != UNCATEGORIZED].sort_values("n", ascending=False)
        top = ", ".join(
            f"{r.label} {format_number(r.estimate, 0, percent=True)}"
            for r in rows.head(3).itertuples()
        )
        text = (
            f"Of {self.uncategorized.n:,} texts with words, the largest categories were {top} "
            f"(a text can be in several). {self.uncategorized.format(0)} fell in no category"
        )
        if len(self.candidates):
            text += f"; the words most common among them are {', '.join(self.candidates['term'].head(6))}"
        text += "."
        if self.model is not None and len(self.model):
            overall = self.model[self.model["category"] == "macro average"]
            if len(overall):
                r = overall.iloc[0]
                text += (
                    f" The model trained on labelled texts reached a held-out precision of "
                    f"{r['precision']:.0%} and recall of {r['recall']:.0%} (macro average)."
                )
        return text + "".join(f" {n}" for n in self.notes)

    def findings(self) -> list[Finding]:
        if self.uncategorized is None or self.uncategorized.n == 0:
            return []
        rows = self.table[self.table["category"] != UNCATEGORIZED]
        top = rows.loc[rows["n"].idxmax()]
        est = Estimate(
            top["estimate"],
            top["ci_low"],
            top["ci_high"],
            n=int(self.uncategorized.n),
            name=f"share {top['label']}",
            unit="share",
        )
        return [
            Finding(
                f"The largest feedback category was {top['label'].lower()}: {est.format(0)} of "
                f"texts.",
                est,
                importance=0.55,
                analysis="closed_loop",
            ),
            Finding(
                f"{self.uncategorized.format(0)} of texts fell in no category of the taxonomy.",
                self.uncategorized,
                importance=0.3,
                analysis="closed_loop",
            ),
        ]

    def plot(self, ax=None):  # noqa: ANN001, ANN201
        """Share of texts per category with CIs."""
        from fbresearch import plots

        data = self.table.assign(
            **{c: 100 * self.table[c] for c in ("estimate", "ci_low", "ci_high")}
        )
        return plots.category_shares(data, ax=ax)


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
    >>> round(r.uncategorized.estimate, 2)   # 0 of the 2 texts with words
    0.0
    """
    from fbresearch.text.tokenize import _as_series, tokenize

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
    has_words = np.fromiter((len(t) > 0 for t in tokens), bool, len(tokens))
    label_frame = pd.DataFrame(hits, index=series.index, columns=cats)
    primary_s = pd.Series(primary, index=series.index, name="category", dtype=object)

    n_words = int(has_words.sum())
    rows = []
    for j, c in enumerate(cats):
        k = int(hits[has_words, j].sum())
        e = proportion(k, n_words, confidence)
        rows.append((c, tax.labels[c], k, e.estimate, e.ci_low, e.ci_high))
    none = has_words & ~hits.any(axis=1)
    unc = proportion(int(none.sum()), n_words, confidence, name="uncategorized")
    rows.append(
        (UNCATEGORIZED, "No category", int(none.sum()), unc.estimate, unc.ci_low, unc.ci_high)
    )
    table = pd.DataFrame(rows, columns=["category", "label", "n", "estimate", "ci_low", "ci_high"])
    table["unit"] = "share"

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
    )


def _candidates(
    tokens: Sequence[list[str]], none: np.ndarray, categorized: np.ndarray, k: int = 12
) -> pd.DataFrame:
    """Words frequent in uncategorized texts and over-represented there (lift above 1.5)."""
    from collections import Counter

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
    """One row per response and category it is in (``uncategorized`` for none): the long form
    that :func:`fbresearch.metrics.kpi_table` takes with ``by="category"``.

    Rows of ``frame`` must align with the texts given to :func:`categorize` (same index).

    Examples
    --------
    >>> df = pd.DataFrame({"text": ["late courier and cold food", "ok"], "nps": [3, 9]})
    >>> long = category_frame(df, categorize(df["text"]))
    >>> long[["category", "nps"]].values.tolist()
    [['delivery_logistics', 3], ['product_quality', 3], ['uncategorized', 9]]
    """
    if not result.labels.index.equals(frame.index):
        raise AnalysisError(
            "the categories do not line up with the data (different row index). Fix: categorize "
            "frame['text'] of the same frame."
        )
    lab = result.labels.assign(**{UNCATEGORIZED: ~result.labels.any(axis=1)})
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
    metrics: Sequence[str] = ("volume", "nps", "csat"),
    trend: bool = False,
    confidence: float = 0.95,
) -> Result:
    """Volume and satisfaction by category (a response counts in each of its categories).

    ``trend=False``: one row per category and metric over the ``months`` months ending with
    ``period``; ``trend=True``: by month and category, with each month's change (see
    :func:`fbresearch.metrics.kpi_table`). Metrics whose column is missing are left out.

    Examples
    --------
    >>> df = pd.DataFrame({"submitted_at": pd.to_datetime(["2026-10-02", "2026-10-03"]),
    ...                    "text": ["late courier", "cold food"], "nps": [2, 9]})
    >>> t = category_kpis(df, categorize(df["text"]), period="2026-10", metrics=["nps"])
    >>> t.table[["category", "n", "estimate"]].values.tolist()
    [['delivery_logistics', 1, -100.0], ['product_quality', 1, 100.0]]
    """
    from fbresearch.metrics import kpi_table

    present = [m for m in metrics if m == "volume" or m.split("_")[0] in frame.columns]
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


def add_triage_columns(
    frame: pd.DataFrame,
    categories: Any = None,
    graded: Any = None,
    screen: Any = None,
) -> pd.DataFrame:
    """``frame`` with the triage columns other analyses use: ``category`` (main category),
    ``severity``, ``severity_rule``, ``suspicious`` and ``suspicious_reason``.

    Each input is the output of :func:`categorize`, :func:`severity` and
    :func:`fbresearch.suspicious.suspicious_feedback` for ``frame``; one that is None or not
    available (a notebook's ``attempt`` placeholder) adds no column. Rows the screen says to
    exclude (``exclude=True``) are dropped.

    Examples
    --------
    >>> df = pd.DataFrame({"text": ["late courier", "ok"], "nps": [2, 9]})
    >>> add_triage_columns(df, categorize(df["text"]), severity(df))[["category", "severity"]].values.tolist()
    [['delivery_logistics', 'important'], [None, 'general']]
    """
    out = frame.copy()
    primary = getattr(categories, "primary", None)
    if isinstance(primary, pd.Series) and primary.index.equals(frame.index):
        out["category"] = primary
    if isinstance(graded, pd.DataFrame) and {"severity", "rule"} <= set(graded.columns):
        out["severity"] = graded["severity"].reindex(frame.index)
        out["severity_rule"] = graded["rule"].reindex(frame.index)
    flags = getattr(screen, "flags", None)
    if isinstance(flags, pd.DataFrame) and flags.index.equals(frame.index):
        out["suspicious"] = flags["suspicious"]
        out["suspicious_reason"] = flags["reason"]
        out = screen.kept(out)
    return out


# =========================================================================== severity


@dataclass(frozen=True)
class SeverityRules:
    rules: tuple[dict[str, Any], ...]
    limits_hours: dict[str, float]
    source: str = "default severity rules"


def load_severity_rules(
    rules: str | Path | Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = None,
) -> SeverityRules:
    """Read and check severity rules: the shipped defaults, a YAML file, a dict or a list.

    See ``fbresearch/resources/severity_rules.yaml`` for the format. A list of rules keeps the
    default time limits.

    Examples
    --------
    >>> r = load_severity_rules([{"name": "angry", "severity": "urgent", "column": "nps", "at_most": 1}])
    >>> r.rules[0]["name"], r.limits_hours["urgent"]
    ('angry', 4.0)
    >>> load_severity_rules([{"name": "x", "severity": "critical", "column": "nps", "at_most": 1}])
    Traceback (most recent call last):
    ...
    fbresearch.errors.ParamsError: severity rules: rule 'x' has severity 'critical'; use one of urgent, important, general.
    """
    source = "default severity rules"
    if rules is None:
        raw: Any = _package_yaml("severity_rules.yaml")
    elif isinstance(rules, (str, Path)):
        raw, source = _read_yaml(rules, "severity rules"), Path(rules).name
    else:
        raw, source = rules, "severity rules"
    if isinstance(raw, Mapping):
        for key in raw:
            if key not in _RULES_KEYS:
                raise ParamsError(
                    f"{source}: unknown key {key!r}; allowed keys are "
                    f"{', '.join(_RULES_KEYS)}.{_suggest(key, _RULES_KEYS)}"
                )
        limits_raw = raw.get("limits_hours") or DEFAULT_LIMITS_HOURS
        raw_rules = raw.get("rules") or []
    else:
        limits_raw, raw_rules = DEFAULT_LIMITS_HOURS, list(raw or [])
    limits = {**DEFAULT_LIMITS_HOURS}
    for grade, hours in dict(limits_raw).items():
        if grade not in SEVERITIES:
            raise ParamsError(
                f"{source}: limits_hours has an unknown grade {grade!r}; use "
                f"{', '.join(SEVERITIES)}."
            )
        if not isinstance(hours, (int, float)) or not hours > 0:
            raise ParamsError(
                f"{source}: limits_hours {grade}: must be a positive number of hours, "
                f"not {hours!r}."
            )
        limits[grade] = float(hours)
    out = []
    for i, rule in enumerate(raw_rules, start=1):
        if not isinstance(rule, Mapping):
            raise ParamsError(
                f"{source}: rule {i} must be a mapping with name, severity and a condition."
            )
        name = str(rule.get("name") or f"rule_{i}")
        for key in rule:
            if key not in _RULE_KEYS:
                raise ParamsError(
                    f"{source}: rule {name!r} has an unknown key {key!r}; allowed keys "
                    f"are {', '.join(_RULE_KEYS)}.{_suggest(key, _RULE_KEYS)}"
                )
        if rule.get("severity") not in SEVERITIES:
            raise ParamsError(
                f"{source}: rule {name!r} has severity {rule.get('severity')!r}; use "
                f"one of {', '.join(SEVERITIES)}."
            )
        has_test = any(k in rule for k in ("at_most", "at_least", "equals", "in", "missing"))
        if "column" in rule and not has_test:
            raise ParamsError(
                f"{source}: rule {name!r} names column {rule['column']!r} but no test; "
                f"add at_most, at_least, equals, in or missing."
            )
        if has_test and "column" not in rule:
            raise ParamsError(f"{source}: rule {name!r} has a test but no column.")
        if not any(k in rule for k in ("words", "column", "sentiment")):
            raise ParamsError(
                f"{source}: rule {name!r} has no condition; give words, column or sentiment."
            )
        if "words" in rule and not rule["words"]:
            raise ParamsError(f"{source}: rule {name!r} has an empty words list.")
        if rule.get("sentiment", "negative") not in ("negative", "positive", "neutral"):
            raise ParamsError(
                f"{source}: rule {name!r}: sentiment must be negative, positive or neutral."
            )
        out.append({**rule, "name": name})
    return SeverityRules(rules=tuple(out), limits_hours=limits, source=source)


def _rule_mask(
    rule: dict[str, Any], frame: pd.DataFrame, text: str, cache: dict[str, Any], notes: list[str]
) -> np.ndarray | None:
    """Rows meeting every condition of ``rule``; None when the rule cannot be evaluated."""
    n = len(frame)
    mask = np.ones(n, dtype=bool)
    if "column" in rule:
        col = rule["column"]
        if col not in frame.columns:
            notes.append(
                f"Rule {rule['name']!r} was skipped: the data has no column {col!r} "
                f"(map a column to {col!r} in params columns:, or remove the rule)."
            )
            return None
        values = frame[col]
        if "missing" in rule:
            mask &= values.isna().to_numpy(dtype=bool) == bool(rule["missing"])
        if "in" in rule:
            mask &= values.isin(list(rule["in"])).fillna(False).to_numpy(dtype=bool)
        if "equals" in rule:
            mask &= (values == rule["equals"]).fillna(False).to_numpy(dtype=bool)
        for key, op in (("at_most", np.less_equal), ("at_least", np.greater_equal)):
            if key in rule:
                num = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
                mask &= np.where(np.isnan(num), False, op(num, float(rule[key])))
    if "words" in rule or "sentiment" in rule:
        if text not in frame.columns:
            notes.append(f"Rule {rule['name']!r} was skipped: the data has no {text!r} column.")
            return None
    if "words" in rule:
        mask &= _contains_words(cache, rule["words"])
    if "sentiment" in rule:
        if "sentiment" not in cache:
            from fbresearch.text.tokenize import sentiment

            cache["sentiment"] = (
                sentiment(cache["texts"], method="lexicon").table["sentiment"].to_numpy()
            )
        mask &= cache["sentiment"] == rule["sentiment"]
    return mask


def _contains_words(cache: dict[str, Any], words: Sequence[str]) -> np.ndarray:
    from fbresearch.text.tokenize import tokenize

    if "tokens" not in cache:
        cache["tokens"] = tokenize(cache["texts"], remove_stopwords=False, min_length=1)
    entry_tokens = tokenize([str(w) for w in words], remove_stopwords=False, min_length=1)
    keys = {"".join(t) for t in entry_tokens if t}
    longest = max((len(t) for t in entry_tokens), default=1)
    out = np.zeros(len(cache["tokens"]), dtype=bool)
    # tokenize gives equal texts one shared list: match each distinct list once
    done: dict[int, bool] = {}
    for i, toks in enumerate(cache["tokens"]):
        found = done.get(id(toks))
        if found is None:
            found = False
            n = len(toks)
            for start in range(n):
                key = ""
                for stop in range(start, min(n, start + longest)):
                    key += toks[stop]
                    if key in keys:
                        found = True
                        break
                if found:
                    break
            done[id(toks)] = found
        out[i] = found
    return out


def severity(
    frame: pd.DataFrame,
    rules: str | Path | Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = None,
    *,
    text: str = "text",
) -> pd.DataFrame:
    """Grade every response urgent, important or general by named rules; record the rule.

    Rules are tried in order and the first whose conditions all hold grades the response;
    a response no rule matches is ``general`` (rule ``"default"``). The default rules
    (``fbresearch/resources/severity_rules.yaml``): urgent for safety or health words, legal or
    regulator threats and churn intent (cancel my account, 注销); important for detractors
    (NPS 0-6), CSAT 1-2 and texts reading negative; general otherwise.

    Parameters
    ----------
    frame : DataFrame
        Feedback with the columns the rules name (``text``, ``nps``, ``csat`` for the defaults).
    rules : path, dict, list or None
        See :func:`load_severity_rules`. A rule naming a column the data lacks is skipped and
        the returned frame's ``attrs["notes"]`` says so.
    text : str
        The verbatim column.

    Returns
    -------
    DataFrame
        One row per response (``frame``'s index): ``severity`` (ordered categorical: general <
        important < urgent) and ``rule``. ``attrs``: ``limits_hours`` and ``notes``.

    Examples
    --------
    >>> df = pd.DataFrame({"nps": [2, 9, 10],
    ...                    "text": ["Late again", "I got food poisoning", "Great, thanks"]})
    >>> severity(df).values.tolist()
    [['important', 'detractor'], ['urgent', 'safety_or_health'], ['general', 'default']]
    """
    parsed = load_severity_rules(rules)
    if not isinstance(frame, pd.DataFrame):
        raise FeedbackDataError(
            "severity needs a DataFrame of feedback",
            fix="pass the feedback table, e.g. inputs.feedback.",
        )
    from fbresearch.text.tokenize import _as_series

    cache: dict[str, Any] = {}
    if text in frame.columns:
        cache["texts"] = _as_series(frame[text])
    grade = np.full(len(frame), "general", dtype=object)
    rule_of = np.full(len(frame), "default", dtype=object)
    open_ = np.ones(len(frame), dtype=bool)
    notes: list[str] = []
    for rule in parsed.rules:
        mask = _rule_mask(rule, frame, text, cache, notes)
        if mask is None:
            continue
        hit = open_ & mask
        grade[hit], rule_of[hit] = rule["severity"], rule["name"]
        open_ &= ~hit
    out = pd.DataFrame(
        {
            "severity": pd.Categorical(grade, categories=SEVERITIES[::-1], ordered=True),
            "rule": pd.Series(rule_of, dtype="str").to_numpy(),
        },
        index=frame.index,
    )
    out.attrs["limits_hours"] = dict(parsed.limits_hours)
    out.attrs["notes"] = list(notes)
    out.attrs["rule_order"] = [r["name"] for r in parsed.rules] + ["default"]
    return out


@dataclass(frozen=True, eq=False)
class SeverityMix(Result):
    """Counts and shares by grade and rule (``severity_mix``)."""

    grades: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    notes: tuple[str, ...] = ()

    def summary(self) -> str:
        g = self.grades.set_index("severity")
        n = int(g["n"].sum())
        if n == 0:
            return "No responses to grade."
        parts = [
            f"{grade} {format_number(g.loc[grade, 'estimate'], 1, percent=True)} "
            f"({int(g.loc[grade, 'n']):,})"
            for grade in SEVERITIES
            if grade in g.index
        ]
        return (
            f"Of {n:,} responses: " + ", ".join(parts) + ". Each response is graded by the "
            "first rule it meets; the table counts responses by rule."
            + "".join(f" {x}" for x in self.notes)
        )

    def findings(self) -> list[Finding]:
        g = self.grades.set_index("severity")
        if "urgent" not in g.index or g["n"].sum() == 0:
            return []
        r = g.loc["urgent"]
        est = Estimate(
            r["estimate"],
            r["ci_low"],
            r["ci_high"],
            n=int(g["n"].sum()),
            name="urgent share",
            unit="share",
        )
        return [
            Finding(
                f"{int(r['n']):,} responses ({est.format(1)}) were graded urgent.",
                est,
                importance=0.5,
                analysis="closed_loop",
            )
        ]

    def plot(self, ax=None):  # noqa: ANN001, ANN201
        from fbresearch import plots

        return plots.severity_rules(self.table, ax=ax)


def severity_mix(graded: pd.DataFrame, confidence: float = 0.95) -> SeverityMix:
    """Counts by grade (share with Wilson CI) and by rule, from :func:`severity`'s output.

    Examples
    --------
    >>> g = severity(pd.DataFrame({"nps": [2, 3, 9, 10], "text": ["", "", "", ""]}))
    >>> severity_mix(g).grades[["severity", "n"]].values.tolist()
    [['urgent', 0], ['important', 2], ['general', 2]]
    """
    for col in ("severity", "rule"):
        if col not in graded.columns:
            raise AnalysisError(f"column {col!r} is missing; pass the output of severity().")
    n = len(graded)
    rows = []
    for grade in SEVERITIES:
        k = int((graded["severity"] == grade).sum())
        e = proportion(k, n, confidence)
        rows.append((grade, k, e.estimate, e.ci_low, e.ci_high))
    grades = pd.DataFrame(rows, columns=["severity", "n", "estimate", "ci_low", "ci_high"])
    grades["unit"] = "share"
    order = graded.attrs.get("rule_order") or sorted(graded["rule"].unique())
    by_rule = graded.groupby("rule", observed=True)["severity"].agg(["size", "first"])
    table = pd.DataFrame(
        {
            "rule": order,
            "severity": [str(by_rule.loc[r, "first"]) if r in by_rule.index else "" for r in order],
            "responses": [int(by_rule.loc[r, "size"]) if r in by_rule.index else 0 for r in order],
        }
    )
    table["share"] = table["responses"] / max(n, 1)
    return SeverityMix(table=table, grades=grades, notes=tuple(graded.attrs.get("notes", ())))


# =========================================================================== response times


def _parse_times(values: pd.Series, column: str, flags: dict[str, np.ndarray]) -> pd.Series:
    """Date-times from datetime or text columns in several formats; time zones to UTC.

    Text with an explicit offset ("+08:00", "Z") is converted to UTC and made naive; when a
    column mixes offsets (or offsets and none), the rows are flagged ``mixed_time_zones``.
    Unreadable texts become NaT and are flagged ``unreadable_time``.
    """
    n = len(values)
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        return values.dt.tz_convert("UTC").dt.tz_localize(None).astype("datetime64[ns]")
    if pd.api.types.is_datetime64_any_dtype(values):
        return values.astype("datetime64[ns]")
    raw = values.astype("object")
    present = raw.notna() & (raw.astype(str).str.strip() != "")
    strings = raw[present].astype(str).str.strip()
    offset = strings.str.contains(r"(?:Z|[+-]\d{2}:?\d{2})$", regex=True)
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    if len(strings):
        parsed = pd.to_datetime(strings, errors="coerce", format="mixed", utc=True)
        naive = pd.to_datetime(strings[~offset], errors="coerce", format="mixed")
        result = parsed.dt.tz_localize(None).astype("datetime64[ns]")
        result[~offset] = naive.astype("datetime64[ns]")
        out[strings.index] = result
        zones = strings[offset].str.extract(r"(Z|[+-]\d{2}:?\d{2})$")[0].str.replace(":", "")
        zones = zones.replace({"Z": "+0000"})
        if offset.any() and (zones.nunique() > 1 or (~offset).any()):
            mixed = np.zeros(n, dtype=bool)
            mixed[values.index.get_indexer(strings.index[offset])] = True
            flags["mixed_time_zones"] = flags.get("mixed_time_zones", np.zeros(n, bool)) | mixed
    bad = (present & out.isna()).to_numpy()
    if bad.any():
        flags[f"unreadable_{column}"] = bad
    return out


@dataclass(frozen=True, eq=False)
class ResponseTimesResult(Result):
    """The response loop (``response_times``).

    Attributes
    ----------
    table : DataFrame
        One row per ``dimension`` (``all``, ``severity``, ``channel``, ``category``) and
        ``group``: ``cases``, ``limit_due`` (cases whose limit had passed), ``within``
        (answered within their grade's limit), ``estimate``, ``ci_low``, ``ci_high`` (share
        within, Wilson CI), ``median_response_hours`` (among answered), ``open`` (not resolved
        at ``asof``), ``km_median_hours``, ``km_ci_low``, ``km_ci_high`` (Kaplan-Meier median time
        to resolution, open cases censored), ``naive_median_hours`` (median over resolved cases
        only: what ignoring the open cases would say).
    within : Estimate
        Share of all due cases answered within their limit.
    resolution : Estimate
        Kaplan-Meier median hours to resolution (cases of the window), with its CI.
    naive_median_hours : float
        Median over resolved cases only, for comparison.
    worst : dict
        Dimension -> the group with the lowest share within limits (among groups of 30+ cases).
    quality : DataFrame
        ``check``, ``rows``, ``meaning``: timestamp problems counted (and how they were treated).
    open_urgent : DataFrame
        Urgent cases still open at ``asof``: ``submitted_at``, ``channel``, ``hours_open``,
        ``excerpt`` (redacted, cut to 80 characters).
    survival : DataFrame
        Kaplan-Meier curve per grade: ``severity``, ``hours``, ``resolved_share``.
    """

    within: Estimate | None = None
    resolution: Estimate | None = None
    naive_median_hours: float = math.nan
    worst: dict[str, str] = field(default_factory=dict)
    quality: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    open_urgent: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    survival: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    limits_hours: dict[str, float] = field(default_factory=dict)
    asof: pd.Timestamp | None = None
    notes: tuple[str, ...] = ()

    def _resolution_text(self) -> str:
        r = self.resolution
        if r is None:
            return ""
        if math.isnan(r.estimate):
            return (
                f" Fewer than half of the {r.n:,} cases were resolved by the end of the period, "
                f"so the median time to resolution is not reached yet."
            )
        naive = (
            ""
            if math.isnan(self.naive_median_hours)
            else f"; counting only resolved cases would say {self.naive_median_hours:.0f} hours"
        )
        return (
            f" Half of the cases were resolved within {r.format(0)} hours (Kaplan-Meier median, "
            f"{r.n:,} cases, open ones counted until the end of the period{naive})."
        )

    def summary(self) -> str:
        if self.within is None and self.resolution is None:
            return "No cases to measure response times on."
        limits = ", ".join(f"{g} {h:g} h" for g, h in self.limits_hours.items())
        text = ""
        if self.within is not None and self.within.n:
            text = (
                f"{self.within.format(0)} of {self.within.n:,} cases were answered within their "
                f"grade's time limit ({limits})."
            )
        text += self._resolution_text()
        if "channel" in self.worst:
            text += f" The channel that breaks its limits most is {self.worst['channel']}."
        if "category" in self.worst:
            text += f" The category answered late most often is {self.worst['category']}."
        flagged = int(self.quality["rows"].sum()) if len(self.quality) else 0
        if flagged:
            text += f" {flagged:,} timestamp problems were found (see the quality table)."
        return text + "".join(f" {x}" for x in self.notes)

    def findings(self) -> list[Finding]:
        out = []
        if self.within is not None and self.within.n:
            out.append(
                Finding(
                    f"{self.within.format(0)} of cases were answered within their "
                    f"grade's time limit.",
                    self.within,
                    importance=0.6,
                    analysis="closed_loop",
                )
            )
        rows = self.table[self.table["dimension"] == "channel"]
        if "channel" in self.worst and len(rows):
            r = rows[rows["group"] == self.worst["channel"]].iloc[0]
            est = Estimate(
                r["estimate"],
                r["ci_low"],
                r["ci_high"],
                n=int(r["limit_due"]),
                name=f"within limit ({r['group']})",
                unit="share",
            )
            out.append(
                Finding(
                    f"{r['group']} breaks its response-time limits most: only "
                    f"{est.format(0)} answered in time.",
                    est,
                    importance=0.7,
                    analysis="closed_loop",
                )
            )
        if self.resolution is not None and not math.isnan(self.resolution.estimate):
            out.append(
                Finding(
                    f"Median time to resolution: {self.resolution.format(0)} hours.",
                    self.resolution,
                    importance=0.5,
                    analysis="closed_loop",
                )
            )
        if len(self.open_urgent):
            out.append(
                Finding(
                    f"{len(self.open_urgent):,} urgent cases were still open at the end "
                    f"of the period.",
                    importance=0.75,
                    analysis="closed_loop",
                )
            )
        return out

    def display_table(self) -> pd.DataFrame:
        """A readable table: shares within limits and medians with CIs."""
        from fbresearch.display import format_ci

        t = self.table
        return pd.DataFrame(
            {
                "By": t["dimension"],
                "Group": t["group"],
                "Cases": t["cases"],
                "Answered within limit (95% CI)": [
                    format_ci(e, lo, hi, percent=True, digits=0)
                    for e, lo, hi in zip(t["estimate"], t["ci_low"], t["ci_high"], strict=True)
                ],
                "Median hours to first answer": t["median_response_hours"].round(1),
                "Open at end": t["open"],
                "Median hours to resolution (95% CI)": [
                    ("not reached" if math.isnan(e) and c > 0 else format_ci(e, lo, hi, digits=0))
                    for e, lo, hi, c in zip(
                        t["km_median_hours"],
                        t["km_ci_low"],
                        t["km_ci_high"],
                        t["cases"],
                        strict=True,
                    )
                ],
                "Resolved cases only (biased)": t["naive_median_hours"].round(0),
            }
        )

    def plot(self, ax=None, dimension: str = "channel"):  # noqa: ANN001, ANN201
        """Share answered within limits by ``dimension``, with CIs."""
        from fbresearch import plots

        data = self.table[self.table["dimension"] == dimension]
        data = data.assign(**{c: 100 * data[c] for c in ("estimate", "ci_low", "ci_high")})
        overall = None if self.within is None else 100 * self.within.estimate
        return plots.within_limit(data, overall=overall, ax=ax)

    def plot_survival(self, ax=None):  # noqa: ANN001, ANN201
        """Kaplan-Meier share of cases resolved over time, per grade."""
        from fbresearch import plots

        return plots.resolution_curves(self.survival, ax=ax)


def _km(hours: np.ndarray, resolved: np.ndarray, confidence: float) -> tuple[float, float, float]:
    """Kaplan-Meier median (statsmodels ``SurvfuncRight``) with its CI; NaN when not reached."""
    from statsmodels.duration.survfunc import SurvfuncRight

    if len(hours) == 0 or not resolved.any():
        return math.nan, math.nan, math.nan
    sf = SurvfuncRight(hours, resolved.astype(float))
    median = float(sf.quantile(0.5))
    try:
        with np.errstate(divide="ignore", invalid="ignore"):  # log(0) at the curve's ends
            low, high = sf.quantile_ci(0.5, alpha=1 - confidence, method="cloglog")
    except (ValueError, ZeroDivisionError, FloatingPointError):  # pragma: no cover - degenerate
        low, high = math.nan, math.nan
    low = math.nan if low is None else float(low)
    high = math.nan if high is None else float(high)
    if math.isnan(high) and not math.isnan(median):
        high = math.inf  # the curve never falls far enough: the upper bound is not reached
    return median, low, high


def response_times(
    frame: pd.DataFrame,
    limits: Mapping[str, float] | None = None,
    *,
    severity: str | pd.Series | None = "severity",
    by: Sequence[str] = ("severity", "channel", "category"),
    asof: str | pd.Timestamp | None = None,
    window_days: int | None = 92,
    submitted: str = "submitted_at",
    responded: str = "responded_at",
    resolved: str = "resolved_at",
    text: str = "text",
    confidence: float = 0.95,
    min_cases: int = 30,
) -> ResponseTimesResult:
    """Time to first response and to resolution, the share answered within limits, open cases.

    A case is answered within its limit when ``responded - submitted`` is at most its grade's
    limit; cases whose limit had not passed at ``asof`` are left out of that share, and cases
    never answered count as late. Time to resolution is estimated by Kaplan-Meier (statsmodels
    ``SurvfuncRight``): a case still open at ``asof`` is censored at its age, not dropped, so
    the median does not flatter a team that leaves hard cases open.

    Parameters
    ----------
    frame : DataFrame
        Feedback with ``submitted_at`` and ``responded_at`` and/or ``resolved_at`` (datetimes,
        or text in any common format; offsets such as +08:00 are converted to UTC).
    limits : dict, optional
        Hours per grade; default ``{"urgent": 4, "important": 24, "general": 72}``.
    severity : str or Series, default "severity"
        Column (or Series aligned to ``frame``) with each case's grade, e.g. from
        :func:`severity`; when absent every case is ``general``.
    by : sequence of str
        Columns to break results down by (those present are used).
    asof : date-like, optional
        End of the period (default: the latest timestamp in the data). Answers and resolutions
        after it are treated as not yet happened.
    window_days : int or None, default 92
        Cases submitted in the last this many days before ``asof`` are measured (None: all).
    min_cases : int
        Groups with fewer due cases are not named as the worst.

    Returns
    -------
    ResponseTimesResult

    Raises
    ------
    AnalysisError
        When neither ``responded_at`` nor ``resolved_at`` is in the data, or ``submitted_at``
        is missing.

    Examples
    --------
    Six cases; two still open at 10:00, aged 3 h and 5 h (censored there):

    >>> sub = pd.to_datetime(["2026-10-01 00:00", "2026-10-01 00:00", "2026-10-01 07:00",
    ...                       "2026-10-01 00:00", "2026-10-01 05:00", "2026-10-01 00:00"])
    >>> df = pd.DataFrame({"submitted_at": sub, "responded_at": sub + pd.Timedelta("30min"),
    ...     "resolved_at": pd.to_datetime(["2026-10-01 01:00", "2026-10-01 02:00", None,
    ...                                    "2026-10-01 04:00", None, "2026-10-01 06:00"])})
    >>> r = response_times(df, asof="2026-10-01 10:00", window_days=None)
    >>> r.resolution.estimate, r.naive_median_hours   # KM: 4 h; dropping open cases: 3 h
    (4.0, 3.0)
    """
    if not isinstance(frame, pd.DataFrame):
        raise FeedbackDataError("response_times needs a DataFrame of feedback")
    if submitted not in frame.columns:
        raise AnalysisError(
            f"column {submitted!r} (when each response was submitted) is not in the "
            f"data, so response times cannot be measured."
        )
    have_resp, have_res = responded in frame.columns, resolved in frame.columns
    if not (have_resp or have_res):
        raise AnalysisError(
            f"response times need a column {responded!r} (when each response was first answered) "
            f"and/or {resolved!r} (when its case was resolved); the data has neither. Fix: map "
            f"your columns to these names in params columns:."
        )
    lim = {**DEFAULT_LIMITS_HOURS, **{k: float(v) for k, v in (limits or {}).items()}}
    unknown = set(lim) - set(SEVERITIES)
    if unknown:
        raise ParamsError(
            f"limits has unknown grades {sorted(unknown)}; use {', '.join(SEVERITIES)}."
        )
    n = len(frame)
    flags: dict[str, np.ndarray] = {}
    t0 = _parse_times(frame[submitted], submitted, flags)
    t1 = (
        _parse_times(frame[responded], responded, flags)
        if have_resp
        else pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    )
    t2 = (
        _parse_times(frame[resolved], resolved, flags)
        if have_res
        else pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    )
    notes = []
    if not have_resp:
        notes.append(
            f"The data has no {responded!r} column, so the share answered within the "
            f"limits cannot be shown; map it in params columns: to see it."
        )
    if not have_res:
        notes.append(f"The data has no {resolved!r} column, so time to resolution cannot be shown.")
    asof_ts = pd.Timestamp(asof) if asof is not None else pd.concat([t0, t1, t2]).max()
    if pd.isna(asof_ts):
        raise AnalysisError(f"column {submitted!r} has no readable dates.")
    # answers and resolutions after asof have not happened yet as of the report
    t1 = t1.where(t1 <= asof_ts)
    t2 = t2.where(t2 <= asof_ts)
    before = (t1 < t0).to_numpy(dtype=bool)
    if before.any():
        flags["response_before_feedback"] = before
        t1 = t1.where(~before)
    res_before = ((t2 < t0) | (t2 < t1)).to_numpy(dtype=bool)
    if res_before.any():
        flags["resolution_before_response"] = res_before
        t2 = t2.where(~res_before)
    if have_resp:
        no_resp = (t2.notna() & t1.isna()).to_numpy(dtype=bool)
        if no_resp.any():
            flags["resolved_without_response"] = no_resp
    meaning = {
        "mixed_time_zones": "times given with different UTC offsets (converted to UTC)",
        "response_before_feedback": "answer earlier than the feedback (answer ignored)",
        "resolution_before_response": "resolution earlier than the feedback or answer (ignored)",
        "resolved_without_response": "resolved with no first answer recorded (counted as not answered)",
    }
    quality = pd.DataFrame(
        [
            {
                "check": k,
                "rows": int(v.sum()),
                "meaning": meaning.get(k, "text that could not be read as a date-time (left out)"),
            }
            for k, v in flags.items()
            if v.any()
        ],
        columns=["check", "rows", "meaning"],
    )

    if isinstance(severity, pd.Series):
        grade = severity.reindex(frame.index).astype("object")
    elif isinstance(severity, str) and severity in frame.columns:
        grade = frame[severity].astype("object")
    else:
        grade = pd.Series("general", index=frame.index, dtype=object)
        notes.append("No severity grades were given: every case is held to the general limit.")
    grade = grade.where(grade.isin(SEVERITIES), "general")

    keep = (t0.notna() & (t0 <= asof_ts)).to_numpy(dtype=bool, copy=True)
    if window_days is not None:
        keep &= (t0 > asof_ts - pd.Timedelta(days=window_days)).to_numpy(dtype=bool)
    limit_h = grade.map(lim).to_numpy(dtype=float)
    resp_h = ((t1 - t0).dt.total_seconds() / 3600).to_numpy(dtype=float, na_value=np.nan)
    age_h = ((asof_ts - t0).dt.total_seconds() / 3600).to_numpy(dtype=float, na_value=np.nan)
    res_h = ((t2 - t0).dt.total_seconds() / 3600).to_numpy(dtype=float, na_value=np.nan)
    due = keep & (age_h >= limit_h)
    within = due & ~np.isnan(resp_h) & (resp_h <= limit_h)
    is_resolved = ~np.isnan(res_h)
    dur = np.where(is_resolved, res_h, age_h)
    open_ = keep & ~is_resolved

    dims: list[tuple[str, np.ndarray]] = [("all", np.full(n, "all cases", dtype=object))]
    for col in by:
        if col == "severity":
            dims.append(("severity", grade.to_numpy(dtype=object)))
        elif col in frame.columns:
            dims.append((col, frame[col].astype("object").fillna("(missing)").to_numpy()))
    rows = []
    for dim, values in dims:
        groups = (
            list(SEVERITIES)
            if dim == "severity"
            else sorted(pd.unique(values[keep]).tolist(), key=str)
        )
        for g in groups:
            m = keep & (values == g)
            if not m.any():
                continue
            d = due & m
            e = proportion(int((within & m).sum()), int(d.sum()), confidence) if have_resp else None
            km = _km(dur[m], is_resolved[m], confidence) if have_res else (math.nan,) * 3
            rr = resp_h[m & ~np.isnan(resp_h)]
            rs = res_h[m & is_resolved]
            rows.append(
                {
                    "dimension": dim,
                    "group": str(g),
                    "cases": int(m.sum()),
                    "limit_due": int(d.sum()),
                    "within": int((within & m).sum()),
                    "estimate": e.estimate if e else math.nan,
                    "ci_low": e.ci_low if e else math.nan,
                    "ci_high": e.ci_high if e else math.nan,
                    "median_response_hours": float(np.median(rr)) if len(rr) else math.nan,
                    "open": int((open_ & m).sum()) if have_res else 0,
                    "km_median_hours": km[0],
                    "km_ci_low": km[1],
                    "km_ci_high": km[2],
                    "naive_median_hours": float(np.median(rs)) if len(rs) else math.nan,
                }
            )
    table = pd.DataFrame(rows)
    overall = table.iloc[0] if len(table) else None
    within_est = (
        Estimate(
            float(overall["estimate"]),
            float(overall["ci_low"]),
            float(overall["ci_high"]),
            n=int(overall["limit_due"]),
            name="answered within limit",
            unit="share",
            confidence=confidence,
        )
        if overall is not None and have_resp
        else None
    )
    resolution = (
        Estimate(
            float(overall["km_median_hours"]),
            float(overall["km_ci_low"]),
            float(overall["km_ci_high"]),
            n=int(overall["cases"]),
            name="median hours to resolution",
            unit="",
            confidence=confidence,
        )
        if overall is not None and have_res
        else None
    )
    worst = {}
    if have_resp:
        for dim in ("channel", "category"):
            part = table[(table["dimension"] == dim) & (table["limit_due"] >= min_cases)]
            if len(part) > 1:
                worst[dim] = str(part.loc[part["estimate"].idxmin(), "group"])

    open_urgent = pd.DataFrame()
    if have_res:
        from fbresearch.text.tokenize import redact

        ou = keep & ~is_resolved & (grade.to_numpy() == "urgent")
        if window_days is not None:  # all open urgent cases, not only the window's
            ou = (
                t0.notna().to_numpy()
                & (t0 <= asof_ts).to_numpy()
                & ~is_resolved
                & (grade.to_numpy() == "urgent")
            )
        cols = {
            "submitted_at": t0[ou].dt.strftime("%Y-%m-%d %H:%M").to_numpy(),
            "hours_open": np.round(age_h[ou], 0),
        }
        if "channel" in frame.columns:
            cols["channel"] = frame.loc[ou, "channel"].astype(str).to_numpy()
        if text in frame.columns:
            cols["excerpt"] = [
                _excerpt(redact(str(t)) if isinstance(t, str) else "") for t in frame.loc[ou, text]
            ]
        open_urgent = pd.DataFrame(cols).sort_values(
            "hours_open", ascending=False, ignore_index=True
        )

    survival = (
        _curves(dur[keep], is_resolved[keep], grade.to_numpy()[keep])
        if have_res
        else pd.DataFrame()
    )
    return ResponseTimesResult(
        table=table,
        within=within_est,
        resolution=resolution,
        naive_median_hours=float(overall["naive_median_hours"])
        if overall is not None
        else math.nan,
        worst=worst,
        quality=quality,
        open_urgent=open_urgent,
        survival=survival,
        limits_hours=lim,
        asof=asof_ts,
        notes=tuple(notes),
    )


def _excerpt(text: str, width: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _curves(hours: np.ndarray, resolved: np.ndarray, grade: np.ndarray) -> pd.DataFrame:
    from statsmodels.duration.survfunc import SurvfuncRight

    parts = []
    for g in SEVERITIES:
        m = grade == g
        if m.sum() < 2 or not resolved[m].any():
            continue
        sf = SurvfuncRight(hours[m], resolved[m].astype(float))
        parts.append(
            pd.DataFrame(
                {
                    "severity": g,
                    "hours": np.r_[0.0, sf.surv_times],
                    "resolved_share": np.r_[0.0, 1 - sf.surv_prob],
                }
            )
        )
    return (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame(columns=["severity", "hours", "resolved_share"])
    )


# =========================================================================== closing the loop


@dataclass(frozen=True, eq=False)
class LoopResult(Result):
    """Follow-up of detractors (``close_the_loop``).

    Attributes
    ----------
    table : DataFrame
        ``group`` (contacted / not contacted), ``detractors``, ``answered_again``, ``later_nps``
        with ``ci_low``/``ci_high`` (NPS of their next answer, points).
    contacted : Estimate
        Share of detractors who were answered or whose case was resolved.
    difference : Estimate or None
        Later NPS of contacted minus not-contacted detractors (points); None when either group
        has fewer than ``min_n`` later answers.
    """

    contacted: Estimate | None = None
    difference: Estimate | None = None
    notes: tuple[str, ...] = ()

    def summary(self) -> str:
        if self.contacted is None or self.contacted.n == 0:
            return "There were no detractors to follow up."
        text = (
            f"{self.contacted.format(0)} of {self.contacted.n:,} detractors (NPS 0-6) were "
            f"contacted or had their case resolved."
        )
        if self.difference is not None:
            text += (
                f" Among detractors who answered again later, the later NPS of those contacted "
                f"was {self.difference.format(0)} points different from those not contacted. "
                f"This is an observational comparison: contacted and not-contacted customers "
                f"may differ in other ways, so it is not proof that contacting works."
            )
        return text + "".join(f" {x}" for x in self.notes)

    def findings(self) -> list[Finding]:
        if self.contacted is None or self.contacted.n == 0:
            return []
        return [
            Finding(
                f"{self.contacted.format(0)} of detractors were contacted or had their case "
                f"resolved.",
                self.contacted,
                importance=0.55,
                analysis="closed_loop",
            )
        ]


def close_the_loop(
    frame: pd.DataFrame,
    *,
    asof: str | pd.Timestamp | None = None,
    nps: str = "nps",
    customer: str = "customer_id",
    submitted: str = "submitted_at",
    responded: str = "responded_at",
    resolved: str = "resolved_at",
    confidence: float = 0.95,
    min_n: int = 10,
) -> LoopResult:
    """The share of detractors contacted, and their later NPS against those not contacted.

    A detractor (NPS 0-6) counts as contacted when their response was answered or their case
    resolved by ``asof``. Where the same customer answered again later, the NPS of that next
    answer is compared between contacted and not-contacted detractors (difference of two NPS
    estimates, variances added). Observational: not a causal effect.

    Examples
    --------
    >>> df = pd.DataFrame({
    ...     "customer_id": ["a", "a", "b", "b"], "nps": [3, 9, 2, 4],
    ...     "submitted_at": pd.to_datetime(["2026-01-01", "2026-03-01", "2026-01-05", "2026-02-01"]),
    ...     "responded_at": pd.to_datetime(["2026-01-02", None, None, None])})
    >>> r = close_the_loop(df, asof="2026-04-01")
    >>> r.contacted.n, round(r.contacted.estimate, 2)   # 3 detractor answers, 1 contacted
    (3, 0.33)
    """
    for col in (nps, submitted):
        if col not in frame.columns:
            raise AnalysisError(
                f"column {col!r} is not in the data; closing the loop needs NPS answers "
                f"with their dates."
            )
    if responded not in frame.columns and resolved not in frame.columns:
        raise AnalysisError(
            f"closing the loop needs {responded!r} or {resolved!r} to know who was "
            f"contacted; the data has neither."
        )
    flags: dict[str, np.ndarray] = {}
    t0 = _parse_times(frame[submitted], submitted, flags)
    asof_ts = pd.Timestamp(asof) if asof is not None else t0.max()
    score = pd.to_numeric(frame[nps], errors="coerce")
    contacted = np.zeros(len(frame), dtype=bool)
    for col in (responded, resolved):
        if col in frame.columns:
            t = _parse_times(frame[col], col, flags)
            contacted |= (t.notna() & (t <= asof_ts)).to_numpy()
    scored = (score.notna() & t0.notna() & (t0 <= asof_ts)).to_numpy()
    detractor = scored & (score <= 6).fillna(False).to_numpy(dtype=bool)
    est = proportion(
        int((detractor & contacted).sum()),
        int(detractor.sum()),
        confidence,
        name="detractors contacted",
    )
    notes = []
    rows = []
    difference = None
    if customer in frame.columns:
        work = pd.DataFrame(
            {
                "c": frame[customer].astype("object").to_numpy(),
                "t": t0.to_numpy(),
                "s": score.to_numpy(dtype=float, na_value=np.nan),
            },
            index=frame.index,
        )[scored]
        work = work.sort_values(["c", "t"], kind="stable")
        work["next_s"] = work.groupby("c", sort=False)["s"].shift(-1)
        nxt = pd.Series(np.nan, index=frame.index)
        nxt[work.index] = work["next_s"].to_numpy()
        later = nxt.notna().to_numpy()
        ests = {}
        for name, m in (
            ("contacted", detractor & contacted),
            ("not contacted", detractor & ~contacted),
        ):
            vals = nxt[m & later].to_numpy()
            e = nps_estimate(vals, confidence) if len(vals) else None
            ests[name] = e
            rows.append(
                {
                    "group": name,
                    "detractors": int(m.sum()),
                    "answered_again": int(len(vals)),
                    "later_nps": e.estimate if e else math.nan,
                    "ci_low": e.ci_low if e else math.nan,
                    "ci_high": e.ci_high if e else math.nan,
                }
            )
        a, b = ests["contacted"], ests["not contacted"]
        if a is not None and b is not None and a.n >= min_n and b.n >= min_n:
            from scipy import stats

            diff = a.estimate - b.estimate
            se = math.sqrt((a.se or 0) ** 2 + (b.se or 0) ** 2)
            z = stats.norm.ppf(0.5 + confidence / 2)
            p = 2 * stats.norm.sf(abs(diff) / se) if se > 0 else math.nan
            difference = Estimate(
                diff,
                diff - z * se,
                diff + z * se,
                n=a.n + b.n,
                se=se,
                p_value=p,
                confidence=confidence,
                name="later NPS, contacted minus not",
                unit="points",
            )
        else:
            notes.append(
                f"Too few detractors answered again later (fewer than {min_n} in a group) to "
                f"compare their later NPS."
            )
    else:
        notes.append(
            f"Without a {customer!r} column, later answers of the same customer cannot be found."
        )
    table = pd.DataFrame(
        rows, columns=["group", "detractors", "answered_again", "later_nps", "ci_low", "ci_high"]
    )
    return LoopResult(table=table, contacted=est, difference=difference, notes=tuple(notes))
