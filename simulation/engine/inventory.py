"""Inventory: replenishment policies, stock points per product family, and order allocation.

A policy says how much to order for a given inventory position (on hand + on order −
backordered); :func:`policy_from_spec` turns a scenario policy into one of the pure policies
(:class:`ReorderPointPolicy` (s, Q), :class:`BaseStockPolicy`, :class:`PeriodicReviewPolicy`),
testable without SimPy. A :class:`StockPoint` holds the stock of one family and places the
policy's orders, each arriving after a random lead time. Demand is allocated line by line; a line
the stock cannot cover is short: it is backordered (its event fires when replenishment covers it)
or lost, as the scenario says. On-hand stock is integrated over time for holding cost.

Stock rationing by tier (a critical-level policy): a family's ``reserve_units`` keeps units
back from a tier for the tiers served before it. A line of tier X takes stock only down to
``reserve_units[X]``: the fill available to it is ``max(0, on_hand − reserve_X)``; what it
cannot get is short, under the same rule (backorder, partial, lost) as a stock-out. A
replenishment covers the waiting backorders in arrival order, each only from the stock above
its own tier's reserve: a lower tier's backorder that the reserve blocks keeps its place while
a later, higher-tier backorder behind it is covered from the reserve. With every reserve 0 the
allocation is the plain first-come, first-served one (same numbers, no random draws added).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Generator
from typing import Any, NamedTuple

import simpy

from tierwise.simulation.engine.costing import CostShare
from tierwise.simulation.engine.order import OrderLine, Shortage
from tierwise.simulation.engine.results import TierAccumulator
from tierwise.simulation.engine.rng import stream
from tierwise.simulation.engine.tier import TierRun
from tierwise.simulation.scenario.distributions import make_sampler
from tierwise.simulation.scenario.inventory_schema import InventoryFamily, InventoryPolicy
from tierwise.simulation.scenario.schema import Scenario

__all__ = [
    "BaseStockPolicy",
    "Inventory",
    "PeriodicReviewPolicy",
    "Policy",
    "ReorderPointPolicy",
    "StockPoint",
    "policy_from_spec",
]

HOURS_PER_DAY = 24.0
HOURS_PER_YEAR = 365.0 * HOURS_PER_DAY


class ReorderPointPolicy(NamedTuple):
    """(s, Q): continuous review; whenever the position is at or below s, order lots of Q.

    Attributes
    ----------
    reorder_point_units : float
        s, units.
    lot_units : float
        Q, units per replenishment order.
    """

    reorder_point_units: float
    lot_units: float

    @property
    def review_period_h(self) -> float | None:
        """None: continuous review (the policy is consulted after every demand)."""
        return None

    @property
    def target_units(self) -> float:
        """Default initial stock, s + Q units."""
        return self.reorder_point_units + self.lot_units

    def order_quantity(self, position: float) -> float:
        """Units to order at inventory position ``position``.

        The smallest multiple of Q that lifts the position above s (0 when it is above s).
        """
        if position > self.reorder_point_units:
            return 0.0
        lots = math.floor((self.reorder_point_units - position) / self.lot_units) + 1
        return lots * self.lot_units

    def orders(self, position: float) -> list[float]:
        """The replenishment orders placed at ``position``: one per lot of Q."""
        if position > self.reorder_point_units:  # the common case, checked after every demand
            return []
        return [self.lot_units] * round(self.order_quantity(position) / self.lot_units)


class BaseStockPolicy(NamedTuple):
    """Base stock S: continuous one-for-one replenishment up to S.

    Attributes
    ----------
    base_stock_units : float
        S, units.
    """

    base_stock_units: float

    @property
    def review_period_h(self) -> float | None:
        """None: continuous review (the policy is consulted after every demand)."""
        return None

    @property
    def target_units(self) -> float:
        """Default initial stock, S units."""
        return self.base_stock_units

    def order_quantity(self, position: float) -> float:
        """Units to order at ``position``: the gap to S (0 at or above S)."""
        return max(self.base_stock_units - position, 0.0)

    def orders(self, position: float) -> list[float]:
        """The replenishment orders placed at ``position``: one for the whole gap, if any."""
        gap = self.base_stock_units - position
        return [gap] if gap > 0 else []


class PeriodicReviewPolicy(NamedTuple):
    """Periodic review: every review period, order up to S.

    Attributes
    ----------
    base_stock_units : float
        S (order-up-to level), units.
    review_period_h : float
        Time between reviews, hours (the first review at time 0).
    """

    base_stock_units: float
    review_period_h: float

    @property
    def target_units(self) -> float:
        """Default initial stock, S units."""
        return self.base_stock_units

    def order_quantity(self, position: float) -> float:
        """Units to order at a review at ``position``: the gap to S (0 at or above S)."""
        return max(self.base_stock_units - position, 0.0)

    def orders(self, position: float) -> list[float]:
        """The replenishment orders placed at a review at ``position``."""
        gap = self.base_stock_units - position
        return [gap] if gap > 0 else []


Policy = ReorderPointPolicy | BaseStockPolicy | PeriodicReviewPolicy


def policy_from_spec(spec: InventoryPolicy) -> Policy:
    """The pure policy of a scenario's ``policy`` block."""
    if spec.kind == "sQ":
        assert spec.reorder_point_units is not None and spec.order_quantity_units is not None
        return ReorderPointPolicy(float(spec.reorder_point_units), float(spec.order_quantity_units))
    assert spec.base_stock_units is not None
    if spec.kind == "base_stock":
        return BaseStockPolicy(float(spec.base_stock_units))
    assert spec.review_period_days is not None
    return PeriodicReviewPolicy(
        float(spec.base_stock_units), spec.review_period_days * HOURS_PER_DAY
    )


