"""The plain-Python checker: units, totals and every broken constraint of a plan."""

from __future__ import annotations

import dataclasses

import pytest

from tests.optimization.milp.plans import opt, small_problem, valid_assignment
from tierwise.optimization.milp.check import (
    check_assignment,
    check_plan,
    plan_totals,
    plan_units,
    selection,
)
from tierwise.optimization.milp.problem import PlanProblem, ResourceSpec
from tierwise.optimization.milp.solve import solve


def test_checker_accepts_a_valid_plan() -> None:
    x, y = valid_assignment()
    assert check_assignment(small_problem(), x, y) == []


@pytest.mark.parametrize(
    ("change", "constraint"),
    [
        ({"x": {("A", "a1"): 0.5}}, "integrality"),
        ({"x": {("A", "a0"): 1.0}}, "one_option_A"),
        ({"y": {"agents": 2.0}}, "units_agents"),
        ({"y": {"agents": 2.5}}, "integrality"),
        ({"y": {"agents": 4.0}}, "capacity_agents"),
        ({"x": {("B", "b0"): 0.0, ("B", "b1"): 1.0}, "y": {"agents": 4.0}}, "budget"),
        (
            {"x": {("A", "a1"): 0.0, ("A", "a0"): 1.0, ("B", "b0"): 0.0, ("B", "b1"): 1.0}},
            "order_A_ge_B",
        ),
        ({"x": {("Z", "z"): 1.0}}, "unknown_option"),
    ],
)
def test_checker_catches_each_broken_constraint(change: dict[str, dict], constraint: str) -> None:
    x, y = valid_assignment()
    x.update(change.get("x", {}))
    y.update(change.get("y", {}))
    found = {v.constraint for v in check_assignment(small_problem(), x, y)}
    assert constraint in found


def test_checker_catches_min_service_and_cost_per_order() -> None:
    x, y = valid_assignment()
    p = small_problem(min_service={"A": 0.98}, max_cost_per_order_usd=7.5)
    found = {v.constraint: v for v in check_assignment(p, x, y)}
    assert found["min_service_A"].amount == pytest.approx(0.01)
    assert found["max_cost_per_order"].amount == pytest.approx(240 - 7.5 * 30)


def test_violation_messages_state_money_in_dollars_and_the_shortfall() -> None:
    x = {("A", "a1"): 1.0, ("B", "b1"): 1.0}
    found = {v.constraint: v for v in check_assignment(small_problem(), x, {"agents": 4.0})}
    assert found["budget"].message == "plan cost $270.00/day exceeds the budget $260.00/day"
    assert found["budget"].amount == pytest.approx(10.0)
    assert found["capacity_agents"].message == "agents: 4 units exceed capacity 3"
    p = small_problem(min_service={"A": 0.98})
    low = {v.constraint: v for v in check_assignment(p, *valid_assignment())}
    assert low["min_service_A"].message == "tier 'A' service 0.97 is below its minimum 0.98 " + (
        "(short by 0.01)"
    )


# --------------------------------------------------------------------------- units and totals


def pooled_pair() -> tuple[PlanProblem, dict[str, object]]:
    """Tiers A and B on one desk of agents (pooled) and their own pickers (side by side)."""
    p = PlanProblem(
        options=[
            opt("A", "a", 0.9, 100, 400, resources={"agents": 6, "pickers": 2}, orders_per_day=10),
            opt("B", "b", 0.9, 50, 150, resources={"agents": 4, "pickers": 3}, orders_per_day=30),
        ],
        resources=[
            ResourceSpec(name="agents", pooled=True, cost_per_unit_day_usd=10.0),
            ResourceSpec(name="pickers", cost_per_unit_day_usd=1.0),
        ],
    )
    return p, {t: p.options_for(t)[0] for t in p.tiers}


def test_pooled_resource_needs_the_largest_pool_and_others_the_sum() -> None:
    p, chosen = pooled_pair()
    assert plan_units(p, chosen) == {"agents": 6, "pickers": 5}  # type: ignore[arg-type]


def test_plan_totals_add_unit_costs_of_the_units_the_plan_needs() -> None:
    p, chosen = pooled_pair()
    totals = plan_totals(p, chosen)  # type: ignore[arg-type]
    assert totals.cost_per_day_usd == pytest.approx(100 + 50 + 10 * 6 + 1 * 5)
    assert totals.revenue_per_day_usd == 550
    assert totals.profit_per_day_usd == pytest.approx(550 - 215)
    assert totals.orders_per_day == 40
    assert totals.cost_per_order_usd == pytest.approx(215 / 40)
    provided = plan_totals(p, chosen, {"agents": 8, "pickers": 5})  # type: ignore[arg-type]
    assert provided.cost_per_day_usd == pytest.approx(215 + 20)


def test_selection_sets_one_binary_per_tier() -> None:
    p = small_problem()
    chosen = {"A": p.options_for("A")[1], "B": p.options_for("B")[0]}
    assert selection(p, chosen) == valid_assignment()[0]


# --------------------------------------------------------------------------- plans


def test_check_plan_catches_a_tampered_plan() -> None:
    p = small_problem()
    res = solve(p, shadow_prices=False)
    assert {t: o.option_id for t, o in res.chosen.items()} == {"A": "a1", "B": "b0"}
    assert check_plan(p, res) == []

    cheap_a = p.options_for("A")[0]
    tampered = dataclasses.replace(res, chosen={**res.chosen, "A": cheap_a})
    found = {v.constraint: v for v in check_plan(p, tampered)}
    assert found["total_cost"].message == (
        "reported total cost $240.00/day differs from the chosen options' $160.00/day"
    )

    fewer_units = dataclasses.replace(res, resource_units={"agents": 2})
    assert "units_agents" in {v.constraint for v in check_plan(p, fewer_units)}

    forged = dataclasses.replace(res.chosen["B"], cost_per_day_usd=1.0)
    forged_plan = dataclasses.replace(res, chosen={**res.chosen, "B": forged})
    assert "unknown_option" in {v.constraint for v in check_plan(p, forged_plan)}
    missing = dataclasses.replace(res, chosen={"A": res.chosen["A"]})
    assert "one_option_B" in {v.constraint for v in check_plan(p, missing)}
