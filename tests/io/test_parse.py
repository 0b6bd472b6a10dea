"""Decoding dates and scores (fbresearch.io.parse), through load_feedback."""

from __future__ import annotations

import pandas as pd
import pytest
from loader_cases import check_error, quality_row, write

from fbresearch import FeedbackDataError
from fbresearch.io.load import load_feedback


def test_unparseable_dates_list_rows_and_values(tmp_path):
    rows = ["2026-10-01,9", "yesterday,8", "2026-10-03,7", "31/02/2026,5", "2026-10-05,6"]
    path = write(tmp_path, "dates.csv", "submitted_at,nps\n" + "\n".join(rows) + "\n")
    with pytest.raises(FeedbackDataError) as excinfo:
        load_feedback(path)
    check_error(
        excinfo,
        file="dates.csv",
        column="submitted_at",
        rows=[2, 4],
        says=("'yesterday' (row 2)", "'31/02/2026' (row 4)"),
    )


def test_day_first_dates_are_parsed_and_ambiguous_ones_refused(tmp_path):
    path = write(tmp_path, "uk.csv", "submitted_at,nps\n31/10/2026,9\n01/11/2026,8\n")
    fb = load_feedback(path)
    assert fb.frame["submitted_at"].tolist() == list(pd.to_datetime(["2026-10-31", "2026-11-01"]))
    path = write(tmp_path, "ambiguous.csv", "submitted_at,nps\n01/02/2026,9\n03/04/2026,8\n")
    with pytest.raises(FeedbackDataError) as excinfo:
        load_feedback(path)
    check_error(
        excinfo,
        file="ambiguous.csv",
        column="submitted_at",
        rows=[1, 2],
        says=("day/month/year or month/day/year",),
    )


def test_timezone_offsets_are_converted_to_one_zone(tmp_path):
    text = (
        "submitted_at,nps\n2026-10-01T08:00:00+08:00,9\n2026-10-01T00:00:00Z,8\n"
        "2026-09-30T20:00:00-04:00,7\n"
    )
    fb = load_feedback(write(tmp_path, "tz.csv", text))
    # truth: all three stamps are the same instant, 2026-10-01 00:00 UTC
    assert fb.frame["submitted_at"].tolist() == [pd.Timestamp("2026-10-01 00:00")] * 3
    assert quality_row(fb, "timezone")["action"] == "converted"
    shanghai = load_feedback(write(tmp_path, "tz.csv", text), tz="Asia/Shanghai")
    assert shanghai.frame["submitted_at"].iloc[0] == pd.Timestamp("2026-10-01 08:00")


def test_naive_and_aware_stamps_mixed_is_an_error(tmp_path):
    text = "submitted_at,nps\n2026-10-01T08:00:00+08:00,9\n2026-10-01 09:00,8\n"
    with pytest.raises(FeedbackDataError) as excinfo:
        load_feedback(write(tmp_path, "mixed.csv", text))
    check_error(excinfo, file="mixed.csv", column="submitted_at", rows=[2], says=("UTC offset",))


@pytest.mark.parametrize(
    ("column", "bad", "range_text"),
    [
        ("nps", "11", "0-10"),
        ("csat", "0", "1-5"),
        ("ces", "8", "1-7"),
        ("rating_delivery", "6", "1-5"),
    ],
)
def test_out_of_range_scores(tmp_path, column, bad, range_text):
    good = {"nps": "9", "csat": "4", "ces": "2", "rating_delivery": "3"}[column]
    values = [good, good, bad, good, bad]
    text = f"submitted_at,text,{column}\n" + "".join(
        f"2026-10-0{i + 1},t,{v}\n" for i, v in enumerate(values)
    )
    with pytest.raises(FeedbackDataError) as excinfo:
        load_feedback(write(tmp_path, "range.csv", text))
    check_error(
        excinfo,
        file="range.csv",
        column=column,
        rows=[3, 5],
        says=(f"2 outside the range {range_text}", f"{bad} (row 3)"),
    )


