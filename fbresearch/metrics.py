"""KPI estimators with confidence intervals: NPS, CSAT, CES, proportions, means, and KPI tables.

The single-sample estimators (:func:`nps`, :func:`csat`, :func:`ces`, :func:`proportion`,
:func:`mean`) are the building blocks every analysis uses. Their formulas live in small
vectorized helpers (``_nps_interval``, ``_wilson``, ``_t_interval``) that :func:`kpi_table` also
applies to every group at once, so a table of a million rows by month and channel costs one
``groupby`` and never re-derives a formula.

:func:`kpi_table` builds the tidy KPI table (one row per group and metric, with n and CI, and the
change from the previous period when grouped by month); :func:`response_rate` and
:func:`acknowledged_within` give the two operational rates of the overview report.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from fbresearch.errors import AnalysisError
from fbresearch.results import Estimate, Finding, Result, format_number

__all__ = [
    "nps",
    "csat",
    "ces",
    "proportion",
    "mean",
    "kpi_table",
    "kpi_trend",
    "response_rate",
    "acknowledged_within",
    "KpiTable",
    "ResponseRateResult",
    "AcknowledgedResult",
    "METRICS",
]


def _z(confidence: float) -> float:
    return float(stats.norm.ppf(0.5 + confidence / 2))


def _check_confidence(confidence: float) -> None:
    if not 0 < confidence < 1:
        raise AnalysisError(f"confidence must be between 0 and 1 (e.g. 0.95); got {confidence!r}.")


def _clean(scores: Iterable[float] | pd.Series, name: str, low: float, high: float) -> np.ndarray:
    values = pd.to_numeric(pd.Series(scores, dtype="object"), errors="coerce").dropna()
    values = values.to_numpy(dtype=float)
    bad = values[(values < low) | (values > high) | (values != np.round(values))]
    if bad.size:
        raise AnalysisError(
            f"{name} scores must be whole numbers from {low:g} to {high:g}; found {bad[:5].tolist()}."
        )
    return values


# --- the formulas (vectorized: scalars or arrays) ------------------------------------------
# Written with numpy rather than taken from statsmodels because kpi_table applies each one to
# every group of a table in a single array operation; the tests check them against
# statsmodels/scipy and against hand-worked examples.


def _nps_interval(n_pro, n_det, n, z):  # noqa: ANN001, ANN202 - scalars or arrays
    """NPS as a fraction (-1..1), its standard error and interval bounds (clipped to -1..1).

    One multinomial sample: Var(p_pro - p_det) = (p_pro + p_det - (p_pro - p_det)**2) / n.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        p_pro = np.divide(n_pro, n)
        p_det = np.divide(n_det, n)
        diff = p_pro - p_det
        se = np.sqrt(np.maximum(p_pro + p_det - diff**2, 0.0) / n)
    return diff, se, np.maximum(diff - z * se, -1.0), np.minimum(diff + z * se, 1.0)


def _wilson(successes, n, z):  # noqa: ANN001, ANN202 - scalars or arrays
    """Share, its (Wald) standard error and the Wilson score interval bounds."""
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.divide(successes, n)
        denom = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * np.square(n))) / denom
        se = np.sqrt(p * (1 - p) / n)
    return p, se, np.maximum(centre - half, 0.0), np.minimum(centre + half, 1.0)


def _t_interval(m, sd, n, confidence):  # noqa: ANN001, ANN202 - scalars or arrays
    """Standard error and t-interval bounds of a mean (NaN where n < 2)."""
    n = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        se = sd / np.sqrt(n)
        t = stats.t.ppf(0.5 + confidence / 2, df=np.where(n >= 2, n - 1, np.nan))
    return se, m - t * se, m + t * se


def _poisson_interval(count, confidence):  # noqa: ANN001, ANN202 - scalars or arrays
    """Exact (Garwood) interval of a Poisson count, from the chi-squared distribution."""
    alpha = 1 - confidence
    count = np.asarray(count, dtype=float)
    low = np.where(count > 0, stats.chi2.ppf(alpha / 2, 2 * count) / 2, 0.0)
    high = stats.chi2.ppf(1 - alpha / 2, 2 * count + 2) / 2
    return low, high


def _two_sided_p(z):  # noqa: ANN001, ANN202
    return 2 * stats.norm.sf(np.abs(z))


# --- single-sample estimators --------------------------------------------------------------


def nps(scores: Iterable[float] | pd.Series, confidence: float = 0.95) -> Estimate:
    """Net Promoter Score in points (-100 to 100) with a confidence interval.

    NPS is the share of promoters (9-10) minus the share of detractors (0-6). Its variance is the
    variance of a difference of two proportions from one multinomial sample:
    ``(p_promoter + p_detractor - (p_promoter - p_detractor)**2) / n``. Missing answers are
    ignored.

    Parameters
    ----------
    scores : array-like of int
        Answers on the 0-10 likelihood-to-recommend scale.
    confidence : float, default 0.95
        Confidence level of the interval.

    Returns
    -------
    Estimate
        In points; ``p_value`` tests NPS = 0.

    Examples
    --------
    >>> e = nps([10, 10, 9, 8, 7, 6, 3, 10, 9, 0])
    >>> e.estimate
    20.0
    >>> round(e.ci_low, 1), round(e.ci_high, 1)
    (-34.0, 74.0)
    """
    values = _clean(scores, "NPS", 0, 10)
    n = values.size
    if n == 0:
        return Estimate(
            np.nan, np.nan, np.nan, n=0, name="NPS", unit="points", confidence=confidence
        )
    diff, se, low, high = _nps_interval(
        int(np.sum(values >= 9)), int(np.sum(values <= 6)), n, _z(confidence)
    )
    diff, se = float(diff), float(se)
    p_value = float(2 * stats.norm.sf(abs(diff) / se)) if se > 0 else (1.0 if diff == 0 else 0.0)
    return Estimate(
        100 * diff,
        100 * float(low),
        100 * float(high),
        n=n,
        se=100 * se,
        p_value=p_value,
        confidence=confidence,
        name="NPS",
        unit="points",
    )


def proportion(successes: int, n: int, confidence: float = 0.95, name: str = "") -> Estimate:
    """A proportion with its Wilson score interval.

    Wilson's interval keeps its coverage near the nominal level for small n and for shares near
    0 or 1, where the textbook Wald interval fails.

    Examples
    --------
    >>> e = proportion(8, 10)
    >>> round(e.ci_low, 4), round(e.ci_high, 4)
    (0.4902, 0.9433)
    """
    if n == 0:
        return Estimate(np.nan, np.nan, np.nan, n=0, name=name, unit="share", confidence=confidence)
    p, se, low, high = _wilson(successes, n, _z(confidence))
    return Estimate(
        float(p),
        float(low),
        float(high),
        n=int(n),
        se=float(se),
        confidence=confidence,
        name=name,
        unit="share",
    )


def csat(
    scores: Iterable[float] | pd.Series, top_box: tuple[int, ...] = (4, 5), confidence: float = 0.95
) -> Estimate:
    """CSAT: the share of satisfied answers (the top box of a 1-5 scale), Wilson interval.

    Examples
    --------
    >>> e = csat([5, 4, 4, 3, 1, 5, 5, 2, 4, 4])
    >>> e.estimate, e.unit
    (0.7, 'share')
    """
    values = _clean(scores, "CSAT", 1, 5)
    return proportion(int(np.isin(values, top_box).sum()), values.size, confidence, name="CSAT")


