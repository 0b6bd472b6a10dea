"""The frozen results of the driver analyses.

Each holds the numbers (``table`` and fields); its ``summary()``, ``findings()``,
``display_table()`` and captions delegate to :mod:`fbresearch.analyses.drivers.narrative`, its
charts to :mod:`fbresearch.present.plots.drivers` (imported inside the method: ``present`` sits
above ``analyses``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from fbresearch.analyses.drivers import narrative, narrative_trend
from fbresearch.results import Estimate, Finding, Result

__all__ = ["DriverResult", "ImportancePerformanceResult", "DriverTrendResult"]


@dataclass(frozen=True, eq=False)
class DriverResult(Result):
    """A key-driver regression: coefficients with CIs, VIFs, warnings and (optional) importance.

    Attributes
    ----------
    table : DataFrame
        One row per term (drivers first, then control terms): ``term``, ``label``, ``kind``
        (``"driver"`` or ``"control"``), ``coef``, ``ci_low``, ``ci_high``, ``se``, ``p_value``,
        ``std_coef``, ``std_ci_low``, ``std_ci_high``, ``vif``, ``q_value`` (drivers: the
        p-value adjusted by Benjamini-Hochberg over the drivers), ``matters`` (drivers whose
        ``q_value`` is at most ``1 - confidence``), ``direction`` (the coefficient's sign) and,
        when importance was asked for, ``importance`` (share of R²), ``importance_ci_low``, ``importance_ci_high`` and
        ``explained_share`` (share of the explained variation, summing to 1).
    outcome, model : str
    drivers, controls : tuple of str
    n : int
        Complete responses used.
    n_dropped : int
        Responses dropped because an answer was missing (listwise).
    missing_by_column : dict
        Missing answers per column (before listwise deletion).
    r_squared : float
        R² (OLS) or McFadden's pseudo R² (ordinal, logit).
    r_squared_kind : str
    confidence : float
    cov_type : str
    fit_warnings : tuple of str
        Warnings of the model fit (e.g. no convergence); :attr:`warnings` adds the
        collinearity warnings (all are also in :meth:`summary`).
    labels : dict
        Column -> reader's name.
    fit : statsmodels results
        The underlying fit, for researchers.
    """

    outcome: str = ""
    model: str = "ols"
    drivers: tuple[str, ...] = ()
    controls: tuple[str, ...] = ()
    n: int = 0
    n_dropped: int = 0
    missing_by_column: dict = field(default_factory=dict)
    r_squared: float = float("nan")
    r_squared_kind: str = "R²"
    confidence: float = 0.95
    cov_type: str = "HC3"
    fit_warnings: tuple[str, ...] = ()
    labels: dict = field(default_factory=dict)
    fit: Any = field(default=None, repr=False)

    def coefficient(self, driver: str, standardized: bool = False) -> Estimate:
        """One driver's coefficient as an :class:`Estimate`."""
        row = self.table.set_index("term").loc[driver]
        prefix = "std_" if standardized else ""
        return Estimate(
            float(row[f"{prefix}coef"]),
            float(row[f"{prefix}ci_low"]),
            float(row[f"{prefix}ci_high"]),
            n=self.n,
            se=float(row["se"]) if not standardized else None,
            p_value=float(row["p_value"]),
            confidence=self.confidence,
            name=self.labels.get(driver, driver),
        )

    @property
    def warnings(self) -> tuple[str, ...]:
        """Collinearity warnings (from the VIFs), then fitting warnings; also in the summary."""
        return narrative.driver_warnings(self)

    def display_table(self) -> pd.DataFrame:
        """The coefficient table as a reader sees it: formatted estimates with CIs."""
        return narrative.coefficient_table(self)

    def summary(self) -> str:
        return narrative.driver_summary(self)

    def findings(self) -> list[Finding]:
        return narrative.driver_findings(self)

    def table_caption(self, window: str = "") -> str:
        """Caption of :meth:`display_table` (``window`` names the months analysed)."""
        return narrative.coefficient_table_caption(self, window)

    def caption(self) -> str:
        """Caption of :meth:`plot`."""
        return narrative.coefficient_caption(self)

    def plot(self, ax=None):  # noqa: ANN001, ANN201
        from fbresearch.present.plots.drivers import driver_coefficients

        title, xlabel = narrative.coefficient_titles(self)
        drivers = self.table[self.table["kind"] == "driver"]
        return driver_coefficients(drivers, ax=ax, title=title, xlabel=xlabel)


@dataclass(frozen=True, eq=False)
class ImportancePerformanceResult(Result):
    """Importance (share of explained variation) against performance, with quadrants.

    Attributes
    ----------
    table : DataFrame
        The ranked priority table, one row per driver: ``priority`` (1 = act first), ``driver``,
        ``label``, ``quadrant``, ``importance`` (share of the explained variation, 0-1),
        ``importance_ci_low``, ``importance_ci_high``, ``r2_share`` (share of R²),
        ``performance``, ``performance_ci_low``, ``performance_ci_high``, ``n_rated``, the
        joint fit's ``coef``, ``coef_ci_low``, ``coef_ci_high``, ``p_value``, ``q_value``,
        ``matters`` and ``direction`` (see
        :func:`fbresearch.analyses.drivers.links.driver_links`) and ``signed_importance``
        (``importance`` with the sign of the coefficient).
    outcome : str
    performance : {"mean", "top_box"}
    thresholds : dict
        ``{"importance": ..., "performance": ...}`` used for the quadrants (at or above the
        threshold counts as high).
    r_squared : float
        R² of the linear regression of the outcome on all drivers.
    n, n_dropped : int
        Complete responses behind the importance, and responses left out for a missing answer.
    bootstrap : int
    confidence : float
    method : str
    median_performance : bool
        Whether the performance threshold is the median across drivers; the sentences then call
        it "average" (the typical attribute), otherwise "the threshold".
    """

    outcome: str = ""
    performance: str = "mean"
    thresholds: dict = field(default_factory=dict)
    r_squared: float = float("nan")
    n: int = 0
    n_dropped: int = 0
    bootstrap: int = 0
    confidence: float = 0.95
    method: str = "lmg"
    median_performance: bool = True

    def display_table(self) -> pd.DataFrame:
        """The ranked priority table as a reader sees it: formatted estimates with CIs."""
        return narrative.matrix_table(self)

    def sentences(self) -> list[str]:
        """One plain sentence per driver, in priority order."""
        return narrative.matrix_sentences(self)

    def summary(self) -> str:
        return narrative.matrix_summary(self)

    def findings(self) -> list[Finding]:
        """Every "fix first" driver; when there is none, the most important driver."""
        return narrative.matrix_findings(self)

    def caption(self, window: str = "") -> str:
        """Caption of :meth:`plot` (``window`` names the months analysed)."""
        return narrative.matrix_caption(self, window)

    def table_caption(self, window: str = "") -> str:
        """Caption of :meth:`display_table`."""
        return narrative.matrix_table_caption(self, window)

    def importance_caption(self) -> str:
        """Caption of :meth:`plot_importance`."""
        return narrative.importance_caption(self)

    def plot(self, ax=None):  # noqa: ANN001, ANN201
        from fbresearch.present.plots.drivers import importance_performance_matrix

        return importance_performance_matrix(
            self.table,
            thresholds=self.thresholds,
            performance_label=narrative.performance_label(self),
            title=narrative.matrix_title(self),
            ax=ax,
        )

    def plot_importance(self, ax=None):  # noqa: ANN001, ANN201
        """Bar chart of each driver's share of the explained variation with its CI."""
        from fbresearch.present.plots.drivers import driver_importance

        return driver_importance(self.table, title=narrative.importance_title(self), ax=ax)


@dataclass(frozen=True, eq=False)
class DriverTrendResult(Result):
    """Each driver's coefficient in the current period against the previous ones.

    Attributes
    ----------
    table : DataFrame
        One row per driver: ``driver``, ``label``, ``previous``, ``previous_ci_low``,
        ``previous_ci_high``, ``current``, ``current_ci_low``, ``current_ci_high`` (the
        coefficients: outcome points per rating point, other ratings held equal), ``change``,
        ``change_ci_low``, ``change_ci_high``, ``change_se`` (current minus previous), ``p_value``
        (t-test of the change), ``q_value`` (Benjamini-Hochberg over the drivers) and
        ``direction`` (``"more important"`` or ``"less important"``: the joint test rejects,
        the driver's change passes the false discovery rate and its effect grew or shrank in
        size; else ``"no clear change"``).
    outcome : str
    current_period, previous_periods : str
        E.g. ``"2026-10"`` and ``"2026-07 to 2026-09"``.
    n_current, n_previous : int
        Complete responses in each window.
    r_squared_current, r_squared_previous : float
        R² of each window's own fit (descriptive).
    confidence : float
    joint_statistic : float
        F statistic of the joint (Chow) test that no driver's coefficient changed.
    joint_df : tuple of int
        Its numerator and denominator degrees of freedom.
    joint_p_value : float
    joint_rejects : bool
        Whether the joint test rejects at ``1 - confidence`` (no driver's verdict without it).
    cov_type : str
    """

    outcome: str = ""
    current_period: str = ""
    previous_periods: str = ""
    n_current: int = 0
    n_previous: int = 0
    r_squared_current: float = float("nan")
    r_squared_previous: float = float("nan")
    confidence: float = 0.95
    joint_statistic: float = float("nan")
    joint_df: tuple[int, int] = (0, 0)
    joint_p_value: float = float("nan")
    joint_rejects: bool = False
    cov_type: str = "HC3"

    def display_table(self) -> pd.DataFrame:
        """Importance before and now, and the change, as a reader sees them."""
        return narrative_trend.trend_table(self)

    def sentences(self) -> list[str]:
        """One sentence per driver whose importance clearly changed."""
        return narrative_trend.trend_sentences(self)

    def summary(self) -> str:
        return narrative_trend.trend_summary(self)

    def findings(self) -> list[Finding]:
        return narrative_trend.trend_findings(self)

    def table_caption(self) -> str:
        """Caption of :meth:`display_table`."""
        return narrative_trend.trend_table_caption(self)

    def caption(self) -> str:
        """Caption of :meth:`plot`."""
        return narrative_trend.trend_caption(self)

    def plot(self, ax=None):  # noqa: ANN001, ANN201
        from fbresearch.present.plots.drivers import driver_change

        return driver_change(
            self.table,
            current=self.current_period,
            previous=self.previous_periods,
            title=narrative_trend.trend_title(self),
            xlabel=narrative_trend.trend_xlabel(self),
            ax=ax,
        )
