"""Calendar arithmetic: business-day promise deadlines, the receiving calendar, the hours of a
shift block in a window."""

from __future__ import annotations

import random

import pytest

from tierwise.simulation.engine.clock import (
    CutoffTable,
    OpeningTable,
    business_deadline_h,
    daily_span_hours,
    next_cutoff_h,
    next_open_h,
    receiving_calendar,
    staffed_hours,
)
from tierwise.simulation.scenario.hours import Calendar
from tierwise.simulation.scenario.loading import load_scenario

OFFICE = Calendar(open_hour=8, close_hour=18, working_days=(0, 1, 2, 3, 4))
MONDAY, FRIDAY, SATURDAY = 0.0, 4 * 24.0, 5 * 24.0


@pytest.mark.parametrize(
    ("placed_h", "days", "deadline_h"),
    [
        (MONDAY + 10, 1, 24 + 18),  # Monday morning: due Tuesday 18:00
        (MONDAY + 7, 1, 24 + 18),  # before opening: Monday is still the order's day
        (MONDAY + 20, 1, 2 * 24 + 18),  # after closing: counts from Tuesday, due Wednesday
        (FRIDAY + 10, 1, 7 * 24 + 18),  # Friday: next business day is Monday
        (SATURDAY + 12, 1, 8 * 24 + 18),  # weekend: the order's day is Monday, due Tuesday
        (MONDAY + 10, 4, 4 * 24 + 18),  # four business days from Monday: Friday
        (FRIDAY + 10, 2, 8 * 24 + 18),  # two business days from Friday: Tuesday
    ],
)
def test_business_day_deadline_skips_closed_days(placed_h: float, days: int, deadline_h: float):
    assert business_deadline_h(OFFICE, placed_h, days) == pytest.approx(deadline_h)


def test_business_day_deadline_without_calendar_is_end_of_the_nth_next_day():
    assert business_deadline_h(None, FRIDAY + 10, 1) == pytest.approx(SATURDAY + 24)


def test_receiving_calendar_defaults_to_the_scenario_calendar():
    scenario = load_scenario("default")
    assert receiving_calendar(scenario, "A") == scenario.calendar


def test_a_blocks_hours_count_its_span_on_working_days_only() -> None:
    week = (0.0, 7 * 24.0)
    assert daily_span_hours(OFFICE, 10, 12, *week) == 5 * 2.0  # Mon–Fri, 2 h each
    # a window cut inside a block counts the part inside
    assert daily_span_hours(OFFICE, 10, 12, 10.5, 24 + 11) == 1.5 + 1.0
    assert daily_span_hours(OFFICE, 10, 12, *week[::-1]) == 0.0


def test_staffed_hours_are_the_span_from_opening_to_closing() -> None:
    for window in [(0.0, 168.0), (9.25, 50.5), (100.0, 400.0)]:
        assert staffed_hours(OFFICE, *window) == daily_span_hours(OFFICE, 8, 18, *window)
    assert staffed_hours(None, 3.0, 10.0) == 7.0
    assert staffed_hours(None, 10.0, 3.0) == 0.0


def _times(seed: int, n: int = 3000) -> list[float]:
    """Random times over three weeks, and the calendars' own boundaries (ties)."""
    rng = random.Random(seed)
    times = [rng.uniform(0, 21 * 24) for _ in range(n)]
    boundaries = [d * 24.0 + h for d in range(21) for h in (0, 6, 8, 13, 16, 17.5, 18, 22, 24)]
    return times + boundaries + [b - 1e-9 for b in boundaries] + [b + 1e-9 for b in boundaries]


WEEKEND_OFF = Calendar(open_hour=6, close_hour=22, working_days=(0, 2, 3, 5))
ROUND_THE_CLOCK = Calendar(open_hour=0, close_hour=24, working_days=(1, 2, 3, 4, 5, 6))


@pytest.mark.parametrize("calendar", [OFFICE, WEEKEND_OFF, ROUND_THE_CLOCK])
def test_the_opening_table_gives_exactly_the_next_opening(calendar: Calendar) -> None:
    table = OpeningTable(calendar)
    for t in _times(1):
        assert table.next_h(t) == next_open_h(calendar, t), t
        assert table.wait_h(t) == next_open_h(calendar, t) - t, t


@pytest.mark.parametrize("calendar", [OFFICE, WEEKEND_OFF, None])
@pytest.mark.parametrize("cutoffs", [(17,), (13, 17.5), (16, 8), ()])
def test_the_cutoff_table_gives_exactly_the_next_cutoff(
    calendar: Calendar | None, cutoffs: tuple[float, ...]
) -> None:
    table = CutoffTable(calendar, cutoffs)
    for t in _times(2):
        assert table.next_h(t) == next_cutoff_h(calendar, cutoffs, t), t
