"""Canonical files: what the runner writes once and every notebook reads.

:func:`write_canonical` stores validated data as Parquet (dtypes and index preserved) plus the
quality report ``quality.json``; :func:`read_quality` reads that report back;
:func:`file_sha256` fingerprints input files for the run manifest. The readers of canonical
Parquet files used by :func:`fbresearch.io.inputs.load_inputs` live here too.

Examples
--------
>>> import tempfile
>>> from fbresearch.io.load import load_feedback
>>> fb = load_feedback(pd.DataFrame({"submitted_at": ["2026-10-01"], "nps": [9]}))
>>> with tempfile.TemporaryDirectory() as tmp:
...     quality = read_quality(write_canonical(fb, tmp)["quality"])
>>> quality.attrs["n_kept"]
1
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from fbresearch.errors import FeedbackDataError
from fbresearch.io.load import Feedback
from fbresearch.io.validate import QUALITY_COLUMNS, _closest, _empty_quality

__all__ = ["write_canonical", "read_quality", "file_sha256"]


def write_canonical(
    feedback: Feedback,
    folder: str | Path,
    *,
    orders: pd.DataFrame | None = None,
    invitations: pd.DataFrame | None = None,
) -> dict[str, Path]:
    """Write validated data as Parquet (dtypes and index preserved) plus ``quality.json``.

    Parameters
    ----------
    feedback : Feedback
        From :func:`load_feedback`.
    folder : path
        Created if needed.
    orders, invitations : DataFrame, optional
        From :func:`load_orders` and :func:`load_invitations`.

    Returns
    -------
    dict
        ``{"feedback": .../feedback.parquet, "quality": .../quality.json}`` plus ``orders``
        and ``invitations`` when given.

    Examples
    --------
    >>> import tempfile
    >>> from fbresearch.io.load import load_feedback
    >>> fb = load_feedback(pd.DataFrame({"submitted_at": ["2026-10-01"], "nps": [9]}))
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     paths = write_canonical(fb, tmp)
    ...     back = pd.read_parquet(paths["feedback"])
    >>> sorted(paths), str(back["nps"].dtype)
    (['feedback', 'quality'], 'Int64')
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {"feedback": folder / "feedback.parquet", "quality": folder / "quality.json"}
    feedback.frame.to_parquet(paths["feedback"], engine="pyarrow", index=True)
    quality = feedback.quality
    payload = {
        "source": feedback.source,
        "encoding": feedback.encoding,
        "n_read": int(feedback.n_read),
        "n_kept": len(feedback.frame),
        "summary": feedback.summary(),
        "checks": [
            {k: (None if _is_missing(v) else v) for k, v in rec.items()}
            for rec in quality.astype({"rows": "int64"}).to_dict("records")
        ],
    }
    for rec in payload["checks"]:
        rec["rows"] = int(rec["rows"])
        rec["example_rows"] = [int(r) for r in rec["example_rows"] or []]
    paths["quality"].write_text(
        json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    for name, table in (("orders", orders), ("invitations", invitations)):
        if table is not None:
            paths[name] = folder / f"{name}.parquet"
            table.to_parquet(paths[name], engine="pyarrow", index=False)
    return paths


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))


def read_quality(path: str | Path) -> pd.DataFrame:
    """Read the ``quality.json`` written by :func:`write_canonical` as a quality table.

    ``.attrs`` holds ``source``, ``n_read``, ``n_kept`` and ``summary``.

    Parameters
    ----------
    path : path
        The ``quality.json`` file.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`~fbresearch.io.validate.QUALITY_COLUMNS`, one row per check.

    Raises
    ------
    FeedbackDataError
        The file is missing or is not JSON.

    Examples
    --------
    >>> import tempfile
    >>> from fbresearch.io.load import load_feedback
    >>> fb = load_feedback(pd.DataFrame({"submitted_at": ["2026-10-01"] * 2, "nps": [9, 9],
    ...                                  "text": ["ok", " "]}))
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     table = read_quality(write_canonical(fb, tmp)["quality"])
    >>> table["check"].tolist(), table.attrs["n_read"]
    (['empty_text'], 2)
    """
    path = Path(path)
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise FeedbackDataError(
            f"the quality report cannot be read ({exc})",
            source=path.name,
            fix="run the report again; the runner writes this file.",
        ) from exc
    checks = payload.get("checks", [])
    table = pd.DataFrame(checks, columns=list(QUALITY_COLUMNS)) if checks else _empty_quality()
    table.attrs.update({k: payload.get(k) for k in ("source", "n_read", "n_kept", "summary")})
    return table


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file's bytes, read in 1 MiB blocks (for the run manifest).

    Examples
    --------
    >>> import tempfile, os
    >>> with tempfile.NamedTemporaryFile(delete=False) as fh:
    ...     _ = fh.write(b"abc")
    >>> file_sha256(fh.name)[:16]
    'ba7816bf8f01cfea'
    >>> os.remove(fh.name)
    """
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _read_canonical(path: Path, columns: Sequence[str] | None) -> pd.DataFrame:
    """Read a canonical Parquet file, only ``columns`` (plus ``submitted_at``) when given."""
    import pyarrow.parquet as pq

    try:
        if columns is not None:
            names = pq.read_schema(path).names
            wanted = list(dict.fromkeys(["submitted_at", *columns]))
            absent = [c for c in wanted if c not in names]
            if absent:
                raise FeedbackDataError(
                    f"the canonical file has no column {absent[0]!r}." + _closest(absent[0], names),
                    source=path.name,
                    column=absent[0],
                    fix="map that column in params `columns:` so the runner writes it.",
                )
            return pq.read_pandas(path, columns=wanted).to_pandas()
        return pq.read_pandas(path).to_pandas()
    except FeedbackDataError:
        raise
    except Exception as exc:  # pyarrow's errors for a damaged file vary
        raise FeedbackDataError(
            f"the file cannot be read as Parquet ({exc})",
            source=path.name,
            fix="run the report again so the runner rewrites it.",
        ) from exc


def _parquet_columns(path: Path) -> list[str]:
    """The data columns of a Parquet file (pandas' stored index columns left out)."""
    import pyarrow.parquet as pq

    try:
        names = pq.read_schema(path).names
    except Exception as exc:  # pyarrow's errors for a damaged file vary
        raise FeedbackDataError(
            f"the file cannot be read as Parquet ({exc})",
            source=path.name,
            fix="run the report again so the runner rewrites it.",
        ) from exc
    return [n for n in names if not n.startswith("__index_level_")]
