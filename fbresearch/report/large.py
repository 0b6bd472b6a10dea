"""Large data: every response counted by the engine, a seeded sample of rows for the pages.

When an engine's scan selects more than ``report.max_rows`` responses (default
:data:`DEFAULT_MAX_ROWS`), the runner does not load them all. Instead (:func:`read_large`):

- the default report month is chosen by the engine from dated responses per month
  (:func:`fbresearch.io.inputs.month_from_counts`, the rule of ``default_period``);
- the engine counts every answer of every response up to the month's end, by month and with
  the per-customer sums of clustered variances (:meth:`Scan.kpi_counts`): the index page's
  headline KPIs are computed from these counts (:class:`CountsScan`), so they are exactly the
  estimates and intervals the in-memory path would give on the same rows;
- the pages (notebooks) get a seeded, hash-based sample of about ``max_rows`` responses: a
  customer is kept when the hash of their customer id (:func:`fbresearch.engines.base.sample_hash`;
  the response id when the data has no customers) falls below a threshold, with all their
  responses and, when the report has an orders file, all their orders
  (:func:`sample_orders`), so the sample is the same rows whatever the engine, file order or
  partitioning, the value and segment pages see each sampled customer whole, and the same
  data, params and seed give the same report. Each page says so in its note
  (:meth:`LargeData.annotate`).

The in-memory path is kept whenever params transform answers on loading (``missing_codes``,
``value_maps``) or date rows by ``wave``: the engine counts raw answers, which would then differ.

Examples
--------
>>> from fbresearch.engines import get_engine
>>> from fbresearch.io.inputs import load_feedback
>>> from fbresearch.io.sample import sample_data
>>> frame = sample_data(2000).feedback
>>> rows, large = read_large(get_engine("duckdb").scan(frame), max_rows=500)
>>> kept = len(load_feedback(frame).frame)  # loading drops the 10 rows with no answer
>>> large.period, large.total == kept, len(rows) == large.sampled, 400 < large.sampled < 600
('2026-10', True, True, True)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from fbresearch.engines.base import (
    HASH_RANGE,
    cluster_columns,
    count_columns,
    sample_threshold,
)
from fbresearch.errors import AnalysisError, FeedbackDataError
from fbresearch.io.inputs import month_from_counts
from fbresearch.schema import ANSWER_COLUMNS, SCORES

__all__ = [
    "DEFAULT_MAX_ROWS", "LargeData", "CountsScan", "read_large", "sample_orders", "months_upto",
]

#: ``report.max_rows``: above this many responses, pages get a sample of this size. 50,000
#: keeps the whole report on 1,000,000 responses under 3 minutes on 2 cores (2.7 min; 6.4 min
#: at 250,000, ``tests/benchmarks/bench_scale.py``); over 13 months a month then has about
#: 3,800 sampled responses (an NPS interval of about +-2.5 points), while the index's headline
#: KPIs count every response.
DEFAULT_MAX_ROWS = 50_000
#: the answer columns counted over every response (those the data has)
COUNTED = ("nps", "csat", "ces", "satisfied")


class CountsScan:
    """A :class:`~fbresearch.engines.base.Scan` served from count tables already made by an
    engine (by month, every response): ``kpi_table(scan, by="month", ...)`` gives the same
    estimates as on the rows themselves. Only ``by=["month"]`` can be answered.

    Examples
    --------
    >>> from fbresearch.analyses.kpis import kpi_table
    >>> from fbresearch.engines import get_engine
    >>> df = pd.DataFrame({"submitted_at": pd.to_datetime(["2026-09-03", "2026-10-02"]),
    ...                    "nps": [10, 3]})
    >>> counts = get_engine("pandas").scan(df).kpi_counts(["month"], {"nps": (0, 10)})
    >>> kpi_table(CountsScan(counts, ["nps"]), by="month", metrics="nps").table["n"].tolist()
    [1, 1]
    """

    engine = "counts"

    def __init__(self, counts: pd.DataFrame, scores: Sequence[str], clustered: bool = False):
        self._counts, self._scores, self._clustered = counts, list(scores), clustered
        self.columns = ["submitted_at", *self._scores] + (["customer_id"] if clustered else [])

    def __contains__(self, column: object) -> bool:
        return column in self.columns

    @property
    def empty(self) -> bool:
        """No response counted."""
        return int(self._counts["_rows"].sum()) == 0

    def upto(self, period: Any, months: int | None = None) -> CountsScan:
        """The months up to ``period`` (the last ``months`` of them; None: all)."""
        month = self._counts["month"]
        end = pd.Period(period, freq="M")
        keep = month <= end
        if months is not None:
            keep &= month > end - months
        return CountsScan(self._counts[keep.to_numpy()], self._scores, self._clustered)

    def to_frame(self) -> pd.DataFrame:
        raise AnalysisError("a CountsScan holds counts of every response, not the rows.")

    def kpi_counts(
        self,
        by: Sequence[str],
        scores: Mapping[str, tuple[int, int]],
        *,
        date: str = "submitted_at",
        cluster: str | None = None,
    ) -> pd.DataFrame:
        """The stored counts by month of ``scores`` (with their cluster columns when asked)."""
        if list(by) != ["month"]:
            raise AnalysisError(
                f"the counts of every response are by month only, not by {list(by)!r}."
            )
        missing = [c for c in scores if c not in self._scores]
        if missing or (cluster is not None and not self._clustered):
            raise AnalysisError(f"no counts of {missing or cluster!r} were made.")
        keep = ["month", "_rows", *count_columns(scores)]
        if cluster is not None:
            keep += cluster_columns(scores)
        return self._counts[keep].reset_index(drop=True)


def months_upto(frame: Any, period: Any, months: int | None = None) -> Any:
    """Rows (or a :class:`CountsScan`'s months) up to ``period``; the last ``months`` only.

    Examples
    --------
    >>> days = pd.to_datetime(["2026-08-03", "2026-09-03", "2026-10-02", "2026-11-02"])
    >>> len(months_upto(pd.DataFrame({"submitted_at": days}), "2026-10", months=2))
    2
    """
    if isinstance(frame, CountsScan):
        return frame.upto(period, months)
    month = frame["submitted_at"].dt.to_period("M")
    end = pd.Period(period, freq="M")
    keep = month <= end
    if months is not None:
        keep &= month > end - months
    return frame.loc[keep]


@dataclass(frozen=True)
class LargeData:
    """What the engine found over every response, beside the sample the pages get.

    Attributes
    ----------
    period : str
        The report month (``"YYYY-MM"``).
    read : int
        Rows read (up to the end of ``period``).
    total : int
        Of those, the responses loading keeps (dated, with an answer): all that are counted.
    in_period : int
        Responses in ``period``.
    sampled : int
        Responses in the pages' sample.
    seed : int
        The seed of the sampling hash.
    key : str
        The column hashed (``customer_id`` when the data has it, else ``response_id``).
    counts : pandas.DataFrame
        Canonical answer counts by month of every response (:meth:`Scan.kpi_counts` layout).
    scores : tuple of str
        The answer columns counted.
    clustered : bool
        Whether ``counts`` hold the per-customer sums (the data has ``customer_id``).
    period_note : str or None
        The default month's note (no month with enough responses).
    """

    period: str
    read: int
    total: int
    in_period: int
    sampled: int
    seed: int
    key: str
    counts: pd.DataFrame
    scores: tuple[str, ...]
    clustered: bool
    period_note: str | None = None
    threshold: int = HASH_RANGE

    def note(self) -> str:
        """The sentence every page shows.

        Examples
        --------
        >>> LargeData("2026-10", 10_000, 10_000, 500, 1_000, 0, "response_id", pd.DataFrame(), (),
        ...           False).note()[:64]
        'This page is based on a random sample of 1,000 of 10,000 respons'
        """
        return (
            f"This page is based on a random sample of {self.sampled:,} of {self.total:,} "
            f"responses (drawn by a hash of the {self.key.replace('_', ' ')}, seed "
            f"{self.seed}); the headline KPIs on the report's index count every response."
        )

    def scan(self) -> CountsScan:
        """The counts of every response as a scan for :func:`kpi_table`."""
        return CountsScan(self.counts, self.scores, self.clustered)

    def rows(self) -> dict[str, int]:
        """The manifest's row counts: every response, the period's, and the sample's."""
        return {
            "feedback": self.total,
            "feedback_read": self.read,
            "period": self.in_period,
            "sampled": self.sampled,
        }

    def annotate(self, plan: Mapping[str, Any]) -> dict[str, Any]:
        """Each page's plan with :meth:`note` among its notes (skipped pages unchanged)."""
        return {
            name: p if p.status == "skipped" else replace(p, notes=(*p.notes, self.note()))
            for name, p in plan.items()
        }


def can_count(raw: Mapping[str, Any]) -> bool:
    """Whether the engine's counts of raw answers equal the loaded data's: no ``wave``,
    ``missing_codes`` or ``value_maps`` in params (``raw``).

    Examples
    --------
    >>> can_count({"wave": None}), can_count({"missing_codes": {"nps": [99]}})
    (True, False)
    """
    return not (raw.get("wave") or raw.get("missing_codes") or raw.get("value_maps"))


def period_not_in_data(period: str, covered: str) -> FeedbackDataError:
    """The error for a chosen period with no responses (one wording for every path).

    Examples
    --------
    >>> str(period_not_in_data("2024-01", "2025-01 to 2025-06")).split(". Fix")[0]
    "column 'submitted_at': no responses in the period 2024-01; the data covers 2025-01 to 2025-06"
    """
    return FeedbackDataError(
        f"no responses in the period {period}; the data covers {covered}",
        column="submitted_at",
        fix="choose a period inside the data (--period YYYY-MM), or leave it empty "
        "for the latest complete month.",
    )


def _month(scan: Any, date: str, period: str | None, waves: bool) -> tuple[str, str | None]:
    """The report month: ``period`` (checked to have responses), else the engine's default."""
    if period is not None:
        counts, last = scan.month_counts(date)
        if int(counts.get(pd.Period(period, freq="M"), 0)) == 0:
            covered = f"{counts.index[0]} to {counts.index[-1]}" if len(counts) else "no months"
            raise period_not_in_data(period, covered)
        return period, None
    today = pd.Timestamp.now(tz="UTC").tz_localize(None).normalize()
    counts, last = scan.month_counts(date, before=today + pd.Timedelta(days=1))
    if counts.empty:
        raise FeedbackDataError(
            "there are no dated responses up to today to choose a report month from",
            column="submitted_at",
            fix='check the submitted_at column, or set period: "YYYY-MM".',
        )
    month, note = month_from_counts(counts, last, waves)
    return str(month), note


def read_large(
    scan: Any,
    *,
    max_rows: int = DEFAULT_MAX_ROWS,
    period: str | None = None,
    seed: int = 0,
    columns: Mapping[str, str] | None = None,
    rescan: Any = None,
) -> tuple[pd.DataFrame, LargeData]:
    """The pages' sample of ``scan`` and the engine's counts of every response.

    Parameters
    ----------
    scan : Scan
        A pandas or DuckDB scan (``count``, ``month_counts``, ``sample``, ``kpi_counts``).
    max_rows : int
        About this many responses are sampled.
    period : str, optional
        The report month; None: the default month, chosen by the engine.
    seed : int
        The sampling hash's seed.
    columns : mapping, optional
        Canonical name -> the data's column name (params ``columns:``).
    rescan : callable, optional
        ``rescan(through)``: the same scan ending with a month (default: ``scan`` itself).

    Returns
    -------
    (DataFrame, LargeData)
        The sampled rows in the data's own columns, and what was counted over all of them.
    """
    named = dict(columns or {})
    fields = ("submitted_at", "response_id", "customer_id", "text", *ANSWER_COLUMNS)
    name = {c: named.get(c, c) for c in fields}
    date = name["submitted_at"]
    chosen, note = _month(scan, date, period, waves=False)
    if rescan is not None:
        scan = rescan(chosen)
    read = int(scan.count())
    today = pd.Timestamp.now(tz="UTC").tz_localize(None).normalize()
    answers = [name[c] for c in ANSWER_COLUMNS if c != "text"]
    # the rows loading keeps (dated up to today, with an answer): what the counts count
    scan = scan.kept(date, answers, name["text"], before=today + pd.Timedelta(days=1))
    total = int(scan.count())
    scores = {c: (int(SCORES[c].low), int(SCORES[c].high)) for c in COUNTED}
    scores = {c: s for c, s in scores.items() if name[c] in scan.columns}
    clustered = name["customer_id"] in scan.columns
    raw_scores = {name[c]: s for c, s in scores.items()}
    counts = scan.kpi_counts(
        ["month"], raw_scores, date=date, cluster=name["customer_id"] if clustered else None
    )
    counts = counts.rename(columns=_canonical_names(raw_scores, scores, clustered))
    counts = counts[counts["month"] <= pd.Period(chosen, freq="M")].reset_index(drop=True)
    # a customer's responses (and orders) are kept or left together
    key = next((k for k in ("customer_id", "response_id") if name[k] in scan.columns), None)
    key = name[key] if key is not None else date
    threshold = sample_threshold(max_rows, total)
    rows = scan.sample(key, threshold, seed).to_frame()
    in_period = counts.loc[counts["month"] == pd.Period(chosen, freq="M"), "_rows"]
    large = LargeData(
        period=chosen,
        read=read,
        total=total,
        in_period=int(in_period.sum()),
        sampled=len(rows),
        seed=int(seed),
        key=next((c for c, raw in name.items() if raw == key), key),
        counts=counts,
        scores=tuple(scores),
        clustered=clustered,
        period_note=note,
        threshold=threshold,
    )
    return rows, large


def sample_orders(scan: Any, large: LargeData, customer: str = "customer_id") -> pd.DataFrame:
    """The orders of the customers in the pages' sample: every order whose customer's hash is
    below the sample's threshold (the rule that drew the responses), read by the engine.

    A uniform random sample of all customers (with or without feedback) at the responses'
    sampling rate, so RFM segments and their shares stay unbiased, and every sampled
    respondent's orders are all there for the value page. None of this applies when the
    responses were drawn by response id (no customer ids): the orders are then read whole.

    Examples
    --------
    >>> from fbresearch.engines import get_engine
    >>> orders = pd.DataFrame({"customer_id": [f"C{i % 400}" for i in range(2000)],
    ...                        "amount": 1.0})
    >>> large = LargeData("2026-10", 0, 0, 0, 0, 0, "customer_id", pd.DataFrame(), (), True,
    ...                   threshold=2**30)  # a quarter of the customers
    >>> kept = sample_orders(get_engine("pandas").scan(orders), large)
    >>> 60 < kept["customer_id"].nunique() < 140, len(kept) == 5 * kept["customer_id"].nunique()
    (True, True)
    """
    if large.key != "customer_id":
        return scan.to_frame()
    return scan.sample(customer, large.threshold, large.seed).to_frame()


def _canonical_names(
    raw: Mapping[str, tuple[int, int]], canonical: Mapping[str, tuple[int, int]], clustered: bool
) -> dict[str, str]:
    """Count columns named after the data's columns -> after the canonical ones."""
    pairs = dict(zip(count_columns(raw), count_columns(canonical), strict=True))
    if clustered:
        pairs.update(zip(cluster_columns(raw), cluster_columns(canonical), strict=True))
    return {k: v for k, v in pairs.items() if k != v}
