"""The report layer: params, what each page needs, the runner, HTML pages and the command line.

``fbresearch.report`` also re-exports the names the flat ``fbresearch/report.py`` had, so
``from fbresearch.report import run_report`` keeps working. The re-exports load on first use
(PEP 562), as in ``fbresearch/__init__.py``: a report worker process imports
:mod:`~fbresearch.report.execute` (papermill and the page renderer) without the runner, the
data loaders and the built-in sample's model behind them.

Modules: :mod:`~fbresearch.report.params` (loading and validating params),
:mod:`~fbresearch.report.pages` (what each page needs), :mod:`~fbresearch.report.runner`
(:func:`run_report`), :mod:`~fbresearch.report.data`, :mod:`~fbresearch.report.execute`,
:mod:`~fbresearch.report.lock`, :mod:`~fbresearch.report.index`,
:mod:`~fbresearch.report.manifest`, :mod:`~fbresearch.report.html` and
:mod:`~fbresearch.report.cli`.
"""

from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING, Any

# nbformat validates notebooks with jsonschema, which imports rfc3987_syntax when it is
# installed (an optional extra other Jupyter packages pull in). That module compiles a Lark
# grammar on import: a second of CPU in the runner and again in every worker, for the "iri"
# format checks that notebook validation never makes. It is marked absent (jsonschema then
# skips those checks) before anything in this package imports nbformat; a process that has
# already imported it keeps it.
sys.modules.setdefault("rfc3987_syntax", None)

if TYPE_CHECKING:  # pragma: no cover - names for type checkers and readers
    from fbresearch.report.index import headline_kpis
    from fbresearch.report.lock import period_lock
    from fbresearch.report.params import load_params
    from fbresearch.report.runner import NotebookRun, ReportRun, exit_code, run_report

# public name -> module of this package that defines it
_EXPORTS: dict[str, str] = {
    "run_report": "runner",
    "ReportRun": "runner",
    "NotebookRun": "runner",
    "exit_code": "runner",
    "load_params": "params",
    "period_lock": "lock",
    "headline_kpis": "index",
}

__all__ = [
    "run_report",
    "ReportRun",
    "NotebookRun",
    "load_params",
    "period_lock",
    "headline_kpis",
    "exit_code",
]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value = getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
    return value
