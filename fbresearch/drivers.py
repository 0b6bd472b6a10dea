"""Key-driver analysis: what moves NPS and CSAT, how sure we are, and what to fix first.

Four analyses share one data preparation (column checks, listwise deletion, counts of what was
dropped):

- :func:`key_drivers`: a regression of the outcome on the attribute ratings (OLS with HC3
  standard errors, or an ordinal or logistic model), raw and standardized coefficients with
  CIs, variance inflation factors and a collinearity warning;
- :func:`relative_importance`: each driver's share of R squared, by the exact LMG (Shapley)
  decomposition over all subsets of drivers or by Johnson's relative weights, with bootstrap
  CIs;
- :func:`importance_performance`: importance against performance (mean rating or top-box
  share), quadrants and a ranked priority table with plain sentences;
- :func:`driver_trend`: the importance of each driver in this period against the previous ones,
  with a bootstrap CI for the change.

How the exact LMG stays fast
----------------------------
LMG averages each driver's increase in R squared over all orderings of the drivers, which is the
Shapley value of the "R squared of a subset" game: a weighted sum over the 2**p subsets. R squared
of any subset follows from the correlation matrix alone, so the rows are read once. The R squared
of every subset comes from one sweep over the drivers: keeping, for every subset of the drivers
seen so far, the residual covariance of the remaining variables given that subset. Including a
driver is a Schur complement (one step of a Cholesky factorisation), leaving it out drops a row
and a column; after the last driver the outcome's residual variance in each of the 2**p branches
is 1 - R squared of that subset. All branches at one depth are processed as one numpy array, so
20 drivers (about a million subsets) take well under a second. The correlation matrix of a
well-posed problem is positive definite, so the pivots are positive and no pivoting is needed.
"""

from __future__ import annotations

import fnmatch
import math
import os
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from fbresearch import metrics
from fbresearch.errors import AnalysisError, FeedbackDataError
from fbresearch.results import Estimate, Finding, Result, format_number

__all__ = [
    "key_drivers",
    "relative_importance",
    "importance_performance",
    "driver_trend",
    "driver_label",
    "resolve_drivers",
    "DriverResult",
    "ImportancePerformanceResult",
    "DriverTrendResult",
    "QUADRANTS",
    "VIF_MODERATE",
    "VIF_SEVERE",
]

#: A VIF above this makes a coefficient's CI noticeably wider than it would be without overlap.
VIF_MODERATE = 5.0
#: A VIF above this makes a coefficient unreliable (sign and size can flip with a few rows).
VIF_SEVERE = 10.0
#: The importance-performance quadrants, in priority order.
QUADRANTS = ("fix first", "keep up", "low priority", "possible overkill")
#: Exact LMG enumerates 2**p subsets; beyond this it is refused (memory grows as 2**p).
MAX_LMG_DRIVERS = 22

_MODELS = ("ols", "ordinal", "logit")
_METHODS = ("lmg", "johnson")
_KNOWN_OUTCOMES = {"nps": "NPS", "csat": "CSAT", "ces": "CES"}


# --------------------------------------------------------------------------------------------
# Names and labels


def driver_label(column: str) -> str:
    """A reader's name for a rating column: ``rating_delivery_speed`` -> ``Delivery speed``.

    Examples
    --------
    >>> driver_label("rating_delivery_speed")
    'Delivery speed'
    >>> driver_label("nps")
    'NPS'
    """
    if column in _KNOWN_OUTCOMES:
        return _KNOWN_OUTCOMES[column]
    name = column[len("rating_") :] if column.startswith("rating_") else column
    name = name.replace("_", " ").strip()
    return name[:1].upper() + name[1:] if name else column


def _labels(columns: Sequence[str], labels: Mapping[str, str] | None) -> dict[str, str]:
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


def _numeric(frame: pd.DataFrame, column: str, role: str) -> pd.Series:
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
class _Prepared:
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


