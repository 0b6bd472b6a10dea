"""Words of the topics page: the summary, headline findings, display tables and their labels.

Metric names come from :data:`fbresearch.schema.METRICS`; numbers and intervals from
:mod:`fbresearch.format`.

Examples
--------
>>> score_label("nps"), score_label("csat", axis=True), score_label("mean")
('NPS', 'CSAT (share satisfied)', 'Mean score')
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from fbresearch import evidence
from fbresearch.analyses.kpis import scores as kpi
from fbresearch.format import confidence_label, format_number, format_signed
from fbresearch.results import Estimate, Finding
from fbresearch.schema import METRICS, metric_spec

if TYPE_CHECKING:
    from fbresearch.analyses.topics.results import TopicModel

__all__ = [
    "rising_tests",
    "overview",
    "summary",
    "model_findings",
    "topic_findings",
    "format_emerging",
    "format_pain_points",
    "score_label",
]

_LANGUAGE_NAMES = {"zh": "Chinese", "en": "English"}


def score_label(metric: str, axis: bool = False) -> str:
    """Label of a pain-point score from the METRICS registry (``"Mean score"`` for ``"mean"``).

    With ``axis=True`` a share-valued metric says so (``"CSAT (share satisfied)"``).

    Examples
    --------
    >>> score_label("ces"), score_label("nps", axis=True)
    ('CES', 'NPS')
    """
    if metric not in METRICS:
        return "Mean score"
    spec = metric_spec(metric)
    if axis and spec.unit == "percent":
        return (
            f"{spec.label} (share)" if metric == "satisfied" else f"{spec.label} (share satisfied)"
        )
    return spec.label


def _is_share(metric: str) -> bool:
    return metric in METRICS and metric_spec(metric).unit == "percent"


def _score(value: float, share: bool) -> str:
    """A score as the page shows it: a whole percentage for shares, one decimal otherwise."""
    if pd.isna(value):
        return "-"
    return f"{format_number(value, 0, percent=True)}%" if share else format_number(value, 1)


def _points(share_difference: float) -> str:
    """A difference of shares in signed whole percentage points (``"+10"``)."""
    return f"{format_signed(100 * share_difference, 0)}"


def overview(model: TopicModel, language: str | None = None, k: int = 3) -> pd.DataFrame:
    """Display table: each topic's label, top words, share and ``k`` redacted verbatims.

    Parameters
    ----------
    model : TopicModel
    language : {"zh", "en"}, optional
        Only this language's topics (all when None).
    k : int, default 3
        Representative verbatims per topic (see :meth:`TopicModel.representative`).

    Examples
    --------
    >>> from fbresearch.analyses.topics import fit_topics
    >>> m = fit_topics(["late courier slow"] * 30 + ["refund charge invoice"] * 30, 2,
    ...                language="en")
    >>> overview(m, k=1).columns.tolist()
    ['Topic', 'Label', 'Top words', 'Share of texts', 'Example 1']
    """
    rows = []
    table = model.table if language is None else model.table[model.table["language"] == language]
    for row in table.sort_values(["language", "share"], ascending=[False, False]).itertuples():
        examples = model.representative(row.topic, k)["text"].tolist()
        rows.append(
            {
                "Topic": row.topic,
                "Label": row.label,
                "Top words": ", ".join(row.top_terms.split(", ")[:8]),
                "Share of texts": f"{row.share:.0%}",
                **{
                    f"Example {i + 1}": (examples[i] if i < len(examples) else "") for i in range(k)
                },
            }
        )
    return pd.DataFrame(rows)


def summary(model: TopicModel) -> str:
    """A few sentences: topics per language, the largest, mean coherence and the notes.

    Examples
    --------
    >>> from fbresearch.analyses.topics import fit_topics
    >>> m = fit_topics(["late courier slow"] * 30 + ["refund charge invoice"] * 30, 2,
    ...                language="en")
    >>> summary(m).startswith("2 topics in English texts")
    True
    """
    parts = []
    for lang, part in model.table.groupby("language", sort=False):
        top = part.sort_values("share", ascending=False).iloc[0]
        name = _LANGUAGE_NAMES.get(lang, lang)
        parts.append(
            f"{len(part)} topics in {name} texts; the largest, \u201c{top['label']}\u201d, is "
            f"the main topic of {top['share']:.0%} of them."
        )
    parts.append(f"Mean topic coherence (c_v) is {model.coherence:.2f}.")
    parts.extend(model.notes)
    return " ".join(parts)


def model_findings(model: TopicModel) -> list[Finding]:
    """One finding per language: its most discussed topic, with the share's interval.

    Examples
    --------
    >>> from fbresearch.analyses.topics import fit_topics
    >>> m = fit_topics(["late courier slow"] * 30 + ["refund charge invoice"] * 30, 2,
    ...                language="en")
    >>> model_findings(m)[0].sentence.startswith("The most discussed English topic")
    True
    """
    out = []
    for lang, part in model.table.groupby("language", sort=False):
        top = part.sort_values("share", ascending=False).iloc[0]
        n = int(model.usable[model.languages == lang].sum())
        est = kpi.proportion(int(top["n_texts"]), n, name=f"share of {top['topic']}")
        out.append(
            Finding(
                f"The most discussed {'Chinese' if lang == 'zh' else 'English'} topic is "
                f"\u201c{top['label']}\u201d: the main topic of {est.format(digits=0)} of texts.",
                estimate=est,
                importance=0.5,
                analysis="topics",
                kind="level",
            )
        )
    return out


def format_emerging(table: pd.DataFrame, confidence: float | None = None) -> pd.DataFrame:
    """Display version of :meth:`TopicModel.emerging`: shares and the change with its CI
    (the header names the ``confidence`` level: by default the table's own, ``attrs``).

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
            f"Change ({confidence_label(confidence or table.attrs.get('confidence'))} CI)": [
                f"{_points(d)} pts ({_points(lo)} to {_points(hi)})"
                for d, lo, hi in zip(
                    table["difference"], table["ci_low"], table["ci_high"], strict=True
                )
            ],
            "Rising": table["rising"].map({True: "yes", False: "no"}),
        }
    )


