"""The runner's parts: lock, data, execute, index (headline KPIs), manifest."""

from __future__ import annotations

import math
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from fbresearch.errors import FeedbackDataError
from fbresearch.report.data import pick_period
from fbresearch.report.execute import first_heading, locate_error
from fbresearch.report.index import headline_kpis, period_label, update_reports_index
from fbresearch.report.manifest import json_ready, quality_counts, versions
from fbresearch.report.params import load_params
from fbresearch.report.runner import _headline_confidence, exit_code


def _frame():
    # October: 3 promoters, 1 passive, 1 detractor of 5 -> NPS 40; September: 1 and 1 -> 0
    return pd.DataFrame(
        {
            "submitted_at": pd.to_datetime(["2026-10-01"] * 5 + ["2026-09-03"] * 2),
            "nps": pd.array([10, 9, 9, 7, 3, 10, 0], dtype="Int64"),
        }
    )


def test_headline_kpis_carry_the_confidence_they_were_asked_for():
    (k95,) = headline_kpis(_frame(), "2026-10")
    (k80,) = headline_kpis(_frame(), "2026-10", confidence=0.8)
    assert k95["confidence"] == 0.95 and k80["confidence"] == 0.8
    assert k80["estimate"] == pytest.approx(40.0) == k95["estimate"]
    # a lower level gives a narrower interval around the same estimate
    assert k95["ci_low"] < k80["ci_low"] < 40.0 < k80["ci_high"] < k95["ci_high"]


def test_headline_confidence_comes_from_the_overview_page():
    assert _headline_confidence(load_params({"notebooks": ["overview"]})) == 0.95
    run = load_params({"notebooks": {"overview": {"confidence": 0.9}}})
    assert _headline_confidence(run) == 0.9
    assert _headline_confidence(load_params({"notebooks": ["topics"]})) == 0.95


def test_headline_kpis_empty_without_the_period():
    assert headline_kpis(_frame(), "2025-01") == []


def test_pick_period_latest_complete_month_or_named_one():
    params = load_params({"pages": []})
    frame = pd.DataFrame({"submitted_at": pd.to_datetime(["2026-09-03", "2026-10-31"])})
    assert pick_period(params, "2026-09", frame) == "2026-09"
    with pytest.raises(FeedbackDataError, match="no responses in the period 2026-01"):
        pick_period(params, "2026-01", frame)


def test_locate_error_skips_injected_parameters_and_redacts():
    nb = nbformat.v4.new_notebook()
    injected = nbformat.v4.new_code_cell("seed = 1")
    injected.metadata["tags"] = ["injected-parameters"]
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Page"),
        injected,
        nbformat.v4.new_code_cell("fail()\nmore"),
    ]
    error = locate_error(nb, {"cell_index": 2, "evalue": "for x@example.com"})
    assert (error["cell"], error["cell_index"], error["source"]) == (2, 1, "fail()")
    assert "x@example.com" not in error["evalue"]
    assert locate_error(nb, {"cell_index": None})["cell"] == "?"
    assert first_heading(nb) == "Page"


def test_manifest_helpers():
    assert json_ready({"p": Path("a"), "n": math.nan, "t": (1,)}) == {"p": "a", "n": None, "t": [1]}
    quality = pd.DataFrame([{"check": "dup", "column": None, "rows": 2, "action": "dropped"}])
    assert quality_counts(quality) == [
        {"check": "dup", "column": None, "rows": 2, "action": "dropped"}
    ]
    assert "python" in versions() and "pandas" in versions()


def test_reports_index_lists_periods_newest_first(tmp_path):
    import json

    for period in ("2026-09", "2026-10"):
        (tmp_path / period).mkdir()
        manifest = {"status": "ok", "headline": [], "notebooks": [{"name": "overview"}]}
        (tmp_path / period / "manifest.json").write_text(json.dumps(manifest))
    page = update_reports_index(tmp_path, "R").read_text(encoding="utf-8")
    assert page.index("October 2026") < page.index("September 2026")
    assert period_label("2026-09") == "September 2026"


def test_exit_codes():
    from fbresearch.errors import ReportError, ReportLockedError

    assert exit_code(ReportError("x")) == 1 and exit_code(ReportLockedError("x")) == 3
    assert exit_code(FileNotFoundError()) == 2 and exit_code(KeyError()) == 4


def test_a_worker_imports_execute_without_the_runner_and_nbformat_still_validates():
    # a report worker unpickles execute.run_task: it must not pay for the runner, the loaders
    # and the sample model (scipy.stats), nor for rfc3987_syntax's grammar (via jsonschema),
    # nor for the estimators (statsmodels, through the params' targets check)
    import subprocess
    import sys

    code = (
        "import sys, fbresearch.report.execute, papermill, nbformat\n"
        "heavy = ('fbresearch.report.runner', 'fbresearch.io.sample', 'fbresearch.io.inputs',\n"
        "         'scipy.stats', 'statsmodels', 'fbresearch.analyses.targets')\n"
        "print(sorted(m for m in heavy if m in sys.modules), sys.modules['rfc3987_syntax'])\n"
        "nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('x = 1')])\n"
        "nbformat.validate(nb)\n"
        "nb.cells[0]['execution_count'] = 'one'\n"
        "try:\n    nbformat.validate(nb)\nexcept nbformat.ValidationError:\n    print('invalid')\n"
        "import fbresearch.report as r\nprint(r.run_report.__module__)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split("\n")[:3] == ["[] None", "invalid", "fbresearch.report.runner"]
