"""Inference for difference-in-differences with few clusters (numbers only).

Two methods on the cluster x period cells of a two-way fixed-effects regression, both allowing
any correlation of the cells within a cluster (persistent regional shocks, autocorrelation):

* :func:`randomization_inference`: every possible assignment of the treated clusters, exact
  under random assignment of the clusters (Fisher's sharp null; MacKinnon & Webb 2020, "Randomization
  inference for difference-in-differences with few treated clusters", J. Econometrics 218:435).
* :func:`wild_cluster_bootstrap`: the restricted wild cluster bootstrap-t (WCR) with Webb's six-point
  weights (Webb 2023, Canadian J. Economics 56:1145; Roodman, MacKinnon, Nielsen & Webb 2019, Stata
  J. 19:4, for the fast algebra used here and for inverting the test into an interval).

:data:`MAX_ASSIGNMENTS` sets the rule between them (see :func:`choose_cluster_method`).
statsmodels has neither, hence this module.
"""

from __future__ import annotations

import math
from itertools import combinations
from typing import Any

import numpy as np

__all__ = [
    "MAX_ASSIGNMENTS",
    "choose_cluster_method",
    "randomization_inference",
    "wild_cluster_bootstrap",
]

#: Randomization inference when the treated clusters can be assigned in at most this many ways
#: (every assignment is enumerated); more and the wild cluster bootstrap is used.
MAX_ASSIGNMENTS = 1000

_WEBB = np.array([-math.sqrt(1.5), -1.0, -math.sqrt(0.5), math.sqrt(0.5), 1.0, math.sqrt(1.5)])


def choose_cluster_method(n_clusters: int, n_treated: int) -> str:
    """``"randomization"`` when C(G, G1) <= MAX_ASSIGNMENTS, else ``"wild"``.

    Every design with at most 12 clusters, and designs with few treated (or few control)
    clusters, where the wild bootstrap is unreliable (MacKinnon & Webb 2017, J. Applied
    Econometrics 32:233), get randomization inference; the rest the wild cluster bootstrap.

    Examples
    --------
    >>> choose_cluster_method(4, 2), choose_cluster_method(20, 10), choose_cluster_method(40, 2)
    ('randomization', 'wild', 'randomization')
    """
    return "randomization" if math.comb(n_clusters, n_treated) <= MAX_ASSIGNMENTS else "wild"


def _weighted(y, X, w):  # noqa: ANN001, ANN202
    s = np.sqrt(w)
    return y * s, X * s[:, None] if X.ndim == 2 else X * s


def _residualize(Z: np.ndarray, X: np.ndarray) -> np.ndarray:
    """``Z`` minus its least-squares projection on the columns of ``X``."""
    return Z - X @ np.linalg.lstsq(X, Z, rcond=None)[0]


def randomization_inference(
    y: np.ndarray,
    X: np.ndarray,
    w: np.ndarray,
    cluster: np.ndarray,
    post: np.ndarray,
    treated_clusters: np.ndarray,
    confidence: float = 0.95,
) -> dict[str, Any]:
    """The DiD coefficient under every assignment of the treated clusters, its p-value and interval.

    The coefficient of ``treated x post`` in the weighted regression of the cells ``y`` on ``X``
    (the fixed effects and covariates) is recomputed for each of the C(G, G1) ways to choose G1
    of the G clusters. The two-sided p-value is the share of assignments whose coefficient is at
    least as far from zero as the observed one; the interval inverts that test under a constant
    additive effect (the set of effects d whose p-value exceeds 1 - confidence), NaN when even
    the most extreme result cannot reach that level (e.g. 4 clusters, 2 treated: 6 assignments,
    the complement of each gives the opposite coefficient, so the smallest two-sided p is 1/3).

    Parameters
    ----------
    y, w : ndarray
        Cell means and weights (responses per cell).
    X : ndarray
        Fixed effects and covariates of the cells (without the treated x post column).
    cluster : ndarray of int
        Cluster code of each cell (0 .. G - 1).
    post : ndarray
        1 for cells after the change.
    treated_clusters : ndarray of bool
        Which of the G clusters got the change.
    confidence : float, default 0.95

    Returns
    -------
    dict
        ``estimate``, ``p_value``, ``ci_low``, ``ci_high``, ``se`` (SD of the placebo
        coefficients), ``min_p`` (smallest attainable p), ``assignments`` (n_assign x G bool)
        and ``estimates`` (coefficient per assignment; ``observed`` indexes the real one).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> c = np.repeat(np.arange(4), 6); t = np.tile(np.arange(6), 4)
    >>> X = np.column_stack([np.ones(24), c[:, None] == [1, 2, 3], t[:, None] == [1, 2, 3, 4, 5]])
    >>> out = randomization_inference(rng.normal(size=24), X.astype(float), np.ones(24), c,
    ...                               (t >= 3).astype(float), np.array([True, False, True, False]))
    >>> len(out["estimates"]), round(out["min_p"], 3), math.isnan(out["ci_low"])
    (6, 0.333, True)
    """
    G, g1 = treated_clusters.size, int(treated_clusters.sum())
    assign = np.zeros((math.comb(G, g1), G), dtype=bool)
    for row, members in enumerate(combinations(range(G), g1)):
        assign[row, list(members)] = True
    observed = int(np.flatnonzero((assign == treated_clusters).all(axis=1))[0])
    ys, Xs = _weighted(y, X, w)
    D = assign[:, cluster].T * post[:, None] * np.sqrt(w)[:, None]  # cells x assignments
    R = _residualize(D, Xs)
    denom = np.einsum("ia,ia->a", R, D)
    est = (R.T @ ys) / denom
    k = (R.T @ D[:, observed]) / denom  # coefficient of the observed treated x post column
    b0 = est[observed]
    alpha = 1 - confidence
    complement = 2 * g1 == G
    min_p = (2 if complement else 1) / len(est)
    low, high = _invert_randomization(est, k, b0, alpha)
    p = float(np.mean(np.abs(est) >= abs(b0) * (1 - 1e-12)))
    return {
        "estimate": float(b0),
        "p_value": p,
        "ci_low": low,
        "ci_high": high,
        "se": float(np.std(np.delete(est, observed), ddof=1)) if len(est) > 2 else math.nan,
        "min_p": min_p,
        "assignments": assign,
        "estimates": est,
        "observed": observed,
    }


