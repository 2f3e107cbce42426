"""Terminal output shared by every CLI command: consoles, clean error exits, progress bars."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from tierwise.artifacts import ArtifactError, OutputFolder
from tierwise.simulation.scenario.errors import ScenarioError
from tierwise.simulation.scenario.library import resolve_scenario_path
from tierwise.simulation.scenario.loading import load_scenario
from tierwise.simulation.scenario.overrides import parse_override
from tierwise.simulation.scenario.schema import Scenario

__all__ = ["console", "err", "fail", "load_or_fail", "open_folder_or_fail", "progress_bar"]

#: Standard output (tables, results); 160 columns when not a terminal.
console = Console(width=None if sys.stdout.isatty() else 160)
#: Standard error (errors, warnings, progress).
err = Console(stderr=True, width=None if sys.stderr.isatty() else 160)


def fail(message: str, code: int = 2) -> NoReturn:
    """Print an error (no traceback) and exit non-zero."""
    # the message is plain text: brackets in it ("tierwise[dask]", "[15, 17]") are not markup
    err.print(f"[bold red]error:[/] {escape(message)}", highlight=False)
    raise typer.Exit(code)


def load_or_fail(path: Path, overrides: list[str] | None = None) -> Scenario:
    """Load a scenario, turning every input problem into a clean error exit."""
    try:
        parsed = [parse_override(o) for o in overrides or []]
        return load_scenario(path, parsed)
    except ScenarioError as exc:
        fail(str(exc))


def open_folder_or_fail(
    path: Path,
    scenario: Scenario | None = None,
    scenario_path: Path | None = None,
    inputs: Mapping[str, str | Path] | None = None,
) -> OutputFolder:
    """Open the output folder of a command (before any work), or exit cleanly (code 2).

    ``scenario`` records its name and content hash; ``scenario_path`` (a file or a bundled
    name) is recorded as the file it resolves to.
    """
    resolved = None if scenario_path is None else resolve_scenario_path(scenario_path)
    try:
        return OutputFolder(
            path,
            scenario_path=resolved or scenario_path,
            scenario_name=None if scenario is None else scenario.name,
            scenario_hash=None if scenario is None else scenario.content_hash,
            inputs=inputs,
        )
    except ArtifactError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"cannot write to {path}: {exc.strerror or exc}")


def progress_bar() -> Progress:
    """A transient progress bar on standard error."""
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    )
