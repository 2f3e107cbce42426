"""A staffed pool of servers (agents, pickers, a recovery team) on the shift calendar.

One :class:`StaffedPool` is one SimPy resource plus what is measured on it: busy hours inside the
measurement window (utilisation) and the loaded wages of its staffed server-hours (cost). While
the operation is closed, a shift process holds every server (non-preemptive: work under way
finishes, nothing new starts until the next opening).

Staffing by shift block (``agents_by_block``, ``pickers_by_block``; see
:mod:`~tierwise.simulation.scenario.shift_blocks`): the resource has as many servers as the
largest block, and while a block is on, the shift process holds the servers it does not staff
(capacity − its servers) with the same requests, ahead of every order and non-preemptively
(a server busy at the block's start finishes its job, then is held). The wages and the
utilisation count the servers of each block over the block's hours.

A dispatch cut-off after ``calendar.close_hour`` keeps the pickers and packers at work until the
last cut-off of the day (:func:`loading_calendar`); those hours are overtime, paid at
``costs.overtime_wage_factor`` × wage.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence
from functools import partial
from typing import Any

import simpy
from simpy.resources.resource import Request

from tierwise.simulation.engine.clock import (
    HOURS_PER_DAY,
    daily_span_hours,
    next_close_h,
    next_open_h,
)
from tierwise.simulation.engine.resources import LeanPriorityResource, LeanResource
from tierwise.simulation.scenario.hours import Calendar
from tierwise.simulation.scenario.schema import Scenario
from tierwise.simulation.scenario.shift_blocks import ShiftBlock

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
        Ignored with ``blocks``: the capacity is then the largest block.
    priority : bool
        Use a priority resource (tier priorities, and the shift blocker of a calendar, need
        one); the resources are SimPy's with lean requests
        (:mod:`~tierwise.simulation.engine.resources`).
    window : tuple of float
        Measurement window (start, end), hours.
    fifo : bool
        Every request has the same priority (one queue, first come first served) even on a
        priority resource.
    blocks : sequence of ShiftBlock
        The shift blocks of a working day, in time order, the first starting at the opening
        (:func:`~tierwise.simulation.scenario.shift_blocks.shift_blocks`); empty: every server
        works the whole shift. Needs ``priority`` (the calendar's pools have it).
    """

    def __init__(
        self,
        env: simpy.Environment,
        name: str,
        capacity: int,
        priority: bool,
        window: tuple[float, float],
        fifo: bool = False,
        blocks: Sequence[ShiftBlock] = (),
    ) -> None:
        self.env = env
        self.name = name
        self.blocks = tuple(blocks)
        if self.blocks:
            assert priority, "shift blocks hold servers with priority requests"
            capacity = max(b.servers for b in self.blocks)
        self.capacity = capacity
        self.uses_priority = priority
        self.fifo = fifo
        self.window_start_h, self.window_end_h = window
        self.resource: simpy.Resource = (
            LeanPriorityResource(env, capacity=max(capacity, 1))
            if priority
            else LeanResource(env, capacity=max(capacity, 1))
        )
        self.busy_h = 0.0  # service hours started inside the window

    def start_shifts(self, calendar: Calendar) -> None:
        """Start the process that holds every server while ``calendar`` says closed (and,
        with blocks, the servers a block does not staff while it is on)."""
        if self.blocks:
            self.env.process(self._block_shifts(calendar))
        else:
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
        if self.window_start_h <= self.env._now < self.window_end_h:
            self.busy_h += service_h

    def server_hours(
        self, staffed_h: float, shift: Calendar | None = None, from_hour: float | None = None
    ) -> float:
        """Server-hours at work in the measurement window (paid, and available for work).

        Parameters
        ----------
        staffed_h : float
            Hours the shift is at work in the window; without blocks every server works them
            (``capacity × staffed_h``).
        shift : Calendar, optional
            With blocks: the servers' shift; each block counts its servers over its hours on
            the shift's working days in the window, up to the shift's ``close_hour``.
        from_hour : float, optional
            With blocks: count only the hours of the day after this one (the overtime past
            the calendar's closing).
        """
        if not self.blocks:
            return self.capacity * staffed_h
        assert shift is not None, "a pool with blocks needs its shift to count hours"
        start = shift.open_hour if from_hour is None else from_hour
        window = (self.window_start_h, self.window_end_h)
        return sum(
            b.servers
            * daily_span_hours(
                shift, max(b.start_hour, start), min(b.end_hour, shift.close_hour), *window
            )
            for b in self.blocks
        )

    def utilisation(self, staffed_h: float, shift: Calendar | None = None) -> float:
        """Busy hours / staffed server-hours (:meth:`server_hours`; NaN without any)."""
        capacity_h = self.server_hours(staffed_h, shift)
        return self.busy_h / capacity_h if capacity_h > 0 else float("nan")

    def wages_usd(
        self,
        staffed_h: float,
        wage_usd_per_h: float,
        loading: float,
        shift: Calendar | None = None,
        from_hour: float | None = None,
    ) -> float:
        """Loaded wages of the staffed server-hours (:meth:`server_hours`), USD."""
        return self.server_hours(staffed_h, shift, from_hour) * wage_usd_per_h * loading

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

    def _block_shifts(self, calendar: Calendar) -> Generator[simpy.Event, Any, None]:
        """Hold every server while closed and, while a block is on, those it does not staff.

        One list of held requests follows the target: all servers while closed, capacity −
        servers of the block while it is on. More held: new requests, ahead of every order
        (a busy server finishes first). Fewer: withdraw still-queued requests first (they hold
        no server), then release granted ones, in the order they were made; at an opening
        that frees every server this is exactly what :meth:`_shifts` does, so blocks all equal
        to the capacity give the same numbers as no blocks.
        """
        env = self.env
        capacity = int(self.resource.capacity)
        held: list[Any] = []
        while True:
            opening = next_open_h(calendar, env.now)
            if opening > env.now:
                self._hold(held, capacity)
                yield env.timeout(opening - env.now)
            day_h = (opening // HOURS_PER_DAY) * HOURS_PER_DAY
            for block in self.blocks:
                start_h = day_h + block.start_hour
                if start_h > env.now:
                    yield env.timeout(start_h - env.now)
                self._hold(held, capacity - block.servers)
            yield env.timeout(next_close_h(calendar, env.now) - env.now)

    def _hold(self, held: list[Any], target: int) -> None:
        """Make ``held`` hold ``target`` servers (see :meth:`_block_shifts`)."""
        resource = self.resource
        if target > len(held):
            held.extend(
                resource.request(priority=SHIFT_BLOCK_PRIORITY)  # type: ignore[call-arg]
                for _ in range(target - len(held))
            )
        elif target < len(held):
            excess = len(held) - target
            queued = [r for r in held if not r.triggered]
            granted = [r for r in held if r.triggered]
            dropped = {id(r) for r in (queued + granted)[:excess]}
            for request in held:
                if id(request) in dropped:
                    if request.triggered:
                        resource.release(request)
                    else:
                        request.cancel()
            held[:] = [r for r in held if id(r) not in dropped]
