"""Each unit (region, store, product line) against the rest of the organisation.

:func:`unit_vs_rest` compares, for the report month, every unit's headline KPIs with those of
all other responses: the unit's value and the rest's, each with its interval, the difference
with its interval and a two-sided p-value, and the Benjamini-Hochberg check across every unit
and KPI compared (one family: many units are compared at once, so some differences are large by
chance). The numbers are :func:`~fbresearch.analyses.kpis.kpi_table`'s own change tests (the
unit is "this period", the rest "the previous one"), so a unit-vs-rest difference and a
month-on-month change are tested the same way: adjusted Wald for NPS, Newcombe/two-proportion
for shares, Welch for means, exact or permutation tests at small n.

Anonymity: a unit with fewer than ``min_responses`` responses in the month is not compared (and
shown by no number); a KPI whose unit or rest side has fewer answers than that is left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from fbresearch import evidence
from fbresearch.analyses.kpis.table import SOURCE_COLUMNS, kpi_table
from fbresearch.errors import AnalysisError
from fbresearch.results import Estimate, Result

__all__ = ["unit_vs_rest", "UnitComparison", "UNIT_METRICS", "DEFAULT_MIN_RESPONSES"]

#: The KPIs compared when ``metrics`` is None, those the data has answers for.
UNIT_METRICS: tuple[str, ...] = ("nps", "csat", "satisfied", "ces")
#: Units (and KPI cells) with fewer responses than this are not shown.
DEFAULT_MIN_RESPONSES = 10

# the two sides as consecutive periods: kpi_table's change is then "unit minus rest"
_REST, _UNIT = pd.Period("2000-01", "M"), pd.Period("2000-02", "M")


@dataclass(frozen=True, eq=False)
class UnitComparison(Result):
    """Every unit against the rest of the organisation in one month; see :func:`unit_vs_rest`.

    Attributes
    ----------
    table : DataFrame
        One row per unit and KPI: ``unit``, ``metric``, ``n``, ``estimate``, ``ci_low``,
        ``ci_high`` (the unit), ``rest_n``, ``rest``, ``rest_ci_low``, ``rest_ci_high``,
        ``difference``, ``difference_ci_low``, ``difference_ci_high``, ``p_value``, ``q_value``
        (Benjamini-Hochberg across the family), ``significant`` and ``shown`` (False: left out
        for anonymity, no numbers). NPS in points, shares as fractions, CES a mean.
    units : DataFrame
        One row per unit: ``unit``, ``responses`` (in the month; None when suppressed),
        ``suppressed``.
    by : str
    period : pandas.Period
    metrics : tuple of str
    confidence : float
    min_responses : int
    """

    units: pd.DataFrame | None = None
    by: str = "region"
    period: pd.Period | None = None
    metrics: tuple[str, ...] = ()
    confidence: float = 0.95
    min_responses: int = DEFAULT_MIN_RESPONSES

    @property
    def n_tests(self) -> int:
        """Tests in the Benjamini-Hochberg family (every compared unit and KPI)."""
        return int(self.table["p_value"].notna().sum())

    def suppressed(self, unit: object) -> bool:
        """Whether ``unit`` is not shown (fewer than ``min_responses`` responses)."""
        row = self.units[self.units["unit"] == unit]
        return bool(row["suppressed"].iloc[0]) if len(row) else True

    def rows(self, unit: object) -> pd.DataFrame:
        """The KPI rows of one unit."""
        return self.table[self.table["unit"] == unit]

    def difference(self, unit: object, metric: str) -> Estimate:
        """The unit-minus-rest difference of one KPI as an :class:`Estimate` (NaN when hidden)."""
        row = self.table[(self.table["unit"] == unit) & (self.table["metric"] == metric)]
        if row.empty:
            raise AnalysisError(f"no comparison of {metric!r} for unit {unit!r}.")
        r = row.iloc[0]
        return Estimate(
            float(r["difference"]),
            float(r["difference_ci_low"]),
            float(r["difference_ci_high"]),
            n=int(r["n"]) if pd.notna(r["n"]) else 0,
            p_value=None if pd.isna(r["p_value"]) else float(r["p_value"]),
            confidence=self.confidence,
            name=f"{metric} difference, unit minus rest",
        )

    def summary(self, unit: object = None) -> str:
        from fbresearch.analyses.kpis.units_narrative import comparison_summary

        return comparison_summary(self, unit)

    def verdict(self, unit: object) -> str:
        """A few words for the index: "above the rest on NPS", "no clear difference", ..."""
        from fbresearch.analyses.kpis.units_narrative import unit_verdict

        return unit_verdict(self, unit)

    def display_table(self, unit: object = None) -> pd.DataFrame:
        from fbresearch.analyses.kpis.units_narrative import comparison_display_table

        return comparison_display_table(self, unit)

    def plot(self, ax=None, metric: str | None = None):  # noqa: ANN001, ANN201
        from fbresearch.present.plots.units import plot_unit_differences

        return plot_unit_differences(self, ax=ax, metric=metric)


def _sides(current: pd.DataFrame, by: str, units: Sequence[object], columns: list[str]):  # noqa: ANN202
    """One copy of the month's rows per unit, labelled unit (its rows) or rest (all others)."""
    keys = current[by].astype("object")
    parts = []
    for unit in units:
        mine = (keys == unit).to_numpy()
        part = current[columns].copy()
        part["unit"] = pd.Series([unit] * len(part), index=part.index, dtype="object")
        part["side"] = pd.Series(
            pd.arrays.PeriodArray(np.where(mine, _UNIT.ordinal, _REST.ordinal), dtype="period[M]"),
            index=part.index,
        )
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def _empty_table() -> pd.DataFrame:
    columns = [
        "unit", "metric", "n", "estimate", "ci_low", "ci_high", "rest_n", "rest", "rest_ci_low",
        "rest_ci_high", "difference", "difference_ci_low", "difference_ci_high", "p_value",
        "q_value", "significant", "shown",
    ]  # fmt: skip
    return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})


