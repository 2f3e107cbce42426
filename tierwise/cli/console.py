"""Terminal output shared by every CLI command: consoles, clean error exits, progress bars."""

from __future__ import annotations

import logging
import math
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)

from tierwise.artifacts import ArtifactError, OutputFolder
from tierwise.simulation.scenario.errors import ScenarioError
from tierwise.simulation.scenario.library import resolve_scenario_path
from tierwise.simulation.scenario.loading import load_scenario
from tierwise.simulation.scenario.overrides import parse_override
from tierwise.simulation.scenario.schema import Scenario

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "LOG_EVERY_S",
    "LogProgress",
    "console",
    "emit_results",
    "err",
    "fail",
    "load_or_fail",
    "open_folder_or_fail",
    "progress_bar",
    "read_sweep_or_fail",
    "stable_or_fail",
    "table_tiers",
    "verbose",
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


def verbose() -> bool:
    """Whether ``tierwise -v`` asked for details (the log level is INFO or lower): details
    that a planner does not need (screening rules, internal notes) are shown only then."""
    return logging.getLogger().isEnabledFor(logging.INFO)


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


def emit_results(output_format: str, document: Any, frame: pd.DataFrame) -> bool:
    """Write a command's results to standard output as JSON (``document``) or CSV (``frame``)
    for ``--format json|csv``; ``False`` (nothing written) for ``table``."""
    from tierwise.artifacts import json_text

    if output_format == "json":
        sys.stdout.write(json_text(document))
    elif output_format == "csv":
        sys.stdout.write(frame.to_csv(index=False))
    else:
        return False
    return True


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


#: Seconds between two progress lines in a log (output that is not a terminal).
LOG_EVERY_S = 15.0


class LogProgress:
    """Progress as plain log lines on standard error, for output that is not a terminal.

    The subset of :class:`rich.progress.Progress` the commands use (``add_task``, ``update``,
    ``advance``, a context manager). A line is written when a task starts, when its
    description changes, at every further tenth of its total, at least every
    :data:`LOG_EVERY_S` seconds while it moves, and when it completes::

        [  12 s] sweep default: 14/27 (52%)
    """

    def __init__(self, every_s: float = LOG_EVERY_S) -> None:
        self.every_s = every_s
        self._tasks: dict[TaskID, dict[str, Any]] = {}
        self._started = time.monotonic()

    def __enter__(self) -> LogProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        for task_id, task in self._tasks.items():
            if not task["finished"] and task["completed"]:
                self._line(task_id)

    def add_task(self, description: str, total: float | None = None, **fields: Any) -> TaskID:
        """Start a task; returns its id."""
        task_id = TaskID(len(self._tasks))
        self._tasks[task_id] = {
            "description": description,
            "total": total,
            "completed": 0.0,
            "last_s": -math.inf,
            "last_tenth": -1,
            "finished": False,
        }
        self._line(task_id)
        return task_id

    def update(
        self,
        task_id: TaskID,
        *,
        description: str | None = None,
        total: float | None = None,
        completed: float | None = None,
        advance: float | None = None,
        **fields: Any,
    ) -> None:
        """Change a task; writes a line when it is time to (see the class)."""
        task = self._tasks[task_id]
        renamed = description is not None and description != task["description"]
        if description is not None:
            task["description"] = description
        if total is not None:
            task["total"] = total
        if completed is not None:
            task["completed"] = float(completed)
        if advance:
            task["completed"] += float(advance)
        now = time.monotonic()
        tenth = self._tenth(task)
        done = task["total"] is not None and task["completed"] >= task["total"] > 0
        if done and task["finished"]:
            return
        if renamed or done or tenth > task["last_tenth"] or now - task["last_s"] >= self.every_s:
            self._line(task_id)

    def advance(self, task_id: TaskID, advance: float = 1) -> None:
        """Add ``advance`` to a task's completed count."""
        self.update(task_id, advance=advance)

    @staticmethod
    def _tenth(task: dict[str, Any]) -> int:
        total = task["total"]
        if not total:
            return -1
        return int(10 * min(task["completed"] / total, 1.0))

    def _line(self, task_id: TaskID) -> None:
        task = self._tasks[task_id]
        total = task["total"]
        done = int(task["completed"])
        if total:
            state = f"{done}/{int(total)} ({100 * min(done / total, 1.0):.0f}%)"
        else:
            state = f"{done} done" if done else "started"
        elapsed = time.monotonic() - self._started
        err.print(
            f"[{elapsed:5.0f} s] {task['description']}: {state}", markup=False, highlight=False
        )
        task["last_s"] = time.monotonic()
        task["last_tenth"] = self._tenth(task)
        task["finished"] = bool(total) and done >= total


def progress_bar(*columns: ProgressColumn | str) -> Progress | LogProgress:
    """Progress on standard error: a transient rich bar on a terminal, log lines otherwise
    (:class:`LogProgress`, so a long run in a log file or CI shows how far it is).

    ``columns`` replace the default bar's (description, bar, count, time remaining).
    """
    if not err.is_terminal:
        return LogProgress()
    return Progress(
        *(
            columns
            or (
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
            )
        ),
        console=err,
        transient=True,
    )
