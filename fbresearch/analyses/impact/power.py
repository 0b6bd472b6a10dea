"""Power: the minimum detectable effect shown beside every null result (numbers only)."""

from __future__ import annotations

import math

from scipy import stats

from fbresearch.analyses.impact.common import _tcrit
from fbresearch.analyses.impact.results import ImpactResult
from fbresearch.results import Estimate

__all__ = ["minimum_detectable_effect"]


def minimum_detectable_effect(
    se: float | Estimate | ImpactResult,
    alpha: float = 0.05,
    power: float = 0.80,
    df: float | None = None,
) -> float:
    """The smallest true effect a two-sided test would detect with the given power.

    ``MDE = (q(1 - alpha/2) + q(power)) * SE``, with normal quantiles (Student t when ``df`` is
    given). For a rate ratio (an ``Estimate`` or result with ``unit="ratio"``) the standard error
    is taken on the log scale and the MDE is returned as a ratio above one.

    Parameters
    ----------
    se : float, Estimate or ImpactResult
        The standard error of the effect estimate (or something that carries one).
    alpha : float, default 0.05
        Two-sided significance level.
    power : float, default 0.80
        Probability of detecting the effect.
    df : float, optional
        Degrees of freedom of the test (t quantiles); normal when None.

    Returns
    -------
    float
        In the effect's units (points), or a ratio above one for rate ratios.

    Examples
    --------
    >>> round(minimum_detectable_effect(0.05), 4)   # (1.96 + 0.8416) * 0.05
    0.1401
    """
    ratio = False
    if isinstance(se, ImpactResult):
        se = se.effect
    if isinstance(se, Estimate):
        ratio = se.unit == "ratio"
        if ratio:
            # the ratio's interval is exp(log-scale interval): recover the log-scale SE from it
            se = (math.log(se.ci_high) - math.log(se.ci_low)) / (2 * _tcrit(se.confidence, df))
        else:
            se = se.se if se.se is not None else math.nan
    q = _tcrit(1 - alpha, df) + (
        float(stats.norm.ppf(power)) if df is None else float(stats.t.ppf(power, df))
    )
    mde = q * float(se)
    return math.exp(mde) if ratio else mde
