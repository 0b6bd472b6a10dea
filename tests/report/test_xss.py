"""Injected markup never goes live: every vector through every path a string can take to a page."""

from __future__ import annotations

import nbformat
import pandas as pd
import pytest
from xss_vectors import VECTORS, live_markup

from fbresearch.present.tables import table_html
from fbresearch.report.html import notebook_page, period_page, sanitize_html

FOOTER = {"source": "s", "rows": "1", "generated": "2026-11-01 08:00 UTC"}


def test_the_corpus_is_large_and_the_checker_sees_live_markup():
    assert len(VECTORS) >= 50
    # the checker is not blind: raw vectors are live in at least 45 of them
    assert sum(bool(live_markup(v)) for v in VECTORS) >= 45


@pytest.mark.parametrize("vector", VECTORS)
def test_sanitizer_leaves_nothing_live(vector):
    assert live_markup(sanitize_html(f"<div>{vector}</div>")) == []


def test_table_values_column_names_and_index_are_escaped():
    frame = pd.DataFrame({v[:40] + str(i): [v] for i, v in enumerate(VECTORS[:25])})
    frame.index = [VECTORS[30]]
    html = table_html(frame)
    assert live_markup(html) == []


def test_page_and_index_escape_params_strings_titles_and_findings():
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [
        nbformat.v4.new_output("display_data", data={"text/html": "".join(VECTORS)}),
        nbformat.v4.new_output("stream", name="stdout", text="".join(VECTORS)),
    ]
    nb.cells = [nbformat.v4.new_markdown_cell("# " + VECTORS[0]), cell]
    page = notebook_page(
        nb, name="overview", report_title=VECTORS[1], period_label=VECTORS[2], footer=FOOTER
    )
    assert live_markup(page, shell_styles=1) == []
    index = period_page(
        report_title=VECTORS[3],
        period_label=VECTORS[4],
        kpis=[],
        findings=[{"sentence": v, "analysis": VECTORS[5], "importance": 1.0} for v in VECTORS],
        notebooks=[{"name": "overview", "title": VECTORS[6], "status": "ok", "html": "o.html",
                    "seconds": 1.0, "findings": 0, "error": None}],
        footer=FOOTER,
    )  # fmt: skip
    assert live_markup(index, shell_styles=1) == []
