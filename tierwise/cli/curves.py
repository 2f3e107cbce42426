"""``tierwise curves``: frontier, revenue and profit curves per tier from a sweep table."""

from __future__ import annotations

import math
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from tierwise.cli.console import (
    console,
    emit_results,
    err,
    fail,
    load_or_fail,
    open_folder_or_fail,
    read_sweep_or_fail,
)
from tierwise.cli.options import (
    Format,
    OutputFormat,
    Overwrite,
    ServiceMetric,
    bad_option,
    check_names,
    check_output_folder_option,
    check_table_metric,
    comma_list,
    comma_pairs,
)
from tierwise.common.formatting import pct, usd

if TYPE_CHECKING:
    from tierwise.optimization.planning.curves import CurvesReport

__all__ = ["ResponseChoice", "curves_command", "curves_document"]


class ResponseChoice(StrEnum):
    """Model of a tier's default revenue response."""

    logistic = "logistic"
    adbudg = "adbudg"
    retention = "retention"
    loyalty = "loyalty"


def curves_command(
    results: Annotated[Path, typer.Argument(metavar="RESULTS", help="sweep table (.parquet/.csv)")],
    tier: Annotated[
        list[str] | None,
        typer.Option(metavar="TIER,…", callback=comma_list, help="tiers to include, e.g. A,B"),
    ] = None,
    metric: ServiceMetric = "perfect_order_rate",
    response: Annotated[
        ResponseChoice, typer.Option(help="default revenue model")
    ] = ResponseChoice.logistic,
    profile: Annotated[
        list[str] | None,
        typer.Option(
            metavar="TIER=A|B|C,…",
            callback=comma_pairs,
            help="default revenue profile of tiers not named A/B/C, e.g. key=A,retail=C",
        ),
    ] = None,
    scenario_path: Annotated[
        Path | None,
        typer.Option(
            "--scenario",
            help="the sweep's base scenario: a tier's curve then draws only the variants that "
            "leave every other tier's own levers as the scenario has them (as tierwise run)",
        ),
    ] = None,
    title: Annotated[str | None, typer.Option(help="figure title (default: file name)")] = None,
    out: Annotated[Path, typer.Option(help="output folder")] = Path("out/curves"),
    output_format: Format = OutputFormat.table,
    overwrite: Overwrite = False,
) -> None:
    """Cost-vs-service frontier, revenue and profit curves per tier, with the optimum marked.

    On a ``tierwise run`` folder's ``sweep.parquet`` give ``--scenario`` (the run's scenario) to
    draw the run's own curves: a variant that changes one tier's own lever is then a point of
    that tier only.

    ``--format json`` writes the optimum per tier, the frontiers and the profit curves;
    ``--format csv`` the optimum per tier (``optimum.csv``)."""
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
    base_values = None
    if scenario_path is not None:
        from tierwise.optimization.planning.search import lever_base_values

        base = load_or_fail(scenario_path)
        # a setting every row holds (a --set value of the run) says nothing about who gets what
        params = [
            str(c).removeprefix("param.")
            for c in table
            if str(c).startswith("param.") and table[c].astype(str).nunique() > 1
        ]
        base_values = lever_base_values(base, params)
    try:
        report = build_curves(
            table,
            metric=metric,
            tiers=tier,
            response_model=response.value,
            profiles=profiles,
            base_params=base_values,
        )
    except (ValueError, KeyError) as exc:
        fail(str(exc))
    folder = open_folder_or_fail(out, inputs={"results": results}, overwrite=overwrite)
    with folder:  # the manifest is written on the way out
        paths = write_curves(report, folder, title or results.stem)
    if emit_results(output_format, curves_document(report), report.optimum_table()):
        for path in paths:
            err.print(f"wrote {path}", highlight=False)
        return
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


def curves_document(report: CurvesReport) -> dict[str, Any]:
    """``curves --format json``: the service metric, the optimum per tier (the rows of
    ``optimum.csv``), and per tier its frontier and profit curve (``frontier.csv``,
    ``profit_curves.csv``), USD per day."""
    return {
        "metric": report.metric,
        "optimum": report.optimum_table().to_dict("records"),
        "frontiers": {t: f.to_dict("records") for t, f in report.frontiers.items()},
        "profit_curves": {t: c.to_dict("records") for t, c in report.curves.items()},
    }
