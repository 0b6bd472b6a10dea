"""KPI tables: every metric per group in one ``groupby``, with the change between periods.

:func:`kpi_table` builds the tidy KPI table (one row per group and metric, with n and CI, and the
change from the previous period when grouped by month); :func:`kpi_trend` is its shorthand for
one metric over time. Labels, units and decimals of each metric come from
:data:`fbresearch.schema.METRICS`; valid answer ranges from :data:`fbresearch.schema.SCORES`.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

import numpy as np
import pandas as pd
from scipy import stats

from fbresearch import evidence
from fbresearch.analyses.kpis import clustered
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
from fbresearch.analyses.kpis.suppress import suppress_cells
from fbresearch.engines.base import TIME_KEYS, Scan
from fbresearch.engines.pandas_engine import PandasScan, rows_hint, to_period
from fbresearch.errors import AnalysisError
from fbresearch.privacy import min_responses as page_min_responses
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
        if f"{column}_g" in counts:  # per-customer sums: variances clustered by customer
            w = clustered.coding(metric, values, top_box)
            stats_ = clustered.cluster_stats(counts, column, values, w)
            for name in ("g", "v", "deff", "repeat"):
                out[f"{metric}_cl_{name}"] = stats_[name]
    return out


def _cluster_helpers(agg: pd.DataFrame, metric: str) -> dict[str, np.ndarray]:
    """``_g`` (customers), ``_vcl`` (clustered variance), ``_deff`` and ``_rep`` (a customer
    answers twice) of each cell; NaN and no repeat without per-customer sums."""
    if f"{metric}_cl_repeat" not in agg:
        nan = np.full(len(agg), np.nan)
        return {"_g": nan, "_vcl": nan, "_deff": nan, "_rep": np.zeros(len(agg))}
    return {
        "_g": agg[f"{metric}_cl_g"].to_numpy(float),
        "_vcl": agg[f"{metric}_cl_v"].to_numpy(float),
        "_deff": agg[f"{metric}_cl_deff"].to_numpy(float),
        "_rep": agg[f"{metric}_cl_repeat"].to_numpy(bool).astype(float),
    }


def _metric_part(
    agg: pd.DataFrame, keys: list[str], metric: str, confidence: float
) -> pd.DataFrame:
    """Tidy rows of one metric: n, estimate, CI, se and the sufficient statistics of a change.

    Helper columns start with ``_``: ``_x`` (promoters or satisfied answers), ``_y``
    (detractors), ``_var`` (variance of a mean), ``_c<v>`` (answers of value v, for means)
    and the clustering helpers of :func:`_cluster_helpers`. In a cell where a customer answers
    twice, se and interval are clustered by customer (:mod:`~fbresearch.analyses.kpis.clustered`).
    """
    z = _z(confidence)
    out = agg[keys].copy() if keys else pd.DataFrame(index=agg.index)
    nan = np.full(len(agg), np.nan)
    helpers: dict[str, np.ndarray] = {"_x": nan, "_y": nan, "_var": nan}
    helpers.update(_cluster_helpers(agg, metric))
    rep, deff = helpers["_rep"] > 0, helpers["_deff"]
    cl_se = None  # the clustered (se, low, high), where a customer repeats
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
            if rep.any():
                cl_se = clustered.nps_level(pro, det, n, deff, confidence)
        elif metric in _SHARES:
            helpers["_x"] = agg[f"{metric}_top"].to_numpy(float)
            est, se, low, high = _wilson(helpers["_x"], n, z)
            if rep.any():
                cl_se = clustered.share_level(helpers["_x"], n, deff, confidence)
        else:
            est = agg[f"{metric}_mean"].to_numpy(float)
            helpers["_var"] = agg[f"{metric}_var"].to_numpy(float)
            se, low, high = _t_interval(est, np.sqrt(helpers["_var"]), n, confidence)
            if rep.any():
                g = helpers["_g"]
                with np.errstate(invalid="ignore"):
                    cl_se = _t_interval(est, np.sqrt(helpers["_vcl"] * g), g, confidence)
            prefix = f"{metric}_c"
            helpers.update(
                {
                    f"_c{c[len(prefix) :]}": agg[c].to_numpy(float)
                    for c in agg
                    if c.startswith(prefix) and c[len(prefix) :].isdigit()
                }
            )
        if cl_se is not None:
            se, low, high = (np.where(rep, a, b) for a, b in zip(cl_se, (se, low, high)))  # noqa: B905
        spec = metric_spec(metric)
        if spec.unit == "score":  # a mean answer lies on its scale: so does its interval
            low, high = np.clip(low, *spec.scale), np.clip(high, *spec.scale)
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


def _exact_p(metric: str, c: dict, p: dict, i: int, p_large: float = np.nan) -> float:
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


def _tests(metric: str, c: dict, p: dict, confidence: float, testable: np.ndarray, exact) -> tuple:  # noqa: ANN001
    """Interval and p-values of each row's change: the large-sample ones, with the exact or
    permutation p-value ``exact(metric, c, p, i, p_large)`` in the small testable rows."""
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
        p_test = np.array(p_test, dtype=float)
        for i in np.flatnonzero(testable & _small(metric, c, p)):
            p_test[i] = exact(metric, c, p, i, p_test[i])
    return low, high, p_test, p_interval


def _clustered_exact_p(
    metric: str, c: dict, p: dict, i: int, p_large: float, *, c_answers: dict, p_answers: dict
) -> float:
    """The small-sample p-value of a change with a repeat customer (see clustered.exact_p)."""
    del c, p  # the effective counts: the exact tests start again from the answers
    return clustered.exact_p(
        metric, c_answers, p_answers, i, p_large,
        lambda: _exact_p(metric, c_answers, p_answers, i),
    )  # fmt: skip


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
    testable = ~np.isnan(p["n"])
    if metric != "volume":
        testable &= evidence.enough_answers(c["n"]) & evidence.enough_answers(p["n"])
    rep = (c["_rep"] > 0) | (p["_rep"] > 0)
    if metric == "volume":
        rep = np.zeros_like(rep)
    low, high, p_test, p_interval = _tests(metric, c, p, confidence, testable & ~rep, _exact_p)
    if rep.any():  # a customer answers twice: clustered tests there
        ce, pe = clustered.effective(metric, c), clustered.effective(metric, p)
        exact = partial(_clustered_exact_p, c_answers=c, p_answers=p)
        chosen = _tests(metric, ce, pe, confidence, testable & rep, exact)
        low, high, p_test, p_interval = (
            np.where(rep, a, b)
            for a, b in zip(chosen, (low, high, p_test, p_interval))  # noqa: B905
        )
        few = (c["_rep"] > 0) & ~(c["_g"] >= evidence.MIN_ANSWERS)
        testable &= ~(few | ((p["_rep"] > 0) & ~(p["_g"] >= evidence.MIN_ANSWERS)))
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
    min_responses: int | None = None,
    cluster: str | None = "customer_id",
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
    of different length are compared as they are). With repeat customers (``cluster``), a
    cell where a customer answers twice gets variances clustered by customer instead of
    treating the answers as independent. p-values are not adjusted for the number of
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
    min_responses : int, optional
        Anonymity threshold: cells with fewer answers are left out, with the smallest other
        cell of their margin when one alone would be (complementary suppression, see
        :mod:`fbresearch.analyses.kpis.suppress`); their keys are ``.hidden``. ``None``: the
        page's threshold (:func:`fbresearch.privacy.min_responses`; none outside a unit page).
    cluster : str or None, default "customer_id"
        The customer column. When the data has it and a customer answers more than once in a
        cell, that cell's se, interval and change tests are clustered by customer (see
        :mod:`fbresearch.analyses.kpis.clustered`); cells where nobody answers twice, and data
        without the column, are computed exactly as with ``cluster=None`` (every answer
        independent). A missing customer counts as a customer of its own. Naming a column
        other than the default that the data lacks is an error. Volume is never clustered.

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
    if cluster is not None and cluster not in scan.columns:
        if cluster != "customer_id":
            raise AnalysisError(
                f"cannot cluster by {cluster!r}: no such column. Fix: name the customer "
                "column, or cluster=None to treat every answer as independent."
            )
        cluster = None
    if cluster in keys:  # grouped by customer: no customer repeats across cells' customers
        cluster = None
    counts = scan.kpi_counts(keys, _scores(metric_list), date=date, cluster=cluster)
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
    minimum = page_min_responses() if min_responses is None else int(min_responses)
    table, hidden = suppress_cells(table, keys, time, minimum)
    return KpiTable(
        table=table,
        by=tuple(keys),
        time=time,
        metrics=tuple(metric_list),
        confidence=confidence,
        hidden=hidden,
        min_responses=minimum,
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
