"""What notebooks show: escaped, redacted, numbered, readable numbers, no figure reprs."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from fbresearch.present import display  # noqa: E402
from fbresearch.present.display import format_ci, format_value, show, table_html  # noqa: E402
from fbresearch.results import Estimate  # noqa: E402


@pytest.fixture
def shown(monkeypatch):
    captured: list[str] = []
    monkeypatch.setattr(display, "_html", captured.append)
    display.reset_numbering()
    return captured


def test_numbers_are_formatted_for_readers():
    assert format_value(1234567.0) == "1,234,567" and format_value(12345) == "12,345"
    assert format_value(0.256, percent=True) == "25.6%" and format_value(float("nan")) == "–"
    assert format_ci(42.0, 38.0, 46.0, digits=0) == "42 (38 to 46)"
    assert format_ci(-3.0, -5.0, -1.0) == "-3.0 (-5.0 to -1.0)"


def test_table_joins_ci_formats_shares_and_hides_range_index():
    frame = pd.DataFrame(
        {
            "channel": ["web", "app"],
            "estimate": [42.0, 0.5],
            "ci_low": [38.0, 0.4],
            "ci_high": [46.0, 0.6],
            "unit": ["points", "share"],
            "n": [1200, 80],
            "share": [0.25, 0.75],
            "p_value": [0.0001, 0.2],
        }
    )
    html = table_html(frame).replace("<span>", "").replace("</span>", "")  # the CI may wrap
    assert "42.0 (38.0 to 46.0)" in html and "50.0% (40.0% to 60.0%)" in html
    assert "1,200" in html and "25.0%" in html and "&lt;0.001" in html
    assert "<th>ci_low</th>" not in html and ">0</td>" not in html  # no RangeIndex column
    indexed = table_html(frame.set_index("channel"))
    assert "<th>Channel</th>" in indexed


def test_planted_markup_and_pii_are_neutralised(shown):
    show(
        pd.DataFrame({"text": ["<script>alert(1)</script>", "mail li.na@example.com"]}),
        caption="<b>cap</b>",
    )
    show("<img src=x onerror=alert(1)> call 13912345678")
    html = "".join(shown)
    assert "<script>" not in html and "<img src=x" not in html and "<b>cap" not in html
    assert (
        "&lt;script&gt;" in html and "li.na@example.com" not in html and "13912345678" not in html
    )


def test_figures_are_numbered_embedded_and_closed(shown):
    plt.close("all")  # figures other tests in this process left open are not show()'s
    fig, ax = plt.subplots()
    ax.plot([1, 2])
    show(ax, caption="First")
    fig2, _ = plt.subplots()
    show(fig2, caption="Second")
    show(pd.DataFrame({"a": [1]}), caption="A table")
    assert (
        "Figure 1. First" in shown[0]
        and "Figure 2. Second" in shown[1]
        and "Table 1. A table" in shown[2]
    )
    assert 'src="data:image/png;base64,' in shown[0] and "<Figure size" not in "".join(shown)
    assert not plt.get_fignums()


def test_estimate_and_long_tables(shown):
    show(Estimate(0.42, 0.38, 0.46, n=500, name="CSAT", unit="share"))
    assert "CSAT: <strong>42.0% (38.0% to 46.0%)</strong>" in shown[0]
    html = table_html(pd.DataFrame({"x": range(100)}), max_rows=10)
    assert html.count("<tr>") == 12 and "First 10 of 100 rows" in html


def test_a_not_shown_block_keeps_the_setup_detail_for_the_analysts_line():
    from fbresearch.present.display import unavailable_html

    html = unavailable_html(
        "Churn risk is not shown: it needs an orders file. Fix: name it in params: orders: x.csv"
    )
    plain, analysts = html.split("</p>", 1)
    assert plain == '<p class="fb-unavailable">Churn risk is not shown: it needs an orders file.'
    assert analysts == '<p class="fb-analysts">For analysts: name it in params: orders: x.csv</p>'
    assert "fb-analysts" not in unavailable_html("Churn risk is not shown: too few answers.")
