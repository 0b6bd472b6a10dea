"""The period's workbook and CSVs (fbresearch/report/exports.py), and the command's overrides.

The end-to-end run is the README's: ``fbresearch report --data FILE --notebooks ... -p ...`` on
a small sample holding planted personal data. The truth for the workbook is the HTML pages
themselves: every table a page shows is a sheet of that page, every header of the page is in
the sheet, and every cell the page shows is in the sheet (numbers equal to the page's to the
page's last digit, text the same).
"""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
import zipfile

import openpyxl
import pandas as pd
import pytest
from bs4 import BeautifulSoup

from fbresearch.present.exports import TABLES_ENV, record_table
from fbresearch.report.exports import sheet_name, write_exports
from fbresearch.schema import display_label

PAGES = ("overview", "drivers", "closed_loop")
PHONE, EMAIL = "13912345678", "jane.doe@example.com"


# --------------------------------------------------------------------------- unit


def test_sheet_names_are_short_unique_and_legal():
    taken: set[str] = set()
    names = [
        sheet_name(page, number, position, taken)
        for page in ("closed_loop", "closed_loop", "a/b:c*d?[e]" * 4, "x" * 40)
        for position, number in enumerate([1, 2, None, 10, None, 1], start=1)
    ]
    assert all(len(n) <= 31 for n in names)
    assert len({n.lower() for n in names}) == len(names)  # Excel ignores case
    assert not any(re.search(r"[\[\]:*?/\\]", n) for n in names)
    assert names[:3] == ["closed_loop T1", "closed_loop T2", "closed_loop #3"]
    # a number twice (a page run twice, a table numbered again): a copy, never a clash
    assert names[5:7] == ["closed_loop T1~2", "closed_loop T1~3"]


def _record(folder, page, frame, number, caption, monkeypatch):
    monkeypatch.setenv(TABLES_ENV, str(folder / f"{page}.tables.jsonl"))
    record_table(frame, number, caption)
    monkeypatch.delenv(TABLES_ENV)


def test_workbook_keeps_text_as_text_and_shares_as_percentages(tmp_path, monkeypatch):
    texts = ["=SUM(A1:A9)", "+1 late", "bell\x07here", f"call {PHONE}"]
    frame = pd.DataFrame({"comment": texts, "response_rate": [0.25, 0.5, 0.125, 1.0]})
    _record(tmp_path, "topics", frame, 2, "Comments", monkeypatch)
    _record(tmp_path, "topics", pd.DataFrame({"n": range(100)}), None, None, monkeypatch)
    info = write_exports(tmp_path, ["topics"])
    assert info["tables"] == {
        "topics T2": "tables/topics_01_comments.csv",
        "topics #2": "tables/topics_02.csv",
    }
    assert not list(tmp_path.glob("*.tables.jsonl"))  # side files gathered and removed
    sheet = openpyxl.load_workbook(tmp_path / "tables.xlsx")["topics T2"]
    assert [c.value for c in sheet[1]] == ["Comment", "Response rate"]
    formula = sheet["A2"]
    assert formula.data_type == "s" and formula.value == "=SUM(A1:A9)"
    assert sheet["A4"].value == "bellhere"  # a control character Excel refuses, removed
    assert sheet["A5"].value == "call [phone]"  # redacted like the page
    assert sheet["B2"].value == 0.25 and sheet["B2"].number_format == "0.0%"
    csv = pd.read_csv(tmp_path / "tables" / "topics_01_comments.csv", encoding="utf-8-sig")
    assert csv["Comment"].tolist()[:2] == ["'=SUM(A1:A9)", "'+1 late"]
    contents = pd.read_excel(tmp_path / "tables.xlsx", sheet_name="Contents")
    assert contents[["Sheet", "Rows"]].values.tolist() == [["topics T2", 4], ["topics #2", 100]]


