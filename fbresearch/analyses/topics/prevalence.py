"""Topic shares over groups (months), rising topics and pain points of a fitted TopicModel.

Numbers only: each function returns a tidy DataFrame whose ``attrs`` carry the confidence
level (and period or metric) for the captions and plots that read it.

Examples
--------
>>> import pandas as pd
>>> from fbresearch.analyses.topics import fit_topics
>>> texts = ["late courier slow driver"] * 30 + ["refund charge invoice billing"] * 30
>>> model = fit_topics(texts, num_topics=2, language="en")
>>> table = prevalence(model, ["2026-01"] * 30 + ["2026-02"] * 30)
>>> sorted(table.columns)[:3], table.attrs["confidence"]
(['ci_high', 'ci_low', 'count'], 0.95)
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from fbresearch.analyses.kpis import scores as kpi
from fbresearch.errors import AnalysisError, FeedbackDataError
from fbresearch.evidence import holm_adjust
from fbresearch.schema import METRICS

if TYPE_CHECKING:
    from fbresearch.analyses.topics.results import TopicModel

__all__ = ["prevalence", "emerging", "pain_points", "group_values"]


def group_values(model: TopicModel, by: Any) -> pd.Series:
    """``by`` aligned to the model's texts (datetimes become months); checks its length."""
    values = by if isinstance(by, pd.Series) else pd.Series(list(by))
    if len(values) != len(model.doc_topics):
        raise FeedbackDataError(
            f"'by' has {len(values)} values for {len(model.doc_topics)} texts",
            column="by",
            fix="pass one value per text, aligned with the texts fitted.",
        )
    values = pd.Series(values.to_numpy(), index=model.doc_topics.index)
    if pd.api.types.is_datetime64_any_dtype(values):
        values = values.dt.to_period("M")
    return values


