"""Reading feedback, orders and invitation counts: read files, map columns, decode encodings.

:func:`load_feedback` turns a user's file (CSV in UTF-8, UTF-8 with BOM or GB18030/GBK;
Parquet; Excel ``.xlsx``) or DataFrame into the canonical frame described in
:mod:`fbresearch.schema`, and says what it dropped or flagged in ``Feedback.quality``.
Orders and invitation counts are read by :mod:`fbresearch.io.orders` with the same helpers.

Value parsing lives in :mod:`fbresearch.io.parse`; the checks, the quality report and the table
of hard and soft problems in :mod:`fbresearch.io.validate`; canonical files in
:mod:`fbresearch.io.canonical`; what a notebook loads in :mod:`fbresearch.io.inputs`.

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
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from fbresearch import schema
from fbresearch.errors import FeedbackDataError
from fbresearch.io.encoding import _FIX as _ENCODING_FIX
from fbresearch.io.encoding import check_encoding, detect_encoding
from fbresearch.io.recode import _date_like, _missing_codes, _value_maps, _wave
from fbresearch.io.validate import (
    _closest,
    _columns_text,
    _empty_quality,
    _missing_column_error,
    _Report,
    _validate,
    describe_quality,
)

__all__ = [
    "Feedback",
    "load_feedback",
]

_CSV_SUFFIXES = {".csv": ",", ".txt": ",", ".tsv": "\t"}
_PARQUET_SUFFIXES = {".parquet", ".pq"}
_EXCEL_SUFFIXES = {".xlsx", ".xlsm"}


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
        The text encoding of a CSV file (``"utf-8"``, ``"utf-16"``, ``"gb18030"``, ``"big5"``).
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


def _refuse_duplicate_headers(names: list[Any], label: str) -> None:
    """Two columns with one header: the reader would keep both under mangled names and use the
    first silently, so the file is refused with both positions named.

    Examples
    --------
    >>> _refuse_duplicate_headers(["submitted_at", "nps", "NPS ", "text"], "survey.csv")
    Traceback (most recent call last):
    ...
    fbresearch.errors.FeedbackDataError: survey.csv: column 'nps': the header 'nps' appears in columns 2 and 3 (two answers cannot share a name). Fix: give each column its own header in the export (e.g. 'nps' and 'nps_followup').
    """
    seen: dict[str, int] = {}
    for position, name in enumerate(names, start=1):
        key = str(name).strip().lower()
        if not key or key.startswith("unnamed:"):
            continue
        if key in seen:
            first = str(names[seen[key] - 1]).strip()
            raise FeedbackDataError(
                f"the header {first!r} appears in columns {seen[key]} and {position} "
                "(two answers cannot share a name)",
                source=label,
                column=first,
                fix=f"give each column its own header in the export (e.g. {first!r} and "
                f"'{first}_followup').",
            )
        seen[key] = position


def _read_file(
    path: Path,
    dtype: Mapping[str, str] | None = None,
    header_only: bool = False,
    encoding: str | None = None,
) -> tuple[pd.DataFrame, str | None]:
    """Read a CSV, Parquet or Excel file; every failure becomes a FeedbackDataError."""
    # Length: one branch per format, then one handler per failure kind, each a message.
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
            header = pd.read_excel(path, sheet_name=0, engine="openpyxl", header=None, nrows=1)
            _refuse_duplicate_headers(header.iloc[0].tolist() if len(header) else [], label)
            return frame, None
        enc = encoding or detect_encoding(path)
        if enc == "utf-8":
            enc = "utf-8-sig"  # reads plain UTF-8 too, and drops a BOM
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
            how = "given in params" if encoding else "detected from the file's start"
            raise FeedbackDataError(
                f"the file cannot be read as {encoding or enc} text ({how}): {exc.reason} at byte "
                f"{exc.start:,}",
                source=label,
                fix=_ENCODING_FIX.format(name=label, stem=path.stem),
            ) from exc
        header = pd.read_csv(
            path, sep=_CSV_SUFFIXES[suffix], encoding=enc, header=None, nrows=1, dtype=str
        )
        _refuse_duplicate_headers(header.iloc[0].tolist() if len(header) else [], label)
        return frame, ("utf-8" if enc == "utf-8-sig" else enc)
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


def _drop_columns(raw: pd.DataFrame, drop: Sequence[str] | None, label: str) -> pd.DataFrame:
    """``raw`` without the columns named in ``drop`` (matched ignoring case and spaces)."""
    if not drop:
        return raw
    wanted = {str(c).strip().casefold(): str(c) for c in drop}
    found = [c for c in raw.columns if str(c).strip().casefold() in wanted]
    missing = set(wanted) - {str(c).strip().casefold() for c in found}
    if missing:
        names = ", ".join(repr(wanted[m]) for m in sorted(missing))
        raise FeedbackDataError(
            f"privacy.drop_columns names {names}, which the data does not have. The columns are "
            + _columns_text([str(c) for c in raw.columns]),
            source=label,
            fix="name the columns to drop as they are spelt in the file's header.",
        )
    return raw.drop(columns=found)


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
    missing_codes: Mapping[str, Sequence[Any]] | None = None,
    value_maps: Mapping[str, Mapping[Any, Any]] | None = None,
    wave: str | Mapping[str, str] | None = None,
    encoding: str | None = None,
    drop_columns: Sequence[str] | None = None,
) -> Feedback:
    """Read, map and validate feedback; return canonical data and a quality report.

    Parameters
    ----------
    source : path or DataFrame
        CSV (``.csv``, ``.tsv``; UTF-8 with or without BOM, UTF-16, GB18030/GBK or Big5,
        detected), Parquet
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
    missing_codes : mapping, optional
        ``{column: [codes]}``: these answers become missing before validation, counted in
        ``.quality``. ``column`` is a canonical name after mapping, ``ratings`` (every
        ``rating_*``) or ``scores`` (nps, csat, ces, satisfied and every rating), e.g.
        ``{"ratings": [0]}`` when 0 means "not rated".
    value_maps : mapping, optional
        ``{column: {answer: value}}`` applied before validation (answers match ignoring case
        and surrounding spaces), e.g. ``{"satisfied": {"satisfied": 1, "dissatisfied": 0}}``.
        Text answers without a value are an error; answers that are numbers pass unchanged.
    wave : str or mapping, optional
        ``"YYYY-MM"`` (every row belongs to that month) or ``{"column": "Wave"}`` (values
        ``YYYY-MM`` or dates). Adds a string column ``wave``; without ``submitted_at`` the
        rows are dated to the first day of their wave month.
    encoding : str, optional
        The text encoding of a CSV file; None (or ``"auto"``) detects UTF-8 (with or without
        BOM), UTF-16, GB18030/GBK or Big5.
    drop_columns : list of str, optional
        Columns of the file (names as in the file, any case) removed as soon as it is read,
        before anything else sees them: customer names, e-mails, phone numbers (params
        ``privacy: drop_columns:``). A name the file does not have is an error, so that a
        misspelt name never lets a column of personal data through.

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
    >>> named = raw.assign(csat=[5, 4], Name=["Li Na", "Wang Wei"])
    >>> "Name" in load_feedback(named, drop_columns=["name"]).frame.columns
    False
    """
    label = _label(source)
    encoding = check_encoding(encoding, label)
    if isinstance(source, pd.DataFrame):
        original_index = source.index
        raw = source.reset_index(drop=True)
        raw.columns = [str(c) for c in raw.columns]
        rename = _resolve_columns(list(raw.columns), columns, ratings, label)
    elif isinstance(source, (str, Path)):
        path = _check_path(source)
        header, encoding = _read_file(path, header_only=True, encoding=encoding)
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
    raw = _drop_columns(raw, drop_columns, label)
    if len(raw) == 0:
        raise FeedbackDataError(
            "the data has a header but no rows",
            source=label,
            fix="export the data again with its rows.",
        )
    frame = raw.rename(columns=rename)
    header = list(raw.columns)
    rep = _Report(label, origin={canonical: user for user, canonical in rename.items()})
    frame = _wave(frame, wave, rep)
    for required in schema.REQUIRED:
        if required not in frame.columns:
            raise _missing_column_error(
                required,
                header,
                label,
                fix=f'name your date column in `columns:`, e.g. {{"{required}": "Date"}}; '
                'for a survey wave without dates, add wave: "2026-10" '
                '(or wave: {column: "Wave"}).',
                keep=lambda col: _date_like(raw[col]),
            )
    if not any(c in frame.columns for c in schema.ANSWER_COLUMNS):
        raise FeedbackDataError(
            "there is no answer column (none of nps, csat, ces, satisfied, text). The columns are "
            + _columns_text(header),
            source=label,
            column="nps",
            fix='map at least one answer column, e.g. {"nps": "Q1 Recommend", "text": "Comment"}.',
        )
    frame = _missing_codes(frame, missing_codes, rep)
    frame = _value_maps(frame, value_maps, rep)
    frame = _validate(frame, rep, max_invalid=max_invalid, tz=tz, n_read=len(raw))
    if original_index is not None:
        frame.index = original_index[frame.index.to_numpy()]
    return Feedback(
        frame=frame, quality=rep.frame(), source=label, n_read=len(raw), encoding=encoding
    )
