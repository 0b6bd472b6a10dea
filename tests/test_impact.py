"""Tests of fbresearch.analyses.impact: planted effects, calibration by simulation, a published ITS.

Truths checked: the sample's planted improvement (``truth["improvement"]["effect"]``, the exact
average effect on the treated), effects planted in generated data, hand-worked formulas, and the
Lopez Bernal, Cummins & Gasparrini (2017) Sicilian smoking-ban interrupted time series.
"""

from __future__ import annotations

import io
import math
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from fbresearch.analyses.impact import (
    evaluate_improvement,
    evaluate_improvements,
    interrupted_time_series,
    minimum_detectable_effect,
    monthly_series,
    pre_post,
)
from fbresearch.errors import AnalysisError


# ---------------------------------------------------------------------------------------------
# generators
# ---------------------------------------------------------------------------------------------
def _responses(
    rng,
    n=4000,
    effect=0.0,
    months=18,
    change_month=10,
    trend=0.0,
    season=0.15,
    customers=None,
    customer_sd=0.0,
):
    """Responses in 4 regions over `months` months; East and South treated from `change_month`.

    Season and a common trend are shared by all regions (DiD removes them); the outcome is a
    continuous score so the true effect is exactly `effect`. With `customers`, the responses come
    from that many customers (each in one region, answering in random months) with a per-customer
    random effect N(0, customer_sd): repeated respondents, as in the sample.
    """
    month = rng.integers(0, months, n)
    if customers:
        home = rng.choice(np.array(["East", "North", "South", "West"]), customers)
        who = rng.integers(0, customers, n)
        region = home[who]
        person = rng.normal(0, customer_sd, customers)[who]
    else:
        region = rng.choice(np.array(["East", "North", "South", "West"]), n)
        person = 0.0
    treated = np.isin(region, ["East", "South"])
    post = month >= change_month
    level = {"East": 0.1, "North": -0.1, "South": 0.0, "West": 0.05}
    y = (
        3.8
        + np.vectorize(level.get)(region)
        + trend * month
        + season * np.sin(2 * np.pi * month / 12)
        + effect * (treated & post)
        + person
        + rng.normal(0, 1, n)
    )
    start = pd.Timestamp("2025-05-01")
    dates = pd.DatetimeIndex([start + pd.DateOffset(months=int(m)) for m in range(months)])[month]
    dates = dates + pd.to_timedelta(rng.integers(0, 28, n), "D")
    df = pd.DataFrame(
        {
            "submitted_at": dates,
            "region": region,
            "y": y,
            "treated": treated.astype(int),
            "post": post.astype(int),
            "month": dates.to_period("M").to_timestamp(),
        }
    )
    if customers:
        df["customer_id"] = pd.Series(who).map("C{:05d}".format).to_numpy()
    return df


# ---------------------------------------------------------------------------------------------
# the sample's planted improvement
# ---------------------------------------------------------------------------------------------
def test_its_covers_the_samples_planted_effect(sample):
    # truth: the same planted effect, from the treated regions' monthly mean CSAT with season
    imp = sample.truth["improvement"]
    fb = sample.feedback
    treated = fb[fb["region"].isin(imp["treated_regions"])]
    series = monthly_series(treated, "csat", "submitted_at", change_date=imp["change_date"])
    res = interrupted_time_series(
        series, "value", "period", "post", seasonality=12, slope_change=False
    )
    assert res.effect.contains(imp["effect"]), (res.effect, imp["effect"])


# ---------------------------------------------------------------------------------------------
# planted effects and hand-worked numbers
# ---------------------------------------------------------------------------------------------
def test_pre_post_matches_welch_and_hand_worked_nps():
    # truth: scipy's Welch test and the (adjusted-Wald) NPS formula worked by hand
    pre = pd.DataFrame(
        {"d": pd.to_datetime(["2026-01-10"] * 10), "nps": [10, 10, 9, 8, 7, 6, 3, 10, 9, 0]}
    )  # NPS 20
    post = pd.DataFrame(
        {"d": pd.to_datetime(["2026-02-10"] * 10), "nps": [10, 10, 10, 9, 9, 8, 7, 5, 10, 9]}
    )  # NPS 60
    df = pd.concat([pre, post], ignore_index=True)
    res = pre_post(df, "nps", "d", "2026-02-01", window=31)
    assert res.effect.estimate == pytest.approx(40.0)
    # Rocks (2016) adjusted Wald, by hand: 3/4 promoter, 3/2 passive, 3/4 detractor added to
    # each sample (n + 3 = 13); pre 5.75 and 3.75 of 13, post 7.75 and 1.75 of 13
    pp0, pd0, pp1, pd1 = 5.75 / 13, 3.75 / 13, 7.75 / 13, 1.75 / 13
    se = 100 * math.sqrt(
        (pp0 + pd0 - (pp0 - pd0) ** 2) / 13 + (pp1 + pd1 - (pp1 - pd1) ** 2) / 13
    )
    assert se == pytest.approx(30.695, abs=1e-3)
    assert res.effect.se == pytest.approx(se)
    mean_row = res.table.set_index("statistic").loc["mean"]
    welch = stats.ttest_ind(post.nps, pre.nps, equal_var=False)
    assert mean_row["p_value"] == pytest.approx(welch.pvalue)
    assert any("cannot separate" in n for n in res.notes)


