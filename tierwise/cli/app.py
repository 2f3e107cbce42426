"""The ``tierwise`` command line: the only place that prints."""

from __future__ import annotations

import json
import logging
import math
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from tierwise.cli.compare import compare_command
from tierwise.cli.console import console, fail, load_or_fail, progress_bar
from tierwise.cli.report import report_command
from tierwise.cli.sweep import sweep_command
from tierwise.cli.tables import HEADLINE_METRICS, estimates_frame, format_estimate
from tierwise.simulation.experiments.replicate import replicate
from tierwise.simulation.experiments.validation import CheckResult, reference_cases, validate
from tierwise.simulation.scenario.errors import ScenarioError
from tierwise.simulation.scenario.overrides import parse_override
from tierwise.simulation.scenario.schema import Scenario
from tierwise.simulation.theory.loads import UnstableScenarioError, check_stability, offered_loads

__all__ = ["app", "main"]

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Tierwise: how good should service be, for which customers, at what cost.",
)


class ObjectiveChoice(StrEnum):
    profit = "profit"
    cost = "cost"


class SolverChoice(StrEnum):
    cbc = "cbc"
    highs = "highs"


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


@app.callback()
def _main(verbose: Annotated[bool, typer.Option("--verbose", "-v", help="log details")] = False):
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )


@app.command()
def simulate(
    scenario_path: Annotated[Path, typer.Argument(metavar="SCENARIO", help="scenario YAML")],
    replications: Annotated[int | None, typer.Option(min=1, help="fixed replications")] = None,
    precision: Annotated[
        float | None,
        typer.Option(help="target relative CI half-width, e.g. 0.02; adds replications until met"),
    ] = None,
    seed: Annotated[int | None, typer.Option(min=0, help="override the scenario seed")] = None,
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="override a field: dotted.path=value (repeatable)"),
    ] = None,
    workers: Annotated[int, typer.Option(min=1, help="worker processes")] = 1,
    output_format: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.table,
    out: Annotated[Path | None, typer.Option(help="directory for result.json / result.csv")] = None,
    orders_out: Annotated[
        Path | None, typer.Option(help="write one CSV row per measured order of replication 0")
    ] = None,
) -> None:
    """Simulate a scenario: per-tier service and cost with confidence intervals."""
    overrides = list(set_ or [])
    if seed is not None:
        overrides.append(f"seed={seed}")
    scenario = load_or_fail(scenario_path, overrides)
    if replications is not None and precision is not None:
        fail("give --replications or --precision, not both")
    if precision is not None and not 0 < precision < 1:
        fail(f"--precision {precision}: must lie in (0, 1), e.g. 0.02 for ±2 %")
    try:
        check_stability(scenario)
    except UnstableScenarioError as exc:
        fail(str(exc))
    total = replications or scenario.replications
    with progress_bar() as bar:
        task = bar.add_task("replications", total=None if precision else total)
        summary = replicate(
            scenario,
            replications=replications,
            precision=precision,
            workers=workers,
            progress=lambda k: bar.advance(task, k),
        )
    document = summary.to_dict()
    frame = estimates_frame(summary)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        (out / "result.json").write_text(json.dumps(document, indent=2, default=_json_default))
        frame.to_csv(out / "result.csv", index=False)
    if orders_out is not None:
        _write_orders(scenario, orders_out)
    if output_format is OutputFormat.json:
        sys.stdout.write(json.dumps(document, indent=2, default=_json_default) + "\n")
    elif output_format is OutputFormat.csv:
        sys.stdout.write(frame.to_csv(index=False))
    else:
        _print_summary(scenario, frame, len(summary.runs))
        if out is not None:
            console.print(f"results written to {out}/result.json and result.csv")


def _json_default(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    raise TypeError(type(value).__name__)


def _write_orders(scenario: Scenario, path: Path) -> None:
    import csv

    from tierwise.simulation.engine import run_with_orders

    _, records = run_with_orders(scenario, 0)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "tier",
                "created_h",
                "cycle_time_h",
                "lost",
                "on_time",
                "complete",
                "damage_free",
                "accurate",
                "billed_right",
                "perfect",
            ]
        )
        writer.writerows(records)


