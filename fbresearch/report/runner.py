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

import errno
import json
import logging
import os
import platform
import shutil
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fbresearch.errors import (
    FbResearchError,
    FeedbackDataError,
    ParamsError,
    ReportError,
    ReportLockedError,
)
from fbresearch.io import canonical as fbdata
from fbresearch.io.inputs import write_inputs
from fbresearch.present.findings import read_findings, read_tests, summary_note, top_findings
from fbresearch.privacy import redact
from fbresearch.report.cluster import check_scheduler, run_pages
from fbresearch.report.data import (
    Inputs,
    kpi_source,
    load_data,
    pick_period,
    release_memory,
    slim,
)
from fbresearch.report.data import with_overrides as override
from fbresearch.report.exports import write_exports
from fbresearch.report.folders import check_out, owner_only, publish, remove_leftovers
from fbresearch.report.html import period_page
from fbresearch.report.index import headline_kpis, period_label, read_outlook, update_reports_index
from fbresearch.report.lock import period_lock
from fbresearch.report.manifest import git_state, json_ready, quality_counts, versions
from fbresearch.report.pages import HEADLINE_PAGE, headline_confidence
from fbresearch.report.params import (
    Params,
    check_improvements,
    load_params,
    notebook_defaults,
    notebook_parameters,
)
from fbresearch.report.plan import DataSummary, PagePlan, plan_pages, trim_notebook
from fbresearch.report.units import UnitPlan, finish_units, plan_units, unit_tasks, units_view

# the package's report API is re-exported by fbresearch/report/__init__.py; this module's own:
__all__ = ["run_report", "ReportRun", "NotebookRun", "exit_code", "auto_workers"]

log = logging.getLogger("fbresearch.report")


