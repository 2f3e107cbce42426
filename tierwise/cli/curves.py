"""``tierwise curves``: frontier, revenue and profit curves per tier from a sweep table."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from tierwise.cli.console import console, fail, open_folder_or_fail
from tierwise.common.formatting import pct, usd

__all__ = ["curves_command"]


def curves_command(
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
    out: Annotated[Path, typer.Option(help="output folder")] = Path("out/curves"),
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
    folder = open_folder_or_fail(out, inputs={"results": results})
    paths = write_curves(report, folder, title or results.stem)
    folder.finish()
    view = Table(title=f"profit-maximising {metric} per tier (USD per day, 95% CI)")
    for col in ("tier", "variant", "service", "revenue", "cost", "profit", "MR = MC at"):
        view.add_column(col, justify="right")
    for _, row in report.optimum_table().iterrows():
        smooth = row["smooth_service_level"]
        view.add_row(
            row["tier"],
            row["variant_id"],
            pct(row["service_level"]),
            usd(row["revenue_per_day_usd"]),
            usd(row["cost_per_day_usd"]),
            f"{usd(row['profit_per_day_usd'])} [{usd(row['profit_per_day_usd_low'])}, "
            f"{usd(row['profit_per_day_usd_high'])}]",
            "—"
            if not math.isfinite(smooth)
            else pct(smooth) + (f" (edge: {row['at_boundary']})" if row["at_boundary"] else ""),
        )
    console.print(view)
    for path in paths:
        console.print(f"wrote {path}")
