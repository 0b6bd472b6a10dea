"""Satisfaction by every customer attribute present (region, plan, age bands, ...).

Examples
--------
>>> segment_attributes(pd.DataFrame({"nps": [1, 2], "plan": ["a", "b"]}))
['plan']
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from fbresearch.analyses.segments.profile import (
    PROFILE_METRICS,
    _holm,
    profile_segments,
    usable_metrics,
)
from fbresearch.analyses.segments.results import ProfileResult
from fbresearch.errors import AnalysisError
from fbresearch.schema import CANONICAL, FLAG_COLUMNS, RATING_PREFIX

__all__ = ["segment_attributes", "profile_attributes"]

#: columns the loader adds that describe when, not who (a survey wave's month)
_NOT_ATTRIBUTES = ("wave",)


def segment_attributes(frame: pd.DataFrame, max_levels: int = 12) -> list[str]:
    """Columns that describe who answered (region, plan, age, ...), usable as segments.

    Kept: a column that is not canonical (ids, dates, scores, text), not an attribute rating
    and not a loader flag, with 2 to ``max_levels`` distinct values, or numeric with more
    (banded into quartiles by :func:`profile_attributes`). Free-text and id-like columns with
    more distinct values than ``max_levels`` are left out.

    Examples
    --------
    >>> frame = pd.DataFrame({"nps": [9, 3, 7, 10], "region": ["N", "S", "N", "S"],
    ...                       "age": [23, 35, 51, 62], "order_no": ["a", "b", "c", "d"]})
    >>> segment_attributes(frame, max_levels=3)
    ['region', 'age']
    """
    out = []
    for col in frame.columns:
        if (
            col in CANONICAL
            or col in _NOT_ATTRIBUTES
            or col in FLAG_COLUMNS
            or str(col).startswith(RATING_PREFIX)
        ):
            continue
        values = frame[col]
        if pd.api.types.is_datetime64_any_dtype(values) or pd.api.types.is_bool_dtype(values):
            continue
        levels = values.nunique(dropna=True)
        numeric = pd.api.types.is_numeric_dtype(values)
        if levels >= 2 and (levels <= max_levels or numeric):
            out.append(str(col))
    return out


def profile_attributes(
    frame: pd.DataFrame,
    attributes: Sequence[str] | None = None,
    metrics: Sequence[str] | None = None,
    confidence: float = 0.95,
    alpha: float = 0.05,
    max_levels: int = 12,
) -> ProfileResult:
    """Satisfaction by every segment attribute present, each level against the rest.

    The segmentation page's view when there are no orders (no RFM): one block of rows per
    attribute from :func:`segment_attributes` (numeric ones such as age in quartile bands),
    with the scores, CIs and tests of :func:`profile_segments`. The Holm correction runs over
    every level of every attribute together, per metric, since all of them are tested at once.

    Parameters
    ----------
    attributes : sequence of str, optional
        Default: :func:`segment_attributes` of ``frame``.
    metrics : sequence of {"nps", "csat", "csat_mean", "satisfied", "ces"}, optional
        Those without answers are left out (the notes say which). Default: ``nps`` and
        ``csat``, or when the frame has answers for neither, the first of ``satisfied`` and
        ``ces`` that it has.

    Examples
    --------
    >>> frame = pd.DataFrame({"region": ["N"] * 40 + ["S"] * 40,
    ...                       "nps": [10] * 30 + [3] * 10 + [10] * 10 + [3] * 30})
    >>> res = profile_attributes(frame)
    >>> res.table[["segment", "estimate", "significant"]].values.tolist()
    [['region: N', 50.0, True], ['region: S', -50.0, True]]
    """
    attributes = (
        list(attributes) if attributes is not None else segment_attributes(frame, max_levels)
    )
    if not attributes:
        raise AnalysisError(
            "no segment attribute to compare: add columns such as region, plan or age "
            f"(2 to {max_levels} distinct values), or an orders file for RFM segments."
        )
    notes: tuple[str, ...] = ()
    if metrics is None:
        has = [m for m in PROFILE_METRICS if m != "csat_mean" and m in frame]
        has = [m for m in has if pd.to_numeric(frame[m], errors="coerce").notna().any()]
        metrics = [m for m in has if m in ("nps", "csat")] or has[:1] or ["nps", "csat"]
    else:
        metrics, notes = usable_metrics(frame, metrics)
    tables, estimates = [], {}
    for attribute in attributes:
        values = frame[attribute]
        if pd.api.types.is_numeric_dtype(values) and values.nunique() > max_levels:
            values = _bands(values)
        elif not isinstance(values.dtype, pd.CategoricalDtype):
            values = values.astype("string")
        named = frame.assign(_segment=values)
        if named["_segment"].notna().sum() == 0:
            continue
        res = profile_segments(
            named, "_segment", metrics=metrics, confidence=confidence, alpha=alpha
        )
        table = res.table.assign(attribute=attribute)
        table["segment"] = attribute + ": " + table["segment"].astype(str)
        tables.append(table)
        for key, est in res.estimates.items():
            estimates[(f"{attribute}: {key[0]}", *key[1:])] = est
    if not tables:
        raise AnalysisError(
            f"no response has a value in {', '.join(attributes)}: nothing to compare."
        )
    table = pd.concat(tables, ignore_index=True)
    _holm(table, alpha)
    return ProfileResult(
        table=table,
        notes=notes,
        estimates=estimates,
        segment="attribute",
        alpha=alpha,
        confidence=confidence,
    )


def _bands(values: pd.Series) -> pd.Series:
    """Quartile bands of a numeric column, each named by the lowest and highest value in it.

    Examples
    --------
    >>> _bands(pd.Series(range(18, 26))).astype(str).tolist()
    ['18-19', '18-19', '20-21', '20-21', '22-23', '22-23', '24-25', '24-25']
    """
    bands = pd.qcut(values, 4, duplicates="drop")
    present = [c for c in bands.cat.categories if (bands == c).any()]
    bands = bands.cat.set_categories(present)
    labels = []
    for band in present:
        inside = values[bands == band]
        low, high = inside.min(), inside.max()
        labels.append(f"{low:g}" if low == high else f"{low:g}-{high:g}")
    return bands.cat.rename_categories(labels)
