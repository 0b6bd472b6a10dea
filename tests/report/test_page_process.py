"""The reused page processes of a Dask worker (fbresearch.report.page_process), on hand-made pages.

``settings`` records, from inside its kernel, what its page finds (its page process, the
worker's environment, where that process's stderr goes, its tables file, matplotlib's line
width, a module global, its working folder's file) in ``observed.json`` beside it, then changes
each of them. Run as two pages with conflicting settings, each page must see its own and none
of the other's, and both must have run in one process. ``sleeper`` sleeps, ``orphan`` kills its
page's process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import psutil
import pytest

from fbresearch.present.exports import TABLES_ENV
from fbresearch.report.page_process import package_stamp, run_page

SETTINGS = f"""\
import json, os, psutil, matplotlib, fbresearch
page = psutil.Process().parent()
observed = {{
    "page_pid": page.pid,
    "setting": open("setting.txt").read(),
    "worker_setting": os.environ.get("FBRESEARCH_TEST_SETTING"),
    "first_only": os.environ.get("FBRESEARCH_TEST_FIRST_ONLY"),
    "malloc_trim": os.environ.get("MALLOC_TRIM_THRESHOLD_"),
    "left_by_a_page": os.environ.get("FBRESEARCH_TEST_LEFT"),
    "stderr": [f.path for f in page.open_files() if f.fd == 2],
    "logs_open": [f.path for f in page.open_files() if f.path.endswith(".log")],
    "tables": os.environ.get("{TABLES_ENV}"),
    "linewidth": matplotlib.rcParams["lines.linewidth"],
    "module_global": getattr(fbresearch, "_left_by_a_page", None),
}}
open("observed.json", "w").write(json.dumps(observed))
os.environ["FBRESEARCH_TEST_LEFT"] = "yes"
matplotlib.rcParams["lines.linewidth"] = 9.0
fbresearch._left_by_a_page = "yes"
os.chdir("/")
"""
CELLS = {
    "settings": SETTINGS,
    "sleeper": "import time\ntime.sleep(120)",
    "orphan": "import os, psutil\nos.kill(psutil.Process().parent().pid, 9)",
}


def _notebook(folder: Path, name: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    nb = nbformat.v4.new_notebook()
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata.language_info = {"name": "python"}
    params = nbformat.v4.new_code_cell("period = None")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell(f"# Page {name}"), params]
    nb.cells.append(nbformat.v4.new_code_cell(CELLS[name]))
    nbformat.write(nb, folder / f"{name}.ipynb")


def _task(folder: Path, name: str, log: Path | None = None) -> dict:
    """A page of ``folder``'s notebook ``name``, written to ``folder/staging``."""
    staging = folder / "staging"
    staging.mkdir(parents=True, exist_ok=True)
    return {
        "name": name,
        "input": str(folder / f"{name}.ipynb"),
        "output": str(staging / f"{name}.ipynb"),
        "html": str(staging / f"{name}.html"),
        "parameters": {"period": "2026-10"},
        "cwd": str(folder),
        "timeout": 60,
        "log": str(log or staging / "run.log"),
        "title": "Test report",
        "period_label": "October 2026",
        "footer": {"source": "test", "rows": "", "generated": "", "seconds": None},
    }


def _settings_page(tmp_path: Path, which: str) -> tuple[dict, Path]:
    folder = tmp_path / which
    _notebook(folder, "settings")
    (folder / "setting.txt").write_text(which, encoding="utf-8")
    return _task(folder, "settings"), folder


def _observed(folder: Path) -> dict:
    return json.loads((folder / "observed.json").read_text(encoding="utf-8"))


def _never() -> bool:
    return False


def _our_kernels() -> list[psutil.Process]:
    tree = psutil.Process().children(recursive=True)
    return [p for p in tree if p.is_running() and "ipykernel" in " ".join(p.cmdline())]


def test_two_pages_with_conflicting_settings_in_one_process_each_see_only_their_own(
    tmp_path, monkeypatch
):
    first, first_folder = _settings_page(tmp_path, "first")
    second, second_folder = _settings_page(tmp_path, "second")
    monkeypatch.setenv("FBRESEARCH_TEST_SETTING", "first")  # the worker's environment now
    monkeypatch.setenv("FBRESEARCH_TEST_FIRST_ONLY", "yes")
    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "65536")  # as Dask's nanny sets it for a worker
    assert run_page(first, "", _never)["error"] is None
    monkeypatch.setenv("FBRESEARCH_TEST_SETTING", "second")  # and when the next page is sent
    monkeypatch.delenv("FBRESEARCH_TEST_FIRST_ONLY")
    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "1048576")  # as someone chose it
    assert run_page(second, "", _never)["error"] is None

    one, two = _observed(first_folder), _observed(second_folder)
    assert one["page_pid"] == two["page_pid"]  # the same warm process ran both
    assert (one["setting"], two["setting"]) == ("first", "second")  # each page's own folder
    assert (one["worker_setting"], two["worker_setting"]) == ("first", "second")
    assert one["first_only"] == "yes" and two["first_only"] is None
    # the nanny's malloc trim threshold (topics 1.8x slower) stays the worker's; a chosen one not
    assert one["malloc_trim"] is None and two["malloc_trim"] == "1048576"
    for seen, log in ((one, first["log"]), (two, second["log"])):
        assert seen["stderr"] == [log]  # the process's stderr goes to this page's log
        assert seen["logs_open"] == [log]  # and no other page's log is held open
        tables = Path(seen["tables"])
        assert tables.parent.parent == Path(log).parent  # this page's tables, in its scratch
        assert tables.name == "settings.tables.jsonl" and tables.parent.name.startswith(".")
    assert one["tables"] != two["tables"]
    # what the first page's cells changed ended with its kernel
    assert two["left_by_a_page"] is None and two["module_global"] is None
    assert one["linewidth"] == two["linewidth"] != 9.0
    for folder in (first_folder, second_folder):
        assert (folder / "staging" / "settings.html").exists()
        assert not list((folder / "staging").glob(".*.running-*"))
    assert "FBRESEARCH_TEST_LEFT" not in os.environ


