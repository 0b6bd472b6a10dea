"""Orders and invitation counts: the two small tables beside the feedback.

:func:`load_orders` reads purchases for RFM segmentation and the churn analysis;
:func:`load_invitations` reads how many customers were asked, for response rates. Both read
files like :func:`fbresearch.io.load.load_feedback` (CSV, Parquet, Excel or a DataFrame), map
columns, and raise :class:`~fbresearch.errors.FeedbackDataError` naming the file, column, rows
and a fix.

Examples
--------
>>> import pandas as pd
>>> load_orders(pd.DataFrame({"customer_id": ["c1"], "order_date": ["2026-01-05"],
...                           "amount": [12.5]}))["is_return"].tolist()
[False]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from fbresearch import schema
from fbresearch.errors import FeedbackDataError
from fbresearch.io.load import _check_path, _label, _read_file
from fbresearch.io.parse import _as_text, _examples, _parse_amount, _parse_category, _parse_dates
from fbresearch.io.validate import _closest, _columns_text, _missing_column_error, _Report

__all__ = ["load_orders", "load_invitations"]


def _read_table(
    source: str | Path | pd.DataFrame,
    columns: Mapping[str, str] | None,
    required: Sequence[str],
    what: str,
    example: str,
) -> tuple[pd.DataFrame, str]:
    """Read a small canonical table (orders, invitations) and rename its columns."""
    label = _label(source)
    if isinstance(source, pd.DataFrame):
        raw = source.copy()
        raw.columns = [str(c) for c in raw.columns]
    elif isinstance(source, (str, Path)):
        path = _check_path(source, what)
        header, encoding = _read_file(path, header_only=True)
        wanted = dict(columns or {})
        ids = {wanted.get("customer_id", "customer_id"): "str"}
        raw, _ = _read_file(path, dtype=ids, encoding=encoding)
        raw.columns = [str(c) for c in raw.columns]
    else:
        raise FeedbackDataError(
            f"cannot read {what} from a {type(source).__name__}",
            fix="pass a file path (CSV, Parquet, Excel) or a DataFrame.",
        )
    header = list(raw.columns)
    rename: dict[str, str] = {}
    for canonical, user in dict(columns or {}).items():
        if canonical not in required:
            raise FeedbackDataError(
                f"the {what} column mapping names {canonical!r}, which is not one of "
                + ", ".join(required)
                + "."
                + _closest(str(canonical), required),
                source=label,
                column=str(canonical),
                fix=f"map {', '.join(required)} only.",
            )
        if user not in header:
            raise FeedbackDataError(
                f"the column mapping names {user!r} for {canonical!r}, but the file has no such "
                f"column.{_closest(str(user), header)} The file's columns are "
                + _columns_text(header),
                source=label,
                column=str(user),
                fix="correct the name in the mapping.",
            )
        rename[user] = canonical
    for col in header:
        key = col.strip().lower()
        if (
            col not in rename
            and key in required
            and key not in rename.values()
            and key not in header
        ):
            rename[col] = key
    frame = raw.rename(columns=rename)
    for col in required:
        if col not in frame.columns:
            raise _missing_column_error(
                col, header, label, fix=f"name it in the mapping, e.g. {example}."
            )
    if len(frame) == 0:
        raise FeedbackDataError(
            f"the {what} data has a header but no rows",
            source=label,
            fix="export the data again with its rows.",
        )
    return frame.reset_index(drop=True), label


def load_orders(
    source: str | Path | pd.DataFrame,
    columns: Mapping[str, str] | None = None,
    *,
    tz: str = "UTC",
) -> pd.DataFrame:
    """Read and validate orders for RFM segmentation.

    Parameters
    ----------
    source : path or DataFrame
        CSV, Parquet or Excel file, or a DataFrame, with one row per order.
    columns : mapping, optional
        Canonical name (``customer_id``, ``order_date``, ``amount``) -> your column name.
    tz : str
        Time zone that timestamps with UTC offsets are converted to.

    Returns
    -------
    pandas.DataFrame
        ``customer_id`` (str), ``order_date`` (datetime64[ns]), ``amount`` (float64),
        ``is_return`` (bool: a negative amount), then your other columns. Future dates are
        parsed, not judged (the segment code knows its as-of date).

    Raises
    ------
    FeedbackDataError
        A missing column, an unparseable date or amount, or a missing customer id or date.

    Examples
    --------
    >>> raw = pd.DataFrame({"cust": ["c1", "c1"], "date": ["2026-01-05", "2026-02-01"],
    ...                     "amount": ["¥1,200.50", "-30"]})
    >>> orders = load_orders(raw,
    ...                      columns={"customer_id": "cust", "order_date": "date"})
    >>> orders["amount"].tolist(), orders["is_return"].tolist()
    ([1200.5, -30.0], [False, True])
    """
    frame, label = _read_table(
        source,
        columns,
        list(schema.ORDERS_COLUMNS),
        "orders",
        '{"customer_id": "Customer", "order_date": "Date"}',
    )
    rep = _Report(label)
    frame["customer_id"] = _as_text(frame["customer_id"])
    frame["order_date"] = _parse_dates(frame["order_date"], "order_date", rep, tz)
    frame["amount"] = _parse_amount(frame["amount"], rep)
    for col in schema.ORDERS_COLUMNS:
        missing = frame[col].isna().to_numpy()
        if missing.any():
            raise rep.error(
                f"{int(missing.sum()):,} order(s) have no {col}",
                col,
                np.flatnonzero(missing),
                fix=f"fill in {col} for every order, or remove those rows.",
            )
    frame["is_return"] = (frame["amount"] < 0).to_numpy()
    ordered = [*schema.ORDERS_COLUMNS, "is_return"]
    return frame[ordered + [c for c in frame.columns if c not in ordered]]


def load_invitations(source: str | Path | pd.DataFrame) -> pd.DataFrame:
    """Read invitation counts (how many customers were asked) for response rates.

    Parameters
    ----------
    source : path or DataFrame
        One row per channel and month: ``channel``, ``month`` (``YYYY-MM``, or any date in
        the month), ``invited`` (a whole number >= 0).

    Returns
    -------
    pandas.DataFrame
        ``channel`` (category, cleaned like feedback channels), ``month`` (str ``YYYY-MM``),
        ``invited`` (Int64), sorted by month and channel.

    Examples
    --------
    >>> load_invitations(pd.DataFrame({"channel": ["Email"], "month": ["2026-10"],
    ...                                "invited": [1200]})).to_dict("records")
    [{'channel': 'email', 'month': '2026-10', 'invited': 1200}]
    """
    frame, label = _read_table(
        source,
        None,
        list(schema.INVITATIONS_COLUMNS),
        "invitations",
        '{"channel": "Channel", "month": "Month", "invited": "Sent"}',
    )
    rep = _Report(label)
    frame["channel"] = _parse_category(frame["channel"])
    month = frame["month"]
    if not pd.api.types.is_datetime64_any_dtype(month.dtype):
        text = _as_text(month).str.replace(r"^(\d{4})[/.年](\d{1,2})月?$", r"\1-\2", regex=True)
        month = text.where(~text.str.fullmatch(r"\d{4}-\d{1,2}", na=False), text + "-01")
        month = _parse_dates(month, "month", rep, "UTC")
    frame["month"] = month.dt.to_period("M").astype("str")
    invited = pd.to_numeric(_as_text(frame["invited"]).str.replace(",", ""), errors="coerce")
    bad = (invited.isna() | (invited < 0) | (invited != np.round(invited))).to_numpy()
    if bad.any():
        positions = np.flatnonzero(bad)
        raise rep.error(
            "invitation counts must be whole numbers >= 0, e.g. "
            + _examples(frame["invited"].astype("object"), positions),
            "invited",
            positions,
            fix="correct those counts.",
        )
    frame["invited"] = invited.astype("Int64")
    repeated = frame.duplicated(["channel", "month"], keep=False).to_numpy()
    if repeated.any():
        positions = np.flatnonzero(repeated)
        raise rep.error(
            "a channel and month appear more than once",
            "month",
            positions,
            fix="give one count per channel and month (add them up).",
        )
    frame = frame.sort_values(["month", "channel"], kind="stable").reset_index(drop=True)
    return frame[list(schema.INVITATIONS_COLUMNS)]
