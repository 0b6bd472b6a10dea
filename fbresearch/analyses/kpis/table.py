"""KPI tables: every metric per group in one ``groupby``, with the change between periods.

:func:`kpi_table` builds the tidy KPI table (one row per group and metric, with n and CI, and the
change from the previous period when grouped by month); :func:`kpi_trend` is its shorthand for
one metric over time. Labels, units and decimals of each metric come from
:data:`fbresearch.schema.METRICS`; valid answer ranges from :data:`fbresearch.schema.SCORES`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from fbresearch import evidence
from fbresearch.analyses.kpis.results import KpiTable
from fbresearch.analyses.kpis.scores import (
    _check_confidence,
    _nps_adjusted,
    _nps_level,
    _poisson_interval,
    _t_interval,
    _wilson,
    _z,
)
from fbresearch.engines.base import TIME_KEYS, Scan
from fbresearch.engines.pandas_engine import PandasScan, rows_hint, to_period
from fbresearch.errors import AnalysisError
from fbresearch.schema import SCORES, metric_spec

__all__ = ["kpi_table", "kpi_trend", "SOURCE_COLUMNS"]

#: The metrics :func:`kpi_table` knows, each with the canonical answer column it is computed
#: from (None: it counts responses). Labels and units: :data:`fbresearch.schema.METRICS`.
SOURCE_COLUMNS: dict[str, str | None] = {
    "nps": "nps",
    "csat": "csat",
    "ces": "ces",
    "csat_mean": "csat",
    "satisfied": "satisfied",
    "volume": None,
}
#: metrics that are a share of answers (Wilson intervals, two-proportion tests)
_SHARES = ("csat", "satisfied")

_TIME_NAMES = {freq: name for name, freq in TIME_KEYS.items()}
#: shared with the rates (their names before the engines held them)
_rows_hint, _to_period = rows_hint, to_period


def _as_list(value: str | Sequence[str] | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return list(value)


def _scores(metrics: list[str]) -> dict[str, tuple[int, int]]:
    """The answer columns of ``metrics`` with their scales: what the engine counts."""
    columns = dict.fromkeys(SOURCE_COLUMNS[m] for m in metrics if SOURCE_COLUMNS[m] is not None)
    return {c: (int(SCORES[c].low), int(SCORES[c].high)) for c in columns}


def _aggregate(
    counts: pd.DataFrame, keys: list[str], metrics: list[str], top_box: tuple[int, ...]
) -> pd.DataFrame:
    """Every metric's sufficient statistics from the integer answer counts of an engine.

    One numpy code path for every engine, so equal counts give bit-identical estimates. Sums
    and sums of squares are exact integers; the variance of a mean is
    ``(n * S2 - S1**2) / (n * (n - 1))`` with an exact int64 numerator (up to about 4e8
    answers per group on a 1-7 scale).
    """
    out = counts[keys].copy() if keys else pd.DataFrame(index=counts.index)
    out["_rows"] = counts["_rows"].to_numpy(np.int64)
    for metric in metrics:
        column = SOURCE_COLUMNS[metric]
        if column is None:
            continue
        low, high = int(SCORES[column].low), int(SCORES[column].high)
        values = np.arange(low, high + 1, dtype=np.int64)
        c = counts[[f"{column}_c{v}" for v in values]].to_numpy(np.int64)
        n = c.sum(axis=1)
        out[f"{metric}_n"] = n
        if metric == "nps":
            out["nps_pro"] = c[:, values >= 9].sum(axis=1)
            out["nps_det"] = c[:, values <= 6].sum(axis=1)
        elif metric in _SHARES:
            top = np.isin(values, top_box if metric == "csat" else (1,))
            out[f"{metric}_top"] = c[:, top].sum(axis=1)
        else:
            s1, s2 = c @ values, c @ values**2
            with np.errstate(divide="ignore", invalid="ignore"):
                out[f"{metric}_mean"] = s1 / n
                out[f"{metric}_var"] = (n * s2 - s1 * s1) / (n * (n - 1))
            # answer counts: what a permutation test of a change at small n needs
            for i, v in enumerate(values):
                out[f"{metric}_c{v}"] = c[:, i]
    return out


def _metric_part(
    agg: pd.DataFrame, keys: list[str], metric: str, confidence: float
) -> pd.DataFrame:
    """Tidy rows of one metric: n, estimate, CI, se and the sufficient statistics of a change.

    Helper columns start with ``_``: ``_x`` (promoters or satisfied answers), ``_y``
    (detractors), ``_var`` (variance of a mean) and ``_c<v>`` (answers of value v, for means).
    """
    z = _z(confidence)
    out = agg[keys].copy() if keys else pd.DataFrame(index=agg.index)
    nan = np.full(len(agg), np.nan)
    helpers: dict[str, np.ndarray] = {"_x": nan, "_y": nan, "_var": nan}
    if metric == "volume":
        n = agg["_rows"].to_numpy(float)
        low, high = _poisson_interval(n, confidence)
        est, se = n, np.sqrt(n)
    else:
        n = agg[f"{metric}_n"].to_numpy(float)
        if metric == "nps":
            pro, det = agg["nps_pro"].to_numpy(float), agg["nps_det"].to_numpy(float)
            est, se, low, high, _ = _nps_level(pro, det, n, confidence)
            helpers.update(_x=pro, _y=det)
        elif metric in _SHARES:
            helpers["_x"] = agg[f"{metric}_top"].to_numpy(float)
            est, se, low, high = _wilson(helpers["_x"], n, z)
        else:
            est = agg[f"{metric}_mean"].to_numpy(float)
            helpers["_var"] = agg[f"{metric}_var"].to_numpy(float)
            se, low, high = _t_interval(est, np.sqrt(helpers["_var"]), n, confidence)
            spec = metric_spec(metric)
            if spec.unit == "score":  # a mean answer lies on its scale: so does its interval
                low, high = np.clip(low, *spec.scale), np.clip(high, *spec.scale)
            prefix = f"{metric}_c"
            helpers.update(
                {
                    f"_c{c[len(prefix) :]}": agg[c].to_numpy(float)
                    for c in agg
                    if c.startswith(prefix)
                }
            )
    cols = {"n": n, "estimate": est, "ci_low": low, "ci_high": high, "se": se, **helpers}
    out = out.assign(metric=metric, **cols)
    out = out[out["n"] > 0]
    return out.assign(n=out["n"].astype("int64"))


def _nps_change(c: dict, p: dict, z: float) -> tuple:
    """NPS change (points): adjusted-Wald interval of the difference (Rocks 2016), Wald p."""
    centre_c, se_c = _nps_adjusted(c["_x"], c["_y"], c["n"])
    centre_p, se_p = _nps_adjusted(p["_x"], p["_y"], p["n"])
    centre, se = 100 * (centre_c - centre_p), 100 * np.hypot(se_c, se_p)
    low, high = np.maximum(centre - z * se, -200.0), np.minimum(centre + z * se, 200.0)
    p_wald = evidence.normal_p_value(centre, se)
    return low, high, p_wald, p_wald


def _share_change(c: dict, p: dict, z: float) -> tuple:
    """Share change: Newcombe's hybrid score interval; pooled two-proportion z test."""

    def newcombe(zz):  # noqa: ANN001, ANN202
        est_c, _, low_c, high_c = _wilson(c["_x"], c["n"], zz)
        est_p, _, low_p, high_p = _wilson(p["_x"], p["n"], zz)
        diff = est_c - est_p
        return (
            diff - np.hypot(est_c - low_c, high_p - est_p),
            diff + np.hypot(high_c - est_c, est_p - low_p),
        )

    low, high = newcombe(z)
    with np.errstate(divide="ignore", invalid="ignore"):
        pooled = (c["_x"] + p["_x"]) / (c["n"] + p["n"])
        se0 = np.sqrt(pooled * (1 - pooled) * (1 / c["n"] + 1 / p["n"]))
    diff = c["estimate"] - p["estimate"]
    p_z = np.where(se0 > 0, evidence.normal_p_value(diff, se0), np.where(diff == 0, 1.0, 0.0))
    return low, high, p_z, evidence.interval_p_value(newcombe)


