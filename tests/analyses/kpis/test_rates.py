"""Tests for fbresearch.analyses.kpis.rates: response rates and acknowledgement within a limit.

Each statistical test names its truth: a hand-worked example (arithmetic in the comments), an
independent implementation (statsmodels / scipy), or the known parameters of a simulation.
"""

from __future__ import annotations

import pandas as pd
import pytest

from fbresearch.analyses import kpis
from fbresearch.errors import AnalysisError


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
    r = kpis.response_rate(inv, fb)
    tab = r.table.set_index(["channel", r.table["month"].astype(str)])
    # 12/100 email (below 15-25%), 10/50 web (within), 16/40 app (above), 20/80 email Sep
    assert tab.loc[("email", "2026-10"), "estimate"] == pytest.approx(0.12)
    assert tab.loc[("web", "2026-10"), "status"] == "within"
    assert tab.loc[("app", "2026-10"), "status"] == "above"
    assert tab.loc[("email", "2026-10"), "status"] == "below"
    assert tab.loc[("email", "2026-09"), "estimate"] == pytest.approx(0.25)
    ref = kpis.proportion(16, 40)  # Wilson (16/40): (0.2598, 0.5578) - CI above 25%
    assert tab.loc[("app", "2026-10"), "ci_low"] == pytest.approx(ref.ci_low)
    assert bool(tab.loc[("app", "2026-10"), "clear"])
    assert not bool(tab.loc[("email", "2026-10"), "clear"])  # Wilson 12/100 reaches 0.199
    assert "social" not in set(r.table["channel"])  # not invited: no rate
    assert "clearly above the 15-25% benchmark" in r.summary()
    assert [f.sentence.split(" was")[0] for f in r.findings()] == ["The response rate for App"]


def test_response_rate_bad_inputs():
    inv, fb = _invitations_and_feedback()
    with pytest.raises(AnalysisError, match="more responses than invitations for app"):
        kpis.response_rate(inv.assign(invited=[100, 50, 10, 80]), fb)
    with pytest.raises(AnalysisError, match=r"invitations has no column 'invited'"):
        kpis.response_rate(inv.drop(columns="invited"), fb)
    with pytest.raises(AnalysisError, match=r"positive whole numbers.*rows 1"):
        kpis.response_rate(inv.assign(invited=[100, 0, 40, 80]), fb)
    with pytest.raises(AnalysisError, match="benchmark"):
        kpis.response_rate(inv, fb, benchmark=(15, 25))


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
    r = kpis.acknowledged_within(_acks())
    # 3 of 5 within 24 h; the never-acknowledged one stays in the denominator
    assert r.overall.estimate == pytest.approx(0.6) and r.overall.n == 5
    ref = kpis.proportion(3, 5)
    assert (r.overall.ci_low, r.overall.ci_high) == pytest.approx((ref.ci_low, ref.ci_high))
    by = kpis.acknowledged_within(_acks(), by="channel").table.set_index("channel")
    assert by.loc["app", "estimate"] == pytest.approx(2 / 3)
    assert by.loc["web", "never"] == 1 and by.loc["web", "acknowledged"] == 1
    assert by.loc["app", "median_hours"] == pytest.approx(23)
    assert kpis.acknowledged_within(_acks(), hours=48).overall.estimate == pytest.approx(0.8)


def test_acknowledged_within_asof_leaves_out_open_windows():
    df = _acks()
    df.loc[4, "submitted_at"] = pd.Timestamp("2026-10-31 20:00")
    r = kpis.acknowledged_within(df, asof="2026-11-01 00:00")
    assert r.overall.n == 4 and r.overall.estimate == pytest.approx(0.75)


def test_acknowledged_within_errors_name_the_column():
    with pytest.raises(AnalysisError, match="'responded_at'"):
        kpis.acknowledged_within(_acks().drop(columns="responded_at"))
    bad = _acks()
    bad.loc[2, "responded_at"] = pd.Timestamp("2026-09-30")
    with pytest.raises(AnalysisError, match=r"'responded_at' is earlier than 'submitted_at'.*2"):
        kpis.acknowledged_within(bad)
    with pytest.raises(AnalysisError, match="hours must be positive"):
        kpis.acknowledged_within(_acks(), hours=0)


def test_response_rate_leaves_out_months_after_the_data():
    inv, fb = _invitations_and_feedback()
    later = pd.concat(
        [inv, pd.DataFrame({"channel": ["email"], "month": ["2026-11"], "invited": [90]})],
        ignore_index=True,
    )
    # November has invitations but no feedback yet: by default not a 0% rate, but left out
    assert kpis.response_rate(later, fb).table["month"].max() == pd.Period("2026-10", "M")
    assert set(kpis.response_rate(later, fb, through="2026-09").table["month"].astype(str)) == {
        "2026-09"
    }
    r = kpis.response_rate(later, fb, through="2026-11")
    assert r.table.loc[r.table["month"] == pd.Period("2026-11", "M"), "estimate"].tolist() == [0.0]
    r.plot(month="2026-11")  # a 0% rate draws (no negative error bar from rounding)
    with pytest.raises(AnalysisError, match="no invitation counts"):
        kpis.response_rate(None, fb)
