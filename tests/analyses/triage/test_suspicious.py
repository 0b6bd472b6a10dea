"""Tests of fbresearch.analyses.triage.suspicious (and its .minhash building blocks) on small
hand-worked cases.

Each case states why the expected flags are right, from the rules in ``suspicious_feedback``'s
docstring (five or more customers for a copied-text burst, four responses within an hour for a
customer burst, 60 units for a long near-duplicate).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from fbresearch.analyses.triage.minhash import near_duplicate_groups, shingle_hashes
from fbresearch.analyses.triage.suspicious import REASONS, _window_counts, suspicious_feedback
from fbresearch.errors import AnalysisError, FeedbackDataError

T0 = pd.Timestamp("2026-10-14 09:00")


def _frame(texts, customers=None, minutes=None):
    n = len(texts)
    return pd.DataFrame(
        {
            "customer_id": customers if customers is not None else [f"c{i}" for i in range(n)],
            "submitted_at": T0
            + pd.to_timedelta(minutes if minutes is not None else range(n), unit="min"),
            "text": texts,
        }
    )


def _reasons(result):
    return result.flags["reason"].tolist()


# --------------------------------------------------------------------------- gibberish, templates


def test_gibberish_cases():
    # "!!!???": 6 visible characters, no letter or Chinese character -> no words;
    # "zzzzzzzz": one character repeated 8 times; "asdfghjkl qwrtzpsdf": both 6+ letter words
    # have no vowel inside -> keyboard mashing; "hello there": real words, nothing flagged.
    r = suspicious_feedback(_frame(["!!!???", "zzzzzzzz", "asdfghjkl qwrtzpsdf", "hello there"]))
    assert _reasons(r) == ["gibberish", "gibberish", "gibberish", ""]


def test_template_only_cases():
    # placeholders match after normalizing (case, punctuation, spaces); a text with more in it
    # than the placeholder is real feedback.
    texts = ["系统默认好评", "五星好评！", "Five stars.", "five stars but the courier was late"]
    r = suspicious_feedback(_frame(texts))
    assert _reasons(r) == ["template_only", "template_only", "template_only", ""]


# --------------------------------------------------------------------------- bursts


def test_copied_text_burst_needs_five_customers():
    batch = "超级好吃，食材很新鲜，五星好评，强烈推荐大家来买"
    # five customers within five minutes: a batch (the data spans less than ten windows, so
    # the usual-rate check does not apply)
    five = suspicious_feedback(_frame([batch] * 5 + ["送餐太慢了"]))
    assert _reasons(five) == ["copied_text_burst"] * 5 + [""]
    # four customers: below min_customers, nothing flagged
    four = suspicious_feedback(_frame([batch] * 4 + ["送餐太慢了"]))
    assert not four.flags["suspicious"].any()
    # the same five texts spread over five days (one a day): never five within 24 h either side
    days = suspicious_feedback(_frame([batch] * 5, minutes=[i * 1440 * 1.01 for i in range(5)]))
    assert "copied_text_burst" not in "".join(_reasons(days))


def test_customer_burst_four_within_an_hour():
    # customer a: 4 responses 10 minutes apart -> all 4 flagged; customer b: 3 -> none
    texts = [f"message number {w}" for w in ("one", "two", "three", "four", "five", "six", "seven")]
    customers = ["a", "a", "a", "a", "b", "b", "b"]
    r = suspicious_feedback(_frame(texts, customers, minutes=[0, 10, 20, 30, 0, 10, 20]))
    assert _reasons(r) == ["customer_burst"] * 4 + [""] * 3
    # the same four of customer a spread over four hours: never four within an hour either side
    spread = suspicious_feedback(_frame(texts, customers, minutes=[0, 90, 180, 270, 0, 10, 20]))
    assert not spread.flags["suspicious"].any()


def test_near_duplicate_long_texts_only():
    long_text = " ".join(f"word{i}" for i in range(70))  # 70 units: a long text
    short = "Delivery was late again."  # short texts repeat by chance
    texts = [long_text, long_text, short, short]
    r = suspicious_feedback(_frame(texts, minutes=[0, 60 * 24 * 60, 0, 60 * 24 * 60]))
    assert _reasons(r) == ["near_duplicate", "near_duplicate", "", ""]
    # all four nearly repeat another customer's text: 4 of 4 texts with words
    assert r.flags["near_duplicate"].tolist() == [True] * 4
    assert r.near_duplicate_share == 1.0


def test_same_customer_repeating_is_not_a_near_duplicate():
    long_text = " ".join(f"word{i}" for i in range(70))
    r = suspicious_feedback(_frame([long_text, long_text], ["a", "a"], minutes=[0, 600]))
    assert not r.flags["near_duplicate"].any()


# --------------------------------------------------------------------------- table and result


def test_table_counts_and_shares():
    # 2 gibberish and 1 template among 8 responses: shares 2/8 and 1/8; 3 of 8 flagged
    texts = ["!!!!", "????", "好评", "ok fine", "late again", "nice food", "cold soup", "thanks"]
    r = suspicious_feedback(_frame(texts))
    table = r.table.set_index("reason")
    assert list(table.index) == list(REASONS)
    assert table.loc["gibberish", "responses"] == 2
    assert table.loc["gibberish", "estimate"] == pytest.approx(0.25)
    assert table.loc["template_only", "estimate"] == pytest.approx(0.125)
    assert table["responses"].sum() == 3
    assert r.flagged.n == 8 and r.flagged.estimate == pytest.approx(3 / 8)
    assert r.summary().startswith("3 of 8 responses")
    assert r.findings()[0].estimate is r.flagged


def test_confidence_is_carried():
    texts = ["!!!!", "ok fine", "late again", "nice food"]
    wide = suspicious_feedback(_frame(texts))
    narrow = suspicious_feedback(_frame(texts), confidence=0.8)
    assert narrow.confidence == 0.8 and narrow.flagged.confidence == 0.8
    assert (narrow.table["confidence"] == 0.8).all()
    assert (
        narrow.flagged.ci_high - narrow.flagged.ci_low < wide.flagged.ci_high - wide.flagged.ci_low
    )


def test_exclude_drops_flagged_rows():
    df = _frame(["!!!!", "ok fine", "late again"])
    assert len(suspicious_feedback(df).kept(df)) == 3
    kept = suspicious_feedback(df, exclude=True).kept(df)
    assert kept["text"].tolist() == ["ok fine", "late again"]


def test_missing_columns_and_bad_input():
    r = suspicious_feedback(pd.DataFrame({"text": ["!!!!", "fine"]}))
    assert "Without submission times" in r.summary()
    assert "different customer" in r.summary()
    with pytest.raises(AnalysisError, match="verbatim"):
        suspicious_feedback(pd.DataFrame({"nps": [1]}))
    with pytest.raises(FeedbackDataError):
        suspicious_feedback(["not a frame"])
    with pytest.raises(AnalysisError, match="threshold"):
        suspicious_feedback(_frame(["x"]), threshold=0)


# --------------------------------------------------------------------------- building blocks


def test_window_counts_by_hand():
    group = np.array([0, 0, 0, 1])
    seconds = np.array([0.0, 10.0, 100.0, 5.0])
    # group 0: rows at 0 and 10 s are within 15 s of each other; 100 s is alone
    assert _window_counts(group, seconds, None, 15).tolist() == [2, 2, 1, 1]
    # counting distinct customers instead: rows 0 and 1 are the same customer
    who = np.array(["a", "a", "b", "c"], dtype=object)
    assert _window_counts(group, seconds, who, 15).tolist() == [1, 1, 1, 1]
    assert _window_counts(group, seconds, None, 200).tolist() == [3, 3, 3, 1]


def test_shingles_by_hand():
    doc, h = shingle_hashes(pd.Series([["a", "b", "c", "d"], ["a", "b", "c", "d"], ["x"], []]), 3)
    # 4 units, ngram 3 -> 2 shingles each; one unit -> one shingle; none -> none
    assert doc.tolist() == [0, 0, 1, 1, 2]
    assert h[:2].tolist() == h[2:4].tolist()  # the same units give the same hashes
    assert h[0] != h[1]


def test_near_duplicate_groups_by_hand():
    sig = np.array([[1, 2, 3, 4], [1, 2, 3, 4], [9, 9, 9, 9]], dtype=np.uint64)
    labels = near_duplicate_groups(sig, threshold=0.5, bands=2)
    assert labels[0] == labels[1] != labels[2]
