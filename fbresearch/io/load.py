"""Reading feedback, orders and invitation counts; validating them; the notebooks' entry point.

:func:`load_feedback` turns a user's file (CSV in UTF-8, UTF-8 with BOM or GB18030/GBK;
Parquet; Excel ``.xlsx``) or DataFrame into the canonical frame described in
:mod:`fbresearch.schema`, and says what it dropped or flagged in ``Feedback.quality``.

What counts as a hard problem (:class:`~fbresearch.errors.FeedbackDataError`, nothing loaded)
and what is handled softly (counted in ``.quality``):

=================================  ==========================================================
problem                            what happens
=================================  ==========================================================
file missing, empty, header only,  hard error naming the file and what to do
unreadable, unsupported extension
mapping names a missing column     hard error listing the columns that exist, with the closest
no ``submitted_at``, or none of    hard error
nps/csat/ces/text
a date that cannot be parsed       hard error with up to five rows and their values (a wrong
                                   format usually affects every row: better stop than guess)
timestamps with and without a      hard error; stamps that all carry offsets are converted to
UTC offset in one column           one zone (``tz``, default UTC) and stored timezone-naive
invalid scores (outside the        up to 1% of a column's filled cells (``max_invalid``): set
range, not whole, not a number)    to missing, counted (``blanked``); more: hard error, since
                                   a column that is largely invalid is the wrong column or
                                   the wrong scale and its averages would mislead
blank ``submitted_at``             up to 1% of rows: dropped and counted; more: hard error
rows with no answer at all         dropped, counted
exact duplicate rows (same         dropped, counted
``response_id``, same content)
same ``response_id``, different    hard error: ids must identify responses (a common cause is
content                            mapping ``customer_id`` as ``response_id``)
identical rows without ids         kept, flagged (``flag_duplicate``): without ids two equal
                                   answers can be genuine
empty or whitespace-only text      text set to missing, flagged (``flag_empty_text``)
straight-lined ratings (all        flagged (``flag_straight_lined``), never dropped: a truly
``rating_*`` equal, >= 3 answered) happy customer answers 5, 5, 5 too
missing ``response_id``            made from the row number (``"row<n>"``), counted
=================================  ==========================================================

Row numbers in messages count data rows from 1, as a user sees them in the file (the header
is not counted); for DataFrame input they are 1-based positions.

Examples
--------
>>> import pandas as pd
>>> raw = pd.DataFrame({"Date": ["2026-10-01", "2026-10-02", "2026-10-02"],
...                     "Q1": ["9", "10 ", "3.0"], "comment": ["great", " ", "slow"]})
>>> fb = load_feedback(raw, columns={"submitted_at": "Date", "nps": "Q1", "text": "comment"})
>>> fb.frame["nps"].tolist()
[9, 10, 3]
>>> int(fb.frame["flag_empty_text"].sum())
1
>>> latest_complete_month(pd.to_datetime(["2026-09-03", "2026-11-15"]))
Period('2026-10', 'M')
"""

from __future__ import annotations

import codecs
import difflib
import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from fbresearch import schema
from fbresearch.errors import FeedbackDataError, ParamsError

__all__ = [
    "Feedback",
    "ReportInputs",
    "load_feedback",
    "load_orders",
    "load_invitations",
    "load_inputs",
    "latest_complete_month",
    "write_canonical",
    "read_quality",
    "file_sha256",
    "QUALITY_COLUMNS",
]

#: columns of ``Feedback.quality``
QUALITY_COLUMNS = ("check", "column", "rows", "action", "example_rows", "message")

_CSV_SUFFIXES = {".csv": ",", ".txt": ",", ".tsv": "\t"}
_PARQUET_SUFFIXES = {".parquet", ".pq"}
_EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
_ENCODINGS = ("utf-8-sig", "gb18030")  # utf-8-sig reads plain UTF-8 too; GB18030 extends GBK
_SNIFF_BYTES = 1 << 20

# Date formats tried (after ISO 8601) when a column holds text; one format per column.
_DATE_FORMATS = (
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日",
    "%Y%m%d",
    "%d %b %Y",
    "%b %d, %Y",
)
_DATE_HINTS = ("date", "time", "day", "submitted", "created", "日期", "时间")
_TZ_SUFFIX = r"\d:\d\d(?::\d\d(?:\.\d+)?)?\s*(?:[Zz]|[+-]\d\d:?\d\d)$"  # a time, then an offset


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------


def _empty_quality() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in QUALITY_COLUMNS}).astype(
        {"rows": "int64"}
    )


@dataclass(frozen=True, eq=False)
class Feedback:
    """Validated feedback in canonical columns, with a record of what was dropped or flagged.

    Attributes
    ----------
    frame : pandas.DataFrame
        One row per kept response, canonical columns (:mod:`fbresearch.schema`) plus the user's
        other columns and the boolean ``flag_*`` columns. The index is the source's row index
        for DataFrame input (so Series aligned to the input stay aligned) and the 0-based data
        row for files (row ``i`` is row ``i + 1`` in messages).
    quality : pandas.DataFrame
        One row per problem found: ``check``, ``column``, ``rows`` (how many),
        ``action`` (``dropped``: rows removed; ``flagged``: rows kept, flag column set;
        ``blanked``: values set to missing; ``filled``: values made up; ``converted``),
        ``example_rows`` (up to five 1-based row numbers) and ``message``.
    source : str
        File name, or ``"DataFrame"``.
    n_read : int
        Data rows read before anything was dropped.
    encoding : str or None
        The text encoding of a CSV file (``"utf-8"`` or ``"gb18030"``).
    """

    frame: pd.DataFrame
    quality: pd.DataFrame = field(default_factory=_empty_quality)
    source: str = "DataFrame"
    n_read: int = 0
    encoding: str | None = None

    def summary(self) -> str:
        """Plain sentences about what was kept, dropped and flagged, for the overview page.

        Examples
        --------
        >>> import pandas as pd
        >>> fb = load_feedback(pd.DataFrame({"submitted_at": ["2026-10-01"] * 2, "nps": [9, 7]}))
        >>> fb.summary()
        'All 2 responses read from DataFrame were kept; no data problems were found.'
        """
        return describe_quality(self.quality, self.n_read, len(self.frame), self.source)


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

    def quality_summary(self) -> str:
        """The data-quality sentences of :meth:`Feedback.summary` for these inputs."""
        n_kept = int(self.quality.attrs.get("n_kept", self.n_rows_read))
        n_read = int(self.quality.attrs.get("n_read", n_kept))
        return describe_quality(self.quality, n_read, n_kept, self.source)


