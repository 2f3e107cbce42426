"""Offered loads are computed before simulation; overloaded queues are reported."""

from __future__ import annotations

import pytest

from tests.conftest import DEFAULT_SCENARIO, call_centre
from tierwise.simulation.scenario.loading import load_scenario
from tierwise.simulation.theory.loads import UnstableScenarioError, check_stability, offered_loads


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
