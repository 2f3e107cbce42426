"""``tierwise optimize``: choose service level and resources per tier (PuLP MILP) from a sweep."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tierwise.artifacts import Kind
from tierwise.cli.console import (
    console,
    emit_results,
    err,
    fail,
    load_or_fail,
    open_folder_or_fail,
    progress_bar,
    read_sweep_or_fail,
    stable_or_fail,
    table_tiers,
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
    Overwrite,
    SeedOverride,
    ServiceMetric,
    Solver,
    SolverChoice,
    TierOrder,
    TimeLimit,
    Verify,
    VerifyReplications,
    Workers,
    bad_option,
    check_output_folder_option,
    check_table_metric,
    parse_min_service,
    parse_tier_order,
)
from tierwise.cli.tables import print_plan, print_verification
from tierwise.simulation.scenario.errors import ScenarioError
from tierwise.simulation.scenario.library import resolve_scenario_path
from tierwise.simulation.scenario.overrides import parse_override
from tierwise.simulation.scenario.schema import Scenario

if TYPE_CHECKING:
    import pandas as pd

    from tierwise.optimization.milp.result import PlanResult
    from tierwise.optimization.planning.verify import VerifiedPlan
    from tierwise.optimization.planning.words import PlanInWords

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
    budget: Budget = None,
    min_service: MinService = None,
    objective: Objective = ObjectiveChoice.profit,
    metric: ServiceMetric = "perfect_order_rate",
    tier_order: TierOrder = None,
    max_cost_per_order: MaxCostPerOrder = None,
    solver: Solver = SolverChoice.cbc,
    time_limit: TimeLimit = 30.0,
    verify: Verify = False,
    seed: SeedOverride = None,
    replications: VerifyReplications = None,
    workers: Workers = DEFAULT_WORKERS,
    out: Annotated[Path, typer.Option(metavar="DIR", help="output folder")] = Path("out/optimize"),
    output_format: Format = OutputFormat.table,
    overwrite: Overwrite = False,
) -> None:
    """Choose the service level and resources per tier (PuLP MILP) from a sweep.

    On a scenario, its sweep is simulated first (``--seed`` gives it a new seed); on a sweep
    table, ``--verify`` re-simulates the plan on ``--scenario`` (``--seed`` and
    ``--replications`` for that verification). Every argument is checked before anything is
    simulated or solved.
    """
    from_scenario = source.suffix.lower() in _SCENARIO_SUFFIXES
    seeded = [f"seed={seed}"] if seed is not None else []
    if not from_scenario and not verify:
        for given, option in ((seed, "--seed"), (replications, "--replications")):
            if given is not None:
                bad_option(option, "on a sweep table only with --verify (nothing else simulates)")
    if from_scenario and replications is not None:
        bad_option("--replications", "only with a sweep table and --verify")
    table: pd.DataFrame | None = None
    base: Scenario | None
    if from_scenario:
        if scenario_path is not None:
            bad_option("--scenario", "only with a sweep table; the argument is a scenario")
        base = load_or_fail(source, seeded)
        stable_or_fail(base)
        tiers = list(base.tiers)
    else:
        if scenario_path is None and verify:
            bad_option("--verify", "on a sweep table it needs --scenario (the sweep's base)")
        table = read_sweep_or_fail(source)
        tiers = table_tiers(table)
        base = load_or_fail(scenario_path, seeded) if scenario_path is not None else None
        if base is not None and set(base.tiers) != set(tiers):
            bad_option(
                "--scenario",
                f"{scenario_path} has tiers {', '.join(base.tiers)}, the sweep table "
                f"{', '.join(tiers)}; give the sweep's base scenario",
            )
        check_table_metric(table, tiers, metric, source)
    floors = parse_min_service(min_service, tiers)
    order = parse_tier_order(tier_order, tiers)
    check_output_folder_option(out, overwrite)
    from tierwise.optimization.economics.tiers import tier_responses
    from tierwise.optimization.milp.solve import solve
    from tierwise.optimization.planning.curves import build_curves
    from tierwise.optimization.planning.search import lever_base_values
    from tierwise.optimization.planning.verify import verify_plan
    from tierwise.optimization.planning.words import IN_WORDS_KEY, plan_in_words
    from tierwise.pipeline import PipelineConfig, planning_problem, run_pipeline, sweep_warnings

    if base is not None:
        try:
            tier_responses(base, metric)  # the revenue settings
        except ScenarioError as exc:
            fail(str(exc))
    result: PlanResult
    verified: VerifiedPlan | None
    words: PlanInWords | None = None
    try:
        if table is None:
            scenario_file = resolve_scenario_path(source) or source
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
                overrides=[parse_override(o) for o in seeded],
                overwrite=overwrite,
            )
            assert base is not None
            for warning in sweep_warnings(base, False, config.overrides):
                warn(warning)
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
            result, verified, words = report.plan, report.verified, report.answers.words
        else:
            folder = open_folder_or_fail(
                out, base, scenario_path, inputs={"results": source}, overwrite=overwrite
            )
            with folder:  # the manifest is written on the way out
                if base is not None:
                    responses = tier_responses(base, metric)
                else:
                    responses = build_curves(table, metric=metric).responses
                base_values = (
                    lever_base_values(
                        base,
                        [
                            str(c).removeprefix("param.")
                            for c in table
                            if str(c).startswith("param.")
                        ],
                    )
                    if base is not None
                    else None
                )
                problem = planning_problem(
                    table,
                    responses,
                    metric,
                    objective.value,
                    budget,
                    floors,
                    order,
                    max_cost_per_order,
                    base_params=base_values,
                )
                verified = None
                counts: dict[str, Any] = (
                    {} if replications is None else {"replications": replications}
                )
                if verify and base is not None:
                    verified = verify_plan(
                        problem,
                        base,
                        responses,
                        metric,
                        **counts,
                        workers=workers,
                        solver=solver.value,
                        time_limit_s=time_limit,
                    )
                    result = verified.plan
                    folder.write_frame(
                        "verification.csv", verified.checks_frame(), Kind.VERIFICATION
                    )
                else:
                    result = solve(problem, solver=solver.value, time_limit_s=time_limit)
                words = plan_in_words({t: o.params for t, o in result.chosen.items()}, base_values)
                document = result.to_dict()
                if result.has_plan:
                    document[IN_WORDS_KEY] = words.to_dict()
                folder.write_json("plan.json", document, Kind.PLAN, "the chosen plan")
                folder.write_frame(
                    "plan.csv", result.to_frame(), Kind.PLAN_TABLE, "one row per tier"
                )
    except typer.Exit:  # a clean exit from fail() (click's Exit is a RuntimeError)
        raise
    except (ScenarioError, ValueError, FileNotFoundError, RuntimeError) as exc:
        fail(str(exc))
    if emit_results(output_format, result.to_dict(), result.to_frame()):
        err.print(f"plan written to {out}/plan.json and plan.csv (manifest.json)")
        return
    print_plan(result, f"plan ({metric}, USD per day)", words)
    if verified is not None:
        print_verification(verified)
    console.print(f"plan written to {out}/plan.json and plan.csv (manifest.json)")
    if not result.status.has_plan:
        raise typer.Exit(1)
