"""Loading and validating report params (``params/monthly.yaml``).

Params are checked when they are loaded, before any data is read or notebook run: an unknown
key, a wrong type or a notebook parameter its notebook does not declare gives a
:class:`~fbresearch.errors.ParamsError` naming the key, the file and the allowed keys.
"""

from __future__ import annotations

import ast
import copy
import difflib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fbresearch.engines.base import require as require_engine
from fbresearch.errors import ParamsError
from fbresearch.io.recode import check_data_params
from fbresearch.privacy import redact
from fbresearch.report.overrides import check_overrides
from fbresearch.report.overrides import dates_as_text as _dates_as_text
from fbresearch.report.targets import check_targets

__all__ = [
    "Params",
    "load_params",
    "notebook_parameters",
    "notebook_defaults",
    "check_period",
    "check_improvements",
    "DEFAULTS",
    "PROTOCOL_PARAMETERS",
    "REPO",
    "DEFAULT_PARAMS_FILE",
]

REPO = Path(__file__).resolve().parents[2]
DEFAULT_PARAMS_FILE = REPO / "params" / "monthly.yaml"
DEFAULT_NOTEBOOKS_DIR = REPO / "notebooks"

#: The order notebooks run in when params list none (ARCHITECTURE.md's list).
NOTEBOOK_ORDER = (
    "overview",
    "segmentation",
    "topics",
    "drivers",
    "improvement",
    "closed_loop",
    "value",
    "journey",
)

#: Parameters the runner sets in every notebook (CONTRIBUTING.md's notebook protocol).
#: ``inputs_path`` is the run's one inputs file (:func:`fbresearch.io.inputs.write_inputs`):
#: where the canonical data, orders, invitations and quality report are, and the sample size.
PROTOCOL_PARAMETERS = (
    "period",
    "inputs_path",
    "seed",
    "findings_path",
)

#: Every key a params file may hold, with its default (``params/monthly.yaml`` documents them).
DEFAULTS: dict[str, Any] = {
    "data": None,
    "orders": None,
    "invitations": None,
    "columns": {},
    "ratings": {},
    # data keys for real exports (fbresearch.io.recode.check_data_params validates them)
    "missing_codes": {},
    "value_maps": {},
    "wave": None,
    "encoding": "auto",
    "sample_size": 5000,
    "seed": 0,
    "period": None,
    "notebooks_dir": None,
    "notebooks": None,
    "pages": None,
    "privacy": {"drop_columns": []},
    "targets": None,
    "report": {
        "title": "Customer feedback report",
        "workers": "auto",
        "timeout": 600,
        "findings": 8,
        # unit reports (fbresearch.report.units): one report per value of this column
        "by": None,
        "min_responses": 10,
        "unit_pages": ["overview", "closed_loop"],
        # where the per-row work runs (fbresearch.engines): pandas, duckdb or dask
        "engine": "pandas",
        # the Dask cluster of engine: dask: local (on this machine) or a scheduler address
        "scheduler": "local",
        # above this many responses an engine counts them all and the pages get a sample
        # of this size (fbresearch.report.large): 1,000,000 responses in 2.7 min at 50,000
        # (6.4 min at 250,000), the pages' intervals about 2.2 times wider than at 250,000
        "max_rows": 50_000,
    },
}

_PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class Params:
    """Validated params with paths resolved.

    Attributes
    ----------
    data, orders, invitations : Path or None
        Input files (``data`` None: the built-in sample).
    columns, ratings : dict
        Column mappings passed to ``load_feedback``.
    sample_size, seed : int
    period : str or None
        ``"YYYY-MM"`` or None (latest complete month).
    notebooks_dir : Path
    notebooks : dict
        Notebook name -> its own parameters, in run order.
    report : dict
        ``title``, ``workers``, ``timeout`` (seconds any one cell may run), ``findings``
        (how many headline findings the executive summary shows), ``by`` (the unit column of
        unit reports, or None), ``min_responses`` (anonymity threshold) and ``unit_pages``. The title and every string
        of the notebooks' parameters (but file paths) are redacted of personal data.
    source : str
        The params file, or ``"<dict>"``.
    raw : dict
        The merged params as plain data (recorded in the manifest).
    """

    data: Path | None
    orders: Path | None
    invitations: Path | None
    columns: dict[str, str]
    ratings: dict[str, str]
    sample_size: int
    seed: int
    period: str | None
    notebooks_dir: Path
    notebooks: dict[str, dict[str, Any]]
    report: dict[str, Any]
    source: str = "<dict>"
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def drop_columns(self) -> tuple[str, ...]:
        """Columns of the feedback file removed as it is read (``privacy.drop_columns``)."""
        return tuple(self.raw.get("privacy", {}).get("drop_columns") or ())

    @property
    def engine(self) -> str:
        """Where the data is scanned: ``"pandas"`` (default), ``"duckdb"`` or ``"dask"``."""
        return str(self.report.get("engine") or "pandas")

    @property
    def scheduler(self) -> str:
        """The Dask cluster of ``engine: dask``: ``"local"`` or an address (tcp://host:8786)."""
        return str(self.report.get("scheduler") or "local")

    @property
    def workers(self) -> int | None:
        """Notebooks run at once; None for ``auto`` (the runner decides from the data size)."""
        value = self.report["workers"]
        return None if value == "auto" else int(value)


