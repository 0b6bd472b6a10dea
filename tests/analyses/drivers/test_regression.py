"""Tests of fbresearch.analyses.drivers.regression: key_drivers against planted effects."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from fbresearch.analyses.drivers import key_drivers, relative_importance
from fbresearch.errors import FeedbackDataError

from .planted import PLANTED, planted_frame


def test_planted_coefficients_inside_their_cis_and_ranked():
    # Truth: the planted coefficients PLANTED (points of outcome per rating point).
    frame = planted_frame()
    result = key_drivers(frame, "nps", "rating_*")
    for driver, truth in PLANTED.items():
        assert result.coefficient(driver).contains(truth), driver
    # Truth: with independent ratings of equal spread, importance follows |b|.
    shares = relative_importance(frame, "nps", "rating_*")
    assert list(shares.sort_values(ascending=False).index) == list(PLANTED)


def test_standardized_coefficients_equal_a_fit_on_z_scores():
    # Truth: an OLS fit of the z-scored outcome on z-scored drivers (statsmodels, independent).
    import statsmodels.api as sm

    frame = planted_frame(800, seed=1)
    result = key_drivers(frame, "nps", list(PLANTED))
    x = frame[list(PLANTED)].to_numpy(dtype=float)
    y = frame["nps"].to_numpy(dtype=float)
    z = (x - x.mean(0)) / x.std(0, ddof=1)
    fit = sm.OLS((y - y.mean()) / y.std(ddof=1), sm.add_constant(z)).fit(cov_type="HC3")
    np.testing.assert_allclose(result.table["std_coef"], fit.params[1:], rtol=1e-10)
    np.testing.assert_allclose(result.table["std_ci_low"], fit.conf_int()[1:, 0], rtol=1e-10)


def test_hc3_standard_errors_are_statsmodels_hc3():
    # Truth: statsmodels' own HC3 standard errors on the same design.
    import statsmodels.api as sm

    frame = planted_frame(500, seed=2)
    result = key_drivers(frame, "nps", list(PLANTED))
    x = sm.add_constant(frame[list(PLANTED)].to_numpy(dtype=float))
    fit = sm.OLS(frame["nps"].to_numpy(dtype=float), x).fit(cov_type="HC3")
    np.testing.assert_allclose(result.table["se"], fit.bse[1:], rtol=1e-10)
    assert result.cov_type == "HC3"


def test_categorical_control_is_one_hot_and_its_planted_effect_recovered():
    # Truth: a planted +1.0 point effect of plan "premium" against "basic".
    frame = planted_frame(3000, seed=3)
    frame["nps"] = frame["nps"] + (frame["plan"] == "premium") * 1.0
    result = key_drivers(frame, "nps", "rating_*", controls=["plan"])
    table = result.table.set_index("term")
    assert set(table.index) >= {"plan=plus", "plan=premium"}
    assert table.loc["plan=premium", "ci_low"] <= 1.0 <= table.loc["plan=premium", "ci_high"]
    assert table.loc["plan=plus", "ci_low"] <= 0.0 <= table.loc["plan=plus", "ci_high"]
    assert (table.loc[["plan=plus", "plan=premium"], "kind"] == "control").all()


def test_missing_ratings_are_dropped_listwise_and_counted():
    # Truth: 150 planted missing price ratings.
    frame = planted_frame(1000, seed=4, missing=150)
    result = key_drivers(frame, "nps", "rating_*")
    assert result.n == 850 and result.n_dropped == 150
    assert result.missing_by_column == {"rating_price": 150}
    assert "150 responses with a missing answer" in result.summary()
    with pytest.raises(FeedbackDataError, match="rating_price"):
        key_drivers(frame, "nps", "rating_*", missing="raise")


def test_vif_and_collinearity_warning_name_the_drivers():
    # Truth: statsmodels' variance_inflation_factor (auxiliary regressions with a constant), and
    # a planted near-copy (quality = delivery + small noise) that must be flagged.
    import statsmodels.api as sm
    from statsmodels.stats.outliers_influence import variance_inflation_factor

    rng = np.random.default_rng(5)
    frame = planted_frame(600, seed=5)
    frame["rating_quality"] = frame["rating_delivery"].astype(float) + rng.normal(0, 0.2, 600)
    result = key_drivers(frame, "nps", list(PLANTED))
    exog = sm.add_constant(frame[list(PLANTED)].to_numpy(dtype=float))
    expected = [variance_inflation_factor(exog, i) for i in range(1, exog.shape[1])]
    np.testing.assert_allclose(result.table["vif"], expected, rtol=1e-8)
    assert result.warnings and "Delivery" in result.warnings[0] and "Quality" in result.warnings[0]
    assert "Price" not in result.warnings[0]
    assert result.warnings[0] in result.summary()
    assert not key_drivers(planted_frame(600, seed=5), "nps", list(PLANTED)).warnings


def test_ordinal_model_recovers_planted_latent_coefficients():
    # Truth: CSAT cut from a latent y* = x b + logistic noise at fixed thresholds; the ordinal
    # logit's coefficients are b.
    rng = np.random.default_rng(6)
    n = 2500
    x = rng.integers(1, 6, size=(n, 2)).astype(float)
    b = np.array([0.9, 0.4])
    latent = x @ b + rng.logistic(size=n)
    csat = np.digitize(latent, [2.5, 3.5, 4.5, 5.5]) + 1
    frame = pd.DataFrame({"rating_a": x[:, 0], "rating_b": x[:, 1], "csat": csat})
    result = key_drivers(frame, "csat", "rating_*", model="ordinal")
    assert result.coefficient("rating_a").contains(0.9)
    assert result.coefficient("rating_b").contains(0.4)
    assert result.r_squared_kind == "McFadden pseudo R²"
    assert "ordinal" in result.summary()


def test_logit_model_recovers_planted_log_odds_for_promoters():
    # Truth: promoter (9-10) with log-odds -4 + 1.0 a + 0.3 b; the rest answer 0-8.
    rng = np.random.default_rng(7)
    n = 4000
    x = rng.integers(1, 6, size=(n, 2)).astype(float)
    p = 1 / (1 + np.exp(-(-4 + x @ np.array([1.0, 0.3]))))
    promoter = rng.random(n) < p
    nps = np.where(promoter, rng.integers(9, 11, n), rng.integers(0, 9, n))
    frame = pd.DataFrame({"rating_a": x[:, 0], "rating_b": x[:, 1], "nps": nps})
    result = key_drivers(frame, "nps", "rating_*", model="logit")
    assert result.coefficient("rating_a").contains(1.0)
    assert result.coefficient("rating_b").contains(0.3)
    assert "positive NPS" in result.summary()


def test_importance_columns_in_driver_table():
    frame = planted_frame(1000, seed=8)
    result = key_drivers(frame, "nps", "rating_*", importance="lmg", bootstrap=30)
    table = result.table
    # Truth: the shares of explained variation sum to one; LMG shares sum to the drivers' R².
    assert table["explained_share"].sum() == pytest.approx(1.0, abs=1e-12)
    assert table["importance"].sum() == pytest.approx(result.r_squared, abs=1e-10)
    assert (table["importance_ci_low"] <= table["importance"]).all()
    assert (table["importance"] <= table["importance_ci_high"]).all()


def test_planted_driver_weights_inside_their_cis_on_the_sample(sample):
    # Truth: the sample's planted OLS coefficients (truth["driver_weights"]) on the outcome
    # truth["driver_outcome"]: each inside its 95% CI.
    outcome = sample.truth["driver_outcome"]
    weights = sample.truth["driver_weights"]
    result = key_drivers(sample.feedback, outcome, list(weights))
    for driver, truth in weights.items():
        assert result.coefficient(driver).contains(truth), (driver, truth)


def test_logit_on_a_satisfied_outcome_recovers_planted_log_odds():
    # Truth: satisfied (0/1) with log-odds -3 + 0.8 a + 0.2 b; 0/1 answers are their own positives.
    rng = np.random.default_rng(8)
    n = 4000
    x = rng.integers(1, 6, size=(n, 2)).astype(float)
    p = 1 / (1 + np.exp(-(-3 + x @ np.array([0.8, 0.2]))))
    satisfied = pd.array((rng.random(n) < p).astype(int), dtype="Int64")
    frame = pd.DataFrame({"rating_a": x[:, 0], "rating_b": x[:, 1], "satisfied": satisfied})
    result = key_drivers(frame, "satisfied", "rating_*", model="logit")
    assert result.coefficient("rating_a").contains(0.8)
    assert result.coefficient("rating_b").contains(0.2)
    assert "positive Satisfied answer" in result.summary()


def test_csat_outcome_with_ols_is_labelled_from_metrics():
    rng = np.random.default_rng(9)
    n = 1500
    x = rng.integers(1, 6, size=(n, 2)).astype(float)
    csat = np.clip(np.rint(0.6 * x[:, 0] + 0.2 * x[:, 1] + rng.normal(0, 0.7, n)), 1, 5)
    frame = pd.DataFrame({"rating_a": x[:, 0], "rating_b": x[:, 1], "csat": csat})
    result = key_drivers(frame, "csat", "rating_*")
    assert result.coefficient("rating_a").estimate > result.coefficient("rating_b").estimate > 0
    assert "points of CSAT" in result.summary() or "CSAT" in result.summary()
