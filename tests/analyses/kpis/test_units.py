"""Tests for fbresearch.analyses.kpis.units: each unit against the rest of the organisation.

Truths: hand-worked differences and an independent two-proportion z test (statsmodels); the
sample's planted regional effect (the improvement's treated regions); a planted unit shift;
and a Monte Carlo null calibration of the Benjamini-Hochberg family across units.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportions_ztest

from fbresearch.analyses.kpis.units import unit_vs_rest
from fbresearch.analyses.kpis.units_narrative import comparison_display_table, unit_verdict
from fbresearch.io.sample import sample_data

OCT = pd.Timestamp("2026-10-10")


def _frame(groups: dict[str, list[int]], column: str = "csat") -> pd.DataFrame:
    rows = [(u, v) for u, values in groups.items() for v in values]
    return pd.DataFrame(
        {
            "submitted_at": OCT,
            "region": [u for u, _ in rows],
            column: pd.array([v for _, v in rows], dtype="Int64"),
        }
    )


def test_share_difference_matches_hand_arithmetic_and_statsmodels():
    # unit A: 150 of 200 satisfied (75%); rest (B + C): 100 + 90 of 400 = 47.5%
    frame = _frame(
        {
            "A": [5] * 150 + [2] * 50,
            "B": [4] * 100 + [1] * 100,
            "C": [5] * 90 + [3] * 110,
        }
    )
    result = unit_vs_rest(frame, "region", "2026-10", metrics=["csat"])
    a = result.table.set_index("unit").loc["A"]
    assert a["n"] == 200 and a["rest_n"] == 400
    assert a["estimate"] == pytest.approx(0.75) and a["rest"] == pytest.approx(0.475)
    assert a["difference"] == pytest.approx(0.275)
    _, p = proportions_ztest([150, 190], [200, 400])  # pooled two-proportion z test
    assert a["p_value"] == pytest.approx(p, rel=1e-6)
    # Newcombe's interval contains the difference and excludes 0 here
    assert a["difference_ci_low"] < 0.275 < a["difference_ci_high"]
    assert a["difference_ci_low"] > 0
    # q-values: Benjamini-Hochberg across the three units' tests
    ps = result.table["p_value"].to_numpy()
    m = len(ps)
    order = np.argsort(ps)
    q = np.minimum.accumulate((ps[order] * m / np.arange(1, m + 1))[::-1])[::-1]
    assert result.table["q_value"].to_numpy()[order] == pytest.approx(np.minimum(q, 1))


def test_nps_difference_is_unit_minus_rest_in_points():
    # A: 60 promoters, 20 detractors of 100 -> NPS 40; rest: 30 / 50 of 100 -> -20; diff 60
    frame = _frame(
        {"A": [10] * 60 + [7] * 20 + [3] * 20, "B": [9] * 30 + [8] * 20 + [0] * 50}, "nps"
    )
    result = unit_vs_rest(frame, "region", metrics=["nps"])
    a = result.table.set_index("unit").loc["A"]
    assert a["estimate"] == pytest.approx(40) and a["rest"] == pytest.approx(-20)
    assert a["difference"] == pytest.approx(60)
    b = result.table.set_index("unit").loc["B"]
    assert b["difference"] == pytest.approx(-60)
    assert unit_verdict(result, "A") == "above the rest on NPS"
    assert unit_verdict(result, "B") == "below the rest on NPS"


def test_units_and_cells_below_the_threshold_show_no_number():
    frame = _frame({"A": [5] * 30 + [2] * 20, "B": [4] * 20 + [1] * 30, "Tiny": [1] * 4})
    frame["nps"] = pd.array([9] * 50 + [None] * 45 + [8] * 5 + [None] * 4, dtype="Int64")
    result = unit_vs_rest(frame, "region", metrics=["csat", "nps"], min_responses=10)
    units = result.units.set_index("unit")
    assert bool(units.loc["Tiny", "suppressed"]) and pd.isna(units.loc["Tiny", "responses"])
    tiny = result.rows("Tiny")
    assert not tiny["shown"].any() and tiny[["n", "estimate", "difference"]].isna().all().all()
    assert not tiny["significant"].any()
    # B has 5 NPS answers: that cell is hidden, its CSAT cell shown
    b = result.rows("B").set_index("metric")
    assert not b.loc["nps", "shown"] and pd.isna(b.loc["nps", "estimate"])
    assert b.loc["csat", "shown"] and b.loc["csat", "n"] == 50
    shown = comparison_display_table(result, "Tiny")
    assert shown.iloc[0, 1] == "fewer than 10 responses: not shown to protect anonymity"
    assert "not shown to protect anonymity" in comparison_display_table(result, "B").iloc[1, 1]
    # A's NPS: 50 answers, but its rest (B) has 5: hidden too (the rest would be B's number)
    assert not result.rows("A").set_index("metric").loc["nps", "shown"]
    # hidden cells are not tests: the family holds A's and B's CSAT only
    assert result.n_tests == 2


def test_the_samples_planted_regional_effect_is_found_with_its_sign():
    # The sample plants the improvement (latent +0.6) in East and South from March 2026: in
    # October the treated regions sit above the rest, the control regions (North, West) below.
    sample = sample_data(5000, seed=0)
    result = unit_vs_rest(sample.feedback, "region", "2026-10")
    treated = set(sample.truth["improvement"]["treated_regions"])
    found = result.table[result.table["significant"]]
    assert len(found) >= 1
    for _, row in found.iterrows():
        assert (row["difference"] > 0) == (row["unit"] in treated), row.to_dict()


def test_a_planted_unit_shift_is_found_and_the_others_are_not():
    # six stores, 300 answers each; store 3's satisfied share is 0.80 against 0.65 elsewhere
    rng = np.random.default_rng(11)
    groups = {}
    for s in range(6):
        share = 0.80 if s == 3 else 0.65
        groups[f"S{s}"] = list(np.where(rng.random(300) < share, 5, 2))
    result = unit_vs_rest(_frame(groups), "region", metrics=["csat"])
    found = result.table[result.table["significant"]]
    assert found["unit"].tolist() == ["S3"] and float(found["difference"].iloc[0]) > 0.1


def _null_rejections(reps: int, seed: int, customer_sd: float = 0.0) -> int:
    """Family-wise false alarms over ``reps`` null months (no unit differs).

    Eight units of lopsided sizes (12 to 400 answers), a month-wide shock shared by every unit,
    NPS and CSAT from one latent score (two correlated tests per unit). ``customer_sd`` > 0:
    repeat customers (about two answers each) share a customer effect of that size.
    """
    rng = np.random.default_rng(seed)
    sizes = [400, 250, 150, 90, 60, 40, 25, 12]
    alarms = 0
    for _ in range(reps):
        units, latent = [], []
        shock = rng.normal(0, 0.5)  # the whole organisation's month
        for u, n in enumerate(sizes):
            customers = rng.integers(0, max(2, n // 2), n)
            effect = rng.normal(0, customer_sd, n // 2 + 2)[customers]
            units += [f"U{u}"] * n
            latent.append(shock + effect + rng.normal(0, 1.0, n))
        z = np.concatenate(latent)
        frame = pd.DataFrame(
            {
                "submitted_at": OCT,
                "region": units,
                "nps": np.clip(np.round(7.5 + 1.8 * z), 0, 10).astype(int),
                "csat": np.clip(np.round(3.9 + 0.9 * z), 1, 5).astype(int),
            }
        )
        result = unit_vs_rest(frame, "region", metrics=["nps", "csat"])
        alarms += bool(result.table["significant"].any())
    return alarms


#: 99% binomial band around 5% over 250 null months: at most 22 alarms; a method at twice its
#: nominal rate (10%: 25 alarms on average) fails.
NULL_REPS = 250
NULL_UPPER = stats.binom.ppf(0.995, NULL_REPS, 0.05)


@pytest.mark.slow
def test_null_calibration_family_wise_false_alarms_at_most_nominal():
    # independent answers: Benjamini-Hochberg keeps the family-wise rate at 5% under the
    # global null (measured 5.5% over 200 months in development); power: the planted tests above
    alarms = _null_rejections(NULL_REPS, seed=2026)
    print(f"family-wise false alarms: {alarms}/{NULL_REPS} (99% band top {NULL_UPPER:.0f})")
    assert alarms <= NULL_UPPER < 0.10 * NULL_REPS


@pytest.mark.slow
@pytest.mark.xfail(
    strict=True,
    reason="known limitation: the unit tests (kpi_table's) treat answers as independent; "
    "repeat customers in one month (customer effect sd 0.5, ~2 answers each) give about 11% "
    "family-wise false alarms. Fix: cluster-robust (customer) variances.",
)
def test_null_calibration_with_repeat_customers():
    alarms = _null_rejections(NULL_REPS, seed=7, customer_sd=0.5)
    print(f"repeat customers: {alarms}/{NULL_REPS} false alarms")
    assert alarms <= NULL_UPPER
