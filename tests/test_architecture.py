"""The import rule of the package, checked on the source: layers only import downwards.

Layers, bottom to top: ``tierwise.common`` ← ``tierwise.simulation`` ← ``tierwise.optimization``
← the application (``tierwise.pipeline``, ``artifacts``, ``figures``, ``report``, ``cli``).
``tierwise.optimization.milp`` imports neither the simulation nor the application layer; SimPy
is imported only by the engine and PuLP only by ``optimization.milp``. No module imports itself
through a chain (no import circles), counting imports inside functions too.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "tierwise"
MAX_LINES = 650


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    # os.walk follows the symlinks that map simulation/ and optimization/ into the package
    files = [
        Path(folder) / name
        for folder, _dirs, names in os.walk(PACKAGE, followlinks=True)
        for name in names
        if name.endswith(".py")
    ]
    return {_module_name(p): p for p in sorted(files)}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _layer(module: str) -> int:
    if module.startswith("tierwise.common"):
        return 0
    if module.startswith("tierwise.simulation"):
        return 1
    if module.startswith("tierwise.optimization"):
        return 2
    return 3


MODULES = _modules()
GRAPH = {
    name: {m for m in _imports(path) if m in MODULES and m != name}
    for name, path in MODULES.items()
}


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_only_run_down_the_layers(module: str) -> None:
    up = sorted(m for m in GRAPH[module] if _layer(m) > _layer(module))
    assert not up, f"{module} imports from a higher layer: {up}"


def test_milp_imports_neither_simulation_nor_the_application() -> None:
    for module, targets in GRAPH.items():
        if module.startswith("tierwise.optimization.milp"):
            bad = sorted(t for t in targets if not t.startswith(("tierwise.common", module[:27])))
            bad = [t for t in bad if not t.startswith("tierwise.optimization.milp")]
            assert not bad, f"{module} imports {bad}"


def test_simpy_only_in_the_engine_and_pulp_only_in_milp() -> None:
    for module, path in MODULES.items():
        third_party = {m.split(".")[0] for m in _imports(path)}
        if "simpy" in third_party:
            assert module.startswith("tierwise.simulation.engine"), module
        if "pulp" in third_party:
            assert module.startswith("tierwise.optimization.milp"), module


def test_no_import_circles() -> None:
    # Tarjan's strongly connected components over the module graph (package __init__ files
    # re-exporting their children are edges like any other).
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in GRAPH[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                item = stack.pop()
                on_stack.discard(item)
                component.append(item)
                if item == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for name in sorted(GRAPH):
        if name not in index:
            visit(name)
    assert not circles, f"import circles: {circles}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_modules_hold_one_concept_and_stay_readable(module: str) -> None:
    lines = MODULES[module].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{module} has {lines} lines (limit {MAX_LINES})"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_every_module_declares_its_public_names(module: str) -> None:
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    names = {
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign | ast.AnnAssign)
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Name)
    }
    if module.endswith("__main__"):
        return
    assert "__all__" in names, f"{module} has no __all__"
