"""The data of a report run: params to load_feedback, and the default period (report.data)."""

from __future__ import annotations

import pandas as pd
import pytest

from fbresearch.errors import FeedbackDataError
from fbresearch.report.data import MIN_PERIOD_RESPONSES, load_data, pick_period
from fbresearch.report.params import load_params

PARAMS = {"pages": []}
# runs no notebook; helper PARAMS migrates this to {"pages": []} with the pages key


def _frame(counts: dict[str, int], *, day: int = 10, wave: bool = False) -> pd.DataFrame:
    dates = [pd.Timestamp(f"{month}-{day:02d}") for month, n in counts.items() for _ in range(n)]
    frame = pd.DataFrame({"submitted_at": pd.to_datetime(dates)})
    if wave:
        frame["wave"] = frame["submitted_at"].dt.strftime("%Y-%m")
    return frame


def _pick(frame, period=None):
    lines: list[str] = []
    chosen = pick_period(load_params(PARAMS), period, frame, say=lines.append)
    return chosen, lines


def test_default_is_the_latest_complete_month_with_30_responses():
    # November is not complete (data ends on the 10th); October has only 29
    frame = _frame({"2026-08": 40, "2026-09": 30, "2026-10": 29, "2026-11": 50})
    assert MIN_PERIOD_RESPONSES == 30
    assert _pick(frame) == ("2026-09", [])


def test_a_month_whose_last_day_is_in_the_data_is_complete():
    frame = _frame({"2026-09": 40, "2026-10": 40}, day=30)
    frame.loc[len(frame)] = pd.Timestamp("2026-10-31 18:00")
    assert _pick(frame) == ("2026-10", [])


def test_future_rows_never_pick_the_period():
    frame = _frame({"2026-09": 40, "2026-10": 40})
    future = pd.DataFrame({"submitted_at": pd.to_datetime(["2099-05-01"] * 50)})
    assert _pick(pd.concat([frame, future], ignore_index=True)) == ("2026-09", [])


def test_a_single_day_or_a_single_wave_is_that_month():
    assert _pick(_frame({"2026-10": 45}, day=15)) == ("2026-10", [])
    # waves: every wave month is complete, so the latest wave with 30 is chosen
    waves = _frame({"2026-06": 40, "2026-10": 35}, day=1, wave=True)
    assert _pick(waves) == ("2026-10", [])


def test_fewer_than_30_everywhere_takes_the_latest_month_and_says_so():
    chosen, lines = _pick(_frame({"2026-08": 12, "2026-09": 7, "2026-10": 3}))
    assert chosen == "2026-09"  # October is not complete
    assert lines == [
        "Report month 2026-09: no month has 30 responses, so the latest month with responses "
        "is used (7 responses)."
    ]
    chosen, lines = _pick(_frame({"2026-10": 1}, day=2))
    assert chosen == "2026-10" and "(1 response)" in lines[0]


def test_an_explicit_period_outside_the_data_names_the_covered_range():
    frame = _frame({"2026-09": 40, "2026-10": 40})
    assert _pick(frame, "2026-10") == ("2026-10", [])
    with pytest.raises(FeedbackDataError) as excinfo:
        _pick(frame, "2026-03")
    assert "no responses in the period 2026-03; the data covers 2026-09 to 2026-10" in str(
        excinfo.value
    )


def test_load_data_passes_the_data_keys_to_load_feedback(tmp_path):
    path = tmp_path / "survey.csv"
    path.write_bytes(
        "Satisfaction,Seat comfort\nsatisfied,0\ndissatisfied,4\nsatisfied,5\n".encode("big5")
    )
    inputs = load_data(
        load_params(
            {
                **PARAMS,
                "data": str(path),
                "columns": {"satisfied": "Satisfaction"},
                "ratings": {"rating_seat": "Seat comfort"},
                "missing_codes": {"ratings": [0]},
                "value_maps": {"satisfied": {"satisfied": 1, "dissatisfied": 0}},
                "wave": "2026-10",
                "encoding": "big5",
            }
        )
    )
    frame = inputs.feedback.frame
    assert frame["satisfied"].tolist() == [1, 0, 1]
    assert frame["rating_seat"].isna().tolist() == [True, False, False]
    assert frame["wave"].tolist() == ["2026-10"] * 3
    assert inputs.feedback.encoding == "big5"
    checks = set(inputs.feedback.quality["check"])
    assert {"missing_code", "value_map", "wave"} <= checks


def test_privacy_drop_columns_never_reach_the_run_data(tmp_path):
    from fbresearch.io.sample import sample_data
    from fbresearch.report.data import load_data
    from fbresearch.report.params import load_params

    frame = sample_data(n_responses=200, seed=0).feedback.assign(customer_name="张伟")
    frame.to_csv(tmp_path / "export.csv", index=False)
    params = {"data": str(tmp_path / "export.csv"), "pages": []}
    kept = load_data(load_params(params)).feedback.frame
    assert "customer_name" in kept.columns
    dropped = load_data(load_params({**params, "privacy": {"drop_columns": ["Customer_Name"]}}))
    assert list(dropped.feedback.frame.columns) == [c for c in kept if c != "customer_name"]
    assert len(dropped.feedback.frame) == len(kept)
