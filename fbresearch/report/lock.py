"""One lock file per period, so that two report runs never write the same period at once."""

from __future__ import annotations

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


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


@contextmanager
def period_lock(out: Path, period: str):  # noqa: ANN201 - context manager
    """Hold ``<out>/.<period>.lock`` while a run writes the period.

    A lock whose process is gone (same host, PID not alive) is stale and taken over; a live one
    raises :class:`~fbresearch.errors.ReportLockedError`.

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
    record = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    for _ in range(3):
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            try:
                held = json.loads(path.read_text(encoding="utf-8") or "{}")
            except (OSError, ValueError):
                held = {}
            pid = int(held.get("pid", 0) or 0)
            same_host = held.get("host", record["host"]) == record["host"]
            if same_host and not _pid_alive(pid):
                log.warning("removing stale lock %s (process %s is gone)", path, pid)
                path.unlink(missing_ok=True)
                continue
            raise ReportLockedError(
                f"Another fbresearch report run (process {pid or '?'} on {held.get('host', '?')}, "
                f"started {held.get('started', '?')}) is writing period {period} in {out}. Wait "
                f"for it to finish; if no such run exists, delete {path}."
            ) from None
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(record, fh)
        break
    else:  # pragma: no cover - three races in a row
        raise ReportLockedError(f"Could not take the lock {path}; try again.")
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)
