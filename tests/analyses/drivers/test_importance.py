"""Tests of fbresearch.analyses.drivers.importance: exact LMG, Johnson weights, bootstrap."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest

from fbresearch.analyses.drivers import relative_importance
from fbresearch.analyses.drivers.importance import _correlation, _subset_r2

from .planted import PLANTED, lstsq_r2, planted_frame


def test_lmg_shares_sum_to_r_squared_and_equal_brute_force_over_orderings():
    # Truth: the definition of LMG: the increase in R² when a driver enters, averaged over all
    # 720 orderings of 6 drivers, each prefix fitted on raw rows with numpy lstsq.
    rng = np.random.default_rng(9)
    n, p = 300, 6
    mix = rng.normal(size=(p, p)) * 0.5 + np.eye(p)
    x = rng.normal(size=(n, p)) @ mix  # correlated drivers
    y = x @ rng.normal(size=p) + rng.normal(0, 2, n)
    columns = [f"rating_{i}" for i in range(p)]
    frame = pd.DataFrame(x, columns=columns).assign(nps=y)
    shares = relative_importance(frame, "nps", columns)
    r2_full = lstsq_r2(x, y)
    assert abs(shares.sum() - r2_full) < 1e-10
    assert abs(shares.attrs["r_squared"] - r2_full) < 1e-10
    cache: dict[frozenset, float] = {frozenset(): 0.0}

    def r2(subset: frozenset) -> float:
        if subset not in cache:
            cache[subset] = lstsq_r2(x[:, sorted(subset)], y)
        return cache[subset]

    brute = np.zeros(p)
    for order in itertools.permutations(range(p)):
        entered: frozenset = frozenset()
        for j in order:
            brute[j] += r2(entered | {j}) - r2(entered)
            entered = entered | {j}
    brute /= math.factorial(p)
    np.testing.assert_allclose(shares.to_numpy(), brute, atol=1e-10)


def test_subset_r2_matches_lstsq_for_every_subset_of_ten_drivers():
    # Truth: R² of each of the 1,024 subsets fitted on raw rows (checks the sweep's bit order).
    rng = np.random.default_rng(10)
    x = rng.normal(size=(120, 10)) @ (np.eye(10) + 0.3 * rng.normal(size=(10, 10)))
    y = x[:, :3].sum(axis=1) + rng.normal(size=120)
    r2 = _subset_r2(_correlation(np.column_stack([x, y])))
    for mask in range(0, 1024, 7):
        members = [j for j in range(10) if mask >> j & 1]
        expected = lstsq_r2(x[:, members], y) if members else 0.0
        assert abs(r2[mask] - expected) < 1e-10, mask


def test_lmg_with_twenty_uncorrelated_drivers_is_each_squared_correlation():
    # Truth: with exactly uncorrelated drivers every ordering gives driver j the same increase,
    # its squared correlation with the outcome, so LMG = r_j² (2**20 subsets enumerated).
    rng = np.random.default_rng(11)
    n, p = 400, 20
    # Columns orthogonal to the constant and to each other: centred and exactly uncorrelated.
    q, _ = np.linalg.qr(np.column_stack([np.ones(n), rng.normal(size=(n, p))]))
    x = q[:, 1:]
    y = x @ np.linspace(3, 0.1, p) * 20 + rng.normal(size=n)
    frame = pd.DataFrame(x, columns=[f"d{i:02d}" for i in range(p)]).assign(out=y)
    shares = relative_importance(frame, "out", "d*")
    r = np.array([np.corrcoef(x[:, j], y)[0, 1] for j in range(p)])
    np.testing.assert_allclose(shares.to_numpy(), r**2, atol=1e-10)
    assert abs(shares.sum() - lstsq_r2(x, y)) < 1e-10


def test_johnson_weights_match_a_hand_worked_two_driver_example():
    # Truth: worked by hand from R = [[1, a], [a, 1]], a = 0.5, r_xy = (0.6, 0.4):
    # eigenvalues 1 + a and 1 - a with eigenvectors (1, 1)/sqrt2 and (1, -1)/sqrt2, so
    # L = R^(1/2) = [[s, d], [d, s]] with s = (sqrt(1.5) + sqrt(0.5)) / 2 and
    # d = (sqrt(1.5) - sqrt(0.5)) / 2;
    # beta = L^-1 r_xy = [[s, -d], [-d, s]] r_xy / (s² - d²); eps_j = sum_k L_jk² beta_k².
    a, r1, r2 = 0.5, 0.6, 0.4
    s = (math.sqrt(1 + a) + math.sqrt(1 - a)) / 2
    d = (math.sqrt(1 + a) - math.sqrt(1 - a)) / 2
    det = s * s - d * d
    b1, b2 = (s * r1 - d * r2) / det, (-d * r1 + s * r2) / det
    eps1 = s * s * b1 * b1 + d * d * b2 * b2
    eps2 = d * d * b1 * b1 + s * s * b2 * b2
    r_squared = (r1 * r1 + r2 * r2 - 2 * a * r1 * r2) / (1 - a * a)
    assert eps1 + eps2 == pytest.approx(r_squared, abs=1e-12)  # the hand work is consistent
    # Data with exactly this correlation matrix: whiten random rows, then colour with chol(R).
    corr = np.array([[1, a, r1], [a, 1, r2], [r1, r2, 1]])
    rng = np.random.default_rng(12)
    z = rng.normal(size=(200, 3))
    z = z - z.mean(axis=0)
    z = z @ np.linalg.inv(np.linalg.cholesky(np.cov(z, rowvar=False)).T)
    data = z @ np.linalg.cholesky(corr).T
    frame = pd.DataFrame(data, columns=["rating_x1", "rating_x2", "nps"])
    weights = relative_importance(frame, "nps", "rating_*", method="johnson")
    np.testing.assert_allclose(weights.to_numpy(), [eps1, eps2], atol=1e-12)
    assert weights.attrs["r_squared"] == pytest.approx(r_squared, abs=1e-12)


def test_bootstrap_cis_are_seeded_worker_independent_and_cover_the_planted_order():
    frame = planted_frame(1500, seed=13)
    one = relative_importance(frame, "nps", "rating_*", bootstrap=60, seed=4, workers=1)
    two = relative_importance(frame, "nps", "rating_*", bootstrap=60, seed=4, workers=2)
    other = relative_importance(frame, "nps", "rating_*", bootstrap=60, seed=5, workers=1)
    pd.testing.assert_series_equal(one.attrs["ci_low"], two.attrs["ci_low"])
    assert not one.attrs["ci_low"].equals(other.attrs["ci_low"])
    assert ((one.attrs["ci_low"] <= one) & (one <= one.attrs["ci_high"])).all()
    # Truth: the population shares of the planted model (ratings uniform on 1-5, var 2; noise
    # var 2.25): share_j = 2 b_j² / (2 sum b² + 2.25); each inside its CI.
    b = np.array(list(PLANTED.values()))
    truth = 2 * b**2 / (2 * (b**2).sum() + 2.25)
    ci = relative_importance(frame, "nps", "rating_*", bootstrap=200, seed=0)
    low, high = ci.attrs["ci_low"].to_numpy(), ci.attrs["ci_high"].to_numpy()
    assert ((low <= truth) & (truth <= high)).all()


def test_planted_driver_ranking_recovered_on_the_sample(sample):
    # Truth: the sample's planted driver weights (truth["driver_weights"], ratings of comparable
    # spread): the LMG importance ranking follows the planted coefficients on the 5,000-row default.
    outcome = sample.truth["driver_outcome"]
    weights = sample.truth["driver_weights"]
    shares = relative_importance(sample.feedback, outcome, list(weights))
    planted_order = sorted(weights, key=lambda d: -abs(weights[d]))
    assert list(shares.sort_values(ascending=False).index) == planted_order
