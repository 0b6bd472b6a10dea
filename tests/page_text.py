"""What a stakeholder reads on a rendered page: its visible text, without the analysts' lines.

A page may carry setup detail (params keys, column and file names) only on its "For analysts:"
line (a paragraph starting so, or the index's ``fb-analysts`` spans); :func:`reader_text` is the
rest, in which no such detail may appear. The footer and a page's "Data: ..." line (which data
file the report read, when it was made) are provenance, not findings: left out too.
"""

from __future__ import annotations

import re
from pathlib import Path

#: setup detail a stakeholder should never meet in the findings: params keys and syntax, column
#: names as the code spells them, file names
SETUP_DETAIL = re.compile(
    r"\bparams\b|\breport\.[a-z_]+|\bnotebooks\.[a-z_]+|\bcolumns:|\.ya?ml\b|\.csv\b|\.xlsx\b|"
    r"\b(?:customer_id|response_id|submitted_at|responded_at|resolved_at|order_date|touchpoint|"
    r"rating_[a-z_]+)\b"
)


def _soup(path: Path):  # noqa: ANN202
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    for tag in soup(["script", "style"]):
        tag.decompose()
    return soup


def analysts_lines(path: Path) -> list[str]:
    """The page's "For analysts:" lines, as text."""
    soup = _soup(path)
    lines = [" ".join(t.get_text(" ").split()) for t in soup.select(".fb-analysts")]
    lines += [
        " ".join(p.get_text(" ").split())
        for p in soup.find_all("p")
        if p.get_text(" ").strip().startswith("For analysts:")
    ]
    return lines


def reader_text(path: Path) -> str:
    """The page's visible text without its analysts' lines, whitespace folded."""
    soup = _soup(path)
    for tag in soup.select(".fb-analysts, .fb-footer"):
        tag.decompose()
    for p in soup.find_all("p"):
        if p.get_text(" ").strip().startswith(("For analysts:", "Data:")):
            p.decompose()
    return " ".join(soup.get_text(" ").split())
