"""Anonymity of KPI cells: primary and complementary (secondary) suppression.

Statistical disclosure control as statistics offices publish tables (e.g. Hundepool et al.,
*Statistical Disclosure Control*, Wiley 2012, ch. 4; the threshold rule): a cell with fewer
answers than the threshold is not published (*primary* suppression). When a table's cells add
up to a total that is also shown (the channels of a month add up to the month), one hidden
cell could be worked out as the total minus the others, so the smallest other cell of the same
margin is hidden too (*complementary* suppression). A change from a hidden previous period is
not shown either (the previous value would follow from it).

:func:`suppress_cells` is applied by :func:`~fbresearch.analyses.kpis.kpi_table` with the
page's threshold (:func:`fbresearch.privacy.min_responses`); the hidden cells' keys stay in the
result so that its table and summary can say what is not shown.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from fbresearch.privacy import anonymity_note

__all__ = ["suppress_cells", "hidden_note", "CHANGE_COLUMNS"]

#: the columns that hold a period-on-period change
CHANGE_COLUMNS = ("previous", "change", "change_ci_low", "change_ci_high", "change_p_value")


def _complementary(table: pd.DataFrame, hidden: np.ndarray, margin: list[str]) -> np.ndarray:
    """Also hide the smallest other cell of every margin with exactly one hidden cell."""
    hidden = hidden.copy()
    n = table["n"].to_numpy(dtype=float)
    groups = table.groupby(margin, sort=False, dropna=False, observed=True).indices
    for rows in groups.values():
        mine = hidden[rows]
        if mine.sum() == 1 and len(rows) > 1:
            others = rows[~mine]
            hidden[others[np.argmin(n[others])]] = True
    return hidden


def suppress_cells(
    table: pd.DataFrame, keys: Sequence[str], time: str | None, minimum: int | None
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """A KPI table without its cells below ``minimum`` answers, and the keys of those cells.

    Parameters
    ----------
    table : DataFrame
        :func:`~fbresearch.analyses.kpis.kpi_table`'s tidy table (keys, ``metric``, ``n``, ...).
    keys : sequence of str
        Its grouping columns; the last one that is not ``time`` is the one summed over in a
        margin (channels within a month).
    time : str or None
        The period column, if any.
    minimum : int or None
        The anonymity threshold (``None``: nothing is hidden).

    Returns
    -------
    kept : DataFrame
        The shown cells (a change from a hidden previous period removed).
    hidden : DataFrame or None
        The keys and ``metric`` of every hidden cell (no numbers) and its ``reason``
        (``"primary"`` or ``"complementary"``), ``None`` when none is.

    Examples
    --------
    Channels of one month: ``call`` has 3 answers (primary), ``app`` is the smallest other
    channel (complementary, else ``call`` = month minus the others):

    >>> table = pd.DataFrame({"channel": ["web", "app", "call"], "metric": "nps",
    ...                       "n": [50, 20, 3], "estimate": [10.0, 5.0, 33.3]})
    >>> kept, hidden = suppress_cells(table, ["channel"], None, 10)
    >>> kept["channel"].tolist(), hidden["channel"].tolist(), hidden["reason"].tolist()
    (['web'], ['app', 'call'], ['complementary', 'primary'])
    """
    if minimum is None or table.empty:
        return table, None
    keys = list(keys)
    primary = table["n"].to_numpy(dtype=float) < minimum
    hidden = primary
    others = [k for k in keys if k != time]
    if others and hidden.any():
        hidden = _complementary(table, hidden, ["metric"] + [k for k in keys if k != others[-1]])
    if not hidden.any():
        return table, None
    table = table.copy()
    if time is not None and "change" in table.columns:
        after = table.loc[hidden, [*keys, "metric"]]
        after[time] = after[time] + 1  # the cells whose previous period is hidden
        marks = table[[*keys, "metric"]].merge(after.assign(_prev=True), how="left")
        prev_hidden = marks["_prev"].eq(True).to_numpy()
        columns = [c for c in CHANGE_COLUMNS if c in table.columns]
        table.loc[prev_hidden, columns] = np.nan
    gone = table.loc[hidden, [*keys, "metric"]].reset_index(drop=True)
    gone["reason"] = np.where(primary[hidden], "primary", "complementary")
    return table.loc[~hidden].reset_index(drop=True), gone


def hidden_note(minimum: int, reason: str = "primary") -> str:
    """What a hidden KPI cell says in its place.

    Examples
    --------
    >>> hidden_note(10)
    'fewer than 10 answers: not shown to protect anonymity'
    >>> hidden_note(10, "complementary")
    'not shown to protect anonymity: it would let a cell of fewer than 10 answers be worked out'
    """
    if reason == "complementary":
        return (
            "not shown to protect anonymity: it would let a cell of fewer than "
            f"{minimum} answers be worked out"
        )
    return anonymity_note(minimum, "answers")
