"""Shared inputs of the segmentation estimators: the RFM rule table, thresholds, order cleaning.

Examples
--------
>>> _asof_timestamp("2026-03", pd.Series(dtype="datetime64[ns]"))
Timestamp('2026-03-31 23:59:59.999999')
>>> SEGMENT_ORDER[0], MIN_RESPONSES
('champions', 30)
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from fbresearch.errors import FeedbackDataError

__all__ = ["MIN_RESPONSES", "RFM_RULES", "SEGMENT_ORDER", "NEW_CUSTOMER"]

#: Segments with fewer responses than this are shown with a small-sample warning and are never
#: called significantly different.
MIN_RESPONSES = 30

#: The RFM segment rules, applied top to bottom (the first row that matches wins). ``r`` is the
#: recency score, ``fm`` the frequency-monetary score ``ceil((F + M) / 2)`` (the mean of the
#: frequency and monetary scores, rounded half up). Every one of the 25 (r, fm) cells is covered.
RFM_RULES = pd.DataFrame(
    [
        ("champions", 5, 5, 4, 5, "bought very recently, buy often and spend the most"),
        ("loyal", 3, 4, 4, 5, "buy often and spend a lot; bought fairly recently"),
        ("potential loyalists", 4, 5, 2, 3, "recent customers with average frequency and spend"),
        ("new", 5, 5, 1, 1, "bought very recently for the first time or two, little spend yet"),
        ("promising", 4, 4, 1, 1, "bought recently, little so far"),
        ("need attention", 3, 3, 3, 3, "average recency, frequency and spend"),
        ("about to sleep", 3, 3, 1, 2, "below-average recency, frequency and spend"),
        ("can't lose", 1, 2, 5, 5, "used to buy the most and most often, but long ago"),
        ("at risk", 1, 2, 3, 4, "used to buy often and spend well, but long ago"),
        ("lost", 1, 1, 1, 1, "lowest recency, frequency and spend"),
        ("hibernating", 1, 2, 1, 2, "bought long ago, rarely and little"),
    ],
    columns=["segment", "r_min", "r_max", "fm_min", "fm_max", "description"],
)

SEGMENT_ORDER = tuple(RFM_RULES["segment"])


def _require(frame: pd.DataFrame, columns: Sequence[str], what: str, fix: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise FeedbackDataError(
            f"{what} has no column {missing[0]!r} (columns: {', '.join(map(str, frame.columns[:12]))})",
            source="DataFrame",
            column=missing[0],
            fix=fix,
        )


def _asof_timestamp(asof: Any, dates: pd.Series) -> pd.Timestamp:
    """The last instant counted: a period's end, a date's end of day, or the data's last month."""
    if asof is None:
        return dates.max().to_period("M").end_time
    if isinstance(asof, pd.Period):
        return asof.end_time
    if isinstance(asof, str) and len(asof) == 7:  # "YYYY-MM"
        return pd.Period(asof, freq="M").end_time
    ts = pd.Timestamp(asof)
    if ts == ts.normalize():  # a date: count the whole day
        return ts + pd.Timedelta(days=1) - pd.Timedelta(1, "ns")
    return ts


def _clean_orders(
    orders: pd.DataFrame, customer: str, date: str, amount: str
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Typed orders with missing keys dropped; counts of what was dropped."""
    if not isinstance(orders, pd.DataFrame):
        raise FeedbackDataError(
            "orders must be a pandas DataFrame", fix="load them with fb.load_orders."
        )
    fix = f"pass orders with columns {customer!r}, {date!r} and {amount!r}, or name yours with customer=, date=, amount=."
    _require(orders, [customer, date, amount], "orders", fix)
    out = pd.DataFrame(
        {
            "customer": orders[customer].astype("string"),
            "date": _to_datetime(orders[date]),
            "amount": pd.to_numeric(orders[amount], errors="coerce"),
        }
    )
    bad = out.isna().any(axis=1).to_numpy()
    if bad.all():
        raise FeedbackDataError(
            "no order has a customer, a readable date and a numeric amount",
            source="orders",
            column=date if out["date"].isna().all() else amount,
            rows=np.flatnonzero(bad)[:5] + 1,
            fix="check the date format (YYYY-MM-DD) and that amounts are numbers.",
        )
    return out.loc[~bad], {"missing": int(bad.sum())}


def _to_datetime(values: pd.Series) -> pd.Series:
    """Parse dates; unparseable values become NaT (and are counted by the caller)."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return values
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "could not infer format": we count NaT
        return pd.to_datetime(values, errors="coerce")


NEW_CUSTOMER = "(new customer)"
