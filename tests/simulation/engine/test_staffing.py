"""Staffed pools by shift block: the shift process holds the servers a block does not staff
(non-preemptively, ahead of every order), and wages and utilisation count each block's servers
over its hours."""

from __future__ import annotations

import math
import statistics
from typing import Any

import simpy

from tests.conftest import OFF
from tierwise.simulation.engine import run
from tierwise.simulation.engine.staffing import StaffedPool
from tierwise.simulation.scenario.hours import Calendar
from tierwise.simulation.scenario.loading import scenario_from_dict
from tierwise.simulation.scenario.schema import Scenario
from tierwise.simulation.scenario.shift_blocks import shift_blocks
from tierwise.simulation.theory.erlang import erlang_c_wait_probability

EVERY_DAY = Calendar(open_hour=8, close_hour=18, working_days=(0, 1, 2, 3, 4, 5, 6))


def _pool_with_blocks(
    env: simpy.Environment, by_block: dict[str, int], window: tuple[float, float] = (0, 48)
) -> StaffedPool:
    pool = StaffedPool(
        env, "desk", 99, True, window, blocks=shift_blocks(by_block, EVERY_DAY.close_hour)
    )
    pool.start_shifts(EVERY_DAY)
    return pool


def _job(
    env: simpy.Environment, pool: StaffedPool, at_h: float, work_h: float, starts: list[float]
) -> Any:
    yield env.timeout(at_h)
    with pool.request(0) as request:
        yield request
        starts.append(env.now)
        pool.start_service(work_h)
        yield env.timeout(work_h)


def _starts(by_block: dict[str, int], jobs: list[tuple[float, float]]) -> list[float]:
    env = simpy.Environment()
    pool = _pool_with_blocks(env, by_block)
    starts: list[float] = []
    for at_h, work_h in jobs:
        env.process(_job(env, pool, at_h, work_h, starts))
    env.run(until=48)
    return starts


def test_the_resource_has_the_largest_block_of_servers() -> None:
    env = simpy.Environment()
    pool = _pool_with_blocks(env, {"08": 3, "10": 1, "12": 2})
    assert pool.capacity == 3 and pool.resource.capacity == 3


def test_a_block_serves_with_its_own_servers_only() -> None:
    # three 15-minute jobs at 10:45: one server from 10:00, so one after another
    assert _starts({"08": 3, "10": 1, "12": 2}, [(10.75, 0.25)] * 3) == [10.75, 11.0, 11.25]
    # from 12:00 two servers: two at once
    assert _starts({"08": 3, "10": 1, "12": 2}, [(12.5, 0.25)] * 3) == [12.5, 12.5, 12.75]


def test_work_under_way_at_a_block_start_finishes_non_preemptively() -> None:
    # three jobs started at 09:30 with 3 servers run to 10:30 although the 10:00 block has 1;
    # the next job waits for all three to finish and for the held servers to be taken
    starts = _starts({"08": 3, "10": 1, "12": 2}, [(9.5, 1.0)] * 3 + [(10.25, 0.5)] * 2)
    assert starts == [9.5, 9.5, 9.5, 10.5, 11.0]


def test_no_server_works_while_closed_and_the_first_block_opens() -> None:
    # a job at 18:30 waits for the opening at 08:00 next day, with the first block's servers
    starts = _starts({"08": 2, "10": 1}, [(18.5, 0.25)] * 3)
    assert starts == [32.0, 32.0, 32.25]


def test_server_hours_count_each_blocks_servers_over_its_hours() -> None:
    env = simpy.Environment()
    pool = _pool_with_blocks(env, {"08": 3, "10": 1, "12": 2}, window=(0.0, 48.0))
    per_day = 3 * 2 + 1 * 2 + 2 * 6
    assert pool.server_hours(20.0, EVERY_DAY) == 2 * per_day  # two days in the window
    assert pool.server_hours(20.0, EVERY_DAY, from_hour=16.0) == 2 * 2 * 2  # the last 2 h


def test_server_hours_without_blocks_are_every_server_over_the_staffed_hours() -> None:
    pool = StaffedPool(simpy.Environment(), "desk", 4, True, (0.0, 48.0))
    assert pool.server_hours(20.0) == 80.0
    assert pool.wages_usd(20.0, 10.0, 1.5) == 80.0 * 10.0 * 1.5


