"""The frozen results of the impact analysis; their methods delegate to narrative and present."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from fbresearch.results import Estimate, Finding, Result

__all__ = ["ImpactResult", "ImprovementFailure"]


@dataclass(frozen=True, eq=False)
class ImpactResult(Result):
    """The estimated effect of a change, with the evidence behind it.

    Attributes
    ----------
    table : DataFrame
        Tidy table of the estimates (``term``, ``estimate``, ``ci_low``, ``ci_high``, ``se``,
        ``p_value``, ...): the headline effect and the secondary numbers of the design.
    effect : Estimate
        The headline effect: a difference in the metric's units (``unit="points"``) or, for a
        Poisson time series, the rate ratio of the level change (``unit="ratio"``).
    design : str
        ``"difference-in-differences"``, ``"interrupted time series"`` or ``"pre/post"``.
    outcome : str
        The metric column analysed.
    checks : DataFrame
        The checks behind the claim (``check``, ``statistic``, ``p_value``, ``conclusion``).
    notes : tuple of str
        Caveats a reader must see (e.g. pre/post cannot separate the change from season).
    mde : float
        Minimum detectable effect (80% power, two-sided alpha 0.05) in the effect's units; for a
        ratio, the smallest detectable rate ratio above one.
    series : DataFrame, optional
        What the standard chart draws (observed, fitted and counterfactual by period).
    event_study : DataFrame, optional
        Difference-in-differences leads and lags by period relative to the change.
    placebo : DataFrame, optional
        Difference-in-differences under randomization inference: the estimate for every possible
        assignment of the treated groups (``treated_groups``, ``estimate``, ``observed``).
    name, reason, verdict : str
        Set by :func:`evaluate_improvement`: the improvement's name, why the design was chosen,
        the plain-language verdict.
    progress : dict, optional
        Progress against the target (see :func:`evaluate_improvement`).
    """

    effect: Estimate | None = None
    design: str = ""
    outcome: str = ""
    checks: pd.DataFrame | None = field(default=None, repr=False)
    notes: tuple[str, ...] = ()
    mde: float = math.nan
    series: pd.DataFrame | None = field(default=None, repr=False)
    event_study: pd.DataFrame | None = field(default=None, repr=False)
    placebo: pd.DataFrame | None = field(default=None, repr=False)
    name: str = ""
    reason: str = ""
    verdict: str = ""
    progress: dict[str, Any] | None = None
    change_date: pd.Timestamp | None = None

    @property
    def confidence(self) -> float:
        """The confidence level of the effect's interval (0.95 when there is no effect)."""
        return self.effect.confidence if self.effect is not None else 0.95

    def summary(self) -> str:
        """The verdict (or the effect with its CI), the design's reason and the caveats."""
        from fbresearch.analyses.impact import narrative

        return narrative.summary(self)

    def findings(self) -> list[Finding]:
        """One headline finding: the verdict with the effect and its CI."""
        from fbresearch.analyses.impact import narrative

        return narrative.findings(self)

    def plot(self, ax=None):  # noqa: ANN001, ANN201 - matplotlib Axes
        """The metric over time with the counterfactual (no-change) projection; returns the Axes."""
        from fbresearch.present.plots.impact import plot_impact

        return plot_impact(self, ax=ax)

    def plot_event_study(self, ax=None):  # noqa: ANN001, ANN201
        """Difference-in-differences leads and lags with their intervals; returns the Axes."""
        from fbresearch.present.plots.impact import plot_impact_event_study

        return plot_impact_event_study(self, ax=ax)


@dataclass(frozen=True)
class ImprovementFailure:
    """An improvement that could not be evaluated, with the reason to show in the report."""

    name: str
    message: str

    def summary(self) -> str:
        return f"{self.name}: could not be evaluated. {self.message}"

    def findings(self) -> list[Finding]:
        return []
