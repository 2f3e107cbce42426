"""Order desk: tier priorities at a shared pool, FIFO pools, caller patience."""

from __future__ import annotations

import math
from typing import Any

from tests.conftest import OFF
from tierwise.simulation.engine import run, run_with_orders
from tierwise.simulation.scenario.loading import scenario_from_dict
from tierwise.simulation.scenario.schema import Scenario


def _two_tier_desk(discipline: str, **order_entry: Any) -> Scenario:
    return scenario_from_dict(
        {
            "seed": 8,
            "horizon_days": 2,
            "warmup_days": 0.25,
            "tiers": {
                "gold": {"customers": 1, "orders_per_hour": 90.0, "priority": 0},
                "basic": {"customers": 1, "orders_per_hour": 90.0, "priority": 1},
            },
            "order_entry": {
                "pools": {"desk": {"agents": 10, "discipline": discipline}},
                "handling_time_s": {"dist": "exponential", "mean": 180.0},
                **order_entry,
            },
            "processing": OFF,
            "picking": OFF,
            "shipping": OFF,
        }
    )


def test_priority_pool_answers_the_first_tier_faster() -> None:
    m = run(_two_tier_desk("priority"), 0).tiers
    assert m["gold"]["mean_speed_of_answer_s"] * 3 < m["basic"]["mean_speed_of_answer_s"]


def test_fifo_pool_answers_tiers_alike_whatever_their_priority() -> None:
    m = run(_two_tier_desk("fifo"), 0).tiers
    gold, basic = m["gold"]["mean_speed_of_answer_s"], m["basic"]["mean_speed_of_answer_s"]
    assert 0.7 < gold / basic < 1.4


def test_impatient_callers_are_lost_orders_with_a_lost_record() -> None:
    sc = _two_tier_desk("fifo", patience_s={"dist": "exponential", "mean": 30.0})
    result, records = run_with_orders(sc, 0)
    lost = [o for o in records if o.lost]
    m = result.tiers["basic"]
    assert m["orders_lost"] > 10
    assert m["orders_lost"] == round(m["calls_offered"] * m["abandonment_rate"])
    assert len(lost) == sum(t["orders_lost"] for t in result.tiers.values())
    assert all(math.isnan(o.cycle_time_h) and not o.perfect for o in lost)


def test_pools_report_utilisation_per_pool() -> None:
    sc = scenario_from_dict(
        {
            "seed": 8,
            "horizon_days": 1,
            "warmup_days": 0.1,
            "tiers": {
                "gold": {"customers": 1, "orders_per_hour": 10.0, "order_entry_pool": "key"},
                "basic": {"customers": 1, "orders_per_hour": 60.0, "order_entry_pool": "mass"},
            },
            "order_entry": {
                "pools": {"key": {"agents": 2}, "mass": {"agents": 4}},
                "handling_time_s": {"dist": "deterministic", "mean": 180.0},
            },
            "processing": OFF,
            "picking": OFF,
            "shipping": OFF,
        }
    )
    r = run(sc, 0)
    # offered load / agents: 10 × 0.05 / 2 = 0.25 and 60 × 0.05 / 4 = 0.75
    assert abs(r.resources["agents.key"] - 0.25) < 0.06
    assert abs(r.resources["agents.mass"] - 0.75) < 0.08