def describe_quality(quality: pd.DataFrame, n_read: int, n_kept: int, source: str) -> str:
    """Plain sentences for a quality table (what :meth:`Feedback.summary` says).

    Examples
    --------
    >>> q = pd.DataFrame([{"check": "duplicate", "column": "response_id", "rows": 3,
    ...                    "action": "dropped", "example_rows": [4],
    ...                    "message": "exact duplicates"}])
    >>> describe_quality(q, 10, 7, "survey.csv")
    '7 of 10 responses read from survey.csv were kept; 3 dropped: 3 exact duplicates.'
    """
    actions = ("dropped", "flagged", "blanked", "filled", "converted")
    by_action = {a: quality[quality["action"] == a] for a in actions}
    dropped = by_action["dropped"]
    source = f"the {source}" if source.startswith("built-in") else source
    if dropped.empty and n_read == n_kept:
        head = f"All {n_kept:,} responses read from {source} were kept"
    else:
        head = f"{n_kept:,} of {n_read:,} responses read from {source} were kept"
        if not dropped.empty:
            parts = [f"{int(r.rows):,} {r.message}" for r in dropped.itertuples()]
            head += f"; {n_read - n_kept:,} dropped: " + "; ".join(parts)
    sentences = [head]
    flagged = by_action["flagged"]
    if not flagged.empty:
        parts = [f"{int(r.rows):,} {r.message}" for r in flagged.itertuples()]
        sentences.append("Flagged but kept: " + "; ".join(parts))
    for action, verb in (
        ("blanked", "set to missing"),
        ("filled", "filled in"),
        ("converted", "converted"),
    ):
        for r in by_action[action].itertuples():
            sentences.append(f"{int(r.rows):,} {r.message} ({verb})")
    if len(sentences) == 1 and dropped.empty:
        sentences[0] += "; no data problems were found"
    return ". ".join(s.rstrip(".") for s in sentences) + "."


# --------------------------------------------------------------------------------------------
# Reading files
# --------------------------------------------------------------------------------------------


def _label(source: Any) -> str:
    return Path(source).name if isinstance(source, (str, Path)) else "DataFrame"


def _check_path(source: str | Path, what: str = "feedback") -> Path:
    path = Path(source)
    label = path.name or str(path)
    if not path.exists():
        raise FeedbackDataError(
            f"the file {str(path)!r} does not exist",
            source=label,
            fix=f"check the path of the {what} file (relative paths start from the folder you "
            "run the command in, or the params file's folder).",
        )
    if path.is_dir():
        raise FeedbackDataError(
            f"{str(path)!r} is a folder, not a file",
            source=label,
            fix=f"give the path of the {what} file itself.",
        )
    suffix = path.suffix.lower()
    if suffix not in {*_CSV_SUFFIXES, *_PARQUET_SUFFIXES, *_EXCEL_SUFFIXES}:
        hint = " Old Excel .xls files: save them as .xlsx or CSV." if suffix == ".xls" else ""
        raise FeedbackDataError(
            f"unsupported file type {suffix or '(no extension)'!r}",
            source=label,
            fix="use CSV (.csv, .tsv), Parquet (.parquet) or Excel (.xlsx)." + hint,
        )
    if path.stat().st_size == 0:
        raise FeedbackDataError(
            "the file is empty",
            source=label,
            fix="export the data again; the file has no header and no rows.",
        )
    return path


def _encodings(path: Path) -> list[str]:
    """Encodings to try, most likely first: a strict UTF-8 decode of the first MiB decides."""
    with path.open("rb") as fh:
        head = fh.read(_SNIFF_BYTES)
    try:
        codecs.getincrementaldecoder("utf-8")("strict").decode(head, final=False)
    except UnicodeDecodeError:
        return list(reversed(_ENCODINGS))
    return list(_ENCODINGS)


def _read_file(
    path: Path,
    dtype: Mapping[str, str] | None = None,
    header_only: bool = False,
    encoding: str | None = None,
) -> tuple[pd.DataFrame, str | None]:
    """Read a CSV, Parquet or Excel file; every failure becomes a FeedbackDataError."""
    suffix = path.suffix.lower()
    label = path.name
    try:
        if suffix in _PARQUET_SUFFIXES:
            import pyarrow.parquet as pq

            if header_only:
                names = pq.read_schema(path).names
                meta = pq.read_schema(path).pandas_metadata or {}
                index_cols = {c for c in meta.get("index_columns", []) if isinstance(c, str)}
                return pd.DataFrame(columns=[n for n in names if n not in index_cols]), None
            frame = pq.read_table(path).to_pandas()
            return frame.reset_index(drop=True), None
        if suffix in _EXCEL_SUFFIXES:
            frame = pd.read_excel(
                path,
                sheet_name=0,
                engine="openpyxl",
                dtype=dict(dtype or {}),
                nrows=0 if header_only else None,
            )
            return frame, None
        errors: list[str] = []
        for enc in [encoding] if encoding else _encodings(path):
            try:
                frame = pd.read_csv(
                    path,
                    sep=_CSV_SUFFIXES[suffix],
                    encoding=enc,
                    encoding_errors="strict",
                    dtype=dict(dtype or {}),
                    nrows=0 if header_only else None,
                    low_memory=False,
                )
            except UnicodeDecodeError as exc:
                errors.append(f"{enc}: {exc.reason} at byte {exc.start}")
                continue
            return frame, ("utf-8" if enc == "utf-8-sig" else enc)
        raise FeedbackDataError(
            "the file is neither UTF-8 nor GB18030/GBK text (" + "; ".join(errors) + ")",
            source=label,
            fix="save the file as CSV UTF-8 (in Excel: Save As > CSV UTF-8).",
        )
    except FeedbackDataError:
        raise
    except pd.errors.EmptyDataError as exc:
        raise FeedbackDataError(
            "the file has no header and no rows",
            source=label,
            fix="export the data again, with a header row.",
        ) from exc
    except pd.errors.ParserError as exc:
        found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        if found:
            expected, line, saw = (int(g) for g in found.groups())
            raise FeedbackDataError(
                f"a row has {saw} fields where the header has {expected}",
                source=label,
                rows=[line - 1],
                fix='quote text fields that contain the separator ("..."), or export again.',
            ) from exc
        raise FeedbackDataError(
            f"the file cannot be read as CSV ({exc})",
            source=label,
            fix="export it again as CSV UTF-8.",
        ) from exc
    except Exception as exc:  # the read boundary: pyarrow, openpyxl and OS errors vary widely
        kind = {".parquet": "Parquet", ".pq": "Parquet"}.get(suffix, suffix.lstrip(".").upper())
        raise FeedbackDataError(
            f"the file cannot be read as {kind} ({type(exc).__name__}: {exc})",
            source=label,
            fix=f"check that it is a complete {kind} file (export it again), "
            "or save it as CSV UTF-8.",
        ) from exc


# --------------------------------------------------------------------------------------------
# Column mapping
# --------------------------------------------------------------------------------------------


def _closest(name: str, candidates: Sequence[str], hints: Sequence[str] = ()) -> str:
    lowered = {c.lower(): c for c in candidates}
    found = [lowered[m] for m in difflib.get_close_matches(name.lower(), list(lowered), 3, 0.6)]
    found += [c for c in candidates if any(h in c.lower() for h in hints) and c not in found]
    return f" Did you mean {', '.join(repr(f) for f in found[:3])}?" if found else ""


