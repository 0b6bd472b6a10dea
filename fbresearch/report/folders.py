"""The report folders: owner-only while built, published by one rename, leftovers removed.

A period is built in a hidden staging folder beside its target (owner-only, ``mkdtemp``) and
moved into place only when complete (:func:`publish`); a killed run's staging folder and raw
data are removed by the next run (:func:`remove_leftovers`).
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fbresearch.errors import ParamsError
from fbresearch.privacy import redact_file

__all__ = ["remove_leftovers", "check_out", "owner_only", "publish", "replace_folder"]

log = logging.getLogger("fbresearch.report")


def remove_leftovers(out: Path) -> None:
    """Remove what a killed run (``kill -9``, power loss) left: its raw canonical data in the
    temporary folder and its half-built period folder. Only folders of processes that are gone."""
    import psutil

    leftovers = list(Path(tempfile.gettempdir()).glob("fbresearch-data-*-*"))
    leftovers += list(out.glob(".*.building-*-*"))
    for folder in leftovers:
        match = re.search(r"(?:fbresearch-data|building)-(\d+)-", folder.name)
        if match and not psutil.pid_exists(int(match.group(1))):
            log.warning("removing %s, left by a run that was killed", folder)
            shutil.rmtree(folder, ignore_errors=True)


def check_out(out: Path) -> None:
    """Refuse an output folder that cannot be written, before any data is read."""
    if out.exists() and not out.is_dir():
        raise ParamsError(
            f"--out {str(out)!r} is a file, not a folder. Fix: give the reports folder, e.g. "
            f"--out {out.parent / 'reports'}."
        )
    probe = out if out.exists() else next((p for p in out.parents if p.exists()), Path("."))
    if not os.access(probe, os.W_OK | os.X_OK):
        raise ParamsError(
            f"--out {str(out)!r}: {str(probe)!r} cannot be written by this user. Fix: choose a "
            "folder you can write to, or ask for write permission."
        )


@contextmanager
def owner_only() -> Iterator[None]:
    """Files created in the block are owner-only (umask 077: 0600 files, 0700 folders)."""
    umask = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(umask)


def publish(staging: Path, target: Path) -> None:
    """Open the finished staging folder to readers (reports are read from file shares), its
    run.log redacted (kernel and library messages may quote data), and move it to ``target``."""
    redact_file(staging / "run.log")
    staging.chmod(0o755)
    replace_folder(staging, target)


def replace_folder(staging: Path, target: Path) -> None:
    """Move a complete ``staging`` folder to ``target``; an existing target goes only afterwards."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        if old.exists():
            shutil.rmtree(old)
        target.rename(old)
    try:
        staging.rename(target)
    except OSError:
        if old is not None:
            old.rename(target)  # put the previous report back
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
