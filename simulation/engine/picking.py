"""Picking and packing: pickers on the shift calendar, serving orders by tier priority.

An order (or the remainder of a partial order) holds one picker for a time per order plus a
time per line; every line can be picked wrongly. The station reports the pickers' utilisation
and loaded wages, allocated to the tiers by their picking hours. When a cut-off lies after
closing, the pickers work on until the last cut-off of the day (their shift is
:func:`~tierwise.simulation.engine.staffing.loading_calendar`); every picker's hours past closing
are ``overtime``, paid at wage × loading × ``costs.overtime_wage_factor`` and allocated like the
wages. Staffed by shift block (``pickers_by_block``), each block's pickers work its hours; the
last block runs to the end of the pickers' shift, so its pickers are the ones paid overtime.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator
from typing import Any

import simpy
from simpy.resources.resource import Request

from tierwise.simulation.engine.clock import staffed_hours
from tierwise.simulation.engine.costing import CostShare
from tierwise.simulation.engine.environment import Step
from tierwise.simulation.engine.order import Order
from tierwise.simulation.engine.rng import stream
from tierwise.simulation.engine.staffing import StaffedPool, loading_calendar
from tierwise.simulation.engine.stages import Stage
from tierwise.simulation.engine.tier import TierRun, uniform_stream
from tierwise.simulation.scenario.distributions import Sampler, make_draws, make_sampler
from tierwise.simulation.scenario.hours import Calendar
from tierwise.simulation.scenario.schema import Scenario
from tierwise.simulation.scenario.shift_blocks import shift_blocks

__all__ = ["PickLane", "PickingStation"]

MINUTES_PER_HOUR = 60.0
_PICKING = Stage.PICKING.value  # a plain int indexes faster than the enum


class PickLane:
    """The picking samplers of one tier.

    Attributes
    ----------
    per_order_h : Sampler
        Picking time per order (pack and label), hours (stream ``pick_order/<tier>``).
    per_line_draws : Iterator of float
        Picking times per line, hours (stream ``pick_line/<tier>``), taken n at a time.
    error_probability_per_line : float
        Probability that a line is picked wrongly.
    error_u : Sampler
        U(0, 1) draws of the order's pick error (stream ``pick_error/<tier>``).
    request : Callable
        Makes a request for a picker at the tier's priority.
    release : Callable
        Frees the picker of a granted request.
    """

    __slots__ = (
        "error_probability_per_line",
        "error_u",
        "per_line_draws",
        "per_order_h",
        "release",
        "request",
    )

    def __init__(
        self,
        request: Callable[[], Request],
        release: Callable[[Request], object],
        per_order_h: Sampler,
        per_line_draws: Iterator[float],
        error_probability_per_line: float,
        error_u: Sampler,
    ) -> None:
        self.request = request
        self.release = release
        self.per_order_h = per_order_h
        self.per_line_draws = per_line_draws
        self.error_probability_per_line = error_probability_per_line
        self.error_u = error_u

    def picked_wrongly(self, n_lines: int) -> bool:
        """Draw whether an order of ``n_lines`` lines has at least one wrong line.

        Nothing is drawn when lines cannot be picked wrongly.
        """
        p_line = self.error_probability_per_line
        return p_line > 0 and self.error_u() < 1.0 - (1.0 - p_line) ** n_lines


class PickingStation:
    """The pickers of one run.

    Parameters
    ----------
    env : simpy.Environment
        The simulation clock (hours).
    scenario : Scenario
        The scenario (``picking`` must be enabled).
    replication : int
        Replication index; selects the random streams.
    window : tuple of float
        Measurement window (start, end), hours.

    Attributes
    ----------
    calendar : Calendar or None
        The pickers' shift: the scenario's calendar, closing at the last cut-off when that is
        later (``None``: 24/7).
    """

    def __init__(
        self,
        env: simpy.Environment,
        scenario: Scenario,
        replication: int,
        window: tuple[float, float],
    ) -> None:
        self.env = env
        self.scenario = scenario
        self.replication = replication
        self.window = window
        self.calendar: Calendar | None = loading_calendar(scenario)
        priorities = {t.priority for t in scenario.tiers.values()}
        by_block = scenario.picking.pickers_by_block
        self.pool = StaffedPool(
            env,
            "pickers",
            scenario.picking.pickers,
            len(priorities) > 1 or scenario.calendar is not None,
            window,
            blocks=(
                shift_blocks(by_block, self.calendar.close_hour)
                if by_block is not None and self.calendar is not None
                else ()
            ),
        )

    def lane(self, tier_name: str) -> PickLane:
        """The picking samplers of ``tier_name``."""
        pk, seed, rep = self.scenario.picking, self.scenario.seed, self.replication
        return PickLane(
            self.pool.requester(self.scenario.tiers[tier_name].priority),
            self.pool.resource.release,
            make_sampler(
                pk.time_per_order_min,
                stream(seed, rep, f"pick_order/{tier_name}"),
                1 / MINUTES_PER_HOUR,
            ),
            make_draws(
                pk.time_per_line_min,
                stream(seed, rep, f"pick_line/{tier_name}"),
                1 / MINUTES_PER_HOUR,
            ),
            pk.error_probability_per_line,
            uniform_stream(seed, rep, f"pick_error/{tier_name}"),
        )

    def pick(self, order: Order, lane: PickLane, pick_h: float) -> Generator[Step, Any, None]:
        """Wait for a picker and pick ``pick_h`` hours for ``order`` (of ``lane``'s tier).

        The steps the order cycle yields itself on its common path: ``request = lane.request()``,
        then :meth:`start`, then ``lane.release(request)`` and :meth:`done`.
        """
        start_h = self.env._now
        request = lane.request()
        yield request
        yield self.start(order, pick_h)
        lane.release(request)
        self.done(order, start_h)

    def start(self, order: Order, pick_h: float) -> float:
        """A picker starts on ``order``: count the ``pick_h`` hours and return them (the
        picking, which the process yields as a plain delay)."""
        self.pool.start_service(pick_h)
        if order.measured:
            order.tier.acc.picker_busy_h += pick_h
        return pick_h

    def done(self, order: Order, start_h: float) -> None:
        """The picking of ``order`` that waited for a picker from ``start_h`` is done."""
        order.stage_h[_PICKING] += self.env._now - start_h

    def cost_shares(
        self, tiers: dict[str, TierRun], staffed_h: float, wage_usd_per_h: float, loading: float
    ) -> list[CostShare]:
        """Loaded wages of the pickers over the calendar's ``staffed_h`` hours, and their
        overtime past closing, allocated to the tiers by their picking hours."""
        calendar = self.scenario.calendar
        wages = self.pool.wages_usd(staffed_h, wage_usd_per_h, loading, calendar)
        items = {"wages_pickers": wages}
        overtime_h = self.shift_hours() - staffed_h
        if overtime_h > 0:
            assert calendar is not None and self.calendar is not None  # overtime is past closing
            factor = self.scenario.costs.overtime_wage_factor or 1.0
            items["overtime"] = self.pool.wages_usd(
                overtime_h, wage_usd_per_h, loading * factor, self.calendar, calendar.close_hour
            )
        weights = {t: run.acc.picker_busy_h for t, run in tiers.items()}
        return [CostShare(items, weights)]

    def shift_hours(self) -> float:
        """Hours the pickers are at work in the measurement window (overtime included)."""
        return staffed_hours(self.calendar, *self.window)

    def utilisations(self, staffed_h: float) -> dict[str, float]:
        """``pickers`` → busy hours / picker-hours at work (overtime included).

        ``staffed_h`` is the calendar's staffed hours; the pickers' own shift replaces it when
        they stay past closing.
        """
        shift_h = self.shift_hours() if self.calendar is not self.scenario.calendar else staffed_h
        return {"pickers": self.pool.utilisation(shift_h, self.calendar)}
