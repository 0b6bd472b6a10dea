"""The outlook's forecasting model: a local level observed with known survey noise.

A month's KPI is its true level plus the survey's own sampling error, whose variance is known
(the month's squared standard error): ``y[t] = level[t] + e[t]``, ``e[t] ~ N(0, se[t]**2)``. The
true level drifts as a random walk, ``level[t+1] = level[t] + u[t]``, ``u ~ N(0, sigma**2)``,
plus, with at least :data:`SEASONAL_MONTHS` months, a fixed 12-month seasonal pattern. Only
``sigma`` (how fast the true level moves) is unknown, and a year or two of months says little
about it: its maximum-likelihood estimate is often zero, and intervals that plug it in are too
narrow. So ``sigma`` is not plugged in but integrated out: the forecast is the mixture of the
forecasts at every ``sigma`` on a grid, each weighted by how well it explains the months seen
(its diffuse Kalman-filter likelihood; a flat prior on ``sigma`` from 0 to
:data:`SIGMA_RANGE` times the root mean square month-to-month change). Intervals are the
mixture's quantiles. The filter is vectorised over the grid (one pass for all ``sigma``);
``tests/analyses/outlook/test_model.py`` checks it against statsmodels' state-space filter.

Examples
--------
>>> y = np.r_[10.0, 11, 9, 10, 10, 11, 10]
>>> p = predictive(y, np.full(7, 1.0), horizon=2)
>>> bool(9 < p.mean()[0] < 11)
True
>>> low, high = p.interval(0.9)
>>> bool((high - low)[1] >= (high - low)[0])
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

__all__ = ["Predictive", "predictive", "local_level_filter", "SEASONAL_MONTHS", "SIGMA_RANGE"]

SEASONAL_MONTHS = 24
SIGMA_RANGE = 3.0
GRID = 80
_BISECTIONS = 60  # halvings of a bracket 24 sd wide: far below a rounded figure
_KAPPA = 1e7  # approximate diffuse start: prior variance of the initial states, times var(y)


@dataclass(frozen=True)
class Predictive:
    """Forecast distribution: a mixture of normals over the grid of level drifts.

    Attributes
    ----------
    means, sds : ndarray (grid, horizon)
        Forecast mean and standard deviation of the next months' KPI at each grid point.
    weights : ndarray (grid,)
        Posterior weight of each grid point (sums to 1).
    sigma : ndarray (grid,)
        The grid of level drifts (standard deviation of the monthly change of the true level).
    """

    means: np.ndarray
    sds: np.ndarray
    weights: np.ndarray
    sigma: np.ndarray

    def mean(self) -> np.ndarray:
        """Forecast mean per month ahead."""
        return self.weights @ self.means

    def sd(self) -> np.ndarray:
        """Forecast standard deviation per month ahead (of the whole mixture)."""
        second = self.weights @ (self.sds**2 + self.means**2)
        return np.sqrt(np.maximum(second - self.mean() ** 2, 0.0))

    def cdf(self, x: float, k: int = 0) -> float:
        """P(KPI ``k + 1`` months ahead <= x)."""
        return float(self.weights @ special.ndtr((x - self.means[:, k]) / self.sds[:, k]))

    def quantile(self, p: float, months: int | None = None) -> np.ndarray:
        """The ``p`` quantile per month ahead (the first ``months``; bisection on the mixture)."""
        means, sds = self.means[:, :months], self.sds[:, :months]
        low = np.min(means - 12 * sds, axis=0)
        high = np.max(means + 12 * sds, axis=0)
        for _ in range(_BISECTIONS):
            mid = (low + high) / 2
            below = self.weights @ special.ndtr((mid - means) / sds) < p
            low, high = np.where(below, mid, low), np.where(below, high, mid)
        return (low + high) / 2

    def interval(self, level: float, months: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Central prediction interval at ``level`` per month ahead (the first ``months``)."""
        return self.quantile(0.5 - level / 2, months), self.quantile(0.5 + level / 2, months)


def _system(seasonal: bool) -> tuple[np.ndarray, np.ndarray]:
    """Transition matrix and design vector: level, then 11 seasonal dummies (sum zero)."""
    if not seasonal:
        return np.ones((1, 1)), np.ones(1)
    t = np.zeros((12, 12))
    t[0, 0] = 1.0
    t[1, 1:] = -1.0
    t[2:, 1:-1] = np.eye(10)
    z = np.zeros(12)
    z[:2] = 1.0
    return t, z