def _print_summary(scenario: Scenario, frame: Any, n: int) -> None:
    tiers = list(scenario.tiers)
    table = Table(
        title=f"{scenario.name}: per-tier service and cost "
        f"(mean ± 95% CI half-width, {n} replications)"
    )
    table.add_column("metric", no_wrap=True)
    table.add_column("unit", style="dim", no_wrap=True)
    for tier in tiers:
        table.add_column(f"tier {tier}", justify="right")
    indexed = frame.set_index(["scope", "metric"])
    for metric in HEADLINE_METRICS:
        cells = []
        unit = ""
        for tier in tiers:
            if (tier, metric) not in indexed.index:
                cells.append("—")
                continue
            row = indexed.loc[(tier, metric)]
            unit = str(row["unit"])
            cells.append(format_estimate(float(row["mean"]), float(row["half_width"]), unit))
        table.add_row(metric, "%" if unit == "rate" else unit, *cells)
    console.print(table)
    system = Table(title="resources and cost by line item")
    system.add_column("item")
    system.add_column("value", justify="right")
    for (scope, metric), row in indexed.iterrows():
        if scope in ("utilisation", "cost", "total"):
            unit = "rate" if scope == "utilisation" else ""
            system.add_row(
                f"{scope}.{metric}",
                format_estimate(float(row["mean"]), float(row["half_width"]), unit),
            )
    console.print(system)


@app.command()
def check(
    scenario_path: Annotated[Path, typer.Argument(metavar="SCENARIO")],
    set_: Annotated[list[str] | None, typer.Option("--set", help="dotted.path=value")] = None,
) -> None:
    """Validate a scenario and show its tiers and offered loads (no simulation)."""
    scenario = load_or_fail(scenario_path, set_)
    table = Table(title=f"{scenario.name} ({scenario.content_hash[:12]})")
    for col in ("tier", "customers", "orders/h (base)", "channels", "pool", "mode", "promise h"):
        table.add_column(col)
    for name, tier in scenario.tiers.items():
        table.add_row(
            name,
            str(tier.customers),
            f"{tier.orders_per_hour:g}",
            ", ".join(f"{c} {s:.0%}" for c, s in tier.channel_mix.items()),
            scenario.pool_of(name) if scenario.order_entry.enabled else "—",
            tier.shipping_mode or "—",
            f"{tier.promised_cycle_time_h:g}",
        )
    console.print(table)
    loads = offered_loads(scenario)
    load_table = Table(title="offered load while staffed (Erlang; vehicles: needed per dispatch)")
    for col in ("resource", "offered", "peak hour", "servers", "utilisation", "min stable"):
        load_table.add_column(col, justify="right")
    for q in loads:
        style = "" if q.stable else "bold red"
        load_table.add_row(
            q.resource,
            f"{q.offered_load:.2f}",
            f"{q.peak_load:.2f}",
            str(q.servers),
            f"{q.utilisation:.0%}",
            str(q.min_stable_servers),
            style=style,
        )
    console.print(load_table)
    unstable = [q for q in loads if not q.stable]
    if unstable:
        fail(str(UnstableScenarioError(unstable)))
    console.print("[green]scenario is valid and every queue is stable[/]")


@app.command(name="validate")
def validate_command(
    confidence: Annotated[float, typer.Option(help="family-wise confidence level")] = 0.99,
    seed: Annotated[int, typer.Option(min=0)] = 2024,
    effort: Annotated[float, typer.Option(min=0.05, help="simulated-time multiplier")] = 1.0,
    workers: Annotated[int, typer.Option(min=1)] = 1,
) -> None:
    """Simulate the reference cases and compare with exact queueing/inventory theory."""
    cases = reference_cases(seed=seed, effort=effort)
    per_check = 1 - (1 - confidence) / len(cases)
    results: list[CheckResult] = []
    with progress_bar() as bar:
        task = bar.add_task("reference cases", total=len(cases))

        def step(result: CheckResult) -> None:
            results.append(result)
            bar.advance(task)

        validate(cases, confidence=confidence, workers=workers, progress=step)
    table = Table(
        title=f"engine vs theory: {confidence:.0%} family-wise (Bonferroni, each check "
        f"at {per_check:.4%}), {len(cases)} checks"
    )
    columns = (
        "case",
        "exact",
        "simulated",
        "± family-wise hw",
        "within CI",
        "99% rel. hw",
        "tight",
    )
    for col in columns:
        table.add_column(col, justify="right")
    for r in results:
        table.add_row(
            r.case.name,
            f"{r.case.exact:.6g}",
            f"{r.estimate.mean:.6g}",
            f"{r.estimate.half_width:.3g}",
            "yes" if r.contains_exact else "[red]NO[/]",
            f"{r.precision.half_width / abs(r.case.exact):.1%}",
            "yes" if r.tight_enough else f"[red]NO (> {r.max_relative_half_width:.0%})[/]",
        )
    console.print(table)
    failed = [r for r in results if not r.passed]
    if failed:
        fail(f"{len(failed)} of {len(results)} reference checks failed", code=1)
    console.print(f"[green]all {len(results)} reference checks passed[/]")


