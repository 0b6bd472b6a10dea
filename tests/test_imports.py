"""The package's import graph: no cycles (function-level imports included) and layers point down.

Built from the source with :mod:`ast`, so an import hidden inside a function counts as much as one
at the top. Imports under ``if TYPE_CHECKING:`` are left out: they never run.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "fbresearch"
MAX_LINES = 800

# Layer of each top-level part, lowest first: a module may import its own layer or lower ones.
LAYERS = {
    "errors": 0,
    "format": 0,
    "schema": 0,
    "evidence": 0,
    "privacy": 0,
    "results": 1,
    "io": 2,
    "text": 2,
    "engines": 2,
    "analyses": 3,
    "present": 4,
    "report": 5,
    "__init__": 6,
    "__main__": 6,
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(path: Path, modules: set[str], here: str | None = None) -> list[tuple[str, int, bool]]:
    """(imported fbresearch module, line, at module top) for every import in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = here or _module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    found: list[tuple[str, int, bool]] = []

    def visit(node: ast.AST, top: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                continue
            inner = top and not isinstance(
                child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda
            )
            if isinstance(child, ast.Import):
                for alias in child.names:
                    if alias.name.startswith("fbresearch"):
                        found.append((alias.name, child.lineno, top))
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package.split(".")
                    base = base[: len(base) - child.level + 1]
                    target = ".".join(base + ([child.module] if child.module else []))
                else:
                    target = child.module or ""
                if not target.startswith("fbresearch"):
                    continue
                for alias in child.names:
                    sub = f"{target}.{alias.name}"
                    found.append((sub if sub in modules else target, child.lineno, top))
            visit(child, inner if not isinstance(child, ast.ClassDef) else top)

    visit(tree, True)
    return found


def _graph() -> tuple[dict[str, list[tuple[str, int, bool]]], dict[str, Path]]:
    paths = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    modules = set(paths)
    graph = {}
    for name, path in paths.items():
        edges = []
        for target, line, top in _imports(path, modules):
            while target not in modules and "." in target:
                target = target.rpartition(".")[0]
            if target != name and target in modules:
                edges.append((target, line, top))
        graph[name] = edges
    return graph, paths


def _layer(module: str) -> int:
    parts = module.split(".")
    key = parts[1] if len(parts) > 1 else "__init__"
    return LAYERS.get(key, 3)


def test_no_import_cycles_counting_function_level_imports():
    graph, _ = _graph()
    # The package's own __init__ re-exports lazily by name (importlib), so it is no edge here;
    # a package's __init__ importing its own submodules is a re-export, not a dependency.
    seen: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def walk(node: str) -> None:
        seen[node] = 1
        stack.append(node)
        for target, _, _ in graph[node]:
            if target.startswith(node + ".") and graph.get(node) is not None:
                continue  # a package importing its own submodule
            if seen.get(target) == 1:
                cycles.append(stack[stack.index(target) :] + [target])
            elif target not in seen:
                walk(target)
        stack.pop()
        seen[node] = 2

    for node in sorted(graph):
        if node not in seen:
            walk(node)
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def test_imports_point_down_the_layers():
    graph, paths = _graph()
    upward = []
    for name, edges in graph.items():
        for target, line, top in edges:
            if _layer(target) > _layer(name) and top:
                upward.append(f"{paths[name].relative_to(PACKAGE.parent)}:{line} imports {target}")
    assert not upward, "imports pointing up a layer:\n" + "\n".join(upward)


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: p.name)
def test_no_module_is_too_long(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(PACKAGE.parent)} has {lines} lines"


def test_the_graph_sees_function_level_and_relative_imports(tmp_path):
    source = tmp_path / "probe.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "from . import schema\n"
        "if TYPE_CHECKING:\n    from fbresearch import results\n"
        "def f():\n    from fbresearch import format\n    return format\n"
    )
    modules = {"fbresearch", "fbresearch.format", "fbresearch.schema", "fbresearch.results"}
    found = _imports(source, modules, here="fbresearch.probe")
    assert found == [("fbresearch.schema", 2, True), ("fbresearch.format", 6, False)]
