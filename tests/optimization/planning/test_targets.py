"""Targets answered on small planning problems: verdicts, the cheapest and the most profitable
plan meeting the targets, the price of the targets, the reachable ones when one is out of
reach."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from tests.optimization.planning.small_problems import TARGETS, small_problem
from tierwise.optimization.milp.result import PlanStatus
from tierwise.optimization.milp.solve import solve
from tierwise.optimization.planning.targets import (
    PRICE_OF_TARGETS_KEY,
    answer_targets,
    plans_meeting,
    target_checks,
    target_verdict,
)
from tierwise.simulation.analysis.statistics import Estimate


def test_a_target_is_met_only_when_the_whole_interval_clears_it() -> None:
    assert target_verdict(0.95, 0.02, 0.90) == "met"
    assert target_verdict(0.92, 0.02, 0.90) == "met"  # lower bound exactly on the target
    assert target_verdict(0.85, 0.02, 0.90) == "missed"
    assert target_verdict(0.89, 0.02, 0.90) == "within noise"
    assert target_verdict(0.91, math.nan, 0.90) == "met"  # an unknown width counts as 0
    assert target_verdict(None, None, 0.90) == "not simulated"


def test_the_cheapest_and_the_most_profitable_plan_meeting_the_targets_differ() -> None:
    plans = plans_meeting(small_problem(), {"A": 0.90, "B": 0.85})
    assert plans.cheapest.status == PlanStatus.OPTIMAL and plans.best is not None
    assert {t: o.option_id for t, o in plans.cheapest.chosen.items()} == {"A": "a2", "B": "b2"}
    assert plans.cheapest.total_cost_per_day_usd == pytest.approx(290.0)
    assert {t: o.option_id for t, o in plans.best.chosen.items()} == {"A": "a3", "B": "b2"}
    assert plans.best.total_profit_per_day_usd == pytest.approx(440.0)


def test_the_runs_own_floor_above_a_target_is_kept() -> None:
    plans = plans_meeting(small_problem(min_service={"A": 0.93}), {"A": 0.90})
    assert plans.targets["A"] == pytest.approx(0.93)
    assert plans.cheapest.chosen["A"].option_id == "a3"


def test_the_price_of_the_targets_is_the_profit_given_up_for_them() -> None:
    problem = small_problem()
    plan = solve(problem)
    answer = answer_targets(problem, TARGETS, plan)
    assert answer.optimal.total_profit_per_day_usd == pytest.approx(450.0)
    assert answer.price_usd_per_day == pytest.approx(450.0 - 440.0)
    assert not answer.limits and answer.reachable is None
    # the optimum a1 + b1 misses both targets on its predictions
    assert [c.verdict for c in answer.checks] == ["missed", "missed"]
    document = answer.to_dict()
    assert document[PRICE_OF_TARGETS_KEY] == pytest.approx(10.0)
    assert document["meeting_all"]["cheapest"]["cost_per_day_usd"] == pytest.approx(290.0)
    said = " ".join(answer.messages())
    assert "costs $10/day of profit" in said
    assert "the cheapest plan meeting them costs $290/day, the profit-optimal plan $150/day" in said


def test_checks_use_the_simulated_plan_where_there_is_one() -> None:
    problem = small_problem()
    plan = solve(problem)
    targets = {"A": {"perfect_order_rate": 0.90, "on_time_rate": 0.95}}
    simulated = {"A.perfect_order_rate": Estimate(0.905, 0.01, 6, 0.95)}
    checks = target_checks(targets, plan, "perfect_order_rate", simulated)
    assert (checks[0].basis, checks[0].value, checks[0].verdict) == (
        "simulated",
        0.905,
        "within noise",
    )
    # another metric the verification did not measure cannot be judged on a prediction
    assert (checks[1].basis, checks[1].verdict) == ("predicted", "not simulated")
    predicted = target_checks(targets, plan, "perfect_order_rate")[0]
    assert (predicted.basis, predicted.value) == ("predicted", 0.80)


def test_an_unreachable_target_has_no_price_but_the_reachable_ones_do() -> None:
    problem = small_problem()
    targets = {"A": {"perfect_order_rate": 0.97}, "B": {"perfect_order_rate": 0.85}}
    answer = answer_targets(problem, targets, solve(problem))
    assert answer.meeting.cheapest.status == PlanStatus.INFEASIBLE
    assert answer.meeting.best is None and answer.price_usd_per_day is None
    explanation = answer.meeting.cheapest.explanation
    assert explanation is not None and explanation.findings[0].kind == "min_service"
    assert set(answer.limits) == {"A"}
    # B ≥ 85 % alone: a1 (or a3) + b2, profit 440
    assert answer.price_of_reachable_usd_per_day == pytest.approx(10.0)
    said = " ".join(answer.messages())
    assert "No simulated plan meets every" in said and "out of reach" in said


def test_the_price_compares_with_the_profit_optimum_whatever_the_runs_objective() -> None:
    problem = replace(small_problem(), objective="cost")  # a run that minimised cost
    answer = answer_targets(problem, TARGETS, solve(problem))
    assert answer.optimal.objective == "profit"
    assert answer.price_usd_per_day == pytest.approx(10.0)