def _columns_text(columns: Sequence[str], limit: int = 30) -> str:
    shown = ", ".join(repr(c) for c in columns[:limit])
    return shown + (f" and {len(columns) - limit} more" if len(columns) > limit else "")


def _resolve_columns(
    header: Sequence[str],
    columns: Mapping[str, str] | None,
    ratings: Mapping[str, str] | Sequence[str] | None,
    label: str,
) -> dict[str, str]:
    """Map the user's column names to canonical names: ``{user column: canonical name}``."""
    header = [str(c) for c in header]
    wanted: dict[str, str] = {}  # canonical -> user
    for canonical, user in dict(columns or {}).items():
        canonical = str(canonical)
        if canonical not in schema.CANONICAL and not schema.is_rating(canonical):
            raise FeedbackDataError(
                f"the column mapping names {canonical!r}, which is not a canonical column."
                + _closest(canonical, schema.CANONICAL),
                source=label,
                column=canonical,
                fix="map canonical names ("
                + ", ".join(schema.CANONICAL)
                + ', rating_<name>) to your column names, e.g. {"nps": "Q1 Recommend"}.',
            )
        wanted[canonical] = str(user)
    if isinstance(ratings, Mapping):
        for name, user in ratings.items():
            key = str(name) if schema.is_rating(str(name)) else schema.rating_slug(str(name))
            wanted[key] = str(user)
    elif ratings is not None:
        if isinstance(ratings, str):
            ratings = [ratings]
        for user in ratings:
            wanted[schema.rating_slug(str(user))] = str(user)

    for canonical, user in wanted.items():
        if user not in header:
            raise FeedbackDataError(
                f"the column mapping names {user!r} for {canonical!r}, but the file has no such "
                f"column.{_closest(user, header)} The file's columns are {_columns_text(header)}",
                source=label,
                column=user,
                fix="correct the name in `columns:` (names must match exactly, including case "
                "and spaces).",
            )
    users = list(wanted.values())
    repeated = sorted({u for u in users if users.count(u) > 1})
    if repeated:
        targets = [c for c, u in wanted.items() if u == repeated[0]]
        raise FeedbackDataError(
            f"the column mapping uses {repeated[0]!r} for several columns ({', '.join(targets)})",
            source=label,
            column=repeated[0],
            fix="map each of your columns to one canonical name.",
        )

    rename = {user: canonical for canonical, user in wanted.items()}
    taken = set(wanted)
    for col in header:
        if col in rename:
            continue
        if col in taken:
            raise FeedbackDataError(
                f"the file has a column named {col!r} and the mapping also maps "
                f"{wanted[col]!r} to {col!r}",
                source=label,
                column=col,
                fix=f"remove {col!r} from the mapping, or rename the file's {col!r} column.",
            )
        # canonical names match regardless of case and surrounding spaces ("NPS", " Text ")
        key = col.strip().lower()
        if (
            key != col
            and (key in schema.CANONICAL or schema.is_rating(key))
            and key not in taken
            and key not in header
        ):
            rename[col] = key
            taken.add(key)
    return rename


def _missing_column_error(
    canonical: str, header: Sequence[str], label: str, fix: str
) -> FeedbackDataError:
    hints = _DATE_HINTS if canonical in schema.DATE_COLUMNS or "date" in canonical else ()
    return FeedbackDataError(
        f"there is no {canonical!r} column.{_closest(canonical, header, hints)} "
        f"The columns are {_columns_text(list(header))}",
        source=label,
        column=canonical,
        fix=fix,
    )


# --------------------------------------------------------------------------------------------
# Column parsers (each works on the distinct values, then maps back: fast on large files)
# --------------------------------------------------------------------------------------------


class _Report:
    """Collects quality rows and raises errors with user-facing row numbers."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.rows: list[dict] = []

    def add(
        self, check: str, column: str | None, positions: np.ndarray, action: str, message: str
    ) -> None:
        positions = np.asarray(positions)
        if positions.size:
            self.rows.append(
                {
                    "check": check,
                    "column": column,
                    "rows": int(positions.size),
                    "action": action,
                    "example_rows": [int(p) + 1 for p in positions[:5]],
                    "message": message,
                }
            )

    def error(
        self,
        problem: str,
        column: str | None,
        positions: Iterable[int] = (),
        fix: str | None = None,
    ) -> FeedbackDataError:
        return FeedbackDataError(
            problem, source=self.label, column=column, rows=[int(p) + 1 for p in positions], fix=fix
        )

    def frame(self) -> pd.DataFrame:
        if not self.rows:
            return _empty_quality()
        return pd.DataFrame(self.rows, columns=list(QUALITY_COLUMNS))


def _as_text(series: pd.Series) -> pd.Series:
    """Strings (pandas ``str`` dtype), stripped, blanks as missing; vectorised in pyarrow."""
    text = (
        series
        if pd.api.types.is_string_dtype(series.dtype)
        and not isinstance(series.dtype, pd.CategoricalDtype)
        else series.astype("str")
    )
    text = text.astype("str").str.strip()
    return text.where(text.str.len() > 0)


def _examples(values: pd.Series, positions: np.ndarray, k: int = 3) -> str:
    return ", ".join(f"{values.iloc[p]!r} (row {p + 1})" for p in positions[:k])


def _parse_dates(series: pd.Series, column: str, rep: _Report, tz: str) -> pd.Series:
    """Parse one date column to timezone-naive ``datetime64[ns]`` (aware stamps: to ``tz``)."""
    if isinstance(series.dtype, pd.DatetimeTZDtype):
        out = series.dt.tz_convert(tz).dt.tz_localize(None)
        rep.add(
            "timezone",
            column,
            np.flatnonzero(out.notna().to_numpy()),
            "converted",
            f"timestamps in {column} converted from {series.dtype.tz} to {tz} time",
        )
        return out.astype("datetime64[ns]")
    if pd.api.types.is_datetime64_dtype(series.dtype):
        return series.astype("datetime64[ns]")
    raw = series
    if pd.api.types.is_numeric_dtype(series.dtype):
        raw = series.astype("Int64").astype("str")  # e.g. 20261031
    codes, uniques = pd.factorize(raw, use_na_sentinel=True)
    text = pd.Series(uniques, dtype="str").str.strip()
    blank = text.str.len() == 0
    todo = text[~blank]
    parsed = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    if len(todo):
        aware = _matches(todo, _TZ_SUFFIX)
        if aware.any() and not aware.all():
            naive_pos = _positions_of(codes, todo.index[~aware.to_numpy()])
            aware_pos = _positions_of(codes, todo.index[aware.to_numpy()])
            raise rep.error(
                f"some timestamps carry a UTC offset (e.g. {todo[aware].iloc[0]!r}, row "
                f"{aware_pos[0] + 1}) and others do not (e.g. {todo[~aware].iloc[0]!r}); their "
                "times cannot be put in one time zone",
                column,
                naive_pos,
                fix="export every timestamp with its offset (e.g. 2026-10-31T14:05:00+08:00), "
                "or every one without.",
            )
        values = todo.to_numpy(dtype=object)
        if aware.any():
            got = pd.to_datetime(values, format="ISO8601", utc=True, errors="coerce")
            got = got.tz_convert(tz).tz_localize(None)
            if got.notna().any():
                rep.add(
                    "timezone",
                    column,
                    _positions_of(codes, todo.index[got.notna()]),
                    "converted",
                    f"timestamps in {column} with UTC offsets converted to {tz} time",
                )
        else:
            got = _best_format(values, column, rep, codes, todo.index)
        parsed.loc[todo.index] = pd.Series(got, index=todo.index).astype("datetime64[ns]")
    bad = parsed.isna() & ~blank
    if bad.any():
        positions = _positions_of(codes, text.index[bad.to_numpy()])
        raise rep.error(
            f"{positions.size:,} value(s) cannot be read as dates: "
            f"{_examples(raw.astype('object'), positions)}",
            column,
            positions,
            fix="use one date format for the whole column, e.g. 2026-10-31 or 2026-10-31 14:05, "
            "or correct those cells.",
        )
    out = parsed.to_numpy().take(codes, mode="clip")
    out[codes < 0] = np.datetime64("NaT")
    return pd.Series(out, index=series.index, dtype="datetime64[ns]")


def _matches(values: pd.Series, pattern: str) -> pd.Series:
    """Regex search on strings with pyarrow's RE2 (pandas falls back to Python for some)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    found = pc.match_substring_regex(
        pa.array(values.to_numpy(dtype=object), type=pa.string()), pattern
    )
    return pd.Series(np.asarray(found, dtype=bool), index=values.index)


