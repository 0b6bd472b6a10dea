"""Where heavy per-row work runs: in-process pandas (default), embedded DuckDB, or Dask.

:func:`get_engine` names one; ``engine.scan(source, columns, since=, through=)`` reads a
source with its column selection and period filter pushed down, and the scan's
``kpi_counts(by, scores)`` gives integer answer counts per group, from which
:func:`fbresearch.analyses.kpis.kpi_table` makes the same estimates, to the last bit, whichever
engine counted (see :mod:`fbresearch.engines.base`).

Examples
--------
>>> import pandas as pd
>>> df = pd.DataFrame({"submitted_at": pd.to_datetime(["2026-10-01", "2026-10-02"]),
...                    "nps": [10, 3]})
>>> get_engine("pandas").scan(df).kpi_counts(["month"], {"nps": (0, 10)})[["month", "_rows", "nps_c10"]]
     month  _rows  nps_c10
0  2026-10      2        1
"""

from __future__ import annotations

from fbresearch.engines.base import ENGINE_NAMES, EXTRA, Engine, Scan, require
from fbresearch.engines.dask_engine import DaskEngine
from fbresearch.engines.duckdb_engine import DuckDBEngine
from fbresearch.engines.pandas_engine import PandasEngine
from fbresearch.errors import ParamsError

__all__ = [
    "Engine",
    "Scan",
    "PandasEngine",
    "DuckDBEngine",
    "DaskEngine",
    "get_engine",
    "ENGINE_NAMES",
    "EXTRA",
]


def get_engine(name: str = "pandas", **options: object) -> Engine:
    """The engine called ``name`` (``"pandas"``, ``"duckdb"`` or ``"dask"``), with its ``options``.

    ``options`` are the engine's parameters: ``threads``, ``memory_limit`` for DuckDB;
    ``scheduler`` (``"local"`` or an address), ``workers``, ``partitions`` for Dask.

    Raises
    ------
    ParamsError
        An unknown engine, or one whose library is not installed (the message names the pip
        extra that installs it).

    Examples
    --------
    >>> get_engine("pandas").name
    'pandas'
    """
    require(name)
    if name == "pandas":
        return PandasEngine()
    if name == "duckdb":
        return DuckDBEngine(**options)  # type: ignore[arg-type]
    if name == "dask":
        return DaskEngine(**options)  # type: ignore[arg-type]
    raise ParamsError(f"unknown engine {name!r}.")  # pragma: no cover - require() refused it
