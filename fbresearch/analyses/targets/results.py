"""Frozen result of the target check: :class:`TargetResult`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from fbresearch.results import Result

__all__ = ["TargetResult", "STATUSES"]

#: every verdict a target can get
STATUSES = (
    "on track",
    "behind",
    "too early to say",
    "met",
    "missed",
    "too close to call",
    "no data",
)


@dataclass(frozen=True, eq=False)
class TargetResult(Result):
    """Each KPI target with its projected level at its date and the verdict.

    Attributes
    ----------
    table : DataFrame
        One row per target: ``metric``, ``target`` (the level to reach; CSAT a share), ``by``
        and ``start`` (months), ``baseline`` (the start month's estimate, for a rise),
        ``estimate``, ``ci_low``, ``ci_high`` (the projected level at ``by``, or the ``by``
        month's own estimate once it has come; a projection's interval is a prediction
        interval for that month's figure), ``months`` (behind the projection) and ``status`` (one of :data:`STATUSES`).
    confidence : float
    period : str or None
        The report month.
    months : int
        Months behind each projection.
    trend : KpiTable or None
        The monthly KPIs the targets are drawn on (:meth:`plot`).
    """

    confidence: float = 0.95
    period: str | None = None
    months: int | None = 24
    trend: Any = field(default=None, repr=False)

    def for_metric(self, metric: str) -> pd.DataFrame:
        """The rows of the targets of ``metric``."""
        return self.table[self.table["metric"] == metric]

    def summary(self) -> str:
        from fbresearch.analyses.targets import narrative

        return narrative.targets_summary(self)

    def display_table(self) -> pd.DataFrame:
        from fbresearch.analyses.targets import narrative

        return narrative.targets_display_table(self)

    def caption(self, metric: str | None = None) -> str:
        """The trend chart's caption (:attr:`trend`'s) and what the target lines show."""
        from fbresearch.analyses.targets import narrative

        own = narrative.targets_caption(self, metric)
        return (self.trend.caption(metric) + own) if self.trend is not None else own.strip()

    def plot(self, ax=None, metric: str | None = None, trend=None):  # noqa: ANN001, ANN201
        """The trend chart of ``metric`` (:attr:`trend`'s, or ``trend``'s) with each target
        drawn on it: a dashed line at the target up to its month, and the projection with its
        prediction interval."""
        from fbresearch.present.plots.kpis import draw_targets, new_axes

        trend = self.trend if trend is None else trend
        metric = metric or (trend.metrics[0] if trend is not None else None)
        ax = trend.plot(ax=ax, metric=metric) if trend is not None else new_axes(ax)
        if getattr(ax, "is_unavailable", False):
            return ax
        return draw_targets(ax, self, metric)