def _positions_of(codes: np.ndarray, unique_ids: Iterable[int]) -> np.ndarray:
    return np.flatnonzero(np.isin(codes, np.asarray(list(unique_ids), dtype=np.int64)))


def _best_format(
    values: np.ndarray, column: str, rep: _Report, codes: np.ndarray, index: pd.Index
) -> pd.DatetimeIndex:
    """Parse with ISO 8601, else the single listed format that reads the most values."""

    def attempt(fmt: str) -> pd.DatetimeIndex:
        try:
            return pd.DatetimeIndex(pd.to_datetime(values, format=fmt, errors="coerce"))
        except (ValueError, OverflowError):
            return pd.DatetimeIndex([pd.NaT] * len(values))

    best = attempt("ISO8601")
    if best.notna().all():
        return best
    results = {fmt: attempt(fmt) for fmt in _DATE_FORMATS}
    complete = [fmt for fmt, got in results.items() if got.notna().all()]
    for day_first in [f for f in complete if f.startswith("%d/")]:
        month_first = day_first.replace("%d/%m/", "%m/%d/")
        if month_first in complete and not results[day_first].equals(results[month_first]):
            differ = np.flatnonzero(results[day_first] != results[month_first])
            positions = _positions_of(codes, index[differ])
            raise rep.error(
                "the dates could be day/month/year or month/day/year (e.g. "
                f"{values[differ[0]]!r}); every value fits both",
                column,
                positions,
                fix="export dates as YYYY-MM-DD (e.g. 2026-10-31), which cannot be misread.",
            )
    for got in results.values():
        if got.notna().sum() > best.notna().sum():
            best = got
    return best


def _parse_scores(series: pd.Series, column: str, rep: _Report, max_invalid: float) -> pd.Series:
    """Whole numbers in the column's range as ``Int64``; see the module table for bad values."""
    spec = schema.score_spec(column)
    assert spec is not None
    if pd.api.types.is_bool_dtype(series.dtype):
        raise rep.error(
            "holds true/false values, not scores",
            column,
            fix=f"use whole numbers {spec.low}-{spec.high}.",
        )
    if pd.api.types.is_numeric_dtype(series.dtype):
        numbers = series.astype("Float64").astype("float64").to_numpy(na_value=np.nan)
        not_number = np.zeros(len(series), dtype=bool)
    else:
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
        text = pd.Series(uniques, dtype="str").str.normalize("NFKC").str.strip()
        blank = (text.str.len() == 0).to_numpy()
        num = pd.to_numeric(text.where(~blank), errors="coerce").to_numpy(dtype=float)
        bad_text = np.isnan(num) & ~blank
        num_rows = num.take(codes, mode="clip")
        num_rows[codes < 0] = np.nan
        not_number = np.zeros(len(series), dtype=bool)
        if bad_text.any():
            not_number = np.isin(codes, np.flatnonzero(bad_text))
        numbers = num_rows
    filled = ~np.isnan(numbers) | not_number
    with np.errstate(invalid="ignore"):
        not_whole = ~np.isnan(numbers) & (numbers != np.round(numbers))
        outside = ~np.isnan(numbers) & ~not_whole & ((numbers < spec.low) | (numbers > spec.high))
    kinds = {
        "outside the range": outside,
        "not whole numbers": not_whole,
        "not numbers": not_number,
    }
    invalid = outside | not_whole | not_number
    n_bad, n_filled = int(invalid.sum()), int(filled.sum())
    if n_bad:
        positions = np.flatnonzero(invalid)
        what = ", ".join(f"{int(m.sum()):,} {k}" for k, m in kinds.items() if m.any())
        if n_bad > max_invalid * n_filled:
            raw = series.astype("object")
            fix = (
                f"{spec.label} answers must be whole numbers from {spec.low} to {spec.high}; "
                "correct those cells or leave them empty"
            )
            if not_number.any():
                fix += "; text answers (e.g. 'Very satisfied') must be coded as numbers first"
            if outside.any():
                fix += (
                    "; if the column uses another scale (e.g. 1-10 for NPS), convert it, or "
                    "check the column mapping"
                )
            raise rep.error(
                f"{n_bad:,} of {n_filled:,} answers are invalid ({what} {spec.low}-{spec.high}), "
                f"e.g. {_examples(raw, positions)}",
                column,
                positions,
                fix=fix + ".",
            )
        for kind, mask in kinds.items():
            rep.add(
                f"invalid_{column}",
                column,
                np.flatnonzero(mask),
                "blanked",
                f"{column} answers {kind}"
                + (f" {spec.low}-{spec.high}" if kind == "outside the range" else ""),
            )
        numbers = np.where(invalid, np.nan, numbers)
    return pd.Series(pd.array(np.round(numbers), dtype="Float64"), index=series.index).astype(
        "Int64"
    )


def _parse_category(series: pd.Series) -> pd.Series:
    """Stripped, lower case, runs of spaces or hyphens as ``_``; ``category`` dtype."""
    codes, uniques = pd.factorize(_as_text(series), use_na_sentinel=True)
    cleaned = pd.Series(uniques, dtype="str").str.lower().str.replace(r"[\s\-]+", "_", regex=True)
    values = cleaned.to_numpy(dtype=object).take(codes, mode="clip")
    return pd.Series(values, index=series.index).where(codes >= 0).astype("category")


# --------------------------------------------------------------------------------------------
# load_feedback
# --------------------------------------------------------------------------------------------


