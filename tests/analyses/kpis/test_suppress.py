"""Tests for fbresearch.analyses.kpis.suppress and the anonymity of KPI tables and page tables:
primary and complementary suppression on hand-worked tables, no number of a hidden cell in
what a reader sees, a change from a hidden month removed, verbatims of small groups hidden."""

from __future__ import annotations

import re

import pandas as pd

from fbresearch.analyses.kpis import kpi_table
from fbresearch.present.tables import anonymize, table_html
from fbresearch.privacy import anonymity

OCT, SEP = pd.Timestamp("2026-10-05"), pd.Timestamp("2026-09-05")


def _month(channels: dict[str, list[int]], when: pd.Timestamp = OCT) -> pd.DataFrame:
    rows = [(c, v) for c, values in channels.items() for v in values]
    return pd.DataFrame(
        {"submitted_at": when, "channel": [c for c, _ in rows], "nps": [v for _, v in rows]}
    )


def test_one_small_channel_and_its_complement_are_hidden_and_cannot_be_worked_out():
    # web 50 answers, app 20, call 3 (2 promoters, 1 detractor: NPS 33.3)
    frame = _month({"web": [10] * 30 + [0] * 20, "app": [9] * 10 + [5] * 10, "call": [9, 10, 2]})
    table = kpi_table(frame, by="channel", metrics="nps", min_responses=10)
    assert table.table["channel"].tolist() == ["web"]
    assert table.hidden.set_index("channel")["reason"].to_dict() == {
        "app": "complementary",
        "call": "primary",
    }
    # with the unit total (73 answers, 52 promoters, 31 detractors) only app + call is known
    shown = table.display_table()
    assert len(shown) == 3
    for _, row in shown[shown["Channel"] != "web"].iterrows():
        text = " ".join(map(str, row.drop("Channel").tolist()))
        assert "not shown to protect anonymity" in text
        assert not re.search(r"\d", text.replace("10 answers", ""))
    html = table_html(shown)
    assert "33.3" not in html and ">3<" not in html and ">20<" not in html and ">20.0<" in html
    assert "call" not in table.summary().split("not shown")[0]  # no sentence names its level


def test_a_change_from_a_hidden_month_is_removed():
    # September: 4 answers (hidden); October: 30. October's change would give September back.
    frame = pd.concat([_month({"web": [10] * 4}, SEP), _month({"web": [10] * 15 + [0] * 15})])
    table = kpi_table(frame, by="month", metrics="nps", min_responses=10)
    october = table.table.iloc[0]
    assert str(october["month"]) == "2026-10" and october["estimate"] == 0
    assert table.table[["previous", "change", "change_p_value"]].isna().all().all()
    plain = kpi_table(frame, by="month", metrics="nps")  # no threshold: as before
    assert plain.table["change"].iloc[-1] == -100 and plain.hidden is None


def test_page_tables_hide_small_rows_and_verbatims_of_small_groups():
    cases = pd.DataFrame(
        {
            "hours_open": [30.0, 12.0],
            "channel": ["web", "call_center"],
            "excerpt": ["food was cold", "I am the only one in Smalltown who ordered"],
        }
    )
    with anonymity(10, {"channel": ["call_center"]}, texts=40):
        shown = anonymize(cases)
        assert shown["excerpt"].tolist()[0] == "food was cold"
        assert "not shown to protect anonymity" in shown["excerpt"].iloc[1]
        assert "Smalltown" not in table_html(cases)
    with anonymity(10, texts=6):  # a page with 6 texts: none is shown
        assert not anonymize(cases)["excerpt"].str.contains("cold").any()
    counts = pd.DataFrame({"grade": ["urgent", "general"], "n": [4, 90], "share": [0.04, 0.96]})
    with anonymity(10):
        row = anonymize(counts).iloc[0]
    assert row["grade"] == "urgent" and "fewer than 10" in row["n"] and pd.isna(row["share"])
    assert anonymize(counts).equals(counts)  # no threshold outside a unit page