def mean(values: Iterable[float] | pd.Series, confidence: float = 0.95, name: str = "") -> Estimate:
    """A mean with its t interval; ``p_value`` tests mean = 0.

    Examples
    --------
    >>> e = mean([1, 2, 3, 4, 5])
    >>> e.estimate, round(e.ci_low, 3), round(e.ci_high, 3)
    (3.0, 1.037, 4.963)
    """
    arr = pd.to_numeric(pd.Series(values, dtype="object"), errors="coerce").dropna().to_numpy(float)
    n = arr.size
    if n < 2:
        est = float(arr[0]) if n == 1 else np.nan
        return Estimate(est, np.nan, np.nan, n=n, name=name, confidence=confidence)
    m = float(arr.mean())
    se, low, high = _t_interval(m, float(arr.std(ddof=1)), n, confidence)
    se = float(se)
    p_value = float(2 * stats.t.sf(abs(m) / se, df=n - 1)) if se > 0 else np.nan
    return Estimate(
        m, float(low), float(high), n=n, se=se, p_value=p_value, confidence=confidence, name=name
    )


def ces(scores: Iterable[float] | pd.Series, confidence: float = 0.95) -> Estimate:
    """Customer Effort Score: the mean of 1-7 answers (7 = very easy) with its t interval.

    Examples
    --------
    >>> ces([7, 6, 5, 7, 3]).estimate
    5.6
    """
    values = _clean(scores, "CES", 1, 7)
    return mean(values, confidence, name="CES")


# --- KPI tables ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Metric:
    column: str | None
    label: str
    unit: str
    low: float = 0
    high: float = 0
    digits: int = 1


#: The metrics :func:`kpi_table` knows: name -> canonical column, label, unit, valid range.
METRICS: dict[str, _Metric] = {
    "nps": _Metric("nps", "NPS", "points", 0, 10, 1),
    "csat": _Metric("csat", "CSAT", "share", 1, 5, 1),
    "ces": _Metric("ces", "CES", "", 1, 7, 2),
    "csat_mean": _Metric("csat", "Mean CSAT", "", 1, 5, 2),
    "volume": _Metric(None, "Responses", "count", digits=0),
}

_TIME_NAMES = {"M": "month", "W": "week", "Q": "quarter", "Y": "year", "D": "day"}


