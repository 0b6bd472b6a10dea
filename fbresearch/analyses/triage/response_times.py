"""The response loop: time to first answer and to resolution, share answered within limits.

:func:`response_times` is a short pipeline of named steps: read and clean the timestamps
(:func:`_read_times`), grade the cases (:func:`_grades`), measure each case (:func:`_measure`),
summarise by group (:func:`_group_table`, Kaplan-Meier medians by :func:`_km`), and list the
urgent cases still open (:func:`_open_urgent`).

Examples
--------
>>> df = pd.DataFrame({"submitted_at": pd.to_datetime(["2026-10-01 00:00", "2026-10-01 01:00"]),
...                    "responded_at": pd.to_datetime(["2026-10-01 02:00", "2026-10-04 09:00"])})
>>> r = response_times(df, asof="2026-10-05", window_days=None)
>>> r.within.n, round(r.within.estimate, 2)   # both due at 72 h; one answered in time
(2, 0.5)
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from fbresearch.analyses.kpis.scores import proportion
from fbresearch.analyses.triage.categorize import load_taxonomy
from fbresearch.analyses.triage.config import (
    DEFAULT_LIMITS_HOURS,
    NO_TEXT,
    SEVERITIES,
    UNCATEGORIZED,
    UNSORTED_LABELS,
)
from fbresearch.analyses.triage.results import ResponseTimesResult
from fbresearch.errors import AnalysisError, FeedbackDataError, ParamsError
from fbresearch.privacy import redact
from fbresearch.results import Estimate

__all__ = ["response_times"]

#: What each timestamp check means, and how the rows it flags were treated.
_CHECKS = {
    "mixed_time_zones": "times given with different UTC offsets (converted to UTC)",
    "response_before_feedback": "answer earlier than the feedback (answer ignored)",
    "resolution_before_response": (
        "resolution earlier than the feedback or answer (case left out of the time to resolution)"
    ),
    "resolved_without_response": "resolved with no first answer recorded (counted as not answered)",
}
_UNREADABLE = "text that could not be read as a date-time (left out)"


def response_times(
    frame: pd.DataFrame,
    limits: Mapping[str, float] | None = None,
    *,
    severity: str | pd.Series | None = "severity",
    by: Sequence[str] = ("severity", "channel", "category"),
    asof: str | pd.Timestamp | None = None,
    window_days: int | None = 92,
    submitted: str = "submitted_at",
    responded: str = "responded_at",
    resolved: str = "resolved_at",
    text: str = "text",
    confidence: float = 0.95,
    min_cases: int = 30,
) -> ResponseTimesResult:
    """Time to first response and to resolution, the share answered within limits, open cases.

    A case is answered within its limit when ``responded - submitted`` is at most its grade's
    limit; cases whose limit had not passed at ``asof`` are left out of that share, and cases
    never answered count as late. Time to resolution is estimated by Kaplan-Meier (statsmodels
    ``SurvfuncRight``): a case still open at ``asof`` is censored at its age, not dropped, so
    the median does not flatter a team that leaves hard cases open.

    Parameters
    ----------
    frame : DataFrame
        Feedback with ``submitted_at`` and ``responded_at`` and/or ``resolved_at`` (datetimes,
        or text in any common format; offsets such as +08:00 are converted to UTC).
    limits : dict, optional
        Hours per grade; default ``{"urgent": 4, "important": 24, "general": 72}``.
    severity : str or Series, default "severity"
        Column (or Series aligned to ``frame``) with each case's grade, e.g. from
        :func:`severity`; when absent every case is ``general``.
    by : sequence of str
        Columns to break results down by (those present are used).
    asof : date-like, optional
        End of the period (default: the latest timestamp in the data). Answers and resolutions
        after it are treated as not yet happened.
    window_days : int or None, default 92
        Cases submitted in the last this many days before ``asof`` are measured (None: all).
    min_cases : int
        Groups with fewer due cases are not named as the worst.

    Returns
    -------
    ResponseTimesResult

    Raises
    ------
    AnalysisError
        When neither ``responded_at`` nor ``resolved_at`` is in the data, or ``submitted_at``
        is missing.

    Examples
    --------
    Six cases; two still open at 10:00, aged 3 h and 5 h (censored there):

    >>> sub = pd.to_datetime(["2026-10-01 00:00", "2026-10-01 00:00", "2026-10-01 07:00",
    ...                       "2026-10-01 00:00", "2026-10-01 05:00", "2026-10-01 00:00"])
    >>> df = pd.DataFrame({"submitted_at": sub, "responded_at": sub + pd.Timedelta("30min"),
    ...     "resolved_at": pd.to_datetime(["2026-10-01 01:00", "2026-10-01 02:00", None,
    ...                                    "2026-10-01 04:00", None, "2026-10-01 06:00"])})
    >>> r = response_times(df, asof="2026-10-01 10:00", window_days=None)
    >>> r.resolution.estimate, r.naive_median_hours   # KM: 4 h; dropping open cases: 3 h
    (4.0, 3.0)
    """
    frame = _check_frame(frame, submitted, responded, resolved)
    have_resp, have_res = responded in frame.columns, resolved in frame.columns
    lim = _limits(limits)
    times = _read_times(frame, submitted, responded, resolved, asof)
    notes = _missing_notes(have_resp, have_res, responded, resolved)
    grade = _grades(frame, severity, notes)
    cases = _measure(times, grade, lim, window_days)
    _left_out_note(cases, notes)
    dims = _dimensions(frame, by, grade, text)
    table = _group_table(dims, cases, have_resp, have_res, confidence)
    overall = table.iloc[0] if len(table) else None
    within, resolution = _overall(overall, have_resp, have_res, confidence)
    return ResponseTimesResult(
        table=table,
        within=within,
        resolution=resolution,
        naive_median_hours=float(overall["naive_median_hours"])
        if overall is not None
        else math.nan,
        worst=_worst(table, min_cases) if have_resp else {},
        quality=_quality(times.flags),
        open_urgent=_open_urgent(frame, times, cases, grade, window_days, text)
        if have_res
        else pd.DataFrame(),
        survival=_curves(cases.dur[cases.km], cases.resolved[cases.km], cases.grade[cases.km])
        if have_res
        else pd.DataFrame(),
        limits_hours=lim,
        asof=times.asof,
        notes=tuple(notes),
        confidence=confidence,
    )


# --------------------------------------------------------------------------- steps


def _check_frame(
    frame: pd.DataFrame, submitted: str, responded: str, resolved: str
) -> pd.DataFrame:
    """``frame`` when it has the submission time and at least one of answer and resolution."""
    if not isinstance(frame, pd.DataFrame):
        raise FeedbackDataError("response_times needs a DataFrame of feedback")
    if submitted not in frame.columns:
        raise AnalysisError(
            f"column {submitted!r} (when each response was submitted) is not in the "
            f"data, so response times cannot be measured."
        )
    if responded not in frame.columns and resolved not in frame.columns:
        raise AnalysisError(
            "response times need the time each response was first answered or the time its "
            f"case was resolved, and the data has neither. Fix: map your columns to {responded!r} "
            f"and/or {resolved!r} in params columns:."
        )
    return frame


def _limits(limits: Mapping[str, float] | None) -> dict[str, float]:
    """Hours per grade: the defaults overridden by ``limits``; unknown grades are an error."""
    lim = {**DEFAULT_LIMITS_HOURS, **{k: float(v) for k, v in (limits or {}).items()}}
    unknown = set(lim) - set(SEVERITIES)
    if unknown:
        raise ParamsError(
            f"limits has unknown grades {sorted(unknown)}; use {', '.join(SEVERITIES)}."
        )
    return lim


def _missing_notes(have_resp: bool, have_res: bool, responded: str, resolved: str) -> list[str]:
    notes = []
    if not have_resp:
        notes.append(
            "The data does not say when each response was first answered, so the share "
            "answered within the limits cannot be shown."
        )
    if not have_res:
        notes.append(
            "The data does not say when each case was resolved, so time to resolution cannot "
            "be shown."
        )
    return notes


@dataclass
class _Times:
    """Cleaned timestamps: submitted (``t0``), first answer (``t1``), resolution (``t2``)."""

    t0: pd.Series
    t1: pd.Series
    t2: pd.Series
    asof: pd.Timestamp
    flags: dict[str, np.ndarray]
    #: a resolution stamped before the feedback or its first answer (impossible order)
    bad_resolution: np.ndarray


def _read_times(
    frame: pd.DataFrame,
    submitted: str,
    responded: str,
    resolved: str,
    asof: str | pd.Timestamp | None,
) -> _Times:
    """Parse the three timestamps, cut them at ``asof`` and drop impossible orders (flagged)."""
    flags: dict[str, np.ndarray] = {}
    none = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    have_resp = responded in frame.columns
    t0 = _parse_times(frame[submitted], submitted, flags)
    t1 = _parse_times(frame[responded], responded, flags) if have_resp else none
    t2 = _parse_times(frame[resolved], resolved, flags) if resolved in frame.columns else none
    asof_ts = pd.Timestamp(asof) if asof is not None else pd.concat([t0, t1, t2]).max()
    if pd.isna(asof_ts):
        raise AnalysisError(f"column {submitted!r} has no readable dates.")
    # answers and resolutions after asof have not happened yet as of the report
    t1 = t1.where(t1 <= asof_ts)
    t2 = t2.where(t2 <= asof_ts)
    before = (t1 < t0).to_numpy(dtype=bool)
    if before.any():
        flags["response_before_feedback"] = before
        t1 = t1.where(~before)
    res_before = ((t2 < t0) | (t2 < t1)).to_numpy(dtype=bool)
    if res_before.any():
        flags["resolution_before_response"] = res_before
        t2 = t2.where(~res_before)
    if have_resp:
        no_resp = (t2.notna() & t1.isna()).to_numpy(dtype=bool)
        if no_resp.any():
            flags["resolved_without_response"] = no_resp
    return _Times(t0=t0, t1=t1, t2=t2, asof=asof_ts, flags=flags, bad_resolution=res_before)


def _quality(flags: dict[str, np.ndarray]) -> pd.DataFrame:
    """One row per timestamp check that flagged rows: ``check``, ``rows``, ``meaning``."""
    return pd.DataFrame(
        [
            {"check": k, "rows": int(v.sum()), "meaning": _CHECKS.get(k, _UNREADABLE)}
            for k, v in flags.items()
            if v.any()
        ],
        columns=["check", "rows", "meaning"],
    )


def _grades(frame: pd.DataFrame, severity: str | pd.Series | None, notes: list[str]) -> pd.Series:
    """Each case's grade (``general`` when none is given or it is not a known grade)."""
    if isinstance(severity, pd.Series):
        grade = severity.reindex(frame.index).astype("object")
    elif isinstance(severity, str) and severity in frame.columns:
        grade = frame[severity].astype("object")
    else:
        grade = pd.Series("general", index=frame.index, dtype=object)
        notes.append("No severity grades were given: every case is held to the general limit.")
    return grade.where(grade.isin(SEVERITIES), "general")


