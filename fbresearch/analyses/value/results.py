"""Frozen result of the value analysis: :class:`ValueResult`."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from fbresearch.analyses.value.groups import GROUPS
from fbresearch.results import Estimate, Finding, Result

__all__ = ["GROUPS", "ValueResult"]



@dataclass(frozen=True, eq=False)
class ValueResult(Result):
    """12-month retention and spend by NPS group (like for like) and what is at stake.

    Attributes
    ----------
    retention, spend : dict of str -> Estimate
        Per group (``GROUPS``): the cohort's average 12-month retention (share) and net spend
        (currency units) had every customer answered in that group.
    spend_gap : Estimate
        Promoters' minus detractors' 12-month spend.
    retention_gap : Estimate
        Promoters' minus detractors' 12-month retention (share).
    revenue_at_risk : Estimate
        The 12-month spend this month's detractors are expected to lose against answering as
        promoters, summed over them (currency units).
    move_value : Estimate
        The 12-month spend gained by moving one of this month's detractors to passive.
    n_customers, n_current : int
        Customers in the cohort; this month's detractors.
    currency : str
        The orders' currency as the sentences name it (``"EUR"``); ``""``: unnamed, the
        sentences say "in the orders file's currency units".
    """

    retention: dict[str, Estimate] = field(default_factory=dict)
    spend: dict[str, Estimate] = field(default_factory=dict)
    spend_gap: Estimate | None = None
    retention_gap: Estimate | None = None
    revenue_at_risk: Estimate | None = None
    move_value: Estimate | None = None
    n_customers: int = 0
    n_current: int = 0
    cohort_mix: dict[str, int] = field(default_factory=dict)
    period: str = ""
    window_days: int = 365
    controls: tuple[str, ...] = ()
    confidence: float = 0.95
    n_boot: int = 0
    currency: str = ""

    def __post_init__(self) -> None:
        if self.table.empty and self.retention:
            rows = [
                {
                    "measure": m,
                    "group": g,
                    "customers": self.cohort_mix.get(g, 0),
                    "estimate": e.estimate,
                    "ci_low": e.ci_low,
                    "ci_high": e.ci_high,
                }
                for m, d in (("retention", self.retention), ("spend", self.spend))
                for g, e in d.items()
            ]
            object.__setattr__(self, "table", pd.DataFrame(rows))

    def summary(self) -> str:
        from fbresearch.analyses.value import narrative

        return narrative.value_summary(self)

    def findings(self) -> list[Finding]:
        from fbresearch.analyses.value import narrative

        return narrative.value_findings(self)

    def display_table(self) -> pd.DataFrame:
        from fbresearch.analyses.value import narrative

        return narrative.value_display_table(self)

    def stakes_table(self) -> pd.DataFrame:
        """Revenue at risk and the value of one move, each with its assumptions beside it."""
        from fbresearch.analyses.value import narrative

        return narrative.stakes_table(self)

    def stakes_summary(self) -> str:
        """How the revenue at risk and the value of one move follow from the spend table."""
        from fbresearch.analyses.value import narrative

        return narrative.stakes_summary(self)

    def caption(self) -> str:
        from fbresearch.analyses.value import narrative

        return narrative.value_caption(self)

    def plot(self, ax=None):  # noqa: ANN001, ANN201
        from fbresearch.present.plots.value import plot_value

        return plot_value(self, ax=ax)
