"""fbresearch.evidence: the one policy for what may be called significant (hand-worked cases)."""

from __future__ import annotations

import math

import numpy as np

from fbresearch.evidence import holm_adjust, interval_known, is_significant, null_value
from fbresearch.results import Estimate


def test_an_interval_that_excludes_no_effect_is_significant():
    assert is_significant(Estimate(5.0, 0.1, 9.9, n=200))
    assert is_significant(Estimate(-5.0, -9.9, -0.1, n=200))
    assert not is_significant(Estimate(5.0, 0.0, 9.9, n=200))  # touching 0 is not excluding it


def test_ratios_are_judged_against_one():
    assert null_value(Estimate(1.2, 1.05, 1.4, n=50, unit="ratio")) == 1.0
    assert is_significant(Estimate(1.2, 1.05, 1.4, n=50, unit="ratio"))
    assert not is_significant(Estimate(1.2, 0.95, 1.4, n=50, unit="ratio"))


def test_no_interval_means_no_claim():
    # nps([]) and ces([5]) give NaN bounds: they must never feed a "significant" headline
    nan = math.nan
    assert not interval_known(Estimate(nan, nan, nan, n=0))
    assert not is_significant(Estimate(nan, nan, nan, n=0))
    assert not is_significant(Estimate(5.0, nan, nan, n=1))


# --- small samples (KPI15) ------------------------------------------------------------------


def _brute_force_nps_p(pro1, det1, n1, pro2, det2, n2):  # noqa: ANN001, ANN202
    """Every split of the coded answers enumerated (an implementation independent of evidence)."""
    import itertools

    import numpy as np

    coded = [1] * (pro1 + pro2) + [-1] * (det1 + det2)
    coded += [0] * (n1 + n2 - len(coded))
    coded = np.array(coded, dtype=float)
    observed = abs((pro1 - det1) / n1 - (pro2 - det2) / n2)
    hits = total = 0
    for idx in itertools.combinations(range(n1 + n2), n1):
        first = coded[list(idx)].sum()
        diff = first / n1 - (coded.sum() - first) / n2
        hits += abs(diff) >= observed - 1e-12
        total += 1
    return hits / total


def test_nps_exact_test_matches_brute_force_enumeration():
    import pytest

    from fbresearch.evidence import nps_exact_test

    cases = [(2, 0, 2, 0, 2, 2), (3, 1, 5, 0, 4, 6), (1, 1, 3, 4, 0, 7), (5, 0, 5, 5, 0, 5)]
    for case in cases:
        assert nps_exact_test(*case) == pytest.approx(_brute_force_nps_p(*case)), case
    assert nps_exact_test(2, 0, 2, 0, 2, 2) == pytest.approx(1 / 3)  # issue 15: p >= 1/3


def test_exact_tests_match_hand_worked_values_and_scipy():
    import pytest
    from scipy import stats

    from fbresearch.evidence import (
        count_exact_test,
        mean_permutation_test,
        nps_sign_test,
        share_exact_test,
    )

    # Fisher, 3/3 vs 0/3: the observed table and its mirror, each 1/C(6,3) = 1/20 -> 0.1
    assert share_exact_test(3, 3, 0, 3) == pytest.approx(0.1)
    # counts 5 vs 0 over equal periods: 2 * 0.5**5
    assert count_exact_test(5, 0) == pytest.approx(0.0625)
    # sign test equals scipy's binomtest at 1/2, here 7 promoters and 2 detractors
    assert nps_sign_test(7, 2) == pytest.approx(stats.binomtest(7, 9, 0.5).pvalue)
    # means [7, 7] vs [1, 1]: 2 of the C(4, 2) = 6 splits as extreme
    assert mean_permutation_test([7, 7], [1, 1]) == pytest.approx(1 / 3)
    assert mean_permutation_test([4, 4], [4, 4]) == 1.0


