import math

import pytest

from fbresearch.format import confidence_label, format_interval, format_number, format_p


@pytest.mark.parametrize(
    ("c", "label"), [(0.9, "90%"), (0.95, "95%"), (0.99, "99%"), (0.8, "80%"), (0.975, "97.5%")]
)
def test_confidence_label(c, label):
    assert confidence_label(c) == label


def test_confidence_label_rejects_out_of_range():
    with pytest.raises(ValueError):
        confidence_label(95)


def test_interval_and_rounding():
    assert format_interval(38.14, 45.87) == "38.1 to 45.9"
    assert format_interval(0.381, 0.459, percent=True) == "38.1 to 45.9"
    assert format_interval(1.005, 2.0, digits=0) == "1 to 2"
    assert format_interval(math.nan, 1) == "–"


def test_no_negative_zero():
    assert format_number(-0.04) == "0.0"
    assert format_number(-0.0) == "0.0"
    assert format_number(-0.06) == "-0.1"
    assert format_interval(-0.0004, 0.0004, digits=3) == "0.000 to 0.000"


def test_p_values():
    assert format_p(0.0004) == "<0.001"
    assert format_p(0.001) == "0.001"
    assert format_p(0.04321) == "0.043"
    assert format_p(None) == "–"


def test_signed_changes_never_show_minus_or_plus_zero():
    from fbresearch.format import format_signed

    # "CI -14 to -0" was written before: a bound that rounds to zero has no sign
    assert [format_signed(v, 0) for v in (13.4, -7.2, -0.4, 0.3, 0.0)] == [
        "+13",
        "-7",
        "0",
        "0",
        "0",
    ]
    assert format_signed(None) == "–" and format_signed(0.0312, 1, percent=True) == "+3.1"


def test_amounts_name_their_unit_from_the_metrics_registry():
    # issue 15 point 5: CSAT (% satisfied) changes in percentage points, a mean answer in points
    # of its scale, NPS in points; the 0-10 answer (drivers) in points of the 0-10 answer
    from fbresearch.format import format_amount, unit_phrase
    from fbresearch.schema import metric_spec

    assert format_amount(0.031, metric_spec("csat")) == "3.1 percentage points"
    assert format_amount(-0.31, metric_spec("csat_mean")) == "0.31 points on the 1-5 scale"
    assert format_amount(2.94, metric_spec("nps"), signed=True) == "+2.9 points"
    assert format_amount(0.45, metric_spec("nps_answer")) == "0.45 points on the 0-10 scale"
    assert format_amount(0.2, metric_spec("rating_food")) == "0.20 points on the 1-5 scale"
    assert format_amount(-1234, metric_spec("volume"), signed=True) == "-1,234 responses"
    assert format_amount(None, metric_spec("nps")) == "–"
    assert unit_phrase(metric_spec("ces")) == "points on the 1-7 scale"
