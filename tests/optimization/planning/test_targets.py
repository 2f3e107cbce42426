"""Targets answered on small planning problems: verdicts, the cheapest and the most profitable
plan meeting the targets, the price of the targets, the lever that limits an unreachable one."""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import pytest

from tierwise.optimization.milp.problem import PlanProblem, TierOption
from tierwise.optimization.milp.result import PlanStatus
from tierwise.optimization.milp.solve import solve
from tierwise.optimization.planning.targets import (
    PRICE_OF_TARGETS_KEY,
    answer_targets,
    lever_service_effects,
    plans_meeting,
    target_checks,
    target_limit,
    target_verdict,
)
from tierwise.simulation.analysis.statistics import Estimate

AGENTS = "order_entry.pools.desk.agents"
MODE_A = "tiers.A.shipping_mode"
MODE_B = "tiers.B.shipping_mode"


def _option(tier: str, oid: str, service: float, cost: float, revenue: float, **params: Any):
    return TierOption(
        tier=tier,
        option_id=oid,
        service_level=service,
        service_half_width=0.01,
        cost_per_day_usd=cost,
        revenue_per_day_usd=revenue,
        params={"horizon_days": 10, MODE_B: "ground", **params},
    )


def _problem(**kwargs: Any) -> PlanProblem:
    """A: profit 300 / 250 / 300 at 80 / 92 / 95 %; B: profit 150 / 140 at 70 / 88 %.

    The profit optimum is a1 + b1 (450/day). Meeting A ≥ 90 % and B ≥ 85 %: the cheapest plan is
    a2 + b2 (cost 290), the most profitable a3 + b2 (profit 440): the price is 10/day.
    """
    options = [
        _option("A", "a1", 0.80, 100.0, 400.0, **{AGENTS: 4, MODE_A: "ground"}),
        _option("A", "a2", 0.92, 200.0, 450.0, **{AGENTS: 6, MODE_A: "express"}),
        _option("A", "a3", 0.95, 300.0, 600.0, **{AGENTS: 8, MODE_A: "express"}),
        _option("B", "b1", 0.70, 50.0, 200.0, **{AGENTS: 4, MODE_A: "ground"}),
        _option("B", "b2", 0.88, 90.0, 230.0, **{AGENTS: 6, MODE_A: "ground"}),
    ]
    return PlanProblem(options=options, service_metric="perfect_order_rate", **kwargs)


TARGETS = {"A": {"perfect_order_rate": 0.90}, "B": {"perfect_order_rate": 0.85}}


def test_a_target_is_met_only_when_the_whole_interval_clears_it() -> None:
    assert target_verdict(0.95, 0.02, 0.90) == "met"
    assert target_verdict(0.92, 0.02, 0.90) == "met"  # lower bound exactly on the target
    assert target_verdict(0.85, 0.02, 0.90) == "missed"
    assert target_verdict(0.89, 0.02, 0.90) == "within noise"
    assert target_verdict(0.91, math.nan, 0.90) == "met"  # an unknown width counts as 0
    assert target_verdict(None, None, 0.90) == "not simulated"


def test_the_cheapest_and_the_most_profitable_plan_meeting_the_targets_differ() -> None:
    plans = plans_meeting(_problem(), {"A": 0.90, "B": 0.85})
    assert plans.cheapest.status == PlanStatus.OPTIMAL and plans.best is not None
    assert {t: o.option_id for t, o in plans.cheapest.chosen.items()} == {"A": "a2", "B": "b2"}
    assert plans.cheapest.total_cost_per_day_usd == pytest.approx(290.0)
    assert {t: o.option_id for t, o in plans.best.chosen.items()} == {"A": "a3", "B": "b2"}
    assert plans.best.total_profit_per_day_usd == pytest.approx(440.0)


def test_the_runs_own_floor_above_a_target_is_kept() -> None:
    plans = plans_meeting(_problem(min_service={"A": 0.93}), {"A": 0.90})
    assert plans.targets["A"] == pytest.approx(0.93)
    assert plans.cheapest.chosen["A"].option_id == "a3"


