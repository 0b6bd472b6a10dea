"""Reading files, decoding encodings and mapping columns (fbresearch.io.load)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from loader_cases import GOOD, check_error, write

from fbresearch import FeedbackDataError
from fbresearch.io.load import load_feedback


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


def test_canonical_names_match_regardless_of_case(tmp_path):
    fb = load_feedback(write(tmp_path, "caps.csv", "Submitted_At, NPS \n2026-10-01,9\n"))
    assert list(fb.frame.columns[:2]) == ["submitted_at", "nps"]


def test_corrupt_excel(tmp_path):
    with pytest.raises(FeedbackDataError) as excinfo:
        load_feedback(write(tmp_path, "survey.xlsx", "not a spreadsheet"))
    check_error(excinfo, file="survey.xlsx", says=("cannot be read as XLSX",))


def test_the_callers_frame_is_not_changed():
    raw = pd.DataFrame({"Date": ["2026-10-01", "2026-10-02"], "nps": ["9", " 7"]})
    before = raw.copy()
    load_feedback(raw, columns={"submitted_at": "Date"})
    pd.testing.assert_frame_equal(raw, before)


def test_duplicate_headers_are_refused_with_both_positions(tmp_path):
    # a real export shape: the survey tool wrote two "NPS" questions under one header
    from fbresearch.errors import FeedbackDataError
    from fbresearch.io.load import load_feedback

    path = tmp_path / "survey.csv"
    path.write_text("submitted_at,NPS,text,nps \n2026-10-01,9,good,8\n", encoding="utf-8")
    with pytest.raises(FeedbackDataError) as caught:
        load_feedback(path)
    message = str(caught.value)
    assert "survey.csv" in message and "columns 2 and 4" in message and "Fix:" in message
    excel = tmp_path / "survey.xlsx"
    pd.DataFrame([["2026-10-01", 9, 8]], columns=["submitted_at", "nps", "nps"]).to_excel(
        excel, index=False
    )
    with pytest.raises(FeedbackDataError, match="columns 2 and 3"):
        load_feedback(excel)
    # a header that only looks like pandas' mangled name is a column of its own
    fine = tmp_path / "fine.csv"
    fine.write_text("submitted_at,nps,nps.1\n2026-10-01,9,8\n", encoding="utf-8")
    assert "nps.1" in load_feedback(fine).frame.columns


def test_no_date_column_suggests_only_date_like_columns_and_a_wave(tmp_path):
    text = "Departure/Arrival time convenient,Flight date,nps\n3,2026-10-01,9\n4,2026-10-02,8\n"
    with pytest.raises(FeedbackDataError) as excinfo:
        load_feedback(write(tmp_path, "survey.csv", text))
    check_error(
        excinfo,
        file="survey.csv",
        column="submitted_at",
        says=(
            "Did you mean 'Flight date'?",
            'for a survey wave without dates, add wave: "2026-10" (or wave: {column: "Wave"})',
        ),
    )
    assert "Did you mean 'Departure" not in str(excinfo.value)
    # a survey without any date column: no "did you mean", still the wave hint
    no_dates = "Departure/Arrival time convenient,nps\n3,9\n4,8\n"
    with pytest.raises(FeedbackDataError) as excinfo:
        load_feedback(write(tmp_path, "wave.csv", no_dates))
    assert "Did you mean" not in str(excinfo.value)
    assert 'add wave: "2026-10"' in str(excinfo.value)


def test_drop_columns_removes_name_columns_before_validation_any_case(tmp_path):
    raw = pd.DataFrame(
        {
            "Date": ["2026-10-01", "2026-10-02"],
            "NPS": [9, 3],
            "Customer Name": ["李娜", "Wang Wei"],
            "E-mail": ["li.na@example.com", "wang@example.com"],
            "Store": ["A", "B"],
        }
    )
    path = tmp_path / "export.csv"
    raw.to_csv(path, index=False)
    for source in (raw, path):
        fb = load_feedback(source, columns={"submitted_at": "Date"},
                           drop_columns=["customer name", " e-mail "])  # fmt: skip
        frame = fb.frame
        assert "Customer Name" not in frame.columns and "E-mail" not in frame.columns
        assert "Store" in frame.columns and frame["nps"].tolist() == [9, 3]
        assert not frame.astype(str).apply(lambda c: c.str.contains("李娜|example")).any().any()
    # without it, the name column is kept as a segment attribute (what the param is for)
    assert "Customer Name" in load_feedback(raw, columns={"submitted_at": "Date"}).frame.columns


def test_drop_columns_naming_a_column_the_file_lacks_is_an_error():
    raw = pd.DataFrame({"submitted_at": ["2026-10-01"], "nps": [9], "Name": ["Li"]})
    with pytest.raises(FeedbackDataError, match=r"drop_columns names 'nmae'.*'Name'"):
        load_feedback(raw, drop_columns=["nmae"])
