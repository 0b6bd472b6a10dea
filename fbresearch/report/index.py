"""The period's index page and ``reports/index.html``: headline KPIs and the list of periods."""

from __future__ import annotations

import json
import math
import os
import re
from datetime import datetime
from pathlib import Path
from typing import Any

from fbresearch import evidence
from fbresearch.report.html import reports_page
from fbresearch.report.large import months_upto
from fbresearch.report.pages import HEADLINE_KPIS
from fbresearch.report.targets import target_arguments

__all__ = [
    "headline_kpis",
    "headline_targets",
    "latest_targets",
    "period_label",
    "read_outlook",
    "update_reports_index",
    "write_text",
]


def period_label(period: str) -> str:
    """``"2026-10"`` as ``"October 2026"``.

    Examples
    --------
    >>> period_label("2026-10")
    'October 2026'
    """
    return datetime.strptime(period, "%Y-%m").strftime("%B %Y")


def headline_kpis(
    frame: Any, period: str, confidence: float = 0.95, params: Any = None
) -> list[dict[str, Any]]:
    """NPS, CSAT and CES of the period with CIs, and their change from the month before.

    The numbers and the change test come from :func:`fbresearch.analyses.kpis.kpi_table` (by month),
    at the overview page's ``confidence`` (the runner passes it), so the index page and the
    overview page can never disagree.

    Parameters
    ----------
    frame : DataFrame
        Canonical feedback (``submitted_at`` and any of ``nps``, ``csat``, ``ces``).
    period : str
        ``"YYYY-MM"``.
    confidence : float
        Level of the intervals (and of the change test).
    params : Params, optional
        The run's params: with ``targets``, each KPI with a target gets ``targets`` (see
        :func:`headline_targets`).

    Returns
    -------
    list of dict
        One per KPI with responses in the period: ``Estimate.to_dict()`` (its ``n``: the answers
        to that score) plus ``name``, ``responses`` (every response of the period, answered or
        not: the count the pages call responses) and, when the month before has responses,
        ``previous_period``, ``previous``, ``change`` and ``change_significant``.

    Examples
    --------
    >>> from fbresearch.io.sample import sample_data
    >>> frame = sample_data(n_responses=800, seed=0).feedback
    >>> kpis = headline_kpis(frame, "2026-10", confidence=0.9)
    >>> [k["name"] for k in kpis], kpis[0]["confidence"]
    (['NPS', 'CSAT', 'CES'], 0.9)
    >>> kpis[0]["n"] < kpis[0]["responses"]  # NPS answers of the month's responses
    True
    """
    import pandas as pd

    from fbresearch.analyses.kpis import kpi_table
    from fbresearch.analyses.kpis.narrative import kpi_tests

    current = pd.Period(period, freq="M")
    window = months_upto(frame, current, months=2)  # rows, or counts of every response
    present = [column for column, _ in HEADLINE_KPIS if column in window.columns]
    if window.empty or not present:
        return []
    # volume too: the overview's headline table tests it with the KPIs, as one family
    table = kpi_table(window, by="month", metrics=(*present, "volume"), confidence=confidence)
    months = set(table.table[table.time])
    responses = int(round(table.estimate("volume", month=current).estimate))
    kpis = []
    for column, label in HEADLINE_KPIS:
        if column not in present or current not in months:
            continue
        now = table.estimate(column, month=current)
        if now.n == 0 or math.isnan(now.estimate):
            continue
        entry = {**now.to_dict(), "name": label, "responses": responses}
        if current - 1 in months:
            before = table.estimate(column, month=current - 1)
            change = table.change(column, month=current)
            if before.n > 0 and not math.isnan(change.estimate):
                entry.update(
                    previous_period=str(current - 1),
                    previous=before.to_dict(),
                    change=change.estimate,
                    change_significant=bool(change.significant),
                    change_p_value=change.p_value,
                )
        kpis.append(entry)
    # the headline changes are one family (the overview's headline table, volume included):
    # "significant" only after Benjamini-Hochberg among them
    family = kpi_tests(table.last(1))
    for k in kpis:
        if "change_significant" in k:
            p = k.pop("change_p_value")
            k["change_significant"] = k["change_significant"] and evidence.significant_in_family(
                p, family, confidence
            )
    if params is not None:
        goals = headline_targets(frame, period, confidence, **target_arguments(params))
        for column, label in HEADLINE_KPIS:
            for k in kpis:
                if k["name"] == label and goals.get(column):
                    k["targets"] = goals[column]
    return kpis


