"""RFM scores and segments, and how customers migrate between segments.

Examples
--------
>>> orders = pd.DataFrame({"customer_id": ["a", "b"], "amount": [10.0, 20.0],
...                        "order_date": pd.to_datetime(["2026-01-05", "2026-01-20"])})
>>> rfm_segments(orders).labels.astype(str).tolist()
['lost', 'about to sleep']
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from fbresearch.analyses.segments.common import (
    NEW_CUSTOMER,
    RFM_RULES,
    SEGMENT_ORDER,
    _asof_timestamp,
    _clean_orders,
)
from fbresearch.analyses.segments.results import MigrationResult, RFMResult
from fbresearch.errors import AnalysisError

__all__ = ["rfm_scores", "rfm_segments", "segment_migration"]


def _quintile_score(values: np.ndarray, higher_is_better: bool = True) -> np.ndarray:
    """Quintile score 1-5 in which tied values share a score.

    The score is ``1 + floor(5 * below / n)``, where ``below`` is the number of customers with a
    strictly worse value: a customer beating 0-19.9% of customers scores 1, 20-39.9% scores 2, and
    so on. Ties never split (two customers with 3 orders always get the same F score), so a score
    can be skipped when one value holds many customers. Integer arithmetic keeps it exact.
    """
    ranks = pd.Series(values if higher_is_better else -values).rank(method="min").to_numpy()
    n = len(values)
    return (1 + (5 * (ranks.astype(np.int64) - 1)) // n).astype(np.int8)


def _rule_lookup(rules: pd.DataFrame) -> np.ndarray:
    """5x5 array: segment code for each (r - 1, fm - 1), first matching rule wins."""
    lut = np.full((5, 5), -1, dtype=np.int8)
    for code, row in enumerate(rules.itertuples(index=False)):
        block = lut[row.r_min - 1 : row.r_max, row.fm_min - 1 : row.fm_max]
        block[block == -1] = code
    if (lut == -1).any():
        r, fm = np.argwhere(lut == -1)[0] + 1
        raise AnalysisError(f"the RFM rule table leaves r={r}, fm={fm} without a segment.")
    return lut


def rfm_scores(
    orders: pd.DataFrame,
    asof: Any = None,
    customer: str = "customer_id",
    date: str = "order_date",
    amount: str = "amount",
) -> tuple[pd.DataFrame, pd.Timestamp, dict[str, int]]:
    """Per-customer recency, frequency, monetary values and their 1-5 scores.

    See :func:`rfm_segments` for the definitions; this is its first half, without segments.

    Returns
    -------
    (customers, asof, excluded)
        ``customers`` indexed by customer id with ``recency_days``, ``frequency``, ``monetary``,
        ``r``, ``f``, ``m``, ``fm``; ``asof`` the last instant counted; ``excluded`` the counts.
    """
    data, excluded = _clean_orders(orders, customer, date, amount)
    asof_ts = _asof_timestamp(asof, data["date"])
    future = (data["date"] > asof_ts).to_numpy()
    excluded["future"] = int(future.sum())
    data = data.loc[~future]
    amounts = data["amount"].to_numpy()
    excluded["returns"] = int((amounts < 0).sum())
    excluded["zero"] = int((amounts == 0).sum())
    data = data.loc[amounts != 0]

    codes, uniques = pd.factorize(data["customer"], sort=True)
    amounts = data["amount"].to_numpy()
    day = data["date"].to_numpy("datetime64[D]").astype(np.int64)
    purchase = amounts > 0
    k = len(uniques)
    frequency = np.bincount(codes[purchase], minlength=k)
    net = np.bincount(codes, weights=amounts, minlength=k)
    last = np.full(k, np.iinfo(np.int64).min)
    np.maximum.at(last, codes[purchase], day[purchase])
    has_purchase = frequency > 0
    excluded["returns_only"] = int((~has_purchase).sum())
    asof_day = asof_ts.to_datetime64().astype("datetime64[D]").astype(np.int64)
    customers = pd.DataFrame(
        {
            "recency_days": (asof_day - last[has_purchase]).astype(np.int64),
            "frequency": frequency[has_purchase].astype(np.int64),
            # returns are netted against the customer's spend; a net refund counts as zero spend
            "monetary": np.clip(net[has_purchase], 0, None),
        },
        index=pd.Index(uniques[has_purchase], name=customer, dtype="string"),
    )
    if len(customers) == 0:
        raise AnalysisError(
            f"no customer has a purchase (a positive {amount!r}) on or before {asof_ts:%Y-%m-%d}; "
            "RFM needs purchases. Check the asof date and the sign of the amounts."
        )
    if len(customers) == 1:
        raise AnalysisError(
            "RFM scores rank customers against each other, and the orders hold one customer only "
            f"(up to {asof_ts:%Y-%m-%d}). Pass the orders of all customers."
        )
    r = _quintile_score(customers["recency_days"].to_numpy(), higher_is_better=False)
    f = _quintile_score(customers["frequency"].to_numpy())
    m = _quintile_score(customers["monetary"].to_numpy())
    customers = customers.assign(
        r=r, f=f, m=m, fm=((f.astype(np.int16) + m + 1) // 2).astype(np.int8)
    )
    return customers, asof_ts, excluded


def rfm_segments(
    orders: pd.DataFrame,
    asof: Any = None,
    customer: str = "customer_id",
    date: str = "order_date",
    amount: str = "amount",
    rules: pd.DataFrame | None = None,
) -> RFMResult:
    """Recency, frequency and monetary scores and the named RFM segments.

    Definitions
        *Recency*: whole days from the customer's last purchase to ``asof``. *Frequency*: number
        of purchases (order rows with a positive amount). *Monetary*: the net sum of the amounts,
        purchases minus returns, floored at zero.
    Scores
        Quintile scores 1-5 (5 = best: most recent, most frequent, highest spend) in which tied
        customers share a score: ``score = 1 + floor(5 * below / n)`` with ``below`` the number of
        customers strictly worse. A customer beating 40-59.9% of customers scores 3. When one value
        holds many customers (many single-order customers) they all get the same score, and some
        scores may be unused; nothing is split arbitrarily.
    Segments
        ``fm = ceil((F + M) / 2)``; the first row of ``rules`` (default :data:`RFM_RULES`) whose
        ``r`` and ``fm`` ranges contain the customer's scores names the segment.
    Bad input
        Orders after ``asof`` are ignored and counted (future dates). Returns (negative amounts)
        are netted against the customer's spend but are not purchases (they count for neither
        frequency nor recency). Zero amounts are ignored and counted. Customers with returns only
        have no purchase and no segment (counted). Rows with a missing customer, date or amount
        are dropped and counted.

    Parameters
    ----------
    orders : DataFrame
        One row per order.
    asof : str, Timestamp or Period, optional
        The last instant counted: ``"YYYY-MM"`` or a Period means the end of that month, a date
        the end of that day. Default: the end of the month of the last order.
    customer, date, amount : str
        Column names.
    rules : DataFrame, optional
        A rule table shaped like :data:`RFM_RULES`.

    Returns
    -------
    RFMResult

    Raises
    ------
    FeedbackDataError
        A column is missing or no row is readable.
    AnalysisError
        Fewer than two customers with a purchase.

    Examples
    --------
    >>> orders = pd.DataFrame({
    ...     "customer_id": ["a", "a", "b", "c", "c", "c", "d", "e"],
    ...     "order_date": pd.to_datetime(["2026-01-05", "2026-03-30", "2026-02-01", "2026-03-01",
    ...                                   "2026-03-20", "2026-03-28", "2025-11-11", "2026-03-31"]),
    ...     "amount": [50.0, 70.0, 20.0, 100.0, 80.0, 90.0, 15.0, 30.0]})
    >>> res = rfm_segments(orders)
    >>> res.customers[["recency_days", "frequency", "monetary", "r", "f", "m"]].loc["c"].tolist()
    [3.0, 3.0, 270.0, 3.0, 5.0, 5.0]
    >>> res.labels["c"], res.labels["d"]
    ('loyal', 'lost')
    """
    rules = RFM_RULES if rules is None else rules
    customers, asof_ts, excluded = rfm_scores(orders, asof, customer, date, amount)
    lut = _rule_lookup(rules)
    seg_codes = lut[customers["r"].to_numpy() - 1, customers["fm"].to_numpy() - 1]
    names = list(rules["segment"])
    segment = pd.Categorical.from_codes(seg_codes, categories=names, ordered=True)
    customers = customers.assign(
        rfm=(customers["r"].astype(str) + customers["f"].astype(str) + customers["m"].astype(str)),
        segment=segment,
    )
    grouped = customers.groupby("segment", observed=False)
    total_rev = float(customers["monetary"].sum())
    n = len(customers)
    table = pd.DataFrame(
        {
            "customers": grouped.size(),
            "revenue": grouped["monetary"].sum(),
            "recency_days": grouped["recency_days"].median(),
            "frequency": grouped["frequency"].median(),
            "monetary": grouped["monetary"].median(),
        }
    ).reset_index()
    table = table.assign(
        segment=table["segment"].astype(str),
        share=table["customers"] / n,
        revenue_share=table["revenue"] / total_rev if total_rev > 0 else np.nan,
        description=list(rules["description"]),
    )[
        [
            "segment",
            "customers",
            "share",
            "revenue",
            "revenue_share",
            "recency_days",
            "frequency",
            "monetary",
            "description",
        ]
    ]
    notes = _order_notes(excluded, asof_ts, amount)
    if n < 25:
        notes.append(f"Only {n} customers: quintile scores rest on very few customers each.")
    return RFMResult(
        table=table,
        notes=tuple(notes),
        customers=customers,
        labels=customers["segment"],
        rules=rules,
        asof=asof_ts,
        excluded=excluded,
    )


def _order_notes(excluded: dict[str, int], asof_ts: pd.Timestamp, amount: str) -> list[str]:
    notes = []
    if excluded.get("future"):
        notes.append(f"{excluded['future']:,} orders dated after {asof_ts:%Y-%m-%d} were ignored.")
    if excluded.get("returns"):
        notes.append(
            f"{excluded['returns']:,} returns (negative {amount}) were netted against their customers' spend."
        )
    if excluded.get("zero"):
        notes.append(f"{excluded['zero']:,} orders with a zero {amount} were ignored.")
    if excluded.get("returns_only"):
        notes.append(
            f"{excluded['returns_only']:,} customers with returns but no purchase have no segment."
        )
    if excluded.get("missing"):
        notes.append(
            f"{excluded['missing']:,} orders with a missing customer, date or amount were dropped."
        )
    return notes


def segment_migration(
    orders: pd.DataFrame,
    asof_previous: Any,
    asof_current: Any,
    customer: str = "customer_id",
    date: str = "order_date",
    amount: str = "amount",
) -> MigrationResult:
    """How customers moved between RFM segments from ``asof_previous`` to ``asof_current``.

    Both dates are scored with :func:`rfm_segments` on the orders up to that date (scores are
    relative to the customers of that date). Customers without a purchase at the earlier date are
    counted as ``"(new customer)"``.

    Examples
    --------
    >>> orders = pd.DataFrame({"customer_id": list("abcdeab"),
    ...     "order_date": pd.to_datetime(["2026-01-03", "2026-01-10", "2026-01-20", "2026-01-28",
    ...                                   "2026-02-10", "2026-02-20", "2026-02-25"]),
    ...     "amount": [10.0, 20, 30, 40, 50, 60, 70]})
    >>> mig = segment_migration(orders, "2026-01", "2026-02")
    >>> int(mig.matrix.loc["(new customer)"].sum())
    1
    """
    prev = rfm_segments(orders, asof_previous, customer, date, amount)
    curr = rfm_segments(orders, asof_current, customer, date, amount)
    if prev.asof >= curr.asof:
        raise AnalysisError(
            f"asof_previous ({prev.asof:%Y-%m-%d}) must be before asof_current ({curr.asof:%Y-%m-%d})."
        )
    order = list(SEGMENT_ORDER)
    previous = prev.labels.astype(str).reindex(curr.labels.index).fillna(NEW_CUSTOMER)
    current = curr.labels.astype(str)
    rows_order = [NEW_CUSTOMER, *order]
    matrix = pd.crosstab(
        pd.Categorical(previous, categories=rows_order),
        pd.Categorical(current, categories=order),
        dropna=False,
    )
    matrix.index.name, matrix.columns.name = "previous", "current"
    tidy = matrix.stack().rename("customers").reset_index()
    tidy = tidy[tidy["customers"] > 0].reset_index(drop=True)
    tidy["share_of_previous"] = tidy["customers"] / tidy.groupby("previous", observed=True)[
        "customers"
    ].transform("sum")
    tidy = tidy.assign(previous=tidy["previous"].astype(str), current=tidy["current"].astype(str))
    return MigrationResult(
        table=tidy, notes=curr.notes, matrix=matrix, asof_previous=prev.asof, asof_current=curr.asof
    )
