"""The stakeholder pages in plain words: the monthly report as a reader who reads no code sees it.

Reads the shared monthly run (tests/shared_runs.py: params/monthly.yaml on the built-in sample at
confidence 0.9) and checks every page but the topics page (its own module's) for what a
stakeholder review found: category codes shown raw (``call_center``), setup detail (params keys,
column and file names) outside the one "For analysts:" line.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from fbresearch.schema import display_label
from tests.page_text import SETUP_DETAIL, reader_text
from tests.shared_runs import monthly_report_at_90

pytestmark = pytest.mark.slow

#: table headers whose cells are codes in the data (channels, stages, segments, grades)
CODE_HEADERS = {"Channel", "Stage", "Segment", "Severity", "Group", "By", "Metric"}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return monthly_report_at_90(tmp_path_factory)


def _pages(run) -> list[Path]:
    pages = sorted(p for p in Path(run.folder).glob("*.html") if p.stem != "topics")
    assert {p.stem for p in pages} >= {"index", "overview", "segmentation", "closed_loop"}
    return pages


def test_no_page_shows_a_category_code(run):
    from bs4 import BeautifulSoup

    import fbresearch as fb

    # the truth: the sample's own snake_case codes (channels, stages), as the data stores them
    frame = fb.sample_data(run.params["sample_size"], seed=run.params["seed"]).feedback
    codes = {
        str(v)
        for column in ("channel", "touchpoint")
        for v in frame[column].dropna().unique()
        if "_" in str(v)
    }
    assert "call_center" in codes
    for page in _pages(run):
        text = reader_text(page)
        assert not [c for c in codes if c in text], page.name
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for table in soup.find_all("table"):
            heads = [th.get_text(" ", strip=True) for th in table.find_all("th")]
            for row in table.find_all("tr")[1:]:
                cells = [td.get_text(" ", strip=True) for td in row.find_all("td")]
                for head, cell in zip(heads, cells, strict=False):
                    if head in CODE_HEADERS and cell:
                        assert display_label(cell) == cell, (page.name, head, cell)


def test_setup_detail_stands_only_on_the_analysts_line(run):
    # params keys, column and file names: never in the findings, only on "For analysts:"
    for page in _pages(run):
        text = reader_text(page)
        assert not SETUP_DETAIL.search(text), (page.name, SETUP_DETAIL.search(text))


def test_the_index_counts_answers_and_responses_in_the_pages_words(run):
    # the truth by hand: October's rows of the loaded sample, and those with an NPS answer
    import fbresearch as fb

    raw = fb.sample_data(run.params["sample_size"], seed=run.params["seed"]).feedback
    frame = fb.load_feedback(raw).frame
    month = frame[frame["submitted_at"].dt.to_period("M").astype(str) == run.period]
    responses, answers = len(month), int(month["nps"].notna().sum())
    assert answers < responses  # channels such as reviews carry no score
    index = reader_text(Path(run.folder) / "index.html")
    overview = reader_text(Path(run.folder) / "overview.html")
    assert f"{answers} answers (of {responses} responses)" in index
    assert f"There were {responses} responses in October 2026" in overview
    footer = (Path(run.folder) / "index.html").read_text(encoding="utf-8")
    assert f"{responses} in October 2026" in footer  # the footer's count of responses


def test_each_page_names_one_correction_and_its_groups_match_the_sentences(run):
    import re

    for page in _pages(run):
        if page.stem == "index":  # the summary of every page (its own check across them all)
            continue
        text = reader_text(page)
        named = {m for m in ("Holm", "Benjamini-Hochberg") if m in text}
        assert len(named) <= 1, (page.name, named)
        note = re.search(r"With (\d+) comparisons on this page[^.]*\.", text)
        inline = {int(n) for n in re.findall(r"after correcting for (\d+) comparisons", text)}
        if note is None:  # a page that names its check in its own words (drivers: "adjusted
            # for 5 drivers tested, false discovery rate 10%") corrects in groups of that size
            stated = {int(n) for n in re.findall(r"adjusted for (\d+)", text)}
            assert inline <= stated, (page.name, inline, stated)
            continue
        groups = re.search(r"\(groups of ([\d, and]+)\)", note.group(0))
        sizes = {int(n) for n in re.findall(r"\d+", groups.group(1))} if groups else set()
        # each sentence's "after correcting for N" is the size of the group it is checked in
        assert inline <= (sizes or {int(note.group(1))}), (page.name, inline, note.group(0))
    overview = reader_text(Path(run.folder) / "overview.html")
    assert "after correcting for 4 comparisons" in overview  # the headline table: 3 KPIs + volume
    assert "(groups of 4 and " in overview


#: statistics terms and the plain words a reader gets at the term's first mention on a page
#: (within a sentence or two of it)
JARGON = {
    "HC3": "intervals that do not assume every answer is equally noisy",
    "VIF": "variance inflation factor",
    "silhouette": "closer customers are to their own group",
    "Kaplan-Meier": "survival estimate",
    "Benjamini-Hochberg": "false-discovery-rate check",
    "AUC": "the chance it ranks",
    "adjusted Rand index": "1 means identical",
}


def test_statistics_terms_come_with_plain_words_at_first_mention(run):
    import re

    for page in _pages(run):
        text = reader_text(page)
        for term, words in JARGON.items():
            at = text.find(term)
            if at < 0:
                continue
            near = text[max(0, at - 300) : at + 300]
            assert words in near, (page.name, term, near)
        # q-values and F statistics are not shown: "adjusted p" and the joint test's p say it
        assert not re.search(r"\bq [<=] \d|\bF = \d|Q \(BH\)", text), page.name