def test_non_integer_score(tmp_path):
    text = "submitted_at,csat\n2026-10-01,4\n2026-10-02,3.5\n2026-10-03,5\n"
    with pytest.raises(FeedbackDataError) as excinfo:
        load_feedback(write(tmp_path, "half.csv", text))
    check_error(excinfo, file="half.csv", column="csat", rows=[2], says=("1 not whole numbers",))


def test_non_numeric_score_text(tmp_path):
    text = "submitted_at,csat\n2026-10-01,4\n2026-10-02,Very satisfied\n2026-10-03,5\n"
    with pytest.raises(FeedbackDataError) as excinfo:
        load_feedback(write(tmp_path, "words.csv", text))
    check_error(
        excinfo,
        file="words.csv",
        column="csat",
        rows=[2],
        says=("1 not numbers", "'Very satisfied' (row 2)", "coded as numbers"),
    )


def test_numeric_text_with_spaces_and_decimals_is_accepted(tmp_path):
    text = 'submitted_at,nps\n2026-10-01,"9 "\n2026-10-02,9.0\n2026-10-03, 10\n2026-10-04,\n'
    fb = load_feedback(write(tmp_path, "loose.csv", text))
    assert fb.frame["nps"].tolist() == [9, 9, 10]  # the row with no answer at all is dropped
    assert quality_row(fb, "no_answer")["example_rows"] == [4]


def test_a_few_invalid_scores_among_many_are_blanked_and_counted(tmp_path):
    # 2 of 300 filled NPS cells are invalid (0.7% <= 1%): set to missing, rows kept, counted
    nps = ["8"] * 300
    nps[41], nps[250] = "12", "x"
    text = "submitted_at,nps,text\n" + "".join(f"2026-10-01,{v},t{i}\n" for i, v in enumerate(nps))
    fb = load_feedback(write(tmp_path, "many.csv", text))
    assert len(fb.frame) == 300
    assert fb.frame["nps"].isna().sum() == 2
    assert fb.frame["nps"].isna().to_numpy().nonzero()[0].tolist() == [41, 250]
    q = fb.quality.set_index("message")
    assert q.loc["nps answers outside the range 0-10", "example_rows"] == [42]
    assert q.loc["nps answers not numbers", "example_rows"] == [251]
    assert set(q["action"]) == {"blanked"}
    assert "2 nps answers" not in fb.summary()  # reported per kind
    assert "1 nps answers outside the range 0-10 (set to missing)" in fb.summary()


# --- the parsers called directly ------------------------------------------------------------


def test_parse_category_cleans_spelling_variants():
    from fbresearch.io.parse import _parse_category

    got = _parse_category(pd.Series([" Call Center", "call-center", "WEB", None, "  "]))
    assert got.tolist()[:3] == ["call_center", "call_center", "web"]
    assert got.isna().tolist() == [False, False, False, True, True]
    assert isinstance(got.dtype, pd.CategoricalDtype)


def test_parse_amount_reads_currency_text_and_refuses_words():
    from fbresearch.io.parse import _parse_amount
    from fbresearch.io.validate import _Report

    rep = _Report("orders.csv")
    got = _parse_amount(pd.Series(["¥1,200.50", " -30 ", "7"]), rep)
    assert got.tolist() == [1200.5, -30.0, 7.0] and rep.rows == []
    with pytest.raises(FeedbackDataError) as excinfo:
        _parse_amount(pd.Series(["12", "free"]), rep)
    assert excinfo.value.rows == (2,) and excinfo.value.column == "amount"


def test_parse_dates_picks_the_one_format_that_reads_every_value():
    from fbresearch.io.parse import _parse_dates
    from fbresearch.io.validate import _Report

    got = _parse_dates(pd.Series(["31.10.2026", "01.11.2026", None]), "d", _Report("x"), "UTC")
    assert got.tolist()[:2] == [pd.Timestamp("2026-10-31"), pd.Timestamp("2026-11-01")]
    assert pd.isna(got.iloc[2]) and str(got.dtype) == "datetime64[ns]"


# --- suggestions for real exports: codes, text answers, yes/no labels ------------------------


