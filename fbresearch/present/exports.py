"""Recording the tables a page shows, for the period's workbook (``tables.xlsx``) and CSVs.

:func:`~fbresearch.present.display.show` hands every table it renders to :func:`record_table`.
In a report run the runner names a side file for each notebook (the environment variable
:data:`TABLES_ENV`, set for the notebook's kernel beside its ``findings_path``); each table is
appended to it as one JSON line, and after the notebooks ran the runner gathers the side files
into one workbook (:mod:`fbresearch.report.exports`). Outside a report run nothing is written.

What is recorded is the table as the page shows it, for a spreadsheet: the page's column
labels (:func:`~fbresearch.present.tables.column_label`), text cells and labels redacted of
personal data like the page's, but numbers kept as numbers (an ``estimate`` with its interval
becomes three columns: ``Estimate``, ``Estimate: 95% CI low``, ``Estimate: 95% CI high``) and
every row, not the first :data:`~fbresearch.present.tables.MAX_ROWS` the page shows.
"""

from __future__ import annotations

import json
import math
import os
import re
from pathlib import Path
from typing import Any

import pandas as pd

from fbresearch.format import INTERVAL_SEPARATOR, confidence_label
from fbresearch.present.tables import MISSING, column_label
from fbresearch.privacy import redact

__all__ = ["TABLES_ENV", "export_frame", "record_table", "read_tables"]

#: The environment variable naming the side file a notebook's kernel records its tables in.
TABLES_ENV = "FBRESEARCH_TABLES_PATH"

#: an estimate column and its interval bounds (the page joins them into one column)
_BOUNDS = (("estimate", "ci_low", "ci_high"), ("difference", "diff_low", "diff_high"))
#: estimates that own plain ci_low/ci_high bounds in a table without an ``estimate`` column
_OWN_CI = ("odds_ratio", "rate_ratio", "effect")
#: columns on the scale of their row's estimate: a percentage where the row's unit is a share
_ROW_SCALE = {"estimate", "ci_low", "ci_high", "difference", "diff_low", "diff_high", "se", "rest"}
_SHARE_WORDS = re.compile(r"(share|rate|pct|percent|proportion|prevalence)", re.IGNORECASE)
#: a number as a table writes it ("12,345", "-7.5", "42.1%"), and an estimate with its interval
_NUMBER = r"[-\u2212]?\d[\d,]*(?:\.\d+)?%?"
_PLAIN = re.compile(rf"^{_NUMBER}$")
_WITH_CI = re.compile(
    rf"^({_NUMBER})((?: pp)?) \(({_NUMBER}){re.escape(INTERVAL_SEPARATOR)}({_NUMBER})\)$"
)
_CI_HEADER = re.compile(r"^(.*) \(((?:\d+(?:\.\d+)?% )?CI)\)$")


def _level(data: pd.DataFrame) -> str:
    """The interval level the table's ``confidence`` column states ("95%"; "" when mixed)."""
    if "confidence" not in data.columns:
        return confidence_label(None)
    levels = pd.to_numeric(data["confidence"], errors="coerce").dropna().unique()
    return confidence_label(levels[0]) if len(levels) == 1 else ""


def _labels(data: pd.DataFrame, attrs: dict[str, Any], level: str) -> dict[str, str]:
    """Each column's header: the page's label; interval bounds named by their estimate."""
    labels = {c: column_label(c) for c in data.columns}
    if "estimate" in labels and attrs.get("estimate_label"):
        labels["estimate"] = str(attrs["estimate_label"])
    level = f"{level} CI" if level else "CI"
    bounds = list(_BOUNDS)
    if "estimate" not in data.columns:  # an odds ratio (say) owns the plain bounds
        bounds += [(c, "ci_low", "ci_high") for c in _OWN_CI if c in data.columns][:1]
    for owner, low, high in bounds:
        if low in data.columns and high in data.columns:
            prefix = f"{labels[owner]}: " if owner in data.columns else ""
            labels[low], labels[high] = f"{prefix}{level} low", f"{prefix}{level} high"
    seen: dict[str, int] = {}
    for column, label in labels.items():  # one header once (a sheet's columns are unique)
        text = redact(label)
        seen[text] = seen.get(text, 0) + 1
        labels[column] = text if seen[text] == 1 else f"{text} ({seen[text]})"
    return labels


