"""Run a report page's code cells in-process (no kernel), the way the runner prepares them.

:func:`prepare` loads params and data like the runner (``load_params``, ``load_data``,
``pick_period``), plans the pages with a dry run (``run_report(..., dry_run=True).plan``) and
writes the canonical files and the inputs file (``write_canonical``, ``write_inputs``).
:func:`execute_page` then trims the page's notebook by its plan (``trim_notebook``), runs its
parameters cell, injects the parameters the runner would pass (params' own for the page, the
plan's overrides, the protocol parameters) and runs every code cell in one namespace, capturing
what the page displays. Jupyter's display of a cell's last expression is reproduced.
"""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402

#: Text no page may display: a crash shown as output, or a planned-out section's stand-in.
FORBIDDEN = ("Traceback", "AttributeError", "KeyError", "not shown: needs")


@dataclass
class Prepared:
    """One export loaded, planned and written as the runner's canonical files."""

    params: Any  # fbresearch.report.params.Params
    period: str
    run: Any  # the dry run's ReportRun (``.plan``: name -> PagePlan)
    inputs_path: Path
    work: Path
    frame: Any = field(repr=False, default=None)

    @property
    def plan(self) -> dict[str, Any]:
        return self.run.plan


def prepare(params: dict[str, Any], work: Path) -> Prepared:
    """Load, plan (dry run) and write the canonical data of ``params`` under ``work``."""
    from fbresearch.io.canonical import write_canonical
    from fbresearch.io.inputs import write_inputs
    from fbresearch.report.data import load_data, pick_period
    from fbresearch.report.params import load_params
    from fbresearch.report.runner import run_report

    loaded = load_params(params)
    inputs = load_data(loaded)
    period = pick_period(loaded, None, inputs.feedback.frame, say=lambda line: None)
    run = run_report(params, out=work / "reports", dry_run=True, progress=None)
    paths = write_canonical(
        inputs.feedback, work / "data", orders=inputs.orders, invitations=inputs.invitations
    )
    inputs_path = write_inputs(
        work / "data" / "inputs.json",
        data_path=paths["feedback"],
        orders_path=paths.get("orders"),
        invitations_path=paths.get("invitations"),
        quality_path=paths.get("quality"),
        sample_size=loaded.sample_size,
    )
    return Prepared(loaded, period, run, inputs_path, work, inputs.feedback.frame)


def displayed_text(obj: Any) -> str:
    """The text a displayed object puts on the page (HTML markup, plain text or its repr)."""
    data = getattr(obj, "data", None)
    if isinstance(data, str):
        return data
    for method in ("_repr_html_", "_repr_markdown_"):
        render = getattr(obj, method, None)
        if callable(render):
            try:
                text = render()
            except Exception as error:  # a failing repr is itself a defect on the page
                return f"{type(error).__name__}: {error}"
            if isinstance(text, str):
                return text
    return repr(obj)


class CellError(AssertionError):
    """A code cell raised: names the page, the cell and its first line."""


def _run_cell(source: str, namespace: dict[str, Any], where: str, shown: list[str]) -> None:
    tree = ast.parse(source, filename=where)
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr) and not source.rstrip().endswith(";"):
        last = ast.Expression(tree.body.pop().value)
    exec(compile(tree, where, "exec"), namespace)
    if last is not None:
        value = eval(compile(last, where, "eval"), namespace)
        if value is not None:
            shown.append(displayed_text(value))


def execute_page(
    prepared: Prepared, name: str, monkeypatch: Any, namespace: dict[str, Any] | None = None
) -> list[str]:
    """Run page ``name``'s planned cells in-process; return the texts it displayed.

    ``namespace`` (a dict) receives the page's variables, as a kernel would hold them.

    Raises
    ------
    CellError
        A cell raised; the message names the page, the cell number and its first line.
    """
    import IPython.display  # noqa: I001 (fbresearch.report.plan lands with contract C)

    from fbresearch.present.display import reset_numbering
    from fbresearch.report.params import notebook_parameters
    from fbresearch.report.plan import trim_notebook

    loaded = prepared.params
    path = Path(loaded.notebooks_dir) / f"{name}.ipynb"
    page_plan = prepared.plan[name]
    nb = trim_notebook(nbformat.read(path, as_version=4), page_plan)
    declared = set(notebook_parameters(path))
    protocol = {
        "period": prepared.period,
        "inputs_path": str(prepared.inputs_path),
        "seed": loaded.seed,
        "findings_path": str(prepared.work / f"{name}.findings.json"),
        "outlook_path": str(prepared.work / f"{name}.outlook.json"),
    }
    overrides = {k: v for k, v in protocol.items() if k in declared}
    overrides.update(loaded.notebooks.get(name, {}))
    overrides.update(page_plan.parameters)

    shown: list[str] = []
    monkeypatch.setattr(
        IPython.display,
        "display",
        lambda *objs, **kw: shown.extend(displayed_text(o) for o in objs),
    )
    reset_numbering()
    namespace = {} if namespace is None else namespace
    namespace["__name__"] = "__main__"
    cwd = os.getcwd()
    os.chdir(loaded.notebooks_dir)  # the runner runs notebooks in their own folder
    try:
        for i, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            where = f"<{name}.ipynb code cell {i}>"
            try:
                _run_cell(cell.source, namespace, where, shown)
            except Exception as error:
                first = cell.source.strip().splitlines()[0] if cell.source.strip() else ""
                raise CellError(
                    f"{name}: cell {i} ({first!r}) raised {type(error).__name__}: {error}"
                ) from error
            if "parameters" in cell.get("metadata", {}).get("tags", []):
                namespace.update(overrides)  # what papermill's injected cell does
    finally:
        os.chdir(cwd)
        plt.close("all")
    return shown


def left_out(page_plan: Any) -> set[str]:
    """The keys of the sections a page plan leaves out."""
    return {s.key for s in page_plan.sections if not s.included}


def forbidden_in(texts: list[str]) -> list[str]:
    """``"<word>: <excerpt>"`` for each displayed text holding a forbidden word."""
    found = []
    for text in texts:
        for word in FORBIDDEN:
            at = text.find(word)
            if at >= 0:
                found.append(f"{word}: ...{text[max(at - 120, 0) : at + 200]}...")
    return found
