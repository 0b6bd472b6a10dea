"""The whole report at confidence 0.9: every page and the index name 90%, never 95%.

Runs params/monthly.yaml on the built-in sample (its 5,000 responses) with ``confidence: 0.9``
for every notebook, as tests/report_snapshot.py runs it, and reads the HTML text (bs4). Figures
are embedded PNGs, so the captions around them carry the level that a reader sees. The run is
made once per test session (tests/shared_runs.py) and also opened in Chromium by
tests/test_browser.py.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from tests.shared_runs import monthly_report_at_90

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    result = monthly_report_at_90(tmp_path_factory)
    assert all(v["confidence"] == 0.9 for v in result.params["notebooks"].values())
    return result


def _text(path: Path) -> str:
    from bs4 import BeautifulSoup

    return " ".join(
        BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").get_text(" ").split()
    )


def _pages(run):
    return sorted(Path(run.folder).glob("*.html"))


_LEVEL_95 = re.compile(r"95\s?%\s*(CI|conf|band|interval|level)|\(95\s?%\)", re.IGNORECASE)


def test_every_page_names_the_run_level(run):
    pages = _pages(run)
    assert {p.stem for p in pages} >= {"index", "overview", "segmentation", "drivers"}
    for page in pages:
        text = _text(page)
        # a level statement, not a data value that happens to be 95%
        assert not _LEVEL_95.search(text), (page.name, _LEVEL_95.search(text))
        if "confidence" in text.lower() or " CI" in text:
            assert "90%" in text, page.name


def test_figure_captions_name_the_level(run):
    from bs4 import BeautifulSoup

    for page in _pages(run):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for caption in soup.find_all("figcaption"):
            words = caption.get_text(" ")
            assert not _LEVEL_95.search(words), (page.name, words)
            if "CI" in words.split() or "confidence" in words:
                assert "90%" in words, (page.name, words)


def test_headline_kpis_are_the_90_percent_ones(run):
    import fbresearch as fb
    from fbresearch.report.html import kpi_view

    frame = fb.sample_data(run.params["sample_size"], seed=run.params["seed"]).feedback
    month = frame[frame["submitted_at"].dt.to_period("M").astype(str) == run.period]
    truth = fb.nps(month["nps"].dropna(), confidence=0.9)
    # hand check of the estimator once: the normal interval of a difference of two shares
    scores = month["nps"].dropna()
    p, q, n = (scores >= 9).mean(), (scores <= 6).mean(), len(scores)
    se = 100 * math.sqrt((p + q - (p - q) ** 2) / n)
    assert truth.estimate == pytest.approx(100 * (p - q))
    assert truth.ci_high - truth.ci_low == pytest.approx(2 * 1.6449 * se, rel=0.1)
    headline = {k["name"]: k for k in run.manifest["headline"]}["NPS"]
    assert headline["estimate"] == pytest.approx(truth.estimate)
    assert (headline["ci_low"], headline["ci_high"]) == pytest.approx((truth.ci_low, truth.ci_high))
    view = kpi_view({**headline, "name": "NPS"})
    index = _text(Path(run.folder) / "index.html")
    assert view["ci"] in index and "90%" in index


def test_no_page_shows_a_python_value(run):
    """A cell's last expression is shown on the page: a stakeholder must never see a Python
    repr (the topics page once showed the model file's PosixPath in the staging folder)."""
    for page in _pages(run):
        html = page.read_text(encoding="utf-8")
        assert "output_text output_subarea output_execute_result" not in html, page.name
        assert ".building-" not in html and "PosixPath(" not in html, page.name
