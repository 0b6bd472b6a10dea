"""fbresearch.report.targets and the index: targets in params, the verdict on the KPI cards,
and the same verdict as the overview page's (one function, one monthly table)."""

from __future__ import annotations

import pytest

from fbresearch.analyses.kpis import kpi_table
from fbresearch.analyses.targets import target_progress
from fbresearch.analyses.targets.narrative import target_sentence
from fbresearch.errors import ParamsError
from fbresearch.io.sample import sample_data
from fbresearch.report.html import period_page
from fbresearch.report.index import headline_kpis
from fbresearch.report.params import load_params


def test_targets_in_params_reach_the_overview_and_are_checked():
    p = load_params({"targets": "default"})
    assert p.notebooks["overview"]["targets"] == "default"
    assert "targets" not in load_params({}).notebooks["overview"]  # none unless asked for
    given = [{"metric": "nps", "value": 30, "by": "2027-06"}]
    assert load_params({"targets": given}).notebooks["overview"]["targets"] == given
    for bad, words in [
        ([{"metric": "nsp", "value": 30, "by": "2027-06"}], "metric must be one of"),
        ([{"metric": "nps", "by": "2027-06"}], "needs one number"),
        ([{"metric": "nps", "value": 30}], "needs a date"),
        ([{"metric": "nps", "value": 30, "by": "June"}], "must be a month"),
        ([{"metric": "nps", "value": 30, "by": "2027-06", "due": 1}], "unknown key 'due'"),
        ("defaults", "must be a list"),
    ]:
        with pytest.raises(ParamsError, match=words):
            load_params({"targets": bad})


def test_index_cards_show_the_overviews_verdict():
    frame = sample_data(3000, seed=1).feedback
    targets = [
        {"metric": "csat", "value": 0.5, "by": "2026-09"},
        {"metric": "nps", "value": 30, "by": "2027-06"},
    ]
    params = load_params({"targets": targets})
    kpis = {k["name"]: k for k in headline_kpis(frame, "2026-10", 0.9, params=params)}
    assert [t["status"] for t in kpis["CSAT"]["targets"]] == ["met"]  # CSAT ~75% in September
    assert "targets" not in kpis["CES"]
    # the overview computes the same: its monthly table up to the period, the same function
    upto = frame[frame["submitted_at"] < "2026-11-01"]
    kpi = kpi_table(upto, by="month", metrics=["nps", "csat", "ces", "volume"], confidence=0.9)
    overview = target_progress(kpi, targets, through="2026-10").table
    for column, name in (("csat", "CSAT"), ("nps", "NPS")):
        row = overview[overview["metric"] == column].iloc[0]
        assert kpis[name]["targets"][0]["sentence"] == target_sentence(row, 0.9)
    page = period_page(
        report_title="R",
        period_label="October 2026",
        kpis=list(kpis.values()),
        findings=[],
        notebooks=[],
        footer={},
    )
    assert "Target 50.0% by Sep 2026: met" in page and 'class="fb-targets"' in page


def test_response_rate_is_a_target_and_shares_are_shares():
    from fbresearch.report.targets import check_targets

    given = [{"metric": "response_rate", "value": 0.15, "by": "2027-06"}]
    assert check_targets(given, "<dict>") == given
    with pytest.raises(ParamsError, match=r"share between 0 and 1 \(0.15 for 15%\), not 15"):
        check_targets([{"metric": "response_rate", "value": 15, "by": "2027-06"}], "<dict>")


def test_all_periods_index_states_each_targets_latest_verdict(tmp_path):
    import json

    from fbresearch.report.index import update_reports_index

    def goal(status, when):
        return {
            "sentence": f"CSAT target: 76.7% by October 2027: {status} ({when}).",
            "status": status,
            "target": 0.767,
            "by": "2027-10",
        }

    csat = {
        "name": "CSAT",
        "estimate": 0.7,
        "ci_low": 0.65,
        "ci_high": 0.75,
        "n": 300,
        "unit": "share",
        "confidence": 0.95,
    }
    months = {
        # the newest report has no CSAT that month: its verdict comes from September's
        "2026-10": [{**csat, "name": "NPS", "unit": "points", "estimate": 20.0}],
        "2026-09": [{**csat, "targets": [goal("on track", "Sep")]}],
        "2026-08": [{**csat, "targets": [goal("behind", "Aug")]}],
    }
    for month, kpis in months.items():
        (tmp_path / month).mkdir()
        manifest = {"status": "ok", "headline": kpis, "notebooks": []}
        (tmp_path / month / "manifest.json").write_text(json.dumps(manifest))
    page = update_reports_index(tmp_path, "R").read_text(encoding="utf-8")
    assert '<h2 id="targets">Targets</h2>' in page
    assert "CSAT target: 76.7% by October 2027: on track (Sep)." in page
    assert "(as of the September 2026 report)" in page
    assert "behind (Aug)" not in page  # an older verdict of the same KPI is not repeated
    assert 'class="fb-up">CSAT target' in page
    # no targets in any manifest: no section
    for month in months:
        (tmp_path / month / "manifest.json").write_text(
            json.dumps({"status": "ok", "headline": months["2026-10"], "notebooks": []})
        )
    assert "Targets</h2>" not in update_reports_index(tmp_path, "R").read_text(encoding="utf-8")
