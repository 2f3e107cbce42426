"""``tierwise simulate``: per-tier service and cost of one scenario, with confidence intervals.

Revenue and profit are the tier's revenue response at the simulated service of each
replication (:func:`tierwise.optimization.economics.tiers.scenario_revenue`), profit =
revenue − cost; booked revenue (revenue per order × completed orders) is shown as such.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NamedTuple

import typer
from rich.table import Table

from tierwise.artifacts import Kind, OutputFolder, write_table
from tierwise.cli.console import (
    console,
    emit_results,
    err,
    load_or_fail,
    open_folder_or_fail,
    progress_bar,
    stable_or_fail,
    warn,
)
from tierwise.cli.options import (
    DEFAULT_WORKERS,
    Format,
    OutputFormat,
    Overrides,
    Overwrite,
    Precision,
    PrecisionMetrics,
    Replications,
    SeedOverride,
    Workers,
    bad_option,
    check_output_file,
    check_output_folder_option,
    precision_metric_keys,
)
from tierwise.cli.tables import HEADLINE_METRICS, print_tier_costs
from tierwise.common.formatting import MISSING, estimate
from tierwise.simulation.engine.order import OrderRecord
from tierwise.simulation.scenario.schema import Scenario

if TYPE_CHECKING:
    import pandas as pd

    from tierwise.optimization.economics.tiers import ScenarioRevenue

__all__ = ["ORDER_COLUMNS", "QUALITY_FLAGS", "orders_frame", "simulate_command"]

#: Quality flags of an order: empty (unknown) for a lost order, which was never delivered.
QUALITY_FLAGS = (
    "on_time",
    "complete",
    "damage_free",
    "accurate",
    "billed_right",
    "perfect",
)

#: Columns of ``--orders-out``: one row per measured order of replication 0, in creation order
#: per tier: ``order_id`` (``<tier>-<creation index>``, the same order in every run on the
#: seed), tier, channel, times, quality flags and the hours spent in each stage
#: (:class:`~tierwise.simulation.engine.order.OrderRecord`).
ORDER_COLUMNS: tuple[str, ...] = OrderRecord._fields


def simulate_command(
    scenario_path: Annotated[
        Path, typer.Argument(metavar="SCENARIO", help="scenario YAML or a bundled name (default)")
    ],
    replications: Replications = None,
    precision: Precision = None,
    precision_metric: PrecisionMetrics = None,
    seed: SeedOverride = None,
    set_: Overrides = None,
    workers: Workers = DEFAULT_WORKERS,
    output_format: Format = OutputFormat.table,
    out: Annotated[
        Path | None, typer.Option(help="folder for result.json / result.csv and manifest.json")
    ] = None,
    orders_out: Annotated[
        Path | None,
        typer.Option(help="CSV file: one row per measured order of replication 0"),
    ] = None,
    overwrite: Overwrite = False,
) -> None:
    """Simulate a scenario: per-tier service and cost with confidence intervals.

    Every argument is checked before anything is simulated.
    """
    if replications is not None and precision is not None:
        bad_option("--precision", "give --replications or --precision, not both")
    if precision_metric and precision is None:
        bad_option("--precision-metric", "needs --precision (the target it watches)")
    overrides = list(set_ or [])
    if seed is not None:
        overrides.append(f"seed={seed}")
    scenario = load_or_fail(scenario_path, overrides)
    watched = precision_metric_keys(precision_metric or [], list(scenario.tiers))
    stable_or_fail(scenario)
    if orders_out is not None:
        check_output_file(orders_out, "--orders-out", (".csv",))
    if out is not None:
        check_output_folder_option(out, overwrite)
    from tierwise.pipeline import horizon_warnings
    from tierwise.simulation.experiments.replicate import replicate

    measured = scenario.horizon_days - scenario.warmup_days
    for warning in horizon_warnings(scenario, measured, "each run", "--set horizon_days=…"):
        warn(warning)
    revenue = _revenue_or_none(scenario)
    folder = (
        None
        if out is None
        else open_folder_or_fail(out, scenario, scenario_path, overwrite=overwrite)
    )
    total = replications or scenario.replications
    with progress_bar() as bar:
        task = bar.add_task("replications", total=None if precision else total)
        summary = replicate(
            scenario,
            replications=replications,
            precision=precision,
            metrics=watched,
            workers=workers,
            progress=lambda k: bar.advance(task, k),
            revenue=revenue,
        )
    document = summary.to_dict()
    frame = summary.to_frame()
    if folder is not None:
        with folder:  # the manifest is written on the way out
            folder.write_json("result.json", document, Kind.RESULT, "estimates per tier and system")
            folder.write_frame("result.csv", frame, Kind.RESULT_TABLE, "one row per scope × metric")
            if orders_out is not None:
                _write_orders(scenario, orders_out, folder)
    elif orders_out is not None:
        _write_orders(scenario, orders_out, None)
    if not emit_results(output_format, document, frame):
        _print_summary(scenario, frame, len(summary.runs))
        if out is not None:
            console.print(f"results written to {out}/result.json and result.csv (manifest.json)")


def _revenue_or_none(scenario: Scenario) -> ScenarioRevenue | None:
    """The scenario's revenue function; ``None`` (with a note on stderr) when its revenue
    settings do not define one: then only booked revenue is reported."""
    from tierwise.optimization.economics.tiers import scenario_revenue
    from tierwise.simulation.scenario.errors import ScenarioError

    try:
        return scenario_revenue(scenario)
    except ScenarioError as exc:
        lines = "\n".join(f"  - {p}" for p in exc.problems)
        err.print(
            f"note: no revenue or profit (only booked revenue): no revenue response:\n{lines}",
            highlight=False,
        )
        return None


def _write_orders(scenario: Scenario, path: Path, folder: OutputFolder | None) -> None:
    """One row per measured order of replication 0; recorded in ``folder`` if inside it."""

    from tierwise.simulation.engine import run_with_orders

    _, records = run_with_orders(scenario, 0)
    orders = orders_frame(records)
    if folder is not None and path.resolve().is_relative_to(folder.path.resolve()):
        name = path.resolve().relative_to(folder.path.resolve()).as_posix()
        folder.write_frame(name, orders, Kind.ORDERS, "one row per order of replication 0")
        return
    write_table(path, orders)


def orders_frame(records: Sequence[NamedTuple]) -> pd.DataFrame:
    """The ``--orders-out`` table of the engine's order records.

    Every field of the records is kept (so fields the engine adds, such as a channel or the
    per-stage times, appear as they come); an ``order_id`` is added when the records have
    none; a lost order's quality flags are empty (a nullable boolean), not False: it was never
    delivered, so it was neither on time nor late.
    """
    import pandas as pd

    fields = list(records[0]._fields) if records else [c for c in ORDER_COLUMNS if c != "order_id"]
    orders = pd.DataFrame.from_records([tuple(r) for r in records], columns=fields)
    orders = orders.sort_values(["tier", "created_h"], kind="stable").reset_index(drop=True)
    if "order_id" not in orders.columns:
        number = orders.groupby("tier", sort=False).cumcount() + 1
        orders.insert(0, "order_id", orders["tier"].astype(str) + "-" + number.astype(str))
    lost = orders["lost"].astype(bool)
    for flag in QUALITY_FLAGS:
        if flag in orders.columns:
            orders[flag] = orders[flag].astype("boolean").mask(lost)
    return orders


def _print_summary(scenario: Scenario, frame: pd.DataFrame, n: int) -> None:
    tiers = list(scenario.tiers)
    table = Table(
        title=f"{scenario.name}: per-tier service and cost "
        f"(mean ± 95% CI half-width, {n} replications)"
    )
    table.add_column("metric", no_wrap=True)
    table.add_column("unit", style="dim", no_wrap=True)
    for tier in tiers:
        table.add_column(f"tier {tier}", justify="right")
    rows: dict[tuple[str, str], dict[Any, Any]] = {
        (str(r["scope"]), str(r["metric"])): r for r in frame.to_dict("records")
    }
    for metric in HEADLINE_METRICS:
        cells = []
        unit = ""
        for tier in tiers:
            row = rows.get((tier, metric))
            if row is None:
                cells.append(MISSING)
                continue
            unit = str(row["unit"])
            cells.append(estimate(row["mean"], row["half_width"], unit))
        table.add_row(metric, "%" if unit == "rate" else unit, *cells)
    console.print(table)
    print_tier_costs(tiers, rows)
    system = Table(title="resources and cost by line item")
    system.add_column("item")
    system.add_column("value", justify="right")
    for (scope, metric), row in rows.items():
        if scope in ("utilisation", "cost", "total"):
            system.add_row(
                f"{scope}.{metric}", estimate(row["mean"], row["half_width"], str(row["unit"]))
            )
    console.print(system)
