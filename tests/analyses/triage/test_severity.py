"""Severity grades on the outcome the data has; every rule row names its grade."""

import pandas as pd

from fbresearch.analyses.triage import severity, severity_mix


def _reviews() -> pd.DataFrame:
    # hand-worked: 2 unsatisfied of 5, one legal threat (urgent first), rest general
    return pd.DataFrame(
        {
            "satisfied": [0, 0, 1, 1, 0],
            "text": ["cold food", "late again", "good", "fine", "I will call my lawyer"],
        }
    )


def test_satisfied_label_grades_unhappy_important_without_nps():
    graded = severity(_reviews())
    assert graded["rule"].tolist() == [
        "detractor", "detractor", "default", "default", "legal_or_regulator"
    ]
    mix = severity_mix(graded)
    important = mix.grades.set_index("severity").loc["important", "n"]
    assert important == 2
    text = mix.summary()
    assert "no column 'nps'" not in text and "map a column" not in text
    assert "not satisfied" in text


def test_fallback_order_nps_then_csat_then_satisfied():
    df = pd.DataFrame({"csat": [1, 5], "satisfied": [1, 0], "text": ["x", "y"]})
    # CSAT 1 is unhappy; satisfied 0 is ignored because CSAT comes first
    assert severity(df)["rule"].tolist() == ["detractor", "default"]
    both = df.assign(nps=[9, 3])
    assert severity(both)["rule"].tolist() == ["default", "detractor"]
    # the page's own outcome wins over the fallback
    assert severity(both, outcome="satisfied")["rule"].tolist() == ["default", "detractor"]
    assert severity(both, outcome="csat")["rule"].tolist() == ["detractor", "default"]


def test_no_outcome_at_all_grades_negative_texts_unscored():
    df = pd.DataFrame({"text": ["terrible awful service", "great"]})
    assert severity(df)["rule"].tolist() == ["negative_text_unscored", "default"]


def test_rules_no_response_met_still_show_their_grade():
    mix = severity_mix(severity(_reviews()))
    table = mix.display_table().set_index("rule")
    assert table.loc["Safety or health", "severity"] == "urgent"
    assert table.loc["Churn intent", "severity"] == "urgent"
    assert table.loc["Negative text unscored", "severity"] == "important"
    assert (table["severity"] != "").all()
