"""Packaging: environment.yml and pyproject.toml name the same dependencies, same lower bounds."""

from __future__ import annotations

import re
import tomllib

import yaml

_REQ = re.compile(r"^\s*([A-Za-z0-9_.\-]+)\s*(>=\s*[0-9][^,;\s]*)?")


def _parse(spec: str) -> tuple[str, str | None]:
    match = _REQ.match(spec)
    assert match, f"cannot parse requirement {spec!r}"
    name = match.group(1).lower().replace("_", "-")
    return name, (match.group(2) or "").replace(" ", "") or None


def _pyproject(repo) -> dict[str, str | None]:
    meta = tomllib.loads((repo / "pyproject.toml").read_text())["project"]
    extras = meta["optional-dependencies"]
    specs = list(meta["dependencies"]) + list(extras["test"]) + list(extras["dev"])
    found = dict(_parse(s) for s in specs)
    for spec in extras["engines"]:  # conda names dask[distributed] as dask and distributed
        name, bound = _parse(re.sub(r"\[.*?\]", "", spec))
        found[name] = bound
        if spec.startswith("dask[distributed]"):
            found["distributed"] = bound
    return found


def _environment(repo) -> dict[str, str | None]:
    env = yaml.safe_load((repo / "environment.yml").read_text())
    specs: list[str] = []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            specs += [s for s in dep["pip"] if not s.startswith("-e")]
        elif not dep.startswith(("python", "pip")) or dep.startswith("python-"):
            specs.append(dep)
    return dict(_parse(s) for s in specs)


def test_environment_and_pyproject_name_the_same_dependencies(repo):
    assert _environment(repo) == _pyproject(repo)


def test_environment_installs_the_package_and_pins_python(repo):
    env = yaml.safe_load((repo / "environment.yml").read_text())
    assert env["channels"] == ["conda-forge"]
    assert any(str(d).startswith("python>=3.11") for d in env["dependencies"])
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip


def test_every_dependency_has_a_lower_bound(repo):
    assert all(bound for bound in _pyproject(repo).values())


def test_comparison_peers_stay_out_of_the_runtime_dependencies(repo):
    meta = tomllib.loads((repo / "pyproject.toml").read_text())["project"]
    runtime = {_parse(s)[0] for s in meta["dependencies"]}
    assert not runtime & {"tomotopy", "lda", "bertopic"}
    assert "tomotopy" in {_parse(s)[0] for s in meta["optional-dependencies"]["bench"]}


def test_console_script_points_at_the_cli(repo):
    meta = tomllib.loads((repo / "pyproject.toml").read_text())["project"]
    assert meta["scripts"]["fbresearch"] == "fbresearch.report.cli:main"


def test_the_version_lives_in_one_place(repo):
    meta = tomllib.loads((repo / "pyproject.toml").read_text())
    assert "version" not in meta["project"]
    assert meta["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "fbresearch.__version__"}
    assert (repo / "LICENSE").read_text().startswith("MIT License")
