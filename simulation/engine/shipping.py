"""Shipping and delivery: carrier modes with dispatch cut-offs, and the own fleet's dispatcher.

A carrier takes a packed order at the next cut-off (at once when the mode has none) and
charges per shipment. Each cut-off is a scheduled pickup, paid ``cost_usd_per_pickup`` per
working day, plus ``late_pickup_surcharge_usd_per_h`` for every hour it lies past
``late_pickup_after_hour``; a mode without cut-offs pays both for each shipment (collected on
its own). These costs are allocated to the tiers by their shipments on the mode.

An own fleet of ``vehicles`` vehicles of ``vehicle_capacity_orders`` orders each leaves at each
cut-off of a working day; waiting orders board by tier priority, then first come first served,
and whoever does not fit waits for the next cut-off. A vehicle on tour is back only
``tour_duration_h`` hours after it left: at a cut-off with no vehicle back, the departure waits
for the first vehicle to return (and takes as many as are back then). The fleet costs a day
rate per vehicle and working day (``vehicles``) and, per vehicle tour, its running cost and
the driver's hours, those outside the calendar's open hours at the overtime factor (``tours``);
both allocated by shipments.

A delivery reaches the customer only inside the tier's receiving hours: a shipment that
arrives outside them waits for the next opening (its time counts in shipping and in the
order's cycle time).
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Generator
from typing import Any, NamedTuple

import simpy

from tierwise.simulation.engine.clock import (
    HOURS_PER_DAY,
    CutoffTable,
    OpeningTable,
    next_cutoff_h,
    receiving_calendar,
    staffed_hours,
    working_days_between,
)
from tierwise.simulation.engine.costing import CostShare
from tierwise.simulation.engine.environment import Step
from tierwise.simulation.engine.order import Order
from tierwise.simulation.engine.rng import stream
from tierwise.simulation.engine.stages import Stage
from tierwise.simulation.engine.tier import EPS, TierRun, uniform_stream
from tierwise.simulation.scenario.distributions import Sampler, make_sampler
from tierwise.simulation.scenario.hours import Calendar
from tierwise.simulation.scenario.schema import Costs, Scenario, ShippingMode

__all__ = ["FleetDispatcher", "ShipLane", "ShippingStation", "Tour"]

_SHIPPING = Stage.SHIPPING.value  # a plain int indexes faster than the enum


class Tour(NamedTuple):
    """One departure of the fleet at a cut-off (all its vehicles together).

    Attributes
    ----------
    departure_h : float
        The cut-off, hours on the engine clock.
    orders : int
        Orders on board (at most vehicles × vehicle capacity).
    """

    departure_h: float
    orders: int

    def vehicles_used(self, vehicle_capacity_orders: int) -> int:
        """Vehicles needed for the orders on board."""
        return math.ceil(self.orders / vehicle_capacity_orders)


class _Boarding(NamedTuple):
    """A packed order waiting for the fleet: (priority, ticket) orders the queue."""

    priority: int
    ticket: int
    departed: simpy.Event


class FleetDispatcher:
    """The own fleet of one shipping mode: a boarding queue released at the cut-offs.

    Parameters
    ----------
    env : simpy.Environment
        The simulation clock (hours).
    name : str
        Name of the shipping mode.
    mode : ShippingMode
        A ``kind: fleet`` mode (cut-offs, vehicles, capacity per vehicle).
    calendar : Calendar or None
        Working days of dispatch; ``None`` = every day.
    """

    def __init__(
        self, env: simpy.Environment, name: str, mode: ShippingMode, calendar: Calendar | None
    ) -> None:
        self.env = env
        self.name = name
        self.mode = mode
        self.calendar = calendar
        self.capacity_orders = mode.vehicles * mode.vehicle_capacity_orders
        self.tour_h = mode.tour_h
        self._back_h = [0.0] * mode.vehicles  # when each vehicle is back from its tour
        self._queue: list[_Boarding] = []  # a heap on (priority, ticket)
        self._tickets = 0
        self.tours: list[Tour] = []
        self.shipments_by_tier: dict[str, int] = {}  # measured orders carried
        env.process(self._dispatch())

    @property
    def waiting(self) -> int:
        """Orders waiting for a departure."""
        return len(self._queue)

    def board(self, priority: int) -> simpy.Event:
        """Queue a packed order; the returned event fires when its vehicle leaves."""
        departed = self.env.event()
        self._tickets += 1
        heapq.heappush(self._queue, _Boarding(priority, self._tickets, departed))
        return departed

    def vehicles_back(self) -> int:
        """Vehicles back from their tours now."""
        now = self.env.now + EPS
        return sum(1 for back_h in self._back_h if back_h <= now)

    def _dispatch(self) -> Generator[simpy.Event, Any, None]:
        """At each cut-off, send the first waiting orders on the vehicles that are back.

        With no vehicle back, the departure waits for the first one to return. The departing
        orders are released in one step (not through a SimPy store, whose ``get`` events would
        interleave the departures with other events of the same instant).
        """
        env, queue, mode, back_h = self.env, self._queue, self.mode, self._back_h
        capacity = mode.vehicle_capacity_orders
        while True:
            cutoff = next_cutoff_h(self.calendar, mode.cutoff_hours, env.now + EPS)
            yield env.timeout(cutoff - env.now)
            if not queue:
                continue
            free = self.vehicles_back()
            if free == 0:  # every vehicle is on tour: wait for the first one back
                yield env.timeout(min(back_h) - env.now)
                free = self.vehicles_back()
            leaving = min(len(queue), free * capacity)
            self.tours.append(Tour(env.now, leaving))
            back_h.sort()  # the vehicles back first leave first
            for vehicle in range(math.ceil(leaving / capacity)):
                back_h[vehicle] = env.now + self.tour_h
            for _ in range(leaving):
                heapq.heappop(queue).departed.succeed()

    def cost_share(
        self,
        tiers: dict[str, TierRun],
        window: tuple[float, float],
        costs: Costs,
    ) -> CostShare:
        """The fleet's cost over ``window`` (hours), allocated by measured shipments.

        ``vehicles``: the day rate of every vehicle over the working days of the window.
        ``tours``: per vehicle tour leaving in the window, ``cost_usd_per_tour`` plus the
        driver's ``tour_duration_h`` hours at the loaded wage, those outside the calendar's open
        hours × ``overtime_wage_factor``.
        """
        work_days = working_days_between(self.calendar, *window)
        items = {"vehicles": self.mode.vehicles * work_days * costs.vehicle_usd_per_day}
        tours_usd = self.tours_usd(window, costs)
        if tours_usd > 0:
            items["tours"] = tours_usd
        shipped = {t: float(n) for t, n in self.shipments_by_tier.items()}
        if not shipped:
            shipped = {t: 1.0 for t, run in tiers.items() if run.spec.shipping_mode == self.name}
        return CostShare(items, shipped)

    def tours_usd(self, window: tuple[float, float], costs: Costs) -> float:
        """Running cost and driver wages of the vehicle tours leaving in ``window``, USD."""
        start_h, end_h = window
        wage = costs.driver_wage_usd_per_h * costs.wage_loading_factor
        factor = costs.overtime_wage_factor or 1.0
        capacity, per_tour = self.mode.vehicle_capacity_orders, self.mode.cost_usd_per_tour
        total = 0.0
        for tour in self.tours:
            if not start_h <= tour.departure_h < end_h:
                continue
            end = tour.departure_h + self.tour_h
            regular_h = (
                staffed_hours(self.calendar, tour.departure_h, end)
                if self.calendar is not None
                else self.tour_h
            )
            driver_usd = (regular_h + factor * (self.tour_h - regular_h)) * wage
            total += tour.vehicles_used(capacity) * (per_tour + driver_usd)
        return total


class ShipLane:
    """How one tier ships: its mode, its fleet (if own) and the samplers of its shipments.

    Attributes
    ----------
    mode : ShippingMode
        The tier's shipping mode.
    fleet : FleetDispatcher or None
        The dispatcher, for a fleet mode.
    transit_h, extra_transit_h : Sampler
        Transit time of the first and of a second (remainder) shipment, hours (streams
        ``transit/<tier>``, ``transit_extra/<tier>``).
    damage_u, extra_damage_u : Sampler
        U(0, 1) draws of damage in transit of the first and of a remainder shipment (streams
        ``damage/<tier>``, ``damage_extra/<tier>``).
    mode_name : str
        Name of the mode (its ledger of shipments and pickups).
    receiving : Calendar or None
        When the tier's customers accept deliveries; ``None``: always.
    opening : OpeningTable or None
        The next receiving opening, by day (``None``: always open).
    pickups : CutoffTable
        The mode's next cut-off, by day (of the scenario's calendar).
    """

    __slots__ = (
        "damage_u",
        "extra_damage_u",
        "extra_transit_h",
        "fleet",
        "mode",
        "mode_name",
        "opening",
        "pickups",
        "receiving",
        "transit_h",
    )

    def __init__(
        self,
        mode: ShippingMode,
        fleet: FleetDispatcher | None,
        transit_h: Sampler,
        extra_transit_h: Sampler,
        damage_u: Sampler,
        extra_damage_u: Sampler,
        mode_name: str = "",
        receiving: Calendar | None = None,
        calendar: Calendar | None = None,
    ) -> None:
        self.mode_name = mode_name
        self.receiving = receiving
        self.opening = OpeningTable(receiving) if receiving is not None else None
        self.pickups = CutoffTable(calendar, mode.cutoff_hours)
        self.mode = mode
        self.fleet = fleet
        self.transit_h = transit_h
        self.extra_transit_h = extra_transit_h
        self.damage_u = damage_u
        self.extra_damage_u = extra_damage_u

    def damaged(self) -> bool:
        """Draw whether the first shipment of an order arrives damaged."""
        return self.damage_u() < self.mode.damage_probability

    def draw_remainder(self, order: Order) -> None:
        """Draw the transit time and damage of a possible remainder shipment of a new ``order``.

        Drawn for every order at its creation (from streams of their own), whether or not a
        remainder ships, so a change of stock shifts no order's draws.
        """
        order.remainder_transit_h = self.extra_transit_h()
        order.remainder_damaged = self.extra_damage_u() < self.mode.damage_probability


class _CarrierLedger:
    """Measured shipments of one carrier mode per tier, and the cost of its on-demand pickups
    (a mode without cut-offs: one pickup per shipment)."""

    __slots__ = ("on_demand_pickups_usd", "on_demand_surcharge_usd", "shipments_by_tier")

    def __init__(self) -> None:
        self.shipments_by_tier: dict[str, int] = {}
        self.on_demand_pickups_usd: dict[str, float] = {}
        self.on_demand_surcharge_usd: dict[str, float] = {}


class ShippingStation:
    """The shipping modes of one run and their fleets.

    Parameters
    ----------
    env : simpy.Environment
        The simulation clock (hours).
    scenario : Scenario
        The scenario (``shipping`` must be enabled).
    replication : int
        Replication index; selects the random streams.
    """

    def __init__(self, env: simpy.Environment, scenario: Scenario, replication: int) -> None:
        self.env = env
        self.scenario = scenario
        self.replication = replication
        self.calendar = scenario.calendar
        self.expediting_usd = scenario.costs.expediting_usd_per_shipment
        self.fleets: dict[str, FleetDispatcher] = {
            name: FleetDispatcher(env, name, mode, scenario.calendar)
            for name, mode in scenario.shipping.modes.items()
            if mode.kind == "fleet"
        }
        self.carriers: dict[str, _CarrierLedger] = {
            name: _CarrierLedger()
            for name, mode in scenario.shipping.modes.items()
            if mode.kind == "carrier"
        }

    def lane(self, tier_name: str) -> ShipLane | None:
        """The shipping lane of ``tier_name`` (None if the tier names no mode)."""
        mode_name = self.scenario.tiers[tier_name].shipping_mode
        if mode_name is None:
            return None
        mode = self.scenario.shipping.modes[mode_name]
        seed, rep = self.scenario.seed, self.replication
        return ShipLane(
            mode,
            self.fleets.get(mode_name),
            make_sampler(mode.transit_time_h, stream(seed, rep, f"transit/{tier_name}")),
            make_sampler(mode.transit_time_h, stream(seed, rep, f"transit_extra/{tier_name}")),
            uniform_stream(seed, rep, f"damage/{tier_name}"),
            uniform_stream(seed, rep, f"damage_extra/{tier_name}"),
            mode_name,
            receiving_calendar(self.scenario, tier_name),
            self.calendar,
        )

    def ship(
        self, order: Order, lane: ShipLane, transit_h: float, damaged: bool, first: bool
    ) -> Generator[Step, Any, None]:
        """Hand a packed shipment of ``order`` over and deliver it after ``transit_h`` hours,
        at the next receiving opening if it arrives outside the tier's receiving hours.

        ``first`` is False for the remainder of a partial order (an expedited extra shipment).
        The order cycle yields the same steps itself for the first shipment: :meth:`pick_up`
        (a carrier) or the fleet's ``board`` and :meth:`boarded`, the delay, the wait for
        ``lane.opening``.
        """
        env = self.env
        t0 = env._now
        if lane.fleet is None:
            delay = self.pick_up(order, lane, transit_h)
        else:
            yield lane.fleet.board(order.tier.priority)
            delay = self.boarded(order, lane, transit_h)
        if not first and order.measured:
            order.tier.acc.direct_cost_usd += self.expediting_usd
        if delay > 0:
            yield delay
        if lane.opening is not None:
            wait_h = lane.opening.wait_h(env._now)
            if wait_h > 0:  # the customer is closed: delivered at the next opening
                yield wait_h
        if damaged:
            order.damaged = True
        order.stage_h[_SHIPPING] += env._now - t0

    def pick_up(self, order: Order, lane: ShipLane, transit_h: float) -> float:
        """A carrier takes a shipment of ``order`` at its next cut-off: counts and prices it,
        and returns the hours until it reaches the customer (to the cut-off, then
        ``transit_h``)."""
        now = self.env._now
        pickup_h = lane.pickups.next_h(now)
        if order.measured:
            tier = order.tier
            tier.acc.direct_cost_usd += lane.mode.cost_usd_per_shipment
            self._count_carrier_shipment(lane, tier.name, pickup_h)
        return pickup_h - now + transit_h

    def boarded(self, order: Order, lane: ShipLane, transit_h: float) -> float:
        """A shipment of ``order`` has left on the fleet: counts it and returns the hours until
        it reaches the customer (``transit_h``)."""
        if order.measured:
            assert lane.fleet is not None
            shipped, name = lane.fleet.shipments_by_tier, order.tier.name
            shipped[name] = shipped.get(name, 0) + 1
        return transit_h

    def _count_carrier_shipment(self, lane: ShipLane, tier_name: str, pickup_h: float) -> None:
        """Count a measured carrier shipment; without cut-offs, price its own pickup."""
        ledger, mode = self.carriers[lane.mode_name], lane.mode
        shipped = ledger.shipments_by_tier
        shipped[tier_name] = shipped.get(tier_name, 0) + 1
        if mode.cutoff_hours:
            return
        if mode.cost_usd_per_pickup:
            pickups = ledger.on_demand_pickups_usd
            pickups[tier_name] = pickups.get(tier_name, 0.0) + mode.cost_usd_per_pickup
        late_h = mode.late_pickup_h(pickup_h % HOURS_PER_DAY)
        if late_h and mode.late_pickup_surcharge_usd_per_h:
            surcharge = ledger.on_demand_surcharge_usd
            surcharge[tier_name] = (
                surcharge.get(tier_name, 0.0) + late_h * mode.late_pickup_surcharge_usd_per_h
            )

    def cost_shares(
        self, tiers: dict[str, TierRun], window: tuple[float, float], costs: Costs
    ) -> list[CostShare]:
        """The fleets' costs and the carriers' pickups over ``window`` (hours).

        A carrier's scheduled pickups: ``cost_usd_per_pickup`` per cut-off and working day of
        the window, plus the late surcharge of every cut-off past ``late_pickup_after_hour``;
        allocated by the tiers' measured shipments on the mode (equally over the tiers naming
        it when none shipped). A mode no tier names has no pickups.
        """
        shares = [fleet.cost_share(tiers, window, costs) for fleet in self.fleets.values()]
        work_days = working_days_between(self.calendar, *window)
        for name, ledger in self.carriers.items():
            mode = self.scenario.shipping.modes[name]
            users = [t for t, run in tiers.items() if run.spec.shipping_mode == name]
            if not users:
                continue
            if mode.cutoff_hours:
                pickups = mode.cost_usd_per_pickup * len(mode.cutoff_hours) * work_days
                late_h = sum(mode.late_pickup_h(h) for h in mode.cutoff_hours)
                surcharge = mode.late_pickup_surcharge_usd_per_h * late_h * work_days
                weights = {t: float(n) for t, n in ledger.shipments_by_tier.items()}
                if not weights:
                    weights = dict.fromkeys(users, 1.0)
                items = {"pickups": pickups, "late_pickup_surcharge": surcharge}
                if pickups > 0 or surcharge > 0:
                    shares.append(CostShare(items, weights))
                continue
            for item, by_tier in (
                ("pickups", ledger.on_demand_pickups_usd),
                ("late_pickup_surcharge", ledger.on_demand_surcharge_usd),
            ):
                for tier_name, usd in by_tier.items():
                    shares.append(CostShare({item: usd}, {tier_name: 1.0}))
        return shares
