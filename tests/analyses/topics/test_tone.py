"""Tests of fbresearch.analyses.topics.tone: topic tone and score, and topics as drivers.

Truth: hand-planted scores. Texts about refunds are detractors, texts about delivery promoters,
and texts that mention the app as well drop the score by a planted amount, whatever else they
are about, so the regression must recover the app's own effect holding the others fixed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from fbresearch.analyses.topics import fit_topics
from fbresearch.analyses.topics.narrative import format_topic_drivers, format_topic_tone
from fbresearch.analyses.topics.tone import outcome_values, topic_drivers, topic_tone

A = "delivery courier driver late"
B = "refund invoice charge billing"
C = "app crash login screen"
D = "price expensive discount cheap"


@pytest.fixture(scope="module")
def planted():
    rng = np.random.default_rng(0)
    n = 1200
    theme = rng.integers(0, 3, n)  # 0 delivery, 1 refund, 2 price (each word in a third)
    with_app = rng.random(n) < 0.3
    texts = [f"{(A, B, D)[t]} {C if a else ''}".strip() for t, a in zip(theme, with_app, strict=True)]
    # satisfied (1/0): 80% delivery, 40% refunds, 60% price; 30 points less with the app
    p = np.array([0.8, 0.4, 0.6])[theme] - 0.3 * with_app
    satisfied = (rng.random(n) < p).astype(int)
    model = fit_topics(texts, num_topics=4, language="en", seed=0)
    return model, pd.Series(satisfied), theme, with_app


def _topic_of(model, word):
    top = model.topics[model.topics["rank"] <= 4]
    return top.loc[top["term"] == word, "topic"].iloc[0]


def test_topic_drivers_recover_the_planted_effect_holding_others_fixed(planted):
    model, satisfied, theme, with_app = planted
    table = topic_drivers(model, satisfied, metric="satisfied")
    app = table.set_index("topic").loc[_topic_of(model, "app")]
    # planted: -0.30 share; the raw gap is diluted by the topic mix, the regression is not
    assert app["ci_low"] < -0.30 < app["ci_high"] and app["ci_high"] - app["ci_low"] < 0.2
    assert app["clear"] and app["q_value"] < 0.01
    shown = format_topic_drivers(table)
    assert shown.columns[3] == "Difference in Satisfied (95% CI)"
    assert (shown["Reading"] == "clearly lower").any()


def test_topic_tone_shares_and_score_by_topic(planted):
    model, satisfied, theme, _ = planted
    tone = pd.Series(np.where(satisfied == 1, "positive", "negative"))
    table = topic_tone(model, tone, satisfied, metric="satisfied").set_index("topic")
    refund = table.loc[_topic_of(model, "refund")]
    mine = (model.dominant == refund.name).to_numpy()
    # hand check: the topic's share negative is its share of unsatisfied texts
    assert refund["negative"] == pytest.approx(1 - satisfied[mine].mean())
    assert refund["score"] == pytest.approx(satisfied[mine].mean())
    assert refund["negative_low"] < refund["negative"] < refund["negative_high"]
    shown = format_topic_tone(table.reset_index())
    assert list(shown.columns)[3:] == [
        "Positive (95% CI)", "Negative (95% CI)", "Scored", "Satisfied (95% CI)"
    ]


def test_outcome_values_average_to_the_metric():
    # hand-worked: 2 promoters, 1 passive, 1 detractor: NPS = (2 - 1) / 4 = 25
    assert outcome_values(pd.Series([10, 9, 7, 3]), "nps").mean() == 25
    assert outcome_values(pd.Series([5, 4, 3, 1]), "csat").mean() == 0.5
