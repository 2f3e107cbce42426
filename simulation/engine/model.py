"""The SimPy order-cycle model: the stations of one run, wired together, one process per order.

Order cycle (customer's view): transmission → order entry (:mod:`.desk`) → processing → stock
allocation (:mod:`.inventory`) → picking and packing (:mod:`.picking`) → shipping and delivery
(:mod:`.shipping`); then, for an imperfect order, a possible complaint handled by the recovery
desk (:mod:`.recovery`). Every random attribute of an order is drawn when the order is created,
from streams named after the tier and the attribute (common random numbers). Each station owns
its SimPy resource, its bookkeeping, its utilisation and its cost; the run sums the costs.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator, Iterator
from functools import partial
from itertools import islice, repeat
from typing import Any, NamedTuple

import simpy

from tierwise.simulation.engine.arrivals import ArrivalStream
from tierwise.simulation.engine.clock import staffed_hours, working_days_between
from tierwise.simulation.engine.costing import CostShare, sum_costs, tier_line_items
from tierwise.simulation.engine.desk import DeskLane, OrderDesk
from tierwise.simulation.engine.environment import (
    LeanEnvironment,
    Step,
    delays_as_timeouts,
    fewer_collections,
)
from tierwise.simulation.engine.inventory import Inventory
from tierwise.simulation.engine.order import (
    NO_FAMILY,
    Order,
    OrderLine,
    OrderRecord,
    Shortage,
)
from tierwise.simulation.engine.picking import PickingStation, PickLane
from tierwise.simulation.engine.recovery import RecoveryDesk, RecoveryLane
from tierwise.simulation.engine.results import FLUSH_EVERY, RunResult, tier_metrics
from tierwise.simulation.engine.shipping import ShipLane, ShippingStation
from tierwise.simulation.engine.staffing import StaffedPool
from tierwise.simulation.engine.stages import Stage
from tierwise.simulation.engine.tier import EPS, TierRun
from tierwise.simulation.scenario.hours import Calendar
from tierwise.simulation.scenario.schema import Scenario

__all__ = [
    "GC_YOUNG_THRESHOLD",
    "DrawLog",
    "Lanes",
    "OrderCycleModel",
    "OrderRecord",
    "RunFunction",
]

#: An order's process: it yields events and plain delays (hours)
Process = Generator[Step, Any, None]

# plain ints index an order's stage times faster than the enum members
_TRANSMISSION = Stage.TRANSMISSION.value
_ORDER_ENTRY = Stage.ORDER_ENTRY.value
_PROCESSING = Stage.PROCESSING.value
_STOCK_WAIT = Stage.STOCK_WAIT.value
_SHIPPING = Stage.SHIPPING.value
#: The one line of an order when neither picking nor inventory is simulated.
_SINGLE_LINE = OrderLine(NO_FAMILY, 1, 0.0)
#: ``_new_line((family, units, pick_h))`` makes an OrderLine in C (a named tuple's own
#: constructor is a Python function)
_new_line = partial(tuple.__new__, OrderLine)

#: Allocations between two collections of young objects while a run's events are processed
#: (a run's orders and events in flight survive collections and make each one expensive; its
#: garbage is freed by reference counting, hardly any of it is cyclic).
GC_YOUNG_THRESHOLD = 50_000

#: The random draws each order used, by (tier, creation index) → attribute → value.
DrawLog = dict[tuple[str, int], dict[str, float]]


def _never(event: simpy.Event) -> bool:
    """An event is not processed before its turn (SimPy's own loop)."""
    return False


class Lanes(NamedTuple):
    """One tier's lanes through the stations (``None`` where the stage is off)."""

    entry: DeskLane | None
    picking: PickLane | None
    shipping: ShipLane | None
    recovery: RecoveryLane | None


class OrderCycleModel:
    """One simulation run of a scenario.

    Parameters
    ----------
    scenario : Scenario
        The validated scenario.
    replication : int
        Replication index; selects the random streams.
    record_orders : bool
        Keep one :class:`OrderRecord` per measured order (memory grows with the horizon).
    log_draws : bool
        Keep, in :attr:`draw_log`, the shipping and recovery draws each order used, at the
        moment it used them (a test hook for common random numbers; memory grows with the
        horizon).
    environment : callable
        Makes the event loop (:class:`LeanEnvironment`; ``simpy.Environment`` gives the same
        numbers, more slowly: a test hook).
    """

    def __init__(
        self,
        scenario: Scenario,
        replication: int,
        record_orders: bool = False,
        log_draws: bool = False,
        environment: Callable[[], simpy.Environment] = LeanEnvironment,
    ) -> None:
        sc = scenario
        self.scenario = scenario
        self.replication = replication
        self.env = env = environment()
        #: starts a process nothing waits for, which may yield plain delays
        #: (LeanEnvironment.start; on SimPy's own, a process with the delays as timeouts)
        self.start: Callable[[Process], object] = (
            env.start
            if isinstance(env, LeanEnvironment)
            else lambda generator: env.process(delays_as_timeouts(env, generator))
        )
        #: processes a granted request at once if it is the next event (LeanEnvironment.
        #: take_next; never on SimPy's own loop)
        self.take_next: Callable[[simpy.Event], bool] = (
            env.take_next if isinstance(env, LeanEnvironment) else _never
        )
        self.window_start_h = sc.warmup_days * 24.0
        self.window_end_h = sc.horizon_days * 24.0
        self.drain_end_h = self.window_end_h + sc.drain_days * 24.0
        window = (self.window_start_h, self.window_end_h)
        self.records: list[OrderRecord] | None = [] if record_orders else None
        self.draw_log: DrawLog | None = {} if log_draws else None
        self.open_orders = 0
        self.arrivals_running = len(sc.tiers)
        self.finished = env.event()
        self.tiers = {name: TierRun(name, t, sc, replication) for name, t in sc.tiers.items()}
        # The stations. Processes start in this order (shifts of the desk pools, pickers and
        # recovery team; stock reviews and replenishments; fleet dispatchers), which fixes the
        # order of events at the same instant and so the same-seed numbers.
        self.desk = OrderDesk(env, sc, replication, window) if sc.order_entry.enabled else None
        self.picking = PickingStation(env, sc, replication, window) if sc.picking.enabled else None
        self.recovery = RecoveryDesk(env, sc, replication, window) if sc.recovery.enabled else None
        if sc.calendar is not None:
            for pool, shift in self._staffed_pools():
                pool.start_shifts(shift)
        self.inventory = Inventory(env, sc, replication, window) if sc.inventory.enabled else None
        self.shipping = ShippingStation(env, sc, replication) if sc.shipping.enabled else None
        #: each tier's lanes through the stations (None where a stage is off)
        self.lanes: dict[str, Lanes] = {
            name: Lanes(
                self.desk.lane(name) if self.desk is not None else None,
                self.picking.lane(name) if self.picking is not None else None,
                self.shipping.lane(name) if self.shipping is not None else None,
                self.recovery.lane(name) if self.recovery is not None else None,
            )
            for name in self.tiers
        }
        for name, tier in self.tiers.items():
            tier.lanes = self.lanes[name]
            if self.inventory is not None:
                index = self.inventory.family_index
                tier.wire_families([index[f] for f in tier.spec.family_mix or {}])
        #: a partial shipment can leave a remainder (its draws are made for every order)
        self.remainders = self.inventory is not None and self.inventory.shortage == "partial"

    def _staffed_pools(self) -> Iterator[tuple[StaffedPool, Calendar]]:
        """The pools on a shift calendar and their shifts: desk pools, pickers (until the last
        cut-off when it is after closing), recovery team."""
        calendar = self.scenario.calendar
        assert calendar is not None
        if self.desk is not None:
            for pool in self.desk.pools.values():
                yield pool, calendar
        if self.picking is not None:
            yield self.picking.pool, self.picking.calendar or calendar
        if self.recovery is not None and self.recovery.team is not None:
            yield self.recovery.team, calendar

    # ----------------------------------------------------------------- arrivals
    def _new_order(self, tier: TierRun, now: float) -> Order:
        """Create and count the order of ``tier`` arriving at ``now`` (hours)."""
        measured = self.window_start_h <= now < self.window_end_h
        order = Order(tier, tier.orders_created, now, measured)
        tier.orders_created += 1
        if measured:
            tier.acc.arrived += 1
            tier.open_orders += 1
        self.open_orders += 1
        return order

    def _arrivals_ended(self) -> None:
        """A tier's last order has arrived."""
        self.arrivals_running -= 1
        self._maybe_finish()

    # ----------------------------------------------------------------- the order cycle
    def _order_cycle(self, order: Order) -> Process:
        env, tier = self.env, order.tier
        take_next = self.take_next
        measured = order.measured
        stage = order.stage_h
        # ---- attributes drawn at creation (common random numbers); only for enabled stages
        route = tier.single_route or tier.route()
        order.channel = route.channel
        transmission_h = route.transmission_h() if route.transmission_h is not None else 0.0
        entry, picking, ship, recovery = tier.lanes
        if entry is not None:
            handling_h = entry.handling_h()
            patience_h = entry.patience_h() if entry.patience_h is not None else None
        if route.entry_error_probability and tier.entry_error_u() < route.entry_error_probability:
            order.accurate = False
        processing_h = 0.0
        if tier.processing_on:
            processing_h = tier.processing()
            if tier.billing_u() < tier.billing_error_probability:
                order.billed_right = False
        n_lines = 1
        per_order_pick_h = 0.0
        pick_hs: list[float] = []
        if tier.lines_on:
            n_lines = round(tier.lines())
            if n_lines < 1:  # at least one line (a comparison: cheaper than max per order)
                n_lines = 1
            # the lines' draws, n at a time from each stream (the same draws as one by one;
            # the streams are independent, so taking them side by side changes none)
            if picking is not None:
                per_order_pick_h = picking.per_order_h()
                pick_hs = list(islice(picking.per_line_draws, n_lines))
            if tier.stock_on:  # (family, units) come ready from their streams (TierRun)
                lines = list(
                    map(
                        _new_line,
                        zip(
                            islice(tier.family_draws, n_lines),
                            islice(tier.units_draws, n_lines),
                            pick_hs or repeat(0.0, n_lines),
                            strict=True,
                        ),
                    )
                )
            else:
                lines = [_new_line((NO_FAMILY, 1, pick_h)) for pick_h in pick_hs]
        else:
            lines = [_SINGLE_LINE]
        order.lines = lines
        pick_error = picking is not None and picking.picked_wrongly(n_lines)
        if ship is not None:
            damaged = ship.damaged()
            transit_h = ship.transit_h()
            if self.remainders:
                ship.draw_remainder(order)
        if recovery is not None:
            recovery.draw(order)

        # ---- order transmission
        if transmission_h > 0:
            yield transmission_h
            stage[_TRANSMISSION] = transmission_h

        # ---- order entry: the desk's steps, yielded here (no generator per call)
        if entry is not None and route.uses_order_entry:
            desk = self.desk
            assert desk is not None
            call_h = env._now
            request = desk.call(order, entry)
            # answered at once, with nothing else of this instant before: no wait (and no
            # patience timer, which would find the call answered)
            if not take_next(request):
                if patience_h is None:
                    yield request
                else:
                    yield desk.patience(request, patience_h)
                    if request.callbacks is not None:  # not answered: the caller hung up
                        desk.hang_up(order, request)
                        self._lose(order)
                        return
            yield desk.answer(order, entry, call_h, handling_h)
            entry.release(request)
            stage[_ORDER_ENTRY] = env._now - call_h

        # ---- processing (credit check, documents)
        if processing_h > 0:
            yield processing_h
            stage[_PROCESSING] = processing_h

        # ---- stock allocation
        inventory = self.inventory
        if inventory is not None:
            short = inventory.allocate(lines, measured, tier.acc, tier.name)
            if short:
                order.complete = False
                shortage = inventory.shortage
                if shortage == "backorder":
                    t_wait = env.now
                    yield env.all_of([s.covered for s in short])
                    stage[_STOCK_WAIT] = env.now - t_wait
                    order.complete = True
                else:
                    # the lines shipped now: those equal to no short line (value equality)
                    short_lines = [s.line for s in short]
                    lines = [line for line in lines if line not in short_lines]
                    pick_hs = [line.pick_h for line in lines]
                    if shortage == "partial":
                        order.pending_parts += 1
                        self.start(self._remainder(order, short))
        elif measured:
            acc = tier.acc
            acc.lines += n_lines
            acc.lines_filled += n_lines
        if lines:
            if picking is not None:  # the station's steps (PickingStation.pick), yielded here
                station = self.picking
                assert station is not None
                pick_start_h = env._now
                request = picking.request()
                if not take_next(request):
                    yield request
                yield station.start(order, per_order_pick_h + sum(pick_hs))
                picking.release(request)
                station.done(order, pick_start_h)
            if pick_error:
                order.accurate = False
            if ship is not None:  # the station's steps (ShippingStation.ship), yielded here
                if self.draw_log is not None:
                    self._log_draws(order, damaged=damaged, transit_h=transit_h)
                shipping = self.shipping
                assert shipping is not None
                ship_h = env._now
                if ship.fleet is None:
                    delay = shipping.pick_up(order, ship, transit_h)
                else:
                    yield ship.fleet.board(tier.priority)
                    delay = shipping.boarded(order, ship, transit_h)
                if delay > 0:
                    yield delay
                if ship.opening is not None:
                    wait_h = ship.opening.wait_h(env._now)
                    if wait_h > 0:  # the customer is closed: delivered at the next opening
                        yield wait_h
                if damaged:
                    order.damaged = True
                stage[_SHIPPING] += env._now - ship_h
        # the first part is delivered (_part_done, inlined)
        order.pending_parts -= 1
        now = env._now
        if now > order.done_h:
            order.done_h = now
        if order.pending_parts == 0:
            self._complete(order)

    def _remainder(self, order: Order, short: list[Shortage]) -> Process:
        """Second shipment of a partially shipped order, once the stock has arrived."""
        env, tier = self.env, order.tier
        t_wait = env.now
        yield env.all_of([s.covered for s in short])
        order.stage_h[_STOCK_WAIT] = env.now - t_wait
        _, picking, ship, _ = self.lanes[tier.name]
        if picking is not None:
            assert self.picking is not None
            yield from self.picking.pick(order, picking, sum(s.line.pick_h for s in short))
        if ship is not None:
            assert self.shipping is not None
            transit_h, damaged = order.remainder_transit_h, order.remainder_damaged
            if self.draw_log is not None:
                self._log_draws(order, remainder_damaged=damaged, remainder_transit_h=transit_h)
            yield from self.shipping.ship(order, ship, transit_h, damaged, first=False)
        self._part_done(order)

    def _part_done(self, order: Order) -> None:
        order.pending_parts -= 1
        now = self.env._now
        if now > order.done_h:
            order.done_h = now
        if order.pending_parts == 0:
            self._complete(order)

    def _complete(self, order: Order) -> None:
        tier = order.tier
        done_h = order.done_h
        on_time = done_h <= tier.deadline_h(order.created_h) + EPS
        perfect = (
            on_time
            and order.complete
            and not order.damaged
            and order.accurate
            and order.billed_right
        )
        if order.measured:
            acc = tier.acc
            cycle_h = done_h - order.created_h
            tier.open_orders -= 1
            acc.completed += 1
            # the cycle time (sum and histogram) and the stage times, summed in batches
            pending = acc.pending_cycle_h
            pending.append(cycle_h)
            acc.pending_stage_h.append(order.stage_h)
            if len(pending) >= FLUSH_EVERY:
                acc.flush()
            # failures are counted (the common perfect order adds nothing to them)
            if not perfect:
                acc.imperfect += 1
                acc.late += not on_time
                acc.incomplete += not order.complete
                acc.damaged += order.damaged
                acc.inaccurate += not order.accurate
                acc.misbilled += not order.billed_right
            acc.revenue_usd += tier.revenue_per_order_usd
            if not on_time:
                acc.direct_cost_usd += tier.late_penalty_usd
            if self.records is not None:
                self.records.append(
                    OrderRecord(
                        f"{tier.name}-{order.index}",
                        tier.name,
                        order.channel,
                        order.created_h,
                        cycle_h,
                        False,
                        on_time,
                        order.complete,
                        not order.damaged,
                        order.accurate,
                        order.billed_right,
                        perfect,
                        *order.stage_h,
                    )
                )
        if self.recovery is not None and not perfect:
            if self.draw_log is not None:
                self._log_draws(order, complaint_u=order.complaint_u)
            if self.recovery.raises_complaint(order):
                self.start(self._complaint(order))
                return
        # the order leaves (_close, inlined)
        self.open_orders -= 1
        if self.open_orders == 0:
            self._maybe_finish()

    def _lose(self, order: Order) -> None:
        """An abandoned call: the order is lost (a failed order, no cycle time)."""
        tier = order.tier
        if order.measured:
            tier.acc.lost += 1
            tier.open_orders -= 1
            if self.records is not None:
                self.records.append(
                    OrderRecord(
                        f"{tier.name}-{order.index}",
                        tier.name,
                        order.channel,
                        order.created_h,
                        math.nan,
                        True,
                        False,
                        False,
                        False,
                        False,
                        False,
                        False,
                        *order.stage_h,
                    )
                )
        self._close()

    def _complaint(self, order: Order) -> Process:
        """Service recovery of an imperfect order; the order leaves when it is handled."""
        assert self.recovery is not None
        entry = self.lanes[order.tier.name].entry
        if self.draw_log is not None:
            self._log_draws(
                order, recovery_success=order.recovery_success, recovery_h=order.recovery_h
            )
        yield from self.recovery.handle(order, entry.pool if entry is not None else None)
        self._close()

    def _log_draws(self, order: Order, **draws: float) -> None:
        """Note the draws ``order`` uses now (only when the run logs draws)."""
        assert self.draw_log is not None
        self.draw_log.setdefault((order.tier.name, order.index), {}).update(draws)

    def _close(self) -> None:
        """An order leaves the system (delivered and any complaint handled, or lost)."""
        self.open_orders -= 1
        self._maybe_finish()

    def _maybe_finish(self) -> None:
        if self.arrivals_running == 0 and self.open_orders == 0 and not self.finished.triggered:
            self.finished.succeed()

    def _deadline(self) -> Generator[simpy.Event, Any, None]:
        yield self.env.timeout(self.drain_end_h)
        if not self.finished.triggered:
            self.finished.succeed()

    # ----------------------------------------------------------------- run and report
    def run(self) -> RunResult:
        """Simulate to the end of the drain period and return the measured results.

        While the events run, the cyclic garbage collector looks at new objects every
        :data:`GC_YOUNG_THRESHOLD` allocations instead of every 700 (Python's default;
        :func:`~tierwise.simulation.engine.environment.fewer_collections`).
        """
        window = (self.window_start_h, self.window_end_h)
        for tier in self.tiers.values():
            arrivals = ArrivalStream(
                self.env,
                tier,
                window,
                self._new_order,
                self._order_cycle,
                self.start,
                self._arrivals_ended,
            )
            if isinstance(self.env, LeanEnvironment):
                arrivals.begin()
            else:
                self.start(arrivals.process())
        self.env.process(self._deadline())
        with fewer_collections(GC_YOUNG_THRESHOLD):
            self.env.run(until=self.finished)
        return self._result()

    def _cost_shares(self, staffed_h: float) -> list[CostShare]:
        """Every station's cost shares, in the order they are summed."""
        costs, tiers = self.scenario.costs, self.tiers
        loading = costs.wage_loading_factor
        shares: list[CostShare] = []
        window = (self.window_start_h, self.window_end_h)
        if self.desk is not None:
            work_days = working_days_between(self.scenario.calendar, *window)
            shares += self.desk.cost_shares(
                tiers, staffed_h, costs.agent_wage_usd_per_h, loading, work_days
            )
        if self.recovery is not None:
            shares += self.recovery.cost_shares(
                tiers, staffed_h, costs.agent_wage_usd_per_h, loading
            )
        if self.picking is not None:
            shares += self.picking.cost_shares(
                tiers, staffed_h, costs.picker_wage_usd_per_h, loading
            )
        if self.shipping is not None:
            shares += self.shipping.cost_shares(tiers, window, costs)
        if self.inventory is not None:
            shares += self.inventory.cost_shares(tiers, costs.holding_rate_per_year)
        return shares

    def _result(self) -> RunResult:
        sc = self.scenario
        w0, w1 = self.window_start_h, self.window_end_h
        days = (w1 - w0) / 24.0
        staffed_h = staffed_hours(sc.calendar, w0, w1)
        shares = self._cost_shares(staffed_h)
        line_items, tier_cost = sum_costs(shares, list(self.tiers))
        tier_items = tier_line_items(shares, list(self.tiers))
        # per-order costs (carrier, expediting, recovery, late penalties) charged to the tier
        direct = {name: run.acc.direct_cost_usd for name, run in self.tiers.items()}
        line_items["shipping_and_recovery"] = sum(direct.values())
        for name in tier_cost:
            tier_cost[name] += direct[name]
            tier_items[name]["shipping_and_recovery"] += direct[name]
        resources: dict[str, float] = {}
        if self.desk is not None:
            resources.update(self.desk.utilisations(staffed_h))
        if self.recovery is not None:
            resources.update(self.recovery.utilisations(staffed_h))
        if self.picking is not None:
            resources.update(self.picking.utilisations(staffed_h))
        return RunResult(
            scenario_hash=sc.content_hash,
            seed=sc.seed,
            replication=self.replication,
            measured_days=days,
            tiers={
                name: tier_metrics(run.acc, run.open_orders, days, tier_cost[name])
                for name, run in self.tiers.items()
            },
            resources=resources,
            costs={k: v / days for k, v in line_items.items()},
            inventory=self.inventory.metrics() if self.inventory is not None else {},
            tier_costs={
                name: {k: v / days for k, v in items.items()} for name, items in tier_items.items()
            },
        )


RunFunction = Callable[[Scenario, int], RunResult]
