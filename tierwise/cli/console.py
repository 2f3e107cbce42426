"""Terminal output shared by every CLI command: consoles, clean error exits, progress bars."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

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

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "console",
    "err",
    "fail",
    "load_or_fail",
    "open_folder_or_fail",
    "progress_bar",
    "read_sweep_or_fail",
    "stable_or_fail",
    "table_tiers",
    "warn",
]

#: Standard output (tables, results); 160 columns when not a terminal.
console = Console(width=None if sys.stdout.isatty() else 160)
#: Standard error (errors, warnings, progress).
err = Console(stderr=True, width=None if sys.stderr.isatty() else 160)


def fail(message: str, code: int = 2) -> NoReturn:
    """Print an error (no traceback) and exit non-zero."""
    # the message is plain text: brackets in it ("tierwise[dask]", "[15, 17]") are not markup
    err.print(f"[bold red]error:[/] {escape(message)}", highlight=False)
    raise typer.Exit(code)


def warn(message: str) -> None:
    """Print a warning line on standard error (the command goes on)."""
    err.print(f"[bold yellow]warning:[/] {escape(message)}", highlight=False)


def stable_or_fail(scenario: Scenario, who: str = "") -> None:
    """Refuse a scenario with an overloaded queue (exit 2); print its load warnings (a queue
    whose peak hour exceeds its servers, expected abandonment) and go on."""
    from tierwise.simulation.theory.loads import (
        UnstableScenarioError,
        check_stability,
        load_warnings,
    )

    try:
        loads = check_stability(scenario)
    except UnstableScenarioError as exc:
        fail(f"{who}{exc}")
    for warning in load_warnings(loads):
        warn(f"{who}{warning}")


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
    overwrite: bool = False,
) -> OutputFolder:
    """Open the output folder of a command, or exit cleanly (code 2).

    Called once every argument is checked (:mod:`tierwise.cli.options`) and before any
    simulation: opening clears the files of the folder's earlier run. ``scenario`` records its
    name and content hash; ``scenario_path`` (a file or a bundled name) is recorded as the file
    it resolves to; ``overwrite`` removes outputs no manifest lists instead of refusing.
    """
    resolved = None if scenario_path is None else resolve_scenario_path(scenario_path)
    try:
        return OutputFolder(
            path,
            scenario_path=resolved or scenario_path,
            scenario_name=None if scenario is None else scenario.name,
            scenario_hash=None if scenario is None else scenario.content_hash,
            inputs=inputs,
            overwrite=overwrite,
        )
    except ArtifactError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"cannot write to {path}: {exc.strerror or exc}")


def table_tiers(table: pd.DataFrame) -> list[str]:
    """Tier names of a sweep table (:func:`tierwise.optimization.planning.curves.sweep_tiers`)."""
    from tierwise.optimization.planning.curves import sweep_tiers

    return sweep_tiers(table)


def read_sweep_or_fail(path: Path) -> pd.DataFrame:
    """Read a sweep table (``.parquet`` or ``.csv`` written by ``tierwise sweep`` or ``run``),
    or exit cleanly (code 2) when it is missing, unreadable or not a sweep table."""
    from tierwise.optimization.planning.curves import read_sweep_table

    if path.suffix.lower() not in (".parquet", ".csv"):
        fail(f"{path}: a sweep table is a .parquet or .csv file")
    try:
        table = read_sweep_table(path)
    except FileNotFoundError as exc:
        fail(str(exc))
    except Exception as exc:  # pandas and pyarrow raise many kinds on a bad file
        fail(f"{path}: cannot read it as a table ({type(exc).__name__}: {exc})")
    if "variant_id" not in table.columns or not table_tiers(table):
        fail(
            f"{path} is not a sweep table (no variant_id and <tier>.perfect_order_rate "
            "columns); write one with tierwise sweep or tierwise run"
        )
    return table


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
