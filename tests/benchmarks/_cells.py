"""Split a notebook's run time into its fixed cost and its own work, from papermill's timings.

papermill records, per executed cell, ``metadata.papermill.duration`` (seconds). A report
notebook's first code cells are its parameters (plus the parameters papermill injects) and the
cell that imports fbresearch and loads its inputs (``fb.load_inputs``). So, for a notebook the
runner took ``seconds`` over (kernel start, execution, rendering):

* **own work** = the summed durations of the cells after the load cell (the page's analyses,
  tables and figures);
* **fixed cost** = ``seconds`` minus the own work: kernel start, parameters, imports, loading
  the inputs and rendering the page -- what every notebook pays whatever it computes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat

LOAD_MARK = "load_inputs("


def _duration(cell: Any) -> float:
    value = cell.get("metadata", {}).get("papermill", {}).get("duration")
    return float(value) if isinstance(value, int | float) else 0.0


def split_seconds(nb: Any, seconds: float) -> dict[str, float | None]:
    """``fixed`` and ``own`` seconds of an executed notebook that took ``seconds`` in all.

    The load cell is the first code cell calling ``load_inputs(``; without one, only the
    parameters cells count as fixed. ``load`` is the load cell's own duration (part of fixed).

    Examples
    --------
    >>> nb = nbformat.v4.new_notebook()
    >>> cells = [nbformat.v4.new_code_cell(s) for s in ("p = 1", "x = fb.load_inputs(p)", "a", "b")]
    >>> for cell, d in zip(cells, (0.01, 2.0, 3.0, 1.5)):
    ...     cell.metadata["papermill"] = {"duration": d}
    >>> cells[0].metadata["tags"] = ["parameters"]
    >>> nb.cells = cells
    >>> split_seconds(nb, 10.0)
    {'fixed': 5.5, 'own': 4.5, 'load': 2.0}
    """
    code = [c for c in nb.cells if c.cell_type == "code"]
    marks = [i for i, c in enumerate(code) if LOAD_MARK in c.source]
    if marks:
        last_fixed = marks[0]
    else:  # no load cell: the parameters (and injected parameters) cells are the fixed part
        tags = [set(c.get("metadata", {}).get("tags", [])) for c in code]
        fixed_cells = [i for i, t in enumerate(tags) if t & {"parameters", "injected-parameters"}]
        last_fixed = max(fixed_cells, default=-1)
    own = sum(_duration(c) for c in code[last_fixed + 1 :])
    return {
        "fixed": round(max(seconds - own, 0.0), 2),
        "own": round(own, 2),
        "load": round(_duration(code[marks[0]]), 2) if marks else None,
    }


def split_report(folder: Path, notebooks: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """:func:`split_seconds` of every notebook in a report period folder (manifest entries)."""
    splits = {}
    for entry in notebooks:
        ipynb = entry.get("ipynb", f"{entry['name']}.ipynb")  # None: the page was skipped
        path = folder / ipynb if ipynb else None
        if path is not None and path.exists():
            nb = nbformat.read(path, as_version=4)
            splits[entry["name"]] = split_seconds(nb, float(entry["seconds"]))
    return splits