# ---------------------------------------------------------------- whole runs
def test_blocks_all_equal_to_the_headcount_reproduce_the_numbers_without_blocks(
    short_default: Scenario,
) -> None:
    agents = short_default.order_entry.pools["desk"].agents
    pickers = short_default.picking.pickers
    desk = short_default.order_entry.pools["desk"].model_copy(
        update={"agents_by_block": {"08": agents, "10": agents, "12": agents, "16": agents}}
    )
    picking = short_default.picking.model_copy(
        update={"pickers_by_block": {"08": pickers, "11": pickers, "15": pickers}}
    )
    blocks = short_default.model_copy(
        update={
            "order_entry": short_default.order_entry.model_copy(update={"pools": {"desk": desk}}),
            "picking": picking,
        }
    )
    without, with_blocks = run(short_default, 0), run(blocks, 0)
    assert with_blocks.tiers == without.tiers
    assert with_blocks.costs == without.costs
    assert with_blocks.resources == without.resources


def _peak_desk(peak_agents: int) -> Scenario:
    """One FIFO desk Mon–Fri 08:00–18:00; tier ``early`` calls 08–10, ``peak`` 10–12."""
    early = [0.0] * 24
    peak = [0.0] * 24
    early[8] = early[9] = 1.0
    peak[10] = peak[11] = 1.0
    week = {"weekday_profile": [1, 1, 1, 1, 1, 0, 0]}
    return scenario_from_dict(
        {
            "seed": 5,
            "horizon_days": 15,
            "warmup_days": 1,
            "calendar": {"open_hour": 8, "close_hour": 18},
            "tiers": {
                "early": {"customers": 1, "orders_per_hour": 60.0, "hourly_profile": early, **week},
                "peak": {"customers": 1, "orders_per_hour": 60.0, "hourly_profile": peak, **week},
            },
            "order_entry": {
                "pools": {
                    "desk": {
                        "agents": 6,
                        "discipline": "fifo",
                        "agents_by_block": {"08": 4, "10": peak_agents, "12": 2},
                    }
                },
                "handling_time_s": {"dist": "exponential", "mean": 180.0},
                "answer_target_s": 20.0,
            },
            "processing": OFF,
            "picking": OFF,
            "shipping": OFF,
        }
    )


def test_more_agents_in_a_block_answers_the_calls_arriving_in_it_faster() -> None:
    # 60 calls/h × 3 min = 3 Erlang in each block: 4 agents answer about half within 20 s,
    # 6 nearly all (same seed: the same calls)
    lean, middle, staffed = (run(_peak_desk(n), 0).tiers for n in (4, 5, 6))
    rates = [m["peak"]["answered_within_target_rate"] for m in (lean, middle, staffed)]
    assert rates == sorted(rates)
    assert (
        staffed["peak"]["answered_within_target_rate"]
        > lean["peak"]["answered_within_target_rate"] + 0.1
    )
    assert staffed["peak"]["mean_speed_of_answer_s"] < lean["peak"]["mean_speed_of_answer_s"] / 3
    # the calls of the 08–10 block see the same agents
    early_gain = (
        staffed["early"]["answered_within_target_rate"]
        - lean["early"]["answered_within_target_rate"]
    )
    assert abs(early_gain) < 0.05


WAGE, LOADING, FACTOR = 20.0, 1.25, 1.5
WORKING_DAYS, MEASURED_DAYS = 10, 14  # window days 1..14 of a Mon–Fri calendar


def test_agents_wages_are_servers_times_block_hours_times_wage_and_loading() -> None:
    data = _peak_desk(6).model_dump(mode="json")
    data["costs"] = {"agent_wage_usd_per_h": WAGE, "wage_loading_factor": LOADING}
    sc = scenario_from_dict(data)
    result = run(sc, 0)
    agent_hours_per_day = 4 * 2 + 6 * 2 + 2 * 6
    expected = agent_hours_per_day * WORKING_DAYS * WAGE * LOADING / MEASURED_DAYS
    assert result.costs["wages_agents"] == expected
    # utilisation: busy hours (240 calls × 3 min = 12 h a day) over the blocks' 32 agent-hours
    # (0.375), not over the headcount's 60 (0.2)
    assert abs(result.resources["agents.desk"] - 12 / agent_hours_per_day) < 0.03


