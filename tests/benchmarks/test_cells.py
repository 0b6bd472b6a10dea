"""tests/benchmarks/_cells.py: a notebook's seconds split into fixed cost and own work."""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from _cells import split_report, split_seconds  # noqa: E402


def _nb(sources_and_durations, tags=None):
    nb = nbformat.v4.new_notebook()
    cells = []
    for i, (source, duration) in enumerate(sources_and_durations):
        cell = nbformat.v4.new_code_cell(source)
        cell.metadata["papermill"] = {"duration": duration}
        if tags and i in tags:
            cell.metadata["tags"] = [tags[i]]
        cells.append(cell)
    nb.cells = [nbformat.v4.new_markdown_cell("# t"), *cells]
    return nb


def test_cells_after_the_load_cell_are_own_work():
    nb = _nb([("p = 1", 0.0), ("p = 2", 0.0), ("i = fb.load_inputs(p)", 1.25), ("a", 2.0)])
    assert split_seconds(nb, 5.0) == {"fixed": 3.0, "own": 2.0, "load": 1.25}


def test_without_a_load_cell_only_parameters_are_fixed():
    nb = _nb([("p = 1", 0.1), ("x", 1.0), ("y", None)], tags={0: "parameters"})
    assert split_seconds(nb, 2.0) == {"fixed": 1.0, "own": 1.0, "load": None}


def test_split_report_reads_the_executed_notebooks(tmp_path):
    nbformat.write(_nb([("fb.load_inputs()", 1.0), ("a", 3.0)]), tmp_path / "a.ipynb")
    entries = [
        {"name": "a", "seconds": 5.0},
        {"name": "missing", "seconds": 1.0},
        {"name": "skipped", "seconds": 0.0, "ipynb": None},  # the manifest of a skipped page
    ]
    assert split_report(tmp_path, entries) == {
        "a": pytest.approx({"fixed": 2.0, "own": 3.0, "load": 1.0})
    }
