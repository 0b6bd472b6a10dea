"""The report layer: params, what each page needs, the runner, HTML pages and the command line.

``fbresearch.report`` also re-exports the names the flat ``fbresearch/report.py`` had, so
``from fbresearch.report import run_report`` keeps working.

Modules: :mod:`~fbresearch.report.params` (loading and validating params),
:mod:`~fbresearch.report.pages` (what each page needs), :mod:`~fbresearch.report.runner`
(:func:`run_report`), :mod:`~fbresearch.report.data`, :mod:`~fbresearch.report.execute`,
:mod:`~fbresearch.report.lock`, :mod:`~fbresearch.report.index`,
:mod:`~fbresearch.report.manifest`, :mod:`~fbresearch.report.html` and
:mod:`~fbresearch.report.cli`.
"""

from fbresearch.report.index import headline_kpis
from fbresearch.report.lock import period_lock
from fbresearch.report.params import load_params
from fbresearch.report.runner import NotebookRun, ReportRun, exit_code, run_report

__all__ = [
    "run_report",
    "ReportRun",
    "NotebookRun",
    "load_params",
    "period_lock",
    "headline_kpis",
    "exit_code",
]
