"""Single-sample KPI estimators with confidence intervals: NPS, CSAT, CES, proportions, means.

These are the building blocks every analysis uses. Their formulas live in small vectorized
helpers (``_nps_interval``, ``_wilson``, ``_t_interval``, ``_poisson_interval``) that
:func:`fbresearch.analyses.kpis.kpi_table` also applies to every group at once, so a table of a
million rows by month and channel costs one ``groupby`` and never re-derives a formula.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from scipy import stats

from fbresearch import evidence
from fbresearch.errors import AnalysisError
from fbresearch.results import Estimate
from fbresearch.schema import metric_spec

__all__ = [
    "nps",
    "csat",
    "ces",
    "satisfied",
    "proportion",
    "mean",
    "estimate_unit",
    "row_estimate",
    "change_estimate",
]


def _z(confidence: float) -> float:
    return float(stats.norm.ppf(0.5 + confidence / 2))


def _check_confidence(confidence: float) -> None:
    if not 0 < confidence < 1:
        raise AnalysisError(f"confidence must be between 0 and 1 (e.g. 0.95); got {confidence!r}.")


def _clean(scores: Iterable[float] | pd.Series, name: str, low: float, high: float) -> np.ndarray:
    values = pd.to_numeric(pd.Series(scores, dtype="object"), errors="coerce").dropna()
    values = values.to_numpy(dtype=float)
    bad = values[(values < low) | (values > high) | (values != np.round(values))]
    if bad.size:
        raise AnalysisError(
            f"{name} scores must be whole numbers from {low:g} to {high:g}; found {bad[:5].tolist()}."
        )
    return values


# --- the formulas (vectorized: scalars or arrays) ------------------------------------------
# Written with numpy rather than taken from statsmodels because kpi_table applies each one to
# every group of a table in a single array operation; the tests check them against
# statsmodels/scipy and against hand-worked examples.


#: Rocks (2016): the adjusted Wald interval of NPS adds 3 pseudo-answers, 3/4 to the
#: detractors, 3/2 to the passives and 3/4 to the promoters (his R package NPS, ``nps_test``,
#: ``pseudo_observations = c(0.75, 1.50, 0.75)``)
NPS_PSEUDO_ANSWERS = (0.75, 1.5, 0.75)


def _nps_adjusted(n_pro, n_det, n):  # noqa: ANN001, ANN202 - scalars or arrays
    """The adjusted-Wald centre (-1..1) and standard error of NPS (Rocks 2016).

    With ``n~ = n + 3``, ``p~ = (promoters + 3/4) / n~`` and ``d~ = (detractors + 3/4) / n~``:
    centre ``p~ - d~`` and standard error ``sqrt((p~ + d~ - (p~ - d~)**2) / n~)``, the
    multinomial variance of a difference of two shares of one sample.
    """
    det_add, pas_add, pro_add = NPS_PSEUDO_ANSWERS
    n_t = np.asarray(n, dtype=float) + det_add + pas_add + pro_add
    p_pro = (np.asarray(n_pro, dtype=float) + pro_add) / n_t
    p_det = (np.asarray(n_det, dtype=float) + det_add) / n_t
    centre = p_pro - p_det
    return centre, np.sqrt(np.maximum(p_pro + p_det - centre**2, 0.0) / n_t)


def _nps_interval(n_pro, n_det, n, z):  # noqa: ANN001, ANN202 - scalars or arrays
    """NPS as a fraction (-1..1), its adjusted-Wald standard error and interval bounds.

    The estimate is the observed share of promoters minus that of detractors; the interval is
    Rocks' (2016) adjusted Wald, ``centre +- z * se`` of :func:`_nps_adjusted`, clipped to
    -1..1. Fewer than :data:`fbresearch.evidence.MIN_ANSWERS` answers: NaN se and bounds.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        diff = np.divide(n_pro, n) - np.divide(n_det, n)
        centre, se = _nps_adjusted(n_pro, n_det, n)
    ok = evidence.enough_answers(n)
    se = np.where(ok, se, np.nan)
    low = np.where(ok, np.maximum(centre - z * se, -1.0), np.nan)
    high = np.where(ok, np.minimum(centre + z * se, 1.0), np.nan)
    return diff, se, low, high


def _nps_level(n_pro, n_det, n, confidence):  # noqa: ANN001, ANN202 - scalars or arrays
    """NPS in points with its adjusted-Wald interval and the p-value of NPS = 0, in agreement.

    The p-value is the exact sign test's, made to agree with the interval by
    :func:`fbresearch.evidence.agreeing_interval`; NaN below the minimum number of answers.
    """
    diff, se, low, high = _nps_interval(n_pro, n_det, n, _z(confidence))
    centre, _ = _nps_adjusted(n_pro, n_det, n)
    p_interval = evidence.normal_p_value(centre, se)
    low, high, p = evidence.agreeing_interval(
        low, high, evidence.nps_sign_test(n_pro, n_det), p_interval, confidence
    )
    ok = evidence.enough_answers(n)
    return 100 * diff, 100 * se, 100 * low, 100 * high, np.where(ok, p, np.nan)


