"""Arrival-time inversion of a weekly rate profile: identical to walking every hour; the
business-day deadlines, prepared per day: identical to computing each."""

from __future__ import annotations

import math
import random
from bisect import bisect_right
from itertools import islice

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import DEFAULT_SCENARIO
from tierwise.simulation.engine.clock import business_deadline_h
from tierwise.simulation.engine.rng import stream
from tierwise.simulation.engine.tier import _UNIT_UNIFORM, EPS, HOURS_PER_WEEK, TierRun, WeeklyRate
from tierwise.simulation.scenario.distributions import make_draws
from tierwise.simulation.scenario.hours import Calendar
from tierwise.simulation.scenario.loading import load_scenario


def _walk_every_hour(now_h: float, hazard: float, rate: float, profile: list[float]) -> float:
    """The reference: spend the hazard hour by hour, empty hours included."""
    t = now_h
    if max(profile) <= 0:
        return math.inf
    while True:
        hour = math.floor(t + EPS)
        step_end = hour + 1.0
        r = rate * profile[hour % HOURS_PER_WEEK]
        if r > 0 and r * (step_end - t) >= hazard:
            return t + hazard / r
        hazard -= r * (step_end - t)
        t = step_end


@given(
    seed=st.integers(0, 2**32 - 1),
    zero_share=st.floats(0.0, 0.95),
    rate=st.floats(0.01, 500.0),
)
def test_weekly_rate_gives_bit_identical_arrival_times_to_the_hourly_walk(
    seed: int, zero_share: float, rate: float
) -> None:
    rng = np.random.default_rng(seed)
    profile = [
        0.0 if rng.random() < zero_share else float(rng.uniform(0.1, 3.0))
        for _ in range(HOURS_PER_WEEK)
    ]
    profile[int(rng.integers(HOURS_PER_WEEK))] = 1.0  # at least one open hour
    weekly = WeeklyRate(rate, profile)
    t_fast = t_walk = float(rng.uniform(0, 48))
    for hazard in rng.exponential(1.0, 200):
        t_fast = weekly.next_arrival_h(t_fast, float(hazard))
        t_walk = _walk_every_hour(t_walk, float(hazard), rate, profile)
        assert t_fast == t_walk


def test_a_profile_that_is_zero_all_week_never_brings_an_arrival() -> None:
    assert WeeklyRate(10.0, [0.0] * HOURS_PER_WEEK).next_arrival_h(3.5, 0.2) == math.inf


def test_arrivals_skip_closed_hours_to_the_next_opening() -> None:
    profile = [0.0] * HOURS_PER_WEEK
    profile[30] = 1.0  # open only 30:00–31:00 of the week
    t = WeeklyRate(4.0, profile).next_arrival_h(2.25, 1.0)
    assert t == 30.25
    t = WeeklyRate(4.0, profile).next_arrival_h(30.5, 3.0)  # spends 2 now, 1 a week later
    assert t == 30.0 + HOURS_PER_WEEK + 0.25


@pytest.mark.parametrize(
    "receiving",
    [
        None,
        Calendar(open_hour=8, close_hour=18, working_days=(0, 1, 2, 3, 4)),
        Calendar(open_hour=0, close_hour=24, working_days=(1, 3, 5)),
    ],
)
@pytest.mark.parametrize("business_days", [1, 2, 4])
def test_business_deadlines_by_day_equal_the_deadline_of_each_order(
    receiving: Calendar | None, business_days: int
) -> None:
    scenario = load_scenario(DEFAULT_SCENARIO)
    tier = TierRun("A", scenario.tiers["A"], scenario, 0)
    tier.receiving, tier.promise_business_days = receiving, business_days
    rng = random.Random(3)
    closes = [d * 24.0 + h for d in range(21) for h in (0, 8, 18, 24)]
    times = [rng.uniform(0, 21 * 24) for _ in range(3000)] + closes + [c - 1e-9 for c in closes]
    for t in times:
        assert tier.deadline_h(t) == business_deadline_h(receiving, t, business_days), t


def test_line_units_and_families_come_as_the_rounded_and_binned_draws() -> None:
    """The streams' blocks are rounded (half to even, at least 1) and binned (bisect_right in
    the cumulative mix, the last family for a draw past it) in numpy: the values of doing it
    draw by draw, across block boundaries."""
    scenario = load_scenario(DEFAULT_SCENARIO)
    tier = TierRun("C", scenario.tiers["C"], scenario, 1)
    tier.family_cdf = [0.6, 0.99]  # a draw past the last bound takes the last family
    tier.wire_families([4, 9])
    n = 5000  # more than two blocks
    raw_units = make_draws(scenario.tiers["C"].units_per_line, stream(scenario.seed, 1, "units/C"))
    raw_u = make_draws(_UNIT_UNIFORM, stream(scenario.seed, 1, "family/C"))
    expected_units = [u if u >= 1 else 1 for u in map(round, islice(raw_units, n))]
    positions = [bisect_right(tier.family_cdf, u) for u in islice(raw_u, n)]
    expected_families = [[4, 9][min(p, 1)] for p in positions]
    units = list(islice(tier.units_draws, n))
    assert units == expected_units and all(type(u) is int for u in units)
    assert 1 in units and max(units) > 2
    assert list(islice(tier.family_draws, n)) == expected_families
    assert 2 in positions  # the round-off case occurred