def _suggest(key: str, allowed: list[str]) -> str:
    close = difflib.get_close_matches(key, allowed, n=1)
    return f" Did you mean {close[0]!r}?" if close else ""


def _check_keys(given: Mapping[str, Any], allowed: list[str], where: str, source: str) -> None:
    for key in given:
        if key not in allowed:
            raise ParamsError(
                f"{source}: unknown key {key!r} in {where}.{_suggest(str(key), allowed)} "
                f"Allowed keys: {', '.join(allowed)}."
            )


def _parameters_cell(path: str | os.PathLike[str]) -> ast.Module:
    """The parsed ``parameters``-tagged cell of a notebook."""
    import nbformat

    nb = nbformat.read(str(path), as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            try:
                return ast.parse(cell.source)
            except SyntaxError as exc:
                raise ParamsError(
                    f"{path}: the parameters cell is not valid Python ({exc})."
                ) from exc
    raise ParamsError(
        f"{path}: no cell tagged 'parameters'. Fix: tag the notebook's first code cell "
        "'parameters' (CONTRIBUTING.md, notebook protocol)."
    )


def _assignments(tree: ast.Module) -> list[tuple[str, ast.expr | None]]:
    pairs: list[tuple[str, ast.expr | None]] = []
    for node in tree.body:
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign):
            targets, value = [node.target], node.value
        else:
            continue
        for target in targets:
            if isinstance(target, ast.Name):
                pairs.append((target.id, value))
    return pairs


