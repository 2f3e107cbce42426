"""``tierwise sweep``: run a sweep spec with a live progress bar and a summary.

Registered in :mod:`tierwise.cli.app` as ``app.command("sweep")(sweep_command)``. Like the rest of
the CLI, this is the only place that prints; the work is
:func:`tierwise.simulation.experiments.sweep.run_sweep`.
"""

from __future__ import annotations

import logging
import time
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from tierwise.artifacts import json_text, write_table
from tierwise.cli.console import console, emit_results, err, fail, progress_bar, verbose
from tierwise.cli.options import (
    DEFAULT_WORKERS,
    Format,
    OutputFormat,
    Replications,
    SeedOverride,
    Workers,
    bad_option,
    check_output_file,
)
from tierwise.common.atomic import write_text
from tierwise.simulation.experiments.sweep_spec import SweepPlan, load_sweep, plan_sweep
from tierwise.simulation.scenario.errors import ScenarioError
from tierwise.simulation.scenario.yaml_input import read_yaml

if TYPE_CHECKING:
    from tierwise.simulation.experiments.sweep import SweepProgress
    from tierwise.simulation.experiments.sweep_result import SweepResult

__all__ = ["BackendChoice", "sweep_command"]

logger = logging.getLogger(__name__)


#: Rows of the failure and screening tables shown in the terminal (summary.json has all).
MAX_ROWS = 15


class BackendChoice(StrEnum):
    """Where runs execute."""

    processes = "processes"
    dask = "dask"


def sweep_command(
    spec: Annotated[Path, typer.Argument(metavar="SPEC", help="sweep spec YAML")],
    workers: Workers = DEFAULT_WORKERS,
    backend: Annotated[
        BackendChoice, typer.Option(help="local process pool or dask.distributed")
    ] = BackendChoice.processes,
    scheduler: Annotated[
        str | None,
        typer.Option(help="address of a running dask scheduler, e.g. tcp://10.0.0.5:8786"),
    ] = None,
    cache: Annotated[
        Path, typer.Option(help="result cache folder (reruns and resumes read it)")
    ] = Path(".tierwise-cache"),
    out: Annotated[
        Path, typer.Option(help="table to write: .parquet or .csv (by the suffix)")
    ] = Path("out/sweep.parquet"),
    csv: Annotated[
        bool, typer.Option("--csv", help="also write a CSV next to a .parquet table")
    ] = False,
    screening: Annotated[
        bool | None,
        typer.Option("--screening/--no-screening", help="override the spec's screening switch"),
    ] = None,
    seed: SeedOverride = None,
    replications: Replications = None,
    output_format: Format = OutputFormat.table,
) -> None:
    """Simulate every variant of a sweep spec: cached, resumable, in parallel.

    ``--seed`` and ``--replications`` replace the spec's (or its base scenario's) seed and
    replications per variant. Every argument is checked before anything is simulated.
    """
    if scheduler is not None and backend is not BackendChoice.dask:
        bad_option("--scheduler", "--scheduler needs --backend dask")
    check_output_file(out, "--out", (".parquet", ".csv"))
    if cache.exists() and not cache.is_dir():
        bad_option("--cache", f"{cache} exists and is not a folder")
    plan = _load_plan(spec, seed, replications)
    from tierwise.simulation.experiments.executor import BackendError as SweepBackendError
    from tierwise.simulation.experiments.sweep import run_sweep

    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        TextColumn("cached {task.fields[cached]}"),
        TextColumn("{task.fields[failures]}"),
    )
    started = time.perf_counter()
    try:
        with progress_bar(*columns) as bar:
            task = bar.add_task(f"sweep {plan.name}", total=None, rate="", cached=0, failures="")

            def update(p: SweepProgress) -> None:
                elapsed = time.perf_counter() - started
                rate = f"{p.executed / elapsed:.2f} runs/s" if p.executed and elapsed else ""
                failures = f"[red]failed {p.failed}[/]" if p.failed else ""
                bar.update(
                    task,
                    completed=p.done,
                    total=p.total,
                    rate=rate,
                    cached=p.cached,
                    failures=failures,
                )

            result = run_sweep(
                plan,
                workers=workers,
                backend=backend.value,  # type: ignore[arg-type]
                scheduler=scheduler,
                cache_dir=cache,
                progress=update,
                screening=screening,
            )
    except SweepBackendError as exc:
        fail(str(exc))
        raise AssertionError("unreachable") from None
    except KeyboardInterrupt:
        err.print("[yellow]interrupted[/]: finished runs are cached; rerun to resume")
        raise typer.Exit(130) from None
    try:
        written = _save(result, out, csv)
    except OSError as exc:
        fail(f"cannot write {out}: {exc.strerror or exc}")
        raise AssertionError("unreachable") from None
    if emit_results(output_format, result.summary(), result.table):
        for note in (*result.plan.notes, *result.screening_notes):
            logger.info("note: %s", note)
        err.print("written: " + ", ".join(str(p) for p in written), highlight=False)
        return
    _print_summary(result, written)