@dataclass
class _Cases:
    """Per-case arrays (one entry per row of the frame), in hours since submission."""

    keep: np.ndarray  # submitted in the window, by asof
    km: np.ndarray  # kept and in the time to resolution (no resolution before the answer)
    due: np.ndarray  # kept and the grade's limit has passed
    within: np.ndarray  # due and answered within the limit
    resolved: np.ndarray  # a resolution by asof
    resp_h: np.ndarray  # hours to the first answer (NaN: none)
    res_h: np.ndarray  # hours to resolution (NaN: none)
    age_h: np.ndarray  # hours from submission to asof
    dur: np.ndarray  # hours to resolution, or age for open cases (censored)
    grade: np.ndarray


def _hours(later: pd.Series, start: pd.Series) -> np.ndarray:
    return ((later - start).dt.total_seconds() / 3600).to_numpy(dtype=float, na_value=np.nan)


def _measure(
    times: _Times, grade: pd.Series, lim: dict[str, float], window_days: int | None
) -> _Cases:
    t0, asof = times.t0, times.asof
    keep = (t0.notna() & (t0 <= asof)).to_numpy(dtype=bool, copy=True)
    if window_days is not None:
        keep &= (t0 > asof - pd.Timedelta(days=window_days)).to_numpy(dtype=bool)
    limit_h = grade.map(lim).to_numpy(dtype=float)
    resp_h = _hours(times.t1, t0)
    age_h = _hours(pd.Series(asof, index=t0.index), t0)
    res_h = _hours(times.t2, t0)
    due = keep & (age_h >= limit_h)
    is_resolved = ~np.isnan(res_h)
    return _Cases(
        keep=keep,
        # a resolution stamped before the answer is no resolution time, and the case is not
        # open either: left out of the Kaplan-Meier fit (and of the open count), and counted
        km=keep & ~times.bad_resolution,
        due=due,
        within=due & ~np.isnan(resp_h) & (resp_h <= limit_h),
        resolved=is_resolved,
        resp_h=resp_h,
        res_h=res_h,
        age_h=age_h,
        dur=np.where(is_resolved, res_h, age_h),
        grade=grade.to_numpy(dtype=object),
    )


