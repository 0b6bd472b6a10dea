"""fbresearch.analyses.targets: verdicts on planted trends, hand-worked targets, a calibration
of the projection's interval on a realistic process, and the chart overlay."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from fbresearch.analyses.kpis import kpi_table
from fbresearch.analyses.targets import DEFAULT_TARGETS, resolve_targets, target_progress


def _months(rng, shares, n=300, start="2025-05", sizes=None):
    """Monthly CSAT answers: month k has share shares[k] satisfied (answers 5 or 2)."""
    months = pd.period_range(start, periods=len(shares), freq="M")
    sizes = sizes if sizes is not None else [n] * len(shares)
    rows = []
    for m, p, size in zip(months, shares, sizes, strict=True):
        sat = rng.random(size) < p
        rows.append(pd.DataFrame({"submitted_at": m.start_time, "csat": np.where(sat, 5, 2)}))
    return kpi_table(pd.concat(rows, ignore_index=True), by="month", metrics="csat")


def test_planted_rise_is_on_track_and_flat_is_behind():
    rng = np.random.default_rng(3)
    rising = _months(rng, 0.55 + 0.015 * np.arange(18), n=800)
    goal = [{"metric": "csat", "value": 0.70, "by": "2027-04"}]
    assert target_progress(rising, goal).table.loc[0, "status"] == "on track"
    flat = _months(rng, np.full(18, 0.60), n=800)
    ambitious = [{"metric": "csat", "value": 0.90, "by": "2027-04"}]
    assert target_progress(flat, ambitious).table.loc[0, "status"] == "behind"
    near = [{"metric": "csat", "value": 0.60, "by": "2027-04"}]
    assert target_progress(flat, near).table.loc[0, "status"] == "too early to say"


def test_relative_target_and_due_month_by_hand():
    rng = np.random.default_rng(4)
    kpi = _months(rng, np.full(8, 0.7), n=400, start="2026-03")
    base = kpi.estimate("csat", month="2026-10").estimate
    r = target_progress(kpi, "default").table.iloc[0]
    assert DEFAULT_TARGETS[0]["relative_change"] == 0.10
    assert r["target"] == pytest.approx(base * 1.10) and r["by"] == "2027-10"
    assert r["start"] == "2026-10" and r["baseline"] == pytest.approx(base)
    sept = kpi.estimate("csat", month="2026-09")
    done = target_progress(
        kpi,
        [
            {"metric": "csat", "value": sept.ci_low - 0.01, "by": "2026-09"},
            {"metric": "csat", "value": sept.ci_high + 0.01, "by": "2026-09"},
            {"metric": "csat", "value": sept.estimate, "by": "2026-09"},
            {"metric": "csat", "change": 0.05, "from": "2026-04", "within_months": 3},
        ],
    ).table
    assert done["status"].tolist()[:3] == ["met", "missed", "too close to call"]
    april = kpi.estimate("csat", month="2026-04").estimate
    assert done.loc[3, "target"] == pytest.approx(april + 0.05) and done.loc[3, "by"] == "2026-07"
    assert resolve_targets(None) == [] and resolve_targets({"metric": "nps"}) == [{"metric": "nps"}]


def test_too_few_months_and_missing_metric():
    rng = np.random.default_rng(5)
    kpi = _months(rng, [0.6, 0.62, 0.61], n=200)
    t = target_progress(
        kpi,
        [
            {"metric": "csat", "value": 0.7, "by": "2027-01"},
            {"metric": "nps", "value": 30, "by": "2027-01"},
        ],
    )
    assert t.table["status"].tolist() == ["too early to say", "no data"]
    assert "too early to say" in t.summary() and "no NPS figure" in t.summary()


@pytest.mark.slow
def test_projection_interval_is_calibrated_on_a_realistic_process():
    # The true monthly level drifts (a trend plus AR(1) shocks, phi 0.5), months have lopsided
    # sample sizes (80 to 400 answers). The target is the true level 12 months after the last
    # month: a decisive verdict (on track or behind) is then wrong. At 80% confidence that may
    # happen at most 20% of the time (99% binomial band); a method at twice that fails.
    rng = np.random.default_rng(18)
    runs, wrong = 120, 0
    for _ in range(runs):
        shock = np.zeros(30)
        for k in range(1, 30):
            shock[k] = 0.5 * shock[k - 1] + rng.normal(0, 0.012)
        level = np.clip(0.6 + 0.004 * np.arange(30) + shock, 0.05, 0.95)
        sizes = rng.integers(80, 400, 18)
        kpi = _months(rng, level[:18], sizes=sizes)
        kpi = type(kpi)(kpi.table, kpi.by, kpi.time, kpi.metrics, 0.8)
        goal = [{"metric": "csat", "value": float(level[29]), "by": "2027-10"}]
        wrong += target_progress(kpi, goal).table.loc[0, "status"] in ("on track", "behind")
    assert wrong / runs <= stats.binom.ppf(0.99, runs, 0.2) / runs, wrong


def test_targets_drawn_on_the_trend_chart():
    rng = np.random.default_rng(6)
    kpi = _months(rng, 0.55 + 0.01 * np.arange(18), n=800)
    goals = target_progress(
        kpi, [{"metric": "csat", "value": 0.8, "by": "2027-06"}], trend_months=12
    )
    ax = goals.plot(metric="csat")
    dashed = [line for line in ax.lines if line.get_linestyle() == "--"]
    assert len(dashed) == 1 and dashed[0].get_ydata()[0] == pytest.approx(80.0)  # in percent
    assert pd.Timestamp(dashed[0].get_xdata()[-1]) == pd.Timestamp("2027-06-01")
    assert any(line.get_linestyle() == ":" for line in ax.lines)  # the projection
    assert "dashed line is the target" in goals.caption("csat")
    assert goals.caption("csat").startswith("CSAT by month")
    plt.close("all")
    empty = target_progress(kpi, None, trend_months=12)
    ax = empty.plot(metric="csat")
    assert not any(line.get_linestyle() == "--" for line in ax.lines) and empty.summary() == ""
    plt.close("all")


def test_a_projection_over_the_whole_scale_is_neither_drawn_nor_quoted():
    from fbresearch.analyses.targets import TargetResult

    rng = np.random.default_rng(8)
    kpi = _months(rng, np.full(12, 0.7), n=300, start="2025-11")
    row = {"metric": "csat", "target": 0.77, "by": "2027-10", "start": "2026-10",
           "baseline": 0.7, "estimate": 0.35, "ci_low": 0.0, "ci_high": 1.0, "months": 12,
           "status": "too early to say"}  # fmt: skip
    goals = TargetResult(table=pd.DataFrame([row]), period="2026-10", trend=kpi)
    ax = goals.plot(metric="csat")
    assert not any(line.get_linestyle() == ":" for line in ax.lines)
    assert "vary too much to project" in goals.caption("csat")
    assert "vary too much" in goals.summary() and "35" not in goals.summary()
    plt.close("all")


def _invited(months=12, start="2025-11", invited=1000, answered=200, social=50):
    """Email invitations and answers (answered of invited each month, exactly) plus social
    responses nobody was invited to: the response rate is answered / invited, social left out."""
    periods = pd.period_range(start, periods=months, freq="M")
    invitations = pd.DataFrame(
        {"channel": "email", "month": [str(m) for m in periods], "invited": invited}
    )
    rows = [
        pd.DataFrame({"channel": channel, "submitted_at": m.start_time, "csat": 5}, index=range(k))
        for m in periods
        for channel, k in (("email", answered), ("social", social))
    ]
    return invitations, pd.concat(rows, ignore_index=True)


def test_response_rate_target_is_judged_on_the_invited_channels():
    from fbresearch.analyses.kpis.scores import proportion

    invitations, feedback = _invited()
    kpi = kpi_table(feedback, by="month", metrics="csat")
    goals = [
        {"metric": "response_rate", "value": 0.15, "by": "2027-04"},  # 20% a month: on track
        {"metric": "response_rate", "value": 0.30, "by": "2027-04"},  # far above: behind
        {"metric": "response_rate", "value": 0.15, "by": "2026-10"},  # the report month: met
    ]
    result = target_progress(kpi, goals, invitations=invitations, feedback=feedback)
    t = result.table
    assert t["status"].tolist() == ["on track", "behind", "met"]
    # the due month is judged on its own rate: 200 of 1,000 invited (the 50 social responses
    # were never invited), with its Wilson interval
    truth = proportion(200, 1000)
    assert t.loc[2, "estimate"] == pytest.approx(0.20)
    assert (t.loc[2, "ci_low"], t.loc[2, "ci_high"]) == pytest.approx((truth.ci_low, truth.ci_high))
    assert t.loc[0, "ci_low"] < 0.20 < t.loc[0, "ci_high"]  # the projection of a flat 20%
    assert t["needs"].isna().all()
    assert (
        "Response rate target: 15.0% by April 2027. Projected from the last 12 months, "
        "response rate would be 20.0%" in result.summary()
    )
    # "default" adds the background's 15% response rate where invitations exist, else not
    both = target_progress(kpi, "default", invitations=invitations, feedback=feedback).table
    assert both["metric"].tolist() == ["csat", "response_rate"]
    assert both.loc[1, "target"] == 0.15 and both.loc[1, "by"] == "2027-10"
    assert target_progress(kpi, "default").table["metric"].tolist() == ["csat"]


def test_response_rate_target_without_invitations_says_what_would_enable_it():
    _invitations, feedback = _invited()
    kpi = kpi_table(feedback, by="month", metrics="csat")
    goal = [{"metric": "response_rate", "value": 0.15, "by": "2027-06"}]
    result = target_progress(kpi, goal)
    row = result.table.iloc[0]
    assert row["status"] == "no data" and row["target"] == 0.15 and row["by"] == "2027-06"
    assert result.summary() == (
        "Response rate target: 15.0% by June 2027. Not judged: it needs an invitations file "
        "(params invitations: a file of channel, month and invited, the number of customers "
        "asked to answer)."
    )
    assert result.display_table().loc[0, "Status"] == "needs an invitations file"
    # invitations that stop before the report month's history: said so too
    late = pd.DataFrame({"channel": ["email"], "month": ["2027-01"], "invited": [10]})
    later = target_progress(kpi, goal, invitations=late, feedback=feedback).table.iloc[0]
    assert later["status"] == "no data" and "months up to the report month" in later["needs"]
