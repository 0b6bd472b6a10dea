"""Decoding column values: dates, scores, categories and amounts (the loaders' parsers).

Each parser works on a column's distinct values and maps the result back to the rows, which is
fast on large files. Problems are recorded on, or raised through, the
:class:`fbresearch.io.validate._Report` passed in (``rep``), so every message names the file,
the column, the user's row numbers and a fix.

Examples
--------
>>> import pandas as pd
>>> _parse_category(pd.Series([" Call Center", "call-center", None])).tolist()
['call_center', 'call_center', nan]
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from fbresearch import schema

# helpers of the loader / the sample only (their names start with _)
__all__: list[str] = []

if TYPE_CHECKING:
    from fbresearch.io.validate import _Report

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
_TZ_SUFFIX = r"\d:\d\d(?::\d\d(?:\.\d+)?)?\s*(?:[Zz]|[+-]\d\d:?\d\d)$"  # a time, then an offset


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
        parsed.loc[todo.index] = _within_bounds(pd.DatetimeIndex(got)).to_numpy()
    bad = parsed.isna() & ~blank
    if bad.any():
        positions = _positions_of(codes, text.index[bad.to_numpy()])
        raise rep.error(
            f"{positions.size:,} value(s) cannot be read as dates: "
            f"{_examples(raw.astype('object'), positions)}",
            column,
            positions,
            fix="use one date format for the whole column, e.g. 2026-10-31 or 2026-10-31 14:05, "
            "or correct those cells (years must lie between 1678 and 2261).",
        )
    out = parsed.to_numpy().take(codes, mode="clip")
    out[codes < 0] = np.datetime64("NaT")
    return pd.Series(out, index=series.index, dtype="datetime64[ns]")


def _within_bounds(stamps: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """``datetime64[ns]``, with dates pandas cannot hold (after 2262, before 1677) as NaT.

    Examples
    --------
    >>> got = pd.to_datetime(["2026-10-01", "2300-01-01"], format="ISO8601")
    >>> _within_bounds(got).tolist()
    [Timestamp('2026-10-01 00:00:00'), NaT]
    """
    if stamps.dtype == "datetime64[ns]":
        return stamps
    low, high = pd.Timestamp.min.ceil("D"), pd.Timestamp.max.floor("D")
    inside = (stamps >= low) & (stamps <= high)
    return pd.DatetimeIndex(stamps.where(inside)).as_unit("ns")


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
        codes_hint = _code_hint(numbers, outside, column)
        if n_bad > max_invalid * n_filled:
            raw = series.astype("object")
            hints = [h for h in (codes_hint, _text_hint(series, not_number, column, rep)) if h]
            fix = "; ".join(hints) + ". Otherwise: " if hints else ""
            fix += (
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
                + (f" {spec.low}-{spec.high}" if kind == "outside the range" else "")
                + (f" ({codes_hint})" if kind == "outside the range" and codes_hint else ""),
            )
        numbers = np.where(invalid, np.nan, numbers)
    return pd.Series(pd.array(np.round(numbers), dtype="Float64"), index=series.index).astype(
        "Int64"
    )


def _rows_text(positions: np.ndarray, k: int = 3) -> str:
    shown = ", ".join(str(p + 1) for p in positions[:k])
    return f"row{'s' if positions.size > 1 else ''} {shown}" + (
        ", ..." if positions.size > k else ""
    )


def _code_hint(numbers: np.ndarray, outside: np.ndarray, column: str) -> str:
    """Suggest ``missing_codes`` for codes such as 0 or 99 that fill many cells outside the range.

    Examples
    --------
    >>> numbers = np.array([0, 4, 0, 5, 0, 7.0])
    >>> outside = np.array([True, False, True, False, True, True])
    >>> _code_hint(numbers, outside, "rating_seat")
    "3 zeros in rating_seat (rows 1, 3, 5): if 0 means 'not rated', add to params: missing_codes: {ratings: [0]}"
    >>> _code_hint(np.array([0, 1, 1, 0.0]), np.array([True, False, False, True]), "csat")
    'csat holds only 0 and 1 (2 zeros, 2 ones): for a yes/no label map the column to `satisfied` instead: columns: {satisfied: "csat"}'
    """
    if not outside.any():
        return ""
    known = numbers[~np.isnan(numbers)]
    if column != "satisfied" and known.size and np.isin(known, (0, 1)).all():
        zeros, ones = int((known == 0).sum()), int((known == 1).sum())
        return (
            f"{column} holds only 0 and 1 ({zeros:,} zeros, {ones:,} ones): for a yes/no label "
            f'map the column to `satisfied` instead: columns: {{satisfied: "{column}"}}'
        )
    values, counts = np.unique(numbers[outside], return_counts=True)
    order = np.argsort(-counts, kind="stable")
    group = "ratings" if schema.is_rating(column) else column
    hints = []
    for i in order[:3]:
        if counts[i] < 2:
            break
        code = int(values[i])
        positions = np.flatnonzero(outside & (numbers == code))
        what = "zeros" if code == 0 else f"{code}s"
        meaning = "not rated" if code == 0 else "don't know"
        hints.append(
            f"{counts[i]:,} {what} in {column} ({_rows_text(positions)}): if {code} means "
            f"'{meaning}', add to params: missing_codes: {{{group}: [{code}]}}"
        )
    return "; ".join(hints)


_NEGATIVE = ("dis", "not", "un", "no", "neg", "bad", "不", "差")


def _text_hint(series: pd.Series, not_number: np.ndarray, column: str, rep: _Report) -> str:
    """Suggest ``value_maps`` for text answers (``satisfied`` for a two-valued label).

    Examples
    --------
    >>> from fbresearch.io.validate import _Report
    >>> s = pd.Series(["satisfied", "dissatisfied", "satisfied"])
    >>> print(_text_hint(s, np.ones(3, bool), "csat", _Report("x.csv")))
    ... # doctest: +NORMALIZE_WHITESPACE
    csat holds two text answers ('satisfied' 2, 'dissatisfied' 1): for a yes/no outcome map the
    column to `satisfied` instead: columns: {satisfied: "csat"} and value_maps: {satisfied:
    {"satisfied": 1, "dissatisfied": 0}}
    """
    if not not_number.any():
        return ""
    counts = _as_text(series)[not_number].value_counts()
    seen = ", ".join(f"{v!r} {n:,}" for v, n in counts.head(5).items())
    values = [str(v) for v in counts.index]
    filled = _as_text(series).notna().to_numpy()
    if len(values) == 2 and (filled == not_number).all():
        low = [v for v in values if any(w in v.lower() for w in _NEGATIVE)]
        zero = low[0] if len(low) == 1 else values[1]
        one = values[0] if zero == values[1] else values[1]
        maps = f'value_maps: {{satisfied: {{"{one}": 1, "{zero}": 0}}}}'
        if column == "satisfied":
            return f"{column} holds two text answers ({seen}): add to params: {maps}"
        user = rep.origin.get(column, column)
        return (
            f"{column} holds two text answers ({seen}): for a yes/no outcome map the column to "
            f'`satisfied` instead: columns: {{satisfied: "{user}"}} and {maps}'
        )
    example = ", ".join(f'"{v}": <number>' for v in values[:5])
    return (
        f"{column} holds text answers ({seen}): if they are answers on the scale, add to params: "
        f"value_maps: {{{column}: {{{example}}}}}"
    )


def _parse_category(series: pd.Series) -> pd.Series:
    """Stripped, lower case, runs of spaces or hyphens as ``_``; ``category`` dtype."""
    codes, uniques = pd.factorize(_as_text(series), use_na_sentinel=True)
    cleaned = pd.Series(uniques, dtype="str").str.lower().str.replace(r"[\s\-]+", "_", regex=True)
    values = cleaned.to_numpy(dtype=object).take(codes, mode="clip")
    return pd.Series(values, index=series.index).where(codes >= 0).astype("category")


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