app.command("compare")(compare_command)
app.command("sweep")(sweep_command)
app.command("report")(report_command)


def main() -> None:
    """Entry point for ``python -m tierwise``."""
    app()


@app.command()
def curves(
    results: Annotated[Path, typer.Argument(metavar="RESULTS", help="sweep table (.parquet/.csv)")],
    tier: Annotated[list[str] | None, typer.Option(help="tier(s) to include (repeatable)")] = None,
    metric: Annotated[str, typer.Option(help="service metric on the x axis")] = (
        "perfect_order_rate"
    ),
    response: Annotated[
        str, typer.Option(help="default revenue model: logistic | adbudg | retention | loyalty")
    ] = "logistic",
    profile: Annotated[
        list[str] | None,
        typer.Option(help="default revenue profile of a tier not named A/B/C: TIER=A|B|C"),
    ] = None,
    title: Annotated[str | None, typer.Option(help="figure title (default: file name)")] = None,
    out: Annotated[Path, typer.Option(help="output directory")] = Path("out/curves"),
) -> None:
    """Cost-vs-service frontier, revenue and profit curves per tier, with the optimum marked."""
    from tierwise.figures.curves import write_curves
    from tierwise.optimization.planning.curves import build_curves, read_sweep_table

    metric = metric if metric.endswith(("_rate", "_h", "_s")) else f"{metric}_rate"
    try:
        table = read_sweep_table(results)
        profiles = dict(p.split("=", 1) for p in profile or [] if "=" in p)
        report = build_curves(
            table, metric=metric, tiers=tier, response_model=response, profiles=profiles
        )
    except (FileNotFoundError, ValueError, KeyError) as exc:
        fail(str(exc))
        return
    paths = write_curves(report, out, title or results.stem)
    view = Table(title=f"profit-maximising {metric} per tier (USD per day, 95% CI)")
    for col in ("tier", "variant", "service", "revenue", "cost", "profit", "MR = MC at"):
        view.add_column(col, justify="right")
    for _, row in report.optimum_table().iterrows():
        smooth = row["smooth_service_level"]
        view.add_row(
            row["tier"],
            row["variant_id"],
            f"{row['service_level']:.1%}",
            f"{row['revenue_per_day_usd']:,.0f}",
            f"{row['cost_per_day_usd']:,.0f}",
            f"{row['profit_per_day_usd']:,.0f} [{row['profit_per_day_usd_low']:,.0f}, "
            f"{row['profit_per_day_usd_high']:,.0f}]",
            "—"
            if not math.isfinite(smooth)
            else f"{smooth:.1%}" + (f" (edge: {row['at_boundary']})" if row["at_boundary"] else ""),
        )
    console.print(view)
    for path in paths:
        console.print(f"wrote {path}")


def _parse_min_service(text: str | None) -> dict[str, float]:
    """``"A=0.99,B=0.97"`` → ``{"A": 0.99, "B": 0.97}`` (exits with a clear error if malformed)."""
    result: dict[str, float] = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        tier, sep, value = part.partition("=")
        try:
            level = float(value)
        except ValueError:
            level = math.nan
        if not sep or not tier.strip() or not 0 <= level <= 1:
            fail(
                f"--min-service {part!r}: expected TIER=level with level in [0, 1], "
                "e.g. A=0.99,B=0.97"
            )
        result[tier.strip()] = level
    return result


def _parse_tier_order(text: str | None) -> list[str] | None:
    """``"A,B,C"`` → ``["A", "B", "C"]`` (None when not given)."""
    if not text:
        return None
    tiers = [t.strip() for t in text.split(",") if t.strip()]
    if len(tiers) < 2:
        fail(f"--tier-order {text!r}: name at least two tiers, e.g. A,B,C")
    return tiers