def _wilson(successes, n, z):  # noqa: ANN001, ANN202 - scalars or arrays
    """Share, its (Wald) standard error and the Wilson score interval bounds.

    Fewer than :data:`fbresearch.evidence.MIN_ANSWERS` answers: NaN se and bounds.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.divide(successes, n)
        denom = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * np.square(n))) / denom
        se = np.sqrt(p * (1 - p) / n)
    ok = evidence.enough_answers(n)
    low = np.where(ok, np.maximum(centre - half, 0.0), np.nan)
    high = np.where(ok, np.minimum(centre + half, 1.0), np.nan)
    return p, np.where(ok, se, np.nan), low, high


def _t_interval(m, sd, n, confidence):  # noqa: ANN001, ANN202 - scalars or arrays
    """Standard error and t-interval bounds of a mean (NaN where n < 2)."""
    n = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        se = sd / np.sqrt(n)
        t = stats.t.ppf(0.5 + confidence / 2, df=np.where(n >= 2, n - 1, np.nan))
    return se, m - t * se, m + t * se


def _poisson_interval(count, confidence):  # noqa: ANN001, ANN202 - scalars or arrays
    """Exact (Garwood) interval of a Poisson count, from the chi-squared distribution."""
    alpha = 1 - confidence
    count = np.asarray(count, dtype=float)
    low = np.where(count > 0, stats.chi2.ppf(alpha / 2, 2 * count) / 2, 0.0)
    high = stats.chi2.ppf(1 - alpha / 2, 2 * count + 2) / 2
    return low, high


# --- single-sample estimators --------------------------------------------------------------


def nps(scores: Iterable[float] | pd.Series, confidence: float = 0.95) -> Estimate:
    """Net Promoter Score in points (-100 to 100) with an adjusted-Wald confidence interval.

    NPS is the share of promoters (9-10) minus the share of detractors (0-6). The interval is
    the adjusted Wald of Rocks (2016), "Interval estimation for the 'Net Promoter Score'", The
    American Statistician 70(4), 365-372: add 3 pseudo-answers (3/4 promoter, 3/2 passive, 3/4
    detractor), then use the multinomial variance of a difference of two shares,
    ``(p + d - (p - d)**2) / (n + 3)``, around the adjusted ``p - d``. Unlike the plain Wald
    interval it keeps its coverage at small n and lopsided splits, and never collapses to a
    point: ``nps([10] * 31)`` is not [100, 100]. Fewer than 2 answers give no interval (NaN
    bounds). ``p_value`` tests NPS = 0 by the exact sign test (a promoter and a detractor
    equally likely), made to agree with the interval (:func:`fbresearch.evidence.agreeing_interval`).
    Missing answers are ignored.

    Parameters
    ----------
    scores : array-like of int
        Answers on the 0-10 likelihood-to-recommend scale.
    confidence : float, default 0.95
        Confidence level of the interval.

    Returns
    -------
    Estimate
        In points; ``p_value`` tests NPS = 0.

    Examples
    --------
    >>> e = nps([10, 10, 9, 8, 7, 6, 3, 10, 9, 0])
    >>> e.estimate
    20.0
    >>> round(e.ci_low, 1), round(e.ci_high, 1)   # adjusted Wald: centre 2/13, n~ = 13
    (-30.3, 61.1)
    >>> import math; math.isnan(nps([10]).ci_low)
    True
    """
    values = _clean(scores, "NPS", 0, 10)
    n = values.size
    if n == 0:
        return Estimate(
            np.nan, np.nan, np.nan, n=0, name="NPS", unit="points", confidence=confidence
        )
    n_pro, n_det = int(np.sum(values >= 9)), int(np.sum(values <= 6))
    est, se, low, high, p_value = (float(v) for v in _nps_level(n_pro, n_det, n, confidence))
    return Estimate(
        est,
        low,
        high,
        n=n,
        se=se,
        p_value=p_value,
        confidence=confidence,
        name="NPS",
        unit="points",
    )


def proportion(successes: int, n: int, confidence: float = 0.95, name: str = "") -> Estimate:
    """A proportion with its Wilson score interval.

    Wilson's interval keeps its coverage near the nominal level for small n and for shares near
    0 or 1, where the textbook Wald interval fails. Fewer than 2 answers give no interval.

    Examples
    --------
    >>> e = proportion(8, 10)
    >>> round(e.ci_low, 4), round(e.ci_high, 4)
    (0.4902, 0.9433)
    >>> proportion(1, 1).significant
    False
    """
    if n == 0:
        return Estimate(np.nan, np.nan, np.nan, n=0, name=name, unit="share", confidence=confidence)
    p, se, low, high = _wilson(successes, n, _z(confidence))
    return Estimate(
        float(p),
        float(low),
        float(high),
        n=int(n),
        se=float(se),
        confidence=confidence,
        name=name,
        unit="share",
    )


def csat(
    scores: Iterable[float] | pd.Series, top_box: tuple[int, ...] = (4, 5), confidence: float = 0.95
) -> Estimate:
    """CSAT: the share of satisfied answers (the top box of a 1-5 scale), Wilson interval.

    Examples
    --------
    >>> e = csat([5, 4, 4, 3, 1, 5, 5, 2, 4, 4])
    >>> e.estimate, e.unit
    (0.7, 'share')
    """
    values = _clean(scores, "CSAT", 1, 5)
    return proportion(int(np.isin(values, top_box).sum()), values.size, confidence, name="CSAT")


def satisfied(scores: Iterable[float] | pd.Series, confidence: float = 0.95) -> Estimate:
    """The share of satisfied customers from a yes/no answer (1 = satisfied, 0 = not), Wilson interval.

    For surveys whose outcome is a label ("satisfied" / "neutral or dissatisfied") rather than a
    1-5 scale: map the label to 1/0 with ``value_maps`` in params and name the column
    ``satisfied``; the share is then reported as it is, never forced onto a 1-5 scale.

    Examples
    --------
    >>> e = satisfied([1, 1, 0, 1, 0, 1, 1, 1])
    >>> e.estimate, round(e.ci_low, 3), round(e.ci_high, 3)
    (0.75, 0.409, 0.929)
    """
    values = _clean(scores, "satisfied", 0, 1)
    return proportion(int((values == 1).sum()), values.size, confidence, name="Satisfied")


def mean(
    values: Iterable[float] | pd.Series,
    confidence: float = 0.95,
    name: str = "",
    *,
    scale: tuple[float, float] | None = None,
) -> Estimate:
    """A mean with its t interval; ``p_value`` tests mean = 0.

    ``scale`` (the answer scale, e.g. ``(1, 7)``) clips the interval to it: a mean of answers
    cannot lie outside their scale, and clipping only adds coverage.

    Examples
    --------
    >>> e = mean([1, 2, 3, 4, 5])
    >>> e.estimate, round(e.ci_low, 3), round(e.ci_high, 3)
    (3.0, 1.037, 4.963)
    >>> e = mean([1, 7], scale=(1, 7))   # t interval -34.1 to 42.1, clipped
    >>> e.ci_low, e.ci_high
    (1.0, 7.0)
    """
    arr = pd.to_numeric(pd.Series(values, dtype="object"), errors="coerce").dropna().to_numpy(float)
    n = arr.size
    if n < 2:
        est = float(arr[0]) if n == 1 else np.nan
        return Estimate(est, np.nan, np.nan, n=n, name=name, confidence=confidence)
    m = float(arr.mean())
    se, low, high = _t_interval(m, float(arr.std(ddof=1)), n, confidence)
    if scale is not None:
        low, high = np.clip(low, *scale), np.clip(high, *scale)
    se = float(se)
    p_value = float(2 * stats.t.sf(abs(m) / se, df=n - 1)) if se > 0 else np.nan
    return Estimate(
        m, float(low), float(high), n=n, se=se, p_value=p_value, confidence=confidence, name=name
    )


def ces(scores: Iterable[float] | pd.Series, confidence: float = 0.95) -> Estimate:
    """Customer Effort Score: the mean of 1-7 answers (7 = very easy) with its t interval.

    Examples
    --------
    >>> ces([7, 6, 5, 7, 3]).estimate
    5.6
    """
    values = _clean(scores, "CES", 1, 7)
    return mean(values, confidence, name="CES", scale=(1, 7))


#: ``Estimate.unit`` of a registry unit: a percent metric is estimated as a share (0-1), a mean
#: on the answer scale has no unit name.
_ESTIMATE_UNITS = {"percent": "share", "score": ""}


def estimate_unit(metric: str) -> str:
    """The ``Estimate.unit`` of a KPI: ``"points"``, ``"share"``, ``"count"`` or ``""``.

    Examples
    --------
    >>> estimate_unit("nps"), estimate_unit("csat"), estimate_unit("ces")
    ('points', 'share', '')
    """
    unit = metric_spec(metric).unit
    return _ESTIMATE_UNITS.get(unit, unit)


def row_estimate(row: pd.Series, metric: str, confidence: float) -> Estimate:
    """The :class:`Estimate` of one row of a KPI table (``estimate``, ``ci_low``, ``ci_high``, ``n``, ``se``)."""
    return Estimate(
        float(row["estimate"]),
        float(row["ci_low"]),
        float(row["ci_high"]),
        n=int(row["n"]),
        se=float(row["se"]),
        confidence=confidence,
        name=metric_spec(metric).label,
        unit=estimate_unit(metric),
    )


def change_estimate(row: pd.Series, metric: str, confidence: float) -> Estimate:
    """The change from the previous period of one row of a KPI table, as an :class:`Estimate`.

    Its interval agrees with its p-value (see :func:`fbresearch.analyses.kpis.kpi_table`), so
    ``significant`` (the interval excludes 0) is the verdict of the change test.
    """
    return Estimate(
        float(row["change"]),
        float(row["change_ci_low"]),
        float(row["change_ci_high"]),
        n=int(row["n"]),
        p_value=float(row["change_p_value"]),
        confidence=confidence,
        name=f"change in {metric_spec(metric).label}",
        unit=estimate_unit(metric),
    )
