"""Checks on loaded feedback, the data-quality report, and the errors that stop a load.

:func:`describe_quality` turns a quality table into the sentences the overview page shows;
``_Report`` collects quality rows and raises :class:`~fbresearch.errors.FeedbackDataError` with
the user's row numbers; ``_validate`` types, checks, drops and flags the rows of a mapped
feedback frame (:func:`fbresearch.io.load.load_feedback` calls it).


What counts as a hard problem (:class:`~fbresearch.errors.FeedbackDataError`, nothing loaded)
and what is handled softly (counted in ``.quality``):

=================================  ==========================================================
problem                            what happens
=================================  ==========================================================
file missing, empty, header only,  hard error naming the file and what to do
unreadable, unsupported extension
mapping names a missing column     hard error listing the columns that exist, with the closest
no ``submitted_at``, or none of    hard error
nps/csat/ces/text
a date that cannot be parsed       hard error with up to five rows and their values (a wrong
                                   format usually affects every row: better stop than guess)
timestamps with and without a      hard error; stamps that all carry offsets are converted to
UTC offset in one column           one zone (``tz``, default UTC) and stored timezone-naive
invalid scores (outside the        up to 1% of a column's filled cells (``max_invalid``): set
range, not whole, not a number)    to missing, counted (``blanked``); more: hard error, since
                                   a column that is largely invalid is the wrong column or
                                   the wrong scale and its averages would mislead
blank ``submitted_at``             up to 1% of rows: dropped and counted; more: hard error
rows with no answer at all         dropped, counted
exact duplicate rows (same         dropped, counted
``response_id``, same content)
same ``response_id``, different    hard error: ids must identify responses (a common cause is
content                            mapping ``customer_id`` as ``response_id``)
identical rows without ids         kept, flagged (``flag_duplicate``): without ids two equal
                                   answers can be genuine
empty or whitespace-only text      text set to missing, flagged (``flag_empty_text``)
straight-lined ratings (all        flagged (``flag_straight_lined``), never dropped: a truly
``rating_*`` equal, >= 3 answered) happy customer answers 5, 5, 5 too
missing ``response_id``            made from the row number (``"row<n>"``), counted
=================================  ==========================================================


Examples
--------
>>> q = pd.DataFrame([{"check": "missing_date", "column": "submitted_at", "rows": 2,
...                    "action": "dropped", "example_rows": [3, 9],
...                    "message": "with no submission date"}])
>>> describe_quality(q, 100, 98, "survey.csv")
'98 of 100 responses read from survey.csv were kept; 2 dropped: 2 with no submission date.'
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Sequence

import numpy as np
import pandas as pd

from fbresearch import schema
from fbresearch.errors import FeedbackDataError
from fbresearch.io.parse import _as_text, _parse_category, _parse_dates, _parse_scores

__all__ = ["QUALITY_COLUMNS", "describe_quality"]

#: columns of ``Feedback.quality``
QUALITY_COLUMNS = ("check", "column", "rows", "action", "example_rows", "message")

# checks whose quality message is a whole sentence ("missing code 0 in rating_x: 9 cells set to
# missing"), shown as it is
_OWN_SENTENCE = frozenset({"missing_code"})

_DATE_HINTS = ("date", "time", "day", "submitted", "created", "日期", "时间")


def _empty_quality() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in QUALITY_COLUMNS}).astype(
        {"rows": "int64"}
    )


def describe_quality(quality: pd.DataFrame, n_read: int, n_kept: int, source: str) -> str:
    """Plain sentences for a quality table (what :meth:`Feedback.summary` says).

    Examples
    --------
    >>> q = pd.DataFrame([{"check": "duplicate", "column": "response_id", "rows": 3,
    ...                    "action": "dropped", "example_rows": [4],
    ...                    "message": "exact duplicates"}])
    >>> describe_quality(q, 10, 7, "survey.csv")
    '7 of 10 responses read from survey.csv were kept; 3 dropped: 3 exact duplicates.'
    """
    actions = ("dropped", "flagged", "blanked", "filled", "converted")
    by_action = {a: quality[quality["action"] == a] for a in actions}
    dropped = by_action["dropped"]
    source = f"the {source}" if source.startswith("built-in") else source
    if dropped.empty and n_read == n_kept:
        head = f"All {n_kept:,} responses read from {source} were kept"
    else:
        head = f"{n_kept:,} of {n_read:,} responses read from {source} were kept"
        if not dropped.empty:
            parts = [f"{int(r.rows):,} {r.message}" for r in dropped.itertuples()]
            head += f"; {n_read - n_kept:,} dropped: " + "; ".join(parts)
    sentences = [head]
    flagged = by_action["flagged"]
    if not flagged.empty:
        parts = [f"{int(r.rows):,} {r.message}" for r in flagged.itertuples()]
        sentences.append("Flagged but kept: " + "; ".join(parts))
    for action, verb in (
        ("blanked", "set to missing"),
        ("filled", "filled in"),
        ("converted", "converted"),
    ):
        for r in by_action[action].itertuples():
            if r.check in _OWN_SENTENCE:  # the message counts its cells itself
                sentences.append(str(r.message))
            else:
                sentences.append(f"{int(r.rows):,} {r.message} ({verb})")
    if len(sentences) == 1 and dropped.empty:
        sentences[0] += "; no data problems were found"
    return ". ".join(s.rstrip(".") for s in sentences) + "."


def _closest(
    name: str,
    candidates: Sequence[str],
    hints: Sequence[str] = (),
    keep: Callable[[str], bool] | None = None,
) -> str:
    lowered = {c.lower(): c for c in candidates}
    found = [lowered[m] for m in difflib.get_close_matches(name.lower(), list(lowered), 3, 0.6)]
    found += [c for c in candidates if any(h in c.lower() for h in hints) and c not in found]
    if keep is not None:
        found = [f for f in found if keep(f)]
    return f" Did you mean {', '.join(repr(f) for f in found[:3])}?" if found else ""


def _columns_text(columns: Sequence[str], limit: int = 30) -> str:
    shown = ", ".join(repr(c) for c in columns[:limit])
    return shown + (f" and {len(columns) - limit} more" if len(columns) > limit else "")


def _missing_column_error(
    canonical: str,
    header: Sequence[str],
    label: str,
    fix: str,
    keep: Callable[[str], bool] | None = None,
) -> FeedbackDataError:
    """``keep``: only suggest columns it accepts (e.g. those whose values read as dates)."""
    hints = _DATE_HINTS if canonical in schema.DATE_COLUMNS or "date" in canonical else ()
    return FeedbackDataError(
        f"there is no {canonical!r} column.{_closest(canonical, header, hints, keep)} "
        f"The columns are {_columns_text(list(header))}",
        source=label,
        column=canonical,
        fix=fix,
    )


class _Report:
    """Collects quality rows and raises errors with user-facing row numbers."""

    def __init__(self, label: str, origin: dict[str, str] | None = None) -> None:
        self.label = label
        self.rows: list[dict] = []
        self.origin = dict(origin or {})  # canonical name -> the user's column name

    def add(
        self, check: str, column: str | None, positions: np.ndarray, action: str, message: str
    ) -> None:
        positions = np.asarray(positions)
        if positions.size:
            self.rows.append(
                {
                    "check": check,
                    "column": column,
                    "rows": int(positions.size),
                    "action": action,
                    "example_rows": [int(p) + 1 for p in positions[:5]],
                    "message": message,
                }
            )

    def error(
        self,
        problem: str,
        column: str | None,
        positions: Iterable[int] = (),
        fix: str | None = None,
    ) -> FeedbackDataError:
        return FeedbackDataError(
            problem, source=self.label, column=column, rows=[int(p) + 1 for p in positions], fix=fix
        )

    def frame(self) -> pd.DataFrame:
        if not self.rows:
            return _empty_quality()
        return pd.DataFrame(self.rows, columns=list(QUALITY_COLUMNS))


# --------------------------------------------------------------------------------------------
# _validate: type every canonical column, then drop and flag rows
# --------------------------------------------------------------------------------------------


def _validate(
    frame: pd.DataFrame, rep: _Report, *, max_invalid: float, tz: str, n_read: int
) -> pd.DataFrame:
    """Type and check every canonical column; drop and flag rows. Index: 0-based positions.

    The steps below modify ``out`` (the same object as ``frame``: copy-on-write keeps the
    caller's own frame unchanged) and narrow ``keep``, the rows that survive.
    """
    out = frame  # copy-on-write: assignments below never touch the caller's frame
    had_ids = "response_id" in out.columns
    _type_columns(out, rep, max_invalid=max_invalid, tz=tz)
    keep = _drop_undated(out, rep, max_invalid)
    flag_empty, keep = _drop_unanswered(out, rep, keep)
    keep, flag_duplicate = _dedupe(out, rep, keep, had_ids)
    rep.add(
        "empty_text",
        "text",
        np.flatnonzero(flag_empty & keep),
        "flagged",
        "with an empty verbatim (their scores still count)",
    )
    flag_straight = _straight_lined(out, rep, keep)
    out["flag_empty_text"] = flag_empty
    out["flag_straight_lined"] = flag_straight
    out["flag_duplicate"] = flag_duplicate
    if not keep.any():
        dropped = "; ".join(
            f"{r['rows']:,} {r['message']}" for r in rep.rows if r["action"] == "dropped"
        )
        raise rep.error(
            "no usable rows are left after validation" + (f" ({dropped})" if dropped else ""),
            None,
            fix="check the dates and answers of the file: every row was dropped.",
        )
    if not keep.all():
        out = out[keep]
    ordered = list(frame.columns) + ["response_id"] * (not had_ids) + list(schema.FLAG_COLUMNS)
    return out[list(dict.fromkeys(ordered))]


def _type_columns(out: pd.DataFrame, rep: _Report, *, max_invalid: float, tz: str) -> None:
    """Parse ids, dates, scores and categories in place."""
    for col in schema.ID_COLUMNS:
        if col in out.columns:
            out[col] = _as_text(out[col])
    for col in schema.DATE_COLUMNS:
        if col in out.columns:
            out[col] = _parse_dates(out[col], col, rep, tz)
    for col in list(out.columns):
        if schema.score_spec(col) is not None:
            out[col] = _parse_scores(out[col], col, rep, max_invalid)
    for col in schema.CATEGORY_COLUMNS:
        if col in out.columns:
            out[col] = _parse_category(out[col])


def _drop_undated(out: pd.DataFrame, rep: _Report, max_invalid: float) -> np.ndarray:
    """Rows to keep: a few rows without a date are dropped, many are an error; rows dated
    after today (UTC) are dropped and counted."""
    keep = np.ones(len(out), dtype=bool)
    no_date = out["submitted_at"].isna().to_numpy()
    if no_date.any():
        positions = np.flatnonzero(no_date)
        if no_date.sum() > max_invalid * len(out):
            raise rep.error(
                f"{positions.size:,} of {len(out):,} rows have no date",
                "submitted_at",
                positions,
                fix="fill in the submission date, or check the column mapping.",
            )
        rep.add("missing_date", "submitted_at", positions, "dropped", "with no submission date")
        keep &= ~no_date
    today = pd.Timestamp.now(tz="UTC").tz_localize(None).normalize()
    future = (out["submitted_at"] >= today + pd.Timedelta(days=1)).to_numpy() & keep
    if future.any():
        rep.add(
            "future_date",
            "submitted_at",
            np.flatnonzero(future),
            "dropped",
            f"dated in the future (after {today:%Y-%m-%d}, UTC)",
        )
        keep &= ~future
    return keep


def _drop_unanswered(
    out: pd.DataFrame, rep: _Report, keep: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Blank empty texts (flagged) and drop rows with no answer at all: ``(flag_empty, keep)``."""
    flag_empty = np.zeros(len(out), dtype=bool)
    if "text" in out.columns:
        text = out["text"].astype("str")
        flag_empty = (text.isna() | (text.str.strip().str.len() == 0)).to_numpy()
        out["text"] = text.where(~flag_empty)
    answers = [c for c in schema.ANSWER_COLUMNS if c != "text" and c in out.columns]
    answered = out[answers].notna().any(axis=1).to_numpy() if answers else np.zeros(len(out), bool)
    if "text" in out.columns:
        answered = answered | ~flag_empty
    no_answer = ~answered & keep
    if no_answer.any():
        rep.add(
            "no_answer",
            ", ".join(c for c in schema.ANSWER_COLUMNS if c in out.columns),
            np.flatnonzero(no_answer),
            "dropped",
            "with no answer at all (no score and no text)",
        )
        keep &= ~no_answer
    return flag_empty, keep


def _dedupe(
    out: pd.DataFrame, rep: _Report, keep: np.ndarray, had_ids: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Drop exact duplicates, refuse conflicting ids, fill missing ids: ``(keep, flag_dup)``."""
    flag_duplicate = np.zeros(len(out), dtype=bool)
    if had_ids:
        missing_id = out["response_id"].isna().to_numpy()
        if missing_id.any():
            rep.add(
                "missing_id",
                "response_id",
                np.flatnonzero(missing_id),
                "filled",
                "missing response ids made from the row number",
            )
        keep = _drop_duplicate_ids(out, rep, keep, missing_id)
    else:
        missing_id = np.ones(len(out), dtype=bool)
        flag_duplicate = out.duplicated(keep="first").to_numpy() & keep
        rep.add(
            "duplicate",
            None,
            np.flatnonzero(flag_duplicate),
            "flagged",
            "identical to an earlier row (no response ids to tell them apart)",
        )
    if missing_id.any():
        made = pd.Series(
            [f"row{p + 1}" for p in np.flatnonzero(missing_id)],
            index=out.index[missing_id],
            dtype="str",
        )
        ids = out["response_id"] if had_ids else pd.Series(pd.NA, index=out.index, dtype="str")
        out["response_id"] = ids.where(~missing_id, made)
    return keep, flag_duplicate


def _drop_duplicate_ids(
    out: pd.DataFrame, rep: _Report, keep: np.ndarray, missing_id: np.ndarray
) -> np.ndarray:
    """Drop exact copies of a response; the same id on different content is an error."""
    ids = out["response_id"]
    dup = ids.duplicated(keep=False).to_numpy() & ~missing_id & keep
    if not dup.any():
        return keep
    sub = out[dup]
    exact = np.zeros(len(out), dtype=bool)
    exact[np.flatnonzero(dup)[sub.duplicated(keep="first").to_numpy()]] = True
    rep.add(
        "duplicate",
        "response_id",
        np.flatnonzero(exact),
        "dropped",
        "exact duplicates of earlier rows",
    )
    keep &= ~exact
    rest = ids[keep & ~missing_id]
    conflict = rest[rest.duplicated(keep=False)]
    if len(conflict):
        first = conflict.iloc[0]
        positions = np.flatnonzero((ids == first).to_numpy() & keep)
        all_pos = conflict.index.to_numpy()
        raise rep.error(
            f"{conflict.nunique():,} response id(s) appear on rows with different "
            f"content, e.g. {first!r} on rows " + ", ".join(str(p + 1) for p in positions[:5]),
            "response_id",
            all_pos,
            fix="response_id must identify one response: check that the mapping does "
            "not point at a customer or order id, or remove the outdated copies.",
        )
    return keep


def _straight_lined(out: pd.DataFrame, rep: _Report, keep: np.ndarray) -> np.ndarray:
    """Flag rows whose attribute ratings are all equal (at least the minimum answered)."""
    rating_cols = [c for c in out.columns if schema.is_rating(c)]
    flag_straight = np.zeros(len(out), dtype=bool)
    if len(rating_cols) >= schema.STRAIGHT_LINE_MIN_RATINGS:
        values = out[rating_cols].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        n_answered = (~np.isnan(values)).sum(axis=1)
        enough = n_answered >= schema.STRAIGHT_LINE_MIN_RATINGS
        highest = np.where(np.isnan(values), -np.inf, values).max(axis=1)
        lowest = np.where(np.isnan(values), np.inf, values).min(axis=1)
        spread = highest - lowest
        flag_straight = enough & (spread == 0)
        rep.add(
            "straight_lined",
            ", ".join(schema.metric_spec(c).label for c in rating_cols),
            np.flatnonzero(flag_straight & keep),
            "flagged",
            "with every attribute rating the same (straight-lining)",
        )
    return flag_straight
