"""fbresearch.analyses.journey: stage levels and steps against hand-worked numbers, planted
drops, a null calibration and the sample's planted weak stage."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import fbresearch as fb
from fbresearch.analyses.journey import journey_kpis, stage_order
from fbresearch.results import attempt

STAGES = ["awareness", "purchase", "delivery", "support"]


def test_hand_worked_two_stages():
    # purchase: 45 promoters, 15 detractors of 60 -> NPS 50; delivery: 20 and 40 -> -33.3
    frame = pd.DataFrame(
        {
            "touchpoint": ["purchase"] * 60 + ["delivery"] * 60,
            "nps": [10] * 45 + [3] * 15 + [9] * 20 + [0] * 40,
            "csat": [5] * 48 + [2] * 12 + [4] * 30 + [1] * 30,
        }
    )
    r = journey_kpis(frame)
    assert r.stages == ("purchase", "delivery")  # the known journey order
    assert r.level("nps", "purchase").estimate == pytest.approx(50.0)
    assert r.level("nps", "delivery").estimate == pytest.approx(-100 / 3)
    assert r.level("csat", "delivery").estimate == pytest.approx(0.5)
    assert r.level("volume", "delivery").n == 60
    step = r.step("nps", "delivery")
    assert step.estimate == pytest.approx(-250 / 3)
    # adjusted Wald (Rocks 2016) by hand: n~ = 63; centres 45.75/63 - 15.75/63 = 0.47619 and
    # 20.75/63 - 40.75/63 = -0.31746; variances 0.749433/63 and 0.875409/63; difference
    # -79.365 +- 1.95996 * 16.060 points
    assert (step.ci_low, step.ci_high) == pytest.approx((-110.84, -47.89), abs=0.01)
    assert step.p_value < 1e-4  # no passives: the exact multinomial test decides
    assert r.step("csat", "delivery").estimate == pytest.approx(0.5 - 0.8)
    assert r.weakest == {"nps": "delivery", "csat": "delivery"} and r.weak_stage == "delivery"
    # q: Benjamini-Hochberg over the two steps
    q = r.steps.set_index("metric")["q_value"]
    p = r.steps.set_index("metric")["p_value"]
    assert q.max() == pytest.approx(p.max()) and q.min() == pytest.approx(min(1, 2 * p.min()))


def test_stage_order_known_params_and_unknown():
    values = pd.Series(["Support", "returns", "purchase", "awareness", None])
    assert stage_order(values) == ["awareness", "purchase", "Support", "returns"]
    assert stage_order(values, ["returns", "purchase"]) == [
        "returns",
        "purchase",
        "Support",
        "awareness",
    ]
    with pytest.raises(fb.FbResearchError):
        stage_order(values, "purchase")


def _journey(rng, n, shift, shares=(0.1, 0.4, 0.3, 0.2), customers=None):
    """Responses at four stages; repeat customers (a customer's own level shared by their
    answers), a latent shift per stage; NPS and CSAT from the same latent satisfaction."""
    customers = customers or max(10, n // 3)
    who = rng.integers(0, customers, n)
    person = rng.normal(0, 0.6, customers)[who]
    stage = rng.choice(4, n, p=shares)
    latent = person + np.asarray(shift)[stage] + rng.normal(0, 1, n)
    nps = np.clip(np.round(7.3 + 1.6 * latent), 0, 10).astype(int)
    csat = np.clip(np.round(3.9 + 0.8 * latent), 1, 5).astype(int)
    return pd.DataFrame({"touchpoint": np.asarray(STAGES)[stage], "nps": nps, "csat": csat})


@pytest.mark.slow
def test_null_journey_names_no_weak_stage_at_the_nominal_rate():
    # Under no stage difference, a significant drop is a false alarm: BH over the page's 6
    # steps keeps the chance of any at most 5% (the global null). 99% binomial band on 250 runs.
    rng = np.random.default_rng(18)
    runs, alarms = 250, 0
    for _ in range(runs):
        r = journey_kpis(_journey(rng, 240, [0, 0, 0, 0]), stages=STAGES)
        alarms += r.weak_stage is not None
    upper = stats.binom.ppf(0.99, runs, 0.05) / runs
    assert alarms / runs <= upper, (alarms, upper)  # 2x the nominal rate (10%) would fail


def test_planted_drop_is_found_and_named():
    rng = np.random.default_rng(7)
    hits, runs = 0, 40
    for _ in range(runs):
        r = journey_kpis(_journey(rng, 1200, [0.1, 0.1, -0.6, 0.0]), stages=STAGES)
        hits += r.weak_stage == "delivery"
        assert r.weakest["nps"] in {"delivery"}
    assert hits >= 36  # power well above 90% for a 0.7 SD drop at ~360 responses a stage


def test_sample_names_the_planted_weak_stage():
    for seed in (0, 1):
        s = fb.sample_data(5000, seed=seed)
        frame = fb.load_feedback(s.feedback).frame
        window = frame[frame["submitted_at"] >= "2026-08-01"]
        r = journey_kpis(window, metrics=["nps", "csat", "ces"])
        truth = s.truth["journey"]
        assert list(r.stages) == truth["stages"]
        assert r.weak_stage == truth["weak_stage"]
        step = r.steps[(r.steps["metric"] == "nps") & (r.steps["stage"] == r.weak_stage)]
        assert step["previous_stage"].item() == truth["previous_stage"]
        # the stage by its display label ("Delivery"), as the page names it
        assert f"so {truth['weak_stage'].capitalize()} is the weak stage" in r.summary()
        finding = r.findings()[0]
        assert finding.kind == "difference" and finding.survives_fdr


def test_without_the_column_the_page_says_which_column():
    frame = pd.DataFrame({"nps": [9, 3]})
    result = attempt(journey_kpis, frame, what="The journey")
    assert "touchpoint" in result.summary() and "columns:" in result.summary()
    one = attempt(journey_kpis, pd.DataFrame({"touchpoint": ["a", "a"], "nps": [1, 2]}))
    assert "single stage" in one.summary()


def test_volume_only_when_no_scores():
    frame = pd.DataFrame({"touchpoint": ["purchase"] * 3 + ["support"] * 5, "text": ["x"] * 8})
    r = journey_kpis(frame)
    assert r.metrics == () and r.steps.empty and r.weak_stage is None
    assert r.level("volume", "support").n == 5
    assert "no score" in r.summary() or "None of them has a score" in r.summary()
