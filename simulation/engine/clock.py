"""Calendar arithmetic on the engine clock (hours since Monday 00:00 of week 0).

Pure functions, no SimPy: opening and closing times, staffed hours in an interval (of the
whole day or of a shift block), and the next dispatch cut-off.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from tierwise.simulation.scenario.hours import Calendar
from tierwise.simulation.scenario.schema import Scenario

__all__ = [
    "HOURS_PER_DAY",
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
