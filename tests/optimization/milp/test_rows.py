"""Constraint rows and objective: names, groups, coefficients and slacks."""

from __future__ import annotations

import pytest

from tests.optimization.milp.plans import opt, small_problem, valid_assignment
from tierwise.optimization.milp.problem import PlanProblem, ResourceSpec
from tierwise.optimization.milp.rows import (
    GROUP_BUDGET,
    GROUP_CAPACITY,
    GROUP_CHOOSE_ONE,
    GROUP_COST_PER_ORDER,
    GROUP_MIN_SERVICE,
    GROUP_RESOURCE_LINK,
    GROUP_TIER_ORDER,
    constraint_rows,
    objective_spec,
)


def test_rows_have_readable_names_and_groups() -> None:
    rows = {r.name: r.group for r in constraint_rows(small_problem())}
    assert rows == {
        "one_option_A": GROUP_CHOOSE_ONE,
        "one_option_B": GROUP_CHOOSE_ONE,
        "units_agents": GROUP_RESOURCE_LINK,
        "capacity_agents": GROUP_CAPACITY,
        "budget": GROUP_BUDGET,
        "min_service_A": GROUP_MIN_SERVICE,
        "order_A_ge_B": GROUP_TIER_ORDER,
        "max_cost_per_order": GROUP_COST_PER_ORDER,
    }


def test_tier_names_with_spaces_give_solver_safe_unique_names() -> None:
    p = PlanProblem(
        options=[opt("gold tier", "g", 0.9, 1), opt("gold-tier", "h", 0.8, 1)],
        min_service={"gold tier": 0.5, "gold-tier": 0.5},
    )
    names = [r.name for r in constraint_rows(p)]
    assert "min_service_gold_tier" in names and "min_service_gold_tier_2" in names
    assert len(set(names)) == len(names)


def test_cost_objective_minimises_option_and_unit_costs() -> None:
    p = small_problem(
        objective="cost", resources=[ResourceSpec(name="agents", cost_per_unit_day_usd=5.0)]
    )
    spec = objective_spec(p)
    assert spec.sense == "min"
    assert spec.x_coeffs[("A", "a1")] == 180
    assert spec.y_coeffs == {"agents": 5.0}
    assert objective_spec(p, "profit").y_coeffs == {"agents": -5.0}


def test_cost_per_order_row_is_linearised_with_limit_times_orders() -> None:
    row = next(r for r in constraint_rows(small_problem()) if r.group == GROUP_COST_PER_ORDER)
    assert row.x_coeffs[("A", "a0")] == pytest.approx(100 - 10.0 * 10)
    assert row.x_coeffs[("B", "b1")] == pytest.approx(90 - 10.0 * 20)
    assert row.sense == "<=" and row.rhs == 0.0


def test_lower_bound_basis_uses_service_minus_half_width_for_minimums_only() -> None:
    p = PlanProblem(
        options=[
            opt("A", "a", 0.95, 1, service_half_width=0.02),
            opt("B", "b", 0.94, 1, service_half_width=0.0),
        ],
        min_service={"A": 0.9},
        tier_order=["A", "B"],
        min_service_basis="lower_bound",
    )
    rows = {r.name: r for r in constraint_rows(p)}
    assert rows["min_service_A"].x_coeffs[("A", "a")] == pytest.approx(0.93)
    assert rows["order_A_ge_B"].x_coeffs[("A", "a")] == pytest.approx(0.95)


def test_pooled_resource_gets_one_linking_row_per_tier() -> None:
    p = small_problem(resources=[ResourceSpec(name="agents", capacity_units=3, pooled=True)])
    links = [r.name for r in constraint_rows(p) if r.group == GROUP_RESOURCE_LINK]
    assert links == ["units_agents_A", "units_agents_B"]


def test_row_slack_matches_checker_on_valid_plan() -> None:
    x, y = valid_assignment()
    rows = {r.name: r for r in constraint_rows(small_problem())}
    assert rows["budget"].slack(x, y) == pytest.approx(20.0)
    assert rows["capacity_agents"].slack(x, y) == pytest.approx(0.0)
    assert rows["order_A_ge_B"].slack(x, y) == pytest.approx(0.12)
    assert rows["one_option_A"].slack(x, y) == 0.0