def _prepare(
    frame: pd.DataFrame,
    outcome: str,
    drivers: str | Sequence[str],
    extra: Sequence[str] = (),
    missing: str = "listwise",
    n_terms: int | None = None,
) -> _Prepared:
    """Validate outcome and drivers and drop incomplete rows (listwise).

    ``extra`` columns (controls) take part in the listwise deletion but are not converted.
    ``n_terms`` is the number of model terms besides the intercept (default: the drivers).
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
    y = _numeric(frame, outcome, "outcome")
    columns = {d: _numeric(frame, d, "driver rating") for d in names}
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
    prepared = _Prepared(
        values=complete[names + [outcome]].to_numpy(dtype=float),
        index=complete.index,
        outcome=outcome,
        drivers=tuple(names),
        n_total=n_total,
        missing_by_column=missing_by_column,
    )
    _check(prepared, len(names) if n_terms is None else n_terms)
    return prepared


def _check(data: _Prepared, n_terms: int) -> None:
    """Raise a clear error for data an analysis cannot use (names the column and the fix)."""
    n, p = data.n, len(data.drivers)
    if n < n_terms + 2:
        dropped = ""
        if data.missing_by_column:
            parts = ", ".join(f"{c} {k:,}" for c, k in data.missing_by_column.items())
            dropped = f" (responses with a missing answer were dropped: {parts})"
        raise AnalysisError(
            f"Only {n:,} complete responses for {n_terms} model terms{dropped}: the model needs "
            f"at least {n_terms + 2} (better 10 per driver). Fix: use fewer drivers, a longer "
            "period, or drop the driver that is missing most often."
        )
    values = data.values
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


def _outcome_name(outcome: str) -> str:
    return _KNOWN_OUTCOMES.get(outcome, outcome)


# --------------------------------------------------------------------------------------------
# Exact LMG and Johnson's relative weights from a correlation matrix


def _subset_r2(corr: np.ndarray) -> np.ndarray:
    """R squared of the outcome (last variable) on every subset of the other variables.

    Returns an array of length ``2**p`` whose entry ``m`` is the R squared of the subset whose
    members are the set bits of ``m`` (bit j = driver j). See the module docstring for the
    sweep; this is written out (rather than refitting with statsmodels per subset) because a
    million refits would take hours and the sweep shares all work between subsets.
    """
    p = corr.shape[0] - 1
    if p > MAX_LMG_DRIVERS:
        raise AnalysisError(
            f"Exact LMG over {p} drivers needs 2**{p} subsets; use at most {MAX_LMG_DRIVERS} "
            "drivers or method='johnson'."
        )
    state = corr[None, :, :]
    for _ in range(p):
        pivot = state[:, 0, 0]
        row = state[:, 0, 1:]
        left_out = state[:, 1:, 1:]
        included = left_out - row[:, :, None] * (row[:, None, :] / pivot[:, None, None])
        state = np.concatenate([left_out, included], axis=0)
    return 1.0 - state[:, 0, 0] / corr[-1, -1]


@cache
def _shapley_weights(p: int) -> tuple[np.ndarray, np.ndarray]:
    """Subset sizes (popcounts of 0..2**p - 1) and the Shapley weight of each size."""
    sizes = np.zeros(1, dtype=np.int8)
    for _ in range(p):
        sizes = np.concatenate([sizes, sizes + 1])
    weights = np.array(
        [math.factorial(k) * math.factorial(p - k - 1) / math.factorial(p) for k in range(p)]
    )
    return sizes, weights


def _lmg_from_corr(corr: np.ndarray) -> np.ndarray:
    """Exact LMG shares (they sum to the full model's R squared) from the correlation matrix."""
    p = corr.shape[0] - 1
    r2 = _subset_r2(corr)
    sizes, weights = _shapley_weights(p)
    shares = np.empty(p)
    for j in range(p):
        # Subsets without j and with j sit at the same place of the two halves of axis 1.
        pairs = r2.reshape(-1, 2, 2**j)
        without = sizes.reshape(-1, 2, 2**j)[:, 0, :]
        shares[j] = np.sum(weights[without] * (pairs[:, 1, :] - pairs[:, 0, :]))
    return shares


def _johnson_from_corr(corr: np.ndarray) -> np.ndarray:
    """Johnson's (2000) relative weights: regress the outcome on the orthogonal counterparts.

    Written out because no kept library offers them (the PyPI package `dominance-analysis` no
    longer imports under numpy 2): with ``R = V diag(l) V'``, ``L = V diag(sqrt(l)) V'``,
    ``beta = L^-1 r_xy`` and the weight of driver j is ``sum_k L[j, k]**2 * beta[k]**2``.
    """
    rxx, rxy = corr[:-1, :-1], corr[:-1, -1]
    eigenvalues, vectors = np.linalg.eigh(rxx)
    root = vectors @ np.diag(np.sqrt(np.clip(eigenvalues, 0, None))) @ vectors.T
    beta = np.linalg.solve(root, rxy)
    return (root**2) @ (beta**2) / corr[-1, -1]


_SHARE_FUNCTIONS = {"lmg": _lmg_from_corr, "johnson": _johnson_from_corr}


def _correlation(values: np.ndarray, counts: np.ndarray | None = None) -> np.ndarray:
    """Correlation matrix of the columns, optionally with integer row weights (bootstrap)."""
    centred = values - values.mean(axis=0)
    if counts is None:
        cov = centred.T @ centred
    else:
        weighted = centred * counts[:, None]
        mean = weighted.sum(axis=0) / counts.sum()
        cov = centred.T @ weighted - counts.sum() * np.outer(mean, mean)
    scale = np.sqrt(np.diag(cov))
    with np.errstate(invalid="ignore", divide="ignore"):
        return cov / np.outer(scale, scale)


def _bootstrap_shares(
    values: np.ndarray, method: str, bootstrap: int, seed: int, workers: int | None
) -> np.ndarray:
    """``bootstrap`` draws of the shares: resample rows, recompute the correlation and shares.

    Draw b uses its own generator spawned from ``seed``, so the draws do not depend on the number
    of workers. A resample where a driver happens to be constant gives a row of NaN (ignored by
    the percentile CIs and counted in the result's attrs).
    """
    share = _SHARE_FUNCTIONS[method]
    n = values.shape[0]
    children = np.random.SeedSequence(seed).spawn(bootstrap)

    def one(b: int) -> np.ndarray:
        rng = np.random.default_rng(children[b])
        counts = np.bincount(rng.integers(0, n, n), minlength=n).astype(float)
        corr = _correlation(values, counts)
        if not np.all(np.isfinite(corr)):
            return np.full(values.shape[1] - 1, np.nan)
        try:
            return share(corr)
        except np.linalg.LinAlgError:
            return np.full(values.shape[1] - 1, np.nan)

    workers = _workers(workers)
    if workers == 1 or bootstrap < 8:
        draws = [one(b) for b in range(bootstrap)]
    else:
        with ThreadPoolExecutor(workers) as pool:  # numpy releases the GIL in matmul
            draws = list(pool.map(one, range(bootstrap)))
    return np.array(draws).reshape(bootstrap, values.shape[1] - 1)


def _workers(workers: int | None) -> int:
    if workers is not None:
        return max(1, int(workers))
    return max(1, min(2, os.cpu_count() or 1))


def _percentile_ci(draws: np.ndarray, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    if draws.size == 0:
        nan = np.full(draws.shape[1:], np.nan)
        return nan, nan
    alpha = (1 - confidence) / 2
    with np.errstate(all="ignore"):
        low = np.nanquantile(draws, alpha, axis=0)
        high = np.nanquantile(draws, 1 - alpha, axis=0)
    return low, high


@dataclass(frozen=True)
class _Importance:
    shares: np.ndarray  # raw: sum to r2
    draws: np.ndarray  # (B, p) raw shares per draw
    r2: float
    r2_draws: np.ndarray
    data: _Prepared
    method: str

    def normalized(self) -> tuple[np.ndarray, np.ndarray]:
        with np.errstate(all="ignore"):
            return self.shares / self.r2, self.draws / self.draws.sum(axis=1, keepdims=True)


def _importance(
    data: _Prepared, method: str, bootstrap: int, seed: int, workers: int | None
) -> _Importance:
    if method not in _METHODS:
        raise AnalysisError(f"method={method!r} is not known: use 'lmg' or 'johnson'.")
    if bootstrap < 0:
        raise AnalysisError("bootstrap must be 0 (no CIs) or a number of resamples such as 500.")
    corr = _correlation(data.values)
    shares = _SHARE_FUNCTIONS[method](corr)
    r2 = float(shares.sum()) if method == "lmg" else float(_subset_r2_full(corr))
    draws = _bootstrap_shares(data.values, method, int(bootstrap), seed, workers)
    return _Importance(shares, draws, r2, draws.sum(axis=1), data, method)


def _subset_r2_full(corr: np.ndarray) -> float:
    rxx, rxy = corr[:-1, :-1], corr[:-1, -1]
    return float(rxy @ np.linalg.solve(rxx, rxy))


def relative_importance(
    frame: pd.DataFrame,
    outcome: str,
    drivers: str | Sequence[str],
    method: str = "lmg",
    *,
    bootstrap: int = 0,
    seed: int = 0,
    confidence: float = 0.95,
    missing: str = "listwise",
    workers: int | None = None,
) -> pd.Series:
    """Each driver's share of R squared: exact LMG (Shapley) or Johnson's relative weights.

    LMG (Lindeman, Merenda and Gold 1980) averages a driver's increase in R squared over every
    order in which the drivers can enter the regression; it is computed exactly over all 2**p
    subsets (up to 22 drivers) from the correlation matrix. Johnson's (2000) relative weights
    approximate it in one step. Both sum to the R squared of the linear regression of the
    outcome on all drivers (with an intercept).

    Parameters
    ----------
    frame : DataFrame
        One row per response.
    outcome : str
        The outcome column (e.g. ``"nps"``).
    drivers : list of str or str
        Rating columns, or a glob pattern such as ``"rating_*"``.
    method : {"lmg", "johnson"}
        The decomposition.
    bootstrap : int, default 0
        Number of bootstrap resamples of rows for percentile CIs (0: none).
    seed : int, default 0
        Seed of the bootstrap; the same data and seed give the same CIs for any ``workers``.
    confidence : float, default 0.95
        Confidence level of the CIs.
    missing : {"listwise", "raise"}
        ``"listwise"`` drops responses with a missing outcome or rating (counted in attrs);
        ``"raise"`` stops with an error naming the column instead.
    workers : int, optional
        Threads for the bootstrap (default: up to 2).

    Returns
    -------
    pandas.Series
        Shares indexed by driver, named ``"share of R²"``; they sum to ``attrs["r_squared"]``.
        ``attrs`` also holds ``n`` (complete responses), ``n_dropped``, ``missing_by_column``,
        ``method``, ``confidence``, ``bootstrap`` and, when ``bootstrap > 0``, ``ci_low`` and
        ``ci_high`` (Series of the percentile bounds) and ``failed_draws``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(500, 2))
    >>> frame = pd.DataFrame({"rating_a": x[:, 0], "rating_b": x[:, 1],
    ...                       "nps": 2 * x[:, 0] + x[:, 1] + rng.normal(size=500)})
    >>> shares = relative_importance(frame, "nps", "rating_*")
    >>> str(shares.idxmax())
    'rating_a'
    >>> bool(abs(shares.sum() - shares.attrs["r_squared"]) < 1e-12)
    True
    """
    data = _prepare(frame, outcome, drivers, missing=missing)
    imp = _importance(data, method, bootstrap, seed, workers)
    series = pd.Series(imp.shares, index=pd.Index(data.drivers, name="driver"), name="share of R²")
    series.attrs.update(
        {
            "r_squared": imp.r2,
            "n": data.n,
            "n_dropped": data.n_dropped,
            "missing_by_column": dict(data.missing_by_column),
            "method": method,
            "confidence": confidence,
            "bootstrap": int(bootstrap),
        }
    )
    if bootstrap:
        low, high = _percentile_ci(imp.draws, confidence)
        series.attrs["ci_low"] = pd.Series(low, index=series.index)
        series.attrs["ci_high"] = pd.Series(high, index=series.index)
        series.attrs["failed_draws"] = int(np.isnan(imp.draws).any(axis=1).sum())
    return series


# --------------------------------------------------------------------------------------------
# Key-driver regression


def _design(frame: pd.DataFrame, data: _Prepared, controls: Sequence[str]) -> pd.DataFrame:
    """Drivers, then controls (numeric as they are, others one-hot with the first level dropped)."""
    design = pd.DataFrame(data.values[:, :-1], columns=list(data.drivers), index=data.index)
    for c in controls:
        column = frame.loc[data.index, c]
        if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
            design[c] = column.to_numpy(dtype=float)
        else:
            dummies = pd.get_dummies(
                column.astype("string"), prefix=c, prefix_sep="=", drop_first=True, dtype=float
            )
            design = pd.concat([design, dummies], axis=1)
    return design


def _vif(design: pd.DataFrame) -> pd.Series:
    """Variance inflation factors: the diagonal of the inverse correlation matrix of the terms.

    This is the same number statsmodels' ``variance_inflation_factor`` gives (one auxiliary
    regression per term, with a constant), computed in one step.
    """
    if design.shape[1] < 2:
        return pd.Series(1.0, index=design.columns)
    corr = np.corrcoef(design.to_numpy(dtype=float), rowvar=False)
    try:
        inv = np.linalg.inv(corr)
    except np.linalg.LinAlgError:
        return pd.Series(np.inf, index=design.columns)
    return pd.Series(np.diag(inv), index=design.columns)


def _positive_values(y: np.ndarray, outcome: str, positive: Sequence[float] | None) -> tuple:
    if positive is not None:
        return tuple(positive)
    levels = set(np.unique(y).tolist())
    if levels <= {0.0, 1.0}:
        return (1.0,)
    if min(levels) >= 0 and max(levels) <= 10 and (outcome == "nps" or max(levels) > 7):
        return (9.0, 10.0)
    if min(levels) >= 1 and max(levels) <= 5:
        return (4.0, 5.0)
    raise AnalysisError(
        f"model='logit' needs to know which answers of {outcome!r} count as positive. Fix: pass "
        "positive=(9, 10) (promoters) or the values you mean."
    )


@dataclass(frozen=True, eq=False)
class DriverResult(Result):
    """A key-driver regression: coefficients with CIs, VIFs, warnings and (optional) importance.

    Attributes
    ----------
    table : DataFrame
        One row per term (drivers first, then control terms): ``term``, ``label``, ``kind``
        (``"driver"`` or ``"control"``), ``coef``, ``ci_low``, ``ci_high``, ``se``, ``p_value``,
        ``std_coef``, ``std_ci_low``, ``std_ci_high``, ``vif`` and, when importance was asked
        for, ``importance`` (share of R²), ``importance_ci_low``, ``importance_ci_high`` and
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
    warnings : tuple of str
        Collinearity and fitting warnings, also in :meth:`summary`.
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
    warnings: tuple[str, ...] = ()
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

    def display_table(self) -> pd.DataFrame:
        """The coefficient table as a reader sees it: formatted estimates with CIs."""
        rows = self.table
        unit = {"ols": "points", "ordinal": "log-odds", "logit": "log-odds"}[self.model]
        shown = pd.DataFrame(
            {
                "Term": rows["label"],
                f"Per rating point ({unit})": [
                    _fmt(r.coef, r.ci_low, r.ci_high) for r in rows.itertuples()
                ],
                "Per SD of the rating": [
                    _fmt(r.std_coef, r.std_ci_low, r.std_ci_high) if r.kind == "driver" else "-"
                    for r in rows.itertuples()
                ],
                "p-value": [f"{p:.3f}" if p >= 0.001 else "<0.001" for p in rows["p_value"]],
                "VIF": [f"{v:.1f}" for v in rows["vif"]],
            }
        )
        if "importance" in rows:
            shown["Share of explained variation"] = [
                _fmt(r.explained_share, np.nan, np.nan, "share") if r.kind == "driver" else "-"
                for r in rows.itertuples()
            ]
        return shown

    def _scale_text(self) -> str:
        name = _outcome_name(self.outcome)
        return {
            "ols": f"points of {name}",
            "ordinal": f"log-odds of a higher {name} answer",
            "logit": f"log-odds of a positive {name} answer",
        }[self.model]

    def summary(self) -> str:
        model = {
            "ols": f"a linear regression with {self.cov_type} robust standard errors",
            "ordinal": "an ordinal logistic regression",
            "logit": "a logistic regression",
        }[self.model]
        parts = [
            f"{self.n:,} complete responses were analysed with {model}"
            + (
                f"; {self.n_dropped:,} responses with a missing answer were left out "
                f"(missing answers by question: {_missing_text(self.missing_by_column)})."
                if self.n_dropped
                else "; no response had a missing answer."
            ),
            f"The drivers{' and controls' if self.controls else ''} explain "
            f"{self.r_squared_kind} = {self.r_squared:.2f}.",
        ]
        drivers = self.table[self.table["kind"] == "driver"]
        top = drivers.reindex(drivers["std_coef"].abs().sort_values(ascending=False).index)
        for row in top.head(3).itertuples():
            parts.append(
                f"One point more on {row.label} goes with {row.coef:+.2f} "
                f"({row.ci_low:+.2f} to {row.ci_high:+.2f}) {self._scale_text()}, other ratings "
                "held equal."
            )
        parts.extend(self.warnings)
        return " ".join(parts)

    def findings(self) -> list[Finding]:
        drivers = self.table[self.table["kind"] == "driver"]
        if drivers.empty:
            return []
        row = drivers.loc[drivers["std_coef"].abs().idxmax()]
        est = self.coefficient(str(row["term"]))
        sentence = (
            f"{row['label']} moves {_outcome_name(self.outcome)} most: one rating point more goes "
            f"with {est.format(2)} {self._scale_text()}."
        )
        return [Finding(sentence, est, importance=0.6, analysis="drivers")]

    def plot(self, ax=None):  # noqa: ANN001, ANN201
        from fbresearch.plots import driver_coefficients

        return driver_coefficients(
            self.table[self.table["kind"] == "driver"],
            ax=ax,
            title=f"What goes with {_outcome_name(self.outcome)}: standardized coefficients",
            xlabel=(
                f"SDs of {_outcome_name(self.outcome)} per SD of the rating (with CI)"
                if self.model == "ols"
                else "Log-odds per SD of the rating (with CI)"
            ),
        )


def _missing_text(missing_by_column: Mapping[str, int]) -> str:
    if not missing_by_column:
        return "none"
    return ", ".join(f"{driver_label(c)} {k:,}" for c, k in missing_by_column.items())


def _collinearity_warnings(vif: pd.Series, labels: Mapping[str, str]) -> list[str]:
    severe = [labels.get(t, t) for t, v in vif.items() if v > VIF_SEVERE]
    moderate = [labels.get(t, t) for t, v in vif.items() if VIF_MODERATE < v <= VIF_SEVERE]
    out = []
    if severe:
        out.append(
            f"Warning: {', '.join(severe)} overlap strongly with other terms (VIF above "
            f"{VIF_SEVERE:g}): their separate coefficients are unreliable; read their combined "
            "importance (share of R²) instead."
        )
    if moderate:
        out.append(
            f"Caution: {', '.join(moderate)} overlap with other terms (VIF {VIF_MODERATE:g} to "
            f"{VIF_SEVERE:g}): their coefficients are less precise than they look."
        )
    return out


def key_drivers(
    frame: pd.DataFrame,
    outcome: str,
    drivers: str | Sequence[str],
    controls: Sequence[str] = (),
    model: str = "ols",
    *,
    confidence: float = 0.95,
    missing: str = "listwise",
    cov_type: str = "HC3",
    positive: Sequence[float] | None = None,
    importance: str | None = None,
    bootstrap: int = 0,
    seed: int = 0,
    labels: Mapping[str, str] | None = None,
    workers: int | None = None,
) -> DriverResult:
    """Regress the outcome on the attribute ratings: which ratings go with a better score.

    Parameters
    ----------
    frame : DataFrame
        One row per response.
    outcome : str
        The outcome column (``"nps"``, ``"csat"``, ...).
    drivers : list of str or str
        Rating columns, or a glob pattern such as ``"rating_*"``.
    controls : sequence of str
        Columns held constant (e.g. ``["plan", "region"]``); text and category columns are
        one-hot encoded with their first level as the reference.
    model : {"ols", "ordinal", "logit"}
        ``"ols"``: linear regression (statsmodels OLS) with ``cov_type`` standard errors;
        ``"ordinal"``: statsmodels ``OrderedModel`` (logit link) for a 1-5 CSAT answer;
        ``"logit"``: statsmodels ``Logit`` for a positive answer (``positive``) versus not.
    confidence : float, default 0.95
    missing : {"listwise", "raise"}
        Listwise deletion of responses with any missing answer (counted in the result), or an
        error naming the column.
    cov_type : str, default "HC3"
        Covariance of the OLS coefficients (any statsmodels ``cov_type``, e.g. ``"nonrobust"``).
        The ordinal and logit models use the maximum-likelihood covariance.
    positive : sequence of numbers, optional
        For ``model="logit"``: the answers that count as positive. Default: 9-10 (promoters) on
        a 0-10 scale, 4-5 on a 1-5 scale, 1 for a 0/1 outcome.
    importance : {"lmg", "johnson"}, optional
        Add each driver's share of R² (of the linear regression of the outcome, or of the 0/1
        positive answer for ``"logit"``, on the drivers alone) to the table.
    bootstrap : int, default 0
        Resamples for the importance CIs.
    seed : int, default 0
    labels : dict, optional
        Column -> reader's name (default: ``rating_delivery`` -> ``Delivery``).
    workers : int, optional
        Threads for the bootstrap.

    Returns
    -------
    DriverResult
        Raw coefficients (outcome points per rating point, or log-odds for ordinal and logit)
        and standardized ones (OLS: SDs of the outcome per SD of the driver; ordinal and logit:
        log-odds per SD of the driver), with CIs, VIFs and warnings.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> x = rng.integers(1, 6, size=(400, 2)).astype(float)
    >>> frame = pd.DataFrame({"rating_a": x[:, 0], "rating_b": x[:, 1],
    ...                       "nps": 1.5 * x[:, 0] + 0.5 * x[:, 1] + rng.normal(size=400)})
    >>> result = key_drivers(frame, "nps", ["rating_a", "rating_b"])
    >>> result.coefficient("rating_a").contains(1.5)
    True
    """
    import statsmodels.api as sm

    if model not in _MODELS:
        raise AnalysisError(f"model={model!r} is not known: use one of {list(_MODELS)}.")
    controls = (controls,) if isinstance(controls, str) else tuple(dict.fromkeys(controls))
    names = resolve_drivers(frame, drivers)
    data = _prepare(frame, outcome, names, extra=controls, missing=missing)
    design = _design(frame, data, controls)
    _check(data, design.shape[1])
    const = design.columns[design.std(ddof=0).to_numpy() == 0]
    if len(const):
        design = design.drop(columns=const)
    labels_map = _labels(list(data.drivers) + list(design.columns) + [outcome], labels)
    y = pd.Series(data.values[:, -1], index=data.index, name=outcome)
    alpha = 1 - confidence
    fit_warnings: list[str] = []
    if model == "ols":
        fit = sm.OLS(y, sm.add_constant(design, has_constant="add")).fit(cov_type=cov_type)
        r2, r2_kind = float(fit.rsquared), "R²"
        scale_y = float(y.std(ddof=1))
        importance_y = y
    elif model == "logit":
        yes = _positive_values(y.to_numpy(), outcome, positive)
        yb = y.isin(yes).astype(float)
        if yb.nunique() < 2:
            raise AnalysisError(
                f"Every complete response of {outcome!r} is "
                f"{'positive' if yb.iloc[0] else 'not positive'} (positive = {list(yes)}), so a "
                "logit cannot be fitted. Fix: choose other "
                "positive values or a longer period."
            )
        fit = sm.Logit(yb, sm.add_constant(design, has_constant="add")).fit(disp=0, maxiter=200)
        if not fit.mle_retvals.get("converged", True):
            fit_warnings.append("Warning: the logistic regression did not converge.")
        r2, r2_kind, scale_y = float(fit.prsquared), "McFadden pseudo R²", 1.0
        importance_y = yb
    else:
        from statsmodels.miscmodels.ordinal_model import OrderedModel

        levels = np.unique(y)
        if len(levels) < 3:
            raise AnalysisError(
                f"model='ordinal' needs at least three answer levels of {outcome!r}; found "
                f"{levels.tolist()}. Fix: use model='logit'."
            )
        ordered = pd.Series(
            pd.Categorical(y, categories=levels, ordered=True), index=y.index, name=outcome
        )
        fit = OrderedModel(ordered, design, distr="logit").fit(
            method="bfgs", disp=False, maxiter=500
        )
        if not fit.mle_retvals.get("converged", True):
            fit_warnings.append("Warning: the ordinal regression did not converge.")
        r2, r2_kind, scale_y = float(fit.prsquared), "McFadden pseudo R²", 1.0
        importance_y = y
    ci = fit.conf_int(alpha)
    terms = list(design.columns)
    sd = design.std(ddof=1)
    vif = _vif(design)
    table = pd.DataFrame(
        {
            "term": terms,
            "label": [labels_map.get(t, t) for t in terms],
            "kind": ["driver" if t in data.drivers else "control" for t in terms],
            "coef": fit.params[terms].to_numpy(dtype=float),
            "ci_low": ci.loc[terms].iloc[:, 0].to_numpy(dtype=float),
            "ci_high": ci.loc[terms].iloc[:, 1].to_numpy(dtype=float),
            "se": fit.bse[terms].to_numpy(dtype=float),
            "p_value": fit.pvalues[terms].to_numpy(dtype=float),
        }
    )
    factor = np.where(table["kind"] == "driver", sd[terms].to_numpy() / scale_y, np.nan)
    for src, dst in (("coef", "std_coef"), ("ci_low", "std_ci_low"), ("ci_high", "std_ci_high")):
        table[dst] = table[src] * factor
    table["vif"] = vif[terms].to_numpy()
    if importance is not None:
        imp_frame = pd.DataFrame(data.values[:, :-1], columns=list(data.drivers), index=data.index)
        imp_frame[outcome] = importance_y.to_numpy()
        imp_data = _prepare(imp_frame, outcome, list(data.drivers))
        imp = _importance(imp_data, importance, bootstrap, seed, workers)
        low, high = _percentile_ci(imp.draws, confidence)
        share, _ = imp.normalized()
        by_driver = pd.DataFrame(
            {
                "importance": imp.shares,
                "importance_ci_low": low,
                "importance_ci_high": high,
                "explained_share": share,
            },
            index=list(data.drivers),
        )
        table = table.join(by_driver, on="term")
    warnings = _collinearity_warnings(vif, labels_map) + fit_warnings
    return DriverResult(
        table=table,
        outcome=outcome,
        model=model,
        drivers=data.drivers,
        controls=controls,
        n=data.n,
        n_dropped=data.n_dropped,
        missing_by_column=dict(data.missing_by_column),
        r_squared=r2,
        r_squared_kind=r2_kind,
        confidence=confidence,
        cov_type=cov_type if model == "ols" else "maximum likelihood",
        warnings=tuple(warnings),
        labels=labels_map,
        fit=fit,
    )


# --------------------------------------------------------------------------------------------
# Importance-performance matrix


def _performance(
    frame: pd.DataFrame, driver: str, kind: str, top_box: Sequence[float], confidence: float
) -> Estimate:
    values = _numeric(frame, driver, "driver rating").dropna()
    if kind == "mean":
        return metrics.mean(values, confidence=confidence, name=driver)
    if kind == "top_box":
        return metrics.proportion(
            int(values.isin(list(top_box)).sum()), int(values.size), confidence, name=driver
        )
    raise AnalysisError(f"performance={kind!r} is not known: use 'mean' or 'top_box'.")


def _fmt(value: float, low: float, high: float, unit: str = "", digits: int = 2) -> str:
    """``value (low to high)`` via :meth:`Estimate.format`; the value alone when there is no CI."""
    if not (np.isfinite(low) and np.isfinite(high)):
        return format_number(value, 0 if unit == "share" else digits, percent=unit == "share")
    return Estimate(value, low, high, n=0, unit=unit).format(0 if unit == "share" else digits)


def _pct(value: float) -> str:
    return format_number(value, 0, percent=True)


def _ci_text(low: float, high: float) -> str:
    if not (np.isfinite(low) and np.isfinite(high)):
        return ""
    return f" (CI {100 * low:.0f}-{100 * high:.0f}%)"


@dataclass(frozen=True, eq=False)
class ImportancePerformanceResult(Result):
    """Importance (share of explained variation) against performance, with quadrants.

    Attributes
    ----------
    table : DataFrame
        The ranked priority table, one row per driver: ``priority`` (1 = act first), ``driver``,
        ``label``, ``quadrant``, ``importance`` (share of the explained variation, 0-1),
        ``importance_ci_low``, ``importance_ci_high``, ``r2_share`` (share of R²),
        ``performance``, ``performance_ci_low``, ``performance_ci_high``, ``n_rated``.
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

    def _performance_text(self, row: pd.Series) -> str:
        low, high = row["performance_ci_low"], row["performance_ci_high"]
        if self.performance == "mean":
            value = f"mean rating {row['performance']:.2f}"
            if np.isfinite(low) and np.isfinite(high):
                value += f", CI {low:.2f}-{high:.2f}"
        else:
            value = f"{_pct(row['performance'])} top-box ratings"
            if np.isfinite(low) and np.isfinite(high):
                value += f", CI {100 * low:.0f}-{100 * high:.0f}%"
        where = "average" if self.median_performance else "the threshold"
        if row["performance"] == self.thresholds["performance"] and self.median_performance:
            return f"is rated about average ({value})"
        level = "below" if row["performance"] < self.thresholds["performance"] else "above"
        return f"is rated {level} {where} ({value})"

    def display_table(self) -> pd.DataFrame:
        """The ranked priority table as a reader sees it: formatted estimates with CIs."""
        perf_unit = "" if self.performance == "mean" else "share"
        return pd.DataFrame(
            {
                "Priority": self.table["priority"],
                "Attribute": self.table["label"],
                "Quadrant": self.table["quadrant"],
                "Share of explained variation": [
                    _fmt(r.importance, r.importance_ci_low, r.importance_ci_high, "share")
                    for r in self.table.itertuples()
                ],
                "Mean rating" if self.performance == "mean" else "Top-box share": [
                    _fmt(r.performance, r.performance_ci_low, r.performance_ci_high, perf_unit)
                    for r in self.table.itertuples()
                ],
                "Ratings": self.table["n_rated"],
            }
        )

    def sentences(self) -> list[str]:
        """One plain sentence per driver, in priority order."""
        name = _outcome_name(self.outcome)
        ending = {
            "fix first": "the first priority",
            "keep up": "keep it up",
            "low priority": "a low priority",
            "possible overkill": "possibly more effort than it needs",
        }
        out = []
        fix_rank = 0
        for _, row in self.table.iterrows():
            end = ending[row["quadrant"]]
            if row["quadrant"] == "fix first":
                fix_rank += 1
                if fix_rank > 1:
                    end = f"priority {fix_rank}"
            out.append(
                f"{row['label']} explains {_pct(row['importance'])}"
                f"{_ci_text(row['importance_ci_low'], row['importance_ci_high'])} of the explained "
                f"variation in {name} and {self._performance_text(row)}: {end}."
            )
        return out

    def summary(self) -> str:
        name = _outcome_name(self.outcome)
        head = (
            f"The ratings together explain {_pct(self.r_squared)} of the variation in {name} "
            f"(R² from {self.n:,} complete responses"
            + (
                f"; {self.n_dropped:,} with a missing answer were left out"
                if self.n_dropped
                else ""
            )
            + ")."
        )
        return " ".join([head] + self.sentences())

    def findings(self) -> list[Finding]:
        """Every "fix first" driver; when there is none, the most important driver."""
        out = []
        pairs = list(zip(self.table.iterrows(), self.sentences(), strict=True))
        if not any(row["quadrant"] == "fix first" for (_, row), _ in pairs):
            pairs = sorted(pairs, key=lambda pair: -pair[0][1]["importance"])[:1]
        for (_, row), sentence in pairs:
            if row["quadrant"] != "fix first" and out:
                continue
            est = Estimate(
                float(row["importance"]),
                float(row["importance_ci_low"]),
                float(row["importance_ci_high"]),
                n=self.n,
                confidence=self.confidence,
                name=f"{row['label']}: share of explained variation in "
                f"{_outcome_name(self.outcome)}",
                unit="share",
            )
            out.append(Finding(sentence, est, importance=0.8 - 0.05 * len(out), analysis="drivers"))
        return out

    def plot(self, ax=None):  # noqa: ANN001, ANN201
        from fbresearch.plots import importance_performance_matrix

        return importance_performance_matrix(
            self.table,
            thresholds=self.thresholds,
            performance_label="Mean rating" if self.performance == "mean" else "Top-box share",
            title=f"What to fix first for {_outcome_name(self.outcome)}",
            ax=ax,
        )

    def plot_importance(self, ax=None):  # noqa: ANN001, ANN201
        """Bar chart of each driver's share of the explained variation with its CI."""
        from fbresearch.plots import driver_importance

        return driver_importance(
            self.table,
            title=f"Share of the explained variation in {_outcome_name(self.outcome)}",
            ax=ax,
        )


def importance_performance(
    frame: pd.DataFrame,
    outcome: str,
    drivers: str | Sequence[str],
    performance: str = "mean",
    thresholds: Mapping[str, float] | None = None,
    *,
    top_box: Sequence[float] = (4, 5),
    method: str = "lmg",
    bootstrap: int = 200,
    seed: int = 0,
    confidence: float = 0.95,
    missing: str = "listwise",
    labels: Mapping[str, str] | None = None,
    workers: int | None = None,
) -> ImportancePerformanceResult:
    """The importance-performance matrix: what matters most and is rated worst, with CIs.

    Importance is a driver's share of the explained variation of the outcome (its LMG share of
    R² divided by R², so the shares sum to 100%), with a bootstrap CI. Performance is the mean
    rating (:func:`fbresearch.metrics.mean`, t interval) or the top-box share
    (:func:`fbresearch.metrics.proportion`, Wilson interval) over every response that rated the
    driver. Quadrants: ``"fix first"`` (importance at or above its threshold, performance below
    its threshold), ``"keep up"`` (high, high), ``"low priority"`` (low, low) and
    ``"possible overkill"`` (low importance, high performance). The thresholds are the medians
    across drivers unless given.

    Parameters
    ----------
    frame, outcome, drivers
        As for :func:`key_drivers`.
    performance : {"mean", "top_box"}
    thresholds : dict, optional
        ``{"importance": 0.2, "performance": 3.8}`` (either key may be left out: its median is
        used). Importance is a share (0-1); performance is on the rating scale (mean) or a share.
    top_box : sequence, default (4, 5)
        The ratings counted as top box.
    method : {"lmg", "johnson"}
    bootstrap : int, default 200
        Resamples for the importance CIs (0: no CIs).
    seed, confidence, missing, labels, workers
        As for :func:`key_drivers`.

    Returns
    -------
    ImportancePerformanceResult
        Its ``table`` is the ranked priority table: "fix first" drivers first, most important
        first, then "keep up", "low priority" and "possible overkill".

    Examples
    --------
    >>> rng = np.random.default_rng(2)
    >>> x = rng.integers(1, 6, size=(300, 3)).astype(float)
    >>> frame = pd.DataFrame({"rating_a": x[:, 0], "rating_b": x[:, 1], "rating_c": x[:, 2] ,
    ...                       "nps": 2 * x[:, 0] + x[:, 1] + rng.normal(size=300)})
    >>> result = importance_performance(frame, "nps", "rating_*", bootstrap=0)
    >>> result.table["driver"].iloc[0] in ("rating_a", "rating_b")
    True
    """
    data = _prepare(frame, outcome, drivers, missing=missing)
    imp = _importance(data, method, bootstrap, seed, workers)
    share, share_draws = imp.normalized()
    low, high = _percentile_ci(share_draws, confidence)
    labels_map = _labels(data.drivers, labels)
    perf = [_performance(frame, d, performance, top_box, confidence) for d in data.drivers]
    table = pd.DataFrame(
        {
            "driver": list(data.drivers),
            "label": [labels_map[d] for d in data.drivers],
            "importance": share,
            "importance_ci_low": low,
            "importance_ci_high": high,
            "r2_share": imp.shares,
            "performance": [e.estimate for e in perf],
            "performance_ci_low": [e.ci_low for e in perf],
            "performance_ci_high": [e.ci_high for e in perf],
            "n_rated": [e.n for e in perf],
        }
    )
    given = dict(thresholds or {})
    unknown = set(given) - {"importance", "performance"}
    if unknown:
        raise AnalysisError(
            f"thresholds keys must be 'importance' and/or 'performance', not {sorted(unknown)}."
        )
    used = {
        "importance": float(given.get("importance", table["importance"].median())),
        "performance": float(given.get("performance", table["performance"].median())),
    }
    high_imp = table["importance"] >= used["importance"]
    high_perf = table["performance"] >= used["performance"]
    table["quadrant"] = np.select(
        [high_imp & ~high_perf, high_imp & high_perf, ~high_imp & ~high_perf],
        list(QUADRANTS[:3]),
        default=QUADRANTS[3],
    )
    order = table["quadrant"].map({q: i for i, q in enumerate(QUADRANTS)})
    table = (
        table.assign(_order=order, _imp=-table["importance"])
        .sort_values(["_order", "_imp"])
        .drop(columns=["_order", "_imp"])
        .reset_index(drop=True)
    )
    table.insert(0, "priority", np.arange(1, len(table) + 1))
    columns = ["priority", "driver", "label", "quadrant"] + [
        c for c in table.columns if c not in ("priority", "driver", "label", "quadrant")
    ]
    return ImportancePerformanceResult(
        table=table[columns],
        outcome=outcome,
        performance=performance,
        thresholds=used,
        r_squared=imp.r2,
        n=data.n,
        n_dropped=data.n_dropped,
        bootstrap=int(bootstrap),
        confidence=confidence,
        method=method,
        median_performance="performance" not in given,
    )


# --------------------------------------------------------------------------------------------
# Driver change over time


@dataclass(frozen=True, eq=False)
class DriverTrendResult(Result):
    """Importance of each driver in the current period against the previous ones.

    Attributes
    ----------
    table : DataFrame
        One row per driver: ``driver``, ``label``, ``previous``, ``previous_ci_low``,
        ``previous_ci_high``, ``current``, ``current_ci_low``, ``current_ci_high`` (shares of
        the explained variation, 0-1), ``change``, ``change_ci_low``, ``change_ci_high``
        (current minus previous, percentage points as a share) and ``direction`` (``"more
        important"``, ``"less important"`` or ``"no clear change"``: whether the CI of the
        change excludes zero).
    outcome : str
    current_period, previous_periods : str
        E.g. ``"2026-10"`` and ``"2026-07 to 2026-09"``.
    n_current, n_previous : int
        Complete responses in each window.
    r_squared_current, r_squared_previous : float
    bootstrap : int
    confidence : float
    """

    outcome: str = ""
    current_period: str = ""
    previous_periods: str = ""
    n_current: int = 0
    n_previous: int = 0
    r_squared_current: float = float("nan")
    r_squared_previous: float = float("nan")
    bootstrap: int = 0
    confidence: float = 0.95

    def display_table(self) -> pd.DataFrame:
        """Importance before and now, and the change, as a reader sees them."""
        t = self.table
        return pd.DataFrame(
            {
                "Attribute": t["label"],
                self.previous_periods: [
                    _fmt(r.previous, r.previous_ci_low, r.previous_ci_high, "share")
                    for r in t.itertuples()
                ],
                self.current_period: [
                    _fmt(r.current, r.current_ci_low, r.current_ci_high, "share")
                    for r in t.itertuples()
                ],
                "Change (percentage points)": [
                    _fmt(100 * r.change, 100 * r.change_ci_low, 100 * r.change_ci_high, digits=0)
                    for r in t.itertuples()
                ],
                "Verdict": t["direction"],
            }
        )

    def sentences(self) -> list[str]:
        """One sentence per driver whose importance clearly changed."""
        name = _outcome_name(self.outcome)
        out = []
        for row in self.table.itertuples():
            if row.direction == "no clear change":
                continue
            out.append(
                f"{row.label} became {row.direction.split()[0]} important for {name}: it explains "
                f"{_pct(row.current)}{_ci_text(row.current_ci_low, row.current_ci_high)} of the "
                f"explained variation in {self.current_period}, against {_pct(row.previous)}"
                f"{_ci_text(row.previous_ci_low, row.previous_ci_high)} in "
                f"{self.previous_periods} (change {100 * row.change:+.0f} points"
                + (
                    f", CI {100 * row.change_ci_low:+.0f} to {100 * row.change_ci_high:+.0f}"
                    if np.isfinite(row.change_ci_low)
                    else ""
                )
                + ")."
            )
        return out

    def summary(self) -> str:
        name = _outcome_name(self.outcome)
        head = (
            f"Importance in {self.current_period} ({self.n_current:,} complete responses) is "
            f"compared with {self.previous_periods} ({self.n_previous:,})."
        )
        changed = self.sentences()
        if not changed:
            changed = [
                f"No driver became clearly more or less important for {name}: every change's "
                f"{100 * self.confidence:.0f}% CI includes zero."
            ]
        return " ".join([head] + changed)

    def findings(self) -> list[Finding]:
        out = []
        rows = self.table[self.table["direction"] != "no clear change"]
        for (_, row), sentence in zip(rows.iterrows(), self.sentences(), strict=True):
            est = Estimate(
                float(row["change"]),
                float(row["change_ci_low"]),
                float(row["change_ci_high"]),
                n=self.n_current,
                confidence=self.confidence,
                name=f"{row['label']}: change in share of explained variation",
                unit="share",
            )
            out.append(Finding(sentence, est, importance=0.5, analysis="drivers"))
        return out

    def plot(self, ax=None):  # noqa: ANN001, ANN201
        from fbresearch.plots import driver_change

        return driver_change(
            self.table,
            current=self.current_period,
            previous=self.previous_periods,
            title=f"Importance for {_outcome_name(self.outcome)}: now against before",
            ax=ax,
        )


def driver_trend(
    frame: pd.DataFrame,
    outcome: str,
    drivers: str | Sequence[str],
    date: str = "submitted_at",
    period: str | pd.Period | None = None,
    *,
    window: int = 3,
    freq: str = "M",
    method: str = "lmg",
    bootstrap: int = 200,
    seed: int = 0,
    confidence: float = 0.95,
    missing: str = "listwise",
    labels: Mapping[str, str] | None = None,
    workers: int | None = None,
) -> DriverTrendResult:
    """Did a driver become more or less important? This period against the previous ones.

    Each driver's share of the explained variation (as in :func:`importance_performance`) is
    computed for the current period and for the ``window`` periods before it; the two windows are
    bootstrapped independently and the CI of the change is the percentile interval of the
    paired differences of the draws.

    Parameters
    ----------
    frame, outcome, drivers
        As for :func:`key_drivers`.
    date : str, default "submitted_at"
        The date column.
    period : str or pandas.Period, optional
        The current period (``"2026-10"``); default: the latest period in the data.
    window : int, default 3
        Number of preceding periods to compare with (e.g. 3 or 6 months).
    freq : str, default "M"
        Period frequency (pandas period alias).
    method, bootstrap, seed, confidence, missing, labels, workers
        As for :func:`importance_performance`.

    Returns
    -------
    DriverTrendResult

    Examples
    --------
    >>> rng = np.random.default_rng(3)
    >>> n = 800
    >>> x = rng.normal(size=(n, 2))
    >>> days = pd.to_timedelta(rng.integers(0, 120, n), unit="D")
    >>> when = pd.Series(pd.to_datetime("2026-07-01") + days)
    >>> late = (when >= "2026-10-01").to_numpy()
    >>> y = np.where(late, x[:, 1], x[:, 0]) * 2 + rng.normal(size=n)
    >>> frame = pd.DataFrame({"submitted_at": when, "rating_a": x[:, 0], "rating_b": x[:, 1],
    ...                       "nps": y})
    >>> result = driver_trend(frame, "nps", "rating_*", period="2026-10", bootstrap=50)
    >>> result.table.set_index("driver")["direction"].to_dict()
    {'rating_a': 'less important', 'rating_b': 'more important'}
    """
    if window < 1:
        raise AnalysisError("window must be at least 1 previous period.")
    if date not in frame.columns:
        raise FeedbackDataError(
            "date column not found",
            source="DataFrame",
            column=date,
            fix="pass date= the column holding the response date.",
        )
    when = pd.to_datetime(frame[date], errors="coerce")
    periods = when.dt.to_period(freq)
    current = pd.Period(period, freq=freq) if period is not None else periods.max()
    if pd.isna(current):
        raise FeedbackDataError(
            "no valid dates", source="DataFrame", column=date, fix="check the date column."
        )
    first_previous = current - window
    in_current = (periods == current).to_numpy()
    in_previous = ((periods >= first_previous) & (periods < current)).to_numpy()
    previous_text = str(first_previous) if window == 1 else f"{first_previous} to {current - 1}"
    for mask, label in ((in_current, str(current)), (in_previous, previous_text)):
        if not mask.any():
            raise AnalysisError(
                f"No responses in {label} (column {date!r}). Fix: choose another period or a "
                "longer comparison window."
            )
    names = resolve_drivers(frame, drivers)
    try:
        data_now = _prepare(frame[in_current], outcome, names, missing=missing)
        data_before = _prepare(frame[in_previous], outcome, names, missing=missing)
    except AnalysisError as err:
        raise AnalysisError(f"Comparing {current} with {previous_text}: {err}") from err
    seeds = np.random.SeedSequence(seed).generate_state(2)
    now = _importance(data_now, method, bootstrap, int(seeds[0]), workers)
    before = _importance(data_before, method, bootstrap, int(seeds[1]), workers)
    share_now, draws_now = now.normalized()
    share_before, draws_before = before.normalized()
    now_low, now_high = _percentile_ci(draws_now, confidence)
    before_low, before_high = _percentile_ci(draws_before, confidence)
    change_low, change_high = _percentile_ci(draws_now - draws_before, confidence)
    labels_map = _labels(names, labels)
    table = pd.DataFrame(
        {
            "driver": names,
            "label": [labels_map[d] for d in names],
            "previous": share_before,
            "previous_ci_low": before_low,
            "previous_ci_high": before_high,
            "current": share_now,
            "current_ci_low": now_low,
            "current_ci_high": now_high,
            "change": share_now - share_before,
            "change_ci_low": change_low,
            "change_ci_high": change_high,
        }
    )
    table["direction"] = np.select(
        [table["change_ci_low"] > 0, table["change_ci_high"] < 0],
        ["more important", "less important"],
        default="no clear change",
    )
    return DriverTrendResult(
        table=table,
        outcome=outcome,
        current_period=str(current),
        previous_periods=previous_text,
        n_current=data_now.n,
        n_previous=data_before.n,
        r_squared_current=now.r2,
        r_squared_previous=before.r2,
        bootstrap=int(bootstrap),
        confidence=confidence,
    )
