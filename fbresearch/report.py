"""The monthly report run: params -> data -> papermill-executed notebooks -> a dated HTML report.

:func:`run_report` validates params, loads and validates the data once, writes canonical files
to a private temporary folder, runs every notebook with papermill (in parallel when asked;
each notebook in its own kernel, so results do not depend on the number of workers), renders
each to a code-free offline HTML page, and writes ``reports/<YYYY-MM>/`` with ``index.html``
(headline KPIs, executive summary, links and statuses), ``manifest.json`` and ``run.log``; then
it updates ``reports/index.html``.

Dependability: the period folder is built in a temporary folder beside the target and renamed
into place only when every notebook succeeded; a failed run is kept in ``<YYYY-MM>.failed/``
(executed notebooks with their errors) while earlier periods and ``reports/index.html`` stay
untouched; a lock file per period stops two runs writing the same period.
"""

from __future__ import annotations

import json
import logging
import os
import platform
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from fbresearch.errors import FbResearchError, ParamsError, ReportError, ReportLockedError
from fbresearch.params import REPO, Params, check_period, load_params

__all__ = [
    "run_report",
    "ReportRun",
    "NotebookRun",
    "load_params",
    "period_lock",
    "headline_kpis",
    "exit_code",
]

log = logging.getLogger("fbresearch.report")

#: Packages whose versions the manifest records.
PACKAGES = (
    "fbresearch",
    "numpy",
    "pandas",
    "scipy",
    "statsmodels",
    "scikit-learn",
    "gensim",
    "jieba",
    "matplotlib",
    "seaborn",
    "pyarrow",
    "papermill",
    "nbconvert",
    "nbformat",
    "ipykernel",
)
_KPIS = (("nps", "NPS"), ("csat", "CSAT"), ("ces", "CES"))


@dataclass(frozen=True)
class NotebookRun:
    """How one notebook ran.

    Attributes
    ----------
    name : str
    status : str
        ``"ok"``, ``"failed"`` or ``"planned"`` (dry run).
    seconds : float
        Execution plus rendering time.
    title : str
        The notebook's first heading (the page title).
    findings : int
        Headline findings it wrote.
    error : dict or None
        ``cell`` (1-based cell number in the source notebook), ``cell_index`` (0-based),
        ``execution_count``, ``ename``, ``evalue``, ``source`` (first line of the cell).
    parameters : dict
        Parameters passed to it.
    peak_rss_mib : float or None
        Peak resident memory of its kernel in MiB (sampled every 0.1 s; None when psutil is
        absent), so a run on large data shows which notebook needs the memory.
    """

    name: str
    status: str
    seconds: float = 0.0
    title: str = ""
    findings: int = 0
    error: dict[str, Any] | None = None
    parameters: dict[str, Any] = field(default_factory=dict, repr=False)
    peak_rss_mib: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "status": self.status,
            "seconds": round(self.seconds, 2),
            "peak_rss_mib": None if self.peak_rss_mib is None else round(self.peak_rss_mib),
            "findings": self.findings,
            "error": self.error,
            "parameters": {k: v for k, v in self.parameters.items() if not k.endswith("_path")},
            "ipynb": f"{self.name}.ipynb",
            "html": f"{self.name}.html",
        }


@dataclass(frozen=True)
class ReportRun:
    """The outcome of :func:`run_report`.

    Attributes
    ----------
    period : str
        ``"YYYY-MM"``.
    status : str
        ``"ok"``, ``"failed"`` or ``"dry-run"``.
    folder : Path or None
        The period folder written (``<out>/<period>``; after a failure ``<out>/<period>.failed``).
    notebooks : list of NotebookRun
    manifest : dict
    message : str
        One line for the person who started the run.
    """

    period: str
    status: str
    folder: Path | None
    notebooks: list[NotebookRun]
    manifest: dict[str, Any] = field(repr=False, default_factory=dict)
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.status in ("ok", "dry-run")

    @property
    def index(self) -> Path | None:
        return self.folder / "index.html" if self.folder is not None else None


