"""``tierwise compare``: strategies against a baseline under common random numbers.

Registered in :mod:`tierwise.cli.app` as ``app.command("compare")(compare_command)``. Like the rest
of the CLI, this is the only place that prints; the work is
:func:`tierwise.simulation.experiments.compare.compare_strategies`, with each strategy's revenue
function (:func:`tierwise.optimization.economics.tiers.scenario_revenue`): profit, and the best
strategy, is revenue response − cost.
"""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from tierwise.artifacts import Kind
from tierwise.cli.console import (
    console,
    emit_results,
    err,
    fail,
    open_folder_or_fail,
    progress_bar,
    warn,
)
from tierwise.cli.options import (
    DEFAULT_WORKERS,
    ComparePrecision,
    Format,
    OutputFormat,
    Overwrite,
    PairedReplications,
    SeedOverride,
    Workers,
    bad_option,
    check_names,
    check_output_folder_option,
    metric_name,
)
from tierwise.common.formatting import decimals_for, level, number, p_value, signed
from tierwise.simulation.experiments.strategies import StrategySet, load_sources
from tierwise.simulation.metrics import METRIC_UNITS, PROFIT
from tierwise.simulation.scenario.errors import ScenarioError
from tierwise.simulation.theory.loads import (
    UnstableScenarioError,
    check_stability,
    load_warnings,
)

if TYPE_CHECKING:  # scipy and matplotlib load once the arguments are checked
    from tierwise.optimization.economics.tiers import ScenarioRevenue
    from tierwise.simulation.experiments.comparison import Comparison, DifferenceRow

__all__ = ["compare_command"]


def _difference(row: DifferenceRow) -> str:
    """``+1.2 ± 0.8 *`` (rates in percentage points), coloured when significant."""
    d = row.difference
    if not math.isfinite(d.mean):
        return "—"
    if d.mean == 0 and d.half_width == 0:
        return "0 (identical)  "
    scale = 100.0 if row.unit == "rate" else 1.0
    mean, hw = d.mean * scale, d.half_width * scale
    digits = decimals_for(hw if math.isfinite(hw) and hw > 0 else abs(mean))
    text = signed(mean, digits)
    if math.isfinite(hw):
        text += f" ± {number(hw, digits)}"
    if not d.significant:
        return f"{text}  "
    colour = {"better": "green", "worse": "red"}.get(row.verdict, "yellow")
    return f"[{colour}]{text} *[/]"


def _unit(metric: str) -> str:
    unit = METRIC_UNITS.get(metric, "")
    return "pp" if unit == "rate" else unit


def _differences_table(comparison: Comparison) -> Table:
    from tierwise.simulation.experiments.comparison import TOTAL

    others = [s for s in comparison.strategies if s != comparison.baseline]
    table = Table(
        title=f"difference to baseline '{comparison.baseline}' (strategy − baseline, mean ± "
        f"{comparison.confidence:.0%} CI half-width over {comparison.replications} paired "
        "replications; * = CI excludes 0, green better, red worse; rates in percentage points)"
    )
    table.add_column("tier", no_wrap=True)
    table.add_column("metric", no_wrap=True)
    table.add_column("unit", style="dim", no_wrap=True)
    table.add_column(f"{comparison.baseline} (baseline)", justify="right")
    for name in others:
        table.add_column(f"Δ {name}", justify="right")
    index = {(r.strategy, r.scope, r.metric): r for r in comparison.rows}
    for scope in (*comparison.tiers, TOTAL):
        shown = False
        for metric in comparison.metrics:
            if metric == PROFIT:
                continue
            rows = [index.get((s, scope, metric)) for s in others]
            present = [r for r in rows if r is not None]
            if not present:
                continue
            if not shown and scope != comparison.tiers[0]:
                table.add_section()
            shown = True
            table.add_row(
                scope,
                metric,
                _unit(metric),
                level(present[0].baseline_mean, present[0].unit),
                *("—" if r is None else _difference(r) for r in rows),
            )
    return table