def format_pain_points(table: pd.DataFrame, confidence: float | None = None) -> pd.DataFrame:
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
    level = confidence or table.attrs.get("confidence")
    share = _is_share(metric)
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
            f"{score_label(metric)} ({confidence_label(level)} CI)": [
                f"{_score(e, share)} ({_score(lo, share)} to {_score(hi, share)})"
                if not pd.isna(e)
                else "–"
                for e, lo, hi in zip(
                    table["estimate"], table["ci_low"], table["ci_high"], strict=True
                )
            ],
            "Clearly below all": table["below_overall"].map({True: "yes", False: "no"}),
        }
    )


def rising_tests(rising: pd.DataFrame | None) -> list[float]:
    """The page's family of prevalence changes: one raw p-value per topic compared.

    ``emerging`` Holm-corrects them per language (``p_adjusted``); Holm controls the family-wise
    error rate, so a topic it calls rising also survives the Benjamini-Hochberg check.
    """
    if rising is None or "p_value" not in rising:
        return []
    return [float(p) for p in rising["p_value"] if not pd.isna(p)]


def _bh_by_language(rising: pd.DataFrame) -> pd.Series:
    q = pd.Series(np.nan, index=rising.index)
    for _, part in rising.groupby("language", sort=False):
        ok = part["p_value"].notna()
        q[part.index[ok]] = evidence.fdr_adjust(part.loc[ok, "p_value"])
    return q


def _rising_findings(rising: pd.DataFrame) -> list[Finding]:
    out = []
    q = _bh_by_language(rising) if "language" in rising else pd.Series(np.nan, rising.index)
    for i, row in zip(
        rising.index[rising["rising"]], rising[rising["rising"]].itertuples(), strict=True
    ):
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
                f"{_points(row.difference)} points, CI {_points(row.ci_low)} to "
                f"{_points(row.ci_high)}).",
                estimate=est,
                importance=0.75,
                analysis="topics",
                kind="change",
                p_value=float(row.p_value) if hasattr(row, "p_value") else None,
                q_value=None if pd.isna(q[i]) else float(q[i]),
                survives_fdr=True,
            )
        )
    return out


def _pain_finding(pain: pd.DataFrame) -> list[Finding]:
    worst = pain.dropna(subset=["estimate"]).iloc[0]
    if not worst["below_overall"]:
        return []
    metric = pain.attrs.get("metric", "nps")
    share = _is_share(metric)
    name = score_label(metric)
    est = Estimate(
        worst["estimate"],
        worst["ci_low"],
        worst["ci_high"],
        n=int(worst["n"]),
        name=f"{name} of {worst['topic']}",
        unit="share" if share else "points",
    )
    return [
        Finding(
            f"Biggest pain point: customers writing about \u201c{worst['label']}\u201d give "
            f"{name} {est.format()} against {_score(worst['overall'], share)} overall.",
            estimate=est,
            importance=0.8,
            analysis="topics",
            kind="level",
        )
    ]


def topic_findings(
    model: TopicModel, rising: pd.DataFrame | None = None, pain: pd.DataFrame | None = None
) -> list[Finding]:
    """Headline findings for the executive summary: top topics, rising topics, worst pain point.

    Examples
    --------
    >>> from fbresearch.analyses.topics import fit_topics
    >>> m = fit_topics(["late courier slow"] * 30 + ["refund charge invoice"] * 30, 2,
    ...                language="en")
    >>> [f.analysis for f in topic_findings(m)]
    ['topics']
    """
    out = model.findings()
    if rising is not None and len(rising):
        out.extend(_rising_findings(rising))
    if pain is not None and len(pain.dropna(subset=["estimate"])):
        out.extend(_pain_finding(pain))
    return out
