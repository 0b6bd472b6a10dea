"""Tests for fbresearch.analyses.kpis.clustered: KPI variances clustered by customer.

Truths: a hand-worked sandwich variance (arithmetic in the comments); statsmodels' OLS of the
answer on a constant with ``cov_type="cluster"`` (the standard error of a mean, and the design
effect of NPS and a share as the ratio of its cluster to its classical variance); bit-for-bit
equality with ``cluster=None`` where no customer repeats; and Monte Carlo calibrations of the
month-on-month change tests with repeat customers (binomial 99% bands).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from fbresearch.analyses.kpis import kpi_table
from fbresearch.analyses.kpis.clustered import cluster_stats, coding
from fbresearch.engines.pandas_engine import frame_counts

OCT = pd.Timestamp("2026-10-10")


def _cluster_se(y: np.ndarray, groups: np.ndarray) -> tuple[float, float]:
    """statsmodels: the constant's cluster-robust and classical standard errors."""
    x = np.ones((len(y), 1))
    robust = sm.OLS(y, x).fit(cov_type="cluster", cov_kwds={"groups": groups})
    return float(robust.bse[0]), float(sm.OLS(y, x).fit().bse[0])


def test_hand_worked_sandwich_variance_of_a_mean():
    # customers A (5, 5), B (1), C (3, 4): N = 5, mean 18 / 5 = 3.6; residual totals
    # Y_g - 3.6 n_g: 10 - 7.2 = 2.8, 1 - 3.6 = -2.6, 7 - 7.2 = -0.2; squares 7.84 + 6.76 +
    # 0.04 = 14.64; V = G / (G - 1) * 14.64 / N**2 = 1.5 * 14.64 / 25 = 0.8784
    frame = pd.DataFrame({"customer_id": list("AABCC"), "ces": [5, 5, 1, 3, 4]})
    row = kpi_table(frame, metrics="ces").table.iloc[0]
    assert row["estimate"] == pytest.approx(3.6)
    assert row["se"] == pytest.approx(np.sqrt(0.8784), rel=1e-12)
    # t interval with G - 1 = 2 degrees of freedom
    t = stats.t.ppf(0.975, 2)
    assert row["ci_low"] == pytest.approx(max(1.0, 3.6 - t * np.sqrt(0.8784)))
    assert row["ci_high"] == pytest.approx(min(7.0, 3.6 + t * np.sqrt(0.8784)))
    robust, _ = _cluster_se(frame["ces"].to_numpy(float), np.array([0, 0, 1, 2, 2]))
    assert row["se"] == pytest.approx(robust, rel=1e-12)


def _repeat_sample(seed: int, customers: int = 150, sd: float = 0.8) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    answers = rng.choice([1, 2, 3, 5], size=customers, p=[0.4, 0.3, 0.2, 0.1])
    ids = np.repeat(np.arange(customers), answers)
    z = rng.normal(0, sd, customers)[ids] + rng.normal(0, 1, len(ids))
    return pd.DataFrame(
        {
            "submitted_at": OCT,
            "customer_id": [f"C{i}" for i in ids],
            "nps": np.clip(np.round(7.5 + 1.8 * z), 0, 10).astype(int),
            "csat": np.clip(np.round(3.9 + 0.9 * z), 1, 5).astype(int),
            "ces": np.clip(np.round(4.5 + 1.2 * z), 1, 7).astype(int),
        }
    )


@pytest.mark.parametrize("seed", [0, 1])
def test_mean_se_and_design_effects_match_statsmodels_cluster_ols(seed):
    frame = _repeat_sample(seed)
    groups = frame["customer_id"].to_numpy()
    table = kpi_table(frame, metrics=["ces", "nps", "csat"]).table.set_index("metric")
    robust, _ = _cluster_se(frame["ces"].to_numpy(float), groups)
    assert table.loc["ces", "se"] == pytest.approx(robust, rel=1e-10)
    counts = frame_counts(frame, [], {"nps": (0, 10), "csat": (1, 5)}, cluster="customer_id")
    for column, low, high, top in (("nps", 0, 10, ()), ("csat", 1, 5, (4, 5))):
        values = np.arange(low, high + 1)
        w = coding(column, values, top)
        got = cluster_stats(counts, column, values, w)
        y = w[frame[column].to_numpy() - low]  # the coded answers: +1/0/-1, or 1/0
        robust, classical = _cluster_se(y, groups)
        assert got["g"][0] == 150 and bool(got["repeat"][0])
        assert got["v"][0] == pytest.approx(robust**2, rel=1e-10)
        assert got["deff"][0] == pytest.approx(max(1.0, (robust / classical) ** 2), rel=1e-10)
        assert got["deff"][0] > 1.3  # a planted customer effect: answers are not independent
    # NPS's interval is adjusted Wald on n / deff answers: wider than without clustering
    plain = kpi_table(frame, metrics="nps", cluster=None).table.iloc[0]
    width = table.loc["nps", "ci_high"] - table.loc["nps", "ci_low"]
    assert width > 1.1 * (plain["ci_high"] - plain["ci_low"])


