"""Responses without a text are "No text", apart from texts in no category."""

import pandas as pd

from fbresearch.analyses.triage import categorize, category_kpis
from fbresearch.present.triage import category_caption, category_table


def test_no_text_is_its_own_row_apart_from_no_category():
    # hand-worked: 1 delivery text, 1 text in no category (NPS 10), 2 without text (NPS 0, 6)
    df = pd.DataFrame(
        {
            "submitted_at": pd.Timestamp("2026-10-02"),
            "text": ["late courier", "purple elephants dance", None, "  "],
            "nps": [9, 10, 0, 6],
        }
    )
    cats = categorize(df["text"])
    # the month's category shares count texts only: 1 of 2 texts is in no category
    unc = cats.table.set_index("category").loc["uncategorized", "n"]
    assert unc == 1
    wide = category_table(
        category_kpis(df, cats, period="2026-10", metrics=["volume", "nps"]), cats
    ).set_index("Category")
    assert wide.loc["No category", "Responses"] == 1
    assert wide.loc["No text", "Responses"] == 2
    assert wide.loc["No text", "NPS (95% CI)"].startswith("-100")  # 2 detractors of 2
    assert list(wide.index[-2:]) == ["No category", "No text"]


def test_no_category_is_one_count_in_both_tables_even_for_texts_without_words():
    # hand-worked: 5 responses; "late courier" is delivery; "purple elephants dance" and
    # "送的好慢啊" (single characters and a stopword: no words once tokenized) are texts in no
    # category; None and "  " have no text. Both tables say 2 in no category, of 3 texts.
    df = pd.DataFrame(
        {
            "submitted_at": pd.Timestamp("2026-10-02"),
            "text": ["late courier", "purple elephants dance", "送的好慢啊", None, "  "],
            "nps": [9, 10, 0, 3, 6],
        }
    )
    cats = categorize(df["text"])
    by_code = cats.table.set_index("category")
    assert by_code.loc["uncategorized", "n"] == 2
    assert cats.uncategorized.n == 3  # the share's denominator: every text, words or not
    assert abs(cats.uncategorized.estimate - 2 / 3) < 1e-12
    assert by_code.loc["delivery_logistics", "estimate"] == 1 / 3
    wide = category_table(
        category_kpis(df, cats, period="2026-10", metrics=["volume", "nps"]), cats
    ).set_index("Category")
    assert wide.loc["No category", "Responses"] == 2
    assert wide.loc["No text", "Responses"] == 2
    assert wide.loc["No category", "NPS (95% CI)"].startswith("0.0")  # 1 promoter, 1 detractor
    assert cats.summary().startswith("Of 3 texts, the largest categories were")
    # each caption says what its unsorted rows mean
    assert "No category: texts with none of the taxonomy's words" in cats.caption("October 2026")
    caption = category_caption(wide.reset_index(), "October 2026")
    assert "No category: texts with none" in caption
    assert "No text: responses without a text" in caption


def test_response_times_name_categories_by_their_labels():
    from fbresearch.analyses.triage import add_triage_columns, response_times, severity

    sub = pd.Timestamp("2026-10-01 00:00")
    df = pd.DataFrame(
        {
            "submitted_at": [sub] * 3,
            "responded_at": [sub + pd.Timedelta("1h"), sub + pd.Timedelta("2h"), pd.NaT],
            "text": ["refund still not here", "purple elephants dance", None],
            "nps": [2, 9, 9],
        }
    )
    cases = add_triage_columns(df, categorize(df["text"]), severity(df))
    times = response_times(cases, asof="2026-11-01", window_days=None, min_cases=1)
    groups = times.table.loc[times.table["dimension"] == "category", "group"].tolist()
    assert sorted(groups) == ["No category", "No text", "Refunds and returns"]
    # only the no-text case was never answered (the others in time): its row is the worst
    assert times.worst["category"] == "No text"
    assert "refund_return" not in times.summary()
