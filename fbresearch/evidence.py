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

# scipy.stats is imported by the functions that use it, not here: fbresearch.results imports
# this module, and so does every report worker (report.html), which never tests anything and
# would otherwise pay ~0.8 s for scipy.stats at start (tests/report/test_report_parts.py)

__all__ = [
    "null_value",
    "is_significant",
    "interval_known",
    "MIN_ANSWERS",
    "enough_answers",
    "too_few_text",
    "needs_exact_test",
    "normal_p_value",
    "interval_p_value",
    "agreeing_interval",
    "nps_exact_test",
    "nps_sign_test",
    "share_exact_test",
    "count_exact_test",
    "mean_permutation_test",
    "FDR_METHOD",
    "fdr_level",
    "fdr_adjust",
    "fdr_adjust_within",
    "fdr_survivors",
    "significant_in_family",
    "correction_text",
    "family_sentence",
    "summary_sentence",
    "holm_adjust",
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


# --- small samples: minimum n, exact change tests, intervals that agree with their test ------
# (KPI15.) One place decides how few answers are too few, when a change is judged by an exact or
# permutation test instead of a large-sample one, and how an interval is made to agree with the
# test beside it, so that no page shows "significant" next to an interval that crosses zero.

#: fewer answers than this: no interval, no test ("too few answers")
MIN_ANSWERS = 2
#: a change is judged by an exact or permutation test when either period has fewer answers
#: than this ...
EXACT_BELOW_N = 30
#: ... or when a category's expected count in either period is below this (the usual rule for
#: normal approximations to counts)
EXACT_MIN_EXPECTED = 5.0
#: resamples of the permutation test of a change in a mean (exact when there are fewer
#: distinct splits); the seed makes the same data give the same p-value
PERMUTATIONS = 9999
PERMUTATION_SEED = 0


def enough_answers(n: Any) -> Any:
    """Whether ``n`` answers are enough for an interval or a test (scalars or arrays).

    Examples
    --------
    >>> enough_answers(1), enough_answers(2)
    (False, True)
    """
    result = np.asarray(n, dtype=float) >= MIN_ANSWERS
    return bool(result) if result.ndim == 0 else result


def too_few_text(n: int) -> str:
    """The plain words for an estimate without an interval because it has too few answers.

    Examples
    --------
    >>> too_few_text(1), too_few_text(0)
    ('only 1 answer: too few answers for an interval', 'no answers')
    """
    n = int(n)
    if n == 0:
        return "no answers"
    return f"only {n:,} answer{'' if n == 1 else 's'}: too few answers for an interval"


def needs_exact_test(n1: Any, n2: Any, *pooled: Any) -> Any:
    """Whether a change between two samples is judged by an exact or permutation test.

    Parameters
    ----------
    n1, n2 : int or array
        Answers in each period.
    *pooled : int or array
        Counts of each category in both periods together (e.g. promoters, detractors): the
        expected count of a category in a period is ``pooled * n_period / (n1 + n2)``.

    Examples
    --------
    >>> bool(needs_exact_test(20, 400)), bool(needs_exact_test(400, 400, 200)),
    (True, False)
    >>> bool(needs_exact_test(400, 400, 6))   # 3 expected in each period
    True
    """
    n1, n2 = np.asarray(n1, dtype=float), np.asarray(n2, dtype=float)
    small = np.minimum(n1, n2) < EXACT_BELOW_N
    total = n1 + n2
    with np.errstate(divide="ignore", invalid="ignore"):
        for count in pooled:
            expected = np.asarray(count, dtype=float) * np.minimum(n1, n2) / total
            small = small | (expected < EXACT_MIN_EXPECTED)
    return small


def normal_p_value(estimate: Any, se: Any, null: float = 0.0) -> Any:
    """Two-sided p-value of a z statistic ``(estimate - null) / se`` (NaN where se is not > 0).

    Examples
    --------
    >>> round(float(normal_p_value(1.96, 1.0)), 3)
    0.05
    """
    from scipy import stats

    estimate, se = np.asarray(estimate, dtype=float), np.asarray(se, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = 2 * stats.norm.sf(np.abs(estimate - null) / se)
    return np.where(se > 0, p, np.nan)


def interval_p_value(bounds_at: Any, null: float = 0.0, iterations: int = 60) -> Any:
    """The p-value an interval method implies: the largest two-sided level at which it excludes ``null``.

    ``bounds_at(z)`` gives the interval's bounds (arrays) at the normal quantile ``z``; the
    interval is assumed to widen as ``z`` grows. Bisection on ``z`` finds the ``z*`` at which a
    bound touches ``null``; the p-value is ``2 * (1 - Phi(z*))``, so the interval at level
    ``1 - alpha`` excludes ``null`` exactly when this p-value is below ``alpha``.

    Examples
    --------
    >>> wald = lambda z: (1.96 - z * 1.0, 1.96 + z * 1.0)   # estimate 1.96, se 1
    >>> round(float(interval_p_value(wald)), 4)
    0.05
    """
    from scipy import stats

    low0, _ = bounds_at(np.float64(0.0))
    shape = np.shape(low0)
    lo, hi = np.zeros(shape), np.full(shape, 40.0)
    for _ in range(iterations):
        mid = (lo + hi) / 2
        low, high = bounds_at(mid)
        excludes = (np.asarray(low) > null) | (np.asarray(high) < null)
        lo, hi = np.where(excludes, mid, lo), np.where(excludes, hi, mid)
    low, high = bounds_at(np.float64(0.0))
    known = np.isfinite(np.asarray(low, dtype=float)) & np.isfinite(np.asarray(high, dtype=float))
    return np.where(known, 2 * stats.norm.sf((lo + hi) / 2), np.nan)


def agreeing_interval(
    low: Any, high: Any, p_test: Any, p_interval: Any, confidence: float, null: float = 0.0
) -> tuple[Any, Any, Any]:
    """An interval and p-value that agree: the interval excludes ``null`` exactly when p < alpha.

    The reported p-value is the larger of the test's and the one the interval implies (the
    larger of two valid p-values is valid, and conservative); where the test does not reject,
    the interval is widened to reach ``null`` (coverage can only grow). So a reader never sees
    "significant" beside an interval that crosses zero, nor an interval that excludes zero
    beside a p-value above alpha.

    Parameters
    ----------
    low, high : float or array
        The interval method's bounds.
    p_test : float or array
        The test's p-value (exact or permutation for small samples); NaN: the interval's own.
    p_interval : float or array
        The p-value the interval implies (:func:`interval_p_value`, or the Wald p-value of a
        symmetric interval).
    confidence : float
        Level of the interval.
    null : float, default 0

    Returns
    -------
    (low, high, p) : arrays

    Examples
    --------
    >>> low, high, p = agreeing_interval(0.2, 3.0, 0.33, 0.01, 0.95)   # exact test: p = 1/3
    >>> float(low), float(high), float(p)
    (0.0, 3.0, 0.33)
    """
    alpha = 1 - confidence
    p_test = np.asarray(p_test, dtype=float)
    p_interval = np.asarray(p_interval, dtype=float)
    p = np.where(np.isnan(p_test), p_interval, np.fmax(p_test, p_interval))
    keep = ~(p_test >= alpha)
    low = np.where(keep | ~(np.asarray(low, dtype=float) > null), low, null)
    high = np.where(keep | ~(np.asarray(high, dtype=float) < null), high, null)
    return low, high, p


def nps_exact_test(pro1: int, det1: int, n1: int, pro2: int, det2: int, n2: int) -> float:
    """Exact permutation test of a change in NPS between two independent samples.

    The answers are coded +1 (promoter), 0 (passive) and -1 (detractor). Under "no change" every
    split of the pooled answers into samples of ``n1`` and ``n2`` is equally likely, so the
    promoters and detractors of the first sample follow a multivariate hypergeometric
    distribution. The p-value is the probability of a difference in NPS at least as large (in
    absolute value) as the one observed. Every split is enumerated: exact, no resampling.

    Examples
    --------
    >>> round(nps_exact_test(2, 0, 2, 0, 2, 2), 6)   # two promoters, then two detractors
    0.333333
    """
    pro, det, total = pro1 + pro2, det1 + det2, n1 + n2
    pas = total - pro - det
    if n1 < 1 or n2 < 1:
        return float("nan")
    d = np.arange(0, min(det, n1) + 1)[:, None]
    p = np.arange(0, min(pro, n1) + 1)[None, :]
    q = n1 - d - p
    ok = (q >= 0) & (q <= pas) & (det - d <= n2) & (pro - p <= n2)
    log_prob = _log_comb(det, d) + _log_comb(pro, p) + _log_comb(pas, np.where(ok, q, 0))
    prob = np.where(ok, np.exp(log_prob - _log_comb(total, n1)), 0.0)
    diff = (p - d) / n1 - ((pro - p) - (det - d)) / n2
    observed = abs((pro1 - det1) / n1 - (pro2 - det2) / n2)
    extreme = np.abs(diff) >= observed - 1e-12
    return float(min(1.0, prob[extreme & ok].sum()))


def nps_sign_test(pro: Any, det: Any) -> Any:
    """Exact test of NPS = 0 in one sample: among promoters and detractors, each is equally likely.

    Conditional on the number of answers that are not passive, NPS = 0 means a promoter and a
    detractor are equally likely: a binomial (sign) test with probability 1/2, two-sided
    (``2 * P(X <= min(k, m - k))``, as :func:`scipy.stats.binomtest`). Scalars or arrays.

    Examples
    --------
    >>> float(nps_sign_test(31, 0)) == 2 * 0.5**31   # 31 promoters, no detractor
    True
    """
    from scipy import stats

    pro, det = np.asarray(pro, dtype=float), np.asarray(det, dtype=float)
    m = pro + det
    p = np.minimum(1.0, 2 * stats.binom.cdf(np.minimum(pro, det), m, 0.5))
    p = np.where(m > 0, p, 1.0)
    return float(p) if p.ndim == 0 else p


def share_exact_test(x1: int, n1: int, x2: int, n2: int) -> float:
    """Fisher's exact test of a change in a share (two-sided, scipy).

    Examples
    --------
    >>> round(share_exact_test(3, 3, 0, 3), 3)
    0.1
    """
    from scipy import stats

    table = [[x1, n1 - x1], [x2, n2 - x2]]
    return float(stats.fisher_exact(table).pvalue)


def count_exact_test(k1: int, k2: int) -> float:
    """Exact test of equal Poisson rates of two counts over equal periods (binomial, p = 1/2).

    Examples
    --------
    >>> count_exact_test(5, 0)   # 2 * 0.5**5
    0.0625
    """
    from scipy import stats

    if k1 + k2 == 0:
        return 1.0
    return float(stats.binomtest(int(k1), int(k1 + k2), 0.5).pvalue)


def mean_permutation_test(a: Any, b: Any) -> float:
    """Permutation test of a change in a mean between two samples (scipy, two-sided).

    Exact when the samples have at most :data:`PERMUTATIONS` distinct splits, otherwise
    :data:`PERMUTATIONS` random splits from the fixed :data:`PERMUTATION_SEED`.

    The p-value is scipy's ``permutation_test``'s, computed here faster (``tests/test_evidence.py``
    checks it equals scipy's to the last bit): scipy draws the random splits one
    ``Generator.permutation`` call at a time in a Python loop (35 ms a test, several times a
    page), and enumerates the exact splits as Python sets (6-20 ms). ``Generator.permuted`` over
    a stack of index rows draws the same splits from the same stream in one call; the exact
    null distribution of answers (whole numbers, so every mean is its exact sum over its size)
    is counted by the sum of each split, subset-sum style, without listing the splits.

    Examples
    --------
    >>> round(mean_permutation_test([7, 7], [1, 1]), 6)   # 2 of the 6 splits as extreme
    0.333333
    >>> round(mean_permutation_test([5, 4, 5, 3, 4] * 4, [2, 3, 1, 2, 4] * 4), 6)   # random
    0.0002
    """
    from scipy import stats

    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.size < 1 or b.size < 1:
        return float("nan")
    if np.ptp(np.concatenate([a, b])) == 0:
        return 1.0
    if a.ndim == b.ndim == 1 and min(a.size, b.size) >= 2:
        if math.comb(a.size + b.size, a.size) > PERMUTATIONS:
            return _random_split_p(a, b)
        if _countable(a, b):
            return _exact_split_p(a, b)
    res = stats.permutation_test(
        (a, b),
        lambda x, y, axis: np.mean(x, axis=axis) - np.mean(y, axis=axis),
        permutation_type="independent",
        vectorized=True,
        n_resamples=PERMUTATIONS,
        alternative="two-sided",
        rng=np.random.default_rng(PERMUTATION_SEED),
    )
    return float(min(1.0, res.pvalue))


def _random_split_p(a: np.ndarray, b: np.ndarray) -> float:
    """Two-sided p-value of ``mean(a) - mean(b)`` over :data:`PERMUTATIONS` random splits,
    computed as scipy's ``permutation_test(..., permutation_type="independent",
    vectorized=True, rng=np.random.default_rng(PERMUTATION_SEED))`` computes it."""
    data = np.concatenate([a, b])
    rng = np.random.default_rng(PERMUTATION_SEED)
    # row k: the k-th ``rng.permutation(len(data))`` scipy would draw
    order = rng.permuted(np.tile(np.arange(data.size), (PERMUTATIONS, 1)), axis=-1)
    split = data[..., order]
    null = np.mean(split[..., : a.size], axis=-1) - np.mean(split[..., a.size :], axis=-1)
    observed = np.mean(a, axis=-1) - np.mean(b, axis=-1)
    gamma = np.abs(np.finfo(float).eps * 100 * observed)  # scipy's tolerance for ties
    less = (np.count_nonzero(null <= observed + gamma) + 1) / (PERMUTATIONS + 1)
    greater = (np.count_nonzero(null >= observed - gamma) + 1) / (PERMUTATIONS + 1)
    return float(min(1.0, np.clip(min(less, greater) * 2, 0.0, 1.0)))


def _countable(a: np.ndarray, b: np.ndarray) -> bool:
    """Whole numbers whose sums are exact in floating point, over a small range of sums."""
    data = np.concatenate([a, b])
    if not (np.isfinite(data).all() and np.array_equal(data, np.round(data))):
        return False
    span = float(np.abs(data).sum())
    return span < 2.0**52 and (a.size + 1) * (float(np.ptp(data)) * data.size + 1) <= 4e6


def _exact_split_p(a: np.ndarray, b: np.ndarray) -> float:
    """Two-sided p-value of ``mean(a) - mean(b)`` over every split of the pooled whole numbers
    into groups of their sizes, as scipy's exact ``permutation_test`` computes it: a split's
    statistic depends only on the sum ``S`` of its first group (``S / na - (T - S) / nb``,
    exact sums), so the splits are counted by ``S`` (subset sums of ``na`` of the values)."""
    data = np.concatenate([a, b])
    low = data.min()
    steps = (data - low).astype(np.int64)
    top = int(steps.sum())
    ways = np.zeros((a.size + 1, top + 1), dtype=np.int64)  # ways[k, s]: k values, sum s
    ways[0, 0] = 1
    for v in steps:
        ways[1:, v:] = ways[1:, v:] + ways[:-1, : top + 1 - v]
    count = ways[a.size]
    seen = np.flatnonzero(count)
    sums = seen + a.size * low
    null = sums / a.size - (data.sum() - sums) / b.size
    observed = np.mean(a, axis=-1) - np.mean(b, axis=-1)
    gamma = np.abs(np.finfo(float).eps * 100 * observed)  # scipy's tolerance for ties
    splits = math.comb(data.size, a.size)
    less = float(count[seen][null <= observed + gamma].sum()) / splits
    greater = float(count[seen][null >= observed - gamma].sum()) / splits
    return float(min(1.0, np.clip(min(less, greater) * 2, 0.0, 1.0)))


def _log_comb(n: Any, k: Any) -> Any:
    from scipy import special

    return special.gammaln(n + 1) - special.gammaln(k + 1) - special.gammaln(n - k + 1)


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


def fdr_adjust_within(p_values: Any, groups: Any) -> np.ndarray:
    """Benjamini-Hochberg q-values with each group its own family (e.g. per metric or language).

    Examples
    --------
    >>> fdr_adjust_within([0.01, 0.04, 0.03, 0.5], ["a", "a", "b", "b"]).round(3).tolist()
    [0.02, 0.04, 0.06, 0.5]
    """
    p = np.asarray(p_values, dtype=float)
    groups = np.asarray(groups, dtype=object)
    q = np.full(p.shape, np.nan)
    for group in dict.fromkeys(groups.tolist()):
        mask = groups == group
        q[mask] = fdr_adjust(p[mask])
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


def correction_text(
    p_value: float | None, n_tests: int, confidence: float = 0.95, interval_clear: bool = False
) -> str:
    """Why a result that looks significant on its own is not called so: ``""`` if it does not.

    A reader who sees p = 0.048, or an interval clear of zero, next to "not significant" needs
    the reason inline: it did not survive the correction for the page's ``n_tests`` comparisons.

    Examples
    --------
    >>> correction_text(0.048, 24)
    'after correcting for 24 comparisons'
    >>> correction_text(0.3, 24), correction_text(0.048, 1)
    ('', '')
    >>> correction_text(None, 5, interval_clear=True)
    'after correcting for 5 comparisons'
    """
    raw = p_value is not None and math.isfinite(float(p_value))
    raw = raw and float(p_value) < fdr_level(confidence)
    if n_tests <= 1 or not (raw or interval_clear):
        return ""
    return f"after correcting for {n_tests} comparisons"


def family_sentence(
    n_tests: int,
    confidence: float = 0.95,
    method: str = FDR_METHOD,
    groups: Sequence[int] | None = None,
    unadjusted: int = 0,
) -> str:
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
    groups : sequence of int, optional
        The sizes of the groups the correction runs in, each on its own (the page's tables or
        measures: 4 headline changes, 15 by channel); None: one group of all ``n_tests``.
    unadjusted : int
        Further estimates the page judges each by its own confidence interval, without a
        correction (a model's odds ratios).

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
    >>> family_sentence(19, groups=[4, 15])  # doctest: +NORMALIZE_WHITESPACE
    'With 19 comparisons on this page, a result is called significant only if it survives a
    false-discovery-rate check (Benjamini-Hochberg, 5%) among the comparisons of its own group
    (groups of 4 and 15).'
    >>> family_sentence(0, unadjusted=5)
    'The 5 estimates on this page are each judged by their own confidence interval, without a correction.'
    """
    level = f"{100 * fdr_level(confidence):.2g}%"
    tail = ""
    if unadjusted > 0:  # "5 more estimates are ...", alone "The 5 estimates on this page are ..."
        one = unadjusted == 1
        who = (
            ("One more estimate is" if one else f"{unadjusted} more estimates are")
            if n_tests > 0
            else (
                "The estimate on this page is"
                if one
                else f"The {unadjusted} estimates on this page are"
            )
        )
        how = "judged by its own" if one else "each judged by their own"
        tail = f" {who} {how} confidence interval, without a correction."
    if n_tests <= 0:
        return tail.strip()
    if n_tests == 1:
        return (
            f"One comparison on this page is tested for significance at the {level} level." + tail
        )
    sizes = [int(g) for g in (groups or [n_tests]) if g > 0]
    where = ""
    if len(sizes) > 1:
        listed = ", ".join(map(str, sizes[:-1])) + f" and {sizes[-1]}"
        where = f" among the comparisons of its own group (groups of {listed})"
    head = f"With {n_tests} comparisons on this page, a result is called significant only if it"
    if method == "mixed":
        return (
            f"{head} survives a correction for multiple comparisons (Holm or {FDR_METHOD}, "
            f"{level}){where}." + tail
        )
    if method == "Holm":
        return (
            f"{head} survives a Holm correction for multiple comparisons (family-wise error rate "
            f"{level}){where}, which is stricter than a false-discovery-rate check." + tail
        )
    return f"{head} survives a false-discovery-rate check ({method}, {level}){where}." + tail


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
