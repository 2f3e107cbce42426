"""``tierwise check``: validate a scenario and show its tiers and offered loads (no simulation)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.table import Table

from tierwise.cli.console import console, emit_results, fail, load_or_fail, warn
from tierwise.cli.options import Format, OutputFormat, Overrides
from tierwise.common.formatting import pct
from tierwise.simulation.theory.loads import (
    QueueLoad,
    UnstableScenarioError,
    load_warnings,
    offered_loads,
)

__all__ = ["check_command"]


def check_command(
    scenario_path: Annotated[
        Path, typer.Argument(metavar="SCENARIO", help="scenario YAML or a bundled name (default)")
    ],
    set_: Overrides = None,
    output_format: Format = OutputFormat.table,
) -> None:
    """Validate a scenario and show its tiers and offered loads (no simulation)."""
    scenario = load_or_fail(scenario_path, set_)
    loads = offered_loads(scenario)
    if output_format is not OutputFormat.table:
        frame = pd.DataFrame([_load_row(q) for q in loads])
        document = {
            "scenario": scenario.name,
            "scenario_hash": scenario.content_hash,
            "stable": all(q.stable for q in loads),
            "warnings": load_warnings(loads),
            "loads": frame.to_dict("records"),
        }
        emit_results(output_format, document, frame)
        if not document["stable"]:
            raise typer.Exit(code=2)
        return
    table = Table(title=f"{scenario.name} ({scenario.content_hash[:12]})")
    for col in ("tier", "customers", "orders/h (base)", "channels", "pool", "mode", "promise"):
        table.add_column(col)
    for name, tier in scenario.tiers.items():
        table.add_row(
            name,
            str(tier.customers),
            f"{tier.orders_per_hour:g}",
            ", ".join(f"{c} {pct(s, 0)}" for c, s in tier.channel_mix.items()),
            scenario.pool_of(name) if scenario.order_entry.enabled else "—",
            tier.shipping_mode or "—",
            f"{tier.promised_business_days} business day(s)"
            if tier.promised_business_days is not None
            else f"{tier.promise_h:g} h",
        )
    console.print(table)
    load_table = Table(title="offered load while staffed (Erlang; vehicles: needed per dispatch)")
    columns = ("resource", "offered", "peak hour", "servers", "utilisation", "peak util.")
    for col in (*columns, "abandon", "min stable"):
        load_table.add_column(col, justify="right")
    for q in loads:
        style = "" if q.stable else "bold red"
        if q.stable and q.peak_overloaded:
            style = "yellow"
        load_table.add_row(
            q.resource,
            f"{q.offered_load:.2f}",
            f"{q.peak_load:.2f}",
            str(q.servers),
            pct(q.utilisation, 0),
            pct(q.peak_utilisation, 0),
            pct(q.abandon_probability, 1) if q.abandonment else "—",
            str(q.min_stable_servers),
            style=style,
        )
    console.print(load_table)
    unstable = [q for q in loads if not q.stable]
    if unstable:
        fail(str(UnstableScenarioError(unstable)))
    warnings = load_warnings(loads)
    for warning in warnings:
        warn(warning)
    if warnings:
        console.print(
            f"[yellow]scenario is valid and every queue is stable "
            f"({len(warnings)} warning(s) above)[/]"
        )
    else:
        console.print("[green]scenario is valid and every queue is stable[/]")


def _load_row(q: QueueLoad) -> dict[str, object]:
    """One queue's offered load as a table row (units in the column names)."""
    return {
        "resource": q.resource,
        "offered_load_erlang": q.offered_load,
        "peak_hour_load_erlang": q.peak_load,
        "servers": q.servers,
        "utilisation": q.utilisation,
        "peak_utilisation": q.peak_utilisation,
        "abandon_probability": q.abandon_probability if q.abandonment else None,
        "min_stable_servers": q.min_stable_servers,
        "stable": q.stable,
    }
