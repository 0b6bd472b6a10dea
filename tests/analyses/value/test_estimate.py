"""fbresearch.analyses.value: the value page recovers the sample's planted retention and spend.

Truths: ``sample_data().truth["value"]`` (the planted defection after a customer's first answer
and the 90-day lapses, turned into each group's 12-month retention and spend for the cohort the
page studies) and a hand-worked feature table.
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from fbresearch.analyses.value import GROUPS, customer_value, value_frame
from fbresearch.analyses.value.narrative import risk_explained, value_findings
from fbresearch.analyses.value.results import ValueResult
from fbresearch.errors import AnalysisError
from fbresearch.results import Estimate, Finding


@pytest.fixture(scope="module")
def value(sample):
    # 99% intervals: eight figures are checked at once, so a 95% miss of one is not a failure
    return customer_value(sample.feedback, sample.orders, asof="2026-10", confidence=0.99)


def test_cohort_is_the_planted_cohort(sample, value):
    assert value.n_customers == sample.truth["value"]["n_customers"]


@pytest.mark.parametrize("group", GROUPS)
def test_retention_and_spend_recover_the_truth(sample, value, group):
    truth = sample.truth["value"]
    assert value.retention[group].contains(truth["retention"][group])
    assert value.spend[group].contains(truth["spend"][group])


def test_gaps_recover_the_truth_and_are_clear(sample, value):
    truth = sample.truth["value"]
    gap = truth["spend"]["promoter"] - truth["spend"]["detractor"]
    assert value.spend_gap.contains(gap) and value.spend_gap.significant
    rgap = truth["retention"]["promoter"] - truth["retention"]["detractor"]
    assert value.retention_gap.contains(rgap) and value.retention_gap.significant


def test_a_method_without_adjustment_or_truth_would_fail(sample, value):
    # the check can fail: detractors' planted retention is far below promoters'
    truth = sample.truth["value"]["retention"]
    assert not value.retention["detractor"].contains(truth["promoter"])


def test_stakes_are_positive_and_named_with_assumptions(value):
    assert value.revenue_at_risk.ci_low > 0
    table = value.stakes_table()
    assert table["Assumptions"].str.len().min() > 40
    # an interval that includes zero is said to (checked here on the bounds themselves)
    stakes = [value.spend_gap, value.revenue_at_risk, value.move_value]
    clear = ["yes" if e.ci_low > 0 or e.ci_high < 0 else "no" for e in stakes]
    assert table["Clearly not zero?"].str.split(":").str[0].tolist() == clear
    findings = value.findings()
    assert findings and isinstance(findings[0], Finding) and "at risk" in findings[0].sentence


def test_value_frame_hand_worked():
    answers = pd.DataFrame(
        {"customer_id": ["A", "B"], "submitted_at": pd.to_datetime(["2026-01-10", "2026-01-10"])}
    )
    orders = pd.DataFrame(
        {
            "customer_id": ["A", "A", "A", "A", "B"],
            "order_date": pd.to_datetime(
                ["2024-12-01", "2025-06-01", "2026-05-01", "2027-02-01", "2025-12-31"]
            ),
            "amount": [7.0, 10.0, 30.0, 99.0, 4.0],
        }
    )
    f = value_frame(answers, orders)
    # A: first order 405 days before; one order in the year before (10); 30 in the year after
    assert f.loc[0, ["tenure_days", "prior_orders", "prior_spend", "spend"]].tolist() == [
        405.0,
        1,
        10.0,
        30.0,
    ]
    assert bool(f.loc[0, "retained"]) and not bool(f.loc[1, "retained"])
    assert f.loc[1, "spend"] == 0.0


def test_too_short_history_says_what_it_needs(sample):
    with pytest.raises(AnalysisError, match="more than a year"):
        customer_value(sample.feedback, sample.orders, asof="2025-09", n_boot=5)


def _hand_built(currency=""):
    """The reviewer's figures: a per-customer gap of 403 (143 to 687) in the cohort, and 56
    detractors this month putting 9,045 (3,230 to 16,710) at risk: 9,045 / 56 = 161.5 each."""
    gap = Estimate(403.0, 143.0, 687.0, n=2000, name="spend_gap")
    risk = Estimate(9045.0, 3230.0, 16710.0, n=56, name="revenue_at_risk")
    return ValueResult(table=pd.DataFrame(), spend_gap=gap, revenue_at_risk=risk, n_current=56,
                       currency=currency)  # fmt: skip


def test_the_risk_sentence_explains_why_it_is_not_n_times_the_gap():
    (f,) = value_findings(_hand_built())
    assert f.sentence == (
        "This month's 56 detractors put about 9,045 of next year's spend at risk (95% CI 3,230 "
        "to 16,710), against answering as promoters (amounts in the orders file's currency "
        "units). That is about 162 per detractor, less than the cohort's gap of 403 per "
        "customer: the model predicts each detractor's gap from their own tenure, prior orders "
        "and spend, and for this month's detractors these predict less spending than for the "
        "cohort's average customer, so the total is not 56 times the gap."
    )
    # 56 x 403 = 22,568 would be "average" detractors: then the sentence says they are alike
    alike = dataclasses.replace(
        _hand_built(), revenue_at_risk=Estimate(22568.0, 8000.0, 38000.0, n=56)
    )
    assert "close to the cohort's gap of 403 per customer" in risk_explained(alike)


def test_a_named_currency_follows_every_amount(sample):
    (f,) = value_findings(_hand_built("EUR"))
    assert f.sentence.startswith(
        "This month's 56 detractors put about 9,045 EUR of next year's spend at risk (95% CI "
        "3,230 to 16,710 EUR), against answering as promoters. That is about 162 EUR per"
    )
    assert "currency units" not in f.sentence
    v = customer_value(sample.feedback, sample.orders, asof="2026-10", n_boot=5, currency="EUR")
    assert v.currency == "EUR" and v.caption().endswith("Spend in EUR.")
    assert " EUR on average, like for like" in v.summary()
    assert v.stakes_table()["Estimate"].str.endswith(" EUR").all()
