"""``tierwise curves``: frontier, revenue and profit curves per tier from a sweep table."""

from __future__ import annotations

import math
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from tierwise.cli.console import console, fail, open_folder_or_fail, read_sweep_or_fail
from tierwise.cli.options import (
    Overwrite,
    ServiceMetric,
    bad_option,
    check_names,
    check_output_folder_option,
    check_table_metric,
)
from tierwise.common.formatting import pct, usd

__all__ = ["ResponseChoice", "curves_command"]


class ResponseChoice(StrEnum):
    """Model of a tier's default revenue response."""

    logistic = "logistic"
    adbudg = "adbudg"
    retention = "retention"
    loyalty = "loyalty"


def curves_command(
    results: Annotated[Path, typer.Argument(metavar="RESULTS", help="sweep table (.parquet/.csv)")],
    tier: Annotated[list[str] | None, typer.Option(help="tier(s) to include (repeatable)")] = None,
    metric: ServiceMetric = "perfect_order_rate",
    response: Annotated[
        ResponseChoice, typer.Option(help="default revenue model")
    ] = ResponseChoice.logistic,
    profile: Annotated[
        list[str] | None,
        typer.Option(help="default revenue profile of a tier not named A/B/C: TIER=A|B|C"),
    ] = None,
    title: Annotated[str | None, typer.Option(help="figure title (default: file name)")] = None,
    out: Annotated[Path, typer.Option(help="output folder")] = Path("out/curves"),
    overwrite: Overwrite = False,
) -> None:
    """Cost-vs-service frontier, revenue and profit curves per tier, with the optimum marked."""
    from tierwise.figures.curves import write_curves
    from tierwise.optimization.planning.curves import build_curves, sweep_tiers

    table = read_sweep_or_fail(results)
    tiers = sweep_tiers(table)
    check_names("--tier", list(tier or []), tiers, "tier")
    check_table_metric(table, tiers, metric, results)
    profiles: dict[str, str] = {}
    for text in profile or []:
        name, sep, value = text.partition("=")
        if not sep or value.strip().upper() not in ("A", "B", "C"):
            bad_option("--profile", f"{text!r}: expected TIER=A, TIER=B or TIER=C, e.g. key=A")
        profiles[name.strip()] = value.strip().upper()
    check_names("--profile", [p.partition("=")[0].strip() for p in profile or []], tiers, "tier")
    check_output_folder_option(out, overwrite)
    try:
        report = build_curves(
            table, metric=metric, tiers=tier, response_model=response.value, profiles=profiles
        )
    except (ValueError, KeyError) as exc:
        fail(str(exc))
    folder = open_folder_or_fail(out, inputs={"results": results}, overwrite=overwrite)
    with folder:  # the manifest is written on the way out
        paths = write_curves(report, folder, title or results.stem)
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