# --------------------------------------------------------------------------- lock


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


@contextmanager
def period_lock(out: Path, period: str):  # noqa: ANN201 - context manager
    """Hold ``<out>/.<period>.lock`` while a run writes the period.

    A lock whose process is gone (same host, PID not alive) is stale and taken over; a live one
    raises :class:`~fbresearch.errors.ReportLockedError`.
    """
    out.mkdir(parents=True, exist_ok=True)
    path = out / f".{period}.lock"
    record = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    for _ in range(3):
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            try:
                held = json.loads(path.read_text(encoding="utf-8") or "{}")
            except (OSError, ValueError):
                held = {}
            pid = int(held.get("pid", 0) or 0)
            same_host = held.get("host", record["host"]) == record["host"]
            if same_host and not _pid_alive(pid):
                log.warning("removing stale lock %s (process %s is gone)", path, pid)
                path.unlink(missing_ok=True)
                continue
            raise ReportLockedError(
                f"Another fbresearch report run (process {pid or '?'} on {held.get('host', '?')}, "
                f"started {held.get('started', '?')}) is writing period {period} in {out}. Wait "
                f"for it to finish; if no such run exists, delete {path}."
            ) from None
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(record, fh)
        break
    else:  # pragma: no cover - three races in a row
        raise ReportLockedError(f"Could not take the lock {path}; try again.")
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)


# --------------------------------------------------------------------------- data


@dataclass
class _Data:
    feedback: Any
    orders: Any
    invitations: Any
    source: str
    files: dict[str, dict[str, Any]]


def _load_data(params: Params) -> _Data:
    from fbresearch.io import load as fbdata

    files: dict[str, dict[str, Any]] = {}

    def record(kind: str, path: Path | None) -> None:
        if path is not None and path.exists():
            files[kind] = {
                "path": str(path),
                "sha256": fbdata.file_sha256(path),
                "bytes": path.stat().st_size,
            }

    if params.data is None:
        sample = fbdata.load_sample(params.sample_size, params.seed)
        feedback, orders, invitations = sample.feedback, sample.orders, sample.invitations
        source = feedback.source
    else:
        feedback = fbdata.load_feedback(
            params.data, columns=params.columns or None, ratings=params.ratings or None
        )
        record("feedback", params.data)
        orders = fbdata.load_orders(params.orders) if params.orders is not None else None
        record("orders", params.orders)
        invitations = (
            fbdata.load_invitations(params.invitations) if params.invitations is not None else None
        )
        record("invitations", params.invitations)
        source = params.data.name
    return _Data(feedback, orders, invitations, source, files)


def _slim(inputs: _Data) -> _Data:
    """``inputs`` with only the columns :func:`headline_kpis` reads, and no orders."""
    from dataclasses import replace

    frame = inputs.feedback.frame
    keep = [c for c in ("submitted_at", *(k for k, _ in _KPIS)) if c in frame.columns]
    feedback = replace(inputs.feedback, frame=frame[keep].copy())
    return _Data(feedback, None, None, inputs.source, inputs.files)


def _release_memory() -> None:
    """Hand freed data back to the system (pyarrow's pool keeps it otherwise)."""
    import gc

    gc.collect()
    try:
        import pyarrow as pa

        pa.default_memory_pool().release_unused()
    except (ImportError, AttributeError):  # pragma: no cover - old pyarrow
        pass


def _pick_period(params: Params, period: str | None, frame: Any) -> str:
    import pandas as pd

    from fbresearch.errors import FeedbackDataError
    from fbresearch.io.load import latest_complete_month

    chosen = check_period(period, "--period") or params.period
    dates = frame["submitted_at"]
    if chosen is None:
        return str(latest_complete_month(dates))
    months = dates.dt.to_period("M")
    if not (months == pd.Period(chosen, freq="M")).any():
        covered = f"{dates.min():%Y-%m} to {dates.max():%Y-%m}" if len(dates) else "no months"
        raise FeedbackDataError(
            f"no responses in the period {chosen}; the data covers {covered}",
            column="submitted_at",
            fix="choose a period inside the data (--period YYYY-MM), or leave it empty "
            "for the latest complete month.",
        )
    return chosen


