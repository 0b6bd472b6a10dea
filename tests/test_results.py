"""fbresearch.results: Estimate, Finding, Result, Unavailable and attempt (hand-worked cases)."""

from __future__ import annotations

import dataclasses
import math

import pandas as pd
import pytest

from fbresearch.errors import AnalysisError
from fbresearch.results import Estimate, Finding, Result, Unavailable, attempt


def test_estimate_is_frozen_and_formats_its_interval():
    e = Estimate(42.0, 38.1, 45.9, n=500, name="NPS", unit="points")
    with pytest.raises(dataclasses.FrozenInstanceError):
        e.estimate = 1.0  # type: ignore[misc]
    assert e.format() == "42.0 (38.1 to 45.9)"
    assert Estimate(-3.0, -5.1, -0.9, n=10).format() == "-3.0 (-5.1 to -0.9)"
    assert Estimate(0.42, 0.38, 0.46, n=500, unit="share").format(digits=0) == "42% (38% to 46%)"


def test_significance_is_the_evidence_policys_answer():
    # an interval that excludes 0 (or 1 for a ratio) and one that does not
    assert Estimate(2.0, 0.5, 3.5, n=100).significant
    assert not Estimate(2.0, -0.5, 4.5, n=100).significant
    assert Estimate(1.3, 1.1, 1.5, n=100, unit="ratio").significant
    assert not Estimate(1.3, 0.9, 1.5, n=100, unit="ratio").significant


def test_to_dict_is_json_ready():
    d = Estimate(1.0, math.nan, 2.0, n=3).to_dict()
    assert d["ci_low"] is None and d["estimate"] == 1.0 and d["n"] == 3
    assert list(Estimate(1.0, 0.0, 2.0, n=3).to_frame().columns)[:4] == [
        "estimate",
        "ci_low",
        "ci_high",
        "n",
    ]


def test_unavailable_answers_every_optional_method_with_itself():
    stand_in = Unavailable(table=pd.DataFrame(), message="X is not shown: it needs Y.")
    assert stand_in.summary() == "X is not shown: it needs Y."
    assert stand_in.findings() == []
    assert stand_in.plot() is stand_in and stand_in.trend(months=3) is stand_in
    with pytest.raises(AttributeError):
        stand_in._private  # noqa: B018


def test_attempt_catches_the_packages_errors_only():
    def fails(frame):
        raise AnalysisError("too few responses (3; at least 30 are needed).")

    def buggy(frame):
        raise ZeroDivisionError

    shown = attempt(fails, pd.DataFrame(), what="The matrix")
    assert isinstance(shown, Unavailable)
    assert (
        shown.summary()
        == "The matrix could not run: too few responses (3; at least 30 are needed)."
    )
    with pytest.raises(ZeroDivisionError):
        attempt(buggy, pd.DataFrame())


def test_attempt_names_what_is_missing_and_passes_a_reason_on():
    first = attempt(lambda orders: orders, None, what="RFM segmentation", needs="an orders file")
    assert first.summary() == "RFM segmentation is not shown: it needs an orders file."
    later = attempt(lambda seg: seg, first, what="Segment migration")
    assert later.summary() == "Segment migration is not shown: it needs an orders file."


def test_result_defaults_and_finding_fields():
    r = Result(table=pd.DataFrame({"n": [1]}))
    assert r.summary() == "" and r.findings() == [] and r.display_table() is r.table
    with pytest.raises(NotImplementedError):
        r.plot()
    f = Finding("NPS was 42.0 (38.1 to 45.9).", Estimate(42, 38.1, 45.9, n=500, name="NPS"))
    assert f.to_dict()["sentence"].startswith("NPS was 42.0")


def test_an_estimate_without_interval_says_why_and_claims_nothing():
    import math

    from fbresearch.results import Estimate

    one = Estimate(100.0, math.nan, math.nan, n=1, unit="points")
    assert one.format() == "100.0 (only 1 answer: too few answers for an interval)"
    assert one.significant is False
    assert Estimate(0.5, math.nan, math.nan, n=50).format() == "0.5 (no interval)"
