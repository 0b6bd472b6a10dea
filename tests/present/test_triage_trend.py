"""The closed loop's category trend: the largest few categories by label, none for one month."""

import matplotlib.pyplot as plt
import pandas as pd

from fbresearch.analyses.triage import categorize, category_kpis
from fbresearch.present.triage import category_trend

# planted volumes per month: delivery 5, quality 4, price 3, app 2, refund 1 (+ 3 without text)
_TEXTS = (
    ["late courier"] * 5 + ["cold food"] * 4 + ["too expensive"] * 3 + ["the app crashed"] * 2
    + ["refund please"] + [None] * 3
)


def _frame(months: int) -> pd.DataFrame:
    rows = []
    for m in range(months):
        for i, t in enumerate(_TEXTS):
            rows.append({"submitted_at": pd.Timestamp(2026, 8 + m, 2), "text": t, "nps": i % 11})
    return pd.DataFrame(rows)


def _trend(df: pd.DataFrame):
    cats = categorize(df["text"])
    t = category_kpis(df, cats, period="2026-10", months=3, metrics=["volume", "nps"], trend=True)
    return t, cats


def test_trend_shows_the_four_largest_categories_by_label():
    trend, cats = _trend(_frame(3))
    fig, caption = category_trend(trend, cats, "nps")
    titles = [ax.get_title() for ax in fig.axes if ax.get_visible()]
    assert titles == ["Delivery and logistics", "Product quality", "Price and fees", "App and website"]
    assert "August 2026 to October 2026" in caption and "4 categories" in caption
    assert not any("_" in t for t in titles)
    plt.close(fig)


def test_a_single_month_gives_a_sentence_not_a_chart():
    trend, cats = _trend(_frame(1))
    fig, sentence = category_trend(trend, cats, "nps")
    assert fig is None
    assert sentence == (
        "The data cover a single month (August 2026), so there is no trend by category to show."
    )
