"""Relative importance: each driver's share of R squared (exact LMG or Johnson's weights).

How the exact LMG stays fast
----------------------------
LMG averages each driver's increase in R squared over all orderings of the drivers, which is the
Shapley value of the "R squared of a subset" game: a weighted sum over the 2**p subsets. R squared
of any subset follows from the correlation matrix alone, so the rows are read once. The R squared
of every subset comes from one sweep over the drivers: keeping, for every subset of the drivers
seen so far, the residual covariance of the remaining variables given that subset. Including a
driver is a Schur complement (one step of a Cholesky factorisation), leaving it out drops a row
and a column; after the last driver the outcome's residual variance in each of the 2**p branches
is 1 - R squared of that subset. All branches at one depth are processed as one numpy array, so
20 drivers (about a million subsets) take well under a second. The correlation matrix of a
well-posed problem is positive definite, so the pivots are positive and no pivoting is needed.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from fbresearch.analyses.drivers.prepare import Prepared, prepare
from fbresearch.errors import AnalysisError

__all__ = [
    "MAX_LMG_DRIVERS",
    "Importance",
    "compute_importance",
    "percentile_ci",
    "relative_importance",
]

#: Exact LMG enumerates 2**p subsets; beyond this it is refused (memory grows as 2**p).
MAX_LMG_DRIVERS = 22

_METHODS = ("lmg", "johnson")


def _subset_r2(corr: np.ndarray) -> np.ndarray:
    """R squared of the outcome (last variable) on every subset of the other variables.

    Returns an array of length ``2**p`` whose entry ``m`` is the R squared of the subset whose
    members are the set bits of ``m`` (bit j = driver j). See the module docstring for the
    sweep; this is written out (rather than refitting with statsmodels per subset) because a
    million refits would take hours and the sweep shares all work between subsets.
    """
    p = corr.shape[0] - 1
    if p > MAX_LMG_DRIVERS:
        raise AnalysisError(
            f"Exact LMG over {p} drivers needs 2**{p} subsets; use at most {MAX_LMG_DRIVERS} "
            "drivers or method='johnson'."
        )
    state = corr[None, :, :]
    for _ in range(p):
        pivot = state[:, 0, 0]
        row = state[:, 0, 1:]
        left_out = state[:, 1:, 1:]
        included = left_out - row[:, :, None] * (row[:, None, :] / pivot[:, None, None])
        state = np.concatenate([left_out, included], axis=0)
    return 1.0 - state[:, 0, 0] / corr[-1, -1]


@cache
def _shapley_weights(p: int) -> tuple[np.ndarray, np.ndarray]:
    """Subset sizes (popcounts of 0..2**p - 1) and the Shapley weight of each size."""
    sizes = np.zeros(1, dtype=np.int8)
    for _ in range(p):
        sizes = np.concatenate([sizes, sizes + 1])
    weights = np.array(
        [math.factorial(k) * math.factorial(p - k - 1) / math.factorial(p) for k in range(p)]
    )
    return sizes, weights


def _lmg_from_corr(corr: np.ndarray) -> np.ndarray:
    """Exact LMG shares (they sum to the full model's R squared) from the correlation matrix."""
    p = corr.shape[0] - 1
    r2 = _subset_r2(corr)
    sizes, weights = _shapley_weights(p)
    shares = np.empty(p)
    for j in range(p):
        # Subsets without j and with j sit at the same place of the two halves of axis 1.
        pairs = r2.reshape(-1, 2, 2**j)
        without = sizes.reshape(-1, 2, 2**j)[:, 0, :]
        shares[j] = np.sum(weights[without] * (pairs[:, 1, :] - pairs[:, 0, :]))
    return shares


def _johnson_from_corr(corr: np.ndarray) -> np.ndarray:
    """Johnson's (2000) relative weights: regress the outcome on the orthogonal counterparts.

    Written out because no kept library offers them (the PyPI package `dominance-analysis` no
    longer imports under numpy 2): with ``R = V diag(l) V'``, ``L = V diag(sqrt(l)) V'``,
    ``beta = L^-1 r_xy`` and the weight of driver j is ``sum_k L[j, k]**2 * beta[k]**2``.
    """
    rxx, rxy = corr[:-1, :-1], corr[:-1, -1]
    eigenvalues, vectors = np.linalg.eigh(rxx)
    root = vectors @ np.diag(np.sqrt(np.clip(eigenvalues, 0, None))) @ vectors.T
    beta = np.linalg.solve(root, rxy)
    return (root**2) @ (beta**2) / corr[-1, -1]


_SHARE_FUNCTIONS = {"lmg": _lmg_from_corr, "johnson": _johnson_from_corr}


def _correlation(values: np.ndarray, counts: np.ndarray | None = None) -> np.ndarray:
    """Correlation matrix of the columns, optionally with integer row weights (bootstrap)."""
    centred = values - values.mean(axis=0)
    if counts is None:
        cov = centred.T @ centred
    else:
        weighted = centred * counts[:, None]
        mean = weighted.sum(axis=0) / counts.sum()
        cov = centred.T @ weighted - counts.sum() * np.outer(mean, mean)
    scale = np.sqrt(np.diag(cov))
    with np.errstate(invalid="ignore", divide="ignore"):
        return cov / np.outer(scale, scale)


def _bootstrap_shares(
    values: np.ndarray, method: str, bootstrap: int, seed: int, workers: int | None
) -> np.ndarray:
    """``bootstrap`` draws of the shares: resample rows, recompute the correlation and shares.

    Draw b uses its own generator spawned from ``seed``, so the draws do not depend on the number
    of workers. A resample where a driver happens to be constant gives a row of NaN (ignored by
    the percentile CIs and counted in the result's attrs).
    """
    share = _SHARE_FUNCTIONS[method]
    n = values.shape[0]
    children = np.random.SeedSequence(seed).spawn(bootstrap)

    def one(b: int) -> np.ndarray:
        rng = np.random.default_rng(children[b])
        counts = np.bincount(rng.integers(0, n, n), minlength=n).astype(float)
        corr = _correlation(values, counts)
        if not np.all(np.isfinite(corr)):
            return np.full(values.shape[1] - 1, np.nan)
        try:
            return share(corr)
        except np.linalg.LinAlgError:
            return np.full(values.shape[1] - 1, np.nan)

    workers = _workers(workers)
    if workers == 1 or bootstrap < 8:
        draws = [one(b) for b in range(bootstrap)]
    else:
        with ThreadPoolExecutor(workers) as pool:  # numpy releases the GIL in matmul
            draws = list(pool.map(one, range(bootstrap)))
    return np.array(draws).reshape(bootstrap, values.shape[1] - 1)


def _workers(workers: int | None) -> int:
    if workers is not None:
        return max(1, int(workers))
    return max(1, min(2, os.cpu_count() or 1))


def percentile_ci(draws: np.ndarray, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """Percentile bounds of bootstrap ``draws`` (one row per draw; NaN rows ignored).

    Examples
    --------
    >>> low, high = percentile_ci(np.arange(101.0).reshape(-1, 1), 0.9)
    >>> round(float(low[0]), 6), round(float(high[0]), 6)
    (5.0, 95.0)
    """
    if draws.size == 0:
        nan = np.full(draws.shape[1:], np.nan)
        return nan, nan
    alpha = (1 - confidence) / 2
    with np.errstate(all="ignore"):
        low = np.nanquantile(draws, alpha, axis=0)
        high = np.nanquantile(draws, 1 - alpha, axis=0)
    return low, high


@dataclass(frozen=True)
class Importance:
    """Raw shares of R squared (they sum to ``r2``), their bootstrap draws and the data used."""

    shares: np.ndarray  # raw: sum to r2
    draws: np.ndarray  # (B, p) raw shares per draw
    r2: float
    r2_draws: np.ndarray
    data: Prepared
    method: str

    def normalized(self) -> tuple[np.ndarray, np.ndarray]:
        """Shares of the explained variation (summing to 1), point values and draws."""
        with np.errstate(all="ignore"):
            return self.shares / self.r2, self.draws / self.draws.sum(axis=1, keepdims=True)


def compute_importance(
    data: Prepared, method: str, bootstrap: int, seed: int, workers: int | None
) -> Importance:
    """The shares of R squared of prepared data by ``method``, with ``bootstrap`` draws.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(200, 2))
    >>> frame = pd.DataFrame({"rating_a": x[:, 0], "rating_b": x[:, 1],
    ...                       "nps": x[:, 0] + rng.normal(size=200)})
    >>> imp = compute_importance(prepare(frame, "nps", "rating_*"), "lmg", 0, 0, None)
    >>> bool(abs(imp.shares.sum() - imp.r2) < 1e-12)
    True
    """
    if method not in _METHODS:
        raise AnalysisError(f"method={method!r} is not known: use 'lmg' or 'johnson'.")
    if bootstrap < 0:
        raise AnalysisError("bootstrap must be 0 (no CIs) or a number of resamples such as 500.")
    corr = _correlation(data.values)
    shares = _SHARE_FUNCTIONS[method](corr)
    r2 = float(shares.sum()) if method == "lmg" else float(_subset_r2_full(corr))
    draws = _bootstrap_shares(data.values, method, int(bootstrap), seed, workers)
    return Importance(shares, draws, r2, draws.sum(axis=1), data, method)


def _directions(values: np.ndarray) -> np.ndarray:
    """+1 or -1 per driver: the sign of its coefficient in the joint OLS fit on the complete
    responses (``values``: drivers, then the outcome); 0 for an exactly zero coefficient."""
    x = np.column_stack([np.ones(len(values)), values[:, :-1]])
    coef = np.linalg.lstsq(x, values[:, -1], rcond=None)[0][1:]
    return np.sign(coef).astype(int)


def _subset_r2_full(corr: np.ndarray) -> float:
    rxx, rxy = corr[:-1, :-1], corr[:-1, -1]
    return float(rxy @ np.linalg.solve(rxx, rxy))


def relative_importance(
    frame: pd.DataFrame,
    outcome: str,
    drivers: str | Sequence[str],
    method: str = "lmg",
    *,
    bootstrap: int = 0,
    seed: int = 0,
    confidence: float = 0.95,
    missing: str = "listwise",
    workers: int | None = None,
) -> pd.Series:
    """Each driver's share of R squared: exact LMG (Shapley) or Johnson's relative weights.

    LMG (Lindeman, Merenda and Gold 1980) averages a driver's increase in R squared over every
    order in which the drivers can enter the regression; it is computed exactly over all 2**p
    subsets (up to 22 drivers) from the correlation matrix. Johnson's (2000) relative weights
    approximate it in one step. Both sum to the R squared of the linear regression of the
    outcome on all drivers (with an intercept).

    Parameters
    ----------
    frame : DataFrame
        One row per response.
    outcome : str
        The outcome column (e.g. ``"nps"``).
    drivers : list of str or str
        Rating columns, or a glob pattern such as ``"rating_*"``.
    method : {"lmg", "johnson"}
        The decomposition.
    bootstrap : int, default 0
        Number of bootstrap resamples of rows for percentile CIs (0: none).
    seed : int, default 0
        Seed of the bootstrap; the same data and seed give the same CIs for any ``workers``.
    confidence : float, default 0.95
        Confidence level of the CIs.
    missing : {"listwise", "raise"}
        ``"listwise"`` drops responses with a missing outcome or rating (counted in attrs);
        ``"raise"`` stops with an error naming the column instead.
    workers : int, optional
        Threads for the bootstrap (default: up to 2).

    Returns
    -------
    pandas.Series
        Shares indexed by driver, named ``"share of R²"``; they sum to ``attrs["r_squared"]``.
        ``attrs`` also holds ``n`` (complete responses), ``n_dropped``, ``missing_by_column``,
        ``method``, ``confidence``, ``bootstrap``, ``direction`` (a Series of +1 or -1: the
        sign of each driver's coefficient in the joint linear fit; a share is always positive,
        so this is the only place its direction shows) and, when ``bootstrap > 0``,
        ``ci_low`` and ``ci_high`` (Series of the percentile bounds) and ``failed_draws``.
        The shares describe how the explained variation divides; they are not evidence that
        a driver matters (their intervals cannot reach zero): for that, see
        :func:`fbresearch.analyses.drivers.links.driver_links`.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(500, 2))
    >>> frame = pd.DataFrame({"rating_a": x[:, 0], "rating_b": x[:, 1],
    ...                       "nps": 2 * x[:, 0] + x[:, 1] + rng.normal(size=500)})
    >>> shares = relative_importance(frame, "nps", "rating_*")
    >>> str(shares.idxmax())
    'rating_a'
    >>> bool(abs(shares.sum() - shares.attrs["r_squared"]) < 1e-12)
    True
    """
    data = prepare(frame, outcome, drivers, missing=missing)
    imp = compute_importance(data, method, bootstrap, seed, workers)
    series = pd.Series(imp.shares, index=pd.Index(data.drivers, name="driver"), name="share of R²")
    series.attrs.update(
        {
            "r_squared": imp.r2,
            "n": data.n,
            "n_dropped": data.n_dropped,
            "missing_by_column": dict(data.missing_by_column),
            "method": method,
            "confidence": confidence,
            "bootstrap": int(bootstrap),
            "direction": pd.Series(_directions(data.values), index=series.index),
        }
    )
    if bootstrap:
        low, high = percentile_ci(imp.draws, confidence)
        series.attrs["ci_low"] = pd.Series(low, index=series.index)
        series.attrs["ci_high"] = pd.Series(high, index=series.index)
        series.attrs["failed_draws"] = int(np.isnan(imp.draws).any(axis=1).sum())
    return series