def _left_out_note(c: _Cases, notes: list[str]) -> None:
    """Say how many cases of the window the time to resolution leaves out, and why."""
    left = int((c.keep & ~c.km).sum())
    if left:
        noun = "case" if left == 1 else "cases"
        notes.append(
            f"Resolution stamped before the feedback or its first answer: {left:,} {noun} "
            f"left out of the time to resolution."
        )


def _dimensions(
    frame: pd.DataFrame, by: Sequence[str], grade: pd.Series, text: str = "text"
) -> list[tuple[str, np.ndarray]]:
    """``("all", ...)`` and each break-down column present, as arrays of group values.

    Categories are named by their labels (``frame.attrs["category_labels"]`` from
    :func:`~fbresearch.analyses.triage.add_triage_columns`, else the default taxonomy's); a case
    without one is "No text" or "No category"; other missing values are "Not recorded".
    """
    dims: list[tuple[str, np.ndarray]] = [("all", np.full(len(frame), "all cases", dtype=object))]
    for col in by:
        if col == "severity":
            dims.append(("severity", grade.to_numpy(dtype=object)))
        elif col == "category" and col in frame.columns:
            dims.append((col, _category_labels(frame, text)))
        elif col in frame.columns:
            dims.append((col, frame[col].astype("object").fillna("Not recorded").to_numpy()))
    return dims