def _volume_change(c: dict, p: dict, z: float) -> tuple:
    """Difference of two Poisson counts (normal approximation): Var = k1 + k2."""
    diff, se = c["n"] - p["n"], np.sqrt(c["n"] + p["n"])
    p_wald = evidence.normal_p_value(diff, se)
    return diff - z * se, diff + z * se, p_wald, p_wald


def _mean_change(c: dict, p: dict, confidence: float) -> tuple:
    """Welch's t interval and test of a change in a mean (unequal variances)."""
    a, b = c["_var"] / c["n"], p["_var"] / p["n"]
    with np.errstate(divide="ignore", invalid="ignore"):
        se = np.sqrt(a + b)
        df = (a + b) ** 2 / (a**2 / (c["n"] - 1) + b**2 / (p["n"] - 1))
        t = stats.t.ppf(0.5 + confidence / 2, df)
        diff = c["estimate"] - p["estimate"]
        p_welch = np.where(se > 0, 2 * stats.t.sf(np.abs(diff) / se, df), np.nan)
    return diff - t * se, diff + t * se, p_welch, p_welch


def _exact_p(metric: str, c: dict, p: dict, i: int) -> float:
    """The exact or permutation p-value of the change in row ``i`` (small samples)."""
    n1, n2 = int(c["n"][i]), int(p["n"][i])
    if metric == "nps":
        return evidence.nps_exact_test(
            int(c["_x"][i]), int(c["_y"][i]), n1, int(p["_x"][i]), int(p["_y"][i]), n2
        )
    if metric in _SHARES:
        return evidence.share_exact_test(int(c["_x"][i]), n1, int(p["_x"][i]), n2)
    if metric == "volume":
        return evidence.count_exact_test(n1, n2)
    values = sorted(int(k[2:]) for k in c if k.startswith("_c"))
    a = np.repeat(values, [int(c[f"_c{v}"][i]) for v in values])
    b = np.repeat(values, [int(p[f"_c{v}"][i]) for v in values])
    return evidence.mean_permutation_test(a, b)


