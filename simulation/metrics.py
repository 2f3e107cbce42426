"""The metric registry: name, plain label, unit, direction and definition of every metric.

This is the one place a metric is defined. Tables (CSV unit columns), the report's glossary,
``compare``'s better/worse verdicts, figures' axis labels and ``docs/metrics.md`` all read it;
``python -m tierwise.simulation.metrics > docs/metrics.md`` regenerates the document and a test
keeps the committed file current.

Units: ``rate`` is a fraction in [0, 1] (shown as %), ``count`` a number of events in the
measurement window, ``h`` hours, ``s`` seconds, ``USD/day`` US dollars per calendar day of the
measurement window. Direction: ``+1`` higher is better, ``-1`` lower is better, ``0`` neither.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "BOOKED_REVENUE",
    "METRICS",
    "METRIC_UNITS",
    "PROFIT",
    "REVENUE",
    "SYSTEM_METRICS",
    "Metric",
    "get_metric",
    "metric_direction",
    "metrics_markdown",
    "unit_of_key",
]

Scope = Literal["tier", "system"]


@dataclass(frozen=True)
class Metric:
    """One metric's meaning.

    Attributes
    ----------
    name : str
        Column name (unit-suffixed where it has a physical unit).
    label : str
        Plain name for reports and figures.
    unit : str
        ``rate``, ``count``, ``orders/day``, ``h``, ``s``, ``USD/day``, ``USD/order``, ``units``,
        ``units/day``.
    direction : int
        ``+1`` higher is better, ``-1`` lower is better, ``0`` neither.
    definition : str
        One line: what is counted, over which orders.
    scope : {"tier", "system"}
        Reported per tier (``A.on_time_rate``) or for the whole system (``cost.<item>``).
    """

    name: str
    label: str
    unit: str
    direction: int
    definition: str
    scope: Scope = "tier"


#: Profit per tier and in total: revenue (the response) − cost, USD per calendar day.
PROFIT = "profit_per_day_usd"
#: Revenue per tier and in total: the tier's revenue response at its simulated service, USD/day.
#: Not counted by the engine: derived from a replication's metrics by the revenue function
#: the application layer injects (``tierwise.optimization.economics.tiers``).
REVENUE = "revenue_per_day_usd"
#: Booked revenue: revenue per order × completed orders per calendar day (counted by the engine).
BOOKED_REVENUE = "booked_revenue_per_day_usd"

_TIER: tuple[tuple[str, str, str, int, str], ...] = (
    ("orders_arrived", "Orders arrived", "count", 0,
     "orders created in the measurement window [warm-up, horizon)"),
    ("orders_completed", "Orders completed", "count", 1,
     "orders of the window delivered in full (last shipment delivered)"),
    ("orders_lost", "Orders lost", "count", -1,
     "orders of the window lost because the caller hung up before an answer"),
    ("orders_in_progress", "Orders in progress", "count", -1,
     "orders of the window still open when the drain period ends "
     "(arrived = completed + lost + in progress)"),
    ("orders_per_day", "Orders per day", "orders/day", 0,
     "orders arrived per calendar day of the measurement window"),
    ("mean_cycle_time_h", "Mean cycle time", "h", -1,
     "mean time from order placed to last shipment delivered (completed orders)"),
    ("p95_cycle_time_h", "95th percentile cycle time", "h", -1,
     "95th percentile of the order cycle time (streaming log histogram, 0.46% bins)"),
    ("on_time_rate", "On-time rate", "rate", 1,
     "completed orders delivered by the promise: cycle time ≤ promised_cycle_time_h, or by "
     "the close of receiving on the promised_business_days-th business day"),
    ("line_fill_rate", "Line fill rate", "rate", 1,
     "order lines filled from stock at allocation / lines ordered"),
    ("order_completeness_rate", "Order completeness", "rate", 1,
     "completed orders whose first shipment held every line"),
    ("damage_free_rate", "Damage-free rate", "rate", 1,
     "completed orders with no damaged shipment"),
    ("order_accuracy_rate", "Order accuracy", "rate", 1,
     "completed orders keyed in correctly and picked without error"),
    ("billing_accuracy_rate", "Billing accuracy", "rate", 1,
     "completed orders billed correctly"),
    ("perfect_order_rate", "Perfect order rate", "rate", 1,
     "measured per order: on time ∧ complete ∧ damage-free ∧ accurate ∧ billed right, over "
     "completed + lost orders (a lost order is a failed order)"),
    ("calls_offered", "Calls offered", "count", 0,
     "orders that reached the order-entry desk as a call"),
    ("answered_within_target_rate", "Answered within target", "rate", 1,
     "calls answered within answer_target_s / calls offered (abandoned calls count as not "
     "answered)"),
    ("wait_probability", "Probability of waiting", "rate", -1,
     "answered calls that had to wait at all, P(wait > 0)"),
    ("mean_speed_of_answer_s", "Mean speed of answer", "s", -1,
     "mean wait before an agent answers (answered calls)"),
    ("abandonment_rate", "Abandonment rate", "rate", -1,
     "calls abandoned before an answer / calls offered"),
    ("stage_transmission_h", "Time in transmission", "h", -1,
     "mean time per completed order in transmission (channel delay)"),
    ("stage_order_entry_h", "Time in order entry", "h", -1,
     "mean time per completed order in order entry (wait for an agent + handling)"),
    ("stage_processing_h", "Time in processing", "h", -1,
     "mean time per completed order in processing (credit check, documents)"),
    ("stage_stock_wait_h", "Time waiting for stock", "h", -1,
     "mean time per completed order waiting for stock (backorders)"),
    ("stage_picking_h", "Time in picking and packing", "h", -1,
     "mean time per completed order in picking and packing (wait + work)"),
    ("stage_shipping_h", "Time in shipping", "h", -1,
     "mean time per completed order in shipping (wait for the cut-off + transit)"),
    ("complaints_raised", "Complaints raised", "count", -1,
     "complaints raised by the tier's imperfect orders"),
    ("complaints_recovered", "Complaints recovered", "count", 1,
     "complaints after which the customer was recovered"),
    ("recovery_rate", "Recovery rate", "rate", 1,
     "complaints recovered / complaints raised"),
    ("cost_per_day_usd", "Cost per day", "USD/day", -1,
     "the tier's share of cost per calendar day: wages and a pool's fixed cost by its busy "
     "time on each resource, pickers' overtime by its picking time, vehicles, tours and carrier "
     "pickups by its shipments on the mode, holding and replenishment by units demanded; "
     "per-shipment carrier charges, expediting, recovery and penalties directly"),
    ("cost_per_order_usd", "Cost per order", "USD/order", -1,
     "the tier's cost / orders arrived"),
    (BOOKED_REVENUE, "Booked revenue per day", "USD/day", 1,
     "revenue_per_order_usd × completed orders per calendar day, whatever their service "
     "(counted by the engine; not the revenue of profit)"),
    (REVENUE, "Revenue per day", "USD/day", 1,
     "the tier's revenue response R(s) at its simulated service s of the replication: "
     "tiers.<t>.revenue_response or the default of its profile, s = the metric the "
     "response names (service_metric), else perfect_order_rate (run/optimize: --metric); "
     "in total, the sum over tiers (docs/economics.md)"),
    (PROFIT, "Profit per day", "USD/day", 1,
     "revenue per day (the response) − cost per day; in total, total revenue − every cost "
     "line item"),
)  # fmt: skip

#: Per-tier metrics by name, in the order tables show them.
METRICS: dict[str, Metric] = {row[0]: Metric(*row) for row in _TIER}

#: Rows a run reports for the whole system: ``prefix → (unit, direction, definition)``.
#: The prefix is followed by a resource, a cost line item or ``family.metric``.
SYSTEM_METRICS: dict[str, Metric] = {
    "utilisation": Metric(
        "utilisation", "Utilisation", "rate", 0, "busy hours / staffed hours of a resource",
        "system",
    ),
    "cost": Metric(
        "cost", "Cost line item", "USD/day", -1,
        "one line item of cost per calendar day of the measurement window (wages_agents, "
        "wages_pickers, overtime, desk_fixed, vehicles, tours, pickups, late_pickup_surcharge, "
        "holding, replenishment, shipping_and_recovery; docs/model.md); per tier "
        "(<tier>.cost.<item>_usd_per_day) the tier's allocated share of it", "system",
    ),
    "total.cost_per_day_usd": Metric(
        "total.cost_per_day_usd", "Total cost per day", "USD/day", -1,
        "sum of every cost line item per calendar day", "system",
    ),
    f"total.{BOOKED_REVENUE}": Metric(
        f"total.{BOOKED_REVENUE}", "Total booked revenue per day", "USD/day", 1,
        "sum over tiers of booked revenue per day", "system",
    ),
    f"total.{REVENUE}": Metric(
        f"total.{REVENUE}", "Total revenue per day", "USD/day", 1,
        "sum over tiers of revenue per day (each tier's revenue response)", "system",
    ),
    f"total.{PROFIT}": Metric(
        f"total.{PROFIT}", "Total profit per day", "USD/day", 1,
        "total revenue per day − every cost line item per calendar day", "system",
    ),
    "inventory.line_fill_rate": Metric(
        "inventory.line_fill_rate", "Family line fill rate", "rate", 1,
        "lines of the family filled from stock at allocation / lines ordered", "system",
    ),
    "inventory.mean_on_hand_units": Metric(
        "inventory.mean_on_hand_units", "Mean stock on hand", "units", 0,
        "time-average units on hand of the family", "system",
    ),
    "inventory.shortage_units_per_day": Metric(
        "inventory.shortage_units_per_day", "Shortage per day", "units/day", -1,
        "units demanded but not available from stock, per calendar day", "system",
    ),
    "inventory.replenishments": Metric(
        "inventory.replenishments", "Replenishment orders", "count", 0,
        "replenishment orders placed in the measurement window", "system",
    ),
}  # fmt: skip

#: ``metric → unit`` of every per-tier metric (a view of :data:`METRICS`).
METRIC_UNITS: dict[str, str] = {name: m.unit for name, m in METRICS.items()}


def get_metric(name: str) -> Metric:
    """The registered per-tier metric ``name``.

    Raises
    ------
    KeyError
        With a "did you mean" suggestion and the list of names when ``name`` is unknown.
    """
    try:
        return METRICS[name]
    except KeyError:
        close = difflib.get_close_matches(name, METRICS, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise KeyError(f"unknown metric {name!r}{hint}; allowed: {', '.join(METRICS)}") from None


def metric_direction(metric: str) -> int:
    """``+1`` if a higher value of ``metric`` is better, ``-1`` if lower, ``0`` if neither."""
    found = METRICS.get(metric)
    return 0 if found is None else found.direction


def unit_of_key(key: str, tiers: frozenset[str] | set[str] | tuple[str, ...]) -> str:
    """Unit of a flat result key (``"A.on_time_rate"``, ``"cost.holding_usd_per_day"``,
    ``"inventory.fast.line_fill_rate"``, ``"utilisation.pickers"``); ``""`` if unknown."""
    head, _, rest = key.partition(".")
    if head in tiers:
        if rest.startswith("cost."):  # a tier's share of one line item
            return SYSTEM_METRICS["cost"].unit
        found = METRICS.get(rest)
        return "" if found is None else found.unit
    if key in SYSTEM_METRICS:
        return SYSTEM_METRICS[key].unit
    if head == "inventory":
        found = SYSTEM_METRICS.get(f"inventory.{rest.partition('.')[2]}")
        return "" if found is None else found.unit
    if head in SYSTEM_METRICS:
        return SYSTEM_METRICS[head].unit
    return ""


def metrics_markdown() -> str:
    """``docs/metrics.md``: one table of every metric, generated from this registry."""
    direction = {1: "higher", -1: "lower", 0: "—"}
    lines = [
        "# Metrics",
        "",
        "Generated from the metric registry by `python -m tierwise.simulation.metrics`; do not",
        "edit by hand. Every table, file, figure and report uses these names, units and",
        "definitions. `rate` is a fraction in [0, 1] (shown as %); money is US dollars per",
        "calendar day of the measurement window (warm-up excluded).",
        "",
        "## Per tier (`<tier>.<metric>`)",
        "",
        "| metric | name | unit | better | definition |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| `{m.name}` | {m.label} | {m.unit} | {direction[m.direction]} | {m.definition} |"
        for m in METRICS.values()
    ]
    lines += [
        "",
        "## System (`<prefix>.<resource, line item or family>`)",
        "",
        "| row | name | unit | better | definition |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| `{m.name}` | {m.label} | {m.unit} | {direction[m.direction]} | {m.definition} |"
        for m in SYSTEM_METRICS.values()
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # pragma: no cover - documentation generator
    print(metrics_markdown(), end="")
