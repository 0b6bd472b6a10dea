"""The runner with page plans: a whole report on an export without orders and without texts.

One run (800 sample responses with the ``text`` column removed, no orders, no invitations) is
shared by the tests of this module.
"""

from __future__ import annotations

import json
import re

import pytest
from bs4 import BeautifulSoup

from fbresearch.report.pages import PAGES
from fbresearch.report.runner import run_report

EXPECTED = {
    "overview": ("partial", ["response_rate"]),
    "segmentation": ("partial", ["rfm", "clusters", "rfm_satisfaction", "migration", "churn"]),
    "topics": ("skipped", [s.key for s in PAGES["topics"].sections]),
    "drivers": ("complete", []),
    # own data and no improvements in params: the notebook's sample improvement does not count
    "improvement": ("skipped", ["improvements"]),
    "closed_loop": ("partial", ["suspicious", "categories"]),
    "value": ("skipped", ["value", "outlook"]),  # no orders file
    "journey": ("complete", []),  # the sample's export has touchpoint
}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    from fbresearch.io.sample import sample_data

    folder = tmp_path_factory.mktemp("plan_run")
    frame = sample_data(n_responses=800, seed=0).feedback.drop(columns=["text"])
    data = folder / "export.csv"
    frame.to_csv(data, index=False)
    lines: list[str] = []
    params = {
        "data": str(data),
        "notebooks": {name: {} for name in PAGES},
        "report": {"workers": 2},
    }
    result = run_report(params, out=folder / "reports", progress=lines.append)
    return result, lines, folder / "reports"


def test_statuses_and_left_out_in_manifest_and_run(run):
    result, _, out = run
    manifest = json.loads((out / "2026-10" / "manifest.json").read_text())
    got = {
        n["name"]: (n["status"], [d["section"] for d in n["left_out"]])
        for n in manifest["notebooks"]
    }
    assert got == EXPECTED
    assert {r.name: r.status for r in result.notebooks} == {k: v[0] for k, v in EXPECTED.items()}
    assert result.plan["topics"].status == "skipped" and result.status == "ok"
    seg = next(n for n in manifest["notebooks"] if n["name"] == "segmentation")
    assert seg["left_out"][0] == {
        "section": "rfm",
        "title": "RFM segments: size and revenue",
        "reason": "needs an orders file",
        "fix": 'name your orders export in params: orders: "orders.csv"',
    }


def test_skipped_page_is_not_executed(run):
    _, lines, out = run
    folder = out / "2026-10"
    assert not (folder / "topics.html").exists() and not (folder / "topics.ipynb").exists()
    assert "topics: skipped (needs the customers' comments); not run" in lines
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]  # no trimmed copies left


def test_closing_line_counts_pages(run):
    _, lines, out = run
    closing = lines[-1]
    assert re.fullmatch(
        r"Report for 2026-10 written to .*/2026-10/ \(8 pages: 2 complete, 3 partial, 3 skipped; "
        r"\d+\.\d s\); all periods: .*index\.html",
        closing,
    ), closing


def test_index_shows_status_and_what_is_left_out(run):
    _, _, out = run
    soup = BeautifulSoup((out / "2026-10" / "index.html").read_text(), "html.parser")
    rows = {
        tr.find("td").get_text(" ", strip=True)[:20]: tr
        for tr in soup.select("#pages ~ table tr")[1:]
    }
    text = {k: tr.get_text(" ", strip=True) for k, tr in rows.items()}
    topics = next(tr for k, tr in rows.items() if k.startswith("Topics"))
    assert topics.find("a") is None  # a skipped page has no link
    assert "skipped" in topics.get_text() and "needs the customers' comments" in topics.get_text()
    seg = next(v for k, v in text.items() if k.startswith("Customer segments"))
    assert "partial" in seg and "needs an orders file. For analysts: Name your orders export" in seg
    drivers = next(tr for k, tr in rows.items() if k.startswith("Drivers"))
    assert drivers.find("a")["href"] == "drivers.html" and "complete" in drivers.get_text()
    reports = (out / "index.html").read_text()
    assert "Topics (skipped)" in reports and "2026-10/topics.html" not in reports


def test_no_page_shows_a_heading_of_a_left_out_section(run):
    _, _, out = run
    for name, (status, left_out) in EXPECTED.items():
        if status == "skipped":
            continue
        soup = BeautifulSoup((out / "2026-10" / f"{name}.html").read_text(), "html.parser")
        headings = {h.get_text(" ", strip=True).rstrip("¶ ") for h in soup.find_all(["h2", "h3"])}
        titles = {s.title for s in PAGES[name].sections if s.key in left_out}
        assert not (headings & titles), name
        page_text = soup.get_text(" ", strip=True)
        assert "Traceback" not in page_text and "AttributeError" not in page_text, name
        if left_out:
            assert "Left out of this page" in page_text, name


def test_left_out_sections_say_what_is_missing_in_plain_words(run):
    # the pages and the index say what is missing in words; the params line, column and file
    # names stand only on the one "For analysts:" line of each page (or index row)
    from tests.page_text import SETUP_DETAIL, analysts_lines, reader_text

    _, _, out = run
    pages = sorted((out / "2026-10").glob("*.html"))
    assert {p.stem for p in pages} >= {"index", "overview", "segmentation", "closed_loop"}
    for page in pages:
        # the data file's own name is provenance ("800 responses read from export.csv")
        text = reader_text(page).replace("export.csv", "the export")
        assert not SETUP_DETAIL.search(text), (page.name, SETUP_DETAIL.search(text))
    overview = out / "2026-10" / "overview.html"
    assert "Response rate : needs an invitations file" in reader_text(overview)
    assert analysts_lines(overview) == [
        'For analysts: name your invitations export in params: invitations: "invitations.csv".'
    ]
    index = analysts_lines(out / "2026-10" / "index.html")
    assert 'For analysts: Name your orders export in params: orders: "orders.csv".' in index
