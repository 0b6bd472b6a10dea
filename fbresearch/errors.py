"""The exceptions fbresearch raises.

Every error is a :class:`FbResearchError`, so a scheduler can catch one class. Messages say
where the problem is (file, column, example rows) and how to fix it, because the person who
reads them is usually not the person who wrote the code.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from fbresearch.privacy import redact

__all__ = [
    "FbResearchError",
    "FeedbackDataError",
    "ParamsError",
    "AnalysisError",
    "ReportError",
    "ReportLockedError",
]


class FbResearchError(Exception):
    """Base class of every error fbresearch raises on purpose.

    Its message is redacted of personal data (:func:`fbresearch.privacy.redact`): an error that
    quotes cell values goes to stderr, and from there into cron logs.

    Examples
    --------
    >>> str(FbResearchError("bad value 'li.wei@example.com' in row 3"))
    "bad value '[email]' in row 3"
    """

    def __init__(self, *args: object) -> None:
        super().__init__(*(redact(a) if isinstance(a, str) else a for a in args))


class FeedbackDataError(FbResearchError, ValueError):
    """Input data cannot be used as it is.

    Parameters
    ----------
    problem : str
        One sentence saying what is wrong.
    source : str, optional
        The file (or ``"DataFrame"``) the data came from.
    column : str, optional
        The column at fault, in the user's own naming where known.
    rows : sequence of int, optional
        Row numbers as a user sees them in the file (1 = first data row); up to five are shown.
    fix : str, optional
        What the user should do about it.

    Examples
    --------
    >>> err = FeedbackDataError("scores out of range", source="survey.csv", column="nps",
    ...                         rows=[3, 9], fix="NPS answers must be whole numbers 0-10.")
    >>> print(err)
    survey.csv: column 'nps': scores out of range (rows 3, 9). Fix: NPS answers must be whole numbers 0-10.
    """

    def __init__(
        self,
        problem: str,
        *,
        source: str | None = None,
        column: str | None = None,
        rows: Iterable[int] | None = None,
        fix: str | None = None,
    ) -> None:
        self.problem = problem
        self.source = source
        self.column = column
        self.rows: tuple[int, ...] = tuple(int(r) for r in rows) if rows is not None else ()
        self.fix = fix
        super().__init__(self._message())

    def _message(self) -> str:
        where = []
        if self.source:
            where.append(str(self.source))
        if self.column:
            where.append(f"column {self.column!r}")
        text = ": ".join(where + [self.problem]) if where else self.problem
        if self.rows:
            text += f" ({_rows_text(self.rows)})"
        text = text.rstrip(".") + "."
        if self.fix:
            text += f" Fix: {self.fix}"
        return text


def _rows_text(rows: Sequence[int], limit: int = 5) -> str:
    shown = ", ".join(str(r) for r in rows[:limit])
    more = f" and {len(rows) - limit} more" if len(rows) > limit else ""
    return f"row{'s' if len(rows) > 1 else ''} {shown}{more}"


class ParamsError(FbResearchError, ValueError):
    """A params YAML file (or a params dict) is invalid; the message names the key and file."""


class AnalysisError(FbResearchError, ValueError):
    """An analysis cannot run on the data given (too few rows, a constant column, ...)."""


class ReportError(FbResearchError, RuntimeError):
    """A report run failed; carries the notebook and cell where it failed when known."""

    def __init__(
        self,
        message: str,
        *,
        notebook: str | None = None,
        cell_index: int | None = None,
        ename: str | None = None,
        evalue: str | None = None,
    ) -> None:
        self.notebook = notebook
        self.cell_index = cell_index
        self.ename = ename
        self.evalue = evalue
        super().__init__(message)


class ReportLockedError(ReportError):
    """Another run is already writing the same period."""
