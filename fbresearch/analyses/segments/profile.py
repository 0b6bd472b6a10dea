"""Satisfaction by segment: each segment against the rest, Holm-corrected, with topic lift.

Examples
--------
>>> frame = pd.DataFrame({"seg": ["a"] * 40 + ["b"] * 40, "nps": [10, 3] * 40})
>>> bool(profile_segments(frame, "seg", metrics=("nps",)).table["significant"].any())
False
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from fbresearch.analyses.kpis import scores as kpi
from fbresearch.analyses.segments.common import MIN_RESPONSES, _require
from fbresearch.analyses.segments.results import ProfileResult
from fbresearch.errors import AnalysisError
from fbresearch.evidence import holm_adjust
from fbresearch.results import Estimate
from fbresearch.schema import metric_spec

__all__ = ["profile_segments", "usable_metrics", "PROFILE_METRICS"]

#: the metrics a profile compares, in the order a page lists them
PROFILE_METRICS = ("nps", "csat", "csat_mean", "satisfied", "ces")
#: the unit of a metric's difference (an ``Estimate.unit``)
_UNITS = {"nps": "points", "csat": "share", "satisfied": "share"}


def usable_metrics(
    frame: pd.DataFrame, metrics: Sequence[str]
) -> tuple[list[str], tuple[str, ...]]:
    """The ``metrics`` that ``frame`` has answers for, and a note for each one left out.

    Raises :class:`AnalysisError` for an unknown metric or when none is left.

    Examples
    --------
    >>> usable_metrics(pd.DataFrame({"csat": [4, 5], "nps": [pd.NA, pd.NA]}), ("nps", "csat"))
    (['csat'], ('NPS is left out: the data has no nps answers.',))
    """
    if isinstance(metrics, str):
        metrics = [metrics]
    bad = [m for m in metrics if m not in PROFILE_METRICS]
    if bad:
        raise AnalysisError(f"unknown metric {bad[0]!r}; choose from {list(PROFILE_METRICS)}.")
    kept, notes = [], []
    for m in dict.fromkeys(metrics):
        col = m.removesuffix("_mean")
        if col in frame.columns and pd.to_numeric(frame[col], errors="coerce").notna().any():
            kept.append(m)
        else:
            where = "answers" if col in frame.columns else "column"
            notes.append(f"{metric_spec(m).label} is left out: the data has no {col} {where}.")
    if not kept:
        raise AnalysisError(
            f"no satisfaction score to compare: the data has no answers in "
            f"{', '.join(dict.fromkeys(m.removesuffix('_mean') for m in metrics))}; "
            f"choose metrics from {', '.join(PROFILE_METRICS)} that the data has."
        )
    return kept, tuple(notes)


def profile_segments(
    frame: pd.DataFrame,
    segment: str,
    metrics: Sequence[str] = ("nps", "csat"),
    topic: str | None = None,
    confidence: float = 0.95,
    alpha: float = 0.05,
) -> ProfileResult:
    """Satisfaction (NPS, CSAT, ...) by segment with CIs, each segment against the rest, Holm-corrected.

    For each segment and metric: the segment's score with its CI (from :mod:`fbresearch.analyses.kpis`),
    the rest's score, and the difference with a test:

    - NPS: the difference of two independent NPS, ``se = sqrt(se_segment**2 + se_rest**2)``,
      a z test and a Wald interval;
    - CSAT (the top-box share): a two-proportion z test (pooled, statsmodels
      ``proportions_ztest``) and a Newcombe interval for the difference
      (``confint_proportions_2indep``);
    - ``csat_mean`` (the mean 1-5 answer): Welch's t test.

    p-values are Holm-adjusted over the segments, per metric (:func:`fbresearch.evidence.holm_adjust`).
    A segment with fewer than :data:`MIN_RESPONSES` responses is kept in the correction but is
    flagged ``small_sample`` and never marked significant. With ``topic`` (a column of topic
    labels), each segment's most over-represented topics (lift = share in the segment / share in
    the rest, at least 5 mentions) are listed.

    Parameters
    ----------
    frame : DataFrame
        One row per response with a ``segment`` column (e.g. from ``RFMResult.assign``).
    segment : str
        The column holding segment labels; rows without one are left out.
    metrics : sequence of {"nps", "csat", "csat_mean", "satisfied", "ces"}
        Metrics whose column is absent or has no answers are left out (the result's notes say
        which); none left is an :class:`AnalysisError`. ``satisfied`` (0/1) is compared like
        CSAT (two shares), ``ces`` like ``csat_mean`` (two means).
    topic : str, optional

    Examples
    --------
    >>> frame = pd.DataFrame({"seg": ["a"] * 40 + ["b"] * 40,
    ...                       "nps": [10] * 30 + [3] * 10 + [10] * 10 + [3] * 30})
    >>> res = profile_segments(frame, "seg", metrics=("nps",))
    >>> res.table[["segment", "estimate", "difference", "significant"]].values.tolist()
    [['a', 50.0, 100.0, True], ['b', -50.0, -100.0, True]]
    """
    _require(frame, [segment], "frame", "add segments first, e.g. rfm.assign(feedback).")
    metrics, notes = usable_metrics(frame, metrics)
    data = frame.loc[frame[segment].notna()]
    if data.empty:
        raise AnalysisError(f"no row has a value in {segment!r}; assign segments before profiling.")
    seg = data[segment].astype(str)
    order = (
        list(data[segment].cat.categories)
        if isinstance(data[segment].dtype, pd.CategoricalDtype)
        else sorted(seg.unique())
    )
    order = [s for s in map(str, order) if (seg == s).any()]
    rows, estimates = [], {}
    for m in metrics:
        col = m.removesuffix("_mean")
        values = pd.to_numeric(data[col], errors="coerce").astype(float)
        ok = values.notna().to_numpy()
        total = int(ok.sum())
        for s in order:
            inside = (seg == s).to_numpy()
            a, b = values[inside & ok], values[~inside & ok]
            name = metric_spec(m).label
            ea, eb, diff, lo_d, hi_d, p, se = _compare(m, a, b, confidence)
            estimates[(s, name)] = ea
            unit = _UNITS.get(m, "")
            estimates[(s, name, "diff")] = Estimate(
                float(diff),
                float(lo_d),
                float(hi_d),
                n=len(a),
                se=se,
                p_value=p,
                confidence=confidence,
                name=f"{name} difference",
                unit=unit,
            )
            rows.append(
                dict(
                    segment=s,
                    metric=name,
                    unit=unit,
                    n=len(a),
                    share=len(a) / total if total else math.nan,
                    estimate=ea.estimate,
                    ci_low=ea.ci_low,
                    ci_high=ea.ci_high,
                    rest=eb.estimate,
                    difference=diff,
                    diff_low=float(lo_d),
                    diff_high=float(hi_d),
                    p_value=p,
                    confidence=confidence,
                )
            )
    table = pd.DataFrame(rows)
    table["p_holm"] = np.nan  # column order: p_value, p_holm, small_sample, significant
    table["small_sample"] = table["n"] < MIN_RESPONSES
    _holm(table, alpha)

    topics = pd.DataFrame(columns=["segment", "topic", "count", "share", "share_rest", "lift"])
    table["top_topics"] = ""
    if topic is not None:
        _require(
            frame, [topic], "frame", "pass the column with topic labels as topic=, or topic=None."
        )
        topics = _topic_lift(seg, data[topic])
        tops = (
            topics.groupby("segment").apply(
                lambda g: ", ".join(g.nlargest(3, "lift")["topic"].astype(str)),
                include_groups=False,
            )
            if len(topics)
            else pd.Series(dtype=str)
        )
        table["top_topics"] = table["segment"].map(tops).fillna("")
    return ProfileResult(
        table=table,
        notes=notes,
        estimates=estimates,
        topics=topics,
        segment=segment,
        alpha=alpha,
        confidence=confidence,
    )


def _holm(table: pd.DataFrame, alpha: float) -> None:
    """Holm-adjust ``p_value`` per metric over every row into ``p_holm``; mark ``significant``
    (adjusted p below ``alpha`` and not ``small_sample``). Changes ``table`` in place."""
    table["p_holm"] = np.nan
    for name in table["metric"].unique():
        sel = (table["metric"] == name) & table["p_value"].notna()
        if sel.any():
            table.loc[sel, "p_holm"] = holm_adjust(table.loc[sel, "p_value"])
    table["significant"] = (table["p_holm"] < alpha) & ~table["small_sample"]


def _compare(m: str, a: pd.Series, b: pd.Series, confidence: float) -> tuple:
    """Segment ``a`` against the rest ``b`` on metric ``m``: the two scores, the difference,
    its interval, the test's p-value and its standard error (see :func:`profile_segments`)."""
    if m == "nps":
        ea, eb = _nps(a, confidence), _nps(b, confidence)
        diff = ea.estimate - eb.estimate
        se = math.sqrt((ea.se or 0) ** 2 + (eb.se or 0) ** 2) if len(a) and len(b) else math.nan
        p = float(2 * stats.norm.sf(abs(diff) / se)) if se and se > 0 else math.nan
        z = float(stats.norm.ppf(0.5 + confidence / 2))
        lo_d, hi_d = diff - z * se, diff + z * se
    elif m == "csat":
        ea, eb = kpi.csat(a, confidence=confidence), kpi.csat(b, confidence=confidence)
        xa, xb = int(np.isin(a, (4, 5)).sum()), int(np.isin(b, (4, 5)).sum())
        diff, p, lo_d, hi_d, se = _two_proportions(xa, len(a), xb, len(b), confidence)
    elif m == "satisfied":
        ea, eb = kpi.satisfied(a, confidence=confidence), kpi.satisfied(b, confidence=confidence)
        xa, xb = int((a == 1).sum()), int((b == 1).sum())
        diff, p, lo_d, hi_d, se = _two_proportions(xa, len(a), xb, len(b), confidence)
    else:
        ea, eb = (
            kpi.mean(a, confidence, name=metric_spec(m).label),
            kpi.mean(b, confidence, name=metric_spec(m).label),
        )
        diff = ea.estimate - eb.estimate
        if len(a) > 1 and len(b) > 1 and (a.var(ddof=1) > 0 or b.var(ddof=1) > 0):
            test = stats.ttest_ind(a, b, equal_var=False)
            p = float(test.pvalue)
            ci = test.confidence_interval(confidence)
            lo_d, hi_d = float(ci.low), float(ci.high)
            se = math.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
        else:
            p, lo_d, hi_d, se = math.nan, math.nan, math.nan, math.nan
    return ea, eb, diff, lo_d, hi_d, p, se


