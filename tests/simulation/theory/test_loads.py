"""Offered loads are computed before simulation; overloaded queues are reported."""

from __future__ import annotations

import pytest

from tests.conftest import DEFAULT_SCENARIO, call_centre
from tierwise.simulation.scenario.loading import load_scenario
from tierwise.simulation.scenario.schema import Scenario
from tierwise.simulation.theory.erlang import erlang_a, erlang_b
from tierwise.simulation.theory.loads import (
    UnstableScenarioError,
    block_loads,
    check_stability,
    load_warnings,
    min_stable_servers_by_block,
    offered_loads,
)


def _impatient_desk(agents: int, patience_s: dict[str, object]) -> Scenario:
    return call_centre(
        agents,
        order_entry={
            "pools": {"desk": {"agents": agents}},
            "handling_time_s": {"dist": "exponential", "mean": 180.0},
            "patience_s": patience_s,
        },
    )


def test_call_centre_offered_load_is_lambda_times_handling_time() -> None:
    (load,) = offered_loads(call_centre(12))
    assert load.offered_load == pytest.approx(10.0)
    assert load.min_stable_servers == 11
    assert load.stable


def test_overloaded_desk_is_reported_with_load_and_minimum_staffing() -> None:
    with pytest.raises(UnstableScenarioError) as info:
        check_stability(call_centre(9))
    text = str(info.value)
    assert "agents.desk: offered load 10.00 >= 9" in text
    assert "at least 11 needed" in text


def test_default_scenario_loads_use_staffed_hours() -> None:
    loads = {q.resource: q for q in offered_loads(load_scenario(DEFAULT_SCENARIO))}
    # 1,000 orders per (average) working day; 40 % / 70 % / 90 % by phone, 3.5 min each
    assert loads["agents.desk"].offered_load == pytest.approx(4.1708, rel=1e-3)
    assert loads["pickers"].stable and loads["vehicles.regional"].stable
    assert loads["pickers"].peak_load > loads["pickers"].offered_load


def test_desk_with_abandonment_is_stable_at_any_load_with_erlang_a_abandonment() -> None:
    # 10 Erlang offered to 6 agents: no steady state without abandonment, Erlang A with it
    (load,) = check_stability(_impatient_desk(6, {"dist": "exponential", "mean": 120.0}))
    assert load.stable and load.abandonment and load.offered_load == pytest.approx(10.0)
    expected = erlang_a(6, 200.0, 0.05, 120.0 / 3600.0).abandon_probability
    assert load.abandon_probability == pytest.approx(expected)
    assert load.abandon_probability > 1 - 6 / 10 - 0.05  # most of the excess load abandons
    (warning,) = load_warnings([load])
    assert "agents.desk: offered load 10.00 Erlang >= 6" in warning
    assert "callers abandon" in warning and f"{expected:.1%}" in warning


def test_zero_patience_desk_is_an_erlang_b_loss_system() -> None:
    (load,) = check_stability(_impatient_desk(8, {"dist": "deterministic", "mean": 0.0}))
    assert load.stable and load.mean_patience_h == 0.0
    assert load.abandon_probability == pytest.approx(erlang_b(8, 10.0))
    assert "Erlang B" in load_warnings([load])[0]


def test_default_scenario_warns_that_the_pickers_peak_hour_exceeds_capacity() -> None:
    loads = {q.resource: q for q in check_stability(load_scenario(DEFAULT_SCENARIO))}
    pickers = loads["pickers"]
    # busiest hour: Monday 10:00, profile 1.15 × 1.4 of the base rates
    assert pickers.peak_offered_load_erlang == pytest.approx(15.7378, rel=1e-4)
    assert pickers.peak_utilisation == pytest.approx(15.7378 / 12, rel=1e-4)
    assert pickers.stable and pickers.peak_overloaded
    warnings = load_warnings(list(loads.values()))
    assert len(warnings) == 1
    assert warnings[0].startswith("pickers: peak-hour offered load 15.74 Erlang >= 12")
    assert "16 would keep up with the peak" in warnings[0]
    desk = loads["agents.desk"]
    assert not desk.peak_overloaded and desk.warnings == []
    assert 0 < desk.abandon_probability < desk.peak_abandon_probability < 1


def test_queue_without_abandonment_or_peak_overload_has_no_warning() -> None:
    (load,) = offered_loads(call_centre(12))
    assert not load.abandonment and load.abandon_probability is None
    assert load.warnings == []


# ---------------------------------------------------------------- shift blocks
def _default_with(*overrides: tuple[str, object]) -> Scenario:
    return load_scenario(DEFAULT_SCENARIO, list(overrides))


def test_block_loads_share_out_the_weeks_work_and_show_the_peak_block() -> None:
    sc = _default_with()
    (desk,) = [q for q in offered_loads(sc) if q.resource == "agents.desk"]
    blocks = block_loads(sc, "agents.desk")  # 2 h blocks from the opening by default
    assert [b.block for b in blocks] == ["08", "10", "12", "14", "16"]
    assert all(b.staffed_hours_per_week == 10 for b in blocks)  # 2 h × 5 working days
    # the work of the week, block by block, is the work of the week
    work = sum(b.offered_load * b.staffed_hours_per_week for b in blocks)
    assert work == pytest.approx(desk.offered_load * 50)
    # the default demand peaks at 10–11 h (profile 1.4, Monday 1.15)
    assert max(blocks, key=lambda b: b.offered_load).block == "10"
    assert max(b.peak_load for b in blocks) == pytest.approx(desk.peak_load)
    assert all(b.servers == 7 for b in blocks)  # the constant staff


