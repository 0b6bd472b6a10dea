"""Tests of fbresearch.segments: each statistical test names the truth it checks."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from fbresearch.errors import AnalysisError, FeedbackDataError
from fbresearch.segments import (
    RFM_RULES,
    _rule_lookup,
    _toy_churn_data,
    churn_risk,
    cluster_segments,
    customer_features,
    profile_segments,
    rfm_segments,
    segment_migration,
)

ASOF = pd.Timestamp("2026-03-31")

# ---------------------------------------------------------------------------------------------
# RFM: a hand-worked example of 12 customers.
#
# Score rule: score = 1 + floor(5 * below / n), below = customers strictly worse, n = 12.
# rank_min (1 = worst) -> score: 1,2,3 -> 1; 4,5 -> 2; 6,7,8 -> 3; 9,10 -> 4; 11,12 -> 5.
#
# cust  recency  freq  monetary | R (rank)   F (rank)    M (rank)   | fm=ceil((F+M)/2) segment
# c01     200     1      20     | 1 (3)      1 (1, tie)  1 (2)      | 1   lost
# c02     150     1      35     | 2 (4)      1           1 (3)      | 1   hibernating
# c03       3     1      50     | 4 (10)     1           2 (4)      | 2   potential loyalists
# c04       0     1      15*    | 5 (12)     1           1 (1)      | 1   new
# c05      90     2     100     | 2 (5)      2 (5, tie)  2 (5, tie) | 2   hibernating
# c06      40     2     100     | 3 (7)      2           2 (5, tie) | 2   about to sleep
# c07     300     3     150     | 1 (1)      3 (7, tie)  3 (8)      | 3   at risk
# c08      10     3     120     | 3 (8, tie) 3           3 (7)      | 3   need attention
# c09      10     3     300     | 3 (8, tie) 3           4 (9)      | 4   loyal
# c10      60     5     400     | 3 (6)      4 (10)      4 (10)     | 4   loyal
# c11       2     8     900     | 5 (11)     5 (11, tie) 5 (12)     | 5   champions
# c12     250     8     600     | 1 (2)      5 (11, tie) 5 (11)     | 5   can't lose
# Ties: c08 and c09 share recency 10 -> both rank 8 -> R 3 (without tie handling c09 would be
# rank 9 -> R 4). c05/c06 share monetary 100 -> both M 2. F ties: 1 order (4 customers) -> F 1.
# * c04 bought 40 and returned 25 (netted: 15; the return is not a purchase).
# Also: c01 has an order dated after asof (ignored, counted) and c03 a zero-amount order (ignored).
# Revenue: total 2,790; loyal (c09 + c10) 700 -> share 700 / 2790.
HAND = {
    #        recency freq monetary  R  F  M  segment
    "c01": (200, 1, 20, 1, 1, 1, "lost"),
    "c02": (150, 1, 35, 2, 1, 1, "hibernating"),
    "c03": (3, 1, 50, 4, 1, 2, "potential loyalists"),
    "c04": (0, 1, 15, 5, 1, 1, "new"),
    "c05": (90, 2, 100, 2, 2, 2, "hibernating"),
    "c06": (40, 2, 100, 3, 2, 2, "about to sleep"),
    "c07": (300, 3, 150, 1, 3, 3, "at risk"),
    "c08": (10, 3, 120, 3, 3, 3, "need attention"),
    "c09": (10, 3, 300, 3, 3, 4, "loyal"),
    "c10": (60, 5, 400, 3, 4, 4, "loyal"),
    "c11": (2, 8, 900, 5, 5, 5, "champions"),
    "c12": (250, 8, 600, 1, 5, 5, "can't lose"),
}


def hand_orders() -> pd.DataFrame:
    rows = []
    for cust, (recency, freq, monetary, *_rest) in HAND.items():
        last = ASOF - pd.Timedelta(days=recency)
        spend = 40.0 if cust == "c04" else monetary
        for i in range(freq):  # purchases 7 days apart, the last one `recency` days before asof
            rows.append((cust, last - pd.Timedelta(days=7 * i), spend / freq))
    rows.append(("c04", ASOF, -25.0))  # a return
    rows.append(("c01", ASOF + pd.Timedelta(days=3), 999.0))  # future order
    rows.append(("c03", ASOF - pd.Timedelta(days=1), 0.0))  # zero amount
    return pd.DataFrame(rows, columns=["customer_id", "order_date", "amount"])


def test_rfm_scores_match_hand_worked_example():
    # truth: the hand-worked table above
    res = rfm_segments(hand_orders(), asof="2026-03")
    got = res.customers.loc[list(HAND)]
    expected = pd.DataFrame(
        HAND, index=["recency_days", "frequency", "monetary", "r", "f", "m", "segment"]
    ).T
    assert got["recency_days"].tolist() == expected["recency_days"].tolist()
    assert got["frequency"].tolist() == expected["frequency"].tolist()
    assert got["monetary"].round(6).tolist() == expected["monetary"].astype(float).tolist()
    assert got[["r", "f", "m"]].to_numpy().tolist() == expected[["r", "f", "m"]].to_numpy().tolist()
    assert got["segment"].astype(str).tolist() == expected["segment"].tolist()
    assert res.excluded == {"missing": 0, "future": 1, "returns": 1, "zero": 1, "returns_only": 0}


def test_rfm_table_sizes_and_revenue_shares():
    # truth: hand count from the table above (loyal: c09, c10 with 300 + 400 of 2,790)
    res = rfm_segments(hand_orders(), asof="2026-03-31")
    t = res.table.set_index("segment")
    assert list(t.index) == list(RFM_RULES["segment"])
    assert t.loc["loyal", "customers"] == 2 and t.loc["hibernating", "customers"] == 2
    assert t.loc["promising", "customers"] == 0
    assert t["customers"].sum() == 12
    assert t.loc["loyal", "revenue_share"] == pytest.approx(700 / 2790)
    assert t["revenue_share"].sum() == pytest.approx(1.0)
    assert "1 orders dated after 2026-03-31 were ignored" in res.summary()


def test_rule_table_covers_every_cell_once_in_order():
    # truth: every (r, fm) cell has a segment; spot checks against the table's definitions
    lut = _rule_lookup(RFM_RULES)
    names = list(RFM_RULES["segment"])
    assert (lut >= 0).all()
    assert names[lut[0, 0]] == "lost" and names[lut[1, 0]] == "hibernating"
    assert names[lut[4, 4]] == "champions" and names[lut[0, 4]] == "can't lose"
    assert names[lut[3, 0]] == "promising" and names[lut[4, 0]] == "new"


def test_asof_default_is_end_of_last_month():
    orders = hand_orders()
    res = rfm_segments(orders.loc[orders["order_date"] <= ASOF])
    # the whole of 31 March counts (pandas may store it to the micro- or nanosecond)
    assert res.asof.normalize() == ASOF and res.asof > pd.Timestamp("2026-03-31 23:59:59.999")


# --- bad input ---------------------------------------------------------------------------------


def test_rfm_one_customer_is_a_clear_error():
    orders = hand_orders()
    with pytest.raises(AnalysisError, match="one customer only"):
        rfm_segments(orders[orders["customer_id"] == "c11"], asof="2026-03")


def test_rfm_missing_column_names_it():
    with pytest.raises(FeedbackDataError, match="'amount'.*amount="):
        rfm_segments(hand_orders().drop(columns="amount"))


def test_rfm_customer_with_returns_only_has_no_segment():
    orders = pd.concat(
        [
            hand_orders(),
            pd.DataFrame({"customer_id": ["r1"], "order_date": [ASOF], "amount": [-10.0]}),
        ]
    )
    res = rfm_segments(orders, asof="2026-03")
    assert "r1" not in res.labels.index
    assert res.excluded["returns_only"] == 1
    assert "1 customers with returns but no purchase" in res.summary()


def test_rfm_unreadable_dates():
    orders = hand_orders().assign(order_date="not a date")
    with pytest.raises(FeedbackDataError, match="order_date"):
        rfm_segments(orders)


# --- migration -------------------------------------------------------------------------------


def test_migration_counts_every_current_customer_once():
    # truth: c01's future order on 2026-04-03 makes it "new" in April's scoring (recency 27 days);
    # every customer with a purchase by April appears exactly once; none is new in April.
    orders = hand_orders()
    mig = segment_migration(orders, "2026-03", "2026-04")
    assert mig.matrix.to_numpy().sum() == 12
    assert mig.matrix.loc["(new customer)"].sum() == 0
    assert mig.matrix.loc["lost"].sum() == 1  # c01 was lost in March
    assert mig.table["share_of_previous"].groupby(mig.table["previous"]).sum().round(9).eq(1).all()
    with pytest.raises(AnalysisError, match="before"):
        segment_migration(orders, "2026-04", "2026-03")


# ---------------------------------------------------------------------------------------------
# Clusters: planted groups


def planted_customers(n_per_group: int = 300, seed: int = 1):
    """Orders and feedback of three planted customer groups.

    loyal fans: ~12 orders in the last year, big baskets, NPS ~9.5; lapsed unhappy: 2-3 orders
    long ago, NPS ~3; new: 1-2 recent small orders, tenure < 60 days, NPS ~7.
    """
    rng = np.random.default_rng(seed)
    asof = pd.Timestamp("2026-10-31")
    orders, feedback, truth = [], [], {}
    spec = {
        "loyal fans": dict(
            orders=(10, 15), span=(300, 360), gap0=(0, 15), amount=120, nps=(9, 10), csat=(4, 5)
        ),
        "lapsed unhappy": dict(
            orders=(2, 4), span=(400, 500), gap0=(200, 300), amount=40, nps=(1, 4), csat=(1, 2)
        ),
        "new": dict(orders=(1, 2), span=(0, 40), gap0=(0, 20), amount=30, nps=(6, 8), csat=(3, 4)),
    }
    for g, s in spec.items():
        for i in range(n_per_group):
            cid = f"{g[:3]}{i:04d}"
            truth[cid] = g
            k = int(rng.integers(s["orders"][0], s["orders"][1] + 1))
            last = asof - pd.Timedelta(days=int(rng.integers(*s["gap0"])))
            first = last - pd.Timedelta(days=int(rng.integers(*s["span"]))) if k > 1 else last
            dates = pd.to_datetime(np.linspace(first.value, last.value, k))
            orders.append(
                pd.DataFrame(
                    {
                        "customer_id": cid,
                        "order_date": dates,
                        "amount": rng.gamma(4, s["amount"] / 4, k),
                    }
                )
            )
            feedback.append(
                pd.DataFrame(
                    {
                        "customer_id": [cid],
                        "submitted_at": [last],
                        "nps": [int(rng.integers(s["nps"][0], s["nps"][1] + 1))],
                        "csat": [int(rng.integers(s["csat"][0], s["csat"][1] + 1))],
                    }
                )
            )
    return (
        pd.concat(orders, ignore_index=True),
        pd.concat(feedback, ignore_index=True),
        pd.Series(truth),
    )


FEATURES = ["recency_days", "orders", "spend", "tenure_days", "nps_mean", "csat_mean"]


def test_cluster_recovers_planted_groups():
    # truth: three planted groups (planted_customers); ARI >= 0.8 and k chosen = 3
    orders, feedback, truth = planted_customers()
    feats = customer_features(orders, feedback, asof="2026-10")
    res = cluster_segments(feats, FEATURES, seed=0, k_range=(2, 6))
    assert res.k == 3
    assert adjusted_rand_score(truth[res.labels.index], res.labels) >= 0.8
    assert res.stability.estimate >= 0.8
    # names read from the distinctive features: the lapsed group is named "lapsed" or "detractors"
    lapsed = res.labels[truth[res.labels.index] == "lapsed unhappy"].mode()[0]
    assert "lapsed" in lapsed or "detractors" in lapsed or "low satisfaction" in lapsed
    assert res.table["customers"].sum() == len(truth)


def test_cluster_is_reproducible_and_reports_missing_features():
    orders, feedback, _ = planted_customers(60)
    extra = pd.DataFrame(
        {
            "customer_id": ["ghost"],
            "submitted_at": [pd.Timestamp("2026-10-01")],
            "nps": [5],
            "csat": [3],
        }
    )
    feats = customer_features(orders, pd.concat([feedback, extra]), asof="2026-10")
    # a customer with feedback but no orders: kept in the features, not clustered, counted
    assert not feats.loc["ghost", "has_orders"] and math.isnan(feats.loc["ghost", "recency_days"])
    a = cluster_segments(feats, FEATURES, k=3, seed=5)
    b = cluster_segments(feats, FEATURES, k=3, seed=5)
    assert a.labels.equals(b.labels)
    assert "ghost" not in a.labels.index
    assert "1 customers with a missing feature" in a.summary()


def test_cluster_bad_input():
    frame = pd.DataFrame({"x": [1.0] * 20, "y": np.arange(20.0)})
    with pytest.raises(AnalysisError, match="'x' is constant"):
        cluster_segments(frame, ["x", "y"])
    with pytest.raises(FeedbackDataError, match="'z'"):
        cluster_segments(frame, ["z"])
    with pytest.raises(AnalysisError, match="at least"):
        cluster_segments(frame.head(5), ["y"])


def test_cluster_recovers_sample_segments(sample):
    # truth: the sample's planted customer groups (truth["segment"]); ARI >= 0.8 with k chosen
    # by silhouette on the behavioural features
    feats = customer_features(sample.orders, sample.feedback, asof="2026-10")
    res = cluster_segments(feats, ["recency_days", "orders", "spend", "tenure_days"], seed=0)
    planted = sample.truth["segment"]
    common = res.labels.index.intersection(planted.index.astype("string"))
    assert len(common) > 0.9 * len(res.labels)
    assert adjusted_rand_score(planted.reindex(common), res.labels[common]) >= 0.8


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


def test_assign_maps_segments_to_feedback():
    res = rfm_segments(hand_orders(), asof="2026-03")
    fb = pd.DataFrame({"customer_id": ["c11", "c01", "nobody"], "nps": [10, 2, 5]})
    out = res.assign(fb)
    assert out["segment"].astype("string").tolist()[:2] == ["champions", "lost"]
    assert pd.isna(out["segment"].iloc[2])


# ---------------------------------------------------------------------------------------------
# Churn


def test_churn_detractor_odds_ratio_planted():
    # truth: _toy_churn_data plants P(lapse) = 0.65 for detractors and 0.25 for everyone else,
    # an odds ratio of (0.65 / 0.35) / (0.25 / 0.75) = 5.57
    fbk, orders = _toy_churn_data()
    res = churn_risk(fbk, orders, asof="2026-10")
    e = res.odds_ratios["detractor"]
    assert e.ci_low > 1 and e.contains(5.57)
    # planted: passives lapse like promoters, far less than detractors
    assert res.odds_ratios["passive"].ci_high < e.ci_low
    assert res.auc.estimate > 0.5 and res.auc.ci_low > 0.5
    assert res.n_test > 0 and len(res.test_months) == 3
    # no identifiers in what a reader sees
    text = res.summary() + " ".join(f.sentence for f in res.findings())
    assert not any(cid in text for cid in fbk["customer_id"])
    assert res.at_risk_count == len(res.at_risk) <= res.high_value_count


def test_churn_needs_history():
    fbk, orders = _toy_churn_data(200)
    with pytest.raises(AnalysisError, match="closed 90-day window"):
        churn_risk(fbk, orders, asof="2025-06")


def test_churn_on_sample(sample):
    # truth: the sample plants a higher lapse rate after detractor responses (truth["churn"])
    res = churn_risk(sample.feedback, sample.orders, asof="2026-10")
    assert res.odds_ratios["detractor"].ci_low > 1
    assert res.auc.estimate > 0.5