def _cell(value: Any) -> Any:
    """One value as a spreadsheet holds it: numbers, booleans, dates; text redacted."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) or hasattr(value, "dtype"):
        if hasattr(value, "item"):
            value = value.item()
        if isinstance(value, bool | int):
            return value
        if isinstance(value, float):
            return None if math.isnan(value) else value
    if isinstance(value, pd.Timestamp):
        return value.tz_convert(None) if value.tzinfo else value
    return redact(str(value))


def _number(text: str) -> tuple[float, bool]:
    """A written number as a value, and whether it was a percentage.

    Examples
    --------
    >>> _number("12,345"), _number("42.1%"), _number("\u22127.5")
    ((12345.0, False), (0.421, True), (-7.5, False))
    """
    share = text.endswith("%")
    value = float(text.rstrip("%").replace(",", "").replace("\u2212", "-"))
    return (round(value / 100, 12) if share else value), share


def _as_numbers(label: str, values: list[Any]) -> list[tuple[str, list[Any], list[bool]]] | None:
    """A text column the page writes as numbers (a results' ``display_table``), as numbers:
    ``"-7.5 (-22.7 to 8.3)"`` under ``Estimate (95% CI)`` becomes the three columns
    ``Estimate``, ``Estimate: 95% CI low`` and ``Estimate: 95% CI high``. None when some cell
    is not a number (the column stays text)."""
    cells = [v for v in values if v is not None and v != MISSING]
    if not cells or not all(isinstance(v, str) for v in cells):
        return None
    if all(_PLAIN.match(v) for v in cells):
        parsed = [None if v is None or v == MISSING else _number(v) for v in values]
        return [(label, [p and p[0] for p in parsed], [bool(p and p[1]) for p in parsed])]
    matches = [None if v is None or v == MISSING else _WITH_CI.match(v) for v in values]
    if not all(m is not None for m, v in zip(matches, values, strict=True) if v in cells):
        return None
    header = _CI_HEADER.match(label)
    base, level = (header.group(1), header.group(2)) if header else (label, "CI")
    columns = []
    for name, group in ((base, 1), (f"{base}: {level} low", 3), (f"{base}: {level} high", 4)):
        parsed = [m and _number(m.group(group)) for m in matches]
        columns.append((name, [p and p[0] for p in parsed], [bool(p and p[1]) for p in parsed]))
    return columns


def _numbers_from_text(table: pd.DataFrame, percent: pd.DataFrame) -> tuple[pd.DataFrame, ...]:
    """Every text column that holds written numbers turned into number columns."""
    out: dict[str, list[Any]] = {}
    shares: dict[str, list[bool]] = {}
    converted = []
    for label in table.columns:
        values = [None if _missing(v) else v for v in table[label].tolist()]
        split = _as_numbers(label, values) if table[label].dtype.kind == "O" else None
        if split is None:
            out[label], shares[label] = table[label].tolist(), percent[label].tolist()
            continue
        for name, numbers, share in split:
            name = name if name not in out else f"{name} ({len(out)})"
            out[name], shares[name] = numbers, share
            converted.append(name)
    frame = pd.DataFrame(out, index=table.index)
    for name in converted:
        frame[name] = pd.to_numeric(frame[name], errors="coerce").astype(float)
    return frame, pd.DataFrame(shares, index=table.index).astype(bool)


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def export_frame(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A shown table for a spreadsheet, and where the page writes its numbers as percentages.

    Parameters
    ----------
    frame : DataFrame
        The table as handed to ``show`` (its meaningful index becomes columns, as on the page).

    Returns
    -------
    table : DataFrame
        Headers as on the page, numbers as numbers, text and headers redacted.
    percent : DataFrame of bool
        Same shape: True where the page shows the number as a percentage (a share).

    Examples
    --------
    >>> frame = pd.DataFrame({"segment": ["call 13912345678"], "estimate": [0.42],
    ...                       "ci_low": [0.38], "ci_high": [0.46], "unit": ["share"],
    ...                       "confidence": [0.9], "p_value": [0.0004]})
    >>> table, percent = export_frame(frame)
    >>> table.iloc[0].to_dict()  # doctest: +NORMALIZE_WHITESPACE
    {'Segment': 'call [phone]', 'Estimate': 0.42, 'Estimate: 90% CI low': 0.38,
     'Estimate: 90% CI high': 0.46, 'Unit': 'share', 'p-value': 0.0004}
    >>> percent.iloc[0].tolist()
    [False, True, True, True, False, False]
    """
    data = frame if isinstance(frame.index, pd.RangeIndex) else frame.reset_index()
    data = data.copy()
    data.columns = [str(c) for c in data.columns]
    data = data.loc[:, ~data.columns.duplicated()]
    level = _level(data)
    has_bounds = any({low, high} <= set(data.columns) for _, low, high in _BOUNDS)
    if "confidence" in data.columns and level and has_bounds:
        data = data.drop(columns="confidence")  # the level is in the interval headers
    labels = _labels(data, getattr(frame, "attrs", {}), level)
    share_rows = (
        data["unit"].astype("string").fillna("").eq("share").to_numpy()
        if "unit" in data.columns
        else [False] * len(data)
    )
    table = pd.DataFrame(index=range(len(data)))
    percent = pd.DataFrame(index=range(len(data)))
    for column in data.columns:
        values = data[column]
        label = labels[column]
        if isinstance(values.dtype, pd.DatetimeTZDtype):
            values = values.dt.tz_convert(None)
        if values.dtype.kind in "Mbiuf":
            table[label] = values.to_numpy()
        else:
            table[label] = [_cell(v) for v in values]
        if column in _ROW_SCALE:
            percent[label] = list(share_rows)
        else:
            numeric = pd.to_numeric(values, errors="coerce").dropna() if values.dtype.kind == "f" else []
            share = bool(_SHARE_WORDS.search(column)) and len(numeric) and numeric.between(0, 1).all()
            percent[label] = bool(share)
    return _numbers_from_text(table, percent.astype(bool))


def record_table(frame: pd.DataFrame, number: int | None, caption: str | None) -> None:
    """Append a shown table to the side file :data:`TABLES_ENV` names (nothing when unset).

    Parameters
    ----------
    frame : DataFrame
        The whole table (for a page that shows the first rows, every row).
    number : int or None
        Its number on the page ("Table 3." is 3); None for a table shown without a caption.
    caption : str or None
        Its caption without the number.

    Examples
    --------
    >>> import tempfile
    >>> side = Path(tempfile.mkdtemp()) / "page.tables.jsonl"
    >>> os.environ[TABLES_ENV] = str(side)
    >>> record_table(pd.DataFrame({"n": [5]}), 1, "Counts")
    >>> del os.environ[TABLES_ENV]
    >>> [(t["number"], t["caption"], t["table"].to_dict("records")) for t in read_tables(side)]
    [(1, 'Counts', [{'n': 5}])]
    """
    path = os.environ.get(TABLES_ENV)
    if not path:
        return
    table, percent = export_frame(frame)
    dates = [c for c in table.columns if table[c].dtype.kind == "M"]
    rows = table.astype(object).where(table.notna(), None)
    for column in dates:
        rows[column] = [None if v is None else pd.Timestamp(v).isoformat() for v in rows[column]]
    record = {
        "number": number,
        "caption": None if caption is None else redact(caption),
        "columns": list(table.columns),
        "dates": dates,
        "percent": {c: percent[c].tolist() for c in percent.columns if percent[c].any()},
        "rows": [[_json_value(v) for v in row] for row in rows.itertuples(index=False)],
    }
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def _json_value(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value  # numpy scalars; inf stays inf


def read_tables(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """The tables recorded in a side file, in the order shown: ``number``, ``caption``,
    ``table`` (DataFrame) and ``percent`` (DataFrame of bool, True where shown as a share)."""
    path = Path(path)
    if not path.exists():
        return []
    tables = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        table = pd.DataFrame(record["rows"], columns=record["columns"], dtype=object)
        table = table.infer_objects()
        for column in record["dates"]:
            table[column] = pd.to_datetime(table[column])
        percent = pd.DataFrame(False, index=table.index, columns=table.columns)
        for column, mask in record["percent"].items():
            percent[column] = mask
        tables.append(
            {
                "number": record["number"],
                "caption": record["caption"],
                "table": table,
                "percent": percent,
            }
        )
    return tables
