"""The period's exports: every table of every page in ``tables.xlsx`` and in ``tables/*.csv``.

While a notebook runs, :func:`~fbresearch.present.display.show` records each table it shows
in ``<page>.tables.jsonl`` beside the executed notebook (:mod:`fbresearch.present.exports`).
After the notebooks ran, :func:`write_exports` gathers those side files, in page order, into

- ``tables.xlsx``: a ``Contents`` sheet (sheet, page, table number, caption, rows, CSV file),
  then one sheet per table, named by page and table number or title (at most 31 characters,
  unique), headers as on the page, numbers as numbers (shares formatted as percentages);
- ``tables/``: one CSV per table (UTF-8 with a byte-order mark, so Excel reads Chinese text)
  and ``contents.csv``;

and removes the side files. The tables hold every row, also where the page shows the first
rows; text is redacted of personal data like the pages. Text that a spreadsheet would run as
a formula (a verbatim starting with ``=``) stays text: typed as a string in the workbook, and
prefixed with ``'`` in the CSVs.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd

from fbresearch.present.exports import read_tables

__all__ = ["write_exports", "sheet_name", "WORKBOOK", "CSV_FOLDER"]

WORKBOOK = "tables.xlsx"
CSV_FOLDER = "tables"
#: Excel's limit on a sheet name, and the characters it refuses in one
_SHEET_MAX = 31
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
#: a cell starting with one of these is run as a formula by spreadsheet programs
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def sheet_name(page: str, number: int | None, position: int, taken: set[str]) -> str:
    """A unique sheet name of at most 31 characters: ``overview T3`` (table 3 of the page),
    or ``overview #2`` for the page's second table when it has no number.

    ``taken`` holds the names given so far (lower case: Excel's names ignore case); the new
    one is added to it.

    Examples
    --------
    >>> taken = set()
    >>> sheet_name("overview", 3, 4, taken), sheet_name("segmentation", None, 2, taken)
    ('overview T3', 'segmentation #2')
    >>> sheet_name("a" * 40, 1, 1, taken), sheet_name("a" * 40, 1, 1, taken)
    ('aaaaaaaaaaaaaaaaaaaaaaaaaaaa T1', 'aaaaaaaaaaaaaaaaaaaaaaaaaa T1~2')
    """
    suffix = f" T{number}" if number is not None else f" #{position}"
    page = _SHEET_BAD.sub("_", page).strip("'") or "page"
    name = page[: _SHEET_MAX - len(suffix)] + suffix
    copy = 1
    while name.lower() in taken:
        copy += 1
        tail = f"{suffix}~{copy}"
        name = page[: _SHEET_MAX - len(tail)] + tail
    taken.add(name.lower())
    return name


def _slug(text: str) -> str:
    """A file-name part from a caption (letters and digits of any script, dashes).

    Examples
    --------
    >>> _slug("Table 1. NPS, CSAT & CES — October 2026")
    'nps-csat-ces-october-2026'
    >>> _slug("Headline KPIs for October 2026 and the month before")
    'headline-kpis-for-october-2026'
    """
    words = re.sub(r"[\W_]+", " ", re.sub(r"^Table \d+\.\s*", "", text).lower()).split()
    kept = [w for i, w in enumerate(words) if len("-".join(words[: i + 1])) <= 32]
    return "-".join(kept or [w[:32] for w in words[:1]])


def _csv_safe(value: Any) -> Any:
    """Text a spreadsheet would run as a formula, prefixed with ``'`` (OWASP's advice).

    Examples
    --------
    >>> _csv_safe("=HYPERLINK(1)"), _csv_safe("late"), _csv_safe(-3)
    ("'=HYPERLINK(1)", 'late', -3)
    """
    return f"'{value}" if isinstance(value, str) and value.startswith(_FORMULA_START) else value


def _gather(folder: Path, pages: list[str]) -> list[dict[str, Any]]:
    """Every recorded table, in page order, with its sheet and CSV names."""
    taken = {"contents"}
    entries = []
    for page in pages:
        side = folder / f"{page}.tables.jsonl"
        for position, shown in enumerate(read_tables(side), start=1):
            caption = shown["caption"] or ""
            slug = _slug(caption)
            entries.append(
                {
                    **shown,
                    "page": page,
                    "position": position,
                    "sheet": sheet_name(page, shown["number"], position, taken),
                    "csv": f"{page}_{position:02d}" + (f"_{slug}" if slug else "") + ".csv",
                }
            )
        side.unlink(missing_ok=True)
    return entries


def _contents(entries: list[dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Sheet": [e["sheet"] for e in entries],
            "Page": [e["page"] for e in entries],
            "Table": [e["number"] for e in entries],
            "Caption": [e["caption"] for e in entries],
            "Rows": [len(e["table"]) for e in entries],
            "CSV file": [f"{CSV_FOLDER}/{e['csv']}" for e in entries],
        },
        columns=["Sheet", "Page", "Table", "Caption", "Rows", "CSV file"],
    )


def _write_sheet(sheet: Any, table: pd.DataFrame, percent: pd.DataFrame | None) -> None:
    """A table on a worksheet: bold header, frozen first row, shares as percentages, dates as
    dates, text always text (never a formula)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet.append([str(c) for c in table.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for r, row in enumerate(table.itertuples(index=False, name=None), start=2):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c)
            if value is None or (isinstance(value, float) and value != value):
                continue
            if isinstance(value, str):
                cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
                cell.data_type = "s"  # "=..." is text, not a formula
                continue
            cell.value = value.to_pydatetime() if isinstance(value, pd.Timestamp) else value
            if percent is not None and bool(percent.iat[r - 2, c - 1]):
                cell.number_format = "0.0%"
            elif isinstance(value, pd.Timestamp):
                cell.number_format = "yyyy-mm-dd" if value == value.normalize() else "yyyy-mm-dd hh:mm"
    for c, column in enumerate(table.columns, start=1):
        width = max([len(str(column))] + [len(str(v)) for v in table.iloc[:200, c - 1]])
        sheet.column_dimensions[get_column_letter(c)].width = min(60, max(8, width + 2))


def write_exports(folder: str | Path, pages: list[str]) -> dict[str, Any]:
    """Write ``tables.xlsx`` and ``tables/*.csv`` in ``folder`` from its pages' side files.

    Parameters
    ----------
    folder : path
        The period folder being built (the executed notebooks and their side files).
    pages : list of str
        The pages that ran, in the order of the report.

    Returns
    -------
    dict
        For the manifest: ``workbook``, ``csv`` (folder) and ``tables`` (sheet -> CSV file).

    Examples
    --------
    >>> import os, tempfile
    >>> from fbresearch.present.exports import TABLES_ENV, record_table
    >>> folder = Path(tempfile.mkdtemp())
    >>> os.environ[TABLES_ENV] = str(folder / "overview.tables.jsonl")
    >>> record_table(pd.DataFrame({"channel": ["web"], "n": [12]}), 1, "Responses by channel")
    >>> del os.environ[TABLES_ENV]
    >>> write_exports(folder, ["overview"])["tables"]
    {'overview T1': 'tables/overview_01_responses-by-channel.csv'}
    >>> pd.read_excel(folder / "tables.xlsx", sheet_name="overview T1").to_dict("records")
    [{'Channel': 'web', 'n': 12}]
    """
    from openpyxl import Workbook

    folder = Path(folder)
    entries = _gather(folder, pages)
    csv_dir = folder / CSV_FOLDER
    csv_dir.mkdir(exist_ok=True)
    contents = _contents(entries)
    book = Workbook()
    first = book.active
    first.title = "Contents"
    _write_sheet(first, contents, None)
    contents.to_csv(csv_dir / "contents.csv", index=False, encoding="utf-8-sig")
    for entry in entries:
        _write_sheet(book.create_sheet(entry["sheet"]), entry["table"], entry["percent"])
        safe = entry["table"].map(_csv_safe)
        safe.to_csv(csv_dir / entry["csv"], index=False, encoding="utf-8-sig")
    book.save(folder / WORKBOOK)
    return {
        "workbook": WORKBOOK,
        "csv": f"{CSV_FOLDER}/",
        "tables": {e["sheet"]: f"{CSV_FOLDER}/{e['csv']}" for e in entries},
    }
