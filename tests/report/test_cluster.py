"""Pages as tasks on a Dask cluster (fbresearch.report.cluster), against hand-made notebooks.

Each notebook's outcome is known by construction: ``fine`` prints ``sum(range(10))`` (45),
``broken`` divides by zero in its 4th cell (heading, parameters, ``x = 1``, ``1 / 0``),
``sleeper`` sleeps far longer than the timeout, ``suicide`` kills its worker, ``orphan`` kills
the page's own process. The cluster must give the same pages as the local pool, keep failures
per page with their reason, and leave no page process, no kernel and no half-written report.
"""

from __future__ import annotations

import hashlib
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import psutil
import pytest

distributed = pytest.importorskip("distributed")

from fbresearch.errors import ParamsError, ReportError  # noqa: E402
from fbresearch.report import runner  # noqa: E402
from fbresearch.report.cluster import check_reach, run_on_cluster, run_pages  # noqa: E402
from fbresearch.report.runner import run_report  # noqa: E402

PROTOCOL = "period = None\ninputs_path = None\nseed = 0\nfindings_path = None"
CELLS = {
    "fine": ["print(sum(range(10)))"],
    "broken": ["x = 1", "1 / 0"],
    "sleeper": ["import time\ntime.sleep(120)"],
    # the kernel's parent is the page's process, whose parent is the Dask worker
    "suicide": ["import os, psutil\nos.kill(psutil.Process().parent().parent().pid, 9)"],
    "orphan": ["import os, psutil\nos.kill(psutil.Process().parent().pid, 9)"],
}


@pytest.fixture(scope="module")
def notebooks(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("notebooks")
    for name, cells in CELLS.items():
        nb = nbformat.v4.new_notebook()
        nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nb.metadata.language_info = {"name": "python"}
        params = nbformat.v4.new_code_cell(PROTOCOL)
        params.metadata["tags"] = ["parameters"]
        nb.cells = [nbformat.v4.new_markdown_cell(f"# Page {name}"), params]
        nb.cells += [nbformat.v4.new_code_cell(c) for c in cells]
        nbformat.write(nb, folder / f"{name}.ipynb")
    return folder


@pytest.fixture(scope="module")
def client():
    """Two single-threaded workers in this process (quick to start)."""
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0"
    )
    client = distributed.Client(cluster, set_as_default=False)
    yield client
    client.close()
    cluster.close()


def _task(notebooks: Path, staging: Path, name: str, timeout: float = 60) -> dict:
    staging.mkdir(parents=True, exist_ok=True)
    return {
        "name": name,
        "plan_status": "complete",
        "input": str(notebooks / f"{name}.ipynb"),
        "output": str(staging / f"{name}.ipynb"),
        "html": str(staging / f"{name}.html"),
        "parameters": {"period": "2026-10", "findings_path": str(staging / f"{name}.f.json")},
        "cwd": str(notebooks),
        "timeout": timeout,
        "log": str(staging / "run.log"),
        "title": "Test report",
        "period_label": "October 2026",
        "footer": {"source": "test", "rows": "", "generated": "", "seconds": None},
    }


def _our_kernels() -> list[psutil.Process]:
    """ipykernel processes started by this test process (directly or through workers)."""
    tree = psutil.Process().children(recursive=True)
    return [p for p in tree if p.is_running() and "ipykernel" in " ".join(p.cmdline())]


def _without_timestamp(html: str) -> str:
    return re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", "<generated>", html)


