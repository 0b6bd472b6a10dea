"""Headline findings travel from notebooks to the report runner as JSON, never as scraped HTML.

A notebook ends with ``fb.write_findings(findings_path, result, ...)``; the runner reads every
notebook's file with :func:`read_findings` and puts the most important ones in the executive
summary of the period's ``index.html``.

The file is a JSON object ``{"version": 1, "findings": [...], "tests": [...]}`` where each
finding is ``{"sentence", "estimate", "importance", "analysis", "kind", "p_value", "q_value",
"survives_fdr"}`` (:meth:`Finding.to_dict`) and ``tests`` lists every test the page called
significant or not (``{"kind": "change" | "difference", "p_value"}``), its family.

The executive summary (:func:`top_findings`) promotes levels, and changes or differences only
when they survive Benjamini-Hochberg twice: on their page, and again among every test of their
kind across the report (the summary's own family), so that on data with no real change it says
so (:func:`summary_note`).
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from fbresearch import evidence
from fbresearch.analyses.drivers.narrative import driver_tests
from fbresearch.analyses.drivers.narrative_trend import trend_tests
from fbresearch.analyses.impact.narrative import improvement_tests
from fbresearch.analyses.kpis.narrative import kpi_tests
from fbresearch.analyses.segments.narrative import churn_tests, profile_tests
from fbresearch.analyses.topics.narrative import rising_tests
from fbresearch.errors import ReportError
from fbresearch.present.tables import escape
from fbresearch.privacy import redact as _redact
from fbresearch.results import Finding

__all__ = [
    "write_findings",
    "read_findings",
    "read_tests",
    "page_tests",
    "multiplicity_note",
    "top_findings",
    "summary_note",
    "FindingList",
]

_VERSION = 1

#: the "correction" of estimates judged each by its own interval (a model's odds ratios)
OWN_INTERVAL = "own interval"

#: result class name -> (its family of tests, what they test, the correction its page states)
_FAMILIES: dict[str, tuple[Any, str, str]] = {
    "KpiTable": (kpi_tests, "change", evidence.FDR_METHOD),
    "ProfileResult": (profile_tests, "difference", "Holm"),
    # each odds ratio is called clear by its own interval (evidence.is_significant), uncorrected
    "ChurnResult": (churn_tests, "difference", OWN_INTERVAL),
    "TopicsPage": (lambda page: rising_tests(page.rising), "change", "Holm"),
    "ImpactResult": (improvement_tests, "change", evidence.FDR_METHOD),
    "DriverResult": (driver_tests, "difference", evidence.FDR_METHOD),
    "DriverTrendResult": (trend_tests, "change", evidence.FDR_METHOD),
}


def _families(items: Iterable[Any]) -> list[tuple[list[float], str, str]]:
    """(p-values, kind, method) of every result among ``items`` that tests anything.

    A result may also say it itself: a ``significance_tests()`` method returning
    ``(p_values, kind, method)`` (kind ``"change"`` or ``"difference"``).
    """
    out = []
    for item in items:
        if item is None or isinstance(item, Finding):
            continue
        if isinstance(item, list | tuple):
            out.extend(_families(item))
            continue
        own = getattr(type(item), "significance_tests", None)
        if callable(own):
            p, kind, method = item.significance_tests()
            out.append(([float(x) for x in p], kind, method))
            continue
        family = _FAMILIES.get(type(item).__name__)
        if family is not None:
            tests, kind, method = family
            out.append(([float(x) for x in tests(item)], kind, method))
    return out


def page_tests(*items: Any) -> list[dict[str, Any]]:
    """Every test the page's results call significant or not: ``{"kind", "p_value"}`` each.

    Examples
    --------
    >>> import pandas as pd
    >>> from fbresearch.analyses.kpis import kpi_table
    >>> df = pd.DataFrame({"submitted_at": pd.to_datetime(["2026-09-03"] * 40 + ["2026-10-02"] * 40),
    ...                    "nps": [10] * 30 + [0] * 10 + [10] * 10 + [0] * 30})
    >>> [t["kind"] for t in page_tests(kpi_table(df, by="month", metrics="nps"))]
    ['change']
    """
    return [
        {"kind": kind, "p_value": p}
        for values, kind, _ in _families(items)
        for p in values
        if math.isfinite(p)
    ]


def _groups(item: Any, p_values: list[float]) -> list[int]:
    """The sizes of the groups a result's correction runs in, each on its own: a segment
    profile Holm-corrects per measure (``profile_segments``); any other result, all at once."""
    table = getattr(item, "table", None)
    if type(item).__name__ == "ProfileResult" and {"p_value", "metric"} <= set(table.columns):
        tested = table[table["p_value"].notna()]
        return [int(n) for n in tested.groupby("metric", sort=False).size()]
    return [len(p_values)]


def _flat(items: Iterable[Any]) -> list[Any]:
    out: list[Any] = []
    for item in items:
        out.extend(_flat(item) if isinstance(item, list | tuple) else [item])
    return out


def multiplicity_note(*items: Any, confidence: float = 0.95) -> str:
    """The sentence a page states once: how many comparisons it makes and the check they pass.

    Pages call it with the results whose sentences call something significant or not. It says
    what the results do: the correction each runs, in the groups it runs in (each of a page's
    tables is its own group: the overview's 4 headline changes, its 15 changes by channel), and
    the estimates judged by their own intervals.

    Examples
    --------
    >>> multiplicity_note()
    ''
    """
    methods: list[str] = []
    groups: list[int] = []
    unadjusted = 0
    for item in _flat(items):
        found = _families([item])
        if not found or not found[0][0]:
            continue
        p_values, _, method = found[0]
        if method == OWN_INTERVAL:
            unadjusted += len(p_values)
            continue
        methods.append(method)
        groups += _groups(item, p_values)
    distinct = set(methods)
    method = distinct.pop() if len(distinct) == 1 else "mixed"
    return evidence.family_sentence(sum(groups), confidence, method, groups, unadjusted)


def _expand(items: Iterable[Any]) -> list[Finding]:
    found: list[Finding] = []
    for item in items:
        if item is None:
            continue
        if isinstance(item, Finding):
            found.append(item)
        elif hasattr(item, "findings") and callable(item.findings):
            found.extend(_expand(item.findings()))
        elif isinstance(item, list | tuple):
            found.extend(_expand(item))
        else:
            raise TypeError(
                f"write_findings takes Finding or Result objects (or lists of them), not "
                f"{type(item).__name__}."
            )
    return found


class FindingList(list):
    """The list :func:`write_findings` returns; a notebook shows it as the page's key findings."""

    def _repr_html_(self) -> str:
        if not self:
            return ""
        items = "".join(f"<li>{escape(f.sentence)}</li>" for f in self)
        return f'<div class="fb-findings-box"><h2>Key findings</h2><ul>{items}</ul></div>'


def write_findings(
    path: str | os.PathLike[str] | None, *items: Any, analysis: str = ""
) -> list[Finding]:
    """Write headline findings as JSON for the report runner and return them.

    Parameters
    ----------
    path : path or None
        Where to write (the runner passes each notebook ``findings_path``). ``None`` writes
        nothing, so a notebook run by hand in JupyterLab works unchanged.
    *items : Finding or Result (or lists of them)
        Results are expanded with their ``.findings()``.
    analysis : str, optional
        Fills ``Finding.analysis`` where a finding leaves it empty.

    Returns
    -------
    list of Finding
        The findings written, sentences and estimate names redacted of personal data.

    Examples
    --------
    >>> from fbresearch.results import Estimate, Finding
    >>> f = Finding("NPS was 42.0 (38.1 to 45.9).", Estimate(42, 38.1, 45.9, n=500, name="NPS"),
    ...             importance=0.9)
    >>> [x.sentence for x in write_findings(None, f)]
    ['NPS was 42.0 (38.1 to 45.9).']
    """
    found = FindingList()
    for f in _expand(items):
        sentence = _redact(str(f.sentence))
        sentence = sentence[:1].upper() + sentence[1:]  # "social breaks ..." starts a sentence
        estimate = f.estimate
        if estimate is not None and estimate.name:  # names carry data values ("NPS for <channel>")
            estimate = dataclasses.replace(estimate, name=_redact(str(estimate.name)))
        found.append(
            dataclasses.replace(
                f,
                sentence=sentence,
                estimate=estimate,
                importance=min(max(float(f.importance), 0.0), 1.0),
                analysis=f.analysis or analysis,
            )
        )
    if path is not None:
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "version": _VERSION,
            "findings": [f.to_dict() for f in found],
            "tests": page_tests(*items),
        }
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_text(
            json.dumps(payload, ensure_ascii=False, indent=1, allow_nan=False) + "\n",
            encoding="utf-8",
        )
        tmp.replace(target)
    return found


