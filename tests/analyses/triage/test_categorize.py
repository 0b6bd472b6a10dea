"""Responses without a text are "No text", apart from texts in no category."""

import pandas as pd

from fbresearch.analyses.triage import categorize, category_kpis
from fbresearch.present.triage import category_table


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
    wide = category_table(category_kpis(df, cats, period="2026-10", metrics=["volume", "nps"]),
                          cats).set_index("Category")
    assert wide.loc["No category", "Responses"] == 1
    assert wide.loc["No text", "Responses"] == 2
    assert wide.loc["No text", "NPS (95% CI)"].startswith("-100")  # 2 detractors of 2
    assert list(wide.index[-2:]) == ["No category", "No text"]


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
