"""Tables shared by the CLI commands: estimates per scope × metric, the plan, its verification."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from rich.table import Table

from tierwise.cli.console import console
from tierwise.common.formatting import (
    MISSING,
    estimate,
    level,
    p_value,
    pct,
    pct_estimate,
    signed,
    usd,
)
from tierwise.simulation.engine.costing import COST_LINE_ITEMS
from tierwise.simulation.metrics import BOOKED_REVENUE, METRICS, PROFIT, REVENUE

if TYPE_CHECKING:  # loaded by the commands once their arguments are checked
    import pandas as pd

    from tierwise.optimization.milp.result import PlanResult
    from tierwise.optimization.planning.targets import TargetsAnswer
    from tierwise.optimization.planning.verify import VerifiedPlan
    from tierwise.optimization.planning.words import PlanInWords

__all__ = [
    "HEADLINE_METRICS",
    "print_plan",
    "print_targets",
    "print_tier_costs",
    "print_today_versus_plan",
    "print_verification",
]

#: Metrics shown in the terminal table (JSON/CSV carry all of them); revenue and profit are the
#: revenue response's, booked revenue the engine's count.
HEADLINE_METRICS = (
    "orders_per_day",
    "mean_cycle_time_h",
    "p95_cycle_time_h",
    "on_time_rate",
    "line_fill_rate",
    "order_completeness_rate",
    "damage_free_rate",
    "order_accuracy_rate",
    "billing_accuracy_rate",
    "perfect_order_rate",
    "answered_within_target_rate",
    "mean_speed_of_answer_s",
    "abandonment_rate",
    "complaints_raised",
    "recovery_rate",
    "cost_per_day_usd",
    "cost_per_order_usd",
    BOOKED_REVENUE,
    REVENUE,
    PROFIT,
)


def print_plan(result: PlanResult, title: str, words: PlanInWords | None = None) -> None:
    """Status line, then one row per tier (its own decisions in words, service ± CI, cost,
    revenue, profit), the total, the shared decisions in words and the binding constraints;
    the explanation if no plan. ``words``: the plan in words with the changes against the
    scenario flagged (default: said from the chosen options, no changes flagged)."""
    from tierwise.optimization.milp.result import PlanStatus
    from tierwise.optimization.planning.words import plan_in_words

    style = "green" if result.status == PlanStatus.OPTIMAL else "yellow"
    console.print(
        f"[{style}]status: {result.status.value}[/] {result.message or ''}", highlight=False
    )
    if not result.status.has_plan:
        if result.explanation is not None:
            console.print(str(result.explanation), highlight=False)
        return
    frame = result.to_frame()
    if words is None:
        words = plan_in_words({t: o.params for t, o in result.chosen.items()})
    table = Table(title=title)
    table.add_column("tier")
    table.add_column("its own decisions")
    table.add_column("service (± 95% CI)", justify="right")
    # pooled resources are the plan's, not the option's: printed once below the table
    for col in ("cost USD/day", "revenue USD/day", "profit USD/day"):
        table.add_column(col, justify="right")
    for _, row in frame.iterrows():
        table.add_row(
            str(row["tier"]),
            words.tiers.get(str(row["tier"])) or "as the scenario gives it",
            pct_estimate(row["service_level"], row["service_half_width"]),
            usd(row["cost_per_day_usd"]),
            usd(row["revenue_per_day_usd"]),
            usd(row["profit_per_day_usd"]),
        )
    table.add_row(
        "total",
        "",
        "",
        usd(result.total_cost_per_day_usd),
        usd(result.total_revenue_per_day_usd),
        usd(result.total_profit_per_day_usd),
        style="bold",
    )
    console.print(table)
    if words.shared:
        console.print(f"every tier: {words.shared}", highlight=False)
    if result.binding_constraints:
        console.print("binding constraints: " + ", ".join(result.binding_constraints))


def _yes(flag: Any) -> str:
    return "yes" if flag else "[red]no[/]"


def print_verification(verified: VerifiedPlan) -> None:
    """Predicted against re-simulated service and cost, per round and tier."""
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
            pct_estimate(r["predicted_service"], r["predicted_half_width"]),
            pct_estimate(r["simulated_service"], r["simulated_half_width"]),
            signed(r["difference"] * 100, 1) + " pp",
            _yes(r["service_agrees"]),
            usd(r["predicted_cost_per_day_usd"]),
            estimate(r["simulated_cost_per_day_usd"], r["simulated_cost_half_width_usd"], "USD"),
            _yes(r["cost_agrees"]),
        )
    console.print(table)


def print_tier_costs(
    tiers: Sequence[str], rows: Mapping[tuple[str, str], Mapping[str, Any]]
) -> None:
    """Each tier's allocated cost by line item (USD/day, mean ± 95 % CI): what the tier's
    pickups, tours, overtime or desk cost it. ``rows`` maps ``(tier, metric)`` to a row of a
    replication summary frame (``mean``, ``half_width``); items no tier pays are left out."""
    items = [item for item in COST_LINE_ITEMS if any(
        (rows.get((t, f"cost.{item}_usd_per_day")) or {}).get("mean", 0.0) for t in tiers
    )]  # fmt: skip
    if not items:
        return
    table = Table(title="cost by tier and line item (USD/day, mean ± 95% CI)")
    table.add_column("line item", no_wrap=True)
    for tier in tiers:
        table.add_column(f"tier {tier}", justify="right")
    for item in items:
        cells = []
        for tier in tiers:
            row = rows.get((tier, f"cost.{item}_usd_per_day"))
            cells.append(
                MISSING if row is None else estimate(row["mean"], row["half_width"], "USD/day")
            )
        table.add_row(item.replace("_", " "), *cells)
    console.print(table)


def _metric_label(metric: str) -> str:
    found = METRICS.get(metric)
    return found.label if found is not None else metric.replace("_", " ")


def print_targets(answer: TargetsAnswer) -> None:
    """Every target against the plan (met / missed / within noise), the price of the targets
    and what limits a target no plan reaches."""
    if not answer.checks:
        console.print("the scenario sets no service targets", highlight=False)
        return
    styles = {"met": "green", "missed": "red", "within noise": "yellow", "not simulated": "dim"}
    table = Table(title="targets: the plan against the scenario's targets")
    for col, right in (("tier", False), ("target", False), ("level", True)):
        table.add_column(col, justify="right" if right else "left")
    table.add_column("plan (± 95% CI)", justify="right")
    table.add_column("verdict")
    for check in answer.checks:
        table.add_row(
            check.tier,
            _metric_label(check.metric),
            pct(check.target),
            pct_estimate(check.value, check.half_width),
            f"[{styles[check.verdict]}]{check.verdict}[/]",
        )
    console.print(table)
    for message in answer.messages()[1:]:
        console.print(message, highlight=False)


def _change(difference: float, half_width: float, rate: bool) -> str:
    """``+1.2 pp ± 0.4`` for a rate, ``+$1,234 ± $210`` for money (no ``±`` when unknown)."""
    if rate:
        text = signed(100 * difference, 1) + " pp"
        return text + (f" ± {100 * half_width:.1f}" if math.isfinite(half_width) else "")
    text = ("+" if difference > 0.5 else "") + usd(difference)
    return text + (f" ± {usd(half_width)}" if math.isfinite(half_width) else "")


def print_today_versus_plan(frame: pd.DataFrame) -> None:
    """Today (the scenario as given) against the plan: profit, cost and service per tier and
    in total, with the paired 95 % CI of the change."""
    if frame.empty:
        return
    table = Table(title="today versus the plan (paired, same random numbers)")
    table.add_column("scope")
    table.add_column("measure")
    for col in ("today", "plan", "change ± 95% CI", "p-value"):
        table.add_column(col, justify="right")
    order = {PROFIT: 0, "cost_per_day_usd": 1}
    records = [r for r in frame.to_dict("records") if r["metric"] != REVENUE]
    records.sort(key=lambda r: (r["scope"] == "total", str(r["scope"]), order.get(r["metric"], 2)))
    for r in records:
        rate = r["metric"] not in order
        unit = "rate" if rate else "USD"
        change = _change(float(r["difference"]), float(r["half_width"]), rate)
        table.add_row(
            "all tiers" if r["scope"] == "total" else f"tier {r['scope']}",
            _metric_label(str(r["metric"])),
            level(r["today"], unit),
            level(r["plan"], unit),
            change,
            p_value(r["p_value"]),
        )
    console.print(table)