def test_a_process_that_died_or_raised_fails_its_page_and_the_next_page_gets_a_new_one(
    tmp_path,
):
    page, folder = _settings_page(tmp_path, "page")
    assert run_page(page, "", _never)["error"] is None
    warm = _observed(folder)["page_pid"]

    _notebook(tmp_path / "page", "orphan")  # kills the warm process in its cell
    error = run_page(_task(folder, "orphan"), "", _never)["error"]
    assert error["ename"] == "PageProcessDied" and "exit code -9" in error["evalue"]
    assert not psutil.pid_exists(warm) or psutil.Process(warm).status() == psutil.STATUS_ZOMBIE
    assert run_page(page, "", _never)["error"] is None
    replaced = _observed(folder)["page_pid"]
    assert replaced != warm

    missing_log = tmp_path / "no-such-folder" / "run.log"  # run_task cannot open the run's log
    error = run_page(_task(folder, "settings", log=missing_log), "", _never)["error"]
    assert error["ename"] == "FileNotFoundError" and "no-such-folder" in error["evalue"]
    assert run_page(page, "", _never)["error"] is None
    assert _observed(folder)["page_pid"] not in (warm, replaced)

    killed_while_idle = _observed(folder)["page_pid"]
    psutil.Process(killed_while_idle).kill()
    psutil.Process(killed_while_idle).wait(5)
    assert run_page(page, "", _never)["error"] is None
    assert _observed(folder)["page_pid"] != killed_while_idle


def test_a_cancelled_page_ends_its_process_and_kernel(tmp_path):
    _notebook(tmp_path, "sleeper")
    ran_in: list[int] = []

    def cancelled() -> bool:  # once the sleeper's kernel runs: the runner was stopped
        kernels = _our_kernels()
        ran_in.extend(k.parent().pid for k in kernels if k.parent())
        return bool(kernels)

    start = time.perf_counter()
    result = run_page(_task(tmp_path, "sleeper"), "", cancelled)
    assert time.perf_counter() - start < 60  # not the 120 s the cell sleeps
    assert result["error"]["ename"] == "Cancelled"
    assert ran_in and not psutil.pid_exists(ran_in[0])  # its page process ended
    assert not _our_kernels()
    assert not (tmp_path / "staging" / "sleeper.html").exists()  # never a half-written page


def test_an_idle_page_process_ends_when_its_worker_dies(tmp_path):
    page, folder = _settings_page(tmp_path, "page")
    (tmp_path / "task.json").write_text(json.dumps(page), encoding="utf-8")
    code = (  # a stand-in for a Dask worker: one page, then it waits
        "import json, sys, time\n"
        "from fbresearch.report.page_process import run_page\n"
        f"task = json.load(open({str(tmp_path / 'task.json')!r}))\n"
        "print(run_page(task, '', lambda: False)['error'], flush=True)\n"
        "time.sleep(120)"
    )
    worker = subprocess.Popen(
        [sys.executable, "-c", code],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert worker.stdout.readline() == "None\n"  # the page is done, its process idle
        idle = psutil.Process(_observed(folder)["page_pid"])
        assert idle.is_running()
    finally:
        worker.kill()
        worker.wait()
    idle.wait(timeout=10)  # ended by itself, not left behind for good
    assert not idle.is_running()


def test_the_package_stamp_sees_a_changed_source_file_and_not_compiled_caches(tmp_path):
    (tmp_path / "report").mkdir()
    source = tmp_path / "report" / "html.py"
    source.write_text("CSS = 'old'\n", encoding="utf-8")
    before = package_stamp(tmp_path)
    (tmp_path / "report" / "__pycache__").mkdir()
    (tmp_path / "report" / "__pycache__" / "html.cpython-311.pyc").write_bytes(b"compiled")
    assert package_stamp(tmp_path) == before  # a kernel compiling a module changes nothing
    source.write_text("CSS = 'new, longer'\n", encoding="utf-8")
    assert package_stamp(tmp_path) != before
    assert set(before) == {os.path.join("report", "html.py")}


@pytest.fixture(autouse=True)
def _no_kernel_left():
    yield
    deadline = time.time() + 20
    while _our_kernels() and time.time() < deadline:
        time.sleep(0.2)
    assert not _our_kernels()