def load_feedback(
    source: str | Path | pd.DataFrame,
    columns: Mapping[str, str] | None = None,
    ratings: Mapping[str, str] | Sequence[str] | None = None,
    *,
    max_invalid: float = schema.MAX_INVALID_SHARE,
    tz: str = "UTC",
) -> Feedback:
    """Read, map and validate feedback; return canonical data and a quality report.

    Parameters
    ----------
    source : path or DataFrame
        CSV (``.csv``, ``.tsv``; UTF-8, UTF-8 with BOM or GB18030/GBK, detected), Parquet
        (``.parquet``) or Excel (``.xlsx``, first sheet) file, or a DataFrame.
    columns : mapping, optional
        Canonical name -> your column name, e.g. ``{"nps": "Q1 Recommend", "submitted_at":
        "Date"}``. Columns already named canonically (any case) need no mapping; your other
        columns are kept (segment attributes).
    ratings : mapping or list, optional
        Attribute ratings: ``{"rating_delivery": "Delivery score"}``, or a list of your columns
        (each becomes ``rating_<slug>``). Columns named ``rating_*`` are ratings already.
    max_invalid : float
        Largest share of a score column's filled cells that may be invalid; those values are
        set to missing and counted. More than this is an error.
    tz : str
        Time zone that timestamps with UTC offsets are converted to (then stored naive).

    Returns
    -------
    Feedback
        ``.frame``, ``.quality``, ``.source``, ``.summary()``.

    Raises
    ------
    FeedbackDataError
        For the hard problems in this module's table, naming file, column, rows and fix.

    Examples
    --------
    >>> import pandas as pd
    >>> raw = pd.DataFrame({"submitted_at": ["2026-10-01", "2026-10-01"],
    ...                     "csat": [5, 6], "Speed": [3, 4]})
    >>> try:
    ...     load_feedback(raw, ratings=["Speed"])
    ... except FeedbackDataError as err:
    ...     print(err.column, err.rows, err.problem)
    csat (2,) 1 of 2 answers are invalid (1 outside the range 1-5), e.g. 6 (row 2)
    >>> list(load_feedback(raw.assign(csat=[5, 4]), ratings=["Speed"]).frame.columns[:4])
    ['submitted_at', 'csat', 'rating_speed', 'response_id']
    """
    label = _label(source)
    encoding = None
    if isinstance(source, pd.DataFrame):
        original_index = source.index
        raw = source.reset_index(drop=True)
        raw.columns = [str(c) for c in raw.columns]
        rename = _resolve_columns(list(raw.columns), columns, ratings, label)
    elif isinstance(source, (str, Path)):
        path = _check_path(source)
        header, encoding = _read_file(path, header_only=True)
        rename = _resolve_columns([str(c) for c in header.columns], columns, ratings, label)
        ids = {user: "str" for user, canonical in rename.items() if canonical in schema.ID_COLUMNS}
        ids.update({c: "str" for c in header.columns if c in schema.ID_COLUMNS})
        raw, encoding = _read_file(path, dtype=ids, encoding=encoding)
        raw.columns = [str(c) for c in raw.columns]
        original_index = None
    else:
        raise FeedbackDataError(
            f"cannot read feedback from a {type(source).__name__}",
            fix="pass a file path (CSV, Parquet, Excel) or a pandas DataFrame.",
        )
    if len(raw) == 0:
        raise FeedbackDataError(
            "the data has a header but no rows",
            source=label,
            fix="export the data again with its rows.",
        )
    frame = raw.rename(columns=rename)
    header = list(raw.columns)
    for required in schema.REQUIRED:
        if required not in frame.columns:
            raise _missing_column_error(
                required,
                header,
                label,
                fix=f'name your date column in `columns:`, e.g. {{"{required}": "Date"}}.',
            )
    if not any(c in frame.columns for c in schema.ANSWER_COLUMNS):
        raise FeedbackDataError(
            "there is no answer column (none of nps, csat, ces, text). The columns are "
            + _columns_text(header),
            source=label,
            column="nps",
            fix='map at least one answer column, e.g. {"nps": "Q1 Recommend", "text": "Comment"}.',
        )
    rep = _Report(label)
    frame = _validate(frame, rep, max_invalid=max_invalid, tz=tz, n_read=len(raw))
    if original_index is not None:
        frame.index = original_index[frame.index.to_numpy()]
    return Feedback(
        frame=frame, quality=rep.frame(), source=label, n_read=len(raw), encoding=encoding
    )


