"""The canonical schema: ranges, names and dtypes the loader and every analysis rely on."""

from __future__ import annotations

import pytest

from fbresearch import schema


@pytest.mark.parametrize(
    ("column", "low", "high"),
    [("nps", 0, 10), ("csat", 1, 5), ("ces", 1, 7), ("rating_delivery", 1, 5)],
)
def test_score_ranges_match_the_architecture_table(column, low, high):
    # truth: ARCHITECTURE.md "Canonical data" table
    spec = schema.score_spec(column)
    assert (spec.low, spec.high) == (low, high)


def test_non_scores_have_no_range():
    assert schema.score_spec("region") is None
    assert schema.score_spec("rating_") is None  # the bare prefix is not a rating


def test_rating_slug_is_stable_and_keeps_chinese():
    assert schema.rating_slug("  Delivery  Speed ") == "rating_delivery_speed"
    assert schema.rating_slug("服务态度") == "rating_服务态度"
    assert schema.rating_slug("Rating_Price") == "rating_price"
    assert schema.rating_slug("???") == "rating_unnamed"


def test_every_canonical_column_has_a_dtype():
    assert set(schema.DTYPES) == set(schema.CANONICAL)
    assert all(schema.DTYPES[c] == "Int64" for c in schema.SCORES)
    assert all(schema.DTYPES[c] == "datetime64[ns]" for c in schema.DATE_COLUMNS)
    assert set(schema.REQUIRED) <= set(schema.CANONICAL)
    assert set(schema.ANSWER_COLUMNS) <= set(schema.CANONICAL)


def test_the_registry_names_the_unit_of_every_kpi():
    # issue 15 point 5: NPS points -100..100; CSAT % satisfied; mean rating 1-5; answer 0-10
    m = schema.METRICS
    assert (m["nps"].unit, m["nps"].scale, m["nps"].change_unit) == (
        "points",
        (-100, 100),
        "points",
    )
    assert (m["csat"].unit, m["csat"].change_unit) == ("percent", "percentage points")
    assert (m["csat_mean"].unit, m["csat_mean"].scale) == ("score", (1, 5))
    assert (m["nps_answer"].unit, m["nps_answer"].scale) == ("score", (0, 10))
    assert schema.metric_spec("rating_food").scale == (1, 5)


def test_display_label_names_codes_as_a_reader_reads_them():
    # hand-written truths: the stored code on the left, what a stakeholder reads on the right
    cases = {
        "call_center": "Call center",  # a channel (stored lower case, _ for spaces)
        "nps": "NPS",  # a metric key: its METRICS label
        "csat_mean": "Mean CSAT",
        "rating_delivery": "Delivery rating",
        "potential loyalists": "Potential loyalists",  # an RFM segment
        "can't lose": "Can't lose",
        "customer_id": "Customer ID",
        "region: West": "Region: West",  # an attribute's group
        "East": "East",  # a name already: kept
        "Product quality": "Product quality",
        "25-34": "25-34",  # not a word: kept
        "retention": "Retention",  # a journey stage, not the 12-month retention metric
    }
    assert {code: schema.display_label(code) for code in cases} == cases
    assert schema.display_label(None) is None and schema.display_label(7) == 7
