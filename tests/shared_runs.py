"""Report runs made once per test session and read by several test modules.

pytest-xdist's workers are separate processes, so a session fixture would still run once per
worker. :func:`shared_folder` makes a folder once for the whole session instead: under
pytest-xdist in the folder all workers share (``getbasetemp().parent``), guarded by a
``filelock.FileLock`` (the pattern of pytest-xdist's documentation); the first worker to ask
makes it, the others wait for it and read it. Without xdist it is made in the session's own
temporary folder. A test that changes a shared report must copy it first
(``shutil.copytree`` to its own ``tmp_path``).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]


def shared_folder(tmp_path_factory: Any, name: str, make: Callable[[Path], None]) -> Path:
    """The folder ``name``, filled by ``make(folder)`` once in the session (every worker)."""
    from filelock import FileLock

    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = tmp_path_factory.getbasetemp().parent  # the session's, shared by the workers
    else:
        root = tmp_path_factory.getbasetemp()
    folder, done = root / f"shared-{name}", root / f"shared-{name}.done"
    with FileLock(str(root / f"shared-{name}.lock")):
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)  # a failed earlier attempt
            folder.mkdir()
            make(folder)
            done.touch()
    return folder


@dataclass(frozen=True)
class SharedRun:
    """A finished report run: what the tests read of ``ReportRun`` (folder, period, manifest)."""

    out: Path  # the reports folder (index.html, <period>/)
    period: str
    params: dict[str, Any] = field(repr=False)

    @property
    def folder(self) -> Path:
        return self.out / self.period

    @property
    def manifest(self) -> dict[str, Any]:
        return json.loads((self.folder / "manifest.json").read_text(encoding="utf-8"))


#: The monthly report at confidence 0.9: params/monthly.yaml (every page, the defaults) on the
#: built-in sample (its default 5,000 responses, seed 0) with ``confidence: 0.9`` for every
#: notebook. tests/test_confidence_level.py reads its levels; tests/test_browser.py opens its
#: pages in Chromium (what it checks, loading offline without errors or external requests and
#: tables within the page, does not depend on the level).
MONTHLY_90 = "monthly-confidence-0.9"


def monthly_params_at_90() -> dict[str, Any]:
    params = yaml.safe_load((REPO / "params" / "monthly.yaml").read_text(encoding="utf-8"))
    params["seed"] = 0
    for name, own in params["notebooks"].items():
        params["notebooks"][name] = {**(own or {}), "confidence": 0.9}
    return params


def monthly_report_at_90(tmp_path_factory: Any) -> SharedRun:
    """The run of :data:`MONTHLY_90`, made once per session."""
    params = monthly_params_at_90()

    def make(folder: Path) -> None:
        from fbresearch.report import run_report

        result = run_report(params, out=folder / "reports", progress=None)
        assert result.folder is not None
        (folder / "period.txt").write_text(result.period, encoding="utf-8")

    folder = shared_folder(tmp_path_factory, MONTHLY_90, make)
    period = (folder / "period.txt").read_text(encoding="utf-8")
    return SharedRun(folder / "reports", period, params)
