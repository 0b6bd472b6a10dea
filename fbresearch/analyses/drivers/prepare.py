"""Names, column checks and the one data preparation every driver analysis shares.

Every analysis validates the outcome and the drivers, drops incomplete responses listwise and
counts what was dropped; :func:`prepare` does it once and :func:`check` refuses data a model
cannot use with a message that names the column and the fix.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from fbresearch.errors import AnalysisError, FeedbackDataError
from fbresearch.schema import METRICS

__all__ = [
    "MIN_PER_PARAMETER",
    "Prepared",
    "check",
    "driver_label",
    "labels_for",
    "minimum_n",
    "numeric",
    "outcome_name",
    "prepare",
    "resolve_drivers",
]


# --------------------------------------------------------------------------------------------
# Names and labels


def outcome_name(outcome: str) -> str:
    """The registry label of a measure (``"nps"`` -> ``"NPS"``), else the column name.

    Examples
    --------
    >>> outcome_name("csat"), outcome_name("loyalty")
    ('CSAT', 'loyalty')
    """
    spec = METRICS.get(outcome)
    return spec.label if spec is not None else outcome


def driver_label(column: str) -> str:
    """A reader's name for a rating column: ``rating_delivery_speed`` -> ``Delivery speed``.

    Examples
    --------
    >>> driver_label("rating_delivery_speed")
    'Delivery speed'
    >>> driver_label("nps")
    'NPS'
    """
    if column in METRICS:
        return METRICS[column].label
    name = column[len("rating_") :] if column.startswith("rating_") else column
    name = name.replace("_", " ").strip()
    return name[:1].upper() + name[1:] if name else column


def labels_for(columns: Sequence[str], labels: Mapping[str, str] | None) -> dict[str, str]:
    """Column -> reader's name: ``labels`` where given, else :func:`driver_label`.

    Examples
    --------
    >>> labels_for(["rating_a", "rating_b"], {"rating_b": "Bee"})
    {'rating_a': 'A', 'rating_b': 'Bee'}
    """
    labels = dict(labels or {})
    return {c: labels.get(c, driver_label(c)) for c in columns}


def resolve_drivers(frame: pd.DataFrame, drivers: str | Sequence[str]) -> list[str]:
    """The driver columns: a list of names, or a glob pattern such as ``"rating_*"``.

    Raises
    ------
    FeedbackDataError
        When a named column is absent or the pattern matches no column.

    Examples
    --------
    >>> frame = pd.DataFrame({"nps": [1], "rating_a": [1], "rating_b": [2]})
    >>> resolve_drivers(frame, "rating_*")
    ['rating_a', 'rating_b']
    """
    columns = [str(c) for c in frame.columns]
    if isinstance(drivers, str):
        if any(ch in drivers for ch in "*?["):
            found = [c for c in columns if fnmatch.fnmatchcase(c, drivers)]
            if not found:
                raise FeedbackDataError(
                    f"the driver pattern {drivers!r} matches no column",
                    source="DataFrame",
                    fix=f"name the rating columns explicitly; the columns are {columns}.",
                )
            return found
        drivers = [drivers]
    found = list(dict.fromkeys(str(d) for d in drivers))
    for column in found:
        if column not in columns:
            raise FeedbackDataError(
                "driver column not found",
                source="DataFrame",
                column=column,
                fix=f"use one of {columns} or map your column name in params `ratings:`.",
            )
    if not found:
        raise AnalysisError("No driver columns given: pass a list of rating columns or 'rating_*'.")
    return found


# --------------------------------------------------------------------------------------------
# Data preparation and checks


def numeric(frame: pd.DataFrame, column: str, role: str) -> pd.Series:
    """The column as float (missing = NaN); a clear error for text that is not a number."""
    if column not in frame.columns:
        raise FeedbackDataError(
            f"{role} column not found",
            source="DataFrame",
            column=column,
            fix=f"use one of {[str(c) for c in frame.columns]}.",
        )
    raw = frame[column]
    if pd.api.types.is_bool_dtype(raw) or pd.api.types.is_numeric_dtype(raw):
        return pd.Series(raw.to_numpy(dtype=float, na_value=np.nan), index=frame.index, name=column)
    values = pd.to_numeric(raw, errors="coerce")
    bad = values.isna() & raw.notna()
    if bad.any():
        positions = np.flatnonzero(bad.to_numpy()) + 1
        examples = [str(v) for v in raw[bad].unique()[:3]]
        raise FeedbackDataError(
            f"{role} must be numeric but holds text such as {examples}",
            source="DataFrame",
            column=column,
            rows=positions[:5],
            fix="map the answers to numbers (e.g. 'very good' -> 5) before the analysis, "
            "or drop the column from the drivers.",
        )
    return pd.Series(values.to_numpy(dtype=float, na_value=np.nan), index=frame.index, name=column)


@dataclass(frozen=True)
class Prepared:
    """Complete rows (listwise) of outcome and drivers as floats, plus what was dropped."""

    values: np.ndarray  # (n, p + 1): drivers, then the outcome
    index: pd.Index
    outcome: str
    drivers: tuple[str, ...]
    n_total: int
    missing_by_column: dict[str, int]

    @property
    def n(self) -> int:
        return int(self.values.shape[0])

    @property
    def n_dropped(self) -> int:
        return self.n_total - self.n


def prepare(
    frame: pd.DataFrame,
    outcome: str,
    drivers: str | Sequence[str],
    extra: Sequence[str] = (),
    missing: str = "listwise",
    n_terms: int | None = None,
) -> Prepared:
    """Validate outcome and drivers and drop incomplete rows (listwise).

    ``extra`` columns (controls) take part in the listwise deletion but are not converted.
    ``n_terms`` is the number of model terms besides the intercept (default: the drivers).

    Examples
    --------
    >>> frame = pd.DataFrame({"rating_a": [1, 2, None, 4, 5] * 8, "rating_b": [2, 1, 2, 5, 3] * 8,
    ...                       "nps": [3, 4, 5, 9, 8] * 4 + [4, 4, 6, 8, 9] * 4})
    >>> data = prepare(frame, "nps", "rating_*")
    >>> data.n, data.n_dropped, data.missing_by_column
    (32, 8, {'rating_a': 8})
    """
    if missing not in ("listwise", "raise"):
        raise AnalysisError(
            f"missing={missing!r} is not supported: use 'listwise' (drop responses with any "
            "missing rating, counted and reported) or 'raise' (stop when any rating is missing)."
        )
    if not isinstance(frame, pd.DataFrame):
        raise AnalysisError("frame must be a pandas DataFrame with one row per response.")
    names = resolve_drivers(frame, drivers)
    if outcome in names:
        names = [d for d in names if d != outcome]
        if not names:
            raise AnalysisError(f"The outcome {outcome!r} cannot also be its only driver.")
    table = _answers(frame, outcome, names, extra)
    prepared = _listwise(frame, table, outcome, names, extra, missing)
    check(prepared, len(names) if n_terms is None else n_terms)
    return prepared


def _answers(
    frame: pd.DataFrame, outcome: str, names: list[str], extra: Sequence[str]
) -> pd.DataFrame:
    """Drivers and outcome as floats; an error for a column with no answer or a missing control."""
    y = numeric(frame, outcome, "outcome")
    columns = {d: numeric(frame, d, "driver rating") for d in names}
    n_total = len(frame)
    for d, values in columns.items():
        if n_total and values.isna().all():
            raise FeedbackDataError(
                f"driver has no ratings (all {n_total:,} rows are missing)",
                source="DataFrame",
                column=d,
                fix="check the column mapping in params `ratings:`, or drop it from the drivers.",
            )
    if n_total and y.isna().all():
        raise FeedbackDataError(
            f"outcome has no answers (all {n_total:,} rows are missing)",
            source="DataFrame",
            column=outcome,
            fix="choose an outcome column that holds scores (e.g. 'nps' or 'csat').",
        )
    for c in extra:
        if c not in frame.columns:
            raise FeedbackDataError(
                "control column not found",
                source="DataFrame",
                column=c,
                fix=f"use one of {[str(x) for x in frame.columns]}.",
            )
    table = pd.DataFrame(columns)
    table[outcome] = y
    return table


def _listwise(
    frame: pd.DataFrame,
    table: pd.DataFrame,
    outcome: str,
    names: list[str],
    extra: Sequence[str],
    missing: str,
) -> Prepared:
    """Keep the complete responses (of ``table`` and the ``extra`` columns); count the rest."""
    missing_mask = table.isna()
    extra_missing = frame[list(extra)].isna() if extra else pd.DataFrame(index=frame.index)
    missing_by_column = {c: int(v) for c, v in missing_mask.sum().items() if v}
    missing_by_column.update({c: int(v) for c, v in extra_missing.sum().items() if v})
    keep = ~(missing_mask.any(axis=1) | extra_missing.any(axis=1))
    if missing == "raise" and not keep.all():
        worst = max(missing_by_column, key=missing_by_column.get)
        raise FeedbackDataError(
            f"{int((~keep).sum()):,} responses have a missing rating (missing='raise')",
            source="DataFrame",
            column=worst,
            rows=(np.flatnonzero(~keep.to_numpy()) + 1)[:5],
            fix="use missing='listwise' to drop them (they are counted in the result).",
        )
    complete = table[keep]
    return Prepared(
        values=complete[names + [outcome]].to_numpy(dtype=float),
        index=complete.index,
        outcome=outcome,
        drivers=tuple(names),
        n_total=len(frame),
        missing_by_column=missing_by_column,
    )


#: Complete responses needed per estimated parameter (each term and the intercept). Ten per
#: parameter is the usual rule for linear models (Harrell 2015, Regression Modeling
#: Strategies, 4.4); with fewer, R squared and its shares are inflated by chance and the robust
#: (HC3) standard errors are themselves unstable.
MIN_PER_PARAMETER = 10


def minimum_n(n_terms: int) -> int:
    """Complete responses a model with ``n_terms`` terms (besides the intercept) needs.

    Examples
    --------
    >>> minimum_n(5)
    60
    """
    return MIN_PER_PARAMETER * (n_terms + 1)


def check(data: Prepared, n_terms: int) -> None:
    """Raise a clear error for data an analysis cannot use (names the column and the fix).

    Examples
    --------
    >>> frame = pd.DataFrame({"rating_a": [1, 2, 3] * 10, "nps": [5] * 30})
    >>> prepare(frame, "nps", ["rating_a"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    fbresearch.errors.AnalysisError: The outcome 'nps' has one value (5) in all 30 complete ...
    >>> prepare(frame.head(12).assign(nps=range(12)), "nps", ["rating_a"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    fbresearch.errors.AnalysisError: Only 12 complete responses for 1 model terms: the model ...
    """
    n = data.n
    needed = minimum_n(n_terms)
    if n < needed:
        dropped = ""
        if data.missing_by_column:
            parts = ", ".join(f"{driver_label(c)} {k:,}" for c, k in data.missing_by_column.items())
            dropped = f" (responses with a missing answer were dropped: {parts})"
        raise AnalysisError(
            f"Only {n:,} complete responses for {n_terms} model terms{dropped}: the model needs "
            f"at least {needed:,} ({MIN_PER_PARAMETER} per estimated coefficient, intercept "
            "included). Fix: use fewer drivers or controls, a longer period, or drop the driver "
            "that is missing most often."
        )
    _check_spread(data)
    _check_collinear(data)


def _check_spread(data: Prepared) -> None:
    """The outcome and every driver must vary across the complete responses."""
    n, p, values = data.n, len(data.drivers), data.values
    outcome = values[:, -1]
    if np.ptp(outcome) == 0:
        raise AnalysisError(
            f"The outcome {data.outcome!r} has one value ({outcome[0]:g}) in all {n:,} complete "
            "responses, so nothing can explain its variation. Fix: choose another outcome or a "
            "longer period."
        )
    spread = np.ptp(values[:, :p], axis=0)
    for j in np.flatnonzero(spread == 0):
        raise AnalysisError(
            f"The driver {data.drivers[j]!r} has the same rating ({values[0, j]:g}) in all "
            f"{n:,} complete responses, so it cannot explain differences. Fix: drop it from the "
            "drivers."
        )


def _check_collinear(data: Prepared) -> None:
    """No driver may be a copy, a perfect correlate or a combination of the others."""
    p, values = len(data.drivers), data.values
    corr = np.corrcoef(values[:, :p], rowvar=False).reshape(p, p)
    for i in range(p):
        for j in range(i + 1, p):
            if abs(corr[i, j]) > 1 - 1e-10:
                same = (
                    "identical to"
                    if np.array_equal(values[:, i], values[:, j])
                    else ("perfectly correlated with")
                )
                raise AnalysisError(
                    f"The driver {data.drivers[j]!r} is {same} {data.drivers[i]!r}, so their "
                    "effects cannot be told apart. Fix: keep one of them (or average them into "
                    "one rating)."
                )
    if p > 1:
        eigenvalues = np.linalg.eigvalsh(corr)
        if eigenvalues[0] < 1e-10 * max(eigenvalues[-1], 1.0):
            vector = np.linalg.eigh(corr)[1][:, 0]
            involved = [data.drivers[j] for j in np.flatnonzero(np.abs(vector) > 0.1)]
            raise AnalysisError(
                f"The drivers {involved} are exactly collinear (one is a combination of the "
                "others), so their effects cannot be told apart. Fix: drop one of them."
            )
