"""Frozen result of the outlook: :class:`OutlookResult`."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from fbresearch.results import Finding, Result

__all__ = ["OutlookResult"]


@dataclass(frozen=True, eq=False)
class OutlookResult(Result):
    """KPI forecasts with prediction intervals, their backtest and the early-warning checks.

    Attributes
    ----------
    table : DataFrame
        The forecasts: ``metric``, ``month``, ``forecast``, ``pi_low``, ``pi_high``.
    backtest : DataFrame
        One row per (origin, month ahead): ``observed``, ``forecast``, ``covered``, ``abs_error``.
    checks : DataFrame
        One row per month checked: the forecast made the month before, the ``warn_level``
        interval, ``warning`` (fell below it; above it for a lower-is-better KPI).
    history : DataFrame
        The monthly KPIs the forecasts rest on: ``metric``, ``month``, ``estimate``, ``se``.
    """

    backtest: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    checks: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    history: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    metrics: tuple[str, ...] = ()
    level: float = 0.90
    warn_level: float = 0.99
    horizon: int = 3
    confidence: float = 0.90

    @property
    def forecasts(self) -> pd.DataFrame:
        return self.table

    def accuracy(self) -> pd.DataFrame:
        """Coverage of the intervals and mean absolute error per KPI (and all together)."""
        b = self.backtest
        if b.empty:
            return pd.DataFrame(columns=["metric", "checks", "coverage", "mae"])
        per = b.groupby("metric", sort=False).agg(
            checks=("covered", "size"), coverage=("covered", "mean"), mae=("abs_error", "mean")
        )
        return per.reset_index()

    def coverage(self) -> float:
        """The share of all backtest values inside their interval."""
        return float(self.backtest["covered"].mean()) if len(self.backtest) else float("nan")

    def warnings_now(self) -> pd.DataFrame:
        """The KPIs whose latest month fell outside last month's forecast interval."""
        c = self.checks
        if c.empty:
            return c
        now = self.table.groupby("metric")["month"].min() - 1  # the month before the forecasts
        last = c[c["month"] == c["metric"].map(now)]
        return last[last["warning"]]

    def summary(self) -> str:
        from fbresearch.analyses.outlook import narrative

        return narrative.outlook_summary(self)

    def findings(self) -> list[Finding]:
        from fbresearch.analyses.outlook import narrative

        return narrative.outlook_findings(self)

    def display_table(self) -> pd.DataFrame:
        from fbresearch.analyses.outlook import narrative

        return narrative.forecast_display_table(self)

    def accuracy_table(self) -> pd.DataFrame:
        from fbresearch.analyses.outlook import narrative

        return narrative.accuracy_display_table(self)

    def caption(self) -> str:
        from fbresearch.analyses.outlook import narrative

        return narrative.outlook_caption(self)

    def plot(self, ax=None, metric: str | None = None):  # noqa: ANN001, ANN201
        from fbresearch.present.plots.outlook import plot_outlook

        return plot_outlook(self, metric or self.metrics[0], ax=ax)
