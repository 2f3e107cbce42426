"""A staffed pool of servers (agents, pickers, a recovery team) on the shift calendar.

One :class:`StaffedPool` is one SimPy resource plus what is measured on it: busy hours inside the
measurement window (utilisation) and the loaded wages of its staffed hours (cost). While the
operation is closed, a shift process holds every server (non-preemptive: work under way
finishes, nothing new starts until the next opening).

A dispatch cut-off after ``calendar.close_hour`` keeps the pickers and packers at work until the
last cut-off of the day (:func:`loading_calendar`); those hours are overtime, paid at
``costs.overtime_wage_factor`` × wage.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from functools import partial
from typing import Any

import simpy
from simpy.resources.resource import Request

from tierwise.simulation.engine.clock import next_close_h, next_open_h
from tierwise.simulation.scenario.schema import Calendar, Scenario

__all__ = ["SHIFT_BLOCK_PRIORITY", "StaffedPool", "last_cutoff_hour", "loading_calendar"]

#: Request priority of the shift blocker: ahead of every order (priorities are >= 0).
SHIFT_BLOCK_PRIORITY = -1


def last_cutoff_hour(scenario: Scenario) -> float | None:
    """The latest dispatch cut-off of the day over the shipping modes the tiers use (hours), or
    ``None`` when shipping is off or no mode in use has a cut-off."""
    if not scenario.shipping.enabled:
        return None
    used = {t.shipping_mode for t in scenario.tiers.values()}
    hours = [
        mode.cutoff_hours[-1]
        for name, mode in scenario.shipping.modes.items()
        if name in used and mode.cutoff_hours
    ]
    return max(hours) if hours else None


def loading_calendar(scenario: Scenario) -> Calendar | None:
    """The shift of the pickers and packers: the calendar, its closing moved to the last
    cut-off of the day when that is later (they stay to load it); ``None`` without calendar."""
    calendar = scenario.calendar
    if calendar is None:
        return None
    last = last_cutoff_hour(scenario)
    if last is None or last <= calendar.close_hour:
        return calendar
    return calendar.model_copy(update={"close_hour": last})


class StaffedPool:
    """A SimPy resource of ``capacity`` servers and its bookkeeping.

    Parameters
    ----------
    env : simpy.Environment
        The simulation clock (hours).
    name : str
        Name of the pool (``desk``, ``pickers``, ``recovery_team``).
    capacity : int
        Servers (agents, pickers); 0 is simulated as one server that is never paid for.
    priority : bool
        Use a :class:`simpy.PriorityResource` (tier priorities, and the shift blocker of a
        calendar, need one).
    window : tuple of float
        Measurement window (start, end), hours.
    fifo : bool
        Every request has the same priority (one queue, first come first served) even on a
        priority resource.
    """

    def __init__(
        self,
        env: simpy.Environment,
        name: str,
        capacity: int,
        priority: bool,
        window: tuple[float, float],
        fifo: bool = False,
    ) -> None:
        self.env = env
        self.name = name
        self.capacity = capacity
        self.uses_priority = priority
        self.fifo = fifo
        self.window_start_h, self.window_end_h = window
        self.resource: simpy.Resource = (
            simpy.PriorityResource(env, capacity=max(capacity, 1))
            if priority
            else simpy.Resource(env, capacity=max(capacity, 1))
        )
        self.busy_h = 0.0  # service hours started inside the window

    def start_shifts(self, calendar: Calendar) -> None:
        """Start the process that holds every server while ``calendar`` says closed."""
        self.env.process(self._shifts(calendar))

    def request(self, priority: int) -> Request:
        """A request for one server; ``priority`` 0 is served first (ignored when FIFO)."""
        if self.uses_priority:
            return self.resource.request(priority=0 if self.fifo else priority)  # type: ignore[call-arg]
        return self.resource.request()

    def requester(self, priority: int) -> Callable[[], Request]:
        """A function making requests at ``priority`` (bound once per tier, called per order)."""
        if self.uses_priority:
            return partial(self.resource.request, priority=0 if self.fifo else priority)  # type: ignore[call-arg]
        return self.resource.request

    def start_service(self, service_h: float) -> None:
        """Count ``service_h`` hours of work starting now (busy hours inside the window)."""
        if self.window_start_h <= self.env.now < self.window_end_h:
            self.busy_h += service_h

    def utilisation(self, staffed_h: float) -> float:
        """Busy hours / staffed server-hours (NaN without staffed hours)."""
        capacity_h = self.capacity * staffed_h
        return self.busy_h / capacity_h if capacity_h > 0 else float("nan")

    def wages_usd(self, staffed_h: float, wage_usd_per_h: float, loading: float) -> float:
        """Loaded wages of every server over ``staffed_h`` staffed hours, USD."""
        return self.capacity * staffed_h * wage_usd_per_h * loading

    def _shifts(self, calendar: Calendar) -> Generator[simpy.Event, Any, None]:
        """Hold every server while the operation is closed (non-preemptive).

        The blocks are plain requests, released (granted ones) or withdrawn (still queued ones)
        at the opening; a ``with`` block per server would not express "all servers at once".
        """
        env, resource = self.env, self.resource
        while True:
            opening = next_open_h(calendar, env.now)
            if opening > env.now:
                blocks: list[Any] = [
                    resource.request(priority=SHIFT_BLOCK_PRIORITY)  # type: ignore[call-arg]
                    for _ in range(int(resource.capacity))
                ]
                yield env.timeout(opening - env.now)
                for block in blocks:
                    if block.triggered:
                        resource.release(block)
                    else:
                        block.cancel()
            yield env.timeout(next_close_h(calendar, env.now) - env.now)
