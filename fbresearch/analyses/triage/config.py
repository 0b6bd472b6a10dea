"""Shared settings of triage: the grades, their default time limits, and reading rule files.

Examples
--------
>>> SEVERITIES
('urgent', 'important', 'general')
>>> DEFAULT_LIMITS_HOURS["urgent"]
4.0
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from fbresearch.errors import ParamsError

__all__ = [
    "SEVERITIES",
    "DEFAULT_LIMITS_HOURS",
    "UNCATEGORIZED",
    "NO_TEXT",
    "UNSORTED_LABELS",
    "UNSORTED_MEANING",
    "UNHAPPY",
    "OUTCOMES",
]

#: Grades from most to least pressing.
SEVERITIES = ("urgent", "important", "general")
#: Response-time limit per grade, in hours (the default severity rules' ``limits_hours``).
DEFAULT_LIMITS_HOURS = {"urgent": 4.0, "important": 24.0, "general": 72.0}
#: The category of a text that matched no taxonomy word.
UNCATEGORIZED = "uncategorized"
#: The category row of responses without a text (no words to sort), apart from "no category".
NO_TEXT = "no_text"
#: The reader's names of the two rows outside the taxonomy.
UNSORTED_LABELS = {UNCATEGORIZED: "No category", NO_TEXT: "No text"}
#: What the two rows mean, for every caption that shows them (one definition for all tables).
UNSORTED_MEANING = {
    UNCATEGORIZED: "No category: texts with none of the taxonomy's words, however short",
    NO_TEXT: "No text: responses without a text",
}
#: outcome -> the highest answer that counts as unhappy (followed up, graded important)
UNHAPPY = {"nps": 6, "csat": 2, "satisfied": 0, "ces": 3}
#: the outcomes triage reads, in the order a page falls back to them
OUTCOMES = tuple(UNHAPPY)


def _suggest(key: str, allowed: Sequence[str]) -> str:
    close = difflib.get_close_matches(str(key), list(allowed), n=1)
    return f" Did you mean {close[0]!r}?" if close else ""


def _read_yaml(source: str | Path, what: str) -> Any:
    path = Path(source)
    if not path.is_file():
        raise ParamsError(
            f"{what} file {str(path)!r} not found. Fix: give the path of a YAML file."
        )
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        raise ParamsError(f"{what} file {path.name!r} is not valid YAML: {err}") from None


def _package_yaml(name: str) -> Any:
    return yaml.safe_load((resources.files("fbresearch") / "resources" / name).read_text("utf-8"))


def _is_latin(word: str) -> bool:
    return word.isascii()
