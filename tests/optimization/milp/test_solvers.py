"""Solver regressions: instances on which a solver once claimed a wrong optimum."""

from __future__ import annotations

import pytest

from tierwise.optimization.milp.problem import PlanProblem, ResourceSpec, TierOption
from tierwise.optimization.milp.result import PlanStatus
from tierwise.optimization.milp.solve import solve

# (tier, option, cost USD/day, profit USD/day, desk agents) from a quick run of the default
# scenario; with budget 17,850 the best plan is A1 + B2 + C1 (profit 51,497, cost 17,331).
_OPTIONS = [
    ("A", "a5", 7594.27529919, 23644.0033616, 5),
    ("B", "b5", 5758.58248289, 15698.4647262, 5),
    ("B", "b7", 5857.74114706, 21181.9795523, 7),
    ("C", "c5", 3878.72316059, 6670.87913979, 5),
    ("C", "c6", 4461.56227959, 6823.28837149, 6),
    ("C", "c7", 4633.77896482, 7442.37760713, 7),
]


@pytest.mark.parametrize("solver", ["cbc", "highs"])
def test_cbc_preprocessing_bug_instance_is_solved_to_the_true_optimum(solver: str) -> None:
    options = [
        TierOption(
            tier=t,
            option_id=k,
            service_level=0.8,
            cost_per_day_usd=c,
            revenue_per_day_usd=c + p,
            resources={"agents": a, "pickers": 10},
        )
        for t, k, c, p, a in _OPTIONS
    ]
    problem = PlanProblem(
        options=options,
        budget_per_day_usd=17850,
        resources=[
            ResourceSpec(name="agents", pooled=True),
            ResourceSpec(name="pickers", pooled=True),
        ],
    )
    result = solve(problem, solver=solver, mip_gap=0.0)
    assert result.status == PlanStatus.OPTIMAL
    assert {t: o.option_id for t, o in result.chosen.items()} == {"A": "a5", "B": "b7", "C": "c5"}
    assert result.total_profit_per_day_usd == pytest.approx(51496.862, abs=0.01)
