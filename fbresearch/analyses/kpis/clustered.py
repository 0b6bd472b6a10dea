"""Variances clustered by customer, for KPI cells where some customers answer more than once.

Two answers of one customer are not two independent answers: they share the customer's mood,
plan and history. A cell's KPI is a mean of the answers coded per metric (NPS: +1 promoter, 0
passive, -1 detractor; a share: 1 satisfied, 0 not; a mean: the answer), that is a ratio of
customer totals ``sum_g Y_g / sum_g n_g``. Its linearization (sandwich) variance is

    V = G / (G - 1) * sum_g (Y_g - ybar * n_g) ** 2 / N ** 2

over the ``G`` customers of the cell (``N`` answers), which is what statsmodels gives for an
OLS of the answer on a constant with ``cov_type="cluster"`` (its small-sample factor is
``G / (G - 1)`` with one parameter). With no customer answering twice it is ``s**2 / N``, the
usual variance of a mean. The sums come from the engines' per-customer cross-products
(:func:`fbresearch.engines.base.cluster_columns`), so every engine gives the same numbers.

How :func:`~fbresearch.analyses.kpis.kpi_table` uses it, in cells with a repeat customer only
(other cells are computed exactly as without clustering):

- the *design effect* ``deff = V / V_srs`` (``V_srs``: the same formula with every answer its
  own customer), at least 1, gives an *effective* number of answers ``n / deff``;
- NPS and shares: their usual intervals and tests (adjusted Wald, Wilson, Newcombe, pooled z)
  on effective counts (counts divided by ``deff``), the Rao-Scott idea;
- means: the clustered standard error with ``G - 1`` degrees of freedom (Welch-Satterthwaite
  from each side's customers for a change);
- small cells: the exact tests (Fisher, the exact NPS permutation) run on whole effective
  counts (rounded down); a mean's permutation test cannot move customers from counts, so its
  p-value is the larger of the answer-level permutation p and the clustered Welch p (honest,
  conservative). Fewer than 2 customers: no interval, no test.

A customer in both compared cells (two months, or a unit and its rest) adds a covariance the
independent-cells variance leaves out; with a lasting customer effect it is positive, so the
variance of the difference is overstated (conservative).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from scipy import stats

from fbresearch import evidence
from fbresearch.analyses.kpis.scores import _nps_adjusted, _nps_interval, _wilson, _z

__all__ = ["coding", "cluster_stats", "nps_level", "share_level", "effective", "exact_p"]

_SHARES = ("csat", "satisfied")


def coding(metric: str, values: np.ndarray, top_box: tuple[int, ...]) -> np.ndarray:
    """The number each answer value stands for in ``metric``'s mean.

    Examples
    --------
    >>> coding("nps", np.arange(0, 11), (4, 5)).tolist()
    [-1.0, -1.0, -1.0, -1.0, -1.0, -1.0, -1.0, 0.0, 0.0, 1.0, 1.0]
    >>> coding("csat", np.arange(1, 6), (4, 5)).tolist()
    [0.0, 0.0, 0.0, 1.0, 1.0]
    """
    if metric == "nps":
        return np.where(values >= 9, 1.0, np.where(values <= 6, -1.0, 0.0))
    if metric in _SHARES:
        return np.isin(values, top_box if metric == "csat" else (1,)).astype(float)
    return values.astype(float)


def cluster_stats(
    counts: pd.DataFrame, column: str, values: np.ndarray, w: np.ndarray
) -> dict[str, np.ndarray]:
    """Customers, clustered variance, design effect and "a customer repeats" of each cell.

    ``counts`` is an engine's count table with the per-customer columns of ``column``.

    Examples
    --------
    >>> counts = pd.DataFrame({"satisfied_c0": [1], "satisfied_c1": [3], "satisfied_g": [2],
    ...     "satisfied_x0_0": [1], "satisfied_x0_1": [1], "satisfied_x1_1": [5]})
    >>> s = cluster_stats(counts, "satisfied", np.array([0, 1]), np.array([0.0, 1.0]))
    >>> s["g"].tolist(), s["v"].round(6).tolist(), s["repeat"].tolist()
    ([2.0], [0.0625], [True])
    """
    c = counts[[f"{column}_c{v}" for v in values]].to_numpy(float)
    k = len(values)
    m = np.zeros((len(counts), k, k))
    for i in range(k):
        for j in range(i, k):
            m[:, i, j] = m[:, j, i] = counts[f"{column}_x{values[i]}_{values[j]}"].to_numpy(float)
    g = counts[f"{column}_g"].to_numpy(float)
    n = c.sum(axis=1)
    one = np.ones(k)
    with np.errstate(divide="ignore", invalid="ignore"):
        ybar = (c @ w) / n
        q = (
            np.einsum("i,nij,j->n", w, m, w)
            - 2 * ybar * np.einsum("i,nij,j->n", w, m, one)
            + ybar**2 * np.einsum("i,nij,j->n", one, m, one)
        )
        q0 = (c * (w[None, :] - ybar[:, None]) ** 2).sum(axis=1)
        v = g / (g - 1) * np.maximum(q, 0.0) / n**2
        v_srs = n / (n - 1) * q0 / n**2
        deff = np.where(v_srs > 0, np.fmax(v / v_srs, 1.0), 1.0)
    deff = np.where(g >= evidence.MIN_ANSWERS, deff, np.nan)
    return {"g": g, "v": np.where(g >= evidence.MIN_ANSWERS, v, np.nan), "deff": deff,
            "repeat": g < n}  # fmt: skip


def nps_level(pro, det, n, deff, confidence):  # noqa: ANN001, ANN201 - arrays
    """NPS's se and interval (points) on effective counts (sign test on whole ones)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        pe, de, ne = pro / deff, det / deff, n / deff
        _, se, low, high = _nps_interval(pe, de, ne, _z(confidence))
        centre, _ = _nps_adjusted(pe, de, ne)
    whole = _whole(n, deff, pro, det)
    low, high, _ = evidence.agreeing_interval(
        low, high, evidence.nps_sign_test(whole[1], whole[2]),
        evidence.normal_p_value(centre, se), confidence,
    )  # fmt: skip
    return 100 * se, 100 * low, 100 * high