def headline_kpis(frame: Any, period: str) -> list[dict[str, Any]]:
    """NPS, CSAT and CES of the period with CIs, and their change from the month before.

    The numbers and the change test come from :func:`fbresearch.metrics.kpi_table` (by month),
    so the index page and the overview page can never disagree.
    """
    import math

    import pandas as pd

    from fbresearch.metrics import kpi_table

    current = pd.Period(period, freq="M")
    month = frame["submitted_at"].dt.to_period("M")
    window = frame.loc[(month == current) | (month == current - 1)]
    present = [column for column, _ in _KPIS if column in window.columns]
    if window.empty or not present:
        return []
    table = kpi_table(window, by="month", metrics=tuple(present))
    months = set(table.table[table.time])
    kpis = []
    for column, label in _KPIS:
        if column not in present or current not in months:
            continue
        now = table.estimate(column, month=current)
        if now.n == 0 or math.isnan(now.estimate):
            continue
        entry = {**now.to_dict(), "name": label}
        if current - 1 in months:
            before = table.estimate(column, month=current - 1)
            change = table.change(column, month=current)
            if before.n > 0 and not math.isnan(change.estimate):
                entry.update(
                    previous_period=str(current - 1),
                    previous=before.to_dict(),
                    change=change.estimate,
                    change_significant=bool(change.significant),
                )
        kpis.append(entry)
    return kpis


# --------------------------------------------------------------------------- notebooks


def _period_label(period: str) -> str:
    return datetime.strptime(period, "%Y-%m").strftime("%B %Y")