def _category_labels(frame: pd.DataFrame, text: str) -> np.ndarray:
    """Each case's category in the reader's words: its label, "No category" or "No text".

    Examples
    --------
    >>> df = pd.DataFrame({"category": ["refund_return", None, None], "text": ["x", "y", None]})
    >>> _category_labels(df, "text").tolist()
    ['Refunds and returns', 'No category', 'No text']
    """
    names = frame.attrs.get("category_labels") or {**UNSORTED_LABELS, **load_taxonomy().labels}
    codes = frame["category"].astype("object")
    if text in frame.columns:
        blank = frame[text].fillna("").astype(str).str.strip().eq("")
        codes = codes.where(codes.notna() | ~blank, NO_TEXT)
    codes = codes.fillna(UNCATEGORIZED)
    return np.array([names.get(str(c), UNSORTED_LABELS.get(str(c), str(c))) for c in codes],
                    dtype=object)


def _group_row(
    dim: str, group: object, m: np.ndarray, c: _Cases, have_resp: bool, have_res: bool, conf: float
) -> dict[str, object]:
    """The table row of the cases ``m`` (one group of one dimension)."""
    d = c.due & m
    within = int((c.within & m).sum())
    e = proportion(within, int(d.sum()), conf) if have_resp else None
    k = c.km & m
    km = _km(c.dur[k], c.resolved[k], conf) if have_res else (math.nan,) * 3
    rr = c.resp_h[m & ~np.isnan(c.resp_h)]
    rs = c.res_h[m & c.resolved]
    return {
        "dimension": dim,
        "group": str(group),
        "cases": int(m.sum()),
        "limit_due": int(d.sum()),
        "within": within,
        "estimate": e.estimate if e else math.nan,
        "ci_low": e.ci_low if e else math.nan,
        "ci_high": e.ci_high if e else math.nan,
        "median_response_hours": float(np.median(rr)) if len(rr) else math.nan,
        "open": int((k & ~c.resolved).sum()) if have_res else 0,
        "km_cases": int(k.sum()) if have_res else 0,
        "resolution_left_out": int((m & ~c.km).sum()) if have_res else 0,
        "km_median_hours": km[0],
        "km_ci_low": km[1],
        "km_ci_high": km[2],
        "naive_median_hours": float(np.median(rs)) if len(rs) else math.nan,
    }


