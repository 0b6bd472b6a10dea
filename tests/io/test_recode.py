"""Params for real exports: missing_codes, value_maps and wave (fbresearch.io.recode)."""

from __future__ import annotations

import pandas as pd
import pytest
from loader_cases import check_error, quality_row, write

from fbresearch import FeedbackDataError
from fbresearch.errors import ParamsError
from fbresearch.io.load import load_feedback
from fbresearch.io.recode import check_data_params


def _zeros_csv(tmp_path):
    # 12 rows; rows 3, 6, 9, 12 (every third) hold the code 0 in the seat rating
    lines = [f"2026-10-{i + 1:02d},9,{0 if i % 3 == 2 else 4},{5 - i % 2}" for i in range(12)]
    text = "submitted_at,nps,Seat comfort,Legroom\n" + "\n".join(lines) + "\n"
    return write(tmp_path, "zeros.csv", text)


def test_missing_code_for_all_ratings_blanks_and_counts_those_cells(tmp_path):
    fb = load_feedback(
        _zeros_csv(tmp_path), ratings=["Seat comfort", "Legroom"], missing_codes={"ratings": [0]}
    )
    seat = fb.frame["rating_seat_comfort"]
    assert seat.isna().tolist() == [i % 3 == 2 for i in range(12)]
    assert seat.dropna().tolist() == [4] * 8
    assert fb.frame["rating_legroom"].notna().all()  # no zeros there: untouched
    row = quality_row(fb, "missing_code")
    assert (row["column"], row["rows"], row["action"]) == ("rating_seat_comfort", 4, "blanked")
    assert row["example_rows"] == [3, 6, 9, 12]
    assert row["message"] == "missing code 0 in rating_seat_comfort: 4 cells set to missing"
    assert "missing code 0 in rating_seat_comfort: 4 cells set to missing." in fb.summary()


def test_missing_codes_by_column_and_for_scores_match_text_and_numbers(tmp_path):
    text = "submitted_at,nps,csat\n2026-10-01,99,5\n2026-10-02,9,98\n2026-10-03, 99 ,4\n"
    fb = load_feedback(write(tmp_path, "codes.csv", text), missing_codes={"scores": [99, 98]})
    assert fb.frame["nps"].isna().tolist() == [True, False, True]
    assert fb.frame["csat"].isna().tolist() == [False, True, False]
    counted = fb.quality[fb.quality["check"] == "missing_code"]
    assert sorted(zip(counted["column"], counted["rows"], strict=True)) == [("csat", 1), ("nps", 2)]
    with pytest.raises(FeedbackDataError) as excinfo:
        load_feedback(write(tmp_path, "codes2.csv", text), missing_codes={"ces": [99]})
    check_error(excinfo, file="codes2.csv", column="ces", says=("`missing_codes` names",))


def test_value_maps_turn_a_label_into_satisfied(tmp_path):
    text = (
        "submitted_at,Satisfaction\n2026-10-01,satisfied\n2026-10-02,Neutral or dissatisfied\n"
        "2026-10-03, Satisfied \n2026-10-04,\n"
    )
    fb = load_feedback(
        write(tmp_path, "label.csv", text),
        columns={"satisfied": "Satisfaction"},
        value_maps={"satisfied": {"satisfied": 1, "neutral or dissatisfied": 0}},
    )
    # the blank row has no answer at all and is dropped
    assert fb.frame["satisfied"].tolist() == [1, 0, 1]
    assert str(fb.frame["satisfied"].dtype) == "Int64"
    assert quality_row(fb, "value_map")["rows"] == 3


def test_value_maps_unmapped_answers_name_values_counts_rows_and_fix(tmp_path):
    answers = ["Very satisfied", "Satisfied", "Meh", "Satisfied", "Meh", "Awful", "4"]
    text = "submitted_at,csat\n" + "".join(f"2026-10-0{i + 1},{a}\n" for i, a in enumerate(answers))
    with pytest.raises(FeedbackDataError) as excinfo:
        load_feedback(
            write(tmp_path, "csat.csv", text),
            value_maps={"csat": {"very satisfied": 5, "satisfied": 4}},
        )
    # '4' is a number already and passes; Meh (rows 3, 5) and Awful (row 6) have no value
    check_error(
        excinfo,
        file="csat.csv",
        column="csat",
        rows=[3, 5, 6],
        says=(
            "3 answers have no value in `value_maps`: 'Meh' (2), 'Awful' (1)",
            'value_maps: {csat: {"Meh": <value>}}',
        ),
    )


def test_wave_month_dates_rows_without_timestamps(tmp_path):
    path = write(tmp_path, "wave.csv", "Class,nps\nEco,9\nBusiness,3\n")
    fb = load_feedback(path, wave="2026-10")
    assert fb.frame["wave"].tolist() == ["2026-10", "2026-10"]
    assert fb.frame["submitted_at"].tolist() == [pd.Timestamp("2026-10-01")] * 2
    assert quality_row(fb, "wave")["action"] == "filled"


def test_wave_column_with_months_and_dates(tmp_path):
    text = "Wave,nps\n2026-09,9\n2026/10,3\n2026-10-17,7\n"
    fb = load_feedback(write(tmp_path, "waves.csv", text), wave={"column": "Wave"})
    assert fb.frame["wave"].tolist() == ["2026-09", "2026-10", "2026-10"]
    assert fb.frame["submitted_at"].tolist() == list(
        pd.to_datetime(["2026-09-01", "2026-10-01", "2026-10-01"])
    )
    bad = "Wave,nps\n2026-09,9\nspring,3\n"
    with pytest.raises(FeedbackDataError) as excinfo:
        load_feedback(write(tmp_path, "bad.csv", bad), wave={"column": "Wave"})
    check_error(excinfo, file="bad.csv", column="Wave", rows=[2], says=("'spring' (row 2)",))


def test_check_data_params_normalises_and_refuses_with_key_and_fix():
    given = {"missing_codes": {"ratings": 0}, "value_maps": None, "wave": None, "encoding": None}
    check_data_params(given, "p.yaml")
    assert given == {
        "missing_codes": {"ratings": [0]},
        "value_maps": {},
        "wave": None,
        "encoding": "auto",
    }
    cases = [
        ({"value_maps": {"satisfied": {True: 1, False: 0}}}, "quote the answers"),
        ({"value_maps": {"csat": {"good": "five"}}}, "'value_maps.csat.good' must be a number"),
        ({"missing_codes": {"ratings": [True]}}, "'missing_codes.ratings' must be a list"),
        ({"wave": "Oct 2026"}, "'wave' must be null, a month"),
        ({"wave": {"col": "Wave"}}, '{column: "<your wave column>"}'),
        ({"encoding": "klingon"}, "'encoding' 'klingon' is not a known text encoding"),
    ]
    for params, says in cases:
        with pytest.raises(ParamsError, match="p.yaml") as excinfo:
            check_data_params(params, "p.yaml")
        assert says in str(excinfo.value), str(excinfo.value)