def _validate(
    frame: pd.DataFrame, rep: _Report, *, max_invalid: float, tz: str, n_read: int
) -> pd.DataFrame:
    """Type and check every canonical column; drop and flag rows. Index: 0-based positions."""
    out = frame  # copy-on-write: assignments below never touch the caller's frame
    had_ids = "response_id" in out.columns
    for col in schema.ID_COLUMNS:
        if col in out.columns:
            out[col] = _as_text(out[col])
    for col in schema.DATE_COLUMNS:
        if col in out.columns:
            out[col] = _parse_dates(out[col], col, rep, tz)
    for col in list(out.columns):
        if schema.score_spec(col) is not None:
            out[col] = _parse_scores(out[col], col, rep, max_invalid)
    for col in schema.CATEGORY_COLUMNS:
        if col in out.columns:
            out[col] = _parse_category(out[col])

    keep = np.ones(len(out), dtype=bool)
    no_date = out["submitted_at"].isna().to_numpy()
    if no_date.any():
        positions = np.flatnonzero(no_date)
        if no_date.sum() > max_invalid * len(out):
            raise rep.error(
                f"{positions.size:,} of {len(out):,} rows have no date",
                "submitted_at",
                positions,
                fix="fill in the submission date, or check the column mapping.",
            )
        rep.add("missing_date", "submitted_at", positions, "dropped", "with no submission date")
        keep &= ~no_date

    flag_empty = np.zeros(len(out), dtype=bool)
    if "text" in out.columns:
        text = out["text"].astype("str")
        flag_empty = (text.isna() | (text.str.strip().str.len() == 0)).to_numpy()
        out["text"] = text.where(~flag_empty)
    answers = [c for c in ("nps", "csat", "ces") if c in out.columns]
    answered = out[answers].notna().any(axis=1).to_numpy() if answers else np.zeros(len(out), bool)
    if "text" in out.columns:
        answered = answered | ~flag_empty
    no_answer = ~answered & keep
    if no_answer.any():
        rep.add(
            "no_answer",
            ", ".join(c for c in schema.ANSWER_COLUMNS if c in out.columns),
            np.flatnonzero(no_answer),
            "dropped",
            "with no answer at all (no score and no text)",
        )
        keep &= ~no_answer

    flag_duplicate = np.zeros(len(out), dtype=bool)
    if had_ids:
        missing_id = out["response_id"].isna().to_numpy()
        if missing_id.any():
            rep.add(
                "missing_id",
                "response_id",
                np.flatnonzero(missing_id),
                "filled",
                "missing response ids made from the row number",
            )
        ids = out["response_id"]
        dup = ids.duplicated(keep=False).to_numpy() & ~missing_id & keep
        if dup.any():
            sub = out[dup]
            exact = np.zeros(len(out), dtype=bool)
            exact[np.flatnonzero(dup)[sub.duplicated(keep="first").to_numpy()]] = True
            rep.add(
                "duplicate",
                "response_id",
                np.flatnonzero(exact),
                "dropped",
                "exact duplicates of earlier rows",
            )
            keep &= ~exact
            rest = ids[keep & ~missing_id]
            conflict = rest[rest.duplicated(keep=False)]
            if len(conflict):
                first = conflict.iloc[0]
                positions = np.flatnonzero((ids == first).to_numpy() & keep)
                all_pos = conflict.index.to_numpy()
                raise rep.error(
                    f"{conflict.nunique():,} response id(s) appear on rows with different "
                    f"content, e.g. {first!r} on rows "
                    + ", ".join(str(p + 1) for p in positions[:5]),
                    "response_id",
                    all_pos,
                    fix="response_id must identify one response: check that the mapping does "
                    "not point at a customer or order id, or remove the outdated copies.",
                )
    else:
        missing_id = np.ones(len(out), dtype=bool)
        flag_duplicate = out.duplicated(keep="first").to_numpy() & keep
        rep.add(
            "duplicate",
            None,
            np.flatnonzero(flag_duplicate),
            "flagged",
            "identical to an earlier row (no response ids to tell them apart)",
        )
    if missing_id.any():
        made = pd.Series(
            [f"row{p + 1}" for p in np.flatnonzero(missing_id)],
            index=out.index[missing_id],
            dtype="str",
        )
        ids = out["response_id"] if had_ids else pd.Series(pd.NA, index=out.index, dtype="str")
        out["response_id"] = ids.where(~missing_id, made)

    rep.add(
        "empty_text",
        "text",
        np.flatnonzero(flag_empty & keep),
        "flagged",
        "with an empty verbatim (their scores still count)",
    )
    rating_cols = [c for c in out.columns if schema.is_rating(c)]
    flag_straight = np.zeros(len(out), dtype=bool)
    if len(rating_cols) >= schema.STRAIGHT_LINE_MIN_RATINGS:
        values = out[rating_cols].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        n_answered = (~np.isnan(values)).sum(axis=1)
        enough = n_answered >= schema.STRAIGHT_LINE_MIN_RATINGS
        highest = np.where(np.isnan(values), -np.inf, values).max(axis=1)
        lowest = np.where(np.isnan(values), np.inf, values).min(axis=1)
        spread = highest - lowest
        flag_straight = enough & (spread == 0)
        rep.add(
            "straight_lined",
            ", ".join(rating_cols),
            np.flatnonzero(flag_straight & keep),
            "flagged",
            "with every attribute rating the same (straight-lining)",
        )
    out["flag_empty_text"] = flag_empty
    out["flag_straight_lined"] = flag_straight
    out["flag_duplicate"] = flag_duplicate
    if not keep.any():
        raise rep.error(
            "no usable rows are left after validation",
            None,
            fix="see the quality report: every row was dropped.",
        )
    if not keep.all():
        out = out[keep]
    ordered = list(frame.columns) + ["response_id"] * (not had_ids) + list(schema.FLAG_COLUMNS)
    return out[list(dict.fromkeys(ordered))]


# --------------------------------------------------------------------------------------------
# Orders and invitation counts
# --------------------------------------------------------------------------------------------


def _read_table(
    source: str | Path | pd.DataFrame,
    columns: Mapping[str, str] | None,
    required: Sequence[str],
    what: str,
    example: str,
) -> tuple[pd.DataFrame, str]:
    """Read a small canonical table (orders, invitations) and rename its columns."""
    label = _label(source)
    if isinstance(source, pd.DataFrame):
        raw = source.copy()
        raw.columns = [str(c) for c in raw.columns]
    elif isinstance(source, (str, Path)):
        path = _check_path(source, what)
        header, encoding = _read_file(path, header_only=True)
        wanted = dict(columns or {})
        ids = {wanted.get("customer_id", "customer_id"): "str"}
        raw, _ = _read_file(path, dtype=ids, encoding=encoding)
        raw.columns = [str(c) for c in raw.columns]
    else:
        raise FeedbackDataError(
            f"cannot read {what} from a {type(source).__name__}",
            fix="pass a file path (CSV, Parquet, Excel) or a DataFrame.",
        )
    header = list(raw.columns)
    rename: dict[str, str] = {}
    for canonical, user in dict(columns or {}).items():
        if canonical not in required:
            raise FeedbackDataError(
                f"the {what} column mapping names {canonical!r}, which is not one of "
                + ", ".join(required)
                + "."
                + _closest(str(canonical), required),
                source=label,
                column=str(canonical),
                fix=f"map {', '.join(required)} only.",
            )
        if user not in header:
            raise FeedbackDataError(
                f"the column mapping names {user!r} for {canonical!r}, but the file has no such "
                f"column.{_closest(str(user), header)} The file's columns are "
                + _columns_text(header),
                source=label,
                column=str(user),
                fix="correct the name in the mapping.",
            )
        rename[user] = canonical
    for col in header:
        key = col.strip().lower()
        if (
            col not in rename
            and key in required
            and key not in rename.values()
            and key not in header
        ):
            rename[col] = key
    frame = raw.rename(columns=rename)
    for col in required:
        if col not in frame.columns:
            raise _missing_column_error(
                col, header, label, fix=f"name it in the mapping, e.g. {example}."
            )
    if len(frame) == 0:
        raise FeedbackDataError(
            f"the {what} data has a header but no rows",
            source=label,
            fix="export the data again with its rows.",
        )
    return frame.reset_index(drop=True), label


def load_orders(
    source: str | Path | pd.DataFrame,
    columns: Mapping[str, str] | None = None,
    *,
    tz: str = "UTC",
) -> pd.DataFrame:
    """Read and validate orders for RFM segmentation.

    Parameters
    ----------
    source : path or DataFrame
        CSV, Parquet or Excel file, or a DataFrame, with one row per order.
    columns : mapping, optional
        Canonical name (``customer_id``, ``order_date``, ``amount``) -> your column name.
    tz : str
        Time zone that timestamps with UTC offsets are converted to.

    Returns
    -------
    pandas.DataFrame
        ``customer_id`` (str), ``order_date`` (datetime64[ns]), ``amount`` (float64),
        ``is_return`` (bool: a negative amount), then your other columns. Future dates are
        parsed, not judged (the segment code knows its as-of date).

    Raises
    ------
    FeedbackDataError
        A missing column, an unparseable date or amount, or a missing customer id or date.

    Examples
    --------
    >>> raw = pd.DataFrame({"cust": ["c1", "c1"], "date": ["2026-01-05", "2026-02-01"],
    ...                     "amount": ["¥1,200.50", "-30"]})
    >>> orders = load_orders(raw,
    ...                      columns={"customer_id": "cust", "order_date": "date"})
    >>> orders["amount"].tolist(), orders["is_return"].tolist()
    ([1200.5, -30.0], [False, True])
    """
    frame, label = _read_table(
        source,
        columns,
        list(schema.ORDERS_COLUMNS),
        "orders",
        '{"customer_id": "Customer", "order_date": "Date"}',
    )
    rep = _Report(label)
    frame["customer_id"] = _as_text(frame["customer_id"])
    frame["order_date"] = _parse_dates(frame["order_date"], "order_date", rep, tz)
    frame["amount"] = _parse_amount(frame["amount"], rep)
    for col in schema.ORDERS_COLUMNS:
        missing = frame[col].isna().to_numpy()
        if missing.any():
            raise rep.error(
                f"{int(missing.sum()):,} order(s) have no {col}",
                col,
                np.flatnonzero(missing),
                fix=f"fill in {col} for every order, or remove those rows.",
            )
    frame["is_return"] = (frame["amount"] < 0).to_numpy()
    ordered = [*schema.ORDERS_COLUMNS, "is_return"]
    return frame[ordered + [c for c in frame.columns if c not in ordered]]


