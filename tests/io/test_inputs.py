"""What a notebook loads (fbresearch.io.inputs): periods, columns, the sample, and the
notebook-input protocol (write_inputs, read_inputs, load_inputs given an inputs file, pages).

The truths are hand-made inputs files and small canonical data sets whose rows and columns are
known, so each test knows what ``load_inputs`` must return.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from loader_cases import GOOD, check_error, write

from fbresearch import FeedbackDataError
from fbresearch.errors import ParamsError
from fbresearch.io.canonical import write_canonical
from fbresearch.io.inputs import (
    PAGE_COLUMNS,
    latest_complete_month,
    load_inputs,
    read_inputs,
    write_inputs,
)
from fbresearch.io.load import load_feedback


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


def test_dropping_columns_from_the_sample():
    inputs = load_inputs(sample_size=500, drop=["text"])
    assert "text" not in inputs.feedback.columns and "nps" in inputs.feedback.columns


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


def test_sample_through_a_canonical_file_equals_the_sample_in_memory(sample, tmp_path):
    fb = load_feedback(sample.feedback)
    paths = write_canonical(fb, tmp_path)
    from_file = load_inputs(paths["feedback"], quality_path=paths["quality"])
    in_memory = load_inputs()
    pd.testing.assert_frame_equal(from_file.feedback, in_memory.feedback)
    assert from_file.period == in_memory.period


def test_load_inputs_validates_a_non_canonical_file(tmp_path):
    path = write(tmp_path, "raw.csv", GOOD + "a4,2026-11-02,app,8,4,ok\n")
    inv = write(tmp_path, "inv.csv", "channel,month,invited\nemail,2026-10,40\n")
    inputs = load_inputs(path, invitations_path=inv, period="2026-10")
    assert len(inputs.current) == 3 and len(inputs.feedback) == 3 and inputs.n_rows_read == 4
    assert inputs.source == "raw.csv" and inputs.truth is None and inputs.orders is None
    assert inputs.invitations["invited"].tolist() == [40]
    assert "1 with an empty verbatim" in inputs.quality_summary()


# --- the inputs file and pages ----------------------------------------------------------


def _small_canonical(folder):
    days = pd.date_range("2026-08-01", "2026-10-31", freq="D")
    raw = pd.DataFrame(
        {
            "submitted_at": days,
            "nps": np.arange(len(days)) % 11,
            "text": [f"comment {i}" for i in range(len(days))],
        }
    )
    return write_canonical(load_feedback(raw), folder)


def test_write_inputs_stores_relative_paths_inside_its_folder(tmp_path):
    paths = _small_canonical(tmp_path / "data")
    elsewhere = tmp_path.parent / "orders.parquet"
    path = write_inputs(
        tmp_path / "inputs.json",
        data_path=paths["feedback"],
        quality_path=paths["quality"],
        orders_path=elsewhere,
        sample_size=700,
    )
    stored = json.loads(path.read_text(encoding="utf-8"))
    assert stored == {
        "data_path": "data/feedback.parquet",
        "orders_path": elsewhere.resolve().as_posix(),
        "invitations_path": None,
        "quality_path": "data/quality.json",
        "sample_size": 700,
        "min_responses": None,
    }
    resolved = read_inputs(path)
    assert resolved["data_path"] == str(tmp_path / "data/feedback.parquet")
    assert resolved["orders_path"] == elsewhere.resolve().as_posix()


def test_an_inputs_file_loads_the_same_as_the_old_call(tmp_path):
    paths = _small_canonical(tmp_path / "data")
    inputs_path = write_inputs(
        tmp_path / "inputs.json", data_path=paths["feedback"], quality_path=paths["quality"]
    )
    new = load_inputs(inputs_path, period="2026-09")
    old = load_inputs(paths["feedback"], quality_path=paths["quality"], period="2026-09")
    pd.testing.assert_frame_equal(new.feedback, old.feedback)
    pd.testing.assert_frame_equal(new.current, old.current)
    assert new.period == old.period and new.source == old.source == "DataFrame"
    assert new.n_rows_read == old.n_rows_read == 92 and len(new.current) == 30


def test_a_moved_report_folder_still_loads(tmp_path):
    paths = _small_canonical(tmp_path / "a" / "data")
    write_inputs(tmp_path / "a" / "inputs.json", data_path=paths["feedback"])
    (tmp_path / "a").rename(tmp_path / "b")
    inputs = load_inputs(tmp_path / "b" / "inputs.json")
    assert len(inputs.feedback) == 92 and str(inputs.period) == "2026-10"


def test_hand_written_inputs_file_with_defaults_is_the_sample(tmp_path):
    path = tmp_path / "inputs.json"
    path.write_text('{"sample_size": 400}', encoding="utf-8")
    inputs = load_inputs(path, seed=1, page="overview")
    assert inputs.source == "built-in sample (400 responses, seed 1)"
    assert "text" not in inputs.feedback.columns and "nps" in inputs.feedback.columns
    assert inputs.orders is not None and inputs.invitations is not None and inputs.truth


def test_keywords_override_the_inputs_file(tmp_path):
    paths = _small_canonical(tmp_path / "data")
    inv = tmp_path / "inv.csv"
    inv.write_text("channel,month,invited\nemail,2026-10,40\n", encoding="utf-8")
    path = write_inputs(tmp_path / "inputs.json", data_path=paths["feedback"])
    assert load_inputs(path).invitations is None
    inputs = load_inputs(path, invitations_path=inv)
    assert inputs.invitations["invited"].tolist() == [40]


def test_page_columns_drop_what_the_page_does_not_show(tmp_path):
    paths = _small_canonical(tmp_path)
    # pages that show no verbatims leave the texts on disk
    without_text = {"overview", "segmentation", "drivers", "improvement", "value"}
    assert all(PAGE_COLUMNS[p] == ("text",) for p in without_text)
    assert all(PAGE_COLUMNS[p] == () for p in PAGE_COLUMNS if p not in without_text)
    overview = load_inputs(paths["feedback"], page="overview")
    topics = load_inputs(paths["feedback"], page="topics")
    assert list(overview.feedback.columns) == [c for c in topics.feedback.columns if c != "text"]
    both = load_inputs(paths["feedback"], page="overview", drop=["nps"])
    assert "nps" not in both.feedback.columns and "text" not in both.feedback.columns
    with pytest.raises(ParamsError, match="not a report page"):
        load_inputs(paths["feedback"], page="summary")


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("{not json", "cannot be read"),
        ("[1, 2]", "JSON object"),
        ('{"data_paht": "x.parquet"}', "Did you mean 'data_path'"),
        ('{"data_path": 3}', "not a path"),
        ('{"sample_size": "many"}', "not a whole number"),
    ],
)
def test_a_bad_inputs_file_is_a_clear_error(tmp_path, text, says):
    path = tmp_path / "inputs.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FeedbackDataError) as excinfo:
        load_inputs(path)
    assert excinfo.value.source == "inputs.json" and says in str(excinfo.value)
    assert excinfo.value.fix


def test_a_missing_inputs_file_is_a_clear_error(tmp_path):
    with pytest.raises(FeedbackDataError, match="inputs file cannot be read"):
        load_inputs(tmp_path / "nowhere.json")


def test_the_data_path_given_twice_is_refused(tmp_path):
    paths = _small_canonical(tmp_path)
    with pytest.raises(ParamsError, match="once"):
        load_inputs(paths["feedback"], data_path=paths["feedback"])
    by_keyword = load_inputs(data_path=paths["feedback"])
    assert len(by_keyword.feedback) == 92


def test_default_period_is_the_latest_complete_month_with_enough_responses():
    from fbresearch.io.inputs import default_period

    # October has 29 (< 30), November is incomplete (ends on the 5th): September
    days = ["2026-09-10"] * 30 + ["2026-10-10"] * 29 + ["2026-11-05"] * 60
    frame = pd.DataFrame({"submitted_at": pd.to_datetime(days)})
    assert default_period(frame) == (pd.Period("2026-09", freq="M"), None)
    # a single day of data is that month, with a note when it has fewer than 30
    one_day = pd.DataFrame({"submitted_at": pd.to_datetime(["2026-10-15"] * 4)})
    month, note = default_period(one_day)
    assert month == pd.Period("2026-10", freq="M")
    assert note == (
        "Report month 2026-10: no month has 30 responses, so the latest month with "
        "responses is used (4 responses)."
    )


def test_caption_window_never_starts_before_the_data(tmp_path):
    from fbresearch.io.inputs import load_inputs

    frame = pd.DataFrame(
        {"submitted_at": pd.to_datetime(["2026-09-03", "2026-10-04"] * 20), "csat": [4, 5] * 20}
    )
    path = tmp_path / "f.csv"
    frame.to_csv(path, index=False)
    inputs = load_inputs(str(path), period="2026-10")
    assert inputs.window(12) == "September 2026 to October 2026"
    assert inputs.window(1) == "October 2026"


def test_min_responses_travels_in_the_inputs_file_and_sets_the_pages_threshold(tmp_path):
    from fbresearch import privacy

    raw = pd.DataFrame(
        {
            "submitted_at": pd.Timestamp("2026-10-05"),
            "channel": ["web"] * 12 + ["call_center"] * 3,
            "nps": 9,
            "text": ["fine"] * 15,
        }
    )
    paths = write_canonical(load_feedback(raw), tmp_path / "data")
    path = write_inputs(tmp_path / "inputs.json", data_path=paths["feedback"], min_responses=10)
    assert read_inputs(path)["min_responses"] == 10
    inputs = load_inputs(path, page="closed_loop")
    assert inputs.min_responses == 10 and privacy.min_responses() == 10
    assert privacy.hidden_group("channel", "call_center") and not privacy.hidden_group(
        "channel", "web"
    )
    assert not privacy.verbatims_hidden()  # 15 texts in the month
    # the organisation's inputs file has none: the next page loads with no threshold
    plain = write_inputs(tmp_path / "org.json", data_path=paths["feedback"])
    assert load_inputs(plain).min_responses is None and privacy.min_responses() is None
    assert not privacy.hidden_group("channel", "call_center")
    path.write_text(path.read_text().replace('"min_responses": 10', '"min_responses": "ten"'))
    with pytest.raises(FeedbackDataError, match="min_responses.*not a whole number"):
        read_inputs(path)
