"""Recording shown tables for the workbook (fbresearch/present/exports.py and show()).

Hand-worked tables: each header and value below is what the page shows, written out.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from fbresearch.present import display
from fbresearch.present.exports import TABLES_ENV, export_frame, read_tables


@pytest.fixture
def side(tmp_path, monkeypatch):
    """A report run's side file, with the page's HTML collected instead of displayed."""
    path = tmp_path / "page.tables.jsonl"
    monkeypatch.setenv(TABLES_ENV, str(path))
    shown: list[str] = []
    monkeypatch.setattr(display, "_html", shown.append)
    display.reset_numbering()
    return path, shown


def test_an_estimate_table_keeps_its_numbers_under_the_pages_headers():
    frame = pd.DataFrame(
        {
            "estimate": [0.42, 31.5],
            "ci_low": [0.38, 20.25],
            "ci_high": [0.46, 40.0],
            "unit": ["share", "points"],
            "confidence": [0.9, 0.9],
            "p_holm": [0.0004, 0.2],
            "diff_low": [0.01, -3.0],
            "difference": [0.05, 2.0],
            "diff_high": [0.09, 7.0],
        },
        index=pd.Index(["CSAT", "NPS jane@example.com"], name="metric"),
    )
    table, percent = export_frame(frame)
    assert list(table.columns) == [
        "Metric",
        "Estimate",
        "Estimate: 90% CI low",
        "Estimate: 90% CI high",
        "Unit",
        "p (Holm-adjusted)",
        "Difference: 90% CI low",
        "Difference",
        "Difference: 90% CI high",
    ]
    assert table["Metric"].tolist() == ["CSAT", "NPS [email]"]  # the index, redacted
    assert table["Estimate: 90% CI low"].tolist() == [0.38, 20.25]  # numbers, not text
    # the page shows the share row's estimate, bounds and difference as percentages
    assert percent.loc[0].tolist() == [False, True, True, True, False, False, True, True, True]
    assert not percent.loc[1].any()


def test_a_tables_written_numbers_become_numbers_and_text_stays_text():
    shown = pd.DataFrame(
        {
            "Month": ["Sep 2026", "Oct 2026"],
            "Estimate (95% CI)": ["75.0% (64.5% to 83.2%)", "–"],
            "Change vs previous": ["-2.5 (-24.9 to 20.0)", "6.2 (-16.6 to 28.6)"],
            "Responses": ["1,234", "80"],
            "p": ["0.83", "<0.001"],
        }
    )
    table, percent = export_frame(shown)
    assert list(table.columns) == [
        "Month",
        "Estimate",
        "Estimate: 95% CI low",
        "Estimate: 95% CI high",
        "Change vs previous",
        "Change vs previous: CI low",
        "Change vs previous: CI high",
        "Responses",
        "p-value",  # the page's one p-value label (present/tables.py)
    ]
    assert table.loc[0, ["Estimate", "Estimate: 95% CI low"]].tolist() == [0.75, 0.645]
    assert percent.loc[0, "Estimate"] and not percent.loc[0, "Change vs previous"]
    assert math.isnan(table.loc[1, "Estimate"])  # "–": missing
    assert table["Change vs previous: CI high"].tolist() == [20.0, 28.6]
    assert table["Responses"].tolist() == [1234.0, 80.0]
    assert table["p-value"].tolist() == ["0.83", "<0.001"]  # not every cell a number: text


def test_show_records_every_row_and_the_full_table_behind_a_top_n(side):
    path, html = side
    long = pd.DataFrame({"category": [f"c{i}" for i in range(75)], "n": range(75, 0, -1)})
    display.show(long, caption="Categories")
    display.show(long.head(10), caption="Largest categories", full=long)
    display.show(pd.DataFrame({"n": [1]}))  # no caption: no number
    assert "First 60 of 75 rows." in html[0] and html[1].count("<tr>") == 11
    tables = read_tables(path)
    assert [(t["number"], t["caption"], len(t["table"])) for t in tables] == [
        (1, "Categories", 75),
        (2, "Largest categories", 75),
        (None, None, 1),
    ]
    assert tables[1]["table"]["Category"].iloc[-1] == "c74"


def test_show_records_a_results_table_and_nothing_for_figures_text_or_stand_ins(side):
    path, _ = side
    import matplotlib.pyplot as plt

    from fbresearch.results import Unavailable

    class Result:
        table = pd.DataFrame({"raw": [1]})

        def display_table(self):
            return pd.DataFrame({"segment": ["East"], "share": [0.25]})

        def caption(self):
            return "Segments"

    display.show(Result())
    display.show("Some text")
    display.show(plt.subplots()[0], caption="A chart")
    display.show(Unavailable("no data"))
    tables = read_tables(path)
    assert len(tables) == 1 and tables[0]["number"] == 1 and tables[0]["caption"] == "Segments"
    assert tables[0]["table"].to_dict("records") == [{"Segment": "East", "Share": 0.25}]
    assert tables[0]["percent"]["Share"].tolist() == [True]


def test_values_survive_the_side_file(side):
    path, _ = side
    frame = pd.DataFrame(
        {
            "submitted_at": pd.to_datetime(["2026-10-01 08:30", None]),
            "flag": [True, False],
            "ratio": [np.inf, np.nan],
            "text": ["配送太慢了", None],
            "month": pd.period_range("2026-09", periods=2, freq="M"),
        }
    )
    display.show(frame, caption="Mixed")
    table = read_tables(path)[0]["table"]
    assert table["Submitted"].iloc[0] == pd.Timestamp("2026-10-01 08:30")
    assert pd.isna(table["Submitted"].iloc[1])
    assert table["Flag"].tolist() == [True, False]
    assert table["Ratio"].iloc[0] == np.inf and pd.isna(table["Ratio"].iloc[1])
    assert table["Text"].iloc[0] == "配送太慢了" and pd.isna(table["Text"].iloc[1])
    assert table["Month"].tolist() == ["2026-09", "2026-10"]


def test_nothing_is_recorded_outside_a_report_run(tmp_path, monkeypatch):
    monkeypatch.delenv(TABLES_ENV, raising=False)
    monkeypatch.setattr(display, "_html", lambda markup: None)
    monkeypatch.chdir(tmp_path)
    display.show(pd.DataFrame({"n": [1]}), caption="Counts")
    assert not list(tmp_path.iterdir())
