"""Notebooks are kept clean in git: no outputs, no execution counts, a papermill parameters cell.

CI executes every notebook with nbmake (``pytest --nbmake notebooks``); these checks keep the
committed files small, diff-friendly and free of stale results, and make them parameterisable
(papermill injects new values after the cell tagged ``parameters``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat
import pytest

NOTEBOOKS_DIR = Path(__file__).resolve().parents[1] / "notebooks"
NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))


def _read(path: Path) -> Any:
    return nbformat.read(path, as_version=4)


def _tags(cell: Any) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def test_notebooks_exist() -> None:
    names = {p.name for p in NOTEBOOKS}
    assert {
        "planner.ipynb",
        "consultant.ipynb",
        "what_if_sweep.ipynb",
        "call_centre.ipynb",
    } <= names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_valid_and_uses_python3_kernel(path: Path) -> None:
    nb = _read(path)
    nbformat.validate(nb)
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_has_no_outputs_or_execution_counts(path: Path) -> None:
    nb = _read(path)
    dirty = [
        f"cell {i}: {len(cell.get('outputs', []))} output(s), "
        f"execution_count={cell.get('execution_count')}"
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code" and (cell.get("outputs") or cell.get("execution_count"))
    ]
    assert not dirty, (
        f"{path.name} has outputs; strip them before committing (notebooks/README.md says "
        f"how): {dirty}"
    )
    assert "widgets" not in nb.metadata, "notebook metadata holds widget state"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_has_a_parameters_cell_first(path: Path) -> None:
    nb = _read(path)
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    tagged = [c for c in code_cells if "parameters" in _tags(c)]
    assert len(tagged) == 1, f"{path.name}: expected one code cell tagged 'parameters'"
    assert code_cells[0] is tagged[0], (
        f"{path.name}: the parameters cell must be the first code cell, so that injected "
        "values are set before anything uses them"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_starts_with_a_markdown_introduction(path: Path) -> None:
    nb = _read(path)
    first = nb.cells[0]
    assert first.cell_type == "markdown"
    assert "**For:**" in first.source and "**What it does:**" in first.source


CLI_HELPERS = ("tierwise.cli",)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_uses_the_public_api_not_the_cli(path: Path) -> None:
    """A notebook is what a user writes: it imports library modules, never a CLI helper."""
    nb = _read(path)
    sources = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    imports = [line for line in sources.splitlines() if "import" in line]
    used = [line for line in imports if any(h in line for h in CLI_HELPERS)]
    assert not used, f"{path.name} imports the CLI: {used}"
