"""Tests of fbresearch.analyses.impact.did and cluster_inference: few-cluster inference.

Truths checked: the sample's planted improvement (``truth["improvement"]["effect"]``), effects
planted in generated data with persistent regional shocks (a region x month AR(1) process) and
repeat customers, the exact null distribution of randomization inference (under exchangeable
clusters the two-sided p-value is uniform on its support: P(p <= 2/70) = 2/70 with 8 clusters),
and statsmodels' cluster-robust OLS for the wild bootstrap's CR1 standard error.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats
from threadpoolctl import threadpool_limits

from fbresearch.analyses.impact import diff_in_diff, evaluate_improvement
from fbresearch.analyses.impact.cluster_inference import (
    choose_cluster_method,
    randomization_inference,
    wild_cluster_bootstrap,
)
from fbresearch.analyses.impact.event_study import _event_design
from fbresearch.errors import AnalysisError

REGIONS4 = np.array(["East", "North", "South", "West"])


def _ar1(rng, shape, rho, sd):
    """Region x month AR(1) shocks (stationary, marginal sd ``sd``) along the last axis."""
    u = np.empty(shape)
    u[..., 0] = rng.normal(0, sd, shape[:-1])
    for t in range(1, shape[-1]):
        u[..., t] = rho * u[..., t - 1] + rng.normal(0, sd * math.sqrt(1 - rho**2), shape[:-1])
    return u


def responses(
    rng, n_regions=4, n=3000, effect=0.0, months=18, change=10, rho=0.8, shock_sd=0.15, cust=0.8
):
    """Responses from repeat customers in regions with persistent region x month shocks.

    The first half of the regions are treated from month ``change``; the outcome is continuous
    so the true effect is exactly ``effect``. Shocks: a region x month AR(1) (``rho``,
    ``shock_sd``) and a per-customer effect N(0, ``cust``) (about two answers per customer).
    """
    regions = REGIONS4 if n_regions == 4 else np.array([f"R{i:02d}" for i in range(n_regions)])
    customers = n // 2
    home = rng.integers(0, n_regions, customers)
    who = rng.integers(0, customers, n)
    g, m = home[who], rng.integers(0, months, n)
    shock = _ar1(rng, (n_regions, months), rho, shock_sd)
    treated = g < n_regions // 2
    post = m >= change
    y = (
        3.8
        + 0.1 * np.sin(2 * np.pi * m / 12)
        + shock[g, m]
        + rng.normal(0, cust, customers)[who]
        + effect * (treated & post)
        + rng.normal(0, 1, n)
    )
    month = pd.Timestamp("2025-05-01") + pd.to_timedelta(31 * m, "D")
    return pd.DataFrame(
        {
            "region": regions[g],
            "month": month.to_period("M").to_timestamp(),
            "y": y,
            "treated": treated.astype(int),
            "post": post.astype(int),
            "customer_id": pd.Series(who).map("C{:05d}".format).to_numpy(),
        }
    )


def _binomial_band(reps, rate, level=0.99):
    """Central ``level`` binomial interval of the observed rate when the true rate is ``rate``."""
    tail = (1 - level) / 2
    return stats.binom.ppf(tail, reps, rate) / reps, stats.binom.ppf(1 - tail, reps, rate) / reps


# ---------------------------------------------------------------------------------------------
# the sample's planted improvement (4 regions, 2 treated)
# ---------------------------------------------------------------------------------------------
def test_sample_estimate_is_found_but_not_called_significant(sample):
    # truth: the sample's exact average effect on the treated, 0.283 on the mean CSAT answer
    imp = sample.truth["improvement"]
    res = evaluate_improvement(
        sample.feedback,
        imp["name"],
        imp["change_date"],
        imp["metric"],
        imp["treated_regions"],
        imp["control_regions"],
    )
    assert res.design == "difference-in-differences"
    assert abs(res.effect.estimate - imp["effect"]) < 0.06
    # 4 regions, 2 treated: 6 assignments, the observed one the largest of them
    assert (
        len(res.placebo) == 6
        and res.placebo["estimate"].idxmax() == res.placebo.index[res.placebo["observed"]].item()
    )
    assert res.effect.p_value == pytest.approx(1 / 3)
    assert not res.effect.significant and math.isnan(res.mde)
    assert "cannot show a significant effect at the 5% level" in res.verdict
    assert "mean CSAT answer (1-5)" in res.verdict and "points on the 1-5 scale" in res.verdict
    assert "CSAT rose" not in res.verdict and res.findings()[0].importance < 0.8
    assert res.event_study["relative_period"].tolist() == list(range(-10, 8))


# ---------------------------------------------------------------------------------------------
# randomization inference and the wild bootstrap against independent computations
# ---------------------------------------------------------------------------------------------
def _cells(rng, G, T=12, change=6, effect=0.0, rho=0.8):
    c, t = np.repeat(np.arange(G), T), np.tile(np.arange(T), G)
    X = np.column_stack(
        [np.ones(G * T), c[:, None] == np.arange(1, G), t[:, None] == np.arange(1, T)]
    ).astype(float)
    post = (t >= change).astype(float)
    treated = np.arange(G) < G // 2
    d = treated[c] * post
    y = _ar1(rng, (G, T), rho, 0.3).ravel() + 0.2 * c + effect * d
    w = rng.integers(20, 80, G * T).astype(float)
    return y + rng.normal(0, 1, G * T) / np.sqrt(w), X, w, c, post, treated, d


def test_randomization_estimates_match_statsmodels_wls_for_every_assignment():
    # truth: statsmodels WLS of the cells on treated x post and the fixed effects, refitted for
    # each of the C(4, 2) = 6 assignments; complements give the opposite coefficient
    rng = np.random.default_rng(2)
    y, X, w, c, post, treated, _ = _cells(rng, 4)
    out = randomization_inference(y, X, w, c, post, treated)
    for row, assign in enumerate(out["assignments"]):
        fit = sm.WLS(y, np.column_stack([assign[c] * post, X]), weights=w).fit()
        assert out["estimates"][row] == pytest.approx(fit.params[0], rel=1e-9)
    assert sorted(np.round(out["estimates"], 9)) == sorted(np.round(-out["estimates"], 9))
    assert out["min_p"] == pytest.approx(1 / 3) and math.isnan(out["ci_low"])


def test_wild_bootstrap_se_is_statsmodels_cr1_and_interval_covers():
    # truth: statsmodels' cluster-robust (CR1) SE of the weighted cell regression
    rng = np.random.default_rng(4)
    y, X, w, c, _, _, d = _cells(rng, 20, effect=0.5)
    out = wild_cluster_bootstrap(y, X, d, w, c, reps=999)
    fit = sm.WLS(y, np.column_stack([d, X]), weights=w).fit(
        cov_type="cluster", cov_kwds={"groups": c, "use_correction": True, "df_correction": True}
    )
    assert out["estimate"] == pytest.approx(fit.params[0], rel=1e-9)
    assert out["se"] == pytest.approx(fit.bse[0], rel=1e-6)
    assert out["ci_low"] < 0.5 < out["ci_high"] and out["p_value"] < 0.05


def test_choice_rule():
    assert choose_cluster_method(4, 2) == "randomization"
    assert choose_cluster_method(12, 6) == "randomization"  # 924 assignments
    assert choose_cluster_method(14, 7) == "wild"  # 3,432
    assert choose_cluster_method(30, 2) == "randomization"  # 435: few treated


# ---------------------------------------------------------------------------------------------
# calibration under persistent regional shocks (cell level: ~5 s)
# ---------------------------------------------------------------------------------------------
# R = 600 null replicates, nominal two-sided 5%. With 8 clusters (4 treated, 70 assignments)
# the attainable size is exactly 2/70 = 2.9%; the central 99% binomial interval around it is
# about 0.8% to 4.8%, which excludes 5.7% (twice the attainable size) and 10% (twice nominal).
# With 20 clusters (WCR) the band around 5% is about 3.0% to 7.2% and excludes 10%. Cell-level
# HC2 (the former method) rejects 15-17% with 4 regions (see the benchmark).
REPS = 600


def test_randomization_inference_size_with_8_clusters():
    rng = np.random.default_rng(15)
    rejections = 0
    for _ in range(REPS):
        y, X, w, c, post, treated, _ = _cells(rng, 8)
        rejections += randomization_inference(y, X, w, c, post, treated)["p_value"] <= 0.05
    band = _binomial_band(REPS, 2 / 70)
    assert band[1] < 2 * 2 / 70
    assert band[0] <= rejections / REPS <= band[1], (rejections / REPS, band)


def test_wild_bootstrap_size_with_20_clusters():
    rng = np.random.default_rng(16)
    rejections = 0
    for rep in range(REPS):
        y, X, w, c, _, _, d = _cells(rng, 20)
        out = wild_cluster_bootstrap(y, X, d, w, c, reps=399, seed=rep, interval=False)
        rejections += out["p_value"] <= 0.05
    band = _binomial_band(REPS, 0.05)
    assert band[1] < 0.10
    assert band[0] <= rejections / REPS <= band[1], (rejections / REPS, band)


# ---------------------------------------------------------------------------------------------
# the estimator end to end
# ---------------------------------------------------------------------------------------------
def test_did_recovers_a_planted_effect_with_8_regions():
    # truth: planted effect 0.4, persistent regional shocks; 70 assignments allow a claim
    df = responses(np.random.default_rng(5), n_regions=8, n=12000, effect=0.4, shock_sd=0.05)
    res = diff_in_diff(df, "y", "treated", "post", cluster="region", time="month")
    assert res.table.loc[res.table["chosen"], "method"].item() == "randomization"
    assert res.effect.contains(0.4) and res.effect.significant
    assert len(res.placebo) == 70 and math.isfinite(res.mde)


def test_did_with_20_regions_uses_the_wild_bootstrap():
    df = responses(np.random.default_rng(6), n_regions=20, n=8000, effect=0.5, shock_sd=0.05)
    res = diff_in_diff(df, "y", "treated", "post", cluster="region", time="month")
    assert res.table.loc[res.table["chosen"], "method"].item() == "wild"
    assert res.effect.contains(0.5) and res.effect.significant


def test_failed_pre_trend_changes_the_verdict():
    # truth: a treated-only slope of 0.08 a month before the change: the pre-trend test fires
    # and the verdict must not claim the effect
    rng = np.random.default_rng(11)
    df = responses(rng, n_regions=20, n=12000, shock_sd=0.02)
    months = (df["month"].dt.year - 2025) * 12 + df["month"].dt.month - 5
    df["y"] += 0.08 * np.minimum(months - 9, 0) * df["treated"]
    df["submitted_at"] = df["month"] + pd.Timedelta(days=3)
    df["region_name"] = df["region"]
    treated = sorted(df.loc[df.treated == 1, "region"].unique())
    res = evaluate_improvement(
        df, "X", "2026-03-01", "y", treated, group_column="region", date="submitted_at"
    )
    pre = res.checks[res.checks["check"].str.startswith("pre-trends")]
    assert pre["p_value"].item() < 0.001 and not pre["passed"].item()
    assert "cannot be read as the effect of X" in res.verdict and " rose " not in res.verdict
    assert res.findings()[0].importance < 0.8


def test_change_inside_a_month_splits_the_cells():
    df = responses(np.random.default_rng(3), n=3000)
    df["submitted_at"] = df["month"] + pd.to_timedelta(np.arange(len(df)) % 28, "D")
    res = evaluate_improvement(df, "X", "2026-03-15", "y", ["East", "North"])
    assert res.table.loc[res.table["chosen"], "method"].item() == "randomization"


def test_did_without_controls_or_post_data():
    df = responses(np.random.default_rng(8), n=2000)
    with pytest.raises(AnalysisError, match="control rows before"):
        diff_in_diff(df.assign(treated=1), "y", "treated", "post")
    with pytest.raises(AnalysisError, match="0/1 or boolean"):
        diff_in_diff(df.assign(post="yes"), "y", "treated", "post")
    res = diff_in_diff(df.assign(treated=df.treated.astype(bool)), "y", "treated", "post")
    assert res.effect.n == len(df)
    with pytest.raises(AnalysisError, match="inference must be"):
        diff_in_diff(df, "y", "treated", "post", cluster="region", inference="magic")


# ---------------------------------------------------------------------------------------------
# the event study's pre-trend test (joint Wald F of the leads on responses, SEs by customer,
# when the change was not assigned to few clusters)
# ---------------------------------------------------------------------------------------------
# R = 400 null replicates (1,500 responses from 750 repeat customers, no differential trend, no
# regional shock: the test assumes none beyond the treated x period terms); nominal 5%. The
# central 99% binomial interval around 5% is 2.25% to 8.25%, which excludes 10%. With persistent
# regional shocks (AR(1) rho 0.8, sd 0.15) it rejected 9 of 100 (printed by the benchmark).
PRETREND_REPS = 400


def pretrend_rejection_rate(reps, shock_sd=0.0, alpha=0.05):
    """Share of null replicates whose pre-trend test rejects at ``alpha`` (one BLAS thread)."""
    with threadpool_limits(1):
        rejected = 0
        for seed in range(reps):
            df = responses(np.random.default_rng(seed), n=1500, shock_sd=shock_sd)
            res = diff_in_diff(df, "y", "treated", "post", time="month", unit="customer_id")
            checks = res.checks
            rejected += (
                checks.loc[checks["check"].str.startswith("pre-trends"), "p_value"].item() < alpha
            )
    return rejected / reps


@pytest.mark.slow
def test_pretrend_test_is_calibrated_without_regional_shocks():
    band = _binomial_band(PRETREND_REPS, 0.05)
    assert band[1] < 0.10
    size = pretrend_rejection_rate(PRETREND_REPS)
    assert band[0] <= size <= band[1], (size, band)


def test_target_progress_with_8_regions_and_without_an_interval():
    # truth: planted effect 0.4 on a baseline near 3.8: about +10.5%, target +10%
    df = responses(np.random.default_rng(6), n_regions=8, n=20000, effect=0.4, shock_sd=0.02)
    df["submitted_at"] = df["month"] + pd.Timedelta(days=2)
    treated = sorted(df.loc[df.treated == 1, "region"].unique())
    target = {"relative_change": 0.10, "within_months": 12}
    res = evaluate_improvement(df, "X", "2026-03-01", "y", treated, target=target)
    p = res.progress
    assert p["achieved_low"] < 0.4 / p["baseline"] < p["achieved_high"]
    assert p["months_elapsed"] == 8 and abs(p["baseline"] - 3.8) < 0.1
    four = responses(np.random.default_rng(6), n=6000, effect=0.4)
    four["submitted_at"] = four["month"] + pd.Timedelta(days=2)
    res4 = evaluate_improvement(four, "X", "2026-03-01", "y", ["East", "North"], target=target)
    assert res4.progress["status"] == "not measurable (the design gives no interval)"
    with pytest.raises(AnalysisError, match="not understood"):
        evaluate_improvement(df, "X", "2026-03-01", "y", treated, target={"up": 1})


def test_null_result_with_8_regions_shows_the_mde():
    # truth: no planted effect (seed fixed; not significant on it): the verdict says what the
    # data could have detected, in the metric's unit
    df = responses(np.random.default_rng(3), n_regions=8, n=6000)
    df["submitted_at"] = df["month"] + pd.Timedelta(days=2)
    df["csat"] = np.clip(np.round(df["y"]), 1, 5).astype(int)
    treated = sorted(df.loc[df.treated == 1, "region"].unique())
    res = evaluate_improvement(df, "X", "2026-03-01", "csat", treated)
    assert not res.effect.significant
    assert res.verdict.startswith("No clear change in the mean CSAT answer (1-5)")
    assert "could only have detected a change of" in res.verdict
    assert "points on the 1-5 scale or more" in res.verdict and 0 < res.mde < 1


# ---------------------------------------------------------------------------------------------
# the event study follows the main estimate's few-cluster design
# ---------------------------------------------------------------------------------------------
def test_event_study_with_4_regions_claims_no_month_and_no_pre_trend_test():
    # truth: 2 of 4 regions treated: 6 assignments, each complement mirrors it, smallest p 1/3,
    # so no month and no joint pre-trend test can reach 5%; the points are the response-level
    # coefficients (no covariates: cells weighted by responses give the same numbers)
    df = responses(np.random.default_rng(6), n=8000, effect=0.5, shock_sd=0.05)
    res = diff_in_diff(
        df, "y", "treated", "post", cluster="region", time="month", unit="customer_id"
    )
    months = res.event_study[res.event_study["relative_period"] != -1]
    assert months["ci_low"].isna().all() and months["ci_high"].isna().all()
    # the placebo range per month: the complement gives exactly minus the estimate
    assert np.allclose(
        months["placebo_low"], np.minimum(-months["estimate"], months["placebo_low"])
    )
    assert (months["placebo_low"] <= -months["estimate"].abs() + 1e-9).all()
    pre = res.checks[res.checks["check"].str.startswith("pre-trends")].iloc[0]
    assert math.isnan(pre["p_value"]) and pre["conclusion"].startswith("cannot be run reliably")
    assert "only 6 ways" in pre["conclusion"]
    on_responses = diff_in_diff(
        df, "y", "treated", "post", cluster="region", time="month", inference="hc"
    )
    assert np.allclose(res.event_study["estimate"], on_responses.event_study["estimate"])


def test_event_study_with_20_regions_has_wild_intervals_covering_the_planted_effect():
    # truth: planted effect 0.5 in every month after the change, 0 before
    df = responses(np.random.default_rng(6), n_regions=20, n=8000, effect=0.5, shock_sd=0.05)
    with threadpool_limits(1):
        res = diff_in_diff(df, "y", "treated", "post", cluster="region", time="month")
    ev = res.event_study[res.event_study["relative_period"] != -1]
    assert ev[["ci_low", "ci_high"]].notna().all(axis=None)
    truth = np.where(ev["relative_period"] >= 0, 0.5, 0.0)
    covered = (ev["ci_low"] <= truth) & (truth <= ev["ci_high"])
    assert covered.sum() >= 15  # of 17 months: at 95% each, P(more than 2 misses) ~ 5%
    pre = res.checks[res.checks["check"].str.startswith("pre-trends")].iloc[0]
    assert "randomization test over random 2,000 assignments" in pre["check"]
    assert 0 < pre["p_value"] <= 1


def test_event_study_wild_size_with_20_clusters():
    # one month's coefficient in the event-study design (other months' terms in the model),
    # AR(1) regional shocks, no effect: the wild bootstrap rejects at its nominal 5%
    rng = np.random.default_rng(17)
    rejections = 0
    for rep in range(REPS):
        y, _, w, c, post, treated, _ = _cells(rng, 20)
        t = np.tile(np.arange(12), 20)
        X = _event_design(treated[c].astype(float), t, 12, 5, c, np.empty((len(c), 0)))
        j = 7  # two months after the change
        out = wild_cluster_bootstrap(
            y, np.delete(X, j, axis=1), X[:, j], w, c, reps=399, seed=rep, interval=False
        )
        rejections += out["p_value"] <= 0.05
    band = _binomial_band(REPS, 0.05)
    assert band[0] <= rejections / REPS <= band[1], (rejections / REPS, band)
