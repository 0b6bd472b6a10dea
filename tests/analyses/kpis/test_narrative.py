"""Tests for fbresearch.analyses.kpis.narrative: sentences, findings, reader tables, captions.

Each statistical test names its truth: a hand-worked example (arithmetic in the comments), an
independent implementation (statsmodels / scipy), or the known parameters of a simulation.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from fbresearch.analyses import kpis
from fbresearch.analyses.kpis import narrative
from fbresearch.present.tables import readable
from fbresearch.results import Finding

from .kpi_data import _two_months


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
    t = kpis.kpi_table(df, by="month", metrics=["nps", "csat"])
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
    # the planted truth, not the sample's own NPS (always inside its own interval): October
    # NPS +50 (60% - 10%), a change of +70 from September's -20
    assert nps_finding.estimate.contains(50.0)
    assert t.change("nps", month="2026-10").contains(70.0)
    assert not t.change("csat", month="2026-10").significant


def test_display_table_reads_like_a_report():
    t = kpis.kpi_table(_two_months(), by="month", metrics=["nps", "csat"])
    shown = t.display_table()
    assert list(shown.columns) == [
        "Month",
        "Metric",
        "n",
        "Estimate (95% CI)",
        "Change vs previous",
        "p-value",
    ]
    row = shown.iloc[1]
    assert row["Month"] == "Oct 2026"
    # adjusted Wald (test_scores, test_table): October 11/28 +- 1.96 * 0.143652 -> 11.1 to 67.4;
    # the change 39 with its interval around the adjusted difference, -9.6 to 79.5
    assert row["Estimate (95% CI)"] == "44.0 (11.1 to 67.4)"
    assert row["Change vs previous"] == "39.0 (-9.6 to 79.5)"
    assert shown.iloc[3]["Estimate (95% CI)"] == "80.0% (60.9% to 91.1%)"
    assert shown.iloc[3]["Change vs previous"].startswith("30.0 (")  # percentage points
    assert t.last(1).table["month"].astype(str).unique().tolist() == ["2026-10"]
    assert row["p-value"] == "0.151"  # exact permutation test, p = 0.15121 (test_table)
    big = kpis.kpi_table(
        _two_months().assign(nps=[0] * 20 + [10] * 25), by="month", metrics="nps"
    ).display_table()
    assert big.iloc[1]["p-value"] == "<0.001"
    # the page shows it so (it used to reach the page as "–": the renderer could not read it)
    assert readable(big)["p-value"].iloc[1] == "<0.001"


def test_p_text_uses_the_one_p_value_format():
    # format.format_p's digits below 0.1; two decimals from 0.1 as the report always showed
    assert narrative.p_text(0.0004) == "p < 0.001"
    assert narrative.p_text(0.04321) == "p = 0.043"
    assert narrative.p_text(0.6512) == "p = 0.65"


def test_labels_and_captions_name_the_results_own_confidence_level():
    df = _two_months()
    t = kpis.kpi_table(df, by="month", metrics=["nps", "csat"], confidence=0.9)
    assert "Estimate (90% CI)" in t.display_table().columns
    assert t.caption().endswith("the 90% confidence interval.")
    assert "95%" not in t.caption() and "95%" not in t.summary()
    overall = kpis.kpi_table(df, by="channel", metrics="nps", confidence=0.8)
    assert overall.caption() == "NPS by channel: estimates with 80% confidence intervals."
    at_95 = kpis.kpi_table(df, by="month", metrics="nps")
    assert "Estimate (95% CI)" in at_95.display_table().columns


def test_rate_tables_name_the_confidence_level():
    inv = pd.DataFrame({"channel": ["email"], "month": ["2026-10"], "invited": [200]})
    fb = pd.DataFrame(
        {
            "channel": ["email"] * 12,
            "submitted_at": pd.to_datetime(["2026-10-05"] * 12),
            "responded_at": pd.to_datetime(["2026-10-05 10:00"] * 12),
        }
    )
    rate = kpis.response_rate(inv, fb, confidence=0.9)
    assert "Response rate (90% CI)" in rate.display_table().columns
    # 12 of 200 = 6% against 15-25%: the 90% Wilson CI (about 3.9% to 9.1%) is clearly below
    assert rate.findings()[0].estimate.confidence == 0.9
    ack = kpis.acknowledged_within(fb, confidence=0.9)
    assert "Within 24 h (90% CI)" in ack.display_table().columns


def test_a_yes_no_satisfaction_outcome_gets_a_sentence_and_a_finding():
    import pandas as pd

    from fbresearch.analyses.kpis import kpi_table

    frame = pd.DataFrame(
        {"submitted_at": pd.to_datetime(["2026-10-03"] * 8), "satisfied": [1] * 6 + [0] * 2}
    )
    headline = kpi_table(frame, by="month", metrics=["satisfied"]).last(1)
    assert headline.summary().startswith("Satisfied was 75.0% (")
    (finding,) = headline.findings()
    assert finding.estimate.estimate == 0.75


def test_every_change_names_its_unit_from_the_registry():
    # CSAT is a share: its change is in percentage points; CES a mean on 1-7: points of that
    # scale; NPS: points; volume: responses. 10 of 20 -> 20 of 25 satisfied: +30 points.
    t = kpis.kpi_table(_two_months(), by="month", metrics=["nps", "csat", "ces", "volume"])
    text = t.summary()
    assert "NPS was 44.0 (11.1 to 67.4) in October 2026, up 39.0 points from September" in text
    assert "CSAT was 80.0% (60.9% to 91.1%) in October 2026, up 30.0 percentage points" in text
    assert "on the 1-7 scale in October 2026, up 1.70 points on the 1-7 scale" in text
    assert "There were 25 responses in October 2026, up 5 responses from September" in text
    mean = kpis.kpi_table(_two_months(), by="month", metrics=["csat_mean"]).summary()
    assert "points on the 1-5 scale" in mean and "percentage points" not in mean


def test_too_few_answers_are_said_plainly():
    df = pd.DataFrame(
        {"submitted_at": pd.to_datetime(["2026-09-03", "2026-10-02"]), "nps": [10, 0]}
    )
    text = kpis.kpi_table(df, by="month", metrics="nps").summary()
    assert text == (
        "NPS was -100.0 (only 1 answer: too few answers for an interval) in October 2026, "
        "down 200.0 points from September: too few answers to tell whether it changed."
    )


def test_a_response_count_has_no_interval_its_change_has_one():
    """September 20 responses, October 25: the counts are counted, not estimated; the change
    5 keeps its Poisson interval 5 +- 1.96 * sqrt(20 + 25) = 5 +- 13.1 -> -8 to 18."""
    shown = kpis.kpi_table(_two_months(), by="month", metrics=["nps", "volume"]).display_table()
    counts = shown[shown["Metric"] == "Responses"]
    assert counts["Estimate (95% CI)"].tolist() == ["20", "25"]
    assert counts["Change vs previous"].tolist() == ["–", "5 (-8 to 18)"]


def test_the_headline_caption_names_only_the_shares_the_table_holds():
    both = kpis.kpi_table(_two_months(), by="month", metrics=["nps", "csat", "volume"])
    assert both.headline_caption().endswith(" Changes in CSAT are in percentage points.")
    nps = kpis.kpi_table(_two_months(), by="month", metrics=["nps", "ces", "volume"])
    assert "percentage points" not in nps.headline_caption()
    only = _two_months().drop(columns=["nps", "csat", "ces"]).assign(satisfied=[1, 0] * 22 + [1])
    yes_no = kpis.kpi_table(only, by="month", metrics=["satisfied", "volume"])
    caption = yes_no.headline_caption()
    assert "CSAT" not in caption and caption.endswith(
        " Changes in Satisfied are in percentage points."
    )


def test_channel_sentences_and_finding_names_use_the_display_label():
    # planted: call_center all detractors (NPS -100), email all promoters (+100), in one month;
    # the sentence names "Call center", never the stored code, and so does the executive
    # summary's estimate name
    df = pd.DataFrame(
        {"channel": ["call_center"] * 40 + ["email"] * 40, "nps": [2] * 40 + [10] * 40}
    )
    t = kpis.kpi_table(df, by="channel", metrics="nps")
    text = t.summary()
    assert (
        text.startswith("NPS was highest for Email at 100.0") and "lowest for Call center" in text
    )
    assert "call_center" not in text
    month = df.assign(submitted_at=pd.Timestamp("2026-10-05"))
    before = month.assign(submitted_at=pd.Timestamp("2026-09-05"), nps=[10] * 40 + [2] * 40)
    both = kpis.kpi_table(pd.concat([before, month]), by=["month", "channel"], metrics="nps")
    names = [f.estimate.name for f in both.findings()]
    assert "NPS for Call center" in names and not any("call_center" in n for n in names)