def _two_proportions(xa: int, na: int, xb: int, nb: int, confidence: float) -> tuple:
    """Difference of two shares: the difference, the pooled z test's p-value, the Newcombe
    interval and the (unpooled) standard error; NaN where a group is empty or all agree."""
    from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

    pa = xa / na if na else math.nan
    pb = xb / nb if nb else math.nan
    diff = pa - pb
    if na and nb and 0 < xa + xb < na + nb:
        p = float(proportions_ztest([xa, xb], [na, nb])[1])
        lo_d, hi_d = confint_proportions_2indep(
            xa, na, xb, nb, method="newcomb", alpha=1 - confidence
        )
        se = math.sqrt(pa * (1 - pa) / na + pb * (1 - pb) / nb)
        return diff, p, float(lo_d), float(hi_d), se
    return diff, math.nan, math.nan, math.nan, math.nan


def _nps(values: pd.Series, confidence: float) -> Estimate:
    """``metrics.nps`` for a float Series (already cleaned of missing values)."""
    return (
        kpi.nps(values.astype(int), confidence=confidence)
        if len(values)
        else kpi.nps([], confidence)
    )


def _topic_lift(seg: pd.Series, topic: pd.Series, min_count: int = 5) -> pd.DataFrame:
    """Share of each topic within each segment against the rest; topics with lift > 1 only."""
    ok = topic.notna().to_numpy()
    seg, topic = seg[ok], topic[ok].astype(str)
    counts = pd.crosstab(seg, topic)
    n_seg = counts.sum(axis=1)
    rest_counts = counts.sum(axis=0) - counts
    share = counts.div(n_seg, axis=0)
    share_rest = rest_counts.div(n_seg.sum() - n_seg, axis=0)
    out = pd.DataFrame(
        {
            "count": counts.stack(),
            "share": share.stack(),
            "share_rest": share_rest.stack(),
        }
    ).reset_index()
    out.columns = ["segment", "topic", "count", "share", "share_rest"]
    out["lift"] = out["share"] / out["share_rest"]
    out = out[(out["count"] >= min_count) & (out["lift"] > 1)]
    return out.sort_values(["segment", "lift"], ascending=[True, False], ignore_index=True)
