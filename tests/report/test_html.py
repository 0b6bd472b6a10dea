"""fbresearch.report.html: pages escape every value, redact personal data, load nothing."""

from __future__ import annotations

import nbformat

from fbresearch.report.html import (
    clean_notebook,
    kpi_view,
    notebook_page,
    period_page,
    reports_page,
    sanitize_html,
)

FOOTER = {"source": "sample", "rows": "10 responses", "generated": "2026-11-01 08:00 UTC"}


def _executed(*outputs):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = list(outputs)
    nb.cells = [nbformat.v4.new_markdown_cell("# Title <b>here</b>\n## Part one"), cell]
    return nb


def test_sanitize_removes_active_content_and_external_loads():
    dirty = (
        '<div onmouseover="steal()"><script>x()</script><a href="javascript:x()">a</a>'
        '<img src="https://tracker.example/p.gif"><img src="data:image/png;base64,AAAA">'
        '<iframe src="https://x"></iframe></div>'
    )
    clean = sanitize_html(dirty)
    assert clean == (
        '<div><a rel="noopener noreferrer">a</a><img><img src="data:image/png;base64,AAAA"></div>'
    )


def test_sanitize_redacts_personal_data_in_text():
    clean = sanitize_html("<p>Write to jane.doe@example.com</p>")
    assert "jane.doe@example.com" not in clean and clean.startswith("<p>Write to ")


def test_clean_notebook_drops_stderr_figure_reprs_and_redacts_streams():
    nb = _executed(
        nbformat.v4.new_output("stream", name="stderr", text="UserWarning: noise"),
        nbformat.v4.new_output("stream", name="stdout", text="mail me: a.b@example.org"),
        nbformat.v4.new_output("execute_result", data={"text/plain": "<Figure size 800x450>"}),
        nbformat.v4.new_output("error", ename="ValueError", evalue="<bad> a.b@example.org"),
    )
    outputs = clean_notebook(nb).cells[1].outputs
    assert len(outputs) == 2
    assert "a.b@example.org" not in outputs[0]["text"]
    message = outputs[1]["data"]["text/html"]
    assert "ValueError: &lt;bad&gt;" in message and "a.b@example.org" not in message


def test_notebook_page_escapes_title_and_has_toc_and_no_code():
    nb = _executed(nbformat.v4.new_output("display_data", data={"text/html": "<p>body</p>"}))
    page = notebook_page(
        nb, name="overview", report_title="R <&>", period_label="October 2026", footer=FOOTER
    )
    assert "R &lt;&amp;&gt;" in page and "R <&>" not in page
    assert "<p>body</p>" in page and ">x<" not in page  # the code cell's source is hidden
    assert "<script" not in page.lower() and "https://" not in page.split("<style")[0]


def test_kpi_view_hand_worked():
    kpi = {
        "name": "CSAT",
        "estimate": 0.8123,
        "ci_low": 0.78,
        "ci_high": 0.84,
        "n": 1234,
        "unit": "share",
        "previous_period": "2026-09",
        "change": -0.031,
        "change_significant": True,
    }
    view = kpi_view(kpi)
    assert view["value"] == "81.2%" and view["ci"] == "78.0% to 84.0%" and view["n"] == "1,234"
    assert view["change"] == "▼ 3.1 pts vs 2026-09 (significant)"
    assert view["short_change"] == "▼ 3.1 pts vs Sep" and view["change_class"] == "fb-down"


def test_period_and_reports_pages_escape_sentences_and_names():
    finding = {"sentence": "<script>x</script> rose", "estimate": None, "analysis": "overview"}
    nb = {"name": "overview", "title": "Over<view>", "status": "ok", "seconds": 1.0}
    page = period_page(
        report_title="Report",
        period_label="October 2026",
        kpis=[],
        findings=[finding],
        notebooks=[nb],
        footer=FOOTER,
    )
    assert "&lt;script&gt;x&lt;/script&gt; rose" in page and "<script>x" not in page
    assert "Over&lt;view&gt;" in page and 'href="overview.html"' in page
    index = reports_page(
        report_title="All <reports>",
        periods=[{"period": "2026-10", "label": "October 2026", "status": "ok", "kpis": []}],
        footer=FOOTER,
    )
    assert "All &lt;reports&gt;" in index and 'href="2026-10/index.html"' in index


def test_period_page_states_the_kpis_own_confidence():
    kpi = {"name": "NPS", "estimate": 40.0, "ci_low": 30.0, "ci_high": 50.0, "n": 50}
    common = {"report_title": "R", "period_label": "October 2026", "findings": []}
    common |= {"notebooks": [], "footer": FOOTER}
    default = period_page(kpis=[kpi], **common)
    assert "95% CI 30.0 to 50.0" in default and "(5% level)" in default
    ninety = period_page(kpis=[{**kpi, "confidence": 0.9}], **common)
    assert "90% CI 30.0 to 50.0" in ninety and "are 90% confidence intervals" in ninety
    assert "(10% level)" in ninety and "95%" not in ninety
    index = reports_page(
        report_title="R",
        periods=[{"period": "2026-10", "label": "Oct", "status": "ok", "kpis": [kpi]}],
        footer=FOOTER,
    )
    assert "give 95% confidence intervals" in index and "at the 5% level" in index


def test_kpi_card_counts_the_scores_answers_of_the_months_responses():
    # 241 NPS answers among 345 responses (104 reviews and social posts carry no score): the
    # card names both in the words the pages use, never "241 responses"
    kpi = {"name": "NPS", "estimate": 0.0, "ci_low": -8.6, "ci_high": 8.6, "n": 241}
    assert kpi_view({**kpi, "responses": 345})["count"] == "241 answers (of 345 responses)"
    assert kpi_view({**kpi, "responses": 241})["count"] == "241 responses"  # every one scored
    assert kpi_view(kpi)["count"] == "241 answers"
