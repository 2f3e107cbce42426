"""Offered loads are computed before simulation; overloaded queues are reported."""

from __future__ import annotations

import pytest

from tests.conftest import DEFAULT_SCENARIO, call_centre
from tierwise.simulation.scenario.loading import load_scenario
from tierwise.simulation.scenario.schema import Scenario
from tierwise.simulation.theory.erlang import erlang_a, erlang_b
from tierwise.simulation.theory.loads import (
    UnstableScenarioError,
    check_stability,
    load_warnings,
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
