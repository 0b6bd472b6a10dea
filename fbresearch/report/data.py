"""The data of a report run: loaded and validated once, the period picked, then slimmed.

The runner loads the feedback (or the built-in sample), orders and invitations once, records
the input files' checksums, picks the report month and, once the canonical files are written
for the notebooks, keeps only what the index page's headline KPIs read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from fbresearch.errors import FeedbackDataError
from fbresearch.io.canonical import file_sha256
from fbresearch.io.inputs import MIN_PERIOD_RESPONSES, default_period, load_sample
from fbresearch.io.load import load_feedback
from fbresearch.io.orders import load_invitations, load_orders
from fbresearch.report.pages import HEADLINE_KPIS
from fbresearch.report.params import Params, check_period, load_params  # noqa: F401 - doctests

__all__ = ["Inputs", "load_data", "slim", "release_memory", "pick_period", "MIN_PERIOD_RESPONSES"]


@dataclass
class Inputs:
    """The data of one run: loaded once, written as canonical files for the notebooks."""

    feedback: Any
    orders: Any
    invitations: Any
    source: str
    files: dict[str, dict[str, Any]]


def load_data(params: Params) -> Inputs:
    """Load the feedback (or the built-in sample), orders and invitations named by params.

    Input files are recorded with their checksum and size for the manifest.

    Examples
    --------
    >>> inputs = load_data(load_params({"pages": [], "sample_size": 300}))
    >>> inputs.feedback.n_read, inputs.files
    (300, {})
    """
    files: dict[str, dict[str, Any]] = {}

    def record(kind: str, path: Path | None) -> None:
        if path is not None and path.exists():
            files[kind] = {
                "path": str(path),
                "sha256": file_sha256(path),
                "bytes": path.stat().st_size,
            }

    if params.data is None:
        sample = load_sample(params.sample_size, params.seed)
        feedback, orders, invitations = sample.feedback, sample.orders, sample.invitations
        source = feedback.source
    else:
        raw = params.raw
        feedback = load_feedback(
            params.data,
            columns=params.columns or None,
            ratings=params.ratings or None,
            missing_codes=raw.get("missing_codes") or None,
            value_maps=raw.get("value_maps") or None,
            wave=raw.get("wave"),
            encoding=raw.get("encoding"),
            drop_columns=params.drop_columns,  # names, e-mails: never written anywhere
        )
        record("feedback", params.data)
        orders = load_orders(params.orders) if params.orders is not None else None
        record("orders", params.orders)
        invitations = (
            load_invitations(params.invitations) if params.invitations is not None else None
        )
        record("invitations", params.invitations)
        source = params.data.name
    return Inputs(feedback, orders, invitations, source, files)


def slim(inputs: Inputs) -> Inputs:
    """``inputs`` with only the columns :func:`headline_kpis` reads, and no orders.

    Examples
    --------
    >>> inputs = slim(load_data(load_params({"pages": [], "sample_size": 300})))
    >>> list(inputs.feedback.frame.columns), inputs.orders
    (['submitted_at', 'nps', 'csat', 'ces'], None)
    """
    frame = inputs.feedback.frame
    keep = [c for c in ("submitted_at", *(k for k, _ in HEADLINE_KPIS)) if c in frame.columns]
    feedback = replace(inputs.feedback, frame=frame[keep].copy())
    return Inputs(feedback, None, None, inputs.source, inputs.files)


def release_memory() -> None:
    """Hand freed data back to the system (pyarrow's pool keeps it otherwise).

    Examples
    --------
    >>> release_memory()
    """
    import gc

    gc.collect()
    try:
        import pyarrow as pa

        pa.default_memory_pool().release_unused()
    except (ImportError, AttributeError):  # pragma: no cover - old pyarrow
        pass


def pick_period(
    params: Params, period: str | None, frame: Any, say: Callable[[str], None] | None = None
) -> str:
    """The report month: ``period``, else params', else the default month of the data.

    The default is :func:`fbresearch.io.inputs.default_period`: the latest complete month with
    at least :data:`MIN_PERIOD_RESPONSES` responses (a single day or one wave: that month;
    future rows never pick it). When no complete month has enough, the latest one with any is
    taken and ``say`` (default: a line on standard error) tells the user.

    Raises
    ------
    FeedbackDataError
        An explicit period outside the data, naming the months the data covers.

    Examples
    --------
    >>> import pandas as pd
    >>> days = pd.to_datetime(["2026-09-03"] * 30 + ["2026-10-02"] * 30 + ["2026-11-02"] * 40)
    >>> pick_period(load_params({"pages": []}), None, pd.DataFrame({"submitted_at": days}))
    '2026-10'
    >>> one_day = pd.DataFrame({"submitted_at": pd.to_datetime(["2026-10-15"] * 40)})
    >>> pick_period(load_params({"pages": []}), None, one_day)
    '2026-10'
    """
    import sys

    import pandas as pd

    chosen = check_period(period, "--period") or params.period
    dates = frame["submitted_at"]
    if chosen is not None:
        months = dates.dt.to_period("M")
        if not (months == pd.Period(chosen, freq="M")).any():
            covered = f"{dates.min():%Y-%m} to {dates.max():%Y-%m}" if len(dates) else "no months"
            raise FeedbackDataError(
                f"no responses in the period {chosen}; the data covers {covered}",
                column="submitted_at",
                fix="choose a period inside the data (--period YYYY-MM), or leave it empty "
                "for the latest complete month.",
            )
        return chosen
    month, note = default_period(frame)
    if note:
        (say or (lambda text: print(text, file=sys.stderr, flush=True)))(note)
    return str(month)
