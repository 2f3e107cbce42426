"""Infeasibility explanations carry the right constraint and the right numbers."""

from __future__ import annotations

import dataclasses

import pytest

from tierwise.optimization.milp.explain import (
    cheapest_plan_cost,
    explain_infeasibility,
    min_cost_per_order,
    min_resource_units,
)
from tierwise.optimization.milp.problem import PlanProblem, ResourceSpec, TierOption
from tierwise.optimization.milp.relax import elastic_relaxation
from tierwise.optimization.milp.result import InfeasibilityReport, PlanStatus
from tierwise.optimization.milp.solve import solve

SOLVERS = ["cbc", "highs"]


def opt(tier: str, oid: str, s: float, cost: float, **kw: object) -> TierOption:
    return TierOption(
        tier=tier,
        option_id=oid,
        service_level=s,
        cost_per_day_usd=cost,
        revenue_per_day_usd=kw.pop("rev", 2 * cost),  # type: ignore[arg-type]
        **kw,  # type: ignore[arg-type]
    )


def budget_problem(budget: float = 40_000.0) -> PlanProblem:
    """Cheapest plan meeting the minimums: a1 24,000 + b1 14,300 + c0 8,000 = 46,300."""
    return PlanProblem(
        options=[
            opt("A", "a0", 0.98, 20_000),
            opt("A", "a1", 0.995, 24_000),
            opt("B", "b0", 0.95, 12_000),
            opt("B", "b1", 0.97, 14_300),
            opt("C", "c0", 0.90, 8_000),
            opt("C", "c1", 0.93, 9_000),
        ],
        budget_per_day_usd=budget,
        min_service={"A": 0.99, "B": 0.96},
        service_metric="perfect-order",
    )


@pytest.mark.parametrize("solver", SOLVERS)
def test_min_service_above_best_option_is_explained_with_both_numbers(solver: str) -> None:
    p = PlanProblem(
        options=[opt("A", "a0", 0.95, 10), opt("A", "a1", 0.987, 20), opt("B", "b0", 0.9, 5)],
        min_service={"A": 0.995},
        service_metric={"A": "perfect-order"},
    )
    res = solve(p, solver=solver)
    assert res.status == PlanStatus.INFEASIBLE
    assert res.explanation is not None
    f = res.explanation.findings[0]
    assert f.kind == "min_service" and f.constraint == "min_service_A"
    assert f.limit == 0.995 and f.achievable == 0.987
    assert f.shortfall == pytest.approx(0.008)
    assert f.message.startswith(
        "tier A minimum perfect-order 0.995 is above the best option found, 0.987"
    )
    assert "0.995" in res.message and "0.987" in res.message
    fix = res.explanation.single_fixes["min_service"]
    assert [(r.constraint, r.relaxed) for r in fix] == [("min_service_A", pytest.approx(0.987))]


def test_lower_bound_basis_compares_minimum_with_confidence_bound() -> None:
    p = PlanProblem(
        options=[opt("A", "a0", 0.99, 10, service_half_width=0.01)],
        min_service={"A": 0.985},
        min_service_basis="lower_bound",
    )
    report = explain_infeasibility(p)
    assert report.findings[0].achievable == pytest.approx(0.98)
    assert "(lower confidence bound)" in report.findings[0].message


@pytest.mark.parametrize("solver", SOLVERS)
def test_budget_below_cheapest_plan_meeting_minimums_reports_gap(solver: str) -> None:
    res = solve(budget_problem(), solver=solver)
    assert res.status == PlanStatus.INFEASIBLE
    report = res.explanation
    assert isinstance(report, InfeasibilityReport)
    f = next(f for f in report.findings if f.kind == "budget")
    assert f.achievable == pytest.approx(46_300) and f.shortfall == pytest.approx(6_300)
    assert f.message == (
        "budget $40,000/day is $6,300 below the cheapest plan meeting the minimums ($46,300/day)"
    )
    assert report.cheapest_plan_cost_per_day_usd == pytest.approx(46_300)
    (fix,) = report.single_fixes["budget"]
    assert fix.amount == pytest.approx(6_300) and fix.relaxed == pytest.approx(46_300)
    # jointly, lowering both minimums by one point each (2 points) beats +15.75 % budget
    joint = {r.constraint: r for r in report.relaxations}
    assert set(joint) == {"min_service_A", "min_service_B"}
    assert joint["min_service_A"].relaxed == pytest.approx(0.98)
    assert joint["min_service_B"].relaxed == pytest.approx(0.95)


def test_cheapest_plan_cost_ignores_budget() -> None:
    assert cheapest_plan_cost(budget_problem()) == pytest.approx(46_300)
    q = dataclasses.replace(budget_problem(), min_service={})
    assert cheapest_plan_cost(q, solver="highs") == pytest.approx(40_000)


