"""Tests for fbresearch.analyses.kpis.table: kpi_table and kpi_trend.

Each statistical test names its truth: a hand-worked example (arithmetic in the comments), an
independent implementation (statsmodels / scipy), or the known parameters of a simulation.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
from scipy import stats

from fbresearch.analyses import kpis
from fbresearch.errors import AnalysisError

from .kpi_data import _two_months


def test_kpi_table_overall_equals_single_sample_estimators():
    df = _two_months()
    t = kpis.kpi_table(df, metrics=["nps", "csat", "ces", "volume"])
    assert list(t.table["metric"]) == ["nps", "csat", "ces", "volume"]
    for name, fn in (("nps", kpis.nps), ("csat", kpis.csat), ("ces", kpis.ces)):
        e, ref = t.estimate(name), fn(df[name])
        assert (e.estimate, e.ci_low, e.ci_high, e.n) == pytest.approx(
            (ref.estimate, ref.ci_low, ref.ci_high, ref.n)
        )
    assert t.estimate("volume").estimate == 45
    # exact Poisson interval of 45: chi2(0.025, 90)/2 and chi2(0.975, 92)/2
    assert t.estimate("volume").ci_low == pytest.approx(stats.chi2.ppf(0.025, 90) / 2)
    assert t.estimate("volume").ci_high == pytest.approx(stats.chi2.ppf(0.975, 92) / 2)


def test_kpi_table_groups_by_column_and_month():
    df = _two_months()
    t = kpis.kpi_table(df, by=["month", "channel"], metrics="nps")
    assert len(t.table) == 4 and t.time == "month"
    for (month, channel), part in df.groupby([df["submitted_at"].dt.to_period("M"), "channel"]):
        e = t.estimate("nps", month=str(month), channel=channel)
        ref = kpis.nps(part["nps"])
        assert (e.n, e.estimate, e.ci_low) == pytest.approx((ref.n, ref.estimate, ref.ci_low))
    by_channel = kpis.kpi_table(df, by="channel", metrics="nps")
    assert "change" not in by_channel.table.columns  # not time-ordered: no change columns
    assert set(by_channel.table["channel"]) == {"a", "b"}


def test_kpi_table_nps_change_matches_hand_computation():
    # September: NPS 5 points, se 0.193326 (see the worked example above)
    # October: 15 promoters, 4 detractors of 25 -> 0.60 - 0.16 = 0.44 = 44 points
    #   variance (0.60 + 0.16 - 0.44^2) / 25 = 0.5664 / 25 = 0.022656, se 0.150519
    # change: 44 - 5 = 39 points; independent samples: variance 0.037375 + 0.022656 = 0.060031
    #   se 0.245012 -> 24.5012 points; CI 39 +- 1.959964 * 24.5012 = (-9.0215, 87.0215)
    #   z = 39 / 24.5012 = 1.59176; p = 2 * (1 - Phi(1.59176)) = 0.11144
    t = kpis.kpi_table(_two_months(), by="month", metrics=["nps"])
    ch = t.change("nps", month="2026-10")
    assert ch.estimate == pytest.approx(39.0)
    assert (ch.ci_low, ch.ci_high) == pytest.approx((-9.0215, 87.0215), abs=1e-4)
    assert ch.p_value == pytest.approx(0.11144, abs=1e-5)
    assert math.isnan(t.table.loc[0, "change"])  # the first month has nothing to compare with


def test_kpi_table_csat_ces_volume_changes_match_independent_implementations():
    from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

    df = _two_months()
    t = kpis.kpi_table(df, by="month", metrics=["csat", "ces", "volume"])
    # CSAT: 20 of 25 satisfied in October vs 10 of 20 in September: +0.30
    ch = t.change("csat", month="2026-10")
    assert ch.estimate == pytest.approx(0.30)
    _, p_pooled = proportions_ztest([20, 10], [25, 20])  # pooled two-proportion z test
    assert ch.p_value == pytest.approx(p_pooled)
    low, high = confint_proportions_2indep(20, 25, 10, 20, method="newcomb", compare="diff")
    assert (ch.ci_low, ch.ci_high) == pytest.approx((low, high))
    # CES: Welch's t test (scipy)
    oct_ces = df.loc[df["submitted_at"].dt.month == 10, "ces"].to_numpy(float)
    sep_ces = df.loc[df["submitted_at"].dt.month == 9, "ces"].to_numpy(float)
    welch = stats.ttest_ind(oct_ces, sep_ces, equal_var=False)
    ch = t.change("ces", month="2026-10")
    assert ch.estimate == pytest.approx(oct_ces.mean() - sep_ces.mean())
    assert ch.p_value == pytest.approx(welch.pvalue)
    assert (ch.ci_low, ch.ci_high) == pytest.approx(tuple(welch.confidence_interval(0.95)))
    # volume: 25 vs 20 responses: +5, se sqrt(45) = 6.7082, z = 0.74536, p = 0.45606
    ch = t.change("volume", month="2026-10")
    assert ch.estimate == 5
    assert ch.p_value == pytest.approx(0.45606, abs=1e-5)


def test_change_needs_the_period_just_before():
    df = _two_months()
    df["submitted_at"] = df["submitted_at"].where(
        df["submitted_at"].dt.month == 10, pd.Timestamp("2026-08-10")
    )
    t = kpis.kpi_table(df, by="month", metrics="nps")
    assert t.table["change"].isna().all()  # August and October are not consecutive
    assert "no September figure" in t.summary()


def test_kpi_table_ignores_missing_scores():
    df = _two_months()
    df.loc[[0, 1, 2], "nps"] = pd.NA  # three September promoters removed
    t = kpis.kpi_table(df, by="month", metrics=["nps", "volume"])
    sept = t.estimate("nps", month="2026-09")
    # 5 promoters, 7 detractors of 17 answers
    assert sept.n == 17
    assert sept.estimate == pytest.approx(100 * (5 - 7) / 17)
    assert t.estimate("volume", month="2026-09").estimate == 20  # volume counts every row


def test_groups_without_answers_get_no_row():
    df = _two_months()
    df.loc[df["channel"] == "b", "nps"] = pd.NA  # e.g. review channels carry text only
    t = kpis.kpi_table(df, by="channel", metrics="nps")
    assert list(t.table["channel"]) == ["a"]


@pytest.mark.parametrize(
    ("change", "kwargs", "message"),
    [
        ({"nps": 11}, {}, r"'nps'.*0 to 10.*rows 0"),
        ({"csat": 7}, {"metrics": "csat"}, r"'csat'.*1 to 5"),
        ({"ces": 0}, {"metrics": "ces"}, r"'ces'.*1 to 7"),
        ({"nps": "ten"}, {}, r"'nps'.*not numbers"),
        ({}, {"metrics": "loyalty"}, r"unknown metric.*nps, csat"),
        ({}, {"by": "country"}, r"cannot group by 'country'"),
        ({}, {"confidence": 95}, r"confidence must be between 0 and 1"),
    ],
)
def test_kpi_table_bad_input_errors(change, kwargs, message):
    df = _two_months()
    for column, value in change.items():
        df[column] = df[column].astype("object")
        df.loc[0, column] = value
    with pytest.raises(AnalysisError, match=message):
        kpis.kpi_table(df, **kwargs)


def test_kpi_table_missing_columns_are_named():
    df = _two_months()
    with pytest.raises(AnalysisError, match=r"column 'ces'.*params columns"):
        kpis.kpi_table(df.drop(columns="ces"), metrics="ces")
    with pytest.raises(AnalysisError, match=r"date column 'submitted_at'"):
        kpis.kpi_table(df.drop(columns="submitted_at"), by="month")


def test_kpi_trend_is_kpi_table_by_month():
    df = _two_months()
    a = kpis.kpi_trend(df, metric="nps").table
    b = kpis.kpi_table(df, by="month", metrics="nps").table
    pd.testing.assert_frame_equal(a, b)
    with pytest.raises(AnalysisError, match="freq"):
        kpis.kpi_trend(df, freq="fortnight")


def test_satisfied_share_is_a_wilson_share_by_group():
    # hand-worked: 7 of 10 satisfied; Wilson 95%: centre (7 + 1.92)/(10 + 3.84) ...
    from fbresearch.analyses.kpis import kpi_table, satisfied

    frame = pd.DataFrame(
        {"group": ["a"] * 10 + ["b"] * 4, "satisfied": [1] * 7 + [0] * 3 + [0, 0, 0, 1]}
    )
    t = kpi_table(frame, by="group", metrics=["satisfied"]).table.set_index("group")
    z = 1.959963984540054
    n, p = 10, 0.7
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z / (1 + z**2 / n) * ((p * (1 - p) / n + z**2 / (4 * n**2)) ** 0.5)
    assert t.loc["a", "estimate"] == pytest.approx(0.7)
    assert t.loc["a", "ci_low"] == pytest.approx(centre - half)
    assert t.loc["a", "ci_high"] == pytest.approx(centre + half)
    assert t.loc["b", "estimate"] == pytest.approx(0.25)
    assert satisfied([1] * 7 + [0] * 3).ci_low == pytest.approx(centre - half)
