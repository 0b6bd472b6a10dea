"""Operational rates of the overview report: response rate and acknowledged within a limit.

:func:`response_rate` divides responses by invitations per group and month against a benchmark
range; :func:`acknowledged_within` gives the share of responses acknowledged within a time limit
(a never-acknowledged response counts as not within). Both use the Wilson interval of
:mod:`fbresearch.analyses.kpis.scores`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from fbresearch.analyses.kpis.results import AcknowledgedResult, ResponseRateResult
from fbresearch.analyses.kpis.scores import _check_confidence, _wilson, _z, proportion
from fbresearch.analyses.kpis.suppress import suppress_cells
from fbresearch.analyses.kpis.table import _as_list, _rows_hint, _to_period
from fbresearch.errors import AnalysisError
from fbresearch.privacy import min_responses

__all__ = ["response_rate", "acknowledged_within"]


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
    hidden = None
    if keys:  # the page's anonymity threshold: groups with fewer responses are not shown
        table, hidden = suppress_cells(
            table.assign(metric="acknowledged"), keys, None, min_responses()
        )
        table = table.drop(columns="metric")
    return AcknowledgedResult(
        table=table,
        hours=float(hours),
        by=tuple(keys),
        overall=overall,
        confidence=confidence,
        hidden=hidden,
        never=int(work["_never"].sum()),
        min_responses=min_responses(),
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
