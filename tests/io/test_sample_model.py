"""The sample's model (fbresearch.io.sample_model): seasonality, customers, ratings and the
ordinal expectation. Truths: closed forms worked by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from fbresearch.io.sample_model import (
    _GROUPS,
    END,
    GROUP_NAMES,
    RATINGS,
    SEASON_AMPLITUDE,
    _customers,
    _expected_ordinal,
    _ratings,
    _satisfaction,
    _seasonality,
    _submitted,
)


def test_seasonality_peaks_in_july_and_bottoms_in_january():
    season = _seasonality()
    assert season[7] == SEASON_AMPLITUDE and season[1] == -SEASON_AMPLITUDE
    assert season[12] == round(SEASON_AMPLITUDE * np.cos(2 * np.pi * 5 / 12), 4) == -0.2598


def test_customers_follow_the_group_shares():
    customers = _customers(np.random.default_rng(0), 1000)
    counts = customers["group"].value_counts()
    for name, group in _GROUPS.items():
        assert abs(counts[name] - group["share"] * 1000) <= 1
    new = customers["group"] == "new"
    age = (END - customers.loc[new, "signup_date"]).dt.days
    assert age.between(20, 151).all() and list(GROUP_NAMES) == list(_GROUPS)


def test_ratings_are_whole_numbers_one_to_five():
    ratings = _ratings(np.random.default_rng(0), 2000)
    assert ratings.shape == (2000, len(RATINGS))
    assert ratings.min() >= 1 and ratings.max() <= 5


def test_expected_ordinal_matches_a_hand_worked_case():
    # clip(round(m + N(0, 1)), 1, 5) with m = 3: E = 1 + sum_c P(Z > c - 3), c = 1.5 .. 4.5
    cuts = np.arange(1.5, 5.0)
    got = _expected_ordinal(np.array([3.0]), cuts, stats.norm.cdf)[0]
    assert np.isclose(got, 1 + sum(stats.norm.sf(c - 3) for c in cuts))
    assert np.isclose(got, 3.0)  # symmetric around the middle category


def test_satisfaction_is_deterministic_and_in_range():
    def draw():
        rng = np.random.default_rng(5)
        when = _submitted(rng, 800)
        region = rng.integers(0, 4, 800)
        group = rng.integers(0, len(GROUP_NAMES), 800)
        return _satisfaction(rng, 800, when, region, group, np.ones(800, bool))

    a, b = draw(), draw()
    assert np.array_equal(a["nps"], b["nps"]) and a["effect_csat"] == b["effect_csat"]
    assert a["nps"].min() >= 0 and a["nps"].max() <= 10
    assert a["csat"].min() >= 1 and a["ces"].max() <= 7
    assert 0 < a["effect_csat"] < 1 and pd.notna(a["effect_nps"])
