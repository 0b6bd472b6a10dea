"""What the executive summary may promote (issue 15, point 8): levels, and changes or
differences that survive Benjamini-Hochberg on their page and across the report.

Truths: hand-worked BH step-ups (m p_(k) / k against 5%) and statsmodels ``multipletests``.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests

from fbresearch.analyses.kpis import kpi_table
from fbresearch.analyses.kpis.narrative import kpi_sentence
from fbresearch.present.findings import (
    multiplicity_note,
    page_tests,
    read_findings,
    read_tests,
    summary_note,
    top_findings,
    write_findings,
)
from fbresearch.results import Estimate, Finding


def _change(sentence, p, importance=0.7, kind="change"):
    return Finding(sentence, importance=importance, kind=kind, p_value=p, survives_fdr=True)


def test_levels_are_promoted_unclassified_and_unsurviving_are_not():
    fs = [
        Finding("NPS was 42 (38 to 46).", importance=0.9, kind="level"),
        Finding("An old-style finding that says nothing of what it is.", importance=1.0),
        Finding(
            "A change its page did not call significant.",
            importance=0.8,
            kind="change",
            p_value=0.2,
            survives_fdr=False,
        ),  # fmt: skip
        _change("CSAT fell 8 points.", 0.001),
    ]
    assert [f.sentence for f in top_findings(fs)] == [
        "NPS was 42 (38 to 46).",
        "CSAT fell 8 points.",
    ]


def test_the_report_is_one_more_family_per_kind():
    """Page A: one change, p = 0.03 (alone it survives). Page B: 9 changes, all p >= 0.3.

    Pooled over 10 changes, BH needs p_(1) <= 0.05 / 10 = 0.005: 0.03 does not survive. The
    differences are a family of their own (0.004 and 0.01: 0.01 <= 2 * 0.05 / 2).
    """
    tests = [{"kind": "change", "p_value": 0.03}] + [
        {"kind": "change", "p_value": p} for p in np.linspace(0.3, 0.9, 9)
    ]
    tests += [{"kind": "difference", "p_value": 0.004}, {"kind": "difference", "p_value": 0.01}]
    fs = [
        _change("Volume rose.", 0.03),
        _change("West is lower.", 0.004, kind="difference"),
        _change("North is lower.", 0.01, kind="difference"),
    ]
    chosen = [f.sentence for f in top_findings(fs, tests=tests)]
    assert chosen == ["West is lower.", "North is lower."]
    assert [f.sentence for f in top_findings(fs, tests=tests[:1])][0] == "Volume rose."
    note = summary_note(fs, tests, "in October 2026")
    assert note.startswith("No significant change in October 2026: none of the 10 changes")


def test_pooled_survival_is_statsmodels_bh():
    rng = np.random.default_rng(3)
    p = np.concatenate([rng.uniform(size=30), rng.uniform(0, 0.004, size=4)])
    tests = [{"kind": "change", "p_value": x} for x in p]
    fs = [_change(f"t{i}", x) for i, x in enumerate(p)]
    kept = {f.sentence for f in top_findings(fs, k=100, tests=tests)}
    reject = multipletests(p, alpha=0.05, method="fdr_bh")[0]
    assert kept == {f"t{i}" for i in np.flatnonzero(reject)}


def _by_channel(shift_call_center: float, channels: int = 10, n: int = 120) -> pd.DataFrame:
    """Two months, ``channels`` channels; only call_center's NPS moves (promoter share)."""
    rng = np.random.default_rng(11)
    rows = []
    for c in range(channels):
        name = "call_center" if c == 0 else f"ch{c}"
        for month, day in (("2026-09", "03"), ("2026-10", "06")):
            share = 0.5 + (shift_call_center if (c == 0 and month == "2026-10") else 0.0)
            promoters = rng.random(n) < share
            scores = np.where(promoters, 10, 0)  # promoters or detractors only
            rows += [{"submitted_at": f"{month}-{day}", "channel": name, "nps": int(s)}
                     for s in scores]  # fmt: skip
    frame = pd.DataFrame(rows)
    frame["submitted_at"] = pd.to_datetime(frame["submitted_at"])
    return frame


