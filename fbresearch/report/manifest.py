"""The run's ``manifest.json``: what ran, on which data, with which package versions."""

from __future__ import annotations

import platform
import subprocess
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

from fbresearch.report.params import REPO

__all__ = ["PACKAGES", "versions", "git_state", "json_ready", "quality_counts"]

#: Packages whose versions the manifest records.
PACKAGES = (
    "fbresearch",
    "numpy",
    "pandas",
    "scipy",
    "statsmodels",
    "scikit-learn",
    "gensim",
    "jieba",
    "matplotlib",
    "seaborn",
    "pyarrow",
    "papermill",
    "nbconvert",
    "nbformat",
    "ipykernel",
)


def versions() -> dict[str, str]:
    """Python's and every installed package's version in :data:`PACKAGES`.

    Examples
    --------
    >>> sorted(versions())[:2]
    ['fbresearch', 'gensim']
    """
    found = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return found


def git_state() -> dict[str, Any] | None:
    """The repository's commit and whether tracked files changed (None outside a checkout).

    Examples
    --------
    >>> state = git_state()
    >>> state is None or sorted(state)
    ['commit', 'dirty']
    """
    if not (REPO / ".git").exists():
        return None
    try:
        commit = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return {"commit": commit, "dirty": bool(dirty)}


def json_ready(value: Any) -> Any:
    """Plain JSON data from params and results: paths as text, NaN as None, numpy as Python.

    Examples
    --------
    >>> json_ready({"a": Path("x"), "b": float("nan"), "c": (1, 2)})
    {'a': 'x', 'b': None, 'c': [1, 2]}
    """
    if isinstance(value, Mapping):
        return {str(k): json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, float) and value != value:
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def quality_counts(quality: Any) -> list[dict[str, Any]]:
    """The data-quality table as JSON rows (``check``, ``column``, ``rows``, ``action``).

    Examples
    --------
    >>> quality_counts(None)
    []
    """
    try:
        return [
            {
                "check": str(r["check"]),
                "column": None if r["column"] is None else str(r["column"]),
                "rows": int(r["rows"]),
                "action": str(r["action"]),
            }
            for r in quality.to_dict("records")
        ]
    except (AttributeError, KeyError, TypeError, ValueError):
        return []
