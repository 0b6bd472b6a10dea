"""Checks, the quality report and its sentences (fbresearch.io.validate)."""

from __future__ import annotations

import pandas as pd
import pytest
from loader_cases import GOOD, check_error, quality_row, write

from fbresearch import FeedbackDataError
from fbresearch.io.load import load_feedback


def test_exact_duplicate_rows_are_dropped_and_counted(tmp_path):
    lines = GOOD.splitlines()
    text = "\n".join(lines + [lines[1], lines[2], lines[1]]) + "\n"
    fb = load_feedback(write(tmp_path, "dups.csv", text))
    assert fb.frame["response_id"].tolist() == ["a1", "a2", "a3"]
    row = quality_row(fb, "duplicate")
    assert (row["rows"], row["action"], row["example_rows"]) == (3, "dropped", [4, 5, 6])
    assert fb.summary().startswith("3 of 6 responses read from dups.csv were kept; 3 dropped")


def test_conflicting_duplicate_ids_are_an_error(tmp_path):
    text = GOOD + "a2,2026-10-09 10:30,web,8,4,changed my mind\n"
    with pytest.raises(FeedbackDataError) as excinfo:
        load_feedback(write(tmp_path, "conflict.csv", text))
    check_error(
        excinfo,
        file="conflict.csv",
        column="response_id",
        rows=[2, 4],
        says=("'a2' on rows 2, 4", "customer"),
    )


def test_empty_texts_are_flagged_and_counted(tmp_path):
    text = 'submitted_at,nps,text\n2026-10-01,9,good\n2026-10-02,8,"   "\n2026-10-03,7,\n'
    fb = load_feedback(write(tmp_path, "texts.csv", text))
    assert fb.frame["flag_empty_text"].tolist() == [False, True, True]
    assert fb.frame["text"].isna().tolist() == [False, True, True]
    row = quality_row(fb, "empty_text")
    assert (row["rows"], row["action"], row["example_rows"]) == (2, "flagged", [2, 3])


def test_straight_lining_is_flagged_not_dropped(tmp_path):
    raw = pd.DataFrame(
        {
            "submitted_at": ["2026-10-01"] * 5,
            "nps": [9, 9, 2, 5, 5],
            "Speed": [5, 5, 1, 3, None],
            "Price": [5, 4, 1, 3, 2],
            "Staff": [5, 3, 1, 3, 2],
        }
    )
    fb = load_feedback(raw, ratings=["Speed", "Price", "Staff"])
    # hand-worked: rows 1 and 3 are all equal; row 4 too; row 5 has only 2 ratings answered
    assert fb.frame["flag_straight_lined"].tolist() == [True, False, True, True, False]
    assert len(fb.frame) == 5
    row = quality_row(fb, "straight_lined")
    assert (row["rows"], row["action"], row["example_rows"]) == (3, "flagged", [1, 3, 4])
    # the ratings are named as the reader knows them, not by their rating_ codes
    assert row["column"] == "Speed rating, Price rating, Staff rating"


def test_missing_response_ids_are_made_from_row_numbers(tmp_path):
    text = "response_id,submitted_at,nps\nx9,2026-10-01,9\n,2026-10-02,8\n"
    fb = load_feedback(write(tmp_path, "ids.csv", text))
    assert fb.frame["response_id"].tolist() == ["x9", "row2"]
    assert quality_row(fb, "missing_id")["action"] == "filled"


def test_summary_sentences_hand_worked(tmp_path):
    text = (
        "response_id,submitted_at,nps,text\na,2026-10-01,9,good\na,2026-10-01,9,good\n"
        "b,2026-10-02,,\nc,2026-10-03,4,\n"
    )
    fb = load_feedback(write(tmp_path, "s.csv", text))
    assert fb.summary() == (
        "2 of 4 responses read from s.csv were kept; 2 dropped: "
        "1 with no answer at all (no score and no text); 1 exact duplicates of earlier rows. "
        "Flagged but kept: 1 with an empty verbatim (their scores still count)."
    )