def test_poisson_its_recovers_a_planted_rate_ratio():
    # truth: planted rate ratio 0.85 on counts with a growing exposure and a season
    rng = np.random.default_rng(11)
    t = np.arange(48)
    exposure = 1000 * (1 + 0.01 * t)
    post = (t >= 24).astype(int)
    mu = exposure * 0.5 * np.exp(0.004 * t + 0.1 * np.cos(2 * np.pi * t / 12)) * 0.85**post
    df = pd.DataFrame({"t": t, "post": post, "count": rng.poisson(mu), "lexp": np.log(exposure)})
    res = interrupted_time_series(
        df,
        "count",
        "t",
        "post",
        family="poisson",
        offset="lexp",
        seasonality=12,
        slope_change=False,
    )
    assert res.effect.unit == "ratio"
    assert res.effect.contains(0.85)
    assert abs(res.effect.estimate - 0.85) < 0.03


SICILY = """year,month,aces,time,smokban,pop,stdpop
2002,1,728,1,0,364277.4,379875.3
2002,2,659,2,0,364277.4,376495.5
2002,3,791,3,0,364277.4,377040.8
2002,4,734,4,0,364277.4,377116.4
2002,5,757,5,0,364277.4,377383.4
2002,6,726,6,0,364277.4,374113.1
2002,7,760,7,0,364277.4,379513.3
2002,8,740,8,0,364277.4,376295.5
2002,9,720,9,0,364277.4,374653.2
2002,10,814,10,0,364277.4,378485.6
2002,11,795,11,0,364277.4,375955.5
2002,12,858,12,0,364277.4,378349.7
2003,1,887,13,0,363350.8,376762.4
2003,2,766,14,0,363350.8,379032.3
2003,3,851,15,0,363350.8,379360.4
2003,4,769,16,0,363350.8,376162
2003,5,781,17,0,363350.8,377972.4
2003,6,756,18,0,363350.8,381830.7
2003,7,766,19,0,363350.8,379888.6
2003,8,752,20,0,363350.8,380872.2
2003,9,765,21,0,363350.8,380966.9
2003,10,831,22,0,363350.8,381240.4
2003,11,879,23,0,363350.8,382104.9
2003,12,928,24,0,363350.8,381802.7
2004,1,914,25,0,364700.4,381656.3
2004,2,808,26,0,364700.4,383680
2004,3,937,27,0,364700.4,383504.2
2004,4,840,28,0,364700.4,386462.9
2004,5,916,29,0,364700.4,383783.1
2004,6,828,30,0,364700.4,380836.8
2004,7,845,31,0,364700.4,383483
2004,8,818,32,0,364700.4,380906.2
2004,9,860,33,0,364700.4,382926.8
2004,10,839,34,0,364700.4,384052.4
2004,11,887,35,0,364700.4,384449.6
2004,12,886,36,0,364700.4,383428.4
2005,1,831,37,1,364420.8,388153.2
2005,2,796,38,1,364420.8,388373.2
2005,3,833,39,1,364420.8,386470.1
2005,4,820,40,1,364420.8,386033.2
2005,5,877,41,1,364420.8,383686.4
2005,6,758,42,1,364420.8,385509.3
2005,7,767,43,1,364420.8,385901.9
2005,8,738,44,1,364420.8,386516.6
2005,9,781,45,1,364420.8,388436.5
2005,10,843,46,1,364420.8,383255.2
2005,11,850,47,1,364420.8,390148.7
2005,12,908,48,1,364420.8,385874.9
2006,1,1021,49,1,363832.6,391613.6
2006,2,859,50,1,363832.6,391750.4
2006,3,976,51,1,363832.6,394005.6
2006,4,888,52,1,363832.6,391364.9
2006,5,962,53,1,363832.6,391664.6
2006,6,838,54,1,363832.6,389022.3
2006,7,810,55,1,363832.6,391878.5
2006,8,876,56,1,363832.6,388575.3
2006,9,843,57,1,363832.6,392989
2006,10,936,58,1,363832.6,390018.8
2006,11,912,59,1,363832.6,390712.3
"""


