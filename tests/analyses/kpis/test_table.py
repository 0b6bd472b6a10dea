"""Tests for fbresearch.analyses.kpis.table: kpi_table and kpi_trend.

Each statistical test names its truth: a hand-worked example (arithmetic in the comments), an
independent implementation (statsmodels / scipy), or the known parameters of a simulation.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from fbresearch import evidence
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
    # September: adjusted-Wald centre 1/23 = 0.043478, se 0.176377 (worked example, test_scores)
    # October: 15 promoters, 4 detractors of 25: n~ = 28, p~ = 15.75/28, d~ = 4.75/28,
    #   centre 11/28 = 0.392857, variance (20.5/28 - 0.392857^2) / 28 = 0.020636, se 0.143652
    # change: observed 44 - 5 = 39 points; interval around the adjusted difference
    #   0.392857 - 0.043478 = 0.349379, se sqrt(0.176377^2 + 0.143652^2) = 0.227475
    #   -> 34.9379 +- 1.959964 * 22.7475 = (-9.6463, 79.5221) points
    # 20 and 25 answers: the exact permutation test, p = 0.15121 (Wald on the adjusted
    #   difference: 0.1246; the larger is reported, the interval already includes 0)
    t = kpis.kpi_table(_two_months(), by="month", metrics=["nps"])
    ch = t.change("nps", month="2026-10")
    assert ch.estimate == pytest.approx(39.0)
    assert (ch.ci_low, ch.ci_high) == pytest.approx((-9.6463, 79.5221), abs=1e-4)
    assert ch.p_value == pytest.approx(0.15121, abs=1e-5)
    assert ch.p_value == pytest.approx(evidence.nps_exact_test(15, 4, 25, 8, 7, 20))
    assert math.isnan(t.table.loc[0, "change"])  # the first month has nothing to compare with


def test_large_sample_changes_match_independent_implementations():
    from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

    df = pd.concat([_two_months()] * 2, ignore_index=True)  # 40 and 50 answers: large-sample
    t = kpis.kpi_table(df, by="month", metrics=["csat", "ces", "volume"])
    # CSAT: 40 of 50 satisfied in October vs 20 of 40 in September: +0.30
    ch = t.change("csat", month="2026-10")
    assert ch.estimate == pytest.approx(0.30)
    low, high = confint_proportions_2indep(40, 50, 20, 40, method="newcomb", compare="diff")
    assert (ch.ci_low, ch.ci_high) == pytest.approx((low, high))
    # p: the larger of the pooled z test's and the one Newcombe's interval implies, i.e. the
    # level at which statsmodels' Newcombe interval just reaches 0
    _, p_pooled = proportions_ztest([40, 20], [50, 40])
    assert ch.p_value >= p_pooled
    at_p = confint_proportions_2indep(
        40, 50, 20, 40, method="newcomb", compare="diff", alpha=ch.p_value
    )
    assert ch.p_value == pytest.approx(p_pooled) or min(abs(b) for b in at_p) < 1e-6
    # CES: Welch's t test (scipy)
    oct_ces = df.loc[df["submitted_at"].dt.month == 10, "ces"].to_numpy(float)
    sep_ces = df.loc[df["submitted_at"].dt.month == 9, "ces"].to_numpy(float)
    welch = stats.ttest_ind(oct_ces, sep_ces, equal_var=False)
    ch = t.change("ces", month="2026-10")
    assert ch.estimate == pytest.approx(oct_ces.mean() - sep_ces.mean())
    assert ch.p_value == pytest.approx(welch.pvalue)
    assert (ch.ci_low, ch.ci_high) == pytest.approx(tuple(welch.confidence_interval(0.95)))
    # volume: 50 vs 40 responses: +10, se sqrt(90) = 9.48683, z = 1.05409, p = 0.29184
    ch = t.change("volume", month="2026-10")
    assert ch.estimate == 10
    assert ch.p_value == pytest.approx(0.29184, abs=1e-5)


def test_small_sample_changes_use_exact_tests():
    # CSAT 20 of 25 vs 10 of 20 (n < 30): Fisher's exact test (scipy) or, if larger, the p the
    # Newcombe interval implies
    t = kpis.kpi_table(_two_months(), by="month", metrics=["csat", "volume"])
    ch = t.change("csat", month="2026-10")
    fisher = stats.fisher_exact([[20, 5], [10, 10]]).pvalue
    assert ch.p_value >= fisher - 1e-12
    assert ch.significant == (ch.p_value < 0.05)
    # volume 25 vs 20 responses: exact conditional binomial test, 25 of 45 at 1/2
    assert t.change("volume", month="2026-10").p_value == pytest.approx(
        stats.binomtest(25, 45, 0.5).pvalue
    )


def _monthly(before, after, column="nps"):  # noqa: ANN001, ANN202
    dates = ["2026-09-10"] * len(before) + ["2026-10-10"] * len(after)
    return pd.DataFrame({"submitted_at": pd.to_datetime(dates), column: before + after})


def test_issue_15_small_n_cases():
    # two promoters, then two detractors: the exact test gives 2 of 6 splits, p = 1/3
    t = kpis.kpi_table(_monthly([10, 10], [0, 0]), by="month", metrics="nps")
    ch = t.change("nps", month="2026-10")
    assert ch.p_value == pytest.approx(1 / 3) and not ch.significant
    assert "not a significant change" in t.summary()
    # CES with one answer per month: no interval, no test, not significant, said plainly
    t = kpis.kpi_table(_monthly([7], [1], "ces"), by="month", metrics="ces")
    ch = t.change("ces", month="2026-10")
    assert math.isnan(ch.ci_low) and math.isnan(ch.p_value) and not ch.significant
    assert "too few answers" in t.summary() and "significant" not in t.summary()
    # CES [7, 7] then [1, 1]: se 0 (no spread) once gave p = 0; permutations: 2 of 6 splits
    t = kpis.kpi_table(_monthly([7, 7], [1, 1], "ces"), by="month", metrics="ces")
    assert t.change("ces", month="2026-10").p_value == pytest.approx(1 / 3)
    # 31 promoters: an interval, not [100, 100]
    t = kpis.kpi_table(_monthly([10] * 31, [10] * 31), by="month", metrics="nps")
    level = t.estimate("nps", month="2026-10")
    assert level.ci_low == pytest.approx(79.3130, abs=1e-4) and level.ci_high == 100


def test_change_interval_always_agrees_with_its_p_value():
    rng = np.random.default_rng(5)
    for _ in range(20):
        n1, n2 = rng.integers(2, 60, size=2)
        df = _monthly(list(rng.integers(0, 11, n1)), list(rng.integers(0, 11, n2)))
        df["csat"] = rng.integers(1, 6, len(df))
        df["ces"] = rng.integers(1, 8, len(df))
        rows = kpis.kpi_table(df, by="month", metrics=["nps", "csat", "ces", "volume"]).table
        rows = rows.dropna(subset=["change_p_value"])
        excludes = (rows["change_ci_low"] > 0) | (rows["change_ci_high"] < 0)
        assert (excludes == (rows["change_p_value"] < 0.05)).all(), rows


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


def _brute_force_p(a, b):  # noqa: ANN001, ANN202
    """Exact two-sided permutation p of a difference in means: every split enumerated."""
    pooled = np.array(list(a) + list(b), dtype=float)
    n1, n2 = len(a), len(b)
    observed = abs(np.mean(a) - np.mean(b))
    splits = np.array(list(itertools.combinations(range(len(pooled)), n1)))
    first = pooled[splits].sum(axis=1)
    diffs = first / n1 - (pooled.sum() - first) / n2
    return float(np.mean(np.abs(diffs) >= observed - 1e-12))


@pytest.mark.slow
def test_a_tiny_n_change_is_never_significant_where_an_exact_test_is_not():
    # 150 random small tables (1-7 answers a month, lopsided answer mixes included): whenever
    # kpi_table calls a change significant, the exact test (brute-force enumeration of every
    # split for NPS coded +1/0/-1 and for CES; Fisher's exact test for CSAT) rejects too.
    rng = np.random.default_rng(15)
    called = 0
    for _ in range(150):
        n1, n2 = rng.integers(1, 8, size=2)
        mix = rng.dirichlet([0.5] * 11)
        df = _monthly(list(rng.choice(11, n1, p=mix)), list(rng.choice(11, n2, p=mix[::-1])))
        df["csat"] = rng.integers(1, 6, len(df))
        df["ces"] = rng.integers(1, 8, len(df))
        t = kpis.kpi_table(df, by="month", metrics=["nps", "csat", "ces"])
        before, after = (df[df["submitted_at"].dt.month == m] for m in (9, 10))
        for metric in ("nps", "csat", "ces"):
            ch = t.change(metric, month="2026-10")
            if not ch.significant:
                continue
            called += 1
            if metric == "nps":
                code = lambda s: np.sign(np.where(s >= 9, 1, np.where(s <= 6, -1, 0)))  # noqa: E731
                exact = _brute_force_p(code(after["nps"]), code(before["nps"]))
            elif metric == "csat":
                x1, x2 = int((after["csat"] >= 4).sum()), int((before["csat"] >= 4).sum())
                table = [[x1, len(after) - x1], [x2, len(before) - x2]]
                exact = stats.fisher_exact(table).pvalue
            else:
                exact = _brute_force_p(after["ces"], before["ces"])
            assert exact < 0.05, (metric, before[metric].tolist(), after[metric].tolist())
    assert called >= 5  # the property was exercised: some tiny-n changes are real enough


def test_a_mean_answers_interval_stays_on_its_scale():
    # truth: answers 1 and 7 on the 1-7 CES scale: mean 4, t interval 4 +- 12.706 * 3 = -34.1 to
    # 42.1 by hand; a mean of 1-7 answers lies in [1, 7], so the interval is clipped there
    frame = pd.DataFrame({"submitted_at": pd.to_datetime(["2026-10-01", "2026-10-02"]),
                          "ces": [1, 7]})  # fmt: skip
    row = kpis.kpi_table(frame, metrics="ces").table.iloc[0]
    assert row["estimate"] == 4.0 and (row["ci_low"], row["ci_high"]) == (1.0, 7.0)
