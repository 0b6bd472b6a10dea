"""Tests of fbresearch.analyses.segments.clusters: planted groups are recovered."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from fbresearch.analyses.segments import cluster_segments, customer_features
from fbresearch.errors import AnalysisError, FeedbackDataError

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