class _Backorder:
    """A short line waiting for stock: units still missing, the event that fires when none,
    and the reserve of its tier (units it may not take)."""

    __slots__ = ("covered", "missing_units", "reserve_units")

    def __init__(self, missing_units: float, covered: simpy.Event, reserve_units: float) -> None:
        self.missing_units = missing_units
        self.covered = covered
        self.reserve_units = reserve_units


class StockPoint:
    """Stock of one product family.

    Parameters
    ----------
    env : simpy.Environment
        The simulation clock (hours).
    family : InventoryFamily
        Policy, initial stock, value and the reserves by tier (``reserve_units``).
    lead_time_h : Callable[[], float]
        Sampler of replenishment lead times, hours.
    window : tuple of float
        Measurement window (start, end), hours.
    """

    def __init__(
        self,
        env: simpy.Environment,
        family: InventoryFamily,
        lead_time_h: Callable[[], float],
        window: tuple[float, float],
    ) -> None:
        self.env = env
        self.policy: Policy = policy_from_spec(family.policy)
        self.periodic = self.policy.review_period_h is not None
        #: the highest inventory position at which the continuous review may order
        self._order_level = (
            -math.inf
            if self.periodic
            else self.policy.reorder_point_units
            if isinstance(self.policy, ReorderPointPolicy)
            else math.inf
        )
        self.lead_time_h = lead_time_h
        self.window_start_h, self.window_end_h = window
        self.on_hand = float(
            family.initial_units if family.initial_units is not None else self.policy.target_units
        )
        self.on_order = 0.0
        self.backordered = 0.0
        #: units kept back from each tier (tiers not listed: 0)
        self.reserve_units = {t: float(r) for t, r in family.reserve_units.items() if r > 0}
        self.waiting: deque[_Backorder] = deque()  # first come, first covered
        self._last_change_h = 0.0
        self.on_hand_area = 0.0  # unit-hours inside the window
        self.demand_lines = 0
        self.filled_lines = 0
        self.replenishments = 0
        self.periods = 0
        self.periods_without_stockout = 0
        self.shortage_units = 0.0
        self._stockout_this_period = False
        if self.periodic:
            env.process(self._review())
        else:
            self._replenish_if_needed()

    @property
    def position(self) -> float:
        """Inventory position: on hand + on order − backordered (units)."""
        return self.on_hand + self.on_order - self.backordered

    def _integrate(self) -> None:
        now = self.env._now
        a = max(self._last_change_h, self.window_start_h)
        b = min(now, self.window_end_h)
        if b > a:
            self.on_hand_area += self.on_hand * (b - a)
        self._last_change_h = now

    def demand(
        self, units: float, measured: bool, keep_short: bool, tier: str | None = None
    ) -> simpy.Event | None:
        """Allocate one line of ``units`` ordered by ``tier``.

        The line takes stock only down to the tier's reserve (``reserve_units[tier]``, 0 for a
        tier not listed or ``tier=None``). Returns ``None`` when the line is filled from stock
        now, otherwise an event that fires when the line is covered (``keep_short``: the
        available units are taken now, the rest is backordered) or never (a lost line).
        """
        if measured:
            self.demand_lines += 1
        reserve = self.reserve_units.get(tier, 0.0) if self.reserve_units and tier else 0.0
        available = self.on_hand - reserve if reserve else self.on_hand
        if available >= units:
            # filled from stock (the common case): _integrate and the review, inlined
            now = self.env._now
            a = self._last_change_h
            if a < self.window_start_h:
                a = self.window_start_h
            b = now if now < self.window_end_h else self.window_end_h
            if b > a:
                self.on_hand_area += self.on_hand * (b - a)
            self._last_change_h = now
            self.on_hand -= units
            if measured:
                self.filled_lines += 1
            # a continuous review orders only at or below its order level (an (s, Q) policy's
            # s; a base-stock policy orders after every demand; a periodic review never here)
            if self.on_hand + self.on_order - self.backordered <= self._order_level:
                self._replenish_if_needed()
            return None
        now = self.env._now
        if available < 0.0:
            available = 0.0  # stock at or below the reserve: nothing for this tier
        if now >= self.window_start_h:
            self._stockout_this_period = True
        if measured:
            self.shortage_units += units - available if keep_short else units
        if not keep_short:
            self._replenish_if_needed()
            return self.env.event()  # never fires: the line is lost
        self._integrate()
        missing = units - available
        self.on_hand -= available
        self.backordered += missing
        covered = self.env.event()
        self.waiting.append(_Backorder(missing, covered, reserve))
        self._replenish_if_needed()
        return covered

    def _replenish_if_needed(self) -> None:
        """Continuous review: place the policy's orders for the current position."""
        if self.periodic:
            return
        for quantity in self.policy.orders(self.position):
            self._order(quantity)

    def _order(self, quantity: float) -> None:
        self.on_order += quantity
        self.replenishments += int(self.window_start_h <= self.env.now < self.window_end_h)
        lead = self.lead_time_h()
        if lead <= 0:
            self._receive(quantity)
        else:
            self.env.process(self._deliver(quantity, lead))

    def _deliver(self, quantity: float, lead_h: float) -> Generator[simpy.Event, Any, None]:
        yield self.env.timeout(lead_h)
        self._receive(quantity)

    def _receive(self, quantity: float) -> None:
        """Book a delivery: cover the waiting backorders in arrival order, each from the stock
        above its tier's reserve; the rest goes on hand."""
        self._integrate()
        self.on_order -= quantity
        if not self.reserve_units:
            self._cover_first_come(quantity)
            return
        self.on_hand += quantity
        still_waiting: deque[_Backorder] = deque()
        for entry in self.waiting:
            available = self.on_hand - entry.reserve_units
            if available > 0:
                take = min(entry.missing_units, available)
                entry.missing_units -= take
                self.on_hand -= take
                self.backordered -= take
            if entry.missing_units <= 1e-9:
                entry.covered.succeed()
            else:
                still_waiting.append(entry)
        self.waiting = still_waiting

    def _cover_first_come(self, quantity: float) -> None:
        """Without reserves: the delivery covers the backorders first come, first covered."""
        available = quantity
        while self.waiting and available > 0:
            entry = self.waiting[0]
            take = min(entry.missing_units, available)
            entry.missing_units -= take
            available -= take
            self.backordered -= take
            if entry.missing_units <= 1e-9:
                self.waiting.popleft()
                entry.covered.succeed()
        self.on_hand += available

    def _review(self) -> Generator[simpy.Event, Any, None]:
        policy = self.policy
        assert policy.review_period_h is not None
        period_h = policy.review_period_h
        while True:
            if self.window_start_h < self.env.now <= self.window_end_h + 1e-9:
                self.periods += 1
                self.periods_without_stockout += int(not self._stockout_this_period)
            self._stockout_this_period = False
            for quantity in policy.orders(self.position):
                self._order(quantity)
            yield self.env.timeout(period_h)

    def close(self) -> None:
        """Finish the holding-cost integral at the current time."""
        self._integrate()

    def metrics(self) -> dict[str, float]:
        """Per-family results over the measurement window."""
        hours = self.window_end_h - self.window_start_h
        days = hours / 24.0
        out = {
            "line_fill_rate": self.filled_lines / self.demand_lines
            if self.demand_lines
            else float("nan"),
            "mean_on_hand_units": self.on_hand_area / hours if hours else float("nan"),
            "shortage_units_per_day": self.shortage_units / days if days else float("nan"),
            "replenishments": float(self.replenishments),
        }
        if self.periodic:
            out["no_stockout_period_rate"] = (
                self.periods_without_stockout / self.periods if self.periods else float("nan")
            )
            out["shortage_units_per_period"] = (
                self.shortage_units / self.periods if self.periods else float("nan")
            )
        return out


