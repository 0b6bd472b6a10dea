"""Where the report's pages run: the local process pool, or tasks on a Dask cluster.

:func:`run_pages` is the runner's one seam. With ``report.engine`` ``pandas`` or ``duckdb``
the pages (and the unit reports' pages) run in the local spawned pool of
:func:`fbresearch.report.execute.run_notebooks`; with ``dask`` each page is a task on the
cluster ``report.scheduler`` names (:func:`run_on_cluster`): ``local`` starts a
:class:`distributed.LocalCluster` of ``workers`` single-threaded worker processes for the run
and closes it after; an address connects to a running scheduler (its workers stay up).

On a worker, the task (:func:`page_on_worker`) runs :func:`~fbresearch.report.execute.run_task`,
the same callable the local pool runs, in a page process of the worker
(:mod:`fbresearch.report.page_process`), so a page is rendered identically wherever it runs: a
child process that owns its stderr and environment (which a worker's threads share) and its
notebook kernel. Like the pool's processes it is kept for the next page the worker runs, so a
page pays no interpreter start and no papermill import; each page still gets the worker's
environment and working folder, and no process of the page before it. The worker watches the
page process: when the task is cancelled (the runner stopped, SIGTERM) it ends the process and
the kernel, and a fresh process serves the next page; the page process ends itself if its
worker dies. Pages write to a private folder and move each file into place, so a retried or
killed page leaves no half-written file, and the report folder itself is only published by the
runner (:mod:`fbresearch.report.folders`).

Before any page is sent, every worker is asked whether it can read the notebooks and the
canonical data and write the staging folder (:func:`check_reach`): workers on other machines
need these paths on a shared file system (``--out`` and ``TMPDIR``).

Failures stay per page: a failing cell, a cell over ``report.timeout``, the page's process
dying, or the worker dying (:class:`distributed.KilledWorker`, after Dask's retries) makes that
page failed with the reason, and the other pages go on.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fbresearch.errors import ParamsError
from fbresearch.report.execute import (
    failed_result,
    progress_line,
    run_notebooks,
    submission_order,
)
from fbresearch.report.page_process import POLL_SECONDS, run_page, running_pages

__all__ = ["run_pages", "run_on_cluster", "check_reach", "check_scheduler", "page_on_worker"]

#: how long a cancelled run waits for the workers to end their pages' processes
CANCEL_GRACE_SECONDS = 10.0


def run_pages(
    tasks: list[dict[str, Any]],
    workers: int,
    progress: Callable[[str], None],
    *,
    engine: str = "pandas",
    scheduler: Any = "local",
) -> dict[str, dict[str, Any]]:
    """Run the pages where ``engine`` says: the local pool, or the Dask cluster ``scheduler``.

    Parameters
    ----------
    tasks : list of dict
        The runner's page tasks (``runner._build_tasks``, ``units.unit_tasks``).
    workers : int
        Pages at once: the local pool's processes, or a local cluster's workers (a running
        cluster's size is its own).
    progress : callable
        Receives one line per finished page.
    engine : str
        ``report.engine``: ``"dask"`` runs the pages on the cluster, anything else locally.
    scheduler : str or distributed.Client
        ``report.scheduler``: ``"local"``, an address, or a client.

    Returns
    -------
    dict
        Page name -> result (``error``, ``seconds``, ``title``, ``peak_rss_mib``).

    Examples
    --------
    >>> run_pages([], 2, print, engine="dask")
    {}
    """
    if engine == "dask":
        return run_on_cluster(tasks, scheduler, workers, progress)
    return run_notebooks(tasks, workers, progress)


def check_scheduler(engine: str, scheduler: Any, timeout: str = "20s") -> None:
    """Raise :class:`ParamsError` now if the pages go to a scheduler address that does not answer.

    Called by the runner before it reads the data or stages anything, so a cluster that is down
    costs seconds and leaves no ``<period>.failed/`` folder behind; ``"local"`` (started on
    demand) and a client passed in need no check.

    Examples
    --------
    >>> check_scheduler("pandas", "tcp://10.0.0.5:8786")  # the local pool: nothing to reach
    >>> check_scheduler("dask", "tcp://127.0.0.1:9", timeout="1s")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    fbresearch.errors.ParamsError: cannot reach the Dask scheduler at ..., the address in report.scheduler or --scheduler ...
    """
    if engine != "dask" or not isinstance(scheduler, str) or scheduler in ("", "local"):
        return
    from fbresearch.engines.dask_engine import connect

    connect(scheduler, timeout=timeout).close()


def run_on_cluster(
    tasks: list[dict[str, Any]],
    scheduler: Any = "local",
    workers: int = 1,
    progress: Callable[[str], None] = print,
) -> dict[str, dict[str, Any]]:
    """Run every page as a task on a Dask cluster; results by page name (nothing raises for
    a failed page).

    ``scheduler`` is ``"local"`` (a LocalCluster of ``workers`` processes, closed after), an
    address, or a :class:`distributed.Client` (used as it is, left open). An interruption
    (Ctrl-C, SIGTERM) cancels every task, waits for the workers to end the pages' processes,
    closes a cluster this call started and raises again.

    Raises
    ------
    ParamsError
        A worker cannot read or write a path the pages need (see :func:`check_reach`), or the
        scheduler cannot be reached.

    Examples
    --------
    >>> run_on_cluster([], "local", 2)
    {}
    """
    if not tasks:
        return {}
    import distributed

    from fbresearch.engines.dask_engine import connect

    own = not isinstance(scheduler, distributed.Client)
    client = connect(scheduler, workers=min(workers, len(tasks)))
    try:
        check_reach(client, tasks)
        return _gather(client, tasks, workers, progress)
    finally:
        if own:
            cluster = getattr(client, "cluster", None) if scheduler in (None, "", "local") else None
            client.close()
            if cluster is not None:
                cluster.close()


def _gather(
    client: Any, tasks: list[dict[str, Any]], workers: int, progress: Callable[[str], None]
) -> dict[str, dict[str, Any]]:
    """Submit the pages (longest first) and record each result as it finishes."""
    import distributed

    ordered = submission_order(tasks, workers)
    token = f"{os.getpid()}-{time.time_ns()}"
    futures = {
        client.submit(
            page_on_worker,
            task,
            key=f"fbresearch-page-{task['name']}-{token}",
            pure=False,
            priority=len(ordered) - i,  # Dask runs higher priorities first
        ): task
        for i, task in enumerate(ordered)
    }
    results: dict[str, dict[str, Any]] = {}
    try:
        for done, future in enumerate(distributed.as_completed(futures, loop=client.loop), start=1):
            task = futures[future]
            results[task["name"]] = _result(future, task)
            progress(progress_line(task, results[task["name"]], done, len(tasks)))
    except BaseException:  # interrupted: no page may run on after the runner
        _cancel(client, list(futures))
        raise
    return results


def _result(future: Any, task: dict[str, Any]) -> dict[str, Any]:
    """A finished task's result; a dead worker or a task error makes the page failed."""
    from distributed import KilledWorker

    try:
        return future.result()
    except KilledWorker as exc:
        return failed_result(
            task,
            "KilledWorker",
            f"the Dask worker running this page died (each retry too): {exc}. Fix: look for "
            "the worker's out-of-memory kill or crash in its log; give workers more memory.",
        )
    except Exception as exc:  # noqa: BLE001 - the task failed on the worker: the page failed
        return failed_result(task, type(exc).__name__, str(exc))


def _cancel(client: Any, futures: list[Any]) -> None:
    """Cancel every page and wait (a little) until no worker still runs one."""
    try:
        client.cancel(futures, force=True)
        deadline = time.monotonic() + CANCEL_GRACE_SECONDS
        keys = {f.key for f in futures}
        while time.monotonic() < deadline:
            running = client.run(_running_pages, keys)
            if not any(running.values()):
                return
            time.sleep(POLL_SECONDS)
    except Exception:  # noqa: BLE001, S110 - the cluster is gone already: nothing runs on it
        return


def _running_pages(keys: set[str]) -> list[str]:
    """On a worker: which of ``keys`` still have a page process running there."""
    return running_pages(keys)


# --------------------------------------------------------------------------- reach


def check_reach(client: Any, tasks: list[dict[str, Any]]) -> None:
    """Raise :class:`ParamsError` unless every worker can read and write what the pages need.

    Read: each page's notebook and notebooks folder, and the canonical data folder (beside
    ``inputs_path``). Write: the folders of each page's outputs and findings. The message
    names each worker and each missing path with what it is.

    Examples
    --------
    >>> _missing_here({"/no/such/notebook.ipynb": "notebook"}, {})
    ['cannot read the notebook /no/such/notebook.ipynb']
    """
    read: dict[str, str] = {}
    write: dict[str, str] = {}
    for task in tasks:
        read[task["input"]] = "notebook"
        read[task["cwd"]] = "notebooks folder"
        inputs = task["parameters"].get("inputs_path")
        if inputs:
            read[str(Path(inputs).parent)] = "canonical data folder (under TMPDIR)"
            read[inputs] = "inputs file"
        for key, what in (("output", "report folder"), ("html", "report folder")):
            write[str(Path(task[key]).parent)] = what
        for key in ("findings_path", "outlook_path"):
            if task["parameters"].get(key):
                write[str(Path(task["parameters"][key]).parent)] = "report folder"
    missing = {w: m for w, m in client.run(_missing_here, read, write).items() if m}
    if missing:
        lines = [f"  worker {worker}: " + "; ".join(m) for worker, m in sorted(missing.items())]
        raise ParamsError(
            "the Dask workers cannot reach the report's files:\n"
            + "\n".join(lines)
            + "\nFix: run the workers where these paths are shared at the same place (a shared "
            "file system): give --out a shared folder and set TMPDIR to a shared folder for "
            "the canonical data; or use --scheduler local."
        )


def _missing_here(read: dict[str, str], write: dict[str, str]) -> list[str]:
    """On a worker: what of ``read`` (path -> what) and ``write`` this process cannot use."""
    missing = [f"cannot read the {what} {path}" for path, what in read.items()
               if not os.access(path, os.R_OK)]  # fmt: skip
    missing += [f"cannot write the {what} {path}" for path, what in write.items()
                if not os.access(path, os.W_OK | os.X_OK)]  # fmt: skip
    return missing


# --------------------------------------------------------------------------- the task


def page_on_worker(task: dict[str, Any]) -> dict[str, Any]:
    """The Dask task of one page: :func:`~fbresearch.report.execute.run_task` in a page process
    of the worker (:func:`fbresearch.report.page_process.run_page`); its result.

    The process's death before it reports makes the page failed (``PageProcessDied``, with its
    exit code); the task's cancellation (or its worker forgetting it) ends the process and its
    kernel at once.
    """
    key = _task_key()
    return run_page(task, key, lambda: _cancelled(key))


def _task_key() -> str:
    """The key of the Dask task running in this thread (``""`` outside a worker)."""
    try:
        from distributed.worker import thread_state

        return str(thread_state.key)
    except (ImportError, AttributeError):
        return ""


def _cancelled(key: str) -> bool:
    """Whether the task ``key`` was cancelled or released on this worker."""
    try:
        from distributed import get_worker

        state = get_worker().state.tasks.get(key)
    except (ImportError, ValueError):  # not on a worker
        return False
    return state is None or state.state in ("cancelled", "released", "forgotten")
