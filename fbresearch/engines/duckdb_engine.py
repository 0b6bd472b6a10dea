"""The DuckDB engine: embedded, out-of-core, reading Parquet or CSV where it lies.

:class:`DuckDBEngine` scans a file, a glob or a folder of hive-partitioned Parquet
(``exports/feedback/month=2026-10/part-0.parquet``; folders of months outside the period are not
even opened) and pushes the column selection and the period filter down into the read. Answer
counts per group are one SQL aggregate; only the small count table comes back to Python, where
:mod:`fbresearch.analyses.kpis` turns it into estimates with the same numpy code as for pandas.

DuckDB is an optional dependency (``pip install "fbresearch[engines]"``); it is imported when a
scan is made, so the package works without it.
"""

from __future__ import annotations

import glob as globlib
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from fbresearch.engines.base import (
    TIME_KEYS,
    check_keys,
    cluster_columns,
    count_columns,
    hive_keys,
    parquet_files,
    period_bounds,
    require,
    source_label,
)
from fbresearch.engines.pandas_engine import check_cluster
from fbresearch.errors import AnalysisError

__all__ = ["DuckDBEngine", "DuckDBScan"]

_TRUNC = {"month": "month", "week": "week", "quarter": "quarter", "year": "year", "day": "day"}


def _q(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + str(name).replace('"', '""') + '"'


def _lit(text: str) -> str:
    """A quoted SQL string literal."""
    return "'" + str(text).replace("'", "''") + "'"


class DuckDBScan:
    """A source read by DuckDB with a column selection and a period filter (see ``Scan``)."""

    engine = "duckdb"

    def __init__(self, con: Any, relation: str, columns: list[str], where: str, label: str) -> None:
        self._con, self._relation, self._where, self._label = con, relation, where, label
        self.columns = columns

    def _from(self) -> str:
        return f"FROM {self._relation} WHERE {self._where}"

    def sql(self, select: str, tail: str = "") -> pd.DataFrame:
        """Run ``SELECT <select>`` over the scan (``tail``: GROUP BY etc.) into a DataFrame."""
        return self._con.execute(f"SELECT {select} {self._from()} {tail}").df()

    def count(self) -> int:
        """The number of rows the scan selects."""
        return int(self._con.execute(f"SELECT count(*) {self._from()}").fetchone()[0])

    def to_frame(self) -> pd.DataFrame:
        """The selected rows and columns as a pandas DataFrame."""
        return self.sql(", ".join(_q(c) for c in self.columns))

    def month_counts(
        self, date: str = "submitted_at", before: Any = None
    ) -> tuple[pd.Series, pd.Timestamp]:
        """Dated rows per month (a Series indexed by Periods, sorted) and the latest date,
        counting only rows dated before ``before`` (a Timestamp; None: all). One SQL aggregate.
        """
        ts = f"TRY_CAST({_q(date)} AS TIMESTAMP)"
        cond = f"{ts} IS NOT NULL" + (
            "" if before is None else f" AND {ts} < TIMESTAMP {_lit(pd.Timestamp(before))}"
        )
        rows = self.sql(
            f"date_trunc('month', {ts}) AS m, count(*) AS n, max({ts}) AS last",
            f"AND {cond} GROUP BY 1 ORDER BY 1",
        )
        months = pd.PeriodIndex(pd.to_datetime(rows["m"]), freq="M")
        counts = pd.Series(rows["n"].to_numpy(dtype=np.int64), index=months, name="n")
        last = pd.Timestamp(rows["last"].max()) if len(rows) else pd.NaT
        return counts, last

    def kept(
        self, date: str, answers: Sequence[str], text: str | None = None, before: Any = None
    ) -> DuckDBScan:
        """The rows loading keeps: dated (before ``before``, a Timestamp), with an answer in
        one of ``answers`` or a non-blank ``text``."""
        ts = f"TRY_CAST({_q(date)} AS TIMESTAMP)"
        cond = [f"{ts} IS NOT NULL"]
        if before is not None:
            cond.append(f"{ts} < TIMESTAMP {_lit(pd.Timestamp(before))}")
        any_answer = [f"{_q(c)} IS NOT NULL" for c in answers if c in self.columns]
        if text is not None and text in self.columns:
            any_answer.append(f"length(trim(CAST({_q(text)} AS VARCHAR))) > 0")
        cond.append("(" + (" OR ".join(any_answer) or "FALSE") + ")")
        where = f"{self._where} AND " + " AND ".join(cond)
        return DuckDBScan(self._con, self._relation, self.columns, where, self._label)

    def sample(self, key: str, threshold: int, seed: int = 0) -> DuckDBScan:
        """The rows whose :func:`fbresearch.engines.base.sample_hash` of ``key`` is below
        ``threshold`` (the same rows as every engine's)."""
        if key not in self.columns:
            raise AnalysisError(f"cannot sample by {key!r}: no such column in {self._label}.")
        digest = f"md5(concat({_lit(f'{int(seed)}:')}, CAST({_q(key)} AS VARCHAR)))"
        where = f"{self._where} AND CAST('0x' || left({digest}, 8) AS UBIGINT) < {int(threshold)}"
        return DuckDBScan(self._con, self._relation, self.columns, where, self._label)

    def kpi_counts(
        self,
        by: Sequence[str],
        scores: Mapping[str, tuple[int, int]],
        *,
        date: str = "submitted_at",
        cluster: str | None = None,
    ) -> pd.DataFrame:
        """Integer answer counts per group, as :func:`fbresearch.engines.pandas_engine.frame_counts`."""
        by = list(by)
        check_keys(by, self.columns, date)
        keys = self._keys(by, date)
        aggs = ["count(*) AS _rows"]
        names = iter(count_columns(scores))
        for column, (low, high) in scores.items():
            if column not in self.columns:
                raise AnalysisError(f"column {column!r} is not in {self._label}.")
            raw = _q(column)
            v = f"TRY_CAST({raw} AS DOUBLE)"
            bad = (
                f"({raw} IS NOT NULL AND {v} IS NULL) OR (NOT isnan({v}) AND "
                f"({v} < {low} OR {v} > {high} OR {v} <> round({v})))"
            )
            aggs.append(f"count(*) FILTER (WHERE {bad}) AS {_q('_bad_' + column)}")
            aggs += [
                f"count(*) FILTER (WHERE {v} = {value}) AS {_q(next(names))}"
                for value in range(low, high + 1)
            ]
        select = ", ".join([f"{e} AS {_q(k)}" for e, k in zip(keys, by, strict=True)] + aggs)
        tail = f"GROUP BY {', '.join(str(i + 1) for i in range(len(by)))}" if by else ""
        counts = self.sql(select, tail)
        for column in scores:
            self._check(counts.pop(f"_bad_{column}"), column, scores[column])
        counts = self._tidy(counts, by)
        if cluster is not None:
            products = self._tidy(self._customer_products(by, keys, scores, cluster), by)
            counts = counts.merge(products, on=by, how="left") if by else counts.join(products)
            counts = counts.fillna(dict.fromkeys(cluster_columns(scores), 0))
        ints = [c for c in counts.columns if c not in by]
        return counts.astype(dict.fromkeys(ints, np.int64)).reset_index(drop=True)

    def _keys(self, by: list[str], date: str) -> list[str]:
        """The SQL expressions of the group keys (a time key: the truncated date)."""
        return [
            _q(k)
            if k in self.columns
            else f"date_trunc('{_TRUNC[k]}', CAST({_q(date)} AS TIMESTAMP))"
            for k in by
        ]

    def _tidy(self, counts: pd.DataFrame, by: list[str]) -> pd.DataFrame:
        """Groups with a key left out, time keys as Periods, sorted by the keys."""
        if not by:
            return counts
        counts = counts.dropna(subset=by)
        for k in by:
            if k not in self.columns:
                counts[k] = pd.to_datetime(counts[k]).dt.to_period(TIME_KEYS[k])
        return counts.sort_values(by, kind="stable").reset_index(drop=True)

    def _customer_products(
        self, by: list[str], keys: list[str], scores: Mapping[str, tuple[int, int]], cluster: str
    ) -> pd.DataFrame:
        """The per-customer columns (:func:`fbresearch.engines.base.cluster_columns`) per group:
        value counts per group and customer, then their products summed per group. The rows
        without a customer form one inner group per group, counted as customers of their own."""
        check_cluster(self.columns, cluster)
        inner = [f"{e} AS {_q(k)}" for e, k in zip(keys, by, strict=True)]
        inner.append(f"{_q(cluster)} AS _cid")
        outer = [_q(k) for k in by]
        for column, (low, high) in scores.items():
            v = f"TRY_CAST({_q(column)} AS DOUBLE)"
            c = [_q(f"_{column}_{value}") for value in range(low, high + 1)]
            inner += [
                f"count(*) FILTER (WHERE {v} = {value}) AS {name}"
                for value, name in zip(range(low, high + 1), c, strict=True)
            ]
            n = " + ".join(c)
            outer.append(
                f"CAST(sum(CASE WHEN _cid IS NULL THEN {n} ELSE CAST({n} > 0 AS BIGINT) END) "
                f"AS BIGINT) AS {_q(column + '_g')}"
            )
            for i in range(len(c)):
                for j in range(i, len(c)):
                    alone = c[i] if i == j else "0"
                    outer.append(
                        f"CAST(sum(CASE WHEN _cid IS NULL THEN {alone} ELSE {c[i]} * {c[j]} END) "
                        f"AS BIGINT) AS {_q(f'{column}_x{low + i}_{low + j}')}"
                    )
        group_inner = ", ".join(str(i + 1) for i in range(len(by) + 1))
        group_outer = f"GROUP BY {', '.join(str(i + 1) for i in range(len(by)))}" if by else ""
        query = (
            f"SELECT {', '.join(outer)} FROM (SELECT {', '.join(inner)} {self._from()} "
            f"GROUP BY {group_inner}) {group_outer}"
        )
        return self._con.execute(query).df()

    def _check(self, bad: pd.Series, column: str, scale: tuple[int, int]) -> None:
        """Refuse answers that are not whole numbers on the scale, naming a few of them."""
        if int(bad.sum()) == 0:
            return
        low, high = scale
        raw, v = _q(column), f"TRY_CAST({_q(column)} AS DOUBLE)"
        found = self.sql(
            f"DISTINCT CAST({raw} AS VARCHAR) AS value",
            f"AND (({raw} IS NOT NULL AND {v} IS NULL) OR (NOT isnan({v}) AND ({v} < {low} "
            f"OR {v} > {high} OR {v} <> round({v})))) LIMIT 5",
        )["value"].tolist()
        raise AnalysisError(
            f"column {column!r} must hold whole numbers from {low} to {high}; found "
            f"{int(bad.sum()):,} that are not, e.g. {', '.join(found)} (in {self._label}). "
            f"Fix: check the scale of {column!r} (fb.load_feedback validates it on loading)."
        )


class DuckDBEngine:
    """Embedded DuckDB: reads a DataFrame, a CSV or Parquet file, a glob or a Parquet folder.

    Parameters
    ----------
    threads : int, optional
        Threads DuckDB may use (default: its own, the number of cores).
    memory_limit : str, optional
        E.g. ``"4GB"``; DuckDB spills to disk beyond it.

    Examples
    --------
    >>> df = pd.DataFrame({"submitted_at": pd.to_datetime(["2026-09-30", "2026-10-01"]),
    ...                    "nps": [10, 0], "text": ["ok", "no"]})
    >>> scan = DuckDBEngine(threads=1).scan(df, ["submitted_at", "nps"], through="2026-09")
    >>> scan.columns, scan.count()
    (['submitted_at', 'nps'], 1)
    """

    name = "duckdb"

    def __init__(self, threads: int | None = None, memory_limit: str | None = None) -> None:
        self.threads, self.memory_limit = threads, memory_limit

    def _connect(self) -> Any:
        require("duckdb")
        import duckdb  # optional dependency: imported when used

        con = duckdb.connect()
        con.execute("SET TimeZone = 'UTC'")
        if self.threads:
            con.execute(f"SET threads = {int(self.threads)}")
        if self.memory_limit:
            con.execute(f"SET memory_limit = {_lit(self.memory_limit)}")
        return con

    def _relation(self, con: Any, source: Any, since: Any, through: Any) -> tuple[str, set]:
        """The SQL table expression reading ``source`` (partition folders pruned), and the
        hive partition keys it adds as columns."""
        if isinstance(source, pd.DataFrame):
            con.register("fb_source", source)
            return "fb_source", set()
        text = os.fspath(source)
        if Path(text).is_dir():
            files = parquet_files(text, since, through)
            if not files:
                files = parquet_files(text)[:1]  # no month in the period: an empty scan
            if not files:
                raise AnalysisError(f"{text}: no Parquet files in this folder.")
            listed = "[" + ", ".join(_lit(f) for f in files) + "]"
        else:
            files = sorted(globlib.glob(text)) if globlib.has_magic(text) else [text]
            if not files or not Path(files[0]).exists():
                raise AnalysisError(f"{text}: no such file. Fix: check the path.")
            listed = _lit(text)
        hive = hive_keys(files[0])
        suffix = Path(files[0]).suffix.lower()
        if suffix == ".csv":
            return f"read_csv({listed}, auto_detect = true)", set()
        if suffix in (".parquet", ".pq"):
            options = "hive_partitioning = true, union_by_name = true"
            return f"read_parquet({listed}, {options})", hive
        raise AnalysisError(
            f"the duckdb engine cannot read {text}. Fix: pass a .csv or .parquet file, a glob "
            "such as exports/*.parquet, or a folder of Parquet files."
        )

    def scan(
        self,
        source: Any,
        columns: Sequence[str] | None = None,
        *,
        since: str | None = None,
        through: str | None = None,
        date: str = "submitted_at",
    ) -> DuckDBScan:
        """The source with ``columns`` and the months ``since`` to ``through`` (inclusive).

        Partition columns of a hive folder (``month=``) are used to skip folders, not read
        as data. Rows whose date cannot be read as a time are kept (loading reports them).
        """
        con = self._connect()
        relation, hive = self._relation(con, source, since, through)
        described = con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()
        types = {str(row[0]): str(row[1]) for row in described}
        present = [c for c in types if c not in hive]
        if columns is None:
            chosen = present
        else:
            missing = [c for c in columns if c not in types]
            if missing:
                raise AnalysisError(
                    f"{source_label(source)} has no column {missing[0]!r} (columns: "
                    f"{', '.join(present)})."
                )
            chosen = list(columns)
        where = ["TRUE"]
        start, end = period_bounds(since, through)
        if (start is not None or end is not None) and date in types:
            ts = f"TRY_CAST({_q(date)} AS TIMESTAMP)"
            inside = [f"{ts} >= TIMESTAMP {_lit(start)}"] if start is not None else []
            inside += [f"{ts} < TIMESTAMP {_lit(end)}"] if end is not None else []
            where = [f"({ts} IS NULL OR ({' AND '.join(inside)}))"]
        return DuckDBScan(con, relation, chosen, " AND ".join(where), source_label(source))
