"""The long-lived page processes a Dask worker runs its pages in (started on first use, reused).

A page on a Dask worker (:func:`fbresearch.report.cluster.page_on_worker`) runs
:func:`~fbresearch.report.execute.run_task` in a child process of the worker: a worker's threads
share stderr, environment and working folder, which a page sets, and a daemonic worker process
may not start :mod:`multiprocessing` children, hence a :mod:`subprocess`. Starting a fresh
interpreter and importing papermill for every page costs seconds, so :func:`run_page` keeps each
page process once its page is done and hands it the next page that worker thread runs: the task
goes over a socket pair as a pickle, the result comes back the same way.

What a page finds in a reused process is what a fresh child of the worker would give it
(:func:`page_state`): the worker's environment variables (less the malloc setting Dask gives
its workers, :func:`page_environ`) and working folder at the time the page is sent (not those
an earlier page's :func:`run_task` set), stderr pointing where the
worker's does until :func:`run_task` points it at the run's log, the warnings shown once shown
again, and no process of an earlier page alive (a kernel left over is ended when its page
ends). The notebook's own code runs in its own kernel, a fresh process for every page, so
whatever a cell sets (environment variables, working folder, matplotlib's settings, a
module's globals) ends with that page's kernel. A process reused while fbresearch's files
changed under it would render with the old code: before each page the process compares the
package's files with those it started with and, if any changed, hands the page back and ends,
and a fresh one takes the page.

The process is ended, with its kernel, when the page is cancelled (the runner stopped,
SIGTERM); it ends itself when its worker dies (its end of the socket closes) or leaves it
(its parent changes). A process that dies during a page fails that page (``PageProcessDied``,
with its exit code), and one whose :func:`run_task` raised fails it with the exception; either
way that process serves no further page and the next one starts afresh.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import warnings
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from fbresearch.report.execute import end_tree, failed_result, run_task

__all__ = ["run_page", "running_pages", "page_state", "page_environ", "package_stamp"]

#: seconds between the worker's checks of its page's process and of the task's state
POLL_SECONDS = 0.2

#: the fbresearch package folder, whose files a reused page process must have started with
PACKAGE = Path(__file__).resolve().parents[1]

#: page processes of this worker waiting for a page
_IDLE: list[PageProcess] = []
_IDLE_LOCK = threading.Lock()

#: task key -> the page process running that task (while it runs)
_RUNNING: dict[str, PageProcess] = {}


def run_page(task: dict[str, Any], key: str, cancelled: Callable[[], bool]) -> dict[str, Any]:
    """Run one page in a page process of this worker (an idle one, else a new one): its result.

    Parameters
    ----------
    task : dict
        The page's task (``runner._build_tasks``).
    key : str
        The Dask task's key, under which :func:`running_pages` lists the page while it runs.
    cancelled : callable
        Polled every :data:`POLL_SECONDS`: once it returns True the page's process and kernel
        are ended and the page is failed (``Cancelled``).

    Returns
    -------
    dict
        :func:`~fbresearch.report.execute.run_task`'s result, or a failed result
        (:func:`~fbresearch.report.execute.failed_result`) saying why the page did not finish.

    Examples
    --------
    >>> result = run_page({"name": "overview"}, "", cancelled=lambda: True)  # already stopped
    >>> result["error"]["ename"], result["error"]["evalue"]
    ('Cancelled', 'the run was stopped')
    """
    if cancelled():  # stopped before the page started: no process is asked to take it
        return failed_result(task, "Cancelled", "the run was stopped")
    for _attempt in range(3):  # a fresh process takes a page an idle one could not
        process = _take()
        _RUNNING[key] = process
        try:
            outcome, detail = process.run(task, cancelled)
        finally:
            _RUNNING.pop(key, None)
        if outcome == "done":
            with _IDLE_LOCK:
                _IDLE.append(process)
            return detail
        process.end()
        if outcome not in ("stale", "unsent"):
            break
    if outcome == "cancelled":
        return failed_result(task, "Cancelled", "the run was stopped")
    if outcome == "raised":
        return failed_result(task, *detail)
    if outcome == "died":
        return failed_result(
            task,
            "PageProcessDied",
            f"the page's process on the Dask worker ended with exit code {detail} before it "
            "finished (killed, or out of memory?)",
        )
    return failed_result(
        task,
        "PageProcessDied",
        "no page process on the Dask worker would take the page (fbresearch's files kept "
        "changing while they started?)",
    )


def running_pages(keys: set[str]) -> list[str]:
    """Which of ``keys`` have a page process running their page in this process.

    Examples
    --------
    >>> running_pages({"fbresearch-page-overview-1"})
    []
    """
    return sorted(k for k in _RUNNING if k in keys)


def _take() -> PageProcess:
    """An idle page process that is still alive, else a new one."""
    with _IDLE_LOCK:
        while _IDLE:
            process = _IDLE.pop()
            if process.popen.poll() is None:
                return process
            process.end()
    return PageProcess()


class PageProcess:
    """One page process: started by the constructor, given pages one at a time by :meth:`run`."""

    def __init__(self) -> None:
        import multiprocessing

        self._conn, theirs = multiprocessing.Pipe()  # a socket pair: no process is started
        code = "from fbresearch.report.page_process import main; main()"
        self.popen = subprocess.Popen(
            [sys.executable, "-c", code, str(theirs.fileno())],
            stdin=subprocess.DEVNULL,
            pass_fds=(theirs.fileno(),),
            start_new_session=True,  # the worker's signals (Ctrl-C of a terminal) are not its own
        )
        theirs.close()

    def run(self, task: dict[str, Any], cancelled: Callable[[], bool]) -> tuple[str, Any]:
        """Send the page and wait for the outcome: ``("done", result)``, ``("raised", (ename,
        evalue))``, ``("stale", None)`` (not run: the process ended), ``("unsent", None)`` (the
        process was gone), ``("died", exit code)`` or ``("cancelled", None)``."""
        try:
            self._conn.send((task, page_environ(os.environ), _cwd()))
        except OSError:
            return "unsent", None
        while True:
            if self._conn.poll(POLL_SECONDS):
                try:
                    return self._conn.recv()
                except (EOFError, OSError):
                    return "died", self._exit_code()
            if self.popen.poll() is not None and not self._conn.poll(0):
                return "died", self.popen.returncode  # gone, and nothing left to read
            if cancelled():
                self.end()
                return "cancelled", None

    def _exit_code(self) -> int | None:
        """The exit code of a process whose end of the socket closed (ended if it lingers)."""
        try:
            return self.popen.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.end()
            return self.popen.returncode

    def end(self) -> None:
        """End the process and its kernel (if still running) and close the socket."""
        if self.popen.poll() is None:
            end_tree(self.popen.pid)
        self.popen.wait()
        self._conn.close()


# --------------------------------------------------------------------------- in the page process


def main() -> None:
    """The page process: run each page the socket (``argv[1]``) brings; send back its outcome."""
    from multiprocessing.connection import Connection

    fd = int(sys.argv[1])
    os.set_inheritable(fd, False)  # a kernel must not hold the socket open after this process
    conn = Connection(fd)
    threading.Thread(target=_end_if_orphaned, args=(os.getppid(),), daemon=True).start()
    # python -c looks up imports in the current folder: the worker's, not each page's
    sys.path[:] = [entry or os.getcwd() for entry in sys.path]
    started_with = package_stamp()
    worker_stderr = os.dup(2)
    import nbformat  # noqa: F401 - paid once here, not by every page
    import papermill  # noqa: F401

    while True:
        try:
            task, environ, cwd = conn.recv()
        except EOFError:  # the worker closed its end: it ended
            return
        if package_stamp() != started_with:
            conn.send(("stale", None))
            return
        with page_state(environ, cwd, worker_stderr):
            try:
                result = run_task(task)
            except Exception as exc:  # noqa: BLE001 - the page failed: said, then this process ends
                traceback.print_exc()  # into the run's log, as from a process of its own
                conn.send(("raised", (type(exc).__name__, str(exc))))
                return
            finally:
                _end_children()  # no kernel outlives its page
        conn.send(("done", result))


@contextlib.contextmanager
def page_state(environ: Mapping[str, str], cwd: str | None, stderr_fd: int) -> Iterator[None]:
    """The state a fresh child of the worker would run a page in; the process's own after it.

    In the block the environment is ``environ`` (the worker's) and the working folder ``cwd``
    (None: left as it is); the temporary folder is looked up again from that environment; the
    warnings filters are this process's and their once-only registries start empty. After it,
    output is flushed, stderr (file descriptor 2, which :func:`run_task` points at the run's
    log) is ``stderr_fd`` again, and the environment, working folder and warnings filters are
    those from before.

    Examples
    --------
    >>> import os
    >>> stderr = os.dup(2)
    >>> with page_state({"ONLY": "this"}, "/", stderr):
    ...     sorted(os.environ), os.getcwd()
    (['ONLY'], '/')
    >>> "ONLY" in os.environ
    False
    >>> os.close(stderr)
    """
    saved_environ, saved_cwd = dict(os.environ), _cwd()
    os.environ.clear()
    os.environ.update(environ)
    if cwd is not None:
        with contextlib.suppress(OSError):  # a folder gone: the process's own, as a child's
            os.chdir(cwd)
    tempfile.tempdir = None
    try:
        with warnings.catch_warnings():
            yield
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(stderr_fd, 2)
        os.environ.clear()
        os.environ.update(saved_environ)
        tempfile.tempdir = None
        if saved_cwd is not None:
            with contextlib.suppress(OSError):
                os.chdir(saved_cwd)


def page_environ(environ: Mapping[str, str]) -> dict[str, str]:
    """The environment a page runs with: the worker's ``environ``, less the malloc trim
    threshold Dask's nanny gives its worker processes.

    The nanny sets ``MALLOC_TRIM_THRESHOLD_`` (``distributed.nanny.pre-spawn-environ``, 65536)
    so that a worker hands freed memory back at once, for its memory limits; a page's kernel is
    not the worker, and it made the topics page take 24-28 s instead of 12-20 s (measured, the
    local pool, one page at a time); the local pool's kernels never had it. A value other than
    the nanny's (set by whoever started the worker) is kept.

    Examples
    --------
    >>> page_environ({"MALLOC_TRIM_THRESHOLD_": "65536", "LANG": "C.UTF-8"})
    {'LANG': 'C.UTF-8'}
    >>> page_environ({"MALLOC_TRIM_THRESHOLD_": "1048576"})
    {'MALLOC_TRIM_THRESHOLD_': '1048576'}
    """
    environ = dict(environ)
    try:
        import dask
        import distributed.config  # noqa: F401 - Dask's distributed defaults, the nanny's

        nanny = dask.config.get("distributed.nanny.pre-spawn-environ", default={}) or {}
    except ImportError:  # pragma: no cover - a Dask worker has distributed
        nanny = {}
    trim = nanny.get("MALLOC_TRIM_THRESHOLD_")
    if trim is not None and environ.get("MALLOC_TRIM_THRESHOLD_") == str(trim):
        del environ["MALLOC_TRIM_THRESHOLD_"]
    return environ


def _cwd() -> str | None:
    """This process's working folder (None if it was removed)."""
    try:
        return os.getcwd()
    except OSError:
        return None


def _end_children() -> None:
    """End every process this one started that still runs (a page's kernel left over)."""
    end_tree(os.getpid(), itself=False)


def package_stamp(folder: Path = PACKAGE) -> dict[str, tuple[int, int]]:
    """Each file under ``folder`` (compiled caches left out) -> its modification time and size.

    Examples
    --------
    >>> stamp = package_stamp()
    >>> "report/page_process.py" in stamp and not any("__pycache__" in p for p in stamp)
    True
    """
    stamp = {}
    for parent, folders, files in os.walk(folder):
        folders[:] = [f for f in folders if f != "__pycache__"]
        for name in files:
            path = os.path.join(parent, name)
            with contextlib.suppress(OSError):
                info = os.stat(path)
                stamp[os.path.relpath(path, folder)] = (info.st_mtime_ns, info.st_size)
    return stamp


def _end_if_orphaned(parent: int) -> None:
    """In the page process: when its worker dies, end the page's kernel and this process."""
    while os.getppid() == parent:
        time.sleep(POLL_SECONDS * 2.5)
    _end_children()
    os._exit(1)
