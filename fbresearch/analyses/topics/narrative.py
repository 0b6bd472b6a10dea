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
from fbresearch.analyses.topics.selection import k_holds
from fbresearch.format import confidence_label, format_number, format_signed
from fbresearch.results import Estimate, Finding
from fbresearch.schema import METRICS, metric_spec

if TYPE_CHECKING:
    from fbresearch.analyses.topics.results import TopicModel

__all__ = [
    "rising_tests",
    "overview",
    "summary",
    "k_choice",
    "model_findings",
    "topic_findings",
    "format_emerging",
    "format_pain_points",
    "score_label",
    "examples_table",
    "format_topic_tone",
    "format_topic_drivers",
    "format_identity",
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
    """Display table: each topic's label, top words and share (examples: :func:`examples_table`).

    Parameters
    ----------
    model : TopicModel
    language : {"zh", "en"}, optional
        Only this language's topics (all when None).
    k : int, default 3
        Kept for callers of the former layout; the examples are a table of their own.

    Examples
    --------
    >>> from fbresearch.analyses.topics import fit_topics
    >>> m = fit_topics(["late courier slow"] * 30 + ["refund charge invoice"] * 30, 2,
    ...                language="en")
    >>> overview(m).columns.tolist()
    ['Topic', 'Label', 'Top words', 'Share of texts']
    """
    table = model.table if language is None else model.table[model.table["language"] == language]
    table = table.sort_values(["language", "share"], ascending=[False, False])
    return pd.DataFrame(
        {
            "Topic": table["topic"].to_numpy(),
            "Label": table["label"].to_numpy(),
            "Top words": [", ".join(t.split(", ")[:8]) for t in table["top_terms"]],
            "Share of texts": [f"{s:.0%}" for s in table["share"]],
        }
    )


def examples_table(
    model: TopicModel, examples: pd.DataFrame, language: str | None = None
) -> pd.DataFrame:
    """Display table of the examples (:func:`~.examples.topic_examples`): one row each, by
    topic in the overview's order.

    Examples
    --------
    >>> from fbresearch.analyses.topics import fit_topics
    >>> from fbresearch.analyses.topics.examples import topic_examples
    >>> m = fit_topics(["late courier slow"] * 30 + ["refund charge invoice"] * 30, 2,
    ...                language="en")
    >>> examples_table(m, topic_examples(m, k=1)).columns.tolist()
    ['Topic', 'Label', 'Example']
    """
    order = overview(model, language)["Topic"].tolist()
    part = examples[examples["topic"].isin(order)].copy()
    part["order"] = part["topic"].map({t: i for i, t in enumerate(order)})
    part = part.sort_values(["order", "rank"], kind="stable")
    return pd.DataFrame(
        {
            "Topic": part["topic"].to_numpy(),
            "Label": part["topic"].map(model.labels).to_numpy(),
            "Example": part["text"].to_numpy(),
        }
    )


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
    parts.append(
        f"Mean topic coherence is {model.coherence:.2f} (c_v: the higher, the more often a "
        "topic's top words appear together in the same comments)."
    )
    parts.extend(k_choice(model.selection))
    parts.extend(model.notes)
    return " ".join(parts)


def k_choice(selection: pd.DataFrame) -> list[str]:
    """One sentence per language on why its number of topics was chosen (none for a fixed K).

    Examples
    --------
    >>> table = pd.DataFrame({"language": "en", "k": [2, 3, 4, 5],
    ...                       "reproduced": [2.0, 3.0, 3.2, 3.0],
    ...                       "chosen": [False, False, True, False]})
    >>> k_choice(table)[0]  # doctest: +NORMALIZE_WHITESPACE
    'The number of English topics was tried from 2 to 5: 4 is the largest whose topics, all
    but one, come back when the model is refitted on other samples of the comments (3.2 of 4
    on average).'
    >>> k_choice(table.assign(reproduced=[0.5, 1.5, 2.0, 2.0]))[0]  # doctest: +ELLIPSIS
    '...as well as fewer topics did; 4 brought back the most (2.0 of 4...'
    """
    if selection is None or selection.empty or "chosen" not in selection:
        return []
    out = []
    for lang, part in selection.groupby("language", sort=False):
        chosen = part[part["chosen"].astype(bool)]
        if chosen.empty or part["reproduced"].isna().all():
            continue
        k = int(chosen["k"].iloc[0])
        kept = float(chosen["reproduced"].iloc[0])
        name = _LANGUAGE_NAMES.get(lang, lang)
        tried = f"The number of {name} topics was tried from {part['k'].min()} to {part['k'].max()}"
        if k_holds(part)[chosen.index[0]]:  # choose_k took the largest K that holds
            out.append(
                f"{tried}: {k} is the largest whose topics, all but one, come back when the "
                f"model is refitted on other samples of the comments ({kept:.1f} of {k} on "
                "average)."
            )
        else:
            out.append(
                f"{tried}: none both came back, all topics but one, in other samples and "
                "predicted unseen comments nearly as well as fewer topics did; "
                f"{k} brought back the most ({kept:.1f} of {k} on average), so read its smaller "
                "topics with care."
            )
    return out


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
        est = kpi.proportion(int(top["n_texts"]), n, name=f"share of \u201c{top['label']}\u201d")
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
    ...                   "rising": [True], "falling": [False]})
    >>> format_emerging(t).iloc[0].tolist()
    ['en-1', 'late / driver', '30%', '20%', '+10 pts (+2 to +18)', 'rising']
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
            "Clear change": [
                "rising" if up else "falling" if down else "no"
                for up, down in zip(
                    table["rising"], table.get("falling", [False] * len(table)), strict=True
                )
            ],
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