def _compare(
    current: pd.DataFrame, by: str, units: list[object], metrics: list[str], confidence: float
) -> pd.DataFrame:
    """The unit and rest estimates and their difference, one row per unit and metric."""
    table = kpi_table(
        _sides(current, by, units, [SOURCE_COLUMNS[m] for m in metrics]),
        by=["unit", "side"],
        metrics=metrics,
        confidence=confidence,
    ).table
    unit_rows = table[table["side"] == _UNIT].set_index(["unit", "metric"])
    rest_rows = table[table["side"] == _REST].set_index(["unit", "metric"])
    index = pd.MultiIndex.from_product([units, metrics], names=["unit", "metric"])
    mine, rest = unit_rows.reindex(index), rest_rows.reindex(index)
    out = pd.DataFrame(
        {
            "n": mine["n"].fillna(0).astype("int64"),
            "estimate": mine["estimate"],
            "ci_low": mine["ci_low"],
            "ci_high": mine["ci_high"],
            "rest_n": rest["n"].fillna(0).astype("int64"),
            "rest": rest["estimate"],
            "rest_ci_low": rest["ci_low"],
            "rest_ci_high": rest["ci_high"],
            "difference": mine["change"],
            "difference_ci_low": mine["change_ci_low"],
            "difference_ci_high": mine["change_ci_high"],
            "p_value": mine["change_p_value"],
        },
        index=index,
    )
    return out.reset_index()


