"""Headline findings travel from notebooks to the report runner as JSON, never as scraped HTML.

A notebook ends with ``fb.write_findings(findings_path, result, ...)``; the runner reads every
notebook's file with :func:`read_findings` and puts the most important ones in the executive
summary of the period's ``index.html``.

The file is a JSON object ``{"version": 1, "findings": [...]}`` where each finding is
``{"sentence", "estimate", "importance", "analysis"}`` (:meth:`Finding.to_dict`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from fbresearch.errors import ReportError
from fbresearch.present.tables import escape
from fbresearch.privacy import redact as _redact
from fbresearch.results import Finding

__all__ = ["write_findings", "read_findings", "top_findings", "FindingList"]

_VERSION = 1


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
        The findings written, sentences redacted of personal data.

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
        found.append(
            Finding(
                sentence=sentence,
                estimate=f.estimate,
                importance=min(max(float(f.importance), 0.0), 1.0),
                analysis=f.analysis or analysis,
            )
        )
    if path is not None:
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        payload = {"version": _VERSION, "findings": [f.to_dict() for f in found]}
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


def top_findings(findings: Iterable[Finding], k: int = 8) -> list[Finding]:
    """The ``k`` most important findings, most important first (ties keep their order).

    Examples
    --------
    >>> fs = [Finding("a", importance=0.2), Finding("b", importance=0.9),
    ...       Finding("c", importance=0.5)]
    >>> [f.sentence for f in top_findings(fs, k=2)]
    ['b', 'c']
    """
    ordered = sorted(enumerate(findings), key=lambda pair: (-pair[1].importance, pair[0]))
    return [f for _, f in ordered[:k]]
