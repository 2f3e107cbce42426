"""Order desk: tier priorities at a shared pool, FIFO pools, caller patience, a pool's fixed
cost."""

from __future__ import annotations

import math
from typing import Any

from tests.conftest import OFF
from tierwise.simulation.engine import run, run_with_orders
from tierwise.simulation.engine.desk import OrderDesk
from tierwise.simulation.scenario.hours import Calendar
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


def test_a_pools_fixed_cost_is_charged_per_working_day_and_allocated_by_agent_time() -> None:
    fixed = 240.0
    sc = scenario_from_dict(
        {
            "seed": 8,
            "horizon_days": 8,
            "warmup_days": 1,
            "calendar": {"open_hour": 8, "close_hour": 18},
            "tiers": {
                "big": {"customers": 1, "orders_per_hour": 30.0, "order_entry_pool": "team"},
                "small": {"customers": 1, "orders_per_hour": 10.0, "order_entry_pool": "team"},
                "own": {"customers": 1, "orders_per_hour": 10.0, "order_entry_pool": "solo"},
            },
            "order_entry": {
                "pools": {
                    "team": {"agents": 4, "fixed_usd_per_day": fixed},
                    "solo": {"agents": 2},
                },
                "handling_time_s": {"dist": "exponential", "mean": 180.0},
            },
            "processing": OFF,
            "picking": OFF,
            "shipping": OFF,
        }
    )
    result = run(sc, 0)
    working_days, calendar_days = 5.0, 7.0  # window Tue … Tue
    assert math.isclose(result.costs["desk_fixed"], fixed * working_days / calendar_days)
    # no wages are set: each tier's cost is its share of the fixed cost, by agent time
    tier_cost = {t: m["cost_per_day_usd"] for t, m in result.tiers.items()}
    assert tier_cost["own"] == 0.0  # its pool has no fixed cost
    assert 2.5 * tier_cost["small"] < tier_cost["big"] < 3.5 * tier_cost["small"]  # ≈ 3 : 1
    assert math.isclose(sum(tier_cost.values()), result.costs["desk_fixed"])


def _condition_patience(desk: OrderDesk, request: Any, patience_h: float) -> Any:
    """The patience as it was: a SimPy condition, the first of the answer and the timer."""
    return request | desk.env.timeout(patience_h)


def test_patience_without_a_condition_event_keeps_every_order_as_with_one(monkeypatch) -> None:
    # a shift calendar (openings: many calls at the same instant), two tiers by priority,
    # callers who hang up often: ties between answers and hang-ups
    sc = _two_tier_desk("priority", patience_s={"dist": "exponential", "mean": 60.0})
    sc = sc.model_copy(update={"calendar": Calendar(open_hour=8, close_hour=18)})
    lean = run_with_orders(sc, 0)
    monkeypatch.setattr(OrderDesk, "patience", _condition_patience)
    with_condition = run_with_orders(sc, 0)
    assert sum(o.lost for o in lean[1]) > 20
    assert lean[1] == with_condition[1]
    assert lean[0].flat() == with_condition[0].flat()
