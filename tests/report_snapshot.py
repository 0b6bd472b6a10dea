"""Behaviour snapshot of the sample report: findings and every page's tables, per seed.

The layering work (issue 13) moves code without changing what a report says. This script records
what the default report on the built-in sample says (each notebook's findings JSON and the text of
every table on every HTML page) and compares a later run with that record.

Usage::

    python tests/report_snapshot.py save  tests/snapshots   # before a move (seeds 0 and 1)
    python tests/report_snapshot.py check tests/snapshots   # after it: prints every difference
    python tests/report_snapshot.py check tests/snapshots topics drivers   # only these pages

``check`` exits 1 when anything differs in substance. The move changed how tables are written,
on purpose (human headers instead of ``diff_low``/``p_holm``, one interval style ``a to b``
instead of ``a–b``, one p-value style ``<0.001``, an interval's bounds joined into its estimate's
column, yes/no for flags): a table whose text differs is therefore compared a second time by its
rows and the numbers in its cells (each to the coarser of its two roundings; a share and its
percentage are the same number), and counts as "same numbers, new format" when those agree. Findings are compared exactly.
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

SEEDS = (0, 1)
# Fields that depend on the machine or the clock, not on what the report says.
_VOLATILE = {"seconds", "peak_mib", "written_at", "started_at", "finished_at", "versions", "git"}


def _tables(html: str) -> list[list[list[str]]]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    tables = []
    for table in soup.find_all("table"):
        rows = []
        for tr in table.find_all("tr"):
            rows.append(
                [" ".join(cell.get_text(" ").split()) for cell in tr.find_all(["th", "td"])]
            )
        tables.append(rows)
    return tables


def _findings(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    found = json.loads(path.read_text(encoding="utf-8")).get("findings", [])
    return [{k: v for k, v in item.items() if k not in _VOLATILE} for item in found]


def snapshot(seed: int, only: list[str] | None = None) -> dict[str, Any]:
    """Run params/monthly.yaml on the sample with ``seed``; return findings and tables per page."""
    import yaml

    from fbresearch.report import run_report

    monthly = Path(__file__).resolve().parents[1] / "params" / "monthly.yaml"
    params: dict[str, Any] = yaml.safe_load(monthly.read_text(encoding="utf-8"))
    params["seed"] = seed
    if only:
        params["notebooks"] = {k: v for k, v in params["notebooks"].items() if k in only}
        params["pages"] = [k for k in params["notebooks"]]
    with tempfile.TemporaryDirectory() as out:
        run = run_report(params, out=out, progress=None)
        folder = Path(out) / run.period
        pages = {}
        for html in sorted(folder.glob("*.html")):
            if html.name == "index.html":
                continue
            name = html.stem
            pages[name] = {
                "findings": _findings(folder / f"{name}.findings.json"),
                "tables": _tables(html.read_text(encoding="utf-8")),
            }
        return {"period": run.period, "pages": pages}


_NUMBER = re.compile(r"(?:<\s?)?-?\d[\d,]*(?:\.\d+)?(?:e[-+]?\d+)?%?")


def _numbers(cells: list[str]) -> list[tuple[float, float]]:
    """The numbers in some cells, each with the half-step it was shown to.

    ``42.1%`` is 0.421 shown to 0.0005; ``0.65`` is 0.65 shown to 0.005.
    """
    found = []
    for token in _NUMBER.findall(" ".join(cells)):
        below = token.startswith("<")  # "<0.001" is anything from 0 to 0.001
        percent = token.endswith("%")
        text = token.lstrip("< ").rstrip("%").replace(",", "")
        decimals = len(text.partition(".")[2].partition("e")[0])
        scale = 0.01 if percent else 1.0
        value = float(text) * scale
        if below:
            found.append((value / 2, value / 2))
        elif "e" in text:  # scientific notation: three significant digits
            found.append((value, abs(value) * 0.005))
        else:
            found.append((value, 0.5 * 10.0**-decimals * scale))
    return found


def _same_row(old: list[str], new: list[str]) -> bool:
    a, b = _numbers(old), _numbers(new)
    if len(a) != len(b):
        return False
    unmatched = list(a)
    for y, hy in sorted(b, key=lambda item: -item[1]):  # the coarsest first, to its nearest
        near = [
            (abs(x - y), i)
            for i, (x, hx) in enumerate(unmatched)
            if abs(x - y) <= max(hx, hy) + 1e-12
        ]
        if not near:
            return False
        unmatched.pop(min(near)[1])
    return True


def _same_numbers(old: list[list[str]], new: list[list[str]]) -> bool:
    """Same rows, each with the same numbers (to the coarser of two roundings); headers left out."""
    return len(old) == len(new) and all(
        _same_row(a, b) for a, b in zip(old[1:], new[1:], strict=True)
    )


def _compare_pages(before: dict, now: dict, where: str, out: list[str]) -> int:
    """Append substantive differences to ``out``; return how many tables changed format only."""
    reformatted = 0
    for name in sorted(set(before) | set(now)):
        if name not in now or name not in before:
            out.append(f"{where}/{name}: page {'removed' if name not in now else 'added'}")
            continue
        _diff(before[name]["findings"], now[name]["findings"], f"{where}/{name}/findings", out)
        old, new = before[name]["tables"], now[name]["tables"]
        if len(old) != len(new):
            out.append(f"{where}/{name}: {len(old)} tables before, {len(new)} now")
        for i, (a, b) in enumerate(zip(old, new, strict=False)):
            if a == b:
                continue
            if _same_numbers(a, b):
                reformatted += 1
            else:
                _diff(a, b, f"{where}/{name}/tables[{i}]", out)
    return reformatted


def _diff(old: Any, new: Any, where: str, out: list[str]) -> None:
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(set(old) | set(new), key=str):
            if key not in new:
                out.append(f"{where}/{key}: removed")
            elif key not in old:
                out.append(f"{where}/{key}: added")
            else:
                _diff(old[key], new[key], f"{where}/{key}", out)
    elif isinstance(old, list) and isinstance(new, list):
        if len(old) != len(new):
            out.append(f"{where}: {len(old)} items before, {len(new)} now")
        for i, (a, b) in enumerate(zip(old, new, strict=False)):
            _diff(a, b, f"{where}[{i}]", out)
    elif old != new:
        out.append(f"{where}: {old!r} -> {new!r}")


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] not in {"save", "check"}:
        print(__doc__)
        return 2
    mode, folder, only = argv[0], Path(argv[1]), argv[2:]
    folder.mkdir(parents=True, exist_ok=True)
    failed = False
    for seed in SEEDS:
        path = folder / f"report_seed{seed}.json"
        now = snapshot(seed, only)
        if mode == "save":
            path.write_text(json.dumps(now, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
            print(f"seed {seed}: saved {path} ({len(now['pages'])} pages)")
            continue
        before = json.loads(path.read_text(encoding="utf-8"))
        if only:
            before["pages"] = {k: v for k, v in before["pages"].items() if k in only}
        differences: list[str] = []
        _diff(before["period"], now["period"], f"seed{seed}/period", differences)
        reformatted = _compare_pages(before["pages"], now["pages"], f"seed{seed}", differences)
        print(
            f"seed {seed}: {len(differences)} differences "
            f"({reformatted} tables with the same numbers in the new format)"
        )
        for line in differences[:200]:
            print("  " + line)
        failed |= bool(differences)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
