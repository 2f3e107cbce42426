"""Shared-lever configurations: a plan takes every tier's option from one configuration."""

from __future__ import annotations

import pytest

from tests.optimization.milp.plans import opt
from tierwise.optimization.milp.check import check_assignment
from tierwise.optimization.milp.problem import PlanInputError, PlanProblem
from tierwise.optimization.milp.solve import solve


def _problem() -> PlanProblem:
    # each tier alone would take its best option from a different configuration: A's is in
    # c1, B's in c2; together the best common configuration is c2 (A 350 + B 260 > 400 + 120)
    return PlanProblem(
        options=[
            opt("A", "a1", 0.95, 100, 500, configuration="c1"),
            opt("A", "a2", 0.90, 100, 450, configuration="c2"),
            opt("B", "b1", 0.80, 50, 170, configuration="c1"),
            opt("B", "b2", 0.90, 50, 310, configuration="c2"),
        ]
    )


def test_the_plan_takes_every_tier_from_one_configuration() -> None:
    plan = solve(_problem())
    assert {o.configuration for o in plan.chosen.values()} == {"c2"}
    assert plan.total_profit_per_day_usd == pytest.approx(350 + 260)


def test_the_plain_python_check_rejects_a_mixed_configuration() -> None:
    mixed = {("A", "a1"): 1.0, ("B", "b2"): 1.0}
    violations = check_assignment(_problem(), mixed, {})
    assert violations and all(v.constraint.startswith("same_config_") for v in violations)
    assert check_assignment(_problem(), {("A", "a2"): 1.0, ("B", "b2"): 1.0}, {}) == []


def test_options_without_configurations_keep_the_choice_per_tier_free() -> None:
    problem = PlanProblem(
        options=[
            opt("A", "a1", 0.95, 100, 500),
            opt("A", "a2", 0.90, 100, 450),
            opt("B", "b1", 0.80, 50, 170),
            opt("B", "b2", 0.90, 50, 310),
        ]
    )
    plan = solve(problem)
    assert (plan.chosen["A"].option_id, plan.chosen["B"].option_id) == ("a1", "b2")


def test_mixing_options_with_and_without_a_configuration_is_rejected() -> None:
    with pytest.raises(PlanInputError, match="has no configuration"):
        PlanProblem(
            options=[opt("A", "a1", 0.9, 1, 2, configuration="c1"), opt("B", "b1", 0.9, 1, 2)]
        )
