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
from typing import Any

import numpy as np

__all__ = [
    "null_value",
    "is_significant",
    "interval_known",
    "FDR_METHOD",
    "fdr_level",
    "fdr_adjust",
    "fdr_survivors",
    "significant_in_family",
    "family_sentence",
    "summary_sentence",
]


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


# --- multiplicity: false discovery rate within a page's family of tests ----------------------
#: the name a page gives the check (kept in one place, so every page says the same)
FDR_METHOD = "Benjamini-Hochberg"


def fdr_level(confidence: float = 0.95) -> float:
    """The false discovery rate a page controls: one minus its confidence level.

    Examples
    --------
    >>> round(fdr_level(0.95), 10), round(fdr_level(0.9), 10)
    (0.05, 0.1)
    """
    return 1.0 - float(confidence)


def fdr_adjust(p_values: Any) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (q-values) of one family of tests.

    NaN p-values (a test that could not be run) stay NaN and do not count in the family size;
    the others match statsmodels ``multipletests(p, method="fdr_bh")[1]``.

    Parameters
    ----------
    p_values : array-like of float
        The family's raw p-values, in any order.

    Returns
    -------
    numpy.ndarray
        The q-values in the input order: ``q_i = min_{j: p_j >= p_i} m p_j / rank_j``, at most 1.

    Examples
    --------
    >>> fdr_adjust([0.01, 0.04, float("nan"), 0.03]).round(3).tolist()
    [0.03, 0.04, nan, 0.04]
    >>> fdr_adjust([]).tolist()
    []
    """
    p = np.asarray(p_values, dtype=float).reshape(-1)
    q = np.full(p.shape, np.nan)
    known = np.flatnonzero(~np.isnan(p))
    m = len(known)
    if m == 0:
        return q
    order = known[np.argsort(p[known], kind="mergesort")]
    scaled = p[order] * m / np.arange(1, m + 1)
    q[order] = np.minimum(np.minimum.accumulate(scaled[::-1])[::-1], 1.0)
    return q


def fdr_survivors(p_values: Any, confidence: float = 0.95) -> np.ndarray:
    """Which tests of a family survive the Benjamini-Hochberg check at ``fdr_level(confidence)``.

    Examples
    --------
    >>> fdr_survivors([0.001, 0.02, 0.04, 0.5]).tolist()
    [True, True, False, False]
    >>> fdr_survivors([0.01, 0.02, 0.03, 0.04]).tolist()
    [True, True, True, True]
    """
    q = fdr_adjust(p_values)
    return ~np.isnan(q) & (q <= fdr_level(confidence) + 1e-12)


def significant_in_family(p_value: float | None, family: Any, confidence: float = 0.95) -> bool:
    """Whether a test "may be called significant" as one of ``family``: it survives FDR control.

    The policy of every page: a change or difference is called significant only when its
    p-value survives Benjamini-Hochberg among all the tests the page calls significant or not
    (``family``, which includes ``p_value`` itself), at the false discovery rate
    ``1 - confidence``. A missing p-value is never significant.

    Parameters
    ----------
    p_value : float or None
        The test's own p-value.
    family : array-like of float
        Every p-value of the family, ``p_value`` included (NaN entries are ignored).
    confidence : float
        The page's confidence level (0.95: a false discovery rate of 5%).

    Examples
    --------
    >>> significant_in_family(0.02, [0.02, 0.3, 0.6, 0.9])  # 0.02 * 4 / 1 = 0.08 > 0.05
    False
    >>> significant_in_family(0.02, [0.02])
    True
    >>> significant_in_family(None, [0.01])
    False
    """
    if p_value is None or not math.isfinite(float(p_value)):
        return False
    values = np.asarray(family, dtype=float).reshape(-1)
    values = values[~np.isnan(values)]
    if not np.any(values == float(p_value)):
        values = np.append(values, float(p_value))
    q = fdr_adjust(values)
    return bool(q[values == float(p_value)].min() <= fdr_level(confidence) + 1e-12)


def family_sentence(n_tests: int, confidence: float = 0.95, method: str = FDR_METHOD) -> str:
    """The plain sentence a page states once about its family of tests.

    Parameters
    ----------
    n_tests : int
        How many comparisons the page calls significant or not.
    confidence : float
        The page's confidence level; the false discovery rate is ``1 - confidence``.
    method : str
        ``"Benjamini-Hochberg"`` (false discovery rate) or ``"Holm"`` (family-wise error rate,
        which is stricter, so a Holm result also survives the false-discovery-rate check).

    Examples
    --------
    >>> family_sentence(24)
    'With 24 comparisons on this page, a result is called significant only if it survives a false-discovery-rate check (Benjamini-Hochberg, 5%).'
    >>> family_sentence(6, method="Holm")
    'With 6 comparisons on this page, a result is called significant only if it survives a Holm correction for multiple comparisons (family-wise error rate 5%), which is stricter than a false-discovery-rate check.'
    >>> family_sentence(1)
    'One comparison on this page is tested for significance at the 5% level.'
    >>> family_sentence(0)
    ''
    """
    level = f"{100 * fdr_level(confidence):.2g}%"
    if n_tests <= 0:
        return ""
    if n_tests == 1:
        return f"One comparison on this page is tested for significance at the {level} level."
    head = f"With {n_tests} comparisons on this page, a result is called significant only if it"
    if method == "mixed":
        return (
            f"{head} survives a correction for multiple comparisons (Holm or {FDR_METHOD}, "
            f"{level})."
        )
    if method == "Holm":
        return (
            f"{head} survives a Holm correction for multiple comparisons (family-wise error rate "
            f"{level}), which is stricter than a false-discovery-rate check."
        )
    return f"{head} survives a false-discovery-rate check ({method}, {level})."


def summary_sentence(
    n_tests: int, n_survived: int, when: str = "this month", confidence: float = 0.95
) -> str:
    """What the executive summary says about the changes it checked across the whole report.

    Parameters
    ----------
    n_tests : int
        Changes over time tested on all pages together (the summary's own family).
    n_survived : int
        How many of them survive Benjamini-Hochberg in that family.
    when : str
        The period, as a reader names it ("in October 2026", "this month").

    Examples
    --------
    >>> summary_sentence(31, 0, "in October 2026")
    'No significant change in October 2026: none of the 31 changes tested in this report survives a false-discovery-rate check (Benjamini-Hochberg, 5%).'
    >>> summary_sentence(31, 2)
    'Changes are listed only if they survive a false-discovery-rate check (Benjamini-Hochberg, 5%) across the 31 changes tested in this report; 2 do.'
    >>> summary_sentence(0, 0, "in October 2026")
    'No change was tested in October 2026.'
    """
    level = f"{100 * fdr_level(confidence):.2g}%"
    check = f"a false-discovery-rate check ({FDR_METHOD}, {level})"
    if n_tests <= 0:
        return f"No change was tested {when}."
    if n_survived <= 0:
        tested = "the one change" if n_tests == 1 else f"none of the {n_tests} changes"
        verb = "tested in this report survives" if n_tests > 1 else "tested does not survive"
        return f"No significant change {when}: {tested} {verb} {check}."
    return (
        f"Changes are listed only if they survive {check} across the {n_tests} changes tested "
        f"in this report; {n_survived} {'does' if n_survived == 1 else 'do'}."
    )
