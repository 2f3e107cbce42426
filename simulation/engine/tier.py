"""Per-tier runtime of one run: the tier's arrivals, its order-side random streams, its counters.

Every random attribute of an order is drawn from a stream named after the attribute and the
tier (``lines/A``, ``channel/A`` …), so that a change of resources does not shift any other
random number (common random numbers). The streams of the stations' own work (handling time,
picking time, transit) belong to the stations' per-tier lanes, wired in by the model.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Iterator
from itertools import accumulate
from typing import Any, NamedTuple

import numpy as np

from tierwise.simulation.engine.clock import (
    HOURS_PER_DAY,
    business_deadline_h,
    receiving_calendar,
)
from tierwise.simulation.engine.results import TierAccumulator
from tierwise.simulation.engine.rng import stream
from tierwise.simulation.scenario.distributions import (
    Distribution,
    Sampler,
    make_draws,
    make_sampler,
)
from tierwise.simulation.scenario.schema import Scenario, Tier

__all__ = [
    "EPS",
    "HOURS_PER_WEEK",
    "ChannelRoute",
    "TierRun",
    "WeeklyRate",
    "uniform_stream",
]

EPS = 1e-9
HOURS_PER_WEEK = 168


_UNIT_UNIFORM = Distribution(dist="uniform", low=0.0, high=1.0)


def uniform_stream(seed: int, replication: int, name: str) -> Sampler:
    """Block-buffered U(0, 1) draws from the stream ``name`` of one replication."""
    return make_sampler(_UNIT_UNIFORM, stream(seed, replication, name))


class ChannelRoute(NamedTuple):
    """How an order of one channel reaches the order cycle.

    Attributes
    ----------
    uses_order_entry : bool
        An agent keys the order in.
    entry_error_probability : float
        Probability that the order is keyed in wrongly.
    transmission_h : Sampler or None
        Transmission delay sampler, hours (None: no delay, nothing drawn).
    channel : str
        Name of the channel (for the order records).
    """

    uses_order_entry: bool
    entry_error_probability: float
    transmission_h: Sampler | None
    channel: str = ""


class WeeklyRate:
    """A piecewise-constant arrival rate over the hours of the week, prepared for inversion.

    The rate of each hour (base rate × multiplier) and, for each hour of zero rate, the
    number of hours to the next hour with a positive rate are computed once, so that an
    arrival needs neither a pass over the profile nor a step per empty hour.

    Parameters
    ----------
    rate : float
        Base rate, orders per hour.
    profile : list of float
        Rate multiplier for each hour of the week (168 values, >= 0).
    """

    __slots__ = ("any_positive", "hour_rates", "hours_to_open")

    def __init__(self, rate: float, profile: list[float]) -> None:
        self.hour_rates = [rate * multiplier for multiplier in profile]
        self.any_positive = max(profile) > 0
        # hours from h to the next hour of positive rate (cyclic; 0 for a positive hour)
        self.hours_to_open = [0] * HOURS_PER_WEEK
        if self.any_positive:
            for h in range(HOURS_PER_WEEK):
                k = 0
                while self.hour_rates[(h + k) % HOURS_PER_WEEK] == 0:
                    k += 1
                self.hours_to_open[h] = k

    def next_arrival_h(self, now_h: float, hazard: float) -> float:
        """Next arrival by hazard inversion: spend ``hazard`` hour by hour from ``now_h``.

        Parameters
        ----------
        now_h : float
            Current time, hours.
        hazard : float
            A unit-exponential draw (the cumulative hazard to spend).

        Returns
        -------
        float
            The arrival time, hours (``inf`` if the rate is zero all week). The float
            operations are those of walking every hour, so the times are identical to it.
        """
        if not self.any_positive:
            return math.inf
        rates, hours_to_open = self.hour_rates, self.hours_to_open
        t = now_h
        while True:
            hour = math.floor(t + EPS)
            h = hour % HOURS_PER_WEEK
            r = rates[h]
            if r == 0:
                t = float(hour + hours_to_open[h])  # nothing to spend in empty hours
                continue
            step_end = hour + 1.0
            if r > 0 and r * (step_end - t) >= hazard:
                return t + hazard / r
            hazard -= r * (step_end - t)
            t = step_end


class TierRun:
    """One tier in one run: parameters, order-side samplers, station lanes and counters.

    Parameters
    ----------
    name : str
        Tier name.
    tier : Tier
        The tier's scenario block.
    scenario : Scenario
        The whole scenario (channels, enabled stages).
    replication : int
        Replication index; selects the random streams.
    """

    def __init__(self, name: str, tier: Tier, scenario: Scenario, replication: int) -> None:
        sc, seed, rep = scenario, scenario.seed, replication

        def sampler(dist: Distribution, what: str, scale: float = 1.0) -> Sampler:
            return make_sampler(dist, stream(seed, rep, f"{what}/{name}"), scale)

        self.name = name
        self.spec = tier
        self.priority = tier.priority
        self.promise_h = tier.promise_h
        self.promise_business_days = tier.promised_business_days
        self.receiving = receiving_calendar(scenario, name)
        #: business-day deadlines by day of the order (see deadline_h)
        self._deadlines: dict[int, tuple[float, float, float]] = {}
        self.revenue_per_order_usd = tier.revenue_per_order_usd
        self.late_penalty_usd = tier.late_penalty_usd_per_order
        self.acc = TierAccumulator()
        self.open_orders = 0  # measured orders not yet completed or lost
        self.orders_created = 0  # orders created so far (warm-up included): the next index
        self.rate_per_h = tier.orders_per_hour
        self.interarrival = sampler(Distribution(dist="exponential", mean=1.0), "arrivals")
        self.rate_profile = _weekly_profile(tier)
        profile = self.rate_profile
        self.weekly_rate = WeeklyRate(self.rate_per_h, profile) if profile is not None else None
        # channel of an order
        channels = list(tier.channel_mix)
        self.channel_cdf = list(accumulate(tier.channel_mix.values()))
        self.channel_u = uniform_stream(seed, rep, f"channel/{name}")
        zero = Distribution(dist="deterministic", mean=0.0)
        self.routes = [
            ChannelRoute(
                sc.channels[c].uses_order_entry,
                sc.channels[c].entry_error_probability,
                sampler(sc.channels[c].transmission_delay_h, f"transmission/{c}")
                if sc.channels[c].transmission_delay_h != zero
                else None,
                c,
            )
            for c in channels
        ]
        self.single_route = self.routes[0] if len(self.routes) == 1 else None
        #: the route of a channel_mix position (one past the end, by round-off: the last)
        self._route_of = [*self.routes, self.routes[-1]]
        self.entry_error_u = uniform_stream(seed, rep, f"entry_error/{name}")
        # processing (credit check, documents) and billing
        self.processing_on = sc.processing.enabled
        self.processing = sampler(sc.processing.processing_time_h, "processing")
        self.billing_error_probability = sc.processing.billing_error_probability
        self.billing_u = uniform_stream(seed, rep, f"billing_error/{name}")
        # lines: how many, units and family (inventory)
        self.stock_on = sc.inventory.enabled
        self.lines_on = sc.picking.enabled or self.stock_on
        self.lines = sampler(tier.lines_per_order, "lines")
        # per-line draws, taken n at a time (islice) for the n lines of an order: the units of
        # a line (the draw rounded, at least 1) and, once wired (wire_families), its family
        self.units_draws: Iterator[int] = make_draws(
            tier.units_per_line, stream(seed, rep, f"units/{name}"), of_block=_units_of
        )
        self.family_cdf = list(accumulate((tier.family_mix or {}).values()))
        self.family_draws: Iterator[int] = iter(())
        self._family_stream = (seed, rep, f"family/{name}")
        #: the tier's lanes through the stations (entry, picking, shipping, recovery; None
        #: where a stage is off), wired in by the model
        self.lanes: tuple[Any, Any, Any, Any] = (None, None, None, None)

    def wire_families(self, family_ids: list[int]) -> None:
        """Draw the lines' families as inventory indices: ``family_ids`` holds the index of
        each family of the tier's ``family_mix``, in its order.

        A line's family is the ``family_mix`` position of a U(0, 1) draw in the cumulative
        mix (``bisect_right``; a draw past the last bound, by round-off, takes the last).
        """
        table = np.asarray([*family_ids, family_ids[-1]] if family_ids else [0], dtype=np.int64)
        cdf = np.asarray(self.family_cdf, dtype=float)
        self.family_draws = make_draws(
            _UNIT_UNIFORM,
            stream(*self._family_stream),
            of_block=lambda u: table[np.searchsorted(cdf, u, side="right")],
        )

    def deadline_h(self, created_h: float) -> float:
        """Latest on-time delivery of an order created at ``created_h`` (hours): the promise in
        clock hours, or the close of receiving on the promised business day.

        A business-day deadline depends only on the day of ``created_h`` and on whether it is
        before that day's close of receiving, so it is computed once per day and case (by
        :func:`~tierwise.simulation.engine.clock.business_deadline_h`: the same value).
        """
        if self.promise_business_days is None:
            return created_h + self.promise_h
        day = math.floor(created_h / HOURS_PER_DAY)
        deadlines = self._deadlines.get(day)
        if deadlines is None:
            deadlines = self._deadlines[day] = self._day_deadlines(day)
        close_h, before_close, after_close = deadlines
        return before_close if created_h < close_h else after_close

    def _day_deadlines(self, day: int) -> tuple[float, float, float]:
        """The close of receiving on ``day`` (−inf if it does not receive, +inf without a
        calendar) and the deadlines of an order placed before and at or after it."""
        calendar, days = self.receiving, self.promise_business_days
        assert days is not None
        start_h = day * HOURS_PER_DAY
        if calendar is None:
            deadline = business_deadline_h(None, start_h, days)
            return math.inf, deadline, deadline
        if day % 7 not in calendar.working_days:
            deadline = business_deadline_h(calendar, start_h, days)
            return -math.inf, deadline, deadline
        close_h = day * HOURS_PER_DAY + calendar.close_hour
        return (
            close_h,
            business_deadline_h(calendar, start_h, days),
            business_deadline_h(calendar, close_h, days),
        )

    def route(self) -> ChannelRoute:
        """Draw the channel of a new order (no draw for a single-channel tier)."""
        if self.single_route is not None:
            return self.single_route
        return self._route_of[bisect_right(self.channel_cdf, self.channel_u())]

    def next_arrival_h(self, now_h: float) -> float:
        """Time of the next order of the tier (draws one unit-exponential hazard)."""
        hazard = self.interarrival()
        if self.weekly_rate is None:
            return now_h + hazard / self.rate_per_h
        return self.weekly_rate.next_arrival_h(now_h, hazard)


def _units_of(draws: np.ndarray) -> np.ndarray:
    """The units of order lines: the draws rounded half to even (as ``round``), at least 1."""
    return np.maximum(np.rint(draws), 1.0).astype(np.int64)


def _weekly_profile(tier: Tier) -> list[float] | None:
    """Rate multiplier for each hour of the week (168 values), or None if flat."""
    if tier.hourly_profile is None and tier.weekday_profile is None:
        return None
    hourly = tier.hourly_profile or (1.0,) * 24
    weekly = tier.weekday_profile or (1.0,) * 7
    return [weekly[h // 24] * hourly[h % 24] for h in range(HOURS_PER_WEEK)]
