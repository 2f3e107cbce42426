"""The order desk: pools of order-entry agents on the shift calendar, with caller patience.

A tier's calls go to one pool (:meth:`Scenario.pool_of`); a pool serves its tiers by priority
(0 first) or first come first served, non-preemptively. A caller who has waited longer than
their patience hangs up: the order is lost. A pool staffed by shift block
(``agents_by_block``) has the agents of each block at work in its hours
(:class:`~tierwise.simulation.engine.staffing.StaffedPool`). The desk reports per pool the
utilisation (busy hours / staffed agent-hours), the loaded wages of the staffed agent-hours and
the pool's fixed cost per working day (``desk_fixed``: a supervisor, lines), allocated to the
tiers by their agent time.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import simpy

from tierwise.simulation.engine.costing import CostShare
from tierwise.simulation.engine.order import Order
from tierwise.simulation.engine.rng import stream
from tierwise.simulation.engine.staffing import StaffedPool
from tierwise.simulation.engine.stages import Stage
from tierwise.simulation.engine.tier import EPS, TierRun
from tierwise.simulation.scenario.distributions import Sampler, make_sampler
from tierwise.simulation.scenario.schema import Scenario
from tierwise.simulation.scenario.shift_blocks import shift_blocks

__all__ = ["DeskLane", "OrderDesk"]

SECONDS_PER_HOUR = 3600.0
_ORDER_ENTRY = Stage.ORDER_ENTRY.value  # a plain int indexes faster than the enum


class DeskLane:
    """How one tier reaches the desk: its pool and the samplers of its calls.

    Attributes
    ----------
    pool : StaffedPool
        The pool taking the tier's calls (complaints too, on a shared recovery desk).
    request : Callable
        Makes a request for an agent of ``pool`` at the tier's priority.
    handling_h : Sampler
        Handling time of a call, hours (stream ``handling/<tier>``).
    patience_h : Sampler or None
        Patience of a caller, hours (stream ``patience/<tier>``); None = infinite.
    """

    __slots__ = ("handling_h", "patience_h", "pool", "request")

    def __init__(
        self, pool: StaffedPool, priority: int, handling_h: Sampler, patience_h: Sampler | None
    ) -> None:
        self.pool = pool
        self.request = pool.requester(priority)
        self.handling_h = handling_h
        self.patience_h = patience_h


class OrderDesk:
    """The order-entry pools of one run.

    Parameters
    ----------
    env : simpy.Environment
        The simulation clock (hours).
    scenario : Scenario
        The scenario (``order_entry`` must be enabled; ``recovery`` decides whether a pool
        needs priorities for complaints).
    replication : int
        Replication index; selects the random streams.
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
        sc = scenario
        self.env = env
        self.scenario = scenario
        self.replication = replication
        self.answer_target_h = sc.order_entry.answer_target_s / SECONDS_PER_HOUR + EPS
        self.pools: dict[str, StaffedPool] = {}
        for name, pool in sc.order_entry.pools.items():
            priorities = {sc.tiers[t].priority for t in sc.tiers if sc.pool_of(t) == name}
            fifo = pool.discipline == "fifo"
            needs_priority = sc.calendar is not None or (
                not fifo and (len(priorities) > 1 or sc.recovery.enabled)
            )
            blocks = (
                shift_blocks(pool.agents_by_block, sc.calendar.close_hour)
                if pool.agents_by_block is not None and sc.calendar is not None
                else ()
            )
            self.pools[name] = StaffedPool(
                env, name, pool.agents, needs_priority, window, fifo, blocks
            )

    def lane(self, tier_name: str) -> DeskLane:
        """The lane of ``tier_name``: its pool and its call samplers."""
        oe, seed, rep = self.scenario.order_entry, self.scenario.seed, self.replication
        handling = make_sampler(
            oe.handling_time_s, stream(seed, rep, f"handling/{tier_name}"), 1 / SECONDS_PER_HOUR
        )
        patience = (
            make_sampler(
                oe.patience_s, stream(seed, rep, f"patience/{tier_name}"), 1 / SECONDS_PER_HOUR
            )
            if oe.patience_s is not None
            else None
        )
        pool = self.pools[self.scenario.pool_of(tier_name)]
        return DeskLane(pool, self.scenario.tiers[tier_name].priority, handling, patience)

    def take_order(
        self, order: Order, lane: DeskLane, handling_h: float, patience_h: float | None
    ) -> Generator[simpy.Event, Any, bool]:
        """Queue the call of ``order`` and key the order in; False if the caller hung up.

        A caller who hangs up withdraws the request (nothing to release); an answered call holds
        its agent for ``handling_h`` hours.
        """
        env = self.env
        acc = order.tier.acc
        measured = order.measured
        t_call = env.now
        if measured:
            acc.calls_offered += 1
        request = lane.request()
        if patience_h is None:
            yield request
        else:
            fired = yield request | env.timeout(patience_h)
            if request not in fired:
                request.cancel()
                if measured:
                    acc.abandoned += 1
                return False
        with request:  # the agent is released when the call ends
            wait_h = env.now - t_call
            if measured:
                acc.calls_answered += 1
                acc.sum_answer_wait_h += wait_h
                if wait_h > EPS:
                    acc.calls_waited += 1
                if wait_h <= self.answer_target_h:
                    acc.answered_within_target += 1
                acc.agent_busy_h += handling_h
            lane.pool.start_service(handling_h)
            yield env.timeout(handling_h)
        order.stage_h[_ORDER_ENTRY] = env.now - t_call
        return True

    def cost_shares(
        self,
        tiers: dict[str, TierRun],
        staffed_h: float,
        wage_usd_per_h: float,
        loading: float,
        work_days: float = 0.0,
    ) -> list[CostShare]:
        """Loaded wages of each pool, and its fixed cost over ``work_days`` working days,
        allocated to its tiers by their agent time."""
        shares = []
        for name, pool in self.pools.items():
            wages = pool.wages_usd(staffed_h, wage_usd_per_h, loading, self.scenario.calendar)
            items = {"wages_agents": wages}
            fixed_usd = self.scenario.order_entry.pools[name].fixed_usd_per_day * work_days
            if fixed_usd > 0:
                items["desk_fixed"] = fixed_usd
            users = {
                t: run.acc.agent_busy_h
                for t, run in tiers.items()
                if self.scenario.pool_of(t) == name
            }
            if sum(users.values()) == 0:
                users = {t: 1.0 for t in users}
            shares.append(CostShare(items, users))
        return shares

    def utilisations(self, staffed_h: float) -> dict[str, float]:
        """``agents.<pool>`` → busy hours / staffed agent-hours (by block when staffed so)."""
        calendar = self.scenario.calendar
        return {
            f"agents.{name}": pool.utilisation(staffed_h, calendar)
            for name, pool in self.pools.items()
        }