def _late_warehouse(by_block: dict[str, int] | None) -> Scenario:
    """Pickers Mon–Fri 08:00–18:00 who stay for a 20:00 cut-off (overtime)."""
    return scenario_from_dict(
        {
            "seed": 11,
            "horizon_days": 15,
            "warmup_days": 1,
            "calendar": {"open_hour": 8, "close_hour": 18},
            "tiers": {"all": {"customers": 1, "orders_per_hour": 6.0, "shipping_mode": "parcel"}},
            "order_entry": OFF,
            "processing": OFF,
            "picking": {"pickers": 4, "pickers_by_block": by_block},
            "shipping": {
                "modes": {
                    "parcel": {
                        "transit_time_h": {"dist": "deterministic", "mean": 20.0},
                        "cutoff_hours": [20.0],
                    }
                }
            },
            "costs": {
                "picker_wage_usd_per_h": WAGE,
                "wage_loading_factor": LOADING,
                "overtime_wage_factor": FACTOR,
            },
        }
    )


def test_pickers_wages_count_blocks_to_closing_and_the_last_blocks_overtime() -> None:
    result = run(_late_warehouse({"08": 2, "12": 4, "16": 3}), 0)
    regular_h = 2 * 4 + 4 * 4 + 3 * 2  # the 16:00 block to closing at 18:00
    overtime_h = 3 * 2  # its pickers stay to 20:00
    assert result.costs["wages_pickers"] == (
        regular_h * WORKING_DAYS * WAGE * LOADING / MEASURED_DAYS
    )
    assert result.costs["overtime"] == (
        overtime_h * WORKING_DAYS * WAGE * LOADING * FACTOR / MEASURED_DAYS
    )


def test_picker_utilisation_is_busy_hours_over_the_blocks_picker_hours() -> None:
    # same work, fewer picker-hours: utilisation rises by the ratio of picker-hours
    full = run(_late_warehouse(None), 0)
    blocks = run(_late_warehouse({"08": 2, "12": 4, "16": 3}), 0)
    full_h, block_h = 4 * 12, 2 * 4 + 4 * 4 + 3 * 4
    ratio = blocks.resources["pickers"] / full.resources["pickers"]
    assert abs(ratio - full_h / block_h) < 0.02 * full_h / block_h


def test_each_long_stationary_block_waits_as_erlang_c_for_its_own_agents() -> None:
    # a 24/7 calendar cut into two 12 h blocks of 4 and 5 agents; 60 calls/h × 3 min = 3
    # Erlang in each; tier "night" calls 00–12, "day" 12–24; M/M/c within each block
    night, day = [1.0] * 12 + [0.0] * 12, [0.0] * 12 + [1.0] * 12
    sc = scenario_from_dict(
        {
            "seed": 3,
            "horizon_days": 21,
            "warmup_days": 1,
            "calendar": {"open_hour": 0, "close_hour": 24, "working_days": list(range(7))},
            "tiers": {
                "night": {"customers": 1, "orders_per_hour": 60.0, "hourly_profile": night},
                "day": {"customers": 1, "orders_per_hour": 60.0, "hourly_profile": day},
            },
            "order_entry": {
                "pools": {
                    "desk": {
                        "agents": 5,
                        "discipline": "fifo",
                        "agents_by_block": {"00": 4, "12": 5},
                    }
                },
                "handling_time_s": {"dist": "exponential", "mean": 180.0},
            },
            "processing": OFF,
            "picking": OFF,
            "shipping": OFF,
        }
    )
    runs = [run(sc, r).tiers for r in range(6)]
    t_975_5_df = 2.571
    for tier, agents in (("night", 4), ("day", 5)):
        waits = [m[tier]["wait_probability"] for m in runs]
        half_width = t_975_5_df * statistics.stdev(waits) / math.sqrt(len(waits))
        theory = erlang_c_wait_probability(agents, 3.0)
        assert abs(statistics.mean(waits) - theory) < half_width, (tier, waits, theory)