def _as_list(value: str | Sequence[str] | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return list(value)


def _rows_hint(index: pd.Index, mask: np.ndarray) -> str:
    rows = index[mask][:5].tolist()
    more = int(mask.sum()) - len(rows)
    return ", ".join(str(r) for r in rows) + (f" and {more} more" if more > 0 else "")


def _score_values(frame: pd.DataFrame, column: str, low: float, high: float) -> np.ndarray:
    """A score column as floats (NaN = missing), checked for range and whole numbers."""
    series = frame[column]
    if pd.api.types.is_bool_dtype(series) or not pd.api.types.is_numeric_dtype(series):
        converted = pd.to_numeric(series.astype("object"), errors="coerce")
        bad = converted.isna().to_numpy() & series.notna().to_numpy()
        if bad.any():
            raise AnalysisError(
                f"column {column!r} holds values that are not numbers "
                f"(rows {_rows_hint(frame.index, bad)}). "
                f"Fix: clean the column or map the right column to {column!r} in params columns:."
            )
        series = converted
    values = series.to_numpy(dtype=float, na_value=np.nan)
    with np.errstate(invalid="ignore"):
        bad = ~np.isnan(values) & ((values < low) | (values > high) | (values != np.round(values)))
    if bad.any():
        raise AnalysisError(
            f"column {column!r} must hold whole numbers from {low:g} to {high:g}; found "
            f"{np.unique(values[bad])[:5].tolist()} (rows {_rows_hint(frame.index, bad)}). "
            f"Fix: check the scale of {column!r} (fb.load_feedback validates it on loading)."
        )
    return values


def _to_period(series: pd.Series, column: str, freq: str = "M") -> pd.Series:
    """A date-like column as pandas Periods of ``freq``, with a clear error when it cannot be."""
    if isinstance(series.dtype, pd.PeriodDtype):
        return series.dt.asfreq(freq)
    try:
        dates = (
            series
            if pd.api.types.is_datetime64_any_dtype(series)
            else pd.to_datetime(series.astype("object"), errors="raise", format="mixed")
        )
    except (ValueError, TypeError) as exc:
        raise AnalysisError(
            f"column {column!r} could not be read as dates ({exc}). "
            f"Fix: give dates such as 2026-10-31 (or months such as 2026-10)."
        ) from None
    if getattr(dates.dt, "tz", None) is not None:
        dates = dates.dt.tz_localize(None)
    return dates.dt.to_period(freq)


def _prepare_keys(
    frame: pd.DataFrame, by: str | Sequence[str] | None, date: str
) -> tuple[pd.DataFrame, list[str], str | None]:
    """Group columns for ``by`` (deriving ``month`` from ``date`` on request) and the time key."""
    keys = _as_list(by)
    columns: dict[str, pd.Series] = {}
    for key in keys:
        if key in frame.columns:
            columns[key] = frame[key]
        elif key in _TIME_NAMES.values():
            if date not in frame.columns:
                raise AnalysisError(
                    f"by={key!r} needs the date column {date!r}, which is not in the data. "
                    f"Fix: pass date=<your date column> or map it to {date!r}."
                )
            freq = next(f for f, name in _TIME_NAMES.items() if name == key)
            columns[key] = _to_period(frame[date], date, freq)
        else:
            raise AnalysisError(
                f"cannot group by {key!r}: no such column "
                f"(columns: {', '.join(map(str, frame.columns))}). "
                f"Fix: name an existing column, or 'month' for the month of {date!r}."
            )
    time = next((k for k in keys if isinstance(columns[k].dtype, pd.PeriodDtype)), None)
    return pd.DataFrame(columns, index=frame.index), keys, time


def _aggregate(
    frame: pd.DataFrame,
    keys_frame: pd.DataFrame,
    keys: list[str],
    metrics: list[str],
    top_box: tuple[int, ...],
) -> pd.DataFrame:
    """One groupby over every metric's sufficient statistics."""
    work = (
        keys_frame
        if keys
        else pd.DataFrame({"_all": np.zeros(len(frame), dtype=np.int8)}, index=frame.index)
    )
    group_keys = keys or ["_all"]
    data: dict[str, np.ndarray] = {}
    aggs: dict[str, tuple[str, str]] = {"_rows": ("_one", "size")}
    data["_one"] = np.ones(len(frame), dtype=np.int8)
    for metric in metrics:
        spec = METRICS[metric]
        if spec.column is None:
            continue
        values = _score_values(frame, spec.column, spec.low, spec.high)
        ok = ~np.isnan(values)
        data[f"{metric}_ok"] = ok
        aggs[f"{metric}_n"] = (f"{metric}_ok", "sum")
        if metric == "nps":
            data["nps_pro"] = values >= 9
            data["nps_det"] = ok & (values <= 6)
            aggs["nps_pro"] = ("nps_pro", "sum")
            aggs["nps_det"] = ("nps_det", "sum")
        elif metric == "csat":
            data["csat_top"] = np.isin(values, top_box)
            aggs["csat_top"] = ("csat_top", "sum")
        else:
            data[f"{metric}_v"] = values
            aggs[f"{metric}_mean"] = (f"{metric}_v", "mean")
            aggs[f"{metric}_var"] = (f"{metric}_v", "var")
    work = work.assign(**data)
    return work.groupby(group_keys, observed=True, sort=True, dropna=True).agg(**aggs).reset_index()


def _metric_part(
    agg: pd.DataFrame, keys: list[str], metric: str, confidence: float
) -> pd.DataFrame:
    """Tidy rows of one metric: n, estimate, CI, se and sufficient statistics (``_x``, ``_var``)."""
    z = _z(confidence)
    out = agg[keys].copy() if keys else pd.DataFrame(index=agg.index)
    if metric == "volume":
        n = agg["_rows"].to_numpy(float)
        low, high = _poisson_interval(n, confidence)
        cols = {
            "n": n,
            "estimate": n,
            "ci_low": low,
            "ci_high": high,
            "se": np.sqrt(n),
            "_x": n,
            "_var": np.full_like(n, np.nan),
        }
    else:
        n = agg[f"{metric}_n"].to_numpy(float)
        if metric == "nps":
            est, se, low, high = _nps_interval(
                agg["nps_pro"].to_numpy(float), agg["nps_det"].to_numpy(float), n, z
            )
            est, se, low, high = 100 * est, 100 * se, 100 * low, 100 * high
            x = agg["nps_pro"].to_numpy(float)
            var = np.full_like(n, np.nan)
        elif metric == "csat":
            x = agg["csat_top"].to_numpy(float)
            est, se, low, high = _wilson(x, n, z)
            var = np.full_like(n, np.nan)
        else:
            est = agg[f"{metric}_mean"].to_numpy(float)
            var = agg[f"{metric}_var"].to_numpy(float)
            se, low, high = _t_interval(est, np.sqrt(var), n, confidence)
            x = est
        cols = {
            "n": n,
            "estimate": est,
            "ci_low": low,
            "ci_high": high,
            "se": se,
            "_x": x,
            "_var": var,
        }
    out = out.assign(metric=metric, **cols)
    out = out[out["n"] > 0]
    return out.assign(n=out["n"].astype("int64"))


def _add_change(
    part: pd.DataFrame, keys: list[str], time: str, metric: str, confidence: float
) -> pd.DataFrame:
    """Change from the previous period (same other keys), its CI and p-value."""
    stat_cols = ["n", "estimate", "ci_low", "ci_high", "se", "_x", "_var"]
    prev = part[keys + stat_cols].assign(**{time: part[time] + 1})
    merged = part.merge(prev, on=keys, how="left", suffixes=("", "_prev"))
    z = _z(confidence)
    c = {k: merged[k].to_numpy(float) for k in stat_cols}
    p = {k: merged[f"{k}_prev"].to_numpy(float) for k in stat_cols}
    diff = c["estimate"] - p["estimate"]
    with np.errstate(divide="ignore", invalid="ignore"):
        if metric == "nps":
            # two independent NPS estimates: the variance of the difference is the sum
            se = np.sqrt(c["se"] ** 2 + p["se"] ** 2)
            low, high = diff - z * se, diff + z * se
            pval = np.where(se > 0, _two_sided_p(diff / se), np.where(diff == 0, 1.0, 0.0))
        elif metric == "csat":
            # two-proportion z test (pooled SE) for the p-value; Newcombe's hybrid score
            # interval (built from the two Wilson intervals) for the CI of the difference
            pooled = (c["_x"] + p["_x"]) / (c["n"] + p["n"])
            se0 = np.sqrt(pooled * (1 - pooled) * (1 / c["n"] + 1 / p["n"]))
            pval = np.where(se0 > 0, _two_sided_p(diff / se0), np.where(diff == 0, 1.0, 0.0))
            se = np.sqrt(c["se"] ** 2 + p["se"] ** 2)
            low = diff - np.hypot(c["estimate"] - c["ci_low"], p["ci_high"] - p["estimate"])
            high = diff + np.hypot(c["ci_high"] - c["estimate"], p["estimate"] - p["ci_low"])
        elif metric == "volume":
            # difference of two Poisson counts (normal approximation): Var = k1 + k2
            se = np.sqrt(c["n"] + p["n"])
            low, high = diff - z * se, diff + z * se
            pval = np.where(se > 0, _two_sided_p(diff / se), 1.0)
        else:
            # Welch's t test for two means with unequal variances
            a, b = c["_var"] / c["n"], p["_var"] / p["n"]
            se = np.sqrt(a + b)
            df = (a + b) ** 2 / (a**2 / (c["n"] - 1) + b**2 / (p["n"] - 1))
            t = stats.t.ppf(0.5 + confidence / 2, df)
            low, high = diff - t * se, diff + t * se
            pval = np.where(
                se > 0, 2 * stats.t.sf(np.abs(diff) / se, df), np.where(diff == 0, 1.0, 0.0)
            )
    pval = np.where(np.isnan(diff), np.nan, pval)
    merged = merged.drop(columns=[f"{k}_prev" for k in stat_cols])
    return merged.assign(
        previous=p["estimate"],
        change=diff,
        change_ci_low=low,
        change_ci_high=high,
        change_p_value=pval,
    )


def kpi_table(
    frame: pd.DataFrame,
    by: str | Sequence[str] | None = None,
    metrics: str | Sequence[str] = ("nps", "csat"),
    confidence: float = 0.95,
    *,
    date: str = "submitted_at",
    top_box: tuple[int, ...] = (4, 5),
) -> KpiTable:
    """KPIs with confidence intervals, overall or per group, with the change between periods.

    Each metric uses the package's one formula: NPS (points, multinomial variance), CSAT
    (top-box share, Wilson interval), CES and ``csat_mean`` (mean, t interval) and ``volume``
    (the number of responses, exact Poisson interval). Missing answers are ignored per metric;
    rows with a missing group value are left out; groups without any answer to a metric get no
    row for it.

    When ``by`` includes a period column (``"month"``, or any column of pandas Period dtype), each
    row also gets the change from the previous period of the same group (the period just
    before; no row for it gives no change) with its CI and a two-sided p-value: NPS, the
    difference of two independent estimates (variance = sum of the variances); CSAT, the
    two-proportion z test (Newcombe's interval for the difference); CES and ``csat_mean``,
    Welch's t test; volume, the difference of two Poisson counts (normal approximation; months
    of different length are compared as they are). p-values are not adjusted for the number of
    groups compared.

    Parameters
    ----------
    frame : DataFrame
        Canonical feedback data (columns ``nps``, ``csat``, ``ces`` as needed).
    by : str or list of str, optional
        Grouping columns. ``"month"`` (also ``"week"``, ``"quarter"``) means the period of
        ``date`` unless the frame has a column of that name. None: one overall row per metric.
    metrics : str or sequence of str, default ("nps", "csat")
        Any of ``"nps"``, ``"csat"``, ``"ces"``, ``"csat_mean"``, ``"volume"``.
    confidence : float, default 0.95
        Confidence level of every interval.
    date : str, default "submitted_at"
        The date column used for ``by="month"``.
    top_box : tuple of int, default (4, 5)
        CSAT answers that count as satisfied.

    Returns
    -------
    KpiTable
        ``.table``: the group columns, ``metric``, ``n``, ``estimate``, ``ci_low``, ``ci_high``,
        ``se`` and, by period, ``previous``, ``change``, ``change_ci_low``, ``change_ci_high``,
        ``change_p_value``. NPS is in points, CSAT a share (0-1), CES a mean, volume a count.

    Examples
    --------
    >>> df = pd.DataFrame({
    ...     "submitted_at": pd.to_datetime(["2026-09-03", "2026-09-20",
    ...                                     "2026-10-02", "2026-10-15"]),
    ...     "nps": [10, 3, 9, 10], "csat": [5, 2, 4, 5]})
    >>> t = kpi_table(df, by="month", metrics=["nps", "csat"])
    >>> t.table[["month", "metric", "n", "estimate", "change"]]
         month metric  n  estimate  change
    0  2026-09    nps  2       0.0     NaN
    1  2026-10    nps  2     100.0   100.0
    2  2026-09   csat  2       0.5     NaN
    3  2026-10   csat  2       1.0     0.5
    >>> t.estimate("nps", month="2026-10").estimate
    100.0
    """
    if not isinstance(frame, pd.DataFrame):
        raise AnalysisError(f"kpi_table needs a pandas DataFrame; got {type(frame).__name__}.")
    _check_confidence(confidence)
    metric_list = _as_list(metrics)
    unknown = [m for m in metric_list if m not in METRICS]
    if unknown or not metric_list:
        raise AnalysisError(
            f"unknown metric(s) {unknown or metric_list!r}. Fix: choose from {', '.join(METRICS)}."
        )
    for m in metric_list:
        column = METRICS[m].column
        if column is not None and column not in frame.columns:
            raise AnalysisError(
                f"metric {m!r} needs the column {column!r}, which is not in the data. "
                f"Fix: map your {METRICS[m].label} column to {column!r} (params columns:) "
                f"or leave {m!r} out of metrics."
            )
    keys_frame, keys, time = _prepare_keys(frame, by, date)
    agg = _aggregate(frame, keys_frame, keys, metric_list, top_box)
    parts = []
    for m in metric_list:
        part = _metric_part(agg, keys, m, confidence)
        if time is not None:
            part = _add_change(part, keys, time, m, confidence)
        parts.append(part.drop(columns=["_x", "_var"]))
    table = pd.concat(parts, ignore_index=True)
    front = keys + ["metric", "n", "estimate", "ci_low", "ci_high", "se"]
    table = table[front + [c for c in table.columns if c not in front]]
    return KpiTable(
        table=table, by=tuple(keys), time=time, metrics=tuple(metric_list), confidence=confidence
    )


def kpi_trend(
    frame: pd.DataFrame,
    metric: str | Sequence[str] = "nps",
    date: str = "submitted_at",
    freq: str = "M",
    by: str | Sequence[str] | None = None,
    confidence: float = 0.95,
) -> KpiTable:
    """A KPI per period (month by default), with the change from each previous period.

    Shorthand for :func:`kpi_table` with the period of ``date`` as the first grouping column.

    Parameters
    ----------
    frame : DataFrame
        Canonical feedback data.
    metric : str or sequence of str, default "nps"
        Metric name(s) as in :func:`kpi_table`.
    date : str, default "submitted_at"
        Date column.
    freq : {"M", "W", "Q", "Y", "D"}, default "M"
        Period length.
    by : str or list of str, optional
        Further grouping columns (e.g. ``"channel"``: one trend per channel).
    confidence : float, default 0.95

    Examples
    --------
    >>> df = pd.DataFrame({"submitted_at": pd.to_datetime(["2026-01-05", "2026-02-05"]),
    ...                    "nps": [10, 0]})
    >>> kpi_trend(df).table["estimate"].tolist()
    [100.0, -100.0]
    """
    if freq not in _TIME_NAMES:
        raise AnalysisError(f"freq must be one of {', '.join(_TIME_NAMES)}; got {freq!r}.")
    name = _TIME_NAMES[freq]
    if name in frame.columns:
        raise AnalysisError(
            f"the data already has a column {name!r}; kpi_trend would shadow it. "
            f"Fix: rename that column, or call kpi_table(frame, by={name!r})."
        )
    return kpi_table(
        frame, by=[name, *_as_list(by)], metrics=metric, confidence=confidence, date=date
    )


# --- wording helpers -----------------------------------------------------------------------


def _period_label(period: pd.Period, short: bool = False) -> str:
    if period.freqstr.startswith("M"):
        return period.strftime("%b %Y" if short else "%B %Y")
    return str(period)


def _previous_label(period: pd.Period, previous: pd.Period) -> str:
    if period.freqstr.startswith("M") and period.year == previous.year:
        return previous.strftime("%B")
    return _period_label(previous)


def _format_p(p: float) -> str:
    if p < 0.001:
        return "p < 0.001"
    return f"p = {p:.3f}" if p < 0.1 else f"p = {p:.2f}"


def _row_estimate(row: pd.Series, metric: str, confidence: float) -> Estimate:
    spec = METRICS[metric]
    return Estimate(
        float(row["estimate"]),
        float(row["ci_low"]),
        float(row["ci_high"]),
        n=int(row["n"]),
        se=float(row["se"]),
        confidence=confidence,
        name=spec.label,
        unit=spec.unit,
    )


def _change_estimate(row: pd.Series, metric: str, confidence: float) -> Estimate:
    spec = METRICS[metric]
    return Estimate(
        float(row["change"]),
        float(row["change_ci_low"]),
        float(row["change_ci_high"]),
        n=int(row["n"]),
        p_value=float(row["change_p_value"]),
        confidence=confidence,
        name=f"change in {spec.label}",
        unit=spec.unit,
    )


def _format_level(metric: str, est: Estimate) -> str:
    return est.format(digits=METRICS[metric].digits)


def _format_amount(metric: str, value: float) -> str:
    spec = METRICS[metric]
    if metric == "csat":
        return f"{format_number(abs(100 * value), 1)} percentage points"
    if metric == "volume":
        return f"{abs(value):,.0f}"
    if metric == "nps":
        return f"{format_number(abs(value), 1)} points"
    return format_number(abs(value), spec.digits)


def _group_text(row: pd.Series, others: list[str]) -> str:
    return " for " + ", ".join(str(row[k]) for k in others) if others else ""


@dataclass(frozen=True, eq=False)
class KpiTable(Result):
    """KPIs per group with CIs (and period-on-period changes); see :func:`kpi_table`.

    Attributes
    ----------
    table : DataFrame
        Tidy: group columns, ``metric``, ``n``, ``estimate``, ``ci_low``, ``ci_high``, ``se``
        (and ``previous``, ``change``, ``change_ci_low``, ``change_ci_high``,
        ``change_p_value`` when grouped by period).
    by : tuple of str
        Grouping columns.
    time : str or None
        The period column among ``by``, if any.
    metrics : tuple of str
        Metrics in the table.
    confidence : float
        Confidence level of the intervals.
    """

    by: tuple[str, ...] = ()
    time: str | None = None
    metrics: tuple[str, ...] = ("nps", "csat")
    confidence: float = 0.95

    @property
    def _others(self) -> list[str]:
        return [k for k in self.by if k != self.time]

    def _select(self, metric: str, keys: dict) -> pd.DataFrame:
        rows = self.table[self.table["metric"] == metric]
        for key, value in keys.items():
            if key not in self.by:
                raise AnalysisError(f"{key!r} is not a grouping column of this table ({self.by}).")
            if key == self.time and not isinstance(value, pd.Period):
                value = pd.Period(value, freq=rows[key].dt.freq if len(rows) else "M")
            rows = rows[rows[key] == value]
        return rows

    def _one(self, metric: str, keys: dict) -> pd.Series:
        rows = self._select(metric, keys)
        if len(rows) != 1:
            raise AnalysisError(
                f"{len(rows)} rows of {metric!r} match {keys}; name one value of each grouping "
                f"column ({', '.join(self.by) or 'none'})."
            )
        return rows.iloc[0]

    def estimate(self, metric: str, **keys: object) -> Estimate:
        """The estimate of ``metric`` for one group, e.g. ``estimate("nps", month="2026-10")``."""
        return _row_estimate(self._one(metric, keys), metric, self.confidence)

    def change(self, metric: str, **keys: object) -> Estimate:
        """The change of ``metric`` from the previous period for one group (``p_value`` set)."""
        if self.time is None:
            raise AnalysisError("this table is not grouped by period; use by='month'.")
        return _change_estimate(self._one(metric, keys), metric, self.confidence)

    @property
    def latest_period(self) -> pd.Period | None:
        """The last period in the table (None when not grouped by period)."""
        return None if self.time is None or self.table.empty else self.table[self.time].max()

    def last(self, periods: int = 1) -> KpiTable:
        """The same table restricted to its last ``periods`` periods."""
        if self.time is None or self.table.empty:
            return self
        if periods < 1:
            raise AnalysisError(f"periods must be at least 1; got {periods!r}.")
        start = self.latest_period - (periods - 1)
        kept = self.table[self.table[self.time] >= start].reset_index(drop=True)
        return KpiTable(
            table=kept, by=self.by, time=self.time, metrics=self.metrics, confidence=self.confidence
        )

    # --- reading -----------------------------------------------------------------------

    def _sentence(self, row: pd.Series, metric: str) -> str:
        spec = METRICS[metric]
        level = _row_estimate(row, metric, self.confidence)
        group = _group_text(row, self._others)
        if metric == "volume":
            head = f"There were {row['n']:,} responses{group}"
        else:
            head = f"{spec.label}{group} was {_format_level(metric, level)}"
        if self.time is None:
            return f"{head}, from {row['n']:,} answers." if metric != "volume" else f"{head}."
        period = row[self.time]
        text = f"{head} in {_period_label(period)}"
        prev_label = _previous_label(period, period - 1)
        if pd.isna(row["change"]):
            return f"{text}; there is no {prev_label} figure to compare with."
        change = float(row["change"])
        p = float(row["change_p_value"])
        alpha = 1 - self.confidence
        if change == 0:
            return f"{text}, unchanged from {prev_label}."
        direction = "up" if change > 0 else "down"
        verdict = (
            f"a significant {'rise' if change > 0 else 'fall'}"
            if p < alpha
            else "not a significant change"
        )
        return (
            f"{text}, {direction} {_format_amount(metric, change)} from {prev_label} "
            f"({_format_p(p)}): {verdict}."
        )

    def _latest_rows(self) -> pd.DataFrame:
        if self.time is None:
            return self.table
        return self.table[self.table[self.time] == self.latest_period]

    def summary(self, max_groups: int = 6) -> str:
        """Plain sentences: each metric's latest level, its change and whether it is significant.

        Grouped by period and something else (e.g. channel), only the groups whose change is
        significant are named (at most ``max_groups``, smallest p first).
        """
        if self.table.empty:
            return "There were no answers to compute the KPIs from."
        latest = self._latest_rows()
        sentences: list[str] = []
        alpha = 1 - self.confidence
        for metric in self.metrics:
            rows = latest[latest["metric"] == metric]
            if rows.empty:
                continue
            others = self._others
            if self.time is None and others:
                best = rows.loc[rows["estimate"].idxmax()]
                worst = rows.loc[rows["estimate"].idxmin()]
                if best.name != worst.name:
                    label = METRICS[metric].label
                    b, w = (
                        _format_level(metric, _row_estimate(r, metric, self.confidence))
                        for r in (best, worst)
                    )
                    sentences.append(
                        f"{label} was highest{_group_text(best, others)} at {b} and "
                        f"lowest{_group_text(worst, others)} at {w}."
                    )
                    continue
            if len(rows) <= 1 or not others:
                sentences.extend(self._sentence(r, metric) for _, r in rows.iterrows())
                continue
            moved = rows[rows["change_p_value"] < alpha].sort_values("change_p_value")
            sentences.extend(
                self._sentence(r, metric) for _, r in moved.head(max_groups).iterrows()
            )
            label = METRICS[metric].label
            plural = f"{others[0]}s" if len(others) == 1 else "groups"
            if len(moved) > max_groups:
                sentences.append(
                    f"{label} also changed significantly for "
                    f"{len(moved) - max_groups} more {plural} (see the table)."
                )
            elif len(moved) == 0:
                sentences.append(
                    f"{label} did not change significantly from the previous "
                    f"{self.time} for any of the {len(rows)} {plural}."
                )
            elif len(rows) > len(moved):
                sentences.append(
                    f"{label} did not change significantly for the other "
                    f"{len(rows) - len(moved)} {plural}."
                )
        return " ".join(sentences)

    def findings(self) -> list[Finding]:
        """Headline findings: each metric's latest level and change (importance 0.4-0.9)."""
        out: list[Finding] = []
        alpha = 1 - self.confidence
        weight = {"nps": 0.9, "csat": 0.85, "ces": 0.75, "csat_mean": 0.7, "volume": 0.6}
        latest = self._latest_rows()
        for metric in self.metrics:
            rows = latest[latest["metric"] == metric]
            if self._others:
                if self.time is None:
                    continue
                rows = rows[rows["change_p_value"] < alpha].sort_values("change_p_value").head(3)
            for _, row in rows.iterrows():
                significant = self.time is not None and row["change_p_value"] < alpha
                importance = weight[metric] - (0 if significant or self.time is None else 0.2)
                if self._others:  # one of many group comparisons: less weight
                    importance -= 0.3
                out.append(
                    Finding(
                        self._sentence(row, metric),
                        _row_estimate(row, metric, self.confidence),
                        importance=round(importance, 2),
                        analysis="overview",
                    )
                )
        return out

    def display_table(self) -> pd.DataFrame:
        """The table as a reader sees it: periods as "Oct 2026", estimates as "42.0 (38.1–45.9)".

        CSAT changes are in percentage points.
        """
        from fbresearch.display import format_ci

        level = f"Estimate ({100 * self.confidence:.0f}% CI)"
        rows = []
        for _, row in self.table.iterrows():
            metric = row["metric"]
            out = {}
            for key in self.by:
                value = row[key]
                out[key.replace("_", " ").capitalize()] = (
                    _period_label(value, short=True) if isinstance(value, pd.Period) else value
                )
            out["Metric"] = METRICS[metric].label
            out["n"] = f"{row['n']:,}"
            digits = METRICS[metric].digits
            out[level] = format_ci(
                row["estimate"],
                row["ci_low"],
                row["ci_high"],
                percent=metric == "csat",
                digits=digits,
            )
            if self.time is not None:
                if pd.isna(row["change"]):
                    out["Change vs previous"] = "-"
                    out["p"] = "-"
                else:
                    scale = 100 if metric == "csat" else 1  # shares: percentage points
                    out["Change vs previous"] = format_ci(
                        scale * row["change"],
                        scale * row["change_ci_low"],
                        scale * row["change_ci_high"],
                        digits=digits,
                    )
                    p_text = _format_p(float(row["change_p_value"]))
                    out["p"] = p_text.removeprefix("p = ").removeprefix("p ")
            rows.append(out)
        return pd.DataFrame(rows)

    def caption(self, metric: str | None = None) -> str:
        """A figure caption for :meth:`plot`, naming the metric, the periods and the CI level."""
        metric = metric or self.metrics[0]
        label = METRICS[metric].label
        hue = self._others[0] if self._others else None
        if self.time is None:
            by = f" by {self.by[0]}" if self.by else ""
            return f"{label}{by}: estimates with {100 * self.confidence:.0f}% confidence intervals."
        periods = self.table[self.time]
        span = f"{_period_label(periods.min())} to {_period_label(periods.max())}"
        if metric == "volume":
            return f"Responses by {self.time}{f' and {hue}' if hue else ''}, {span}."
        return (
            f"{label} by {self.time}{f' and {hue}' if hue else ''}, {span}; the shaded band is "
            f"the {100 * self.confidence:.0f}% confidence interval."
        )

    def plot(self, ax=None, metric: str | None = None, hue: str | None = None):  # noqa: ANN001, ANN201
        """Trend with CI band (by period), bars of volume by period, or estimates by group."""
        from fbresearch import plots

        metric = metric or self.metrics[0]
        if metric not in self.metrics:
            raise AnalysisError(f"{metric!r} is not in this table ({', '.join(self.metrics)}).")
        spec = METRICS[metric]
        data = self.table[self.table["metric"] == metric].copy()
        hue = hue or (self._others[0] if self._others else None)
        ylabel = {
            "csat": "CSAT (% satisfied)",
            "nps": "NPS (points)",
            "ces": "CES (mean, 1-7)",
            "csat_mean": "Mean CSAT (1-5)",
            "volume": "Responses",
        }[metric]
        if metric == "csat":
            data = data.assign(**{c: 100 * data[c] for c in ("estimate", "ci_low", "ci_high")})
        if self.time is None:
            x = self.by[0] if self.by else "metric"
            return plots.estimate_plot(
                data,
                x=x,
                y="estimate",
                ci_low="ci_low",
                ci_high="ci_high",
                ax=ax,
                ylabel=ylabel,
                title=spec.label,
            )
        if metric == "volume":
            return plots.volume_plot(
                data,
                x=self.time,
                y="n",
                hue=hue,
                ax=ax,
                ylabel=ylabel,
                title="Responses by month" + (f" and {hue}" if hue else ""),
            )
        return plots.kpi_trend_plot(
            data,
            x=self.time,
            y="estimate",
            ci_low="ci_low",
            ci_high="ci_high",
            hue=hue,
            ax=ax,
            ylabel=ylabel,
            title=f"{spec.label} by {self.time}",
        )


# --- response rate -------------------------------------------------------------------------


def _benchmark_text(benchmark: tuple[float, float]) -> str:
    low, high = benchmark
    return f"{100 * low:.0f}-{100 * high:.0f}%"


@dataclass(frozen=True, eq=False)
class ResponseRateResult(Result):
    """Response rates (responses / invitations) with Wilson CIs beside a benchmark range.

    ``table``: the group columns, ``month``, ``invited``, ``responses``, ``estimate``,
    ``ci_low``, ``ci_high``, ``status`` (``"below"``, ``"within"`` or ``"above"`` the benchmark,
    by the estimate) and ``clear`` (True when the whole CI lies on that side of the range).
    """

    by: tuple[str, ...] = ()
    benchmark: tuple[float, float] = (0.15, 0.25)
    confidence: float = 0.95

    def _latest(self) -> pd.DataFrame:
        return self.table[self.table["month"] == self.table["month"].max()]

    def _sentence(self, row: pd.Series) -> str:
        est = Estimate(
            row["estimate"], row["ci_low"], row["ci_high"], n=int(row["invited"]), unit="share"
        )
        group = _group_text(row, list(self.by))
        where = {"below": "below", "within": "within", "above": "above"}[row["status"]]
        clear = "clearly " if row["clear"] and row["status"] != "within" else ""
        hedge = (
            ""
            if row["clear"] or row["status"] == "within"
            else ", though its confidence interval reaches into the range"
        )
        return (
            f"The response rate{group} was {est.format()} in {_period_label(row['month'])} "
            f"({row['responses']:,} of {row['invited']:,} invited), {clear}{where} the "
            f"{_benchmark_text(self.benchmark)} benchmark{hedge}."
        )

    def summary(self) -> str:
        """One sentence per group for the latest month."""
        if self.table.empty:
            return "No invitations to compute response rates from."
        return " ".join(self._sentence(r) for _, r in self._latest().iterrows())

    def findings(self) -> list[Finding]:
        """Groups clearly outside the benchmark in the latest month."""
        rows = self._latest()
        rows = rows[rows["clear"] & (rows["status"] != "within")]
        return [
            Finding(
                self._sentence(r),
                Estimate(
                    r["estimate"],
                    r["ci_low"],
                    r["ci_high"],
                    n=int(r["invited"]),
                    unit="share",
                    name="response rate",
                ),
                importance=0.55 if r["status"] == "below" else 0.4,
                analysis="overview",
            )
            for _, r in rows.iterrows()
        ]

    def display_table(self) -> pd.DataFrame:
        """Readable table: "Oct 2026", "1,234", "18.2% (16.1%–20.5%)", "below benchmark"."""
        from fbresearch.display import format_ci

        out = pd.DataFrame({k.replace("_", " ").capitalize(): self.table[k] for k in self.by})
        out["Month"] = [_period_label(p, short=True) for p in self.table["month"]]
        out["Invited"] = [f"{v:,}" for v in self.table["invited"]]
        out["Responses"] = [f"{v:,}" for v in self.table["responses"]]
        out[f"Response rate ({100 * self.confidence:.0f}% CI)"] = [
            format_ci(r.estimate, r.ci_low, r.ci_high, percent=True)
            for r in self.table.itertuples()
        ]
        out[f"vs {_benchmark_text(self.benchmark)} benchmark"] = [
            ("clearly " if c and s != "within" else "") + s
            for s, c in zip(self.table["status"], self.table["clear"], strict=True)
        ]
        return out

    def plot(self, ax=None, month: str | pd.Period | None = None):  # noqa: ANN001, ANN201
        """Rates of one month (default: the latest) per group, with CIs and the benchmark band."""
        from fbresearch import plots

        data = self.table
        if self.by:
            period = pd.Period(month, freq="M") if month is not None else data["month"].max()
            data = data[data["month"] == period]
            x, title = self.by[0], f"Response rate, {_period_label(period)}"
        else:
            x, title = "month", "Response rate by month"
        data = data.assign(**{c: 100 * data[c] for c in ("estimate", "ci_low", "ci_high")})
        return plots.estimate_plot(
            data,
            x=x,
            y="estimate",
            ci_low="ci_low",
            ci_high="ci_high",
            band=tuple(100 * b for b in self.benchmark),
            band_label=f"benchmark {_benchmark_text(self.benchmark)}",
            ax=ax,
            ylabel="Response rate (%)",
            title=title,
        )


def response_rate(
    invitations: pd.DataFrame,
    feedback: pd.DataFrame,
    by: str | Sequence[str] | None = "channel",
    benchmark: tuple[float, float] = (0.15, 0.25),
    *,
    date: str = "submitted_at",
    through: str | pd.Period | None = None,
    confidence: float = 0.95,
) -> ResponseRateResult:
    """Response rate per group and month (responses / invited), Wilson CIs, against a benchmark.

    Responses are the feedback rows of each group and month (month of ``date``); only the groups
    and months present in ``invitations`` get a rate. The usual survey benchmark is a 15-25%
    response rate; pass your own from params.

    Parameters
    ----------
    invitations : DataFrame
        Invitation counts: the ``by`` columns, ``month`` (``2026-10``, a date or a Period) and
        ``invited``. Several rows for one group and month are added up.
    feedback : DataFrame
        Canonical feedback data (the ``by`` columns and ``date``).
    by : str or list of str or None, default "channel"
        Grouping columns present in both frames; None gives one rate per month.
    benchmark : (float, float), default (0.15, 0.25)
        The expected range of response rates, as shares.
    date : str, default "submitted_at"
    through : str or Period, optional
        The last month to include (e.g. the report period). Default: the last month with any
        feedback, since responses to later invitations are not in the data yet.
    confidence : float, default 0.95

    Returns
    -------
    ResponseRateResult

    Examples
    --------
    >>> inv = pd.DataFrame({"channel": ["email"], "month": ["2026-10"], "invited": [100]})
    >>> fb = pd.DataFrame({"channel": ["email"] * 12,
    ...                    "submitted_at": pd.to_datetime(["2026-10-05"] * 12)})
    >>> r = response_rate(inv, fb)
    >>> r.table[["channel", "responses", "estimate", "status"]]
      channel  responses  estimate status
    0   email         12      0.12  below
    """
    _check_confidence(confidence)
    low_b, high_b = (float(b) for b in benchmark)
    if not 0 <= low_b <= high_b <= 1:
        raise AnalysisError(
            f"benchmark must be two shares low <= high between 0 and 1 (e.g. [0.15, 0.25]); "
            f"got {benchmark!r}."
        )
    if invitations is None:
        raise AnalysisError(
            "no invitation counts were supplied, so response rates cannot be computed. Fix: give "
            "a file of channel, month and invited in params (invitations:)."
        )
    keys = _as_list(by)
    for name, frame, needed in (
        ("invitations", invitations, keys + ["month", "invited"]),
        ("feedback", feedback, keys + [date]),
    ):
        if not isinstance(frame, pd.DataFrame):
            raise AnalysisError(f"{name} must be a pandas DataFrame; got {type(frame).__name__}.")
        missing = [c for c in needed if c not in frame.columns]
        if missing:
            raise AnalysisError(
                f"{name} has no column {missing[0]!r} (needed: {', '.join(needed)}). "
                f"Fix: add or map it, or pass by= naming columns both tables have."
            )
    invited = pd.to_numeric(invitations["invited"].astype("object"), errors="coerce")
    bad = (invited.isna() | (invited <= 0) | (invited != invited.round())).to_numpy()
    if bad.any():
        raise AnalysisError(
            f"invitations column 'invited' must hold positive whole numbers (rows "
            f"{_rows_hint(invitations.index, bad)}). Fix: correct or remove those rows."
        )
    inv = invitations[keys].assign(
        month=_to_period(invitations["month"], "month"), invited=invited.astype("int64")
    )
    inv = inv.groupby(keys + ["month"], observed=True, sort=True).agg(invited=("invited", "sum"))
    resp = feedback[keys].assign(month=_to_period(feedback[date], date))
    counts = resp.groupby(keys + ["month"], observed=True).size().rename("responses")
    if through is None:
        through = resp["month"].max()
    if not pd.isna(through):
        inv = inv[inv.index.get_level_values("month") <= pd.Period(through, freq="M")]
    table = inv.join(counts, how="left").reset_index()
    table["responses"] = table["responses"].fillna(0).astype("int64")
    over = (table["responses"] > table["invited"]).to_numpy()
    if over.any():
        first = table[over].iloc[0]
        raise AnalysisError(
            f"more responses than invitations for "
            f"{', '.join(str(first[k]) for k in keys + ['month'])} "
            f"({first['responses']:,} responses, {first['invited']:,} invited; {int(over.sum())} "
            f"group-months in all). Fix: check the invitation counts, or restrict feedback to "
            f"invited responses."
        )
    p, _, low, high = _wilson(
        table["responses"].to_numpy(float), table["invited"].to_numpy(float), _z(confidence)
    )
    status = np.where(p < low_b, "below", np.where(p > high_b, "above", "within"))
    clear = np.where(
        status == "below",
        high < low_b,
        np.where(status == "above", low > high_b, (low >= low_b) & (high <= high_b)),
    )
    table = table.assign(estimate=p, ci_low=low, ci_high=high, status=status, clear=clear)
    return ResponseRateResult(
        table=table, by=tuple(keys), benchmark=(low_b, high_b), confidence=confidence
    )


# --- acknowledged within a limit -----------------------------------------------------------


@dataclass(frozen=True, eq=False)
class AcknowledgedResult(Result):
    """The share of responses acknowledged within a time limit, with Wilson CIs.

    ``table``: the group columns, ``n``, ``acknowledged`` (within the limit), ``never`` (no
    acknowledgement yet), ``estimate``, ``ci_low``, ``ci_high``, ``median_hours`` (among the
    acknowledged).
    """

    hours: float = 24
    by: tuple[str, ...] = ()
    overall: Estimate | None = None
    confidence: float = 0.95

    def summary(self) -> str:
        """The overall share and, by group, the slowest and fastest groups."""
        if self.overall is None or self.overall.n == 0:
            return "No responses to measure acknowledgement times on."
        never = int(self.table["never"].sum())
        text = (
            f"{self.overall.format()} of {self.overall.n:,} responses were acknowledged within "
            f"{self.hours:g} hours ({never:,} never acknowledged, counted as not within)."
        )
        if self.by and len(self.table) > 1:
            worst = self.table.loc[self.table["estimate"].idxmin()]
            best = self.table.loc[self.table["estimate"].idxmax()]
            fmt = (
                Estimate(r["estimate"], r["ci_low"], r["ci_high"], n=1, unit="share").format()
                for r in (worst, best)
            )
            w, b = fmt
            text += (
                f" The lowest share was{_group_text(worst, list(self.by))}, {w}; the highest"
                f"{_group_text(best, list(self.by))}, {b}."
            )
        return text

    def findings(self) -> list[Finding]:
        """The overall share (importance 0.6) and groups clearly below it (0.65)."""
        if self.overall is None or self.overall.n == 0:
            return []
        out = [
            Finding(
                f"{self.overall.format()} of responses were acknowledged within {self.hours:g} hours.",
                self.overall,
                importance=0.6,
                analysis="overview",
            )
        ]
        if self.by:
            slow = self.table[self.table["ci_high"] < self.overall.estimate]
            for _, r in slow.iterrows():
                est = Estimate(
                    r["estimate"],
                    r["ci_low"],
                    r["ci_high"],
                    n=int(r["n"]),
                    unit="share",
                    name="acknowledged within limit",
                )
                out.append(
                    Finding(
                        f"Only {est.format()} of responses{_group_text(r, list(self.by))} were "
                        f"acknowledged within {self.hours:g} hours, clearly below the overall "
                        f"{format_number(self.overall.estimate, percent=True)}.",
                        est,
                        importance=0.65,
                        analysis="overview",
                    )
                )
        return out

    def display_table(self) -> pd.DataFrame:
        """Readable table of the shares with CIs."""
        from fbresearch.display import format_ci

        out = pd.DataFrame({k.replace("_", " ").capitalize(): self.table[k] for k in self.by})
        out["Responses"] = [f"{v:,}" for v in self.table["n"]]
        out[f"Within {self.hours:g} h ({100 * self.confidence:.0f}% CI)"] = [
            format_ci(r.estimate, r.ci_low, r.ci_high, percent=True)
            for r in self.table.itertuples()
        ]
        out["Never acknowledged"] = [f"{v:,}" for v in self.table["never"]]
        out["Median hours (acknowledged)"] = [format_number(v) for v in self.table["median_hours"]]
        return out

    def plot(self, ax=None):  # noqa: ANN001, ANN201
        """Shares per group with CIs (or the overall share)."""
        from fbresearch import plots

        data = self.table.assign(
            **{c: 100 * self.table[c] for c in ("estimate", "ci_low", "ci_high")}
        )
        x = self.by[0] if self.by else None
        if x is None:
            data = data.assign(group="all responses")
            x = "group"
        return plots.estimate_plot(
            data,
            x=x,
            y="estimate",
            ci_low="ci_low",
            ci_high="ci_high",
            ax=ax,
            ylabel=f"Acknowledged within {self.hours:g} h (%)",
            title=f"Acknowledged within {self.hours:g} hours",
        )


def acknowledged_within(
    frame: pd.DataFrame,
    hours: float = 24,
    start: str = "submitted_at",
    end: str = "responded_at",
    *,
    by: str | Sequence[str] | None = None,
    asof: str | pd.Timestamp | None = None,
    confidence: float = 0.95,
) -> AcknowledgedResult:
    """The share of responses acknowledged within ``hours`` of submission, with a Wilson CI.

    A response counts as acknowledged within the limit when ``end - start <= hours``. A response
    never acknowledged (``end`` missing) counts as **not** within the limit: it is in the
    denominator, not dropped. Rows with a missing ``start`` are left out. With ``asof``, responses
    submitted less than ``hours`` before it are left out too (their limit has not passed yet).

    Parameters
    ----------
    frame : DataFrame
        Feedback with the ``start`` and ``end`` columns.
    hours : float, default 24
        The limit.
    start, end : str
        Column names of submission and acknowledgement times.
    by : str or list of str, optional
        Grouping columns (e.g. ``"channel"``).
    asof : date-like, optional
        When the data was extracted.
    confidence : float, default 0.95

    Returns
    -------
    AcknowledgedResult
        ``.overall`` (an Estimate) and ``.table`` per group.

    Raises
    ------
    AnalysisError
        When a column is missing (e.g. no ``responded_at``), is not dates, or ``end`` precedes
        ``start``.

    Examples
    --------
    >>> df = pd.DataFrame({
    ...     "submitted_at": pd.to_datetime(["2026-10-01 09:00"] * 4),
    ...     "responded_at": pd.to_datetime(["2026-10-01 10:00", "2026-10-02 08:00",
    ...                                     "2026-10-03 09:00", None])})
    >>> acknowledged_within(df).overall.estimate   # 2 of 4; the never-acknowledged one counts
    0.5
    """
    _check_confidence(confidence)
    if not hours > 0:
        raise AnalysisError(f"hours must be positive; got {hours!r}.")
    keys = _as_list(by)
    for column in [start, end, *keys]:
        if column not in frame.columns:
            what = (
                "the time each response was acknowledged"
                if column == end
                else "the submission time"
                if column == start
                else "a grouping column"
            )
            raise AnalysisError(
                f"column {column!r} ({what}) is not in the data, so the share acknowledged within "
                f"{hours:g} hours cannot be computed. Fix: map your column to {column!r} in "
                f"params columns:, or skip this analysis."
            )
    t0 = _as_datetime(frame[start], start)
    t1 = _as_datetime(frame[end], end)
    elapsed = (t1 - t0).dt.total_seconds().to_numpy(float, na_value=np.nan) / 3600
    negative = elapsed < 0
    if negative.any():
        raise AnalysisError(
            f"column {end!r} is earlier than {start!r} (rows {_rows_hint(frame.index, negative)}). "
            f"Fix: correct those times (a time-zone mismatch is a common cause)."
        )
    keep = t0.notna().to_numpy()
    if asof is not None:
        keep = keep & (t0 <= pd.Timestamp(asof) - pd.Timedelta(hours=hours)).to_numpy()
    within = np.where(np.isnan(elapsed), False, elapsed <= hours)
    work = pd.DataFrame(
        {"_within": within, "_never": np.isnan(elapsed), "_hours": elapsed}, index=frame.index
    )
    for k in keys:
        work[k] = frame[k]
    work = work[keep]
    group = keys or (lambda _: "all")
    table = work.groupby(group, observed=True, sort=True).agg(
        n=("_within", "size"),
        acknowledged=("_within", "sum"),
        never=("_never", "sum"),
        median_hours=("_hours", "median"),
    )
    table = table.reset_index(drop=not keys).astype({"acknowledged": "int64", "never": "int64"})
    z = _z(confidence)
    p, _, low, high = _wilson(table["acknowledged"].to_numpy(float), table["n"].to_numpy(float), z)
    table = table.assign(estimate=p, ci_low=low, ci_high=high)
    overall = proportion(
        int(work["_within"].sum()), len(work), confidence, name=f"acknowledged within {hours:g} h"
    )
    return AcknowledgedResult(
        table=table, hours=float(hours), by=tuple(keys), overall=overall, confidence=confidence
    )


def _as_datetime(series: pd.Series, column: str) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(series):
        return series
    try:
        return pd.to_datetime(series.astype("object"), errors="raise", format="mixed")
    except (ValueError, TypeError):
        raise AnalysisError(
            f"column {column!r} could not be read as date-times. Fix: give times such as "
            f"2026-10-31 14:05."
        ) from None