def _print_plan(result: Any, title: str) -> None:
    from tierwise.optimization.milp.result import PlanStatus

    style = "green" if result.status == PlanStatus.OPTIMAL else "yellow"
    console.print(
        f"[{style}]status: {result.status.value}[/] {result.message or ''}", highlight=False
    )
    if not result.status.has_plan:
        if result.explanation is not None:
            console.print(str(result.explanation), highlight=False)
        return
    frame = result.to_frame()
    table = Table(title=title)
    table.add_column("tier")
    table.add_column("option")
    table.add_column("service (± 95% CI)", justify="right")
    # pooled resources are the plan's, not the option's: printed once below the table
    for col in ("cost USD/day", "revenue USD/day", "profit USD/day"):
        table.add_column(col, justify="right")
    for _, row in frame.iterrows():
        table.add_row(
            str(row["tier"]),
            str(row["option_id"]),
            f"{row['service_level']:.1%} ± {row['service_half_width'] * 100:.1f}",
            f"{row['cost_per_day_usd']:,.0f}",
            f"{row['revenue_per_day_usd']:,.0f}",
            f"{row['profit_per_day_usd']:,.0f}",
        )
    table.add_row(
        "total",
        "",
        "",
        f"{result.total_cost_per_day_usd:,.0f}",
        f"{result.total_revenue_per_day_usd:,.0f}",
        f"{result.total_profit_per_day_usd:,.0f}",
        style="bold",
    )
    console.print(table)
    if result.resource_units:
        console.print(
            "resources of the plan: "
            + ", ".join(f"{name} = {units}" for name, units in result.resource_units.items()),
            highlight=False,
        )
    if result.binding_constraints:
        console.print("binding constraints: " + ", ".join(result.binding_constraints))


def _print_verification(verified: Any) -> None:
    frame = verified.checks_frame()
    if frame.empty:
        return
    table = Table(
        title=f"verification: predicted vs re-simulated ({len(verified.rounds)} "
        f"round(s), {'converged' if verified.converged else 'NOT converged'})"
    )
    for col in (
        "round",
        "tier",
        "predicted",
        "simulated",
        "difference",
        "service within CI",
        "cost predicted",
        "cost simulated",
        "cost within CI",
    ):
        table.add_column(col, justify="right")
    for _, r in frame.iterrows():
        table.add_row(
            str(r["round"]),
            str(r["tier"]),
            f"{r['predicted_service']:.1%} ± {r['predicted_half_width'] * 100:.1f}",
            f"{r['simulated_service']:.1%} ± {r['simulated_half_width'] * 100:.1f}",
            f"{r['difference'] * 100:+.1f} pt",
            "yes" if r["service_agrees"] else "[red]no[/]",
            f"{r['predicted_cost_per_day_usd']:,.0f}",
            f"{r['simulated_cost_per_day_usd']:,.0f} ± {r['simulated_cost_half_width_usd']:,.0f}",
            "yes" if r["cost_agrees"] else "[red]no[/]",
        )
    console.print(table)


