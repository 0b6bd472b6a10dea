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


def test_holm_by_hand():
    # m = 4: sorted 0.01, 0.02, 0.03, 0.5 times 4, 3, 2, 1 -> 0.04, 0.06, 0.06 (kept >=), 0.5
    adjusted = holm_adjust([0.5, 0.03, 0.01, 0.02])
    np.testing.assert_allclose(adjusted, [0.5, 0.06, 0.04, 0.06], rtol=0, atol=1e-15)
    assert holm_adjust([0.4, 0.6]).tolist() == [0.8, 0.8]  # 0.8, then max(0.8, 0.6)
    assert holm_adjust([0.7, 0.9]).tolist() == [1.0, 1.0]  # capped at 1
    assert holm_adjust([0.03]).tolist() == [0.03]


def test_holm_matches_statsmodels():
    from statsmodels.stats.multitest import multipletests

    rng = np.random.default_rng(3)
    for m in (1, 2, 5, 17, 60):
        for _ in range(20):
            p = rng.uniform(0, 1, m) ** 3  # many small p-values, some adjusted above 1
            p[rng.integers(0, m, m // 3)] = p[0]  # ties
            np.testing.assert_array_equal(holm_adjust(p), multipletests(p, method="holm")[1])
