"""fbresearch/__init__.py: the contract names stay, internals leave, every module has __all__.

The truth is ARCHITECTURE.md's "Public API" (the bold names) plus what the notebooks call.
"""

from __future__ import annotations

import ast
import importlib
import re

import nbformat
import pytest

import fbresearch as fb

# ARCHITECTURE.md "Public API": the functions and the result types their signatures name
CONTRACT = {
    "Estimate", "FeedbackDataError", "load_feedback", "Feedback", "load_orders", "sample_data",
    "SampleData", "nps", "csat", "ces", "kpi_table", "rfm_segments", "cluster_segments",
    "profile_segments", "fit_topics", "TopicModel", "key_drivers", "DriverResult",
    "relative_importance", "pre_post", "diff_in_diff", "interrupted_time_series", "ImpactResult",
    "categorize", "severity", "run_report", "ReportRun",
}  # fmt: skip
# internals that once sat in __init__ and live on in their modules
INTERNALS = {
    "confidence_label": "fbresearch.format",
    "write_inputs": "fbresearch.io.inputs",
    "satisfied": "fbresearch.analyses.kpis",
    "category_kpis": "fbresearch.analyses.triage",
    "write_canonical": "fbresearch.io.canonical",
    "file_sha256": "fbresearch.io.canonical",
}


def test_every_contract_name_is_exported_and_resolves():
    assert CONTRACT <= set(fb.__all__)
    for name in CONTRACT:
        assert getattr(fb, name) is not None


def test_internals_left_init_but_stay_importable_from_their_modules():
    for name, module in INTERNALS.items():
        assert name not in fb.__all__
        assert hasattr(importlib.import_module(module), name), (name, module)
    with pytest.raises(AttributeError):
        fb.confidence_label  # noqa: B018


def test_init_exports_the_contract_and_what_notebooks_call_and_little_else(repo):
    called = set()
    for path in (repo / "notebooks").glob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                called |= set(re.findall(r"\bfb\.([A-Za-z_]+)", cell.source))
    assert called <= set(fb.__all__), called - set(fb.__all__)
    # base types readers meet (results, errors) and set_theme (a notebook's charts) besides
    extra = set(fb.__all__) - CONTRACT - called
    assert extra <= {"FbResearchError", "Finding", "Result", "Unavailable", "set_theme"}, extra


def test_every_module_declares_all(repo):
    missing = []
    for path in sorted((repo / "fbresearch").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {
            t.id
            for node in tree.body
            if isinstance(node, ast.Assign | ast.AnnAssign)
            for t in (node.targets if isinstance(node, ast.Assign) else [node.target])
            if isinstance(t, ast.Name)
        }
        if "__all__" not in names:
            missing.append(str(path.relative_to(repo)))
    assert not missing, missing