def test_the_price_of_the_targets_is_the_profit_given_up_for_them() -> None:
    problem = _problem()
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
    problem = _problem()
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


def test_the_main_effect_of_a_lever_is_the_mean_service_at_each_of_its_values() -> None:
    effects = lever_service_effects(_problem(), "A")
    assert [e.path for e in effects] == [AGENTS, MODE_A]  # B's lever and the horizon left out
    agents = effects[0]
    assert [v for v, _ in agents.mean_service] == [4, 6, 8]
    assert agents.spread == pytest.approx(0.95 - 0.80)
    assert agents.best_value == 8 and agents.edge == "highest"
    mode = dict(effects[1].mean_service)
    assert mode["express"] == pytest.approx((0.92 + 0.95) / 2)
    assert effects[1].edge is None  # not a number: no range to be at the edge of


def test_an_unreachable_target_is_explained_by_the_lever_that_limits_it() -> None:
    problem = _problem()
    assert target_limit(problem, "A", 0.90) is None  # a2 and a3 reach it
    limit = target_limit(problem, "A", 0.97, base_values={AGENTS: 6, MODE_A: "ground"})
    assert limit is not None
    assert limit.best.option_id == "a3" and limit.shortfall == pytest.approx(0.02)
    assert limit.best_in_words == "express shipping (was ground), 8 desk agents (was 6)"
    assert limit.limiting is not None and limit.limiting.path == AGENTS
    assert [e.path for e in limit.at_edge] == [AGENTS]
    message = limit.message()
    assert "97.0%" in message and "95.0%" in message and "2.0 pp short" in message
    assert "8 desk agents is the most simulated" in message


def test_an_unreachable_target_has_no_price_but_the_reachable_ones_do() -> None:
    problem = _problem()
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
    problem = replace(_problem(), objective="cost")  # a run that minimised cost
    answer = answer_targets(problem, TARGETS, solve(problem))
    assert answer.optimal.objective == "profit"
    assert answer.price_usd_per_day == pytest.approx(10.0)


def test_a_lever_at_the_edge_counts_only_where_service_is_highest_on_average() -> None:
    # fewer agents serve A better here: the best option at 4 agents sits at the low edge
    options = [
        _option("A", "a1", 0.90, 100.0, 400.0, **{AGENTS: 4}),
        _option("A", "a2", 0.70, 200.0, 450.0, **{AGENTS: 6}),
        _option("A", "a3", 0.80, 300.0, 600.0, **{AGENTS: 8}),
    ]
    agents = lever_service_effects(PlanProblem(options=options), "A")[0]
    assert agents.best_value == 4 and agents.edge == "lowest"
    # the best option has the most agents, but on average service peaks at 6 inside the range:
    # a lucky option at the edge does not say "simulate beyond it"
    options = [
        _option("A", "a1", 0.95, 100.0, 400.0, **{AGENTS: 8}),
        _option("A", "a2", 0.50, 200.0, 450.0, **{AGENTS: 8}),
        _option("A", "a3", 0.90, 300.0, 600.0, **{AGENTS: 6}),
        _option("A", "a4", 0.60, 300.0, 600.0, **{AGENTS: 4}),
    ]
    lucky = lever_service_effects(PlanProblem(options=options), "A")[0]
    assert lucky.best_value == 8 and lucky.edge is None


def test_a_lever_whose_effect_is_within_noise_is_not_at_an_edge() -> None:
    # 0.5 pp between the two staffing levels, options known to ± 1 pp: no direction to follow
    options = [
        _option("A", "a1", 0.800, 100.0, 400.0, **{AGENTS: 4}),
        _option("A", "a2", 0.805, 200.0, 450.0, **{AGENTS: 6}),
    ]
    agents = lever_service_effects(PlanProblem(options=options), "A")[0]
    assert agents.best_value == 6 and agents.edge is None
