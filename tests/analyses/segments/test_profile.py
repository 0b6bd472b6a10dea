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
    # Hand computation (z = 1.959964):
    # A: 60/20/20 of 100 -> NPS 40, se = sqrt((.6 + .2 - .4**2) / 100) = 8.0 -> CI 24.32 to 55.68
    #    rest (B + C): 48/30/42 of 120 -> NPS 5.0, se 7.8925; diff 35.0, se = sqrt(8^2 + 7.8925^2)
    #    = 11.238, z = 3.1144, p = 0.0018429
    # B: NPS -10, se 8.3066 -> CI -26.28 to 6.28; rest 78/20/22 of 120 -> 46.667, se 7.1621;
    #    diff -56.667, se 10.968, z -5.1666, p = 2.3844e-07
    # C: 18/0/2 of 20 -> NPS 80, se 13.4164 -> CI 53.70 to 100 (clipped at 100); rest 90/50/60
    #    of 200 -> 15.0, se 6.0312; diff 65.0, se 14.7097, z 4.4189, p = 9.9225e-06
    # Holm (m = 3), p sorted: B 2.3844e-07 * 3 = 7.1532e-07; C 9.9225e-06 * 2 = 1.9845e-05;
    #    A 0.0018429 * 1 = 0.0018429 (already increasing, so no max step changes anything).
    # C has 20 < 30 responses: small sample, never significant although its Holm p < 0.05.
    res = profile_segments(profile_frame(), "seg", metrics=("nps",))
    t = res.table.set_index("segment")
    assert t["estimate"].tolist() == pytest.approx([40.0, -10.0, 80.0])
    assert t.loc["A", ["ci_low", "ci_high"]].tolist() == pytest.approx([24.3203, 55.6797], abs=1e-3)
    assert t.loc["B", ["ci_low", "ci_high"]].tolist() == pytest.approx([-26.2807, 6.2807], abs=1e-3)
    assert t.loc["C", ["ci_low", "ci_high"]].tolist() == pytest.approx([53.7043, 100.0], abs=1e-3)
    assert t["rest"].tolist() == pytest.approx([5.0, 46.6667, 15.0], abs=1e-3)
    assert t["p_value"].tolist() == pytest.approx([0.0018429, 2.3844e-07, 9.9225e-06], rel=1e-3)
    assert t["p_holm"].tolist() == pytest.approx([0.0018429, 7.1532e-07, 1.9845e-05], rel=1e-3)
    assert t.loc["A", ["diff_low", "diff_high"]].tolist() == pytest.approx(
        [35.0 - 1.959964 * 11.238, 35.0 + 1.959964 * 11.238], abs=1e-2
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
    assert "Fewer than 30 responses in tiny" in res.summary()
    assert not any("among tiny" in f.sentence for f in res.findings())
    labels = [t.get_text() for t in res.plot().get_yticklabels()]
    assert "tiny (n<30)" in labels