def _profit_table(comparison: Comparison) -> Table:
    from tierwise.simulation.experiments.comparison import TOTAL

    best = {row.strategy: row for row in comparison.best.rows}
    conf = f"{comparison.confidence:.0%}"
    table = Table(
        title=f"profit per day (USD/day = revenue response at the simulated service − cost; "
        f"mean ± {conf} CI half-width) and "
        f"{conf} family-wise MCB interval for total profit − best of the others"
    )
    table.add_column("strategy", no_wrap=True)
    for tier in comparison.tiers:
        table.add_column(f"tier {tier}", justify="right")
    table.add_column("total", justify="right")
    table.add_column("Δ total vs baseline", justify="right")
    table.add_column("p", justify="right")
    table.add_column("vs best of others", justify="right")
    table.add_column("can be best", justify="center")
    for strategy in comparison.strategies:
        cells = []
        for scope in (*comparison.tiers, TOTAL):
            values = comparison.values(strategy, f"{scope}.{PROFIT}")
            finite = values[[math.isfinite(v) for v in values]]
            cells.append(level(float(finite.mean()), "USD/day") if finite.size else "—")
        if strategy == comparison.baseline:
            delta, p_text = "(baseline)", ""
        else:
            row = comparison.row(strategy, TOTAL, PROFIT)
            delta = _difference(row)
            p_text = (
                p_value(row.difference.p_value) if math.isfinite(row.difference.p_value) else ""
            )
        mcb = best[strategy]
        interval = f"[{signed(mcb.gap_low)}, {signed(mcb.gap_high)}]"
        verdict = "[green]yes[/]" if mcb.candidate else "[dim]no[/]"
        name = f"[bold]{strategy}[/]" if strategy == comparison.best.best else strategy
        table.add_row(name, *cells, delta, p_text, interval, verdict)
    return table


def _check_stable(strategies: StrategySet) -> list[str]:
    problems = []
    for name, scenario in strategies.scenarios.items():
        try:
            loads = check_stability(scenario)
        except UnstableScenarioError as exc:
            lines = str(exc).splitlines()[1:]
            problems.append(f"strategy '{name}' is unstable:\n" + "\n".join(lines))
            continue
        for warning in load_warnings(loads):
            warn(f"strategy '{name}': {warning}")
    return problems


def _revenues(strategies: StrategySet) -> dict[str, ScenarioRevenue]:
    """Each strategy's revenue function; stops with the problems when one has none."""
    from tierwise.optimization.economics.tiers import scenario_revenue

    revenues: dict[str, ScenarioRevenue] = {}
    problems: list[str] = []
    for name, scenario in strategies.scenarios.items():
        try:
            revenues[name] = scenario_revenue(scenario)
        except ScenarioError as exc:
            problems += [f"strategy '{name}': {p}" for p in exc.problems]
    if problems:
        fail(
            "profit needs a revenue response per tier:\n" + "\n".join(f"  - {p}" for p in problems)
        )
    return revenues