def test_a_group_change_is_called_significant_only_after_bh_in_its_table():
    """call_center's NPS falls with p = 0.013 among 10 channels whose other p-values are all
    above 0.24: significant alone at 5%, not after BH (0.013 * 10 / 1 = 0.13 > 0.05)."""
    table = kpi_table(_by_channel(-0.08), by=["month", "channel"], metrics="nps").last(1)
    latest = table._latest_rows()
    p = latest["change_p_value"].to_numpy(float)
    assert 0.005 < p[0] < 0.05 and (p[1:] > 0.2).all()  # the case this test is about
    assert not multipletests(p, alpha=0.05, method="fdr_bh")[0].any()
    assert table.findings() == []
    assert "significant fall" not in table.summary()
    assert "did not change significantly from the previous month for any of the 10" in (
        table.summary()
    )
    # the reason is inline where p < 0.05 on its own: call_center's row says why it is not called
    (row,) = [r for _, r in latest.iterrows() if r["channel"] == "call_center"]
    sentence = kpi_sentence(table, row, "nps")
    assert sentence.endswith("not a significant change after correcting for 10 comparisons.")
    calm = latest.iloc[int(latest["change_p_value"].to_numpy().argmax())]  # p > 0.2: no reason
    assert kpi_sentence(table, calm, "nps").endswith(": not a significant change.")
    # a clear fall (p < 0.001) survives and is worded so
    clear = kpi_table(_by_channel(-0.16), by=["month", "channel"], metrics="nps").last(1)
    (f,) = clear.findings()
    assert (
        f.kind == "change" and f.survives_fdr and "Call center" in f.sentence
    )  # its display label
    expected = multipletests(clear._latest_rows()["change_p_value"], method="fdr_bh")[1][0]
    assert f.q_value == pytest.approx(expected, rel=1e-12)
    # one test on its own is judged at the plain 5% level
    one = kpi_table(_by_channel(-0.08, channels=1), by="month", metrics="nps").last(1)
    (f,) = one.findings()
    assert f.p_value < 0.05 and f.kind == "change" and f.survives_fdr
    assert "a significant fall" in f.sentence


def test_the_files_carry_the_family_and_the_page_states_it(tmp_path):
    table = kpi_table(_by_channel(0.0), by=["month", "channel"], metrics="nps").last(1)
    path = tmp_path / "overview.findings.json"
    written = write_findings(path, table, analysis="overview")
    tests = read_tests(path)
    assert len(tests) == 10 and {t["kind"] for t in tests} == {"change"}
    assert sorted(t["p_value"] for t in tests) == sorted(
        table._latest_rows()["change_p_value"].tolist()
    )
    assert read_findings(path) == written
    assert page_tests(table) == tests
    assert multiplicity_note(table).startswith("With 10 comparisons on this page")
    # an older file without the new fields still reads
    old = tmp_path / "old.findings.json"
    old.write_text(json.dumps({"version": 1, "findings": [{"sentence": "x", "importance": 0.3}]}))
    assert read_findings(old)[0].kind == "" and read_tests(old) == []


def _named_change(name, p, analysis, importance=0.7):
    est = Estimate(-60.3, -90.0, -30.0, n=80, name=name)
    return Finding(f"{name} fell.", est, importance=importance, analysis=analysis, kind="change",
                   p_value=p, survives_fdr=True)  # fmt: skip


