"""The value caption names its controls once, in words."""

import pandas as pd

from fbresearch.analyses.value.narrative import value_caption
from fbresearch.analyses.value.results import ValueResult


def test_caption_names_the_plan_control_once():
    text = value_caption(ValueResult(table=pd.DataFrame(), controls=("plan",)))
    assert "plan (plan)" not in text
    assert "adjusted for tenure, the year's prior orders and spend, plan;" in text
    bare = value_caption(ValueResult(table=pd.DataFrame()))
    assert "adjusted for tenure, the year's prior orders and spend;" in bare


def _reviewed_page(currency: str = "") -> ValueResult:
    """The figures of the reviewed page: 12-month spend 1,300 (detractors), 1,372 (passives),
    1,703 (promoters); 9,045 at risk from 56 detractors; 29 (-52 to 139) for one move."""
    from fbresearch.results import Estimate

    def e(v, lo, hi, n=903):  # noqa: ANN001, ANN202
        return Estimate(v, lo, hi, n=n)

    return ValueResult(
        table=pd.DataFrame(),
        n_current=56,
        currency=currency,
        spend={
            "detractor": e(1300.2, 1059, 1512),
            "passive": e(1372.4, 1216, 1546),
            "promoter": e(1703.1, 1443, 1955),
        },
        spend_gap=e(402.9, 143, 687),
        revenue_at_risk=e(9045.0, 3230, 16710, 56),
        move_value=e(29.0, -52, 139, 56),
    )


def test_the_stakes_follow_from_the_spend_table_in_words():
    # by hand: 1,703 - 1,300 = 403 and 1,372 - 1,300 = 72 for the table's average customer;
    # 9,045 / 56 = 161.517..., and 56 x 161.52 = 9,045.12, which the page writes 9,045 (56 x 162
    # = 9,072 and 56 x 161.5 = 9,044 would not give the figure back)
    text = _reviewed_page().stakes_summary()
    assert "promoters spent 1,703 and detractors 1,300 in the 12 months, a gap of 403" in text
    assert "56 × 161.52 = 9,045 is the revenue at risk" in text
    assert "passives spent 1,372, 72 more than detractors" in text
    assert "predicts 29 more each as passives (95% CI -52 to 139)" in text
    assert "EUR is the revenue at risk" in _reviewed_page("EUR").stakes_summary()
    assert ValueResult(table=pd.DataFrame()).stakes_summary() == ""


def test_on_the_sample_the_sentence_multiplies_back_to_the_figure():
    import re

    import fbresearch as fb
    from fbresearch.analyses.value import customer_value
    from fbresearch.analyses.value.narrative import money

    s = fb.sample_data(3000, seed=0)
    v = customer_value(s.feedback, s.orders, asof="2026-10", n_boot=20)
    n, each, total = re.search(
        r"(\d+) × ([\d,.]+) = ([\d,]+) is the revenue", v.stakes_summary()
    ).groups()
    assert int(n) == v.n_current and total == money(v.revenue_at_risk.estimate)
    assert money(int(n) * float(each.replace(",", ""))) == total  # the reader's check holds
