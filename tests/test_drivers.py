"""Tests of fbresearch.drivers: key-driver regression, relative importance, the IP matrix, trends.

Each statistical test says which truth it checks: a planted effect in generated data, an
independent brute-force computation, or a hand-worked example.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest

from fbresearch import metrics
from fbresearch.drivers import (
    QUADRANTS,
    driver_trend,
    importance_performance,
    key_drivers,
    relative_importance,
    resolve_drivers,
)
from fbresearch.errors import AnalysisError, FeedbackDataError

PLANTED = {
    "rating_delivery": 1.2,
    "rating_quality": 0.8,
    "rating_price": 0.5,
    "rating_service": 0.25,
}


def planted_frame(n: int = 3000, seed: int = 0, missing: int = 0) -> pd.DataFrame:
    """1-5 ratings (independent) and an outcome y = 2 + sum(b_j x_j) + N(0, 1.5^2)."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({c: pd.array(rng.integers(1, 6, n), dtype="Int64") for c in PLANTED})
    x = frame.to_numpy(dtype=float)
    frame["nps"] = 2 + x @ np.array(list(PLANTED.values())) + rng.normal(0, 1.5, n)
    frame["plan"] = rng.choice(["basic", "plus", "premium"], n)
    if missing:
        rows = rng.choice(n, missing, replace=False)
        frame.loc[rows, "rating_price"] = pd.NA
    return frame


def lstsq_r2(x: np.ndarray, y: np.ndarray) -> float:
    """R squared of an OLS fit with intercept on raw rows (numpy lstsq): the independent path."""
    design = np.column_stack([np.ones(len(y)), x])
    beta = np.linalg.lstsq(design, y, rcond=None)[0]
    resid = y - design @ beta
    return 1 - resid @ resid / ((y - y.mean()) @ (y - y.mean()))


# ------------------------------------------------------------------------------- key_drivers


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


# ---------------------------------------------------------------------- relative importance


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
    from fbresearch.drivers import _correlation, _subset_r2

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


# ------------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("change", "error", "column"),
    [
        (lambda f: f.assign(rating_price=3), AnalysisError, "rating_price"),
        (lambda f: f.assign(rating_copy=f["rating_quality"]), AnalysisError, "rating_copy"),
        (lambda f: f.assign(nps=7.0), AnalysisError, "nps"),
        (
            lambda f: f.assign(rating_price=pd.array([pd.NA] * len(f), dtype="Int64")),
            FeedbackDataError,
            "rating_price",
        ),
        (lambda f: f.assign(rating_price=["good"] * len(f)), FeedbackDataError, "rating_price"),
        (lambda f: f.head(4), AnalysisError, "5 model terms"),
    ],
    ids=[
        "constant",
        "identical",
        "outcome-one-value",
        "all-missing",
        "non-numeric",
        "more-drivers-than-responses",
    ],
)
def test_bad_input_names_the_column_and_the_fix(change, error, column):
    frame = change(planted_frame(200, seed=14))
    frame = frame.assign(rating_extra=np.arange(len(frame)) % 5) if len(frame) < 10 else frame
    with pytest.raises(error, match=column) as info:
        key_drivers(frame, "nps", "rating_*")
    assert "Fix" in str(info.value)
    with pytest.raises(error, match=column):
        relative_importance(frame, "nps", "rating_*")


def test_unknown_columns_and_patterns_are_clear_errors():
    frame = planted_frame(100)
    with pytest.raises(FeedbackDataError, match="rating_speed"):
        key_drivers(frame, "nps", ["rating_speed"])
    with pytest.raises(FeedbackDataError, match="score_"):
        resolve_drivers(frame, "score_*")
    with pytest.raises(FeedbackDataError, match="region"):
        key_drivers(frame, "nps", "rating_*", controls=["region"])
    with pytest.raises(AnalysisError, match="model"):
        key_drivers(frame, "nps", "rating_*", model="probit")


def test_exact_linear_combination_is_reported_as_collinear():
    frame = planted_frame(300, seed=15)
    frame["rating_sum"] = frame["rating_delivery"] + frame["rating_quality"]
    with pytest.raises(AnalysisError, match="collinear"):
        relative_importance(frame, "nps", "rating_*")


# ------------------------------------------------------------ importance-performance matrix


def ip_frame(n: int = 3000, seed: int = 16) -> pd.DataFrame:
    """Planted quadrants: a important and poorly rated, b important and well rated,
    c unimportant and poorly rated, d unimportant and well rated."""
    rng = np.random.default_rng(seed)
    low = rng.choice([1, 2, 3, 4, 5], size=(n, 2), p=[0.3, 0.3, 0.2, 0.1, 0.1])
    high = rng.choice([1, 2, 3, 4, 5], size=(n, 2), p=[0.05, 0.05, 0.2, 0.3, 0.4])
    frame = pd.DataFrame(
        {
            "rating_a": low[:, 0],
            "rating_b": high[:, 0],
            "rating_c": low[:, 1],
            "rating_d": high[:, 1],
        }
    )
    frame["nps"] = (
        1.5 * frame["rating_a"]
        + 1.5 * frame["rating_b"]
        + 0.1 * frame["rating_c"]
        + (0.1 * frame["rating_d"] + rng.normal(0, 1, n))
    )
    return frame