def _group_table(
    dims: list[tuple[str, np.ndarray]], c: _Cases, have_resp: bool, have_res: bool, conf: float
) -> pd.DataFrame:
    """One row per dimension and group with cases in the window (grades in their order)."""
    rows = []
    for dim, values in dims:
        groups = (
            list(SEVERITIES)
            if dim == "severity"
            else sorted(pd.unique(values[c.keep]).tolist(), key=str)
        )
        for g in groups:
            m = c.keep & (values == g)
            if m.any():
                rows.append(_group_row(dim, g, m, c, have_resp, have_res, conf))
    return pd.DataFrame(rows)


def _overall(
    overall: pd.Series | None, have_resp: bool, have_res: bool, confidence: float
) -> tuple[Estimate | None, Estimate | None]:
    """The share of all due cases within limits and the Kaplan-Meier median, as Estimates."""
    if overall is None:
        return None, None
    within = (
        Estimate(
            float(overall["estimate"]),
            float(overall["ci_low"]),
            float(overall["ci_high"]),
            n=int(overall["limit_due"]),
            name="answered within limit",
            unit="share",
            confidence=confidence,
        )
        if have_resp
        else None
    )
    resolution = (
        Estimate(
            float(overall["km_median_hours"]),
            float(overall["km_ci_low"]),
            float(overall["km_ci_high"]),
            n=int(overall["km_cases"]),
            name="median hours to resolution",
            unit="",
            confidence=confidence,
        )
        if have_res
        else None
    )
    return within, resolution


def _worst(table: pd.DataFrame, min_cases: int) -> dict[str, str]:
    """Channel and category with the lowest share within limits (groups of ``min_cases``+)."""
    worst = {}
    for dim in ("channel", "category"):
        part = table[(table["dimension"] == dim) & (table["limit_due"] >= min_cases)]
        if len(part) > 1:
            worst[dim] = str(part.loc[part["estimate"].idxmin(), "group"])
    return worst


def _open_urgent(
    frame: pd.DataFrame,
    times: _Times,
    c: _Cases,
    grade: pd.Series,
    window_days: int | None,
    text: str,
) -> pd.DataFrame:
    """Urgent cases open at ``asof``, oldest first (all of them, not only the window's)."""
    urgent = grade.to_numpy() == "urgent"
    if window_days is None:
        ou = c.keep & ~c.resolved & urgent
    else:
        t0 = times.t0
        ou = t0.notna().to_numpy() & (t0 <= times.asof).to_numpy() & ~c.resolved & urgent
    ou &= ~times.bad_resolution  # resolved, though stamped out of order: not open
    cols = {
        "submitted_at": times.t0[ou].dt.strftime("%Y-%m-%d %H:%M").to_numpy(),
        "hours_open": np.round(c.age_h[ou], 0),
    }
    if "channel" in frame.columns:
        cols["channel"] = frame.loc[ou, "channel"].astype(str).to_numpy()
    if text in frame.columns:
        cols["excerpt"] = [
            _excerpt(redact(str(t)) if isinstance(t, str) else "") for t in frame.loc[ou, text]
        ]
    return pd.DataFrame(cols).sort_values("hours_open", ascending=False, ignore_index=True)


