"""Plan results: status semantics, the per-tier frame and JSON-able dictionaries."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from tests.optimization.milp.plans import opt
from tierwise.optimization.milp.result import (
    ConstraintViolation,
    Finding,
    InfeasibilityReport,
    PlanResult,
    PlanStatus,
    Relaxation,
)


def test_only_optimal_and_unproven_feasible_statuses_carry_a_plan() -> None:
    assert {s for s in PlanStatus if s.has_plan} == {
        PlanStatus.OPTIMAL,
        PlanStatus.FEASIBLE_NOT_PROVEN,
    }


def plan() -> PlanResult:
    a = opt("A", "a1", 0.97, 180, 420, resources={"agents": 2}, orders_per_day=10)
    b = opt("B", "b0", 0.85, 60, 150, resources={"agents": 1}, orders_per_day=20, params={"k": 1})
    return PlanResult(
        status=PlanStatus.OPTIMAL,
        objective="profit",
        objective_value=330.0,
        best_bound=np.float64(330.0),  # type: ignore[arg-type]
        mip_gap=0.0,
        chosen={"A": a, "B": b},
        resource_units={"agents": 3},
        total_cost_per_day_usd=240.0,
        total_revenue_per_day_usd=570.0,
        total_profit_per_day_usd=330.0,
        total_orders_per_day=30.0,
        shadow_prices={"budget": math.nan},
        violations=(ConstraintViolation(constraint="budget", message="over", amount=1.0),),
    )


def test_plan_frame_has_one_row_per_tier_with_unit_suffixed_columns() -> None:
    frame = plan().to_frame()
    assert list(frame["option_id"]) == ["a1", "b0"]
    assert list(frame["agents_units"]) == [2, 1]
    assert frame["profit_per_day_usd"].tolist() == [240.0, 90.0]
    assert frame.attrs["status"] == "optimal" and frame.attrs["total_cost_per_day_usd"] == 240.0


def test_plan_dict_is_plain_json_with_non_finite_numbers_as_null() -> None:
    d = json.loads(json.dumps(plan().to_dict()))
    assert d["best_bound"] == 330.0
    assert d["shadow_prices"] == {"budget": None}
    assert d["chosen"]["B"]["params"] == {"k": 1}
    assert d["violations"] == [{"constraint": "budget", "message": "over", "amount": 1.0}]


def test_cost_per_order_is_total_cost_over_total_orders() -> None:
    assert plan().cost_per_order_usd == pytest.approx(8.0)
    assert PlanResult(status=PlanStatus.INFEASIBLE, objective="cost").cost_per_order_usd is None


def test_infeasibility_report_lists_findings_then_relaxations() -> None:
    fix = Relaxation(
        constraint="budget",
        group="budget",
        current=100.0,
        relaxed=120.0,
        amount=20.0,
        unit="USD/day",
        message="raise the budget",
    )
    report = InfeasibilityReport(
        findings=(Finding(kind="budget", constraint="budget", message="budget too low"),),
        relaxations=(fix,),
        single_fixes={"budget": (fix,)},
        cheapest_plan_cost_per_day_usd=math.inf,
    )
    assert report.messages() == [
        "budget too low",
        "Smallest joint relaxation: raise the budget",
        "Relaxing only budget: raise the budget",
    ]
    assert str(report) == "\n".join(report.messages())
    d = json.loads(json.dumps(report.to_dict()))
    assert d["cheapest_plan_cost_per_day_usd"] is None
    assert d["single_fixes"]["budget"][0]["relaxed"] == 120.0
