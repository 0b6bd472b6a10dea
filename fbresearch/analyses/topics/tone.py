"""What customers say about each topic: its tone, its score, and topics as drivers of the score.

* :func:`topic_tone`: for the texts whose main topic it is, each topic's share of positive and
  of negative texts (Wilson intervals) and its score (NPS with the adjusted Wald interval, or
  the share satisfied), as Qualtrics Text iQ shows topic sentiment beside the score;
* :func:`topic_drivers`: which topics go with low scores *holding the other topics fixed*:
  an OLS regression of each response's score on whether each topic is present in its text
  (topic weight above ``threshold``), per language, with heteroskedasticity-robust (HC3)
  intervals and Benjamini-Hochberg q-values over all topics (one family).

Numbers only; the display tables are in :mod:`fbresearch.analyses.topics.narrative`.

Examples
--------
>>> import pandas as pd
>>> from fbresearch.analyses.topics import fit_topics
>>> texts = ["late courier slow driver"] * 30 + ["refund charge invoice billing"] * 30
>>> model = fit_topics(texts, num_topics=2, language="en")
>>> tone = topic_tone(model, pd.Series(["negative"] * 60), pd.Series([3] * 30 + [10] * 30))
>>> tone["negative"].round(2).tolist()
[1.0, 1.0]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from fbresearch import evidence
from fbresearch.analyses.kpis import scores as kpi
from fbresearch.analyses.topics.prevalence import group_values
from fbresearch.errors import AnalysisError

if TYPE_CHECKING:
    from fbresearch.analyses.topics.results import TopicModel

__all__ = ["topic_tone", "topic_drivers", "PRESENCE", "outcome_values"]

#: a topic is "present" in a text whose weight on it is above this
PRESENCE = 0.3
_SCORE = {"nps": kpi.nps, "csat": kpi.csat, "satisfied": kpi.satisfied, "ces": kpi.ces}


def outcome_values(scores: pd.Series, metric: str) -> pd.Series:
    """Each response's contribution to ``metric``: NPS +100/0/-100 (promoter, passive,
    detractor), CSAT or satisfied 1/0 (satisfied or not), CES as answered.

    The mean of these values is the metric itself, so a regression coefficient on them is in the
    metric's own unit (NPS points, share satisfied, CES points).

    Examples
    --------
    >>> outcome_values(pd.Series([10, 8, 3, None]), "nps").tolist()
    [100.0, 0.0, -100.0, nan]
    """
    values = pd.to_numeric(scores.astype("object"), errors="coerce").astype(float)
    if metric == "nps":
        return pd.Series(np.select([values >= 9, values <= 6], [100.0, -100.0], 0.0),
                         index=values.index).where(values.notna())
    if metric == "csat":
        return (values >= 4).astype(float).where(values.notna())
    if metric in ("satisfied", "ces"):
        return values
    raise AnalysisError(f"metric must be one of {sorted(_SCORE)}, not {metric!r}.")


def topic_tone(
    model: TopicModel,
    sentiment: Any,
    scores: Any = None,
    metric: str = "nps",
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Each topic's share of positive and negative texts and its score, with intervals.

    Parameters
    ----------
    model : TopicModel
    sentiment : Series of str
        ``"positive"``, ``"negative"`` or ``"neutral"`` per text (aligned with the model's
        texts), e.g. ``SentimentResult.table["sentiment"]``.
    scores : Series, optional
        The ``metric``'s answer per text (missing where unscored); no score columns without.
    metric : {"nps", "csat", "satisfied", "ces"}

    Returns
    -------
    DataFrame
        ``topic``, ``label``, ``language``, ``n`` (texts whose main topic it is),
        ``positive``/``positive_low``/``positive_high``, ``negative``/``negative_low``/
        ``negative_high``, and with scores ``n_scored``, ``score``, ``score_low``,
        ``score_high``; ``attrs`` hold ``metric`` and ``confidence``.
    """
    tone = group_values(model, sentiment).astype("object")
    values = group_values(model, scores) if scores is not None else None
    dominant = model.dominant
    rows = []
    for row in model.table.itertuples():
        mine = (dominant == row.topic).to_numpy()
        calls = tone[mine]
        out = {"topic": row.topic, "label": row.label, "language": row.language, "n": len(calls)}
        for side in ("positive", "negative"):
            est = kpi.proportion(int((calls == side).sum()), len(calls), confidence)
            out.update({side: est.estimate, f"{side}_low": est.ci_low, f"{side}_high": est.ci_high})
        if values is not None:
            answered = pd.to_numeric(values[mine].astype("object"), errors="coerce").dropna()
            est = _SCORE[metric](answered, confidence=confidence) if len(answered) else None
            out.update(
                n_scored=len(answered),
                score=est.estimate if est else np.nan,
                score_low=est.ci_low if est else np.nan,
                score_high=est.ci_high if est else np.nan,
            )
        rows.append(out)
    table = pd.DataFrame(rows)
    table.attrs.update(metric=metric, confidence=confidence)
    return table


