"""Tests of fbresearch.analyses.segments.common: the rule table, asof dates, order cleaning."""

from __future__ import annotations

import pandas as pd
import pytest

from fbresearch.analyses.segments.common import (
    RFM_RULES,
    SEGMENT_ORDER,
    _asof_timestamp,
    _clean_orders,
)
from fbresearch.errors import FeedbackDataError


def test_asof_forms():
    dates = pd.Series(pd.to_datetime(["2026-01-05", "2026-02-11"]))
    assert _asof_timestamp(None, dates) == pd.Period("2026-02", "M").end_time
    assert _asof_timestamp("2026-01", dates) == pd.Period("2026-01", "M").end_time
    end_of_day = _asof_timestamp("2026-01-10", dates)
    assert end_of_day.date() == pd.Timestamp("2026-01-10").date() and end_of_day.hour == 23


def test_clean_orders_counts_missing_and_names_bad_columns():
    orders = pd.DataFrame(
        {"customer_id": ["a", None, "b"], "order_date": ["2026-01-01"] * 3, "amount": [1, 2, 3]}
    )
    data, excluded = _clean_orders(orders, "customer_id", "order_date", "amount")
    assert len(data) == 2 and excluded == {"missing": 1}
    with pytest.raises(FeedbackDataError, match="'amount'"):
        _clean_orders(orders.drop(columns="amount"), "customer_id", "order_date", "amount")


def test_segment_order_follows_the_rule_table():
    assert SEGMENT_ORDER == tuple(RFM_RULES["segment"]) and SEGMENT_ORDER[0] == "champions"