def test_many_zeros_in_a_rating_suggest_missing_codes(tmp_path):
    # rows 3, 6, 9, 12 hold 0 (4 of 12 answers: far above the invalid share)
    lines = [f"2026-10-{i + 1:02d},9,{0 if i % 3 == 2 else 4}" for i in range(12)]
    path = write(tmp_path, "zeros.csv", "submitted_at,nps,Seat comfort\n" + "\n".join(lines))
    with pytest.raises(FeedbackDataError) as excinfo:
        load_feedback(path, ratings=["Seat comfort"])
    check_error(
        excinfo,
        file="zeros.csv",
        column="rating_seat_comfort",
        rows=[3, 6, 9, 12],
        says=(
            "4 zeros in rating_seat_comfort (rows 3, 6, 9, ...): if 0 means 'not rated', "
            "add to params: missing_codes: {ratings: [0]}",
        ),
    )


def test_99_codes_in_csat_suggest_missing_codes_for_that_column(tmp_path):
    lines = [f"2026-10-01,{99 if i % 4 == 0 else 5}" for i in range(8)]  # rows 1 and 5
    path = write(tmp_path, "c99.csv", "submitted_at,csat\n" + "\n".join(lines))
    with pytest.raises(FeedbackDataError) as excinfo:
        load_feedback(path)
    check_error(
        excinfo,
        file="c99.csv",
        column="csat",
        rows=[1, 5],
        says=(
            "2 99s in csat (rows 1, 5): if 99 means 'don't know', add to params: "
            "missing_codes: {csat: [99]}",
        ),
    )


def test_a_few_zeros_are_blanked_with_the_suggestion_in_the_quality_row(tmp_path):
    # 2 zeros in 300 ratings (0.7% <= 1%): blanked, and the quality row suggests the code
    lines = [f"2026-10-01,9,{0 if i in (10, 20) else 4}" for i in range(300)]
    fb = load_feedback(
        write(tmp_path, "few.csv", "submitted_at,nps,rating_seat\n" + "\n".join(lines))
    )
    row = quality_row(fb, "invalid_rating_seat")
    assert row["rows"] == 2 and row["example_rows"] == [11, 21]
    assert "missing_codes: {ratings: [0]}" in row["message"]


def test_text_answers_in_a_score_column_suggest_value_maps_with_the_values_seen(tmp_path):
    answers = ["Very satisfied", "Satisfied", "Neutral", "Satisfied"]
    text = "submitted_at,csat\n" + "".join(f"2026-10-01,{a}\n" for a in answers)
    with pytest.raises(FeedbackDataError) as excinfo:
        load_feedback(write(tmp_path, "ctext.csv", text))
    check_error(
        excinfo,
        file="ctext.csv",
        column="csat",
        rows=[1, 2, 3, 4],
        says=(
            "csat holds text answers ('Satisfied' 2, 'Very satisfied' 1, 'Neutral' 1)",
            'value_maps: {csat: {"Satisfied": <number>, "Very satisfied": <number>, '
            '"Neutral": <number>}}',
        ),
    )


def test_a_two_valued_label_mapped_to_csat_suggests_satisfied(tmp_path):
    labels = ["satisfied", "neutral or dissatisfied", "satisfied"]
    text = "submitted_at,Satisfaction\n" + "".join(f"2026-10-01,{a}\n" for a in labels)
    with pytest.raises(FeedbackDataError) as excinfo:
        load_feedback(write(tmp_path, "label.csv", text), columns={"csat": "Satisfaction"})
    check_error(
        excinfo,
        file="label.csv",
        column="csat",
        says=(
            'map the column to `satisfied` instead: columns: {satisfied: "Satisfaction"} and '
            'value_maps: {satisfied: {"satisfied": 1, "neutral or dissatisfied": 0}}',
        ),
    )


def test_a_date_in_year_2300_is_an_unparseable_date_not_a_crash(tmp_path):
    text = "submitted_at,nps\n2026-10-01,9\n2300-01-01,8\n2026-11-01,7\n"
    with pytest.raises(FeedbackDataError) as excinfo:
        load_feedback(write(tmp_path, "y2300.csv", text))
    check_error(
        excinfo,
        file="y2300.csv",
        column="submitted_at",
        rows=[2],
        says=("1 value(s) cannot be read as dates: '2300-01-01' (row 2)", "between 1678 and 2261"),
    )
