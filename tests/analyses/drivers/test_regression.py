"""Tests of fbresearch.analyses.drivers.regression: key_drivers against planted effects."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from fbresearch.analyses.drivers import key_drivers, relative_importance
from fbresearch.errors import AnalysisError, FeedbackDataError

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
    # Truth: the population shares of the planted model (independent ratings uniform on 1-5,
    # variance 2; noise variance 2.25): share of R² 2 b_j² / (2 sum b² + 2.25), share of the
    # explained variation b_j² / sum b²; each inside its bootstrap CI or close to it.
    frame = planted_frame(1000, seed=8)
    result = key_drivers(frame, "nps", "rating_*", importance="lmg", bootstrap=200)
    table = result.table.set_index("term")
    b = np.array(list(PLANTED.values()))
    r2_truth = 2 * b**2 / (2 * (b**2).sum() + 2.25)
    low = table.loc[list(PLANTED), "importance_ci_low"].to_numpy()
    high = table.loc[list(PLANTED), "importance_ci_high"].to_numpy()
    assert ((low <= r2_truth) & (r2_truth <= high)).all()
    explained = table.loc[list(PLANTED), "explained_share"].to_numpy()
    np.testing.assert_allclose(explained, b**2 / (b**2).sum(), atol=0.03)


def test_a_constant_control_is_left_out_with_a_warning_naming_it():
    # Truth: every response has plan "basic", so the control cannot be estimated; the model of
    # the drivers is the one without it (statsmodels fit of the drivers alone).
    frame = planted_frame(800, seed=9).assign(plan="basic", region=1.0)
    result = key_drivers(frame, "nps", list(PLANTED), controls=["plan", "region"])
    alone = key_drivers(frame, "nps", list(PLANTED))
    np.testing.assert_allclose(result.table["coef"], alone.table["coef"], rtol=1e-12)
    assert list(result.table["term"]) == list(PLANTED)
    for column, value in (("plan", "basic"), ("region", "1.0")):
        warning = next(w for w in result.warnings if repr(column) in w)
        assert f"one value ({value})" in warning and "Fix:" in warning
        assert warning in result.summary()


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda f: f.assign(extra=f["rating_price"].astype(float)), "'rating_price'"),
        (lambda f: f.assign(extra=2 * f["rating_price"].astype(float) + 1), "'rating_price'"),
        (
            lambda f: f.assign(extra=f["rating_price"] + f["rating_service"]),
            "['rating_price', 'rating_service']",
        ),
        (lambda f: f.assign(extra=(f["plan"] == "premium").astype(float)), "'plan=premium'"),
    ],
    ids=["copy-of-a-driver", "rescaled-driver", "sum-of-drivers", "copy-of-a-dummy"],
)
def test_a_control_that_repeats_a_driver_is_refused(change, named):
    # Truth: each planted control is an exact (linear) copy: the fit would split the effect
    # between the two columns with tiny standard errors, so it must be refused by name.
    frame = change(planted_frame(600, seed=10))
    with pytest.raises(AnalysisError, match="'extra'") as info:
        key_drivers(frame, "nps", list(PLANTED), controls=["plan", "extra"])
    assert named in str(info.value) and "Fix: remove the control 'extra'" in str(info.value)


@pytest.mark.parametrize(("n", "ok"), [(6, False), (49, False), (50, True)])
def test_at_least_ten_responses_per_estimated_coefficient(n, ok):
    # Truth: 4 drivers and the intercept are 5 coefficients, so 50 responses are the minimum
    # (n = p + 2 = 6 used to be accepted); a control with 3 levels adds 2 coefficients.
    frame = planted_frame(200, seed=11).head(n)
    if ok:
        assert key_drivers(frame, "nps", list(PLANTED)).n == n
        with pytest.raises(AnalysisError, match="at least 70"):
            key_drivers(frame, "nps", list(PLANTED), controls=["plan"])
    else:
        with pytest.raises(AnalysisError, match=f"Only {n} complete responses .* at least 50"):
            key_drivers(frame, "nps", list(PLANTED))


def test_coefficients_are_in_answer_points_not_nps_points():
    # Truth: the regression is on the 0-10 answer (schema SCORES), while NPS itself is in
    # points from -100 to 100 (METRICS); the page must not call answer points "points of NPS".
    result = key_drivers(planted_frame(600, seed=12), "nps", list(PLANTED))
    summary = result.summary()
    assert "points on the 0-10 likelihood-to-recommend answer, other ratings held equal" in summary
    assert "not NPS points (-100 to 100)" in summary and "points of NPS" not in summary
    assert "Per rating point (points on the 0-10 answer)" in result.display_table().columns
    assert "points on the 0-10 likelihood-to-recommend answer" in result.findings()[0].sentence


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
    assert "points on the 1-5 satisfaction answer" in result.summary()
    assert "not CSAT percent (0 to 100)" in result.summary()
