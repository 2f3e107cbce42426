"""Recovery desk: an own team leaves the order-entry agents alone and limits complaint
throughput; a shared desk takes agents' time."""

from __future__ import annotations

import math
from typing import Any

from tests.conftest import OFF
from tierwise.simulation.engine import run
from tierwise.simulation.scenario.loading import scenario_from_dict
from tierwise.simulation.scenario.schema import Scenario

HANDLING_MIN = 60.0


def _complaints_scenario(recovery: dict[str, Any]) -> Scenario:
    """Every order is billed wrongly (imperfect) and complains; one desk takes the calls."""
    return scenario_from_dict(
        {
            "seed": 4,
            "horizon_days": 3,
            "warmup_days": 0.5,
            "drain_days": 0,
            "tiers": {"all": {"customers": 1, "orders_per_hour": 5.0}},
            "order_entry": {
                "pools": {"desk": {"agents": 3}},
                "handling_time_s": {"dist": "exponential", "mean": 300.0},
            },
            "processing": {"billing_error_probability": 1.0},
            "picking": OFF,
            "shipping": OFF,
            "recovery": {
                "enabled": True,
                "complaint_probability": 1.0,
                "handling_time_min": {"dist": "deterministic", "mean": HANDLING_MIN},
                **recovery,
            },
        }
    )


def test_own_team_complaints_take_no_order_entry_agent_time() -> None:
    alone = run(_complaints_scenario({"enabled": False}), 0)
    team = run(_complaints_scenario({"desk": "own_team", "own_team_agents": 2}), 0)
    shared = run(_complaints_scenario({"desk": "order_entry"}), 0)
    assert team.tiers["all"]["complaints_raised"] > 20
    assert math.isclose(
        team.resources["agents.desk"], alone.resources["agents.desk"], rel_tol=1e-12
    )
    assert (
        team.tiers["all"]["mean_speed_of_answer_s"] == alone.tiers["all"]["mean_speed_of_answer_s"]
    )
    # on the shared desk every complaint holds an agent for an hour
    assert shared.resources["agents.desk"] > alone.resources["agents.desk"] + 0.3
    assert "recovery_team" in team.resources and "recovery_team" not in shared.resources


def test_own_team_capacity_limits_complaints_handled() -> None:
    sc = _complaints_scenario({"desk": "own_team", "own_team_agents": 1})
    r = run(sc, 0)
    measured_h = (sc.horizon_days - sc.warmup_days) * 24
    # 5 complaints an hour arrive; one agent handles one an hour (plus the one under way)
    assert r.tiers["all"]["complaints_raised"] <= measured_h / (HANDLING_MIN / 60) + 1
    assert r.tiers["all"]["orders_arrived"] > 4 * r.tiers["all"]["complaints_raised"]
    assert r.resources["recovery_team"] > 0.95
    more = run(_complaints_scenario({"desk": "own_team", "own_team_agents": 3}), 0)
    assert more.tiers["all"]["complaints_raised"] > 2.5 * r.tiers["all"]["complaints_raised"]
