"""Tests of fbresearch.analyses.segments.profile: NPS and CSAT by segment by hand, Holm."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from fbresearch.analyses.segments import profile_segments
from fbresearch.errors import AnalysisError, FeedbackDataError

# ---------------------------------------------------------------------------------------------
# Profiles: hand computation of NPS by segment, the difference from the rest, and Holm


def profile_frame() -> pd.DataFrame:
    # (promoters, passives, detractors) and CSAT top-box counts per segment
    spec = {"A": ((60, 20, 20), 70, 100), "B": ((30, 30, 40), 40, 100), "C": ((18, 0, 2), 15, 20)}
    parts = []
    for seg, ((p, pa, d), top, n) in spec.items():
        nps = [10] * p + [8] * pa + [3] * d
        csat = [5] * top + [2] * (n - top)
        parts.append(pd.DataFrame({"seg": seg, "nps": nps, "csat": csat}))
    return pd.concat(parts, ignore_index=True)


def test_profile_nps_matches_hand_computation_and_holm():
    # Hand computation (z = 1.959964), the adjusted Wald of Rocks (2016): 3/4 promoter, 3/2
    # passive, 3/4 detractor added to each sample; the estimate stays the observed NPS.
    # A: 60/20/20 of 100 -> NPS 40; adjusted 60.75 and 20.75 of 103: centre 38.835, se 7.8854
    #    -> CI 23.380 to 54.290. Rest (B + C) 48/30/42 of 120 -> NPS 5.0; adjusted se 7.7645.
    #    diff 35.0 (observed), se = sqrt(7.8854^2 + 7.7645^2) = 11.0665, z = 3.1627, p = 0.0015630
    # B: 30/30/40 -> NPS -10; adjusted 30.75 and 40.75 of 103: centre -9.709, se 8.1536 -> CI
    #    -25.689 to 6.272. Rest 78/20/22 of 120 -> 46.667. diff -56.667, p = 1.5614e-07
    # C: 18/0/2 of 20 -> NPS 80; adjusted 18.75 and 2.75 of 23: centre 69.565, se 14.0008 -> CI
    #    42.124 to 97.006. Rest 90/50/60 of 200 -> 15.0. diff 65.0, p = 1.9536e-05
    # Holm (m = 3), p sorted: B 1.5614e-07 * 3 = 4.6843e-07; C 1.9536e-05 * 2 = 3.9072e-05;
    #    A 0.0015630 * 1 (already increasing, so no max step changes anything).
    # C has 20 < 30 responses: small sample, never significant although its Holm p < 0.05.
    def adjusted_se(pro, det, n):  # percent points
        pp, pd_ = (pro + 0.75) / (n + 3), (det + 0.75) / (n + 3)
        return 100 * math.sqrt((pp + pd_ - (pp - pd_) ** 2) / (n + 3))

    se_a = math.hypot(adjusted_se(60, 20, 100), adjusted_se(48, 42, 120))
    assert se_a == pytest.approx(11.0665, abs=1e-3)
    res = profile_segments(profile_frame(), "seg", metrics=("nps",))
    t = res.table.set_index("segment")
    assert t["estimate"].tolist() == pytest.approx([40.0, -10.0, 80.0])
    assert t.loc["A", ["ci_low", "ci_high"]].tolist() == pytest.approx([23.3799, 54.2900], abs=1e-3)
    assert t.loc["B", ["ci_low", "ci_high"]].tolist() == pytest.approx([-25.6894, 6.2719], abs=1e-3)
    assert t.loc["C", ["ci_low", "ci_high"]].tolist() == pytest.approx([42.1242, 97.0063], abs=1e-3)
    assert t["rest"].tolist() == pytest.approx([5.0, 46.6667, 15.0], abs=1e-3)
    assert t["p_value"].tolist() == pytest.approx([0.0015630, 1.5614e-07, 1.9536e-05], rel=1e-3)
    assert t["p_holm"].tolist() == pytest.approx([0.0015630, 4.6843e-07, 3.9072e-05], rel=1e-3)
    assert t.loc["A", ["diff_low", "diff_high"]].tolist() == pytest.approx(
        [35.0 - 1.959964 * se_a, 35.0 + 1.959964 * se_a], abs=1e-2
    )
    assert t["significant"].tolist() == [True, True, False]
    assert t["small_sample"].tolist() == [False, False, True]
    summary = res.summary()
    assert "2 of 3 segments differ" in summary and "Fewer than 30 responses in C" in summary
    assert "C higher" not in summary
    assert all("among C " not in f.sentence for f in res.findings())


def test_profile_csat_two_proportion_test_by_hand():
    # A: 70 of 100 top box; rest: 40 + 15 = 55 of 120. Pooled p = 125/220;
    # z = (0.7 - 55/120) / sqrt(p (1 - p) (1/100 + 1/120)) -> two-sided p.
    from scipy.stats import norm

    p_pool = 125 / 220
    z = (0.7 - 55 / 120) / math.sqrt(p_pool * (1 - p_pool) * (1 / 100 + 1 / 120))
    res = profile_segments(profile_frame(), "seg", metrics=("csat",))
    row = res.table.set_index("segment").loc["A"]
    assert row["estimate"] == pytest.approx(0.7)
    assert row["difference"] == pytest.approx(0.7 - 55 / 120)
    assert row["p_value"] == pytest.approx(2 * norm.sf(abs(z)), rel=1e-6)
    assert row["diff_low"] < row["difference"] < row["diff_high"]


def test_profile_topics_over_represented():
    # truth: topic "price" is planted in half of segment B's responses and in 5% of A's
    frame = profile_frame()
    frame["topic"] = "other"
    frame.loc[frame.index[frame["seg"] == "B"][:50], "topic"] = "price"
    frame.loc[frame.index[frame["seg"] == "A"][:5], "topic"] = "price"
    res = profile_segments(frame, "seg", metrics=("nps",), topic="topic")
    assert res.table.set_index("segment").loc["B", "top_topics"] == "price"
    lift = res.topics.set_index(["segment", "topic"]).loc[("B", "price"), "lift"]
    assert lift == pytest.approx(0.5 / (5 / 120))


def test_profile_bad_input():
    with pytest.raises(FeedbackDataError, match="'segment'"):
        profile_segments(profile_frame(), "segment")
    with pytest.raises(AnalysisError, match="unknown metric"):
        profile_segments(profile_frame(), "seg", metrics=("nps", "happiness"))


# ---------------------------------------------------------------------------------------------
# Any outcome: satisfied (0/1), CES; metrics without answers are left out and said so


def test_profile_satisfied_two_proportions_by_hand():
    # A: 30 of 40 satisfied; rest (B): 10 of 40. Pooled p = 40/80 = 0.5;
    # z = (0.75 - 0.25) / sqrt(0.25 * (2/40)) = 0.5 / 0.1118 = 4.4721 -> p = 7.744e-06
    frame = pd.DataFrame(
        {"seg": ["A"] * 40 + ["B"] * 40, "satisfied": [1] * 30 + [0] * 10 + [1] * 10 + [0] * 30}
    )
    res = profile_segments(frame, "seg", metrics=("satisfied",))
    row = res.table.set_index("segment").loc["A"]
    assert row["metric"] == "Satisfied" and row["unit"] == "share"
    assert row["estimate"] == pytest.approx(0.75) and row["difference"] == pytest.approx(0.5)
    assert row["p_value"] == pytest.approx(7.744e-06, rel=1e-3)
    assert "Satisfied: 2 of 2 segments differ" in res.summary()
    assert res.plot_caption().startswith("Satisfied by seg")


def test_profile_ces_welch_by_hand():
    # A: 20 x 6 and 20 x 4 (mean 5); B: 20 x 2 and 20 x 4 (mean 3): difference 2
    frame = pd.DataFrame({"seg": ["A"] * 40 + ["B"] * 40, "ces": [6, 4] * 20 + [2, 4] * 20})
    res = profile_segments(frame, "seg", metrics=("ces",))
    t = res.table.set_index("segment")
    assert t.loc["A", "estimate"] == pytest.approx(5.0)
    assert t.loc["A", "difference"] == pytest.approx(2.0)
    assert t["metric"].tolist() == ["CES", "CES"]


def test_profile_leaves_out_metrics_without_answers_and_says_which():
    frame = profile_frame().drop(columns="csat").assign(ces=pd.array([pd.NA] * 220, "Int64"))
    res = profile_segments(frame, "seg", metrics=("nps", "csat", "ces"))
    assert res.table["metric"].unique().tolist() == ["NPS"]
    summary = res.summary()
    assert "CSAT is left out: the data has no csat column." in summary
    assert "CES is left out: the data has no ces answers." in summary


def test_profile_no_metric_with_answers_is_a_named_error():
    frame = pd.DataFrame({"seg": ["a", "b"], "nps": pd.array([pd.NA, pd.NA], "Int64")})
    with pytest.raises(
        AnalysisError, match="no satisfaction score to compare: the data has no answers in nps"
    ):
        profile_segments(frame, "seg", metrics=("nps",))


def test_segment_of_five_is_never_called_different():
    # segment "tiny": 5 detractors among 95 promoters elsewhere: p is tiny, yet n = 5 < 30
    frame = pd.DataFrame({"seg": ["big"] * 95 + ["tiny"] * 5, "nps": [10] * 95 + [0] * 5})
    res = profile_segments(frame, "seg", metrics=("nps",))
    tiny = res.table.set_index("segment").loc["tiny"]
    assert bool(tiny["small_sample"]) and not bool(tiny["significant"])
    assert "Fewer than 30 responses in Tiny" in res.summary()
    assert not any("Tiny segment" in f.sentence for f in res.findings())
    labels = [t.get_text() for t in res.plot().get_yticklabels()]
    assert "Tiny (n<30)" in labels
