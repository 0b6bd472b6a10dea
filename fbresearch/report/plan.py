"""Page plans: before anything runs, what each page can show with the data this run was given.

:class:`DataSummary` counts, once, what the sections of :data:`fbresearch.report.pages.PAGES`
need (answers per column up to and in the period, non-empty texts, months with responses, input
files, declared improvements, segment attributes). :func:`plan_pages` turns it into one
:class:`PagePlan` per page: ``complete``, ``partial`` (some sections left out, each with the
reason and how to supply what is missing) or ``skipped`` (nothing the page is for can be
computed; the runner does not execute it). :func:`trim_notebook` writes the partial page: the
cells of the excluded sections are dropped and one note near the top says what was left out.

When a page's outcome parameter is left at its default and the data has no answers for it, the
plan passes the first outcome the data has (nps, csat, satisfied, ces) and the note says so.
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from fbresearch.report.pages import PAGES, Page, Section, page
from fbresearch.report.params import notebook_defaults, notebook_parameters
from fbresearch.schema import METRICS, RATING_PREFIX, display_label

__all__ = [
    "DataSummary",
    "SectionPlan",
    "PagePlan",
    "plan_pages",
    "trim_notebook",
    "group_left_out",
    "analysts_line",
    "OUTCOMES",
    "PAGE_STATUSES",
]

#: Outcome columns, in the order the fallback tries them.
OUTCOMES: tuple[str, ...] = ("nps", "csat", "satisfied", "ces")
#: The statuses a page plan can have.
PAGE_STATUSES: tuple[str, ...] = ("complete", "partial", "skipped")
#: A segment attribute has at most this many distinct values (numeric ones any number).
MAX_ATTRIBUTE_LEVELS = (
    12  # the segmentation page compares at most this many groups (segment_attributes)
)
#: The tag prefix of a section's cells.
SECTION_TAG = "section:"


def _label(metric: str) -> str:
    spec = METRICS.get(metric)
    return spec.label if spec is not None else metric


@dataclass(frozen=True)
class DataSummary:
    """What the data of one run holds, counted once for every page plan.

    Attributes
    ----------
    period : str
        The report month ``"YYYY-MM"``.
    answers : dict
        Column -> answers (non-missing values; texts: non-empty) up to the end of the period.
    answers_in_period : dict
        Column -> answers in the period itself.
    months : int
        Months with responses up to the period.
    files : frozenset of str
        Input files the run has besides the feedback (``orders``, ``invitations``).
    improvements : int
        Improvements the params declare for the improvement page.
    attributes : tuple of str
        Segment attribute columns (region, plan, age, ...).
    """

    period: str
    answers: dict[str, int] = field(default_factory=dict)
    answers_in_period: dict[str, int] = field(default_factory=dict)
    months: int = 0
    files: frozenset[str] = frozenset()
    improvements: int = 0
    attributes: tuple[str, ...] = ()

    @classmethod
    def from_frame(
        cls,
        frame: pd.DataFrame,
        period: str,
        files: Mapping[str, Any] | Iterable[str] = (),
        params: Any = None,
    ) -> DataSummary:
        """Count what ``frame`` (canonical feedback) holds up to and in ``period``.

        Parameters
        ----------
        frame : DataFrame
            Canonical feedback with ``submitted_at``.
        period : str
            ``"YYYY-MM"``.
        files : mapping or iterable of str
            The run's other inputs; a mapping counts the keys whose value is not None.
        params : Params, mapping or None
            The run's params: where the improvement page's ``improvements`` are declared.

        Examples
        --------
        >>> frame = pd.DataFrame({
        ...     "submitted_at": pd.to_datetime(["2026-09-03", "2026-10-02", "2026-10-05"]),
        ...     "csat": pd.array([4, None, 5], dtype="Int64"),
        ...     "text": ["ok", " ", None], "region": ["N", "S", "N"]})
        >>> s = DataSummary.from_frame(frame, "2026-10", {"orders": None})
        >>> s.answers["csat"], s.answers_in_period["csat"], s.answers["text"], s.months
        (2, 1, 1, 2)
        >>> s.files, s.attributes, s.improvements
        (frozenset(), ('region',), 0)
        """
        month = frame["submitted_at"].dt.to_period("M")
        end = pd.Period(period, "M")
        upto, inside = frame[month <= end], frame[month == end]

        def count(part: pd.DataFrame) -> dict[str, int]:
            counts = {str(c): int(n) for c, n in part.notna().sum().items()}
            if "text" in part.columns:
                text = part["text"].dropna().astype(str).str.strip()
                counts["text"] = int((text != "").sum())
            return counts

        if isinstance(files, Mapping):
            present = frozenset(str(k) for k, v in files.items() if v is not None)
        else:
            present = frozenset(str(k) for k in files)
        return cls(
            period=str(period),
            answers=count(upto),
            answers_in_period=count(inside),
            months=int(month[month <= end].nunique()),
            files=present,
            improvements=_declared_improvements(params),
            attributes=tuple(_attributes(upto)),
        )

    def has(self, column: str) -> bool:
        """Whether ``column`` has answers up to the period."""
        return self.answers.get(column, 0) > 0

    @property
    def outcomes(self) -> list[str]:
        """The outcome columns with answers, in :data:`OUTCOMES` order."""
        return [m for m in OUTCOMES if self.has(m)]

    @property
    def ratings(self) -> list[str]:
        """The attribute rating columns with answers."""
        return sorted(c for c in self.answers if c.startswith(RATING_PREFIX) and self.has(c))


def _attributes(frame: pd.DataFrame) -> list[str]:
    from fbresearch.analyses.segments.attributes import segment_attributes

    return [c for c in segment_attributes(frame, MAX_ATTRIBUTE_LEVELS) if c != "wave"]


def _declared_improvements(params: Any) -> int:
    """Improvements declared for the improvement page (None or [] count as none).

    The notebook's own default describes the built-in sample's fictional change: it counts only
    when the run uses the built-in sample (params without ``data``).
    """
    if params is None:
        return 0
    if isinstance(params, Mapping):
        own = (params.get("notebooks") or {}).get("improvement") or {}
        value = own.get("improvements")
        return len(value) if isinstance(value, list | tuple) else int(bool(value))
    own = (getattr(params, "notebooks", None) or {}).get("improvement")
    if own is None:
        return 0
    if "improvements" in own:
        value = own["improvements"]
    elif getattr(params, "data", None) is None:
        path = Path(params.notebooks_dir) / "improvement.ipynb"
        value = notebook_defaults(path).get("improvements") if path.exists() else None
    else:
        value = None
    return len(value) if isinstance(value, list | tuple) else int(bool(value))


# --------------------------------------------------------------------------- plans


@dataclass(frozen=True)
class SectionPlan:
    """Whether one section is shown, and if not, why and how to supply what it needs.

    Attributes
    ----------
    key, title : str
    included : bool
    reason : str
        Empty when included, else what is missing in plain words (the page shows it), e.g.
        ``"needs the customers' comments"``: no column, file or params key.
    fix : str
        How to supply it, for analysts: the column or file and the params line (the page
        shows it on its one "For analysts:" line).
    """

    key: str
    title: str
    included: bool
    reason: str = ""
    fix: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"section": self.key, "title": self.title, "reason": self.reason, "fix": self.fix}


@dataclass(frozen=True)
class PagePlan:
    """The plan of one page.

    Attributes
    ----------
    name : str
    status : str
        ``"complete"``, ``"partial"`` or ``"skipped"``.
    sections : tuple of SectionPlan
    parameters : dict
        Parameter overrides the runner passes to the notebook (the outcome fallback).
    notes : tuple of str
        Sentences for the page's note (e.g. ``"This page uses CSAT: the data has no NPS
        answers."``).
    """

    name: str
    status: str
    sections: tuple[SectionPlan, ...] = ()
    parameters: dict[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @property
    def left_out(self) -> list[dict[str, str]]:
        """The excluded sections as ``{section, title, reason, fix}`` (manifest, index)."""
        return [s.to_dict() for s in self.sections if not s.included]

    def summary(self) -> str:
        """One line: the status and what is left out.

        Examples
        --------
        >>> no_text = SectionPlan("tone", "Tone", False, "needs a text column", "map it")
        >>> PagePlan("topics", "skipped", (no_text, no_text)).summary()
        'skipped (needs a text column)'
        >>> PagePlan("topics", "partial", (no_text, SectionPlan("a", "A", True))).summary()
        'partial (Tone: needs a text column)'
        """
        out = self.left_out
        if not out:
            return self.status
        by_reason: dict[str, list[str]] = {}
        for s in out:
            by_reason.setdefault(s["reason"], []).append(s["title"])
        if self.status == "skipped":
            parts = "; ".join(by_reason)
        else:
            parts = "; ".join(f"{', '.join(t)}: {r}" for r, t in by_reason.items())
        return f"{self.status} ({parts})"


#: a column a section needs, in the words of a page (what it holds, not its name)
_COLUMN_WORDS = {
    "responded_at": "the time each response was first answered",
    "resolved_at": "the time each case was resolved",
    "customer_id": "a customer identifier on each response",
    "touchpoint": "the journey stage of each response",
    "channel": "the channel of each response",
    "submitted_at": "the date of each response",
}


def _check(token: str, s: DataSummary) -> tuple[str, str] | None:
    """None when ``s`` meets ``token``, else (reason in plain words, fix for analysts)."""
    kind, _, arg = token.partition(":")
    if kind == "file":
        if arg in s.files:
            return None
        return (
            f"needs an {arg} file" if arg[:1] in "aeiou" else f"needs a {arg} file",
            f'name your {arg} export in params: {arg}: "{arg}.csv"',
        )
    if kind == "column":
        if s.has(arg):
            return None
        example = {
            "channel": "Channel",
            "responded_at": "First reply",
            "customer_id": "Customer ID",
            "touchpoint": "Journey stage",
        }
        return (
            f"needs {_COLUMN_WORDS.get(arg, f'answers in a {display_label(arg)} column')}",
            f'map your {arg} column in params: columns: {{{arg}: "{example.get(arg, arg)}"}}',
        )
    if kind == "outcome":
        wanted = [arg] if arg else list(OUTCOMES)
        if any(s.has(m) for m in wanted):
            return None
        return (
            f"needs scores ({' or '.join(map(_label, wanted))} answers)"
            if not arg
            else f"needs {_label(arg)} answers",
            f'map your score column in params, e.g. columns: {{{wanted[0]}: "Score"}}',
        )
    if kind == "text":
        if s.has("text"):
            return None
        if "text" in s.answers:
            return (
                f"needs the customers' comments: there are none up to {s.period}",
                'map the column that holds the comments in params: columns: {text: "Comment"}',
            )
        return (
            "needs the customers' comments",
            'map your comment column in params: columns: {text: "Comment"}',
        )
    if kind == "ratings":
        found = len(s.ratings)
        if found >= int(arg):
            return None
        return (
            f"needs answers to at least {arg} attribute ratings, such as delivery or price "
            f"(found {found})",
            'map them in params: ratings: {rating_delivery: "Delivery", rating_price: "Price"}',
        )
    if kind == "months":
        if s.months >= int(arg):
            return None
        return (
            f"needs responses in at least {arg} months up to {s.period} (found {s.months})",
            f"run it on an export that covers at least {arg} months",
        )
    if kind == "attribute":
        if s.attributes:
            return None
        return (
            "needs a customer attribute such as region, plan or age",
            f"keep such a column in the export: one with 2 to {MAX_ATTRIBUTE_LEVELS} distinct "
            "values, or numeric, that is not one of the canonical columns",
        )
    if kind == "improvements":
        if s.improvements > 0:
            return None
        return (
            "needs the improvements made to be listed (what changed, when, and what it should "
            "move)",
            "declare them in params: notebooks: {improvement: {improvements: [{name: ..., "
            'change_date: "2026-03-01", metric: csat, treated_regions: [...], '
            "control_regions: [...]}]}}",
        )
    raise ValueError(f"unknown section need {token!r} (see fbresearch.report.pages.NEEDS)")


def _plan_section(section: Section, summary: DataSummary) -> SectionPlan:
    for token in section.needs:
        missing = _check(token, summary)
        if missing is not None:
            return SectionPlan(section.key, section.title, False, *missing)
    return SectionPlan(section.key, section.title, True)


def _fallback(
    name: str, own: Mapping[str, Any], defaults: Mapping[str, Any], summary: DataSummary
) -> tuple[dict[str, Any], list[str]]:
    """The outcome parameters a page gets when its default outcome has no answers."""
    have = summary.outcomes
    if not have:
        return {}, []
    overrides: dict[str, Any] = {}
    notes: list[str] = []
    key = page(name).outcome_parameter
    # "left at its default": not in params, or the notebook's own default written out (as
    # params/monthly.yaml does); a value the user chose is never overridden
    if key is None or key not in defaults or own.get(key, defaults[key]) != defaults[key]:
        return {}, []
    default = defaults[key]
    if isinstance(default, list | tuple):
        kept = [m for m in default if m not in OUTCOMES or summary.has(m)]
        if kept == list(default):
            return {}, []
        if not [m for m in kept if m in OUTCOMES]:
            kept = [have[0]]
        gone = [m for m in default if m in OUTCOMES and not summary.has(m)]
        overrides[key] = kept
        used = " and ".join(_label(m) for m in kept)
        notes.append(
            f"This page uses {used}: the data has no {' or '.join(map(_label, gone))} answers."
        )
    elif isinstance(default, str) and default in OUTCOMES and not summary.has(default):
        overrides[key] = have[0]
        notes.append(
            f"This page uses {_label(have[0])}: the data has no {_label(default)} answers."
        )
        if (
            name == "drivers"
            and have[0] == "satisfied"
            and "model" in defaults
            and own.get("model", defaults["model"]) == defaults["model"]
        ):
            overrides["model"] = "logit"
    return overrides, notes


def plan_pages(summary: DataSummary, params: Any) -> dict[str, PagePlan]:
    """One plan per page the params run, in run order.

    Parameters
    ----------
    summary : DataSummary
    params : Params
        The run's params: its pages, their own parameters and the notebooks folder.

    Returns
    -------
    dict
        Page name -> :class:`PagePlan`.

    Examples
    --------
    >>> from fbresearch.report.params import load_params
    >>> params = load_params({"notebooks": {"topics": {}}})
    >>> s = DataSummary("2026-10", answers={"csat": 80}, months=3)
    >>> plan = plan_pages(s, params)["topics"]
    >>> plan.status, plan.left_out[0]["reason"]
    ('skipped', "needs the customers' comments")
    """
    plans: dict[str, PagePlan] = {}
    notebooks: Mapping[str, Mapping[str, Any]] = params.notebooks
    for name, own in notebooks.items():
        page: Page = PAGES.get(name, Page(name))
        path = Path(params.notebooks_dir) / f"{name}.ipynb"
        defaults = notebook_defaults(path) if path.exists() else {}
        declared = set(notebook_parameters(path)) if path.exists() else set()
        defaults = {k: v for k, v in defaults.items() if k in declared}
        sections = tuple(_plan_section(s, summary) for s in page.sections)
        optional = [p for p, s in zip(sections, page.sections, strict=True) if s.needs]
        excluded = [p for p in optional if not p.included]
        if optional and len(excluded) == len(optional):
            status = "skipped"
        elif excluded:
            status = "partial"
        else:
            status = "complete"
        overrides, notes = (
            ({}, []) if status == "skipped" else _fallback(name, own, defaults, summary)
        )
        plans[name] = PagePlan(name, status, sections, overrides, tuple(notes))
    return plans


# --------------------------------------------------------------------------- trimming


def _tags(cell: Mapping[str, Any]) -> list[str]:
    return list((cell.get("metadata") or {}).get("tags") or [])


def _section_of(cell: Mapping[str, Any]) -> str | None:
    for tag in _tags(cell):
        if tag.startswith(SECTION_TAG):
            return tag[len(SECTION_TAG) :]
    return None


def _source(cell: Mapping[str, Any]) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def _parse(cell: Mapping[str, Any]) -> ast.Module | None:
    try:
        return ast.parse(_source(cell))
    except SyntaxError:
        return None


def _assigned(stmt: ast.stmt) -> list[str]:
    targets: list[ast.expr] = []
    if isinstance(stmt, ast.Assign):
        targets = list(stmt.targets)
    elif isinstance(stmt, ast.AnnAssign | ast.AugAssign):
        targets = [stmt.target]
    names = []
    for t in targets:
        names += [n.id for n in ast.walk(t) if isinstance(n, ast.Name)]
    return names


def _is_attempt(stmt: ast.stmt) -> bool:
    value = getattr(stmt, "value", None)
    return (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr == "attempt"
    )


def _stub(removed: Mapping[str, Any], needed: set[str]) -> str:
    """Code that defines the names of a removed cell that kept cells use.

    A ``fb.attempt`` result becomes None (later ``fb.attempt`` calls then say what is missing,
    ``write_findings`` skips it); any other assignment is re-run, None if it fails.
    """
    tree = _parse(removed)
    if tree is None:
        return ""
    source = _source(removed)
    lines: list[str] = []
    for stmt in tree.body:
        names = [n for n in _assigned(stmt) if n in needed]
        if not names:
            continue
        if _is_attempt(stmt):
            lines += [f"{n} = None" for n in names]
            continue
        code = ast.get_source_segment(source, stmt) or ""
        body = "\n".join("    " + line for line in code.splitlines())
        lines += ["try:", body, "except Exception:", *(f"    {n} = None" for n in names)]
    return "\n".join(lines)


def group_left_out(left_out: Iterable[Mapping[str, str]]) -> list[dict[str, Any]]:
    """Left-out sections grouped by reason and fix: ``titles``, ``reason``, ``fix``, ``text``
    (what is left out and why, in plain words) and ``analysts`` (how to supply it).

    Examples
    --------
    >>> rows = [{"title": "RFM", "reason": "needs an orders file", "fix": "add it"},
    ...         {"title": "Churn", "reason": "needs an orders file", "fix": "add it"}]
    >>> group_left_out(rows)[0]["text"], group_left_out(rows)[0]["analysts"]
    ('RFM and Churn: needs an orders file.', 'Add it.')
    """
    groups: dict[tuple[str, str], list[str]] = {}
    for s in left_out:
        groups.setdefault((s["reason"], s["fix"]), []).append(s["title"])
    out = []
    for (reason, fix), titles in groups.items():
        names = titles[0] if len(titles) == 1 else ", ".join(titles[:-1]) + " and " + titles[-1]
        out.append(
            {
                "titles": titles,
                "names": names,
                "reason": reason,
                "fix": fix,
                "text": f"{names}: {reason}.",
                "analysts": f"{fix[:1].upper()}{fix[1:]}." if fix else "",
            }
        )
    return out


def analysts_line(fixes: Iterable[str]) -> str:
    """The one "For analysts:" line of a page: the settings that would supply what is missing.

    Examples
    --------
    >>> analysts_line(['map it in params: columns: {touchpoint: "Stage"}', "add orders"])
    '*For analysts:* map it in params: columns: {touchpoint: "Stage"}; add orders.'
    """
    shown = list(dict.fromkeys(f.rstrip(".") for f in fixes if f))
    return f"*For analysts:* {'; '.join(shown)}." if shown else ""


def _note(plan: PagePlan) -> str:
    parts = []
    left = plan.left_out
    if left:
        parts.append("**Left out of this page** (the data of this run cannot support them):\n")
        groups = group_left_out(left)
        parts += [f"* **{g['names']}**: {g['reason']}." for g in groups]
        parts.append("\n" + analysts_line(g["fix"] for g in groups))
    if plan.notes:
        parts.append(("\n" if left else "") + " ".join(plan.notes))
    return "\n".join(parts)


def trim_notebook(nb: Any, page_plan: PagePlan) -> Any:
    """A copy of ``nb`` without the cells of the excluded sections, with one note after the title.

    The note (a markdown cell tagged ``plan-note``) says what was left out, why, and how to
    supply it, and any outcome the page uses instead of its default. Names that a removed code
    cell defines and a kept cell uses are defined in a small cell (tagged ``plan-stub``) in its
    place, so the kept cells run as written.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook()
    >>> nb.cells = [nbformat.v4.new_markdown_cell("# Title"),
    ...             nbformat.v4.new_markdown_cell("## Churn"),
    ...             nbformat.v4.new_code_cell("churn = fb.attempt(f)"),
    ...             nbformat.v4.new_code_cell("print(churn)")]
    >>> for cell in nb.cells[1:3]:
    ...     cell.metadata["tags"] = ["section:churn"]
    >>> plan = PagePlan("x", "partial", (SectionPlan("churn", "Churn", False, "needs an orders "
    ...                 "file", 'name it in params: orders: "orders.csv"'),))
    >>> [c.source for c in trim_notebook(nb, plan).cells]  # doctest: +NORMALIZE_WHITESPACE
    ['# Title', '**Left out of this page** (the data of this run cannot support them):\\n\\n*
    **Churn**: needs an orders file.\\n\\n*For analysts:* name it in params: orders:
    "orders.csv".', 'churn = None', 'print(churn)']
    """
    out = copy.deepcopy(nb)
    excluded = {s.key for s in page_plan.sections if not s.included}
    cells = list(out["cells"])
    kept_loads: set[str] = set()
    kept_assigns: set[str] = set()
    for cell in cells:
        if cell.get("cell_type") != "code" or _section_of(cell) in excluded:
            continue
        tree = _parse(cell)
        if tree is None:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Name):
                (kept_loads if isinstance(node.ctx, ast.Load) else kept_assigns).add(node.id)
    needed = kept_loads - kept_assigns
    new_cells = []
    for i, cell in enumerate(cells):
        if _section_of(cell) not in excluded:
            new_cells.append(cell)
            continue
        if cell.get("cell_type") != "code":
            continue
        code = _stub(cell, needed)
        if code:
            stub = copy.deepcopy(cell)
            stub["source"] = code
            stub["metadata"] = {"tags": ["plan-stub"]}
            stub["outputs"] = []
            stub["execution_count"] = None
            if "id" in stub:
                stub["id"] = f"plan-stub-{i}"
            new_cells.append(stub)
    note = _note(page_plan)
    if note:
        cell = copy.deepcopy(next((c for c in cells if c.get("cell_type") == "markdown"), None))
        if cell is None:
            cell = {"cell_type": "markdown", "metadata": {}, "source": ""}
        cell["source"] = note
        cell["metadata"] = {"tags": ["plan-note"]}
        if "id" in cell:
            cell["id"] = "plan-note"
        at = 1 if new_cells and new_cells[0].get("cell_type") == "markdown" else 0
        new_cells.insert(at, cell)
    out["cells"] = new_cells
    return out
