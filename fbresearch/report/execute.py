"""Executing notebooks: each in its own kernel (papermill), in a spawned worker pool.

:func:`run_task` runs and renders one page (the same callable on a local worker process and,
through :mod:`fbresearch.report.cluster`, on a Dask worker). :func:`run_notebooks` runs the
tasks the runner built in a local process pool and returns, per notebook, its error (the
failing cell located in the source notebook), seconds, title and the kernel's peak memory.
Each page writes its executed record, HTML page and table side file in a private folder beside
them and moves each into place only when whole, so a page killed halfway (a dead worker, a
retried task, SIGTERM) never leaves a half-written file under its final name.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any

from fbresearch.present.exports import TABLES_ENV
from fbresearch.privacy import redact
from fbresearch.report.html import clean_notebook, notebook_page

__all__ = [
    "run_notebooks",
    "run_task",
    "failed_result",
    "progress_line",
    "locate_error",
    "first_heading",
    "end_tree",
]


#: seconds a page's kernel may take to start (papermill's default is 60: on 2 busy cores a
#: kernel started beside others once took longer, failing a page that would have run)
KERNEL_START_SECONDS = 180


def run_task(task: dict[str, Any]) -> dict[str, Any]:
    """Run and render one page (see ``runner._build_tasks``): its result, never raising for
    a failing notebook.

    Runs in a process of its own (a local pool worker, or a Dask worker's page process): it
    points this process's stderr at the run's log and sets the kernel's environment. papermill
    writes into a private folder beside ``task["output"]``; the cleaned executed notebook, the
    HTML page and the tables side file are moved to their final names only when complete.

    Returns
    -------
    dict
        ``name``, ``error`` (None, or the failing cell located by :func:`locate_error`),
        ``seconds``, ``title`` and ``peak_rss_mib``.
    """
    import nbformat
    import papermill as pm

    # Kernel chatter goes to run.log, not to the terminal; hash seed fixed for reproducible sets.
    log_fd = os.open(task["log"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    os.dup2(log_fd, 2)
    os.close(log_fd)  # fd 2 holds the log now; a process that runs many pages keeps no copy
    os.environ["PYTHONHASHSEED"] = "0"
    os.environ.setdefault("JUPYTER_PLATFORM_DIRS", "1")
    output = Path(task["output"])
    scratch = Path(tempfile.mkdtemp(prefix=f".{output.stem}.running-", dir=output.parent))
    executed = scratch / output.name
    tables = output.with_suffix(".tables.jsonl")
    # the kernel records every table it shows beside the executed notebook (report/exports.py)
    os.environ[TABLES_ENV] = str(scratch / tables.name)
    start = time.perf_counter()
    error = None
    memory = _KernelMemory()
    try:
        try:
            pm.execute_notebook(
                task["input"],
                str(executed),
                parameters=task["parameters"],
                kernel_name="python3",
                cwd=task["cwd"],
                execution_timeout=task["timeout"],
                start_timeout=KERNEL_START_SECONDS,
                progress_bar=False,
                log_output=False,
                request_save_on_cell_execute=False,
            )
        except pm.PapermillExecutionError as exc:
            error = {
                "cell_index": exc.cell_index,
                "execution_count": exc.exec_count,
                "ename": exc.ename,
                "evalue": exc.evalue,
            }
        except Exception as exc:  # noqa: BLE001 - kernel died, timeout, ...: reported, not raised
            error = {
                "cell_index": None,
                "execution_count": None,
                "ename": type(exc).__name__,
                "evalue": str(exc),
            }
        finally:
            memory.stop()
        nb = nbformat.read(executed if executed.exists() else task["input"], as_version=4)
        if error is not None:
            error = locate_error(nb, error)
        page = notebook_page(
            nb,
            name=task["name"],
            report_title=task["title"],
            period_label=task["period_label"],
            footer=task["footer"],
            error=error,
            crumbs=task.get("crumbs"),
        )
        # The executed record keeps code but, like the page, no personal data and no stderr.
        nbformat.write(clean_notebook(nb), executed)
        (scratch / "page.html").write_text(page, encoding="utf-8")
        if (scratch / tables.name).exists():
            os.replace(scratch / tables.name, tables)
        else:  # a retried task: no tables left from an earlier attempt
            tables.unlink(missing_ok=True)
        os.replace(executed, output)
        os.replace(scratch / "page.html", task["html"])
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    title = first_heading(nb) or task["name"]
    return {
        "name": task["name"],
        "error": error,
        "seconds": time.perf_counter() - start,
        "title": title,
        "peak_rss_mib": memory.peak_mib,
    }


def failed_result(task: dict[str, Any], ename: str, evalue: str) -> dict[str, Any]:
    """The result of a page whose process or worker died before it could report (no cell).

    Examples
    --------
    >>> r = failed_result({"name": "topics"}, "KilledWorker", "the worker died")
    >>> r["error"]["cell"], r["error"]["ename"], r["title"]
    ('?', 'KilledWorker', 'topics')
    """
    return {
        "name": task["name"],
        "error": {
            "cell": "?",
            "cell_index": None,
            "execution_count": None,
            "ename": ename,
            "evalue": redact(str(evalue)),
            "source": "",
        },
        "seconds": 0.0,
        "title": task["name"],
        "peak_rss_mib": None,
    }


def progress_line(task: dict[str, Any], result: dict[str, Any], done: int, total: int) -> str:
    """The progress line of a finished page.

    Examples
    --------
    >>> ok = {"error": None, "seconds": 3.21}
    >>> progress_line({"name": "overview"}, ok, 1, 6)
    '[1/6] overview ... ok 3.2 s'
    >>> progress_line({"name": "drivers"}, {"error": {"cell": 4}, "seconds": 1.0}, 2, 6)
    '[2/6] drivers ... FAILED at cell 4 1.0 s'
    """
    status = (
        task.get("plan_status", "ok")
        if result["error"] is None
        else f"FAILED at cell {result['error'].get('cell', '?')}"
    )
    return f"[{done}/{total}] {task['name']} ... {status} {result['seconds']:.1f} s"


class _KernelMemory:
    """Peak resident memory of this worker's child processes (the notebook's kernel).

    A worker runs one notebook at a time, so its children are that notebook's kernel. Sampled
    every 0.1 s on a daemon thread; ``peak_mib`` is None when psutil is not installed.
    """

    def __init__(self) -> None:
        import threading

        self.peak = 0
        self._stop = threading.Event()
        try:
            import psutil
        except ImportError:  # pragma: no cover - psutil comes with ipykernel
            self._thread = None
            return
        self._me = psutil.Process()
        self._error = psutil.Error
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            total = 0
            try:
                children = self._me.children(recursive=True)
            except self._error:
                continue
            for child in children:
                try:
                    total += child.memory_info().rss
                except self._error:
                    continue
            self.peak = max(self.peak, total)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    @property
    def peak_mib(self) -> float | None:
        return None if self._thread is None else self.peak / 2**20


def first_heading(nb: Any) -> str:
    """The text of a notebook's first level-1 markdown heading (``""`` when it has none).

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook()
    >>> nb.cells = [nbformat.v4.new_markdown_cell("Intro\\n# Overview: KPIs")]
    >>> first_heading(nb)
    'Overview: KPIs'
    """
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return ""


def locate_error(nb: Any, error: dict[str, Any]) -> dict[str, Any]:
    """Turn papermill's cell index (in the executed notebook) into the source notebook's cell.

    The error gets ``cell`` (1-based, injected-parameters cell not counted), ``cell_index``,
    ``source`` (first line of the failing cell) and a redacted ``evalue``.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook()
    >>> injected = nbformat.v4.new_code_cell("period = '2026-10'")
    >>> injected.metadata["tags"] = ["injected-parameters"]
    >>> nb.cells = [nbformat.v4.new_code_cell("x = 1"), injected, nbformat.v4.new_code_cell("1/0")]
    >>> e = locate_error(nb, {"cell_index": 2, "evalue": "division by zero"})
    >>> e["cell"], e["cell_index"], e["source"]
    (2, 1, '1/0')
    """
    index = error.get("cell_index")
    error = dict(error)
    error["evalue"] = redact(str(error.get("evalue") or ""))
    # papermill counts cells of the executed notebook before it added its error banners
    cells = [
        c
        for c in nb.cells
        if "papermill-error-cell-tag" not in c.get("metadata", {}).get("tags", [])
    ]
    if index is None or index >= len(cells):
        error.update(cell="?", source="")
        return error
    shift = sum(
        1 for c in cells[:index] if "injected-parameters" in c.get("metadata", {}).get("tags", [])
    )
    failing = cells[index]
    error["cell_index"] = index - shift
    error["cell"] = index - shift + 1
    error["source"] = (failing.source.strip().splitlines() or [""])[0][:120]
    return error


#: CPU seconds each page costs on the 5,000-row sample (worker and kernel, each page alone; the
#: speed work of issue 13): with several workers the longest start first, so the short ones
#: fill in beside them (longest-processing-time order; results never depend on order)
TYPICAL_SECONDS = {
    "topics": 20.0,
    "value": 13.4,  # 200 customer resamples, the outlook's backtest fits (wall, loaded)
    "segmentation": 7.3,
    "closed_loop": 6.7,
    "overview": 5.3,
    "drivers": 5.1,
    "improvement": 5.0,
}


def submission_order(tasks: list[dict[str, Any]], workers: int) -> list[dict[str, Any]]:
    """Tasks in the order to start them: params order for one worker, longest first for more.

    Examples
    --------
    >>> tasks = [{"name": "overview"}, {"name": "topics"}, {"name": "mine"}]
    >>> [t["name"] for t in submission_order(tasks, 2)]
    ['topics', 'overview', 'mine']
    >>> [t["name"] for t in submission_order(tasks, 1)]
    ['overview', 'topics', 'mine']
    """
    if workers <= 1:
        return list(tasks)
    return sorted(tasks, key=lambda task: -TYPICAL_SECONDS.get(task["name"], 0.0))


def run_notebooks(
    tasks: list[dict[str, Any]], workers: int, progress: Callable[[str], None]
) -> dict[str, dict[str, Any]]:
    """Run every task (see ``runner._build_tasks``) in ``workers`` processes; results by name.

    ``progress`` receives one line per finished notebook. A worker that crashes makes its
    notebook failed (``ename`` is the exception's type); nothing here raises.

    Examples
    --------
    >>> run_notebooks([], 2, print)
    {}
    """
    import multiprocessing

    results: dict[str, dict[str, Any]] = {}
    total = len(tasks)
    if not tasks:
        return results
    # Each notebook runs in its own kernel; a spawned worker pool keeps the parent's state out
    # of the workers, so 1 and N workers give the same results.
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=min(workers, total), mp_context=context)
    try:
        _collect_results(pool, tasks, workers, results, progress)
    except BaseException:  # interrupted (Ctrl-C, SIGTERM): no worker or kernel may live on
        _kill_workers(pool)
        raise
    pool.shutdown()
    return results


def _kill_workers(pool: ProcessPoolExecutor) -> None:
    """End the pool's workers and everything they started (papermill kernels) at once."""
    workers = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for worker in workers:
        end_tree(worker.pid)


def end_tree(pid: int, *, itself: bool = True) -> None:
    """Kill everything process ``pid`` started (notebook kernels) and, unless ``itself`` is
    False, the process; wait (5 s at most) until they are gone.

    Examples
    --------
    >>> import subprocess, sys, psutil
    >>> child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    >>> end_tree(child.pid)  # psutil waits for it: ended and reaped
    >>> psutil.pid_exists(child.pid)
    False
    """
    import psutil

    try:
        root = psutil.Process(pid)
        tree = root.children(recursive=True) + ([root] if itself else [])
    except psutil.Error:
        return
    for proc in tree:
        try:
            proc.kill()
        except psutil.Error:
            pass
    psutil.wait_procs(tree, timeout=5)


def _collect_results(
    pool: ProcessPoolExecutor,
    tasks: list[dict[str, Any]],
    workers: int,
    results: dict[str, dict[str, Any]],
    progress: Callable[[str], None],
) -> None:
    """Submit every task (longest first) and record each result as it finishes."""
    total = len(tasks)
    futures = {pool.submit(run_task, t): t for t in submission_order(tasks, workers)}
    for done, future in enumerate(as_completed(futures), start=1):
        task = futures[future]
        try:
            result = future.result()
        except Exception as exc:  # noqa: BLE001 - a worker crashed: the notebook failed
            result = failed_result(task, type(exc).__name__, str(exc))
        results[task["name"]] = result
        progress(progress_line(task, result, done, total))