def notebook_defaults(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The literal default values of a notebook's parameters (non-literal ones are left out).

    Examples
    --------
    >>> import nbformat, tempfile, pathlib
    >>> nb = nbformat.v4.new_notebook()
    >>> cell = nbformat.v4.new_code_cell("confidence = 0.9\\nmetrics = ['nps']\\nx = f(1)")
    >>> cell.metadata["tags"] = ["parameters"]
    >>> nb.cells = [cell]
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.ipynb"
    >>> nbformat.write(nb, p)
    >>> notebook_defaults(p)
    {'confidence': 0.9, 'metrics': ['nps']}
    """
    defaults: dict[str, Any] = {}
    for name, value in _assignments(_parameters_cell(path)):
        try:
            defaults[name] = ast.literal_eval(value) if value is not None else None
        except (ValueError, TypeError, SyntaxError):
            continue
    return defaults


def notebook_parameters(path: str | os.PathLike[str]) -> list[str]:
    """Names assigned in a notebook's ``parameters``-tagged cell, in order.

    Examples
    --------
    >>> import nbformat, tempfile, pathlib
    >>> nb = nbformat.v4.new_notebook()
    >>> cell = nbformat.v4.new_code_cell("period = None  # month\\nk: int = 8")
    >>> cell.metadata["tags"] = ["parameters"]
    >>> nb.cells = [cell]
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.ipynb"
    >>> nbformat.write(nb, p)
    >>> notebook_parameters(p)
    ['period', 'k']
    """
    names: list[str] = []
    for name, _ in _assignments(_parameters_cell(path)):
        if name not in names:
            names.append(name)
    return names


def _resolve(value: Any, base: Path, key: str, source: str) -> Path | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str | os.PathLike):
        raise ParamsError(f"{source}: {key!r} must be a file path or null, not {value!r}.")
    path = Path(value).expanduser()
    return path if path.is_absolute() else (base / path)


def _read_yaml(path: Path) -> dict[str, Any]:
    """The params mapping of a YAML file; every problem a ParamsError naming the file and fix."""
    import yaml

    if not path.exists():
        raise ParamsError(
            f"{path}: params file not found. "
            "Fix: pass an existing YAML file (see params/monthly.yaml)."
        )
    if path.is_dir():
        raise ParamsError(
            f"{path}: is a folder, not a params file. Fix: pass the YAML file itself, e.g. "
            f"{path / 'monthly.yaml'}."
        )
    raw = path.read_bytes()
    if b"\x00" in raw[:4096] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ParamsError(
            f"{path}: is not a text file (it holds binary data). Fix: pass the params YAML "
            "file (see params/monthly.yaml)."
        )
    try:
        text = (
            raw.decode("utf-16")
            if raw.startswith((b"\xff\xfe", b"\xfe\xff"))
            else raw.decode("utf-8-sig")
        )
    except UnicodeDecodeError as exc:
        guess = ""
        for encoding in ("gb18030", "big5"):
            try:
                raw.decode(encoding)
                guess = f" It reads as {encoding.upper()}."
                break
            except UnicodeDecodeError:
                continue
        raise ParamsError(
            f"{path}: is not UTF-8 text (byte {exc.start}).{guess} Fix: save the params file "
            "as UTF-8 (in most editors: Save As, encoding UTF-8)."
        ) from None
    try:
        loaded = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ParamsError(
            f"{path}: not valid YAML{where}: {problem}. Fix: check the indentation, brackets "
            "and quotes there (text holding ':' or '#' needs quotes)."
        ) from None
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise ParamsError(
            f"{path}: params must be a mapping of keys to values, not {type(loaded).__name__}."
        )
    return _dates_as_text(loaded)


def _redacted(value: Any) -> Any:
    """Every string in a params value redacted of personal data (free text in params, such as an
    improvement's name, reaches every page, the manifest, the findings and the notebooks).

    Examples
    --------
    >>> _redacted([{"name": "Call 13912345678", "change_date": "2026-03-01", "n": 3}])
    [{'name': 'Call [phone]', 'change_date': '2026-03-01', 'n': 3}]
    """
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, Mapping):
        return {k: _redacted(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_redacted(v) for v in value]
    return value


def _int(value: Any, key: str, source: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ParamsError(f"{source}: {key!r} must be a whole number >= {minimum}, not {value!r}.")
    return value


def check_period(period: Any, source: str = "period") -> str | None:
    """Validate a ``"YYYY-MM"`` period string (None passes).

    Examples
    --------
    >>> check_period("2026-10")
    '2026-10'
    >>> check_period("2026-13")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    fbresearch.errors.ParamsError: period: period must look like 'YYYY-MM' ..., not '2026-13'.
    """
    if period is None:
        return None
    text = str(period)
    if not _PERIOD.match(text):
        raise ParamsError(
            f"{source}: period must look like 'YYYY-MM' (e.g. '2026-10'), not {text!r}."
        )
    return text


#: Notebook parameters that name files: resolved against the params file's folder and checked
#: before anything runs (a notebook runs with its own folder as working directory).
PATH_PARAMETERS: dict[str, tuple[str, ...]] = {"closed_loop": ("taxonomy", "severity_rules")}


def _pages(merged: Mapping[str, Any], available: list[str], source: str) -> list[str]:
    """The pages to run: ``pages`` in params, else every notebook (the default order first)."""
    default = [n for n in NOTEBOOK_ORDER if n in available] + [
        n for n in available if n not in NOTEBOOK_ORDER
    ]
    pages = merged.get("pages")
    listed = merged.get("notebooks")
    if pages is None and isinstance(listed, list):  # `notebooks: [overview, topics]`
        pages = listed
    if pages is None:
        return default
    if not isinstance(pages, list) or not all(isinstance(p, str) for p in pages):
        raise ParamsError(
            f"{source}: 'pages' must be a list of page names, e.g. [overview, topics], "
            f"not {pages!r}."
        )
    for name in pages:
        if name not in available:
            raise ParamsError(
                f"{source}: page {name!r} in 'pages' is not a notebook.{_suggest(name, available)} "
                f"Available pages: {', '.join(available) or '(none)'}."
            )
    return list(dict.fromkeys(pages))


def _notebooks(
    merged: Mapping[str, Any], notebooks_dir: Path, base: Path, source: str
) -> dict[str, dict[str, Any]]:
    """Each page to run with its own parameters: ``notebooks:`` sets parameters on top of the
    defaults and never replaces the list of pages (``pages:`` chooses the pages)."""
    available = sorted(p.stem for p in notebooks_dir.glob("*.ipynb"))
    listed = merged["notebooks"]
    if listed is None or isinstance(listed, list):
        listed = {}
    if not isinstance(listed, Mapping):
        raise ParamsError(
            f"{source}: 'notebooks' must map notebook names to their parameters, "
            "e.g. {overview: {confidence: 0.9}}."
        )
    for name in listed:
        if str(name) not in available:
            raise ParamsError(
                f"{source}: notebook {str(name)!r} not found in {notebooks_dir}."
                f"{_suggest(str(name), available)} "
                f"Available notebooks: {', '.join(available) or '(none)'}."
            )
    notebooks: dict[str, dict[str, Any]] = {}
    for name in _pages(merged, available, source):
        own = dict(listed.get(name) or {})
        declared = notebook_parameters(notebooks_dir / f"{name}.ipynb")
        for key in own:
            if key in PROTOCOL_PARAMETERS:
                raise ParamsError(
                    f"{source}: notebooks.{name}.{key} is set by the runner for every notebook; "
                    f"set it at the top level of the params instead."
                )
        own_names = [p for p in declared if p not in PROTOCOL_PARAMETERS]
        _check_keys(own, own_names, f"notebooks.{name} (the parameters of {name}.ipynb)", source)
        for key in PATH_PARAMETERS.get(name, ()):
            if own.get(key) not in (None, ""):
                path = _resolve(own[key], base, f"notebooks.{name}.{key}", source)
                if not path.is_file():
                    raise ParamsError(
                        f"{source}: notebooks.{name}.{key}: file {str(path)!r} not found. Fix: "
                        f"give the path of an existing YAML file (relative to the params file), "
                        f"or null for the shipped default."
                    )
                own[key] = str(path)
        notebooks[name] = own
    return notebooks


def _override(
    merged: dict[str, Any],
    overrides: Mapping[str, Mapping[str, Any]],
    pages: list[str] | None,
    notebooks_dir: Path,
) -> None:
    """Merge ``-p`` and ``--notebooks`` over the params (checked first, naming the option)."""
    available = sorted(p.stem for p in notebooks_dir.glob("*.ipynb"))

    def declared(name: str) -> list[str]:
        return notebook_parameters(notebooks_dir / f"{name}.ipynb")

    check_overrides(overrides, pages, available, declared, PROTOCOL_PARAMETERS)
    listed = merged["notebooks"]
    if isinstance(listed, list):  # `notebooks: [overview, topics]` lists the pages
        merged["pages"] = listed if merged["pages"] is None else merged["pages"]
        listed = None
    if listed is None or isinstance(listed, Mapping):
        notebooks = {str(k): dict(v or {}) for k, v in (listed or {}).items()}
        for name, values in overrides.items():
            for key, value in values.items():
                if key in PATH_PARAMETERS.get(name, ()) and isinstance(value, str) and value:
                    value = str(Path(value).expanduser().resolve())  # relative to where it runs
                notebooks.setdefault(name, {})[key] = value
        merged["notebooks"] = notebooks
    if pages is not None:
        merged["pages"] = list(pages)


def check_improvements(params: Params, frame: Any) -> None:
    """Refuse, before any notebook runs, an improvement that names data the run does not have.

    Each entry of ``notebooks.improvement.improvements`` must name a ``metric`` (or
    ``metrics``) with answers and, when it lists ``treated_regions``, a ``group_column`` that
    holds those groups. (Done after the data is loaded: it needs the columns.)

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"csat": [4, 5], "region": ["East", "West"]})
    >>> spec = {"name": "X", "change_date": "2026-03-01", "metric": "nps"}
    >>> p = load_params({"notebooks": {"improvement": {"improvements": [spec]}}})
    >>> check_improvements(p, frame)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    fbresearch.errors.ParamsError: <dict>: notebooks.improvement.improvements[0].metric: 'nps' ...
    """
    items = (params.notebooks.get("improvement") or {}).get("improvements") or []
    if not isinstance(items, list):
        return
    columns = {c: bool(frame[c].notna().any()) for c in frame.columns}
    for i, item in enumerate(items):
        if not isinstance(item, Mapping):
            continue
        key = f"notebooks.improvement.improvements[{i}]"
        metrics = item.get("metrics") or [item.get("metric", "csat")]
        for metric in metrics if isinstance(metrics, list) else [metrics]:
            column = str(metric).removesuffix("_mean")
            if not columns.get(column):
                have = [c for c in ("nps", "csat", "satisfied", "ces") if columns.get(c)]
                raise ParamsError(
                    f"{params.source}: {key}.metric: {metric!r} has no answers in the data. Fix: "
                    f"choose one the data has ({', '.join(have) or 'none'}; or a rating_ column)."
                )
        group = item.get("group_column", "region")
        treated = item.get("treated_regions") or []
        if treated and group not in columns:
            raise ParamsError(
                f"{params.source}: {key}.group_column: {group!r} is not a column of the data. "
                f"Fix: name the column that holds {', '.join(map(str, treated))}; the data has "
                f"{', '.join(sorted(map(str, columns)))}."
            )
        if treated:
            present = set(frame[group].dropna().astype(str))
            for side in ("treated_regions", "control_regions"):
                missing = [g for g in item.get(side) or [] if str(g) not in present]
                if missing:
                    raise ParamsError(
                        f"{params.source}: {key}.{side}: {', '.join(map(str, missing))} not in "
                        f"column {group!r}. Fix: use its values: {', '.join(sorted(present))}."
                    )


def _check_units(report: dict[str, Any], notebooks_dir: Path, source: str) -> None:
    """``report.by`` (a column name or null), ``report.min_responses``, ``report.unit_pages``."""
    by = report["by"]
    if by is not None and (not isinstance(by, str) or not by.strip()):
        raise ParamsError(
            f"{source}: 'report.by' must name the unit column (e.g. region) or be null, not {by!r}."
        )
    _int(report["min_responses"], "report.min_responses", source, 1)
    pages = report["unit_pages"]
    if not isinstance(pages, list) or not all(isinstance(p, str) for p in pages):
        raise ParamsError(
            f"{source}: 'report.unit_pages' must be a list of page names, e.g. "
            f"[overview, closed_loop], not {pages!r}."
        )
    available = sorted(p.stem for p in notebooks_dir.glob("*.ipynb"))
    if pages == DEFAULTS["report"]["unit_pages"]:  # the default: those this folder has
        pages = [p for p in pages if p in available]
    for name in pages:
        if name not in available:
            raise ParamsError(
                f"{source}: page {name!r} in 'report.unit_pages' is not a notebook."
                f"{_suggest(name, available)} Available pages: {', '.join(available) or '(none)'}."
            )
    report["unit_pages"] = list(dict.fromkeys(pages))


def load_params(
    params: str | os.PathLike[str] | Mapping[str, Any] | Params | None = None,
    *,
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
    pages: list[str] | None = None,
) -> Params:
    """Load and validate report params.

    Parameters
    ----------
    params : path, dict, Params or None
        A YAML file, a dict with the same keys, or None for ``params/monthly.yaml`` (or the
        built-in defaults when the package is installed without the repository). Missing keys
        take their defaults; paths are relative to the YAML file (to the working directory
        for a dict). Params already loaded are returned as they are.
    overrides : dict, optional
        Notebook -> {parameter: value} set over the params' ``notebooks:`` (the command's
        ``-p notebook.key=value``, :func:`~fbresearch.report.overrides.parse_overrides`); file
        paths in them are relative to the working directory.
    pages : list of str, optional
        The pages to run instead of the params' ``pages`` (the command's ``--notebooks a,b``).

    Returns
    -------
    Params

    Raises
    ------
    ParamsError
        Unknown key (with the allowed keys and a close match), wrong type, a notebook that does
        not exist, or a notebook parameter that the notebook's ``parameters`` cell does not
        declare.

    Examples
    --------
    >>> load_params({"sample_size": 800, "pages": []}).sample_size
    800
    >>> load_params({"sampel_size": 800})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    fbresearch.errors.ParamsError: <dict>: unknown key 'sampel_size' in params. Did you mean ...
    >>> p = load_params(None, overrides={"topics": {"num_topics": 6}}, pages=["topics"])
    >>> list(p.notebooks), p.notebooks["topics"]["num_topics"]
    (['topics'], 6)
    """
    # Length: one check a few lines each, in the order a params file reads (moved unchanged).
    if isinstance(params, Params):
        if overrides or pages is not None:
            raise ParamsError("overrides and pages are applied as the params file is loaded.")
        return params
    if params is None and DEFAULT_PARAMS_FILE.exists():
        params = DEFAULT_PARAMS_FILE
    if params is None:
        given: dict[str, Any] = {}
        source, base = "<defaults>", Path.cwd()
    elif isinstance(params, Mapping):
        given = copy.deepcopy(dict(params))
        source, base = "<dict>", Path.cwd()
    else:
        path = Path(params)
        given = _read_yaml(path)
        source, base = str(path), path.resolve().parent

    allowed = list(DEFAULTS)
    _check_keys(given, allowed, "params", source)
    merged = copy.deepcopy(DEFAULTS)
    for key, value in given.items():
        if key in ("report", "privacy"):
            if value is None:
                continue
            if not isinstance(value, Mapping):
                keys = ", ".join(DEFAULTS[key])
                raise ParamsError(f"{source}: {key!r} must be a mapping ({keys}).")
            _check_keys(value, list(DEFAULTS[key]), key, source)
            merged[key].update(value)
        else:
            merged[key] = value
    drop = merged["privacy"]["drop_columns"] or []
    if not isinstance(drop, list) or not all(isinstance(c, str) and c.strip() for c in drop):
        raise ParamsError(
            f"{source}: 'privacy.drop_columns' must be a list of column names, e.g. "
            f"[customer_name, email], not {drop!r}."
        )
    merged["privacy"]["drop_columns"] = drop

    for key in ("columns", "ratings"):
        value = merged[key] or {}
        if not isinstance(value, Mapping) or not all(isinstance(v, str) for v in value.values()):
            raise ParamsError(
                f"{source}: {key!r} must map canonical names to your column names, "
                "e.g. {nps: 'Q1'}."
            )
        merged[key] = {str(k): v for k, v in value.items()}
    check_data_params(merged, source)  # missing_codes, value_maps, wave, encoding
    sample_size = _int(merged["sample_size"], "sample_size", source, 1)
    seed = _int(merged["seed"], "seed", source, 0)
    report = merged["report"]
    if report["workers"] != "auto":
        _int(report["workers"], "report.workers", source, 1)
    _int(report["findings"], "report.findings", source, 1)
    _int(report["max_rows"], "report.max_rows", source, 1)
    if (
        not isinstance(report["timeout"], int | float)
        or isinstance(report["timeout"], bool)
        or report["timeout"] <= 0
    ):
        raise ParamsError(
            f"{source}: 'report.timeout' must be a positive number of seconds, "
            f"not {report['timeout']!r}."
        )
    if not isinstance(report["title"], str):
        raise ParamsError(f"{source}: 'report.title' must be text.")
    try:
        require_engine(report["engine"])  # unknown, or its library not installed
    except ParamsError as exc:
        raise ParamsError(f"{source}: report.engine: {exc}") from None
    scheduler = report.get("scheduler") or "local"
    if not isinstance(scheduler, str) or not (scheduler == "local" or ":" in scheduler):
        raise ParamsError(
            f"{source}: report.scheduler must be 'local' or a Dask scheduler address such as "
            f"tcp://10.0.0.5:8786, not {scheduler!r}."
        )
    period = check_period(merged["period"], source)

    notebooks_dir = (
        _resolve(merged["notebooks_dir"], base, "notebooks_dir", source) or DEFAULT_NOTEBOOKS_DIR
    )
    if not notebooks_dir.is_dir():
        raise ParamsError(f"{source}: notebooks_dir {str(notebooks_dir)!r} is not a folder.")
    if overrides or pages is not None:
        _override(merged, overrides or {}, pages, notebooks_dir)
    _check_units(report, notebooks_dir, source)
    notebooks = _notebooks(merged, notebooks_dir, base, source)
    merged["targets"] = check_targets(merged["targets"], source)
    if merged["targets"] is not None and "overview" in notebooks:  # drawn on its trend charts
        notebooks["overview"].setdefault("targets", merged["targets"])
    report["title"] = redact(report["title"])
    for name, own in notebooks.items():
        paths = PATH_PARAMETERS.get(name, ())
        notebooks[name] = {k: v if k in paths else _redacted(v) for k, v in own.items()}
    files = {
        key: _resolve(merged[key], base, key, source) for key in ("data", "orders", "invitations")
    }
    raw = {
        **merged,
        **{key: None if path is None else str(path) for key, path in files.items()},
        "notebooks": notebooks,
        "notebooks_dir": str(notebooks_dir),
    }
    return Params(
        data=files["data"],
        orders=files["orders"],
        invitations=files["invitations"],
        columns=merged["columns"],
        ratings=merged["ratings"],
        sample_size=sample_size,
        seed=seed,
        period=period,
        notebooks_dir=notebooks_dir,
        notebooks=notebooks,
        report=report,
        source=source,
        raw=raw,
    )
