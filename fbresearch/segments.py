"""Customer segmentation: RFM segments, behavioural clusters, satisfaction by segment, churn risk.

Five analyses, each returning a frozen result with ``.table``, ``.summary()``, ``.plot()`` and
``.findings()``:

- :func:`rfm_segments`: recency, frequency and monetary quintile scores and the usual named
  segments from the rule table :data:`RFM_RULES`;
- :func:`cluster_segments`: k-means on standardized per-customer features (built by
  :func:`customer_features`), k chosen by silhouette, stability across seeds, readable names;
- :func:`profile_segments`: NPS and CSAT by segment with CIs, each segment against the rest,
  Holm-corrected, and the topics each segment over-represents;
- :func:`segment_migration`: how customers moved between RFM segments since the last period;
- :func:`churn_risk`: a logistic model of lapsing after a response, its odds ratios, its AUC on
  later (held-out) months and the number of valuable customers now at risk.

No summary or finding ever names a customer: they carry counts only.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from fbresearch import metrics as kpi
from fbresearch import results
from fbresearch.errors import AnalysisError, FeedbackDataError
from fbresearch.results import Estimate, Finding, Result, format_number

__all__ = [
    "RFM_RULES",
    "MIN_RESPONSES",
    "SegmentResult",
    "RFMResult",
    "ClusterResult",
    "ProfileResult",
    "MigrationResult",
    "ChurnResult",
    "rfm_segments",
    "rfm_scores",
    "customer_features",
    "cluster_segments",
    "profile_segments",
    "profile_attributes",
    "segment_attributes",
    "segment_migration",
    "churn_risk",
    "attempt",
    "Unavailable",
]

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


# --------------------------------------------------------------------------------------------
# shared helpers


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
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "could not infer format": we count NaT
        return pd.to_datetime(values, errors="coerce")


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


def _pct(x: float, digits: int = 0) -> str:
    return format_number(x, digits, percent=True)


# --------------------------------------------------------------------------------------------
# results


@dataclass(frozen=True, eq=False)
class SegmentResult(Result):
    """Base of the segmentation results: ``table`` holds one row per segment.

    ``notes`` are plain sentences about the input (rows excluded and why, small segments) that
    ``summary()`` appends so a reader sees them.
    """

    notes: tuple[str, ...] = ()

    def _with_notes(self, text: str) -> str:
        return " ".join([text, *self.notes]).strip()

    def assign(
        self, frame: pd.DataFrame, customer: str = "customer_id", name: str = "segment"
    ) -> pd.DataFrame:
        """Return ``frame`` with each row's segment (by ``customer``) as a new column ``name``.

        Rows whose customer has no segment get a missing value.
        """
        labels = getattr(self, "labels", None)
        if labels is None:
            raise AnalysisError(f"{type(self).__name__} holds no per-customer segments to assign.")
        _require(
            frame, [customer], "frame", "pass the column that holds customer ids as customer=."
        )
        mapped = frame[customer].astype("string").map(labels)
        return frame.assign(**{name: mapped.astype(labels.dtype)})


@dataclass(frozen=True, eq=False)
class RFMResult(SegmentResult):
    """RFM scores and named segments.

    Attributes
    ----------
    table : DataFrame
        One row per segment in rule order: ``segment``, ``customers``, ``share``, ``revenue``,
        ``revenue_share``, ``recency_days``, ``frequency``, ``monetary`` (segment medians),
        ``description``.
    customers : DataFrame
        One row per customer (index: customer id): ``recency_days``, ``frequency``, ``monetary``,
        ``r``, ``f``, ``m``, ``fm``, ``rfm`` (e.g. ``"545"``) and ``segment``.
    labels : Series
        Customer id -> segment (ordered categorical).
    rules : DataFrame
        The rule table used.
    asof : Timestamp
        The last instant counted.
    excluded : dict
        Counts of order rows left out or netted: ``future``, ``returns``, ``zero``, ``missing``,
        and customers with ``returns_only``.
    """

    customers: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    labels: pd.Series = field(default_factory=pd.Series, repr=False)
    rules: pd.DataFrame = field(default_factory=lambda: RFM_RULES, repr=False)
    asof: pd.Timestamp | None = None
    excluded: dict = field(default_factory=dict)

    def summary(self) -> str:
        t = self.table[self.table["customers"] > 0]
        n = int(t["customers"].sum())
        top = t.sort_values("revenue_share", ascending=False).iloc[0]
        champ = t.set_index("segment").get("customers", pd.Series(dtype=float))
        risk = t[t["segment"].isin(["at risk", "can't lose"])]
        parts = [
            f"{n:,} customers with orders up to {self.asof:%Y-%m-%d} fall into {len(t)} RFM segments.",
            f"The largest share of revenue comes from {top['segment']} "
            f"({_pct(top['revenue_share'])} of revenue from {_pct(top['share'])} of customers).",
        ]
        if "champions" in champ.index:
            row = t.set_index("segment").loc["champions"]
            parts.append(
                f"Champions are {_pct(row['share'])} of customers and bring {_pct(row['revenue_share'])} of revenue."
            )
        if len(risk):
            parts.append(
                f"{int(risk['customers'].sum()):,} once-valuable customers have not bought for a long time "
                f"(at risk or can't lose; {_pct(risk['revenue_share'].sum())} of revenue)."
            )
        return self._with_notes(" ".join(parts))

    def findings(self) -> list[Finding]:
        t = self.table.set_index("segment")
        out = []
        risk = t.loc[[s for s in ("at risk", "can't lose") if s in t.index]]
        n = int(t["customers"].sum())
        k = int(risk["customers"].sum())
        if k:
            share = kpi.proportion(k, n, name="customers at risk or can't lose")
            out.append(
                Finding(
                    f"{_pct(share.estimate)} of customers ({k:,}) are once-valuable customers who have not "
                    f"bought for a long time; they brought {_pct(risk['revenue_share'].sum())} of revenue.",
                    estimate=share,
                    importance=0.6,
                    analysis="segmentation",
                )
            )
        return out

    def plot(self, ax=None):  # noqa: ANN001, ANN201
        from fbresearch.plots import plot_rfm_segments

        return plot_rfm_segments(self.table, ax=ax)


@dataclass(frozen=True, eq=False)
class ClusterResult(SegmentResult):
    """Behavioural clusters.

    Attributes
    ----------
    table : DataFrame
        One row per cluster: ``cluster`` (name), ``customers``, ``share``, then the cluster mean of
        every feature (original units) and ``<feature>_z`` (its mean in standard deviations from
        the overall mean, after any log transform).
    labels : Series
        Customer id -> cluster name (categorical); customers with a missing feature are absent.
    k : int
        Number of clusters.
    silhouette : DataFrame
        ``k``, ``silhouette`` for every candidate k (empty when k was given).
    stability : Estimate
        Mean adjusted Rand index between the clustering with ``seed`` and those with other seeds
        (1 = identical partitions), with its range across seeds as the interval.
    features : tuple of str
    logged : tuple of str
        Features log-transformed (``log1p``) before standardizing.
    """

    labels: pd.Series = field(default_factory=pd.Series, repr=False)
    k: int = 0
    silhouette: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    stability: Estimate | None = None
    features: tuple[str, ...] = ()
    logged: tuple[str, ...] = ()

    def summary(self) -> str:
        t = self.table
        names = "; ".join(f"{r.cluster} ({_pct(r.share)})" for r in t.itertuples())
        text = f"k-means finds {self.k} customer groups: {names}."
        if len(self.silhouette):
            best = self.silhouette.loc[self.silhouette["k"] == self.k, "silhouette"].iloc[0]
            text += f" {self.k} groups separate best (silhouette {best:.2f})."
        if self.stability is not None:
            s = self.stability.estimate
            word = "stable" if s >= 0.8 else "fairly stable" if s >= 0.6 else "not stable"
            text += (
                f" The grouping is {word} across random starts "
                f"(adjusted Rand index {s:.2f}; 1 means identical)."
            )
        return self._with_notes(text)

    def findings(self) -> list[Finding]:
        return [
            Finding(self.summary().split(". ")[0] + ".", importance=0.4, analysis="segmentation")
        ]

    def plot(self, ax=None):  # noqa: ANN001, ANN201
        from fbresearch.plots import plot_cluster_profiles

        return plot_cluster_profiles(self.table, self.features, ax=ax)


@dataclass(frozen=True, eq=False)
class ProfileResult(SegmentResult):
    """Satisfaction by segment, each segment against the rest of the respondents.

    Attributes
    ----------
    table : DataFrame
        One row per segment and metric: ``segment``, ``metric`` (``"NPS"``, ``"CSAT"``,
        ``"CSAT mean"``), ``n``, ``share`` (of responses with that metric), ``estimate``,
        ``ci_low``, ``ci_high``, ``rest``, ``difference``, ``diff_low``, ``diff_high``,
        ``p_value``, ``p_holm`` (Holm-adjusted over the segments, per metric), ``significant``
        (Holm p < alpha and at least ``MIN_RESPONSES`` responses), ``small_sample``, ``top_topics``.
    estimates : dict
        (segment, metric) -> Estimate of the segment's score; (segment, metric, "diff") -> Estimate
        of the difference from the rest (``p_value`` unadjusted).
    topics : DataFrame
        ``segment``, ``topic``, ``count``, ``share``, ``share_rest``, ``lift`` (empty without topics).
    """

    estimates: dict = field(default_factory=dict, repr=False)
    topics: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    segment: str = "segment"
    alpha: float = 0.05

    def summary(self) -> str:
        t = self.table
        parts = []
        for metric in t["metric"].unique():
            rows = t[t["metric"] == metric]
            sig = rows[rows["significant"]]
            if len(sig):
                bits = [
                    f"{r.segment} {'higher' if r.difference > 0 else 'lower'} by "
                    f"{_diff_text(r.difference, metric)} ({_diff_text(r.diff_low, metric)} to "
                    f"{_diff_text(r.diff_high, metric)})"
                    for r in sig.itertuples()
                ]
                parts.append(
                    f"{metric}: {len(sig)} of {len(rows)} segments differ from the rest after Holm "
                    f"correction: {'; '.join(bits)}."
                )
            else:
                parts.append(
                    f"{metric}: no segment differs significantly from the rest after Holm correction."
                )
        small = sorted(set(t.loc[t["small_sample"], "segment"]))
        if small:
            parts.append(
                f"Fewer than {MIN_RESPONSES} responses in {', '.join(small)}: too few to say; "
                "their figures are shown for completeness only."
            )
        return self._with_notes(" ".join(parts))

    def findings(self) -> list[Finding]:
        out = []
        for r in self.table[self.table["significant"]].itertuples():
            est = self.estimates[(r.segment, r.metric, "diff")]
            out.append(
                Finding(
                    f"{r.metric} among {r.segment} is {_diff_text(abs(r.difference), r.metric)} "
                    f"{'higher' if r.difference > 0 else 'lower'} than among other customers "
                    f"({_diff_text(r.diff_low, r.metric)} to {_diff_text(r.diff_high, r.metric)}, "
                    "Holm-corrected test).",
                    estimate=est,
                    importance=min(
                        0.9, 0.5 + abs(r.difference) / (100 if r.metric == "NPS" else 1)
                    ),
                    analysis="segmentation",
                )
            )
        return out

    def plot(self, ax=None, metric: str = "NPS"):  # noqa: ANN001, ANN201
        from fbresearch.plots import plot_segment_scores

        return plot_segment_scores(self.table[self.table["metric"] == metric], ax=ax)


def _diff_text(value: float, metric: str) -> str:
    if metric == "CSAT":
        return f"{100 * value:.1f} pp"
    if metric == "NPS":
        return f"{value:.1f} points"
    return f"{value:.2f}"


@dataclass(frozen=True, eq=False)
class MigrationResult(SegmentResult):
    """Customers' moves between RFM segments from one date to another.

    Attributes
    ----------
    table : DataFrame
        Tidy transitions: ``previous``, ``current``, ``customers``, ``share_of_previous``.
        ``previous`` is ``"(new customer)"`` for customers without orders at the earlier date.
    matrix : DataFrame
        Counts, previous segments as rows, current segments as columns.
    asof_previous, asof_current : Timestamp
    """

    matrix: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    asof_previous: pd.Timestamp | None = None
    asof_current: pd.Timestamp | None = None

    def summary(self) -> str:
        t = self.table
        old = t[t["previous"] != NEW_CUSTOMER]
        stayed = int(old.loc[old["previous"] == old["current"], "customers"].sum())
        total = int(old["customers"].sum())
        new = int(t.loc[t["previous"] == NEW_CUSTOMER, "customers"].sum())
        moves = old[old["previous"] != old["current"]].nlargest(2, "customers")
        text = (
            f"Between {self.asof_previous:%Y-%m-%d} and {self.asof_current:%Y-%m-%d}, "
            f"{_pct(stayed / total if total else math.nan)} of existing customers stayed in their segment "
            f"and {new:,} new customers arrived."
        )
        if len(moves):
            text += (
                " Largest moves: "
                + "; ".join(
                    f"{int(r.customers):,} from {r.previous} to {r.current}"
                    for r in moves.itertuples()
                )
                + "."
            )
        return self._with_notes(text)

    def plot(self, ax=None):  # noqa: ANN001, ANN201
        from fbresearch.plots import plot_segment_migration

        return plot_segment_migration(self.matrix, ax=ax)


NEW_CUSTOMER = "(new customer)"


@dataclass(frozen=True, eq=False)
class ChurnResult(SegmentResult):
    """A logistic model of lapsing after a response.

    Attributes
    ----------
    table : DataFrame
        Odds ratios: ``term``, ``odds_ratio``, ``ci_low``, ``ci_high``, ``p_value``, ``meaning``.
    odds_ratios : dict
        term -> Estimate (unit ``"ratio"``).
    auc : Estimate
        Area under the ROC curve on the held-out (later) months, Hanley-McNeil interval.
    lapse_rate : Estimate
        Share of labelled responses followed by a lapse.
    window_days : int
    n_train, n_test : int
        Responses used to fit and to test the held-out model.
    test_months : tuple of str
    at_risk_count, high_value_count : int
        High-value customers with a recent response, no order since, and predicted lapse risk at
        least ``risk_threshold``; all high-value customers with such an open response.
    at_risk : Series
        Customer id -> predicted risk for those at risk (for a CRM hand-off; never in a summary).
    """

    odds_ratios: dict = field(default_factory=dict, repr=False)
    auc: Estimate | None = None
    lapse_rate: Estimate | None = None
    window_days: int = 90
    n_train: int = 0
    n_test: int = 0
    test_months: tuple[str, ...] = ()
    at_risk_count: int = 0
    high_value_count: int = 0
    risk_threshold: float = 0.5
    at_risk: pd.Series = field(default_factory=pd.Series, repr=False)
    model: Any = field(default=None, repr=False)

    def summary(self) -> str:
        parts = [
            f"{_pct(self.lapse_rate.estimate)} of customers who answered did not order again within "
            f"{self.window_days} days."
        ]
        for term in ("detractor", "passive"):
            if term in self.odds_ratios:
                e = self.odds_ratios[term]
                parts.append(
                    f"{'Detractors' if term == 'detractor' else 'Passives'} had {e.estimate:.2f} times the odds of "
                    f"lapsing ({e.ci_low:.2f} to {e.ci_high:.2f}) of promoters with the same recent orders."
                )
        if self.auc is not None and not math.isnan(self.auc.estimate):
            parts.append(
                f"On later months the model had not seen, it ranks a lapsing customer above a staying one "
                f"{_pct(self.auc.estimate)} of the time (AUC {self.auc.format(2)}; 50% is a coin toss)."
            )
        parts.append(
            f"{self.at_risk_count:,} of {self.high_value_count:,} high-value customers who answered recently "
            f"and have not ordered since have a predicted lapse risk of {_pct(self.risk_threshold)} or more."
        )
        return self._with_notes(" ".join(parts))

    def findings(self) -> list[Finding]:
        out = []
        if "detractor" in self.odds_ratios:
            e = self.odds_ratios["detractor"]
            out.append(
                Finding(
                    f"Detractors had {e.estimate:.1f} times the odds of promoters of not ordering again within "
                    f"{self.window_days} days (odds ratio {e.format(2)}).",
                    estimate=e,
                    importance=0.7 if e.significant else 0.3,
                    analysis="segmentation",
                )
            )
        out.append(
            Finding(
                f"{self.at_risk_count:,} high-value customers who answered recently are at risk of lapsing.",
                importance=0.6,
                analysis="segmentation",
            )
        )
        return out

    def plot(self, ax=None):  # noqa: ANN001, ANN201
        from fbresearch.plots import plot_odds_ratios

        return plot_odds_ratios(self.table, ax=ax)


# --------------------------------------------------------------------------------------------
# RFM


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


# --------------------------------------------------------------------------------------------
# customer features and clusters

#: Words for a cluster whose mean of a feature is high / low (features not listed use the name).
FEATURE_WORDS: dict[str, tuple[str, str]] = {
    "recency_days": ("lapsed", "recent"),
    "orders": ("frequent", "infrequent"),
    "frequency": ("frequent", "infrequent"),
    "spend": ("high spenders", "low spenders"),
    "monetary": ("high spenders", "low spenders"),
    "avg_order_value": ("big baskets", "small baskets"),
    "tenure_days": ("long-standing", "newer"),
    "nps_mean": ("promoters", "detractors"),
    "csat_mean": ("high satisfaction", "low satisfaction"),
    "ces_mean": ("easy experience", "high effort"),
    "responses": ("vocal", "quiet"),
}


#: Counts and money: multiplicative scales, log-transformed by ``log="auto"``.
_LOG_FEATURES = {"orders", "frequency", "spend", "monetary", "avg_order_value", "responses"}
#: Days and score means: kept on their own scale by ``log="auto"``.
_LINEAR_FEATURES = {"recency_days", "tenure_days", "nps_mean", "csat_mean", "ces_mean"}


def customer_features(
    orders: pd.DataFrame,
    feedback: pd.DataFrame | None = None,
    asof: Any = None,
    customer: str = "customer_id",
    date: str = "order_date",
    amount: str = "amount",
    submitted: str = "submitted_at",
    scores: Sequence[str] = ("nps", "csat"),
) -> pd.DataFrame:
    """One row per customer of behavioural and attitudinal features, for :func:`cluster_segments`.

    Behaviour (from orders up to ``asof``; returns netted as in :func:`rfm_segments`):
    ``recency_days``, ``orders`` (purchases), ``spend`` (net), ``avg_order_value``,
    ``tenure_days`` (days since the first purchase). Attitude (from feedback up to ``asof``):
    ``responses`` and ``<score>_mean`` for each of ``scores``. Customers with feedback but no
    purchase are kept with ``orders = 0``, ``spend = 0`` and missing recency and tenure
    (``has_orders`` is False), so :func:`cluster_segments` leaves them out and says so.

    Examples
    --------
    >>> orders = pd.DataFrame({"customer_id": ["a", "a", "b"], "amount": [10.0, 30.0, 5.0],
    ...                        "order_date": pd.to_datetime(["2026-01-01", "2026-01-21", "2026-01-31"])})
    >>> fb = pd.DataFrame({"customer_id": ["a", "c"], "nps": [9, 3], "csat": [5, 2],
    ...                    "submitted_at": pd.to_datetime(["2026-01-22", "2026-01-10"])})
    >>> f = customer_features(orders, fb)
    >>> f.loc["a", ["recency_days", "orders", "spend", "tenure_days", "nps_mean"]].tolist()
    [10.0, 2.0, 40.0, 30.0, 9.0]
    >>> bool(f.loc["c", "has_orders"])
    False
    """
    data, _ = _clean_orders(orders, customer, date, amount)
    asof_ts = _asof_timestamp(asof, data["date"])
    data = data.loc[(data["date"] <= asof_ts) & (data["amount"] != 0)]
    purchases = data.loc[data["amount"] > 0]
    asof_day = asof_ts.normalize()
    g = purchases.groupby("customer")
    out = pd.DataFrame(
        {
            "recency_days": (asof_day - g["date"].max().dt.normalize()).dt.days,
            "orders": g.size(),
            "tenure_days": (asof_day - g["date"].min().dt.normalize()).dt.days,
        }
    )
    spend = data.groupby("customer")["amount"].sum().clip(lower=0)
    out = out.join(spend.rename("spend"), how="outer")
    if feedback is not None:
        _require(
            feedback,
            [customer, submitted],
            "feedback",
            f"pass feedback with {customer!r} and {submitted!r}.",
        )
        fb = feedback.loc[pd.to_datetime(feedback[submitted]) <= asof_ts]
        fb = fb.loc[fb[customer].notna()]
        agg = {"responses": fb.groupby(fb[customer].astype("string")).size()}
        for s in scores:
            if s in fb.columns:
                vals = pd.to_numeric(fb[s], errors="coerce").astype(float)
                agg[f"{s}_mean"] = vals.groupby(fb[customer].astype("string")).mean()
        out = out.join(pd.DataFrame(agg), how="outer")
        out["responses"] = out["responses"].fillna(0)
    out["orders"] = out["orders"].fillna(0)
    out["spend"] = out["spend"].fillna(0.0)
    out["has_orders"] = out["orders"] > 0
    out["avg_order_value"] = out["spend"] / out["orders"].where(out["orders"] > 0)
    out.index = out.index.astype("string").rename(customer)
    cols = ["recency_days", "orders", "spend", "avg_order_value", "tenure_days"]
    cols += [c for c in out.columns if c not in cols and c != "has_orders"] + ["has_orders"]
    return out[cols].astype({c: float for c in cols if c != "has_orders"})


def cluster_segments(
    frame: pd.DataFrame,
    features: Sequence[str],
    k: int | None = None,
    seed: int = 0,
    k_range: tuple[int, int] = (2, 8),
    log: Sequence[str] | str = "auto",
    n_seeds: int = 4,
    sample_size: int = 20_000,
) -> ClusterResult:
    """k-means customer groups on standardized features, with k chosen by silhouette.

    Steps: (1) rows with a missing feature are left out (counted); (2) counts and money are
    log-transformed (``log1p``; ``log="auto"`` picks ``orders``, ``spend`` and the other count and
    money columns of :func:`customer_features`, plus any other non-negative feature with skewness
    above 1, but never days or score means), so a few big spenders do not become a cluster of their
    own; (3) every feature is standardized
    (mean 0, SD 1) so each weighs the same; (4) for each k in ``k_range`` (inclusive) scikit-learn's
    ``KMeans`` is fitted to a random sample of at most ``sample_size`` customers and the mean
    silhouette computed on it; the best k is then fitted to all customers; (5) stability: the
    fit is repeated with ``n_seeds - 1`` other seeds on the same sample and compared with the
    main fit by the adjusted Rand index;
    (6) each cluster is named after the features where its mean is furthest from the overall mean
    (at least 0.5 SD), using :data:`FEATURE_WORDS`.

    Parameters
    ----------
    frame : DataFrame
        One row per customer (e.g. from :func:`customer_features`), index = customer id.
    features : sequence of str
        Columns to cluster on.
    k : int, optional
        Number of clusters; None chooses it by silhouette over ``k_range``.
    seed : int
        Random seed (k-means starts and the silhouette sample).
    log : "auto" or sequence of str
        Features to log-transform.

    Returns
    -------
    ClusterResult

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> frame = pd.DataFrame({"orders": np.r_[rng.normal(2, .3, 50), rng.normal(10, .3, 50)],
    ...                       "nps_mean": np.r_[rng.normal(8, .3, 50), rng.normal(3, .3, 50)]})
    >>> res = cluster_segments(frame, ["orders", "nps_mean"], seed=0)
    >>> res.k, sorted(res.table["cluster"])
    (2, ['frequent, detractors', 'infrequent, promoters'])
    """
    from sklearn.cluster import KMeans
    from sklearn.metrics import adjusted_rand_score, silhouette_score
    from sklearn.preprocessing import StandardScaler

    features = list(features)
    _require(
        frame,
        features,
        "frame",
        "build the customer table with fb.customer_features or name existing columns.",
    )
    data = frame[features].apply(pd.to_numeric, errors="coerce").astype(float)
    complete = data.notna().all(axis=1).to_numpy()
    notes = []
    if (~complete).any():
        worst = data.isna().sum().idxmax()
        notes.append(
            f"{int((~complete).sum()):,} customers with a missing feature (most often {worst}) were not clustered."
        )
    data = data.loc[complete]
    lo, hi = k_range
    if k is not None:
        lo = hi = int(k)
    if len(data) < max(hi + 1, 10):
        raise AnalysisError(
            f"clustering needs at least {max(hi + 1, 10)} customers with every feature; found {len(data)}."
            " Use fewer features or more customers."
        )
    constant = [c for c in features if data[c].std() == 0]
    if constant:
        raise AnalysisError(
            f"feature {constant[0]!r} is constant; it cannot separate groups. Drop it."
        )
    if log == "auto":
        logged = [
            c
            for c in features
            if data[c].min() >= 0
            and (c in _LOG_FEATURES or (c not in _LINEAR_FEATURES and data[c].skew() > 1))
        ]
    else:
        logged = list(log)
    x = data.copy()
    for c in logged:
        x[c] = np.log1p(x[c])
    z = StandardScaler().fit_transform(x.to_numpy())
    n = len(z)
    rng = np.random.default_rng(seed)
    sub = np.sort(rng.choice(n, sample_size, replace=False)) if n > sample_size else np.arange(n)

    silhouette = pd.DataFrame(columns=["k", "silhouette"])
    if k is None:
        rows = []
        for kk in range(lo, hi + 1):
            lab = KMeans(kk, n_init=4, random_state=seed).fit_predict(z[sub])
            rows.append(
                (
                    kk,
                    float(
                        silhouette_score(
                            z[sub], lab, sample_size=min(len(sub), 5000), random_state=seed
                        )
                    ),
                )
            )
        silhouette = pd.DataFrame(rows, columns=["k", "silhouette"])
        k = int(silhouette.loc[silhouette["silhouette"].idxmax(), "k"])
    main = KMeans(k, n_init=4, random_state=seed).fit(z)
    labels = main.labels_
    # stability on the same sample as the silhouette (at most sample_size customers): refits
    # with other seeds against the main fit's labels of those customers
    aris = [
        adjusted_rand_score(
            labels[sub], KMeans(k, n_init=4, random_state=seed + s).fit_predict(z[sub])
        )
        for s in range(1, max(n_seeds, 1))
    ]
    stability = (
        Estimate(
            float(np.mean(aris)),
            float(np.min(aris)),
            float(np.max(aris)),
            n=len(aris),
            name="adjusted Rand index",
        )
        if aris
        else None
    )

    centres_z = pd.DataFrame(main.cluster_centers_, columns=features)
    names = _cluster_names(centres_z)
    codes = pd.Categorical.from_codes(labels, categories=names)
    sizes = np.bincount(labels, minlength=k)
    means = data.groupby(labels).mean().reindex(range(k))
    table = pd.DataFrame({"cluster": names, "customers": sizes, "share": sizes / n})
    table = pd.concat([table, means.reset_index(drop=True), centres_z.add_suffix("_z")], axis=1)
    table = table.sort_values("customers", ascending=False, ignore_index=True)
    return ClusterResult(
        table=table,
        notes=tuple(notes),
        labels=pd.Series(codes, index=data.index.astype("string"), name="cluster"),
        k=k,
        silhouette=silhouette,
        stability=stability,
        features=tuple(features),
        logged=tuple(logged),
    )


def _cluster_names(centres_z: pd.DataFrame, threshold: float = 0.5, words: int = 2) -> list[str]:
    """Name each cluster by its most distinctive features (|z| >= threshold), unique names."""
    names: list[str] = []
    for _, row in centres_z.iterrows():
        top = row.abs().sort_values(ascending=False)
        parts = []
        for feat in top.index[:words]:
            if abs(row[feat]) < threshold:
                break
            high, low = FEATURE_WORDS.get(feat, (f"high {feat}", f"low {feat}"))
            parts.append(high if row[feat] > 0 else low)
        name = ", ".join(parts) if parts else "average"
        base, i = name, 2
        while name in names:
            name, i = f"{base} ({i})", i + 1
        names.append(name)
    return names


# --------------------------------------------------------------------------------------------
# satisfaction by segment


def profile_segments(
    frame: pd.DataFrame,
    segment: str,
    metrics: Sequence[str] = ("nps", "csat"),
    topic: str | None = None,
    confidence: float = 0.95,
    alpha: float = 0.05,
) -> ProfileResult:
    """NPS and CSAT by segment with CIs, each segment against the rest, Holm-corrected.

    For each segment and metric: the segment's score with its CI (from :mod:`fbresearch.metrics`),
    the rest's score, and the difference with a test:

    - NPS: the difference of two independent NPS, ``se = sqrt(se_segment**2 + se_rest**2)``,
      a z test and a Wald interval;
    - CSAT (the top-box share): a two-proportion z test (pooled, statsmodels
      ``proportions_ztest``) and a Newcombe interval for the difference
      (``confint_proportions_2indep``);
    - ``csat_mean`` (the mean 1-5 answer): Welch's t test.

    p-values are Holm-adjusted over the segments, per metric (statsmodels ``multipletests``).
    A segment with fewer than :data:`MIN_RESPONSES` responses is kept in the correction but is
    flagged ``small_sample`` and never marked significant. With ``topic`` (a column of topic
    labels), each segment's most over-represented topics (lift = share in the segment / share in
    the rest, at least 5 mentions) are listed.

    Parameters
    ----------
    frame : DataFrame
        One row per response with a ``segment`` column (e.g. from ``RFMResult.assign``).
    segment : str
        The column holding segment labels; rows without one are left out.
    metrics : sequence of {"nps", "csat", "csat_mean"}
    topic : str, optional

    Examples
    --------
    >>> frame = pd.DataFrame({"seg": ["a"] * 40 + ["b"] * 40,
    ...                       "nps": [10] * 30 + [3] * 10 + [10] * 10 + [3] * 30})
    >>> res = profile_segments(frame, "seg", metrics=("nps",))
    >>> res.table[["segment", "estimate", "difference", "significant"]].values.tolist()
    [['a', 50.0, 100.0, True], ['b', -50.0, -100.0, True]]
    """
    from statsmodels.stats.multitest import multipletests
    from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

    _require(frame, [segment], "frame", "add segments first, e.g. rfm.assign(feedback).")
    known = {"nps", "csat", "csat_mean"}
    bad = [m for m in metrics if m not in known]
    if bad:
        raise AnalysisError(f"unknown metric {bad[0]!r}; choose from {sorted(known)}.")
    _require(
        frame,
        [m.removesuffix("_mean") for m in metrics],
        "frame",
        "pass the score columns or fewer metrics.",
    )
    data = frame.loc[frame[segment].notna()]
    if data.empty:
        raise AnalysisError(f"no row has a value in {segment!r}; assign segments before profiling.")
    seg = data[segment].astype(str)
    order = (
        list(data[segment].cat.categories)
        if isinstance(data[segment].dtype, pd.CategoricalDtype)
        else sorted(seg.unique())
    )
    order = [s for s in map(str, order) if (seg == s).any()]
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    rows, estimates = [], {}
    for m in metrics:
        col = m.removesuffix("_mean")
        values = pd.to_numeric(data[col], errors="coerce").astype(float)
        ok = values.notna().to_numpy()
        total = int(ok.sum())
        for s in order:
            inside = (seg == s).to_numpy()
            a, b = values[inside & ok], values[~inside & ok]
            if m == "nps":
                name = "NPS"
                ea, eb = _nps(a, confidence), _nps(b, confidence)
                diff = ea.estimate - eb.estimate
                se = (
                    math.sqrt((ea.se or 0) ** 2 + (eb.se or 0) ** 2)
                    if len(a) and len(b)
                    else math.nan
                )
                p = float(2 * stats.norm.sf(abs(diff) / se)) if se and se > 0 else math.nan
                lo_d, hi_d = diff - z * se, diff + z * se
            elif m == "csat":
                name = "CSAT"
                ea, eb = kpi.csat(a, confidence=confidence), kpi.csat(b, confidence=confidence)
                xa, xb = int(np.isin(a, (4, 5)).sum()), int(np.isin(b, (4, 5)).sum())
                diff = ea.estimate - eb.estimate
                if len(a) and len(b) and 0 < xa + xb < len(a) + len(b):
                    p = float(proportions_ztest([xa, xb], [len(a), len(b)])[1])
                    lo_d, hi_d = confint_proportions_2indep(
                        xa, len(a), xb, len(b), method="newcomb", alpha=1 - confidence
                    )
                    se = math.sqrt(
                        ea.estimate * (1 - ea.estimate) / len(a)
                        + eb.estimate * (1 - eb.estimate) / len(b)
                    )
                else:
                    p, lo_d, hi_d, se = math.nan, math.nan, math.nan, math.nan
            else:
                name = "CSAT mean"
                ea, eb = (
                    kpi.mean(a, confidence, name="CSAT mean"),
                    kpi.mean(b, confidence, name="CSAT mean"),
                )
                diff = ea.estimate - eb.estimate
                if len(a) > 1 and len(b) > 1:
                    test = stats.ttest_ind(a, b, equal_var=False)
                    p = float(test.pvalue)
                    ci = test.confidence_interval(confidence)
                    lo_d, hi_d = float(ci.low), float(ci.high)
                    se = math.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
                else:
                    p, lo_d, hi_d, se = math.nan, math.nan, math.nan, math.nan
            estimates[(s, name)] = ea
            unit = "share" if m == "csat" else "points" if m == "nps" else ""
            estimates[(s, name, "diff")] = Estimate(
                float(diff),
                float(lo_d),
                float(hi_d),
                n=len(a),
                se=se,
                p_value=p,
                confidence=confidence,
                name=f"{name} difference",
                unit=unit,
            )
            rows.append(
                dict(
                    segment=s,
                    metric=name,
                    n=len(a),
                    share=len(a) / total if total else math.nan,
                    estimate=ea.estimate,
                    ci_low=ea.ci_low,
                    ci_high=ea.ci_high,
                    rest=eb.estimate,
                    difference=diff,
                    diff_low=float(lo_d),
                    diff_high=float(hi_d),
                    p_value=p,
                )
            )
    table = pd.DataFrame(rows)
    table["p_holm"] = np.nan
    for name in table["metric"].unique():
        sel = (table["metric"] == name) & table["p_value"].notna()
        if sel.any():
            table.loc[sel, "p_holm"] = multipletests(table.loc[sel, "p_value"], method="holm")[1]
    table["small_sample"] = table["n"] < MIN_RESPONSES
    table["significant"] = (table["p_holm"] < alpha) & ~table["small_sample"]

    topics = pd.DataFrame(columns=["segment", "topic", "count", "share", "share_rest", "lift"])
    table["top_topics"] = ""
    if topic is not None:
        _require(
            frame, [topic], "frame", "pass the column with topic labels as topic=, or topic=None."
        )
        topics = _topic_lift(seg, data[topic])
        tops = (
            topics.groupby("segment").apply(
                lambda g: ", ".join(g.nlargest(3, "lift")["topic"].astype(str)),
                include_groups=False,
            )
            if len(topics)
            else pd.Series(dtype=str)
        )
        table["top_topics"] = table["segment"].map(tops).fillna("")
    return ProfileResult(
        table=table, notes=(), estimates=estimates, topics=topics, segment=segment, alpha=alpha
    )


def segment_attributes(frame: pd.DataFrame, max_levels: int = 12) -> list[str]:
    """Columns that describe who answered (region, plan, age, ...), usable as segments.

    Kept: a column that is not canonical (ids, dates, scores, text), not an attribute rating
    and not a loader flag, with 2 to ``max_levels`` distinct values, or numeric with more
    (banded into quartiles by :func:`profile_attributes`). Free-text and id-like columns with
    more distinct values than ``max_levels`` are left out.

    Examples
    --------
    >>> frame = pd.DataFrame({"nps": [9, 3, 7, 10], "region": ["N", "S", "N", "S"],
    ...                       "age": [23, 35, 51, 62], "order_no": ["a", "b", "c", "d"]})
    >>> segment_attributes(frame, max_levels=3)
    ['region', 'age']
    """
    from fbresearch.schema import CANONICAL, FLAG_COLUMNS, RATING_PREFIX

    out = []
    for col in frame.columns:
        if col in CANONICAL or col in FLAG_COLUMNS or str(col).startswith(RATING_PREFIX):
            continue
        values = frame[col]
        if pd.api.types.is_datetime64_any_dtype(values) or pd.api.types.is_bool_dtype(values):
            continue
        levels = values.nunique(dropna=True)
        numeric = pd.api.types.is_numeric_dtype(values)
        if levels >= 2 and (levels <= max_levels or numeric):
            out.append(str(col))
    return out


def profile_attributes(
    frame: pd.DataFrame,
    attributes: Sequence[str] | None = None,
    metrics: Sequence[str] | None = None,
    confidence: float = 0.95,
    alpha: float = 0.05,
    max_levels: int = 12,
) -> ProfileResult:
    """Satisfaction by every segment attribute present, each level against the rest.

    The segmentation page's view when there are no orders (no RFM): one block of rows per
    attribute from :func:`segment_attributes` (numeric ones such as age in quartile bands),
    with the scores, CIs and tests of :func:`profile_segments`. The Holm correction runs over
    every level of every attribute together, per metric, since all of them are tested at once.

    Parameters
    ----------
    attributes : sequence of str, optional
        Default: :func:`segment_attributes` of ``frame``.
    metrics : sequence of {"nps", "csat", "csat_mean"}, optional
        Default: ``nps`` and ``csat``, those the frame has answers for.

    Examples
    --------
    >>> frame = pd.DataFrame({"region": ["N"] * 40 + ["S"] * 40,
    ...                       "nps": [10] * 30 + [3] * 10 + [10] * 10 + [3] * 30})
    >>> res = profile_attributes(frame)
    >>> res.table[["segment", "estimate", "significant"]].values.tolist()
    [['region: N', 50.0, True], ['region: S', -50.0, True]]
    """
    from statsmodels.stats.multitest import multipletests

    attributes = (
        list(attributes) if attributes is not None else segment_attributes(frame, max_levels)
    )
    if metrics is None:
        metrics = [m for m in ("nps", "csat") if m in frame and frame[m].notna().any()]
    if not attributes:
        raise AnalysisError(
            "no segment attribute to compare: add columns such as region, plan or age "
            f"(2 to {max_levels} distinct values), or an orders file for RFM segments."
        )
    if not metrics:
        raise AnalysisError(
            "no satisfaction score to compare: the data has no nps or csat answers."
        )
    tables, estimates = [], {}
    for attribute in attributes:
        values = frame[attribute]
        if pd.api.types.is_numeric_dtype(values) and values.nunique() > max_levels:
            bands = pd.qcut(values, 4, duplicates="drop")
            labels = [f"{iv.left:g}-{iv.right:g}" for iv in bands.cat.categories]
            values = bands.cat.rename_categories(labels)
        elif not isinstance(values.dtype, pd.CategoricalDtype):
            values = values.astype("string")
        named = frame.assign(_segment=values)
        if named["_segment"].notna().sum() == 0:
            continue
        res = profile_segments(
            named, "_segment", metrics=metrics, confidence=confidence, alpha=alpha
        )
        table = res.table.assign(attribute=attribute)
        table["segment"] = attribute + ": " + table["segment"].astype(str)
        tables.append(table)
        for key, est in res.estimates.items():
            estimates[(f"{attribute}: {key[0]}", *key[1:])] = est
    table = pd.concat(tables, ignore_index=True)
    table["p_holm"] = np.nan
    for name in table["metric"].unique():
        sel = (table["metric"] == name) & table["p_value"].notna()
        if sel.any():
            table.loc[sel, "p_holm"] = multipletests(table.loc[sel, "p_value"], method="holm")[1]
    table["significant"] = (table["p_holm"] < alpha) & ~table["small_sample"]
    return ProfileResult(
        table=table, notes=(), estimates=estimates, segment="attribute", alpha=alpha
    )


def _nps(values: pd.Series, confidence: float) -> Estimate:
    """``metrics.nps`` for a float Series (already cleaned of missing values)."""
    return (
        kpi.nps(values.astype(int), confidence=confidence)
        if len(values)
        else kpi.nps([], confidence)
    )


def _topic_lift(seg: pd.Series, topic: pd.Series, min_count: int = 5) -> pd.DataFrame:
    """Share of each topic within each segment against the rest; topics with lift > 1 only."""
    ok = topic.notna().to_numpy()
    seg, topic = seg[ok], topic[ok].astype(str)
    counts = pd.crosstab(seg, topic)
    n_seg = counts.sum(axis=1)
    rest_counts = counts.sum(axis=0) - counts
    share = counts.div(n_seg, axis=0)
    share_rest = rest_counts.div(n_seg.sum() - n_seg, axis=0)
    out = pd.DataFrame(
        {
            "count": counts.stack(),
            "share": share.stack(),
            "share_rest": share_rest.stack(),
        }
    ).reset_index()
    out.columns = ["segment", "topic", "count", "share", "share_rest"]
    out["lift"] = out["share"] / out["share_rest"]
    out = out[(out["count"] >= min_count) & (out["lift"] > 1)]
    return out.sort_values(["segment", "lift"], ascending=[True, False], ignore_index=True)


# --------------------------------------------------------------------------------------------
# migration


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


# --------------------------------------------------------------------------------------------
# churn risk


def churn_risk(
    feedback: pd.DataFrame,
    orders: pd.DataFrame,
    asof: Any = None,
    window_days: int = 90,
    holdout_months: int = 3,
    customer: str = "customer_id",
    submitted: str = "submitted_at",
    date: str = "order_date",
    amount: str = "amount",
    high_value_share: float = 0.2,
    risk_threshold: float | None = None,
) -> ChurnResult:
    """A logistic model of lapsing after a response, with odds ratios, held-out AUC and risk counts.

    Outcome: a response *lapses* when its customer places no purchase in the ``window_days``
    after it. Only responses whose window has closed by ``asof`` are labelled.
    Predictors (statsmodels ``Logit``, standard errors clustered by customer because one customer
    can answer many times): ``detractor`` (NPS 0-6) and ``passive`` (7-8) against promoters,
    ``csat`` (per point, 1-5), and behaviour before the response: ``log_orders`` (log1p of
    purchases in the previous 365 days) and ``log_recency`` (log1p of days since the last
    purchase; 365 when none that year). Responses without NPS or CSAT are left out.

    Odds ratios come from the fit on every labelled response. Discrimination: the model is
    refitted on all labelled months but the last ``holdout_months`` and its AUC measured on those
    later months (Hanley-McNeil interval). At-risk count: customers in the top ``high_value_share``
    by spend over the year before ``asof`` whose latest response falls in the last ``window_days``
    (window still open), with no purchase since it, and a predicted risk of at least
    ``risk_threshold`` (default: twice the observed lapse rate, at most 0.5).

    Examples
    --------
    >>> from fbresearch.segments import _toy_churn_data
    >>> fbk, orders = _toy_churn_data()
    >>> res = churn_risk(fbk, orders, asof="2026-10")
    >>> res.odds_ratios["detractor"].estimate > 1
    True
    """
    import statsmodels.formula.api as smf
    from sklearn.metrics import roc_auc_score

    data, excluded = _clean_orders(orders, customer, date, amount)
    asof_ts = _asof_timestamp(asof, data["date"])
    purchases = data.loc[(data["amount"] > 0) & (data["date"] <= asof_ts)].sort_values("date")
    _require(
        feedback,
        [customer, submitted, "nps", "csat"],
        "feedback",
        "churn risk needs customer ids, response dates, NPS and CSAT.",
    )
    fb = pd.DataFrame(
        {
            "customer": feedback[customer].astype("string"),
            "t": pd.to_datetime(feedback[submitted], errors="coerce"),
            "nps": pd.to_numeric(feedback["nps"], errors="coerce").astype(float),
            "csat": pd.to_numeric(feedback["csat"], errors="coerce").astype(float),
        }
    ).dropna()
    fb = fb.loc[fb["t"] <= asof_ts]
    buyers = set(purchases["customer"].unique())
    no_orders = int((~fb["customer"].isin(buyers)).sum())
    fb = fb.loc[fb["customer"].isin(buyers)].sort_values("t").reset_index(drop=True)
    if fb.empty:
        raise AnalysisError(
            "no response with NPS and CSAT comes from a customer with orders; churn risk needs both."
        )

    # history at t: cumulative purchases per customer, looked up with merge_asof (vectorized)
    hist = purchases[["customer", "date", "amount"]].assign(
        cum=purchases.groupby("customer").cumcount() + 1
    )
    before = pd.merge_asof(
        fb,
        hist.rename(columns={"date": "last"}),
        left_on="t",
        right_on="last",
        by="customer",
        allow_exact_matches=True,
        direction="backward",
    )
    year_ago = pd.merge_asof(
        fb.assign(t0=fb["t"] - pd.Timedelta(days=365)),
        hist[["customer", "date", "cum"]].rename(columns={"date": "d0", "cum": "cum0"}),
        left_on="t0",
        right_on="d0",
        by="customer",
        direction="backward",
    )
    after = pd.merge_asof(
        fb,
        hist[["customer", "date"]].rename(columns={"date": "next"}),
        left_on="t",
        right_on="next",
        by="customer",
        allow_exact_matches=False,
        direction="forward",
    )
    recency = (fb["t"] - before["last"]).dt.days.clip(upper=365).fillna(365)
    prior = (before["cum"].fillna(0) - year_ago["cum0"].fillna(0)).clip(lower=0)
    closes = fb["t"] + pd.Timedelta(days=window_days)
    model_data = pd.DataFrame(
        {
            "customer": fb["customer"],
            "month": fb["t"].dt.to_period("M").astype(str),
            "lapsed": (after["next"].isna() | (after["next"] > closes)).astype(float),
            "detractor": (fb["nps"] <= 6).astype(float),
            "passive": fb["nps"].between(7, 8).astype(float),
            "csat": fb["csat"],
            "log_orders": np.log1p(prior),
            "log_recency": np.log1p(recency),
            "closed": closes <= asof_ts,
        }
    )
    labelled = model_data.loc[model_data["closed"]]
    if len(labelled) < 50 or labelled["lapsed"].nunique() < 2:
        raise AnalysisError(
            f"only {len(labelled)} responses have a closed {window_days}-day window (or all had the same outcome);"
            " churn risk needs more history before the report date."
        )
    formula = "lapsed ~ detractor + passive + csat + log_orders + log_recency"
    groups = pd.factorize(labelled["customer"])[0]
    fit = smf.logit(formula, labelled).fit(disp=0, cov_type="cluster", cov_kwds={"groups": groups})
    ci = fit.conf_int()
    meaning = {
        "detractor": "NPS 0-6 vs promoters (9-10)",
        "passive": "NPS 7-8 vs promoters (9-10)",
        "csat": "per CSAT point (1-5)",
        "log_orders": "per unit of log(1 + orders in the past year)",
        "log_recency": "per unit of log(1 + days since last order)",
    }
    odds = {}
    rows = []
    for term in meaning:
        e = Estimate(
            float(np.exp(fit.params[term])),
            float(np.exp(ci.loc[term, 0])),
            float(np.exp(ci.loc[term, 1])),
            n=int(fit.nobs),
            se=float(fit.bse[term]),
            p_value=float(fit.pvalues[term]),
            name=f"odds ratio: {term}",
            unit="ratio",
        )
        odds[term] = e
        rows.append(
            dict(
                term=term,
                odds_ratio=e.estimate,
                ci_low=e.ci_low,
                ci_high=e.ci_high,
                p_value=e.p_value,
                meaning=meaning[term],
            )
        )

    months = sorted(labelled["month"].unique())
    notes = []
    auc = Estimate(math.nan, math.nan, math.nan, n=0, name="AUC")
    n_train = n_test = 0
    test_months: tuple[str, ...] = ()
    if len(months) > holdout_months:
        test_months = tuple(months[-holdout_months:])
        train = labelled.loc[~labelled["month"].isin(test_months)]
        test = labelled.loc[labelled["month"].isin(test_months)]
        n_train, n_test = len(train), len(test)
        if train["lapsed"].nunique() == 2 and test["lapsed"].nunique() == 2:
            held = smf.logit(formula, train).fit(disp=0)
            score = roc_auc_score(test["lapsed"], held.predict(test))
            auc = _auc_estimate(score, int(test["lapsed"].sum()), int((1 - test["lapsed"]).sum()))
    else:
        notes.append(
            f"Too few months ({len(months)}) with a closed window to hold any out; AUC not measured."
        )

    # at risk now: open windows, no purchase since the response, high value
    spend = (
        purchases.loc[purchases["date"] > asof_ts - pd.Timedelta(days=365)]
        .groupby("customer")["amount"]
        .sum()
    )
    cutoff = spend.quantile(1 - high_value_share) if len(spend) else math.inf
    open_ = model_data.loc[~model_data["closed"]]
    latest = open_.groupby("customer").tail(1)
    no_order_since = after.loc[latest.index, "next"].isna().to_numpy()
    latest = latest.loc[no_order_since]
    high = latest["customer"].map(spend).fillna(0).to_numpy() >= cutoff
    latest = latest.loc[high]
    lapses = int(labelled["lapsed"].sum())
    if risk_threshold is None:
        risk_threshold = min(0.5, 2 * lapses / len(labelled))
    risk = fit.predict(latest) if len(latest) else pd.Series(dtype=float)
    at_risk = pd.Series(np.asarray(risk), index=latest["customer"].to_numpy(), name="risk")
    at_risk = at_risk[at_risk >= risk_threshold].sort_values(ascending=False)
    if no_orders:
        notes.append(f"{no_orders:,} responses from customers with no orders were left out.")
    return ChurnResult(
        table=pd.DataFrame(rows),
        notes=tuple(notes),
        odds_ratios=odds,
        auc=auc,
        lapse_rate=kpi.proportion(lapses, len(labelled), name="lapse rate"),
        window_days=window_days,
        n_train=n_train,
        n_test=n_test,
        test_months=test_months,
        at_risk_count=len(at_risk),
        high_value_count=int(high.sum()),
        risk_threshold=risk_threshold,
        at_risk=at_risk,
        model=fit,
    )


def _auc_estimate(auc: float, n_pos: int, n_neg: int, confidence: float = 0.95) -> Estimate:
    """AUC with the Hanley & McNeil (1982) standard error.

    Written out because neither scikit-learn nor statsmodels gives an AUC standard error; the
    formula is three lines.
    """
    q1, q2 = auc / (2 - auc), 2 * auc**2 / (1 + auc)
    var = (auc * (1 - auc) + (n_pos - 1) * (q1 - auc**2) + (n_neg - 1) * (q2 - auc**2)) / (
        n_pos * n_neg
    )
    se = math.sqrt(max(var, 0.0))
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    return Estimate(
        float(auc),
        max(auc - z * se, 0.0),
        min(auc + z * se, 1.0),
        n=n_pos + n_neg,
        se=se,
        name="AUC",
    )


def _toy_churn_data(n_customers: int = 1500, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Small generated feedback and orders in which detractors lapse more (for examples/tests).

    Each customer orders once or twice in the months before answering once, at a random day of
    2025-05 to 2026-10; afterwards a detractor (NPS 0-6) orders again within 90 days with
    probability 0.35, anyone else with probability 0.75 (so the true odds ratio is about 5.6).
    """
    rng = np.random.default_rng(seed)
    n = n_customers
    ids = np.array([f"c{i:04d}" for i in range(n)])
    t = pd.Timestamp("2025-05-01") + pd.to_timedelta(rng.integers(0, 549, n), "D")
    nps = rng.choice(11, n, p=[0.04, 0.03, 0.04, 0.05, 0.05, 0.07, 0.1, 0.12, 0.15, 0.17, 0.18])
    csat = np.clip(np.round(1 + nps / 2.5 + rng.normal(0, 0.7, n)), 1, 5)
    feedback = pd.DataFrame({"customer_id": ids, "submitted_at": t, "nps": nps, "csat": csat})
    first = t - pd.to_timedelta(rng.integers(1, 200, n), "D")
    second = rng.random(n) < 0.5
    buys = rng.random(n) < np.where(nps <= 6, 0.35, 0.75)
    after = t + pd.to_timedelta(rng.integers(1, 90, n), "D")
    dates = np.concatenate([first, (first + (t - first) / 2)[second], after[buys]])
    who = np.concatenate([ids, ids[second], ids[buys]])
    orders = pd.DataFrame(
        {"customer_id": who, "order_date": dates, "amount": rng.gamma(2, 30, len(who)).round(2)}
    )
    return feedback, orders


# --------------------------------------------------------------------------------------------
# notebooks: a clear message instead of a traceback


@dataclass(frozen=True, eq=False)
class Unavailable(results.Unavailable, SegmentResult):
    """An unavailable segmentation result: ``assign`` gives None, so that a later
    :func:`attempt` on it reports the missing input instead of failing."""

    def assign(
        self, frame: pd.DataFrame, customer: str = "customer_id", name: str = "segment"
    ) -> None:
        return None


def attempt(
    analysis: Any, *args: Any, what: str = "This analysis", needs: str | None = None, **kwargs: Any
) -> Result:
    """:func:`fbresearch.results.attempt` with a segmentation-aware stand-in (see ``Unavailable``).

    Examples
    --------
    >>> res = attempt(rfm_segments, pd.DataFrame({"customer_id": ["a"], "order_date": ["2026-01-02"],
    ...                                           "amount": [5.0]}), what="RFM segmentation")
    >>> res.summary()  # doctest: +ELLIPSIS
    'RFM segmentation could not run: RFM scores rank customers against each other...'
    """
    return results.attempt(
        analysis, *args, what=what, unavailable=Unavailable, needs=needs, **kwargs
    )
