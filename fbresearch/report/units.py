"""Unit reports: the organisation's report plus one per unit (region, store, product line).

``fbresearch report --by region`` (or ``report.by`` in params) adds, for every value of the
column, ``<period>/units/<folder>/``: the pages of ``report.unit_pages`` (default overview and
closed_loop) run on the unit's own responses, and the unit's ``index.html`` with its headline
KPIs, its comparison with the rest of the organisation
(:func:`fbresearch.analyses.kpis.units.unit_vs_rest`: difference with CI, Benjamini-Hochberg
across every unit and KPI) and its pages' findings. The period's index lists the units with
their KPIs and verdicts.

Anonymity: a unit with fewer than ``report.min_responses`` responses in the month gets no
report, no number on any page (not even its count) and says so; so do KPI cells with fewer
answers. Unit pages run in the same worker pool as the organisation's, each in its own kernel
with the run's seed, so 1 and N workers give the same pages.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from fbresearch.analyses.kpis.units import UnitComparison, unit_vs_rest
from fbresearch.analyses.kpis.units_narrative import anonymity_note, family_note, unit_name
from fbresearch.errors import ParamsError
from fbresearch.present.findings import read_findings, read_tests, summary_note, top_findings
from fbresearch.report.html import kpi_view, period_page
from fbresearch.report.index import headline_kpis, period_label
from fbresearch.report.plan import DataSummary, PagePlan, plan_pages

__all__ = ["Unit", "UnitPlan", "UNITS_DIR", "folder_name", "plan_units", "unit_tasks"]
__all__ += ["finish_units", "units_view", "anonymous_kpis", "unit_folders"]

#: The folder of the unit reports inside a period folder.
UNITS_DIR = "units"


@dataclass(frozen=True)
class Unit:
    """One unit: its value (never shown as is), display name, folder and size.

    Attributes
    ----------
    value : object
        The value of the unit column.
    name : str
        The value redacted of personal data (pages escape it).
    folder : str
        A safe folder name made from ``name`` (unique in the run).
    suppressed : bool
        Fewer responses in the month than the anonymity threshold: no report.
    """

    value: Any
    name: str
    folder: str
    suppressed: bool


@dataclass(frozen=True)
class UnitPlan:
    """What the unit reports of a run hold, decided before anything runs.

    Attributes
    ----------
    by : str
    units : tuple of Unit
    pages : tuple of str
        The pages each unit runs.
    comparison : UnitComparison
    plans : dict
        Unit folder -> page name -> :class:`PagePlan`.
    kpis : dict
        Unit folder -> the unit's headline KPIs (as on the period index).
    """

    by: str
    units: tuple[Unit, ...]
    pages: tuple[str, ...]
    comparison: UnitComparison
    plans: dict[str, dict[str, PagePlan]] = field(default_factory=dict)
    kpis: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def shown(self) -> list[Unit]:
        return [u for u in self.units if not u.suppressed]


def folder_name(value: object, used: set[str] | None = None) -> str:
    """A safe folder name for a unit: redacted, lower case, letters, digits and ``-`` only
    (other scripts kept), unique among ``used`` (which it updates).

    Examples
    --------
    >>> used = set()
    >>> folder_name("North East", used), folder_name("north-east", used), folder_name("../x", used)
    ('north-east', 'north-east-2', 'x')
    >>> folder_name("华东", used), folder_name("  ", used), folder_name("Store 13912345678", used)
    ('华东', 'unit', 'store-phone')
    """
    text = unit_name(value).casefold()
    slug = re.sub(r"[^\w]+", "-", text, flags=re.UNICODE).replace("_", "-").strip("-")[:60]
    slug = slug.strip("-") or "unit"
    used = set() if used is None else used
    candidate, number = slug, 2
    while candidate in used:
        candidate, number = f"{slug}-{number}", number + 1
    used.add(candidate)
    return candidate


def anonymous_kpis(kpis: Sequence[Mapping[str, Any]], minimum: int) -> list[dict[str, Any]]:
    """Headline KPIs without the cells below the anonymity threshold: a KPI with fewer answers
    is left out, a change from a previous month with fewer answers loses its change (the
    previous value could be read back from it).

    Examples
    --------
    >>> kpis = [{"name": "NPS", "n": 40, "change": 3.0, "previous_period": "2026-09",
    ...          "previous": {"n": 4}, "change_significant": False}, {"name": "CES", "n": 6}]
    >>> anonymous_kpis(kpis, 10)
    [{'name': 'NPS', 'n': 40}]
    """
    kept = []
    for kpi in kpis:
        if int(kpi["n"]) < minimum:
            continue
        kpi = dict(kpi)
        if kpi.get("previous") is not None and int(kpi["previous"].get("n", 0)) < minimum:
            for key in ("previous", "previous_period", "change", "change_significant"):
                kpi.pop(key, None)
        kept.append(kpi)
    return kept


def _check_column(frame: pd.DataFrame, by: str, source: str) -> None:
    if by not in frame.columns:
        have = ", ".join(c for c in map(str, frame.columns) if c not in ("text", "response_id"))
        raise ParamsError(
            f"{source}: unit column {by!r} (--by / report.by) is not a column of the data. "
            f"Fix: name one of {have}."
        )


def plan_units(
    loaded: Any,
    frame: pd.DataFrame,
    period: str,
    files: Mapping[str, Any],
    *,
    by: str | None = None,
    confidence: float = 0.95,
) -> UnitPlan | None:
    """The units of a run and each one's page plans (None when no unit column is set).

    ``files`` are the run's other inputs; unit pages get none of them (invitations and orders
    are the organisation's, not the unit's), so their plans leave those sections out.

    Raises
    ------
    ParamsError
        The unit column is not in the data (before anything runs).

    Examples
    --------
    >>> from fbresearch.io.sample import sample_data
    >>> from fbresearch.report.params import load_params
    >>> frame = sample_data(800, 0).feedback
    >>> plan = plan_units(load_params({"pages": []}), frame, "2026-10", {}, by="region")
    >>> [u.folder for u in plan.units], plan.pages
    (['east', 'north', 'south', 'west'], ('overview', 'closed_loop'))
    """
    by = by or loaded.report.get("by")
    if not by:
        return None
    _check_column(frame, by, loaded.source)
    minimum = int(loaded.report["min_responses"])
    comparison = unit_vs_rest(frame, by, period, confidence=confidence, min_responses=minimum)
    used: set[str] = set()
    units = tuple(
        Unit(v, unit_name(v), folder_name(v, used), bool(s))
        for v, s in zip(comparison.units["unit"], comparison.units["suppressed"], strict=True)
    )
    pages = tuple(loaded.report["unit_pages"])
    unit_params = replace(loaded, notebooks={p: dict(loaded.notebooks.get(p, {})) for p in pages})
    keys = frame[by].astype("object")
    plans, kpis = {}, {}
    for unit in units:
        if unit.suppressed:
            continue
        rows = frame.loc[(keys == unit.value).to_numpy()]
        summary = DataSummary.from_frame(rows, period, {}, unit_params)
        plans[unit.folder] = plan_pages(summary, unit_params)
        kpis[unit.folder] = anonymous_kpis(headline_kpis(rows, period, confidence), minimum)
    return UnitPlan(by, units, pages, comparison, plans, kpis)


def unit_tasks(
    plan: UnitPlan,
    loaded: Any,
    chosen: str,
    feedback: pd.DataFrame,
    paths: Mapping[str, Any],
    staging: Path,
    footer: Mapping[str, Any],
    build: Callable[..., list[dict[str, Any]]],
) -> list[dict[str, Any]]:
    """The notebook tasks of every shown unit, for the run's worker pool.

    Each unit's responses are written beside the run's canonical data (owner-only, never under
    the reports folder; the caller holds the umask) and ``build`` (the runner's task builder)
    makes its tasks into ``staging/units/<folder>/``; task names are ``units/<folder>/<page>``.
    """
    keys = feedback[plan.by].astype("object")
    unit_params = replace(
        loaded, notebooks={p: dict(loaded.notebooks.get(p, {})) for p in plan.pages}
    )
    label = period_label(chosen)
    tasks = []
    for unit in plan.shown:
        data = Path(paths["feedback"]).parent / UNITS_DIR / unit.folder / "feedback.parquet"
        data.parent.mkdir(parents=True, exist_ok=True)
        feedback.loc[(keys == unit.value).to_numpy()].to_parquet(data, engine="pyarrow", index=True)
        folder = staging / UNITS_DIR / unit.folder
        folder.mkdir(parents=True, exist_ok=True)
        own = {"feedback": data, "quality": paths.get("quality")}
        for task in build(unit_params, chosen, own, folder, footer, plan.plans[unit.folder]):
            task["name"] = f"{UNITS_DIR}/{unit.folder}/{task['name']}"
            task["log"] = str(staging / "run.log")  # the run's one log, redacted when published
            task["period_label"] = f"{unit.name} · {label}"
            task["crumbs"] = [
                ("All reports", "../../../index.html"),
                (label, "../../index.html"),
                (unit.name, "index.html"),
            ]
            tasks.append(task)
    return tasks


def _unit_runs(
    plan: UnitPlan, unit: Unit, results: Mapping[str, dict[str, Any]], folder: Path
) -> tuple[list[dict[str, Any]], list[Any], list[dict[str, Any]]]:
    """A unit's page records (as on the period index), findings and tests."""
    runs, findings, tests = [], [], []
    for name, page_plan in plan.plans[unit.folder].items():
        result = results.get(f"{UNITS_DIR}/{unit.folder}/{name}")
        record = {
            "name": name,
            "title": name.replace("_", " ").capitalize(),
            "status": page_plan.status,
            "seconds": 0.0,
            "findings": 0,
            "left_out": page_plan.left_out,
            "error": None,
        }
        if result is not None:
            found = read_findings(folder / f"{name}.findings.json")
            tests.extend(read_tests(folder / f"{name}.findings.json"))
            findings.extend(f if f.analysis else replace(f, analysis=name) for f in found)
            record.update(
                title=result["title"],
                seconds=round(result["seconds"], 2),
                findings=len(found),
                error=result["error"],
                status=page_plan.status if result["error"] is None else "failed",
            )
        runs.append(record)
    return runs, findings, tests


def _comparison_block(plan: UnitPlan, unit: Unit) -> dict[str, Any]:
    table = plan.comparison.display_table(unit.value)
    return {
        "title": f"{unit.name} compared with the rest of the organisation",
        "summary": plan.comparison.summary(unit.value),
        "note": family_note(plan.comparison),
        "columns": list(table.columns),
        "rows": table.astype(str).values.tolist(),
    }


def finish_units(
    plan: UnitPlan,
    results: Mapping[str, dict[str, Any]],
    staging: Path,
    *,
    title: str,
    chosen: str,
    footer: Mapping[str, Any],
    findings: int,
    confidence: float,
) -> dict[str, Any]:
    """Write every shown unit's ``index.html``; return the units block of the period index
    and manifest (``by``, ``min_responses``, ``note``, ``summary``, ``units``, ``failed``)."""
    label = period_label(chosen)
    rows, failed = [], []
    for unit in plan.units:
        row: dict[str, Any] = {"name": unit.name, "folder": unit.folder, "href": None}
        row["verdict"] = plan.comparison.verdict(unit.value)
        if unit.suppressed:
            rows.append({**row, "suppressed": True, "kpis": [], "status": "suppressed"})
            continue
        folder = staging / UNITS_DIR / unit.folder
        shutil.rmtree(folder / ".plan", ignore_errors=True)
        runs, found, tests = _unit_runs(plan, unit, results, folder)
        failed += [
            f"{UNITS_DIR}/{unit.folder}/{r['name']}" for r in runs if r["status"] == "failed"
        ]
        top = top_findings(found, findings, tests, confidence)
        page = period_page(
            report_title=title,
            period_label=label,
            kpis=plan.kpis[unit.folder],
            findings=[f.to_dict() for f in top],
            summary_note=summary_note(found, tests, f"in {unit.name}, {label}", confidence),
            notebooks=runs,
            footer={**footer, "seconds": None},
            heading=f"{title}: {unit.name}, {label}",
            crumbs=[("All reports", "../../../index.html"), (label, "../../index.html")],
            comparison=_comparison_block(plan, unit),
        )
        (folder / "index.html").write_text(page, encoding="utf-8")
        status = "failed" if any(r["status"] == "failed" for r in runs) else "ok"
        rows.append(
            {
                **row,
                "suppressed": False,
                "href": f"{UNITS_DIR}/{unit.folder}/index.html",
                "kpis": plan.kpis[unit.folder],
                "pages": [{"name": r["name"], "status": r["status"]} for r in runs],
                "status": status,
            }
        )
    return {
        "by": unit_name(plan.by),
        "min_responses": plan.comparison.min_responses,
        "anonymity": anonymity_note(plan.comparison.min_responses),
        "note": family_note(plan.comparison),
        "summary": plan.comparison.summary(),
        "units": rows,
        "failed": failed,
    }


def units_view(block: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The period index's units table: one row per unit, its KPIs with CIs and its verdict.

    Examples
    --------
    >>> units_view(None) is None
    True
    >>> view = units_view({"by": "region", "note": "", "summary": "", "anonymity": "few",
    ...     "units": [{"name": "X", "href": None, "suppressed": True, "kpis": [], "verdict": ""}]})
    >>> view["rows"][0]["cells"], view["kpi_names"]
    ([], [])
    """
    if not block:
        return None
    names: list[str] = []
    for unit in block["units"]:
        for k in unit["kpis"]:
            if k["name"] not in names:
                names.append(k["name"])
    rows = []
    for unit in block["units"]:
        views = {k["name"]: kpi_view(k) for k in unit["kpis"]}
        cells = (
            []
            if unit["suppressed"]
            else [f"{views[n]['value']} ({views[n]['ci']})" if n in views else "–" for n in names]
        )
        rows.append({**unit, "cells": cells})
    return {**block, "kpi_names": names, "rows": rows, "width": len(names) + 1}


def unit_folders(plan: UnitPlan | None) -> Sequence[str]:
    """The unit folders a run writes (for the manifest)."""
    return [] if plan is None else [u.folder for u in plan.shown]