def compare_command(
    sources: Annotated[
        list[Path],
        typer.Argument(
            metavar="SOURCES",
            help="one strategy file, or two or more scenario files (each a strategy named by "
            "its file stem)",
        ),
    ],
    baseline: Annotated[
        str | None,
        typer.Option(help="strategy the others are compared with (default: the file's, or first)"),
    ] = None,
    replications: PairedReplications = None,
    precision: ComparePrecision = None,
    seed: SeedOverride = None,
    workers: Workers = DEFAULT_WORKERS,
    metric: Annotated[
        str, typer.Option(help="metric of the figure (also compared if not a default one)")
    ] = "perfect_order_rate",
    out: Annotated[
        Path,
        typer.Option(metavar="DIR", help="folder for comparison.csv/.json and the figures"),
    ] = Path("out/compare"),
    output_format: Format = OutputFormat.table,
    overwrite: Overwrite = False,
) -> None:
    """Compare strategies with a baseline: paired differences under common random numbers,
    and the best strategy by total profit at a family-wise confidence.

    Every argument is checked before anything is simulated."""

    if replications is not None and precision is not None:
        bad_option("--precision", "give --replications or --precision, not both")
    try:
        plotted = metric_name(metric)
    except ValueError as exc:
        bad_option("--metric", str(exc))
    check_output_folder_option(out, overwrite)
    try:
        strategies = load_sources(sources)
    except ScenarioError as exc:
        fail(str(exc))
        return
    if seed is not None:
        strategies = _reseeded(strategies, seed)
    names = list(strategies.scenarios)
    chosen = baseline if baseline is not None else strategies.baseline
    if baseline is not None:
        check_names("--baseline", [baseline], names, "strategy")
    from tierwise.figures.comparison import plot_comparison
    from tierwise.simulation.experiments.compare import StrategyRunError, compare_strategies
    from tierwise.simulation.experiments.comparison import DEFAULT_METRICS

    metrics = list(DEFAULT_METRICS)
    if plotted not in metrics and plotted != PROFIT:
        metrics.append(plotted)
    unstable = _check_stable(strategies)
    if unstable:
        fail("\n".join(unstable))
    revenues = _revenues(strategies)
    if strategies.reseeded:
        err.print(
            f"note: {', '.join(strategies.reseeded)} re-seeded with seed {strategies.seed} "
            "(the first file's) so that all strategies share common random numbers",
            highlight=False,
        )
    base = strategies.scenarios[chosen]
    folder = open_folder_or_fail(  # absolute paths: `tierwise report` finds them from anywhere
        out,
        base,
        _absolute(sources[names.index(chosen)] if len(sources) > 1 else sources[0]),
        inputs={**_inputs(sources, names), **({"seed": str(seed)} if seed is not None else {})},
        overwrite=overwrite,
    )
    per_strategy = replications or max(2, base.replications)
    try:
        with progress_bar() as bar:
            task = bar.add_task(
                f"{len(names)} strategies",
                total=None if precision else per_strategy * len(names),
            )
            comparison = compare_strategies(
                strategies.scenarios,
                chosen,
                replications=replications,
                precision=precision,
                metrics=metrics,
                workers=workers,
                descriptions=strategies.descriptions,
                progress=lambda k: bar.advance(task, k),
                revenue=revenues,
            )
    except StrategyRunError as exc:
        fail(str(exc), code=1)
        return
    except ValueError as exc:
        fail(str(exc))
        return

    with folder:  # the manifest is written on the way out
        written = [
            folder.write_frame("comparison.csv", comparison.to_frame(), Kind.COMPARISON_TABLE),
            folder.write_json("comparison.json", comparison.to_dict(), Kind.COMPARISON),
        ]
        for figure_metric in dict.fromkeys([plotted, PROFIT]):
            fig = plot_comparison(comparison, figure_metric)
            written += folder.write_figure(f"compare_{figure_metric}", fig, tight=False)
    if emit_results(output_format, comparison.to_dict(), comparison.to_frame()):
        err.print(f"wrote {len(written)} files in {out}/ (manifest.json)", highlight=False)
        return
    console.print(
        f"[bold]{strategies.name}[/]: {len(names)} strategies, baseline [bold]{chosen}[/], "
        f"seed {comparison.seed}, {comparison.replications} paired replications each "
        "(common random numbers)",
        highlight=False,
    )
    for name in names:
        text = comparison.descriptions.get(name, "")
        console.print(f"  {name}: {text}" if text else f"  {name}", highlight=False)
    if comparison.precision is not None and not comparison.precision_reached:
        console.print(
            f"[yellow]warning:[/] precision {comparison.precision:g} not reached after "
            f"{comparison.replications} replications",
            highlight=False,
        )
    console.print(_differences_table(comparison))
    console.print(_profit_table(comparison))
    best = comparison.best
    colour = "green" if best.decisive else "yellow"
    console.print(f"[bold {colour}]best strategy:[/] {best.verdict()}", highlight=False)
    console.print(f"[dim]method: {best.method}[/]", highlight=False)
    console.print(f"[dim]differences: {comparison.method}[/]", highlight=False)

    for path in written:
        console.print(f"wrote {path}", highlight=False)


def _reseeded(strategies: StrategySet, seed: int) -> StrategySet:
    """``--seed``: every strategy on the new seed (still one seed: common random numbers)."""
    return replace(
        strategies,
        scenarios={n: s.model_copy(update={"seed": seed}) for n, s in strategies.scenarios.items()},
        seed=seed,
        reseeded=(),
    )


def _inputs(sources: list[Path], names: list[str]) -> dict[str, str | Path]:
    """Inputs for the manifest (absolute paths): the strategy file, or each strategy's
    scenario file."""
    if len(sources) == 1:
        return {"strategies": _absolute(sources[0])}
    return {f"strategy:{name}": _absolute(p) for name, p in zip(names, sources, strict=True)}


def _absolute(path: Path) -> Path:
    """The file a source names (a bundled name resolved), as an absolute path."""
    from tierwise.simulation.scenario.library import resolve_scenario_path

    return (resolve_scenario_path(path) or path).resolve()