def capacity_problem(capacity: int = 10) -> PlanProblem:
    """Every plan meeting the minimums needs >= 12 agents (a1: 7, b1: 5)."""
    return PlanProblem(
        options=[
            opt("A", "a0", 0.90, 100, resources={"agents": 4}),
            opt("A", "a1", 0.97, 150, resources={"agents": 7}),
            opt("A", "a2", 0.99, 190, resources={"agents": 9}),
            opt("B", "b0", 0.90, 80, resources={"agents": 3}),
            opt("B", "b1", 0.96, 120, resources={"agents": 5}),
        ],
        resources=[ResourceSpec(name="agents", capacity_units=capacity)],
        min_service={"A": 0.95, "B": 0.95},
    )


@pytest.mark.parametrize("solver", SOLVERS)
def test_capacity_below_fewest_units_meeting_minimums_is_explained(solver: str) -> None:
    assert min_resource_units(capacity_problem(), "agents", solver=solver) == 12
    report = explain_infeasibility(capacity_problem(), solver=solver)
    f = report.findings[0]
    assert (f.kind, f.constraint, f.limit, f.achievable, f.shortfall) == (
        "capacity",
        "capacity_agents",
        10,
        12,
        2,
    )
    assert "capacity of agents is 10 units but every plan meeting the minimums needs at " in (
        f.message
    )
    assert "at least 12 (2 short)" in f.message
    (fix,) = report.single_fixes["capacity"]
    assert fix.relaxed == pytest.approx(12)


@pytest.mark.parametrize("solver", SOLVERS)
def test_tier_order_conflict_names_the_pair_and_numbers(solver: str) -> None:
    p = PlanProblem(
        options=[
            opt("A", "a0", 0.93, 10),
            opt("A", "a1", 0.95, 20),
            opt("B", "b0", 0.96, 5),
            opt("B", "b1", 0.97, 9),
            opt("C", "c0", 0.80, 1),
        ],
        min_service={"B": 0.96},
        tier_order=["A", "B", "C"],
    )
    res = solve(p, solver=solver)
    assert res.status == PlanStatus.INFEASIBLE and res.explanation is not None
    f = res.explanation.findings[0]
    assert (f.kind, f.constraint) == ("tier_order", "order_A_ge_B")
    assert f.limit == 0.96 and f.achievable == 0.95
    assert "tier order A >= B cannot hold" in f.message
    assert "0.96" in f.message and "0.95" in f.message


def cpo_problem(limit: float = 1.5) -> PlanProblem:
    """Cost per order of the four plans: 2.2857, 1.9, 2.625, 2.1818 -> minimum 1.9."""
    return PlanProblem(
        options=[
            opt("A", "a0", 0.9, 1000, orders_per_day=400),
            opt("A", "a1", 0.9, 1500, orders_per_day=500),
            opt("B", "b0", 0.9, 600, orders_per_day=300),
            opt("B", "b1", 0.9, 900, orders_per_day=600),
        ],
        max_cost_per_order_usd=limit,
    )


@pytest.mark.parametrize("solver", SOLVERS)
def test_cost_per_order_limit_below_lowest_achievable_is_explained(solver: str) -> None:
    assert min_cost_per_order(cpo_problem(), solver=solver) == pytest.approx(1.9)
    report = explain_infeasibility(cpo_problem(), solver=solver)
    f = report.findings[0]
    assert f.kind == "cost_per_order" and f.achievable == pytest.approx(1.9)
    assert "maximum cost per order $1.50 is below the lowest achievable" in f.message
    assert "$1.90 (short by $0.40)" in f.message
    (fix,) = report.single_fixes["cost_per_order"]
    assert fix.relaxed == pytest.approx(1.9)


def test_capacities_jointly_infeasible_is_a_combination_finding() -> None:
    p = PlanProblem(
        options=[
            opt("A", "a0", 0.9, 10, resources={"agents": 2, "pickers": 0}),
            opt("A", "a1", 0.9, 10, resources={"agents": 0, "pickers": 2}),
        ],
        resources=[
            ResourceSpec(name="agents", capacity_units=1),
            ResourceSpec(name="pickers", capacity_units=1),
        ],
    )
    report = explain_infeasibility(p)
    kinds = [f.kind for f in report.findings]
    assert kinds == ["combination"]
    assert "agents, pickers" in report.findings[0].message
    assert len(report.relaxations) == 1 and report.relaxations[0].amount == pytest.approx(1)


def test_feasible_problem_needs_no_relaxation() -> None:
    p = dataclasses.replace(budget_problem(), budget_per_day_usd=50_000)
    assert elastic_relaxation(p) == ()
    assert explain_infeasibility(p).findings == ()


def test_report_messages_and_dict_are_readable() -> None:
    report = explain_infeasibility(budget_problem())
    text = str(report)
    assert text.splitlines()[0].startswith("budget $40,000/day is $6,300 below")
    assert "Relaxing only budget: raise the budget from $40,000/day to $46,300/day (+$6,300)" in (
        text
    )
    assert report.to_dict()["messages"] == report.messages()
