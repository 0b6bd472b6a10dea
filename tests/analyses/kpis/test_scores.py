"""Tests for fbresearch.analyses.kpis.scores: the single-sample estimators and their formulas.

Each statistical test names its truth: a hand-worked example (arithmetic in the comments), an
independent implementation (statsmodels / scipy), or the known parameters of a simulation.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from fbresearch.analyses import kpis
from fbresearch.analyses.kpis import scores as kpi_scores
from fbresearch.errors import AnalysisError

from .kpi_data import SEPT_NPS, Z95


def test_nps_matches_hand_worked_example():
    # counts: 8 promoters, 7 detractors, n = 20
    # proportions: p_pro = 8/20 = 0.40, p_det = 7/20 = 0.35 -> NPS = 0.05 = 5 points
    # variance: (p_pro + p_det - (p_pro - p_det)^2) / n = (0.75 - 0.0025) / 20 = 0.037375
    # se = sqrt(0.037375) = 0.193326; half-width = 1.959964 * 0.193326 = 0.378912
    # interval: 5 +- 37.8912 points = (-32.891, 42.891)
    e = kpis.nps(SEPT_NPS)
    assert e.n == 20
    assert e.estimate == pytest.approx(5.0)
    assert e.se == pytest.approx(19.3326, abs=1e-4)
    assert e.ci_low == pytest.approx(-32.8912, abs=1e-4)
    assert e.ci_high == pytest.approx(42.8912, abs=1e-4)


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


def test_nps_interval_covers_true_value_93_to_97_percent():
    # true multinomial: promoters 0.45, passives 0.30, detractors 0.25 -> true NPS = 20 points
    rng = np.random.default_rng(20261)
    n, draws = 300, 2000
    counts = rng.multinomial(n, [0.45, 0.30, 0.25], size=draws)
    diff, _, low, high = kpi_scores._nps_interval(counts[:, 0], counts[:, 2], n, Z95)
    coverage = np.mean((low <= 0.20) & (0.20 <= high))
    assert 0.93 <= coverage <= 0.97, coverage
    # the vectorized formula is the one nps() uses: check it on the first draw
    scores = [10] * counts[0, 0] + [8] * counts[0, 1] + [3] * counts[0, 2]
    e = kpis.nps(scores)
    assert (e.estimate, e.ci_low, e.ci_high) == pytest.approx(
        (100 * diff[0], 100 * low[0], 100 * high[0])
    )


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
