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

from functools import partial
from heapq import heappush

import simpy
from simpy.events import NORMAL, PENDING
from simpy.resources.resource import Request

from tierwise.simulation.engine.costing import CostShare
from tierwise.simulation.engine.environment import LeanEnvironment
from tierwise.simulation.engine.order import Order
from tierwise.simulation.engine.rng import stream
from tierwise.simulation.engine.staffing import StaffedPool
from tierwise.simulation.engine.tier import EPS, TierRun
from tierwise.simulation.scenario.distributions import Sampler, make_sampler
from tierwise.simulation.scenario.schema import Scenario
from tierwise.simulation.scenario.shift_blocks import shift_blocks

__all__ = ["DeskLane", "OrderDesk"]

SECONDS_PER_HOUR = 3600.0
_new = object.__new__


class DeskLane:
    """How one tier reaches the desk: its pool and the samplers of its calls.

    Attributes
    ----------
    pool : StaffedPool
        The pool taking the tier's calls (complaints too, on a shared recovery desk).
    request : Callable
        Makes a request for an agent of ``pool`` at the tier's priority.
    release : Callable
        Releases the agent of a granted request (the pool's ``resource.release``).
    handling_h : Sampler
        Handling time of a call, hours (stream ``handling/<tier>``).
    patience_h : Sampler or None
        Patience of a caller, hours (stream ``patience/<tier>``); None = infinite.
    """

    __slots__ = ("handling_h", "patience_h", "pool", "release", "request")

    def __init__(
        self, pool: StaffedPool, priority: int, handling_h: Sampler, patience_h: Sampler | None
    ) -> None:
        self.pool = pool
        self.request = pool.requester(priority)
        self.release = pool.resource.release
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
        #: the patience timers can be wake-ups of the lean loop
        self.lean = isinstance(env, LeanEnvironment)
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

    def call(self, order: Order, lane: DeskLane) -> Request:
        """Queue the call of ``order``: counts it (inside the window) and returns its request
        for an agent, which fires when an agent answers."""
        if order.measured:
            order.tier.acc.calls_offered += 1
        return lane.request()

    def patience(self, request: Request, patience_h: float) -> simpy.Event:
        """The event that fires when the caller is answered (``request``) or hangs up after
        ``patience_h`` hours, whichever comes first.

        It is ``request | env.timeout(patience_h)`` without the :class:`simpy.Condition`: it
        fires the same way (scheduled, as the condition is, when the first of the two is
        processed), so the order of events stays the same. Answered iff ``request`` has been
        processed when it fires (``request.processed``, what ``request in fired`` tests).
        """
        env = self.env
        queue, eid = env._queue, env._eid  # type: ignore[attr-defined]
        first = _new(simpy.Event)
        first.env = env
        first.callbacks = []

        def fire(_: object = None) -> None:
            if first._value is PENDING:
                first._ok = True
                first._value = None
                heappush(queue, (env._now, NORMAL, next(eid), first))  # env.schedule(first)

        request.callbacks.append(fire)
        if self.lean:  # the timer as a wake-up with the timeout's key (no Timeout object)
            timer = (env._now + patience_h, NORMAL, next(eid), partial(fire))
            heappush(queue, timer)  # type: ignore[arg-type,misc]
        else:
            env.timeout(patience_h).callbacks.append(fire)
        return first

    def hang_up(self, order: Order, request: Request) -> None:
        """The caller of ``order`` hung up before an agent answered: withdraw the request
        (nothing to release) and count the abandoned call."""
        request.cancel()
        if order.measured:
            order.tier.acc.abandoned += 1

    def answer(self, order: Order, lane: DeskLane, call_h: float, handling_h: float) -> float:
        """An agent answers the call of ``order`` made at ``call_h`` (hours): count the wait
        and the agent's time, and return the handling time of the call (``handling_h`` hours;
        the order cycle yields it as a plain delay, then releases the agent with
        ``lane.release``)."""
        env = self.env
        if order.measured:
            acc = order.tier.acc
            wait_h = env._now - call_h
            acc.calls_answered += 1
            acc.sum_answer_wait_h += wait_h
            if wait_h > EPS:
                acc.calls_waited += 1
            if wait_h <= self.answer_target_h:
                acc.answered_within_target += 1
            acc.agent_busy_h += handling_h
        lane.pool.start_service(handling_h)
        return handling_h

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
