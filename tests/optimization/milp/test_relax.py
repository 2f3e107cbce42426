"""Elastic relaxation: the smallest weighted relaxation, its numbers and its messages."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.optimization.milp.plans import opt
from tierwise.optimization.milp.problem import PlanProblem, ResourceSpec, TierOption
from tierwise.optimization.milp.relax import default_elastic_weights, elastic_relaxation
from tierwise.optimization.milp.result import PlanStatus, Relaxation
from tierwise.optimization.milp.solve import solve


def desk_problem(capacity: int = 5, pooled: bool = True, budget: float = 300.0) -> PlanProblem:
    """Meeting both minimums takes the 6-agent options of A and B."""
    return PlanProblem(
        options=[
            opt("A", "a0", 0.90, 100, 300, resources={"agents": 4}),
            opt("A", "a1", 0.97, 150, 300, resources={"agents": 6}),
            opt("B", "b0", 0.90, 80, 200, resources={"agents": 4}),
            opt("B", "b1", 0.97, 120, 200, resources={"agents": 6}),
        ],
        resources=[ResourceSpec(name="agents", capacity_units=capacity, pooled=pooled)],
        budget_per_day_usd=budget,
        min_service={"A": 0.95, "B": 0.95},
    )


def test_default_weights_price_a_point_of_service_like_one_percent_of_a_limit() -> None:
    w = default_elastic_weights(desk_problem())
    assert w == {
        "capacity_agents": pytest.approx(100 / 5),
        "budget": pytest.approx(100 / 300),
        "min_service_A": 100.0,
        "min_service_B": 100.0,
    }


def test_pooled_capacity_is_raised_to_the_largest_pool_not_the_sum() -> None:
    (fix,) = elastic_relaxation(desk_problem(), groups=("capacity",)) or ()
    assert (fix.current, fix.relaxed, fix.amount) == (5, 6, 1)
    assert fix.message == "raise agents capacity from 5 to 6 units (+1)"
    (side,) = elastic_relaxation(desk_problem(pooled=False), groups=("capacity",)) or ()
    assert side.relaxed == 12


def test_budget_and_service_relaxations_say_how_far_in_their_units() -> None:
    (budget,) = (
        elastic_relaxation(desk_problem(capacity=12, budget=250.0), groups=("budget",)) or ()
    )
    assert budget.relaxed == pytest.approx(270.0) and budget.unit == "USD/day"
    assert budget.message == "raise the budget from $250/day to $270/day (+$20.00)"
    service = elastic_relaxation(desk_problem(capacity=4), groups=("min_service",)) or ()
    by_row = {r.constraint: r for r in service}
    assert by_row["min_service_A"].relaxed == pytest.approx(0.9)
    assert by_row["min_service_A"].message == (
        "lower tier A minimum service from 0.95 to 0.9 (−0.05)"
    )


def test_relaxing_a_group_that_cannot_help_gives_none() -> None:
    assert elastic_relaxation(desk_problem(capacity=4), groups=("budget",)) is None


def test_feasible_problem_needs_no_relaxation() -> None:
    assert elastic_relaxation(desk_problem(capacity=12)) == ()
    assert elastic_relaxation(desk_problem(), groups=()) is None


# --------------------------------------------------------------------------- property


def apply(p: PlanProblem, relax: tuple[Relaxation, ...]) -> PlanProblem:
    """The problem with every reported relaxation applied."""
    mins = dict(p.min_service)
    budget, cpo = p.budget_per_day_usd, p.max_cost_per_order_usd
    caps = {r.name: r.capacity_units for r in p.resources}
    for r in relax:
        assert r.relaxed is not None
        if r.group == "min_service":
            mins[r.constraint.removeprefix("min_service_")] = max(0.0, r.relaxed)
        elif r.group == "budget":
            budget = r.relaxed
        elif r.group == "cost_per_order":
            cpo = r.relaxed
        elif r.group == "capacity":
            caps[r.constraint.removeprefix("capacity_")] = round(r.relaxed)
    resources = [dataclasses.replace(r, capacity_units=caps[r.name]) for r in p.resources]
    return dataclasses.replace(
        p,
        min_service=mins,
        budget_per_day_usd=budget,
        max_cost_per_order_usd=cpo,
        resources=resources,
    )


@st.composite
def tight_instances(draw: st.DrawFn) -> PlanProblem:
    tiers = ["A", "B", "C"][: draw(st.integers(2, 3))]
    options = [
        TierOption(
            tier=t,
            option_id=f"{t}{k}",
            service_level=draw(st.integers(800, 999)) / 1000,
            cost_per_day_usd=draw(st.integers(10, 500)),
            resources={"agents": draw(st.integers(0, 5))},
            orders_per_day=draw(st.integers(1, 50)),
        )
        for t in tiers
        for k in range(draw(st.integers(2, 4)))
    ]
    return PlanProblem(
        options=options,
        resources=[
            ResourceSpec(
                name="agents", capacity_units=draw(st.integers(0, 8)), pooled=draw(st.booleans())
            )
        ],
        budget_per_day_usd=draw(st.integers(0, 900)),
        min_service={t: draw(st.integers(850, 999)) / 1000 for t in tiers},
        max_cost_per_order_usd=draw(st.none() | st.integers(100, 3000).map(lambda v: v / 100)),
        objective="cost",
    )


@settings(
    max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(tight_instances())
def test_applying_the_elastic_relaxation_restores_feasibility(p: PlanProblem) -> None:
    relax = elastic_relaxation(p, solver="highs")
    assert relax is not None
    fixed = solve(apply(p, relax), solver="highs", explain=False, shadow_prices=False)
    assert fixed.status == PlanStatus.OPTIMAL
    if not relax:
        assert solve(p, solver="highs", explain=False, shadow_prices=False).has_plan
