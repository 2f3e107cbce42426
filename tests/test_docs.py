"""The README and docs/ stay true: the two commands first, links and module names that exist.

Every ``tierwise.<module>[.<name>]`` the documentation names in backticks must import, every
relative link must reach a file of the repository, every ``tierwise <command>`` must be a
registered command, and nothing cites a file outside the repository.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from tests.conftest import ROOT

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
DOTTED = re.compile(r"`~?(tierwise(?:\.\w+)+)")
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")
COMMAND = re.compile(r"(?m)^\s*(?:\$ )?tierwise ([a-z][a-z-]*)\b")


def _resolves(dotted: str) -> bool:
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj: object = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attr in parts[cut:]:
            if not hasattr(obj, attr):
                return False
            obj = getattr(obj, attr)
        return True
    return False


def test_readme_begins_with_the_two_commands() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("```bash", 1)[1].split("```", 1)[0]
    commands = [line for line in block.splitlines() if line and not line.startswith("#")]
    assert len(commands) == 2, commands
    assert "pip install -e ." in commands[0] and "tierwise run" in commands[0]
    assert "pip install -e '.[dev]'" in commands[1] and "pytest" in commands[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "--nbmake tests notebooks" in ci and "--nbmake tests notebooks" in commands[1]


@pytest.mark.parametrize("page", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_documented_module_names_exist(page: Path) -> None:
    names = sorted(set(DOTTED.findall(page.read_text(encoding="utf-8"))))
    missing = [n for n in names if not _resolves(n)]
    assert not missing, f"{page.name} names what does not exist: {missing}"


@pytest.mark.parametrize("page", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_links_reach_files_of_the_repository(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    assert "DESIGN.md" not in text, f"{page.name} cites a file outside the repository"
    for target in LINK.findall(text):
        if "://" in target:
            continue
        assert (page.parent / target).exists(), f"{page.name}: broken link {target}"


def test_documented_commands_are_registered() -> None:
    from typer.main import get_command

    from tierwise.cli import app

    registered = set(get_command(app).commands)  # type: ignore[attr-defined]
    for page in DOCS:
        for command in COMMAND.findall(page.read_text(encoding="utf-8")):
            assert command in registered, f"{page.name}: tierwise {command} is not a command"
