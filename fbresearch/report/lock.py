"""One lock file per period, so that two report runs never write the same period at once."""

from __future__ import annotations

import fcntl
import json
import logging
import os
import socket
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from fbresearch.errors import ReportLockedError

__all__ = ["period_lock"]

log = logging.getLogger("fbresearch.report")


def _holder(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return {}


@contextmanager
def period_lock(out: Path, period: str):  # noqa: ANN201 - context manager
    """Hold ``<out>/.<period>.lock`` while a run writes the period.

    The lock is an operating-system lock (``flock``) on that file: the kernel releases it when
    the holding process ends, however it ends (even ``kill -9``), so a dead run never blocks the
    next one, a reused PID cannot fake a holder, and two runs can never both take it (the
    stale-lock takeover by PID that this replaces could race). The file records who holds it,
    for the message a second run gets.

    Parameters
    ----------
    out : Path
        The reports folder (created when missing).
    period : str
        ``"YYYY-MM"``.

    Yields
    ------
    Path
        The lock file, removed when the block ends.

    Raises
    ------
    ReportLockedError
        Another live run holds the lock.

    Examples
    --------
    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp())
    >>> with period_lock(out, "2026-10") as lock:
    ...     lock.name, lock.exists()
    ('.2026-10.lock', True)
    >>> lock.exists()
    False
    """
    out.mkdir(parents=True, exist_ok=True)
    path = out / f".{period}.lock"
    for _ in range(5):
        fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            held = _holder(path)
            raise ReportLockedError(
                f"Another fbresearch report run (process {held.get('pid', '?')} on "
                f"{held.get('host', '?')}, started {held.get('started', '?')}) is writing period "
                f"{period} in {out}. Wait for it to finish (its lock is released the moment it "
                "ends)."
            ) from None
        try:
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if same:  # not a file the previous holder removed between our open and our lock
            break
        os.close(fd)
    else:  # pragma: no cover - five races in a row
        raise ReportLockedError(f"Could not take the lock {path}; try again.")
    record = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    os.ftruncate(fd, 0)
    os.write(fd, json.dumps(record).encode("utf-8"))
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)
        os.close(fd)  # releases the lock