def test_the_summary_note_says_what_passes_on_its_page_and_what_across_the_report():
    """36 changes: 2 clear ones (0.0001, 0.0003) on two pages, call_center's three falls on the
    overview (0.005, 0.006, 0.007, each significant on that page) and 31 at p >= 0.3.

    Hand-worked BH over 36 at 5%: rank 1 needs p <= 0.05/36 = 0.00139 (0.0001 yes), rank 2
    0.00278 (0.0003 yes), rank 3 0.00417 (0.005 no), rank 4 0.00556 (0.006 no), rank 5 0.00694
    (0.007 no), rank k >= 6 at most 0.05 (all >= 0.3 no): 2 survive report-wide, 5 on their page.
    """
    cc = [_named_change(f"{m} for call_center", p, "overview")
          for m, p in (("NPS", 0.005), ("CSAT", 0.006), ("CES", 0.007))]  # fmt: skip
    clear = [_named_change("NPS for web", 0.0001, "overview", 0.9),
             _named_change("CSAT", 0.0003, "drivers_trend", 0.2)]  # fmt: skip
    p = [0.0001, 0.0003, 0.005, 0.006, 0.007, *np.linspace(0.3, 0.9, 31)]
    assert multipletests(p, alpha=0.05, method="fdr_bh")[0].sum() == 2  # the hand-worked count
    tests = [{"kind": "change", "p_value": x} for x in p]
    levels = [Finding(f"Level {i}.", importance=1.0, kind="level") for i in range(8)]
    found = levels + cc + clear
    note = summary_note(found, tests, "in October 2026")
    assert note == (
        "Of the 36 changes tested in this report, 5 are significant on their own page's check "
        "and 2 of them also survive a false-discovery-rate check (Benjamini-Hochberg, 5%) across "
        "all 36: NPS for web (overview page); CSAT (drivers trend page). The other 3 are "
        "significant on their own page's check, not after checking all 36 changes in the report: "
        "NPS for call_center, CSAT for call_center and CES for call_center (overview page)."
    )
    # the top 8 are all levels: the two report-wide survivors are named in the note anyway
    assert all(f.kind == "level" for f in top_findings(found, k=8, tests=tests))
    # none report-wide: the note still says which pass their page's own check
    alone = summary_note(levels + cc, [t for t in tests if t["p_value"] > 0.001], "this month")
    assert alone.startswith("No significant change this month: none of the 34 changes")
    assert alone.endswith(
        "3 changes are significant on their own page's check, not after checking all 34 changes "
        "in the report: NPS for call_center, CSAT for call_center and CES for call_center "
        "(overview page)."
    )
    # nothing passes anywhere: the old one sentence
    assert summary_note(levels, tests[5:], "this month") == (
        "No significant change this month: none of the 31 changes tested in this report survives "
        "a false-discovery-rate check (Benjamini-Hochberg, 5%)."
    )


def test_a_kpi_change_finding_names_its_group():
    clear = kpi_table(_by_channel(-0.16), by=["month", "channel"], metrics="nps").last(1)
    (f,) = clear.findings()
    assert f.estimate.name == "NPS for Call center"


def test_the_page_note_names_the_groups_its_tables_correct_in():
    """The overview corrects each table on its own: its headline table (by month: NPS and
    volume, 2 changes) and its table by channel (10 channels, 1 metric: 10 changes). The note
    says so, not "19 comparisons" in one check; a segment profile Holm-corrects per measure and
    a churn model's odds ratios are judged by their own intervals."""
    from fbresearch.analyses.segments.results import ChurnResult, ProfileResult

    frame = _by_channel(0.0)
    headline = kpi_table(frame, by="month", metrics=("nps", "volume"))
    channels = kpi_table(frame, by=["month", "channel"], metrics="nps").last(1)
    assert len(page_tests(headline)) == 2
    assert multiplicity_note(headline, channels) == (
        "With 12 comparisons on this page, a result is called significant only if it survives a "
        "false-discovery-rate check (Benjamini-Hochberg, 5%) among the comparisons of its own "
        "group (groups of 2 and 10)."
    )
    profile = ProfileResult(
        table=pd.DataFrame(
            {"metric": ["NPS"] * 3 + ["CSAT"] * 3, "p_value": [0.01, 0.2, 0.5, 0.3, 0.4, np.nan]}
        )
    )
    churn = ChurnResult(
        table=pd.DataFrame(),
        odds_ratios={
            "detractor": Estimate(4.3, 3.2, 5.8, n=900, p_value=1e-6),
            "passive": Estimate(1.9, 1.6, 2.4, n=900, p_value=1e-4),
        },
    )
    assert multiplicity_note(profile, churn, confidence=0.9) == (
        "With 5 comparisons on this page, a result is called significant only if it survives a "
        "Holm correction for multiple comparisons (family-wise error rate 10%) among the "
        "comparisons of its own group (groups of 3 and 2), which is stricter than a "
        "false-discovery-rate check. 2 more estimates are each judged by their own confidence "
        "interval, without a correction."
    )
