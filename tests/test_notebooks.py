"""Notebook hygiene: the rules every notebook in notebooks/ follows (see CONTRIBUTING.md).

Executing them is nbval's job (``make test`` runs ``--nbval-lax notebooks``) and the end-to-end
test's; this file checks what makes them runnable by papermill and safe to commit.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import nbformat
import pytest
import yaml

from fbresearch.report.params import NOTEBOOK_ORDER, PROTOCOL_PARAMETERS
from fbresearch.schema import metric_spec

STANDARD_PARAMETERS = set(PROTOCOL_PARAMETERS)
MAX_CODE_LINES = 40  # non-blank lines over all code cells
MAX_LINE = 100  # characters per code line

EXPECTED = set(NOTEBOOK_ORDER)


def _notebooks(repo):
    return sorted((repo / "notebooks").glob("*.ipynb"))


def _parameters_cell(nb):
    cells = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(cells) == 1, "exactly one cell must be tagged 'parameters'"
    return cells[0]


def test_every_analysis_has_a_notebook_and_a_params_entry(repo):
    names = {p.stem for p in _notebooks(repo)}
    assert names == EXPECTED
    params = yaml.safe_load((repo / "params" / "monthly.yaml").read_text())
    assert set(params["notebooks"]) == EXPECTED


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_notebook_is_committable_and_papermill_ready(repo, name):
    nb = nbformat.read(repo / "notebooks" / f"{name}.ipynb", as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert nb.metadata["language_info"]["name"] == "python"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, (
                "strip outputs before committing"
            )
    assert nb.cells[0].cell_type == "markdown", "a notebook opens with a title for the reader"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_parameters_cell_declares_the_standard_parameters(repo, name):
    nb = nbformat.read(repo / "notebooks" / f"{name}.ipynb", as_version=4)
    tree = ast.parse(_parameters_cell(nb).source)
    declared = {t.id for node in tree.body if isinstance(node, ast.Assign) for t in node.targets}
    assert STANDARD_PARAMETERS <= declared
    params = yaml.safe_load((repo / "params" / "monthly.yaml").read_text())
    assert set(params["notebooks"][name] or {}) <= declared, (
        "params/monthly.yaml names an unknown parameter"
    )


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_code_cells_are_short_and_call_the_package(repo, name):
    # narrative in notebooks, logic in fbresearch/: no function definitions, no long cells
    nb = nbformat.read(repo / "notebooks" / f"{name}.ipynb", as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code" or "parameters" in cell.metadata.get("tags", []):
            continue
        tree = ast.parse(cell.source)
        assert not any(isinstance(n, ast.FunctionDef | ast.ClassDef) for n in ast.walk(tree)), (
            cell.source
        )
        assert len([ln for ln in cell.source.splitlines() if ln.strip()]) <= 14, cell.source


def _code_lines(nb):
    return [
        line
        for cell in nb.cells
        if cell.cell_type == "code"
        for line in cell.source.splitlines()
        if line.strip()
    ]


def test_standard_parameters_are_the_protocol():
    assert STANDARD_PARAMETERS == {"period", "inputs_path", "seed", "findings_path"}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_notebook_is_short(repo, name):
    nb = nbformat.read(repo / "notebooks" / f"{name}.ipynb", as_version=4)
    lines = _code_lines(nb)
    assert len(lines) <= MAX_CODE_LINES, f"{name}: {len(lines)} code lines, over {MAX_CODE_LINES}"
    long = [line for line in lines if len(line) > MAX_LINE]
    assert not long, f"{name}: lines over {MAX_LINE} characters: {long}"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_data_is_loaded_in_one_line(repo, name):
    nb = nbformat.read(repo / "notebooks" / f"{name}.ipynb", as_version=4)
    expected = f'inputs = fb.load_inputs(inputs_path, period=period, seed=seed, page="{name}")'
    loads = [line for line in _code_lines(nb) if "load_inputs" in line]
    assert loads == [expected]
    code = "\n".join(_code_lines(nb))
    assert "import fbresearch as fb" in code  # the theme applies itself to the first chart


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_levels_are_never_hard_coded(repo, name):
    # captions name the run's level (fb.confidence_label or the result's caption)
    nb = nbformat.read(repo / "notebooks" / f"{name}.ipynb", as_version=4)
    for cell in nb.cells:
        assert "95%" not in cell.source, cell.source
    tree = ast.parse(_parameters_cell(nb).source)
    declared = {t.id for node in tree.body if isinstance(node, ast.Assign) for t in node.targets}
    assert "confidence" in declared
    params = yaml.safe_load((repo / "params" / "monthly.yaml").read_text())
    assert "confidence" in (params["notebooks"][name] or {})


def test_improvement_reading_example_claims_no_interval(repo):
    # the page's numbers come from the results; a worked "0.31 (0.19 to 0.42)" in the text would
    # repeat an effect with an interval the sample's design does not have
    nb = nbformat.read(repo / "notebooks" / "improvement.ipynb", as_version=4)
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert not re.search(r"\d\.\d+ \(\d\.\d+ to \d\.\d+\)", text)
    assert "*effect (low to high)*" in text


def test_the_overview_explains_every_score_it_can_show(repo):
    """The overview's "How to read" names each score its ``metrics`` may show, Satisfied too
    (a yes/no survey shows only that one), by the label the tables use."""
    nb = nbformat.read(repo / "notebooks" / "overview.ipynb", as_version=4)
    how = next(c.source for c in nb.cells if "How to read" in c.source)
    for metric in ("nps", "csat", "ces", "satisfied"):
        assert f"**{metric_spec(metric).label}**" in how, metric


@pytest.mark.parametrize("path", sorted((Path(__file__).parents[1] / "notebooks").glob("*.ipynb")))
def test_every_cell_has_an_id(path):
    # nbformat 4.5 ids: without one, every report run prints a MissingIDFieldWarning to stderr
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    assert all("id" in c for c in cells), [i for i, c in enumerate(cells) if "id" not in c]
