"""fbresearch.evidence: the one policy for what may be called significant (hand-worked cases)."""

from __future__ import annotations

import math

from fbresearch.evidence import interval_known, is_significant, null_value
from fbresearch.results import Estimate


def test_an_interval_that_excludes_no_effect_is_significant():
    assert is_significant(Estimate(5.0, 0.1, 9.9, n=200))
    assert is_significant(Estimate(-5.0, -9.9, -0.1, n=200))
    assert not is_significant(Estimate(5.0, 0.0, 9.9, n=200))  # touching 0 is not excluding it


def test_ratios_are_judged_against_one():
    assert null_value(Estimate(1.2, 1.05, 1.4, n=50, unit="ratio")) == 1.0
    assert is_significant(Estimate(1.2, 1.05, 1.4, n=50, unit="ratio"))
    assert not is_significant(Estimate(1.2, 0.95, 1.4, n=50, unit="ratio"))


def test_no_interval_means_no_claim():
    # nps([]) and ces([5]) give NaN bounds: they must never feed a "significant" headline
    nan = math.nan
    assert not interval_known(Estimate(nan, nan, nan, n=0))
    assert not is_significant(Estimate(nan, nan, nan, n=0))
    assert not is_significant(Estimate(5.0, nan, nan, n=1))
