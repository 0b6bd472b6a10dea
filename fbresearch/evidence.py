"""The one evidence policy: what a page may call significant, clear or uncertain.

Narrative modules never compare a p-value or an interval with a threshold of their own; they ask
this module. One place to decide means one place to make the decision honest (small samples,
intervals that could not be computed, many tests at once).

Examples
--------
>>> from fbresearch.results import Estimate
>>> is_significant(Estimate(2.0, 0.5, 3.5, n=400))
True
>>> is_significant(Estimate(2.0, -0.5, 4.5, n=400))
False
>>> is_significant(Estimate(1.3, 1.1, 1.5, n=400, unit="ratio"))
True
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["null_value", "is_significant", "interval_known", "holm_adjust"]


def null_value(estimate: Any) -> float:
    """The value of "no effect" for ``estimate``: 1 for a ratio, else 0."""
    return 1.0 if getattr(estimate, "unit", "") == "ratio" else 0.0


def interval_known(estimate: Any) -> bool:
    """Whether both bounds of the interval are finite numbers."""
    bounds = (getattr(estimate, "ci_low", None), getattr(estimate, "ci_high", None))
    return all(b is not None and math.isfinite(float(b)) for b in bounds)


def is_significant(estimate: Any) -> bool:
    """Whether ``estimate``'s interval excludes "no effect" (0, or 1 for a ratio).

    Parameters
    ----------
    estimate : Estimate
        Anything with ``ci_low``, ``ci_high`` and ``unit``.

    Returns
    -------
    bool
        False when the interval could not be computed (NaN bounds): no interval, no claim.

    Examples
    --------
    >>> from fbresearch.results import Estimate
    >>> is_significant(Estimate(100.0, float("nan"), float("nan"), n=1))
    False
    """
    if not interval_known(estimate):
        return False
    null = null_value(estimate)
    return not (estimate.ci_low <= null <= estimate.ci_high)


def holm_adjust(p_values: Sequence[float] | np.ndarray) -> np.ndarray:
    """Holm's step-down adjustment of p-values for many tests at once (Holm 1979).

    The ``i``-th smallest of ``m`` p-values is multiplied by ``m - i + 1``; the adjusted values
    are then made non-decreasing in that order and capped at 1. The same numbers as statsmodels'
    ``multipletests(p, method="holm")[1]`` (``tests/test_evidence.py`` checks it), without its
    import and the full garbage collection it runs on every call.

    Parameters
    ----------
    p_values : sequence of float
        Unadjusted p-values (no NaN; leave untested rows out before adjusting).

    Returns
    -------
    ndarray
        Adjusted p-values, in the order given.

    Examples
    --------
    >>> holm_adjust([0.01, 0.04, 0.03]).round(4).tolist()
    [0.03, 0.06, 0.06]
    >>> holm_adjust([]).tolist()
    []
    """
    p = np.asarray(p_values, dtype=float).ravel()
    order = np.argsort(p)
    stepped = np.maximum.accumulate(p[order] * np.arange(p.size, 0, -1))
    stepped[stepped > 1] = 1.0
    adjusted = np.empty_like(stepped)
    adjusted[order] = stepped
    return adjusted
