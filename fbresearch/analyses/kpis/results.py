"""Frozen results of the KPI analyses: :class:`KpiTable`, :class:`ResponseRateResult`,
:class:`AcknowledgedResult`.

They hold the numbers; their ``summary()``, ``findings()``, ``caption()`` and
``display_table()`` delegate to :mod:`fbresearch.analyses.kpis.narrative` and ``plot()`` to
:mod:`fbresearch.present.plots.kpis` (both imported inside the method, so this module imports
nothing above the analyses layer).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from fbresearch.analyses.kpis.scores import change_estimate, row_estimate
from fbresearch.analyses.kpis.suppress import hidden_note
from fbresearch.errors import AnalysisError
from fbresearch.results import Estimate, Finding, Result, Unavailable
from fbresearch.schema import metric_spec

__all__ = ["KpiTable", "ResponseRateResult", "AcknowledgedResult"]


@dataclass(frozen=True, eq=False)
class KpiTable(Result):
    """KPIs per group with CIs (and period-on-period changes); see :func:`kpi_table`.

    Attributes
    ----------
    table : DataFrame
        Tidy: group columns, ``metric``, ``n``, ``estimate``, ``ci_low``, ``ci_high``, ``se``
        (and ``previous``, ``change``, ``change_ci_low``, ``change_ci_high``,
        ``change_p_value`` when grouped by period).
    by : tuple of str
        Grouping columns.
    time : str or None
        The period column among ``by``, if any.
    metrics : tuple of str
        Metrics in the table.
    confidence : float
        Confidence level of the intervals.
    hidden : DataFrame or None
        The group columns and ``metric`` of the cells left out for anonymity (no numbers).
    min_responses : int or None
        The anonymity threshold applied (``None``: none).
    """

    by: tuple[str, ...] = ()
    time: str | None = None
    metrics: tuple[str, ...] = ("nps", "csat")
    confidence: float = 0.95
    hidden: pd.DataFrame | None = None
    min_responses: int | None = None

    @property
    def _others(self) -> list[str]:
        return [k for k in self.by if k != self.time]

    def _select(self, metric: str, keys: dict) -> pd.DataFrame:
        rows = self.table[self.table["metric"] == metric]
        for key, value in keys.items():
            if key not in self.by:
                raise AnalysisError(f"{key!r} is not a grouping column of this table ({self.by}).")
            if key == self.time and not isinstance(value, pd.Period):
                value = pd.Period(value, freq=rows[key].dt.freq if len(rows) else "M")
            rows = rows[rows[key] == value]
        return rows

    def _one(self, metric: str, keys: dict) -> pd.Series:
        rows = self._select(metric, keys)
        if len(rows) != 1:
            raise AnalysisError(
                f"{len(rows)} rows of {metric!r} match {keys}; name one value of each grouping "
                f"column ({', '.join(self.by) or 'none'})."
            )
        return rows.iloc[0]

    def estimate(self, metric: str, **keys: object) -> Estimate:
        """The estimate of ``metric`` for one group, e.g. ``estimate("nps", month="2026-10")``."""
        return row_estimate(self._one(metric, keys), metric, self.confidence)

    def change(self, metric: str, **keys: object) -> Estimate:
        """The change of ``metric`` from the previous period for one group (``p_value`` set)."""
        if self.time is None:
            raise AnalysisError("this table is not grouped by period; use by='month'.")
        return change_estimate(self._one(metric, keys), metric, self.confidence)

    @property
    def latest_period(self) -> pd.Period | None:
        """The last period in the table, its hidden cells included (None when not grouped by
        period)."""
        if self.time is None:
            return None
        periods = [self.table[self.time]]
        if self.hidden is not None:
            periods.append(self.hidden[self.time])
        both = pd.concat(periods)
        return None if both.empty else both.max()

    def last(self, periods: int = 1) -> KpiTable:
        """The same table restricted to its last ``periods`` periods."""
        if self.time is None or self.latest_period is None:
            return self
        if periods < 1:
            raise AnalysisError(f"periods must be at least 1; got {periods!r}.")
        start = self.latest_period - (periods - 1)
        kept = self.table[self.table[self.time] >= start].reset_index(drop=True)
        hidden = self.hidden
        if hidden is not None:
            hidden = hidden[hidden[self.time] >= start].reset_index(drop=True)
        return KpiTable(
            table=kept,
            by=self.by,
            time=self.time,
            metrics=self.metrics,
            confidence=self.confidence,
            hidden=hidden if hidden is not None and len(hidden) else None,
            min_responses=self.min_responses,
        )

    def _latest_rows(self) -> pd.DataFrame:
        if self.time is None:
            return self.table
        return self.table[self.table[self.time] == self.latest_period]

    # --- reading: delegated to narrative and present -----------------------------------

    def summary(self, max_groups: int = 6) -> str:
        """Plain sentences: each metric's latest level, its change and whether it is significant.

        Grouped by period and something else (e.g. channel), only the groups whose change is
        significant are named (at most ``max_groups``, smallest p first).
        """
        from fbresearch.analyses.kpis import narrative

        return narrative.kpi_summary(self, max_groups)

    def findings(self) -> list[Finding]:
        """Headline findings: each metric's latest level and change (importance 0.4-0.9)."""
        from fbresearch.analyses.kpis import narrative

        return narrative.kpi_findings(self)

    def display_table(self) -> pd.DataFrame:
        """The table as a reader sees it: periods as "Oct 2026", estimates as "42.0 (38.1–45.9)".

        CSAT changes are in percentage points.
        """
        from fbresearch.analyses.kpis import narrative

        return narrative.kpi_display_table(self)

    def caption(self, metric: str | None = None) -> str:
        """A figure caption for :meth:`plot`, naming the metric, the periods and the CI level."""
        from fbresearch.analyses.kpis import narrative

        return narrative.kpi_caption(self, metric)

    def headline_caption(self) -> str:
        """Caption of the headline table of the latest month and the one before."""
        from fbresearch.analyses.kpis import narrative

        return narrative.headline_caption(self)

    def plot(self, ax=None, metric: str | None = None, hue: str | None = None):  # noqa: ANN001, ANN201
        """Trend with CI band (by period), bars of volume by period, or estimates by group.

        A ``metric`` the table does not hold (its column had no answers) gives an
        :class:`~fbresearch.results.Unavailable` saying so, not an empty chart.
        """
        from fbresearch.present.plots import kpis

        if self.table.empty and self.hidden is not None:
            reason = hidden_note(self.min_responses)
            return Unavailable(
                table=pd.DataFrame(), message=f"The chart is not shown: {reason}.", reason=reason
            )
        if metric is not None and metric not in self.metrics:
            label = metric_spec(metric).label if _known(metric) else metric
            reason = (
                f"the data has no {label} answers here (the table holds "
                f"{', '.join(metric_spec(m).label for m in self.metrics) or 'nothing'})."
            )
            return Unavailable(
                table=pd.DataFrame(),
                message=f"The {label} chart is not shown: {reason}",
                reason=reason,
            )
        return kpis.plot_kpi_table(self, ax=ax, metric=metric, hue=hue)