def test_poisson_its_reproduces_the_sicily_smoking_ban_tutorial():
    # truth: Lopez Bernal, Cummins & Gasparrini (2017, Int J Epidemiol 46:348), data from the
    # authors' repository gasparrini/2017_lopezbernal_IJE_codedata; their model 3 (quasi-Poisson,
    # offset log(stdpop), step change, harmonic(month, 2, 12)) gives rate ratio 0.885.
    df = pd.read_csv(io.StringIO(SICILY))
    df["log_pop"] = np.log(df["stdpop"])
    res = interrupted_time_series(
        df,
        "aces",
        "time",
        "smokban",
        family="poisson",
        offset="log_pop",
        seasonality=12,
        harmonics=2,
        slope_change=False,
    )
    assert res.effect.estimate == pytest.approx(0.885, abs=0.0015)
    # the quasi-Poisson 95% CI of model 3 (R: ci.lin(model3, Exp = T), normal quantiles with the
    # Pearson dispersion) is 0.8394 to 0.9332
    assert res.effect.ci_low == pytest.approx(0.8394, abs=0.0006)
    assert res.effect.ci_high == pytest.approx(0.9332, abs=0.0006)


def test_minimum_detectable_effect_formula():
    # truth: (z_0.975 + z_0.8) * SE = 2.8016 * SE
    assert minimum_detectable_effect(0.1) == pytest.approx(0.28016, abs=1e-4)
    assert minimum_detectable_effect(0.1, df=10) > minimum_detectable_effect(0.1)


# ---------------------------------------------------------------------------------------------
# design choice
# ---------------------------------------------------------------------------------------------
def test_design_falls_back_to_its_then_pre_post():
    rng = np.random.default_rng(4)
    df = _responses(rng, n=4000, months=18, change_month=9)
    df["csat"] = np.clip(np.round(df["y"]), 1, 5).astype(int)
    its = evaluate_improvement(df, "X", "2026-02-01", "csat")  # 9 months each side, no groups
    assert its.design == "interrupted time series"
    short = evaluate_improvement(df, "X", "2026-09-01", "csat")  # only 3 months after
    assert short.design == "pre/post" and "too few months" in short.reason
    everyone = evaluate_improvement(
        df, "X", "2026-02-01", "csat", ["East", "North", "South", "West"]
    )
    assert everyone.design == "interrupted time series" and "no comparison group" in everyone.reason


# ---------------------------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def small():
    rng = np.random.default_rng(8)
    df = _responses(rng, n=2000)
    df["csat"] = np.clip(np.round(df["y"]), 1, 5).astype(int)
    return df


def test_change_date_outside_the_data(small):
    with pytest.raises(AnalysisError, match="after the last date"):
        evaluate_improvement(small, "X", "2030-01-01", "csat", ["East"])
    with pytest.raises(AnalysisError, match="no data from before"):
        evaluate_improvement(small, "X", "2020-01-01", "csat", ["East"])
    with pytest.raises(AnalysisError, match="not a date"):
        evaluate_improvement(small, "X", "someday", "csat", ["East"])


def test_missing_metric_and_unknown_groups(small):
    with pytest.raises(AnalysisError, match="'nps' is not in the data"):
        evaluate_improvement(small, "X", "2026-03-01", "nps", ["East"])
    with pytest.raises(AnalysisError, match=r"Treated group\(s\) \['Mars'\]"):
        evaluate_improvement(small, "X", "2026-03-01", "csat", ["Mars"])
    with pytest.raises(AnalysisError, match=r"Control group\(s\) \['Moon'\]"):
        evaluate_improvement(small, "X", "2026-03-01", "csat", ["East"], ["Moon"])


def test_its_too_few_periods():
    s = pd.DataFrame({"t": range(10), "post": [0] * 5 + [1] * 5, "y": np.arange(10.0)})
    with pytest.raises(AnalysisError, match="at least 8 on each side"):
        interrupted_time_series(s, "y", "t", "post")
    with pytest.raises(AnalysisError, match="one row per time point"):
        interrupted_time_series(pd.concat([s, s]), "y", "t", "post")


def test_bad_improvement_becomes_a_message_not_a_crash(small):
    out = evaluate_improvements(
        small,
        [
            {
                "name": "Good",
                "change_date": "2026-03-01",
                "metric": "csat",
                "treated_regions": ["East", "South"],
            },
            {"name": "Bad", "change_date": "2031-01-01", "metric": "csat"},
        ],
    )
    assert out[0].design == "difference-in-differences"
    assert type(out[1]).__name__ == "ImprovementFailure" and "after the last date" in out[1].message


