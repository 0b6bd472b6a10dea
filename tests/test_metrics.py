"""Tests for fbresearch.metrics: KPI estimators, KPI tables, response rates, acknowledgement.

Each statistical test names its truth: a hand-worked example (arithmetic in the comments), an
independent implementation (statsmodels / scipy), or the known parameters of a simulation.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from fbresearch import metrics
from fbresearch.errors import AnalysisError
from fbresearch.results import Finding

Z95 = 1.959963984540054  # standard normal 97.5% quantile


# --- hand-made data ------------------------------------------------------------------------

# 20 answers: 8 promoters (five 10s, three 9s), 5 passives (three 8s, two 7s), 7 detractors.
SEPT_NPS = [10] * 5 + [9] * 3 + [8] * 3 + [7] * 2 + [6, 6, 5, 3, 2, 1, 0]
# 25 answers: 15 promoters, 6 passives, 4 detractors.
OCT_NPS = [10] * 10 + [9] * 5 + [8] * 4 + [7] * 2 + [6, 4, 2, 0]


def _two_months() -> pd.DataFrame:
    """September: SEPT_NPS; October: OCT_NPS; CSAT and CES alongside; channel a/b alternating."""
    n1, n2 = len(SEPT_NPS), len(OCT_NPS)
    return pd.DataFrame(
        {
            "submitted_at": pd.to_datetime(["2026-09-10"] * n1 + ["2026-10-10"] * n2),
            "channel": (["a", "b"] * 23)[: n1 + n2],
            "nps": pd.array(SEPT_NPS + OCT_NPS, dtype="Int64"),
            # September: 10 of 20 satisfied (4-5); October: 20 of 25
            "csat": pd.array(
                [5] * 6 + [4] * 4 + [3] * 5 + [2] * 5 + [5] * 12 + [4] * 8 + [2] * 5, dtype="Int64"
            ),
            "ces": pd.array([4, 5] * 10 + [6, 7, 5, 6, 7] * 5, dtype="Int64"),
        }
    )


# --- single-sample estimators against hand-worked examples --------------------------------


def test_nps_matches_hand_worked_example():
    # counts: 8 promoters, 7 detractors, n = 20
    # proportions: p_pro = 8/20 = 0.40, p_det = 7/20 = 0.35 -> NPS = 0.05 = 5 points
    # variance: (p_pro + p_det - (p_pro - p_det)^2) / n = (0.75 - 0.0025) / 20 = 0.037375
    # se = sqrt(0.037375) = 0.193326; half-width = 1.959964 * 0.193326 = 0.378912
    # interval: 5 +- 37.8912 points = (-32.891, 42.891)
    e = metrics.nps(SEPT_NPS)
    assert e.n == 20
    assert e.estimate == pytest.approx(5.0)
    assert e.se == pytest.approx(19.3326, abs=1e-4)
    assert e.ci_low == pytest.approx(-32.8912, abs=1e-4)
    assert e.ci_high == pytest.approx(42.8912, abs=1e-4)


def test_csat_wilson_matches_hand_worked_example_and_statsmodels():
    # 21 of 30 satisfied: p = 0.7, n = 30, z = 1.959964 (z^2 = 3.841459)
    # denominator 1 + z^2/n = 1.128049; centre (p + z^2/(2n)) / 1.128049 = 0.677297
    # half-width z * sqrt(p(1-p)/n + z^2/(4n^2)) / 1.128049 = 0.156055
    # interval: (0.521242, 0.833353)
    scores = [5] * 11 + [4] * 10 + [3] * 5 + [1] * 4
    e = metrics.csat(scores)
    assert e.estimate == pytest.approx(0.7)
    assert e.ci_low == pytest.approx(0.521242, abs=1e-6)
    assert e.ci_high == pytest.approx(0.833353, abs=1e-6)
    # independent implementation
    from statsmodels.stats.proportion import proportion_confint

    low, high = proportion_confint(21, 30, method="wilson")
    assert (e.ci_low, e.ci_high) == pytest.approx((low, high), abs=1e-12)


def test_estimators_ignore_missing_and_reject_out_of_range():
    assert metrics.nps([10, None, np.nan, 0]).n == 2
    assert metrics.nps(pd.array([10, pd.NA, 0], dtype="Int64")).estimate == 0.0
    with pytest.raises(AnalysisError, match="0 to 10"):
        metrics.nps([11, 5])
    with pytest.raises(AnalysisError, match="1 to 5"):
        metrics.csat([0, 5])
    with pytest.raises(AnalysisError, match="1 to 7"):
        metrics.ces([3.5])


# --- coverage by simulation ----------------------------------------------------------------


def test_nps_interval_covers_true_value_93_to_97_percent():
    # true multinomial: promoters 0.45, passives 0.30, detractors 0.25 -> true NPS = 20 points
    rng = np.random.default_rng(20261)
    n, draws = 300, 2000
    counts = rng.multinomial(n, [0.45, 0.30, 0.25], size=draws)
    diff, _, low, high = metrics._nps_interval(counts[:, 0], counts[:, 2], n, Z95)
    coverage = np.mean((low <= 0.20) & (0.20 <= high))
    assert 0.93 <= coverage <= 0.97, coverage
    # the vectorized formula is the one nps() uses: check it on the first draw
    scores = [10] * counts[0, 0] + [8] * counts[0, 1] + [3] * counts[0, 2]
    e = metrics.nps(scores)
    assert (e.estimate, e.ci_low, e.ci_high) == pytest.approx(
        (100 * diff[0], 100 * low[0], 100 * high[0])
    )


def test_wilson_interval_covers_true_share_93_to_97_percent():
    # true share satisfied 0.82, n = 150 per draw
    rng = np.random.default_rng(20262)
    n, draws, truth = 150, 2000, 0.82
    successes = rng.binomial(n, truth, size=draws)
    _, _, low, high = metrics._wilson(successes, n, Z95)
    coverage = np.mean((low <= truth) & (truth <= high))
    assert 0.93 <= coverage <= 0.97, coverage
    e = metrics.proportion(int(successes[0]), n)
    assert (e.ci_low, e.ci_high) == pytest.approx((low[0], high[0]))


# --- kpi_table -----------------------------------------------------------------------------


def test_kpi_table_overall_equals_single_sample_estimators():
    df = _two_months()
    t = metrics.kpi_table(df, metrics=["nps", "csat", "ces", "volume"])
    assert list(t.table["metric"]) == ["nps", "csat", "ces", "volume"]
    for name, fn in (("nps", metrics.nps), ("csat", metrics.csat), ("ces", metrics.ces)):
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
    t = metrics.kpi_table(df, by=["month", "channel"], metrics="nps")
    assert len(t.table) == 4 and t.time == "month"
    for (month, channel), part in df.groupby([df["submitted_at"].dt.to_period("M"), "channel"]):
        e = t.estimate("nps", month=str(month), channel=channel)
        ref = metrics.nps(part["nps"])
        assert (e.n, e.estimate, e.ci_low) == pytest.approx((ref.n, ref.estimate, ref.ci_low))
    by_channel = metrics.kpi_table(df, by="channel", metrics="nps")
    assert "change" not in by_channel.table.columns  # not time-ordered: no change columns
    assert set(by_channel.table["channel"]) == {"a", "b"}


def test_kpi_table_nps_change_matches_hand_computation():
    # September: NPS 5 points, se 0.193326 (see the worked example above)
    # October: 15 promoters, 4 detractors of 25 -> 0.60 - 0.16 = 0.44 = 44 points
    #   variance (0.60 + 0.16 - 0.44^2) / 25 = 0.5664 / 25 = 0.022656, se 0.150519
    # change: 44 - 5 = 39 points; independent samples: variance 0.037375 + 0.022656 = 0.060031
    #   se 0.245012 -> 24.5012 points; CI 39 +- 1.959964 * 24.5012 = (-9.0215, 87.0215)
    #   z = 39 / 24.5012 = 1.59176; p = 2 * (1 - Phi(1.59176)) = 0.11144
    t = metrics.kpi_table(_two_months(), by="month", metrics=["nps"])
    ch = t.change("nps", month="2026-10")
    assert ch.estimate == pytest.approx(39.0)
    assert (ch.ci_low, ch.ci_high) == pytest.approx((-9.0215, 87.0215), abs=1e-4)
    assert ch.p_value == pytest.approx(0.11144, abs=1e-5)
    assert math.isnan(t.table.loc[0, "change"])  # the first month has nothing to compare with


def test_kpi_table_csat_ces_volume_changes_match_independent_implementations():
    from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

    df = _two_months()
    t = metrics.kpi_table(df, by="month", metrics=["csat", "ces", "volume"])
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
    t = metrics.kpi_table(df, by="month", metrics="nps")
    assert t.table["change"].isna().all()  # August and October are not consecutive
    assert "no September figure" in t.summary()


def test_kpi_table_ignores_missing_scores():
    df = _two_months()
    df.loc[[0, 1, 2], "nps"] = pd.NA  # three September promoters removed
    t = metrics.kpi_table(df, by="month", metrics=["nps", "volume"])
    sept = t.estimate("nps", month="2026-09")
    # 5 promoters, 7 detractors of 17 answers
    assert sept.n == 17
    assert sept.estimate == pytest.approx(100 * (5 - 7) / 17)
    assert t.estimate("volume", month="2026-09").estimate == 20  # volume counts every row


def test_groups_without_answers_get_no_row():
    df = _two_months()
    df.loc[df["channel"] == "b", "nps"] = pd.NA  # e.g. review channels carry text only
    t = metrics.kpi_table(df, by="channel", metrics="nps")
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
        metrics.kpi_table(df, **kwargs)


def test_kpi_table_missing_columns_are_named():
    df = _two_months()
    with pytest.raises(AnalysisError, match=r"column 'ces'.*params columns"):
        metrics.kpi_table(df.drop(columns="ces"), metrics="ces")
    with pytest.raises(AnalysisError, match=r"date column 'submitted_at'"):
        metrics.kpi_table(df.drop(columns="submitted_at"), by="month")


def test_kpi_trend_is_kpi_table_by_month():
    df = _two_months()
    a = metrics.kpi_trend(df, metric="nps").table
    b = metrics.kpi_table(df, by="month", metrics="nps").table
    pd.testing.assert_frame_equal(a, b)
    with pytest.raises(AnalysisError, match="freq"):
        metrics.kpi_trend(df, freq="fortnight")


def test_summary_and_findings_say_what_changed_and_whether_significant():
    # planted: September 20% promoters / 40% detractors, October 60% / 10% (n = 400 each):
    # NPS -20 -> +50, a change far beyond chance; CSAT identical in both months.
    rng = np.random.default_rng(7)
    sept = rng.choice([10, 8, 3], size=400, p=[0.2, 0.4, 0.4])
    octo = rng.choice([10, 8, 3], size=400, p=[0.6, 0.3, 0.1])
    csat = np.tile([5, 4, 3, 2], 200)
    df = pd.DataFrame(
        {
            "submitted_at": pd.to_datetime(["2026-09-15"] * 400 + ["2026-10-15"] * 400),
            "nps": np.concatenate([sept, octo]),
            "csat": csat,
        }
    )
    t = metrics.kpi_table(df, by="month", metrics=["nps", "csat"])
    text = t.summary()
    assert "in October 2026, up" in text and "from September" in text
    assert "a significant rise" in text
    # CSAT 200/400 = 0.5 both months; Wilson: centre 0.5, half-width
    # 1.96 * sqrt(0.25/400 + 3.8415/640000) / (1 + 3.8415/400) = 0.04877 -> 45.1% to 54.9%
    assert "CSAT was 50.0% (45.1% to 54.9%) in October 2026, unchanged from September." in text
    found = t.findings()
    assert all(isinstance(f, Finding) for f in found) and len(found) == 2
    nps_finding = next(f for f in found if f.sentence.startswith("NPS"))
    csat_finding = next(f for f in found if f.sentence.startswith("CSAT"))
    assert nps_finding.importance > csat_finding.importance  # significant vs unchanged
    assert nps_finding.estimate.contains(100 * (np.mean(octo == 10) - np.mean(octo == 3)))


def test_display_table_reads_like_a_report():
    t = metrics.kpi_table(_two_months(), by="month", metrics=["nps", "csat"])
    shown = t.display_table()
    assert list(shown.columns) == [
        "Month",
        "Metric",
        "n",
        "Estimate (95% CI)",
        "Change vs previous",
        "p",
    ]
    row = shown.iloc[1]
    assert row["Month"] == "Oct 2026"
    assert row["Estimate (95% CI)"] == "44.0 (14.5–73.5)"  # 44 +- 1.96 * 15.0519
    assert row["Change vs previous"] == "39.0 (-9.0 to 87.0)"
    assert shown.iloc[3]["Estimate (95% CI)"] == "80.0% (60.9%–91.1%)"
    assert shown.iloc[3]["Change vs previous"].startswith("30.0 (")  # percentage points
    assert t.last(1).table["month"].astype(str).unique().tolist() == ["2026-10"]
    assert row["p"] == "0.11"  # p = 0.11144 (hand computation above)
    big = metrics.kpi_table(
        _two_months().assign(nps=[0] * 20 + [10] * 25), by="month", metrics="nps"
    ).display_table()
    assert big.iloc[1]["p"] == "< 0.001"


# --- response_rate -------------------------------------------------------------------------


def _invitations_and_feedback() -> tuple[pd.DataFrame, pd.DataFrame]:
    inv = pd.DataFrame(
        {
            "channel": ["email", "web", "app", "email"],
            "month": ["2026-10", "2026-10", "2026-10", "2026-09"],
            "invited": [100, 50, 40, 80],
        }
    )
    fb = pd.DataFrame(
        {
            "channel": ["email"] * 12
            + ["web"] * 10
            + ["app"] * 16
            + ["email"] * 20
            + ["social"] * 5,
            "submitted_at": pd.to_datetime(
                ["2026-10-05"] * 38 + ["2026-09-05"] * 20 + ["2026-10-01"] * 5
            ),
        }
    )
    return inv, fb


def test_response_rate_against_hand_counts_and_benchmark():
    inv, fb = _invitations_and_feedback()
    r = metrics.response_rate(inv, fb)
    tab = r.table.set_index(["channel", r.table["month"].astype(str)])
    # 12/100 email (below 15-25%), 10/50 web (within), 16/40 app (above), 20/80 email Sep
    assert tab.loc[("email", "2026-10"), "estimate"] == pytest.approx(0.12)
    assert tab.loc[("web", "2026-10"), "status"] == "within"
    assert tab.loc[("app", "2026-10"), "status"] == "above"
    assert tab.loc[("email", "2026-10"), "status"] == "below"
    assert tab.loc[("email", "2026-09"), "estimate"] == pytest.approx(0.25)
    ref = metrics.proportion(16, 40)  # Wilson (16/40): (0.2598, 0.5578) - CI above 25%
    assert tab.loc[("app", "2026-10"), "ci_low"] == pytest.approx(ref.ci_low)
    assert bool(tab.loc[("app", "2026-10"), "clear"])
    assert not bool(tab.loc[("email", "2026-10"), "clear"])  # Wilson 12/100 reaches 0.199
    assert "social" not in set(r.table["channel"])  # not invited: no rate
    assert "clearly above the 15-25% benchmark" in r.summary()
    assert [f.sentence.split(" was")[0] for f in r.findings()] == ["The response rate for app"]


def test_response_rate_bad_inputs():
    inv, fb = _invitations_and_feedback()
    with pytest.raises(AnalysisError, match="more responses than invitations for app"):
        metrics.response_rate(inv.assign(invited=[100, 50, 10, 80]), fb)
    with pytest.raises(AnalysisError, match=r"invitations has no column 'invited'"):
        metrics.response_rate(inv.drop(columns="invited"), fb)
    with pytest.raises(AnalysisError, match=r"positive whole numbers.*rows 1"):
        metrics.response_rate(inv.assign(invited=[100, 0, 40, 80]), fb)
    with pytest.raises(AnalysisError, match="benchmark"):
        metrics.response_rate(inv, fb, benchmark=(15, 25))


# --- acknowledged_within -------------------------------------------------------------------


def _acks() -> pd.DataFrame:
    t0 = pd.Timestamp("2026-10-01 09:00")
    return pd.DataFrame(
        {
            "channel": ["app", "app", "app", "web", "web"],
            "submitted_at": [t0] * 5,
            # app: 1 h, 23 h (within), 25 h (not); web: 24 h exactly (within), never
            "responded_at": [t0 + pd.Timedelta(hours=h) for h in (1, 23, 25, 24)] + [pd.NaT],
        }
    )


def test_acknowledged_within_counts_never_acknowledged_as_not_within():
    r = metrics.acknowledged_within(_acks())
    # 3 of 5 within 24 h; the never-acknowledged one stays in the denominator
    assert r.overall.estimate == pytest.approx(0.6) and r.overall.n == 5
    ref = metrics.proportion(3, 5)
    assert (r.overall.ci_low, r.overall.ci_high) == pytest.approx((ref.ci_low, ref.ci_high))
    by = metrics.acknowledged_within(_acks(), by="channel").table.set_index("channel")
    assert by.loc["app", "estimate"] == pytest.approx(2 / 3)
    assert by.loc["web", "never"] == 1 and by.loc["web", "acknowledged"] == 1
    assert by.loc["app", "median_hours"] == pytest.approx(23)
    assert metrics.acknowledged_within(_acks(), hours=48).overall.estimate == pytest.approx(0.8)


def test_acknowledged_within_asof_leaves_out_open_windows():
    df = _acks()
    df.loc[4, "submitted_at"] = pd.Timestamp("2026-10-31 20:00")
    r = metrics.acknowledged_within(df, asof="2026-11-01 00:00")
    assert r.overall.n == 4 and r.overall.estimate == pytest.approx(0.75)


def test_acknowledged_within_errors_name_the_column():
    with pytest.raises(AnalysisError, match="'responded_at'"):
        metrics.acknowledged_within(_acks().drop(columns="responded_at"))
    bad = _acks()
    bad.loc[2, "responded_at"] = pd.Timestamp("2026-09-30")
    with pytest.raises(AnalysisError, match=r"'responded_at' is earlier than 'submitted_at'.*2"):
        metrics.acknowledged_within(bad)
    with pytest.raises(AnalysisError, match="hours must be positive"):
        metrics.acknowledged_within(_acks(), hours=0)


def test_response_rate_leaves_out_months_after_the_data():
    inv, fb = _invitations_and_feedback()
    later = pd.concat(
        [inv, pd.DataFrame({"channel": ["email"], "month": ["2026-11"], "invited": [90]})],
        ignore_index=True,
    )
    # November has invitations but no feedback yet: by default not a 0% rate, but left out
    assert metrics.response_rate(later, fb).table["month"].max() == pd.Period("2026-10", "M")
    assert set(metrics.response_rate(later, fb, through="2026-09").table["month"].astype(str)) == {
        "2026-09"
    }
    r = metrics.response_rate(later, fb, through="2026-11")
    assert r.table.loc[r.table["month"] == pd.Period("2026-11", "M"), "estimate"].tolist() == [0.0]
    r.plot(month="2026-11")  # a 0% rate draws (no negative error bar from rounding)
    with pytest.raises(AnalysisError, match="no invitation counts"):
        metrics.response_rate(None, fb)
