"""The SimPy order-cycle model: one object per run, one process per order.

Order cycle (customer's view): transmission → order entry (agents) → processing → stock
allocation → picking and packing (pickers) → shipping and delivery; then, for an imperfect
order, a possible complaint handled by the service desk. Every random attribute of an order is
drawn when the order is created, from streams named after the tier and the attribute, so that a
change of resources does not shift any other random number (common random numbers).
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Callable
from itertools import accumulate
from typing import Any

import simpy

from tierwise.simulation.engine.clock import (
    next_close_h,
    next_cutoff_h,
    next_open_h,
    staffed_hours,
    working_days_between,
)
from tierwise.simulation.engine.inventory import StockPoint
from tierwise.simulation.engine.results import RunResult, TierAccumulator, tier_metrics
from tierwise.simulation.engine.rng import stream
from tierwise.simulation.scenario.distributions import Distribution, Sampler, make_sampler
from tierwise.simulation.scenario.schema import Scenario, ShippingMode, Tier

__all__ = ["OrderCycleModel", "OrderRecord"]

HOURS_PER_YEAR = 365.0 * 24.0
EPS = 1e-9

#: Per-order record written when ``record_orders`` is on (``--orders-out``).
#: (tier, created_h, cycle_time_h, lost, on_time, complete, damage_free, accurate,
#: billed_right, perfect); a lost (abandoned) order has cycle_time_h NaN and False flags.
OrderRecord = tuple[str, float, float, bool, bool, bool, bool, bool, bool, bool]

_T_TRANSMISSION, _T_ENTRY, _T_PROCESSING, _T_STOCK, _T_PICKING, _T_SHIPPING = range(6)


class _Uniform:
    """Block-buffered U(0, 1) draws from one named stream."""

    def __init__(self, seed: int, replication: int, name: str) -> None:
        self._sample = make_sampler(
            Distribution(dist="uniform", low=0.0, high=1.0), stream(seed, replication, name)
        )

    def __call__(self) -> float:
        return self._sample()


class _Pool:
    """A SimPy resource plus its bookkeeping (busy hours inside the window).

    ``priority`` selects a :class:`simpy.PriorityResource` (needed for tier priorities and for
    the shift blocker of a calendar); ``fifo`` makes every request equal (one queue, first
    come first served) even on a priority resource.
    """

    def __init__(
        self, env: simpy.Environment, name: str, capacity: int, priority: bool, fifo: bool = False
    ) -> None:
        self.name = name
        self.capacity = capacity
        self.uses_priority = priority
        self.fifo = fifo
        self.resource: simpy.Resource = (
            simpy.PriorityResource(env, capacity=max(capacity, 1))
            if priority
            else simpy.Resource(env, capacity=max(capacity, 1))
        )
        self.busy_h = 0.0

    def request(self, priority: int) -> Any:
        if self.uses_priority:
            return self.resource.request(priority=0 if self.fifo else priority)  # type: ignore[call-arg]
        return self.resource.request()


class _Order:
    __slots__ = (
        "accurate",
        "billed_right",
        "complete",
        "created_h",
        "damaged",
        "done_h",
        "lines",
        "measured",
        "pending_parts",
        "stage_h",
        "tier",
    )

    def __init__(self, tier: _TierRun, created_h: float, measured: bool) -> None:
        self.tier = tier
        self.created_h = created_h
        self.measured = measured
        self.accurate = True
        self.billed_right = True
        self.complete = True
        self.damaged = False
        self.done_h = created_h
        self.pending_parts = 1
        self.stage_h = [0.0] * 6
        self.lines: list[tuple[int, float, float]] = []  # (family index, units, pick time h)


class _TierRun:
    """Per-tier runtime: parameters, samplers and accumulators."""

    def __init__(self, model: OrderCycleModel, name: str, tier: Tier) -> None:
        sc, seed, rep = model.scenario, model.seed, model.replication

        def sampler(dist: Distribution, what: str, scale: float = 1.0) -> Sampler:
            return make_sampler(dist, stream(seed, rep, f"{what}/{name}"), scale)

        self.name = name
        self.spec = tier
        self.priority = tier.priority
        self.promise_h = tier.promised_cycle_time_h
        self.acc = TierAccumulator()
        self.open_orders = 0
        self.interarrival = sampler(Distribution(dist="exponential", mean=1.0), "arrivals")
        self.lines = sampler(tier.lines_per_order, "lines")
        self.units = sampler(tier.units_per_line, "units")
        self.channels = list(tier.channel_mix)
        self.channel_cdf = list(accumulate(tier.channel_mix.values()))
        self.channel_u = _Uniform(seed, rep, f"channel/{name}")
        self.single_channel = self.channels[0] if len(self.channels) == 1 else None
        zero = Distribution(dist="deterministic", mean=0.0)
        self.transmission: dict[str, Sampler | None] = {
            c: sampler(sc.channels[c].transmission_delay_h, f"transmission/{c}")
            if sc.channels[c].transmission_delay_h != zero
            else None
            for c in self.channels
        }
        self.processing_on = sc.processing.enabled
        self.picking_on = sc.picking.enabled
        self.stock_on = sc.inventory.enabled
        self.lines_on = self.picking_on or self.stock_on
        self.pick_error_per_line = (
            sc.picking.error_probability_per_line if sc.picking.enabled else 0.0
        )
        self.family_ids: list[int] = []
        oe = sc.order_entry
        self.handling = sampler(oe.handling_time_s, "handling", 1 / 3600)
        self.patience = (
            sampler(oe.patience_s, "patience", 1 / 3600) if oe.patience_s is not None else None
        )
        self.entry_error_u = _Uniform(seed, rep, f"entry_error/{name}")
        self.processing = sampler(sc.processing.processing_time_h, "processing")
        self.billing_u = _Uniform(seed, rep, f"billing_error/{name}")
        self.families = list(tier.family_mix or {})
        self.family_cdf = list(accumulate((tier.family_mix or {}).values()))
        self.family_u = _Uniform(seed, rep, f"family/{name}")
        pk = sc.picking
        self.pick_per_order = sampler(pk.time_per_order_min, "pick_order", 1 / 60)
        self.pick_per_line = sampler(pk.time_per_line_min, "pick_line", 1 / 60)
        self.pick_error_u = _Uniform(seed, rep, f"pick_error/{name}")
        self.damage_u = _Uniform(seed, rep, f"damage/{name}")
        self.complaint_u = _Uniform(seed, rep, f"complaint/{name}")
        self.recovery_u = _Uniform(seed, rep, f"recovery/{name}")
        self.recovery_time = sampler(sc.recovery.handling_time_min, "recovery_time", 1 / 60)
        self.mode: ShippingMode | None = None
        self.transit: Sampler | None = None
        if sc.shipping.enabled and tier.shipping_mode is not None:
            self.mode = sc.shipping.modes[tier.shipping_mode]
            self.transit = sampler(self.mode.transit_time_h, "transit")
            self.transit_extra = sampler(self.mode.transit_time_h, "transit_extra")
        self.pool: _Pool | None = None
        self.rate_profile = self._profile()

    def _profile(self) -> list[float] | None:
        """Rate multiplier for each hour of the week (168 values), or None if flat."""
        tier = self.spec
        if tier.hourly_profile is None and tier.weekday_profile is None:
            return None
        hourly = tier.hourly_profile or (1.0,) * 24
        weekly = tier.weekday_profile or (1.0,) * 7
        return [weekly[h // 24] * hourly[h % 24] for h in range(168)]


class OrderCycleModel:
    """One simulation run of a scenario.

    Parameters
    ----------
    scenario : Scenario
        The validated scenario.
    replication : int
        Replication index; selects the random streams.
    record_orders : bool
        Keep one :data:`OrderRecord` per measured order (memory grows with the horizon).
    """

    def __init__(self, scenario: Scenario, replication: int, record_orders: bool = False) -> None:
        self.scenario = scenario
        self.seed = scenario.seed
        self.replication = replication
        self.env = simpy.Environment()
        self.window_start_h = scenario.warmup_days * 24.0
        self.window_end_h = scenario.horizon_days * 24.0
        self.drain_end_h = self.window_end_h + scenario.drain_days * 24.0
        self.calendar = scenario.calendar
        self.records: list[OrderRecord] | None = [] if record_orders else None
        self.open_orders = 0
        self.arrivals_running = len(scenario.tiers)
        self.finished = self.env.event()
        self.tiers = {name: _TierRun(self, name, t) for name, t in scenario.tiers.items()}
        self._build_resources()
        self._build_inventory()
        self._build_shipping()

    # ----------------------------------------------------------------- construction
    def _build_resources(self) -> None:
        sc, env = self.scenario, self.env
        calendar = self.calendar
        self.pools: dict[str, _Pool] = {}
        if sc.order_entry.enabled:
            for name, pool in sc.order_entry.pools.items():
                users = [t for t in self.tiers if sc.pool_of(t) == name]
                priorities = {sc.tiers[t].priority for t in users}
                fifo = pool.discipline == "fifo"
                needs_priority = calendar is not None or (
                    not fifo and (len(priorities) > 1 or sc.recovery.enabled)
                )
                self.pools[name] = _Pool(env, name, pool.agents, needs_priority, fifo)
            for t_name, tier_run in self.tiers.items():
                tier_run.pool = self.pools[sc.pool_of(t_name)]
        self.recovery_pool: _Pool | None = None
        if sc.recovery.enabled and sc.recovery.desk == "own_team":
            self.recovery_pool = _Pool(env, "recovery_team", sc.recovery.own_team_agents, True)
        self.pickers: _Pool | None = None
        if sc.picking.enabled:
            priorities = {t.priority for t in sc.tiers.values()}
            self.pickers = _Pool(
                env, "pickers", sc.picking.pickers, len(priorities) > 1 or calendar is not None
            )
        if calendar is not None:
            staffed = list(self.pools.values())
            staffed += [p for p in (self.pickers, self.recovery_pool) if p is not None]
            for staffed_pool in staffed:
                env.process(self._shifts(staffed_pool))

    def _build_inventory(self) -> None:
        sc = self.scenario
        self.stock: list[StockPoint] = []
        self.family_names: list[str] = []
        if not sc.inventory.enabled:
            return
        for name, family in sc.inventory.families.items():
            lead = make_sampler(
                family.lead_time_days, stream(self.seed, self.replication, f"lead_time/{name}"), 24
            )
            self.stock.append(
                StockPoint(self.env, family, lead, (self.window_start_h, self.window_end_h))
            )
            self.family_names.append(name)
        self.family_index = {n: i for i, n in enumerate(self.family_names)}
        for tier_run in self.tiers.values():
            tier_run.family_ids = [self.family_index[f] for f in tier_run.families]

    def _build_shipping(self) -> None:
        sc = self.scenario
        self.fleet_queues: dict[str, list[tuple[int, int, simpy.Event]]] = {}
        self.fleet_shipments: dict[str, dict[str, int]] = {}
        self._ticket = 0
        if not sc.shipping.enabled:
            return
        for name, mode in sc.shipping.modes.items():
            if mode.kind == "fleet":
                self.fleet_queues[name] = []
                self.fleet_shipments[name] = {}
                self.env.process(self._dispatcher(name, mode))

    # ----------------------------------------------------------------- processes
    def _shifts(self, pool: _Pool):  # type: ignore[no-untyped-def]
        """Block every server of ``pool`` while the operation is closed (non-preemptive)."""
        env, calendar = self.env, self.calendar
        assert calendar is not None
        resource = pool.resource
        while True:
            opening = next_open_h(calendar, env.now)
            if opening > env.now:
                blocks: list[Any] = [
                    resource.request(priority=-1)  # type: ignore[call-arg]
                    for _ in range(int(resource.capacity))
                ]
                yield env.timeout(opening - env.now)
                for block in blocks:
                    if block.triggered:
                        resource.release(block)
                    else:
                        block.cancel()
            yield env.timeout(next_close_h(calendar, env.now) - env.now)

    def _arrivals(self, tier: _TierRun):  # type: ignore[no-untyped-def]
        env = self.env
        rate = tier.spec.orders_per_hour
        end = self.window_end_h
        profile = tier.rate_profile
        if rate > 0:
            while True:
                hazard = tier.interarrival()
                if profile is None:
                    t = env.now + hazard / rate
                else:
                    t = self._invert_profile(env.now, hazard, rate, profile)
                if t >= end:
                    break
                yield env.timeout(t - env.now)
                self._new_order(tier)
        self.arrivals_running -= 1
        self._maybe_finish()

    @staticmethod
    def _invert_profile(now: float, hazard: float, rate: float, profile: list[float]) -> float:
        """Next arrival of a piecewise-constant-rate Poisson process by hazard inversion."""
        t = now
        if max(profile) <= 0:
            return math.inf
        while True:
            hour = math.floor(t + EPS)
            step_end = hour + 1.0
            r = rate * profile[hour % 168]
            if r > 0 and r * (step_end - t) >= hazard:
                return t + hazard / r
            hazard -= r * (step_end - t)
            t = step_end

    def _new_order(self, tier: _TierRun) -> None:
        now = self.env.now
        measured = self.window_start_h <= now < self.window_end_h
        order = _Order(tier, now, measured)
        if measured:
            tier.acc.arrived += 1
            tier.open_orders += 1
        self.open_orders += 1
        self.env.process(self._order_cycle(order))

    def _order_cycle(self, order: _Order):  # type: ignore[no-untyped-def]
        env, sc, tier = self.env, self.scenario, order.tier
        acc = tier.acc
        measured = order.measured
        stage = order.stage_h
        # ---- attributes drawn at creation (common random numbers); only for enabled stages
        if tier.single_channel is not None:
            channel_name = tier.single_channel
        else:
            u = tier.channel_u()
            index = min(bisect_right(tier.channel_cdf, u), len(tier.channels) - 1)
            channel_name = tier.channels[index]
        channel = sc.channels[channel_name]
        transmission = tier.transmission[channel_name]
        transmission_h = transmission() if transmission is not None else 0.0
        handling_h = tier.handling()
        patience_h = tier.patience() if tier.patience is not None else None
        if (
            channel.entry_error_probability
            and tier.entry_error_u() < channel.entry_error_probability
        ):
            order.accurate = False
        processing_h = 0.0
        if tier.processing_on:
            processing_h = tier.processing()
            if tier.billing_u() < sc.processing.billing_error_probability:
                order.billed_right = False
        n_lines = 1
        per_order_pick_h = 0.0
        lines = order.lines
        if tier.lines_on:
            n_lines = max(1, round(tier.lines()))
            picking_on, stock_on = tier.picking_on, tier.stock_on
            if picking_on:
                per_order_pick_h = tier.pick_per_order()
            family_cdf = tier.family_cdf
            family_ids = tier.family_ids
            n_fam = len(family_ids)
            for _ in range(n_lines):
                units = max(1, round(tier.units())) if stock_on else 1
                fam = (
                    family_ids[min(bisect_right(family_cdf, tier.family_u()), n_fam - 1)]
                    if stock_on
                    else -1
                )
                lines.append((fam, units, tier.pick_per_line() if picking_on else 0.0))
        else:
            lines.append((-1, 1, 0.0))
        p_line = tier.pick_error_per_line
        pick_error = p_line > 0 and tier.pick_error_u() < 1.0 - (1.0 - p_line) ** n_lines
        mode = tier.mode
        damaged = mode is not None and tier.damage_u() < mode.damage_probability
        transit_h = tier.transit() if tier.transit is not None else 0.0

        # ---- order transmission
        if transmission_h > 0:
            yield env.timeout(transmission_h)
        stage[_T_TRANSMISSION] = transmission_h

        # ---- order entry
        pool = tier.pool
        if pool is not None and channel.uses_order_entry:
            t_call = env.now
            if measured:
                acc.calls_offered += 1
            request = pool.request(tier.priority)
            if patience_h is not None:
                timer = env.timeout(patience_h)
                fired = yield request | timer
                if request not in fired:
                    request.cancel()
                    if measured:
                        acc.abandoned += 1
                        acc.lost += 1
                        tier.open_orders -= 1
                        if self.records is not None:
                            self.records.append(
                                (
                                    tier.name,
                                    order.created_h,
                                    math.nan,
                                    True,
                                    False,
                                    False,
                                    False,
                                    False,
                                    False,
                                    False,
                                )
                            )
                    self._close()
                    return
            else:
                yield request
            wait_h = env.now - t_call
            if measured:
                acc.calls_answered += 1
                acc.sum_answer_wait_h += wait_h
                if wait_h > EPS:
                    acc.calls_waited += 1
                if wait_h <= sc.order_entry.answer_target_s / 3600.0 + EPS:
                    acc.answered_within_target += 1
                acc.agent_busy_h += handling_h
            if self.window_start_h <= env.now < self.window_end_h:
                pool.busy_h += handling_h
            yield env.timeout(handling_h)
            pool.resource.release(request)
            stage[_T_ENTRY] = env.now - t_call

        # ---- processing (credit check, documents)
        if sc.processing.enabled and processing_h > 0:
            yield env.timeout(processing_h)
            stage[_T_PROCESSING] = processing_h

        # ---- stock allocation
        short: list[tuple[tuple[int, float, float], simpy.Event]] = []
        if self.stock:
            keep_short = sc.inventory.shortage != "lost"
            for line in lines:
                event = self.stock[line[0]].demand(line[1], measured, keep_short)
                if measured:
                    acc.lines += 1
                    family = self.family_names[line[0]]
                    acc.units_by_family[family] = acc.units_by_family.get(family, 0.0) + line[1]
                if event is None:
                    if measured:
                        acc.lines_filled += 1
                else:
                    short.append((line, event))
            if short:
                order.complete = False
                shortage = sc.inventory.shortage
                short_lines = [s[0] for s in short]
                if shortage == "backorder":
                    t_wait = env.now
                    yield env.all_of([s[1] for s in short])
                    stage[_T_STOCK] = env.now - t_wait
                    order.complete = True
                else:
                    lines = [ln for ln in lines if ln not in short_lines]
                    if shortage == "partial":
                        order.pending_parts += 1
                        env.process(self._remainder(order, short))
        elif measured:
            acc.lines += n_lines
            acc.lines_filled += n_lines
        if lines:
            pick_h = per_order_pick_h + sum(line[2] for line in lines)
            yield from self._pick(order, pick_h, stage)
            if pick_error:
                order.accurate = False
            yield from self._ship(order, transit_h, damaged, stage, first=True)
        self._part_done(order)

    def _pick(self, order: _Order, pick_h: float, stage: list[float]):  # type: ignore[no-untyped-def]
        pickers = self.pickers
        if pickers is None:
            return
        env = self.env
        t0 = env.now
        request = pickers.request(order.tier.priority)
        yield request
        if self.window_start_h <= env.now < self.window_end_h:
            pickers.busy_h += pick_h
        if order.measured:
            order.tier.acc.picker_busy_h += pick_h
        yield env.timeout(pick_h)
        pickers.resource.release(request)
        stage[_T_PICKING] += env.now - t0

    def _ship(
        self, order: _Order, transit_h: float, damaged: bool, stage: list[float], first: bool
    ):  # type: ignore[no-untyped-def]
        tier = order.tier
        mode = tier.mode
        if mode is None:
            return
        env = self.env
        t0 = env.now
        if mode.kind == "fleet":
            assert tier.spec.shipping_mode is not None
            event = env.event()
            self._ticket += 1
            self.fleet_queues[tier.spec.shipping_mode].append((tier.priority, self._ticket, event))
            yield event
            if order.measured:
                shipped = self.fleet_shipments[tier.spec.shipping_mode]
                shipped[tier.name] = shipped.get(tier.name, 0) + 1
            delay = transit_h
        else:
            delay = next_cutoff_h(self.calendar, mode.cutoff_hours, env.now) - env.now + transit_h
            if order.measured:
                tier.acc.direct_cost_usd += mode.cost_usd_per_shipment
        if not first and order.measured:
            tier.acc.direct_cost_usd += self.scenario.costs.expediting_usd_per_shipment
        if delay > 0:
            yield env.timeout(delay)
        if damaged:
            order.damaged = True
        stage[_T_SHIPPING] += env.now - t0

    def _remainder(self, order: _Order, short: list):  # type: ignore[no-untyped-def]
        """Second shipment of a partially shipped order, once the stock has arrived."""
        env, tier = self.env, order.tier
        t_wait = env.now
        yield env.all_of([s[1] for s in short])
        order.stage_h[_T_STOCK] = env.now - t_wait
        pick_h = sum(line[2] for line, _ in short)
        yield from self._pick(order, pick_h, order.stage_h)
        transit_h = tier.transit_extra() if tier.mode is not None else 0.0
        damaged = tier.mode is not None and tier.damage_u() < tier.mode.damage_probability
        yield from self._ship(order, transit_h, damaged, order.stage_h, first=False)
        self._part_done(order)

    def _dispatcher(self, name: str, mode: ShippingMode):  # type: ignore[no-untyped-def]
        env = self.env
        queue = self.fleet_queues[name]
        capacity = mode.vehicles * mode.vehicle_capacity_orders
        while True:
            cutoff = next_cutoff_h(self.calendar, mode.cutoff_hours, env.now + EPS)
            yield env.timeout(cutoff - env.now)
            if not queue:
                continue
            queue.sort()
            leaving, queue[:] = queue[:capacity], queue[capacity:]
            for _, _, event in leaving:
                event.succeed()

    def _part_done(self, order: _Order) -> None:
        order.pending_parts -= 1
        order.done_h = max(order.done_h, self.env.now)
        if order.pending_parts == 0:
            self._complete(order)

    def _complete(self, order: _Order) -> None:
        tier = order.tier
        acc = tier.acc
        sc = self.scenario
        cycle_h = order.done_h - order.created_h
        on_time = cycle_h <= tier.promise_h + EPS
        perfect = (
            on_time
            and order.complete
            and not order.damaged
            and order.accurate
            and order.billed_right
        )
        if order.measured:
            tier.open_orders -= 1
            acc.completed += 1
            acc.sum_cycle_h += cycle_h
            acc.histogram.add(cycle_h)
            acc.on_time += on_time
            acc.complete += order.complete
            acc.damage_free += not order.damaged
            acc.accurate += order.accurate
            acc.billed_right += order.billed_right
            acc.perfect += perfect
            for i, value in enumerate(order.stage_h):
                acc.stage_h[i] += value
            acc.revenue_usd += tier.spec.revenue_per_order_usd
            if not on_time:
                acc.direct_cost_usd += tier.spec.late_penalty_usd_per_order
            if self.records is not None:
                self.records.append(
                    (
                        tier.name,
                        order.created_h,
                        cycle_h,
                        False,
                        on_time,
                        order.complete,
                        not order.damaged,
                        order.accurate,
                        order.billed_right,
                        perfect,
                    )
                )
        rec = sc.recovery
        if rec.enabled and not perfect and tier.complaint_u() < rec.complaint_probability:
            self.env.process(self._complaint(order))
        else:
            self._close()

    def _complaint(self, order: _Order):  # type: ignore[no-untyped-def]
        """Service recovery: the desk handles the complaint; it succeeds with some probability."""
        env, tier, rec = self.env, order.tier, self.scenario.recovery
        desk = self.recovery_pool if self.recovery_pool is not None else tier.pool
        handling_h = tier.recovery_time()
        success = tier.recovery_u() < rec.success_probability
        if desk is not None:
            request = desk.request(rec.priority)
            yield request
            if self.window_start_h <= env.now < self.window_end_h:
                desk.busy_h += handling_h
            if order.measured:
                tier.acc.agent_busy_h += handling_h
            yield env.timeout(handling_h)
            desk.resource.release(request)
        if order.measured:
            tier.acc.complaints += 1
            tier.acc.recovered += success
            tier.acc.direct_cost_usd += rec.cost_usd_per_recovery
        self._close()

    def _close(self) -> None:
        """An order leaves the system (delivered and any complaint handled, or lost)."""
        self.open_orders -= 1
        self._maybe_finish()

    def _maybe_finish(self) -> None:
        if self.arrivals_running == 0 and self.open_orders == 0 and not self.finished.triggered:
            self.finished.succeed()

    def _deadline(self):  # type: ignore[no-untyped-def]
        yield self.env.timeout(self.drain_end_h)
        if not self.finished.triggered:
            self.finished.succeed()

    # ----------------------------------------------------------------- run and report
    def run(self) -> RunResult:
        """Simulate to the end of the drain period and return the measured results."""
        for tier in self.tiers.values():
            self.env.process(self._arrivals(tier))
        self.env.process(self._deadline())
        self.env.run(until=self.finished)
        return self._result()

    def _result(self) -> RunResult:
        sc = self.scenario
        w0, w1 = self.window_start_h, self.window_end_h
        days = (w1 - w0) / 24.0
        costs_sc = sc.costs
        loaded = costs_sc.wage_loading_factor
        tier_names = list(self.tiers)
        tier_cost = dict.fromkeys(tier_names, 0.0)
        line_items: dict[str, float] = {}

        def allocate(total: float, weights: dict[str, float]) -> None:
            weight_sum = sum(weights.values())
            for name in tier_names:
                share = (
                    weights.get(name, 0.0) / weight_sum if weight_sum > 0 else 1 / len(tier_names)
                )
                tier_cost[name] += total * share

        # wages of agents, per pool, allocated by busy time of the tiers using the pool
        staffed_h = staffed_hours(self.calendar, w0, w1)
        wages_agents = 0.0
        for name, pool in self.pools.items():
            cost = pool.capacity * staffed_h * costs_sc.agent_wage_usd_per_h * loaded
            wages_agents += cost
            users = {t: self.tiers[t].acc.agent_busy_h for t in tier_names if sc.pool_of(t) == name}
            if sum(users.values()) == 0:
                users = {t: 1.0 for t in users}
            allocate(cost, users)
        if self.recovery_pool is not None:
            cost = self.recovery_pool.capacity * staffed_h * costs_sc.agent_wage_usd_per_h * loaded
            wages_agents += cost
            allocate(cost, {t: float(self.tiers[t].acc.complaints) for t in tier_names})
        line_items["wages_agents"] = wages_agents
        wages_pickers = 0.0
        if self.pickers is not None:
            wages_pickers = (
                self.pickers.capacity * staffed_h * costs_sc.picker_wage_usd_per_h * loaded
            )
            allocate(wages_pickers, {t: self.tiers[t].acc.picker_busy_h for t in tier_names})
        line_items["wages_pickers"] = wages_pickers
        vehicles = 0.0
        if sc.shipping.enabled:
            work_days = working_days_between(self.calendar, w0, w1)
            for name, mode in sc.shipping.modes.items():
                if mode.kind == "fleet":
                    cost = mode.vehicles * work_days * costs_sc.vehicle_usd_per_day
                    vehicles += cost
                    shipped = {t: float(n) for t, n in self.fleet_shipments[name].items()}
                    if not shipped:
                        shipped = {t: 1.0 for t in tier_names if sc.tiers[t].shipping_mode == name}
                    allocate(cost, shipped)
        line_items["vehicles"] = vehicles
        holding = replenishment = 0.0
        inventory: dict[str, dict[str, float]] = {}
        for name, point in zip(self.family_names, self.stock, strict=True):
            point.close()
            family = sc.inventory.families[name]
            h_cost = point.on_hand_area * family.unit_value_usd * costs_sc.holding_rate_per_year
            h_cost /= HOURS_PER_YEAR
            r_cost = point.replenishments * family.replenishment_order_cost_usd
            holding += h_cost
            replenishment += r_cost
            demand = {t: self.tiers[t].acc.units_by_family.get(name, 0.0) for t in tier_names}
            allocate(h_cost + r_cost, demand)
            inventory[name] = point.metrics()
        line_items["holding"] = holding
        line_items["replenishment"] = replenishment
        direct = {t: self.tiers[t].acc.direct_cost_usd for t in tier_names}
        line_items["shipping_and_recovery"] = sum(direct.values())
        for name in tier_names:
            tier_cost[name] += direct[name]
        tiers = {
            name: tier_metrics(run.acc, run.open_orders, days, tier_cost[name])
            for name, run in self.tiers.items()
        }
        resources: dict[str, float] = {}
        for name, pool in self.pools.items():
            resources[f"agents.{name}"] = _utilisation(pool, staffed_h)
        if self.recovery_pool is not None:
            resources["recovery_team"] = _utilisation(self.recovery_pool, staffed_h)
        if self.pickers is not None:
            resources["pickers"] = _utilisation(self.pickers, staffed_h)
        return RunResult(
            scenario_hash=sc.content_hash,
            seed=sc.seed,
            replication=self.replication,
            measured_days=days,
            tiers=tiers,
            resources=resources,
            costs={k: v / days for k, v in line_items.items()},
            inventory=inventory,
        )


def _utilisation(pool: _Pool, staffed_h: float) -> float:
    capacity_h = pool.capacity * staffed_h
    return pool.busy_h / capacity_h if capacity_h > 0 else math.nan


RunFunction = Callable[[Scenario, int], RunResult]
