"""fbresearch.analyses.outlook: backtest coverage on the sample, planted drops, false flags.

Truths: the sample's own history (no planted sudden drop), a planted 25-point NPS drop, and
simulated stationary series whose false-flag count is bounded by the binomial.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from fbresearch.analyses.kpis import kpi_table
from fbresearch.analyses.outlook import kpi_outlook
from fbresearch.results import Result


@pytest.fixture(scope="module")
def sample_outlook(sample):
    kpi = kpi_table(sample.feedback, by="month", metrics=["nps", "csat"])
    return kpi_outlook(kpi, ["nps", "csat"], through="2026-10")


def test_backtest_coverage_of_90_percent_intervals_is_80_to_97(sample_outlook):
    assert 0.80 <= sample_outlook.coverage() <= 0.97
    # 2 KPIs x (12 origins, each with up to 3 months ahead inside the history)
    assert len(sample_outlook.backtest) == 66


def test_no_month_of_the_sample_is_flagged(sample_outlook):
    assert not sample_outlook.checks["warning"].any()
    assert sample_outlook.warnings_now().empty and sample_outlook.findings() == []


def test_three_months_forecast_with_intervals(sample_outlook):
    f = sample_outlook.forecasts
    assert len(f) == 6
    assert (f["pi_low"] < f["forecast"]).all() and (f["forecast"] < f["pi_high"]).all()


class _Kpi(Result):
    pass


def _kpi(values, se):
    months = pd.period_range("2025-01", periods=len(values), freq="M")
    table = pd.DataFrame({"month": months, "metric": "nps", "estimate": values, "se": se})
    return _Kpi(table=table)


def test_planted_sudden_drop_is_flagged_in_its_month(sample):
    # the sample's own NPS series with 25 points taken off October 2026
    kpi = kpi_table(sample.feedback, by="month", metrics=["nps"])
    table = kpi.table.copy()
    last = table["month"].astype(str) == "2026-10"
    table.loc[last, "estimate"] -= 25
    out = kpi_outlook(_Kpi(table=table), ["nps"])
    flagged = out.checks.loc[out.checks["warning"], "month"].astype(str).tolist()
    assert flagged == ["2026-10"]
    assert "Early warning" in out.findings()[0].sentence


def _quiet_nps_series(rng, months=18):  # noqa: ANN001, ANN202
    """A month-by-month NPS with no sudden drop: a true level that wanders (AR(1), rho 0.5,
    sd 3 points) around 10, each month 40 to 300 answers drawn from the true shares, the NPS
    and its standard error computed from those answers as a report would."""
    x = np.zeros(months)
    for t in range(1, months):
        x[t] = 0.5 * x[t - 1] + rng.normal(0, 3 * np.sqrt(1 - 0.25))
    n = rng.integers(40, 301, months)
    est, se = np.zeros(months), np.zeros(months)
    for t in range(months):
        pro, _, det = rng.multinomial(n[t], [0.40 + x[t] / 200, 0.30, 0.30 - x[t] / 200]) / n[t]
        est[t] = 100 * (pro - det)
        se[t] = 100 * np.sqrt(max(pro + det - (pro - det) ** 2, 1e-4) / n[t])
    return est, se


def _false_flags(series: int, warn_level: float, seed: int) -> tuple[int, int]:
    rng = np.random.default_rng(seed)
    flags = checks = 0
    for _ in range(series):
        y, se = _quiet_nps_series(rng)
        out = kpi_outlook(_kpi(y, se), ["nps"], warn_level=warn_level)
        flags += int(out.checks["warning"].sum())
        checks += len(out.checks)
    return flags, checks


@pytest.mark.parametrize(
    ("series", "warn_level", "seed", "bound", "power"),
    [
        # 50 quiet series x 12 checked months = 600 checks at warn_level 0.90: a fall below
        # the interval may happen in 5% of months; bound: the 99% point of Binomial(600, 5%)
        # = 43; a method flagging twice as often (10%) exceeds it with probability 0.99.
        (50, 0.90, 19, 43, 0.98),
        # the page's own level (0.99): 0.5% of months; 340 series x 12 = 4,080 checks; bound:
        # the 99% point of Binomial(4080, 0.5%) = 32; a method at 1% exceeds it with
        # probability 0.91. About 20 s; tests/benchmarks/bench_value.py runs more series.
        pytest.param(340, 0.99, 20, 32, 0.90, marks=pytest.mark.slow),
    ],
)
def test_false_flags_on_quiet_series_stay_within_the_binomial(
    series, warn_level, seed, bound, power
):
    rate = (1 - warn_level) / 2  # only falls are flagged
    flags, checks = _false_flags(series, warn_level, seed=seed)
    assert checks == 12 * series and stats.binom.ppf(0.99, checks, rate) == bound
    assert stats.binom.sf(bound, checks, 2 * rate) > power
    assert flags <= bound, (flags, checks)


def test_a_report_month_without_an_estimate_is_a_gap_not_the_end():
    # 12 months, the 11th with the planted drop; the report month (12th) too thin to estimate:
    # the forecasts still start after the report month, and the drop, a month old, is not news
    values = np.r_[10.0, 12, 9, 11, 10, 13, 12, 11, 14, 12, -20, np.nan]
    se = np.r_[np.full(11, 3.0), np.nan]
    out = kpi_outlook(_kpi(values, se), ["nps"], through="2025-12")
    assert out.forecasts["month"].astype(str).tolist() == ["2026-01", "2026-02", "2026-03"]
    assert out.checks.loc[out.checks["warning"], "month"].astype(str).tolist() == ["2025-11"]
    assert out.warnings_now().empty and out.findings() == []