def _invert_randomization(est, k, b0, alpha):  # noqa: ANN001, ANN202
    """Hull of the effects d with p(d) > alpha, p(d) = mean_a [|b_a - d k_a| >= |b0 - d|]."""

    def p_at(d: np.ndarray) -> np.ndarray:
        lhs = np.abs(est[None, :] - d[:, None] * k[None, :])
        return np.mean(lhs >= np.abs(b0 - d)[:, None] * (1 - 1e-12), axis=1)

    with np.errstate(divide="ignore", invalid="ignore"):
        roots = np.concatenate([(est - b0) / (k - 1), (est + b0) / (k + 1)])
    roots = np.unique(roots[np.isfinite(roots)])
    scale = max(np.max(np.abs(est)), 1e-12)
    far = np.array([b0 - 1e6 * scale, b0 + 1e6 * scale])
    if (p_at(far) > alpha).any():
        return math.nan, math.nan
    mids = (roots[1:] + roots[:-1]) / 2 if roots.size > 1 else np.empty(0)
    grid = np.sort(np.concatenate([roots, mids, [b0]]))
    accepted = grid[p_at(grid) > alpha]
    return float(accepted.min()), float(accepted.max())


def wild_cluster_bootstrap(
    y: np.ndarray,
    X: np.ndarray,
    d: np.ndarray,
    w: np.ndarray,
    cluster: np.ndarray,
    confidence: float = 0.95,
    reps: int = 9999,
    seed: int = 0,
    interval: bool = True,
) -> dict[str, Any]:
    """Restricted wild cluster bootstrap-t (WCR, Webb weights) for the coefficient of ``d``.

    The weighted regression of ``y`` on ``[d, X]``: the observed t uses the cluster-robust CR1
    standard error; each bootstrap sample imposes the null value, multiplies the restricted
    residuals of every cluster by one Webb draw, and refits. The p-value is the share of
    bootstrap |t| at least the observed; the interval is the set of null values not rejected
    (found by bisection), the same random draws for every null value.

    ``interval=False`` skips the interval (NaN bounds; for simulations of the p-value).

    Returns
    -------
    dict
        ``estimate``, ``se`` (CR1), ``p_value``, ``ci_low``, ``ci_high``, ``reps``.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> c = np.repeat(np.arange(20), 8); t = np.tile(np.arange(8), 20)
    >>> X = np.column_stack([c[:, None] == np.arange(20), t[:, None] == np.arange(1, 8)]).astype(float)
    >>> dd = ((c < 10) & (t >= 4)).astype(float)
    >>> out = wild_cluster_bootstrap(0.5 * dd + rng.normal(size=160), X, dd, np.ones(160), c, reps=999)
    >>> out["ci_low"] < 0.5 < out["ci_high"]
    True
    """
    G = int(cluster.max()) + 1
    ys, Xs = _weighted(y, X, w)
    ds = d * np.sqrt(w)
    b = _residualize(ds[:, None], Xs)[:, 0]  # M_X d
    c = b / (b @ ds)  # beta = c . y
    a = _residualize(ys[:, None], Xs)[:, 0]  # M_X y
    full = np.column_stack([ds, Xs])
    onehot = (cluster[:, None] == np.arange(G)).astype(float)

    def cross(v: np.ndarray) -> np.ndarray:
        """G x G: [g, h] = sum over cells i of g of c_i (M_full (v * 1_h))_i."""
        return onehot.T @ (c[:, None] * _residualize(v[:, None] * onehot, full))

    CA, CB = cross(a), cross(b)
    A, B = onehot.T @ (c * a), onehot.T @ (c * b)
    beta = float(c @ ys)
    n, k_cols = full.shape
    scale = G / (G - 1) * (n - 1) / max(n - np.linalg.matrix_rank(full), 1)
    resid = _residualize(ys[:, None], full)[:, 0]
    se = math.sqrt(scale * np.sum((onehot.T @ (c * resid)) ** 2))
    V = _WEBB[np.random.default_rng(seed).integers(0, 6, (reps, G))]

    def p_at(delta: float) -> float:
        num = V @ (A - delta * B)
        scores = V @ (CA - delta * CB).T
        t_star = num / np.sqrt(scale * np.sum(scores**2, axis=1))
        return float(np.mean(np.abs(t_star) >= abs(beta - delta) / se))

    alpha = 1 - confidence
    bounds = [math.nan, math.nan] if not interval else []
    for sign in (-1.0, 1.0) if interval else ():
        inner, step = beta, 2 * se
        outer = beta + sign * step
        tries = 0
        while p_at(outer) > alpha and tries < 30:
            inner, outer, tries = outer, beta + sign * step * 2 ** (tries + 1), tries + 1
        for _ in range(40):
            mid = (inner + outer) / 2
            inner, outer = (mid, outer) if p_at(mid) > alpha else (inner, mid)
        bounds.append((inner + outer) / 2 if tries < 30 else sign * math.inf)
    return {
        "estimate": beta,
        "se": se,
        "p_value": p_at(0.0),
        "ci_low": bounds[0],
        "ci_high": bounds[1],
        "reps": reps,
    }