def test_the_cluster_renders_the_pages_of_the_local_pool_and_reports_a_failing_page(
    notebooks, client, tmp_path, monkeypatch
):
    params = {"notebooks_dir": str(notebooks), "pages": ["fine", "broken"], "sample_size": 300}
    with pytest.raises(ReportError) as local:
        run_report(params, out=tmp_path / "pool", period="2026-10", workers=1, progress=None)
    lines: list[str] = []

    def on_cluster(tasks, workers, progress, **kwargs):
        return run_pages(tasks, workers, progress, engine="dask", scheduler=client)

    monkeypatch.setattr(runner, "run_pages", on_cluster)
    with pytest.raises(ReportError) as dask:
        run_report(params, out=tmp_path / "dask", period="2026-10", workers=2, progress=lines.append)
    for error in (local.value, dask.value):  # the failing cell, found by hand: the 4th
        assert error.notebook == "broken" and error.ename == "ZeroDivisionError"
        assert "failed in cell 4 ('1 / 0')" in str(error)
    by_name = {r.name: r for r in dask.value.run.notebooks}
    assert by_name["fine"].status == "complete" and by_name["broken"].status == "failed"
    assert any(line.endswith(" s") and "broken ... FAILED at cell 4" in line for line in lines)
    for page in ("fine.html", "broken.html"):
        pool_page = (tmp_path / "pool" / "2026-10.failed" / page).read_text(encoding="utf-8")
        dask_page = (tmp_path / "dask" / "2026-10.failed" / page).read_text(encoding="utf-8")
        assert _without_timestamp(pool_page) == _without_timestamp(dask_page)
    executed = nbformat.read(tmp_path / "dask" / "2026-10.failed" / "fine.ipynb", as_version=4)
    assert executed.cells[-1].outputs[0]["text"] == "45\n"
    assert not list((tmp_path / "dask").rglob(".*.running-*"))  # no page's scratch folder left


def test_a_cell_over_the_timeout_fails_its_page_and_the_others_complete(
    notebooks, client, tmp_path
):
    tasks = [_task(notebooks, tmp_path, "sleeper", timeout=2), _task(notebooks, tmp_path, "fine")]
    start = time.perf_counter()
    results = run_on_cluster(tasks, client, 2, progress=lambda line: None)
    assert time.perf_counter() - start < 60  # not the 120 s the cell asks for
    assert results["fine"]["error"] is None
    error = results["sleeper"]["error"]
    assert error["cell"] == "?"
    assert error["ename"] == "CellTimeoutError" and "after 2 seconds" in error["evalue"]
    assert (tmp_path / "sleeper.html").exists()  # the failed page says why
    page = (tmp_path / "sleeper.html").read_text(encoding="utf-8")
    assert error["ename"] in page and "nothing after it was run" in page
    _wait_until(lambda: not _our_kernels())


def test_a_page_whose_process_dies_is_failed_with_the_reason(notebooks, client, tmp_path):
    tasks = [_task(notebooks, tmp_path, "orphan"), _task(notebooks, tmp_path, "fine")]
    results = run_on_cluster(tasks, client, 2, progress=lambda line: None)
    assert results["fine"]["error"] is None
    error = results["orphan"]["error"]
    assert error["ename"] == "PageProcessDied" and "exit code -9" in error["evalue"]
    # never half-written: the dead page has no executed notebook and no page at all
    assert not (tmp_path / "orphan.ipynb").exists() and not (tmp_path / "orphan.html").exists()
    _wait_until(lambda: not _our_kernels())


@pytest.mark.slow
def test_a_dead_worker_fails_its_page_and_the_others_complete(notebooks, tmp_path):
    import dask

    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        cluster = distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        )
    client = distributed.Client(cluster, set_as_default=False)
    try:
        tasks = [_task(notebooks, tmp_path, "suicide"), _task(notebooks, tmp_path, "fine")]
        results = run_on_cluster(tasks, client, 2, progress=lambda line: None)
    finally:
        client.close()
        cluster.close()
    assert results["fine"]["error"] is None and (tmp_path / "fine.html").exists()
    error = results["suicide"]["error"]
    assert error["ename"] == "KilledWorker" and "worker running this page died" in error["evalue"]
    assert not (tmp_path / "suicide.ipynb").exists() and not (tmp_path / "suicide.html").exists()
    _wait_until(lambda: not _our_kernels())  # the dead worker's kernel ended itself


def test_workers_that_cannot_reach_the_files_are_told_which(notebooks, client, tmp_path):
    task = _task(notebooks, tmp_path / "staging", "fine")
    task["parameters"]["inputs_path"] = str(tmp_path / "gone" / "inputs.json")
    task["html"] = str(tmp_path / "no-such-folder" / "fine.html")
    with pytest.raises(ParamsError) as caught:
        check_reach(client, [task])
    message = str(caught.value)
    assert f"cannot read the canonical data folder (under TMPDIR) {tmp_path / 'gone'}" in message
    assert f"cannot write the report folder {tmp_path / 'no-such-folder'}" in message
    assert message.count("worker ") >= 2  # each worker named
    assert str(notebooks) not in message  # what they can reach is not listed
    check_reach(client, [_task(notebooks, tmp_path / "staging", "fine")])  # all reachable


