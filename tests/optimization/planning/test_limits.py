"""What limits an unreachable target: the best option, each lever's main effect on service,
the levers at the edge of their simulated range."""

from __future__ import annotations

import pytest

from tests.optimization.planning.small_problems import AGENTS, MODE_A, option, small_problem
from tierwise.optimization.milp.problem import PlanProblem
from tierwise.optimization.planning.limits import lever_service_effects, target_limit


def test_the_main_effect_of_a_lever_is_the_mean_service_at_each_of_its_values() -> None:
    effects = lever_service_effects(small_problem(), "A")
    assert [e.path for e in effects] == [AGENTS, MODE_A]  # B's lever and the horizon left out
    agents = effects[0]
    assert [v for v, _ in agents.mean_service] == [4, 6, 8]
    assert agents.spread == pytest.approx(0.95 - 0.80)
    assert agents.best_value == 8 and agents.edge == "highest"
    mode = dict(effects[1].mean_service)
    assert mode["express"] == pytest.approx((0.92 + 0.95) / 2)
    assert effects[1].edge is None  # not a number: no range to be at the edge of


def test_an_unreachable_target_is_explained_by_the_lever_that_limits_it() -> None:
    problem = small_problem()
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


def test_a_lever_at_the_edge_counts_only_where_service_is_highest_on_average() -> None:
    # fewer agents serve A better here: the best option at 4 agents sits at the low edge
    options = [
        option("A", "a1", 0.90, 100.0, 400.0, **{AGENTS: 4}),
        option("A", "a2", 0.70, 200.0, 450.0, **{AGENTS: 6}),
        option("A", "a3", 0.80, 300.0, 600.0, **{AGENTS: 8}),
    ]
    agents = lever_service_effects(PlanProblem(options=options), "A")[0]
    assert agents.best_value == 4 and agents.edge == "lowest"
    # the best option has the most agents, but on average service peaks at 6 inside the range:
    # a lucky option at the edge does not say "simulate beyond it"
    options = [
        option("A", "a1", 0.95, 100.0, 400.0, **{AGENTS: 8}),
        option("A", "a2", 0.50, 200.0, 450.0, **{AGENTS: 8}),
        option("A", "a3", 0.90, 300.0, 600.0, **{AGENTS: 6}),
        option("A", "a4", 0.60, 300.0, 600.0, **{AGENTS: 4}),
    ]
    lucky = lever_service_effects(PlanProblem(options=options), "A")[0]
    assert lucky.best_value == 8 and lucky.edge is None


def test_a_lever_whose_effect_is_within_noise_is_not_at_an_edge() -> None:
    # 0.5 pp between the two staffing levels, options known to ± 1 pp: no direction to follow
    options = [
        option("A", "a1", 0.800, 100.0, 400.0, **{AGENTS: 4}),
        option("A", "a2", 0.805, 200.0, 450.0, **{AGENTS: 6}),
    ]
    agents = lever_service_effects(PlanProblem(options=options), "A")[0]
    assert agents.best_value == 6 and agents.edge is None
