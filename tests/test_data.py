"""Loading and validating feedback, orders and invitations; periods; canonical files.

The truths here are hand-made inputs: each small file plants a known problem at known rows, and
the test checks that the loader reports exactly that file, column, those rows and a fix (or
counts exactly those rows in the quality table).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json

import numpy as np
import pandas as pd
import pytest

from fbresearch import FeedbackDataError, ParamsError
from fbresearch.io.load import (
    file_sha256,
    latest_complete_month,
    load_feedback,
    load_inputs,
    load_invitations,
    load_orders,
    read_quality,
    write_canonical,
)

HAS_SAMPLE = importlib.util.find_spec("fbresearch.io.sample") is not None
needs_sample = pytest.mark.skipif(not HAS_SAMPLE, reason="fbresearch.io.sample is not written yet")


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def check_error(excinfo, *, file, column=None, rows=None, says=()):
    """The error names the file, the column, the rows (1-based data rows) and a fix."""
    err = excinfo.value
    message = str(err)
    assert type(err) is FeedbackDataError
    assert err.source == file and file in message
    if column is not None:
        assert err.column == column and repr(column) in message
    if rows is not None:
        assert list(err.rows) == list(rows)
        assert f"row{'s' if len(rows) > 1 else ''} {rows[0]}" in message
    assert err.fix and "Fix:" in message
    for text in says:
        assert text in message, message


def quality_row(fb, check):
    rows = fb.quality[fb.quality["check"] == check]
    assert len(rows) == 1, fb.quality
    return rows.iloc[0]


GOOD = (
    "response_id,submitted_at,channel,nps,csat,text\n"
    "a1,2026-10-01 09:00,Email,9,5,fast delivery\n"
    "a2,2026-10-02 10:30,web,3,2,slow\n"
    "a3,2026-10-03 11:00,Call Center,10,4,\n"
)


# --- reading files -----------------------------------------------------------------------------


def test_good_csv_has_canonical_types_and_file_row_index(tmp_path):
    fb = load_feedback(write(tmp_path, "good.csv", GOOD))
    frame = fb.frame
    assert str(frame["submitted_at"].dtype) == "datetime64[ns]"
    assert str(frame["nps"].dtype) == "Int64" and frame["nps"].tolist() == [9, 3, 10]
    assert isinstance(frame["channel"].dtype, pd.CategoricalDtype)
    assert frame["channel"].tolist() == ["email", "web", "call_center"]
    assert frame["response_id"].tolist() == ["a1", "a2", "a3"]
    assert frame.index.tolist() == [0, 1, 2]
    assert fb.source == "good.csv" and fb.n_read == 3 and fb.encoding == "utf-8"
    assert frame["flag_empty_text"].tolist() == [False, False, True]


def test_gbk_csv_loads_with_chinese_text_intact(tmp_path):
    text = (
        "submitted_at,渠道,nps,text\n2026-10-01,微信,9,送货很快，包装完好\n"
        "2026-10-02,电话,2,客服态度差\n"
    )
    path = write(tmp_path, "export_gbk.csv", text, encoding="gbk")
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")  # the fixture really is not UTF-8
    fb = load_feedback(path)
    assert fb.encoding == "gb18030"
    assert fb.frame["text"].tolist() == ["送货很快，包装完好", "客服态度差"]
    assert fb.frame["渠道"].tolist() == ["微信", "电话"]


def test_utf8_bom_csv_header_is_clean(tmp_path):
    path = write(tmp_path, "excel_export.csv", "\ufeff" + GOOD)
    assert path.read_bytes()[:3] == b"\xef\xbb\xbf"
    fb = load_feedback(path)
    assert list(fb.frame.columns[:2]) == ["response_id", "submitted_at"]
    assert fb.frame["response_id"].tolist() == ["a1", "a2", "a3"]


def test_excel_input(tmp_path):
    raw = pd.DataFrame(
        {
            "ID": ["007", "008"],
            "Date": pd.to_datetime(["2026-10-01", "2026-10-05"]),
            "Score": [8, 10],
            "备注": ["还行", "很好"],
        }
    )
    path = tmp_path / "survey.xlsx"
    raw.to_excel(path, index=False)
    fb = load_feedback(
        path, columns={"response_id": "ID", "submitted_at": "Date", "nps": "Score", "text": "备注"}
    )
    assert fb.frame["response_id"].tolist() == ["007", "008"]  # leading zeros kept
    assert fb.frame["submitted_at"].tolist() == list(pd.to_datetime(["2026-10-01", "2026-10-05"]))
    assert fb.frame["text"].tolist() == ["还行", "很好"]


def test_parquet_input(tmp_path):
    raw = pd.DataFrame(
        {
            "submitted_at": pd.to_datetime(["2026-10-01", "2026-10-02"]),
            "csat": [4.0, np.nan],
            "text": ["ok", "bad"],
            "region": ["East", "West"],
        }
    )
    path = tmp_path / "feedback.parquet"
    raw.to_parquet(path)
    fb = load_feedback(path)
    assert fb.frame["csat"].tolist() == [4, pd.NA]
    assert fb.frame["region"].tolist() == ["East", "West"]  # other columns kept


def test_dataframe_input_keeps_its_index(tmp_path):
    raw = pd.DataFrame({"submitted_at": ["2026-10-01"] * 3, "nps": [1, 2, 3]}, index=[10, 20, 30])
    raw = pd.concat([raw, raw.iloc[[0]]])  # an exact duplicate row without ids is flagged only
    fb = load_feedback(raw)
    assert fb.frame.index.tolist() == [10, 20, 30, 10]
    assert fb.frame["flag_duplicate"].tolist() == [False, False, False, True]
    assert fb.frame["response_id"].tolist() == ["row1", "row2", "row3", "row4"]


# --- bad input: hard errors ------------------------------------------------------------------


def test_missing_file(tmp_path):
    with pytest.raises(FeedbackDataError) as excinfo:
        load_feedback(tmp_path / "nowhere.csv")
    check_error(excinfo, file="nowhere.csv", says=("does not exist",))


def test_unsupported_extension(tmp_path):
    with pytest.raises(FeedbackDataError) as excinfo:
        load_feedback(write(tmp_path, "survey.json", "{}"))
    check_error(excinfo, file="survey.json", says=("unsupported file type '.json'", "CSV"))


def test_empty_file(tmp_path):
    with pytest.raises(FeedbackDataError) as excinfo:
        load_feedback(write(tmp_path, "empty.csv", ""))
    check_error(excinfo, file="empty.csv", says=("empty",))


def test_blank_lines_only_file(tmp_path):
    with pytest.raises(FeedbackDataError) as excinfo:
        load_feedback(write(tmp_path, "blank.csv", "\n\n"))
    check_error(excinfo, file="blank.csv", says=("no header",))


def test_header_only_file(tmp_path):
    with pytest.raises(FeedbackDataError) as excinfo:
        load_feedback(write(tmp_path, "header.csv", "submitted_at,nps\n"))
    check_error(excinfo, file="header.csv", says=("no rows",))


def test_corrupt_parquet(tmp_path):
    path = write(tmp_path, "broken.parquet", "this is not parquet")
    with pytest.raises(FeedbackDataError) as excinfo:
        load_feedback(path)
    check_error(excinfo, file="broken.parquet", says=("cannot be read as Parquet",))


def test_ragged_csv_names_the_row(tmp_path):
    path = write(tmp_path, "ragged.csv", "submitted_at,nps\n2026-10-01,9\n2026-10-02,3,extra\n")
    with pytest.raises(FeedbackDataError) as excinfo:
        load_feedback(path)
    check_error(excinfo, file="ragged.csv", rows=[2], says=("3 fields",))


def test_missing_required_column_suggests_the_date_column(tmp_path):
    path = write(tmp_path, "nodate.csv", "Date,nps\n2026-10-01,9\n")
    with pytest.raises(FeedbackDataError) as excinfo:
        load_feedback(path)
    check_error(excinfo, file="nodate.csv", column="submitted_at", says=("Did you mean 'Date'",))


def test_no_answer_column(tmp_path):
    path = write(tmp_path, "noanswer.csv", "submitted_at,region\n2026-10-01,East\n")
    with pytest.raises(FeedbackDataError) as excinfo:
        load_feedback(path)
    check_error(excinfo, file="noanswer.csv", column="nps", says=("no answer column",))


def test_mapping_names_a_missing_column(tmp_path):
    path = write(tmp_path, "q.csv", "Date,Q1 Recommend,Comment\n2026-10-01,9,ok\n")
    with pytest.raises(FeedbackDataError) as excinfo:
        load_feedback(path, columns={"submitted_at": "Date", "nps": "Q1 Recomend"})
    check_error(
        excinfo,
        file="q.csv",
        column="Q1 Recomend",
        says=("Did you mean 'Q1 Recommend'", "'Date', 'Q1 Recommend', 'Comment'"),
    )


def test_mapping_with_an_unknown_canonical_name(tmp_path):
    path = write(tmp_path, "q.csv", "Date,Q1\n2026-10-01,9\n")
    with pytest.raises(FeedbackDataError) as excinfo:
        load_feedback(path, columns={"submitted_at": "Date", "npss": "Q1"})
    check_error(excinfo, file="q.csv", column="npss", says=("Did you mean 'nps'",))


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


def test_missing_response_ids_are_made_from_row_numbers(tmp_path):
    text = "response_id,submitted_at,nps\nx9,2026-10-01,9\n,2026-10-02,8\n"
    fb = load_feedback(write(tmp_path, "ids.csv", text))
    assert fb.frame["response_id"].tolist() == ["x9", "row2"]
    assert quality_row(fb, "missing_id")["action"] == "filled"


def test_canonical_names_match_regardless_of_case(tmp_path):
    fb = load_feedback(write(tmp_path, "caps.csv", "Submitted_At, NPS \n2026-10-01,9\n"))
    assert list(fb.frame.columns[:2]) == ["submitted_at", "nps"]


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


# --- orders and invitations ------------------------------------------------------------------


def test_load_orders_maps_parses_and_marks_returns(tmp_path):
    text = 'Customer,Date,Total\n0042,2026-01-05,"1,200.50"\n0042,2026-02-01,-30\n'
    orders = load_orders(
        write(tmp_path, "orders.csv", text),
        columns={"customer_id": "Customer", "order_date": "Date", "amount": "Total"},
    )
    assert orders["customer_id"].tolist() == ["0042", "0042"]
    assert orders["amount"].tolist() == [1200.5, -30.0]
    assert orders["is_return"].tolist() == [False, True]
    assert str(orders["order_date"].dtype) == "datetime64[ns]"


def test_load_orders_errors(tmp_path):
    with pytest.raises(FeedbackDataError) as excinfo:
        load_orders(write(tmp_path, "o.csv", "customer_id,date,amount\nc1,2026-01-01,5\n"))
    check_error(excinfo, file="o.csv", column="order_date", says=("Did you mean 'date'",))
    path = write(tmp_path, "o2.csv", "customer_id,order_date,amount\nc1,2026-01-01,five\n")
    with pytest.raises(FeedbackDataError) as excinfo:
        load_orders(path)
    check_error(excinfo, file="o2.csv", column="amount", rows=[1])


def test_load_invitations(tmp_path):
    text = "channel,month,invited\nEmail,2026-10,1200\nweb,2026/9,300\n"
    inv = load_invitations(write(tmp_path, "inv.csv", text))
    assert inv.to_dict("records") == [
        {"channel": "web", "month": "2026-09", "invited": 300},
        {"channel": "email", "month": "2026-10", "invited": 1200},
    ]
    bad = write(tmp_path, "inv_bad.csv", "channel,month,invited\nemail,2026-10,-5\n")
    with pytest.raises(FeedbackDataError) as excinfo:
        load_invitations(bad)
    check_error(excinfo, file="inv_bad.csv", column="invited", rows=[1])


# --- periods -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("last", "expected"),
    [
        ("2026-10-31", "2026-10"),
        ("2026-10-31 23:59", "2026-10"),
        ("2026-11-15", "2026-10"),
        ("2026-11-30", "2026-11"),
        ("2024-02-28", "2024-01"),
        ("2024-02-29", "2024-02"),
        ("2026-01-01", "2025-12"),
    ],
)
def test_latest_complete_month(last, expected):
    dates = pd.Series(pd.to_datetime(["2024-01-01", last], format="ISO8601"))
    assert latest_complete_month(dates) == pd.Period(expected, freq="M")


def test_latest_complete_month_needs_dates():
    with pytest.raises(FeedbackDataError):
        latest_complete_month(pd.Series(pd.to_datetime([None, None])))


def _canonical(tmp_path):
    days = pd.date_range("2026-08-01", "2026-10-31", freq="D")
    raw = pd.DataFrame(
        {
            "submitted_at": days,
            "nps": np.arange(len(days)) % 11,
            "channel": np.where(np.arange(len(days)) % 2, "web", "email"),
            "text": [f"comment {i}" for i in range(len(days))],
        }
    )
    fb = load_feedback(raw)
    return fb, write_canonical(fb, tmp_path / "canonical")


def test_period_selection_and_period_outside_the_data(tmp_path):
    fb, paths = _canonical(tmp_path)
    inputs = load_inputs(paths["feedback"], quality_path=paths["quality"])
    assert str(inputs.period) == "2026-10" and inputs.n_rows_read == 92
    assert len(inputs.current) == 31 and len(inputs.feedback) == 92
    september = load_inputs(paths["feedback"], period="2026-09")
    assert len(september.current) == 30 and len(september.feedback) == 31 + 30
    assert september.current["submitted_at"].dt.month.unique().tolist() == [9]
    with pytest.raises(FeedbackDataError) as excinfo:
        load_inputs(paths["feedback"], period="2027-01")
    check_error(
        excinfo, file="feedback.parquet", column="submitted_at", says=("covers 2026-08 to 2026-10",)
    )
    with pytest.raises(ParamsError):
        load_inputs(paths["feedback"], period="October")


def test_parquet_round_trip_is_lossless(tmp_path):
    raw = pd.DataFrame(
        {
            "response_id": ["r1", "r2", "r3", "r3"],
            "submitted_at": ["2026-10-01 10:00", "2026-10-02", "2026-10-03", "2026-10-03"],
            "channel": ["app", "web", "app", "app"],
            "nps": [9, None, 3, 3],
            "rating_speed": [5, 4, None, None],
            "text": ["好", "", "ok", "ok"],
            "region": ["East", "West", None, None],
        },
        index=[5, 6, 7, 8],
    )
    fb = load_feedback(raw)
    paths = write_canonical(fb, tmp_path)
    back = pd.read_parquet(paths["feedback"])
    # row 6 has no answer (dropped), row 8 repeats row 7 (dropped)
    assert fb.frame.index.tolist() == [5, 7]
    pd.testing.assert_frame_equal(back, fb.frame)  # values, dtypes and index
    quality = read_quality(paths["quality"])
    pd.testing.assert_frame_equal(quality, fb.quality, check_dtype=False)
    assert quality.attrs["n_read"] == 4 and quality.attrs["n_kept"] == 2
    assert json.loads(paths["quality"].read_text(encoding="utf-8"))["summary"] == fb.summary()


def test_reading_only_selected_columns(tmp_path):
    _, paths = _canonical(tmp_path)
    inputs = load_inputs(paths["feedback"], columns=["nps", "channel"])
    assert list(inputs.feedback.columns) == ["submitted_at", "nps", "channel"]
    assert isinstance(inputs.feedback["channel"].dtype, pd.CategoricalDtype)
    with pytest.raises(FeedbackDataError) as excinfo:
        load_inputs(paths["feedback"], columns=["npss"])
    check_error(excinfo, file="feedback.parquet", column="npss", says=("Did you mean 'nps'",))


def test_dropping_columns_keeps_the_rest(tmp_path):
    # truth: the canonical file's own columns, minus the dropped ones; an absent one is fine
    frame, paths = _canonical(tmp_path)
    full = load_inputs(paths["feedback"])
    slim = load_inputs(paths["feedback"], drop=["text", "no_such_column"])
    assert "text" in full.feedback.columns
    assert list(slim.feedback.columns) == [c for c in full.feedback.columns if c != "text"]
    pd.testing.assert_frame_equal(slim.feedback, full.feedback.drop(columns="text"))
    assert slim.period == full.period and len(slim.current) == len(full.current)


@needs_sample
def test_dropping_columns_from_the_sample():
    inputs = load_inputs(sample_size=500, drop=["text"])
    assert "text" not in inputs.feedback.columns and "nps" in inputs.feedback.columns


def test_file_sha256(tmp_path):
    path = write(tmp_path, "x.bin", "fbresearch" * 100_000)
    assert file_sha256(path) == hashlib.sha256(path.read_bytes()).hexdigest()


# --- the built-in sample -------------------------------------------------------------------


@needs_sample
def test_load_inputs_with_the_sample(sample):
    inputs = load_inputs()
    assert inputs.source == "built-in sample (5,000 responses, seed 0)"
    # truth: CONTRIBUTING.md fixes the sample calendar, 2025-05 to 2026-10, default period 2026-10
    assert str(inputs.period) == "2026-10"
    assert inputs.feedback["submitted_at"].max() <= pd.Timestamp("2026-10-31 23:59:59")
    assert (inputs.current["submitted_at"].dt.to_period("M") == inputs.period).all()
    assert inputs.truth is not None and inputs.n_rows_read == len(sample.feedback)
    # truth Series stay aligned: the loader keeps the sample's index
    assert inputs.feedback.index.isin(sample.truth["topic"].index).all()
    assert inputs.orders is not None and {"customer_id", "order_date", "amount"} <= set(
        inputs.orders.columns
    )
    assert inputs.invitations is not None
    assert set(inputs.quality.columns) == {
        "check",
        "column",
        "rows",
        "action",
        "example_rows",
        "message",
    }
    # every dropped row is accounted for in the quality table, and the summary says so
    dropped = int(inputs.quality.loc[inputs.quality["action"] == "dropped", "rows"].sum())
    assert dropped == len(sample.feedback) - len(inputs.feedback)
    kept = f"{len(inputs.feedback):,} of {len(sample.feedback):,} responses"
    assert inputs.quality_summary().startswith(kept if dropped else "All ")


@needs_sample
def test_sample_through_a_canonical_file_equals_the_sample_in_memory(sample, tmp_path):
    fb = load_feedback(sample.feedback)
    paths = write_canonical(fb, tmp_path)
    from_file = load_inputs(paths["feedback"], quality_path=paths["quality"])
    in_memory = load_inputs()
    pd.testing.assert_frame_equal(from_file.feedback, in_memory.feedback)
    assert from_file.period == in_memory.period


def test_corrupt_excel(tmp_path):
    with pytest.raises(FeedbackDataError) as excinfo:
        load_feedback(write(tmp_path, "survey.xlsx", "not a spreadsheet"))
    check_error(excinfo, file="survey.xlsx", says=("cannot be read as XLSX",))


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


def test_load_inputs_validates_a_non_canonical_file(tmp_path):
    path = write(tmp_path, "raw.csv", GOOD + "a4,2026-11-02,app,8,4,ok\n")
    inv = write(tmp_path, "inv.csv", "channel,month,invited\nemail,2026-10,40\n")
    inputs = load_inputs(path, invitations_path=inv, period="2026-10")
    assert len(inputs.current) == 3 and len(inputs.feedback) == 3 and inputs.n_rows_read == 4
    assert inputs.source == "raw.csv" and inputs.truth is None and inputs.orders is None
    assert inputs.invitations["invited"].tolist() == [40]
    assert "1 with an empty verbatim" in inputs.quality_summary()


def test_the_callers_frame_is_not_changed():
    raw = pd.DataFrame({"Date": ["2026-10-01", "2026-10-02"], "nps": ["9", " 7"]})
    before = raw.copy()
    load_feedback(raw, columns={"submitted_at": "Date"})
    pd.testing.assert_frame_equal(raw, before)
