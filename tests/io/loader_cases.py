"""Hand-made inputs and checks shared by the io tests (not a test module).

The truths are hand-made inputs: each small file plants a known problem at known rows, and
the tests check that the loader reports exactly that file, column, those rows and a fix (or
counts exactly those rows in the quality table).
"""

from __future__ import annotations

from fbresearch import FeedbackDataError


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def check_error(excinfo, *, file, column=None, rows=None, says=()):
    """The error names the file, the column, the rows (1-based data rows) and a fix."""
    err = excinfo.value
    message = str(err)
    assert type(err) is FeedbackDataError
    assert err.source == file and file in message
    if column is not None:
        assert err.column == column and repr(column) in message
    if rows is not None:
        assert list(err.rows) == list(rows)
        assert f"row{'s' if len(rows) > 1 else ''} {rows[0]}" in message
    assert err.fix and "Fix:" in message
    for text in says:
        assert text in message, message


def quality_row(fb, check):
    rows = fb.quality[fb.quality["check"] == check]
    assert len(rows) == 1, fb.quality
    return rows.iloc[0]


GOOD = (
    "response_id,submitted_at,channel,nps,csat,text\n"
    "a1,2026-10-01 09:00,Email,9,5,fast delivery\n"
    "a2,2026-10-02 10:30,web,3,2,slow\n"
    "a3,2026-10-03 11:00,Call Center,10,4,\n"
)
