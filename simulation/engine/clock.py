"""Calendar arithmetic on the engine clock (hours since Monday 00:00 of week 0).

Pure functions, no SimPy: opening and closing times, staffed hours in an interval (of the
whole day or of a shift block), and the next dispatch cut-off; the next opening and the next
cut-off also as tables prepared per day (:class:`OpeningTable`, :class:`CutoffTable`: the
same answers, for the per-order paths).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from tierwise.simulation.scenario.hours import Calendar
from tierwise.simulation.scenario.schema import Scenario

__all__ = [
    "HOURS_PER_DAY",
    "CutoffTable",
    "OpeningTable",
    "business_deadline_h",
    "daily_span_hours",
    "is_working_day",
    "next_close_h",
    "next_cutoff_h",
    "next_open_h",
    "receiving_calendar",
    "staffed_hours",
    "working_days_between",
]

HOURS_PER_DAY = 24.0


def is_working_day(calendar: Calendar | None, day: int) -> bool:
    """Whether day number ``day`` (0 = the first Monday) is worked."""
    return calendar is None or (day % 7) in calendar.working_days


def next_open_h(calendar: Calendar, t_h: float) -> float:
    """Earliest time >= ``t_h`` at which the operation is open."""
    day = math.floor(t_h / HOURS_PER_DAY)
    for d in range(day, day + 8):
        if d % 7 not in calendar.working_days:
            continue
        start = d * HOURS_PER_DAY + calendar.open_hour
        end = d * HOURS_PER_DAY + calendar.close_hour
        if t_h < end:
            return max(t_h, start)
    raise AssertionError("calendar has no working day")  # prevented by validation


def next_close_h(calendar: Calendar, t_h: float) -> float:
    """Earliest closing time strictly after the opening that is current or next at ``t_h``."""
    start = next_open_h(calendar, t_h)
    day = math.floor(start / HOURS_PER_DAY)
    return day * HOURS_PER_DAY + calendar.close_hour


def staffed_hours(calendar: Calendar | None, start_h: float, end_h: float) -> float:
    """Open hours within ``[start_h, end_h]`` (all hours when ``calendar`` is None)."""
    if calendar is None:
        return max(0.0, end_h - start_h)
    return daily_span_hours(calendar, calendar.open_hour, calendar.close_hour, start_h, end_h)


def daily_span_hours(
    calendar: Calendar, from_hour: float, to_hour: float, start_h: float, end_h: float
) -> float:
    """Hours within ``[start_h, end_h]`` of the daily span ``[from_hour, to_hour)`` (hours of
    the day) on the calendar's working days: a shift block's hours in a window."""
    if end_h <= start_h:
        return 0.0
    total = 0.0
    first, last = math.floor(start_h / HOURS_PER_DAY), math.floor(end_h / HOURS_PER_DAY)
    for d in range(first, last + 1):
        if d % 7 not in calendar.working_days:
            continue
        a = max(start_h, d * HOURS_PER_DAY + from_hour)
        b = min(end_h, d * HOURS_PER_DAY + to_hour)
        total += max(0.0, b - a)
    return total


def working_days_between(calendar: Calendar | None, start_h: float, end_h: float) -> float:
    """Working days (fractional at the ends) within ``[start_h, end_h]``."""
    if end_h <= start_h:
        return 0.0
    total = 0.0
    first, last = math.floor(start_h / HOURS_PER_DAY), math.floor(end_h / HOURS_PER_DAY)
    for d in range(first, last + 1):
        if not is_working_day(calendar, d):
            continue
        a = max(start_h, d * HOURS_PER_DAY)
        b = min(end_h, (d + 1) * HOURS_PER_DAY)
        total += max(0.0, b - a) / HOURS_PER_DAY
    return total


def next_cutoff_h(calendar: Calendar | None, cutoff_hours: Sequence[float], t_h: float) -> float:
    """Earliest dispatch cut-off >= ``t_h`` on a working day; ``t_h`` itself if none are set."""
    if not cutoff_hours:
        return t_h
    day = math.floor(t_h / HOURS_PER_DAY)
    for d in range(day, day + 9):
        if not is_working_day(calendar, d):
            continue
        for hour in cutoff_hours:
            cut = d * HOURS_PER_DAY + hour
            if cut >= t_h:
                return cut
    raise AssertionError("no cut-off found within 9 days")  # prevented by validation


def receiving_calendar(scenario: Scenario, tier_name: str) -> Calendar | None:
    """When ``tier_name``'s customers accept deliveries: its ``receiving_hours``, else the
    scenario's calendar; ``None`` (always) when neither is set."""
    hours = scenario.tiers[tier_name].receiving_hours
    return hours.as_calendar() if hours is not None else scenario.calendar