def _load_plan(spec: Path, seed: int | None, replications: int | None) -> SweepPlan:
    """Read and expand the sweep spec; ``--seed`` and ``--replications`` replace the spec's
    own (fixed replications also replace a precision target)."""
    try:
        data = read_yaml(spec) if seed is not None or replications is not None else None
        if not isinstance(data, dict):
            return load_sweep(spec)  # no option to apply, or its error for a bad spec
        if seed is not None:
            data["seed"] = seed
        if replications is not None:
            data["replications"] = replications
            data.pop("precision", None)
        return plan_sweep(data, spec.parent, source=str(spec), default_name=spec.stem)
    except ScenarioError as exc:
        fail(str(exc))


def _save(result: SweepResult, out: Path, csv: bool) -> list[Path]:
    """The table in the format of ``out``'s suffix (and a CSV twin of a Parquet table with
    ``csv``), then ``<stem>.summary.json``; each file atomically."""
    written = [write_table(out, result.table)]
    if csv and out.suffix.lower() == ".parquet":
        written.append(write_table(out.with_suffix(".csv"), result.table))
    written.append(
        write_text(out.with_name(out.stem + ".summary.json"), json_text(result.summary()))
    )
    return written


def _print_summary(result: SweepResult, written: list[Path]) -> None:
    summary = result.summary()
    table = Table(title=f"sweep {result.plan.name} ({result.plan.source})", show_header=False)
    table.add_column("item", style="bold")
    table.add_column("value", justify="right")
    table.add_row("variants", f"{summary['variants']} ({summary['variants_simulated']} simulated)")
    table.add_row("runs executed", str(result.executed))
    table.add_row("runs from cache", str(result.cached))
    table.add_row(
        "screened out",
        f"{len(result.screened_out)} variant(s), {result.runs_saved_by_screening} run(s) saved",
    )
    failed = summary["runs_failed"]
    table.add_row(
        "failures",
        f"[red]{failed} run(s) in {len(result.failed_variants)} variant(s)[/]" if failed else "0",
    )
    table.add_row("time", f"{result.elapsed_s:.1f} s ({result.backend} × {result.workers})")
    console.print(table)

    if failed:
        fails = Table(title="failed variants")
        for col in ("variant", "parameters", "runs", "error"):
            fails.add_column(col, overflow="fold")
        frame = result.failures
        labels = {v.variant_id: v.label() for v in result.plan.variants}
        for vid in result.failed_variants[:MAX_ROWS]:
            rows = frame[frame["variant_id"] == vid]
            fails.add_row(vid, labels.get(vid, ""), str(len(rows)), str(rows["error"].iloc[0]))
        console.print(fails)
        if len(result.failed_variants) > MAX_ROWS:
            console.print(f"… and {len(result.failed_variants) - MAX_ROWS} more (summary.json)")
    if result.screened_out and verbose():
        labels = {v.variant_id: v.label() for v in result.plan.variants}
        screened = Table(title="screened out (not simulated)")
        for col in ("variant", "rule", "reason"):
            screened.add_column(col, overflow="fold")
        for s in result.screened_out[:MAX_ROWS]:
            screened.add_row(labels.get(s.variant_id) or s.variant_id, s.rule, s.reason)
        console.print(screened)
        if len(result.screened_out) > MAX_ROWS:
            console.print(f"… and {len(result.screened_out) - MAX_ROWS} more (summary.json)")
    elif result.screened_out:
        console.print(
            f"{len(result.screened_out)} variant(s) screened out by queueing theory before "
            "simulating (tierwise -v sweep … lists them)",
            highlight=False,
        )
    for note in (*result.plan.notes, *result.screening_notes):
        logger.info("note: %s", note)
    console.print("written: " + ", ".join(str(p) for p in written), highlight=False)