def local_level_filter(
    y: np.ndarray, var: np.ndarray, sigma: np.ndarray, seasonal: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Kalman filter of the local level (+ fixed season) model, for every ``sigma`` at once.

    Parameters
    ----------
    y : ndarray (n,)
        The monthly KPI; NaN for a month without answers (no update).
    var : ndarray (n,)
        Its known sampling variance per month.
    sigma : ndarray (grid,)
        Standard deviations of the level's monthly change.
    seasonal : bool
        Add a fixed 12-month seasonal pattern (11 more diffuse states).

    Returns
    -------
    loglik : ndarray (grid,)
        Diffuse log-likelihood (the first observations that fix the initial states left out).
    state, cov : ndarray (grid, k), (grid, k, k)
        Filtered state and its covariance after the last month.

    Examples
    --------
    >>> ll, a, p = local_level_filter(np.r_[1.0, 3.0], np.r_[1.0, 1.0], np.r_[0.0, 1.0])
    >>> a[:, 0].round(3).tolist()  # sigma 0: the mean; sigma 1: nearer the last month
    [2.0, 2.333]
    """
    t, z = _system(seasonal)
    k, g = len(z), len(sigma)
    q = np.asarray(sigma, float) ** 2
    a = np.zeros((g, k))
    p = np.broadcast_to(np.eye(k) * _KAPPA * max(float(np.nanvar(y)), 1e-12), (g, k, k)).copy()
    loglik = np.zeros(g)
    seen = 0
    for t_i, (obs, v_obs) in enumerate(zip(y, var, strict=True)):
        if t_i:  # predict: a <- T a, P <- T P T' + q e1 e1'
            a = a @ t.T
            p = t @ p @ t.T
            p[:, 0, 0] += q
        if not np.isfinite(obs):
            continue
        f = np.einsum("i,gij,j->g", z, p, z) + v_obs
        v = obs - a @ z
        gain = np.einsum("gij,j->gi", p, z) / f[:, None]
        a = a + gain * v[:, None]
        p = p - np.einsum("gi,gj->gij", gain, gain) * f[:, None, None]
        seen += 1
        if seen > k:
            loglik -= 0.5 * (np.log(2 * np.pi * f) + v**2 / f)
    return loglik, a, p


def predictive(
    y: np.ndarray, se: np.ndarray, horizon: int = 3, seasonal: bool | None = None
) -> Predictive:
    """The forecast distribution of the next ``horizon`` months of ``y`` (standard errors ``se``).

    The next months' sampling variance is the mean of the last six months' (their sample sizes
    are not known yet). ``seasonal`` None: a season once :data:`SEASONAL_MONTHS` months are seen.

    Examples
    --------
    >>> p = predictive(np.r_[20.0, 22, 19, 21, 20, 18], np.full(6, 2.0), horizon=1)
    >>> bool(abs(p.weights.sum() - 1) < 1e-12) and p.means.shape == (GRID, 1)
    True
    """
    y, se = np.asarray(y, float), np.asarray(se, float)
    var = se**2
    seen = np.isfinite(y)
    if seasonal is None:
        seasonal = int(seen.sum()) >= SEASONAL_MONTHS
    steps = np.diff(y[seen])
    scale = float(np.sqrt(np.mean(steps**2))) if len(steps) else 1.0
    upper = SIGMA_RANGE * max(scale, float(np.sqrt(np.nanmean(var[seen]))), 1e-9)
    sigma = (np.arange(GRID) + 0.5) * upper / GRID
    loglik, a, p = local_level_filter(y, var, sigma, seasonal)
    weights = np.exp(loglik - loglik.max())
    weights /= weights.sum()
    t, z = _system(seasonal)
    var_next = float(np.nanmean(var[seen][-6:]))
    means, sds = np.zeros((len(sigma), horizon)), np.zeros((len(sigma), horizon))
    for k in range(horizon):
        a = a @ t.T
        p = t @ p @ t.T
        p[:, 0, 0] += sigma**2
        means[:, k] = a @ z
        sds[:, k] = np.sqrt(np.einsum("i,gij,j->g", z, p, z) + var_next)
    return Predictive(means, sds, weights, sigma)