def business_deadline_h(calendar: Calendar | None, t_h: float, business_days: int) -> float:
    """Deadline of a promise of ``business_days`` business days for an order placed at ``t_h``.

    The order's day is the receiving day it is placed on, or the next receiving day when it is
    placed after closing or on a closed day. The deadline is the close of receiving on the
    ``business_days``-th receiving day after that (1 = next business day). Without a
    calendar every day is a business day and closes at midnight.

    Parameters
    ----------
    calendar : Calendar or None
        The receiving hours (``None``: always open).
    t_h : float
        Order time, hours since Monday 00:00 of week 0.
    business_days : int
        Promised business days, >= 1.

    Returns
    -------
    float
        Deadline, hours on the same clock.
    """
    if calendar is None:
        return (math.floor(t_h / HOURS_PER_DAY) + 1 + business_days) * HOURS_PER_DAY
    day = math.floor(next_open_h(calendar, t_h) / HOURS_PER_DAY)
    counted = 0
    while counted < business_days:
        day += 1
        if day % 7 in calendar.working_days:
            counted += 1
    return day * HOURS_PER_DAY + calendar.close_hour


class CutoffTable:
    """:func:`next_cutoff_h` of one calendar and cut-off list, prepared per day.

    The cut-offs of a day (and the first of the next working day) are computed once per day
    with the same float operations as :func:`next_cutoff_h`, so every answer is identical
    to it (tested).

    Parameters
    ----------
    calendar : Calendar or None
        Working days of dispatch; ``None`` = every day.
    cutoff_hours : sequence of float
        Cut-off hours of the day (>= 0), in the order :func:`next_cutoff_h` tries them.
    """

    __slots__ = ("_by_day", "calendar", "cutoff_hours")

    def __init__(self, calendar: Calendar | None, cutoff_hours: Sequence[float]) -> None:
        self.calendar = calendar
        self.cutoff_hours = tuple(cutoff_hours)
        self._by_day: dict[int, tuple[float, ...]] = {}

    def next_h(self, t_h: float) -> float:
        """Earliest dispatch cut-off >= ``t_h`` on a working day; ``t_h`` if none are set."""
        if not self.cutoff_hours:
            return t_h
        day = math.floor(t_h / HOURS_PER_DAY)
        cuts = self._by_day.get(day)
        if cuts is None:
            cuts = self._by_day[day] = self._candidates(day)
        for cut in cuts:
            if cut >= t_h:
                return cut
        raise AssertionError("no cut-off found within 9 days")  # prevented by validation

    def _candidates(self, day: int) -> tuple[float, ...]:
        """The cut-offs of ``day`` (if worked), then the first of the next working day (any
        time of ``day`` is before it)."""
        cuts: list[float] = []
        if is_working_day(self.calendar, day):
            cuts = [day * HOURS_PER_DAY + hour for hour in self.cutoff_hours]
        for d in range(day + 1, day + 9):
            if is_working_day(self.calendar, d):
                cuts.append(d * HOURS_PER_DAY + self.cutoff_hours[0])
                break
        return tuple(cuts)


class OpeningTable:
    """:func:`next_open_h` of one calendar, prepared per day.

    A day's opening and closing and the next working day's opening are computed once per
    day with the same float operations as :func:`next_open_h`, so every answer is identical
    to it (tested).

    Parameters
    ----------
    calendar : Calendar
        The opening hours.
    """

    __slots__ = ("_by_day", "calendar")

    def __init__(self, calendar: Calendar) -> None:
        self.calendar = calendar
        self._by_day: dict[int, tuple[float, float, float]] = {}

    def next_h(self, t_h: float) -> float:
        """Earliest time >= ``t_h`` at which the operation is open."""
        day = math.floor(t_h / HOURS_PER_DAY)
        hours = self._by_day.get(day)
        if hours is None:
            hours = self._by_day[day] = self._hours(day)
        start, end, next_start = hours
        if t_h < end:
            return t_h if t_h >= start else start
        return next_start

    def wait_h(self, t_h: float) -> float:
        """Hours from ``t_h`` to the next opening (0 while open)."""
        return self.next_h(t_h) - t_h

    def _hours(self, day: int) -> tuple[float, float, float]:
        """Opening and closing of ``day`` (closing −inf when it is not worked), and the
        opening of the next working day."""
        calendar = self.calendar
        start, end = math.inf, -math.inf
        if day % 7 in calendar.working_days:
            start = day * HOURS_PER_DAY + calendar.open_hour
            end = day * HOURS_PER_DAY + calendar.close_hour
        for d in range(day + 1, day + 8):
            if d % 7 in calendar.working_days:
                return start, end, d * HOURS_PER_DAY + calendar.open_hour
        raise AssertionError("calendar has no working day")  # prevented by validation