def _wait_until(condition, timeout: float = 20) -> None:
    deadline = time.time() + timeout
    while not condition():
        if time.time() > deadline:
            pytest.fail("still true after the wait")
        time.sleep(0.2)


def _tree_digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.mark.slow
def test_sigterm_cancels_the_pages_and_leaves_no_half_written_report(notebooks, tmp_path):
    out = tmp_path / "reports"
    params = tmp_path / "params.yaml"
    params.write_text(
        f"notebooks_dir: {notebooks}\nsample_size: 400\npages: [fine]\n", encoding="utf-8"
    )
    slow = tmp_path / "slow.yaml"
    slow.write_text(
        f"notebooks_dir: {notebooks}\nsample_size: 400\npages: [sleeper, fine]\n",
        encoding="utf-8",
    )

    def report(yaml: Path, period: str, *extra: str) -> subprocess.Popen:
        command = [sys.executable, "-m", "fbresearch", "report", "--params", str(yaml),
                   "--out", str(out), "--period", period, *extra]  # fmt: skip
        return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    earlier = report(params, "2026-09")
    assert earlier.wait(timeout=300) == 0, earlier.stderr.read()
    before = _tree_digest(out / "2026-09")

    run = report(slow, "2026-10", "--engine", "dask", "--workers", "2")
    deadline = time.time() + 180
    while time.time() < deadline:  # until the sleeper's kernel runs on a worker
        tree = psutil.Process(run.pid).children(recursive=True)
        if any("ipykernel" in " ".join(p.cmdline()) for p in tree if p.is_running()):
            break
        assert run.poll() is None, run.stderr.read()
        time.sleep(0.2)
    else:
        pytest.fail("no page kernel started on the cluster")
    time.sleep(1)
    tree = psutil.Process(run.pid).children(recursive=True)
    run.send_signal(signal.SIGTERM)
    _, err = run.communicate(timeout=60)
    assert run.returncode == 143, err
    gone, alive = psutil.wait_procs(tree, timeout=20)  # workers, page processes, kernels
    assert not [p for p in alive if p.status() != psutil.STATUS_ZOMBIE], alive
    assert _tree_digest(out / "2026-09") == before  # the earlier report: byte for byte
    assert not (out / "2026-10").exists()  # nothing published for the stopped period
    assert not list(out.glob(".*.building-*")) and not list(out.glob(".*.lock"))
    kept = out / "2026-10.failed"  # what ran is kept for diagnosis, never a half-written page
    assert not (kept / "sleeper.html").exists() and not (kept / "sleeper.ipynb").exists()
    assert "index.html" in os.listdir(out)  # the reports index of the earlier period


def test_a_scheduler_that_does_not_answer_fails_before_any_work(notebooks, tmp_path, monkeypatch):
    """An unreachable address is found before the data are read or anything is staged: the
    error names the setting to fix, and the reports folder is left exactly as it was."""
    import functools

    from fbresearch.report import cluster

    monkeypatch.setattr(
        runner, "check_scheduler", functools.partial(cluster.check_scheduler, timeout="1s")
    )
    out = tmp_path / "reports"
    (out / "2026-09").mkdir(parents=True)
    (out / "2026-09" / "fine.html").write_text("September's page", encoding="utf-8")
    params = {
        "notebooks_dir": str(notebooks), "pages": ["fine"], "sample_size": 300,
        "report": {"engine": "dask", "scheduler": "tcp://127.0.0.1:9"},
    }  # fmt: skip
    loaded = []
    monkeypatch.setattr(runner, "load_data", lambda *a, **k: loaded.append(a))
    with pytest.raises(ParamsError, match="report.scheduler or --scheduler"):
        run_report(params, out=out, period="2026-10", workers=1, progress=None)
    assert not loaded  # the data were never read
    assert sorted(p.name for p in out.iterdir()) == ["2026-09"]  # no .failed, no staging
    assert (out / "2026-09" / "fine.html").read_text(encoding="utf-8") == "September's page"
