"""The period index's outlook block: read from what the value page wrote, never recomputed.

Truths: the outlook of the sample's NPS with a planted 25-point drop in its last month (flagged,
tests/analyses/outlook) and its unchanged CSAT; the block must show exactly the page's numbers.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from fbresearch.analyses.kpis import kpi_table
from fbresearch.analyses.outlook import kpi_outlook, write_outlook
from fbresearch.analyses.outlook.narrative import show_value
from fbresearch.report.html import period_page
from fbresearch.report.index import read_outlook
from fbresearch.results import Result, Unavailable

FOOTER = {"source": "sample", "rows": "10 responses", "generated": "2026-11-01 08:00 UTC"}
VALUE = {"name": "value", "title": "Value and outlook", "status": "complete", "seconds": 1.0}


class _Kpi(Result):
    pass


@pytest.fixture(scope="module")
def outlook(sample):
    table = kpi_table(sample.feedback, by="month", metrics=["nps", "csat"]).table.copy()
    drop = (table["metric"] == "nps") & (table["month"].astype(str) == "2026-10")
    table.loc[drop, "estimate"] -= 25
    return kpi_outlook(_Kpi(table=table), ["nps", "csat"], through="2026-10")


def _page(outlook=None, notebooks=(VALUE,)):  # noqa: ANN001, ANN202
    return period_page(
        report_title="R",
        period_label="October 2026",
        kpis=[],
        findings=[],
        notebooks=list(notebooks),
        footer=FOOTER,
        outlook=outlook,
    )


def test_block_shows_the_pages_forecasts_and_the_planted_warning(outlook, tmp_path):
    path = tmp_path / "value.outlook.json"
    write_outlook(path, outlook)
    soup = BeautifulSoup(_page(read_outlook([path])), "html.parser")
    block = soup.find(id="outlook")
    assert block is not None and block.get_text(strip=True) == "Outlook: next month"
    cards = block.find_next("div", class_="fb-kpis").find_all("div", class_="fb-kpi")
    texts = [c.get_text(" ", strip=True) for c in cards]
    assert len(texts) == 2
    for text, metric in zip(texts, ["nps", "csat"], strict=True):
        row = outlook.forecasts[outlook.forecasts["metric"] == metric].iloc[0]
        assert str(row["month"]) == "2026-11" and "forecast for November 2026" in text
        assert show_value(metric, row["forecast"]) in text
        interval = f"{show_value(metric, row['pi_low'])} to {show_value(metric, row['pi_high'])}"
        assert f"90% prediction interval {interval}" in text
    assert "Early warning: NPS in October 2026 was" in texts[0]
    assert "No early warning" in texts[1]
    note = block.find_next("p", class_="fb-note").get_text(" ", strip=True)
    assert f"{outlook.coverage():.0%} of {len(outlook.backtest)} such forecasts held" in note
    assert block.find_next("a", href="value.html") is not None
    assert soup.find("a", href="#outlook") is not None  # in the contents


def test_json_holds_numbers_and_texts(outlook, tmp_path):
    path = tmp_path / "value.outlook.json"
    write_outlook(path, outlook)
    payload = json.loads(path.read_text())
    nps = payload["kpis"][0]
    assert payload["version"] == 1 and payload["level"] == 0.9 and payload["warn_level"] == 0.99
    assert nps["forecast"] == pytest.approx(outlook.forecasts.iloc[0]["forecast"])
    assert nps["warning"] is True and payload["kpis"][1]["warning"] is False


@pytest.mark.parametrize(
    "result", [None, Unavailable(table=pd.DataFrame(), message="The outlook could not run.")]
)
def test_no_outlook_no_block(result, tmp_path):
    path = tmp_path / "value.outlook.json"
    assert write_outlook(path, result) is None and not path.exists()
    assert read_outlook([path]) is None
    page = _page(read_outlook([path]))
    assert 'id="outlook"' not in page and "Outlook: next month" not in page


def test_block_texts_are_escaped_and_redacted():
    bad = {
        "version": 1,
        "page": "value",
        "level": 0.9,
        "coverage": 0.9,
        "checked": 10,
        "kpis": [
            {
                "name": "<script>x()</script>NPS",
                "month_label": "November 2026",
                "forecast_text": "1.0",
                "interval_text": "0.0 to 2.0",
                "warning": True,
                "warning_text": "Early warning: ask li.wei@example.com",
            }
        ],
    }
    page = _page(bad)
    assert "<script>x()" not in page and "&lt;script&gt;" in page
    assert "li.wei@example.com" not in page and "[email]" in page