def _parse_amount(series: pd.Series, rep: _Report) -> pd.Series:
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
        return series.astype("float64")
    text = _as_text(series)
    # currency symbols, thousands separators and spaces: "¥1,200.50" -> "1200.50"
    cleaned = text.str.replace(r"[^\d.\-+eE]", "", regex=True)
    numbers = pd.to_numeric(cleaned, errors="coerce").astype("float64")
    bad = (numbers.isna() & text.notna()).to_numpy()
    if bad.any():
        positions = np.flatnonzero(bad)
        raise rep.error(
            f"{positions.size:,} amount(s) are not numbers, e.g. "
            + _examples(series.astype("object"), positions),
            "amount",
            positions,
            fix="amounts must be numbers, e.g. 1200.50.",
        )
    return numbers


def load_invitations(source: str | Path | pd.DataFrame) -> pd.DataFrame:
    """Read invitation counts (how many customers were asked) for response rates.

    Parameters
    ----------
    source : path or DataFrame
        One row per channel and month: ``channel``, ``month`` (``YYYY-MM``, or any date in
        the month), ``invited`` (a whole number >= 0).

    Returns
    -------
    pandas.DataFrame
        ``channel`` (category, cleaned like feedback channels), ``month`` (str ``YYYY-MM``),
        ``invited`` (Int64), sorted by month and channel.

    Examples
    --------
    >>> load_invitations(pd.DataFrame({"channel": ["Email"], "month": ["2026-10"],
    ...                                "invited": [1200]})).to_dict("records")
    [{'channel': 'email', 'month': '2026-10', 'invited': 1200}]
    """
    frame, label = _read_table(
        source,
        None,
        list(schema.INVITATIONS_COLUMNS),
        "invitations",
        '{"channel": "Channel", "month": "Month", "invited": "Sent"}',
    )
    rep = _Report(label)
    frame["channel"] = _parse_category(frame["channel"])
    month = frame["month"]
    if not pd.api.types.is_datetime64_any_dtype(month.dtype):
        text = _as_text(month).str.replace(r"^(\d{4})[/.年](\d{1,2})月?$", r"\1-\2", regex=True)
        month = text.where(~text.str.fullmatch(r"\d{4}-\d{1,2}", na=False), text + "-01")
        month = _parse_dates(month, "month", rep, "UTC")
    frame["month"] = month.dt.to_period("M").astype("str")
    invited = pd.to_numeric(_as_text(frame["invited"]).str.replace(",", ""), errors="coerce")
    bad = (invited.isna() | (invited < 0) | (invited != np.round(invited))).to_numpy()
    if bad.any():
        positions = np.flatnonzero(bad)
        raise rep.error(
            "invitation counts must be whole numbers >= 0, e.g. "
            + _examples(frame["invited"].astype("object"), positions),
            "invited",
            positions,
            fix="correct those counts.",
        )
    frame["invited"] = invited.astype("Int64")
    repeated = frame.duplicated(["channel", "month"], keep=False).to_numpy()
    if repeated.any():
        positions = np.flatnonzero(repeated)
        raise rep.error(
            "a channel and month appear more than once",
            "month",
            positions,
            fix="give one count per channel and month (add them up).",
        )
    frame = frame.sort_values(["month", "channel"], kind="stable").reset_index(drop=True)
    return frame[list(schema.INVITATIONS_COLUMNS)]


# --------------------------------------------------------------------------------------------
# Periods
# --------------------------------------------------------------------------------------------


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


def _period(period: str | pd.Period | None, dates: pd.Series, label: str) -> pd.Period:
    first, last = dates.min(), dates.max()
    covered = f"{first:%Y-%m} to {last:%Y-%m}" if pd.notna(first) else "no months"
    if period is None:
        chosen = latest_complete_month(dates)
        if chosen < first.to_period("M"):
            raise FeedbackDataError(
                f"the data ({covered}) does not cover a complete month",
                source=label,
                column="submitted_at",
                fix='set period: "YYYY-MM" explicitly.',
            )
        return chosen
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


# --------------------------------------------------------------------------------------------
# Canonical files: what the runner writes once and every notebook reads
# --------------------------------------------------------------------------------------------


def write_canonical(
    feedback: Feedback,
    folder: str | Path,
    *,
    orders: pd.DataFrame | None = None,
    invitations: pd.DataFrame | None = None,
) -> dict[str, Path]:
    """Write validated data as Parquet (dtypes and index preserved) plus ``quality.json``.

    Parameters
    ----------
    feedback : Feedback
        From :func:`load_feedback`.
    folder : path
        Created if needed.
    orders, invitations : DataFrame, optional
        From :func:`load_orders` and :func:`load_invitations`.

    Returns
    -------
    dict
        ``{"feedback": .../feedback.parquet, "quality": .../quality.json}`` plus ``orders``
        and ``invitations`` when given.

    Examples
    --------
    >>> import tempfile
    >>> fb = load_feedback(pd.DataFrame({"submitted_at": ["2026-10-01"], "nps": [9]}))
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     paths = write_canonical(fb, tmp)
    ...     back = pd.read_parquet(paths["feedback"])
    >>> sorted(paths), str(back["nps"].dtype)
    (['feedback', 'quality'], 'Int64')
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {"feedback": folder / "feedback.parquet", "quality": folder / "quality.json"}
    feedback.frame.to_parquet(paths["feedback"], engine="pyarrow", index=True)
    quality = feedback.quality
    payload = {
        "source": feedback.source,
        "encoding": feedback.encoding,
        "n_read": int(feedback.n_read),
        "n_kept": len(feedback.frame),
        "summary": feedback.summary(),
        "checks": [
            {k: (None if _is_missing(v) else v) for k, v in rec.items()}
            for rec in quality.astype({"rows": "int64"}).to_dict("records")
        ],
    }
    for rec in payload["checks"]:
        rec["rows"] = int(rec["rows"])
        rec["example_rows"] = [int(r) for r in rec["example_rows"] or []]
    paths["quality"].write_text(
        json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    for name, table in (("orders", orders), ("invitations", invitations)):
        if table is not None:
            paths[name] = folder / f"{name}.parquet"
            table.to_parquet(paths[name], engine="pyarrow", index=False)
    return paths


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))


def read_quality(path: str | Path) -> pd.DataFrame:
    """Read the ``quality.json`` written by :func:`write_canonical` as a quality table.

    ``.attrs`` holds ``source``, ``n_read``, ``n_kept`` and ``summary``.
    """
    path = Path(path)
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise FeedbackDataError(
            f"the quality report cannot be read ({exc})",
            source=path.name,
            fix="run the report again; the runner writes this file.",
        ) from exc
    checks = payload.get("checks", [])
    table = pd.DataFrame(checks, columns=list(QUALITY_COLUMNS)) if checks else _empty_quality()
    table.attrs.update({k: payload.get(k) for k in ("source", "n_read", "n_kept", "summary")})
    return table


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file's bytes, read in 1 MiB blocks (for the run manifest).

    Examples
    --------
    >>> import tempfile, os
    >>> with tempfile.NamedTemporaryFile(delete=False) as fh:
    ...     _ = fh.write(b"abc")
    >>> file_sha256(fh.name)[:16]
    'ba7816bf8f01cfea'
    >>> os.remove(fh.name)
    """
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --------------------------------------------------------------------------------------------
# load_inputs: the notebooks' single entry point
# --------------------------------------------------------------------------------------------


