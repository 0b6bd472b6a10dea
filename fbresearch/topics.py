"""Topics customers talk about: bilingual LDA with K chosen by coherence and stability.

One gensim :class:`~gensim.models.LdaModel` per language (topic ids say the language: ``zh-3``,
``en-0``). With ``num_topics=None`` each candidate K is fitted with several seeds; K is chosen by
c_v coherence and by stability (do different seeds find the same topics?). The fitted
:class:`TopicModel` answers the report's questions: topics with labels and top words,
representative (redacted) verbatims, share per month with CIs, rising topics, and the pain-point
ranking (mean NPS/CSAT of each topic's responses).

Reproducibility: ``LdaModel`` with a fixed ``random_state`` is exact, while ``LdaMulticore`` with
more than one worker is not (gensim PR 2953). Parallel work therefore runs across K candidates
and seeds in separate processes (``workers``), never inside one fit, so the same texts and seed
give the same topics whatever ``workers`` is.

Examples
--------
>>> from fbresearch.topics import fit_topics
>>> texts = (["delivery courier late slow driver"] * 30
...          + ["refund charge invoice billing payment"] * 30
...          + ["app crash login update screen"] * 30)
>>> model = fit_topics(texts, num_topics=3, language="en", seed=0)
>>> top5 = model.topics[model.topics["rank"] <= 5].groupby("topic")["term"]
>>> for words in sorted(" ".join(sorted(terms)) for _, terms in top5):
...     print(words)
app crash login screen update
billing charge invoice payment refund
courier delivery driver late slow
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from fbresearch import metrics
from fbresearch.errors import AnalysisError, FeedbackDataError
from fbresearch.results import Estimate, Finding, Result
from fbresearch.text.tokenize import _as_series, detect_language, phrases, redact, tokenize

__all__ = [
    "fit_topics",
    "TopicModel",
    "topic_stability",
    "topic_diversity",
    "format_emerging",
    "format_pain_points",
    "topic_findings",
]

LANGUAGES = ("zh", "en")
#: Usable documents needed per topic: fewer and LDA finds noise, not topics.
DOCS_PER_TOPIC = 3
MIN_DOCS = 20


# --------------------------------------------------------------------------- the result


@dataclass(frozen=True, eq=False)
class TopicModel(Result):
    """Fitted topics of a set of texts (one LDA model per language).

    Attributes
    ----------
    table : DataFrame
        One row per topic: ``topic``, ``language``, ``label``, ``top_terms``, ``share`` (of the
        language's usable texts whose main topic it is), ``n_texts``, ``coherence`` (c_v).
    topics : DataFrame
        Tidy top terms: ``topic``, ``rank`` (1 = most probable), ``term``, ``weight``
        (probability of the term in the topic).
    doc_topics : DataFrame
        One row per input text, in input order (same index as the input), one column per topic;
        rows sum to 1. A text with a model's language gets that model's topic mixture. A text
        left empty after cleaning (empty, only stopwords, emoji or markup) gets its language's
        corpus-level topic prevalence (the mean mixture of that language's usable texts), and a
        text of another language ("other", or one with too few texts to model) gets the
        prevalence over all topics; ``usable`` says which rows are real mixtures.
    coherence : float
        Mean c_v coherence of all topics (0 to 1; on real reviews 0.5 is fair, above 0.6 good).
    labels : dict
        Topic id -> short label from its top terms (phrases first).
    selection : DataFrame
        The K choice: ``language``, ``k``, ``coherence`` (mean c_v of the topics of all
        resampled fits) and ``coherence_se`` (its standard error), ``diversity`` (share of
        distinct words among the topics' top terms), ``stability`` (mean best-match top-term
        overlap between fits on different resamples, 0 to 1), ``chosen``. K is the smallest
        whose coherence x diversity is within one standard error of the best (see
        ``_choose_k``).
    languages : Series
        Language of each text.
    usable : Series of bool
        Whether a text kept at least one modelled term.
    notes : tuple of str
        Plain sentences about what was skipped and why (a language with too few texts), and
        how many texts the topics were fitted on when ``fit_sample`` drew a sample.
    models, documents : dict
        Per language: the gensim ``LdaModel`` (its ``id2word`` is the dictionary) and the
        modelled tokens of the texts it was fitted on (all usable texts, or the ``fit_sample``
        drawn), in input order (for coherence or other models on the same tokens).
    """

    topics: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    doc_topics: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    coherence: float = math.nan
    labels: dict[str, str] = field(default_factory=dict)
    selection: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    languages: pd.Series = field(default_factory=pd.Series, repr=False)
    usable: pd.Series = field(default_factory=pd.Series, repr=False)
    notes: tuple[str, ...] = ()
    seed: int = 0
    texts: pd.Series = field(default_factory=pd.Series, repr=False)
    models: dict[str, Any] = field(default_factory=dict, repr=False)
    documents: dict[str, list[list[str]]] = field(default_factory=dict, repr=False)

    # ---------------------------------------------------------------- per text

    @property
    def dominant(self) -> pd.Series:
        """The main topic of each text (None where the text is not usable)."""
        main = self.doc_topics.to_numpy().argmax(axis=1)
        out = pd.Series(
            np.asarray(self.doc_topics.columns)[main],
            index=self.doc_topics.index,
            dtype="object",
            name="topic",
        )
        return out.where(self.usable.to_numpy(), None)

    def representative(self, topic: str, k: int = 3, max_chars: int = 300) -> pd.DataFrame:
        """The ``k`` texts most about ``topic``, redacted of personal data.

        Texts are ranked by their weight on the topic; duplicates, texts of under 5 characters
        and texts over 2,000 characters (pasted logs or pages) are skipped, and the rest are
        cut to ``max_chars``.

        Returns
        -------
        DataFrame
            ``topic``, ``rank``, ``weight`` and ``text`` (redacted).
        """
        self._check_topic(topic)
        weights = self.doc_topics[topic].where(self.usable.to_numpy())
        order = weights.dropna().sort_values(ascending=False, kind="stable")
        rows, seen = [], set()
        for idx, w in order.items():
            raw = str(self.texts.loc[idx]).strip()
            key = raw[:80]
            if not 5 <= len(raw) <= 2000 or key in seen:
                continue
            seen.add(key)
            text = redact(raw)
            if len(text) > max_chars:
                text = text[: max_chars - 1].rstrip() + "…"
            rows.append({"topic": topic, "rank": len(rows) + 1, "weight": float(w), "text": text})
            if len(rows) == k:
                break
        return pd.DataFrame(rows, columns=["topic", "rank", "weight", "text"])

    # ---------------------------------------------------------------- over time and scores

    def _groups(self, by: Any) -> pd.Series:
        values = by if isinstance(by, pd.Series) else pd.Series(list(by))
        if len(values) != len(self.doc_topics):
            raise FeedbackDataError(
                f"'by' has {len(values)} values for {len(self.doc_topics)} texts",
                column="by",
                fix="pass one value per text, aligned with the texts fitted.",
            )
        values = pd.Series(values.to_numpy(), index=self.doc_topics.index)
        if pd.api.types.is_datetime64_any_dtype(values):
            values = values.dt.to_period("M")
        return values

    def prevalence(self, by: Any, confidence: float = 0.95) -> pd.DataFrame:
        """Each topic's share per group (e.g. month), with a Wilson confidence interval.

        The share is the proportion of a group's usable texts in the topic's language whose main
        topic is this topic (so the shares of one language add to 1 within a group).

        Parameters
        ----------
        by : Series or array-like
            One group per text (aligned with the fitted texts); datetimes become months.
        confidence : float, default 0.95

        Returns
        -------
        DataFrame
            ``period`` (the group), ``topic``, ``label``, ``language``, ``count``, ``n``,
            ``share``, ``ci_low``, ``ci_high``.
        """
        groups = self._groups(by)
        frame = pd.DataFrame(
            {
                "period": groups,
                "language": self.languages.to_numpy(),
                "topic": self.dominant.to_numpy(),
            }
        )[self.usable.to_numpy()]
        frame = frame[frame["period"].notna()]
        rows = []
        for (period, lang), part in frame.groupby(["period", "language"], sort=True):
            counts = part["topic"].value_counts()
            for topic in self._topics_of(lang):
                est = metrics.proportion(int(counts.get(topic, 0)), len(part), confidence)
                rows.append(
                    {
                        "period": period,
                        "topic": topic,
                        "label": self.labels[topic],
                        "language": lang,
                        "count": int(counts.get(topic, 0)),
                        "n": len(part),
                        "share": est.estimate,
                        "ci_low": est.ci_low,
                        "ci_high": est.ci_high,
                    }
                )
        return pd.DataFrame(
            rows,
            columns=[
                "period",
                "topic",
                "label",
                "language",
                "count",
                "n",
                "share",
                "ci_low",
                "ci_high",
            ],
        )

    def emerging(
        self, by: Any, period: Any = None, window: int = 3, confidence: float = 0.95
    ) -> pd.DataFrame:
        """Topics whose share this period is significantly above the trailing ``window`` periods.

        For each topic, the share in ``period`` is compared with the pooled share of the
        ``window`` periods before it: a one-sided score test of two independent proportions
        (statsmodels ``test_proportions_2indep``), Holm-adjusted across the topics of a language,
        and a Newcombe interval for the difference. ``rising`` is True when the adjusted p-value
        is below ``1 - confidence``.

        Returns
        -------
        DataFrame
            ``topic``, ``label``, ``language``, ``share_now``, ``share_before``, ``difference``,
            ``ci_low``, ``ci_high`` (of the difference), ``n_now``, ``n_before``, ``p_value``,
            ``p_adjusted``, ``rising``; sorted by difference, largest first.
        """
        from statsmodels.stats.multitest import multipletests
        from statsmodels.stats.proportion import (
            confint_proportions_2indep,
            test_proportions_2indep,
        )

        table = self.prevalence(by, confidence)
        periods = sorted(table["period"].unique())
        if not periods:
            raise AnalysisError("no usable texts with a period; cannot look for rising topics.")
        current = periods[-1] if period is None else _match_period(period, periods)
        before = [p for p in periods if p < current][-window:]
        if not before:
            raise AnalysisError(
                f"rising topics need at least one period before {current}; the data has none."
            )
        rows = []
        for lang, part in table.groupby("language", sort=True):
            now = part[part["period"] == current].set_index("topic")
            old = part[part["period"].isin(before)].groupby("topic")[["count", "n"]].sum()
            lang_rows = []
            for topic in self._topics_of(lang):
                x1 = int(now["count"].get(topic, 0))
                n1 = int(now["n"].get(topic, 0))
                x0 = int(old["count"].get(topic, 0))
                n0 = int(old["n"].get(topic, 0))
                if n1 == 0 or n0 == 0:
                    continue
                p1, p0 = x1 / n1, x0 / n0
                if 0 < x1 + x0 < n1 + n0:
                    with np.errstate(divide="ignore", invalid="ignore"):  # ratios of a zero share
                        p_value = float(
                            test_proportions_2indep(
                                x1, n1, x0, n0, method="score", alternative="larger"
                            ).pvalue
                        )
                        low, high = confint_proportions_2indep(
                            x1, n1, x0, n0, method="newcomb", alpha=1 - confidence
                        )
                else:
                    p_value, low, high = 1.0, p1 - p0, p1 - p0
                lang_rows.append(
                    {
                        "topic": topic,
                        "label": self.labels[topic],
                        "language": lang,
                        "share_now": p1,
                        "share_before": p0,
                        "difference": p1 - p0,
                        "ci_low": float(low),
                        "ci_high": float(high),
                        "n_now": n1,
                        "n_before": n0,
                        "p_value": p_value,
                    }
                )
            if lang_rows:
                adjusted = multipletests([r["p_value"] for r in lang_rows], method="holm")[1]
                for r, p in zip(lang_rows, adjusted, strict=True):
                    r["p_adjusted"] = float(p)
                    r["rising"] = bool(p < 1 - confidence and r["difference"] > 0)
                rows.extend(lang_rows)
        columns = [
            "topic",
            "label",
            "language",
            "share_now",
            "share_before",
            "difference",
            "ci_low",
            "ci_high",
            "n_now",
            "n_before",
            "p_value",
            "p_adjusted",
            "rising",
        ]
        out = pd.DataFrame(rows, columns=columns)
        out.attrs.update(period=current, before=before)
        return out.sort_values("difference", ascending=False, kind="stable").reset_index(drop=True)

    def pain_points(
        self, scores: Any, metric: str = "nps", confidence: float = 0.95
    ) -> pd.DataFrame:
        """Mean NPS/CSAT/CES of each topic's responses with CIs, worst first, with volume.

        Each usable text counts for its main topic; the estimate uses ``fbresearch.metrics``
        (``nps`` in points, ``csat`` as the top-2-box share, ``ces`` or ``mean`` as a mean) over
        the texts that have a score.

        Parameters
        ----------
        scores : Series or array-like
            One score per text (missing where unscored), aligned with the fitted texts.
        metric : {"nps", "csat", "ces", "mean"}

        Returns
        -------
        DataFrame
            ``rank`` (1 = lowest score), ``topic``, ``label``, ``language``, ``volume`` (texts
            whose main topic it is), ``volume_share``, ``n`` (scored texts), ``estimate``,
            ``ci_low``, ``ci_high``, ``overall`` (estimate over all scored usable texts) and
            ``below_overall`` (the topic's CI lies entirely below ``overall``).
        """
        if scores is None:
            raise AnalysisError(
                f"the data has no {metric} column; pain points need scored responses."
            )
        funcs = {"nps": metrics.nps, "csat": metrics.csat, "ces": metrics.ces, "mean": metrics.mean}
        if metric not in funcs:
            raise AnalysisError(f"metric must be one of {sorted(funcs)}, not {metric!r}.")
        values = self._groups(scores)
        values = pd.to_numeric(values.astype("object"), errors="coerce")
        dominant = self.dominant
        usable = self.usable.to_numpy()
        if values[usable].notna().sum() == 0:
            raise AnalysisError(
                f"no usable text has a {metric.upper()} score; pain points need scored responses."
            )
        overall = funcs[metric](values[usable].dropna(), confidence=confidence)
        volume = dominant.value_counts()
        rows = []
        for topic in self.doc_topics.columns:
            mask = (dominant == topic).to_numpy()
            scored = values[mask].dropna()
            est = funcs[metric](scored, confidence=confidence) if len(scored) else None
            rows.append(
                {
                    "topic": topic,
                    "label": self.labels[topic],
                    "language": str(self.table.set_index("topic").loc[topic, "language"]),
                    "volume": int(volume.get(topic, 0)),
                    "volume_share": float(volume.get(topic, 0) / max(usable.sum(), 1)),
                    "n": len(scored),
                    "estimate": est.estimate if est else math.nan,
                    "ci_low": est.ci_low if est else math.nan,
                    "ci_high": est.ci_high if est else math.nan,
                    "overall": overall.estimate,
                    "below_overall": bool(est is not None and est.ci_high < overall.estimate),
                }
            )
        out = pd.DataFrame(rows).sort_values("estimate", kind="stable", na_position="last")
        out.insert(0, "rank", np.arange(1, len(out) + 1))
        out.attrs.update(metric=metric)
        return out.reset_index(drop=True)

    # ---------------------------------------------------------------- reporting

    def overview(self, language: str | None = None, k: int = 3) -> pd.DataFrame:
        """Display table: each topic's label, top words, share and ``k`` redacted verbatims.

        Parameters
        ----------
        language : {"zh", "en"}, optional
            Only this language's topics (all when None).
        k : int, default 3
            Representative verbatims per topic (see :meth:`representative`).
        """
        rows = []
        table = self.table if language is None else self.table[self.table["language"] == language]
        for row in table.sort_values(["language", "share"], ascending=[False, False]).itertuples():
            examples = self.representative(row.topic, k)["text"].tolist()
            rows.append(
                {
                    "Topic": row.topic,
                    "Label": row.label,
                    "Top words": ", ".join(row.top_terms.split(", ")[:8]),
                    "Share of texts": f"{row.share:.0%}",
                    **{
                        f"Example {i + 1}": (examples[i] if i < len(examples) else "")
                        for i in range(k)
                    },
                }
            )
        return pd.DataFrame(rows)

    def summary(self) -> str:
        parts = []
        for lang, part in self.table.groupby("language", sort=False):
            top = part.sort_values("share", ascending=False).iloc[0]
            name = {"zh": "Chinese", "en": "English"}.get(lang, lang)
            parts.append(
                f"{len(part)} topics in {name} texts; the largest, \u201c{top['label']}\u201d, is "
                f"the main topic of {top['share']:.0%} of them."
            )
        parts.append(f"Mean topic coherence (c_v) is {self.coherence:.2f}.")
        parts.extend(self.notes)
        return " ".join(parts)

    def findings(self) -> list[Finding]:
        out = []
        for lang, part in self.table.groupby("language", sort=False):
            top = part.sort_values("share", ascending=False).iloc[0]
            n = int(self.usable[self.languages == lang].sum())
            est = metrics.proportion(int(top["n_texts"]), n, name=f"share of {top['topic']}")
            out.append(
                Finding(
                    f"The most discussed {'Chinese' if lang == 'zh' else 'English'} topic is "
                    f"\u201c{top['label']}\u201d: the main topic of {est.format(digits=0)} of texts.",
                    estimate=est,
                    importance=0.5,
                    analysis="topics",
                )
            )
        return out

    def plot(self, ax=None):  # noqa: ANN001, ANN201 - matplotlib Axes
        """Horizontal bars: each topic's share of its language's texts."""
        from fbresearch.plots import plot_topic_shares

        return plot_topic_shares(self.table, ax=ax)

    def plot_selection(self, axes=None):  # noqa: ANN001, ANN201
        """The K choice: coherence and stability against K, the chosen K marked (a Figure)."""
        from fbresearch.plots import plot_topic_selection

        return plot_topic_selection(self.selection, axes=axes)

    def plot_prevalence(self, by: Any, ax=None, confidence: float = 0.95):  # noqa: ANN001, ANN201
        """Each topic's share per period with its confidence band (a Figure, one panel per
        language, when ``ax`` is None)."""
        from fbresearch.plots import plot_topic_prevalence

        return plot_topic_prevalence(self.prevalence(by, confidence), ax=ax)

    def plot_pain_points(self, pain: pd.DataFrame, ax=None):  # noqa: ANN001, ANN201
        """Each topic's score with its CI (from :meth:`pain_points`), worst first."""
        from fbresearch.plots import plot_pain_points

        metric = pain.attrs.get("metric", "nps")
        return plot_pain_points(
            pain, ax=ax, unit={"csat": "CSAT (share satisfied)"}.get(metric, metric.upper())
        )

    # ---------------------------------------------------------------- helpers

    def _topics_of(self, language: str) -> list[str]:
        return [t for t in self.doc_topics.columns if t.startswith(f"{language}-")]

    def _check_topic(self, topic: str) -> None:
        if topic not in self.doc_topics.columns:
            raise AnalysisError(
                f"no topic {topic!r}; the model's topics are {list(self.doc_topics.columns)}."
            )


def format_emerging(table: pd.DataFrame) -> pd.DataFrame:
    """Display version of :meth:`TopicModel.emerging`: shares and the change with its CI.

    Examples
    --------
    >>> t = pd.DataFrame({"topic": ["en-1"], "label": ["late / driver"], "share_now": [0.3],
    ...                   "share_before": [0.2], "difference": [0.1], "ci_low": [0.02],
    ...                   "ci_high": [0.18], "n_now": [200], "p_adjusted": [0.01],
    ...                   "rising": [True]})
    >>> format_emerging(t).iloc[0].tolist()
    ['en-1', 'late / driver', '30%', '20%', '+10 pts (+2 to +18)', 'yes']
    """
    return pd.DataFrame(
        {
            "Topic": table["topic"],
            "Label": table["label"],
            "Share now": table["share_now"].map("{:.0%}".format),
            "Share before": table["share_before"].map("{:.0%}".format),
            "Change (CI)": [
                f"{100 * d:+.0f} pts ({100 * lo:+.0f} to {100 * hi:+.0f})"
                for d, lo, hi in zip(
                    table["difference"], table["ci_low"], table["ci_high"], strict=True
                )
            ],
            "Rising": table["rising"].map({True: "yes", False: "no"}),
        }
    )


def format_pain_points(table: pd.DataFrame) -> pd.DataFrame:
    """Display version of :meth:`TopicModel.pain_points`: score with CI, volume, flag.

    Examples
    --------
    >>> t = pd.DataFrame({"rank": [1], "topic": ["zh-2"], "label": ["退款 / 申请"], "volume": [120],
    ...                   "volume_share": [0.08], "n": [90], "estimate": [-35.0], "ci_low": [-50.1],
    ...                   "ci_high": [-19.9], "overall": [10.0], "below_overall": [True]})
    >>> t.attrs["metric"] = "nps"
    >>> format_pain_points(t).iloc[0].astype(str).tolist()
    ['1', 'zh-2', '退款 / 申请', '120 (8%)', '90', '-35.0 (-50.1 to -19.9)', 'yes']
    """
    metric = table.attrs.get("metric", "nps")
    share = metric == "csat"

    def fmt(v: float) -> str:
        return "-" if pd.isna(v) else (f"{v:.0%}" if share else f"{v:.1f}")

    name = {"nps": "NPS", "csat": "CSAT", "ces": "CES"}.get(metric, "Mean score")
    return pd.DataFrame(
        {
            "Rank": table["rank"],
            "Topic": table["topic"],
            "Label": table["label"],
            "Texts (share)": [
                f"{v:,} ({s:.0%})"
                for v, s in zip(table["volume"], table["volume_share"], strict=True)
            ],
            "Scored": table["n"],
            f"{name} (CI)": [
                f"{fmt(e)} ({fmt(lo)} to {fmt(hi)})" if not pd.isna(e) else "-"
                for e, lo, hi in zip(
                    table["estimate"], table["ci_low"], table["ci_high"], strict=True
                )
            ],
            "Clearly below all": table["below_overall"].map({True: "yes", False: "no"}),
        }
    )


def topic_findings(
    model: TopicModel, rising: pd.DataFrame | None = None, pain: pd.DataFrame | None = None
) -> list[Finding]:
    """Headline findings for the executive summary: top topics, rising topics, worst pain point.

    Examples
    --------
    >>> topic_findings.__name__
    'topic_findings'
    """
    out = model.findings()
    if rising is not None and len(rising):
        for row in rising[rising["rising"]].itertuples():
            est = Estimate(
                row.difference,
                row.ci_low,
                row.ci_high,
                n=int(row.n_now),
                p_value=row.p_adjusted,
                name=f"change in share of {row.topic}",
                unit="share",
            )
            out.append(
                Finding(
                    f"Rising topic in {rising.attrs.get('period', 'this period')}: "
                    f"\u201c{row.label}\u201d is the main topic of {row.share_now:.0%} of texts "
                    f"against {row.share_before:.0%} before (change "
                    f"{100 * row.difference:+.0f} points, CI {100 * row.ci_low:+.0f} to "
                    f"{100 * row.ci_high:+.0f}).",
                    estimate=est,
                    importance=0.75,
                    analysis="topics",
                )
            )
    if pain is not None and len(pain.dropna(subset=["estimate"])):
        worst = pain.dropna(subset=["estimate"]).iloc[0]
        if worst["below_overall"]:
            metric = pain.attrs.get("metric", "nps")
            unit = "share" if metric == "csat" else "points"
            est = Estimate(
                worst["estimate"],
                worst["ci_low"],
                worst["ci_high"],
                n=int(worst["n"]),
                name=f"{metric.upper()} of {worst['topic']}",
                unit=unit,
            )
            overall = f"{worst['overall']:.0%}" if unit == "share" else f"{worst['overall']:.1f}"
            out.append(
                Finding(
                    f"Biggest pain point: customers writing about \u201c{worst['label']}\u201d give "
                    f"{metric.upper()} {est.format()} against {overall} overall.",
                    estimate=est,
                    importance=0.8,
                    analysis="topics",
                )
            )
    return out


def _match_period(period: Any, periods: list[Any]) -> Any:
    for p in periods:
        if str(p) == str(period):
            return p
    raise AnalysisError(f"period {period} has no usable texts; periods present: {periods[-6:]}.")


# --------------------------------------------------------------------------- fitting


@contextmanager
def _quiet_gensim() -> Iterator[None]:
    """gensim logs convergence hints as warnings; a report page must not show them."""
    logger = logging.getLogger("gensim")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _nmf_start(corpus: list, n_terms: int, k: int, seed: int) -> np.ndarray:
    """Starting topic-word counts for LDA from a Kullback-Leibler NMF of the count matrix.

    gensim's variational LDA starts from random topics and, on short reviews, often stops in a
    poor local optimum that changes with the seed (a planted "refund" topic is found with one
    seed and lost with the next). NMF with the KL loss on raw counts is probabilistic latent
    semantic analysis, LDA without priors (Gaussier and Goutte 2005); from scikit-learn's
    deterministic NNDSVDa start it finds the main word groups in seconds, and LDA refines them.
    On real reviews this start lifts c_v to tomotopy's Gibbs sampler's level (see
    ``tests/benchmarks/bench_topics.py``). Each topic's counts are scaled to its share of the
    corpus's tokens, which is what gensim's ``sstats`` hold.
    """
    import warnings

    from gensim.matutils import corpus2csc
    from sklearn.decomposition import NMF
    from sklearn.exceptions import ConvergenceWarning

    counts = corpus2csc(corpus, num_terms=n_terms).T.tocsr().astype(float)
    nmf = NMF(
        k,
        init="nndsvda",
        beta_loss="kullback-leibler",
        solver="mu",
        max_iter=100,
        random_state=seed,
    )
    with warnings.catch_warnings():
        # 100 multiplicative updates are a start for LDA, not a converged model
        warnings.simplefilter("ignore", ConvergenceWarning)
        weights = nmf.fit_transform(counts)
    terms = nmf.components_ + 1e-9
    share = (weights.sum(axis=0) + 1e-9) / (weights.sum() + k * 1e-9)
    return terms / terms.sum(axis=1, keepdims=True) * (share * counts.sum())[:, None]


def _lda(corpus: list, dictionary: Any, k: int, seed: int, opts: dict[str, Any]) -> Any:
    """gensim ``LdaModel`` (single process, exact for a seed) started from NMF topics."""
    from gensim.models import LdaModel

    with _quiet_gensim():
        model = LdaModel(
            id2word=dictionary,
            num_topics=k,
            random_state=seed,
            passes=opts["passes"],
            iterations=opts["iterations"],
            chunksize=opts["chunksize"],
            alpha=opts["alpha"],
            eta=opts["eta"],
            offset=opts["offset"],
            eval_every=None,
            minimum_probability=0.0,
        )
        model.state.sstats = _nmf_start(corpus, len(dictionary), k, seed).astype(model.dtype)
        model.sync_state()
        if opts["passes"] > 0:
            model.update(
                corpus,
                passes=opts["passes"],
                chunksize=opts["chunksize"],
                iterations=opts["iterations"],
                offset=opts["offset"],
            )
    return model


def _bow(dictionary: Any, tokens: list[str], max_tokens: int) -> list[tuple[int, int]]:
    """Bag of words of a text's first ``max_tokens`` tokens, each count capped at 5.

    One pasted 50,000-character text would otherwise outweigh hundreds of reviews and pull
    every topic towards its few words.
    """
    return [(i, min(c, 5)) for i, c in dictionary.doc2bow(tokens[:max_tokens])]


def _top_terms(model: Any, topn: int) -> list[list[str]]:
    return [
        [model.id2word[i] for i, _ in model.get_topic_terms(t, topn)]
        for t in range(model.num_topics)
    ]


def _fit_candidate(args: tuple) -> tuple[int, int, list[list[str]]]:
    corpus, dictionary, k, seed, opts, topn = args
    return k, seed, _top_terms(_lda(corpus, dictionary, k, seed, opts), topn)


def topic_stability(runs: Sequence[list[list[str]]]) -> float:
    """Mean best-match overlap of top terms between runs (0 = different topics, 1 = identical).

    For each pair of runs, topics are matched one to one by the Hungarian algorithm on the
    Jaccard overlap of their top-term sets (scipy ``linear_sum_assignment``); the pair's score is
    the mean overlap of the matched topics, and the result the mean over pairs.

    Examples
    --------
    >>> a = [["late", "slow"], ["refund", "charge"]]
    >>> topic_stability([a, a[::-1]])
    1.0
    >>> topic_stability([a, [["late", "cold"], ["refund", "charge"]]])
    0.6666666666666666
    """
    from scipy.optimize import linear_sum_assignment

    scores = []
    for i in range(len(runs)):
        for j in range(i + 1, len(runs)):
            a = [set(t) for t in runs[i]]
            b = [set(t) for t in runs[j]]
            overlap = np.array([[len(x & y) / len(x | y) for y in b] for x in a])
            rows, cols = linear_sum_assignment(-overlap)
            scores.append(float(overlap[rows, cols].mean()))
    return float(np.mean(scores)) if scores else math.nan


def topic_diversity(topics: Sequence[Sequence[str]]) -> float:
    """Share of distinct words among all topics' top terms (1 = no topic repeats another's words).

    Dieng, Ruiz and Blei (2020, "Topic modeling in embedding spaces") define topic quality as
    coherence times this diversity: a model that splits one subject into near-duplicate topics
    ("fast delivery", "late delivery", "delivery") repeats words and scores lower.

    Examples
    --------
    >>> topic_diversity([["late", "slow"], ["refund", "charge"]])
    1.0
    >>> topic_diversity([["late", "driver"], ["fast", "driver"]])
    0.75
    """
    words = [w for topic in topics for w in topic]
    return len(set(words)) / len(words) if words else math.nan


def _coherence_per_topic(
    topic_lists: list[list[list[str]]], texts: list[list[str]], dictionary: Any, measure: str
) -> list[list[float]]:
    """c_v (or other) coherence of every topic of every model, with one co-occurrence pass."""
    from gensim.models import CoherenceModel

    cm = CoherenceModel.for_topics(
        topic_lists, texts=texts, dictionary=dictionary, coherence=measure, processes=1
    )
    out = []
    for topics in topic_lists:
        cm.topics = topics
        out.append([float(c) if np.isfinite(c) else 0.0 for c in cm.get_coherence_per_topic()])
    return out


def _choose_k(selection: pd.DataFrame, min_stability: float = 0.5) -> int:
    """The smallest K whose topic quality is within one standard error of the best.

    Topic quality is coherence times diversity (Dieng, Ruiz and Blei 2020): coherence alone
    keeps creeping up as K grows because big subjects split by tone into near-duplicate topics
    ("fast delivery", "late delivery"), which diversity penalises. As in the one-standard-error
    rule of cross-validation, the smallest K not clearly worse than the best is taken. Only Ks
    whose topics are reproducible across resamples (stability at least ``min_stability``)
    compete; when none is, all do.
    """
    table = selection
    if table["stability"].notna().any() and (table["stability"] >= min_stability).any():
        table = table[table["stability"] >= min_stability]
    quality = table["coherence"] * table["diversity"]
    se = table["coherence_se"] * table["diversity"]
    best = quality.idxmax()
    return int(table.loc[quality >= quality[best] - se[best], "k"].min())


def _label(terms: list[str], language: str, taken: set[str]) -> str:
    joiner = "" if language == "zh" else " "
    words = [t.replace("_", joiner) for t in terms]
    phrase_first = [w for t, w in zip(terms, words, strict=True) if "_" in t][:1]
    chosen: list[str] = []
    for w in phrase_first + words:
        if w not in chosen and not any(w in c or c in w for c in chosen):
            chosen.append(w)
        if len(chosen) == 3:
            break
    label = " / ".join(chosen)
    return label if label not in taken else f"{label} ({len(taken)})"


def fit_topics(
    texts: Iterable[str] | pd.Series,
    num_topics: int | dict[str, int] | None = None,
    language: str | Sequence[str] = "auto",
    seed: int = 0,
    *,
    k_range: tuple[int, int] = (4, 16),
    seeds: int = 3,
    passes: int = 5,
    iterations: int = 100,
    alpha: str | float = "auto",
    eta: str | float | None = "auto",
    chunksize: int = 2000,
    offset: float = 64.0,
    no_below: int = 5,
    no_above: float = 0.3,
    keep_n: int = 20000,
    use_phrases: bool = False,
    min_length: int = 2,
    max_tokens: int = 200,
    user_dict: str | Iterable[str] | None = None,
    extra_stopwords: Iterable[str] | None = None,
    topn: int = 10,
    coherence: str = "c_v",
    selection_sample: int | None = 3000,
    selection_passes: int | None = None,
    workers: int = 1,
    fit_sample: int | None = None,
) -> TopicModel:
    """Fit LDA topics on feedback texts, one model per language, choosing K when not given.

    Parameters
    ----------
    texts : list or Series of str
        The verbatims; missing or empty texts are allowed (see ``TopicModel.doc_topics``).
    num_topics : int or dict, optional
        Topics per language (a dict maps ``"zh"``/``"en"`` to K). None chooses K in
        ``k_range`` by coherence and stability across ``seeds`` seeds.
    language : {"auto", "zh", "en"} or sequence, default "auto"
        ``"auto"`` detects each text's language and fits one model per language.
    seed : int, default 0
        Seed of the final fit (and first of the selection seeds). Same texts and seed give the
        same topics.
    k_range : (int, int), default (4, 16)
        Smallest and largest K tried (both included).
    seeds : int, default 3
        Seeds per K for the stability measure (at least 2 for stability; 3 recommended).
    passes, iterations, alpha, eta, chunksize, offset
        gensim ``LdaModel`` options. The model starts from NMF topics (see ``_nmf_start``);
        ``offset=64`` (gensim's tau0, default 1) makes the online updates refine that start
        instead of overwriting it with the first chunk, and the priors are learned from the data
        (``"auto"``). On real reviews this reaches c_v 0.67 against 0.58 for gensim's defaults.
    no_below, no_above, keep_n
        gensim ``Dictionary.filter_extremes``: drop terms in fewer than ``no_below`` texts
        (lowered for small corpora) or in more than ``no_above`` of them (raised to 1.5/K for
        small K, so a topic's own words survive); keep at most ``keep_n`` terms.
    use_phrases : bool, default False
        Join frequent word pairs first (:func:`fbresearch.text.tokenize.phrases`). Off by default: on
        the built-in sample, phrases glued fragments of stock sentences ("没得说预计") and
        lowered c_v from 0.77 to 0.55; turn it on for long, varied texts.
    max_tokens : int, default 200
        Tokens of a text used for the model (counts capped at 5 per term), so one very long
        text cannot outweigh hundreds of reviews.
    min_length, user_dict, extra_stopwords
        Passed to :func:`fbresearch.text.tokenize.tokenize`.
    topn : int, default 10
        Top terms per topic (for the tables, coherence and stability).
    coherence : {"c_v", "c_npmi"}, default "c_v"
        gensim coherence measure used to choose K and reported.
    selection_sample : int or None, default 3000
        K is chosen on a random sample of this many usable texts per language (None: all); the
        final model uses all texts.
    selection_passes : int, optional
        Passes of the selection fits (default: half of ``passes``, at least 2).
    workers : int, default 1
        Processes for the selection fits (across K and seeds; results do not depend on it).
    fit_sample : int, optional
        Fit each language's model (and its coherence) on a random sample of at most this many
        usable texts, drawn with ``seed``; every text is then scored with the fitted model, so
        shares, trends and pain points still use all texts. ``None`` (default) fits on all
        texts. For hundreds of thousands of texts: topics are word patterns shared by thousands
        of texts, which a random 30,000 show as clearly as all of them, in a tenth of the time.
        The summary says how many texts the topics were fitted on.

    Returns
    -------
    TopicModel

    Raises
    ------
    FeedbackDataError
        No texts at all.
    AnalysisError
        No language has enough usable texts for the topics asked for (the message gives the
        counts and what to change).

    Examples
    --------
    >>> texts = ["送餐太慢 骑手 迟到 等了一个小时"] * 20 + ["包装 破损 汤 洒了 漏了"] * 20
    >>> m = fit_topics(texts, num_topics=2, seed=1)
    >>> list(m.doc_topics.columns), m.doc_topics.sum(axis=1).round(6).eq(1).all()
    (['zh-0', 'zh-1'], np.True_)
    """
    from gensim.corpora import Dictionary

    series = _as_series(texts)
    if len(series) == 0:
        raise FeedbackDataError(
            "no texts to model", column="text", fix="pass at least a few dozen non-empty verbatims."
        )
    if isinstance(language, str) and language == "auto":
        langs = detect_language(series)
    elif isinstance(language, str):
        if language not in LANGUAGES:
            raise AnalysisError(f"language must be 'auto', 'zh' or 'en', not {language!r}.")
        langs = pd.Series(language, index=series.index, dtype="object")
    else:
        langs = pd.Series(list(language), index=series.index, dtype="object")
    k_low, k_high = int(k_range[0]), int(k_range[1])
    if not 2 <= k_low <= k_high:
        raise AnalysisError(f"k_range must be two integers 2 <= low <= high, not {k_range}.")
    opts = {
        "passes": passes,
        "iterations": iterations,
        "alpha": alpha,
        "eta": eta,
        "chunksize": chunksize,
        "offset": offset,
    }
    sel_opts = dict(
        opts, passes=selection_passes or max(2, passes // 2), iterations=min(iterations, 50)
    )
    tokens = tokenize(series, langs.tolist(), user_dict, extra_stopwords, min_length=min_length)

    index = series.index
    usable = np.zeros(len(series), dtype=bool)
    blocks, topic_rows, table_rows, selections, notes = {}, [], [], [], []
    coherences: list[float] = []
    labels: dict[str, str] = {}
    models: dict[str, Any] = {}
    documents: dict[str, list[list[str]]] = {}
    counts = {}
    for lang in LANGUAGES:
        positions = np.flatnonzero(langs.to_numpy() == lang)
        name = {"zh": "Chinese", "en": "English"}[lang]
        if positions.size == 0:
            continue
        docs = [tokens[i] for i in positions]
        if use_phrases:
            docs = phrases(docs, min_count=max(3, min(10, positions.size // 500)))
        want = num_topics.get(lang) if isinstance(num_topics, dict) else num_topics
        dictionary = Dictionary(docs)
        # a topic's own words can be in about 1/K of the texts: never drop those as too common
        smallest_k = want if want is not None else k_low
        dictionary.filter_extremes(
            no_below=min(no_below, max(2, positions.size // 200)),
            no_above=max(no_above, min(0.9, 1.5 / smallest_k)),
            keep_n=keep_n,
        )
        docs = [[w for w in d if w in dictionary.token2id] for d in docs]
        ok = np.array([len(d) > 0 for d in docs], dtype=bool)
        counts[lang] = int(ok.sum())
        max_k = counts[lang] // DOCS_PER_TOPIC
        if (
            counts[lang] < MIN_DOCS
            or (want is not None and want > max_k)
            or (want is None and max_k < k_low)
        ):
            need = max(MIN_DOCS, DOCS_PER_TOPIC * (want or k_low))
            notes.append(
                f"{name} texts were not modelled: {counts[lang]} usable texts, at least {need} "
                f"needed for {want or k_low} topics."
            )
            continue
        corpus = [_bow(dictionary, d, max_tokens) for d, keep in zip(docs, ok, strict=True) if keep]
        kept_docs = [d for d, keep in zip(docs, ok, strict=True) if keep]
        if want is None:
            ks = list(range(k_low, min(k_high, max_k) + 1))
            k, sel = _select_k(
                kept_docs,
                dictionary,
                ks,
                seed,
                seeds,
                sel_opts,
                topn,
                coherence,
                selection_sample,
                workers,
                max_tokens,
            )
            selections.append(sel.assign(language=lang))
        else:
            k = int(want)
        fit_corpus, fit_docs = corpus, kept_docs
        if fit_sample is not None and len(corpus) > int(fit_sample):
            pick = np.sort(
                np.random.default_rng(seed).choice(len(corpus), int(fit_sample), replace=False)
            )
            fit_corpus = [corpus[i] for i in pick]
            fit_docs = [kept_docs[i] for i in pick]
            notes.append(
                f"{name} topics were fitted on a random {len(pick):,} of "
                f"{len(corpus):,} usable texts (seed {seed}); all texts were then "
                "scored."
            )
        model = _lda(fit_corpus, dictionary, k, seed, opts)
        models[lang] = model
        documents[lang] = [d[:max_tokens] for d in fit_docs]
        ids = [f"{lang}-{t}" for t in range(k)]
        terms = _top_terms(model, topn)
        per_topic = _coherence_per_topic([terms], fit_docs, dictionary, coherence)[0]
        coherences.extend(per_topic)
        theta = np.zeros((len(corpus), k))
        for row, bow in enumerate(corpus):
            for t, p in model.get_document_topics(bow, minimum_probability=0.0):
                theta[row, t] = p
        theta /= theta.sum(axis=1, keepdims=True)
        blocks[lang] = (positions, ok, theta, ids)
        usable[positions[ok]] = True
        main = np.bincount(theta.argmax(axis=1), minlength=k)
        for t, tid in enumerate(ids):
            labels[tid] = _label(terms[t], lang, set(labels.values()))
            for rank, (term_id, weight) in enumerate(model.get_topic_terms(t, topn), start=1):
                topic_rows.append(
                    {
                        "topic": tid,
                        "rank": rank,
                        "term": dictionary[term_id],
                        "weight": float(weight),
                    }
                )
            table_rows.append(
                {
                    "topic": tid,
                    "language": lang,
                    "label": labels[tid],
                    "top_terms": ", ".join(terms[t]),
                    "share": main[t] / len(corpus),
                    "n_texts": int(main[t]),
                    "coherence": per_topic[t],
                }
            )
    if not blocks:
        detail = "; ".join(n.rstrip(".") for n in notes) or "no Chinese or English texts found"
        raise AnalysisError(
            f"too few usable texts to fit topics: {detail}. Texts that are empty, only stopwords, "
            "emoji or markup do not count. Use more texts (e.g. more months) or fewer topics."
        )
    doc_topics = _doc_topics(blocks, len(series), langs.to_numpy(), index)
    selection = (
        pd.concat(selections, ignore_index=True)[
            ["language", "k", "coherence", "coherence_se", "diversity", "stability", "chosen"]
        ]
        if selections
        else pd.DataFrame(
            columns=["language", "k", "coherence", "coherence_se", "stability", "chosen"]
        )
    )
    return TopicModel(
        table=pd.DataFrame(table_rows),
        topics=pd.DataFrame(topic_rows, columns=["topic", "rank", "term", "weight"]),
        doc_topics=doc_topics,
        coherence=float(np.mean(coherences)),
        labels=labels,
        selection=selection,
        languages=pd.Series(langs.to_numpy(), index=index, name="language"),
        usable=pd.Series(usable, index=index, name="usable"),
        notes=tuple(notes),
        seed=seed,
        texts=series,
        models=models,
        documents=documents,
    )


def _doc_topics(blocks: dict, n: int, langs: np.ndarray, index: pd.Index) -> pd.DataFrame:
    columns = [tid for _, _, _, ids in blocks.values() for tid in ids]
    out = np.zeros((n, len(columns)))
    col = 0
    prevalence_all = np.zeros(len(columns))
    total = 0
    for positions, ok, theta, ids in blocks.values():
        cols = slice(col, col + len(ids))
        lang_prev = theta.mean(axis=0)
        out[positions, cols] = lang_prev  # texts empty after cleaning: the language's prevalence
        out[positions[ok], cols] = theta
        prevalence_all[cols] = theta.sum(axis=0)
        total += theta.shape[0]
        col += len(ids)
    modelled = np.isin(langs, list(blocks))
    out[~modelled] = prevalence_all / total  # other languages: prevalence over all topics
    return pd.DataFrame(out, index=index, columns=columns)


def _select_k(
    docs: list[list[str]],
    dictionary: Any,
    ks: list[int],
    seed: int,
    seeds: int,
    opts: dict[str, Any],
    topn: int,
    measure: str,
    sample: int | None,
    workers: int,
    max_tokens: int,
) -> tuple[int, pd.DataFrame]:
    """Fit every K on ``seeds`` random subsamples, score coherence and stability, choose K.

    Run ``s`` fits 80% of the texts (at most ``sample``) drawn with seed ``seed + s``: stability
    is then the agreement of topics across resamples of the data (Greene, O'Callaghan and
    Cunningham 2014, "How many topics? Stability analysis for topic models"), which is what a
    reader needs to trust: would next month's texts give the same topics?
    """
    size = int(0.8 * len(docs)) if sample is None else min(sample, int(0.8 * len(docs)))
    runs_docs = []
    for s in range(seeds):
        pick = np.sort(np.random.default_rng(seed + s).choice(len(docs), size, replace=False))
        runs_docs.append([docs[i] for i in pick])
    corpora = [[_bow(dictionary, d, max_tokens) for d in part] for part in runs_docs]
    jobs = [(corpora[s], dictionary, k, seed + s, opts, topn) for k in ks for s in range(seeds)]
    if workers > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as ex:
            results = list(ex.map(_fit_candidate, jobs))
    else:
        results = [_fit_candidate(job) for job in jobs]
    terms = {(k, s): t for k, s, t in results}
    runs = [terms[(k, seed + s)] for k in ks for s in range(seeds)]
    per_topic = _coherence_per_topic(runs, runs_docs[0], dictionary, measure)
    rows = []
    for i, k in enumerate(ks):
        block = per_topic[i * seeds : (i + 1) * seeds]
        values = np.concatenate(block)
        rows.append(
            {
                "k": k,
                "coherence": float(values.mean()),
                "coherence_se": float(values.std(ddof=1) / np.sqrt(values.size)),
                "diversity": float(
                    np.mean([topic_diversity(terms[(k, seed + s)]) for s in range(seeds)])
                ),
                "stability": topic_stability([terms[(k, seed + s)] for s in range(seeds)]),
            }
        )
    table = pd.DataFrame(rows)
    if seeds < 2:
        table["stability"] = math.nan
    chosen = _choose_k(table)
    table["chosen"] = table["k"] == chosen
    return chosen, table
