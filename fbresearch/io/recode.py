"""Params for real exports, applied to the mapped frame before validation.

``missing_codes`` turn codes such as 0 ("not rated") or 99 ("don't know") into missing answers;
``value_maps`` turn text answers into numbers ("satisfied" -> 1); ``wave`` dates a survey wave
that has no timestamps. Each is counted in the quality table (``missing_code``, ``value_map``,
``wave``) so the overview page says what was changed.

Column keys are canonical names after mapping (``nps``, ``rating_seat_comfort``), or the groups
``ratings`` (every ``rating_*`` column) and ``scores`` (nps, csat, ces, satisfied and every
rating).

Examples
--------
>>> import pandas as pd
>>> from fbresearch.io.validate import _Report
>>> rep = _Report("survey.csv")
>>> frame = pd.DataFrame({"rating_seat": [0, 4, 0, 5]})
>>> _missing_codes(frame, {"ratings": [0]}, rep)["rating_seat"].tolist()
[nan, 4.0, nan, 5.0]
>>> rep.rows[0]["message"]
'missing code 0 in rating_seat: 2 cells set to missing'
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from fbresearch import schema
from fbresearch.errors import FeedbackDataError, ParamsError
from fbresearch.io.encoding import ENCODINGS, check_encoding
from fbresearch.io.parse import _DATE_FORMATS, _as_text
from fbresearch.io.validate import _columns_text, _Report

__all__ = ["check_data_params"]

_GROUPS = ("ratings", "scores")
_MONTH = re.compile(r"^\s*(\d{4})[-/.](0?[1-9]|1[0-2])\s*$")


def _targets(key: str, frame: pd.DataFrame, rep: _Report, what: str) -> list[str]:
    """The columns a params key names: one canonical column or a group."""
    scores = [c for c in frame.columns if schema.score_spec(str(c)) is not None]
    if key == "ratings":
        return [c for c in scores if schema.is_rating(str(c))]
    if key == "scores":
        return scores
    if key not in frame.columns:
        raise rep.error(
            f"`{what}` names the column {key!r}, which the data does not have after mapping. "
            f"The columns are {_columns_text([str(c) for c in frame.columns])}",
            key,
            fix=f"use a canonical column name (e.g. nps, csat, rating_<name>) or one of "
            f"{', '.join(_GROUPS)} as the key of `{what}`.",
        )
    return [key]


def _key(value: Any) -> str:
    """How answers are compared: NFKC, stripped, case-folded; 0, 0.0 and "0" are one value."""
    text = str(value).strip()
    try:
        number = float(text)
    except ValueError:
        import unicodedata

        return unicodedata.normalize("NFKC", text).casefold()
    return repr(int(number)) if number.is_integer() else repr(number)


def _missing_codes(
    frame: pd.DataFrame, missing_codes: Mapping[str, Sequence[Any]] | None, rep: _Report
) -> pd.DataFrame:
    """Set the listed codes to missing, one quality row per column and code."""
    for key, codes in dict(missing_codes or {}).items():
        if isinstance(codes, str | int | float):
            codes = [codes]
        for column in _targets(str(key), frame, rep, "missing_codes"):
            keys = _keyed(frame[column])
            hit = np.zeros(len(frame), dtype=bool)
            for code in codes:
                found = (keys == _key(code)).to_numpy()
                n = int(found.sum())
                if n:
                    rep.add(
                        "missing_code",
                        column,
                        np.flatnonzero(found),
                        "blanked",
                        f"missing code {code} in {column}: {n:,} cells set to missing",
                    )
                hit |= found
            if hit.any():
                frame[column] = frame[column].where(~hit)
    return frame


def _keyed(series: pd.Series) -> pd.Series:
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    keys = np.array([_key(u) for u in uniques] + [""], dtype=object)
    return pd.Series(keys[codes], index=series.index)


def _value_maps(
    frame: pd.DataFrame, value_maps: Mapping[str, Mapping[Any, Any]] | None, rep: _Report
) -> pd.DataFrame:
    """Replace answers by the mapped values; unmapped text answers are an error.

    Answers that are numbers already pass through unchanged (the score checks judge them).
    """
    for key, mapping in dict(value_maps or {}).items():
        if not isinstance(mapping, Mapping) or not mapping:
            raise rep.error(
                f"`value_maps` for {key!r} must map answers to values, not {mapping!r}",
                str(key),
                fix='write it as e.g. value_maps: {satisfied: {"satisfied": 1, "dissatisfied": 0}}.',
            )
        lookup = {_key(answer): value for answer, value in mapping.items()}
        for column in _targets(str(key), frame, rep, "value_maps"):
            text = _as_text(frame[column])
            keys = _keyed(frame[column]).where(text.notna())
            mapped = keys.map(lookup)
            is_number = pd.to_numeric(text, errors="coerce").notna()
            unmapped = (text.notna() & ~keys.isin(list(lookup)) & ~is_number).to_numpy()
            if unmapped.any():
                raise _unmapped_error(frame[column], unmapped, column, rep)
            done = keys.isin(list(lookup)).to_numpy()
            rep.add(
                "value_map",
                column,
                np.flatnonzero(done),
                "converted",
                f"answers in {column} mapped by value_maps",
            )
            values = frame[column].astype("object").where(~done, mapped.astype("object"))
            frame[column] = values
    return frame


def _unmapped_error(
    series: pd.Series, unmapped: np.ndarray, column: str, rep: _Report
) -> FeedbackDataError:
    counts = _as_text(series)[unmapped].value_counts()
    shown = ", ".join(f"{value!r} ({n:,})" for value, n in counts.head(5).items())
    more = f" and {len(counts) - 5} more" if len(counts) > 5 else ""
    first = counts.index[0]
    return rep.error(
        f"{int(unmapped.sum()):,} answers have no value in `value_maps`: {shown}{more}",
        column,
        np.flatnonzero(unmapped),
        fix=f'add each answer to value_maps, e.g. value_maps: {{{column}: {{"{first}": <value>}}}}, '
        "or list it in missing_codes to leave it out.",
    )


# --------------------------------------------------------------------------------------------
# wave: a survey wave without timestamps
# --------------------------------------------------------------------------------------------


def _wave(frame: pd.DataFrame, wave: str | Mapping[str, str] | None, rep: _Report) -> pd.DataFrame:
    """Add the string column ``wave`` ("2026-10"); without ``submitted_at``, date each row to the
    first day of its wave month (pages then treat dates as month-level only)."""
    if wave is None:
        return frame
    if isinstance(wave, Mapping):
        if set(wave) != {"column"}:
            raise rep.error(
                f"`wave` must be a month or {{column: ...}}, not {dict(wave)!r}",
                "wave",
                fix='write wave: "2026-10" or wave: {column: "Wave"}.',
            )
        source = str(wave["column"])
        if source not in frame.columns:
            raise rep.error(
                f"`wave` names the column {source!r}, which the data does not have. "
                f"The columns are {_columns_text([str(c) for c in frame.columns])}",
                source,
                fix="name the column that holds each row's wave (values like 2026-10).",
            )
        months = _wave_months(frame[source], source, rep)
    else:
        month = _MONTH.match(str(wave))
        if not month:
            raise rep.error(
                f"`wave` must be a month like '2026-10', not {wave!r}",
                "wave",
                fix='write wave: "2026-10" (quoted) or wave: {column: "Wave"}.',
            )
        label = f"{int(month.group(1)):04d}-{int(month.group(2)):02d}"
        months = pd.Series(label, index=frame.index, dtype="str")
    frame["wave"] = months.astype("str")
    if "submitted_at" not in frame.columns:
        frame["submitted_at"] = pd.PeriodIndex(months, freq="M").to_timestamp().to_numpy()
        rep.add(
            "wave",
            "submitted_at",
            np.arange(len(frame)),
            "filled",
            "dates set to the first day of their survey wave's month (no submission dates)",
        )
    return frame


def _wave_months(series: pd.Series, column: str, rep: _Report) -> pd.Series:
    """``"YYYY-MM"`` for each value of a wave column (months like 2026-10, or dates)."""
    text = _as_text(series)
    codes, uniques = pd.factorize(text, use_na_sentinel=True)
    out: list[str | None] = []
    for value in uniques:
        month = _MONTH.match(str(value))
        if month:
            out.append(f"{int(month.group(1)):04d}-{int(month.group(2)):02d}")
            continue
        stamp = pd.to_datetime(str(value), errors="coerce", format="ISO8601")
        out.append(None if pd.isna(stamp) else f"{stamp:%Y-%m}")
    labels = np.array(out + [None], dtype=object)[codes]
    bad = pd.isna(labels)
    if bad.any():
        positions = np.flatnonzero(bad)
        examples = ", ".join(f"{series.iloc[p]!r} (row {p + 1})" for p in positions[:3])
        raise rep.error(
            f"{positions.size:,} wave value(s) are not months or dates: {examples}",
            column,
            positions,
            fix="give every row its wave as YYYY-MM (e.g. 2026-10) or a date.",
        )
    return pd.Series(labels, index=series.index, dtype="str")


def _date_like(series: pd.Series, share: float = 0.8) -> bool:
    """Whether most of a column's values read as dates (a candidate for ``submitted_at``).

    Examples
    --------
    >>> _date_like(pd.Series(["2026-10-01", "2026-10-02"])), _date_like(pd.Series(["Good", "Bad"]))
    (True, False)
    >>> _date_like(pd.Series([3, 4, 5]))
    False
    """
    values = series.dropna()
    if values.empty:
        return False
    values = values.sample(min(len(values), 200), random_state=0)
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return True
    if pd.api.types.is_numeric_dtype(values.dtype):
        numbers = pd.to_numeric(values, errors="coerce")
        if not ((numbers >= 19000101) & (numbers <= 22621231)).mean() >= share:
            return False
        values = numbers.astype("int64").astype("str")
    text = values.astype("str").str.strip().to_numpy(dtype=object)
    for fmt in ("ISO8601", *_DATE_FORMATS):
        try:
            got = pd.to_datetime(text, format=fmt, errors="coerce")
        except (ValueError, OverflowError):
            continue
        if np.mean(pd.notna(got)) >= share:
            return True
    return False


# --------------------------------------------------------------------------------------------
# params: the data keys of a params file (fbresearch.report.params calls this)
# --------------------------------------------------------------------------------------------

_SCALAR = (str, int, float)


def check_data_params(merged: dict[str, Any], source: str) -> None:
    """Validate ``missing_codes``, ``value_maps``, ``wave`` and ``encoding`` of merged params
    in place (empty values become ``{}`` / None); raise ParamsError naming file, key and fix.

    Examples
    --------
    >>> given = {"missing_codes": {"ratings": 0}, "value_maps": None, "wave": None,
    ...          "encoding": "auto"}
    >>> check_data_params(given, "<dict>")
    >>> given["missing_codes"], given["value_maps"], given["encoding"]
    ({'ratings': [0]}, {}, 'auto')
    >>> check_data_params({**given, "value_maps": {"satisfied": {True: 1}}}, "p.yaml")
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    fbresearch.errors.ParamsError: p.yaml: 'value_maps.satisfied' has the answer True, ...
    """
    merged["missing_codes"] = _check_missing_codes(merged.get("missing_codes") or {}, source)
    merged["value_maps"] = _check_value_maps(merged.get("value_maps") or {}, source)
    _check_wave(merged.get("wave"), source)
    if isinstance(merged.get("wave"), Mapping):
        merged["wave"] = {"column": merged["wave"]["column"]}
    encoding = merged.get("encoding") or "auto"
    try:
        check_encoding(str(encoding), source)
    except FeedbackDataError as exc:
        raise ParamsError(
            f"{source}: 'encoding' {encoding!r} is not a known text encoding. Fix: use auto "
            f"or one of {', '.join(ENCODINGS)}."
        ) from exc
    merged["encoding"] = str(encoding)


def _check_missing_codes(codes: Any, source: str) -> dict[str, list[Any]]:
    if not isinstance(codes, Mapping):
        raise ParamsError(
            f"{source}: 'missing_codes' must map columns to the codes that mean missing, "
            f"e.g. {{ratings: [0], nps: [99]}}, not {codes!r}."
        )
    checked: dict[str, list[Any]] = {}
    for key, values in codes.items():
        values = list(values) if isinstance(values, list | tuple) else [values]
        if not values or not all(
            isinstance(v, _SCALAR) and not isinstance(v, bool) for v in values
        ):
            raise ParamsError(
                f"{source}: 'missing_codes.{key}' must be a list of codes (numbers or quoted "
                f"text), e.g. [0, 99], not {codes[key]!r}."
            )
        checked[str(key)] = values
    return checked


def _check_value_maps(maps: Any, source: str) -> dict[str, dict[str, Any]]:
    if not isinstance(maps, Mapping):
        raise ParamsError(
            f"{source}: 'value_maps' must map columns to {{answer: value}}, e.g. "
            f'{{satisfied: {{"satisfied": 1, "dissatisfied": 0}}}}, not {maps!r}.'
        )
    checked_maps: dict[str, dict[str, Any]] = {}
    for key, mapping in maps.items():
        if not isinstance(mapping, Mapping) or not mapping:
            raise ParamsError(
                f"{source}: 'value_maps.{key}' must map answers to values, e.g. "
                f'{{"satisfied": 1, "dissatisfied": 0}}, not {mapping!r}.'
            )
        for answer, value in mapping.items():
            if isinstance(answer, bool) or answer is None:
                raise ParamsError(
                    f"{source}: 'value_maps.{key}' has the answer {answer!r}, which YAML made "
                    "from an unquoted yes/no/true/false/null. Fix: quote the answers, e.g. "
                    '{"yes": 1, "no": 0}.'
                )
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int | float)
            ):
                raise ParamsError(
                    f"{source}: 'value_maps.{key}.{answer}' must be a number (or null for "
                    f"missing), not {value!r}."
                )
        checked_maps[str(key)] = {str(a): v for a, v in mapping.items()}
    return checked_maps


def _check_wave(wave: Any, source: str) -> None:
    if isinstance(wave, Mapping):
        if set(wave) != {"column"} or not isinstance(wave["column"], str):
            raise ParamsError(
                f"{source}: 'wave' as a mapping must be {{column: \"<your wave column>\"}}, "
                f"not {dict(wave)!r}."
            )
    elif wave is not None and not (isinstance(wave, str) and _MONTH.match(wave)):
        raise ParamsError(
            f'{source}: \'wave\' must be null, a month "YYYY-MM" (quoted, e.g. "2026-10") or '
            f'{{column: "Wave"}}, not {wave!r}.'
        )
