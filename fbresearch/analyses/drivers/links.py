"""Whether each driver matters, and in which direction: coefficient tests with FDR control.

Shares of R squared (LMG, Johnson) describe how the explained variation divides between the
drivers; they are positive for every driver that correlates with the outcome at all, so their
bootstrap intervals never reach zero and cannot show that a driver has no effect. The evidence
that a driver matters is therefore its coefficient in the joint regression: a t-test with
robust (HC3) standard errors, the p-values adjusted for the number of drivers tested by
Benjamini-Hochberg (false discovery rate at ``1 - confidence``). A driver whose adjusted p-value
does not pass is "no evidence this matters"; the sign of its coefficient is its direction.

Numbers only; the sentences are written by :mod:`fbresearch.analyses.drivers.narrative`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import statsmodels.api as sm

from fbresearch.analyses.drivers.prepare import Prepared

__all__ = ["bh_adjust", "discoveries", "driver_links"]


def bh_adjust(p_values: Sequence[float]) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (q-values); NaN entries stay NaN and are not counted.

    The adjusted value of the i-th smallest of m p-values is ``min over k >= i of m p_(k) / k``,
    capped at 1 (Benjamini and Hochberg 1995); the same numbers as statsmodels'
    ``multipletests(method="fdr_bh")``.

    Examples
    --------
    >>> bh_adjust([0.01, 0.04, 0.03, float("nan")]).round(3).tolist()
    [0.03, 0.04, 0.04, nan]
    """
    p = np.asarray(p_values, dtype=float)
    out = np.full(p.shape, np.nan)
    known = np.flatnonzero(np.isfinite(p))
    if known.size == 0:
        return out
    order = known[np.argsort(p[known], kind="stable")]
    m = known.size
    scaled = p[order] * m / np.arange(1, m + 1)
    out[order] = np.minimum(np.minimum.accumulate(scaled[::-1])[::-1], 1.0)
    return out


def discoveries(p_values: Sequence[float], confidence: float) -> np.ndarray:
    """Which tests pass Benjamini-Hochberg at the false discovery rate ``1 - confidence``.

    Examples
    --------
    >>> discoveries([0.001, 0.02, 0.5], 0.95).tolist()
    [True, True, False]
    """
    q = bh_adjust(p_values)
    with np.errstate(invalid="ignore"):
        return np.isfinite(q) & (q <= 1 - confidence)


def driver_links(data: Prepared, confidence: float = 0.95, cov_type: str = "HC3") -> pd.DataFrame:
    """Each driver's coefficient in the joint OLS fit, its test, FDR verdict and direction.

    Parameters
    ----------
    data : Prepared
        Complete responses (drivers, then the outcome), from
        :func:`fbresearch.analyses.drivers.prepare.prepare`.
    confidence : float, default 0.95
        Level of the CIs; the false discovery rate is ``1 - confidence``.
    cov_type : str, default "HC3"
        statsmodels covariance of the coefficients.

    Returns
    -------
    DataFrame
        Indexed by driver: ``coef``, ``coef_ci_low``, ``coef_ci_high``, ``p_value``,
        ``q_value`` (Benjamini-Hochberg over the drivers), ``matters`` (``q_value`` at or below
        ``1 - confidence``) and ``direction`` (+1 or -1, the sign of the coefficient; 0 when it
        is exactly zero).

    Examples
    --------
    >>> from fbresearch.analyses.drivers.prepare import prepare
    >>> rng = np.random.default_rng(0)
    >>> x = rng.integers(1, 6, size=(500, 3)).astype(float)
    >>> frame = pd.DataFrame(x, columns=["rating_a", "rating_b", "rating_c"])
    >>> frame["nps"] = 1.0 * x[:, 0] - 0.8 * x[:, 1] + rng.normal(size=500)
    >>> links = driver_links(prepare(frame, "nps", "rating_*"))
    >>> links["direction"].tolist()[:2], links["matters"].tolist()[:2]
    ([1, -1], [True, True])
    """
    drivers = list(data.drivers)
    design = sm.add_constant(data.values[:, :-1], has_constant="add")
    fit = sm.OLS(data.values[:, -1], design).fit(cov_type=cov_type)
    ci = np.asarray(fit.conf_int(1 - confidence))[1:]
    p = np.asarray(fit.pvalues, dtype=float)[1:]
    coef = np.asarray(fit.params, dtype=float)[1:]
    return pd.DataFrame(
        {
            "coef": coef,
            "coef_ci_low": ci[:, 0],
            "coef_ci_high": ci[:, 1],
            "p_value": p,
            "q_value": bh_adjust(p),
            "matters": discoveries(p, confidence),
            "direction": np.sign(coef).astype(int),
        },
        index=pd.Index(drivers, name="driver"),
    )
