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

import numpy as np
import pandas as pd
import statsmodels.api as sm

from fbresearch.analyses.drivers.prepare import Prepared
from fbresearch.evidence import fdr_adjust, fdr_survivors

__all__ = ["driver_links"]


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
            "q_value": fdr_adjust(p),
            "matters": fdr_survivors(p, confidence),
            "direction": np.sign(coef).astype(int),
        },
        index=pd.Index(drivers, name="driver"),
    )