def _read_canonical(path: Path, columns: Sequence[str] | None) -> pd.DataFrame:
    """Read a canonical Parquet file, only ``columns`` (plus ``submitted_at``) when given."""
    import pyarrow.parquet as pq

    try:
        if columns is not None:
            names = pq.read_schema(path).names
            wanted = list(dict.fromkeys(["submitted_at", *columns]))
            absent = [c for c in wanted if c not in names]
            if absent:
                raise FeedbackDataError(
                    f"the canonical file has no column {absent[0]!r}." + _closest(absent[0], names),
                    source=path.name,
                    column=absent[0],
                    fix="map that column in params `columns:` so the runner writes it.",
                )
            return pq.read_pandas(path, columns=wanted).to_pandas()
        return pq.read_pandas(path).to_pandas()
    except FeedbackDataError:
        raise
    except Exception as exc:  # pyarrow's errors for a damaged file vary
        raise FeedbackDataError(
            f"the file cannot be read as Parquet ({exc})",
            source=path.name,
            fix="run the report again so the runner rewrites it.",
        ) from exc


def _parquet_columns(path: Path) -> list[str]:
    """The data columns of a Parquet file (pandas' stored index columns left out)."""
    import pyarrow.parquet as pq

    try:
        names = pq.read_schema(path).names
    except Exception as exc:  # pyarrow's errors for a damaged file vary
        raise FeedbackDataError(
            f"the file cannot be read as Parquet ({exc})",
            source=path.name,
            fix="run the report again so the runner rewrites it.",
        ) from exc
    return [n for n in names if not n.startswith("__index_level_")]


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
    from dataclasses import replace

    from .sample import sample_data

    data = sample_data(n_responses, seed)
    source = f"built-in sample ({n_responses:,} responses, seed {seed})"
    return LoadedSample(
        feedback=replace(load_feedback(data.feedback), source=source),
        orders=load_orders(data.orders),
        invitations=load_invitations(data.invitations),
        truth=data.truth,
    )


def load_inputs(
    data_path: str | Path | None = None,
    *,
    orders_path: str | Path | None = None,
    invitations_path: str | Path | None = None,
    quality_path: str | Path | None = None,
    period: str | pd.Period | None = None,
    sample_size: int = 5000,
    seed: int = 0,
    columns: Sequence[str] | None = None,
    drop: Sequence[str] | None = None,
) -> ReportInputs:
    """Load everything a report notebook needs, for one period.

    Parameters
    ----------
    data_path : path, optional
        The canonical ``feedback.parquet`` the runner wrote (another CSV, Parquet or Excel file
        in canonical columns is validated with :func:`load_feedback`). ``None``: the built-in
        sample (:func:`fbresearch.sample_data`), validated like a user's data.
    orders_path, invitations_path : path, optional
        Canonical orders and invitation counts. ``None``: the sample's when ``data_path`` is
        ``None``, else no orders / invitations.
    quality_path : path, optional
        The runner's ``quality.json``.
    period : str, optional
        ``"YYYY-MM"``; ``None``: the latest complete month in the data.
    sample_size, seed : int
        Size and seed of the built-in sample.
    columns : list of str, optional
        Read only these canonical columns (``submitted_at`` is always read), e.g. leave out
        ``text`` where an analysis does not need it.
    drop : list of str, optional
        Leave these columns out where the data has them (e.g. ``["text"]``: a page that shows
        no verbatims keeps a million texts out of memory). Unlike ``columns``, a column the
        data lacks is not an error.

    Returns
    -------
    ReportInputs

    Raises
    ------
    FeedbackDataError
        A period outside the data (the message says which months it covers), or unreadable
        files.

    Examples
    --------
    >>> import tempfile, os
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
    """
    truth = None
    orders = load_orders(orders_path) if orders_path is not None else None
    invitations = load_invitations(invitations_path) if invitations_path is not None else None
    path = None if data_path is None else Path(data_path)
    dropped = set(drop or ()) - {"submitted_at"}
    if path is not None and path.suffix.lower() in _PARQUET_SUFFIXES and path.exists():
        if dropped and columns is None:
            columns = [c for c in _parquet_columns(path) if c not in dropped]
        frame = _read_canonical(path, columns)
        quality = read_quality(quality_path) if quality_path is not None else _empty_quality()
        # the runner's quality report remembers where the data really came from
        source = quality.attrs.get("source") or path.name
    else:
        if path is None:
            sample = load_sample(sample_size, seed)
            loaded, truth, source = sample.feedback, sample.truth, sample.feedback.source
            if orders_path is None:
                orders = sample.orders
            if invitations_path is None:
                invitations = sample.invitations
        else:
            loaded = load_feedback(path)
            source = path.name
        frame, quality = loaded.frame, loaded.quality
        quality.attrs.update({"source": source, "n_read": loaded.n_read, "n_kept": len(frame)})
        if columns is not None:
            frame = _select(frame, columns, source)
    if dropped & set(frame.columns):
        frame = frame.drop(columns=[c for c in frame.columns if c in dropped])
    for key in ("n_read", "n_kept"):
        if quality.attrs.get(key) is None:
            quality.attrs[key] = len(frame)
    n_read = int(quality.attrs["n_read"])

    chosen = _period(period, frame["submitted_at"], source)
    stamps = frame["submitted_at"]
    end = (chosen + 1).start_time
    upto = (stamps < end).to_numpy()
    inside = upto & (stamps >= chosen.start_time).to_numpy()
    feedback = frame if upto.all() else frame[upto]
    current = frame[inside]
    return ReportInputs(
        feedback=feedback,
        current=current,
        orders=orders,
        invitations=invitations,
        quality=quality,
        period=chosen,
        source=source,
        truth=truth,
        n_rows_read=n_read,
    )
