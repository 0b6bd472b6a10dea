"""The multiplicity part of :mod:`fbresearch.evidence`: Benjamini-Hochberg within a family.

Truths: statsmodels ``multipletests(method="fdr_bh")`` (an independent implementation), the
hand-worked example of Benjamini & Hochberg (1995, section 3.2: 15 p-values, 4 rejected at
q = 0.05), and the false discovery rate itself, simulated.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests

from fbresearch import evidence

#: Benjamini & Hochberg (1995), section 3.2: the 15 p-values of the multiple-endpoints example
BH_1995 = [
    0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344,
    0.0459, 0.3240, 0.4262, 0.5719, 0.6528, 0.7590, 1.0000,
]  # fmt: skip


def test_the_published_example_rejects_the_four_smallest():
    survived = evidence.fdr_survivors(BH_1995, confidence=0.95)
    assert survived.tolist() == [True] * 4 + [False] * 11


@pytest.mark.parametrize("m", [1, 2, 5, 24, 200])
def test_q_values_match_statsmodels(m):
    rng = np.random.default_rng(m)
    p = np.concatenate([rng.uniform(size=m - m // 3), rng.uniform(0, 0.01, size=m // 3)])
    rng.shuffle(p)
    ours = evidence.fdr_adjust(p)
    np.testing.assert_allclose(ours, multipletests(p, method="fdr_bh")[1], rtol=0, atol=1e-12)
    for confidence in (0.9, 0.95, 0.99):
        reject = multipletests(p, alpha=1 - confidence, method="fdr_bh")[0]
        assert evidence.fdr_survivors(p, confidence).tolist() == reject.tolist()


def test_ties_and_nan_are_handled_like_statsmodels_on_the_known_values():
    p = np.array([0.03, np.nan, 0.03, 0.001, np.nan, 0.2, 0.03])
    q = evidence.fdr_adjust(p)
    known = ~np.isnan(p)
    assert np.isnan(q[~known]).all()
    np.testing.assert_allclose(q[known], multipletests(p[known], method="fdr_bh")[1], atol=1e-12)
    assert np.isnan(evidence.fdr_adjust([np.nan, np.nan])).sum() == 2  # shape kept
    assert not evidence.fdr_survivors([np.nan]).any()


def test_significant_in_family_is_the_survival_of_that_test():
    rng = np.random.default_rng(7)
    family = rng.uniform(0, 0.08, size=12)
    reject = multipletests(family, alpha=0.05, method="fdr_bh")[0]
    for p, expected in zip(family, reject, strict=True):
        assert evidence.significant_in_family(p, family) == bool(expected)
    # a test alone is judged at the plain level; one in a crowd of nulls is not
    assert evidence.significant_in_family(0.03, [0.03])
    assert not evidence.significant_in_family(0.03, [0.03, *[0.5] * 9])
    assert not evidence.significant_in_family(math.nan, [0.001])
    assert not evidence.significant_in_family(None, [0.001])


def test_the_level_follows_the_confidence():
    assert evidence.fdr_level(0.95) == pytest.approx(0.05)
    assert evidence.significant_in_family(0.08, [0.08, 0.09], confidence=0.9)
    assert not evidence.significant_in_family(0.08, [0.08, 0.09], confidence=0.95)


def test_the_false_discovery_rate_is_controlled_and_unadjusted_tests_are_not():
    """24 one-sided z-tests, 6 with a real effect, 2,000 families (independent tests).

    BH's FDR is (m0/m) q = 18/24 * 5% = 3.75% for independent tests. With 2,000 families the
    Monte Carlo SD of the estimated FDR is at most about 0.5 points, so the 99% band is
    3.75% +- 1.3 points: a method at twice that rate (7.5%) fails, and unadjusted 5% tests
    (FDR about 13% here) fail by far.
    """
    rng = np.random.default_rng(2024)
    reps, m, m1 = 2000, 24, 6
    effect = np.r_[np.full(m1, 3.0), np.zeros(m - m1)]
    z = rng.normal(size=(reps, m)) + effect
    p = stats.norm.sf(z)
    fdp_bh, fdp_raw = [], []
    for row in p:
        for survived, out in ((evidence.fdr_survivors(row), fdp_bh), (row < 0.05, fdp_raw)):
            k = survived.sum()
            out.append(survived[m1:].sum() / k if k else 0.0)
    assert abs(np.mean(fdp_bh) - 0.0375) < 0.013
    assert np.mean(fdp_raw) > 0.10


def test_the_page_sentence_names_the_count_and_the_level():
    text = evidence.family_sentence(24, confidence=0.9)
    assert "24 comparisons" in text and "Benjamini-Hochberg, 10%" in text
    assert "Holm" in evidence.family_sentence(3, method="Holm")
    assert evidence.family_sentence(0) == ""