def read_outlook(paths: list[Path]) -> dict[str, Any] | None:
    """The outlook a page wrote for the index (``<page>.outlook.json``), or None.

    The value page writes it (:func:`fbresearch.analyses.outlook.write_outlook`); the runner
    only reads it, so the index shows exactly the page's forecasts. The first readable file
    wins; a missing, unreadable or older-format file is no outlook.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> read_outlook([folder / "value.outlook.json"]) is None
    True
    >>> _ = (folder / "value.outlook.json").write_text('{"version": 1, "kpis": [{"name": "NPS"}]}')
    >>> read_outlook([folder / "value.outlook.json"])["page"]
    'value'
    """
    for path in paths:
        try:
            payload = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(payload, dict) and payload.get("version") == 1 and payload.get("kpis"):
            return {**payload, "page": Path(path).name.removesuffix(".outlook.json")}
    return None


def headline_targets(
    frame: Any, period: str, confidence: float, targets: Any, target_months: int | None = 24
) -> dict[str, list[dict[str, Any]]]:
    """Each KPI's targets and verdicts, as the overview page computes them (same function, same
    monthly table up to ``period``): KPI -> ``[{"sentence", "status", "target", "by"}]``.

    Examples
    --------
    >>> from fbresearch.io.sample import sample_data
    >>> frame = sample_data(n_responses=800, seed=0).feedback
    >>> goals = headline_targets(frame, "2026-10", 0.95, "default")
    >>> list(goals), goals["csat"][0]["status"]
    (['csat'], 'too early to say')
    """

    from fbresearch.analyses.kpis import kpi_table
    from fbresearch.analyses.targets import resolve_targets, target_progress
    from fbresearch.analyses.targets.narrative import target_sentence

    specs = resolve_targets(targets)
    metrics = [m for m in dict.fromkeys(t["metric"] for t in specs) if m.split("_")[0] in frame]
    upto = months_upto(frame, period)  # rows, or counts of every response
    if not specs or not metrics or upto.empty:
        return {}
    kpi = kpi_table(upto, by="month", metrics=metrics, confidence=confidence)
    found = [t for t in specs if t["metric"] in metrics]
    result = target_progress(kpi, found, months=target_months, through=period)
    out: dict[str, list[dict[str, Any]]] = {}
    for _, row in result.table.iterrows():
        out.setdefault(str(row["metric"]), []).append(
            {
                "sentence": target_sentence(row, confidence),
                "status": str(row["status"]),
                "target": float(row["target"]),
                "by": str(row["by"]),
            }
        )
    return out


def latest_targets(periods: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each KPI's targets as the newest period that judged them says (``periods`` newest first,
    as :func:`update_reports_index` reads them from the manifests): the target with the KPI's
    ``unit`` and the period's ``period`` and ``label``.

    A KPI's targets are taken whole from one period (its newest with any), so a target that moves
    with the report month (``relative_change`` from it) is stated once, as of then.

    Examples
    --------
    >>> goal = {"sentence": "CSAT target: ...", "status": "on track", "target": 0.8, "by": "2027-06"}
    >>> periods = [
    ...     {"period": "2026-11", "label": "November 2026", "kpis": [{"name": "NPS"}]},
    ...     {"period": "2026-10", "label": "October 2026",
    ...      "kpis": [{"name": "CSAT", "unit": "share", "targets": [goal]}]}]
    >>> [(t["name"], t["label"], t["status"]) for t in latest_targets(periods)]
    [('CSAT', 'October 2026', 'on track')]
    """
    found: dict[str, list[dict[str, Any]]] = {}
    for p in periods:
        for k in p.get("kpis", []):
            goals = k.get("targets") or []
            if goals and k.get("name") not in found:
                found[k["name"]] = [
                    {
                        **t,
                        "name": k["name"],
                        "unit": k.get("unit"),
                        "period": p["period"],
                        "label": p["label"],
                    }
                    for t in goals
                ]
    return [t for goals in found.values() for t in goals]


def write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically (a reader never sees half a page).

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "a.html"
    >>> write_text(path, "<p>hi</p>"); path.read_text()
    '<p>hi</p>'
    """
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def update_reports_index(out: Path, title: str) -> Path:
    """Rewrite ``<out>/index.html`` from every period's manifest, newest first.

    Examples
    --------
    >>> import tempfile
    >>> update_reports_index(Path(tempfile.mkdtemp()), "Report").name
    'index.html'
    """
    periods = []
    for folder in sorted(out.iterdir(), reverse=True):
        if not (folder.is_dir() and re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", folder.name)):
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
                "label": period_label(folder.name),
                "status": manifest.get("status", "ok"),
                "kpis": manifest.get("headline", []),
                "notebooks": [
                    {
                        "name": n["name"],
                        "title": n.get("title") or n["name"],
                        "status": n.get("status", "ok"),
                    }
                    for n in manifest.get("notebooks", [])
                ],
            }
        )
    page = reports_page(
        report_title=title,
        periods=periods,
        footer={"source": "", "rows": ""},
        targets=latest_targets(periods),
    )
    target = out / "index.html"
    write_text(target, page)
    return target
