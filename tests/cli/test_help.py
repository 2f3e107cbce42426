"""``--help`` of every command: readable placeholders (never a Python type such as ``<bool>``
or ``<list[str]>``), the main job listed first, the version."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from tests.cli import plain
from tierwise.cli.app import app
from tierwise.simulation.version import __version__

runner = CliRunner()
COMMANDS = ["run", "simulate", "check", "sweep", "curves", "optimize", "compare", "report"]
COMMANDS += ["validate", "init"]
PYTHON_TYPES = re.compile(r"<(bool|int|float|str|int range|float range|list\[[^>]*\])>")


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_shows_readable_placeholders(command: str | None) -> None:
    args = [command, "--help"] if command else ["--help"]
    result = runner.invoke(app, args, env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    text = plain(result.output)
    assert not PYTHON_TYPES.search(text), PYTHON_TYPES.findall(text)
    if command == "run":
        assert "TIER=LEVEL,…" in text and "FIELD=VALUE" in text and "N [x>=1]" in text
    if command == "simulate":
        assert "9223372036854775807" not in text  # the seed's range in words, not digits


def test_the_main_job_is_listed_first_and_the_version_is_printed() -> None:
    text = runner.invoke(app, ["--help"], env={"COLUMNS": "160"}).output
    firsts = [line.replace("│", " ").split() for line in text.splitlines()]
    listed = [words[0] for words in firsts if words and words[0] in COMMANDS]
    assert listed[0] == "run" and set(listed) == set(COMMANDS)
    version = runner.invoke(app, ["--version"])
    assert version.exit_code == 0 and version.output.strip() == f"tierwise {__version__}"