def _with_ci(est: float, low: float, high: float, share: bool) -> str:
    if pd.isna(est):
        return "–"
    return f"{_score(est, share)} ({_score(low, share)} to {_score(high, share)})"


def format_topic_tone(table: pd.DataFrame, confidence: float | None = None) -> pd.DataFrame:
    """Display version of :func:`~.tone.topic_tone`: positive and negative shares and the score
    of each topic's texts, with intervals.

    Examples
    --------
    >>> t = pd.DataFrame({"topic": ["zh-2"], "label": ["退款"], "language": ["zh"], "n": [120],
    ...                   "positive": [0.1], "positive_low": [0.06], "positive_high": [0.17],
    ...                   "negative": [0.7], "negative_low": [0.61], "negative_high": [0.77],
    ...                   "n_scored": [90], "score": [-35.0], "score_low": [-50.1],
    ...                   "score_high": [-19.9]})
    >>> t.attrs.update(metric="nps", confidence=0.9)
    >>> format_topic_tone(t).iloc[0].tolist()[3:]
    ['10% (6% to 17%)', '70% (61% to 77%)', '90', '-35.0 (-50.1 to -19.9)']
    """
    level = confidence_label(confidence or table.attrs.get("confidence"))
    metric = table.attrs.get("metric", "nps")
    out = pd.DataFrame(
        {
            "Topic": table["topic"],
            "Label": table["label"],
            "Texts": table["n"].map("{:,}".format),
            f"Positive ({level} CI)": [
                _with_ci(*r, share=True)
                for r in table[["positive", "positive_low", "positive_high"]].to_numpy()
            ],
            f"Negative ({level} CI)": [
                _with_ci(*r, share=True)
                for r in table[["negative", "negative_low", "negative_high"]].to_numpy()
            ],
        }
    )
    if "score" in table:
        out["Scored"] = table["n_scored"].map("{:,}".format)
        out[f"{score_label(metric)} ({level} CI)"] = [
            _with_ci(*r, share=_is_share(metric))
            for r in table[["score", "score_low", "score_high"]].to_numpy()
        ]
    return out.reset_index(drop=True)


def _difference(value: float, metric: str) -> str:
    """A regression difference in the metric's unit: points, or percentage points of a share."""
    if _is_share(metric):
        return f"{_points(value)} pts"
    return format_signed(value, 1)


def format_topic_drivers(table: pd.DataFrame, confidence: float | None = None) -> pd.DataFrame:
    """Display version of :func:`~.tone.topic_drivers`: the difference each topic makes to the
    score, the other topics held fixed, its interval, q-value and reading (from ``clear``).

    Examples
    --------
    >>> t = pd.DataFrame({"topic": ["en-1"], "label": ["refund"], "n_present": [80],
    ...                   "coefficient": [-31.0], "ci_low": [-45.2], "ci_high": [-16.8],
    ...                   "q_value": [0.001], "clear": [True]})
    >>> t.attrs.update(metric="nps", confidence=0.95)
    >>> format_topic_drivers(t).iloc[0].tolist()[2:]
    ['80', '-31.0 (-45.2 to -16.8)', '0.001', 'clearly lower']
    """
    from fbresearch.format import format_p

    metric = table.attrs.get("metric", "nps")
    level = confidence_label(confidence or table.attrs.get("confidence"))
    reading = [
        ("clearly lower" if c < 0 else "clearly higher") if clear else "no clear difference"
        for c, clear in zip(table["coefficient"], table["clear"], strict=True)
    ]
    return pd.DataFrame(
        {
            "Topic": table["topic"],
            "Label": table["label"],
            "Texts mentioning it": table["n_present"].map("{:,}".format),
            f"Difference in {score_label(metric)} ({level} CI)": [
                f"{_difference(c, metric)} ({_difference(lo, metric)} to "
                f"{_difference(hi, metric)})"
                for c, lo, hi in zip(table["coefficient"], table["ci_low"], table["ci_high"],
                                     strict=True)
            ],  # fmt: skip
            "q-value (BH)": [format_p(q) for q in table["q_value"]],
            "Reading": reading,
        }
    ).reset_index(drop=True)