def _execute(task: dict[str, Any]) -> dict[str, Any]:
    """Run and render one notebook (in a worker process; its kernel is a child of it)."""
    import nbformat
    import papermill as pm

    from fbresearch.html import notebook_page

    # Kernel chatter goes to run.log, not to the terminal; hash seed fixed for reproducible sets.
    log_fd = os.open(task["log"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    os.dup2(log_fd, 2)
    os.environ["PYTHONHASHSEED"] = "0"
    os.environ.setdefault("JUPYTER_PLATFORM_DIRS", "1")
    start = time.perf_counter()
    error = None
    memory = _KernelMemory()
    try:
        pm.execute_notebook(
            task["input"],
            task["output"],
            parameters=task["parameters"],
            kernel_name="python3",
            cwd=task["cwd"],
            execution_timeout=task["timeout"],
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
    output = Path(task["output"])
    nb = (
        nbformat.read(output, as_version=4)
        if output.exists()
        else nbformat.read(task["input"], as_version=4)
    )
    if error is not None:
        error = _locate_error(nb, error)
    from fbresearch.html import clean_notebook

    page = notebook_page(
        nb,
        name=task["name"],
        report_title=task["title"],
        period_label=task["period_label"],
        footer=task["footer"],
        error=error,
    )
    # The executed record keeps code but, like the page, no personal data and no stderr.
    nbformat.write(clean_notebook(nb), output)
    Path(task["html"]).write_text(page, encoding="utf-8")
    title = _first_heading(nb) or task["name"]
    return {
        "name": task["name"],
        "error": error,
        "seconds": time.perf_counter() - start,
        "title": title,
        "peak_rss_mib": memory.peak_mib,
    }


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


def _first_heading(nb: Any) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return ""


def _locate_error(nb: Any, error: dict[str, Any]) -> dict[str, Any]:
    """Turn papermill's cell index (in the executed notebook) into the source notebook's cell."""
    from fbresearch.html import _redact

    index = error.get("cell_index")
    error = dict(error)
    error["evalue"] = _redact(str(error.get("evalue") or ""))
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


def _run_notebooks(
    tasks: list[dict[str, Any]], workers: int, progress: Callable[[str], None]
) -> dict[str, dict[str, Any]]:
    import multiprocessing

    results: dict[str, dict[str, Any]] = {}
    total = len(tasks)
    if not tasks:
        return results
    # Each notebook runs in its own kernel; a spawned worker pool keeps the parent's state out
    # of the workers, so 1 and N workers give the same results.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(workers, total), mp_context=context) as pool:
        futures = {pool.submit(_execute, task): task for task in tasks}
        for done, future in enumerate(as_completed(futures), start=1):
            task = futures[future]
            try:
                result = future.result()
            except Exception as exc:  # noqa: BLE001 - a worker crashed: the notebook failed
                result = {
                    "name": task["name"],
                    "error": {
                        "cell": "?",
                        "cell_index": None,
                        "ename": type(exc).__name__,
                        "evalue": str(exc),
                        "source": "",
                    },
                    "seconds": 0.0,
                    "title": task["name"],
                    "peak_rss_mib": None,
                }
            results[task["name"]] = result
            status = (
                "ok"
                if result["error"] is None
                else f"FAILED at cell {result['error'].get('cell', '?')}"
            )
            progress(f"[{done}/{total}] {task['name']} ... {status} {result['seconds']:.1f} s")
    return results


# --------------------------------------------------------------------------- manifest, index


def _versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


def _git() -> dict[str, Any] | None:
    if not (REPO / ".git").exists():
        return None
    try:
        commit = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return {"commit": commit, "dirty": bool(dirty)}


def _json_ready(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_ready(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, float) and value != value:
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def _write_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def _update_reports_index(out: Path, title: str) -> Path:
    """Rewrite ``<out>/index.html`` from every period's manifest, newest first."""
    import re

    from fbresearch.html import reports_page

    periods = []
    for folder in sorted(out.iterdir(), reverse=True):
        if not (folder.is_dir() and re.fullmatch(r"\d{4}-\d{2}", folder.name)):
            continue
        manifest_path = folder / "manifest.json"
        if not manifest_path.exists():
            continue
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        except ValueError:
            continue
        periods.append(
            {
                "period": folder.name,
                "label": _period_label(folder.name),
                "status": manifest.get("status", "ok"),
                "kpis": manifest.get("headline", []),
                "notebooks": [
                    {"name": n["name"], "title": n.get("title") or n["name"]}
                    for n in manifest.get("notebooks", [])
                ],
            }
        )
    page = reports_page(report_title=title, periods=periods, footer={"source": "", "rows": ""})
    target = out / "index.html"
    _write_text(target, page)
    return target


# --------------------------------------------------------------------------- run_report


def _print(line: str) -> None:
    print(line, flush=True)


def run_report(
    params: str | os.PathLike[str] | Mapping[str, Any] | None = None,
    period: str | None = None,
    out: str | os.PathLike[str] = "reports",
    *,
    data: str | os.PathLike[str] | None = None,
    dry_run: bool = False,
    workers: int | None = None,
    progress: Callable[[str], None] | None = _print,
) -> ReportRun:
    """Run the monthly report: every notebook in params, rendered to ``<out>/<period>/``.

    Parameters
    ----------
    params : path, dict or None
        Params YAML (``params/monthly.yaml`` when None); see :func:`load_params`.
    period : str, optional
        ``"YYYY-MM"``; overrides params. Default: the latest complete month in the data.
    out : path
        The reports folder; the period is written to ``<out>/<period>/`` and every period is
        listed in ``<out>/index.html``.
    data : path, optional
        Feedback file overriding params' ``data`` (a file in canonical columns needs no mapping).
    dry_run : bool
        Validate params and data, pick the period and list what would run; write nothing.
    workers : int, optional
        Notebooks run in parallel by this many processes (params ``report.workers`` when None).
        Results do not depend on it.
    progress : callable, optional
        Receives one line per notebook (``"[2/6] topics ... ok 12.3 s"``); ``None`` is silent.

    Returns
    -------
    ReportRun

    Raises
    ------
    ParamsError, FeedbackDataError
        Invalid params or data (nothing is written).
    ReportLockedError
        Another run is writing the same period.
    ReportError
        A notebook failed; the message names the notebook and cell, ``.run`` holds the
        :class:`ReportRun` (the failed run is kept in ``<out>/<period>.failed/``; earlier
        periods and ``<out>/index.html`` are untouched).

    Examples
    --------
    A dry run validates params and data and lists what would run, writing nothing:

    >>> run = run_report({"notebooks": {}, "sample_size": 500}, dry_run=True, progress=None)
    >>> run.status, run.period
    ('dry-run', '2026-10')
    """
    say = progress or (lambda line: None)
    started = datetime.now(UTC)
    t0 = time.perf_counter()
    loaded = load_params(params)
    if data is not None:
        loaded = load_params({**loaded.raw, "data": str(Path(data).resolve())})
    if workers is not None and (
        isinstance(workers, bool) or not isinstance(workers, int) or workers < 1
    ):
        raise ParamsError(f"workers must be a whole number >= 1, not {workers!r}.")
    n_workers = workers or loaded.workers
    inputs = _load_data(loaded)
    frame = inputs.feedback.frame
    chosen = _pick_period(loaded, period, frame)
    month = frame["submitted_at"].dt.to_period("M")
    rows = {
        "feedback": len(frame),
        "feedback_read": int(inputs.feedback.n_read),
        "period": int((month == chosen).sum()),
        "orders": None if inputs.orders is None else len(inputs.orders),
        "invitations": None if inputs.invitations is None else len(inputs.invitations),
    }
    names = list(loaded.notebooks)
    if dry_run:
        say(
            f"Dry run: period {chosen}, data {inputs.source} ({rows['feedback']:,} responses, "
            f"{rows['period']:,} in the period), {n_workers} worker(s)."
        )
        for i, name in enumerate(names, start=1):
            own = loaded.notebooks[name]
            extra = ", ".join(f"{k}={v!r}" for k, v in own.items()) or "defaults"
            say(f"[{i}/{len(names)}] {name} would run with {extra}")
        say(f"Would write {Path(out) / chosen}/ and update {Path(out) / 'index.html'}.")
        return ReportRun(
            chosen,
            "dry-run",
            None,
            [NotebookRun(n, "planned", parameters=loaded.notebooks[n]) for n in names],
            {},
            "dry run: nothing was run",
        )

    out = Path(out).resolve()  # notebooks run with their own folder as working directory
    out.mkdir(parents=True, exist_ok=True)
    title = loaded.report["title"]
    with period_lock(out, chosen):
        staging = Path(tempfile.mkdtemp(prefix=f".{chosen}.building-", dir=out))
        staging.chmod(0o755)  # mkdtemp makes it private; reports are read from file shares
        work = Path(tempfile.mkdtemp(prefix="fbresearch-data-"))  # canonical data: never under out/
        handler = logging.FileHandler(staging / "run.log", encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        try:
            from fbresearch.io.load import write_canonical

            log.info(
                "fbresearch report: period %s, params %s, data %s, %d worker(s)",
                chosen,
                loaded.source,
                inputs.source,
                n_workers,
            )
            paths = write_canonical(
                inputs.feedback, work, orders=inputs.orders, invitations=inputs.invitations
            )
            canonical = {k: {"file": Path(p).name, "sha256": _sha(p)} for k, p in paths.items()}
            # The notebooks read the canonical files; keep only what the index page needs
            # (headline KPIs), so the runner holds little memory while the kernels run.
            inputs = _slim(inputs)
            frame = month = None
            _release_memory()
            for kind, info in inputs.files.items():
                log.info("input %s: %s sha256 %s", kind, info["path"], info["sha256"])
            footer = {
                "source": inputs.source,
                "rows": f"{rows['feedback']:,} responses in total, "
                f"{rows['period']:,} in {_period_label(chosen)}",
                "generated": started.strftime("%Y-%m-%d %H:%M UTC"),
            }
            common = {
                "period": chosen,
                "data_path": str(paths["feedback"]),
                "orders_path": str(paths["orders"]) if "orders" in paths else None,
                "invitations_path": str(paths["invitations"]) if "invitations" in paths else None,
                "quality_path": str(paths["quality"]) if "quality" in paths else None,
                "sample_size": loaded.sample_size,
                "seed": loaded.seed,
            }
            from fbresearch.params import notebook_parameters

            tasks = []
            for name in names:
                source_nb = loaded.notebooks_dir / f"{name}.ipynb"
                declared = set(notebook_parameters(source_nb))
                parameters = {k: v for k, v in common.items() if k in declared}
                if "findings_path" in declared:
                    parameters["findings_path"] = str(staging / f"{name}.findings.json")
                parameters.update(loaded.notebooks[name])
                tasks.append(
                    {
                        "name": name,
                        "input": str(source_nb),
                        "output": str(staging / f"{name}.ipynb"),
                        "html": str(staging / f"{name}.html"),
                        "parameters": parameters,
                        "cwd": str(loaded.notebooks_dir),
                        "timeout": loaded.report["timeout"],
                        "log": str(staging / "run.log"),
                        "title": title,
                        "period_label": _period_label(chosen),
                        "footer": {**footer, "seconds": None},
                    }
                )

            def note(line: str) -> None:
                log.info(line)
                say(line)

            results = _run_notebooks(tasks, n_workers, note)
            return _finish(
                out=out,
                staging=staging,
                chosen=chosen,
                loaded=loaded,
                inputs=inputs,
                rows=rows,
                tasks=tasks,
                results=results,
                canonical=canonical,
                footer=footer,
                started=started,
                t0=t0,
                title=title,
                say=say,
                n_workers=n_workers,
            )
        except BaseException:
            if staging.exists():
                log.exception("run aborted")
                handler.flush()
                # keep what was produced, with run.log, for diagnosis; published periods stay
                _replace_folder(staging, out / f"{chosen}.failed")
            raise
        finally:
            log.removeHandler(handler)
            handler.close()
            shutil.rmtree(work, ignore_errors=True)
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)


def _sha(path: Any) -> str:
    from fbresearch.io.load import file_sha256

    return file_sha256(path)


def _finish(
    *,
    out,
    staging,
    chosen,
    loaded,
    inputs,
    rows,
    tasks,
    results,
    canonical,
    footer,
    started,
    t0,
    title,
    say,
    n_workers,
) -> ReportRun:  # noqa: ANN001
    from fbresearch.findings import read_findings, top_findings
    from fbresearch.html import period_page

    runs: list[NotebookRun] = []
    all_findings = []
    for task in tasks:
        name = task["name"]
        result = results[name]
        found = read_findings(staging / f"{name}.findings.json")
        for f in found:
            all_findings.append(
                f if f.analysis else type(f)(f.sentence, f.estimate, f.importance, name)
            )
        runs.append(
            NotebookRun(
                name=name,
                status="ok" if result["error"] is None else "failed",
                seconds=result["seconds"],
                title=result["title"],
                findings=len(found),
                error=result["error"],
                parameters=task["parameters"],
                peak_rss_mib=result.get("peak_rss_mib"),
            )
        )
    failed = [r for r in runs if r.status == "failed"]
    status = "failed" if failed else "ok"
    kpis = headline_kpis(inputs.feedback.frame, chosen)
    top = [f.to_dict() for f in top_findings(all_findings, int(loaded.report["findings"]))]
    message = ""
    if failed:
        first = failed[0]
        err = first.error or {}
        message = (
            f"Notebook '{first.name}' failed in cell {err.get('cell', '?')}"
            + (f" ({err['source']!r})" if err.get("source") else "")
            + f": {err.get('ename', 'Error')}: {err.get('evalue', '')}"
        )
        if len(failed) > 1:
            message += f" (and {len(failed) - 1} more: {', '.join(r.name for r in failed[1:])})"
    finished = datetime.now(UTC)
    manifest = {
        "fbresearch": _versions().get("fbresearch", ""),
        "title": title,
        "period": chosen,
        "status": status,
        "message": message,
        "started_at": started.isoformat(timespec="seconds"),
        "finished_at": finished.isoformat(timespec="seconds"),
        "seconds": round(time.perf_counter() - t0, 2),
        "params_file": loaded.source,
        "params": _json_ready(loaded.raw),
        "data": {
            "source": inputs.source,
            "files": inputs.files,
            "canonical": canonical,
            "rows": rows,
            "quality": _quality_counts(inputs.feedback.quality),
        },
        "packages": _versions(),
        "platform": platform.platform(),
        "git": _git(),
        "workers": n_workers,
        "notebooks": [r.to_dict() for r in runs],
        "headline": kpis,
        "findings": top,
    }
    failed_text = ""
    if failed:
        failed_text = (
            message
            + ". The executed notebooks are kept in this folder; the previous report for this "
            "period (if any) is unchanged."
        )
    page = period_page(
        report_title=title,
        period_label=_period_label(chosen),
        kpis=kpis,
        findings=top,
        notebooks=[r.to_dict() for r in runs],
        footer={**footer, "seconds": f"{manifest['seconds']:.0f} s"},
        failed=failed_text,
    )
    (staging / "index.html").write_text(page, encoding="utf-8")
    (staging / "manifest.json").write_text(
        json.dumps(_json_ready(manifest), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    log.info("run %s in %.1f s", status, manifest["seconds"])

    target = out / (chosen if not failed else f"{chosen}.failed")
    _replace_folder(staging, target)
    if failed:
        run = ReportRun(chosen, "failed", target, runs, manifest, message)
        error = ReportError(
            f"{message}. The failed run is kept in {target}/ (open {first.name}.html or "
            f"{first.name}.ipynb); {out / chosen}/ and {out / 'index.html'} are unchanged.",
            notebook=first.name,
            cell_index=err.get("cell_index"),
            ename=err.get("ename"),
            evalue=err.get("evalue"),
        )
        error.run = run  # type: ignore[attr-defined]
        raise error
    index = _update_reports_index(out, title)
    say(
        f"Report for {chosen} written to {target}/ ({len(runs)} notebook(s), "
        f"{manifest['seconds']:.1f} s); all periods: {index}"
    )
    return ReportRun(
        chosen, "ok", target, runs, manifest, f"report for {chosen} written to {target}"
    )


def _quality_counts(quality: Any) -> list[dict[str, Any]]:
    try:
        return [
            {
                "check": str(r["check"]),
                "column": None if r["column"] is None else str(r["column"]),
                "rows": int(r["rows"]),
                "action": str(r["action"]),
            }
            for r in quality.to_dict("records")
        ]
    except (AttributeError, KeyError, TypeError, ValueError):
        return []


def _replace_folder(staging: Path, target: Path) -> None:
    """Move a complete ``staging`` folder to ``target``; an existing target goes only afterwards."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        if old.exists():
            shutil.rmtree(old)
        target.rename(old)
    try:
        staging.rename(target)
    except OSError:
        if old is not None:
            old.rename(target)  # put the previous report back
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def exit_code(error: BaseException) -> int:
    """The CLI exit code for an error (see ``fbresearch --help``)."""
    from fbresearch.errors import FeedbackDataError

    if isinstance(error, ReportLockedError):
        return 3
    if isinstance(error, ReportError):
        return 1
    if isinstance(error, ParamsError | FeedbackDataError | FileNotFoundError):
        return 2
    if isinstance(error, FbResearchError):
        return 2
    return 4
