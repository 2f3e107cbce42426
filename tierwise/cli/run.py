"""``tierwise run``, the main job: screening → sweep → curves → optimisation → verification."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tierwise.artifacts import MANIFEST_NAME
from tierwise.cli.console import (
    console,
    emit_results,
    err,
    fail,
    load_or_fail,
    progress_bar,
    stable_or_fail,
    warn,
)
from tierwise.cli.options import (
    DEFAULT_WORKERS,
    Budget,
    Format,
    MaxCostPerOrder,
    MinService,
    Objective,
    ObjectiveChoice,
    OutputFormat,
    Overrides,
    Overwrite,
    SeedOverride,
    ServiceMetric,
    Solver,
    SolverChoice,
    TierOrder,
    TimeLimit,
    Verify,
    Workers,
    bad_option,
    check_output_folder_option,
    parse_min_service,
    parse_tier_order,
)
from tierwise.cli.tables import (
    print_plan,
    print_targets,
    print_today_versus_plan,
    print_verification,
)
from tierwise.simulation.scenario.errors import ScenarioError
from tierwise.simulation.scenario.overrides import parse_override

if TYPE_CHECKING:
    from tierwise.simulation.experiments.sweep import SweepProgress

__all__ = ["run_command"]


def run_command(
    scenario_path: Annotated[
        Path, typer.Argument(metavar="SCENARIO", help="scenario YAML or a bundled name (default)")
    ],
    out: Annotated[Path, typer.Option(metavar="DIR", help="output folder")] = Path("out/run"),
    quick: Annotated[bool, typer.Option(help="smaller grid, shorter runs")] = False,
    workers: Workers = DEFAULT_WORKERS,
    metric: ServiceMetric = "perfect_order_rate",
    objective: Objective = ObjectiveChoice.profit,
    budget: Budget = None,
    min_service: MinService = None,
    tier_order: TierOrder = None,
    max_cost_per_order: MaxCostPerOrder = None,
    solver: Solver = SolverChoice.cbc,
    time_limit: TimeLimit = 30.0,
    verify: Verify = True,
    cache: Annotated[Path | None, typer.Option(help="sweep cache (default: OUT/cache)")] = None,
    seed: SeedOverride = None,
    set_: Overrides = None,
    output_format: Format = OutputFormat.table,
    overwrite: Overwrite = False,
) -> None:
    """The main job: screening → sweep → curves → optimisation → verification → figures.

    Every argument is checked before anything is simulated; the output folder is then cleared
    of its earlier run's files.
    """
    set_ = [*(set_ or []), *([f"seed={seed}"] if seed is not None else [])]
    scenario = load_or_fail(scenario_path, set_)
    stable_or_fail(scenario)
    tiers = list(scenario.tiers)
    floors = parse_min_service(min_service, tiers)
    order = parse_tier_order(tier_order, tiers)
    check_output_folder_option(out, overwrite)
    if cache is not None and cache.exists() and not cache.is_dir():
        bad_option("--cache", f"{cache} exists and is not a folder")
    from tierwise.optimization.economics.tiers import tier_responses
    from tierwise.pipeline import PipelineConfig, run_pipeline, sweep_warnings

    try:
        tier_responses(scenario, metric)  # the revenue settings, priced on --metric
    except ScenarioError as exc:
        fail(str(exc))
    overrides = [parse_override(o) for o in set_ or []]
    config = PipelineConfig(
        quick=quick,
        workers=workers,
        metric=metric,
        objective=objective.value,
        budget_per_day_usd=budget,
        min_service=floors,
        tier_order=order,
        max_cost_per_order_usd=max_cost_per_order,
        solver=solver.value,
        time_limit_s=time_limit,
        verify=verify,
        cache_dir=cache,
        overrides=overrides,
        overwrite=overwrite,
    )
    for warning in sweep_warnings(scenario, quick, overrides):
        warn(warning)
    with progress_bar() as bar:
        task = bar.add_task("preparing", total=None)

        def step(message: str, state: SweepProgress | None) -> None:
            if state is not None:
                bar.update(
                    task,
                    description=f"sweep ({state.cached} cached, {state.failed} failed)",
                    total=state.total,
                    completed=state.done,
                )
            else:
                bar.update(task, description=message)

        started = time.perf_counter()
        try:
            report = run_pipeline(scenario_path, out, config, progress=step)
        except (ScenarioError, ValueError, RuntimeError) as exc:
            fail(str(exc))
    wall_s = time.perf_counter() - started
    summary = report.sweep.summary()
    document = report.answers.document or report.plan.to_dict()
    if emit_results(output_format, document, report.plan.to_frame()):
        err.print(f"figures and tables in {out}/ (every file listed in {MANIFEST_NAME})")
        if not report.plan.status.has_plan:
            raise typer.Exit(1)
        return
    console.print(
        f"sweep: {summary.get('variants', '?')} variants, {report.sweep.executed} runs "
        f"simulated, {report.sweep.cached} from cache, {len(report.sweep.screened_out)} "
        f"variant(s) screened out, {len(report.sweep.failed_variants)} failed "
        f"({report.sweep.elapsed_s:.0f} s)",
        highlight=False,
    )
    print_plan(
        report.plan,
        f"{report.scenario.name}: chosen plan ({metric}, USD per day)",
        report.answers.words,
    )
    if report.verified is not None:
        print_verification(report.verified)
    if report.answers.targets is not None:
        print_targets(report.answers.targets)
    if report.answers.ranking is not None:
        for message in report.answers.ranking.messages():
            console.print(message, highlight=False)
    if report.answers.baseline is not None:
        print_today_versus_plan(report.answers.baseline)
    console.print(f"figures and tables in {out}/ (every file listed in {MANIFEST_NAME}):")
    for path in report.files:
        if path.parent == out and (
            path.suffix in (".png", ".json") or path.name == "baseline_comparison.csv"
        ):
            console.print(f"  {path.name}")
    console.print(f"  {MANIFEST_NAME}")
    console.print(
        f"the main job took {wall_s // 60:.0f} min {wall_s % 60:02.0f} s on {workers} worker(s)",
        highlight=False,
    )
    if not report.plan.status.has_plan:
        raise typer.Exit(1)
