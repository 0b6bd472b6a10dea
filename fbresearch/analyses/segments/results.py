"""Frozen results of the segmentation analyses.

``summary()`` and ``findings()`` delegate to :mod:`fbresearch.analyses.segments.narrative`,
``plot()`` to :mod:`fbresearch.present.plots.segments` (both imported inside the method, so this
module depends on the base only).

Examples
--------
>>> res = SegmentResult(table=pd.DataFrame(), notes=("One note.",))
>>> res.notes
('One note.',)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from fbresearch.analyses.segments.common import RFM_RULES
from fbresearch.errors import AnalysisError
from fbresearch.results import Estimate, Finding, Result, Unavailable

__all__ = [
    "SegmentResult",
    "RFMResult",
    "ClusterResult",
    "ProfileResult",
    "MigrationResult",
    "ChurnResult",
]


@dataclass(frozen=True, eq=False)
class SegmentResult(Result):
    """Base of the segmentation results: ``table`` holds one row per segment.

    ``notes`` are plain sentences about the input (rows excluded and why, small segments) that
    ``summary()`` appends so a reader sees them.
    """

    notes: tuple[str, ...] = ()

    def assign(
        self, frame: pd.DataFrame, customer: str = "customer_id", name: str = "segment"
    ) -> pd.DataFrame | Unavailable:
        """Return ``frame`` with each row's segment (by ``customer``) as a new column ``name``.

        Rows whose customer has no segment get a missing value. A feedback ``frame`` without
        the ``customer`` column gives an :class:`~fbresearch.results.Unavailable` that says so
        (a page passes it on to the next analysis, which repeats the reason).

        Examples
        --------
        >>> res = SegmentResult(table=pd.DataFrame())
        >>> object.__setattr__(res, "labels", pd.Series({"c1": "loyal"}))
        >>> res.assign(pd.DataFrame({"customer_id": ["c1", "c2"]}))["segment"].tolist()
        ['loyal', nan]
        >>> res.assign(pd.DataFrame({"nps": [9]})).reason  # doctest: +NORMALIZE_WHITESPACE
        "it needs a customer identifier on each response to match responses to customers'
        segments. Fix: map the customer column to 'customer_id' (params columns:)."
        """
        labels = getattr(self, "labels", None)
        if labels is None:
            raise AnalysisError(f"{type(self).__name__} holds no per-customer segments to assign.")
        if customer not in frame.columns:
            reason = (
                "it needs a customer identifier on each response to match responses to "
                f"customers' segments. Fix: map the customer column to {customer!r} (params "
                "columns:)."
            )
            return Unavailable(
                table=pd.DataFrame(), message=f"Segments are not shown: {reason}", reason=reason
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

    def caption(self) -> str:
        from fbresearch.analyses.segments import narrative

        return narrative.rfm_caption(self)

    def plot_caption(self) -> str:
        from fbresearch.analyses.segments import narrative

        return narrative.rfm_plot_caption(self)

    def summary(self) -> str:
        from fbresearch.analyses.segments import narrative

        return narrative.rfm_summary(self)

    def findings(self) -> list[Finding]:
        from fbresearch.analyses.segments import narrative

        return narrative.rfm_findings(self)

    def plot(self, ax=None):  # noqa: ANN001, ANN201
        from fbresearch.present.plots.segments import plot_rfm_segments

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
        Number of clusters; 1 when the data show no clear groups (one row, no group named).
    silhouette : DataFrame
        ``k``, ``silhouette`` for every candidate k (empty when k was given).
    stability : Estimate or None
        Mean adjusted Rand index between the clustering with ``seed`` and those with other seeds
        (1 = identical partitions). Its bounds are the lowest and highest rerun (a range, not a
        confidence interval: ``confidence`` is NaN, the name says over how many reruns). None
        for k = 1.
    groups_p_value : float
        Monte Carlo p-value of "no groups": the share of reference draws without groups (plus
        one) that separate at least as well as the data; NaN when k was given.
    null_observed : float
        Best silhouette of the data's subsample of the same size as each reference draw.
    null_silhouette : tuple of float
        Best silhouette of each reference draw made.
    null_draws : int
        Reference draws made (they stop once "no clear groups" is settled).
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
    groups_p_value: float = math.nan
    null_observed: float = math.nan
    null_silhouette: tuple[float, ...] = ()
    null_draws: int = 0

    def caption(self) -> str:
        from fbresearch.analyses.segments import narrative

        return narrative.cluster_caption(self)

    def plot_caption(self) -> str:
        from fbresearch.analyses.segments import narrative

        return narrative.cluster_plot_caption(self)

    def summary(self) -> str:
        from fbresearch.analyses.segments import narrative

        return narrative.cluster_summary(self)

    def findings(self) -> list[Finding]:
        from fbresearch.analyses.segments import narrative

        return narrative.cluster_findings(self)

    def plot(self, ax=None):  # noqa: ANN001, ANN201
        from fbresearch.present.plots.segments import plot_cluster_profiles

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
    confidence: float = 0.95

    def metric_names(self) -> str:
        """The metrics compared, for a caption: ``"NPS and CSAT"``.

        Examples
        --------
        >>> ProfileResult(table=pd.DataFrame({"metric": ["NPS", "NPS", "CSAT"]})).metric_names()
        'NPS and CSAT'
        """
        names = list(dict.fromkeys(self.table["metric"])) if "metric" in self.table else []
        if len(names) <= 1:
            return names[0] if names else "Satisfaction"
        return ", ".join(names[:-1]) + " and " + names[-1]

    def display_table(self) -> pd.DataFrame:
        """The table as a page shows it (see :func:`~.narrative.profile_display_table`)."""
        from fbresearch.analyses.segments import narrative

        return narrative.profile_display_table(self)

    def caption(self, months: int | None = None) -> str:
        """Caption of the table: the metrics, by what, over which responses.

        Examples
        --------
        >>> res = ProfileResult(table=pd.DataFrame({"metric": ["NPS", "CSAT"]}))
        >>> res.caption(3)
        'NPS and CSAT by RFM segment, responses of the last 3 months, each against the rest'
        """
        from fbresearch.analyses.segments import narrative

        return narrative.profile_caption(self, months)

    def plot_caption(self) -> str:
        """Caption of :meth:`plot` (NPS by segment), naming the run's confidence level."""
        from fbresearch.analyses.segments import narrative

        return narrative.profile_plot_caption(self)

    def summary(self) -> str:
        from fbresearch.analyses.segments import narrative

        return narrative.profile_summary(self)

    def findings(self) -> list[Finding]:
        from fbresearch.analyses.segments import narrative

        return narrative.profile_findings(self)

    def plot(self, ax=None, metric: str | None = None):  # noqa: ANN001, ANN201
        """Scores by segment with CIs for ``metric`` (a table label; default: the first one)."""
        from fbresearch.present.plots.segments import plot_segment_scores

        if metric is None:
            metric = self.table["metric"].iloc[0] if len(self.table) else "NPS"
        return plot_segment_scores(
            self.table[self.table["metric"] == metric], ax=ax, confidence=self.confidence
        )


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

    def plot_caption(self) -> str:
        from fbresearch.analyses.segments import narrative

        return narrative.migration_plot_caption(self)

    def summary(self) -> str:
        from fbresearch.analyses.segments import narrative

        return narrative.migration_summary(self)

    def plot(self, ax=None):  # noqa: ANN001, ANN201
        from fbresearch.present.plots.segments import plot_segment_migration

        return plot_segment_migration(self.matrix, ax=ax)


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
    confidence: float = 0.95

    def display_table(self) -> pd.DataFrame:
        """The odds ratios with the model's terms in words."""
        from fbresearch.analyses.segments import narrative

        return narrative.churn_display_table(self)

    def caption(self) -> str:
        from fbresearch.analyses.segments import narrative

        return narrative.churn_caption(self)

    def plot_caption(self) -> str:
        from fbresearch.analyses.segments import narrative

        return narrative.churn_plot_caption(self)

    def summary(self) -> str:
        from fbresearch.analyses.segments import narrative

        return narrative.churn_summary(self)

    def findings(self) -> list[Finding]:
        from fbresearch.analyses.segments import narrative

        return narrative.churn_findings(self)

    def plot(self, ax=None):  # noqa: ANN001, ANN201
        from fbresearch.present.plots.segments import plot_odds_ratios

        return plot_odds_ratios(self.table, ax=ax, confidence=self.confidence)