def _months(seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    months = pd.to_datetime(["2026-08-05", "2026-09-05", "2026-10-05"])
    frame = pd.DataFrame(
        {
            "submitted_at": months[rng.integers(0, 3, 600)],
            "channel": rng.choice(["app", "web", "phone"], 600, p=[0.6, 0.3, 0.1]),
            "nps": rng.integers(0, 11, 600),
            "csat": rng.integers(1, 6, 600),
            "ces": rng.integers(1, 8, 600),
        }
    )
    return frame


def test_without_repeat_customers_the_table_is_bit_for_bit_unchanged():
    frame = _months(3)
    metrics = ["nps", "csat", "ces", "csat_mean", "volume"]
    by = ["month", "channel"]
    plain = kpi_table(frame, by=by, metrics=metrics).table
    unique = frame.assign(customer_id=[f"C{i}" for i in range(len(frame))])
    same = kpi_table(unique, by=by, metrics=metrics).table
    pd.testing.assert_frame_equal(plain, same, check_exact=True)
    # one customer answers twice in one cell: only that cell's rows (and its change) move
    twice = unique.copy()
    cell = (twice["channel"] == "phone") & (twice["submitted_at"].dt.month == 9)
    first, second = twice.index[cell][:2]
    twice.loc[second, "customer_id"] = twice.loc[first, "customer_id"]
    moved = kpi_table(twice, by=by, metrics=metrics).table
    month = moved["month"].astype(str)
    touched = (moved["channel"] == "phone") & month.isin(["2026-09", "2026-10"])
    touched &= moved["metric"] != "volume"
    pd.testing.assert_frame_equal(plain[~touched], moved[~touched], check_exact=True)
    assert not np.allclose(plain.loc[touched, "se"], moved.loc[touched, "se"])


def test_a_customer_column_the_data_lacks_is_named():
    from fbresearch.errors import AnalysisError

    frame = _months(1)
    with pytest.raises(AnalysisError, match="cannot cluster by 'account'"):
        kpi_table(frame, metrics="nps", cluster="account")
    # the default is used only when the data has it
    assert kpi_table(frame, metrics="nps").table["n"].iloc[0] == 600


def _change_null(reps: int, seed: int, sizes: list[int], sd: float = 0.7) -> pd.DataFrame:
    """``reps`` independent pairs of months with no change: new customers each month (sizes in
    customers, lopsided), 1-4 answers each, a customer effect of sd ``sd``."""
    rng = np.random.default_rng(seed)
    k = rng.choice(sizes, size=2 * reps)
    answers = rng.choice([1, 2, 3, 4], size=k.sum(), p=[0.3, 0.3, 0.25, 0.15])
    customer = np.repeat(np.arange(k.sum()), answers)
    z = rng.normal(0, sd, k.sum())[customer] + rng.normal(0, 1, answers.sum())
    cell = np.repeat(np.repeat(np.arange(2 * reps), k), answers)
    dates = pd.to_datetime(["2026-09-15", "2026-10-15"])
    return pd.DataFrame(
        {
            "rep": cell // 2,
            "submitted_at": dates[cell % 2],
            "customer_id": customer,
            "nps": np.clip(np.round(7.5 + 1.8 * z), 0, 10).astype(int),
            "csat": np.clip(np.round(3.9 + 0.9 * z), 1, 5).astype(int),
            "ces": np.clip(np.round(4.5 + 1.2 * z), 1, 7).astype(int),
        }
    )


def _rejections(frame: pd.DataFrame, metrics: list[str], cluster: str | None) -> dict:
    table = kpi_table(frame, by=["month", "rep"], metrics=metrics, cluster=cluster).table
    tested = table.dropna(subset=["change_p_value"])
    return {m: int((g["change_p_value"] < 0.05).sum()) for m, g in tested.groupby("metric")}


#: 99% binomial band around 5% over 1,000 null changes: 33 to 69 rejections; a test at twice
#: its nominal rate (100 on average) fails, and so does one that never rejects
CHANGE_REPS = 1000
BAND = tuple(stats.binom.ppf([0.005, 0.995], CHANGE_REPS, 0.05))


@pytest.mark.parametrize(
    ("metrics", "sizes"),
    [
        # NPS and CSAT: cells from 8 customers (exact tests on effective counts) to 120
        (["nps", "csat"], [8, 15, 40, 120]),
        # CES: the clustered Welch test (small mean cells take the larger of two p-values)
        (["ces"], [40, 120]),
    ],
)
def test_monthly_change_calibration_with_repeat_customers(metrics, sizes):
    frame = _change_null(CHANGE_REPS, seed=11, sizes=sizes)
    assert frame.groupby(["rep", "customer_id"]).size().max() > 1  # customers do repeat
    clustered = _rejections(frame, metrics, "customer_id")
    naive = _rejections(frame, metrics, None)
    print(f"rejections of {CHANGE_REPS}: clustered {clustered}, independent {naive}, band {BAND}")
    for m in metrics:
        assert BAND[0] <= clustered[m] <= BAND[1], (m, clustered[m])
        # the same data with answers treated as independent leaves the band: the test can fail
        assert naive[m] > BAND[1], (m, naive[m])