def prevalence(model: TopicModel, by: Any, confidence: float = 0.95) -> pd.DataFrame:
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
    groups = group_values(model, by)
    frame = pd.DataFrame(
        {
            "period": groups,
            "language": model.languages.to_numpy(),
            "topic": model.dominant.to_numpy(),
        }
    )[model.usable.to_numpy()]
    frame = frame[frame["period"].notna()]
    rows = []
    for (period, lang), part in frame.groupby(["period", "language"], sort=True):
        counts = part["topic"].value_counts()
        for topic in model._topics_of(lang):
            est = kpi.proportion(int(counts.get(topic, 0)), len(part), confidence)
            rows.append(
                {
                    "period": period,
                    "topic": topic,
                    "label": model.labels[topic],
                    "language": lang,
                    "count": int(counts.get(topic, 0)),
                    "n": len(part),
                    "share": est.estimate,
                    "ci_low": est.ci_low,
                    "ci_high": est.ci_high,
                }
            )
    out = pd.DataFrame(
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
    out.attrs.update(confidence=confidence)
    return out


def emerging(
    model: TopicModel, by: Any, period: Any = None, window: int = 3, confidence: float = 0.95
) -> pd.DataFrame:
    """Topics whose share this period is clearly above (or below) the trailing ``window`` periods.

    For each topic, the share in ``period`` is compared with the pooled share of the
    ``window`` periods before it: a two-sided score test of two independent proportions
    (statsmodels ``test_proportions_2indep``), Holm-adjusted across the topics of a language,
    and a Newcombe interval for the difference. ``rising`` (``falling``) is True when the
    adjusted p-value is below ``1 - confidence`` and the share went up (down): a subject
    customers stop writing about is news too (fewer complaints about delivery after a fix).

    Returns
    -------
    DataFrame
        ``topic``, ``label``, ``language``, ``share_now``, ``share_before``, ``difference``,
        ``ci_low``, ``ci_high`` (of the difference), ``n_now``, ``n_before``, ``p_value``,
        ``p_adjusted``, ``rising``, ``falling``; sorted by difference, largest first.
    """
    table = prevalence(model, by, confidence)
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
        for topic in model._topics_of(lang):
            x1, n1 = int(now["count"].get(topic, 0)), int(now["n"].get(topic, 0))
            x0, n0 = int(old["count"].get(topic, 0)), int(old["n"].get(topic, 0))
            if n1 == 0 or n0 == 0:
                continue
            p1, p0 = x1 / n1, x0 / n0
            p_value, low, high = _compare_shares(x1, n1, x0, n0, confidence)
            lang_rows.append(
                {
                    "topic": topic,
                    "label": model.labels[topic],
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
            adjusted = holm_adjust([r["p_value"] for r in lang_rows])
            for r, p in zip(lang_rows, adjusted, strict=True):
                r["p_adjusted"] = float(p)
                r["rising"] = bool(p < 1 - confidence and r["difference"] > 0)
                r["falling"] = bool(p < 1 - confidence and r["difference"] < 0)
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
        "falling",
    ]
    out = pd.DataFrame(rows, columns=columns)
    out.attrs.update(period=current, before=before, confidence=confidence)
    return out.sort_values("difference", ascending=False, kind="stable").reset_index(drop=True)


def _compare_shares(x1: int, n1: int, x0: int, n0: int, confidence: float) -> tuple:
    """Two-sided score test (share now differs from before) and Newcombe interval of the
    difference."""
    from statsmodels.stats.proportion import confint_proportions_2indep, test_proportions_2indep

    if not 0 < x1 + x0 < n1 + n0:
        return 1.0, x1 / n1 - x0 / n0, x1 / n1 - x0 / n0
    with np.errstate(divide="ignore", invalid="ignore"):  # ratios of a zero share
        p_value = float(
            test_proportions_2indep(x1, n1, x0, n0, method="score", alternative="two-sided").pvalue
        )
        low, high = confint_proportions_2indep(
            x1, n1, x0, n0, method="newcomb", alpha=1 - confidence
        )
    return p_value, low, high


def pain_points(
    model: TopicModel, scores: Any, metric: str = "nps", confidence: float = 0.95
) -> pd.DataFrame:
    """Mean NPS/CSAT/CES of each topic's responses with CIs, worst first, with volume.

    Each usable text counts for its main topic; the estimate uses ``fbresearch.analyses.kpis``
    (``nps`` in points, ``csat`` as the top-2-box share, ``ces`` or ``mean`` as a mean) over
    the texts that have a score.

    Parameters
    ----------
    scores : Series or array-like
        One score per text (missing where unscored), aligned with the fitted texts.
    metric : {"nps", "csat", "satisfied", "ces", "mean"}
        ``satisfied`` (0/1) as the share satisfied (Wilson interval), like ``csat``.

    Returns
    -------
    DataFrame
        ``rank`` (1 = lowest score), ``topic``, ``label``, ``language``, ``volume`` (texts
        whose main topic it is), ``volume_share``, ``n`` (scored texts), ``estimate``,
        ``ci_low``, ``ci_high``, ``overall`` (estimate over all scored usable texts) and
        ``below_overall`` (the topic's CI lies entirely below ``overall``).
    """
    funcs = {
        "nps": kpi.nps,
        "csat": kpi.csat,
        "satisfied": kpi.satisfied,
        "ces": kpi.ces,
        "mean": kpi.mean,
    }
    if metric not in funcs:
        raise AnalysisError(f"metric must be one of {sorted(funcs)}, not {metric!r}.")
    if scores is None:
        raise AnalysisError(f"the data has no {metric} column; pain points need scored responses.")
    values = group_values(model, scores)
    values = pd.to_numeric(values.astype("object"), errors="coerce")
    dominant = model.dominant
    usable = model.usable.to_numpy()
    if values[usable].notna().sum() == 0:
        raise AnalysisError(
            f"no usable text has a {_label(metric)} answer; pain points need scored responses "
            "(choose a pain_metric the data has: nps, csat, satisfied or ces)."
        )
    overall = funcs[metric](values[usable].dropna(), confidence=confidence)
    volume = dominant.value_counts()
    rows = []
    for topic in model.doc_topics.columns:
        mask = (dominant == topic).to_numpy()
        scored = values[mask].dropna()
        est = funcs[metric](scored, confidence=confidence) if len(scored) else None
        rows.append(
            {
                "topic": topic,
                "label": model.labels[topic],
                "language": str(model.table.set_index("topic").loc[topic, "language"]),
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
    out.attrs.update(metric=metric, confidence=confidence)
    return out.reset_index(drop=True)


def _label(metric: str) -> str:
    """The metric's label from the METRICS registry (``"NPS"``), the key for ``"mean"``."""
    return METRICS[metric].label if metric in METRICS else metric


# ---------------------------------------------------------------- reporting


def _match_period(period: Any, periods: list[Any]) -> Any:
    for p in periods:
        if str(p) == str(period):
            return p
    raise AnalysisError(f"period {period} has no usable texts; periods present: {periods[-6:]}.")