def test_min_stable_staff_by_block_is_floor_of_each_blocks_load_plus_one() -> None:
    sc = _default_with()
    for resource in ("agents.desk", "pickers"):
        least = min_stable_servers_by_block(sc, resource)
        loads = block_loads(sc, resource)
        assert least == {b.block: int(b.offered_load) + 1 for b in loads}
    # pickers: the 10–12 block needs more than the 12 pickers of the scenario
    assert min_stable_servers_by_block(sc, "pickers")["10"] > 12
    hourly = min_stable_servers_by_block(sc, "pickers", [f"{h:02d}" for h in range(8, 18)])
    assert len(hourly) == 10 and hourly["10"] == 14


def test_work_arriving_while_closed_waits_for_the_first_block() -> None:
    evening = [0.0] * 24
    evening[20] = 1.0  # calls only at 20:00, after closing
    sc = _default_with(*[(f"tiers.{t}.hourly_profile", evening) for t in ("A", "B", "C")])
    blocks = block_loads(sc, "agents.desk")
    assert blocks[0].offered_load > 0 and all(b.offered_load == 0 for b in blocks[1:])
    assert blocks[0].peak_load == 0.0  # nobody calls in its own hours


def test_block_loads_use_the_scenarios_blocks_and_servers() -> None:
    sc = _default_with(("order_entry.pools.desk.agents_by_block", {"08": 5, "10": 7, "13": 4}))
    blocks = block_loads(sc, "agents.desk")
    assert [(b.block, b.start_hour, b.end_hour, b.servers) for b in blocks] == [
        ("08", 8.0, 10.0, 5),
        ("10", 10.0, 13.0, 7),
        ("13", 13.0, 18.0, 4),
    ]
    # other blocks asked for: the servers at work at each one's start
    assert [b.servers for b in block_loads(sc, "agents.desk", ["08", "12", "14"])] == [5, 7, 4]


def test_block_loads_need_a_calendar_and_a_staffed_resource() -> None:
    with pytest.raises(ValueError, match="calendar"):
        block_loads(call_centre(12), "agents.desk")
    with pytest.raises(ValueError, match=r"agents\.desk, pickers"):
        block_loads(_default_with(), "vehicles.regional")


def test_a_queue_staffed_by_block_is_stable_when_its_staffed_hours_carry_the_work() -> None:
    # desk without abandonment: 4.17 Erlang on average; blocks of 5, 7, 4 agents average
    # 5.1 (stable), of 3, 6, 3 average 3.9 (not), although the headcount is 7 in both
    patient = ("order_entry.patience_s", None)
    stable = _default_with(
        patient, ("order_entry.pools.desk.agents_by_block", {"08": 5, "10": 7, "13": 4})
    )
    (desk,) = [q for q in check_stability(stable) if q.resource == "agents.desk"]
    assert desk.staffed_servers == pytest.approx((5 * 2 + 7 * 3 + 4 * 5) / 10)
    assert desk.stable and desk.servers == 7
    unstable = _default_with(
        patient, ("order_entry.pools.desk.agents_by_block", {"08": 3, "10": 6, "13": 3})
    )
    with pytest.raises(UnstableScenarioError) as info:
        check_stability(unstable)
    assert "agents.desk: offered load 4.17 >= 3.90 server(s) on average" in str(info.value)


def test_a_block_whose_busiest_hour_exceeds_its_staff_is_warned_about() -> None:
    sc = _default_with(
        ("picking.pickers", 16), ("picking.pickers_by_block", {"08": 16, "12": 10, "14": 13})
    )
    (pickers,) = [q for q in check_stability(sc) if q.resource == "pickers"]
    assert pickers.peak_overloaded
    warnings = [w for w in load_warnings([pickers]) if w.startswith("pickers")]
    # 12–14: busiest hour 10.12 Erlang >= 10; 14–18: 12.37 Erlang < 13; 08–12: 15.74 < 16
    assert len(warnings) == 1 and "block 12 (12–14 h)" in warnings[0]
    assert "11 would keep up with its peak" in warnings[0]


def test_abandonment_by_block_is_each_blocks_erlang_a_weighted_by_its_calls() -> None:
    sc = _default_with(("order_entry.pools.desk.agents_by_block", {"08": 5, "10": 7, "13": 4}))
    (desk,) = [q for q in offered_loads(sc) if q.resource == "agents.desk"]
    handling_h = sc.order_entry.handling_time_s.expected_value / 3600
    assert sc.order_entry.patience_s is not None and desk.mean_patience_h is not None
    weighted = sum(
        b.offered_load
        * b.staffed_hours_per_week
        * erlang_a(
            b.servers, b.offered_load / handling_h, handling_h, desk.mean_patience_h
        ).abandon_probability
        for b in desk.blocks
    ) / sum(b.offered_load * b.staffed_hours_per_week for b in desk.blocks)
    assert desk.abandon_probability == pytest.approx(weighted)
    # in the busiest hour of the thin 13:00 block (4 agents, 5.28 Erlang) more callers leave
    assert desk.peak_abandon_probability is not None
    assert desk.peak_abandon_probability > desk.abandon_probability
