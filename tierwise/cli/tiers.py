"""``tierwise tiers``: customer tiers and a calibrated scenario from an order history.

Registered in :mod:`tierwise.cli.app` as ``app.command("tiers")(tiers_command)``; the work is
:func:`tierwise.history.analysis.analyse_history` (reading, RFM and profit scores, Pareto or
RFM tiers, demand calibration, retention) and :func:`tierwise.history.writer.build_scenario`.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from tierwise.cli.console import console, emit_results, fail, warn
from tierwise.cli.options import (
    Format,
    OutputFormat,
    bad_option,
    check_output_file,
    comma_pairs,
    split_list,
)
from tierwise.common.formatting import number, pct, usd

if TYPE_CHECKING:
    from tierwise.history.analysis import HistoryAnalysis

__all__ = ["tiers_command"]

#: The argument naming the bundled sample history instead of a file.
SAMPLE_NAME = "sample"


class TierMethod(StrEnum):
    """How customers are put into tiers."""

    pareto = "pareto"
    rfm = "rfm"


def _cuts(text: str | None) -> list[float] | None:
    if text is None:
        return None
    try:
        return [float(part) for part in split_list(text)]
    except ValueError:
        bad_option("--cuts", f"{text!r}: write fractions separated by commas, e.g. 0.8,0.95")


def _print_table(analysis: HistoryAnalysis) -> None:
    history = analysis.history
    cuts = ", ".join(pct(c, 0) for c in analysis.cuts)
    rule = (
        f"Pareto rule on cumulative profit ({cuts})"
        if analysis.method == "pareto"
        else f"RFM quantiles (top {cuts} of customers)"
    )
    title = (
        f"{history.source}: {len(history.orders):,} orders of {len(analysis.scores):,} "
        f"customers in {history.span_days:g} days; tiers by {rule}; profit = "
        f"{history.profit_source}"
    )
    table = Table(title=title)
    for col in (
        "tier",
        "customers",
        "share of customers",
        "share of profit",
        "profit USD",
        "orders/day",
        "lines/order",
        "units/line",
        "profit/order",
    ):
        table.add_column(col, justify="right")
    has_retention = "retention" in analysis.table
    if has_retention:
        table.add_column("retention / period (95 % CI)", justify="right")
        table.add_column("CLV", justify="right")
    for name, row in analysis.table.iterrows():
        cells = [
            str(name),
            f"{int(row['customers']):,}",
            pct(row["customer_share"], 1),
            pct(row["profit_share"], 1),
            usd(row["profit_usd"]),
            number(row["orders_per_day"], 1),
            number(row["mean_lines_per_order"], 2),
            number(row["mean_units_per_line"], 2),
            usd(row["mean_profit_per_order_usd"], 2),
        ]
        if has_retention:
            cells += [
                f"{pct(row['retention'], 1)} ± {100 * row['retention_half_width']:.1f} pp",
                usd(row["lifetime_value_usd"]),
            ]
        table.add_row(*cells)
    console.print(table)


def tiers_command(
    orders: Annotated[
        Path,
        typer.Argument(
            metavar="ORDERS",
            help="order history CSV (.csv.gz too), one row per order line or per order; "
            f"'{SAMPLE_NAME}' for the bundled sample",
        ),
    ],
    column: Annotated[
        list[str] | None,
        typer.Option(
            "--column",
            "-c",
            metavar="FIELD=COLUMN,…",
            callback=comma_pairs,
            help="field=column of the file, e.g. customer=cust_id,value=net_usd; fields: "
            "customer, timestamp, order_id, lines, units, value, margin, channel, family",
        ),
    ] = None,
    columns: Annotated[
        Path | None,
        typer.Option(help="YAML mapping file of 'field: column' lines (and date_format)"),
    ] = None,
    date_format: Annotated[
        str | None, typer.Option(help="strftime format of the timestamps (default: inferred)")
    ] = None,
    encoding: Annotated[str, typer.Option(help="text encoding of the file")] = "utf-8",
    method: Annotated[TierMethod, typer.Option(help="Pareto rule or RFM quantiles")] = (
        TierMethod.pareto
    ),
    cuts: Annotated[
        str | None,
        typer.Option(
            help="Pareto: cumulative profit shares (default 0.8,0.95); rfm: cumulative "
            "customer shares (default 0.05,0.2)"
        ),
    ] = None,
    period_days: Annotated[
        float, typer.Option(min=1.0, help="retention period, days (retention needs two)")
    ] = 28.0,
    output_format: Format = OutputFormat.table,
    out: Annotated[
        Path | None, typer.Option(help="write the calibrated scenario YAML here")
    ] = None,
    template: Annotated[
        str, typer.Option(help="scenario (file or bundled name) giving the non-demand sections")
    ] = "default",
    figures: Annotated[
        Path, typer.Option(help="folder of the Pareto figure (pareto.png, pareto.svg)")
    ] = Path("out/tiers"),
    figure: Annotated[bool, typer.Option(help="write the Pareto figure")] = True,
    customers: Annotated[
        Path | None, typer.Option(help="CSV file: every customer's scores and tier")
    ] = None,
) -> None:
    """Customer tiers (Pareto or RFM) and their demand from an order history; --out writes
    a calibrated scenario for tierwise check and tierwise run."""
    from tierwise.history.reading import ColumnMap, HistoryError, read_column_map
    from tierwise.history.sample import sample_path

    if out is not None:
        check_output_file(out, "--out", (".yaml", ".yml"))
    if customers is not None:
        check_output_file(customers, "--customers", (".csv",))
    if figure and figures.exists() and not figures.is_dir():
        bad_option("--figures", f"{figures} exists and is not a folder")
    path = sample_path() if str(orders) == SAMPLE_NAME and not orders.exists() else orders
    from tierwise.history.analysis import analyse_history
    from tierwise.simulation.scenario.errors import ScenarioError

    try:
        mapping = read_column_map(columns) if columns is not None else ColumnMap()
        mapping = mapping.merged(ColumnMap.parse(column, date_format))
        analysis = analyse_history(
            path,
            method=method.value,  # type: ignore[arg-type]
            cuts=_cuts(cuts),
            columns=mapping,
            encoding=encoding,
            period_days=period_days,
        )
        scenario_text = None if out is None else analysis.scenario(template)[0]
    except (HistoryError, ScenarioError) as exc:
        fail(str(exc))
    except ValueError as exc:
        fail(f"{path.name}: {exc}")
    for message in analysis.warnings:
        warn(message)
    written: list[str] = []
    if out is not None and scenario_text is not None:
        from tierwise.history.writer import write_scenario

        try:
            write_scenario(out, scenario_text)
        except ScenarioError as exc:
            fail(str(exc))
        written.append(f"scenario {out} (next: tierwise check {out}; tierwise run {out})")
    if customers is not None:
        from tierwise.artifacts import write_table

        write_table(customers, analysis.scores.reset_index())
        written.append(f"customers {customers}")
    if figure:
        from tierwise.figures.files import save_figure
        from tierwise.history.figure import plot_pareto

        fig = plot_pareto(
            analysis.curve,
            analysis.scores["tier"],
            analysis.table,
            analysis.cuts if analysis.method == "pareto" else (),
            title=f"{analysis.history.source}: customers ranked by profit",
        )
        png, _svg = save_figure(fig, figures, "pareto")
        written.append(f"figure {png} (and .svg)")
    if not emit_results(output_format, analysis.to_dict(), analysis.table.reset_index()):
        _print_table(analysis)
        for line in written:
            console.print(f"wrote {line}", highlight=False)
