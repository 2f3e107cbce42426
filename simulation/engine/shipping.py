"""Shipping and delivery: carrier modes with dispatch cut-offs, and the own fleet's dispatcher.

A carrier takes a packed order at the next cut-off (at once when the mode has none) and
charges per shipment. An own fleet leaves at each cut-off of a working day with ``vehicles``
vehicles of ``vehicle_capacity_orders`` orders each; waiting orders board by tier priority,
then first come first served, and whoever does not fit waits for the next cut-off. The fleet's
vehicles are available at every cut-off (a tour is not simulated beyond the order's transit
time). The fleet costs a day rate per vehicle and working day, allocated by shipments.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Generator
from typing import Any, NamedTuple

import simpy

from tierwise.simulation.engine.clock import next_cutoff_h, working_days_between
from tierwise.simulation.engine.costing import CostShare
from tierwise.simulation.engine.order import Order
from tierwise.simulation.engine.rng import stream
from tierwise.simulation.engine.stages import Stage
from tierwise.simulation.engine.tier import EPS, TierRun, uniform_stream
from tierwise.simulation.scenario.distributions import Sampler, make_sampler
from tierwise.simulation.scenario.schema import Calendar, Scenario, ShippingMode

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

    def _dispatch(self) -> Generator[simpy.Event, Any, None]:
        """At each cut-off, send the first ``capacity_orders`` waiting orders.

        The departing orders are released in one step (not through a SimPy store, whose
        ``get`` events would interleave the departures with other events of the same instant).
        """
        env, queue, mode = self.env, self._queue, self.mode
        while True:
            cutoff = next_cutoff_h(self.calendar, mode.cutoff_hours, env.now + EPS)
            yield env.timeout(cutoff - env.now)
            if not queue:
                continue
            leaving = min(len(queue), self.capacity_orders)
            self.tours.append(Tour(env.now, leaving))
            for _ in range(leaving):
                heapq.heappop(queue).departed.succeed()

    def cost_share(
        self, tiers: dict[str, TierRun], work_days: float, vehicle_usd_per_day: float
    ) -> CostShare:
        """Day rate of the vehicles over ``work_days``, allocated by measured shipments."""
        cost = self.mode.vehicles * work_days * vehicle_usd_per_day
        shipped = {t: float(n) for t, n in self.shipments_by_tier.items()}
        if not shipped:
            shipped = {t: 1.0 for t, run in tiers.items() if run.spec.shipping_mode == self.name}
        return CostShare({"vehicles": cost}, shipped)


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
    """

    __slots__ = ("damage_u", "extra_damage_u", "extra_transit_h", "fleet", "mode", "transit_h")

    def __init__(
        self,
        mode: ShippingMode,
        fleet: FleetDispatcher | None,
        transit_h: Sampler,
        extra_transit_h: Sampler,
        damage_u: Sampler,
        extra_damage_u: Sampler,
    ) -> None:
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
        )

    def ship(
        self, order: Order, lane: ShipLane, transit_h: float, damaged: bool, first: bool
    ) -> Generator[simpy.Event, Any, None]:
        """Hand a packed shipment of ``order`` over and deliver it after ``transit_h`` hours.

        ``first`` is False for the remainder of a partial order (an expedited extra shipment).
        """
        env, mode, tier = self.env, lane.mode, order.tier
        t0 = env.now
        fleet = lane.fleet
        if fleet is not None:
            yield fleet.board(tier.priority)
            if order.measured:
                shipped = fleet.shipments_by_tier
                shipped[tier.name] = shipped.get(tier.name, 0) + 1
            delay = transit_h
        else:
            delay = next_cutoff_h(self.calendar, mode.cutoff_hours, env.now) - env.now + transit_h
            if order.measured:
                tier.acc.direct_cost_usd += mode.cost_usd_per_shipment
        if not first and order.measured:
            tier.acc.direct_cost_usd += self.expediting_usd
        if delay > 0:
            yield env.timeout(delay)
        if damaged:
            order.damaged = True
        order.stage_h[_SHIPPING] += env.now - t0

    def cost_shares(
        self, tiers: dict[str, TierRun], window: tuple[float, float], vehicle_usd_per_day: float
    ) -> list[CostShare]:
        """The fleets' vehicle costs over the working days of ``window`` (hours)."""
        if not self.fleets:
            return []
        work_days = working_days_between(self.calendar, *window)
        return [
            fleet.cost_share(tiers, work_days, vehicle_usd_per_day)
            for fleet in self.fleets.values()
        ]
