"""fbresearch.analyses.outlook.model: the vectorised filter against statsmodels, calibration.

Truths: statsmodels' state-space filter (an independent implementation of the same model) and
series simulated from a local level observed with known noise, whose 90% intervals must hold
the next months 90% of the time.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy import stats
from statsmodels.tsa.statespace.structural import UnobservedComponents

from fbresearch.analyses.outlook.model import local_level_filter, predictive


def _series(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    season = 3 * np.sin(np.arange(n) * np.pi / 6)
    y = 20 + np.cumsum(rng.normal(0, 1, n)) + season + rng.normal(0, 2, n)
    return y, rng.uniform(2, 6, n)


def _statsmodels(y, var, seasonal, burn=None):  # noqa: ANN001, ANN202
    extra = {"loglikelihood_burn": burn} if burn else {}
    model = UnobservedComponents(
        y,
        level=True,
        stochastic_level=True,
        irregular=False,
        seasonal=12 if seasonal else None,
        stochastic_seasonal=False,
        **extra,
    )
    model.ssm["obs_cov"] = var[None, None, :]  # the known, month-by-month sampling variance
    if burn:
        model.ssm.initialize_approximate_diffuse(1e7)
    return model


@pytest.mark.parametrize("seasonal", [False, True])
def test_filter_matches_statsmodels_exact_diffuse(seasonal):
    y, var = _series(30, 1)
    sigma = np.r_[0.3, 1.5]
    loglik, state, cov = local_level_filter(y, var, sigma, seasonal)
    model = _statsmodels(y, var, seasonal)
    for g, s in enumerate(sigma):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = model.filter([s**2])
        assert loglik[g] == pytest.approx(res.llf, abs=1e-3)
        np.testing.assert_allclose(state[g], res.filtered_state[:, -1], atol=1e-4)
        np.testing.assert_allclose(cov[g], res.filtered_state_cov[:, :, -1], atol=1e-4)


def test_missing_month_is_skipped_like_statsmodels():
    # a month without answers inside the first year: the likelihood's dependence on sigma
    # matches statsmodels' filter with the same approximate diffuse start and burn-in
    y, var = _series(30, 2)
    y[7] = np.nan
    sigma = np.r_[0.5, 1.5]
    loglik, _, _ = local_level_filter(y, var, sigma, seasonal=True)
    model = _statsmodels(y, var, True, burn=13)  # 12 observed months fix the 12 states
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = np.array([model.loglike([s**2]) for s in sigma])
    assert np.diff(loglik)[0] == pytest.approx(np.diff(ref)[0], abs=1e-4)


def test_one_step_forecast_is_the_filters_prediction():
    y, var = _series(14, 3)
    p = predictive(y, np.sqrt(var), horizon=1)
    model = _statsmodels(y, var, False)
    g = 40
    res = model.filter([p.sigma[g] ** 2])
    assert p.means[g, 0] == pytest.approx(res.predicted_state[0, -1], abs=1e-4)
    var_next = np.mean(var[-6:])
    assert p.sds[g, 0] ** 2 == pytest.approx(res.predicted_state_cov[0, 0, -1] + var_next, 1e-4)


def test_intervals_hold_90_percent_of_months_simulated_from_the_model():
    # 1,000 NPS-like series of 12 months: 60 to 300 answers a month (sampling sd about 4 to
    # 9 points) and a true level that drifts 0.5 to 3 times the sampling sd a month. The 90%
    # interval for the next month must hold it between the 0.5% and 99.5% binomial points
    # for 90% (below) and 95% (above: at most half the error rate, a little conservative
    # since the drift is uncertain). A method at twice the error rate (80%) fails.
    rng = np.random.default_rng(19)
    reps, n = 1000, 12
    hits = np.zeros((reps, 3), bool)
    for r in range(reps):
        se = 5 * np.sqrt(200 / rng.integers(60, 300, n + 3))
        level = 20 + np.cumsum(rng.normal(0, rng.uniform(0.5, 3) * 5, n + 3))
        y = level + rng.normal(0, se)
        low, high = predictive(y[:n], se[:n], 3).interval(0.90)
        hits[r] = (low <= y[n:]) & (y[n:] <= high)
    low_bound = stats.binom.ppf(0.005, reps, 0.90) / reps
    high_bound = stats.binom.ppf(0.995, reps, 0.95) / reps
    for k in range(3):
        assert low_bound <= hits[:, k].mean() <= high_bound, (k + 1, hits.mean(0))
    assert stats.binom.cdf(low_bound * reps, reps, 0.80) > 0.999  # 80% would fail