@app.command(name="run")
def run_command(
    scenario_path: Annotated[Path, typer.Argument(metavar="SCENARIO")],
    out: Annotated[Path, typer.Option(help="output directory")] = Path("out/run"),
    quick: Annotated[bool, typer.Option(help="smaller grid, shorter runs")] = False,
    workers: Annotated[int, typer.Option(min=1, help="worker processes")] = 2,
    metric: Annotated[str, typer.Option(help="service metric of the plan")] = (
        "perfect_order_rate"
    ),
    objective: Annotated[ObjectiveChoice, typer.Option()] = ObjectiveChoice.profit,
    budget: Annotated[float | None, typer.Option(min=0, help="budget, USD per day")] = None,
    min_service: Annotated[
        str | None, typer.Option(help="minimum service per tier, e.g. A=0.9,B=0.85")
    ] = None,
    tier_order: Annotated[
        str | None, typer.Option(help="service must not rise down this order, e.g. A,B,C")
    ] = None,
    max_cost_per_order: Annotated[
        float | None, typer.Option(min=0, help="ceiling on cost per order, USD")
    ] = None,
    solver: Annotated[SolverChoice, typer.Option()] = SolverChoice.cbc,
    time_limit: Annotated[float, typer.Option(min=0.1, help="solver time limit, s")] = 30.0,
    verify: Annotated[bool, typer.Option(help="re-simulate and refine the plan")] = True,
    cache: Annotated[Path | None, typer.Option(help="sweep cache (default: OUT/cache)")] = None,
    set_: Annotated[list[str] | None, typer.Option("--set", help="dotted.path=value")] = None,
) -> None:
    """The main job: screening → sweep → curves → optimisation → verification → figures."""
    from tierwise.pipeline import PipelineConfig, run_pipeline

    scenario = load_or_fail(scenario_path, set_)
    try:
        check_stability(scenario)
    except UnstableScenarioError as exc:
        fail(str(exc))
    config = PipelineConfig(
        quick=quick,
        workers=workers,
        metric=metric,
        objective=objective.value,
        budget_per_day_usd=budget,
        min_service=_parse_min_service(min_service),
        tier_order=_parse_tier_order(tier_order),
        max_cost_per_order_usd=max_cost_per_order,
        solver=solver.value,
        time_limit_s=time_limit,
        verify=verify,
        cache_dir=cache,
        overrides=[parse_override(o) for o in set_ or []],
    )
    with progress_bar() as bar:
        task = bar.add_task("preparing", total=None)

        def step(message: str, state: Any) -> None:
            if state is not None:
                bar.update(
                    task,
                    description=f"sweep ({state.cached} cached, {state.failed} failed)",
                    total=state.total,
                    completed=state.done,
                )
            else:
                bar.update(task, description=message)

        try:
            report = run_pipeline(scenario_path, out, config, progress=step)
        except (ScenarioError, ValueError, RuntimeError) as exc:
            fail(str(exc))
            return
    summary = report.sweep.summary()
    console.print(
        f"sweep: {summary.get('variants', '?')} variants, {report.sweep.executed} runs "
        f"simulated, {report.sweep.cached} from cache, {len(report.sweep.screened_out)} "
        f"variant(s) screened out, {len(report.sweep.failed_variants)} failed "
        f"({report.sweep.elapsed_s:.0f} s)",
        highlight=False,
    )
    _print_plan(report.plan, f"{report.scenario.name}: chosen plan ({metric}, USD per day)")
    if report.verified is not None:
        _print_verification(report.verified)
    console.print(f"figures and tables in {out}/:")
    for path in report.files:
        if path.suffix in (".png", ".json") and path.parent == out:
            console.print(f"  {path.name}")
    if not report.plan.status.has_plan:
        raise typer.Exit(1)


@app.command()
def optimize(
    source: Annotated[
        Path,
        typer.Argument(
            metavar="RESULTS_OR_SCENARIO", help="sweep table (.parquet/.csv) or scenario YAML"
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
    out: Annotated[Path, typer.Option(help="output directory")] = Path("out/optimize"),
) -> None:
    """Choose the service level and resources per tier (PuLP MILP) from a sweep."""
    from tierwise.optimization.milp.solve import solve
    from tierwise.optimization.planning.curves import read_sweep_table
    from tierwise.optimization.planning.verify import verify_plan
    from tierwise.pipeline import PipelineConfig, planning_problem, run_pipeline, tier_responses

    floors = _parse_min_service(min_service)
    order = _parse_tier_order(tier_order)
    out.mkdir(parents=True, exist_ok=True)
    try:
        if source.suffix in (".yaml", ".yml"):
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
                    source,
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
            table = read_sweep_table(source)
            if scenario_path is None and verify:
                fail("--verify on a sweep table needs --scenario (the sweep's base scenario)")
            base = load_or_fail(scenario_path) if scenario_path is not None else None
            if base is not None:
                responses = tier_responses(base, table)
            else:
                from tierwise.optimization.planning.curves import build_curves

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
            else:
                result = solve(problem, solver=solver.value, time_limit_s=time_limit)
            (out / "plan.json").write_text(json.dumps(result.to_dict(), indent=2, default=str))
            result.to_frame().to_csv(out / "plan.csv", index=False)
    except (ScenarioError, ValueError, FileNotFoundError, RuntimeError) as exc:
        fail(str(exc))
        return
    _print_plan(result, f"plan ({metric}, USD per day)")
    if verified is not None:
        _print_verification(verified)
    console.print(f"plan written to {out}/plan.json and plan.csv")
    if not result.status.has_plan:
        raise typer.Exit(1)