def share_level(x, n, deff, confidence):  # noqa: ANN001, ANN201 - arrays
    """A share's se and Wilson interval on effective counts."""
    with np.errstate(divide="ignore", invalid="ignore"):
        _, se, low, high = _wilson(x / deff, n / deff, _z(confidence))
    return se, low, high


def effective(metric: str, d: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """One side's sufficient statistics as the change tests should see them under clustering.

    NPS and shares: counts divided by the design effect; means: the clustered variance as
    ``_var / n`` with ``n`` the customers (so Welch's degrees of freedom count customers).
    """
    e = dict(d)
    with np.errstate(divide="ignore", invalid="ignore"):
        if metric == "nps" or metric in _SHARES:
            e.update(_x=d["_x"] / d["_deff"], _y=d["_y"] / d["_deff"], n=d["n"] / d["_deff"])
        elif metric != "volume":
            e.update(_var=d["_vcl"] * d["_g"], n=d["_g"])
    return e


def _whole(n, deff, *counts):  # noqa: ANN001, ANN202 - scalars or arrays
    """Whole effective counts: ``floor(n / deff)`` answers, the others scaled and rounded."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ne = np.floor(np.asarray(n, dtype=float) / deff + 1e-9)
        scaled = [np.rint(np.asarray(x, dtype=float) * ne / n) for x in counts]
    scaled = [np.nan_to_num(x) for x in scaled]
    if len(scaled) == 2:  # promoters and detractors: together at most the answers
        scaled[1] = np.minimum(scaled[1], ne - scaled[0])
    return (np.nan_to_num(ne), *scaled)


def exact_p(
    metric: str, c: dict, p: dict, i: int, p_large: float, answers_p: Callable[[], float]
) -> float:
    """The small-sample p-value of row ``i``'s change when a customer repeats (see module).

    ``p_large``: the clustered large-sample p-value; ``answers_p``: the answer-level exact or
    permutation p-value (used for means, which cannot be permuted by customer from counts).
    """
    if metric == "volume":
        return answers_p()
    if metric not in _SHARES and metric != "nps":
        return float(np.fmax(answers_p(), p_large))
    n1, x1, y1 = (int(v) for v in _whole(c["n"][i], c["_deff"][i], c["_x"][i], c["_y"][i]))
    n2, x2, y2 = (int(v) for v in _whole(p["n"][i], p["_deff"][i], p["_x"][i], p["_y"][i]))
    if min(n1, n2) < 1:
        return float("nan")
    if metric == "nps":
        return evidence.nps_exact_test(x1, y1, n1, x2, y2, n2)
    return evidence.share_exact_test(x1, n1, x2, n2)


def t_quantile(confidence: float, df: np.ndarray) -> np.ndarray:
    """The two-sided t quantile of ``confidence`` (NaN where ``df`` is not positive)."""
    with np.errstate(invalid="ignore"):
        return stats.t.ppf(0.5 + confidence / 2, np.where(df > 0, df, np.nan))
