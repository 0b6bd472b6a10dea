"""The sample's orders, response times and invitations (fbresearch.io.sample_orders).
Truths: hand-made customers, orders and lapses whose answers are counted by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd

from fbresearch.io.sample import sample_data
from fbresearch.io.sample_orders import (
    _invitations,
    _keys,
    _lapsed,
    _outside_lapses,
    _response_times,
)

DAY = np.timedelta64(1, "D")


def stamps(*days):
    return np.array(days, dtype="datetime64[s]")


def test_keys_sort_by_customer_then_time():
    keys = _keys(np.array([1, 0, 1]), stamps("2020-01-01T00:00:01", "2026-01-01", "2020-01-02"))
    assert keys.tolist()[0] == 2**32 + 1 and np.argsort(keys).tolist() == [1, 0, 2]


def test_outside_lapses_removes_orders_inside_a_lapse_window():
    who = np.array([0, 0, 0, 1])
    when = stamps("2026-01-05", "2026-02-15", "2026-05-01", "2026-01-05")
    keep = _outside_lapses(who, when, np.array([0]), stamps("2026-01-01"), 90 * DAY)
    # customer 0 lapsed on 1 January: 5 January and 15 February fall inside, 1 May does not
    assert keep.tolist() == [False, False, True, True]


def test_lapsed_is_true_without_an_order_in_the_window():
    who = np.array([0, 1])
    when = stamps("2026-02-01", "2026-06-01")
    got = _lapsed(who, when, np.array([0, 1]), stamps("2026-01-01", "2026-01-01"), 90 * DAY)
    assert got.tolist() == [False, True]


def test_response_times_are_after_submission_and_before_the_end():
    submitted = np.array(["2026-10-01", "2026-10-31T23:00"], dtype="datetime64[ns]")
    sev = np.array(["urgent", "general"], dtype=object)
    channel = np.array(["app", "social"], dtype=object)
    responded, resolved = _response_times(np.random.default_rng(0), submitted, sev, channel)
    ok = ~np.isnat(responded)
    assert (responded[ok] > submitted[ok]).all()
    assert (responded[ok] < np.datetime64("2026-11-01")).all()
    assert (np.isnat(resolved) | (resolved >= responded)).all()


def test_invitations_cover_every_response():
    sample = sample_data(500, seed=2)
    inv = _invitations(np.random.default_rng(0), sample.feedback)
    scored = sample.feedback[sample.feedback["nps"].notna()]
    counts = scored.groupby([scored["channel"], scored["submitted_at"].dt.to_period("M")]).size()
    lookup = inv.set_index(["channel", "month"])["invited"]
    for (channel, month), n in counts.items():
        assert lookup[(channel, str(month))] >= n
    assert set(inv["channel"]) == {"survey", "email", "web", "app", "call_center"}
    assert pd.api.types.is_integer_dtype(inv["invited"])