# --------------------------------------------------------------------------- end to end


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    from fbresearch.io.sample import sample_data

    folder = tmp_path_factory.mktemp("exports")
    frame = sample_data(n_responses=1500, seed=3).feedback
    frame["channel"] = frame["channel"].astype(str).replace("email", f"email {PHONE}")
    frame.loc[frame.index[::7], "text"] = f"late again, mail me at {EMAIL}"
    data = folder / "export.csv"
    frame.to_csv(data, index=False)
    command = [sys.executable, "-m", "fbresearch", "report", "--data", str(data)]
    command += ["--out", str(folder / "reports"), "--workers", "1"]
    command += ["--notebooks", ",".join(PAGES), "-p", "drivers.bootstrap=50"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr
    period = next(p for p in (folder / "reports").iterdir() if p.is_dir())
    return period


def _page_tables(html: str) -> list[dict]:
    tables = []
    for table in BeautifulSoup(html, "html.parser").select("table.fb-table"):
        note = table.select_one("tfoot")
        total = re.search(r"of ([\d,]+) rows", note.get_text()) if note else None
        tables.append(
            {
                "headers": [th.get_text() for th in table.select("thead th")],
                "rows": [
                    [td.get_text() for td in tr.select("td")] for tr in table.select("tbody tr")
                ],
                "total": int(total.group(1).replace(",", "")) if total else None,
            }
        )
    return tables


_NUM = r"[-\u2212]?[\d,]*\.?\d+"


def _matches(text: str, value) -> bool:
    """The page's text of a cell agrees with the workbook's value (to the page's last digit)."""
    missing = value is None or (isinstance(value, float) and math.isnan(value))
    if text == "–":
        return missing or value == "–"
    if missing:
        return False
    if isinstance(value, str):  # the workbook keeps a code, the page shows its display label
        # (of the code before redaction: "email_<phone>" reads "Email [phone]")
        return (
            text in (value, display_label(value))
            or text.casefold() == value.replace("_", " ").casefold()
        )
    if isinstance(value, bool) or text in ("yes", "no"):
        return bool(value) == (text == "yes")
    if isinstance(value, pd.Timestamp):
        return text in (f"{value:%Y-%m-%d}", f"{value:%Y-%m-%d %H:%M}")
    if text.startswith("<"):
        return float(value) < float(text[1:])
    plain = re.fullmatch(rf"({_NUM})(%| pp)?", text.replace("\u2212", "-"))
    if not plain:
        return False
    shown = float(plain.group(1).replace(",", ""))
    decimals = len(plain.group(1).partition(".")[2])
    scales = (100,) if plain.group(2) == "%" else (1, 100) if plain.group(2) else (1,)
    return any(abs(float(value) * s - shown) <= 0.5 * 10**-decimals + 1e-9 for s in scales)


def _columns(header: str, sheet: pd.DataFrame) -> list[str]:
    """The sheet's columns behind one of the page's columns: itself, or an estimate and the
    two bounds of its interval (``X (95% CI)`` -> ``X``, ``X: 95% CI low``, ``X: 95% CI high``;
    a column whose header names no interval but whose cells hold one -> ``X: CI low`` ...)."""
    ci = re.fullmatch(r"(.*) \(((?:\d+(?:\.\d+)?% )?CI)\)", header)
    base, level = ci.groups() if ci else (header, "CI")
    bounds = [f"{base}: {level} low", f"{base}: {level} high"]
    if base in sheet.columns and set(bounds) <= set(sheet.columns):
        return [base, *bounds]
    assert header in sheet.columns, f"page column {header!r} not in {list(sheet.columns)}"
    return [header]


def _split(text: str, n: int) -> list[str]:
    """A page's ``estimate (low to high)`` cell as its three numbers (``pp`` kept on each)."""
    if n == 1:
        return [text]
    found = re.fullmatch(r"(.+?)( pp)? \((.+) to (.+)\)", text)
    if not found:  # missing, or an estimate without an interval
        return [text, "–", "–"]
    unit = found.group(2) or ""
    return [found.group(1) + unit, found.group(3) + unit, found.group(4) + unit]


@pytest.mark.slow
def test_the_workbook_holds_every_table_of_every_page(run):
    book = pd.read_excel(run / "tables.xlsx", sheet_name=None)
    contents = book["Contents"]
    checked = 0
    for page in PAGES:
        shown = _page_tables((run / f"{page}.html").read_text(encoding="utf-8"))
        sheets = contents.loc[contents["Page"] == page, "Sheet"].tolist()
        assert len(shown) == len(sheets) > 0, f"{page}: {len(shown)} tables, {len(sheets)} sheets"
        for table, name in zip(shown, sheets, strict=True):
            sheet = book[name]
            rows = [r for r in table["rows"] if not (len(r) == 1 and r[0] == "None.")]
            assert len(sheet) == (table["total"] or len(rows)), name  # every row, not the top
            for j, header in enumerate(table["headers"]):
                columns = _columns(header, sheet)
                for i, row in enumerate(rows):
                    for text, column in zip(_split(row[j], len(columns)), columns, strict=True):
                        value = sheet[column].iloc[i]
                        assert _matches(text, value), f"{name} [{i}, {column}]: {text!r} {value!r}"
                        checked += 1
    assert checked > 300


@pytest.mark.slow
def test_csvs_hold_the_same_tables_and_nothing_personal_reaches_an_export(run):
    book = pd.read_excel(run / "tables.xlsx", sheet_name=None)
    contents = book["Contents"]
    assert len(list((run / "tables").glob("*.csv"))) == len(contents) + 1  # + contents.csv
    for sheet, path in zip(contents["Sheet"], contents["CSV file"], strict=True):
        csv = pd.read_csv(run / path, encoding="utf-8-sig")
        assert list(csv.columns) == list(book[sheet].columns) and len(csv) == len(book[sheet])
    with zipfile.ZipFile(run / "tables.xlsx") as archive:
        texts = [archive.read(n).decode("utf-8") for n in archive.namelist()]
    texts += [p.read_text(encoding="utf-8-sig") for p in (run / "tables").glob("*.csv")]
    assert not any(PHONE in t or EMAIL in t for t in texts)
    channels = book["overview T2"]["Channel"].tolist()  # planted: a phone number in a channel
    assert any(str(c).startswith("email") and "[phone]" in str(c) for c in channels)


@pytest.mark.slow
def test_overrides_reach_the_run_and_only_the_named_pages_run(run):
    manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    assert [n["name"] for n in manifest["notebooks"]] == list(PAGES)
    drivers = next(n for n in manifest["notebooks"] if n["name"] == "drivers")
    assert drivers["parameters"]["bootstrap"] == 50
    assert manifest["exports"]["workbook"] == "tables.xlsx"
    assert not list(run.glob("*.tables.jsonl"))
