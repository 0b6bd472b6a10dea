"""Tests of fbresearch.analyses.triage.narrative and .results: sentences and confidence labels."""

from __future__ import annotations

import pandas as pd

from fbresearch.analyses.triage import (
    categorize,
    close_the_loop,
    narrative,
    response_times,
    severity,
    severity_mix,
)
from fbresearch.analyses.triage.results import LoopResult, ResponseTimesResult

TEXTS = ["The courier was late", "late courier again", "cold food", "lovely weather today"]


def test_category_sentences_by_hand():
    # 4 texts: delivery 2 (50%), product quality 1 (25%); the weather in none (25%)
    r = categorize(TEXTS, confidence=0.9)
    assert r.summary().startswith(
        "Of 4 texts, the largest categories were Delivery and logistics 50%"
    )
    first, unc = narrative.category_findings(r)
    assert first.sentence.startswith(
        "The largest feedback category was delivery and logistics: 50%"
    )
    assert first.estimate.confidence == 0.9 and unc.estimate.confidence == 0.9
    assert r.confidence == 0.9 and (r.table["confidence"] == 0.9).all()


def test_severity_sentences_by_hand():
    df = pd.DataFrame({"nps": [2, 9, 10, 10], "text": ["", "food poisoning", "", ""]})
    mix = severity_mix(severity(df), confidence=0.9)
    # 1 urgent (food poisoning), 1 important (detractor), 2 general of 4
    assert mix.summary().startswith(
        "Of 4 responses: urgent 25.0% (1), important 25.0% (1), general 50.0% (2)."
    )
    (f,) = mix.findings()
    assert f.sentence.startswith("1 of 4 responses was graded urgent: 25.0% (")
    assert f.estimate.confidence == 0.9


def _cases():
    sub = pd.to_datetime(["2026-10-01 00:00"] * 4)
    return pd.DataFrame(
        {
            "submitted_at": sub,
            # answered after 1 h, 2 h, 100 h (late for the 72 h general limit), never
            "responded_at": sub + pd.to_timedelta([1, 2, 100, None], unit="h"),
            "resolved_at": sub + pd.to_timedelta([2, 3, 101, None], unit="h"),
        }
    )


def test_response_times_labels_follow_confidence():
    r = response_times(_cases(), asof="2026-10-10", window_days=None, confidence=0.9)
    # 2 of 4 due cases answered within 72 h
    assert r.within.estimate == 0.5 and r.within.n == 4
    assert r.summary().startswith("50% (")
    cols = list(r.display_table().columns)
    assert "Answered within limit (90% CI)" in cols
    assert "Median hours to resolution (90% CI)" in cols
    default = response_times(_cases(), asof="2026-10-10", window_days=None)
    assert "Answered within limit (95% CI)" in default.display_table().columns


def test_empty_results_say_so():
    assert ResponseTimesResult(table=pd.DataFrame()).summary() == (
        "No cases to measure response times on."
    )
    assert LoopResult(table=pd.DataFrame()).findings() == []


def test_loop_sentence_and_confidence():
    df = pd.DataFrame(
        {
            "customer_id": ["a", "b"],
            "nps": [3, 2],
            "submitted_at": pd.to_datetime(["2026-01-01", "2026-01-05"]),
            "responded_at": pd.to_datetime(["2026-01-02", None]),
        }
    )
    r = close_the_loop(df, asof="2026-04-01", confidence=0.8)
    assert r.confidence == 0.8 and r.contacted.confidence == 0.8
    # 1 of 2 detractors contacted
    assert r.summary().startswith("50% (")
    assert "of 2 detractors (NPS 0-6) were contacted" in r.summary()


def test_follow_up_without_contact_times_speaks_of_the_outcome_and_names_the_columns():
    # reviews with a satisfied label only (no NPS, no reply times): the page's outcome is
    # "satisfied", so the follow-up is of dissatisfied customers, and it needs a reply column
    from fbresearch.analyses.triage import loop_task
    from fbresearch.results import attempt

    df = pd.DataFrame(
        {"submitted_at": pd.Timestamp("2026-10-01"), "satisfied": [0, 1, 0], "text": "x"}
    )
    loop = attempt(
        close_the_loop, df, asof="2026-11-01", outcome="satisfied", what=loop_task("satisfied")
    )
    assert loop.summary() == (
        "Follow-up of dissatisfied customers could not run: it needs the time each response was "
        "first answered or the time its case was resolved to know who was contacted, and the "
        "data has neither. Fix: map one of them in params (columns: {responded_at: <your "
        "column>} or resolved_at)."
    )
    assert "detractor" not in loop.summary()
    assert loop_task("nps") == "Follow-up of detractors"
    assert loop_task("csat") == "Follow-up of unhappy customers"
    assert loop_task("ces") == "Follow-up of customers who found it hard"


def test_response_times_by_column_uses_the_display_labels():
    # two channels and two categories: the "By" column heads its groups as other tables head
    # those columns (Channel, Category), never the raw lowercase dimension names
    from fbresearch.analyses.triage import add_triage_columns, categorize

    cases = _cases().assign(
        channel=["email", "app", "email", "app"],
        text=["late courier", "refund please", "late again", "refund still"],
        nps=[2, 9, 3, 10],
    )
    cases = add_triage_columns(cases, categorize(cases["text"]), severity(cases))
    table = response_times(cases, asof="2026-10-10", window_days=None, min_cases=1)
    shown = table.display_table()
    assert list(dict.fromkeys(shown["By"])) == ["All", "Severity", "Channel", "Category"]
    assert set(shown.loc[shown["By"] == "Channel", "Group"]) == {"email", "app"}
    assert table.table["dimension"].iloc[0] == "all"  # the tidy table keeps the codes
