"""Tests for fbresearch.analyses.kpis.scores: the single-sample estimators and their formulas.

Each statistical test names its truth: a hand-worked example (arithmetic in the comments), an
independent implementation (statsmodels / scipy), or the known parameters of a simulation.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from fbresearch.analyses import kpis
from fbresearch.analyses.kpis import scores as kpi_scores
from fbresearch.errors import AnalysisError

from .kpi_data import SEPT_NPS, Z95


def test_nps_matches_hand_worked_example():
    # counts: 8 promoters, 7 detractors, n = 20; observed NPS 0.40 - 0.35 = 5 points
    # adjusted Wald (Rocks 2016): n~ = 23, p~ = 8.75/23 = 0.380435, d~ = 7.75/23 = 0.336957
    # centre p~ - d~ = 1/23 = 0.043478; variance (0.717391 - 0.043478^2) / 23 = 0.031109
    # se = 0.176377; half-width 1.959964 * 0.176377 = 0.345693
    # interval: 4.3478 +- 34.5693 points = (-30.2214, 38.9170)
    e = kpis.nps(SEPT_NPS)
    assert e.n == 20
    assert e.estimate == pytest.approx(5.0)
    assert e.se == pytest.approx(17.6377, abs=1e-4)
    assert e.ci_low == pytest.approx(-30.2214, abs=1e-4)
    assert e.ci_high == pytest.approx(38.9170, abs=1e-4)
    # p of NPS = 0: exact sign test, 8 promoters of 15 non-passive answers (scipy binomtest)
    assert e.p_value == pytest.approx(stats.binomtest(8, 15, 0.5).pvalue)


def test_nps_adjusted_wald_is_rocks_with_three_pseudo_answers():
    # Rocks' own R package (NPS, nps_test, test = "adjusted.wald") adds c(0.75, 1.50, 0.75) to
    # (detractors, passives, promoters). 31 promoters: n~ = 34, p~ = 31.75/34, d~ = 0.75/34,
    # centre 31/34 = 0.911765, variance (32.5/34 - 0.911765^2) / 34 = 0.0036637, se 0.060529,
    # lower bound 0.911765 - 1.959964 * 0.060529 = 0.793130; the upper bound is clipped at 1.
    e = kpis.nps([10] * 31)
    assert (e.ci_low, e.ci_high) == pytest.approx((79.3130, 100.0), abs=1e-4)
    assert e.ci_low < 100  # never the [100, 100] of the plain Wald interval
    # NPS = 0 against 31 promoters of 31: exact sign test 2 * 0.5**31 (not 1e-119)
    assert e.p_value == pytest.approx(2 * 0.5**31)
    # 2 promoters, 1 passive, 2 detractors: n~ = 8, p~ = d~ = 2.75/8, centre 0
    # variance (5.5/8) / 8 = 0.0859375, se 0.293151, half-width 1.959964 * 0.293151 = 0.574565
    e = kpis.nps([10, 9, 8, 0, 3])
    assert (e.ci_low, e.ci_high) == pytest.approx((-57.4565, 57.4565), abs=1e-4)


@pytest.mark.parametrize(
    ("estimator", "scores"),
    [
        (kpis.nps, []),
        (kpis.nps, [10]),
        (kpis.nps, [0]),
        (kpis.ces, [5]),
        (kpis.csat, [5]),
        (kpis.satisfied, [1]),
        (kpis.mean, [3.0]),
    ],
)
def test_fewer_than_two_answers_give_no_interval_and_no_claim(estimator, scores):
    e = estimator(scores)
    assert np.isnan(e.ci_low) and np.isnan(e.ci_high)
    assert e.significant is False
    assert e.p_value is None or np.isnan(e.p_value)
    if scores:
        assert "too few answers" in e.format()


def test_csat_wilson_matches_hand_worked_example_and_statsmodels():
    # 21 of 30 satisfied: p = 0.7, n = 30, z = 1.959964 (z^2 = 3.841459)
    # denominator 1 + z^2/n = 1.128049; centre (p + z^2/(2n)) / 1.128049 = 0.677297
    # half-width z * sqrt(p(1-p)/n + z^2/(4n^2)) / 1.128049 = 0.156055
    # interval: (0.521242, 0.833353)
    scores = [5] * 11 + [4] * 10 + [3] * 5 + [1] * 4
    e = kpis.csat(scores)
    assert e.estimate == pytest.approx(0.7)
    assert e.ci_low == pytest.approx(0.521242, abs=1e-6)
    assert e.ci_high == pytest.approx(0.833353, abs=1e-6)
    # independent implementation
    from statsmodels.stats.proportion import proportion_confint

    low, high = proportion_confint(21, 30, method="wilson")
    assert (e.ci_low, e.ci_high) == pytest.approx((low, high), abs=1e-12)


def test_estimators_ignore_missing_and_reject_out_of_range():
    assert kpis.nps([10, None, np.nan, 0]).n == 2
    assert kpis.nps(pd.array([10, pd.NA, 0], dtype="Int64")).estimate == 0.0
    with pytest.raises(AnalysisError, match="0 to 10"):
        kpis.nps([11, 5])
    with pytest.raises(AnalysisError, match="1 to 5"):
        kpis.csat([0, 5])
    with pytest.raises(AnalysisError, match="1 to 7"):
        kpis.ces([3.5])


# --- coverage by simulation ----------------------------------------------------------------


#: true (promoter, passive, detractor) shares: balanced and lopsided
SPLITS = {
    "balanced 40/30/30": (0.40, 0.30, 0.30),
    "lopsided 80/15/5": (0.80, 0.15, 0.05),
    "lopsided 10/10/80": (0.10, 0.10, 0.80),
}
COVERAGE_DRAWS = 4000
# 99% one-sided Monte Carlo band under the required 93%: 0.93 - 2.326 * sqrt(0.93 * 0.07 / 4000)
# = 0.9206. A method at twice the nominal error (90% coverage, sd 0.0047) sits 4.4 sd below it.
COVERAGE_FLOOR = 0.93 - 2.326 * np.sqrt(0.93 * 0.07 / COVERAGE_DRAWS)


def _coverage(interval, n, shares, seed):  # noqa: ANN001, ANN202
    rng = np.random.default_rng(seed)
    counts = rng.multinomial(n, shares, size=COVERAGE_DRAWS)
    low, high = interval(counts[:, 0], counts[:, 2], n)
    truth = 100 * (shares[0] - shares[2])
    return np.mean((low <= truth + 1e-9) & (truth - 1e-9 <= high))


def _adjusted_wald(pro, det, n):  # noqa: ANN001, ANN202
    _, _, low, high, _ = kpi_scores._nps_level(pro, det, n, 0.95)
    return low, high


def _plain_wald(pro, det, n):  # noqa: ANN001, ANN202 - the interval used before (issue 15)
    p, d = pro / n, det / n
    se = np.sqrt(np.maximum(p + d - (p - d) ** 2, 0) / n)
    return 100 * (p - d - Z95 * se), 100 * (p - d + Z95 * se)


@pytest.mark.parametrize("n", [15, 20, 50, 300])
@pytest.mark.parametrize("split", list(SPLITS))
def test_nps_interval_keeps_coverage_at_small_n_and_lopsided_splits(n, split):
    # truth: the planted multinomial shares; 4000 samples per cell (bands: COVERAGE_FLOOR).
    # Exact coverages (enumerating every outcome, tests/benchmarks/bench_nps_coverage.py) are
    # 93.9-96.7%; an interval wider than needed (above 99%) fails too.
    seed = 1000 * n + list(SPLITS).index(split)
    coverage = _coverage(_adjusted_wald, n, SPLITS[split], seed)
    assert COVERAGE_FLOOR <= coverage <= 0.99, coverage


def test_the_coverage_check_fails_the_plain_wald_interval():
    # the same band rejects the plain Wald interval where issue 15 measured 85-91%
    for n, split in ((15, "lopsided 80/15/5"), (20, "lopsided 10/10/80")):
        coverage = _coverage(_plain_wald, n, SPLITS[split], seed=7)
        assert coverage < COVERAGE_FLOOR, (n, split, coverage)


def test_nps_interval_formula_is_the_one_nps_uses():
    rng = np.random.default_rng(20261)
    counts = rng.multinomial(60, [0.45, 0.30, 0.25], size=5)
    for pro, pas, det in counts:
        e = kpis.nps([10] * pro + [8] * pas + [3] * det)
        est, _, low, high, _ = kpi_scores._nps_level(pro, det, 60, 0.95)
        assert (e.estimate, e.ci_low, e.ci_high) == pytest.approx((est, low, high))


def test_wilson_interval_covers_true_share_93_to_97_percent():
    # true share satisfied 0.82, n = 150 per draw
    rng = np.random.default_rng(20262)
    n, draws, truth = 150, 2000, 0.82
    successes = rng.binomial(n, truth, size=draws)
    _, _, low, high = kpi_scores._wilson(successes, n, Z95)
    coverage = np.mean((low <= truth) & (truth <= high))
    assert 0.93 <= coverage <= 0.97, coverage
    e = kpis.proportion(int(successes[0]), n)
    assert (e.ci_low, e.ci_high) == pytest.approx((low[0], high[0]))


# --- kpi_table -----------------------------------------------------------------------------
