"""``tierwise optimize``: choose service level and resources per tier (PuLP MILP) from a sweep."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tierwise.artifacts import Kind
from tierwise.cli.console import console, fail, load_or_fail, open_folder_or_fail, progress_bar
from tierwise.cli.options import ObjectiveChoice, SolverChoice, parse_min_service, parse_tier_order
from tierwise.cli.tables import print_plan, print_verification
from tierwise.optimization.milp.result import PlanResult
from tierwise.optimization.planning.verify import VerifiedPlan
from tierwise.simulation.scenario.errors import ScenarioError
from tierwise.simulation.scenario.library import resolve_scenario_path

__all__ = ["optimize_command"]

_SCENARIO_SUFFIXES = ("", ".yaml", ".yml")


def optimize_command(
    source: Annotated[
        Path,
        typer.Argument(
            metavar="RESULTS_OR_SCENARIO",
            help="sweep table (.parquet/.csv), or scenario YAML or bundled name (default)",
        ),
    ],
    scenario_path: Annotated[
        Path | None,
        typer.Option(
            "--scenario", help="base scenario of a sweep table (revenue settings, --verify)"
        ),
    ] = None,
    budget: Annotated[float | None, typer.Option(min=0, help="budget, USD per day")] = None,
    min_service: Annotated[
        str | None, typer.Option(help="minimum service per tier, e.g. A=0.99,B=0.97")
    ] = None,
    objective: Annotated[ObjectiveChoice, typer.Option()] = ObjectiveChoice.profit,
    metric: Annotated[str, typer.Option(help="service metric")] = "perfect_order_rate",
    tier_order: Annotated[
        str | None, typer.Option(help="service must not rise down this order, e.g. A,B,C")
    ] = None,
    max_cost_per_order: Annotated[
        float | None, typer.Option(min=0, help="ceiling on cost per order, USD")
    ] = None,
    solver: Annotated[SolverChoice, typer.Option()] = SolverChoice.cbc,
    time_limit: Annotated[float, typer.Option(min=0.1, help="solver time limit, s")] = 30.0,
    verify: Annotated[bool, typer.Option(help="re-simulate the plan and refine")] = False,
    workers: Annotated[int, typer.Option(min=1)] = 2,
    out: Annotated[Path, typer.Option(help="output folder")] = Path("out/optimize"),
) -> None:
    """Choose the service level and resources per tier (PuLP MILP) from a sweep."""
    from tierwise.optimization.economics.tiers import tier_responses
    from tierwise.optimization.milp.solve import solve
    from tierwise.optimization.planning.curves import build_curves, read_sweep_table
    from tierwise.optimization.planning.verify import verify_plan
    from tierwise.pipeline import PipelineConfig, planning_problem, run_pipeline

    floors = parse_min_service(min_service)
    order = parse_tier_order(tier_order)
    scenario_file = (
        resolve_scenario_path(source) if source.suffix.lower() in _SCENARIO_SUFFIXES else None
    )
    result: PlanResult
    verified: VerifiedPlan | None
    try:
        if scenario_file is not None:
            config = PipelineConfig(
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
            )
            with progress_bar() as bar:
                task = bar.add_task("sweep", total=None)
                report = run_pipeline(
                    scenario_file,
                    out,
                    config,
                    progress=lambda m, s: bar.update(
                        task,
                        description=m,
                        total=s.total if s else None,
                        completed=s.done if s else 0,
                    ),
                )
            result, verified = report.plan, report.verified
        else:
            if scenario_path is None and verify:
                fail("--verify on a sweep table needs --scenario (the sweep's base scenario)")
            table = read_sweep_table(source)
            base = load_or_fail(scenario_path) if scenario_path is not None else None
            folder = open_folder_or_fail(out, base, scenario_path, inputs={"results": source})
            if base is not None:
                responses = tier_responses(base, metric)
            else:
                responses = build_curves(table, metric=metric).responses
            problem = planning_problem(
                table,
                responses,
                metric,
                objective.value,
                budget,
                floors,
                order,
                max_cost_per_order,
            )
            verified = None
            if verify and base is not None:
                verified = verify_plan(
                    problem,
                    base,
                    responses,
                    metric,
                    workers=workers,
                    solver=solver.value,
                    time_limit_s=time_limit,
                )
                result = verified.plan
                folder.write_frame("verification.csv", verified.checks_frame(), Kind.VERIFICATION)
            else:
                result = solve(problem, solver=solver.value, time_limit_s=time_limit)
            folder.write_json("plan.json", result.to_dict(), Kind.PLAN, "the chosen plan")
            folder.write_frame("plan.csv", result.to_frame(), Kind.PLAN_TABLE, "one row per tier")
            folder.finish()
    except typer.Exit:  # a clean exit from fail() (click's Exit is a RuntimeError)
        raise
    except (ScenarioError, ValueError, FileNotFoundError, RuntimeError) as exc:
        fail(str(exc))
    print_plan(result, f"plan ({metric}, USD per day)")
    if verified is not None:
        print_verification(verified)
    console.print(f"plan written to {out}/plan.json and plan.csv (manifest.json)")
    if not result.status.has_plan:
        raise typer.Exit(1)
