"""A tier's order arrivals: one order-cycle process per order, until the end of the window.

On the lean environment (:class:`~tierwise.simulation.engine.environment.LeanEnvironment`) the
arrivals are a chain of wake-ups, not a process: each arrival creates its order, schedules the
next arrival with the heap key a process's ``yield delay`` would give it, and then runs the
first step of the order's cycle at once (``start_now``) instead of at a start event. A process
that started the cycle would have its start event processed next anyway (an urgent event of
the current instant, scheduled by an event's only callback that schedules nothing urgent
before it), so the events keep their order and a run gives the same numbers. On SimPy's own
environment (a test hook) the arrivals are the equivalent process, :meth:`ArrivalStream.process`.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from functools import partial
from heapq import heappush
from typing import Any

import simpy
from simpy.events import NORMAL, URGENT

from tierwise.simulation.engine.environment import LeanEnvironment, Step
from tierwise.simulation.engine.order import Order
from tierwise.simulation.engine.tier import TierRun

__all__ = ["ArrivalStream"]


class ArrivalStream:
    """The arrivals of one tier in one run.

    Parameters
    ----------
    env : simpy.Environment
        The simulation clock (hours).
    tier : TierRun
        The tier (its arrival rate, hazard draws and counters).
    window : tuple of float
        Measurement window (start, end), hours: orders arrive until its end.
    new_order : callable
        ``new_order(tier, now_h)`` creates and counts the order arriving now.
    order_cycle : callable
        ``order_cycle(order)``: the generator of the order's cycle.
    start : callable
        Starts a process nothing waits for (SimPy's environment: the arrivals' orders).
    ended : callable
        Called once, when the tier's last order has arrived.
    """

    __slots__ = ("_wake", "ended", "env", "new_order", "order_cycle", "start", "tier", "window")

    def __init__(
        self,
        env: simpy.Environment,
        tier: TierRun,
        window: tuple[float, float],
        new_order: Callable[[TierRun, float], Order],
        order_cycle: Callable[[Order], Generator[Step, Any, None]],
        start: Callable[[Generator[Step, Any, None]], object],
        ended: Callable[[], None],
    ) -> None:
        self.env = env
        self.tier = tier
        self.window = window
        self.new_order = new_order
        self.order_cycle = order_cycle
        self.start = start
        self.ended = ended
        self._wake = partial(self._arrive)

    def begin(self) -> None:
        """Start the arrivals now: at an urgent event of the current instant, as a process
        started now would (lean environment only)."""
        env = self.env
        assert isinstance(env, LeanEnvironment)
        entry = (env._now, URGENT, next(env._eid), partial(self._schedule_next))
        heappush(env._queue, entry)  # type: ignore[arg-type,misc]

    def _schedule_next(self) -> None:
        """Schedule the next arrival, or end the arrivals at the end of the window."""
        env, tier = self.env, self.tier
        now = env._now
        # the next arrival (TierRun.next_arrival_h, inlined: the arrivals' hot path)
        if tier.rate_per_h <= 0:
            t = float("inf")
        elif tier.weekly_rate is None:
            t = now + tier.interarrival() / tier.rate_per_h
        else:
            t = tier.weekly_rate.next_arrival_h(now, tier.interarrival())
        if t < self.window[1]:
            # the key of ``yield t - now`` in a process
            entry = (now + (t - now), NORMAL, next(env._eid), self._wake)
            heappush(env._queue, entry)  # type: ignore[arg-type,misc]
        else:
            self.ended()

    def _arrive(self) -> None:
        """An order arrives: create it, schedule the next arrival, run its cycle's first step."""
        env = self.env
        order = self.new_order(self.tier, env._now)
        self._schedule_next()
        env.start_now(self.order_cycle(order))  # type: ignore[attr-defined]

    def process(self) -> Generator[Step, Any, None]:
        """The arrivals as a process (any SimPy environment, with ``start`` making the order
        cycles' processes): the same orders at the same times and the same events."""
        env = self.env
        end = self.window[1]
        now = env._now
        while True:
            t = self.tier.next_arrival_h(now) if self.tier.rate_per_h > 0 else float("inf")
            if t >= end:
                break
            yield t - now
            now = env._now
            self.start(self.order_cycle(self.new_order(self.tier, now)))
        self.ended()
