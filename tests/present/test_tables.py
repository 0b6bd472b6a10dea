"""fbresearch.present.tables: the one table renderer (hand-worked cases)."""

from __future__ import annotations

import pandas as pd

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
        "Confidence",
    ]
    assert shown.iloc[0].tolist()[:4] == ["Champions", "12.5 (-2.0 to 27.0)", "0.200", "yes"]


def test_table_html_escapes_redacts_and_truncates():
    frame = pd.DataFrame({"text": ["<b>x</b> mail a.b@example.com"] * 3, "n": [1, 2, 3]})
    markup = table_html(frame, caption="T <1>", max_rows=2)
    assert "&lt;b&gt;x&lt;/b&gt;" in markup and "a.b@example.com" not in markup
    assert "<caption>T &lt;1&gt;</caption>" in markup and "First 2 of 3 rows." in markup
    assert '<th class="num">n</th>' in markup