class Inventory:
    """The stock points of one run and the allocation of order lines to them.

    Parameters
    ----------
    env : simpy.Environment
        The simulation clock (hours).
    scenario : Scenario
        The scenario (``inventory`` must be enabled).
    replication : int
        Replication index; selects the lead-time streams (``lead_time/<family>``).
    window : tuple of float
        Measurement window (start, end), hours.
    """

    def __init__(
        self,
        env: simpy.Environment,
        scenario: Scenario,
        replication: int,
        window: tuple[float, float],
    ) -> None:
        inv = scenario.inventory
        self.env = env
        self.window = window
        self.shortage = inv.shortage
        self.keep_short = inv.shortage != "lost"
        self.families = dict(inv.families)
        self.family_names = list(inv.families)
        self.family_index = {name: i for i, name in enumerate(self.family_names)}
        #: units ordered by the measured orders of each tier, by family index
        self.units_by_tier: dict[str, list[float]] = {}
        self.points = [
            StockPoint(
                env,
                family,
                make_sampler(
                    family.lead_time_days,
                    stream(scenario.seed, replication, f"lead_time/{name}"),
                    HOURS_PER_DAY,
                ),
                window,
            )
            for name, family in inv.families.items()
        ]

    def allocate(
        self, lines: list[OrderLine], measured: bool, acc: TierAccumulator, tier: str
    ) -> list[Shortage]:
        """Take the lines of an order of ``tier`` from stock, in line order; the lines that are
        short (a stock-out, or stock held back by the family's reserve for the tier).

        Counts the lines and the lines filled of a measured order in the tier's ``acc``, and
        its units per family (:attr:`units_by_tier`).
        """
        points, keep_short = self.points, self.keep_short
        short: list[Shortage] = []
        now = self.env._now
        start_h, end_h = self.window
        until_h = now if now < end_h else end_h  # the end of a holding-cost interval now
        by_family: list[float] = []
        if measured:
            acc.lines += len(lines)
            by_family = self.units_by_tier.get(tier) or self.units_by_tier.setdefault(
                tier, [0.0] * len(points)
            )
        for line in lines:
            family, units, _ = line
            point = points[family]
            if measured:
                by_family[family] += units
            if point.reserve_units or point.on_hand < units:
                covered = point.demand(units, measured, keep_short, tier)
                if covered is not None:
                    short.append(Shortage(line, covered))
                continue
            # filled from stock, no reserve: StockPoint.demand's common path, inlined (the
            # same operations in the same order; every point shares the window and the clock)
            if measured:
                point.demand_lines += 1
                point.filled_lines += 1
            from_h = point._last_change_h
            if from_h < start_h:
                from_h = start_h
            if until_h > from_h:
                point.on_hand_area += point.on_hand * (until_h - from_h)
            point._last_change_h = now
            point.on_hand -= units
            if point.on_hand + point.on_order - point.backordered <= point._order_level:
                point._replenish_if_needed()
        if measured:
            acc.lines_filled += len(lines) - len(short)
        return short

    def cost_shares(
        self, tiers: dict[str, TierRun], holding_rate_per_year: float
    ) -> list[CostShare]:
        """Holding and replenishment-order cost per family, allocated by units demanded.

        Closes the holding-cost integrals at the current time.
        """
        shares = []
        no_units = [0.0] * len(self.points)
        for k, (name, point) in enumerate(zip(self.family_names, self.points, strict=True)):
            point.close()
            family = self.families[name]
            holding = point.on_hand_area * family.unit_value_usd * holding_rate_per_year
            holding /= HOURS_PER_YEAR
            replenishment = point.replenishments * family.replenishment_order_cost_usd
            demand = {t: self.units_by_tier.get(t, no_units)[k] for t in tiers}
            shares.append(CostShare({"holding": holding, "replenishment": replenishment}, demand))
        return shares

    def metrics(self) -> dict[str, dict[str, float]]:
        """``family → metric → value`` over the measurement window."""
        return {
            name: point.metrics()
            for name, point in zip(self.family_names, self.points, strict=True)
        }