def test_mean_permutation_test_equals_scipys_permutation_test_to_the_last_bit():
    # evidence computes scipy's p-value faster: the random splits drawn in one
    # Generator.permuted call instead of scipy's loop of Generator.permutation calls (the same
    # splits), the exact splits of whole numbers counted by their sums instead of listed.
    # Truth: scipy.stats.permutation_test as evidence called it before, on answers (1-5 and
    # 0-10 scores, heavy ties, equal means: observed 0) and on continuous values, at sizes on
    # both sides of the exact enumeration (at most 9,999 splits) and the random splits.
    import math

    from scipy import stats

    from fbresearch.evidence import PERMUTATIONS, mean_permutation_test

    def scipy_p(a, b):
        res = stats.permutation_test(
            (np.asarray(a, float), np.asarray(b, float)),
            lambda x, y, axis: np.mean(x, axis=axis) - np.mean(y, axis=axis),
            permutation_type="independent",
            vectorized=True,
            n_resamples=PERMUTATIONS,
            alternative="two-sided",
            rng=np.random.default_rng(0),
        )
        return float(min(1.0, res.pvalue))

    rng = np.random.default_rng(11)
    cases = [
        ([5, 4, 5, 3, 4] * 4, [2, 3, 1, 2, 4] * 4),  # random splits, p 0.0002
        ([1, 2] * 8, [2, 1] * 9),  # random, equal means: p 1
        ([7, 7], [1, 1]),  # exact: 2 of the 6 splits as extreme
        ([3, 1, 2], [2, 3, 1, 2]),  # exact, equal means
        ([4, 5], [1, 2, 3, 4, 5, 2, 1] * 20),  # exact: 2 of 142 values (9,870 splits)
    ]
    for i in range(96):
        exact = i % 2 == 0
        n1, n2 = (int(v) for v in rng.integers(2, 10 if exact else 45, 2))
        if i % 3 == 0:
            a, b = rng.integers(1, 6, n1), rng.integers(1, 6, n2)
        elif i % 3 == 1:
            a, b = rng.integers(0, 11, n1), rng.integers(0, 11, n2)
        else:
            a, b = rng.normal(0, 1, n1), rng.normal(0.4, 1, n2)
        cases.append((a, b))
    random_splits = 0
    for a, b in cases:
        assert mean_permutation_test(a, b) == scipy_p(a, b), (list(a), list(b))
        random_splits += math.comb(len(a) + len(b), len(a)) > PERMUTATIONS
    assert random_splits >= 40 and len(cases) - random_splits >= 40  # both kinds, many times


def test_small_samples_and_small_cells_need_exact_tests():
    from fbresearch.evidence import MIN_ANSWERS, enough_answers, needs_exact_test

    assert MIN_ANSWERS == 2 and not enough_answers(1) and enough_answers(2)
    assert needs_exact_test(29, 500) and not needs_exact_test(30, 500)
    # 400 answers each, 6 promoters in all: 3 expected a month, below 5
    assert needs_exact_test(400, 400, 6) and not needs_exact_test(400, 400, 10)


def test_agreeing_interval_never_shows_significant_beside_an_interval_through_zero():
    import numpy as np

    from fbresearch.evidence import agreeing_interval

    # test does not reject (p 0.33) but the interval excludes 0: widened to reach 0
    low, high, p = agreeing_interval(0.2, 3.0, 0.33, 0.01, 0.95)
    assert (float(low), float(high), float(p)) == (0.0, 3.0, 0.33)
    # test rejects (0.01) but the interval crosses 0 (implied p 0.2): p is the larger
    low, high, p = agreeing_interval(-0.5, 3.0, 0.01, 0.2, 0.95)
    assert (float(low), float(p)) == (-0.5, 0.2)
    # both agree: unchanged; no test (NaN): the interval's own p
    low, high, p = agreeing_interval(np.array([0.5]), np.array([2.0]), np.nan, 0.001, 0.95)
    assert (float(low[0]), float(p)) == (0.5, 0.001)


def test_interval_p_value_inverts_a_wald_interval():
    from scipy import stats

    from fbresearch.evidence import interval_p_value

    # estimate 2.5, se 1: Wald p = 2 * (1 - Phi(2.5)) = 0.012419
    p = interval_p_value(lambda z: (2.5 - z, 2.5 + z))
    assert abs(float(p) - 2 * stats.norm.sf(2.5)) < 1e-9
def test_holm_by_hand():
    # m = 4: sorted 0.01, 0.02, 0.03, 0.5 times 4, 3, 2, 1 -> 0.04, 0.06, 0.06 (kept >=), 0.5
    adjusted = holm_adjust([0.5, 0.03, 0.01, 0.02])
    np.testing.assert_allclose(adjusted, [0.5, 0.06, 0.04, 0.06], rtol=0, atol=1e-15)
    assert holm_adjust([0.4, 0.6]).tolist() == [0.8, 0.8]  # 0.8, then max(0.8, 0.6)
    assert holm_adjust([0.7, 0.9]).tolist() == [1.0, 1.0]  # capped at 1
    assert holm_adjust([0.03]).tolist() == [0.03]


def test_holm_matches_statsmodels():
    import gc

    from statsmodels.stats.multitest import multipletests

    rng = np.random.default_rng(3)
    # multipletests(method="holm") runs a full gc.collect() on every call: over the test
    # process's heap that is most of this test's time (30 s of 100 calls in make test). The
    # heap as it is now is frozen for the loop (gc.freeze: left out of every collection), so
    # each collection only looks at the objects made since; the numbers compared are the same.
    gc.freeze()
    try:
        for m in (1, 2, 5, 17, 60):
            for _ in range(20):
                p = rng.uniform(0, 1, m) ** 3  # many small p-values, some adjusted above 1
                p[rng.integers(0, m, m // 3)] = p[0]  # ties
                np.testing.assert_array_equal(holm_adjust(p), multipletests(p, method="holm")[1])
    finally:
        gc.unfreeze()
