"""fbresearch.present.tables: the one table renderer (hand-worked cases)."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from fbresearch.present.tables import MISSING, format_ci, format_value, readable, table_html


def test_values_group_thousands_and_never_show_minus_zero():
    assert format_value(12345.678) == "12,346" and format_value(-1234.5, digits=1) == "-1,234.5"
    assert (
        format_value(0.4213, percent=True) == "42.1%" and format_value(-0.0004, digits=1) == "0.0"
    )
    assert format_value(None) == MISSING == "–" and format_value(pd.NA) == "–"
    assert format_ci(12345.0, 12000.0, 12500.0, digits=0) == "12,345 (12,000 to 12,500)"


def test_estimate_column_states_the_tables_own_confidence():
    base = {"estimate": [40.0], "ci_low": [30.0], "ci_high": [50.0]}
    assert list(readable(pd.DataFrame(base))) == ["Estimate (95% CI)"]
    ninety = pd.DataFrame({**base, "confidence": [0.9]})
    assert list(readable(ninety)) == ["Estimate (90% CI)"]
    mixed = pd.DataFrame({k: v * 2 for k, v in base.items()} | {"confidence": [0.9, 0.95]})
    assert list(readable(mixed)) == ["Estimate (CI)"]  # no single level to state


def test_p_values_and_missing_marks():
    frame = pd.DataFrame({"p_value": [0.0004, 0.04321, None], "name": ["a", None, "c"]})
    shown = readable(frame)
    assert shown["p-value"].tolist() == ["<0.001", "0.043", "–"]
    assert shown["Name"].tolist() == ["a", "–", "c"]


def test_headers_are_human_and_intervals_join_their_bounds():
    frame = pd.DataFrame(
        {
            "segment": ["Champions"],
            "difference": [12.5],
            "diff_low": [-2.0],
            "diff_high": [27.0],
            "p_holm": [0.2],
            "small_sample": [True],
            "confidence": [0.9],
        }
    )
    shown = readable(frame)
    assert list(shown) == [
        "Segment",
        "Difference (90% CI)",
        "p (Holm-adjusted)",
        "Small sample",
    ]  # the level is in the interval's header, not a column of its own
    assert shown.iloc[0].tolist()[:4] == ["Champions", "12.5 (-2.0 to 27.0)", "0.200", "yes"]


def test_table_html_escapes_redacts_and_truncates():
    frame = pd.DataFrame({"text": ["<b>x</b> mail a.b@example.com"] * 3, "n": [1, 2, 3]})
    markup = table_html(frame, caption="T <1>", max_rows=2)
    assert "&lt;b&gt;x&lt;/b&gt;" in markup and "a.b@example.com" not in markup
    assert "<caption>T &lt;1&gt;</caption>" in markup and "First 2 of 3 rows." in markup
    assert '<th class="num">n</th>' in markup


# --------------------------------------------------------------------------- the rules, pinned


def test_one_decimal_style_per_column_and_metric_columns_take_the_registry_digits():
    # hand-worked: the largest value gets three significant digits (0 to 3 decimals)
    frame = pd.DataFrame({"z": [-0.128, 1.74, -2.29], "later_nps": [-8.7, -0.917, 3.0]})
    shown = readable(frame)
    assert shown["Z"].tolist() == ["-0.13", "1.74", "-2.29"]
    assert shown["Later NPS"].tolist() == ["-8.7", "-0.9", "3.0"]  # NPS: one decimal
    whole = readable(pd.DataFrame({"frequency": [69.0, 3.0]}))
    assert whole["Frequency"].tolist() == ["69", "3"]  # medians of counts: no ".0"
    # a row's metric sets its decimals (CES two, NPS one), whatever the other rows hold
    rows = pd.DataFrame(
        {"metric": ["NPS", "CES"], "estimate": [8.14, 5.481], "ci_low": [-3.4, 5.32],
         "ci_high": [19.6, 5.63], "rest": [-0.179, 5.5]}
    )  # fmt: skip
    out = readable(rows)
    assert out["Estimate (95% CI)"].tolist() == ["8.1 (-3.4 to 19.6)", "5.48 (5.32 to 5.63)"]
    assert out["Rest"].tolist() == ["-0.2", "5.50"]


def test_no_minus_zero_anywhere():
    frame = pd.DataFrame(
        {"difference": [-0.3], "diff_low": [-2.4], "diff_high": [-0.2], "x": [-0.0001]}
    )
    cells = readable(frame).iloc[0].tolist()
    assert not any(_MINUS_ZERO.search(c) for c in cells), cells


def test_share_differences_are_percentage_points_and_odds_ratios_keep_their_interval():
    frame = pd.DataFrame(
        {"estimate": [0.818], "ci_low": [0.76], "ci_high": [0.865], "unit": ["share"],
         "difference": [0.088], "diff_low": [0.02], "diff_high": [0.149]}
    )  # fmt: skip
    assert readable(frame)["Difference (95% CI)"].tolist() == ["8.8 pp (2.0 to 14.9)"]
    odds = pd.DataFrame({"term": ["x"], "odds_ratio": [4.4], "ci_low": [3.22], "ci_high": [6.0]})
    assert readable(odds).columns.tolist() == ["Term", "Odds ratio (95% CI)"]
    assert readable(odds).iloc[0, 1] == "4.40 (3.22 to 6.00)"
    # the header states the table's own level, and the level is not a column of its own
    assert readable(odds.assign(confidence=0.9)).columns.tolist() == [
        "Term",
        "Odds ratio (90% CI)",
    ]


def test_empty_columns_go_an_empty_table_says_none_and_estimates_can_be_named():
    frame = pd.DataFrame({"segment": ["a"], "top_topics": [""], "n": [3]})
    assert readable(frame).columns.tolist() == ["Segment", "n"]
    markup = table_html(pd.DataFrame({"check": [], "rows": []}), caption="Problems")
    assert "None." in markup and ">Check</th>" in markup
    named = pd.DataFrame({"estimate": [0.3], "ci_low": [0.2], "ci_high": [0.4], "unit": ["share"]})
    named.attrs["estimate_label"] = "Share of texts"
    assert readable(named).columns.tolist() == ["Share of texts (95% CI)"]


def test_p_value_text_a_narrative_wrote_is_kept_not_blanked():
    shown = readable(pd.DataFrame({"p": ["<0.001", "0.120"]}))
    assert shown["p-value"].tolist() == ["<0.001", "0.120"]


# --------------------------------------------------------------------------- the real page tables

_MINUS_ZERO = re.compile(r"(?<![\d.,])-0(?:\.0+)?(?![\d.,])")
_P_STYLE = re.compile(r"^(<0\.001|[01]\.\d{3}|–)$")
_RAW = {"diff_low", "diff_high", "p_holm", "small_sample", "ci_low", "ci_high", "p_value"}


def _decimals(cell: str) -> int | None:
    found = re.search(r"-?[\d,]+(?:\.(\d+))?", cell)
    return None if found is None else len(found.group(1) or "")


@pytest.fixture(scope="module")
def page_tables(sample):
    """The tables the pages show, built with the calls the notebooks make (seed 0 sample)."""
    from fbresearch.analyses.kpis import kpi_table
    from fbresearch.analyses.segments import (
        churn_risk,
        cluster_segments,
        customer_features,
        profile_attributes,
        profile_segments,
        rfm_segments,
    )
    from fbresearch.analyses.triage import (
        add_triage_columns,
        categorize,
        category_kpis,
        close_the_loop,
        severity,
        severity_mix,
        suspicious_feedback,
    )
    from fbresearch.present.triage import category_table

    feedback, orders = sample.feedback, sample.orders
    period = pd.Period("2026-10", "M")
    month = feedback["submitted_at"].dt.to_period("M")
    recent = feedback[(month > period - 3) & (month <= period)]
    rfm = rfm_segments(orders, asof=period)
    features = customer_features(orders, feedback, asof=period)
    screen = suspicious_feedback(feedback)
    marked = add_triage_columns(feedback, screen=screen)
    cats = categorize(marked["text"])
    results = {
        "overview kpis": kpi_table(feedback, by="month", metrics=["nps", "csat", "ces", "volume"])
        .last(2)
        .display_table(),
        "rfm": rfm,
        "clusters": cluster_segments(
            features, ["recency_days", "orders", "spend", "tenure_days"], seed=0
        ),
        "profile": profile_segments(rfm.assign(recent), "segment"),
        "attributes": profile_attributes(recent),
        "churn": churn_risk(feedback, orders, asof=period),
        "suspicious": screen,
        "categories": categorize(marked.loc[month == period, "text"]),
        "category kpis": category_table(category_kpis(marked, cats, period=period), cats),
        "severity": severity_mix(severity(marked)),
        "loop": close_the_loop(marked, asof=period.end_time),
    }
    return {name: table_html(_shown(res)) for name, res in results.items()}


def _shown(result):
    if isinstance(result, pd.DataFrame):
        return result
    shown = getattr(result, "display_table", None)
    return shown() if callable(shown) else result.table


def _cells(markup: str) -> tuple[list[str], list[list[str]]]:
    from bs4 import BeautifulSoup

    table = BeautifulSoup(markup, "html.parser").find("table")
    head = [th.get_text(" ", strip=True) for th in table.find("thead").find_all("th")]
    body = [
        [" ".join(td.get_text(" ").split()) for td in tr.find_all("td")]
        for tr in table.find("tbody").find_all("tr")
    ]
    return head, body


@pytest.mark.slow
def test_real_page_tables_follow_the_number_rules(page_tables):
    for name, markup in page_tables.items():
        head, body = _cells(markup)
        assert not _RAW & set(head), (name, head)
        assert not [h for h in head if "_" in h], (name, head)  # human headers only
        for row in body:
            assert not any(_MINUS_ZERO.search(c) for c in row), (name, row)
        for i, label in enumerate(head):
            column = [row[i] for row in body if len(row) == len(head)]
            if label.startswith("p-value") or label.startswith("p ("):
                assert all(_P_STYLE.match(c) for c in column), (name, label, column)
            # one number style per column (per metric where each row names its metric)
            if "Metric" in head:
                groups = {}
                for row in body:
                    groups.setdefault(row[head.index("Metric")], []).append(row[i])
            else:
                groups = {"": column}
            for cells in groups.values():
                styles = {_decimals(c) for c in cells if c != "–" and _decimals(c) is not None}
                numeric = all(re.match(r"^[<–\-\d]", c) for c in cells)
                if numeric and label not in ("Segment", "Cluster"):
                    assert len(styles) <= 1, (name, label, cells)


@pytest.mark.slow
def test_the_closed_loop_category_table_is_one_row_per_category(page_tables):
    head, body = _cells(page_tables["category kpis"])
    assert head == ["Category", "Responses", "NPS (95% CI)", "CSAT (95% CI)"]
    # the sample's responses without a text are "No text", last (not "No category")
    assert len(body) <= 10 and body[-1][0] == "No text"
    rest = [r for r in body if r[0] not in ("No category", "No text")]
    counts = [int(r[1].replace(",", "")) for r in rest]
    assert counts == sorted(counts, reverse=True)
    assert not any("(" in r[1] for r in body)  # a count is a count: no interval on it


def test_code_cells_show_display_labels_and_the_export_keeps_the_codes():
    from fbresearch.present.exports import export_frame

    frame = pd.DataFrame(
        {
            "channel": pd.Categorical(["call_center", "email"]),
            "metric": ["nps", "csat"],
            "excerpt": ["call_center was slow", "fine"],  # a verbatim is never relabelled
            "n": [27, 49],
        }
    )
    shown = readable(frame)
    assert shown["Channel"].tolist() == ["Call center", "Email"]
    assert shown["Metric"].tolist() == ["NPS", "CSAT"]
    assert shown["Excerpt"].tolist() == ["call_center was slow", "fine"]
    assert "call_center</td>" not in table_html(frame)
    table, _ = export_frame(frame)
    assert table["Channel"].tolist() == ["call_center", "email"]  # the spreadsheet keeps codes


def test_a_code_holding_personal_data_is_not_relabelled_past_redaction():
    # "wxid_..." is a WeChat ID the redaction finds only whole: labelled first ("Wxid ab23...")
    # it would slip through; the page must show the placeholder, in cells and in sentences
    from fbresearch.analyses.kpis import kpi_table
    from fbresearch.present.display import result_html

    frame = pd.DataFrame({"channel": ["wxid_ab23cd45ef"] * 30 + ["email"] * 30, "nps": 9})
    cells = readable(frame.drop_duplicates())["Channel"].tolist()
    assert cells == ["[wechat]", "Email"]
    page = result_html(kpi_table(frame, by="channel", metrics="nps"))
    assert "ab23cd45ef" not in page and "[wechat]" in page