@dataclass(frozen=True, eq=False)
class ResponseRateResult(Result):
    """Response rates (responses / invitations) with Wilson CIs beside a benchmark range.

    ``table``: the group columns, ``month``, ``invited``, ``responses``, ``estimate``,
    ``ci_low``, ``ci_high``, ``status`` (``"below"``, ``"within"`` or ``"above"`` the benchmark,
    by the estimate) and ``clear`` (True when the whole CI lies on that side of the range).
    """

    by: tuple[str, ...] = ()
    benchmark: tuple[float, float] = (0.15, 0.25)
    confidence: float = 0.95

    def _latest(self) -> pd.DataFrame:
        return self.table[self.table["month"] == self.table["month"].max()]

    def plot_caption(self, month: str) -> str:
        """Caption of :meth:`plot` for ``month`` (e.g. "October 2026")."""
        from fbresearch.analyses.kpis import narrative

        return narrative.rate_plot_caption(self, month)

    def summary(self) -> str:
        """One sentence per group for the latest month."""
        from fbresearch.analyses.kpis import narrative

        return narrative.rate_summary(self)

    def findings(self) -> list[Finding]:
        """Groups clearly outside the benchmark in the latest month."""
        from fbresearch.analyses.kpis import narrative

        return narrative.rate_findings(self)

    def display_table(self) -> pd.DataFrame:
        """Readable table: "Oct 2026", "1,234", "18.2% (16.1%–20.5%)", "below benchmark"."""
        from fbresearch.analyses.kpis import narrative

        return narrative.rate_display_table(self)

    def plot(self, ax=None, month: str | pd.Period | None = None):  # noqa: ANN001, ANN201
        """Rates of one month (default: the latest) per group, with CIs and the benchmark band."""
        from fbresearch.present.plots import kpis

        return kpis.plot_response_rate(self, ax=ax, month=month)


@dataclass(frozen=True, eq=False)
class AcknowledgedResult(Result):
    """The share of responses acknowledged within a time limit, with Wilson CIs.

    ``table``: the group columns, ``n``, ``acknowledged`` (within the limit), ``never`` (no
    acknowledgement yet), ``estimate``, ``ci_low``, ``ci_high``, ``median_hours`` (among the
    acknowledged).
    """

    hours: float = 24
    by: tuple[str, ...] = ()
    overall: Estimate | None = None
    confidence: float = 0.95
    #: groups left out for anonymity (keys only), all responses never acknowledged, threshold
    hidden: pd.DataFrame | None = None
    never: int | None = None
    min_responses: int | None = None

    def plot_caption(self, month: str) -> str:
        """Caption of :meth:`plot` for ``month`` (e.g. "October 2026")."""
        from fbresearch.analyses.kpis import narrative

        return narrative.acknowledged_plot_caption(self, month)

    def summary(self) -> str:
        """The overall share and, by group, the slowest and fastest groups."""
        from fbresearch.analyses.kpis import narrative

        return narrative.acknowledged_summary(self)

    def findings(self) -> list[Finding]:
        """The overall share (importance 0.6) and groups clearly below it (0.65)."""
        from fbresearch.analyses.kpis import narrative

        return narrative.acknowledged_findings(self)

    def display_table(self) -> pd.DataFrame:
        """Readable table of the shares with CIs."""
        from fbresearch.analyses.kpis import narrative

        return narrative.acknowledged_display_table(self)

    def plot(self, ax=None):  # noqa: ANN001, ANN201
        """Shares per group with CIs (or the overall share)."""
        from fbresearch.present.plots import kpis

        return kpis.plot_acknowledged(self, ax=ax)


def _known(metric: str) -> bool:
    """Whether the METRICS registry names ``metric`` (or it is a ``rating_<name>`` column)."""
    try:
        metric_spec(metric)
    except KeyError:
        return False
    return True