def test_importance_performance_quadrants_match_the_planted_ones():
    # Truth: the quadrant planted for each driver in ip_frame.
    result = importance_performance(ip_frame(), "nps", "rating_*", bootstrap=50)
    quadrant = result.table.set_index("driver")["quadrant"].to_dict()
    assert quadrant == {
        "rating_a": "fix first",
        "rating_b": "keep up",
        "rating_c": "low priority",
        "rating_d": "possible overkill",
    }
    assert list(result.table["quadrant"]) == list(QUADRANTS)
    assert result.table["importance"].sum() == pytest.approx(1.0, abs=1e-12)
    assert result.table["r2_share"].sum() == pytest.approx(result.r_squared, abs=1e-10)
    first = result.sentences()[0]
    assert first.startswith("A explains") and "below" in first and "first priority" in first
    assert "%" in first and "CI" in first
    assert result.findings()[0].sentence == first


def test_performance_comes_from_metrics_and_thresholds_override_medians():
    frame = ip_frame(500, seed=17)
    result = importance_performance(frame, "nps", "rating_*", performance="top_box", bootstrap=0)
    row = result.table.set_index("driver").loc["rating_a"]
    # Truth: metrics.proportion (Wilson) on the top-box count.
    expected = metrics.proportion(int(frame["rating_a"].isin([4, 5]).sum()), len(frame))
    assert row["performance"] == pytest.approx(expected.estimate)
    assert row["performance_ci_low"] == pytest.approx(expected.ci_low)
    forced = importance_performance(
        frame, "nps", "rating_*", thresholds={"importance": 0.0, "performance": 0.0}, bootstrap=0
    )
    assert set(forced.table["quadrant"]) == {"keep up"}
    with pytest.raises(AnalysisError, match="thresholds"):
        importance_performance(frame, "nps", "rating_*", thresholds={"x": 1}, bootstrap=0)


def test_plots_draw_without_error():
    import matplotlib.pyplot as plt

    frame = ip_frame(400, seed=18)
    result = importance_performance(frame, "nps", "rating_*", bootstrap=20)
    coefficients = key_drivers(frame, "nps", "rating_*")
    for ax in (result.plot(), result.plot_importance(), coefficients.plot()):
        assert ax.get_title()
        plt.close(ax.figure)


# -------------------------------------------------------------------------------- trend


def test_driver_trend_detects_a_planted_shift_in_importance():
    # Truth: before 2026-10 only a drives the outcome; in 2026-10 only b does.
    rng = np.random.default_rng(19)
    n = 2400
    when = pd.Timestamp("2026-04-01") + pd.to_timedelta(rng.integers(0, 214, n), unit="D")
    x = rng.integers(1, 6, size=(n, 3)).astype(float)
    late = when >= pd.Timestamp("2026-10-01")
    y = np.where(late, x[:, 1], x[:, 0]) * 1.5 + 0.5 * x[:, 2] + rng.normal(0, 1, n)
    frame = pd.DataFrame(
        {
            "submitted_at": when,
            "rating_a": x[:, 0],
            "rating_b": x[:, 1],
            "rating_c": x[:, 2],
            "nps": y,
        }
    )
    result = driver_trend(frame, "nps", "rating_*", period="2026-10", window=3, bootstrap=100)
    direction = result.table.set_index("driver")["direction"]
    assert direction["rating_a"] == "less important"
    assert direction["rating_b"] == "more important"
    assert result.previous_periods == "2026-07 to 2026-09"
    assert result.n_current == int(late.sum())
    assert "B became more important" in result.summary()
    with pytest.raises(AnalysisError, match="2027-03"):
        driver_trend(frame, "nps", "rating_*", period="2027-03", bootstrap=0)


# ---------------------------------------------------------------------- the built-in sample


def test_planted_driver_ranking_recovered_on_the_sample(sample):
    # Truth: the sample's planted driver weights (truth["driver_weights"], ratings of comparable
    # spread): the LMG importance ranking follows the planted coefficients on the 5,000-row default.
    outcome = sample.truth["driver_outcome"]
    weights = sample.truth["driver_weights"]
    shares = relative_importance(sample.feedback, outcome, list(weights))
    planted_order = sorted(weights, key=lambda d: -abs(weights[d]))
    assert list(shares.sort_values(ascending=False).index) == planted_order


def test_planted_driver_weights_inside_their_cis_on_the_sample(sample):
    # Truth: the sample's planted OLS coefficients (truth["driver_weights"]) on the outcome
    # truth["driver_outcome"]: each inside its 95% CI.
    outcome = sample.truth["driver_outcome"]
    weights = sample.truth["driver_weights"]
    result = key_drivers(sample.feedback, outcome, list(weights))
    for driver, truth in weights.items():
        assert result.coefficient(driver).contains(truth), (driver, truth)


def test_findings_and_reader_tables():
    # With no "fix first" driver the headline is the most important driver (planted: a and b
    # carry 1.5 each; forcing the performance threshold to 0 puts every driver in "keep up").
    frame = ip_frame(800, seed=20)
    result = importance_performance(
        frame, "nps", "rating_*", thresholds={"performance": 0.0}, bootstrap=20
    )
    findings = result.findings()
    assert len(findings) == 1 and findings[0].estimate.unit == "share"
    assert findings[0].sentence.split()[0] in ("A", "B")
    shown = result.display_table()
    assert list(shown.columns[:3]) == ["Priority", "Attribute", "Quadrant"]
    assert shown["Share of explained variation"].str.match(r"\d+% \(\d+% to \d+%\)").all()
    assert "the threshold" in result.sentences()[0]
    regression = key_drivers(frame, "nps", "rating_*", importance="lmg")
    assert regression.display_table()["Per rating point (points)"].str.contains(" to ").all()