# ---------------------------------------------------------------------------------------------
# calibration by simulation under realistic processes (more in tests/benchmarks/bench_impact.py;
# ITS size under AR(1) errors at R = 400: tests/analyses/impact/test_its.py)
# ---------------------------------------------------------------------------------------------
REPS = 500
# The central 99% binomial interval of the count at the nominal rate: size 13-38 of 500 (2.6% to
# 7.6%), coverage 462-487 of 500 (92.4% to 97.4%). A method at twice its nominal error (10%
# rejections, or 90% coverage) lands inside with probability 3.9% only, and one that never
# rejects (or always covers) fails.
SIZE_BAND = tuple(x / REPS for x in stats.binom.interval(0.99, REPS, 0.05))
COVER_BAND = tuple(x / REPS for x in stats.binom.interval(0.99, REPS, 0.95))
N_MONTHS = 36


def test_the_bands_fail_a_method_at_twice_its_error_rate():
    # truth: binomial arithmetic; a 10% method passes the size band with probability < 5%
    assert stats.binom.cdf(SIZE_BAND[1] * REPS, REPS, 0.10) < 0.05
    assert stats.binom.sf(COVER_BAND[0] * REPS - 1, REPS, 0.90) < 0.05
    assert SIZE_BAND[0] > 0 and COVER_BAND[1] < 1


def _its_fit(seed, effect, family):
    """36 months with trend and season. Gaussian: AR(1) errors (rho 0.3, innovation SD 0.1);
    Poisson: counts around 500 with month-to-month overdispersion (gamma, dispersion ~11)."""
    rng = np.random.default_rng(seed)
    t = np.arange(N_MONTHS)
    post = (t >= N_MONTHS // 2).astype(int)
    season = np.sin(2 * np.pi * t / 12)
    if family == "gaussian":
        e = np.zeros(N_MONTHS)
        e[0] = rng.normal(0, 0.1) / math.sqrt(1 - 0.3**2)
        for i in range(1, N_MONTHS):
            e[i] = 0.3 * e[i - 1] + rng.normal(0, 0.1)
        y = 4 + 0.01 * t + 0.05 * season + effect * post + e
    else:
        mu = 500 * np.exp(0.005 * t + 0.1 * season) * effect**post * rng.gamma(50, 1 / 50, N_MONTHS)
        y = rng.poisson(mu)
    df = pd.DataFrame({"t": t, "post": post, "y": y})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return interrupted_time_series(df, "y", "t", "post", family=family, seasonality=12).effect


def _pre_post_fit(seed, effect):
    """400 responses over 120 days from 250 repeat customers (customer effect SD 0.5) with a
    shock shared by each day's responses (SD 0.15)."""
    rng = np.random.default_rng(seed)
    day = rng.integers(0, 120, 400)
    who = rng.integers(0, 250, 400)
    days = pd.Timestamp("2026-01-01") + pd.to_timedelta(day, "D")
    y = (
        3.8
        + rng.normal(0, 0.5, 250)[who]
        + rng.normal(0, 0.15, 120)[day]
        + rng.normal(0, 1, 400)
        + effect * (days >= pd.Timestamp("2026-03-01"))
    )
    return pre_post(pd.DataFrame({"d": days, "y": y}), "y", "d", "2026-03-01").effect


# method -> (fit(seed, effect), null effect, planted effect)
METHODS = {
    "its_gaussian": (lambda s, e: _its_fit(s, e, "gaussian"), 0.0, 0.2),
    "its_poisson": (lambda s, e: _its_fit(s, e, "poisson"), 1.0, 0.9),
    "pre_post": (_pre_post_fit, 0.0, 0.3),
}


@pytest.mark.slow
@pytest.mark.parametrize("method", ["its_poisson", "pre_post"])
def test_size(method):
    # truth: no effect; the share called significant must lie in the 99% band around 5%
    fit, null, _ = METHODS[method]
    size = sum(fit(seed, null).significant for seed in range(REPS)) / REPS
    assert SIZE_BAND[0] <= size <= SIZE_BAND[1], size


@pytest.mark.slow
@pytest.mark.parametrize("method", list(METHODS))
def test_coverage(method):
    # truth: the planted effect; the share of 95% intervals covering it must lie in the band
    # (ITS Gaussian size under AR(1) is tests/analyses/impact/test_its.py's, at R = 400)
    fit, _, planted = METHODS[method]
    cover = sum(fit(seed + 100_000, planted).contains(planted) for seed in range(REPS)) / REPS
    assert COVER_BAND[0] <= cover <= COVER_BAND[1], cover
