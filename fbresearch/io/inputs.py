"""What a report notebook loads: :func:`load_inputs`, its result, and the inputs file.

The runner validates the user's data once and writes canonical files
(:mod:`fbresearch.io.canonical`); then it writes ONE small JSON *inputs file* with
:func:`write_inputs` that says where they are. Every notebook loads its data with one line::

    inputs = fb.load_inputs(inputs_path, period=period, seed=seed, page="overview")

``load_inputs`` takes, as its first argument, either that inputs file (a ``.json`` path) or, as
before, the data path itself with the other paths as keywords (``load_inputs(data_path,
orders_path=..., quality_path=...)``). ``page`` names the report page; :data:`PAGE_COLUMNS` says
which columns it leaves out (the overview shows no verbatims, so ``text`` stays on disk).
With no data path at all, the built-in sample (:func:`fbresearch.io.sample.sample_data`) is
made and validated like a user's data.

The inputs file holds ``data_path``, ``orders_path``, ``invitations_path``, ``quality_path``
(each a path or ``null``), ``sample_size`` and ``min_responses`` (the page's anonymity
threshold, ``null``: none; see :func:`load_inputs`). Relative paths are relative to the inputs
file's own folder, so a report folder can be moved as a whole.

Examples
--------
>>> import tempfile, os
>>> with tempfile.TemporaryDirectory() as tmp:
...     path = write_inputs(os.path.join(tmp, "inputs.json"), sample_size=500)
...     inputs = load_inputs(path, page="overview")
>>> inputs.source, "text" in inputs.feedback.columns
('built-in sample (500 responses, seed 0)', False)
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd

from fbresearch.errors import FeedbackDataError, ParamsError
from fbresearch.io.canonical import _parquet_columns, _read_canonical, read_quality
from fbresearch.io.load import _PARQUET_SUFFIXES, Feedback, load_feedback
from fbresearch.io.orders import load_invitations, load_orders
from fbresearch.io.sample import sample_data
from fbresearch.io.validate import _closest, _empty_quality, describe_quality
from fbresearch.privacy import set_anonymity
from fbresearch.schema import display_label

__all__ = [
    "PAGE_COLUMNS",
    "ReportInputs",
    "LoadedSample",
    "latest_complete_month",
    "default_period",
    "month_from_counts",
    "MIN_PERIOD_RESPONSES",
    "load_inputs",
    "load_sample",
    "read_inputs",
    "write_inputs",
]

#: Columns each report page leaves out of memory (``load_inputs(..., page=name)``); a page
#: not listed here may not be named. Every page reads ``submitted_at``. Pages that show no
#: verbatims leave ``text`` on disk (a million texts stay out of memory).
PAGE_COLUMNS: dict[str, tuple[str, ...]] = {
    "overview": ("text",),
    "segmentation": ("text",),
    "topics": (),
    "drivers": ("text",),
    "improvement": ("text",),
    "closed_loop": (),
    "value": ("text",),
    "journey": (),
}

#: the keys of an inputs file, and what a missing key means
_INPUT_KEYS: dict[str, Any] = {
    "data_path": None,
    "orders_path": None,
    "invitations_path": None,
    "quality_path": None,
    "sample_size": 5000,
    "min_responses": None,
}
_PATH_KEYS = ("data_path", "orders_path", "invitations_path", "quality_path")


@dataclass(frozen=True, eq=False)
class ReportInputs:
    """Everything a report notebook reads, loaded once by :func:`load_inputs`.

    Attributes
    ----------
    feedback : pandas.DataFrame
        Responses submitted up to the end of ``period`` (history for trends).
    current : pandas.DataFrame
        Responses submitted in ``period``.
    orders, invitations : pandas.DataFrame or None
        Canonical orders and invitation counts, when available.
    quality : pandas.DataFrame
        The data-quality table (see :class:`Feedback`).
    period : pandas.Period
        The report month.
    source : str
        Where the data came from (a file name, or the built-in sample and its size and seed).
    truth : dict or None
        The planted truth of the built-in sample; ``None`` for real data.
    n_rows_read : int
        Rows read before the period was applied.
    min_responses : int or None
        The page's anonymity threshold (``None``: nothing is suppressed).
    """

    feedback: pd.DataFrame
    current: pd.DataFrame
    orders: pd.DataFrame | None
    invitations: pd.DataFrame | None
    quality: pd.DataFrame
    period: pd.Period
    source: str
    truth: dict | None
    n_rows_read: int
    min_responses: int | None = None

    def recent(self, months: int = 1, frame: pd.DataFrame | None = None) -> pd.DataFrame:
        """Rows of ``frame`` (default ``feedback``) in the ``months`` months ending with ``period``.

        ``frame`` is a frame of responses up to the end of ``period`` (``feedback`` or one made
        from it), with ``submitted_at``.

        Examples
        --------
        >>> inputs = load_inputs(sample_size=300)
        >>> bool((inputs.recent(1)["submitted_at"].dt.to_period("M") == inputs.period).all())
        True
        """
        frame = self.feedback if frame is None else frame
        return frame[frame["submitted_at"].dt.to_period("M") > self.period - months]

    def window(self, months: int = 1) -> str:
        """The ``months`` months ending with ``period`` for a caption: "August 2026 to October 2026".

        The window starts no earlier than the first month with responses, so a caption never
        claims months the data does not have (one survey wave: "October 2026").

        Examples
        --------
        >>> inputs = load_inputs(sample_size=300, period="2026-10")
        >>> inputs.window(3), inputs.window(1)
        ('August 2026 to October 2026', 'October 2026')
        """
        start = self.period - months + 1
        dates = self.feedback["submitted_at"] if "submitted_at" in self.feedback else None
        if dates is not None and dates.notna().any():
            start = max(start, dates.min().to_period("M"))
        if start < self.period:
            return f"{start:%B %Y} to {self.period:%B %Y}"
        return f"{self.period:%B %Y}"

    def quality_table(self) -> pd.DataFrame:
        """The data-quality checks as a reader sees them: check, column, rows, action, message;
        checks and columns by their display labels ("No answer"; "NPS, CSAT, CES, Text")."""
        columns = ["check", "column", "rows", "action", "message"]
        shown = self.quality[columns].assign(
            check=lambda t: t["check"].map(display_label), column=lambda t: t["column"].map(_names)
        )
        return shown.rename(columns=str.capitalize)

    def quality_summary(self) -> str:
        """The data-quality sentences of :meth:`Feedback.summary` for these inputs."""
        n_kept = int(self.quality.attrs.get("n_kept", self.n_rows_read))
        n_read = int(self.quality.attrs.get("n_read", n_kept))
        return describe_quality(self.quality, n_read, n_kept, self.source)


def _names(columns: Any) -> Any:
    """A check's columns (``"nps, csat, text"``) by their display labels.

    Examples
    --------
    >>> _names("nps, csat, text"), _names("submitted_at"), _names(None)
    ('NPS, CSAT, Text', 'Submitted at', None)
    """
    if not isinstance(columns, str):
        return columns
    return ", ".join(str(display_label(c)) for c in columns.split(", "))


def latest_complete_month(dates: Iterable[Any]) -> pd.Period:
    """The latest month whose last day is covered by the data.

    Parameters
    ----------
    dates : array-like of datetimes
        E.g. the ``submitted_at`` column.

    Examples
    --------
    >>> latest_complete_month(pd.to_datetime(["2026-10-01 10:00", "2026-10-31 08:00"]))
    Period('2026-10', 'M')
    >>> latest_complete_month(pd.to_datetime(["2026-10-01", "2026-11-15"]))
    Period('2026-10', 'M')
    """
    stamps = pd.to_datetime(pd.Series(list(dates) if not hasattr(dates, "dtype") else dates))
    if isinstance(stamps.dtype, pd.DatetimeTZDtype):
        stamps = stamps.dt.tz_localize(None)
    last = stamps.max()
    if pd.isna(last):
        raise FeedbackDataError(
            "there are no dates to choose a report month from",
            column="submitted_at",
            fix="check the submitted_at column.",
        )
    month = last.to_period("M")
    return month if last.normalize() >= month.end_time.normalize() else month - 1


#: Responses a month needs to be the default report month (fewer: the latest month with any).
MIN_PERIOD_RESPONSES = 30


def default_period(
    frame: pd.DataFrame, min_responses: int = MIN_PERIOD_RESPONSES
) -> tuple[pd.Period, str | None]:
    """The default report month and, when it has fewer than ``min_responses``, a note saying so.

    The latest complete month with at least ``min_responses`` responses. A month is complete
    when the data goes on past it or reaches its last day; with a ``wave`` column every wave
    month is complete; data within a single month (a single day, one wave) gives that month.
    Rows dated after today (UTC) never pick it. When no complete month has enough responses,
    the latest complete one with any is taken, with a note.

    Examples
    --------
    >>> days = pd.to_datetime(["2026-09-03"] * 30 + ["2026-10-02"] * 30 + ["2026-11-02"] * 40)
    >>> default_period(pd.DataFrame({"submitted_at": days}))
    (Period('2026-10', 'M'), None)
    >>> default_period(pd.DataFrame({"submitted_at": pd.to_datetime(["2026-10-15"] * 3)}))[1]
    'Report month 2026-10: no month has 30 responses, so the latest month with responses is used (3 responses).'
    """
    dates = frame["submitted_at"]
    today = pd.Timestamp.now(tz="UTC").tz_localize(None).normalize()
    dates = dates[dates.notna() & (dates < today + pd.Timedelta(days=1))]
    if dates.empty:
        raise FeedbackDataError(
            "there are no dated responses up to today to choose a report month from",
            column="submitted_at",
            fix='check the submitted_at column, or set period: "YYYY-MM".',
        )
    counts = dates.dt.to_period("M").value_counts().sort_index()
    return month_from_counts(counts, dates.max(), "wave" in frame.columns, min_responses)


def month_from_counts(
    counts: pd.Series, last: pd.Timestamp, waves: bool, min_responses: int = MIN_PERIOD_RESPONSES
) -> tuple[pd.Period, str | None]:
    """:func:`default_period` from dated responses per month up to today (``counts``, indexed
    by sorted Periods) and the latest date: what an engine counts without loading the rows.
    ``waves``: the data has a ``wave`` column (every month complete).

    Examples
    --------
    >>> counts = pd.Series([30, 40], index=pd.PeriodIndex(["2026-09", "2026-10"], freq="M"))
    >>> month_from_counts(counts, pd.Timestamp("2026-10-20"), waves=False)
    (Period('2026-09', 'M'), None)
    """
    last_month = last.to_period("M")
    whole = waves or last.normalize() >= last_month.end_time.normalize()
    complete = counts[(counts.index < last_month) | whole]
    if complete.empty:  # data within one month: a single day, a partial month
        complete = counts
    enough = complete[complete >= min_responses]
    if not enough.empty:
        return enough.index[-1], None
    month, n = complete.index[-1], int(complete.iloc[-1])
    return month, (
        f"Report month {month}: no month has {min_responses} responses, so the latest "
        f"month with responses is used ({n:,} response{'s' if n != 1 else ''})."
    )


def _period(period: str | pd.Period | None, frame: pd.DataFrame, label: str) -> pd.Period:
    dates = frame["submitted_at"]
    first, last = dates.min(), dates.max()
    covered = f"{first:%Y-%m} to {last:%Y-%m}" if pd.notna(first) else "no months"
    if period is None:
        return default_period(frame)[0]
    try:
        chosen = pd.Period(period, freq="M")
        if isinstance(period, str) and not re.fullmatch(r"\d{4}-\d{2}", period.strip()):
            raise ValueError(period)
    except (ValueError, TypeError) as exc:
        raise ParamsError(
            f"period {period!r} is not a month; write it as YYYY-MM, e.g. 2026-10"
        ) from exc
    if not first.to_period("M") <= chosen <= last.to_period("M"):
        raise FeedbackDataError(
            f"the period {chosen} is outside the data, which covers {covered}",
            source=label,
            column="submitted_at",
            fix=f"choose a month from {covered}, or leave period empty for the latest complete "
            "month.",
        )
    return chosen


def _select(frame: pd.DataFrame, columns: Sequence[str], label: str) -> pd.DataFrame:
    wanted = list(dict.fromkeys(["submitted_at", *columns]))
    absent = [c for c in wanted if c not in frame.columns]
    if absent:
        raise FeedbackDataError(
            f"the data has no column {absent[0]!r}." + _closest(absent[0], list(frame.columns)),
            source=label,
            column=absent[0],
            fix="ask for canonical column names only.",
        )
    return frame[wanted]


@dataclass(frozen=True)
class LoadedSample:
    """The built-in sample, validated like a user's data (see :func:`load_sample`)."""

    feedback: Feedback
    orders: pd.DataFrame
    invitations: pd.DataFrame
    truth: dict


