"""The "Assumptions" section: a scenario's tiers, resources, costs, channels, shipping,
inventory and service recovery as report blocks."""

from __future__ import annotations

from collections.abc import Sequence

from tierwise.common.formatting import compact, number, pct, usd
from tierwise.optimization.economics.tiers import expected_orders_per_day, tier_responses
from tierwise.report.blocks import Block, Cell, Column, DefinitionList, Heading, Paragraph, rich
from tierwise.report.blocks import table as make_table
from tierwise.report.context_common import metric_label
from tierwise.simulation.scenario.distributions import Distribution
from tierwise.simulation.scenario.errors import ScenarioError
from tierwise.simulation.scenario.schema import Scenario, Targets

__all__ = ["assumptions", "distribution_text"]

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def distribution_text(d: Distribution | None, unit: str) -> str:
    """``lognormal, mean 210 s, cv 0.5``; ``—`` for none."""
    if d is None:
        return "—"
    u = f" {unit}" if unit else ""
    if d.dist == "deterministic":
        return f"{compact(d.mean)}{u} (fixed)"
    if d.dist == "exponential":
        return f"exponential, mean {compact(d.mean)}{u}"
    if d.dist in ("lognormal", "gamma"):
        return f"{d.dist}, mean {compact(d.mean)}{u}, cv {compact(d.cv)}"
    if d.dist == "triangular":
        return f"triangular {compact(d.low)}–{compact(d.mode)}–{compact(d.high)}{u}"
    if d.dist == "uniform":
        return f"uniform {compact(d.low)}–{compact(d.high)}{u}"
    values = ", ".join(compact(v) for v in d.values or ())
    return f"empirical {{{values}}}{u}"


_dist = distribution_text


def _days(days: Sequence[int]) -> str:
    """``(0, 1, 2, 3, 4)`` → ``Mon–Fri``; ``(0, 2)`` → ``Mon, Wed``."""
    ordered = sorted(set(days))
    runs: list[list[int]] = []
    for d in ordered:
        if runs and d == runs[-1][-1] + 1:
            runs[-1].append(d)
        else:
            runs.append([d])
    parts = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{_WEEKDAYS[run[0]]}–{_WEEKDAYS[run[-1]]}")
        else:
            parts += [_WEEKDAYS[d] for d in run]
    return ", ".join(parts)


