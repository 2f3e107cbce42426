"""Scenario schema: every input of one Tierwise simulation, validated at construction.

A scenario is a YAML file (see ``scenarios/default.yaml``) loaded into a frozen, hashable
:class:`Scenario`. Field names carry their unit (``handling_time_s``, ``lead_time_days``,
``wage_usd_per_h``); probabilities lie in [0, 1]; unknown keys are rejected. Every stage has an
``enabled`` switch so the same engine can run a pure call centre, a pure priority queue or a
pure inventory system.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from tierwise.simulation.scenario.decision_spec import Decision, check_section
from tierwise.simulation.scenario.distributions import Distribution
from tierwise.simulation.scenario.errors import did_you_mean
from tierwise.simulation.scenario.hours import Calendar, ReceivingHours
from tierwise.simulation.scenario.inventory_schema import MAX_UNITS, Inventory
from tierwise.simulation.scenario.section import Section
from tierwise.simulation.scenario.shift_blocks import ServersByBlock, check_blocks
from tierwise.simulation.scenario.values import (
    MAX_CUSTOMERS,
    MAX_DAYS,
    MAX_HORIZON_DAYS,
    MAX_REPLICATIONS,
    MAX_SERVERS,
    Count,
    NonNegative,
    Number,
    Positive,
    Probability,
    Seed,
    Servers,
)

__all__ = [
    "DEFAULT_PROMISE_H",
    "Channel",
    "Costs",
    "OrderEntry",
    "Picking",
    "Pool",
    "Processing",
    "Recovery",
    "Scenario",
    "Shipping",
    "ShippingMode",
    "Targets",
    "Tier",
]

#: Driver hours of a fleet tour when ``tour_duration_h`` is not given: one shift, hours.
DEFAULT_TOUR_DURATION_H = 8.0
#: Longest fleet tour, hours (one week).
MAX_TOUR_DURATION_H = 168.0

Days = Annotated[Number, Field(ge=0.0, le=MAX_DAYS)]


DEFAULT_PROMISE_H = 48.0
"""Promise of a tier that sets neither promised_cycle_time_h nor promised_business_days, h."""


class Targets(Section):
    """Service targets of a tier (reported beside the simulated values)."""

    on_time_rate: Probability | None = None
    line_fill_rate: Probability | None = None
    perfect_order_rate: Probability | None = None
    answered_within_target_rate: Probability | None = None


class Tier(Section):
    """A customer tier (A, B, C …): its demand, routing, promise and value."""

    customers: Count = Field(ge=1, le=MAX_CUSTOMERS, description="number of customers in the tier")
    orders_per_hour: NonNegative = Field(description="base order rate, orders per hour")
    hourly_profile: tuple[NonNegative, ...] | None = Field(
        default=None, description="24 multipliers of the base rate, hour 0..23"
    )
    weekday_profile: tuple[NonNegative, ...] | None = Field(
        default=None, description="7 multipliers of the base rate, Monday..Sunday"
    )
    lines_per_order: Distribution = Field(
        default=Distribution(dist="deterministic", mean=1), description="lines (rounded, >= 1)"
    )
    units_per_line: Distribution = Field(
        default=Distribution(dist="deterministic", mean=1), description="units (rounded, >= 1)"
    )
    channel_mix: dict[str, Probability] = Field(
        default_factory=lambda: {"phone": 1.0}, description="share of orders per channel"
    )
    family_mix: dict[str, Probability] | None = Field(
        default=None, description="share of lines per product family (inventory)"
    )
    priority: Count = Field(default=0, ge=0, le=MAX_SERVERS, description="0 = served first")
    order_entry_pool: str | None = Field(default=None, description="pool taking its calls")
    shipping_mode: str | None = Field(default=None, description="shipping mode used")
    promised_cycle_time_h: Positive | None = Field(
        default=None,
        description="promise in clock hours: on time when the cycle time is at most this; "
        f"default {DEFAULT_PROMISE_H:g} h unless promised_business_days is set",
    )
    promised_business_days: Count | None = Field(
        default=None,
        ge=1,
        le=60,
        description="promise in business days instead (1 = next business day): on time when "
        "delivered by the close of receiving on the N-th receiving day after the order's day; "
        "an order placed after closing or on a closed day counts from the next receiving day",
    )
    receiving_hours: ReceivingHours | None = Field(
        default=None,
        description="when the tier's customers accept deliveries; default: the calendar's "
        "hours and working days when a calendar is set, else always",
    )
    targets: Targets = Field(default_factory=Targets)
    revenue_per_order_usd: NonNegative = 0.0
    late_penalty_usd_per_order: NonNegative = 0.0
    revenue_profile: Literal["A", "B", "C"] | None = Field(
        default=None,
        description="default revenue-response profile (A service-sensitive … C price-driven); "
        "default: the tier's own name when it is A, B or C",
    )
    revenue_response: dict[str, Any] | None = Field(
        default=None,
        description="explicit revenue response (model: logistic | adbudg | retention | loyalty "
        "and its parameters); validated by the optimisation layer",
    )

    @property
    def promise_h(self) -> float:
        """The clock-hour promise in force (the default when none is set), hours."""
        return (
            DEFAULT_PROMISE_H if self.promised_cycle_time_h is None else self.promised_cycle_time_h
        )

    @model_validator(mode="after")
    def _check(self) -> Tier:
        if self.hourly_profile is not None:
            if len(self.hourly_profile) != 24:
                raise ValueError(
                    f"hourly_profile needs 24 values (hours 0..23), got {len(self.hourly_profile)}"
                )
            if sum(self.hourly_profile) <= 0:
                raise ValueError("hourly_profile must have at least one positive value")
        if self.weekday_profile is not None:
            if len(self.weekday_profile) != 7:
                raise ValueError(
                    f"weekday_profile needs 7 values (Mon..Sun), got {len(self.weekday_profile)}"
                )
            if sum(self.weekday_profile) <= 0:
                raise ValueError("weekday_profile must have at least one positive value")
        if self.promised_business_days is not None and self.promised_cycle_time_h is not None:
            raise ValueError(
                "set either promised_cycle_time_h (clock hours) or promised_business_days, not both"
            )
        for name, mix in (("channel_mix", self.channel_mix), ("family_mix", self.family_mix)):
            if mix is None:
                continue
            if not mix:
                raise ValueError(f"{name} must name at least one entry")
            total = sum(mix.values())
            if not math.isclose(total, 1.0, abs_tol=1e-6):
                raise ValueError(f"{name} shares must sum to 1, got {total:.6g}")
        return self


class Channel(Section):
    """An order transmission channel (phone, EDI, e-mail, web …)."""

    transmission_delay_h: Distribution = Field(default=Distribution(dist="deterministic", mean=0.0))
    uses_order_entry: bool = Field(default=True, description="an agent keys the order in")
    entry_error_probability: Probability = Field(default=0.0, description="order keyed in wrongly")


class Pool(Section):
    """A pool of order-entry agents (a desk), shared by the tiers that name it."""

    agents: Servers = Field(
        description="agents of the pool, 1..10,000 while order entry is on; with "
        "agents_by_block, the pool's headcount: at least the largest block (the simulation "
        "and the wages use the blocks)"
    )
    agents_by_block: ServersByBlock | None = Field(
        default=None,
        description="agents at work per shift block, by the block's start hour as two-digit "
        'text ("08": 4, "10": 7); a block runs to the next block\'s start, the last to '
        "closing; the first starts at calendar.open_hour; none = agents all day",
    )
    discipline: Literal["priority", "fifo"] = "priority"
    fixed_usd_per_day: NonNegative = Field(
        default=0.0,
        description="fixed cost of running the pool per working day (a supervisor, lines), "
        "USD; allocated to its tiers by their agent time",
    )


class OrderEntry(Section):
    """Order entry by agents/clerks: an M/G/c queue with optional abandonment."""

    enabled: bool = True
    pools: dict[str, Pool] = Field(default_factory=lambda: {"desk": Pool(agents=1)})
    handling_time_s: Distribution = Field(default=Distribution(dist="exponential", mean=180))
    patience_s: Distribution | None = Field(
        default=None, description="time a caller waits before abandoning; none = infinite"
    )
    answer_target_s: NonNegative = Field(default=20.0, description="t of answered-within-t")


class Processing(Section):
    """Order processing (credit check, documents): a delay and a billing error."""

    enabled: bool = True
    processing_time_h: Distribution = Field(default=Distribution(dist="deterministic", mean=0.0))
    billing_error_probability: Probability = 0.0


class Picking(Section):
    """Picking and packing by pickers (a priority resource)."""

    enabled: bool = True
    pickers: Servers = Field(
        default=1,
        description="pickers, 1..10,000 while picking is on; with pickers_by_block, the "
        "headcount: at least the largest block (the simulation and the wages use the blocks)",
    )
    pickers_by_block: ServersByBlock | None = Field(
        default=None,
        description="pickers at work per shift block, by the block's start hour as two-digit "
        'text ("08": 10, "10": 14); a block runs to the next block\'s start, the last to '
        "closing (or the last cut-off, as overtime); none = pickers all day",
    )
    time_per_order_min: Distribution = Field(default=Distribution(dist="deterministic", mean=0))
    time_per_line_min: Distribution = Field(default=Distribution(dist="deterministic", mean=1))
    error_probability_per_line: Probability = 0.0


class ShippingMode(Section):
    """A service mode: own fleet with dispatch cut-offs, or a carrier."""

    kind: Literal["carrier", "fleet"] = "carrier"
    transit_time_h: Distribution
    damage_probability: Probability = 0.0
    cutoff_hours: tuple[Number, ...] = Field(
        default=(), description="dispatch times of day (hours); empty = ship when packed"
    )
    cost_usd_per_shipment: NonNegative = 0.0
    cost_usd_per_pickup: NonNegative = Field(
        default=0.0,
        description="carrier only: price of one scheduled pickup (each cut-off is one) per "
        "working day, USD; without cut-offs every shipment is collected on its own (a pickup)",
    )
    late_pickup_after_hour: Annotated[Number, Field(ge=0, le=24)] | None = Field(
        default=None,
        description="carrier only: pickups after this hour of the day pay the late surcharge",
    )
    late_pickup_surcharge_usd_per_h: NonNegative = Field(
        default=0.0,
        description="carrier only: surcharge per pickup and hour of its time past "
        "late_pickup_after_hour, USD",
    )
    vehicles: Servers = Field(default=0, description="fleet only: vehicles of the fleet")
    vehicle_capacity_orders: Count = Field(default=1, ge=1, le=MAX_UNITS, description="fleet only")
    tour_duration_h: Annotated[Positive, Field(le=MAX_TOUR_DURATION_H)] | None = Field(
        default=None,
        description="fleet only: driver hours of one tour; a vehicle is free again only when "
        f"its tour is over; default {DEFAULT_TOUR_DURATION_H:g} (one shift)",
    )
    cost_usd_per_tour: NonNegative = Field(
        default=0.0,
        description="fleet only: running cost of one vehicle tour (fuel, tolls, wear), USD",
    )

    @model_validator(mode="after")
    def _check(self) -> ShippingMode:
        if any(h < 0 or h >= 24 for h in self.cutoff_hours):
            raise ValueError(f"cutoff_hours must lie in [0, 24), got {list(self.cutoff_hours)}")
        if list(self.cutoff_hours) != sorted(set(self.cutoff_hours)):
            raise ValueError(
                f"cutoff_hours must be strictly increasing, got {list(self.cutoff_hours)}"
            )
        carrier_only = {
            "cost_usd_per_pickup": self.cost_usd_per_pickup,
            "late_pickup_after_hour": self.late_pickup_after_hour,
            "late_pickup_surcharge_usd_per_h": self.late_pickup_surcharge_usd_per_h,
        }
        fleet_only = {
            "vehicles": self.vehicles,
            "tour_duration_h": self.tour_duration_h,
            "cost_usd_per_tour": self.cost_usd_per_tour,
        }
        if self.kind == "fleet":
            if not self.cutoff_hours:
                raise ValueError("a fleet mode needs at least one dispatch cut-off in cutoff_hours")
            if self.vehicles < 1:
                raise ValueError(f"a fleet mode needs vehicles >= 1, got {self.vehicles}")
            wrong = [name for name, value in carrier_only.items() if value]
            if wrong:
                raise ValueError(
                    f"{', '.join(wrong)} applies only to kind: carrier (a fleet pays per tour: "
                    "cost_usd_per_tour, driver hours tour_duration_h)"
                )
        else:
            wrong = [name for name, value in fleet_only.items() if value]
            if wrong:
                raise ValueError(f"{', '.join(wrong)} applies only to kind: fleet")
            if self.late_pickup_surcharge_usd_per_h and self.late_pickup_after_hour is None:
                raise ValueError(
                    "late_pickup_surcharge_usd_per_h needs late_pickup_after_hour (the hour after "
                    "which a pickup is late)"
                )
        return self

    @property
    def tour_h(self) -> float:
        """Driver hours of one tour (:data:`DEFAULT_TOUR_DURATION_H` when not given)."""
        return self.tour_duration_h if self.tour_duration_h is not None else DEFAULT_TOUR_DURATION_H

    def late_pickup_h(self, hour: float) -> float:
        """Hours of a pickup at ``hour`` (of the day) past ``late_pickup_after_hour``."""
        after = self.late_pickup_after_hour
        return hour - after if after is not None and hour > after else 0.0


class Shipping(Section):
    """Shipping and delivery."""

    enabled: bool = True
    modes: dict[str, ShippingMode] = Field(default_factory=dict)


class Recovery(Section):
    """Exceptions and service recovery (complaints handled by a service desk)."""

    enabled: bool = False
    complaint_probability: Probability = Field(
        default=0.5, description="chance that an imperfect order raises a complaint"
    )
    desk: Literal["order_entry", "own_team"] = "order_entry"
    own_team_agents: Servers = 0
    priority: Count = Field(
        default=10, ge=0, le=MAX_SERVERS, description="priority of complaints at the desk"
    )
    handling_time_min: Distribution = Field(default=Distribution(dist="exponential", mean=10))
    success_probability: Probability = 0.7
    cost_usd_per_recovery: NonNegative = 0.0

    @model_validator(mode="after")
    def _check(self) -> Recovery:
        if self.enabled and self.desk == "own_team" and self.own_team_agents < 1:
            raise ValueError("desk 'own_team' needs own_team_agents >= 1")
        return self


class Costs(Section):
    """Cost rates (all loaded: base wage × loading factor)."""

    agent_wage_usd_per_h: NonNegative = 0.0
    picker_wage_usd_per_h: NonNegative = 0.0
    driver_wage_usd_per_h: NonNegative = Field(
        default=0.0, description="fleet drivers, paid for the driver hours of every tour"
    )
    wage_loading_factor: Annotated[Number, Field(ge=1.0)] = 1.0
    overtime_wage_factor: Annotated[Number, Field(ge=1.0, le=10.0)] | None = Field(
        default=None,
        description="wage × factor for hours worked past calendar.close_hour (pickers and "
        "packers until the last cut-off, drivers on a tour); required when a cut-off or a tour "
        "runs past closing",
    )
    vehicle_usd_per_day: NonNegative = Field(
        default=0.0, description="per fleet vehicle and working day (lease, insurance)"
    )
    holding_rate_per_year: Annotated[Number, Field(ge=0.0, le=2.0)] = 0.25
    expediting_usd_per_shipment: NonNegative = Field(
        default=0.0, description="extra shipment of a backordered remainder"
    )


class Scenario(Section):
    """One complete Tierwise scenario.

    The content hash (:attr:`content_hash`) is the sha256 of the canonical JSON of all fields;
    it identifies results and cache entries.
    """

    name: str = "scenario"
    description: str = ""
    seed: Seed = Field(default=12345, description="seed of every random stream, < 2^63")
    horizon_days: Positive = Field(
        default=20.0, le=MAX_HORIZON_DAYS, description="simulated days, at most 36,500"
    )
    warmup_days: Days = 2.0
    drain_days: Days = Field(
        default=14.0, description="after the horizon, arrivals stop and open orders finish"
    )
    replications: Count = Field(default=5, ge=1, le=MAX_REPLICATIONS)
    calendar: Calendar | None = None
    tiers: dict[str, Tier]
    channels: dict[str, Channel] = Field(default_factory=lambda: {"phone": Channel()})
    order_entry: OrderEntry = Field(default_factory=OrderEntry)
    processing: Processing = Field(default_factory=Processing)
    inventory: Inventory = Field(default_factory=lambda: Inventory(enabled=False))
    picking: Picking = Field(default_factory=Picking)
    shipping: Shipping = Field(default_factory=Shipping)
    recovery: Recovery = Field(default_factory=Recovery)
    costs: Costs = Field(default_factory=Costs)
    decisions: dict[str, Decision] | None = Field(
        default=None,
        description="levers a search may move: dotted field path -> list of candidate values "
        "or {from, to, step} (inclusive; step 1 by default); see docs/scenarios.md",
    )

    _check_decisions = field_validator("decisions")(check_section)

    @model_validator(mode="after")
    def _check_references(self) -> Scenario:
        if not self.tiers:
            raise ValueError("tiers must name at least one tier")
        if self.warmup_days >= self.horizon_days:
            raise ValueError(
                f"warmup_days ({self.warmup_days}) must be shorter than horizon_days "
                f"({self.horizon_days})"
            )
        if self.order_entry.enabled:
            for pool_name, desk in self.order_entry.pools.items():
                if desk.agents < 1:
                    raise ValueError(
                        f"order_entry.pools.{pool_name}.agents = {desk.agents}: a pool needs at "
                        "least 1 agent while order entry is enabled (remove the pool, or set "
                        "order_entry.enabled: false to run without order entry)"
                    )
        if self.picking.enabled and self.picking.pickers < 1:
            raise ValueError(
                f"picking.pickers = {self.picking.pickers}: picking needs at least 1 picker "
                "while it is enabled (or set picking.enabled: false to run without picking)"
            )
        for tier_name, tier in self.tiers.items():
            for channel in tier.channel_mix:
                if channel not in self.channels:
                    raise ValueError(
                        f"tiers.{tier_name}.channel_mix names channel '{channel}', which is not "
                        f"in channels (known: {', '.join(sorted(self.channels))})"
                    )
            uses_entry = any(
                self.channels[c].uses_order_entry and share > 0
                for c, share in tier.channel_mix.items()
            )
            if self.order_entry.enabled and uses_entry:
                pool = tier.order_entry_pool
                if pool is None:
                    if len(self.order_entry.pools) != 1:
                        raise ValueError(
                            f"tiers.{tier_name}.order_entry_pool is missing and there are "
                            f"several pools ({', '.join(sorted(self.order_entry.pools))})"
                        )
                elif pool not in self.order_entry.pools:
                    raise ValueError(
                        f"tiers.{tier_name}.order_entry_pool names pool '{pool}', which is not in "
                        f"order_entry.pools (known: {', '.join(sorted(self.order_entry.pools))})"
                    )
            if self.shipping.enabled:
                mode = tier.shipping_mode
                if mode is None or mode not in self.shipping.modes:
                    known = ", ".join(sorted(self.shipping.modes)) or "none defined"
                    raise ValueError(
                        f"tiers.{tier_name}.shipping_mode is {mode!r}; it must name one of "
                        f"shipping.modes ({known})"
                    )
            if self.inventory.enabled:
                if tier.family_mix is None:
                    raise ValueError(
                        f"tiers.{tier_name}.family_mix is required when inventory is enabled"
                    )
                for family in tier.family_mix:
                    if family not in self.inventory.families:
                        raise ValueError(
                            f"tiers.{tier_name}.family_mix names family '{family}', which is not "
                            f"in inventory.families (known: "
                            f"{', '.join(sorted(self.inventory.families)) or 'none'})"
                        )
        self._check_work_past_closing()
        self._check_reserves()
        self._check_shift_blocks()
        if self.inventory.enabled and not self.inventory.families:
            raise ValueError("inventory is enabled but inventory.families is empty")
        if (
            self.recovery.enabled
            and self.recovery.desk == "order_entry"
            and not (self.order_entry.enabled)
        ):
            raise ValueError("recovery.desk 'order_entry' needs order_entry.enabled: true")
        return self

    def _check_reserves(self) -> None:
        """Every tier a family's ``reserve_units`` names is a tier of the scenario."""
        for family_name, family in self.inventory.families.items():
            for tier_name, reserve in family.reserve_units.items():
                if tier_name not in self.tiers:
                    raise ValueError(
                        f"inventory.families.{family_name}.reserve_units.{tier_name} = {reserve}: "
                        f"no tier '{tier_name}'{did_you_mean(tier_name, self.tiers)} (tiers: "
                        f"{', '.join(self.tiers)})"
                    )

    def _check_shift_blocks(self) -> None:
        """Blocks of the enabled stages fit the calendar and their pool's headcount."""
        cal = self.calendar
        open_h, close_h = (cal.open_hour, cal.close_hour) if cal is not None else (None, None)
        if self.order_entry.enabled:
            for name, pool in self.order_entry.pools.items():
                if pool.agents_by_block is not None:
                    path = f"order_entry.pools.{name}"
                    check_blocks(
                        f"{path}.agents_by_block", pool.agents_by_block, open_h, close_h,
                        f"{path}.agents", pool.agents,
                    )  # fmt: skip
        if self.picking.enabled and self.picking.pickers_by_block is not None:
            check_blocks(
                "picking.pickers_by_block", self.picking.pickers_by_block, open_h, close_h,
                "picking.pickers", self.picking.pickers,
            )  # fmt: skip

    def _check_work_past_closing(self) -> None:
        """A cut-off after closing, or a tour that runs past it, needs the overtime factor."""
        calendar = self.calendar
        if calendar is None or not self.shipping.enabled:
            return
        if self.costs.overtime_wage_factor is not None:
            return
        close = calendar.close_hour
        for name, mode in self.shipping.modes.items():
            late = [h for h in mode.cutoff_hours if h > close]
            if late:
                raise ValueError(
                    f"shipping.modes.{name}.cutoff_hours: the cut-off at {late[0]:g} h is after "
                    f"calendar.close_hour ({close:g}); pickers and packers must stay to load it, "
                    "paid as overtime: set costs.overtime_wage_factor (wage × factor for the "
                    f"hours past closing, e.g. 1.5) or move the cut-off to {close:g} or earlier"
                )
            if mode.kind == "fleet":
                last = mode.cutoff_hours[-1]
                if last + mode.tour_h > close:
                    raise ValueError(
                        f"shipping.modes.{name}: the tour leaving at {last:g} h takes "
                        f"tour_duration_h {mode.tour_h:g} and runs past calendar.close_hour "
                        f"({close:g}); its driver hours past closing are overtime: set "
                        "costs.overtime_wage_factor (e.g. 1.5), or a shorter tour or earlier "
                        "cut-off"
                    )

    # ------------------------------------------------------------------ identity
    def canonical_json(self) -> str:
        """Canonical JSON (sorted keys, no whitespace) of every field."""
        return self._canonical_json

    # Identity is computed once per object (the model is frozen) and kept in its __dict__,
    # which pydantic leaves out of equality, dumps and validation; model_copy drops it.
    @functools.cached_property
    def _canonical_json(self) -> str:
        return json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))

    @functools.cached_property
    def content_hash(self) -> str:
        """sha256 hex digest of :meth:`canonical_json` (computed once per object)."""
        return hashlib.sha256(self.canonical_json().encode()).hexdigest()

    def __hash__(self) -> int:
        return hash(self.content_hash)

    def model_copy(self, *, update: Any = None, deep: bool = False) -> Scenario:
        """A copy (see pydantic); an ``update`` changes the content, so the hash is recomputed."""
        copied = super().model_copy(update=update, deep=deep)
        for name in ("_canonical_json", "content_hash"):
            copied.__dict__.pop(name, None)
        return copied

    def __getstate__(self) -> dict[Any, Any]:
        # ship the 64-digit hash to worker processes, not the canonical JSON (kilobytes)
        state = super().__getstate__()
        state["__dict__"] = {k: v for k, v in state["__dict__"].items() if k != "_canonical_json"}
        return state

    def pool_of(self, tier_name: str) -> str:
        """Name of the order-entry pool that takes ``tier_name``'s calls."""
        pool = self.tiers[tier_name].order_entry_pool
        return pool if pool is not None else next(iter(self.order_entry.pools))
