"""Arrival-time inversion of a weekly rate profile: identical to walking every hour."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from tierwise.simulation.engine.tier import EPS, HOURS_PER_WEEK, WeeklyRate


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
