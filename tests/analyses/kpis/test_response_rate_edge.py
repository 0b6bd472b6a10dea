"""A response rate just under the benchmark's lower bound must not read "15.0%, below 15-25%"."""

from __future__ import annotations

import pandas as pd

import fbresearch as fb


def test_a_rate_that_rounds_to_the_bound_says_just_under_it():
    # hand-worked: 49 of 327 invited is 14.98%, shown as 15.0%: below the 15-25% range
    months = pd.Timestamp("2026-10-10")
    feedback = pd.DataFrame({"submitted_at": [months] * 49, "channel": "email", "nps": 9})
    invitations = pd.DataFrame({"channel": ["email"], "month": ["2026-10"], "invited": [327]})
    result = fb.response_rate(invitations, fb.load_feedback(feedback).frame, by="channel")
    text = result.summary()
    assert "15.0%" in text and "just under 15%" in text and "below the 15-25% benchmark" in text