@dataclass(frozen=True)
class NotebookRun:
    """How one notebook ran.

    Attributes
    ----------
    name : str
    status : str
        ``"complete"``, ``"partial"`` (some sections left out), ``"skipped"`` (not run: the
        data cannot support it), ``"failed"`` or ``"planned"`` (dry run).
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
    left_out : tuple of dict
        The sections left out by the page plan: ``section``, ``title``, ``reason``, ``fix``.
    """

    name: str
    status: str
    seconds: float = 0.0
    title: str = ""
    findings: int = 0
    error: dict[str, Any] | None = None
    parameters: dict[str, Any] = field(default_factory=dict, repr=False)
    peak_rss_mib: float | None = None
    left_out: tuple[dict[str, str], ...] = ()

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
            "left_out": [dict(s) for s in self.left_out],
            "ipynb": None if self.status == "skipped" else f"{self.name}.ipynb",
            "html": None if self.status == "skipped" else f"{self.name}.html",
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
    plan : dict
        Page name -> :class:`~fbresearch.report.plan.PagePlan` (what each page shows).
    """

    period: str
    status: str
    folder: Path | None
    notebooks: list[NotebookRun]
    manifest: dict[str, Any] = field(repr=False, default_factory=dict)
    message: str = ""
    plan: dict[str, PagePlan] = field(default_factory=dict, repr=False)

    @property
    def ok(self) -> bool:
        return self.status in ("ok", "dry-run")

    @property
    def index(self) -> Path | None:
        return self.folder / "index.html" if self.folder is not None else None


# --------------------------------------------------------------------------- run_report


def _print(line: str) -> None:
    print(line, flush=True)


#: up to this many responses, "auto" runs two notebooks at a time (measured: 100,000 responses
#: 70 s with 2 workers, 87 s with 1, peak 2.3 GiB; at 1,000,000 two workers need ~6 GiB)
AUTO_TWO_WORKERS_MAX_ROWS = 200_000


def auto_workers(rows: int) -> int:
    """Notebooks run at once for ``report.workers: auto``: 2 on a multi-core machine and data
    of at most :data:`AUTO_TWO_WORKERS_MAX_ROWS` responses, else 1 (results never depend on it).

    Examples
    --------
    >>> auto_workers(5_000) <= 2, auto_workers(1_000_000)
    (True, 1)
    """
    cores = os.cpu_count() or 1
    return 2 if cores >= 2 and rows <= AUTO_TWO_WORKERS_MAX_ROWS else 1


def run_report(
    params: str | os.PathLike[str] | Mapping[str, Any] | None = None,
    period: str | None = None,
    out: str | os.PathLike[str] = "reports",
    *,
    data: str | os.PathLike[str] | None = None,
    dry_run: bool = False,
    workers: int | None = None,
    progress: Callable[[str], None] | None = _print,
    by: str | None = None,
    engine: str | None = None,
) -> ReportRun:
    """Run the monthly report: every notebook in params, rendered to ``<out>/<period>/``.

    Parameters
    ----------
    params : path, dict or None
        Params YAML (``params/monthly.yaml`` when None); see :func:`load_params`.
    period : str, optional
        ``"YYYY-MM"``; overrides params. Default: the latest complete month in the data.
    out : path
        The reports folder: the period goes to ``<out>/<period>/``, each listed in its index.html.
    data : path, optional
        Feedback file overriding params' ``data`` (a file in canonical columns needs no mapping).
    dry_run : bool
        Validate params and data, pick the period and list what would run; write nothing.
    workers : int, optional
        Notebooks run at once, in processes (params ``report.workers`` when None); same results.
    progress : callable, optional
        Receives one line per notebook (``"[2/6] topics ... ok 12.3 s"``); ``None`` is silent.
    by : str, optional
        Unit column (params ``report.by`` when None): also write one report per unit under
        ``<out>/<period>/units/<unit>/`` (see :mod:`fbresearch.report.units`).
    engine : {"pandas", "duckdb", "dask"}, optional
        What scans the data (params ``report.engine`` when None); the tables do not change.
        With ``dask`` the pages also run as tasks on the cluster (:mod:`.cluster`).

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

    >>> run = run_report({"pages": [], "sample_size": 500}, dry_run=True, progress=None)
    >>> run.status, run.period
    ('dry-run', '2026-10')
    """
    # Length: half of this function is its docstring; the body is ~40 lines.
    say = (lambda line: progress(redact(line))) if progress else (lambda line: None)
    started = datetime.now(UTC)
    t0 = time.perf_counter()
    loaded = override(load_params(params), data=data, engine=engine)
    if workers is not None and (
        isinstance(workers, bool) or not isinstance(workers, int) or workers < 1
    ):
        raise ParamsError(f"workers must be a whole number >= 1, not {workers!r}.")
    check_out(Path(out))
    check_scheduler(loaded.engine, loaded.scheduler)  # a cluster that is down: before any work
    inputs = load_data(loaded, period)  # an engine reads responses up to the period's end
    frame = inputs.feedback.frame
    check_improvements(loaded, frame)
    n_workers = workers or loaded.workers or auto_workers(len(frame))
    chosen = pick_period(loaded, period, frame, say=say, large=inputs.large)
    month = frame["submitted_at"].dt.to_period("M")
    rows = {
        "feedback": len(frame),
        "feedback_read": int(inputs.feedback.n_read),
        "period": int((month == chosen).sum()),
        "orders": None if inputs.orders is None else len(inputs.orders),
        "invitations": None if inputs.invitations is None else len(inputs.invitations),
    }
    if inputs.large is not None:  # large data: the pages get a sample (fbresearch.report.large)
        rows.update(inputs.large.rows())
    files = {"orders": inputs.orders, "invitations": inputs.invitations}
    plan = plan_pages(DataSummary.from_frame(frame, chosen, files, loaded), loaded)
    if inputs.large is not None:
        plan = inputs.large.annotate(plan)
    units = plan_units(loaded, frame, chosen, files, by=by, confidence=_headline_confidence(loaded))
    frame = month = None
    if dry_run:
        if units is not None:
            say(
                f"Unit reports by {units.by}: {len(units.shown)} of {len(units.units)} units "
                f"(pages {', '.join(units.pages)}; smaller units are not shown)."
            )
        return _dry_run(loaded, inputs, rows, chosen, n_workers, Path(out), say, plan)
    out = Path(out).resolve()  # notebooks run with their own folder as working directory
    out.mkdir(parents=True, exist_ok=True)
    with period_lock(out, chosen):
        return _run_locked(
            loaded=loaded,
            inputs=inputs,
            rows=rows,
            chosen=chosen,
            out=out,
            n_workers=n_workers,
            started=started,
            t0=t0,
            say=say,
            plan=plan,
            units=units,
        )


def _dry_run(
    loaded: Params,
    inputs: Inputs,
    rows: dict[str, Any],
    chosen: str,
    n_workers: int,
    out: Path,
    say: Callable[[str], None],
    plan: dict[str, PagePlan],
) -> ReportRun:
    names = list(loaded.notebooks)
    say(
        f"Dry run: period {chosen}, data {inputs.source} ({rows['feedback']:,} responses, "
        f"{rows['period']:,} in the period), {n_workers} worker(s)."
    )
    for i, name in enumerate(names, start=1):
        own = {**loaded.notebooks[name], **plan[name].parameters}
        extra = ", ".join(f"{k}={v!r}" for k, v in own.items()) or "defaults"
        if plan[name].status == "skipped":
            say(f"[{i}/{len(names)}] {name}: {plan[name].summary()}; would not run")
        else:
            say(f"[{i}/{len(names)}] {name}: {plan[name].summary()}; would run with {extra}")
    say(f"Would write {out / chosen}/ and update {out / 'index.html'}.")
    runs = [
        NotebookRun(
            n,
            "planned",
            parameters={**loaded.notebooks[n], **plan[n].parameters},
            left_out=tuple(plan[n].left_out),
        )
        for n in names
    ]
    return ReportRun(chosen, "dry-run", None, runs, {}, "dry run: nothing was run", plan)


def _run_locked(
    *,
    loaded: Params,
    inputs: Inputs,
    rows: dict[str, Any],
    chosen: str,
    out: Path,
    n_workers: int,
    started: datetime,
    t0: float,
    say: Callable[[str], None],
    plan: dict[str, PagePlan],
    units: UnitPlan | None = None,
) -> ReportRun:
    """Stage, execute and publish the period while its lock is held.

    Length: one try/except/finally, so that staging, the log handler and the canonical data
    are cleaned up (or kept as ``.failed``) in one place.
    """
    remove_leftovers(out)
    pid = os.getpid()
    # owner-only (mkdtemp: 0700) while it is built: opened to readers when published
    staging = Path(tempfile.mkdtemp(prefix=f".{chosen}.building-{pid}-", dir=out))
    # canonical data (every raw verbatim): owner-only (mkdtemp: 0700), never under out/
    work = Path(tempfile.mkdtemp(prefix=f"fbresearch-data-{pid}-"))
    handler = logging.FileHandler(staging / "run.log", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    try:
        log.info(
            "fbresearch report: period %s, params %s, data %s, %d worker(s)",
            chosen,
            loaded.source,
            inputs.source,
            n_workers,
        )
        footer = {
            "source": inputs.source,
            "rows": f"{rows['feedback']:,} responses in total, "
            f"{rows['period']:,} in {period_label(chosen)}"
            + (f"; pages use a random sample of {rows['sampled']:,}" if "sampled" in rows else ""),
            "generated": started.strftime("%Y-%m-%d %H:%M UTC"),
        }
        with owner_only():  # the raw data files: 0600 from the moment they exist
            paths = fbdata.write_canonical(
                inputs.feedback, work, orders=inputs.orders, invitations=inputs.invitations
            )
            frame = inputs.feedback.frame
            extra = (
                []
                if units is None
                else unit_tasks(units, loaded, chosen, frame, paths, staging, footer, _build_tasks)
            )
        canonical = {
            k: {"file": Path(p).name, "sha256": fbdata.file_sha256(p)} for k, p in paths.items()
        }
        # The notebooks read the canonical files; keep only what the index page needs
        # (headline KPIs), so the runner holds little memory while the kernels run.
        inputs, frame = slim(inputs), None
        release_memory()
        for kind, info in inputs.files.items():
            log.info("input %s: %s sha256 %s", kind, info["path"], info["sha256"])
        tasks = _build_tasks(loaded, chosen, paths, staging, footer, plan)

        def note(line: str) -> None:
            log.info(line)
            say(line)

        for name, page_plan in plan.items():
            if page_plan.status == "skipped":
                note(f"{name}: {page_plan.summary()}; not run")
        # where pages run: the local pool, or tasks on the Dask cluster (engine dask)
        results = run_pages(
            tasks + extra, n_workers, note, engine=loaded.engine, scheduler=loaded.scheduler
        )
        shutil.rmtree(staging / ".plan", ignore_errors=True)
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
            say=say,
            n_workers=n_workers,
            plan=plan,
            units=units,
        )
    except BaseException as exc:
        if staging.exists():
            log.exception("run aborted")
            handler.flush()
            # keep what was produced, with run.log, for diagnosis; published periods stay
            publish(staging, out / f"{chosen}.failed")
        if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
            raise OSError(
                errno.ENOSPC,
                f"no space left on the device writing {out}: free space or choose another "
                f"--out; earlier reports in {out} are unchanged",
            ) from exc
        raise
    finally:
        log.removeHandler(handler)
        handler.close()
        shutil.rmtree(work, ignore_errors=True)
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def _build_tasks(
    loaded: Params,
    chosen: str,
    paths: Mapping[str, Any],
    staging: Path,
    footer: Mapping[str, Any],
    plan: Mapping[str, PagePlan],
    min_responses: int | None = None,
) -> list[dict[str, Any]]:
    """One task per notebook the plan runs: the protocol parameters it declares, its own from
    params and the plan's outcome fallback (skipped pages get no task).

    Every notebook gets the same ``inputs_path``: one inputs file, written beside the canonical
    data, that says where the data, orders, invitations and quality report are. A partial page
    (or one whose outcome the plan changed) runs from a trimmed copy in ``staging/.plan/``.
    ``min_responses`` (a unit's pages) is the anonymity threshold the inputs file hands them.
    """
    import nbformat

    with owner_only():
        inputs_path = write_inputs(
            Path(paths["feedback"]).parent / "inputs.json",
            data_path=paths["feedback"],
            orders_path=paths.get("orders"),
            invitations_path=paths.get("invitations"),
            quality_path=paths.get("quality"),
            sample_size=loaded.sample_size,
            min_responses=min_responses,
        )
    common = {"period": chosen, "inputs_path": str(inputs_path), "seed": loaded.seed}
    tasks = []
    for name in loaded.notebooks:
        page_plan = plan[name]
        if page_plan.status == "skipped":
            continue
        source_nb = loaded.notebooks_dir / f"{name}.ipynb"
        declared = set(notebook_parameters(source_nb))
        parameters = {k: v for k, v in common.items() if k in declared}
        if "findings_path" in declared:
            parameters["findings_path"] = str(staging / f"{name}.findings.json")
        if "outlook_path" in declared:  # the index's outlook block (issue 19)
            parameters["outlook_path"] = str(staging / f"{name}.outlook.json")
        parameters.update(loaded.notebooks[name])
        parameters.update({k: v for k, v in page_plan.parameters.items() if k in declared})
        if page_plan.status == "partial" or page_plan.notes:
            trimmed = trim_notebook(nbformat.read(source_nb, as_version=4), page_plan)
            source_nb = staging / ".plan" / f"{name}.ipynb"
            source_nb.parent.mkdir(exist_ok=True)
            nbformat.write(trimmed, source_nb)
        tasks.append(
            {
                "name": name,
                "plan_status": page_plan.status,
                "input": str(source_nb),
                "output": str(staging / f"{name}.ipynb"),
                "html": str(staging / f"{name}.html"),
                "parameters": parameters,
                "cwd": str(loaded.notebooks_dir),
                "timeout": loaded.report["timeout"],
                "log": str(staging / "run.log"),
                "title": loaded.report["title"],
                "period_label": period_label(chosen),
                "footer": {**footer, "seconds": None},
            }
        )
    return tasks


def _headline_confidence(loaded: Params) -> float:
    """The headline page's ``confidence``: its params value, else its notebook's default."""
    if HEADLINE_PAGE not in loaded.notebooks:
        return headline_confidence(None)
    defaults = notebook_defaults(loaded.notebooks_dir / f"{HEADLINE_PAGE}.ipynb")
    return headline_confidence({**defaults, **loaded.notebooks[HEADLINE_PAGE]})


def _failure_message(failed: list[NotebookRun]) -> str:
    if not failed:
        return ""
    first, err = failed[0], failed[0].error or {}
    message = (
        f"Notebook '{first.name}' failed in cell {err.get('cell', '?')}"
        + (f" ({err['source']!r})" if err.get("source") else "")
        + f": {err.get('ename', 'Error')}: {err.get('evalue', '')}"
    )
    if len(failed) > 1:
        message += f" (and {len(failed) - 1} more: {', '.join(r.name for r in failed[1:])})"
    return message


def _skipped(loaded: Params, name: str, page_plan: PagePlan) -> NotebookRun:
    """The run record of a page the plan skipped (titled from its source notebook)."""
    import nbformat

    from fbresearch.report.execute import first_heading

    nb = nbformat.read(loaded.notebooks_dir / f"{name}.ipynb", as_version=4)
    return NotebookRun(
        name=name,
        status="skipped",
        title=first_heading(nb) or name,
        parameters=dict(loaded.notebooks[name]),
        left_out=tuple(page_plan.left_out),
    )


def _collect(
    tasks: list[dict[str, Any]],
    results: Mapping[str, dict[str, Any]],
    staging: Path,
    loaded: Params,
    plan: Mapping[str, PagePlan],
) -> tuple[list[NotebookRun], list[Any], list[dict[str, Any]]]:
    """Every page's run record, in run order, the headline findings (tagged with the
    notebook's name) and every page's family of tests (for the summary's own FDR check)."""
    runs: list[NotebookRun] = []
    all_findings = []
    tests: list[dict[str, Any]] = []
    by_name = {task["name"]: task for task in tasks}
    for name in loaded.notebooks:
        if name not in by_name:
            runs.append(_skipped(loaded, name, plan[name]))
            continue
        task = by_name[name]
        result = results[name]
        found = read_findings(staging / f"{name}.findings.json")
        tests.extend(read_tests(staging / f"{name}.findings.json"))
        for f in found:
            all_findings.append(f if f.analysis else replace(f, analysis=name))
        runs.append(
            NotebookRun(
                name=name,
                status=plan[name].status if result["error"] is None else "failed",
                seconds=result["seconds"],
                title=result["title"],
                findings=len(found),
                error=result["error"],
                parameters=task["parameters"],
                peak_rss_mib=result.get("peak_rss_mib"),
                left_out=tuple(plan[name].left_out),
            )
        )
    return runs, all_findings, tests


def _finish(
    *,
    out: Path,
    staging: Path,
    chosen: str,
    loaded: Params,
    inputs: Inputs,
    rows: dict[str, Any],
    tasks: list[dict[str, Any]],
    results: Mapping[str, dict[str, Any]],
    canonical: dict[str, Any],
    footer: dict[str, Any],
    started: datetime,
    t0: float,
    say: Callable[[str], None],
    n_workers: int,
    plan: dict[str, PagePlan],
    units: UnitPlan | None = None,
) -> ReportRun:
    """Write index.html and manifest.json into staging, then publish (or keep as .failed).

    Length: a third of it is the manifest's literal (one key a line, read as the file's schema).
    """
    title = loaded.report["title"]
    runs, all_findings, tests = _collect(tasks, results, staging, loaded, plan)
    failed = [r for r in runs if r.status == "failed"]
    confidence = _headline_confidence(loaded)
    kpis = headline_kpis(kpi_source(inputs), chosen, confidence=confidence, params=loaded)
    level = 0.95 if confidence is None else float(confidence)
    block = None
    if units is not None:  # each unit's index.html; the units table of this period's index
        block = finish_units(
            units,
            results,
            staging,
            title=title,
            chosen=chosen,
            footer=footer,
            findings=int(loaded.report["findings"]),
            confidence=level,
        )
        failed += [NotebookRun(n, "failed", error=results[n]["error"]) for n in block["failed"]]
    status = "failed" if failed else "ok"
    chosen_top = top_findings(all_findings, int(loaded.report["findings"]), tests, level)
    top = [f.to_dict() for f in chosen_top]
    note = summary_note(all_findings, tests, f"in {period_label(chosen)}", level)
    outlook = read_outlook([staging / f"{r.name}.outlook.json" for r in runs])
    message = _failure_message(failed)
    manifest = {
        "fbresearch": versions().get("fbresearch", ""),
        "title": title,
        "period": chosen,
        "status": status,
        "message": message,
        "started_at": started.isoformat(timespec="seconds"),
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds": round(time.perf_counter() - t0, 2),
        "params_file": loaded.source,
        "params": json_ready(loaded.raw),
        "data": {
            "source": inputs.source,
            "files": inputs.files,
            "canonical": canonical,
            "rows": rows,
            "quality": quality_counts(inputs.feedback.quality),
        },
        "packages": versions(),
        "platform": platform.platform(),
        "git": git_state(),
        "workers": n_workers,
        "notebooks": [r.to_dict() for r in runs],
        "headline": kpis,
        "findings": top,
        "summary_note": note,
        "exports": write_exports(staging, [r.name for r in runs if r.status != "skipped"]),
        "outlook": outlook,
        "units": block,
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
        period_label=period_label(chosen),
        kpis=kpis,
        findings=top,
        summary_note=note,
        notebooks=[r.to_dict() for r in runs],
        footer={**footer, "seconds": f"{manifest['seconds']:.0f} s"},
        outlook=outlook,
        failed=failed_text,
        units=units_view(block),
    )
    (staging / "index.html").write_text(page, encoding="utf-8")
    (staging / "manifest.json").write_text(
        json.dumps(json_ready(manifest), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    log.info("run %s in %.1f s", status, manifest["seconds"])

    target = out / (chosen if not failed else f"{chosen}.failed")
    publish(staging, target)
    if failed:
        first, err = failed[0], failed[0].error or {}
        run = ReportRun(chosen, "failed", target, runs, manifest, message, plan)
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
    index = update_reports_index(out, title)
    say(
        f"Report for {chosen} written to {target}/ ({_page_counts(runs)}; "
        f"{manifest['seconds']:.1f} s); all periods: {index}"
    )
    return ReportRun(
        chosen, "ok", target, runs, manifest, f"report for {chosen} written to {target}", plan
    )


def _page_counts(runs: list[NotebookRun]) -> str:
    """``"6 pages: 4 complete, 1 partial, 1 skipped"`` (statuses with no page left out).

    Examples
    --------
    >>> _page_counts([NotebookRun("a", "complete"), NotebookRun("b", "skipped")])
    '2 pages: 1 complete, 1 skipped'
    >>> _page_counts([NotebookRun("a", "complete")])
    '1 page: 1 complete'
    """
    counts = [
        f"{n} {s}"
        for s in ("complete", "partial", "skipped", "failed")
        if (n := sum(r.status == s for r in runs))
    ]
    noun = "page" if len(runs) == 1 else "pages"
    return f"{len(runs)} {noun}" + (": " + ", ".join(counts) if counts else "")


def exit_code(error: BaseException) -> int:
    """The CLI exit code for an error (see ``fbresearch --help``).

    Examples
    --------
    >>> exit_code(ReportLockedError("busy")), exit_code(ParamsError("bad")), exit_code(OSError())
    (3, 2, 4)
    """
    if isinstance(error, ReportLockedError):
        return 3
    if isinstance(error, ReportError):
        return 1
    if isinstance(error, ParamsError | FeedbackDataError | FileNotFoundError):
        return 2
    if isinstance(error, FbResearchError):
        return 2
    return 4
