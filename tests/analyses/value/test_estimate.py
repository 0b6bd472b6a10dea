"""fbresearch.analyses.value: the value page recovers the sample's planted retention and spend.

Truths: ``sample_data().truth["value"]`` (the planted defection after a customer's first answer
and the 90-day lapses, turned into each group's 12-month retention and spend for the cohort the
page studies) and a hand-worked feature table.
"""

from __future__ import annotations

import pandas as pd
import pytest

from fbresearch.analyses.value import GROUPS, customer_value, value_frame
from fbresearch.errors import AnalysisError
from fbresearch.results import Finding


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