def test_blank_dates_few_dropped_many_refused(tmp_path):
    # 1 blank date in 150 rows (0.7% <= 1%): that row is dropped and counted
    lines = [f"2026-10-01,{i % 11}" for i in range(150)]
    lines[70] = ",5"
    fb = load_feedback(write(tmp_path, "few.csv", "submitted_at,nps\n" + "\n".join(lines)))
    assert len(fb.frame) == 149 and 70 not in fb.frame.index
    assert quality_row(fb, "missing_date")["example_rows"] == [71]
    text = "submitted_at,nps\n2026-10-01,9\n,8\n,7\n"
    with pytest.raises(FeedbackDataError) as excinfo:
        load_feedback(write(tmp_path, "many.csv", text))
    check_error(excinfo, file="many.csv", column="submitted_at", rows=[2, 3], says=("no date",))


# --- the quality report called directly -----------------------------------------------------


def test_describe_quality_names_every_action_hand_worked():
    from fbresearch.io.validate import describe_quality

    q = pd.DataFrame(
        [
            {
                "check": "duplicate",
                "column": "response_id",
                "rows": 2,
                "action": "dropped",
                "example_rows": [4, 5],
                "message": "exact duplicates of earlier rows",
            },
            {
                "check": "empty_text",
                "column": "text",
                "rows": 3,
                "action": "flagged",
                "example_rows": [1],
                "message": "with an empty verbatim",
            },
            {
                "check": "invalid_nps",
                "column": "nps",
                "rows": 1,
                "action": "blanked",
                "example_rows": [9],
                "message": "nps answers outside the range 0-10",
            },
        ]
    )
    assert describe_quality(q, 1200, 1198, "built-in sample") == (
        "1,198 of 1,200 responses read from the built-in sample were kept; 2 dropped: 2 exact "
        "duplicates of earlier rows. Flagged but kept: 3 with an empty verbatim. 1 nps answers "
        "outside the range 0-10 (set to missing)."
    )


def test_report_counts_rows_and_gives_one_based_examples():
    import numpy as np

    from fbresearch.io.validate import QUALITY_COLUMNS, _Report

    rep = _Report("survey.csv")
    rep.add("x", "nps", np.arange(7), "flagged", "seven rows")
    rep.add("y", "nps", np.array([], dtype=int), "flagged", "nothing: not recorded")
    table = rep.frame()
    assert list(table.columns) == list(QUALITY_COLUMNS) and len(table) == 1
    assert table.iloc[0]["rows"] == 7 and table.iloc[0]["example_rows"] == [1, 2, 3, 4, 5]
    err = rep.error("bad", "nps", [0, 2], fix="fix it.")
    assert err.source == "survey.csv" and err.rows == (1, 3)


def test_future_dated_rows_are_dropped_and_counted(tmp_path):
    today = pd.Timestamp.now(tz="UTC").tz_localize(None).normalize()
    tomorrow = today + pd.Timedelta(days=1)
    text = (
        f"submitted_at,nps\n2026-10-01,9\n2099-01-01,8\n{today:%Y-%m-%d} 23:00,7\n"
        f"{tomorrow:%Y-%m-%d},6\n"
    )
    fb = load_feedback(write(tmp_path, "future.csv", text))
    assert fb.frame["nps"].tolist() == [9, 7]  # today still counts; tomorrow and 2099 do not
    row = quality_row(fb, "future_date")
    assert (row["rows"], row["action"], row["example_rows"]) == (2, "dropped", [2, 4])
    assert f"2 dated in the future (after {today:%Y-%m-%d}, UTC)" in fb.summary()


def test_only_future_rows_is_a_named_error_saying_why(tmp_path):
    text = "submitted_at,nps\n2099-01-01,9\n2099-02-01,8\n"
    with pytest.raises(FeedbackDataError) as excinfo:
        load_feedback(write(tmp_path, "all_future.csv", text))
    check_error(
        excinfo,
        file="all_future.csv",
        says=("no usable rows are left after validation (2 dated in the future (after ",),
    )
