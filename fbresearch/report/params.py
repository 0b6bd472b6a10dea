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

from fbresearch.errors import ParamsError
from fbresearch.io.recode import check_data_params

__all__ = [
    "Params",
    "load_params",
    "notebook_parameters",
    "notebook_defaults",
    "check_period",
    "DEFAULTS",
    "PROTOCOL_PARAMETERS",
    "REPO",
    "DEFAULT_PARAMS_FILE",
]

REPO = Path(__file__).resolve().parents[2]
DEFAULT_PARAMS_FILE = REPO / "params" / "monthly.yaml"
DEFAULT_NOTEBOOKS_DIR = REPO / "notebooks"

#: The order notebooks run in when params list none (ARCHITECTURE.md's list).
NOTEBOOK_ORDER = ("overview", "segmentation", "topics", "drivers", "improvement", "closed_loop")

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
    "report": {
        "title": "Customer feedback report",
        "workers": "auto",
        "timeout": 600,
        "findings": 8,
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
        ``title``, ``workers``, ``timeout`` (seconds any one cell may run) and ``findings``
        (how many headline findings the executive summary shows).
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
    import yaml

    if not path.exists():
        raise ParamsError(
            f"{path}: params file not found. "
            "Fix: pass an existing YAML file (see params/monthly.yaml)."
        )
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except yaml.YAMLError as exc:
        raise ParamsError(f"{path}: not valid YAML ({exc}).") from exc
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise ParamsError(
            f"{path}: params must be a mapping of keys to values, not {type(loaded).__name__}."
        )
    return loaded


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


def load_params(params: str | os.PathLike[str] | Mapping[str, Any] | None = None) -> Params:
    """Load and validate report params.

    Parameters
    ----------
    params : path, dict or None
        A YAML file, a dict with the same keys, or None for ``params/monthly.yaml`` (or the
        built-in defaults when the package is installed without the repository). Missing keys
        take their defaults; paths are relative to the YAML file (to the working directory
        for a dict).

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
    >>> load_params({"sample_size": 800, "notebooks": {}}).sample_size
    800
    >>> load_params({"sampel_size": 800})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    fbresearch.errors.ParamsError: <dict>: unknown key 'sampel_size' in params. Did you mean ...
    """
    # Length: one check a few lines each, in the order a params file reads (moved unchanged).
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
        if key == "report":
            if value is None:
                continue
            if not isinstance(value, Mapping):
                raise ParamsError(f"{source}: 'report' must be a mapping (title, workers, ...).")
            _check_keys(value, list(DEFAULTS["report"]), "report", source)
            merged["report"].update(value)
        else:
            merged[key] = value

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
    period = check_period(merged["period"], source)

    notebooks_dir = (
        _resolve(merged["notebooks_dir"], base, "notebooks_dir", source) or DEFAULT_NOTEBOOKS_DIR
    )
    if not notebooks_dir.is_dir():
        raise ParamsError(f"{source}: notebooks_dir {str(notebooks_dir)!r} is not a folder.")
    available = sorted(p.stem for p in notebooks_dir.glob("*.ipynb"))
    listed = merged["notebooks"]
    if listed is None:
        order = [n for n in NOTEBOOK_ORDER if n in available] + [
            n for n in available if n not in NOTEBOOK_ORDER
        ]
        listed = {name: {} for name in order}
    if isinstance(listed, list):
        listed = {name: {} for name in listed}
    if not isinstance(listed, Mapping):
        raise ParamsError(
            f"{source}: 'notebooks' must map notebook names to their parameters, "
            "e.g. {overview: {}}."
        )
    notebooks: dict[str, dict[str, Any]] = {}
    for name, own in listed.items():
        name = str(name)
        if name not in available:
            raise ParamsError(
                f"{source}: notebook {name!r} not found in {notebooks_dir}."
                f"{_suggest(name, available)} "
                f"Available notebooks: {', '.join(available) or '(none)'}."
            )
        own = dict(own or {})
        declared = notebook_parameters(notebooks_dir / f"{name}.ipynb")
        for key in own:
            if key in PROTOCOL_PARAMETERS:
                raise ParamsError(
                    f"{source}: notebooks.{name}.{key} is set by the runner for every notebook; "
                    f"set it at the top level of the params instead."
                )
        own_names = [p for p in declared if p not in PROTOCOL_PARAMETERS]
        _check_keys(own, own_names, f"notebooks.{name} (the parameters of {name}.ipynb)", source)
        notebooks[name] = own

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
