"""Segmentation benchmarks: RFM on 1,000,000 orders of 200,000 customers (target under 10 s) and
k-means clustering of 200,000 customers with k chosen by silhouette (target under 60 s).

Run: ``.venv/bin/python tests/benchmarks/bench_segments.py`` (``make bench`` runs it too).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _measure import measure  # noqa: E402

from fbresearch.analyses.segments import cluster_segments, customer_features, rfm_segments  # noqa: E402


def generated_orders(
    n_orders: int = 1_000_000, n_customers: int = 200_000, seed: int = 0
) -> pd.DataFrame:
    """Orders of customers with Pareto-like activity over two years; about 1% returns."""
    rng = np.random.default_rng(seed)
    weight = rng.pareto(1.5, n_customers) + 1
    who = rng.choice(n_customers, n_orders, p=weight / weight.sum())
    who[:n_customers] = np.arange(n_customers)  # every customer orders at least once
    days = rng.integers(0, 730, n_orders)
    amount = np.round(rng.lognormal(3.8, 0.6, n_orders), 2)
    amount[rng.random(n_orders) < 0.01] *= -1
    return pd.DataFrame(
        {
            "customer_id": pd.Series(
                [f"C{i:07d}" for i in range(n_customers)], dtype="string"
            ).to_numpy()[who],
            "order_date": pd.Timestamp("2024-11-01") + pd.to_timedelta(days, "D"),
            "amount": amount,
        }
    )


def main() -> None:
    orders = generated_orders()
    with measure("RFM segments, 1,000,000 orders of 200,000 customers", target="under 10 s") as m:
        res = rfm_segments(orders, asof="2026-10")
        m["customers"] = len(res.customers)
    feats = customer_features(orders, asof="2026-10")
    with measure(
        "k-means clusters of 200,000 customers (k by silhouette over 2-8)", target="under 60 s"
    ) as m:
        res = cluster_segments(feats, ["recency_days", "orders", "spend", "tenure_days"], seed=0)
        m["k"] = res.k


if __name__ == "__main__":
    main()