def _language_fit(
    presence: pd.DataFrame, y: pd.Series, confidence: float
) -> tuple[list[dict[str, Any]], str | None]:
    """OLS of ``y`` on the presence columns (HC3); a topic in every or no text is left out,
    and a topic whose presence the others determine is the reference (named in the note)."""
    import statsmodels.api as sm

    keep = [c for c in presence.columns if 0 < presence[c].sum() < len(presence)]
    note = None
    x = sm.add_constant(presence[keep].astype(float), has_constant="add")
    if keep and np.linalg.matrix_rank(x.to_numpy()) < x.shape[1]:
        reference = presence[keep].sum().idxmax()
        keep = [c for c in keep if c != reference]
        x = x.drop(columns=reference)
        note = reference
    if not keep or len(y) <= x.shape[1] + 1:
        return [], note
    fit = sm.OLS(y.to_numpy(), x.to_numpy()).fit(cov_type="HC3")
    ci = fit.conf_int(alpha=1 - confidence)
    rows = [
        {
            "topic": topic,
            "n_present": int(presence[topic].sum()),
            "coefficient": float(fit.params[j]),
            "ci_low": float(ci[j, 0]),
            "ci_high": float(ci[j, 1]),
            "p_value": float(fit.pvalues[j]),
            "n": int(fit.nobs),
        }
        for j, topic in enumerate(keep, start=1)
    ]
    return rows, note


def topic_drivers(
    model: TopicModel,
    scores: Any,
    metric: str = "nps",
    threshold: float = PRESENCE,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Which topics go with low (or high) scores, holding the other topics fixed.

    For each language, the scored usable texts' score contributions (:func:`outcome_values`:
    NPS points, share satisfied) are regressed (OLS, HC3 standard errors) on one 0/1 column per
    topic: whether the text's weight on the topic is above ``threshold``. A coefficient is the
    difference in the metric between texts that mention the topic and texts that do not, the
    other topics held fixed. q-values are Benjamini-Hochberg over every topic of the page
    (:func:`fbresearch.evidence.fdr_adjust`); ``clear`` says which survive
    (:func:`fbresearch.evidence.fdr_survivors`).

    Returns
    -------
    DataFrame
        ``topic``, ``label``, ``language``, ``n_present``, ``n`` (scored texts of the
        language), ``coefficient``, ``ci_low``, ``ci_high``, ``p_value``, ``q_value``,
        ``clear``; lowest coefficient first. ``attrs`` hold ``metric``, ``confidence``,
        ``threshold`` and ``reference`` (topics left as the baseline because the others
        determine them).

    Examples
    --------
    >>> from fbresearch.analyses.topics import fit_topics
    >>> texts = ["late courier slow driver"] * 40 + ["great tasty meal fresh"] * 40
    >>> model = fit_topics(texts, num_topics=2, language="en")
    >>> nps = pd.Series([2] * 40 + [10] * 40)
    >>> table = topic_drivers(model, nps)  # each text has one topic: the other is the baseline
    >>> round(abs(float(table["coefficient"].iloc[0])), 6), len(table.attrs["reference"])
    (200.0, 1)
    """
    if scores is None:
        raise AnalysisError(f"the data has no {metric} column; topic drivers need scores.")
    y_all = outcome_values(group_values(model, scores), metric)
    rows, references = [], []
    for lang in model.table["language"].unique():
        topics = model._topics_of(lang)
        mask = (model.usable & (model.languages == lang)).to_numpy() & y_all.notna().to_numpy()
        presence = model.doc_topics.loc[mask, topics] > threshold
        lang_rows, reference = _language_fit(presence, y_all[mask], confidence)
        references += [reference] if reference else []
        rows += [dict(r, language=lang, label=model.labels[r["topic"]]) for r in lang_rows]
    if not rows:
        raise AnalysisError(
            f"too few scored texts ({int(y_all.notna().sum())}) to relate topics to {metric}."
        )
    table = pd.DataFrame(rows)
    table["q_value"] = evidence.fdr_adjust(table["p_value"])
    table["clear"] = evidence.fdr_survivors(table["p_value"], confidence)
    columns = ["topic", "label", "language", "n_present", "n", "coefficient", "ci_low",
               "ci_high", "p_value", "q_value", "clear"]  # fmt: skip
    table = table[columns].sort_values("coefficient", kind="stable").reset_index(drop=True)
    table.attrs.update(
        metric=metric, confidence=confidence, threshold=threshold, reference=references
    )
    return table