def read_findings(path: str | os.PathLike[str]) -> list[Finding]:
    """Read a findings file written by :func:`write_findings`.

    A missing file gives an empty list (a notebook may have no headline findings); a corrupt
    file raises :class:`~fbresearch.errors.ReportError` naming it.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from fbresearch.results import Finding
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.findings.json"
    >>> _ = write_findings(p, Finding("Volume rose by 12%.", importance=0.4, analysis="overview"))
    >>> read_findings(p)[0].analysis
    'overview'
    """
    target = Path(path)
    if not target.exists():
        return []
    try:
        payload = json.loads(target.read_text(encoding="utf-8"))
        items = payload["findings"] if isinstance(payload, dict) else payload
        return [Finding.from_dict(item) for item in items]
    except (ValueError, KeyError, TypeError) as exc:
        raise ReportError(
            f"{target}: not a findings file written by write_findings ({exc})."
        ) from exc


def read_tests(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """The page's family of tests from a findings file (empty for a missing or older file).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> read_tests(pathlib.Path(tempfile.mkdtemp()) / "none.findings.json")
    []
    """
    target = Path(path)
    if not target.exists():
        return []
    try:
        payload = json.loads(target.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise ReportError(
            f"{target}: not a findings file written by write_findings ({exc})."
        ) from exc
    tests = payload.get("tests", []) if isinstance(payload, dict) else []
    return [t for t in tests if t.get("p_value") is not None]


def _thresholds(tests: Iterable[dict[str, Any]] | None, confidence: float) -> dict[str, float]:
    """Per kind, the largest p-value that survives BH among all tests of that kind."""
    out: dict[str, float] = {}
    by_kind: dict[str, list[float]] = {}
    for t in tests or []:
        by_kind.setdefault(t["kind"], []).append(float(t["p_value"]))
    for kind, values in by_kind.items():
        p = np.asarray(values, dtype=float)
        kept = p[evidence.fdr_survivors(p, confidence)]
        out[kind] = float(kept.max()) if len(kept) else -1.0
    return out


def _promoted(f: Finding, limits: dict[str, float] | None) -> bool:
    """Whether the summary may show ``f``: a level, or a change/difference that survives."""
    if f.kind == "level":
        return True
    if f.kind not in ("change", "difference") or not f.survives_fdr:
        return False  # unclassified, or not called significant on its page
    if limits is None:  # no report-wide family given: the page's check alone
        return True
    return f.p_value is not None and f.p_value <= limits.get(f.kind, -1.0) + 1e-15


def top_findings(
    findings: Iterable[Finding],
    k: int = 8,
    tests: Iterable[dict[str, Any]] | None = None,
    confidence: float = 0.95,
) -> list[Finding]:
    """The ``k`` most important findings the summary may promote, most important first.

    Levels are promoted; a change or difference only when its page called it significant and,
    given ``tests`` (every page's family, :func:`read_tests`), when it also survives
    Benjamini-Hochberg among all the report's tests of its kind at ``1 - confidence``. A finding
    that does not say what it states (``kind`` empty) is not promoted. Ties keep their order.

    Examples
    --------
    >>> fs = [Finding("a", importance=0.2, kind="level"), Finding("b", importance=0.9, kind="level"),
    ...       Finding("c", importance=0.5, kind="level"), Finding("d", importance=1.0)]
    >>> [f.sentence for f in top_findings(fs, k=2)]
    ['b', 'c']
    >>> up = Finding("Up.", importance=0.9, kind="change", p_value=0.03, survives_fdr=True)
    >>> [f.sentence for f in top_findings([up], tests=[{"kind": "change", "p_value": 0.03}])]
    ['Up.']
    >>> crowd = [{"kind": "change", "p_value": p} for p in (0.03, 0.4, 0.6, 0.8)]
    >>> top_findings([up], tests=crowd)
    []
    """
    limits = None if tests is None else _thresholds(tests, confidence)
    kept = [f for f in findings if _promoted(f, limits)]
    ordered = sorted(enumerate(kept), key=lambda pair: (-pair[1].importance, pair[0]))
    return [f for _, f in ordered[:k]]


def _name(f: Finding) -> str:
    """How the summary names a finding: its estimate's name, else its sentence's first clause."""
    if f.estimate is not None and f.estimate.name:
        return str(f.estimate.name)
    head = str(f.sentence).split(":")[0].split(" (")[0].split(",")[0].rstrip(".")
    return head if len(head) <= 60 else head[:57].rstrip() + "..."


def _listed(found: list[Finding], most: int = 6) -> str:
    """ "NPS for web and CSAT (overview page), CES (drivers trend page)": names by page."""
    pages: dict[str, list[str]] = {}
    for f in found[:most]:
        pages.setdefault(f.analysis, []).append(_name(f))
    parts = []
    for page, names in pages.items():
        joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        where = f" ({page.replace('_', ' ')} page)" if page else ""
        parts.append(joined + where)
    more = len(found) - most
    return "; ".join(parts) + (f"; and {more} more" if more > 0 else "")


def _count(found: list[Finding], noun: str = "") -> str:
    """ "1 is", "3 are" (with ``noun``: "1 change is", "3 changes are")."""
    k = len(found)
    word = f" {noun}{'' if k == 1 else 's'}" if noun else ""
    return f"{k}{word} {'is' if k == 1 else 'are'}"


def _their(found: list[Finding]) -> str:
    return "its" if len(found) == 1 else "their"


def summary_note(
    findings: Iterable[Finding],
    tests: Iterable[dict[str, Any]],
    when: str = "this month",
    confidence: float = 0.95,
) -> str:
    """The executive summary's note on changes: how many pass on their page, how many report-wide.

    A change its page calls significant is shown in the summary only if it also survives
    Benjamini-Hochberg among every change tested in the report. The note names the changes that
    pass both, and those that pass only their page's own check, so that a page's "significant
    fall" and the summary's silence about it do not read as a contradiction.

    Examples
    --------
    >>> summary_note([], [{"kind": "change", "p_value": 0.2}] * 3, "in October 2026")[:44]
    'No significant change in October 2026: none '
    >>> up = Finding("Up.", kind="change", p_value=0.03, survives_fdr=True, analysis="overview")
    >>> crowd = [{"kind": "change", "p_value": p} for p in (0.03, 0.4, 0.6, 0.8)]
    >>> summary_note([up], crowd).split(". ")[1]  # doctest: +NORMALIZE_WHITESPACE
    "1 change is significant on its own page's check, not after checking all 4 changes in the
    report: Up (overview page)."
    """
    tests = list(tests)
    limits = _thresholds(tests, confidence)
    n = sum(1 for t in tests if t["kind"] == "change")
    on_page = [f for f in findings if f.kind == "change" and f.survives_fdr]
    across = [f for f in on_page if _promoted(f, limits)]
    only_page = [f for f in on_page if not _promoted(f, limits)]
    if not across:
        note = evidence.summary_sentence(n, 0, when, confidence)
    else:
        level = f"{100 * evidence.fdr_level(confidence):.2g}%"
        note = (
            f"Of the {n} changes tested in this report, {_count(on_page)} significant on "
            f"{_their(on_page)} own page's check and {len(across)} of them also "
            f"{'survives' if len(across) == 1 else 'survive'} a false-discovery-rate check "
            f"({evidence.FDR_METHOD}, {level}) across all {n}: {_listed(across)}."
        )
    if only_page:
        who = _count(only_page, "change")
        if across:
            who = "1 other change is" if len(only_page) == 1 else f"the other {len(only_page)} are"
        note += (
            f" {who[:1].upper() + who[1:]} significant on {_their(only_page)} own page's check, "
            f"not after checking all {n} changes in the report: {_listed(only_page)}."
        )
    return note