def load_sample(n_responses: int = 5000, seed: int = 0) -> LoadedSample:
    """Make the built-in sample and pass it through the same loaders as a user's files.

    Examples
    --------
    >>> sample = load_sample(500)
    >>> sample.feedback.source
    'built-in sample (500 responses, seed 0)'
    """
    data = sample_data(n_responses, seed)
    source = f"built-in sample ({n_responses:,} responses, seed {seed})"
    return LoadedSample(
        feedback=replace(load_feedback(data.feedback), source=source),
        orders=load_orders(data.orders),
        invitations=load_invitations(data.invitations),
        truth=data.truth,
    )


# --------------------------------------------------------------------------------------------
# The inputs file: one small JSON the runner writes and every notebook reads
# --------------------------------------------------------------------------------------------


def _stored_path(value: str | Path | None, folder: Path) -> str | None:
    """A path as the inputs file stores it: relative to ``folder`` when inside it."""
    if value is None:
        return None
    path = Path(value).resolve()
    try:
        return path.relative_to(folder.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def write_inputs(
    path: str | Path,
    *,
    data_path: str | Path | None = None,
    orders_path: str | Path | None = None,
    invitations_path: str | Path | None = None,
    quality_path: str | Path | None = None,
    sample_size: int = 5000,
    min_responses: int | None = None,
) -> Path:
    """Write the inputs file that tells every notebook where its data are.

    Parameters
    ----------
    path : path
        The JSON file to write (its folder is created if needed).
    data_path, orders_path, invitations_path, quality_path : path, optional
        As for :func:`load_inputs`. ``data_path=None``: the built-in sample. Paths inside the
        inputs file's folder are stored relative to it, others as absolute paths.
    sample_size : int
        Size of the built-in sample when ``data_path`` is ``None``.
    min_responses : int, optional
        The anonymity threshold of the pages reading the file (a unit's: ``report.min_responses``):
        cells and groups with fewer responses are suppressed (``None``: none is).

    Returns
    -------
    pathlib.Path
        ``path``.

    Examples
    --------
    >>> import tempfile, os
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = write_inputs(os.path.join(tmp, "inputs.json"),
    ...                         data_path=os.path.join(tmp, "data", "feedback.parquet"))
    ...     stored = read_inputs(path, resolve=False)
    >>> stored["data_path"], stored["orders_path"], stored["sample_size"]
    ('data/feedback.parquet', None, 5000)
    """
    path = Path(path)
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    given = {
        "data_path": data_path,
        "orders_path": orders_path,
        "invitations_path": invitations_path,
        "quality_path": quality_path,
    }
    payload: dict[str, Any] = {key: _stored_path(value, folder) for key, value in given.items()}
    payload["sample_size"] = int(sample_size)
    payload["min_responses"] = None if min_responses is None else int(min_responses)
    path.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return path


def read_inputs(path: str | Path, *, resolve: bool = True) -> dict[str, Any]:
    """Read an inputs file written by :func:`write_inputs`.

    Parameters
    ----------
    path : path
        The JSON file.
    resolve : bool
        Turn relative paths into paths from the inputs file's folder (``False``: as stored).

    Returns
    -------
    dict
        ``data_path``, ``orders_path``, ``invitations_path``, ``quality_path`` (str or
        ``None``), ``sample_size`` (int) and ``min_responses`` (int or ``None``); keys the file
        lacks take their defaults.

    Raises
    ------
    FeedbackDataError
        The file is missing, is not JSON, or holds keys or values it should not.

    Examples
    --------
    >>> import tempfile, os
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = os.path.join(tmp, "inputs.json")
    ...     with open(path, "w") as fh:
    ...         _ = fh.write('{"quality_path": "quality.json"}')
    ...     got = read_inputs(path)
    ...     same = got["quality_path"] == os.path.join(tmp, "quality.json")
    >>> same, got["data_path"], got["sample_size"]
    (True, None, 5000)
    """
    path = Path(path)
    fix = "run the report again; the runner writes this file (fbresearch.io.inputs.write_inputs)."
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise FeedbackDataError(
            f"the inputs file cannot be read ({exc})", source=path.name, fix=fix
        ) from exc
    if not isinstance(payload, dict):
        raise FeedbackDataError(
            "the inputs file does not hold a JSON object", source=path.name, fix=fix
        )
    unknown = sorted(set(payload) - set(_INPUT_KEYS))
    if unknown:
        raise FeedbackDataError(
            f"the inputs file has an unknown key {unknown[0]!r}."
            + _closest(unknown[0], list(_INPUT_KEYS)),
            source=path.name,
            fix="use only " + ", ".join(_INPUT_KEYS) + ".",
        )
    out = {**_INPUT_KEYS, **payload}
    for key in _PATH_KEYS:
        value = out[key]
        if value is not None and not isinstance(value, str):
            raise FeedbackDataError(
                f"{key} in the inputs file is {value!r}, not a path", source=path.name, fix=fix
            )
        if value is not None and resolve and not Path(value).is_absolute():
            out[key] = os.path.join(path.parent, value)
    size = out["sample_size"]
    if isinstance(size, bool) or not isinstance(size, int):
        raise FeedbackDataError(
            f"sample_size in the inputs file is {size!r}, not a whole number",
            source=path.name,
            fix=fix,
        )
    minimum = out["min_responses"]
    if minimum is not None and (isinstance(minimum, bool) or not isinstance(minimum, int)):
        raise FeedbackDataError(
            f"min_responses in the inputs file is {minimum!r}, not a whole number or null",
            source=path.name,
            fix=fix,
        )
    return out


def _page_drop(page: str | None) -> tuple[str, ...]:
    if page is None:
        return ()
    if page not in PAGE_COLUMNS:
        raise ParamsError(
            f"page {page!r} is not a report page; pages are " + ", ".join(PAGE_COLUMNS) + "."
        )
    return PAGE_COLUMNS[page]


# --------------------------------------------------------------------------------------------
# load_inputs: the notebooks' single entry point
# --------------------------------------------------------------------------------------------


def load_inputs(
    source: str | Path | None = None,
    *,
    data_path: str | Path | None = None,
    orders_path: str | Path | None = None,
    invitations_path: str | Path | None = None,
    quality_path: str | Path | None = None,
    period: str | pd.Period | None = None,
    sample_size: int | None = None,
    seed: int = 0,
    columns: Sequence[str] | None = None,
    drop: Sequence[str] | None = None,
    page: str | None = None,
    min_responses: int | None = None,
) -> ReportInputs:
    """Load everything a report notebook needs, for one period.

    Parameters
    ----------
    source : path, optional
        Either the runner's inputs file (a ``.json`` path, see :func:`write_inputs`), or the
        data path itself (old call style; same as ``data_path``): the canonical
        ``feedback.parquet`` the runner wrote (another CSV, Parquet or Excel file in canonical
        columns is validated with :func:`~fbresearch.io.load.load_feedback`). ``None``: the
        built-in sample (:func:`fbresearch.sample_data`), validated like a user's data.
    data_path : path, optional
        The data path by keyword (not together with a data path as ``source``).
    orders_path, invitations_path : path, optional
        Canonical orders and invitation counts. ``None``: the inputs file's; else the sample's
        when there is no data path, else no orders / invitations.
    quality_path : path, optional
        The runner's ``quality.json`` (``None``: the inputs file's, if any).
    period : str, optional
        ``"YYYY-MM"``; ``None``: the latest complete month in the data.
    sample_size : int, optional
        Size of the built-in sample (``None``: the inputs file's, else 5000).
    seed : int
        Seed of the built-in sample.
    columns : list of str, optional
        Read only these canonical columns (``submitted_at`` is always read), e.g. leave out
        ``text`` where an analysis does not need it.
    drop : list of str, optional
        Leave these columns out where the data has them (e.g. ``["text"]``: a page that shows
        no verbatims keeps a million texts out of memory). Unlike ``columns``, a column the
        data lacks is not an error.
    page : str, optional
        A report page (a key of :data:`PAGE_COLUMNS`): its columns to leave out are added to
        ``drop``.
    min_responses : int, optional
        The page's anonymity threshold (``None``: the inputs file's, else none). It is set for
        the page (:func:`fbresearch.privacy.set_anonymity`): KPI cells with fewer answers, table
        rows with fewer responses and verbatims of groups with fewer responses in the month
        (e.g. a channel) are not shown and say so.

    Returns
    -------
    ReportInputs

    Raises
    ------
    FeedbackDataError
        A period outside the data (the message says which months it covers), or unreadable
        files (the inputs file included).
    ParamsError
        A period that is not a month, an unknown ``page``, or two data paths.

    Examples
    --------
    >>> import tempfile, os
    >>> from fbresearch.io.canonical import write_canonical
    >>> fb = load_feedback(pd.DataFrame({"submitted_at": ["2026-09-30", "2026-10-31"],
    ...                                  "nps": [9, 3], "text": ["ok", "slow"]}))
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     paths = write_canonical(fb, tmp)
    ...     inputs = load_inputs(paths["feedback"], columns=["nps"])
    >>> str(inputs.period), len(inputs.feedback), len(inputs.current), list(inputs.current.columns)
    ('2026-10', 2, 1, ['submitted_at', 'nps'])
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     paths = write_canonical(fb, tmp)
    ...     inputs = load_inputs(paths["feedback"], drop=["text", "ces"])
    >>> "text" in inputs.feedback.columns, "nps" in inputs.feedback.columns
    (False, True)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     paths = write_canonical(fb, tmp)
    ...     inputs_file = write_inputs(os.path.join(tmp, "inputs.json"),
    ...                                data_path=paths["feedback"], quality_path=paths["quality"])
    ...     inputs = load_inputs(inputs_file, page="overview")
    >>> inputs.source, list(inputs.feedback.columns)[:2], "text" in inputs.feedback.columns
    ('DataFrame', ['submitted_at', 'nps'], False)
    """
    given = {
        "orders_path": orders_path,
        "invitations_path": invitations_path,
        "quality_path": quality_path,
        "sample_size": sample_size,
        "min_responses": min_responses,
    }
    where = _where(source, data_path, given)
    dropped = (set(drop or ()) | set(_page_drop(page))) - {"submitted_at"}
    orders_path, invitations_path = where["orders_path"], where["invitations_path"]
    orders = load_orders(orders_path) if orders_path is not None else None
    invitations = load_invitations(invitations_path) if invitations_path is not None else None
    path = None if where["data_path"] is None else Path(where["data_path"])
    truth = None
    if path is not None and path.suffix.lower() in _PARQUET_SUFFIXES and path.exists():
        if dropped and columns is None:
            columns = [c for c in _parquet_columns(path) if c not in dropped]
        frame = _read_canonical(path, columns)
        quality_at = where["quality_path"]
        quality = read_quality(quality_at) if quality_at is not None else _empty_quality()
        # the runner's quality report remembers where the data really came from
        label = quality.attrs.get("source") or path.name
    else:
        if path is None:
            sample = load_sample(where["sample_size"], seed)
            loaded, truth, label = sample.feedback, sample.truth, sample.feedback.source
            orders = sample.orders if orders_path is None else orders
            invitations = sample.invitations if invitations_path is None else invitations
        else:
            loaded = load_feedback(path)
            label = path.name
        frame, quality = loaded.frame, loaded.quality
        quality.attrs.update({"source": label, "n_read": loaded.n_read, "n_kept": len(frame)})
        if columns is not None:
            frame = _select(frame, columns, label)
    if dropped & set(frame.columns):
        frame = frame.drop(columns=[c for c in frame.columns if c in dropped])
    for key in ("n_read", "n_kept"):
        if quality.attrs.get(key) is None:
            quality.attrs[key] = len(frame)
    chosen = _period(period, frame, label)
    feedback, current = _cut(frame, chosen)
    minimum = where["min_responses"]
    set_anonymity(minimum, *_small_groups(current, minimum))
    return ReportInputs(
        feedback=feedback,
        current=current,
        orders=orders,
        invitations=invitations,
        quality=quality,
        period=chosen,
        source=label,
        truth=truth,
        n_rows_read=int(quality.attrs["n_read"]),
        min_responses=minimum,
    )


#: columns never treated as groups of responses (one value per response)
_NOT_GROUPS = ("text", "response_id", "customer_id", "submitted_at")


def _small_groups(
    current: pd.DataFrame, minimum: int | None
) -> tuple[dict[str, list[Any]], int | None]:
    """The month's group values with fewer responses than ``minimum`` (columns with up to 50
    values: channel, region, ...) and its number of texts (``None``: no text column).

    Examples
    --------
    >>> month = pd.DataFrame({"channel": ["web"] * 12 + ["app"] * 2, "text": ["ok"] * 14})
    >>> _small_groups(month, 10)
    ({'channel': ['app']}, 14)
    """
    if minimum is None:
        return {}, None
    small = {}
    for column in current.columns:
        values = current[column]
        if (
            column in _NOT_GROUPS
            or values.dtype.kind not in "OUSb"
            and not isinstance(values.dtype, pd.CategoricalDtype | pd.StringDtype)
        ):
            continue
        counts = values.astype("object").value_counts(dropna=True)
        if 0 < len(counts) <= 50 and (counts < minimum).any():
            small[str(column)] = sorted(map(str, counts.index[counts < minimum]))
    texts = None
    if "text" in current.columns:
        texts = int(current["text"].astype("string").str.strip().fillna("").ne("").sum())
    return small, texts


def _where(
    source: str | Path | None, data_path: str | Path | None, given: dict[str, Any]
) -> dict[str, Any]:
    """Where the data are: an inputs file's entries, overridden by the keywords given."""
    if source is not None and Path(source).suffix.lower() == ".json":
        where = read_inputs(source)
    else:
        if source is not None and data_path is not None:
            raise ParamsError(
                "load_inputs: give the data path once (as the first argument or as data_path=)."
            )
        where = {**_INPUT_KEYS, "data_path": source if source is not None else None}
    if data_path is not None:
        where["data_path"] = data_path
    where.update({key: value for key, value in given.items() if value is not None})
    return where


def _cut(frame: pd.DataFrame, chosen: pd.Period) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Responses up to the end of ``chosen`` (history) and those inside it."""
    stamps = frame["submitted_at"]
    end = (chosen + 1).start_time
    upto = (stamps < end).to_numpy()
    inside = upto & (stamps >= chosen.start_time).to_numpy()
    feedback = frame if upto.all() else frame[upto]
    return feedback, frame[inside]