def _small(metric: str, c: dict, p: dict) -> np.ndarray:
    """Rows whose change is judged by an exact or permutation test (evidence's rule)."""
    if metric == "nps":
        return evidence.needs_exact_test(
            c["n"],
            p["n"],
            c["_x"] + p["_x"],
            c["_y"] + p["_y"],
            c["n"] + p["n"] - c["_x"] - p["_x"] - c["_y"] - p["_y"],
        )
    if metric in _SHARES:
        return evidence.needs_exact_test(
            c["n"], p["n"], c["_x"] + p["_x"], c["n"] + p["n"] - c["_x"] - p["_x"]
        )
    if metric == "volume":
        return np.minimum(c["n"], p["n"]) < evidence.EXACT_BELOW_N
    return evidence.needs_exact_test(c["n"], p["n"]) | ~(c["_var"] + p["_var"] > 0)


def _add_change(
    part: pd.DataFrame, keys: list[str], time: str, metric: str, confidence: float
) -> pd.DataFrame:
    """Change from the previous period (same other keys), its CI and p-value.

    Large samples: the large-sample test of each metric; small ones (see
    :func:`fbresearch.evidence.needs_exact_test`): an exact or permutation test. Either way
    the interval is made to agree with the test (:func:`fbresearch.evidence.agreeing_interval`);
    a period with fewer than :data:`fbresearch.evidence.MIN_ANSWERS` answers gets no test.
    """
    stat_cols = ["n", "estimate", "ci_low", "ci_high", "se"]
    stat_cols += [k for k in part.columns if k.startswith("_")]
    prev = part[keys + stat_cols].assign(**{time: part[time] + 1})
    merged = part.merge(prev, on=keys, how="left", suffixes=("", "_prev"))
    c = {k: merged[k].to_numpy(float) for k in stat_cols}
    p = {k: merged[f"{k}_prev"].to_numpy(float) for k in stat_cols}
    z = _z(confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        if metric == "nps":
            low, high, p_test, p_interval = _nps_change(c, p, z)
        elif metric in _SHARES:
            low, high, p_test, p_interval = _share_change(c, p, z)
        elif metric == "volume":
            low, high, p_test, p_interval = _volume_change(c, p, z)
        else:
            low, high, p_test, p_interval = _mean_change(c, p, confidence)
        testable = ~np.isnan(p["n"])
        if metric != "volume":
            testable &= evidence.enough_answers(c["n"]) & evidence.enough_answers(p["n"])
        p_test = np.array(p_test, dtype=float)
        for i in np.flatnonzero(testable & _small(metric, c, p)):
            p_test[i] = _exact_p(metric, c, p, i)
    low, high, pval = evidence.agreeing_interval(low, high, p_test, p_interval, confidence)
    low, high, pval = (np.where(testable, v, np.nan) for v in (low, high, pval))
    merged = merged.drop(columns=[f"{k}_prev" for k in stat_cols])
    return merged.assign(
        previous=p["estimate"],
        change=c["estimate"] - p["estimate"],
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
    frame : DataFrame or Scan
        Canonical feedback data (columns ``nps``, ``csat``, ``ces`` as needed), or an engine's
        scan of it (``fbresearch.engines.get_engine("duckdb").scan("exports/feedback/")``):
        the engine counts the answers where the data lies; the table is the same.
    by : str or list of str, optional
        Grouping columns. ``"month"`` (also ``"week"``, ``"quarter"``) means the period of
        ``date`` unless the frame has a column of that name. None: one overall row per metric.
    metrics : str or sequence of str, default ("nps", "csat")
        Any of ``"nps"``, ``"csat"``, ``"ces"``, ``"csat_mean"``, ``"satisfied"`` (the share
        answering 1 to a yes/no satisfaction question), ``"volume"``.
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
    if isinstance(frame, pd.DataFrame):
        scan: Scan = PandasScan(frame)
    elif isinstance(frame, Scan):
        scan = frame
    else:
        raise AnalysisError(
            f"kpi_table needs a pandas DataFrame or an engine's scan "
            f"(fbresearch.engines); got {type(frame).__name__}."
        )
    _check_confidence(confidence)
    metric_list = _as_list(metrics)
    unknown = [m for m in metric_list if m not in SOURCE_COLUMNS]
    if unknown or not metric_list:
        raise AnalysisError(
            f"unknown metric(s) {unknown or metric_list!r}. "
            f"Fix: choose from {', '.join(SOURCE_COLUMNS)}."
        )
    for m in metric_list:
        column = SOURCE_COLUMNS[m]
        if column is not None and column not in scan.columns:
            raise AnalysisError(
                f"metric {m!r} needs the column {column!r}, which is not in the data. "
                f"Fix: map your {metric_spec(m).label} column to {column!r} (params columns:) "
                f"or leave {m!r} out of metrics."
            )
    keys = _as_list(by)
    counts = scan.kpi_counts(keys, _scores(metric_list), date=date)
    time = next((k for k in keys if isinstance(counts[k].dtype, pd.PeriodDtype)), None)
    agg = _aggregate(counts, keys, metric_list, top_box)
    parts = []
    for m in metric_list:
        part = _metric_part(agg, keys, m, confidence)
        if time is not None:
            part = _add_change(part, keys, time, m, confidence)
        parts.append(part.drop(columns=[k for k in part.columns if k.startswith("_")]))
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