def _parse_times(values: pd.Series, column: str, flags: dict[str, np.ndarray]) -> pd.Series:
    """Date-times from datetime or text columns in several formats; time zones to UTC.

    Text with an explicit offset ("+08:00", "Z") is converted to UTC and made naive; when a
    column mixes offsets (or offsets and none), the rows are flagged ``mixed_time_zones``.
    Unreadable texts become NaT and are flagged ``unreadable_time``.
    """
    n = len(values)
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        return values.dt.tz_convert("UTC").dt.tz_localize(None).astype("datetime64[ns]")
    if pd.api.types.is_datetime64_any_dtype(values):
        return values.astype("datetime64[ns]")
    raw = values.astype("object")
    present = raw.notna() & (raw.astype(str).str.strip() != "")
    strings = raw[present].astype(str).str.strip()
    offset = strings.str.contains(r"(?:Z|[+-]\d{2}:?\d{2})$", regex=True)
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    if len(strings):
        parsed = pd.to_datetime(strings, errors="coerce", format="mixed", utc=True)
        naive = pd.to_datetime(strings[~offset], errors="coerce", format="mixed")
        result = parsed.dt.tz_localize(None).astype("datetime64[ns]")
        result[~offset] = naive.astype("datetime64[ns]")
        out[strings.index] = result
        zones = strings[offset].str.extract(r"(Z|[+-]\d{2}:?\d{2})$")[0].str.replace(":", "")
        zones = zones.replace({"Z": "+0000"})
        if offset.any() and (zones.nunique() > 1 or (~offset).any()):
            mixed = np.zeros(n, dtype=bool)
            mixed[values.index.get_indexer(strings.index[offset])] = True
            flags["mixed_time_zones"] = flags.get("mixed_time_zones", np.zeros(n, bool)) | mixed
    bad = (present & out.isna()).to_numpy()
    if bad.any():
        flags[f"unreadable_{column}"] = bad
    return out


def _km(hours: np.ndarray, resolved: np.ndarray, confidence: float) -> tuple[float, float, float]:
    """Kaplan-Meier median (statsmodels ``SurvfuncRight``) with its CI; NaN when not reached."""
    from statsmodels.duration.survfunc import SurvfuncRight

    if len(hours) == 0 or not resolved.any():
        return math.nan, math.nan, math.nan
    sf = SurvfuncRight(hours, resolved.astype(float))
    median = float(sf.quantile(0.5))
    try:
        with np.errstate(divide="ignore", invalid="ignore"):  # log(0) at the curve's ends
            low, high = sf.quantile_ci(0.5, alpha=1 - confidence, method="cloglog")
    except (ValueError, ZeroDivisionError, FloatingPointError):  # pragma: no cover - degenerate
        low, high = math.nan, math.nan
    low = math.nan if low is None else float(low)
    high = math.nan if high is None else float(high)
    if math.isnan(high) and not math.isnan(median):
        high = math.inf  # the curve never falls far enough: the upper bound is not reached
    return median, low, high


def _excerpt(text: str, width: int = 80) -> str:
    """``text`` on one line, cut to ``width`` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _curves(hours: np.ndarray, resolved: np.ndarray, grade: np.ndarray) -> pd.DataFrame:
    """Kaplan-Meier share resolved over time for each grade with two or more cases."""
    from statsmodels.duration.survfunc import SurvfuncRight

    parts = []
    for g in SEVERITIES:
        m = grade == g
        if m.sum() < 2 or not resolved[m].any():
            continue
        sf = SurvfuncRight(hours[m], resolved[m].astype(float))
        parts.append(
            pd.DataFrame(
                {
                    "severity": g,
                    "hours": np.r_[0.0, sf.surv_times],
                    "resolved_share": np.r_[0.0, 1 - sf.surv_prob],
                }
            )
        )
    return (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame(columns=["severity", "hours", "resolved_share"])
    )
