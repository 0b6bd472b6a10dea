"""Frozen results of the journey analysis: :class:`JourneyResult` and :class:`StageProfiles`.

They hold the numbers; ``summary()``, ``findings()``, ``caption()`` and ``display_table()``
delegate to :mod:`fbresearch.analyses.journey.narrative` and ``plot()`` to
:mod:`fbresearch.present.plots.journey` (imported inside the methods).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from fbresearch import evidence
from fbresearch.analyses.kpis.scores import estimate_unit, row_estimate
from fbresearch.errors import AnalysisError
from fbresearch.results import Estimate, Finding, Result
from fbresearch.schema import metric_spec

__all__ = ["JourneyResult", "StageProfiles"]


@dataclass(frozen=True, eq=False)
class JourneyResult(Result):
    """Volume and outcomes per journey stage, and the change from each stage to the next.

    Attributes
    ----------
    table : DataFrame
        One row per outcome (and ``volume``) and stage: ``stage``, ``position`` (0 = first
        stage), ``metric``, ``n``, ``estimate``, ``ci_low``, ``ci_high``, ``se``.
    steps : DataFrame
        One row per outcome and stage after the first: ``metric``, ``stage``,
        ``previous_stage``, ``change`` (this stage minus the one before; CSAT a share),
        ``ci_low``, ``ci_high``, ``p_value``, ``q_value`` (Benjamini-Hochberg over every step
        of every outcome), ``drop`` (the fall, in the direction that is worse) and
        ``significant``.
    stages : tuple of str
        The stages in journey order.
    metrics : tuple of str
        The outcomes with answers.
    weakest : dict
        Outcome -> the stage with the largest drop from the stage before (outcomes with no
        drop are left out).
    window : str
        The months behind the numbers.
    n : int
        Responses with a stage.
    """

    steps: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    stages: tuple[str, ...] = ()
    metrics: tuple[str, ...] = ()
    column: str = "touchpoint"
    confidence: float = 0.95
    weakest: dict[str, str] = field(default_factory=dict)
    window: str = ""
    n: int = 0

    def level(self, metric: str, stage: str) -> Estimate:
        """The estimate of ``metric`` at ``stage``, e.g. ``level("nps", "delivery")``."""
        rows = self.table[(self.table["metric"] == metric) & (self.table["stage"] == stage)]
        if len(rows) != 1:
            raise AnalysisError(f"no {metric!r} figure for stage {stage!r}.")
        return row_estimate(rows.iloc[0], metric, self.confidence)

    def step(self, metric: str, stage: str) -> Estimate:
        """The change of ``metric`` from the stage before ``stage`` (``p_value`` set)."""
        rows = self.steps[(self.steps["metric"] == metric) & (self.steps["stage"] == stage)]
        if len(rows) != 1:
            raise AnalysisError(f"no step into stage {stage!r} for {metric!r}.")
        r = rows.iloc[0]
        return Estimate(
            float(r["change"]),
            float(r["ci_low"]),
            float(r["ci_high"]),
            n=int(self.level(metric, stage).n),
            p_value=float(r["p_value"]),
            confidence=self.confidence,
            name=f"change in {metric_spec(metric).label} from {r['previous_stage']} to {stage}",
            unit=estimate_unit(metric),
        )

    @property
    def headline_metric(self) -> str | None:
        """The first outcome (the one the page leads with)."""
        return self.metrics[0] if self.metrics else None

    @property
    def weak_stage(self) -> str | None:
        """The stage named as weakest: the largest significant drop of the first outcome that
        has one (None when no drop is significant)."""
        for m in self.metrics:
            stage = self.weakest.get(m)
            if stage is not None and self.drop_is_significant(m):
                return stage
        return None

    def drop_is_significant(self, metric: str) -> bool:
        """Whether the largest drop of ``metric`` survives the page's multiplicity check."""
        stage = self.weakest.get(metric)
        if stage is None:
            return False
        row = self.steps[(self.steps["metric"] == metric) & (self.steps["stage"] == stage)]
        return bool(row["significant"].iloc[0]) and evidence.is_significant(
            self.step(metric, stage)
        )

    def significance_tests(self) -> tuple[list[float], str, str]:
        """The page's family: every stage-to-stage step (differences between groups)."""
        return list(self.steps["p_value"].astype(float)), "difference", evidence.FDR_METHOD

    def summary(self) -> str:
        from fbresearch.analyses.journey import narrative

        return narrative.journey_summary(self)

    def findings(self) -> list[Finding]:
        from fbresearch.analyses.journey import narrative

        return narrative.journey_findings(self)

    def display_table(self) -> pd.DataFrame:
        from fbresearch.analyses.journey import narrative

        return narrative.journey_display_table(self)

    def steps_table(self) -> pd.DataFrame:
        """The stage-to-stage changes as a reader sees them."""
        from fbresearch.analyses.journey import narrative

        return narrative.steps_display_table(self)

    def caption(self, metric: str | None = None) -> str:
        from fbresearch.analyses.journey import narrative

        return narrative.journey_caption(self, metric)

    def plot(self, ax=None, metric: str | None = None):  # noqa: ANN001, ANN201
        """The journey chart: ``metric`` (default the first outcome) stage by stage with CIs,
        responses per stage under each name and the largest drop marked."""
        from fbresearch.present.plots.journey import plot_journey

        return plot_journey(self, ax=ax, metric=metric or self.headline_metric)


@dataclass(frozen=True, eq=False)
class StageProfiles(Result):
    """What customers write about and what drives their score, stage by stage.

    Attributes
    ----------
    table : DataFrame
        Top categories: one row per stage and category (``stage``, ``rank``, ``category``,
        ``label``, ``n``, ``estimate``, ``ci_low``, ``ci_high``: its share of the stage's texts
        with words, Wilson CI).
    drivers : DataFrame
        Top drivers: one row per stage and rating (``stage``, ``rank``, ``term``, ``label``,
        ``coef``, ``ci_low``, ``ci_high``, ``q_value``, ``matters``, ``n``).
    notes : dict
        Stage -> why a part is missing (too few texts or complete answers).
    """

    drivers: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    stages: tuple[str, ...] = ()
    outcome: str = ""
    confidence: float = 0.95
    notes: dict[str, str] = field(default_factory=dict)
    top: int = 3

    def summary(self) -> str:
        from fbresearch.analyses.journey import narrative

        return narrative.profiles_summary(self)

    def display_table(self) -> pd.DataFrame:
        from fbresearch.analyses.journey import narrative

        return narrative.profiles_display_table(self)

    def caption(self) -> str:
        from fbresearch.analyses.journey import narrative

        return narrative.profiles_caption(self)