def format_identity(status: pd.DataFrame, previous_period: str | None) -> pd.DataFrame:
    """Display table of :func:`~.lineage.align`: whether each topic is last period's, new or
    vanished.

    Examples
    --------
    >>> s = pd.DataFrame({"topic": ["en-0", "en-4", "en-2"], "label": ["late", "app", "refund"],
    ...                   "status": ["kept", "new", "vanished"], "distance": [0.12, 0.8, None]})
    >>> format_identity(s, "2026-09")["Status"].tolist()
    ['same topic as in 2026-09', 'new this period', 'vanished: not found this period']
    """
    words = {
        "kept": f"same topic as in {previous_period}",
        "new": "new this period" if previous_period else "first period of this model",
        "vanished": "vanished: not found this period",
    }
    return pd.DataFrame(
        {
            "Topic": status["topic"].to_numpy(),
            "Label": status["label"].to_numpy(),
            "Status": status["status"].map(words).to_numpy(),
            "Word distance to last period's": [
                "–" if pd.isna(d) else f"{d:.2f}" for d in status["distance"]
            ],
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
    q = evidence.fdr_adjust_within(rising["p_value"], rising["language"])
    return pd.Series(q, index=rising.index)


def _rising_findings(rising: pd.DataFrame) -> list[Finding]:
    """A finding per topic whose share clearly rose, or fell, this period."""
    out = []
    q = _bh_by_language(rising) if "language" in rising else pd.Series(np.nan, rising.index)
    falling = rising["falling"] if "falling" in rising else pd.Series(False, rising.index)
    clear = rising["rising"] | falling
    for i, row in zip(rising.index[clear], rising[clear].itertuples(), strict=True):
        est = Estimate(
            row.difference,
            row.ci_low,
            row.ci_high,
            n=int(row.n_now),
            p_value=row.p_adjusted,
            name=f"change in share of \u201c{row.label}\u201d",
            unit="share",
        )
        kind = "Rising" if row.difference > 0 else "Falling"
        out.append(
            Finding(
                f"{kind} topic in {rising.attrs.get('period', 'this period')}: "
                f"\u201c{row.label}\u201d is the main topic of {row.share_now:.0%} of texts "
                f"against {row.share_before:.0%} before (change "
                f"{_points(row.difference)} points, CI {_points(row.ci_low)} to "
                f"{_points(row.ci_high)}).",
                estimate=est,
                importance=0.75 if row.difference > 0 else 0.6,
                analysis="topics",
                kind="change",
                p_value=float(row.p_value) if hasattr(row, "p_value") else None,
                q_value=None if pd.isna(q[i]) else float(q[i]),
                survives_fdr=True,
            )
        )
    return out


def _pain_finding(pain: pd.DataFrame) -> list[Finding]:
    """The worst topic against all comments, over the period ``pain.attrs["window"]`` names."""
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
    window = pain.attrs.get("window")  # the topics window, not the report's month
    over = f" in the comments from {window}" if window else ""
    overall = " for all scored comments of that period" if window else " overall"
    return [
        Finding(
            f"Biggest pain point{over}: customers writing about \u201c{worst['label']}\u201d "
            f"give {name} {est.format()} against {_score(worst['overall'], share)}{overall}.",
            estimate=est,
            importance=0.8,
            analysis="topics",
            kind="level",
        )
    ]


def _driver_finding(drivers: pd.DataFrame) -> list[Finding]:
    """The topic that goes with the lowest score, others fixed, when it survives BH."""
    worst = drivers.iloc[0]
    if not (worst["clear"] and worst["coefficient"] < 0):
        return []
    metric = drivers.attrs.get("metric", "nps")
    share = _is_share(metric)
    est = Estimate(
        worst["coefficient"],
        worst["ci_low"],
        worst["ci_high"],
        n=int(worst["n"]),
        p_value=float(worst["p_value"]),
        name=f"{score_label(metric)} difference of {worst['topic']}",
        unit="share" if share else "points",
    )
    amount = f"{_points(-worst['coefficient'])} percentage points" if share else (
        f"{format_number(-worst['coefficient'], 1)} points")  # fmt: skip
    return [
        Finding(
            f"Holding the other topics fixed, comments about “{worst['label']}” go "
            f"with {score_label(metric)} {amount} lower (CI "
            f"{_difference(worst['ci_low'], metric)} to {_difference(worst['ci_high'], metric)}).",
            estimate=est,
            importance=0.7,
            analysis="topics",
            kind="driver",
            p_value=float(worst["p_value"]),
            q_value=float(worst["q_value"]),
            survives_fdr=True,
        )
    ]


def topic_findings(
    model: TopicModel,
    rising: pd.DataFrame | None = None,
    pain: pd.DataFrame | None = None,
    drivers: pd.DataFrame | None = None,
) -> list[Finding]:
    """Headline findings for the executive summary: top topics, rising topics, worst pain
    point, the topic that goes with the lowest score (others fixed).

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
    if drivers is not None and len(drivers):
        out.extend(_driver_finding(drivers))
    return out
