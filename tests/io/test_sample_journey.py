"""fbresearch.io.sample_journey: the sample's journey stages, planted on their own stream."""

from __future__ import annotations

import pandas as pd
from scipy import stats

import fbresearch.io.sample as sample_module
from fbresearch.io.sample import sample_data
from fbresearch.io.sample_journey import ROUTED_SHARE, STAGE_SHARES, STAGES


def test_stages_change_no_other_draw(monkeypatch):
    s = sample_data(1500, seed=3)
    monkeypatch.setattr(
        sample_module, "journey_stages", lambda f, t, seed: pd.Series("x", index=f.index)
    )
    other = sample_data(1500, seed=3)
    pd.testing.assert_frame_equal(
        s.feedback.drop(columns="touchpoint"), other.feedback.drop(columns="touchpoint")
    )
    pd.testing.assert_frame_equal(s.orders, other.orders)
    pd.testing.assert_frame_equal(s.invitations, other.invitations)


def test_bad_deliveries_are_routed_at_the_planted_rate():
    s = sample_data(5000, seed=0)
    truth = s.truth["journey"]
    assert truth["stages"] == list(STAGES) and truth["weak_stage"] == "delivery"
    stage = s.feedback["touchpoint"]
    assert set(stage) == set(STAGES)
    bad = truth["bad_delivery"]
    for rows, p in (
        (bad, ROUTED_SHARE + (1 - ROUTED_SHARE) * STAGE_SHARES[2]),
        (~bad, STAGE_SHARES[2]),
    ):
        n, k = int(rows.sum()), int((stage[rows] == "delivery").sum())
        low, high = stats.binom.ppf([0.005, 0.995], n, p)
        assert low <= k <= high, (k, n, p)