def unit_vs_rest(
    frame: pd.DataFrame,
    by: str,
    period: str | pd.Period | None = None,
    metrics: Sequence[str] | None = None,
    confidence: float = 0.95,
    *,
    min_responses: int = DEFAULT_MIN_RESPONSES,
    date: str = "submitted_at",
) -> UnitComparison:
    """Every unit of ``by`` against the rest of the organisation, in one month.

    Parameters
    ----------
    frame : DataFrame
        Canonical feedback (``submitted_at``, the ``by`` column, KPI columns).
    by : str
        The unit column (region, store, ...). Rows with no value count in no unit but in every
        unit's rest (they are part of the organisation).
    period : str or Period, optional
        The month; default the latest month in the data.
    metrics : sequence of str, optional
        KPIs compared; default those of :data:`UNIT_METRICS` with answers in the month.
    confidence : float
        Level of every interval; the family's false discovery rate is ``1 - confidence``.
    min_responses : int
        Anonymity threshold: a unit with fewer responses in the month is not compared, and a KPI
        with fewer answers on either side is left out.
    date : str
        The date column.

    Returns
    -------
    UnitComparison

    Examples
    --------
    >>> frame = pd.DataFrame({
    ...     "submitted_at": pd.Timestamp("2026-10-05"),
    ...     "region": ["N"] * 40 + ["S"] * 40 + ["X"] * 3,
    ...     "csat": [5] * 30 + [2] * 10 + [5] * 10 + [2] * 30 + [5] * 3})
    >>> result = unit_vs_rest(frame, "region", "2026-10", metrics=["csat"])
    >>> result.table[["unit", "estimate", "rest", "significant", "shown"]]
      unit  estimate      rest  significant  shown
    0    N      0.75  0.302326         True   True
    1    S      0.25  0.767442         True   True
    2    X       NaN       NaN        False  False
    """
    if by not in frame.columns:
        raise AnalysisError(
            f"cannot compare units of {by!r}: no such column. Fix: name one of "
            f"{', '.join(map(str, frame.columns))}."
        )
    if isinstance(min_responses, bool) or not isinstance(min_responses, int) or min_responses < 1:
        raise AnalysisError(f"min_responses must be a whole number >= 1, not {min_responses!r}.")
    month = frame[date].dt.to_period("M")
    chosen = pd.Period(period, "M") if period is not None else month.max()
    current = frame.loc[month == chosen]
    if metrics is None:
        metrics = [m for m in UNIT_METRICS if m in current and current[m].notna().any()]
    metrics = list(metrics)
    counts = current[by].astype("object").value_counts(dropna=True)
    units = sorted(counts.index, key=str)
    responses = {u: int(counts[u]) for u in units}
    suppressed = {u: responses[u] < min_responses for u in units}
    shown_units = [u for u in units if not suppressed[u]]
    if shown_units and metrics:
        table = _compare(current, by, shown_units, metrics, confidence)
    else:
        table = _empty_table().drop(columns=["q_value", "significant", "shown"])
    hidden = (table["n"] < min_responses) | (table["rest_n"] < min_responses)
    table.loc[hidden, [c for c in table.columns if c not in ("unit", "metric", "n", "rest_n")]] = (
        np.nan
    )
    table["shown"] = ~hidden
    # suppressed units: a row per KPI, no numbers (not even how few responses there were)
    gone = pd.DataFrame(
        [{"unit": u, "metric": m, "shown": False} for u in units if suppressed[u] for m in metrics]
    )
    table = pd.concat([table, gone], ignore_index=True) if len(gone) else table
    p = table["p_value"].to_numpy(dtype=float)
    known = ~np.isnan(p)
    significant = np.zeros(len(p), dtype=bool)
    if known.any():
        significant[known] = evidence.fdr_survivors(p[known], confidence)
    table["q_value"] = evidence.fdr_adjust(p)
    table["significant"] = significant
    table["shown"] = table["shown"].astype(bool)
    rank = table["unit"].map({u: i for i, u in enumerate(units)}) * len(metrics) + table[
        "metric"
    ].map({m: i for i, m in enumerate(metrics)})
    table = table.iloc[np.argsort(rank.to_numpy(), kind="stable")].reset_index(drop=True)
    unit_frame = pd.DataFrame(
        {
            "unit": pd.Series(units, dtype="object"),
            "responses": pd.array(
                [None if suppressed[u] else responses[u] for u in units], dtype="Int64"
            ),
            "suppressed": [suppressed[u] for u in units],
        }
    )
    return UnitComparison(
        table=table,
        units=unit_frame,
        by=by,
        period=chosen,
        metrics=tuple(metrics),
        confidence=confidence,
        min_responses=min_responses,
    )
