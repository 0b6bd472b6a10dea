"""Tests of fbresearch.analyses.segments.rfm: RFM scores by hand, bad input, migration, assign."""

from __future__ import annotations

import pandas as pd
import pytest

from fbresearch.analyses.segments import RFM_RULES, rfm_segments, segment_migration
from fbresearch.analyses.segments.rfm import _rule_lookup
from fbresearch.errors import AnalysisError, FeedbackDataError

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


def test_assign_maps_segments_to_feedback():
    res = rfm_segments(hand_orders(), asof="2026-03")
    fb = pd.DataFrame({"customer_id": ["c11", "c01", "nobody"], "nps": [10, 2, 5]})
    out = res.assign(fb)
    assert out["segment"].astype("string").tolist()[:2] == ["champions", "lost"]
    assert pd.isna(out["segment"].iloc[2])