def _clock(hour: float) -> str:
    minutes = round(hour * 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _note(text: str) -> Paragraph:
    return Paragraph(rich(text), "note")


def _general(s: Scenario) -> list[Block]:
    if s.calendar is None:
        calendar = "24/7 (no calendar)"
    else:
        calendar = (
            f"{_days(s.calendar.working_days)}, {_clock(s.calendar.open_hour)}–"
            f"{_clock(s.calendar.close_hour)} (agents, pickers and dispatch)"
        )
    items = [
        ("horizon", f"{compact(s.horizon_days)} days, of which {compact(s.warmup_days)} warm-up"),
        ("drain", f"{compact(s.drain_days)} days after the horizon (no new arrivals)"),
        ("replications", f"{s.replications} (the scenario's default)"),
        ("calendar", calendar),
    ]
    return [DefinitionList(tuple((term, rich(text)) for term, text in items))]


def _tiers(s: Scenario) -> list[Block]:
    names = list(s.tiers)
    tiers = [s.tiers[n] for n in names]

    def pool(name: str) -> str:
        if not s.order_entry.enabled:
            return "—"
        tier = s.tiers[name]
        entered = any(s.channels[c].uses_order_entry and v > 0 for c, v in tier.channel_mix.items())
        if not entered:
            return "— (no calls)"
        chosen = s.pool_of(name)
        spec = s.order_entry.pools.get(chosen)
        if spec is not None and spec.discipline == "priority":
            return f"{chosen}, priority {tier.priority}"
        return f"{chosen}, fifo"

    try:
        responses = tier_responses(s)
    except ScenarioError:
        responses = {}

    def revenue_model(name: str) -> str:
        response = responses.get(name)
        return response.describe() if response is not None else "— (invalid or missing)"

    rows: list[list[Cell]] = [
        ["customers", *[number(t.customers) for t in tiers]],
        ["orders per hour (base rate)", *[compact(t.orders_per_hour) for t in tiers]],
        [
            "orders per calendar day (expected)",
            *[number(expected_orders_per_day(s, n)) for n in names],
        ],
        ["lines per order", *[_dist(t.lines_per_order, "") for t in tiers]],
        ["units per line", *[_dist(t.units_per_line, "") for t in tiers]],
        [
            "channels",
            *[", ".join(f"{c} {pct(v, 0)}" for c, v in t.channel_mix.items()) for t in tiers],
        ],
    ]
    if s.inventory.enabled:
        rows.append(
            [
                "stock families",
                *[
                    ", ".join(f"{f} {pct(v, 0)}" for f, v in (t.family_mix or {}).items())
                    for t in tiers
                ],
            ]
        )
    rows += [
        ["order-entry pool", *[pool(n) for n in names]],
        ["shipping mode", *[t.shipping_mode or "—" for t in tiers]],
        ["promised cycle time", *[f"{compact(t.promised_cycle_time_h)} h" for t in tiers]],
        ["revenue per order", *[usd(t.revenue_per_order_usd) for t in tiers]],
        ["late penalty per order", *[usd(t.late_penalty_usd_per_order) for t in tiers]],
        ["revenue response", *[revenue_model(n) for n in names]],
    ]
    targets = [t.targets.model_dump() for t in tiers]
    for key in Targets.model_fields:
        if any(target.get(key) is not None for target in targets):
            rows.append(
                [
                    f"target: {metric_label(key)}",
                    *[f"≥ {pct(t[key], 0)}" if t.get(key) is not None else "—" for t in targets],
                ]
            )
    return [
        Heading("Customer tiers"),
        make_table(["", *[Column(f"tier {n}") for n in names]], rows, css="tiers"),
        _note(
            "Orders per calendar day: base rate × hourly profile × weekday profile, "
            "averaged over the week."
        ),
    ]


def _resources(s: Scenario) -> list[Block]:
    rows: list[list[Cell]] = []
    if s.order_entry.enabled:
        oe = s.order_entry
        patience = _dist(oe.patience_s, "s") if oe.patience_s else "callers never hang up"
        for name, spec in oe.pools.items():
            served = [t for t in s.tiers if s.pool_of(t) == name]
            rows.append(
                [
                    f"agents, pool {name}",
                    number(spec.agents),
                    f"{spec.discipline} queue for tiers {', '.join(served) or '—'}; handling "
                    f"{_dist(oe.handling_time_s, 's')}; patience {patience}; answer target "
                    f"{compact(oe.answer_target_s)} s",
                ]
            )
    if s.recovery.enabled and s.recovery.desk == "own_team":
        rows.append(["agents, recovery team", number(s.recovery.own_team_agents), "complaints"])
    if s.picking.enabled:
        p = s.picking
        rows.append(
            [
                "pickers",
                number(p.pickers),
                f"per order {_dist(p.time_per_order_min, 'min')}; per line "
                f"{_dist(p.time_per_line_min, 'min')}; error per line "
                f"{pct(p.error_probability_per_line, 2)}",
            ]
        )
    if s.shipping.enabled:
        for name, mode in s.shipping.modes.items():
            if mode.kind == "fleet":
                rows.append(
                    [
                        f"vehicles, mode {name}",
                        number(mode.vehicles),
                        f"own fleet, {mode.vehicle_capacity_orders} orders per vehicle per cut-off",
                    ]
                )
    if not rows:
        return []
    return [
        Heading("Resources"),
        make_table(["resource", Column("units", True), "details"], rows),
    ]


def _channels(s: Scenario) -> list[Block]:
    rows: list[list[Cell]] = []
    for name, ch in s.channels.items():
        delay = ch.transmission_delay_h
        none = delay.dist == "deterministic" and not delay.mean
        rows.append(
            [
                name,
                "none" if none else _dist(delay, "h"),
                "yes" if ch.uses_order_entry else "no",
                pct(ch.entry_error_probability, 2),
            ]
        )
    blocks: list[Block] = [
        Heading("Order channels and processing"),
        make_table(
            ["channel", "transmission delay", "keyed in by an agent", Column("entry error", True)],
            rows,
        ),
    ]
    if s.processing.enabled:
        blocks.append(
            Paragraph(
                rich(
                    "Processing (credit check, documents): "
                    f"{_dist(s.processing.processing_time_h, 'h')}; billing error probability "
                    f"{pct(s.processing.billing_error_probability, 2)}."
                )
            )
        )
    return blocks


def _shipping(s: Scenario) -> list[Block]:
    if not s.shipping.enabled or not s.shipping.modes:
        return [_note("Shipping: off.")]
    rows: list[list[Cell]] = []
    for name, mode in s.shipping.modes.items():
        users = [t for t, tier in s.tiers.items() if tier.shipping_mode == name]
        fleet = mode.kind == "fleet"
        rows.append(
            [
                name,
                "own fleet" if fleet else "carrier",
                ", ".join(users) or "—",
                ", ".join(_clock(h) for h in mode.cutoff_hours) or "—",
                f"{mode.vehicles} × {mode.vehicle_capacity_orders}" if fleet else "—",
                _dist(mode.transit_time_h, "h"),
                pct(mode.damage_probability, 2),
                "—" if fleet else usd(mode.cost_usd_per_shipment),
            ]
        )
    columns: list[Column | str] = [
        "mode",
        "kind",
        "tiers",
        "cut-offs",
        Column("vehicles × orders", True),
        "transit",
        Column("damage", True),
        Column("per shipment", True),
    ]
    return [Heading("Shipping modes"), make_table(columns, rows)]


def _inventory(s: Scenario) -> list[Block]:
    if not s.inventory.enabled or not s.inventory.families:
        return [_note("Inventory: off (every line is in stock).")]
    rows: list[list[Cell]] = []
    for name, fam in s.inventory.families.items():
        p = fam.policy
        if p.kind == "sQ":
            policy = (
                f"(s, Q): s = {number(p.reorder_point_units)}, Q = {number(p.order_quantity_units)}"
            )
        elif p.kind == "base_stock":
            policy = f"base stock S = {number(p.base_stock_units)}"
        else:
            policy = (
                f"order-up-to S = {number(p.base_stock_units)} every "
                f"{compact(p.review_period_days)} d"
            )
        rows.append(
            [
                name,
                policy,
                _dist(fam.lead_time_days, "d"),
                usd(fam.unit_value_usd, 2),
                usd(fam.replenishment_order_cost_usd),
            ]
        )
    columns: list[Column | str] = [
        "family",
        "policy (units)",
        "supplier lead time",
        Column("unit value", True),
        Column("per replenishment", True),
    ]
    return [
        Heading(f"Inventory (a line short of stock: {s.inventory.shortage})"),
        make_table(columns, rows),
    ]


def _costs(s: Scenario) -> list[Block]:
    c = s.costs
    factor = c.wage_loading_factor
    rows: list[list[Cell]] = [
        [
            "agent wage",
            usd(c.agent_wage_usd_per_h, 2),
            f"per hour, base ({usd(c.agent_wage_usd_per_h * factor, 2)} loaded)",
        ],
        [
            "picker wage",
            usd(c.picker_wage_usd_per_h, 2),
            f"per hour, base ({usd(c.picker_wage_usd_per_h * factor, 2)} loaded)",
        ],
        ["wage loading factor", compact(factor), "× base wage"],
        ["vehicle", usd(c.vehicle_usd_per_day), "per day per vehicle"],
        ["holding rate", pct(c.holding_rate_per_year, 0), "of unit value per year"],
        ["expediting", usd(c.expediting_usd_per_shipment), "per extra shipment"],
    ]
    if s.recovery.enabled:
        rows.append(["service recovery", usd(s.recovery.cost_usd_per_recovery), "per recovery"])
    return [
        Heading("Cost rates"),
        make_table(["item", Column("value", True), "unit"], rows),
    ]


def _recovery(s: Scenario) -> list[Block]:
    r = s.recovery
    if not r.enabled:
        return [_note("Service recovery: off.")]
    desk = "order-entry agents" if r.desk == "order_entry" else "own recovery team"
    return [
        Paragraph(
            rich(
                f"Service recovery: an imperfect order raises a complaint with probability "
                f"{pct(r.complaint_probability, 0)}; the {desk} handle it (priority "
                f"{r.priority}, {_dist(r.handling_time_min, 'min')}); it succeeds with "
                f"probability {pct(r.success_probability, 0)} at "
                f"{usd(r.cost_usd_per_recovery)}."
            )
        )
    ]


def assumptions(scenario: Scenario) -> list[Block]:
    """The blocks of the "Assumptions" section for ``scenario``."""
    s = scenario
    return [
        *_general(s),
        *_tiers(s),
        *_resources(s),
        *_costs(s),
        *_channels(s),
        *_shipping(s),
        *_inventory(s),
        *_recovery(s),
    ]
