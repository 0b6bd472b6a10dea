"""The data zoo (issue 14): every export shape gets its planned pages, and they run cleanly.

The shapes and their expected page statuses are in ``tests/zoo/shapes.py`` (written by hand
from the page needs table). For every shape: the dry-run plan's statuses and left-out sections
equal the expected ones, and each page that is not skipped runs in-process (trimmed by its
plan, with the runner's parameters) without an exception and without a traceback, an
``AttributeError``/``KeyError`` or a "not shown: needs" stand-in in what it displays. The whole
papermill report runs on three shapes.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.zoo.harness import execute_page, forbidden_in, left_out, prepare
from tests.zoo.shapes import ALWAYS_ON, PAGES, SHAPES, TITLES

PAGE_CASES = [
    (shape, page)
    for shape, spec in SHAPES.items()
    for page in PAGES
    if spec.expected[page] != "skipped"
]


@pytest.fixture(scope="session")
def zoo(tmp_path_factory):
    """Shape name -> its export prepared (built, loaded, planned, written) once per session."""
    cache = {}

    def get(name):
        if name not in cache:
            root = tmp_path_factory.mktemp(f"zoo-{name}")
            params, _files = SHAPES[name].build(root)
            cache[name] = (params, prepare(params, root / "work"))
        return cache[name]

    return get


def test_the_zoo_has_every_shape_of_the_issue():
    wanted = {
        "survey_only", "reviews_only", "nps_only", "binary_label_only", "no_channel",
        "no_customer_ids", "no_orders", "one_wave_no_dates", "one_month", "two_months",
        "month_of_3", "segment_of_5", "all_texts_empty", "english_only", "mixed_zh_en_emoji",
        "big5", "zero_not_rated", "missing_40pct",
    }  # fmt: skip
    assert wanted <= set(SHAPES)


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_expectations_are_consistent(name):
    """The hand-written statuses agree with the hand-written left-out sections."""
    spec = SHAPES[name]
    assert set(spec.expected) == set(PAGES)
    for page in PAGES:
        gone = spec.left_out(page)
        assert gone <= set(TITLES[page]), (page, gone)
        needing = {k for k in TITLES[page] if (page, k) not in ALWAYS_ON}
        status = "complete" if not gone else "skipped" if needing <= gone else "partial"
        assert spec.expected[page] == status, page


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_plan_statuses_and_left_out_sections(zoo, name):
    spec = SHAPES[name]
    _params, prepared = zoo(name)
    plan = prepared.plan
    assert {p: plan[p].status for p in PAGES} == spec.expected
    assert {p: left_out(plan[p]) for p in PAGES} == {p: spec.left_out(p) for p in PAGES}
    for page in PAGES:
        for section in plan[page].sections:
            if not section.included:  # every left-out section says why and how to supply it
                assert section.reason and section.fix, (page, section)


def test_big5_export_is_decoded(zoo):
    """The Big5 file's regions arrive as written (not GB18030 mojibake)."""
    _params, prepared = zoo("big5")
    assert set(prepared.frame["Region"].dropna()) == {"華東", "華北", "華南", "台北"}


def test_wave_without_dates_is_one_month(zoo):
    _params, prepared = zoo("one_wave_no_dates")
    assert prepared.period == "2026-10"
    assert set(prepared.frame["wave"]) == {"2026-10"}


@pytest.mark.parametrize(("name", "page"), PAGE_CASES)
def test_planned_page_runs_cleanly(zoo, monkeypatch, name, page):
    _params, prepared = zoo(name)
    shown = execute_page(prepared, page, monkeypatch)
    assert shown, f"{name}/{page} displayed nothing"
    assert not forbidden_in(shown), forbidden_in(shown)


# --------------------------------------------------------------------- whole papermill report
WHOLE = ("survey_only", "reviews_only", "no_orders")
PAGE_ERRORS = ("Traceback", "AttributeError", "Error:")


def _visible_text(html: str) -> str:
    """Page text without embedded images, styles and scripts (their bytes are not text)."""
    html = re.sub(r"<(style|script)\b.*?</\1>", " ", html, flags=re.S | re.I)
    return re.sub(r'src="data:[^"]*"', "", html)


@pytest.fixture(scope="session")
def whole_report(tmp_path_factory):
    cache = {}

    def get(name):
        if name not in cache:
            from fbresearch.errors import ReportError
            from fbresearch.report.runner import run_report

            root = tmp_path_factory.mktemp(f"whole-{name}")
            params, _files = SHAPES[name].build(root)
            try:
                cache[name] = run_report(params, out=root / "reports", progress=None)
            except ReportError as error:  # a failed page: the run is on the error
                cache[name] = error.run
        return cache[name]

    return get


@pytest.mark.slow
@pytest.mark.parametrize("name", WHOLE)
def test_whole_report(whole_report, name):
    spec = SHAPES[name]
    run = whole_report(name)
    assert run.ok, run.message
    manifest = json.loads((run.folder / "manifest.json").read_text(encoding="utf-8"))
    statuses = {entry["name"]: entry["status"] for entry in manifest["notebooks"]}
    assert statuses == spec.expected
    index = (run.folder / "index.html").read_text(encoding="utf-8")
    for status in set(spec.expected.values()):
        assert status in index, status
    for page, status in spec.expected.items():
        html_path = Path(run.folder) / f"{page}.html"
        if status == "skipped":
            continue
        html = _visible_text(html_path.read_text(encoding="utf-8"))
        for word in PAGE_ERRORS:
            assert word not in html, f"{page}.html shows {word!r}"
        for key in spec.left_out(page):
            title = TITLES[page][key]
            heading = re.compile(rf"<h[1-6][^>]*>\s*{re.escape(title)}", re.I)
            assert not heading.search(html), f"{page}.html has the left-out heading {title!r}"
